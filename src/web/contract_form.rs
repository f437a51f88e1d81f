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
