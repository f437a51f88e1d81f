//! 技术领域: the 11 technology fields (domain.md §3.7; codes are our own, in 附表9 order).

use crate::catalog::rows::ReportRow;

/// One technology field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TechField {
    /// Two-digit code "01"…"11".
    pub code: &'static str,
    /// Label as the report prints it.
    pub label: &'static str,
}

const fn entry(code: &'static str, label: &'static str) -> TechField {
    TechField { code, label }
}

/// All fields in code order (= 附表9 order).
pub const ALL: &[TechField] = &[
    entry("01", "电子信息技术"),
    entry("02", "航空航天技术"),
    entry("03", "先进制造技术"),
    entry("04", "生物、医药和医疗器械技术"),
    entry("05", "新材料及其应用"),
    entry("06", "新能源与高效节能"),
    entry("07", "环境保护与资源综合利用技术"),
    entry("08", "核应用技术"),
    entry("09", "农业技术"),
    entry("10", "现代交通"),
    entry("11", "城市建设与社会发展"),
];

/// 附表6 rows in printed order.
pub const ANNEX6_ROWS: &[ReportRow] = &[
    ReportRow::item("电子信息技术", &["01"]),
    ReportRow::item("先进制造技术", &["03"]),
    ReportRow::item("新能源与高效节能", &["06"]),
    ReportRow::item("现代交通", &["10"]),
    ReportRow::item("城市建设与社会发展", &["11"]),
    ReportRow::item("环境保护与资源综合利用技术", &["07"]),
    ReportRow::item("生物、医药和医疗器械技术", &["04"]),
    ReportRow::item("新材料及其应用", &["05"]),
    ReportRow::item("农业技术", &["09"]),
    ReportRow::item("核应用技术", &["08"]),
    ReportRow::item("航空航天技术", &["02"]),
];

/// 附表9 技术领域 section rows (code order).
pub const ANNEX9_ROWS: &[ReportRow] = &[
    ReportRow::item("电子信息技术", &["01"]),
    ReportRow::item("航空航天技术", &["02"]),
    ReportRow::item("先进制造技术", &["03"]),
    ReportRow::item("生物、医药和医疗器械技术", &["04"]),
    ReportRow::item("新材料及其应用", &["05"]),
    ReportRow::item("新能源与高效节能", &["06"]),
    ReportRow::item("环境保护与资源综合利用技术", &["07"]),
    ReportRow::item("核应用技术", &["08"]),
    ReportRow::item("农业技术", &["09"]),
    ReportRow::item("现代交通", &["10"]),
    ReportRow::item("城市建设与社会发展", &["11"]),
];

/// The field with code `code`.
pub fn get(code: &str) -> Option<&'static TechField> {
    ALL.iter().find(|f| f.code == code)
}

/// Whether `code` is a field code.
pub fn is_valid(code: &str) -> bool {
    get(code).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::list::CodeList;
    use crate::catalog::rows::check_partition;

    #[test]
    fn layouts() {
        let codes: Vec<&str> = ALL.iter().map(|f| f.code).collect();
        assert_eq!(codes.len(), 11);
        assert_eq!(check_partition(ANNEX6_ROWS, CodeList::TechField), Ok(()));
        assert_eq!(check_partition(ANNEX9_ROWS, CodeList::TechField), Ok(()));
        for row in ANNEX6_ROWS.iter().chain(ANNEX9_ROWS) {
            assert_eq!(get(row.codes[0]).map(|f| f.label), Some(row.label));
        }
        let a06: Vec<&str> = ANNEX6_ROWS.iter().map(|r| r.label).collect();
        assert_eq!(
            a06,
            [
                "电子信息技术",
                "先进制造技术",
                "新能源与高效节能",
                "现代交通",
                "城市建设与社会发展",
                "环境保护与资源综合利用技术",
                "生物、医药和医疗器械技术",
                "新材料及其应用",
                "农业技术",
                "核应用技术",
                "航空航天技术",
            ]
        );
        assert!(is_valid("11") && !is_valid("12") && !is_valid("1"));
    }
}
