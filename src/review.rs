//! The provincial review (domain.md §1.4–1.5, §1.9): a province-level administrator approves a
//! submitted contract of their authority (it is registered and receives its 16-digit number),
//! returns it to the office for correction, or refuses it with a ground. Each decision is one
//! transaction: the contract's new state, the decision in the review history and the audit
//! entry are written together or not at all.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::audit::{Actor, Entry};
use crate::catalog::{self, refusal};
use crate::db::contracts::{ContractRow, ContractWrite, Decided};
use crate::db::review_rules::NewRule;
use crate::db::reviews::NewReview;
use crate::db::users::Account;
use crate::db::{self, DbConn};
use crate::domain::dates;
use crate::domain::field_errors::FieldErrors;
use crate::domain::money::Money;
use crate::domain::regnum::RegistrationNumber;
use crate::domain::review_rule::{self, ReviewRule, RuleInput};
use crate::domain::role::Role;
use crate::domain::status::{self, NotPermitted, Ruling, Status, Step, Transition};

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("填写有误")]
    Invalid(FieldErrors),
    #[error("合同不存在")]
    NotFound,
    #[error(transparent)]
    Forbidden(NotPermitted),
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
    pub transition: Transition,
    /// The number given on registration.
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
        return Err(ReviewError::Forbidden(NotPermitted::NotAReviewer));
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
        // The threshold in force on the day of the first approval decides whether a second
        // one is needed.
        let large = reaches_threshold(c, &row.authority_code, row.technical_fen, today)?;
        let transition = status::transition(
            reviewer.role,
            reviewer.id,
            row.status,
            Step::of(row.first_approved_by),
            ruling.decision,
            large,
        )
        .map_err(ReviewError::Forbidden)?;
        let number = match transition {
            Transition::Registration => Some(next_number(c, &row.office_code, today.year())?),
            _ => None,
        };
        let decided = Decided {
            status: match transition {
                Transition::FirstApproval => Status::Submitted,
                _ => ruling.decision.outcome(),
            },
            version: version + 1,
            registration_number: number.map(|n| n.to_string()),
            registered_on: number.map(|_| today),
            review_note: ruling.note(),
            updated_at: now,
            first_approved_by: match transition {
                Transition::FirstApproval => Some(reviewer.id),
                _ => None,
            },
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
                stage: match transition {
                    Transition::FirstApproval => STAGE_FIRST,
                    _ => STAGE_FINAL,
                },
            },
        )?;
        db::audit::record(
            c,
            actor,
            Entry {
                action: match transition {
                    Transition::FirstApproval => "contract.first_approve",
                    Transition::Registration => "contract.approve",
                    Transition::Return => "contract.return",
                    Transition::Refusal => "contract.refuse",
                },
                object_type: "contract",
                object_id: id.to_string(),
                authority_code: Some(row.authority_code.clone()),
                summary: summary(&row, transition, ruling, number.as_ref()),
            },
            now,
        )?;
        Ok(Outcome {
            transition,
            registration_number: number,
        })
    })
}

/// The `stage` of a review row: the first of two approvals, or any other decision.
pub const STAGE_FIRST: &str = "first";
pub const STAGE_FINAL: &str = "final";

/// The next registration number of `office` in `year`, from the office's counter.
fn next_number(c: &mut DbConn, office: &str, year: i32) -> Result<RegistrationNumber, ReviewError> {
    let exhausted = || ReviewError::SerialsExhausted {
        office: office.to_owned(),
        year,
    };
    let serial = db::registration_counters::take_next(c, office, year)?;
    let serial = u32::try_from(serial).map_err(|_| exhausted())?;
    let year_digits = u16::try_from(year).map_err(|_| exhausted())?;
    RegistrationNumber::new(year_digits, office, serial).map_err(|_| exhausted())
}

/// Whether a 技术交易额 of `technical_fen` reaches the second-review threshold of
/// `authority`'s rules in force on `day`.
pub fn reaches_threshold(
    c: &mut DbConn,
    authority: &str,
    technical_fen: Option<i64>,
    day: NaiveDate,
) -> diesel::QueryResult<bool> {
    let rule = review_rule::in_force(&db::review_rules::of_authority(c, authority)?, day);
    Ok(rule.needs_second_review(Money::from_fen(technical_fen.unwrap_or(0))))
}

/// The 技术交易额 a contract asks to be recognised.
fn technical(write: &ContractWrite) -> Money {
    Money::from_fen(write.technical_fen.unwrap_or(0))
}

/// The last day on which a contract submitted `now` is reviewed in time, under the version of
/// its authority's rules (`versions`) in force on the day of submission.
pub fn due_on(versions: &[ReviewRule], write: &ContractWrite, now: NaiveDateTime) -> NaiveDate {
    let today = dates::today_cst(now.and_utc());
    review_rule::in_force(versions, today).due_on(today, technical(write))
}

fn summary(
    row: &ContractRow,
    transition: Transition,
    ruling: &Ruling,
    number: Option<&RegistrationNumber>,
) -> String {
    let project = &row.project_name;
    match (transition, number) {
        (Transition::FirstApproval, _) => format!("初审通过“{project}”，待另一位管理员复审"),
        (Transition::Registration, Some(n)) => format!("准予登记“{project}”，登记编号 {n}"),
        (Transition::Registration, None) => format!("准予登记“{project}”"),
        (Transition::Return, _) => format!("退回补正“{project}”：{}", ruling.reason),
        (Transition::Refusal, _) => format!(
            "不予登记“{project}”（{}）：{}",
            refusal::get(&ruling.refusal_code)
                .map(|r| r.label)
                .unwrap_or_default(),
            ruling.reason
        ),
    }
}

/// Adds a version of an authority's review rules (system administrators only), with its audit
/// entry, in one transaction. A version never changes once stored: a correction is a newer one.
pub fn add_rule(
    conn: &mut DbConn,
    actor: &Actor,
    admin: &Account,
    input: &RuleInput,
    now: NaiveDateTime,
) -> Result<(), ReviewError> {
    if admin.role != Role::Sysadmin {
        return Err(ReviewError::Forbidden(NotPermitted::NotASysadmin));
    }
    let (authority, rule) = input.parse().map_err(ReviewError::Invalid)?;
    db::write_transaction(conn, |c| {
        if db::review_rules::exists(c, authority, rule.effective_from)? {
            let mut errors = FieldErrors::new();
            errors.add(
                "effective_from",
                format!(
                    "该管理机构已有自 {} 起生效的规则，请另选生效日期",
                    dates::format_date(rule.effective_from)
                ),
            );
            return Err(ReviewError::Invalid(errors));
        }
        db::review_rules::insert(
            c,
            &NewRule {
                authority_code: authority,
                effective_from: rule.effective_from,
                second_review_fen: rule.second_review_from.fen(),
                deadline: rule.deadline.as_str(),
                created_by: actor.user_id,
                created_at: now,
            },
        )?;
        let name = catalog::authority::find(authority).map_or(authority, |a| a.name);
        db::audit::record(
            c,
            actor,
            Entry {
                action: "review_rule.create",
                object_type: "review_rule",
                object_id: format!("{authority}/{}", rule.effective_from),
                authority_code: Some(authority.to_owned()),
                summary: format!(
                    "{name}自 {} 起：技术交易额 {} 万元以上复审，办理期限 {}",
                    dates::format_date(rule.effective_from),
                    rule.second_review_from.wan_yuan(0),
                    rule.deadline.label()
                ),
            },
            now,
        )?;
        Ok(())
    })
}
