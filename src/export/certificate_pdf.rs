//! The registration certificate as one A4 page of PDF: the rows of `Certificate::rows`, laid
//! out as the printable page lays them out (the same four columns), the conclusion and the
//! seal's place. Long names wrap inside their cells; when the longest names the form allows
//! would push the table past the page, the table's type is set smaller until it fits.

use super::pdf::{
    A4_HEIGHT, A4_WIDTH, Align, BLACK, Canvas, Colour, Pdf, PdfError, SEAL_RED, width, wrap,
};
use crate::certificate::{CONCLUSION, Certificate, PARTY_LINES, Row, TITLE};

const MARGIN: f32 = 56.0;
const TABLE_TOP: f32 = 160.0;
/// Room kept below the table for the conclusion and the seal.
const FOOT: f32 = 180.0;
/// Type sizes tried for the table, largest first.
const SIZES: [f32; 5] = [10.5, 9.5, 8.5, 7.5, 6.5];
const PAD: f32 = 6.0;
const HEAD_FILL: Colour = Colour(243, 245, 248);
const RULE: (f32, Colour) = (0.6, BLACK);
/// Column widths: label, sub-label or first value, second label, the rest.
const COLUMNS: [f32; 4] = [
    90.0,
    96.0,
    76.0,
    A4_WIDTH - 2.0 * MARGIN - 90.0 - 96.0 - 76.0,
];

/// The certificate's PDF.
pub fn write(cert: &Certificate) -> Result<Vec<u8>, PdfError> {
    let table = fitted(cert);
    let mut pdf = Pdf::new(&format!("{TITLE} {}", cert.number))?;
    pdf.page(|c| draw(c, cert, &table));
    pdf.finish()
}

/// What the table draws: shaded or plain boxes and lines of text.
#[derive(Debug, Clone, PartialEq)]
enum Mark {
    Cell {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        label: bool,
    },
    Text {
        x: f32,
        y: f32,
        text: String,
    },
}

/// The table laid out at one type size.
#[derive(Debug, Clone, PartialEq)]
struct Table {
    size: f32,
    marks: Vec<Mark>,
    bottom: f32,
}

/// The table at the largest size that leaves room for the foot on the page.
fn fitted(cert: &Certificate) -> Table {
    let mut table = layout(cert, SIZES[0]);
    for size in &SIZES[1..] {
        if table.bottom + FOOT <= A4_HEIGHT {
            break;
        }
        table = layout(cert, *size);
    }
    table
}

fn layout(cert: &Certificate, size: f32) -> Table {
    let mut t = Table {
        size,
        marks: Vec::new(),
        bottom: TABLE_TOP,
    };
    for row in cert.rows() {
        match row {
            Row::Full(label, value) => t.row(&[(0, 0, label, true), (1, 3, &value, false)]),
            Row::Pair(l1, v1, l2, v2) => t.row(&[
                (0, 0, l1, true),
                (1, 1, v1, false),
                (2, 2, l2, true),
                (3, 3, v2, false),
            ]),
            Row::Party(label, party) => {
                let top = t.bottom;
                for (sub, value) in PARTY_LINES.iter().zip(party.values()) {
                    t.row(&[(1, 1, sub, false), (2, 3, value, false)]);
                }
                // The party's label spans its three lines.
                let (x, w) = span(0, 0);
                t.marks.push(Mark::Cell {
                    x,
                    y: top,
                    w,
                    h: t.bottom - top,
                    label: true,
                });
                t.marks.push(Mark::Text {
                    x: x + PAD,
                    y: top + PAD + size,
                    text: label.to_owned(),
                });
            }
        }
    }
    t
}

impl Table {
    /// Lays out one row of cells (first column, last column, text, shaded) below the last,
    /// as tall as its longest cell.
    fn row(&mut self, cells: &[(usize, usize, &str, bool)]) {
        let line = self.size * 1.45;
        let laid: Vec<_> = cells
            .iter()
            .map(|&(from, to, text, label)| {
                let (x, w) = span(from, to);
                (x, w, wrap(text, self.size, w - 2.0 * PAD), label)
            })
            .collect();
        let lines = laid.iter().map(|(_, _, l, _)| l.len()).max().unwrap_or(1);
        let h = (lines as f32 - 1.0) * line + self.size + 2.0 * PAD + 2.0;
        let y = self.bottom;
        for (x, w, text, label) in laid {
            self.marks.push(Mark::Cell { x, y, w, h, label });
            for (i, t) in text.into_iter().enumerate() {
                self.marks.push(Mark::Text {
                    x: x + PAD,
                    y: y + PAD + self.size + i as f32 * line,
                    text: t,
                });
            }
        }
        self.bottom = y + h;
    }
}

/// The x and width of columns `from` to `to`.
fn span(from: usize, to: usize) -> (f32, f32) {
    let x = MARGIN + COLUMNS[..from].iter().sum::<f32>();
    (x, COLUMNS[from..=to].iter().sum())
}

fn draw(c: &mut Canvas<'_, '_>, cert: &Certificate, table: &Table) {
    // The title, spaced out as the page's letter-spacing does.
    let gap = 8.0;
    let count = TITLE.chars().count() as f32;
    let mut x = (A4_WIDTH - width(TITLE, 22.0) - gap * (count - 1.0)) / 2.0;
    for ch in TITLE.chars() {
        let ch = ch.to_string();
        c.text(x, 112.0, 22.0, Align::Left, BLACK, &ch);
        x += width(&ch, 22.0) + gap;
    }
    let right = A4_WIDTH - MARGIN;
    let number = format!("合同登记编号：{}", cert.number);
    c.text(right, 146.0, 11.0, Align::Right, BLACK, &number);

    for mark in &table.marks {
        match mark {
            Mark::Cell { x, y, w, h, label } => {
                c.rect((*x, *y, *w, *h), label.then_some(HEAD_FILL), Some(RULE))
            }
            Mark::Text { x, y, text } => c.text(*x, *y, table.size, Align::Left, BLACK, text),
        }
    }

    let y = table.bottom;
    c.text(MARGIN, y + 40.0, 11.0, Align::Left, BLACK, CONCLUSION);
    let (cx, cy, r) = (right - 66.0, y + 100.0, 60.0);
    c.circle((cx, cy), r, 1.5, SEAL_RED, Some(5.0));
    c.text(
        cx,
        cy + 4.0,
        10.0,
        Align::Centre,
        SEAL_RED,
        "（登记机构印章）",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::{AmountLine, PartyLine};

    fn certificate(name: &str) -> Certificate {
        let party = PartyLine {
            name: name.to_owned(),
            id: "91440106MA59ABCD1M".into(),
            region: "广东省广州市天河区".into(),
        };
        let amount = AmountLine {
            yuan: "1,250,000.00".into(),
            capitals: "人民币壹佰贰拾伍万元整".into(),
        };
        Certificate {
            contract_id: 1,
            number: "2026 4401 01 000001".into(),
            project_name: name.to_owned(),
            category: "技术咨询".into(),
            seller: party.clone(),
            buyer: party,
            signed_on: "2026-10-08".into(),
            validity: "2026-10-08 至 2028-12-06".into(),
            total: amount.clone(),
            technical: amount,
            office: name.to_owned(),
            clerk: "李登记".into(),
            approvers: "甲、乙".into(),
            registered_on: "2026-12-07".into(),
            status_line: "有效",
            verification_code: "3WQJ-P5WS-PK10-4MFZ".into(),
            verify_url: "https://example.invalid/verify".into(),
        }
    }

    fn text_of(t: &Table) -> String {
        t.marks
            .iter()
            .filter_map(|m| match m {
                Mark::Text { text, .. } => Some(text.as_str()),
                Mark::Cell { .. } => None,
            })
            .collect()
    }

    #[test]
    fn an_ordinary_certificate_is_set_at_full_size_with_every_value() {
        let cert = certificate("广州智造科技有限公司");
        let t = fitted(&cert);
        assert_eq!(t.size, SIZES[0]);
        let text = text_of(&t);
        for v in [
            "广州智造科技有限公司",
            "人民币壹佰贰拾伍万元整",
            "3WQJ-P5WS-PK10-4MFZ",
            "甲、乙",
        ] {
            assert!(text.contains(v), "{v}");
        }
        assert!(t.bottom + FOOT <= A4_HEIGHT);
    }

    #[test]
    fn the_longest_names_the_form_allows_still_fit_one_page() {
        let longest = "技".repeat(crate::domain::fields::MAX_TEXT_CHARS);
        let cert = certificate(&longest);
        let t = fitted(&cert);
        assert!(t.size < SIZES[0], "set smaller");
        assert!(t.bottom + FOOT <= A4_HEIGHT, "bottom {}", t.bottom);
        // Four fields at the limit, and the 技 of 技术咨询 and of 核定技术交易额.
        assert_eq!(
            text_of(&t).matches('技').count(),
            4 * longest.chars().count() + 2
        );
        let pdf = write(&cert).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
