//! The contract list: filters within the viewer's scope, orders, pages by cursor.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::catalog::category;
use crate::db::contracts::{ContractFilter, ContractRow, Cursor, Sort};
use crate::db::{self};
use crate::domain::money::Money;
use crate::domain::regnum::grouped_text;
use crate::domain::role::Role;
use crate::domain::status::Status;
use crate::domain::{dates, text};
use crate::web::page::{Ctx, CurrentUser, html, page_link};
use crate::web::{AppError, AppState, with_conn};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    /// An office code within the scope (province and national staff).
    #[serde(default)]
    office: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// 元
    #[serde(default)]
    min: String,
    #[serde(default)]
    max: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after: String,
}

struct ListRow {
    row: ContractRow,
    category_label: String,
    status_label: &'static str,
    /// The registration number grouped `YYYY PPCC NN SSSSSS`.
    number: Option<String>,
    total_wan: String,
    signed: String,
}

#[derive(Template)]
#[template(path = "contracts/index.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    rows: Vec<ListRow>,
    statuses: Vec<(&'static str, &'static str)>,
    categories: Vec<(&'static str, String)>,
    filter_errors: Vec<&'static str>,
    next_link: Option<String>,
    first_link: Option<String>,
    can_file: bool,
}

fn parse_cursor(s: &str) -> Option<Cursor> {
    let mut parts = s.split(':');
    match (parts.next()?, parts.next(), parts.next()) {
        ("id", Some(id), None) => id.parse().ok().map(Cursor::Id),
        ("signed", Some(d), Some(id)) => Some(Cursor::Signed(
            NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?,
            id.parse().ok()?,
        )),
        ("amount", Some(a), Some(id)) => Some(Cursor::Amount(a.parse().ok()?, id.parse().ok()?)),
        _ => None,
    }
}

fn cursor_text(c: &Cursor) -> String {
    match c {
        Cursor::Id(id) => format!("id:{id}"),
        Cursor::Signed(d, id) => format!("signed:{}:{id}", d.format("%Y-%m-%d")),
        Cursor::Amount(a, id) => format!("amount:{a}:{id}"),
    }
}

const PER_PAGE: i64 = 50;

pub async fn index(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = q.into_inner();
    let mut filter_errors = Vec::new();
    let day = |s: &str, errors: &mut Vec<&'static str>| {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let parsed = dates::parse_date_unbounded(s).ok();
        if parsed.is_none() {
            errors.push("日期格式应为 YYYY-MM-DD");
        }
        parsed
    };
    let amount = |s: &str, errors: &mut Vec<&'static str>| {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let parsed = Money::parse_yuan(s).ok().map(Money::fen);
        if parsed.is_none() {
            errors.push("金额应为以元为单位的数字");
        }
        parsed
    };
    let filter = ContractFilter {
        status: Status::parse(query.status.trim()),
        office: Some(text::compact(&query.office)).filter(|o| !o.is_empty()),
        category: Some(query.category.trim().to_owned())
            .filter(|c| category::is_leaf(c) || category::category(c).is_some()),
        signed_from: day(&query.from, &mut filter_errors),
        signed_to: day(&query.to, &mut filter_errors),
        min_total_fen: amount(&query.min, &mut filter_errors),
        max_total_fen: amount(&query.max, &mut filter_errors),
        text: Some(text::normalise_name(&query.q)).filter(|t| !t.is_empty()),
    };
    filter_errors.dedup();
    let sort = Sort::parse(&query.sort);
    let after = parse_cursor(&query.after);
    let scope = user.account.scope();
    let (rows, next) = with_conn(&state, move |c| {
        Ok(db::contracts::list(
            c,
            &scope,
            &filter,
            sort,
            after.as_ref(),
            PER_PAGE,
        )?)
    })
    .await?;
    let filters = [
        ("status", query.status.as_str()),
        ("office", query.office.as_str()),
        ("category", query.category.as_str()),
        ("from", query.from.as_str()),
        ("to", query.to.as_str()),
        ("min", query.min.as_str()),
        ("max", query.max.as_str()),
        ("q", query.q.as_str()),
        ("sort", sort.as_str()),
    ];
    let link =
        |after: Option<String>| page_link("/contracts", &filters, after.map(|a| ("after", a)));
    let next_link = next.as_ref().map(|c| link(Some(cursor_text(c))));
    let first_link = (!query.after.is_empty()).then(|| link(None));
    let rows = rows.into_iter().map(list_row).collect();
    let statuses = Status::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    let categories = category_choices();
    let can_file = user.account.role == Role::Clerk;
    html(&ListPage {
        ctx,
        query,
        rows,
        statuses,
        categories,
        filter_errors,
        next_link,
        first_link,
        can_file,
    })
}

/// The category filter's choices: each category with all its leaves, then every leaf.
pub(crate) fn category_choices() -> Vec<(&'static str, String)> {
    let mut categories: Vec<(&'static str, String)> = category::CATEGORIES
        .iter()
        .map(|c| (c.code, format!("{}（全部）", c.label)))
        .collect();
    categories.extend(category::leaves().map(|l| (l.code, l.full_label())));
    categories
}

fn list_row(row: ContractRow) -> ListRow {
    ListRow {
        category_label: category::leaf(&row.category_code)
            .map(|l| l.full_label())
            .unwrap_or_else(|| "—".to_owned()),
        status_label: row.status.label(),
        number: row.registration_number.as_deref().map(grouped_text),
        total_wan: row
            .total_fen
            .map(|f| Money::from_fen(f).wan_yuan(2))
            .unwrap_or_else(|| "—".to_owned()),
        signed: row
            .signed_on
            .map(dates::format_date)
            .unwrap_or_else(|| "—".to_owned()),
        row,
    }
}
