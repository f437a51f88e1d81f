//! A small data set checked by hand: four contracts registered in 2016, two in 2015, history
//! for 2014 and R&D expenditure, run through every spec. The expected cells below were worked
//! out on paper from the contracts, not taken from the code.
//!
//! 2016 (元):
//!   c1 office 110101 北京, 委托开发 11, 技术秘密 01, field 01, objective 01, 计划外 9,
//!      20,000,000 (重大), seller S1 北京 110108 nature 150, buyer 上海 310101 nature 150
//!   c2 office 440301 深圳, 技术秘密转让 24, 01, field 02, objective 02, 863 (101),
//!      5,000,000, seller S2 深圳 440305 nature 150, buyer 香港 (110) nature 150
//!   c3 office 110101 北京, 技术咨询 30, 未涉及 99, field 01, objective 01, 计划外,
//!      1,000,000, seller S1 again, buyer 广州 440106 nature 022
//!   c4 office 420101 武汉, 一般性技术服务 41, 99, field 03, objective 03, 部门计划 2,
//!      30,000,000 (重大), seller U1 武汉 420111 nature 022, buyer 美国 (502) nature 500
//! 2015:
//!   p1 office 110101, 11, 01, field 01, objective 01, 9, 10,000,000 (重大: 1000 万 counts),
//!      seller S1 北京 nature 150, buyer 北京 110105 nature 150
//!   p2 office 420101, 41, 99, field 03, objective 03, 2, 20,000,000, seller U1 武汉 022,
//!      buyer 武汉 420106 nature 150
//! History 2014: 10 contracts, 0.25 亿元 (技术开发 4 / 0.05, 技术转让 1 / 0.05, 技术咨询 2 /
//! 0.05, 技术服务 3 / 0.10); R&D 2014 1.0, 2015 2.0, 2016 2.8 亿元.

use std::collections::BTreeMap;

use super::facts::{ContractCodes, YearFacts};
use super::figures::Figures;
use super::render::{HistoryYear, Inputs, Institution};
use super::table::Table;

const YUAN: i64 = 100;
const FEN_PER_100M: i128 = 10_000_000_000;

#[allow(clippy::too_many_arguments)]
fn contract<'a>(
    office: &'a str,
    category: &'a str,
    ip: &'a str,
    field: &'a str,
    objective: &'a str,
    plan: &'a str,
    yuan: i64,
    seller: (&'a str, &'a str, &'a str, &'a str),
    buyer: (&'a str, &'a str, &'a str),
) -> ContractCodes<'a> {
    ContractCodes {
        registered_on: None,
        registration_number: "",
        office_code: office,
        total_fen: yuan * YUAN,
        category_code: category,
        ip_code: ip,
        tech_field_code: field,
        objective_code: objective,
        plan_code: plan,
        seller_uscc: seller.0,
        seller_name: seller.1,
        seller_admin_code: seller.2,
        seller_nature_code: seller.3,
        seller_country_code: "142",
        buyer_country_code: buyer.0,
        buyer_admin_code: buyer.1,
        buyer_nature_code: buyer.2,
    }
}

const S1: (&str, &str, &str, &str) = ("91110108S1", "甲科技有限公司", "110108", "150");
const S2: (&str, &str, &str, &str) = ("91440305S2", "深圳乙公司", "440305", "150");
const U1: (&str, &str, &str, &str) = ("12420111U1", "华中大学", "420111", "022");

fn years() -> (Figures, Figures) {
    let mut y2016 = YearFacts::new(2016);
    for c in [
        contract(
            "110101",
            "11",
            "01",
            "01",
            "01",
            "9",
            20_000_000,
            S1,
            ("142", "310101", "150"),
        ),
        contract(
            "440301",
            "24",
            "01",
            "02",
            "02",
            "101",
            5_000_000,
            S2,
            ("110", "", "150"),
        ),
        contract(
            "110101",
            "30",
            "99",
            "01",
            "01",
            "9",
            1_000_000,
            S1,
            ("142", "440106", "022"),
        ),
        contract(
            "420101",
            "41",
            "99",
            "03",
            "03",
            "2",
            30_000_000,
            U1,
            ("502", "", "500"),
        ),
    ] {
        y2016.push(&c);
    }
    let mut y2015 = YearFacts::new(2015);
    for c in [
        contract(
            "110101",
            "11",
            "01",
            "01",
            "01",
            "9",
            10_000_000,
            S1,
            ("142", "110105", "150"),
        ),
        contract(
            "420101",
            "41",
            "99",
            "03",
            "03",
            "2",
            20_000_000,
            U1,
            ("142", "420106", "150"),
        ),
    ] {
        y2015.push(&c);
    }
    (Figures::compute(&y2016), Figures::compute(&y2015))
}

fn yi(hundredths: i128) -> Option<i128> {
    Some(hundredths * FEN_PER_100M / 100)
}

fn tables() -> (Vec<Table>, Vec<String>) {
    let (f2016, f2015) = years();
    let mut history = BTreeMap::new();
    history.insert(
        2014,
        HistoryYear {
            count: Some(10),
            fen: yi(25),
            rd_fen: yi(100),
            categories: [
                (Some(4), yi(5)),
                (Some(1), yi(5)),
                (Some(2), yi(5)),
                (Some(3), yi(10)),
            ],
        },
    );
    for (year, rd) in [(2015, 200), (2016, 280)] {
        history.insert(
            year,
            HistoryYear {
                rd_fen: yi(rd),
                ..HistoryYear::default()
            },
        );
    }
    let institutions = vec![Institution {
        province: "北京".into(),
        name: "北京某技术转移中心".into(),
    }];
    let inputs = Inputs {
        year: 2016,
        figures: [(2016, &f2016), (2015, &f2015)].into_iter().collect(),
        history,
        institutions: &institutions,
    };
    let r = super::report(&inputs);
    (r.tables, r.problems)
}

fn find<'a>(tables: &'a [Table], id: &str) -> &'a Table {
    tables
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id}"))
}

/// The CSV cells of every row.
fn grid(t: &Table) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| r.iter().map(|c| c.csv_text()).collect())
        .collect()
}

/// The cells of the row whose label is `label` (the section's row in 附表9: `section§label`).
fn row(t: &Table, label: &str) -> Vec<String> {
    let g = grid(t);
    let label_col = t.columns.iter().position(|c| c == "row_label").unwrap_or(0);
    let found: Vec<&Vec<String>> = g
        .iter()
        .filter(|r| match label.split_once('§') {
            Some((section, l)) => r[0] == section && r[label_col] == l,
            None => r[label_col] == label,
        })
        .collect();
    assert_eq!(found.len(), 1, "{} {label}: {found:?}", t.id);
    found[0].clone()
}

fn cells(s: &str) -> Vec<String> {
    s.split(',').map(str::to_owned).collect()
}

#[test]
fn the_tables_add_up() {
    let (_, problems) = tables();
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn composition_tables() {
    let (t, _) = tables();
    let a04 = find(&t, "A04");
    assert_eq!(
        a04.columns.join(","),
        "row_label,parent_label,level,row_type,count_2016,count_growth_pct,amount_2016_100m_yuan,amount_growth_pct,share_pct"
    );
    assert_eq!(
        row(a04, "技术开发"),
        cells("技术开发,,0,subtotal,1,0.00,0.20,100.00,35.71")
    );
    assert_eq!(
        row(a04, "委托开发"),
        cells("委托开发,技术开发,1,item,1,0.00,0.20,100.00,35.71")
    );
    assert_eq!(
        row(a04, "合作开发"),
        cells("合作开发,技术开发,1,item,0,,0.00,,0.00")
    );
    assert_eq!(
        row(a04, "技术转让"),
        cells("技术转让,,0,subtotal,1,,0.05,,8.93")
    );
    assert_eq!(
        row(a04, "技术秘密转让"),
        cells("技术秘密转让,技术转让,1,item,1,,0.05,,8.93")
    );
    assert_eq!(
        row(a04, "技术咨询"),
        cells("技术咨询,,0,item,1,,0.01,,1.79")
    );
    assert_eq!(
        row(a04, "技术服务"),
        cells("技术服务,,0,subtotal,1,0.00,0.30,50.00,53.57")
    );
    assert_eq!(
        row(a04, "技术中介"),
        cells("技术中介,技术服务,1,item,0,,0.00,,0.00")
    );
    assert_eq!(
        row(a04, "合计"),
        cells("合计,,0,total,4,100.00,0.56,86.67,100.00")
    );
    assert_eq!(a04.title, "2016年各类技术合同构成");

    let a05 = find(&t, "A05");
    assert_eq!(
        row(a05, "技术秘密"),
        cells("技术秘密,,0,item,2,100.00,0.25,150.00,44.64")
    );
    assert_eq!(row(a05, "专利"), cells("专利,,0,subtotal,0,,0.00,,0.00"));
    assert_eq!(
        row(a05, "未涉及知识产权"),
        cells("未涉及知识产权,,0,item,2,100.00,0.31,55.00,55.36")
    );

    let a06 = find(&t, "A06");
    assert_eq!(
        row(a06, "电子信息技术"),
        cells("电子信息技术,,0,item,2,100.00,0.21,110.00,37.50")
    );
    assert_eq!(
        row(a06, "先进制造技术"),
        cells("先进制造技术,,0,item,1,0.00,0.30,50.00,53.57")
    );
    assert_eq!(
        row(a06, "航空航天技术"),
        cells("航空航天技术,,0,item,1,,0.05,,8.93")
    );

    let a07 = find(&t, "A07");
    assert_eq!(
        row(a07, "地球和大气层的探索与利用"),
        cells("地球和大气层的探索与利用,,0,item,2,100.00,0.21,110.00,37.50")
    );

    let a08 = find(&t, "A08");
    assert_eq!(
        row(a08, "国家科技计划"),
        cells("国家科技计划,,0,subtotal,1,0.05,8.93")
    );
    assert_eq!(
        row(a08, "高技术研究发展计划（863计划）"),
        cells("高技术研究发展计划（863计划）,国家科技计划,1,item,1,0.05,8.93")
    );
    assert_eq!(row(a08, "部门计划"), cells("部门计划,,0,item,1,0.30,53.57"));
    assert_eq!(row(a08, "计划外"), cells("计划外,,0,item,2,0.21,37.50"));
    assert_eq!(row(a08, "合计"), cells("合计,,0,total,4,0.56,100.00"));

    let a11 = find(&t, "A11");
    assert_eq!(
        row(a11, "企业法人"),
        cells("企业法人,,0,subtotal,3,200.00,0.26,160.00,46.43")
    );
    assert_eq!(
        row(a11, "内资企业"),
        cells("内资企业,企业法人,1,item,3,200.00,0.26,160.00,46.43")
    );
    assert_eq!(
        row(a11, "事业法人"),
        cells("事业法人,,0,subtotal,1,0.00,0.30,50.00,53.57")
    );
    assert_eq!(
        row(a11, "高等院校"),
        cells("高等院校,事业法人,1,item,1,0.00,0.30,50.00,53.57")
    );

    let a12 = find(&t, "A12");
    assert_eq!(
        row(a12, "企业法人"),
        cells("企业法人,,0,subtotal,3,50.00,0.55,83.33,98.21")
    );
    assert_eq!(
        row(a12, "内资企业"),
        cells("内资企业,企业法人,1,item,2,0.00,0.25,-16.67,44.64")
    );
    assert_eq!(
        row(a12, "境外企业"),
        cells("境外企业,企业法人,1,item,1,,0.30,,53.57")
    );
    assert_eq!(
        row(a12, "事业法人"),
        cells("事业法人,,0,subtotal,1,,0.01,,1.79")
    );

    let t52 = find(&t, "T5-2");
    assert_eq!(row(t52, "企业法人"), cells("企业法人,,0,subtotal,2,3,0.26"));
    assert_eq!(
        row(t52, "内资企业"),
        cells("内资企业,企业法人,1,item,2,3,0.26")
    );
    assert_eq!(
        row(t52, "高等院校"),
        cells("高等院校,事业法人,1,item,1,1,0.30")
    );
    assert_eq!(row(t52, "合计"), cells("合计,,0,total,3,4,0.56"));
}

#[test]
fn major_contracts_and_categories_over_years() {
    let (t, _) = tables();
    let a09 = find(&t, "A09");
    assert_eq!(
        row(a09, "合同类别§技术开发"),
        cells("合同类别,技术开发,item,1,0.20,40.00")
    );
    assert_eq!(
        row(a09, "合同类别§技术转让"),
        cells("合同类别,技术转让,item,0,0.00,0.00")
    );
    assert_eq!(
        row(a09, "合同类别§技术服务"),
        cells("合同类别,技术服务,item,1,0.30,60.00")
    );
    assert_eq!(
        row(a09, "合同类别§合计"),
        cells("合同类别,合计,total,2,0.50,100.00")
    );
    assert_eq!(
        row(a09, "技术领域§先进制造技术"),
        cells("技术领域,先进制造技术,item,1,0.30,60.00")
    );
    assert_eq!(
        row(a09, "知识产权§技术秘密"),
        cells("知识产权,技术秘密,item,1,0.20,40.00")
    );
    assert_eq!(
        row(a09, "知识产权§未涉及知识产权"),
        cells("知识产权,未涉及知识产权,item,1,0.30,60.00")
    );
    assert_eq!(
        row(a09, "知识产权§合计"),
        cells("知识产权,合计,total,2,0.50,100.00")
    );

    let a03 = find(&t, "A03");
    assert_eq!(
        a03.columns.join(","),
        "row_label,parent_label,level,row_type,count_2015,amount_2015_100m_yuan,amount_growth_2015_pct,share_2015_pct,count_2016,amount_2016_100m_yuan,amount_growth_2016_pct,share_2016_pct,note"
    );
    assert_eq!(
        row(a03, "技术开发"),
        cells("技术开发,,0,item,1,0.10,100.00,33.33,1,0.20,100.00,35.71,")
    );
    assert_eq!(
        row(a03, "技术转让"),
        cells("技术转让,,0,item,0,0.00,-100.00,0.00,1,0.05,,8.93,")
    );
    assert_eq!(
        row(a03, "技术咨询"),
        cells("技术咨询,,0,item,0,0.00,-100.00,0.00,1,0.01,,1.79,")
    );
    assert_eq!(
        row(a03, "技术服务"),
        cells("技术服务,,0,item,1,0.20,100.00,66.67,1,0.30,50.00,53.57,")
    );
    assert_eq!(
        row(a03, "合计"),
        cells("合计,,0,total,2,0.30,20.00,100.00,4,0.56,86.67,100.00,")
    );
    assert_eq!(a03.title, "2015－2016年合同类型构成");

    let a01 = find(&t, "A01");
    assert_eq!(
        a01.columns.join(","),
        "row_label,parent_label,level,row_type,unit,value_2011,value_2012,value_2013,value_2014,value_2015,value_2016"
    );
    assert_eq!(
        row(a01, "合同数/项"),
        cells("合同数/项,,0,item,项,,,,10,2,4")
    );
    assert_eq!(
        row(a01, "成交总额/亿元"),
        cells("成交总额/亿元,,0,item,亿元,,,,0.25,0.30,0.56")
    );

    let t11 = find(&t, "T1-1");
    assert_eq!(
        row(t11, "全社会R&D经费/亿元"),
        cells("全社会R&D经费/亿元,,0,item,亿元,,,,1.0,2.0,2.8")
    );
    assert_eq!(
        row(t11, "技术合同成交额/亿元"),
        cells("技术合同成交额/亿元,,0,item,亿元,,,,0.25,0.30,0.56")
    );
    assert_eq!(
        row(t11, "技术合同成交额/R&D经费(%)"),
        cells("技术合同成交额/R&D经费(%),,0,item,%,,,,25.00,15.00,20.00")
    );

    let a02 = find(&t, "A02");
    assert_eq!(
        row(a02, "技术开发/万元"),
        cells("技术开发/万元,,0,item,万元,,,,125.00,1000.00,2000.00,")
    );
    assert_eq!(
        row(a02, "技术转让/万元"),
        cells("技术转让/万元,,0,item,万元,,,,500.00,,500.00,")
    );
    assert_eq!(
        row(a02, "技术咨询/万元"),
        cells("技术咨询/万元,,0,item,万元,,,,250.00,,100.00,")
    );
    assert_eq!(
        row(a02, "技术服务/万元"),
        cells("技术服务/万元,,0,item,万元,,,,333.33,2000.00,3000.00,")
    );
    assert_eq!(
        row(a02, "单项合同平均成交额/万元"),
        cells("单项合同平均成交额/万元,,0,total,万元,,,,250.00,1500.00,1400.00,")
    );
}

#[test]
fn region_annexes() {
    let (t, _) = tables();
    let a13 = find(&t, "A13");
    assert_eq!(
        a13.columns.join(","),
        "row_label,parent_label,level,row_type,count_2015,count_2016,count_growth_pct,amount_2015_100m_yuan,amount_2016_100m_yuan,amount_growth_pct,note"
    );
    assert_eq!(
        row(a13, "北京"),
        cells("北京,,0,item,1,2,100.00,0.10,0.21,110.00,")
    );
    assert_eq!(
        row(a13, "湖北"),
        cells("湖北,,0,item,1,1,0.00,0.20,0.30,50.00,")
    );
    assert_eq!(
        row(a13, "武汉"),
        cells("武汉,湖北,1,of_which,1,1,0.00,0.20,0.30,50.00,")
    );
    assert_eq!(row(a13, "广东"), cells("广东,,0,item,0,1,,0.00,0.05,,"));
    assert_eq!(
        row(a13, "深圳"),
        cells("深圳,广东,1,of_which,0,1,,0.00,0.05,,")
    );
    assert_eq!(row(a13, "天津"), cells("天津,,0,item,0,0,,0.00,0.00,,"));
    assert_eq!(
        row(a13, "合计"),
        cells("合计,,0,total,2,4,100.00,0.30,0.56,86.67,")
    );
    // Province order as 附表14 prints it, 西藏 between 云南 and 陕西.
    let labels: Vec<String> = grid(a13).into_iter().map(|r| r[0].clone()).collect();
    let pos = |l: &str| labels.iter().position(|x| x == l).unwrap();
    assert_eq!(pos("西藏"), pos("云南") + 1);
    assert_eq!(pos("陕西"), pos("西藏") + 1);
    assert_eq!(&labels[labels.len() - 3..], ["港澳台", "国外", "合计"]);

    let a14 = find(&t, "A14");
    assert_eq!(
        row(a14, "北京"),
        cells("北京,,0,item,1,0,-100.00,0.10,0.00,-100.00,")
    );
    assert_eq!(row(a14, "上海"), cells("上海,,0,item,0,1,,0.00,0.20,,"));
    assert_eq!(
        row(a14, "广州"),
        cells("广州,广东,1,of_which,0,1,,0.00,0.01,,")
    );
    assert_eq!(row(a14, "港澳台"), cells("港澳台,,0,item,0,1,,0.00,0.05,,"));
    assert_eq!(row(a14, "国外"), cells("国外,,0,item,0,1,,0.00,0.30,,"));
    assert_eq!(
        row(a14, "湖北"),
        cells("湖北,,0,item,1,0,-100.00,0.20,0.00,-100.00,")
    );
}

#[test]
fn rank_ordered_tables() {
    let (t, _) = tables();
    let t31 = find(&t, "T3-1");
    let g = grid(t31);
    let labels: Vec<&str> = g.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        labels,
        [
            "湖北",
            "北京",
            "广东",
            "深圳",
            "上海",
            "陕西",
            "江苏",
            "天津",
            "山东",
            "青岛",
            "辽宁",
            "大连",
            "四川",
            "重庆",
            "安徽",
            "浙江",
            "宁波",
            "甘肃",
            "黑龙江",
            "吉林",
            "福建",
            "厦门",
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
            "合计"
        ]
    );
    assert_eq!(g[0], cells("湖北,,0,item,1,0.20,1,1,0.30,1,"));
    assert_eq!(g[1], cells("北京,,0,item,1,0.10,2,2,0.21,2,"));
    assert_eq!(g[2], cells("广东,,0,item,,,31,1,0.05,3,"));
    assert_eq!(g[3], cells("深圳,广东,1,of_which,,,,1,0.05,,"));
    assert_eq!(g[4], cells("上海,,0,item,,,31,,,31,"));
    assert_eq!(row(t31, "青岛"), cells("青岛,山东,1,of_which,,,,,,,"));
    assert_eq!(row(t31, "合计"), cells("合计,,0,total,2,0.30,,4,0.56,,"));

    let t32 = find(&t, "T3-2");
    let g = grid(t32);
    assert_eq!(g[0], cells("湖北,,0,item,1,0.30,1,,,31"));
    assert_eq!(g[1], cells("北京,,0,item,2,0.21,2,,,31"));
    assert_eq!(g[2], cells("广东,,0,item,1,0.05,3,1,0.01,2"));
    assert_eq!(g[3][0], "陕西", "then the reference order");
    assert_eq!(row(t32, "上海"), cells("上海,,0,item,,,31,1,0.20,1"));
    assert_eq!(row(t32, "港澳台"), cells("港澳台,,0,item,,,,1,0.05,"));
    assert_eq!(row(t32, "国外"), cells("国外,,0,item,,,,1,0.30,"));
    assert_eq!(g[g.len() - 1], cells("合计,,0,total,4,0.56,,4,0.56,"));

    let t33 = find(&t, "T3-3");
    let g = grid(t33);
    let labels: Vec<&str> = g.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(labels, ["深圳", "青岛", "大连", "厦门", "宁波", "合计"]);
    assert_eq!(g[0], cells("深圳,,0,item,1,0.05,1,,,5"));
    assert_eq!(g[1], cells("青岛,,0,item,,,5,,,5"));
    assert_eq!(g[5], cells("合计,,0,total,1,0.05,,,,"));

    let t34 = find(&t, "T3-4");
    let g = grid(t34);
    assert_eq!(g[0], cells("武汉,,0,item,1,0.30,1,,,10"));
    assert_eq!(g[1][0], "西安");
    assert_eq!(row(t34, "广州"), cells("广州,,0,item,,,10,1,0.01,1"));
    assert_eq!(row(t34, "合计"), cells("合计,,0,total,1,0.30,,1,0.01,"));
}

#[test]
fn regional_groups() {
    let (t, _) = tables();
    let t41 = find(&t, "T4-1");
    assert_eq!(
        row(t41, "东部地区"),
        cells("东部地区,,0,item,3,0.26,160.00,46.43,2,0.21,110.00,37.50,")
    );
    assert_eq!(
        row(t41, "中部地区"),
        cells("中部地区,,0,item,1,0.30,50.00,53.57,0,0.00,-100.00,0.00,")
    );
    assert_eq!(
        row(t41, "西部地区"),
        cells("西部地区,,0,item,0,0.00,,0.00,0,0.00,,0.00,")
    );
    assert_eq!(
        row(t41, "京津冀地区"),
        cells("京津冀地区,,0,item,2,0.21,110.00,37.50,0,0.00,-100.00,0.00,")
    );
    assert_eq!(
        row(t41, "长江经济带地区"),
        cells("长江经济带地区,,0,item,1,0.30,50.00,53.57,1,0.20,0.00,35.71,")
    );
    assert_eq!(t41.rows.len(), 6, "no 合计 row");

    let t42 = find(&t, "T4-2");
    let g = grid(t42);
    let labels: Vec<&str> = g.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        labels,
        [
            "北京", "广东", "上海", "江苏", "天津", "山东", "辽宁", "浙江", "河北", "福建", "海南",
            "合计"
        ]
    );
    assert_eq!(g[0], cells("北京,,0,item,2,0.21,110.00,1,,,-100.00,11,"));
    assert_eq!(g[1], cells("广东,,0,item,1,0.05,,2,1,0.01,,2,"));
    assert_eq!(g[2], cells("上海,,0,item,,,,11,1,0.20,,1,"));
    assert_eq!(g[11], cells("合计,,0,total,3,0.26,160.00,,2,0.21,110.00,,"));
    let t43 = find(&t, "T4-3");
    assert_eq!(
        t43.columns.last().map(String::as_str),
        Some("in_rank"),
        "表4-3 has no note column"
    );
}

#[test]
fn lists() {
    let (t, _) = tables();
    assert_eq!(
        grid(find(&t, "T5-3")),
        vec![cells("1,甲科技有限公司"), cells("2,深圳乙公司")]
    );
    assert!(grid(find(&t, "T5-4")).is_empty());
    assert_eq!(grid(find(&t, "T5-5")), vec![cells("1,华中大学")]);
    assert_eq!(
        grid(find(&t, "A15")),
        vec![cells("北京,北京某技术转移中心")]
    );
    assert_eq!(find(&t, "T5-5").title, "2016年高等院校输出技术成交额前20名");
}

/// Every table has exactly the reference CSV's header for 2016, and its rows the reference's
/// labels, parents, levels and types (the set of them for the tables ordered by amount; the
/// two printing slips of 附表13 aside). Passes vacuously without `shared/reference/tables`.
#[test]
fn tables_have_the_reference_shape() {
    use crate::catalog::reference_tests::{field, read};
    let (t, _) = tables();
    for table in &t {
        let file = format!("{}.csv", table.id);
        let Some(records) = read(&file) else {
            return;
        };
        let Some(header) = records
            .first()
            .map(|r| r.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>())
        else {
            continue;
        };
        assert_eq!(table.columns, header, "{file} header");
        if !table.columns.iter().any(|c| c == "row_type") || table.id == "A09" {
            continue;
        }
        let reference: Vec<[String; 4]> = records
            .iter()
            .map(|r| {
                let f = |n: &str| {
                    let v = field(r, n);
                    // 附表13's slips: 湖南省 / 广东省 for 湖南 / 广东.
                    if table.id == "A13" {
                        v.trim_end_matches('省').to_owned()
                    } else {
                        v.to_owned()
                    }
                };
                [f("row_label"), f("parent_label"), f("level"), f("row_type")]
            })
            .collect();
        let ours: Vec<[String; 4]> = grid(table)
            .into_iter()
            .map(|r| [r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()])
            .collect();
        let ordered_by_amount = matches!(table.id, "T3-1" | "T3-2" | "T3-3" | "T3-4")
            || table.id.starts_with("T4-") && table.id != "T4-1"
            || table.id == "A13";
        if ordered_by_amount {
            let (mut a, mut b) = (reference.clone(), ours.clone());
            a.sort();
            b.sort();
            assert_eq!(b, a, "{file} rows");
        } else {
            assert_eq!(ours, reference, "{file} rows");
        }
    }
    let a09 = find(&t, "A09");
    if let Some(records) = read("A09.csv") {
        let reference: Vec<(String, String, String)> = records
            .iter()
            .map(|r| {
                (
                    field(r, "section").to_owned(),
                    field(r, "row_label").to_owned(),
                    field(r, "row_type").to_owned(),
                )
            })
            .collect();
        let ours: Vec<(String, String, String)> = grid(a09)
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
            .collect();
        assert_eq!(ours, reference, "A09.csv rows");
    }
}
