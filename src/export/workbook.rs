//! The workbooks techreg writes: the import template offered on the upload page, and the
//! filtered contract list. Every cell is text, so codes keep their leading zeros and nothing a
//! user typed is read by a spreadsheet as a number, a date or a formula.

use rust_xlsxwriter::{Format, FormatAlign, Note, Workbook, Worksheet, XlsxError};

use super::contracts_csv;
use crate::catalog::list::CodeList;
use crate::db::contracts::ContractRow;
use crate::domain::contract_file::{column_help, column_label, columns};

/// The sheet clerks fill in.
pub const DATA_SHEET: &str = "合同";

/// The template workbook: the data sheet with the exact header row (a note on each header
/// cell says what the column holds; every column is formatted as text so codes keep their
/// leading zeros), a "填写说明" sheet, and one sheet per code list. `rows` are written below
/// the header as text cells (empty for the blank template).
pub fn template(rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let sheet = workbook.add_worksheet();
    sheet.set_name(DATA_SHEET)?;
    for (col, name) in columns().enumerate() {
        let col = col as u16;
        sheet.set_column_format(col, &text)?;
        sheet.set_column_width(col, 18)?;
        sheet.write_string_with_format(0, col, name, &bold)?;
        let (when, what) = column_help(name);
        let note = Note::new(format!("{}（{when}）：{what}", column_label(name)))
            .add_author_prefix(false)
            .set_width(320)
            .set_height(120);
        sheet.insert_note(0, col, &note)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string_with_format(r as u32 + 1, c as u16, value, &text)?;
            }
        }
    }

    let help = workbook.add_worksheet();
    help.set_name("填写说明")?;
    let intro = [
        "在“合同”工作表中每行填写一份合同（主卖方和主买方），第 1 行的列名不要改动；把鼠标停在列名上可看到该列的说明。",
        "代码请按文本填写（保留前导零，如 01、021）；日期写成 YYYY-MM-DD；金额以元为单位，最多 2 位小数，不用千分位。",
        "导入是全有或全无的：任何一行有错误都不会写入，系统会逐条列出“row 行号, 列名: 说明”。",
        "登记员只能导入本登记机构的待审核（submitted）合同；已登记（registered）的历史合同由部级用户或命令行导入。",
    ];
    help.set_column_width(0, 24)?;
    help.set_column_width(1, 22)?;
    help.set_column_width(2, 20)?;
    help.set_column_width(3, 80)?;
    for (r, line) in intro.iter().enumerate() {
        help.write_string(r as u32, 0, *line)?;
    }
    let top = intro.len() as u32 + 1;
    for (c, title) in ["列名", "名称", "是否必填", "填写要求"].iter().enumerate() {
        help.write_string_with_format(top, c as u16, *title, &bold)?;
    }
    for (i, name) in columns().enumerate() {
        let r = top + 1 + i as u32;
        let (when, what) = column_help(name);
        help.write_string(r, 0, name)?;
        help.write_string(r, 1, column_label(name))?;
        help.write_string(r, 2, when)?;
        help.write_string_with_format(r, 3, &what, &wrap)?;
    }

    // Every list a clerk picks codes from; the divisions are too many for a sheet (the form
    // names each code as it is typed, and the import checks it).
    for list in CodeList::ALL.into_iter().filter(|l| *l != CodeList::Region) {
        code_sheet(
            workbook.add_worksheet(),
            list.title(),
            list.choices().into_iter().map(|e| (e.code, e.full_label)),
        )?;
    }
    workbook.save_to_buffer()
}

/// One code list: code (a text cell) and label, with a header row.
fn code_sheet(
    sheet: &mut Worksheet,
    name: &str,
    entries: impl Iterator<Item = (&'static str, String)>,
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    sheet.set_name(name)?;
    sheet.set_column_format(0, &text)?;
    sheet.set_column_width(0, 10)?;
    sheet.set_column_width(1, 48)?;
    sheet.write_string_with_format(0, 0, "代码", &bold)?;
    sheet.write_string_with_format(0, 1, "名称", &bold)?;
    for (i, (code, label)) in entries.enumerate() {
        let r = i as u32 + 1;
        sheet.write_string_with_format(r, 0, code, &text)?;
        sheet.write_string(r, 1, &label)?;
    }
    Ok(())
}

/// The filtered contract list as a workbook: one sheet, zh headers, the columns and values of
/// the contracts CSV (interchange.md §1) as text cells. Rows go to a temporary file as they are
/// pushed (the sheet's constant-memory mode), so memory does not grow with the list.
pub struct ContractList {
    workbook: Workbook,
    text: Format,
    rows: u32,
}

impl ContractList {
    pub fn new() -> Result<ContractList, XlsxError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let text = Format::new().set_num_format("@");
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(DATA_SHEET)?;
        for (col, name) in columns().enumerate() {
            let col = col as u16;
            sheet.set_column_width(col, 16)?;
            sheet.write_string_with_format(0, col, column_label(name), &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(ContractList {
            workbook,
            text,
            rows: 0,
        })
    }

    /// Appends one contract below the rows already written.
    pub fn push(&mut self, row: &ContractRow) -> Result<(), XlsxError> {
        let sheet = self.workbook.worksheet_from_index(0)?;
        let r = self.rows + 1;
        let text = &self.text;
        contracts_csv::with_values(row, |values| {
            for (c, value) in values.enumerate().filter(|(_, v)| !v.is_empty()) {
                sheet.write_string_with_format(r, c as u16, value, text)?;
            }
            Ok::<_, XlsxError>(())
        })?;
        self.rows = r;
        Ok(())
    }

    /// How many contracts have been pushed.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        self.workbook.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::contracts_csv;
    use crate::input::xlsx::first_sheet_as_csv;

    #[test]
    fn the_template_reads_back_as_its_header() {
        let bytes = template(&[]).expect("template");
        assert!(bytes.starts_with(b"PK"));
        let csv = first_sheet_as_csv(&bytes).expect("readable");
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            contracts_csv::header_line()
        );
    }

    #[test]
    fn filled_rows_keep_their_text_and_row_numbers() {
        let width = columns().count();
        let mut row = vec![String::new(); width];
        row[1] = "submitted".into();
        row[4] = "项目, 含逗号".into();
        let blank = vec![String::new(); width];
        let bytes = template(&[row.clone(), blank, row]).expect("template");
        let csv = String::from_utf8(first_sheet_as_csv(&bytes).unwrap()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4, "{csv}");
        assert!(
            lines[1].starts_with(",submitted,,,\"项目, 含逗号\""),
            "{csv}"
        );
        assert_eq!(lines[2], "");
    }
}
