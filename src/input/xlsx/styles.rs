//! Number cells as text: which cell formats show a date (the styles part), Excel's serial dates
//! in the 1900 and 1904 systems, and numbers as a clerk typed them.

use std::collections::HashMap;
use std::io::Read;

use chrono::{Datelike, Days, NaiveDate};
use quick_xml::events::{BytesStart, Event};

use super::package::{Xml, attr, local};
use crate::input::Problem;

/// Whether each cell format (`cellXfs/xf`, by index: a cell's `s`) shows a date.
#[derive(Debug, Default)]
pub(super) struct Styles {
    date: Vec<bool>,
}

impl Styles {
    pub fn is_date(&self, style: u32) -> bool {
        usize::try_from(style)
            .ok()
            .and_then(|s| self.date.get(s))
            .copied()
            .unwrap_or(false)
    }

    /// Reads the custom number formats (`numFmts/numFmt`) and the number format of each
    /// `cellXfs/xf` (not those of `cellStyleXfs`).
    pub fn read<R: Read>(xml: &mut Xml<R>) -> Result<Styles, Problem> {
        let mut custom: HashMap<u32, bool> = HashMap::new();
        let mut formats: Vec<u32> = Vec::new();
        let mut depth = 0usize;
        // Depth of the `<cellXfs>` element while inside it; its `xf` are one below.
        let mut cell_xfs: Option<usize> = None;
        let mut cell_xfs_seen = false;
        loop {
            match xml.next()? {
                Event::Start(e) => {
                    depth += 1;
                    match local(&e) {
                        "cellXfs" if !cell_xfs_seen => {
                            cell_xfs = Some(depth);
                            cell_xfs_seen = true;
                        }
                        "xf" if cell_xfs == Some(depth - 1) => formats.push(format_id(&e)?),
                        "numFmt" => add_format(&mut custom, &e)?,
                        _ => {}
                    }
                }
                Event::Empty(e) => match local(&e) {
                    "xf" if cell_xfs == Some(depth) => formats.push(format_id(&e)?),
                    "numFmt" => add_format(&mut custom, &e)?,
                    _ => {}
                },
                Event::End(_) => {
                    if cell_xfs == Some(depth) {
                        cell_xfs = None;
                    }
                    depth = depth.saturating_sub(1);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let date = formats
            .into_iter()
            .map(|id| {
                custom
                    .get(&id)
                    .copied()
                    .unwrap_or_else(|| builtin_is_date(id))
            })
            .collect();
        Ok(Styles { date })
    }
}

fn format_id(e: &BytesStart<'_>) -> Result<u32, Problem> {
    Ok(attr(e, "numFmtId")?
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0))
}

fn add_format(custom: &mut HashMap<u32, bool>, e: &BytesStart<'_>) -> Result<(), Problem> {
    if let Some(id) = attr(e, "numFmtId")?.and_then(|v| v.trim().parse().ok()) {
        let code = attr(e, "formatCode")?.unwrap_or_default();
        custom.insert(id, is_date_format(&code));
    }
    Ok(())
}

/// The built-in number formats that show a date or time: 14–22, the East Asian dates 27–36
/// and 50–58, and the times 45–47.
fn builtin_is_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a custom format code shows a date or time: a y, m, d, h or s outside quoted text,
/// escaped characters (`\x`, `_x`, `*x`) and `[...]` sections (colour, locale, condition),
/// or an elapsed-time section such as `[h]`.
pub(super) fn is_date_format(code: &str) -> bool {
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                let (mut any, mut elapsed) = (false, true);
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                    any = true;
                    elapsed &= matches!(b, 'h' | 'H' | 'm' | 'M' | 's' | 'S');
                }
                if any && elapsed {
                    return true;
                }
            }
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// The date a serial number shows, as `YYYY-MM-DD` (the time of day left out), or None when it
/// shows none (negative, past 9999-12-31). In the 1900 system serial 1 is 1900-01-01 and 60 is
/// the 1900-02-29 Excel counts for Lotus's sake (shown as such: it is not a date, and the rules
/// say so); 0 shows as 1900-01-00. In the 1904 system serial 0 is 1904-01-01.
pub(super) fn serial_date(serial: f64, date1904: bool) -> Option<String> {
    const MS_PER_DAY: f64 = 86_400_000.0;
    // Past 9999-12-31 in either system; also keeps the conversion below exact.
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    // Excel rounds to the millisecond before it shows a time of day, so 0.99999999 is the next day.
    let days = ((serial * MS_PER_DAY).round() / MS_PER_DAY).floor() as u64;
    let date = if date1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?.checked_add_days(Days::new(days))?
    } else {
        match days {
            0 => return Some("1900-01-00".into()),
            60 => return Some("1900-02-29".into()),
            1..=59 => NaiveDate::from_ymd_opt(1899, 12, 31)?.checked_add_days(Days::new(days))?,
            _ => NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(days))?,
        }
    };
    (date.year() <= 9999).then(|| date.format("%Y-%m-%d").to_string())
}

/// A number cell as text: integers without a fraction, others in their shortest exact form.
pub(super) fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(142.0), "142");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(1250000.5), "1250000.5");
        assert_eq!(number_text(0.1), "0.1");
        assert_eq!(number_text(12500000.0), "12500000");
        assert_eq!(number_text(1e20), "100000000000000000000");
        assert_eq!(number_text(f64::NAN), "NaN");
    }

    #[test]
    fn serial_dates_in_the_1900_system() {
        let d = |s| serial_date(s, false);
        assert_eq!(d(1.0).as_deref(), Some("1900-01-01"));
        assert_eq!(d(59.0).as_deref(), Some("1900-02-28"));
        assert_eq!(d(60.0).as_deref(), Some("1900-02-29"));
        assert_eq!(d(61.0).as_deref(), Some("1900-03-01"));
        assert_eq!(d(0.0).as_deref(), Some("1900-01-00"));
        assert_eq!(d(0.5).as_deref(), Some("1900-01-00"));
        assert_eq!(d(46082.0).as_deref(), Some("2026-03-01"));
        assert_eq!(d(46082.75).as_deref(), Some("2026-03-01"));
        assert_eq!(d(46_082.999_999_999).as_deref(), Some("2026-03-02"));
        assert_eq!(d(2_958_465.0).as_deref(), Some("9999-12-31"));
        assert_eq!(d(2_958_466.0), None);
        assert_eq!(d(-1.0), None);
        assert_eq!(d(f64::NAN), None);
        assert_eq!(d(f64::INFINITY), None);
        assert_eq!(d(1e300), None);
    }

    #[test]
    fn serial_dates_in_the_1904_system() {
        let d = |s| serial_date(s, true);
        assert_eq!(d(0.0).as_deref(), Some("1904-01-01"));
        assert_eq!(d(59.0).as_deref(), Some("1904-02-29"));
        assert_eq!(d(60.0).as_deref(), Some("1904-03-01"));
        assert_eq!(d(44620.0).as_deref(), Some("2026-03-01"));
        assert_eq!(d(2_957_003.0).as_deref(), Some("9999-12-31"));
        assert_eq!(d(2_957_004.0), None);
    }

    #[test]
    fn date_formats_are_recognised() {
        for code in [
            "yyyy-mm-dd",
            "yyyy\"年\"m\"月\"d\"日\"",
            "[$-804]yyyy/m/d",
            "[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\"",
            "m/d/yy h:mm",
            "[h]:mm:ss",
            "[mm]",
            "d-mmm",
            "0.00;[Red]yyyy",
        ] {
            assert!(is_date_format(code), "{code}");
        }
        for code in [
            "General",
            "@",
            "0.00",
            "#,##0.00_);[Red](#,##0.00)",
            "0.00E+00",
            "\"yyyy\"0",
            "0\" 天\"",
            "\\d0",
            "_-* #,##0_-",
            "[Red]0",
            "[$USD]0",
            "[>=100]0",
            "",
        ] {
            assert!(!is_date_format(code), "{code}");
        }
        assert!(builtin_is_date(14) && builtin_is_date(22) && builtin_is_date(31));
        assert!(builtin_is_date(45) && builtin_is_date(58));
        assert!(!builtin_is_date(0) && !builtin_is_date(49) && !builtin_is_date(23));
    }

    #[test]
    fn cell_formats_come_from_cell_xfs() {
        let xml = r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
            <numFmts count="99999999999"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/><numFmt numFmtId="165" formatCode="0.00&quot;元&quot;"/><numFmt numFmtId="14" formatCode="@"/></numFmts>
            <cellStyleXfs count="1"><xf numFmtId="22"/></cellStyleXfs>
            <cellXfs count="99999999999"><xf numFmtId="0" xfId="0"/><xf numFmtId="164"><alignment wrapText="1"/></xf><xf numFmtId="165"/><xf numFmtId="14"/><xf numFmtId="22"/><xf/></cellXfs>
            </styleSheet>"#;
        let styles = Styles::read(&mut Xml::new("xl/styles.xml", xml.as_bytes())).unwrap();
        let dates: Vec<bool> = (0..7).map(|s| styles.is_date(s)).collect();
        // Custom 14 is redefined as text; `cellStyleXfs` does not count.
        assert_eq!(dates, [false, true, false, false, true, false, false]);
        assert!(!styles.is_date(u32::MAX));
    }
}
