//! Amendment (变更登记) and cancellation (注销登记) on the web: the office's application form,
//! the application's page with the province's decision forms, and the decisions. The rules
//! live in `domain::amendment`, the lifecycle in `crate::amendment`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::contract_form::{self, SectionView, SummaryItem};
use super::contracts::{ReviewPanel, display_value, scoped_contract};
use super::page::{Ctx, CurrentUser, format_cst, render, see_other};
use super::review::DecisionForm;
use super::{AppError, AppState, with_conn};
use crate::amendment::{self as lifecycle, AmendmentError};
use crate::catalog::refusal;
use crate::db::amendments::AmendmentRow;
use crate::db::contracts::ContractRow;
use crate::db::{self};
use crate::domain::amendment::{Kind, State};
use crate::domain::contract::ContractInput;
use crate::domain::field_errors::FieldErrors;
use crate::domain::regnum::grouped_text;
use crate::domain::role::Role;
use crate::domain::rules::Warning;
use crate::domain::status::{Decision, NotPermitted, Ruling, Step, Transition};

#[derive(Template)]
#[template(path = "amendments/new.html")]
struct NewPage {
    ctx: Ctx,
    contract_id: i64,
    project_name: String,
    number: String,
    kind: Kind,
    version: i32,
    reason: String,
    sections: Vec<SectionView>,
    /// The amendment form offers no directory lookup.
    lookup: bool,
    countries: Vec<(&'static str, String)>,
    regions: Vec<(&'static str, String)>,
    errors: FieldErrors,
    error_list: Vec<SummaryItem>,
    warnings: Vec<Warning>,
    conflict: Option<String>,
}

struct Form {
    kind: Kind,
    version: i32,
    reason: String,
    input: ContractInput,
    errors: FieldErrors,
    warnings: Vec<Warning>,
    conflict: Option<String>,
}

fn new_page(
    ctx: Ctx,
    row: &ContractRow,
    f: Form,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let sections = match f.kind {
        Kind::Change => {
            contract_form::sections(&row.category_code, &f.input, &f.errors, &f.warnings)
        }
        Kind::Cancel => Vec::new(),
    };
    render(
        &NewPage {
            ctx,
            contract_id: row.id,
            project_name: row.project_name.clone(),
            number: row
                .registration_number
                .as_deref()
                .map(grouped_text)
                .unwrap_or_default(),
            kind: f.kind,
            version: f.version,
            reason: f.reason,
            sections,
            lookup: false,
            countries: contract_form::countries(),
            regions: contract_form::regions(),
            error_list: contract_form::error_summary(&f.errors),
            errors: f.errors,
            warnings: f.warnings,
            conflict: f.conflict,
        },
        status,
    )
}

#[derive(Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

/// `GET /contracts/{id}/amendments/new?kind=change|cancel`: the application form, filled with
/// the contract as registered.
pub async fn new(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
    q: web::Query<KindQuery>,
) -> Result<HttpResponse, AppError> {
    let kind = Kind::parse(&q.kind).ok_or(AppError::NotFound)?;
    let row = scoped_contract(&state, &user.account, id.into_inner()).await?;
    if row.status != crate::domain::status::Status::Registered {
        return Err(AppError::Refused(
            "只有已登记的合同可以申请变更或注销".into(),
        ));
    }
    let form = Form {
        kind,
        version: row.version,
        reason: String::new(),
        input: row.input(),
        errors: FieldErrors::new(),
        warnings: Vec::new(),
        conflict: None,
    };
    new_page(ctx, &row, form, StatusCode::OK)
}

/// `POST /contracts/{id}/amendments` (`kind`, `version`, `amendment_reason`, and for a change
/// the contract's fields): files the application.
pub async fn create(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let fields = form.into_inner();
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let kind =
        Kind::parse(get("kind")).ok_or_else(|| AppError::BadRequest("申请类型无效".into()))?;
    let version = get("version").trim().parse::<i32>().unwrap_or(-1);
    let reason = get("amendment_reason").to_owned();
    let row = scoped_contract(&state, &user.account, id).await?;
    let mut input = row.input();
    if kind == Kind::Change {
        for (name, value) in &fields {
            if contract_form::is_contract_field(name) && name != "category_code" {
                input.set(name, value.clone());
            }
        }
    }
    let (actor, account, posted, r) = (
        user.actor.clone(),
        user.account.clone(),
        input.clone(),
        reason.clone(),
    );
    let result = with_conn(&state, move |c| {
        let input = (kind == Kind::Change).then_some(&posted);
        Ok(lifecycle::apply(
            c,
            &actor,
            &account,
            id,
            version,
            kind,
            &r,
            input,
            db::now(),
        ))
    })
    .await?;
    let form = |errors, warnings, conflict| Form {
        kind,
        version,
        reason: reason.clone(),
        input: input.clone(),
        errors,
        warnings,
        conflict,
    };
    match result {
        Ok(new_id) => Ok(see_other(
            &format!("/amendments/{new_id}"),
            Some("amendment_filed"),
            state.settings.secure_cookies,
        )),
        Err(AmendmentError::Invalid { errors, warnings }) => new_page(
            ctx,
            &row,
            form(errors, warnings, None),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(AmendmentError::Stale(message)) => {
            let current = scoped_contract(&state, &user.account, id).await?;
            new_page(
                ctx,
                &current,
                form(FieldErrors::new(), Vec::new(), Some(message)),
                StatusCode::CONFLICT,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// One changed field as the application's page shows it.
struct ChangeView {
    label: &'static str,
    old: String,
    new: String,
}

#[derive(Template)]
#[template(path = "amendments/show.html")]
struct ShowPage {
    ctx: Ctx,
    app: AmendmentRow,
    kind: Kind,
    state: State,
    contract_id: i64,
    project_name: String,
    number: String,
    changes: Vec<ChangeView>,
    filed_at: String,
    decided_at: String,
    /// 初审 or 复审 while open, with who gave the first approval.
    step: Option<(&'static str, Option<String>)>,
    /// The viewer gave the first approval: the final one must come from someone else.
    mine: bool,
    can_decide: bool,
    panel: ReviewPanel,
    refusal_reasons: &'static [refusal::RefusalReason],
}

async fn show_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    panel: ReviewPanel,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let scope = user.account.scope();
    let (app, contract, first_approver) = with_conn(state, move |c| {
        let (app, contract) =
            db::amendments::find_in_scope(c, &scope, id)?.ok_or(AppError::NotFound)?;
        let first = match app.first_approved_by {
            Some(uid) => db::users::find(c, uid)?.map(|a| a.display_name),
            None => None,
        };
        Ok((app, contract, first))
    })
    .await?;
    let state_now = State::parse(&app.status).unwrap_or(State::Submitted);
    let open = state_now == State::Submitted;
    let changes = lifecycle::changes_of(&app)
        .into_iter()
        .map(|ch| ChangeView {
            label: ch.label(),
            old: display_value(&ch.field, &ch.old),
            new: display_value(&ch.field, &ch.new),
        })
        .collect();
    let page = ShowPage {
        ctx,
        kind: Kind::parse(&app.kind).unwrap_or(Kind::Change),
        state: state_now,
        contract_id: contract.id,
        project_name: contract.project_name.clone(),
        number: contract
            .registration_number
            .as_deref()
            .map(grouped_text)
            .unwrap_or_default(),
        changes,
        filed_at: format_cst(app.filed_at),
        decided_at: app.decided_at.map(format_cst).unwrap_or_default(),
        step: open.then(|| (Step::of(app.first_approved_by).label(), first_approver)),
        mine: open && app.first_approved_by == Some(user.account.id),
        can_decide: open && user.account.role == Role::ProvinceAdmin,
        panel,
        refusal_reasons: refusal::ALL,
        app,
    };
    render(&page, status)
}

/// `GET /amendments/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    show_page(
        &state,
        ctx,
        &user,
        id.into_inner(),
        ReviewPanel::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /amendments/{id}/approve`, `/return` or `/refuse`.
pub async fn decide(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    path: web::Path<(i64, String)>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, decision) = path.into_inner();
    let decision = Decision::parse(&decision).ok_or(AppError::NotFound)?;
    let form = form.into_inner();
    let version = form.version();
    let panel = |errors, conflict| form.panel(decision, errors, conflict);
    let ruling = match Ruling::parse(decision, &form.reason, &form.refusal_code) {
        Ok(r) => r,
        Err(errors) => {
            return show_page(
                &state,
                ctx,
                &user,
                id,
                panel(errors, None),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let (actor, account) = (user.actor.clone(), user.account.clone());
    let result = with_conn(&state, move |c| {
        Ok(lifecycle::decide(
            c,
            &actor,
            &account,
            id,
            version,
            &ruling,
            db::now(),
        ))
    })
    .await?;
    match result {
        Ok(done) => {
            let notice = match done.transition {
                Transition::FirstApproval => "amendment_first_approved",
                Transition::Registration => "amendment_approved",
                Transition::Return => "amendment_returned",
                Transition::Refusal => "amendment_refused",
            };
            Ok(see_other(
                &format!("/amendments/{id}"),
                Some(notice),
                state.settings.secure_cookies,
            ))
        }
        Err(AmendmentError::Stale(m)) => {
            show_page(
                &state,
                ctx,
                &user,
                id,
                panel(FieldErrors::new(), Some(m)),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(AmendmentError::NotPermitted(why @ NotPermitted::SameApprover)) => {
            show_page(
                &state,
                ctx,
                &user,
                id,
                panel(FieldErrors::new(), Some(why.to_string())),
                StatusCode::FORBIDDEN,
            )
            .await
        }
        Err(AmendmentError::Invalid { errors, .. }) => {
            // The change no longer passes the rules as they stand today.
            let message = errors.iter().map(|(_, m)| m).collect::<Vec<_>>().join("；");
            show_page(
                &state,
                ctx,
                &user,
                id,
                panel(
                    FieldErrors::new(),
                    Some(format!("变更后的合同未通过认定规则检查：{message}")),
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
