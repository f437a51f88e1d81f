//! The contracts CSV of a registration year (interchange.md §1), written page by page.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::{self, DbConn};
use crate::export::contracts_csv;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("年份 {0} 无效")]
    Year(i32),
    #[error("读取数据库失败：{0}")]
    Db(#[from] diesel::result::Error),
    #[error("写出失败：{0}")]
    Io(#[from] std::io::Error),
}

/// Rows read and written per round while exporting.
const EXPORT_PAGE: usize = 2_000;

/// Writes the contracts CSV of year `year` (interchange.md §1): the contracts registered that
/// year (by `registered_on`; cancelled ones are not registered any more), ordered by
/// registration number, each with the party details recorded on it. Returns how many were
/// written.
pub fn export_year(
    conn: &mut DbConn,
    year: i32,
    out: &mut dyn std::io::Write,
) -> Result<usize, ExportError> {
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(ExportError::Year(year));
    };
    out.write_all(contracts_csv::header_line().as_bytes())?;
    let numbers = db::contracts::registered_between(conn, from, to)?;
    for page in numbers.chunks(EXPORT_PAGE) {
        let ids: Vec<i64> = page.iter().map(|(_, id)| *id).collect();
        let mut rows: HashMap<i64, _> = db::contracts::find_many(conn, &ids)?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut text = String::with_capacity(page.len() * 600);
        for id in &ids {
            if let Some(row) = rows.remove(id) {
                contracts_csv::push_contract(&mut text, &row);
            }
        }
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    Ok(numbers.len())
}
