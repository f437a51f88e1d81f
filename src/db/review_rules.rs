//! Queries of `review_rules`: each authority's versions of its review rules.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::review_rules;
use super::{DbConn, MultiBackend};
use crate::domain::money::Money;
use crate::domain::review_rule::{Deadline, ReviewRule};

/// One stored version.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = review_rules, check_for_backend(MultiBackend))]
pub struct RuleRow {
    pub id: i64,
    pub authority_code: String,
    pub effective_from: NaiveDate,
    pub second_review_fen: i64,
    pub deadline: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl RuleRow {
    /// The rule it stores (a deadline the database does not know reads as the default one).
    pub fn rule(&self) -> ReviewRule {
        ReviewRule {
            effective_from: self.effective_from,
            second_review_from: Money::from_fen(self.second_review_fen),
            deadline: Deadline::parse(&self.deadline).unwrap_or(ReviewRule::DEFAULT.deadline),
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = review_rules)]
pub struct NewRule<'a> {
    pub authority_code: &'a str,
    pub effective_from: NaiveDate,
    pub second_review_fen: i64,
    pub deadline: &'a str,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewRule<'_>) -> QueryResult<usize> {
    diesel::insert_into(review_rules::table)
        .values(new)
        .execute(conn)
}

/// Every version of every authority, by authority and date.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<RuleRow>> {
    review_rules::table
        .order((
            review_rules::authority_code.asc(),
            review_rules::effective_from.asc(),
        ))
        .select(RuleRow::as_select())
        .load(conn)
}

/// The versions of one authority's rules.
pub fn of_authority(conn: &mut DbConn, authority: &str) -> QueryResult<Vec<ReviewRule>> {
    Ok(review_rules::table
        .filter(review_rules::authority_code.eq(authority))
        .select(RuleRow::as_select())
        .load(conn)?
        .iter()
        .map(RuleRow::rule)
        .collect())
}

/// Whether the authority already has a version taking effect on `day`.
pub fn exists(conn: &mut DbConn, authority: &str, day: NaiveDate) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        review_rules::table
            .filter(review_rules::authority_code.eq(authority))
            .filter(review_rules::effective_from.eq(day)),
    ))
    .get_result(conn)
}
