//! One interface over every code list a contract field draws on: each list's entries as
//! (code, label, parent, selectable, years in force), so the form's selects, quick code entry,
//! the XLSX template's code sheets and the contract page read the same walk instead of each
//! iterating the catalogue modules by hand.

use crate::catalog::{
    Years, category, country, ip, nature, objective, payment, plan, region, tech_field,
};

/// A code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeList {
    /// 合同类别: the four categories (headings) and their subcategories.
    Category,
    /// 知识产权类别.
    Ip,
    /// 技术领域.
    TechField,
    /// 社会经济目标.
    Objective,
    /// 计划来源.
    Plan,
    /// 支付方式.
    Payment,
    /// 卖方/买方性质.
    Nature,
    /// 国别 (customs country codes).
    Country,
    /// 行政区划 (GB/T 2260, the bundled current edition).
    Region,
}

/// One entry of a code list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub code: &'static str,
    /// zh label; a division's is its full name ("北京市海淀区").
    pub label: String,
    /// The label that names the entry outside its heading: a subcategory's carries its
    /// category ("技术开发 / 委托开发"); the label for every other entry.
    pub full_label: String,
    /// The code of the heading the entry sits under, if any.
    pub parent: Option<&'static str>,
    /// Whether a contract may carry the code (headings may not).
    pub selectable: bool,
    /// The registration years the code may be used for.
    pub years: Years,
}

impl Entry {
    fn new(code: &'static str, label: impl Into<String>) -> Self {
        let label = label.into();
        Entry {
            code,
            full_label: label.clone(),
            label,
            parent: None,
            selectable: true,
            years: Years::ALWAYS,
        }
    }

    /// Whether the code may be used for registration year `year`.
    pub fn in_force(&self, year: u16) -> bool {
        self.years.contains(year)
    }

    /// "code label", as selects and suggestions show an entry.
    pub fn code_and_label(&self) -> String {
        format!("{} {}", self.code, self.label)
    }
}

/// A division as an entry, named in full.
fn division_entry(d: &region::Division) -> Entry {
    Entry {
        parent: d.parent,
        ..Entry::new(
            d.code,
            region::full_name(d.code).unwrap_or_else(|| d.name.to_owned()),
        )
    }
}

impl CodeList {
    /// Every list, in the order the XLSX template's code sheets follow.
    pub const ALL: [CodeList; 9] = [
        CodeList::Category,
        CodeList::Ip,
        CodeList::TechField,
        CodeList::Objective,
        CodeList::Plan,
        CodeList::Payment,
        CodeList::Nature,
        CodeList::Country,
        CodeList::Region,
    ];

    /// The list's name in addresses (`GET /codes/{key}`).
    pub fn key(self) -> &'static str {
        match self {
            CodeList::Category => "categories",
            CodeList::Ip => "ip_types",
            CodeList::TechField => "tech_fields",
            CodeList::Objective => "objectives",
            CodeList::Plan => "plans",
            CodeList::Payment => "payments",
            CodeList::Nature => "natures",
            CodeList::Country => "countries",
            CodeList::Region => "regions",
        }
    }

    /// The list named `key` in an address.
    pub fn from_key(key: &str) -> Option<CodeList> {
        Self::ALL.into_iter().find(|l| l.key() == key)
    }

    /// The zh title (the template's sheet name).
    pub fn title(self) -> &'static str {
        match self {
            CodeList::Category => "合同类别",
            CodeList::Ip => "知识产权类别",
            CodeList::TechField => "技术领域",
            CodeList::Objective => "社会经济目标",
            CodeList::Plan => "计划来源",
            CodeList::Payment => "支付方式",
            CodeList::Nature => "性质",
            CodeList::Country => "国别",
            CodeList::Region => "行政区划",
        }
    }

    /// Whether the list is too long for a select: its codes are typed, with suggestions.
    pub fn is_typed(self) -> bool {
        matches!(self, CodeList::Country | CodeList::Region)
    }

    /// Every entry, headings included, in catalogue order.
    pub fn entries(self) -> Vec<Entry> {
        match self {
            CodeList::Category => category::CATEGORIES
                .iter()
                .flat_map(|c| {
                    let heading = Entry {
                        selectable: false,
                        ..Entry::new(c.code, c.label)
                    };
                    let leaves = category::leaves_of(c.code).map(|l| Entry {
                        parent: Some(l.parent),
                        years: l.years,
                        full_label: l.full_label(),
                        ..Entry::new(l.code, l.label)
                    });
                    std::iter::once(heading).chain(leaves)
                })
                .collect(),
            CodeList::Ip => ip::ALL
                .iter()
                .map(|t| Entry {
                    parent: t.parent,
                    selectable: t.selectable,
                    ..Entry::new(t.code, t.label)
                })
                .collect(),
            CodeList::TechField => tech_field::ALL
                .iter()
                .map(|t| Entry::new(t.code, t.label))
                .collect(),
            CodeList::Objective => objective::ALL
                .iter()
                .map(|o| Entry::new(o.code, o.label))
                .collect(),
            CodeList::Plan => plan::ALL
                .iter()
                .map(|p| Entry {
                    parent: p.parent,
                    selectable: p.selectable,
                    years: p.years,
                    ..Entry::new(p.code, p.label)
                })
                .collect(),
            CodeList::Payment => payment::ALL
                .iter()
                .map(|p| Entry::new(p.code, p.label))
                .collect(),
            CodeList::Nature => nature::ALL
                .iter()
                .map(|n| Entry {
                    parent: n.parent,
                    selectable: n.selectable,
                    ..Entry::new(n.code, n.label)
                })
                .collect(),
            CodeList::Country => country::ALL
                .iter()
                .map(|c| Entry::new(c.code, c.label))
                .collect(),
            CodeList::Region => region::all().map(division_entry).collect(),
        }
    }

    /// The entries a contract may carry, in catalogue order.
    pub fn choices(self) -> Vec<Entry> {
        let mut entries = self.entries();
        entries.retain(|e| e.selectable);
        entries
    }

    /// The entry with exactly this code (headings included).
    pub fn get(self, code: &str) -> Option<Entry> {
        match self {
            // A direct lookup: building the whole division list for one name is wasteful.
            CodeList::Region => region::get(code).map(division_entry),
            _ => self.entries().into_iter().find(|e| e.code == code),
        }
    }

    /// The label of `code`, if the list has it.
    pub fn label(self, code: &str) -> Option<String> {
        self.get(code).map(|e| e.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_one_list_each() {
        for list in CodeList::ALL {
            assert_eq!(CodeList::from_key(list.key()), Some(list));
            assert!(!list.title().is_empty());
            assert!(!list.entries().is_empty(), "{list:?}");
        }
        assert_eq!(CodeList::from_key("nope"), None);
    }

    #[test]
    fn choices_are_what_the_catalogue_modules_accept() {
        let codes = |l: CodeList| -> Vec<&str> { l.choices().iter().map(|e| e.code).collect() };
        let leaves: Vec<&str> = category::leaves().map(|l| l.code).collect();
        assert_eq!(codes(CodeList::Category), leaves);
        assert_eq!(
            codes(CodeList::Ip),
            ip::leaves().map(|t| t.code).collect::<Vec<_>>()
        );
        assert_eq!(
            codes(CodeList::Plan),
            plan::leaves().map(|p| p.code).collect::<Vec<_>>()
        );
        assert_eq!(
            codes(CodeList::Nature),
            nature::selectable().map(|n| n.code).collect::<Vec<_>>()
        );
        for code in codes(CodeList::Plan) {
            assert!(plan::is_leaf(code), "{code}");
        }
    }

    #[test]
    fn headings_carry_their_children() {
        let entries = CodeList::Category.entries();
        let heading = entries.iter().find(|e| e.code == "1").expect("技术开发");
        assert!(!heading.selectable);
        assert_eq!(heading.label, "技术开发");
        let leaf = entries.iter().find(|e| e.code == "11").expect("委托开发");
        assert_eq!(leaf.parent, Some("1"));
        assert!(leaf.selectable);
        assert_eq!(leaf.label, "委托开发");
        assert_eq!(leaf.full_label, "技术开发 / 委托开发");
        let ip = CodeList::Ip.get("021").expect("发明专利");
        assert_eq!(ip.parent, Some("02"));
    }

    #[test]
    fn labels_come_from_the_lists() {
        assert_eq!(
            CodeList::Region.label("110108").as_deref(),
            Some("北京市海淀区")
        );
        assert_eq!(CodeList::Country.label("142").as_deref(), Some("中国"));
        assert_eq!(CodeList::Payment.label("x"), None);
        assert_eq!(
            CodeList::Region.get("110108").and_then(|e| e.parent),
            Some("110100")
        );
    }

    #[test]
    fn entries_carry_the_years_of_their_catalogue() {
        let leaf = CodeList::Category.get("11").expect("11");
        assert_eq!(leaf.years, category::leaf("11").expect("11").years);
        assert!(leaf.in_force(2016) && !leaf.in_force(1999));
        let national = CodeList::Plan.get("101").expect("863");
        assert_eq!(national.years, plan::get("101").expect("101").years);
        assert_eq!(CodeList::Payment.get("1").expect("1").years, Years::ALWAYS);
    }
}
