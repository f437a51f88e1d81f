//! Synthetic contracts for demos and benchmarks, written as the contracts CSV (interchange §1)
//! so they enter through the same import path as a real batch. Deterministic for a seed.
//! The mix of categories, amounts and parties is shaped like the published 2016 figures.

use chrono::{Datelike, Duration, NaiveDate};

use crate::catalog::region::{self, Level};
use crate::domain::contract::ContractInput;
use crate::domain::status::Status;
use crate::domain::{id_card, uscc};
use crate::export::{contracts_csv, csv_line};

/// A small deterministic generator (SplitMix64): no dependency, same rows for the same seed.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Fisher–Yates, deterministic for the seed.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks by integer weights.
    pub(crate) fn weighted<'a, T>(&mut self, items: &'a [(T, u64)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total);
        for (item, w) in items {
            if r < *w {
                return item;
            }
            r -= w;
        }
        &items[items.len() - 1].0
    }
}

/// Leaf categories weighted roughly as 2016's counts (附表4).
const CATEGORIES: &[(&str, u64)] = &[
    ("11", 137),
    ("12", 11),
    ("21", 2),
    ("22", 1),
    ("23", 2),
    ("24", 4),
    ("25", 2),
    ("26", 1),
    ("27", 1),
    ("28", 1),
    ("29", 1),
    ("20", 1),
    ("30", 24),
    ("41", 132),
    ("42", 2),
    ("43", 1),
];

pub(crate) const WORDS: &[&str] = &[
    "智能",
    "新材料",
    "生物",
    "电子",
    "能源",
    "精密",
    "信息",
    "环保",
    "医药",
    "海洋",
    "航空",
    "储能",
    "光电",
    "软件",
    "数控",
    "农业",
    "轨道",
    "半导体",
    "水处理",
    "检测",
];

/// (name suffix, nature code, USCC department+category)
const KINDS: &[((&str, &str, &str), u64)] = &[
    (("科技有限公司", "150", "91"), 60),
    (("技术股份有限公司", "160", "91"), 15),
    (("研究院", "021", "12"), 12),
    (("大学", "022", "12"), 8),
    (("集团有限公司", "110", "91"), 5),
];

const FOREIGN: &[(&str, &str)] = &[
    ("502", "Acme Research Inc."),
    ("304", "Technik GmbH"),
    ("116", "株式会社未来技研"),
    ("110", "香港创新科技有限公司"),
];

/// One party of the generated pool.
#[derive(Clone)]
pub(crate) struct Party {
    pub(crate) name: String,
    pub(crate) country: &'static str,
    pub(crate) admin: String,
    pub(crate) code: String,
    pub(crate) nature: &'static str,
}

pub(crate) fn county_codes(prefix: &str) -> Vec<&'static str> {
    region::all()
        .filter(|d| {
            d.level == Level::County && d.code.starts_with(prefix) && !d.code.ends_with("00")
        })
        .map(|d| d.code)
        .collect()
}

fn organisation(rng: &mut Rng, admin: &str, serial: u64) -> Party {
    let (suffix, nature, prefix) = *rng.weighted(KINDS);
    let place = region::prefecture_of(admin)
        .or_else(|| region::province_of(admin))
        .map(|d| {
            d.name
                .trim_end_matches("市辖区")
                .trim_end_matches('市')
                .to_owned()
        })
        .unwrap_or_default();
    let name = format!("{place}{}{suffix}{serial:04}", rng.pick(WORDS));
    let org = format!("{:08}", 10_000_000 + rng.below(89_999_999));
    Party {
        name,
        country: "142",
        admin: admin.to_owned(),
        code: uscc_of(prefix, admin, &org),
        nature,
    }
}

/// A USCC with valid check characters: department and category, admin code, the 8 characters
/// of the 组织机构代码 with its GB 11714 check character, then the USCC check character.
pub(crate) fn uscc_of(prefix: &str, admin: &str, org: &str) -> String {
    let org_check = uscc::org_check_char(org).unwrap_or('0');
    let body = format!("{prefix}{admin}{org}{org_check}");
    let check = uscc::check_char(&body).unwrap_or('0');
    format!("{body}{check}")
}

pub(crate) fn person(rng: &mut Rng, admin: &str) -> Party {
    let birth = NaiveDate::from_ymd_opt(
        1960 + rng.below(40) as i32,
        1 + rng.below(12) as u32,
        1 + rng.below(28) as u32,
    )
    .unwrap_or_default();
    let body = format!("{admin}{}{:03}", birth.format("%Y%m%d"), rng.below(999));
    let check = id_card::check_char(&body).unwrap_or('0');
    let surname = rng.pick(&["王", "李", "张", "刘", "陈", "杨", "赵", "黄"]);
    Party {
        name: format!(
            "{surname}{}",
            rng.pick(&["明", "华", "强", "芳", "伟", "静"])
        ),
        country: "142",
        admin: admin.to_owned(),
        code: format!("{body}{check}"),
        nature: "600",
    }
}

/// The demo offices: (office code, territory prefix of its sellers).
pub const OFFICES: &[(&str, &str)] = &[
    ("110101", "1101"),
    ("320101", "3201"),
    ("440101", "4401"),
    ("440301", "4403"),
];

/// Who registers a generated batch, and how much of it still waits for review.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    /// Each registering office with the GB/T 2260 prefix of the territory its sellers are in.
    pub offices: &'a [(&'a str, &'a str)],
    /// Percent of the rows that are `submitted` filings of the last weeks; the others are the
    /// registered history of the year, numbered per office.
    pub submitted_percent: usize,
}

/// `n` contracts of the demo offices for `year`: in the current year one in five waits for
/// review, earlier years are all registered. Interchange CSV text; `today` bounds every date.
pub fn csv(n: usize, year: i32, today: NaiveDate, seed: u64) -> String {
    let batch = Batch {
        offices: OFFICES,
        submitted_percent: if year == today.year() { 20 } else { 0 },
    };
    csv_for(&batch, n, year, today, seed)
}

/// `n` contracts of `batch`'s offices (see [`Batch`]), as interchange CSV text.
pub fn csv_for(batch: &Batch<'_>, n: usize, year: i32, today: NaiveDate, seed: u64) -> String {
    let offices = batch.offices;
    let mut rng = Rng(seed);
    let buyers_regions: Vec<&str> = region::all()
        .filter(|d| {
            d.level == Level::County
                && !d.code.ends_with("00")
                && !matches!(&d.code[..2], "71" | "81" | "82")
        })
        .map(|d| d.code)
        .collect();
    let mut buyer_pool: Vec<Party> = (0..(n / 4).clamp(20, 20_000))
        .map(|i| {
            let admin = *rng.pick(&buyers_regions);
            organisation(&mut rng, admin, i as u64)
        })
        .collect();
    buyer_pool.extend((0..5).map(|_| {
        let admin = *rng.pick(&buyers_regions);
        person(&mut rng, admin)
    }));
    let sellers_per_office = (n / (3 * offices.len().max(1))).clamp(10, 8_000);
    let seller_pools: Vec<Vec<Party>> = offices
        .iter()
        .enumerate()
        .map(|(o, (_, prefix))| {
            let counties = county_codes(prefix);
            (0..sellers_per_office)
                .map(|i| {
                    let admin = *rng.pick(&counties);
                    if i % 97 == 96 {
                        person(&mut rng, admin)
                    } else {
                        organisation(&mut rng, admin, (o * 10_000 + i) as u64)
                    }
                })
                .collect()
        })
        .collect();

    let mut out = contracts_csv::header_line();
    let mut serials = vec![0u32; offices.len()];
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31)
        .unwrap_or(today)
        .min(today);
    let span = (year_end - year_start).num_days().max(1) as u64;
    for i in 0..n {
        let o = rng.below(offices.len() as u64) as usize;
        let (office, prefix) = offices[o];
        // The filings that wait for review, spread evenly: signed recently, still in force.
        let submitted = (i + 1) * batch.submitted_percent / 100 > i * batch.submitted_percent / 100;
        let registered_on = if submitted {
            today
        } else {
            year_start + Duration::days(rng.below(span) as i64)
        };
        let signed = registered_on - Duration::days(rng.below(60) as i64);
        let valid_to = if submitted {
            today + Duration::days(200 + rng.below(700) as i64)
        } else {
            registered_on + Duration::days(30 + rng.below(1000) as i64)
        };
        let category = *rng.weighted(CATEGORIES);
        let import = rng.below(100) == 0;
        let mut seller = rng.pick(&seller_pools[o]).clone();
        let mut buyer = rng.pick(&buyer_pool).clone();
        if import {
            // Technology import: a foreign seller, registered by the domestic buyer's office.
            let (country, name) = *rng.pick(FOREIGN);
            seller = Party {
                name: name.to_owned(),
                country,
                admin: String::new(),
                code: String::new(),
                nature: "500",
            };
            let counties = county_codes(prefix);
            let admin = *rng.pick(&counties);
            buyer = organisation(&mut rng, admin, 90_000 + i as u64);
        } else if rng.below(40) == 0 {
            let (country, name) = *rng.pick(FOREIGN);
            buyer = Party {
                name: name.to_owned(),
                country,
                admin: String::new(),
                code: String::new(),
                nature: "500",
            };
        }
        let ip = match category {
            "21" | "22" | "23" => *rng.pick(&["021", "022", "023"]),
            "24" | "20" => "01",
            "25" => "03",
            "26" => "05",
            "27" => "04",
            "28" => "06",
            "29" => "07",
            _ => *rng.weighted(&[("99", 55), ("01", 25), ("03", 12), ("021", 5), ("022", 3)]),
        };
        // Amounts spread over four orders of magnitude, like the national distribution.
        let magnitude = rng.weighted(&[(4u32, 30), (5, 40), (6, 22), (7, 7), (8, 1)]);
        let total_fen = (10u64.pow(*magnitude) + rng.below(9 * 10u64.pow(*magnitude))) * 100;
        let technical_fen = if rng.below(4) == 0 {
            total_fen * (70 + rng.below(30)) / 100
        } else {
            total_fen
        };
        let planned = rng.below(8) == 0;
        let plan = if planned {
            *rng.pick(&["101", "104", "105", "109", "116", "117", "2", "3", "4"])
        } else {
            "9"
        };
        let tech_field = format!("{:02}", 1 + rng.below(11));
        let objective = format!("{:02}", 1 + rng.below(13));
        let input = deal_input(
            &mut rng,
            &Deal {
                index: i,
                year,
                category,
                ip,
                tech_field: &tech_field,
                objective: &objective,
                plan,
                total_fen,
                technical_fen,
                signed,
                valid_to,
                seller: &seller,
                buyer: &buyer,
            },
        );
        let (number, status, on) = if submitted {
            (String::new(), Status::Submitted.as_str(), String::new())
        } else {
            serials[o] += 1;
            (
                format!("{year}{office}{:06}", serials[o]),
                Status::Registered.as_str(),
                registered_on.to_string(),
            )
        };
        let system = [number.as_str(), status, office, on.as_str()];
        csv_line::push_record(
            &mut out,
            system.into_iter().chain(
                ContractInput::FIELDS
                    .iter()
                    .map(|f| input.get(f).unwrap_or_default()),
            ),
        );
    }
    out
}

/// What one generated contract is about; [`deal_input`] fills in the rest of the form.
pub(crate) struct Deal<'a> {
    /// Numbers the project name, so names stay distinct within a batch.
    pub(crate) index: usize,
    pub(crate) year: i32,
    pub(crate) category: &'a str,
    pub(crate) ip: &'a str,
    pub(crate) tech_field: &'a str,
    pub(crate) objective: &'a str,
    pub(crate) plan: &'a str,
    pub(crate) total_fen: u64,
    pub(crate) technical_fen: u64,
    pub(crate) signed: NaiveDate,
    pub(crate) valid_to: NaiveDate,
    pub(crate) seller: &'a Party,
    pub(crate) buyer: &'a Party,
}

/// The form fields of a generated contract: project name, dates, codes, amounts, both parties
/// with their contact blocks, and whatever the category needs besides.
pub(crate) fn deal_input(rng: &mut Rng, d: &Deal<'_>) -> ContractInput {
    let mut input = ContractInput {
        project_name: format!(
            "{}{}项目{:05}",
            rng.pick(WORDS),
            rng.pick(&[
                "关键技术研究",
                "系统开发",
                "工艺优化",
                "检测服务",
                "咨询论证",
                "成果转化"
            ]),
            d.index
        ),
        signed_on: d.signed.to_string(),
        valid_from: d.signed.to_string(),
        valid_to: d.valid_to.to_string(),
        category_code: d.category.to_owned(),
        ip_code: d.ip.to_owned(),
        tech_field_code: d.tech_field.to_owned(),
        objective_code: d.objective.to_owned(),
        plan_code: d.plan.to_owned(),
        plan_name: if d.plan != "9" {
            format!("{}年度科技计划项目 {:04}", d.year, rng.below(9999))
        } else {
            String::new()
        },
        payment_code: rng.pick(&["1", "2", "3", "4", "9"]).to_string(),
        non_technical_note: if d.technical_fen < d.total_fen {
            "设备、仪器及原材料费用".into()
        } else {
            String::new()
        },
        third_party_name: if d.category == "42" {
            "某某技术转移中心有限公司".into()
        } else {
            String::new()
        },
        is_related: if rng.below(20) == 0 { "1" } else { "0" }.to_owned(),
        total_amount_yuan: format!("{}.{:02}", d.total_fen / 100, d.total_fen % 100),
        technical_amount_yuan: format!("{}.{:02}", d.technical_fen / 100, d.technical_fen % 100),
        ..Default::default()
    };
    if d.category.starts_with('2') {
        // Kept below the 1,000 亿元 an amount may reach.
        let yuan = d.total_fen / 100;
        let cap = 99_000_000_000;
        input.expected_investment_yuan = format!("{}.00", (yuan * (1 + rng.below(5))).min(cap));
        input.expected_output_yuan = format!("{}.00", (yuan * (2 + rng.below(20))).min(cap));
    }
    for (side, p) in [("seller", d.seller), ("buyer", d.buyer)] {
        let set = |input: &mut ContractInput, suffix: &str, v: String| {
            input.set(&format!("{side}_{suffix}"), v);
        };
        set(&mut input, "name", p.name.clone());
        set(&mut input, "country_code", p.country.to_owned());
        set(&mut input, "admin_code", p.admin.clone());
        set(&mut input, "uscc", p.code.clone());
        set(&mut input, "nature_code", p.nature.to_owned());
        set(
            &mut input,
            "address",
            format!(
                "{}科技园{}号",
                region::full_name(&p.admin).unwrap_or_else(|| "境外".into()),
                1 + rng.below(300)
            ),
        );
        set(
            &mut input,
            "zipcode",
            if p.country == "142" {
                format!("{}0000", &p.admin.get(..2).unwrap_or("10"))
            } else {
                String::new()
            },
        );
        set(
            &mut input,
            "representative",
            if p.nature == "600" {
                String::new()
            } else {
                "张伟".into()
            },
        );
        set(&mut input, "contact", "李娜".into());
        set(
            &mut input,
            "phone",
            format!("0{}-{:08}", 10 + rng.below(89), rng.below(99_999_999)),
        );
    }
    input
}
