//! Who did what: the actor of a state change and the audit entry it leaves. Entries are written
//! by `db::audit::record` inside the transaction of the change they describe.

use crate::domain::role::Role;

/// The person or process behind a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// The username, or `cli:<os user>` for the command line.
    pub name: String,
    pub role: Option<Role>,
    /// The client's address (the connection's, or `X-Forwarded-For` from a trusted proxy).
    pub ip: Option<String>,
}

impl Actor {
    /// The operator at the command line, named by the operating-system user.
    pub fn cli() -> Self {
        let os_user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        Actor {
            user_id: None,
            name: format!("cli:{os_user}"),
            role: None,
            ip: None,
        }
    }
}

/// One audit record, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Dotted action name, e.g. `user.create`, `auth.login`.
    pub action: &'static str,
    pub object_type: &'static str,
    pub object_id: String,
    /// The authority whose administrators may read this entry (None: national only).
    pub authority_code: Option<String>,
    /// A short before/after summary.
    pub summary: String,
}

/// Every audited action with its zh label, in the order the audit page offers them as a filter.
pub const ACTIONS: &[(&str, &str)] = &[
    ("auth.login", "登录"),
    ("auth.login_failed", "登录失败"),
    ("auth.logout", "退出"),
    ("auth.password_change", "修改密码"),
    ("user.create", "创建账号"),
    ("user.disable", "停用账号"),
    ("user.enable", "启用账号"),
    ("user.password_reset", "重置密码"),
    ("office.create", "新建登记机构"),
    ("office.update", "修改登记机构"),
    ("office.import", "导入登记机构"),
    ("contract.import", "批量导入合同"),
    ("history.import", "导入历史统计数据"),
    ("institutions.import", "导入示范机构名单"),
    ("contract.save", "保存合同草稿"),
    ("contract.submit", "提交合同审核"),
    ("contract.resubmit", "重新提交审核"),
    ("contract.first_approve", "初审通过"),
    ("contract.approve", "准予登记"),
    ("contract.return", "退回补正"),
    ("contract.refuse", "不予登记"),
    ("contract.export", "下载合同列表"),
    ("income.record", "录入技术性收入核定"),
    ("amendment.apply", "申请变更登记"),
    ("cancellation.apply", "申请注销登记"),
    ("amendment.first_approve", "变更/注销初审通过"),
    ("amendment.approve", "批准变更/注销"),
    ("amendment.return", "退回变更/注销申请"),
    ("amendment.refuse", "不予批准变更/注销"),
    ("party.update", "更新当事人名录"),
    ("year.close", "关闭年度统计"),
    ("year.reopen", "重新开放年度统计"),
    ("review_rule.create", "设置审核规则"),
];

/// The zh label of an action, for the audit page.
pub fn action_label(action: &str) -> &'static str {
    ACTIONS
        .iter()
        .find(|(a, _)| *a == action)
        .map_or("其他操作", |(_, label)| label)
}

/// The zh name of an audited object type.
pub fn object_label(object_type: &str) -> &'static str {
    match object_type {
        "user" => "账号",
        "office" => "登记机构",
        "contract" => "合同",
        "contract_list" => "合同列表",
        "party" => "当事人",
        "history" => "历史统计数据",
        "institution" => "示范机构名单",
        "year" => "统计年度",
        "review_rule" => "审核规则",
        _ => "对象",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_listed_once_with_its_label() {
        for (i, (action, label)) in ACTIONS.iter().enumerate() {
            assert_eq!(action_label(action), *label);
            assert!(
                ACTIONS[..i].iter().all(|(a, _)| a != action),
                "{action} twice"
            );
        }
        assert_eq!(action_label("contract.approve"), "准予登记");
        assert_eq!(action_label("no.such"), "其他操作");
        assert_eq!(object_label("contract"), "合同");
    }
}
