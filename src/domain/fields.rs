//! The contract's fields as data: what each holds (kind, longest text, code list), which
//! categories carry it, when a file must fill it, its form hint and file help, and the form's
//! order. The input struct (`contract::ContractInput`) is declared from the same list, and the
//! rules, the form, the contracts CSV and XLSX template, and the contract page all read it.

use crate::catalog::list::CodeList;

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
/// Most characters of a code, date, amount or flag as typed (with spaces or full-width forms);
/// the rules then ask for the exact form.
pub const MAX_CODE_CHARS: usize = 40;

/// What a field holds, which decides how its text is cleaned and how the form enters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line of text, at most so many characters.
    Line(usize),
    /// Text that may be typed on several lines, at most so many characters.
    Note(usize),
    /// A code, from a code list or (USCC, ID number) of its own shape.
    Code(Option<CodeList>),
    /// A date, YYYY-MM-DD.
    Date,
    /// An amount in 元.
    Money,
    /// 1 (yes) or 0 / empty (no).
    Flag,
}

impl Kind {
    /// The most characters the field may hold once cleaned: the one limit the form's
    /// `maxlength`, saving a draft and the rules share.
    pub const fn max_chars(self) -> usize {
        match self {
            Kind::Line(max) | Kind::Note(max) => max,
            Kind::Code(_) | Kind::Date | Kind::Money | Kind::Flag => MAX_CODE_CHARS,
        }
    }

    /// Whether the text is free text (kept as typed, whitespace collapsed) rather than a
    /// code-like value (all whitespace removed).
    pub const fn is_text(self) -> bool {
        matches!(self, Kind::Line(_) | Kind::Note(_))
    }
}

/// Which categories' contracts carry the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every category.
    All,
    /// 技术转让 only (预计新增投入/产值).
    Transfer,
    /// 技术中介 only (第三方名称).
    Intermediary,
}

impl Scope {
    /// Why the field must stay empty outside its scope (after the field's name).
    pub fn only_for(self) -> &'static str {
        match self {
            Scope::All => "",
            Scope::Transfer => "仅技术转让合同填写",
            Scope::Intermediary => "仅技术中介合同填写",
        }
    }
}

/// One field of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The input name, also the contracts CSV column (interchange.md §1).
    pub key: &'static str,
    /// zh label with its unit, as the form and the file help show it ("成交额（元）").
    pub label: &'static str,
    /// The label inside a party's card, without 卖方 / 买方 ("名称"); the label elsewhere.
    pub short_label: &'static str,
    pub kind: Kind,
    pub scope: Scope,
    /// Whether a contracts file's header must have the column (the "yes" rows of
    /// interchange.md §1).
    pub column_required: bool,
    /// When a file row must fill it ("必填", "国别为 142 时必填", …).
    pub required_when: &'static str,
    /// What the column holds, for the file help (the length limit is added to text fields).
    pub help: &'static str,
    /// The form's hint under the input.
    pub hint: &'static str,
}

impl FieldSpec {
    const fn of(label: &'static str, kind: Kind) -> Self {
        FieldSpec {
            key: "",
            label,
            short_label: label,
            kind,
            scope: Scope::All,
            column_required: false,
            required_when: "选填",
            help: "",
            hint: "",
        }
    }

    /// A one-line text field.
    pub const fn line(label: &'static str, max: usize) -> Self {
        Self::of(label, Kind::Line(max))
    }

    /// A note field.
    pub const fn note(label: &'static str) -> Self {
        Self::of(label, Kind::Note(MAX_NOTE_CHARS))
    }

    /// A code field drawn from `list`.
    pub const fn code(label: &'static str, list: CodeList) -> Self {
        Self::of(label, Kind::Code(Some(list)))
    }

    /// A code of its own shape (USCC or ID number).
    pub const fn identifier(label: &'static str) -> Self {
        Self::of(label, Kind::Code(None))
    }

    pub const fn date(label: &'static str) -> Self {
        Self::of(label, Kind::Date)
    }

    pub const fn money(label: &'static str) -> Self {
        Self::of(label, Kind::Money)
    }

    pub const fn flag(label: &'static str) -> Self {
        Self::of(label, Kind::Flag)
    }

    /// The column must be present and filled in every file row.
    pub const fn required(mut self) -> Self {
        self.column_required = true;
        self.required_when = "必填";
        self
    }

    /// The column may be left out; rows must fill it when `when`.
    pub const fn required_when(mut self, when: &'static str) -> Self {
        self.required_when = when;
        self
    }

    pub const fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    pub const fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }

    pub const fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    /// The same field on a party: `label` is the full label ("卖方名称"), the shared spec's
    /// label becomes the short one.
    pub const fn of_party(mut self, label: &'static str) -> Self {
        self.short_label = self.label;
        self.label = label;
        self
    }

    /// The label inside messages: the form label without its unit ("成交额（元）" → "成交额").
    pub fn name(&self) -> &'static str {
        self.label.strip_suffix("（元）").unwrap_or(self.label)
    }

    /// The file help with the length limit of a text field.
    pub fn help_text(&self) -> String {
        let limit = match self.kind {
            Kind::Line(max) | Kind::Note(max) => format!("不超过 {max} 字"),
            _ => String::new(),
        };
        match (self.help.is_empty(), limit.is_empty()) {
            (true, _) => limit,
            (false, true) => self.help.to_owned(),
            (false, false) => format!("{}；{limit}", self.help),
        }
    }
}

/// The fields a party shares, seller's and buyer's alike; `contract_fields!` names them per side.
pub mod party {
    use super::*;

    pub const NAME: FieldSpec = FieldSpec::line("名称", MAX_TEXT_CHARS)
        .required()
        .help("全称")
        .hint("与合同印章一致的全称");
    pub const COUNTRY: FieldSpec = FieldSpec::code("国别代码", CodeList::Country)
        .required()
        .help("3 位国别代码：中国 142，香港 110，澳门 121，台湾 143，见“国别”表")
        .hint("3 位国别代码，中国为 142；港澳台 110/121/143");
    pub const ADMIN: FieldSpec = FieldSpec::code("行政区划代码", CodeList::Region)
        .required_when("国别为 142 时必填")
        .help("6 位行政区划代码（GB/T 2260）；境外和港澳台不填")
        .hint("6 位行政区划代码（国别为 142 时必填）");
    pub const USCC: FieldSpec = FieldSpec::identifier("统一社会信用代码")
        .required_when("国别为 142 时必填")
        .help("18 位统一社会信用代码；自然人（性质 600）填 18 位居民身份证号码")
        .hint("18 位统一社会信用代码；自然人填身份证号码");
    pub const USCC_OVERRIDE: FieldSpec = FieldSpec::note("统一社会信用代码校验例外原因")
        .help("统一社会信用代码校验位不符但经核实接受时，填写原因；否则留空")
        .hint("仅当代码校验位不符但经核实合法（如早期试点代码）时填写原因");
    pub const NATURE: FieldSpec = FieldSpec::code("性质", CodeList::Nature)
        .required()
        .help("3 位性质代码，见“性质”表");
    pub const ADDRESS: FieldSpec = FieldSpec::line("通讯地址", MAX_TEXT_CHARS)
        .required_when("待审核行必填")
        .help("已登记的历史合同可不填");
    pub const ZIPCODE: FieldSpec =
        FieldSpec::line("邮政编码", MAX_ZIPCODE_CHARS).help("境内为 6 位数字；境外按当地格式");
    pub const REPRESENTATIVE: FieldSpec = FieldSpec::line("法定代表人", MAX_PERSON_CHARS)
        .required_when("待审核行必填")
        .help("法定代表人；自然人不填");
    pub const CONTACT: FieldSpec = FieldSpec::line("联系人", MAX_PERSON_CHARS)
        .required_when("待审核行必填")
        .help("已登记的历史合同可不填");
    pub const PHONE: FieldSpec = FieldSpec::line("联系电话", MAX_PHONE_CHARS)
        .required_when("待审核行必填")
        .help("已登记的历史合同可不填");
}

/// A titled group of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Basics,
    Amounts,
    Seller,
    Buyer,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Basics,
        Section::Amounts,
        Section::Seller,
        Section::Buyer,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Basics => "合同基本信息",
            Section::Amounts => "金额",
            Section::Seller => "卖方（技术提供方）",
            Section::Buyer => "买方（技术接受方）",
        }
    }

    /// The section's fields in form order. 合同类别 is chosen before the form opens and is in
    /// no section.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Section::Basics => &[
                "project_name",
                "signed_on",
                "valid_from",
                "valid_to",
                "ip_code",
                "tech_field_code",
                "objective_code",
                "plan_code",
                "plan_name",
                "payment_code",
                "is_related",
                "third_party_name",
            ],
            Section::Amounts => &[
                "total_amount_yuan",
                "technical_amount_yuan",
                "non_technical_note",
                "expected_investment_yuan",
                "expected_output_yuan",
            ],
            Section::Seller => &[
                "seller_name",
                "seller_country_code",
                "seller_admin_code",
                "seller_uscc",
                "seller_uscc_override",
                "seller_nature_code",
                "seller_address",
                "seller_zipcode",
                "seller_representative",
                "seller_contact",
                "seller_phone",
            ],
            Section::Buyer => &[
                "buyer_name",
                "buyer_country_code",
                "buyer_admin_code",
                "buyer_uscc",
                "buyer_uscc_override",
                "buyer_nature_code",
                "buyer_address",
                "buyer_zipcode",
                "buyer_representative",
                "buyer_contact",
                "buyer_phone",
            ],
        }
    }

    /// The party the section describes, which offers the directory lookup.
    pub fn party(self) -> Option<&'static str> {
        match self {
            Section::Seller => Some("seller"),
            Section::Buyer => Some("buyer"),
            _ => None,
        }
    }
}
