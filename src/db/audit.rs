//! Queries of `audit_log`. The table is append-only (database triggers refuse UPDATE and
//! DELETE), so this module only inserts and reads.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_log;
use super::{DbConn, MultiBackend};
use crate::audit::{Actor, Entry};
use crate::domain::role::Scope;

/// Stores one entry. Call it inside the transaction of the change it records.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    entry: Entry,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_user_id.eq(actor.user_id),
            audit_log::actor.eq(&actor.name),
            audit_log::actor_role.eq(actor.role.map(|r| r.as_str())),
            audit_log::ip.eq(actor.ip.as_deref()),
            audit_log::action.eq(entry.action),
            audit_log::object_type.eq(entry.object_type),
            audit_log::object_id.eq(&entry.object_id),
            audit_log::authority_code.eq(entry.authority_code.as_deref()),
            audit_log::summary.eq(&entry.summary),
        ))
        .execute(conn)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_log, check_for_backend(MultiBackend))]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub actor_role: Option<String>,
    pub ip: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub authority_code: Option<String>,
    pub summary: String,
}

/// Filters of the audit page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    /// Keyset pagination: only entries older than this id.
    pub before_id: Option<i64>,
}

/// Newest first, at most `limit` entries, within the scope: a province administrator sees its
/// authority's entries, the ministry all. Returns one more row than asked when there is a next page.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    filter: &AuditFilter,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut q = audit_log::table.into_boxed::<MultiBackend>();
    match scope {
        Scope::Nation | Scope::Accounts => {}
        Scope::Authority(a) => q = q.filter(audit_log::authority_code.eq(a.clone())),
        // Clerks have no audit page; an office scope sees nothing rather than everything.
        Scope::Office(_) => q = q.filter(audit_log::id.lt(0)),
    }
    if let Some(a) = &filter.actor {
        q = q.filter(audit_log::actor.eq(a.clone()));
    }
    if let Some(a) = &filter.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(o) = &filter.object_id {
        q = q.filter(audit_log::object_id.eq(o.clone()));
    }
    if let Some(f) = filter.from {
        q = q.filter(audit_log::at.ge(f));
    }
    if let Some(u) = filter.until {
        q = q.filter(audit_log::at.lt(u));
    }
    if let Some(b) = filter.before_id {
        q = q.filter(audit_log::id.lt(b));
    }
    q.select(AuditRow::as_select())
        .order(audit_log::id.desc())
        .limit(limit + 1)
        .load(conn)
}
