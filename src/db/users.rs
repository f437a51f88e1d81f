//! Queries of the `users` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::users;
use super::{DbConn, MultiBackend};
use crate::domain::role::{Role, Scope};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(MultiBackend))]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    office_code: Option<String>,
    authority_code: Option<String>,
    must_change_password: bool,
    disabled: bool,
    created_at: NaiveDateTime,
}

/// An account as the application uses it. `authority_code` is set for clerks (their office's
/// authority) and province administrators (their own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub office_code: Option<String>,
    pub authority_code: Option<String>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
}

impl TryFrom<UserRow> for Account {
    type Error = diesel::result::Error;

    fn try_from(r: UserRow) -> Result<Self, Self::Error> {
        let role = Role::parse(&r.role).ok_or_else(|| {
            diesel::result::Error::DeserializationError(format!("unknown role {}", r.role).into())
        })?;
        Ok(Account {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role,
            office_code: r.office_code,
            authority_code: r.authority_code,
            must_change_password: r.must_change_password,
            disabled: r.disabled,
            created_at: r.created_at,
        })
    }
}

impl Account {
    /// The data scope this account sees.
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Clerk => Scope::Office(self.office_code.clone().unwrap_or_default()),
            Role::ProvinceAdmin => {
                Scope::Authority(self.authority_code.clone().unwrap_or_default())
            }
            Role::Ministry => Scope::Nation,
            Role::Sysadmin => Scope::Accounts,
        }
    }
}

fn convert(rows: Vec<UserRow>) -> QueryResult<Vec<Account>> {
    rows.into_iter().map(Account::try_from).collect()
}

/// The fields of a new account.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub office_code: Option<&'a str>,
    pub authority_code: Option<&'a str>,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewUser<'_>) -> QueryResult<i64> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Account>> {
    let row = users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    row.map(Account::try_from).transpose()
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> QueryResult<Option<Account>> {
    let row = users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    row.map(Account::try_from).transpose()
}

/// The stored password hash of an account, for sign-in.
pub fn password_hash(conn: &mut DbConn, id: i64) -> QueryResult<String> {
    users::table
        .find(id)
        .select(users::password_hash)
        .first(conn)
}

/// Filters of the account list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub office_code: Option<String>,
    /// Substring of the username or display name.
    pub text: Option<String>,
}

/// The accounts an administrator may manage: a province administrator its authority's clerks,
/// a system administrator everyone.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    filter: &UserFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Account>, i64)> {
    let build = || {
        let mut q = users::table.into_boxed::<MultiBackend>();
        match scope {
            Scope::Accounts | Scope::Nation => {}
            Scope::Authority(a) => {
                q = q
                    .filter(users::authority_code.eq(a.clone()))
                    .filter(users::role.eq(Role::Clerk.as_str()))
            }
            Scope::Office(o) => q = q.filter(users::office_code.eq(o.clone())),
        }
        if let Some(r) = filter.role {
            q = q.filter(users::role.eq(r.as_str()));
        }
        if let Some(o) = &filter.office_code {
            q = q.filter(users::office_code.eq(o.clone()));
        }
        if let Some(t) = &filter.text {
            let pattern = format!("%{}%", escape_like(&t.to_lowercase()));
            q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("(lower(username) LIKE ")
                    .bind::<diesel::sql_types::Text, _>(pattern.clone())
                    .sql(" ESCAPE '\\' OR lower(display_name) LIKE ")
                    .bind::<diesel::sql_types::Text, _>(pattern)
                    .sql(" ESCAPE '\\')"),
            );
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = build()
        .select(UserRow::as_select())
        .order((users::username.asc(), users::id.asc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((convert(rows)?, total))
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn set_disabled(
    conn: &mut DbConn,
    id: i64,
    disabled: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::disabled.eq(disabled), users::updated_at.eq(now)))
        .execute(conn)
}

pub fn set_password(
    conn: &mut DbConn,
    id: i64,
    hash: &str,
    must_change: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(must_change),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn set_display_name(
    conn: &mut DbConn,
    id: i64,
    name: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::display_name.eq(name), users::updated_at.eq(now)))
        .execute(conn)
}
