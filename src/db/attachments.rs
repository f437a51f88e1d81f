//! Queries of the `attachments` table. Attachments are only ever added, never changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::attachments;

/// An attachment without its bytes (for lists).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AttachmentInfo {
    pub id: i64,
    pub contract_id: i64,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: NaiveDateTime,
}

impl AttachmentInfo {
    /// The name it is shown and downloaded under (clean even for rows stored before names
    /// were cleaned on upload).
    pub fn display_name(&self) -> String {
        crate::domain::attachment::served_name(&self.filename, &self.content_type)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment<'a> {
    pub contract_id: i64,
    pub kind: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub data: &'a [u8],
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: Option<i64>,
}

pub fn insert(conn: &mut DbConn, new: &NewAttachment<'_>) -> QueryResult<i64> {
    diesel::insert_into(attachments::table)
        .values(new)
        .returning(attachments::id)
        .get_result(conn)
}

const INFO: (
    attachments::id,
    attachments::contract_id,
    attachments::kind,
    attachments::filename,
    attachments::content_type,
    attachments::size_bytes,
    attachments::sha256,
    attachments::uploaded_at,
) = (
    attachments::id,
    attachments::contract_id,
    attachments::kind,
    attachments::filename,
    attachments::content_type,
    attachments::size_bytes,
    attachments::sha256,
    attachments::uploaded_at,
);

pub fn list_for(conn: &mut DbConn, contract_id: i64) -> QueryResult<Vec<AttachmentInfo>> {
    attachments::table
        .filter(attachments::contract_id.eq(contract_id))
        .select(INFO)
        .order(attachments::id.asc())
        .load(conn)
}

/// One attachment's metadata and bytes; the caller has checked the contract's scope.
pub fn load(
    conn: &mut DbConn,
    contract_id: i64,
    id: i64,
) -> QueryResult<Option<(AttachmentInfo, Vec<u8>)>> {
    attachments::table
        .filter(attachments::contract_id.eq(contract_id))
        .filter(attachments::id.eq(id))
        .select((INFO, attachments::data))
        .first(conn)
        .optional()
}
