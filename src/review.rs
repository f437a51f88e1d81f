//! The provincial review (domain.md §1.4–1.5, §1.9): a province-level administrator approves a
//! submitted contract of their authority (it is registered and receives its 16-digit number),
//! returns it to the office for correction, or refuses it with a ground. Each decision is one
//! transaction: the contract's new state, the decision in the review history and the audit
//! entry are written together or not at all.

use chrono::{Datelike, NaiveDateTime};

use crate::audit::{Actor, Entry};
use crate::catalog::refusal;
use crate::db::contracts::{ContractRow, Decided};
use crate::db::reviews::NewReview;
use crate::db::users::Account;
use crate::db::{self, DbConn};
use crate::domain::dates;
use crate::domain::field_errors::FieldErrors;
use crate::domain::regnum::RegistrationNumber;
use crate::domain::role::Role;
use crate::domain::status::{Decision, Ruling};

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("填写有误")]
    Invalid(FieldErrors),
    #[error("合同不存在")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    /// Decided, or otherwise changed, since the reviewer opened it.
    #[error("合同已被处理或修改")]
    Stale { current: Box<ContractRow> },
    /// Every serial of the office's year has been given out (domain.md §3.1: six digits).
    #[error("登记机构 {office} 在 {year} 年的合同登记编号流水号已用完（最大 999999）")]
    SerialsExhausted { office: String, year: i32 },
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What a decision produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub decision: Decision,
    /// The number given on approval.
    pub registration_number: Option<RegistrationNumber>,
}

/// Decides on contract `id`, which the reviewer read at `version`.
pub fn decide(
    conn: &mut DbConn,
    actor: &Actor,
    reviewer: &Account,
    id: i64,
    version: i32,
    ruling: &Ruling,
    now: NaiveDateTime,
) -> Result<Outcome, ReviewError> {
    if reviewer.role != Role::ProvinceAdmin {
        return Err(ReviewError::Forbidden("只有省级管理员可以审核合同"));
    }
    let today = dates::today_cst(now.and_utc());
    db::write_transaction(conn, |c| {
        let row =
            db::contracts::find_in_scope(c, &reviewer.scope(), id)?.ok_or(ReviewError::NotFound)?;
        if !row.status.awaits_review() || row.version != version {
            return Err(ReviewError::Stale {
                current: Box::new(row),
            });
        }
        let number = match ruling.decision {
            Decision::Approve => {
                let year = today.year();
                let exhausted = || ReviewError::SerialsExhausted {
                    office: row.office_code.clone(),
                    year,
                };
                let serial = db::registration_counters::take_next(c, &row.office_code, year)?;
                let serial = u32::try_from(serial).map_err(|_| exhausted())?;
                let year_digits = u16::try_from(year).map_err(|_| exhausted())?;
                Some(
                    RegistrationNumber::new(year_digits, &row.office_code, serial)
                        .map_err(|_| exhausted())?,
                )
            }
            Decision::Return | Decision::Refuse => None,
        };
        let decided = Decided {
            status: ruling.decision.outcome().to_owned(),
            version: version + 1,
            registration_number: number.map(|n| n.to_string()),
            registered_on: number.map(|_| today),
            review_note: ruling.note(),
            updated_at: now,
        };
        if !db::contracts::record_decision(c, id, version, &decided)? {
            // Another reviewer decided in between (PostgreSQL reads without the write lock).
            let current = db::contracts::find(c, id)?.ok_or(ReviewError::NotFound)?;
            return Err(ReviewError::Stale {
                current: Box::new(current),
            });
        }
        let number_text = decided.registration_number.clone();
        db::reviews::insert(
            c,
            &NewReview {
                contract_id: id,
                decision: ruling.decision.as_str(),
                reason: &ruling.reason,
                refusal_code: &ruling.refusal_code,
                registration_number: number_text.as_deref(),
                reviewer_id: actor.user_id,
                reviewer: &actor.name,
                contract_version: version,
                decided_at: now,
            },
        )?;
        db::audit::record(
            c,
            actor,
            Entry {
                action: match ruling.decision {
                    Decision::Approve => "contract.approve",
                    Decision::Return => "contract.return",
                    Decision::Refuse => "contract.refuse",
                },
                object_type: "contract",
                object_id: id.to_string(),
                authority_code: Some(row.authority_code.clone()),
                summary: summary(&row, ruling, number.as_ref()),
            },
            now,
        )?;
        Ok(Outcome {
            decision: ruling.decision,
            registration_number: number,
        })
    })
}

fn summary(row: &ContractRow, ruling: &Ruling, number: Option<&RegistrationNumber>) -> String {
    let project = &row.project_name;
    match (ruling.decision, number) {
        (Decision::Approve, Some(n)) => format!("准予登记“{project}”，登记编号 {n}"),
        (Decision::Approve, None) => format!("准予登记“{project}”"),
        (Decision::Return, _) => format!("退回补正“{project}”：{}", ruling.reason),
        (Decision::Refuse, _) => format!(
            "不予登记“{project}”（{}）：{}",
            refusal::get(&ruling.refusal_code)
                .map(|r| r.label)
                .unwrap_or_default(),
            ruling.reason
        ),
    }
}
