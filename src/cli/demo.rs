//! `techreg demo --year Y [--scale F]`: the national demo years Y−1 and Y (interchange §0).

use std::time::Instant;

use clap::Args;

use crate::db;
use crate::demo::{self, national::Size};

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(help = "生成的两年中较晚的一年（生成 Y−1 与 Y）；2016 复现 2016 年度报告")]
    #[arg(long)]
    pub year: i32,
    #[arg(help = "相对全国规模的比例，如 0.01 约为每年 3,200 份合同")]
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
}

pub fn run(database_url: &str, args: DemoArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let pool = db::open(database_url, 1)?;
    let mut conn = pool.get()?;
    let size = Size {
        year: args.year,
        scale: args.scale,
    };
    let mut progress = |line: &str| {
        println!("{line}（{:.1} 秒）", started.elapsed().as_secs_f64());
    };
    let summary = demo::national_years(&mut conn, &size, &mut progress)?;
    let contracts: usize = summary.years.iter().map(|y| y.1).sum();
    println!(
        "演示数据已生成：{}–{} 年已登记合同共 {contracts} 份，用时 {:.1} 秒",
        args.year - 1,
        args.year,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
