//! Queries of `login_failures`, the record behind login throttling. Kept in the database so
//! that several app instances throttle together.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::login_failures;

pub fn record(conn: &mut DbConn, subject: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::subject.eq(subject),
            login_failures::failed_at.eq(at),
        ))
        .execute(conn)
}

/// Failures of `subject` since `since`: their number and the oldest one's time.
pub fn recent(
    conn: &mut DbConn,
    subject: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let q = login_failures::table
        .filter(login_failures::subject.eq(subject))
        .filter(login_failures::failed_at.ge(since));
    let n = q.count().get_result(conn)?;
    let oldest = q
        .select(diesel::dsl::min(login_failures::failed_at))
        .first(conn)?;
    Ok((n, oldest))
}

pub fn clear(conn: &mut DbConn, subject: &str) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::subject.eq(subject))).execute(conn)
}

pub fn purge_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::failed_at.lt(before))).execute(conn)
}
