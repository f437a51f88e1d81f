//! 附表15's institution list: `techreg import institutions FILE` (all or nothing, the whole
//! list replaced, audited), the list in the report's A15.csv, and the search page with its
//! role and scope checks.

use std::path::PathBuf;

use crate::batch::{Row, csv};
use crate::support::{TempFile, techreg, text};
use crate::support::{TestApp, TestDb};
use techreg::audit::Actor;
use techreg::db::institutions::InstitutionRow;
use techreg::db::{self, DbPool};

const HEADER: &str = "province,institution_name\n";

fn pool(test_db: &TestDb) -> DbPool {
    db::open(&test_db.url, 1).expect("open test database")
}

fn stored(test_db: &TestDb) -> Vec<InstitutionRow> {
    db::institutions::all(&mut pool(test_db).get().unwrap()).unwrap()
}

fn import_audit(test_db: &TestDb) -> Vec<techreg::db::audit::AuditRow> {
    crate::support::audit_entries(test_db, "institutions.import")
}

fn import(test_db: &TestDb, name: &str, body: &[u8]) -> std::process::Output {
    let file = TempFile::new(name, body);
    techreg(test_db, &["import", "institutions", file.path()])
}

/// The reference tables beside the repository (or where TECHREG_REFERENCE_DIR points).
fn reference_a15() -> Option<String> {
    let dir = std::env::var_os("TECHREG_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/reference/tables"
            ))
        });
    std::fs::read_to_string(dir.join("A15.csv")).ok()
}

#[test]
fn an_import_replaces_the_whole_list_in_file_order_and_is_audited() {
    let test_db = TestDb::new();
    let first =
        format!("{HEADER}北京,甲公司\n大连,乙中心\n新疆建设兵团,丙（兵团）中心\n北京,丁公司\n");
    let out = import(&test_db, "a15-first.csv", first.as_bytes());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "已导入示范机构名单：共 4 家，3 个地区；替换原名单 0 家"
    );
    let rows = stored(&test_db);
    let got: Vec<(i32, &str, &str)> = rows
        .iter()
        .map(|r| (r.position, r.authority_code.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "110000", "甲公司"),
            (2, "210200", "乙中心"),
            (3, "660000", "丙（兵团）中心"),
            (4, "110000", "丁公司"),
        ]
    );
    let audit = import_audit(&test_db);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].object_type, "institution");
    // The temporary file's name ends with the given one.
    assert!(audit[0].object_id.starts_with("techreg_test_"));
    assert!(audit[0].actor.starts_with("cli:"), "{}", audit[0].actor);
    assert!(
        audit[0]
            .summary
            .starts_with("导入国家技术转移示范机构名单（techreg_test_"),
        "{}",
        audit[0].summary
    );
    assert!(
        audit[0]
            .summary
            .ends_with("_a15-first.csv）：共 4 家，3 个地区；替换原名单 0 家"),
        "{}",
        audit[0].summary
    );

    // A second file replaces the list: nothing of the first is kept.
    let second = format!("{HEADER}上海,戊研究院\n北京,丁公司\n");
    let out = import(&test_db, "a15-second.csv", second.as_bytes());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "已导入示范机构名单：共 2 家，2 个地区；替换原名单 4 家"
    );
    let names: Vec<(i32, String)> = stored(&test_db)
        .into_iter()
        .map(|r| (r.position, r.name))
        .collect();
    assert_eq!(
        names,
        [(1, "戊研究院".to_owned()), (2, "丁公司".to_owned())]
    );
    let audit = import_audit(&test_db);
    assert_eq!(audit.len(), 2);
    assert!(
        audit[0].summary.contains("替换原名单 4 家"),
        "{}",
        audit[0].summary
    );
}

#[test]
fn every_kind_of_bad_file_leaves_the_list_as_it_was() {
    let test_db = TestDb::new();
    let good = format!("{HEADER}北京,甲公司\n");
    assert!(
        import(&test_db, "good.csv", good.as_bytes())
            .status
            .success()
    );
    let kept = stored(&test_db);

    let long = "名".repeat(101);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "unknown column",
            "province,institution_name,city\n北京,乙公司,x\n".into(),
            "file: 未知的列“city”（第 3 列）",
        ),
        (
            "missing column",
            "province\n北京\n".into(),
            "file: 缺少必需的列“institution_name”",
        ),
        (
            "unknown province",
            format!("{HEADER}北京,乙公司\n火星,丙公司\n").into_bytes(),
            "row 3, province: 未知的地区“火星”",
        ),
        (
            "empty name",
            format!("{HEADER}北京,乙公司\n上海,\n").into_bytes(),
            "row 3, institution_name: 请填写机构名称",
        ),
        (
            "name too long",
            format!("{HEADER}北京,{long}\n").into_bytes(),
            "row 2, institution_name: 机构名称不超过 100 个字符（现为 101 个）",
        ),
        (
            "duplicate",
            format!("{HEADER}北京,乙公司\n上海,乙公司\n北京,乙公司\n").into_bytes(),
            "row 4, institution_name: 机构“乙公司”在北京的名单中与第 2 行重复",
        ),
        ("empty file", Vec::new(), "file: 文件为空"),
        ("header only", HEADER.into(), "file: 文件中没有数据行"),
        (
            "more fields than columns",
            format!("{HEADER}北京,乙公司,多余\n").into_bytes(),
            "row 2, file: 该行有 3 个字段，多于表头的 2 列",
        ),
    ];
    for (what, body, expected) in cases {
        let out = import(&test_db, "bad.csv", &body);
        assert!(!out.status.success(), "{what}");
        let err = text(&out.stderr);
        assert!(err.contains(expected), "{what}: {err}");
        assert!(err.contains("未写入任何数据"), "{what}: {err}");
        assert_eq!(stored(&test_db), kept, "{what}: the list is unchanged");
    }
    let out = techreg(
        &test_db,
        &["import", "institutions", "/nonexistent/a15.csv"],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("文件不存在：/nonexistent/a15.csv"));
    assert_eq!(
        import_audit(&test_db).len(),
        1,
        "failed imports leave no entry"
    );
}

#[test]
fn gb18030_files_are_read() {
    let test_db = TestDb::new();
    let (bytes, _, _) =
        encoding_rs::GB18030.encode("province,institution_name\r\n内蒙古,内蒙古某技术转移中心\r\n");
    let out = import(&test_db, "gbk.csv", &bytes);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(stored(&test_db)[0].name, "内蒙古某技术转移中心");
    assert_eq!(stored(&test_db)[0].authority_code, "150000");
}

#[test]
fn the_report_prints_the_imported_list_as_the_reference_a15() {
    let Some(reference) = reference_a15() else {
        return;
    };
    let test_db = TestDb::new();
    techreg::demo::seed_accounts_if_empty(&mut pool(&test_db).get().unwrap()).expect("seed");
    let rows = [
        Row::registered("11", "二〇一六甲", "2016110101000001", "2016-03-01").amount("20000000"),
    ];
    let file = TempFile::new("contracts.csv", csv(&rows).as_bytes());
    let out = techreg(&test_db, &["import", "contracts", file.path()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = import(&test_db, "A15.csv", reference.as_bytes());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("共 445 家，36 个地区"));

    let dir = std::env::temp_dir().join(format!(
        "techreg_a15_{}_{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    let dir_arg = dir.to_str().expect("UTF-8 path");
    let out = techreg(
        &test_db,
        &[
            "report", "--year", "2016", "--format", "csv", "--out", dir_arg,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let a15 = std::fs::read_to_string(dir.join("A15.csv"));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(a15.expect("A15.csv written"), reference);
}

/// The demo accounts and a small list over three sections of two authorities' kinds.
async fn app_with_list() -> TestApp {
    let app = TestApp::demo().await;
    let mut body = String::from(HEADER);
    for i in 1..=60 {
        body.push_str(&format!("北京,北京第{i}技术转移中心\n"));
    }
    body.push_str("广东,广东<b>转移</b>&中心\n深圳,深圳技术转移100%中心\n深圳,深圳_转移中心\n");
    techreg::institutions::import_file(
        &mut app.conn(),
        &Actor::cli(),
        "list.csv",
        body.as_bytes(),
        db::now(),
    )
    .expect("import");
    app
}

#[actix_web::test]
async fn ministry_staff_search_the_whole_list_page_by_page() {
    let app = app_with_list().await;
    let ministry = app.signed_in("ministry").await;

    let home = ministry.get("/").await;
    assert!(home.body.contains("href=\"/stats/institutions\""));

    let all = ministry.get("/stats/institutions").await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains("名单共 63 家"), "{}", all.body);
    assert!(all.body.contains("共 63 家，第 1 / 2 页"));
    assert!(all.body.contains("北京第1技术转移中心"));
    assert!(!all.body.contains("北京第51技术转移中心"), "50 a page");
    assert!(all.body.contains("page=2"));
    let second = ministry.get("/stats/institutions?page=2").await;
    assert!(second.body.contains("北京第51技术转移中心"));
    assert!(second.body.contains("深圳_转移中心"));
    assert!(second.body.contains("上一页"));

    // A substring of the name, with the province filter.
    let found = ministry
        .get("/stats/institutions?q=%E7%AC%AC5&province=%E5%8C%97%E4%BA%AC")
        .await;
    assert!(
        found.body.contains("共 11 家"),
        "第5, 第50…第59: {}",
        found.body
    );
    let sz = ministry
        .get("/stats/institutions?province=%E6%B7%B1%E5%9C%B3")
        .await;
    assert!(sz.body.contains("共 2 家"));
    assert!(sz.body.contains("<option value=\"深圳\" selected>"));
    // LIKE wildcards match literally.
    let percent = ministry.get("/stats/institutions?q=100%25").await;
    assert!(percent.body.contains("共 1 家"), "{}", percent.body);
    let underscore = ministry.get("/stats/institutions?q=_").await;
    assert!(underscore.body.contains("共 1 家"));
    // Names and search text are escaped.
    let html = ministry.get("/stats/institutions?q=%3Cb%3E%E8%BD%AC").await;
    assert!(
        html.body
            .contains("广东&#60;b&#62;转移&#60;/b&#62;&#38;中心")
    );
    assert!(!html.body.contains("<b>转移"));
    assert!(html.body.contains("value=\"&#60;b&#62;转\""));
}

#[actix_web::test]
async fn hostile_queries_are_bounded_and_answered() {
    let app = app_with_list().await;
    let ministry = app.signed_in("ministry").await;
    let long = "%E8%BD%AC".repeat(5000);
    let page = ministry.get(&format!("/stats/institutions?q={long}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("搜索词过长"));
    assert!(page.body.contains("没有符合条件的机构"));
    let odd = ministry
        .get("/stats/institutions?q=%E2%80%AE%00%27%22&page=-1&province=%3Cscript%3E")
        .await;
    assert_eq!(odd.status, 200);
    assert!(
        odd.body.contains("未知的地区“&#60;script&#62;”"),
        "{}",
        odd.body
    );
    assert!(!odd.body.contains("<script>"));
    assert!(
        odd.body.contains("name=\"q\" value=\"&#39;&#34;\""),
        "cleaned: {}",
        odd.body
    );
    let far = ministry
        .get("/stats/institutions?page=99999999999999999999")
        .await;
    assert_eq!(far.status, 200);
}

#[actix_web::test]
async fn province_administrators_see_their_own_section_only_and_clerks_none() {
    let app = app_with_list().await;

    let gd = app.signed_in("gd_admin").await;
    assert!(
        gd.get("/")
            .await
            .body
            .contains("href=\"/stats/institutions\"")
    );
    let own = gd.get("/stats/institutions").await;
    assert_eq!(own.status, 200);
    assert!(own.body.contains("名单共 1 家"), "{}", own.body);
    assert!(own.body.contains("广东&#60;b&#62;"));
    assert!(!own.body.contains("北京第1技术转移中心"));
    assert!(
        !own.body.contains("深圳技术转移"),
        "深圳 is its own authority"
    );
    assert!(!own.body.contains("<select name=\"province\""));
    // Another authority's section, asked for by name, is refused on the server.
    let other = gd
        .get("/stats/institutions?province=%E5%8C%97%E4%BA%AC")
        .await;
    assert_eq!(other.status, 403);
    let same = gd
        .get("/stats/institutions?province=%E5%B9%BF%E4%B8%9C")
        .await;
    assert_eq!(same.status, 200);
    let searched = gd.get("/stats/institutions?q=%E5%8C%97%E4%BA%AC").await;
    assert!(searched.body.contains("没有符合条件的机构"));

    let sz = app.signed_in("sz_admin").await;
    let page = sz.get("/stats/institutions").await;
    assert!(page.body.contains("名单共 2 家"), "{}", page.body);

    for username in ["gz_clerk", "admin"] {
        let c = app.signed_in(username).await;
        assert_eq!(c.get("/stats/institutions").await.status, 403, "{username}");
        assert!(!c.get("/").await.body.contains("/stats/institutions"));
    }
    let anonymous = app.client().get("/stats/institutions").await;
    assert_eq!(anonymous.status, 303);
}
