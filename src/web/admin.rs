//! Account and office administration pages (system administrators everywhere, province
//! administrators within their authority). The rules live in `accounts`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::page::{Ctx, CurrentUser, format_cst, html, render, see_other};
use super::{AppError, AppState, with_conn};
use crate::accounts::{self, AccountError, NewAccount, NewOfficeInput};
use crate::catalog::authority::{self, AUTHORITIES, Authority};
use crate::db::offices::Office;
use crate::db::users::{Account, UserFilter};
use crate::db::{self};
use crate::domain::field_errors::FieldErrors;
use crate::domain::role::{Role, Scope};

/// Splits a service result into the form errors to show again and everything else.
fn form_result<T>(r: Result<T, AccountError>) -> Result<Result<T, FieldErrors>, AppError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(AccountError::Invalid(e)) => Ok(Err(e)),
        Err(other) => Err(other.into()),
    }
}

/// The authorities an administrator may pick from.
fn authorities_in(scope: &Scope) -> Vec<&'static Authority> {
    AUTHORITIES
        .iter()
        .filter(|a| matches!(scope, Scope::Accounts) || scope.covers(Some(a.code), None))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Offices

struct OfficeRow {
    office: Office,
    authority_name: &'static str,
    updated: String,
}

#[derive(Template)]
#[template(path = "admin/offices.html")]
struct OfficesPage {
    ctx: Ctx,
    rows: Vec<OfficeRow>,
}

pub async fn offices(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let scope = user.account.scope();
    let list = with_conn(&state, move |c| Ok(db::offices::list(c, &scope)?)).await?;
    let rows = list
        .into_iter()
        .map(|o| OfficeRow {
            authority_name: authority::find(&o.authority_code)
                .map(|a| a.name)
                .unwrap_or(""),
            updated: format_cst(o.updated_at),
            office: o,
        })
        .collect();
    html(&OfficesPage { ctx, rows })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OfficeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    authority_code: String,
    /// Checkbox: present when ticked.
    #[serde(default)]
    active: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/office_form.html")]
struct OfficeFormPage {
    ctx: Ctx,
    /// `None` for a new office.
    editing: Option<Office>,
    form: OfficeForm,
    authorities: Vec<&'static Authority>,
    errors: FieldErrors,
}

pub async fn office_new(ctx: Ctx, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let authorities = authorities_in(&user.account.scope());
    let form = OfficeForm {
        authority_code: user.account.authority_code.clone().unwrap_or_default(),
        ..Default::default()
    };
    html(&OfficeFormPage {
        ctx,
        editing: None,
        form,
        authorities,
        errors: FieldErrors::new(),
    })
}

pub async fn office_create(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    form: web::Form<OfficeForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let scope = user.account.scope();
    // A province administrator's offices always belong to its own authority, whatever was posted.
    let authority_code = match &scope {
        Scope::Authority(a) => a.clone(),
        _ => form.authority_code.clone(),
    };
    let input = NewOfficeInput {
        code: form.code.clone(),
        name: form.name.clone(),
        authority_code,
    };
    let (actor, s) = (user.actor.clone(), scope.clone());
    let result = with_conn(&state, move |c| {
        form_result(accounts::create_office(c, &actor, &s, &input, db::now()))
    })
    .await?;
    match result {
        Ok(()) => Ok(see_other(
            "/admin/offices",
            Some("office_created"),
            state.settings.secure_cookies,
        )),
        Err(errors) => render(
            &OfficeFormPage {
                ctx,
                editing: None,
                form,
                authorities: authorities_in(&scope),
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// The office `code` if it lies in the scope, else 404 (never reveal other authorities' offices).
async fn scoped_office(state: &AppState, scope: Scope, code: String) -> Result<Office, AppError> {
    with_conn(state, move |c| {
        db::offices::find(c, &code)?
            .filter(|o| {
                matches!(scope, Scope::Accounts) || scope.covers(Some(&o.authority_code), None)
            })
            .ok_or(AppError::NotFound)
    })
    .await
}

pub async fn office_edit(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let office = scoped_office(&state, user.account.scope(), code.into_inner()).await?;
    let form = OfficeForm {
        code: office.code.clone(),
        name: office.name.clone(),
        authority_code: office.authority_code.clone(),
        active: office.active.then(|| "on".to_owned()),
    };
    html(&OfficeFormPage {
        ctx,
        editing: Some(office),
        form,
        authorities: Vec::new(),
        errors: FieldErrors::new(),
    })
}

pub async fn office_update(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    code: web::Path<String>,
    form: web::Form<OfficeForm>,
) -> Result<HttpResponse, AppError> {
    let scope = user.account.scope();
    let office = scoped_office(&state, scope.clone(), code.into_inner()).await?;
    let mut form = form.into_inner();
    let (actor, c2, name, active) = (
        user.actor.clone(),
        office.code.clone(),
        form.name.clone(),
        form.active.is_some(),
    );
    let result = with_conn(&state, move |c| {
        form_result(accounts::update_office(
            c,
            &actor,
            &scope,
            &c2,
            &name,
            active,
            db::now(),
        ))
    })
    .await?;
    match result {
        Ok(_) => Ok(see_other(
            "/admin/offices",
            Some("office_updated"),
            state.settings.secure_cookies,
        )),
        Err(errors) => {
            form.code = office.code.clone();
            render(
                &OfficeFormPage {
                    ctx,
                    editing: Some(office),
                    form,
                    authorities: Vec::new(),
                    errors,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Users

struct UserRow {
    account: Account,
    role_label: &'static str,
    where_label: String,
    created: String,
}

fn where_label(a: &Account) -> String {
    match (&a.office_code, &a.authority_code) {
        (Some(o), _) => format!("登记机构 {o}"),
        (None, Some(code)) => authority::find(code)
            .map(|x| x.name.to_owned())
            .unwrap_or_else(|| code.clone()),
        _ => "全国".to_owned(),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    ctx: Ctx,
    rows: Vec<UserRow>,
    query: UsersQuery,
    roles: Vec<Role>,
    page: i64,
    pages: i64,
    total: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
}

const USERS_PER_PAGE: i64 = 50;

pub async fn users(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    q: web::Query<UsersQuery>,
) -> Result<HttpResponse, AppError> {
    let query = q.into_inner();
    let scope = user.account.scope();
    let page = query.page.unwrap_or(1).max(1);
    let filter = UserFilter {
        role: Role::parse(&query.role),
        office_code: None,
        text: Some(query.q.trim().to_owned()).filter(|t| !t.is_empty()),
    };
    let (list, total) = with_conn(&state, move |c| {
        Ok(db::users::list(
            c,
            &scope,
            &filter,
            USERS_PER_PAGE,
            (page - 1) * USERS_PER_PAGE,
        )?)
    })
    .await?;
    let pages = ((total + USERS_PER_PAGE - 1) / USERS_PER_PAGE).max(1);
    let link = |p: i64| {
        let qs = serde_urlencoded::to_string([
            ("q", query.q.as_str()),
            ("role", query.role.as_str()),
            ("page", &p.to_string()),
        ])
        .unwrap_or_default();
        format!("/admin/users?{qs}")
    };
    let rows = list
        .into_iter()
        .map(|a| UserRow {
            role_label: a.role.label(),
            where_label: where_label(&a),
            created: format_cst(a.created_at),
            account: a,
        })
        .collect();
    let roles = if user.account.role == Role::Sysadmin {
        Role::ALL.to_vec()
    } else {
        vec![Role::Clerk]
    };
    let prev_link = (page > 1).then(|| link(page - 1));
    let next_link = (page < pages).then(|| link(page + 1));
    html(&UsersPage {
        ctx,
        rows,
        query,
        roles,
        page,
        pages,
        total,
        prev_link,
        next_link,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    office_code: String,
    #[serde(default)]
    authority_code: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "admin/user_new.html")]
struct UserNewPage {
    ctx: Ctx,
    form: UserForm,
    roles: Vec<Role>,
    offices: Vec<Office>,
    authorities: Vec<&'static Authority>,
    errors: FieldErrors,
}

async fn user_form_page(
    state: &AppState,
    ctx: Ctx,
    account: &Account,
    form: UserForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let scope = account.scope();
    let offices = with_conn(state, move |c| Ok(db::offices::list(c, &scope)?)).await?;
    let offices = offices.into_iter().filter(|o| o.active).collect();
    let (roles, authorities) = if account.role == Role::Sysadmin {
        (Role::ALL.to_vec(), AUTHORITIES.iter().collect())
    } else {
        (vec![Role::Clerk], Vec::new())
    };
    render(
        &UserNewPage {
            ctx,
            form,
            roles,
            offices,
            authorities,
            errors,
        },
        status,
    )
}

pub async fn user_new(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let form = UserForm {
        role: "clerk".into(),
        ..Default::default()
    };
    user_form_page(
        &state,
        ctx,
        &user.account,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn user_create(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    let input = NewAccount {
        username: form.username.trim().to_owned(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        office_code: form.office_code.clone(),
        authority_code: form.authority_code.clone(),
        password: form.password.clone(),
        must_change_password: true,
    };
    let (actor, scope) = (user.actor.clone(), user.account.scope());
    let result = with_conn(&state, move |c| {
        form_result(accounts::create_user(c, &actor, &scope, &input, db::now()))
    })
    .await?;
    match result {
        Ok(id) => Ok(see_other(
            &format!("/admin/users/{id}"),
            Some("user_created"),
            state.settings.secure_cookies,
        )),
        Err(errors) => {
            form.password.clear(); // never echo a password back into the page
            user_form_page(
                &state,
                ctx,
                &user.account,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "admin/user_show.html")]
struct UserShowPage {
    ctx: Ctx,
    account: Account,
    role_label: &'static str,
    where_label: String,
    created: String,
    is_self: bool,
    errors: FieldErrors,
}

async fn show_user(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let scope = user.account.scope();
    let account = with_conn(state, move |c| {
        Ok(accounts::managed_account(c, &scope, id)?)
    })
    .await?;
    let page = UserShowPage {
        ctx,
        role_label: account.role.label(),
        where_label: where_label(&account),
        created: format_cst(account.created_at),
        is_self: account.id == user.account.id,
        account,
        errors,
    };
    render(&page, status)
}

pub async fn user_show(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    show_user(
        &state,
        ctx,
        &user,
        id.into_inner(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn set_disabled(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: i64,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let (actor, scope) = (user.actor.clone(), user.account.scope());
    let result = with_conn(&state, move |c| {
        form_result(accounts::set_disabled(
            c,
            &actor,
            &scope,
            id,
            disabled,
            db::now(),
        ))
    })
    .await?;
    let notice = if disabled {
        "user_disabled"
    } else {
        "user_enabled"
    };
    after_user_action(&state, ctx, &user, id, result.map(|()| notice)).await
}

/// Where an action on an account's page leads: back to the page with its notice, or the page
/// again with the errors beside the form that was used.
async fn after_user_action(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    result: Result<&'static str, FieldErrors>,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(notice) => Ok(see_other(
            &format!("/admin/users/{id}"),
            Some(notice),
            state.settings.secure_cookies,
        )),
        Err(errors) => {
            show_user(
                state,
                ctx,
                user,
                id,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn user_disable(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_disabled(state, ctx, user, id.into_inner(), true).await
}

pub async fn user_enable(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_disabled(state, ctx, user, id.into_inner(), false).await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

pub async fn user_password(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (actor, scope, password) = (
        user.actor.clone(),
        user.account.scope(),
        form.into_inner().password,
    );
    let result = with_conn(&state, move |c| {
        form_result(accounts::reset_password(
            c,
            &actor,
            &scope,
            id,
            &password,
            db::now(),
        ))
    })
    .await?;
    after_user_action(&state, ctx, &user, id, result.map(|()| "password_reset")).await
}
