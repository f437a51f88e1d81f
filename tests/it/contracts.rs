//! Contract filing through the web forms: every category, the clerk's rules, drafts, versions,
//! scope, attachments and the party directory.

use reqwest::multipart::{Form, Part};

use crate::fixtures::buyer_uscc;
use crate::support::{Client, Page, TestApp, exec};

pub use crate::fixtures::valid_fields;

pub const PDF: &[u8] = b"%PDF-1.4\n% test contract text\n";

/// Posts the contract form as the browser does (multipart, with a contract text unless `files` is given).
pub async fn post_contract(
    c: &Client<'_>,
    path: &str,
    fields: &[(String, String)],
    action: &str,
    files: Option<Vec<(&str, &str, &[u8])>>,
) -> Page {
    let token = c.get("/account/password").await.csrf();
    let mut form = Form::new()
        .text("csrf_token", token)
        .text("action", action.to_owned());
    for (k, v) in fields {
        form = form.text(k.clone(), v.clone());
    }
    if !fields.iter().any(|(k, _)| k == "checklist_confirmed") {
        form = form.text("checklist_confirmed", "1");
    }
    let files = files.unwrap_or_else(|| vec![("contract_text", "合同.pdf", PDF)]);
    for (field, name, bytes) in files {
        form = form.part(
            field.to_owned(),
            Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
        );
    }
    let res = c
        .http
        .post(c.app.url(path))
        .multipart(form)
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("POST");
    Page::read(res).await
}

pub fn id_of(page: &Page) -> i64 {
    let loc = page
        .location
        .as_deref()
        .unwrap_or_else(|| panic!("no redirect: {} {}", page.status, page.body));
    loc.trim_start_matches("/contracts/")
        .parse()
        .unwrap_or_else(|_| panic!("{loc}"))
}

#[actix_web::test]
async fn a_clerk_files_one_contract_of_every_category() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let leaves: Vec<&str> = techreg::catalog::category::leaves()
        .map(|l| l.code)
        .collect();
    assert_eq!(leaves.len(), 16);
    for code in leaves {
        let form = clerk.get(&format!("/contracts/new?category={code}")).await;
        assert_eq!(form.status, 200);
        assert_eq!(
            form.body.contains("name=\"expected_investment_yuan\""),
            code.starts_with('2'),
            "{code}: transfer-only fields"
        );
        assert_eq!(
            form.body.contains("name=\"third_party_name\""),
            code == "42",
            "{code}: intermediary-only field"
        );
        let res = post_contract(
            &clerk,
            "/contracts",
            &valid_fields(code, &format!("测试项目 {code}")),
            "submit",
            None,
        )
        .await;
        assert_eq!(res.status, 303, "{code}: {}", res.body);
        let id = id_of(&res);
        let page = clerk.get(&format!("/contracts/{id}")).await;
        assert!(page.body.contains("待审核"), "{code}");
        assert!(page.body.contains("合同.pdf"));
    }
    let list = clerk.get("/contracts?status=submitted").await;
    for code in ["11", "20", "29", "30", "42", "43"] {
        assert!(
            list.body.contains(&format!("测试项目 {code}")),
            "{code} is listed"
        );
    }
}

#[actix_web::test]
async fn every_error_is_shown_at_once_and_what_was_typed_is_kept() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let mut fields = valid_fields("21", "<b>专利</b>转让");
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "signed_on" => *v = "2026-13-45".into(),
            "seller_uscc" => *v = "91440106MA59ABCD0".into(),
            "total_amount_yuan" => *v = "12,5OO".into(),
            "ip_code" => *v = "99".into(),
            "buyer_admin_code" => *v = "1101".into(),
            "expected_output_yuan" => *v = String::new(),
            _ => {}
        }
    }
    fields.push(("checklist_confirmed".into(), String::new()));
    fields.retain(|(k, v)| !(k == "checklist_confirmed" && v.is_empty()));
    let res = post_contract(&clerk, "/contracts", &fields, "submit", Some(Vec::new())).await;
    // Without the checklist box and without a contract text, too.
    assert_eq!(res.status, 422, "{}", res.body);
    for field in [
        "signed_on",
        "seller_uscc",
        "total_amount_yuan",
        "ip_code",
        "buyer_admin_code",
        "expected_output_yuan",
        "attachments",
    ] {
        assert!(
            res.body.contains(&format!("href=\"#f-{field}\"")),
            "an error for {field} in the summary: {}",
            res.body
        );
    }
    assert!(
        res.body.contains("value=\"2026-13-45\""),
        "typed values are kept"
    );
    assert!(res.body.contains("value=\"12,5OO\""));
    assert!(
        res.body.contains("&#60;b&#62;专利&#60;/b&#62;转让"),
        "and escaped"
    );
    assert!(!res.body.contains("<b>专利</b>"));
    use diesel::prelude::*;
    let n: i64 = techreg::db::schema::contracts::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(n, 0, "nothing is written when the form has errors");
}

#[actix_web::test]
async fn drafts_keep_anything_and_submit_later() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let mut fields = valid_fields("11", "半成品草稿");
    fields.retain(|(k, _)| k != "buyer_name");
    fields
        .iter_mut()
        .filter(|(k, _)| k == "total_amount_yuan")
        .for_each(|(_, v)| *v = "一百万".into());
    let res = post_contract(&clerk, "/contracts", &fields, "save", Some(Vec::new())).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let id = id_of(&res);
    let page = clerk.get(&format!("/contracts/{id}")).await;
    assert!(page.body.contains("草稿"));
    assert!(
        page.body.contains("提交前还需处理"),
        "the draft lists what is missing"
    );
    let edit = clerk.get(&format!("/contracts/{id}/edit")).await;
    assert!(
        edit.body.contains("value=\"一百万\""),
        "a draft keeps exactly what was typed"
    );

    // Submitting it as it stands shows the form with its problems.
    let token = page.csrf();
    let submit = clerk
        .post_raw(
            &format!("/contracts/{id}/submit"),
            &[("csrf_token", &token), ("version", "1")],
            &[],
        )
        .await;
    assert_eq!(submit.status, 422);
    assert!(submit.body.contains("f-buyer_name"));

    // Completing it (with the version it was read at) submits it.
    let mut complete = valid_fields("11", "半成品草稿");
    complete.push(("version".into(), "1".into()));
    let res = post_contract(
        &clerk,
        &format!("/contracts/{id}"),
        &complete,
        "submit",
        None,
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = clerk.get(&format!("/contracts/{id}")).await;
    assert!(page.body.contains("待审核"));
    assert!(
        !page.body.contains(">编辑<"),
        "a submitted contract is read-only for the clerk"
    );
    let again = post_contract(&clerk, &format!("/contracts/{id}"), &complete, "save", None).await;
    assert_eq!(again.status, 403);
    let edit = clerk.get(&format!("/contracts/{id}/edit")).await;
    assert_eq!(edit.status, 303, "no edit form for a submitted contract");
}

#[actix_web::test]
async fn errors_are_listed_in_form_order_once_and_a_draft_lists_all_that_submitting_needs() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    // A wrong check character and an empty buyer: the summary names each field once, in the
    // order of the form, each linking to its field.
    let mut fields = valid_fields("11", "错误汇总");
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "seller_uscc" => *v = "91440106MA59ABCD1X".into(),
            "buyer_name" => v.clear(),
            _ => {}
        }
    }
    let res = post_contract(&clerk, "/contracts", &fields, "submit", None).await;
    assert_eq!(res.status, 422, "{}", res.body);
    let summary = &res.body[res.body.find("error-summary").expect("a summary")..];
    let summary = &summary[..summary.find("</ul>").expect("its list")];
    let (uscc, buyer) = (
        summary
            .find("href=\"#f-seller_uscc\"")
            .expect("the USCC linked"),
        summary
            .find("href=\"#f-buyer_name\"")
            .expect("the buyer linked"),
    );
    assert!(
        uscc < buyer,
        "seller before buyer, as on the form: {summary}"
    );
    assert!(
        !summary.contains("卖方统一社会信用代码：卖方统一社会信用代码"),
        "{summary}"
    );
    assert_eq!(
        summary.matches("卖方统一社会信用代码").count(),
        1,
        "{summary}"
    );

    // A draft without its contract text or the checklist: its page lists both, so nothing it
    // does not show stops the submission.
    let mut draft = valid_fields("11", "缺附件的草稿");
    draft.push(("checklist_confirmed".into(), String::new()));
    let res = post_contract(&clerk, "/contracts", &draft, "save", Some(Vec::new())).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let id = id_of(&res);
    let page = clerk.get(&format!("/contracts/{id}")).await.body;
    assert!(page.contains("提交前还需处理 2 处"), "{page}");
    assert!(page.contains("附件：请上传合同文本"));
    assert!(page.contains("认定要点核对：请逐项核对认定要点后勾选确认"));
    assert!(page.contains(&format!("href=\"/contracts/{id}/edit#f-attachments\"")));
    let refused = clerk
        .post(&format!("/contracts/{id}/submit"), &[("version", "1")])
        .await;
    assert_eq!(
        refused.status, 422,
        "the listed problems stop the submission"
    );
    assert!(refused.body.contains("共 2 处需要更正"), "{}", refused.body);
}

#[actix_web::test]
async fn two_tabs_cannot_overwrite_each_other() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let res = post_contract(
        &clerk,
        "/contracts",
        &valid_fields("30", "咨询报告"),
        "save",
        None,
    )
    .await;
    let id = id_of(&res);
    let mut tab1 = valid_fields("30", "咨询报告（第一个窗口）");
    tab1.push(("version".into(), "1".into()));
    let mut tab2 = valid_fields("30", "咨询报告（第二个窗口）");
    tab2.push(("version".into(), "1".into()));
    assert_eq!(
        post_contract(
            &clerk,
            &format!("/contracts/{id}"),
            &tab1,
            "save",
            Some(Vec::new())
        )
        .await
        .status,
        303
    );
    let conflict = post_contract(
        &clerk,
        &format!("/contracts/{id}"),
        &tab2,
        "save",
        Some(Vec::new()),
    )
    .await;
    assert_eq!(conflict.status, 409);
    assert!(conflict.body.contains("已被修改"));
    assert!(
        conflict.body.contains("咨询报告（第二个窗口）"),
        "the second tab's values come back"
    );
    assert!(
        conflict.body.contains("项目名称"),
        "and what changed is named"
    );
    let page = clerk.get(&format!("/contracts/{id}")).await;
    assert!(page.body.contains("咨询报告（第一个窗口）"));
}

#[actix_web::test]
async fn the_same_contract_cannot_be_filed_twice() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    assert_eq!(
        post_contract(
            &clerk,
            "/contracts",
            &valid_fields("41", "设备调试服务"),
            "submit",
            None
        )
        .await
        .status,
        303
    );
    // Same parties, date and name, differing only in spacing and full-width forms.
    let dup = post_contract(
        &clerk,
        "/contracts",
        &valid_fields("41", "设备调试服务　"),
        "submit",
        None,
    )
    .await;
    assert_eq!(dup.status, 422);
    assert!(dup.body.contains("重复登记"), "{}", dup.body);
}

#[actix_web::test]
async fn contracts_are_seen_only_within_scope() {
    let app = TestApp::demo().await;
    let gz = app.signed_in("gz_clerk").await;
    let id = id_of(
        &post_contract(
            &gz,
            "/contracts",
            &valid_fields("12", "合作开发项目"),
            "submit",
            None,
        )
        .await,
    );
    let path = format!("/contracts/{id}");
    assert_eq!(app.signed_in("gd_admin").await.get(&path).await.status, 200);
    assert_eq!(app.signed_in("ministry").await.get(&path).await.status, 200);
    assert_eq!(
        app.signed_in("sz_clerk").await.get(&path).await.status,
        404,
        "another office"
    );
    assert_eq!(
        app.signed_in("sz_admin").await.get(&path).await.status,
        404,
        "another authority"
    );
    assert_eq!(app.signed_in("bj_admin").await.get(&path).await.status, 404);
    assert_eq!(
        app.signed_in("admin").await.get(&path).await.status,
        403,
        "no contract data for system administrators"
    );
    let other = app.signed_in("sz_clerk").await;
    let list = other.get("/contracts").await;
    assert!(!list.body.contains("合作开发项目"));
    let res = post_contract(&other, &path, &valid_fields("12", "篡改"), "save", None).await;
    assert_eq!(res.status, 404);
    assert_eq!(
        other.get(&format!("{path}/attachments/1")).await.status,
        404
    );
}

#[actix_web::test]
async fn attachments_are_checked_by_content_and_downloadable_in_scope() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let fake = post_contract(
        &clerk,
        "/contracts",
        &valid_fields("43", "培训"),
        "submit",
        Some(vec![("contract_text", "合同.pdf", b"MZ not a pdf")]),
    )
    .await;
    assert_eq!(fake.status, 422);
    assert!(fake.body.contains("不是 PDF、JPEG 或 PNG 文件"));
    let png: &[u8] = b"\x89PNG\r\n\x1a\n0000";
    let res = post_contract(
        &clerk,
        "/contracts",
        &valid_fields("43", "培训"),
        "submit",
        Some(vec![
            ("contract_text", "scan.pdf", PDF),
            ("evidence", "授权书.png", png),
        ]),
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let id = id_of(&res);
    let rows = techreg::db::attachments::list_for(&mut app.conn(), id).unwrap();
    assert_eq!(rows.len(), 2);
    let admin = app.signed_in("gd_admin").await;
    let file = admin
        .http
        .get(app.url(&format!("/contracts/{id}/attachments/{}", rows[1].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/png");
    assert_eq!(file.bytes().await.unwrap().as_ref(), png);
}

#[actix_web::test]
async fn the_contract_page_names_the_office_and_reads_without_prefixes_or_empty_reasons() {
    use sha2::{Digest, Sha256};
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let res = post_contract(
        &clerk,
        "/contracts",
        &valid_fields("43", "培训页面"),
        "submit",
        Some(vec![("contract_text", "scan.pdf", PDF)]),
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let id = id_of(&res);
    let admin = app.signed_in("gd_admin").await;
    let page = admin.get(&format!("/contracts/{id}")).await.body;
    assert!(
        page.contains("<dt>登记机构</dt><dd>广州市技术合同登记处（440101）</dd>"),
        "the office by name"
    );
    // Inside a party's card the labels drop 卖方 / 买方, and an empty override reason is left
    // out.
    assert!(page.contains("<dt>名称</dt>") && page.contains("<dt>统一社会信用代码</dt>"));
    assert!(!page.contains("<dt>卖方名称</dt>") && !page.contains("<dt>买方名称</dt>"));
    assert!(!page.contains("校验例外原因"), "no empty exception reason");
    // The attachment with its real size and a short hash (the full one on hover).
    let hash: String = Sha256::digest(PDF)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let size = techreg::domain::attachment::human_size(PDF.len() as i64);
    assert_eq!(size, format!("{} 字节", PDF.len()));
    assert!(page.contains(&size), "{size}");
    assert!(
        page.contains(&format!("title=\"{hash}\">{}…</abbr>", &hash[..12])),
        "short hash"
    );
}

#[actix_web::test]
async fn the_party_directory_remembers_parties_without_changing_filed_contracts() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let first = id_of(
        &post_contract(
            &clerk,
            "/contracts",
            &valid_fields("11", "第一份"),
            "submit",
            None,
        )
        .await,
    );
    let mut moved = valid_fields("11", "第二份");
    moved
        .iter_mut()
        .filter(|(k, _)| k == "buyer_address")
        .for_each(|(_, v)| *v = "北京市海淀区新地址 99 号".into());
    assert_eq!(
        post_contract(&clerk, "/contracts", &moved, "submit", None)
            .await
            .status,
        303
    );
    let key = format!("uscc:{}", buyer_uscc());
    let party = techreg::db::parties::find_by_key(&mut app.conn(), &key)
        .unwrap()
        .unwrap();
    assert_eq!(party.address, "北京市海淀区新地址 99 号");
    assert_eq!(party.updated_by, "gz_clerk");
    let page = clerk.get(&format!("/contracts/{first}")).await;
    assert!(
        page.body.contains("中关村大街 1 号"),
        "the first contract keeps its own copy"
    );
    let audit = techreg::db::audit::list(
        &mut app.conn(),
        &techreg::domain::role::Scope::Nation,
        &Default::default(),
        50,
    )
    .unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.action == "party.update" && r.summary.contains("新地址"))
    );
}

/// Files three contracts for the list tests: 甲项目 (技术开发, 100000 元), 乙项目 (技术咨询,
/// `middle` 元) and 丙项目 (技术服务, 2500000 元), each amount its technical amount too.
async fn submit_three(clerk: &Client<'_>, middle: &str) {
    for (code, name, total) in [
        ("11", "甲项目", "100000"),
        ("30", "乙项目", middle),
        ("41", "丙项目", "2500000"),
    ] {
        let mut f = valid_fields(code, name);
        for (k, v) in f.iter_mut() {
            if k == "total_amount_yuan" || k == "technical_amount_yuan" {
                *v = total.into();
            }
        }
        let filed = post_contract(clerk, "/contracts", &f, "submit", None).await;
        assert_eq!(filed.status, 303, "{name}: {}", filed.body);
    }
}

#[actix_web::test]
async fn the_list_filters_sorts_and_pages() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    submit_three(&clerk, "5000000").await;
    let by_amount = clerk.get("/contracts?sort=amount").await.body;
    let (a, b, c) = (
        by_amount.find("乙项目").unwrap(),
        by_amount.find("丙项目").unwrap(),
        by_amount.find("甲项目").unwrap(),
    );
    assert!(a < b && b < c, "largest first");
    let consulting = clerk.get("/contracts?category=3").await.body;
    assert!(consulting.contains("乙项目") && !consulting.contains("甲项目"));
    let big = clerk.get("/contracts?min=2000000").await.body;
    assert!(big.contains("乙项目") && big.contains("丙项目") && !big.contains("甲项目"));
    let text = clerk.get("/contracts?q=%E4%B8%99").await.body; // 丙
    assert!(text.contains("丙项目") && !text.contains("乙项目"));
    let party = clerk
        .get("/contracts?q=%E6%9C%AA%E6%9D%A5%E8%83%BD%E6%BA%90")
        .await
        .body; // 未来能源 (buyer)
    assert!(party.contains("甲项目") && party.contains("乙项目"));
    let bad = clerk.get("/contracts?from=yesterday").await;
    assert_eq!(bad.status, 200);
    assert!(bad.body.contains("日期格式应为"));

    // Pages of 50 by keyset: 60 more drafts straight into the database.
    for i in 0..60 {
        exec(
            &app,
            &format!(
                "INSERT INTO contracts (office_code, authority_code, status, version, project_name, project_name_norm, category_code, created_at, updated_at) \
                 VALUES ('440101', '440000', 'draft', 1, '批量{i:02}', '批量{i:02}', '11', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            ),
        );
    }
    let first = clerk.get("/contracts").await.body;
    assert!(first.contains("批量59") && !first.contains("批量09"));
    let start = first.find("href=\"/contracts?").unwrap() + 6;
    let next = first[start..start + first[start..].find('"').unwrap()].replace("&#38;", "&");
    let second = clerk.get(&next).await.body;
    assert!(
        second.contains("批量09") && second.contains("甲项目") && !second.contains("批量59"),
        "{next}"
    );
}

/// The bytes of a download.
async fn download(c: &Client<'_>, path: &str) -> (u16, Option<String>, Vec<u8>) {
    let res = c.http.get(c.app.url(path)).send().await.expect("GET");
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, kind, res.bytes().await.expect("body").to_vec())
}

#[actix_web::test]
async fn the_list_counts_sums_and_downloads_what_the_filters_select() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    submit_three(&clerk, "5000000.50").await;
    // Another office's contract, which the clerk must not see counted or downloaded.
    let other = app.signed_in("sz_clerk").await;
    let mut f = valid_fields("11", "深圳项目");
    for (k, v) in f.iter_mut() {
        if k == "seller_admin_code" {
            *v = "440304".into(); // 深圳市福田区: a seller in the office's area
        }
    }
    let filed = post_contract(&other, "/contracts", &f, "submit", None).await;
    assert_eq!(filed.status, 303, "{}", filed.body);

    // 100000 + 5000000.50 + 2500000 元 = 760.000005 万元, shown as 760.00.
    let all = clerk.get("/contracts").await.body;
    assert!(
        all.contains("共 <strong>3</strong> 份，合同成交额合计 <strong>760.00</strong> 万元"),
        "{all}"
    );
    let big = clerk.get("/contracts?min=2000000").await.body;
    assert!(
        big.contains("共 <strong>2</strong> 份，合同成交额合计 <strong>750.00</strong> 万元"),
        "{big}"
    );
    assert!(big.contains("href=\"/contracts/export.csv?min=2000000&#38;sort=newest\""));

    // The CSV: the interchange header, then the filtered rows in the list's order.
    let (status, kind, bytes) =
        download(&clerk, "/contracts/export.csv?min=2000000&sort=amount").await;
    assert_eq!(status, 200);
    assert_eq!(kind.as_deref(), Some("text/csv; charset=utf-8"));
    let csv = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        format!("{}\n", lines[0]),
        techreg::export::contracts_csv::header_line()
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].contains(",submitted,440101,,乙项目,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",5000000.50,"), "{}", lines[1]);
    assert!(lines[2].contains(",丙项目,"), "{}", lines[2]);
    let whole = String::from_utf8(download(&clerk, "/contracts/export.csv").await.2).unwrap();
    assert_eq!(whole.lines().count(), 4);
    assert!(
        !whole.contains("深圳项目"),
        "another office's contract: {whole}"
    );
    // 深圳 is a 计划单列市, its own authority: 广东's administrator does not get its contracts,
    // 深圳's gets only them.
    let admin = app.signed_in("gd_admin").await;
    let province = String::from_utf8(download(&admin, "/contracts/export.csv").await.2).unwrap();
    assert_eq!(province.lines().count(), 4, "{province}");
    assert!(!province.contains("深圳项目"));
    let sz = app.signed_in("sz_admin").await;
    let city = String::from_utf8(download(&sz, "/contracts/export.csv").await.2).unwrap();
    assert_eq!(city.lines().count(), 2, "{city}");
    assert!(city.contains("深圳项目"));

    // The workbook: zh headers, text cells, the same rows.
    let (status, kind, bytes) = download(&clerk, "/contracts/export.xlsx?category=3").await;
    assert_eq!(status, 200);
    assert!(kind.unwrap().contains("spreadsheetml"));
    let sheet =
        String::from_utf8(techreg::input::xlsx::first_sheet_as_csv(&bytes).unwrap()).unwrap();
    let rows: Vec<&str> = sheet.lines().collect();
    assert_eq!(rows.len(), 2, "{sheet}");
    assert!(
        rows[0].starts_with("合同登记编号,状态,登记机构代码,登记日期,项目名称,"),
        "{}",
        rows[0]
    );
    assert!(rows[1].contains(",440101,,乙项目,"), "{}", rows[1]);

    // A filter that cannot be read is refused, not ignored into a download of everything.
    let (status, _, body) = download(&clerk, "/contracts/export.csv?from=yesterday").await;
    assert_eq!(status, 400);
    assert!(String::from_utf8(body).unwrap().contains("日期格式应为"));

    // Every download is in the audit log, with its filters.
    let entries = techreg::db::audit::list(
        &mut app.conn(),
        &techreg::domain::role::Scope::Nation,
        &techreg::db::audit::AuditFilter {
            action: Some("contract.export".into()),
            ..Default::default()
        },
        50,
    )
    .unwrap();
    assert_eq!(
        entries.len(),
        5,
        "the refused download is not one: {entries:?}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e.actor == "gz_clerk" && e.summary == "min=2000000 sort=amount"),
        "{entries:?}"
    );

    // Past the bound a page says "more than" and offers the full count, which is exact.
    exec(
        &app,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5001) \
         INSERT INTO contracts (office_code, authority_code, status, version, project_name, project_name_norm, category_code, total_fen, created_at, updated_at) \
         SELECT '440101', '440000', 'draft', 1, '批量草稿', '批量草稿', '11', 100, '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n",
    );
    let many = clerk.get("/contracts").await.body;
    assert!(many.contains("超过 <strong>5,000</strong> 份"), "{many}");
    assert!(
        many.contains("href=\"/contracts?sort=newest&#38;totals=all\""),
        "the full-count link: {many}"
    );
    let every = clerk.get("/contracts?sort=newest&totals=all").await.body;
    // 5,004 contracts: the three, and 5,001 drafts of 1 元 each (5,001 元 = 0.50 万元).
    assert!(
        every.contains("共 <strong>5,004</strong> 份，合同成交额合计 <strong>760.50</strong> 万元"),
        "{every}"
    );
}

#[actix_web::test]
async fn known_parties_are_offered_from_the_directory() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    assert_eq!(
        post_contract(
            &clerk,
            "/contracts",
            &valid_fields("11", "名录来源"),
            "submit",
            None
        )
        .await
        .status,
        303
    );
    let buyer = buyer_uscc();

    // The JSON lookup used by the form's script.
    let found = clerk.get(&format!("/parties/lookup?q={buyer}")).await;
    assert_eq!(found.status, 200);
    assert!(
        found.body.contains("北京未来能源研究院") && found.body.contains("中关村大街"),
        "{}",
        found.body
    );
    let by_name = clerk
        .get("/parties/lookup?q=%E6%9C%AA%E6%9D%A5%E8%83%BD%E6%BA%90")
        .await; // 未来能源
    assert!(by_name.body.contains(&buyer));

    // The form's own lookup button (no script needed) fills the buyer block and saves nothing.
    let typed = vec![
        ("category_code".to_owned(), "30".to_owned()),
        ("project_name".to_owned(), "新合同".to_owned()),
        ("buyer_uscc".to_owned(), buyer.to_lowercase()),
    ];
    let filled = post_contract(
        &clerk,
        "/contracts",
        &typed,
        "lookup:buyer",
        Some(Vec::new()),
    )
    .await;
    assert_eq!(filled.status, 200, "{}", filled.body);
    assert!(filled.body.contains("已从当事人名录填入买方信息"));
    assert!(filled.body.contains("value=\"北京未来能源研究院\""));
    assert!(filled.body.contains("value=\"王五\""));
    assert!(
        filled.body.contains("value=\"新合同\""),
        "what was typed stays"
    );
    use diesel::prelude::*;
    let n: i64 = techreg::db::schema::contracts::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(n, 1, "a lookup saves nothing");

    // Quick code entry: a code prefix or a few characters of the name.
    let regions = clerk.get("/codes/regions?q=%E6%B5%B7%E6%B7%80").await; // 海淀
    assert!(regions.body.contains("110108"));
    assert_eq!(clerk.get("/codes/colours?q=x").await.status, 404);
}

#[actix_web::test]
async fn natural_persons_are_found_only_by_their_full_id_within_the_province() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let id = "44010619800101001X";
    let id = format!(
        "{}{}",
        &id[..17],
        techreg::domain::id_card::check_char(&id[..17]).unwrap()
    );
    let mut f = valid_fields("30", "个人咨询");
    for (k, v) in f.iter_mut() {
        match k.as_str() {
            "seller_name" => *v = "陈个人".into(),
            "seller_uscc" => *v = id.clone(),
            "seller_nature_code" => *v = "600".into(),
            "seller_representative" => v.clear(),
            _ => {}
        }
    }
    let res = post_contract(&clerk, "/contracts", &f, "submit", None).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(
        !clerk
            .get("/parties/lookup?q=%E9%99%88%E4%B8%AA%E4%BA%BA")
            .await
            .body
            .contains(&id),
        "not by name"
    );
    assert!(
        clerk
            .get(&format!("/parties/lookup?q={id}"))
            .await
            .body
            .contains("陈个人")
    );
    let elsewhere = app.signed_in("sz_clerk").await; // 深圳 is another province-level authority
    assert!(
        !elsewhere
            .get(&format!("/parties/lookup?q={id}"))
            .await
            .body
            .contains("陈个人")
    );
}

#[actix_web::test]
async fn national_staff_see_a_natural_persons_id_masked() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let body = "44010619800101001";
    let id = format!(
        "{body}{}",
        techreg::domain::id_card::check_char(body).unwrap()
    );
    let mut f = valid_fields("41", "个人技术服务");
    for (k, v) in f.iter_mut() {
        match k.as_str() {
            "seller_name" => *v = "林个人".into(),
            "seller_uscc" => *v = id.clone(),
            "seller_nature_code" => *v = "600".into(),
            _ => {}
        }
    }
    let res = post_contract(&clerk, "/contracts", &f, "submit", None).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let path = res.location.unwrap();
    assert!(clerk.get(&path).await.body.contains(&id));
    assert!(
        app.signed_in("gd_admin")
            .await
            .get(&path)
            .await
            .body
            .contains(&id)
    );
    let national = app.signed_in("ministry").await.get(&path).await.body;
    assert!(!national.contains(&id));
    assert!(national.contains(&format!("{}**********{}", &id[..4], &id[14..])));
}

#[actix_web::test]
async fn the_demo_seeds_a_few_thousand_valid_contracts_once() {
    let app = TestApp::spawn().await;
    assert!(
        techreg::demo::seed_if_empty(&mut app.conn())
            .expect("the generated demo contracts pass every rule")
    );
    assert!(
        !techreg::demo::seed_if_empty(&mut app.conn()).unwrap(),
        "a second run changes nothing"
    );
    use diesel::prelude::*;
    use techreg::db::schema::contracts;
    let total: i64 = contracts::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(total as usize, 2 * techreg::demo::CONTRACTS_PER_YEAR);
    let waiting: i64 = contracts::table
        .filter(contracts::status.eq("submitted"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert!(waiting > 100, "{waiting} contracts wait for review");
    let clerk = app.signed_in("gz_clerk").await;
    let list = clerk.get("/contracts?status=registered").await;
    assert!(
        list.body.matches("/contracts/").count() > 40,
        "a full first page"
    );
}

#[actix_web::test]
async fn a_filing_while_sqlite_is_locked_by_a_long_write_answers_503_and_writes_nothing() {
    let app = TestApp::demo().await;
    if app.is_postgres() {
        return; // PostgreSQL has no database-wide write lock: writers only wait for row locks
    }
    let clerk = app.signed_in("gz_clerk").await;
    // Another connection holds the write lock, as a large import does, past the busy timeout.
    let mut holder = app.conn();
    {
        use diesel::connection::SimpleConnection;
        let c: &mut techreg::db::DbConn = &mut holder;
        c.batch_execute("BEGIN IMMEDIATE").unwrap();
    }
    let res = post_contract(
        &clerk,
        "/contracts",
        &valid_fields("11", "锁定期间的草稿"),
        "save",
        None,
    )
    .await;
    assert_eq!(res.status, 503, "{}", res.body);
    assert!(res.body.contains("系统正在写入大批数据"), "{}", res.body);
    assert_eq!(
        res.headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("30")
    );
    {
        use diesel::connection::SimpleConnection;
        let c: &mut techreg::db::DbConn = &mut holder;
        c.batch_execute("ROLLBACK").unwrap();
    }
    drop(holder);
    assert!(
        !clerk
            .get("/contracts")
            .await
            .body
            .contains("锁定期间的草稿")
    );
}
