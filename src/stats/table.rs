//! The tables as they are exported: a grid of cells under the reference CSV's header, each cell
//! typed (text, integer, fixed-point number) so that CSV, JSON and XLSX write it alike.

use serde::Serialize;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// A number with `places` decimals, stored as an integer of that many decimal places
    /// (`Fixed { value: 1140698, places: 2 }` is 11406.98).
    Fixed {
        value: i128,
        places: u8,
    },
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn fixed2(value: Option<i128>) -> Cell {
        value.map_or(Cell::Empty, |value| Cell::Fixed { value, places: 2 })
    }

    pub fn fixed1(value: Option<i128>) -> Cell {
        value.map_or(Cell::Empty, |value| Cell::Fixed { value, places: 1 })
    }

    pub fn int(value: Option<i64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Int)
    }

    /// The cell as the CSV writes it: exactly its decimals, ASCII minus, empty for no value.
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Fixed { value, places } => fixed_text(*value, *places),
        }
    }

    /// The number of a numeric cell, for JSON and XLSX.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            // The decimal text parses to the nearest double, which prints back the same.
            Cell::Fixed { value, places } => fixed_text(*value, *places).parse().ok(),
            _ => None,
        }
    }
}

fn fixed_text(value: i128, places: u8) -> String {
    let scale = 10i128.pow(u32::from(places));
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let scale = scale as u128;
    if places == 0 {
        return format!("{sign}{abs}");
    }
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = usize::from(places)
    )
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Empty => s.serialize_none(),
            Cell::Text(t) => s.serialize_str(t),
            Cell::Int(i) => s.serialize_i64(*i),
            Cell::Fixed { .. } => match self.number() {
                Some(n) => s.serialize_f64(n),
                None => s.serialize_none(),
            },
        }
    }
}

/// One national table for one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// File id: `A04`, `T3-1`.
    #[serde(skip)]
    pub id: &'static str,
    /// Printed id: 附表4, 表3-1.
    #[serde(skip)]
    pub printed: &'static str,
    /// The title as printed, with the years of this report.
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The CSV text (interchange.md §2): header, one line per row, LF, a final newline.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        crate::export::csv_line::push_record(&mut out, self.columns.iter().map(String::as_str));
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(Cell::csv_text).collect();
            crate::export::csv_line::push_record(&mut out, cells.iter().map(String::as_str));
        }
        out
    }

    /// The cell of column `name` in row `row`.
    pub fn cell(&self, row: usize, name: &str) -> Option<&Cell> {
        let c = self.columns.iter().position(|c| c == name)?;
        self.rows.get(row)?.get(c)
    }

    /// The index of the row labelled `label` (first column `row_label`, or `name`).
    pub fn row_index(&self, label: &str) -> Option<usize> {
        let c = self
            .columns
            .iter()
            .position(|c| c == "row_label" || c == "name" || c == "institution_name")?;
        self.rows
            .iter()
            .position(|r| matches!(r.get(c), Some(Cell::Text(t)) if t == label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_print_as_the_reference_does() {
        assert_eq!(Cell::fixed2(Some(1_140_698)).csv_text(), "11406.98");
        assert_eq!(Cell::fixed2(Some(-316)).csv_text(), "-3.16");
        assert_eq!(Cell::fixed2(Some(-5)).csv_text(), "-0.05");
        assert_eq!(Cell::fixed2(Some(0)).csv_text(), "0.00");
        assert_eq!(Cell::fixed1(Some(86_870)).csv_text(), "8687.0");
        assert_eq!(Cell::fixed2(None).csv_text(), "");
        assert_eq!(Cell::int(Some(320_437)).csv_text(), "320437");
        assert_eq!(Cell::fixed2(Some(1_140_690)).number(), Some(11406.9));
        assert_eq!(
            serde_json::to_string(&vec![
                Cell::fixed2(Some(1_140_690)),
                Cell::Empty,
                Cell::int(Some(3)),
                Cell::text("北京")
            ])
            .unwrap(),
            r#"[11406.9,null,3,"北京"]"#
        );
    }
}
