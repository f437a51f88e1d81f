//! The audit log page: province administrators see their authority's entries, the ministry all.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::page::{Ctx, CurrentUser, cst, format_cst, html, page_link};
use super::{AppError, AppState, access_for, with_conn};
use crate::audit::{ACTIONS, action_label, object_label};
use crate::db::audit::{AuditFilter, AuditRow};
use crate::db::{self};
use crate::domain::dates;
use crate::domain::role::Role;
use actix_web::http::Method;

const PER_PAGE: i64 = 50;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    object: String,
    /// Beijing dates, `YYYY-MM-DD`.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: Option<i64>,
}

struct Row {
    entry: AuditRow,
    at: String,
    action_label: &'static str,
    object_label: &'static str,
    /// The object's page, when it has one the viewer may open.
    object_href: Option<String>,
    role_label: &'static str,
}

/// The page of an audited object, if it has one and `role` may open it: a contract, an
/// office, a statistics year.
fn object_href(role: Role, object_type: &str, object_id: &str) -> Option<String> {
    let is_number = !object_id.is_empty() && object_id.bytes().all(|b| b.is_ascii_digit());
    let (pattern, href) = match object_type {
        "contract" if is_number => ("/contracts/{id}", format!("/contracts/{object_id}")),
        "office" if is_number => (
            "/admin/offices/{code}",
            format!("/admin/offices/{object_id}"),
        ),
        "year" if is_number => ("/stats/{year}/close", format!("/stats/{object_id}/close")),
        _ => return None,
    };
    access_for(&Method::GET, pattern)
        .is_some_and(|allow| allow.permits(Some(role)))
        .then_some(href)
}

#[derive(Template)]
#[template(path = "audit/index.html")]
struct AuditPage {
    ctx: Ctx,
    query: AuditQuery,
    rows: Vec<Row>,
    actions: &'static [(&'static str, &'static str)],
    next_link: Option<String>,
    first_link: Option<String>,
    date_error: Option<&'static str>,
}

/// The UTC instant at which a Beijing date begins.
fn cst_midnight_utc(d: NaiveDate) -> Option<NaiveDateTime> {
    d.and_hms_opt(0, 0, 0)?
        .and_local_timezone(cst())
        .single()
        .map(|t| t.naive_utc())
}

pub async fn index(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = q.into_inner();
    // The same date forms the contract form accepts (2016-04-01, 2016/4/1, 2016年4月1日, …).
    let (from, to) = (
        dates::parse_optional_date(&query.from),
        dates::parse_optional_date(&query.to),
    );
    let date_error = (from.is_err() || to.is_err()).then_some("日期格式应为 YYYY-MM-DD");
    let non_empty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = AuditFilter {
        actor: non_empty(&query.actor),
        action: non_empty(&query.action),
        object_id: non_empty(&query.object),
        from: from.ok().flatten().and_then(cst_midnight_utc),
        until: to
            .ok()
            .flatten()
            .and_then(|d| d.succ_opt())
            .and_then(cst_midnight_utc),
        before_id: query.before,
    };
    let scope = user.account.scope();
    let mut entries = with_conn(&state, move |c| {
        Ok(db::audit::list(c, &scope, &filter, PER_PAGE)?)
    })
    .await?;
    let has_more = entries.len() as i64 > PER_PAGE;
    entries.truncate(PER_PAGE as usize);
    let filters = [
        ("actor", query.actor.as_str()),
        ("action", query.action.as_str()),
        ("object", query.object.as_str()),
        ("from", query.from.as_str()),
        ("to", query.to.as_str()),
    ];
    let link = |before: Option<i64>| {
        page_link(
            "/audit",
            &filters,
            before.map(|b| ("before", b.to_string())),
        )
    };
    let next_link = if has_more {
        entries.last().map(|e| link(Some(e.id)))
    } else {
        None
    };
    let first_link = query.before.map(|_| link(None));
    let rows = entries
        .into_iter()
        .map(|e| Row {
            at: format_cst(e.at),
            action_label: action_label(&e.action),
            object_label: object_label(&e.object_type),
            object_href: object_href(user.account.role, &e.object_type, &e.object_id),
            role_label: match e.actor_role.as_deref().and_then(Role::parse) {
                Some(r) => r.label(),
                None if e.actor.starts_with("cli:") => "命令行",
                None => "—",
            },
            entry: e,
        })
        .collect();

    html(&AuditPage {
        ctx,
        query,
        rows,
        actions: ACTIONS,
        next_link,
        first_link,
        date_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_link_only_to_pages_the_viewer_may_open() {
        assert_eq!(
            object_href(Role::ProvinceAdmin, "contract", "42").as_deref(),
            Some("/contracts/42")
        );
        assert_eq!(object_href(Role::Sysadmin, "contract", "42"), None);
        assert_eq!(
            object_href(Role::Ministry, "year", "2016").as_deref(),
            Some("/stats/2016/close")
        );
        assert_eq!(object_href(Role::ProvinceAdmin, "year", "2016"), None);
        assert_eq!(
            object_href(Role::ProvinceAdmin, "office", "440101").as_deref(),
            Some("/admin/offices/440101")
        );
        assert_eq!(object_href(Role::Ministry, "contract", "../x"), None);
        assert_eq!(object_href(Role::Ministry, "user", "gz_clerk"), None);
    }
}
