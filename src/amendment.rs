//! The lifecycle of amendments (变更登记) and cancellations (注销登记) of registered contracts
//! (domain.md §1.8): the office that registered the contract applies with a reason (and, for a
//! change, the changed fields, checked by the same rules as a filing); the province reviews the
//! application like a filing, with the second review when a change brings the 技术交易额 to
//! the threshold. Approval applies it to the contract in the same transaction: the number
//! stays, the version moves on, the replaced fields stay in the application. Every step is one
//! transaction with its audit entry.

use chrono::NaiveDateTime;

use crate::audit::{Actor, Entry};
use crate::db::amendments::{AmendmentRow, NewAmendment, Step as Recorded};
use crate::db::contracts::ContractRow;
use crate::db::users::Account;
use crate::db::{self, DbConn};
use crate::domain::amendment::{self, Change, Kind, State};
use crate::domain::contract::ContractInput;
use crate::domain::field_errors::FieldErrors;
use crate::domain::role::Role;
use crate::domain::rules::{self, RuleContext, Warning};
use crate::domain::status::{self, Decision, NotPermitted, Ruling, Status, Step, Transition};
use crate::domain::{dates, office_code::OfficeCode};
use crate::{filing, review};

#[derive(Debug, thiserror::Error)]
pub enum AmendmentError {
    #[error("填写有误")]
    Invalid {
        errors: FieldErrors,
        warnings: Vec<Warning>,
    },
    #[error("合同或申请不存在")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    NotPermitted(NotPermitted),
    /// The contract or the application changed since it was read.
    #[error("{0}")]
    Stale(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, AmendmentError> {
    serde_json::to_string(value)
        .map_err(|e| AmendmentError::Db(diesel::result::Error::SerializationError(Box::new(e))))
}

/// The contract `id` of the clerk's office, registered and at `base_version`, with no open
/// application.
fn amendable(
    c: &mut DbConn,
    clerk: &Account,
    id: i64,
    base_version: i32,
) -> Result<ContractRow, AmendmentError> {
    if clerk.role != Role::Clerk {
        return Err(AmendmentError::Forbidden(
            "只有登记该合同的登记机构可以申请变更或注销",
        ));
    }
    let row =
        db::contracts::find_in_scope(c, &clerk.scope(), id)?.ok_or(AmendmentError::NotFound)?;
    if row.status != Status::Registered {
        return Err(AmendmentError::Forbidden(
            "只有已登记的合同可以申请变更或注销",
        ));
    }
    if row.version != base_version {
        return Err(AmendmentError::Stale(format!(
            "合同在您打开后已被修改（当前版本 {}），请查看当前内容后重新填写申请",
            row.version
        )));
    }
    if db::amendments::has_open(c, id)? {
        return Err(AmendmentError::Stale(
            "该合同已有一份待审核的变更或注销申请，审核完成后才能再次申请".to_owned(),
        ));
    }
    Ok(row)
}

/// Checks a changed contract as a filing is checked, on the day of the application.
fn check_change(
    clerk: &Account,
    input: &ContractInput,
    today: chrono::NaiveDate,
) -> Result<rules::Checked, AmendmentError> {
    let (office, _) =
        filing::office_of(clerk).map_err(|_| AmendmentError::Forbidden("账号未绑定登记机构"))?;
    rules::check(input, &RuleContext::filing(office, today))
        .map_err(|(errors, warnings)| AmendmentError::Invalid { errors, warnings })
}

/// Applies for a change of contract `id` (read at `base_version`) to `input`. Returns the
/// application's id.
#[allow(clippy::too_many_arguments)]
pub fn apply(
    conn: &mut DbConn,
    actor: &Actor,
    clerk: &Account,
    id: i64,
    base_version: i32,
    kind: Kind,
    reason: &str,
    input: Option<&ContractInput>,
    now: NaiveDateTime,
) -> Result<i64, AmendmentError> {
    let today = dates::today_cst(now.and_utc());
    let reason = amendment::parse_reason(kind, reason);
    // The rules are pure: run before the write transaction.
    let checked = match (kind, input) {
        (Kind::Change, Some(input)) => Some(check_change(clerk, input, today)),
        _ => None,
    };
    db::write_transaction(conn, |c| {
        let row = amendable(c, clerk, id, base_version)?;
        let before = row.input();
        let (after, changes, technical) = match checked {
            Some(Ok(ck)) => {
                let mut reason_errors = reason.clone().err().unwrap_or_default();
                let mut after = ck.contract.to_input();
                // The category is the registered one: a change never moves a contract to another.
                after.category_code = before.category_code.clone();
                let changes = amendment::changes(&before, &after);
                if changes.is_empty() {
                    reason_errors.add("amendment_reason", "没有修改任何内容：请修改需要变更的项目");
                }
                if !reason_errors.is_empty() {
                    return Err(AmendmentError::Invalid {
                        errors: reason_errors,
                        warnings: ck.warnings,
                    });
                }
                (
                    Some(json(&after)?),
                    changes,
                    Some(ck.contract.technical.fen()),
                )
            }
            Some(Err(AmendmentError::Invalid {
                mut errors,
                warnings,
            })) => {
                if let Err(e) = &reason {
                    for (f, m) in e.iter() {
                        errors.add(f, m);
                    }
                }
                return Err(AmendmentError::Invalid { errors, warnings });
            }
            Some(Err(e)) => return Err(e),
            None => (None, Vec::new(), None),
        };
        let reason = reason.clone().map_err(|errors| AmendmentError::Invalid {
            errors,
            warnings: Vec::new(),
        })?;
        let new_id = db::amendments::insert(
            c,
            &NewAmendment {
                contract_id: id,
                kind: kind.as_str(),
                status: State::Submitted.as_str(),
                version: 1,
                reason: &reason,
                base_version,
                before_input: &json(&before)?,
                after_input: after.as_deref(),
                changes: &json(&changes)?,
                technical_fen: technical,
                filed_by: Some(clerk.id),
                filed_by_name: &clerk.display_name,
                filed_at: now,
            },
        )?;
        db::audit::record(
            c,
            actor,
            Entry {
                action: match kind {
                    Kind::Change => "amendment.apply",
                    Kind::Cancel => "cancellation.apply",
                },
                object_type: "contract",
                object_id: id.to_string(),
                authority_code: Some(row.authority_code.clone()),
                summary: format!(
                    "申请{}“{}”（申请 #{new_id}）：{}",
                    kind.label(),
                    row.project_name,
                    reason
                ),
            },
            now,
        )?;
        Ok(new_id)
    })
}

/// The changes an application lists.
pub fn changes_of(row: &AmendmentRow) -> Vec<Change> {
    serde_json::from_str(&row.changes).unwrap_or_default()
}

/// What a decision on an application did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decided {
    pub transition: Transition,
    pub contract_id: i64,
}

/// Decides on application `id`, which the reviewer read at `version`.
pub fn decide(
    conn: &mut DbConn,
    actor: &Actor,
    reviewer: &Account,
    id: i64,
    version: i32,
    ruling: &Ruling,
    now: NaiveDateTime,
) -> Result<Decided, AmendmentError> {
    if reviewer.role != Role::ProvinceAdmin {
        return Err(AmendmentError::NotPermitted(NotPermitted::NotAReviewer));
    }
    let today = dates::today_cst(now.and_utc());
    db::write_transaction(conn, |c| {
        let (app, contract) = db::amendments::find_in_scope(c, &reviewer.scope(), id)?
            .ok_or(AmendmentError::NotFound)?;
        let stale = |what: &str| {
            AmendmentError::Stale(format!("{what}，本次“{}”未执行", ruling.decision.label()))
        };
        if app.status != State::Submitted.as_str() || app.version != version {
            return Err(stale("此申请在您打开后已被处理"));
        }
        let kind = Kind::parse(&app.kind).unwrap_or(Kind::Change);
        // A change that brings the 技术交易额 to the threshold needs two approvals.
        let large = kind == Kind::Change
            && app.technical_fen != contract.technical_fen
            && review::reaches_threshold(c, &contract.authority_code, app.technical_fen, today)?;
        let transition = status::transition(
            reviewer.role,
            reviewer.id,
            Status::Submitted,
            Step::of(app.first_approved_by),
            ruling.decision,
            large,
        )
        .map_err(AmendmentError::NotPermitted)?;
        if transition == Transition::Registration {
            if contract.status != Status::Registered || contract.version != app.base_version {
                return Err(stale("合同在申请提交后已被修改"));
            }
            match kind {
                Kind::Change => apply_change(c, actor, &app, &contract, now)?,
                Kind::Cancel => {
                    if !db::contracts::cancel(c, contract.id, contract.version, now)? {
                        return Err(stale("合同在申请提交后已被修改"));
                    }
                }
            }
        }
        let note = ruling.note();
        let step = match transition {
            Transition::FirstApproval => Recorded {
                status: State::Submitted.as_str(),
                version: version + 1,
                first_approved_by: Some(reviewer.id),
                decided_by: None,
                decided_by_name: None,
                decided_at: None,
                decision_note: None,
            },
            _ => Recorded {
                status: match ruling.decision {
                    Decision::Approve => State::Approved,
                    Decision::Return => State::Returned,
                    Decision::Refuse => State::Refused,
                }
                .as_str(),
                version: version + 1,
                first_approved_by: app.first_approved_by,
                decided_by: Some(reviewer.id),
                decided_by_name: Some(&reviewer.display_name),
                decided_at: Some(now),
                decision_note: note.as_deref(),
            },
        };
        if !db::amendments::record_step(c, id, version, &step)? {
            return Err(stale("此申请在您打开后已被处理"));
        }
        let what = kind.label();
        db::audit::record(
            c,
            actor,
            Entry {
                action: match transition {
                    Transition::FirstApproval => "amendment.first_approve",
                    Transition::Registration => "amendment.approve",
                    Transition::Return => "amendment.return",
                    Transition::Refusal => "amendment.refuse",
                },
                object_type: "contract",
                object_id: contract.id.to_string(),
                authority_code: Some(contract.authority_code.clone()),
                summary: match transition {
                    Transition::FirstApproval => format!("{what}申请 #{id} 初审通过，待复审"),
                    Transition::Registration => {
                        format!("批准{what}申请 #{id}（“{}”）", contract.project_name)
                    }
                    Transition::Return => format!("退回{what}申请 #{id}：{}", ruling.reason),
                    Transition::Refusal => format!("不予批准{what}申请 #{id}：{}", ruling.reason),
                },
            },
            now,
        )?;
        Ok(Decided {
            transition,
            contract_id: contract.id,
        })
    })
}

/// Writes the changed fields over the registered contract: the number, the registration date
/// and the status stay; the version moves on; the day of the change is kept.
fn apply_change(
    c: &mut DbConn,
    actor: &Actor,
    app: &AmendmentRow,
    contract: &ContractRow,
    now: NaiveDateTime,
) -> Result<(), AmendmentError> {
    let after: ContractInput = app
        .after_input
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .ok_or(AmendmentError::NotFound)?;
    let office = OfficeCode::parse(&contract.office_code)
        .map_err(|_| AmendmentError::Forbidden("合同的登记机构代码无效"))?;
    let today = dates::today_cst(now.and_utc());
    let checked = rules::check(&after, &RuleContext::filing(office, today))
        .map_err(|(errors, warnings)| AmendmentError::Invalid { errors, warnings })?;
    let k = &checked.contract;
    let mut write = filing::filed_write(
        k,
        &contract.office_code,
        &contract.authority_code,
        Status::Registered,
        contract.version + 1,
        now,
    );
    write.registration_number = contract.registration_number.clone();
    write.registered_on = contract.registered_on;
    write.submitted_at = contract.submitted_at;
    write.checklist_confirmed = true;
    write.seller_party_id = Some(filing::remember_party(
        c,
        actor,
        &k.seller,
        &contract.authority_code,
        now,
    )?);
    write.buyer_party_id = Some(filing::remember_party(
        c,
        actor,
        &k.buyer,
        &contract.authority_code,
        now,
    )?);
    if !db::contracts::update_if_version(c, contract.id, contract.version, &write)? {
        return Err(AmendmentError::Stale("合同在申请提交后已被修改".to_owned()));
    }
    db::contracts::mark_amended(c, contract.id, today)?;
    Ok(())
}
