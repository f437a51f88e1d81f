//! A year's registered contracts reduced to what the tables read: small integers for every
//! code (interned once per file, so a row costs no allocation), the amount in fen and the
//! principal seller. The data layer feeds [`YearFacts::push`] the contracts of one year in
//! registration order; nothing here does I/O.

use std::collections::HashMap;

use crate::catalog::region;
use crate::domain::text;

/// The coded dimensions of a contract, in the order of [`Fact::codes`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Coded {
    Category,
    Ip,
    TechField,
    Objective,
    Plan,
    SellerNature,
    BuyerNature,
}

impl Coded {
    pub const ALL: [Coded; 7] = [
        Coded::Category,
        Coded::Ip,
        Coded::TechField,
        Coded::Objective,
        Coded::Plan,
        Coded::SellerNature,
        Coded::BuyerNature,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// The three geographic bases (domain.md §5.1).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// 登记: the registering office's region.
    Registration,
    /// 输出: the seller's region.
    Output,
    /// 吸纳: the buyer's region.
    Absorption,
}

impl Basis {
    pub const ALL: [Basis; 3] = [Basis::Registration, Basis::Output, Basis::Absorption];

    fn index(self) -> usize {
        self as usize
    }
}

/// Marks a missing code or city.
pub const NONE: u16 = u16::MAX;

/// One registered contract as the tables see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    /// 成交额 in fen.
    pub total_fen: i64,
    /// Index of the principal seller in [`YearFacts::sellers`].
    pub seller: u32,
    /// Interned code per [`Coded`] dimension.
    pub codes: [u16; 7],
    /// Interned statistical region (province or bucket) per [`Basis`].
    pub regions: [u16; 3],
    /// Interned 其中 city per basis, or [`NONE`].
    pub cities: [u16; 3],
}

impl Fact {
    pub fn code(&self, dim: Coded) -> u16 {
        self.codes[dim.index()]
    }

    pub fn region(&self, basis: Basis) -> u16 {
        self.regions[basis.index()]
    }

    pub fn city(&self, basis: Basis) -> u16 {
        self.cities[basis.index()]
    }
}

/// Codes seen so far, each with its small integer.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    codes: Vec<String>,
    index: HashMap<String, u16>,
}

impl Interner {
    /// The integer of `code`; an empty code is [`NONE`].
    pub fn intern(&mut self, code: &str) -> u16 {
        if code.is_empty() {
            return NONE;
        }
        if let Some(&i) = self.index.get(code) {
            return i;
        }
        // Codes come from catalogues of a few dozen entries; a file of more distinct codes
        // than u16 can hold is not a catalogue any more, and they all share the last slot.
        let i = u16::try_from(self.codes.len())
            .unwrap_or(NONE - 1)
            .min(NONE - 1);
        if usize::from(i) == self.codes.len() {
            self.codes.push(code.to_owned());
            self.index.insert(code.to_owned(), i);
        }
        i
    }

    /// The code of integer `i`.
    pub fn code(&self, i: u16) -> Option<&str> {
        self.codes.get(usize::from(i)).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// One seller of the year: the directory key, and the name and nature of its latest contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seller {
    pub key: String,
    pub name: String,
    /// Interned seller nature of its latest contract of the year.
    pub nature: u16,
}

/// A contract as the data layer reads it (borrowed text, no allocation per row).
#[derive(Debug, Clone, Copy, Default)]
pub struct ContractCodes<'a> {
    pub office_code: &'a str,
    pub total_fen: i64,
    pub category_code: &'a str,
    pub ip_code: &'a str,
    pub tech_field_code: &'a str,
    pub objective_code: &'a str,
    pub plan_code: &'a str,
    pub seller_name: &'a str,
    pub seller_country_code: &'a str,
    pub seller_admin_code: &'a str,
    pub seller_uscc: &'a str,
    pub seller_nature_code: &'a str,
    pub buyer_country_code: &'a str,
    pub buyer_admin_code: &'a str,
    pub buyer_nature_code: &'a str,
}

/// The contracts of one registration year, reduced.
#[derive(Debug, Clone, Default)]
pub struct YearFacts {
    pub year: i32,
    pub facts: Vec<Fact>,
    pub sellers: Vec<Seller>,
    /// One interner per [`Coded`] dimension.
    pub codes: [Interner; 7],
    /// Statistical region codes (4 digits: `1100`, `4403`, `7100`, `8000`), all bases.
    pub regions: Interner,
    seller_index: HashMap<String, u32>,
}

impl YearFacts {
    pub fn new(year: i32) -> Self {
        YearFacts {
            year,
            ..Default::default()
        }
    }

    /// Adds one registered contract. Contracts must come in registration order (date, then
    /// number): a seller's name and nature are those of its latest contract.
    pub fn push(&mut self, c: &ContractCodes<'_>) {
        let mut codes = [NONE; 7];
        for (dim, value) in [
            (Coded::Category, c.category_code),
            (Coded::Ip, c.ip_code),
            (Coded::TechField, c.tech_field_code),
            (Coded::Objective, c.objective_code),
            (Coded::Plan, c.plan_code),
            (Coded::SellerNature, c.seller_nature_code),
            (Coded::BuyerNature, c.buyer_nature_code),
        ] {
            codes[dim.index()] = self.codes[dim.index()].intern(value);
        }
        let (office_region, office_city) = office_region(c.office_code);
        let party = |country: &str, admin: &str| {
            let admin = Some(admin).filter(|a| !a.is_empty());
            let province = region::party_region(country, admin).map(|r| r.code);
            let city = admin.and_then(region::stats_city).map(|r| r.code);
            (province, city)
        };
        let (seller_region, seller_city) = party(c.seller_country_code, c.seller_admin_code);
        let (buyer_region, buyer_city) = party(c.buyer_country_code, c.buyer_admin_code);
        let mut intern = |code: Option<&str>| code.map_or(NONE, |c| self.regions.intern(c));
        let regions = [
            intern(office_region),
            intern(seller_region),
            intern(buyer_region),
        ];
        let cities = [intern(office_city), intern(seller_city), intern(buyer_city)];
        let seller = self.seller(c, codes[Coded::SellerNature.index()]);
        self.facts.push(Fact {
            total_fen: c.total_fen,
            seller,
            codes,
            regions,
            cities,
        });
    }

    /// The seller's index, its latest name and nature recorded.
    fn seller(&mut self, c: &ContractCodes<'_>, nature: u16) -> u32 {
        let key = seller_key(c.seller_uscc, c.seller_country_code, c.seller_name);
        match self.seller_index.get(&key) {
            Some(&i) => {
                let s = &mut self.sellers[i as usize];
                if s.name != c.seller_name {
                    c.seller_name.clone_into(&mut s.name);
                }
                s.nature = nature;
                i
            }
            None => {
                let i = self.sellers.len() as u32;
                self.sellers.push(Seller {
                    key: key.clone(),
                    name: c.seller_name.to_owned(),
                    nature,
                });
                self.seller_index.insert(key, i);
                i
            }
        }
    }

    /// The code of interned value `i` of dimension `dim`.
    pub fn code(&self, dim: Coded, i: u16) -> Option<&str> {
        self.codes[dim.index()].code(i)
    }
}

/// A seller as the party directory knows it (interchange.md §2): its USCC or ID number, else
/// its country and normalised name.
pub fn seller_key(uscc: &str, country_code: &str, name: &str) -> String {
    let id = uscc.trim();
    if id.is_empty() {
        format!(
            "name:{}:{}",
            country_code.trim(),
            text::normalise_name(name)
        )
    } else {
        format!("id:{}", id.to_ascii_uppercase())
    }
}

/// The 登记 region of an office (`PPCCNN`): its province (新疆生产建设兵团's `66` counts under
/// 新疆), and its 其中 city when the area `PPCC` is one of the 15 cities.
pub fn office_region(office_code: &str) -> (Option<&'static str>, Option<&'static str>) {
    let code = office_code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return (None, None);
    }
    let pp = match &code[..2] {
        "66" => "65",
        pp => pp,
    };
    let province = region::PROVINCES
        .iter()
        .find(|r| &r.code[..2] == pp)
        .map(|r| r.code);
    let city = region::CITIES
        .iter()
        .find(|r| r.code == &code[..4])
        .map(|r| r.code);
    (province, city)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract<'a>(
        office: &'a str,
        seller: &'a str,
        name: &'a str,
        nature: &'a str,
    ) -> ContractCodes<'a> {
        ContractCodes {
            office_code: office,
            total_fen: 100,
            category_code: "11",
            ip_code: "01",
            tech_field_code: "01",
            objective_code: "01",
            plan_code: "9",
            seller_name: name,
            seller_country_code: "142",
            seller_admin_code: "440106",
            seller_uscc: seller,
            seller_nature_code: nature,
            buyer_country_code: "344",
            buyer_admin_code: "",
            buyer_nature_code: "150",
        }
    }

    #[test]
    fn codes_regions_and_sellers_are_interned() {
        let mut y = YearFacts::new(2016);
        y.push(&contract("440301", "91440300X", "甲公司", "150"));
        y.push(&contract("660101", "91440300x", "甲公司（更名）", "160"));
        y.push(&contract("110101", "", "个人", "600"));
        assert_eq!(y.facts.len(), 3);
        assert_eq!(y.sellers.len(), 2, "the USCC is the key, whatever its case");
        assert_eq!(y.sellers[0].name, "甲公司（更名）", "the latest name");
        assert_eq!(
            y.code(Coded::SellerNature, y.sellers[0].nature),
            Some("160")
        );
        let f = y.facts[0];
        assert_eq!(y.regions.code(f.region(Basis::Registration)), Some("4400"));
        assert_eq!(y.regions.code(f.city(Basis::Registration)), Some("4403"));
        assert_eq!(y.regions.code(f.region(Basis::Output)), Some("4400"));
        assert_eq!(y.regions.code(f.city(Basis::Output)), Some("4401"));
        assert_eq!(y.regions.code(f.region(Basis::Absorption)), Some("8000"));
        assert_eq!(f.city(Basis::Absorption), NONE);
        // 兵团 offices count under 新疆.
        assert_eq!(
            y.regions.code(y.facts[1].region(Basis::Registration)),
            Some("6500")
        );
        assert_eq!(f.code(Coded::Category), y.facts[1].code(Coded::Category));
        assert_eq!(y.code(Coded::Category, f.code(Coded::Category)), Some("11"));
    }

    #[test]
    fn seller_keys() {
        assert_eq!(seller_key(" 91x ", "142", "A"), "id:91X");
        assert_eq!(seller_key("", "344", " ＡＢＣ  Ltd "), "name:344:abc ltd");
        assert_eq!(office_region("12345"), (None, None));
        assert_eq!(office_region("210201"), (Some("2100"), Some("2102")));
    }
}
