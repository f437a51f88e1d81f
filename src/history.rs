//! Historical national figures (interchange §3, `techreg import history FILE`): the totals of
//! years before the system existed, which 附表1, 附表2 and 表1-1 need for their earlier years,
//! and R&D expenditure for any year. Reading and checking a file is pure ([`read`], [`check`]);
//! [`import_file`] adds the one database fact the checks need (which years have registered
//! contracts) and replaces the stored years in one transaction with its audit entry.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDateTime};

use crate::audit::{Actor, Entry};
use crate::catalog::category::CATEGORIES;
use crate::db::history::{CategoryFigures, HistoryRow};
use crate::db::{self, DbConn};
use crate::domain::dates;
use crate::domain::money::{Money, MoneyError};
use crate::domain::text;
use crate::input::Problem;
use crate::input::csv_file::{self, Problems, Record};

/// The first year a history row may describe (technology contract registration began in the
/// 1980s; anything earlier is a typing slip).
pub const FIRST_YEAR: i32 = 1980;

/// Counts stay below 100,000,000 contracts a year (a few hundred times today's).
pub const MAX_COUNT: i64 = 100_000_000;

/// The one column a year with registered contracts may carry.
const RD_COLUMN: &str = "rd_expenditure_100m_yuan";

const REGISTERED_YEAR: &str = "该年已有登记合同，其数据由合同计算，只能导入 R&D 经费";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Count,
    Amount,
}

/// One figure column of the file: its name, what it is, and its place in [`Figures`].
struct Figure {
    column: &'static str,
    kind: Kind,
    /// Index into `CATEGORIES`; `None` for the national totals and R&D.
    category: Option<usize>,
}

/// The figure columns in file order; every column of the format but `year`.
const FIGURES: [Figure; 11] = [
    Figure::total("contract_count", Kind::Count),
    Figure::total("amount_100m_yuan", Kind::Amount),
    Figure::total(RD_COLUMN, Kind::Amount),
    Figure::of(0, "dev_count", Kind::Count),
    Figure::of(0, "dev_amount_100m_yuan", Kind::Amount),
    Figure::of(1, "transfer_count", Kind::Count),
    Figure::of(1, "transfer_amount_100m_yuan", Kind::Amount),
    Figure::of(2, "consult_count", Kind::Count),
    Figure::of(2, "consult_amount_100m_yuan", Kind::Amount),
    Figure::of(3, "service_count", Kind::Count),
    Figure::of(3, "service_amount_100m_yuan", Kind::Amount),
];

/// A row's figures in [`FIGURES`] order.
type Figures = [Option<i64>; 11];

impl Figure {
    const fn total(column: &'static str, kind: Kind) -> Self {
        Figure {
            column,
            kind,
            category: None,
        }
    }

    const fn of(category: usize, column: &'static str, kind: Kind) -> Self {
        Figure {
            column,
            kind,
            category: Some(category),
        }
    }

    /// The zh name of the figure in messages: 合同数, 技术开发成交额, 全社会 R&D 经费, ….
    fn label(&self) -> String {
        if self.column == RD_COLUMN {
            return "全社会 R&D 经费".to_owned();
        }
        let prefix = self.category.map(|i| CATEGORIES[i].label).unwrap_or("");
        match self.kind {
            Kind::Count => format!("{prefix}合同数"),
            Kind::Amount => format!("{prefix}成交额"),
        }
    }

    /// A value as messages quote it: a count, or 亿元 exactly.
    fn show(&self, value: i64) -> String {
        match self.kind {
            Kind::Count => value.to_string(),
            Kind::Amount => format!("{} 亿元", Money::from_fen(value).yi_yuan_exact()),
        }
    }

    fn parse(&self, cell: &str) -> Result<i64, FigureError> {
        match self.kind {
            Kind::Count => parse_count(cell).map_err(FigureError::Count),
            Kind::Amount => Money::parse_yi_yuan(cell)
                .map(Money::fen)
                .map_err(FigureError::Amount),
        }
    }

    /// Why a cell of this column cannot be read, naming the figure.
    fn message(&self, e: FigureError) -> String {
        let label = self.label();
        match e {
            FigureError::Count(e) => e.message(&label),
            FigureError::Amount(e) => amount_message(&label, e),
        }
    }
}

/// Every column of the history CSV, in the order the format lists them.
pub fn columns() -> impl Iterator<Item = &'static str> {
    std::iter::once("year").chain(FIGURES.iter().map(|f| f.column))
}

fn from_figures(year: i32, f: &Figures) -> HistoryRow {
    let category = |i: usize| CategoryFigures {
        count: f[3 + 2 * i],
        amount_fen: f[4 + 2 * i],
    };
    HistoryRow {
        year,
        contract_count: f[0],
        amount_fen: f[1],
        rd_expenditure_fen: f[2],
        categories: [category(0), category(1), category(2), category(3)],
    }
}

// ---------------------------------------------------------------------------------------------
// Cells

/// Why a cell is not a count of contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountError {
    Negative,
    Invalid,
    TooLarge,
}

impl CountError {
    fn message(self, label: &str) -> String {
        match self {
            CountError::Negative => format!("{label}不能为负数"),
            CountError::Invalid => format!("{label}应为不带小数的整数（单位：项），如 320437"),
            CountError::TooLarge => format!("{label}过大（应小于 {MAX_COUNT} 项）"),
        }
    }
}

/// Why a figure's cell cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FigureError {
    Count(CountError),
    Amount(MoneyError),
}

/// A count as typed: digits (full-width ones too), no sign, no decimals, no grouping.
fn parse_count(cell: &str) -> Result<i64, CountError> {
    let s = text::normalise(cell);
    if s.starts_with(['-', '\u{2212}']) {
        return Err(CountError::Negative);
    }
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CountError::Invalid);
    }
    let significant = s.trim_start_matches('0');
    if significant.len() > 9 {
        return Err(CountError::TooLarge);
    }
    let n: i64 = if significant.is_empty() {
        0
    } else {
        significant.parse().map_err(|_| CountError::Invalid)?
    };
    if n >= MAX_COUNT {
        return Err(CountError::TooLarge);
    }
    Ok(n)
}

fn amount_message(label: &str, e: MoneyError) -> String {
    match e {
        MoneyError::Empty | MoneyError::Invalid => {
            format!("{label}应为以亿元为单位的数字，如 11406.98")
        }
        MoneyError::Negative => format!("{label}不能为负数"),
        MoneyError::Grouping => format!("{label}的千位分隔符位置不正确"),
        MoneyError::TooManyDecimals => {
            format!("{label}最多 10 位小数（以亿元为单位，10 位小数即精确到分）")
        }
        MoneyError::TooLarge => format!("{label}过大（应小于 1000000 亿元）"),
    }
}

/// A year as typed: four digits within `FIRST_YEAR ..= this_year`.
fn parse_year(cell: &str, this_year: i32) -> Result<i32, YearError> {
    let s = text::normalise(cell);
    if s.is_empty() {
        return Err(YearError::Missing);
    }
    let year = match s.parse::<i32>() {
        Ok(y) if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) => y,
        _ => return Err(YearError::NotFourDigits),
    };
    if !(FIRST_YEAR..=this_year).contains(&year) {
        return Err(YearError::OutOfRange { last: this_year });
    }
    Ok(year)
}

/// Why a year cell cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
enum YearError {
    #[error("请填写年份")]
    Missing,
    #[error("年份应为四位数字，如 2015")]
    NotFourDigits,
    #[error("年份应在 {FIRST_YEAR} 至 {last} 年之间")]
    OutOfRange { last: i32 },
}

// ---------------------------------------------------------------------------------------------
// The file

/// Reads a history file (UTF-8 with or without BOM, or GB18030; columns by name, `year`
/// required, the others optional).
pub fn read(bytes: &[u8]) -> Result<Vec<Record>, Problems> {
    let known: Vec<&str> = columns().collect();
    let records = csv_file::read(bytes, &known, &["year"]).map_err(Problems::from)?;
    if records.is_empty() {
        return Err(Problems::from(Problem::file("文件中没有数据行")));
    }
    Ok(records)
}

/// The well-formed years the records name (what [`check`] needs to know about the database).
pub fn years_named(records: &[Record], this_year: i32) -> Vec<i32> {
    let years: BTreeSet<i32> = records
        .iter()
        .filter_map(|r| parse_year(r.get("year"), this_year).ok())
        .collect();
    years.into_iter().collect()
}

/// Checks every record: its cells, its own consistency, no year twice, and that a year in
/// `registered` (it has registered contracts) carries R&D expenditure only. Returns the rows in
/// file order, or every problem found.
pub fn check(
    records: &[Record],
    this_year: i32,
    registered: &BTreeSet<i32>,
) -> Result<Vec<HistoryRow>, Problems> {
    let mut problems = Problems::new();
    let mut rows = Vec::with_capacity(records.len());
    let mut first_row_of: HashMap<i32, usize> = HashMap::new();
    for record in records {
        if problems.is_full() {
            problems.stop_checking();
            break;
        }
        let at = record.row;
        let year = match parse_year(record.get("year"), this_year) {
            Ok(y) => {
                let first = *first_row_of.entry(y).or_insert(at);
                if first != at {
                    problems.row(at, "year", &format!("年份 {y} 与第 {first} 行重复"));
                }
                Some(y)
            }
            Err(e) => {
                problems.row(at, "year", &e.to_string());
                None
            }
        };
        let mut figures: Figures = [None; 11];
        let mut well_formed = true;
        for (slot, figure) in figures.iter_mut().zip(&FIGURES) {
            let cell = record.get(figure.column);
            if cell.is_empty() {
                continue;
            }
            match figure.parse(cell) {
                Ok(v) => *slot = Some(v),
                Err(e) => {
                    well_formed = false;
                    problems.row(at, figure.column, &figure.message(e));
                }
            }
        }
        let Some(year) = year else { continue };
        if registered.contains(&year) {
            for (value, figure) in figures.iter().zip(&FIGURES) {
                if value.is_some() && figure.column != RD_COLUMN {
                    problems.row(at, figure.column, REGISTERED_YEAR);
                }
            }
        } else if well_formed {
            for (column, message) in inconsistencies(&figures) {
                problems.row(at, column, &message);
            }
        }
        rows.push(from_figures(year, &figures));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// What a row's figures contradict in themselves: the four categories against the totals, and
/// an amount where no contract was made. Each problem names the column to correct.
fn inconsistencies(f: &Figures) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    // 合同数 (FIGURES[0]) and 成交额 (FIGURES[1]) against their four categories' figures.
    for at in [0, 1] {
        let Some(total) = f[at] else { continue };
        let figure = &FIGURES[at];
        let parts: Vec<i64> = (0..4).filter_map(|c| f[3 + 2 * c + at]).collect();
        let sum: i64 = parts.iter().sum();
        let (label, shown_sum, shown_total) =
            (figure.label(), figure.show(sum), figure.show(total));
        if parts.len() == 4 && sum != total {
            found.push((
                figure.column,
                format!("四类{label}之和 {shown_sum} 与{label} {shown_total} 不符"),
            ));
        } else if sum > total {
            found.push((
                figure.column,
                format!("已填各类{label}之和 {shown_sum} 大于{label} {shown_total}"),
            ));
        }
    }
    // Each count with its amount: the totals, then the categories.
    for i in [0, 3, 5, 7, 9] {
        let (count, amount) = (&FIGURES[i], &FIGURES[i + 1]);
        if f[i] == Some(0) && f[i + 1].is_some_and(|a| a > 0) {
            found.push((
                amount.column,
                format!("{}为 0，{}也应为 0", count.label(), amount.label()),
            ));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Import

/// What a history import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistorySummary {
    /// The years of the file, ascending.
    pub years: Vec<i32>,
    /// Years that had no stored row and now have one.
    pub added: usize,
    /// Years whose stored row was replaced.
    pub replaced: usize,
    /// Years the file lists without any figure: they have no stored row now.
    pub cleared: usize,
}

impl HistorySummary {
    /// The zh line the command line prints.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "已导入历史数据 {} 年（{}）：新增 {} 年，替换 {} 年",
            self.years.len(),
            year_ranges(&self.years),
            self.added,
            self.replaced
        );
        if self.cleared > 0 {
            s.push_str(&format!("，清除 {} 年", self.cleared));
        }
        s
    }
}

/// Ascending years as ranges: "2011—2015、2018".
fn year_ranges(years: &[i32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let start = years[i];
        let mut end = start;
        while i + 1 < years.len() && years[i + 1] == end + 1 {
            end += 1;
            i += 1;
        }
        parts.push(if end > start {
            format!("{start}—{end}")
        } else {
            start.to_string()
        });
        i += 1;
    }
    parts.join("、")
}

enum Failure {
    Problems(Problems),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        Failure::Db(e)
    }
}

/// Imports a history file named `file_name`: all or nothing. Each year of the file replaces
/// its stored row (other years are kept), in one transaction with one audit entry
/// `history.import`. Importing history closes no year.
pub fn import_file(
    conn: &mut DbConn,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    now: NaiveDateTime,
) -> Result<HistorySummary, Problems> {
    let records = read(bytes)?;
    let this_year = dates::today_cst(now.and_utc()).year();
    let years = years_named(&records, this_year);
    let result = db::write_transaction(conn, |c| {
        // Inside the transaction, so no contract is registered for a year between the check
        // and the write (SQLite holds the write lock from the start).
        let registered = db::contracts::years_with_registered(c, &years)?;
        let rows = check(&records, this_year, &registered).map_err(Failure::Problems)?;
        let existing: BTreeSet<i32> = db::history::replace(c, &rows, &actor.name, now)?
            .into_iter()
            .collect();
        let with_figures = || rows.iter().filter(|r| !r.is_empty());
        let summary = HistorySummary {
            years: years.clone(),
            added: with_figures()
                .filter(|r| !existing.contains(&r.year))
                .count(),
            replaced: with_figures()
                .filter(|r| existing.contains(&r.year))
                .count(),
            cleared: rows.iter().filter(|r| r.is_empty()).count(),
        };
        db::audit::record(
            c,
            actor,
            Entry {
                action: "history.import",
                object_type: "history",
                object_id: text::shown(file_name),
                authority_code: None,
                summary: format!(
                    "导入历史统计数据（{file_name}）：年份 {}；新增 {} 年，替换 {} 年，清除 {} 年",
                    year_ranges(&summary.years),
                    summary.added,
                    summary.replaced,
                    summary.cleared
                ),
            },
            now,
        )?;
        Ok(summary)
    });
    result.map_err(|e| match e {
        Failure::Problems(p) => p,
        Failure::Db(e) => Problems::from(Problem::file(format!(
            "读写数据库失败，未写入任何数据：{e}"
        ))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR: i32 = 2026;

    fn rows(text: &str) -> Result<Vec<HistoryRow>, Vec<String>> {
        rows_with(text, &BTreeSet::new())
    }

    fn rows_with(text: &str, registered: &BTreeSet<i32>) -> Result<Vec<HistoryRow>, Vec<String>> {
        let records = read(text.as_bytes()).map_err(|p| p.lines())?;
        check(&records, YEAR, registered).map_err(|p| p.lines())
    }

    fn problems(text: &str) -> Vec<String> {
        rows(text).expect_err("problems expected")
    }

    const HEADER: &str = "year,contract_count,amount_100m_yuan,rd_expenditure_100m_yuan,dev_count,dev_amount_100m_yuan,transfer_count,transfer_amount_100m_yuan,consult_count,consult_amount_100m_yuan,service_count,service_amount_100m_yuan";

    #[test]
    fn reads_the_reference_years_exactly() {
        // 附表1 and 表1-1 of the 2016 report; 2016 with 附表4's categories.
        let text = format!(
            "{HEADER}\n2011,256428,4763.56,8687.0,,,,,,,,\n2015,307132,9835.79,14169.9,,,,,,,,\n2016,320437,11406.98,15676.7,148582,3479.64,12556,1607.89,24447,468.32,134852,5851.13\n"
        );
        let r = rows(&text).unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].year, 2011);
        assert_eq!(r[0].contract_count, Some(256_428));
        assert_eq!(r[0].amount_fen, Some(47_635_600_000_000));
        assert_eq!(r[0].rd_expenditure_fen, Some(86_870_000_000_000));
        assert_eq!(r[0].categories, [CategoryFigures::default(); 4]);
        assert_eq!(r[2].rd_expenditure_fen, Some(156_767_000_000_000));
        assert_eq!(
            r[2].categories[1],
            CategoryFigures {
                count: Some(12_556),
                amount_fen: Some(16_078_900_000_000)
            }
        );
        assert_eq!(r[2].categories[3].count, Some(134_852));
    }

    #[test]
    fn columns_by_name_in_any_order_and_only_year_is_required() {
        let r = rows("rd_expenditure_100m_yuan,year\n0.0000000001,2020\n2021,\n").unwrap_err();
        assert_eq!(r, ["row 3, year: 请填写年份"]);
        let r = rows("rd_expenditure_100m_yuan,year\n0.0000000001,2020\n,2021\n").unwrap();
        assert_eq!(r[0].rd_expenditure_fen, Some(1));
        assert_eq!(r[0].contract_count, None);
        assert!(r[1].is_empty());
        assert_eq!(
            problems("contract_count\n5\n"),
            ["file: 缺少必需的列“year”"]
        );
        assert_eq!(
            problems("year,colour\n2015,red\n"),
            ["file: 未知的列“colour”（第 2 列）"]
        );
        assert_eq!(problems("year\n"), ["file: 文件中没有数据行"]);
        assert_eq!(problems(""), ["file: 文件为空"]);
    }

    #[test]
    fn years_are_four_digits_in_range_and_once() {
        let p = problems("year\n\n2015\n15\n1979\n2027\n二〇一五\n2015\n 2016 \n２０１７\n+201\n");
        assert_eq!(
            p,
            [
                "row 4, year: 年份应为四位数字，如 2015",
                "row 5, year: 年份应在 1980 至 2026 年之间",
                "row 6, year: 年份应在 1980 至 2026 年之间",
                "row 7, year: 年份应为四位数字，如 2015",
                "row 8, year: 年份 2015 与第 3 行重复",
                "row 11, year: 年份应为四位数字，如 2015",
            ]
        );
        let p = problems("year,contract_count\n,5\n");
        assert_eq!(p, ["row 2, year: 请填写年份"]);
        assert_eq!(
            years_named(&read(b"year\n2016\n2015\nx\n2016\n").unwrap(), YEAR),
            [2015, 2016]
        );
    }

    #[test]
    fn counts_are_non_negative_integers() {
        let p = problems(
            "year,contract_count,dev_count,transfer_count,consult_count,service_count\n2015,-1,1.5,abc,100000000,1e3\n2016,０,007,99999999,,\n",
        );
        assert_eq!(
            p,
            [
                "row 2, contract_count: 合同数不能为负数",
                "row 2, dev_count: 技术开发合同数应为不带小数的整数（单位：项），如 320437",
                "row 2, transfer_count: 技术转让合同数应为不带小数的整数（单位：项），如 320437",
                "row 2, consult_count: 技术咨询合同数过大（应小于 100000000 项）",
                "row 2, service_count: 技术服务合同数应为不带小数的整数（单位：项），如 320437",
                "row 3, contract_count: 已填各类合同数之和 100000006 大于合同数 0",
            ]
        );
        assert_eq!(parse_count("000000000000000012"), Ok(12));
        assert_eq!(
            parse_count("9999999999999999999999"),
            Err(CountError::TooLarge)
        );
        assert_eq!(parse_count("1,000"), Err(CountError::Invalid));
    }

    #[test]
    fn amounts_are_exact_decimals_of_100m_yuan() {
        let p = problems(
            "year,amount_100m_yuan,rd_expenditure_100m_yuan,dev_amount_100m_yuan,transfer_amount_100m_yuan,consult_amount_100m_yuan,service_amount_100m_yuan\n2015,-3,abc,0.00000000001,1000000,1e5,\"1,00.5\"\n",
        );
        assert_eq!(
            p,
            [
                "row 2, amount_100m_yuan: 成交额不能为负数",
                "row 2, rd_expenditure_100m_yuan: 全社会 R&D 经费应为以亿元为单位的数字，如 11406.98",
                "row 2, dev_amount_100m_yuan: 技术开发成交额最多 10 位小数（以亿元为单位，10 位小数即精确到分）",
                "row 2, transfer_amount_100m_yuan: 技术转让成交额过大（应小于 1000000 亿元）",
                "row 2, consult_amount_100m_yuan: 技术咨询成交额应为以亿元为单位的数字，如 11406.98",
                "row 2, service_amount_100m_yuan: 技术服务成交额的千位分隔符位置不正确",
            ]
        );
        let r = rows("year,rd_expenditure_100m_yuan,amount_100m_yuan\n2016,15676.7,0.0000000001\n")
            .unwrap();
        assert_eq!(r[0].rd_expenditure_fen, Some(156_767_000_000_000));
        assert_eq!(r[0].amount_fen, Some(1));
    }

    #[test]
    fn categories_must_add_up_to_the_totals() {
        let p = problems(&format!(
            "{HEADER}\n2016,320437,11406.98,,148582,3479.64,12556,1607.89,24447,468.32,134851,5851.1300000001\n"
        ));
        assert_eq!(
            p,
            [
                "row 2, contract_count: 四类合同数之和 320436 与合同数 320437 不符",
                "row 2, amount_100m_yuan: 四类成交额之和 11406.9800000001 亿元 与成交额 11406.98 亿元 不符",
            ]
        );
        // Some categories known: they may not exceed the total.
        let p = problems(
            "year,contract_count,amount_100m_yuan,dev_count,dev_amount_100m_yuan\n2010,10,1,11,1.5\n2011,10,1,10,1\n",
        );
        assert_eq!(
            p,
            [
                "row 2, contract_count: 已填各类合同数之和 11 大于合同数 10",
                "row 2, amount_100m_yuan: 已填各类成交额之和 1.5 亿元 大于成交额 1 亿元",
            ]
        );
        // No contracts, no amount.
        let p = problems(
            "year,contract_count,amount_100m_yuan,consult_count,consult_amount_100m_yuan\n2010,0,0.5,0,0.0000000001\n2011,0,0,0,0\n",
        );
        assert_eq!(
            p,
            [
                "row 2, amount_100m_yuan: 合同数为 0，成交额也应为 0",
                "row 2, consult_amount_100m_yuan: 技术咨询合同数为 0，技术咨询成交额也应为 0",
            ]
        );
        // A malformed cell is reported alone, without sums built from the rest.
        let p = problems("year,contract_count,dev_count\n2010,5,x\n");
        assert_eq!(p.len(), 1, "{p:?}");
    }

    #[test]
    fn a_year_with_registered_contracts_takes_rd_expenditure_only() {
        let registered = BTreeSet::from([2025]);
        let r = rows_with(
            "year,contract_count,rd_expenditure_100m_yuan\n2025,,36000.5\n2024,12,\n",
            &registered,
        )
        .unwrap();
        assert_eq!(r[0].rd_expenditure_fen, Some(360_005_000_000_000));
        let p = rows_with(
            "year,contract_count,amount_100m_yuan,rd_expenditure_100m_yuan,service_count\n2025,12,3,36000.5,x\n",
            &registered,
        )
        .unwrap_err();
        assert_eq!(
            p,
            [
                "row 2, service_count: 技术服务合同数应为不带小数的整数（单位：项），如 320437",
                "row 2, contract_count: 该年已有登记合同，其数据由合同计算，只能导入 R&D 经费",
                "row 2, amount_100m_yuan: 该年已有登记合同，其数据由合同计算，只能导入 R&D 经费",
            ]
        );
    }

    #[test]
    fn files_in_gb18030_with_a_bom_or_crlf_are_read() {
        let (bytes, _, _) =
            encoding_rs::GB18030.encode("year,amount_100m_yuan\r\n2015,9835.79\r\n");
        assert_eq!(rows_bytes(&bytes)[0].amount_fen, Some(98_357_900_000_000));
        let bom = "\u{feff}year\n2015\n";
        assert_eq!(rows_bytes(bom.as_bytes())[0].year, 2015);
    }

    fn rows_bytes(bytes: &[u8]) -> Vec<HistoryRow> {
        let records = read(bytes).unwrap();
        check(&records, YEAR, &BTreeSet::new()).unwrap()
    }

    #[test]
    fn many_problems_stop_at_the_limit() {
        let mut text = String::from("year\n");
        for _ in 0..(csv_file::MAX_PROBLEMS + 10) {
            text.push_str("x\n");
        }
        let p = problems(&text);
        assert_eq!(p.len(), csv_file::MAX_PROBLEMS + 1);
        assert_eq!(
            p.last().unwrap(),
            &csv_file::too_many_problems().to_string()
        );
    }

    #[test]
    fn figures_map_to_their_fields_and_labels_come_from_the_catalogue() {
        let mut f: Figures = [None; 11];
        for (i, v) in f.iter_mut().enumerate() {
            *v = Some(i as i64);
        }
        let r = from_figures(2015, &f);
        assert_eq!(
            (r.contract_count, r.amount_fen, r.rd_expenditure_fen),
            (Some(0), Some(1), Some(2))
        );
        assert_eq!(
            r.categories[0],
            CategoryFigures {
                count: Some(3),
                amount_fen: Some(4)
            }
        );
        assert_eq!(
            r.categories[3],
            CategoryFigures {
                count: Some(9),
                amount_fen: Some(10)
            }
        );
        assert_eq!(FIGURES[4].label(), "技术开发成交额");
        assert_eq!(FIGURES[9].label(), "技术服务合同数");
        assert_eq!(FIGURES[2].label(), "全社会 R&D 经费");
        assert_eq!(columns().count(), 12);
    }

    #[test]
    fn summaries_name_the_years_as_ranges() {
        assert_eq!(
            year_ranges(&[2011, 2012, 2013, 2015, 2017, 2018]),
            "2011—2013、2015、2017—2018"
        );
        assert_eq!(year_ranges(&[]), "");
        let s = HistorySummary {
            years: vec![2011, 2012],
            added: 1,
            replaced: 0,
            cleared: 1,
        };
        assert_eq!(
            s.describe(),
            "已导入历史数据 2 年（2011—2012）：新增 1 年，替换 0 年，清除 1 年"
        );
    }
}
