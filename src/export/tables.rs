//! The national tables as files (interchange.md §2): one CSV per table, one `tables.json`,
//! one `tables.xlsx` workbook with a sheet per table. Format only: the cells come from `stats`.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde_json::{Map, Value};

use crate::stats::{Cell, Table};

/// The file name of a table's CSV (`A04.csv`).
pub fn csv_name(table_id: &str) -> String {
    format!("{table_id}.csv")
}

/// `tables.json`: an object keyed by table id, each with `title`, `columns` and `rows`
/// (numbers as JSON numbers, empty cells as null).
pub fn json(tables: &[Table]) -> Result<String, serde_json::Error> {
    let mut map = Map::new();
    for t in tables {
        map.insert(t.id.to_owned(), serde_json::to_value(t)?);
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(map))?;
    text.push('\n');
    Ok(text)
}

/// Longest sheet name Excel accepts.
const SHEET_NAME_CHARS: usize = 31;

/// The sheet name of a table: its printed title, without the characters a sheet name may not
/// hold, at most 31 characters.
pub fn sheet_name(table: &Table) -> String {
    table
        .title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(SHEET_NAME_CHARS)
        .collect()
}

/// `tables.xlsx`: a sheet per table titled as printed, the CSV's header in row 1 and its rows
/// below; numbers as numbers in the printed format (`0`, `0.0`, `0.00`), text as text cells
/// (never a formula, whatever it begins with).
pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let integer = Format::new().set_num_format("0");
    let one = Format::new().set_num_format("0.0");
    let two = Format::new().set_num_format("0.00");
    for t in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(t))?;
        for (c, name) in t.columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, name, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        sheet.write_string(r, c, s)?;
                    }
                    Cell::Int(_) | Cell::Fixed { .. } => {
                        let format = match cell {
                            Cell::Fixed { places: 1, .. } => &one,
                            Cell::Fixed { .. } => &two,
                            _ => &integer,
                        };
                        if let Some(n) = cell.number() {
                            sheet.write_number_with_format(r, c, n, format)?;
                        }
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            id: "A08",
            printed: "附表8",
            title: "2016年全国技术合同计划项目构成".into(),
            columns: vec!["row_label".into(), "count_2016".into(), "share_pct".into()],
            rows: vec![
                vec![
                    Cell::text("=1+1"),
                    Cell::Int(3),
                    Cell::fixed2(Some(1_140_690)),
                ],
                vec![Cell::text("合计"), Cell::Empty, Cell::fixed1(Some(5))],
            ],
        }
    }

    #[test]
    fn json_keeps_numbers_as_numbers_and_empty_as_null() {
        let text = json(&[table()]).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["A08"]["title"], "2016年全国技术合同计划项目构成");
        assert_eq!(v["A08"]["columns"][2], "share_pct");
        assert_eq!(v["A08"]["rows"][0][2], 11406.9);
        assert_eq!(v["A08"]["rows"][1][1], Value::Null);
        assert_eq!(v["A08"]["rows"][0][1], 3);
    }

    #[test]
    fn workbooks_hold_numbers_and_text_never_formulas() {
        use std::io::Read;
        let bytes = xlsx(&[table()]).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut sheet = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut sheet)
            .unwrap();
        assert!(!sheet.contains("<f>"), "{sheet}");
        assert!(sheet.contains("<v>11406.9</v>"), "{sheet}");
        let mut book = String::new();
        zip.by_name("xl/workbook.xml")
            .unwrap()
            .read_to_string(&mut book)
            .unwrap();
        assert!(book.contains("2016年全国技术合同计划项目构成"), "{book}");
        // And the sheet reads back with its text as text.
        let csv = crate::input::xlsx::first_sheet_as_csv(&xlsx(&[table()]).unwrap());
        let csv = String::from_utf8(csv.unwrap()).unwrap();
        assert!(
            csv.starts_with("row_label,count_2016,share_pct\n=1+1,3,11406.9\n"),
            "{csv}"
        );
    }

    #[test]
    fn sheet_names_fit_excel() {
        let mut t = table();
        t.title = "2016年[测试]:表/一?*".repeat(4);
        let name = sheet_name(&t);
        assert!(name.chars().count() <= 31);
        assert!(!name.contains(['[', ']', ':', '/', '?', '*']));
    }
}
