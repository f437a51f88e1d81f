//! `techreg report --year Y --format csv|json|xlsx --out DIR` (interchange.md §2): the national
//! tables of a year, checked before anything is written.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use crate::db;
use crate::db::stats::Scope;
use crate::export::tables;
use crate::statistics;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[value(help = "每张表一个 ID.csv")]
    Csv,
    #[value(help = "一个 tables.json")]
    Json,
    #[value(help = "一个 tables.xlsx 工作簿，每张表一个工作表")]
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(help = "登记年度")]
    #[arg(long)]
    pub year: i32,
    #[arg(long, value_enum, help = "输出格式")]
    pub format: Format,
    #[arg(help = "输出目录（不存在时自动创建）")]
    #[arg(long)]
    pub out: PathBuf,
    #[arg(help = "覆盖目录中已有的报表文件")]
    #[arg(long)]
    pub force: bool,
}

pub fn run(database_url: &str, args: ReportArgs) -> anyhow::Result<()> {
    // Two connections: the year and its prior year are read at once.
    let pool = db::open(database_url, 2)?;
    // Refused before the tables are computed, which takes a while on a national year.
    refuse_existing(&args.out, &file_names(args.format), args.force)?;
    let report = statistics::report(&pool, args.year, &Scope::national())?;
    let files: Vec<(String, Vec<u8>)> = match args.format {
        Format::Csv => report
            .tables
            .iter()
            .map(|t| (tables::csv_name(t.id), t.csv().into_bytes()))
            .collect(),
        Format::Json => vec![(
            "tables.json".to_owned(),
            tables::json(&report.tables)?.into_bytes(),
        )],
        Format::Xlsx => vec![(
            "tables.xlsx".to_owned(),
            tables::xlsx(&report.tables).map_err(|e| anyhow::anyhow!("无法生成工作簿：{e}"))?,
        )],
    };
    write_all(&args.out, &files, args.force)?;
    if let Some(s) = &report.closed {
        println!(
            "{} 年已关闭统计：数据取自 {} 冻结的快照 #{}",
            report.year,
            crate::domain::dates::format_cst(s.closed_at),
            s.id
        );
    }
    println!(
        "已写出 {} 年全国技术市场统计表 {} 张（{}）到 {}",
        report.year,
        report.tables.len(),
        match args.format {
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Xlsx => "XLSX",
        },
        args.out.display()
    );
    Ok(())
}

/// The files a report in `format` writes.
fn file_names(format: Format) -> Vec<String> {
    match format {
        Format::Csv => crate::stats::spec::TABLES
            .iter()
            .map(|t| tables::csv_name(t.id))
            .collect(),
        Format::Json => vec!["tables.json".to_owned()],
        Format::Xlsx => vec!["tables.xlsx".to_owned()],
    }
}

/// Existing files of an earlier report are refused unless `force`.
fn refuse_existing(dir: &Path, names: &[String], force: bool) -> anyhow::Result<()> {
    if !force && let Some(name) = names.iter().find(|name| dir.join(name).exists()) {
        bail!("{} 已存在；如需覆盖请加 --force", dir.join(name).display());
    }
    Ok(())
}

/// Writes every file or none: existing files are refused unless `force`, each file goes to a
/// temporary name first, and only when all are written are they renamed into place.
fn write_all(dir: &Path, files: &[(String, Vec<u8>)], force: bool) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    refuse_existing(dir, &names, force)?;
    let mut written: Vec<PathBuf> = Vec::new();
    let result = (|| -> anyhow::Result<()> {
        for (name, bytes) in files {
            let tmp = dir.join(format!("{name}.part"));
            std::fs::write(&tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
            written.push(tmp);
        }
        Ok(())
    })();
    if let Err(e) = result {
        for tmp in &written {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }
    for ((name, _), tmp) in files.iter().zip(&written) {
        std::fs::rename(tmp, dir.join(name))
            .with_context(|| format!("无法写入 {}", dir.join(name).display()))?;
    }
    Ok(())
}
