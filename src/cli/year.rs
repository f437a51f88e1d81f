//! `techreg year close|reopen|revisions|list` (interchange.md §0, domain.md §5.7): the year
//! close for the operator. Closing and reopening are audited as `cli:<os user>`.

use clap::Subcommand;

use crate::audit::Actor;
use crate::db;
use crate::domain::dates::format_cst;
use crate::export::csv_line::push_record;
use crate::statistics;

#[derive(Debug, Subcommand)]
pub enum YearCommand {
    #[command(about = "关账：冻结 Y 年全部统计表（此后该年报表取自冻结数据）")]
    Close {
        #[arg(help = "统计年度")]
        year: i32,
    },
    #[command(about = "重新开放已关账的年度；必须说明理由，理由随快照保存")]
    Reopen {
        #[arg(help = "统计年度")]
        year: i32,
        #[arg(long, default_value = "", help = "重新开放的理由（必填）")]
        reason: String,
    },
    #[command(
        about = "已关账年度的修订清单（CSV）：当前值与冻结值不同的单元格（table_id,table,row,column,frozen,current）"
    )]
    Revisions {
        #[arg(help = "统计年度")]
        year: i32,
    },
    #[command(about = "全部关账与重新开放记录，最新在前")]
    List,
}

pub fn run(database_url: &str, cmd: YearCommand) -> anyhow::Result<()> {
    let pool = db::open(database_url, 1)?;
    let mut conn = pool.get()?;
    match cmd {
        YearCommand::Close { year } => {
            let s = statistics::close(&mut conn, year, &Actor::cli(), db::now())?;
            println!(
                "已关闭 {year} 年统计（快照 #{}）：冻结登记合同 {} 项的全部统计表；此后该年的报表取自快照",
                s.id, s.contract_count
            );
        }
        YearCommand::Reopen { year, reason } => {
            let s = statistics::reopen(&mut conn, year, &reason, &Actor::cli(), db::now())?;
            println!(
                "已重新开放 {year} 年统计（快照 #{} 保留）；该年的报表重新按合同计算",
                s.id
            );
        }
        YearCommand::Revisions { year } => {
            let Some((info, revisions)) = statistics::revisions(&mut conn, year)? else {
                anyhow::bail!("{year} 年尚未关闭统计，没有修订清单");
            };
            let mut out = String::new();
            push_record(
                &mut out,
                ["table_id", "table", "row", "column", "frozen", "current"],
            );
            for r in &revisions {
                push_record(
                    &mut out,
                    [
                        r.table_id, r.table, &r.row, &r.column, &r.frozen, &r.current,
                    ],
                );
            }
            print!("{out}");
            eprintln!(
                "{year} 年（快照 #{}）共有 {} 处修订：冻结值 → 按现有合同的计算值",
                info.id,
                revisions.len()
            );
        }
        YearCommand::List => {
            let all = db::snapshots::history(&mut conn, None)?;
            if all.is_empty() {
                println!("没有已关闭的年度");
            }
            for s in all {
                let state = match (&s.reopened_at, &s.reopened_by, &s.reopen_reason) {
                    (Some(at), by, reason) => format!(
                        "已于 {} 由 {} 重新开放：{}",
                        format_cst(*at),
                        by.as_deref().unwrap_or(""),
                        reason.as_deref().unwrap_or("")
                    ),
                    _ => "有效".to_owned(),
                };
                println!(
                    "{} 年  快照 #{}  {} 由 {} 关闭  合同 {} 项  {state}",
                    s.year,
                    s.id,
                    format_cst(s.closed_at),
                    s.closed_by,
                    s.contract_count
                );
            }
        }
    }
    Ok(())
}
