//! The recognition checklist (认定要点) the clerk confirms against the contract text, per leaf
//! category (domain.md §1.3, §1.5 and §4.1, after the 2001 认定规则 and later texts).
//!
//! The form shows it next to the data fields; confirming it is the registrar's judgement and
//! is not data (the contracts CSV has no column for it). Each list is the general items
//! followed by the category's own; `key`s are stable and unique within a list.

/// One point to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChecklistItem {
    /// Stable ASCII key, "general.…" or "<category>.…" (e.g. "transfer.ownership").
    pub key: &'static str,
    /// What to confirm, in zh.
    pub text: &'static str,
}

const fn item(key: &'static str, text: &'static str) -> ChecklistItem {
    ChecklistItem { key, text }
}

// General points: what every registered contract must satisfy (the refusal reasons of the 2001
// 规则 turned round, and the evidence the 办法 asks for).
const G_WRITTEN: ChecklistItem = item(
    "general.written",
    "合同为书面文本（含附件），不是口头合同；外文合同附中文文本及内容一致的承诺",
);
const G_IN_FORCE: ChecklistItem = item(
    "general.in_force",
    "合同已依法成立并生效，登记时处于有效期内",
);
const G_TECH_CONTRACT: ChecklistItem = item(
    "general.technology_contract",
    "合同属于技术合同；与其他合同一起签订的技术部分已单独约定并写明技术交易额",
);
const G_TERMS: ChecklistItem = item(
    "general.terms_clear",
    "当事人、技术标的、价款（报酬、使用费）及其支付方式约定明确",
);
const G_TITLE: ChecklistItem = item(
    "general.title_matches",
    "合同名称与约定的权利义务一致，所选合同类别与合同内容相符",
);
const G_SEALS: ChecklistItem = item(
    "general.seals",
    "各方签章齐全，印章名称与合同所列当事人名称一致",
);
const G_NO_MONOPOLY: ChecklistItem = item(
    "general.no_monopoly",
    "没有非法垄断技术、妨碍技术进步或侵害他人技术成果的条款",
);
const G_APPROVALS: ChecklistItem = item(
    "general.approvals",
    "依法需经批准或许可的事项，已取得批准文件或生产许可证明",
);
const G_AUTHORISATION: ChecklistItem = item(
    "general.authorisation",
    "由内部机构或课题组签订的，附有法定代表人的书面授权",
);
const G_NON_TECHNICAL: ChecklistItem = item(
    "general.non_technical_costs",
    "合同含设备、仪器、零部件、原材料等非技术性费用的，技术交易额已扣除，并写明非技术性费用",
);
const G_PLAN: ChecklistItem = item(
    "general.plan_evidence",
    "属于科技计划项目的，附有主管部门同意或项目任务书、中标通知书",
);

macro_rules! with_general {
    ($($own:expr),* $(,)?) => {
        &[
            G_WRITTEN,
            G_IN_FORCE,
            G_TECH_CONTRACT,
            G_TERMS,
            G_TITLE,
            G_SEALS,
            G_NO_MONOPOLY,
            G_APPROVALS,
            G_AUTHORISATION,
            G_NON_TECHNICAL,
            G_PLAN,
            $($own),*
        ]
    };
}

/// The general points alone (for an unknown category).
pub const GENERAL: &[ChecklistItem] = with_general!();

/// 技术开发 (11 委托开发, 12 合作开发).
pub const DEVELOPMENT: &[ChecklistItem] = with_general!(
    item("development.goal", "有明确、具体的研究开发目标"),
    item(
        "development.not_mastered",
        "标的是当事人尚未掌握的技术方案，不是已经掌握或已产业化的产品、工艺、材料"
    ),
    item(
        "development.innovation",
        "研究开发工作及其成果具有创新性，不是简单改变尺寸、参数、排列，也不是常规的检验、测试、鉴定、仿制或应用"
    ),
    item(
        "development.acceptance",
        "约定了技术指标和验收标准（部分地区要求量化）"
    ),
);

const TRANSFER_ITEMS: [ChecklistItem; 5] = [
    item(
        "transfer.mastered",
        "标的是当事人已经掌握的技术成果（专利、技术秘密或其他知识产权）",
    ),
    item(
        "transfer.complete",
        "技术成果完整、实用，能形成产品、工艺、材料或品种的技术方案",
    ),
    item(
        "transfer.ownership",
        "知识产权的权属约定明确，所选知识产权类别与转让标的一致",
    ),
    item(
        "transfer.certificates",
        "附有专利证书、登记证书等知识产权证明的复印件",
    ),
    item(
        "transfer.not_public",
        "标的不是公有领域的技术（如已失效的专利、已公开的技术知识）",
    ),
];

/// 技术转让 (20–23, 25–29).
pub const TRANSFER: &[ChecklistItem] = with_general!(
    TRANSFER_ITEMS[0],
    TRANSFER_ITEMS[1],
    TRANSFER_ITEMS[2],
    TRANSFER_ITEMS[3],
    TRANSFER_ITEMS[4],
);

/// 技术秘密转让 (24): the transfer points plus what makes a 技术秘密.
pub const TRADE_SECRET_TRANSFER: &[ChecklistItem] = with_general!(
    TRANSFER_ITEMS[0],
    TRANSFER_ITEMS[1],
    TRANSFER_ITEMS[2],
    TRANSFER_ITEMS[4],
    item("trade_secret.not_public", "技术秘密不为公众所知悉"),
    item("trade_secret.value", "技术秘密能带来经济利益，具有实用性"),
    item("trade_secret.protected", "权利人对技术秘密采取了保密措施"),
);

/// 技术咨询 (30).
pub const CONSULTING: &[ChecklistItem] = with_general!(
    item("consulting.project", "针对特定的技术项目"),
    item(
        "consulting.method",
        "运用科学知识和技术手段进行分析、论证、评价、预测或调查"
    ),
    item("consulting.result", "成果是咨询报告或意见"),
    item(
        "consulting.not_other",
        "不是经济、法律、社会发展方面的研究，也不是为购买设备、材料提供商业信息"
    ),
    item(
        "consulting.not_implementation",
        "不包括方案的实施（提出并实施方案的属于技术服务，应退回重新申请）"
    ),
);

/// 一般性技术服务 (41).
pub const SERVICE: &[ChecklistItem] = with_general!(
    item(
        "service.problem",
        "运用专业技术知识、经验和信息解决特定的技术问题"
    ),
    item(
        "service.aim",
        "目的在于改进产品结构、改良工艺流程、提高产品质量、降低成本、节约资源能耗、保护环境、安全操作或提高效益"
    ),
    item("service.indicators", "工作成果有具体的质量和数量指标"),
    item(
        "service.no_ip_ownership",
        "传授的技术知识不涉及专利、技术秘密等知识产权的权属"
    ),
    item(
        "service.not_routine",
        "不是一般加工、定作、修理、广告、印刷、测绘、标准化测试，不是建设工程的勘察、设计、施工、安装、监理（以非常规手段解决复杂、特殊问题而单独订立的除外），不是复印、翻译、摄影、强制计量检定或设备销售、租赁及其售后服务"
    ),
);

/// 技术中介 (42).
pub const INTERMEDIARY: &[ChecklistItem] = with_general!(
    item(
        "intermediary.brokering",
        "中介方以知识、技术、经验和信息促成委托方与第三方订立并履行技术合同"
    ),
    item(
        "intermediary.subject",
        "目的在于转化特定的技术成果或技术项目"
    ),
    item(
        "intermediary.third_party",
        "中介合同是与委托方的双方合同或包括第三方的三方合同，第三方名称与合同一致"
    ),
);

/// 技术培训 (43).
pub const TRAINING: &[ChecklistItem] = with_general!(
    item("training.specific", "就特定技术项目的专业技术知识进行培训"),
    item("training.trainees", "培训对象是委托方指定的专业技术人员"),
    item(
        "training.not_general",
        "不是职工业余教育、扫盲教育或职业技能培训，也不是随产品销售附带的使用培训"
    ),
    item(
        "training.not_bundled",
        "不是技术开发、技术转让合同中约定的培训（随该合同一并认定，不另行登记）"
    ),
);

/// The checklist of leaf category `leaf_code` (11, 12, 20–29, 30, 41, 42, 43): the general
/// points and the category's own. An unknown code gets the general points only.
pub fn for_category(leaf_code: &str) -> &'static [ChecklistItem] {
    match leaf_code.trim() {
        "11" | "12" => DEVELOPMENT,
        "24" => TRADE_SECRET_TRANSFER,
        "20" | "21" | "22" | "23" | "25" | "26" | "27" | "28" | "29" => TRANSFER,
        "30" => CONSULTING,
        "41" => SERVICE,
        "42" => INTERMEDIARY,
        "43" => TRAINING,
        _ => GENERAL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::category;

    #[test]
    fn every_leaf_has_general_and_own_items() {
        for leaf in category::leaves() {
            let list = for_category(leaf.code);
            assert!(list.len() > GENERAL.len(), "{}", leaf.code);
            assert_eq!(&list[..GENERAL.len()], GENERAL, "{}", leaf.code);
            let mut keys: Vec<&str> = list.iter().map(|i| i.key).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), list.len(), "keys unique in {}", leaf.code);
            for i in list {
                assert!(i.key.is_ascii() && !i.text.is_empty(), "{}", i.key);
            }
        }
    }

    #[test]
    fn category_specific_items() {
        let has = |code: &str, key: &str| for_category(code).iter().any(|i| i.key == key);
        assert!(has("11", "development.not_mastered") && has("12", "development.goal"));
        assert!(has("21", "transfer.certificates") && has("20", "transfer.ownership"));
        assert!(has("24", "trade_secret.protected") && !has("24", "transfer.certificates"));
        assert!(has("30", "consulting.result"));
        assert!(has("41", "service.not_routine"));
        assert!(has("42", "intermediary.third_party") && !has("42", "service.not_routine"));
        assert!(has("43", "training.trainees") && !has("43", "intermediary.brokering"));
        assert!(!has("11", "transfer.mastered"));
        assert_eq!(for_category("99"), GENERAL);
        assert_eq!(for_category(" 30 "), CONSULTING);
        assert!(GENERAL.iter().all(|i| i.key.starts_with("general.")));
    }
}
