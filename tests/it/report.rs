//! `techreg report` on both backends: the year's tables from registered contracts, as CSV,
//! JSON and XLSX, checked before they are written; and the errors of a report that cannot be.

use std::path::PathBuf;
use std::process::Output;

use crate::batch::{Row, csv};
use crate::support::TestDb;
use crate::support::{TempFile, techreg, text};
use techreg::db;
use techreg::db::stats::Scope;
use techreg::statistics;

/// A database with the demo offices and five registered contracts: three in 2016 (北京 ×2,
/// 广州), two in 2015 (北京, 深圳).
pub(crate) fn seeded() -> TestDb {
    let test_db = TestDb::new();
    let pool = db::open(&test_db.url, 1).expect("open");
    techreg::demo::seed_accounts_if_empty(&mut pool.get().expect("conn")).expect("seed");
    drop(pool);
    let file = TempFile::new("report.csv", csv(&rows()).as_bytes());
    let out = techreg(&test_db, &["import", "contracts", file.path()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    test_db
}

/// The five contracts of [`seeded`].
pub(crate) fn rows() -> Vec<Row> {
    vec![
        Row::registered("11", "二〇一六甲", "2016110101000001", "2016-03-01").amount("20000000"),
        Row::registered("24", "二〇一六乙", "2016110101000002", "2016-05-01")
            .set("ip_code", "01")
            .amount("5000000"),
        Row::registered("30", "二〇一六丙", "2016440101000001", "2016-07-01").amount("1000000"),
        Row::registered("11", "二〇一五甲", "2015110101000001", "2015-03-01").amount("10000000"),
        Row::registered("41", "二〇一五乙", "2015440301000001", "2015-04-01").amount("4000000"),
    ]
}

pub(crate) struct OutDir(pub(crate) PathBuf);

impl OutDir {
    pub(crate) fn new() -> OutDir {
        OutDir(std::env::temp_dir().join(format!(
            "techreg_report_{}_{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        )))
    }

    pub(crate) fn path(&self) -> &str {
        self.0.to_str().expect("UTF-8 path")
    }

    pub(crate) fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.0.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `techreg report --year YEAR --format FORMAT --out DIR`, then `extra`.
pub(crate) fn report(
    db: &TestDb,
    year: &str,
    format: &str,
    dir: &OutDir,
    extra: &[&str],
) -> Output {
    let args = [
        "report",
        "--year",
        year,
        "--format",
        format,
        "--out",
        dir.path(),
    ];
    techreg(db, &[&args[..], extra].concat())
}

pub(crate) fn line<'a>(csv: &'a str, label: &str) -> &'a str {
    csv.lines()
        .find(|l| l.starts_with(&format!("{label},")))
        .unwrap_or_else(|| panic!("no row {label} in\n{csv}"))
}

#[test]
fn the_year_is_written_as_csv_json_and_xlsx() {
    let db = seeded();
    let dir = OutDir::new();
    let out = report(&db, "2016", "csv", &dir, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2016 年全国技术市场统计表 30 张"));
    let files = std::fs::read_dir(&dir.0).unwrap().count();
    assert_eq!(files, 30);

    let a04 = dir.read("A04.csv");
    assert!(a04.starts_with(
        "row_label,parent_label,level,row_type,count_2016,count_growth_pct,amount_2016_100m_yuan,amount_growth_pct,share_pct\n"
    ));
    // 2016: 0.26 亿元 over 3 contracts; 2015: 0.14 亿元 over 2.
    assert_eq!(
        line(&a04, "合计"),
        "合计,,0,total,3,50.00,0.26,85.71,100.00"
    );
    assert_eq!(
        line(&a04, "技术开发"),
        "技术开发,,0,subtotal,1,0.00,0.20,100.00,76.92"
    );
    assert_eq!(
        line(&a04, "技术服务"),
        "技术服务,,0,subtotal,0,-100.00,0.00,-100.00,0.00"
    );
    let t31 = dir.read("T3-1.csv");
    let rows: Vec<&str> = t31.lines().skip(1).take(4).collect();
    assert_eq!(
        rows,
        [
            "北京,,0,item,1,0.10,1,2,0.25,1,",
            "广东,,0,item,1,0.04,2,1,0.01,2,",
            "深圳,广东,1,of_which,1,0.04,,,,,",
            "湖北,,0,item,,,31,,,31,"
        ]
    );
    assert!(t31.ends_with("合计,,0,total,2,0.14,,3,0.26,,\n"), "{t31}");
    let a01 = dir.read("A01.csv");
    assert_eq!(line(&a01, "合同数/项"), "合同数/项,,0,item,项,,,,,2,3");

    // JSON: the same cells, numbers as numbers.
    let json_dir = OutDir::new();
    let out = report(&db, "2016", "json", &json_dir, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&json_dir.read("tables.json")).unwrap();
    assert_eq!(v.as_object().map(|o| o.len()), Some(30));
    assert_eq!(v["A04"]["title"], "2016年各类技术合同构成");
    let total = v["A04"]["rows"].as_array().unwrap().last().unwrap();
    assert_eq!(total[4], 3);
    assert_eq!(total[6], 0.26);
    assert_eq!(v["T3-1"]["rows"][3][4], serde_json::Value::Null);

    // XLSX: one workbook, a sheet per table titled as printed.
    let xlsx_dir = OutDir::new();
    let out = report(&db, "2016", "xlsx", &xlsx_dir, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(xlsx_dir.0.join("tables.xlsx")).unwrap();
    let first =
        String::from_utf8(techreg::input::xlsx::first_sheet_as_csv(&bytes).unwrap()).unwrap();
    assert!(
        first.starts_with("row_label,parent_label,level,row_type,unit,value_2011"),
        "{first}"
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut book = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut book).unwrap();
    assert!(
        book.contains("2016年各类技术合同构成")
            && book.contains("2011—2016年技术合同成交额与R&amp;D经费的比较")
    );

    // A second report into the same directory needs --force.
    let again = report(&db, "2016", "csv", &dir, &[]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("已存在"),
        "{}",
        text(&again.stderr)
    );
    let forced = report(&db, "2016", "csv", &dir, &["--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
}

#[test]
fn a_year_without_figures_is_a_clear_error_and_writes_nothing() {
    let db = seeded();
    for (year, message) in [
        ("2030", "2030 年没有已登记的合同"),
        ("1700", "不在可统计的范围内"),
    ] {
        let dir = OutDir::new();
        let out = report(&db, year, "csv", &dir, &[]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains(message), "{}", text(&out.stderr));
        assert!(!dir.0.join("A04.csv").exists());
    }
    let bad = techreg(
        &db,
        &[
            "report", "--year", "2016", "--format", "pdfx", "--out", "/tmp/x",
        ],
    );
    assert!(!bad.status.success());
}

/// A report of one authority counts that authority's contracts only: in the year, in its prior
/// year and in the older years of the series alike.
#[test]
fn a_report_of_one_authority_counts_its_contracts_only() {
    let test_db = seeded();
    let older = [
        Row::registered("11", "二〇一三甲", "2013110101000001", "2013-06-01").amount("3000000"),
        Row::registered("30", "二〇一三乙", "2013440101000001", "2013-06-01").amount("7000000"),
    ];
    let file = TempFile::new("older.csv", csv(&older).as_bytes());
    let out = techreg(&test_db, &["import", "contracts", file.path()]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let pool = db::open(&test_db.url, 2).expect("open");
    let a01 = |scope: &Scope| {
        let report = statistics::report(&pool, 2016, scope).expect("report");
        report
            .tables
            .iter()
            .find(|t| t.id == "A01")
            .expect("A01")
            .csv()
    };
    let beijing = Scope {
        authority: Some("110000".to_owned()),
        ..Scope::default()
    };
    let scoped = a01(&beijing);
    assert_eq!(line(&scoped, "合同数/项"), "合同数/项,,0,item,项,,,1,,1,2");
    assert_eq!(
        line(&scoped, "成交总额/亿元"),
        "成交总额/亿元,,0,item,亿元,,,0.03,,0.10,0.25"
    );
    let national = a01(&Scope::national());
    assert_eq!(
        line(&national, "合同数/项"),
        "合同数/项,,0,item,项,,,2,,2,3"
    );
    assert_eq!(
        line(&national, "成交总额/亿元"),
        "成交总额/亿元,,0,item,亿元,,,0.10,,0.14,0.26"
    );
}
