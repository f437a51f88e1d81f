//! Sign-in: throttling per account and per client address, constant-shape failures (no user
//! enumeration), session creation and the audit entries, in one place.

use chrono::{Duration, NaiveDateTime};

use super::password;
use super::session::{self, IssuedSession, truncate};
use crate::audit::{Actor, Entry};
use crate::db::users::Account;
use crate::db::{self, DbConn};

/// Limits on failed sign-ins within a sliding window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub per_account: i64,
    pub per_ip: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window: Duration::minutes(15),
            per_account: 5,
            per_ip: 20,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Same message whether the account exists or not.
    #[error("用户名或密码错误")]
    InvalidCredentials,
    #[error("该账号已停用，请联系管理员")]
    Disabled,
    #[error("登录尝试过于频繁，请 {minutes} 分钟后再试")]
    Throttled { minutes: i64 },
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// A successful sign-in.
#[derive(Debug)]
pub struct LoggedIn {
    pub account: Account,
    pub session: IssuedSession,
}

fn account_subject(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

fn ip_subject(ip: &str) -> String {
    format!("ip:{ip}")
}

/// Checks the credentials and opens a session. Runs the argon2 verification, so call it off
/// the async workers.
pub fn login(
    conn: &mut DbConn,
    username: &str,
    password: &str,
    ip: Option<&str>,
    user_agent: Option<&str>,
    policy: ThrottlePolicy,
    now: NaiveDateTime,
) -> Result<LoggedIn, LoginError> {
    let username = username.trim();
    let subjects: Vec<(String, i64)> =
        std::iter::once((account_subject(username), policy.per_account))
            .chain(ip.map(|ip| (ip_subject(ip), policy.per_ip)))
            .collect();
    for (subject, limit) in &subjects {
        let (failures, oldest) = db::throttle::recent(conn, subject, now - policy.window)?;
        if failures >= *limit {
            let until = oldest.unwrap_or(now) + policy.window;
            let minutes = ((until - now).num_seconds() + 59).div_euclid(60).max(1);
            return Err(LoginError::Throttled { minutes });
        }
    }

    let account = db::users::find_by_username(conn, username)?;
    let verified = match &account {
        Some(a) => {
            let hash = db::users::password_hash(conn, a.id)?;
            password::verify(password, &hash)
        }
        None => password::verify_dummy(password),
    };
    let actor = Actor {
        user_id: account.as_ref().map(|a| a.id),
        name: account
            .as_ref()
            .map(|a| a.username.clone())
            .unwrap_or_else(|| truncate(username, 64)),
        role: account.as_ref().map(|a| a.role),
        ip: ip.map(str::to_owned),
    };
    let Some(account) = account.filter(|_| verified) else {
        db::write_transaction(conn, |c| {
            for (subject, _) in &subjects {
                db::throttle::record(c, subject, now)?;
            }
            db::audit::record(
                c,
                &actor,
                Entry {
                    action: "auth.login_failed",
                    object_type: "user",
                    object_id: actor.name.clone(),
                    authority_code: None,
                    summary: "用户名或密码错误".to_owned(),
                },
                now,
            )
        })?;
        return Err(LoginError::InvalidCredentials);
    };
    if account.disabled {
        return Err(LoginError::Disabled);
    }
    let session = db::write_transaction(conn, |c| {
        db::throttle::clear(c, &subjects[0].0)?;
        let session = session::create(c, account.id, ip, user_agent, now)?;
        db::audit::record(
            c,
            &actor,
            Entry {
                action: "auth.login",
                object_type: "user",
                object_id: account.username.clone(),
                authority_code: account.authority_code.clone(),
                summary: "登录成功".to_owned(),
            },
            now,
        )?;
        Ok::<_, diesel::result::Error>(session)
    })?;
    Ok(LoggedIn { account, session })
}
