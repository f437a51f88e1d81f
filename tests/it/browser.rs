//! End to end in headless Chromium: each demo role signs in through the form and sees its own
//! navigation. Screenshots go to target/screenshots/ for a person to look at.

use std::path::PathBuf;

use chrono::Datelike;

use crate::support::{DEMO_PASSWORD, TestApp};
use crate::webdriver::{self, DEFAULT_WAIT};

fn shots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Screenshots a page at a laptop's and a tablet's width (1366 and 820 px) as `NAME-1366.png`
/// and `NAME-820.png`: the page at `url` once `ready` shows, or, without a url, the page as it
/// is (a form just answered with errors). The window goes back to 1280 px.
async fn at_both_widths(
    browser: &webdriver::Browser,
    url: Option<&str>,
    ready: &str,
    name: &str,
) -> anyhow::Result<()> {
    for (width, height) in [(1366, 900), (820, 1180)] {
        browser.set_window_size(width, height).await?;
        if let Some(url) = url {
            browser.goto(url).await?;
        }
        browser.wait_for(ready, DEFAULT_WAIT).await?;
        browser
            .screenshot(shots().join(format!("{name}-{width}.png")))
            .await?;
    }
    browser.set_window_size(1280, 900).await?;
    Ok(())
}

/// Opens `url`, which answers an error page (`message` in its main part) inside the signed-in
/// frame (the navigation kept), and screenshots it at both widths as `name`.
async fn in_the_frame(
    browser: &webdriver::Browser,
    url: &str,
    message: &str,
    name: &str,
) -> anyhow::Result<()> {
    browser.goto(url).await?;
    let frame = browser
        .wait_for(".mainnav", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(frame.contains("首页"), "{frame}");
    let page = browser.find("main").await?.text().await?;
    assert!(page.contains(message), "{page}");
    at_both_widths(browser, None, ".mainnav", name).await
}

#[actix_web::test]
async fn each_role_signs_in_and_sees_its_own_navigation() -> anyhow::Result<()> {
    let Some(browser) = webdriver::start_browser().await else {
        return Ok(());
    };
    let app = TestApp::demo().await;
    let dir = shots();

    browser.goto(&app.url("/login")).await?;
    browser.screenshot(dir.join("login.png")).await?;
    browser.fill("#username", "bj_clerk").await?;
    browser.fill("#password", "wrong-password-1").await?;
    browser.click_and_wait("button[type=submit]").await?;
    let error = browser
        .wait_for(".notice-error", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(error.contains("用户名或密码错误"), "{error}");
    assert_eq!(
        browser
            .find("#username")
            .await?
            .property("value")
            .await?
            .as_str(),
        Some("bj_clerk")
    );

    let cases: &[(&str, &str, &[&str], &[&str])] = &[
        (
            "bj_clerk",
            "王登记",
            &["首页"],
            &["登记机构", "审计日志", "账号管理", "合同审核"],
        ),
        (
            "gd_admin",
            "广东省科技厅管理员",
            &["首页", "合同审核", "登记机构", "登记员账号", "审计日志"],
            &["账号管理"],
        ),
        (
            "ministry",
            "科技部统计处",
            &["首页", "审计日志"],
            &["登记机构", "账号管理", "合同审核"],
        ),
        (
            "admin",
            "系统管理员",
            &["首页", "登记机构", "账号管理"],
            &["审计日志"],
        ),
    ];
    for (username, name, visible, hidden) in cases {
        browser.goto(&app.url("/login")).await?;
        browser.fill("#username", username).await?;
        browser.fill("#password", DEMO_PASSWORD).await?;
        browser.click_and_wait("button[type=submit]").await?;
        let nav = browser
            .wait_for(".mainnav", DEFAULT_WAIT)
            .await?
            .text()
            .await?;
        for label in *visible {
            assert!(
                nav.contains(label),
                "{username} should see {label} in {nav}"
            );
        }
        for label in *hidden {
            assert!(
                !nav.contains(label),
                "{username} should not see {label} in {nav}"
            );
        }
        let user = browser.find(".userbox").await?.text().await?;
        assert!(user.contains(name), "{user}");
        browser
            .screenshot(dir.join(format!("home-{username}.png")))
            .await?;
        // The home page at a laptop's and a tablet's width; a missing page keeps the frame.
        for (width, height) in [(1366, 900), (820, 1100)] {
            browser.set_window_size(width, height).await?;
            browser.goto(&app.url("/")).await?;
            browser.wait_for(".cards", DEFAULT_WAIT).await?;
            browser
                .screenshot(dir.join(format!("home-{username}-{width}.png")))
                .await?;
        }
        let not_found = format!("not-found-{username}");
        in_the_frame(
            &browser,
            &app.url("/no/such/page"),
            "页面不存在",
            &not_found,
        )
        .await?;
        browser.set_window_size(1280, 900).await?;
        if *username == "gd_admin" {
            browser.goto(&app.url("/admin/users")).await?;
            browser
                .screenshot(dir.join("admin-users-gd_admin.png"))
                .await?;
            // The audit log: zh action names, each object linked where it has a page.
            for (width, height) in [(1366, 900), (820, 1180)] {
                browser.set_window_size(width, height).await?;
                browser.goto(&app.url("/audit")).await?;
                let log = browser
                    .wait_for("table", DEFAULT_WAIT)
                    .await?
                    .text()
                    .await?;
                assert!(log.contains("登录"), "{log}");
                browser
                    .screenshot(dir.join(format!("audit-gd_admin-{width}.png")))
                    .await?;
            }
            browser.set_window_size(1280, 900).await?;
        }
        if *username == "bj_clerk" {
            // A page the role may not open: refused inside the signed-in frame.
            in_the_frame(
                &browser,
                &app.url("/audit"),
                "无权访问",
                "forbidden-bj_clerk",
            )
            .await?;
        }
        browser
            .click_and_wait(".userbox button[type=submit]")
            .await?;
        browser.wait_for("#username", DEFAULT_WAIT).await?;
        assert!(browser.current_url().await?.ends_with("/login"));
    }
    browser.set_window_size(820, 1100).await?;
    browser.goto(&app.url("/login")).await?;
    browser.fill("#username", "admin").await?;
    browser.fill("#password", DEMO_PASSWORD).await?;
    browser.click_and_wait("button[type=submit]").await?;
    browser.goto(&app.url("/admin/users/new")).await?;
    browser.screenshot(dir.join("tablet-user-new.png")).await?;
    browser.quit().await?;
    Ok(())
}

/// Sets the form's fields the way a clerk's typing would leave them (one script per form keeps
/// the test quick; the field with the error is typed key by key).
async fn set_fields(
    browser: &webdriver::Browser,
    fields: &[(String, String)],
) -> anyhow::Result<()> {
    let pairs: Vec<serde_json::Value> = fields
        .iter()
        .map(|(k, v)| serde_json::json!([k, v]))
        .collect();
    browser
        .execute(
            "for (const [name, value] of arguments[0]) { \
               const el = document.querySelector('[name=\"' + name + '\"]'); \
               if (el && el.type !== 'hidden') { el.value = value; } }",
            &[serde_json::Value::Array(pairs)],
        )
        .await?;
    Ok(())
}

#[actix_web::test]
async fn a_clerk_files_every_category_in_the_browser() -> anyhow::Result<()> {
    let Some(browser) = webdriver::start_browser().await else {
        return Ok(());
    };
    let app = TestApp::demo().await;
    let dir = shots();
    let pdf = dir.join("contract-text.pdf");
    std::fs::write(&pdf, crate::contracts::PDF)?;

    sign_in(&browser, &app, "gz_clerk").await?;

    // A field error comes back next to its field, with everything typed kept.
    browser.goto(&app.url("/contracts/new?category=21")).await?;
    browser.screenshot(dir.join("contract-form-21.png")).await?;
    let mut fields = crate::contracts::valid_fields("21", "专利权转让：一种电池隔膜");
    fields.retain(|(k, _)| k != "signed_on");
    set_fields(&browser, &fields).await?;
    browser.fill("#signed_on", "2026-02-30").await?;
    browser
        .find("#contract_text")
        .await?
        .send_keys(pdf.to_str().unwrap_or_default())
        .await?;
    browser
        .find("input[name=checklist_confirmed]")
        .await?
        .click()
        .await?;
    browser.click_and_wait("button[value=submit]").await?;
    let error = browser
        .wait_for("#f-signed_on .field-error", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(error.contains("签订日期"), "{error}");
    assert_eq!(
        browser
            .find("#signed_on")
            .await?
            .property("value")
            .await?
            .as_str(),
        Some("2026-02-30")
    );
    assert_eq!(
        browser
            .find("#project_name")
            .await?
            .property("value")
            .await?
            .as_str(),
        Some("专利权转让：一种电池隔膜")
    );
    assert_eq!(
        browser
            .find("#seller_uscc")
            .await?
            .property("value")
            .await?
            .as_str(),
        Some(crate::fixtures::seller_uscc().as_str())
    );
    at_both_widths(&browser, None, ".error-summary", "contract-form-error").await?;

    for code in techreg::catalog::category::leaves().map(|l| l.code) {
        let status =
            file_in_browser(&browser, &app, code, &format!("浏览器登记 {code}"), &pdf).await?;
        assert!(status.contains("待审核"), "{code}: {status}");
    }
    browser.goto(&app.url("/contracts")).await?;
    let list = browser.find("table").await?.text().await?;
    assert!(list.contains("浏览器登记 43") && list.contains("浏览器登记 11"));
    browser.screenshot(dir.join("contract-list.png")).await?;
    browser.quit().await?;
    Ok(())
}

/// Fills the form of `category` with a valid filing, attaches the contract text, confirms the
/// checklist and submits; returns the contract page's status line.
async fn file_in_browser(
    browser: &webdriver::Browser,
    app: &TestApp,
    category: &str,
    project: &str,
    pdf: &std::path::Path,
) -> anyhow::Result<String> {
    let fields = crate::contracts::valid_fields(category, project);
    file_fields_in_browser(browser, app, category, &fields, pdf).await
}

/// Fills the form of `category` with `fields`, attaches the contract text, confirms the
/// checklist and submits; returns the contract page's status line.
async fn file_fields_in_browser(
    browser: &webdriver::Browser,
    app: &TestApp,
    category: &str,
    fields: &[(String, String)],
    pdf: &std::path::Path,
) -> anyhow::Result<String> {
    browser
        .goto(&app.url(&format!("/contracts/new?category={category}")))
        .await?;
    set_fields(browser, fields).await?;
    browser
        .find("#contract_text")
        .await?
        .send_keys(pdf.to_str().unwrap_or_default())
        .await?;
    browser
        .find("input[name=checklist_confirmed]")
        .await?
        .click()
        .await?;
    browser.click_and_wait("button[value=submit]").await?;
    browser
        .wait_for(".status-line", DEFAULT_WAIT)
        .await?
        .text()
        .await
}

async fn sign_in(
    browser: &webdriver::Browser,
    app: &TestApp,
    username: &str,
) -> anyhow::Result<()> {
    browser.goto(&app.url("/login")).await?;
    browser.fill("#username", username).await?;
    browser.fill("#password", DEMO_PASSWORD).await?;
    browser.click_and_wait("button[type=submit]").await?;
    browser.wait_for(".mainnav", DEFAULT_WAIT).await?;
    Ok(())
}

async fn sign_out(browser: &webdriver::Browser) -> anyhow::Result<()> {
    browser
        .click_and_wait(".userbox button[type=submit]")
        .await?;
    browser.wait_for("#username", DEFAULT_WAIT).await?;
    Ok(())
}

#[actix_web::test]
async fn a_contract_is_returned_corrected_and_registered_in_the_browser() -> anyhow::Result<()> {
    let Some(browser) = webdriver::start_browser().await else {
        return Ok(());
    };
    let app = TestApp::demo().await;
    let dir = shots();
    let pdf = dir.join("contract-text-review.pdf");
    std::fs::write(&pdf, crate::contracts::PDF)?;

    // The clerk files a consulting contract.
    sign_in(&browser, &app, "gz_clerk").await?;
    let status = file_in_browser(&browser, &app, "30", "区域储能产业技术咨询", &pdf).await?;
    assert!(status.contains("待审核"), "{status}");
    let contract_url = browser.current_url().await?;
    sign_out(&browser).await?;

    // The province administrator finds it in the queue and returns it with a reason.
    sign_in(&browser, &app, "gd_admin").await?;
    let home = browser.find("main").await?.text().await?;
    assert!(
        home.contains("合同审核") && home.contains("份合同等待审核"),
        "{home}"
    );
    browser.goto(&app.url("/review")).await?;
    let queue = browser.find("table").await?.text().await?;
    assert!(queue.contains("区域储能产业技术咨询"), "{queue}");
    at_both_widths(&browser, None, "table", "review-queue").await?;
    browser.click_and_wait("table a").await?;
    browser.wait_for(".review-panel", DEFAULT_WAIT).await?;
    at_both_widths(&browser, None, ".review-panel", "review-decision").await?;
    // Without the browser's own check, an empty reason comes back from the server next to its
    // field, in the form that was used.
    browser
        .execute(
            "document.getElementById('return-reason').removeAttribute('required'); \
             document.getElementById('review').scrollIntoView();",
            &[],
        )
        .await?;
    browser
        .click_and_wait("form[action$='/return'] button[type=submit]")
        .await?;
    let error = browser
        .wait_for("form[action$='/return'] .field-error", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(error.contains("请填写退回理由"), "{error}");
    browser
        .execute("document.getElementById('review').scrollIntoView();", &[])
        .await?;
    browser
        .screenshot(dir.join("review-decision-error.png"))
        .await?;
    browser
        .fill(
            "#return-reason",
            "咨询报告的交付期限与合同正文不一致，请核对后补正",
        )
        .await?;
    browser
        .click_and_wait("form[action$='/return'] button[type=submit]")
        .await?;
    let notice = browser
        .wait_for(".notice-ok", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(notice.contains("退回"), "{notice}");
    sign_out(&browser).await?;

    // The clerk sees why, corrects the project name and submits again.
    sign_in(&browser, &app, "gz_clerk").await?;
    let home = browser.find("main").await?.text().await?;
    assert!(home.contains("退回补正"), "{home}");
    browser.goto(&contract_url).await?;
    let reason = browser
        .wait_for(".notice-warn", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(reason.contains("交付期限与合同正文不一致"), "{reason}");
    browser
        .screenshot(dir.join("review-returned-clerk.png"))
        .await?;
    browser.click_and_wait("a[href$='/edit']").await?;
    browser.wait_for("#project_name", DEFAULT_WAIT).await?;
    browser.find("#project_name").await?.clear().await?;
    browser
        .fill("#project_name", "区域储能产业技术咨询（补正）")
        .await?;
    browser.click_and_wait("button[value=submit]").await?;
    let status = browser
        .wait_for(".status-line", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(status.contains("待审核"), "{status}");
    sign_out(&browser).await?;

    // Approved, it carries its registration number.
    sign_in(&browser, &app, "gd_admin").await?;
    browser.goto(&contract_url).await?;
    browser
        .click_and_wait("form[action$='/approve'] button[type=submit]")
        .await?;
    let status = browser
        .wait_for(".status-line", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(status.contains("已登记"), "{status}");
    assert!(status.contains("4401 01 000001"), "{status}");
    let history = browser.page_source().await?;
    assert!(history.contains("退回补正") && history.contains("准予登记"));
    at_both_widths(&browser, None, ".status-line", "review-registered").await?;

    // At a laptop's and a tablet's width, no value on the contract page or in the list is cut
    // off, and status pills stay on one line.
    let clipped = "return [...document.querySelectorAll('.facts dd, .table td')]\
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);";
    let wrapped_pills = "return [...document.querySelectorAll('.tag')]\
        .filter(e => e.getClientRects().length > 1).map(e => e.textContent);";
    for (width, height) in [(1366, 900), (820, 1180)] {
        browser.set_window_size(width, height).await?;
        browser.goto(&contract_url).await?;
        browser.wait_for(".status-line", DEFAULT_WAIT).await?;
        assert_eq!(
            browser.execute(clipped, &[]).await?,
            serde_json::json!([]),
            "{width}px"
        );
        assert_eq!(
            browser.execute(wrapped_pills, &[]).await?,
            serde_json::json!([])
        );
        browser
            .screenshot(dir.join(format!("contract-page-{width}.png")))
            .await?;
        browser
            .execute(
                "document.querySelectorAll('.cards .card')[1].scrollIntoView();",
                &[],
            )
            .await?;
        browser
            .screenshot(dir.join(format!("contract-parties-{width}.png")))
            .await?;
        browser.goto(&app.url("/contracts")).await?;
        browser.wait_for("table", DEFAULT_WAIT).await?;
        assert_eq!(
            browser.execute(wrapped_pills, &[]).await?,
            serde_json::json!([]),
            "{width}px"
        );
        let summary = browser.find(".list-summary").await?.text().await?;
        assert!(
            summary.starts_with("共 ") && summary.contains("万元") && summary.contains("CSV"),
            "{summary}"
        );
        browser
            .screenshot(dir.join(format!("contract-list-{width}.png")))
            .await?;
    }
    // The certificate of the registered contract, as the parties get it printed.
    let certificate = format!("{contract_url}/certificate");
    at_both_widths(&browser, Some(&certificate), ".certificate", "certificate").await?;
    let text = browser.find(".certificate").await?.text().await?;
    assert!(
        text.contains("4401 01 000001") && text.contains("人民币壹佰贰拾万元整"),
        "{text}"
    );
    browser.quit().await?;
    Ok(())
}

#[actix_web::test]
async fn the_ministry_closes_and_reopens_a_year_in_the_browser() -> anyhow::Result<()> {
    let Some(browser) = webdriver::start_browser().await else {
        return Ok(());
    };
    let app = TestApp::demo().await;
    {
        let mut conn = app.conn();
        let file = crate::batch::csv(&crate::report::rows());
        techreg::batch::import_file(
            &mut conn,
            &techreg::audit::Actor::cli(),
            &techreg::batch::Importer::Operator,
            "seed.csv",
            file.as_bytes(),
            techreg::db::now(),
        )
        .expect("import");
    }
    let dir = shots();
    sign_in(&browser, &app, "ministry").await?;
    browser.click_and_wait("a[href='/stats/close']").await?;
    let years = browser.find("main").await?.text().await?;
    assert!(years.contains("2016 年"), "{years}");
    browser.screenshot(dir.join("stats-years.png")).await?;

    // The running year warns before it is closed.
    let this_year = techreg::domain::dates::today_cst(chrono::Utc::now()).year();
    browser
        .goto(&app.url(&format!("/stats/{this_year}/close")))
        .await?;
    let warning = browser
        .wait_for(".notice-warn", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(
        warning.contains(&format!("{this_year} 年尚未结束")),
        "{warning}"
    );
    browser
        .screenshot(dir.join("stats-close-unfinished.png"))
        .await?;

    // 2016 is over: no warning; closing freezes it.
    browser.goto(&app.url("/stats/2016/close")).await?;
    assert!(browser.try_find(".notice-warn").await?.is_none());
    browser.click_and_wait("main form .actions button").await?;
    let closed = browser.find("main").await?.text().await?;
    assert!(
        closed.contains("已关闭") && closed.contains("冻结合同 3 项"),
        "{closed}"
    );
    browser.screenshot(dir.join("stats-closed.png")).await?;

    // Reopening without a reason keeps the year closed and says why; with one it reopens.
    browser
        .execute(
            "document.getElementById('reason').removeAttribute('required')",
            &[],
        )
        .await?;
    browser.click_and_wait("main form .actions button").await?;
    let error = browser
        .wait_for(".field-error", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(error.contains("理由"), "{error}");
    browser
        .fill("#reason", "发现两项合同登记日期有误，需更正")
        .await?;
    browser.click_and_wait("main form .actions button").await?;
    let reopened = browser.find("main").await?.text().await?;
    assert!(
        reopened.contains("未关闭") && reopened.contains("发现两项合同登记日期有误"),
        "{reopened}"
    );
    browser.screenshot(dir.join("stats-reopened.png")).await?;
    browser.quit().await?;
    Ok(())
}

#[actix_web::test]
async fn an_imports_problems_are_listed_by_row_and_column_in_the_browser() -> anyhow::Result<()> {
    use crate::batch::{Row, csv};
    let Some(browser) = webdriver::start_browser().await else {
        return Ok(());
    };
    let app = TestApp::demo().await;
    let dir = shots();
    let file = dir.join("import-problems.csv");
    std::fs::write(
        &file,
        csv(&[
            Row::submitted("11", "别处的合同").set("office_code", "440301"),
            Row::submitted("11", "代码有误").set("seller_uscc", "91440106MA59ABCD1X"),
            Row::submitted("11", "小额合同").amount("900"),
        ]),
    )?;
    sign_in(&browser, &app, "gz_clerk").await?;
    for (width, height) in [(1366, 900), (820, 1180)] {
        browser.set_window_size(width, height).await?;
        browser.goto(&app.url("/imports/contracts")).await?;
        browser
            .find("#file")
            .await?
            .send_keys(file.to_str().unwrap_or_default())
            .await?;
        browser
            .click_and_wait("form[action='/imports/contracts'] button[type=submit]")
            .await?;
        let table = browser
            .wait_for("table.problems", DEFAULT_WAIT)
            .await?
            .text()
            .await?;
        assert!(
            table.contains("登记机构代码") && table.contains("office_code"),
            "{table}"
        );
        assert!(
            table.contains("登记员只能导入本登记机构（440101）的合同"),
            "{table}"
        );
        assert!(table.contains("卖方统一社会信用代码"), "{table}");
        let headings = browser.find("#outcome").await?.text().await?;
        assert!(
            headings.contains("错误（2 条") && headings.contains("警告（2 条"),
            "{headings}"
        );
        browser
            .execute("document.getElementById('outcome').scrollIntoView();", &[])
            .await?;
        browser
            .screenshot(dir.join(format!("import-problems-{width}.png")))
            .await?;
    }
    browser.quit().await?;
    Ok(())
}

/// A large contract walks the whole register: filed, 初审 by one administrator, 复审 by another,
/// its certificate, a change applied, and the certificate re-issued as 已变更.
#[actix_web::test]
async fn a_large_contract_is_approved_twice_then_amended_in_the_browser() -> anyhow::Result<()> {
    let Some(browser) = webdriver::start_browser().await else {
        return Ok(());
    };
    let app = TestApp::demo().await;
    let dir = shots();
    let pdf = dir.join("contract-text-large.pdf");
    std::fs::write(&pdf, crate::contracts::PDF)?;
    let project = "大型储能电站系统集成技术咨询";

    sign_in(&browser, &app, "bj_clerk").await?;
    let fields = crate::second_review::fields_with(project, 6_000_000, true);
    let status = file_fields_in_browser(&browser, &app, "30", &fields, &pdf).await?;
    assert!(status.contains("待审核"), "{status}");
    let contract_url = browser.current_url().await?;
    sign_out(&browser).await?;

    // 初审.
    sign_in(&browser, &app, "bj_admin").await?;
    browser.goto(&contract_url).await?;
    let panel = browser
        .wait_for(".review-panel", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(
        panel.contains("初审通过") && panel.contains("复审标准"),
        "{panel}"
    );
    browser
        .click_and_wait("form[action$='/approve'] button[type=submit]")
        .await?;
    browser.goto(&app.url("/review?step=second")).await?;
    let queue = browser.find("table").await?.text().await?;
    assert!(queue.contains(project) && queue.contains("复审"), "{queue}");
    at_both_widths(&browser, None, "table", "review-two-step").await?;
    sign_out(&browser).await?;

    // 复审 by the second administrator registers it.
    sign_in(&browser, &app, "bj_admin2").await?;
    browser.goto(&contract_url).await?;
    browser.wait_for(".review-panel", DEFAULT_WAIT).await?;
    browser
        .click_and_wait("form[action$='/approve'] button[type=submit]")
        .await?;
    browser.goto(&contract_url).await?;
    let status = browser
        .wait_for(".status-line", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(status.contains("已登记"), "{status}");
    sign_out(&browser).await?;

    // The clerk prints the certificate, then applies for a change.
    sign_in(&browser, &app, "bj_clerk").await?;
    let certificate_url = format!("{contract_url}/certificate");
    browser.goto(&certificate_url).await?;
    let cert = browser
        .wait_for(".certificate", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(
        cert.contains("有效") && cert.contains("、"),
        "two approvers: {cert}"
    );
    browser
        .goto(&format!("{contract_url}/amendments/new?kind=change"))
        .await?;
    browser
        .fill("#amendment_reason", "双方签订补充协议，变更买方地址")
        .await?;
    browser
        .fill("#buyer_address", "广州市天河区科韵路 18 号")
        .await?;
    browser
        .click_and_wait(".form-actions button[type=submit]")
        .await?;
    let application = browser.wait_for("main", DEFAULT_WAIT).await?.text().await?;
    assert!(
        application.contains("待审核") && application.contains("科韵路 18 号"),
        "{application}"
    );
    let application_url = browser.current_url().await?;
    sign_out(&browser).await?;

    sign_in(&browser, &app, "bj_admin").await?;
    browser.goto(&application_url).await?;
    browser.wait_for(".review-panel", DEFAULT_WAIT).await?;
    browser
        .click_and_wait("form[action$='/approve'] button[type=submit]")
        .await?;
    let decided = browser
        .wait_for(".status-line", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(decided.contains("已批准"), "{decided}");
    at_both_widths(&browser, None, "main", "amendment-approved").await?;
    browser.goto(&contract_url).await?;
    let history = browser
        .wait_for("#amendments-title", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    assert!(history.contains("变更与注销记录"));
    browser
        .screenshot(dir.join("contract-amendment-history.png"))
        .await?;
    browser.goto(&certificate_url).await?;
    let cert = browser
        .wait_for(".certificate", DEFAULT_WAIT)
        .await?
        .text()
        .await?;
    // The certificate names regions, not addresses: the change shows in its status line.
    assert!(cert.contains("已变更"), "{cert}");
    browser
        .screenshot(dir.join("certificate-amended.png"))
        .await?;
    browser.quit().await?;
    Ok(())
}
