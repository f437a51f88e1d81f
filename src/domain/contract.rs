//! The contract as typed (`ContractInput`: every field as text, named as the contracts CSV
//! columns) and as accepted (`Contract`: parsed values that passed every rule of
//! `domain::rules`).
//!
//! Field order is the column order of interchange.md §1 (without the four columns the system
//! sets: `registration_number`, `status`, `office_code`, `registered_on`), so serialising a
//! `ContractInput` writes the columns in their interchange order.

use chrono::NaiveDate;

use crate::catalog::list::CodeList;
use crate::domain::admin_code::AdminCode;
use crate::domain::dates;
use crate::domain::fields::{FieldSpec, MAX_TEXT_CHARS, Scope, party};
use crate::domain::id_card::IdNumber;
use crate::domain::money::Money;
use crate::domain::text;
use crate::domain::uscc::Uscc;

/// Declares the input struct, its field list, accessors and field specifications from one
/// list, so the names, their order and what each holds cannot drift apart.
macro_rules! contract_fields {
    ($($field:ident = $spec:expr),* $(,)?) => {
        /// What a clerk typed or a CSV row holds: every field as text, named exactly as the
        /// contracts CSV columns (interchange.md §1) minus `registration_number`, `status`,
        /// `office_code` and `registered_on`. Missing fields deserialise as empty.
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
        #[serde(default)]
        pub struct ContractInput {
            $(pub $field: String,)*
        }

        impl ContractInput {
            /// Field names in CSV column order (interchange.md §1, minus the 4 system columns).
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Every field's specification, in CSV column order.
            pub const SPECS: &'static [FieldSpec] =
                &[$(FieldSpec { key: stringify!($field), ..$spec }),*];

            /// The text of field `field`; `None` for an unknown name.
            pub fn get(&self, field: &str) -> Option<&str> {
                match field {
                    $(stringify!($field) => Some(self.$field.as_str()),)*
                    _ => None,
                }
            }

            /// Mutable access to field `field`; `None` for an unknown name.
            pub fn get_mut(&mut self, field: &str) -> Option<&mut String> {
                match field {
                    $(stringify!($field) => Some(&mut self.$field),)*
                    _ => None,
                }
            }
        }

        /// The specification of field `field`; `None` for an unknown name.
        pub fn spec(field: &str) -> Option<&'static FieldSpec> {
            match field {
                $(stringify!($field) => {
                    const SPEC: FieldSpec = FieldSpec { key: stringify!($field), ..$spec };
                    Some(&SPEC)
                })*
                _ => None,
            }
        }
    };
}

contract_fields! {
    project_name = FieldSpec::line("项目名称", MAX_TEXT_CHARS)
        .required()
        .hint("合同的完整项目名称"),
    signed_on = FieldSpec::date("签订日期").required().help("YYYY-MM-DD").hint("格式 YYYY-MM-DD"),
    valid_from = FieldSpec::date("有效期起").required().help("YYYY-MM-DD"),
    valid_to = FieldSpec::date("有效期止")
        .required()
        .help("YYYY-MM-DD")
        .hint("登记时合同须在有效期内"),
    category_code = FieldSpec::code("合同类别", CodeList::Category)
        .required()
        .help("合同类别的子类代码：11 12 20–29 30 41 42 43，见“合同类别”表"),
    ip_code = FieldSpec::code("知识产权类别", CodeList::Ip)
        .required()
        .help("01 021 022 023 03 04 05 06 07 99，见“知识产权类别”表"),
    tech_field_code = FieldSpec::code("技术领域", CodeList::TechField)
        .required()
        .help("01–11，见“技术领域”表"),
    objective_code = FieldSpec::code("社会经济目标", CodeList::Objective)
        .required()
        .help("01–13，见“社会经济目标”表"),
    plan_code = FieldSpec::code("计划来源", CodeList::Plan)
        .required()
        .help("101–117 199 2 3 4 9，见“计划来源”表"),
    plan_name = FieldSpec::line("计划名称及编号", MAX_TEXT_CHARS)
        .required_when("计划来源不是 9 时必填")
        .help("计划项目名称及编号")
        .hint("计划来源不是“计划外”时必填：计划项目名称或编号"),
    payment_code = FieldSpec::code("支付方式", CodeList::Payment)
        .required()
        .help("1 2 3 4 9，见“支付方式”表"),
    non_technical_note = FieldSpec::note("非技术性费用说明")
        .required_when("技术交易额小于成交额时必填")
        .help("非技术性费用（设备、原材料等）的说明")
        .hint("技术交易额小于成交额时必填"),
    third_party_name = FieldSpec::line("第三方名称", MAX_TEXT_CHARS)
        .scope(Scope::Intermediary)
        .required_when("技术中介（42）必填")
        .help("中介方引入的第三方名称；其他类别不填")
        .hint("技术中介合同：中介方促成订立合同的第三方"),
    is_related = FieldSpec::flag("是否关联交易").help("1 表示关联交易；0 或空表示否"),
    seller_uscc_override = party::USCC_OVERRIDE.of_party("卖方统一社会信用代码校验例外原因"),
    buyer_uscc_override = party::USCC_OVERRIDE.of_party("买方统一社会信用代码校验例外原因"),
    total_amount_yuan = FieldSpec::money("成交额（元）")
        .required()
        .help("单位元，最多 2 位小数，不用千分位（如 12500000.00）；大于 0 且小于 1000 亿元")
        .hint("单位：元，最多两位小数"),
    technical_amount_yuan = FieldSpec::money("技术交易额（元）")
        .required()
        .help("单位元；不大于成交额")
        .hint("成交额减去非技术性费用（设备、仪器、零部件、原材料等）"),
    expected_investment_yuan = FieldSpec::money("预计新增投入（元）")
        .scope(Scope::Transfer)
        .required_when("技术转让必填")
        .help("单位元，不小于 0；其他类别不填")
        .hint("技术转让合同必填：实施合同预计新增的投入"),
    expected_output_yuan = FieldSpec::money("预计新增产值（元）")
        .scope(Scope::Transfer)
        .required_when("技术转让必填")
        .help("单位元，不小于 0；其他类别不填")
        .hint("技术转让合同必填：实施后预计新增的产值"),
    seller_name = party::NAME.of_party("卖方名称"),
    buyer_name = party::NAME.of_party("买方名称"),
    seller_country_code = party::COUNTRY.of_party("卖方国别代码"),
    buyer_country_code = party::COUNTRY.of_party("买方国别代码"),
    seller_admin_code = party::ADMIN.of_party("卖方行政区划代码"),
    buyer_admin_code = party::ADMIN.of_party("买方行政区划代码"),
    seller_uscc = party::USCC.of_party("卖方统一社会信用代码"),
    buyer_uscc = party::USCC.of_party("买方统一社会信用代码"),
    seller_nature_code = party::NATURE.of_party("卖方性质"),
    buyer_nature_code = party::NATURE.of_party("买方性质"),
    seller_address = party::ADDRESS.of_party("卖方通讯地址"),
    seller_zipcode = party::ZIPCODE.of_party("卖方邮政编码"),
    seller_representative = party::REPRESENTATIVE.of_party("卖方法定代表人"),
    seller_contact = party::CONTACT.of_party("卖方联系人"),
    seller_phone = party::PHONE.of_party("卖方联系电话"),
    buyer_address = party::ADDRESS.of_party("买方通讯地址"),
    buyer_zipcode = party::ZIPCODE.of_party("买方邮政编码"),
    buyer_representative = party::REPRESENTATIVE.of_party("买方法定代表人"),
    buyer_contact = party::CONTACT.of_party("买方联系人"),
    buyer_phone = party::PHONE.of_party("买方联系电话"),
}

/// The zh label of every field (form labels; error messages use it without "（元）"),
/// e.g. "total_amount_yuan" → "成交额（元）". Empty for an unknown name.
pub fn field_label(field: &str) -> &'static str {
    spec(field).map_or("", |s| s.label)
}

impl ContractInput {
    /// Sets field `field`; `false` (and nothing changed) for an unknown name.
    pub fn set(&mut self, field: &str, value: String) -> bool {
        match self.get_mut(field) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }

    /// Field names with their text, in CSV column order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        Self::FIELDS
            .iter()
            .map(move |f| (*f, self.get(f).unwrap_or_default()))
    }
}

/// The label used inside messages: the form label without its unit ("成交额（元）" → "成交额").
pub fn field_name(field: &str) -> &'static str {
    spec(field).map_or("", FieldSpec::name)
}

/// The two parties of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// 卖方: the technology-supplying side, which applies for registration.
    Seller,
    /// 买方.
    Buyer,
}

impl Side {
    /// Both sides, seller first.
    pub const BOTH: [Side; 2] = [Side::Seller, Side::Buyer];

    /// "卖方" / "买方".
    pub fn label(self) -> &'static str {
        match self {
            Side::Seller => "卖方",
            Side::Buyer => "买方",
        }
    }

    /// The input field of this side for `suffix` (e.g. `"name"` → `"seller_name"`); `None`
    /// when no such field exists.
    pub fn field(self, suffix: &str) -> Option<&'static str> {
        let prefix = match self {
            Side::Seller => "seller_",
            Side::Buyer => "buyer_",
        };
        ContractInput::FIELDS
            .iter()
            .copied()
            .find(|f| f.strip_prefix(prefix) == Some(suffix))
    }
}

/// A party's identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyId {
    /// 统一社会信用代码 of an organisation.
    Uscc(Uscc),
    /// 居民身份证号码 of a natural person (nature 600).
    IdNumber(IdNumber),
    /// Abroad / 港澳台 without a domestic code.
    None,
}

/// One party (seller or buyer) as recorded on a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Name, normalised (`text::normalise`).
    pub name: String,
    /// Customs country code, 3 digits (142 = 中国).
    pub country_code: String,
    /// GB/T 2260 code; `Some` exactly for country 142.
    pub admin_code: Option<AdminCode>,
    pub id: PartyId,
    /// The registrar's reason for accepting a USCC whose check character fails.
    pub uscc_override: Option<String>,
    /// Normalised 3-digit nature code (`catalog::nature::normalise`).
    pub nature_code: String,
    pub address: String,
    pub zipcode: String,
    pub representative: String,
    pub contact: String,
    pub phone: String,
}

impl Party {
    /// The party-directory key: "uscc:<USCC>", "id:<ID number>", or
    /// "name:<country>:<normalise_name(name)>" for parties without a domestic code.
    pub fn directory_key(&self) -> String {
        match &self.id {
            PartyId::Uscc(u) => format!("uscc:{u}"),
            PartyId::IdNumber(id) => format!("id:{id}"),
            PartyId::None => format!(
                "name:{}:{}",
                self.country_code,
                text::normalise_name(&self.name)
            ),
        }
    }

    /// The USCC or ID number in its normalised form; `None` without one.
    pub fn id_str(&self) -> Option<&str> {
        match &self.id {
            PartyId::Uscc(u) => Some(u.as_str()),
            PartyId::IdNumber(id) => Some(id.as_str()),
            PartyId::None => None,
        }
    }

    /// Whether the party is in mainland China (country 142).
    pub fn is_domestic(&self) -> bool {
        self.country_code == crate::catalog::country::CHINA
    }

    fn write_into(&self, side: Side, input: &mut ContractInput) {
        let values = [
            ("name", self.name.clone()),
            ("country_code", self.country_code.clone()),
            (
                "admin_code",
                self.admin_code
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            ("uscc", self.id_str().unwrap_or_default().to_owned()),
            (
                "uscc_override",
                self.uscc_override.clone().unwrap_or_default(),
            ),
            ("nature_code", self.nature_code.clone()),
            ("address", self.address.clone()),
            ("zipcode", self.zipcode.clone()),
            ("representative", self.representative.clone()),
            ("contact", self.contact.clone()),
            ("phone", self.phone.clone()),
        ];
        for (suffix, value) in values {
            if let Some(field) = side.field(suffix) {
                input.set(field, value);
            }
        }
    }
}

/// A contract that passed every rule of `domain::rules::check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub project_name: String,
    pub signed_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// Leaf code of `catalog::category` (11, 12, 20–29, 30, 41–43).
    pub category_code: String,
    pub ip_code: String,
    pub tech_field_code: String,
    pub objective_code: String,
    pub plan_code: String,
    /// `None` for 计划外 (plan 9).
    pub plan_name: Option<String>,
    pub payment_code: String,
    /// `Some` exactly when 技术交易额 < 成交额.
    pub non_technical_note: Option<String>,
    /// `Some` exactly for 技术中介 (42).
    pub third_party_name: Option<String>,
    pub is_related: bool,
    /// 成交额.
    pub total: Money,
    /// 技术交易额.
    pub technical: Money,
    /// 预计新增投入: `Some` exactly for 技术转让.
    pub expected_investment: Option<Money>,
    /// 预计新增产值: `Some` exactly for 技术转让.
    pub expected_output: Option<Money>,
    pub seller: Party,
    pub buyer: Party,
}

/// Separates the parts of `duplicate_key`; control characters never survive the checks, so
/// it cannot occur inside a part.
const KEY_SEPARATOR: char = '\u{1F}';

impl Contract {
    /// Back to text in canonical form: dates `YYYY-MM-DD`, amounts with exactly 2 decimals and
    /// no grouping, `is_related` "1"/"0", absent values empty. `check` of the result gives
    /// this contract again.
    pub fn to_input(&self) -> ContractInput {
        let money = |m: Option<Money>| m.map(Money::yuan_string).unwrap_or_default();
        let mut input = ContractInput {
            project_name: self.project_name.clone(),
            signed_on: dates::format_date(self.signed_on),
            valid_from: dates::format_date(self.valid_from),
            valid_to: dates::format_date(self.valid_to),
            category_code: self.category_code.clone(),
            ip_code: self.ip_code.clone(),
            tech_field_code: self.tech_field_code.clone(),
            objective_code: self.objective_code.clone(),
            plan_code: self.plan_code.clone(),
            plan_name: self.plan_name.clone().unwrap_or_default(),
            payment_code: self.payment_code.clone(),
            non_technical_note: self.non_technical_note.clone().unwrap_or_default(),
            third_party_name: self.third_party_name.clone().unwrap_or_default(),
            is_related: if self.is_related { "1" } else { "0" }.to_owned(),
            total_amount_yuan: self.total.yuan_string(),
            technical_amount_yuan: self.technical.yuan_string(),
            expected_investment_yuan: money(self.expected_investment),
            expected_output_yuan: money(self.expected_output),
            ..ContractInput::default()
        };
        self.seller.write_into(Side::Seller, &mut input);
        self.buyer.write_into(Side::Buyer, &mut input);
        input
    }

    /// The duplicate-guard key of domain.md §4.2 rule 8: seller and buyer (their directory
    /// keys, i.e. USCC / ID number, or name for parties without one), signing date and the
    /// normalised project name. Equal keys mean the same contract.
    pub fn duplicate_key(&self) -> String {
        let sep = KEY_SEPARATOR;
        format!(
            "{}{sep}{}{sep}{}{sep}{}",
            self.seller.directory_key(),
            self.buyer.directory_key(),
            dates::format_date(self.signed_on),
            text::normalise_name(&self.project_name)
        )
    }

    /// Whether the contract is a 技术转让 subcategory.
    pub fn is_transfer(&self) -> bool {
        crate::catalog::category::is_transfer(&self.category_code)
    }

    /// Whether the contract is a 重大技术合同 (成交额 ≥ 1000 万元, domain.md §4.3).
    pub fn is_major(&self) -> bool {
        self.total.fen() >= 1_000_000_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_the_interchange_columns() {
        let f = ContractInput::FIELDS;
        assert_eq!(f.len(), 40);
        assert_eq!(
            &f[..4],
            ["project_name", "signed_on", "valid_from", "valid_to"]
        );
        assert_eq!(
            &f[20..30],
            [
                "seller_name",
                "buyer_name",
                "seller_country_code",
                "buyer_country_code",
                "seller_admin_code",
                "buyer_admin_code",
                "seller_uscc",
                "buyer_uscc",
                "seller_nature_code",
                "buyer_nature_code",
            ]
        );
        assert_eq!(f[30], "seller_address");
        assert_eq!(f[39], "buyer_phone");
        let mut sorted = f.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), f.len(), "names are unique");
        for system in [
            "registration_number",
            "status",
            "office_code",
            "registered_on",
        ] {
            assert!(!f.contains(&system));
        }
    }

    #[test]
    fn get_set_and_labels() {
        let mut input = ContractInput::default();
        for (i, field) in ContractInput::FIELDS.iter().enumerate() {
            assert!(input.set(field, format!("v{i}")));
            assert_eq!(input.get(field), Some(format!("v{i}").as_str()));
            assert!(!field_label(field).is_empty(), "{field}");
        }
        assert_eq!(input.project_name, "v0");
        assert_eq!(input.buyer_phone, "v39");
        assert!(!input.set("registration_number", "x".into()));
        assert_eq!(input.get("nope"), None);
        assert_eq!(field_label("total_amount_yuan"), "成交额（元）");
        assert_eq!(field_name("total_amount_yuan"), "成交额");
        assert_eq!(field_name("seller_uscc"), "卖方统一社会信用代码");
        assert_eq!(field_label("nope"), "");
        let pairs: Vec<(&str, &str)> = input.iter().take(2).collect();
        assert_eq!(pairs, [("project_name", "v0"), ("signed_on", "v1")]);
    }

    #[test]
    fn serde_uses_field_names_and_defaults() {
        let json = r#"{"project_name":"某项目","total_amount_yuan":"12500.00","csrf_token":"x"}"#;
        let input: ContractInput = serde_json::from_str(json).expect("missing fields default");
        assert_eq!(input.project_name, "某项目");
        assert_eq!(input.total_amount_yuan, "12500.00");
        assert_eq!(input.buyer_name, "");
        let value = serde_json::to_value(&input).expect("serialises");
        let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
        assert_eq!(keys.len(), 40);
    }

    #[test]
    fn sides() {
        assert_eq!(Side::Seller.field("uscc"), Some("seller_uscc"));
        assert_eq!(
            Side::Buyer.field("uscc_override"),
            Some("buyer_uscc_override")
        );
        assert_eq!(Side::Buyer.field("nope"), None);
        assert_eq!(Side::Seller.label(), "卖方");
    }

    fn party(id: PartyId, name: &str, country: &str) -> Party {
        Party {
            name: name.into(),
            country_code: country.into(),
            admin_code: None,
            id,
            uscc_override: None,
            nature_code: "500".into(),
            address: String::new(),
            zipcode: String::new(),
            representative: String::new(),
            contact: String::new(),
            phone: String::new(),
        }
    }

    #[test]
    fn directory_keys() {
        let u = Uscc::parse("911101081000112339").expect("valid");
        let p = party(PartyId::Uscc(u), "北京某某", "142");
        assert_eq!(p.directory_key(), "uscc:911101081000112339");
        assert_eq!(p.id_str(), Some("911101081000112339"));
        let id = IdNumber::parse("11010519491231002X").expect("valid");
        let p = party(PartyId::IdNumber(id), "张三", "142");
        assert_eq!(p.directory_key(), "id:11010519491231002X");
        let p = party(PartyId::None, "ACME Corp.", "502");
        assert_eq!(p.directory_key(), "name:502:acme corp.");
        assert_eq!(p.id_str(), None);
        assert!(!p.is_domestic());
    }
}
