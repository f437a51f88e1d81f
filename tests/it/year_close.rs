//! The year close (domain.md §5.7) on both backends: closing freezes every table, a closed
//! year's report and the next year's growth come from the snapshot, later changes show up as
//! revisions, reopening needs a reason and keeps the snapshot, closing again freezes afresh;
//! a closed year takes no registered imports; the confirm page and its posts for the ministry.

use chrono::Datelike;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::batch::{Row, csv};
use crate::report::{OutDir, line, report, rows, seeded};
use crate::support::{TempFile, techreg, text};
use crate::support::{TestApp, TestDb};
use techreg::audit::Actor;
use techreg::batch::{self, Importer};
use techreg::db::schema::{audit_log, year_snapshots};
use techreg::db::{self, DbConn};

fn sql(db: &TestDb, statement: &str) {
    let pool = db::open(&db.url, 1).expect("open");
    let mut conn = pool.get().expect("conn");
    let c: &mut DbConn = &mut conn;
    c.batch_execute(statement)
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

/// The CSV of table `id` of `year` as `techreg report` writes it now.
fn table(db: &TestDb, year: &str, id: &str) -> (String, String) {
    let dir = OutDir::new();
    let out = report(db, year, "csv", &dir, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    (dir.read(&format!("{id}.csv")), text(&out.stdout))
}

fn run_ok(db: &TestDb, args: &[&str]) -> String {
    let out = techreg(db, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

fn run_err(db: &TestDb, args: &[&str]) -> String {
    let out = techreg(db, args);
    assert!(
        !out.status.success(),
        "{args:?} should fail: {}",
        text(&out.stdout)
    );
    text(&out.stderr)
}

/// Sets the amount of the contract with `number` directly in the database, as an amendment
/// would.
fn amend(db: &TestDb, number: &str, fen: i64) {
    sql(
        db,
        &format!(
            "UPDATE contracts SET total_fen = {fen}, technical_fen = {fen} \
             WHERE registration_number = '{number}'"
        ),
    );
}

fn audit_actions(db: &TestDb) -> Vec<(String, String, String)> {
    let pool = db::open(&db.url, 1).expect("open");
    let mut conn = pool.get().expect("conn");
    audit_log::table
        .filter(audit_log::action.like("year.%"))
        .select((audit_log::action, audit_log::object_id, audit_log::summary))
        .order(audit_log::id.asc())
        .load(&mut conn)
        .expect("audit")
}

#[test]
fn close_freezes_changes_become_revisions_reopen_and_close_again() {
    let db = seeded();
    let (before, _) = table(&db, "2016", "A04");
    assert_eq!(
        line(&before, "合计"),
        "合计,,0,total,3,50.00,0.26,85.71,100.00"
    );
    assert!(
        run_err(&db, &["year", "revisions", "2016"]).contains("尚未关闭"),
        "an open year has no revision list"
    );

    let out = run_ok(&db, &["year", "close", "2016"]);
    assert!(out.contains("已关闭 2016 年统计"), "{out}");
    let audit = audit_actions(&db);
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].0.as_str(), audit[0].1.as_str()),
        ("year.close", "2016")
    );
    assert!(
        audit[0].2.contains("登记合同 3 项，成交额 0.26 亿元"),
        "{}",
        audit[0].2
    );
    let err = run_err(&db, &["year", "close", "2016"]);
    assert!(err.contains("不能重复关闭"), "{err}");

    // 二〇一六甲 goes from 2,000 万元 to 2,500 万元 after the close.
    amend(&db, "2016110101000001", 2_500_000_000);
    let (frozen, said) = table(&db, "2016", "A04");
    assert_eq!(frozen, before, "a closed year's report is its snapshot");
    assert!(said.contains("数据取自") && said.contains("快照"), "{said}");
    let revisions = run_ok(&db, &["year", "revisions", "2016"]);
    let lines: Vec<&str> = revisions.lines().collect();
    assert_eq!(lines[0], "table_id,table,row,column,frozen,current");
    assert!(
        lines.contains(&"A04,附表4,合计,amount_2016_100m_yuan,0.26,0.31"),
        "{revisions}"
    );
    assert!(
        lines.contains(&"A04,附表4,技术开发,amount_2016_100m_yuan,0.20,0.25"),
        "{revisions}"
    );
    // Counts did not move, so no count cell is listed.
    assert!(!revisions.contains(",count_2016,"), "{revisions}");
    // The national series of 附表1 shows the same change.
    assert!(
        lines.iter().any(|l| l.starts_with("A01,附表1,")),
        "{revisions}"
    );

    let err = run_err(&db, &["year", "reopen", "2016"]);
    assert!(err.contains("请填写重新开放的理由"), "{err}");
    let err = run_err(&db, &["year", "reopen", "2016", "--reason", "  "]);
    assert!(err.contains("请填写重新开放的理由"), "{err}");
    let err = run_err(&db, &["year", "reopen", "2016", "--reason", "a\u{202e}b"]);
    assert!(err.contains("U+202E"), "{err}");
    run_ok(&db, &["year", "reopen", "2016", "--reason", "更正合同金额"]);
    let (reopened, said) = table(&db, "2016", "A04");
    assert!(!said.contains("快照"), "{said}");
    assert_eq!(
        line(&reopened, "合计"),
        "合计,,0,total,3,50.00,0.31,121.43,100.00"
    );
    let err = run_err(&db, &["year", "reopen", "2016", "--reason", "再次"]);
    assert!(err.contains("尚未关闭"), "{err}");

    // Closing again freezes afresh and keeps the earlier snapshot with its dates and reason.
    run_ok(&db, &["year", "close", "2016"]);
    assert_eq!(table(&db, "2016", "A04").0, reopened);
    assert_eq!(
        run_ok(&db, &["year", "revisions", "2016"]).lines().count(),
        1
    );
    let list = run_ok(&db, &["year", "list"]);
    let listed: Vec<&str> = list.lines().filter(|l| l.starts_with("2016 年")).collect();
    assert_eq!(listed.len(), 2, "{list}");
    assert!(listed[0].contains("有效"), "{list}");
    assert!(listed[1].contains("重新开放：更正合同金额"), "{list}");
    let actions: Vec<String> = audit_actions(&db).into_iter().map(|a| a.0).collect();
    assert_eq!(actions, ["year.close", "year.reopen", "year.close"]);

    // The snapshots themselves cannot be rewritten or removed, even in SQL.
    let pool = db::open(&db.url, 1).expect("open");
    let mut conn = pool.get().expect("conn");
    let c: &mut DbConn = &mut conn;
    assert!(
        c.batch_execute("UPDATE year_snapshots SET tables = '[]'")
            .is_err()
    );
    assert!(c.batch_execute("DELETE FROM year_snapshots").is_err());
    let kept: i64 = year_snapshots::table.count().get_result(c).expect("count");
    assert_eq!(kept, 2);
}

#[test]
fn growth_compares_with_the_frozen_prior_year() {
    let db = seeded();
    run_ok(&db, &["year", "close", "2015"]);
    // 二〇一五甲 doubles after 2015 closed: 2016's growth still compares with 0.14 亿元.
    amend(&db, "2015110101000001", 2_000_000_000);
    let (a04, _) = table(&db, "2016", "A04");
    assert_eq!(
        line(&a04, "合计"),
        "合计,,0,total,3,50.00,0.26,85.71,100.00"
    );
    let (a01, _) = table(&db, "2016", "A01");
    let (a01_2015, _) = table(&db, "2015", "A01");
    run_ok(&db, &["year", "reopen", "2015", "--reason", "补录修订"]);
    // Open again, 2015 is computed from its contracts: 0.24 亿元.
    let (a04, _) = table(&db, "2016", "A04");
    assert_eq!(line(&a04, "合计"), "合计,,0,total,3,50.00,0.26,8.33,100.00");
    assert_ne!(
        table(&db, "2016", "A01").0,
        a01,
        "the series reads the current 2015 again"
    );
    assert_ne!(table(&db, "2015", "A01").0, a01_2015);
}

#[test]
fn a_closed_year_takes_no_registered_contracts_and_bad_years_are_refused() {
    let db = seeded();
    run_ok(&db, &["year", "close", "2016"]);
    let late = [
        Row::registered("11", "二〇一六补录", "2016110101000009", "2016-12-30").amount("300000"),
        Row::registered("11", "二〇一五补录", "2015110101000009", "2015-12-30").amount("300000"),
    ];
    let file = TempFile::new("late.csv", csv(&late).as_bytes());
    let err = run_err(&db, &["import", "contracts", file.path()]);
    assert!(
        err.contains("第 2 行") || err.contains("row 2"),
        "the 2016 row is named: {err}"
    );
    assert!(err.contains("2016 年的统计已关闭"), "{err}");
    assert!(!err.contains("2015 年的统计已关闭"), "{err}");
    // Nothing of the file was written: the 2015 row is not there either.
    let (a04, _) = table(&db, "2015", "A04");
    assert!(line(&a04, "合计").starts_with("合计,,0,total,2,"), "{a04}");

    let empty = TestDb::new();
    assert!(run_err(&empty, &["year", "close", "2016"]).contains("没有已登记的合同"));
    assert!(run_err(&db, &["year", "close", "2999"]).contains("尚未开始"));
    assert!(run_err(&db, &["year", "close", "1900"]).contains("不在可统计的范围内"));
    assert!(run_err(&db, &["year", "reopen", "2015", "--reason", "无"]).contains("尚未关闭"));
    // Every refusal left the one snapshot as it was.
    assert_eq!(audit_actions(&db).len(), 1);
}

#[actix_web::test]
async fn ministry_staff_close_and_reopen_from_the_confirm_page() {
    let app = TestApp::demo().await;
    {
        let mut conn = app.conn();
        let file = csv(&rows());
        batch::import_file(
            &mut conn,
            &Actor::cli(),
            &Importer::Operator,
            "seed.csv",
            file.as_bytes(),
            db::now(),
        )
        .expect("import");
    }
    let ministry = app.signed_in("ministry").await;
    let years = ministry.get("/stats/close").await;
    assert_eq!(years.status, 200);
    assert!(
        years.body.contains("2016 年") && years.body.contains("2015 年"),
        "{}",
        years.body
    );
    assert!(years.body.contains("年度关账"));

    let page = ministry.get("/stats/2016/close").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("未关闭") && page.body.contains("3 项"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("尚未结束"), "{}", page.body);
    // The running year may be closed, with a warning first.
    let this_year = techreg::domain::dates::today_cst(chrono::Utc::now()).year();
    let current = ministry.get(&format!("/stats/{this_year}/close")).await;
    assert_eq!(current.status, 200);
    assert!(
        current.body.contains(&format!("{this_year} 年尚未结束")),
        "{}",
        current.body
    );
    let res = ministry
        .post_from("/stats/2016/close", "/stats/2016/close", &[])
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/stats/2016/close"));
    let page = ministry.get("/stats/2016/close").await;
    assert!(
        page.body.contains("已关闭") && page.body.contains("修订清单"),
        "{}",
        page.body
    );
    assert!(page.body.contains("没有改变任何统计表单元格"));
    // Closing twice is refused on the page, not with an error page.
    let res = ministry
        .post_from("/stats/2016/close", "/stats/2016/close", &[])
        .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("不能重复关闭"), "{}", res.body);

    app.conn()
        .batch_execute(
            "UPDATE contracts SET total_fen = 2500000000, technical_fen = 2500000000 \
             WHERE registration_number = '2016110101000001'",
        )
        .expect("amend");
    let page = ministry.get("/stats/2016/close").await;
    assert!(page.body.contains("amount_2016_100m_yuan"), "{}", page.body);
    assert!(page.body.contains("0.31"), "{}", page.body);

    // Without a reason: 422, the message next to the field; nothing reopened.
    let res = ministry
        .post_from(
            "/stats/2016/close",
            "/stats/2016/reopen",
            &[("reason", " ")],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("请填写重新开放的理由"), "{}", res.body);
    let long = "理".repeat(1_001);
    let res = ministry
        .post_from(
            "/stats/2016/close",
            "/stats/2016/reopen",
            &[("reason", &long)],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("不能超过 1000 字"), "kept and refused");
    let res = ministry
        .post_from(
            "/stats/2016/close",
            "/stats/2016/reopen",
            &[("reason", "<b>更正</b>金额")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = ministry.get("/stats/2016/close").await;
    assert!(page.body.contains("未关闭"));
    assert!(
        page.body.contains("&#60;b&#62;更正&#60;/b&#62;金额"),
        "escaped: {}",
        page.body
    );
    assert!(!page.body.contains("<b>更正"));
    let entries: Vec<String> = audit_log::table
        .filter(audit_log::action.like("year.%"))
        .select(audit_log::actor)
        .load(&mut app.conn())
        .expect("audit");
    assert_eq!(entries, ["ministry", "ministry"]);

    // Only the ministry: province administrators and clerks are refused, and a post without
    // the form's token is too.
    for who in ["bj_admin", "bj_clerk", "admin"] {
        let c = app.signed_in(who).await;
        assert_eq!(c.get("/stats/2016/close").await.status, 403, "{who}");
        assert_eq!(c.get("/stats/close").await.status, 403, "{who}");
        assert_eq!(c.post("/stats/2016/close", &[]).await.status, 403, "{who}");
    }
    let res = ministry
        .post_raw(
            "/stats/2016/close",
            &[],
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await;
    assert_eq!(res.status, 403, "no CSRF token");
    assert_eq!(ministry.get("/stats/20x6/close").await.status, 404);
    assert_eq!(ministry.get("/stats/99999/close").await.status, 404);
}
