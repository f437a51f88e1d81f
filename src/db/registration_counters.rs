//! Queries of `registration_counters`: the next serial of each registering office and year
//! (the `SSSSSS` of the registration number, domain.md §3.1).

use diesel::prelude::*;

use super::DbConn;
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

/// Moves the counter of `office_code` and `year` past `used_serial`: it never goes back, so
/// serials already handed out (or imported) are not given again. Run it inside the transaction
/// that stores the registrations.
pub fn move_past(
    conn: &mut DbConn,
    office_code: &str,
    year: i32,
    used_serial: i32,
) -> QueryResult<()> {
    let next = used_serial.saturating_add(1);
    let updated = diesel::update(
        rc::table
            .find((office_code, year))
            .filter(rc::next_serial.lt(next)),
    )
    .set(rc::next_serial.eq(next))
    .execute(conn)?;
    if updated == 0 {
        let exists = rc::table
            .find((office_code, year))
            .select(rc::next_serial)
            .first::<i32>(conn)
            .optional()?
            .is_some();
        if !exists {
            diesel::insert_into(rc::table)
                .values((
                    rc::office_code.eq(office_code),
                    rc::year.eq(year),
                    rc::next_serial.eq(next),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}
