//! One problem a reader found in an interchange file, and the one place its line is written:
//! `row N, column: 说明` for a cell (or a row, named by the column to correct) and `file: 说明`
//! for the whole file (interchange.md §1).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A problem of the whole file: its encoding, header, archive or size.
    File(String),
    /// A problem of one cell; `row` is the spreadsheet row (header = row 1).
    Cell {
        row: usize,
        column: String,
        message: String,
    },
}

impl Problem {
    pub fn file(message: impl Into<String>) -> Self {
        Problem::File(message.into())
    }

    pub fn cell(row: usize, column: &str, message: impl Into<String>) -> Self {
        Problem::Cell {
            row,
            column: column.to_owned(),
            message: message.into(),
        }
    }

    /// The explanation alone, without the row and column.
    pub fn message(&self) -> &str {
        match self {
            Problem::File(m) | Problem::Cell { message: m, .. } => m,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::File(m) => write!(f, "file: {m}"),
            Problem::Cell {
                row,
                column,
                message,
            } => write!(f, "row {row}, {column}: {message}"),
        }
    }
}

impl std::error::Error for Problem {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_print_as_the_interchange_lines() {
        assert_eq!(Problem::file("文件为空").to_string(), "file: 文件为空");
        let cell = Problem::cell(7, "seller_uscc", "校验位错误");
        assert_eq!(cell.to_string(), "row 7, seller_uscc: 校验位错误");
        assert_eq!(cell.message(), "校验位错误");
    }
}
