//! The year close for ministry staff (interchange.md §5, domain.md §5.7): the years and their
//! state, a plain confirm page per year (what would be frozen, the snapshots so far, a closed
//! year's revision list) and the `close` / `reopen` posts. The work is `statistics`'s.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use super::page::{Ctx, CurrentUser, format_cst, html, render, see_other};
use super::{AppError, AppState, with_conn};
use crate::db::snapshots::SnapshotInfo;
use crate::db::{self, DbConn};
use crate::domain::dates;
use crate::statistics::{self, StatsError};
use crate::stats::snapshot::Revision;
use crate::stats::{Cell, formula};

/// Revisions listed on the page; the command line prints them all.
const REVISIONS_SHOWN: usize = 500;

struct YearRow {
    year: i32,
    contracts: i64,
    amount: String,
    closed: Option<String>,
}

#[derive(Template)]
#[template(path = "stats/years.html")]
struct YearsPage {
    ctx: Ctx,
    years: Vec<YearRow>,
}

/// One close of the year as the page shows it.
struct SnapshotView {
    info: SnapshotInfo,
    closed_at: String,
    reopened_at: String,
    amount: String,
}

impl SnapshotView {
    fn of(info: SnapshotInfo) -> Self {
        SnapshotView {
            closed_at: format_cst(info.closed_at),
            reopened_at: info.reopened_at.map(format_cst).unwrap_or_default(),
            amount: amount_text(i128::from(info.amount_fen)),
            info,
        }
    }
}

#[derive(Template)]
#[template(path = "stats/close.html")]
struct ClosePage {
    ctx: Ctx,
    year: i32,
    /// The year's registered contracts now.
    contracts: i64,
    amount: String,
    in_force: Option<SnapshotView>,
    snapshots: Vec<SnapshotView>,
    revisions: Vec<Revision>,
    revisions_total: usize,
    error: Option<String>,
    reason: String,
    reason_error: Option<String>,
    /// The year has not ended (Beijing time): closing it now is allowed, and warned about.
    unfinished: bool,
}

fn amount_text(fen: i128) -> String {
    Cell::fixed2(Some(formula::amount_100m(fen))).csv_text()
}

/// A year in the address: four digits within the range reports accept.
fn year_of(path: &str) -> Result<i32, AppError> {
    path.parse::<i32>()
        .ok()
        .filter(|y| path.len() == 4 && statistics::YEARS.contains(y))
        .ok_or(AppError::NotFound)
}

pub async fn years(state: web::Data<AppState>, ctx: Ctx) -> Result<HttpResponse, AppError> {
    let years = with_conn(&state, |c| {
        let mut years = db::stats::years(c)?;
        let snapshots = db::snapshots::history(c, None)?;
        years.extend(snapshots.iter().map(|s| s.year));
        years.sort_unstable();
        years.dedup();
        let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
            return Ok(Vec::new());
        };
        let totals = statistics::year_totals(c, first, last)?;
        Ok(years
            .into_iter()
            .rev()
            .map(|year| {
                let (contracts, fen) = totals
                    .iter()
                    .find(|t| t.0 == year)
                    .map_or((0, 0), |t| (t.1, t.2));
                YearRow {
                    year,
                    contracts,
                    amount: amount_text(fen),
                    closed: snapshots
                        .iter()
                        .find(|s| s.year == year && s.in_force())
                        .map(|s| format_cst(s.closed_at)),
                }
            })
            .collect())
    })
    .await?;
    html(&YearsPage { ctx, years })
}

/// What the confirm page shows besides the form.
struct PageData {
    contracts: i64,
    fen: i128,
    snapshots: Vec<SnapshotInfo>,
    revisions: Vec<Revision>,
}

fn page_data(c: &mut DbConn, year: i32) -> Result<PageData, AppError> {
    let (contracts, fen) = statistics::year_totals(c, year, year)?
        .first()
        .map_or((0, 0), |t| (t.1, t.2));
    let snapshots = db::snapshots::history(c, Some(year))?;
    let revisions = match statistics::revisions(c, year) {
        Ok(found) => found.map(|(_, r)| r).unwrap_or_default(),
        Err(StatsError::Db(e)) => return Err(e.into()),
        Err(e) => return Err(AppError::Other(anyhow::anyhow!(e.to_string()))),
    };
    Ok(PageData {
        contracts,
        fen,
        snapshots,
        revisions,
    })
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    year: i32,
    error: Option<String>,
    reason: String,
    reason_error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let data = with_conn(state, move |c| page_data(c, year)).await?;
    let snapshots: Vec<SnapshotView> = data.snapshots.into_iter().map(SnapshotView::of).collect();
    let in_force = snapshots
        .iter()
        .find(|s| s.info.in_force())
        .map(|s| SnapshotView::of(s.info.clone()));
    let revisions_total = data.revisions.len();
    let mut revisions = data.revisions;
    revisions.truncate(REVISIONS_SHOWN);
    render(
        &ClosePage {
            ctx,
            year,
            contracts: data.contracts,
            amount: amount_text(data.fen),
            in_force,
            snapshots,
            revisions,
            revisions_total,
            error,
            reason,
            reason_error,
            unfinished: year >= dates::today_cst(db::now().and_utc()).year(),
        },
        status,
    )
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let year = year_of(&path)?;
    page(&state, ctx, year, None, String::new(), None, StatusCode::OK).await
}

/// A refusal the operator can act on (answered 422 on the page), or a failure.
fn user_error(e: StatsError) -> Result<String, AppError> {
    match e {
        StatsError::Db(e) => Err(e.into()),
        StatsError::Frozen(_) | StatsError::Encode(_) => {
            Err(AppError::Other(anyhow::anyhow!(e.to_string())))
        }
        other => Ok(other.to_string()),
    }
}

pub async fn close(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let year = year_of(&path)?;
    let actor = user.actor.clone();
    let result = with_conn(&state, move |c| {
        Ok(statistics::close(c, year, &actor, db::now()))
    })
    .await?;
    match result {
        Ok(_) => Ok(see_other(
            &format!("/stats/{year}/close"),
            Some("year_closed"),
            state.settings.secure_cookies,
        )),
        Err(e) => {
            let message = user_error(e)?;
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(
                &state,
                ctx,
                year,
                Some(message),
                String::new(),
                None,
                status,
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ReopenForm {
    #[serde(default)]
    reason: String,
}

pub async fn reopen(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    path: web::Path<String>,
    form: web::Form<ReopenForm>,
) -> Result<HttpResponse, AppError> {
    let year = year_of(&path)?;
    let reason = form.into_inner().reason;
    let actor = user.actor.clone();
    let typed = reason.clone();
    let result = with_conn(&state, move |c| {
        Ok(statistics::reopen(c, year, &typed, &actor, db::now()))
    })
    .await?;
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    match result {
        Ok(_) => Ok(see_other(
            &format!("/stats/{year}/close"),
            Some("year_reopened"),
            state.settings.secure_cookies,
        )),
        Err(StatsError::Reason(message)) => {
            page(&state, ctx, year, None, reason, Some(message), status).await
        }
        Err(e) => {
            let message = user_error(e)?;
            page(&state, ctx, year, Some(message), reason, None, status).await
        }
    }
}
