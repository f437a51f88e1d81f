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
    #[command(about = "新建账号；密码从标准输入的第一行读取")]
    Add {
        #[arg(long, help = "用户名（小写字母、数字和 _ . -）")]
        username: String,
        #[arg(
            help = "角色：clerk（登记员）| province_admin（省级管理员）| ministry（部级用户）| sysadmin（系统管理员）"
        )]
        #[arg(long)]
        role: String,
        #[arg(help = "登记员所属登记机构（6 位代码 PPCCNN）")]
        #[arg(long)]
        office: Option<String>,
        #[arg(help = "省级管理员所属管理机构（如 440000、440300、660000）")]
        #[arg(long)]
        authority: Option<String>,
        #[arg(help = "显示名称（默认为用户名）")]
        #[arg(long)]
        display_name: Option<String>,
        #[arg(help = "从标准输入的第一行读取密码")]
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    #[command(about = "停用账号并结束其全部会话")]
    Disable {
        #[arg(help = "用户名")]
        username: String,
    },
    #[command(about = "启用已停用的账号")]
    Enable {
        #[arg(help = "用户名")]
        username: String,
    },
    #[command(about = "设置新密码（从标准输入的第一行读取）")]
    Passwd {
        #[arg(help = "用户名")]
        username: String,
        #[arg(long, required = true, help = "从标准输入的第一行读取密码")]
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
