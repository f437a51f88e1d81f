//! The provincial review through the web: the queue, approval with the registration number,
//! return for correction and resubmission, refusal, stale decisions, scope and the history.

use chrono::Datelike;
use diesel::prelude::*;
use techreg::db::schema::{audit_log, contracts, reviews};

use crate::contracts::{id_of, post_contract, valid_fields};
use crate::support::{Client, Page, TestApp};

/// Files one contract of `category` as gz_clerk (office 440101) and returns its id.
pub(crate) async fn filed(clerk: &Client<'_>, category: &str, project: &str) -> i64 {
    let res = post_contract(
        clerk,
        "/contracts",
        &valid_fields(category, project),
        "submit",
        None,
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    id_of(&res)
}

/// Posts a decision with the token and version of the contract page the reviewer sees.
pub(crate) async fn decide(
    admin: &Client<'_>,
    id: i64,
    decision: &str,
    fields: &[(&str, &str)],
) -> Page {
    let page = admin.get(&format!("/contracts/{id}")).await;
    let version = version_on(&page);
    decide_at(admin, id, decision, &version, fields).await
}

pub(crate) async fn decide_at(
    admin: &Client<'_>,
    id: i64,
    decision: &str,
    version: &str,
    fields: &[(&str, &str)],
) -> Page {
    let token = admin.get(&format!("/contracts/{id}")).await.csrf();
    let mut all = vec![("csrf_token", token.as_str()), ("version", version)];
    all.extend_from_slice(fields);
    admin
        .post_raw(
            &format!("/review/{id}/{decision}"),
            &all,
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await
}

/// The version the decision forms on a contract page carry.
pub(crate) fn version_on(page: &Page) -> String {
    let marker = "name=\"version\" value=\"";
    let start = page
        .body
        .find(marker)
        .unwrap_or_else(|| panic!("no decision form: {}", page.body))
        + marker.len();
    let end = page.body[start..].find('"').unwrap();
    page.body[start..start + end].to_owned()
}

pub(crate) fn status_of(app: &TestApp, id: i64) -> (String, i32, Option<String>) {
    contracts::table
        .find(id)
        .select((
            contracts::status,
            contracts::version,
            contracts::registration_number,
        ))
        .first(&mut *app.conn())
        .unwrap()
}

pub(crate) fn this_year() -> i32 {
    techreg::domain::dates::today_cst(chrono::Utc::now()).year()
}

#[actix_web::test]
async fn approval_registers_with_the_next_number_of_the_office_and_year() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let first = filed(&clerk, "11", "高效储能材料开发").await;
    let second = filed(&clerk, "30", "产业技术路线咨询").await;
    let admin = app.signed_in("gd_admin").await;

    let queue = admin.get("/review").await;
    assert_eq!(queue.status, 200);
    let (a, b) = (
        queue.body.find("高效储能材料开发").expect("first in queue"),
        queue
            .body
            .find("产业技术路线咨询")
            .expect("second in queue"),
    );
    assert!(a < b, "the queue shows the oldest submission first");
    assert!(queue.body.contains("共 2 份待审核"));
    // Each row names its office, the code beside it.
    assert!(
        queue
            .body
            .contains("<td>广州市技术合同登记处 <span class=\"mono muted\">440101</span></td>"),
        "{}",
        queue.body
    );

    let page = admin.get(&format!("/contracts/{first}")).await;
    assert!(page.body.contains("准予登记") && page.body.contains("不予登记依据"));
    let res = decide(&admin, first, "approve", &[]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    // On to the next contract of the queue, with the number just given named.
    assert_eq!(
        res.location.as_deref(),
        Some(&*format!("/contracts/{second}"))
    );
    let year = this_year();
    let next = admin.get(&format!("/contracts/{second}")).await;
    assert!(
        next.body
            .contains(&format!("合同已准予登记，登记编号 {year} 4401 01 000001。")),
        "{}",
        next.body
    );
    let (status, version, number) = status_of(&app, first);
    assert_eq!(status, "registered");
    assert_eq!(version, 2);
    assert_eq!(number, Some(format!("{year}440101000001")));
    let res = decide(&admin, second, "approve", &[("reason", "材料齐全")]).await;
    assert_eq!(res.status, 303);
    // The queue is empty now: the reviewer stays on the contract just decided.
    assert_eq!(
        res.location.as_deref(),
        Some(&*format!("/contracts/{second}"))
    );
    assert_eq!(
        status_of(&app, second).2,
        Some(format!("{year}440101000002"))
    );

    // The registered contract shows its number and history, and is final for everyone.
    let shown = clerk.get(&format!("/contracts/{first}")).await.body;
    assert!(shown.contains(&format!("{year} 4401 01 000001")), "grouped");
    let today =
        techreg::domain::dates::format_date(techreg::domain::dates::today_cst(chrono::Utc::now()));
    assert!(
        shown.contains(&format!("<dt>登记日期</dt><dd>{today}</dd>")),
        "registered today (Beijing date)"
    );
    assert!(shown.contains("审核记录") && shown.contains("准予登记"));
    let again = decide_at(&admin, first, "return", "2", &[("reason", "再看看")]).await;
    assert_eq!(
        again.status, 409,
        "a registered contract cannot be decided again"
    );
    assert!(again.body.contains("已登记"));
    assert_eq!(status_of(&app, first).0, "registered");
    assert!(
        !admin.get("/review").await.body.contains("高效储能材料开发"),
        "decided contracts leave the queue"
    );

    let mut conn = app.conn();
    let decisions: Vec<(String, Option<String>, String)> = reviews::table
        .order(reviews::id)
        .select((
            reviews::decision,
            reviews::registration_number,
            reviews::reviewer,
        ))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0].0, "approve");
    assert_eq!(decisions[0].2, "gd_admin");
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("contract.approve"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(audited, 2);
}

#[actix_web::test]
async fn a_returned_contract_shows_the_reason_and_is_resubmitted_after_correction() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let id = filed(&clerk, "21", "一种储能电池专利转让").await;
    let admin = app.signed_in("gd_admin").await;

    // Without a reason nothing changes, and the form says why.
    let res = decide(&admin, id, "return", &[("reason", "   ")]).await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("请填写退回理由"));
    assert_eq!(status_of(&app, id).0, "submitted");

    let reason = "请补充专利权人变更登记的证明材料<script>alert(1)</script>";
    let res = decide(&admin, id, "return", &[("reason", reason)]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    // Nothing else waits, so the reviewer stays on the contract just returned.
    assert_eq!(res.location.as_deref(), Some(&*format!("/contracts/{id}")));
    assert_eq!(status_of(&app, id).0, "returned");

    // The clerk sees the reason (escaped), edits and resubmits at the version it read.
    let returned = clerk.get("/contracts?status=returned").await.body;
    assert!(returned.contains("一种储能电池专利转让"));
    let page = clerk.get(&format!("/contracts/{id}")).await;
    assert!(page.body.contains("请补充专利权人变更登记的证明材料"));
    assert!(page.body.contains("&#60;script&#62;") && !page.body.contains("<script>alert"));
    assert!(
        page.body.contains(">编辑<"),
        "a returned contract may be edited"
    );
    let version = status_of(&app, id).1.to_string();
    let mut fields = valid_fields("21", "一种储能电池专利转让");
    fields.push(("version".into(), version));
    let res = post_contract(
        &clerk,
        &format!("/contracts/{id}"),
        &fields,
        "submit",
        Some(vec![("evidence", "变更证明.pdf", crate::contracts::PDF)]),
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(status_of(&app, id).0, "submitted");
    let resubmitted: i64 = audit_log::table
        .filter(audit_log::action.eq("contract.resubmit"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(resubmitted, 1);

    // Back in the queue; approved, it keeps the history of both decisions.
    assert!(
        admin
            .get("/review")
            .await
            .body
            .contains("一种储能电池专利转让")
    );
    assert_eq!(decide(&admin, id, "approve", &[]).await.status, 303);
    let history = clerk.get(&format!("/contracts/{id}")).await.body;
    assert!(history.contains("退回补正") && history.contains("准予登记"));
}

#[actix_web::test]
async fn a_refusal_needs_a_ground_and_a_reason_and_is_final() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let id = filed(&clerk, "41", "设备安装调试服务").await;
    let admin = app.signed_in("gd_admin").await;

    let res = decide(&admin, id, "refuse", &[("reason", "仅为设备安装")]).await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("请选择不予登记的依据"));
    assert!(
        res.body.contains("仅为设备安装"),
        "what the reviewer typed is kept"
    );
    let res = decide(
        &admin,
        id,
        "refuse",
        &[
            ("refusal_code", "02"),
            ("reason", "仅为设备安装，不属于技术服务"),
        ],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(status_of(&app, id).0, "refused");
    let page = clerk.get(&format!("/contracts/{id}")).await.body;
    assert!(page.contains("不属于技术合同：仅为设备安装，不属于技术服务"));
    assert!(!page.contains(">编辑<"), "a refused contract is final");
    let edit = post_contract(
        &clerk,
        &format!("/contracts/{id}"),
        &valid_fields("41", "设备安装调试服务"),
        "save",
        None,
    )
    .await;
    assert_eq!(edit.status, 403);
}

#[actix_web::test]
async fn a_decision_on_an_outdated_page_changes_nothing() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let id = filed(&clerk, "12", "联合研发智能传感器").await;
    let admin = app.signed_in("gd_admin").await;
    let stale = decide_at(&admin, id, "approve", "0", &[]).await;
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("已被处理或修改"));
    assert_eq!(status_of(&app, id), ("submitted".into(), 1, None));
    let garbage = decide_at(&admin, id, "approve", "最新", &[]).await;
    assert_eq!(garbage.status, 409);
    let unknown = decide_at(&admin, id, "delete", "1", &[]).await;
    assert_eq!(unknown.status, 404, "only the three decisions exist");
    assert_eq!(status_of(&app, id).0, "submitted");
}

#[actix_web::test]
async fn reviewers_decide_only_within_their_authority() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let id = filed(&clerk, "11", "广东的合同").await;
    let other = app.signed_in("bj_admin").await;
    let token = other.get("/review").await.csrf();
    let res = other
        .post_raw(
            &format!("/review/{id}/approve"),
            &[("csrf_token", &token), ("version", "1")],
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await;
    assert_eq!(
        res.status, 404,
        "another province's contract does not exist for it"
    );
    assert!(!other.get("/review").await.body.contains("广东的合同"));
    // 深圳 (计划单列市) is an authority of its own: 广州's contracts are not in its queue.
    assert!(
        !app.signed_in("sz_admin")
            .await
            .get("/review")
            .await
            .body
            .contains("广东的合同")
    );
    assert_eq!(status_of(&app, id).0, "submitted");
}

#[actix_web::test]
async fn simultaneous_approvals_in_one_office_get_distinct_serials() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(filed(&clerk, "30", &format!("并发审核咨询项目{i}")).await);
    }
    let admin = app.signed_in("gd_admin").await;
    let token = admin.get("/review").await.csrf();
    let posts = ids.iter().map(|id| {
        let path = format!("/review/{id}/approve");
        let token = token.clone();
        let admin = &admin;
        async move {
            admin
                .post_raw(
                    &path,
                    &[("csrf_token", &token), ("version", "1")],
                    &[("Sec-Fetch-Site", "same-origin")],
                )
                .await
                .status
        }
    });
    let statuses = futures_util::future::join_all(posts).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    let mut numbers: Vec<String> = ids
        .iter()
        .map(|id| status_of(&app, *id).2.expect("a number"))
        .collect();
    numbers.sort();
    let year = this_year();
    let expected: Vec<String> = (1..=6).map(|s| format!("{year}440101{s:06}")).collect();
    assert_eq!(numbers, expected);
}

#[actix_web::test]
async fn home_pages_show_each_role_what_waits_for_it() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let draft = post_contract(
        &clerk,
        "/contracts",
        &valid_fields("30", "尚未提交"),
        "save",
        None,
    )
    .await;
    assert_eq!(draft.status, 303);
    let waiting = filed(&clerk, "11", "等待审核的合同").await;
    let home = clerk.get("/").await.body;
    let card = |body: &str, title: &str| -> String {
        let at = body.find(&format!("<h2>{title}</h2>")).expect(title);
        let rest = &body[at..];
        rest[..rest.find("</section>").unwrap_or(rest.len())].to_owned()
    };
    assert!(card(&home, "草稿").contains("<p class=\"big-number\">1</p>"));
    assert!(card(&home, "等待审核").contains("<p class=\"big-number\">1</p>"));
    assert!(card(&home, "退回补正").contains("<p class=\"big-number\">0</p>"));
    assert!(home.contains("href=\"/contracts?status=draft\""));

    // The province's administrator: the queue, its longest wait, and what is overdue.
    let admin = app.signed_in("gd_admin").await;
    let home = admin.get("/").await.body;
    let queue = card(&home, "合同审核");
    assert!(queue.contains("<p class=\"big-number\">1</p>"), "{queue}");
    assert!(queue.contains("等待最久的已 0 天"), "{queue}");
    assert!(!queue.contains("办理期限"), "{queue}");
    // Submitted 40 days ago, under the default 30 days its deadline passed ten days ago.
    let forty_days_ago = techreg::db::now() - chrono::Duration::days(40);
    diesel::update(contracts::table.find(waiting))
        .set((
            contracts::submitted_at.eq(forty_days_ago),
            contracts::review_due_on.eq(forty_days_ago.date() + chrono::Duration::days(30)),
        ))
        .execute(&mut *app.conn())
        .unwrap();
    let queue = card(&admin.get("/").await.body, "合同审核");
    assert!(queue.contains("等待最久的已 40 天"), "{queue}");
    assert!(queue.contains("1 份已超过办理期限"), "{queue}");

    // The ministry's home links to everything it does.
    let ministry = app.signed_in("ministry").await;
    let home = ministry.get("/").await.body;
    for href in [
        "/contracts",
        "/imports/contracts",
        "/stats/close",
        "/audit",
        "/stats/institutions",
    ] {
        assert!(home.contains(&format!("href=\"{href}\"")), "{href}");
    }
}

#[actix_web::test]
async fn a_registered_contract_has_a_printable_certificate_for_its_office_authority_and_ministry() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let id = filed(&clerk, "30", "区域储能产业技术咨询").await;
    let certificate = format!("/contracts/{id}/certificate");
    let link = format!("href=\"{certificate}\"");
    // Waiting for review, the contract has no certificate yet.
    assert_eq!(clerk.get(&certificate).await.status, 404);
    assert!(
        !clerk
            .get(&format!("/contracts/{id}"))
            .await
            .body
            .contains(&link)
    );

    let admin = app.signed_in("gd_admin").await;
    assert_eq!(decide(&admin, id, "approve", &[]).await.status, 303);
    let year = this_year();
    assert!(
        clerk
            .get(&format!("/contracts/{id}"))
            .await
            .body
            .contains(&link)
    );
    let page = clerk.get(&certificate).await;
    assert_eq!(page.status, 200);
    for expected in [
        "技术合同登记证明".to_owned(),
        format!("{year} 4401 01 000001"),
        "区域储能产业技术咨询".to_owned(),
        "技术咨询".to_owned(),
        "广州智造科技有限公司".to_owned(),
        "北京未来能源研究院".to_owned(),
        "广东省广州市天河区".to_owned(),
        "1,250,000.00 元".to_owned(),
        "人民币壹佰贰拾伍万元整".to_owned(),
        "人民币壹佰贰拾万元整".to_owned(),
        "广州市技术合同登记处".to_owned(),
        "登记机构印章".to_owned(),
        "<th>状态</th><td>有效</td>".to_owned(),
    ] {
        assert!(page.body.contains(&expected), "{expected}: {}", page.body);
    }
    // 登记员 and 审核人 by the names the accounts carry.
    let clerk_name = display_name(&app, "gz_clerk");
    assert!(
        page.body
            .contains(&format!("<th>登记员</th><td>{clerk_name}</td>"))
    );
    let admin_name = display_name(&app, "gd_admin");
    assert!(
        page.body
            .contains(&format!("<th>审核人</th><td>{admin_name}</td>")),
        "{}",
        page.body
    );

    // The authority and the ministry see it too; another province and another office do not.
    assert_eq!(admin.get(&certificate).await.status, 200);
    assert_eq!(
        app.signed_in("ministry")
            .await
            .get(&certificate)
            .await
            .status,
        200
    );
    assert_eq!(
        app.signed_in("bj_admin")
            .await
            .get(&certificate)
            .await
            .status,
        404
    );
    assert_eq!(
        app.signed_in("sz_clerk")
            .await
            .get(&certificate)
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn the_certificate_pdf_is_one_a4_page_with_the_same_content_as_the_page() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    // A rare character of Extension A in the seller's name must print, not fall back.
    let mut fields = valid_fields("30", "区域储能产业技术咨询");
    for (k, v) in fields.iter_mut() {
        if k == "seller_name" {
            *v = "广州䶮堃科技有限公司".into();
        }
    }
    let res = post_contract(&clerk, "/contracts", &fields, "submit", None).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let id = id_of(&res);
    let pdf_path = format!("/contracts/{id}/certificate.pdf");
    assert_eq!(clerk.get(&pdf_path).await.status, 404, "not registered yet");
    let admin = app.signed_in("gd_admin").await;
    assert_eq!(decide(&admin, id, "approve", &[]).await.status, 303);
    let html = clerk
        .get(&format!("/contracts/{id}/certificate"))
        .await
        .body;
    let code = printed_code(&html);

    let Some(pdf) = crate::pdf::download(&clerk, &pdf_path, "certificate-pdf").await else {
        return;
    };
    assert_eq!(pdf.pages, 1);
    let text = pdf.text;
    let number = format!("{} 4401 01 000001", this_year());
    for expected in [
        "技", // the spaced title
        number.as_str(),
        "广州䶮堃科技有限公司",
        "北京未来能源研究院",
        "人民币壹佰贰拾伍万元整",
        "人民币壹佰贰拾万元整",
        "广州市技术合同登记处",
        code.as_str(),
        "准予登记",
        "登记机构印章",
    ] {
        assert!(
            text.contains(expected),
            "{expected} not in the PDF text:\n{text}"
        );
    }
    // Another authority finds nothing.
    assert_eq!(
        app.signed_in("bj_admin").await.get(&pdf_path).await.status,
        404
    );
}

#[actix_web::test]
async fn a_printed_certificate_is_checked_publicly_by_its_code_showing_number_status_and_date_only()
{
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let id = filed(&clerk, "30", "区域储能产业技术咨询").await;
    let admin = app.signed_in("gd_admin").await;
    assert_eq!(decide(&admin, id, "approve", &[]).await.status, 303);
    let certificate = format!("/contracts/{id}/certificate");
    let first = clerk.get(&certificate).await;
    let code = printed_code(&first.body);
    // Printing again, by anyone allowed, shows the same code.
    assert_eq!(printed_code(&admin.get(&certificate).await.body), code);
    assert!(first.body.contains("/verify"), "{}", first.body);

    let anonymous = app.client();
    let page = anonymous.get(&format!("/verify/{code}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let year = this_year();
    let number = format!("{year} 4401 01 000001");
    assert!(page.body.contains(&number), "{}", page.body);
    assert!(page.body.contains("有效"));
    let registered_on: chrono::NaiveDate = {
        use techreg::db::schema::contracts;
        contracts::table
            .find(id)
            .select(contracts::registered_on.assume_not_null())
            .first(&mut app.conn())
            .expect("registered")
    };
    assert!(
        page.body
            .contains(&registered_on.format("%Y-%m-%d").to_string())
    );
    // Nothing else about the contract: no project, no party, no amount.
    for secret in ["区域储能", "广州智造", "北京未来能源", "1,250,000", "壹佰"] {
        assert!(
            !page.body.contains(secret),
            "{secret} leaked: {}",
            page.body
        );
    }
    // As typed from paper: lower case, spaces instead of dashes, O for 0.
    let typed = code.to_lowercase().replace('-', " ").replace('0', "o");
    let form = anonymous
        .get(&format!("/verify?code={}", typed.replace(' ', "+")))
        .await;
    assert_eq!(form.status, 303);
    assert_eq!(
        form.location.as_deref(),
        Some(format!("/verify/{}", code.replace('-', "")).as_str())
    );
    // A code that was never issued, and one that cannot be a code.
    let unknown = anonymous.get("/verify/0000-0000-0000-0000").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("未找到"), "{}", unknown.body);
    let malformed = anonymous.get("/verify/not-a-code").await;
    assert_eq!(malformed.status, 422);
    assert!(malformed.body.contains("验证码格式有误"));
    assert!(
        anonymous
            .get("/verify")
            .await
            .body
            .contains("name=\"code\"")
    );
}

/// The verification code a certificate page prints.
pub(crate) fn printed_code(body: &str) -> String {
    let after = body
        .split("<th>验证码</th>")
        .nth(1)
        .expect("the certificate prints a verification code");
    let start = after.find("<td colspan=\"3\">").expect("code") + "<td colspan=\"3\">".len();
    let code: String = after[start..].chars().take(19).collect();
    assert_eq!(code.len(), 19, "XXXX-XXXX-XXXX-XXXX: {code}");
    code
}

pub(crate) fn display_name(app: &TestApp, username: &str) -> String {
    use techreg::db::schema::users;
    users::table
        .filter(users::username.eq(username))
        .select(users::display_name)
        .first(&mut *app.conn())
        .unwrap()
}

/// Eight reviewers' sessions approve 400 contracts of one office at once, every contract
/// posted twice by two of them: each is registered exactly once (the other post answers 409),
/// and the 400 serials are 1 to 400, unique and without a gap.
#[actix_web::test]
async fn four_hundred_approvals_from_eight_sessions_register_each_contract_once_without_gaps() {
    use techreg::db::contracts::ContractRow;
    const CONTRACTS: usize = 400;
    const SESSIONS: usize = 8;
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let first = filed(&clerk, "30", "并发审核咨询项目").await;
    let row: ContractRow = techreg::db::contracts::find(&mut app.conn(), first)
        .unwrap()
        .unwrap();
    let mut ids = vec![first];
    for i in 1..CONTRACTS {
        let mut write = row.data.clone();
        write.project_name = format!("并发审核咨询项目{i}");
        write.duplicate_key = None;
        ids.push(
            techreg::db::contracts::insert(&mut app.conn(), &write, row.created_by, row.created_at)
                .unwrap(),
        );
    }
    let mut sessions = Vec::new();
    for _ in 0..SESSIONS {
        let admin = app.signed_in("gd_admin").await;
        let token = admin.get("/review").await.csrf();
        sessions.push((admin, token));
    }
    let version = row.version.to_string();
    let work = sessions.iter().enumerate().map(|(k, (admin, token))| {
        // Session k takes the contracts i with i ≡ k or i ≡ k + 1 (mod 8): two sessions each.
        let mine: Vec<i64> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| i % SESSIONS == k || (i + SESSIONS - 1) % SESSIONS == k)
            .map(|(_, id)| *id)
            .collect();
        let version = version.clone();
        async move {
            let mut statuses = Vec::new();
            for id in mine {
                let res = admin
                    .post_raw(
                        &format!("/review/{id}/approve"),
                        &[("csrf_token", token.as_str()), ("version", &version)],
                        &[("Sec-Fetch-Site", "same-origin")],
                    )
                    .await;
                statuses.push(res.status);
            }
            statuses
        }
    });
    let statuses: Vec<u16> = futures_util::future::join_all(work)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(statuses.len(), 2 * CONTRACTS);
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        CONTRACTS,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), CONTRACTS);

    let mut serials: Vec<u32> = ids
        .iter()
        .map(|id| {
            let number = status_of(&app, *id).2.expect("registered");
            number[10..].parse().expect("a serial")
        })
        .collect();
    serials.sort_unstable();
    let expected: Vec<u32> = (1..=CONTRACTS as u32).collect();
    assert_eq!(serials, expected, "unique and gap-free");
    let approvals: i64 = reviews::table
        .filter(reviews::decision.eq("approve"))
        .filter(reviews::contract_id.eq_any(&ids))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(approvals, CONTRACTS as i64, "no contract registered twice");
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("contract.approve"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(audited, CONTRACTS as i64);
}
