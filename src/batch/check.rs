//! The checks of an import before anything is written: each row on its own (the form's rules
//! plus the file's own columns, on every core), then the file against itself and against the
//! database (duplicate guard, registration numbers).

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;

use chrono::{Datelike, NaiveDate};

use super::{Failure, Importer};
use crate::db::{self, DbConn};
use crate::domain::contract::Contract;
use crate::domain::contract_file::column_index;
use crate::domain::dates;
use crate::domain::office_code::OfficeCode;
use crate::domain::regnum::{RegistrationNumber, grouped_text};
use crate::domain::rules::{self, RuleContext};
use crate::domain::status::Status;
use crate::domain::text;
use crate::input::contracts::ContractRecord;
use crate::input::csv_file::{self, MAX_PROBLEMS};

pub(super) struct OfficeInfo {
    pub(super) authority: String,
    pub(super) active: bool,
}

/// One problem of one row, named by the column a clerk would correct.
#[derive(Debug, Clone)]
pub(super) struct Problem {
    pub(super) row: usize,
    pub(super) column: String,
    pub(super) warning: bool,
    pub(super) message: String,
}

impl Problem {
    pub(super) fn error(row: usize, column: &str, message: impl Into<String>) -> Self {
        Problem {
            row,
            column: column.to_owned(),
            warning: false,
            message: message.into(),
        }
    }

    pub(super) fn line(&self) -> String {
        let warn = if self.warning { "警告：" } else { "" };
        csv_file::row_problem(self.row, &self.column, &format!("{warn}{}", self.message))
    }
}

/// Lines in row order; within a row in column order, errors before warnings.
pub(super) fn sorted_lines(problems: &mut [Problem]) -> Vec<String> {
    sort_problems(problems);
    problems.iter().map(Problem::line).collect()
}

pub(super) fn sort_problems(problems: &mut [Problem]) {
    problems.sort_by_key(|p| {
        (
            p.row,
            column_index(&p.column).unwrap_or(usize::MAX),
            p.warning,
        )
    });
}

/// A row that passed its own checks.
pub(super) struct Accepted {
    pub(super) row: usize,
    pub(super) contract: Contract,
    pub(super) office: String,
    pub(super) authority: String,
    /// Set for `registered` rows.
    pub(super) registration: Option<(RegistrationNumber, NaiveDate)>,
    pub(super) duplicate_key: String,
}

/// Stands in for the office when a row's `office_code` failed, so its other fields are still
/// checked. The office's territory (rule 7) cannot be judged then, and its messages — the ones
/// that speak of "本登记机构" — are left out: correcting the office code comes first.
pub(super) const STAND_IN_OFFICE: &str = "110101";

pub(super) fn about_office_territory(message: &str) -> bool {
    message.contains("本登记机构")
}

pub(super) struct RowChecker<'a> {
    pub(super) offices: &'a HashMap<String, OfficeInfo>,
    pub(super) importer: &'a Importer,
    pub(super) today: NaiveDate,
}

impl RowChecker<'_> {
    /// Checks every row, on all cores for large files; results in row order.
    pub(super) fn check_all(&self, records: &[ContractRecord]) -> (Vec<Problem>, Vec<Accepted>) {
        const PER_THREAD_MIN: usize = 2_000;
        let threads = std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
            .clamp(1, 8)
            .min(records.len().div_ceil(PER_THREAD_MIN).max(1));
        let chunk = records.len().div_ceil(threads).max(1);
        let parts: Vec<(Vec<Problem>, Vec<Accepted>)> = if threads == 1 {
            vec![self.check_slice(records)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = records
                    .chunks(chunk)
                    .map(|slice| s.spawn(move || self.check_slice(slice)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| match h.join() {
                        Ok(part) => part,
                        Err(panic) => std::panic::resume_unwind(panic),
                    })
                    .collect()
            })
        };
        let mut problems = Vec::new();
        let mut accepted = Vec::with_capacity(records.len());
        for (p, a) in parts {
            problems.extend(p);
            accepted.extend(a);
        }
        (problems, accepted)
    }

    /// Checks rows in order until the slice ends or [`MAX_PROBLEMS`] errors are found: the
    /// first errors of the slice are then all known, and further rows would only cost time.
    fn check_slice(&self, records: &[ContractRecord]) -> (Vec<Problem>, Vec<Accepted>) {
        let mut problems = Vec::new();
        let mut accepted = Vec::new();
        let mut errors = 0;
        for r in records {
            if errors >= MAX_PROBLEMS {
                break;
            }
            let before = problems.len();
            if let Some(a) = self.check(r, &mut problems) {
                accepted.push(a);
            }
            errors += problems[before..].iter().filter(|p| !p.warning).count();
        }
        (problems, accepted)
    }

    /// One row's own checks: the system columns, then the form's rules.
    fn check(&self, r: &ContractRecord, problems: &mut Vec<Problem>) -> Option<Accepted> {
        let row = r.row;
        let before = problems.len();
        let mut fail = |column: &str, message: String| {
            problems.push(Problem::error(row, column, message));
        };

        // status
        let status = r.status.trim().to_ascii_lowercase();
        let registered = match Status::parse(&status) {
            Some(Status::Submitted) => Some(false),
            Some(Status::Registered) => Some(true),
            _ if status.is_empty() => {
                fail(
                    "status",
                    "状态不能为空：填 submitted（待审核）或 registered（已登记）".into(),
                );
                None
            }
            _ => {
                fail(
                    "status",
                    format!(
                        "状态应为 submitted（待审核）或 registered（已登记），现为“{}”",
                        text::shown(r.status.trim())
                    ),
                );
                None
            }
        };
        if registered == Some(true) && !self.importer.may_import_registered() {
            fail(
                "status",
                "登记员只能导入待审核（submitted）的合同；已登记（registered）的历史合同须由部级用户或在命令行导入".into(),
            );
        }

        // office_code
        let typed_office = r.office_code.trim();
        let office = if typed_office.is_empty() {
            fail("office_code", "登记机构代码不能为空".into());
            None
        } else {
            match OfficeCode::parse(typed_office) {
                Err(e) => {
                    fail("office_code", e.to_string());
                    None
                }
                Ok(code) => match self.offices.get(code.as_str()) {
                    None => {
                        fail(
                            "office_code",
                            format!("登记机构 {code} 不存在（请先导入登记机构）"),
                        );
                        None
                    }
                    Some(info) => Some((code, info)),
                },
            }
        };
        if let Some((code, info)) = &office {
            if let Importer::Clerk { office_code, .. } = self.importer
                && code.as_str() != office_code
            {
                fail(
                    "office_code",
                    format!(
                        "登记员只能导入本登记机构（{office_code}）的合同，此行的登记机构为 {code}"
                    ),
                );
            }
            if !info.active && registered == Some(false) {
                fail(
                    "office_code",
                    format!("登记机构 {code} 已停用，不能提交新的登记"),
                );
            }
        }

        // registration_number and registered_on
        let mut registration = None;
        let mut registered_on = None;
        match registered {
            Some(false) | None => {
                if registered == Some(false) {
                    if !r.registration_number.trim().is_empty() {
                        fail(
                            "registration_number",
                            "待审核（submitted）的合同不填合同登记编号：编号在审核通过时生成"
                                .into(),
                        );
                    }
                    if !r.registered_on.trim().is_empty() {
                        fail(
                            "registered_on",
                            "待审核（submitted）的合同不填登记日期".into(),
                        );
                    }
                }
            }
            Some(true) => {
                let typed = r.registered_on.trim();
                if typed.is_empty() {
                    fail(
                        "registered_on",
                        "已登记（registered）的合同须填写登记日期".into(),
                    );
                } else {
                    match dates::parse_date(typed, self.today) {
                        Err(e) => fail("registered_on", format!("登记日期：{e}")),
                        Ok(d) if d > self.today => fail(
                            "registered_on",
                            format!(
                                "登记日期（{}）不能晚于今天（{}）",
                                dates::format_date(d),
                                dates::format_date(self.today)
                            ),
                        ),
                        Ok(d) => registered_on = Some(d),
                    }
                }
                let typed = r.registration_number.trim();
                if typed.is_empty() {
                    fail(
                        "registration_number",
                        "已登记（registered）的合同须填写合同登记编号".into(),
                    );
                } else {
                    match RegistrationNumber::parse(typed) {
                        Err(e) => fail("registration_number", e.to_string()),
                        Ok(n) => {
                            let mut ok = true;
                            if let Some(d) = registered_on
                                && i32::from(n.year()) != d.year()
                            {
                                ok = false;
                                fail(
                                    "registration_number",
                                    format!(
                                        "合同登记编号的年份 {} 与登记日期 {} 的年份不一致",
                                        n.year(),
                                        dates::format_date(d)
                                    ),
                                );
                            }
                            if let Some((code, _)) = &office
                                && n.office_code() != code.as_str()
                            {
                                ok = false;
                                fail(
                                    "registration_number",
                                    format!(
                                        "合同登记编号第 5–10 位 {} 与登记机构代码 {code} 不一致",
                                        n.office_code()
                                    ),
                                );
                            }
                            if ok {
                                registration = registered_on.map(|d| (n, d));
                            }
                        }
                    }
                }
            }
        }

        // The form's rules, for the row's office; a clerk's row of another office is judged as
        // the clerk's own, the only office it may become.
        let own_office = match self.importer {
            Importer::Clerk { office_code, .. } => OfficeCode::parse(office_code).ok(),
            _ => None,
        };
        let rule_office = match (&office, own_office) {
            (_, Some(own)) => own,
            (Some((code, _)), None) => code.clone(),
            (None, None) => OfficeCode::parse(STAND_IN_OFFICE).ok()?,
        };
        let office_known = office.is_some() || matches!(self.importer, Importer::Clerk { .. });
        let ctx = match registered {
            Some(true) => RuleContext::historical(
                rule_office,
                self.today,
                registered_on.unwrap_or(self.today),
            ),
            _ => RuleContext::filing(rule_office, self.today),
        };
        let checked = rules::check(&r.input, &ctx);
        let (errors, warnings, contract) = match checked {
            Ok(c) => (None, c.warnings, Some(c.contract)),
            Err((e, w)) => (Some(e), w, None),
        };
        if let Some(errors) = errors {
            for (field, message) in errors.iter() {
                if !office_known && about_office_territory(message) {
                    continue;
                }
                problems.push(Problem::error(row, field, message));
            }
        }
        problems.extend(warnings.into_iter().map(|(field, message)| Problem {
            row,
            column: field,
            warning: true,
            message,
        }));

        let failed = problems[before..].iter().any(|p| !p.warning);
        let (contract, (code, info), registered) = match (contract, office, registered) {
            (Some(c), Some(o), Some(reg)) if !failed => (c, o, reg),
            _ => return None,
        };
        if registered && registration.is_none() {
            return None;
        }
        Some(Accepted {
            row,
            duplicate_key: contract.duplicate_key(),
            contract,
            office: code.as_str().to_owned(),
            authority: info.authority.clone(),
            registration,
        })
    }
}

/// The first row of each duplicate key and registration number in the file.
pub(super) struct Firsts {
    pub(super) keys: HashMap<String, usize>,
    pub(super) numbers: HashMap<RegistrationNumber, usize>,
}

/// The duplicate guard and registration numbers within the file: a later row repeating an
/// earlier one is an error on the later row.
pub(super) fn within_file(accepted: &[Accepted], problems: &mut Vec<Problem>) -> Firsts {
    let mut keys: HashMap<String, usize> = HashMap::with_capacity(accepted.len());
    let mut numbers = HashMap::new();
    for a in accepted {
        match keys.entry(a.duplicate_key.clone()) {
            MapEntry::Occupied(first) => problems.push(Problem::error(
                a.row,
                "project_name",
                format!(
                    "与第 {} 行重复：卖方、买方、签订日期和项目名称均相同",
                    first.get()
                ),
            )),
            MapEntry::Vacant(v) => {
                v.insert(a.row);
            }
        }
        if let Some((n, _)) = &a.registration {
            match numbers.entry(*n) {
                MapEntry::Occupied(first) => problems.push(Problem::error(
                    a.row,
                    "registration_number",
                    format!("合同登记编号 {n} 与第 {} 行重复", first.get()),
                )),
                MapEntry::Vacant(v) => {
                    v.insert(a.row);
                }
            }
        }
    }
    Firsts { keys, numbers }
}

/// The duplicate guard against filed contracts and registration numbers already used.
pub(super) fn against_database(
    c: &mut DbConn,
    accepted: &[Accepted],
    firsts: &Firsts,
    problems: &mut Vec<Problem>,
) -> Result<(), Failure> {
    let keys: Vec<&str> = firsts.keys.keys().map(String::as_str).collect();
    let mut filed = db::contracts::filed_with_duplicate_keys(c, &keys)?;
    filed.sort();
    filed.dedup_by(|a, b| a.0 == b.0);
    for (key, id, number) in filed {
        if let Some(row) = firsts.keys.get(&key) {
            // The number when it has one (what a clerk looks up); `#id` for the contract page.
            let which = match number {
                Some(n) => format!("已登记的合同 {}（#{id}）", grouped_text(&n)),
                None => format!("待审核的合同 #{id} "),
            };
            problems.push(Problem::error(
                *row,
                "project_name",
                format!("重复登记：与{which}的卖方、买方、签订日期和项目名称相同"),
            ));
        }
    }
    // A closed year's figures are frozen (domain.md §5.7): no registered contract joins it.
    let mut years: Vec<i32> = accepted
        .iter()
        .filter_map(|a| a.registration.map(|(_, on)| on.year()))
        .collect();
    years.sort_unstable();
    years.dedup();
    let closed = db::snapshots::closed_among(c, &years)?;
    if !closed.is_empty() {
        let refused = accepted.iter().filter_map(|a| {
            let (_, on) = a.registration?;
            closed.contains(&on.year()).then_some((a.row, on.year()))
        });
        // The report stops at MAX_PROBLEMS errors anyway.
        for (row, year) in refused.take(MAX_PROBLEMS) {
            problems.push(Problem::error(
                row,
                "registered_on",
                format!(
                    "{year} 年的统计已关闭，不能再导入该年登记的合同；请先由部级用户重新开放该年度"
                ),
            ));
        }
    }
    let numbers: Vec<String> = accepted
        .iter()
        .filter_map(|a| a.registration.map(|(n, _)| n.to_string()))
        .collect();
    let refs: Vec<&str> = numbers.iter().map(String::as_str).collect();
    for used in db::contracts::used_registration_numbers(c, &refs)? {
        if let Ok(n) = RegistrationNumber::parse(&used)
            && let Some(row) = firsts.numbers.get(&n)
        {
            problems.push(Problem::error(
                *row,
                "registration_number",
                format!("合同登记编号 {n} 已被系统中的其他合同使用"),
            ));
        }
    }
    Ok(())
}
