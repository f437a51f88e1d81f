//! The search page of 附表15's institution list (`GET /stats/institutions`): ministry staff
//! search the whole list, province administrators their own authority's section only.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::page::{Ctx, CurrentUser, html};
use super::{AppError, AppState, with_conn};
use crate::db::institutions::{InstitutionRow, SearchFilter};
use crate::db::{self};
use crate::domain::role::Scope;
use crate::domain::text;
use crate::institutions::{self, MAX_NAME_CHARS, MAX_ROWS};

const PER_PAGE: i64 = 50;

/// No page lies past the longest list, so the offset stays small whatever `page` says.
const MAX_PAGE: i64 = MAX_ROWS as i64 / PER_PAGE + 1;

/// The query string as typed; every field is text so that odd values never fail the request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    page: String,
}

/// The search text as matched: invisible characters dropped, normalised like the stored
/// names, at most [`MAX_NAME_CHARS`] characters (no name is longer). The flag says it was cut.
pub fn search_text(typed: &str) -> (String, bool) {
    let folded = text::normalise_name(&text::strip_invisible(typed));
    let cut = folded.chars().count() > MAX_NAME_CHARS;
    (folded.chars().take(MAX_NAME_CHARS).collect(), cut)
}

/// The page asked for: a positive number up to [`MAX_PAGE`], else the first.
fn page_number(typed: &str) -> i64 {
    typed
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| *p >= 1)
        .map_or(1, |p| p.min(MAX_PAGE))
}

struct Row {
    position: i32,
    province: String,
    name: String,
}

#[derive(Template)]
#[template(path = "stats/institutions.html")]
struct InstitutionsPage {
    ctx: Ctx,
    /// The search text as shown back (bounded).
    q: String,
    /// The chosen section's label, "" for all.
    province: String,
    /// The sections to choose from (label); `None` when the account sees one section only.
    choices: Option<Vec<&'static str>>,
    /// The one section a province administrator sees.
    own_label: Option<String>,
    rows: Vec<Row>,
    total: i64,
    listed: i64,
    page: i64,
    pages: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
    problem: Option<String>,
}

pub async fn search(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    q: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let query = q.into_inner();
    // The route admits these two roles only; the scope decides which sections they see.
    let own = match user.account.scope() {
        Scope::Nation => None,
        Scope::Authority(code) => Some(code),
        Scope::Office(_) | Scope::Accounts => return Err(AppError::Forbidden),
    };
    let (text, cut) = search_text(&query.q);
    let typed_province = text::normalise(&text::strip_invisible(&query.province));
    let mut problem = cut.then(|| format!("搜索词过长，只按前 {MAX_NAME_CHARS} 个字符查找"));
    let mut unknown_province = false;
    let mut chosen_label = String::new();
    let chosen = if typed_province.is_empty() {
        None
    } else {
        match institutions::authority_of_section(&typed_province) {
            Some(a) => {
                chosen_label = institutions::section_label(a).to_owned();
                Some(a.code.to_owned())
            }
            None => {
                unknown_province = true;
                problem = Some(format!("未知的地区“{}”", text::shown(&typed_province)));
                None
            }
        }
    };
    let authority_code = match (&own, chosen) {
        (Some(own), Some(c)) if *own != c => return Err(AppError::Forbidden),
        (Some(own), _) => Some(own.clone()),
        (None, c) => c,
    };
    let page = page_number(&query.page);
    let filter = SearchFilter {
        authority_code,
        text: Some(text.clone()).filter(|t| !t.is_empty()),
    };
    let scope_filter = SearchFilter {
        authority_code: own.clone(),
        text: None,
    };
    let (found, total, listed) = if unknown_province {
        (Vec::new(), 0, 0)
    } else {
        with_conn(&state, move |c| {
            let (found, total) =
                db::institutions::search(c, &filter, PER_PAGE, (page - 1) * PER_PAGE)?;
            let (_, listed) = db::institutions::search(c, &scope_filter, 0, 0)?;
            Ok((found, total, listed))
        })
        .await?
    };
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let province = match &own {
        Some(code) => institutions::label_of_code(code),
        None => chosen_label,
    };
    // Shown back without what could disturb the page (direction overrides, control characters).
    let shown_q: String = text::strip_invisible(&query.q)
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
    let link = |p: i64| {
        let qs = serde_urlencoded::to_string([
            ("q", shown_q.as_str()),
            ("province", if own.is_some() { "" } else { &province }),
            ("page", &p.to_string()),
        ])
        .unwrap_or_default();
        format!("/stats/institutions?{qs}")
    };
    let prev_link = (page > 1).then(|| link((page - 1).min(pages)));
    let next_link = (page < pages).then(|| link(page + 1));
    let rows = found
        .into_iter()
        .map(|r: InstitutionRow| Row {
            position: r.position,
            province: institutions::label_of_code(&r.authority_code),
            name: r.name,
        })
        .collect();
    html(&InstitutionsPage {
        ctx,
        q: shown_q.clone(),
        choices: own
            .is_none()
            .then(|| institutions::sections().map(|(_, label)| label).collect()),
        own_label: own.as_deref().map(institutions::label_of_code),
        province,
        rows,
        total,
        listed,
        page,
        pages,
        prev_link,
        next_link,
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_folded_cleaned_and_bounded() {
        assert_eq!(
            search_text("  技术（转移） "),
            ("技术(转移)".to_owned(), false)
        );
        assert_eq!(search_text("A\u{202E}B"), ("ab".to_owned(), false));
        let (t, cut) = search_text(&"长".repeat(MAX_NAME_CHARS + 5));
        assert!(cut);
        assert_eq!(t.chars().count(), MAX_NAME_CHARS);
        assert_eq!(search_text(""), (String::new(), false));
    }

    #[test]
    fn page_numbers_are_positive_and_bounded() {
        assert_eq!(page_number(""), 1);
        assert_eq!(page_number("3"), 3);
        assert_eq!(page_number("0"), 1);
        assert_eq!(page_number("-2"), 1);
        assert_eq!(page_number("x"), 1);
        assert_eq!(page_number("99999999999999999999"), 1);
        assert_eq!(page_number("9223372036854775807"), MAX_PAGE);
    }
}
