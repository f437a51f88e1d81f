//! Reading the registered contracts the national statistics count: only the columns the
//! tables need, one year at a time, in registration order, streamed into `stats::YearFacts`
//! without keeping the rows.

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};

use super::DbConn;
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

type Row = (
    String,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// The contracts counted in `year` within `scope`, reduced.
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
        .into_boxed();
    if let Some(a) = &scope.authority {
        q = q.filter(contracts::authority_code.eq(a.clone()));
    }
    let rows = q
        .order((
            contracts::registered_on.asc(),
            contracts::registration_number.asc(),
        ))
        .select((
            contracts::office_code,
            contracts::total_fen,
            contracts::category_code,
            contracts::ip_code,
            contracts::tech_field_code,
            contracts::objective_code,
            contracts::plan_code,
            contracts::seller_name,
            contracts::seller_country_code,
            contracts::seller_admin_code,
            contracts::seller_uscc,
            contracts::seller_nature_code,
            contracts::buyer_country_code,
            contracts::buyer_admin_code,
            contracts::buyer_nature_code,
        ))
        .load_iter::<Row, diesel::connection::DefaultLoadingMode>(conn)?;
    for row in rows {
        let r = row?;
        facts.push(&ContractCodes {
            office_code: &r.0,
            total_fen: r.1.unwrap_or(0),
            category_code: &r.2,
            ip_code: &r.3,
            tech_field_code: &r.4,
            objective_code: &r.5,
            plan_code: &r.6,
            seller_name: &r.7,
            seller_country_code: &r.8,
            seller_admin_code: &r.9,
            seller_uscc: &r.10,
            seller_nature_code: &r.11,
            buyer_country_code: &r.12,
            buyer_admin_code: &r.13,
            buyer_nature_code: &r.14,
        });
    }
    Ok(facts)
}

/// Per registration year and contract category code: contracts counted and their 成交额 in
/// fen, for the years `from..=to` (the year series of 附表1, 附表2 and 表1-1).
pub fn category_totals(
    conn: &mut DbConn,
    from: i32,
    to: i32,
) -> QueryResult<Vec<(i32, String, i64, i64)>> {
    let mut out = Vec::new();
    for year in from..=to {
        let Some((first, last)) = year_bounds(year) else {
            continue;
        };
        let rows: Vec<(String, i64, Option<i64>)> = contracts::table
            .filter(contracts::status.eq_any(status::COUNTED))
            .filter(contracts::registered_on.ge(first))
            .filter(contracts::registered_on.le(last))
            .group_by(contracts::category_code)
            .select((
                contracts::category_code,
                diesel::dsl::count_star(),
                sql::<Nullable<BigInt>>("CAST(SUM(total_fen) AS BIGINT)"),
            ))
            .load(conn)?;
        out.extend(
            rows.into_iter()
                .map(|(c, n, f)| (year, c, n, f.unwrap_or(0))),
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
