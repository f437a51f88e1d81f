//! The web boundary's error type: every failure becomes a zh error page with the right status.

use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use super::page::Ctx;
use super::request::Identity;
use crate::accounts::AccountError;
use crate::domain::field_errors::FieldErrors;
use crate::filing::FilingError;
use crate::review::ReviewError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("页面不存在")]
    NotFound,
    #[error("您无权访问此页面")]
    Forbidden,
    /// A forbidden action with the reason the user is told.
    #[error("{0}")]
    Refused(String),
    #[error("请求有误：{0}")]
    BadRequest(String),
    #[error("数据库错误")]
    Db(#[from] diesel::result::Error),
    #[error("数据库连接不可用")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("页面渲染失败")]
    Template(#[from] askama::Error),
    #[error("服务器繁忙")]
    Blocking(#[from] actix_web::error::BlockingError),
    #[error("内部错误")]
    Other(#[from] anyhow::Error),
}

/// Field errors that reach the boundary without a form to show them on.
fn invalid(errors: &FieldErrors) -> AppError {
    let messages: Vec<&str> = errors.iter().map(|(_, m)| m).collect();
    AppError::BadRequest(messages.join("；"))
}

impl From<rust_xlsxwriter::XlsxError> for AppError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        AppError::Other(anyhow::anyhow!("工作簿生成失败：{e}"))
    }
}

impl From<crate::export::pdf::PdfError> for AppError {
    fn from(e: crate::export::pdf::PdfError) -> Self {
        AppError::Other(anyhow::anyhow!("PDF 生成失败：{e}"))
    }
}

impl From<crate::amendment::AmendmentError> for AppError {
    fn from(e: crate::amendment::AmendmentError) -> Self {
        use crate::amendment::AmendmentError as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::Forbidden(m) => AppError::Refused(m.into()),
            E::NotPermitted(m) => AppError::Refused(m.to_string()),
            E::Stale(m) => AppError::Refused(m),
            E::Invalid { errors, .. } => invalid(&errors),
            E::Db(e) => AppError::Db(e),
        }
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid(errors) => invalid(&errors),
            AccountError::NotFound => AppError::NotFound,
            AccountError::Forbidden => AppError::Forbidden,
            AccountError::Db(e) => AppError::Db(e),
            AccountError::Hash(e) => AppError::Other(anyhow::anyhow!(e.to_string())),
        }
    }
}

impl From<FilingError> for AppError {
    fn from(e: FilingError) -> Self {
        match e {
            FilingError::Invalid { errors, .. } => invalid(&errors),
            FilingError::Stale { .. } => {
                AppError::Refused("此合同在您打开后已被修改，请重新打开后再操作。".into())
            }
            FilingError::NotFound => AppError::NotFound,
            FilingError::Forbidden(m) => AppError::Refused(m.into()),
            FilingError::Db(e) => AppError::Db(e),
        }
    }
}

impl From<ReviewError> for AppError {
    fn from(e: ReviewError) -> Self {
        match e {
            ReviewError::Invalid(errors) => invalid(&errors),
            ReviewError::NotFound => AppError::NotFound,
            ReviewError::Forbidden(m) => AppError::Refused(m.to_string()),
            ReviewError::Stale { .. } => {
                AppError::Refused("此合同已被处理或修改，请刷新后查看。".into())
            }
            ReviewError::SerialsExhausted { office, year } => AppError::Refused(format!(
                "登记机构 {office} 在 {year} 年的合同登记编号流水号已用完，无法再准予登记，请联系部级管理员。"
            )),
            ReviewError::Db(e) => AppError::Db(e),
        }
    }
}

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage<'a> {
    pub status: u16,
    pub title: &'a str,
    pub message: &'a str,
}

/// The same page inside the application's frame, for a signed-in user: the navigation stays.
#[derive(Template)]
#[template(path = "errors/signed_in.html")]
struct SignedInErrorPage<'a> {
    ctx: Ctx,
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// What an error page said, kept on the response so that the error handler can show it again
/// with the navigation once it knows who asked.
#[derive(Debug, Clone)]
struct Said {
    title: String,
    message: String,
}

impl ErrorPage<'_> {
    /// Renders the page; falls back to plain text if even that fails. Error pages are never
    /// cached: what they say (not found, busy, refused) holds for this request only.
    pub fn response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = HttpResponse::build(status);
        res.insert_header((header::CACHE_CONTROL, "no-store"));
        let mut res = match self.render() {
            Ok(body) => res.content_type("text/html; charset=utf-8").body(body),
            Err(_) => res
                .content_type("text/plain; charset=utf-8")
                .body(self.message.to_owned()),
        };
        res.extensions_mut().insert(Said {
            title: self.title.to_owned(),
            message: self.message.to_owned(),
        });
        res
    }
}

/// An error page for a signed-in user, with the navigation; `None` for anonymous requests.
fn framed(req: &HttpRequest, status: StatusCode, said: &Said) -> Option<HttpResponse> {
    req.extensions().get::<Identity>()?;
    let ctx = Ctx {
        notice: None,
        ..Ctx::from_request(req)
    };
    let body = SignedInErrorPage {
        ctx,
        status: status.as_u16(),
        title: &said.title,
        message: &said.message,
    }
    .render()
    .ok()?;
    Some(
        HttpResponse::build(status)
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type("text/html; charset=utf-8")
            .body(body),
    )
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Refused(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Pool(_) | AppError::Blocking(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(e) if crate::db::is_busy(e) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (title, message) = match self {
            AppError::NotFound => (
                "页面不存在",
                "您要找的页面不存在，或不在您的权限范围内。".to_owned(),
            ),
            AppError::Forbidden => (
                "无权访问",
                "您的账号无权执行此操作。如需权限，请联系管理员。".to_owned(),
            ),
            AppError::BadRequest(m) => ("请求有误", m.clone()),
            AppError::Refused(m) => ("操作未执行", m.clone()),
            AppError::Pool(_) | AppError::Blocking(_) => {
                ("服务暂不可用", "系统繁忙，请稍后重试。".to_owned())
            }
            AppError::Db(e) if crate::db::is_busy(e) => (
                "系统繁忙",
                "系统正在写入大批数据（如批量导入），本次操作未执行，也未保存任何内容。请用浏览器的“后退”回到刚才的页面，稍后再提交。".to_owned(),
            ),
            _ => (
                "系统错误",
                "系统发生内部错误，已记录日志。请稍后重试或联系管理员。".to_owned(),
            ),
        };
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let mut response = ErrorPage {
            status: status.as_u16(),
            title,
            message: &message,
        }
        .response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
        }
        response
    }
}

impl AppError {
    /// The error page itself, for places that answer without a handler (the gate).
    pub fn into_page(self) -> HttpResponse {
        self.error_response()
    }
}

/// The zh title and message of an error status.
fn status_text(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("请求有误", "提交的内容格式有误，请返回页面重试。"),
        401 => ("请先登录", "请登录后再访问此页面。"),
        403 => (
            "无权访问",
            "您的账号无权执行此操作。如需权限，请联系管理员。",
        ),
        404 => ("页面不存在", "您要找的页面不存在，或不在您的权限范围内。"),
        405 => ("不支持的请求", "此页面不支持该请求方式。"),
        413 => ("内容过大", "提交的内容超过了允许的大小。"),
        415 => ("格式不支持", "提交内容的格式不受支持。"),
        429 => ("请求过于频繁", "请稍后再试。"),
        s if s >= 500 => (
            "系统错误",
            "系统发生内部错误，已记录日志。请稍后重试或联系管理员。",
        ),
        _ => ("请求未完成", "请求未能完成，请返回页面重试。"),
    }
}

/// The error page for a status (used where the framework, not a handler, refused a request).
pub fn page_for_status(status: StatusCode) -> HttpResponse {
    let (title, message) = status_text(status);
    ErrorPage {
        status: status.as_u16(),
        title,
        message,
    }
    .response()
}

/// Turns the framework's plain-text error responses (bad form or path, wrong method, too
/// large) into the zh error page; pages rendered by the application pass unchanged.
pub fn plain_errors_as_pages<B>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let status = res.status();
    let said = res.response().extensions().get::<Said>().cloned();
    let allow = res.headers().get(header::ALLOW).cloned();
    if is_html && said.is_none() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, res) = res.into_parts();
    // For a signed-in user every error page is shown in the application's frame, with the
    // navigation: the application's own pages as they were worded, the framework's by status.
    let said = said.unwrap_or_else(|| {
        let (title, message) = status_text(status);
        Said {
            title: title.to_owned(),
            message: message.to_owned(),
        }
    });
    let mut page = match framed(&req, status, &said) {
        Some(mut page) => {
            // Keep what the response already said besides its body: cookies the gate set,
            // Retry-After, Allow.
            for (name, value) in res.headers() {
                if name == header::SET_COOKIE {
                    page.headers_mut().append(name.clone(), value.clone());
                } else if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                    page.headers_mut().insert(name.clone(), value.clone());
                }
            }
            page
        }
        None if is_html => {
            return Ok(ErrorHandlerResponse::Response(
                ServiceResponse::new(req, res).map_into_left_body(),
            ));
        }
        None => page_for_status(status),
    };
    if let Some(allow) = allow {
        page.headers_mut().insert(header::ALLOW, allow);
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, page).map_into_right_body(),
    ))
}
