//! Amendment (变更登记) and cancellation (注销登记) of a registered contract (domain.md §1.8):
//! the kinds of application, their states, what a change changes, and the reason the office
//! gives. Pure: the lifecycle is `crate::amendment`'s.

use crate::domain::contract::{ContractInput, field_label};
use crate::domain::field_errors::FieldErrors;
use crate::domain::text;

/// What the office applies for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 变更登记: some registered fields change; the number stays.
    Change,
    /// 注销登记: the contract was terminated or annulled; it no longer counts.
    Cancel,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Change => "change",
            Kind::Cancel => "cancel",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "change" => Some(Kind::Change),
            "cancel" => Some(Kind::Cancel),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Change => "变更登记",
            Kind::Cancel => "注销登记",
        }
    }
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// 待审核 (possibly approved once, waiting for the second review).
    Submitted,
    /// 已批准: applied to the contract.
    Approved,
    /// 已退回: the office may apply again.
    Returned,
    /// 不予变更 / 不予注销: final.
    Refused,
}

impl State {
    pub const ALL: [State; 4] = [
        State::Submitted,
        State::Approved,
        State::Returned,
        State::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Submitted => "submitted",
            State::Approved => "approved",
            State::Returned => "returned",
            State::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Submitted => "待审核",
            State::Approved => "已批准",
            State::Returned => "已退回",
            State::Refused => "不予批准",
        }
    }
}

/// One field that a change changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub field: String,
    pub old: String,
    pub new: String,
}

impl Change {
    /// The field's zh label.
    pub fn label(&self) -> &'static str {
        field_label(&self.field)
    }
}

/// The fields whose values differ, in the form's order. Both sides are in the canonical form a
/// checked contract writes (`Contract::to_input`), so only real changes show.
pub fn changes(before: &ContractInput, after: &ContractInput) -> Vec<Change> {
    ContractInput::FIELDS
        .iter()
        .filter_map(|f| {
            let old = before.get(f).unwrap_or_default().trim();
            let new = after.get(f).unwrap_or_default().trim();
            (old != new).then(|| Change {
                field: (*f).to_owned(),
                old: old.to_owned(),
                new: new.to_owned(),
            })
        })
        .collect()
}

/// Longest reason kept, in characters.
pub const REASON_MAX_CHARS: usize = 1_000;

/// The office's reason for the application: required, one to 1,000 characters of text.
pub fn parse_reason(kind: Kind, typed: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reason = typed.trim().to_owned();
    if reason.is_empty() {
        errors.add(
            "amendment_reason",
            match kind {
                Kind::Change => "请填写变更原因（如双方签订了补充协议）",
                Kind::Cancel => "请填写注销原因（如合同已解除或被撤销）",
            },
        );
    } else if let Some(bad) = text::forbidden(&reason, text::Breaks::Lines) {
        errors.add("amendment_reason", bad.message("原因"));
    } else if reason.chars().count() > REASON_MAX_CHARS {
        errors.add(
            "amendment_reason",
            format!(
                "原因不能超过 {REASON_MAX_CHARS} 字（现为 {} 字）",
                reason.chars().count()
            ),
        );
    }
    errors.into_result()?;
    Ok(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_states_round_trip_their_names() {
        for k in [Kind::Change, Kind::Cancel] {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("delete"), None);
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn only_fields_that_differ_are_changes() {
        let mut before = ContractInput::default();
        before.set("project_name", "储能技术咨询".into());
        before.set("total_amount_yuan", "1250000.00".into());
        let mut after = before.clone();
        assert!(changes(&before, &after).is_empty());
        after.set("total_amount_yuan", "1500000.00".into());
        after.set("buyer_address", "北京市海淀区 2 号".into());
        let c = changes(&before, &after);
        let fields: Vec<&str> = c.iter().map(|c| c.field.as_str()).collect();
        assert!(fields.contains(&"total_amount_yuan") && fields.contains(&"buyer_address"));
        assert_eq!(c.len(), 2);
        let total = c.iter().find(|c| c.field == "total_amount_yuan").unwrap();
        assert_eq!(
            (total.old.as_str(), total.new.as_str()),
            ("1250000.00", "1500000.00")
        );
        assert!(!total.label().is_empty());
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        let e = parse_reason(Kind::Cancel, " \u{3000}").unwrap_err();
        assert!(e.first("amendment_reason").unwrap().contains("注销原因"));
        assert!(parse_reason(Kind::Change, &"改".repeat(REASON_MAX_CHARS + 1)).is_err());
        assert_eq!(
            parse_reason(Kind::Change, " 补充协议 ").unwrap(),
            "补充协议"
        );
    }
}
