//! `techreg import history FILE` (interchange §3): all or nothing, exact fen, years replaced
//! one by one, the rule for years with registered contracts, the audit entry.

use crate::batch::{Row, csv, db_with_offices};
use crate::support::TestDb;
use crate::support::{TempFile, techreg, text};
use techreg::db::history::{CategoryFigures, HistoryRow};
use techreg::db::{self, DbPool};

const HEADER: &str = "year,contract_count,amount_100m_yuan,rd_expenditure_100m_yuan";

/// 附表1 and 表1-1 of the 2016 report, 2011–2015.
const REFERENCE: &str = "year,contract_count,amount_100m_yuan,rd_expenditure_100m_yuan\n\
2011,256428,4763.56,8687.0\n\
2012,282242,6437.07,10298.4\n\
2013,294929,7469.13,11846.6\n\
2014,297037,8577.18,13015.6\n\
2015,307132,9835.79,14169.9\n";

fn pool(test_db: &TestDb) -> DbPool {
    db::open(&test_db.url, 1).expect("open test database")
}

fn stored(test_db: &TestDb) -> Vec<HistoryRow> {
    db::history::all(&mut pool(test_db).get().unwrap()).unwrap()
}

fn history_audit(test_db: &TestDb) -> Vec<techreg::db::audit::AuditRow> {
    crate::support::audit_entries(test_db, "history.import")
}

fn import(test_db: &TestDb, name: &str, body: &str) -> std::process::Output {
    let file = TempFile::new(name, body.as_bytes());
    techreg(test_db, &["import", "history", file.path()])
}

#[::core::prelude::v1::test]
fn history_is_all_or_nothing_exact_and_replaces_only_its_years() {
    let test_db = TestDb::new();

    // One bad row stops the whole file.
    let bad = format!("{REFERENCE}2016,320437,11406.98.5,15676.7\n2016,,,\n");
    let out = import(&test_db, "bad.csv", &bad);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("row 7, amount_100m_yuan: 成交额应为以亿元为单位的数字，如 11406.98\n"),
        "{err}"
    );
    assert!(
        err.contains("row 8, year: 年份 2016 与第 7 行重复\n"),
        "{err}"
    );
    assert!(
        err.contains("导入失败：共 2 处问题，未写入任何数据"),
        "{err}"
    );
    assert!(
        stored(&test_db).is_empty(),
        "nothing is written on any error"
    );
    assert!(history_audit(&test_db).is_empty());

    let out = import(&test_db, "history-2011-2015.csv", REFERENCE);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "已导入历史数据 5 年（2011—2015）：新增 5 年，替换 0 年"
    );
    let rows = stored(&test_db);
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[4],
        HistoryRow {
            year: 2015,
            contract_count: Some(307_132),
            amount_fen: Some(98_357_900_000_000),
            rd_expenditure_fen: Some(141_699_000_000_000),
            categories: [CategoryFigures::default(); 4],
        }
    );
    let mut conn = pool(&test_db).get().unwrap();
    let middle = db::history::for_years(&mut conn, 2012, 2013).unwrap();
    assert_eq!(
        middle.iter().map(|r| r.year).collect::<Vec<_>>(),
        [2012, 2013]
    );
    assert!(
        db::history::for_years(&mut conn, 1990, 2000)
            .unwrap()
            .is_empty()
    );

    // A second file replaces the rows of its own years and keeps the others: 2015 now with
    // 附表4's categories (the consult amount as finely as fen), 2016 new, 2014 cleared.
    let second = "service_count,service_amount_100m_yuan,year,dev_count,dev_amount_100m_yuan,transfer_count,transfer_amount_100m_yuan,consult_count,consult_amount_100m_yuan,contract_count,amount_100m_yuan\n\
134852,5851.13,2016,148582,3479.64,12556,1607.89,24447,468.3200000001,320437,11406.9800000001\n\
,,2014,,,,,,,,\n\
,,2015,,,,,,,307132,9835.79\n";
    let out = import(&test_db, "history-2016.csv", second);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "已导入历史数据 3 年（2014—2016）：新增 1 年，替换 1 年，清除 1 年"
    );
    let rows = stored(&test_db);
    assert_eq!(
        rows.iter().map(|r| r.year).collect::<Vec<_>>(),
        [2011, 2012, 2013, 2015, 2016]
    );
    assert_eq!(
        rows[3].rd_expenditure_fen, None,
        "a year's row is replaced whole"
    );
    assert_eq!(rows[4].amount_fen, Some(114_069_800_000_001));
    assert_eq!(
        rows[4].categories[2],
        CategoryFigures {
            count: Some(24_447),
            amount_fen: Some(4_683_200_000_001)
        }
    );
    assert_eq!(
        rows[0].contract_count,
        Some(256_428),
        "other years are kept"
    );

    let audit = history_audit(&test_db);
    assert_eq!(audit.len(), 2, "one entry per import");
    assert!(audit[0].actor.starts_with("cli:"));
    // The temporary file's name ends with the name given here.
    assert!(
        audit[0]
            .summary
            .ends_with("history-2016.csv）：年份 2014—2016；新增 1 年，替换 1 年，清除 1 年"),
        "{}",
        audit[0].summary
    );
    assert!(audit[1].summary.contains("年份 2011—2015；新增 5 年"));
}

#[::core::prelude::v1::test]
fn a_year_with_registered_contracts_takes_only_rd_expenditure() {
    let test_db = db_with_offices();
    let contracts = TempFile::new(
        "contracts.csv",
        csv(&[Row::registered(
            "11",
            "已登记的 2025 年合同",
            "2025440101000001",
            "2025-06-01",
        )])
        .as_bytes(),
    );
    let out = techreg(&test_db, &["import", "contracts", contracts.path()]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let refused = format!("{HEADER},dev_count\n2024,300000,9000,15000,\n2025,320000,,36326.8,5\n");
    let out = import(&test_db, "history.csv", &refused);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.starts_with(
            "row 3, contract_count: 该年已有登记合同，其数据由合同计算，只能导入 R&D 经费\n\
             row 3, dev_count: 该年已有登记合同，其数据由合同计算，只能导入 R&D 经费\n"
        ),
        "{err}"
    );
    assert!(
        stored(&test_db).is_empty(),
        "the good 2024 row is not written either"
    );

    let accepted = format!("{HEADER}\n2024,300000,9000,15000\n2025,,,36326.8\n");
    let out = import(&test_db, "history.csv", &accepted);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = stored(&test_db);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].year, 2025);
    assert_eq!(rows[1].rd_expenditure_fen, Some(363_268_000_000_000));
    assert_eq!(rows[1].contract_count, None);

    let missing = techreg(&test_db, &["import", "history", "/nonexistent/history.csv"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("文件不存在：/nonexistent/history.csv"));
}
