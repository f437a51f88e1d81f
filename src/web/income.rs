//! 技术性收入核定 on the web: a registered contract's income entries with their totals and the
//! seller's totals per year, the office's form to add one, and the printable 核定表.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::contracts::scoped_contract;
use super::form_data::FormData;
use super::page::{Ctx, CurrentUser, render, see_other};
use super::{AppError, AppState, with_conn};
use crate::db::contracts::ContractRow;
use crate::db::income::IncomeRow;
use crate::db::{self};
use crate::domain::attachment::{self, AttachmentKind};
use crate::domain::dates;
use crate::domain::field_errors::FieldErrors;
use crate::domain::income::IncomeInput;
use crate::domain::money::Money;
use crate::domain::regnum::grouped_text;
use crate::domain::role::Role;
use crate::domain::status::Status;
use crate::income::{self as recording, IncomeError};

/// One entry as listed.
struct EntryView {
    period: String,
    received: String,
    verified: String,
    verifier: String,
    verified_on: String,
    attachment_id: Option<i64>,
    note: String,
}

/// The seller's totals of one year (of the end of the income periods).
struct YearTotal {
    year: i32,
    received: String,
    verified: String,
}

/// What both pages show.
struct Sheet {
    contract_id: i64,
    number: String,
    project_name: String,
    seller_name: String,
    seller_uscc: String,
    buyer_name: String,
    total: String,
    technical: String,
    entries: Vec<EntryView>,
    received_total: String,
    verified_total: String,
    /// The verified income so far exceeds the 技术交易额 registered: the contract may need a
    /// change (变更登记) before the relief is claimed.
    beyond_registered: bool,
    seller_years: Vec<YearTotal>,
}

#[derive(Template)]
#[template(path = "income/index.html")]
struct IncomePage {
    ctx: Ctx,
    sheet: Sheet,
    can_record: bool,
    /// The form's one-line fields: name, label, what was typed.
    fields: Vec<(&'static str, &'static str, String)>,
    form: IncomeInput,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "income/sheet.html")]
struct SheetPage {
    sheet: Sheet,
    printed_on: String,
}

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).yuan_grouped()
}

async fn sheet(state: &AppState, user: &CurrentUser, row: ContractRow) -> Result<Sheet, AppError> {
    if row.status != Status::Registered && row.status != Status::Cancelled {
        return Err(AppError::NotFound);
    }
    let (id, uscc, scope) = (row.id, row.seller_uscc.clone(), user.account.scope());
    let (entries, seller): (Vec<IncomeRow>, _) = with_conn(state, move |c| {
        let seller = if uscc.is_empty() {
            Vec::new()
        } else {
            db::income::of_seller(c, &uscc, &scope)?
        };
        Ok((db::income::for_contract(c, id)?, seller))
    })
    .await?;
    let received: i64 = entries.iter().map(|e| e.received_fen).sum();
    let verified: i64 = entries.iter().map(|e| e.verified_fen).sum();
    let mut years: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    for (to, r, v) in seller {
        let y = years.entry(chrono::Datelike::year(&to)).or_default();
        y.0 += r;
        y.1 += v;
    }
    Ok(Sheet {
        contract_id: row.id,
        number: row
            .registration_number
            .as_deref()
            .map(grouped_text)
            .unwrap_or_default(),
        project_name: row.project_name.clone(),
        seller_name: row.seller_name.clone(),
        seller_uscc: row.seller_uscc.clone(),
        buyer_name: row.buyer_name.clone(),
        total: yuan(row.total_fen.unwrap_or(0)),
        technical: yuan(row.technical_fen.unwrap_or(0)),
        beyond_registered: verified > row.technical_fen.unwrap_or(0),
        entries: entries
            .into_iter()
            .map(|e| EntryView {
                period: format!(
                    "{} 至 {}",
                    dates::format_date(e.period_from),
                    dates::format_date(e.period_to)
                ),
                received: yuan(e.received_fen),
                verified: yuan(e.verified_fen),
                verifier: e.verifier,
                verified_on: dates::format_date(e.verified_on),
                attachment_id: e.attachment_id,
                note: e.note,
            })
            .collect(),
        received_total: yuan(received),
        verified_total: yuan(verified),
        seller_years: years
            .into_iter()
            .map(|(year, (r, v))| YearTotal {
                year,
                received: yuan(r),
                verified: yuan(v),
            })
            .collect(),
    })
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    form: IncomeInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let row = scoped_contract(state, &user.account, id).await?;
    let can_record = user.account.role == Role::Clerk && row.status == Status::Registered;
    let sheet = sheet(state, user, row).await?;
    let fields = [
        ("period_from", "收入期间起", &form.period_from),
        ("period_to", "收入期间止", &form.period_to),
        ("received_yuan", "实际收款额（元）", &form.received_yuan),
        ("verified_yuan", "核定技术性收入（元）", &form.verified_yuan),
        ("verifier", "核定人", &form.verifier),
        ("verified_on", "核定日期", &form.verified_on),
    ]
    .into_iter()
    .map(|(n, l, v)| (n, l, v.clone()))
    .collect();
    render(
        &IncomePage {
            ctx,
            sheet,
            can_record,
            fields,
            form,
            errors,
        },
        status,
    )
}

/// `GET /contracts/{id}/income`.
pub async fn index(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let form = IncomeInput {
        verified_on: dates::format_date(dates::today_cst(chrono::Utc::now())),
        verifier: user.account.display_name.clone(),
        ..Default::default()
    };
    page(
        &state,
        ctx,
        &user,
        id.into_inner(),
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /contracts/{id}/income`: adds an entry (the fields of `IncomeInput::FIELDS`, and an
/// optional `evidence` file).
pub async fn create(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
    data: FormData,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mut input = IncomeInput::default();
    for name in IncomeInput::FIELDS {
        input.set(name, data.get(name).unwrap_or_default());
    }
    let mut errors = FieldErrors::new();
    let mut evidence = None;
    match data
        .files
        .into_iter()
        .filter(|f| f.field == "evidence")
        .collect::<Vec<_>>()
        .as_mut_slice()
    {
        [] => {}
        [file] => match attachment::check(
            AttachmentKind::Evidence,
            &file.filename,
            std::mem::take(&mut file.bytes),
        ) {
            Ok(u) => evidence = Some(u),
            Err(e) => errors.add("evidence", e.to_string()),
        },
        _ => errors.add("evidence", "每次只能上传一个核定凭证"),
    }
    if !errors.is_empty() {
        return page(
            &state,
            ctx,
            &user,
            id,
            input,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let (actor, account, typed) = (user.actor.clone(), user.account.clone(), input.clone());
    let result = with_conn(&state, move |c| {
        Ok(recording::record(
            c,
            &actor,
            &account,
            id,
            &typed,
            evidence.as_ref(),
            db::now(),
        ))
    })
    .await?;
    match result {
        Ok(_) => Ok(see_other(
            &format!("/contracts/{id}/income"),
            Some("income_recorded"),
            state.settings.secure_cookies,
        )),
        Err(IncomeError::Invalid(errors)) => {
            page(
                &state,
                ctx,
                &user,
                id,
                input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(IncomeError::NotFound) => Err(AppError::NotFound),
        Err(IncomeError::Forbidden(m)) => Err(AppError::Refused(m.into())),
        Err(IncomeError::Db(e)) => Err(AppError::Db(e)),
    }
}

/// `GET /contracts/{id}/income/sheet`: the printable 技术性收入核定表.
pub async fn printable(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let row = scoped_contract(&state, &user.account, id.into_inner()).await?;
    let sheet = sheet(&state, &user, row).await?;
    render(
        &SheetPage {
            sheet,
            printed_on: dates::format_date(dates::today_cst(chrono::Utc::now())),
        },
        StatusCode::OK,
    )
}
