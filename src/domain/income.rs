//! 技术性收入核定 (domain.md §1.7): an entry of income a seller received on a registered
//! contract and the technical income the registering office verified. Pure: parsing what the
//! clerk typed; storing is `crate::income`'s.

use chrono::{Datelike, NaiveDate};

use crate::domain::dates;
use crate::domain::field_errors::FieldErrors;
use crate::domain::money::Money;
use crate::domain::text;

/// Longest verifier's name and note, in characters.
pub const VERIFIER_MAX_CHARS: usize = 50;
pub const NOTE_MAX_CHARS: usize = 500;

/// What the clerk typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncomeInput {
    pub period_from: String,
    pub period_to: String,
    pub received_yuan: String,
    pub verified_yuan: String,
    pub verifier: String,
    pub verified_on: String,
    pub note: String,
}

impl IncomeInput {
    /// The form's field names, in order.
    pub const FIELDS: [&'static str; 7] = [
        "period_from",
        "period_to",
        "received_yuan",
        "verified_yuan",
        "verifier",
        "verified_on",
        "note",
    ];

    /// Sets field `name` (unknown names are ignored).
    pub fn set(&mut self, name: &str, value: &str) {
        let slot = match name {
            "period_from" => &mut self.period_from,
            "period_to" => &mut self.period_to,
            "received_yuan" => &mut self.received_yuan,
            "verified_yuan" => &mut self.verified_yuan,
            "verifier" => &mut self.verifier,
            "verified_on" => &mut self.verified_on,
            "note" => &mut self.note,
            _ => return,
        };
        *slot = value.to_owned();
    }
}

/// A checked entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeEntry {
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub received: Money,
    pub verified: Money,
    pub verifier: String,
    pub verified_on: NaiveDate,
    pub note: String,
}

impl IncomeEntry {
    /// The year the income counts in: that of the end of its period.
    pub fn year(&self) -> i32 {
        self.period_to.year()
    }
}

/// Checks an entry for a contract registered on `registered_on`, on `today`: dates that
/// exist and are not in the future, a period that runs forwards, an amount received, a verified
/// technical income no larger than it, a verification on or after registration.
pub fn parse(
    input: &IncomeInput,
    registered_on: NaiveDate,
    today: NaiveDate,
) -> Result<IncomeEntry, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut date = |field: &str, label: &str, value: &str| match dates::parse_date(value, today) {
        Ok(d) if d > today => {
            errors.add(field, format!("{label}不能晚于今天"));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.add(field, format!("{label}：{e}"));
            None
        }
    };
    let from = date("period_from", "收入期间起", &input.period_from);
    let to = date("period_to", "收入期间止", &input.period_to);
    let on = date("verified_on", "核定日期", &input.verified_on);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.add("period_to", "收入期间止不能早于收入期间起");
    }
    if let Some(o) = on
        && o < registered_on
    {
        errors.add(
            "verified_on",
            format!(
                "核定日期不能早于合同登记日期（{}）",
                dates::format_date(registered_on)
            ),
        );
    }
    let mut amount = |field: &str, label: &str, value: &str| match Money::parse_yuan(value) {
        Ok(m) => Some(m),
        Err(e) => {
            errors.add(field, format!("{label}：{e}"));
            None
        }
    };
    let received = amount("received_yuan", "实际收款额", &input.received_yuan);
    let verified = amount("verified_yuan", "核定技术性收入", &input.verified_yuan);
    if received.is_some_and(Money::is_zero) {
        errors.add("received_yuan", "实际收款额应大于 0");
    }
    if let (Some(r), Some(v)) = (received, verified)
        && v > r
    {
        errors.add("verified_yuan", "核定技术性收入不能大于实际收款额");
    }
    let verifier = text::compact(&input.verifier);
    if verifier.is_empty() {
        errors.add("verifier", "请填写核定人");
    } else if verifier.chars().count() > VERIFIER_MAX_CHARS {
        errors.add(
            "verifier",
            format!("核定人不能超过 {VERIFIER_MAX_CHARS} 字"),
        );
    }
    let note = input.note.trim().to_owned();
    if let Some(bad) = text::forbidden(&note, text::Breaks::Lines) {
        errors.add("note", bad.message("备注"));
    } else if note.chars().count() > NOTE_MAX_CHARS {
        errors.add("note", format!("备注不能超过 {NOTE_MAX_CHARS} 字"));
    }
    errors.into_result()?;
    match (from, to, received, verified, on) {
        (Some(period_from), Some(period_to), Some(received), Some(verified), Some(verified_on)) => {
            Ok(IncomeEntry {
                period_from,
                period_to,
                received,
                verified,
                verifier,
                verified_on,
                note,
            })
        }
        _ => Err(FieldErrors::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input() -> IncomeInput {
        IncomeInput {
            period_from: "2026-01-01".into(),
            period_to: "2026-06-30".into(),
            received_yuan: "500000".into(),
            verified_yuan: "480000.50".into(),
            verifier: "张核定".into(),
            verified_on: "2026-07-10".into(),
            note: String::new(),
        }
    }

    #[test]
    fn a_valid_entry_parses_and_counts_in_the_year_its_period_ends() {
        let e = parse(&input(), d("2025-12-01"), d("2026-12-01")).unwrap();
        assert_eq!(e.received, Money::from_fen(50_000_000));
        assert_eq!(e.verified, Money::from_fen(48_000_050));
        assert_eq!(e.year(), 2026);
    }

    #[test]
    fn every_mistake_is_named_at_its_field() {
        let bad = IncomeInput {
            period_from: "2026-07-01".into(),
            period_to: "2026-06-30".into(),
            received_yuan: "100".into(),
            verified_yuan: "200".into(),
            verifier: " ".into(),
            verified_on: "2025-01-01".into(),
            note: String::new(),
        };
        let e = parse(&bad, d("2025-12-01"), d("2026-12-01")).unwrap_err();
        for f in ["period_to", "verified_yuan", "verifier", "verified_on"] {
            assert!(e.has(f), "{f}: {e:?}");
        }
        let future = IncomeInput {
            period_to: "2027-01-01".into(),
            ..input()
        };
        assert!(
            parse(&future, d("2025-12-01"), d("2026-12-01"))
                .unwrap_err()
                .has("period_to")
        );
        let zero = IncomeInput {
            received_yuan: "0".into(),
            verified_yuan: "0".into(),
            ..input()
        };
        assert!(
            parse(&zero, d("2025-12-01"), d("2026-12-01"))
                .unwrap_err()
                .has("received_yuan")
        );
    }
}
