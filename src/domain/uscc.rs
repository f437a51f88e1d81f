//! 统一社会信用代码 (GB 32100-2015), domain.md §4.4.
//!
//! 18 characters from a 31-character alphabet: department (1), category (2), registration
//! authority's admin code (3–8, digits), organisation code (9–17, GB 11714 with its own check
//! character at 17) and the check character (18, weights 3^(i−1) mod 31).

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::catalog::nature::{self, NatureGroup};
use crate::domain::text;

/// The 31 characters a USCC may use, in value order (no I, O, S, V, Z).
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 (3^(i−1) mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// GB 11714 weights of the organisation code's positions 1–8.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A registration department (position 1) with its organisation categories (position 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Department {
    /// Department code.
    pub code: char,
    /// zh label.
    pub label: &'static str,
    /// (category code, zh label) pairs.
    pub categories: &'static [(char, &'static str)],
}

const fn dept(
    code: char,
    label: &'static str,
    categories: &'static [(char, &'static str)],
) -> Department {
    Department {
        code,
        label,
        categories,
    }
}

/// Registration departments and their category codes (domain.md §3.11).
pub const DEPARTMENTS: &[Department] = &[
    dept(
        '1',
        "机构编制",
        &[
            ('1', "机关"),
            ('2', "事业单位"),
            ('3', "中央编办直管机构编制的群众团体"),
            ('9', "其他"),
        ],
    ),
    dept('2', "外交", &[('1', "外国常驻新闻机构"), ('9', "其他")]),
    dept(
        '3',
        "司法行政",
        &[
            ('1', "律师执业机构"),
            ('2', "公证处"),
            ('3', "基层法律服务所"),
            ('4', "司法鉴定机构"),
            ('5', "仲裁委员会"),
            ('9', "其他"),
        ],
    ),
    dept('4', "文化", &[('1', "外国在华文化中心"), ('9', "其他")]),
    dept(
        '5',
        "民政",
        &[
            ('1', "社会团体"),
            ('2', "民办非企业单位"),
            ('3', "基金会"),
            ('9', "其他"),
        ],
    ),
    dept(
        '6',
        "旅游",
        &[
            ('1', "外国旅游部门常驻代表机构"),
            ('2', "港澳台旅游部门常驻内地代表机构"),
            ('9', "其他"),
        ],
    ),
    dept(
        '7',
        "宗教",
        &[('1', "宗教活动场所"), ('2', "宗教院校"), ('9', "其他")],
    ),
    dept('8', "工会", &[('1', "基层工会"), ('9', "其他")]),
    dept(
        '9',
        "工商",
        &[('1', "企业"), ('2', "个体工商户"), ('3', "农民专业合作社")],
    ),
    dept(
        'A',
        "中央军委改革和编制办公室",
        &[('1', "军队事业单位"), ('9', "其他")],
    ),
    dept(
        'N',
        "农业",
        &[
            ('1', "组级集体经济组织"),
            ('2', "村级集体经济组织"),
            ('3', "乡镇级集体经济组织"),
            ('9', "其他"),
        ],
    ),
    dept('Y', "其他", &[('1', "其他")]),
];

/// Why a string is not a valid USCC (messages shown next to the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    /// Nothing was entered.
    #[error("请填写统一社会信用代码")]
    Empty,
    /// Not 18 characters.
    #[error("统一社会信用代码应为 18 位，实际为 {0} 位")]
    Length(usize),
    /// A character outside the alphabet (1-based position).
    #[error("第 {pos} 位字符“{ch}”不合法（只用数字和除 I、O、S、V、Z 外的大写字母）")]
    IllegalChar { pos: usize, ch: char },
    /// A non-digit in positions 3–8 (the admin code).
    #[error("第 {pos} 位应为数字（第 3–8 位是行政区划码），实际为“{ch}”")]
    AdminDigits { pos: usize, ch: char },
    /// The check character does not match.
    #[error("校验位错误，应为 {expected}")]
    CheckChar { expected: char, found: char },
    /// An override of the check character was asked for without a reason.
    #[error("接受校验位不符的代码时须填写原因")]
    MissingOverrideReason,
}

/// A non-blocking remark about a USCC that parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccWarning {
    /// Position 1 is not a known registration department.
    #[error("第 1 位登记管理部门代码“{0}”不在代码表中，请核对")]
    UnknownDepartment(char),
    /// Position 2 is not a category of that department.
    #[error("第 2 位机构类别代码“{category}”不属于登记管理部门“{department}”，请核对")]
    UnknownCategory { department: char, category: char },
    /// The GB 11714 check character at position 17 does not match.
    #[error("第 9–17 位组织机构代码的校验位应为 {expected}，请核对")]
    OrgCodeCheck { expected: char },
}

/// A parsed 统一社会信用代码 (uppercase, 18 characters).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc {
    code: String,
    check_overridden: bool,
}

fn value_of(c: char) -> Option<u32> {
    let b = u8::try_from(c).ok()?;
    ALPHABET.iter().position(|&a| a == b).map(|i| i as u32)
}

/// The check character for a 17-character body, or `None` if the body has a character
/// outside the alphabet or is not 17 characters long.
pub fn check_char(body: &str) -> Option<char> {
    let chars: Vec<char> = body.chars().collect();
    if chars.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in chars.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(char::from(ALPHABET[check as usize]))
}

/// The GB 11714 check character for the first 8 characters of an organisation code.
pub fn org_check_char(body: &str) -> Option<char> {
    let chars: Vec<char> = body.chars().collect();
    if chars.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in chars.iter().zip(ORG_WEIGHTS) {
        sum += c.to_digit(36)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).expect("0..=9 is a digit"),
    })
}

impl Uscc {
    /// Parses a USCC; full-width characters, spaces and lower case are accepted.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let (code, check) = Self::parse_shape(input)?;
        check.map(|()| Self {
            code,
            check_overridden: false,
        })
    }

    /// Like `parse`, but accepts a wrong check character when `reason` is not blank
    /// (early pilot-area codes such as 91350100M0001TGQXM are legal yet fail the check).
    pub fn parse_with_override(input: &str, reason: &str) -> Result<Self, UsccError> {
        let (code, check) = Self::parse_shape(input)?;
        match check {
            Ok(()) => Ok(Self {
                code,
                check_overridden: false,
            }),
            Err(_) if !text::normalise(reason).is_empty() => Ok(Self {
                code,
                check_overridden: true,
            }),
            Err(_) => Err(UsccError::MissingOverrideReason),
        }
    }

    /// Checks everything but the check character; returns the code and the check result.
    fn parse_shape(input: &str) -> Result<(String, Result<(), UsccError>), UsccError> {
        let code = text::compact(input).to_uppercase();
        if code.is_empty() {
            return Err(UsccError::Empty);
        }
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 18 {
            return Err(UsccError::Length(chars.len()));
        }
        for (i, &ch) in chars.iter().enumerate() {
            let pos = i + 1;
            if (3..=8).contains(&pos) {
                if !ch.is_ascii_digit() {
                    return Err(UsccError::AdminDigits { pos, ch });
                }
            } else if value_of(ch).is_none() {
                return Err(UsccError::IllegalChar { pos, ch });
            }
        }
        let expected = check_char(&code[..17]).expect("17 alphabet characters");
        let found = chars[17];
        let check = if expected == found {
            Ok(())
        } else {
            Err(UsccError::CheckChar { expected, found })
        };
        Ok((code, check))
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// Whether the code was accepted with a wrong check character.
    pub fn check_overridden(&self) -> bool {
        self.check_overridden
    }

    /// Position 1: registration department code.
    pub fn department(&self) -> char {
        char::from(self.code.as_bytes()[0])
    }

    /// Position 2: organisation category code.
    pub fn category(&self) -> char {
        char::from(self.code.as_bytes()[1])
    }

    /// Positions 3–8: admin code of the registration authority.
    pub fn admin_code(&self) -> &str {
        &self.code[2..8]
    }

    /// Positions 9–17: the GB 11714 organisation code.
    pub fn org_code(&self) -> &str {
        &self.code[8..17]
    }

    /// Remarks that do not block the code: unknown department/category, failed inner check.
    pub fn warnings(&self) -> Vec<UsccWarning> {
        let mut out = Vec::new();
        let (department, category) = (self.department(), self.category());
        match DEPARTMENTS.iter().find(|d| d.code == department) {
            None => out.push(UsccWarning::UnknownDepartment(department)),
            Some(d) if !d.categories.iter().any(|c| c.0 == category) => {
                out.push(UsccWarning::UnknownCategory {
                    department,
                    category,
                })
            }
            Some(_) => {}
        }
        let org = self.org_code();
        if let Some(expected) = org_check_char(&org[..8])
            && !org.ends_with(expected)
        {
            out.push(UsccWarning::OrgCodeCheck { expected });
        }
        out
    }

    /// A warning (zh) when the party nature does not fit the code's department and category
    /// (91 企业, 92 个体工商户, 11 机关, 12 事业单位, 51 社会团体); `None` when it fits or the
    /// nature code is unknown.
    pub fn nature_hint(&self, nature_code: &str) -> Option<String> {
        let nature = nature::normalise(nature_code)?;
        let code = nature.code;
        let (fits, who, expected) = match &self.code[..2] {
            "91" => (
                nature.group == NatureGroup::Enterprise
                    && matches!(code.as_bytes()[0], b'1' | b'2' | b'3'),
                "企业",
                "内资企业、港澳台商投资企业或外商投资企业",
            ),
            "92" => (code == "400", "个体工商户", "个体经营"),
            "11" => (nature.group == NatureGroup::Organ, "机关", "机关法人"),
            "12" => (
                nature.group == NatureGroup::Institution,
                "事业单位",
                "事业法人",
            ),
            "51" => (
                nature.group == NatureGroup::Association,
                "社会团体",
                "社团法人",
            ),
            _ => return None,
        };
        (!fits).then(|| {
            format!(
                "警告：统一社会信用代码以 {} 开头（{who}），性质一般应为{expected}，现填“{}”",
                &self.code[..2],
                nature.label
            )
        })
    }
}

impl FromStr for Uscc {
    type Err = UsccError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({}", self.code)?;
        if self.check_overridden {
            f.write_str(", check overridden")?;
        }
        f.write_str(")")
    }
}

impl AsRef<str> for Uscc {
    fn as_ref(&self) -> &str {
        &self.code
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn worked_examples() {
        assert_eq!(check_char("91110108100011233"), Some('9'));
        assert_eq!(check_char("91440300MA01B2C34"), Some('B'));
        let a = Uscc::parse("911101081000112339").expect("valid");
        assert_eq!(a.as_str(), "911101081000112339");
        assert_eq!(a.admin_code(), "110108");
        assert_eq!(a.org_code(), "100011233");
        assert_eq!((a.department(), a.category()), ('9', '1'));
        assert!(a.warnings().is_empty());
        let b = Uscc::parse("91440300MA01B2C34B").expect("valid");
        assert!(b.warnings().is_empty());
        assert!(!b.check_overridden());
    }

    #[test]
    fn weights_are_powers_of_three() {
        let mut w = 1;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn input_habits() {
        let fw = "９１４４０３００ｍａ０１ｂ２ｃ３４ｂ";
        assert_eq!(
            Uscc::parse(fw).map(|u| u.to_string()).as_deref(),
            Ok("91440300MA01B2C34B")
        );
        assert!(Uscc::parse(" 9144 0300 MA01 B2C3 4B ").is_ok());
        assert_eq!(
            "911101081000112339"
                .parse::<Uscc>()
                .map(|u| u.check_overridden()),
            Ok(false)
        );
    }

    #[test]
    fn errors() {
        assert_eq!(Uscc::parse("  "), Err(UsccError::Empty));
        assert_eq!(Uscc::parse("91110108100011233"), Err(UsccError::Length(17)));
        assert_eq!(
            Uscc::parse("91110108I00011233X"),
            Err(UsccError::IllegalChar { pos: 9, ch: 'I' })
        );
        assert_eq!(
            Uscc::parse("9111A1081000112339"),
            Err(UsccError::AdminDigits { pos: 5, ch: 'A' })
        );
        let err = Uscc::parse("911101081000112338").expect_err("bad check");
        assert_eq!(
            err,
            UsccError::CheckChar {
                expected: '9',
                found: '8'
            }
        );
        assert_eq!(err.to_string(), "校验位错误，应为 9");
        assert_eq!(
            UsccError::IllegalChar { pos: 9, ch: 'I' }.to_string(),
            "第 9 位字符“I”不合法（只用数字和除 I、O、S、V、Z 外的大写字母）"
        );
        assert_eq!(
            UsccError::Length(17).to_string(),
            "统一社会信用代码应为 18 位，实际为 17 位"
        );
    }

    #[test]
    fn pilot_codes_need_a_reason() {
        for code in ["91350100M0001TGQXM", "91350211M0000XUF46"] {
            assert!(matches!(
                Uscc::parse(code),
                Err(UsccError::CheckChar { .. })
            ));
            assert_eq!(
                Uscc::parse_with_override(code, " \u{3000}"),
                Err(UsccError::MissingOverrideReason)
            );
            let u = Uscc::parse_with_override(code, "福建早期试点代码").expect("overridden");
            assert!(u.check_overridden());
            assert_eq!(u.as_str(), code);
        }
        // A valid code needs no reason; shape errors are never overridden.
        assert!(Uscc::parse_with_override("911101081000112339", "").is_ok());
        assert_eq!(
            Uscc::parse_with_override("9135", "原因"),
            Err(UsccError::Length(4))
        );
    }

    #[test]
    fn warnings() {
        // Department Y exists only with category 1; org-code check of 100011234 fails.
        let body = "Y2110108100011234";
        let code = format!("{body}{}", check_char(body).expect("valid body"));
        let u = Uscc::parse(&code).expect("valid");
        assert_eq!(
            u.warnings(),
            [
                UsccWarning::UnknownCategory {
                    department: 'Y',
                    category: '2'
                },
                UsccWarning::OrgCodeCheck { expected: '3' }
            ]
        );
        let body = "B1110108100011233";
        let code = format!("{body}{}", check_char(body).expect("valid body"));
        let u = Uscc::parse(&code).expect("valid");
        assert_eq!(u.warnings(), [UsccWarning::UnknownDepartment('B')]);
        assert_eq!(
            UsccWarning::OrgCodeCheck { expected: '3' }.to_string(),
            "第 9–17 位组织机构代码的校验位应为 3，请核对"
        );
        assert_eq!(org_check_char("MA01B2C3"), Some('4'));
        assert_eq!(org_check_char("0000000!"), None);
    }

    #[test]
    fn nature_hints() {
        let firm = Uscc::parse("911101081000112339").expect("valid");
        assert_eq!(firm.nature_hint("150"), None);
        assert_eq!(firm.nature_hint("310"), None);
        assert_eq!(firm.nature_hint("nonsense"), None);
        let hint = firm.nature_hint("022").expect("mismatch");
        assert!(
            hint.contains("以 91 开头") && hint.contains("高等院校"),
            "{hint}"
        );
        assert!(firm.nature_hint("400").is_some());
        let make = |prefix: &str| {
            let body = format!("{prefix}110108100011233");
            let code = format!("{body}{}", check_char(&body).expect("valid body"));
            Uscc::parse(&code).expect("valid")
        };
        assert_eq!(make("92").nature_hint("400"), None);
        assert!(make("92").nature_hint("150").is_some());
        assert_eq!(make("11").nature_hint("0121"), None);
        assert!(make("11").nature_hint("022").is_some());
        assert_eq!(make("12").nature_hint("022"), None);
        assert!(make("12").nature_hint("030").is_some());
        assert_eq!(make("51").nature_hint("030"), None);
        assert!(make("51").nature_hint("700").is_some());
        assert_eq!(make("52").nature_hint("150"), None);
    }

    fn alphabet_char() -> impl Strategy<Value = char> {
        (0..31usize).prop_map(|i| char::from(ALPHABET[i]))
    }

    fn valid_uscc() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(alphabet_char(), 2),
            proptest::collection::vec(0..10u32, 6),
            proptest::collection::vec(alphabet_char(), 9),
        )
            .prop_map(|(head, admin, org)| {
                let mut body: String = head.into_iter().collect();
                body.extend(
                    admin
                        .into_iter()
                        .map(|d| char::from_digit(d, 10).expect("digit")),
                );
                body.extend(org);
                let check = check_char(&body).expect("alphabet body");
                body.push(check);
                body
            })
    }

    proptest! {
        #[test]
        fn valid_codes_parse(code in valid_uscc()) {
            let parsed = Uscc::parse(&code).expect("valid code parses");
            prop_assert_eq!(parsed.as_str(), code.as_str());
            let lower = code.to_lowercase();
            prop_assert!(Uscc::parse(&lower).is_ok());
        }

        #[test]
        fn single_substitution_is_rejected(code in valid_uscc(), pos in 0..18usize, r in alphabet_char()) {
            let mut chars: Vec<char> = code.chars().collect();
            prop_assume!(chars[pos] != r);
            chars[pos] = r;
            let changed: String = chars.into_iter().collect();
            prop_assert!(Uscc::parse(&changed).is_err());
        }
    }
}
