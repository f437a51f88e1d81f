//! The rules' unit and property tests.

use super::*;
use crate::domain::money::MAX_FEN;
use crate::domain::uscc::{check_char, org_check_char};
use proptest::prelude::*;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2024, 6, 15).expect("valid date");

const LEAF_CODES: [&str; 16] = [
    "11", "12", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "41", "42", "43",
];

fn office(code: &str) -> OfficeCode {
    OfficeCode::parse(code).expect("valid office code")
}

/// 北京 office 110101: area 110100, territory 1101.
fn ctx() -> RuleContext {
    RuleContext::filing(office("110101"), TODAY)
}

fn historical(registered_on: NaiveDate) -> RuleContext {
    RuleContext::historical(office("110101"), TODAY, registered_on)
}

/// A valid USCC with a valid inner organisation-code check.
fn uscc(head: &str, admin: &str, org8: &str) -> String {
    let org = format!("{org8}{}", org_check_char(org8).expect("org body"));
    let body = format!("{head}{admin}{org}");
    format!("{body}{}", check_char(&body).expect("USCC body"))
}

fn seller_uscc() -> String {
    uscc("91", "110108", "MA01B2C3")
}

fn buyer_uscc() -> String {
    uscc("91", "310115", "MA1K3Y8R")
}

/// A clean filing of leaf `category`: 北京海淀 seller, 上海浦东 buyer.
fn base(category: &str) -> ContractInput {
    let s = |v: &str| v.to_owned();
    let mut i = ContractInput {
        project_name: s("面向配电网的智能调度算法研究"),
        signed_on: s("2024-03-01"),
        valid_from: s("2024-03-01"),
        valid_to: s("2025-12-31"),
        category_code: s(category),
        ip_code: s("01"),
        tech_field_code: s("01"),
        objective_code: s("05"),
        plan_code: s("9"),
        payment_code: s("2"),
        non_technical_note: s("含专用测试设备采购费 25 万元"),
        is_related: s("0"),
        total_amount_yuan: s("1250000.00"),
        technical_amount_yuan: s("1000000.00"),
        seller_name: s("北京智电科技有限公司"),
        seller_country_code: s("142"),
        seller_admin_code: s("110108"),
        seller_uscc: seller_uscc(),
        seller_nature_code: s("150"),
        seller_address: s("北京市海淀区中关村大街 1 号"),
        seller_zipcode: s("100080"),
        seller_representative: s("王建国"),
        seller_contact: s("李敏"),
        seller_phone: s("010-62345678"),
        buyer_name: s("上海浦联电力工程股份有限公司"),
        buyer_country_code: s("142"),
        buyer_admin_code: s("310115"),
        buyer_uscc: buyer_uscc(),
        buyer_nature_code: s("160"),
        buyer_address: s("上海市浦东新区世纪大道 100 号"),
        buyer_zipcode: s("200120"),
        buyer_representative: s("陈立"),
        buyer_contact: s("赵磊"),
        buyer_phone: s("021-58881234"),
        ..ContractInput::default()
    };
    let ip = match category {
        "21" | "22" | "23" => "021",
        "25" | "20" => "03",
        "26" => "05",
        "27" => "04",
        "28" => "06",
        "29" => "07",
        _ => "01",
    };
    i.ip_code = s(ip);
    if category::is_transfer(category) {
        i.expected_investment_yuan = s("3000000.00");
        i.expected_output_yuan = s("12000000.00");
    }
    if category == "42" {
        i.third_party_name = s("江苏恒能新能源股份有限公司");
    }
    i
}

fn with(category: &str, change: impl FnOnce(&mut ContractInput)) -> ContractInput {
    let mut i = base(category);
    change(&mut i);
    i
}

fn ok_in(input: &ContractInput, ctx: &RuleContext) -> Checked {
    match check(input, ctx) {
        Ok(c) => c,
        Err((e, _)) => panic!("expected a valid contract, got {e:?}"),
    }
}

fn ok(input: &ContractInput) -> Checked {
    ok_in(input, &ctx())
}

fn errs_in(input: &ContractInput, ctx: &RuleContext) -> FieldErrors {
    match check(input, ctx) {
        Ok(c) => panic!("expected errors, got {:?}", c.contract),
        Err((e, _)) => e,
    }
}

fn errs(input: &ContractInput) -> FieldErrors {
    errs_in(input, &ctx())
}

fn has(e: &FieldErrors, field: &str, needle: &str) -> bool {
    e.get(field).iter().any(|m| m.contains(needle))
}

fn warned(ws: &[Warning], field: &str, needle: &str) -> bool {
    ws.iter().any(|(f, m)| f == field && m.contains(needle))
}

fn only_fields(e: &FieldErrors) -> Vec<&str> {
    let mut fields: Vec<&str> = e.iter().map(|(f, _)| f).collect();
    fields.dedup();
    fields
}

fn assert_round_trip(input: &ContractInput, ctx: &RuleContext) -> Contract {
    let c = ok_in(input, ctx).contract;
    let canonical = c.to_input();
    let again = ok_in(&canonical, ctx).contract;
    assert_eq!(again, c);
    assert_eq!(again.to_input(), canonical);
    c
}

// -- categories and round trips ------------------------------------------------------------

#[test]
fn every_leaf_category_passes_cleanly() {
    for code in LEAF_CODES {
        let checked = ok(&base(code));
        assert!(
            checked.warnings.is_empty(),
            "{code}: {:?}",
            checked.warnings
        );
        let c = checked.contract;
        assert_eq!(c.category_code, code);
        assert_eq!(c.expected_investment.is_some(), category::is_transfer(code));
        assert_eq!(c.expected_output.is_some(), category::is_transfer(code));
        assert_eq!(c.third_party_name.is_some(), code == "42");
        assert_eq!(c.total, Money::from_fen(125_000_000));
        assert_eq!(c.technical, Money::from_fen(100_000_000));
        assert_eq!(
            c.non_technical_note.as_deref(),
            Some("含专用测试设备采购费 25 万元")
        );
        assert_eq!(c.plan_name, None);
        assert!(!c.is_related);
        assert_eq!(c.seller.nature_code, "150");
        assert_eq!(
            c.seller.admin_code.map(|a| a.to_string()).as_deref(),
            Some("110108")
        );
        assert_eq!(c.seller.id_str(), Some(seller_uscc().as_str()));
    }
}

#[test]
fn round_trip_for_each_category() {
    for code in LEAF_CODES {
        let c = assert_round_trip(&base(code), &ctx());
        let text = c.to_input();
        assert_eq!(text.signed_on, "2024-03-01");
        assert_eq!(text.total_amount_yuan, "1250000.00");
        assert_eq!(text.is_related, "0");
        assert_eq!(text.category_code, code);
    }
}

#[test]
fn round_trip_of_unusual_contracts() {
    let person = with("11", |i| {
        i.seller_name = "张三".into();
        i.seller_nature_code = "600".into();
        i.seller_uscc = "11010519491231002x".into();
        i.seller_representative.clear();
    });
    let import = with("24", |i| {
        i.seller_name = "Acme Grid Technologies, Inc.".into();
        i.seller_country_code = "502".into();
        i.seller_admin_code.clear();
        i.seller_uscc.clear();
        i.seller_nature_code = "500".into();
        i.seller_zipcode = "CA 94043".into();
        i.buyer_admin_code = "110105".into();
    });
    let pilot = with("30", |i| {
        i.buyer_uscc = "91350100M0001TGQXM".into();
        i.buyer_uscc_override = "福建早期试点代码，经核对营业执照".into();
        i.buyer_admin_code = "350100".into();
    });
    let planned = with("12", |i| {
        i.plan_code = "105".into();
        i.plan_name = "国家科技重大专项 2023ZD0120400".into();
        i.is_related = "1".into();
        i.seller_nature_code = "190".into();
        i.buyer_nature_code = "0221".into();
        i.technical_amount_yuan = "1,250,000".into();
        i.non_technical_note.clear();
        i.seller_zipcode.clear();
    });
    for input in [person, import, pilot, planned] {
        assert_round_trip(&input, &ctx());
    }
    let c = assert_round_trip(
        &with("41", |i| {
            i.signed_on = "2016-03-01".into();
            i.valid_from = "2016-03-01".into();
            i.valid_to = "2016-12-31".into();
            i.seller_admin_code = "110103".into();
        }),
        &historical(ymd(2016, 5, 10)),
    );
    assert_eq!(
        c.seller.admin_code.map(|a| a.to_string()).as_deref(),
        Some("110103")
    );
}

#[test]
fn canonical_text() {
    let c = ok(&with("21", |i| {
        i.total_amount_yuan = "１，２５０，０００".into();
        i.technical_amount_yuan = "1000000.5".into();
        i.expected_investment_yuan = "0".into();
        i.is_related = "1".into();
        i.signed_on = "2024年3月1日".into();
    }))
    .contract;
    let t = c.to_input();
    assert_eq!(t.total_amount_yuan, "1250000.00");
    assert_eq!(t.technical_amount_yuan, "1000000.50");
    assert_eq!(t.expected_investment_yuan, "0.00");
    assert_eq!(t.is_related, "1");
    assert_eq!(t.signed_on, "2024-03-01");
    assert_eq!(t.plan_name, "");
    assert_eq!(t.third_party_name, "");
    assert_eq!(t.seller_uscc_override, "");
}

// -- all at once, required fields, no follow-up errors ------------------------------------

#[test]
fn all_errors_at_once() {
    let input = with("11", |i| {
        i.project_name.clear();
        i.signed_on = "2024-13-01".into();
        i.category_code = "99".into();
        i.ip_code = "08".into();
        i.tech_field_code = "12".into();
        i.total_amount_yuan = "一百万".into();
        let mut bad = seller_uscc();
        bad.pop();
        bad.push(if seller_uscc().ends_with('0') {
            '1'
        } else {
            '0'
        });
        i.seller_uscc = bad;
        i.buyer_admin_code = "999999".into();
        i.seller_phone.clear();
        i.is_related = "maybe".into();
        i.buyer_nature_code = "100".into();
    });
    let e = errs(&input);
    let fields = only_fields(&e);
    assert!(fields.len() >= 10, "{e:?}");
    for field in [
        "project_name",
        "signed_on",
        "category_code",
        "ip_code",
        "tech_field_code",
        "total_amount_yuan",
        "seller_uscc",
        "buyer_admin_code",
        "seller_phone",
        "is_related",
        "buyer_nature_code",
    ] {
        assert!(e.has(field), "{field}: {e:?}");
    }
    assert_eq!(e.first("project_name"), Some("项目名称不能为空"));
    assert_eq!(e.first("seller_phone"), Some("卖方联系电话不能为空"));
}

#[test]
fn empty_input_names_every_required_field() {
    let (e, warnings) = check(&ContractInput::default(), &ctx()).expect_err("empty");
    assert!(warnings.is_empty());
    // Every column a file must have (the field specification says which), and the contact
    // block a filing needs.
    let required = ContractInput::SPECS
        .iter()
        .filter(|s| s.column_required)
        .map(|s| s.key);
    let contact = [
        "seller_address",
        "seller_representative",
        "seller_contact",
        "seller_phone",
        "buyer_address",
        "buyer_phone",
    ];
    for field in required.chain(contact) {
        assert_eq!(e.get(field).len(), 1, "{field}: {e:?}");
        assert!(e.get(field)[0].ends_with("不能为空"), "{field}");
    }
    assert_eq!(e.first("total_amount_yuan"), Some("成交额不能为空"));
    // Optional, or required only once another field is known.
    for field in [
        "plan_name",
        "non_technical_note",
        "third_party_name",
        "is_related",
        "seller_uscc_override",
        "expected_investment_yuan",
        "seller_zipcode",
        "seller_admin_code",
        "seller_uscc",
    ] {
        assert!(!e.has(field), "{field}: {e:?}");
    }
}

#[test]
fn a_failed_field_causes_no_follow_up_errors() {
    // Signing date unreadable: no date-order or category-year errors.
    let e = errs(&with("11", |i| {
        i.signed_on = "2024-02-30".into();
        i.valid_to = "2023-01-01".into();
    }));
    assert_eq!(e.first("signed_on"), Some("签订日期 2024-02-30 不存在"));
    assert_eq!(only_fields(&e), ["signed_on", "valid_to"]);
    assert!(has(&e, "valid_to", "不能早于有效期起"));
    // Category unknown: no IP rule, nothing demanded or forbidden.
    let e = errs(&with("21", |i| {
        i.category_code = "77".into();
        i.ip_code = "99".into();
        i.third_party_name = "某某".into();
    }));
    assert_eq!(only_fields(&e), ["category_code"]);
    // Total unreadable: technical amount and note not judged.
    let e = errs(&with("11", |i| {
        i.total_amount_yuan = "12万".into();
        i.technical_amount_yuan = "99999999".into();
        i.non_technical_note.clear();
    }));
    assert_eq!(only_fields(&e), ["total_amount_yuan"]);
    // Country unreadable: admin code and USCC not demanded, no territory check.
    let e = errs(&with("11", |i| {
        i.seller_country_code = "中国".into();
        i.seller_admin_code.clear();
        i.seller_uscc.clear();
    }));
    assert_eq!(only_fields(&e), ["seller_country_code"]);
    // Nature unknown: a valid USCC is not questioned.
    let e = errs(&with("11", |i| i.seller_nature_code = "999".into()));
    assert_eq!(only_fields(&e), ["seller_nature_code"]);
    // Nature unknown and a broken code: the code's own error is still shown.
    let e = errs(&with("11", |i| {
        i.seller_nature_code = "999".into();
        i.seller_uscc = "123".into();
    }));
    assert!(has(&e, "seller_uscc", "18 位"));
}

// -- text ---------------------------------------------------------------------------------

#[test]
fn full_width_input_is_accepted() {
    let input = with("21", |i| {
        i.project_name = "\u{3000}配电网智能调度（二期）　".into();
        i.signed_on = "２０２４年３月１日".into();
        i.valid_from = "２０２４－０３－０１".into();
        i.valid_to = "２０２５／１２／３１".into();
        i.category_code = "２１".into();
        i.ip_code = "０２１".into();
        i.tech_field_code = "０１".into();
        i.plan_code = "９".into();
        i.total_amount_yuan = "１２５００００．００".into();
        i.technical_amount_yuan = "１，０００，０００".into();
        i.expected_investment_yuan = "３０００００００".into();
        i.is_related = "１".into();
        i.seller_country_code = "１４２".into();
        i.seller_admin_code = "１１０１０８".into();
        i.seller_uscc = text_to_full_width(&seller_uscc().to_lowercase());
        i.seller_nature_code = "１５０".into();
        i.seller_zipcode = "１０００８０".into();
        i.seller_phone = "０１０－６２３４５６７８".into();
    });
    let c = ok(&input).contract;
    assert_eq!(c.project_name, "配电网智能调度(二期)");
    assert_eq!(c.signed_on, ymd(2024, 3, 1));
    assert_eq!(c.valid_to, ymd(2025, 12, 31));
    assert_eq!(c.category_code, "21");
    assert_eq!(c.ip_code, "021");
    assert_eq!(c.total, Money::from_fen(125_000_000));
    assert_eq!(c.technical, Money::from_fen(100_000_000));
    assert_eq!(c.expected_investment, Some(Money::from_fen(3_000_000_000)));
    assert!(c.is_related);
    assert_eq!(c.seller.id_str(), Some(seller_uscc().as_str()));
    assert_eq!(c.seller.zipcode, "100080");
    assert_eq!(c.seller.phone, "010-62345678");
}

fn text_to_full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

#[test]
fn html_is_kept_verbatim() {
    let html = r#"<b>智能</b> & "调度" <script>alert('x')</script>"#;
    let c = ok(&with("11", |i| {
        i.project_name = html.into();
        i.seller_address = "<img src=x onerror=alert(1)>".into();
    }))
    .contract;
    assert_eq!(c.project_name, html);
    assert_eq!(c.seller.address, "<img src=x onerror=alert(1)>");
}

#[test]
fn control_characters_are_rejected() {
    let e = errs(&with("11", |i| {
        i.seller_name = "北京智电\u{7}科技有限公司".into();
        i.project_name = "第一行\n第二行".into();
        i.total_amount_yuan = "1250000\u{0}".into();
    }));
    for field in ["seller_name", "project_name", "total_amount_yuan"] {
        assert!(has(&e, field, "控制字符"), "{field}: {e:?}");
        assert_eq!(e.get(field).len(), 1, "{field}");
    }
    // Line breaks are fine in a note and at the ends of any field; like every text, the
    // note is folded to half width and its whitespace collapsed.
    let c = ok(&with("11", |i| {
        i.non_technical_note = "设备费 20 万元；\r\n材料费 5 万元".into();
        i.seller_name = "北京智电科技有限公司\r\n".into();
    }))
    .contract;
    assert_eq!(
        c.non_technical_note.as_deref(),
        Some("设备费 20 万元; 材料费 5 万元")
    );
    assert_eq!(c.seller.name, "北京智电科技有限公司");
}

#[test]
fn length_limits() {
    let long = |n: usize| "测".repeat(n);
    assert!(check(&with("11", |i| i.project_name = long(200)), &ctx()).is_ok());
    let e = errs(&with("11", |i| {
        i.project_name = long(201);
        i.buyer_name = long(201);
        i.seller_address = long(201);
        i.non_technical_note = long(1001);
        i.seller_phone = "1".repeat(51);
    }));
    assert_eq!(
        e.first("project_name"),
        Some("项目名称不能超过 200 个字（现为 201 个字）")
    );
    for field in [
        "buyer_name",
        "seller_address",
        "non_technical_note",
        "seller_phone",
    ] {
        assert!(has(&e, field, "不能超过"), "{field}");
    }
    assert!(check(&with("11", |i| i.non_technical_note = long(1000)), &ctx()).is_ok());
}

#[test]
fn zipcodes() {
    let e = errs(&with("11", |i| i.seller_zipcode = "10008".into()));
    assert_eq!(
        e.first("seller_zipcode"),
        Some("卖方邮政编码应为 6 位数字，现为“10008”")
    );
    let c = ok(&with("11", |i| i.buyer_zipcode = "200 120".into())).contract;
    assert_eq!(c.buyer.zipcode, "200120");
    let c = ok(&with("11", |i| i.seller_zipcode.clear())).contract;
    assert_eq!(c.seller.zipcode, "");
}

// -- codes --------------------------------------------------------------------------------

#[test]
fn codes_must_be_catalogued() {
    let e = errs(&with("11", |i| {
        i.ip_code = "02".into();
        i.tech_field_code = "12".into();
        i.objective_code = "14".into();
        i.plan_code = "1".into();
        i.payment_code = "5".into();
        i.seller_nature_code = "100".into();
        i.buyer_nature_code = "abc".into();
        i.buyer_country_code = "14".into();
    }));
    assert!(has(&e, "ip_code", "发明专利（021）"));
    assert_eq!(e.first("tech_field_code"), Some("技术领域代码“12”不存在"));
    assert_eq!(
        e.first("objective_code"),
        Some("社会经济目标代码“14”不存在")
    );
    assert!(has(&e, "plan_code", "须选到具体计划"));
    assert_eq!(e.first("payment_code"), Some("支付方式代码“5”不存在"));
    assert!(
        has(&e, "seller_nature_code", "是分类")
            && has(&e, "seller_nature_code", "有限责任公司（150）")
    );
    assert_eq!(
        e.first("buyer_nature_code"),
        Some("买方性质代码“abc”不存在")
    );
    assert!(has(&e, "buyer_country_code", "3 位数字"));
    let e = errs(&with("11", |i| i.plan_code = "118".into()));
    assert_eq!(e.first("plan_code"), Some("计划来源代码“118”不存在"));
}

#[test]
fn rule_10_category_must_be_a_leaf() {
    let e = errs(&with("11", |i| i.category_code = "1".into()));
    assert_eq!(
        e.first("category_code"),
        Some("合同类别须选到子类：技术开发分为委托开发（11）、合作开发（12）")
    );
    let e = errs(&with("11", |i| i.category_code = "4".into()));
    assert!(has(&e, "category_code", "技术中介（42）"));
    let e = errs(&with("11", |i| i.category_code = "99".into()));
    assert_eq!(e.first("category_code"), Some("合同类别代码“99”不存在"));
    // 技术咨询 has no subcategories: its category code is its leaf.
    assert_eq!(
        ok(&with("30", |i| i.category_code = "3".into()))
            .contract
            .category_code,
        "30"
    );
    // Before the catalogue's first year a leaf is not available.
    let e = errs_in(
        &with("11", |i| {
            i.signed_on = "1999-05-01".into();
            i.valid_from = "1999-05-01".into();
        }),
        &historical(ymd(1999, 6, 1)),
    );
    assert_eq!(
        e.first("category_code"),
        Some("合同类别“技术开发 / 委托开发”在 1999 年不可用")
    );
}

#[test]
fn spreadsheet_codes_get_their_leading_zeros_back() {
    let c = ok(&with("21", |i| {
        i.ip_code = "21".into();
        i.tech_field_code = "1".into();
        i.objective_code = "5".into();
        i.buyer_nature_code = "22".into();
    }))
    .contract;
    assert_eq!(
        (c.ip_code.as_str(), c.tech_field_code.as_str()),
        ("021", "01")
    );
    assert_eq!(c.objective_code, "05");
    assert_eq!(c.buyer.nature_code, "022");
    let c = ok(&with("24", |i| i.ip_code = "1".into())).contract;
    assert_eq!(c.ip_code, "01");
}

#[test]
fn natures_are_normalised() {
    let c = ok(&with("11", |i| {
        i.seller_nature_code = "190".into();
        i.buyer_nature_code = "0112".into();
    }));
    assert_eq!(c.contract.seller.nature_code, "180");
    assert_eq!(c.contract.buyer.nature_code, "011");
    // A 91 (enterprise) code with an organ nature is worth a second look.
    assert!(warned(
        &c.warnings,
        "buyer_nature_code",
        "买方统一社会信用代码以 91 开头"
    ));
}

#[test]
fn countries() {
    let c = ok(&with("11", |i| {
        i.buyer_country_code = "999".into();
        i.buyer_admin_code.clear();
        i.buyer_uscc.clear();
    }));
    assert!(warned(
        &c.warnings,
        "buyer_country_code",
        "不在常用国别代码表中"
    ));
    assert_eq!(c.contract.buyer.id, PartyId::None);
}

// -- rule 1, 2 and the 万元 habit ---------------------------------------------------------

#[test]
fn rule_1_total_and_technical_amounts() {
    let e = errs(&with("11", |i| i.total_amount_yuan = "0".into()));
    assert_eq!(e.first("total_amount_yuan"), Some("成交额应大于 0"));
    assert_eq!(only_fields(&e), ["total_amount_yuan"]);
    let e = errs(&with("11", |i| i.total_amount_yuan = "-5".into()));
    assert_eq!(e.first("total_amount_yuan"), Some("成交额：金额不能为负数"));
    let e = errs(&with("11", |i| i.total_amount_yuan = "100000000000".into()));
    assert_eq!(e.first("total_amount_yuan"), Some("成交额应小于 1000 亿元"));
    let c = ok(&with("11", |i| {
        i.total_amount_yuan = "99999999999.99".into()
    }));
    assert_eq!(c.contract.total, Money::from_fen(MAX_FEN - 1));
    let e = errs(&with("11", |i| i.total_amount_yuan = "12.345".into()));
    assert_eq!(
        e.first("total_amount_yuan"),
        Some("成交额：金额最多两位小数")
    );
    let e = errs(&with("11", |i| {
        i.technical_amount_yuan = "1250000.01".into()
    }));
    assert_eq!(
        e.first("technical_amount_yuan"),
        Some("技术交易额不能大于成交额（1250000.00 元）")
    );
    assert_eq!(only_fields(&e), ["technical_amount_yuan"]);
    let c = ok(&with("11", |i| i.technical_amount_yuan = "0".into())).contract;
    assert!(c.technical.is_zero());
}

#[test]
fn rule_2_non_technical_note() {
    let e = errs(&with("11", |i| i.non_technical_note.clear()));
    assert!(has(&e, "non_technical_note", "非技术性费用说明不能为空"));
    let c = ok(&with("11", |i| i.technical_amount_yuan = "1250000".into()));
    assert_eq!(c.contract.non_technical_note, None);
    assert!(warned(&c.warnings, "non_technical_note", "已忽略"));
    let c = ok(&with("11", |i| {
        i.technical_amount_yuan = "1250000".into();
        i.non_technical_note.clear();
    }));
    assert!(c.warnings.is_empty());
}

#[test]
fn amounts_probably_in_wan_yuan_are_warned() {
    let c = ok(&with("11", |i| {
        i.total_amount_yuan = "125".into();
        i.technical_amount_yuan = "125".into();
        i.non_technical_note.clear();
    }));
    assert_eq!(
        c.warnings,
        [(
            "total_amount_yuan".to_owned(),
            "成交额不足 1000 元，请确认单位是元而不是万元".to_owned()
        )]
    );
    let c = ok(&with("11", |i| i.technical_amount_yuan = "125".into()));
    assert!(warned(&c.warnings, "technical_amount_yuan", "万元"));
    let c = ok(&with("11", |i| i.technical_amount_yuan = "126".into()));
    assert!(c.warnings.is_empty());
}

// -- rule 3, 4, 9 -------------------------------------------------------------------------

#[test]
fn rule_3_expected_investment_and_output() {
    let e = errs(&with("21", |i| {
        i.expected_investment_yuan.clear();
        i.expected_output_yuan.clear();
    }));
    assert_eq!(
        e.first("expected_investment_yuan"),
        Some("预计新增投入不能为空（技术转让合同必填）")
    );
    assert!(has(&e, "expected_output_yuan", "技术转让合同必填"));
    let e = errs(&with("21", |i| i.expected_output_yuan = "-1".into()));
    assert_eq!(
        e.first("expected_output_yuan"),
        Some("预计新增产值：金额不能为负数")
    );
    let c = ok(&with("20", |i| i.expected_output_yuan = "0".into())).contract;
    assert_eq!(c.expected_output, Some(Money::ZERO));
    let e = errs(&with("11", |i| {
        i.expected_investment_yuan = "100".into();
        i.expected_output_yuan = "abc".into();
    }));
    assert_eq!(
        e.first("expected_investment_yuan"),
        Some("预计新增投入仅技术转让合同填写")
    );
    assert_eq!(
        e.first("expected_output_yuan"),
        Some("预计新增产值仅技术转让合同填写")
    );
}

#[test]
fn rule_4_transfer_subtype_fixes_the_ip_type() {
    let e = errs(&with("21", |i| i.ip_code = "01".into()));
    assert_eq!(
        e.first("ip_code"),
        Some("技术转让 / 专利权转让合同的知识产权类别应为发明专利、实用新型专利、外观设计专利")
    );
    let e = errs(&with("25", |i| i.ip_code = "07".into()));
    assert!(has(&e, "ip_code", "应为计算机软件"));
    let e = errs(&with("20", |i| i.ip_code = "99".into()));
    assert!(has(&e, "ip_code", "须涉及知识产权"));
    for code in ["11", "30", "41", "42", "43"] {
        assert!(
            check(&with(code, |i| i.ip_code = "99".into()), &ctx()).is_ok(),
            "{code}"
        );
    }
    assert!(check(&with("23", |i| i.ip_code = "023".into()), &ctx()).is_ok());
}

#[test]
fn rule_9_plan_name_and_third_party() {
    let e = errs(&with("11", |i| i.plan_code = "3".into()));
    assert!(has(&e, "plan_name", "计划名称及编号不能为空"));
    let c = ok(&with("11", |i| {
        i.plan_code = "101".into();
        i.plan_name = "863 计划 2015AA050201".into();
    }));
    assert_eq!(
        c.contract.plan_name.as_deref(),
        Some("863 计划 2015AA050201")
    );
    let c = ok(&with("11", |i| i.plan_name = "无".into()));
    assert_eq!(c.contract.plan_name, None);
    assert!(warned(&c.warnings, "plan_name", "计划外"));
    let e = errs(&with("42", |i| i.third_party_name.clear()));
    assert_eq!(
        e.first("third_party_name"),
        Some("第三方名称不能为空（技术中介合同必填）")
    );
    let e = errs(&with("41", |i| i.third_party_name = "某某公司".into()));
    assert_eq!(
        e.first("third_party_name"),
        Some("第三方名称仅技术中介合同填写")
    );
}

#[test]
fn is_related_flag() {
    assert!(
        ok(&with("11", |i| i.is_related = "1".into()))
            .contract
            .is_related
    );
    assert!(
        ok(&with("11", |i| i.is_related = "１".into()))
            .contract
            .is_related
    );
    assert!(
        !ok(&with("11", |i| i.is_related.clear()))
            .contract
            .is_related
    );
    let e = errs(&with("11", |i| i.is_related = "是".into()));
    assert_eq!(
        e.first("is_related"),
        Some("是否关联交易应填 1（是）或 0（否），现为“是”")
    );
}

// -- rule 5 -------------------------------------------------------------------------------

#[test]
fn rule_5_dates() {
    let e = errs(&with("11", |i| i.valid_from = "2026-01-01".into()));
    assert_eq!(
        e.first("valid_to"),
        Some("有效期止（2025-12-31）不能早于有效期起（2026-01-01）")
    );
    let e = errs(&with("11", |i| {
        i.signed_on = "2024-03-01".into();
        i.valid_from = "2023-01-01".into();
        i.valid_to = "2023-12-31".into();
    }));
    assert!(has(&e, "signed_on", "不能晚于有效期止"));
    assert!(has(&e, "valid_to", "合同已过有效期，不能登记"));
    let e = errs(&with("11", |i| i.signed_on = "2024-06-16".into()));
    assert_eq!(
        e.first("signed_on"),
        Some("签订日期（2024-06-16）不能晚于今天（2024-06-15）")
    );
    assert_eq!(e.get("signed_on").len(), 1);
    let e = errs(&with("11", |i| i.valid_to = "2024-06-14".into()));
    assert_eq!(
        e.first("valid_to"),
        Some("合同已过有效期，不能登记（有效期止 2024-06-14）")
    );
    assert!(check(&with("11", |i| i.valid_to = "2024-06-15".into()), &ctx()).is_ok());
    let c = ok(&with("11", |i| i.valid_from = "2024-07-01".into()));
    assert!(warned(&c.warnings, "valid_from", "尚未生效"));
    let e = errs(&with("11", |i| i.signed_on = "1949-09-30".into()));
    assert_eq!(e.first("signed_on"), Some("签订日期不能早于 1949-10-01"));
    let e = errs(&with("11", |i| i.valid_from = "2024.3".into()));
    assert_eq!(
        e.first("valid_from"),
        Some("有效期起：日期格式应为 YYYY-MM-DD")
    );
    // A registration date before the signing date (e.g. a back-dated review) is refused.
    let early = RuleContext {
        registration_date: ymd(2024, 2, 1),
        ..ctx()
    };
    let e = errs_in(&base("11"), &early);
    assert_eq!(
        e.first("signed_on"),
        Some("签订日期（2024-03-01）不能晚于登记日期（2024-02-01）")
    );
}

// -- rule 6 -------------------------------------------------------------------------------

#[test]
fn rule_6_seller_differs_from_buyer() {
    let e = errs(&with("11", |i| {
        i.buyer_uscc = seller_uscc();
        i.buyer_admin_code = "110108".into();
    }));
    assert_eq!(
        e.first("buyer_name"),
        Some("买方与卖方不能是同一当事人（统一社会信用代码相同）")
    );
    let abroad = |i: &mut ContractInput, side: &str, name: &str| {
        i.set(&format!("{side}_name"), name.into());
        i.set(&format!("{side}_country_code"), "502".into());
        i.set(&format!("{side}_admin_code"), String::new());
        i.set(&format!("{side}_uscc"), String::new());
        i.set(&format!("{side}_nature_code"), "500".into());
    };
    let e = errs(&with("11", |i| {
        abroad(i, "seller", "ACME Inc.");
        abroad(i, "buyer", "ａｃｍｅ　inc.");
    }));
    assert_eq!(
        e.first("buyer_name"),
        Some("买方与卖方不能是同一当事人（名称相同）")
    );
    let c = ok(&with("11", |i| {
        i.buyer_name = "北京智电科技有限公司".into()
    }));
    assert!(warned(&c.warnings, "buyer_name", "相同"));
}

#[test]
fn rule_6_domestic_parties_need_codes() {
    let e = errs(&with("11", |i| {
        i.seller_uscc.clear();
        i.buyer_admin_code.clear();
    }));
    assert_eq!(e.first("seller_uscc"), Some("卖方统一社会信用代码不能为空"));
    assert_eq!(
        e.first("buyer_admin_code"),
        Some("买方行政区划代码不能为空")
    );
    let e = errs(&with("11", |i| i.buyer_admin_code = "110103".into()));
    assert_eq!(
        e.first("buyer_admin_code"),
        Some("买方行政区划代码 110103 不在现行区划代码表中（可能已撤销或填错）")
    );
    let e = errs(&with("11", |i| i.buyer_admin_code = "31011".into()));
    assert_eq!(
        e.first("buyer_admin_code"),
        Some("买方行政区划代码应为 6 位数字")
    );
    let e = errs(&with("11", |i| i.buyer_admin_code = "810000".into()));
    assert!(has(&e, "buyer_country_code", "110（中国香港）"));
}

#[test]
fn rule_6_uscc_errors_name_the_field() {
    let good = seller_uscc();
    let expected = good.chars().last().expect("18 chars");
    let wrong = if expected == '0' { '1' } else { '0' };
    let bad = format!("{}{wrong}", &good[..17]);
    let e = errs(&with("11", |i| i.seller_uscc = bad.clone()));
    assert_eq!(
        e.first("seller_uscc"),
        Some(format!("卖方统一社会信用代码：校验位错误，应为 {expected}").as_str())
    );
    let e = errs(&with("11", |i| i.buyer_uscc = "91310115".into()));
    assert_eq!(
        e.first("buyer_uscc"),
        Some("买方统一社会信用代码应为 18 位，实际为 8 位")
    );
}

#[test]
fn rule_6_uscc_override() {
    let pilot = "91350100M0001TGQXM";
    let e = errs(&with("11", |i| i.buyer_uscc = pilot.into()));
    assert!(has(&e, "buyer_uscc", "校验位错误"));
    let c = ok(&with("11", |i| {
        i.buyer_uscc = pilot.into();
        i.buyer_uscc_override = "福建早期试点代码".into();
    }));
    assert_eq!(
        c.contract.buyer.uscc_override.as_deref(),
        Some("福建早期试点代码")
    );
    assert!(matches!(&c.contract.buyer.id, PartyId::Uscc(u) if u.check_overridden()));
    assert!(warned(&c.warnings, "buyer_uscc", "已按填写的例外原因接受"));
    // A reason for a code that needs none is dropped with a warning.
    let c = ok(&with("11", |i| i.seller_uscc_override = "不需要".into()));
    assert_eq!(c.contract.seller.uscc_override, None);
    assert!(warned(&c.warnings, "seller_uscc_override", "已忽略"));
}

#[test]
fn rule_6_uscc_warnings() {
    // Organisation-code check (positions 9–17) fails: a warning, not an error.
    let body = "91110108MA01B2C35";
    let code = format!("{body}{}", check_char(body).expect("body"));
    let c = ok(&with("11", |i| i.seller_uscc = code));
    assert!(warned(
        &c.warnings,
        "seller_uscc",
        "卖方统一社会信用代码：第 9–17 位组织机构代码的校验位应为 4"
    ));
    let c = ok(&with("11", |i| i.seller_nature_code = "022".into()));
    assert!(warned(
        &c.warnings,
        "seller_nature_code",
        "卖方统一社会信用代码以 91 开头（企业）"
    ));
}

#[test]
fn rule_6_natural_persons() {
    let person = |i: &mut ContractInput| {
        i.seller_name = "张三".into();
        i.seller_nature_code = "600".into();
        i.seller_uscc = "11010519491231002X".into();
        i.seller_representative.clear();
    };
    let c = ok(&with("11", person)).contract;
    assert!(matches!(c.seller.id, PartyId::IdNumber(_)));
    assert_eq!(c.seller.directory_key(), "id:11010519491231002X");
    let e = errs(&with("11", |i| {
        person(i);
        i.seller_uscc = seller_uscc();
    }));
    assert!(has(&e, "seller_uscc", "卖方身份证号码"), "{e:?}");
    let e = errs(&with("11", |i| {
        person(i);
        i.seller_uscc = "110105194912310021".into();
    }));
    assert_eq!(
        e.first("seller_uscc"),
        Some("卖方身份证号码：校验位错误，应为 X")
    );
    let e = errs(&with("11", |i| {
        person(i);
        i.seller_uscc.clear();
    }));
    assert!(has(&e, "seller_uscc", "卖方身份证号码不能为空"));
}

#[test]
fn rule_6_parties_abroad() {
    let c = ok(&with("11", |i| {
        i.buyer_name = "Hongkong Power Grid Ltd.".into();
        i.buyer_country_code = "110".into();
        i.buyer_admin_code.clear();
        i.buyer_uscc.clear();
        i.buyer_nature_code = "500".into();
        i.buyer_zipcode = "HK".into();
    }))
    .contract;
    assert_eq!(c.buyer.id, PartyId::None);
    assert_eq!(c.buyer.admin_code, None);
    assert_eq!(c.buyer.directory_key(), "name:110:hongkong power grid ltd.");
    let e = errs(&with("11", |i| {
        i.buyer_country_code = "502".into();
        i.buyer_nature_code = "500".into();
    }));
    assert_eq!(
        e.first("buyer_admin_code"),
        Some("买方在境外或港澳台地区（国别代码不是 142），不填买方行政区划代码")
    );
}

// -- rule 7 -------------------------------------------------------------------------------

#[test]
fn rule_7_territories() {
    let t = Territory::of(&office("110101"));
    assert_eq!((t.prefix.as_str(), t.name.as_str()), ("1101", "北京市"));
    assert_eq!(Territory::of(&office("110001")).prefix, "11");
    let sz = Territory::of(&office("440301"));
    assert_eq!(
        (sz.prefix.as_str(), sz.name.as_str()),
        ("4403", "广东省深圳市")
    );
    assert_eq!(Territory::of(&office("660101")).prefix, "65");
}

#[test]
fn rule_7_seller_registers_in_its_region() {
    let e = errs(&with("11", |i| {
        i.seller_admin_code = "310115".into();
        i.buyer_admin_code = "110108".into();
    }));
    assert_eq!(
        e.first("seller_admin_code"),
        Some(
            "卖方所在地上海市浦东新区（310115）不在本登记机构的登记地域（北京市）内：技术合同由卖方向其所在地的登记机构登记"
        )
    );
    let province = RuleContext::filing(office("110001"), TODAY);
    assert!(check(&base("11"), &province).is_ok());
    let shenzhen = RuleContext::filing(office("440301"), TODAY);
    assert!(
        check(
            &with("11", |i| i.seller_admin_code = "440305".into()),
            &shenzhen
        )
        .is_ok()
    );
    let e = errs_in(
        &with("11", |i| i.seller_admin_code = "440106".into()),
        &shenzhen,
    );
    assert!(has(&e, "seller_admin_code", "广东省深圳市"));
    let corps = RuleContext::filing(office("660101"), TODAY);
    assert!(
        check(
            &with("11", |i| i.seller_admin_code = "659001".into()),
            &corps
        )
        .is_ok()
    );
    let e = errs_in(&base("11"), &corps);
    assert!(has(&e, "seller_admin_code", "新疆"));
}

#[test]
fn rule_7_technology_import_is_registered_by_the_buyer() {
    let import = |i: &mut ContractInput| {
        i.seller_name = "Acme Grid Technologies, Inc.".into();
        i.seller_country_code = "502".into();
        i.seller_admin_code.clear();
        i.seller_uscc.clear();
        i.seller_nature_code = "500".into();
        i.seller_zipcode = "94043".into();
    };
    let c = ok(&with("24", |i| {
        import(i);
        i.buyer_admin_code = "110105".into();
    }));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let e = errs(&with("24", import));
    assert!(has(
        &e,
        "buyer_admin_code",
        "技术进口合同由境内买方在其所在地登记"
    ));
    assert!(!e.has("seller_admin_code"));
    let e = errs(&with("24", |i| {
        import(i);
        i.buyer_country_code = "116".into();
        i.buyer_admin_code.clear();
        i.buyer_uscc.clear();
        i.buyer_nature_code = "500".into();
    }));
    assert!(has(&e, "buyer_country_code", "都在境外"));
}

// -- historical rows ----------------------------------------------------------------------

#[test]
fn historical_rows_skip_registration_checks() {
    let old = |i: &mut ContractInput| {
        i.signed_on = "2016-03-01".into();
        i.valid_from = "2016-03-01".into();
        i.valid_to = "2016-04-30".into();
        i.seller_admin_code = "110103".into();
    };
    // Filing: expired, abolished code.
    let e = errs(&with("11", old));
    assert!(has(&e, "valid_to", "合同已过有效期"));
    assert!(has(&e, "seller_admin_code", "不在现行区划代码表中"));
    // Historical: both accepted, the code with a warning.
    let ctx = historical(ymd(2016, 5, 10));
    let c = ok_in(&with("11", old), &ctx);
    assert!(warned(&c.warnings, "seller_admin_code", "按历史记录接受"));
    // Rule 7 is the office's call at the time.
    assert!(
        check(
            &with("11", |i| {
                old(i);
                i.seller_admin_code = "310115".into();
            }),
            &ctx
        )
        .is_ok()
    );
    // The contact block is optional.
    let c = ok_in(
        &with("11", |i| {
            old(i);
            for side in ["seller", "buyer"] {
                for part in ["address", "zipcode", "representative", "contact", "phone"] {
                    i.set(&format!("{side}_{part}"), String::new());
                }
            }
        }),
        &ctx,
    );
    assert_eq!(c.contract.buyer.phone, "");
    // A signing date in the future is still wrong.
    let e = errs_in(&with("11", |i| i.signed_on = "2024-07-01".into()), &ctx);
    assert!(has(&e, "signed_on", "不能晚于今天"));
    // A malformed admin code is an error in every mode.
    let e = errs_in(&with("11", |i| i.seller_admin_code = "118001".into()), &ctx);
    assert!(has(&e, "seller_admin_code", "结构不符合"));
}

// -- keys and forms -----------------------------------------------------------------------

#[test]
fn duplicate_key() {
    let a = ok(&base("11")).contract;
    let b = ok(&with("11", |i| {
        i.project_name = " 面向配电网的智能调度算法研究　".into();
        i.seller_uscc = seller_uscc().to_lowercase();
        i.total_amount_yuan = "2000000".into();
    }))
    .contract;
    assert_eq!(a.duplicate_key(), b.duplicate_key());
    let key = a.duplicate_key();
    assert!(key.starts_with(&format!("uscc:{}", seller_uscc())));
    assert!(key.contains(&buyer_uscc()) && key.ends_with("面向配电网的智能调度算法研究"));
    let other_day = ok(&with("11", |i| i.signed_on = "2024-03-02".into())).contract;
    assert_ne!(a.duplicate_key(), other_day.duplicate_key());
    let other_name = ok(&with("11", |i| i.project_name = "另一个项目".into())).contract;
    assert_ne!(a.duplicate_key(), other_name.duplicate_key());
}

#[test]
fn fields_per_category() {
    let all = ContractInput::FIELDS.len();
    let dev = fields_for_category("11");
    assert_eq!(dev.len(), all - 3);
    assert!(!dev.contains(&"expected_investment_yuan") && !dev.contains(&"third_party_name"));
    let transfer = fields_for_category("24");
    assert!(transfer.contains(&"expected_output_yuan") && !transfer.contains(&"third_party_name"));
    let broker = fields_for_category("42");
    assert!(broker.contains(&"third_party_name") && !broker.contains(&"expected_output_yuan"));
    assert_eq!(fields_for_category("3"), fields_for_category("30"));
    assert_eq!(fields_for_category("").len(), all);
    assert_eq!(fields_for_category("2").len(), all);
    assert_eq!(fields_for_category(" ４２ "), broker);
}

#[test]
fn messages_merge_repeated_words() {
    assert_eq!(
        prefixed("卖方行政区划代码", "行政区划代码应为 6 位数字"),
        "卖方行政区划代码应为 6 位数字"
    );
    assert_eq!(
        prefixed("签订日期", "日期格式应为 YYYY-MM-DD"),
        "签订日期格式应为 YYYY-MM-DD"
    );
    assert_eq!(
        prefixed("成交额", "金额不能为负数"),
        "成交额：金额不能为负数"
    );
    assert_eq!(shown(&"x".repeat(30)), format!("{}…", "x".repeat(20)));
}

fn amount_text(fen: i64, grouped: bool) -> String {
    let m = Money::from_fen(fen);
    if grouped {
        m.yuan_grouped()
    } else {
        m.yuan_string()
    }
}

proptest! {
    #[test]
    fn random_valid_amounts_round_trip(
        (total, technical) in (1i64..MAX_FEN).prop_flat_map(|t| (Just(t), 0..=t)),
        investment in 0i64..MAX_FEN,
        output in 0i64..MAX_FEN,
        leaf in 0..LEAF_CODES.len(),
        grouped in any::<bool>(),
    ) {
        let code = LEAF_CODES[leaf];
        let input = with(code, |i| {
            i.total_amount_yuan = amount_text(total, grouped);
            i.technical_amount_yuan = amount_text(technical, !grouped);
            if category::is_transfer(code) {
                i.expected_investment_yuan = amount_text(investment, grouped);
                i.expected_output_yuan = amount_text(output, grouped);
            }
        });
        let c = ok(&input).contract;
        prop_assert_eq!(c.total, Money::from_fen(total));
        prop_assert_eq!(c.technical, Money::from_fen(technical));
        prop_assert_eq!(c.non_technical_note.is_some(), technical < total);
        if category::is_transfer(code) {
            prop_assert_eq!(c.expected_investment, Some(Money::from_fen(investment)));
            prop_assert_eq!(c.expected_output, Some(Money::from_fen(output)));
        }
        let again = ok(&c.to_input()).contract;
        prop_assert_eq!(again, c);
    }
}
