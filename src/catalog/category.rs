//! 合同类别: the four contract categories and their subcategories (domain.md §3.5).
//!
//! Numeric codes are our own (no official codes were found). The catalogue is versioned by
//! year: every entry carries the first and last year it may be used for.

use crate::catalog::Years;
use crate::catalog::rows::ReportRow;

/// A top-level contract category (技术开发, 技术转让, 技术咨询, 技术服务).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    /// One-digit code ("1"…"4").
    pub code: &'static str,
    /// Label as the report prints it.
    pub label: &'static str,
}

/// Which 知识产权类别 codes a subcategory may carry (domain.md §4.2 rule 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpRule {
    /// Any IP code, including 99 未涉及知识产权.
    Any,
    /// Any IP code except 99 未涉及知识产权.
    AnyInvolved,
    /// Exactly one of these IP codes.
    OneOf(&'static [&'static str]),
}

impl IpRule {
    /// Whether `ip_code` satisfies this rule (the code itself is not checked against the IP list).
    pub fn allows(&self, ip_code: &str) -> bool {
        match self {
            IpRule::Any => true,
            IpRule::AnyInvolved => ip_code != "99",
            IpRule::OneOf(codes) => codes.contains(&ip_code),
        }
    }
}

/// A selectable (leaf) contract type: a subcategory, or 技术咨询 which has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leaf {
    /// Two-digit code (11, 12, 20–29, 30, 41–43).
    pub code: &'static str,
    /// Code of the parent category.
    pub parent: &'static str,
    /// Label as 附表4 prints the row.
    pub label: &'static str,
    /// IP types this subcategory may carry.
    pub ip_rule: IpRule,
    /// The registration years the entry may be used for.
    pub years: Years,
}

impl Leaf {
    /// Whether the entry is in force for registration year `year`.
    pub fn valid_in(&self, year: u16) -> bool {
        self.years.contains(year)
    }

    /// The parent category.
    pub fn category(&self) -> &'static Category {
        category(self.parent).expect("every leaf names a catalogued parent")
    }

    /// "技术转让 / 专利权转让"-style label for pickers; just the label when it equals the parent's.
    pub fn full_label(&self) -> String {
        let parent = self.category().label;
        if parent == self.label {
            parent.to_owned()
        } else {
            format!("{parent} / {}", self.label)
        }
    }
}

/// The four categories in report order.
pub const CATEGORIES: &[Category] = &[
    Category {
        code: "1",
        label: "技术开发",
    },
    Category {
        code: "2",
        label: "技术转让",
    },
    Category {
        code: "3",
        label: "技术咨询",
    },
    Category {
        code: "4",
        label: "技术服务",
    },
];

const fn entry(
    code: &'static str,
    parent: &'static str,
    label: &'static str,
    ip_rule: IpRule,
) -> Leaf {
    Leaf {
        code,
        parent,
        label,
        ip_rule,
        years: Years::since(2000),
    }
}

const PATENT: IpRule = IpRule::OneOf(&["021", "022", "023"]);

/// All leaves in form order (code order, with 技术转让/其他 last among the transfers).
pub const LEAVES: &[Leaf] = &[
    entry("11", "1", "委托开发", IpRule::Any),
    entry("12", "1", "合作开发", IpRule::Any),
    entry("21", "2", "专利权转让", PATENT),
    entry("22", "2", "专利申请权转让", PATENT),
    entry("23", "2", "专利实施许可转让", PATENT),
    entry("24", "2", "技术秘密转让", IpRule::OneOf(&["01"])),
    entry("25", "2", "计算机软件著作权转让", IpRule::OneOf(&["03"])),
    entry(
        "26",
        "2",
        "集成电路布图设计专有权转让",
        IpRule::OneOf(&["05"]),
    ),
    entry("27", "2", "植物新品种权转让", IpRule::OneOf(&["04"])),
    entry("28", "2", "生物、医药新品种权转让", IpRule::OneOf(&["06"])),
    entry("29", "2", "设计著作权转让", IpRule::OneOf(&["07"])),
    entry("20", "2", "其他", IpRule::AnyInvolved),
    entry("30", "3", "技术咨询", IpRule::Any),
    entry("41", "4", "一般性技术服务", IpRule::Any),
    entry("42", "4", "技术中介", IpRule::Any),
    entry("43", "4", "技术培训", IpRule::Any),
];

/// 附表4 rows in printed order.
pub const ANNEX4_ROWS: &[ReportRow] = &[
    ReportRow::subtotal("技术开发", &["11", "12"]),
    ReportRow::child("技术开发", "委托开发", &["11"]),
    ReportRow::child("技术开发", "合作开发", &["12"]),
    ReportRow::subtotal(
        "技术转让",
        &["24", "23", "21", "22", "25", "26", "27", "28", "29", "20"],
    ),
    ReportRow::child("技术转让", "技术秘密转让", &["24"]),
    ReportRow::child("技术转让", "专利实施许可转让", &["23"]),
    ReportRow::child("技术转让", "专利权转让", &["21"]),
    ReportRow::child("技术转让", "专利申请权转让", &["22"]),
    ReportRow::child("技术转让", "计算机软件著作权转让", &["25"]),
    ReportRow::child("技术转让", "集成电路布图设计专有权转让", &["26"]),
    ReportRow::child("技术转让", "植物新品种权转让", &["27"]),
    ReportRow::child("技术转让", "生物、医药新品种权转让", &["28"]),
    ReportRow::child("技术转让", "设计著作权转让", &["29"]),
    ReportRow::child("技术转让", "其他", &["20"]),
    ReportRow::item("技术咨询", &["30"]),
    ReportRow::subtotal("技术服务", &["41", "42", "43"]),
    ReportRow::child("技术服务", "一般性技术服务", &["41"]),
    ReportRow::child("技术服务", "技术中介", &["42"]),
    ReportRow::child("技术服务", "技术培训", &["43"]),
];

/// 附表2, 附表3 and 附表9 (合同类别 section) rows: the four categories.
pub const CATEGORY_ROWS: &[ReportRow] = &[
    ReportRow::item("技术开发", &["11", "12"]),
    ReportRow::item(
        "技术转让",
        &["21", "22", "23", "24", "25", "26", "27", "28", "29", "20"],
    ),
    ReportRow::item("技术咨询", &["30"]),
    ReportRow::item("技术服务", &["41", "42", "43"]),
];

/// The category with one-digit code `code`.
pub fn category(code: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.code == code)
}

/// The leaf with code `code`, whatever its validity years.
pub fn leaf(code: &str) -> Option<&'static Leaf> {
    LEAVES.iter().find(|l| l.code == code)
}

/// The leaf with code `code` if it is in force for registration year `year`.
pub fn leaf_for_year(code: &str, year: u16) -> Option<&'static Leaf> {
    leaf(code).filter(|l| l.valid_in(year))
}

/// Whether `code` is a selectable leaf code.
pub fn is_leaf(code: &str) -> bool {
    leaf(code).is_some()
}

/// The category a leaf belongs to.
pub fn parent_of(code: &str) -> Option<&'static Category> {
    leaf(code).map(Leaf::category)
}

/// Leaves in form order.
pub fn leaves() -> impl Iterator<Item = &'static Leaf> {
    LEAVES.iter()
}

/// Leaves in force for `year`, in form order.
pub fn leaves_for_year(year: u16) -> impl Iterator<Item = &'static Leaf> {
    LEAVES.iter().filter(move |l| l.valid_in(year))
}

/// Leaves of category `category_code`, in form order.
pub fn leaves_of(category_code: &str) -> impl Iterator<Item = &'static Leaf> + '_ {
    LEAVES.iter().filter(move |l| l.parent == category_code)
}

/// Whether the leaf is a 技术转让 subcategory (needs 预计新增投入/产值).
pub fn is_transfer(code: &str) -> bool {
    leaf(code).is_some_and(|l| l.parent == "2")
}

/// Whether the leaf is 技术中介 (needs the third party's name).
pub fn is_intermediary(code: &str) -> bool {
    code == "42"
}

/// Whether leaf `category_code` may carry IP type `ip_code`; false for an unknown leaf.
pub fn ip_allowed(category_code: &str, ip_code: &str) -> bool {
    leaf(category_code).is_some_and(|l| l.ip_rule.allows(ip_code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::list::CodeList;
    use crate::catalog::rows::check_partition;

    fn codes() -> Vec<&'static str> {
        LEAVES.iter().map(|l| l.code).collect()
    }

    #[test]
    fn leaf_codes() {
        let mut c = codes();
        c.sort_unstable();
        assert_eq!(
            c,
            [
                "11", "12", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "41",
                "42", "43"
            ]
        );
        assert!(is_leaf("30"));
        assert!(!is_leaf("1"));
        assert!(!is_leaf("40"));
    }

    #[test]
    fn annex4_layout() {
        assert_eq!(check_partition(ANNEX4_ROWS, CodeList::Category), Ok(()));
        assert_eq!(check_partition(CATEGORY_ROWS, CodeList::Category), Ok(()));
        let labels: Vec<&str> = ANNEX4_ROWS.iter().map(|r| r.label).collect();
        assert_eq!(
            labels,
            [
                "技术开发",
                "委托开发",
                "合作开发",
                "技术转让",
                "技术秘密转让",
                "专利实施许可转让",
                "专利权转让",
                "专利申请权转让",
                "计算机软件著作权转让",
                "集成电路布图设计专有权转让",
                "植物新品种权转让",
                "生物、医药新品种权转让",
                "设计著作权转让",
                "其他",
                "技术咨询",
                "技术服务",
                "一般性技术服务",
                "技术中介",
                "技术培训",
            ]
        );
        // Each child row's label is the leaf label.
        for row in ANNEX4_ROWS.iter().filter(|r| r.level == 1) {
            assert_eq!(leaf(row.codes[0]).map(|l| l.label), Some(row.label));
        }
        let a09: Vec<&str> = CATEGORY_ROWS.iter().map(|r| r.label).collect();
        assert_eq!(a09, ["技术开发", "技术转让", "技术咨询", "技术服务"]);
    }

    #[test]
    fn helpers() {
        assert_eq!(parent_of("23").map(|c| c.label), Some("技术转让"));
        assert_eq!(parent_of("30").map(|c| c.code), Some("3"));
        assert_eq!(parent_of("99"), None);
        assert!(is_transfer("20") && is_transfer("24"));
        assert!(!is_transfer("11") && !is_transfer("2"));
        assert!(is_intermediary("42") && !is_intermediary("41"));
        assert_eq!(leaves_of("4").count(), 3);
        assert_eq!(
            leaf("21").map(Leaf::full_label).as_deref(),
            Some("技术转让 / 专利权转让")
        );
        assert_eq!(
            leaf("30").map(Leaf::full_label).as_deref(),
            Some("技术咨询")
        );
    }

    #[test]
    fn versioning() {
        assert!(leaf_for_year("11", 2016).is_some());
        assert!(leaf_for_year("11", 1999).is_none());
        assert_eq!(leaves_for_year(2016).count(), LEAVES.len());
        let ended = Leaf {
            years: Years {
                from: 2000,
                to: Some(2020),
            },
            ..*leaf("11").expect("11 exists")
        };
        assert!(ended.valid_in(2020) && !ended.valid_in(2021));
    }

    #[test]
    fn ip_rules() {
        assert!(ip_allowed("21", "022"));
        assert!(!ip_allowed("21", "01"));
        assert!(ip_allowed("24", "01"));
        assert!(!ip_allowed("24", "99"));
        assert!(ip_allowed("20", "03"));
        assert!(!ip_allowed("20", "99"));
        assert!(ip_allowed("11", "99"));
        assert!(!ip_allowed("77", "01"));
    }
}
