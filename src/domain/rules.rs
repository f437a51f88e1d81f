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
use crate::domain::contract::{Contract, ContractInput, Party, PartyId, Side, field_name};
use crate::domain::dates;
use crate::domain::field_errors::FieldErrors;
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

/// Most characters of a name, address, project name, plan name or third-party name.
pub const MAX_TEXT_CHARS: usize = 200;
/// Most characters of a legal representative's or contact person's name.
pub const MAX_PERSON_CHARS: usize = 100;
/// Most characters of a phone number.
pub const MAX_PHONE_CHARS: usize = 50;
/// Most characters of a foreign postcode (domestic ones are exactly 6 digits).
pub const MAX_ZIPCODE_CHARS: usize = 20;
/// Most characters of a note (非技术性费用说明, override reasons).
pub const MAX_NOTE_CHARS: usize = 1000;
/// Most characters of a code, date or amount field as typed (with spaces or full-width forms);
/// the rules then ask for the code's exact form.
pub const MAX_CODE_CHARS: usize = 40;
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

/// Whether `field` belongs to the form of leaf `code`.
fn belongs(field: &str, code: &str) -> bool {
    match field {
        "expected_investment_yuan" | "expected_output_yuan" => category::is_transfer(code),
        "third_party_name" => category::is_intermediary(code),
        _ => true,
    }
}

/// Why a category-specific field must stay empty.
fn only_for(field: &str) -> &'static str {
    match field {
        "third_party_name" => "仅技术中介合同填写",
        _ => "仅技术转让合同填写",
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

/// How a field's text is cleaned before it is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Codes, dates, amounts: full width folded, all whitespace removed.
    Code,
    /// One-line text: folded, trimmed, whitespace runs collapsed; at most so many characters.
    Line(usize),
    /// Text that may have been typed on several lines (then collapsed like `Line`).
    Note(usize),
}

fn kind(field: &str) -> Kind {
    let suffix = field
        .strip_prefix("seller_")
        .or_else(|| field.strip_prefix("buyer_"))
        .unwrap_or(field);
    match suffix {
        "project_name" | "plan_name" | "third_party_name" | "name" | "address" => {
            Kind::Line(MAX_TEXT_CHARS)
        }
        "representative" | "contact" => Kind::Line(MAX_PERSON_CHARS),
        "phone" => Kind::Line(MAX_PHONE_CHARS),
        "zipcode" => Kind::Line(MAX_ZIPCODE_CHARS),
        "non_technical_note" | "uscc_override" => Kind::Note(MAX_NOTE_CHARS),
        _ => Kind::Code,
    }
}

/// The most characters field `field` may hold once cleaned: the one limit that the form's
/// `maxlength`, saving a draft and the rules share.
pub fn max_chars(field: &str) -> usize {
    match kind(field) {
        Kind::Code => MAX_CODE_CHARS,
        Kind::Line(max) | Kind::Note(max) => max,
    }
}

/// Field `field`'s text as the rules read it (folded, trimmed, whitespace collapsed or
/// removed), and the reason it cannot be kept at all: a forbidden character (control or
/// invisible format characters) or more than [`max_chars`].
fn clean(field: &str, raw: &str) -> (String, Option<String>) {
    let raw = raw.trim();
    let kind = kind(field);
    let name = field_name(field);
    let breaks = match kind {
        Kind::Code | Kind::Note(_) => text::Breaks::Lines,
        Kind::Line(_) => text::Breaks::None,
    };
    let cleaned = match kind {
        Kind::Code => text::compact(raw),
        Kind::Line(_) | Kind::Note(_) => text::normalise(raw),
    };
    if let Some(bad) = text::forbidden(raw, breaks) {
        return (cleaned, Some(bad.message(name)));
    }
    let (n, max) = (cleaned.chars().count(), max_chars(field));
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
        for field in ContractInput::FIELDS {
            if !belongs(field, leaf.code) && self.present(field) {
                let name = field_name(field);
                self.error(field, format!("{name}{}", only_for(field)));
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
mod tests {
    use super::*;
    use crate::domain::money::MAX_FEN;
    use crate::domain::uscc::{check_char, org_check_char};
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2024, 6, 15).expect("valid date");

    const LEAF_CODES: [&str; 16] = [
        "11", "12", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "41", "42",
        "43",
    ];

    fn office(code: &str) -> OfficeCode {
        OfficeCode::parse(code).expect("valid office code")
    }

    /// 北京 office 110101: area 110100, territory 1101.
    fn ctx() -> RuleContext {
        RuleContext::filing(office("110101"), TODAY)
    }

    fn historical(registered_on: NaiveDate) -> RuleContext {
        RuleContext::historical(office("110101"), TODAY, registered_on)
    }

    /// A valid USCC with a valid inner organisation-code check.
    fn uscc(head: &str, admin: &str, org8: &str) -> String {
        let org = format!("{org8}{}", org_check_char(org8).expect("org body"));
        let body = format!("{head}{admin}{org}");
        format!("{body}{}", check_char(&body).expect("USCC body"))
    }

    fn seller_uscc() -> String {
        uscc("91", "110108", "MA01B2C3")
    }

    fn buyer_uscc() -> String {
        uscc("91", "310115", "MA1K3Y8R")
    }

    /// A clean filing of leaf `category`: 北京海淀 seller, 上海浦东 buyer.
    fn base(category: &str) -> ContractInput {
        let s = |v: &str| v.to_owned();
        let mut i = ContractInput {
            project_name: s("面向配电网的智能调度算法研究"),
            signed_on: s("2024-03-01"),
            valid_from: s("2024-03-01"),
            valid_to: s("2025-12-31"),
            category_code: s(category),
            ip_code: s("01"),
            tech_field_code: s("01"),
            objective_code: s("05"),
            plan_code: s("9"),
            payment_code: s("2"),
            non_technical_note: s("含专用测试设备采购费 25 万元"),
            is_related: s("0"),
            total_amount_yuan: s("1250000.00"),
            technical_amount_yuan: s("1000000.00"),
            seller_name: s("北京智电科技有限公司"),
            seller_country_code: s("142"),
            seller_admin_code: s("110108"),
            seller_uscc: seller_uscc(),
            seller_nature_code: s("150"),
            seller_address: s("北京市海淀区中关村大街 1 号"),
            seller_zipcode: s("100080"),
            seller_representative: s("王建国"),
            seller_contact: s("李敏"),
            seller_phone: s("010-62345678"),
            buyer_name: s("上海浦联电力工程股份有限公司"),
            buyer_country_code: s("142"),
            buyer_admin_code: s("310115"),
            buyer_uscc: buyer_uscc(),
            buyer_nature_code: s("160"),
            buyer_address: s("上海市浦东新区世纪大道 100 号"),
            buyer_zipcode: s("200120"),
            buyer_representative: s("陈立"),
            buyer_contact: s("赵磊"),
            buyer_phone: s("021-58881234"),
            ..ContractInput::default()
        };
        let ip = match category {
            "21" | "22" | "23" => "021",
            "25" | "20" => "03",
            "26" => "05",
            "27" => "04",
            "28" => "06",
            "29" => "07",
            _ => "01",
        };
        i.ip_code = s(ip);
        if category::is_transfer(category) {
            i.expected_investment_yuan = s("3000000.00");
            i.expected_output_yuan = s("12000000.00");
        }
        if category == "42" {
            i.third_party_name = s("江苏恒能新能源股份有限公司");
        }
        i
    }

    fn with(category: &str, change: impl FnOnce(&mut ContractInput)) -> ContractInput {
        let mut i = base(category);
        change(&mut i);
        i
    }

    fn ok_in(input: &ContractInput, ctx: &RuleContext) -> Checked {
        match check(input, ctx) {
            Ok(c) => c,
            Err((e, _)) => panic!("expected a valid contract, got {e:?}"),
        }
    }

    fn ok(input: &ContractInput) -> Checked {
        ok_in(input, &ctx())
    }

    fn errs_in(input: &ContractInput, ctx: &RuleContext) -> FieldErrors {
        match check(input, ctx) {
            Ok(c) => panic!("expected errors, got {:?}", c.contract),
            Err((e, _)) => e,
        }
    }

    fn errs(input: &ContractInput) -> FieldErrors {
        errs_in(input, &ctx())
    }

    fn has(e: &FieldErrors, field: &str, needle: &str) -> bool {
        e.get(field).iter().any(|m| m.contains(needle))
    }

    fn warned(ws: &[Warning], field: &str, needle: &str) -> bool {
        ws.iter().any(|(f, m)| f == field && m.contains(needle))
    }

    fn only_fields(e: &FieldErrors) -> Vec<&str> {
        let mut fields: Vec<&str> = e.iter().map(|(f, _)| f).collect();
        fields.dedup();
        fields
    }

    fn assert_round_trip(input: &ContractInput, ctx: &RuleContext) -> Contract {
        let c = ok_in(input, ctx).contract;
        let canonical = c.to_input();
        let again = ok_in(&canonical, ctx).contract;
        assert_eq!(again, c);
        assert_eq!(again.to_input(), canonical);
        c
    }

    // -- categories and round trips ------------------------------------------------------------

    #[test]
    fn every_leaf_category_passes_cleanly() {
        for code in LEAF_CODES {
            let checked = ok(&base(code));
            assert!(
                checked.warnings.is_empty(),
                "{code}: {:?}",
                checked.warnings
            );
            let c = checked.contract;
            assert_eq!(c.category_code, code);
            assert_eq!(c.expected_investment.is_some(), category::is_transfer(code));
            assert_eq!(c.expected_output.is_some(), category::is_transfer(code));
            assert_eq!(c.third_party_name.is_some(), code == "42");
            assert_eq!(c.total, Money::from_fen(125_000_000));
            assert_eq!(c.technical, Money::from_fen(100_000_000));
            assert_eq!(
                c.non_technical_note.as_deref(),
                Some("含专用测试设备采购费 25 万元")
            );
            assert_eq!(c.plan_name, None);
            assert!(!c.is_related);
            assert_eq!(c.seller.nature_code, "150");
            assert_eq!(
                c.seller.admin_code.map(|a| a.to_string()).as_deref(),
                Some("110108")
            );
            assert_eq!(c.seller.id_str(), Some(seller_uscc().as_str()));
        }
    }

    #[test]
    fn round_trip_for_each_category() {
        for code in LEAF_CODES {
            let c = assert_round_trip(&base(code), &ctx());
            let text = c.to_input();
            assert_eq!(text.signed_on, "2024-03-01");
            assert_eq!(text.total_amount_yuan, "1250000.00");
            assert_eq!(text.is_related, "0");
            assert_eq!(text.category_code, code);
        }
    }

    #[test]
    fn round_trip_of_unusual_contracts() {
        let person = with("11", |i| {
            i.seller_name = "张三".into();
            i.seller_nature_code = "600".into();
            i.seller_uscc = "11010519491231002x".into();
            i.seller_representative.clear();
        });
        let import = with("24", |i| {
            i.seller_name = "Acme Grid Technologies, Inc.".into();
            i.seller_country_code = "502".into();
            i.seller_admin_code.clear();
            i.seller_uscc.clear();
            i.seller_nature_code = "500".into();
            i.seller_zipcode = "CA 94043".into();
            i.buyer_admin_code = "110105".into();
        });
        let pilot = with("30", |i| {
            i.buyer_uscc = "91350100M0001TGQXM".into();
            i.buyer_uscc_override = "福建早期试点代码，经核对营业执照".into();
            i.buyer_admin_code = "350100".into();
        });
        let planned = with("12", |i| {
            i.plan_code = "105".into();
            i.plan_name = "国家科技重大专项 2023ZD0120400".into();
            i.is_related = "1".into();
            i.seller_nature_code = "190".into();
            i.buyer_nature_code = "0221".into();
            i.technical_amount_yuan = "1,250,000".into();
            i.non_technical_note.clear();
            i.seller_zipcode.clear();
        });
        for input in [person, import, pilot, planned] {
            assert_round_trip(&input, &ctx());
        }
        let c = assert_round_trip(
            &with("41", |i| {
                i.signed_on = "2016-03-01".into();
                i.valid_from = "2016-03-01".into();
                i.valid_to = "2016-12-31".into();
                i.seller_admin_code = "110103".into();
            }),
            &historical(ymd(2016, 5, 10)),
        );
        assert_eq!(
            c.seller.admin_code.map(|a| a.to_string()).as_deref(),
            Some("110103")
        );
    }

    #[test]
    fn canonical_text() {
        let c = ok(&with("21", |i| {
            i.total_amount_yuan = "１，２５０，０００".into();
            i.technical_amount_yuan = "1000000.5".into();
            i.expected_investment_yuan = "0".into();
            i.is_related = "1".into();
            i.signed_on = "2024年3月1日".into();
        }))
        .contract;
        let t = c.to_input();
        assert_eq!(t.total_amount_yuan, "1250000.00");
        assert_eq!(t.technical_amount_yuan, "1000000.50");
        assert_eq!(t.expected_investment_yuan, "0.00");
        assert_eq!(t.is_related, "1");
        assert_eq!(t.signed_on, "2024-03-01");
        assert_eq!(t.plan_name, "");
        assert_eq!(t.third_party_name, "");
        assert_eq!(t.seller_uscc_override, "");
    }

    // -- all at once, required fields, no follow-up errors ------------------------------------

    #[test]
    fn all_errors_at_once() {
        let input = with("11", |i| {
            i.project_name.clear();
            i.signed_on = "2024-13-01".into();
            i.category_code = "99".into();
            i.ip_code = "08".into();
            i.tech_field_code = "12".into();
            i.total_amount_yuan = "一百万".into();
            let mut bad = seller_uscc();
            bad.pop();
            bad.push(if seller_uscc().ends_with('0') {
                '1'
            } else {
                '0'
            });
            i.seller_uscc = bad;
            i.buyer_admin_code = "999999".into();
            i.seller_phone.clear();
            i.is_related = "maybe".into();
            i.buyer_nature_code = "100".into();
        });
        let e = errs(&input);
        let fields = only_fields(&e);
        assert!(fields.len() >= 10, "{e:?}");
        for field in [
            "project_name",
            "signed_on",
            "category_code",
            "ip_code",
            "tech_field_code",
            "total_amount_yuan",
            "seller_uscc",
            "buyer_admin_code",
            "seller_phone",
            "is_related",
            "buyer_nature_code",
        ] {
            assert!(e.has(field), "{field}: {e:?}");
        }
        assert_eq!(e.first("project_name"), Some("项目名称不能为空"));
        assert_eq!(e.first("seller_phone"), Some("卖方联系电话不能为空"));
    }

    #[test]
    fn empty_input_names_every_required_field() {
        let (e, warnings) = check(&ContractInput::default(), &ctx()).expect_err("empty");
        assert!(warnings.is_empty());
        for field in [
            "project_name",
            "signed_on",
            "valid_from",
            "valid_to",
            "category_code",
            "ip_code",
            "tech_field_code",
            "objective_code",
            "plan_code",
            "payment_code",
            "total_amount_yuan",
            "technical_amount_yuan",
            "seller_name",
            "buyer_name",
            "seller_country_code",
            "buyer_country_code",
            "seller_nature_code",
            "buyer_nature_code",
            "seller_address",
            "seller_representative",
            "seller_contact",
            "seller_phone",
            "buyer_address",
            "buyer_phone",
        ] {
            assert_eq!(e.get(field).len(), 1, "{field}: {e:?}");
            assert!(e.get(field)[0].ends_with("不能为空"), "{field}");
        }
        assert_eq!(e.first("total_amount_yuan"), Some("成交额不能为空"));
        // Optional, or required only once another field is known.
        for field in [
            "plan_name",
            "non_technical_note",
            "third_party_name",
            "is_related",
            "seller_uscc_override",
            "expected_investment_yuan",
            "seller_zipcode",
            "seller_admin_code",
            "seller_uscc",
        ] {
            assert!(!e.has(field), "{field}: {e:?}");
        }
    }

    #[test]
    fn a_failed_field_causes_no_follow_up_errors() {
        // Signing date unreadable: no date-order or category-year errors.
        let e = errs(&with("11", |i| {
            i.signed_on = "2024-02-30".into();
            i.valid_to = "2023-01-01".into();
        }));
        assert_eq!(e.first("signed_on"), Some("签订日期 2024-02-30 不存在"));
        assert_eq!(only_fields(&e), ["signed_on", "valid_to"]);
        assert!(has(&e, "valid_to", "不能早于有效期起"));
        // Category unknown: no IP rule, nothing demanded or forbidden.
        let e = errs(&with("21", |i| {
            i.category_code = "77".into();
            i.ip_code = "99".into();
            i.third_party_name = "某某".into();
        }));
        assert_eq!(only_fields(&e), ["category_code"]);
        // Total unreadable: technical amount and note not judged.
        let e = errs(&with("11", |i| {
            i.total_amount_yuan = "12万".into();
            i.technical_amount_yuan = "99999999".into();
            i.non_technical_note.clear();
        }));
        assert_eq!(only_fields(&e), ["total_amount_yuan"]);
        // Country unreadable: admin code and USCC not demanded, no territory check.
        let e = errs(&with("11", |i| {
            i.seller_country_code = "中国".into();
            i.seller_admin_code.clear();
            i.seller_uscc.clear();
        }));
        assert_eq!(only_fields(&e), ["seller_country_code"]);
        // Nature unknown: a valid USCC is not questioned.
        let e = errs(&with("11", |i| i.seller_nature_code = "999".into()));
        assert_eq!(only_fields(&e), ["seller_nature_code"]);
        // Nature unknown and a broken code: the code's own error is still shown.
        let e = errs(&with("11", |i| {
            i.seller_nature_code = "999".into();
            i.seller_uscc = "123".into();
        }));
        assert!(has(&e, "seller_uscc", "18 位"));
    }

    // -- text ---------------------------------------------------------------------------------

    #[test]
    fn full_width_input_is_accepted() {
        let input = with("21", |i| {
            i.project_name = "\u{3000}配电网智能调度（二期）　".into();
            i.signed_on = "２０２４年３月１日".into();
            i.valid_from = "２０２４－０３－０１".into();
            i.valid_to = "２０２５／１２／３１".into();
            i.category_code = "２１".into();
            i.ip_code = "０２１".into();
            i.tech_field_code = "０１".into();
            i.plan_code = "９".into();
            i.total_amount_yuan = "１２５００００．００".into();
            i.technical_amount_yuan = "１，０００，０００".into();
            i.expected_investment_yuan = "３０００００００".into();
            i.is_related = "１".into();
            i.seller_country_code = "１４２".into();
            i.seller_admin_code = "１１０１０８".into();
            i.seller_uscc = text_to_full_width(&seller_uscc().to_lowercase());
            i.seller_nature_code = "１５０".into();
            i.seller_zipcode = "１０００８０".into();
            i.seller_phone = "０１０－６２３４５６７８".into();
        });
        let c = ok(&input).contract;
        assert_eq!(c.project_name, "配电网智能调度(二期)");
        assert_eq!(c.signed_on, ymd(2024, 3, 1));
        assert_eq!(c.valid_to, ymd(2025, 12, 31));
        assert_eq!(c.category_code, "21");
        assert_eq!(c.ip_code, "021");
        assert_eq!(c.total, Money::from_fen(125_000_000));
        assert_eq!(c.technical, Money::from_fen(100_000_000));
        assert_eq!(c.expected_investment, Some(Money::from_fen(3_000_000_000)));
        assert!(c.is_related);
        assert_eq!(c.seller.id_str(), Some(seller_uscc().as_str()));
        assert_eq!(c.seller.zipcode, "100080");
        assert_eq!(c.seller.phone, "010-62345678");
    }

    fn text_to_full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                c => c,
            })
            .collect()
    }

    #[test]
    fn html_is_kept_verbatim() {
        let html = r#"<b>智能</b> & "调度" <script>alert('x')</script>"#;
        let c = ok(&with("11", |i| {
            i.project_name = html.into();
            i.seller_address = "<img src=x onerror=alert(1)>".into();
        }))
        .contract;
        assert_eq!(c.project_name, html);
        assert_eq!(c.seller.address, "<img src=x onerror=alert(1)>");
    }

    #[test]
    fn control_characters_are_rejected() {
        let e = errs(&with("11", |i| {
            i.seller_name = "北京智电\u{7}科技有限公司".into();
            i.project_name = "第一行\n第二行".into();
            i.total_amount_yuan = "1250000\u{0}".into();
        }));
        for field in ["seller_name", "project_name", "total_amount_yuan"] {
            assert!(has(&e, field, "控制字符"), "{field}: {e:?}");
            assert_eq!(e.get(field).len(), 1, "{field}");
        }
        // Line breaks are fine in a note and at the ends of any field; like every text, the
        // note is folded to half width and its whitespace collapsed.
        let c = ok(&with("11", |i| {
            i.non_technical_note = "设备费 20 万元；\r\n材料费 5 万元".into();
            i.seller_name = "北京智电科技有限公司\r\n".into();
        }))
        .contract;
        assert_eq!(
            c.non_technical_note.as_deref(),
            Some("设备费 20 万元; 材料费 5 万元")
        );
        assert_eq!(c.seller.name, "北京智电科技有限公司");
    }

    #[test]
    fn length_limits() {
        let long = |n: usize| "测".repeat(n);
        assert!(check(&with("11", |i| i.project_name = long(200)), &ctx()).is_ok());
        let e = errs(&with("11", |i| {
            i.project_name = long(201);
            i.buyer_name = long(201);
            i.seller_address = long(201);
            i.non_technical_note = long(1001);
            i.seller_phone = "1".repeat(51);
        }));
        assert_eq!(
            e.first("project_name"),
            Some("项目名称不能超过 200 个字（现为 201 个字）")
        );
        for field in [
            "buyer_name",
            "seller_address",
            "non_technical_note",
            "seller_phone",
        ] {
            assert!(has(&e, field, "不能超过"), "{field}");
        }
        assert!(check(&with("11", |i| i.non_technical_note = long(1000)), &ctx()).is_ok());
    }

    #[test]
    fn zipcodes() {
        let e = errs(&with("11", |i| i.seller_zipcode = "10008".into()));
        assert_eq!(
            e.first("seller_zipcode"),
            Some("卖方邮政编码应为 6 位数字，现为“10008”")
        );
        let c = ok(&with("11", |i| i.buyer_zipcode = "200 120".into())).contract;
        assert_eq!(c.buyer.zipcode, "200120");
        let c = ok(&with("11", |i| i.seller_zipcode.clear())).contract;
        assert_eq!(c.seller.zipcode, "");
    }

    // -- codes --------------------------------------------------------------------------------

    #[test]
    fn codes_must_be_catalogued() {
        let e = errs(&with("11", |i| {
            i.ip_code = "02".into();
            i.tech_field_code = "12".into();
            i.objective_code = "14".into();
            i.plan_code = "1".into();
            i.payment_code = "5".into();
            i.seller_nature_code = "100".into();
            i.buyer_nature_code = "abc".into();
            i.buyer_country_code = "14".into();
        }));
        assert!(has(&e, "ip_code", "发明专利（021）"));
        assert_eq!(e.first("tech_field_code"), Some("技术领域代码“12”不存在"));
        assert_eq!(
            e.first("objective_code"),
            Some("社会经济目标代码“14”不存在")
        );
        assert!(has(&e, "plan_code", "须选到具体计划"));
        assert_eq!(e.first("payment_code"), Some("支付方式代码“5”不存在"));
        assert!(
            has(&e, "seller_nature_code", "是分类")
                && has(&e, "seller_nature_code", "有限责任公司（150）")
        );
        assert_eq!(
            e.first("buyer_nature_code"),
            Some("买方性质代码“abc”不存在")
        );
        assert!(has(&e, "buyer_country_code", "3 位数字"));
        let e = errs(&with("11", |i| i.plan_code = "118".into()));
        assert_eq!(e.first("plan_code"), Some("计划来源代码“118”不存在"));
    }

    #[test]
    fn rule_10_category_must_be_a_leaf() {
        let e = errs(&with("11", |i| i.category_code = "1".into()));
        assert_eq!(
            e.first("category_code"),
            Some("合同类别须选到子类：技术开发分为委托开发（11）、合作开发（12）")
        );
        let e = errs(&with("11", |i| i.category_code = "4".into()));
        assert!(has(&e, "category_code", "技术中介（42）"));
        let e = errs(&with("11", |i| i.category_code = "99".into()));
        assert_eq!(e.first("category_code"), Some("合同类别代码“99”不存在"));
        // 技术咨询 has no subcategories: its category code is its leaf.
        assert_eq!(
            ok(&with("30", |i| i.category_code = "3".into()))
                .contract
                .category_code,
            "30"
        );
        // Before the catalogue's first year a leaf is not available.
        let e = errs_in(
            &with("11", |i| {
                i.signed_on = "1999-05-01".into();
                i.valid_from = "1999-05-01".into();
            }),
            &historical(ymd(1999, 6, 1)),
        );
        assert_eq!(
            e.first("category_code"),
            Some("合同类别“技术开发 / 委托开发”在 1999 年不可用")
        );
    }

    #[test]
    fn spreadsheet_codes_get_their_leading_zeros_back() {
        let c = ok(&with("21", |i| {
            i.ip_code = "21".into();
            i.tech_field_code = "1".into();
            i.objective_code = "5".into();
            i.buyer_nature_code = "22".into();
        }))
        .contract;
        assert_eq!(
            (c.ip_code.as_str(), c.tech_field_code.as_str()),
            ("021", "01")
        );
        assert_eq!(c.objective_code, "05");
        assert_eq!(c.buyer.nature_code, "022");
        let c = ok(&with("24", |i| i.ip_code = "1".into())).contract;
        assert_eq!(c.ip_code, "01");
    }

    #[test]
    fn natures_are_normalised() {
        let c = ok(&with("11", |i| {
            i.seller_nature_code = "190".into();
            i.buyer_nature_code = "0112".into();
        }));
        assert_eq!(c.contract.seller.nature_code, "180");
        assert_eq!(c.contract.buyer.nature_code, "011");
        // A 91 (enterprise) code with an organ nature is worth a second look.
        assert!(warned(
            &c.warnings,
            "buyer_nature_code",
            "买方统一社会信用代码以 91 开头"
        ));
    }

    #[test]
    fn countries() {
        let c = ok(&with("11", |i| {
            i.buyer_country_code = "999".into();
            i.buyer_admin_code.clear();
            i.buyer_uscc.clear();
        }));
        assert!(warned(
            &c.warnings,
            "buyer_country_code",
            "不在常用国别代码表中"
        ));
        assert_eq!(c.contract.buyer.id, PartyId::None);
    }

    // -- rule 1, 2 and the 万元 habit ---------------------------------------------------------

    #[test]
    fn rule_1_total_and_technical_amounts() {
        let e = errs(&with("11", |i| i.total_amount_yuan = "0".into()));
        assert_eq!(e.first("total_amount_yuan"), Some("成交额应大于 0"));
        assert_eq!(only_fields(&e), ["total_amount_yuan"]);
        let e = errs(&with("11", |i| i.total_amount_yuan = "-5".into()));
        assert_eq!(e.first("total_amount_yuan"), Some("成交额：金额不能为负数"));
        let e = errs(&with("11", |i| i.total_amount_yuan = "100000000000".into()));
        assert_eq!(e.first("total_amount_yuan"), Some("成交额应小于 1000 亿元"));
        let c = ok(&with("11", |i| {
            i.total_amount_yuan = "99999999999.99".into()
        }));
        assert_eq!(c.contract.total, Money::from_fen(MAX_FEN - 1));
        let e = errs(&with("11", |i| i.total_amount_yuan = "12.345".into()));
        assert_eq!(
            e.first("total_amount_yuan"),
            Some("成交额：金额最多两位小数")
        );
        let e = errs(&with("11", |i| {
            i.technical_amount_yuan = "1250000.01".into()
        }));
        assert_eq!(
            e.first("technical_amount_yuan"),
            Some("技术交易额不能大于成交额（1250000.00 元）")
        );
        assert_eq!(only_fields(&e), ["technical_amount_yuan"]);
        let c = ok(&with("11", |i| i.technical_amount_yuan = "0".into())).contract;
        assert!(c.technical.is_zero());
    }

    #[test]
    fn rule_2_non_technical_note() {
        let e = errs(&with("11", |i| i.non_technical_note.clear()));
        assert!(has(&e, "non_technical_note", "非技术性费用说明不能为空"));
        let c = ok(&with("11", |i| i.technical_amount_yuan = "1250000".into()));
        assert_eq!(c.contract.non_technical_note, None);
        assert!(warned(&c.warnings, "non_technical_note", "已忽略"));
        let c = ok(&with("11", |i| {
            i.technical_amount_yuan = "1250000".into();
            i.non_technical_note.clear();
        }));
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn amounts_probably_in_wan_yuan_are_warned() {
        let c = ok(&with("11", |i| {
            i.total_amount_yuan = "125".into();
            i.technical_amount_yuan = "125".into();
            i.non_technical_note.clear();
        }));
        assert_eq!(
            c.warnings,
            [(
                "total_amount_yuan".to_owned(),
                "成交额不足 1000 元，请确认单位是元而不是万元".to_owned()
            )]
        );
        let c = ok(&with("11", |i| i.technical_amount_yuan = "125".into()));
        assert!(warned(&c.warnings, "technical_amount_yuan", "万元"));
        let c = ok(&with("11", |i| i.technical_amount_yuan = "126".into()));
        assert!(c.warnings.is_empty());
    }

    // -- rule 3, 4, 9 -------------------------------------------------------------------------

    #[test]
    fn rule_3_expected_investment_and_output() {
        let e = errs(&with("21", |i| {
            i.expected_investment_yuan.clear();
            i.expected_output_yuan.clear();
        }));
        assert_eq!(
            e.first("expected_investment_yuan"),
            Some("预计新增投入不能为空（技术转让合同必填）")
        );
        assert!(has(&e, "expected_output_yuan", "技术转让合同必填"));
        let e = errs(&with("21", |i| i.expected_output_yuan = "-1".into()));
        assert_eq!(
            e.first("expected_output_yuan"),
            Some("预计新增产值：金额不能为负数")
        );
        let c = ok(&with("20", |i| i.expected_output_yuan = "0".into())).contract;
        assert_eq!(c.expected_output, Some(Money::ZERO));
        let e = errs(&with("11", |i| {
            i.expected_investment_yuan = "100".into();
            i.expected_output_yuan = "abc".into();
        }));
        assert_eq!(
            e.first("expected_investment_yuan"),
            Some("预计新增投入仅技术转让合同填写")
        );
        assert_eq!(
            e.first("expected_output_yuan"),
            Some("预计新增产值仅技术转让合同填写")
        );
    }

    #[test]
    fn rule_4_transfer_subtype_fixes_the_ip_type() {
        let e = errs(&with("21", |i| i.ip_code = "01".into()));
        assert_eq!(
            e.first("ip_code"),
            Some("技术转让 / 专利权转让合同的知识产权类别应为发明专利、实用新型专利、外观设计专利")
        );
        let e = errs(&with("25", |i| i.ip_code = "07".into()));
        assert!(has(&e, "ip_code", "应为计算机软件"));
        let e = errs(&with("20", |i| i.ip_code = "99".into()));
        assert!(has(&e, "ip_code", "须涉及知识产权"));
        for code in ["11", "30", "41", "42", "43"] {
            assert!(
                check(&with(code, |i| i.ip_code = "99".into()), &ctx()).is_ok(),
                "{code}"
            );
        }
        assert!(check(&with("23", |i| i.ip_code = "023".into()), &ctx()).is_ok());
    }

    #[test]
    fn rule_9_plan_name_and_third_party() {
        let e = errs(&with("11", |i| i.plan_code = "3".into()));
        assert!(has(&e, "plan_name", "计划名称及编号不能为空"));
        let c = ok(&with("11", |i| {
            i.plan_code = "101".into();
            i.plan_name = "863 计划 2015AA050201".into();
        }));
        assert_eq!(
            c.contract.plan_name.as_deref(),
            Some("863 计划 2015AA050201")
        );
        let c = ok(&with("11", |i| i.plan_name = "无".into()));
        assert_eq!(c.contract.plan_name, None);
        assert!(warned(&c.warnings, "plan_name", "计划外"));
        let e = errs(&with("42", |i| i.third_party_name.clear()));
        assert_eq!(
            e.first("third_party_name"),
            Some("第三方名称不能为空（技术中介合同必填）")
        );
        let e = errs(&with("41", |i| i.third_party_name = "某某公司".into()));
        assert_eq!(
            e.first("third_party_name"),
            Some("第三方名称仅技术中介合同填写")
        );
    }

    #[test]
    fn is_related_flag() {
        assert!(
            ok(&with("11", |i| i.is_related = "1".into()))
                .contract
                .is_related
        );
        assert!(
            ok(&with("11", |i| i.is_related = "１".into()))
                .contract
                .is_related
        );
        assert!(
            !ok(&with("11", |i| i.is_related.clear()))
                .contract
                .is_related
        );
        let e = errs(&with("11", |i| i.is_related = "是".into()));
        assert_eq!(
            e.first("is_related"),
            Some("是否关联交易应填 1（是）或 0（否），现为“是”")
        );
    }

    // -- rule 5 -------------------------------------------------------------------------------

    #[test]
    fn rule_5_dates() {
        let e = errs(&with("11", |i| i.valid_from = "2026-01-01".into()));
        assert_eq!(
            e.first("valid_to"),
            Some("有效期止（2025-12-31）不能早于有效期起（2026-01-01）")
        );
        let e = errs(&with("11", |i| {
            i.signed_on = "2024-03-01".into();
            i.valid_from = "2023-01-01".into();
            i.valid_to = "2023-12-31".into();
        }));
        assert!(has(&e, "signed_on", "不能晚于有效期止"));
        assert!(has(&e, "valid_to", "合同已过有效期，不能登记"));
        let e = errs(&with("11", |i| i.signed_on = "2024-06-16".into()));
        assert_eq!(
            e.first("signed_on"),
            Some("签订日期（2024-06-16）不能晚于今天（2024-06-15）")
        );
        assert_eq!(e.get("signed_on").len(), 1);
        let e = errs(&with("11", |i| i.valid_to = "2024-06-14".into()));
        assert_eq!(
            e.first("valid_to"),
            Some("合同已过有效期，不能登记（有效期止 2024-06-14）")
        );
        assert!(check(&with("11", |i| i.valid_to = "2024-06-15".into()), &ctx()).is_ok());
        let c = ok(&with("11", |i| i.valid_from = "2024-07-01".into()));
        assert!(warned(&c.warnings, "valid_from", "尚未生效"));
        let e = errs(&with("11", |i| i.signed_on = "1949-09-30".into()));
        assert_eq!(e.first("signed_on"), Some("签订日期不能早于 1949-10-01"));
        let e = errs(&with("11", |i| i.valid_from = "2024.3".into()));
        assert_eq!(
            e.first("valid_from"),
            Some("有效期起：日期格式应为 YYYY-MM-DD")
        );
        // A registration date before the signing date (e.g. a back-dated review) is refused.
        let early = RuleContext {
            registration_date: ymd(2024, 2, 1),
            ..ctx()
        };
        let e = errs_in(&base("11"), &early);
        assert_eq!(
            e.first("signed_on"),
            Some("签订日期（2024-03-01）不能晚于登记日期（2024-02-01）")
        );
    }

    // -- rule 6 -------------------------------------------------------------------------------

    #[test]
    fn rule_6_seller_differs_from_buyer() {
        let e = errs(&with("11", |i| {
            i.buyer_uscc = seller_uscc();
            i.buyer_admin_code = "110108".into();
        }));
        assert_eq!(
            e.first("buyer_name"),
            Some("买方与卖方不能是同一当事人（统一社会信用代码相同）")
        );
        let abroad = |i: &mut ContractInput, side: &str, name: &str| {
            i.set(&format!("{side}_name"), name.into());
            i.set(&format!("{side}_country_code"), "502".into());
            i.set(&format!("{side}_admin_code"), String::new());
            i.set(&format!("{side}_uscc"), String::new());
            i.set(&format!("{side}_nature_code"), "500".into());
        };
        let e = errs(&with("11", |i| {
            abroad(i, "seller", "ACME Inc.");
            abroad(i, "buyer", "ａｃｍｅ　inc.");
        }));
        assert_eq!(
            e.first("buyer_name"),
            Some("买方与卖方不能是同一当事人（名称相同）")
        );
        let c = ok(&with("11", |i| {
            i.buyer_name = "北京智电科技有限公司".into()
        }));
        assert!(warned(&c.warnings, "buyer_name", "相同"));
    }

    #[test]
    fn rule_6_domestic_parties_need_codes() {
        let e = errs(&with("11", |i| {
            i.seller_uscc.clear();
            i.buyer_admin_code.clear();
        }));
        assert_eq!(e.first("seller_uscc"), Some("卖方统一社会信用代码不能为空"));
        assert_eq!(
            e.first("buyer_admin_code"),
            Some("买方行政区划代码不能为空")
        );
        let e = errs(&with("11", |i| i.buyer_admin_code = "110103".into()));
        assert_eq!(
            e.first("buyer_admin_code"),
            Some("买方行政区划代码 110103 不在现行区划代码表中（可能已撤销或填错）")
        );
        let e = errs(&with("11", |i| i.buyer_admin_code = "31011".into()));
        assert_eq!(
            e.first("buyer_admin_code"),
            Some("买方行政区划代码应为 6 位数字")
        );
        let e = errs(&with("11", |i| i.buyer_admin_code = "810000".into()));
        assert!(has(&e, "buyer_country_code", "110（中国香港）"));
    }

    #[test]
    fn rule_6_uscc_errors_name_the_field() {
        let good = seller_uscc();
        let expected = good.chars().last().expect("18 chars");
        let wrong = if expected == '0' { '1' } else { '0' };
        let bad = format!("{}{wrong}", &good[..17]);
        let e = errs(&with("11", |i| i.seller_uscc = bad.clone()));
        assert_eq!(
            e.first("seller_uscc"),
            Some(format!("卖方统一社会信用代码：校验位错误，应为 {expected}").as_str())
        );
        let e = errs(&with("11", |i| i.buyer_uscc = "91310115".into()));
        assert_eq!(
            e.first("buyer_uscc"),
            Some("买方统一社会信用代码应为 18 位，实际为 8 位")
        );
    }

    #[test]
    fn rule_6_uscc_override() {
        let pilot = "91350100M0001TGQXM";
        let e = errs(&with("11", |i| i.buyer_uscc = pilot.into()));
        assert!(has(&e, "buyer_uscc", "校验位错误"));
        let c = ok(&with("11", |i| {
            i.buyer_uscc = pilot.into();
            i.buyer_uscc_override = "福建早期试点代码".into();
        }));
        assert_eq!(
            c.contract.buyer.uscc_override.as_deref(),
            Some("福建早期试点代码")
        );
        assert!(matches!(&c.contract.buyer.id, PartyId::Uscc(u) if u.check_overridden()));
        assert!(warned(&c.warnings, "buyer_uscc", "已按填写的例外原因接受"));
        // A reason for a code that needs none is dropped with a warning.
        let c = ok(&with("11", |i| i.seller_uscc_override = "不需要".into()));
        assert_eq!(c.contract.seller.uscc_override, None);
        assert!(warned(&c.warnings, "seller_uscc_override", "已忽略"));
    }

    #[test]
    fn rule_6_uscc_warnings() {
        // Organisation-code check (positions 9–17) fails: a warning, not an error.
        let body = "91110108MA01B2C35";
        let code = format!("{body}{}", check_char(body).expect("body"));
        let c = ok(&with("11", |i| i.seller_uscc = code));
        assert!(warned(
            &c.warnings,
            "seller_uscc",
            "卖方统一社会信用代码：第 9–17 位组织机构代码的校验位应为 4"
        ));
        let c = ok(&with("11", |i| i.seller_nature_code = "022".into()));
        assert!(warned(
            &c.warnings,
            "seller_nature_code",
            "卖方统一社会信用代码以 91 开头（企业）"
        ));
    }

    #[test]
    fn rule_6_natural_persons() {
        let person = |i: &mut ContractInput| {
            i.seller_name = "张三".into();
            i.seller_nature_code = "600".into();
            i.seller_uscc = "11010519491231002X".into();
            i.seller_representative.clear();
        };
        let c = ok(&with("11", person)).contract;
        assert!(matches!(c.seller.id, PartyId::IdNumber(_)));
        assert_eq!(c.seller.directory_key(), "id:11010519491231002X");
        let e = errs(&with("11", |i| {
            person(i);
            i.seller_uscc = seller_uscc();
        }));
        assert!(has(&e, "seller_uscc", "卖方身份证号码"), "{e:?}");
        let e = errs(&with("11", |i| {
            person(i);
            i.seller_uscc = "110105194912310021".into();
        }));
        assert_eq!(
            e.first("seller_uscc"),
            Some("卖方身份证号码：校验位错误，应为 X")
        );
        let e = errs(&with("11", |i| {
            person(i);
            i.seller_uscc.clear();
        }));
        assert!(has(&e, "seller_uscc", "卖方身份证号码不能为空"));
    }

    #[test]
    fn rule_6_parties_abroad() {
        let c = ok(&with("11", |i| {
            i.buyer_name = "Hongkong Power Grid Ltd.".into();
            i.buyer_country_code = "110".into();
            i.buyer_admin_code.clear();
            i.buyer_uscc.clear();
            i.buyer_nature_code = "500".into();
            i.buyer_zipcode = "HK".into();
        }))
        .contract;
        assert_eq!(c.buyer.id, PartyId::None);
        assert_eq!(c.buyer.admin_code, None);
        assert_eq!(c.buyer.directory_key(), "name:110:hongkong power grid ltd.");
        let e = errs(&with("11", |i| {
            i.buyer_country_code = "502".into();
            i.buyer_nature_code = "500".into();
        }));
        assert_eq!(
            e.first("buyer_admin_code"),
            Some("买方在境外或港澳台地区（国别代码不是 142），不填买方行政区划代码")
        );
    }

    // -- rule 7 -------------------------------------------------------------------------------

    #[test]
    fn rule_7_territories() {
        let t = Territory::of(&office("110101"));
        assert_eq!((t.prefix.as_str(), t.name.as_str()), ("1101", "北京市"));
        assert_eq!(Territory::of(&office("110001")).prefix, "11");
        let sz = Territory::of(&office("440301"));
        assert_eq!(
            (sz.prefix.as_str(), sz.name.as_str()),
            ("4403", "广东省深圳市")
        );
        assert_eq!(Territory::of(&office("660101")).prefix, "65");
    }

    #[test]
    fn rule_7_seller_registers_in_its_region() {
        let e = errs(&with("11", |i| {
            i.seller_admin_code = "310115".into();
            i.buyer_admin_code = "110108".into();
        }));
        assert_eq!(
            e.first("seller_admin_code"),
            Some(
                "卖方所在地上海市浦东新区（310115）不在本登记机构的登记地域（北京市）内：技术合同由卖方向其所在地的登记机构登记"
            )
        );
        let province = RuleContext::filing(office("110001"), TODAY);
        assert!(check(&base("11"), &province).is_ok());
        let shenzhen = RuleContext::filing(office("440301"), TODAY);
        assert!(
            check(
                &with("11", |i| i.seller_admin_code = "440305".into()),
                &shenzhen
            )
            .is_ok()
        );
        let e = errs_in(
            &with("11", |i| i.seller_admin_code = "440106".into()),
            &shenzhen,
        );
        assert!(has(&e, "seller_admin_code", "广东省深圳市"));
        let corps = RuleContext::filing(office("660101"), TODAY);
        assert!(
            check(
                &with("11", |i| i.seller_admin_code = "659001".into()),
                &corps
            )
            .is_ok()
        );
        let e = errs_in(&base("11"), &corps);
        assert!(has(&e, "seller_admin_code", "新疆"));
    }

    #[test]
    fn rule_7_technology_import_is_registered_by_the_buyer() {
        let import = |i: &mut ContractInput| {
            i.seller_name = "Acme Grid Technologies, Inc.".into();
            i.seller_country_code = "502".into();
            i.seller_admin_code.clear();
            i.seller_uscc.clear();
            i.seller_nature_code = "500".into();
            i.seller_zipcode = "94043".into();
        };
        let c = ok(&with("24", |i| {
            import(i);
            i.buyer_admin_code = "110105".into();
        }));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        let e = errs(&with("24", import));
        assert!(has(
            &e,
            "buyer_admin_code",
            "技术进口合同由境内买方在其所在地登记"
        ));
        assert!(!e.has("seller_admin_code"));
        let e = errs(&with("24", |i| {
            import(i);
            i.buyer_country_code = "116".into();
            i.buyer_admin_code.clear();
            i.buyer_uscc.clear();
            i.buyer_nature_code = "500".into();
        }));
        assert!(has(&e, "buyer_country_code", "都在境外"));
    }

    // -- historical rows ----------------------------------------------------------------------

    #[test]
    fn historical_rows_skip_registration_checks() {
        let old = |i: &mut ContractInput| {
            i.signed_on = "2016-03-01".into();
            i.valid_from = "2016-03-01".into();
            i.valid_to = "2016-04-30".into();
            i.seller_admin_code = "110103".into();
        };
        // Filing: expired, abolished code.
        let e = errs(&with("11", old));
        assert!(has(&e, "valid_to", "合同已过有效期"));
        assert!(has(&e, "seller_admin_code", "不在现行区划代码表中"));
        // Historical: both accepted, the code with a warning.
        let ctx = historical(ymd(2016, 5, 10));
        let c = ok_in(&with("11", old), &ctx);
        assert!(warned(&c.warnings, "seller_admin_code", "按历史记录接受"));
        // Rule 7 is the office's call at the time.
        assert!(
            check(
                &with("11", |i| {
                    old(i);
                    i.seller_admin_code = "310115".into();
                }),
                &ctx
            )
            .is_ok()
        );
        // The contact block is optional.
        let c = ok_in(
            &with("11", |i| {
                old(i);
                for side in ["seller", "buyer"] {
                    for part in ["address", "zipcode", "representative", "contact", "phone"] {
                        i.set(&format!("{side}_{part}"), String::new());
                    }
                }
            }),
            &ctx,
        );
        assert_eq!(c.contract.buyer.phone, "");
        // A signing date in the future is still wrong.
        let e = errs_in(&with("11", |i| i.signed_on = "2024-07-01".into()), &ctx);
        assert!(has(&e, "signed_on", "不能晚于今天"));
        // A malformed admin code is an error in every mode.
        let e = errs_in(&with("11", |i| i.seller_admin_code = "118001".into()), &ctx);
        assert!(has(&e, "seller_admin_code", "结构不符合"));
    }

    // -- keys and forms -----------------------------------------------------------------------

    #[test]
    fn duplicate_key() {
        let a = ok(&base("11")).contract;
        let b = ok(&with("11", |i| {
            i.project_name = " 面向配电网的智能调度算法研究　".into();
            i.seller_uscc = seller_uscc().to_lowercase();
            i.total_amount_yuan = "2000000".into();
        }))
        .contract;
        assert_eq!(a.duplicate_key(), b.duplicate_key());
        let key = a.duplicate_key();
        assert!(key.starts_with(&format!("uscc:{}", seller_uscc())));
        assert!(key.contains(&buyer_uscc()) && key.ends_with("面向配电网的智能调度算法研究"));
        let other_day = ok(&with("11", |i| i.signed_on = "2024-03-02".into())).contract;
        assert_ne!(a.duplicate_key(), other_day.duplicate_key());
        let other_name = ok(&with("11", |i| i.project_name = "另一个项目".into())).contract;
        assert_ne!(a.duplicate_key(), other_name.duplicate_key());
    }

    #[test]
    fn fields_per_category() {
        let all = ContractInput::FIELDS.len();
        let dev = fields_for_category("11");
        assert_eq!(dev.len(), all - 3);
        assert!(!dev.contains(&"expected_investment_yuan") && !dev.contains(&"third_party_name"));
        let transfer = fields_for_category("24");
        assert!(
            transfer.contains(&"expected_output_yuan") && !transfer.contains(&"third_party_name")
        );
        let broker = fields_for_category("42");
        assert!(broker.contains(&"third_party_name") && !broker.contains(&"expected_output_yuan"));
        assert_eq!(fields_for_category("3"), fields_for_category("30"));
        assert_eq!(fields_for_category("").len(), all);
        assert_eq!(fields_for_category("2").len(), all);
        assert_eq!(fields_for_category(" ４２ "), broker);
    }

    #[test]
    fn messages_merge_repeated_words() {
        assert_eq!(
            prefixed("卖方行政区划代码", "行政区划代码应为 6 位数字"),
            "卖方行政区划代码应为 6 位数字"
        );
        assert_eq!(
            prefixed("签订日期", "日期格式应为 YYYY-MM-DD"),
            "签订日期格式应为 YYYY-MM-DD"
        );
        assert_eq!(
            prefixed("成交额", "金额不能为负数"),
            "成交额：金额不能为负数"
        );
        assert_eq!(shown(&"x".repeat(30)), format!("{}…", "x".repeat(20)));
    }

    fn amount_text(fen: i64, grouped: bool) -> String {
        let m = Money::from_fen(fen);
        if grouped {
            m.yuan_grouped()
        } else {
            m.yuan_string()
        }
    }

    proptest! {
        #[test]
        fn random_valid_amounts_round_trip(
            (total, technical) in (1i64..MAX_FEN).prop_flat_map(|t| (Just(t), 0..=t)),
            investment in 0i64..MAX_FEN,
            output in 0i64..MAX_FEN,
            leaf in 0..LEAF_CODES.len(),
            grouped in any::<bool>(),
        ) {
            let code = LEAF_CODES[leaf];
            let input = with(code, |i| {
                i.total_amount_yuan = amount_text(total, grouped);
                i.technical_amount_yuan = amount_text(technical, !grouped);
                if category::is_transfer(code) {
                    i.expected_investment_yuan = amount_text(investment, grouped);
                    i.expected_output_yuan = amount_text(output, grouped);
                }
            });
            let c = ok(&input).contract;
            prop_assert_eq!(c.total, Money::from_fen(total));
            prop_assert_eq!(c.technical, Money::from_fen(technical));
            prop_assert_eq!(c.non_technical_note.is_some(), technical < total);
            if category::is_transfer(code) {
                prop_assert_eq!(c.expected_investment, Some(Money::from_fen(investment)));
                prop_assert_eq!(c.expected_output, Some(Money::from_fen(output)));
            }
            let again = ok(&c.to_input()).contract;
            prop_assert_eq!(again, c);
        }
    }
}
