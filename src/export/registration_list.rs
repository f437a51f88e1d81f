//! The 登记清单: a list of registered contracts (of one seller, or of one office) over a period,
//! with numbers, categories, amounts and totals, as provincial systems print it. It is marked
//! as no tax document (`NOT_A_TAX_DOCUMENT`). Written here as CSV and as a workbook of text
//! cells (amounts as numbers); the page is the web layer's.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::csv_line::push_record;
use crate::catalog::category;
use crate::db::contracts::ContractRow;
use crate::domain::dates;
use crate::domain::money::Money;
use crate::domain::regnum::grouped_text;

/// The mark every 登记清单 carries.
pub const NOT_A_TAX_DOCUMENT: &str = "本清单不作为税收减免凭证";

/// The columns, in order.
pub const HEADER: [&str; 9] = [
    "序号",
    "合同登记编号",
    "项目名称",
    "合同类别",
    "卖方",
    "买方",
    "登记日期",
    "成交额（元）",
    "技术交易额（元）",
];

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub number: String,
    pub project_name: String,
    pub category: String,
    pub seller: String,
    pub buyer: String,
    pub registered_on: String,
    pub total: Money,
    pub technical: Money,
}

impl Line {
    pub fn of(row: &ContractRow) -> Line {
        Line {
            number: row
                .registration_number
                .as_deref()
                .map(grouped_text)
                .unwrap_or_default(),
            project_name: row.project_name.clone(),
            category: category::leaf(&row.category_code)
                .map(|l| l.full_label())
                .unwrap_or_else(|| row.category_code.clone()),
            seller: row.seller_name.clone(),
            buyer: row.buyer_name.clone(),
            registered_on: row
                .registered_on
                .map(dates::format_date)
                .unwrap_or_default(),
            total: Money::from_fen(row.total_fen.unwrap_or(0)),
            technical: Money::from_fen(row.technical_fen.unwrap_or(0)),
        }
    }
}

/// The list with its heading and totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// Whose list and which period, e.g. `卖方 广州智造科技有限公司（9144…）2026-01-01 至 2026-12-31`.
    pub title: String,
    pub lines: Vec<Line>,
    pub total: Money,
    pub technical: Money,
}

impl List {
    pub fn new(title: String, lines: Vec<Line>) -> List {
        let total = lines.iter().map(|l| l.total).sum();
        let technical = lines.iter().map(|l| l.technical).sum();
        List {
            title,
            lines,
            total,
            technical,
        }
    }

    /// As CSV: the title and the mark, the header, one line a contract, the totals.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        push_record(&mut out, [format!("登记清单：{}", self.title).as_str()]);
        push_record(&mut out, [NOT_A_TAX_DOCUMENT]);
        push_record(&mut out, HEADER);
        for (i, l) in self.lines.iter().enumerate() {
            let (seq, total, technical) = (
                (i + 1).to_string(),
                l.total.yuan_string(),
                l.technical.yuan_string(),
            );
            push_record(
                &mut out,
                [
                    seq.as_str(),
                    &l.number,
                    &l.project_name,
                    &l.category,
                    &l.seller,
                    &l.buyer,
                    &l.registered_on,
                    &total,
                    &technical,
                ],
            );
        }
        let count = format!("共 {} 份", self.lines.len());
        let (total, technical) = (self.total.yuan_string(), self.technical.yuan_string());
        push_record(
            &mut out,
            [
                "合计",
                count.as_str(),
                "",
                "",
                "",
                "",
                "",
                &total,
                &technical,
            ],
        );
        out
    }

    /// As a workbook: text cells, the amounts as numbers in 元 (no formulas).
    pub fn xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let money = Format::new().set_num_format("#,##0.00");
        let sheet = workbook.add_worksheet();
        sheet.set_name("登记清单")?;
        sheet.write_string_with_format(0, 0, format!("登记清单：{}", self.title), &bold)?;
        sheet.write_string_with_format(1, 0, NOT_A_TAX_DOCUMENT, &bold)?;
        for (c, h) in HEADER.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, *h, &bold)?;
            sheet.set_column_width(c as u16, if c == 2 { 36 } else { 18 })?;
        }
        let yuan = |m: Money| m.fen() as f64 / 100.0;
        let mut r = 3;
        for (i, l) in self.lines.iter().enumerate() {
            sheet.write_string(r, 0, (i + 1).to_string())?;
            for (c, v) in [
                &l.number,
                &l.project_name,
                &l.category,
                &l.seller,
                &l.buyer,
                &l.registered_on,
            ]
            .into_iter()
            .enumerate()
            {
                sheet.write_string(r, c as u16 + 1, v.as_str())?;
            }
            sheet.write_number_with_format(r, 7, yuan(l.total), &money)?;
            sheet.write_number_with_format(r, 8, yuan(l.technical), &money)?;
            r += 1;
        }
        sheet.write_string_with_format(r, 0, "合计", &bold)?;
        sheet.write_string(r, 1, format!("共 {} 份", self.lines.len()))?;
        sheet.write_number_with_format(r, 7, yuan(self.total), &money)?;
        sheet.write_number_with_format(r, 8, yuan(self.technical), &money)?;
        workbook.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(number: &str, fen: i64) -> Line {
        Line {
            number: number.into(),
            project_name: "=1+2 储能咨询".into(),
            category: "技术咨询".into(),
            seller: "甲".into(),
            buyer: "乙".into(),
            registered_on: "2026-12-07".into(),
            total: Money::from_fen(fen),
            technical: Money::from_fen(fen / 2),
        }
    }

    #[test]
    fn the_csv_carries_the_mark_every_line_and_the_totals() {
        let list = List::new(
            "卖方 甲 2026-01-01 至 2026-12-31".into(),
            vec![
                line("2026 4401 01 000001", 10_000),
                line("2026 4401 01 000002", 25_050),
            ],
        );
        assert_eq!(list.total, Money::from_fen(35_050));
        let csv = list.csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[1], NOT_A_TAX_DOCUMENT);
        assert!(lines[2].starts_with("序号,合同登记编号"));
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[5], "合计,共 2 份,,,,,,350.50,175.25");
    }

    #[test]
    fn the_workbook_holds_text_and_numbers_never_formulas() {
        let list = List::new("t".into(), vec![line("2026 4401 01 000001", 10_000)]);
        let bytes = list.xlsx().unwrap();
        let sheet =
            String::from_utf8(crate::input::xlsx::first_sheet_as_csv(&bytes).unwrap()).unwrap();
        assert!(sheet.contains(NOT_A_TAX_DOCUMENT), "{sheet}");
        assert!(sheet.contains("=1+2 储能咨询"));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        assert!(!xml.contains("<f>"), "no formula cells");
    }
}
