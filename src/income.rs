//! Recording 技术性收入核定 entries (domain.md §1.7): the office that registered a contract adds
//! what the seller received and the technical income it verified, with the evidence, in one
//! transaction with its audit entry. The registered amounts are never touched.

use chrono::NaiveDateTime;

use crate::audit::{Actor, Entry};
use crate::db::income::NewIncome;
use crate::db::users::Account;
use crate::db::{self, DbConn};
use crate::domain::attachment::Upload;
use crate::domain::dates;
use crate::domain::field_errors::FieldErrors;
use crate::domain::income::{self, IncomeInput};
use crate::domain::role::Role;
use crate::domain::status::Status;
use crate::filing;

#[derive(Debug, thiserror::Error)]
pub enum IncomeError {
    #[error("填写有误")]
    Invalid(FieldErrors),
    #[error("合同不存在")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Adds an entry to contract `id` of the clerk's office. Returns the entry's id.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    clerk: &Account,
    id: i64,
    input: &IncomeInput,
    evidence: Option<&Upload>,
    now: NaiveDateTime,
) -> Result<i64, IncomeError> {
    if clerk.role != Role::Clerk {
        return Err(IncomeError::Forbidden(
            "只有登记该合同的登记机构可以录入技术性收入核定",
        ));
    }
    let today = dates::today_cst(now.and_utc());
    db::write_transaction(conn, |c| {
        let row =
            db::contracts::find_in_scope(c, &clerk.scope(), id)?.ok_or(IncomeError::NotFound)?;
        let registered_on = match (row.status, row.registered_on) {
            (Status::Registered, Some(d)) => d,
            _ => {
                return Err(IncomeError::Forbidden(
                    "只有已登记的合同可以录入技术性收入核定",
                ));
            }
        };
        let entry = income::parse(input, registered_on, today).map_err(IncomeError::Invalid)?;
        let attachment_id = match evidence {
            Some(u) => filing::add_uploads(c, id, std::slice::from_ref(u), clerk.id, now)?
                .first()
                .copied(),
            None => None,
        };
        let entry_id = db::income::insert(
            c,
            &NewIncome {
                contract_id: id,
                period_from: entry.period_from,
                period_to: entry.period_to,
                received_fen: entry.received.fen(),
                verified_fen: entry.verified.fen(),
                verifier: &entry.verifier,
                verified_on: entry.verified_on,
                attachment_id,
                note: &entry.note,
                created_by: Some(clerk.id),
                created_at: now,
            },
        )?;
        db::audit::record(
            c,
            actor,
            Entry {
                action: "income.record",
                object_type: "contract",
                object_id: id.to_string(),
                authority_code: Some(row.authority_code.clone()),
                summary: format!(
                    "录入技术性收入核定“{}”：{} 至 {}，收款 {} 元，核定技术性收入 {} 元",
                    row.project_name,
                    dates::format_date(entry.period_from),
                    dates::format_date(entry.period_to),
                    entry.received.yuan_grouped(),
                    entry.verified.yuan_grouped()
                ),
            },
            now,
        )?;
        Ok(entry_id)
    })
}
