//! Throughput of the contracts import and export (interchange.md §1) on SQLite.
//!
//! `cargo bench --bench import [-- ROWS]` (default 320,000, one national year) generates that
//! many valid rows — every contract category, tens of thousands of distinct parties (natural
//! persons and foreign buyers among them), registered history and submitted filings — into a
//! temporary CSV file, imports it into a fresh SQLite file exactly as
//! `techreg import contracts FILE` does, and exports the registered year as
//! `techreg export contracts --year 2025 --out FILE` does. It prints rows, seconds and rows/s.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::{Duration, NaiveDate, Utc};
use techreg::accounts::{self, NewOfficeInput};
use techreg::audit::Actor;
use techreg::batch::{self, Importer};
use techreg::catalog::{category, region};
use techreg::db;
use techreg::domain::office_code::OfficeCode;
use techreg::domain::{dates, id_card, uscc};
use techreg::export::contracts_csv;

const DEFAULT_ROWS: usize = 320_000;
const OFFICES: usize = 40;
const YEAR: i32 = 2025;

fn main() {
    // `cargo bench` passes `--bench`; the first bare number is the row count.
    let rows = std::env::args()
        .skip(1)
        .find_map(|a| a.replace('_', "").parse::<usize>().ok())
        .unwrap_or(DEFAULT_ROWS);
    if let Err(e) = run(rows) {
        eprintln!("benchmark failed: {e:#}");
        std::process::exit(1);
    }
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

fn run(rows: usize) -> anyhow::Result<()> {
    let dir = std::env::temp_dir();
    let tag = format!("techreg_bench_{}", std::process::id());
    let csv_path = dir.join(format!("{tag}.csv"));
    let db_path = dir.join(format!("{tag}.db"));
    let out_path = dir.join(format!("{tag}_export.csv"));
    let _scratch = Scratch(vec![csv_path.clone(), db_path.clone(), out_path.clone()]);

    let started = Instant::now();
    let offices = offices();
    let text = generate(rows, &offices);
    std::fs::write(&csv_path, &text)?;
    println!(
        "generated {rows} rows ({:.1} MB CSV) in {:.2} s",
        text.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
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
    let bytes = std::fs::read(&csv_path)?;
    let summary = batch::import_file(
        &mut conn,
        &Actor::cli(),
        &Importer::Operator,
        "bench.csv",
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

/// A registering office and the county-level codes of its territory.
struct Office {
    input: NewOfficeInput,
    counties: Vec<&'static str>,
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
                counties: region::children(p.code).iter().map(|d| d.code).collect(),
            })
        })
        .collect()
}

/// A small deterministic generator (xorshift64*), so every run imports the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn org_uscc(head: &str, admin: &str, serial: usize) -> String {
    let org = format!("{serial:08}");
    let org_check = uscc::org_check_char(&org).unwrap_or('0');
    let body = format!("{head}{admin}{org}{org_check}");
    let check = uscc::check_char(&body).unwrap_or('0');
    format!("{body}{check}")
}

fn person_id(admin: &str, serial: usize) -> String {
    let body = format!(
        "{admin}19{:02}0{}{:02}{:03}",
        50 + serial % 50,
        1 + serial % 9,
        1 + serial % 28,
        serial % 1000
    );
    let check = id_card::check_char(&body).unwrap_or('0');
    format!("{body}{check}")
}

/// One party's columns: name, country, admin code, USCC / ID, nature, address, zipcode,
/// representative, contact, phone.
struct PartyCols([String; 10]);

fn enterprise(admin: &str, serial: usize) -> PartyCols {
    let natures = ["150", "160", "170", "110", "310"];
    PartyCols([
        format!("{admin}科技企业{serial}有限公司"),
        "142".into(),
        admin.into(),
        org_uscc("91", admin, serial),
        natures[serial % natures.len()].into(),
        format!("科技园路 {} 号", serial % 900 + 1),
        admin.into(),
        format!("法人{}", serial % 97),
        format!("联系人{}", serial % 89),
        format!("0{:03}-{:08}", serial % 900 + 100, serial),
    ])
}

fn institution(admin: &str, serial: usize) -> PartyCols {
    let nature = if serial.is_multiple_of(2) {
        "021"
    } else {
        "022"
    };
    let kind = if nature == "021" {
        "研究院"
    } else {
        "大学"
    };
    PartyCols([
        format!("{admin}第{serial}{kind}"),
        "142".into(),
        admin.into(),
        org_uscc("12", admin, serial),
        nature.into(),
        format!("学院路 {} 号", serial % 500 + 1),
        admin.into(),
        format!("院长{}", serial % 71),
        format!("科研处{}", serial % 53),
        format!("0{:03}-{:08}", serial % 900 + 100, serial),
    ])
}

fn person(admin: &str, serial: usize) -> PartyCols {
    PartyCols([
        format!("自然人{serial}"),
        "142".into(),
        admin.into(),
        person_id(admin, serial),
        "600".into(),
        format!("幸福小区 {} 栋", serial % 40 + 1),
        String::new(),
        String::new(),
        format!("自然人{serial}"),
        format!("139{:08}", serial),
    ])
}

fn foreign(serial: usize) -> PartyCols {
    let countries = ["502", "304", "116", "110", "133"];
    PartyCols([
        format!("Global Technology Partner {serial} Ltd."),
        countries[serial % countries.len()].into(),
        String::new(),
        String::new(),
        "500".into(),
        format!("{serial} Innovation Way"),
        String::new(),
        format!("Director {}", serial % 61),
        format!("Contact {}", serial % 59),
        format!("+1-555-{:07}", serial),
    ])
}

const PARTY_SUFFIXES: [&str; 10] = [
    "name",
    "country_code",
    "admin_code",
    "uscc",
    "nature_code",
    "address",
    "zipcode",
    "representative",
    "contact",
    "phone",
];

fn ip_for(category: &str, rng: &mut Rng) -> &'static str {
    match category {
        "21" | "22" | "23" => rng.pick(&["021", "022", "023"]),
        "24" => "01",
        "25" => "03",
        "26" => "05",
        "27" => "04",
        "28" => "06",
        "29" => "07",
        "20" => rng.pick(&["01", "021", "03"]),
        _ => rng.pick(&["01", "021", "022", "03", "99", "99", "99"]),
    }
}

/// `rows` valid rows: about 70 % registered history of `YEAR`, the rest submitted filings
/// signed in the last months, each seller in its office's territory.
fn generate(rows: usize, offices: &[Office]) -> String {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let today = dates::today_cst(Utc::now());
    let year_start = NaiveDate::from_ymd_opt(YEAR, 1, 1).unwrap_or(today);
    let leaves: Vec<&str> = category::leaves().map(|l| l.code).collect();
    let plans = ["9", "9", "9", "104", "109", "117", "2", "3", "4"];
    let all_counties: Vec<&str> = offices.iter().flat_map(|o| o.counties.clone()).collect();
    let sellers_per_office = 1_000;
    let buyers = 60_000;
    let mut serials: HashMap<usize, u32> = HashMap::new();
    let columns: Vec<&str> = contracts_csv::columns().collect();
    let mut values: HashMap<&str, String> = HashMap::new();
    let mut out = contracts_csv::header_line();
    out.reserve(rows * 700);
    for i in 0..rows {
        values.clear();
        let o = rng.below(offices.len());
        let office = &offices[o];
        let registered = rng.below(10) < 7;
        let category = leaves[i % leaves.len()];

        let seller_serial = o * sellers_per_office + rng.below(sellers_per_office);
        let seller_admin = office.counties[seller_serial % office.counties.len()];
        let seller = if seller_serial.is_multiple_of(5) {
            institution(seller_admin, seller_serial)
        } else {
            enterprise(seller_admin, seller_serial)
        };
        let buyer_serial = 1_000_000 + rng.below(buyers);
        let buyer_admin = all_counties[buyer_serial % all_counties.len()];
        let buyer = match buyer_serial % 100 {
            0..=4 => person(buyer_admin, buyer_serial),
            5..=7 => foreign(buyer_serial),
            8..=20 => institution(buyer_admin, buyer_serial),
            _ => enterprise(buyer_admin, buyer_serial),
        };

        let (signed, valid_to) = if registered {
            let reg = year_start + Duration::days(rng.below(365) as i64);
            let signed = reg - Duration::days(rng.below(120) as i64);
            let serial = serials.entry(o).or_insert(0);
            *serial += 1;
            values.insert(
                "registration_number",
                format!("{YEAR}{}{:06}", office.input.code, serial),
            );
            values.insert("registered_on", dates::format_date(reg));
            values.insert("status", "registered".into());
            (signed, reg + Duration::days(365 + rng.below(1000) as i64))
        } else {
            values.insert("status", "submitted".into());
            let signed = today - Duration::days(rng.below(300) as i64);
            (signed, today + Duration::days(30 + rng.below(1000) as i64))
        };
        values.insert("office_code", office.input.code.clone());
        values.insert("project_name", format!("关键技术研究项目第{i}号"));
        values.insert("signed_on", dates::format_date(signed));
        values.insert("valid_from", dates::format_date(signed));
        values.insert("valid_to", dates::format_date(valid_to));
        values.insert("category_code", category.into());
        values.insert("ip_code", ip_for(category, &mut rng).into());
        values.insert("tech_field_code", format!("{:02}", 1 + rng.below(11)));
        values.insert("objective_code", format!("{:02}", 1 + rng.below(13)));
        let plan = rng.pick(&plans);
        values.insert("plan_code", plan.into());
        if plan != "9" {
            values.insert("plan_name", format!("计划项目 {plan}-{i}"));
        }
        values.insert("payment_code", rng.pick(&["1", "2", "3", "4", "9"]).into());
        values.insert("is_related", if i % 17 == 0 { "1" } else { "0" }.into());
        let total_fen = 1_000_000 + (rng.next() % 5_000_000_000) as i64;
        let technical_fen = if rng.below(3) == 0 {
            total_fen * 9 / 10
        } else {
            total_fen
        };
        let yuan = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
        values.insert("total_amount_yuan", yuan(total_fen));
        values.insert("technical_amount_yuan", yuan(technical_fen));
        if technical_fen < total_fen {
            values.insert("non_technical_note", "设备与原材料费用".into());
        }
        if category::is_transfer(category) {
            values.insert("expected_investment_yuan", yuan(total_fen * 2));
            values.insert("expected_output_yuan", yuan(total_fen * 5));
        }
        if category::is_intermediary(category) {
            values.insert("third_party_name", format!("第三方技术公司{}", i % 997));
        }
        for (side, cols) in [("seller", &seller), ("buyer", &buyer)] {
            for (suffix, v) in PARTY_SUFFIXES.iter().zip(cols.0.iter()) {
                values.insert(
                    columns
                        .iter()
                        .copied()
                        .find(|c| {
                            c.strip_prefix(side).and_then(|r| r.strip_prefix('_')) == Some(suffix)
                        })
                        .unwrap_or(""),
                    v.clone(),
                );
            }
        }
        contracts_csv::push_record(
            &mut out,
            columns
                .iter()
                .map(|c| values.get(c).map(String::as_str).unwrap_or("")),
        );
    }
    out
}
