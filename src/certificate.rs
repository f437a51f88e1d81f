//! The registration certificate (登记证明) of a registered contract (domain.md §1.6): what it
//! states, once, for the printable page and the PDF alike. Pure: the caller loads the contract,
//! the names and the verification code.

use chrono::NaiveDate;

use crate::catalog::list::CodeList;
use crate::catalog::{category, country, nature, region};
use crate::db::contracts::ContractRow;
use crate::domain::dates;
use crate::domain::money::Money;
use crate::domain::regnum::grouped_text;
use crate::domain::verification::VerificationCode;
use crate::filing;

/// One party as the certificate names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyLine {
    pub name: String,
    /// The USCC, or a person's ID number masked.
    pub id: String,
    pub region: String,
}

/// One amount in 元, with its capitals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountLine {
    pub yuan: String,
    pub capitals: String,
}

impl AmountLine {
    fn of(fen: Option<i64>) -> AmountLine {
        let money = Money::from_fen(fen.unwrap_or(0));
        AmountLine {
            yuan: money.yuan_grouped(),
            capitals: money.capitals(),
        }
    }

    /// As printed: `1,250,000.00 元（人民币壹佰贰拾伍万元整）`.
    pub fn text(&self) -> String {
        format!("{} 元（{}）", self.yuan, self.capitals)
    }
}

/// Who and what besides the contract itself the certificate names.
#[derive(Debug, Clone, Default)]
pub struct Issued {
    pub office_name: Option<String>,
    /// The clerk who filed it.
    pub clerk: Option<String>,
    /// The approvers of the round that registered it, in order.
    pub approvers: Vec<String>,
    pub verification_code: String,
    /// Where the code is checked (`https://host/verify`).
    pub verify_url: String,
}

/// Everything a certificate states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub contract_id: i64,
    /// Grouped `YYYY PPCC NN SSSSSS`.
    pub number: String,
    pub project_name: String,
    pub category: String,
    pub seller: PartyLine,
    pub buyer: PartyLine,
    pub signed_on: String,
    pub validity: String,
    pub total: AmountLine,
    pub technical: AmountLine,
    pub office: String,
    pub clerk: String,
    /// Each approver's name, 、-separated; — for a contract registered before the system.
    pub approvers: String,
    pub registered_on: String,
    /// 有效 / 已变更 / 已注销.
    pub status_line: &'static str,
    /// Grouped `XXXX-XXXX-XXXX-XXXX`.
    pub verification_code: String,
    pub verify_url: String,
}

/// A row of the certificate's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row<'a> {
    /// A label and its value across the table.
    Full(&'static str, String),
    /// Two labels and values side by side.
    Pair(&'static str, &'a str, &'static str, &'a str),
    /// A party: its label over three lines of name, code and region.
    Party(&'static str, &'a PartyLine),
}

/// The words above the seal.
pub const CONCLUSION: &str = "经审查，该合同符合技术合同认定规则，准予登记。";
pub const TITLE: &str = "技术合同登记证明";

impl Certificate {
    /// The certificate of a registered contract; `None` for any other.
    pub fn of(row: &ContractRow, issued: Issued) -> Option<Certificate> {
        let number = row.registration_number.as_deref()?;
        let registered_on = row.registered_on?;
        let status_line = row.status.certificate_line(row.amended_on.is_some())?;
        let input = row.input();
        let party = |side: &str| {
            let get = |f: &str| input.get(&format!("{side}_{f}")).unwrap_or_default().trim();
            let id = if get("nature_code") == nature::NATURAL_PERSON {
                filing::mask_id(get("uscc"))
            } else {
                get("uscc").to_owned()
            };
            let country_code = get("country_code");
            let region = if country_code == country::CHINA {
                region::full_name(get("admin_code")).unwrap_or_else(|| get("admin_code").to_owned())
            } else {
                CodeList::Country
                    .label(country_code)
                    .unwrap_or_else(|| country_code.to_owned())
            };
            PartyLine {
                name: get("name").to_owned(),
                id: if id.is_empty() { "—".into() } else { id },
                region,
            }
        };
        let date = |d: Option<NaiveDate>| d.map(dates::format_date).unwrap_or_default();
        Some(Certificate {
            contract_id: row.id,
            number: grouped_text(number),
            project_name: row.project_name.clone(),
            category: category::leaf(&row.category_code)
                .map(|l| l.full_label())
                .unwrap_or_else(|| row.category_code.clone()),
            seller: party("seller"),
            buyer: party("buyer"),
            signed_on: date(row.signed_on),
            validity: format!("{} 至 {}", date(row.valid_from), date(row.valid_to)),
            total: AmountLine::of(row.total_fen),
            technical: AmountLine::of(row.technical_fen),
            office: issued
                .office_name
                .unwrap_or_else(|| row.office_code.clone()),
            clerk: issued.clerk.unwrap_or_else(|| "—".into()),
            approvers: if issued.approvers.is_empty() {
                "—".to_owned()
            } else {
                issued.approvers.join("、")
            },
            registered_on: dates::format_date(registered_on),
            status_line,
            verification_code: VerificationCode::parse(&issued.verification_code)
                .map(|c| c.to_string())
                .unwrap_or(issued.verification_code),
            verify_url: issued.verify_url,
        })
    }

    /// The table, row by row, as both the page and the PDF print it.
    pub fn rows(&self) -> Vec<Row<'_>> {
        vec![
            Row::Full("项目名称", self.project_name.clone()),
            Row::Full("合同类别", self.category.clone()),
            Row::Party("卖方", &self.seller),
            Row::Party("买方", &self.buyer),
            Row::Pair("签订日期", &self.signed_on, "有效期", &self.validity),
            Row::Full("成交额", self.total.text()),
            Row::Full("核定技术交易额", self.technical.text()),
            Row::Full("登记机构", self.office.clone()),
            Row::Pair("登记员", &self.clerk, "审核人", &self.approvers),
            Row::Pair("登记日期", &self.registered_on, "状态", self.status_line),
            Row::Full(
                "验证码",
                format!(
                    "{}（在 {} 输入验证码，可查验本证明的编号、状态和登记日期）",
                    self.verification_code, self.verify_url
                ),
            ),
        ]
    }
}

/// The sub-labels of a party's three lines.
pub const PARTY_LINES: [&str; 3] = ["名称", "统一社会信用代码", "所在地区"];

impl PartyLine {
    /// The three values under `PARTY_LINES`.
    pub fn values(&self) -> [&str; 3] {
        [&self.name, &self.id, &self.region]
    }
}
