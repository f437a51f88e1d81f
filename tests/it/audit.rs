//! The audit trail: written with every change, scoped on the page, append-only in the database.

use diesel::connection::SimpleConnection;

use crate::auth::clerk_id;
use crate::support::TestApp;
use techreg::audit::{Actor, Entry};
use techreg::db;

#[actix_web::test]
async fn changes_leave_entries_that_each_authority_sees_for_itself() {
    let app = TestApp::demo().await;
    let gd = app.signed_in("gd_admin").await;
    let id = clerk_id(&app, "gz_clerk");
    assert_eq!(
        gd.post(&format!("/admin/users/{id}/disable"), &[])
            .await
            .status,
        303
    );
    let bj = app.signed_in("bj_admin").await;
    let bj_id = clerk_id(&app, "bj_clerk");
    assert_eq!(
        bj.post(&format!("/admin/users/{bj_id}/disable"), &[])
            .await
            .status,
        303
    );

    let gd_page = gd.get("/audit").await;
    assert_eq!(gd_page.status, 200);
    assert!(gd_page.body.contains("停用账号"));
    assert!(gd_page.body.contains("gz_clerk"));
    assert!(
        gd_page.body.contains("127.0.0.1"),
        "the client address is recorded"
    );
    assert!(
        !gd_page.body.contains("bj_clerk"),
        "another authority's entries stay hidden"
    );

    let ministry = app.signed_in("ministry").await;
    let all = ministry.get("/audit").await.body;
    assert!(all.contains("gz_clerk") && all.contains("bj_clerk"));
    let filtered = ministry
        .get("/audit?action=user.disable&actor=bj_admin")
        .await
        .body;
    assert!(filtered.contains("bj_clerk") && !filtered.contains("gz_clerk"));
    let bad_date = ministry.get("/audit?from=2026-13-40").await;
    assert_eq!(bad_date.status, 200);
    assert!(bad_date.body.contains("日期格式应为"));
}

#[actix_web::test]
async fn entries_name_their_action_in_chinese_and_link_to_what_they_changed() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let res = crate::contracts::post_contract(
        &clerk,
        "/contracts",
        &crate::fixtures::valid_fields("11", "审计链接"),
        "submit",
        None,
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let id = crate::contracts::id_of(&res);
    let gd = app.signed_in("gd_admin").await;
    let page = gd.get("/audit?action=contract.submit").await.body;
    assert!(page.contains("提交合同审核"), "{page}");
    assert!(
        page.contains(&format!(
            "<a class=\"mono\" href=\"/contracts/{id}\">{id}</a>"
        )),
        "the contract is linked: {page}"
    );
    // Dates are typed as in the contract form.
    let day = techreg::domain::dates::today_cst(chrono::Utc::now());
    let typed = format!(
        "{}年{}月{}日",
        chrono::Datelike::year(&day),
        chrono::Datelike::month(&day),
        chrono::Datelike::day(&day)
    );
    let same_day = gd
        .get(&format!("/audit?action=contract.submit&from={typed}"))
        .await;
    assert!(!same_day.body.contains("日期格式应为"), "{}", same_day.body);
    assert!(same_day.body.contains(&format!("href=\"/contracts/{id}\"")));
}

#[actix_web::test]
async fn the_audit_page_pages_by_keyset() {
    let app = TestApp::demo().await;
    {
        let mut conn = app.conn();
        let actor = Actor::cli();
        for i in 0..120 {
            let entry = Entry {
                action: "office.update",
                object_type: "office",
                object_id: format!("obj{i:03}"),
                authority_code: Some("440000".into()),
                summary: "测试".into(),
            };
            db::audit::record(&mut conn, &actor, entry, db::now()).unwrap();
        }
    }
    let gd = app.signed_in("gd_admin").await;
    let first = gd.get("/audit?action=office.update").await.body;
    assert!(first.contains("obj119") && !first.contains("obj069"));
    let start = first.find("href=\"/audit?").expect("a next-page link") + "href=\"".len();
    let link = first[start..first[start..].find('"').unwrap() + start].replace("&#38;", "&");
    let second = gd.get(&link).await.body;
    assert!(
        second.contains("obj069") && !second.contains("obj119"),
        "{link}"
    );
}

#[actix_web::test]
async fn the_audit_log_cannot_be_changed_or_deleted() {
    let app = TestApp::demo().await;
    let mut conn = app.conn();
    let c: &mut db::DbConn = &mut conn;
    assert!(
        c.batch_execute("UPDATE audit_log SET summary = 'x'")
            .is_err()
    );
    assert!(c.batch_execute("DELETE FROM audit_log").is_err());
    use diesel::prelude::*;
    let n: i64 = db::schema::audit_log::table.count().get_result(c).unwrap();
    assert!(n > 0);
}
