//! Sign-in: throttling per account and per client address, constant-shape failures (no user
//! enumeration), session creation and the audit entries, in one place.

use chrono::{Duration, NaiveDateTime};

use super::password;
use super::session::{self, IssuedSession, truncate};
use crate::audit::{Actor, Entry};
use crate::db::users::Account;
use crate::db::{self, DbConn};

/// Limits on failed sign-ins within a sliding window.
///
/// A lock is only ever applied to what the attacker controls: the pair (account, address) and
/// the address itself. An account's failures from everywhere together only slow its sign-ins
/// down (`account_delay` before the password is checked), so someone guessing from elsewhere
/// cannot keep the owner out, while a guesser spread over many addresses is slowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window: Duration,
    /// Failures of one account from one address before that pair is refused.
    pub per_account_and_ip: i64,
    /// Failures from one address (any account) before the address is refused.
    pub per_ip: i64,
    /// Failures of one account from all addresses before its sign-ins are delayed.
    pub per_account: i64,
    /// The wait before checking a password of an account past `per_account`.
    pub account_delay: std::time::Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window: Duration::minutes(15),
            per_account_and_ip: 5,
            per_ip: 20,
            per_account: 50,
            account_delay: std::time::Duration::from_secs(3),
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

/// The throttle records a failed sign-in is counted under: the account from this address, the
/// address, the account from anywhere; each with the limit that refuses it (`None`: never
/// refused, only delayed).
fn subjects(
    username: &str,
    ip: Option<&str>,
    policy: ThrottlePolicy,
) -> [(String, Option<i64>); 3] {
    let user = format!("user:{}", username.trim().to_lowercase());
    let ip = format!("ip:{}", ip.unwrap_or("unknown"));
    [
        (format!("{user}@{ip}"), Some(policy.per_account_and_ip)),
        (ip, Some(policy.per_ip)),
        (user, None),
    ]
}

/// How long to wait before checking a password for `username` (zero unless its failures from
/// all addresses passed `per_account`). The wait happens outside any database connection.
pub fn delay_before(
    conn: &mut DbConn,
    username: &str,
    policy: ThrottlePolicy,
    now: NaiveDateTime,
) -> diesel::QueryResult<std::time::Duration> {
    let [_, _, (account, _)] = subjects(username, None, policy);
    let (failures, _) = db::throttle::recent(conn, &account, now - policy.window)?;
    Ok(if failures >= policy.per_account {
        policy.account_delay
    } else {
        std::time::Duration::ZERO
    })
}

/// Checks the credentials and opens a session. Runs the argon2 verification, so call it off
/// the async workers (and wait [`delay_before`] first, outside it).
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
    let subjects = subjects(username, ip, policy);
    for (subject, limit) in &subjects {
        let Some(limit) = limit else { continue };
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
        // The owner got in from here; failures counted elsewhere keep counting.
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
