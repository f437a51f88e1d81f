//! Queries of `institutions`: the imported list of 附表15 (interchange §0). The report reads it
//! whole with [`all`]; the search page with [`search`]; `institutions::import_file` replaces it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::institutions;
use super::users::escape_like;
use super::{DbConn, MultiBackend};

/// One institution of the list, in the place the imported file gave it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = institutions, check_for_backend(MultiBackend))]
pub struct InstitutionRow {
    /// 1-based place in the imported file (the printed order).
    pub position: i32,
    /// The province-level authority whose section lists the institution.
    pub authority_code: String,
    pub name: String,
}

/// One institution to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInstitution {
    pub authority_code: String,
    pub name: String,
    /// `domain::text::normalise_name` of the name.
    pub name_norm: String,
}

#[derive(Insertable)]
#[diesel(table_name = institutions, check_for_backend(MultiBackend))]
struct Stored<'a> {
    position: i32,
    authority_code: &'a str,
    name: &'a str,
    name_norm: &'a str,
    imported_at: NaiveDateTime,
    imported_by: &'a str,
}

/// The whole list in printed order.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<InstitutionRow>> {
    institutions::table
        .select(InstitutionRow::as_select())
        .order(institutions::position.asc())
        .load(conn)
}

/// How many institutions the list holds.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    institutions::table.count().get_result(conn)
}

/// Replaces the whole list with `rows`, numbered in their order. Returns how many the list held
/// before. Run it inside a transaction.
pub fn replace(
    conn: &mut DbConn,
    rows: &[NewInstitution],
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let before = count(conn)?;
    diesel::delete(institutions::table).execute(conn)?;
    for (i, row) in rows.iter().enumerate() {
        let position = i32::try_from(i + 1).map_err(|_| {
            diesel::result::Error::QueryBuilderError("institution list too long".into())
        })?;
        diesel::insert_into(institutions::table)
            .values(Stored {
                position,
                authority_code: &row.authority_code,
                name: &row.name,
                name_norm: &row.name_norm,
                imported_at: now,
                imported_by: by,
            })
            .execute(conn)?;
    }
    Ok(before)
}

/// What the search page asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Only this authority's section.
    pub authority_code: Option<String>,
    /// A substring of the normalised name (`domain::text::normalise_name`), matched literally.
    pub text: Option<String>,
}

/// One page of the matching institutions in printed order, and how many match in all.
pub fn search(
    conn: &mut DbConn,
    filter: &SearchFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<InstitutionRow>, i64)> {
    let build = || {
        let mut q = institutions::table.into_boxed::<MultiBackend>();
        if let Some(a) = &filter.authority_code {
            q = q.filter(institutions::authority_code.eq(a.clone()));
        }
        if let Some(t) = &filter.text {
            let pattern = format!("%{}%", escape_like(t));
            q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("(name_norm LIKE ")
                    .bind::<diesel::sql_types::Text, _>(pattern)
                    .sql(" ESCAPE '\\')"),
            );
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = build()
        .select(InstitutionRow::as_select())
        .order(institutions::position.asc())
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((rows, total))
}
