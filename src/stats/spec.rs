//! Every table of the annual report, declared as data: where its rows come from, in which
//! order, and what each column measures. `render` turns a spec and a year's figures into the
//! table; adding a table is adding a spec here.

use super::facts::{Basis, Coded};
use super::figures::SellerGroup;
use crate::catalog::region::CityKind;
use crate::catalog::rows::ReportRow;
use crate::catalog::{category, ip, nature, objective, plan, tech_field};

/// A year relative to the report's year: 0 is the year itself, -1 the year before.
pub type Rel = i32;

/// Which figures of a row a column reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The table's own dimension (its basis, for region tables).
    Own,
    /// 输出: by the seller's region.
    Output,
    /// 吸纳: by the buyer's region.
    Absorption,
}

/// What a column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Label,
    Parent,
    Level,
    RowType,
    /// 附表9's section.
    Section,
    /// The unit of a year-series row.
    Unit,
    /// Remarks about the printed report's own misprints: always empty here.
    Note,
    Count(Side, Rel),
    /// 成交额 in 亿元, 2 decimals.
    Amount(Side, Rel),
    CountGrowth(Side, Rel),
    AmountGrowth(Side, Rel),
    /// Share of the amount in the table's denominator (see [`Rows`]).
    Share(Side, Rel),
    Rank(Side, Rel),
    /// Distinct sellers (表5-2's 机构数).
    Sellers,
    /// A year-series value for year Y + rel.
    Series(Rel),
    /// Rank and name of a top-20 list.
    TopRank,
    TopName,
    /// 附表15's columns.
    InstitutionProvince,
    InstitutionName,
}

/// How the rows of a region table are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// As listed.
    Fixed,
    /// By the year's amount on `side`, descending; rows with no contracts there last; ties in
    /// `ties` order (the labels as the 2016 report printed them). Ranks follow the same rule.
    ByAmount {
        side: Side,
        ties: &'static [&'static str],
    },
}

/// The 其中 city rows a province table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cities {
    None,
    PlanSeparate,
    All,
}

/// Which regions a region table lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionSet {
    /// The 31 provinces (each followed by its 其中 cities), then 港澳台 and 国外 if `buckets`.
    Provinces { cities: Cities, buckets: bool },
    /// The cities of one kind (表3-3, 3-4).
    Cities(CityKind),
    /// The six regional groups of 表4-1.
    Groups,
    /// The provinces of group `n` of `catalog::region::GROUPS` (表4-2…4-7).
    Members(usize),
}

/// A row of a year series (附表1, 附表2, 表1-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesRow {
    pub label: &'static str,
    pub unit: &'static str,
    pub total: bool,
    pub value: SeriesValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesValue {
    Count,
    Amount,
    /// 全社会R&D经费 (history only), 1 decimal.
    Rd,
    /// 成交额 / R&D × 100.
    RdRatio,
    /// Average per contract in 万元 of the category at `CATEGORY_ROWS[n]`, or of all.
    Average(Option<usize>),
}

/// Where a table's rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// A catalogue layout over a coded dimension, closed by 合计; shares of the national
    /// amount (or of the 重大 total when `major`).
    Layout {
        dim: Coded,
        rows: &'static [ReportRow],
        major: bool,
    },
    /// 附表9: sections over the 重大 contracts, each closed by its own 合计 and with shares of
    /// the section's total.
    Sections(&'static [(&'static str, Coded, &'static [ReportRow])]),
    /// Statistical regions on `basis` (for [`Side::Own`]); shares of the national amount.
    Regions {
        set: RegionSet,
        basis: Basis,
        order: Order,
    },
    /// Years Y−5 … Y.
    Series(&'static [SeriesRow]),
    /// 表5-3…5-5.
    Top(SellerGroup),
    /// 附表15, as imported.
    Institutions,
}

/// One table: ids, the printed title (`{y}`, `{y-1}` … `{y-5}` stand for the years) and its
/// columns as (header, content); the header takes the same year placeholders.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    pub id: &'static str,
    pub printed: &'static str,
    pub title: &'static str,
    pub rows: Rows,
    pub columns: &'static [(&'static str, Col)],
}

const HEAD: [(&str, Col); 4] = [
    ("row_label", Col::Label),
    ("parent_label", Col::Parent),
    ("level", Col::Level),
    ("row_type", Col::RowType),
];

/// `HEAD` followed by `rest`, as a constant array.
macro_rules! with_head {
    ($($rest:expr),* $(,)?) => {
        &[HEAD[0], HEAD[1], HEAD[2], HEAD[3], $($rest),*]
    };
}

use Col::*;
use Side::{Absorption as In, Output as Out, Own};

const COMPOSITION: &[(&str, Col)] = with_head![
    ("count_{y}", Count(Own, 0)),
    ("count_growth_pct", CountGrowth(Own, 0)),
    ("amount_{y}_100m_yuan", Amount(Own, 0)),
    ("amount_growth_pct", AmountGrowth(Own, 0)),
    ("share_pct", Share(Own, 0)),
];

const ANNEX_REGIONS: &[(&str, Col)] = with_head![
    ("count_{y-1}", Count(Own, -1)),
    ("count_{y}", Count(Own, 0)),
    ("count_growth_pct", CountGrowth(Own, 0)),
    ("amount_{y-1}_100m_yuan", Amount(Own, -1)),
    ("amount_{y}_100m_yuan", Amount(Own, 0)),
    ("amount_growth_pct", AmountGrowth(Own, 0)),
    ("note", Note),
];

const TRADE: &[(&str, Col)] = with_head![
    ("out_count", Count(Out, 0)),
    ("out_amount_100m_yuan", Amount(Out, 0)),
    ("out_rank", Rank(Out, 0)),
    ("in_count", Count(In, 0)),
    ("in_amount_100m_yuan", Amount(In, 0)),
    ("in_rank", Rank(In, 0)),
];

const GROUP_MEMBERS: &[(&str, Col)] = with_head![
    ("out_count", Count(Out, 0)),
    ("out_amount_100m_yuan", Amount(Out, 0)),
    ("out_growth_pct", AmountGrowth(Out, 0)),
    ("out_rank", Rank(Out, 0)),
    ("in_count", Count(In, 0)),
    ("in_amount_100m_yuan", Amount(In, 0)),
    ("in_growth_pct", AmountGrowth(In, 0)),
    ("in_rank", Rank(In, 0)),
];

const GROUP_MEMBERS_NOTE: &[(&str, Col)] = with_head![
    ("out_count", Count(Out, 0)),
    ("out_amount_100m_yuan", Amount(Out, 0)),
    ("out_growth_pct", AmountGrowth(Out, 0)),
    ("out_rank", Rank(Out, 0)),
    ("in_count", Count(In, 0)),
    ("in_amount_100m_yuan", Amount(In, 0)),
    ("in_growth_pct", AmountGrowth(In, 0)),
    ("in_rank", Rank(In, 0)),
    ("note", Note),
];

const SIX_YEARS: &[(&str, Col)] = with_head![
    ("unit", Unit),
    ("value_{y-5}", Series(-5)),
    ("value_{y-4}", Series(-4)),
    ("value_{y-3}", Series(-3)),
    ("value_{y-2}", Series(-2)),
    ("value_{y-1}", Series(-1)),
    ("value_{y}", Series(0)),
];

const TOP: &[(&str, Col)] = &[("rank", TopRank), ("name", TopName)];

/// The printed order of 表3-1 (by the 2016 registration amount), for ties.
const T3_1_ORDER: &[&str] = &[
    "北京",
    "湖北",
    "上海",
    "陕西",
    "广东",
    "江苏",
    "天津",
    "山东",
    "辽宁",
    "四川",
    "重庆",
    "安徽",
    "浙江",
    "甘肃",
    "黑龙江",
    "吉林",
    "福建",
    "湖南",
    "江西",
    "河北",
    "河南",
    "云南",
    "青海",
    "山西",
    "广西",
    "贵州",
    "内蒙古",
    "宁夏",
    "新疆",
    "海南",
    "西藏",
];
/// The printed order of 表3-2 (by the 2016 输出 amount), for ties.
const T3_2_ORDER: &[&str] = &[
    "北京",
    "湖北",
    "陕西",
    "上海",
    "广东",
    "江苏",
    "天津",
    "山东",
    "辽宁",
    "四川",
    "安徽",
    "浙江",
    "甘肃",
    "重庆",
    "黑龙江",
    "吉林",
    "湖南",
    "江西",
    "河北",
    "河南",
    "云南",
    "青海",
    "福建",
    "山西",
    "广西",
    "贵州",
    "内蒙古",
    "新疆",
    "宁夏",
    "海南",
    "西藏",
];
const T3_3_ORDER: &[&str] = &["深圳", "青岛", "大连", "厦门", "宁波"];
const T3_4_ORDER: &[&str] = &[
    "西安",
    "武汉",
    "广州",
    "成都",
    "南京",
    "沈阳",
    "长春",
    "哈尔滨",
    "杭州",
    "济南",
];
/// Group members are listed in printed order already (`catalog::region::GROUPS`).
const MEMBER_ORDER: &[&str] = &[];

/// Every table the data allows, in the report's order.
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        id: "T1-1",
        printed: "表1-1",
        title: "{y-5}—{y}年技术合同成交额与R&D经费的比较",
        rows: Rows::Series(&[
            SeriesRow {
                label: "全社会R&D经费/亿元",
                unit: "亿元",
                total: false,
                value: SeriesValue::Rd,
            },
            SeriesRow {
                label: "技术合同成交额/亿元",
                unit: "亿元",
                total: false,
                value: SeriesValue::Amount,
            },
            SeriesRow {
                label: "技术合同成交额/R&D经费(%)",
                unit: "%",
                total: false,
                value: SeriesValue::RdRatio,
            },
        ]),
        columns: SIX_YEARS,
    },
    TableSpec {
        id: "A01",
        printed: "附表1",
        title: "{y-5}－{y}年全国技术合同成交情况",
        rows: Rows::Series(&[
            SeriesRow {
                label: "合同数/项",
                unit: "项",
                total: false,
                value: SeriesValue::Count,
            },
            SeriesRow {
                label: "成交总额/亿元",
                unit: "亿元",
                total: false,
                value: SeriesValue::Amount,
            },
        ]),
        columns: SIX_YEARS,
    },
    TableSpec {
        id: "A02",
        printed: "附表2",
        title: "{y-5}－{y}年各类技术合同平均每份成交额",
        rows: Rows::Series(&[
            SeriesRow {
                label: "技术开发/万元",
                unit: "万元",
                total: false,
                value: SeriesValue::Average(Some(0)),
            },
            SeriesRow {
                label: "技术转让/万元",
                unit: "万元",
                total: false,
                value: SeriesValue::Average(Some(1)),
            },
            SeriesRow {
                label: "技术咨询/万元",
                unit: "万元",
                total: false,
                value: SeriesValue::Average(Some(2)),
            },
            SeriesRow {
                label: "技术服务/万元",
                unit: "万元",
                total: false,
                value: SeriesValue::Average(Some(3)),
            },
            SeriesRow {
                label: "单项合同平均成交额/万元",
                unit: "万元",
                total: true,
                value: SeriesValue::Average(None),
            },
        ]),
        columns: with_head![
            ("unit", Unit),
            ("avg_{y-5}_10k_yuan", Series(-5)),
            ("avg_{y-4}_10k_yuan", Series(-4)),
            ("avg_{y-3}_10k_yuan", Series(-3)),
            ("avg_{y-2}_10k_yuan", Series(-2)),
            ("avg_{y-1}_10k_yuan", Series(-1)),
            ("avg_{y}_10k_yuan", Series(0)),
            ("note", Note),
        ],
    },
    TableSpec {
        id: "A03",
        printed: "附表3",
        title: "{y-1}－{y}年合同类型构成",
        rows: Rows::Layout {
            dim: Coded::Category,
            rows: category::CATEGORY_ROWS,
            major: false,
        },
        columns: with_head![
            ("count_{y-1}", Count(Own, -1)),
            ("amount_{y-1}_100m_yuan", Amount(Own, -1)),
            ("amount_growth_{y-1}_pct", AmountGrowth(Own, -1)),
            ("share_{y-1}_pct", Share(Own, -1)),
            ("count_{y}", Count(Own, 0)),
            ("amount_{y}_100m_yuan", Amount(Own, 0)),
            ("amount_growth_{y}_pct", AmountGrowth(Own, 0)),
            ("share_{y}_pct", Share(Own, 0)),
            ("note", Note),
        ],
    },
    TableSpec {
        id: "A04",
        printed: "附表4",
        title: "{y}年各类技术合同构成",
        rows: Rows::Layout {
            dim: Coded::Category,
            rows: category::ANNEX4_ROWS,
            major: false,
        },
        columns: COMPOSITION,
    },
    TableSpec {
        id: "A05",
        printed: "附表5",
        title: "{y}年全国技术合同知识产权构成",
        rows: Rows::Layout {
            dim: Coded::Ip,
            rows: ip::ANNEX5_ROWS,
            major: false,
        },
        columns: COMPOSITION,
    },
    TableSpec {
        id: "A06",
        printed: "附表6",
        title: "{y}年全国技术合同技术领域构成",
        rows: Rows::Layout {
            dim: Coded::TechField,
            rows: tech_field::ANNEX6_ROWS,
            major: false,
        },
        columns: COMPOSITION,
    },
    TableSpec {
        id: "A07",
        printed: "附表7",
        title: "{y}年全国技术合同社会－经济目标构成",
        rows: Rows::Layout {
            dim: Coded::Objective,
            rows: objective::ANNEX7_ROWS,
            major: false,
        },
        columns: COMPOSITION,
    },
    TableSpec {
        id: "A08",
        printed: "附表8",
        title: "{y}年全国技术合同计划项目构成",
        rows: Rows::Layout {
            dim: Coded::Plan,
            rows: plan::ANNEX8_ROWS,
            major: false,
        },
        columns: with_head![
            ("count_{y}", Count(Own, 0)),
            ("amount_{y}_100m_yuan", Amount(Own, 0)),
            ("share_pct", Share(Own, 0)),
        ],
    },
    TableSpec {
        id: "A09",
        printed: "附表9",
        title: "{y}年重大技术合同构成",
        rows: Rows::Sections(&[
            ("合同类别", Coded::Category, category::CATEGORY_ROWS),
            ("技术领域", Coded::TechField, tech_field::ANNEX9_ROWS),
            ("知识产权", Coded::Ip, ip::ANNEX9_ROWS),
        ]),
        columns: &[
            ("section", Section),
            ("row_label", Label),
            ("row_type", RowType),
            ("count_{y}", Count(Own, 0)),
            ("amount_{y}_100m_yuan", Amount(Own, 0)),
            ("share_pct", Share(Own, 0)),
        ],
    },
    TableSpec {
        id: "A11",
        printed: "附表11",
        title: "{y}年各类卖方机构成交情况",
        rows: Rows::Layout {
            dim: Coded::SellerNature,
            rows: nature::REPORT_ROWS,
            major: false,
        },
        columns: COMPOSITION,
    },
    TableSpec {
        id: "A12",
        printed: "附表12",
        title: "{y}年各类买方机构成交情况",
        rows: Rows::Layout {
            dim: Coded::BuyerNature,
            rows: nature::REPORT_ROWS,
            major: false,
        },
        columns: COMPOSITION,
    },
    TableSpec {
        id: "A13",
        printed: "附表13",
        title: "{y-1}—{y}年全国输出技术成交情况",
        rows: Rows::Regions {
            set: RegionSet::Provinces {
                cities: Cities::All,
                buckets: true,
            },
            basis: Basis::Output,
            order: Order::Fixed,
        },
        columns: ANNEX_REGIONS,
    },
    TableSpec {
        id: "A14",
        printed: "附表14",
        title: "{y-1}－{y}年全国吸纳技术成交情况",
        rows: Rows::Regions {
            set: RegionSet::Provinces {
                cities: Cities::All,
                buckets: true,
            },
            basis: Basis::Absorption,
            order: Order::Fixed,
        },
        columns: ANNEX_REGIONS,
    },
    TableSpec {
        id: "A15",
        printed: "附表15",
        title: "国家技术转移示范机构名单",
        rows: Rows::Institutions,
        columns: &[
            ("province", InstitutionProvince),
            ("institution_name", InstitutionName),
        ],
    },
    TableSpec {
        id: "T3-1",
        printed: "表3-1",
        title: "{y-1}—{y}年全国技术合同认定登记情况",
        rows: Rows::Regions {
            set: RegionSet::Provinces {
                cities: Cities::PlanSeparate,
                buckets: false,
            },
            basis: Basis::Registration,
            order: Order::ByAmount {
                side: Own,
                ties: T3_1_ORDER,
            },
        },
        columns: with_head![
            ("count_{y-1}", Count(Own, -1)),
            ("amount_{y-1}_100m_yuan", Amount(Own, -1)),
            ("rank_{y-1}", Rank(Own, -1)),
            ("count_{y}", Count(Own, 0)),
            ("amount_{y}_100m_yuan", Amount(Own, 0)),
            ("rank_{y}", Rank(Own, 0)),
            ("note", Note),
        ],
    },
    TableSpec {
        id: "T3-2",
        printed: "表3-2",
        title: "{y}年全国技术合同交易情况",
        rows: Rows::Regions {
            set: RegionSet::Provinces {
                cities: Cities::None,
                buckets: true,
            },
            basis: Basis::Output,
            order: Order::ByAmount {
                side: Out,
                ties: T3_2_ORDER,
            },
        },
        columns: TRADE,
    },
    TableSpec {
        id: "T3-3",
        printed: "表3-3",
        title: "{y}年计划单列市技术合同成交情况",
        rows: Rows::Regions {
            set: RegionSet::Cities(CityKind::PlanSeparate),
            basis: Basis::Output,
            order: Order::ByAmount {
                side: Out,
                ties: T3_3_ORDER,
            },
        },
        columns: TRADE,
    },
    TableSpec {
        id: "T3-4",
        printed: "表3-4",
        title: "{y}年副省级城市技术合同成交情况",
        rows: Rows::Regions {
            set: RegionSet::Cities(CityKind::SubProvincial),
            basis: Basis::Output,
            order: Order::ByAmount {
                side: Out,
                ties: T3_4_ORDER,
            },
        },
        columns: TRADE,
    },
    TableSpec {
        id: "T4-1",
        printed: "表4-1",
        title: "{y}年区域技术合同交易情况",
        rows: Rows::Regions {
            set: RegionSet::Groups,
            basis: Basis::Output,
            order: Order::Fixed,
        },
        columns: with_head![
            ("out_count", Count(Out, 0)),
            ("out_amount_100m_yuan", Amount(Out, 0)),
            ("out_growth_pct", AmountGrowth(Out, 0)),
            ("out_share_pct", Share(Out, 0)),
            ("in_count", Count(In, 0)),
            ("in_amount_100m_yuan", Amount(In, 0)),
            ("in_growth_pct", AmountGrowth(In, 0)),
            ("in_share_pct", Share(In, 0)),
            ("note", Note),
        ],
    },
    member_table(
        "T4-2",
        "表4-2",
        "{y}年东部地区技术交易情况",
        0,
        GROUP_MEMBERS_NOTE,
    ),
    member_table(
        "T4-3",
        "表4-3",
        "{y}年中部地区技术交易情况",
        1,
        GROUP_MEMBERS,
    ),
    member_table(
        "T4-4",
        "表4-4",
        "{y}年西部地区技术交易情况",
        2,
        GROUP_MEMBERS_NOTE,
    ),
    member_table(
        "T4-5",
        "表4-5",
        "{y}年京津冀地区技术交易情况",
        3,
        GROUP_MEMBERS,
    ),
    member_table(
        "T4-6",
        "表4-6",
        "{y}年长江经济带地区技术交易情况",
        4,
        GROUP_MEMBERS,
    ),
    member_table(
        "T4-7",
        "表4-7",
        "{y}年东北地区技术交易情况",
        5,
        GROUP_MEMBERS,
    ),
    TableSpec {
        id: "T5-2",
        printed: "表5-2",
        title: "{y}年各类技术交易机构构成及交易情况",
        rows: Rows::Layout {
            dim: Coded::SellerNature,
            rows: nature::REPORT_ROWS,
            major: false,
        },
        columns: with_head![
            ("institution_count", Sellers),
            ("count_{y}", Count(Own, 0)),
            ("amount_{y}_100m_yuan", Amount(Own, 0)),
        ],
    },
    TableSpec {
        id: "T5-3",
        printed: "表5-3",
        title: "{y}年企业输出技术成交额前20名",
        rows: Rows::Top(SellerGroup::Enterprise),
        columns: TOP,
    },
    TableSpec {
        id: "T5-4",
        printed: "表5-4",
        title: "{y}年科研机构输出技术成交额前20名",
        rows: Rows::Top(SellerGroup::Research),
        columns: TOP,
    },
    TableSpec {
        id: "T5-5",
        printed: "表5-5",
        title: "{y}年高等院校输出技术成交额前20名",
        rows: Rows::Top(SellerGroup::University),
        columns: TOP,
    },
];

const fn member_table(
    id: &'static str,
    printed: &'static str,
    title: &'static str,
    group: usize,
    columns: &'static [(&'static str, Col)],
) -> TableSpec {
    TableSpec {
        id,
        printed,
        title,
        rows: Rows::Regions {
            set: RegionSet::Members(group),
            basis: Basis::Output,
            order: Order::ByAmount {
                side: Out,
                ties: MEMBER_ORDER,
            },
        },
        columns,
    }
}

/// The spec of table `id` (`A04`, `T3-1`).
pub fn table(id: &str) -> Option<&'static TableSpec> {
    TABLES.iter().find(|t| t.id == id)
}

/// `template` with `{y}` and `{y-N}` replaced by the years of a report for `year`.
pub fn with_years(template: &str, year: i32) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{y") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let Some(end) = tail.find('}') else {
            out.push_str(tail);
            return out;
        };
        let offset: i32 = tail[2..end].parse().unwrap_or(0);
        out.push_str(&(year + offset).to_string());
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every coded layout of every table counts each code its list lets a contract carry
    /// exactly once, so a table's rows add up to its 合计 whatever the year holds.
    #[test]
    fn every_coded_layout_partitions_its_code_list() {
        use crate::catalog::rows::check_partition;
        let mut checked = 0;
        for table in TABLES {
            let layouts: Vec<(Coded, &[ReportRow])> = match table.rows {
                Rows::Layout { dim, rows, .. } => vec![(dim, rows)],
                Rows::Sections(sections) => sections.iter().map(|(_, d, r)| (*d, *r)).collect(),
                _ => vec![],
            };
            for (dim, rows) in layouts {
                assert_eq!(
                    check_partition(rows, dim.list()),
                    Ok(()),
                    "{} {dim:?}",
                    table.id
                );
                checked += 1;
            }
        }
        assert!(checked >= 12, "{checked} layouts");
    }

    #[test]
    fn years_in_templates() {
        assert_eq!(with_years("count_{y}", 2016), "count_2016");
        assert_eq!(
            with_years("amount_{y-1}_100m_yuan", 2016),
            "amount_2015_100m_yuan"
        );
        assert_eq!(with_years("{y-5}－{y}年", 2026), "2021－2026年");
        assert_eq!(with_years("share_pct", 2016), "share_pct");
    }

    #[test]
    fn ids_are_unique_and_complete() {
        let mut ids: Vec<&str> = TABLES.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert_eq!(n, 30, "表1-1, 附表1–9, 11–15, 表3-1…3-4, 4-1…4-7, 5-2…5-5");
    }
}
