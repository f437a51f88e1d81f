//! Queries of the `parties` table: the directory of sellers and buyers, kept once per party.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::parties;
use super::{DbConn, MultiBackend};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = parties, check_for_backend(MultiBackend))]
pub struct PartyRow {
    pub id: i64,
    pub party_key: String,
    pub kind: String,
    pub name: String,
    pub name_norm: String,
    pub country_code: String,
    pub admin_code: String,
    pub id_code: String,
    pub nature_code: String,
    pub address: String,
    pub zipcode: String,
    pub representative: String,
    pub contact: String,
    pub phone: String,
    pub home_authority: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

/// The details a filing records about a party.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = parties)]
pub struct PartyDetails {
    pub name: String,
    pub name_norm: String,
    pub country_code: String,
    pub admin_code: String,
    pub id_code: String,
    pub nature_code: String,
    pub address: String,
    pub zipcode: String,
    pub representative: String,
    pub contact: String,
    pub phone: String,
}

pub fn find_by_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<PartyRow>> {
    parties::table
        .filter(parties::party_key.eq(key))
        .select(PartyRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(
    conn: &mut DbConn,
    key: &str,
    kind: &str,
    details: &PartyDetails,
    home_authority: &str,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(parties::table)
        .values((
            parties::party_key.eq(key),
            parties::kind.eq(kind),
            details,
            parties::home_authority.eq(home_authority),
            parties::created_at.eq(now),
            parties::updated_at.eq(now),
            parties::updated_by.eq(by),
        ))
        .returning(parties::id)
        .get_result(conn)
}

pub fn update(
    conn: &mut DbConn,
    id: i64,
    details: &PartyDetails,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(parties::table.find(id))
        .set((
            details,
            parties::updated_at.eq(now),
            parties::updated_by.eq(by),
        ))
        .execute(conn)
}

/// Parties whose code starts with, or whose normalised name contains, `text`; natural persons
/// only when filed within `authority`. At most `limit`, names in code-point order.
pub fn search(
    conn: &mut DbConn,
    authority: &str,
    text: &str,
    limit: i64,
) -> QueryResult<Vec<PartyRow>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    let escaped = super::users::escape_like(text);
    let by_code = format!("{}%", escaped.to_uppercase());
    let by_name = format!("%{escaped}%");
    parties::table
        .filter(
            sql::<Bool>("(id_code LIKE ")
                .bind::<Text, _>(by_code)
                .sql(" ESCAPE '\\' OR name_norm LIKE ")
                .bind::<Text, _>(by_name)
                .sql(" ESCAPE '\\')"),
        )
        .filter(
            parties::kind
                .ne("person")
                .or(parties::home_authority.eq(authority)),
        )
        .select(PartyRow::as_select())
        .order((parties::name.asc(), parties::id.asc()))
        .limit(limit)
        .load(conn)
}
