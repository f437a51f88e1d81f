//! How the contract list behaves at national size: `cargo bench --bench list [-- ROWS]`
//! (default 1,000,000) imports that many generated contracts (four years of the demo offices)
//! into a fresh SQLite file, then times the list queries a clerk, a province administrator and
//! the ministry run: first pages, a deep keyset page, filters, sorts and name search.
//! With `BENCH_DATABASE_URL=postgres://…` (an empty database) it measures PostgreSQL instead.
//! `BENCH_SQLITE_FILE=PATH` keeps the SQLite file and, when it already holds contracts, reuses
//! them instead of loading again.

use std::path::PathBuf;
use std::time::Instant;

use chrono::Utc;
use techreg::audit::Actor;
use techreg::batch::{self, Importer};
use techreg::db::contracts::{ContractFilter, Cursor, Sort};
use techreg::db::{self, DbConn};
use techreg::domain::status::Status;
use techreg::domain::{dates, role::Scope};

const DEFAULT_ROWS: usize = 1_000_000;
const YEARS: [i32; 4] = [2023, 2024, 2025, 2026];
const PAGE: i64 = 50;

fn main() {
    let rows = std::env::args()
        .skip(1)
        .find_map(|a| a.replace('_', "").parse::<usize>().ok())
        .unwrap_or(DEFAULT_ROWS);
    if let Err(e) = run(rows) {
        eprintln!("benchmark failed: {e:#}");
        std::process::exit(1);
    }
}

struct Scratch(Option<PathBuf>);

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(p) = &self.0 {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
            }
        }
    }
}

fn run(rows: usize) -> anyhow::Result<()> {
    let (url, _scratch) = match std::env::var("BENCH_DATABASE_URL") {
        Ok(url) => (url, Scratch(None)),
        Err(_) if std::env::var_os("BENCH_SQLITE_FILE").is_some() => {
            let path = PathBuf::from(std::env::var_os("BENCH_SQLITE_FILE").unwrap_or_default());
            (format!("sqlite://{}", path.display()), Scratch(None))
        }
        Err(_) => {
            let path =
                std::env::temp_dir().join(format!("techreg_list_bench_{}.db", std::process::id()));
            (format!("sqlite://{}", path.display()), Scratch(Some(path)))
        }
    };
    let pool = db::open(&url, 2)?;
    let mut conn = pool.get()?;
    techreg::demo::seed_accounts_if_empty(&mut conn)?;
    let today = dates::today_cst(Utc::now());
    let started = Instant::now();
    let loaded = db::contracts::count(&mut conn, &Scope::Nation)? > 0;
    for (i, year) in YEARS.iter().enumerate().filter(|_| !loaded) {
        let file = techreg::demo::contracts::csv(rows / YEARS.len(), *year, today, 7 + i as u64);
        batch::import_file(
            &mut conn,
            &Actor::cli(),
            &Importer::Operator,
            "bench.csv",
            file.as_bytes(),
            db::now(),
        )
        .map_err(|p| {
            anyhow::anyhow!(
                p.lines
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
    }
    let total = db::contracts::count(&mut conn, &Scope::Nation)?;
    println!(
        "backend {:?}: {total} contracts loaded in {:.1} s",
        conn.backend(),
        started.elapsed().as_secs_f64()
    );

    let office = Scope::Office("440101".into());
    let province = Scope::Authority("440000".into());
    let nation = Scope::Nation;
    let none = ContractFilter::default();
    let registered = ContractFilter {
        status: Some(Status::Registered),
        ..Default::default()
    };
    let development = ContractFilter {
        category: Some("1".into()),
        min_total_fen: Some(100_000_000),
        ..Default::default()
    };
    let text = ContractFilter {
        text: Some("储能".into()),
        ..Default::default()
    };
    let common = ContractFilter {
        text: Some("有限公司".into()),
        ..Default::default()
    };
    let three = ContractFilter {
        text: Some("新材料".into()),
        ..Default::default()
    };
    // One party's full name, from a contract a third of the way in: a rare name, older than
    // any first page, so only the name index finds it quickly.
    let party_name = db::contracts::find(&mut conn, total / 3)?
        .map(|r| r.data.seller_name_norm)
        .unwrap_or_default();
    let party = ContractFilter {
        text: Some(party_name.clone()),
        ..Default::default()
    };

    println!("one seller's full name: {party_name}");
    println!("{:<58} {:>10} {:>8}", "query", "median ms", "rows");
    let cases: Vec<(&str, &Scope, &ContractFilter, Sort)> = vec![
        ("clerk: newest, first page", &office, &none, Sort::Newest),
        (
            "clerk: registered, by signing date",
            &office,
            &registered,
            Sort::SignedDesc,
        ),
        ("clerk: by amount", &office, &none, Sort::AmountDesc),
        ("clerk: name search 储能", &office, &text, Sort::Newest),
        ("clerk: name search 新材料", &office, &three, Sort::Newest),
        (
            "province: newest, first page",
            &province,
            &none,
            Sort::Newest,
        ),
        (
            "province: development ≥ 100万元",
            &province,
            &development,
            Sort::Newest,
        ),
        ("ministry: newest, first page", &nation, &none, Sort::Newest),
        ("ministry: by amount", &nation, &none, Sort::AmountDesc),
        ("ministry: name search 储能", &nation, &text, Sort::Newest),
        (
            "ministry: name search 有限公司 (most rows)",
            &nation,
            &common,
            Sort::Newest,
        ),
        (
            "ministry: name search 新材料, by amount",
            &nation,
            &three,
            Sort::AmountDesc,
        ),
        (
            "ministry: one seller's full name",
            &nation,
            &party,
            Sort::Newest,
        ),
    ];
    for (label, scope, filter, sort) in cases {
        let (ms, n) = median_ms(&mut conn, scope, filter, sort, None)?;
        println!("{label:<58} {ms:>10.1} {n:>8}");
    }
    // A deep page: follow 200 keyset pages, then time the next one.
    let mut cursor: Option<Cursor> = None;
    for _ in 0..200 {
        let (_, next) = db::contracts::list(
            &mut conn,
            &office,
            &none,
            Sort::Newest,
            cursor.as_ref(),
            PAGE,
        )?;
        cursor = next;
    }
    let (ms, n) = median_ms(&mut conn, &office, &none, Sort::Newest, cursor.as_ref())?;
    println!("{:<58} {ms:>10.1} {n:>8}", "clerk: page 201 by keyset");

    // The count and sums above the list: bounded (what every page shows) and in full (what
    // "统计全部" asks for).
    println!(
        "{:<58} {:>10} {:>8} {:>10} {:>8}",
        "summary (count and sums)", "bounded ms", "count", "full ms", "count"
    );
    let sums: Vec<(&str, &Scope, &ContractFilter)> = vec![
        ("clerk: everything", &office, &none),
        ("clerk: registered", &office, &registered),
        ("province: everything", &province, &none),
        ("province: development ≥ 100万元", &province, &development),
        ("ministry: everything", &nation, &none),
        ("ministry: registered", &nation, &registered),
        ("ministry: name search 储能", &nation, &text),
        (
            "ministry: name search 有限公司 (most rows)",
            &nation,
            &common,
        ),
        ("ministry: name search 新材料", &nation, &three),
        ("ministry: one seller's full name", &nation, &party),
    ];
    for (label, scope, filter) in sums {
        let mut cells = Vec::new();
        for bound in [Some(db::contracts::SUMMARY_BOUND), None] {
            let mut times = Vec::new();
            let mut count = 0;
            for _ in 0..5 {
                let t = Instant::now();
                count = db::contracts::summary(&mut conn, scope, filter, bound)?.count;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(|a, b| a.total_cmp(b));
            cells.push(format!("{:>10.1} {count:>8}", times[2]));
        }
        println!("{label:<58} {}", cells.join(" "));
    }
    Ok(())
}

fn median_ms(
    conn: &mut DbConn,
    scope: &Scope,
    filter: &ContractFilter,
    sort: Sort,
    after: Option<&Cursor>,
) -> anyhow::Result<(f64, usize)> {
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let (rows, _) = db::contracts::list(conn, scope, filter, sort, after, PAGE)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        n = rows.len();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    Ok((times[2], n))
}
