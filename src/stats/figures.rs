//! A year's figures: every aggregate the tables read, filled in one pass over the year's facts.
//! Exact (counts and fen), keyed by catalogue and region codes, and serialisable: a closed
//! year's frozen snapshot is its `Figures`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::facts::{Basis, Coded, NONE, YearFacts};
use crate::catalog::nature;

/// 重大技术合同: 成交额 of at least 1000 万元 (domain.md §4.3), in fen.
pub const MAJOR_FEN: i64 = 1_000_000_000;
/// Sellers listed in 表5-3…5-5.
pub const TOP_SELLERS: usize = 20;

/// Contracts counted and their 成交额; `sellers` is the number of distinct sellers (filled for
/// seller natures only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agg {
    pub count: i64,
    pub fen: i128,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sellers: i64,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl Agg {
    fn add(&mut self, fen: i64) {
        self.count += 1;
        self.fen += i128::from(fen);
    }

    /// The sum of two aggregates.
    pub fn plus(self, other: Agg) -> Agg {
        Agg {
            count: self.count + other.count,
            fen: self.fen + other.fen,
            sellers: self.sellers + other.sellers,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// The seller groups of 表5-3, 5-4 and 5-5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SellerGroup {
    /// Every child of 附表11's 企业法人 row, 境外企业 included.
    Enterprise,
    /// 科研机构 (021).
    Research,
    /// 高等院校 (022).
    University,
}

impl SellerGroup {
    pub const ALL: [SellerGroup; 3] = [
        SellerGroup::Enterprise,
        SellerGroup::Research,
        SellerGroup::University,
    ];

    /// Whether a seller of nature `code` belongs to the group.
    pub fn admits(self, code: &str) -> bool {
        match self {
            SellerGroup::Enterprise => nature::REPORT_ROWS
                .iter()
                .find(|r| r.label == "企业法人")
                .is_some_and(|r| r.covers(code)),
            SellerGroup::Research => code == "021",
            SellerGroup::University => code == "022",
        }
    }
}

/// One seller of a top-20 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopSeller {
    pub name: String,
    pub count: i64,
    pub fen: i128,
}

/// Everything the tables need of one year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub year: i32,
    /// Every registered contract of the year (`sellers`: the distinct sellers).
    pub all: Agg,
    /// The 重大 ones.
    pub major: Agg,
    /// Per coded dimension, per catalogue code.
    pub coded: BTreeMap<Coded, BTreeMap<String, Agg>>,
    /// The same over the 重大 contracts.
    pub major_coded: BTreeMap<Coded, BTreeMap<String, Agg>>,
    /// Per basis, per statistical region code: provinces and buckets, and the 其中 cities (a
    /// city's contracts are in its province too).
    pub regions: BTreeMap<Basis, BTreeMap<String, Agg>>,
    /// 表5-3…5-5: the leading sellers of each group, by amount.
    pub top_sellers: BTreeMap<SellerGroup, Vec<TopSeller>>,
}

impl Figures {
    /// One pass over the facts, then the keyed view.
    pub fn compute(y: &YearFacts) -> Figures {
        let dims = Coded::ALL.len();
        let mut coded: Vec<Vec<Agg>> = (0..dims)
            .map(|d| vec![Agg::default(); y.codes[d].len()])
            .collect();
        let mut major_coded = coded.clone();
        let mut regions = vec![vec![Agg::default(); y.regions.len()]; Basis::ALL.len()];
        let mut per_seller = vec![Agg::default(); y.sellers.len()];
        let (mut all, mut major) = (Agg::default(), Agg::default());
        all.sellers = y.sellers.len() as i64;
        for f in &y.facts {
            all.add(f.total_fen);
            let is_major = f.total_fen >= MAJOR_FEN;
            if is_major {
                major.add(f.total_fen);
            }
            for d in 0..dims {
                let code = f.codes[d];
                if code != NONE {
                    coded[d][usize::from(code)].add(f.total_fen);
                    if is_major {
                        major_coded[d][usize::from(code)].add(f.total_fen);
                    }
                }
            }
            for (b, per_region) in regions.iter_mut().enumerate() {
                for r in [f.regions[b], f.cities[b]] {
                    if r != NONE {
                        per_region[usize::from(r)].add(f.total_fen);
                    }
                }
            }
            if let Some(s) = per_seller.get_mut(f.seller as usize) {
                s.add(f.total_fen);
            }
        }
        // Each seller is counted once, under the nature of its latest contract.
        let seller_nature = Coded::SellerNature as usize;
        for s in &y.sellers {
            if s.nature != NONE {
                coded[seller_nature][usize::from(s.nature)].sellers += 1;
            }
        }
        let keyed = |aggs: Vec<Vec<Agg>>| -> BTreeMap<Coded, BTreeMap<String, Agg>> {
            Coded::ALL
                .iter()
                .zip(aggs)
                .map(|(dim, aggs)| {
                    let by_code = aggs
                        .into_iter()
                        .enumerate()
                        .filter_map(|(i, a)| {
                            let code = y.codes[*dim as usize].code(i as u16)?;
                            Some((code.to_owned(), a))
                        })
                        .collect();
                    (*dim, by_code)
                })
                .collect()
        };
        let regions = Basis::ALL
            .iter()
            .zip(regions)
            .map(|(basis, aggs)| {
                let by_code = aggs
                    .into_iter()
                    .enumerate()
                    .filter(|(_, a)| !a.is_empty())
                    .filter_map(|(i, a)| Some((y.regions.code(i as u16)?.to_owned(), a)))
                    .collect();
                (*basis, by_code)
            })
            .collect();
        let top_sellers = SellerGroup::ALL
            .iter()
            .map(|g| (*g, top_of(y, &per_seller, *g)))
            .collect();
        Figures {
            year: y.year,
            all,
            major,
            coded: keyed(coded),
            major_coded: keyed(major_coded),
            regions,
            top_sellers,
        }
    }

    /// The contracts of dimension `dim` with any of `codes` (over the 重大 contracts when
    /// `major`).
    pub fn coded_sum(&self, dim: Coded, codes: &[&str], major: bool) -> Agg {
        let map = if major {
            &self.major_coded
        } else {
            &self.coded
        };
        let Some(by_code) = map.get(&dim) else {
            return Agg::default();
        };
        codes
            .iter()
            .filter_map(|c| by_code.get(*c))
            .fold(Agg::default(), |a, b| a.plus(*b))
    }

    /// The contracts of the regions `codes` on basis `basis`.
    pub fn region_sum(&self, basis: Basis, codes: &[&str]) -> Agg {
        let Some(by_code) = self.regions.get(&basis) else {
            return Agg::default();
        };
        codes
            .iter()
            .filter_map(|c| by_code.get(*c))
            .fold(Agg::default(), |a, b| a.plus(*b))
    }
}

/// The group's sellers by amount, descending; ties by name in code-point order.
fn top_of(y: &YearFacts, per_seller: &[Agg], group: SellerGroup) -> Vec<TopSeller> {
    let mut members: Vec<(usize, &Agg)> = per_seller
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            !a.is_empty()
                && y.code(Coded::SellerNature, y.sellers[*i].nature)
                    .is_some_and(|c| group.admits(c))
        })
        .collect();
    members.sort_by(|(i, a), (j, b)| {
        b.fen
            .cmp(&a.fen)
            .then_with(|| y.sellers[*i].name.cmp(&y.sellers[*j].name))
    });
    members
        .into_iter()
        .take(TOP_SELLERS)
        .map(|(i, a)| TopSeller {
            name: y.sellers[i].name.clone(),
            count: a.count,
            fen: a.fen,
        })
        .collect()
}
