//! Quick code entry and the party directory lookup: small JSON answers for the form's
//! suggestions. The forms work without them (codes can be typed, the directory can be used
//! with the form's own lookup buttons).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::page::CurrentUser;
use super::{AppError, AppState, with_conn};
use crate::catalog::list::CodeList;
use crate::db::parties::PartyRow;
use crate::domain::text;
use crate::filing;

#[derive(Deserialize)]
pub struct Query {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
struct Suggestion {
    code: String,
    label: String,
}

const MAX_SUGGESTIONS: usize = 20;

/// Whether an entry matches what was typed: a code prefix or a part of the name.
fn matches(code: &str, label: &str, q: &str) -> bool {
    q.is_empty() || code.starts_with(q) || label.contains(q)
}

/// The selectable entries of code list `list` (its address key) matching `q` (a code prefix
/// or a few characters of the name); `None` for an unknown list.
pub fn suggestions(list: &str, q: &str) -> Option<Vec<(String, String)>> {
    let list = CodeList::from_key(list)?;
    let q = text::compact(q);
    Some(
        list.choices()
            .into_iter()
            .filter(|e| matches(e.code, &e.full_label, &q))
            .take(MAX_SUGGESTIONS)
            .map(|e| (e.code.to_owned(), e.full_label))
            .collect(),
    )
}

pub async fn codes(
    list: web::Path<String>,
    q: web::Query<Query>,
) -> Result<HttpResponse, AppError> {
    let items = suggestions(&list, &q.q).ok_or(AppError::NotFound)?;
    let body: Vec<Suggestion> = items
        .into_iter()
        .map(|(code, label)| Suggestion { code, label })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// A directory entry as the form fills it in.
#[derive(Debug, Clone, Serialize)]
pub struct PartyFill {
    pub name: String,
    pub country_code: String,
    pub admin_code: String,
    pub uscc: String,
    pub nature_code: String,
    pub address: String,
    pub zipcode: String,
    pub representative: String,
    pub contact: String,
    pub phone: String,
    pub updated: String,
    pub updated_by: String,
}

impl From<PartyRow> for PartyFill {
    fn from(p: PartyRow) -> Self {
        let d = p.details;
        PartyFill {
            updated: super::page::format_cst(p.updated_at),
            name: d.name,
            country_code: d.country_code,
            admin_code: d.admin_code,
            uscc: d.id_code,
            nature_code: d.nature_code,
            address: d.address,
            zipcode: d.zipcode,
            representative: d.representative,
            contact: d.contact,
            phone: d.phone,
            updated_by: p.updated_by,
        }
    }
}

/// Directory entries for what was typed, as the form fills them in (`filing::find_parties`).
pub async fn find_parties(
    state: &AppState,
    authority: String,
    q: &str,
) -> Result<Vec<PartyFill>, AppError> {
    let q = q.to_owned();
    let rows = with_conn(state, move |c| Ok(filing::find_parties(c, &authority, &q)?)).await?;
    Ok(rows.into_iter().map(PartyFill::from).collect())
}

pub async fn parties(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: web::Query<Query>,
) -> Result<HttpResponse, AppError> {
    let authority = user.account.authority_code.clone().unwrap_or_default();
    let found = find_parties(&state, authority, &q.q).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_by_code_prefix_or_name() {
        let by_code = suggestions("regions", "1101").unwrap();
        assert!(by_code.iter().any(|(c, _)| c == "110108"));
        let by_name = suggestions("regions", "海淀").unwrap();
        assert!(by_name.iter().any(|(c, _)| c == "110108"), "{by_name:?}");
        assert!(suggestions("regions", "").unwrap().len() <= MAX_SUGGESTIONS);
        let fields = suggestions("tech_fields", "新材料").unwrap();
        assert_eq!(fields.len(), 1);
        assert!(
            suggestions("natures", "１５０")
                .unwrap()
                .iter()
                .any(|(c, _)| c == "150"),
            "full-width digits"
        );
        assert!(suggestions("colours", "x").is_none());
    }
}
