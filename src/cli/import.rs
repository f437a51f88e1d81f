//! `techreg import offices FILE` (interchange §4), `techreg import contracts FILE` (§1),
//! `techreg import history FILE` (§3) and `techreg import institutions FILE` (§0, 附表15).

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Subcommand;

use crate::accounts::{self, NewOfficeInput};
use crate::audit::Actor;
use crate::batch::{self, Importer};
use crate::db;
use crate::history;
use crate::input::csv_file::{self, Problems};
use crate::institutions;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    #[command(about = "导入登记机构：office_code,name,authority_code（全有或全无）")]
    Offices {
        #[arg(help = "要导入的文件")]
        file: PathBuf,
    },
    #[command(about = "导入合同：合同 CSV 或 .xlsx 工作簿（第一个工作表），全有或全无")]
    Contracts {
        #[arg(help = "要导入的文件")]
        file: PathBuf,
    },
    #[command(about = "导入历年全国数据与研发经费（历史 CSV），全有或全无")]
    History {
        #[arg(help = "要导入的文件")]
        file: PathBuf,
    },
    #[command(about = "导入附表15 示范机构名单：province,institution_name（替换整个名单）")]
    Institutions {
        #[arg(help = "要导入的文件")]
        file: PathBuf,
    },
}

pub fn run(database_url: &str, cmd: ImportCommand) -> anyhow::Result<()> {
    match cmd {
        ImportCommand::Contracts { file } => {
            let (name, bytes) = read_file(&file)?;
            let pool = db::open(database_url, 1)?;
            let mut conn = pool.get()?;
            let result = batch::import_file(
                &mut conn,
                &Actor::cli(),
                &Importer::Operator,
                &name,
                &bytes,
                db::now(),
            );
            match result {
                Ok(summary) => {
                    for w in &summary.warnings {
                        eprintln!("{w}");
                    }
                    println!("{}", summary.describe());
                    Ok(())
                }
                Err(problems) => {
                    for p in &problems.lines {
                        eprintln!("{p}");
                    }
                    bail!("{}", problems.describe())
                }
            }
        }
        ImportCommand::History { file } => {
            let (name, bytes) = read_file(&file)?;
            let pool = db::open(database_url, 1)?;
            let mut conn = pool.get()?;
            match history::import_file(&mut conn, &Actor::cli(), &name, &bytes, db::now()) {
                Ok(summary) => {
                    println!("{}", summary.describe());
                    Ok(())
                }
                Err(problems) => report(problems),
            }
        }
        ImportCommand::Institutions { file } => {
            let (name, bytes) = read_file_at_most(&file, institutions::MAX_FILE_BYTES)?;
            let pool = db::open(database_url, 1)?;
            let mut conn = pool.get()?;
            match institutions::import_file(&mut conn, &Actor::cli(), &name, &bytes, db::now()) {
                Ok(summary) => {
                    println!("{}", summary.describe());
                    Ok(())
                }
                Err(problems) => report(problems),
            }
        }
        ImportCommand::Offices { file } => {
            let (_, bytes) = read_file(&file)?;
            let rows = match csv_file::read_offices(&bytes) {
                Ok(rows) => rows,
                Err(problems) => return report(problems.into()),
            };
            let inputs: Vec<(usize, NewOfficeInput)> = rows
                .into_iter()
                .map(|r| {
                    (
                        r.row,
                        NewOfficeInput {
                            code: r.office_code,
                            name: r.name,
                            authority_code: r.authority_code,
                        },
                    )
                })
                .collect();
            let pool = db::open(database_url, 1)?;
            let mut conn = pool.get()?;
            match accounts::import_offices(&mut conn, &Actor::cli(), &inputs, db::now()) {
                Ok(s) => {
                    println!(
                        "已导入 {} 行：新建 {}，更名 {}，未变 {}",
                        inputs.len(),
                        s.created,
                        s.renamed,
                        s.unchanged
                    );
                    Ok(())
                }
                Err(problems) => report(problems.0.into()),
            }
        }
    }
}

/// Why `file` could not be read, said plainly.
fn unreadable(file: &Path, e: &std::io::Error) -> anyhow::Error {
    match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!("文件不存在：{}", file.display()),
        std::io::ErrorKind::PermissionDenied => {
            anyhow::anyhow!("没有读取权限：{}", file.display())
        }
        _ if file.is_dir() => anyhow::anyhow!("{} 是目录，不是文件", file.display()),
        _ => anyhow::anyhow!("无法读取文件 {}：{e}", file.display()),
    }
}

/// The file's name (for the summary and the audit entry) and its bytes.
fn read_file(file: &Path) -> anyhow::Result<(String, Vec<u8>)> {
    let bytes = std::fs::read(file).map_err(|e| unreadable(file, &e))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((name, bytes))
}

/// [`read_file`], refusing a file larger than `max` bytes before reading it.
fn read_file_at_most(file: &Path, max: usize) -> anyhow::Result<(String, Vec<u8>)> {
    let len = std::fs::metadata(file)
        .map_err(|e| unreadable(file, &e))?
        .len();
    if len > max as u64 {
        bail!(
            "文件 {} 过大（超过 {} MB），未写入任何数据",
            file.display(),
            max >> 20
        );
    }
    read_file(file)
}

/// Prints every problem line to stderr and fails with the closing line.
fn report(problems: Problems) -> anyhow::Result<()> {
    for p in problems.lines() {
        eprintln!("{p}");
    }
    bail!("{}", problems.describe())
}
