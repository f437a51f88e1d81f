//! The first worksheet as CSV text, row by row while its XML streams by. Nothing the file
//! declares (`<dimension>`, `spans`, counts) sizes anything: a row holds at most
//! [`max_columns`] cells, blank rows and gaps become empty lines as they are passed, and the
//! limits are checked before a row is kept.

use std::io::Read;

use quick_xml::events::Event;

use super::package::{Xml, attr, attrs, local, push_text, shown};
use super::strings::{SharedStrings, push_unescaped, read_string_item};
use super::styles::{Styles, number_text, serial_date};
use crate::domain::contract_file;
use crate::export::csv_line;
use crate::input::Problem;

/// Rows of a worksheet (Excel's own limit).
pub const MAX_ROWS: u32 = 1_048_576;
/// Columns of a worksheet (`XFD`).
const SHEET_COLUMNS: u32 = 16_384;
/// Characters of a cell (Excel's own limit).
pub const MAX_CELL_CHARS: usize = 32_767;
/// Columns read beyond the interchange columns: enough for a file with a few unknown or
/// misplaced columns to be read and get the CSV reader's messages (unknown column, more fields
/// than the header) rather than this reader's.
pub const EXTRA_COLUMNS: usize = 20;
/// Most bytes of CSV text a sheet may become: the limit the archive may inflate to, so a
/// short shared string referenced by many cells cannot multiply it.
pub const MAX_CSV_BYTES: usize = super::MAX_INFLATED_BYTES as usize;

/// Columns a sheet may use (A to BL for the 44 interchange columns); values further right
/// are refused, empty cells there are ignored.
pub fn max_columns() -> usize {
    contract_file::columns().count() + EXTRA_COLUMNS
}

/// The column letters of a column index from 0 (`0` → `A`, `16383` → `XFD`).
pub fn column_letters(col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Column index from 0 and row number from 1 of a cell reference such as `B7`; None when it
/// is not one. Arithmetic is checked: a reference of any length cannot overflow.
pub fn parse_reference(s: &str) -> Option<(u32, u32)> {
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col_part, row_part) = s.split_at(letters);
    if col_part.is_empty() || row_part.is_empty() || !row_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut col: u32 = 0;
    for b in col_part.bytes() {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)?;
    }
    let mut row: u32 = 0;
    for b in row_part.bytes() {
        row = row.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    Some((col - 1, row))
}

/// The value type of a cell (`t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Shared,
    Inline,
    Formula,
    Bool,
    Error,
    Date,
}

impl Kind {
    fn of(t: Option<&str>) -> Kind {
        match t {
            Some("s") => Kind::Shared,
            Some("inlineStr") => Kind::Inline,
            Some("str") => Kind::Formula,
            Some("b") => Kind::Bool,
            Some("e") => Kind::Error,
            Some("d") => Kind::Date,
            _ => Kind::Number,
        }
    }
}

/// What a start or empty tag of the sheet means to the reader.
enum Tag {
    SheetData,
    Row(Option<String>),
    Cell {
        reference: Option<String>,
        kind: Kind,
        style: u32,
    },
    Other,
}

fn tag(e: &quick_xml::events::BytesStart<'_>) -> Result<Tag, Problem> {
    Ok(match local(e) {
        "sheetData" => Tag::SheetData,
        "row" => Tag::Row(attr(e, "r")?.map(|r| r.into_owned())),
        "c" => {
            let [r, t, s] = attrs(e, ["r", "t", "s"])?;
            Tag::Cell {
                reference: r.map(|r| r.into_owned()),
                kind: Kind::of(t.as_deref()),
                style: s.and_then(|s| s.trim().parse().ok()).unwrap_or(0),
            }
        }
        _ => Tag::Other,
    })
}

/// Converts the sheet to CSV text (at most `max_bytes`, normally [`MAX_CSV_BYTES`]): header
/// in row 1, each sheet row one line.
pub(super) fn to_csv<R: Read>(
    xml: &mut Xml<R>,
    strings: &SharedStrings,
    styles: &Styles,
    date1904: bool,
    max_bytes: usize,
) -> Result<Vec<u8>, Problem> {
    let mut sheet = Sheet::new(strings, styles, date1904, max_bytes);
    let mut in_data = false;
    let mut value = String::new();
    let mut inline = String::new();
    let mut scratch = String::new();
    loop {
        let (tag, empty) = match xml.next()? {
            Event::Start(e) => (tag(&e)?, false),
            Event::Empty(e) => (tag(&e)?, true),
            Event::End(e) => {
                match local_end(&e) {
                    "sheetData" => in_data = false,
                    "row" if in_data => sheet.end_row()?,
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        match tag {
            Tag::SheetData => in_data = !empty,
            Tag::Row(r) if in_data => {
                sheet.start_row(r.as_deref())?;
                if empty {
                    sheet.end_row()?;
                }
            }
            Tag::Cell {
                reference,
                kind,
                style,
            } if in_data => {
                let col = sheet.start_cell(reference.as_deref(), xml)?;
                value.clear();
                inline.clear();
                let mut has_inline = false;
                if !empty {
                    has_inline = read_cell(xml, &mut value, &mut inline, &mut scratch)?;
                }
                let raw = if kind == Kind::Inline && has_inline {
                    &inline
                } else {
                    &value
                };
                sheet.end_cell(col, kind, style, raw)?;
            }
            _ => {}
        }
    }
    if sheet.in_row {
        return Err(xml.malformed("在行的中途结束"));
    }
    Ok(sheet.out.into_bytes())
}

fn local_end<'e>(e: &'e quick_xml::events::BytesEnd<'_>) -> &'e str {
    e.local_name().into_inner()
}

/// Reads a cell's content up to `</c>`: the text of its `<v>` (a formula's cached result for
/// formula cells; the formula itself is left out) into `value`, and of its `<is>` into
/// `inline`. True when it has an `<is>`.
fn read_cell<R: Read>(
    xml: &mut Xml<R>,
    value: &mut String,
    inline: &mut String,
    scratch: &mut String,
) -> Result<bool, Problem> {
    let mut depth = 0usize;
    let mut in_value = false;
    let mut has_inline = false;
    loop {
        let event = xml.next()?;
        match &event {
            Event::Start(e) => {
                depth += 1;
                match local(e) {
                    "v" if depth == 1 => in_value = true,
                    "is" if depth == 1 => {
                        read_string_item(xml, inline, scratch)?;
                        has_inline = true;
                        depth -= 1;
                    }
                    _ => {}
                }
            }
            Event::Empty(e) if depth == 0 && local(e) == "is" => has_inline = true,
            Event::End(_) => {
                if depth == 0 {
                    return Ok(has_inline);
                }
                depth -= 1;
                in_value = false;
            }
            Event::Eof => return Err(xml.malformed("在单元格中途结束")),
            event if in_value => {
                push_text(value, event)?;
            }
            _ => {}
        }
    }
}

/// The reader's state between events.
struct Sheet<'a> {
    strings: &'a SharedStrings,
    styles: &'a Styles,
    date1904: bool,
    max_columns: usize,
    max_bytes: usize,
    out: String,
    /// Number of the last row passed (0 before the first).
    previous_row: u32,
    in_row: bool,
    /// Number of the open row, once known (a row without `r` takes it from its first cell's
    /// reference, or follows the previous row).
    row: Option<u32>,
    /// Column of the open row's previous cell.
    last_col: Option<u32>,
    /// The open row's cells from column A, up to the last one held (fewer than `max_columns`).
    cells: Vec<String>,
    /// Width of the header, once read.
    header: Option<usize>,
    /// Sheet row of the last line written (the lines of blank rows are written when a row
    /// with data follows).
    written: u32,
}

impl<'a> Sheet<'a> {
    fn new(
        strings: &'a SharedStrings,
        styles: &'a Styles,
        date1904: bool,
        max_bytes: usize,
    ) -> Self {
        Sheet {
            strings,
            styles,
            date1904,
            max_columns: max_columns(),
            max_bytes,
            out: String::new(),
            previous_row: 0,
            in_row: false,
            row: None,
            last_col: None,
            cells: Vec::new(),
            header: None,
            written: 0,
        }
    }

    /// Checks a row number against the sheet's size and the previous row.
    fn check_row(&self, n: u32) -> Result<u32, Problem> {
        if n == 0 || n > MAX_ROWS {
            return Err(Problem::file(format!(
                "第一个工作表的行号 {n} 超出了工作表的行数范围（1 至 {MAX_ROWS}）"
            )));
        }
        if n <= self.previous_row {
            return Err(Problem::file(format!(
                "第一个工作表的行顺序错误：第 {n} 行出现在第 {} 行之后",
                self.previous_row
            )));
        }
        Ok(n)
    }

    /// The open row's number, fixed now if it was not yet.
    fn row_number(&mut self) -> Result<u32, Problem> {
        match self.row {
            Some(n) => Ok(n),
            None => {
                let n = self.check_row(self.previous_row.saturating_add(1))?;
                self.row = Some(n);
                Ok(n)
            }
        }
    }

    fn start_row(&mut self, r: Option<&str>) -> Result<(), Problem> {
        if self.in_row {
            return Err(super::unreadable(&"工作表中的行嵌套在另一行中"));
        }
        self.row = match r {
            Some(r) => match r.trim().parse::<u32>() {
                Ok(n) => Some(self.check_row(n)?),
                Err(_) => {
                    return Err(Problem::file(format!(
                        "第一个工作表的行号“{}”无效（应为 1 至 {MAX_ROWS}）",
                        shown(r)
                    )));
                }
            },
            None => None,
        };
        self.in_row = true;
        self.last_col = None;
        self.cells.clear();
        Ok(())
    }

    /// Places a cell: by its reference, or just right of the previous cell.
    fn start_cell<R: Read>(
        &mut self,
        reference: Option<&str>,
        xml: &Xml<R>,
    ) -> Result<u32, Problem> {
        if !self.in_row {
            return Err(xml.malformed("中有不在行内的单元格"));
        }
        let col = match reference {
            Some(r) => {
                let Some((col, row)) = parse_reference(r.trim()) else {
                    return Err(super::unreadable(&format!("单元格引用“{}”无效", shown(r))));
                };
                if col >= SHEET_COLUMNS || row == 0 || row > MAX_ROWS {
                    return Err(super::unreadable(&format!(
                        "单元格引用“{}”超出了工作表的范围（A1 至 XFD{MAX_ROWS}）",
                        shown(r)
                    )));
                }
                match self.row {
                    Some(n) if n != row => {
                        return Err(Problem::file(format!(
                            "第一个工作表第 {n} 行中的单元格 {} 不属于该行",
                            shown(r)
                        )));
                    }
                    Some(_) => {}
                    None => self.row = Some(self.check_row(row)?),
                }
                col
            }
            None => match self.last_col {
                Some(c) if c + 1 >= SHEET_COLUMNS => {
                    let n = self.row_number()?;
                    return Err(Problem::file(format!(
                        "第一个工作表第 {n} 行的单元格超出了 XFD 列"
                    )));
                }
                Some(c) => c + 1,
                None => 0,
            },
        };
        let n = self.row_number()?;
        if let Some(previous) = self.last_col
            && col <= previous
        {
            return Err(cell_problem(
                n,
                col,
                &format!(
                    "同一行中单元格的顺序错误（{} 列出现在 {} 列之后）",
                    column_letters(col),
                    column_letters(previous)
                ),
            ));
        }
        self.last_col = Some(col);
        Ok(col)
    }

    fn end_cell(&mut self, col: u32, kind: Kind, style: u32, raw: &str) -> Result<(), Problem> {
        let n = self.row_number()?;
        let text = self.cell_text(n, col, kind, style, raw)?;
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            return Err(too_long(n, col));
        }
        let index = col as usize;
        if index >= self.max_columns {
            if text.trim().is_empty() {
                return Ok(()); // formatting far to the right is not data
            }
            return Err(cell_problem(
                n,
                col,
                &format!(
                    "该单元格有内容，但合同表最多 {} 列（A 至 {} 列），请删除 {} 列及其右侧的内容",
                    self.max_columns,
                    column_letters(self.max_columns as u32 - 1),
                    column_letters(col)
                ),
            ));
        }
        while self.cells.len() < index {
            self.cells.push(String::new());
        }
        self.cells.push(text);
        Ok(())
    }

    /// The text of a cell as a clerk would have typed it.
    fn cell_text(
        &self,
        n: u32,
        col: u32,
        kind: Kind,
        style: u32,
        raw: &str,
    ) -> Result<String, Problem> {
        let mut text = String::new();
        match kind {
            Kind::Shared => {
                let v = raw.trim();
                if v.is_empty() {
                    return Ok(text);
                }
                let found = v.parse::<usize>().ok().and_then(|i| self.strings.get(i));
                let Some(s) = found else {
                    return Err(cell_problem(
                        n,
                        col,
                        &format!(
                            "共享字符串编号“{}”超出范围（共享字符串表共 {} 项）",
                            shown(v),
                            self.strings.len()
                        ),
                    ));
                };
                // A long shared string is refused before it is copied, however often it is used.
                if s.len() > 4 * MAX_CELL_CHARS {
                    return Err(too_long(n, col));
                }
                text.push_str(s);
            }
            Kind::Inline => text.push_str(raw),
            Kind::Formula => push_unescaped(&mut text, raw),
            Kind::Error => text.push_str(raw.trim()),
            Kind::Bool => text.push_str(match raw.trim() {
                "1" | "true" => "1",
                "0" | "false" => "0",
                other => other,
            }),
            // "2026-03-01T00:00:00" → the date part.
            Kind::Date => text.push_str(raw.trim().split('T').next().unwrap_or_default()),
            Kind::Number => {
                let v = raw.trim();
                match v.parse::<f64>() {
                    Ok(f) => {
                        let date = if self.styles.is_date(style) {
                            serial_date(f, self.date1904)
                        } else {
                            None
                        };
                        text = date.unwrap_or_else(|| number_text(f));
                    }
                    Err(_) => text.push_str(v),
                }
            }
        }
        Ok(text)
    }

    fn end_row(&mut self) -> Result<(), Problem> {
        let n = self.row_number()?;
        self.previous_row = n;
        self.in_row = false;
        self.row = None;
        let cells = std::mem::take(&mut self.cells);
        let result = self.keep_row(n, &cells);
        self.cells = cells;
        result
    }

    /// Writes row `n`: the header if it is the first row with text, else a data line.
    fn keep_row(&mut self, n: u32, cells: &[String]) -> Result<(), Problem> {
        let blank = |c: &String| c.trim().is_empty();
        let Some(width) = self.header else {
            if cells.iter().all(blank) {
                return Ok(());
            }
            if n != 1 {
                return Err(Problem::file("第一个工作表的第 1 行应为表头（列名）"));
            }
            let mut header: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
            while header.last().is_some_and(|h| h.is_empty()) {
                header.pop();
            }
            if let Some(i) = header.iter().position(|h| h.is_empty()) {
                return Err(Problem::file(format!("表头第 {} 列没有列名", i + 1)));
            }
            csv_line::push_record(&mut self.out, header.iter().copied());
            self.header = Some(header.len());
            self.written = n;
            return Ok(());
        };
        // Formatted but empty cells beyond the header are not data.
        let mut used = cells.len();
        while used > width && cells.get(used - 1).is_some_and(blank) {
            used -= 1;
        }
        let cells = &cells[..used];
        if cells.iter().all(blank) {
            return Ok(());
        }
        let gap = n.saturating_sub(self.written).saturating_sub(1) as usize;
        self.out.extend(std::iter::repeat_n('\n', gap));
        let padding = width.saturating_sub(cells.len());
        csv_line::push_record(
            &mut self.out,
            cells
                .iter()
                .map(String::as_str)
                .chain(std::iter::repeat_n("", padding)),
        );
        self.written = n;
        if self.out.len() > self.max_bytes {
            return Err(Problem::file(format!(
                "第一个工作表的内容超过 {} MB，请拆分为多个文件，或另存为 CSV（UTF-8）后导入",
                self.max_bytes >> 20
            )));
        }
        Ok(())
    }
}

/// A problem with the cell of row `n`, column `col` (the column by its letters).
fn cell_problem(n: u32, col: u32, message: &str) -> Problem {
    Problem::cell(n as usize, &column_letters(col), message)
}

fn too_long(n: u32, col: u32) -> Problem {
    cell_problem(
        n,
        col,
        &format!("单元格内容超过 {MAX_CELL_CHARS} 个字符（Excel 单元格的上限）"),
    )
}
