//! Queries of `history_years`: the imported national figures of years before the system
//! existed, and R&D expenditure for any year (interchange §3). The statistics read them with
//! [`all`] and [`for_years`]; `history::import_file` replaces them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::history_years;
use super::{DbConn, MultiBackend};

/// One year's imported figures; `None` is unknown (an empty cell of the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryRow {
    pub year: i32,
    pub contract_count: Option<i64>,
    pub amount_fen: Option<i64>,
    pub rd_expenditure_fen: Option<i64>,
    /// In the order of `catalog::category::CATEGORIES`: 技术开发, 技术转让, 技术咨询, 技术服务.
    pub categories: [CategoryFigures; 4],
}

/// The figures of one contract category in one year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CategoryFigures {
    pub count: Option<i64>,
    pub amount_fen: Option<i64>,
}

impl HistoryRow {
    /// A year with nothing known.
    pub fn empty(year: i32) -> Self {
        HistoryRow {
            year,
            contract_count: None,
            amount_fen: None,
            rd_expenditure_fen: None,
            categories: [CategoryFigures::default(); 4],
        }
    }

    /// Whether the row carries no figure at all.
    pub fn is_empty(&self) -> bool {
        *self == HistoryRow::empty(self.year)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = history_years, check_for_backend(MultiBackend))]
struct Stored {
    year: i32,
    contract_count: Option<i64>,
    amount_fen: Option<i64>,
    rd_expenditure_fen: Option<i64>,
    dev_count: Option<i64>,
    dev_amount_fen: Option<i64>,
    transfer_count: Option<i64>,
    transfer_amount_fen: Option<i64>,
    consult_count: Option<i64>,
    consult_amount_fen: Option<i64>,
    service_count: Option<i64>,
    service_amount_fen: Option<i64>,
    updated_at: NaiveDateTime,
    updated_by: String,
}

impl Stored {
    fn of(row: &HistoryRow, by: &str, now: NaiveDateTime) -> Self {
        let [dev, transfer, consult, service] = row.categories;
        Stored {
            year: row.year,
            contract_count: row.contract_count,
            amount_fen: row.amount_fen,
            rd_expenditure_fen: row.rd_expenditure_fen,
            dev_count: dev.count,
            dev_amount_fen: dev.amount_fen,
            transfer_count: transfer.count,
            transfer_amount_fen: transfer.amount_fen,
            consult_count: consult.count,
            consult_amount_fen: consult.amount_fen,
            service_count: service.count,
            service_amount_fen: service.amount_fen,
            updated_at: now,
            updated_by: by.to_owned(),
        }
    }

    fn row(self) -> HistoryRow {
        let figures = |count, amount_fen| CategoryFigures { count, amount_fen };
        HistoryRow {
            year: self.year,
            contract_count: self.contract_count,
            amount_fen: self.amount_fen,
            rd_expenditure_fen: self.rd_expenditure_fen,
            categories: [
                figures(self.dev_count, self.dev_amount_fen),
                figures(self.transfer_count, self.transfer_amount_fen),
                figures(self.consult_count, self.consult_amount_fen),
                figures(self.service_count, self.service_amount_fen),
            ],
        }
    }
}

/// Every stored year, ordered by year.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<HistoryRow>> {
    let rows: Vec<Stored> = history_years::table
        .select(Stored::as_select())
        .order(history_years::year.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(Stored::row).collect())
}

/// The stored years from `from` to `to` (both included), ordered by year.
pub fn for_years(conn: &mut DbConn, from: i32, to: i32) -> QueryResult<Vec<HistoryRow>> {
    let rows: Vec<Stored> = history_years::table
        .filter(history_years::year.between(from, to))
        .select(Stored::as_select())
        .order(history_years::year.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(Stored::row).collect())
}

/// Replaces the stored row of each year of `rows` (a row without figures leaves its year
/// without one); other years are kept. Returns the years that had a stored row before. Run it
/// inside a transaction.
pub fn replace(
    conn: &mut DbConn,
    rows: &[HistoryRow],
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<i32>> {
    let years: Vec<i32> = rows.iter().map(|r| r.year).collect();
    let existing: Vec<i32> = history_years::table
        .filter(history_years::year.eq_any(&years))
        .select(history_years::year)
        .order(history_years::year.asc())
        .load(conn)?;
    diesel::delete(history_years::table.filter(history_years::year.eq_any(&years)))
        .execute(conn)?;
    for row in rows.iter().filter(|r| !r.is_empty()) {
        diesel::insert_into(history_years::table)
            .values(Stored::of(row, by, now))
            .execute(conn)?;
    }
    Ok(existing)
}
