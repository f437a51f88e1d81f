//! Attachments of a contract: listing them within the scope and downloading one.

use actix_web::{HttpResponse, web};

use super::scoped_contract;
use crate::db::attachments::AttachmentInfo;
use crate::db::users::Account;
use crate::db::{self};
use crate::web::page::CurrentUser;
use crate::web::{AppError, AppState, with_conn};

/// The attachments of contract `id` (none for a new one). The contract is looked up in the
/// account's scope first, in the same task: out of scope is 404, never another office's list.
pub(super) async fn attachments_of(
    state: &AppState,
    account: &Account,
    id: Option<i64>,
) -> Result<Vec<AttachmentInfo>, AppError> {
    let Some(id) = id else {
        return Ok(Vec::new());
    };
    let scope = account.scope();
    with_conn(state, move |c| {
        let row = db::contracts::find_in_scope(c, &scope, id)?.ok_or(AppError::NotFound)?;
        Ok(db::attachments::list_for(c, row.id)?)
    })
    .await
}

pub async fn attachment(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (contract_id, attachment_id) = path.into_inner();
    let row = scoped_contract(&state, &user.account, contract_id).await?;
    let (info, bytes) = with_conn(&state, move |c| {
        db::attachments::load(c, row.id, attachment_id)?.ok_or(AppError::NotFound)
    })
    .await?;
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        percent_encode(&info.display_name())
    );
    Ok(HttpResponse::Ok()
        .content_type(info.content_type)
        .insert_header(("Content-Disposition", disposition))
        .body(bytes))
}

/// RFC 5987 encoding of a file name for `Content-Disposition`.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
