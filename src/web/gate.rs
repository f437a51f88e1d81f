//! The gate every request passes: it resolves the session, checks the origin and CSRF token of
//! every POST, applies the route table's role rule, forces a first password change, and sets
//! the per-request facts (identity, client address, CSRF token) handlers read.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpan, RootSpanBuilder};

use super::form_data::{FormData, Limits};
use super::request::{
    ANON_CSRF_COOKIE, ClientIp, CsrfToken, Identity, NOTICE_COOKIE, SESSION_COOKIE, client_ip,
    cookie, removal,
};
use super::{Allow, AppState, access_for, auth, with_conn};
use crate::auth::session;
use crate::auth::token;
use crate::db;

/// A request span with the user id, filled in once the session is known.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        tracing_actix_web::root_span!(request, user_id = tracing::field::Empty)
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

pub async fn gate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req
        .app_data::<web::Data<AppState>>()
        .map(|d| d.get_ref().clone())
    else {
        return Err(actix_web::error::ErrorInternalServerError(
            "application state missing",
        ));
    };
    let secure = state.settings.secure_cookies;
    let ip = client_ip(req.request(), &state.settings.trusted_proxies);

    let presented = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    let identity = match presented.clone() {
        Some(token) => {
            let policy = state.settings.session;
            let resolved = with_conn(&state, move |c| {
                Ok(session::resolve(c, &token, policy, db::now())?)
            })
            .await?;
            match resolved {
                Ok(active) => Some(active),
                Err(end) => {
                    tracing::info!(reason = ?end, "session not valid");
                    None
                }
            }
        }
        None => None,
    };
    if let (Some(id), Some(span)) = (&identity, req.extensions().get::<RootSpan>()) {
        span.record("user_id", id.account.id);
    }

    // Signed-in forms carry the session's token; anonymous ones (sign-in) a cookie-bound one.
    let mut fresh_anon_token = None;
    let csrf = match &identity {
        Some(s) => s.csrf_token.clone(),
        None => match req.cookie(ANON_CSRF_COOKIE).map(|c| c.value().to_owned()) {
            Some(t) if t.len() == 64 => t,
            _ => {
                let t = token::new_token();
                fresh_anon_token = Some(t.clone());
                t
            }
        },
    };

    let pattern = req.match_pattern();
    let allow = pattern.as_deref().and_then(|p| access_for(req.method(), p));
    let role = identity.as_ref().map(|s| s.account.role);
    let path = req.path().to_owned();

    let early: Option<HttpResponse> = if allow.is_none() {
        None // unknown route or method: actix answers 404 / 405 without running a handler
    } else if req.method() == Method::POST {
        if !same_origin(req.request()) {
            Some(super::error::AppError::Forbidden.into_page())
        } else if identity.is_none()
            && allow != Some(Allow::Public)
            && super::takes_files(pattern.as_deref().unwrap_or_default())
            && is_multipart(req.request())
        {
            // A form with files whose session ended: its text comes back on the sign-in page
            // (at most ANONYMOUS_BODY_LIMIT of it); the files stream past unkept.
            match text_parts_only(&mut req).await {
                Ok(fields) => Some(auth::expired_response(&csrf, &path, &kept_fields(fields))?),
                Err(status) => {
                    let page = if status == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large_without_session(allow)
                    } else {
                        super::error::page_for_status(status)
                    };
                    return Ok(req.into_response(page));
                }
            }
        } else {
            let limit =
                super::body_limit(pattern.as_deref().unwrap_or_default(), identity.is_some());
            let body = match read_bounded(&mut req, limit).await {
                Ok(body) => body,
                Err(status) => {
                    let page = if status == StatusCode::PAYLOAD_TOO_LARGE && identity.is_none() {
                        too_large_without_session(allow)
                    } else {
                        super::error::page_for_status(status)
                    };
                    return Ok(req.into_response(page));
                }
            };
            // The handler reads the same body with the same parser.
            let form = match FormData::parse(req.headers(), body.clone()).await {
                Ok(form) => form,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Ok(req.into_response(super::error::page_for_status(e.status())));
                }
                Err(e) => return Ok(req.into_response(super::error::AppError::from(e).into_page())),
            };
            let posted_token = form.get("csrf_token").unwrap_or_default();
            let token_ok = token::constant_time_eq(posted_token, &csrf);
            req.set_payload(Payload::from(body));
            let keep = kept_fields(form.fields);
            match (allow, &identity) {
                (Some(Allow::Public), _) if !token_ok => {
                    Some(auth::stale_login_response(&csrf, &keep)?)
                }
                (Some(Allow::Public), _) => None,
                // The session ended while the form was open: keep what was typed, ask to sign in.
                (_, None) => Some(auth::expired_response(&csrf, &path, &keep)?),
                (_, Some(s)) if !token_ok => {
                    Some(auth::resume_response(&s.account, &csrf, &path, &keep)?)
                }
                _ => None,
            }
        }
    } else {
        None
    };

    let early = early.or_else(|| match allow {
        Some(a @ (Allow::SignedIn | Allow::Roles(_))) => match &identity {
            None => Some(see_other(&login_redirect(req.request()))),
            Some(_) if !a.permits(role) => Some(super::error::AppError::Forbidden.into_page()),
            Some(s) if s.account.must_change_password && !password_change_allowed(&path) => {
                Some(see_other("/account/password"))
            }
            _ => None,
        },
        _ => None,
    });

    let had_notice = req.cookie(NOTICE_COOKIE).is_some();
    let signed_in = identity.is_some();
    req.extensions_mut().insert(ClientIp(ip));
    req.extensions_mut().insert(CsrfToken(csrf));
    if let Some(active) = identity {
        req.extensions_mut().insert(Identity(active));
    }

    let mut res = match early {
        Some(response) => req.into_response(response),
        None => next.call(req).await?.map_into_boxed_body(),
    };

    // Only pages can hold a form; health checks, files and redirects get no cookie.
    if let Some(t) = fresh_anon_token.filter(|_| is_html(res.response())) {
        res.response_mut()
            .add_cookie(&cookie(ANON_CSRF_COOKIE, t, secure))?;
    }
    if presented.is_some()
        && !signed_in
        && !res.response().cookies().any(|c| c.name() == SESSION_COOKIE)
    {
        res.response_mut()
            .add_cookie(&removal(SESSION_COOKIE, secure))?;
    }
    if had_notice && res.status().is_success() {
        res.response_mut()
            .add_cookie(&removal(NOTICE_COOKIE, secure))?;
    }
    let status = res.status();
    if signed_in || status.is_client_error() || status.is_server_error() {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(res)
}

/// How many posted fields, and how many bytes of names and values, a page that shows a form
/// again (sign-in after the session ended, a stale token) keeps. Files are never kept, nor
/// the token and the password; fields past either bound are left out.
pub const MAX_KEPT_FIELDS: usize = 200;
pub const MAX_KEPT_BYTES: usize = 64 << 10;

fn kept_fields(fields: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut budget = MAX_KEPT_BYTES;
    fields
        .into_iter()
        .filter(|(k, _)| k != "csrf_token" && k != "password")
        .take(MAX_KEPT_FIELDS)
        .take_while(|(k, v)| match budget.checked_sub(k.len() + v.len()) {
            Some(left) => {
                budget = left;
                true
            }
            None => false,
        })
        .collect()
}

/// Reads a request body of at most `limit` bytes. A declared length over the limit is refused
/// before anything is read; a body that grows past it (chunked) is refused as soon as it does.
async fn read_bounded(req: &mut ServiceRequest, limit: usize) -> Result<Bytes, StatusCode> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .map(|v| v.to_str().ok().and_then(|v| v.trim().parse::<u64>().ok()));
    match declared {
        Some(None) => return Err(StatusCode::BAD_REQUEST),
        Some(Some(n)) if n > limit as u64 => return Err(StatusCode::PAYLOAD_TOO_LARGE),
        _ => {}
    }
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| StatusCode::BAD_REQUEST)?;
        if body.len() + chunk.len() > limit {
            return Err(StatusCode::PAYLOAD_TOO_LARGE);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// The text fields of a multipart body read without a session: file parts are read and
/// dropped as they stream by, text is kept up to [`super::ANONYMOUS_BODY_LIMIT`], and the whole
/// body may not pass [`super::UPLOAD_BODY_LIMIT`] (a declared length over it is refused before
/// anything is read).
async fn text_parts_only(req: &mut ServiceRequest) -> Result<Vec<(String, String)>, StatusCode> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > super::UPLOAD_BODY_LIMIT as u64) {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let limits = Limits {
        keep_files: false,
        body: super::UPLOAD_BODY_LIMIT,
        text: super::ANONYMOUS_BODY_LIMIT,
    };
    let payload = req.take_payload();
    FormData::multipart(req.headers(), payload, limits)
        .await
        .map(|form| form.fields)
        .map_err(|e| e.status())
}

/// A large form (e.g. with attachments) posted after its session ended cannot be kept.
fn too_large_without_session(allow: Option<Allow>) -> HttpResponse {
    let message = match allow {
        Some(Allow::Public) => "提交的内容超过了允许的大小。",
        _ => "登录已超时。提交的内容过大，未能保留，请重新登录后再次填写并提交。",
    };
    super::error::ErrorPage {
        status: StatusCode::PAYLOAD_TOO_LARGE.as_u16(),
        title: "内容过大",
        message,
    }
    .response()
}

fn is_html(res: &HttpResponse) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

fn password_change_allowed(path: &str) -> bool {
    path == "/account/password" || path == "/logout" || path.starts_with("/static/")
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// `/login?next=<this page>` for GET requests, plain `/login` otherwise.
fn login_redirect(req: &HttpRequest) -> String {
    if req.method() == Method::GET && req.path() != "/" {
        let target = match req.query_string() {
            "" => req.path().to_owned(),
            q => format!("{}?{}", req.path(), q),
        };
        let encoded: String = serde_urlencoded::to_string([("next", target)]).unwrap_or_default();
        format!("/login?{encoded}")
    } else {
        "/login".to_owned()
    }
}

/// Browsers say where a POST comes from (`Sec-Fetch-Site`, else `Origin`); anything not from
/// this site is refused before the CSRF token is even looked at. Clients that send neither
/// (command-line tools) still need the token.
fn same_origin(req: &HttpRequest) -> bool {
    let h = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = h("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    if let Some(origin) = h("origin") {
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        return h("host").is_some_and(|host| host.eq_ignore_ascii_case(origin_host));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[::core::prelude::v1::test]
    fn cross_site_posts_are_recognised() {
        let cross = TestRequest::default()
            .insert_header(("Sec-Fetch-Site", "cross-site"))
            .to_http_request();
        assert!(!same_origin(&cross));
        let same = TestRequest::default()
            .insert_header(("Sec-Fetch-Site", "same-origin"))
            .to_http_request();
        assert!(same_origin(&same));
        let foreign = TestRequest::default()
            .insert_header(("Host", "techreg.example"))
            .insert_header(("Origin", "https://evil.example"))
            .to_http_request();
        assert!(!same_origin(&foreign));
        let own = TestRequest::default()
            .insert_header(("Host", "techreg.example"))
            .insert_header(("Origin", "https://techreg.example"))
            .to_http_request();
        assert!(same_origin(&own));
    }
}
