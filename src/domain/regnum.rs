//! 合同登记编号: the 16-digit registration number `YYYY PPCC NN SSSSSS` (domain.md §3.1).
//!
//! Year of registration, the registering office's code (area `PPCC` + office number `NN`)
//! and a serial within office and year. There is no check digit.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::admin_code::is_province_prefix;
use crate::domain::text;

/// Plausible registration years.
pub const YEARS: std::ops::RangeInclusive<u16> = 2000..=2099;
/// Largest serial that fits in six digits.
pub const MAX_SERIAL: u32 = 999_999;

/// Why a string or parts do not form a registration number (messages shown next to the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegNumError {
    /// Nothing was entered.
    #[error("请填写合同登记编号")]
    Empty,
    /// Not 16 digits.
    #[error("合同登记编号应为 16 位数字")]
    Format,
    /// Year outside 2000–2099.
    #[error("合同登记编号的年份 {0} 不在 2000–2099 之间")]
    Year(u16),
    /// Office part (digits 5–10) is not `PPCCNN` with a province (or 兵团 66) `PP` and `NN` ≠ 00.
    #[error("合同登记编号中的登记机构代码 {0} 不合法")]
    Office(String),
    /// Serial 000000.
    #[error("合同登记编号的流水号不能为 000000")]
    ZeroSerial,
    /// Serial above 999999.
    #[error("流水号 {0} 超过 999999")]
    SerialTooLarge(u32),
}

/// A 16-digit registration number. Ordering is the numeric (= string) order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationNumber {
    year: u16,
    office: [u8; 6],
    serial: u32,
}

/// Prefix of the offices of 新疆生产建设兵团, which has no GB/T 2260 province code.
const CORPS_PREFIX: &str = "66";

fn check_office(office: &str) -> Result<[u8; 6], RegNumError> {
    let bad = || RegNumError::Office(office.to_owned());
    let bytes: [u8; 6] = office.as_bytes().try_into().map_err(|_| bad())?;
    if !bytes.iter().all(u8::is_ascii_digit)
        || !(is_province_prefix(&office[..2]) || &office[..2] == CORPS_PREFIX)
        || &office[4..] == "00"
    {
        return Err(bad());
    }
    Ok(bytes)
}

impl RegistrationNumber {
    /// Parses 16 digits; full-width digits and the spaces of the grouped form are accepted.
    pub fn parse(input: &str) -> Result<Self, RegNumError> {
        let s = text::compact(input);
        if s.is_empty() {
            return Err(RegNumError::Empty);
        }
        if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegNumError::Format);
        }
        let year: u16 = s[..4].parse().map_err(|_| RegNumError::Format)?;
        let serial: u32 = s[10..].parse().map_err(|_| RegNumError::Format)?;
        Self::new(year, &s[4..10], serial)
    }

    /// Builds a number from its parts (e.g. when the database hands out the next serial).
    pub fn new(year: u16, office_code: &str, serial: u32) -> Result<Self, RegNumError> {
        if !YEARS.contains(&year) {
            return Err(RegNumError::Year(year));
        }
        let office = check_office(office_code)?;
        match serial {
            0 => Err(RegNumError::ZeroSerial),
            s if s > MAX_SERIAL => Err(RegNumError::SerialTooLarge(s)),
            _ => Ok(Self {
                year,
                office,
                serial,
            }),
        }
    }

    /// Registration year (digits 1–4).
    pub fn year(&self) -> u16 {
        self.year
    }

    /// Registering office code `PPCCNN` (digits 5–10).
    pub fn office_code(&self) -> String {
        String::from_utf8_lossy(&self.office).into_owned()
    }

    /// Serial within office and year (digits 11–16).
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// The 4 | 4 | 2 | 6 form printed on the contract cover ("2016 4403 01 000123").
    pub fn grouped(&self) -> String {
        let office = self.office_code();
        format!(
            "{} {} {} {:06}",
            self.year,
            &office[..4],
            &office[4..],
            self.serial
        )
    }
}

/// A stored number as people read it, grouped `YYYY PPCC NN SSSSSS`; anything that is not a
/// registration number is shown as it is.
pub fn grouped_text(stored: &str) -> String {
    RegistrationNumber::parse(stored)
        .map(|n| n.grouped())
        .unwrap_or_else(|_| stored.to_owned())
}

impl FromStr for RegistrationNumber {
    type Err = RegNumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for RegistrationNumber {
    /// The 16 digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{:06}", self.year, self.office_code(), self.serial)
    }
}

impl fmt::Debug for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegistrationNumber({self})")
    }
}

impl Serialize for RegistrationNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RegistrationNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        let n = RegistrationNumber::parse("2016440301000123").expect("valid");
        assert_eq!(n.year(), 2016);
        assert_eq!(n.office_code(), "440301");
        assert_eq!(n.serial(), 123);
        assert_eq!(n.to_string(), "2016440301000123");
        assert_eq!(n.grouped(), "2016 4403 01 000123");
        assert_eq!(grouped_text("2016440301000123"), "2016 4403 01 000123");
        assert_eq!(grouped_text("12345"), "12345");
        assert_eq!(RegistrationNumber::parse(&n.grouped()), Ok(n));
        assert_eq!(
            RegistrationNumber::parse("２０１６４４０３０１０００１２３"),
            Ok(n)
        );
        assert_eq!(RegistrationNumber::new(2016, "440301", 123), Ok(n));
        let corps = RegistrationNumber::new(2016, "660101", 7).expect("兵团 office");
        assert_eq!(corps.to_string(), "2016660101000007");
        assert_eq!(
            "2016110001999999"
                .parse::<RegistrationNumber>()
                .map(|r| r.serial()),
            Ok(MAX_SERIAL)
        );
        let later = RegistrationNumber::new(2016, "440301", 124).expect("valid");
        assert!(n < later);
    }

    #[test]
    fn errors() {
        assert_eq!(RegistrationNumber::parse(" "), Err(RegNumError::Empty));
        assert_eq!(
            RegistrationNumber::parse("201644030100012"),
            Err(RegNumError::Format)
        );
        assert_eq!(
            RegistrationNumber::parse("20164403010001a3"),
            Err(RegNumError::Format)
        );
        assert_eq!(
            RegistrationNumber::parse("1999440301000123"),
            Err(RegNumError::Year(1999))
        );
        assert_eq!(
            RegistrationNumber::parse("2016990301000123"),
            Err(RegNumError::Office("990301".into()))
        );
        assert_eq!(
            RegistrationNumber::parse("2016440300000123"),
            Err(RegNumError::Office("440300".into()))
        );
        assert_eq!(
            RegistrationNumber::parse("2016440301000000"),
            Err(RegNumError::ZeroSerial)
        );
        assert_eq!(
            RegistrationNumber::new(2016, "440301", 1_000_000),
            Err(RegNumError::SerialTooLarge(1_000_000))
        );
        assert_eq!(
            RegistrationNumber::new(2016, "4403", 1),
            Err(RegNumError::Office("4403".into()))
        );
        assert_eq!(
            RegistrationNumber::new(2100, "440301", 1),
            Err(RegNumError::Year(2100))
        );
        assert_eq!(
            RegNumError::ZeroSerial.to_string(),
            "合同登记编号的流水号不能为 000000"
        );
    }
}
