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
    #[diesel(embed)]
    pub details: PartyDetails,
    pub home_authority: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

/// An entry reads as its columns: `row.name` rather than `row.details.name`.
impl std::ops::Deref for PartyRow {
    type Target = PartyDetails;

    fn deref(&self) -> &PartyDetails {
        &self.details
    }
}

/// The details a filing records about a party.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = parties, check_for_backend(MultiBackend))]
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

/// A party the batch import adds to the directory. Every column is a plain value, never
/// `DEFAULT`, so SQLite takes a chunk of them as one multi-row INSERT.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = parties, treat_none_as_default_value = false)]
pub struct NewParty {
    pub party_key: String,
    pub kind: &'static str,
    #[diesel(embed)]
    pub details: PartyDetails,
    pub home_authority: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

impl NewParty {
    /// A new entry with `details`, stamped as made and last changed by `by` at `now`.
    pub fn new(
        party_key: String,
        kind: &'static str,
        details: PartyDetails,
        home_authority: String,
        by: &str,
        now: NaiveDateTime,
    ) -> Self {
        NewParty {
            party_key,
            kind,
            details,
            home_authority,
            created_at: now,
            updated_at: now,
            updated_by: by.to_owned(),
        }
    }
}

/// The directory entries with one of `keys`, looked up `LOOKUP_CHUNK` keys at a time.
pub fn find_by_keys(conn: &mut DbConn, keys: &[&str]) -> QueryResult<Vec<PartyRow>> {
    let mut found = Vec::new();
    for chunk in keys.chunks(super::contracts::LOOKUP_CHUNK) {
        found.extend(
            parties::table
                .filter(parties::party_key.eq_any(chunk))
                .select(PartyRow::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// Inserts many parties, `INSERT_CHUNK` rows per statement, and returns the (key, id) of
/// each. Run it inside a transaction.
pub fn insert_batch(conn: &mut DbConn, new: Vec<NewParty>) -> QueryResult<Vec<(String, i64)>> {
    use super::contracts::{INSERT_CHUNK, on_each_backend};
    let mut ids = Vec::with_capacity(new.len());
    let mut rows = new.into_iter();
    loop {
        let chunk: Vec<NewParty> = rows.by_ref().take(INSERT_CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        // A full chunk as an array has a fixed shape, so its prepared statement is reused.
        let returned: Vec<(String, i64)> = match <[NewParty; INSERT_CHUNK]>::try_from(chunk) {
            Ok(full) => on_each_backend!(conn, |c| diesel::insert_into(parties::table)
                .values(full)
                .returning((parties::party_key, parties::id))
                .get_results(c))?,
            Err(rest) => on_each_backend!(conn, |c| diesel::insert_into(parties::table)
                .values(rest)
                .returning((parties::party_key, parties::id))
                .get_results(c))?,
        };
        ids.extend(returned);
    }
    Ok(ids)
}
