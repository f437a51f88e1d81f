//! A contract's life (domain.md §1.4–1.5): the states it passes through and the reviewer's
//! decisions that move it. Pure: who may decide and how it is stored live in `review`.
//!
//! ```text
//!                     ┌──────── submitted ────────┐
//! draft ──submit──▶   │ 初审 ──approve (large)──▶ 复审 │ ──approve──▶ registered
//!   ▲                 └───────────────────────────┘
//!   │                    │ return         │ refuse
//!   │                    ▼                ▼
//!   └──── returned ◀─────┘             refused
//!       (edit, resubmit: both steps again)
//! ```
//!
//! A contract whose 技术交易额 is at or above its authority's threshold (`review_rule`) is
//! approved twice, by two different administrators; below it one approval registers it.

use crate::catalog::refusal;
use crate::domain::field_errors::FieldErrors;
use crate::domain::role::Role;
use crate::domain::text;

/// A contract's state. Stored as its name (`as_str`) in `contracts.status`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Status {
    /// 草稿: saved by the office, not yet submitted.
    Draft,
    /// 待审核: waits for the province's review.
    Submitted,
    /// 退回补正: back at the office for correction.
    Returned,
    /// 已登记: registered, with its number.
    Registered,
    /// 不予登记.
    Refused,
    /// 已注销.
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Registered,
        Status::Refused,
        Status::Cancelled,
    ];

    /// The stored name, also the contracts CSV's `status` value and the list filter's.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Registered => "registered",
            Status::Refused => "refused",
            Status::Cancelled => "cancelled",
        }
    }

    /// The state named `name` exactly.
    pub fn parse(name: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The zh label.
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Submitted => "待审核",
            Status::Returned => "退回补正",
            Status::Registered => "已登记",
            Status::Refused => "不予登记",
            Status::Cancelled => "已注销",
        }
    }

    /// Whether the filing office may still change the contract (a draft, or returned for
    /// correction).
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// Whether a reviewer may decide on the contract: only what waits for review.
    pub fn awaits_review(self) -> bool {
        self == Status::Submitted
    }

    /// The status line of the contract's certificate, for a contract that has one; `amended`
    /// says whether a change (变更登记) was approved.
    pub fn certificate_line(self, amended: bool) -> Option<&'static str> {
        match self {
            Status::Registered if amended => Some("已变更"),
            Status::Registered => Some("有效"),
            Status::Cancelled => Some("已注销"),
            _ => None,
        }
    }

    /// Whether the contract counts for the duplicate guard (filed: submitted or registered).
    pub fn is_filed(self) -> bool {
        matches!(self, Status::Submitted | Status::Registered)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The states the national statistics count (domain.md §5.1): registered contracts, in the
/// year of their registration date. Unregistered, refused, returned and cancelled ones are not.
pub const COUNTED: [Status; 1] = [Status::Registered];

/// A reviewer's decision on a submitted contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// 登记: registered, with a registration number.
    Approve,
    /// 退回补正: back to the office for correction, with the reason.
    Return,
    /// 不予登记: refused, with a ground and the reason.
    Refuse,
}

impl Decision {
    /// The decision named by the last segment of its address (`/review/{id}/approve`).
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "approve" => Some(Decision::Approve),
            "return" => Some(Decision::Return),
            "refuse" => Some(Decision::Refuse),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Return => "return",
            Decision::Refuse => "refuse",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Approve => "准予登记",
            Decision::Return => "退回补正",
            Decision::Refuse => "不予登记",
        }
    }

    /// The state the contract is in afterwards.
    pub fn outcome(self) -> Status {
        match self {
            Decision::Approve => Status::Registered,
            Decision::Return => Status::Returned,
            Decision::Refuse => Status::Refused,
        }
    }
}

/// Where a contract that waits for review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// 待初审: the first (for a contract below the threshold, the only) review.
    First,
    /// 初审通过, 待复审: approved once, waiting for another administrator's final approval.
    Second { first_approver: i64 },
}

impl Step {
    /// The step of a waiting contract from who gave its first approval, if anyone did.
    pub fn of(first_approved_by: Option<i64>) -> Step {
        match first_approved_by {
            None => Step::First,
            Some(first_approver) => Step::Second { first_approver },
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::First => "初审",
            Step::Second { .. } => "复审",
        }
    }
}

/// What a permitted decision does to a waiting contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// 初审通过: no number yet; the contract waits for the second review.
    FirstApproval,
    /// 准予登记: registered with its number.
    Registration,
    /// 退回补正: back to the office; once resubmitted, both steps again.
    Return,
    /// 不予登记: final.
    Refusal,
}

/// Why a decision is not permitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotPermitted {
    #[error("只有省级管理员可以审核合同")]
    NotAReviewer,
    #[error("此合同不在待审核状态")]
    NotWaiting,
    #[error("初审与复审须由两位不同的管理员完成：您已作出初审，请由本省另一位管理员复审")]
    SameApprover,
    #[error("只有系统管理员可以设置审核规则")]
    NotASysadmin,
}

/// The state machine of the review: what `decision` by account `reviewer` (of `role`) does to
/// a contract in `status` at `step`, where `large` says whether its 技术交易额 reaches the
/// second-review threshold in force today. Scope (the reviewer's authority) is checked by
/// the caller, which finds no contract outside it.
pub fn transition(
    role: Role,
    reviewer: i64,
    status: Status,
    step: Step,
    decision: Decision,
    large: bool,
) -> Result<Transition, NotPermitted> {
    if role != Role::ProvinceAdmin {
        return Err(NotPermitted::NotAReviewer);
    }
    if !status.awaits_review() {
        return Err(NotPermitted::NotWaiting);
    }
    Ok(match (decision, step) {
        (Decision::Return, _) => Transition::Return,
        (Decision::Refuse, _) => Transition::Refusal,
        (Decision::Approve, Step::First) if large => Transition::FirstApproval,
        (Decision::Approve, Step::First) => Transition::Registration,
        (Decision::Approve, Step::Second { first_approver }) if first_approver == reviewer => {
            return Err(NotPermitted::SameApprover);
        }
        (Decision::Approve, Step::Second { .. }) => Transition::Registration,
    })
}

/// Longest reason kept, in characters.
pub const REASON_MAX_CHARS: usize = 1_000;

/// A decision with what the reviewer wrote, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ruling {
    pub decision: Decision,
    /// Required when returning or refusing; optional remark when approving.
    pub reason: String,
    /// The ground of a refusal (`catalog::refusal`); empty otherwise.
    pub refusal_code: String,
}

impl Ruling {
    /// Checks what a reviewer typed: returning and refusing need a reason (the office must know
    /// what to correct, the parties why they were refused), refusing also one of the grounds.
    pub fn parse(
        decision: Decision,
        reason: &str,
        refusal_code: &str,
    ) -> Result<Ruling, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = reason.trim().to_owned();
        let code = text::compact(refusal_code);
        if reason.is_empty() && decision != Decision::Approve {
            errors.add(
                "reason",
                match decision {
                    Decision::Return => "请填写退回理由，说明需要补正的内容",
                    _ => "请填写不予登记的理由",
                },
            );
        }
        if let Some(bad) = text::forbidden(&reason, text::Breaks::Lines) {
            errors.add("reason", bad.message("理由"));
        } else if reason.chars().count() > REASON_MAX_CHARS {
            errors.add(
                "reason",
                format!(
                    "理由不能超过 {REASON_MAX_CHARS} 字（现为 {} 字）",
                    reason.chars().count()
                ),
            );
        }
        let refusal_code = match decision {
            Decision::Refuse if code.is_empty() => {
                errors.add("refusal_code", "请选择不予登记的依据");
                String::new()
            }
            Decision::Refuse if refusal::get(&code).is_none() => {
                errors.add("refusal_code", format!("不予登记依据代码“{code}”不存在"));
                String::new()
            }
            Decision::Refuse => code,
            _ => String::new(),
        };
        errors.into_result()?;
        Ok(Ruling {
            decision,
            reason,
            refusal_code,
        })
    }

    /// The note the contract shows afterwards: the reason, with the ground of a refusal.
    pub fn note(&self) -> Option<String> {
        let ground = refusal::get(&self.refusal_code).map(|r| r.label);
        match (ground, self.reason.is_empty()) {
            (Some(g), _) => Some(format!("{g}：{}", self.reason)),
            (None, true) => None,
            (None, false) => Some(self.reason.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_its_name_and_only_open_ones_are_editable() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(s.to_string(), s.as_str());
        }
        assert_eq!(Status::parse("Registered"), None);
        let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(
            labels,
            ["草稿", "待审核", "退回补正", "已登记", "不予登记", "已注销"]
        );
        let editable: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| s.is_editable())
            .collect();
        assert_eq!(editable, [Status::Draft, Status::Returned]);
        let decidable: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| s.awaits_review())
            .collect();
        assert_eq!(decidable, [Status::Submitted]);
        let filed: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_filed()).collect();
        assert_eq!(filed, [Status::Submitted, Status::Registered]);
        let certified: Vec<_> = Status::ALL
            .into_iter()
            .filter_map(|s| s.certificate_line(false))
            .collect();
        assert_eq!(certified, ["有效", "已注销"]);
        assert_eq!(Status::Registered.certificate_line(true), Some("已变更"));
        assert_eq!(Status::Cancelled.certificate_line(true), Some("已注销"));
    }

    #[test]
    fn decisions_round_trip_their_names_and_lead_to_their_state() {
        for d in [Decision::Approve, Decision::Return, Decision::Refuse] {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
        assert_eq!(Decision::parse("delete"), None);
        assert_eq!(Decision::Approve.outcome(), Status::Registered);
        assert_eq!(Decision::Return.outcome(), Status::Returned);
        assert_eq!(Decision::Refuse.outcome(), Status::Refused);
    }

    #[test]
    fn only_province_admins_decide_and_only_on_waiting_contracts() {
        let decisions = [Decision::Approve, Decision::Return, Decision::Refuse];
        for role in Role::ALL {
            for status in Status::ALL {
                for step in [Step::First, Step::Second { first_approver: 7 }] {
                    for decision in decisions {
                        for large in [false, true] {
                            let t = transition(role, 8, status, step, decision, large);
                            match (role, status) {
                                (Role::ProvinceAdmin, Status::Submitted) => assert!(t.is_ok()),
                                (Role::ProvinceAdmin, _) => {
                                    assert_eq!(t, Err(NotPermitted::NotWaiting), "{status}")
                                }
                                _ => assert_eq!(t, Err(NotPermitted::NotAReviewer), "{role:?}"),
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn large_contracts_are_approved_twice_by_two_administrators() {
        let admin = Role::ProvinceAdmin;
        let go = |step, decision, large, who| {
            transition(admin, who, Status::Submitted, step, decision, large)
        };
        let second = Step::Second { first_approver: 1 };
        assert_eq!(
            go(Step::First, Decision::Approve, false, 1),
            Ok(Transition::Registration)
        );
        assert_eq!(
            go(Step::First, Decision::Approve, true, 1),
            Ok(Transition::FirstApproval)
        );
        assert_eq!(
            go(second, Decision::Approve, true, 1),
            Err(NotPermitted::SameApprover)
        );
        assert_eq!(
            go(second, Decision::Approve, true, 2),
            Ok(Transition::Registration)
        );
        // At the second step the threshold no longer matters: it was passed at the first.
        assert_eq!(
            go(second, Decision::Approve, false, 2),
            Ok(Transition::Registration)
        );
        assert_eq!(
            go(second, Decision::Approve, false, 1),
            Err(NotPermitted::SameApprover)
        );
        // Returning and refusing stay open at both steps, to either administrator.
        for step in [Step::First, second] {
            for who in [1, 2] {
                assert_eq!(
                    go(step, Decision::Return, true, who),
                    Ok(Transition::Return)
                );
                assert_eq!(
                    go(step, Decision::Refuse, true, who),
                    Ok(Transition::Refusal)
                );
            }
        }
        assert_eq!(Step::of(None), Step::First);
        assert_eq!(Step::of(Some(1)), second);
        assert_eq!((Step::First.label(), second.label()), ("初审", "复审"));
    }

    #[test]
    fn returning_and_refusing_need_a_reason() {
        let e = Ruling::parse(Decision::Return, "  \u{3000} ", "").unwrap_err();
        assert!(e.first("reason").unwrap().contains("退回理由"));
        let e = Ruling::parse(Decision::Refuse, "", "").unwrap_err();
        assert!(e.has("reason") && e.has("refusal_code"), "{e:?}");
        let ok = Ruling::parse(Decision::Approve, "", "07").unwrap();
        assert_eq!(ok.refusal_code, "", "a ground only belongs to a refusal");
        assert_eq!(ok.note(), None);
    }

    #[test]
    fn refusal_grounds_come_from_the_catalogue() {
        let e = Ruling::parse(Decision::Refuse, "缺少批文", "99").unwrap_err();
        assert!(e.first("refusal_code").unwrap().contains("99"));
        let r = Ruling::parse(Decision::Refuse, " 缺少批文 ", "０４").unwrap();
        assert_eq!(r.refusal_code, "04", "full-width digits are folded");
        assert_eq!(
            r.note().as_deref(),
            Some("依法应经有关部门审批而未审批：缺少批文")
        );
    }

    #[test]
    fn over_long_reasons_are_refused_with_their_length() {
        let long = "补".repeat(REASON_MAX_CHARS + 1);
        let e = Ruling::parse(Decision::Return, &long, "").unwrap_err();
        assert!(e.first("reason").unwrap().contains("1001"));
        assert!(Ruling::parse(Decision::Return, &"补".repeat(REASON_MAX_CHARS), "").is_ok());
    }
}
