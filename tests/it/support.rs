//! Test support: a fresh database per test on either backend, and the real app served on a
//! random loopback port.

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::HttpServer;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use reqwest::redirect::Policy;
use techreg::config::Settings;
use techreg::db::{self, DbPool, PooledConn};
use techreg::web::{AppState, build_app};

pub use techreg::demo::DEMO_PASSWORD;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub fn new() -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let unique = format!("{}_{}_{}", std::process::id(), n, nanos());
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!("techreg_test_{unique}");
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .expect("TEST_DATABASE_URL must be reachable");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                TestDb {
                    url: with_database(&admin_url, &name),
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
            _ => {
                let path = std::env::temp_dir().join(format!("techreg_test_{unique}.db"));
                TestDb {
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::Sqlite(path),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() % 1_000_000_000)
        .unwrap_or(0)
}

/// Replaces the database name of a PostgreSQL URL, keeping its query (e.g. `?host=/var/run/postgresql`).
pub fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let (authority, path_and_query) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let query = path_and_query
        .find('?')
        .map(|i| &path_and_query[i..])
        .unwrap_or("");
    format!("{scheme}://{authority}/{name}{query}")
}

/// The application running on a loopback port, with its own database.
pub struct TestApp {
    pub addr: String,
    pub pool: DbPool,
    /// Dropped after the pool, so the database outlives every connection to it.
    _db: TestDb,
}

impl TestApp {
    /// An empty, migrated database.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Settings::default()).await
    }

    /// With the demo offices and one account of every role (password [`DEMO_PASSWORD`]).
    pub async fn demo() -> TestApp {
        let app = Self::spawn().await;
        let mut conn = app.conn();
        techreg::demo::seed_accounts_if_empty(&mut conn).expect("demo seed");
        app
    }

    pub async fn spawn_with(settings: Settings) -> TestApp {
        let db = TestDb::new();
        let pool = db::open(&db.url, 4).expect("open test database");
        let state = AppState {
            pool: pool.clone(),
            settings: Arc::new(settings),
        };
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = format!("http://{}", listener.local_addr().expect("local address"));
        let server = HttpServer::new(move || build_app(state.clone()))
            .listen(listener)
            .expect("listen")
            .workers(1)
            .disable_signals()
            .run();
        actix_web::rt::spawn(server);
        TestApp {
            addr,
            pool,
            _db: db,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self._db.is_postgres()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    pub fn conn(&self) -> PooledConn {
        self.pool.get().expect("a pooled connection")
    }

    /// A browser-like client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> Client<'_> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client");
        Client { app: self, http }
    }

    /// A client signed in as `username` with the demo password.
    pub async fn signed_in(&self, username: &str) -> Client<'_> {
        let c = self.client();
        let res = c.login(username, DEMO_PASSWORD).await;
        assert_eq!(res.status, 303, "login of {username} failed: {}", res.body);
        c
    }
}

/// A response read in full.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub async fn read(res: reqwest::Response) -> Page {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = res.text().await.unwrap_or_default();
        Page {
            status,
            location,
            headers,
            body,
        }
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        csrf_in(&self.body).unwrap_or_else(|| {
            panic!(
                "no csrf_token on the page (status {}): {}",
                self.status, self.body
            )
        })
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

pub struct Client<'a> {
    pub app: &'a TestApp,
    pub http: reqwest::Client,
}

impl Client<'_> {
    pub async fn get(&self, path: &str) -> Page {
        Page::read(self.http.get(self.app.url(path)).send().await.expect("GET")).await
    }

    /// Posts a form exactly as given (no token added).
    pub async fn post_raw(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = self.http.post(self.app.url(path)).form(fields);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Page::read(req.send().await.expect("POST")).await
    }

    /// Posts a form with the token of a page this client may see (`token_page`).
    pub async fn post_from(&self, token_page: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get(token_page).await.csrf();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all, &[("Sec-Fetch-Site", "same-origin")])
            .await
    }

    /// Posts a form as a signed-in user (the token comes from the password page, which every
    /// signed-in account can open).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_from("/account/password", path, fields).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Page {
        self.post_from(
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }
}

/// Runs a SQL statement against the test database (to age sessions and the like).
pub fn exec(app: &TestApp, sql: &str) {
    let mut conn = app.conn();
    let c: &mut db::DbConn = &mut conn;
    c.batch_execute(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A timestamp literal `n` minutes ago (UTC, as stored).
pub fn minutes_ago(n: i64) -> String {
    (db::now() - chrono::Duration::minutes(n))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The audit entries of `action`, newest first, as the ministry's audit page lists them.
pub fn audit_entries(test_db: &TestDb, action: &str) -> Vec<db::audit::AuditRow> {
    let filter = db::audit::AuditFilter {
        action: Some(action.to_owned()),
        ..Default::default()
    };
    let pool = db::open(&test_db.url, 1).expect("open test database");
    let mut conn = pool.get().expect("conn");
    db::audit::list(
        &mut conn,
        &techreg::domain::role::Scope::Nation,
        &filter,
        50,
    )
    .expect("audit entries")
}

// ---------------------------------------------------------------------------------------------
// The command line

/// Runs the `techreg` binary on `db` with `args`, nothing on stdin.
pub fn techreg(db: &TestDb, args: &[&str]) -> Output {
    techreg_with_input(db, args, None)
}

/// Runs the `techreg` binary on `db` with `args`, `input` written to its stdin.
pub fn techreg_with_input(db: &TestDb, args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_techreg"))
        .arg("--database-url")
        .arg(&db.url)
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run techreg");
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(text.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("techreg output")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A file in the temp directory, removed on drop.
pub struct TempFile(PathBuf);

impl TempFile {
    pub fn new(name: &str, bytes: &[u8]) -> TempFile {
        let path = std::env::temp_dir().join(format!(
            "techreg_test_{}_{}_{name}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, bytes).expect("write temp file");
        TempFile(path)
    }

    pub fn path(&self) -> &str {
        self.0.to_str().expect("UTF-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
