//! Sign-in, sign-out, the own-password page, and the pages that keep a form's values when its
//! session or token expired while it was open.

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::page::{Ctx, CurrentUser, UserView, html, render, see_other};
use super::request::{ClientIp, Identity, SESSION_COOKIE, cookie, field, removal};
use super::{AppError, AppState, with_conn};
use crate::accounts::{self, AccountError, PasswordChange};
use crate::audit::Entry;
use crate::auth::login::{self, LoginError};
use crate::db::users::Account;
use crate::db::{self};
use crate::domain::field_errors::FieldErrors;

/// A form to send again: where it goes and what it held.
#[derive(Debug, Clone)]
pub struct Resume {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: Ctx,
    username: String,
    next: String,
    error: Option<String>,
    resume: Option<Resume>,
}

#[derive(Template)]
#[template(path = "auth/resume.html")]
struct ResumePage {
    ctx: Ctx,
    resume: Resume,
    reason: &'static str,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where to go after sign-in: a page of the application, never another site.
fn next_page(p: Option<&str>) -> Option<String> {
    p.and_then(|p| super::local_target(p, &Method::GET))
}

/// Where a kept form is posted again: a form route of the application.
fn resume_action(p: Option<&str>) -> Option<String> {
    p.and_then(|p| super::local_target(p, &Method::POST))
}

pub async fn login_page(
    req: HttpRequest,
    ctx: Ctx,
    q: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    if req.extensions().get::<Identity>().is_some() {
        return Ok(see_other("/", None, false));
    }
    let next = next_page(q.next.as_deref()).unwrap_or_default();
    html(&LoginPage {
        ctx,
        username: String::new(),
        next,
        error: None,
        resume: None,
    })
}

pub async fn login_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: Ctx,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let username = field(&fields, "username")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let password = field(&fields, "password").unwrap_or_default().to_owned();
    let next = next_page(field(&fields, "next")).unwrap_or_default();
    let resume = resume_action(field(&fields, "resume_to")).map(|action| Resume {
        action,
        fields: fields
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("keep.").map(|k| (k.to_owned(), v.clone())))
            .collect(),
    });
    let ip = req.extensions().get::<ClientIp>().and_then(|i| i.0.clone());
    let user_agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let policy = state.settings.throttle;
    let (u, p) = (username.clone(), password);
    // Signing in again replaces the session the browser had (the id always rotates).
    let previous = req
        .extensions()
        .get::<Identity>()
        .map(|i| i.0.token_hash.clone());
    // An account under attack from many addresses: slow this attempt down without holding a
    // database connection or a worker while waiting.
    let name = username.clone();
    let delay = with_conn(&state, move |c| {
        Ok(login::delay_before(c, &name, policy, db::now())?)
    })
    .await?;
    if !delay.is_zero() {
        actix_web::rt::time::sleep(delay).await;
    }
    let outcome = with_conn(&state, move |c| {
        let outcome = login::login(
            c,
            &u,
            &p,
            ip.as_deref(),
            user_agent.as_deref(),
            policy,
            db::now(),
        );
        match outcome {
            Err(LoginError::Db(e)) => Err(e.into()),
            Ok(done) => {
                if let Some(old) = previous {
                    db::sessions::delete(c, &old)?;
                }
                Ok(Ok(done))
            }
            other => Ok(other),
        }
    })
    .await?;
    let secure = state.settings.secure_cookies;
    match outcome {
        Ok(done) => {
            let session_cookie = cookie(SESSION_COOKIE, done.session.cookie_token.clone(), secure);
            if let Some(resume) = resume {
                let ctx = Ctx {
                    user: Some(UserView::of(&done.account)),
                    csrf: done.session.csrf_token.clone(),
                    path: "/login".into(),
                    notice: None,
                };
                let page = ResumePage {
                    ctx,
                    resume,
                    reason: "您已重新登录。请确认下列内容后重新提交。",
                };
                let mut res = html(&page)?;
                res.add_cookie(&session_cookie)
                    .map_err(|e| AppError::Other(e.into()))?;
                return Ok(res);
            }
            let target = if done.account.must_change_password {
                "/account/password".to_owned()
            } else if next.is_empty() {
                "/".to_owned()
            } else {
                next
            };
            let mut res = see_other(&target, None, secure);
            res.add_cookie(&session_cookie)
                .map_err(|e| AppError::Other(e.into()))?;
            Ok(res)
        }
        Err(e) => {
            let status = match e {
                LoginError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            render(
                &LoginPage {
                    ctx,
                    username,
                    next,
                    error: Some(e.to_string()),
                    resume,
                },
                status,
            )
        }
    }
}

pub async fn logout(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let CurrentUser {
        account,
        session_hash,
        actor,
    } = user;
    with_conn(&state, move |c| {
        db::write_transaction(c, |c| {
            db::sessions::delete(c, &session_hash)?;
            db::audit::record(
                c,
                &actor,
                Entry {
                    action: "auth.logout",
                    object_type: "user",
                    object_id: account.username.clone(),
                    authority_code: account.authority_code.clone(),
                    summary: "退出登录".into(),
                },
                db::now(),
            )
        })?;
        Ok(())
    })
    .await?;
    let secure = state.settings.secure_cookies;
    let mut res = see_other("/login", Some("logged_out"), secure);
    res.add_cookie(&removal(SESSION_COOKIE, secure))
        .map_err(|e| AppError::Other(e.into()))?;
    Ok(res)
}

/// The sign-in form came with a token that no longer matches (it was open too long).
pub fn stale_login_response(
    csrf: &str,
    fields: &[(String, String)],
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx {
        user: None,
        csrf: csrf.to_owned(),
        path: "/login".into(),
        notice: None,
    };
    let page = LoginPage {
        ctx,
        username: field(fields, "username").unwrap_or_default().to_owned(),
        next: next_page(field(fields, "next")).unwrap_or_default(),
        error: Some("登录页面已过期，请重新输入密码后登录。".into()),
        resume: None,
    };
    render(&page, StatusCode::FORBIDDEN)
}

/// The session ended while a form was open: the sign-in page carries the typed values along.
pub fn expired_response(
    csrf: &str,
    path: &str,
    fields: &[(String, String)],
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx {
        user: None,
        csrf: csrf.to_owned(),
        path: "/login".into(),
        notice: None,
    };
    let page = LoginPage {
        ctx,
        username: String::new(),
        next: String::new(),
        error: Some("登录已超时，请重新登录。您填写的内容已保留，登录后可确认并重新提交。".into()),
        resume: Some(Resume {
            action: path.to_owned(),
            fields: fields.to_vec(),
        }),
    };
    render(&page, StatusCode::UNAUTHORIZED)
}

/// A signed-in user posted a form whose token is not this session's (e.g. signed in again in
/// another tab): show the values and let them send it again with the current token.
pub fn resume_response(
    account: &Account,
    csrf: &str,
    path: &str,
    fields: &[(String, String)],
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx {
        user: Some(UserView::of(account)),
        csrf: csrf.to_owned(),
        path: path.to_owned(),
        notice: None,
    };
    let page = ResumePage {
        ctx,
        resume: Resume {
            action: path.to_owned(),
            fields: fields.to_vec(),
        },
        reason: "表单已失效（可能您在其他窗口重新登录过）。请确认下列内容后重新提交。",
    };
    render(&page, StatusCode::FORBIDDEN)
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    ctx: Ctx,
    forced: bool,
    errors: FieldErrors,
}

pub async fn password_page(ctx: Ctx, user: CurrentUser) -> Result<HttpResponse, AppError> {
    html(&PasswordPage {
        ctx,
        forced: user.account.must_change_password,
        errors: FieldErrors::new(),
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

pub async fn password_submit(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let forced = user.account.must_change_password;
    let CurrentUser {
        account,
        session_hash,
        actor,
    } = user;
    let f = form.into_inner();
    let result = with_conn(&state, move |c| {
        let change = PasswordChange {
            current: f.current_password,
            new_password: f.new_password,
            repeat: f.repeat_password,
        };
        match accounts::change_own_password(
            c,
            &actor,
            &account,
            &change,
            Some(&session_hash),
            db::now(),
        ) {
            Err(AccountError::Invalid(e)) => Ok(Err(e)),
            other => Ok(Ok(other?)),
        }
    })
    .await?;
    match result {
        Ok(()) => Ok(see_other(
            "/",
            Some("password_changed"),
            state.settings.secure_cookies,
        )),
        Err(errors) => render(
            &PasswordPage {
                ctx,
                forced,
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}
