//! 居民身份证号码 (GB 11643, 18 characters): the identifier of a natural-person party.
//!
//! Layout: address code (1–6), birth date YYYYMMDD (7–14), sequence (15–17), check (18,
//! ISO 7064 MOD 11-2: digit or X). The address code is checked for its province prefix only,
//! because numbers keep the code in force when they were issued.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::domain::admin_code::is_province_prefix;
use crate::domain::text;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Earliest birth date accepted.
pub const MIN_BIRTH_DATE: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");

/// Why a string is not a valid ID number (messages shown next to the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// Nothing was entered.
    #[error("请填写身份证号码")]
    Empty,
    /// Not 18 characters.
    #[error("身份证号码应为 18 位，实际为 {0} 位")]
    Length(usize),
    /// A non-digit in positions 1–17 (1-based position).
    #[error("身份证号码第 {pos} 位应为数字，实际为“{ch}”")]
    NotDigit { pos: usize, ch: char },
    /// Position 18 is neither a digit nor X.
    #[error("身份证号码第 18 位应为数字或 X，实际为“{0}”")]
    LastChar(char),
    /// The address code does not start with a province prefix.
    #[error("身份证号码前 6 位地址码 {0} 不合法")]
    Region(String),
    /// Positions 7–14 are not a real date from 1900 on.
    #[error("身份证号码中的出生日期 {0} 无效")]
    BirthDate(String),
    /// The check character does not match.
    #[error("校验位错误，应为 {expected}")]
    CheckChar { expected: char, found: char },
}

/// A parsed 18-character 居民身份证号码 (check character upper-case).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

/// The check character for the first 17 digits; `None` unless exactly 17 ASCII digits.
pub fn check_char(body: &str) -> Option<char> {
    if body.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in body.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(char::from(CHECK_CHARS[(sum % 11) as usize]))
}

impl IdNumber {
    /// Parses an ID number; full-width characters, spaces and a lower-case x are accepted.
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        let s = text::compact(input).to_uppercase();
        if s.is_empty() {
            return Err(IdNumberError::Empty);
        }
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(IdNumberError::Length(chars.len()));
        }
        if let Some((i, &ch)) = chars[..17]
            .iter()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_digit())
        {
            return Err(IdNumberError::NotDigit { pos: i + 1, ch });
        }
        let last = chars[17];
        if !(last.is_ascii_digit() || last == 'X') {
            return Err(IdNumberError::LastChar(last));
        }
        if !is_province_prefix(&s[..2]) {
            return Err(IdNumberError::Region(s[..6].to_owned()));
        }
        let birth = &s[6..14];
        NaiveDate::parse_from_str(birth, "%Y%m%d")
            .ok()
            .filter(|d| *d >= MIN_BIRTH_DATE)
            .ok_or_else(|| IdNumberError::BirthDate(birth.to_owned()))?;
        let expected = check_char(&s[..17]).expect("17 digits");
        if expected != last {
            return Err(IdNumberError::CheckChar {
                expected,
                found: last,
            });
        }
        Ok(Self(s))
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date (positions 7–14).
    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("checked when parsed")
    }

    /// For display: first 4 and last 4 characters, the rest as `*` (e.g. 1101**********1234).
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..4], "*".repeat(10), &self.0[14..])
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Debug output is masked so that logs do not carry full ID numbers.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl AsRef<str> for IdNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for IdNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // 11010519491231002X is the example number of GB 11643.
    const SAMPLE: &str = "11010519491231002X";

    #[test]
    fn parses_valid_numbers() {
        assert_eq!(check_char("11010519491231002"), Some('X'));
        let id = IdNumber::parse(SAMPLE).expect("valid");
        assert_eq!(id.as_str(), SAMPLE);
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).expect("date")
        );
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(1101**********002X)");
        assert!(IdNumber::parse("１１０１０５１９４９１２３１００２ｘ").is_ok());
        assert!(IdNumber::parse(" 110105 19491231 002x ").is_ok());
        let body = "44030519900307123";
        let full = format!("{body}{}", check_char(body).expect("digits"));
        assert_eq!(
            full.parse::<IdNumber>().map(|i| i.masked()),
            Ok(format!("4403**********{}", &full[14..]))
        );
    }

    #[test]
    fn errors() {
        assert_eq!(IdNumber::parse(""), Err(IdNumberError::Empty));
        assert_eq!(
            IdNumber::parse("1101051949123100"),
            Err(IdNumberError::Length(16))
        );
        assert_eq!(
            IdNumber::parse("1101051949123100AX"),
            Err(IdNumberError::NotDigit { pos: 17, ch: 'A' })
        );
        assert_eq!(
            IdNumber::parse("11010519491231002Y"),
            Err(IdNumberError::LastChar('Y'))
        );
        assert_eq!(
            IdNumber::parse("99010519491231002X"),
            Err(IdNumberError::Region("990105".into()))
        );
        let body = "11010519490230002";
        let bad_date = format!("{body}{}", check_char(body).expect("digits"));
        assert_eq!(
            IdNumber::parse(&bad_date),
            Err(IdNumberError::BirthDate("19490230".into()))
        );
        let body = "11010518991231002";
        let too_old = format!("{body}{}", check_char(body).expect("digits"));
        assert_eq!(
            IdNumber::parse(&too_old),
            Err(IdNumberError::BirthDate("18991231".into()))
        );
        let err = IdNumber::parse("110105194912310021").expect_err("bad check");
        assert_eq!(
            err,
            IdNumberError::CheckChar {
                expected: 'X',
                found: '1'
            }
        );
        assert_eq!(err.to_string(), "校验位错误，应为 X");
        assert_eq!(
            IdNumberError::Length(16).to_string(),
            "身份证号码应为 18 位，实际为 16 位"
        );
    }

    fn valid_id() -> impl Strategy<Value = String> {
        (
            0..crate::domain::admin_code::PROVINCE_PREFIXES.len(),
            0..10_000u32,
            0..(365 * 120i64),
            0..1000u32,
        )
            .prop_map(|(p, area, days, seq)| {
                let pp = crate::domain::admin_code::PROVINCE_PREFIXES[p];
                let birth = MIN_BIRTH_DATE + chrono::Duration::days(days);
                let body = format!("{pp}{area:04}{}{seq:03}", birth.format("%Y%m%d"));
                let check = check_char(&body).expect("17 digits");
                format!("{body}{check}")
            })
    }

    fn id_char() -> impl Strategy<Value = char> {
        prop_oneof![
            (0..10u32).prop_map(|d| char::from_digit(d, 10).expect("digit")),
            Just('X')
        ]
    }

    proptest! {
        #[test]
        fn valid_numbers_parse(id in valid_id()) {
            let parsed = IdNumber::parse(&id).expect("valid id parses");
            prop_assert_eq!(parsed.as_str(), id.as_str());
        }

        #[test]
        fn single_substitution_is_rejected(id in valid_id(), pos in 0..18usize, r in id_char()) {
            let mut chars: Vec<char> = id.chars().collect();
            prop_assume!(chars[pos] != r);
            chars[pos] = r;
            let changed: String = chars.into_iter().collect();
            prop_assert!(IdNumber::parse(&changed).is_err());
        }
    }
}
