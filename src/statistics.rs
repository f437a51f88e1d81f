//! The national tables of a year as a service: which years a report reads and where each
//! year's figures come from (its registered contracts, or imported history for years before
//! the system existed), the report and its self-check. The arithmetic is in `stats`; this
//! module only reads and assembles.

use std::collections::BTreeMap;

use crate::catalog::category;
use crate::db::stats::Scope;
use crate::db::{self, DbConn};
use crate::stats::{self, Figures, HistoryYear, Inputs, Institution, Table};

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("{0} 年没有已登记的合同，也没有导入的历史数据，无法生成统计表")]
    NoData(i32),
    #[error("年份 {0} 不在可统计的范围内（1980–9999）")]
    BadYear(i32),
    /// The self-check found tables that do not add up; nothing is written.
    #[error("统计表自检未通过：{}", .0.join("；"))]
    Broken(Vec<String>),
    #[error("读取数据库失败：{0}")]
    Db(#[from] diesel::result::Error),
}

/// The tables of one year.
#[derive(Debug, Clone)]
pub struct Report {
    pub year: i32,
    pub tables: Vec<Table>,
}

/// Years the year series look back (附表1, 附表2, 表1-1 cover Y−5 … Y).
const SERIES_YEARS: i32 = 5;

/// Every table of `year` within `scope`, checked. National reports read imported history for
/// the years without contracts; a scoped one (an authority, a range of dates) reads contracts
/// only, since history is national.
pub fn report(conn: &mut DbConn, year: i32, scope: &Scope) -> Result<Report, StatsError> {
    if !(1980..=9999).contains(&year) {
        return Err(StatsError::BadYear(year));
    }
    let current = Figures::compute(&db::stats::year_facts(conn, year, scope)?);
    let prior = Figures::compute(&db::stats::year_facts(conn, year - 1, scope)?);
    let mut history: BTreeMap<i32, HistoryYear> = BTreeMap::new();
    if scope.is_national() {
        for h in db::history::for_years(conn, year - SERIES_YEARS, year)? {
            history.insert(h.year, history_year(&h));
        }
    }
    // Older years of the series from their contracts, where they have any.
    let mut counted: BTreeMap<i32, HistoryYear> = BTreeMap::new();
    for (y, code, count, fen) in db::stats::category_totals(conn, year - SERIES_YEARS, year - 2)? {
        let entry = counted.entry(y).or_default();
        let add = |slot: &mut Option<i64>, n: i64| *slot = Some(slot.unwrap_or(0) + n);
        add(&mut entry.count, count);
        entry.fen = Some(entry.fen.unwrap_or(0) + i128::from(fen));
        if let Some(i) = category::CATEGORY_ROWS.iter().position(|r| r.covers(&code)) {
            let (c, f) = &mut entry.categories[i];
            add(c, count);
            *f = Some(f.unwrap_or(0) + i128::from(fen));
        }
    }
    for (y, mut totals) in counted {
        // A year with contracts keeps only its R&D expenditure from history.
        totals.rd_fen = history.get(&y).and_then(|h| h.rd_fen);
        for slot in &mut totals.categories {
            slot.0.get_or_insert(0);
            slot.1.get_or_insert(0);
        }
        history.insert(y, totals);
    }
    if current.all.count == 0 && history.get(&year).is_none_or(|h| h.count.is_none()) {
        return Err(StatsError::NoData(year));
    }
    let institutions: Vec<Institution> = crate::institutions::for_report(conn)?;
    let mut figures = BTreeMap::new();
    figures.insert(year, &current);
    if prior.all.count > 0 {
        figures.insert(year - 1, &prior);
    }
    let inputs = Inputs {
        year,
        figures,
        history,
        institutions: &institutions,
    };
    let rendered = stats::report(&inputs);
    if !rendered.problems.is_empty() {
        return Err(StatsError::Broken(rendered.problems));
    }
    Ok(Report {
        year,
        tables: rendered.tables,
    })
}

fn history_year(h: &db::history::HistoryRow) -> HistoryYear {
    let mut categories = [(None, None); 4];
    for (slot, c) in categories.iter_mut().zip(h.categories.iter()) {
        *slot = (c.count, c.amount_fen.map(i128::from));
    }
    HistoryYear {
        count: h.contract_count,
        fen: h.amount_fen.map(i128::from),
        rd_fen: h.rd_expenditure_fen.map(i128::from),
        categories,
    }
}
