//! 社会经济目标: the 13 socio-economic objectives (domain.md §3.8; codes are our own, in
//! OECD NABS chapter order).

use crate::catalog::rows::ReportRow;

/// One socio-economic objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Objective {
    /// Two-digit code "01"…"13".
    pub code: &'static str,
    /// Label as 附表7 prints it.
    pub label: &'static str,
}

const fn entry(code: &'static str, label: &'static str) -> Objective {
    Objective { code, label }
}

/// All objectives in code (NABS) order.
pub const ALL: &[Objective] = &[
    entry("01", "地球和大气层的探索与利用"),
    entry("02", "基础设施以及城市和农村规划"),
    entry("03", "环境保护、生态建设及污染防治"),
    entry("04", "卫生事业发展"),
    entry("05", "能源生产、分配和合理利用"),
    entry("06", "农林牧渔业发展"),
    entry("07", "工商业发展"),
    entry("08", "社会发展和社会服务"),
    entry("09", "民用空间探测及开发"),
    entry("10", "教育事业发展"),
    entry("11", "非定向研究"),
    entry("12", "其他民用目标"),
    entry("13", "国防"),
];

/// 附表7 rows in printed (pinyin) order.
pub const ANNEX7_ROWS: &[ReportRow] = &[
    ReportRow::item("地球和大气层的探索与利用", &["01"]),
    ReportRow::item("非定向研究", &["11"]),
    ReportRow::item("工商业发展", &["07"]),
    ReportRow::item("国防", &["13"]),
    ReportRow::item("环境保护、生态建设及污染防治", &["03"]),
    ReportRow::item("基础设施以及城市和农村规划", &["02"]),
    ReportRow::item("教育事业发展", &["10"]),
    ReportRow::item("民用空间探测及开发", &["09"]),
    ReportRow::item("能源生产、分配和合理利用", &["05"]),
    ReportRow::item("农林牧渔业发展", &["06"]),
    ReportRow::item("其他民用目标", &["12"]),
    ReportRow::item("社会发展和社会服务", &["08"]),
    ReportRow::item("卫生事业发展", &["04"]),
];

/// The objective with code `code`.
pub fn get(code: &str) -> Option<&'static Objective> {
    ALL.iter().find(|o| o.code == code)
}

/// Whether `code` is an objective code.
pub fn is_valid(code: &str) -> bool {
    get(code).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::list::CodeList;
    use crate::catalog::rows::check_partition;

    #[test]
    fn layout() {
        let codes: Vec<&str> = ALL.iter().map(|o| o.code).collect();
        assert_eq!(codes.len(), 13);
        assert_eq!(check_partition(ANNEX7_ROWS, CodeList::Objective), Ok(()));
        for row in ANNEX7_ROWS {
            assert_eq!(get(row.codes[0]).map(|o| o.label), Some(row.label));
        }
        let a07: Vec<&str> = ANNEX7_ROWS.iter().map(|r| r.label).collect();
        assert_eq!(
            a07,
            [
                "地球和大气层的探索与利用",
                "非定向研究",
                "工商业发展",
                "国防",
                "环境保护、生态建设及污染防治",
                "基础设施以及城市和农村规划",
                "教育事业发展",
                "民用空间探测及开发",
                "能源生产、分配和合理利用",
                "农林牧渔业发展",
                "其他民用目标",
                "社会发展和社会服务",
                "卫生事业发展",
            ]
        );
        assert!(is_valid("13") && !is_valid("14"));
    }
}
