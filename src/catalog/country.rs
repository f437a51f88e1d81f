//! 国别代码: customs 3-digit country (region) codes (domain.md §3.3).
//!
//! Only the common codes are listed; they are to be checked against the customs table
//! 《国别(地区)统计代码》 before relying on the labels. Any well-formed 3-digit code buckets as
//! 国外 unless it is 中国 or 港澳台.

/// A country or region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// Three-digit code, zero-padded.
    pub code: &'static str,
    /// zh label.
    pub label: &'static str,
}

/// Where a party lies for the national statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// Mainland China (142): needs a 6-digit admin code.
    Domestic,
    /// 香港, 澳门, 台湾 (110, 121, 143): the 港澳台 bucket.
    HkMoTw,
    /// Any other country: the 国外 bucket.
    Abroad,
}

/// The code of 中国 (mainland).
pub const CHINA: &str = "142";
/// The code of 中国香港.
pub const HONG_KONG: &str = "110";
/// The code of 中国澳门.
pub const MACAO: &str = "121";
/// The code of 中国台湾.
pub const TAIWAN: &str = "143";

const fn entry(code: &'static str, label: &'static str) -> Country {
    Country { code, label }
}

/// Listed countries, 中国 and 港澳台 first, then code order.
pub const ALL: &[Country] = &[
    entry("142", "中国"),
    entry("110", "中国香港"),
    entry("121", "中国澳门"),
    entry("143", "中国台湾"),
    entry("116", "日本"),
    entry("132", "新加坡"),
    entry("133", "韩国"),
    entry("303", "英国"),
    entry("304", "德国"),
    entry("305", "法国"),
    entry("307", "意大利"),
    entry("309", "荷兰"),
    entry("330", "瑞典"),
    entry("331", "瑞士"),
    entry("344", "俄罗斯联邦"),
    entry("501", "加拿大"),
    entry("502", "美国"),
    entry("601", "澳大利亚"),
    entry("609", "新西兰"),
    entry("701", "国(地)别不详"),
];

/// The listed country with code `code`.
pub fn get(code: &str) -> Option<&'static Country> {
    ALL.iter().find(|c| c.code == code)
}

/// Whether `code` has the shape of a customs code (exactly 3 ASCII digits).
pub fn is_well_formed(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The statistics bucket of a code; `None` when it is not 3 digits.
pub fn bucket(code: &str) -> Option<Bucket> {
    if !is_well_formed(code) {
        return None;
    }
    Some(match code {
        CHINA => Bucket::Domestic,
        HONG_KONG | MACAO | TAIWAN => Bucket::HkMoTw,
        _ => Bucket::Abroad,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets() {
        assert_eq!(bucket("142"), Some(Bucket::Domestic));
        assert_eq!(bucket("110"), Some(Bucket::HkMoTw));
        assert_eq!(bucket("121"), Some(Bucket::HkMoTw));
        assert_eq!(bucket("143"), Some(Bucket::HkMoTw));
        assert_eq!(bucket("502"), Some(Bucket::Abroad));
        assert_eq!(bucket("999"), Some(Bucket::Abroad));
        assert_eq!(bucket("42"), None);
        assert_eq!(bucket("1420"), None);
        assert_eq!(bucket("14a"), None);
    }

    #[test]
    fn lookups() {
        assert_eq!(get("142").map(|c| c.label), Some("中国"));
        assert_eq!(get("502").map(|c| c.label), Some("美国"));
        assert!(get("999").is_none());
        let mut codes: Vec<&str> = ALL.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len());
    }
}
