//! Batch import and export of contracts (interchange.md §1), the same for the command line and
//! the upload page.
//!
//! Import is all or nothing. Every row is checked with the form's rules (`domain::rules`:
//! `submitted` rows as a filing today, `registered` rows as history registered on their
//! `registered_on`) plus the file's own columns, then against the file and the database (duplicate
//! guard, registration numbers). Any error and nothing is written; the caller gets every
//! problem as a `row N, column: 说明` line. Otherwise one transaction stores the contracts with
//! the columns a web filing stores, keeps the party directory the way a filing does, moves the
//! offices' serial counters past imported registration numbers and leaves one audit entry.
//!
//! The fast path: rows are checked on every core before the transaction opens; inside it, the
//! database is read in chunks of keys (`IN (…)`) and written with multi-row INSERTs, so a year
//! of some 320,000 contracts costs a few thousand statements rather than a million.

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::audit::{Actor, Entry};
use crate::db::contracts::ContractWrite;
use crate::db::parties::NewParty;
use crate::db::users::Account;
use crate::db::{self, DbConn};
use crate::domain::contract::{Contract, Party};
use crate::domain::dates;
use crate::domain::office_code::OfficeCode;
use crate::domain::regnum::RegistrationNumber;
use crate::domain::role::{Role, Scope};
use crate::domain::rules::{self, RuleContext};
use crate::domain::status::Status;
use crate::domain::text;
use crate::export::contracts_csv::{self, ContractRecord, column_index};
use crate::export::csv_input::{self, MAX_PROBLEMS};
use crate::filing;

/// Who imports, which decides what a file may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Importer {
    /// The operator at the command line: any office, `registered` rows allowed.
    Operator,
    /// A ministry account on the upload page: any office, `registered` rows allowed.
    Ministry { user_id: i64 },
    /// A clerk on the upload page: `submitted` rows of the clerk's own office only.
    Clerk { user_id: i64, office_code: String },
}

impl Importer {
    /// The importer an account acts as on the upload page; `None` for roles that may not import.
    pub fn of(account: &Account) -> Option<Importer> {
        match account.role {
            Role::Ministry => Some(Importer::Ministry {
                user_id: account.id,
            }),
            Role::Clerk => account
                .office_code
                .clone()
                .map(|office_code| Importer::Clerk {
                    user_id: account.id,
                    office_code,
                }),
            Role::ProvinceAdmin | Role::Sysadmin => None,
        }
    }

    fn user_id(&self) -> Option<i64> {
        match self {
            Importer::Operator => None,
            Importer::Ministry { user_id } | Importer::Clerk { user_id, .. } => Some(*user_id),
        }
    }

    fn may_import_registered(&self) -> bool {
        !matches!(self, Importer::Clerk { .. })
    }
}

/// What a successful import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub rows: usize,
    pub submitted: usize,
    pub registered: usize,
    pub parties_added: usize,
    pub parties_updated: usize,
    /// `row N, column: 警告：…` lines; they did not stop the import.
    pub warnings: Vec<String>,
}

impl ImportSummary {
    /// One zh line, e.g. "已导入 3 行：待审核 2 份，已登记 1 份；合同方名录新增 4 个，更新 0 个".
    pub fn describe(&self) -> String {
        format!(
            "已导入 {} 行：待审核 {} 份，已登记 {} 份；合同方名录新增 {} 个，更新 {} 个",
            self.rows, self.submitted, self.registered, self.parties_added, self.parties_updated
        )
    }
}

/// Why nothing was imported: the problem lines (errors and warnings, in row and column order,
/// at most [`MAX_PROBLEMS`] of each) and how many errors were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblems {
    pub lines: Vec<String>,
    pub errors: usize,
    pub warnings: usize,
    /// Checking stopped at [`MAX_PROBLEMS`] errors: later rows were not checked.
    pub cut_short: bool,
}

impl ImportProblems {
    /// One zh line for the end of the listing.
    pub fn describe(&self) -> String {
        if self.cut_short {
            return format!(
                "导入失败：错误超过 {MAX_PROBLEMS} 处（只列出前 {MAX_PROBLEMS} 处），未写入任何数据"
            );
        }
        let also = if self.warnings > 0 {
            format!("（另有 {} 条警告）", self.warnings)
        } else {
            String::new()
        };
        format!("导入失败：共 {} 处错误{also}，未写入任何数据", self.errors)
    }

    fn file(lines: Vec<String>) -> Self {
        let cut_short = lines.len() > MAX_PROBLEMS;
        let errors = lines.len().min(MAX_PROBLEMS);
        ImportProblems {
            lines,
            errors,
            warnings: 0,
            cut_short,
        }
    }

    /// The first [`MAX_PROBLEMS`] errors in row order (with the warnings among them) and the
    /// line saying the listing stops there.
    fn cut_short(mut problems: Vec<Problem>) -> Self {
        sort_problems(&mut problems);
        let mut errors = 0;
        let mut lines: Vec<String> = problems
            .iter()
            .take_while(|p| {
                errors += usize::from(!p.warning);
                errors <= MAX_PROBLEMS
            })
            .map(Problem::line)
            .collect();
        let warnings = lines.len() - MAX_PROBLEMS.min(lines.len());
        lines.push(csv_input::too_many_problems());
        ImportProblems {
            lines,
            errors: MAX_PROBLEMS,
            warnings,
            cut_short: true,
        }
    }
}

fn errors_in(problems: &[Problem]) -> usize {
    problems.iter().filter(|p| !p.warning).count()
}

/// At most [`MAX_PROBLEMS`] warning lines are kept (a report is stored and shown); the rest is
/// counted in one line.
fn listed(mut lines: Vec<String>) -> Vec<String> {
    let is_warning = |l: &String| l.contains(": 警告：");
    let warnings = lines.iter().filter(|l| is_warning(l)).count();
    if warnings <= MAX_PROBLEMS {
        return lines;
    }
    let mut kept = 0;
    lines.retain(|l| {
        if !is_warning(l) {
            return true;
        }
        kept += 1;
        kept <= MAX_PROBLEMS
    });
    lines.push(format!(
        "file: 警告：另有 {} 条警告未列出",
        warnings - MAX_PROBLEMS
    ));
    lines
}

/// Reads a contracts file (CSV or XLSX, see `export::contracts_csv::read`) and imports it.
pub fn import_file(
    conn: &mut DbConn,
    actor: &Actor,
    importer: &Importer,
    file_name: &str,
    bytes: &[u8],
    now: NaiveDateTime,
) -> Result<ImportSummary, ImportProblems> {
    let records = contracts_csv::read(file_name, bytes).map_err(ImportProblems::file)?;
    import_records(conn, actor, importer, file_name, records, now)
}

/// Imports records already read from a file named `file_name`.
pub fn import_records(
    conn: &mut DbConn,
    actor: &Actor,
    importer: &Importer,
    file_name: &str,
    records: Vec<ContractRecord>,
    now: NaiveDateTime,
) -> Result<ImportSummary, ImportProblems> {
    let db_failure = |e: diesel::result::Error| {
        ImportProblems::file(vec![format!("file: 读写数据库失败，未写入任何数据：{e}")])
    };
    let offices: HashMap<String, OfficeInfo> = db::offices::list(conn, &Scope::Nation)
        .map_err(db_failure)?
        .into_iter()
        .map(|o| {
            (
                o.code,
                OfficeInfo {
                    authority: o.authority_code,
                    active: o.active,
                },
            )
        })
        .collect();
    let rows = records.len();
    let checker = RowChecker {
        offices: &offices,
        importer,
        today: dates::today_cst(now.and_utc()),
    };
    let (mut problems, accepted) = checker.check_all(&records);
    drop(records);
    if errors_in(&problems) >= MAX_PROBLEMS {
        return Err(ImportProblems::cut_short(problems));
    }
    let firsts = within_file(&accepted, &mut problems);

    let result = db::contracts::with_bulk_write_cache(conn, |conn| {
        db::write_transaction(conn, |c| {
            against_database(c, &accepted, &firsts, &mut problems)?;
            if problems.iter().any(|p| !p.warning) {
                // Nothing has been written yet; the rollback only releases the lock.
                return Err(Failure::Problems);
            }
            let summary = store(c, actor, importer, file_name, &accepted, now)?;
            Ok(summary)
        })
    });
    if errors_in(&problems) >= MAX_PROBLEMS {
        return Err(ImportProblems::cut_short(problems));
    }
    let lines = sorted_lines(&mut problems);
    match result {
        Ok(mut summary) => {
            if rows >= STATISTICS_REFRESH_ROWS {
                // A plan made while the table was small (PostgreSQL keeps generic plans of
                // prepared statements) would scan the grown table in every later lookup.
                if let Err(e) = db::refresh_statistics(conn) {
                    tracing::warn!(error = %e, "refreshing planner statistics after an import failed");
                }
            }
            summary.rows = rows;
            summary.warnings = listed(lines);
            Ok(summary)
        }
        Err(Failure::Problems) => {
            let errors = errors_in(&problems);
            Err(ImportProblems {
                errors,
                warnings: problems.len() - errors,
                lines: listed(lines),
                cut_short: false,
            })
        }
        Err(Failure::Db(e)) => Err(db_failure(e)),
    }
}

/// Imports of at least this many rows refresh the planner's statistics afterwards.
const STATISTICS_REFRESH_ROWS: usize = 1_000;

enum Failure {
    Problems,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        Failure::Db(e)
    }
}

// ---------------------------------------------------------------------------------------------
// Row checks

struct OfficeInfo {
    authority: String,
    active: bool,
}

/// One problem of one row, named by the column a clerk would correct.
#[derive(Debug, Clone)]
struct Problem {
    row: usize,
    column: String,
    warning: bool,
    message: String,
}

impl Problem {
    fn error(row: usize, column: &str, message: impl Into<String>) -> Self {
        Problem {
            row,
            column: column.to_owned(),
            warning: false,
            message: message.into(),
        }
    }

    fn line(&self) -> String {
        let warn = if self.warning { "警告：" } else { "" };
        csv_input::row_problem(self.row, &self.column, &format!("{warn}{}", self.message))
    }
}

/// Lines in row order; within a row in column order, errors before warnings.
fn sorted_lines(problems: &mut [Problem]) -> Vec<String> {
    sort_problems(problems);
    problems.iter().map(Problem::line).collect()
}

fn sort_problems(problems: &mut [Problem]) {
    problems.sort_by_key(|p| {
        (
            p.row,
            column_index(&p.column).unwrap_or(usize::MAX),
            p.warning,
        )
    });
}

/// A row that passed its own checks.
struct Accepted {
    row: usize,
    contract: Contract,
    office: String,
    authority: String,
    /// Set for `registered` rows.
    registration: Option<(RegistrationNumber, NaiveDate)>,
    duplicate_key: String,
}

/// Stands in for the office when a row's `office_code` failed, so its other fields are still
/// checked. The office's territory (rule 7) cannot be judged then, and its messages — the ones
/// that speak of "本登记机构" — are left out: correcting the office code comes first.
const STAND_IN_OFFICE: &str = "110101";

fn about_office_territory(message: &str) -> bool {
    message.contains("本登记机构")
}

struct RowChecker<'a> {
    offices: &'a HashMap<String, OfficeInfo>,
    importer: &'a Importer,
    today: NaiveDate,
}

impl RowChecker<'_> {
    /// Checks every row, on all cores for large files; results in row order.
    fn check_all(&self, records: &[ContractRecord]) -> (Vec<Problem>, Vec<Accepted>) {
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
                    format!("只能导入本登记机构（{office_code}）的合同，此行为 {code}"),
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
struct Firsts {
    keys: HashMap<String, usize>,
    numbers: HashMap<RegistrationNumber, usize>,
}

/// The duplicate guard and registration numbers within the file: a later row repeating an
/// earlier one is an error on the later row.
fn within_file(accepted: &[Accepted], problems: &mut Vec<Problem>) -> Firsts {
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
fn against_database(
    c: &mut DbConn,
    accepted: &[Accepted],
    firsts: &Firsts,
    problems: &mut Vec<Problem>,
) -> Result<(), Failure> {
    let keys: Vec<&str> = firsts.keys.keys().map(String::as_str).collect();
    let mut filed = db::contracts::filed_with_duplicate_keys(c, &keys)?;
    filed.sort();
    filed.dedup_by(|a, b| a.0 == b.0);
    for (key, id) in filed {
        if let Some(row) = firsts.keys.get(&key) {
            problems.push(Problem::error(
                *row,
                "project_name",
                format!("重复登记：与合同 #{id} 的卖方、买方、签订日期和项目名称相同"),
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

// ---------------------------------------------------------------------------------------------
// Writing

/// Stores the accepted rows: parties, contracts, serial counters, one audit entry.
fn store(
    c: &mut DbConn,
    actor: &Actor,
    importer: &Importer,
    file_name: &str,
    accepted: &[Accepted],
    now: NaiveDateTime,
) -> Result<ImportSummary, Failure> {
    let mut summary = ImportSummary::default();
    let (party_ids, added, updated) = remember_parties(c, actor, accepted, now)?;
    let set_aside = db::contracts::set_aside_list_indexes(c, accepted.len())?;
    summary.parties_added = added;
    summary.parties_updated = updated;

    // A helper thread turns accepted rows into the columns to store while this one writes the
    // previous chunk: the two halves of the work overlap on two cores.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<ContractWrite>>(2);
    let party_ids = &party_ids;
    std::thread::scope(|s| -> Result<(), Failure> {
        s.spawn(move || {
            for chunk in accepted.chunks(WRITE_CHUNK) {
                let writes = chunk
                    .iter()
                    .map(|a| contract_write(a, party_ids, now))
                    .collect();
                if sender.send(writes).is_err() {
                    break; // the writer stopped on an error
                }
            }
        });
        for writes in receiver {
            db::contracts::insert_batch(c, writes, importer.user_id(), now)?;
        }
        Ok(())
    })?;
    if let Some(set_aside) = set_aside {
        db::contracts::restore_list_indexes(c, set_aside)?;
    }

    let mut counters: HashMap<(&str, i32), u32> = HashMap::new();
    for a in accepted {
        match &a.registration {
            Some((n, _)) => {
                summary.registered += 1;
                let serial = counters
                    .entry((a.office.as_str(), i32::from(n.year())))
                    .or_default();
                *serial = (*serial).max(n.serial());
            }
            None => summary.submitted += 1,
        }
    }
    let mut counters: Vec<_> = counters.into_iter().collect();
    counters.sort();
    for ((office, year), serial) in counters {
        let serial = i32::try_from(serial).unwrap_or(i32::MAX);
        db::registration_counters::move_past(c, office, year, serial)?;
    }

    let mut authorities: Vec<&str> = accepted.iter().map(|a| a.authority.as_str()).collect();
    authorities.sort_unstable();
    authorities.dedup();
    db::audit::record(
        c,
        actor,
        Entry {
            action: "contract.import",
            object_type: "contract",
            object_id: text::shown(file_name),
            authority_code: match authorities.as_slice() {
                [one] => Some((*one).to_owned()),
                _ => None,
            },
            summary: format!(
                "批量导入合同（{}）：待审核 {} 份，已登记 {} 份；合同方名录新增 {} 个，更新 {} 个",
                file_name,
                summary.submitted,
                summary.registered,
                summary.parties_added,
                summary.parties_updated
            ),
        },
        now,
    )?;
    Ok(summary)
}

/// Rows turned into columns per hand-over between the two threads of `store`.
const WRITE_CHUNK: usize = 1_000;

/// The columns of an accepted row, as a web filing stores them (`filing::filed_write`), with
/// its parties' directory ids and, for history, its registration.
fn contract_write(
    a: &Accepted,
    party_ids: &HashMap<String, i64>,
    now: NaiveDateTime,
) -> ContractWrite {
    let status = if a.registration.is_some() {
        Status::Registered
    } else {
        Status::Submitted
    };
    let mut w = filing::filed_write(&a.contract, &a.office, &a.authority, status, 1, now);
    w.seller_party_id = party_ids.get(&a.contract.seller.directory_key()).copied();
    w.buyer_party_id = party_ids.get(&a.contract.buyer.directory_key()).copied();
    match &a.registration {
        Some((n, on)) => {
            w.registration_number = Some(n.to_string());
            w.registered_on = Some(*on);
        }
        None => w.submitted_at = Some(now),
    }
    w
}

/// The party directory as a filing keeps it, for every party of the file at once: a party not
/// yet listed is added (its home authority that of the first row naming it); a listed party
/// whose details differ from the last row naming it is updated with who and when. Returns
/// the directory id of every key, and how many were added and updated.
fn remember_parties(
    c: &mut DbConn,
    actor: &Actor,
    accepted: &[Accepted],
    now: NaiveDateTime,
) -> Result<(HashMap<String, i64>, usize, usize), Failure> {
    struct Seen<'a> {
        /// The last row's party: its details win, as the last of several filings would.
        party: &'a Party,
        /// The authority of the first row naming it.
        authority: &'a str,
    }
    let mut order: Vec<String> = Vec::new();
    let mut seen: HashMap<String, Seen<'_>> = HashMap::new();
    for a in accepted {
        for party in [&a.contract.seller, &a.contract.buyer] {
            match seen.entry(party.directory_key()) {
                MapEntry::Occupied(mut o) => o.get_mut().party = party,
                MapEntry::Vacant(v) => {
                    order.push(v.key().clone());
                    v.insert(Seen {
                        party,
                        authority: &a.authority,
                    });
                }
            }
        }
    }
    let keys: Vec<&str> = order.iter().map(String::as_str).collect();
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(order.len());
    let mut updated = 0;
    for existing in db::parties::find_by_keys(c, &keys)? {
        if let Some(s) = seen.get(&existing.party_key) {
            let details = filing::party_details(s.party);
            if filing::stored_details(&existing) != details {
                db::parties::update(c, existing.id, &details, &actor.name, now)?;
                updated += 1;
            }
        }
        ids.insert(existing.party_key, existing.id);
    }
    let new: Vec<NewParty> = order
        .iter()
        .filter(|k| !ids.contains_key(*k))
        .filter_map(|k| {
            let s = seen.get(k)?;
            Some(NewParty::new(
                k.clone(),
                filing::party_kind(s.party),
                filing::party_details(s.party),
                s.authority.to_owned(),
                &actor.name,
                now,
            ))
        })
        .collect();
    let added = new.len();
    ids.extend(db::parties::insert_batch(c, new)?);
    Ok((ids, added, updated))
}

// ---------------------------------------------------------------------------------------------
// Export

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("年份 {0} 无效")]
    Year(i32),
    #[error("读取数据库失败：{0}")]
    Db(#[from] diesel::result::Error),
    #[error("写出失败：{0}")]
    Io(#[from] std::io::Error),
}

/// Rows read and written per round while exporting.
const EXPORT_PAGE: usize = 2_000;

/// Writes the contracts CSV of year `year` (interchange.md §1): the contracts registered that
/// year (by `registered_on`; cancelled ones are not registered any more), ordered by
/// registration number, each with the party details recorded on it. Returns how many were
/// written.
pub fn export_year(
    conn: &mut DbConn,
    year: i32,
    out: &mut dyn std::io::Write,
) -> Result<usize, ExportError> {
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(ExportError::Year(year));
    };
    out.write_all(contracts_csv::header_line().as_bytes())?;
    let numbers = db::contracts::registered_between(conn, from, to)?;
    for page in numbers.chunks(EXPORT_PAGE) {
        let ids: Vec<i64> = page.iter().map(|(_, id)| *id).collect();
        let mut rows: HashMap<i64, _> = db::contracts::find_many(conn, &ids)?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut text = String::with_capacity(page.len() * 600);
        for id in &ids {
            if let Some(row) = rows.remove(id) {
                contracts_csv::push_contract(&mut text, &row);
            }
        }
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    Ok(numbers.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::ContractInput;

    #[test]
    fn territory_messages_are_recognised() {
        // A Beijing seller filed at a 广州 office: rule 7 speaks of "本登记机构".
        let input = ContractInput {
            seller_country_code: "142".into(),
            seller_admin_code: "110108".into(),
            ..ContractInput::default()
        };
        let office = OfficeCode::parse("440101").unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let (errors, _) = rules::check(&input, &RuleContext::filing(office, today)).unwrap_err();
        assert!(
            errors
                .get("seller_admin_code")
                .iter()
                .any(|m| about_office_territory(m)),
            "{errors:?}"
        );
        assert!(
            !errors
                .get("project_name")
                .iter()
                .any(|m| about_office_territory(m))
        );
        assert!(OfficeCode::parse(STAND_IN_OFFICE).is_ok());
    }

    #[test]
    fn problems_sort_by_row_then_column() {
        let mut p = vec![
            Problem::error(3, "buyer_name", "b"),
            Problem {
                row: 2,
                column: "total_amount_yuan".into(),
                warning: true,
                message: "w".into(),
            },
            Problem::error(2, "total_amount_yuan", "e"),
            Problem::error(2, "status", "s"),
        ];
        assert_eq!(
            sorted_lines(&mut p),
            [
                "row 2, status: s",
                "row 2, total_amount_yuan: e",
                "row 2, total_amount_yuan: 警告：w",
                "row 3, buyer_name: b",
            ]
        );
    }

    #[test]
    fn long_listings_keep_the_first_errors_and_count_the_warnings() {
        let warning = |row| Problem {
            row,
            column: "total_amount_yuan".into(),
            warning: true,
            message: "w".into(),
        };
        // Errors from two slices, out of order: the first MAX_PROBLEMS by row are kept.
        let mut p: Vec<Problem> = (0..MAX_PROBLEMS + 50)
            .rev()
            .map(|i| Problem::error(i + 2, "status", "s"))
            .collect();
        p.push(warning(3));
        let cut = ImportProblems::cut_short(p);
        assert!(cut.cut_short);
        assert_eq!(cut.lines.len(), MAX_PROBLEMS + 2);
        assert_eq!(cut.lines[0], "row 2, status: s");
        assert_eq!(cut.lines[2], "row 3, total_amount_yuan: 警告：w");
        assert_eq!(cut.warnings, 1);
        assert!(
            cut.lines
                .last()
                .is_some_and(|l| l.starts_with("file: 问题超过 1000 处"))
        );
        assert!(cut.describe().contains("错误超过 1000 处"));

        let many: Vec<String> = (0..MAX_PROBLEMS + 7)
            .map(|i| warning(i + 2).line())
            .collect();
        let kept = listed(many);
        assert_eq!(kept.len(), MAX_PROBLEMS + 1);
        assert_eq!(kept[MAX_PROBLEMS], "file: 警告：另有 7 条警告未列出");
        let few = vec!["row 2, status: s".to_owned(), warning(2).line()];
        assert_eq!(listed(few.clone()), few);
    }
}
