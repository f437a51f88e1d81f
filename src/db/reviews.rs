//! Queries of `reviews`: every decision a reviewer took on a contract, in order. The table is
//! append-only (database triggers refuse UPDATE and DELETE): a contract's review history is
//! never rewritten.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::reviews;
use super::{DbConn, MultiBackend};

/// One decision as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = reviews, check_for_backend(MultiBackend))]
pub struct ReviewRow {
    pub id: i64,
    pub contract_id: i64,
    pub decision: String,
    pub reason: String,
    pub refusal_code: String,
    pub registration_number: Option<String>,
    pub reviewer_id: Option<i64>,
    pub reviewer: String,
    pub contract_version: i32,
    pub decided_at: NaiveDateTime,
    /// `first` for the first of two approvals, else `final`.
    pub stage: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reviews)]
pub struct NewReview<'a> {
    pub contract_id: i64,
    pub decision: &'a str,
    pub reason: &'a str,
    pub refusal_code: &'a str,
    pub registration_number: Option<&'a str>,
    pub reviewer_id: Option<i64>,
    pub reviewer: &'a str,
    pub contract_version: i32,
    pub decided_at: NaiveDateTime,
    pub stage: &'a str,
}

pub fn insert(conn: &mut DbConn, new: &NewReview<'_>) -> QueryResult<usize> {
    diesel::insert_into(reviews::table)
        .values(new)
        .execute(conn)
}

/// The decisions on one contract, oldest first.
pub fn for_contract(conn: &mut DbConn, contract_id: i64) -> QueryResult<Vec<ReviewRow>> {
    reviews::table
        .filter(reviews::contract_id.eq(contract_id))
        .order(reviews::id.asc())
        .select(ReviewRow::as_select())
        .load(conn)
}
