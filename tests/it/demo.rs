//! `techreg demo --year 2016`: the generated years exported by `techreg report` have every
//! reference table's header and row list, both years' national figures exactly as 附表1 prints
//! them (scaled), and counts and amounts of 附表4, 附表6, 附表11, 表3-1 and 附表13 close to the
//! published ones. CI runs a 1/100 year; the full year is the ignored test below:
//! `cargo test --release --test it demo_full -- --ignored --nocapture`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::report::OutDir;
use crate::support::TestDb;
use crate::support::{techreg, text};

fn reference_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TECHREG_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/reference/tables"
            ))
        });
    dir.is_dir().then_some(dir)
}

/// A CSV's header and records (fields split on commas outside quotes).
fn read_csv(path: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let split = |line: &str| -> Vec<String> {
        let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
        for ch in line.chars() {
            match ch {
                '"' => quoted = !quoted,
                ',' if !quoted => out.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        out.push(cur);
        out
    };
    let mut lines = text.lines();
    let header = split(lines.next().unwrap_or_default());
    let records = lines
        .filter(|l| !l.is_empty())
        .map(|l| header.iter().cloned().zip(split(l)).collect())
        .collect();
    (header, records)
}

fn get<'a>(r: &'a HashMap<String, String>, k: &str) -> &'a str {
    r.get(k).map(String::as_str).unwrap_or_default()
}

/// 附表13's printing slips (湖南省 / 广东省) are not reproduced (interchange §2).
fn label(table: &str, v: &str) -> String {
    if table == "A13" {
        v.trim_end_matches('省').to_owned()
    } else {
        v.to_owned()
    }
}

/// Every exported table has the reference header and row list (label, row_type, level,
/// parent_label; as a set for the tables ordered by amount).
fn check_shapes(reference: &Path, out: &Path) {
    let mut names: Vec<String> = std::fs::read_dir(reference)
        .expect("reference dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".csv") && n != "region_groups.csv")
        .collect();
    names.sort();
    assert_eq!(names.len(), 30, "{names:?}");
    for name in names {
        let table = name.trim_end_matches(".csv");
        let (ref_header, ref_rows) = read_csv(&reference.join(&name));
        let (header, rows) = read_csv(&out.join(&name));
        assert_eq!(header, ref_header, "{name} header");
        if !header.iter().any(|h| h == "row_type") {
            continue;
        }
        let key = |r: &HashMap<String, String>| {
            [
                get(r, "section").to_owned(),
                label(table, get(r, "row_label")),
                get(r, "row_type").to_owned(),
                get(r, "level").to_owned(),
                label(table, get(r, "parent_label")),
            ]
        };
        let mut want: Vec<[String; 5]> = ref_rows.iter().map(key).collect();
        let mut got: Vec<[String; 5]> = rows.iter().map(key).collect();
        let by_amount = matches!(table, "T3-1" | "T3-2" | "T3-3" | "T3-4" | "A13")
            || table.starts_with("T4-") && table != "T4-1";
        if by_amount {
            want.sort();
            got.sort();
        }
        assert_eq!(got, want, "{name} rows");
    }
}

/// One compared cell: table, row, column, reference (scaled), ours, and the row's scaled
/// reference count (how many contracts the figure rests on).
struct Diff {
    table: String,
    row: String,
    column: String,
    reference: f64,
    ours: f64,
    contracts: f64,
}

impl Diff {
    fn relative(&self) -> f64 {
        if self.reference == 0.0 {
            if self.ours == 0.0 { 0.0 } else { 1.0 }
        } else {
            (self.ours - self.reference).abs() / self.reference
        }
    }
}

/// The count and amount cells of the target tables against the reference scaled by `scale`.
fn compare(reference: &Path, out: &Path, scale: f64) -> Vec<Diff> {
    let mut diffs = Vec::new();
    let tables: &[(&str, &[(&str, &str)])] = &[
        ("A04", &[("count_2016", "amount_2016_100m_yuan")]),
        ("A06", &[("count_2016", "amount_2016_100m_yuan")]),
        ("A11", &[("count_2016", "amount_2016_100m_yuan")]),
        ("T3-1", &[("count_2016", "amount_2016_100m_yuan")]),
        ("A13", &[("count_2016", "amount_2016_100m_yuan")]),
    ];
    for (table, columns) in tables {
        let name = format!("{table}.csv");
        let (_, ref_rows) = read_csv(&reference.join(&name));
        let (_, rows) = read_csv(&out.join(&name));
        for r in &ref_rows {
            let (l, p) = (
                label(table, get(r, "row_label")),
                label(table, get(r, "parent_label")),
            );
            let ours = rows
                .iter()
                .find(|o| get(o, "row_label") == l && get(o, "parent_label") == p)
                .unwrap_or_else(|| panic!("{table}: no row {l}"));
            for (count, amount) in *columns {
                let num =
                    |r: &HashMap<String, String>, c: &str| get(r, c).parse::<f64>().unwrap_or(0.0);
                let contracts = num(r, count) * scale;
                for c in [count, amount] {
                    diffs.push(Diff {
                        table: table.to_string(),
                        row: if p.is_empty() {
                            l.clone()
                        } else {
                            format!("{p}/{l}")
                        },
                        column: c.to_string(),
                        reference: num(r, c) * scale,
                        ours: num(ours, c),
                        contracts,
                    });
                }
            }
        }
    }
    diffs
}

/// Prints the largest relative differences per table and column.
fn print_largest(diffs: &[Diff]) {
    let mut keys: Vec<(String, String)> = Vec::new();
    for d in diffs {
        let key = (d.table.clone(), d.column.clone());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    for (table, column) in keys {
        let mut of: Vec<&Diff> = diffs
            .iter()
            .filter(|d| d.table == table && d.column == column)
            .collect();
        of.sort_by(|a, b| b.relative().total_cmp(&a.relative()));
        let top: Vec<String> = of
            .iter()
            .take(3)
            .map(|d| {
                format!(
                    "{} {:.2}% ({} vs {:.2})",
                    d.row,
                    100.0 * d.relative(),
                    d.ours,
                    d.reference
                )
            })
            .collect();
        println!("{table} {column}: {}", top.join("; "));
    }
}

/// Runs the demo at `scale`, exports 2016 and checks shapes and 附表1; returns the differences.
fn demo_and_compare(scale: f64) -> Option<Vec<Diff>> {
    let reference = reference_dir()?;
    let db = TestDb::new();
    let started = std::time::Instant::now();
    let out = techreg(
        &db,
        &["demo", "--year", "2016", "--scale", &scale.to_string()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    println!(
        "{}demo: {:.1} s",
        text(&out.stdout),
        started.elapsed().as_secs_f64()
    );
    let dir = OutDir::new();
    let path = dir.0.to_str().expect("UTF-8 path");
    let out = techreg(
        &db,
        &["report", "--year", "2016", "--format", "csv", "--out", path],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    check_shapes(&reference, &dir.0);

    // 附表1: both years exactly (scaled, rounded as the report rounds: count to the contract,
    // amount to 0.01 亿元).
    let (_, a01) = read_csv(&dir.0.join("A01.csv"));
    let (_, want) = read_csv(&reference.join("A01.csv"));
    for (ours, want) in a01.iter().zip(&want) {
        for year in ["value_2015", "value_2016"] {
            let w: f64 = get(want, year).parse().expect("reference figure");
            let expected = if get(want, "unit") == "项" {
                format!("{}", (w * scale).round())
            } else {
                format!("{:.2}", w * scale)
            };
            assert_eq!(
                get(ours, year),
                expected,
                "附表1 {} {year}",
                get(want, "row_label")
            );
        }
    }
    // The history rows: 2011–2014 from 附表1, R&D from 表1-1; 附表2's earlier years empty.
    let (_, t11) = read_csv(&dir.0.join("T1-1.csv"));
    assert!(t11.iter().all(|r| !get(r, "value_2011").is_empty()));
    let (_, a02) = read_csv(&dir.0.join("A02.csv"));
    assert!(
        a02.iter().all(|r| get(r, "value_2011").is_empty()),
        "附表2 2011 should be empty"
    );

    let diffs = compare(&reference, &dir.0, scale);
    print_largest(&diffs);
    Some(diffs)
}

/// A 1/100 year. Counts are dealt by exact quotas, so every count row is within one contract
/// of the scaled reference. Amounts are fitted to all marginals at once; with some 3,200
/// contracts a row resting on a few dozen contracts cannot always be met (表3-1 and 附表13 differ
/// by province in money though hardly in contracts, and at this size the few contracts that
/// are registered outside their seller's province must carry that difference, pulling other
/// rows off their figures: 江苏 registers 94 亿元 more than its sellers sell, over 77 contracts
/// of the full year, less than one at 1/100), so the 3 % of the full year is asserted for rows
/// of at least 1,000 scaled contracts, 20 % for rows of at least 100 and 40 % for rows of at
/// least 20; smaller rows are printed only. The full year meets far tighter figures (README).
#[test]
fn a_scaled_demo_year_has_the_reference_shape_and_figures() {
    let scale = 0.01;
    let Some(diffs) = demo_and_compare(scale) else {
        return;
    };
    for d in &diffs {
        if d.column.starts_with("count") {
            assert!(
                (d.ours - d.reference).abs() <= 1.0,
                "{} {} {}: {} vs {:.2}",
                d.table,
                d.row,
                d.column,
                d.ours,
                d.reference
            );
        } else {
            let tolerance = if d.contracts >= 1000.0 {
                0.03
            } else if d.contracts >= 100.0 {
                0.20
            } else if d.contracts >= 20.0 {
                0.40
            } else {
                continue;
            };
            assert!(
                d.relative() <= tolerance,
                "{} {} {}: {} vs {:.2} ({:.1} %)",
                d.table,
                d.row,
                d.column,
                d.ours,
                d.reference,
                100.0 * d.relative()
            );
        }
    }
}

/// The full year (about 320,000 contracts in 2016, 307,000 in 2015): every count and amount row
/// of the five tables within 3 %.
#[test]
#[ignore = "the full national year: minutes; run with --release --ignored"]
fn demo_full_year_matches_the_report() {
    let Some(diffs) = demo_and_compare(1.0) else {
        return;
    };
    let worst: Vec<&Diff> = diffs.iter().filter(|d| d.relative() > 0.03).collect();
    for d in &worst {
        println!(
            "over 3 %: {} {} {}: {} vs {:.2}",
            d.table, d.row, d.column, d.ours, d.reference
        );
    }
    assert!(worst.is_empty());
}

#[test]
fn a_year_that_has_contracts_is_refused() {
    let db = TestDb::new();
    let out = techreg(&db, &["demo", "--year", "2016", "--scale", "0.002"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = techreg(&db, &["demo", "--year", "2016", "--scale", "0.002"]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("已有 2015、2016 年的已登记合同"),
        "{}",
        text(&again.stderr)
    );
    for scale in ["0", "2.5"] {
        let bad = techreg(&db, &["demo", "--year", "2018", "--scale", scale]);
        assert!(!bad.status.success());
        assert!(
            text(&bad.stderr).contains("--scale 应大于 0 且不超过 2"),
            "{}",
            text(&bad.stderr)
        );
    }
}
