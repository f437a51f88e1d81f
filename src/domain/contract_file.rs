//! The columns of the contracts file (interchange.md §1): the four the system sets, then the
//! contract fields in specification order, with their zh names and what each holds. Shared by
//! the reader (`input::contracts`), the writers (`export`) and the upload page.

use crate::domain::contract::{ContractInput, field_label, spec};

/// The columns the system sets, first in every file: `registration_number`, `status`,
/// `office_code`, `registered_on`. The `ContractInput::FIELDS` follow.
pub const SYSTEM_COLUMNS: [&str; 4] = [
    "registration_number",
    "status",
    "office_code",
    "registered_on",
];

/// Whether a file's header must have `column` (the "yes" rows of interchange.md §1): the two
/// system columns every row fills and the fields whose spec says so. The others may be left
/// out of the header and then read as empty; whether a row needs them is the rules' call.
pub fn is_required_column(column: &str) -> bool {
    matches!(column, "status" | "office_code") || spec(column).is_some_and(|s| s.column_required)
}

/// The columns a file must have, in output order.
pub fn required_columns() -> Vec<&'static str> {
    columns().filter(|c| is_required_column(c)).collect()
}

/// Every column in output order: the system columns, then `ContractInput::FIELDS`.
pub fn columns() -> impl Iterator<Item = &'static str> {
    SYSTEM_COLUMNS
        .iter()
        .chain(ContractInput::FIELDS.iter())
        .copied()
}

/// The position of `column` in output order (for sorting problems by column).
pub fn column_index(column: &str) -> Option<usize> {
    columns().position(|c| c == column)
}

/// The zh name of a column (the form label for contract fields).
pub fn column_label(column: &str) -> &'static str {
    match column {
        "registration_number" => "合同登记编号",
        "status" => "状态",
        "office_code" => "登记机构代码",
        "registered_on" => "登记日期",
        other => field_label(other),
    }
}

/// When a column must be filled and what it holds, for the template's notes and the upload
/// page: (column, when required, what to write).
pub fn column_help(column: &str) -> (&'static str, String) {
    let system = |when: &'static str, what: &str| (when, what.to_owned());
    match column {
        "registration_number" => system(
            "已登记行必填",
            "16 位数字 YYYY PPCC NN SSSSSS：前 4 位为登记日期的年份，第 5–10 位为登记机构代码；待审核行不填（审核通过时生成）",
        ),
        "status" => system(
            "必填",
            "submitted（待审核，等待省级审核）或 registered（已登记的历史合同，仅部级用户和命令行可导入）",
        ),
        "office_code" => system(
            "必填",
            "登记机构的 6 位代码 PPCCNN；登记员只能导入本机构的合同",
        ),
        "registered_on" => system("已登记行必填", "YYYY-MM-DD；待审核行不填"),
        other => match spec(other) {
            Some(spec) => (spec.required_when, spec.help_text()),
            None => ("", String::new()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_the_interchange_order() {
        let all: Vec<&str> = columns().collect();
        assert_eq!(all.len(), 44);
        assert_eq!(&all[..4], SYSTEM_COLUMNS);
        assert_eq!(all[4], "project_name");
        assert_eq!(all[43], "buyer_phone");
        // The "yes" rows of interchange.md §1.
        assert_eq!(
            required_columns(),
            [
                "status",
                "office_code",
                "project_name",
                "signed_on",
                "valid_from",
                "valid_to",
                "category_code",
                "ip_code",
                "tech_field_code",
                "objective_code",
                "plan_code",
                "payment_code",
                "total_amount_yuan",
                "technical_amount_yuan",
                "seller_name",
                "buyer_name",
                "seller_country_code",
                "buyer_country_code",
                "seller_nature_code",
                "buyer_nature_code",
            ]
        );
        for c in &all {
            assert!(!column_label(c).is_empty(), "{c}");
            assert!(!column_help(c).0.is_empty(), "{c}");
        }
        assert_eq!(
            crate::export::contracts_csv::header_line(),
            format!("{}\n", all.join(","))
        );
    }
}
