//! Second review of large contracts and review deadlines: two administrators of one authority
//! for a contract at or above the threshold, the step each contract is at in the queue, the
//! rules' versions set by the system administrator, and overdue contracts.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use techreg::db::schema::{audit_log, contracts, reviews};
use techreg::domain::review_rule::add_working_days;

use crate::auth::clerk_id;
use crate::contracts::{id_of, post_contract, valid_fields};
use crate::review::{decide, display_name, status_of};
use crate::support::{Client, TestApp};

fn today() -> NaiveDate {
    techreg::domain::dates::today_cst(chrono::Utc::now())
}

/// The fields of a contract with the given 技术交易额 in 元 (成交额 one million more); for a
/// 北京 office the parties change sides, as the seller registers where it is.
pub(crate) fn fields_with(
    project: &str,
    technical_yuan: i64,
    beijing: bool,
) -> Vec<(String, String)> {
    let mut fields = valid_fields("30", project);
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "technical_amount_yuan" => *v = technical_yuan.to_string(),
            "total_amount_yuan" => *v = (technical_yuan + 1_000_000).to_string(),
            _ => {}
        }
        if beijing {
            *k = match (k.strip_prefix("seller_"), k.strip_prefix("buyer_")) {
                (Some(rest), _) => format!("buyer_{rest}"),
                (_, Some(rest)) => format!("seller_{rest}"),
                _ => k.clone(),
            };
        }
    }
    fields
}

/// Which side of `fields_with` a clerk's office is on.
pub(crate) const BEIJING: bool = true;
pub(crate) const GUANGZHOU: bool = false;

/// Files a contract as `clerk` of 北京 (110101) or 广州 (440101).
pub(crate) async fn filed_with(
    clerk: &Client<'_>,
    beijing: bool,
    project: &str,
    technical_yuan: i64,
) -> i64 {
    let fields = fields_with(project, technical_yuan, beijing);
    let res = post_contract(clerk, "/contracts", &fields, "submit", None).await;
    assert_eq!(res.status, 303, "{}", res.body);
    id_of(&res)
}

fn first_approved_by(app: &TestApp, id: i64) -> Option<i64> {
    contracts::table
        .find(id)
        .select(contracts::first_approved_by)
        .first(&mut *app.conn())
        .unwrap()
}

fn stages(app: &TestApp, id: i64) -> Vec<(String, String)> {
    reviews::table
        .filter(reviews::contract_id.eq(id))
        .order(reviews::id.asc())
        .select((reviews::decision, reviews::stage))
        .load(&mut *app.conn())
        .unwrap()
}

fn pair(d: &str, s: &str) -> (String, String) {
    (d.to_owned(), s.to_owned())
}

#[actix_web::test]
async fn a_large_contract_is_registered_only_after_a_second_administrator_approves_it() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("bj_clerk").await;
    // 500 万元 exactly: the default threshold is reached.
    let id = filed_with(&clerk, BEIJING, "大型储能电站系统集成技术咨询", 5_000_000).await;
    let first = app.signed_in("bj_admin").await;
    let page = first.get(&format!("/contracts/{id}")).await;
    assert!(page.body.contains("<h3>初审通过</h3>"), "{}", page.body);
    assert!(page.body.contains("500 万元的复审标准"));

    let res = decide(&first, id, "approve", &[]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let (status, version, number) = status_of(&app, id);
    assert_eq!((status.as_str(), number), ("submitted", None));
    assert_eq!(
        first_approved_by(&app, id),
        Some(clerk_id(&app, "bj_admin"))
    );
    assert_eq!(stages(&app, id), [pair("approve", "first")]);
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("contract.first_approve"))
        .filter(audit_log::object_id.eq(id.to_string()))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(audited, 1);

    // The same administrator cannot give the final approval: refused, nothing changes.
    let page = first.get(&format!("/contracts/{id}")).await;
    assert!(page.body.contains("您已作出初审"), "{}", page.body);
    assert!(
        !page
            .body
            .contains(&format!("action=\"/review/{id}/approve\""))
    );
    let again = crate::review::decide_at(&first, id, "approve", &version.to_string(), &[]).await;
    assert_eq!(again.status, 403, "{}", again.body);
    assert!(again.body.contains("两位不同的管理员"), "{}", again.body);
    assert_eq!(status_of(&app, id), (status.clone(), version, None));
    assert_eq!(stages(&app, id).len(), 1);

    // The queue shows the step, and the second queue holds it.
    let first_name = display_name(&app, "bj_admin");
    let second = app.signed_in("bj_admin2").await;
    let queue = second.get("/review?step=second").await.body;
    assert!(queue.contains("大型储能电站系统集成技术咨询"), "{queue}");
    assert!(queue.contains(&format!("初审：{first_name}")), "{queue}");
    assert!(
        !second
            .get("/review?step=first")
            .await
            .body
            .contains("大型储能电站系统集成技术咨询")
    );
    assert!(second.get("/").await.body.contains("份待复审"));
    let page = second.get(&format!("/contracts/{id}")).await;
    assert!(
        page.body.contains("<h3>复审通过，准予登记</h3>"),
        "{}",
        page.body
    );

    // Another administrator of the authority registers it.
    let res = decide(&second, id, "approve", &[]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let (status, _, number) = status_of(&app, id);
    assert_eq!(status, "registered");
    let number = number.expect("a number on the final approval");
    assert!(
        number.ends_with("000001") && number.contains("110101"),
        "{number}"
    );
    assert_eq!(
        stages(&app, id),
        [pair("approve", "first"), pair("approve", "final")]
    );
    let certificate = clerk
        .get(&format!("/contracts/{id}/certificate"))
        .await
        .body;
    let both = format!(
        "<th>审核人</th><td>{first_name}、{}</td>",
        display_name(&app, "bj_admin2")
    );
    assert!(certificate.contains(&both), "{certificate}");
    let history = clerk.get(&format!("/contracts/{id}")).await.body;
    assert!(history.contains("初审通过") && history.contains("准予登记"));
}

#[actix_web::test]
async fn below_the_threshold_one_approval_registers_and_a_returned_large_contract_is_reviewed_twice_again()
 {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("bj_clerk").await;
    let small = filed_with(&clerk, BEIJING, "小型储能技术咨询", 4_999_999).await;
    let large = filed_with(&clerk, BEIJING, "大型储能技术咨询", 8_000_000).await;
    let (a, b) = (
        app.signed_in("bj_admin").await,
        app.signed_in("bj_admin2").await,
    );
    assert_eq!(decide(&a, small, "approve", &[]).await.status, 303);
    assert_eq!(status_of(&app, small).0, "registered");
    assert_eq!(stages(&app, small), [pair("approve", "final")]);

    // First approval, then the second administrator returns it.
    assert_eq!(decide(&a, large, "approve", &[]).await.status, 303);
    let reason = [("reason", "请补充大额合同的技术方案说明")];
    assert_eq!(decide(&b, large, "return", &reason).await.status, 303);
    assert_eq!(status_of(&app, large).0, "returned");
    assert_eq!(first_approved_by(&app, large), None);

    // Resubmitted, it starts at the first step again: b's approval is now a first one, and a
    // may give the final approval.
    let version = status_of(&app, large).1.to_string();
    let mut fields = fields_with("大型储能技术咨询", 8_000_000, true);
    fields.push(("version".into(), version));
    let res = post_contract(
        &clerk,
        &format!("/contracts/{large}"),
        &fields,
        "submit",
        None,
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(decide(&b, large, "approve", &[]).await.status, 303);
    assert_eq!(status_of(&app, large).0, "submitted");
    assert_eq!(
        first_approved_by(&app, large),
        Some(clerk_id(&app, "bj_admin2"))
    );
    assert_eq!(decide(&a, large, "approve", &[]).await.status, 303);
    assert_eq!(status_of(&app, large).0, "registered");
    assert_eq!(
        stages(&app, large),
        [
            pair("approve", "first"),
            pair("return", "final"),
            pair("approve", "first"),
            pair("approve", "final"),
        ]
    );
    // The certificate names the approvers of the round that registered it.
    let certificate = clerk
        .get(&format!("/contracts/{large}/certificate"))
        .await
        .body;
    let names = format!(
        "<th>审核人</th><td>{}、{}</td>",
        display_name(&app, "bj_admin2"),
        display_name(&app, "bj_admin")
    );
    assert!(certificate.contains(&names), "{certificate}");

    // Refusing stays open at the second step, to the first approver too.
    let third = filed_with(&clerk, BEIJING, "第三份大型储能技术咨询", 6_000_000).await;
    assert_eq!(decide(&a, third, "approve", &[]).await.status, 303);
    let refuse = [("reason", "合同标的不明确"), ("refusal_code", "03")];
    assert_eq!(decide(&a, third, "refuse", &refuse).await.status, 303);
    assert_eq!(status_of(&app, third).0, "refused");
}

/// Posts a rule version as the system administrator.
async fn post_rule(admin: &Client<'_>, fields: &[(&str, &str)]) -> crate::support::Page {
    let token = admin.get("/admin/review-rules").await.csrf();
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    admin
        .post_raw(
            "/admin/review-rules",
            &all,
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await
}

#[actix_web::test]
async fn the_threshold_and_the_deadline_are_versioned_per_authority_by_the_system_administrator() {
    let app = TestApp::demo().await;
    let sysadmin = app.signed_in("admin").await;
    let today = today();
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let (today_s, tomorrow_s) = (day(today), day(today + Duration::days(1)));

    // Mistakes come back with every field's error and what was typed.
    let bad = post_rule(
        &sysadmin,
        &[
            ("authority_code", "110000"),
            ("effective_from", "2027-02-30"),
            ("threshold_wan", "-5"),
            ("deadline", "working_15"),
        ],
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("生效日期") && bad.body.contains("复审标准（万元）"));
    assert!(bad.body.contains("value=\"2027-02-30\"") && bad.body.contains("value=\"-5\""));

    // 北京 from today: 100 万元 and working days; 广东 only from tomorrow.
    let beijing = [
        ("authority_code", "110000"),
        ("effective_from", today_s.as_str()),
        ("threshold_wan", "100"),
        ("deadline", "working_15"),
    ];
    assert_eq!(post_rule(&sysadmin, &beijing).await.status, 303);
    let twice = post_rule(&sysadmin, &beijing).await;
    assert_eq!(twice.status, 422);
    assert!(twice.body.contains("已有自"), "{}", twice.body);
    let guangdong = [
        ("authority_code", "440000"),
        ("effective_from", tomorrow_s.as_str()),
        ("threshold_wan", "100"),
        ("deadline", "working_15"),
    ];
    assert_eq!(post_rule(&sysadmin, &guangdong).await.status, 303);
    let listed = sysadmin.get("/admin/review-rules").await.body;
    assert!(listed.contains("北京市") && listed.contains("广东省") && listed.contains("现行"));
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("review_rule.create"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(audited, 2);

    // A 120 万元 contract in 北京 is large today: 30 working days, and two approvals.
    let bj = app.signed_in("bj_clerk").await;
    let id = filed_with(&bj, BEIJING, "中型储能技术咨询", 1_200_000).await;
    let due: Option<NaiveDate> = contracts::table
        .find(id)
        .select(contracts::review_due_on)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(due, Some(add_working_days(today, 30)));
    assert_eq!(
        decide(&app.signed_in("bj_admin").await, id, "approve", &[])
            .await
            .status,
        303
    );
    assert_eq!(status_of(&app, id).0, "submitted", "a first approval only");

    // In 广东 the new rule is not in force yet: one approval, 30 calendar days.
    let gz = app.signed_in("gz_clerk").await;
    let id = filed_with(&gz, GUANGZHOU, "中型储能技术咨询", 1_200_000).await;
    let due: Option<NaiveDate> = contracts::table
        .find(id)
        .select(contracts::review_due_on)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(due, Some(today + Duration::days(30)));
    assert_eq!(
        decide(&app.signed_in("gd_admin").await, id, "approve", &[])
            .await
            .status,
        303
    );
    assert_eq!(status_of(&app, id).0, "registered");
}

#[actix_web::test]
async fn contracts_past_their_deadline_are_marked_in_the_queue_and_on_the_home_page() {
    let app = TestApp::demo().await;
    let gz = app.signed_in("gz_clerk").await;
    let late = filed_with(&gz, GUANGZHOU, "逾期未审的储能技术咨询", 1_200_000).await;
    let admin = app.signed_in("gd_admin").await;
    let before = admin.get("/").await.body;
    let overdue_before = count_overdue(&before);
    diesel::update(contracts::table.find(late))
        .set(contracts::review_due_on.eq(today() - Duration::days(1)))
        .execute(&mut *app.conn())
        .unwrap();
    let home = admin.get("/").await.body;
    assert_eq!(count_overdue(&home), overdue_before + 1, "{home}");
    let queue = admin.get("/review?q=逾期未审").await.body;
    assert!(queue.contains("已超期"), "{queue}");
    let page = admin.get(&format!("/contracts/{late}")).await.body;
    assert!(page.contains("<dt>办理期限</dt><dd><span class=\"tag tag-bad\">已超期</span>"));
}

/// The number of overdue contracts a province admin's home page names (0 when it names none).
fn count_overdue(home: &str) -> i64 {
    home.split("份已超过办理期限")
        .next()
        .filter(|_| home.contains("份已超过办理期限"))
        .and_then(|head| head.rsplit('>').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}
