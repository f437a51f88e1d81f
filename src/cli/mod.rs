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

/// 技术合同认定登记系统（techreg）
#[derive(Debug, Parser)]
#[command(
    name = "techreg",
    version,
    about = "技术合同认定登记与全国技术市场统计"
)]
pub struct Cli {
    /// Database: sqlite://PATH (or a file path) or postgres://…
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
    /// Run the web application (migrates the database first).
    Serve(serve::ServeArgs),
    /// Apply pending database migrations.
    Migrate,
    /// Manage accounts: add, disable, enable, passwd.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Import data files.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Export data files.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// The national tables of a year (interchange §2): CSV, JSON or XLSX.
    Report(report::ReportArgs),
    /// Year close: close, reopen, revisions, list.
    #[command(subcommand)]
    Year(year::YearCommand),
    /// National demo years Y−1 and Y shaped like the published report, with history rows.
    Demo(demo::DemoArgs),
    /// Copy the SQLite database to a file (a consistent snapshot, safe while the server runs).
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

/// Parses the command line, runs it, and turns errors into a zh message and exit status 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
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
