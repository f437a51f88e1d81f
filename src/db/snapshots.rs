//! Queries of `year_snapshots`: the frozen figures and tables of closed years (domain.md §5.7).
//! A snapshot is written once when a year closes; reopening only records who reopened it, when
//! and why (database triggers refuse any other change, and deletion).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::year_snapshots;
use super::{DbConn, MultiBackend};

/// One close of a year, without its stored figures and tables.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = year_snapshots, check_for_backend(MultiBackend))]
pub struct SnapshotInfo {
    pub id: i64,
    pub year: i32,
    pub closed_at: NaiveDateTime,
    pub closed_by: String,
    pub contract_count: i64,
    pub amount_fen: i64,
    pub reopened_at: Option<NaiveDateTime>,
    pub reopened_by: Option<String>,
    pub reopen_reason: Option<String>,
}

impl SnapshotInfo {
    pub fn in_force(&self) -> bool {
        self.reopened_at.is_none()
    }
}

/// What a close stores.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = year_snapshots)]
pub struct NewSnapshot<'a> {
    pub year: i32,
    pub closed_at: NaiveDateTime,
    pub closed_by: &'a str,
    pub contract_count: i64,
    pub amount_fen: i64,
    pub figures: &'a str,
    pub tables: &'a str,
}

/// Stores a close; fails with a unique violation when the year already has one in force.
pub fn insert(conn: &mut DbConn, new: &NewSnapshot<'_>) -> QueryResult<i64> {
    diesel::insert_into(year_snapshots::table)
        .values(new)
        .returning(year_snapshots::id)
        .get_result(conn)
}

/// The snapshot of `year` in force, if the year is closed.
pub fn in_force(conn: &mut DbConn, year: i32) -> QueryResult<Option<SnapshotInfo>> {
    year_snapshots::table
        .filter(year_snapshots::year.eq(year))
        .filter(year_snapshots::reopened_at.is_null())
        .select(SnapshotInfo::as_select())
        .first(conn)
        .optional()
}

/// The stored tables (JSON) of the snapshot in force of `year`.
pub fn tables_in_force(
    conn: &mut DbConn,
    year: i32,
) -> QueryResult<Option<(SnapshotInfo, String)>> {
    year_snapshots::table
        .filter(year_snapshots::year.eq(year))
        .filter(year_snapshots::reopened_at.is_null())
        .select((SnapshotInfo::as_select(), year_snapshots::tables))
        .first(conn)
        .optional()
}

/// The stored figures (JSON) of the closed years from `from` to `to`, by year.
pub fn figures_in_force(conn: &mut DbConn, from: i32, to: i32) -> QueryResult<Vec<(i32, String)>> {
    year_snapshots::table
        .filter(year_snapshots::year.between(from, to))
        .filter(year_snapshots::reopened_at.is_null())
        .select((year_snapshots::year, year_snapshots::figures))
        .order(year_snapshots::year.asc())
        .load(conn)
}

/// The closed years among `years`.
pub fn closed_among(conn: &mut DbConn, years: &[i32]) -> QueryResult<Vec<i32>> {
    year_snapshots::table
        .filter(year_snapshots::year.eq_any(years))
        .filter(year_snapshots::reopened_at.is_null())
        .select(year_snapshots::year)
        .order(year_snapshots::year.asc())
        .load(conn)
}

/// Every close of `year` (or of every year), newest first.
pub fn history(conn: &mut DbConn, year: Option<i32>) -> QueryResult<Vec<SnapshotInfo>> {
    let mut q = year_snapshots::table
        .select(SnapshotInfo::as_select())
        .order((year_snapshots::year.desc(), year_snapshots::id.desc()))
        .into_boxed();
    if let Some(y) = year {
        q = q.filter(year_snapshots::year.eq(y));
    }
    q.load(conn)
}

/// Records the reopening of the snapshot `id` (only while it is in force). Returns whether a
/// snapshot was reopened.
pub fn reopen(
    conn: &mut DbConn,
    id: i64,
    by: &str,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        year_snapshots::table
            .filter(year_snapshots::id.eq(id))
            .filter(year_snapshots::reopened_at.is_null()),
    )
    .set((
        year_snapshots::reopened_at.eq(at),
        year_snapshots::reopened_by.eq(by),
        year_snapshots::reopen_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
