//! The province administrator's review: the queue of contracts waiting in their authority, and
//! the three decisions, posted from the contract page. The rules live in `domain::status`, the
//! transaction in `review`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::contracts::{ReviewPanel, category_choices, show_page};
use super::page::{Ctx, CurrentUser, approved_notice, format_cst, html, page_link, see_other};
use super::{AppError, AppState, with_conn};
use crate::catalog::category;
use crate::db::contracts::{ContractFilter, Cursor, Sort, Waiting};
use crate::db::{self};
use crate::domain::dates;
use crate::domain::money::Money;
use crate::domain::regnum::grouped_text;
use crate::domain::status::{Decision, NotPermitted, Ruling, Status, Step, Transition};
use crate::domain::text;
use crate::review::{self, ReviewError};

const PER_PAGE: i64 = 50;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    office: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    q: String,
    /// `first` or `second`: the contracts at that review step; empty for both.
    #[serde(default)]
    step: String,
    #[serde(default)]
    after: String,
}

struct QueueRow {
    id: i64,
    project_name: String,
    office_code: String,
    /// The office's name (its code when the office is not in the viewer's list).
    office_name: String,
    category_label: String,
    seller_name: String,
    total_wan: String,
    submitted: String,
    waiting_days: i64,
    /// 初审, or 复审 with who gave the first approval.
    step: &'static str,
    first_approver: Option<String>,
    /// The last day of the review deadline.
    due: String,
    overdue: bool,
}

/// An open application for a change or cancellation, as the queue lists it.
struct QueueAmendment {
    id: i64,
    kind: &'static str,
    project_name: String,
    number: String,
    filed: String,
    step: &'static str,
}

#[derive(Template)]
#[template(path = "review/queue.html")]
struct QueuePage {
    ctx: Ctx,
    amendments: Vec<QueueAmendment>,
    query: QueueQuery,
    rows: Vec<QueueRow>,
    offices: Vec<(String, String)>,
    categories: Vec<(&'static str, String)>,
    waiting: Waiting,
    next_link: Option<String>,
    first_link: Option<String>,
}

pub async fn queue(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let query = q.into_inner();
    let account = user.account.clone();
    let authority = account.authority_code.clone().ok_or(AppError::Forbidden)?;
    let now = db::now();
    let today = dates::today_cst(now.and_utc());
    let filter = ContractFilter {
        status: Some(Status::Submitted),
        office: Some(query.office.trim().to_owned()).filter(|o| !o.is_empty()),
        category: Some(query.category.trim().to_owned())
            .filter(|c| category::is_leaf(c) || category::category(c).is_some()),
        text: Some(text::normalise_name(&query.q)).filter(|t| !t.is_empty()),
        second_review: match query.step.as_str() {
            "first" => Some(false),
            "second" => Some(true),
            _ => None,
        },
        ..Default::default()
    };
    let after = query.after.trim().parse().ok().map(Cursor::Id);
    let scope = account.scope();
    let (rows, next, offices, waiting, approvers, amendments) = with_conn(&state, move |c| {
        let (rows, next) =
            db::contracts::list(c, &scope, &filter, Sort::Oldest, after.as_ref(), PER_PAGE)?;
        let offices = db::offices::list(c, &scope)?
            .into_iter()
            .map(|o| (o.code, o.name))
            .collect::<Vec<_>>();
        let waiting = db::contracts::waiting_counts(c, &authority, today)?;
        let mut approvers: Vec<(i64, String)> = Vec::new();
        for uid in rows.iter().filter_map(|r| r.first_approved_by) {
            if !approvers.iter().any(|(id, _)| *id == uid)
                && let Some(a) = db::users::find(c, uid)?
            {
                approvers.push((uid, a.display_name));
            }
        }
        let amendments = db::amendments::open_in_authority(c, &authority, PER_PAGE)?;
        Ok((rows, next, offices, waiting, approvers, amendments))
    })
    .await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let submitted_at = r.submitted_at.unwrap_or(r.updated_at);
            let office_name = offices
                .iter()
                .find(|(code, _)| *code == r.office_code)
                .map_or_else(|| r.office_code.clone(), |(_, name)| name.clone());
            let step = Step::of(r.first_approved_by);
            QueueRow {
                office_name,
                id: r.id,
                category_label: category::leaf(&r.category_code)
                    .map(|l| l.full_label())
                    .unwrap_or_else(|| "—".to_owned()),
                total_wan: r
                    .total_fen
                    .map(|f| Money::from_fen(f).wan_yuan(2))
                    .unwrap_or_else(|| "—".to_owned()),
                submitted: format_cst(submitted_at),
                waiting_days: days_waiting(submitted_at, now),
                step: step.label(),
                first_approver: match step {
                    Step::Second { first_approver } => approvers
                        .iter()
                        .find(|(id, _)| *id == first_approver)
                        .map(|(_, name)| name.clone()),
                    Step::First => None,
                },
                due: r.review_due_on.map(dates::format_date).unwrap_or_default(),
                overdue: r.review_due_on.is_some_and(|d| d < today),
                project_name: r.data.project_name,
                office_code: r.data.office_code,
                seller_name: r.data.seller_name,
            }
        })
        .collect();
    let filters = [
        ("office", query.office.as_str()),
        ("category", query.category.as_str()),
        ("q", query.q.as_str()),
        ("step", query.step.as_str()),
    ];
    let link = |after: Option<String>| page_link("/review", &filters, after.map(|a| ("after", a)));
    let next_link = next.map(|c| match c {
        Cursor::Id(id) => link(Some(id.to_string())),
        _ => link(None),
    });
    let first_link = (!query.after.is_empty()).then(|| link(None));
    let amendments = amendments
        .into_iter()
        .map(|(a, project_name, number)| QueueAmendment {
            id: a.id,
            kind: crate::domain::amendment::Kind::parse(&a.kind)
                .map_or("—", crate::domain::amendment::Kind::label),
            project_name,
            number: number.as_deref().map(grouped_text).unwrap_or_default(),
            filed: format_cst(a.filed_at),
            step: Step::of(a.first_approved_by).label(),
        })
        .collect();
    html(&QueuePage {
        ctx,
        amendments,
        query,
        rows,
        offices,
        categories: category_choices(),
        waiting,
        next_link,
        first_link,
    })
}

/// The decision forms' fields (on contracts and on amendments); all optional, so that a
/// missing field is a field error.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub(crate) version: String,
    #[serde(default)]
    pub(crate) reason: String,
    #[serde(default)]
    pub(crate) refusal_code: String,
}

impl DecisionForm {
    /// The version the form was read at; one that is not a number is never the stored one.
    pub(crate) fn version(&self) -> i32 {
        self.version.trim().parse::<i32>().unwrap_or(-1)
    }

    /// The panel of decision forms showing what was typed into `decision`'s.
    pub(crate) fn panel(
        &self,
        decision: Decision,
        errors: crate::domain::field_errors::FieldErrors,
        conflict: Option<String>,
    ) -> ReviewPanel {
        ReviewPanel {
            decision: Some(decision.as_str()),
            reason: self.reason.clone(),
            refusal_code: self.refusal_code.clone(),
            errors,
            conflict,
        }
    }
}

/// `POST /review/{id}/approve`, `/return` or `/refuse`.
pub async fn decide(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    path: web::Path<(i64, String)>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, decision) = path.into_inner();
    let decision = Decision::parse(&decision).ok_or(AppError::NotFound)?;
    decide_on(state, ctx, user, id, decision, form.into_inner()).await
}

async fn decide_on(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: i64,
    decision: Decision,
    form: DecisionForm,
) -> Result<HttpResponse, AppError> {
    let secure = state.settings.secure_cookies;
    let version = form.version();
    let ruling = Ruling::parse(decision, &form.reason, &form.refusal_code);
    let (actor, account) = (user.actor.clone(), user.account.clone());
    let result = match &ruling {
        Ok(ruling) => {
            let ruling = ruling.clone();
            with_conn(&state, move |c| {
                Ok(review::decide(
                    c,
                    &actor,
                    &account,
                    id,
                    version,
                    &ruling,
                    db::now(),
                ))
            })
            .await?
        }
        Err(errors) => Err(ReviewError::Invalid(errors.clone())),
    };
    let panel = |errors, conflict| form.panel(decision, errors, conflict);
    match result {
        Ok(outcome) => {
            // On to the next contract of the queue; back to this one when none is left.
            let (scope, me) = (user.account.scope(), user.account.id);
            let next = with_conn(&state, move |c| {
                Ok(db::contracts::next_waiting(c, &scope, me)?)
            })
            .await?;
            let location = format!("/contracts/{}", next.unwrap_or(id));
            let notice = match (outcome.transition, &outcome.registration_number) {
                (Transition::Registration, Some(n)) => approved_notice(&n.to_string()),
                (Transition::Registration, None) => "contract_approved".to_owned(),
                (Transition::FirstApproval, _) => "contract_first_approved".to_owned(),
                (Transition::Return, _) => "contract_returned".to_owned(),
                (Transition::Refusal, _) => "contract_refused".to_owned(),
            };
            Ok(see_other(&location, Some(&notice), secure))
        }
        // The contract page again, with what went wrong next to the decision forms.
        Err(ReviewError::Invalid(errors)) => {
            let row = super::contracts::scoped_contract(&state, &user.account, id).await?;
            let panel = panel(errors, None);
            show_page(
                &state,
                ctx,
                &user,
                row,
                panel,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ReviewError::Forbidden(why @ NotPermitted::SameApprover)) => {
            let row = super::contracts::scoped_contract(&state, &user.account, id).await?;
            let panel = panel(Default::default(), Some(why.to_string()));
            show_page(&state, ctx, &user, row, panel, StatusCode::FORBIDDEN).await
        }
        Err(ReviewError::Stale { current }) => {
            let message = format!(
                "此合同在您打开后已被处理或修改，当前状态为“{}”（版本 {}），本次“{}”未执行。请查看当前内容后再决定。",
                current.status.label(),
                current.version,
                decision.label()
            );
            let panel = panel(Default::default(), Some(message));
            show_page(&state, ctx, &user, *current, panel, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Whole days between a submission and now, for the queue (never negative).
fn days_waiting(submitted: chrono::NaiveDateTime, now: chrono::NaiveDateTime) -> i64 {
    (now - submitted).num_days().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates;

    #[test]
    fn waiting_is_counted_in_whole_days() {
        let d = |s: &str| {
            dates::parse_date_unbounded(s)
                .unwrap()
                .and_hms_opt(8, 0, 0)
                .unwrap()
        };
        assert_eq!(days_waiting(d("2026-01-01"), d("2026-01-31")), 30);
        assert_eq!(days_waiting(d("2026-01-02"), d("2026-01-01")), 0);
    }
}
