//! Business dates: parsing what clerks type, and "today" in China Standard Time.
//!
//! Accepted forms: `2016-03-05`, `2016/3/5`, `2016.3.5`, `20160305`, `2016年3月5日`, with
//! full-width digits too. Bounds of `parse_date`: not before 1949-10-01 (no contract of this
//! register predates the People's Republic; technology contracts are registered since the
//! 1980s) and not after today + 50 years (long licences run for decades, more is a typo).
//! Rules such as "signing date not in the future" belong to the contract checks.

use chrono::{DateTime, FixedOffset, Months, NaiveDate, Utc};

use crate::domain::text;

/// Earliest date `parse_date` accepts.
pub const MIN_DATE: NaiveDate = NaiveDate::from_ymd_opt(1949, 10, 1).expect("valid date");
/// How far past today `parse_date` accepts a date.
pub const MAX_YEARS_AHEAD: u32 = 50;

/// Why a string is not an acceptable date (messages shown next to the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Nothing was entered.
    #[error("请填写日期")]
    Empty,
    /// Not one of the accepted forms.
    #[error("日期格式应为 YYYY-MM-DD")]
    Format,
    /// A form that reads, but no such day (e.g. 2023-02-30).
    #[error("日期 {year}-{month:02}-{day:02} 不存在")]
    NoSuchDay { year: i32, month: u32, day: u32 },
    /// Before `MIN_DATE`.
    #[error("日期不能早于 1949-10-01")]
    TooEarly,
    /// After today + 50 years.
    #[error("日期不能晚于 {0}")]
    TooLate(NaiveDate),
}

/// The date in China Standard Time (UTC+8, no daylight saving since 1991) at `now_utc`.
pub fn today_cst(now_utc: DateTime<Utc>) -> NaiveDate {
    let cst = FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset");
    now_utc.with_timezone(&cst).date_naive()
}

/// A stored UTC timestamp as Beijing time, `YYYY-MM-DD HH:MM:SS`.
pub fn format_cst(t: chrono::NaiveDateTime) -> String {
    let cst = FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset");
    t.and_utc()
        .with_timezone(&cst)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The latest date `parse_date` accepts when today is `today`.
pub fn latest_allowed(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(12 * MAX_YEARS_AHEAD))
        .unwrap_or(NaiveDate::MAX)
}

/// Parses a date and checks it lies between 1949-10-01 and `today` + 50 years.
pub fn parse_date(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let date = parse_date_unbounded(input)?;
    if date < MIN_DATE {
        return Err(DateError::TooEarly);
    }
    let latest = latest_allowed(today);
    if date > latest {
        return Err(DateError::TooLate(latest));
    }
    Ok(date)
}

/// Parses a date in any accepted form without range checks.
pub fn parse_date_unbounded(input: &str) -> Result<NaiveDate, DateError> {
    let s = text::compact(input);
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    let (y, m, d) = split_parts(&s).ok_or(DateError::Format)?;
    let year: i32 = y.parse().map_err(|_| DateError::Format)?;
    let month: u32 = m.parse().map_err(|_| DateError::Format)?;
    let day: u32 = d.parse().map_err(|_| DateError::Format)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(DateError::Format);
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::NoSuchDay { year, month, day })
}

/// A filter's date: empty is no date; otherwise any form the contract form accepts.
pub fn parse_optional_date(input: &str) -> Result<Option<NaiveDate>, DateError> {
    match parse_date_unbounded(input) {
        Ok(d) => Ok(Some(d)),
        Err(DateError::Empty) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Splits into (4-digit year, 1–2-digit month, 1–2-digit day), all ASCII digits.
fn split_parts(s: &str) -> Option<(&str, &str, &str)> {
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let (y, m, d) = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        (y, m, d)
    } else if s.len() == 8 && all_digits(s) {
        (&s[..4], &s[4..6], &s[6..])
    } else {
        let sep = ['-', '/', '.'].into_iter().find(|c| s.contains(*c))?;
        let mut parts = s.split(sep);
        let parts = (parts.next()?, parts.next()?, parts.next()?, parts.next());
        match parts {
            (y, m, d, None) => (y, m, d),
            _ => return None,
        }
    };
    let ok = y.len() == 4
        && (1..=2).contains(&m.len())
        && (1..=2).contains(&d.len())
        && [y, m, d].into_iter().all(all_digits);
    ok.then_some((y, m, d))
}

/// `YYYY-MM-DD`, the interchange form.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// `2016年3月5日`, the form printed on certificates.
pub fn format_zh(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2017, 3, 1).expect("valid date");

    #[test]
    fn a_filter_date_may_be_empty_but_not_malformed() {
        assert_eq!(parse_optional_date("  "), Ok(None));
        assert_eq!(
            parse_optional_date("2016年4月1日"),
            Ok(Some(ymd(2016, 4, 1)))
        );
        assert_eq!(
            parse_optional_date("2016-02-30"),
            Err(DateError::NoSuchDay {
                year: 2016,
                month: 2,
                day: 30
            })
        );
        assert_eq!(parse_optional_date("4/1"), Err(DateError::Format));
    }

    #[test]
    fn accepted_forms() {
        let d = ymd(2016, 3, 5);
        for s in [
            "2016-03-05",
            "2016-3-5",
            "2016/03/05",
            "2016/3/5",
            "2016.3.5",
            "20160305",
            "2016年3月5日",
            "2016年03月05日",
            " ２０１６－０３－０５ ",
            "２０１６年３月５日",
            "2016 年 3 月 5 日",
        ] {
            assert_eq!(parse_date(s, TODAY), Ok(d), "{s}");
        }
        assert_eq!(format_date(d), "2016-03-05");
        assert_eq!(format_zh(d), "2016年3月5日");
    }

    #[test]
    fn errors() {
        assert_eq!(parse_date("", TODAY), Err(DateError::Empty));
        for s in [
            "2016-03",
            "16-03-05",
            "2016-003-05",
            "2016/03-05",
            "2016-03-05-01",
            "2016年3月5",
            "March 5",
            "2016-13-01",
            "2016-00-10",
            "2016-01-32",
            "201603051",
        ] {
            assert_eq!(parse_date(s, TODAY), Err(DateError::Format), "{s}");
        }
        assert_eq!(
            parse_date("2023-02-29", TODAY),
            Err(DateError::NoSuchDay {
                year: 2023,
                month: 2,
                day: 29
            })
        );
        assert_eq!(
            DateError::NoSuchDay {
                year: 2023,
                month: 2,
                day: 29
            }
            .to_string(),
            "日期 2023-02-29 不存在"
        );
        assert_eq!(parse_date("1949-09-30", TODAY), Err(DateError::TooEarly));
        assert_eq!(parse_date("1949-10-01", TODAY), Ok(MIN_DATE));
        assert_eq!(parse_date("2067-03-01", TODAY), Ok(ymd(2067, 3, 1)));
        let late = parse_date("2067-03-02", TODAY).expect_err("too late");
        assert_eq!(late, DateError::TooLate(ymd(2067, 3, 1)));
        assert_eq!(late.to_string(), "日期不能晚于 2067-03-01");
        assert_eq!(parse_date_unbounded("1900-01-01"), Ok(ymd(1900, 1, 1)));
        assert_eq!(latest_allowed(ymd(2016, 2, 29)), ymd(2066, 2, 28));
    }

    #[test]
    fn china_standard_time() {
        let before = Utc
            .with_ymd_and_hms(2016, 12, 31, 15, 59, 59)
            .single()
            .expect("instant");
        let after = Utc
            .with_ymd_and_hms(2016, 12, 31, 16, 0, 0)
            .single()
            .expect("instant");
        assert_eq!(today_cst(before), ymd(2016, 12, 31));
        assert_eq!(today_cst(after), ymd(2017, 1, 1));
    }
}
