//! The batch upload of contracts (interchange.md §1): the upload page with the column summary,
//! the template workbook, the upload itself and the download of its problem list. The import
//! rules live in `crate::batch`; this module only moves files and reports.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::form_data::FormData;
use super::page::{Ctx, CurrentUser, format_cst, html, render, see_other};
use super::{AppError, AppState, with_conn};
use crate::batch::{self, Importer};
use crate::db::{self, import_reports::NewImportReport};
use crate::domain::contract_file;
use crate::export::workbook;
use crate::input::csv_file;

/// The largest file the upload takes; bigger batches go through the command line.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// Problem lines shown on the page; the download has them all.
const SHOWN_LINES: usize = 1000;

struct ColumnRow {
    name: &'static str,
    label: &'static str,
    when: &'static str,
    what: String,
}

/// One problem line as the page lists it: row, column with its zh label, what to correct.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ProblemRow {
    /// The spreadsheet row; empty for a problem of the whole file.
    row: String,
    column: String,
    label: &'static str,
    message: String,
    /// The contract a duplicate repeats (`#id` in the message), for a link to its page.
    contract: Option<i64>,
}

/// Reads a `row N, column: 说明` or `file: 说明` line back; warnings are the messages that start
/// with 警告：. The downloadable report keeps the lines as they are.
fn problem_row(line: &str) -> (bool, ProblemRow) {
    let (row, column, message) = csv_file::split_problem(line);
    let (warning, message) = match message.strip_prefix("警告：") {
        Some(m) => (true, m),
        None => (false, message),
    };
    let contract = message.split_once('#').and_then(|(_, rest)| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    });
    let label = match column {
        "" => "整个文件",
        c => contract_file::column_label(c),
    };
    (
        warning,
        ProblemRow {
            row: row.to_owned(),
            column: column.to_owned(),
            label,
            message: message.to_owned(),
            contract,
        },
    )
}

/// What the last import did, as the page shows it.
struct Outcome {
    succeeded: bool,
    file_name: String,
    at: String,
    summary: String,
    errors: Vec<ProblemRow>,
    warnings: Vec<ProblemRow>,
    /// How many lines of each the whole report holds (the page shows at most SHOWN_LINES).
    error_count: usize,
    warning_count: usize,
    total_lines: usize,
    shown_lines: usize,
    report_id: i64,
}

impl Outcome {
    fn new(
        succeeded: bool,
        file_name: String,
        at: String,
        summary: String,
        lines: &[String],
        report_id: i64,
    ) -> Outcome {
        let shown = &lines[..lines.len().min(SHOWN_LINES)];
        let warning_count = lines.iter().filter(|l| problem_row(l).0).count();
        let (warnings, errors): (Vec<_>, Vec<_>) =
            shown.iter().map(|l| problem_row(l)).partition(|(w, _)| *w);
        Outcome {
            succeeded,
            file_name,
            at,
            summary,
            errors: errors.into_iter().map(|(_, r)| r).collect(),
            warnings: warnings.into_iter().map(|(_, r)| r).collect(),
            error_count: lines.len() - warning_count,
            warning_count,
            total_lines: lines.len(),
            shown_lines: shown.len(),
            report_id,
        }
    }
}

#[derive(Template)]
#[template(path = "imports/contracts.html")]
struct ImportPage {
    ctx: Ctx,
    /// A clerk's own office (clerks import only its submitted contracts).
    office: Option<String>,
    may_register: bool,
    max_mb: usize,
    columns: Vec<ColumnRow>,
    upload_error: Option<String>,
    outcome: Option<Outcome>,
}

fn importer_of(user: &CurrentUser) -> Result<Importer, AppError> {
    Importer::of(&user.account).ok_or(AppError::Forbidden)
}

fn page(ctx: Ctx, importer: &Importer) -> ImportPage {
    let (office, may_register) = match importer {
        Importer::Clerk { office_code, .. } => (Some(office_code.clone()), false),
        _ => (None, true),
    };
    ImportPage {
        ctx,
        office,
        may_register,
        max_mb: MAX_UPLOAD_BYTES >> 20,
        columns: contract_file::columns()
            .map(|name| {
                let (when, what) = contract_file::column_help(name);
                ColumnRow {
                    name,
                    label: contract_file::column_label(name),
                    when,
                    what,
                }
            })
            .collect(),
        upload_error: None,
        outcome: None,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    report: Option<i64>,
}

/// The upload page; `?report=ID` shows the outcome of the user's last import.
pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    q: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let importer = importer_of(&user)?;
    let mut p = page(ctx, &importer);
    if let Some(id) = q.report {
        let user_id = user.account.id;
        let report = with_conn(&state, move |c| {
            Ok(db::import_reports::find_own(c, user_id, id)?)
        })
        .await?;
        p.outcome = report.map(|r| {
            let lines: Vec<String> = r.body.lines().map(str::to_owned).collect();
            Outcome::new(
                r.succeeded,
                r.file_name,
                format_cst(r.created_at),
                r.summary,
                &lines,
                r.id,
            )
        });
    }
    html(&p)
}

/// Takes the uploaded file and imports it: 303 to the page with the outcome when it was
/// imported, 422 with every problem when nothing was.
pub async fn upload(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    data: FormData,
) -> Result<HttpResponse, AppError> {
    let importer = importer_of(&user)?;
    let file = data.files.into_iter().find(|f| f.field == "file");
    let refuse = |ctx: Ctx, status: StatusCode, message: String| {
        let mut p = page(ctx, &importer);
        p.upload_error = Some(message);
        render(&p, status)
    };
    let Some(file) = file else {
        return refuse(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "请选择要导入的 CSV 或 Excel（.xlsx）文件".into(),
        );
    };
    if file.bytes.len() > MAX_UPLOAD_BYTES {
        return refuse(
            ctx,
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "文件“{}”超过 {} MB，未导入。请拆分为多个文件上传，或由系统管理员在命令行用 techreg import contracts 导入。",
                file.filename,
                MAX_UPLOAD_BYTES >> 20
            ),
        );
    }
    let file_name: String = file.filename.chars().take(200).collect();
    let (actor, user_id) = (user.actor.clone(), user.account.id);
    let stored_importer = importer.clone();
    let name = file_name.clone();
    let (report_id, outcome) = with_conn(&state, move |c| {
        let now = db::now();
        let result = batch::import_file(c, &actor, &stored_importer, &name, &file.bytes, now);
        let (succeeded, summary, lines) = match &result {
            Ok(s) => (true, s.describe(), s.warnings.clone()),
            Err(p) => (false, p.describe(), p.lines.clone()),
        };
        let mut body = lines.join("\n");
        if !body.is_empty() {
            body.push('\n');
        }
        let id = db::import_reports::replace(
            c,
            &NewImportReport {
                user_id,
                created_at: now,
                file_name: &name,
                succeeded,
                summary: &summary,
                body: &body,
            },
        )?;
        let outcome = Outcome::new(
            succeeded,
            name.clone(),
            format_cst(now),
            summary,
            &lines,
            id,
        );
        Ok((id, outcome))
    })
    .await?;
    if outcome.succeeded {
        return Ok(see_other(
            &format!("/imports/contracts?report={report_id}"),
            Some("contracts_imported"),
            state.settings.secure_cookies,
        ));
    }
    let mut p = page(ctx, &importer);
    p.outcome = Some(outcome);
    render(&p, StatusCode::UNPROCESSABLE_ENTITY)
}

/// The template workbook: the header row with a note per column, instructions, code lists.
pub async fn template() -> Result<HttpResponse, AppError> {
    let bytes = web::block(|| workbook::template(&[])).await??;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"contracts-template.xlsx\"",
        ))
        .body(bytes))
}

/// The problem list of the user's own report `id`, as a UTF-8 text file.
pub async fn report_text(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, user_id) = (path.into_inner(), user.account.id);
    let report = with_conn(&state, move |c| {
        db::import_reports::find_own(c, user_id, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"import-report-{id}.txt\""),
        ))
        .body(report.body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_lines_read_back_as_row_column_and_message() {
        let (warning, r) = problem_row("row 3, seller_uscc: 卖方统一社会信用代码校验位错误");
        assert!(!warning);
        assert_eq!((r.row.as_str(), r.column.as_str()), ("3", "seller_uscc"));
        assert_eq!(r.label, "卖方统一社会信用代码");
        assert_eq!(r.message, "卖方统一社会信用代码校验位错误");
        let (warning, r) = problem_row("row 12, total_amount_yuan: 警告：成交额不足 1000 元");
        assert!(warning);
        assert_eq!(r.message, "成交额不足 1000 元");
        assert_eq!(r.label, "成交额（元）");
        let (_, r) = problem_row("file: 文件中没有数据行");
        assert_eq!((r.row.as_str(), r.label), ("", "整个文件"));
        assert_eq!(r.message, "文件中没有数据行");
        let (_, r) = problem_row(
            "row 2, project_name: 重复登记：与已登记的合同 2016 4401 01 000001（#17）的卖方、买方、签订日期和项目名称相同",
        );
        assert_eq!(r.contract, Some(17));
        let (_, r) = problem_row("row 2, registered_on: 登记日期格式有误");
        assert_eq!(r.contract, None);
    }
}
