//! The field rules of the contract form and the contracts CSV (domain.md §4.2, interchange.md
//! §1): `check` turns a `ContractInput` into a `Contract` or into every problem at once.
//!
//! Errors are keyed by input field, in zh, and name the field. A field that fails on its own
//! (empty, malformed, unknown code) is left out of the rules that combine it with other
//! fields, so one mistake gives one message. Warnings never block.
//! Rule 8 (duplicate guard) needs the database; only its key lives here
//! (`Contract::duplicate_key`).

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};

use crate::catalog::category::{self, IpRule, Leaf};
use crate::catalog::country::{self, Bucket};
use crate::catalog::nature::{self, Nature};
use crate::catalog::{ip, objective, payment, plan, region, tech_field};
use crate::domain::admin_code::{AdminCode, AdminCodeError};
use crate::domain::contract::{Contract, ContractInput, Party, PartyId, Side, field_name, spec};
use crate::domain::dates;
use crate::domain::field_errors::FieldErrors;
use crate::domain::fields::{Kind, MAX_CODE_CHARS, Scope};
use crate::domain::id_card::IdNumber;
use crate::domain::money::{Money, MoneyError};
use crate::domain::office_code::OfficeCode;
use crate::domain::text;
use crate::domain::uscc::{Uscc, UsccError};

/// Which checks apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A clerk's filing or a `submitted` CSV row.
    Filing,
    /// A historical `registered` CSV row (interchange.md §1): skips rule 5's registration-date
    /// checks and rule 7, the contact block is optional, and a well-formed admin code missing
    /// from today's table (abolished since) is a warning.
    Historical,
}

/// What the rules need besides the input.
#[derive(Debug, Clone)]
pub struct RuleContext {
    /// The registering office (its territory for rule 7).
    pub office_code: OfficeCode,
    /// Today in China Standard Time.
    pub today: NaiveDate,
    /// The registration date rule 5 checks against: for Filing, today (the prospective date);
    /// for Historical, the row's `registered_on`.
    pub registration_date: NaiveDate,
    pub mode: Mode,
}

impl RuleContext {
    /// A context for a clerk's filing today.
    pub fn filing(office_code: OfficeCode, today: NaiveDate) -> Self {
        Self {
            office_code,
            today,
            registration_date: today,
            mode: Mode::Filing,
        }
    }

    /// A context for a historical row registered on `registered_on`.
    pub fn historical(office_code: OfficeCode, today: NaiveDate, registered_on: NaiveDate) -> Self {
        Self {
            office_code,
            today,
            registration_date: registered_on,
            mode: Mode::Historical,
        }
    }
}

/// A warning: shown, never blocking. (field, zh message; without the "警告：" that the import
/// listing puts in front, e.g. "成交额不足 1000 元，请确认单位是元而不是万元")
pub type Warning = (String, String);

/// A contract that passed every rule, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Checked {
    pub contract: Contract,
    pub warnings: Vec<Warning>,
}

/// Below this 成交额 (1,000 元, in fen) the amount was probably typed in 万元.
pub const SMALL_TOTAL_FEN: i64 = 100_000;

/// The fields a category's form shows: all of them, except 预计新增投入/产值 outside 技术转让
/// and 第三方名称 outside 技术中介. An unknown category shows every field.
pub fn fields_for_category(category_code: &str) -> Vec<&'static str> {
    let code = leaf_code(&text::compact(category_code));
    let known = category::is_leaf(&code);
    ContractInput::FIELDS
        .iter()
        .copied()
        .filter(|f| !known || belongs(f, &code))
        .collect()
}

/// Whether `field` belongs to the form of leaf `code` (its spec's scope).
fn belongs(field: &str, code: &str) -> bool {
    match spec(field).map_or(Scope::All, |s| s.scope) {
        Scope::All => true,
        Scope::Transfer => category::is_transfer(code),
        Scope::Intermediary => category::is_intermediary(code),
    }
}

/// 技术咨询 has no subcategories, so its category code "3" stands for its only leaf.
fn leaf_code(code: &str) -> String {
    if code == "3" {
        "30".to_owned()
    } else {
        code.to_owned()
    }
}

/// The part of the country an office registers contracts for (domain.md §4.2 rule 7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Territory {
    /// Admin-code prefix: `PPCC` for a prefecture-level office, `PP` for a province-level
    /// one, `65` (新疆) for a 兵团 office.
    pub prefix: String,
    /// zh name, e.g. "北京市", "广东省深圳市".
    pub name: String,
}

impl Territory {
    /// The territory of office `office`.
    pub fn of(office: &OfficeCode) -> Self {
        let code = office.as_str();
        // 兵团 offices (66CCNN) have no GB/T 2260 area of their own; their sellers are in 新疆.
        if code.starts_with("66") {
            return Self {
                prefix: "65".to_owned(),
                name: "新疆维吾尔自治区（新疆生产建设兵团）".to_owned(),
            };
        }
        let area = office.area_code();
        let prefix = if area.get(2..4) == Some("00") {
            area.get(..2)
        } else {
            area.get(..4)
        };
        Self {
            prefix: prefix.unwrap_or_default().to_owned(),
            name: region::full_name(&area).unwrap_or_else(|| area.clone()),
        }
    }

    /// Whether `code` lies in the territory.
    pub fn contains(&self, code: &AdminCode) -> bool {
        code.as_str().starts_with(&self.prefix)
    }
}

/// Applies every rule at once. Errors are field-keyed (field = `ContractInput` field name), zh,
/// and name the field (e.g. "成交额不能为空", "卖方统一社会信用代码：校验位错误，应为 9"), all found
/// in one pass.
pub fn check(
    input: &ContractInput,
    ctx: &RuleContext,
) -> Result<Checked, (FieldErrors, Vec<Warning>)> {
    let mut ck = Checker::new(input, ctx);
    let parts = ck.run();
    if ck.errors.is_empty() {
        if let Some(contract) = parts.into_contract() {
            return Ok(Checked {
                contract,
                warnings: ck.warnings,
            });
        }
        // Every missing part has reported an error; this only guards that promise.
        ck.error("project_name", "合同数据不完整，请检查各项");
    }
    Err((ck.errors, ck.warnings))
}

// ---------------------------------------------------------------------------------------------
// Text clean-up shared by every field.

/// The most characters field `field` may hold once cleaned (its spec's limit): the one limit
/// that the form's `maxlength`, saving a draft and the rules share.
pub fn max_chars(field: &str) -> usize {
    spec(field).map_or(MAX_CODE_CHARS, |s| s.kind.max_chars())
}

/// Field `field`'s text as the rules read it (folded, trimmed, whitespace collapsed or
/// removed), and the reason it cannot be kept at all: a forbidden character (control or
/// invisible format characters) or more than [`max_chars`].
fn clean(field: &str, raw: &str) -> (String, Option<String>) {
    let raw = raw.trim();
    let kind = spec(field).map_or(Kind::Code(None), |s| s.kind);
    let name = field_name(field);
    let breaks = match kind {
        Kind::Line(_) => text::Breaks::None,
        _ => text::Breaks::Lines,
    };
    let cleaned = if kind.is_text() {
        text::normalise(raw)
    } else {
        text::compact(raw)
    };
    if let Some(bad) = text::forbidden(raw, breaks) {
        return (cleaned, Some(bad.message(name)));
    }
    let (n, max) = (cleaned.chars().count(), kind.max_chars());
    if n > max {
        return (
            cleaned,
            Some(format!("{name}不能超过 {max} 个字（现为 {n} 个字）")),
        );
    }
    (cleaned, None)
}

/// What even a draft must satisfy: no forbidden characters and no field longer than its limit.
/// Everything else may still be missing or wrong in a draft.
pub fn check_text(input: &ContractInput) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for &field in ContractInput::FIELDS {
        if let (_, Some(problem)) = clean(field, input.get(field).unwrap_or_default()) {
            errors.add(field, problem);
        }
    }
    errors
}

/// `name` followed by `message`, merging a repeated word: "卖方行政区划代码" + "行政区划代码应为
/// 6 位数字" gives "卖方行政区划代码应为 6 位数字"; otherwise "name：message".
fn prefixed(name: &str, message: &str) -> String {
    for (i, _) in name.char_indices() {
        let tail = &name[i..];
        if tail.chars().count() >= 2 && message.starts_with(tail) {
            return format!("{name}{}", &message[tail.len()..]);
        }
    }
    format!("{name}：{message}")
}

/// A value as quoted in a message, cut short so a pasted paragraph does not flood the page.
fn shown(value: &str) -> String {
    const MAX: usize = 20;
    if value.chars().count() > MAX {
        let head: String = value.chars().take(MAX).collect();
        format!("{head}…")
    } else {
        value.to_owned()
    }
}

/// A USCC, accepting a failed check character when the registrar gave a reason.
fn parse_uscc(typed: &str, reason: &str) -> Result<Uscc, UsccError> {
    if reason.is_empty() {
        Uscc::parse(typed)
    } else {
        Uscc::parse_with_override(typed, reason)
    }
}

/// Restores leading zeros that spreadsheets drop from fixed-width numeric codes ("1" → "01").
fn pad(code: &str, width: usize) -> String {
    if !code.is_empty() && code.len() < width && code.bytes().all(|b| b.is_ascii_digit()) {
        format!("{code:0>width$}")
    } else {
        code.to_owned()
    }
}

fn pad_ip(code: &str) -> String {
    match code {
        // 专利 kinds lose their leading zero in spreadsheets too.
        "21" | "22" | "23" => format!("0{code}"),
        _ => pad(code, 2),
    }
}

fn pad_nature(code: &str) -> String {
    if code.len() == 2 {
        pad(code, 3)
    } else {
        code.to_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// The checker.

/// Input field names of one side.
struct PartyFields {
    name: &'static str,
    country: &'static str,
    admin: &'static str,
    uscc: &'static str,
    uscc_override: &'static str,
    nature: &'static str,
    address: &'static str,
    zipcode: &'static str,
    representative: &'static str,
    contact: &'static str,
    phone: &'static str,
}

const SELLER_FIELDS: PartyFields = PartyFields {
    name: "seller_name",
    country: "seller_country_code",
    admin: "seller_admin_code",
    uscc: "seller_uscc",
    uscc_override: "seller_uscc_override",
    nature: "seller_nature_code",
    address: "seller_address",
    zipcode: "seller_zipcode",
    representative: "seller_representative",
    contact: "seller_contact",
    phone: "seller_phone",
};

const BUYER_FIELDS: PartyFields = PartyFields {
    name: "buyer_name",
    country: "buyer_country_code",
    admin: "buyer_admin_code",
    uscc: "buyer_uscc",
    uscc_override: "buyer_uscc_override",
    nature: "buyer_nature_code",
    address: "buyer_address",
    zipcode: "buyer_zipcode",
    representative: "buyer_representative",
    contact: "buyer_contact",
    phone: "buyer_phone",
};

fn party_fields(side: Side) -> &'static PartyFields {
    match side {
        Side::Seller => &SELLER_FIELDS,
        Side::Buyer => &BUYER_FIELDS,
    }
}

/// What could be read of one party; `None` marks a part that failed (with its error).
struct PartyParts {
    name: Option<String>,
    country: Option<(String, Bucket)>,
    /// `Some(None)`: correctly without an admin code (abroad / 港澳台).
    admin_code: Option<Option<AdminCode>>,
    id: Option<PartyId>,
    uscc_override: Option<Option<String>>,
    nature: Option<&'static Nature>,
    /// address, zipcode, representative, contact, phone.
    contact: Option<[String; 5]>,
}

impl PartyParts {
    fn bucket(&self) -> Option<Bucket> {
        self.country.as_ref().map(|c| c.1)
    }

    fn into_party(self) -> Option<Party> {
        let [address, zipcode, representative, contact, phone] = self.contact?;
        Some(Party {
            name: self.name?,
            country_code: self.country?.0,
            admin_code: self.admin_code?,
            id: self.id?,
            uscc_override: self.uscc_override?,
            nature_code: self.nature?.code.to_owned(),
            address,
            zipcode,
            representative,
            contact,
            phone,
        })
    }
}

/// Everything `check` read; a contract when nothing is missing.
struct Parts {
    project_name: Option<String>,
    signed_on: Option<NaiveDate>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    category: Option<&'static Leaf>,
    ip_code: Option<&'static str>,
    tech_field_code: Option<&'static str>,
    objective_code: Option<&'static str>,
    plan_code: Option<&'static str>,
    plan_name: Option<Option<String>>,
    payment_code: Option<&'static str>,
    non_technical_note: Option<Option<String>>,
    third_party_name: Option<Option<String>>,
    is_related: Option<bool>,
    total: Option<Money>,
    technical: Option<Money>,
    expected_investment: Option<Option<Money>>,
    expected_output: Option<Option<Money>>,
    seller: PartyParts,
    buyer: PartyParts,
}

impl Parts {
    fn into_contract(self) -> Option<Contract> {
        Some(Contract {
            project_name: self.project_name?,
            signed_on: self.signed_on?,
            valid_from: self.valid_from?,
            valid_to: self.valid_to?,
            category_code: self.category?.code.to_owned(),
            ip_code: self.ip_code?.to_owned(),
            tech_field_code: self.tech_field_code?.to_owned(),
            objective_code: self.objective_code?.to_owned(),
            plan_code: self.plan_code?.to_owned(),
            plan_name: self.plan_name?,
            payment_code: self.payment_code?.to_owned(),
            non_technical_note: self.non_technical_note?,
            third_party_name: self.third_party_name?,
            is_related: self.is_related?,
            total: self.total?,
            technical: self.technical?,
            expected_investment: self.expected_investment?,
            expected_output: self.expected_output?,
            seller: self.seller.into_party()?,
            buyer: self.buyer.into_party()?,
        })
    }
}

struct Checker<'a> {
    ctx: &'a RuleContext,
    /// The input after the clean-up of `Kind`.
    text: ContractInput,
    /// Fields whose text already failed the clean-up checks.
    bad: HashSet<&'static str>,
    errors: FieldErrors,
    warnings: Vec<Warning>,
}

impl<'a> Checker<'a> {
    fn new(input: &ContractInput, ctx: &'a RuleContext) -> Self {
        let mut ck = Self {
            ctx,
            text: ContractInput::default(),
            bad: HashSet::new(),
            errors: FieldErrors::new(),
            warnings: Vec::new(),
        };
        for &field in ContractInput::FIELDS {
            let (cleaned, problem) = clean(field, input.get(field).unwrap_or_default());
            if let Some(problem) = problem {
                ck.error(field, problem);
                ck.bad.insert(field);
            }
            ck.text.set(field, cleaned);
        }
        ck
    }

    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.add(field, message);
    }

    fn warn(&mut self, field: &str, message: &str) {
        // Lists print "警告：" themselves (interchange.md §1); keep messages bare.
        let message = message.strip_prefix("警告：").unwrap_or(message);
        self.warnings.push((field.to_owned(), message.to_owned()));
    }

    /// Whether anything was entered (even if it failed).
    fn present(&self, field: &str) -> bool {
        self.text.get(field).is_some_and(|v| !v.is_empty())
    }

    /// The cleaned text; `None` when it failed the clean-up checks.
    fn value(&self, field: &str) -> Option<String> {
        if self.bad.contains(field) {
            None
        } else {
            self.text.get(field).map(str::to_owned)
        }
    }

    /// The cleaned text if not empty; nothing reported.
    fn optional(&self, field: &str) -> Option<String> {
        self.value(field).filter(|v| !v.is_empty())
    }

    /// The cleaned text; an error when empty.
    fn required(&mut self, field: &str) -> Option<String> {
        let v = self.value(field)?;
        if v.is_empty() {
            self.error(field, format!("{}不能为空", field_name(field)));
            return None;
        }
        Some(v)
    }

    /// Like `required`, saying why the field is needed here.
    fn required_because(&mut self, field: &str, why: &str) -> Option<String> {
        let v = self.value(field)?;
        if v.is_empty() {
            self.error(field, format!("{}不能为空（{why}）", field_name(field)));
            return None;
        }
        Some(v)
    }

    fn run(&mut self) -> Parts {
        let project_name = self.required("project_name");
        let signed_on = self.date("signed_on");
        let valid_from = self.date("valid_from");
        let valid_to = self.date("valid_to");
        let year = signed_on.and_then(|d| u16::try_from(d.year()).ok());
        let category = self.category(year);
        let ip_code = self.ip();
        let tech_field_code =
            self.listed("tech_field_code", 2, |c| tech_field::get(c).map(|f| f.code));
        let objective_code =
            self.listed("objective_code", 2, |c| objective::get(c).map(|o| o.code));
        let payment_code = self.listed("payment_code", 1, |c| payment::get(c).map(|p| p.code));
        let plan_code = self.plan(year);
        let is_related = self.is_related();
        let total = self.amount("total_amount_yuan", None);
        let technical = self.amount("technical_amount_yuan", None);

        // Parties: the admin-code table is the one in force on the signing date.
        let table_date = signed_on.unwrap_or(self.ctx.today);
        let seller = self.party(Side::Seller, table_date);
        let buyer = self.party(Side::Buyer, table_date);

        let mut parts = Parts {
            project_name,
            signed_on,
            valid_from,
            valid_to,
            category,
            ip_code,
            tech_field_code,
            objective_code,
            plan_code,
            plan_name: None,
            payment_code,
            non_technical_note: None,
            third_party_name: None,
            is_related,
            total,
            technical,
            expected_investment: None,
            expected_output: None,
            seller,
            buyer,
        };
        self.category_fields(&mut parts);
        self.amounts(&mut parts);
        self.ip_rule(&parts);
        self.dates(&parts);
        self.plan_name(&mut parts);
        self.distinct_parties(&parts);
        if self.ctx.mode == Mode::Filing {
            self.one_registration_per_region(&parts);
        }
        parts
    }

    // -- single fields -------------------------------------------------------------------------

    fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let v = self.required(field)?;
        match dates::parse_date(&v, self.ctx.today) {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(field, prefixed(field_name(field), &e.to_string()));
                None
            }
        }
    }

    /// Rule 10: a leaf of the category catalogue in force in the signing year.
    fn category(&mut self, year: Option<u16>) -> Option<&'static Leaf> {
        const FIELD: &str = "category_code";
        let typed = self.required(FIELD)?;
        let code = leaf_code(&typed);
        if let Some(leaf) = category::leaf(&code) {
            return match year {
                Some(y) if !leaf.valid_in(y) => {
                    let label = leaf.full_label();
                    self.error(FIELD, format!("合同类别“{label}”在 {y} 年不可用"));
                    None
                }
                _ => Some(leaf),
            };
        }
        let message = match category::category(&code) {
            Some(parent) => {
                let leaves: Vec<String> = category::leaves_of(parent.code)
                    .map(|l| format!("{}（{}）", l.label, l.code))
                    .collect();
                format!(
                    "合同类别须选到子类：{}分为{}",
                    parent.label,
                    leaves.join("、")
                )
            }
            None => format!("合同类别代码“{}”不存在", shown(&typed)),
        };
        self.error(FIELD, message);
        None
    }

    fn ip(&mut self) -> Option<&'static str> {
        const FIELD: &str = "ip_code";
        let typed = self.required(FIELD)?;
        match ip::get(&pad_ip(&typed)) {
            Some(t) if t.selectable => Some(t.code),
            Some(heading) => {
                let kinds: Vec<String> = ip::ALL
                    .iter()
                    .filter(|t| t.parent == Some(heading.code))
                    .map(|t| format!("{}（{}）", t.label, t.code))
                    .collect();
                self.error(
                    FIELD,
                    format!(
                        "知识产权类别“{}”须选到具体类型：{}",
                        heading.label,
                        kinds.join("、")
                    ),
                );
                None
            }
            None => {
                self.error(FIELD, format!("知识产权类别代码“{}”不存在", shown(&typed)));
                None
            }
        }
    }

    /// A code of a flat list (技术领域, 社会经济目标, 支付方式), zero-padded to `width`.
    fn listed(
        &mut self,
        field: &str,
        width: usize,
        lookup: impl Fn(&str) -> Option<&'static str>,
    ) -> Option<&'static str> {
        let typed = self.required(field)?;
        let found = lookup(&pad(&typed, width));
        if found.is_none() {
            self.error(
                field,
                format!("{}代码“{}”不存在", field_name(field), shown(&typed)),
            );
        }
        found
    }

    fn plan(&mut self, year: Option<u16>) -> Option<&'static str> {
        const FIELD: &str = "plan_code";
        let typed = self.required(FIELD)?;
        let message = match plan::get(&typed) {
            Some(p) if p.selectable => match year {
                Some(y) if !p.valid_in(y) => format!("计划来源“{}”在 {y} 年不可用", p.label),
                _ => return Some(p.code),
            },
            Some(heading) => format!(
                "计划来源“{}”须选到具体计划（{}下的各项计划或“其他”）",
                heading.label, heading.label
            ),
            None => format!("计划来源代码“{}”不存在", shown(&typed)),
        };
        self.error(FIELD, message);
        None
    }

    fn is_related(&mut self) -> Option<bool> {
        const FIELD: &str = "is_related";
        match self.value(FIELD)?.as_str() {
            "1" => Some(true),
            "0" | "" => Some(false),
            other => {
                self.error(
                    FIELD,
                    format!("是否关联交易应填 1（是）或 0（否），现为“{}”", shown(other)),
                );
                None
            }
        }
    }

    /// An amount in 元; `why` given: required for that reason, else required plainly.
    fn amount(&mut self, field: &str, why: Option<&str>) -> Option<Money> {
        let v = match why {
            Some(why) => self.required_because(field, why)?,
            None => self.required(field)?,
        };
        self.parse_money(field, &v)
    }

    fn parse_money(&mut self, field: &str, v: &str) -> Option<Money> {
        let name = field_name(field);
        match Money::parse_yuan(v) {
            Ok(m) => Some(m),
            Err(MoneyError::TooLarge) => {
                self.error(field, format!("{name}应小于 1000 亿元"));
                None
            }
            Err(e) => {
                self.error(field, prefixed(name, &e.to_string()));
                None
            }
        }
    }

    // -- parties (rule 6 for each side) --------------------------------------------------------

    fn party(&mut self, side: Side, table_date: NaiveDate) -> PartyParts {
        let f = party_fields(side);
        let name = self.required(f.name);
        let country = self.country(f.country);
        let bucket = country.as_ref().map(|c| c.1);
        let nature = self.nature(f.nature);
        let admin_code = self.admin_code(side, f, bucket, table_date);
        let (id, uscc_override) = self.party_id(side, f, bucket, nature);
        let contact = self.contact_block(f, bucket, nature);
        PartyParts {
            name,
            country,
            admin_code,
            id,
            uscc_override,
            nature,
            contact,
        }
    }

    fn country(&mut self, field: &str) -> Option<(String, Bucket)> {
        let typed = self.required(field)?;
        let Some(bucket) = country::bucket(&typed) else {
            self.error(
                field,
                format!(
                    "{}应为 3 位数字（中国为 142），现为“{}”",
                    field_name(field),
                    shown(&typed)
                ),
            );
            return None;
        };
        if country::get(&typed).is_none() {
            self.warn(
                field,
                &format!("{} {typed} 不在常用国别代码表中，请核对", field_name(field)),
            );
        }
        Some((typed, bucket))
    }

    fn nature(&mut self, field: &str) -> Option<&'static Nature> {
        let typed = self.required(field)?;
        let name = field_name(field);
        match nature::normalise(&pad_nature(&typed)) {
            Some(n) if n.selectable => Some(n),
            Some(heading) => {
                let kinds: Vec<String> = nature::ALL
                    .iter()
                    .filter(|n| n.parent == Some(heading.code))
                    .map(|n| format!("{}（{}）", n.label, n.code))
                    .collect();
                self.error(
                    field,
                    format!(
                        "{name}“{}”是分类，请选择具体性质：{}",
                        heading.label,
                        kinds.join("、")
                    ),
                );
                None
            }
            None => {
                self.error(field, format!("{name}代码“{}”不存在", shown(&typed)));
                None
            }
        }
    }

    fn admin_code(
        &mut self,
        side: Side,
        f: &PartyFields,
        bucket: Option<Bucket>,
        table_date: NaiveDate,
    ) -> Option<Option<AdminCode>> {
        let name = field_name(f.admin);
        match bucket {
            Some(Bucket::Domestic) => {
                let typed = self.required(f.admin)?;
                let code = match AdminCode::parse_on(&typed, table_date) {
                    Ok(code) => code,
                    Err(AdminCodeError::NotFound(c)) if self.ctx.mode == Mode::Historical => {
                        let code = AdminCode::parse_structure(&c).ok()?;
                        self.warn(
                            f.admin,
                            &format!(
                                "{name} {c} 不在现行区划代码表中（可能已撤销），按历史记录接受"
                            ),
                        );
                        code
                    }
                    Err(AdminCodeError::NotFound(c)) => {
                        self.error(
                            f.admin,
                            format!("{name} {c} 不在现行区划代码表中（可能已撤销或填错）"),
                        );
                        return None;
                    }
                    Err(e) => {
                        self.error(f.admin, prefixed(name, &e.to_string()));
                        return None;
                    }
                };
                if matches!(&code.as_str()[..2], "71" | "81" | "82") {
                    // 港澳台 have their own country codes; 142 means the mainland.
                    self.error(
                        f.country,
                        format!(
                            "{}在港澳台地区时，国别代码应为 110（中国香港）、121（中国澳门）或 143（中国台湾），不填行政区划代码",
                            side.label()
                        ),
                    );
                    return None;
                }
                Some(Some(code))
            }
            Some(Bucket::HkMoTw | Bucket::Abroad) => {
                if self.present(f.admin) {
                    self.error(
                        f.admin,
                        format!(
                            "{}在境外或港澳台地区（国别代码不是 142），不填{name}",
                            side.label()
                        ),
                    );
                    return None;
                }
                Some(None)
            }
            None => {
                // The country failed: check the code on its own, demand nothing.
                if let Some(typed) = self.optional(f.admin)
                    && let Err(e) = AdminCode::parse_structure(&typed)
                {
                    self.error(f.admin, prefixed(name, &e.to_string()));
                }
                None
            }
        }
    }

    /// The USCC or ID number, and the override reason to store.
    fn party_id(
        &mut self,
        side: Side,
        f: &PartyFields,
        bucket: Option<Bucket>,
        nature: Option<&'static Nature>,
    ) -> (Option<PartyId>, Option<Option<String>>) {
        let uscc_name = field_name(f.uscc);
        let id_name = format!("{}身份证号码", side.label());
        // A reason that failed its own checks cannot be judged; leave the code alone too.
        let Some(reason) = self.value(f.uscc_override) else {
            return (None, None);
        };
        let Some(typed) = self.value(f.uscc) else {
            return (None, None);
        };
        let is_person = nature.map(|n| n.code == nature::NATURAL_PERSON);

        let id = if typed.is_empty() {
            match (bucket, is_person) {
                (Some(Bucket::Domestic), Some(true)) => {
                    self.error(
                        f.uscc,
                        format!("{id_name}不能为空（自然人填写 18 位居民身份证号码）"),
                    );
                    None
                }
                (Some(Bucket::Domestic), Some(false)) => {
                    self.error(f.uscc, format!("{uscc_name}不能为空"));
                    None
                }
                (Some(Bucket::HkMoTw | Bucket::Abroad), _) => Some(PartyId::None),
                // Country or nature failed: what is required is unknown.
                _ => None,
            }
        } else {
            match is_person {
                Some(true) => match IdNumber::parse(&typed) {
                    Ok(id) => Some(PartyId::IdNumber(id)),
                    Err(e) => {
                        self.error(f.uscc, prefixed(&id_name, &e.to_string()));
                        None
                    }
                },
                Some(false) => match parse_uscc(&typed, &reason) {
                    Ok(u) => {
                        self.uscc_warnings(side, f, &u, nature);
                        Some(PartyId::Uscc(u))
                    }
                    Err(e) => {
                        self.error(f.uscc, prefixed(uscc_name, &e.to_string()));
                        None
                    }
                },
                None => {
                    // Nature failed: accept either kind of code, report only if neither fits.
                    if IdNumber::parse(&typed).is_err()
                        && let Err(e) = parse_uscc(&typed, &reason)
                    {
                        self.error(f.uscc, prefixed(uscc_name, &e.to_string()));
                    }
                    None
                }
            }
        };

        let overridden = matches!(&id, Some(PartyId::Uscc(u)) if u.check_overridden());
        let stored = if overridden {
            Some(reason)
        } else {
            if !reason.is_empty() && id.is_some() {
                self.warn(
                    f.uscc_override,
                    &format!("{uscc_name}无需校验例外，填写的原因已忽略"),
                );
            }
            None
        };
        (id, Some(stored))
    }

    fn uscc_warnings(
        &mut self,
        side: Side,
        f: &PartyFields,
        u: &Uscc,
        nature: Option<&'static Nature>,
    ) {
        let uscc_name = field_name(f.uscc);
        for w in u.warnings() {
            self.warn(f.uscc, &prefixed(uscc_name, &w.to_string()));
        }
        if u.check_overridden() {
            self.warn(
                f.uscc,
                &format!("{uscc_name} {u} 校验位不符，已按填写的例外原因接受"),
            );
        }
        if let Some(hint) = nature.and_then(|n| u.nature_hint(n.code)) {
            let hint = hint.strip_prefix("警告：").unwrap_or(&hint);
            let named = format!("{}{hint}", side.label());
            self.warn(f.nature, &named);
        }
    }

    /// Address, postcode, representative, contact, phone: required for filings (postcode
    /// excepted; a natural person has no legal representative), optional for history.
    fn contact_block(
        &mut self,
        f: &PartyFields,
        bucket: Option<Bucket>,
        nature: Option<&'static Nature>,
    ) -> Option<[String; 5]> {
        let filing = self.ctx.mode == Mode::Filing;
        let person = nature.is_some_and(|n| n.code == nature::NATURAL_PERSON);
        let take = |ck: &mut Self, field: &str, required: bool| {
            if required {
                ck.required(field)
            } else {
                ck.value(field)
            }
        };
        let address = take(self, f.address, filing);
        let representative = take(self, f.representative, filing && !person);
        let contact = take(self, f.contact, filing);
        let phone = take(self, f.phone, filing);
        let zipcode = self.zipcode(f.zipcode, bucket);
        Some([address?, zipcode?, representative?, contact?, phone?])
    }

    fn zipcode(&mut self, field: &str, bucket: Option<Bucket>) -> Option<String> {
        let v = self.value(field)?;
        if v.is_empty() || matches!(bucket, Some(Bucket::HkMoTw | Bucket::Abroad)) {
            return Some(v);
        }
        let digits = text::compact(&v);
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Some(digits)
        } else {
            self.error(
                field,
                format!("{}应为 6 位数字，现为“{}”", field_name(field), shown(&v)),
            );
            None
        }
    }

    // -- rules across fields -------------------------------------------------------------------

    /// Rules 3 and 9 (third party): fields that belong to some categories only.
    fn category_fields(&mut self, parts: &mut Parts) {
        let Some(leaf) = parts.category else {
            // Unknown category: check what was typed on its own, demand nothing.
            for field in ["expected_investment_yuan", "expected_output_yuan"] {
                if let Some(v) = self.optional(field) {
                    self.parse_money(field, &v);
                }
            }
            return;
        };
        for spec in ContractInput::SPECS {
            if !belongs(spec.key, leaf.code) && self.present(spec.key) {
                let message = format!("{}{}", spec.name(), spec.scope.only_for());
                self.error(spec.key, message);
            }
        }
        if category::is_transfer(leaf.code) {
            let why = Some("技术转让合同必填");
            parts.expected_investment = self.amount("expected_investment_yuan", why).map(Some);
            parts.expected_output = self.amount("expected_output_yuan", why).map(Some);
        } else {
            parts.expected_investment = Some(None);
            parts.expected_output = Some(None);
        }
        parts.third_party_name = if category::is_intermediary(leaf.code) {
            self.required_because("third_party_name", "技术中介合同必填")
                .map(Some)
        } else {
            Some(None)
        };
    }

    /// Rules 1 and 2 and the 万元 habit.
    fn amounts(&mut self, parts: &mut Parts) {
        const TOTAL: &str = "total_amount_yuan";
        const TECHNICAL: &str = "technical_amount_yuan";
        const NOTE: &str = "non_technical_note";
        let mut total = parts.total;
        if let Some(t) = total {
            if t.is_zero() {
                self.error(TOTAL, "成交额应大于 0");
                parts.total = None;
                total = None;
            } else if t.fen() < SMALL_TOTAL_FEN {
                self.warn(TOTAL, "成交额不足 1000 元，请确认单位是元而不是万元");
            }
        }
        let (Some(total), Some(technical)) = (total, parts.technical) else {
            // Without both amounts the note cannot be judged; keep what was typed.
            parts.non_technical_note = self.value(NOTE).map(|v| Some(v).filter(|v| !v.is_empty()));
            return;
        };
        if technical > total {
            self.error(
                TECHNICAL,
                format!("技术交易额不能大于成交额（{} 元）", total.yuan_string()),
            );
            parts.technical = None;
            parts.non_technical_note = self.value(NOTE).map(|_| None);
            return;
        }
        if technical < total {
            parts.non_technical_note = self
                .required_because(
                    NOTE,
                    "技术交易额小于成交额时必填，说明扣除的设备、材料等费用",
                )
                .map(Some);
        } else {
            if self.present(NOTE) {
                self.warn(
                    NOTE,
                    "技术交易额等于成交额，非技术性费用说明已忽略；如有非技术性费用，应从技术交易额中扣除",
                );
            }
            parts.non_technical_note = self.value(NOTE).map(|_| None);
        }
        if !technical.is_zero() && i128::from(technical.fen()) * 10_000 <= i128::from(total.fen()) {
            self.warn(
                TECHNICAL,
                "技术交易额不足成交额的万分之一，请确认单位是元而不是万元",
            );
        }
    }

    /// Rule 4: a transfer subcategory fixes the IP type.
    fn ip_rule(&mut self, parts: &Parts) {
        let (Some(leaf), Some(ip_code)) = (parts.category, parts.ip_code) else {
            return;
        };
        if leaf.ip_rule.allows(ip_code) {
            return;
        }
        let label = leaf.full_label();
        let message = match leaf.ip_rule {
            IpRule::OneOf(codes) => {
                let allowed: Vec<&str> = codes
                    .iter()
                    .filter_map(|c| ip::get(c).map(|t| t.label))
                    .collect();
                format!("{label}合同的知识产权类别应为{}", allowed.join("、"))
            }
            IpRule::AnyInvolved | IpRule::Any => {
                format!("{label}合同须涉及知识产权，不能选“未涉及知识产权”")
            }
        };
        self.error("ip_code", message);
    }

    /// Rule 5.
    fn dates(&mut self, parts: &Parts) {
        let ctx = self.ctx;
        let fmt = dates::format_date;
        if let (Some(from), Some(to)) = (parts.valid_from, parts.valid_to)
            && from > to
        {
            self.error(
                "valid_to",
                format!("有效期止（{}）不能早于有效期起（{}）", fmt(to), fmt(from)),
            );
        }
        if let Some(signed) = parts.signed_on {
            if let Some(to) = parts.valid_to
                && signed > to
            {
                self.error(
                    "signed_on",
                    format!("签订日期（{}）不能晚于有效期止（{}）", fmt(signed), fmt(to)),
                );
            }
            if signed > ctx.today {
                self.error(
                    "signed_on",
                    format!(
                        "签订日期（{}）不能晚于今天（{}）",
                        fmt(signed),
                        fmt(ctx.today)
                    ),
                );
            } else if ctx.mode == Mode::Filing && signed > ctx.registration_date {
                self.error(
                    "signed_on",
                    format!(
                        "签订日期（{}）不能晚于登记日期（{}）",
                        fmt(signed),
                        fmt(ctx.registration_date)
                    ),
                );
            }
        }
        if ctx.mode != Mode::Filing {
            return;
        }
        if let Some(to) = parts.valid_to
            && ctx.registration_date > to
        {
            self.error(
                "valid_to",
                format!("合同已过有效期，不能登记（有效期止 {}）", fmt(to)),
            );
        }
        if let Some(from) = parts.valid_from
            && ctx.registration_date < from
        {
            self.warn(
                "valid_from",
                &format!(
                    "合同有效期自 {} 起，登记时尚未生效，请确认合同已成立生效",
                    fmt(from)
                ),
            );
        }
    }

    /// Rule 9 (plan): a plan other than 计划外 needs its name.
    fn plan_name(&mut self, parts: &mut Parts) {
        const FIELD: &str = "plan_name";
        let Some(code) = parts.plan_code else {
            return;
        };
        if code != plan::UNPLANNED {
            parts.plan_name = self
                .required_because(FIELD, "计划内项目必填计划名称和编号")
                .map(Some);
            return;
        }
        if self.present(FIELD) {
            self.warn(FIELD, "计划外项目无需填写计划名称及编号，已忽略");
        }
        parts.plan_name = self.value(FIELD).map(|_| None);
    }

    /// Rule 6: seller and buyer are different parties.
    fn distinct_parties(&mut self, parts: &Parts) {
        let (s, b) = (&parts.seller, &parts.buyer);
        let same_name = match (&s.name, &b.name) {
            (Some(x), Some(y)) => text::normalise_name(x) == text::normalise_name(y),
            _ => false,
        };
        let same = match (&s.id, &b.id) {
            (Some(PartyId::Uscc(x)), Some(PartyId::Uscc(y))) if x.as_str() == y.as_str() => {
                Some("统一社会信用代码相同")
            }
            (Some(PartyId::IdNumber(x)), Some(PartyId::IdNumber(y))) if x == y => {
                Some("身份证号码相同")
            }
            (Some(PartyId::None), Some(PartyId::None)) if same_name => Some("名称相同"),
            _ => None,
        };
        if let Some(why) = same {
            self.error("buyer_name", format!("买方与卖方不能是同一当事人（{why}）"));
        } else if same_name {
            self.warn("buyer_name", "买方名称与卖方名称相同，请核对");
        }
    }

    /// Rule 7: one registration, in the seller's region (technology imports: the buyer's).
    fn one_registration_per_region(&mut self, parts: &Parts) {
        let territory = Territory::of(&self.ctx.office_code);
        let place = |code: &AdminCode| match code.full_name() {
            Some(name) => format!("{name}（{code}）"),
            None => code.to_string(),
        };
        let (seller, buyer) = (&parts.seller, &parts.buyer);
        match seller.bucket() {
            Some(Bucket::Domestic) => {
                if let Some(Some(code)) = &seller.admin_code
                    && !territory.contains(code)
                {
                    self.error(
                        "seller_admin_code",
                        format!(
                            "卖方所在地{}不在本登记机构的登记地域（{}）内：技术合同由卖方向其所在地的登记机构登记",
                            place(code),
                            territory.name
                        ),
                    );
                }
            }
            Some(Bucket::HkMoTw | Bucket::Abroad) => match buyer.bucket() {
                Some(Bucket::Domestic) => {
                    if let Some(Some(code)) = &buyer.admin_code
                        && !territory.contains(code)
                    {
                        self.error(
                            "buyer_admin_code",
                            format!(
                                "技术进口合同由境内买方在其所在地登记：买方所在地{}不在本登记机构的登记地域（{}）内",
                                place(code),
                                territory.name
                            ),
                        );
                    }
                }
                Some(Bucket::HkMoTw | Bucket::Abroad) => {
                    self.error(
                        "buyer_country_code",
                        "卖方和买方都在境外或港澳台地区，不能在本登记机构登记（技术进口合同须有境内买方）",
                    );
                }
                None => {}
            },
            None => {}
        }
    }
}

#[cfg(test)]
mod tests;
