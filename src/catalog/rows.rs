//! Printed row layouts of the national tables, expressed as data over catalogue codes.
//!
//! A layout lists the rows in the order the annual report prints them. Each row says which
//! catalogue codes it counts, so a statistics pass can fill any table from one aggregation.
//! The table's 合计 row is not part of a layout: it is the sum of the level-0 rows.

use super::list::CodeList;

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

/// How a layout fails to add up over its code list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartitionError {
    #[error("row {row} counts {code}, which is not in its code list")]
    Unknown {
        row: &'static str,
        code: &'static str,
    },
    #[error("code {0} is counted twice at level 0")]
    Twice(&'static str),
    #[error("code {0} is counted by no level-0 row")]
    Missing(String),
    #[error("a child of {0} names another parent")]
    WrongParent(&'static str),
    #[error("the children of {0} do not partition its codes")]
    Children(&'static str),
}

/// Checks that a layout adds up over `list`: the level-0 rows count only codes of the list and
/// every code a contract may carry (the list's selectable entries) exactly once, and the children of each subtotal count
/// exactly the subtotal's codes, each once.
pub fn check_partition(rows: &[ReportRow], list: CodeList) -> Result<(), PartitionError> {
    let entries = list.entries();
    let known: Vec<&'static str> = entries.iter().map(|e| e.code).collect();
    let carried: Vec<&'static str> = entries
        .iter()
        .filter(|e| e.selectable)
        .map(|e| e.code)
        .collect();
    partition_over(rows, &known, &carried)
}

/// [`check_partition`] over plain code lists: `known` may be counted (a heading such as
/// 010 机关法人 may have a row of its own), `carried` must be.
fn partition_over(
    rows: &[ReportRow],
    known: &[&'static str],
    carried: &[&'static str],
) -> Result<(), PartitionError> {
    let codes = carried;
    let mut seen: Vec<&str> = Vec::new();
    for row in rows.iter().filter(|r| r.level == 0) {
        for code in row.codes {
            if !known.contains(code) && !codes.contains(code) {
                return Err(PartitionError::Unknown {
                    row: row.label,
                    code,
                });
            }
            if seen.contains(code) {
                return Err(PartitionError::Twice(code));
            }
            seen.push(code);
        }
    }
    if let Some(missing) = codes.iter().find(|c| !seen.contains(c)) {
        return Err(PartitionError::Missing((*missing).to_owned()));
    }
    for (i, sub) in rows.iter().enumerate() {
        if sub.kind != RowKind::Subtotal {
            continue;
        }
        let children: Vec<&ReportRow> = rows[i + 1..].iter().take_while(|r| r.level == 1).collect();
        if children.iter().any(|c| c.parent_label != Some(sub.label)) {
            return Err(PartitionError::WrongParent(sub.label));
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
            return Err(PartitionError::Children(sub.label));
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
        assert_eq!(partition_over(GOOD, &[], &["1", "2", "3"]), Ok(()));
        assert_eq!(top_row_of(GOOD, "2"), Some(0));
        assert_eq!(leaf_row_of(GOOD, "2"), Some(2));
        assert_eq!(leaf_row_of(GOOD, "3"), Some(3));
        assert_eq!(top_row_of(GOOD, "9"), None);
    }

    #[test]
    fn partition_errors() {
        assert_eq!(
            partition_over(GOOD, &[], &["1", "2", "3", "4"]),
            Err(PartitionError::Missing("4".into()))
        );
        assert_eq!(
            partition_over(GOOD, &[], &["1", "2"]),
            Err(PartitionError::Unknown {
                row: "B",
                code: "3"
            })
        );
        let dup = &[ReportRow::item("A", &["1"]), ReportRow::item("B", &["1"])];
        assert_eq!(
            partition_over(dup, &[], &["1"]),
            Err(PartitionError::Twice("1"))
        );
        let bad_children = &[
            ReportRow::subtotal("A", &["1", "2"]),
            ReportRow::child("A", "a1", &["1"]),
        ];
        assert_eq!(
            partition_over(bad_children, &[], &["1", "2"]),
            Err(PartitionError::Children("A"))
        );
    }
}
