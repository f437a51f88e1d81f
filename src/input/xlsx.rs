//! XLSX for the contracts import: reading the first sheet of a workbook as the same CSV text
//! the CSV reader takes (so both formats share one header check and one row numbering). The
//! workbooks techreg writes are `export::workbook`'s.
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

use super::Problem;

pub use sheet::{EXTRA_COLUMNS, MAX_CELL_CHARS, MAX_CSV_BYTES, MAX_ROWS, max_columns};
pub use strings::MAX_SHARED_STRINGS;

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

fn unreadable(e: &dyn std::fmt::Display) -> Problem {
    Problem::file(format!("无法读取 Excel 工作簿：{e}"))
}

/// Inflates every part of the archive into nothing, counting, and stops past `limit` bytes.
/// The sizes an archive declares are not trusted: a crafted one may understate them.
fn check_inflated_size(bytes: &[u8], limit: u64) -> Result<(), Problem> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| unreadable(&e))?;
        let left = limit.saturating_sub(total);
        total += std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink())
            .map_err(|e| unreadable(&e))?;
        if total > limit {
            return Err(Problem::file(format!(
                "Excel 工作簿解压后超过 {} MB，请拆分为多个文件，或另存为 CSV（UTF-8）后导入",
                limit >> 20
            )));
        }
    }
    Ok(())
}

/// Converts the first sheet of an XLSX workbook to CSV text: header in row 1, each sheet row
/// one CSV line (blank rows kept, so row numbers stay those of the sheet). Codes should be text
/// cells; numbers are written without a trailing `.0` and date cells as `YYYY-MM-DD`.
pub fn first_sheet_as_csv(bytes: &[u8]) -> Result<Vec<u8>, Problem> {
    let (inflated, csv) = limits_for(bytes.len());
    check_inflated_size(bytes, inflated)?;
    read_first_sheet(bytes, csv)
}

fn read_first_sheet(bytes: &[u8], max_csv_bytes: usize) -> Result<Vec<u8>, Problem> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let e = check_inflated_size(&bomb, 2 << 20).unwrap_err().to_string();
        assert!(e.starts_with("file: ") && e.contains("超过 2 MB"), "{e}");
        assert_eq!(check_inflated_size(&bomb, 3 << 20), Ok(()));
        assert!(
            check_inflated_size(b"not a zip", 1 << 20)
                .unwrap_err()
                .to_string()
                .contains("无法读取")
        );
    }

    #[test]
    fn garbage_is_a_file_problem() {
        let e = first_sheet_as_csv(b"PK\x03\x04 not really a zip")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("file: 无法读取 Excel 工作簿"), "{e}");
    }
}
