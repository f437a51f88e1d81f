//! Downloads of the filtered contract list: the contracts CSV of interchange.md §1, streamed
//! page by page so a national list never sits in memory, and a workbook with zh headers for
//! lists small enough to open in a spreadsheet.

use actix_web::{HttpResponse, web};
use futures_util::stream;

use super::list::ListQuery;
use crate::audit::{Actor, Entry};
use crate::db::contracts::{ContractFilter, ContractRow, Cursor, Sort};
use crate::db::{self, DbConn};
use crate::domain::money::grouped_count;
use crate::domain::role::Scope;
use crate::export::{contracts_csv, workbook};
use crate::web::page::CurrentUser;
use crate::web::{AppError, AppState, with_conn};

/// Rows read per round while a download is written.
const EXPORT_PAGE: i64 = 1_000;

/// The most rows a workbook download holds; a longer list is offered as CSV only (a
/// spreadsheet of more is hard to use, and the workbook is built before it is sent).
pub const MAX_XLSX_ROWS: i64 = 100_000;

/// One list download: what it covers, checked and audited before the first byte is written.
struct Download {
    scope: Scope,
    filter: ContractFilter,
    sort: Sort,
}

impl Download {
    /// Reads the query (a filter that cannot be read is refused, as the list says it), then
    /// records who downloaded what.
    async fn start(
        state: &AppState,
        user: CurrentUser,
        query: ListQuery,
        format: &'static str,
    ) -> Result<Download, AppError> {
        let (filter, errors) = query.filter();
        if let Some(e) = errors.first() {
            return Err(AppError::BadRequest((*e).to_owned()));
        }
        let scope = user.account.scope();
        let download = Download {
            scope,
            filter,
            sort: Sort::parse(&query.sort),
        };
        let entry = Entry {
            action: "contract.export",
            object_type: "contract_list",
            object_id: format.to_owned(),
            authority_code: user.account.authority_code.clone(),
            summary: query.describe(),
        };
        let actor: Actor = user.actor;
        with_conn(state, move |c| {
            db::write_transaction(c, |c| db::audit::record(c, &actor, entry, db::now()))?;
            Ok(())
        })
        .await?;
        Ok(download)
    }

    /// The next page of the list after `after` (None: the first page).
    fn page(
        &self,
        conn: &mut DbConn,
        after: Option<&Cursor>,
    ) -> Result<(Vec<ContractRow>, Option<Cursor>), AppError> {
        Ok(db::contracts::list(
            conn,
            &self.scope,
            &self.filter,
            self.sort,
            after,
            EXPORT_PAGE,
        )?)
    }
}

/// Where a streamed CSV has got to.
enum Next {
    Header,
    Page(Option<Cursor>),
    Done,
}

/// `GET /contracts/export.csv`: every contract of the filtered list, in the list's order.
pub async fn csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let download = std::sync::Arc::new(Download::start(&state, user, q.into_inner(), "csv").await?);
    let state = state.into_inner();
    let body = stream::try_unfold(Next::Header, move |next| {
        let (state, download) = (state.clone(), download.clone());
        async move {
            let (text, next) = match next {
                Next::Done => return Ok(None),
                Next::Header => (contracts_csv::header_line(), Next::Page(None)),
                Next::Page(after) => {
                    let (rows, cursor) =
                        with_conn(&state, move |c| download.page(c, after.as_ref())).await?;
                    let mut text = String::with_capacity(rows.len() * 600);
                    for row in &rows {
                        contracts_csv::push_contract(&mut text, row);
                    }
                    (text, cursor.map_or(Next::Done, |c| Next::Page(Some(c))))
                }
            };
            Ok::<_, AppError>(Some((web::Bytes::from(text), next)))
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}.csv\"", file_stem()),
        ))
        .streaming(body))
}

/// `GET /contracts/export.xlsx`: the filtered list as a workbook, up to [`MAX_XLSX_ROWS`] rows.
pub async fn xlsx(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let download = Download::start(&state, user, q.into_inner(), "xlsx").await?;
    let bytes = with_conn(&state, move |c| {
        // One pass: rows are added page by page and the download is refused as soon as the
        // list proves longer than the limit (a page is only offered when more rows follow).
        let mut book = workbook::ContractList::new()?;
        let mut after = None;
        loop {
            let (rows, next) = download.page(c, after.as_ref())?;
            if past_limit(book.rows() as usize + rows.len(), next.is_some()) {
                return Err(AppError::BadRequest(format!(
                    "符合条件的合同超过 {} 份，超出 Excel 下载的上限：请缩小筛选范围，或下载 CSV 文件",
                    grouped_count(MAX_XLSX_ROWS)
                )));
            }
            for row in &rows {
                book.push(row)?;
            }
            match next {
                Some(cursor) => after = Some(cursor),
                None => break,
            }
        }
        Ok(book.finish()?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}.xlsx\"", file_stem()),
        ))
        .body(bytes))
}

/// Whether a list of which `held` rows are read, with more to come when `more`, is longer than
/// a workbook may hold.
fn past_limit(held: usize, more: bool) -> bool {
    let limit = MAX_XLSX_ROWS as usize;
    held > limit || (held == limit && more)
}

/// `contracts-YYYYMMDD`, the day in China Standard Time.
fn file_stem() -> String {
    let today = crate::domain::dates::today_cst(chrono::Utc::now());
    format!("contracts-{}", today.format("%Y%m%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_holds_the_limit_and_not_one_row_more() {
        let limit = MAX_XLSX_ROWS as usize;
        assert!(!past_limit(limit - 1, true));
        assert!(!past_limit(limit, false));
        assert!(past_limit(limit, true));
        assert!(past_limit(limit + 1, false));
    }
}
