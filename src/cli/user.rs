//! `techreg user add|disable|enable|passwd`: account management for the operator, e.g. the
//! first administrator of an empty database. Audited as `cli:<os user>`.

use std::io::BufRead;

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::accounts::{self, AccountError, NewAccount};
use crate::audit::Actor;
use crate::db::{self, DbConn};
use crate::domain::role::Scope;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is the first line of standard input.
    Add {
        #[arg(long)]
        username: String,
        /// clerk | province_admin | ministry | sysadmin
        #[arg(long)]
        role: String,
        /// The office of a clerk (6-digit PPCCNN).
        #[arg(long)]
        office: Option<String>,
        /// The authority of a province administrator (e.g. 440000, 440300, 660000).
        #[arg(long)]
        authority: Option<String>,
        /// The name shown in the application (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable an account and end its sessions.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// Set a new password (first line of standard input).
    Passwd {
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("无法从标准输入读取密码")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("标准输入中没有密码");
    }
    Ok(password)
}

/// Turns a service error into one readable message.
fn explain(e: AccountError) -> anyhow::Error {
    match e {
        AccountError::Invalid(errors) => {
            let lines: Vec<String> = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            anyhow::anyhow!("{}", lines.join("；"))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

fn find(conn: &mut DbConn, username: &str) -> anyhow::Result<crate::db::users::Account> {
    db::users::find_by_username(conn, username)?.with_context(|| format!("账号 {username} 不存在"))
}

pub fn run(database_url: &str, cmd: UserCommand) -> anyhow::Result<()> {
    let pool = db::open(database_url, 1)?;
    let mut conn = pool.get()?;
    let actor = Actor::cli();
    let now = db::now();
    match cmd {
        UserCommand::Add {
            username,
            role,
            office,
            authority,
            display_name,
            password_stdin: _,
        } => {
            let password = read_password()?;
            let input = NewAccount {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                username,
                role,
                office_code: office.unwrap_or_default(),
                authority_code: authority.unwrap_or_default(),
                password,
                must_change_password: false,
            };
            let id = accounts::create_user(&mut conn, &actor, &Scope::Accounts, &input, now)
                .map_err(explain)?;
            println!("已创建账号 {}（id {id}）", input.username);
        }
        UserCommand::Disable { username } => {
            let account = find(&mut conn, &username)?;
            accounts::set_disabled(&mut conn, &actor, &Scope::Accounts, account.id, true, now)
                .map_err(explain)?;
            println!("已停用账号 {username}，其会话已全部结束");
        }
        UserCommand::Enable { username } => {
            let account = find(&mut conn, &username)?;
            accounts::set_disabled(&mut conn, &actor, &Scope::Accounts, account.id, false, now)
                .map_err(explain)?;
            println!("已启用账号 {username}");
        }
        UserCommand::Passwd {
            username,
            password_stdin: _,
        } => {
            let password = read_password()?;
            let account = find(&mut conn, &username)?;
            accounts::set_password_by_operator(&mut conn, &actor, account.id, &password, now)
                .map_err(explain)?;
            println!("已修改账号 {username} 的密码");
        }
    }
    Ok(())
}
