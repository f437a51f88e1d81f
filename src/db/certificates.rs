//! Queries of `certificates`: the verification code of each registered contract's certificate.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::contracts::on_each_backend;
use super::schema::{certificates, contracts};
use crate::domain::status::Status;
use crate::domain::verification::VerificationCode;

/// The code of contract `id`'s certificate, given now if it has none yet. Two requests
/// printing the same certificate at once get the same code: the second insert does nothing.
pub fn issue(conn: &mut DbConn, contract_id: i64, now: NaiveDateTime) -> QueryResult<String> {
    let row = (
        certificates::contract_id.eq(contract_id),
        certificates::verification_code.eq(VerificationCode::random().as_str().to_owned()),
        certificates::issued_at.eq(now),
    );
    on_each_backend!(conn, |c| diesel::insert_into(certificates::table)
        .values(row)
        .on_conflict(certificates::contract_id)
        .do_nothing()
        .execute(c))?;
    certificates::table
        .find(contract_id)
        .select(certificates::verification_code)
        .first(conn)
}

/// What the public check of a certificate shows: the number, the contract's state and the
/// registration date, nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Checked {
    pub registration_number: Option<String>,
    pub status: Status,
    pub registered_on: Option<NaiveDate>,
    pub amended_on: Option<NaiveDate>,
}

/// The certificate with `code`, if one was issued.
pub fn check(conn: &mut DbConn, code: &VerificationCode) -> QueryResult<Option<Checked>> {
    certificates::table
        .inner_join(contracts::table)
        .filter(certificates::verification_code.eq(code.as_str()))
        .select((
            contracts::registration_number,
            contracts::status,
            contracts::registered_on,
            contracts::amended_on,
        ))
        .first(conn)
        .optional()
}
