//! Province-level registration authorities: the 31 provinces, 新疆生产建设兵团 (`660000`, which has
//! no GB/T 2260 code of its own) and the 5 计划单列市, which manage registration on their own but
//! count inside their province in the national tables.

/// What kind of province-level authority this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorityKind {
    Province,
    PlanCity,
    Corps,
}

impl AuthorityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorityKind::Province => "province",
            AuthorityKind::PlanCity => "plan_city",
            AuthorityKind::Corps => "corps",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuthorityKind::Province => "省级",
            AuthorityKind::PlanCity => "计划单列市",
            AuthorityKind::Corps => "兵团",
        }
    }
}

/// A province-level authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authority {
    /// `PP0000`, the `PPCC00` of a 计划单列市, or `660000`.
    pub code: &'static str,
    pub name: &'static str,
    pub kind: AuthorityKind,
    /// The province (`PP0000`) whose national figures include this authority's contracts.
    pub stats_province: &'static str,
}

const fn province(code: &'static str, name: &'static str) -> Authority {
    Authority {
        code,
        name,
        kind: AuthorityKind::Province,
        stats_province: code,
    }
}

const fn plan_city(code: &'static str, name: &'static str, province: &'static str) -> Authority {
    Authority {
        code,
        name,
        kind: AuthorityKind::PlanCity,
        stats_province: province,
    }
}

/// All authorities, provinces in GB/T 2260 order, each 计划单列市 after its province.
pub const AUTHORITIES: &[Authority] = &[
    province("110000", "北京市"),
    province("120000", "天津市"),
    province("130000", "河北省"),
    province("140000", "山西省"),
    province("150000", "内蒙古自治区"),
    province("210000", "辽宁省"),
    plan_city("210200", "大连市", "210000"),
    province("220000", "吉林省"),
    province("230000", "黑龙江省"),
    province("310000", "上海市"),
    province("320000", "江苏省"),
    province("330000", "浙江省"),
    plan_city("330200", "宁波市", "330000"),
    province("340000", "安徽省"),
    province("350000", "福建省"),
    plan_city("350200", "厦门市", "350000"),
    province("360000", "江西省"),
    province("370000", "山东省"),
    plan_city("370200", "青岛市", "370000"),
    province("410000", "河南省"),
    province("420000", "湖北省"),
    province("430000", "湖南省"),
    province("440000", "广东省"),
    plan_city("440300", "深圳市", "440000"),
    province("450000", "广西壮族自治区"),
    province("460000", "海南省"),
    province("500000", "重庆市"),
    province("510000", "四川省"),
    province("520000", "贵州省"),
    province("530000", "云南省"),
    province("540000", "西藏自治区"),
    province("610000", "陕西省"),
    province("620000", "甘肃省"),
    province("630000", "青海省"),
    province("640000", "宁夏回族自治区"),
    province("650000", "新疆维吾尔自治区"),
    Authority {
        code: "660000",
        name: "新疆生产建设兵团",
        kind: AuthorityKind::Corps,
        stats_province: "650000",
    },
];

/// Looks an authority up by its code.
pub fn find(code: &str) -> Option<&'static Authority> {
    AUTHORITIES.iter().find(|a| a.code == code)
}

/// The authority that an office area (`PPCC00` or `PP0000`) reports to: the 计划单列市 when the
/// area is one, else its province; `66xxxx` areas report to the 兵团.
pub fn for_area(area_code: &str) -> Option<&'static Authority> {
    let prefecture = area_code.get(0..4).map(|pc| format!("{pc}00"))?;
    find(&prefecture)
        .filter(|a| a.kind == AuthorityKind::PlanCity)
        .or_else(|| find(&format!("{}0000", &area_code[0..2])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_31_provinces_the_corps_and_5_plan_cities() {
        let count = |k| AUTHORITIES.iter().filter(|a| a.kind == k).count();
        assert_eq!(count(AuthorityKind::Province), 31);
        assert_eq!(count(AuthorityKind::PlanCity), 5);
        assert_eq!(count(AuthorityKind::Corps), 1);
        let mut codes: Vec<_> = AUTHORITIES.iter().map(|a| a.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AUTHORITIES.len(), "codes are unique");
    }

    #[test]
    fn plan_cities_count_under_their_province() {
        assert_eq!(find("440300").map(|a| a.stats_province), Some("440000"));
        assert_eq!(find("660000").map(|a| a.stats_province), Some("650000"));
        assert_eq!(for_area("440300").map(|a| a.code), Some("440300"));
        assert_eq!(for_area("440100").map(|a| a.code), Some("440000"));
        assert_eq!(for_area("110000").map(|a| a.code), Some("110000"));
        assert_eq!(for_area("660100").map(|a| a.code), Some("660000"));
        assert_eq!(for_area("990000"), None);
    }
}
