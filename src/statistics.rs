//! The national tables of a year as a service: which years a report reads and where each
//! year's figures come from (its registered contracts, the frozen snapshot of a closed year, or
//! imported history for years before the system existed), the report and its self-check, and
//! the year close (domain.md §5.7). The arithmetic is in `stats`; this module reads, assembles
//! and stores.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{Datelike, NaiveDateTime};

use crate::audit::{Actor, Entry};
use crate::catalog::category;
use crate::db::snapshots::{NewSnapshot, SnapshotInfo};
use crate::db::stats::Scope;
use crate::db::{self, DbConn, DbPool};
use crate::domain::{dates, text};
use crate::stats::snapshot::{self, Revision, ThawError};
use crate::stats::{self, Figures, HistoryYear, Inputs, Institution, Table};

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("{0} 年没有已登记的合同，也没有导入的历史数据，无法生成统计表")]
    NoData(i32),
    #[error("年份 {0} 不在可统计的范围内（{first}–{last}）", first = YEARS.start(), last = YEARS.end())]
    BadYear(i32),
    /// The self-check found tables that do not add up; nothing is written.
    #[error("统计表自检未通过：{}", .0.join("；"))]
    Broken(Vec<String>),
    #[error("{0} 年已于 {1} 关闭统计，不能重复关闭；如需重新统计请先重新开放该年度")]
    AlreadyClosed(i32, String),
    #[error("{0} 年尚未关闭统计，无需重新开放")]
    NotClosed(i32),
    #[error("{0} 年尚未开始，不能关闭统计")]
    FutureYear(i32),
    /// What was typed as the reason for reopening, with the zh problem.
    #[error("重新开放的理由：{0}")]
    Reason(String),
    #[error("{0}")]
    Frozen(#[from] ThawError),
    #[error("保存冻结数据失败：{0}")]
    Encode(#[from] serde_json::Error),
    #[error("读取数据库失败：{0}")]
    Db(#[from] diesel::result::Error),
    #[error("无法连接数据库：{0}")]
    Pool(#[from] diesel::r2d2::PoolError),
}

/// The tables of one year.
#[derive(Debug, Clone)]
pub struct Report {
    pub year: i32,
    pub tables: Vec<Table>,
    /// Set when the tables are a closed year's frozen ones.
    pub closed: Option<SnapshotInfo>,
}

/// The years a report, a close or a reopen accepts: from the first year history may describe
/// to the last four-digit year.
pub const YEARS: std::ops::RangeInclusive<i32> = crate::history::FIRST_YEAR..=9999;

/// Years the year series look back (附表1, 附表2, 表1-1 cover Y−5 … Y).
const SERIES_YEARS: i32 = 5;

/// Longest reason for reopening a year, in characters.
pub const REOPEN_REASON_MAX_CHARS: usize = 1_000;

/// Every table of `year` within `scope`. A closed year's national report is its frozen
/// snapshot; any other report is computed now (and checked), with closed earlier years' frozen
/// figures wherever it reads them. The year and its prior year are read at once when the pool
/// lends a second connection.
pub fn report(pool: &DbPool, year: i32, scope: &Scope) -> Result<Report, StatsError> {
    if !YEARS.contains(&year) {
        return Err(StatsError::BadYear(year));
    }
    let mut conn = pool.get()?;
    if scope.is_national()
        && let Some((info, tables)) = db::snapshots::tables_in_force(&mut conn, year)?
    {
        return Ok(Report {
            year,
            tables: snapshot::thaw(&tables)?,
            closed: Some(info),
        });
    }
    // A busy pool makes the report slower, never fail.
    let mut helper = pool.get_timeout(Duration::from_secs(1)).ok();
    Ok(compute(&mut conn, helper.as_deref_mut(), year, scope)?.0)
}

/// Per series year and category code: contracts and 成交额 (fen).
type SeriesTotals = Vec<(i32, String, i64, i128)>;

/// What one connection reads for a report: the figures of `year`'s contracts (if asked) and
/// the category totals of the series years `series.0..=series.1`, within `scope`'s authority.
fn read_share(
    conn: &mut DbConn,
    year: Option<i32>,
    series: (i32, i32),
    scope: &Scope,
) -> Result<(Option<Figures>, SeriesTotals), StatsError> {
    let figures = match year {
        Some(y) => Some(Figures::compute(&db::stats::year_facts(conn, y, scope)?)),
        None => None,
    };
    let totals = db::stats::category_totals(conn, series.0, series.1, scope.authority.as_deref())?;
    Ok((figures, totals))
}

/// The tables of `year` from its contracts as they are now, checked, and the year's figures.
/// National reports read imported history for the years without contracts and the frozen
/// figures of closed earlier years; a scoped one (an authority, a range of dates) reads
/// contracts only, since history and snapshots are national. With a `helper` connection the
/// prior year is read on it, beside the year itself.
fn compute(
    conn: &mut DbConn,
    helper: Option<&mut DbConn>,
    year: i32,
    scope: &Scope,
) -> Result<(Report, Figures), StatsError> {
    let mut frozen: BTreeMap<i32, Figures> = BTreeMap::new();
    let mut history: BTreeMap<i32, HistoryYear> = BTreeMap::new();
    if scope.is_national() {
        for (y, json) in db::snapshots::figures_in_force(conn, year - SERIES_YEARS, year - 1)? {
            frozen.insert(y, serde_json::from_str(&json).map_err(ThawError::Json)?);
        }
        for h in db::history::for_years(conn, year - SERIES_YEARS, year)? {
            history.insert(h.year, history_year(&h));
        }
    }
    // Each connection reads one year's contracts and half of the older series years.
    let prior_year = (!frozen.contains_key(&(year - 1))).then_some(year - 1);
    let middle = year - SERIES_YEARS / 2 - 1;
    let ((current, mut series), (computed_prior, older)) = match helper {
        Some(helper) => std::thread::scope(|s| {
            let other =
                s.spawn(|| read_share(helper, prior_year, (year - SERIES_YEARS, middle), scope));
            let mine = read_share(conn, Some(year), (middle + 1, year - 2), scope);
            let other = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok::<_, StatsError>((mine?, other?))
        })?,
        None => (
            read_share(conn, Some(year), (middle + 1, year - 2), scope)?,
            read_share(conn, prior_year, (year - SERIES_YEARS, middle), scope)?,
        ),
    };
    let current = current.ok_or(StatsError::NoData(year))?;
    series.extend(older);
    let prior = computed_prior.as_ref().or_else(|| frozen.get(&(year - 1)));
    // Older years of the series from their contracts, where they have any and are not closed.
    let mut counted: BTreeMap<i32, HistoryYear> = BTreeMap::new();
    for (y, code, count, fen) in series {
        if frozen.contains_key(&y) {
            continue;
        }
        let entry = counted.entry(y).or_default();
        let add = |slot: &mut Option<i64>, n: i64| *slot = Some(slot.unwrap_or(0) + n);
        add(&mut entry.count, count);
        entry.fen = Some(entry.fen.unwrap_or(0) + fen);
        if let Some(i) = category::CATEGORY_ROWS.iter().position(|r| r.covers(&code)) {
            let (c, f) = &mut entry.categories[i];
            add(c, count);
            *f = Some(f.unwrap_or(0) + fen);
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
    let mut figures: BTreeMap<i32, &Figures> = frozen.iter().map(|(y, f)| (*y, f)).collect();
    figures.insert(year, &current);
    if let Some(prior) = prior.filter(|p| p.all.count > 0) {
        figures.insert(year - 1, prior);
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
    let report = Report {
        year,
        tables: rendered.tables,
        closed: None,
    };
    Ok((report, current))
}

/// Per registration year from `from` to `to`: the contracts counted and their 成交额 in fen,
/// ascending, years without contracts left out.
pub fn year_totals(
    conn: &mut DbConn,
    from: i32,
    to: i32,
) -> diesel::QueryResult<Vec<(i32, i64, i128)>> {
    let mut out: Vec<(i32, i64, i128)> = Vec::new();
    for (y, _, count, fen) in db::stats::category_totals(conn, from, to, None)? {
        match out.last_mut() {
            Some((last, n, f)) if *last == y => {
                *n += count;
                *f += fen;
            }
            _ => out.push((y, count, fen)),
        }
    }
    Ok(out)
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

/// Closes `year`: computes its national tables (they must pass the self-check), freezes every
/// cell and the exact figures, and audits the close, in one transaction. `now` is UTC.
pub fn close(
    conn: &mut DbConn,
    year: i32,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<SnapshotInfo, StatsError> {
    if !YEARS.contains(&year) {
        return Err(StatsError::BadYear(year));
    }
    if year > dates::today_cst(now.and_utc()).year() {
        return Err(StatsError::FutureYear(year));
    }
    db::write_transaction(conn, |c| {
        if let Some(s) = db::snapshots::in_force(c, year)? {
            return Err(StatsError::AlreadyClosed(
                year,
                dates::format_cst(s.closed_at),
            ));
        }
        let (report, figures) = compute(c, None, year, &Scope::national())?;
        if figures.all.count == 0 {
            // A year of history alone has nothing to freeze: its figures are imported.
            return Err(StatsError::NoData(year));
        }
        let amount_fen = i64::try_from(figures.all.fen).unwrap_or(i64::MAX);
        let figures_json = serde_json::to_string(&figures)?;
        let tables_json = snapshot::freeze(&report.tables)?;
        let id = db::snapshots::insert(
            c,
            &NewSnapshot {
                year,
                closed_at: now,
                closed_by: &actor.name,
                contract_count: figures.all.count,
                amount_fen,
                figures: &figures_json,
                tables: &tables_json,
            },
        )?;
        db::audit::record(
            c,
            actor,
            Entry {
                action: "year.close",
                object_type: "year",
                object_id: year.to_string(),
                authority_code: None,
                summary: format!(
                    "关闭 {year} 年统计（快照 #{id}）：登记合同 {} 项，成交额 {} 亿元；冻结统计表 {} 张",
                    figures.all.count,
                    stats::Cell::fixed2(Some(stats::formula::amount_100m(figures.all.fen)))
                        .csv_text(),
                    report.tables.len()
                ),
            },
            now,
        )?;
        db::snapshots::in_force(c, year)?.ok_or(StatsError::NotClosed(year))
    })
}

/// The checked reason for reopening a closed year.
pub fn reopen_reason(typed: &str) -> Result<String, StatsError> {
    let reason = typed.trim();
    if reason.is_empty() {
        return Err(StatsError::Reason(
            "请填写重新开放的理由（如：更正已关闭年度的合同）".into(),
        ));
    }
    if let Some(bad) = text::forbidden(reason, text::Breaks::Lines) {
        return Err(StatsError::Reason(bad.message("理由")));
    }
    let chars = reason.chars().count();
    if chars > REOPEN_REASON_MAX_CHARS {
        return Err(StatsError::Reason(format!(
            "理由不能超过 {REOPEN_REASON_MAX_CHARS} 字（现为 {chars} 字）"
        )));
    }
    Ok(reason.to_owned())
}

/// Reopens a closed `year`: its snapshot stays, marked with who reopened it, when and why; the
/// year's report is computed from its contracts again until it is closed afresh.
pub fn reopen(
    conn: &mut DbConn,
    year: i32,
    reason: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<SnapshotInfo, StatsError> {
    let reason = reopen_reason(reason)?;
    db::write_transaction(conn, |c| {
        let Some(s) = db::snapshots::in_force(c, year)? else {
            return Err(StatsError::NotClosed(year));
        };
        if !db::snapshots::reopen(c, s.id, &actor.name, &reason, now)? {
            return Err(StatsError::NotClosed(year));
        }
        db::audit::record(
            c,
            actor,
            Entry {
                action: "year.reopen",
                object_type: "year",
                object_id: year.to_string(),
                authority_code: None,
                summary: format!(
                    "重新开放 {year} 年统计（快照 #{}，{} 关闭）：{reason}",
                    s.id,
                    dates::format_cst(s.closed_at)
                ),
            },
            now,
        )?;
        Ok(SnapshotInfo {
            reopened_at: Some(now),
            reopened_by: Some(actor.name.clone()),
            reopen_reason: Some(reason.clone()),
            ..s
        })
    })
}

/// A closed year's revision list: every cell whose value computed from the contracts now differs
/// from the frozen one. `None` when the year is not closed.
pub fn revisions(
    conn: &mut DbConn,
    year: i32,
) -> Result<Option<(SnapshotInfo, Vec<Revision>)>, StatsError> {
    let Some((info, tables)) = db::snapshots::tables_in_force(conn, year)? else {
        return Ok(None);
    };
    let frozen = snapshot::thaw(&tables)?;
    let current = match compute(conn, None, year, &Scope::national()) {
        Ok((report, _)) => report.tables,
        // Every contract of the year gone: every frozen row is a revision.
        Err(StatsError::NoData(_)) => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(Some((info, snapshot::revisions(&frozen, &current))))
}
