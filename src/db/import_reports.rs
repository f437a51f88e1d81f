//! Queries of `import_reports`: the outcome of an account's last batch import, kept so the
//! upload page can show it after the redirect and offer its problem list as a download.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::import_reports;
use super::{DbConn, MultiBackend};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = import_reports, check_for_backend(MultiBackend))]
pub struct ImportReport {
    pub id: i64,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub file_name: String,
    pub succeeded: bool,
    pub summary: String,
    pub body: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = import_reports)]
pub struct NewImportReport<'a> {
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub file_name: &'a str,
    pub succeeded: bool,
    pub summary: &'a str,
    pub body: &'a str,
}

/// Stores a report as the account's only one (earlier reports are dropped). Returns its id.
pub fn replace(conn: &mut DbConn, new: &NewImportReport<'_>) -> QueryResult<i64> {
    conn.transaction(|c| {
        diesel::delete(import_reports::table.filter(import_reports::user_id.eq(new.user_id)))
            .execute(c)?;
        diesel::insert_into(import_reports::table)
            .values(new)
            .returning(import_reports::id)
            .get_result(c)
    })
}

/// Report `id` if it belongs to `user_id` (someone else's looks like a missing one).
pub fn find_own(conn: &mut DbConn, user_id: i64, id: i64) -> QueryResult<Option<ImportReport>> {
    import_reports::table
        .filter(import_reports::id.eq(id))
        .filter(import_reports::user_id.eq(user_id))
        .select(ImportReport::as_select())
        .first(conn)
        .optional()
}
