//! Money in integer fen, parsed from 元 as clerks type it, shown in 元 / 万元 / 亿元.
//!
//! All rounding is half away from zero on exact integers (no floating point), so national
//! tables computed from fen never drift.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Serialize};

use crate::domain::text;

/// Amounts must stay below 1,000 亿元 (10^13 fen).
pub const MAX_FEN: i64 = 10_000_000_000_000;

/// Aggregates (a year's national figures, R&D expenditure) must stay below 1,000,000 亿元
/// (100 万亿元, 10^16 fen): a hundred times today's national figures, far inside an i64.
pub const MAX_AGGREGATE_FEN: i64 = 10_000_000_000_000_000;

/// An amount in fen (1 元 = 100 fen).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

/// Why a string is not an amount (messages shown next to the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing was entered.
    #[error("请填写金额")]
    Empty,
    /// A minus sign.
    #[error("金额不能为负数")]
    Negative,
    /// Not a number.
    #[error("金额格式不正确，应为数字（单位：元），如 12500.50")]
    Invalid,
    /// Thousands separators in the wrong places.
    #[error("千位分隔符位置不正确")]
    Grouping,
    /// More than two decimals.
    #[error("金额最多两位小数")]
    TooManyDecimals,
    /// 1,000 亿元 or more.
    #[error("金额过大")]
    TooLarge,
}

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// An amount of `fen` fen.
    pub const fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    /// The amount in fen.
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Sum that returns `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Parses 元 as typed: `12500`, `12500.5`, `12,500.50`, full-width digits, spaces around.
    pub fn parse_yuan(input: &str) -> Result<Self, MoneyError> {
        parse_scaled(input, 2, MAX_FEN).map(Money)
    }

    /// Parses 亿元 as the national tables and history files give them (`15676.7`,
    /// `0.0000000001`): up to 10 decimals, which is exactly fen (1 亿元 = 10^10 fen), read as
    /// a decimal string so nothing is lost to binary fractions. Below [`MAX_AGGREGATE_FEN`].
    pub fn parse_yi_yuan(input: &str) -> Result<Self, MoneyError> {
        parse_scaled(input, 10, MAX_AGGREGATE_FEN).map(Money)
    }

    /// 元 with 2 decimals and no grouping, as the CSV files write it ("12500000.00").
    pub fn yuan_string(self) -> String {
        format_scaled(i128::from(self.0), 100, 2)
    }

    /// 元 with 2 decimals and thousands separators ("12,500,000.00").
    pub fn yuan_grouped(self) -> String {
        group_decimal(&self.yuan_string())
    }

    /// 万元 rounded half away from zero to `decimals` places (at most 18).
    pub fn wan_yuan(self, decimals: u32) -> String {
        format_scaled(i128::from(self.0), 1_000_000, decimals)
    }

    /// 万元 with 2 decimals and thousands separators ("1,250.00"), for sums read by people.
    pub fn wan_yuan_grouped(self) -> String {
        group_decimal(&self.wan_yuan(2))
    }

    /// 亿元 with 2 decimals, as the national tables print amounts.
    pub fn yi_yuan_2dp(self) -> String {
        format_scaled(i128::from(self.0), 10_000_000_000, 2)
    }

    /// The amount in Chinese capitals as certificates and vouchers write it
    /// ("人民币壹佰贰拾万元整"), by the rules for filling in settlement documents: 壹 before a
    /// leading 拾, one 零 for a run of zeros, 零 before 分 when the 角 is zero, 整 when nothing
    /// follows 元 or 角.
    pub fn capitals(self) -> String {
        capitals::write(self.0)
    }

    /// 亿元 exactly, without trailing zeros ("15676.7", "0.0000000001"): what
    /// [`Money::parse_yi_yuan`] reads back to the same fen.
    pub fn yi_yuan_exact(self) -> String {
        let s = format_scaled(i128::from(self.0), 10_000_000_000, 10);
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Validates the integer part (with optional thousands separators) and returns its digits.
fn parse_int_part(int_part: &str) -> Result<String, MoneyError> {
    if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return Err(MoneyError::Invalid);
    }
    if int_part.contains(',') {
        let mut groups = int_part.split(',');
        let first = groups.next().unwrap_or_default();
        let first_ok = (1..=3).contains(&first.len());
        if !first_ok || groups.any(|g| g.len() != 3) {
            return Err(MoneyError::Grouping);
        }
    }
    Ok(int_part.replace(',', ""))
}

/// A non-negative decimal as typed (see [`Money::parse_yuan`]) in units of 10^-`decimals`,
/// below `limit` units.
fn parse_scaled(input: &str, decimals: usize, limit: i64) -> Result<i64, MoneyError> {
    let s = text::normalise(input);
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    if s.starts_with(['-', '\u{2212}']) {
        return Err(MoneyError::Negative);
    }
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let int_digits = parse_int_part(int_part)?;
    let frac = match frac_part {
        None => 0,
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(MoneyError::Invalid);
        }
        Some(f) if f.len() > decimals => return Err(MoneyError::TooManyDecimals),
        Some(f) => {
            let v: i64 = f.parse().map_err(|_| MoneyError::Invalid)?;
            v * 10i64.pow((decimals - f.len()) as u32)
        }
    };
    let significant = int_digits.trim_start_matches('0');
    // Up to 18 digits in all fit an i64; stop there, before it overflows.
    if significant.len() + decimals > 18 {
        return Err(MoneyError::TooLarge);
    }
    let whole: i64 = if significant.is_empty() {
        0
    } else {
        significant.parse().map_err(|_| MoneyError::Invalid)?
    };
    let units = whole * 10i64.pow(decimals as u32) + frac;
    if units >= limit {
        return Err(MoneyError::TooLarge);
    }
    Ok(units)
}

/// A signed decimal ("-1234.50") with thousands separators in its integer part.
fn group_decimal(plain: &str) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain),
    };
    match rest.split_once('.') {
        Some((int, frac)) => format!("{sign}{}.{frac}", group_thousands(int)),
        None => format!("{sign}{}", group_thousands(rest)),
    }
}

/// A count with thousands separators ("1,234,567").
pub fn grouped_count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group_thousands(&digits))
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n / d` rounded half away from zero (`d` ≠ 0).
fn div_round(n: i128, d: i128) -> i128 {
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d.abs() {
        q + if (n < 0) == (d < 0) { 1 } else { -1 }
    } else {
        q
    }
}

/// `num / den` rounded half away from zero to `decimals` places (capped at 18), ASCII '-'.
fn format_scaled(num: i128, den: i128, decimals: u32) -> String {
    let decimals = decimals.min(18);
    let unit = 10i128.pow(decimals);
    let v = div_round(num * unit, den);
    let sign = if v < 0 { "-" } else { "" };
    let abs = v.unsigned_abs();
    let unit = unit.unsigned_abs();
    if decimals == 0 {
        format!("{sign}{abs}")
    } else {
        format!(
            "{sign}{}.{:0width$}",
            abs / unit,
            abs % unit,
            width = decimals as usize
        )
    }
}

/// `part / whole` in percent with 2 decimals ("27.52"); `None` when `whole` is 0.
pub fn percent_2dp(part: i64, whole: i64) -> Option<String> {
    (whole != 0).then(|| format_scaled(i128::from(part) * 100, i128::from(whole), 2))
}

/// Growth `current / prior − 1` in percent with 2 decimals ("-16.88"); `None` when `prior` is 0.
pub fn growth_2dp(current: i64, prior: i64) -> Option<String> {
    (prior != 0).then(|| {
        let diff = i128::from(current) - i128::from(prior);
        format_scaled(diff * 100, i128::from(prior), 2)
    })
}

/// Average per contract in 万元 with `decimals` places; `None` when `count` is 0.
pub fn average_wan_yuan(total: Money, count: u64, decimals: u32) -> Option<String> {
    (count != 0)
        .then(|| format_scaled(i128::from(total.0), i128::from(count) * 1_000_000, decimals))
}

impl fmt::Display for Money {
    /// Same as `yuan_string`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.yuan_string())
    }
}

impl Add for Money {
    type Output = Money;

    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;

    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

mod capitals;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fen(s: &str) -> Result<i64, MoneyError> {
        Money::parse_yuan(s).map(Money::fen)
    }

    #[test]
    fn parses_typed_amounts() {
        assert_eq!(fen("12500"), Ok(1_250_000));
        assert_eq!(fen("12500.5"), Ok(1_250_050));
        assert_eq!(fen("12,500.50"), Ok(1_250_050));
        assert_eq!(fen("1,234,567.08"), Ok(123_456_708));
        assert_eq!(fen("  １２，５００．５０ "), Ok(1_250_050));
        assert_eq!(fen("\u{3000}0.01"), Ok(1));
        assert_eq!(fen("0"), Ok(0));
        assert_eq!(fen("007.00"), Ok(700));
        assert_eq!(fen("99999999999.99"), Ok(MAX_FEN - 1));
    }

    #[test]
    fn rejects_bad_amounts() {
        assert_eq!(fen(""), Err(MoneyError::Empty));
        assert_eq!(fen("   "), Err(MoneyError::Empty));
        assert_eq!(fen("-5"), Err(MoneyError::Negative));
        assert_eq!(fen("－5"), Err(MoneyError::Negative));
        assert_eq!(fen("1.234"), Err(MoneyError::TooManyDecimals));
        assert_eq!(fen("1.2.3"), Err(MoneyError::Invalid));
        assert_eq!(fen("12a"), Err(MoneyError::Invalid));
        assert_eq!(fen("1e5"), Err(MoneyError::Invalid));
        assert_eq!(fen("12."), Err(MoneyError::Invalid));
        assert_eq!(fen(".5"), Err(MoneyError::Invalid));
        assert_eq!(fen("+5"), Err(MoneyError::Invalid));
        assert_eq!(fen("12 500"), Err(MoneyError::Invalid));
        assert_eq!(fen("一万"), Err(MoneyError::Invalid));
        assert_eq!(fen("1,25,00"), Err(MoneyError::Grouping));
        assert_eq!(fen(",125"), Err(MoneyError::Grouping));
        assert_eq!(fen("1234,567"), Err(MoneyError::Grouping));
        assert_eq!(fen("100000000000"), Err(MoneyError::TooLarge));
        assert_eq!(fen("99999999999999999999999"), Err(MoneyError::TooLarge));
        assert_eq!(MoneyError::TooLarge.to_string(), "金额过大");
        assert_eq!(MoneyError::TooManyDecimals.to_string(), "金额最多两位小数");
    }

    #[test]
    fn parses_yi_yuan_exactly_in_fen() {
        let yi = |s: &str| Money::parse_yi_yuan(s).map(Money::fen);
        // 表1-1: 2016 R&D 15676.7 亿元; 附表1: 11406.98 亿元.
        assert_eq!(yi("15676.7"), Ok(156_767_000_000_000));
        assert_eq!(yi("11406.98"), Ok(114_069_800_000_000));
        assert_eq!(yi("0.0000000001"), Ok(1));
        assert_eq!(yi("0.1234567891"), Ok(1_234_567_891));
        assert_eq!(yi("0"), Ok(0));
        assert_eq!(yi("1"), Ok(10_000_000_000));
        assert_eq!(yi("１５６７６．７"), Ok(156_767_000_000_000));
        assert_eq!(yi("15,676.7"), Ok(156_767_000_000_000));
        assert_eq!(yi("999999.9999999999"), Ok(MAX_AGGREGATE_FEN - 1));
        assert_eq!(yi("1000000"), Err(MoneyError::TooLarge));
        assert_eq!(yi("99999999999999999999"), Err(MoneyError::TooLarge));
        assert_eq!(yi("0.00000000001"), Err(MoneyError::TooManyDecimals));
        assert_eq!(yi("-1"), Err(MoneyError::Negative));
        assert_eq!(yi("1e3"), Err(MoneyError::Invalid));
        assert_eq!(yi("NaN"), Err(MoneyError::Invalid));
        assert_eq!(yi(""), Err(MoneyError::Empty));
        // A value f64 cannot hold exactly comes back to the fen it was.
        assert_eq!(yi("0.3"), Ok(3_000_000_000));
        assert_eq!(yi("9007199.2547409930"), Err(MoneyError::TooLarge));
        assert_eq!(yi("900719.9254740993"), Ok(9_007_199_254_740_993));
        for s in [
            "15676.7",
            "0.0000000001",
            "0",
            "10",
            "11406.98",
            "900719.9254740993",
        ] {
            assert_eq!(Money::from_fen(yi(s).unwrap()).yi_yuan_exact(), s);
        }
    }

    #[test]
    fn displays() {
        let m = Money::from_fen(1_250_000_000);
        assert_eq!(m.yuan_string(), "12500000.00");
        assert_eq!(m.to_string(), "12500000.00");
        assert_eq!(m.yuan_grouped(), "12,500,000.00");
        assert_eq!(Money::from_fen(5).yuan_string(), "0.05");
        assert_eq!(Money::from_fen(123).yuan_grouped(), "1.23");
        assert_eq!(
            Money::from_fen(12_345_678_912_345).wan_yuan_grouped(),
            "12,345,678.91"
        );
        assert_eq!(Money::from_fen(-5_000).wan_yuan_grouped(), "-0.01");
        assert_eq!(grouped_count(1_234_567), "1,234,567");
        assert_eq!(grouped_count(999), "999");
        assert_eq!(grouped_count(-1_000), "-1,000");
        assert_eq!(
            Money::from_fen(-123_456_789).yuan_grouped(),
            "-1,234,567.89"
        );
        assert_eq!(m.wan_yuan(2), "1250.00");
        assert_eq!(Money::from_fen(123_456_789).wan_yuan(1), "123.5");
        assert_eq!(Money::from_fen(123_450_000).wan_yuan(1), "123.5");
        assert_eq!(Money::from_fen(123_449_999).wan_yuan(1), "123.4");
        assert_eq!(Money::from_fen(-123_450_000).wan_yuan(1), "-123.5");
        assert_eq!(Money::from_fen(123_456_789).wan_yuan(0), "123");
        assert_eq!(Money::from_fen(1).wan_yuan(6), "0.000001");
        assert_eq!(
            Money::from_fen(114_069_800_000_000).yi_yuan_2dp(),
            "11406.98"
        );
        assert_eq!(Money::from_fen(50_000_000).yi_yuan_2dp(), "0.01");
        assert_eq!(Money::from_fen(49_999_999).yi_yuan_2dp(), "0.00");
        assert_eq!(Money::from_fen(-49_999_999).yi_yuan_2dp(), "0.00");
    }

    #[test]
    fn arithmetic() {
        let a = Money::from_fen(150);
        let b = Money::from_fen(50);
        assert_eq!(a + b, Money::from_fen(200));
        assert_eq!(a - b, Money::from_fen(100));
        assert_eq!([a, b, b].into_iter().sum::<Money>(), Money::from_fen(250));
        let mut c = Money::ZERO;
        c += a;
        assert_eq!(c, a);
        assert!(Money::ZERO.is_zero());
        assert_eq!(Money::from_fen(i64::MAX).checked_add(a), None);
    }

    #[test]
    fn report_shares_and_growth() {
        // 附表4: 委托开发 3139.04 / 11406.98 亿元; 技术开发 3479.64.
        assert_eq!(percent_2dp(313_904, 1_140_698).as_deref(), Some("27.52"));
        assert_eq!(percent_2dp(347_964, 1_140_698).as_deref(), Some("30.50"));
        // 附表9: 技术开发 2127.63 of the major total 8732.63.
        assert_eq!(percent_2dp(212_763, 873_263).as_deref(), Some("24.36"));
        // 附表5: 外观设计专利 9.50 → 0.08.
        assert_eq!(percent_2dp(950, 1_140_698).as_deref(), Some("0.08"));
        assert_eq!(percent_2dp(1, 0), None);
        assert_eq!(percent_2dp(0, 5).as_deref(), Some("0.00"));
        // 附表13: 北京 amount 3453.89 → 3940.98, count 72306 → 74983.
        assert_eq!(growth_2dp(394_098, 345_389).as_deref(), Some("14.10"));
        assert_eq!(growth_2dp(74_983, 72_306).as_deref(), Some("3.70"));
        // 附表13: 山西 51.2 → 42.56 is exactly −16.875 %, printed −16.88 (half away from zero).
        assert_eq!(growth_2dp(4_256, 5_120).as_deref(), Some("-16.88"));
        // 附表14: 沈阳 count 3032 → 3026.
        assert_eq!(growth_2dp(3_026, 3_032).as_deref(), Some("-0.20"));
        // 附表1/4: national count 307132 → 320437 and amount 9835.79 → 11406.98.
        assert_eq!(growth_2dp(320_437, 307_132).as_deref(), Some("4.33"));
        assert_eq!(growth_2dp(1_140_698, 983_579).as_deref(), Some("15.97"));
        assert_eq!(growth_2dp(5, 0), None);
        assert_eq!(growth_2dp(99_999, 100_000).as_deref(), Some("0.00"));
        assert_eq!(growth_2dp(0, 7).as_deref(), Some("-100.00"));
        // 附表2: 技术服务 2016 average 5851.13 亿元 / 134852 = 433.89 万元.
        let total = Money::from_fen(585_113 * 100_000_000);
        assert_eq!(
            average_wan_yuan(total, 134_852, 2).as_deref(),
            Some("433.89")
        );
        assert_eq!(average_wan_yuan(total, 0, 2), None);
    }

    /// Parses "-12.34" into hundredths.
    fn hundredths(s: &str) -> i128 {
        let neg = s.starts_with('-');
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let v: i128 = digits.parse().expect("digits");
        if neg { -v } else { v }
    }

    proptest! {
        #[test]
        fn yuan_round_trip(f in 0..MAX_FEN) {
            let m = Money::from_fen(f);
            prop_assert_eq!(Money::parse_yuan(&m.yuan_string()), Ok(m));
            prop_assert_eq!(Money::parse_yuan(&m.yuan_grouped()), Ok(m));
        }

        #[test]
        fn yi_yuan_round_trip(f in 0..MAX_AGGREGATE_FEN) {
            let m = Money::from_fen(f);
            prop_assert_eq!(Money::parse_yi_yuan(&m.yi_yuan_exact()), Ok(m));
        }

        #[test]
        fn percent_is_nearest(part in -1_000_000_000i64..1_000_000_000, whole in 1i64..1_000_000_000) {
            let s = percent_2dp(part, whole).expect("whole > 0");
            let h = hundredths(&s);
            // |h/100 − part·100/whole| ≤ 0.005  ⇔  |h·whole − part·10000| · 2 ≤ whole
            let err = (h * i128::from(whole) - i128::from(part) * 10_000).abs();
            prop_assert!(err * 2 <= i128::from(whole), "{} for {}/{}", s, part, whole);
            prop_assert!(s != "-0.00");
        }

        #[test]
        fn growth_is_nearest(current in 0i64..1_000_000_000, prior in 1i64..1_000_000_000) {
            let s = growth_2dp(current, prior).expect("prior > 0");
            let h = hundredths(&s);
            let exact = (i128::from(current) - i128::from(prior)) * 10_000;
            let err = (h * i128::from(prior) - exact).abs();
            prop_assert!(err * 2 <= i128::from(prior), "{} for {}/{}", s, current, prior);
        }
    }
}
