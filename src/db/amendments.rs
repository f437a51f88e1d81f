//! Queries of `amendments`: the applications for a change or a cancellation of registered
//! contracts, and their decisions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::contracts::ContractRow;
use super::schema::{amendments, contracts};
use super::{DbConn, MultiBackend};
use crate::domain::role::Scope;

/// One application as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = amendments, check_for_backend(MultiBackend))]
pub struct AmendmentRow {
    pub id: i64,
    pub contract_id: i64,
    pub kind: String,
    pub status: String,
    pub version: i32,
    pub reason: String,
    pub base_version: i32,
    pub before_input: String,
    pub after_input: Option<String>,
    pub changes: String,
    pub technical_fen: Option<i64>,
    pub filed_by: Option<i64>,
    pub filed_by_name: String,
    pub filed_at: NaiveDateTime,
    pub first_approved_by: Option<i64>,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = amendments)]
pub struct NewAmendment<'a> {
    pub contract_id: i64,
    pub kind: &'a str,
    pub status: &'a str,
    pub version: i32,
    pub reason: &'a str,
    pub base_version: i32,
    pub before_input: &'a str,
    pub after_input: Option<&'a str>,
    pub changes: &'a str,
    pub technical_fen: Option<i64>,
    pub filed_by: Option<i64>,
    pub filed_by_name: &'a str,
    pub filed_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewAmendment<'_>) -> QueryResult<i64> {
    diesel::insert_into(amendments::table)
        .values(new)
        .returning(amendments::id)
        .get_result(conn)
}

/// What a step on an application changes.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = amendments, treat_none_as_null = true)]
pub struct Step<'a> {
    pub status: &'a str,
    pub version: i32,
    pub first_approved_by: Option<i64>,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<&'a str>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<&'a str>,
}

/// Records a step on an application that is still open at `expected_version`; false when it
/// no longer is (someone else decided first).
pub fn record_step(
    conn: &mut DbConn,
    id: i64,
    expected_version: i32,
    step: &Step<'_>,
) -> QueryResult<bool> {
    let n = diesel::update(
        amendments::table
            .find(id)
            .filter(amendments::version.eq(expected_version))
            .filter(amendments::status.eq("submitted")),
    )
    .set(step)
    .execute(conn)?;
    Ok(n == 1)
}

/// The application `id` with its contract, if the scope covers the contract (else None, as
/// for a missing one: applications outside the scope do not exist for the viewer).
pub fn find_in_scope(
    conn: &mut DbConn,
    scope: &Scope,
    id: i64,
) -> QueryResult<Option<(AmendmentRow, ContractRow)>> {
    let Some(row) = amendments::table
        .find(id)
        .select(AmendmentRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    Ok(super::contracts::find_in_scope(conn, scope, row.contract_id)?.map(|c| (row, c)))
}

/// The applications on one contract, oldest first.
pub fn for_contract(conn: &mut DbConn, contract_id: i64) -> QueryResult<Vec<AmendmentRow>> {
    amendments::table
        .filter(amendments::contract_id.eq(contract_id))
        .order(amendments::id.asc())
        .select(AmendmentRow::as_select())
        .load(conn)
}

/// Whether the contract has an open application.
pub fn has_open(conn: &mut DbConn, contract_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        amendments::table
            .filter(amendments::contract_id.eq(contract_id))
            .filter(amendments::status.eq("submitted")),
    ))
    .get_result(conn)
}

/// The open applications of an authority's contracts, oldest first, at most `limit`, with
/// each contract's project name and number.
pub fn open_in_authority(
    conn: &mut DbConn,
    authority: &str,
    limit: i64,
) -> QueryResult<Vec<(AmendmentRow, String, Option<String>)>> {
    amendments::table
        .inner_join(contracts::table)
        .filter(contracts::authority_code.eq(authority))
        .filter(amendments::status.eq("submitted"))
        .order(amendments::id.asc())
        .limit(limit)
        .select((
            AmendmentRow::as_select(),
            contracts::project_name,
            contracts::registration_number,
        ))
        .load(conn)
}
