//! The 登记清单 (`GET /registration-list`, `.csv`, `.xlsx`): the registered contracts of one
//! seller (by USCC) or one office over a period of registration dates, within the viewer's
//! scope, with totals, marked as no tax document. What it holds is
//! `export::registration_list`'s.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::page::{CurrentUser, render};
use super::{AppError, AppState, with_conn};
use crate::db::contracts::{ContractFilter, Sort};
use crate::db::{self};
use crate::domain::dates;
use crate::domain::money::grouped_count;
use crate::domain::role::Role;
use crate::domain::status::Status;
use crate::domain::text;
use crate::export::registration_list::{HEADER, Line, List, NOT_A_TAX_DOCUMENT};

/// The most contracts one list holds.
pub const MAX_LINES: i64 = 5_000;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    seller_uscc: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// Whose contracts over which period, checked.
struct Wanted {
    seller_uscc: Option<String>,
    office: Option<String>,
    from: NaiveDate,
    to: NaiveDate,
}

impl ListQuery {
    fn parse(&self, user: &CurrentUser, today: NaiveDate) -> Result<Option<Wanted>, String> {
        let seller_uscc =
            Some(text::compact(&self.seller_uscc).to_uppercase()).filter(|s| !s.is_empty());
        let office = Some(text::compact(&self.office))
            .filter(|o| !o.is_empty())
            .or_else(|| match user.account.role {
                Role::Clerk if seller_uscc.is_none() => user.account.office_code.clone(),
                _ => None,
            });
        let day = |typed: &str, default: NaiveDate, label: &str| {
            if typed.trim().is_empty() {
                Ok(default)
            } else {
                dates::parse_date_unbounded(typed).map_err(|e| format!("{label}：{e}"))
            }
        };
        let first_of_year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let from = day(&self.from, first_of_year, "登记日期起")?;
        let to = day(&self.to, today, "登记日期止")?;
        if from > to {
            return Err("登记日期止不能早于登记日期起".to_owned());
        }
        if seller_uscc.is_none() && office.is_none() {
            return Ok(None);
        }
        Ok(Some(Wanted {
            seller_uscc,
            office,
            from,
            to,
        }))
    }
}

/// The list of `wanted` within the viewer's scope.
async fn load(state: &AppState, user: &CurrentUser, wanted: &Wanted) -> Result<List, AppError> {
    let filter = ContractFilter {
        status: Some(Status::Registered),
        office: wanted.office.clone(),
        seller_uscc: wanted.seller_uscc.clone(),
        registered_from: Some(wanted.from),
        registered_to: Some(wanted.to),
        ..Default::default()
    };
    let scope = user.account.scope();
    let (rows, more) = with_conn(state, move |c| {
        let (rows, next) = db::contracts::list(c, &scope, &filter, Sort::Oldest, None, MAX_LINES)?;
        Ok((rows, next.is_some()))
    })
    .await?;
    if more {
        return Err(AppError::BadRequest(format!(
            "符合条件的合同超过 {} 份：请缩短登记日期的期间",
            grouped_count(MAX_LINES)
        )));
    }
    let whose = match (&wanted.seller_uscc, &wanted.office, rows.first()) {
        (Some(u), _, Some(r)) => format!("卖方 {}（{u}）", r.seller_name),
        (Some(u), _, None) => format!("卖方 {u}"),
        (None, Some(o), _) => format!("登记机构 {o}"),
        (None, None, _) => String::new(),
    };
    let title = format!(
        "{whose}，登记日期 {} 至 {}",
        dates::format_date(wanted.from),
        dates::format_date(wanted.to)
    );
    Ok(List::new(title, rows.iter().map(Line::of).collect()))
}

#[derive(Template)]
#[template(path = "registration_list.html")]
struct ListPage {
    query: ListQuery,
    error: Option<String>,
    list: Option<List>,
    header: [&'static str; 9],
    mark: &'static str,
    download_query: String,
}

/// `GET /registration-list`: the printable list, with the form that chooses it.
pub async fn page(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = q.into_inner();
    let today = dates::today_cst(chrono::Utc::now());
    let (list, error, status) = match query.parse(&user, today) {
        Ok(Some(wanted)) => match load(&state, &user, &wanted).await {
            Ok(list) => (Some(list), None, StatusCode::OK),
            Err(AppError::BadRequest(m)) => (None, Some(m), StatusCode::UNPROCESSABLE_ENTITY),
            Err(e) => return Err(e),
        },
        Ok(None) => (None, None, StatusCode::OK),
        Err(m) => (None, Some(m), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let download_query = serde_urlencoded::to_string([
        ("seller_uscc", query.seller_uscc.as_str()),
        ("office", query.office.as_str()),
        ("from", query.from.as_str()),
        ("to", query.to.as_str()),
    ])
    .unwrap_or_default();
    render(
        &ListPage {
            query,
            error,
            list,
            header: HEADER,
            mark: NOT_A_TAX_DOCUMENT,
            download_query,
        },
        status,
    )
}

async fn wanted_list(
    state: &AppState,
    user: &CurrentUser,
    query: &ListQuery,
) -> Result<List, AppError> {
    let today = dates::today_cst(chrono::Utc::now());
    match query.parse(user, today).map_err(AppError::BadRequest)? {
        Some(wanted) => load(state, user, &wanted).await,
        None => Err(AppError::BadRequest(
            "请填写卖方统一社会信用代码或登记机构代码".into(),
        )),
    }
}

fn download(body: Vec<u8>, content_type: &str, extension: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"registration-list.{extension}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(body)
}

/// `GET /registration-list.csv`.
pub async fn csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let list = wanted_list(&state, &user, &q).await?;
    Ok(download(
        list.csv().into_bytes(),
        "text/csv; charset=utf-8",
        "csv",
    ))
}

/// `GET /registration-list.xlsx`.
pub async fn xlsx(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let list = wanted_list(&state, &user, &q).await?;
    let bytes = web::block(move || list.xlsx()).await??;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ))
}
