//! Account and office administration through the web pages.

use crate::auth::clerk_id;
use crate::support::{DEMO_PASSWORD, TestApp};

#[actix_web::test]
async fn the_system_administrator_creates_offices_and_accounts_of_every_role() {
    let app = TestApp::demo().await;
    let admin = app.signed_in("admin").await;

    let res = admin
        .post(
            "/admin/offices",
            &[
                ("code", "510101"),
                ("name", "成都市技术合同登记处"),
                ("authority_code", "510000"),
            ],
        )
        .await;
    assert_eq!(
        (res.status, res.location.as_deref()),
        (303, Some("/admin/offices"))
    );
    let list = admin.get("/admin/offices").await;
    assert!(list.body.contains("成都市技术合同登记处"));
    assert!(
        list.body.contains("登记机构已创建"),
        "one-time notice after the redirect"
    );
    assert!(
        !admin
            .get("/admin/offices")
            .await
            .body
            .contains("登记机构已创建"),
        "the notice shows once"
    );

    for (username, role, office, authority) in [
        ("cd_clerk", "clerk", "510101", ""),
        ("sc_admin", "province_admin", "", "510000"),
        ("stats2", "ministry", "", ""),
        ("ops2", "sysadmin", "", ""),
    ] {
        let res = admin
            .post(
                "/admin/users",
                &[
                    ("username", username),
                    ("display_name", "测试"),
                    ("role", role),
                    ("office_code", office),
                    ("authority_code", authority),
                    ("password", "Start#Pass-2026"),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "{username}: {}", res.body);
        let account = techreg::db::users::find_by_username(&mut app.conn(), username)
            .unwrap()
            .unwrap();
        assert_eq!(account.role.as_str(), role);
        assert!(account.must_change_password);
    }
    let sc = techreg::db::users::find_by_username(&mut app.conn(), "sc_admin")
        .unwrap()
        .unwrap();
    assert_eq!(sc.authority_code.as_deref(), Some("510000"));
    let cd = techreg::db::users::find_by_username(&mut app.conn(), "cd_clerk")
        .unwrap()
        .unwrap();
    assert_eq!(
        cd.authority_code.as_deref(),
        Some("510000"),
        "a clerk is scoped by its office's authority"
    );
}

#[actix_web::test]
async fn invalid_account_forms_show_every_error_and_keep_the_values() {
    let app = TestApp::demo().await;
    let admin = app.signed_in("admin").await;
    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", "Bad Name!"),
                ("display_name", "<script>x</script>"),
                ("role", "clerk"),
                ("office_code", ""),
                ("password", "12345678"),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("用户名只能包含"), "{}", res.body);
    assert!(res.body.contains("请选择您管理范围内的登记机构"));
    assert!(res.body.contains("密码过于常见或简单"));
    assert!(
        res.body.contains("value=\"Bad Name!\""),
        "typed values are kept"
    );
    assert!(
        res.body.contains("&#60;script&#62;x&#60;/script&#62;"),
        "and escaped"
    );
    assert!(!res.body.contains("<script>x"));
    assert!(!res.body.contains("12345678"), "passwords are never echoed");

    let dup = admin
        .post(
            "/admin/users",
            &[
                ("username", "gz_clerk"),
                ("display_name", "重复"),
                ("role", "clerk"),
                ("office_code", "440101"),
                ("password", "Start#Pass-2026"),
            ],
        )
        .await;
    assert_eq!(dup.status, 422);
    assert!(dup.body.contains("该用户名已被使用"));

    let bad_office = admin
        .post(
            "/admin/offices",
            &[
                ("code", "440001"),
                ("name", ""),
                ("authority_code", "440300"),
            ],
        )
        .await;
    assert_eq!(bad_office.status, 422);
    assert!(
        bad_office
            .body
            .contains("机构代码 440001 所在地区由广东省管理，不能隶属深圳市"),
        "{}",
        bad_office.body
    );
    assert!(bad_office.body.contains("机构名称不能为空"));
}

#[actix_web::test]
async fn a_province_administrator_manages_its_own_clerks() {
    let app = TestApp::demo().await;
    let gd = app.signed_in("gd_admin").await;
    let form = gd.get("/admin/users/new").await;
    assert!(form.body.contains("440101"));
    assert!(
        !form.body.contains("110101"),
        "only own offices are offered"
    );
    assert!(
        !form.body.contains("value=\"sysadmin\""),
        "only the clerk role is offered"
    );

    let id = clerk_id(&app, "gz_clerk");
    let res = gd
        .post(
            &format!("/admin/users/{id}/password"),
            &[("password", "Reset#Pass-0815")],
        )
        .await;
    assert_eq!(res.status, 303);
    let c = app.client();
    assert_eq!(c.login("gz_clerk", DEMO_PASSWORD).await.status, 401);
    assert_eq!(
        c.login("gz_clerk", "Reset#Pass-0815")
            .await
            .location
            .as_deref(),
        Some("/account/password")
    );

    let res = gd.post(&format!("/admin/users/{id}/disable"), &[]).await;
    assert_eq!(res.status, 303);
    assert!(
        gd.get(&format!("/admin/users/{id}"))
            .await
            .body
            .contains("停用")
    );
    let res = gd.post(&format!("/admin/users/{id}/enable"), &[]).await;
    assert_eq!(res.status, 303);
    assert!(
        !techreg::db::users::find(&mut app.conn(), id)
            .unwrap()
            .unwrap()
            .disabled
    );

    let res = gd
        .post(
            "/admin/offices/440101",
            &[("name", "广州市科技局技术合同登记处"), ("active", "on")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        techreg::db::offices::find(&mut app.conn(), "440101")
            .unwrap()
            .unwrap()
            .name,
        "广州市科技局技术合同登记处"
    );
    let res = gd
        .post(
            "/admin/offices",
            &[
                ("code", "440102"),
                ("name", "天河登记点"),
                ("authority_code", "110000"),
            ],
        )
        .await;
    assert_eq!(
        res.status, 303,
        "the posted authority is replaced by the admin's own: {}",
        res.body
    );
    assert_eq!(
        techreg::db::offices::find(&mut app.conn(), "440102")
            .unwrap()
            .unwrap()
            .authority_code,
        "440000"
    );
}

#[actix_web::test]
async fn administrators_cannot_disable_themselves() {
    let app = TestApp::demo().await;
    let admin = app.signed_in("admin").await;
    let id = clerk_id(&app, "admin");
    let res = admin.post(&format!("/admin/users/{id}/disable"), &[]).await;
    assert_eq!(res.status, 422);
    assert!(
        !techreg::db::users::find(&mut app.conn(), id)
            .unwrap()
            .unwrap()
            .disabled
    );
}

#[actix_web::test]
async fn the_user_list_filters_and_pages() {
    let app = TestApp::demo().await;
    let admin = app.signed_in("admin").await;
    let clerks = admin.get("/admin/users?role=clerk").await.body;
    assert!(
        clerks.contains("bj_clerk")
            && clerks.contains("sz_clerk")
            && !clerks.contains(">ministry<")
    );
    let search = admin.get("/admin/users?q=%E9%99%88").await.body; // 陈
    assert!(search.contains("sz_clerk") && !search.contains("gz_clerk"));
    let escaped = admin.get("/admin/users?q=%25").await.body; // a literal % matches nothing
    assert!(escaped.contains("没有符合条件的账号"));
}
