//! A closed year's tables as they are frozen (domain.md §5.7), and the revision list that
//! compares them, cell by cell, with the tables the year's contracts give now. Pure: the data
//! layer stores the frozen text, `statistics` decides when to freeze and when to compare.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::spec::TABLES;
use super::table::{Cell, Table};

/// A cell as it is stored: its type kept, so a thawed table prints exactly as it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Frozen {
    #[serde(rename = "e")]
    Empty,
    #[serde(rename = "t")]
    Text(String),
    #[serde(rename = "i")]
    Int(i64),
    /// The value in units of the last decimal, and the decimals.
    #[serde(rename = "f")]
    Fixed(i128, u8),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FrozenTable {
    id: String,
    title: String,
    columns: Vec<String>,
    rows: Vec<Vec<Frozen>>,
}

/// The stored text of `tables`.
pub fn freeze(tables: &[Table]) -> serde_json::Result<String> {
    let frozen: Vec<FrozenTable> = tables
        .iter()
        .map(|t| FrozenTable {
            id: t.id.to_owned(),
            title: t.title.clone(),
            columns: t.columns.clone(),
            rows: t
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Cell::Empty => Frozen::Empty,
                            Cell::Text(s) => Frozen::Text(s.clone()),
                            Cell::Int(i) => Frozen::Int(*i),
                            Cell::Fixed { value, places } => Frozen::Fixed(*value, *places),
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    serde_json::to_string(&frozen)
}

/// Why stored tables cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum ThawError {
    #[error("冻结的统计表无法读取：{0}")]
    Json(#[from] serde_json::Error),
    #[error("冻结的统计表中有未知的表 {0}")]
    UnknownTable(String),
}

/// The tables of a stored text, as they were frozen.
pub fn thaw(text: &str) -> Result<Vec<Table>, ThawError> {
    let frozen: Vec<FrozenTable> = serde_json::from_str(text)?;
    frozen
        .into_iter()
        .map(|t| {
            let spec = TABLES
                .iter()
                .find(|s| s.id == t.id)
                .ok_or_else(|| ThawError::UnknownTable(t.id.clone()))?;
            Ok(Table {
                id: spec.id,
                printed: spec.printed,
                title: t.title,
                columns: t.columns,
                rows: t
                    .rows
                    .into_iter()
                    .map(|r| {
                        r.into_iter()
                            .map(|c| match c {
                                Frozen::Empty => Cell::Empty,
                                Frozen::Text(s) => Cell::Text(s),
                                Frozen::Int(i) => Cell::Int(i),
                                Frozen::Fixed(value, places) => Cell::Fixed { value, places },
                            })
                            .collect()
                    })
                    .collect(),
            })
        })
        .collect()
}

/// One cell of a closed year whose current value differs from the frozen one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// File id (`A04`) and printed id (`附表4`).
    pub table_id: &'static str,
    pub table: &'static str,
    /// The row's label (a seller's or an institution's name in list tables), with its parent
    /// where the label alone is ambiguous.
    pub row: String,
    pub column: String,
    /// As the CSV prints them; a row that only one side lists shows `（无此行）` on the other.
    pub frozen: String,
    pub current: String,
}

/// What a side shows for a row it does not list.
pub const NO_ROW: &str = "（无此行）";
/// The column of a revision about a whole row.
pub const WHOLE_ROW: &str = "（整行）";

/// Every cell where `current` differs from `frozen`, table by table in the frozen order, rows
/// matched by label and parent (rank-ordered tables move rows), columns by name. A row listed
/// on one side only (a seller entering or leaving a top-20 list) is one revision.
pub fn revisions(frozen: &[Table], current: &[Table]) -> Vec<Revision> {
    let mut out = Vec::new();
    for f in frozen {
        let empty;
        let c = match current.iter().find(|c| c.id == f.id) {
            Some(c) => c,
            None => {
                empty = Table {
                    rows: Vec::new(),
                    ..f.clone()
                };
                &empty
            }
        };
        compare(f, c, &mut out);
    }
    out
}

fn compare(frozen: &Table, current: &Table, out: &mut Vec<Revision>) {
    let frozen_keys = row_keys(frozen);
    let current_keys = row_keys(current);
    let current_at: HashMap<&(String, usize), usize> = current_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    let revision = |row: &str, column: &str, was: String, now: String| Revision {
        table_id: frozen.id,
        table: frozen.printed,
        row: row.to_owned(),
        column: column.to_owned(),
        frozen: was,
        current: now,
    };
    for (i, key) in frozen_keys.iter().enumerate() {
        let Some(&j) = current_at.get(key) else {
            out.push(revision(&key.0, WHOLE_ROW, "列出".into(), NO_ROW.into()));
            continue;
        };
        for (col, name) in frozen.columns.iter().enumerate() {
            let was = frozen.rows[i]
                .get(col)
                .map(Cell::csv_text)
                .unwrap_or_default();
            let now = current
                .columns
                .iter()
                .position(|n| n == name)
                .and_then(|k| current.rows[j].get(k))
                .map(Cell::csv_text)
                .unwrap_or_default();
            if was != now {
                out.push(revision(&key.0, name, was, now));
            }
        }
    }
    let frozen_set: std::collections::HashSet<&(String, usize)> = frozen_keys.iter().collect();
    for key in &current_keys {
        if !frozen_set.contains(key) {
            out.push(revision(&key.0, WHOLE_ROW, NO_ROW.into(), "列出".into()));
        }
    }
}

/// Each row's name for matching: `parent › label`, and its occurrence among equal names.
fn row_keys(t: &Table) -> Vec<(String, usize)> {
    let column = |names: &[&str]| t.columns.iter().position(|c| names.contains(&c.as_str()));
    let label = column(&["row_label", "name", "institution_name"]);
    let parent = column(&["parent_label", "province"]);
    let text = |row: &[Cell], at: Option<usize>| {
        at.and_then(|k| row.get(k))
            .map(Cell::csv_text)
            .unwrap_or_default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    t.rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let name = match (text(row, parent), text(row, label)) {
                _ if label.is_none() => format!("第 {} 行", i + 1),
                (p, l) if p.is_empty() => l,
                (p, l) => format!("{p} › {l}"),
            };
            let n = seen.entry(name.clone()).or_default();
            *n += 1;
            (name, *n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(id: &'static str, rows: Vec<Vec<Cell>>) -> Table {
        Table {
            id,
            printed: "附表4",
            title: "标题".into(),
            columns: vec![
                "row_label".into(),
                "parent_label".into(),
                "count_2016".into(),
                "amount_2016".into(),
            ],
            rows,
        }
    }

    fn row(label: &str, parent: &str, count: i64, fen: i128) -> Vec<Cell> {
        vec![
            Cell::text(label),
            Cell::text(parent),
            Cell::Int(count),
            Cell::fixed2(Some(fen)),
        ]
    }

    #[test]
    fn frozen_tables_thaw_exactly_as_they_were() {
        let t = vec![table(
            "A04",
            vec![
                vec![
                    Cell::text("技术开发"),
                    Cell::Empty,
                    Cell::Int(3),
                    Cell::fixed2(Some(-5)),
                ],
                vec![
                    Cell::text("合计"),
                    Cell::text(""),
                    Cell::Int(0),
                    Cell::fixed1(Some(86_870)),
                ],
            ],
        )];
        let back = thaw(&freeze(&t).unwrap()).unwrap();
        assert_eq!(back, t);
        assert_eq!(
            back[0].printed, "附表4",
            "the printed id comes from the spec"
        );
        assert!(
            matches!(thaw("[{\"id\":\"X9\",\"title\":\"\",\"columns\":[],\"rows\":[]}]"), Err(ThawError::UnknownTable(id)) if id == "X9")
        );
        assert!(matches!(thaw("not json"), Err(ThawError::Json(_))));
    }

    #[test]
    fn revisions_name_the_cells_that_moved_and_nothing_else() {
        let frozen = vec![table(
            "A04",
            vec![
                row("技术开发", "", 10, 100_000),
                row("委托开发", "技术开发", 6, 60_000),
                row("合计", "", 10, 100_000),
            ],
        )];
        assert!(revisions(&frozen, &frozen).is_empty());
        let current = vec![table(
            "A04",
            vec![
                // Rank order moved the row: it is still matched by its name.
                row("委托开发", "技术开发", 6, 60_000),
                row("技术开发", "", 11, 100_050),
                row("合计", "", 11, 100_050),
            ],
        )];
        let r = revisions(&frozen, &current);
        let found: Vec<(&str, &str, &str, &str)> = r
            .iter()
            .map(|r| {
                (
                    r.row.as_str(),
                    r.column.as_str(),
                    r.frozen.as_str(),
                    r.current.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("技术开发", "count_2016", "10", "11"),
                ("技术开发", "amount_2016", "1000.00", "1000.50"),
                ("合计", "count_2016", "10", "11"),
                ("合计", "amount_2016", "1000.00", "1000.50"),
            ]
        );
        assert!(r.iter().all(|r| r.table_id == "A04" && r.table == "附表4"));
    }

    #[test]
    fn rows_listed_on_one_side_only_are_one_revision_each() {
        let frozen = vec![table(
            "A04",
            vec![row("甲公司", "", 1, 5), row("乙公司", "", 1, 4)],
        )];
        let current = vec![table(
            "A04",
            vec![row("甲公司", "", 1, 5), row("丙公司", "", 1, 9)],
        )];
        let r = revisions(&frozen, &current);
        assert_eq!(r.len(), 2);
        assert_eq!(
            (
                r[0].row.as_str(),
                r[0].column.as_str(),
                r[0].current.as_str()
            ),
            ("乙公司", WHOLE_ROW, NO_ROW)
        );
        assert_eq!(
            (r[1].row.as_str(), r[1].frozen.as_str()),
            ("丙公司", NO_ROW)
        );
        // Parent-qualified names keep equal labels apart.
        let twice = vec![table(
            "A04",
            vec![row("合计", "甲", 1, 1), row("合计", "乙", 2, 2)],
        )];
        let swapped = vec![table(
            "A04",
            vec![row("合计", "乙", 2, 2), row("合计", "甲", 1, 1)],
        )];
        assert!(revisions(&twice, &swapped).is_empty());
    }
}
