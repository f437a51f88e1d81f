//! XLSX for the contracts import: reading the first sheet of a workbook as the same CSV text
//! the CSV reader takes (so both formats share one header check and one row numbering), and
//! the template workbook offered on the upload page.
//!
//! The reader is the crate's own and streams: a workbook is untrusted input, and nothing it
//! declares (a shared-strings count, a sheet dimension) sizes an allocation. Memory follows
//! what the parts hold, which [`MAX_INFLATED_BYTES`] bounds, and the sheet's limits
//! ([`MAX_ROWS`], [`max_columns`], [`MAX_CELL_CHARS`], [`MAX_SHARED_STRINGS`],
//! [`MAX_CSV_BYTES`]) are checked while it is read.

mod package;
#[cfg(test)]
mod read_tests;
mod sheet;
mod strings;
mod styles;

use std::io::Cursor;

pub use sheet::{EXTRA_COLUMNS, MAX_CELL_CHARS, MAX_CSV_BYTES, MAX_ROWS, max_columns};
pub use strings::MAX_SHARED_STRINGS;

use rust_xlsxwriter::{Format, FormatAlign, Note, Workbook, Worksheet, XlsxError};

use super::contracts_csv::{column_help, column_label, columns};
use crate::catalog::list::CodeList;

/// Most bytes the parts of any workbook may inflate to (a national year of 320,000 contracts
/// inflates to about 590 MB); a crafted archive that inflates without end is refused before
/// anything is parsed, instead of filling the server's memory.
pub const MAX_INFLATED_BYTES: u64 = 1 << 30;
/// What a workbook may inflate to, and the CSV text it may become, in proportion to its own
/// size: real workbooks inflate about 8 times and become about 2 times their size as CSV; a
/// crafted one inflates thousands of times. So a 20 MB upload is held to 640 MB inflated and
/// 320 MB of CSV, a 2 KB file to the floor of 64 MB.
const INFLATION_RATIO: u64 = 32;
const CSV_RATIO: u64 = 16;
const LIMIT_FLOOR: u64 = 64 << 20;

/// The inflated size and the CSV size a workbook of `len` bytes may reach.
pub fn limits_for(len: usize) -> (u64, usize) {
    let len = len as u64;
    let inflated = len
        .saturating_mul(INFLATION_RATIO)
        .clamp(LIMIT_FLOOR, MAX_INFLATED_BYTES);
    let csv = len
        .saturating_mul(CSV_RATIO)
        .clamp(LIMIT_FLOOR, MAX_CSV_BYTES as u64);
    (inflated, csv as usize)
}

fn unreadable(e: &dyn std::fmt::Display) -> String {
    format!("file: 无法读取 Excel 工作簿：{e}")
}

/// Inflates every part of the archive into nothing, counting, and stops past `limit` bytes.
/// The sizes an archive declares are not trusted: a crafted one may understate them.
fn check_inflated_size(bytes: &[u8], limit: u64) -> Result<(), String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| unreadable(&e))?;
        let left = limit.saturating_sub(total);
        total += std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink())
            .map_err(|e| unreadable(&e))?;
        if total > limit {
            return Err(format!(
                "file: Excel 工作簿解压后超过 {} MB，请拆分为多个文件，或另存为 CSV（UTF-8）后导入",
                limit >> 20
            ));
        }
    }
    Ok(())
}

/// Converts the first sheet of an XLSX workbook to CSV text: header in row 1, each sheet row
/// one CSV line (blank rows kept, so row numbers stay those of the sheet). Codes should be text
/// cells; numbers are written without a trailing `.0` and date cells as `YYYY-MM-DD`.
pub fn first_sheet_as_csv(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let (inflated, csv) = limits_for(bytes.len());
    check_inflated_size(bytes, inflated)?;
    read_first_sheet(bytes, csv)
}

fn read_first_sheet(bytes: &[u8], max_csv_bytes: usize) -> Result<Vec<u8>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let parts = package::locate(&mut archive)?;
    let shared_strings = match parts.shared_strings {
        Some(i) => strings::SharedStrings::read(&mut package::open(&mut archive, i)?)?,
        None => strings::SharedStrings::default(),
    };
    let styles = match parts.styles {
        Some(i) => styles::Styles::read(&mut package::open(&mut archive, i)?)?,
        None => styles::Styles::default(),
    };
    sheet::to_csv(
        &mut package::open(&mut archive, parts.sheet)?,
        &shared_strings,
        &styles,
        parts.date1904,
        max_csv_bytes,
    )
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::contracts_csv;

    /// An archive with one part of `size` zero bytes (deflate packs them a thousandfold).
    fn archive_of_zeros(size: usize) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        w.write_all(&vec![0u8; size]).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn workbooks_that_inflate_past_the_limit_are_refused_before_parsing() {
        let bomb = archive_of_zeros(3 << 20);
        assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
        let e = check_inflated_size(&bomb, 2 << 20).unwrap_err();
        assert!(e.starts_with("file: ") && e.contains("超过 2 MB"), "{e}");
        assert_eq!(check_inflated_size(&bomb, 3 << 20), Ok(()));
        assert!(
            check_inflated_size(b"not a zip", 1 << 20)
                .unwrap_err()
                .contains("无法读取")
        );
    }

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

    #[test]
    fn garbage_is_a_file_problem() {
        let e = first_sheet_as_csv(b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(e.starts_with("file: 无法读取 Excel 工作簿"), "{e}");
    }
}
