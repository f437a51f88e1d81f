//! Contract pages: the list (`list`) and its downloads (`export`), the category forms with drafts and submission (`form`),
//! the contract page (`show`) and attachment downloads (`attachments`). Handlers stay thin: the
//! rules live in `domain::rules`, the lifecycle in `filing`.

mod attachments;
mod certificate;
mod export;
mod form;
mod list;
mod show;

pub use attachments::attachment;
pub use certificate::{certificate, certificate_pdf};
pub use export::{csv as export_csv, xlsx as export_xlsx};
pub use form::{create, edit, new, submit, update};
pub(super) use list::category_choices;
pub use list::index;
pub use show::show;
pub(super) use show::{ReviewPanel, display_value, show_page};

use crate::db::contracts::ContractRow;
use crate::db::users::Account;
use crate::db::{self};
use crate::web::{AppError, AppState, with_conn};

pub(crate) async fn scoped_contract(
    state: &AppState,
    account: &Account,
    id: i64,
) -> Result<ContractRow, AppError> {
    let scope = account.scope();
    with_conn(state, move |c| {
        db::contracts::find_in_scope(c, &scope, id)?.ok_or(AppError::NotFound)
    })
    .await
}
