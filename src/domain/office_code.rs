//! `OfficeCode`: the 6-digit `PPCCNN` code of a registration office.

use std::fmt;

use crate::catalog::authority::{self, Authority};
use crate::domain::text;

/// A registration office code: area `PPCC` + office number `NN` (01–99).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OfficeCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeCodeError {
    #[error("登记机构代码应为 6 位数字")]
    Format,
    #[error("登记机构代码的省级代码 {0} 不存在")]
    UnknownProvince(String),
    #[error("登记机构代码的末两位（机构序号）应为 01–99")]
    ZeroNumber,
}

impl OfficeCode {
    pub fn parse(input: &str) -> Result<Self, OfficeCodeError> {
        // Codes are typed with full-width digits or grouped with spaces, like every other code.
        let s = text::compact(input);
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OfficeCodeError::Format);
        }
        if authority::find(&format!("{}0000", &s[0..2])).is_none() {
            return Err(OfficeCodeError::UnknownProvince(s[0..2].to_owned()));
        }
        if &s[4..6] == "00" {
            return Err(OfficeCodeError::ZeroNumber);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The office's area: `PPCC00` when `CC ≠ 00`, else the province `PP0000`.
    pub fn area_code(&self) -> String {
        format!("{}00", &self.0[0..4])
    }

    /// The authority this code's area belongs to by default (the 计划单列市 for its areas).
    pub fn default_authority(&self) -> Option<&'static Authority> {
        authority::for_area(&self.area_code())
    }

    /// Whether an office with this code may report to `authority`: only to the authority of
    /// its area (a 计划单列市's areas belong to the city, not to its province; `66` to the 兵团).
    pub fn fits_authority(&self, authority: &Authority) -> bool {
        self.default_authority()
            .is_some_and(|a| a.code == authority.code)
    }
}

impl fmt::Display for OfficeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_office_codes() {
        let c = OfficeCode::parse(" 440301 ").unwrap();
        assert_eq!(c.area_code(), "440300");
        assert_eq!(c.default_authority().map(|a| a.code), Some("440300"));
        let p = OfficeCode::parse("110001").unwrap();
        assert_eq!(p.area_code(), "110000");
        assert_eq!(
            OfficeCode::parse("４４０１０１").unwrap().as_str(),
            "440101"
        );
        assert_eq!(
            OfficeCode::parse("4401\u{3000}01").unwrap().as_str(),
            "440101",
            "grouped as 4401 01, with an ideographic space"
        );
        assert_eq!(
            OfficeCode::parse("660101")
                .unwrap()
                .default_authority()
                .map(|a| a.code),
            Some("660000")
        );
    }

    #[test]
    fn rejects_malformed_codes() {
        assert_eq!(OfficeCode::parse("44010"), Err(OfficeCodeError::Format));
        assert_eq!(OfficeCode::parse("44010a"), Err(OfficeCodeError::Format));
        assert_eq!(
            OfficeCode::parse("990101"),
            Err(OfficeCodeError::UnknownProvince("99".into()))
        );
        assert_eq!(
            OfficeCode::parse("440100"),
            Err(OfficeCodeError::ZeroNumber)
        );
    }

    #[test]
    fn offices_fit_only_their_authority() {
        let sz = authority::find("440300").unwrap();
        let gd = authority::find("440000").unwrap();
        assert!(OfficeCode::parse("440301").unwrap().fits_authority(sz));
        assert!(!OfficeCode::parse("440101").unwrap().fits_authority(sz));
        assert!(OfficeCode::parse("440101").unwrap().fits_authority(gd));
        assert!(
            !OfficeCode::parse("440301").unwrap().fits_authority(gd),
            "深圳's areas belong to 深圳"
        );
        assert!(!OfficeCode::parse("450101").unwrap().fits_authority(gd));
        let corps = authority::find("660000").unwrap();
        assert!(OfficeCode::parse("660101").unwrap().fits_authority(corps));
        assert!(!OfficeCode::parse("650101").unwrap().fits_authority(corps));
    }
}
