//! Demo data for `serve --demo`: offices, one account of every role and a few thousand contracts
//! (last year's and this year's registered ones, and this year's waiting for review), so the
//! application can be tried at once. Written only into a database without accounts.

pub mod contracts;
pub mod national;
mod shape;

use chrono::Datelike;
use diesel::QueryResult;

use crate::accounts::{self, AccountError, NewAccount, NewOfficeInput};
use crate::audit::Actor;
use crate::db::{self, DbConn};
use crate::domain::role::Scope;

/// The demo accounts' shared password (printed at start-up; demo databases only).
pub const DEMO_PASSWORD: &str = "Demo@Techreg2026";

const OFFICES: &[(&str, &str, &str)] = &[
    ("110101", "北京技术市场管理办公室登记处", "110000"),
    ("320101", "南京市技术合同登记站", "320000"),
    ("440101", "广州市技术合同登记处", "440000"),
    ("440301", "深圳市技术合同登记处", "440300"),
];

/// (username, display name, role, office, authority, what the login shows)
const ACCOUNTS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "admin",
        "系统管理员",
        "sysadmin",
        "",
        "",
        "系统管理员：账号与登记机构",
    ),
    (
        "ministry",
        "科技部统计处",
        "ministry",
        "",
        "",
        "部级用户：全国统计与审计日志",
    ),
    (
        "bj_admin",
        "北京市科委管理员",
        "province_admin",
        "",
        "110000",
        "省级管理员：北京市",
    ),
    (
        "bj_admin2",
        "北京市科委复审员",
        "province_admin",
        "",
        "110000",
        "省级管理员：北京市（第二位，可复审大额合同）",
    ),
    (
        "gd_admin",
        "广东省科技厅管理员",
        "province_admin",
        "",
        "440000",
        "省级管理员：广东省",
    ),
    (
        "sz_admin",
        "深圳市科创委管理员",
        "province_admin",
        "",
        "440300",
        "省级管理员：深圳市（计划单列市）",
    ),
    (
        "bj_clerk",
        "王登记",
        "clerk",
        "110101",
        "",
        "登记员：北京 110101",
    ),
    (
        "gz_clerk",
        "李登记",
        "clerk",
        "440101",
        "",
        "登记员：广州 440101",
    ),
    (
        "sz_clerk",
        "陈登记",
        "clerk",
        "440301",
        "",
        "登记员：深圳 440301",
    ),
];

/// Contracts seeded per year.
pub const CONTRACTS_PER_YEAR: usize = 1500;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "数据库中已有 {0} 年的已登记合同，不能再生成该年的演示数据（请使用没有这两年合同的数据库）"
    )]
    YearsTaken(String),
    #[error("年份 {0} 无效：演示年份应在 1990 年至今年之间")]
    BadYear(i32),
    #[error(
        "比例 {0} 无效：--scale 应大于 0 且不超过 {max}（例如 0.01 表示百分之一规模）",
        max = national::MAX_SCALE
    )]
    BadScale(f64),
    #[error("写入演示登记机构失败：{0}")]
    Offices(String),
    #[error("写入演示历史数据失败：{0}")]
    History(String),
    #[error("写入演示合同失败：{0}")]
    Contracts(String),
    #[error("写入演示数据失败：{0}")]
    Account(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<AccountError> for DemoError {
    fn from(e: AccountError) -> Self {
        DemoError::Account(match e {
            AccountError::Invalid(f) => f
                .iter()
                .map(|(k, m)| format!("{k}: {m}"))
                .collect::<Vec<_>>()
                .join("；"),
            other => other.to_string(),
        })
    }
}

/// Seeds the demo (accounts and contracts) when no account exists yet; returns whether it did.
pub fn seed_if_empty(conn: &mut DbConn) -> Result<bool, DemoError> {
    if !seed_accounts_if_empty(conn)? {
        return Ok(false);
    }
    let actor = Actor::cli();
    let now = db::now();
    let today = crate::domain::dates::today_cst(now.and_utc());
    for (year, seed) in [(today.year() - 1, 2016), (today.year(), 2017)] {
        let file = contracts::csv(CONTRACTS_PER_YEAR, year, today, seed);
        crate::batch::import_file(
            conn,
            &actor,
            &crate::batch::Importer::Operator,
            &format!("demo-{year}.csv"),
            file.as_bytes(),
            now,
        )
        .map_err(|p| {
            DemoError::Contracts(
                p.lines
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("；"),
            )
        })?;
    }
    Ok(true)
}

/// What `techreg demo --year Y` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NationalSummary {
    pub offices_created: usize,
    /// (year, contracts, 成交额 in fen) per generated year.
    pub years: Vec<(i32, usize, i64)>,
    pub history_years: usize,
}

/// Generates the national demo years `size.year − 1` and `size.year` (see [`national`]) into a
/// database that has no registered contracts for them: the offices through the offices
/// import, each year's contracts through the contracts import (as `registered` rows), then the
/// history rows through the history import. `progress` hears of each step.
pub fn national_years(
    conn: &mut DbConn,
    size: &national::Size,
    progress: &mut dyn FnMut(&str),
) -> Result<NationalSummary, DemoError> {
    let actor = Actor::cli();
    let now = db::now();
    let today = crate::domain::dates::today_cst(now.and_utc());
    if !(1990..=today.year()).contains(&size.year) {
        return Err(DemoError::BadYear(size.year));
    }
    if !(size.scale > 0.0 && size.scale <= national::MAX_SCALE) {
        return Err(DemoError::BadScale(size.scale));
    }
    let years = [size.year - 1, size.year];
    let taken = db::contracts::years_with_registered(conn, &years)?;
    if !taken.is_empty() {
        let list: Vec<String> = taken.iter().map(|y| y.to_string()).collect();
        return Err(DemoError::YearsTaken(list.join("、")));
    }

    // Offices: only those missing, so an existing office keeps its name.
    let mut rows = Vec::new();
    for o in national::offices() {
        if db::offices::find(conn, &o.code)?.is_none() {
            rows.push((
                rows.len() + 2,
                NewOfficeInput {
                    code: o.code,
                    name: o.name,
                    authority_code: o.authority_code.to_owned(),
                },
            ));
        }
    }
    let offices_created = rows.len();
    if !rows.is_empty() {
        accounts::import_offices(conn, &actor, &rows, now)
            .map_err(|p| DemoError::Offices(first_lines(&p.0)))?;
    }
    progress(&format!("登记机构：新建 {offices_created} 个"));

    let mut written = Vec::new();
    for year in years {
        let generated = national::year(size, year, today);
        let n = generated.records.len();
        let imported = crate::batch::import_records(
            conn,
            &actor,
            &crate::batch::Importer::Operator,
            &format!("demo-national-{year}.csv"),
            generated.records,
            now,
        )
        .map_err(|p| DemoError::Contracts(first_lines(&p.lines)))?;
        progress(&format!(
            "{year} 年：已导入已登记合同 {n} 份，成交额 {} 亿元，合同方 {} 个，警告 {} 条",
            crate::domain::money::Money::from_fen(generated.total_fen).yi_yuan_2dp(),
            imported.parties_added,
            imported.warnings.len()
        ));
        written.push((year, n, generated.total_fen));
    }

    let earlier: Vec<i32> = (size.year - 5..=size.year - 2).collect();
    let counted: Vec<i32> = db::contracts::years_with_registered(conn, &earlier)?
        .into_iter()
        .collect();
    let csv = national::history_csv(size, &counted);
    let summary =
        crate::history::import_file(conn, &actor, "demo-history.csv", csv.as_bytes(), now)
            .map_err(|p| DemoError::History(first_lines(&p.lines())))?;
    progress(&summary.describe());
    Ok(NationalSummary {
        offices_created,
        years: written,
        history_years: 6,
    })
}

fn first_lines(lines: &[impl ToString]) -> String {
    lines
        .iter()
        .take(5)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("；")
}

/// Seeds the demo offices and accounts only (the tests' starting point).
pub fn seed_accounts_if_empty(conn: &mut DbConn) -> Result<bool, DemoError> {
    if has_users(conn)? {
        return Ok(false);
    }
    let actor = Actor::cli();
    let now = db::now();
    for (code, name, authority) in OFFICES {
        if db::offices::find(conn, code)?.is_none() {
            let input = NewOfficeInput {
                code: (*code).into(),
                name: (*name).into(),
                authority_code: (*authority).into(),
            };
            accounts::create_office(conn, &actor, &Scope::Accounts, &input, now)?;
        }
    }
    for (username, display_name, role, office, authority, _) in ACCOUNTS {
        let input = NewAccount {
            username: (*username).into(),
            display_name: (*display_name).into(),
            role: (*role).into(),
            office_code: (*office).into(),
            authority_code: (*authority).into(),
            password: DEMO_PASSWORD.into(),
            must_change_password: false,
        };
        accounts::create_user(conn, &actor, &Scope::Accounts, &input, now)?;
    }
    Ok(true)
}

fn has_users(conn: &mut DbConn) -> QueryResult<bool> {
    Ok(db::users::count(conn)? > 0)
}

/// Prints the demo logins.
pub fn print_logins() {
    println!("演示账号（密码均为 {DEMO_PASSWORD}）：");
    for (username, _, _, _, _, what) in ACCOUNTS {
        println!("  {username:<10} {what}");
    }
}
