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

//!
//! `check` holds the checks, `store` the writing, `export` the year's CSV.

mod check;
mod export;
mod store;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::audit::Actor;
use crate::db::users::Account;
use crate::db::{self, DbConn};
use crate::domain::dates;
use crate::domain::role::{Role, Scope};
use crate::input;
use crate::input::contracts::{self, ContractRecord};
use crate::input::csv_file::{self, MAX_PROBLEMS};
use check::{
    OfficeInfo, Problem, RowChecker, against_database, sort_problems, sorted_lines, within_file,
};
pub use export::{ExportError, export_year};
use store::store;

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

    fn file(problems: Vec<input::Problem>) -> Self {
        let cut_short = problems.len() > MAX_PROBLEMS;
        let errors = problems.len().min(MAX_PROBLEMS);
        let lines = problems.iter().map(input::Problem::to_string).collect();
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
        lines.push(csv_file::too_many_problems().to_string());
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

/// Reads a contracts file (CSV or XLSX, see `input::contracts::read`) and imports it.
pub fn import_file(
    conn: &mut DbConn,
    actor: &Actor,
    importer: &Importer,
    file_name: &str,
    bytes: &[u8],
    now: NaiveDateTime,
) -> Result<ImportSummary, ImportProblems> {
    let records = contracts::read(file_name, bytes).map_err(ImportProblems::file)?;
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
        ImportProblems::file(vec![input::Problem::file(format!(
            "读写数据库失败，未写入任何数据：{e}"
        ))])
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
