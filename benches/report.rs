//! The whole national report of a year as a fresh process (interchange.md §2), on SQLite and
//! PostgreSQL, beside the same aggregations in DuckDB over the same data.
//!
//! `cargo bench --bench report [-- --years N] [-- --scale F] [-- --no-postgres] [-- --keep]`
//!
//! Fills a database with N registered demo years ending in 2016 (default 2: 2015 and 2016, about
//! 307k and 320k contracts; `--years 10` makes 2007–2016, about 3.2M) by running
//! `techreg demo --year Y` for Y = 2016−N+2, …, 2016 step 2, each through the import path and
//! scaled up so that every pair is as large as 2015 and 2016. Then
//! runs `techreg report --year 2016 --format csv --out DIR` five times under `/usr/bin/time`
//! (wall time and peak RSS of the process; the median run is printed). PostgreSQL (the local
//! socket, or `TECHREG_BENCH_PG`, a maintenance URL) gets a fresh database filled the same way.
//! DuckDB: `techreg export contracts --year Y` writes each year's CSV, a virtual environment
//! under the target directory gets `pip install duckdb`, and `benches/report_duckdb.py` loads
//! the CSVs and runs the aggregations (its load and query times are printed apart); the ratio
//! is techreg's report time over DuckDB's query time. `--keep` reuses the databases of an
//! earlier run of the same size (the SQLite file and the PostgreSQL database stay).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

const YEAR: i32 = 2016;
const RUNS: usize = 5;

struct Args {
    years: i32,
    scale: f64,
    postgres: bool,
    keep: bool,
}

fn args() -> Args {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        all.iter()
            .position(|a| a == name)
            .and_then(|i| all.get(i + 1))
            .cloned()
    };
    Args {
        years: value("--years")
            .and_then(|v| v.parse().ok())
            .unwrap_or(2)
            .max(2),
        scale: value("--scale").and_then(|v| v.parse().ok()).unwrap_or(1.0),
        postgres: !all.iter().any(|a| a == "--no-postgres"),
        keep: all.iter().any(|a| a == "--keep"),
    }
}

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_techreg")
}

fn work_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-report")
}

/// Runs `techreg` with `args` on `url`, failing with its stderr.
fn techreg(url: &str, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new(exe())
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .with_context(|| format!("running techreg {args:?}"))?;
    if !out.status.success() {
        bail!(
            "techreg {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The demo years of a database of `years` years ending in 2016.
fn demo_years(years: i32) -> Vec<i32> {
    let first = YEAR - years + 2;
    (first..=YEAR).step_by(2).collect()
}

/// The demo's scale for the pair ending in `y`: the demo shrinks years before 2016 by 2016's
/// growth in contracts (320,437 over 307,132), which this undoes, so that every year is as
/// large as 2015 and 2016 are.
fn full_size(y: i32, scale: f64) -> f64 {
    scale * (320_437.0_f64 / 307_132.0).powi(YEAR - y)
}

fn fill(url: &str, a: &Args) -> anyhow::Result<()> {
    for y in demo_years(a.years) {
        let started = Instant::now();
        let year = y.to_string();
        let scale = format!("{:.6}", full_size(y, a.scale));
        techreg(url, &["demo", "--year", &year, "--scale", &scale])?;
        println!(
            "  filled {} and {y} in {:.1} s",
            y - 1,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Wall seconds and peak RSS (MB) of one command under `/usr/bin/time`.
fn timed(program: &str, args: &[String]) -> anyhow::Result<(f64, f64, String)> {
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("TIME %e %M")
        .arg(program)
        .args(args)
        .output()
        .context("running /usr/bin/time")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("{program} {args:?} failed: {stderr}");
    }
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("TIME "))
        .context("no timing line")?;
    let mut parts = line.split_whitespace().skip(1);
    let secs: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .context("seconds")?;
    let kb: f64 = parts.next().and_then(|s| s.parse().ok()).context("rss")?;
    Ok((
        secs,
        kb / 1024.0,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

/// The median wall time and the largest peak RSS of RUNS reports.
fn report(url: &str) -> anyhow::Result<(f64, f64)> {
    let out = work_dir().join("tables");
    let args: Vec<String> = [
        "--database-url",
        url,
        "report",
        "--year",
        &YEAR.to_string(),
        "--format",
        "csv",
        "--out",
        out.to_str().context("UTF-8 path")?,
        "--force",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut times = Vec::new();
    let mut rss: f64 = 0.0;
    for _ in 0..RUNS {
        let (secs, mb, _) = timed(exe(), &args)?;
        times.push(secs);
        rss = rss.max(mb);
    }
    times.sort_by(f64::total_cmp);
    Ok((times[RUNS / 2], rss))
}

fn contracts_in(url: &str, years: i32) -> anyhow::Result<usize> {
    let mut n = 0;
    for y in (YEAR - years + 1)..=YEAR {
        let out = work_dir().join(format!("contracts-{y}.csv"));
        let _ = std::fs::remove_file(&out);
        techreg(
            url,
            &[
                "export",
                "contracts",
                "--year",
                &y.to_string(),
                "--out",
                out.to_str().context("UTF-8 path")?,
            ],
        )?;
        n += std::fs::read(&out)?
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            .saturating_sub(1);
    }
    Ok(n)
}

/// The virtual environment's python with duckdb installed.
fn duckdb_python() -> anyhow::Result<PathBuf> {
    let venv = work_dir().join("venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()?
            .success();
        if !ok {
            bail!("python3 -m venv failed");
        }
    }
    let has = Command::new(&python)
        .args(["-c", "import duckdb"])
        .status()?
        .success();
    if !has {
        let ok = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "duckdb"])
            .status()?
            .success();
        if !ok {
            bail!("pip install duckdb failed");
        }
    }
    Ok(python)
}

struct Duck {
    load: f64,
    query: f64,
    rss: f64,
}

fn duckdb(years: i32) -> anyhow::Result<Duck> {
    let python = duckdb_python()?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/report_duckdb.py");
    let mut args = vec![
        script.to_str().context("UTF-8 path")?.to_owned(),
        YEAR.to_string(),
    ];
    for y in (YEAR - years + 1)..=YEAR {
        let f = work_dir().join(format!("contracts-{y}.csv"));
        args.push(f.to_str().context("UTF-8 path")?.to_owned());
    }
    let mut best: Option<Duck> = None;
    for _ in 0..RUNS {
        let (_, rss, stdout) = timed(python.to_str().context("UTF-8 path")?, &args)?;
        let field = |name: &str| -> anyhow::Result<f64> {
            let at = stdout
                .find(&format!("\"{name}\": "))
                .context(name.to_owned())?;
            let rest = &stdout[at + name.len() + 4..];
            let end = rest.find([',', '}']).unwrap_or(rest.len());
            Ok(rest[..end].trim().parse()?)
        };
        let run = Duck {
            load: field("load_seconds")?,
            query: field("query_seconds")?,
            rss,
        };
        if best.as_ref().is_none_or(|b| run.query < b.query) {
            best = Some(run);
        }
    }
    best.context("no DuckDB run")
}

fn postgres_url(years: i32) -> anyhow::Result<Option<String>> {
    let admin = std::env::var("TECHREG_BENCH_PG")
        .unwrap_or_else(|_| "postgres:///postgres?host=/var/run/postgresql".into());
    let Ok(mut conn) = PgConnection::establish(&admin) else {
        println!("PostgreSQL: not reachable at {admin}, skipped");
        return Ok(None);
    };
    let name = format!("techreg_bench_report_{years}y");
    let exists = conn
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .is_err();
    let url = match admin.split_once("/postgres") {
        Some((head, tail)) => format!("{head}/{name}{tail}"),
        None => bail!("TECHREG_BENCH_PG must name the postgres database"),
    };
    Ok(Some(if exists {
        format!("{url}#existing")
    } else {
        url
    }))
}

fn main() {
    if let Err(e) = run(args()) {
        eprintln!("benchmark failed: {e:#}");
        std::process::exit(1);
    }
}

fn run(a: Args) -> anyhow::Result<()> {
    std::fs::create_dir_all(work_dir())?;
    println!(
        "report of {YEAR} with {} demo years in the database{}",
        a.years,
        if a.scale == 1.0 {
            String::new()
        } else {
            format!(" (scale {})", a.scale)
        }
    );
    let sqlite = work_dir().join(format!("report-{}y.db", a.years));
    if !(a.keep && sqlite.exists()) {
        let _ = std::fs::remove_file(&sqlite);
        println!("SQLite: filling {}", sqlite.display());
        fill(&format!("sqlite://{}", sqlite.display()), &a)?;
    }
    let sqlite_url = format!("sqlite://{}", sqlite.display());
    let contracts = contracts_in(&sqlite_url, a.years)?;
    let (sqlite_s, sqlite_mb) = report(&sqlite_url)?;
    println!("SQLite: {contracts} contracts; report {sqlite_s:.2} s, peak RSS {sqlite_mb:.0} MB");

    let mut pg = None;
    if a.postgres
        && let Some(url) = postgres_url(a.years)?
    {
        let (url, existing) = match url.strip_suffix("#existing") {
            Some(u) => (u.to_owned(), true),
            None => (url, false),
        };
        if existing && !a.keep {
            bail!("database of an earlier run exists: pass --keep, or drop it first");
        }
        if !existing {
            println!("PostgreSQL: filling");
            fill(&url, &a)?;
        }
        let (s, mb) = report(&url)?;
        println!("PostgreSQL: report {s:.2} s, peak RSS {mb:.0} MB");
        pg = Some((s, mb));
    }

    let duck = duckdb(a.years)?;
    println!(
        "DuckDB: load {:.2} s, aggregations {:.2} s, peak RSS {:.0} MB",
        duck.load, duck.query, duck.rss
    );
    println!();
    println!("| engine | contracts | report (s) | peak RSS (MB) | ÷ DuckDB aggregations |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| techreg, SQLite | {contracts} | {sqlite_s:.2} | {sqlite_mb:.0} | {:.1}× |",
        sqlite_s / duck.query
    );
    if let Some((s, mb)) = pg {
        println!(
            "| techreg, PostgreSQL | {contracts} | {s:.2} | {mb:.0} | {:.1}× |",
            s / duck.query
        );
    }
    println!(
        "| DuckDB (aggregations; CSV load {:.2} s apart) | {contracts} | {:.2} | {:.0} | 1.0× |",
        duck.load, duck.query, duck.rss
    );
    Ok(())
}
