//! Amendment (变更登记) and cancellation (注销登记) of registered contracts through the web:
//! versions with the number kept, the re-issued certificate, review with the second review for
//! large changes, stale and duplicate applications, and scope.

use diesel::prelude::*;
use techreg::db::schema::{amendments, contracts};

use crate::review::{decide, printed_code, this_year};
use crate::second_review::{BEIJING, GUANGZHOU, fields_with, filed_with};
use crate::support::{Client, Page, TestApp};

/// A contract of `clerk`'s office registered by `admin`, with 技术交易额 `technical` 元.
async fn registered(
    clerk: &Client<'_>,
    admin: &Client<'_>,
    beijing: bool,
    project: &str,
    technical: i64,
) -> i64 {
    let id = filed_with(clerk, beijing, project, technical).await;
    assert_eq!(decide(admin, id, "approve", &[]).await.status, 303);
    id
}

fn contract_version(app: &TestApp, id: i64) -> i32 {
    contracts::table
        .find(id)
        .select(contracts::version)
        .first(&mut *app.conn())
        .unwrap()
}

/// Posts an application for contract `id` with `fields` (none for a cancellation).
async fn apply(
    clerk: &Client<'_>,
    id: i64,
    kind: &str,
    version: i32,
    reason: &str,
    fields: &[(String, String)],
) -> Page {
    let token = clerk.get("/account/password").await.csrf();
    let version = version.to_string();
    let mut all: Vec<(&str, &str)> = vec![
        ("csrf_token", &token),
        ("kind", kind),
        ("version", &version),
        ("amendment_reason", reason),
    ];
    all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    clerk
        .post_raw(
            &format!("/contracts/{id}/amendments"),
            &all,
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await
}

/// Posts a decision on application `aid` at the version its page shows.
async fn decide_amendment(
    admin: &Client<'_>,
    aid: i64,
    decision: &str,
    extra: &[(&str, &str)],
) -> Page {
    let page = admin.get(&format!("/amendments/{aid}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let marker = "name=\"version\" value=\"";
    let version = page
        .body
        .find(marker)
        .map(|at| {
            let rest = &page.body[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .unwrap_or_else(|| panic!("no decision form: {}", page.body));
    let mut all = vec![("csrf_token", page.csrf()), ("version", version)];
    all.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let all: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
    admin
        .post_raw(
            &format!("/amendments/{aid}/{decision}"),
            &all,
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await
}

fn application_of(res: &Page) -> i64 {
    let location = res.location.as_deref().expect("a redirect");
    location
        .strip_prefix("/amendments/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an application: {location}"))
}

#[actix_web::test]
async fn an_approved_change_keeps_the_number_makes_a_new_version_and_reissues_the_certificate() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let admin = app.signed_in("gd_admin").await;
    let id = registered(&clerk, &admin, GUANGZHOU, "区域储能产业技术咨询", 1_200_000).await;
    let code = printed_code(
        &clerk
            .get(&format!("/contracts/{id}/certificate"))
            .await
            .body,
    );
    let (number, version): (Option<String>, i32) = contracts::table
        .find(id)
        .select((contracts::registration_number, contracts::version))
        .first(&mut *app.conn())
        .unwrap();

    let form = clerk
        .get(&format!("/contracts/{id}/amendments/new?kind=change"))
        .await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("value=\"区域储能产业技术咨询\""),
        "{}",
        form.body
    );

    let mut changed = fields_with("区域储能产业技术咨询", 1_400_000, GUANGZHOU);
    for (k, v) in changed.iter_mut() {
        if k == "buyer_address" {
            *v = "北京市海淀区中关村大街 2 号".into();
        }
    }
    // Nothing changed, or no reason: refused with the field named, nothing stored.
    let same = fields_with("区域储能产业技术咨询", 1_200_000, GUANGZHOU);
    let res = apply(&clerk, id, "change", version, "补充协议", &same).await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("没有修改任何内容"), "{}", res.body);
    let res = apply(&clerk, id, "change", version, " ", &changed).await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("请填写变更原因"));
    assert!(
        res.body.contains("北京市海淀区中关村大街 2 号"),
        "what was typed is kept"
    );
    // A stale version.
    let res = apply(&clerk, id, "change", version - 1, "补充协议", &changed).await;
    assert_eq!(res.status, 409, "{}", res.body);

    let res = apply(
        &clerk,
        id,
        "change",
        version,
        "双方签订补充协议，增加合同金额",
        &changed,
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let aid = application_of(&res);
    let total: Option<i64> = contracts::table
        .find(id)
        .select(contracts::total_fen)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(total, Some(220_000_000), "unchanged until approved");
    // A second application while one is open.
    let again = apply(&clerk, id, "cancel", version, "合同解除", &[]).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("已有一份待审核"), "{}", again.body);

    let page = admin.get(&format!("/amendments/{aid}")).await.body;
    assert!(
        page.contains("2,200,000.00") && page.contains("2,400,000.00"),
        "{page}"
    );
    assert!(
        page.contains("北京市海淀区中关村大街 1 号")
            && page.contains("北京市海淀区中关村大街 2 号")
    );
    assert!(
        admin
            .get("/review")
            .await
            .body
            .contains(&format!("/amendments/{aid}"))
    );
    let res = decide_amendment(&admin, aid, "approve", &[]).await;
    assert_eq!(res.status, 303, "{}", res.body);

    let (number_after, version_after, total, amended_on, status): (
        Option<String>,
        i32,
        Option<i64>,
        Option<chrono::NaiveDate>,
        String,
    ) = contracts::table
        .find(id)
        .select((
            contracts::registration_number,
            contracts::version,
            contracts::total_fen,
            contracts::amended_on,
            contracts::status,
        ))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(number_after, number, "the number stays");
    assert_eq!(version_after, version + 1);
    assert_eq!(total, Some(240_000_000));
    assert_eq!(status, "registered");
    assert_eq!(
        amended_on,
        Some(techreg::domain::dates::today_cst(chrono::Utc::now()))
    );
    // The replaced version is kept in the application.
    let before: String = amendments::table
        .find(aid)
        .select(amendments::before_input)
        .first(&mut *app.conn())
        .unwrap();
    assert!(before.contains("2200000.00"), "{before}");

    let certificate = clerk
        .get(&format!("/contracts/{id}/certificate"))
        .await
        .body;
    assert!(
        certificate.contains("<th>状态</th><td>已变更</td>"),
        "{certificate}"
    );
    assert!(certificate.contains("2,400,000.00 元"));
    assert_eq!(
        printed_code(&certificate),
        code,
        "the same certificate, re-issued"
    );
    let checked = app.client().get(&format!("/verify/{code}")).await.body;
    assert!(checked.contains("已变更"), "{checked}");
    let history = clerk.get(&format!("/contracts/{id}")).await.body;
    assert!(history.contains("变更与注销记录") && history.contains(&format!("#{aid}")));
    assert!(history.contains(&format!("{} 4401 01 000001", this_year())));
}

#[actix_web::test]
async fn a_cancellation_is_returned_then_approved_and_other_provinces_see_nothing() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let admin = app.signed_in("gd_admin").await;
    let id = registered(&clerk, &admin, GUANGZHOU, "区域储能产业技术咨询", 1_200_000).await;
    let code = printed_code(
        &clerk
            .get(&format!("/contracts/{id}/certificate"))
            .await
            .body,
    );
    let version = contract_version(&app, id);
    let res = apply(&clerk, id, "cancel", version, "合同已于本月解除", &[]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let aid = application_of(&res);

    // Another authority's administrator and another office's clerk find nothing.
    let other = app.signed_in("bj_admin").await;
    assert_eq!(other.get(&format!("/amendments/{aid}")).await.status, 404);
    let token = other.get("/account/password").await.csrf();
    let res = other
        .post_raw(
            &format!("/amendments/{aid}/approve"),
            &[("csrf_token", token.as_str()), ("version", "1")],
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(
        app.signed_in("sz_clerk")
            .await
            .get(&format!("/amendments/{aid}"))
            .await
            .status,
        404
    );
    let sz = app.signed_in("sz_clerk").await;
    assert_eq!(
        apply(&sz, id, "cancel", version, "x", &[]).await.status,
        404
    );

    let reason = [("reason", "请附解除协议")];
    assert_eq!(
        decide_amendment(&admin, aid, "return", &reason)
            .await
            .status,
        303
    );
    let state: String = amendments::table
        .find(aid)
        .select(amendments::status)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(state, "returned");
    assert_eq!(
        contract_version(&app, id),
        version,
        "a returned application changes nothing"
    );

    let res = apply(&clerk, id, "cancel", version, "合同已解除，附解除协议", &[]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let aid = application_of(&res);
    assert_eq!(
        decide_amendment(&admin, aid, "approve", &[]).await.status,
        303
    );
    let status: String = contracts::table
        .find(id)
        .select(contracts::status)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(status, "cancelled");
    let certificate = clerk
        .get(&format!("/contracts/{id}/certificate"))
        .await
        .body;
    assert!(
        certificate.contains("<th>状态</th><td>已注销</td>"),
        "{certificate}"
    );
    assert!(
        app.client()
            .get(&format!("/verify/{code}"))
            .await
            .body
            .contains("已注销")
    );
    // A cancelled contract cannot be amended again.
    let res = apply(&clerk, id, "cancel", version + 1, "再次注销", &[]).await;
    assert_eq!(res.status, 403, "{}", res.body);
}

#[actix_web::test]
async fn a_change_that_brings_the_amount_to_the_threshold_needs_two_administrators() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("bj_clerk").await;
    let (a, b) = (
        app.signed_in("bj_admin").await,
        app.signed_in("bj_admin2").await,
    );
    let id = registered(&clerk, &a, BEIJING, "储能系统技术咨询", 1_200_000).await;
    let version = contract_version(&app, id);
    let changed = fields_with("储能系统技术咨询", 6_000_000, BEIJING);
    let res = apply(
        &clerk,
        id,
        "change",
        version,
        "补充协议扩大服务范围",
        &changed,
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let aid = application_of(&res);
    assert_eq!(decide_amendment(&a, aid, "approve", &[]).await.status, 303);
    assert_eq!(contract_version(&app, id), version, "a first approval only");
    let page = a.get(&format!("/amendments/{aid}")).await.body;
    assert!(page.contains("您已作出初审"), "{page}");
    let token = a.get("/account/password").await.csrf();
    let res = a
        .post_raw(
            &format!("/amendments/{aid}/approve"),
            &[("csrf_token", token.as_str()), ("version", "2")],
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await;
    assert_eq!(res.status, 403, "{}", res.body);
    assert_eq!(decide_amendment(&b, aid, "approve", &[]).await.status, 303);
    let technical: Option<i64> = contracts::table
        .find(id)
        .select(contracts::technical_fen)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(technical, Some(600_000_000));
}
