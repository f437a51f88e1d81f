//! Reading the PDFs the application writes with poppler's tools (`scripts/install-browser`
//! installs them): the text a reader would select, the page count, and a PNG of each page in
//! `target/screenshots/` for a person to look at.

use std::path::PathBuf;
use std::process::Command;

use crate::support::Client;

/// What poppler read from one PDF.
pub struct Read {
    /// The text, laid out as on the page.
    pub text: String,
    pub pages: usize,
}

/// Downloads `path` and reads it; `None` when poppler is not installed and CI did not ask for
/// it (`TECHREG_E2E=1` makes its absence a failure).
pub async fn download(client: &Client<'_>, path: &str, png_name: &str) -> Option<Read> {
    let res = client
        .http
        .get(client.app.url(path))
        .send()
        .await
        .expect("GET the PDF");
    assert_eq!(res.status().as_u16(), 200, "{path}");
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = res.bytes().await.expect("the PDF's bytes");
    assert!(bytes.starts_with(b"%PDF-"), "{path} is not a PDF");
    read(&bytes, png_name)
}

/// Reads PDF `bytes` with pdftotext and pdfinfo, and writes the pages as PNG.
pub fn read(bytes: &[u8], png_name: &str) -> Option<Read> {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        let strict = std::env::var("TECHREG_E2E").is_ok_and(|v| v == "1");
        assert!(
            !strict,
            "TECHREG_E2E=1 requires pdftotext (scripts/install-browser)"
        );
        eprintln!("PDF text checks skipped: pdftotext is not installed");
        return None;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pdf");
    std::fs::create_dir_all(&dir).expect("a directory for the PDF");
    let file = dir.join(format!("{png_name}.pdf"));
    std::fs::write(&file, bytes).expect("the PDF written");
    let text = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(text.status.success(), "pdftotext: {:?}", text);
    let info = Command::new("pdfinfo")
        .arg(&file)
        .output()
        .expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("the screenshots directory");
    let png = Command::new("pdftoppm")
        .args(["-png", "-r", "100"])
        .arg(&file)
        .arg(shots.join(png_name))
        .status()
        .expect("pdftoppm runs");
    assert!(png.success());
    Some(Read {
        text: String::from_utf8(text.stdout).expect("UTF-8 text"),
        pages,
    })
}
