//! Queries of `registration_counters`: the next serial of each registering office and year
//! (the `SSSSSS` of the registration number, domain.md §3.1). Serials come from the database,
//! never from memory, so several application instances may register at once.

use diesel::prelude::*;

use super::DbConn;
use super::contracts::on_each_backend;
use super::schema::registration_counters as rc;

/// The serial the next registration of `office_code` in `year` receives (1 when none yet).
pub fn next_serial(conn: &mut DbConn, office_code: &str, year: i32) -> QueryResult<i32> {
    Ok(rc::table
        .find((office_code, year))
        .select(rc::next_serial)
        .first::<i32>(conn)
        .optional()?
        .unwrap_or(1))
}

/// Makes sure the counter row exists (starting at serial 1). Two transactions creating it at
/// once both succeed: the second insert does nothing.
fn ensure(conn: &mut DbConn, office_code: &str, year: i32) -> QueryResult<()> {
    let row = (
        rc::office_code.eq(office_code),
        rc::year.eq(year),
        rc::next_serial.eq(1),
    );
    on_each_backend!(conn, |c| diesel::insert_into(rc::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// Hands out the next serial of `office_code` in `year` and moves the counter on. Run it in
/// the transaction that stores the registration: the counter's row stays locked until it
/// commits (PostgreSQL; SQLite's write transaction holds the whole database), so concurrent
/// approvals in one office get consecutive serials, and a rolled-back one gives its serial back.
pub fn take_next(conn: &mut DbConn, office_code: &str, year: i32) -> QueryResult<i32> {
    ensure(conn, office_code, year)?;
    let after: i32 = diesel::update(rc::table.find((office_code, year)))
        .set(rc::next_serial.eq(rc::next_serial + 1))
        .returning(rc::next_serial)
        .get_result(conn)?;
    Ok(after - 1)
}

/// Moves the counter of `office_code` and `year` past `used_serial`: it never goes back, so
/// serials already handed out (or imported) are not given again. Run it inside the transaction
/// that stores the registrations.
pub fn move_past(
    conn: &mut DbConn,
    office_code: &str,
    year: i32,
    used_serial: i32,
) -> QueryResult<()> {
    ensure(conn, office_code, year)?;
    let next = used_serial.saturating_add(1);
    diesel::update(
        rc::table
            .find((office_code, year))
            .filter(rc::next_serial.lt(next)),
    )
    .set(rc::next_serial.eq(next))
    .execute(conn)?;
    Ok(())
}
