//! Server-side sessions: created at sign-in, checked on every request, ended by logout,
//! idleness, age, or the account being disabled.

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;

use super::token;
use crate::db::DbConn;
use crate::db::sessions::{self, NewSession};
use crate::db::users::{self, Account};

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
        }
    }
}

/// A new session: the cookie value goes to the browser, only its hash is stored.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    pub cookie_token: String,
    pub csrf_token: String,
}

/// A valid session of an active account.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub account: Account,
    pub token_hash: String,
    pub csrf_token: String,
}

/// Why a presented session is not valid (the distinction is only logged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    Unknown,
    Idle,
    Expired,
    AccountDisabled,
}

/// Creates a session row for `user_id`. A fresh token each time: sign-in always rotates the id.
pub fn create(
    conn: &mut DbConn,
    user_id: i64,
    ip: Option<&str>,
    user_agent: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<IssuedSession> {
    let cookie_token = token::new_token();
    let csrf_token = token::new_token();
    let token_hash = token::hash_token(&cookie_token);
    let ua = user_agent.map(|u| truncate(u, 300));
    sessions::insert(
        conn,
        &NewSession {
            token_hash: &token_hash,
            user_id,
            csrf_token: &csrf_token,
            created_at: now,
            last_seen_at: now,
            ip,
            user_agent: ua.as_deref(),
        },
    )?;
    Ok(IssuedSession {
        cookie_token,
        csrf_token,
    })
}

/// Resolves a cookie token to its session, ending it when it is too old or idle or its
/// account is disabled. Refreshes the idle clock at most once a minute to spare writes.
pub fn resolve(
    conn: &mut DbConn,
    cookie_token: &str,
    policy: SessionPolicy,
    now: NaiveDateTime,
) -> QueryResult<Result<ActiveSession, SessionEnd>> {
    let token_hash = token::hash_token(cookie_token);
    let Some(record) = sessions::find(conn, &token_hash)? else {
        return Ok(Err(SessionEnd::Unknown));
    };
    let end = if now - record.created_at >= policy.absolute_timeout {
        Some(SessionEnd::Expired)
    } else if now - record.last_seen_at >= policy.idle_timeout {
        Some(SessionEnd::Idle)
    } else {
        None
    };
    if let Some(end) = end {
        sessions::delete(conn, &token_hash)?;
        return Ok(Err(end));
    }
    let account = match users::find(conn, record.user_id)? {
        Some(a) if !a.disabled => a,
        _ => {
            sessions::delete(conn, &token_hash)?;
            return Ok(Err(SessionEnd::AccountDisabled));
        }
    };
    if now - record.last_seen_at >= Duration::seconds(60) {
        sessions::touch(conn, &token_hash, now)?;
    }
    Ok(Ok(ActiveSession {
        account,
        token_hash,
        csrf_token: record.csrf_token,
    }))
}

/// Text a client sent (a user agent, an unknown user name) as it is recorded: without
/// invisible characters that would disguise it in the audit log, at most `max_chars`.
pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    crate::domain::text::strip_invisible(s)
        .chars()
        .take(max_chars)
        .collect()
}
