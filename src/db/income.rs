//! Queries of `income_entries`: the technical income verified on registered contracts.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{contracts, income_entries};
use super::{DbConn, MultiBackend};
use crate::domain::role::Scope;

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = income_entries, check_for_backend(MultiBackend))]
pub struct IncomeRow {
    pub id: i64,
    pub contract_id: i64,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub received_fen: i64,
    pub verified_fen: i64,
    pub verifier: String,
    pub verified_on: NaiveDate,
    pub attachment_id: Option<i64>,
    pub note: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = income_entries)]
pub struct NewIncome<'a> {
    pub contract_id: i64,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub received_fen: i64,
    pub verified_fen: i64,
    pub verifier: &'a str,
    pub verified_on: NaiveDate,
    pub attachment_id: Option<i64>,
    pub note: &'a str,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewIncome<'_>) -> QueryResult<i64> {
    diesel::insert_into(income_entries::table)
        .values(new)
        .returning(income_entries::id)
        .get_result(conn)
}

/// The entries of one contract, by income period.
pub fn for_contract(conn: &mut DbConn, contract_id: i64) -> QueryResult<Vec<IncomeRow>> {
    income_entries::table
        .filter(income_entries::contract_id.eq(contract_id))
        .order((income_entries::period_to.asc(), income_entries::id.asc()))
        .select(IncomeRow::as_select())
        .load(conn)
}

/// Every entry on the contracts of one seller (by USCC) that the scope covers: (end of
/// period, received, verified).
pub fn of_seller(
    conn: &mut DbConn,
    seller_uscc: &str,
    scope: &Scope,
) -> QueryResult<Vec<(NaiveDate, i64, i64)>> {
    let q = income_entries::table
        .inner_join(contracts::table)
        .filter(contracts::seller_uscc.eq(seller_uscc))
        .select((
            income_entries::period_to,
            income_entries::received_fen,
            income_entries::verified_fen,
        ))
        .into_boxed();
    let q = match scope {
        Scope::Office(o) => q.filter(contracts::office_code.eq(o.clone())),
        Scope::Authority(a) => q.filter(contracts::authority_code.eq(a.clone())),
        Scope::Nation => q,
        Scope::Accounts => q.filter(contracts::id.lt(0)),
    };
    q.load(conn)
}
