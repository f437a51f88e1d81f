//! A small W3C WebDriver client for browser end-to-end tests.
//!
//! It drives Debian's headless Chromium through `/usr/bin/chromedriver`
//! (installed by `scripts/install-browser`). Tests obtain a browser with
//! [`start_browser`], which skips or fails depending on `TECHREG_E2E`:
//!
//! ```ignore
//! let Some(browser) = webdriver::start_browser().await else { return };
//! browser.goto(&format!("{base}/login")).await?;
//! browser.fill("input[name=username]", "alice").await?;
//! browser.click_and_wait("button[type=submit]").await?;
//! assert_eq!(browser.find("h1").await?.text().await?, "技术合同");
//! browser.quit().await?;
//! ```

use std::fmt;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use reqwest::Method;
use serde_json::{Value, json};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Default bound for waits on elements and page loads.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

const POLL_INTERVAL: Duration = Duration::from_millis(100);
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(10);
/// Key under which W3C WebDriver serialises element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Starts a browser for a test, applying the project's skip/fail policy.
///
/// With `TECHREG_E2E=1` (set by CI) a browser that cannot start fails the
/// test with a panic. Otherwise the reason is printed as
/// "browser tests skipped: ..." and `None` is returned, so the test can end
/// early and developers without Chromium still get a green run.
pub async fn start_browser() -> Option<Browser> {
    let strict = std::env::var("TECHREG_E2E").is_ok_and(|v| v == "1");
    match Browser::launch().await {
        Ok(browser) => Some(browser),
        Err(err) if strict => {
            panic!("TECHREG_E2E=1 requires the browser, but it could not start: {err:#}")
        }
        Err(err) => {
            // Written straight to stderr: the test harness captures the
            // print macros, and a skip should be visible in every run.
            let _ = writeln!(
                std::io::stderr(),
                "browser tests skipped: {err} (set TECHREG_E2E=1 to make this a failure)"
            );
            None
        }
    }
}

/// Why [`Browser::launch`] could not provide a browser.
#[derive(Debug)]
pub enum BrowserUnavailable {
    /// A required executable is absent.
    NotInstalled(&'static str),
    /// The executables exist but chromedriver or Chromium failed to start.
    StartFailed(anyhow::Error),
}

impl fmt::Display for BrowserUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotInstalled(path) => {
                write!(f, "{path} is not installed (run scripts/install-browser)")
            }
            Self::StartFailed(err) => write!(f, "browser failed to start: {err:#}"),
        }
    }
}

impl std::error::Error for BrowserUnavailable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::NotInstalled(_) => None,
            Self::StartFailed(err) => Some(err.as_ref()),
        }
    }
}

/// An error reported by the WebDriver endpoint itself.
#[derive(Debug)]
pub struct WebDriverError {
    /// The command, e.g. `POST /element`.
    pub command: String,
    /// The W3C error code, e.g. `no such element`.
    pub error: String,
    pub message: String,
}

impl fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Chromedriver's messages usually start with the error code already.
        if self.message.starts_with(&self.error) {
            write!(f, "{}: {}", self.command, self.message)
        } else {
            write!(f, "{}: {}: {}", self.command, self.error, self.message)
        }
    }
}

impl std::error::Error for WebDriverError {}

/// Whether `err` says an element belongs to a document that is gone.
fn is_stale(err: &anyhow::Error) -> bool {
    err.downcast_ref::<WebDriverError>().is_some_and(|e| {
        // Chromedriver has used several answers for elements of a replaced document; the last
        // comes when the question races the navigation itself.
        e.error == "stale element reference"
            || e.error == "no such element"
            || (e.error == "unknown error" && e.message.contains("does not belong to the document"))
    })
}

/// A chromedriver process with one Chromium session.
///
/// Dropping it (also while unwinding from a panic) ends the session and
/// kills chromedriver; [`Browser::quit`] does the same and reports errors.
pub struct Browser {
    http: reqwest::Client,
    /// `http://127.0.0.1:<port>/session/<id>`
    session_url: String,
    driver: DriverProcess,
}

impl Browser {
    /// Spawns chromedriver on a free loopback port and opens a session.
    pub async fn launch() -> Result<Browser, BrowserUnavailable> {
        for path in [CHROMEDRIVER, CHROMIUM] {
            if !Path::new(path).exists() {
                return Err(BrowserUnavailable::NotInstalled(path));
            }
        }
        Self::start().await.map_err(BrowserUnavailable::StartFailed)
    }

    async fn start() -> Result<Browser> {
        let profile_dir = fresh_temp_dir()?;
        let port = free_port()?;
        let mut driver = DriverProcess::spawn(port, profile_dir)?;
        let driver_url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder()
            // A configured HTTP proxy must never see loopback test traffic.
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .context("building the HTTP client")?;

        driver.wait_ready(&http, &driver_url).await?;

        let user_data_dir = format!("--user-data-dir={}", driver.profile_dir.display());
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "implicit": 0, "pageLoad": 30_000, "script": 30_000 },
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-background-networking",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-component-update",
                            "--disable-sync",
                            "--disable-dev-shm-usage",
                            "--window-size=1280,900",
                            "--lang=zh-CN",
                            user_data_dir,
                        ],
                    },
                },
            },
        });
        let created = send(
            &http,
            Method::POST,
            &format!("{driver_url}/session"),
            Some(capabilities),
        )
        .await
        .context("creating the WebDriver session")?;
        let session_id = created["sessionId"]
            .as_str()
            .ok_or_else(|| anyhow!("new session response has no sessionId: {created}"))?
            .to_owned();
        driver.session_id = Some(session_id.clone());

        Ok(Browser {
            http,
            session_url: format!("{driver_url}/session/{session_id}"),
            driver,
        })
    }

    /// Sends a command relative to the session URL and returns its `value`.
    async fn command(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value> {
        send(
            &self.http,
            method,
            &format!("{}{path}", self.session_url),
            body,
        )
        .await
    }

    /// Navigates to `url` and waits for it to load.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.command(Method::POST, "/url", Some(json!({ "url": url })))
            .await
            .with_context(|| format!("navigating to {url}"))?;
        Ok(())
    }

    pub async fn current_url(&self) -> Result<String> {
        let value = self.command(Method::GET, "/url", None).await?;
        into_string(value, "current URL")
    }

    pub async fn title(&self) -> Result<String> {
        let value = self.command(Method::GET, "/title", None).await?;
        into_string(value, "title")
    }

    /// The serialised DOM of the current page.
    pub async fn page_source(&self) -> Result<String> {
        let value = self.command(Method::GET, "/source", None).await?;
        into_string(value, "page source")
    }

    /// The first element matching the CSS selector; an error if none does.
    pub async fn find(&self, css: &str) -> Result<Element<'_>> {
        let value = self
            .command(Method::POST, "/element", Some(css_locator(css)))
            .await
            .with_context(|| format!("finding `{css}`"))?;
        Ok(Element {
            browser: self,
            id: element_id(&value)?,
        })
    }

    /// All elements matching the CSS selector, in document order.
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element<'_>>> {
        let value = self
            .command(Method::POST, "/elements", Some(css_locator(css)))
            .await
            .with_context(|| format!("finding all `{css}`"))?;
        let Value::Array(items) = value else {
            bail!("finding all `{css}`: expected an array, got {value}");
        };
        items
            .iter()
            .map(|item| {
                Ok(Element {
                    browser: self,
                    id: element_id(item)?,
                })
            })
            .collect()
    }

    /// The first element matching the CSS selector, if there is one.
    pub async fn try_find(&self, css: &str) -> Result<Option<Element<'_>>> {
        Ok(self.find_all(css).await?.into_iter().next())
    }

    /// Polls until an element matches the CSS selector, at most `timeout`.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element<'_>> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(element) = self.try_find(css).await? {
                return Ok(element);
            }
            if Instant::now() >= deadline {
                let url = self.current_url().await.unwrap_or_default();
                bail!("no element matched `{css}` within {timeout:?} on {url}");
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Replaces the value of the input matched by `css`.
    pub async fn fill(&self, css: &str, value: &str) -> Result<()> {
        let element = self.find(css).await?;
        element
            .clear()
            .await
            .with_context(|| format!("clearing `{css}`"))?;
        element
            .send_keys(value)
            .await
            .with_context(|| format!("typing into `{css}`"))
    }

    /// Clicks the element matched by `css` and waits, at most
    /// [`DEFAULT_WAIT`], until a new document has replaced the current one
    /// and finished loading. Use it for links and form submissions; it fails
    /// if the click does not load a page (a same-URL reload counts).
    pub async fn click_and_wait(&self, css: &str) -> Result<()> {
        let deadline = Instant::now() + DEFAULT_WAIT;
        // The old root element goes stale once the next document replaces it,
        // which also catches a reload of the same URL.
        let old_root = self.find(":root").await?;
        self.find(css)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking `{css}`"))?;
        loop {
            match old_root.tag_name().await {
                Err(err) if is_stale(&err) => break,
                Err(err) => return Err(err),
                Ok(_) if Instant::now() >= deadline => {
                    bail!("clicking `{css}` did not load a new page within {DEFAULT_WAIT:?}")
                }
                Ok(_) => tokio::time::sleep(POLL_INTERVAL).await,
            }
        }
        loop {
            let state = self.execute("return document.readyState", &[]).await?;
            if state == "complete" {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!("page after clicking `{css}` still {state} after {DEFAULT_WAIT:?}");
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Runs a synchronous script (`return ...;` yields its result) in the page.
    pub async fn execute(&self, script: &str, args: &[Value]) -> Result<Value> {
        self.command(
            Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
        .await
        .context("executing a script")
    }

    /// Resizes the outer window, in CSS pixels.
    pub async fn set_window_size(&self, width: u32, height: u32) -> Result<()> {
        self.command(
            Method::POST,
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .await
        .context("resizing the window")?;
        Ok(())
    }

    /// Saves a PNG of the viewport to `path`.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let value = self.command(Method::GET, "/screenshot", None).await?;
        let png =
            decode_base64(&into_string(value, "screenshot")?).context("decoding the screenshot")?;
        if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
            bail!("screenshot is not a PNG");
        }
        std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
    }

    /// Ends the session and stops chromedriver, reporting a failure to end
    /// the session (dropping the browser does the same silently).
    pub async fn quit(mut self) -> Result<()> {
        let result = self.command(Method::DELETE, "", None).await;
        // The session is gone or unusable either way; don't repeat on drop.
        self.driver.session_id = None;
        result.context("deleting the WebDriver session")?;
        Ok(())
    }
}

/// An element of the page that was current when it was found.
pub struct Element<'b> {
    browser: &'b Browser,
    id: String,
}

impl Element<'_> {
    async fn command(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value> {
        let path = format!("/element/{}{path}", self.id);
        self.browser.command(method, &path, body).await
    }

    pub async fn click(&self) -> Result<()> {
        self.command(Method::POST, "/click", None).await?;
        Ok(())
    }

    /// Types `text` into the element, after its current content.
    pub async fn send_keys(&self, text: &str) -> Result<()> {
        self.command(Method::POST, "/value", Some(json!({ "text": text })))
            .await?;
        Ok(())
    }

    /// Empties an input or textarea.
    pub async fn clear(&self) -> Result<()> {
        self.command(Method::POST, "/clear", None).await?;
        Ok(())
    }

    /// The rendered (visible) text.
    pub async fn text(&self) -> Result<String> {
        let value = self.command(Method::GET, "/text", None).await?;
        into_string(value, "element text")
    }

    /// The lowercase tag name.
    pub async fn tag_name(&self) -> Result<String> {
        let value = self.command(Method::GET, "/name", None).await?;
        into_string(value, "tag name")
    }

    /// The HTML attribute as written in the markup, `None` if absent.
    pub async fn attr(&self, name: &str) -> Result<Option<String>> {
        let value = self
            .command(Method::GET, &format!("/attribute/{name}"), None)
            .await?;
        match value {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            other => bail!("attribute {name}: expected a string, got {other}"),
        }
    }

    /// The live DOM property, e.g. `value` of an input after typing.
    pub async fn property(&self, name: &str) -> Result<Value> {
        self.command(Method::GET, &format!("/property/{name}"), None)
            .await
    }

    pub async fn is_displayed(&self) -> Result<bool> {
        let value = self.command(Method::GET, "/displayed", None).await?;
        value
            .as_bool()
            .ok_or_else(|| anyhow!("displayed: expected a boolean, got {value}"))
    }
}

/// Sends one WebDriver request and unwraps the `value` of its response.
async fn send(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value> {
    let command = format!("{method} {}", command_path(url));
    let mut request = http.request(method.clone(), url);
    if method == Method::POST {
        // W3C requires a JSON body on every POST, even an empty one.
        request = request.json(&body.unwrap_or_else(|| json!({})));
    }
    let response = request
        .send()
        .await
        .with_context(|| format!("{command}: request failed"))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .with_context(|| format!("{command}: reading the response"))?;
    let mut parsed: Value = serde_json::from_str(&text).with_context(|| {
        let head: String = text.chars().take(200).collect();
        format!("{command}: HTTP {status} with a non-JSON body: {head}")
    })?;
    let value = parsed["value"].take();
    if !status.is_success() {
        let field = |name: &str| value[name].as_str().unwrap_or_default().to_owned();
        return Err(WebDriverError {
            command,
            error: field("error"),
            message: field("message"),
        }
        .into());
    }
    Ok(value)
}

/// The part of a command URL after the session id, for error messages.
fn command_path(url: &str) -> &str {
    // Skip "http://host:port"; what remains starts with '/'.
    let path = url
        .match_indices('/')
        .nth(2)
        .map_or(url, |(i, _)| &url[i..]);
    match path.strip_prefix("/session/") {
        Some(rest) => rest.find('/').map_or("/session", |i| &rest[i..]),
        None => path,
    }
}

fn css_locator(css: &str) -> Value {
    json!({ "using": "css selector", "value": css })
}

fn element_id(value: &Value) -> Result<String> {
    value[ELEMENT_KEY]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("expected an element reference, got {value}"))
}

fn into_string(value: Value, what: &str) -> Result<String> {
    match value {
        Value::String(s) => Ok(s),
        other => bail!("{what}: expected a string, got {other}"),
    }
}

/// Asks the OS for a free loopback port. The listener is closed before
/// chromedriver binds it, so another process could take it meanwhile;
/// that shows up as a start failure rather than a wrong connection.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding a free port")?;
    Ok(listener
        .local_addr()
        .context("reading the bound port")?
        .port())
}

/// A new empty directory for one Chromium profile.
fn fresh_temp_dir() -> Result<PathBuf> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "techreg-chromium-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    // A leftover from an earlier process with the same pid must not leak state.
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Owns the chromedriver child, its session and the profile directory, and
/// cleans all three up on drop, including while a failing test unwinds.
struct DriverProcess {
    child: Child,
    port: u16,
    session_id: Option<String>,
    profile_dir: PathBuf,
}

impl DriverProcess {
    fn spawn(port: u16, profile_dir: PathBuf) -> Result<DriverProcess> {
        let spawned = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(child) => Ok(DriverProcess {
                child,
                port,
                session_id: None,
                profile_dir,
            }),
            Err(err) => {
                let _ = std::fs::remove_dir_all(&profile_dir);
                Err(err).with_context(|| format!("spawning {CHROMEDRIVER}"))
            }
        }
    }

    /// Polls `GET /status` until chromedriver reports ready.
    async fn wait_ready(&mut self, http: &reqwest::Client, driver_url: &str) -> Result<()> {
        let deadline = Instant::now() + DRIVER_READY_TIMEOUT;
        let url = format!("{driver_url}/status");
        loop {
            if let Some(status) = self.child.try_wait().context("polling chromedriver")? {
                bail!(
                    "chromedriver exited early ({status}); is port {} taken?",
                    self.port
                );
            }
            let last_error = match send(http, Method::GET, &url, None).await {
                Ok(value) if value["ready"] == true => return Ok(()),
                Ok(value) => anyhow!("not ready: {value}"),
                Err(err) => err,
            };
            if Instant::now() >= deadline {
                return Err(last_error.context(format!(
                    "chromedriver not ready within {DRIVER_READY_TIMEOUT:?}"
                )));
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        // Deleting the session makes chromedriver close Chromium; killing
        // chromedriver alone would leave the browser processes behind.
        if let Some(session_id) = self.session_id.take() {
            delete_session_blocking(self.port, &session_id);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile_dir);
    }
}

/// `DELETE /session/<id>` over a plain blocking socket, because `Drop`
/// cannot await. Best effort and bounded by socket timeouts.
fn delete_session_blocking(port: u16, session_id: &str) {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return;
    };
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let request = format!(
        "DELETE /session/{session_id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Connection: close\r\nContent-Length: 0\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_ok() {
        // Reading to the end waits until chromedriver has closed the browser.
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
    }
}

/// Decodes standard base64 (RFC 4648 alphabet, optional padding, line
/// breaks ignored).
fn decode_base64(input: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut padding = false;
    for (offset, byte) in input.bytes().enumerate() {
        let sextet = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'\r' | b'\n' => continue,
            b'=' => {
                padding = true;
                continue;
            }
            _ => bail!("invalid base64 byte {byte:#04x} at offset {offset}"),
        };
        if padding {
            bail!("base64 data after padding at offset {offset}");
        }
        acc = (acc << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A lone sextet in the last group cannot encode a whole byte.
    if bits >= 6 {
        bail!("truncated base64 input");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_rfc4648_vectors() {
        let cases: [(&str, &[u8]); 8] = [
            ("", b""),
            ("Zg==", b"f"),
            ("Zm8=", b"fo"),
            ("Zm9v", b"foo"),
            ("Zm9vYg==", b"foob"),
            ("Zm9vYmE=", b"fooba"),
            ("Zm9vYmFy", b"foobar"),
            ("Zm9v\r\nYmFy", b"foobar"),
        ];
        for (encoded, decoded) in cases {
            assert_eq!(decode_base64(encoded).expect(encoded), decoded, "{encoded}");
        }
        assert_eq!(decode_base64("/+8=").expect("high bits"), [0xff, 0xef]);
    }

    #[test]
    fn base64_rejects_malformed_input() {
        for bad in ["Zm9v!", "Z", "Zg==Zg", "Zm9vY"] {
            assert!(decode_base64(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn command_path_names_the_endpoint() {
        assert_eq!(command_path("http://127.0.0.1:9/status"), "/status");
        assert_eq!(command_path("http://127.0.0.1:9/session"), "/session");
        assert_eq!(command_path("http://127.0.0.1:9/session/abc"), "/session");
        assert_eq!(command_path("http://127.0.0.1:9/session/abc/url"), "/url");
    }

    /// A `data:` URL for an inline page, so this test needs no server.
    fn data_url(html: &str) -> String {
        let mut url = String::from("data:text/html;charset=utf-8,");
        for byte in html.bytes() {
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                url.push(char::from(byte));
            } else {
                url.push_str(&format!("%{byte:02X}"));
            }
        }
        url
    }

    /// Exercises the whole client against an inline page.
    #[tokio::test]
    async fn client_drives_a_page() -> Result<()> {
        let Some(browser) = start_browser().await else {
            return Ok(());
        };
        browser.set_window_size(1024, 700).await?;
        let page = r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
            <title>自测</title></head><body>
            <h1 data-kind="heading">技术合同认定登记</h1>
            <ul><li>一</li><li>二</li><li>三</li></ul>
            <p id="hidden" style="display:none">隐藏</p>
            <form action="about:blank"><input id="q" name="q" value="旧值">
            <button id="go">提交</button></form>
            <script>setTimeout(() => {
                const p = document.createElement('p');
                p.id = 'late'; p.textContent = '稍后';
                document.body.append(p);
            }, 300);</script></body></html>"#;
        let url = data_url(page);
        browser.goto(&url).await?;

        assert_eq!(browser.title().await?, "自测");
        assert_eq!(browser.current_url().await?, url);
        assert!(browser.page_source().await?.contains("技术合同认定登记"));
        let heading = browser.find("h1").await?;
        assert_eq!(heading.text().await?, "技术合同认定登记");
        assert_eq!(heading.tag_name().await?, "h1");
        assert_eq!(heading.attr("data-kind").await?.as_deref(), Some("heading"));
        assert_eq!(heading.attr("data-missing").await?, None);
        assert_eq!(browser.find_all("li").await?.len(), 3);
        assert!(browser.try_find("#absent").await?.is_none());
        let err = browser.find("#absent").await.err().expect("find must fail");
        assert!(
            format!("{err:#}").contains("no such element"),
            "error should carry the WebDriver message: {err:#}"
        );
        assert!(!browser.find("#hidden").await?.is_displayed().await?);
        assert!(
            browser
                .wait_for("#never", Duration::from_millis(300))
                .await
                .is_err()
        );
        assert_eq!(
            browser
                .wait_for("#late", DEFAULT_WAIT)
                .await?
                .text()
                .await?,
            "稍后"
        );

        browser.fill("#q", "新值 2024").await?;
        let input = browser.find("#q").await?;
        assert_eq!(input.property("value").await?, "新值 2024");
        input.send_keys("!").await?;
        assert_eq!(input.property("value").await?, "新值 2024!");

        let sum = browser
            .execute("return arguments[0] + arguments[1];", &[json!(2), json!(3)])
            .await?;
        assert_eq!(sum, 5);

        // A marker in the page's JS state must vanish with the old document.
        browser.execute("window.marker = 1;", &[]).await?;
        browser.click_and_wait("#go").await?;
        assert_eq!(
            browser.execute("return window.marker;", &[]).await?,
            Value::Null
        );
        assert_eq!(
            browser.current_url().await?,
            "about:blank?q=%E6%96%B0%E5%80%BC+2024%21"
        );

        let shot =
            std::env::temp_dir().join(format!("techreg-selftest-{}.png", std::process::id()));
        browser.screenshot(&shot).await?;
        let png = std::fs::read(&shot)?;
        std::fs::remove_file(&shot)?;
        assert!(png.len() > 1000, "screenshot is suspiciously small");

        browser.quit().await
    }
}
