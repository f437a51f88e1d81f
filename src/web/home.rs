//! The home page, health probes, static assets and the 404 page.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::page::{Ctx, CurrentUser, html};
use super::{AppError, AppState, with_conn};
use crate::db;
use crate::db::contracts::Waiting;
use crate::domain::dates;
use crate::domain::role::Role;
use crate::domain::status::Status;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    role: Role,
    office_name: Option<String>,
    office_count: i64,
    user_count: i64,
    /// A clerk's office: drafts, contracts returned for correction, contracts waiting.
    drafts: i64,
    returned: i64,
    submitted: i64,
    /// A province's queue: its size, the second reviews and the overdue among it, and the
    /// longest wait.
    waiting: Waiting,
    oldest_days: Option<i64>,
}

pub async fn home(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let account = user.account.clone();
    let now = db::now();
    let page = with_conn(&state, move |c| {
        let office_name = match &account.office_code {
            Some(code) => db::offices::find(c, code)?.map(|o| o.name),
            None => None,
        };
        let scope = account.scope();
        let (office_count, user_count) = match account.role {
            Role::Sysadmin | Role::ProvinceAdmin => {
                let offices = db::offices::list(c, &scope)?.len() as i64;
                let (_, users) = db::users::list(c, &scope, &Default::default(), 1, 0)?;
                (offices, users)
            }
            _ => (0, 0),
        };
        let count = |c: &mut db::DbConn, s: Status| db::contracts::count_with_status(c, &scope, s);
        let (drafts, returned, submitted) = match account.role {
            Role::Clerk => (
                count(c, Status::Draft)?,
                count(c, Status::Returned)?,
                count(c, Status::Submitted)?,
            ),
            _ => (0, 0, 0),
        };
        let (waiting, oldest_days) = match (&account.role, &account.authority_code) {
            (Role::ProvinceAdmin, Some(authority)) => {
                let today = dates::today_cst(now.and_utc());
                let waiting = db::contracts::waiting_counts(c, authority, today)?;
                let oldest = db::contracts::oldest_waiting_since(c, &scope)?
                    .map(|since| (now - since).num_days().max(0));
                (waiting, oldest)
            }
            _ => (Waiting::default(), None),
        };
        Ok(HomePage {
            ctx,
            role: account.role,
            office_name,
            office_count,
            user_count,
            drafts,
            returned,
            submitted,
            waiting,
            oldest_days,
        })
    })
    .await?;
    html(&page)
}

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

/// Ready when the database answers and every migration has been applied.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ready = with_conn(&state, |c| {
        c.migrations_pending()
            .map_err(|e| AppError::Other(e.into()))
    })
    .await;
    match ready {
        Ok(false) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ready"),
        Ok(true) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("migrations pending"),
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("database unavailable"),
    }
}

/// The few static files, compiled into the binary so it runs from any directory.
const STATIC_FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/app.css"),
    ),
    (
        "certificate.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/certificate.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../static/favicon.svg"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/app.js"),
    ),
];

pub async fn static_file(name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, mime, bytes) = STATIC_FILES
        .iter()
        .find(|(n, _, _)| *n == name.as_str())
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(*mime)
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(*bytes))
}

pub async fn not_found() -> HttpResponse {
    AppError::NotFound.into_page()
}
