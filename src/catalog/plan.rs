//! 计划来源: plan sources (domain.md §3.9; codes are our own).
//!
//! The national programme list is the one of the 2016 report, which predates the 2015–17
//! reform of national programmes; entries carry validity years so a later list can be added.

use crate::catalog::Years;
use crate::catalog::rows::ReportRow;

/// One plan source: a level (1, 2, 3, 4, 9) or a national programme under 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Code: "1"–"4", "9", or "101"–"117", "199" under 国家科技计划.
    pub code: &'static str,
    /// Label as 附表8 prints it.
    pub label: &'static str,
    /// "1" for the national programmes.
    pub parent: Option<&'static str>,
    /// Whether a form may select it (国家科技计划 itself is not selectable).
    pub selectable: bool,
    /// The registration years the entry may be used for.
    pub years: Years,
}

impl Plan {
    /// Whether the entry is in force for registration year `year`.
    pub fn valid_in(&self, year: u16) -> bool {
        self.years.contains(year)
    }
}

/// The code of 计划外 (not in any plan).
pub const UNPLANNED: &str = "9";

const fn level(code: &'static str, label: &'static str, selectable: bool) -> Plan {
    Plan {
        code,
        label,
        parent: None,
        selectable,
        years: Years::since(2000),
    }
}

const fn national(code: &'static str, label: &'static str) -> Plan {
    Plan {
        code,
        label,
        parent: Some("1"),
        selectable: true,
        years: Years::since(2000),
    }
}

/// All plan sources in 附表8 order (国家科技计划 heading, its programmes, then the other levels).
pub const ALL: &[Plan] = &[
    level("1", "国家科技计划", false),
    national("101", "高技术研究发展计划（863计划）"),
    national("102", "国际科技合作计划"),
    national("103", "国际热核聚变实验堆（ITER）计划专项"),
    national("104", "国家科技支撑计划"),
    national("105", "国家科技重大专项"),
    national("106", "国家农业科技成果转化资金"),
    national("107", "国家软科学研究计划"),
    national("108", "国家重点新产品计划"),
    national("109", "火炬计划"),
    national("110", "基础研究计划(973计划)和国家重大科学研究计划"),
    national("111", "科技富民强县专项行动计划"),
    national("112", "科技惠民计划"),
    national("113", "科技基础条件平台建设"),
    national("114", "科技型中小企业技术创新基金"),
    national("115", "科研院所技术开发研究专项资金"),
    national("116", "星火计划"),
    national("117", "自然科学基金"),
    national("199", "其他"),
    level("2", "部门计划", true),
    level("3", "省（自治区、直辖市）及计划单列市计划", true),
    level("4", "地市县计划", true),
    level("9", "计划外", true),
];

const NATIONAL_CODES: &[&str] = &[
    "101", "102", "103", "104", "105", "106", "107", "108", "109", "110", "111", "112", "113",
    "114", "115", "116", "117", "199",
];

/// 附表8 rows in printed order.
pub const ANNEX8_ROWS: &[ReportRow] = &[
    ReportRow::subtotal("国家科技计划", NATIONAL_CODES),
    ReportRow::child("国家科技计划", "高技术研究发展计划（863计划）", &["101"]),
    ReportRow::child("国家科技计划", "国际科技合作计划", &["102"]),
    ReportRow::child(
        "国家科技计划",
        "国际热核聚变实验堆（ITER）计划专项",
        &["103"],
    ),
    ReportRow::child("国家科技计划", "国家科技支撑计划", &["104"]),
    ReportRow::child("国家科技计划", "国家科技重大专项", &["105"]),
    ReportRow::child("国家科技计划", "国家农业科技成果转化资金", &["106"]),
    ReportRow::child("国家科技计划", "国家软科学研究计划", &["107"]),
    ReportRow::child("国家科技计划", "国家重点新产品计划", &["108"]),
    ReportRow::child("国家科技计划", "火炬计划", &["109"]),
    ReportRow::child(
        "国家科技计划",
        "基础研究计划(973计划)和国家重大科学研究计划",
        &["110"],
    ),
    ReportRow::child("国家科技计划", "科技富民强县专项行动计划", &["111"]),
    ReportRow::child("国家科技计划", "科技惠民计划", &["112"]),
    ReportRow::child("国家科技计划", "科技基础条件平台建设", &["113"]),
    ReportRow::child("国家科技计划", "科技型中小企业技术创新基金", &["114"]),
    ReportRow::child("国家科技计划", "科研院所技术开发研究专项资金", &["115"]),
    ReportRow::child("国家科技计划", "星火计划", &["116"]),
    ReportRow::child("国家科技计划", "自然科学基金", &["117"]),
    ReportRow::child("国家科技计划", "其他", &["199"]),
    ReportRow::item("部门计划", &["2"]),
    ReportRow::item("省（自治区、直辖市）及计划单列市计划", &["3"]),
    ReportRow::item("地市县计划", &["4"]),
    ReportRow::item("计划外", &["9"]),
];

/// The plan source with code `code` (the heading "1" included).
pub fn get(code: &str) -> Option<&'static Plan> {
    ALL.iter().find(|p| p.code == code)
}

/// The selectable plan source with code `code`.
pub fn leaf(code: &str) -> Option<&'static Plan> {
    get(code).filter(|p| p.selectable)
}

/// The selectable plan source with code `code` if in force for registration year `year`.
pub fn leaf_for_year(code: &str, year: u16) -> Option<&'static Plan> {
    leaf(code).filter(|p| p.valid_in(year))
}

/// Whether `code` may be selected on a form (101–117, 199, 2, 3, 4, 9).
pub fn is_leaf(code: &str) -> bool {
    leaf(code).is_some()
}

/// Selectable plan sources in form order.
pub fn leaves() -> impl Iterator<Item = &'static Plan> {
    ALL.iter().filter(|p| p.selectable)
}

/// Whether a selectable code is 计划内 (anything but 计划外); needs the plan name.
pub fn is_planned(code: &str) -> bool {
    is_leaf(code) && code != UNPLANNED
}

/// Whether the code is a national programme (under 国家科技计划).
pub fn is_national(code: &str) -> bool {
    get(code).is_some_and(|p| p.parent == Some("1"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::list::CodeList;
    use crate::catalog::rows::check_partition;

    fn leaf_codes() -> Vec<&'static str> {
        leaves().map(|p| p.code).collect()
    }

    #[test]
    fn codes() {
        let mut expected: Vec<String> = (101..=117).map(|n: u32| n.to_string()).collect();
        expected.extend(["199", "2", "3", "4", "9"].map(String::from));
        assert_eq!(leaf_codes(), expected);
        assert!(!is_leaf("1") && get("1").is_some());
        assert!(is_planned("101") && is_planned("4") && !is_planned("9") && !is_planned("1"));
        assert!(is_national("199") && !is_national("2"));
        assert!(leaf_for_year("105", 2016).is_some() && leaf_for_year("105", 1999).is_none());
    }

    #[test]
    fn annex8_layout() {
        assert_eq!(check_partition(ANNEX8_ROWS, CodeList::Plan), Ok(()));
        for row in ANNEX8_ROWS.iter().filter(|r| r.codes.len() == 1) {
            assert_eq!(get(row.codes[0]).map(|p| p.label), Some(row.label));
        }
        let labels: Vec<&str> = ANNEX8_ROWS.iter().map(|r| r.label).collect();
        assert_eq!(labels.len(), 23);
        assert_eq!(labels[10], "基础研究计划(973计划)和国家重大科学研究计划");
        assert_eq!(labels[22], "计划外");
    }
}
