//! Queries of the `authorities` and `offices` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{authorities, offices};
use super::{DbConn, MultiBackend};
use crate::catalog::authority::AUTHORITIES;
use crate::domain::role::Scope;

/// Makes the `authorities` table match the catalogue (the codes live once, in the catalogue;
/// the table exists so that offices and accounts can reference it).
pub fn sync_authorities(conn: &mut DbConn) -> QueryResult<()> {
    conn.transaction(|c| {
        for (i, a) in AUTHORITIES.iter().enumerate() {
            let values = (
                authorities::name.eq(a.name),
                authorities::kind.eq(a.kind.as_str()),
                authorities::stats_province.eq(a.stats_province),
                authorities::sort_order.eq(i as i32),
            );
            let updated = diesel::update(authorities::table.find(a.code))
                .set(values)
                .execute(c)?;
            if updated == 0 {
                diesel::insert_into(authorities::table)
                    .values((authorities::code.eq(a.code), values))
                    .execute(c)?;
            }
        }
        Ok(())
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = offices, check_for_backend(MultiBackend))]
pub struct Office {
    pub code: String,
    pub name: String,
    pub authority_code: String,
    pub area_code: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = offices)]
pub struct NewOffice<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub authority_code: &'a str,
    pub area_code: &'a str,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewOffice<'_>) -> QueryResult<usize> {
    diesel::insert_into(offices::table)
        .values(new)
        .execute(conn)
}

pub fn find(conn: &mut DbConn, code: &str) -> QueryResult<Option<Office>> {
    offices::table
        .find(code)
        .select(Office::as_select())
        .first(conn)
        .optional()
}

pub fn rename(conn: &mut DbConn, code: &str, name: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(offices::table.find(code))
        .set((offices::name.eq(name), offices::updated_at.eq(now)))
        .execute(conn)
}

pub fn set_active(
    conn: &mut DbConn,
    code: &str,
    active: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(offices::table.find(code))
        .set((offices::active.eq(active), offices::updated_at.eq(now)))
        .execute(conn)
}

/// The offices in a scope, ordered by code.
pub fn list(conn: &mut DbConn, scope: &Scope) -> QueryResult<Vec<Office>> {
    let mut q = offices::table.into_boxed::<MultiBackend>();
    match scope {
        Scope::Nation | Scope::Accounts => {}
        Scope::Authority(a) => q = q.filter(offices::authority_code.eq(a.clone())),
        Scope::Office(o) => q = q.filter(offices::code.eq(o.clone())),
    }
    q.select(Office::as_select())
        .order(offices::code.asc())
        .load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    offices::table.count().get_result(conn)
}
