//! Sign-in, sessions, throttling, CSRF and the security headers.

use crate::support::{DEMO_PASSWORD, TestApp, exec, minutes_ago};
use techreg::config::Settings;

#[actix_web::test]
async fn login_sets_a_hardened_session_cookie_and_rotates_it() {
    let app = TestApp::demo().await;
    let c = app.client();
    let page = c.get("/login").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("登录"));

    let res = c.login("bj_clerk", DEMO_PASSWORD).await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location.as_deref(), Some("/"));
    let cookie = res
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("techreg_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain-http development must not set Secure: {cookie}"
    );

    // A second sign-in gets a different session id.
    let again = app.client().login("bj_clerk", DEMO_PASSWORD).await;
    let cookie2 = again
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("techreg_session="))
        .unwrap();
    assert_ne!(cookie.split(';').next(), cookie2.split(';').next());

    let home = c.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("王登记"));
}

#[actix_web::test]
async fn secure_deployments_mark_cookies_secure_and_send_hsts() {
    let app = TestApp::spawn_with(Settings {
        secure_cookies: true,
        ..Settings::default()
    })
    .await;
    techreg::demo::seed_accounts_if_empty(&mut app.conn()).unwrap();
    let c = app.client();
    let page = c.get("/login").await;
    assert!(
        page.set_cookies().iter().all(|c| c.contains("Secure")),
        "{:?}",
        page.set_cookies()
    );
    assert!(page.headers.get("strict-transport-security").is_some());
}

#[actix_web::test]
async fn passwords_are_stored_as_argon2id() {
    let app = TestApp::demo().await;
    use diesel::prelude::*;
    use techreg::db::schema::users;
    let hash: String = users::table
        .filter(users::username.eq("admin"))
        .select(users::password_hash)
        .first(&mut *app.conn())
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

#[actix_web::test]
async fn wrong_passwords_and_unknown_users_get_the_same_answer() {
    let app = TestApp::demo().await;
    let wrong = app.client().login("bj_clerk", "not-the-password").await;
    let unknown = app.client().login("nobody_here", "not-the-password").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert!(wrong.body.contains("用户名或密码错误"));
    assert!(unknown.body.contains("用户名或密码错误"));
    // The typed username is kept, the password is not echoed.
    assert!(wrong.body.contains("value=\"bj_clerk\""));
    assert!(!wrong.body.contains("not-the-password"));
}

#[actix_web::test]
async fn repeated_failures_throttle_the_account_even_with_the_right_password() {
    let app = TestApp::demo().await;
    for _ in 0..5 {
        assert_eq!(
            app.client()
                .login("gz_clerk", "wrong-password-1")
                .await
                .status,
            401
        );
    }
    let blocked = app.client().login("gz_clerk", DEMO_PASSWORD).await;
    assert_eq!(blocked.status, 429);
    assert!(
        blocked.body.contains("登录尝试过于频繁"),
        "{}",
        blocked.body
    );
    // Other accounts are not affected by one account's lock.
    assert_eq!(
        app.client().login("sz_clerk", DEMO_PASSWORD).await.status,
        303
    );
}

#[actix_web::test]
async fn many_failures_from_one_address_throttle_that_address() {
    let app = TestApp::demo().await;
    for i in 0..20 {
        let res = app
            .client()
            .login(&format!("guess{i}"), "wrong-password-1")
            .await;
        assert_eq!(res.status, 401);
    }
    assert_eq!(
        app.client().login("sz_clerk", DEMO_PASSWORD).await.status,
        429
    );
}

#[actix_web::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::demo().await;
    let c = app.signed_in("bj_admin").await;
    let res = c.post("/logout", &[]).await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location.as_deref(), Some("/login"));
    assert_eq!(c.get("/").await.status, 303);
    // A logout link followed by GET changes nothing (no state change on GET).
    assert_eq!(
        app.signed_in("bj_admin").await.get("/logout").await.status,
        405
    );
}

#[actix_web::test]
async fn idle_and_old_sessions_end() {
    let app = TestApp::demo().await;
    let idle = app.signed_in("bj_clerk").await;
    let old = app.signed_in("gz_clerk").await;
    let fresh = app.signed_in("sz_clerk").await;
    exec(
        &app,
        &format!(
            "UPDATE sessions SET last_seen_at = '{}' WHERE user_id = (SELECT id FROM users WHERE username = 'bj_clerk')",
            minutes_ago(31)
        ),
    );
    exec(
        &app,
        &format!(
            "UPDATE sessions SET created_at = '{}', last_seen_at = '{}' WHERE user_id = (SELECT id FROM users WHERE username = 'gz_clerk')",
            minutes_ago(12 * 60 + 1),
            minutes_ago(1)
        ),
    );
    exec(
        &app,
        &format!(
            "UPDATE sessions SET last_seen_at = '{}' WHERE user_id = (SELECT id FROM users WHERE username = 'sz_clerk')",
            minutes_ago(29)
        ),
    );
    let r = idle.get("/").await;
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/login")));
    assert_eq!(old.get("/").await.status, 303);
    assert_eq!(fresh.get("/").await.status, 200);
}

#[actix_web::test]
async fn disabling_an_account_ends_its_sessions() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    assert_eq!(clerk.get("/").await.status, 200);
    let admin = app.signed_in("gd_admin").await;
    let id = clerk_id(&app, "gz_clerk");
    let res = admin.post(&format!("/admin/users/{id}/disable"), &[]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(clerk.get("/").await.status, 303);
    let again = app.client().login("gz_clerk", DEMO_PASSWORD).await;
    assert_eq!(again.status, 401);
    assert!(again.body.contains("账号已停用"));
}

pub fn clerk_id(app: &TestApp, username: &str) -> i64 {
    techreg::db::users::find_by_username(&mut app.conn(), username)
        .unwrap()
        .unwrap()
        .id
}

#[actix_web::test]
async fn accounts_made_by_an_admin_must_change_their_password_first() {
    let app = TestApp::demo().await;
    let admin = app.signed_in("gd_admin").await;
    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", "new_clerk"),
                ("display_name", "新登记员"),
                ("role", "clerk"),
                ("office_code", "440101"),
                ("password", "Temp#Pass-4711"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);

    let c = app.client();
    let login = c.login("new_clerk", "Temp#Pass-4711").await;
    assert_eq!(login.location.as_deref(), Some("/account/password"));
    assert_eq!(
        c.get("/").await.location.as_deref(),
        Some("/account/password")
    );

    let weak = c
        .post(
            "/account/password",
            &[
                ("current_password", "Temp#Pass-4711"),
                ("new_password", "password123"),
                ("repeat_password", "password123"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422);
    assert!(weak.body.contains("密码过于常见"), "{}", weak.body);

    let ok = c
        .post(
            "/account/password",
            &[
                ("current_password", "Temp#Pass-4711"),
                ("new_password", "Mein-Eigenes-77"),
                ("repeat_password", "Mein-Eigenes-77"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(c.get("/").await.status, 200);
    assert_eq!(
        app.client()
            .login("new_clerk", "Mein-Eigenes-77")
            .await
            .status,
        303
    );
}

#[actix_web::test]
async fn posts_without_the_right_token_or_from_another_site_change_nothing() {
    let app = TestApp::demo().await;
    let admin = app.signed_in("gd_admin").await;
    let id = clerk_id(&app, "gz_clerk");
    let path = format!("/admin/users/{id}/disable");

    let no_token = admin.post_raw(&path, &[], &[]).await;
    assert_eq!(no_token.status, 403);
    let forged = admin.post_raw(&path, &[("csrf_token", "0000")], &[]).await;
    assert_eq!(forged.status, 403);
    let token = admin.get("/account/password").await.csrf();
    let cross = admin
        .post_raw(
            &path,
            &[("csrf_token", &token)],
            &[("Sec-Fetch-Site", "cross-site")],
        )
        .await;
    assert_eq!(cross.status, 403);
    let foreign = admin
        .post_raw(
            &path,
            &[("csrf_token", &token)],
            &[("Origin", "http://evil.example")],
        )
        .await;
    assert_eq!(foreign.status, 403);

    let account = techreg::db::users::find(&mut app.conn(), id)
        .unwrap()
        .unwrap();
    assert!(
        !account.disabled,
        "no forged request may disable the account"
    );

    // The login form is protected too.
    let login = app
        .client()
        .post_raw(
            "/login",
            &[("username", "gz_clerk"), ("password", DEMO_PASSWORD)],
            &[],
        )
        .await;
    assert_eq!(login.status, 403);
}

#[actix_web::test]
async fn a_form_posted_after_the_session_expired_keeps_its_values() {
    let app = TestApp::demo().await;
    let admin = app.signed_in("gd_admin").await;
    let token = admin.get("/admin/offices/new").await.csrf();
    exec(
        &app,
        &format!("UPDATE sessions SET last_seen_at = '{}'", minutes_ago(45)),
    );

    let res = admin
        .post_raw(
            "/admin/offices",
            &[
                ("csrf_token", &token),
                ("code", "440199"),
                ("name", "番禺登记点<b>"),
                ("authority_code", "440000"),
            ],
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await;
    assert_eq!(res.status, 401);
    assert!(res.body.contains("登录已超时"), "{}", res.body);
    assert!(
        res.body.contains("番禺登记点&#60;b&#62;"),
        "typed values come back, escaped: {}",
        res.body
    );
    assert!(!res.body.contains("番禺登记点<b>"));

    // Sign in from that page: the values come back once more, ready to be sent with a fresh token.
    let login_token = crate::support::csrf_in(&res.body).unwrap();
    let resumed = admin
        .post_raw(
            "/login",
            &[
                ("csrf_token", &login_token),
                ("username", "gd_admin"),
                ("password", DEMO_PASSWORD),
                ("resume_to", "/admin/offices"),
                ("keep.code", "440199"),
                ("keep.name", "番禺登记点"),
                ("keep.authority_code", "440000"),
            ],
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await;
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert!(resumed.body.contains("重新提交"));
    assert!(resumed.body.contains("value=\"番禺登记点\""));
    let fresh = crate::support::csrf_in(&resumed.body).unwrap();
    let created = admin
        .post_raw(
            "/admin/offices",
            &[
                ("csrf_token", &fresh),
                ("code", "440199"),
                ("name", "番禺登记点"),
                ("authority_code", "440000"),
            ],
            &[("Sec-Fetch-Site", "same-origin")],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert!(
        techreg::db::offices::find(&mut app.conn(), "440199")
            .unwrap()
            .is_some()
    );
}

#[actix_web::test]
async fn pages_carry_the_security_headers_and_zh_error_pages() {
    let app = TestApp::demo().await;
    let page = app.client().get("/login").await;
    let h = |n: &str| {
        page.headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert!(h("content-security-policy").contains("default-src 'self'"));
    assert!(h("content-security-policy").contains("object-src 'none'"));
    assert!(h("content-security-policy").contains("base-uri 'none'"));
    assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert!(!h("referrer-policy").is_empty());
    assert!(page.headers.get("strict-transport-security").is_none());
    for (i, _) in page.body.match_indices("<script") {
        let tag = &page.body[i..i + page.body[i..].find('>').unwrap()];
        assert!(tag.contains("src=\"/static/"), "no inline script: {tag}");
    }
    let js = app.client().get("/static/app.js").await;
    assert_eq!(js.status, 200);
    assert!(
        js.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );

    let missing = app.client().get("/no/such/page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("页面不存在"));

    let signed = app.signed_in("bj_clerk").await;
    let forbidden = signed.get("/admin/users").await;
    assert_eq!(forbidden.status, 403);
    assert!(forbidden.body.contains("无权访问"));
    assert_eq!(
        signed
            .get("/")
            .await
            .headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
}

#[actix_web::test]
async fn sign_in_returns_to_the_page_asked_for_but_never_off_site() {
    let app = TestApp::demo().await;
    let c = app.client();
    let r = c.get("/audit?action=auth.login").await;
    assert_eq!(r.status, 303);
    let next = r.location.unwrap();
    assert!(next.starts_with("/login?next="), "{next}");
    let token = c.get(&next).await.csrf();
    let res = c
        .post_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("username", "ministry"),
                ("password", DEMO_PASSWORD),
                ("next", "/audit?action=auth.login"),
            ],
            &[],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/audit?action=auth.login"));

    let c2 = app.client();
    let token = c2.get("/login").await.csrf();
    let evil = c2
        .post_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("username", "ministry"),
                ("password", DEMO_PASSWORD),
                ("next", "//evil.example/"),
            ],
            &[],
        )
        .await;
    assert_eq!(evil.location.as_deref(), Some("/"));
}

#[actix_web::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let c = app.client();
    assert_eq!(c.get("/healthz").await.status, 200);
    let ready = c.get("/readyz").await;
    assert_eq!((ready.status, ready.body.as_str()), (200, "ready"));
}

#[actix_web::test]
async fn signing_in_again_replaces_the_old_session() {
    let app = TestApp::demo().await;
    let c = app.signed_in("bj_clerk").await;
    let old = c.get("/account/password").await.csrf();
    let res = c
        .post_raw(
            "/login",
            &[
                ("csrf_token", &old),
                ("username", "bj_clerk"),
                ("password", DEMO_PASSWORD),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status, 303);
    use diesel::prelude::*;
    use techreg::db::schema::sessions;
    let n: i64 = sessions::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(n, 1, "the previous session was removed");
}

#[actix_web::test]
async fn framework_errors_are_zh_pages_too() {
    let app = TestApp::demo().await;
    let admin = app.signed_in("admin").await;
    let bad_id = admin.get("/admin/users/not-a-number").await;
    assert_eq!(bad_id.status, 404);
    assert!(bad_id.body.contains("页面不存在"), "{}", bad_id.body);
    let wrong_method = admin.post("/", &[]).await;
    assert_eq!(wrong_method.status, 405);
    assert!(
        wrong_method.body.contains("不支持的请求"),
        "{}",
        wrong_method.body
    );
    let huge = "x".repeat(300 * 1024);
    let too_large = admin
        .post("/account/password", &[("current_password", &huge)])
        .await;
    assert!(
        too_large.status == 413 || too_large.status == 422,
        "{}",
        too_large.status
    );
    assert!(
        too_large.body.contains("<html"),
        "an HTML page, not plain text"
    );
}

#[actix_web::test]
async fn error_pages_keep_the_navigation_when_signed_in() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    // The application's 404 (another office's contract looks like a missing one), the
    // framework's 404 (a path that matches no route) and the gate's 403 (a page of another
    // role): each says what happened inside the frame, with the clerk's navigation and sign-out.
    for (path, status, says) in [
        ("/contracts/999999", 404, "页面不存在"),
        ("/no/such/page", 404, "页面不存在"),
        ("/audit", 403, "无权访问"),
    ] {
        let page = clerk.get(path).await;
        assert_eq!(page.status, status, "{path}");
        assert!(page.body.contains(says), "{path}: {}", page.body);
        assert!(
            page.body.contains("aria-label=\"主导航\""),
            "{path}: navigation"
        );
        assert!(page.body.contains("action=\"/logout\""), "{path}: sign-out");
        assert!(
            page.body.contains("href=\"/contracts\""),
            "{path}: the clerk's links"
        );
    }
    // Anonymous visitors get the plain page: no navigation to offer.
    let anonymous = app.client().get("/no/such/page").await;
    assert_eq!(anonymous.status, 404);
    assert!(!anonymous.body.contains("主导航"));
}
