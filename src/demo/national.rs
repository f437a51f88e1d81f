//! The national demo years (`techreg demo --year Y`): two registered years shaped like the
//! published report, as contract records for the import path, plus the offices they name and
//! the history rows of the earlier years. Pure: no I/O; the same size and year give the same
//! rows.
//!
//! How a year is made. Every attribute the tables count (category, IP type, field, objective,
//! plan, both natures, the registering office's region, both parties' regions) is a marginal of
//! the report: each is dealt out by exact quotas (largest remainder), then shuffled, with the
//! couplings the rules demand (a transfer subcategory fixes its IP type; a foreign party is a
//! 境外企业 or an organisation that can be abroad; the seller is registered in its own region
//! as far as the 登记 and 输出 figures allow; no contract has two foreign parties). Amounts
//! start heavy-tailed (a few 重大 contracts carry most of the money, as in 附表9) and are fitted
//! to every amount marginal at once by iterative proportional fitting, then rounded to whole
//! 元 and corrected so that the national total is exact to the fen.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};

use super::contracts::{self, Deal, Party, Rng, WORDS};
use super::shape::{self, Row};
use crate::catalog::authority::{self, AuthorityKind};
use crate::catalog::region::{self, Level, StatsRegion};
use crate::catalog::rows::ReportRow;
use crate::catalog::{category, ip, nature, objective, plan, tech_field};
use crate::domain::status::Status;
use crate::input::contracts::ContractRecord;

/// The year the embedded shape describes (the 2016 report's current year).
pub const SHAPE_YEAR: i32 = 2016;

/// Largest `--scale`: twice the published year, for benchmarks that want full-size earlier
/// years (the demo's years before 2016 shrink by 2016's growth).
pub const MAX_SCALE: f64 = 2.0;

/// Which years and how large.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// The later of the two generated years.
    pub year: i32,
    /// Size against the published one (1.0 = about 320,000 contracts in the shape year).
    pub scale: f64,
}

impl Size {
    /// Count and amount factors against the shape years: the scale, and for a year Y other than
    /// 2016 the 2016 growth (count and amount) compounded over Y − 2016 years.
    fn factors(&self) -> (f64, f64) {
        let (c15, f15) = (shape::NATIONAL[4].1 as f64, shape::NATIONAL[4].2 as f64);
        let (c16, f16) = (shape::NATIONAL[5].1 as f64, shape::NATIONAL[5].2 as f64);
        let shift = f64::from(self.year - SHAPE_YEAR);
        (
            self.scale * (c16 / c15).powf(shift),
            self.scale * (f16 / f15).powf(shift),
        )
    }

    /// The national count and amount (fen) of `year`, one of Y−1 and Y, or an earlier history
    /// year (Y−5 … Y−2, shaped as 2011–2014).
    pub fn national(&self, year: i32) -> Option<(i64, i64, i64)> {
        let shape_year = year - self.year + SHAPE_YEAR;
        let &(_, count, fen, rd) = shape::NATIONAL.iter().find(|n| n.0 == shape_year)?;
        let (cf, af) = self.factors();
        Some((
            (count as f64 * cf).round() as i64,
            (fen as f64 * af).round() as i64,
            (rd as f64 * af).round() as i64,
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Quotas

/// Largest-remainder apportionment of `n` over `weights` (ties to the earlier row).
pub fn apportion(weights: &[f64], n: usize) -> Vec<usize> {
    let total: f64 = weights.iter().map(|w| w.max(0.0)).sum();
    if total <= 0.0 || weights.is_empty() {
        let mut out = vec![0; weights.len()];
        if let Some(first) = out.first_mut() {
            *first = n;
        }
        return out;
    }
    let exact: Vec<f64> = weights
        .iter()
        .map(|w| w.max(0.0) / total * n as f64)
        .collect();
    let mut out: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let given: usize = out.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().take(n.saturating_sub(given)) {
        out[i] += 1;
    }
    out
}

/// `counts[i]` copies of each index `i`, shuffled.
fn dealt(rng: &mut Rng, counts: &[usize]) -> Vec<u16> {
    let mut out = Vec::with_capacity(counts.iter().sum());
    for (i, &c) in counts.iter().enumerate() {
        out.extend(std::iter::repeat_n(i as u16, c));
    }
    rng.shuffle(&mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Dimensions

/// The dimensions of a contract, in the order of [`Planned::attrs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum D {
    Category,
    Ip,
    Field,
    Objective,
    Plan,
    SellerNature,
    BuyerNature,
    Registration,
    Seller,
    Buyer,
}

const DIMS: usize = 10;

/// One row of a dimension: the codes a contract in it may take, and its targets.
#[derive(Debug, Clone)]
struct Cell {
    label: &'static str,
    codes: Vec<&'static str>,
    count: f64,
    fen: f64,
}

fn codes_of(layout: &[ReportRow], label: &str, parent: &str) -> Vec<&'static str> {
    layout
        .iter()
        .find(|r| r.label == label && r.parent_label.unwrap_or("") == parent)
        .map(|r| r.codes.to_vec())
        .unwrap_or_default()
}

/// The rows of a catalogue table for shape year index `y` (0 = 2015, 1 = 2016).
fn cells(rows: &[Row], layout: &[ReportRow], y: usize) -> Vec<Cell> {
    rows.iter()
        .map(|&(label, parent, count, fen)| Cell {
            label,
            codes: codes_of(layout, label, parent),
            count: count[y] as f64,
            fen: fen[y] as f64,
        })
        .collect()
}

fn nature_cells(rows: &[Row], y: usize) -> Vec<Cell> {
    let mut out = cells(rows, nature::REPORT_ROWS, y);
    for c in &mut out {
        c.codes
            .retain(|code| nature::get(code).is_some_and(|n| n.selectable));
    }
    out
}

/// Where a party or office is, as the regional tables see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Unit {
    /// 4-digit province code, or the 港澳台 / 国外 bucket code.
    pub province: &'static str,
    /// The 其中 city, or `None` for the rest of the province.
    pub city: Option<&'static str>,
}

impl Unit {
    fn foreign(&self) -> bool {
        matches!(self.province, "7100" | "8000")
    }

    /// A stable key for seeding the parties of this unit.
    fn key(&self) -> String {
        format!("{}-{}", self.province, self.city.unwrap_or("rest"))
    }
}

/// Regional rows split into units: each province less its listed cities, and each city.
fn units(rows: &[Row], y: usize) -> Vec<(Unit, Cell)> {
    let mut out: Vec<(Unit, Cell)> = Vec::new();
    for &(label, parent, count, fen) in rows {
        let Some(r) = region::stats_region_by_label(label) else {
            continue;
        };
        let cell = Cell {
            label,
            codes: Vec::new(),
            count: count[y] as f64,
            fen: fen[y] as f64,
        };
        if parent.is_empty() {
            out.push((
                Unit {
                    province: r.code,
                    city: None,
                },
                cell,
            ));
        } else if let Some(p) = region::stats_region_by_label(parent) {
            let unit = Unit {
                province: p.code,
                city: Some(r.code),
            };
            if let Some((_, rest)) = out
                .iter_mut()
                .find(|(u, _)| u.province == p.code && u.city.is_none())
            {
                rest.count = (rest.count - cell.count).max(0.0);
                // A province's rest keeps some money even where the printed rows round to it.
                rest.fen = (rest.fen - cell.fen).max(rest.count * 1e6);
            }
            out.push((unit, cell));
        }
    }
    out
}

/// Every dimension's rows for one shape year.
struct Dims {
    rows: [Vec<Cell>; DIMS],
    registration: Vec<Unit>,
    seller: Vec<Unit>,
    buyer: Vec<Unit>,
}

fn dims(y: usize) -> Dims {
    let split = |rows: &[Row]| -> (Vec<Unit>, Vec<Cell>) { units(rows, y).into_iter().unzip() };
    let (registration, reg_cells) = split(shape::REGISTRATION);
    let (seller, seller_cells) = split(shape::OUTPUT);
    let (buyer, buyer_cells) = split(shape::ABSORPTION);
    Dims {
        rows: [
            cells(shape::CATEGORIES, category::ANNEX4_ROWS, y),
            cells(shape::IP_TYPES, ip::ANNEX5_ROWS, y),
            cells(shape::TECH_FIELDS, tech_field::ANNEX6_ROWS, y),
            cells(shape::OBJECTIVES, objective::ANNEX7_ROWS, y),
            cells(shape::PLANS, plan::ANNEX8_ROWS, y),
            nature_cells(shape::SELLER_NATURES, y),
            nature_cells(shape::BUYER_NATURES, y),
            reg_cells,
            seller_cells,
            buyer_cells,
        ],
        registration,
        seller,
        buyer,
    }
}

// ---------------------------------------------------------------------------------------------
// Dealing the attributes

/// One planned contract: a row index per dimension and the amount.
#[derive(Debug, Clone)]
struct Planned {
    attrs: [u16; DIMS],
    fen: i64,
}

impl Planned {
    fn get(&self, d: D) -> usize {
        usize::from(self.attrs[d as usize])
    }
}

fn quotas(cells: &[Cell], n: usize) -> Vec<usize> {
    apportion(&cells.iter().map(|c| c.count).collect::<Vec<_>>(), n)
}

/// IP types after categories: a transfer subcategory fixes its type (patents: one of the three
/// kinds; 其他: any type but 未涉及), the rest take the remaining quotas.
fn deal_ip(rng: &mut Rng, cats: &[Cell], ips: &[Cell], plan: &mut [Planned]) {
    let mut left: Vec<i64> = quotas(ips, plan.len()).iter().map(|&q| q as i64).collect();
    let ip_row = |code: &str| ips.iter().position(|c| c.codes.contains(&code));
    let none = ip_row("99").unwrap_or(0);
    let mut free = Vec::new();
    for (i, p) in plan.iter_mut().enumerate() {
        let leaf = cats[p.get(D::Category)]
            .codes
            .first()
            .copied()
            .unwrap_or("");
        let rule = category::leaf(leaf).map(|l| l.ip_rule);
        let chosen = match rule {
            Some(category::IpRule::OneOf(codes)) => {
                // The kind with the most quota left among those allowed.
                codes
                    .iter()
                    .filter_map(|c| ip_row(c))
                    .max_by_key(|&r| (left[r], std::cmp::Reverse(r)))
            }
            _ => None,
        };
        match chosen {
            Some(r) => {
                left[r] -= 1;
                p.attrs[D::Ip as usize] = r as u16;
            }
            None => free.push(i),
        }
    }
    // 技术转让/其他 next: involved IP only.
    let (involved, rest): (Vec<usize>, Vec<usize>) = free.into_iter().partition(|&i| {
        let leaf = cats[plan[i].get(D::Category)].codes.first().copied();
        leaf.and_then(category::leaf)
            .is_some_and(|l| matches!(l.ip_rule, category::IpRule::AnyInvolved))
    });
    for i in involved {
        let r = (0..ips.len())
            .filter(|&r| r != none)
            .max_by_key(|&r| (left[r], std::cmp::Reverse(r)))
            .unwrap_or(0);
        left[r] -= 1;
        plan[i].attrs[D::Ip as usize] = r as u16;
    }
    let counts: Vec<usize> = left.iter().map(|&l| l.max(0) as usize).collect();
    let mut pool = dealt(rng, &counts);
    pool.resize(rest.len(), none as u16);
    for (i, r) in rest.into_iter().zip(pool) {
        plan[i].attrs[D::Ip as usize] = r;
    }
}

/// Of the contracts a unit could register from its own sellers, the share that it does; the
/// rest mix across the country. Without that slack a unit whose contracts all come from one
/// seller unit could never reach an amount above that seller unit's (新疆 of 2015 registers
/// 3.53 亿元 from sellers printed at 3.03 亿元), and the fit would stall.
const HOME_SHARE: f64 = 0.95;

/// Pairs of (registering unit, seller unit) meeting both marginals: most sellers registered in
/// their own unit, then elsewhere in their province, and the rest spread over every unit in
/// proportion to what each has left (the seller abroad among them: technology imports,
/// registered where the buyer is).
fn registration_pairs(
    reg: &[Unit],
    rq: &[usize],
    sel: &[Unit],
    sq: &[usize],
) -> Vec<(u16, u16, usize)> {
    let mut r_left = rq.to_vec();
    let mut s_left = sq.to_vec();
    let mut pairs: BTreeMap<(u16, u16), usize> = BTreeMap::new();
    let mut take = |i: usize, j: usize, n: usize, r_left: &mut [usize], s_left: &mut [usize]| {
        if n > 0 {
            r_left[i] -= n;
            s_left[j] -= n;
            *pairs.entry((i as u16, j as u16)).or_default() += n;
        }
    };
    let home = |r: usize, s: usize| (r.min(s) as f64 * HOME_SHARE) as usize;
    for same_unit in [true, false] {
        for (i, ru) in reg.iter().enumerate() {
            for (j, su) in sel.iter().enumerate() {
                if (ru == su) == same_unit && ru.province == su.province {
                    let n = home(r_left[i], s_left[j]);
                    take(i, j, n, &mut r_left, &mut s_left);
                }
            }
        }
    }
    // The rest: each seller unit's leftovers at evenly spaced places of one sequence, cut into
    // the registering units' leftovers in turn.
    let mut spread: Vec<(f64, u16)> = s_left
        .iter()
        .enumerate()
        .flat_map(|(j, &n)| (0..n).map(move |k| ((k as f64 + 0.5) / n as f64, j as u16)))
        .collect();
    spread.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut next = spread.into_iter().map(|(_, j)| usize::from(j));
    for i in 0..reg.len() {
        for _ in 0..r_left[i] {
            if let Some(j) = next.next() {
                take(i, j, 1, &mut r_left, &mut s_left);
            }
        }
    }
    pairs.into_iter().map(|((i, j), n)| (i, j, n)).collect()
}

/// Natures for parties of which some are abroad: 境外企业 goes abroad first, then natures an
/// organisation abroad can have; 自然人 and the domestic kinds stay at home.
fn deal_natures(rng: &mut Rng, cells: &[Cell], foreign: &[bool]) -> Vec<u16> {
    let q = quotas(cells, foreign.len());
    let class = |c: &Cell| {
        if c.codes == ["500"] {
            0
        } else if c
            .codes
            .iter()
            .any(|code| matches!(*code, "021" | "022" | "700"))
        {
            1
        } else {
            2
        }
    };
    let mut by_class: [Vec<u16>; 3] = Default::default();
    for (i, c) in cells.iter().enumerate() {
        by_class[class(c)].extend(std::iter::repeat_n(i as u16, q[i]));
    }
    for v in &mut by_class {
        rng.shuffle(v);
    }
    let [abroad, either, home] = by_class;
    let mut order: Vec<u16> = abroad.into_iter().chain(either).chain(home).collect();
    let n_foreign = foreign.iter().filter(|&&f| f).count().min(order.len());
    let mut rest = order.split_off(n_foreign);
    rng.shuffle(&mut rest);
    let (mut f_iter, mut d_iter) = (order.into_iter(), rest.into_iter());
    foreign
        .iter()
        .map(|&f| {
            if f {
                f_iter.next().unwrap_or(0)
            } else {
                d_iter.next().unwrap_or(0)
            }
        })
        .collect()
}

/// The attributes of `n` contracts for shape year `y`.
fn deal(rng: &mut Rng, dims: &Dims, n: usize) -> Vec<Planned> {
    let mut plan = vec![
        Planned {
            attrs: [0; DIMS],
            fen: 0
        };
        n
    ];
    for d in [D::Category, D::Field, D::Objective, D::Plan] {
        let v = dealt(rng, &quotas(&dims.rows[d as usize], n));
        for (p, a) in plan.iter_mut().zip(v) {
            p.attrs[d as usize] = a;
        }
    }
    deal_ip(
        rng,
        &dims.rows[D::Category as usize],
        &dims.rows[D::Ip as usize],
        &mut plan,
    );

    let rq = quotas(&dims.rows[D::Registration as usize], n);
    let sq = quotas(&dims.rows[D::Seller as usize], n);
    let mut pairs: Vec<(u16, u16)> = registration_pairs(&dims.registration, &rq, &dims.seller, &sq)
        .into_iter()
        .flat_map(|(r, s, k)| std::iter::repeat_n((r, s), k))
        .collect();
    rng.shuffle(&mut pairs);
    for (p, (r, s)) in plan.iter_mut().zip(pairs) {
        p.attrs[D::Registration as usize] = r;
        p.attrs[D::Seller as usize] = s;
    }
    let buyers = dealt(rng, &quotas(&dims.rows[D::Buyer as usize], n));
    for (p, b) in plan.iter_mut().zip(buyers) {
        p.attrs[D::Buyer as usize] = b;
    }
    let seller_abroad: Vec<bool> = plan
        .iter()
        .map(|p| dims.seller[p.get(D::Seller)].foreign())
        .collect();
    let buyer_abroad: Vec<bool> = plan
        .iter()
        .map(|p| dims.buyer[p.get(D::Buyer)].foreign())
        .collect();
    let sn = deal_natures(rng, &dims.rows[D::SellerNature as usize], &seller_abroad);
    let bn = deal_natures(rng, &dims.rows[D::BuyerNature as usize], &buyer_abroad);
    for (p, (s, b)) in plan.iter_mut().zip(sn.into_iter().zip(bn)) {
        p.attrs[D::SellerNature as usize] = s;
        p.attrs[D::BuyerNature as usize] = b;
    }
    // A technology import needs a buyer at home: swap the buyer with a domestic contract's.
    let both_abroad: Vec<usize> = (0..n)
        .filter(|&i| seller_abroad[i] && buyer_abroad[i])
        .collect();
    for i in both_abroad {
        for _ in 0..10_000 {
            let j = rng.below(n as u64) as usize;
            let bj = dims.buyer[plan[j].get(D::Buyer)].foreign();
            let sj = dims.seller[plan[j].get(D::Seller)].foreign();
            if !bj && !sj {
                for d in [D::Buyer as usize, D::BuyerNature as usize] {
                    let (a, b) = (plan[i].attrs[d], plan[j].attrs[d]);
                    plan[i].attrs[d] = b;
                    plan[j].attrs[d] = a;
                }
                break;
            }
        }
    }
    plan
}

// ---------------------------------------------------------------------------------------------
// Amounts

/// Smallest and largest generated 成交额 (fen): above the import's small-amount warning, well
/// below its 1,000 亿元 limit.
const MIN_FEN: i64 = 200_000;
const MAX_FEN: i64 = 3_000_000_000_000;

/// Fits the amounts to every dimension's amount targets (scaled to `total`), then rounds them
/// to whole 元 (hundreds of 元 from a million up) and puts the rounding difference on the
/// largest contract, so that they add up to `total` fen exactly.
fn fit_amounts(rng: &mut Rng, dims: &Dims, plan: &mut [Planned], total: i64) {
    // Heavy tail: log-normal with σ ≈ 2.5, so some 3 % of the contracts carry three quarters
    // of the money, as the 重大 contracts of 附表9 do.
    let mut amount: Vec<f64> = plan
        .iter()
        .map(|_| (2.5 * rng.normal().clamp(-2.5, 4.0)).exp())
        .collect();
    let targets: Vec<Vec<f64>> = dims
        .rows
        .iter()
        .map(|cells| {
            let sum: f64 = cells.iter().map(|c| c.fen).sum();
            cells
                .iter()
                .map(|c| c.fen / sum.max(1.0) * total as f64)
                .collect()
        })
        .collect();
    for _round in 0..1000 {
        let mut worst: f64 = 0.0;
        let mut worst_at = (0, 0);
        for (d, target) in targets.iter().enumerate() {
            let mut sums = vec![0.0; target.len()];
            for (p, a) in plan.iter().zip(&amount) {
                sums[usize::from(p.attrs[d])] += a;
            }
            let factor: Vec<f64> = sums
                .iter()
                .zip(target)
                .map(|(&s, &t)| if s > 0.0 { t / s } else { 1.0 })
                .collect();
            for (i, f) in factor.iter().enumerate() {
                if *f > 0.0 && (f - 1.0).abs() > worst {
                    worst = (f - 1.0).abs();
                    worst_at = (d, i);
                }
            }
            for (p, a) in plan.iter().zip(amount.iter_mut()) {
                *a *= factor[usize::from(p.attrs[d])];
            }
        }
        if std::env::var_os("TECHREG_DEMO_DEBUG").is_some() && _round % 50 == 0 {
            let (d, i) = worst_at;
            eprintln!(
                "ipf round {_round}: worst factor {worst} (dimension {d}, {})",
                dims.rows[d][i].label
            );
        }
        if worst < 1e-7 {
            break;
        }
    }
    for (p, a) in plan.iter_mut().zip(&amount) {
        let fen = a.round().clamp(MIN_FEN as f64, MAX_FEN as f64) as i64;
        let step = if fen >= 100_000_000 { 10_000 } else { 100 };
        p.fen = ((fen + step / 2) / step * step).max(MIN_FEN);
    }
    let sum: i64 = plan.iter().map(|p| p.fen).sum();
    if let Some(largest) = plan.iter_mut().max_by_key(|p| p.fen) {
        largest.fen += total - sum;
    }
}

// ---------------------------------------------------------------------------------------------
// Offices

/// A registration office of the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOffice {
    pub code: String,
    pub name: String,
    pub authority_code: &'static str,
}

/// The short place name of a division ("广州市" → "广州", "市辖区" → its province's).
fn place(code: &str) -> String {
    let d = region::prefecture_of(code)
        .filter(|d| !d.name.contains("辖"))
        .or_else(|| region::province_of(code));
    d.map(|d| {
        let n = d.name;
        for suffix in [
            "壮族自治区",
            "回族自治区",
            "维吾尔自治区",
            "自治区",
            "省",
            "市",
        ] {
            if let Some(s) = n.strip_suffix(suffix) {
                return s.to_owned();
            }
        }
        n.to_owned()
    })
    .unwrap_or_default()
}

fn prefectures_of(province: &str) -> Vec<&'static str> {
    region::all()
        .filter(|d| {
            d.level == Level::Prefecture
                && d.code.starts_with(&province[..2])
                && !d.name.contains("辖")
        })
        .map(|d| d.code)
        .collect()
}

/// Offices of every province-level authority: the authority's own centre (two in the
/// municipalities and 计划单列市), one office in each of a province's first prefectures (not in
/// a 计划单列市, which registers for itself), and two for the 兵团.
pub fn offices() -> Vec<DemoOffice> {
    let mut out = Vec::new();
    for a in authority::AUTHORITIES {
        let pp = &a.code[..4];
        match a.kind {
            AuthorityKind::Province => {
                let short = place(a.code);
                out.push(DemoOffice {
                    code: format!("{}0001", &pp[..2]),
                    name: format!("{short}技术市场管理办公室登记中心"),
                    authority_code: a.code,
                });
                let prefectures: Vec<&str> = prefectures_of(a.code)
                    .into_iter()
                    .filter(|p| {
                        authority::find(p).is_none_or(|x| x.kind != AuthorityKind::PlanCity)
                    })
                    .take(4)
                    .collect();
                if prefectures.is_empty() {
                    out.push(DemoOffice {
                        code: format!("{}0002", &pp[..2]),
                        name: format!("{short}技术合同登记第二分中心"),
                        authority_code: a.code,
                    });
                }
                for p in prefectures {
                    out.push(DemoOffice {
                        code: format!("{}01", &p[..4]),
                        name: format!("{}市技术合同登记处", place(p)),
                        authority_code: a.code,
                    });
                }
            }
            AuthorityKind::PlanCity => {
                for (nn, name) in [("01", "技术合同登记处"), ("02", "高新区技术合同登记站")]
                {
                    out.push(DemoOffice {
                        code: format!("{pp}{nn}"),
                        name: format!("{}市{name}", place(a.code)),
                        authority_code: a.code,
                    });
                }
            }
            AuthorityKind::Corps => {
                for (nn, name) in [("01", "技术合同登记处"), ("02", "第八师技术合同登记站")]
                {
                    out.push(DemoOffice {
                        code: format!("6600{nn}"),
                        name: format!("新疆生产建设兵团{name}"),
                        authority_code: a.code,
                    });
                }
            }
        }
    }
    out
}

/// Which office registers a contract of registering unit `unit` whose seller is at `admin`.
struct OfficeChooser {
    /// Per (unit): the general offices (the authority's own centre) and the local ones by
    /// prefecture.
    by_unit: HashMap<Unit, (Vec<String>, HashMap<String, String>)>,
}

impl OfficeChooser {
    fn new(offices: &[DemoOffice]) -> Self {
        let mut by_unit: HashMap<Unit, (Vec<String>, HashMap<String, String>)> = HashMap::new();
        for o in offices {
            let province = if o.code.starts_with("66") {
                "6500"
            } else {
                &o.code[..2]
            };
            let Some(p) = region::PROVINCES
                .iter()
                .find(|p| p.code.starts_with(&province[..2]))
            else {
                continue;
            };
            let city = region::CITIES
                .iter()
                .find(|c| {
                    c.code == &o.code[..4]
                        && c.kind == region::StatsKind::City(region::CityKind::PlanSeparate)
                })
                .map(|c| c.code);
            let unit = Unit {
                province: p.code,
                city,
            };
            let entry = by_unit.entry(unit).or_default();
            if &o.code[2..4] == "00" || city.is_some() || o.code.starts_with("66") {
                entry.0.push(o.code.clone());
            } else {
                entry
                    .1
                    .insert(format!("{}00", &o.code[..4]), o.code.clone());
            }
        }
        OfficeChooser { by_unit }
    }

    fn choose(&self, rng: &mut Rng, unit: &Unit, seller_admin: &str) -> Option<String> {
        let (general, local) = self.by_unit.get(unit)?;
        let prefecture = seller_admin.get(..4).map(|p| format!("{p}00"));
        if let Some(code) = prefecture.and_then(|p| local.get(&p))
            && rng.below(10) < 8
        {
            return Some(code.clone());
        }
        let all: Vec<&String> = general.iter().chain(local.values()).collect();
        if all.is_empty() {
            return None;
        }
        Some(all[rng.below(all.len() as u64) as usize].clone())
    }
}

// ---------------------------------------------------------------------------------------------
// Parties

/// FNV-1a, to seed a party's generator from its key (the same party in both years).
fn seed_of(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

const MORE_WORDS: &[&str] = &[
    "华", "创", "科", "达", "联", "新", "源", "德", "盛", "通", "瑞", "安", "博", "中", "恒", "金",
    "天", "宏", "远", "嘉",
];

/// Buyers' trade words, disjoint from the sellers' [`WORDS`], so a buyer never bears a seller's
/// name.
const TRADES: &[&str] = &[
    "机械", "化工", "建设", "电力", "水务", "制药", "食品", "纺织", "汽车", "钢铁", "物流", "通信",
    "交通", "矿业", "港务", "燃气", "热力", "环境", "农牧", "建材",
];

const ABROAD_COUNTRIES: &[(&str, u64)] = &[
    ("502", 30),
    ("116", 18),
    ("304", 14),
    ("133", 8),
    ("303", 6),
    ("305", 6),
    ("132", 5),
    ("331", 4),
    ("309", 3),
    ("501", 2),
    ("307", 2),
    ("330", 1),
    ("601", 1),
];

const LATIN: &[&str] = &[
    "Nova", "Apex", "Vertex", "Orion", "Helix", "Quanta", "Atlas", "Lumen", "Terra", "Polaris",
    "Vector", "Zenith", "Aurora", "Cobalt", "Nimbus", "Sigma", "Titan", "Vega", "Argon", "Boreal",
];

/// The USCC department and category for a nature, and the name ending.
fn kind_of(nature: &str, rng: &mut Rng) -> (&'static str, &'static str) {
    match nature {
        "011" | "012" | "013" | "014" => ("11", "科技创新服务中心"),
        "021" => ("12", *rng.pick(&["研究院", "研究所", "技术研究中心"])),
        "022" => ("12", *rng.pick(&["大学", "理工学院", "职业技术学院"])),
        "023" => ("12", *rng.pick(&["医院", "疾病预防控制中心"])),
        "024" => ("12", "技术推广中心"),
        "030" => ("51", *rng.pick(&["学会", "协会", "产业技术创新联盟"])),
        "400" => ("92", "技术服务部"),
        "700" => ("52", "技术转移中心"),
        code if code.starts_with('2') => ("91", "科技（港澳台合资）有限公司"),
        code if code.starts_with('3') => ("91", "科技（中国）有限公司"),
        "160" => ("91", "技术股份有限公司"),
        "110" => ("91", "集团有限公司"),
        _ => (
            "91",
            *rng.pick(&["科技有限公司", "技术有限公司", "信息技术有限公司"]),
        ),
    }
}

/// The natures a report row's parties take, weighted (most enterprises are 有限责任公司).
fn nature_weights(codes: &[&'static str]) -> Vec<(&'static str, u64)> {
    codes
        .iter()
        .map(|&c| {
            let w = match c {
                "150" => 55,
                "160" => 15,
                "170" => 12,
                "110" => 8,
                _ => 2,
            };
            (c, w)
        })
        .collect()
}

/// Party `idx` of the pool of (side, unit, nature row): the same key gives the same party.
fn party(side: &str, unit: &Unit, cell: &Cell, idx: usize, counties: &[&'static str]) -> Party {
    let key = format!("{side}/{}/{}/{idx}", unit.key(), cell.label);
    let mut rng = Rng(seed_of(&key));
    let nature = *rng.weighted(&nature_weights(&cell.codes));
    let first_words = if side == "buyer" { TRADES } else { WORDS };
    let words = |idx: usize| {
        // Mixed radix, each digit shifted by the lower ones: distinct names, varied at once.
        let (d0, d1, d2) = (
            idx % first_words.len(),
            (idx / first_words.len()) % MORE_WORDS.len(),
            (idx / first_words.len() / MORE_WORDS.len()) % MORE_WORDS.len(),
        );
        let a = first_words[d0];
        let b = MORE_WORDS[(d1 + 7 * d0 + 3) % MORE_WORDS.len()];
        let c = MORE_WORDS[(d2 + 3 * d1 + 11 * d0 + 5) % MORE_WORDS.len()];
        let serial = idx / (first_words.len() * MORE_WORDS.len() * MORE_WORDS.len());
        let tail = if serial > 0 {
            format!("第{serial}")
        } else {
            String::new()
        };
        format!("{b}{c}{a}{tail}")
    };
    if unit.foreign() {
        let (country, name) = if unit.province == "7100" {
            let country = *rng.weighted(&[("110", 6), ("143", 3), ("121", 1)]);
            let place = match country {
                "110" => "香港",
                "143" => "台湾",
                _ => "澳门",
            };
            (country, format!("{place}{}科技有限公司", words(idx)))
        } else {
            let country = *rng.weighted(ABROAD_COUNTRIES);
            let a = LATIN[idx % LATIN.len()];
            let b = LATIN[(idx / LATIN.len() + 7) % LATIN.len()];
            let n = idx / (LATIN.len() * LATIN.len());
            let what = match nature {
                "021" => "Research Institute",
                "022" => "University",
                "700" => "Technology Transfer Foundation",
                _ => "Technologies Inc.",
            };
            let tail = if n > 0 {
                format!(" {}", n + 1)
            } else {
                String::new()
            };
            (country, format!("{a} {b}{tail} {what}"))
        };
        return Party {
            name,
            country,
            admin: String::new(),
            code: String::new(),
            nature,
        };
    }
    let admin = counties
        .get(rng.below(counties.len() as u64) as usize)
        .copied()
        .unwrap_or("110101");
    if nature == nature::NATURAL_PERSON {
        let mut p = contracts::person(&mut rng, admin);
        let given = if side == "buyer" { TRADES } else { MORE_WORDS };
        let extra: String = given[idx % given.len()].chars().take(1).collect();
        p.name = format!("{}{extra}", p.name);
        return p;
    }
    let (prefix, ending) = kind_of(nature, &mut rng);
    let name = format!("{}{}{ending}", place(admin), words(idx));
    let org = format!(
        "{:08}",
        10_000_000 + seed_of(&format!("{key}/org")) % 89_999_990
    );
    Party {
        name,
        country: "142",
        admin: admin.to_owned(),
        code: contracts::uscc_of(prefix, admin, &org),
        nature,
    }
}

/// The county-level codes of a unit: a city's counties, or a province's outside its listed
/// cities.
fn counties_of(unit: &Unit, cities: &[&StatsRegion]) -> Vec<&'static str> {
    if unit.foreign() {
        return Vec::new();
    }
    let prefix = unit.city.unwrap_or(&unit.province[..2]);
    let all: Vec<&'static str> = region::all()
        .filter(|d| {
            d.level == Level::County
                && d.code.starts_with(prefix)
                && !d.code.ends_with("00")
                && !(d.code.ends_with("01")
                    && region::get(d.code).is_some_and(|x| x.name == "市辖区"))
        })
        .map(|d| d.code)
        .collect();
    let outside: Vec<&'static str> = all
        .iter()
        .copied()
        .filter(|c| unit.city.is_some() || !cities.iter().any(|x| c.starts_with(x.code)))
        .collect();
    if outside.is_empty() { all } else { outside }
}

/// How many parties a pool of `contracts` holds: 表5-2's contracts per seller for sellers,
/// two contracts per buyer.
fn pool_size(contracts: usize, per_party: f64) -> usize {
    ((contracts as f64 / per_party).ceil() as usize).max(1)
}

// ---------------------------------------------------------------------------------------------
// Records

/// One generated year: its contract records (registration order), ready for the import.
pub struct Year {
    pub year: i32,
    pub records: Vec<ContractRecord>,
    pub total_fen: i64,
}

/// The contracts of `year` (Y−1 or Y of `size`), through today's date `today` at the latest.
pub fn year(size: &Size, year: i32, today: NaiveDate) -> Year {
    let y = if year == size.year { 1 } else { 0 };
    let (n, total, _) = size.national(year).unwrap_or((0, 0, 0));
    let n = n.max(0) as usize;
    let mut rng = Rng(0x5EED_0000 + year as u64);
    let dims = dims(y);
    let mut plan = deal(&mut rng, &dims, n);
    fit_amounts(&mut rng, &dims, &mut plan, total);

    let offices = offices();
    let chooser = OfficeChooser::new(&offices);
    let cities: Vec<&StatsRegion> = region::CITIES.iter().collect();
    let mut counties: HashMap<Unit, Vec<&'static str>> = HashMap::new();
    for u in dims.seller.iter().chain(&dims.buyer) {
        counties
            .entry(*u)
            .or_insert_with(|| counties_of(u, &cities));
    }
    // Pools per (unit, nature row), sized from the contracts they hold.
    let mut cell_counts: HashMap<(bool, usize, usize), usize> = HashMap::new();
    for p in &plan {
        *cell_counts
            .entry((true, p.get(D::Seller), p.get(D::SellerNature)))
            .or_default() += 1;
        *cell_counts
            .entry((false, p.get(D::Buyer), p.get(D::BuyerNature)))
            .or_default() += 1;
    }
    let per_seller: Vec<f64> = shape::SELLER_NATURES
        .iter()
        .map(|r| {
            let sellers = shape::SELLERS
                .iter()
                .find(|s| s.0 == r.0 && s.1 == r.1)
                .map_or(1, |s| s.2[1]);
            r.2[1] as f64 / sellers.max(1) as f64
        })
        .collect();

    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let last = NaiveDate::from_ymd_opt(year, 12, 31)
        .unwrap_or(today)
        .min(today);
    let span = (last - first).num_days().max(0) as u64 + 1;
    struct Drafted {
        office: String,
        on: NaiveDate,
        record: ContractRecord,
    }
    let mut drafted: Vec<Drafted> = Vec::with_capacity(n);
    let mut parties: HashMap<(bool, usize, usize, usize), Party> = HashMap::new();
    for (i, p) in plan.iter().enumerate() {
        let mut get_party = |seller: bool, rng: &mut Rng| {
            let (u, nr) = if seller {
                (p.get(D::Seller), p.get(D::SellerNature))
            } else {
                (p.get(D::Buyer), p.get(D::BuyerNature))
            };
            let pool = pool_size(
                cell_counts.get(&(seller, u, nr)).copied().unwrap_or(1),
                if seller {
                    per_seller.get(nr).copied().unwrap_or(5.0)
                } else {
                    2.0
                },
            );
            // Skewed: a few parties make many contracts, so the top-20 tables mean something.
            let idx = ((rng.unit().powi(2)) * pool as f64) as usize;
            let unit = if seller {
                dims.seller[u]
            } else {
                dims.buyer[u]
            };
            let cell = &dims.rows[if seller {
                D::SellerNature
            } else {
                D::BuyerNature
            } as usize][nr];
            parties
                .entry((seller, u, nr, idx))
                .or_insert_with(|| {
                    let side = if seller { "seller" } else { "buyer" };
                    party(
                        side,
                        &unit,
                        cell,
                        idx,
                        counties.get(&unit).map_or(&[][..], |v| v),
                    )
                })
                .clone()
        };
        let seller = get_party(true, &mut rng);
        let buyer = get_party(false, &mut rng);
        let reg_unit = dims.registration[p.get(D::Registration)];
        let local_admin = if seller.country == "142" {
            &seller.admin
        } else {
            &buyer.admin
        };
        let Some(office) = chooser.choose(&mut rng, &reg_unit, local_admin) else {
            continue;
        };
        let on = first + Duration::days(rng.below(span) as i64);
        let signed = on - Duration::days(rng.below(90) as i64);
        let valid_to = on + Duration::days(60 + rng.below(1000) as i64);
        let code = |d: D| -> &'static str {
            let cell = &dims.rows[d as usize][p.get(d)];
            cell.codes.first().copied().unwrap_or("")
        };
        let ip_cell = &dims.rows[D::Ip as usize][p.get(D::Ip)];
        let ip = ip_cell.codes[rng.below(ip_cell.codes.len() as u64) as usize];
        let plan_cell = &dims.rows[D::Plan as usize][p.get(D::Plan)];
        let plan_code = plan_cell.codes[rng.below(plan_cell.codes.len() as u64) as usize];
        let total_fen = p.fen.max(1) as u64;
        let technical_fen = if rng.below(4) == 0 {
            total_fen / 100 * (70 + rng.below(30))
        } else {
            total_fen
        };
        let input = contracts::deal_input(
            &mut rng,
            &Deal {
                index: i,
                year,
                category: code(D::Category),
                ip,
                tech_field: code(D::Field),
                objective: code(D::Objective),
                plan: plan_code,
                total_fen,
                technical_fen,
                signed,
                valid_to,
                seller: &seller,
                buyer: &buyer,
            },
        );
        drafted.push(Drafted {
            office: office.clone(),
            on,
            record: ContractRecord {
                row: 0,
                registration_number: String::new(),
                status: Status::Registered.as_str().to_owned(),
                office_code: office,
                registered_on: on.to_string(),
                input,
            },
        });
    }
    // Registration numbers run per office in date order.
    drafted.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.office.cmp(&b.office)));
    let mut serials: HashMap<String, u32> = HashMap::new();
    let records: Vec<ContractRecord> = drafted
        .into_iter()
        .enumerate()
        .map(|(k, mut d)| {
            let s = serials.entry(d.office.clone()).or_default();
            *s += 1;
            d.record.row = k + 2;
            d.record.registration_number = format!("{year}{}{:06}", d.office, s);
            d.record
        })
        .collect();
    Year {
        year,
        records,
        total_fen: total,
    }
}

/// The history CSV (interchange §3): national count and amount for Y−5 … Y−2 (shaped as
/// 2011–2014), R&D expenditure for all six years; per-category cells empty, as the report prints
/// none. Years in `with_contracts` carry R&D only.
pub fn history_csv(size: &Size, with_contracts: &[i32]) -> String {
    use crate::domain::money::Money;
    let mut out = crate::history::columns().collect::<Vec<_>>().join(",");
    out.push('\n');
    let categories = 8;
    for year in size.year - 5..=size.year {
        let Some((count, fen, rd)) = size.national(year) else {
            continue;
        };
        let counted = year >= size.year - 1 || with_contracts.contains(&year);
        let yi = |fen: i64| Money::from_fen(fen).yi_yuan_exact();
        let (c, a) = if counted {
            (String::new(), String::new())
        } else {
            (count.to_string(), yi(fen))
        };
        out.push_str(&format!(
            "{year},{c},{a},{}{}\n",
            yi(rd),
            ",".repeat(categories)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact_and_fair() {
        assert_eq!(apportion(&[1.0, 1.0, 1.0], 10), vec![4, 3, 3]);
        assert_eq!(apportion(&[0.5, 0.25, 0.25], 4), vec![2, 1, 1]);
        assert_eq!(apportion(&[0.0, 0.0], 3), vec![3, 0]);
        assert_eq!(apportion(&[2.0, 0.0, 1.0], 0), vec![0, 0, 0]);
        let q = apportion(&[137532.0, 11050.0, 25.0], 1486);
        assert_eq!(q.iter().sum::<usize>(), 1486);
    }

    #[test]
    fn every_shape_row_maps_to_catalogue_codes() {
        for y in [0, 1] {
            let d = dims(y);
            for (k, rows) in d.rows.iter().enumerate().take(7) {
                for c in rows {
                    assert!(!c.codes.is_empty(), "dimension {k}: {}", c.label);
                }
            }
            // 31 provinces and the 5 计划单列市; 31 + 15 cities + 港澳台 + 国外.
            assert_eq!(d.registration.len(), 36);
            assert_eq!(d.seller.len(), 48);
            assert_eq!(d.buyer.len(), 48);
        }
    }

    #[test]
    fn registration_pairs_meet_both_marginals() {
        let d = dims(1);
        let rq = quotas(&d.rows[D::Registration as usize], 320_437);
        let sq = quotas(&d.rows[D::Seller as usize], 320_437);
        let pairs = registration_pairs(&d.registration, &rq, &d.seller, &sq);
        let mut r = vec![0; rq.len()];
        let mut s = vec![0; sq.len()];
        let mut same_province = 0;
        let mut r_away = vec![0; rq.len()];
        let mut s_away = vec![0; sq.len()];
        for (i, j, n) in pairs {
            let (i, j) = (usize::from(i), usize::from(j));
            r[i] += n;
            s[j] += n;
            if d.registration[i].province == d.seller[j].province {
                same_province += n;
            }
            if d.registration[i] != d.seller[j] {
                r_away[i] += n;
                s_away[j] += n;
            }
        }
        assert_eq!(r, rq);
        assert_eq!(s, sq);
        // Most sellers register at home, but no unit only at home: each registers some
        // contracts of other units' sellers and each unit's sellers register some elsewhere.
        assert!(same_province > 300_000, "{same_province}");
        for (q, away) in [(&rq, &r_away), (&sq, &s_away)] {
            for (n, a) in q.iter().zip(away.iter()) {
                if *n >= 100 {
                    assert!(*a * 50 >= *n, "{a} of {n}");
                }
            }
        }
    }

    #[test]
    fn offices_cover_every_authority_and_parse() {
        let offices = offices();
        for a in authority::AUTHORITIES {
            assert!(
                offices
                    .iter()
                    .filter(|o| o.authority_code == a.code)
                    .count()
                    >= 2,
                "{}",
                a.name
            );
        }
        for o in &offices {
            let code = crate::domain::office_code::OfficeCode::parse(&o.code).expect("code");
            let a = authority::find(o.authority_code).expect("authority");
            assert!(code.fits_authority(a), "{} under {}", o.code, a.name);
        }
        let mut codes: Vec<&str> = offices.iter().map(|o| o.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), offices.len());
    }

    #[test]
    fn a_small_year_hits_the_national_figures_exactly() {
        let size = Size {
            year: 2016,
            scale: 0.01,
        };
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        for year in [2015, 2016] {
            let y = super::year(&size, year, today);
            let (n, total, _) = size.national(year).expect("national");
            assert_eq!(y.records.len() as i64, n);
            let fen: i64 = y
                .records
                .iter()
                .map(|r| {
                    crate::domain::money::Money::parse_yuan(&r.input.total_amount_yuan)
                        .expect("amount")
                        .fen()
                })
                .sum();
            assert_eq!(fen, total);
        }
    }

    #[test]
    fn history_rows_leave_counted_years_to_their_contracts() {
        let size = Size {
            year: 2016,
            scale: 1.0,
        };
        let csv = history_csv(&size, &[]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 7);
        assert_eq!(lines[1], "2011,256428,4763.56,8687,,,,,,,,");
        assert_eq!(lines[5], "2015,,,14169.9,,,,,,,,");
        assert_eq!(lines[6], "2016,,,15676.7,,,,,,,,");
    }
}
