//! A year's registered contracts reduced to what the tables read: small integers for every
//! code (interned once per file, so a row costs no allocation), the amount in fen and the
//! principal seller. The data layer feeds [`YearFacts::push`] the contracts of one year, in
//! any order; nothing here does I/O.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::catalog::list::CodeList;
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

    /// The code list the dimension's codes come from.
    pub fn list(self) -> CodeList {
        match self {
            Coded::Category => CodeList::Category,
            Coded::Ip => CodeList::Ip,
            Coded::TechField => CodeList::TechField,
            Coded::Objective => CodeList::Objective,
            Coded::Plan => CodeList::Plan,
            Coded::SellerNature | Coded::BuyerNature => CodeList::Nature,
        }
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

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Codes seen so far, each with its small integer.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    codes: Vec<String>,
    /// Codes of one to three digits (most catalogue codes) by [`digit_slot`]: the integer
    /// plus one, 0 where the code is not seen yet. Sized on first use.
    by_digits: Vec<u16>,
    /// Other codes of up to 8 bytes, by their bytes as one integer.
    short: FastMap<u64, u16>,
    long: FastMap<String, u16>,
}

/// Slots for every code of one, two or three digits: `0`–`9`, `00`–`99`, `000`–`999`.
const DIGIT_SLOTS: usize = 10 + 100 + 1000;

/// The slot of a code of one to three ASCII digits, distinct for `1`, `01` and `001`.
fn digit_slot(code: &str) -> Option<usize> {
    let b = code.as_bytes();
    if b.is_empty() || b.len() > 3 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = b.iter().fold(0usize, |n, d| n * 10 + usize::from(d - b'0'));
    let offset = match b.len() {
        1 => 0,
        2 => 10,
        _ => 110,
    };
    Some(offset + value)
}

/// The bytes of a code of up to 8 bytes as an integer, zero-padded: codes hold no NUL (the
/// input checks refuse control characters), so two codes never share one.
fn short_key(code: &str) -> Option<u64> {
    let b = code.as_bytes();
    let mut key = [0u8; 8];
    key.get_mut(..b.len())?.copy_from_slice(b);
    Some(u64::from_le_bytes(key))
}

/// An office, country or admin-area code as a [`short_key`]; longer text (never a valid code)
/// is placed every time instead of remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PlaceKey(u64);

impl PlaceKey {
    fn of(code: &str) -> Option<PlaceKey> {
        short_key(code).map(PlaceKey)
    }
}

/// Where an interner keeps a code.
enum Slot<'a> {
    Digits(usize),
    Short(u64),
    Long(&'a str),
}

impl Interner {
    /// The integer of `code`; an empty code is [`NONE`].
    pub fn intern(&mut self, code: &str) -> u16 {
        if code.is_empty() {
            return NONE;
        }
        let slot = match (digit_slot(code), short_key(code)) {
            (Some(d), _) => Slot::Digits(d),
            (None, Some(k)) => Slot::Short(k),
            (None, None) => Slot::Long(code),
        };
        let found = match &slot {
            Slot::Digits(d) => self.by_digits.get(*d).and_then(|&i| i.checked_sub(1)),
            Slot::Short(k) => self.short.get(k).copied(),
            Slot::Long(c) => self.long.get(*c).copied(),
        };
        if let Some(i) = found {
            return i;
        }
        // Codes come from catalogues of a few dozen entries; a file of more distinct codes
        // than u16 can hold is not a catalogue any more, and they all share the last slot.
        let i = u16::try_from(self.codes.len())
            .unwrap_or(NONE - 1)
            .min(NONE - 1);
        if usize::from(i) == self.codes.len() {
            self.codes.push(code.to_owned());
            match slot {
                Slot::Digits(d) => {
                    if self.by_digits.is_empty() {
                        self.by_digits = vec![0; DIGIT_SLOTS];
                    }
                    if let Some(entry) = self.by_digits.get_mut(d) {
                        *entry = i + 1;
                    }
                }
                Slot::Short(k) => {
                    self.short.insert(k, i);
                }
                Slot::Long(c) => {
                    self.long.insert(c.to_owned(), i);
                }
            }
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

/// Where a contract sits in registration order: its registration date (days from the common
/// era) and the digits of its 16-digit registration number.
pub type RegistrationOrder = (i32, u64);

/// The registration order of a contract registered on `date` under `number`. Only digits of
/// the number count (at most 19, so the integer cannot overflow); a missing date or number
/// sorts first.
pub fn registration_order(date: Option<NaiveDate>, number: &str) -> RegistrationOrder {
    let number = number
        .bytes()
        .filter(u8::is_ascii_digit)
        .take(19)
        .fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    (date.map_or(i32::MIN, |d| d.num_days_from_ce()), number)
}

/// One seller of the year: the name and nature of its latest contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seller {
    pub name: String,
    /// Interned seller nature of its latest contract of the year.
    pub nature: u16,
    latest: RegistrationOrder,
    /// A 64-bit hash of `name`: most contracts repeat their seller's name, and comparing
    /// hashes spares reading the name from elsewhere in memory for each of them.
    name_hash: u64,
}

fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0).hash_one(name)
}

/// A seller's USCC or ID number, upper case: up to 24 bytes inline (USCCs and ID numbers have
/// 18), so finding a seller reads no text elsewhere in memory; longer ones are kept as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SellerId {
    /// The bytes zero-padded (no NUL survives the input checks), as three integers.
    Short([u64; 3]),
    Long(String),
}

impl SellerId {
    fn of(id: &str) -> SellerId {
        let mut short = [0u8; 24];
        match short.get_mut(..id.len()) {
            Some(prefix) => {
                prefix.copy_from_slice(id.as_bytes());
                prefix.make_ascii_uppercase();
                let word = |i: usize| {
                    let mut w = [0u8; 8];
                    w.copy_from_slice(&short[i * 8..i * 8 + 8]);
                    u64::from_le_bytes(w)
                };
                SellerId::Short([word(0), word(1), word(2)])
            }
            None => SellerId::Long(id.to_ascii_uppercase()),
        }
    }
}

/// A contract as the data layer reads it (borrowed text, no allocation per row).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContractCodes<'a> {
    /// With the number, decides which contract of a seller is its latest.
    pub registered_on: Option<NaiveDate>,
    pub registration_number: &'a str,
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
    /// Office → its interned (region, city), so that each office is placed once.
    office_regions: FastMap<PlaceKey, [u16; 2]>,
    /// (country, admin area) → its interned (region, city), each placed once.
    party_regions: FastMap<(PlaceKey, PlaceKey), [u16; 2]>,
    /// Sellers by upper-case USCC or ID number.
    sellers_by_id: FastMap<SellerId, u32>,
    /// Sellers without an ID, by [`seller_key`].
    sellers_by_name: FastMap<String, u32>,
}

impl YearFacts {
    pub fn new(year: i32) -> Self {
        YearFacts {
            year,
            ..Default::default()
        }
    }

    /// Adds one registered contract, in any order: a seller's name and nature are those of
    /// its latest contract by [`registration_order`] (the later pushed, between equals).
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
        let [office_region, office_city] = self.office_place(c.office_code);
        let [seller_region, seller_city] =
            self.party_place(c.seller_country_code, c.seller_admin_code);
        let [buyer_region, buyer_city] = self.party_place(c.buyer_country_code, c.buyer_admin_code);
        let seller = self.seller(c, codes[Coded::SellerNature.index()]);
        self.facts.push(Fact {
            total_fen: c.total_fen,
            seller,
            codes,
            regions: [office_region, seller_region, buyer_region],
            cities: [office_city, seller_city, buyer_city],
        });
    }

    fn intern_region(&mut self, code: Option<&str>) -> u16 {
        code.map_or(NONE, |c| self.regions.intern(c))
    }

    /// The interned (region, city) of an office, looked up once per office.
    fn office_place(&mut self, office_code: &str) -> [u16; 2] {
        let key = PlaceKey::of(office_code);
        if let Some(&place) = key.and_then(|k| self.office_regions.get(&k)) {
            return place;
        }
        let (region, city) = office_region(office_code);
        let place = [self.intern_region(region), self.intern_region(city)];
        if let Some(k) = key {
            self.office_regions.insert(k, place);
        }
        place
    }

    /// The interned (region, city) of a party, looked up once per country and admin area.
    fn party_place(&mut self, country: &str, admin: &str) -> [u16; 2] {
        let key = PlaceKey::of(country).zip(PlaceKey::of(admin));
        if let Some(&place) = key.and_then(|k| self.party_regions.get(&k)) {
            return place;
        }
        let admin = Some(admin).filter(|a| !a.is_empty());
        let region = region::party_region(country, admin).map(|r| r.code);
        let city = admin.and_then(region::stats_city).map(|r| r.code);
        let place = [self.intern_region(region), self.intern_region(city)];
        if let Some(k) = key {
            self.party_regions.insert(k, place);
        }
        place
    }

    /// The seller's index, its latest name and nature recorded.
    fn seller(&mut self, c: &ContractCodes<'_>, nature: u16) -> u32 {
        let order = registration_order(c.registered_on, c.registration_number);
        let id = c.seller_uscc.trim();
        let found = if id.is_empty() {
            let key = seller_key(id, c.seller_country_code, c.seller_name);
            self.sellers_by_name.get(&key).copied().ok_or(Ok(key))
        } else {
            let key = SellerId::of(id);
            self.sellers_by_id.get(&key).copied().ok_or(Err(key))
        };
        match found {
            Ok(i) => {
                let s = &mut self.sellers[i as usize];
                if order >= s.latest {
                    let hash = name_hash(c.seller_name);
                    if s.name_hash != hash {
                        c.seller_name.clone_into(&mut s.name);
                        s.name_hash = hash;
                    }
                    s.nature = nature;
                    s.latest = order;
                }
                i
            }
            Err(new_key) => {
                let i = self.sellers.len() as u32;
                self.sellers.push(Seller {
                    name: c.seller_name.to_owned(),
                    nature,
                    latest: order,
                    name_hash: name_hash(c.seller_name),
                });
                match new_key {
                    Ok(key) => self.sellers_by_name.insert(key, i),
                    Err(key) => self.sellers_by_id.insert(key, i),
                };
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
            registered_on: None,
            registration_number: "",
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

    #[test]
    fn a_sellers_latest_contract_wins_whatever_the_order() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2016, 3, d);
        let mut y = YearFacts::new(2016);
        let mut later = contract("110101", "91110000A", "新名称", "160");
        later.registered_on = day(20);
        later.registration_number = "2016110101000002";
        let mut earlier = contract("110101", "91110000a", "旧名称", "150");
        earlier.registered_on = day(5);
        earlier.registration_number = "2016110101000001";
        y.push(&later);
        y.push(&earlier);
        assert_eq!(y.sellers.len(), 1);
        assert_eq!(
            y.sellers[0].name, "新名称",
            "an earlier contract read later"
        );
        assert_eq!(
            y.code(Coded::SellerNature, y.sellers[0].nature),
            Some("160")
        );
        // The same day: the higher number is the later registration.
        let mut same_day = contract("110101", "91110000A", "同日更名", "150");
        same_day.registered_on = day(20);
        same_day.registration_number = "2016110101000003";
        y.push(&same_day);
        assert_eq!(y.sellers[0].name, "同日更名");
        // Between equals, the one pushed last.
        let mut tie = same_day;
        tie.seller_name = "再次更名";
        y.push(&tie);
        assert_eq!(y.sellers[0].name, "再次更名");
        assert_eq!(y.facts.len(), 4);
    }

    #[test]
    fn registration_order_compares_date_then_number() {
        let d = NaiveDate::from_ymd_opt(2016, 1, 2);
        assert!(registration_order(None, "9999999999999999") < registration_order(d, ""));
        assert!(
            registration_order(d, "2016110101000009") < registration_order(d, "2016110101000010")
        );
        assert_eq!(
            registration_order(d, "2016 1101 01 000009"),
            registration_order(d, "2016110101000009"),
            "only digits count"
        );
        // More digits than an integer holds are cut, never an overflow.
        let long = "9".repeat(40);
        assert_eq!(registration_order(d, &long).1, 9_999_999_999_999_999_999);
    }

    #[test]
    fn codes_keep_their_own_integer_however_they_are_stored() {
        let mut i = Interner::default();
        let codes = [
            "1",
            "01",
            "001",
            "10",
            "100",
            "999",
            "0",
            "abc",
            "12345678",
            "123456789",
        ];
        let ints: Vec<u16> = codes.iter().map(|c| i.intern(c)).collect();
        let mut distinct = ints.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), codes.len(), "{ints:?}");
        for (c, n) in codes.iter().zip(&ints) {
            assert_eq!(i.intern(c), *n, "{c} again");
            assert_eq!(i.code(*n), Some(*c));
        }
        assert_eq!(i.intern(""), NONE);
        assert_eq!(i.len(), codes.len());
    }

    #[test]
    fn long_seller_ids_are_keys_too() {
        let mut y = YearFacts::new(2016);
        let long = "X".repeat(30);
        y.push(&contract("110101", &long, "甲", "150"));
        y.push(&contract("110101", &long.to_ascii_lowercase(), "甲", "150"));
        y.push(&contract("110101", &"X".repeat(24), "乙", "150"));
        assert_eq!(y.sellers.len(), 2);
    }
}
