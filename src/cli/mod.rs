//! The `techreg` command line: one binary with subcommands. Errors go to stderr in Chinese with
//! a non-zero exit status; every subcommand first brings the database up to date.

mod demo;
mod export;
mod import;
mod report;
mod serve;
mod user;
mod year;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Help and errors are in Chinese: texts are given as `about` / `help` attributes, and
// `localised` sets the headings and the help and version flags of every command.
#[derive(Debug, Parser)]
#[command(
    name = "techreg",
    version,
    about = "技术合同认定登记与全国技术市场统计"
)]
pub struct Cli {
    #[arg(help = "数据库：sqlite://路径（或文件路径）或 postgres://…")]
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite://techreg.db"
    )]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(about = "运行 Web 应用（先迁移数据库）")]
    Serve(serve::ServeArgs),
    #[command(about = "执行尚未应用的数据库迁移")]
    Migrate,
    #[command(about = "管理账号：add 新建、disable 停用、enable 启用、passwd 改密码")]
    #[command(subcommand)]
    User(user::UserCommand),
    #[command(about = "导入数据文件")]
    #[command(subcommand)]
    Import(import::ImportCommand),
    #[command(about = "导出数据文件")]
    #[command(subcommand)]
    Export(export::ExportCommand),
    #[command(about = "生成某年全国统计表（CSV、JSON 或 XLSX）")]
    Report(report::ReportArgs),
    #[command(about = "年度关账：close 关账、reopen 重新开放、revisions 修订清单、list 关账记录")]
    #[command(subcommand)]
    Year(year::YearCommand),
    #[command(about = "生成全国演示数据：Y−1 与 Y 两年的登记合同（按年度报告的结构）及历史数据")]
    Demo(demo::DemoArgs),
    #[command(about = "把 SQLite 数据库备份到文件（一致的快照，服务运行时也可执行）")]
    Backup {
        #[arg(help = "备份文件路径（不得已存在）")]
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

/// Headings and flags of one command's help, in Chinese.
const HELP_TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}\n";

/// `cmd` and all its subcommands with the zh help template, headings and help / version flags.
fn localised(cmd: clap::Command) -> clap::Command {
    let cmd = cmd
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("命令")
        .next_help_heading("选项")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .mut_args(|a| {
            let heading = if a.is_positional() {
                "参数"
            } else {
                "选项"
            };
            a.help_heading(heading)
        })
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .help("显示帮助")
                .action(clap::ArgAction::Help),
        );
    let cmd = if cmd.get_version().is_some() {
        cmd.arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .help("显示版本")
                .action(clap::ArgAction::Version),
        )
    } else {
        cmd
    };
    cmd.mut_subcommands(localised)
}

/// What the parser found wrong, in Chinese (the framework's own wording only where a kind of
/// error has no translation here).
fn parse_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = context(ContextKind::InvalidArg);
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            format!("未知的命令“{}”", context(ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("未知的参数“{arg}”"),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令".to_owned()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "参数 {arg} 的值“{}”无效{}",
            context(ContextKind::InvalidValue),
            match context(ContextKind::ValidValue) {
                v if v.is_empty() => String::new(),
                v => format!("，可选：{v}"),
            }
        ),
        ErrorKind::ArgumentConflict => format!("参数 {arg} 不能与其他参数同时使用"),
        ErrorKind::TooManyValues => {
            format!("参数 {arg} 给出了多余的值")
        }
        _ => e.kind().to_string(),
    }
}

/// Parses the command line, runs it, and turns errors into a zh message and exit status 1.
pub fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let parsed = localised(Cli::command())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e)
            if e.kind() == clap::error::ErrorKind::DisplayHelp
                || e.kind() == clap::error::ErrorKind::DisplayVersion =>
        {
            // Help and version go to standard output and succeed.
            let text = e.render().to_string();
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("错误：{}\n用法见 techreg --help", parse_error(&e));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(&cli.database_url, args),
        Command::Migrate => {
            let pool = crate::db::open(&cli.database_url, 1)?;
            let names = crate::db::migration_names(pool.get()?.backend());
            println!("数据库已是最新（{} 个迁移）。", names.len());
            Ok(())
        }
        Command::User(cmd) => user::run(&cli.database_url, cmd),
        Command::Import(cmd) => import::run(&cli.database_url, cmd),
        Command::Export(cmd) => export::run(&cli.database_url, cmd),
        Command::Report(args) => report::run(&cli.database_url, args),
        Command::Year(cmd) => year::run(&cli.database_url, cmd),
        Command::Demo(args) => demo::run(&cli.database_url, args),
        Command::Backup { out } => {
            let pool = crate::db::open(&cli.database_url, 1)?;
            let mut conn = pool.get()?;
            crate::db::backup_sqlite(&mut conn, &out)?;
            println!("已备份到 {}", out.display());
            Ok(())
        }
    }
}
