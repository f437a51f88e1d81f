//! The public check of a registration certificate (`GET /verify/{code}`): anyone holding a
//! certificate learns whether it is genuine — its number, the contract's state and the
//! registration date, nothing else about the contract.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::db::certificates::Checked;
use crate::domain::dates;
use crate::domain::regnum::grouped_text;
use crate::domain::verification::VerificationCode;
use crate::web::page::{Ctx, render, see_other};
use crate::web::{AppError, AppState, with_conn};

/// What a check found.
struct Found {
    number: String,
    status_line: &'static str,
    registered_on: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    ctx: Ctx,
    /// The code as typed (or as in the address).
    code: String,
    found: Option<Found>,
    /// Why nothing is shown: a malformed or unknown code.
    error: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

/// `GET /verify`: the form; with `?code=` it goes to that code's address.
pub async fn form(
    state: web::Data<AppState>,
    ctx: Ctx,
    q: web::Query<CodeQuery>,
) -> Result<HttpResponse, AppError> {
    let typed = q.into_inner().code.unwrap_or_default();
    if typed.trim().is_empty() {
        let page = VerifyPage {
            ctx,
            code: String::new(),
            found: None,
            error: None,
        };
        return render(&page, StatusCode::OK);
    }
    match VerificationCode::parse(&typed) {
        Some(code) => Ok(see_other(
            &format!("/verify/{}", code.as_str()),
            None,
            state.settings.secure_cookies,
        )),
        None => malformed(ctx, typed),
    }
}

/// `GET /verify/{code}`: the certificate with that code.
pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let typed = code.into_inner();
    let Some(code) = VerificationCode::parse(&typed) else {
        return malformed(ctx, typed);
    };
    let lookup = code.clone();
    let checked = with_conn(&state, move |c| Ok(db::certificates::check(c, &lookup)?)).await?;
    let found = checked.and_then(
        |Checked {
             registration_number,
             status,
             registered_on,
             amended_on,
         }| {
            Some(Found {
                number: grouped_text(&registration_number?),
                status_line: status.certificate_line(amended_on.is_some())?,
                registered_on: dates::format_date(registered_on?),
            })
        },
    );
    let status = if found.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let error = found
        .is_none()
        .then_some("未找到与该验证码对应的登记证明，请核对证明上印制的验证码");
    let page = VerifyPage {
        ctx,
        code: code.to_string(),
        found,
        error,
    };
    render(&page, status)
}

fn malformed(ctx: Ctx, typed: String) -> Result<HttpResponse, AppError> {
    let page = VerifyPage {
        ctx,
        code: typed.chars().take(64).collect(),
        found: None,
        error: Some(
            "验证码格式有误：应为登记证明上印制的 16 位字母和数字（如 7K3Q-9XMD-0ABC-DEFG）",
        ),
    };
    render(&page, StatusCode::UNPROCESSABLE_ENTITY)
}
