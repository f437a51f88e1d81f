//! Regression tests of holes found by probing the application from outside, as a clerk of
//! another office or without an account would: attachment lists of other offices, redirects
//! after sign-in, unbounded bodies before the session is known, account lock-out from
//! elsewhere, text that hides what it says, and unbounded drafts.

use std::time::{Duration, Instant};

use techreg::auth::login::ThrottlePolicy;
use techreg::config::Settings;
use techreg::domain::contract::ContractInput;
use techreg::domain::contract_file;
use techreg::domain::rules;
use techreg::export::{contracts_csv, csv_line};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::contracts::{PDF, id_of, post_contract, valid_fields};
use crate::support::{Client, DEMO_PASSWORD, Page, TestApp};

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some((_, v)) => *v = value.to_owned(),
        None => fields.push((name.to_owned(), value.to_owned())),
    }
}

/// A draft of 广州's office with an attachment whose name must stay within that office.
async fn guangzhou_draft(app: &TestApp) -> (i64, Vec<(String, String)>) {
    let gz = app.signed_in("gz_clerk").await;
    let fields = valid_fields("11", "广州的草稿");
    let saved = post_contract(
        &gz,
        "/contracts",
        &fields,
        "save",
        Some(vec![("contract_text", "机密报价单.pdf", PDF)]),
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    (id_of(&saved), fields)
}

fn version_of(app: &TestApp, id: i64) -> i32 {
    techreg::db::contracts::find(&mut app.conn(), id)
        .expect("query")
        .expect("contract")
        .version
}

// ---------------------------------------------------------------------------------------------
// Item 2: another office's attachment names

/// A post of the contract form: the button, the fields, the files (`None`: a contract text).
type Files<'a> = Option<Vec<(&'a str, &'a str, &'a [u8])>>;
type Case<'a> = (&'a str, Vec<(String, String)>, Files<'a>);

#[actix_web::test]
async fn every_form_path_answers_404_for_another_offices_contract() {
    let app = TestApp::demo().await;
    let (id, fields) = guangzhou_draft(&app).await;
    let path = format!("/contracts/{id}");
    let before = version_of(&app, id);
    let not_a_pdf: &[u8] = b"MZ\x90\x00 not a document";
    let many: Vec<(&str, &str, &[u8])> = (0..11).map(|_| ("evidence", "证明.pdf", PDF)).collect();

    // 深圳 is another authority, 北京 another province: neither may learn anything.
    let mut fields = fields;
    set(&mut fields, "version", &before.to_string());
    for who in ["sz_clerk", "bj_clerk"] {
        let other = app.signed_in(who).await;
        let mut cases: Vec<Case> = [
            "save",
            "submit",
            "lookup:seller",
            "lookup:buyer",
            "lookup:",
            "no-such-action",
        ]
        .iter()
        .map(|a| (*a, fields.clone(), Some(Vec::new())))
        .collect();
        cases.push((
            "save",
            fields.clone(),
            Some(vec![("evidence", "病毒.pdf", not_a_pdf)]),
        ));
        cases.push(("lookup:seller", fields.clone(), Some(many.clone())));
        cases.push((
            "save",
            fields.clone(),
            Some(vec![
                ("contract_text", "a.pdf", PDF),
                ("contract_text", "b.pdf", PDF),
            ]),
        ));
        let mut no_category = fields.clone();
        set(&mut no_category, "category_code", "");
        cases.push(("save", no_category, None));
        let mut stale = fields.clone();
        set(&mut stale, "version", "0");
        cases.push(("save", stale, None));
        let mut hidden = fields.clone();
        set(&mut hidden, "seller_name", "名称\u{202E}");
        cases.push(("save", hidden, None));
        for (action, f, files) in cases {
            let res = post_contract(&other, &path, &f, action, files).await;
            assert_eq!(res.status, 404, "{who} {action}: {}", res.body);
            assert!(!res.body.contains("机密报价单"), "{who} {action} leaks");
            assert!(!res.body.contains("广州的草稿"), "{who} {action} leaks");
        }
        // The url-encoded form and every other route of the contract.
        let plain = other
            .post(
                &path,
                &[("action", "lookup:seller"), ("category_code", "11")],
            )
            .await;
        assert_eq!(plain.status, 404, "{}", plain.body);
        for get in [
            path.clone(),
            format!("{path}/edit"),
            format!("{path}/attachments/1"),
        ] {
            let page = other.get(&get).await;
            assert_eq!(page.status, 404, "{who} GET {get}");
            assert!(!page.body.contains("机密报价单"));
        }
        let submit = other
            .post(&format!("{path}/submit"), &[("version", "1")])
            .await;
        assert_eq!(submit.status, 404, "{who} submit");
    }
    // Another province's administrator does not see it either.
    let bj_admin = app.signed_in("bj_admin").await;
    assert_eq!(bj_admin.get(&path).await.status, 404);
    assert_eq!(version_of(&app, id), before, "nothing was written");

    // The owner still sees its own attachment on the same paths.
    let gz = app.signed_in("gz_clerk").await;
    let own = post_contract(&gz, &path, &fields, "lookup:seller", Some(Vec::new())).await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert!(own.body.contains("机密报价单.pdf"));
}

// ---------------------------------------------------------------------------------------------
// Item 3: redirects after sign-in

async fn sign_in_with_next(app: &TestApp, next: &str) -> Page {
    let c = app.client();
    let token = c.get("/login").await.csrf();
    c.post_raw(
        "/login",
        &[
            ("csrf_token", &token),
            ("username", "ministry"),
            ("password", DEMO_PASSWORD),
            ("next", next),
        ],
        &[("Sec-Fetch-Site", "same-origin")],
    )
    .await
}

#[actix_web::test]
async fn sign_in_goes_only_to_pages_of_the_application() {
    let app = TestApp::demo().await;
    for evil in [
        "/\t/evil.example",
        "/\n/evil",
        "/\r\n/evil",
        "/%09/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        " /audit",
        "/audit\u{0}",
        "/audit\u{202E}",
        "/no-such-page",
        "/contracts/../..//evil.example",
        "/login",
        "",
    ] {
        let res = sign_in_with_next(&app, evil).await;
        assert_eq!(res.status, 303, "{evil:?}: {}", res.body);
        assert_eq!(res.location.as_deref(), Some("/"), "{evil:?}");
    }
    for good in [
        "/audit?action=auth.login",
        "/contracts/12",
        "/contracts?status=submitted",
    ] {
        let res = sign_in_with_next(&app, good).await;
        assert_eq!(res.location.as_deref(), Some(good));
    }
    // The sign-in page does not even carry a hostile target along.
    let page = app.client().get("/login?next=/%09/evil.example").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("name=\"next\""), "{}", page.body);
    let page = app.client().get("/login?next=/%0A/evil").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("evil"));
    // A kept form is only posted back to a form route of the application.
    let c = app.client();
    let token = c.get("/login").await.csrf();
    let res = c
        .post_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("username", "ministry"),
                ("password", DEMO_PASSWORD),
                ("resume_to", "//evil.example/steal"),
                ("keep.x", "1"),
            ],
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location.as_deref(), Some("/"));
}

// ---------------------------------------------------------------------------------------------
// Item 4: bodies without a session

/// Sends raw bytes and returns what the server answered until it closed or went quiet.
async fn raw_exchange(app: &TestApp, request: &[u8]) -> String {
    let addr = app.addr.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.len() > 200 {
                    break;
                }
            }
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[actix_web::test]
async fn posts_without_a_session_are_bounded_before_they_are_read() {
    let app = TestApp::demo().await;
    let host = app.addr.trim_start_matches("http://").to_owned();
    // 30 MB announced, a few bytes sent: refused at once, nothing waited for.
    for path in ["/login", "/admin/offices", "/contracts"] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 31457280\r\n\r\nusername=a&"
        );
        let answer = raw_exchange(&app, head.as_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer}");
    }
    // A chunked body is cut off as soon as it passes the limit.
    let mut chunked = format!(
        "POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for _ in 0..20 {
        chunked.extend_from_slice(format!("{:x}\r\n", 8192).as_bytes());
        chunked.extend(std::iter::repeat_n(b'a', 8192));
        chunked.extend_from_slice(b"\r\n");
    }
    let answer = raw_exchange(&app, &chunked).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // Over HTTP: the page says what happened; a form whose session ended is kept only when
    // small, and only so much of it.
    let c = app.client();
    let big = "测".repeat(30_000); // 90 KB
    let res = c
        .post_raw("/admin/offices", &[("name", big.as_str())], &[])
        .await;
    assert_eq!(res.status, 413);
    assert!(res.body.contains("登录已超时"), "{}", res.body);
    assert!(res.body.len() < 16 << 10, "{} bytes", res.body.len());
    // More parts than any form has are refused by the one form parser, before a page is made.
    let fields = |n: usize| -> Vec<(String, String)> {
        (0..n).map(|i| (format!("f{i}"), "x".into())).collect()
    };
    let too_many = fields(1000);
    let too_many: Vec<(&str, &str)> = too_many
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = c.post_raw("/admin/offices", &too_many, &[]).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("表单内容过多"), "{}", refused.body);
    // Within the parser's bound, the sign-in page keeps at most MAX_KEPT_FIELDS of them.
    let many = fields(techreg::web::form_data::MAX_PARTS);
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let kept = c.post_raw("/admin/offices", &many, &[]).await;
    assert_eq!(kept.status, 401);
    let hidden = kept.body.matches("name=\"keep.").count();
    assert_eq!(
        hidden,
        techreg::web::gate::MAX_KEPT_FIELDS,
        "{hidden} fields kept"
    );

    // Signed in, a form route takes 1 MB, a route with files 40 MB.
    let clerk = app.signed_in("gz_clerk").await;
    let two_mb = "a".repeat(2 << 20);
    let res = clerk
        .post(
            "/account/password",
            &[("current_password", two_mb.as_str())],
        )
        .await;
    assert_eq!(res.status, 413, "{}", res.body);
    assert!(res.body.contains("内容过大"));
    assert_eq!(app.client().get("/healthz").await.status, 200);
}

// ---------------------------------------------------------------------------------------------
// Item 5: lock-out from elsewhere

async fn sign_in_from(app: &TestApp, ip: &str, username: &str, password: &str) -> Page {
    let c = app.client();
    let token = c.get("/login").await.csrf();
    c.post_raw(
        "/login",
        &[
            ("csrf_token", &token),
            ("username", username),
            ("password", password),
        ],
        &[("Sec-Fetch-Site", "same-origin"), ("X-Forwarded-For", ip)],
    )
    .await
}

fn behind_proxy(throttle: ThrottlePolicy) -> Settings {
    Settings {
        trusted_proxies: vec!["127.0.0.1".parse().expect("address")],
        throttle,
        ..Settings::default()
    }
}

#[actix_web::test]
async fn failures_from_one_address_do_not_lock_the_owner_out_elsewhere() {
    let app = TestApp::spawn_with(behind_proxy(ThrottlePolicy::default())).await;
    techreg::demo::seed_accounts_if_empty(&mut app.conn()).expect("seed");
    for _ in 0..5 {
        let res = sign_in_from(&app, "203.0.113.9", "gz_clerk", "wrong-password-1").await;
        assert_eq!(res.status, 401);
    }
    // The attacker's address is refused for this account, even with the right password …
    let attacker = sign_in_from(&app, "203.0.113.9", "gz_clerk", DEMO_PASSWORD).await;
    assert_eq!(attacker.status, 429);
    assert!(attacker.body.contains("登录尝试过于频繁"));
    // … the owner, from anywhere else, signs in at once.
    let owner = sign_in_from(&app, "198.51.100.7", "gz_clerk", DEMO_PASSWORD).await;
    assert_eq!(owner.status, 303, "{}", owner.body);
    // The attacker's address may still sign in to other accounts (below its own limit).
    let other = sign_in_from(&app, "203.0.113.9", "sz_clerk", DEMO_PASSWORD).await;
    assert_eq!(other.status, 303);
}

#[actix_web::test]
async fn failures_from_many_addresses_slow_the_account_down_but_never_lock_it() {
    let delay = Duration::from_millis(600);
    let policy = ThrottlePolicy {
        per_account: 8,
        account_delay: delay,
        ..ThrottlePolicy::default()
    };
    let app = TestApp::spawn_with(behind_proxy(policy)).await;
    techreg::demo::seed_accounts_if_empty(&mut app.conn()).expect("seed");
    let started = Instant::now();
    for i in 0..8 {
        let ip = format!("192.0.2.{}", i % 4 + 1);
        let res = sign_in_from(&app, &ip, "gz_clerk", "wrong-password-1").await;
        assert_eq!(res.status, 401, "attempt {i}");
    }
    let before = started.elapsed();
    assert!(before < delay * 8, "no delay yet: {before:?}");
    // Past the account's limit every attempt waits, the owner's included, but none is refused.
    for ip in ["192.0.2.99", "198.51.100.7"] {
        let t = Instant::now();
        let res = sign_in_from(&app, ip, "gz_clerk", DEMO_PASSWORD).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert!(t.elapsed() >= delay, "waited {:?}", t.elapsed());
    }
    // Another account is not slowed.
    let t = Instant::now();
    assert_eq!(
        sign_in_from(&app, "192.0.2.1", "sz_clerk", DEMO_PASSWORD)
            .await
            .status,
        303
    );
    assert!(t.elapsed() < delay, "{:?}", t.elapsed());
}

// ---------------------------------------------------------------------------------------------
// Item 6: text that lies about itself

fn contract_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use techreg::db::schema::contracts;
    let mut conn = app.conn();
    let c: &mut techreg::db::DbConn = &mut conn;
    contracts::table.count().get_result(c).expect("count")
}

#[actix_web::test]
async fn invisible_format_characters_are_refused_in_every_text_field() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    // Every text field of the form, on save and on submit.
    for field in ContractInput::FIELDS {
        if *field == "category_code" {
            continue;
        }
        for (action, c) in [
            ("save", '\u{202E}'),
            ("submit", '\u{2066}'),
            ("save", '\u{200B}'),
        ] {
            let mut fields = valid_fields("11", "方向控制");
            let value = format!(
                "{}{c}",
                fields
                    .iter()
                    .find(|(k, _)| k == field)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            );
            set(&mut fields, field, &value);
            let res = post_contract(&clerk, "/contracts", &fields, action, None).await;
            assert_eq!(res.status, 422, "{field} {action}: {}", res.body);
            let code = format!("U+{:04X}", c as u32);
            assert!(
                res.body.contains("不可见的格式控制字符") && res.body.contains(&code),
                "{field} {action}: {}",
                res.body
            );
        }
        // Control characters too (a line break in one-line text is a control here).
        let mut fields = valid_fields("11", "控制字符");
        set(&mut fields, field, "1\u{7}2");
        let res = post_contract(&clerk, "/contracts", &fields, "save", None).await;
        assert_eq!(res.status, 422, "{field} control: {}", res.body);
        assert!(res.body.contains("控制字符"));
    }
    assert_eq!(contract_count(&app), 0, "nothing was stored");

    // The contracts import: a `row N, column` line, nothing written.
    let mut row = valid_fields("11", "导入\u{2067}项目");
    row.push(("status".into(), "submitted".into()));
    row.push(("office_code".into(), "440101".into()));
    let mut csv = contracts_csv::header_line();
    let values: Vec<String> = contract_file::columns()
        .map(|c| {
            row.iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect();
    csv_line::push_record(&mut csv, values.iter().map(String::as_str));
    let res = crate::batch::upload(&clerk, "a.csv", csv.into_bytes()).await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(
        crate::batch::page_lists(
            &res.body,
            "row 2, project_name: 项目名称不能包含不可见的格式控制字符（U+2067"
        ),
        "{}",
        res.body
    );
    assert_eq!(contract_count(&app), 0);
}

#[actix_web::test]
async fn attachment_names_are_cleaned_and_carry_their_real_type() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let fields = valid_fields("11", "附件名称");
    let saved = post_contract(
        &clerk,
        "/contracts",
        &fields,
        "save",
        Some(vec![
            ("contract_text", "C:\\扫描\\invoice\u{202E}fdp.exe", PDF),
            ("evidence", "授权书\u{200B}", PDF),
        ]),
    )
    .await;
    assert_eq!(saved.status, 303, "renamed, not refused: {}", saved.body);
    let id = id_of(&saved);
    let page = clerk.get(&format!("/contracts/{id}")).await;
    assert!(page.body.contains(">invoicefdp.pdf</a>"), "{}", page.body);
    assert!(page.body.contains(">授权书.pdf</a>"));
    assert!(!page.body.contains('\u{202E}') && !page.body.contains('\u{200B}'));
    let (name, _) = techreg::db::attachments::list_for(&mut app.conn(), id)
        .expect("list")
        .into_iter()
        .map(|a| (a.filename.clone(), a))
        .find(|(n, _)| n.starts_with("invoice"))
        .expect("stored");
    assert_eq!(name, "invoicefdp.pdf");
    let link_start = page.body.find("/attachments/").expect("link");
    let href_start = page.body[..link_start].rfind('"').expect("href") + 1;
    let href: String = page.body[href_start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let res = clerk.http.get(app.url(&href)).send().await.expect("GET");
    assert_eq!(res.status(), 200);
    let h = |n: &str| {
        res.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(h("content-type"), "application/pdf");
    assert_eq!(
        h("content-disposition"),
        "attachment; filename*=UTF-8''invoicefdp.pdf"
    );
}

#[actix_web::test]
async fn reasons_and_names_elsewhere_refuse_invisible_characters_too() {
    let app = TestApp::demo().await;
    let admin = app.signed_in("gd_admin").await;
    let res = admin
        .post_from(
            "/admin/offices/new",
            "/admin/offices",
            &[
                ("code", "440199"),
                ("name", "番禺\u{202E}登记点"),
                ("authority_code", "440000"),
            ],
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(res.body.contains("U+202E"), "{}", res.body);

    let clerk = app.signed_in("gz_clerk").await;
    let fields = valid_fields("11", "退回理由");
    let filed = post_contract(&clerk, "/contracts", &fields, "submit", None).await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let id = id_of(&filed);
    let version = version_of(&app, id).to_string();
    let res = admin
        .post(
            &format!("/review/{id}/return"),
            &[
                ("version", version.as_str()),
                ("reason", "请补正\u{2067}附件"),
            ],
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(res.body.contains("U+2067"), "{}", res.body);
    assert_eq!(version_of(&app, id).to_string(), version, "not decided");
}

// ---------------------------------------------------------------------------------------------
// Item 7: length limits on drafts and the form's own limits

#[actix_web::test]
async fn drafts_are_held_to_the_field_limits() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let mut fields = valid_fields("11", "超长草稿");
    set(
        &mut fields,
        "non_technical_note",
        &"注".repeat(5 << 20 >> 2),
    );
    set(&mut fields, "project_name", &"名".repeat(100_000));
    set(&mut fields, "signed_on", &"1".repeat(1000));
    set(&mut fields, "ip_code", &"9".repeat(41));
    let res = post_contract(&clerk, "/contracts", &fields, "save", None).await;
    assert_eq!(res.status, 422);
    assert!(
        res.body
            .contains("项目名称不能超过 200 个字（现为 100000 个字）")
    );
    assert!(res.body.contains("非技术性费用说明不能超过 1000 个字"));
    assert!(res.body.contains("签订日期不能超过 40 个字"));
    assert!(res.body.contains("知识产权类别不能超过 40 个字"));
    assert_eq!(contract_count(&app), 0, "nothing was stored");

    // Files: one contract text and ten evidence files a request.
    let fields = valid_fields("11", "附件数量");
    let eleven: Vec<(&str, &str, &[u8])> = std::iter::once(("contract_text", "合同.pdf", PDF))
        .chain((0..11).map(|_| ("evidence", "证明.pdf", PDF)))
        .collect();
    let res = post_contract(&clerk, "/contracts", &fields, "save", Some(eleven)).await;
    assert_eq!(res.status, 422);
    assert!(
        res.body
            .contains("每次最多上传 10 个证明材料（本次 11 个）"),
        "{}",
        res.body
    );
    let two = vec![
        ("contract_text", "a.pdf", PDF),
        ("contract_text", "b.pdf", PDF),
    ];
    let res = post_contract(&clerk, "/contracts", &fields, "save", Some(two)).await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("每次只能上传一个合同文本（本次 2 个）"));
    assert_eq!(contract_count(&app), 0);
    let ten: Vec<(&str, &str, &[u8])> = std::iter::once(("contract_text", "合同.pdf", PDF))
        .chain((0..10).map(|_| ("evidence", "证明.pdf", PDF)))
        .collect();
    let res = post_contract(&clerk, "/contracts", &fields, "save", Some(ten)).await;
    assert_eq!(res.status, 303, "{}", res.body);

    // A foreign postcode fits the form as it fits the rules.
    let mut foreign = valid_fields("11", "英国买方");
    for (k, v) in [
        ("buyer_country_code", "303"),
        ("buyer_admin_code", ""),
        ("buyer_uscc", ""),
        ("buyer_nature_code", "800"),
        ("buyer_zipcode", "SW1A 1AA"),
        ("buyer_address", "10 Downing Street, London"),
    ] {
        set(&mut foreign, k, v);
    }
    let res = post_contract(&clerk, "/contracts", &foreign, "save", None).await;
    assert_eq!(res.status, 303, "{}", res.body);
}

/// Every input of the form carries the limit the rules apply to its field.
#[actix_web::test]
async fn the_forms_maxlength_is_the_rules_limit() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    for category in ["11", "21", "42"] {
        let form = clerk
            .get(&format!("/contracts/new?category={category}"))
            .await;
        let mut checked = 0;
        for field in ContractInput::FIELDS {
            let Some(at) = form.body.find(&format!("name=\"{field}\"")) else {
                continue;
            };
            let tag_end = form.body[at..].find('>').expect("tag end") + at;
            let tag = &form.body[at..tag_end];
            if let Some(m) = tag.find("maxlength=\"") {
                let n: String = tag[m + 11..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                assert_eq!(
                    n.parse::<usize>().ok(),
                    Some(rules::max_chars(field)),
                    "{field}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 25, "{category}: {checked} inputs with a limit");
    }
    let form = clerk.get("/contracts/new?category=11").await;
    assert!(
        form.body
            .contains("name=\"seller_zipcode\" value=\"\" maxlength=\"20\"")
    );
    assert!(
        form.body
            .contains("name=\"seller_uscc_override\" rows=\"3\" maxlength=\"1000\"")
    );
}

// ---------------------------------------------------------------------------------------------
// Also: spreadsheets, cookies and caching

#[test]
fn workbooks_the_application_writes_hold_text_never_formulas() {
    use std::io::Read;
    let width = contract_file::columns().count();
    let mut row = vec![String::new(); width];
    row[4] = "=HYPERLINK(\"http://evil.example\",\"点我\")".into();
    row[5] = "+1+1".into();
    row[6] = "@SUM(A1)".into();
    let bytes = techreg::export::workbook::template(&[row]).expect("template");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut checked = 0;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).expect("part");
        let name = part.name().expect("name").into_owned();
        if !name.starts_with("xl/worksheets/") {
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml).expect("xml");
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "{name}");
        checked += 1;
    }
    assert!(checked > 1);
}

#[actix_web::test]
async fn health_checks_set_no_cookie_and_error_pages_are_not_cached() {
    let app = TestApp::demo().await;
    let c = app.client();
    for path in ["/healthz", "/readyz", "/static/app.css"] {
        let res = c.get(path).await;
        assert_eq!(res.status, 200, "{path}");
        assert!(
            res.set_cookies().is_empty(),
            "{path}: {:?}",
            res.set_cookies()
        );
    }
    let login = c.get("/login").await;
    assert!(
        login
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("techreg_csrf=")),
        "the sign-in page still gets its token cookie"
    );
    let clerk = app.signed_in("gz_clerk").await;
    for (client, path) in [
        (&c, "/no-such-page"),
        (&clerk, "/no-such-page"),
        (&clerk, "/contracts/999999"),
        (&clerk, "/admin/users"),
    ] {
        let res: Page = Client::get(client, path).await;
        assert!(res.status >= 400, "{path}: {}", res.status);
        assert_eq!(
            res.headers
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{path}"
        );
    }
    let wrong_method = Page::read(c.http.put(app.url("/healthz")).send().await.expect("PUT")).await;
    assert!(wrong_method.status >= 400);
    assert_eq!(
        wrong_method
            .headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
}

/// A file of countless broken rows is answered with its first problems, not all of them.
#[actix_web::test]
async fn a_file_of_broken_rows_is_answered_with_its_first_thousand_problems() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let mut csv = contracts_csv::header_line();
    let width = contract_file::columns().count();
    for _ in 0..20_000 {
        let mut values = vec![String::new(); width];
        values[1] = "submitted".into();
        values[2] = "440101".into();
        csv_line::push_record(&mut csv, values.iter().map(String::as_str));
    }
    let res = crate::batch::upload(&clerk, "broken.csv", csv.into_bytes()).await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("错误超过 1000 处（只列出前 1000 处）"));
    assert!(
        res.body.contains("错误（1001 条，须更正后重新导入）"),
        "{}",
        &res.body[..2000]
    );
    // The first problems in row order are the ones listed.
    assert!(crate::batch::page_lists(
        &res.body,
        "row 2, project_name: 项目名称不能为空"
    ));
    assert!(!res.body.contains("<td class=\"num\">20001</td>"));
    let link_start = res.body.find("/imports/reports/").expect("a download link");
    let link: String = res.body[link_start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let report = clerk.get(&link).await;
    assert_eq!(report.status, 200);
    let lines: Vec<&str> = report.body.lines().collect();
    assert!(lines.len() <= 1_002, "{}", lines.len());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("file: 问题超过 1000 处"))
    );
    assert_eq!(lines.iter().filter(|l| l.starts_with("row ")).count(), 1000);
    assert_eq!(contract_count(&app), 0);
}

/// A contract form with a file, posted after its session ended: the text comes back on the
/// sign-in page (interchange §5: up to 64 KB of text; files must be chosen again).
#[actix_web::test]
async fn an_expired_form_with_files_keeps_its_text_but_not_its_files() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let token = clerk.get("/account/password").await.csrf();
    crate::support::exec(
        &app,
        &format!(
            "UPDATE sessions SET last_seen_at = '{}'",
            crate::support::minutes_ago(45)
        ),
    );
    let mut scan = PDF.to_vec();
    scan.resize(3 << 20, b'x');
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("action", "save")
        .text("category_code", "11")
        .text("project_name", "会话过期时填写的项目")
        .part(
            "contract_text",
            reqwest::multipart::Part::bytes(scan).file_name("扫描件.pdf"),
        );
    let res = Page::read(
        clerk
            .http
            .post(app.url("/contracts"))
            .multipart(form)
            .header("Sec-Fetch-Site", "same-origin")
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(res.status, 401, "{}", &res.body[..res.body.len().min(2000)]);
    assert!(res.body.contains("登录已超时"));
    assert!(res.body.contains("value=\"会话过期时填写的项目\""));
    assert!(!res.body.contains("扫描件") && res.body.len() < 64 << 10);
    assert_eq!(contract_count(&app), 0);

    // Text beyond 64 KB is refused, not kept in part.
    let big = reqwest::multipart::Form::new()
        .text("project_name", "测".repeat(30_000))
        .part(
            "contract_text",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("a.pdf"),
        );
    let res = Page::read(
        app.client()
            .http
            .post(app.url("/contracts"))
            .multipart(big)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(res.status, 413);
}
