//! Printed row layouts of the national tables, expressed as data over catalogue codes.
//!
//! A layout lists the rows in the order the annual report prints them. Each row says which
//! catalogue codes it counts, so a statistics pass can fill any table from one aggregation.
//! The table's 合计 row is not part of a layout: it is the sum of the level-0 rows.

/// Whether a printed row is an ordinary row or a group total over the rows below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKind {
    /// An ordinary row.
    Item,
    /// A group's printed total; its children follow it at level 1.
    Subtotal,
}

/// One printed row of a national table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportRow {
    /// The label as the report prints it (alignment spaces removed).
    pub label: &'static str,
    /// 0 for top rows, 1 for children of a subtotal.
    pub level: u8,
    /// Item or subtotal.
    pub kind: RowKind,
    /// Label of the subtotal a level-1 row belongs to.
    pub parent_label: Option<&'static str>,
    /// Catalogue codes counted in this row (a subtotal lists the union of its children).
    pub codes: &'static [&'static str],
}

impl ReportRow {
    /// A level-0 ordinary row.
    pub const fn item(label: &'static str, codes: &'static [&'static str]) -> Self {
        Self {
            label,
            level: 0,
            kind: RowKind::Item,
            parent_label: None,
            codes,
        }
    }

    /// A level-0 subtotal row.
    pub const fn subtotal(label: &'static str, codes: &'static [&'static str]) -> Self {
        Self {
            label,
            level: 0,
            kind: RowKind::Subtotal,
            parent_label: None,
            codes,
        }
    }

    /// A level-1 row under the subtotal `parent`.
    pub const fn child(
        parent: &'static str,
        label: &'static str,
        codes: &'static [&'static str],
    ) -> Self {
        Self {
            label,
            level: 1,
            kind: RowKind::Item,
            parent_label: Some(parent),
            codes,
        }
    }

    /// Whether this row counts `code`.
    pub fn covers(&self, code: &str) -> bool {
        self.codes.contains(&code)
    }
}

/// The index of the level-0 row counting `code`, if any.
pub fn top_row_of(rows: &[ReportRow], code: &str) -> Option<usize> {
    rows.iter().position(|r| r.level == 0 && r.covers(code))
}

/// The index of the deepest row counting `code` (a child row when the code has one).
pub fn leaf_row_of(rows: &[ReportRow], code: &str) -> Option<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| r.covers(code))
        .max_by_key(|(_, r)| r.level)
        .map(|(i, _)| i)
}

/// Checks that a layout adds up: the level-0 rows count every code of `codes` exactly once,
/// and the children of each subtotal count exactly the subtotal's codes, each once.
pub fn check_partition(rows: &[ReportRow], codes: &[&str]) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for row in rows.iter().filter(|r| r.level == 0) {
        for code in row.codes {
            if !codes.contains(code) {
                return Err(format!("row {} counts unknown code {code}", row.label));
            }
            if seen.contains(code) {
                return Err(format!("code {code} is counted twice at level 0"));
            }
            seen.push(code);
        }
    }
    if let Some(missing) = codes.iter().find(|c| !seen.contains(c)) {
        return Err(format!("code {missing} is counted by no level-0 row"));
    }
    for (i, sub) in rows.iter().enumerate() {
        if sub.kind != RowKind::Subtotal {
            continue;
        }
        let children: Vec<&ReportRow> = rows[i + 1..].iter().take_while(|r| r.level == 1).collect();
        if children.iter().any(|c| c.parent_label != Some(sub.label)) {
            return Err(format!("a child of {} names another parent", sub.label));
        }
        let mut child_codes: Vec<&str> = children
            .iter()
            .flat_map(|c| c.codes.iter().copied())
            .collect();
        let total = child_codes.len();
        child_codes.sort_unstable();
        child_codes.dedup();
        let mut own: Vec<&str> = sub.codes.to_vec();
        own.sort_unstable();
        if child_codes.len() != total || child_codes != own {
            return Err(format!(
                "children of {} do not partition its codes",
                sub.label
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &[ReportRow] = &[
        ReportRow::subtotal("A", &["1", "2"]),
        ReportRow::child("A", "a1", &["1"]),
        ReportRow::child("A", "a2", &["2"]),
        ReportRow::item("B", &["3"]),
    ];

    #[test]
    fn partition_ok_and_lookups() {
        assert_eq!(check_partition(GOOD, &["1", "2", "3"]), Ok(()));
        assert_eq!(top_row_of(GOOD, "2"), Some(0));
        assert_eq!(leaf_row_of(GOOD, "2"), Some(2));
        assert_eq!(leaf_row_of(GOOD, "3"), Some(3));
        assert_eq!(top_row_of(GOOD, "9"), None);
    }

    #[test]
    fn partition_errors() {
        assert!(check_partition(GOOD, &["1", "2", "3", "4"]).is_err());
        assert!(check_partition(GOOD, &["1", "2"]).is_err());
        let dup = &[ReportRow::item("A", &["1"]), ReportRow::item("B", &["1"])];
        assert!(check_partition(dup, &["1"]).is_err());
        let bad_children = &[
            ReportRow::subtotal("A", &["1", "2"]),
            ReportRow::child("A", "a1", &["1"]),
        ];
        assert!(check_partition(bad_children, &["1", "2"]).is_err());
    }
}
