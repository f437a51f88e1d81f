//! The system administrator's settings of each authority's review rules (`/admin/review-rules`):
//! the second-review threshold and the deadline rule, in versions by the day they take effect.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::page::{Ctx, CurrentUser, format_cst, render, see_other};
use super::{AppError, AppState, with_conn};
use crate::catalog::authority::{AUTHORITIES, Authority};
use crate::db;
use crate::domain::dates;
use crate::domain::field_errors::FieldErrors;
use crate::domain::review_rule::{Deadline, ReviewRule, RuleInput};
use crate::review::{self, ReviewError};

/// One stored version as listed.
struct VersionRow {
    authority: String,
    effective_from: String,
    threshold_wan: String,
    deadline: &'static str,
    created: String,
    /// In force today (the latest that took effect for its authority).
    current: bool,
}

#[derive(Template)]
#[template(path = "admin/review_rules.html")]
struct RulesPage {
    ctx: Ctx,
    versions: Vec<VersionRow>,
    default_threshold_wan: String,
    default_deadline: &'static str,
    authorities: &'static [Authority],
    deadlines: [Deadline; 2],
    form: RuleInput,
    errors: FieldErrors,
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    form: RuleInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let rows = with_conn(state, |c| Ok(db::review_rules::list(c)?)).await?;
    let today = dates::today_cst(chrono::Utc::now());
    let versions = rows
        .iter()
        .map(|r| {
            let rule = r.rule();
            let of_authority: Vec<ReviewRule> = rows
                .iter()
                .filter(|o| o.authority_code == r.authority_code)
                .map(|o| o.rule())
                .collect();
            VersionRow {
                authority: crate::catalog::authority::find(&r.authority_code)
                    .map_or_else(|| r.authority_code.clone(), |a| a.name.to_owned()),
                effective_from: dates::format_date(r.effective_from),
                threshold_wan: rule.second_review_from.wan_yuan(0),
                deadline: rule.deadline.label(),
                created: format_cst(r.created_at),
                current: crate::domain::review_rule::in_force(&of_authority, today) == rule,
            }
        })
        .collect();
    render(
        &RulesPage {
            ctx,
            versions,
            default_threshold_wan: ReviewRule::DEFAULT.second_review_from.wan_yuan(0),
            default_deadline: ReviewRule::DEFAULT.deadline.label(),
            authorities: AUTHORITIES,
            deadlines: Deadline::ALL,
            form,
            errors,
        },
        status,
    )
}

/// `GET /admin/review-rules`.
pub async fn index(state: web::Data<AppState>, ctx: Ctx) -> Result<HttpResponse, AppError> {
    let form = RuleInput {
        threshold_wan: ReviewRule::DEFAULT.second_review_from.wan_yuan(0),
        deadline: ReviewRule::DEFAULT.deadline.as_str().to_owned(),
        ..Default::default()
    };
    page(&state, ctx, form, FieldErrors::new(), StatusCode::OK).await
}

/// `POST /admin/review-rules`: adds a version.
pub async fn create(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    form: web::Form<RuleInput>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (actor, account, input) = (user.actor.clone(), user.account.clone(), form.clone());
    let result = with_conn(&state, move |c| {
        Ok(review::add_rule(c, &actor, &account, &input, db::now()))
    })
    .await?;
    match result {
        Ok(()) => Ok(see_other(
            "/admin/review-rules",
            Some("review_rule_created"),
            state.settings.secure_cookies,
        )),
        Err(ReviewError::Invalid(errors)) => {
            page(&state, ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
