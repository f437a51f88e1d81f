//! An authority's review rules (domain.md §1.4), versioned by the date they take effect: from
//! which 技术交易额 a contract needs a second review by another administrator, and within how
//! long a submitted contract must be decided. Pure: the versions are stored in `review_rules`.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::catalog::authority;
use crate::domain::dates;
use crate::domain::field_errors::FieldErrors;
use crate::domain::money::Money;

/// The deadline of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// 2000 办法 art. 11: 30 days after the application was accepted.
    Calendar30,
    /// MIIT 2024 draft: 15 working days, 30 working days for a contract at or above the
    /// second-review threshold.
    Working15,
}

impl Deadline {
    pub const ALL: [Deadline; 2] = [Deadline::Calendar30, Deadline::Working15];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Deadline::Calendar30 => "calendar_30",
            Deadline::Working15 => "working_15",
        }
    }

    pub fn parse(name: &str) -> Option<Deadline> {
        Self::ALL.into_iter().find(|d| d.as_str() == name)
    }

    /// The zh description, as the settings page offers it.
    pub fn label(self) -> &'static str {
        match self {
            Deadline::Calendar30 => "30 日（2000 年《技术合同认定登记管理办法》）",
            Deadline::Working15 => "15 个工作日，大额合同 30 个工作日（2024 年征求意见稿）",
        }
    }
}

/// One version of an authority's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewRule {
    /// The first day the version applies to.
    pub effective_from: NaiveDate,
    /// Contracts whose 技术交易额 is at least this need a second review.
    pub second_review_from: Money,
    pub deadline: Deadline,
}

/// 500 万元, the threshold of the 2024 draft and of Jiangsu's 大额审批.
pub const DEFAULT_THRESHOLD: Money = Money::from_fen(500_000_000);

impl ReviewRule {
    /// What applies where an authority has set nothing.
    pub const DEFAULT: ReviewRule = ReviewRule {
        effective_from: NaiveDate::MIN,
        second_review_from: DEFAULT_THRESHOLD,
        deadline: Deadline::Calendar30,
    };

    /// Whether a contract with this 技术交易额 needs a second review.
    pub fn needs_second_review(&self, technical: Money) -> bool {
        technical >= self.second_review_from
    }

    /// The last day on which a contract submitted on `submitted` with this 技术交易额 may be
    /// decided in time.
    pub fn due_on(&self, submitted: NaiveDate, technical: Money) -> NaiveDate {
        match self.deadline {
            Deadline::Calendar30 => submitted + Duration::days(30),
            Deadline::Working15 if self.needs_second_review(technical) => {
                add_working_days(submitted, 30)
            }
            Deadline::Working15 => add_working_days(submitted, 15),
        }
    }
}

/// The version in force on `day`: the latest one that took effect on or before it, else the
/// default. `versions` may come in any order.
pub fn in_force(versions: &[ReviewRule], day: NaiveDate) -> ReviewRule {
    versions
        .iter()
        .filter(|v| v.effective_from <= day)
        .max_by_key(|v| v.effective_from)
        .copied()
        .unwrap_or(ReviewRule::DEFAULT)
}

/// The day `n` working days after `from` (Monday to Friday; `from` itself does not count).
pub fn add_working_days(from: NaiveDate, n: u32) -> NaiveDate {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    day
}

/// The largest threshold accepted, in 万元 (10 亿元: above any contract one would review twice).
pub const MAX_THRESHOLD_WAN: i64 = 100_000;

/// A new version as the system administrator types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct RuleInput {
    #[serde(default)]
    pub authority_code: String,
    #[serde(default)]
    pub effective_from: String,
    /// In 万元.
    #[serde(default)]
    pub threshold_wan: String,
    #[serde(default)]
    pub deadline: String,
}

impl RuleInput {
    /// The authority and the version, or every field's error.
    pub fn parse(&self) -> Result<(&'static str, ReviewRule), FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = self.authority_code.trim();
        let authority = authority::find(code);
        if authority.is_none() {
            errors.add(
                "authority_code",
                if code.is_empty() {
                    "请选择管理机构".to_owned()
                } else {
                    format!("管理机构代码“{code}”不存在")
                },
            );
        }
        let effective_from = dates::parse_date_unbounded(&self.effective_from)
            .map_err(|e| errors.add("effective_from", format!("生效日期：{e}")))
            .ok();
        let threshold = Money::parse_yuan(&self.threshold_wan)
            .map_err(|e| e.to_string())
            .and_then(|wan| {
                let fen = wan.fen().checked_mul(10_000).filter(|f| *f > 0);
                match fen {
                    Some(f) if f <= MAX_THRESHOLD_WAN * 1_000_000 => Ok(Money::from_fen(f)),
                    _ => Err(format!("复审标准应大于 0、不超过 {MAX_THRESHOLD_WAN} 万元")),
                }
            })
            .map_err(|e| errors.add("threshold_wan", format!("复审标准（万元）：{e}")))
            .ok();
        let deadline = Deadline::parse(self.deadline.trim());
        if deadline.is_none() {
            errors.add("deadline", "请选择办理期限规则");
        }
        errors.into_result()?;
        match (authority, effective_from, threshold, deadline) {
            (Some(a), Some(effective_from), Some(second_review_from), Some(deadline)) => Ok((
                a.code,
                ReviewRule {
                    effective_from,
                    second_review_from,
                    deadline,
                },
            )),
            _ => Err(FieldErrors::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_typed_version_is_parsed_with_every_fields_error() {
        let input = RuleInput {
            authority_code: "110000".into(),
            effective_from: "2027-01-01".into(),
            threshold_wan: "300".into(),
            deadline: "working_15".into(),
        };
        let (code, rule) = input.parse().unwrap();
        assert_eq!(code, "110000");
        assert_eq!(rule.second_review_from, Money::from_fen(300 * 1_000_000));
        assert_eq!(rule.effective_from, d("2027-01-01"));
        assert_eq!(rule.deadline, Deadline::Working15);
        let bad = RuleInput {
            authority_code: "999999".into(),
            effective_from: "2027-02-30".into(),
            threshold_wan: "0".into(),
            deadline: "weekly".into(),
        };
        let e = bad.parse().unwrap_err();
        for field in [
            "authority_code",
            "effective_from",
            "threshold_wan",
            "deadline",
        ] {
            assert!(e.has(field), "{field}: {e:?}");
        }
        assert!(e.first("authority_code").unwrap().contains("999999"));
        let huge = RuleInput {
            threshold_wan: "100001".into(),
            ..input.clone()
        };
        assert!(huge.parse().unwrap_err().has("threshold_wan"));
        let empty = RuleInput::default().parse().unwrap_err();
        assert_eq!(empty.first("authority_code"), Some("请选择管理机构"));
    }

    #[test]
    fn working_days_skip_weekends() {
        // 2026-12-04 is a Friday.
        assert_eq!(add_working_days(d("2026-12-04"), 1), d("2026-12-07"));
        assert_eq!(add_working_days(d("2026-12-04"), 5), d("2026-12-11"));
        assert_eq!(
            add_working_days(d("2026-12-05"), 1),
            d("2026-12-07"),
            "from a Saturday"
        );
        assert_eq!(add_working_days(d("2026-12-07"), 15), d("2026-12-28"));
        assert_eq!(add_working_days(d("2026-12-07"), 0), d("2026-12-07"));
    }

    #[test]
    fn the_deadline_depends_on_the_rule_and_on_large_contracts() {
        let large = DEFAULT_THRESHOLD;
        let small = Money::from_fen(DEFAULT_THRESHOLD.fen() - 1);
        let calendar = ReviewRule::DEFAULT;
        assert_eq!(calendar.due_on(d("2026-12-07"), small), d("2027-01-06"));
        assert_eq!(calendar.due_on(d("2026-12-07"), large), d("2027-01-06"));
        let working = ReviewRule {
            deadline: Deadline::Working15,
            ..ReviewRule::DEFAULT
        };
        assert_eq!(working.due_on(d("2026-12-07"), small), d("2026-12-28"));
        assert_eq!(working.due_on(d("2026-12-07"), large), d("2027-01-18"));
        assert!(working.needs_second_review(large) && !working.needs_second_review(small));
    }

    #[test]
    fn the_version_in_force_is_the_latest_that_took_effect() {
        let v = |from: &str, wan: i64| ReviewRule {
            effective_from: d(from),
            second_review_from: Money::from_fen(wan * 1_000_000),
            deadline: Deadline::Working15,
        };
        let versions = [v("2027-01-01", 300), v("2025-01-01", 1000)];
        assert_eq!(in_force(&versions, d("2024-12-31")), ReviewRule::DEFAULT);
        assert_eq!(in_force(&versions, d("2025-01-01")), versions[1]);
        assert_eq!(in_force(&versions, d("2026-12-31")), versions[1]);
        assert_eq!(in_force(&versions, d("2027-01-01")), versions[0]);
        assert_eq!(in_force(&[], d("2027-01-01")), ReviewRule::DEFAULT);
        for dl in Deadline::ALL {
            assert_eq!(Deadline::parse(dl.as_str()), Some(dl));
        }
    }
}
