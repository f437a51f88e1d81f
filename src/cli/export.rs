//! `techreg export contracts --year Y [--out FILE]` (interchange §1).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;

use crate::batch;
use crate::db;

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    #[command(about = "导出某年登记的合同（合同 CSV，按登记编号排序）")]
    Contracts {
        #[arg(help = "登记年度")]
        #[arg(long)]
        year: i32,
        #[arg(help = "输出文件（导出完成后才写入到位）；不指定时写到标准输出")]
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(help = "覆盖已存在的 --out 文件")]
        #[arg(long)]
        force: bool,
    },
}

pub fn run(database_url: &str, cmd: ExportCommand) -> anyhow::Result<()> {
    match cmd {
        ExportCommand::Contracts { year, out, force } => {
            if let Some(path) = &out
                && path.exists()
                && !force
            {
                anyhow::bail!("{} 已存在；如需覆盖请加 --force", path.display());
            }
            let pool = db::open(database_url, 1)?;
            let mut conn = pool.get()?;
            match out {
                Some(path) => {
                    let n = write_file(&path, |w| batch::export_year(&mut conn, year, w))?;
                    eprintln!("已导出 {year} 年登记的合同 {n} 份到 {}", path.display());
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut w = std::io::BufWriter::new(stdout.lock());
                    batch::export_year(&mut conn, year, &mut w)?;
                    w.flush().context("写出失败")?;
                }
            }
            Ok(())
        }
    }
}

/// Writes to a temporary file beside `path` and renames it into place only when complete, so
/// a failed export leaves no half-written file.
fn write_file<T>(
    path: &Path,
    f: impl FnOnce(&mut dyn Write) -> Result<T, batch::ExportError>,
) -> anyhow::Result<T> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".part");
    let tmp = path.with_file_name(tmp_name);
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("无法创建文件 {}", tmp.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let result = f(&mut w).map_err(anyhow::Error::from).and_then(|v| {
        w.into_inner()
            .map_err(|e| anyhow::anyhow!("写出失败：{}", e.error()))?
            .sync_all()
            .context("写出失败")?;
        Ok(v)
    });
    match result {
        Ok(v) => {
            std::fs::rename(&tmp, path)
                .with_context(|| format!("无法写入文件 {}", path.display()))?;
            Ok(v)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
