//! 知识产权类别: intellectual-property types (domain.md §3.6; codes are our own).

use crate::catalog::rows::ReportRow;

/// One IP type; 专利 is a heading over its three kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpType {
    /// Code ("01", "02", "021", …, "99").
    pub code: &'static str,
    /// Label as 附表5 prints it.
    pub label: &'static str,
    /// Code of the heading this type sits under.
    pub parent: Option<&'static str>,
    /// Whether a form may select it (专利 itself is not selectable).
    pub selectable: bool,
}

const fn entry(code: &'static str, label: &'static str, parent: Option<&'static str>) -> IpType {
    IpType {
        code,
        label,
        parent,
        selectable: true,
    }
}

/// The code of 未涉及知识产权.
pub const NONE: &str = "99";

/// All IP types in code order (专利 heading before its kinds).
pub const ALL: &[IpType] = &[
    entry("01", "技术秘密", None),
    IpType {
        code: "02",
        label: "专利",
        parent: None,
        selectable: false,
    },
    entry("021", "发明专利", Some("02")),
    entry("022", "实用新型专利", Some("02")),
    entry("023", "外观设计专利", Some("02")),
    entry("03", "计算机软件", None),
    entry("04", "植物新品种", None),
    entry("05", "集成电路布图设计", None),
    entry("06", "生物、医药新品种", None),
    entry("07", "设计著作权", None),
    entry("99", "未涉及知识产权", None),
];

/// 附表5 rows in printed order.
pub const ANNEX5_ROWS: &[ReportRow] = &[
    ReportRow::item("技术秘密", &["01"]),
    ReportRow::subtotal("专利", &["021", "022", "023"]),
    ReportRow::child("专利", "发明专利", &["021"]),
    ReportRow::child("专利", "实用新型专利", &["022"]),
    ReportRow::child("专利", "外观设计专利", &["023"]),
    ReportRow::item("计算机软件", &["03"]),
    ReportRow::item("植物新品种", &["04"]),
    ReportRow::item("集成电路布图设计", &["05"]),
    ReportRow::item("生物、医药新品种", &["06"]),
    ReportRow::item("设计著作权", &["07"]),
    ReportRow::item("未涉及知识产权", &["99"]),
];

/// 附表9 知识产权 section rows (专利 not split).
pub const ANNEX9_ROWS: &[ReportRow] = &[
    ReportRow::item("技术秘密", &["01"]),
    ReportRow::item("专利", &["021", "022", "023"]),
    ReportRow::item("计算机软件", &["03"]),
    ReportRow::item("植物新品种", &["04"]),
    ReportRow::item("集成电路布图设计", &["05"]),
    ReportRow::item("生物、医药新品种", &["06"]),
    ReportRow::item("设计著作权", &["07"]),
    ReportRow::item("未涉及知识产权", &["99"]),
];

/// The IP type with code `code` (headings included).
pub fn get(code: &str) -> Option<&'static IpType> {
    ALL.iter().find(|t| t.code == code)
}

/// The selectable IP type with code `code`.
pub fn leaf(code: &str) -> Option<&'static IpType> {
    get(code).filter(|t| t.selectable)
}

/// Whether `code` may be selected on a form.
pub fn is_leaf(code: &str) -> bool {
    leaf(code).is_some()
}

/// Selectable IP types in code order.
pub fn leaves() -> impl Iterator<Item = &'static IpType> {
    ALL.iter().filter(|t| t.selectable)
}

/// Whether the contract involves IP (涉及知识产权: any selectable type except 99).
pub fn involves_ip(code: &str) -> bool {
    is_leaf(code) && code != NONE
}

/// Whether the type is one of the three patent kinds.
pub fn is_patent(code: &str) -> bool {
    get(code).is_some_and(|t| t.parent == Some("02"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::list::CodeList;
    use crate::catalog::rows::check_partition;

    fn leaf_codes() -> Vec<&'static str> {
        leaves().map(|t| t.code).collect()
    }

    #[test]
    fn codes_and_helpers() {
        assert_eq!(
            leaf_codes(),
            [
                "01", "021", "022", "023", "03", "04", "05", "06", "07", "99"
            ]
        );
        assert!(!is_leaf("02") && get("02").is_some());
        assert!(is_patent("022") && !is_patent("02") && !is_patent("01"));
        assert!(involves_ip("01") && !involves_ip("99") && !involves_ip("02"));
    }

    #[test]
    fn annex_layouts() {
        assert_eq!(check_partition(ANNEX5_ROWS, CodeList::Ip), Ok(()));
        assert_eq!(check_partition(ANNEX9_ROWS, CodeList::Ip), Ok(()));
        let a05: Vec<&str> = ANNEX5_ROWS.iter().map(|r| r.label).collect();
        assert_eq!(
            a05,
            [
                "技术秘密",
                "专利",
                "发明专利",
                "实用新型专利",
                "外观设计专利",
                "计算机软件",
                "植物新品种",
                "集成电路布图设计",
                "生物、医药新品种",
                "设计著作权",
                "未涉及知识产权",
            ]
        );
        let a09: Vec<&str> = ANNEX9_ROWS.iter().map(|r| r.label).collect();
        assert_eq!(
            a09,
            [
                "技术秘密",
                "专利",
                "计算机软件",
                "植物新品种",
                "集成电路布图设计",
                "生物、医药新品种",
                "设计著作权",
                "未涉及知识产权",
            ]
        );
        for row in ANNEX5_ROWS.iter().filter(|r| r.codes.len() == 1) {
            assert_eq!(get(row.codes[0]).map(|t| t.label), Some(row.label));
        }
    }
}
