//! Authorization on the server: every route × every role (and anonymous), and no access to
//! other authorities' records by guessing their ids (IDOR).

use std::collections::BTreeSet;

use crate::auth::clerk_id;
use crate::support::{DEMO_PASSWORD, TestApp};
use techreg::web::ROUTES;

const EVERYONE: &[&str] = &[
    "anonymous",
    "clerk",
    "province_admin",
    "ministry",
    "sysadmin",
];
const SIGNED_IN: &[&str] = &["clerk", "province_admin", "ministry", "sysadmin"];
const ADMINS: &[&str] = &["province_admin", "sysadmin"];
const AUDITORS: &[&str] = &["province_admin", "ministry"];
const READERS: &[&str] = &["clerk", "province_admin", "ministry"];
const CLERKS: &[&str] = &["clerk"];
const IMPORTERS: &[&str] = &["clerk", "ministry"];
const REVIEWERS: &[&str] = &["province_admin"];
const MINISTRY: &[&str] = &["ministry"];
const SYSADMINS: &[&str] = &["sysadmin"];

/// Who may use each route: written out by hand, independent of the application's own table.
const EXPECTED: &[(&str, &str, &[&str])] = &[
    ("GET", "/login", EVERYONE),
    ("POST", "/login", EVERYONE),
    ("GET", "/", SIGNED_IN),
    ("GET", "/account/password", SIGNED_IN),
    ("POST", "/account/password", SIGNED_IN),
    ("GET", "/admin/offices", ADMINS),
    ("GET", "/admin/offices/new", ADMINS),
    ("POST", "/admin/offices", ADMINS),
    ("GET", "/admin/offices/{code}", ADMINS),
    ("POST", "/admin/offices/{code}", ADMINS),
    ("GET", "/admin/users", ADMINS),
    ("GET", "/admin/users/new", ADMINS),
    ("POST", "/admin/users", ADMINS),
    ("GET", "/admin/users/{id}", ADMINS),
    ("POST", "/admin/users/{id}/disable", ADMINS),
    ("POST", "/admin/users/{id}/enable", ADMINS),
    ("POST", "/admin/users/{id}/password", ADMINS),
    ("GET", "/admin/review-rules", SYSADMINS),
    ("POST", "/admin/review-rules", SYSADMINS),
    ("GET", "/audit", AUDITORS),
    ("GET", "/stats/institutions", AUDITORS),
    ("GET", "/stats/close", MINISTRY),
    ("GET", "/stats/{year}/close", MINISTRY),
    ("POST", "/stats/{year}/close", MINISTRY),
    ("POST", "/stats/{year}/reopen", MINISTRY),
    ("GET", "/contracts", READERS),
    ("GET", "/contracts/new", CLERKS),
    ("GET", "/contracts/export.csv", READERS),
    ("GET", "/contracts/export.xlsx", READERS),
    ("POST", "/contracts", CLERKS),
    ("GET", "/contracts/{id}", READERS),
    ("GET", "/contracts/{id}/edit", CLERKS),
    ("POST", "/contracts/{id}", CLERKS),
    ("POST", "/contracts/{id}/submit", CLERKS),
    ("GET", "/contracts/{id}/attachments/{attachment}", READERS),
    ("GET", "/contracts/{id}/certificate", READERS),
    ("GET", "/contracts/{id}/certificate.pdf", READERS),
    ("GET", "/contracts/{id}/income", READERS),
    ("POST", "/contracts/{id}/income", CLERKS),
    ("GET", "/contracts/{id}/income/sheet", READERS),
    ("GET", "/contracts/{id}/amendments/new", CLERKS),
    ("POST", "/contracts/{id}/amendments", CLERKS),
    ("GET", "/amendments/{id}", READERS),
    ("POST", "/amendments/{id}/{decision}", REVIEWERS),
    ("GET", "/registration-list", READERS),
    ("GET", "/registration-list.csv", READERS),
    ("GET", "/registration-list.xlsx", READERS),
    ("GET", "/review", REVIEWERS),
    ("POST", "/review/{id}/{decision}", REVIEWERS),
    ("GET", "/codes/{list}", SIGNED_IN),
    ("GET", "/parties/lookup", CLERKS),
    ("GET", "/imports/contracts", IMPORTERS),
    ("POST", "/imports/contracts", IMPORTERS),
    ("GET", "/imports/contracts/template.xlsx", IMPORTERS),
    ("GET", "/imports/reports/{id}.txt", IMPORTERS),
    ("GET", "/verify", EVERYONE),
    ("GET", "/verify/{code}", EVERYONE),
    ("GET", "/healthz", EVERYONE),
    ("GET", "/readyz", EVERYONE),
    ("GET", "/static/{file}", EVERYONE),
    // Last: it ends the session the other rows use.
    ("POST", "/logout", SIGNED_IN),
];

#[::core::prelude::v1::test]
fn every_route_is_in_the_expectation_table() {
    let declared: BTreeSet<(&str, &str)> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
    let expected: BTreeSet<(&str, &str)> = EXPECTED.iter().map(|(m, p, _)| (*m, *p)).collect();
    assert_eq!(
        declared, expected,
        "a route was added or removed: update EXPECTED with who may use it"
    );
}

fn login_for(role: &str) -> Option<&'static str> {
    match role {
        "clerk" => Some("gz_clerk"),
        "province_admin" => Some("gd_admin"),
        "ministry" => Some("ministry"),
        "sysadmin" => Some("admin"),
        _ => None,
    }
}

#[actix_web::test]
async fn each_role_reaches_exactly_its_routes() {
    for role in EVERYONE {
        // A fresh application per role: some allowed POSTs change state (disable, logout).
        let app = TestApp::demo().await;
        let target = clerk_id(&app, "sz_clerk"); // objects in the 440000 scope are used below
        let gz = clerk_id(&app, "gz_clerk");
        let client = match login_for(role) {
            Some(user) => app.signed_in(user).await,
            None => app.client(),
        };
        let token = match login_for(role) {
            Some(_) => client.get("/account/password").await.csrf(),
            None => client.get("/login").await.csrf(),
        };
        for (method, pattern, allowed) in EXPECTED {
            // Province admins act on objects of their own authority (广东 440000).
            let id = if *role == "province_admin" {
                gz
            } else {
                target
            };
            let path = pattern
                .replace("{code}", "440101")
                .replace("{id}", &id.to_string())
                .replace("{file}", "app.css")
                .replace("{attachment}", "1")
                .replace("{list}", "regions")
                .replace("{decision}", "approve")
                .replace("{year}", "2016");
            let page = if *method == "GET" {
                client.get(&path).await
            } else {
                let fields: Vec<(&str, &str)> = match path.as_str() {
                    "/login" => vec![
                        ("csrf_token", token.as_str()),
                        ("username", "x"),
                        ("password", "y"),
                    ],
                    _ => vec![("csrf_token", token.as_str())],
                };
                client
                    .post_raw(&path, &fields, &[("Sec-Fetch-Site", "same-origin")])
                    .await
            };
            let ok = allowed.contains(role);
            let to_login = page.status == 303
                && page
                    .location
                    .as_deref()
                    .is_some_and(|l| l.starts_with("/login"));
            if *role == "anonymous" && !ok {
                let expected_status = if *method == "GET" { 303 } else { 401 };
                assert_eq!(page.status, expected_status, "anonymous {method} {path}");
                assert!(
                    *method != "GET" || to_login,
                    "anonymous {method} {path} must be sent to sign in"
                );
            } else if ok {
                assert_ne!(
                    page.status, 403,
                    "{role} must reach {method} {path}: {}",
                    page.body
                );
                assert!(page.status < 500, "{role} {method} {path}: {}", page.status);
                assert!(
                    !to_login || *pattern == "/logout",
                    "{role} was sent to sign in at {method} {path}"
                );
            } else {
                assert_eq!(page.status, 403, "{role} must be refused {method} {path}");
            }
        }
    }
}

#[actix_web::test]
async fn guessing_another_authoritys_ids_finds_nothing() {
    let app = TestApp::demo().await;
    let beijing_clerk = clerk_id(&app, "bj_clerk");
    let shenzhen_clerk = clerk_id(&app, "sz_clerk");
    let gd = app.signed_in("gd_admin").await;

    for id in [beijing_clerk, shenzhen_clerk] {
        assert_eq!(gd.get(&format!("/admin/users/{id}")).await.status, 404);
        assert_eq!(
            gd.post(&format!("/admin/users/{id}/disable"), &[])
                .await
                .status,
            404
        );
        assert_eq!(
            gd.post(
                &format!("/admin/users/{id}/password"),
                &[("password", "Another#Pass-99")]
            )
            .await
            .status,
            404
        );
    }
    assert_eq!(gd.get("/admin/offices/110101").await.status, 404);
    assert_eq!(
        gd.post(
            "/admin/offices/110101",
            &[("name", "改名"), ("active", "on")]
        )
        .await
        .status,
        404
    );
    for id in [beijing_clerk, shenzhen_clerk] {
        let account = techreg::db::users::find(&mut app.conn(), id)
            .unwrap()
            .unwrap();
        assert!(!account.disabled);
    }
    assert_eq!(
        techreg::db::offices::find(&mut app.conn(), "110101")
            .unwrap()
            .unwrap()
            .name,
        "北京技术市场管理办公室登记处"
    );
    assert_eq!(
        app.client().login("bj_clerk", DEMO_PASSWORD).await.status,
        303,
        "password unchanged"
    );

    // Lists show only the own authority.
    let users = gd.get("/admin/users").await.body;
    assert!(
        users.contains("gz_clerk") && !users.contains("bj_clerk") && !users.contains("sz_clerk")
    );
    let offices = gd.get("/admin/offices").await.body;
    assert!(
        offices.contains("440101") && !offices.contains("110101") && !offices.contains("440301")
    );

    // Hidden fields are not trusted: a clerk for another authority's office is refused, and an
    // office posted for another authority is created under the admin's own or not at all.
    let res = gd
        .post(
            "/admin/users",
            &[
                ("username", "sneaky"),
                ("display_name", "x"),
                ("role", "clerk"),
                ("office_code", "110101"),
                ("password", "Some#Pass-123"),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    let res = gd
        .post(
            "/admin/users",
            &[
                ("username", "boss"),
                ("display_name", "x"),
                ("role", "ministry"),
                ("password", "Some#Pass-123"),
            ],
        )
        .await;
    assert_eq!(res.status, 403);
    let res = gd
        .post(
            "/admin/offices",
            &[
                ("code", "110109"),
                ("name", "越权机构"),
                ("authority_code", "110000"),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(
        techreg::db::users::find_by_username(&mut app.conn(), "sneaky")
            .unwrap()
            .is_none()
    );
    assert!(
        techreg::db::users::find_by_username(&mut app.conn(), "boss")
            .unwrap()
            .is_none()
    );
    assert!(
        techreg::db::offices::find(&mut app.conn(), "110109")
            .unwrap()
            .is_none()
    );
}
