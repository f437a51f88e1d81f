//! Queries of the `contracts` table. Every read of contract data takes the actor's scope.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::contracts;
use super::{DbConn, MultiBackend};
use crate::domain::contract::ContractInput;
use crate::domain::dates;
use crate::domain::money::Money;
use crate::domain::role::Scope;
use crate::domain::status::Status;

/// A stored contract, every column: the id, what filings write, and who created it when.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = contracts, check_for_backend(MultiBackend))]
pub struct ContractRow {
    pub id: i64,
    #[diesel(embed)]
    pub data: ContractWrite,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    /// Who gave the first of two approvals of a large contract that waits for the second.
    pub first_approved_by: Option<i64>,
    /// The day of the last approved change (变更登记).
    pub amended_on: Option<NaiveDate>,
}

/// A row reads as its columns: `row.project_name` rather than `row.data.project_name`.
impl std::ops::Deref for ContractRow {
    type Target = ContractWrite;

    fn deref(&self) -> &ContractWrite {
        &self.data
    }
}

impl ContractRow {
    /// The form values of a stored contract: a draft's text exactly as typed, a filed contract's
    /// canonical text.
    pub fn input(&self) -> ContractInput {
        if let Some(json) = &self.draft_input
            && let Ok(input) = serde_json::from_str::<ContractInput>(json)
        {
            return input;
        }
        let yuan = |f: Option<i64>| {
            f.map(|f| Money::from_fen(f).yuan_string())
                .unwrap_or_default()
        };
        let date = |d: Option<chrono::NaiveDate>| d.map(dates::format_date).unwrap_or_default();
        ContractInput {
            project_name: self.project_name.clone(),
            signed_on: date(self.signed_on),
            valid_from: date(self.valid_from),
            valid_to: date(self.valid_to),
            category_code: self.category_code.clone(),
            ip_code: self.ip_code.clone(),
            tech_field_code: self.tech_field_code.clone(),
            objective_code: self.objective_code.clone(),
            plan_code: self.plan_code.clone(),
            plan_name: self.plan_name.clone(),
            payment_code: self.payment_code.clone(),
            non_technical_note: self.non_technical_note.clone(),
            third_party_name: self.third_party_name.clone(),
            is_related: if self.is_related { "1" } else { "0" }.to_owned(),
            seller_uscc_override: self.seller_uscc_override.clone(),
            buyer_uscc_override: self.buyer_uscc_override.clone(),
            total_amount_yuan: yuan(self.total_fen),
            technical_amount_yuan: yuan(self.technical_fen),
            expected_investment_yuan: yuan(self.expected_investment_fen),
            expected_output_yuan: yuan(self.expected_output_fen),
            seller_name: self.seller_name.clone(),
            seller_country_code: self.seller_country_code.clone(),
            seller_admin_code: self.seller_admin_code.clone(),
            seller_uscc: self.seller_uscc.clone(),
            seller_nature_code: self.seller_nature_code.clone(),
            seller_address: self.seller_address.clone(),
            seller_zipcode: self.seller_zipcode.clone(),
            seller_representative: self.seller_representative.clone(),
            seller_contact: self.seller_contact.clone(),
            seller_phone: self.seller_phone.clone(),
            buyer_name: self.buyer_name.clone(),
            buyer_country_code: self.buyer_country_code.clone(),
            buyer_admin_code: self.buyer_admin_code.clone(),
            buyer_uscc: self.buyer_uscc.clone(),
            buyer_nature_code: self.buyer_nature_code.clone(),
            buyer_address: self.buyer_address.clone(),
            buyer_zipcode: self.buyer_zipcode.clone(),
            buyer_representative: self.buyer_representative.clone(),
            buyer_contact: self.buyer_contact.clone(),
            buyer_phone: self.buyer_phone.clone(),
        }
    }
}

/// Every column a filing writes (all but the id and the creation stamp). Used for inserts and,
/// as a changeset, for updates; `None` writes NULL (in inserts too, so that SQLite can take
/// many rows in one multi-row INSERT).
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(
    table_name = contracts,
    check_for_backend(MultiBackend),
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct ContractWrite {
    pub office_code: String,
    pub authority_code: String,
    pub status: Status,
    pub version: i32,
    pub registration_number: Option<String>,
    pub registered_on: Option<NaiveDate>,
    pub review_note: Option<String>,
    pub draft_input: Option<String>,
    pub checklist_confirmed: bool,
    pub project_name: String,
    pub project_name_norm: String,
    pub signed_on: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub category_code: String,
    pub ip_code: String,
    pub tech_field_code: String,
    pub objective_code: String,
    pub plan_code: String,
    pub plan_name: String,
    pub payment_code: String,
    pub non_technical_note: String,
    pub third_party_name: String,
    pub is_related: bool,
    pub total_fen: Option<i64>,
    pub technical_fen: Option<i64>,
    pub expected_investment_fen: Option<i64>,
    pub expected_output_fen: Option<i64>,
    pub seller_uscc_override: String,
    pub buyer_uscc_override: String,
    pub seller_party_id: Option<i64>,
    pub buyer_party_id: Option<i64>,
    pub seller_name: String,
    pub seller_country_code: String,
    pub seller_admin_code: String,
    pub seller_uscc: String,
    pub seller_nature_code: String,
    pub seller_address: String,
    pub seller_zipcode: String,
    pub seller_representative: String,
    pub seller_contact: String,
    pub seller_phone: String,
    pub seller_name_norm: String,
    pub buyer_name: String,
    pub buyer_country_code: String,
    pub buyer_admin_code: String,
    pub buyer_uscc: String,
    pub buyer_nature_code: String,
    pub buyer_address: String,
    pub buyer_zipcode: String,
    pub buyer_representative: String,
    pub buyer_contact: String,
    pub buyer_phone: String,
    pub buyer_name_norm: String,
    pub duplicate_key: Option<String>,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    /// The last day on which the review of the current submission is in time.
    pub review_due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = contracts)]
struct Creation {
    created_by: Option<i64>,
    created_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConn,
    write: &ContractWrite,
    created_by: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(contracts::table)
        .values((
            write,
            Creation {
                created_by,
                created_at: now,
            },
        ))
        .returning(contracts::id)
        .get_result(conn)
}

/// Writes `write` over contract `id` only if it is still at `expected_version` (optimistic
/// locking); returns false when someone else changed it first.
pub fn update_if_version(
    conn: &mut DbConn,
    id: i64,
    expected_version: i32,
    write: &ContractWrite,
) -> QueryResult<bool> {
    let n = diesel::update(
        contracts::table
            .find(id)
            .filter(contracts::version.eq(expected_version)),
    )
    .set(write)
    .execute(conn)?;
    Ok(n == 1)
}

/// The columns a reviewer's decision changes.
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = contracts, treat_none_as_null = true)]
pub struct Decided {
    pub status: Status,
    pub version: i32,
    pub registration_number: Option<String>,
    pub registered_on: Option<NaiveDate>,
    pub review_note: Option<String>,
    pub updated_at: NaiveDateTime,
    pub first_approved_by: Option<i64>,
}

/// Records a decision on a contract that still waits for review at `expected_version`;
/// returns false when it no longer does (decided or changed by someone else first).
pub fn record_decision(
    conn: &mut DbConn,
    id: i64,
    expected_version: i32,
    decided: &Decided,
) -> QueryResult<bool> {
    let n = diesel::update(
        contracts::table
            .find(id)
            .filter(contracts::version.eq(expected_version))
            .filter(contracts::status.eq(Status::Submitted)),
    )
    .set(decided)
    .execute(conn)?;
    Ok(n == 1)
}

/// Cancels a registered contract at `expected_version` (注销登记); false when it changed.
pub fn cancel(
    conn: &mut DbConn,
    id: i64,
    expected_version: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        contracts::table
            .find(id)
            .filter(contracts::version.eq(expected_version))
            .filter(contracts::status.eq(Status::Registered)),
    )
    .set((
        contracts::status.eq(Status::Cancelled),
        contracts::version.eq(expected_version + 1),
        contracts::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records the day of an approved change.
pub fn mark_amended(conn: &mut DbConn, id: i64, day: NaiveDate) -> QueryResult<usize> {
    diesel::update(contracts::table.find(id))
        .set(contracts::amended_on.eq(Some(day)))
        .execute(conn)
}

/// What waits for an authority's review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    pub all: i64,
    /// Of those, approved once and waiting for the second review.
    pub second: i64,
    /// Of those, past their review deadline on `today`.
    pub overdue: i64,
}

/// How many contracts of an authority wait for review, at the second step, and overdue.
pub fn waiting_counts(
    conn: &mut DbConn,
    authority: &str,
    today: NaiveDate,
) -> QueryResult<Waiting> {
    let scope = Scope::Authority(authority.to_owned());
    let waiting = || in_status(scoped(&scope), Status::Submitted);
    Ok(Waiting {
        all: waiting().count().get_result(conn)?,
        second: waiting()
            .filter(contracts::first_approved_by.is_not_null())
            .count()
            .get_result(conn)?,
        overdue: waiting()
            .filter(contracts::review_due_on.lt(today))
            .count()
            .get_result(conn)?,
    })
}

/// When the contract of the scope that has waited longest for review was submitted.
pub fn oldest_waiting_since(
    conn: &mut DbConn,
    scope: &Scope,
) -> QueryResult<Option<NaiveDateTime>> {
    in_status(scoped(scope), Status::Submitted)
        .select(diesel::dsl::min(contracts::submitted_at))
        .first(conn)
}

/// The contract of the scope that has waited longest for review (the head of the queue),
/// leaving out those waiting for a second review after `reviewer`'s own first approval.
pub fn next_waiting(conn: &mut DbConn, scope: &Scope, reviewer: i64) -> QueryResult<Option<i64>> {
    in_status(scoped(scope), Status::Submitted)
        .filter(
            contracts::first_approved_by
                .is_null()
                .or(contracts::first_approved_by.ne(reviewer)),
        )
        .order(contracts::id.asc())
        .select(contracts::id)
        .first(conn)
        .optional()
}

/// Restricts a query to contracts in state `status`. For any state but registered it also
/// states the condition of the partial indexes `contracts_unregistered_by_*`: SQLite uses a
/// partial index only when the query spells out its condition.
fn in_status<'a>(
    q: contracts::BoxedQuery<'a, MultiBackend>,
    status: Status,
) -> contracts::BoxedQuery<'a, MultiBackend> {
    let q = q.filter(contracts::status.eq(status));
    if status == Status::Registered {
        q
    } else {
        q.filter(contracts::status.ne(Status::Registered))
    }
}

/// Restricts a query to the contracts a scope may see (system administrators see none).
fn scoped<'a>(scope: &Scope) -> contracts::BoxedQuery<'a, MultiBackend> {
    let q = contracts::table.into_boxed::<MultiBackend>();
    match scope {
        Scope::Office(o) => q.filter(contracts::office_code.eq(o.clone())),
        Scope::Authority(a) => q.filter(contracts::authority_code.eq(a.clone())),
        Scope::Nation => q,
        Scope::Accounts => q.filter(contracts::id.lt(0)),
    }
}

/// One contract, if the scope covers it (else None: out-of-scope ids look like missing ones).
pub fn find_in_scope(
    conn: &mut DbConn,
    scope: &Scope,
    id: i64,
) -> QueryResult<Option<ContractRow>> {
    scoped(scope)
        .filter(contracts::id.eq(id))
        .select(ContractRow::as_select())
        .first(conn)
        .optional()
}

/// Whether a filed contract (submitted or registered, anywhere) has this duplicate key.
pub fn duplicate_of(
    conn: &mut DbConn,
    key: &str,
    except_id: Option<i64>,
) -> QueryResult<Option<i64>> {
    // By the key's index alone; the status is checked here (see `filed_with_duplicate_keys`).
    let rows: Vec<(i64, Status)> = contracts::table
        .filter(contracts::duplicate_key.eq(key))
        .select((contracts::id, contracts::status))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .find(|(id, status)| Some(*id) != except_id && status.is_filed())
        .map(|(id, _)| id))
}

pub fn count(conn: &mut DbConn, scope: &Scope) -> QueryResult<i64> {
    scoped(scope).count().get_result(conn)
}

/// How many contracts of the scope are in state `status`.
pub fn count_with_status(conn: &mut DbConn, scope: &Scope, status: Status) -> QueryResult<i64> {
    in_status(scoped(scope), status).count().get_result(conn)
}

/// Filters of the contract list (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractFilter {
    pub status: Option<Status>,
    /// One office within the scope (a province's queue narrowed to an office).
    pub office: Option<String>,
    /// A leaf category code, or a parent ("1"–"4") for all its leaves.
    pub category: Option<String>,
    pub signed_from: Option<NaiveDate>,
    pub signed_to: Option<NaiveDate>,
    pub min_total_fen: Option<i64>,
    pub max_total_fen: Option<i64>,
    /// Already normalised (`domain::text::normalise_name`): matched inside project and party names.
    pub text: Option<String>,
    /// Waiting contracts at their second review (true) or at their first (false).
    pub second_review: Option<bool>,
    /// Registered on or after / on or before (the 登记清单's period).
    pub registered_from: Option<NaiveDate>,
    pub registered_to: Option<NaiveDate>,
    /// The seller's USCC, exactly.
    pub seller_uscc: Option<String>,
}

/// Orders of the contract list; each pages by keyset (sort value, id), never by offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    /// First come, first served: the review queue.
    Oldest,
    SignedDesc,
    AmountDesc,
}

impl Sort {
    pub fn parse(s: &str) -> Sort {
        match s {
            "oldest" => Sort::Oldest,
            "signed" => Sort::SignedDesc,
            "amount" => Sort::AmountDesc,
            _ => Sort::Newest,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::SignedDesc => "signed",
            Sort::AmountDesc => "amount",
        }
    }
}

/// How an undated draft sorts (the same value as the SQL `COALESCE` above uses).
const NO_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// Where the next page starts: the last row's sort value and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    Id(i64),
    Signed(NaiveDate, i64),
    Amount(i64, i64),
}

/// Rows a name search first reads along the page's own order before it turns to the name
/// index: a common word fills its page within them, straight from the order's index.
pub const SEARCH_PROBE_ROWS: i64 = 1_000;

/// One page of contracts in the scope, plus the cursor of the next page when there is one.
///
/// A name search runs in two steps. It first reads the next `SEARCH_PROBE_ROWS` rows of the
/// page's order (without the name condition) and matches the names itself: when that fills the
/// page, or exhausts the scope, it is the exact answer, because those rows are a prefix of the
/// order. Otherwise the name is rare in the scope, and the query asks the name index
/// ([`name_search`]), which reads only the matching rows. Either way a page costs a bounded
/// amount of work: a common word never makes the index produce most of the table.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    filter: &ContractFilter,
    sort: Sort,
    after: Option<&Cursor>,
    limit: i64,
) -> QueryResult<(Vec<ContractRow>, Option<Cursor>)> {
    let backend = conn.backend();
    let mut rows = match &filter.text {
        None => ordered_page(backend, scope, filter, sort, after)
            .select(ContractRow::as_select())
            .limit(limit + 1)
            .load(conn)?,
        Some(text) => {
            let probe: Vec<(i64, String, String, String)> =
                ordered_page(backend, scope, filter, sort, after)
                    .select((
                        contracts::id,
                        contracts::project_name_norm,
                        contracts::seller_name_norm,
                        contracts::buyer_name_norm,
                    ))
                    .limit(SEARCH_PROBE_ROWS)
                    .load(conn)?;
            let exhausted = (probe.len() as i64) < SEARCH_PROBE_ROWS;
            let ids: Vec<i64> = probe
                .into_iter()
                .filter(|(_, p, s, b)| {
                    p.contains(text.as_str())
                        || s.contains(text.as_str())
                        || b.contains(text.as_str())
                })
                .map(|(id, ..)| id)
                .take(limit as usize + 1)
                .collect();
            if exhausted || ids.len() as i64 > limit {
                let mut found = find_many(conn, &ids)?;
                let position = |id: i64| ids.iter().position(|x| *x == id);
                found.sort_by_key(|r| position(r.id));
                found
            } else {
                ordered_page(backend, scope, filter, sort, after)
                    .filter(name_search(backend, text))
                    .select(ContractRow::as_select())
                    .limit(limit + 1)
                    .load(conn)?
            }
        }
    };
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| match sort {
            Sort::Newest | Sort::Oldest => Cursor::Id(r.id),
            Sort::SignedDesc => Cursor::Signed(r.signed_on.unwrap_or(NO_DATE), r.id),
            Sort::AmountDesc => Cursor::Amount(r.total_fen.unwrap_or(0), r.id),
        })
    } else {
        None
    };
    Ok((rows, next))
}

/// The scope's contracts that pass every filter but the name search, in the page's order,
/// from the cursor on.
fn ordered_page<'a>(
    backend: super::Backend,
    scope: &Scope,
    filter: &ContractFilter,
    sort: Sort,
    after: Option<&Cursor>,
) -> contracts::BoxedQuery<'a, MultiBackend> {
    use diesel::dsl::sql;
    use diesel::sql_types::{BigInt, Bool, Date};

    let mut q = filtered(scope, filter);
    // Drafts may have no date or amount yet: they sort as the lowest value. These expressions
    // are exactly those of the order indexes (migration 2026-12-01-000005).
    let signed_sql = match backend {
        super::Backend::Postgres => "COALESCE(signed_on, DATE '0001-01-01')",
        super::Backend::Sqlite => "COALESCE(signed_on, '0001-01-01')",
    };
    q = match (sort, after) {
        (_, None) => q,
        (Sort::Newest, Some(Cursor::Id(id))) => q.filter(contracts::id.lt(*id)),
        (Sort::Oldest, Some(Cursor::Id(id))) => q.filter(contracts::id.gt(*id)),
        (Sort::SignedDesc, Some(Cursor::Signed(d, id))) => q.filter(
            sql::<Bool>(&format!("({signed_sql} < "))
                .bind::<Date, _>(*d)
                .sql(&format!(" OR ({signed_sql} = "))
                .bind::<Date, _>(*d)
                .sql(" AND id < ")
                .bind::<BigInt, _>(*id)
                .sql("))"),
        ),
        (Sort::AmountDesc, Some(Cursor::Amount(a, id))) => q.filter(
            sql::<Bool>("(COALESCE(total_fen, 0) < ")
                .bind::<BigInt, _>(*a)
                .sql(" OR (COALESCE(total_fen, 0) = ")
                .bind::<BigInt, _>(*a)
                .sql(" AND id < ")
                .bind::<BigInt, _>(*id)
                .sql("))"),
        ),
        // A cursor of another order: start from the top.
        _ => q,
    };
    match sort {
        Sort::Newest => q.order(contracts::id.desc()),
        Sort::Oldest => q.order(contracts::id.asc()),
        Sort::SignedDesc => q.order((sql::<Date>(signed_sql).desc(), contracts::id.desc())),
        Sort::AmountDesc => q.order((
            sql::<BigInt>("COALESCE(total_fen, 0)").desc(),
            contracts::id.desc(),
        )),
    }
}

/// The scope's contracts that pass every filter but the name search.
fn filtered<'a>(scope: &Scope, filter: &ContractFilter) -> contracts::BoxedQuery<'a, MultiBackend> {
    let mut q = scoped(scope);
    if let Some(o) = &filter.office {
        q = q.filter(contracts::office_code.eq(o.clone()));
    }
    if let Some(s) = filter.status {
        q = in_status(q, s);
    }
    if let Some(c) = &filter.category {
        if c.len() == 1 {
            q = q.filter(contracts::category_code.like(format!("{c}%")));
        } else {
            q = q.filter(contracts::category_code.eq(c.clone()));
        }
    }
    if let Some(d) = filter.signed_from {
        q = q.filter(contracts::signed_on.ge(d));
    }
    if let Some(d) = filter.signed_to {
        q = q.filter(contracts::signed_on.le(d));
    }
    if let Some(f) = filter.min_total_fen {
        q = q.filter(contracts::total_fen.ge(f));
    }
    if let Some(f) = filter.max_total_fen {
        q = q.filter(contracts::total_fen.le(f));
    }
    match filter.second_review {
        Some(true) => q = q.filter(contracts::first_approved_by.is_not_null()),
        Some(false) => q = q.filter(contracts::first_approved_by.is_null()),
        None => {}
    }
    if let Some(d) = filter.registered_from {
        q = q.filter(contracts::registered_on.ge(d));
    }
    if let Some(d) = filter.registered_to {
        q = q.filter(contracts::registered_on.le(d));
    }
    if let Some(u) = &filter.seller_uscc {
        q = q.filter(contracts::seller_uscc.eq(u.clone()));
    }
    q
}

/// What the whole filtered list adds up to: how many contracts, their 成交额 and 技术交易额.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListSummary {
    pub count: i64,
    pub total_fen: i64,
    pub technical_fen: i64,
    /// False when a bounded summary stopped at its bound: then more than `count` contracts
    /// match and the sums cover only those counted.
    pub complete: bool,
}

impl ListSummary {
    /// The summary of the given contracts' amounts (成交额, 技术交易额), every one of them
    /// counted; an amount not yet entered adds nothing.
    pub fn of(amounts: impl IntoIterator<Item = (Option<i64>, Option<i64>)>) -> Self {
        amounts.into_iter().fold(
            ListSummary {
                complete: true,
                ..Default::default()
            },
            |s, (total, technical)| ListSummary {
                count: s.count + 1,
                total_fen: s.total_fen + total.unwrap_or(0),
                technical_fen: s.technical_fen + technical.unwrap_or(0),
                ..s
            },
        )
    }
}

/// How many matching contracts a list page counts before it says "more than": counting and
/// summing every match of a national list costs a scan of the table (0.3–2 s at 1,000,000
/// contracts, BENCHMARKS.md), so the full figures are computed only when asked for.
pub const SUMMARY_BOUND: i64 = 5_000;

/// The count and sums of the contracts of the scope that pass `filter` (every page, not one).
/// With `bound`, at most `bound` matches are read (`complete` says whether that was all of
/// them); without, every match is aggregated. Drafts without an amount add nothing.
pub fn summary(
    conn: &mut DbConn,
    scope: &Scope,
    filter: &ContractFilter,
    bound: Option<i64>,
) -> QueryResult<ListSummary> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    let backend = conn.backend();
    let Some(bound) = bound else {
        let mut q = filtered(scope, filter);
        if let Some(text) = &filter.text {
            q = q.filter(name_search(backend, text));
        }
        // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back (a year of fen is far below 2^63).
        let (count, total_fen, technical_fen) = q
            .select((
                sql::<BigInt>("COUNT(*)"),
                sql::<BigInt>("CAST(COALESCE(SUM(total_fen), 0) AS BIGINT)"),
                sql::<BigInt>("CAST(COALESCE(SUM(technical_fen), 0) AS BIGINT)"),
            ))
            .get_result(conn)?;
        return Ok(ListSummary {
            count,
            total_fen,
            technical_fen,
            complete: true,
        });
    };
    let mut q = filtered(scope, filter);
    if let Some(text) = &filter.text {
        // A bounded read stops at the bound only if the name condition is checked row by row
        // (LIKE); a trigram lookup would first collect every match of a common word. So the
        // name index is asked only for a word it holds few times in the whole table.
        q = match rare_name_ids(conn, text, bound)? {
            Some(ids) => q.filter(contracts::id.eq_any(ids)),
            None => q.filter(name_like(text)),
        };
    }
    let amounts: Vec<(Option<i64>, Option<i64>)> = q
        .select((contracts::total_fen, contracts::technical_fen))
        .limit(bound + 1)
        .load(conn)?;
    let complete = amounts.len() as i64 <= bound;
    Ok(ListSummary {
        complete,
        ..ListSummary::of(amounts.into_iter().take(bound as usize))
    })
}

/// On SQLite, the ids of every contract whose names contain `text` when the trigram index
/// holds at most `bound` of them (None otherwise, or where no such index answers).
fn rare_name_ids(conn: &mut DbConn, text: &str, bound: i64) -> QueryResult<Option<Vec<i64>>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        rowid: i64,
    }
    let DbConn::Sqlite(c) = conn else {
        return Ok(None);
    };
    if text.chars().count() < 3 {
        return Ok(None);
    }
    let phrase = format!("\"{}\"", text.replace('"', "\"\""));
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT rowid FROM contracts_names WHERE contracts_names MATCH ? LIMIT ?",
    )
    .bind::<diesel::sql_types::Text, _>(phrase)
    .bind::<diesel::sql_types::BigInt, _>(bound + 1)
    .load(c)?;
    Ok((rows.len() as i64 <= bound).then(|| rows.into_iter().map(|r| r.rowid).collect()))
}

/// The condition "project, seller or buyer name contains `text`" (already normalised).
///
/// SQLite answers it from the trigram index `contracts_names` when the text has at least three
/// characters (a trigram index cannot look up fewer); PostgreSQL's planner picks its trigram
/// indexes for the LIKE itself. Shorter texts scan the scope.
fn name_search(
    backend: super::Backend,
    text: &str,
) -> Box<dyn BoxableExpression<contracts::table, MultiBackend, SqlType = diesel::sql_types::Bool>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    if backend == super::Backend::Sqlite && text.chars().count() >= 3 {
        // An FTS5 string: the text in double quotes, inner quotes doubled; with the trigram
        // tokenizer a quoted string matches as a substring of one column.
        let phrase = format!("\"{}\"", text.replace('"', "\"\""));
        return Box::new(
            sql::<Bool>("id IN (SELECT rowid FROM contracts_names WHERE contracts_names MATCH ")
                .bind::<Text, _>(phrase)
                .sql(")"),
        );
    }
    name_like(text)
}

/// The condition "a name contains `text`" as LIKE, checked row by row.
fn name_like(
    text: &str,
) -> Box<dyn BoxableExpression<contracts::table, MultiBackend, SqlType = diesel::sql_types::Bool>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    let pattern = format!("%{}%", super::users::escape_like(text));
    Box::new(
        sql::<Bool>("(project_name_norm LIKE ")
            .bind::<Text, _>(pattern.clone())
            .sql(" ESCAPE '\\' OR seller_name_norm LIKE ")
            .bind::<Text, _>(pattern.clone())
            .sql(" ESCAPE '\\' OR buyer_name_norm LIKE ")
            .bind::<Text, _>(pattern)
            .sql(" ESCAPE '\\')"),
    )
}

/// One contract without a scope check (for code that has already checked it).
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ContractRow>> {
    contracts::table
        .find(id)
        .select(ContractRow::as_select())
        .first(conn)
        .optional()
}

// ---------------------------------------------------------------------------------------------
// Batch import and export (interchange.md §1)

/// Runs `$body` once per backend with `$c` bound to that backend's connection: for statements
/// the `MultiConnection` enum cannot build itself, such as multi-row inserts (stack.md G5).
macro_rules! on_each_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Postgresql($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_each_backend;

/// Rows per multi-row INSERT: well below the bound-parameter limits of both backends (SQLite
/// 32,766; PostgreSQL 65,535) at up to 64 columns, and small enough that a chunk of contracts
/// held as an array (for the statement cache) stays a small part of a thread's stack.
pub const INSERT_CHUNK: usize = 100;
/// Keys per `IN (…)` lookup.
pub const LOOKUP_CHUNK: usize = 500;

/// Inserts many contracts, `INSERT_CHUNK` rows per statement. Run it inside a transaction.
pub fn insert_batch(
    conn: &mut DbConn,
    writes: Vec<ContractWrite>,
    created_by: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut inserted = 0;
    let mut rows = writes.into_iter().map(|write| {
        (
            write,
            contracts::created_by.eq(created_by),
            contracts::created_at.eq(now),
        )
    });
    loop {
        let chunk: Vec<_> = rows.by_ref().take(INSERT_CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        // A full chunk as an array has a fixed shape, so its prepared statement is cached and
        // reused rather than parsed again for every chunk.
        inserted += match <[_; INSERT_CHUNK]>::try_from(chunk) {
            Ok(full) => on_each_backend!(conn, |c| diesel::insert_into(contracts::table)
                .values(full)
                .execute(c))?,
            Err(rest) => on_each_backend!(conn, |c| diesel::insert_into(contracts::table)
                .values(rest)
                .execute(c))?,
        };
    }
    Ok(inserted)
}

/// The filed contracts (submitted or registered) whose duplicate key is one of `keys`:
/// (key, contract id) pairs, looked up `LOOKUP_CHUNK` keys at a time.
pub fn filed_with_duplicate_keys(
    conn: &mut DbConn,
    keys: &[&str],
) -> QueryResult<Vec<(String, i64, Option<String>)>> {
    let mut found = Vec::new();
    for chunk in keys.chunks(LOOKUP_CHUNK) {
        // Filter by the key alone and check the status here: with a status condition in SQL,
        // SQLite may walk the status index (nearly every filed row) instead of the key's.
        let rows: Vec<(Option<String>, i64, Status, Option<String>)> = contracts::table
            .filter(contracts::duplicate_key.eq_any(chunk))
            .select((
                contracts::duplicate_key,
                contracts::id,
                contracts::status,
                contracts::registration_number,
            ))
            .load(conn)?;
        found.extend(
            rows.into_iter()
                .filter(|(_, _, status, _)| status.is_filed())
                .filter_map(|(k, id, _, number)| Some((k?, id, number))),
        );
    }
    Ok(found)
}

/// Which of `numbers` some stored contract already carries, whatever its status.
pub fn used_registration_numbers(conn: &mut DbConn, numbers: &[&str]) -> QueryResult<Vec<String>> {
    let mut found = Vec::new();
    for chunk in numbers.chunks(LOOKUP_CHUNK) {
        let rows: Vec<Option<String>> = contracts::table
            .filter(contracts::registration_number.eq_any(chunk))
            .select(contracts::registration_number)
            .load(conn)?;
        found.extend(rows.into_iter().flatten());
    }
    Ok(found)
}

/// The contracts registered between `from` and `to` (inclusive): (registration number, id)
/// in registration-number order. The export reads the numbers first, then the rows by id, so
/// each query stays a simple index walk whatever plan the backend picks.
pub fn registered_between(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(String, i64)>> {
    let rows: Vec<(Option<String>, i64)> = contracts::table
        .filter(contracts::status.eq(Status::Registered))
        .filter(contracts::registered_on.between(from, to))
        .filter(contracts::registration_number.is_not_null())
        .order(contracts::registration_number.asc())
        .select((contracts::registration_number, contracts::id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(n, id)| Some((n?, id)))
        .collect())
}

/// Which of `years` have registered contracts (by the year of `registered_on`): one index
/// probe of `contracts_by_registration` per year.
pub fn years_with_registered(
    conn: &mut DbConn,
    years: &[i32],
) -> QueryResult<std::collections::BTreeSet<i32>> {
    let mut found = std::collections::BTreeSet::new();
    for &year in years {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            continue;
        };
        let any: Option<i64> = contracts::table
            .filter(contracts::status.eq(Status::Registered))
            .filter(contracts::registered_on.between(first, last))
            .select(contracts::id)
            .first(conn)
            .optional()?;
        if any.is_some() {
            found.insert(year);
        }
    }
    Ok(found)
}

/// The contracts with these ids (any order), `LOOKUP_CHUNK` ids per query.
pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<ContractRow>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        found.extend(
            contracts::table
                .filter(contracts::id.eq_any(chunk))
                .select(ContractRow::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// The list indexes and the name-index trigger of `contracts`, set aside for a bulk insert on
/// SQLite and made again afterwards (see [`set_aside_list_indexes`]).
#[derive(Debug)]
pub struct SetAside {
    /// `CREATE INDEX` / `CREATE TRIGGER` statements exactly as the schema holds them.
    definitions: Vec<String>,
    /// The id the first inserted row receives (SQLite gives new rows the highest id plus one).
    first_new_id: i64,
}

/// The trigger that keeps `contracts_names` in step with inserts (migration 2026-12-01-000005).
const NAMES_INSERT_TRIGGER: &str = "contracts_names_insert";

/// Whether inserting `incoming` rows into a table of about `existing` rows is faster with the
/// indexes built afresh afterwards. Building an index sorts every row once (about 17 µs a row
/// for all of them, measured on 320,000 rows), while keeping it up to date costs about 70 µs
/// for each inserted row (BENCHMARKS.md): so afresh when the table is not much bigger than the
/// insert, and only for inserts big enough to matter.
pub fn worth_building_afresh(existing: i64, incoming: usize) -> bool {
    const MIN_ROWS: usize = 5_000;
    incoming >= MIN_ROWS && existing <= 2 * incoming as i64
}

/// Before a large insert on SQLite: drops the indexes of `contracts` (the UNIQUE constraint's
/// own index stays) and the trigger that feeds the name index, remembering their definitions,
/// when [`worth_building_afresh`] says so. Run it, the insert and [`restore_list_indexes`] in
/// one transaction: readers keep seeing the committed schema meanwhile (WAL), and a rollback
/// restores everything. PostgreSQL keeps its indexes: `DROP INDEX` would block every reader
/// until the import commits.
pub fn set_aside_list_indexes(conn: &mut DbConn, incoming: usize) -> QueryResult<Option<SetAside>> {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Text};
    #[derive(QueryableByName)]
    struct Definition {
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        sql: String,
    }
    #[derive(QueryableByName)]
    struct Highest {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let DbConn::Sqlite(c) = conn else {
        return Ok(None);
    };
    let highest = diesel::sql_query("SELECT COALESCE(MAX(id), 0) AS id FROM contracts")
        .get_result::<Highest>(c)?
        .id;
    if !worth_building_afresh(highest, incoming) {
        return Ok(None);
    }
    let definitions: Vec<Definition> = diesel::sql_query(
        "SELECT type AS kind, name, sql FROM sqlite_master \
         WHERE tbl_name = 'contracts' AND sql IS NOT NULL \
           AND (type = 'index' OR (type = 'trigger' AND name = ?)) \
         ORDER BY type, name",
    )
    .bind::<Text, _>(NAMES_INSERT_TRIGGER)
    .load(c)?;
    for d in &definitions {
        // Names come from the schema itself; quoting keeps them identifiers.
        c.batch_execute(&format!(
            "DROP {} \"{}\"",
            d.kind.to_uppercase(),
            d.name.replace('"', "\"\"")
        ))?;
    }
    Ok(Some(SetAside {
        definitions: definitions.into_iter().map(|d| d.sql).collect(),
        first_new_id: highest + 1,
    }))
}

/// After the bulk insert: makes the indexes and the trigger again, and adds the inserted rows
/// to the name index in one pass.
pub fn restore_list_indexes(conn: &mut DbConn, set_aside: SetAside) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    let DbConn::Sqlite(c) = conn else {
        return Ok(());
    };
    for sql in &set_aside.definitions {
        c.batch_execute(sql)?;
    }
    diesel::sql_query(
        "INSERT INTO contracts_names (rowid, project_name_norm, seller_name_norm, buyer_name_norm) \
         SELECT id, project_name_norm, seller_name_norm, buyer_name_norm FROM contracts WHERE id >= ?",
    )
    .bind::<diesel::sql_types::BigInt, _>(set_aside.first_new_id)
    .execute(c)?;
    Ok(())
}

/// Runs `f` with a page cache big enough for a large import on SQLite (the default 2 MB cache
/// spills a long write transaction to disk and reads it back); the connection's cache size is
/// restored afterwards. PostgreSQL needs nothing.
pub fn with_bulk_write_cache<T, E>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::SimpleConnection;
    /// In KiB (negative `cache_size` values are sizes, positive ones page counts).
    const BULK_CACHE_KIB: i64 = 512 * 1024;
    #[derive(QueryableByName)]
    struct CacheSize {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        cache_size: i64,
    }
    let previous = match conn {
        DbConn::Sqlite(c) => {
            let previous = diesel::sql_query("PRAGMA cache_size")
                .get_result::<CacheSize>(c)?
                .cache_size;
            c.batch_execute(&format!(
                "PRAGMA cache_size = -{BULK_CACHE_KIB}; PRAGMA temp_store = MEMORY;"
            ))?;
            Some(previous)
        }
        DbConn::Postgresql(_) => None,
    };
    let result = f(conn);
    if let (Some(previous), DbConn::Sqlite(c)) = (previous, &mut *conn) {
        c.batch_execute(&format!(
            "PRAGMA cache_size = {previous}; PRAGMA temp_store = DEFAULT;"
        ))?;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_built_afresh_only_for_large_inserts_into_smaller_tables() {
        assert!(
            worth_building_afresh(0, 320_000),
            "a migration into a new database"
        );
        assert!(worth_building_afresh(500_000, 250_000));
        assert!(
            !worth_building_afresh(750_001, 250_000),
            "a big table: keep its indexes"
        );
        assert!(
            !worth_building_afresh(0, 4_999),
            "a small batch keeps them too"
        );
        assert!(worth_building_afresh(10_000, 5_000));
    }
}
