//! Reading the registered contracts the national statistics count: only the columns the
//! tables need, one year at a time, streamed into `stats::YearFacts` without keeping the rows.

use chrono::NaiveDate;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Date, Text};
use smallstr::SmallString;

use super::DbConn;
use super::multi_connection_impl::{MultiBackend, MultiRawValue};
use super::schema::contracts;
use crate::domain::status;
use crate::stats::{ContractCodes, YearFacts};

/// Which registered contracts a statistic counts: all, or those of one authority, or those
/// registered within a range of dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub authority: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Scope {
    pub fn national() -> Scope {
        Scope::default()
    }

    pub fn is_national(&self) -> bool {
        *self == Scope::default()
    }
}

fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// The text columns a statistic reads, in the order of the generated column `stats_codes`
/// that joins them (migration `2026-12-03-000001_statistics_codes`, kept in the covering index
/// `contracts_by_registration`; see [`PackedRow`]). The seller's name is last since it is the
/// only free text.
const PACKED_COLUMNS: [&str; 15] = [
    "registration_number",
    "office_code",
    "category_code",
    "ip_code",
    "tech_field_code",
    "objective_code",
    "plan_code",
    "seller_nature_code",
    "buyer_nature_code",
    "seller_country_code",
    "seller_admin_code",
    "buyer_country_code",
    "buyer_admin_code",
    "seller_uscc",
    "seller_name",
];

/// Separates the packed columns (U+001F): control characters never survive the input checks.
const SEPARATOR: u8 = 0x1f;

/// The generated column (not in `schema.rs`: nothing writes it, only this scan reads it).
const PACKED: &str = "stats_codes";

/// A text held inline: one contract's text columns packed into one value (decoding a row
/// costs one text field instead of fifteen), or a single code; no allocation for any but
/// unusually long rows.
#[derive(Debug, diesel::deserialize::FromSqlRow)]
struct PackedRow(SmallString<[u8; 192]>);

impl FromSql<Text, diesel::sqlite::Sqlite> for PackedRow {
    fn from_sql(
        mut value: <diesel::sqlite::Sqlite as Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        Ok(PackedRow(SmallString::from_str(value.read_text())))
    }
}

impl FromSql<Text, diesel::pg::Pg> for PackedRow {
    fn from_sql(value: <diesel::pg::Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(PackedRow(SmallString::from_str(std::str::from_utf8(
            value.as_bytes(),
        )?)))
    }
}

impl FromSql<Text, MultiBackend> for PackedRow {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Text>()
    }
}

/// A registration date read without a general date parser: SQLite keeps it as `YYYY-MM-DD`
/// text, read here by position (anything else goes through diesel's own parser).
#[derive(Debug, diesel::deserialize::FromSqlRow)]
struct RegistrationDay(NaiveDate);

impl FromSql<Date, diesel::sqlite::Sqlite> for RegistrationDay {
    fn from_sql(
        mut value: <diesel::sqlite::Sqlite as Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        let quick = {
            let t = value.read_text().as_bytes();
            let digits = |r: std::ops::Range<usize>| {
                t.get(r)
                    .filter(|d| d.iter().all(u8::is_ascii_digit))
                    .map(|d| d.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0')))
            };
            match (t.len(), t.get(4), t.get(7)) {
                (10, Some(b'-'), Some(b'-')) => match (digits(0..4), digits(5..7), digits(8..10)) {
                    (Some(y), Some(m), Some(d)) => i32::try_from(y)
                        .ok()
                        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
                    _ => None,
                },
                _ => None,
            }
        };
        match quick {
            Some(day) => Ok(RegistrationDay(day)),
            None => <NaiveDate as FromSql<Date, diesel::sqlite::Sqlite>>::from_sql(value)
                .map(RegistrationDay),
        }
    }
}

impl FromSql<Date, diesel::pg::Pg> for RegistrationDay {
    fn from_sql(value: <diesel::pg::Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDate as FromSql<Date, diesel::pg::Pg>>::from_sql(value).map(RegistrationDay)
    }
}

impl FromSql<Date, MultiBackend> for RegistrationDay {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Date>()
    }
}

impl PackedRow {
    /// The contract's codes, borrowed from the row.
    fn codes(
        &self,
        registered_on: Option<NaiveDate>,
        total_fen: Option<i64>,
    ) -> deserialize::Result<ContractCodes<'_>> {
        let mut rest = self.0.as_str();
        let mut taken = 0;
        // The separator is one ASCII byte, so every cut falls on a character boundary; the
        // last column takes the rest.
        let mut next = || {
            taken += 1;
            let end = if taken == PACKED_COLUMNS.len() {
                rest.len()
            } else {
                rest.bytes()
                    .position(|b| b == SEPARATOR)
                    .ok_or("a counted contract's columns are incomplete")?
            };
            let (part, after) = rest.split_at(end);
            rest = after.get(1..).unwrap_or("");
            Ok::<_, &str>(part)
        };
        Ok(ContractCodes {
            registered_on,
            registration_number: next()?,
            office_code: next()?,
            total_fen: total_fen.unwrap_or(0),
            category_code: next()?,
            ip_code: next()?,
            tech_field_code: next()?,
            objective_code: next()?,
            plan_code: next()?,
            seller_nature_code: next()?,
            buyer_nature_code: next()?,
            seller_country_code: next()?,
            seller_admin_code: next()?,
            buyer_country_code: next()?,
            buyer_admin_code: next()?,
            seller_uscc: next()?,
            seller_name: next()?,
        })
    }
}

/// The contracts counted in `year` within `scope`, reduced. One unordered scan: the reduction
/// keeps each seller's latest contract itself.
pub fn year_facts(conn: &mut DbConn, year: i32, scope: &Scope) -> QueryResult<YearFacts> {
    let mut facts = YearFacts::new(year);
    let Some((first, last)) = year_bounds(year) else {
        return Ok(facts);
    };
    let from = scope.from.map_or(first, |d| d.max(first));
    let to = scope.to.map_or(last, |d| d.min(last));
    let mut q = contracts::table
        .filter(contracts::status.eq_any(status::COUNTED))
        .filter(contracts::registered_on.ge(from))
        .filter(contracts::registered_on.le(to))
        .into_boxed::<MultiBackend>();
    if let Some(a) = &scope.authority {
        q = q.filter(contracts::authority_code.eq(a.clone()));
    }
    let rows = q
        .select((
            sql::<Text>(PACKED),
            contracts::registered_on,
            contracts::total_fen,
        ))
        .load_iter::<(PackedRow, Option<RegistrationDay>, Option<i64>), diesel::connection::DefaultLoadingMode>(
            conn,
        )?;
    for row in rows {
        let (packed, registered_on, total_fen) = row?;
        let codes = packed
            .codes(registered_on.map(|d| d.0), total_fen)
            .map_err(diesel::result::Error::DeserializationError)?;
        facts.push(&codes);
    }
    Ok(facts)
}

/// Per registration year and contract category code: contracts counted and their 成交额 in
/// fen, for the years `from..=to` (the year series of 附表1, 附表2 and 表1-1), of one
/// authority or all. Summed here rather than by `GROUP BY`, which would sort each year's rows
/// first: a year has only a few dozen distinct codes, each read inline.
pub fn category_totals(
    conn: &mut DbConn,
    from: i32,
    to: i32,
    authority: Option<&str>,
) -> QueryResult<Vec<(i32, String, i64, i128)>> {
    let mut out = Vec::new();
    for year in from..=to {
        let Some((first, last)) = year_bounds(year) else {
            continue;
        };
        let mut q = contracts::table
            .filter(contracts::status.eq_any(status::COUNTED))
            .filter(contracts::registered_on.ge(first))
            .filter(contracts::registered_on.le(last))
            .into_boxed::<MultiBackend>();
        if let Some(a) = authority {
            q = q.filter(contracts::authority_code.eq(a.to_owned()));
        }
        let rows = q
            .select((contracts::category_code, contracts::total_fen))
            .load_iter::<(PackedRow, Option<i64>), diesel::connection::DefaultLoadingMode>(
            conn,
        )?;
        let mut totals: Vec<(PackedRow, i64, i128)> = Vec::new();
        for row in rows {
            let (code, fen) = row?;
            let fen = i128::from(fen.unwrap_or(0));
            match totals.iter_mut().find(|(c, _, _)| c.0 == code.0) {
                Some((_, n, f)) => {
                    *n += 1;
                    *f += fen;
                }
                None => totals.push((code, 1, fen)),
            }
        }
        totals.sort_by(|a, b| a.0.0.cmp(&b.0.0));
        out.extend(
            totals
                .into_iter()
                .map(|(c, n, f)| (year, c.0.as_str().to_owned(), n, f)),
        );
    }
    Ok(out)
}

/// The registration years that have counted contracts, ascending.
pub fn years(conn: &mut DbConn) -> QueryResult<Vec<i32>> {
    use chrono::Datelike;
    let days: Vec<Option<NaiveDate>> = contracts::table
        .filter(contracts::status.eq_any(status::COUNTED))
        .select(contracts::registered_on)
        .distinct()
        .load(conn)?;
    let mut years: Vec<i32> = days.into_iter().flatten().map(|d| d.year()).collect();
    years.sort_unstable();
    years.dedup();
    Ok(years)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(parts: &[&str]) -> PackedRow {
        let sep = char::from(SEPARATOR).to_string();
        PackedRow(SmallString::from_str(&parts.join(&sep)))
    }

    #[test]
    fn a_packed_row_splits_into_its_columns() {
        let mut parts: Vec<&str> = PACKED_COLUMNS.to_vec();
        // The seller's name is the only free text, and last: it keeps whatever it holds.
        parts[PACKED_COLUMNS.len() - 1] = "甲|乙 'x' 公司";
        let row = packed(&parts);
        let day = NaiveDate::from_ymd_opt(2016, 5, 4);
        let c = row.codes(day, Some(12_300)).expect("complete");
        assert_eq!(c.registered_on, day);
        assert_eq!(c.total_fen, 12_300);
        assert_eq!(c.registration_number, "registration_number");
        assert_eq!(c.office_code, "office_code");
        assert_eq!(c.category_code, "category_code");
        assert_eq!(c.plan_code, "plan_code");
        assert_eq!(c.seller_nature_code, "seller_nature_code");
        assert_eq!(c.buyer_nature_code, "buyer_nature_code");
        assert_eq!(c.seller_admin_code, "seller_admin_code");
        assert_eq!(c.buyer_admin_code, "buyer_admin_code");
        assert_eq!(c.seller_uscc, "seller_uscc");
        assert_eq!(c.seller_name, "甲|乙 'x' 公司");
        // Empty columns stay in their place.
        let empty = packed(&[""; PACKED_COLUMNS.len()]);
        let c = empty.codes(None, None).expect("complete");
        assert_eq!((c.office_code, c.seller_name, c.total_fen), ("", "", 0));
    }

    #[test]
    fn a_row_missing_columns_is_an_error_not_a_shifted_contract() {
        let row = packed(&PACKED_COLUMNS[..PACKED_COLUMNS.len() - 2]);
        assert!(row.codes(None, None).is_err());
    }

    /// Each backend's migration joins exactly [`PACKED_COLUMNS`], in order, with the separator
    /// (the nullable registration number coalesced so that it keeps its place).
    #[test]
    fn the_generated_column_joins_every_column_once_in_order() {
        for (sql, sep) in [
            (
                include_str!("../../migrations/sqlite/2026-12-03-000001_statistics_codes/up.sql"),
                "char(31)",
            ),
            (
                include_str!("../../migrations/postgres/2026-12-03-000001_statistics_codes/up.sql"),
                "chr(31)",
            ),
        ] {
            let body = sql
                .split_once("GENERATED ALWAYS AS (")
                .and_then(|(_, rest)| rest.split_once("\n)"))
                .map(|(expr, _)| expr)
                .expect("the generated column");
            let named: Vec<String> = body
                .split(&format!("|| {sep} ||"))
                .map(|part| part.trim().to_owned())
                .collect();
            let mut want: Vec<String> = PACKED_COLUMNS.iter().map(|c| c.to_string()).collect();
            want[0] = "COALESCE(registration_number, '')".to_owned();
            assert_eq!(named, want, "{sql}");
        }
    }
}
