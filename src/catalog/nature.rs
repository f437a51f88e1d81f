//! 买方/卖方性质 (法人类型): party natures, 3-digit codes in a hierarchy (domain.md §3.4).
//!
//! The enterprise part follows 《关于划分企业登记注册类型的规定》. Codes 330, 500, 600 and 700 are
//! our completion of a source text that breaks off. 4-digit sub-codes (0111 机关法人, 0112
//! 机关分支机构, …) are accepted on input and read as their 3-digit parent; 190 (其他企业 in the
//! registration-type standard) is read as 180.

use crate::catalog::rows::ReportRow;

/// The report's top-level grouping of natures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NatureGroup {
    /// 机关法人.
    Organ,
    /// 事业法人.
    Institution,
    /// 社团法人.
    Association,
    /// 企业法人 (incl. 个体经营 and 境外企业, as the report counts them).
    Enterprise,
    /// 自然人.
    NaturalPerson,
    /// 其他组织.
    OtherOrganisation,
}

/// One party nature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nature {
    /// Three-digit code, leading zeros kept.
    pub code: &'static str,
    /// zh label.
    pub label: &'static str,
    /// Code of the heading above it (e.g. "100" for 150 有限责任公司).
    pub parent: Option<&'static str>,
    /// Report group.
    pub group: NatureGroup,
    /// Whether a form offers it (headings such as 010 or 100 are not offered).
    pub selectable: bool,
}

use NatureGroup::*;

const fn head(code: &'static str, label: &'static str, group: NatureGroup) -> Nature {
    Nature {
        code,
        label,
        parent: None,
        group,
        selectable: false,
    }
}

const fn top(code: &'static str, label: &'static str, group: NatureGroup) -> Nature {
    Nature {
        code,
        label,
        parent: None,
        group,
        selectable: true,
    }
}

const fn sub(
    code: &'static str,
    label: &'static str,
    parent: &'static str,
    group: NatureGroup,
) -> Nature {
    Nature {
        code,
        label,
        parent: Some(parent),
        group,
        selectable: true,
    }
}

/// The code of 自然人 (natural person; identified by 居民身份证号码, not USCC).
pub const NATURAL_PERSON: &str = "600";

/// All natures in code order, headings first within their block.
pub const ALL: &[Nature] = &[
    head("010", "机关法人", Organ),
    sub("011", "国家级行政机关", "010", Organ),
    sub("012", "省级行政机关", "010", Organ),
    sub("013", "市级行政机关", "010", Organ),
    sub("014", "县级及以下行政机关", "010", Organ),
    head("020", "事业法人", Institution),
    sub("021", "科研机构", "020", Institution),
    sub("022", "高等院校", "020", Institution),
    sub("023", "医疗、卫生", "020", Institution),
    sub("024", "其他", "020", Institution),
    top("030", "社团法人", Association),
    head("100", "内资企业", Enterprise),
    sub("110", "国有企业", "100", Enterprise),
    sub("120", "集体企业", "100", Enterprise),
    sub("130", "股份合作企业", "100", Enterprise),
    sub("140", "联营企业", "100", Enterprise),
    sub("150", "有限责任公司", "100", Enterprise),
    sub("160", "股份有限公司", "100", Enterprise),
    sub("170", "私营企业", "100", Enterprise),
    sub("180", "其他企业", "100", Enterprise),
    head("200", "港澳台商投资企业", Enterprise),
    sub("210", "合资经营企业", "200", Enterprise),
    sub("220", "合作经营企业", "200", Enterprise),
    sub("230", "独资经营企业", "200", Enterprise),
    sub("240", "港澳台商投资股份有限公司", "200", Enterprise),
    head("300", "外商投资企业", Enterprise),
    sub("310", "中外合资经营企业", "300", Enterprise),
    sub("320", "中外合作经营企业", "300", Enterprise),
    sub("330", "外资企业", "300", Enterprise),
    sub("340", "外商投资股份有限公司", "300", Enterprise),
    top("400", "个体经营", Enterprise),
    top("500", "境外企业", Enterprise),
    top("600", "自然人", NaturalPerson),
    top("700", "其他组织", OtherOrganisation),
];

/// 4-digit sub-codes of the 填写说明: (sub-code, label, 3-digit parent).
pub const SUB_CODES: &[(&str, &str, &str)] = &[
    ("0111", "机关法人", "011"),
    ("0112", "机关分支机构", "011"),
    ("0121", "机关法人", "012"),
    ("0122", "机关分支机构", "012"),
    ("0131", "机关法人", "013"),
    ("0132", "机关分支机构", "013"),
    ("0141", "机关法人", "014"),
    ("0142", "机关分支机构", "014"),
    ("0211", "事业法人", "021"),
    ("0212", "事业分支机构", "021"),
    ("0221", "事业法人", "022"),
    ("0222", "事业分支机构", "022"),
    ("0231", "事业法人", "023"),
    ("0232", "事业分支机构", "023"),
];

const ORGAN: &[&str] = &["010", "011", "012", "013", "014"];
const INSTITUTION: &[&str] = &["020", "021", "022", "023", "024"];
const DOMESTIC: &[&str] = &[
    "100", "110", "120", "130", "140", "150", "160", "170", "180",
];
const HK_MO_TW: &[&str] = &["200", "210", "220", "230", "240"];
const FOREIGN: &[&str] = &["300", "310", "320", "330", "340"];
const ENTERPRISE: &[&str] = &[
    "100", "110", "120", "130", "140", "150", "160", "170", "180", "200", "210", "220", "230",
    "240", "300", "310", "320", "330", "340", "400", "500",
];

/// 附表11 / 附表12 / 表5-2 rows in printed order. The heading code 020 (事业法人 without a kind)
/// is counted under 其他 so that every code lands in exactly one row.
pub const REPORT_ROWS: &[ReportRow] = &[
    ReportRow::item("机关法人", ORGAN),
    ReportRow::subtotal("事业法人", INSTITUTION),
    ReportRow::child("事业法人", "科研机构", &["021"]),
    ReportRow::child("事业法人", "高等院校", &["022"]),
    ReportRow::child("事业法人", "医疗、卫生", &["023"]),
    ReportRow::child("事业法人", "其他", &["024", "020"]),
    ReportRow::item("社团法人", &["030"]),
    ReportRow::subtotal("企业法人", ENTERPRISE),
    ReportRow::child("企业法人", "内资企业", DOMESTIC),
    ReportRow::child("企业法人", "港澳台商投资企业", HK_MO_TW),
    ReportRow::child("企业法人", "外商投资企业", FOREIGN),
    ReportRow::child("企业法人", "个体经营", &["400"]),
    ReportRow::child("企业法人", "境外企业", &["500"]),
    ReportRow::item("自然人", &["600"]),
    ReportRow::item("其他组织", &["700"]),
];

/// The nature with exactly this 3-digit code (no normalisation).
pub fn get(code: &str) -> Option<&'static Nature> {
    ALL.iter().find(|n| n.code == code)
}

/// Reads an input code as a catalogued 3-digit nature: trims, maps 4-digit sub-codes to their
/// parent and 190 to 180. Headings (010, 100, …) are returned too; check `selectable` if needed.
pub fn normalise(code: &str) -> Option<&'static Nature> {
    let code = code.trim();
    let code = match code {
        "190" => "180",
        c if c.len() == 4 => SUB_CODES.iter().find(|s| s.0 == c).map(|s| s.2)?,
        c => c,
    };
    get(code)
}

/// Selectable natures in code order.
pub fn selectable() -> impl Iterator<Item = &'static Nature> {
    ALL.iter().filter(|n| n.selectable)
}

/// Whether the (normalised) code is an enterprise for the top-20 enterprise table (表5-3).
pub fn is_enterprise(code: &str) -> bool {
    normalise(code).is_some_and(|n| n.group == Enterprise)
}

/// Whether the (normalised) code is 科研机构 (表5-4).
pub fn is_research_institute(code: &str) -> bool {
    normalise(code).is_some_and(|n| n.code == "021")
}

/// Whether the (normalised) code is 高等院校 (表5-5).
pub fn is_university(code: &str) -> bool {
    normalise(code).is_some_and(|n| n.code == "022")
}

/// Whether the (normalised) code is 自然人.
pub fn is_natural_person(code: &str) -> bool {
    normalise(code).is_some_and(|n| n.code == NATURAL_PERSON)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::list::CodeList;
    use crate::catalog::rows::{check_partition, leaf_row_of};

    #[test]
    fn normalisation() {
        assert_eq!(normalise("150").map(|n| n.label), Some("有限责任公司"));
        assert_eq!(normalise(" 022 ").map(|n| n.code), Some("022"));
        assert_eq!(normalise("0112").map(|n| n.code), Some("011"));
        assert_eq!(normalise("0232").map(|n| n.code), Some("023"));
        assert_eq!(normalise("190").map(|n| n.code), Some("180"));
        assert_eq!(normalise("0240"), None);
        assert_eq!(normalise("22"), None);
        assert_eq!(normalise("999"), None);
        assert_eq!(normalise("100").map(|n| n.selectable), Some(false));
        for (sub, _, parent) in SUB_CODES {
            assert_eq!(normalise(sub).map(|n| n.code), Some(*parent));
        }
    }

    #[test]
    fn hierarchy_is_consistent() {
        for n in ALL {
            assert_eq!(n.code.len(), 3);
            if let Some(p) = n.parent {
                let parent = get(p).expect("parent exists");
                assert_eq!(parent.group, n.group, "{}", n.code);
            }
        }
    }

    #[test]
    fn report_rows() {
        assert_eq!(check_partition(REPORT_ROWS, CodeList::Nature), Ok(()));
        let labels: Vec<&str> = REPORT_ROWS.iter().map(|r| r.label).collect();
        assert_eq!(
            labels,
            [
                "机关法人",
                "事业法人",
                "科研机构",
                "高等院校",
                "医疗、卫生",
                "其他",
                "社团法人",
                "企业法人",
                "内资企业",
                "港澳台商投资企业",
                "外商投资企业",
                "个体经营",
                "境外企业",
                "自然人",
                "其他组织",
            ]
        );
        assert_eq!(leaf_row_of(REPORT_ROWS, "150"), Some(8));
        assert_eq!(leaf_row_of(REPORT_ROWS, "013"), Some(0));
        // Each row's group matches the group of the natures it counts.
        for row in REPORT_ROWS {
            let groups: Vec<NatureGroup> = row
                .codes
                .iter()
                .filter_map(|c| get(c).map(|n| n.group))
                .collect();
            assert!(groups.windows(2).all(|w| w[0] == w[1]), "{}", row.label);
        }
    }

    #[test]
    fn predicates() {
        assert!(is_enterprise("500") && is_enterprise("190") && !is_enterprise("030"));
        assert!(is_research_institute("0211") && !is_research_institute("022"));
        assert!(is_university("022") && is_natural_person("600"));
        assert_eq!(selectable().count(), ALL.len() - 5);
    }
}
