//! The reader end to end: workbooks written part by part, as other writers (and attackers)
//! write them.

use std::io::{Cursor, Write};

use super::{MAX_CSV_BYTES, first_sheet_as_csv, read_first_sheet};
use crate::domain::contract_file;

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// The parts of a workbook, by name.
#[derive(Clone)]
struct Book(Vec<(String, String)>);

impl Book {
    /// A workbook whose first sheet holds `rows` (the inside of `<sheetData>`), with the usual
    /// relationships (shared strings and styles parts are added with `with`).
    fn new(rows: &str) -> Book {
        Book(vec![
            (
                "_rels/.rels".into(),
                format!(
                    r#"<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml".into(),
                format!(
                    r#"<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><workbookPr/><sheets><sheet name="合同" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels".into(),
                format!(
                    r#"<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>"#
                ),
            ),
            ("xl/worksheets/sheet1.xml".into(), sheet(rows)),
        ])
    }

    fn with(mut self, name: &str, xml: &str) -> Book {
        self.0.retain(|(n, _)| n != name);
        self.0.push((name.into(), xml.into()));
        self
    }

    fn without(mut self, name: &str) -> Book {
        self.0.retain(|(n, _)| n != name);
        self
    }

    fn shared_strings(self, items: &[&str]) -> Book {
        let items: String = items
            .iter()
            .map(|s| format!("<si><t>{s}</t></si>"))
            .collect();
        self.with(
            "xl/sharedStrings.xml",
            &format!(r#"<sst xmlns="{MAIN_NS}">{items}</sst>"#),
        )
    }

    fn zip(&self) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, xml) in &self.0 {
            w.start_file(name.as_str(), options).unwrap();
            w.write_all(xml.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn csv(&self) -> Result<String, crate::input::Problem> {
        first_sheet_as_csv(&self.zip()).map(|b| String::from_utf8(b).unwrap())
    }
}

fn sheet(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// An inline string cell.
fn s(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Styles with cell formats 0 General, 1 built-in date 14, 2 custom date, 3 text, 4 money.
const STYLES: &str = r##"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="#,##0.00&quot;元&quot;"/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="49"/><xf numFmtId="165"/></cellXfs></styleSheet>""##;

#[test]
fn strings_inline_shared_and_rich() {
    let book = Book::new(&format!(
        r#"<row r="1">{}{}{}</row><row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><r><rPr><b/></rPr><t>北京</t></r><r><t xml:space="preserve"> 科技 </t></r><rPh sb="0" eb="2"><t>ペキン</t></rPh></is></c><c r="C2" t="s"><v>1</v></c></row>"#,
        s("A1", "status"),
        s("B1", "project_name"),
        s("C1", "buyer_address"),
    ))
    .with(
        "xl/sharedStrings.xml",
        &format!(
            r#"<sst xmlns="{MAIN_NS}" count="3" uniqueCount="3"><si><t>submitted</t></si><si><r><t>第一行_x000D_</t></r><r><t>
第二行, &quot;引号&quot; &amp; 符号</t></r><rPh><t>ダミー</t></rPh></si></sst>"#
        ),
    );
    assert_eq!(
        book.csv().unwrap(),
        "status,project_name,buyer_address\nsubmitted,北京 科技 ,\"第一行\r\n第二行, \"\"引号\"\" & 符号\"\n"
    );
}

#[test]
fn numbers_and_dates_in_the_1900_system() {
    let rows = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c><c r="C1" t="inlineStr"><is><t>c</t></is></c><c r="D1" t="inlineStr"><is><t>d</t></is></c><c r="E1" t="inlineStr"><is><t>e</t></is></c></row>
        <row r="2"><c r="A2" s="1"><v>59</v></c><c r="B2" s="1"><v>60</v></c><c r="C2" s="1"><v>61</v></c><c r="D2" s="2"><v>46082.5</v></c><c r="E2"><v>46082</v></c></row>
        <row r="3"><c r="A3" s="4"><v>1250000.5</v></c><c r="B3" s="3"><v>12</v></c><c r="C3" t="n"><v>1.0E+2</v></c><c r="D3" s="1"><v>-1</v></c><c r="E3" s="99"><v>0.1</v></c></row>"#;
    let book = Book::new(rows).with("xl/styles.xml", STYLES);
    assert_eq!(
        book.csv().unwrap(),
        "a,b,c,d,e\n1900-02-28,1900-02-29,1900-03-01,2026-03-01,46082\n1250000.5,12,100,-1,0.1\n"
    );
    // Without a styles part no number is a date.
    assert_eq!(
        Book::new(rows).csv().unwrap(),
        "a,b,c,d,e\n59,60,61,46082.5,46082\n1250000.5,12,100,-1,0.1\n"
    );
}

#[test]
fn dates_in_the_1904_system() {
    let book = Book::new(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>signed_on</t></is></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row><row r="2"><c r="A2" s="1"><v>44620</v></c><c r="B2" s="1"><v>0</v></c></row>"#,
    )
    .with("xl/styles.xml", STYLES);
    let book = book.clone().with(
        "xl/workbook.xml",
        &format!(r#"<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><workbookPr date1904="1"/><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
    );
    assert_eq!(book.csv().unwrap(), "signed_on,x\n2026-03-01,1904-01-01\n");
    let book = book.with(
        "xl/workbook.xml",
        &format!(r#"<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><workbookPr date1904="true"/><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
    );
    assert_eq!(book.csv().unwrap(), "signed_on,x\n2026-03-01,1904-01-01\n");
}

#[test]
fn formulas_booleans_errors_and_iso_dates() {
    let book = Book::new(&format!(
        r#"<row r="1">{}{}{}{}{}{}</row><row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2" t="str"><f>A1&amp;"x"</f><v>ax_x000D_</v></c><c r="C2"><f>NOW()</f></c><c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F2" t="d"><v>2026-03-01T00:00:00Z</v></c></row>"#,
        s("A1", "a"),
        s("B1", "b"),
        s("C1", "c"),
        s("D1", "d"),
        s("E1", "e"),
        s("F1", "f"),
    ));
    assert_eq!(
        book.csv().unwrap(),
        "a,b,c,d,e,f\n2,\"ax\r\",,1,#DIV/0!,2026-03-01\n"
    );
}

#[test]
fn prefixed_namespaces() {
    let x = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let book = Book::new("")
        .with(
            "xl/workbook.xml",
            &format!(r#"<x:workbook xmlns:x="{x}" xmlns:rel="{REL_NS}"><x:sheets><x:sheet name="s" sheetId="1" rel:id="rId1"/></x:sheets></x:workbook>"#),
        )
        .with(
            "xl/worksheets/sheet1.xml",
            &format!(r#"<x:worksheet xmlns:x="{x}"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="A2"><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>"#),
        )
        .with(
            "xl/sharedStrings.xml",
            &format!(r#"<x:sst xmlns:x="{x}"><x:si><x:t>a</x:t></x:si></x:sst>"#),
        );
    assert_eq!(book.csv().unwrap(), "a,b\n7,\n");
}

#[test]
fn cells_and_rows_without_references_follow_the_previous_one() {
    let book = Book::new(
        r#"<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c><c r="D1" t="inlineStr"><is><t>d</t></is></c></row><row r="3"><c><v>1</v></c><c><v>2</v></c></row><row><c r="C4"><v>3</v></c><c><v>4</v></c></row><row><c><v>5</v></c></row><row><c r="A8"><v>8</v></c></row>"#,
    );
    // The header has an empty third cell: the header check speaks.
    assert_eq!(
        book.csv().unwrap_err().to_string(),
        "file: 表头第 3 列没有列名"
    );
    let book = Book::new(
        r#"<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c><c t="inlineStr"><is><t>c</t></is></c><c r="D1" t="inlineStr"><is><t>d</t></is></c></row><row r="3"><c><v>1</v></c><c><v>2</v></c></row><row><c r="C4"><v>3</v></c><c><v>4</v></c></row><row><c><v>5</v></c></row><row><c r="A8"><v>8</v></c></row>"#,
    );
    assert_eq!(
        book.csv().unwrap(),
        "a,b,c,d\n\n1,2,,\n,,3,4\n5,,,\n\n\n8,,,\n"
    );
}

#[test]
fn rows_must_come_in_order() {
    let header = format!(r#"<row r="1">{}</row>"#, s("A1", "a"));
    let repeated = Book::new(&format!(
        r#"{header}<row r="2"><c r="A2"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>"#
    ));
    assert_eq!(
        repeated.csv().unwrap_err().to_string(),
        "file: 第一个工作表的行顺序错误：第 2 行出现在第 2 行之后"
    );
    let backwards = Book::new(&format!(
        r#"{header}<row r="5"><c r="A5"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></row>"#
    ));
    assert_eq!(
        backwards.csv().unwrap_err().to_string(),
        "file: 第一个工作表的行顺序错误：第 3 行出现在第 5 行之后"
    );
    // A row without `r` after the last row of the sheet is past it.
    let past = Book::new(&format!(
        r#"{header}<row r="1048576"><c r="A1048576"><v>1</v></c></row><row><c><v>2</v></c></row>"#
    ));
    assert!(
        past.csv()
            .unwrap_err()
            .to_string()
            .contains("行号 1048577 超出")
    );
    let cells_backwards = Book::new(&format!(
        r#"{header}<row r="2"><c r="C2"><v>1</v></c><c r="B2"><v>2</v></c></row>"#
    ));
    assert_eq!(
        cells_backwards.csv().unwrap_err().to_string(),
        "row 2, B: 同一行中单元格的顺序错误（B 列出现在 C 列之后）"
    );
    let wrong_row = Book::new(&format!(
        r#"{header}<row r="2"><c r="A3"><v>1</v></c></row>"#
    ));
    assert_eq!(
        wrong_row.csv().unwrap_err().to_string(),
        "file: 第一个工作表第 2 行中的单元格 A3 不属于该行"
    );
    for bad in ["0", "-1", "abc", "99999999999999999999"] {
        let e = Book::new(&format!(r#"<row r="{bad}"><c><v>1</v></c></row>"#))
            .csv()
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("file: 第一个工作表的行号"), "{bad}: {e}");
    }
    for bad in [
        "1A",
        "A",
        "A0",
        "XFE1",
        "A1048577",
        "AAAAAAAAAAAAAAAAAAAA1",
        "A99999999999999999999",
        "Ａ1",
    ] {
        let e = Book::new(&format!(r#"<row r="1"><c r="{bad}"><v>1</v></c></row>"#))
            .csv()
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("file: 无法读取 Excel 工作簿：单元格引用"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn the_sheet_starts_with_its_header_in_row_1() {
    let later = Book::new(&format!(
        r#"<row r="1"><c r="A1" s="3"/></row><row r="2">{}</row>"#,
        s("A2", "a")
    ));
    assert_eq!(
        later.csv().unwrap_err().to_string(),
        "file: 第一个工作表的第 1 行应为表头（列名）"
    );
    let blank_first = Book::new(&format!(
        r#"<row r="1">{}</row><row r="2">{}</row>"#,
        s("A1", "  "),
        s("A2", "a")
    ));
    assert_eq!(
        blank_first.csv().unwrap_err().to_string(),
        "file: 第一个工作表的第 1 行应为表头（列名）"
    );
    let gap = Book::new(&format!(
        r#"<row r="1">{}{}</row>"#,
        s("A1", "a"),
        s("C1", "c")
    ));
    assert_eq!(
        gap.csv().unwrap_err().to_string(),
        "file: 表头第 2 列没有列名"
    );
    let from_b = Book::new(&format!(r#"<row r="1">{}</row>"#, s("B1", "b")));
    assert_eq!(
        from_b.csv().unwrap_err().to_string(),
        "file: 表头第 1 列没有列名"
    );
    // Trailing empty header cells and trailing empty cells beyond the header are dropped; a
    // header cell is trimmed.
    let trailing = Book::new(&format!(
        r#"<row r="1">{}{}{}<c r="D1" s="3"/></row><row r="2"><c r="A2"><v>1</v></c>{}<c r="F2" s="3"/></row><row r="3">{}</row>"#,
        s("A1", " a "),
        s("B1", "b"),
        s("C1", " "),
        s("E2", " "),
        s("B3", " "),
    ));
    assert_eq!(trailing.csv().unwrap(), "a,b\n1,\n");
    // An empty sheet reads as an empty file; so does a sheet of formatting only.
    assert_eq!(Book::new("").csv().unwrap(), "");
    assert_eq!(
        Book::new(r#"<row r="1" spans="1:3"><c r="A1" s="3"/></row><row r="9"/>"#)
            .csv()
            .unwrap(),
        ""
    );
    let no_data = Book::new("").with(
        "xl/worksheets/sheet1.xml",
        &format!(r#"<worksheet xmlns="{MAIN_NS}"><sheetData/></worksheet>"#),
    );
    assert_eq!(no_data.csv().unwrap(), "");
}

#[test]
fn declared_counts_and_dimensions_are_ignored() {
    let book = Book::new("")
        .with(
            "xl/worksheets/sheet1.xml",
            &format!(r#"<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:XFD1048576"/><sheetData><row r="1" spans="1:16384"><c r="A1" t="s"><v>0</v></c></row><row r="2" spans="1:16384"><c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>"#),
        )
        .with(
            "xl/sharedStrings.xml",
            &format!(r#"<sst xmlns="{MAIN_NS}" count="100000000000" uniqueCount="100000000000"><si><t>status</t></si><si><t>submitted</t></si></sst>"#),
        )
        .with(
            "xl/styles.xml",
            &format!(r#"<styleSheet xmlns="{MAIN_NS}"><numFmts count="18446744073709551615"/><cellXfs count="18446744073709551615"><xf numFmtId="0"/></cellXfs></styleSheet>"#),
        );
    assert!(book.zip().len() < 4096);
    assert_eq!(book.csv().unwrap(), "status\nsubmitted\n");
}

#[test]
fn the_last_cell_of_the_sheet() {
    let header = format!(r#"<row r="1">{}</row>"#, s("A1", "status"));
    let value = Book::new(&format!(
        r#"{header}<row r="1048576">{}</row>"#,
        s("XFD1048576", "x")
    ));
    assert_eq!(
        value.csv().unwrap_err().to_string(),
        "row 1048576, XFD: 该单元格有内容，但合同表最多 64 列（A 至 BL 列），请删除 XFD 列及其右侧的内容"
    );
    // Formatting there is nothing.
    let formatted = Book::new(&format!(
        r#"{header}<row r="1048576"><c r="XFD1048576" s="3"/></row>"#
    ));
    assert_eq!(formatted.csv().unwrap(), "status\n");
    let past = Book::new(&format!(
        r#"{header}<row r="1048577">{}</row>"#,
        s("A1048577", "x")
    ));
    assert_eq!(
        past.csv().unwrap_err().to_string(),
        "file: 第一个工作表的行号 1048577 超出了工作表的行数范围（1 至 1048576）"
    );
}

#[test]
fn a_value_in_the_last_row_keeps_its_row_number() {
    // Every row between is an empty line: about a megabyte, written as it is passed.
    let book = Book::new(&format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        s("A1", "status"),
        s("A1048576", "submitted")
    ));
    let csv = book.csv().unwrap();
    assert_eq!(
        csv.len(),
        "status\n".len() + 1_048_574 + "submitted\n".len()
    );
    assert!(csv.starts_with("status\n\n\n") && csv.ends_with("\n\nsubmitted\n"));
    let records = crate::input::csv_file::read(csv.as_bytes(), &["status"], &[]).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].row, 1_048_576);
}

#[test]
fn columns_past_the_interchange_columns() {
    let width = contract_file::columns().count();
    assert_eq!(super::max_columns(), width + super::EXTRA_COLUMNS);
    // The last column read (BL) reaches the CSV reader, which names the problem.
    let header = format!(r#"<row r="1">{}</row>"#, s("A1", "status"));
    let last = Book::new(&format!(r#"{header}<row r="2">{}</row>"#, s("BL2", "x")));
    let csv = last.csv().unwrap();
    assert_eq!(csv, format!("status\n{}x\n", ",".repeat(63)));
    let next = Book::new(&format!(r#"{header}<row r="2">{}</row>"#, s("BM2", "x")));
    assert!(
        next.csv()
            .unwrap_err()
            .to_string()
            .starts_with("row 2, BM: 该单元格有内容")
    );
    let header_too = Book::new(&format!(
        r#"<row r="1">{}{}</row>"#,
        s("A1", "a"),
        s("ZZ1", "备注")
    ));
    assert!(
        header_too
            .csv()
            .unwrap_err()
            .to_string()
            .starts_with("row 1, ZZ: ")
    );
    // Blank values far right are formatting.
    let blank = Book::new(&format!(
        r#"{header}<row r="2"><c r="A2"><v>1</v></c>{}<c r="XFC2" t="s"/></row>"#,
        s("ZZ2", "  ")
    ));
    assert_eq!(blank.csv().unwrap(), "status\n1\n");
}

#[test]
fn shared_string_references_are_checked() {
    let header = format!(r#"<row r="1">{}</row>"#, s("A1", "status"));
    let book = Book::new(&format!(
        r#"{header}<row r="2"><c r="A2" t="s"><v>2</v></c></row>"#
    ))
    .shared_strings(&["a", "b"]);
    assert_eq!(
        book.csv().unwrap_err().to_string(),
        "row 2, A: 共享字符串编号“2”超出范围（共享字符串表共 2 项）"
    );
    for bad in ["-1", "x", "18446744073709551616", "1.5"] {
        let book = Book::new(&format!(
            r#"{header}<row r="2"><c r="A2" t="s"><v>{bad}</v></c></row>"#
        ))
        .shared_strings(&["a", "b"]);
        assert!(
            book.csv()
                .unwrap_err()
                .to_string()
                .starts_with("row 2, A: 共享字符串编号"),
            "{bad}"
        );
    }
    // No shared-strings part: every index is out of range.
    let none = Book::new(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    assert!(none.csv().unwrap_err().to_string().contains("共 0 项"));
    // An empty value is an empty cell.
    let empty = Book::new(&format!(
        r#"{header}<row r="2"><c r="A2" t="s"><v></v></c><c r="B2" t="s"/></row>"#
    ));
    assert_eq!(empty.csv().unwrap(), "status\n");
}

#[test]
fn cells_are_at_most_32767_characters() {
    let header = format!(r#"<row r="1">{}</row>"#, s("A1", "status"));
    let ok = "中".repeat(32_767);
    let book = Book::new(&format!(r#"{header}<row r="2">{}</row>"#, s("A2", &ok)));
    assert_eq!(book.csv().unwrap(), format!("status\n{ok}\n"));
    let long = "a".repeat(32_768);
    let inline = Book::new(&format!(r#"{header}<row r="2">{}</row>"#, s("A2", &long)));
    assert_eq!(
        inline.csv().unwrap_err().to_string(),
        "row 2, A: 单元格内容超过 32767 个字符（Excel 单元格的上限）"
    );
    let shared = Book::new(&format!(
        r#"{header}<row r="2"><c r="A2" t="s"><v>0</v></c></row>"#
    ))
    .shared_strings(&[&"中".repeat(40_000)]);
    assert_eq!(
        shared.csv().unwrap_err().to_string(),
        "row 2, A: 单元格内容超过 32767 个字符（Excel 单元格的上限）"
    );
}

#[test]
fn a_shared_string_repeated_cannot_multiply_the_text() {
    // 3,000 cells of a 30,000-character string: 90 MB of CSV from a few kilobytes.
    let mut rows = format!(r#"<row r="1">{}</row>"#, s("A1", "status"));
    for r in 2..=100 {
        rows.push_str(&format!(r#"<row r="{r}">"#));
        for c in 0..30 {
            rows.push_str(&format!(
                r#"<c r="{}{r}" t="s"><v>0</v></c>"#,
                super::sheet::column_letters(c)
            ));
        }
        rows.push_str("</row>");
    }
    let book = Book::new(&rows).shared_strings(&[&"x".repeat(30_000)]);
    let bytes = book.zip();
    assert!(bytes.len() < 16 << 10, "{}", bytes.len());
    let e = read_first_sheet(&bytes, 8 << 20).unwrap_err().to_string();
    assert_eq!(
        e,
        "file: 第一个工作表的内容超过 8 MB，请拆分为多个文件，或另存为 CSV（UTF-8）后导入"
    );
    assert_eq!(MAX_CSV_BYTES, 1 << 30);
}

#[test]
fn limits_grow_with_the_workbook_between_a_floor_and_a_ceiling() {
    use super::limits_for;
    assert_eq!(limits_for(2 << 10), (64 << 20, 64 << 20));
    assert_eq!(limits_for(20 << 20), (640 << 20, 320 << 20));
    // A national year (71.5 MB, 587 MB inflated, 149 MB of CSV) fits.
    let (inflated, csv) = limits_for(71_500_000);
    assert!(inflated > 600_000_000 && csv > 150_000_000);
    assert_eq!(limits_for(usize::MAX), (1 << 30, 1 << 30));
}

#[test]
fn parts_are_found_through_the_relationships() {
    let rows = format!(r#"<row r="1">{}</row>"#, s("A1", "a"));
    // Absolute targets, a workbook under another name, the first sheet listed second.
    let book = Book::new("")
        .without("xl/workbook.xml")
        .without("xl/_rels/workbook.xml.rels")
        .without("xl/worksheets/sheet1.xml")
        .with(
            "_rels/.rels",
            &format!(r#"<Relationships xmlns="{PKG_NS}"><Relationship Id="rId3" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="/book/main.xml"/></Relationships>"#),
        )
        .with(
            "book/main.xml",
            &format!(r#"<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="合同" sheetId="2" r:id="rId7"/><sheet name="其他" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        )
        .with(
            "book/_rels/main.xml.rels",
            &format!(r#"<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="/book/sheets/other.xml"/><Relationship Id="rId7" Type="{REL_NS}/worksheet" Target="/book/sheets/first.xml"/><Relationship Id="rId8" Type="{REL_NS}/hyperlink" Target="http://example.invalid/" TargetMode="External"/><Relationship Id="rId9" Type="{REL_NS}/sharedStrings" Target="../strings/s.xml"/></Relationships>"#),
        )
        .with("book/sheets/other.xml", &sheet(&format!(r#"<row r="1">{}</row>"#, s("A1", "other"))))
        .with(
            "book/sheets/first.xml",
            &sheet(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" s="1"><v>46082</v></c></row>"#),
        )
        .with("strings/s.xml", &format!(r#"<sst xmlns="{MAIN_NS}"><si><t>first</t></si></sst>"#))
        .with("book/styles.xml", STYLES);
    // Styles found by the usual name in the workbook's folder, with no relationship.
    assert_eq!(book.csv().unwrap(), "first\n2026-03-01\n");

    // Without package relationships, xl/workbook.xml; part names in another case.
    let plain = Book::new(&rows).without("_rels/.rels");
    assert_eq!(plain.csv().unwrap(), "a\n");
    let upper = Book::new("")
        .without("xl/worksheets/sheet1.xml")
        .with("XL/Worksheets/Sheet1.XML", &sheet(&rows));
    assert_eq!(upper.csv().unwrap(), "a\n");
}

#[test]
fn workbooks_without_a_sheet() {
    let none = Book::new("").with(
        "xl/workbook.xml",
        &format!(r#"<workbook xmlns="{MAIN_NS}"><sheets/></workbook>"#),
    );
    assert_eq!(
        none.csv().unwrap_err().to_string(),
        "file: 工作簿中没有工作表"
    );
    let unrelated = Book::new("").without("xl/_rels/workbook.xml.rels");
    assert_eq!(
        unrelated.csv().unwrap_err().to_string(),
        "file: 无法读取 Excel 工作簿：找不到第一个工作表（关系 rId1）"
    );
    let missing = Book::new("").without("xl/worksheets/sheet1.xml");
    assert_eq!(
        missing.csv().unwrap_err().to_string(),
        "file: 无法读取 Excel 工作簿：缺少工作表部件 xl/worksheets/sheet1.xml"
    );
    let document = Book(vec![("word/document.xml".into(), "<document/>".into())]);
    assert_eq!(
        document.csv().unwrap_err().to_string(),
        "file: 无法读取 Excel 工作簿：缺少工作簿部件 xl/workbook.xml"
    );
}

#[test]
fn broken_xml_is_a_file_problem() {
    let header = format!(r#"<row r="1">{}</row>"#, s("A1", "a"));
    for rows in [
        format!("{header}<row r=\"2\"><c r=\"A2\"><v>1</v></row>"),
        format!(
            "{header}<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>&bogus;</t></is></c></row>"
        ),
        format!("{header}<row r=\"2\"><row r=\"3\"></row></row>"),
        format!("{header}<c r=\"A2\"><v>1</v></c>"),
    ] {
        let e = Book::new(&rows).csv().unwrap_err().to_string();
        assert!(
            e.starts_with("file: 无法读取 Excel 工作簿："),
            "{rows}: {e}"
        );
    }
    let truncated = Book::new("").with(
        "xl/worksheets/sheet1.xml",
        &format!(r#"<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1"><v>1"#),
    );
    assert!(
        truncated
            .csv()
            .unwrap_err()
            .to_string()
            .starts_with("file: 无法读取 Excel 工作簿：")
    );
}

/// Any bytes in any part: an answer, never a panic.
#[test]
fn mangled_workbooks_never_panic() {
    let good = Book::new(&format!(
        r#"<row r="1">{}<c r="B1" t="s"><v>0</v></c></row><row r="2"><c r="A2" s="1"><v>46082</v></c><c r="B2" t="str"><f>x</f><v>a_x000D_</v></c></row><row r="4"><c r="A4" t="b"><v>1</v></c></row>"#,
        s("A1", "a")
    ))
    .shared_strings(&["b"])
    .with("xl/styles.xml", STYLES);
    assert_eq!(good.csv().unwrap(), "a,b\n2026-03-01,\"a\r\"\n\n1,\n");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for part in 0..good.0.len() {
        let xml = good.0[part].1.as_bytes().to_vec();
        // Every prefix of the part.
        for cut in (0..xml.len()).step_by(7) {
            let mut book = good.clone();
            book.0[part].1 = String::from_utf8_lossy(&xml[..cut]).into_owned();
            let _ = book.csv();
        }
        // Bytes replaced by markup and digits.
        for _ in 0..300 {
            let mut bytes = xml.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % bytes.len();
                bytes[at] = b"<>/=\"'&;#x0123456789AZaz_ "[(next() as usize) % 26];
            }
            let mut book = good.clone();
            book.0[part].1 = String::from_utf8_lossy(&bytes).into_owned();
            let _ = book.csv();
        }
    }
    // The archive itself cut short.
    let bytes = good.zip();
    for cut in (0..bytes.len()).step_by(13) {
        let _ = first_sheet_as_csv(&bytes[..cut]);
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Arbitrary sheet XML, made mostly of the markup the reader looks for.
        #[test]
        fn arbitrary_sheets_never_panic(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("<row>".to_owned()), Just("</row>".to_owned()),
                    Just("<c>".to_owned()), Just("</c>".to_owned()),
                    Just("<v>".to_owned()), Just("</v>".to_owned()),
                    Just("<is><t>".to_owned()), Just("</t></is>".to_owned()),
                    Just("<c t=\"s\">".to_owned()), Just("<c t=\"inlineStr\">".to_owned()),
                    "<row r=\"[0-9]{1,8}\">",
                    "<c r=\"[A-Z]{1,4}[0-9]{1,8}\" s=\"[0-9]{1,2}\">",
                    "[a-z0-9_&;#.]{0,6}",
                ],
                0..40,
            ),
        ) {
            let book = Book::new(&pieces.concat()).shared_strings(&["a"]).with("xl/styles.xml", STYLES);
            let _ = book.csv();
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
            let book = Book::new("").with("xl/worksheets/sheet1.xml", &text).with("xl/sharedStrings.xml", &text).with("xl/styles.xml", &text);
            let _ = book.csv();
            let _ = super::super::sheet::parse_reference(&text);
            let mut out = String::new();
            super::super::strings::push_unescaped(&mut out, &text);
            let _ = super::super::styles::is_date_format(&text);
        }

        #[test]
        fn serials_never_panic(serial in proptest::num::f64::ANY, date1904: bool) {
            let _ = super::super::styles::serial_date(serial, date1904);
            let _ = super::super::styles::number_text(serial);
        }
    }
}
