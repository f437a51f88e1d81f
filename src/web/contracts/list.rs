//! The contract list: filters within the viewer's scope, orders, pages by cursor.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::catalog::category;
use crate::db::contracts::{ContractFilter, ContractRow, Cursor, ListSummary, SUMMARY_BOUND, Sort};
use crate::db::{self};
use crate::domain::money::{self, Money};
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
    pub(super) sort: String,
    #[serde(default)]
    after: String,
    /// `all`: count and sum every match, however many (otherwise up to `SUMMARY_BOUND`).
    #[serde(default)]
    totals: String,
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
    totals: Totals,
    downloads: Downloads,
    max_xlsx: String,
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

impl ListQuery {
    /// The query's filters, and what in it could not be read (said above the list).
    pub(super) fn filter(&self) -> (ContractFilter, Vec<&'static str>) {
        let mut errors = Vec::new();
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
            status: Status::parse(self.status.trim()),
            office: Some(text::compact(&self.office)).filter(|o| !o.is_empty()),
            category: Some(self.category.trim().to_owned())
                .filter(|c| category::is_leaf(c) || category::category(c).is_some()),
            signed_from: day(&self.from, &mut errors),
            signed_to: day(&self.to, &mut errors),
            min_total_fen: amount(&self.min, &mut errors),
            max_total_fen: amount(&self.max, &mut errors),
            text: Some(text::normalise_name(&self.q)).filter(|t| !t.is_empty()),
            ..Default::default()
        };
        errors.dedup();
        (filter, errors)
    }

    /// The filters given, for the audit entry of a download ("status=registered q=储能").
    pub(super) fn describe(&self) -> String {
        let given: Vec<String> = self
            .pairs()
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", v.trim()))
            .collect();
        if given.is_empty() {
            "全部合同".to_owned()
        } else {
            given.join(" ")
        }
    }

    /// The query's filters as (name, value) pairs for links, with the order.
    fn pairs(&self) -> [(&'static str, &str); 9] {
        [
            ("status", self.status.as_str()),
            ("office", self.office.as_str()),
            ("category", self.category.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("min", self.min.as_str()),
            ("max", self.max.as_str()),
            ("q", self.q.as_str()),
            ("sort", Sort::parse(&self.sort).as_str()),
        ]
    }
}

pub async fn index(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = q.into_inner();
    let (filter, filter_errors) = query.filter();
    let sort = Sort::parse(&query.sort);
    let after = parse_cursor(&query.after);
    let scope = user.account.scope();
    let every = query.totals == "all";
    let bound = (!every).then_some(SUMMARY_BOUND);
    let (rows, next, summary) = with_conn(&state, move |c| {
        let (rows, next) = db::contracts::list(c, &scope, &filter, sort, after.as_ref(), PER_PAGE)?;
        // A page shorter than a full one that starts at the top is the whole list: no need
        // to count it again.
        let summary = if after.is_none() && next.is_none() {
            ListSummary::of(rows.iter().map(|r| (r.total_fen, r.technical_fen)))
        } else {
            db::contracts::summary(c, &scope, &filter, bound)?
        };
        Ok((rows, next, summary))
    })
    .await?;
    let filters = query.pairs();
    let mut paging: Vec<(&str, &str)> = filters.to_vec();
    if every {
        paging.push(("totals", "all"));
    }
    let link =
        |after: Option<String>| page_link("/contracts", &paging, after.map(|a| ("after", a)));
    let every_link = (!summary.complete).then(|| {
        let mut all = filters.to_vec();
        all.push(("totals", "all"));
        page_link("/contracts", &all, None)
    });
    let export_link =
        |format: &str| page_link(&format!("/contracts/export.{format}"), &filters, None);
    let downloads = Downloads {
        csv: export_link("csv"),
        xlsx: export_link("xlsx"),
        // A count stopped at its bound says nothing about the workbook's limit: the download
        // checks it.
        xlsx_allowed: !summary.complete || summary.count <= super::export::MAX_XLSX_ROWS,
    };
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
        totals: Totals::of(summary, every_link),
        downloads,
        max_xlsx: money::grouped_count(super::export::MAX_XLSX_ROWS),
    })
}

/// The line above the list: how many contracts match and what they add up to, in 万元; or,
/// past the bound, that there are more, with the link that counts them all.
struct Totals {
    count: String,
    total_wan: String,
    technical_wan: String,
    /// Set when the count stopped at its bound.
    every_link: Option<String>,
}

impl Totals {
    fn of(s: ListSummary, every_link: Option<String>) -> Totals {
        Totals {
            count: money::grouped_count(s.count),
            total_wan: Money::from_fen(s.total_fen).wan_yuan_grouped(),
            technical_wan: Money::from_fen(s.technical_fen).wan_yuan_grouped(),
            every_link,
        }
    }
}

/// The download links of the filtered list.
struct Downloads {
    csv: String,
    xlsx: String,
    /// A workbook is written in memory: beyond its row limit only the CSV is offered.
    xlsx_allowed: bool,
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
