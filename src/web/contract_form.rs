//! The contract form as data: which fields each category shows, in which section, with which
//! input, options and hints. The template only loops over sections and fields.

use crate::catalog::list::CodeList;
use crate::catalog::{country, region};
use crate::domain::contract::{ContractInput, spec};
use crate::domain::field_errors::FieldErrors;
use crate::domain::fields::{FieldSpec, Kind, Section};
use crate::domain::money::Money;
use crate::domain::rules::{self, Warning};

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
    spec: &'static FieldSpec,
    values: &ContractInput,
    errors: &FieldErrors,
    warnings: &[Warning],
) -> FieldView {
    let name = spec.key;
    let value = values.get(name).unwrap_or_default().to_owned();
    let (kind, options, datalist) = match spec.kind {
        Kind::Line(_) | Kind::Code(None) => ("text", Vec::new(), ""),
        Kind::Note(_) => ("textarea", Vec::new(), ""),
        Kind::Date => ("date", Vec::new(), ""),
        Kind::Money => ("money", Vec::new(), ""),
        Kind::Flag => ("yesno", Vec::new(), ""),
        Kind::Code(Some(list)) if list.is_typed() => ("suggest", Vec::new(), list.key()),
        Kind::Code(Some(list)) => (
            "select",
            list.choices()
                .iter()
                .map(|e| (e.code.to_owned(), e.code_and_label()))
                .collect(),
            "",
        ),
    };
    let echo = match spec.kind {
        Kind::Money => Money::parse_yuan(&value)
            .ok()
            .map(|m| format!("= {} 万元", m.wan_yuan(4))),
        Kind::Code(Some(CodeList::Region)) => region::full_name(value.trim()),
        Kind::Code(Some(CodeList::Country)) if value.trim() != country::CHINA => {
            CodeList::Country.label(value.trim())
        }
        _ => None,
    };
    FieldView {
        name: name.to_owned(),
        label: spec.label,
        kind,
        value,
        maxlength: spec.kind.max_chars(),
        options,
        datalist,
        hint: spec.hint,
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
    Section::ALL
        .iter()
        .map(|section| SectionView {
            title: section.title(),
            fields: section
                .fields()
                .iter()
                .filter(|name| shown.contains(name))
                .filter_map(|name| spec(name))
                .map(|s| view(s, values, errors, warnings))
                .collect(),
            party: section.party(),
        })
        .collect()
}

/// The label of what a message is about: a field's, the attachments', the checklist's.
pub fn label_of(field: &str) -> &'static str {
    match field {
        "checklist_confirmed" => "认定要点核对",
        "attachments" => "附件",
        f => match spec(f) {
            Some(s) => s.label,
            None => "表单",
        },
    }
}

/// Where a message's field sits on the form: 合同类别 (chosen first), the sections' fields in
/// order, the attachments, then the checklist; anything else last.
fn form_position(field: &str) -> usize {
    let in_sections = Section::ALL.iter().flat_map(|s| s.fields().iter());
    let after_sections = Section::ALL.iter().map(|s| s.fields().len()).sum::<usize>() + 1;
    match field {
        "category_code" => 0,
        "attachments" => after_sections,
        "checklist_confirmed" => after_sections + 1,
        f => in_sections
            .clone()
            .position(|k| *k == f)
            .map_or(after_sections + 2, |i| i + 1),
    }
}

/// One line of an error summary: the field it links to and what to correct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    pub field: String,
    pub text: String,
}

/// Errors as a summary lists them: in the order of the form, each message once, and the field
/// named once (a message that already names its field is not prefixed with the label again).
pub fn error_summary(errors: &FieldErrors) -> Vec<SummaryItem> {
    let mut items: Vec<(usize, SummaryItem)> = Vec::new();
    for (field, message) in errors.iter() {
        // A field's name as messages use it (without its unit); the label of anything else.
        let name = spec(field).map_or_else(|| label_of(field), FieldSpec::name);
        let text = if message.starts_with(name) {
            message.to_owned()
        } else {
            format!("{name}：{message}")
        };
        let item = SummaryItem {
            field: field.to_owned(),
            text,
        };
        if !items.iter().any(|(_, i)| *i == item) {
            items.push((form_position(field), item));
        }
    }
    // Stable: a field's messages keep the rules' order.
    items.sort_by_key(|(position, _)| *position);
    items.into_iter().map(|(_, item)| item).collect()
}

/// Every field name the form knows, for picking the contract's fields out of a posted form.
pub fn is_contract_field(name: &str) -> bool {
    ContractInput::FIELDS.contains(&name)
}

/// The leaf categories for the chooser, grouped under their category.
pub fn category_groups() -> Vec<(String, Vec<(&'static str, String)>)> {
    let entries = CodeList::Category.entries();
    entries
        .iter()
        .filter(|e| e.parent.is_none())
        .map(|heading| {
            let leaves = entries
                .iter()
                .filter(|e| e.parent == Some(heading.code) && e.selectable)
                .map(|e| (e.code, e.label.clone()))
                .collect();
            (heading.label.clone(), leaves)
        })
        .collect()
}

/// Suggestions for the country input.
pub fn countries() -> Vec<(&'static str, String)> {
    CodeList::Country
        .choices()
        .into_iter()
        .map(|e| (e.code, e.label))
        .collect()
}

/// Suggestions for region inputs: province- and prefecture-level divisions (county codes can be
/// typed; the name appears beside the field once saved).
pub fn regions() -> Vec<(&'static str, String)> {
    CodeList::Region
        .choices()
        .into_iter()
        .filter(|e| e.code.ends_with("00"))
        .map(|e| (e.code, e.label))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_follows_the_form_and_names_each_field_once() {
        let mut e = FieldErrors::new();
        e.add("checklist_confirmed", "请逐项核对认定要点后勾选确认");
        e.add("buyer_name", "买方名称不能为空");
        e.add("seller_uscc", "卖方统一社会信用代码校验位错误，应为 9");
        e.add("seller_uscc", "卖方统一社会信用代码校验位错误，应为 9");
        e.add("attachments", "请上传合同文本（PDF、JPEG 或 PNG）");
        e.add("total_amount_yuan", "应大于 0");
        e.add("project_name", "项目名称不能为空");
        let items = error_summary(&e);
        let fields: Vec<&str> = items.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "project_name",
                "total_amount_yuan",
                "seller_uscc",
                "buyer_name",
                "attachments",
                "checklist_confirmed"
            ]
        );
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts[0], "项目名称不能为空");
        assert_eq!(texts[1], "成交额：应大于 0");
        assert_eq!(texts[2], "卖方统一社会信用代码校验位错误，应为 9");
        assert_eq!(texts[4], "附件：请上传合同文本（PDF、JPEG 或 PNG）");
        assert_eq!(texts[5], "认定要点核对：请逐项核对认定要点后勾选确认");
    }
}
