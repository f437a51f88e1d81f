//! The valid filing every test starts from, shared by the form, batch, review and browser
//! tests: office 440101 (广州), seller in 广州, buyer in 北京, signed two months ago and in force
//! for two more years, with identification codes whose check characters are all right (so a
//! filing carries no warnings).

use chrono::{Duration, NaiveDate, Utc};
use techreg::domain::{dates, id_card, uscc};

/// A USCC whose organisation code and check character are both right.
pub fn clean_uscc(head: &str, org: &str) -> String {
    let org_check = uscc::org_check_char(org).expect("8-character organisation code");
    let body = format!("{head}{org}{org_check}");
    format!(
        "{body}{}",
        uscc::check_char(&body).expect("17-character body")
    )
}

/// A 居民身份证号码 with its check character.
pub fn id_number(body: &str) -> String {
    format!("{body}{}", id_card::check_char(body).expect("17 digits"))
}

pub fn seller_uscc() -> String {
    clean_uscc("91440106", "MA59ABCD")
}

pub fn buyer_uscc() -> String {
    clean_uscc("12110108", "MB123456")
}

pub fn today() -> NaiveDate {
    dates::today_cst(Utc::now())
}

pub fn day(d: NaiveDate) -> String {
    dates::format_date(d)
}

/// An IP type the leaf category may carry.
pub fn ip_for(category: &str) -> &'static str {
    match category {
        "21" | "22" | "23" => "021",
        "24" | "20" => "01",
        "25" => "03",
        "26" => "05",
        "27" => "04",
        "28" => "06",
        "29" => "07",
        _ => "99",
    }
}

/// The fields of a complete, valid filing of `category` (the form's names, which are the
/// contracts CSV's columns).
pub fn valid_fields(category: &str, project: &str) -> Vec<(String, String)> {
    let signed = today() - Duration::days(60);
    let mut f: Vec<(&str, String)> = vec![
        ("category_code", category.into()),
        ("project_name", project.into()),
        ("signed_on", day(signed)),
        ("valid_from", day(signed)),
        ("valid_to", day(today() + Duration::days(730))),
        ("ip_code", ip_for(category).into()),
        ("tech_field_code", "01".into()),
        ("objective_code", "07".into()),
        ("plan_code", "9".into()),
        ("payment_code", "2".into()),
        ("is_related", "0".into()),
        ("total_amount_yuan", "1250000.00".into()),
        ("technical_amount_yuan", "1200000.00".into()),
        ("non_technical_note", "专用设备采购 5 万元".into()),
        ("seller_name", "广州智造科技有限公司".into()),
        ("seller_country_code", "142".into()),
        ("seller_admin_code", "440106".into()),
        ("seller_uscc", seller_uscc()),
        ("seller_nature_code", "150".into()),
        ("seller_address", "广州市天河区科韵路 16 号".into()),
        ("seller_zipcode", "510665".into()),
        ("seller_representative", "张三".into()),
        ("seller_contact", "李四".into()),
        ("seller_phone", "020-88886666".into()),
        ("buyer_name", "北京未来能源研究院".into()),
        ("buyer_country_code", "142".into()),
        ("buyer_admin_code", "110108".into()),
        ("buyer_uscc", buyer_uscc()),
        ("buyer_nature_code", "021".into()),
        ("buyer_address", "北京市海淀区中关村大街 1 号".into()),
        ("buyer_zipcode", "100080".into()),
        ("buyer_representative", "王五".into()),
        ("buyer_contact", "赵六".into()),
        ("buyer_phone", "010-62626262".into()),
    ];
    if category.starts_with('2') {
        f.push(("expected_investment_yuan", "3000000".into()));
        f.push(("expected_output_yuan", "8000000.50".into()));
    }
    if category == "42" {
        f.push(("third_party_name", "深圳某某新材料有限公司".into()));
    }
    f.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
