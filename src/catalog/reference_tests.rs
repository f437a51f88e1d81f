//! Cross-checks of the report layouts against the reference CSVs of the 2016 report.
//!
//! The CSVs live in `shared/reference/tables/` beside the repository (or where
//! `TECHREG_REFERENCE_DIR` points). When they are absent the checks pass vacuously; the
//! per-module tests embed the expected labels, so nothing depends on these files.

use std::path::PathBuf;

use crate::catalog::rows::{ReportRow, RowKind};
use crate::catalog::{category, ip, nature, objective, plan, region, tech_field};

pub(crate) fn reference_dir() -> Option<PathBuf> {
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

/// Records of a reference CSV as (header → value) lookups; `None` if the file is absent.
pub(crate) fn read(name: &str) -> Option<Vec<Vec<(String, String)>>> {
    let text = std::fs::read_to_string(reference_dir()?.join(name)).ok()?;
    let mut lines = text.lines();
    let header: Vec<String> = lines.next()?.split(',').map(str::to_owned).collect();
    Some(
        lines
            .filter(|l| !l.is_empty())
            // Only leading columns are compared; quoted notes at the end may hold commas.
            .map(|l| {
                header
                    .iter()
                    .cloned()
                    .zip(l.split(',').map(str::to_owned))
                    .collect()
            })
            .collect(),
    )
}

pub(crate) fn field<'a>(record: &'a [(String, String)], name: &str) -> &'a str {
    record
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// (label, level, is_subtotal) of the non-total rows.
fn shape(records: &[Vec<(String, String)>]) -> Vec<(String, u8, bool)> {
    records
        .iter()
        .filter(|r| field(r, "row_type") != "total")
        .map(|r| {
            (
                field(r, "row_label").to_owned(),
                field(r, "level").parse().unwrap_or(0),
                field(r, "row_type") == "subtotal",
            )
        })
        .collect()
}

fn layout_shape(rows: &[ReportRow]) -> Vec<(String, u8, bool)> {
    rows.iter()
        .map(|r| (r.label.to_owned(), r.level, r.kind == RowKind::Subtotal))
        .collect()
}

fn assert_layout(file: &str, rows: &[ReportRow]) {
    if let Some(records) = read(file) {
        assert_eq!(shape(&records), layout_shape(rows), "{file}");
    }
}

#[test]
fn annex_layouts_match_reference() {
    assert_layout("A04.csv", category::ANNEX4_ROWS);
    assert_layout("A05.csv", ip::ANNEX5_ROWS);
    assert_layout("A06.csv", tech_field::ANNEX6_ROWS);
    assert_layout("A07.csv", objective::ANNEX7_ROWS);
    assert_layout("A08.csv", plan::ANNEX8_ROWS);
    assert_layout("A11.csv", nature::REPORT_ROWS);
    assert_layout("A12.csv", nature::REPORT_ROWS);
    assert_layout("T5-2.csv", nature::REPORT_ROWS);
}

#[test]
fn annex9_sections_match_reference() {
    let Some(records) = read("A09.csv") else {
        return;
    };
    for (section, rows) in [
        ("合同类别", category::CATEGORY_ROWS),
        ("技术领域", tech_field::ANNEX9_ROWS),
        ("知识产权", ip::ANNEX9_ROWS),
    ] {
        let labels: Vec<&str> = records
            .iter()
            .filter(|r| field(r, "section") == section && field(r, "row_type") != "total")
            .map(|r| field(r, "row_label"))
            .collect();
        let expected: Vec<&str> = rows.iter().map(|r| r.label).collect();
        assert_eq!(labels, expected, "{section}");
    }
}

fn labels_of(records: &[Vec<(String, String)>]) -> Vec<String> {
    records
        .iter()
        .filter(|r| field(r, "row_type") != "total")
        .map(|r| field(r, "row_label").to_owned())
        .collect()
}

#[test]
fn region_rows_match_reference() {
    let ours: Vec<String> = region::annex_region_rows()
        .map(|r| r.label.to_owned())
        .collect();
    if let Some(a14) = read("A14.csv") {
        assert_eq!(labels_of(&a14), ours, "A14.csv");
    }
    // 附表13 prints 湖南省/广东省 and puts 西藏 after 港澳台: same rows, known misprints.
    if let Some(a13) = read("A13.csv") {
        let mut printed: Vec<String> = labels_of(&a13)
            .into_iter()
            .map(|l| l.trim_end_matches('省').to_owned())
            .collect();
        let mut sorted = ours.clone();
        printed.sort();
        sorted.sort();
        assert_eq!(printed, sorted, "A13.csv");
    }
    if let Some(t32) = read("T3-2.csv") {
        let mut printed = labels_of(&t32);
        printed.sort();
        let mut expected: Vec<String> = region::PROVINCES
            .iter()
            .chain([&region::HK_MO_TW, &region::ABROAD])
            .map(|r| r.label.to_owned())
            .collect();
        expected.sort();
        assert_eq!(printed, expected, "T3-2.csv");
    }
    for (file, kind) in [
        ("T3-3.csv", region::CityKind::PlanSeparate),
        ("T3-4.csv", region::CityKind::SubProvincial),
    ] {
        if let Some(records) = read(file) {
            let mut printed = labels_of(&records);
            printed.sort();
            let mut expected: Vec<String> = region::cities_of_kind(kind)
                .map(|r| r.label.to_owned())
                .collect();
            expected.sort();
            assert_eq!(printed, expected, "{file}");
        }
    }
    // 表3-1 shows only the 计划单列市 as 其中 rows.
    if let Some(t31) = read("T3-1.csv") {
        let mut cities: Vec<&str> = t31
            .iter()
            .filter(|r| field(r, "row_type") == "of_which")
            .map(|r| field(r, "row_label"))
            .collect();
        cities.sort_unstable();
        let mut expected: Vec<&str> = region::cities_of_kind(region::CityKind::PlanSeparate)
            .map(|r| r.label)
            .collect();
        expected.sort_unstable();
        assert_eq!(cities, expected, "T3-1.csv");
    }
}

#[test]
fn region_groups_match_reference() {
    if let Some(records) = read("region_groups.csv") {
        let printed: Vec<(String, String)> = records
            .iter()
            .map(|r| {
                (
                    field(r, "group").to_owned(),
                    field(r, "region_label").to_owned(),
                )
            })
            .collect();
        let ours: Vec<(String, String)> = region::GROUPS
            .iter()
            .flat_map(|g| {
                g.members.iter().map(move |c| {
                    let label = region::stats_region(c).map(|r| r.label).unwrap_or_default();
                    (g.label.to_owned(), label.to_owned())
                })
            })
            .collect();
        assert_eq!(printed, ours);
    }
    if let Some(t41) = read("T4-1.csv") {
        let labels = labels_of(&t41);
        let ours: Vec<&str> = region::GROUPS.iter().map(|g| g.label).collect();
        assert_eq!(labels, ours, "T4-1.csv");
    }
}
