//! Batch import and export of contracts (interchange.md §1): the problem lines, all-or-nothing,
//! registered history and its serial counters, XLSX, the round trip through the command line,
//! and the upload page.

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;
use reqwest::multipart::{Form, Part};

use crate::fixtures::{day, id_number, today, valid_fields};
use crate::support::{Client, Page, TempFile, TestApp, TestDb, techreg, text};
use techreg::audit::Actor;
use techreg::batch::{self, ImportProblems, ImportSummary, Importer};
use techreg::db::{self, DbConn, DbPool};
use techreg::domain::contract_file;
use techreg::export::{contracts_csv, csv_line, workbook};
use techreg::input::xlsx;

// ---------------------------------------------------------------------------------------------
// Fixtures

/// One row of a contracts file, by column name.
#[derive(Debug, Clone)]
pub(crate) struct Row(Vec<(String, String)>);

impl Row {
    /// A valid `submitted` row of office 440101 (广州): seller in 广州, buyer in 北京, signed
    /// two months ago.
    pub(crate) fn submitted(category: &str, project: &str) -> Row {
        let mut f = vec![
            ("status".to_owned(), "submitted".to_owned()),
            ("office_code".to_owned(), "440101".to_owned()),
        ];
        f.extend(valid_fields(category, project));
        Row(f)
    }

    /// A valid historical `registered` row (office and year taken from the number).
    pub(crate) fn registered(
        category: &str,
        project: &str,
        number: &str,
        registered_on: &str,
    ) -> Row {
        let year = &number[..4];
        Row::submitted(category, project)
            .set("status", "registered")
            .set("registration_number", number)
            .set("office_code", &number[4..10])
            .set("registered_on", registered_on)
            .set("signed_on", &format!("{year}-01-05"))
            .set("valid_from", &format!("{year}-01-05"))
            .set("valid_to", &format!("{year}-12-31"))
    }

    /// The same 成交额 and 技术交易额 (元).
    pub(crate) fn amount(self, yuan: &str) -> Row {
        self.set("total_amount_yuan", yuan)
            .set("technical_amount_yuan", yuan)
    }

    pub(crate) fn set(mut self, column: &str, value: &str) -> Row {
        match self.0.iter_mut().find(|(k, _)| k == column) {
            Some((_, v)) => *v = value.to_owned(),
            None => self.0.push((column.to_owned(), value.to_owned())),
        }
        self
    }

    fn get(&self, column: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == column)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Values in interchange column order.
    fn values(&self) -> Vec<String> {
        contract_file::columns()
            .map(|c| self.get(c).to_owned())
            .collect()
    }

    fn line(&self) -> String {
        let mut out = String::new();
        let values = self.values();
        csv_line::push_record(&mut out, values.iter().map(String::as_str));
        out
    }
}

pub(crate) fn csv(rows: &[Row]) -> String {
    let mut out = contracts_csv::header_line();
    for r in rows {
        out.push_str(&r.line());
    }
    out
}

/// A migrated database with the demo offices and accounts, without a web server.
struct Seeded {
    pool: DbPool,
    _db: TestDb,
}

impl Seeded {
    fn new() -> Seeded {
        let test_db = TestDb::new();
        let pool = db::open(&test_db.url, 2).expect("open test database");
        techreg::demo::seed_accounts_if_empty(&mut pool.get().expect("conn")).expect("demo seed");
        Seeded { pool, _db: test_db }
    }

    fn import(
        &self,
        importer: Importer,
        name: &str,
        bytes: &[u8],
    ) -> Result<ImportSummary, ImportProblems> {
        let mut conn = self.pool.get().expect("conn");
        batch::import_file(&mut conn, &Actor::cli(), &importer, name, bytes, db::now())
    }

    fn operator(&self, text: &str) -> Result<ImportSummary, ImportProblems> {
        self.import(Importer::Operator, "contracts.csv", text.as_bytes())
    }

    fn problems(&self, text: &str) -> Vec<String> {
        let before = self.contracts();
        let lines = match self.operator(text) {
            Ok(s) => panic!("expected problems, imported: {s:?}"),
            Err(p) => p.lines,
        };
        assert_eq!(
            self.contracts(),
            before,
            "nothing is written when a row fails"
        );
        lines
    }

    fn contracts(&self) -> i64 {
        use techreg::db::schema::contracts;
        let mut conn = self.pool.get().expect("conn");
        let c: &mut DbConn = &mut conn;
        contracts::table.count().get_result(c).expect("count")
    }

    fn clerk(&self, username: &str) -> Importer {
        let mut conn = self.pool.get().expect("conn");
        let account = db::users::find_by_username(&mut conn, username)
            .expect("query")
            .expect("demo account");
        Importer::of(&account).expect("an importer")
    }
}

/// The line for `row` and `column`, panicking with every line when there is none.
fn line_for<'a>(lines: &'a [String], row: usize, column: &str) -> &'a str {
    let prefix = format!("row {row}, {column}: ");
    lines
        .iter()
        .find(|l| l.starts_with(&prefix) && !l[prefix.len()..].starts_with("警告："))
        .unwrap_or_else(|| panic!("no error for row {row}, {column} in {lines:#?}"))
}

// ---------------------------------------------------------------------------------------------
// The service

#[::core::prelude::v1::test]
fn problem_lines_have_the_exact_format() {
    let s = Seeded::new();
    let good = Row::submitted("11", "项目甲");
    let same_parties = Row::submitted("11", "项目丙")
        .set("buyer_name", "广州智造科技有限公司")
        .set("buyer_uscc", good.get("seller_uscc"))
        .set("buyer_admin_code", "440106")
        .set("buyer_nature_code", "150");
    let small = Row::submitted("11", "项目丁")
        .amount("800")
        .set("non_technical_note", "");
    let mut text = csv(&[
        good.clone(),
        Row::submitted("11", "项目乙").set("technical_amount_yuan", "1300000.00"),
    ]);
    text.push('\n'); // a blank line is row 4
    for r in [&same_parties, &good, &small] {
        text.push_str(&r.line());
    }
    let lines = s.problems(&text);
    assert_eq!(
        lines,
        [
            "row 3, technical_amount_yuan: 技术交易额不能大于成交额（1250000.00 元）",
            "row 5, buyer_name: 买方与卖方不能是同一当事人（统一社会信用代码相同）",
            "row 6, project_name: 与第 2 行重复：卖方、买方、签订日期和项目名称均相同",
            "row 7, total_amount_yuan: 警告：成交额不足 1000 元，请确认单位是元而不是万元",
        ]
    );
    let p = s.operator(&text).unwrap_err();
    assert_eq!(p.errors, 3);
    assert_eq!(
        p.describe(),
        "导入失败：共 3 处错误（另有 1 条警告），未写入任何数据"
    );

    // The same file without its errors imports, and the warning is still reported.
    let summary = s
        .operator(&csv(&[good.clone(), small.clone()]))
        .expect("imports");
    assert_eq!(
        (summary.rows, summary.submitted, summary.registered),
        (2, 2, 0)
    );
    assert_eq!(
        summary.warnings,
        ["row 3, total_amount_yuan: 警告：成交额不足 1000 元，请确认单位是元而不是万元"]
    );
    assert_eq!(s.contracts(), 2);

    // Filed contracts are duplicates now.
    let again = s.problems(&csv(&[good]));
    assert!(
        again[0].starts_with("row 2, project_name: 重复登记：与待审核的合同 #"),
        "{again:?}"
    );
}

#[::core::prelude::v1::test]
fn malformed_values_are_reported_cell_by_cell() {
    let s = Seeded::new();
    let base = || Row::submitted("11", "格式测试");
    let rows = [
        base().set("total_amount_yuan", "12,5OO"), // 2: malformed number
        base().set("category_code", "1111"),       // 3: wrong code length
        base().set("tech_field_code", "99"),       // 4: unknown code
        base().set("seller_uscc", "91440106MA59ABCDE0"), // 5: bad check character
        base().set("signed_on", "2090-01-01"),     // 6: far future
        base()
            .set("valid_from", &day(today()))
            .set("valid_to", &day(today() - Duration::days(1))), // 7: inverted dates
        base().set("project_name", &"长".repeat(201)), // 8: over-long text
        base().set("buyer_admin_code", "1101"),    // 9: wrong length
        base().set("plan_code", "777"),            // 10: unknown plan
        base()
            .set("buyer_nature_code", "600")
            .set("buyer_representative", "")
            .set("buyer_uscc", "110105194912310021"), // 11: ID check character
        base().set("signed_on", "2026-02-30"),     // 12: no such day
        base().set("total_amount_yuan", "-5"),     // 13: negative
        base().set("expected_output_yuan", "100"), // 14: transfer-only field
        base().set("seller_country_code", "14"),   // 15: country length
        base().set("is_related", "yes"),           // 16
    ];
    let lines = s.problems(&csv(&rows));
    for (row, column) in [
        (2, "total_amount_yuan"),
        (3, "category_code"),
        (4, "tech_field_code"),
        (5, "seller_uscc"),
        (6, "signed_on"),
        (7, "valid_to"),
        (8, "project_name"),
        (9, "buyer_admin_code"),
        (10, "plan_code"),
        (11, "buyer_uscc"),
        (12, "signed_on"),
        (13, "total_amount_yuan"),
        (14, "expected_output_yuan"),
        (15, "seller_country_code"),
        (16, "is_related"),
    ] {
        line_for(&lines, row, column);
    }
    assert!(line_for(&lines, 8, "project_name").contains("不能超过 200 个字"));
    assert!(line_for(&lines, 5, "seller_uscc").contains("校验位"));
    for l in &lines {
        assert!(l.starts_with("row "), "{l}");
    }
    // Markup in a text field is just text for the import; only the page must escape it.
    let markup = Row::submitted("11", "<script>alert(1)</script>项目");
    s.operator(&csv(&[markup])).expect("markup is text");
}

#[::core::prelude::v1::test]
fn system_columns_are_checked_too() {
    let s = Seeded::new();
    let rows = [
        Row::submitted("11", "a").set("status", "approved"),
        Row::submitted("11", "b").set("registration_number", "2026440101000001"),
        Row::submitted("11", "c").set("registered_on", "2026-01-01"),
        Row::submitted("11", "d").set("office_code", "440199"),
        Row::submitted("11", "e").set("office_code", "44010"),
        Row::registered("11", "f", "2025440101000001", "2025-06-01").set("registration_number", ""),
        Row::registered("11", "g", "2025440101000002", "2024-06-01"),
        Row::registered("11", "h", "2025440301000003", "2025-06-01").set("office_code", "440101"),
        Row::registered("11", "i", "2025440101000004", ""),
        Row::registered("11", "j", "20254401010000", "2025-06-01"),
        Row::registered("11", "k", "2025440101000005", "2025-06-01"),
        Row::registered("11", "l", "2025440101000005", "2025-06-02"),
        Row::submitted("11", "m").set("status", ""),
    ];
    let lines = s.problems(&csv(&rows));
    assert_eq!(
        line_for(&lines, 2, "status"),
        "row 2, status: 状态应为 submitted（待审核）或 registered（已登记），现为“approved”"
    );
    line_for(&lines, 3, "registration_number");
    line_for(&lines, 4, "registered_on");
    assert_eq!(
        line_for(&lines, 5, "office_code"),
        "row 5, office_code: 登记机构 440199 不存在（请先导入登记机构）"
    );
    line_for(&lines, 6, "office_code");
    line_for(&lines, 7, "registration_number");
    assert!(line_for(&lines, 8, "registration_number").contains("年份"));
    assert!(line_for(&lines, 9, "registration_number").contains("440301"));
    line_for(&lines, 10, "registered_on");
    line_for(&lines, 11, "registration_number");
    assert_eq!(
        line_for(&lines, 13, "registration_number"),
        "row 13, registration_number: 合同登记编号 2025440101000005 与第 12 行重复"
    );
    line_for(&lines, 14, "status");
    // A malformed office leaves the office's territory unjudged, not the other fields.
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("row 6, seller_admin_code")),
        "{lines:#?}"
    );
}

#[::core::prelude::v1::test]
fn whole_file_problems() {
    let s = Seeded::new();
    assert_eq!(s.problems(""), ["file: 文件为空"]);
    assert_eq!(
        s.problems(&contracts_csv::header_line()),
        ["file: 文件中没有数据行"]
    );
    let wrong = s.problems("status,office_code,colour\nsubmitted,440101,red\n");
    assert!(
        wrong.contains(&"file: 未知的列“colour”（第 3 列）".to_owned()),
        "{wrong:?}"
    );
    assert!(
        wrong.contains(&"file: 缺少必需的列“project_name”".to_owned()),
        "{wrong:?}"
    );
    let binary = s.import(Importer::Operator, "x.csv", &[0, 159, 146, 150, 255]);
    assert!(binary.unwrap_err().lines[0].starts_with("file: 无法识别文件编码"));
    let xls = s.import(
        Importer::Operator,
        "old.xls",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
    );
    assert!(xls.unwrap_err().lines[0].contains(".xls"));
    let fake = s.import(Importer::Operator, "a.xlsx", b"PK\x03\x04broken");
    assert!(fake.unwrap_err().lines[0].starts_with("file: 无法读取 Excel 工作簿"));
    assert_eq!(s.contracts(), 0);
}

#[::core::prelude::v1::test]
fn gb18030_files_with_crlf_and_a_bom_free_header_import() {
    let s = Seeded::new();
    let text = csv(&[
        Row::submitted("11", "国标编码项目"),
        Row::submitted("43", "技术培训项目"),
    ])
    .replace('\n', "\r\n");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    assert!(std::str::from_utf8(&bytes).is_err());
    let summary = s
        .import(Importer::Operator, "gbk.csv", &bytes)
        .expect("GB18030 imports");
    assert_eq!(summary.submitted, 2);
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(csv(&[Row::submitted("12", "带 BOM 的项目")]).as_bytes());
    s.import(Importer::Operator, "bom.csv", &with_bom)
        .expect("a BOM is accepted");
}

#[::core::prelude::v1::test]
fn xlsx_files_import_with_text_codes_and_date_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let s = Seeded::new();
    let row = Row::submitted("21", "表格项目");
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (c, name) in contract_file::columns().enumerate() {
        let c = c as u16;
        sheet.write_string(0, c, name).unwrap();
        let v = row.get(name);
        match name {
            "signed_on" | "valid_from" | "valid_to" => {
                let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap();
                let cell = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                    .unwrap();
                sheet
                    .write_datetime_with_format(1, c, &cell, &date_format)
                    .unwrap();
            }
            "total_amount_yuan" | "technical_amount_yuan" | "expected_output_yuan" => {
                sheet.write_number(1, c, v.parse::<f64>().unwrap()).unwrap();
            }
            _ if !v.is_empty() => {
                sheet.write_string(1, c, v).unwrap();
            }
            _ => {}
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let summary = s
        .import(Importer::Operator, "合同.xlsx", &bytes)
        .expect("xlsx imports");
    assert_eq!(summary.submitted, 1);

    // The template, filled in, imports too (rows as text cells below the header).
    let filled = workbook::template(&[
        Row::submitted("42", "模板项目一").values(),
        vec![String::new(); contract_file::columns().count()],
        Row::submitted("30", "模板项目二").values(),
    ])
    .unwrap();
    let summary = s
        .import(Importer::Operator, "模板.xlsx", &filled)
        .expect("the filled template imports");
    assert_eq!(summary.submitted, 2);

    // Row numbers are the sheet's: a bad cell in sheet row 4 is row 4.
    let bad = workbook::template(&[
        Row::submitted("11", "模板项目三").values(),
        vec![String::new(); contract_file::columns().count()],
        Row::submitted("11", "模板项目四")
            .set("payment_code", "8")
            .values(),
    ])
    .unwrap();
    let lines = s
        .import(Importer::Operator, "bad.xlsx", &bad)
        .unwrap_err()
        .lines;
    assert_eq!(lines, ["row 4, payment_code: 支付方式代码“8”不存在"]);
}

#[::core::prelude::v1::test]
fn the_party_directory_is_kept_as_a_filing_keeps_it() {
    use techreg::db::schema::{contracts, parties};
    let s = Seeded::new();
    s.operator(&csv(&[Row::submitted("11", "名录一")])).unwrap();
    let changed = Row::submitted("11", "名录二").set("seller_phone", "020-12345678");
    let person = Row::submitted("12", "名录三")
        .set("buyer_name", "张某某")
        .set("buyer_nature_code", "600")
        .set("buyer_uscc", &id_number("11010519491231002"))
        .set("buyer_admin_code", "110105")
        .set("buyer_representative", "");
    // The last row naming a party has the say, as the last of several filings would.
    let summary = s.operator(&csv(&[person, changed])).unwrap();
    assert_eq!((summary.parties_added, summary.parties_updated), (1, 1));
    let mut conn = s.pool.get().unwrap();
    let c: &mut DbConn = &mut conn;
    let phones: Vec<(String, String)> = parties::table
        .select((parties::phone, parties::updated_by))
        .filter(parties::name.eq("广州智造科技有限公司"))
        .load(c)
        .unwrap();
    assert_eq!(phones.len(), 1);
    assert_eq!(phones[0].0, "020-12345678");
    assert!(phones[0].1.starts_with("cli:"));
    let unlinked: i64 = contracts::table
        .filter(
            contracts::seller_party_id
                .is_null()
                .or(contracts::buyer_party_id.is_null()),
        )
        .count()
        .get_result(c)
        .unwrap();
    assert_eq!(unlinked, 0, "every contract points at its parties");
    let audit: Vec<String> = techreg::db::schema::audit_log::table
        .filter(techreg::db::schema::audit_log::action.like("contract.%"))
        .select(techreg::db::schema::audit_log::action)
        .load(c)
        .unwrap();
    assert_eq!(
        audit,
        ["contract.import", "contract.import"],
        "one entry per import"
    );
}

#[::core::prelude::v1::test]
fn a_duplicate_of_a_registered_contract_names_its_number() {
    let s = Seeded::new();
    let first = Row::registered("11", "已登记的重复", "2025440101000001", "2025-05-05");
    s.operator(&csv(std::slice::from_ref(&first)))
        .expect("imported");
    let again = first.set("registration_number", "2025440101000002");
    let lines = s.problems(&csv(&[again]));
    assert!(
        lines[0]
            .starts_with("row 2, project_name: 重复登记：与已登记的合同 2025 4401 01 000001（#"),
        "{lines:?}"
    );
}

#[::core::prelude::v1::test]
fn a_clerk_imports_only_its_offices_submitted_rows() {
    let s = Seeded::new();
    let clerk = s.clerk("gz_clerk");
    let rows = [
        Row::submitted("11", "本机构"),
        Row::submitted("11", "他机构").set("office_code", "440301"),
        Row::registered("11", "历史", "2025440101000001", "2025-05-05"),
    ];
    let lines = s
        .import(clerk.clone(), "c.csv", csv(&rows).as_bytes())
        .unwrap_err()
        .lines;
    assert_eq!(
        lines,
        [
            "row 3, office_code: 登记员只能导入本登记机构（440101）的合同，此行的登记机构为 440301",
            "row 4, status: 登记员只能导入待审核（submitted）的合同；已登记（registered）的历史合同须由部级用户或在命令行导入",
        ]
    );
    let summary = s
        .import(clerk, "c.csv", csv(&rows[..1]).as_bytes())
        .expect("own office");
    assert_eq!(summary.submitted, 1);
}

// ---------------------------------------------------------------------------------------------
// The command line

const OFFICES: &str = "office_code,name,authority_code\n440101,广州市技术合同登记处,440000\n440301,深圳市技术合同登记处,440300\n110101,北京技术市场管理办公室登记处,110000\n";

pub(crate) fn db_with_offices() -> TestDb {
    let test_db = TestDb::new();
    let offices = TempFile::new("offices.csv", OFFICES.as_bytes());
    let out = techreg(&test_db, &["import", "offices", offices.path()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    test_db
}

/// A 技术培训 row whose buyer is a natural person (ID number, no representative).
fn trained_person(row: Row) -> Row {
    row.set("buyer_name", "张某某")
        .set("buyer_nature_code", "600")
        .set("buyer_uscc", &id_number("11010519491231002"))
        .set("buyer_admin_code", "110105")
        .set("buyer_representative", "")
        .amount("20000")
        .set("non_technical_note", "")
}

/// Registered history of 2025 with every kind of party and text that needs quoting.
fn history() -> Vec<Row> {
    vec![
        Row::registered(
            "11",
            "委托开发, 含逗号的“项目”",
            "2025440101000123",
            "2025-06-01",
        ),
        Row::registered("21", "专利权转让 \"甲\"", "2025440101000007", "2025-03-15")
            .set("expected_investment_yuan", "3000000")
            .set("expected_output_yuan", "8000000.5"),
        Row::registered("42", "技术中介", "2025440301000001", "2025-12-31"),
        Row::registered("30", "境外买方咨询", "2025110101000050", "2025-07-01")
            .set("buyer_name", "ACME Research Inc.")
            .set("buyer_country_code", "502")
            .set("buyer_admin_code", "")
            .set("buyer_uscc", "")
            .set("buyer_nature_code", "500")
            .set("buyer_zipcode", "CA 94105")
            .set("buyer_address", "")
            .set("buyer_representative", "")
            .set("buyer_contact", "")
            .set("buyer_phone", ""),
        trained_person(Row::registered(
            "43",
            "个人受训",
            "2025440101000200",
            "2025-09-09",
        ))
        .set("is_related", "1"),
        Row::registered("12", "往年合同", "2024440101000050", "2024-11-30"),
        Row::submitted("11", "待审核合同不导出"),
    ]
}

#[::core::prelude::v1::test]
fn registered_history_moves_the_serial_counters() {
    let test_db = db_with_offices();
    let file = TempFile::new("history.csv", csv(&history()).as_bytes());
    let out = techreg(&test_db, &["import", "contracts", file.path()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("待审核 1 份，已登记 6 份"),
        "{}",
        text(&out.stdout)
    );

    let pool = db::open(&test_db.url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let next = |c: &mut DbConn, office: &str, year: i32| {
        db::registration_counters::next_serial(c, office, year).unwrap()
    };
    assert_eq!(next(&mut conn, "440101", 2025), 201);
    assert_eq!(next(&mut conn, "440301", 2025), 2);
    assert_eq!(next(&mut conn, "110101", 2025), 51);
    assert_eq!(next(&mut conn, "440101", 2024), 51);
    assert_eq!(next(&mut conn, "440101", 2023), 1);

    // A lower serial later never moves a counter back.
    let low = TempFile::new(
        "low.csv",
        csv(&[Row::registered(
            "11",
            "补录",
            "2025440101000010",
            "2025-02-01",
        )])
        .as_bytes(),
    );
    assert!(
        techreg(&test_db, &["import", "contracts", low.path()])
            .status
            .success()
    );
    assert_eq!(next(&mut conn, "440101", 2025), 201);

    // The same file again: every number is taken and every contract a duplicate.
    let again = techreg(&test_db, &["import", "contracts", file.path()]);
    assert!(!again.status.success());
    let stderr = text(&again.stderr);
    assert!(
        stderr.contains(
            "row 2, registration_number: 合同登记编号 2025440101000123 已被系统中的其他合同使用"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("row 2, project_name: 重复登记"), "{stderr}");
    assert!(stderr.contains("错误：导入失败"), "{stderr}");
    for line in stderr.lines().filter(|l| !l.starts_with("错误：")) {
        assert!(
            line.starts_with("row ") || line.starts_with("file: "),
            "{line}"
        );
    }
}

#[::core::prelude::v1::test]
fn export_import_export_is_byte_identical() {
    let first = db_with_offices();
    let file = TempFile::new("history.csv", csv(&history()).as_bytes());
    assert!(
        techreg(&first, &["import", "contracts", file.path()])
            .status
            .success()
    );
    // A cancelled contract is not exported.
    {
        let pool = db::open(&first.url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        let c: &mut DbConn = &mut conn;
        use techreg::db::schema::contracts;
        diesel::update(
            contracts::table.filter(contracts::registration_number.eq("2025440101000007")),
        )
        .set(contracts::status.eq("cancelled"))
        .execute(c)
        .unwrap();
    }
    let out_a = TempFile::new("a.csv", b"");
    let args = [
        "export",
        "contracts",
        "--year",
        "2025",
        "--out",
        out_a.path(),
    ];
    // The file exists: refused unless --force, and left as it was.
    let refused = techreg(&first, &args);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("已存在；如需覆盖请加 --force"));
    assert_eq!(std::fs::read(out_a.path()).unwrap(), b"");
    let export = techreg(&first, &[&args[..], &["--force"]].concat());
    assert!(export.status.success(), "{}", text(&export.stderr));
    let a = std::fs::read_to_string(out_a.path()).unwrap();

    let lines: Vec<&str> = a.lines().collect();
    assert_eq!(format!("{}\n", lines[0]), contracts_csv::header_line());
    assert_eq!(
        lines.len(),
        5,
        "4 registered in 2025 (1 cancelled, 1 of 2024, 1 submitted): {a}"
    );
    let numbers: Vec<&str> = lines[1..].iter().map(|l| &l[..16]).collect();
    assert_eq!(
        numbers,
        [
            "2025110101000050",
            "2025440101000123",
            "2025440101000200",
            "2025440301000001"
        ]
    );
    assert!(a.ends_with('\n') && !a.contains('\r'));
    assert!(
        lines[2].contains(",\"委托开发, 含逗号的“项目”\","),
        "{}",
        lines[2]
    );
    assert!(lines[2].contains(",1250000.00,1200000.00,"), "{}", lines[2]);
    assert!(lines[3].contains(",20000.00,20000.00,"), "{}", lines[3]);

    let second = db_with_offices();
    let import = techreg(&second, &["import", "contracts", out_a.path()]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    let b = techreg(&second, &["export", "contracts", "--year", "2025"]);
    assert!(b.status.success(), "{}", text(&b.stderr));
    assert_eq!(text(&b.stdout), a, "the round trip changes nothing");

    let empty = techreg(&second, &["export", "contracts", "--year", "2019"]);
    assert_eq!(text(&empty.stdout), contracts_csv::header_line());
}

#[::core::prelude::v1::test]
fn cli_errors_exit_non_zero_and_write_nothing() {
    let test_db = db_with_offices();
    let bad = TempFile::new(
        "bad.csv",
        csv(&[
            Row::submitted("11", "好行"),
            Row::submitted("11", "坏行").set("total_amount_yuan", "abc"),
        ])
        .as_bytes(),
    );
    let out = techreg(&test_db, &["import", "contracts", bad.path()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("row 3, total_amount_yuan: "),
        "problem lines first: {stderr}"
    );
    let pool = db::open(&test_db.url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    assert_eq!(
        db::contracts::count(&mut conn, &techreg::domain::role::Scope::Nation).unwrap(),
        0
    );
    let missing = techreg(&test_db, &["import", "contracts", "/nonexistent/file.csv"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("文件不存在：/nonexistent/file.csv"));
}

// ---------------------------------------------------------------------------------------------
// The upload page

/// Uploads a contracts file on the import page, as the browser does.
/// Whether an import page lists problem `line` (`row N, column: 说明` or `file: 说明`, as the
/// download and the command line give it): its row, its column and its message (HTML-escaped,
/// without the 警告： of a warning) in the page's problem table.
pub fn page_lists(body: &str, line: &str) -> bool {
    let escape = |s: &str| {
        s.replace('&', "&#38;")
            .replace('<', "&#60;")
            .replace('>', "&#62;")
            .replace('"', "&#34;")
    };
    let parsed = line.strip_prefix("row ").and_then(|rest| {
        let (n, rest) = rest.split_once(", ")?;
        let (column, message) = rest.split_once(':')?;
        Some((n, column, message.trim_start()))
    });
    match parsed {
        Some((n, column, message)) => {
            let message = message.strip_prefix("警告：").unwrap_or(message);
            let cell = format!("<td class=\"num\">{n}</td>");
            body.match_indices(&cell).any(|(at, _)| {
                let rest = &body[at..];
                let row = &rest[..rest.find("</tr>").unwrap_or(rest.len())];
                row.contains(&format!("<span class=\"muted mono\">{column}</span>"))
                    && row.contains(&escape(message))
            })
        }
        None => body.contains(&escape(line.strip_prefix("file: ").unwrap_or(line))),
    }
}

pub async fn upload(c: &Client<'_>, name: &str, bytes: Vec<u8>) -> Page {
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

#[actix_web::test]
async fn a_clerk_uploads_the_offices_submitted_contracts() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let page = clerk.get("/imports/contracts").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/imports/contracts/template.xlsx"));
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(
        page.body.contains("registration_number"),
        "the format summary"
    );

    let ok = upload(
        &clerk,
        "批量.csv",
        csv(&[
            Row::submitted("11", "<b>网页导入</b>一"),
            Row::submitted("24", "网页导入二")
                .amount("900")
                .set("non_technical_note", ""),
        ])
        .into_bytes(),
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let location = ok.location.clone().unwrap();
    assert!(
        location.starts_with("/imports/contracts?report="),
        "{location}"
    );
    let shown = clerk.get(&location).await;
    assert!(
        shown.body.contains("已导入 2 行：待审核 2 份"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("批量导入完成"));
    assert!(shown.body.contains("警告"), "the warning of row 3 is shown");
    let list = clerk.get("/contracts?status=submitted").await;
    assert!(
        list.body.contains("&#60;b&#62;网页导入&#60;/b&#62;一"),
        "{}",
        list.body
    );

    // The same file again: each row repeats a filed contract, which the page links to.
    let again = upload(
        &clerk,
        "再次.csv",
        csv(&[Row::submitted("11", "<b>网页导入</b>一")]).into_bytes(),
    )
    .await;
    assert_eq!(again.status, 422);
    let first_id: i64 = {
        use diesel::prelude::*;
        use techreg::db::schema::contracts;
        contracts::table
            .filter(contracts::project_name.eq("<b>网页导入</b>一"))
            .select(contracts::id)
            .first(&mut *app.conn())
            .unwrap()
    };
    assert!(
        again
            .body
            .contains(&format!("重复登记：与待审核的合同 #{first_id} 的"))
            && again
                .body
                .contains(&format!("<a href=\"/contracts/{first_id}\">查看该合同</a>")),
        "{}",
        again.body
    );

    // Another office's rows, a registered row and markup in an echoed value.
    let bad = upload(
        &clerk,
        "bad.csv",
        csv(&[
            Row::submitted("11", "别处").set("office_code", "440301"),
            Row::registered("11", "历史", "2025440101000001", "2025-05-05"),
            Row::submitted("11", "脚本").set("category_code", "<script>x</script>"),
        ])
        .into_bytes(),
    )
    .await;
    assert_eq!(bad.status, 422);
    // On the page: a table of row, column (its zh label beside its name) and what to correct,
    // errors apart from warnings; the download keeps the interchange lines.
    assert!(
        bad.body.contains("错误（3 条，须更正后重新导入）"),
        "{}",
        bad.body
    );
    assert!(
        !bad.body.contains("警告（"),
        "no warnings listed: {}",
        bad.body
    );
    assert!(
        bad.body.contains(
            "<td class=\"num\">2</td>\n    <td>登记机构代码<br><span class=\"muted mono\">office_code</span></td>\n    <td>登记员只能导入本登记机构（440101）的合同，此行的登记机构为 440301</td>"
        ),
        "{}",
        bad.body
    );
    assert!(
        bad.body
            .contains("<td>状态<br><span class=\"muted mono\">status</span></td>")
    );
    assert!(bad.body.contains("登记员只能导入待审核（submitted）的合同"));
    assert!(!bad.body.contains("<script>x"), "markup is escaped");
    assert!(bad.body.contains("&#60;script&#62;"), "{}", bad.body);
    let link_start = bad.body.find("/imports/reports/").expect("a download link");
    let link: String = bad.body[link_start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let download = clerk.get(&link).await;
    assert_eq!(download.status, 200);
    assert!(
        download
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain; charset=utf-8"))
    );
    assert!(
        download.body.starts_with("row 2, office_code: "),
        "{}",
        download.body
    );
    assert!(download.body.ends_with('\n'));
    assert!(
        download.body.contains("<script>"),
        "the text file holds the text as is"
    );
    // Only its owner may download it.
    let ministry = app.signed_in("ministry").await;
    assert_eq!(ministry.get(&link).await.status, 404);

    // More rows than one multi-row INSERT takes, through the web server's worker threads.
    let many: Vec<Row> = (0..230)
        .map(|i| {
            Row::submitted(
                ["11", "21", "30", "42", "43"][i % 5],
                &format!("批量项目 {i}"),
            )
        })
        .collect();
    let ok = upload(&clerk, "many.csv", csv(&many).into_bytes()).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let shown = clerk.get(ok.location.as_deref().unwrap()).await;
    assert!(shown.body.contains("已导入 230 行"), "{}", shown.body);

    let none = clerk.post("/imports/contracts", &[]).await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("请选择要导入的"));
}

#[actix_web::test]
async fn the_ministry_imports_history_and_uploads_are_limited_to_20_mb() {
    let app = TestApp::demo().await;
    let ministry = app.signed_in("ministry").await;
    let ok = upload(
        &ministry,
        "history.xlsx",
        workbook::template(&[
            Row::registered("11", "部级导入", "2025440301000009", "2025-04-01").values(),
            trained_person(Row::registered(
                "43",
                "个人受训",
                "2025440301000005",
                "2025-05-06",
            ))
            .values(),
            Row::submitted("11", "部级待审核").values(),
        ])
        .unwrap(),
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let imported: i64 = {
        use techreg::db::schema::contracts;
        let mut conn = app.conn();
        assert_eq!(
            db::registration_counters::next_serial(&mut conn, "440301", 2025).unwrap(),
            10
        );
        contracts::table
            .filter(contracts::project_name.eq("部级导入"))
            .select(contracts::id)
            .first(&mut *conn)
            .unwrap()
    };
    // A contract registered before the system has its certificate too, with no approver on
    // record.
    let certificate = ministry
        .get(&format!("/contracts/{imported}/certificate"))
        .await;
    assert_eq!(certificate.status, 200);
    assert!(
        certificate.body.contains("2025 4403 01 000009")
            && certificate.body.contains("<th>审核人</th><td>—</td>"),
        "{}",
        certificate.body
    );
    // A person's ID number is printed masked.
    let person: i64 = {
        use techreg::db::schema::contracts;
        contracts::table
            .filter(contracts::project_name.eq("个人受训"))
            .select(contracts::id)
            .first(&mut *app.conn())
            .unwrap()
    };
    let id = id_number("11010519491231002");
    let masked = format!("1101{}{}", "*".repeat(10), &id[14..]);
    let page = ministry
        .get(&format!("/contracts/{person}/certificate"))
        .await;
    assert!(
        page.body.contains(&masked) && !page.body.contains(&id),
        "{}",
        page.body
    );

    let template = ministry.get("/imports/contracts/template.xlsx").await;
    assert_eq!(template.status, 200);
    let bytes = ministry
        .http
        .get(app.url("/imports/contracts/template.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let header = xlsx::first_sheet_as_csv(&bytes).unwrap();
    assert_eq!(text(&header), contracts_csv::header_line());

    let mut big = contracts_csv::header_line().into_bytes();
    big.resize(21 * 1024 * 1024, b'\n');
    let refused = upload(&ministry, "big.csv", big).await;
    assert_eq!(refused.status, 413);
    assert!(refused.body.contains("超过 20 MB"), "{}", refused.body);
}
