//! What every page shares: the request context (who is signed in, the CSRF token, the
//! navigation, a one-time notice), rendering with a status, and display formats.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use chrono::FixedOffset;

use super::AppError;
use super::request::{ClientIp, CsrfToken, Identity, NOTICE_COOKIE, cookie};
use crate::audit::Actor;
use crate::catalog::authority;
use crate::db::users::Account;
use crate::domain::role::Role;

/// The signed-in user as the layout shows it.
#[derive(Debug, Clone)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub role_label: &'static str,
    /// e.g. "广东省 · 登记机构 440101"
    pub scope_label: String,
}

impl UserView {
    pub fn of(a: &Account) -> Self {
        let authority_name = a
            .authority_code
            .as_deref()
            .and_then(authority::find)
            .map(|x| x.name)
            .unwrap_or("");
        let scope_label = match a.role {
            Role::Clerk => format!(
                "{authority_name} · 登记机构 {}",
                a.office_code.as_deref().unwrap_or("")
            ),
            Role::ProvinceAdmin => authority_name.to_owned(),
            Role::Ministry => "全国".to_owned(),
            Role::Sysadmin => "系统管理".to_owned(),
        };
        UserView {
            id: a.id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: a.role,
            role_label: a.role.label(),
            scope_label,
        }
    }
}

/// One link of the main navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The request context every page template receives as `ctx`.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: Option<UserView>,
    pub csrf: String,
    pub path: String,
    pub notice: Option<String>,
}

impl Ctx {
    pub fn from_request(req: &HttpRequest) -> Ctx {
        let ext = req.extensions();
        Ctx {
            user: ext.get::<Identity>().map(|i| UserView::of(&i.0.account)),
            csrf: ext
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            path: req.path().to_owned(),
            notice: req
                .cookie(NOTICE_COOKIE)
                .and_then(|c| notice_text(c.value())),
        }
    }

    /// The main navigation for the signed-in role.
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(user) = &self.user else {
            return Vec::new();
        };
        let items: &[(&'static str, &'static str)] = match user.role {
            Role::Clerk => &[
                ("/", "首页"),
                ("/contracts", "合同登记"),
                ("/imports/contracts", "批量导入"),
                ("/registration-list", "登记清单"),
            ],
            Role::ProvinceAdmin => &[
                ("/", "首页"),
                ("/review", "合同审核"),
                ("/contracts", "合同"),
                ("/admin/offices", "登记机构"),
                ("/admin/users", "登记员账号"),
                ("/audit", "审计日志"),
            ],
            Role::Ministry => &[
                ("/", "首页"),
                ("/contracts", "合同"),
                ("/imports/contracts", "批量导入"),
                ("/stats/close", "年度关账"),
                ("/audit", "审计日志"),
            ],
            Role::Sysadmin => &[
                ("/", "首页"),
                ("/admin/offices", "登记机构"),
                ("/admin/users", "账号管理"),
                ("/admin/review-rules", "审核规则"),
            ],
        };
        items
            .iter()
            .map(|&(href, label)| NavItem {
                href,
                label,
                active: if href == "/" {
                    self.path == "/"
                } else {
                    self.path.starts_with(href)
                },
            })
            .collect()
    }
}

impl FromRequest for Ctx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Ctx::from_request(req)))
    }
}

/// The signed-in account; the gate has already refused anonymous requests to routes that take it.
pub struct CurrentUser {
    pub account: Account,
    pub session_hash: String,
    pub actor: Actor,
}

impl FromRequest for CurrentUser {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let ext = req.extensions();
        let result = match ext.get::<Identity>() {
            Some(Identity(s)) => Ok(CurrentUser {
                account: s.account.clone(),
                session_hash: s.token_hash.clone(),
                actor: Actor {
                    user_id: Some(s.account.id),
                    name: s.account.username.clone(),
                    role: Some(s.account.role),
                    ip: ext.get::<ClientIp>().and_then(|i| i.0.clone()),
                },
            }),
            None => Err(AppError::Forbidden.into()),
        };
        ready(result)
    }
}

/// Renders a template with a status (askama's own responder would always answer 200).
pub fn render(template: &impl Template, status: StatusCode) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(template.render()?))
}

pub fn html(template: &impl Template) -> Result<HttpResponse, AppError> {
    render(template, StatusCode::OK)
}

/// A link to another page of a list: `path` with the non-empty `filters` and the cursor.
pub fn page_link(path: &str, filters: &[(&str, &str)], cursor: Option<(&str, String)>) -> String {
    let mut pairs: Vec<(&str, &str)> = filters
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .copied()
        .collect();
    if let Some((key, value)) = &cursor {
        pairs.push((key, value));
    }
    match serde_urlencoded::to_string(pairs) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}

/// Post/Redirect/Get: `303 See Other`, optionally with a one-time notice for the next page.
pub fn see_other(location: &str, notice: Option<&str>, secure: bool) -> HttpResponse {
    let mut r = HttpResponse::SeeOther();
    r.insert_header((header::LOCATION, location));
    if let Some(code) = notice {
        r.cookie(cookie(NOTICE_COOKIE, code.to_owned(), secure));
    }
    r.finish()
}

/// The notice that names the registration number just given (`contract_approved:NUMBER`).
pub fn approved_notice(number: &str) -> String {
    format!("contract_approved:{number}")
}

/// Notices are passed as codes, so nothing a user typed travels through the cookie; the one
/// argument a code may carry is a registration number, which is checked as one.
fn notice_text(code: &str) -> Option<String> {
    if let Some(number) = code.strip_prefix("contract_approved:") {
        let n = crate::domain::regnum::RegistrationNumber::parse(number).ok()?;
        return Some(format!("合同已准予登记，登记编号 {}。", n.grouped()));
    }
    fixed_notice(code).map(str::to_owned)
}

fn fixed_notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "password_changed" => "密码已修改。",
        "user_created" => "账号已创建。首次登录时需修改密码。",
        "user_disabled" => "账号已停用，其所有会话已结束。",
        "user_enabled" => "账号已启用。",
        "password_reset" => "密码已重置。该账号下次登录时需修改密码。",
        "office_created" => "登记机构已创建。",
        "office_updated" => "登记机构已保存。",
        "review_rule_created" => "审核规则版本已保存。",
        "logged_out" => "您已安全退出。",
        "contract_saved" => "草稿已保存。",
        "contract_submitted" => "合同已提交审核。",
        "contract_stale" => "合同已被他人修改，请查看当前内容后再操作。",
        "contracts_imported" => "批量导入完成。",
        "contract_approved" => "合同已准予登记，登记编号已分配。",
        "contract_first_approved" => {
            "初审已通过。该合同技术交易额达到复审标准，待本省另一位管理员复审后登记。"
        }
        "contract_returned" => "合同已退回登记机构补正。",
        "contract_refused" => "已作出不予登记的决定。",
        "income_recorded" => "核定记录已保存。",
        "amendment_filed" => "申请已提交，待省级管理员审核。",
        "amendment_first_approved" => "初审已通过，待本省另一位管理员复审。",
        "amendment_approved" => "申请已批准，合同已按申请更新。",
        "amendment_returned" => "申请已退回登记机构。",
        "amendment_refused" => "已作出不予批准的决定。",
        "year_closed" => "年度统计已关闭，全部统计表已冻结。",
        "year_reopened" => "年度统计已重新开放，报表重新按合同计算。",
        _ => return None,
    })
}

/// China Standard Time: business dates and displayed times are Beijing time whatever the
/// server's zone (China has kept UTC+8 without daylight saving since 1991).
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub use crate::domain::dates::format_cst;

#[cfg(test)]
mod tests {
    use super::*;

    #[::core::prelude::v1::test]
    fn times_show_in_beijing_time() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(17, 30, 0)
            .unwrap();
        assert_eq!(format_cst(t), "2026-11-25 01:30:00");
    }
}
