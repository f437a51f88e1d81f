//! 不予登记 reasons (domain.md §1.5): the nine grounds of the 2001 《技术合同认定规则》 as the
//! 火炬中心 restated them in 2021, and the two that the rule texts after the 民法典 add.
//! The codes are our own; the order is the rules' order with 其他 last.

/// One ground for refusing registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefusalReason {
    /// Two-digit code.
    pub code: &'static str,
    /// zh label, as a reviewer picks it.
    pub label: &'static str,
}

const fn entry(code: &'static str, label: &'static str) -> RefusalReason {
    RefusalReason { code, label }
}

/// Every reason in the order a reviewer sees them.
pub const ALL: &[RefusalReason] = &[
    entry("01", "合同无效或者尚未生效"),
    entry("02", "不属于技术合同"),
    entry("03", "当事人、技术标的、价款或者报酬约定不明确"),
    entry("04", "依法应经有关部门审批而未审批"),
    entry("05", "合同名称与内容不一致且当事人拒绝补正"),
    entry("06", "含有非法垄断技术、妨碍技术进步的条款"),
    entry("07", "应当提交的证明文件缺失或者不充分"),
    entry("08", "印章不齐全或者印章与书面签字的当事人名称不一致"),
    entry("10", "技术标的表述不清，无法判断技术内容"),
    entry("11", "含有侵害他人技术成果的条款"),
    entry("09", "其他"),
];

/// The reason with code `code`.
pub fn get(code: &str) -> Option<&'static RefusalReason> {
    ALL.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_other_is_last() {
        let mut codes: Vec<&str> = ALL.iter().map(|r| r.code).collect();
        assert_eq!(ALL.last().map(|r| r.label), Some("其他"));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len());
        assert_eq!(get("02").map(|r| r.label), Some("不属于技术合同"));
        assert!(get("12").is_none() && get("2").is_none());
    }
}
