//! 技术性收入核定 through the web: entries by the registering office with evidence, their totals
//! per contract and per seller and year, the printable sheet, and who may see and add them.

use diesel::prelude::*;
use reqwest::multipart::{Form, Part};
use techreg::db::schema::{audit_log, income_entries};

use crate::review::{decide, filed};
use crate::support::{Client, Page, TestApp};

async fn post_income(clerk: &Client<'_>, id: i64, fields: &[(&str, &str)], evidence: bool) -> Page {
    let token = clerk.get("/account/password").await.csrf();
    let mut form = Form::new().text("csrf_token", token);
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    if evidence {
        form = form.part(
            "evidence",
            Part::bytes(crate::contracts::PDF.to_vec()).file_name("收款凭证.pdf"),
        );
    }
    let res = clerk
        .http
        .post(clerk.app.url(&format!("/contracts/{id}/income")))
        .multipart(form)
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("POST");
    Page::read(res).await
}

/// An entry for the period from `from` to `to`, verified on `to`.
fn entry<'a>(
    from: &'a str,
    to: &'a str,
    received: &'a str,
    verified: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("period_from", from),
        ("period_to", to),
        ("received_yuan", received),
        ("verified_yuan", verified),
        ("verifier", "张核定"),
        ("verified_on", to),
        ("note", ""),
    ]
}

#[actix_web::test]
async fn the_registering_office_records_verified_income_and_the_totals_add_up() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let id = filed(&clerk, "30", "区域储能产业技术咨询").await;
    let path = format!("/contracts/{id}/income");
    assert_eq!(clerk.get(&path).await.status, 404, "not registered yet");
    let admin = app.signed_in("gd_admin").await;
    assert_eq!(decide(&admin, id, "approve", &[]).await.status, 303);
    let today = techreg::domain::dates::today_cst(chrono::Utc::now());
    let year = chrono::Datelike::year(&today);
    let today_s = today.format("%Y-%m-%d").to_string();

    let page = clerk.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("录入核定记录"));

    // More verified than received: refused at the field, what was typed kept.
    let start = format!("{year}-01-01");
    let bad = entry(&start, &today_s, "300000", "400000");
    let res = post_income(&clerk, id, &bad, false).await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(res.body.contains("核定技术性收入不能大于实际收款额"));
    assert!(res.body.contains("value=\"400000\""));

    for (received, verified, evidence) in [
        ("300000", "280000", true),
        ("500000.50", "450000.25", false),
    ] {
        let good = entry(&start, &today_s, received, verified);
        let res = post_income(&clerk, id, &good, evidence).await;
        assert_eq!(res.status, 303, "{}", res.body);
    }
    let page = clerk.get(&path).await.body;
    assert!(
        page.contains("800,000.50") && page.contains("730,000.25"),
        "{page}"
    );
    assert!(
        page.contains(&format!("<td>{year}</td>")),
        "the seller's year: {page}"
    );
    assert!(page.contains("/attachments/"), "the evidence is linked");
    // The registered amounts are untouched; the sheet prints the same totals.
    let sheet = clerk.get(&format!("{path}/sheet")).await.body;
    assert!(
        sheet.contains("技术性收入核定表") && sheet.contains("730,000.25"),
        "{sheet}"
    );
    assert!(sheet.contains("1,200,000.00 元"));
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("income.record"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(audited, 2);

    // Entries are never rewritten.
    let rewrite = diesel::update(income_entries::table)
        .set(income_entries::verified_fen.eq(0))
        .execute(&mut *app.conn());
    assert!(rewrite.is_err(), "income_entries is append-only");

    // The authority reads them but adds none; another authority and another office see nothing.
    let page = admin.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("录入核定记录"));
    assert_eq!(app.signed_in("bj_admin").await.get(&path).await.status, 404);
    let sz = app.signed_in("sz_clerk").await;
    assert_eq!(sz.get(&path).await.status, 404);
    let good = entry(&start, &today_s, "1", "1");
    assert_eq!(post_income(&sz, id, &good, false).await.status, 404);
}
