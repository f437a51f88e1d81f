//! Throughput of the contracts import and export (interchange.md §1) on SQLite.
//!
//! `cargo bench --bench import [-- ROWS]` (default 320,000, one national year) generates that
//! many valid rows with the demo generator (`demo::contracts::csv_for`: every contract
//! category, tens of thousands of distinct parties, natural persons, foreign parties and
//! technology imports among them) for 40 prefecture-level offices across the provinces, seven
//! in ten registered history of 2025 and the rest submitted filings, into a temporary CSV file, imports it into a fresh SQLite file exactly as
//! `techreg import contracts FILE` does, and exports the registered year as
//! `techreg export contracts --year 2025 --out FILE` does. It prints rows, seconds and rows/s.
//!
//! `-- xlsx` writes the rows as a filled-in template workbook (`export::workbook::template`: text
//! cells, shared strings) and imports that instead, timing the reading of its first sheet.
//! `-- --files DIR` writes `offices.csv`, `contracts.csv` and `contracts.xlsx` to DIR and stops,
//! for measuring the command line itself (BENCHMARKS.md: peak memory).

use std::path::PathBuf;
use std::time::Instant;

use chrono::Utc;
use techreg::accounts::{self, NewOfficeInput};
use techreg::audit::Actor;
use techreg::batch::{self, Importer};
use techreg::catalog::region;
use techreg::db;
use techreg::demo::contracts::{self, Batch};
use techreg::domain::dates;
use techreg::domain::office_code::OfficeCode;
use techreg::export::workbook;
use techreg::input::xlsx;

const DEFAULT_ROWS: usize = 320_000;
const OFFICES: usize = 40;
const YEAR: i32 = 2025;

fn main() {
    // `cargo bench` passes `--bench`; the first bare number is the row count.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows = args
        .iter()
        .find_map(|a| a.replace('_', "").parse::<usize>().ok())
        .unwrap_or(DEFAULT_ROWS);
    let xlsx = args.iter().any(|a| a == "xlsx");
    let files = args
        .iter()
        .position(|a| a == "--files")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let result = match files {
        Some(dir) => write_files(rows, &dir),
        None => run(rows, xlsx),
    };
    if let Err(e) = result {
        eprintln!("benchmark failed: {e:#}");
        std::process::exit(1);
    }
}

/// The generated rows as interchange CSV text.
fn generate(rows: usize, offices: &[Office]) -> String {
    let territories: Vec<(&str, &str)> = offices
        .iter()
        .map(|o| (o.input.code.as_str(), o.territory.as_str()))
        .collect();
    // Seven in ten rows are the registered history of YEAR, the rest filings of the last weeks.
    let batch = Batch {
        offices: &territories,
        submitted_percent: 30,
    };
    contracts::csv_for(
        &batch,
        rows,
        YEAR,
        dates::today_cst(Utc::now()),
        0x5EED_0001,
    )
}

/// The rows of a contracts CSV as a filled-in template workbook (every value a text cell).
fn workbook(text: &str) -> anyhow::Result<Vec<u8>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    let order: Vec<Option<usize>> = techreg::domain::contract_file::columns()
        .map(|c| header.iter().position(|h| h == c))
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record?;
        rows.push(
            order
                .iter()
                .map(|i| i.and_then(|i| record.get(i)).unwrap_or("").to_owned())
                .collect::<Vec<String>>(),
        );
    }
    Ok(workbook::template(&rows)?)
}

/// Writes the offices, the contracts CSV and the same rows as a workbook to `dir`.
fn write_files(rows: usize, dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let offices = offices();
    let mut list = String::from("office_code,name,authority_code\n");
    for o in &offices {
        list.push_str(&format!(
            "{},{},{}\n",
            o.input.code, o.input.name, o.input.authority_code
        ));
    }
    std::fs::write(dir.join("offices.csv"), list)?;
    let text = generate(rows, &offices);
    std::fs::write(dir.join("contracts.csv"), &text)?;
    let bytes = workbook(&text)?;
    std::fs::write(dir.join("contracts.xlsx"), &bytes)?;
    println!(
        "wrote {rows} rows to {}: contracts.csv {:.1} MB, contracts.xlsx {:.1} MB, offices.csv",
        dir.display(),
        text.len() as f64 / 1e6,
        bytes.len() as f64 / 1e6
    );
    Ok(())
}

/// Files removed when the run ends, however it ends.
struct Scratch(Vec<PathBuf>);

impl Drop for Scratch {
    fn drop(&mut self) {
        for p in &self.0 {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
            }
        }
    }
}

fn run(rows: usize, as_xlsx: bool) -> anyhow::Result<()> {
    let dir = std::env::temp_dir();
    let tag = format!("techreg_bench_{}", std::process::id());
    let input_path = dir.join(format!("{tag}.input"));
    let db_path = dir.join(format!("{tag}.db"));
    let out_path = dir.join(format!("{tag}_export.csv"));
    let _scratch = Scratch(vec![input_path.clone(), db_path.clone(), out_path.clone()]);

    let started = Instant::now();
    let offices = offices();
    let text = generate(rows, &offices);
    println!(
        "generated {rows} rows ({:.1} MB CSV) in {:.2} s",
        text.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let file_name = if as_xlsx {
        let started = Instant::now();
        let bytes = workbook(&text)?;
        println!(
            "wrote them as a workbook ({:.1} MB XLSX) in {:.2} s",
            bytes.len() as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let csv = xlsx::first_sheet_as_csv(&bytes).map_err(|e| anyhow::anyhow!(e))?;
        println!(
            "first sheet read as CSV ({:.1} MB, {} the generated CSV) in {:.2} s",
            csv.len() as f64 / 1e6,
            if csv == text.as_bytes() {
                "identical to"
            } else {
                "different from"
            },
            started.elapsed().as_secs_f64()
        );
        std::fs::write(&input_path, &bytes)?;
        "bench.xlsx"
    } else {
        std::fs::write(&input_path, &text)?;
        "bench.csv"
    };
    drop(text);

    let url = format!("sqlite://{}", db_path.display());
    let pool = db::open(&url, 1)?;
    let mut conn = pool.get()?;
    let office_rows: Vec<(usize, NewOfficeInput)> = offices
        .iter()
        .enumerate()
        .map(|(i, o)| (i + 2, o.input.clone()))
        .collect();
    accounts::import_offices(&mut conn, &Actor::cli(), &office_rows, db::now())
        .map_err(|p| anyhow::anyhow!("offices: {:?}", p.0))?;

    // The command line's path: read the file, import it in one transaction.
    let started = Instant::now();
    let bytes = std::fs::read(&input_path)?;
    let summary = batch::import_file(
        &mut conn,
        &Actor::cli(),
        &Importer::Operator,
        file_name,
        &bytes,
        db::now(),
    )
    .map_err(|p| {
        anyhow::anyhow!(
            "{}\n{}",
            p.describe(),
            p.lines
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    let import_secs = started.elapsed().as_secs_f64();
    drop(bytes);
    println!("{}", summary.describe());
    let db_bytes: u64 = ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", db_path.display())).ok())
        .map(|m| m.len())
        .sum();
    println!("database file: {:.1} MB", db_bytes as f64 / 1e6);
    println!(
        "import: {} rows in {:.2} s = {:.0} rows/s ({} warnings)",
        summary.rows,
        import_secs,
        summary.rows as f64 / import_secs,
        summary.warnings.len()
    );

    let started = Instant::now();
    let file = std::fs::File::create(&out_path)?;
    let mut w = std::io::BufWriter::new(file);
    let exported = batch::export_year(&mut conn, YEAR, &mut w)?;
    drop(w);
    let export_secs = started.elapsed().as_secs_f64();
    println!(
        "export: {exported} rows in {:.2} s = {:.0} rows/s ({:.1} MB)",
        export_secs,
        exported as f64 / export_secs,
        std::fs::metadata(&out_path)?.len() as f64 / 1e6
    );
    Ok(())
}

/// A registering office and the GB/T 2260 prefix of its territory.
struct Office {
    input: NewOfficeInput,
    territory: String,
}

/// Prefecture-level offices spread over the provinces.
fn offices() -> Vec<Office> {
    let prefectures: Vec<&region::Division> = region::all()
        .filter(|d| d.level == region::Level::Prefecture)
        .filter(|d| region::children(d.code).len() >= 3)
        .collect();
    let step = (prefectures.len() / OFFICES).max(1);
    prefectures
        .iter()
        .step_by(step)
        .take(OFFICES)
        .filter_map(|p| {
            let code = format!("{}01", &p.code[..4]);
            let office = OfficeCode::parse(&code).ok()?;
            let authority = office.default_authority()?;
            Some(Office {
                input: NewOfficeInput {
                    code,
                    name: format!("{}技术合同登记处", p.name),
                    authority_code: authority.code.to_owned(),
                },
                territory: p.code[..4].to_owned(),
            })
        })
        .collect()
}
