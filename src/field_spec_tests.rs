//! Walks the contract's field specification (`domain::fields`, declared with
//! `contract::ContractInput`) and checks that every consumer reads it: the form, the rules,
//! the contracts file's columns and help, and the code lists behind selects and suggestions.

use std::collections::HashMap;

use crate::catalog::list::CodeList;
use crate::domain::contract::{ContractInput, field_label, field_name, spec};
use crate::domain::contract_file::{self, column_help, column_label};
use crate::domain::field_errors::FieldErrors;
use crate::domain::fields::{Kind, Section};
use crate::domain::rules;
use crate::web::contract_form::{self, FieldView};

#[test]
fn the_specification_is_the_field_list() {
    assert_eq!(ContractInput::SPECS.len(), ContractInput::FIELDS.len());
    for (s, key) in ContractInput::SPECS.iter().zip(ContractInput::FIELDS) {
        assert_eq!(s.key, *key);
        assert_eq!(spec(key), Some(s));
        assert!(!s.label.is_empty() && !s.short_label.is_empty(), "{key}");
        assert_eq!(field_label(key), s.label);
        assert!(!field_name(key).ends_with("（元）"), "{key}");
        if let Some(side) = ["seller_", "buyer_"].iter().find(|p| key.starts_with(*p)) {
            let prefix = if *side == "seller_" {
                "卖方"
            } else {
                "买方"
            };
            assert_eq!(s.label, format!("{prefix}{}", s.short_label), "{key}");
        }
    }
    assert_eq!(spec("colour"), None);
}

#[test]
fn the_form_holds_every_field_once_in_its_order() {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for section in Section::ALL {
        for key in section.fields() {
            assert!(spec(key).is_some(), "{key}");
            *seen.entry(key).or_default() += 1;
        }
    }
    for key in ContractInput::FIELDS {
        // 合同类别 is chosen before the form opens.
        let expected = usize::from(*key != "category_code");
        assert_eq!(seen.get(key).copied().unwrap_or(0), expected, "{key}");
    }
}

fn form_fields(category: &str) -> Vec<FieldView> {
    let input = ContractInput::default();
    contract_form::sections(category, &input, &FieldErrors::new(), &[])
        .into_iter()
        .flat_map(|s| s.fields)
        .collect()
}

#[test]
fn the_form_renders_each_field_as_its_spec_says() {
    // 24 shows the transfer fields, 42 the third party: together every field of the form.
    let mut shown = 0;
    for category in ["24", "42"] {
        for view in form_fields(category) {
            let s = spec(&view.name).expect("a specified field");
            assert_eq!(view.label, s.label);
            assert_eq!(view.hint, s.hint);
            assert_eq!(view.maxlength, s.kind.max_chars(), "{}", s.key);
            assert_eq!(view.maxlength, rules::max_chars(s.key));
            let expected_kind = match s.kind {
                Kind::Line(_) | Kind::Code(None) => "text",
                Kind::Note(_) => "textarea",
                Kind::Date => "date",
                Kind::Money => "money",
                Kind::Flag => "yesno",
                Kind::Code(Some(l)) if l.is_typed() => "suggest",
                Kind::Code(Some(_)) => "select",
            };
            assert_eq!(view.kind, expected_kind, "{}", s.key);
            if let Kind::Code(Some(list)) = s.kind {
                if list.is_typed() {
                    assert_eq!(view.datalist, list.key());
                } else {
                    let codes: Vec<&str> = list.choices().iter().map(|e| e.code).collect();
                    let offered: Vec<&str> = view.options.iter().map(|(c, _)| c.as_str()).collect();
                    assert_eq!(offered, codes, "{}", s.key);
                }
            }
            shown += 1;
        }
    }
    assert!(shown > ContractInput::FIELDS.len(), "{shown}");
}

#[test]
fn the_rules_hold_each_field_to_its_spec_limit() {
    for s in ContractInput::SPECS {
        let max = s.kind.max_chars();
        let mut input = ContractInput::default();
        let fits = if s.kind.is_text() { "字" } else { "1" }.repeat(max);
        input.set(s.key, fits);
        assert!(rules::check_text(&input).is_empty(), "{}", s.key);
        let over = if s.kind.is_text() { "字" } else { "1" }.repeat(max + 1);
        input.set(s.key, over);
        let errors = rules::check_text(&input);
        let message = errors.get(s.key).join("");
        assert!(
            message.contains(&format!("{}不能超过 {max} 个字", s.name())),
            "{}: {message}",
            s.key
        );
    }
    // The two limits that once disagreed between the form and the rules.
    assert_eq!(rules::max_chars("seller_zipcode"), 20);
    assert_eq!(rules::max_chars("buyer_uscc_override"), 1000);
}

#[test]
fn the_file_columns_and_help_come_from_the_spec() {
    for s in ContractInput::SPECS {
        assert_eq!(column_label(s.key), s.label);
        let (when, what) = column_help(s.key);
        assert_eq!(when, s.required_when, "{}", s.key);
        assert_eq!(what, s.help_text());
        assert!(!what.is_empty(), "{}", s.key);
        assert_eq!(
            contract_file::is_required_column(s.key),
            s.column_required,
            "{}",
            s.key
        );
        if s.column_required {
            assert_eq!(s.required_when, "必填", "{}", s.key);
        }
        if let Kind::Line(max) | Kind::Note(max) = s.kind {
            assert!(what.contains(&format!("不超过 {max} 字")), "{what}");
        }
    }
}

#[test]
fn code_fields_draw_on_the_lists() {
    let mut lists: Vec<CodeList> = ContractInput::SPECS
        .iter()
        .filter_map(|s| match s.kind {
            Kind::Code(Some(list)) => Some(list),
            _ => None,
        })
        .collect();
    lists.dedup();
    lists.sort_by_key(|l| l.key());
    lists.dedup();
    let mut all = CodeList::ALL.to_vec();
    all.sort_by_key(|l| l.key());
    assert_eq!(lists, all, "every list is some field's");
}
