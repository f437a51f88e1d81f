//! A contract's life (domain.md §1.4–1.5): the states it passes through and the reviewer's
//! decisions that move it. Pure: who may decide and how it is stored live in `review`.
//!
//! ```text
//! draft ──submit──▶ submitted ──approve──▶ registered
//!   ▲                │     │
//!   │             return  refuse
//!   │                ▼     ▼
//!   └── returned ◀───┘   refused
//!       (edit, resubmit)
//! ```

use crate::catalog::refusal;
use crate::domain::field_errors::FieldErrors;
use crate::domain::text;

pub const DRAFT: &str = "draft";
pub const SUBMITTED: &str = "submitted";
pub const RETURNED: &str = "returned";
pub const REGISTERED: &str = "registered";
pub const REFUSED: &str = "refused";
pub const CANCELLED: &str = "cancelled";

pub const ALL: &[&str] = &[DRAFT, SUBMITTED, RETURNED, REGISTERED, REFUSED, CANCELLED];

/// The states the national statistics count (domain.md §5.1): registered contracts, in the
/// year of their registration date. Unregistered, refused, returned and cancelled ones are not.
pub const COUNTED: &[&str] = &[REGISTERED];

/// The zh label of a status.
pub fn label(s: &str) -> &'static str {
    match s {
        DRAFT => "草稿",
        SUBMITTED => "待审核",
        RETURNED => "退回补正",
        REGISTERED => "已登记",
        REFUSED => "不予登记",
        CANCELLED => "已注销",
        _ => "未知",
    }
}

/// Whether the filing office may still change the contract (a draft, or returned for correction).
pub fn editable(s: &str) -> bool {
    s == DRAFT || s == RETURNED
}

/// Whether a reviewer may decide on the contract: only what waits for review.
pub fn awaits_review(s: &str) -> bool {
    s == SUBMITTED
}

/// Days within which a submitted contract should be decided (2000 办法 art. 11: 30 days after
/// the application is accepted; newer rules shorten it to 15 working days). Submissions older
/// than this are overdue.
pub const DEADLINE_DAYS: i64 = 30;

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
    pub fn outcome(self) -> &'static str {
        match self {
            Decision::Approve => REGISTERED,
            Decision::Return => RETURNED,
            Decision::Refuse => REFUSED,
        }
    }
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
    fn every_status_has_a_label_and_only_open_ones_are_editable() {
        for s in ALL {
            assert_ne!(label(s), "未知");
        }
        let editable: Vec<&str> = ALL.iter().copied().filter(|s| editable(s)).collect();
        assert_eq!(editable, [DRAFT, RETURNED]);
        let decidable: Vec<&str> = ALL.iter().copied().filter(|s| awaits_review(s)).collect();
        assert_eq!(decidable, [SUBMITTED]);
    }

    #[test]
    fn decisions_round_trip_their_names_and_lead_to_their_state() {
        for d in [Decision::Approve, Decision::Return, Decision::Refuse] {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
        assert_eq!(Decision::parse("delete"), None);
        assert_eq!(Decision::Approve.outcome(), REGISTERED);
        assert_eq!(Decision::Return.outcome(), RETURNED);
        assert_eq!(Decision::Refuse.outcome(), REFUSED);
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
