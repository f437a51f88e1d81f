//! The import's problem lists: order, cut-off and counting.

use super::check::*;
use super::*;
use chrono::NaiveDate;

use crate::domain::contract::ContractInput;
use crate::domain::office_code::OfficeCode;
use crate::domain::rules::{self, RuleContext};

#[test]
fn territory_messages_are_recognised() {
    // A Beijing seller filed at a 广州 office: rule 7 speaks of "本登记机构".
    let input = ContractInput {
        seller_country_code: "142".into(),
        seller_admin_code: "110108".into(),
        ..ContractInput::default()
    };
    let office = OfficeCode::parse("440101").unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let (errors, _) = rules::check(&input, &RuleContext::filing(office, today)).unwrap_err();
    assert!(
        errors
            .get("seller_admin_code")
            .iter()
            .any(|m| about_office_territory(m)),
        "{errors:?}"
    );
    assert!(
        !errors
            .get("project_name")
            .iter()
            .any(|m| about_office_territory(m))
    );
    assert!(OfficeCode::parse(STAND_IN_OFFICE).is_ok());
}

#[test]
fn problems_sort_by_row_then_column() {
    let mut p = vec![
        Problem::error(3, "buyer_name", "b"),
        Problem {
            row: 2,
            column: "total_amount_yuan".into(),
            warning: true,
            message: "w".into(),
        },
        Problem::error(2, "total_amount_yuan", "e"),
        Problem::error(2, "status", "s"),
    ];
    assert_eq!(
        sorted_lines(&mut p),
        [
            "row 2, status: s",
            "row 2, total_amount_yuan: e",
            "row 2, total_amount_yuan: 警告：w",
            "row 3, buyer_name: b",
        ]
    );
}

#[test]
fn long_listings_keep_the_first_errors_and_count_the_warnings() {
    let warning = |row| Problem {
        row,
        column: "total_amount_yuan".into(),
        warning: true,
        message: "w".into(),
    };
    // Errors from two slices, out of order: the first MAX_PROBLEMS by row are kept.
    let mut p: Vec<Problem> = (0..MAX_PROBLEMS + 50)
        .rev()
        .map(|i| Problem::error(i + 2, "status", "s"))
        .collect();
    p.push(warning(3));
    let cut = ImportProblems::cut_short(p);
    assert!(cut.cut_short);
    assert_eq!(cut.lines.len(), MAX_PROBLEMS + 2);
    assert_eq!(cut.lines[0], "row 2, status: s");
    assert_eq!(cut.lines[2], "row 3, total_amount_yuan: 警告：w");
    assert_eq!(cut.warnings, 1);
    assert!(
        cut.lines
            .last()
            .is_some_and(|l| l.starts_with("file: 问题超过 1000 处"))
    );
    assert!(cut.describe().contains("错误超过 1000 处"));

    let many: Vec<String> = (0..MAX_PROBLEMS + 7)
        .map(|i| warning(i + 2).line())
        .collect();
    let kept = listed(many);
    assert_eq!(kept.len(), MAX_PROBLEMS + 1);
    assert_eq!(kept[MAX_PROBLEMS], "file: 警告：另有 7 条警告未列出");
    let few = vec!["row 2, status: s".to_owned(), warning(2).line()];
    assert_eq!(listed(few.clone()), few);
}
