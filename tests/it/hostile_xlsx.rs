//! Workbooks built to exhaust the server's memory (issue 8, item 1): a shared-strings part that
//! declares a huge `uniqueCount`, and a sheet whose only cells are `A1` and `XFD1048576`. Both
//! are refused or read as the small files they are, on the command line and on the web, and the
//! server keeps serving. The workbooks are written part by part at run time.

use std::io::Write;

use reqwest::multipart::{Form, Part};

use crate::support::{Client, Page, TempFile, TestApp, TestDb, techreg};

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A workbook of one sheet (`sheet` is the inside of `<worksheet>`), with a shared-strings part
/// when `shared_strings` is given (the whole `<sst>` element).
fn workbook(sheet: &str, shared_strings: Option<&str>) -> Vec<u8> {
    let mut parts: Vec<(&str, String)> = vec![
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#
                .to_owned(),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="合同" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{sheet}</worksheet>"#
            ),
        ),
    ];
    if let Some(sst) = shared_strings {
        parts.push((
            "xl/sharedStrings.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{sst}"#),
        ));
    }
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        w.start_file(name, options).expect("zip part");
        w.write_all(text.as_bytes()).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

/// (a) Four shared strings declared as a hundred thousand million, read by a plausible sheet
/// (a header of two known columns and one row).
fn declared_unique_count() -> Vec<u8> {
    let sst = format!(
        r#"<sst xmlns="{MAIN_NS}" count="100000000000" uniqueCount="100000000000"><si><t>status</t></si><si><t>office_code</t></si><si><t>submitted</t></si><si><t>440101</t></si></sst>"#
    );
    workbook(
        r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row></sheetData>"#,
        Some(&sst),
    )
}

/// (b) A header cell in A1 and one value in the sheet's last cell, XFD1048576, with a
/// dimension that spans the whole sheet.
fn last_cell_of_the_sheet() -> Vec<u8> {
    workbook(
        r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>status</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#,
        None,
    )
}

/// What each workbook must be answered with, besides not bringing the process down.
fn cases() -> [(&'static str, Vec<u8>, &'static str); 2] {
    [
        (
            "unique_count.xlsx",
            declared_unique_count(),
            // Read as the two-column file it is: the missing columns are the problem.
            "file: 缺少必需的列“project_name”",
        ),
        (
            "last_cell.xlsx",
            last_cell_of_the_sheet(),
            "row 1048576, XFD: ",
        ),
    ]
}

#[::core::prelude::v1::test]
fn hostile_workbooks_are_refused_on_the_command_line() {
    let test_db = TestDb::new();
    for (name, bytes, expected) in cases() {
        assert!(bytes.len() < 4096, "{name}: {} bytes", bytes.len());
        let file = TempFile::new(name, &bytes);
        let out = techreg(&test_db, &["import", "contracts", file.path()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Exit status 1 is the command line's refusal; an abort has no status code.
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: {:?}\n{stderr}",
            out.status
        );
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(stderr.contains("未写入任何数据"), "{name}: {stderr}");
    }
}

#[actix_web::test]
async fn hostile_workbooks_are_refused_on_the_web_and_the_server_keeps_serving() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    for (name, bytes, expected) in cases() {
        let page = upload(&clerk, name, bytes).await;
        assert_eq!(page.status, 422, "{name}: {}", page.body);
        assert!(
            crate::batch::page_lists(&page.body, expected),
            "{name}: {}",
            page.body
        );
        assert_eq!(clerk.get("/healthz").await.status, 200, "after {name}");
    }
    assert_eq!(app.client().get("/healthz").await.status, 200);
}

/// The page escapes quotes of the problem lines.
async fn upload(c: &Client<'_>, name: &str, bytes: Vec<u8>) -> Page {
    let token = c.get("/imports/contracts").await.csrf();
    let form = Form::new()
        .text("csrf_token", token)
        .part("file", Part::bytes(bytes).file_name(name.to_owned()));
    let res = c
        .http
        .post(c.app.url("/imports/contracts"))
        .multipart(form)
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("POST");
    Page::read(res).await
}
