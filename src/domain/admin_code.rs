//! 6-digit administrative division code (GB/T 2260), domain.md §4.5.
//!
//! Structure `PP CC XX`: `PP` a province, `CC` 00 (province itself), 01–70 (prefecture) or 90
//! (directly administered counties), `XX` 00 (the prefecture itself) or 01–99 (county level).
//! A structurally valid code must also be in the bundled, dated division table.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::catalog::region::{self, Level};
use crate::domain::text;

/// The province prefixes GB/T 2260 uses (mainland, 台湾, 香港, 澳门).
pub const PROVINCE_PREFIXES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// Whether `pp` (2 digits) is a GB/T 2260 province prefix.
pub fn is_province_prefix(pp: &str) -> bool {
    PROVINCE_PREFIXES.contains(&pp)
}

/// Why a string is not a usable admin code (messages shown next to the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminCodeError {
    /// Nothing was entered.
    #[error("请填写行政区划代码")]
    Empty,
    /// Not six ASCII digits (after folding full-width digits).
    #[error("行政区划代码应为 6 位数字")]
    Format,
    /// `PP` is not a province.
    #[error("行政区划代码 {0} 的前两位不是省级代码")]
    Province(String),
    /// `CC`/`XX` break the GB/T 2260 structure.
    #[error("行政区划代码 {0} 的结构不符合 GB/T 2260")]
    Structure(String),
    /// Well-formed but not in the division table.
    #[error("行政区划代码 {0} 不存在")]
    NotFound(String),
}

/// A GB/T 2260 code that is well-formed (and, unless made by `parse_structure`, catalogued).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AdminCode([u8; 6]);

impl AdminCode {
    /// Parses and checks membership in the newest bundled edition.
    pub fn parse(input: &str) -> Result<Self, AdminCodeError> {
        let code = Self::parse_structure(input)?;
        if code.is_current() {
            Ok(code)
        } else {
            Err(AdminCodeError::NotFound(code.as_str().to_owned()))
        }
    }

    /// Parses and checks membership in the edition in force on `date` (e.g. the signing date).
    pub fn parse_on(input: &str, date: NaiveDate) -> Result<Self, AdminCodeError> {
        let code = Self::parse_structure(input)?;
        if region::exists_on(code.as_str(), date) {
            Ok(code)
        } else {
            Err(AdminCodeError::NotFound(code.as_str().to_owned()))
        }
    }

    /// Checks the structure only: for historical records whose code may have been abolished.
    pub fn parse_structure(input: &str) -> Result<Self, AdminCodeError> {
        let s = text::compact(input);
        if s.is_empty() {
            return Err(AdminCodeError::Empty);
        }
        let bytes: [u8; 6] = s
            .as_bytes()
            .try_into()
            .map_err(|_| AdminCodeError::Format)?;
        if !bytes.iter().all(u8::is_ascii_digit) {
            return Err(AdminCodeError::Format);
        }
        if !is_province_prefix(&s[..2]) {
            return Err(AdminCodeError::Province(s));
        }
        let cc = &s[2..4];
        let xx = &s[4..];
        let cc_ok = cc == "00" || ("01".."71").contains(&cc) || cc == "90";
        if !cc_ok || (cc == "00" && xx != "00") {
            return Err(AdminCodeError::Structure(s));
        }
        Ok(Self(bytes))
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("admin codes are ASCII digits")
    }

    /// Province, prefecture or county level, from the code's shape.
    pub fn level(&self) -> Level {
        match (&self.0[2..4], &self.0[4..]) {
            (b"00", _) => Level::Province,
            (_, b"00") => Level::Prefecture,
            _ => Level::County,
        }
    }

    /// The province (`PP0000`).
    pub fn province(&self) -> AdminCode {
        let mut b = self.0;
        b[2..].copy_from_slice(b"0000");
        AdminCode(b)
    }

    /// The prefecture (`PPCC00`); `None` for a province-level code.
    pub fn prefecture(&self) -> Option<AdminCode> {
        if self.level() == Level::Province {
            return None;
        }
        let mut b = self.0;
        b[4..].copy_from_slice(b"00");
        Some(AdminCode(b))
    }

    /// Whether the code is in the newest bundled edition.
    pub fn is_current(&self) -> bool {
        region::exists(self.as_str())
    }

    /// Name in the newest edition (e.g. 海淀区); `None` if no longer catalogued.
    pub fn name(&self) -> Option<&'static str> {
        region::name(self.as_str())
    }

    /// Full name from the province down (e.g. 北京市海淀区); `None` if no longer catalogued.
    pub fn full_name(&self) -> Option<String> {
        region::full_name(self.as_str())
    }
}

impl FromStr for AdminCode {
    type Err = AdminCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for AdminCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AdminCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AdminCode({})", self.as_str())
    }
}

impl Serialize for AdminCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_navigates() {
        let c = AdminCode::parse("440305").expect("南山区");
        assert_eq!(c.name(), Some("南山区"));
        assert_eq!(c.level(), Level::County);
        assert_eq!(c.province().as_str(), "440000");
        assert_eq!(c.province().name(), Some("广东省"));
        assert_eq!(
            c.prefecture().map(|p| p.to_string()).as_deref(),
            Some("440300")
        );
        assert_eq!(c.full_name().as_deref(), Some("广东省深圳市南山区"));
        let p = AdminCode::parse("４４００００").expect("full-width digits");
        assert_eq!((p.level(), p.prefecture()), (Level::Province, None));
        assert_eq!(
            AdminCode::parse(" 440300 ").map(|c| c.level()),
            Ok(Level::Prefecture)
        );
        assert!(AdminCode::parse("810000").is_ok());
        assert!(AdminCode::parse("429004").is_ok());
        assert_eq!(
            "110108".parse::<AdminCode>().map(|c| c.name()),
            Ok(Some("海淀区"))
        );
    }

    #[test]
    fn errors() {
        assert_eq!(AdminCode::parse(""), Err(AdminCodeError::Empty));
        assert_eq!(AdminCode::parse("44030"), Err(AdminCodeError::Format));
        assert_eq!(AdminCode::parse("44030a"), Err(AdminCodeError::Format));
        assert_eq!(
            AdminCode::parse("一二三四五六"),
            Err(AdminCodeError::Format)
        );
        assert_eq!(
            AdminCode::parse("990000"),
            Err(AdminCodeError::Province("990000".into()))
        );
        assert_eq!(
            AdminCode::parse("440001"),
            Err(AdminCodeError::Structure("440001".into()))
        );
        assert_eq!(
            AdminCode::parse("448001"),
            Err(AdminCodeError::Structure("448001".into()))
        );
        let gone = AdminCode::parse("110103").expect_err("崇文区 was abolished");
        assert_eq!(gone, AdminCodeError::NotFound("110103".into()));
        assert_eq!(gone.to_string(), "行政区划代码 110103 不存在");
        assert_eq!(
            AdminCodeError::Format.to_string(),
            "行政区划代码应为 6 位数字"
        );
        // Structure-only parsing keeps abolished codes for historical records.
        let old = AdminCode::parse_structure("110103").expect("well-formed");
        assert!(!old.is_current());
        assert_eq!(old.name(), None);
    }

    #[test]
    fn dated_parse() {
        let d = NaiveDate::from_ymd_opt(2016, 5, 1).expect("date");
        assert!(AdminCode::parse_on("440305", d).is_ok());
        assert!(matches!(
            AdminCode::parse_on("110103", d),
            Err(AdminCodeError::NotFound(_))
        ));
    }

    #[test]
    fn every_catalogued_code_is_well_formed() {
        for d in region::all() {
            let parsed = AdminCode::parse(d.code).expect("catalogued code parses");
            assert_eq!(parsed.level(), d.level, "{}", d.code);
        }
    }
}
