//! Account and office administration: the rules of who may create or change which account or
//! office, applied the same way for the web pages and the command line. Every change is one
//! transaction with its audit entry.

use chrono::NaiveDateTime;
use validator::{Validate, ValidationError};

use crate::audit::{Actor, Entry};
use crate::auth::password;
use crate::catalog::authority;
use crate::db::offices::{NewOffice, Office};
use crate::db::users::{Account, NewUser};
use crate::db::{self, DbConn};
use crate::domain::field_errors::FieldErrors;
use crate::domain::office_code::OfficeCode;
use crate::domain::role::{Role, Scope};
use crate::domain::text;
use crate::input::Problem;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("填写有误")]
    Invalid(FieldErrors),
    #[error("对象不存在或不在您的管理范围内")]
    NotFound,
    #[error("无权执行此操作")]
    Forbidden,
    #[error("密码哈希计算失败")]
    Hash(#[from] password::HashError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<FieldErrors> for AccountError {
    fn from(e: FieldErrors) -> Self {
        AccountError::Invalid(e)
    }
}

fn one_error(field: &str, message: impl Into<String>) -> AccountError {
    let mut e = FieldErrors::new();
    e.add(field, message);
    AccountError::Invalid(e)
}

fn valid_username(u: &str) -> Result<(), ValidationError> {
    let ok = u
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
        && u.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("username").with_message(
            "用户名只能包含小写字母、数字、点、下划线和连字符，且以字母或数字开头".into(),
        ))
    }
}

/// One line of visible text: no control or invisible format characters.
fn plain_line(s: &str) -> Result<(), ValidationError> {
    match text::forbidden(s, text::Breaks::None) {
        None => Ok(()),
        Some(bad) => {
            Err(ValidationError::new("plain_line").with_message(bad.message("姓名").into()))
        }
    }
}

/// Why an office name as typed cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum OfficeNameError {
    #[error("机构名称不能为空，且不超过 100 个字符")]
    Length,
    /// A control or invisible format character (its message names it).
    #[error("{0}")]
    Forbidden(String),
}

/// An office name as typed: trimmed, at most 100 characters, nothing invisible.
fn office_name(name: &str) -> Result<String, OfficeNameError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(OfficeNameError::Length);
    }
    if let Some(bad) = text::forbidden(name, text::Breaks::None) {
        return Err(OfficeNameError::Forbidden(bad.message("机构名称")));
    }
    Ok(name.to_owned())
}

/// A new account as entered by an administrator (or the command line).
#[derive(Debug, Clone, Default, Validate)]
pub struct NewAccount {
    #[validate(
        length(min = 3, max = 32, message = "用户名长度应为 3–32 个字符"),
        custom(function = "valid_username")
    )]
    pub username: String,
    #[validate(
        length(min = 1, max = 50, message = "姓名不能为空，且不超过 50 个字符"),
        custom(function = "plain_line")
    )]
    pub display_name: String,
    pub role: String,
    pub office_code: String,
    pub authority_code: String,
    pub password: String,
    /// Accounts made by an administrator must change their password at first sign-in.
    pub must_change_password: bool,
}

/// Creates an account after checking the actor may create it. Returns the new id.
pub fn create_user(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    input: &NewAccount,
    now: NaiveDateTime,
) -> Result<i64, AccountError> {
    let mut errors: FieldErrors = input
        .validate()
        .err()
        .map(FieldErrors::from)
        .unwrap_or_default();
    let role = Role::parse(&input.role);
    if role.is_none() {
        errors.add("role", "请选择角色");
    }
    if let Err(m) = password::check_policy(&input.password, &input.username) {
        errors.add("password", m.to_string());
    }
    // Scope first: a province administrator may only create clerks of its own offices.
    if let Scope::Authority(_) = scope {
        if role.is_some_and(|r| r != Role::Clerk) {
            return Err(AccountError::Forbidden);
        }
    } else if !matches!(scope, Scope::Accounts) {
        return Err(AccountError::Forbidden);
    }
    let (mut office_code, mut authority_code) = (None, None);
    match role {
        Some(Role::Clerk) => match db::offices::find(conn, input.office_code.trim())? {
            Some(o) if scope.covers(Some(&o.authority_code), Some(&o.code)) => {
                if !o.active {
                    errors.add("office_code", "该登记机构已停用");
                }
                authority_code = Some(o.authority_code.clone());
                office_code = Some(o.code);
            }
            _ => errors.add("office_code", "请选择您管理范围内的登记机构"),
        },
        Some(Role::ProvinceAdmin) => match authority::find(input.authority_code.trim()) {
            Some(a) => authority_code = Some(a.code.to_owned()),
            None => errors.add("authority_code", "请选择省级管理机构"),
        },
        _ => {}
    }
    if db::users::find_by_username(conn, input.username.trim())?.is_some() {
        errors.add("username", "该用户名已被使用");
    }
    errors.into_result()?;
    let role = role.ok_or(AccountError::Forbidden)?;
    let hash = password::hash(&input.password)?;
    db::write_transaction(conn, |c| {
        let id = db::users::insert(
            c,
            &NewUser {
                username: input.username.trim(),
                display_name: input.display_name.trim(),
                role: role.as_str(),
                office_code: office_code.as_deref(),
                authority_code: authority_code.as_deref(),
                password_hash: &hash,
                must_change_password: input.must_change_password,
                disabled: false,
                created_at: now,
                updated_at: now,
            },
        )?;
        let where_ = office_code
            .as_deref()
            .or(authority_code.as_deref())
            .map(|c| format!("，{c}"))
            .unwrap_or_default();
        db::audit::record(
            c,
            actor,
            Entry {
                action: "user.create",
                object_type: "user",
                object_id: input.username.trim().to_owned(),
                authority_code: authority_code.clone(),
                summary: format!("新建账号（{}{}）", role.label(), where_),
            },
            now,
        )?;
        Ok(id)
    })
}

/// The account `id` if the administrator's scope covers it.
pub fn managed_account(conn: &mut DbConn, scope: &Scope, id: i64) -> Result<Account, AccountError> {
    let account = db::users::find(conn, id)?.ok_or(AccountError::NotFound)?;
    let visible = match scope {
        Scope::Accounts => true,
        Scope::Authority(a) => {
            account.role == Role::Clerk && account.authority_code.as_deref() == Some(a.as_str())
        }
        _ => false,
    };
    if visible {
        Ok(account)
    } else {
        Err(AccountError::NotFound)
    }
}

/// Disables or re-enables an account; disabling ends its sessions at once.
pub fn set_disabled(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    disabled: bool,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let account = managed_account(conn, scope, id)?;
    if actor.user_id == Some(account.id) && disabled {
        return Err(one_error("account", "不能停用自己的账号"));
    }
    db::write_transaction(conn, |c| {
        db::users::set_disabled(c, id, disabled, now)?;
        if disabled {
            db::sessions::delete_for_user(c, id)?;
        }
        db::audit::record(
            c,
            actor,
            Entry {
                action: if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                object_type: "user",
                object_id: account.username.clone(),
                authority_code: account.authority_code.clone(),
                summary: format!(
                    "状态：{} → {}",
                    if account.disabled { "停用" } else { "启用" },
                    if disabled { "停用" } else { "启用" }
                ),
            },
            now,
        )?;
        Ok(())
    })
}

/// Sets a temporary password chosen by an administrator; the owner must change it at next
/// sign-in and every open session of the account ends.
pub fn reset_password(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    new_password: &str,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let reset = PasswordReset {
        must_change: true,
        summary: "管理员重置密码，需在下次登录时修改",
    };
    set_password(conn, actor, scope, id, new_password, reset, now)
}

/// The operator sets a password from the command line (no forced change); open sessions end.
pub fn set_password_by_operator(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    new_password: &str,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let reset = PasswordReset {
        must_change: false,
        summary: "命令行设置新密码",
    };
    set_password(conn, actor, &Scope::Accounts, id, new_password, reset, now)
}

/// How a password set by someone other than its owner is stored and audited.
struct PasswordReset {
    /// Whether the owner must choose a new one at next sign-in.
    must_change: bool,
    summary: &'static str,
}

fn set_password(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    new_password: &str,
    reset: PasswordReset,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let account = managed_account(conn, scope, id)?;
    password::check_policy(new_password, &account.username)
        .map_err(|m| one_error("password", m.to_string()))?;
    let hash = password::hash(new_password)?;
    db::write_transaction(conn, |c| {
        db::users::set_password(c, id, &hash, reset.must_change, now)?;
        db::sessions::delete_for_user(c, id)?;
        db::audit::record(
            c,
            actor,
            Entry {
                action: "user.password_reset",
                object_type: "user",
                object_id: account.username.clone(),
                authority_code: account.authority_code.clone(),
                summary: reset.summary.to_owned(),
            },
            now,
        )?;
        Ok(())
    })
}

/// What the owner types to change their password.
#[derive(Debug, Clone, Default)]
pub struct PasswordChange {
    pub current: String,
    pub new_password: String,
    pub repeat: String,
}

/// The owner changes their own password; other sessions of the account end, `keep_session` stays.
pub fn change_own_password(
    conn: &mut DbConn,
    actor: &Actor,
    account: &Account,
    change: &PasswordChange,
    keep_session: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let PasswordChange {
        current,
        new_password,
        repeat,
    } = change;
    let mut errors = FieldErrors::new();
    let stored = db::users::password_hash(conn, account.id)?;
    if !password::verify(current, &stored) {
        errors.add("current_password", "当前密码不正确");
    }
    if let Err(m) = password::check_policy(new_password, &account.username) {
        errors.add("new_password", m.to_string());
    } else if password::verify(new_password, &stored) {
        errors.add("new_password", "新密码不能与当前密码相同");
    }
    if new_password != repeat {
        errors.add("repeat_password", "两次输入的新密码不一致");
    }
    errors.into_result()?;
    let hash = password::hash(new_password)?;
    db::write_transaction(conn, |c| {
        db::users::set_password(c, account.id, &hash, false, now)?;
        match keep_session {
            Some(keep) => db::sessions::delete_for_user_except(c, account.id, keep)?,
            None => db::sessions::delete_for_user(c, account.id)?,
        };
        db::audit::record(
            c,
            actor,
            Entry {
                action: "auth.password_change",
                object_type: "user",
                object_id: account.username.clone(),
                authority_code: account.authority_code.clone(),
                summary: "本人修改密码".to_owned(),
            },
            now,
        )?;
        Ok(())
    })
}

/// A new registration office.
#[derive(Debug, Clone, Default)]
pub struct NewOfficeInput {
    pub code: String,
    pub name: String,
    pub authority_code: String,
}

/// Checks an office row; the authority must exist, and the code's area must lie in its territory.
fn check_office(
    scope: &Scope,
    input: &NewOfficeInput,
) -> Result<(OfficeCode, &'static authority::Authority, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let code = OfficeCode::parse(&input.code)
        .map_err(|e| errors.add("code", e.to_string()))
        .ok();
    let name = office_name(&input.name)
        .map_err(|m| errors.add("name", m.to_string()))
        .unwrap_or_default();
    let authority = authority::find(input.authority_code.trim());
    match authority {
        None => errors.add("authority_code", "省级管理机构代码不存在"),
        Some(a) if !scope.covers(Some(a.code), None) => {
            errors.add("authority_code", "只能在您所属的管理机构下新建登记机构")
        }
        Some(a) => {
            if let Some(c) = &code
                && !c.fits_authority(a)
            {
                let owner = c
                    .default_authority()
                    .map(|o| o.name)
                    .unwrap_or("其他管理机构");
                errors.add(
                    "code",
                    format!("机构代码 {c} 所在地区由{owner}管理，不能隶属{}", a.name),
                );
            }
        }
    }
    errors.into_result()?;
    match (code, authority) {
        (Some(c), Some(a)) => Ok((c, a, name)),
        _ => Err(FieldErrors::new()),
    }
}

/// Creates an office (system administrators anywhere, province administrators in their own authority).
pub fn create_office(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    input: &NewOfficeInput,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    if !matches!(scope, Scope::Accounts | Scope::Authority(_)) {
        return Err(AccountError::Forbidden);
    }
    let (code, authority, name) = check_office(scope, input)?;
    if db::offices::find(conn, code.as_str())?.is_some() {
        return Err(one_error("code", "该机构代码已存在"));
    }
    db::write_transaction(conn, |c| {
        insert_office(c, &code, authority.code, &name, now)?;
        db::audit::record(
            c,
            actor,
            Entry {
                action: "office.create",
                object_type: "office",
                object_id: code.to_string(),
                authority_code: Some(authority.code.to_owned()),
                summary: format!("新建登记机构“{name}”，隶属{}", authority.name),
            },
            now,
        )?;
        Ok(())
    })
}

fn insert_office(
    conn: &mut DbConn,
    code: &OfficeCode,
    authority_code: &str,
    name: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<usize> {
    db::offices::insert(
        conn,
        &NewOffice {
            code: code.as_str(),
            name,
            authority_code,
            area_code: &code.area_code(),
            active: true,
            created_at: now,
            updated_at: now,
        },
    )
}

/// Renames an office or changes whether it is active.
pub fn update_office(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    code: &str,
    name: &str,
    active: bool,
    now: NaiveDateTime,
) -> Result<Office, AccountError> {
    let office = db::offices::find(conn, code)?
        .filter(|o| matches!(scope, Scope::Accounts) || scope.covers(Some(&o.authority_code), None))
        .ok_or(AccountError::NotFound)?;
    let name = office_name(name).map_err(|m| one_error("name", m.to_string()))?;
    let name = name.as_str();
    db::write_transaction(conn, |c| {
        db::offices::rename(c, code, name, now)?;
        db::offices::set_active(c, code, active, now)?;
        let state = |a: bool| if a { "启用" } else { "停用" };
        db::audit::record(
            c,
            actor,
            Entry {
                action: "office.update",
                object_type: "office",
                object_id: code.to_owned(),
                authority_code: Some(office.authority_code.clone()),
                summary: format!(
                    "名称：{} → {}；状态：{} → {}",
                    office.name,
                    name,
                    state(office.active),
                    state(active)
                ),
            },
            now,
        )?;
        Ok::<_, AccountError>(())
    })?;
    db::offices::find(conn, code)?.ok_or(AccountError::NotFound)
}

/// What an office import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: usize,
    pub renamed: usize,
    pub unchanged: usize,
}

/// Imports offices from rows of the offices CSV (`office_code,name,authority_code`, interchange
/// §4): all or nothing. Problems come back as `row N, column: 说明` lines.
pub fn import_offices(
    conn: &mut DbConn,
    actor: &Actor,
    rows: &[(usize, NewOfficeInput)],
    now: NaiveDateTime,
) -> Result<ImportSummary, ImportProblems> {
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (row, input) in rows {
        match check_office(&Scope::Accounts, input) {
            Ok((code, authority, name)) => {
                if let Some(first) = seen.insert(code.clone(), *row) {
                    problems.push(Problem::cell(
                        *row,
                        "office_code",
                        format!("机构代码 {code} 与第 {first} 行重复"),
                    ));
                }
                checked.push((code, authority, name));
            }
            Err(errors) => {
                for (field, message) in errors.iter() {
                    let column = match field {
                        "code" => "office_code",
                        other => other,
                    };
                    problems.push(Problem::cell(*row, column, message));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(ImportProblems(problems));
    }
    let result = db::write_transaction(conn, |c| {
        let mut summary = ImportSummary::default();
        let mut problems = Vec::new();
        for ((row, _), (code, authority, name)) in rows.iter().zip(&checked) {
            match db::offices::find(c, code.as_str())? {
                None => {
                    insert_office(c, code, authority.code, name, now)?;
                    summary.created += 1;
                }
                Some(existing) if existing.authority_code != authority.code => {
                    problems.push(Problem::cell(
                        *row,
                        "authority_code",
                        format!(
                            "机构 {code} 已隶属 {}，不能改为 {}",
                            existing.authority_code, authority.code
                        ),
                    ))
                }
                Some(existing) if existing.name != *name => {
                    db::offices::rename(c, code.as_str(), name, now)?;
                    summary.renamed += 1;
                }
                Some(_) => summary.unchanged += 1,
            }
        }
        if !problems.is_empty() {
            // Rolls the transaction back: nothing of the file is written.
            return Err(ImportFailure::Problems(problems));
        }
        db::audit::record(
            c,
            actor,
            Entry {
                action: "office.import",
                object_type: "office",
                object_id: format!("{} 行", rows.len()),
                authority_code: None,
                summary: format!(
                    "导入登记机构：新建 {}，更名 {}，未变 {}",
                    summary.created, summary.renamed, summary.unchanged
                ),
            },
            now,
        )?;
        Ok(summary)
    });
    result.map_err(|e| match e {
        ImportFailure::Problems(p) => ImportProblems(p),
        ImportFailure::Db(e) => ImportProblems(vec![Problem::file(format!("数据库错误：{e}"))]),
    })
}

enum ImportFailure {
    Problems(Vec<Problem>),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for ImportFailure {
    fn from(e: diesel::result::Error) -> Self {
        ImportFailure::Db(e)
    }
}

/// The problems that stopped an import (each printed as a `row N, column: 说明` line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblems(pub Vec<Problem>);
