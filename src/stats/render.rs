//! Turns a table spec and the figures of the years it reads into the table, and checks on the
//! way, on exact counts and fen, that every table adds up (domain.md §5, the reference README's
//! summation rules). One generic path for every spec: rows come from the spec's row source, each
//! column asks the row for one measure.

use std::collections::BTreeMap;

use super::facts::{Basis, Coded};
use super::figures::{Agg, Figures};
use super::formula;
use super::spec::{Cities, Col, Order, RegionSet, Rel, Rows, SeriesValue, Side, TableSpec};
use super::table::{Cell, Table};
use crate::catalog::category;
use crate::catalog::region::{self, StatsKind};
use crate::catalog::rows::{ReportRow, RowKind};

/// Figures of a year the database has no contracts for (interchange.md §3), in exact units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryYear {
    pub count: Option<i64>,
    pub fen: Option<i128>,
    pub rd_fen: Option<i128>,
    /// 技术开发, 技术转让, 技术咨询, 技术服务 (the order of `category::CATEGORY_ROWS`).
    pub categories: [(Option<i64>, Option<i128>); 4],
}

/// One entry of 附表15.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Institution {
    pub province: String,
    pub name: String,
}

/// What a report for `year` reads: the figures of the years that have them (computed from
/// contracts or frozen), history for the others, R&D expenditure, the institution list.
#[derive(Debug, Clone, Default)]
pub struct Inputs<'a> {
    pub year: i32,
    pub figures: BTreeMap<i32, &'a Figures>,
    pub history: BTreeMap<i32, HistoryYear>,
    pub institutions: &'a [Institution],
}

/// A count and an amount, each known or not (history may give one without the other).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Val {
    count: Option<i64>,
    fen: Option<i128>,
    sellers: Option<i64>,
}

impl Val {
    fn of(a: Agg) -> Val {
        Val {
            count: Some(a.count),
            fen: Some(a.fen),
            sellers: Some(a.sellers),
        }
    }

    fn has_contracts(&self) -> bool {
        self.count.is_some_and(|c| c > 0)
    }
}

/// What a row adds up.
#[derive(Debug, Clone)]
enum Keys {
    /// Catalogue codes of a coded dimension (over the 重大 contracts when `major`).
    Codes(Coded, &'static [&'static str], bool),
    /// Every contract (or every 重大 one).
    All(bool),
    /// Statistical regions on the column's basis.
    Regions(Vec<&'static str>),
    /// Nothing (text-only rows).
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Item,
    Subtotal,
    Total,
    OfWhich,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Item => "item",
            Kind::Subtotal => "subtotal",
            Kind::Total => "total",
            Kind::OfWhich => "of_which",
        }
    }
}

#[derive(Debug, Clone)]
struct Row {
    label: String,
    parent: String,
    level: u8,
    kind: Kind,
    section: &'static str,
    keys: Keys,
    /// Takes part in the table's ranking.
    ranked: bool,
    /// For year series: what the row shows, and its unit.
    series: Option<(SeriesValue, &'static str)>,
    /// Text cells of list tables (top sellers, institutions).
    texts: Vec<String>,
}

impl Row {
    fn new(label: &str, kind: Kind, keys: Keys) -> Row {
        Row {
            label: label.to_owned(),
            parent: String::new(),
            level: 0,
            kind,
            section: "",
            keys,
            ranked: false,
            series: None,
            texts: Vec::new(),
        }
    }
}

/// The tables of a report and what its self-check found.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub tables: Vec<Table>,
    /// zh sentences, one per broken rule; empty when every table adds up.
    pub problems: Vec<String>,
}

/// Renders every spec of `specs` for `inputs.year`.
pub fn render_all(specs: &[TableSpec], inputs: &Inputs<'_>) -> Rendered {
    let mut problems = Vec::new();
    let tables = specs
        .iter()
        .map(|spec| {
            let ctx = Ctx { spec, inputs };
            let rows = ctx.rows();
            ctx.check(&rows, &mut problems);
            ctx.table(&rows)
        })
        .collect();
    problems.extend(check_groups(inputs));
    Rendered { tables, problems }
}

struct Ctx<'a, 'b> {
    spec: &'a TableSpec,
    inputs: &'a Inputs<'b>,
}

impl Ctx<'_, '_> {
    fn basis(&self, side: Side) -> Basis {
        match (side, self.spec.rows) {
            (Side::Output, _) => Basis::Output,
            (Side::Absorption, _) => Basis::Absorption,
            (Side::Own, Rows::Regions { basis, .. }) => basis,
            (Side::Own, _) => Basis::Output,
        }
    }

    fn figures(&self, rel: Rel) -> Option<&Figures> {
        self.inputs.figures.get(&(self.inputs.year + rel)).copied()
    }

    fn history(&self, rel: Rel) -> Option<&HistoryYear> {
        self.inputs.history.get(&(self.inputs.year + rel))
    }

    /// What `keys` add up to in year Y + `rel` on `side`: from the year's figures, else what
    /// history knows (the national and the four category totals only).
    fn value(&self, keys: &Keys, side: Side, rel: Rel) -> Val {
        if let Some(f) = self.figures(rel) {
            return match keys {
                Keys::Codes(dim, codes, major) => Val::of(f.coded_sum(*dim, codes, *major)),
                Keys::All(false) => Val::of(f.all),
                Keys::All(true) => Val::of(f.major),
                Keys::Regions(codes) => Val::of(f.region_sum(self.basis(side), codes)),
                Keys::None => Val::default(),
            };
        }
        let Some(h) = self.history(rel) else {
            return Val::default();
        };
        match keys {
            Keys::All(false) => Val {
                count: h.count,
                fen: h.fen,
                sellers: None,
            },
            Keys::Codes(Coded::Category, codes, false) => category::CATEGORY_ROWS
                .iter()
                .position(|r| same_codes(r.codes, codes))
                .map(|i| Val {
                    count: h.categories[i].0,
                    fen: h.categories[i].1,
                    sellers: None,
                })
                .unwrap_or_default(),
            _ => Val::default(),
        }
    }

    /// The denominator of the table's shares in year Y + `rel`.
    fn share_base(&self, rel: Rel) -> Option<i128> {
        let major = match self.spec.rows {
            Rows::Layout { major, .. } => major,
            Rows::Sections(_) => true,
            _ => false,
        };
        self.value(&Keys::All(major), Side::Own, rel).fen
    }

    fn rank_ordered(&self) -> bool {
        matches!(
            self.spec.rows,
            Rows::Regions {
                order: Order::ByAmount { .. },
                ..
            }
        )
    }

    // -----------------------------------------------------------------------------------------
    // Rows

    fn rows(&self) -> Vec<Row> {
        match self.spec.rows {
            Rows::Layout { dim, rows, major } => {
                let mut out = layout_rows(dim, rows, major, "");
                out.push(Row::new("合计", Kind::Total, Keys::All(major)));
                out
            }
            Rows::Sections(sections) => sections
                .iter()
                .flat_map(|(section, dim, rows)| {
                    let mut out = layout_rows(*dim, rows, true, section);
                    let mut total = Row::new("合计", Kind::Total, Keys::All(true));
                    total.section = section;
                    out.push(total);
                    out
                })
                .collect(),
            Rows::Regions { set, order, .. } => self.region_rows(set, order),
            Rows::Series(rows) => rows
                .iter()
                .map(|r| {
                    let kind = if r.total { Kind::Total } else { Kind::Item };
                    let mut row = Row::new(r.label, kind, Keys::None);
                    row.series = Some((r.value, r.unit));
                    row
                })
                .collect(),
            Rows::Top(group) => self
                .figures(0)
                .and_then(|f| f.top_sellers.get(&group))
                .map(|list| {
                    list.iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let mut row = Row::new(&s.name, Kind::Item, Keys::None);
                            row.texts = vec![(i + 1).to_string(), s.name.clone()];
                            row
                        })
                        .collect()
                })
                .unwrap_or_default(),
            Rows::Institutions => self
                .inputs
                .institutions
                .iter()
                .map(|i| {
                    let mut row = Row::new(&i.name, Kind::Item, Keys::None);
                    row.texts = vec![i.province.clone(), i.name.clone()];
                    row
                })
                .collect(),
        }
    }

    fn region_rows(&self, set: RegionSet, order: Order) -> Vec<Row> {
        let region_row = |r: &'static region::StatsRegion| {
            let mut row = Row::new(r.label, Kind::Item, Keys::Regions(vec![r.code]));
            row.ranked = true;
            row
        };
        // (ranked row, its 其中 rows)
        let mut ranked: Vec<(Row, Vec<Row>)> = Vec::new();
        let mut tail: Vec<Row> = Vec::new();
        let total: Option<Row>;
        match set {
            RegionSet::Provinces { cities, buckets } => {
                for p in region::PROVINCES {
                    let of_which = region::cities_of(p.code)
                        .filter(|c| match cities {
                            Cities::None => false,
                            Cities::PlanSeparate => {
                                c.kind == StatsKind::City(region::CityKind::PlanSeparate)
                            }
                            Cities::All => true,
                        })
                        .map(|c| {
                            let mut row =
                                Row::new(c.label, Kind::OfWhich, Keys::Regions(vec![c.code]));
                            row.level = 1;
                            row.parent = p.label.to_owned();
                            row
                        })
                        .collect();
                    ranked.push((region_row(p), of_which));
                }
                if buckets {
                    for b in [&region::HK_MO_TW, &region::ABROAD] {
                        tail.push(Row::new(b.label, Kind::Item, Keys::Regions(vec![b.code])));
                    }
                }
                // The national figures: the rows must add up to them (登记 has no buckets: every
                // office is in a province).
                total = Some(Row::new("合计", Kind::Total, Keys::All(false)));
            }
            RegionSet::Cities(kind) => {
                let cities: Vec<&'static region::StatsRegion> =
                    region::cities_of_kind(kind).collect();
                ranked = cities.iter().map(|c| (region_row(c), Vec::new())).collect();
                let codes = cities.iter().map(|c| c.code).collect();
                total = Some(Row::new("合计", Kind::Total, Keys::Regions(codes)));
            }
            RegionSet::Groups => {
                for g in region::GROUPS {
                    tail.push(Row::new(
                        g.label,
                        Kind::Item,
                        Keys::Regions(g.members.to_vec()),
                    ));
                }
                total = None;
            }
            RegionSet::Members(n) => {
                let members: &[&'static str] = region::GROUPS.get(n).map_or(&[], |g| g.members);
                for code in members {
                    if let Some(r) = region::stats_region(code) {
                        ranked.push((region_row(r), Vec::new()));
                    }
                }
                total = Some(Row::new(
                    "合计",
                    Kind::Total,
                    Keys::Regions(members.to_vec()),
                ));
            }
        }
        if let Order::ByAmount { side, ties } = order {
            // Reference order first (the stable sorts below keep it among equals).
            ranked.sort_by_key(|(r, _)| tie_position(ties, &r.label));
            ranked.sort_by_key(|(r, _)| {
                let v = self.value(&r.keys, side, 0);
                (!v.has_contracts(), std::cmp::Reverse(v.fen.unwrap_or(0)))
            });
        }
        let mut out: Vec<Row> = ranked
            .into_iter()
            .flat_map(|(row, of_which)| std::iter::once(row).chain(of_which))
            .collect();
        out.extend(tail);
        out.extend(total);
        out
    }

    // -----------------------------------------------------------------------------------------
    // Cells

    fn table(&self, rows: &[Row]) -> Table {
        let year = self.inputs.year;
        let columns = self
            .spec
            .columns
            .iter()
            .map(|(name, _)| super::spec::with_years(name, year))
            .collect();
        // Ranks per (side, rel) column, by row index.
        let mut ranks: BTreeMap<(u8, Rel), Vec<Option<i64>>> = BTreeMap::new();
        for (_, col) in self.spec.columns {
            if let Col::Rank(side, rel) = col {
                ranks.insert((side_key(*side), *rel), self.ranks(rows, *side, *rel));
            }
        }
        let cells = rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                self.spec
                    .columns
                    .iter()
                    .map(|(_, col)| {
                        self.cell(row, *col, ranks.get(&rank_key(*col)).and_then(|r| r[i]))
                    })
                    .collect()
            })
            .collect();
        Table {
            id: self.spec.id,
            printed: self.spec.printed,
            title: super::spec::with_years(self.spec.title, year),
            columns,
            rows: cells,
        }
    }

    /// Ranks of the ranked rows by amount on `side` in year Y + `rel`, in the table's tie order.
    fn ranks(&self, rows: &[Row], side: Side, rel: Rel) -> Vec<Option<i64>> {
        let ties = match self.spec.rows {
            Rows::Regions {
                order: Order::ByAmount { ties, .. },
                ..
            } => ties,
            _ => &[],
        };
        let mut ranked: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].ranked).collect();
        ranked.sort_by_key(|&i| tie_position(ties, &rows[i].label));
        let amounts: Vec<Option<i128>> = ranked
            .iter()
            .map(|&i| {
                let v = self.value(&rows[i].keys, side, rel);
                if v.has_contracts() { v.fen } else { None }
            })
            .collect();
        let mut out = vec![None; rows.len()];
        for (&i, r) in ranked.iter().zip(formula::ranks(&amounts)) {
            out[i] = Some(r);
        }
        out
    }

    fn cell(&self, row: &Row, col: Col, rank: Option<i64>) -> Cell {
        // Rank-ordered tables leave a row's cells empty where it has no contracts (as the
        // report prints 西藏); other tables show 0 and 0.00.
        let blank = |v: Val| self.rank_ordered() && !v.has_contracts() && v.count.is_some();
        match col {
            Col::Label => Cell::text(&row.label),
            Col::Parent => Cell::text(&row.parent),
            Col::Level => Cell::Int(i64::from(row.level)),
            Col::RowType => Cell::text(row.kind.as_str()),
            Col::Section => Cell::text(row.section),
            Col::Unit => Cell::text(row.series.map_or("", |(_, unit)| unit)),
            Col::Note => Cell::Empty,
            Col::Count(side, rel) => {
                let v = self.value(&row.keys, side, rel);
                if blank(v) {
                    Cell::Empty
                } else {
                    Cell::int(v.count)
                }
            }
            Col::Amount(side, rel) => {
                let v = self.value(&row.keys, side, rel);
                if blank(v) {
                    Cell::Empty
                } else {
                    Cell::fixed2(v.fen.map(formula::amount_100m))
                }
            }
            Col::CountGrowth(side, rel) => {
                let (now, prior) = (
                    self.value(&row.keys, side, rel),
                    self.value(&row.keys, side, rel - 1),
                );
                Cell::fixed2(
                    now.count
                        .and_then(|c| formula::growth(i128::from(c), prior.count.map(i128::from))),
                )
            }
            Col::AmountGrowth(side, rel) => {
                let (now, prior) = (
                    self.value(&row.keys, side, rel),
                    self.value(&row.keys, side, rel - 1),
                );
                Cell::fixed2(now.fen.and_then(|f| formula::growth(f, prior.fen)))
            }
            Col::Share(side, rel) => {
                let v = self.value(&row.keys, side, rel);
                Cell::fixed2(
                    v.fen
                        .zip(self.share_base(rel))
                        .and_then(|(f, base)| formula::percent(f, base)),
                )
            }
            Col::Rank(..) => Cell::int(rank),
            Col::Sellers => Cell::int(self.value(&row.keys, Side::Own, 0).sellers),
            Col::Series(rel) => self.series_cell(row, rel),
            Col::TopRank | Col::InstitutionProvince => {
                Cell::text(row.texts.first().cloned().unwrap_or_default())
            }
            Col::TopName | Col::InstitutionName => {
                Cell::text(row.texts.get(1).cloned().unwrap_or_default())
            }
        }
    }

    fn series_cell(&self, row: &Row, rel: Rel) -> Cell {
        let Some((value, _)) = row.series else {
            return Cell::Empty;
        };
        let all = self.value(&Keys::All(false), Side::Own, rel);
        match value {
            SeriesValue::Count => Cell::int(all.count),
            SeriesValue::Amount => Cell::fixed2(all.fen.map(formula::amount_100m)),
            SeriesValue::Rd => Cell::fixed1(self.rd(rel).map(formula::amount_100m_1dp)),
            SeriesValue::RdRatio => Cell::fixed2(
                all.fen
                    .zip(self.rd(rel))
                    .and_then(|(f, rd)| formula::percent(f, rd)),
            ),
            SeriesValue::Average(category) => {
                let v = match category {
                    Some(i) => {
                        let codes = category::CATEGORY_ROWS.get(i).map_or(&[][..], |r| r.codes);
                        self.value(&Keys::Codes(Coded::Category, codes, false), Side::Own, rel)
                    }
                    None => all,
                };
                Cell::fixed2(
                    v.fen
                        .zip(v.count)
                        .and_then(|(f, c)| formula::average_10k(f, c)),
                )
            }
        }
    }

    fn rd(&self, rel: Rel) -> Option<i128> {
        self.history(rel).and_then(|h| h.rd_fen)
    }

    // -----------------------------------------------------------------------------------------
    // Self-check

    /// Every count and amount column of the table adds up: level-0 rows to the total, children
    /// to their subtotal (of_which rows are not added), per section.
    fn check(&self, rows: &[Row], problems: &mut Vec<String>) {
        let mut measures: Vec<(Side, Rel)> = Vec::new();
        for (_, col) in self.spec.columns {
            if let Col::Count(side, rel) | Col::Amount(side, rel) = normalise_col(*col)
                && !measures.contains(&(side, rel))
            {
                measures.push((side, rel));
            }
        }
        let sellers = self.spec.columns.iter().any(|(_, c)| *c == Col::Sellers);
        for (side, rel) in measures {
            let year = self.inputs.year + rel;
            // Each section (or the whole table) is checked alone.
            let mut start = 0;
            while start < rows.len() {
                let end = rows[start..]
                    .iter()
                    .position(|r| r.kind == Kind::Total)
                    .map_or(rows.len(), |p| start + p + 1);
                let part = &rows[start..end];
                start = end;
                let Some(total) = part.iter().find(|r| r.kind == Kind::Total) else {
                    continue;
                };
                let total_v = self.value(&total.keys, side, rel);
                let top: Vec<Val> = part
                    .iter()
                    .filter(|r| r.level == 0 && matches!(r.kind, Kind::Item | Kind::Subtotal))
                    .map(|r| self.value(&r.keys, side, rel))
                    .collect();
                let what = format!(
                    "{} {}（{year}年{}）",
                    self.spec.printed,
                    total.section,
                    side_name(side)
                );
                compare(&what, "合计", &top, total_v, sellers, problems);
                for (i, sub) in part.iter().enumerate() {
                    if sub.kind != Kind::Subtotal {
                        continue;
                    }
                    let children: Vec<Val> = part[i + 1..]
                        .iter()
                        .take_while(|r| r.level == 1)
                        .filter(|r| r.kind == Kind::Item && r.parent == sub.label)
                        .map(|r| self.value(&r.keys, side, rel))
                        .collect();
                    let sub_v = self.value(&sub.keys, side, rel);
                    compare(&what, &sub.label, &children, sub_v, sellers, problems);
                }
            }
        }
    }
}

/// Adds a problem when the known parts do not add up to the known whole.
fn compare(
    what: &str,
    whole: &str,
    parts: &[Val],
    total: Val,
    sellers: bool,
    problems: &mut Vec<String>,
) {
    let all_known = |f: fn(&Val) -> Option<i128>| parts.iter().map(f).sum::<Option<i128>>();
    let checks: [(&str, Option<i128>, Option<i128>); 3] = [
        (
            "合同数",
            all_known(|v| v.count.map(i128::from)),
            total.count.map(i128::from),
        ),
        ("成交额（分）", all_known(|v| v.fen), total.fen),
        (
            "机构数",
            if sellers {
                all_known(|v| v.sellers.map(i128::from))
            } else {
                None
            },
            if sellers {
                total.sellers.map(i128::from)
            } else {
                None
            },
        ),
    ];
    for (measure, sum, expected) in checks {
        if let (Some(sum), Some(expected)) = (sum, expected)
            && sum != expected
        {
            problems.push(format!(
                "{what}：各行{measure}之和 {sum} 与{whole} {expected} 不符"
            ));
        }
    }
}

/// 东部 + 中部 + 西部 cover the 31 provinces once, and with 港澳台 and 国外 give the national
/// figures on both trade bases.
fn check_groups(inputs: &Inputs<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    let belts: Vec<&str> = region::GROUPS[..3]
        .iter()
        .flat_map(|g| g.members.iter().copied())
        .collect();
    let mut sorted = belts.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let provinces: Vec<&str> = region::PROVINCES.iter().map(|p| p.code).collect();
    if sorted.len() != belts.len()
        || sorted != {
            let mut p = provinces.clone();
            p.sort_unstable();
            p
        }
    {
        problems.push("表4-1：东部、中部、西部地区未恰好覆盖 31 个省（区、市）各一次".to_owned());
    }
    if let Some(f) = inputs.figures.get(&inputs.year) {
        let mut codes = belts;
        codes.extend([region::HK_MO_TW.code, region::ABROAD.code]);
        for basis in [Basis::Output, Basis::Absorption] {
            let sum = f.region_sum(basis, &codes);
            if (sum.count, sum.fen) != (f.all.count, f.all.fen) {
                problems.push(format!(
                    "表4-1（{}）：三大地区与港澳台、国外之和（{} 项，{} 分）与全国（{} 项，{} 分）不符",
                    if basis == Basis::Output { "输出" } else { "吸纳" },
                    sum.count,
                    sum.fen,
                    f.all.count,
                    f.all.fen
                ));
            }
        }
    }
    problems
}

/// Rows of a catalogue layout.
fn layout_rows(
    dim: Coded,
    rows: &'static [ReportRow],
    major: bool,
    section: &'static str,
) -> Vec<Row> {
    rows.iter()
        .map(|r| {
            let kind = match r.kind {
                RowKind::Item => Kind::Item,
                RowKind::Subtotal => Kind::Subtotal,
            };
            let mut row = Row::new(r.label, kind, Keys::Codes(dim, r.codes, major));
            row.level = r.level;
            row.parent = r.parent_label.unwrap_or_default().to_owned();
            row.section = section;
            row
        })
        .collect()
}

fn same_codes(a: &[&str], b: &[&str]) -> bool {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// Position of a label in the tie order (labels not listed keep their place after it).
fn tie_position(ties: &[&str], label: &str) -> usize {
    ties.iter().position(|t| *t == label).unwrap_or(ties.len())
}

fn side_key(side: Side) -> u8 {
    match side {
        Side::Own => 0,
        Side::Output => 1,
        Side::Absorption => 2,
    }
}

fn rank_key(col: Col) -> (u8, Rel) {
    match col {
        Col::Rank(side, rel) => (side_key(side), rel),
        _ => (u8::MAX, 0),
    }
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Own => "",
        Side::Output => "，输出",
        Side::Absorption => "，吸纳",
    }
}

/// Count and amount columns are checked per (side, year); 机构数 with the year itself.
fn normalise_col(col: Col) -> Col {
    match col {
        Col::Sellers => Col::Count(Side::Own, 0),
        other => other,
    }
}
