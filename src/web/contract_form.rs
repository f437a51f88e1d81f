//! The contract form as data: which fields each category shows, in which section, with which
//! input, options and hints. The template only loops over sections and fields.

use crate::catalog::{category, country, ip, nature, objective, payment, plan, region, tech_field};
use crate::domain::contract::{ContractInput, field_label};
use crate::domain::field_errors::FieldErrors;
use crate::domain::money::Money;
use crate::domain::rules::{self, Warning};

/// How a field is entered.
#[derive(Debug, Clone, Copy)]
enum Input {
    Text,
    Date,
    Money,
    Textarea,
    YesNo,
    Select(fn() -> Vec<(String, String)>),
    /// A text input with a `<datalist>` of suggestions (any valid code may be typed).
    Suggest(&'static str),
}

struct Spec {
    name: &'static str,
    input: Input,
    hint: &'static str,
}

const fn spec(name: &'static str, input: Input, hint: &'static str) -> Spec {
    Spec { name, input, hint }
}

fn options_ip() -> Vec<(String, String)> {
    ip::leaves()
        .map(|i| (i.code.to_owned(), format!("{} {}", i.code, i.label)))
        .collect()
}
fn options_tech_field() -> Vec<(String, String)> {
    tech_field::ALL
        .iter()
        .map(|t| (t.code.to_owned(), format!("{} {}", t.code, t.label)))
        .collect()
}
fn options_objective() -> Vec<(String, String)> {
    objective::ALL
        .iter()
        .map(|o| (o.code.to_owned(), format!("{} {}", o.code, o.label)))
        .collect()
}
fn options_plan() -> Vec<(String, String)> {
    plan::ALL
        .iter()
        .filter(|p| p.selectable)
        .map(|p| (p.code.to_owned(), format!("{} {}", p.code, p.label)))
        .collect()
}
fn options_payment() -> Vec<(String, String)> {
    payment::ALL
        .iter()
        .map(|p| (p.code.to_owned(), format!("{} {}", p.code, p.label)))
        .collect()
}
fn options_nature() -> Vec<(String, String)> {
    nature::selectable()
        .map(|n| (n.code.to_owned(), format!("{} {}", n.code, n.label)))
        .collect()
}

const BASICS: &[Spec] = &[
    spec("project_name", Input::Text, "合同的完整项目名称"),
    spec("signed_on", Input::Date, "格式 YYYY-MM-DD"),
    spec("valid_from", Input::Date, ""),
    spec("valid_to", Input::Date, "登记时合同须在有效期内"),
    spec("ip_code", Input::Select(options_ip), ""),
    spec("tech_field_code", Input::Select(options_tech_field), ""),
    spec("objective_code", Input::Select(options_objective), ""),
    spec("plan_code", Input::Select(options_plan), ""),
    spec(
        "plan_name",
        Input::Text,
        "计划来源不是“计划外”时必填：计划项目名称或编号",
    ),
    spec("payment_code", Input::Select(options_payment), ""),
    spec("is_related", Input::YesNo, ""),
    spec(
        "third_party_name",
        Input::Text,
        "技术中介合同：中介方促成订立合同的第三方",
    ),
];

const AMOUNTS: &[Spec] = &[
    spec("total_amount_yuan", Input::Money, "单位：元，最多两位小数"),
    spec(
        "technical_amount_yuan",
        Input::Money,
        "成交额减去非技术性费用（设备、仪器、零部件、原材料等）",
    ),
    spec(
        "non_technical_note",
        Input::Textarea,
        "技术交易额小于成交额时必填",
    ),
    spec(
        "expected_investment_yuan",
        Input::Money,
        "技术转让合同必填：实施合同预计新增的投入",
    ),
    spec(
        "expected_output_yuan",
        Input::Money,
        "技术转让合同必填：实施后预计新增的产值",
    ),
];

const PARTY: &[(&str, Input, &str)] = &[
    ("name", Input::Text, "与合同印章一致的全称"),
    (
        "country_code",
        Input::Suggest("countries"),
        "3 位国别代码，中国为 142；港澳台 110/121/143",
    ),
    (
        "admin_code",
        Input::Suggest("regions"),
        "6 位行政区划代码（国别为 142 时必填）",
    ),
    (
        "uscc",
        Input::Text,
        "18 位统一社会信用代码；自然人填身份证号码",
    ),
    (
        "uscc_override",
        Input::Text,
        "仅当代码校验位不符但经核实合法（如早期试点代码）时填写原因",
    ),
    ("nature_code", Input::Select(options_nature), ""),
    ("address", Input::Text, ""),
    ("zipcode", Input::Text, ""),
    ("representative", Input::Text, ""),
    ("contact", Input::Text, ""),
    ("phone", Input::Text, ""),
];

/// One field as the template renders it.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub name: String,
    pub label: &'static str,
    /// "text", "date", "money", "textarea", "yesno", "select" or "suggest".
    pub kind: &'static str,
    pub value: String,
    pub maxlength: usize,
    pub options: Vec<(String, String)>,
    pub datalist: &'static str,
    pub hint: &'static str,
    /// Shown beside the field: the amount in 万元, the region's name.
    pub echo: Option<String>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// A titled group of fields.
#[derive(Debug, Clone)]
pub struct SectionView {
    pub title: &'static str,
    pub fields: Vec<FieldView>,
    /// "seller" or "buyer" for the party sections, which offer the directory lookup.
    pub party: Option<&'static str>,
}

fn view(
    name: &str,
    input: Input,
    hint: &'static str,
    values: &ContractInput,
    errors: &FieldErrors,
    warnings: &[Warning],
) -> FieldView {
    let value = values.get(name).unwrap_or_default().to_owned();
    let (kind, options, datalist) = match input {
        Input::Text => ("text", Vec::new(), ""),
        Input::Date => ("date", Vec::new(), ""),
        Input::Money => ("money", Vec::new(), ""),
        Input::Textarea => ("textarea", Vec::new(), ""),
        Input::YesNo => ("yesno", Vec::new(), ""),
        Input::Select(f) => ("select", f(), ""),
        Input::Suggest(list) => ("suggest", Vec::new(), list),
    };
    // The same limit saving and the rules apply (`rules::max_chars`).
    let maxlength = rules::max_chars(name);
    let echo = match kind {
        "money" => Money::parse_yuan(&value)
            .ok()
            .map(|m| format!("= {} 万元", m.wan_yuan(4))),
        _ if name.ends_with("admin_code") => region::full_name(value.trim()),
        _ if name.ends_with("country_code") && value.trim() != country::CHINA => {
            country::get(value.trim()).map(|c| c.label.to_owned())
        }
        _ => None,
    };
    FieldView {
        name: name.to_owned(),
        label: field_label(name),
        kind,
        value,
        maxlength,
        options,
        datalist,
        hint,
        echo,
        errors: errors.get(name).to_vec(),
        warnings: warnings
            .iter()
            .filter(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
            .collect(),
    }
}

/// The sections of the form of leaf category `category_code`, with the values and messages.
pub fn sections(
    category_code: &str,
    values: &ContractInput,
    errors: &FieldErrors,
    warnings: &[Warning],
) -> Vec<SectionView> {
    let shown = rules::fields_for_category(category_code);
    let pick = |specs: &[Spec]| -> Vec<FieldView> {
        specs
            .iter()
            .filter(|s| shown.contains(&s.name))
            .map(|s| view(s.name, s.input, s.hint, values, errors, warnings))
            .collect()
    };
    let party = |prefix: &str| -> Vec<FieldView> {
        PARTY
            .iter()
            .map(|(suffix, input, hint)| (format!("{prefix}_{suffix}"), *input, *hint))
            .filter(|(name, _, _)| shown.contains(&name.as_str()))
            .map(|(name, input, hint)| view(&name, input, hint, values, errors, warnings))
            .collect()
    };
    vec![
        SectionView {
            title: "合同基本信息",
            fields: pick(BASICS),
            party: None,
        },
        SectionView {
            title: "金额",
            fields: pick(AMOUNTS),
            party: None,
        },
        SectionView {
            title: "卖方（技术提供方）",
            fields: party("seller"),
            party: Some("seller"),
        },
        SectionView {
            title: "买方（技术接受方）",
            fields: party("buyer"),
            party: Some("buyer"),
        },
    ]
}

/// Every field name the form knows, for picking the contract's fields out of a posted form.
pub fn is_contract_field(name: &str) -> bool {
    ContractInput::FIELDS.contains(&name)
}

/// The leaf categories for the chooser, grouped under their parent.
pub fn category_groups() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    category::CATEGORIES
        .iter()
        .map(|c| {
            (
                c.label,
                category::leaves_of(c.code)
                    .map(|l| (l.code, l.label))
                    .collect(),
            )
        })
        .collect()
}

/// Suggestions for the country input.
pub fn countries() -> Vec<(&'static str, &'static str)> {
    country::ALL.iter().map(|c| (c.code, c.label)).collect()
}

/// Suggestions for region inputs: province- and prefecture-level divisions (county codes can be
/// typed; the name appears beside the field once saved).
pub fn regions() -> Vec<(&'static str, String)> {
    region::all()
        .filter(|d| d.code.ends_with("00"))
        .map(|d| {
            (
                d.code,
                region::full_name(d.code).unwrap_or_else(|| d.name.to_owned()),
            )
        })
        .collect()
}
