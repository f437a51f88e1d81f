//! Reading interchange CSV files: UTF-8 (a leading BOM accepted) or GB18030 when the bytes are
//! not valid UTF-8 (what Excel on Chinese Windows writes); columns matched by name; rows numbered
//! as a spreadsheet shows them (header = row 1, blank lines counted).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::Problem;

/// Most problem lines a file is answered with; reading (and the import's checks) stop there,
/// so a file of countless broken rows costs no more than its first thousand problems.
pub const MAX_PROBLEMS: usize = 1_000;

/// One data record with its spreadsheet row number. The values are in the file's column order;
/// the column names are shared by all records of the file (a row costs its values only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub row: usize,
    columns: Arc<HashMap<String, usize>>,
    values: Vec<String>,
}

impl Record {
    /// The trimmed value of a column (empty when the column is absent from the file).
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.values.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

/// Decodes a file's bytes to text: strips a UTF-8 BOM, falls back to GB18030.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            Cow::Owned(text.into_owned())
        }
    }
}

/// Reads all records of a CSV file whose allowed columns are `known` (and of which `required`
/// must be present). What cannot be read comes back as problems of the file or of a row.
pub fn read(bytes: &[u8], known: &[&str], required: &[&str]) -> Result<Vec<Record>, Vec<Problem>> {
    read_map(bytes, known, required, |r| r)
}

/// Like [`read`], turning each record into what the caller keeps as soon as it is read (so
/// the file's records are never all held twice).
pub fn read_map<T>(
    bytes: &[u8],
    known: &[&str],
    required: &[&str],
    mut keep: impl FnMut(Record) -> T,
) -> Result<Vec<T>, Vec<Problem>> {
    let text = decode(bytes);
    if text.trim().is_empty() {
        return Err(vec![Problem::file("文件为空")]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
        Err(e) => return Err(vec![Problem::file(format!("无法读取表头：{e}"))]),
    };
    let mut problems = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if !known.contains(&h.as_str()) {
            problems.push(Problem::file(format!("未知的列“{h}”（第 {} 列）", i + 1)));
        }
        if headers[..i].contains(h) {
            problems.push(Problem::file(format!("列“{h}”重复")));
        }
    }
    for r in required {
        if !headers.iter().any(|h| h == r) {
            problems.push(Problem::file(format!("缺少必需的列“{r}”")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let columns: Arc<HashMap<String, usize>> = Arc::new(
        headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect(),
    );
    let mut records = Vec::new();
    let mut row = 1usize;
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(Problem::file(format!("第 {line} 行无法解析：{e}")));
                break;
            }
        };
        // The reader's position is where it began looking for this record, so blank lines it
        // skipped lie right after it; in a spreadsheet each is a row of its own.
        let bytes = text.as_bytes();
        let mut start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
        // After a CRLF terminator the position sits on its LF, which ends the previous record.
        if start > 0 && bytes.get(start - 1) == Some(&b'\r') && bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        row += 1 + leading_blank_lines(bytes.get(start..).unwrap_or_default());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() > headers.len() {
            if problems.len() == MAX_PROBLEMS {
                problems.push(too_many_problems());
                break;
            }
            problems.push(Problem::cell(
                row,
                "file",
                format!(
                    "该行有 {} 个字段，多于表头的 {} 列",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        records.push(keep(Record {
            row,
            columns: Arc::clone(&columns),
            values: record.iter().map(str::to_owned).collect(),
        }));
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
}

/// The problem that ends a listing cut short at [`MAX_PROBLEMS`].
pub fn too_many_problems() -> Problem {
    Problem::file(format!(
        "问题超过 {MAX_PROBLEMS} 处，以上只列出前 {MAX_PROBLEMS} 处，其余各行未再检查；请改正后重新导入"
    ))
}

/// One problem line of an import: `row N, column: 说明`, N the record's spreadsheet row.
pub fn row_problem(row: usize, column: &str, message: &str) -> String {
    Problem::cell(row, column, message).to_string()
}

/// A problem line read back into (row, column, message): `row N, column: 说明` as
/// [`row_problem`] writes it, or `file: 说明` (row and column empty).
pub fn split_problem(line: &str) -> (&str, &str, &str) {
    let row_line = line.strip_prefix("row ").and_then(|rest| {
        let (n, rest) = rest.split_once(", ")?;
        let (column, message) = rest.split_once(": ")?;
        Some((n, column, message))
    });
    row_line.unwrap_or_else(|| ("", "", line.strip_prefix("file: ").unwrap_or(line)))
}

/// The problems an import found, as lines in the order they were found: `row N, column: 说明`
/// and `file: 说明`. At most [`MAX_PROBLEMS`] are kept; past them [`Problems::is_full`] tells
/// the checker to stop, and the listing ends with [`too_many_problems`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    found: Vec<Problem>,
    cut_short: bool,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    /// A problem of one cell (or of the row, named by the column to correct).
    pub fn row(&mut self, row: usize, column: &str, message: &str) {
        self.push(Problem::cell(row, column, message));
    }

    /// A problem of the whole file.
    pub fn file(&mut self, message: &str) {
        self.push(Problem::file(message));
    }

    pub fn push(&mut self, problem: Problem) {
        if self.found.len() < MAX_PROBLEMS {
            self.found.push(problem);
        } else {
            self.cut_short = true;
        }
    }

    /// Whether the listing is full: later rows need not be checked.
    pub fn is_full(&self) -> bool {
        self.found.len() >= MAX_PROBLEMS
    }

    /// Records that checking stopped with rows left unchecked (the listing says so).
    pub fn stop_checking(&mut self) {
        self.cut_short = true;
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The lines to print, ending with the cut-short line when problems were left out.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.found.iter().map(Problem::to_string).collect();
        if self.cut_short {
            lines.push(too_many_problems().to_string());
        }
        lines
    }

    /// The zh closing line of a failed import.
    pub fn describe(&self) -> String {
        if self.cut_short {
            format!("导入失败：问题超过 {MAX_PROBLEMS} 处，未写入任何数据")
        } else {
            format!("导入失败：共 {} 处问题，未写入任何数据", self.found.len())
        }
    }
}

impl From<Vec<Problem>> for Problems {
    /// What a reader found (such as [`read`]'s file problems).
    fn from(found: Vec<Problem>) -> Self {
        let mut problems = Problems::new();
        for problem in found {
            problems.push(problem);
        }
        problems
    }
}

impl From<Problem> for Problems {
    fn from(problem: Problem) -> Self {
        Problems::from(vec![problem])
    }
}

fn leading_blank_lines(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => count += 1,
            b'\r' => {}
            _ => break,
        }
        i += 1;
    }
    count
}

/// One row of the offices CSV (interchange §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeRow {
    pub row: usize,
    pub office_code: String,
    pub name: String,
    pub authority_code: String,
}

const OFFICE_COLUMNS: &[&str] = &["office_code", "name", "authority_code"];

pub fn read_offices(bytes: &[u8]) -> Result<Vec<OfficeRow>, Vec<Problem>> {
    let records = read(bytes, OFFICE_COLUMNS, OFFICE_COLUMNS)?;
    if records.is_empty() {
        return Err(vec![Problem::file("文件中没有数据行")]);
    }
    Ok(records
        .into_iter()
        .map(|r| OfficeRow {
            row: r.row,
            office_code: r.get("office_code").to_owned(),
            name: r.get("name").to_owned(),
            authority_code: r.get("authority_code").to_owned(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_lines_split_back_into_row_column_and_message() {
        let line = row_problem(7, "seller_uscc", "校验位错误: 应为 9");
        assert_eq!(
            split_problem(&line),
            ("7", "seller_uscc", "校验位错误: 应为 9")
        );
        assert_eq!(split_problem("file: 文件为空"), ("", "", "文件为空"));
        assert_eq!(split_problem("something else"), ("", "", "something else"));
    }

    #[test]
    fn reads_utf8_with_bom_and_counts_blank_lines_as_rows() {
        let text = "\u{feff}office_code,name,authority_code\n110101,北京市技术市场管理办公室,110000\n\n440301,\"深圳市\n登记处\",440300\n320101,南京,320000\n";
        let rows = read_offices(text.as_bytes()).unwrap();
        assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 4, 5]);
        assert_eq!(rows[0].name, "北京市技术市场管理办公室");
    }

    #[test]
    fn counts_rows_the_same_with_crlf_line_ends() {
        let text = "office_code,name,authority_code\r\n110101,a,110000\r\n\r\n440301,b,440300\r\n440101,c,440000\r\n";
        let rows = read_offices(text.as_bytes()).unwrap();
        assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 4, 5]);
    }

    #[test]
    fn reads_gb18030() {
        let (bytes, _, _) = encoding_rs::GB18030
            .encode("office_code,name,authority_code\n440101,广州市科技局,440000\n");
        assert!(std::str::from_utf8(&bytes).is_err());
        let rows = read_offices(&bytes).unwrap();
        assert_eq!(rows[0].name, "广州市科技局");
    }

    #[test]
    fn reports_header_problems_for_the_whole_file() {
        let e = read_offices(b"office_code,name,colour\n110101,x,red\n").unwrap_err();
        assert!(
            e.contains(&Problem::file("未知的列“colour”（第 3 列）")),
            "{e:?}"
        );
        assert!(
            e.contains(&Problem::file("缺少必需的列“authority_code”")),
            "{e:?}"
        );
        assert_eq!(read_offices(b"").unwrap_err(), [Problem::file("文件为空")]);
        assert_eq!(
            read_offices(b"office_code,name,authority_code\n").unwrap_err(),
            [Problem::file("文件中没有数据行")]
        );
    }

    #[test]
    fn problems_keep_the_first_thousand_and_say_so() {
        let mut p = Problems::new();
        assert!(p.is_empty());
        p.row(3, "year", "请填写年份");
        p.file("文件为空");
        assert_eq!(p.lines(), ["row 3, year: 请填写年份", "file: 文件为空"]);
        assert_eq!(p.describe(), "导入失败：共 2 处问题，未写入任何数据");
        for i in 0..MAX_PROBLEMS {
            p.row(i, "x", "y");
        }
        assert!(p.is_full());
        let lines = p.lines();
        assert_eq!(lines.len(), MAX_PROBLEMS + 1);
        assert_eq!(lines[MAX_PROBLEMS], too_many_problems().to_string());
        assert!(p.describe().contains("问题超过 1000 处"));
        let mut stopped = Problems::from(Problem::cell(2, "a", "b"));
        stopped.stop_checking();
        assert_eq!(
            stopped.lines().last(),
            Some(&too_many_problems().to_string())
        );
    }

    #[test]
    fn columns_may_come_in_any_order() {
        let rows = read_offices("authority_code,office_code,name\n440000,440101,广州\n".as_bytes())
            .unwrap();
        assert_eq!(
            (
                rows[0].office_code.as_str(),
                rows[0].authority_code.as_str()
            ),
            ("440101", "440000")
        );
    }
}
