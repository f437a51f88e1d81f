//! The category forms: choosing a category, new and edit, saving a draft, submitting, and
//! the party directory lookup inside the form.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::attachments::attachments_of;
use super::scoped_contract;
use crate::catalog::{category, checklist};
use crate::db::attachments::AttachmentInfo;
use crate::db::contracts::ContractRow;
use crate::db::{self};
use crate::domain::attachment::{self, AttachmentKind};
use crate::domain::contract::{ContractInput, field_label};
use crate::domain::field_errors::FieldErrors;
use crate::domain::rules::{self, Warning};
use crate::filing::{self, Existing, FilingError, Submission};
use crate::web::contract_form::{self, SectionView, SummaryItem};
use crate::web::form_data::FormData;
use crate::web::page::{Ctx, CurrentUser, html, render, see_other};
use crate::web::{AppError, AppState, with_conn};

#[derive(Template)]
#[template(path = "contracts/choose.html")]
struct ChoosePage {
    ctx: Ctx,
    groups: Vec<(String, Vec<(&'static str, String)>)>,
}

#[derive(Template)]
#[template(path = "contracts/form.html")]
struct FormPage {
    ctx: Ctx,
    /// None for a new contract.
    id: Option<i64>,
    version: i32,
    category_code: String,
    category_label: String,
    sections: Vec<SectionView>,
    countries: Vec<(&'static str, String)>,
    regions: Vec<(&'static str, String)>,
    checklist: &'static [checklist::ChecklistItem],
    checklist_confirmed: bool,
    attachments: Vec<AttachmentInfo>,
    errors: FieldErrors,
    /// The outcome of a directory lookup, shown above the form.
    lookup_message: Option<String>,
    /// Every error with its field's label, for the summary at the top.
    error_list: Vec<SummaryItem>,
    warnings: Vec<Warning>,
    conflict: Option<String>,
    /// Whether the party sections offer the directory lookup.
    lookup: bool,
}

struct FormState {
    lookup_message: Option<String>,
    id: Option<i64>,
    version: i32,
    input: ContractInput,
    checklist_confirmed: bool,
    attachments: Vec<AttachmentInfo>,
    errors: FieldErrors,
    warnings: Vec<Warning>,
    conflict: Option<String>,
}

impl FormState {
    /// Values to show in the form (typed by the clerk, or stored), without messages.
    fn of(
        id: Option<i64>,
        version: i32,
        input: ContractInput,
        checklist_confirmed: bool,
        attachments: Vec<AttachmentInfo>,
    ) -> Self {
        FormState {
            lookup_message: None,
            id,
            version,
            input,
            checklist_confirmed,
            attachments,
            errors: FieldErrors::new(),
            warnings: Vec::new(),
            conflict: None,
        }
    }

    /// A stored contract as it stands.
    fn stored(row: &ContractRow, attachments: Vec<AttachmentInfo>) -> Self {
        Self::of(
            Some(row.id),
            row.version,
            row.input(),
            row.checklist_confirmed,
            attachments,
        )
    }

    /// What the clerk posted, shown again.
    fn posted(existing: Option<Existing>, p: &Posted, attachments: Vec<AttachmentInfo>) -> Self {
        Self::of(
            existing.map(|e| e.id),
            p.version,
            p.submission.input.clone(),
            p.submission.checklist_confirmed,
            attachments,
        )
    }
}

fn form_page(ctx: Ctx, s: FormState, status: StatusCode) -> Result<HttpResponse, AppError> {
    let code = s.input.category_code.trim().to_owned();
    let category_label = category::leaf(&code)
        .map(|l| l.full_label())
        .unwrap_or_default();
    let sections = contract_form::sections(&code, &s.input, &s.errors, &s.warnings);
    let error_list = contract_form::error_summary(&s.errors);
    let page = FormPage {
        ctx,
        id: s.id,
        version: s.version,
        category_code: code.clone(),
        category_label,
        sections,
        countries: contract_form::countries(),
        regions: contract_form::regions(),
        checklist: checklist::for_category(&code),
        checklist_confirmed: s.checklist_confirmed,
        attachments: s.attachments,
        errors: s.errors,
        lookup_message: s.lookup_message,
        error_list,
        warnings: s.warnings,
        conflict: s.conflict,
        lookup: true,
    };
    render(&page, status)
}

#[derive(Deserialize)]
pub struct NewQuery {
    category: Option<String>,
}

pub async fn new(ctx: Ctx, q: web::Query<NewQuery>) -> Result<HttpResponse, AppError> {
    let Some(code) = q
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| category::is_leaf(c))
    else {
        return html(&ChoosePage {
            ctx,
            groups: contract_form::category_groups(),
        });
    };
    let input = ContractInput {
        category_code: code.to_owned(),
        seller_country_code: "142".into(),
        buyer_country_code: "142".into(),
        plan_code: "9".into(),
        is_related: "0".into(),
        ..Default::default()
    };
    form_page(
        ctx,
        FormState::of(None, 0, input, false, Vec::new()),
        StatusCode::OK,
    )
}

/// What the clerk posted: the contract fields, the checklist, the button, the version read at.
#[derive(Clone)]
struct Posted {
    submission: Submission,
    action: String,
    version: i32,
    upload_errors: Vec<String>,
}

fn posted(data: FormData) -> Posted {
    let mut input = ContractInput::default();
    for (name, value) in &data.fields {
        if contract_form::is_contract_field(name) {
            input.set(name, value.clone());
        }
    }
    let checklist_confirmed = data.get("checklist_confirmed") == Some("1");
    let action = data.get("action").unwrap_or("save").to_owned();
    let version = data
        .get("version")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let kind_of = |field: &str| match field {
        "contract_text" => AttachmentKind::ContractText,
        _ => AttachmentKind::Evidence,
    };
    let count = |kind| {
        data.files
            .iter()
            .filter(|f| kind_of(&f.field) == kind)
            .count()
    };
    let mut uploads = Vec::new();
    let mut upload_errors = Vec::new();
    let texts = count(AttachmentKind::ContractText);
    if texts > attachment::MAX_CONTRACT_TEXTS_PER_REQUEST {
        upload_errors.push(format!("每次只能上传一个合同文本（本次 {texts} 个）"));
    }
    let evidence = count(AttachmentKind::Evidence);
    if evidence > attachment::MAX_EVIDENCE_PER_REQUEST {
        upload_errors.push(format!(
            "每次最多上传 {} 个证明材料（本次 {evidence} 个），请分次保存",
            attachment::MAX_EVIDENCE_PER_REQUEST
        ));
    }
    if upload_errors.is_empty() {
        for file in data.files {
            match attachment::check(kind_of(&file.field), &file.filename, file.bytes) {
                Ok(u) => uploads.push(u),
                Err(e) => upload_errors.push(e.to_string()),
            }
        }
    }
    Posted {
        submission: Submission {
            input,
            checklist_confirmed,
            uploads,
        },
        action,
        version,
        upload_errors,
    }
}

pub async fn create(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    data: FormData,
) -> Result<HttpResponse, AppError> {
    save_or_submit(state, ctx, user, None, posted(data)).await
}

pub async fn update(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
    data: FormData,
) -> Result<HttpResponse, AppError> {
    // Out of scope is 404 before anything about the contract is read, whatever was posted.
    let row = scoped_contract(&state, &user.account, id.into_inner()).await?;
    if !row.status.is_editable() {
        return Err(AppError::Refused(
            "已提交、已登记或不予登记的合同不能修改".into(),
        ));
    }
    let p = posted(data);
    let existing = Existing {
        id: row.id,
        version: p.version,
    };
    save_or_submit(state, ctx, user, Some(existing), p).await
}

async fn save_or_submit(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    existing: Option<Existing>,
    p: Posted,
) -> Result<HttpResponse, AppError> {
    let secure = state.settings.secure_cookies;
    if !category::is_leaf(p.submission.input.category_code.trim()) {
        return Err(AppError::BadRequest("请先选择合同类别".into()));
    }
    if !p.upload_errors.is_empty() {
        // Files that fail the checks are never stored; nothing else is written either.
        // Say at once what else would stop even a draft.
        let mut errors = rules::check_text(&p.submission.input);
        for e in &p.upload_errors {
            errors.add("attachments", e.clone());
        }
        let attachments = attachments_of(&state, &user.account, existing.map(|e| e.id)).await?;
        let s = FormState {
            errors,
            ..FormState::posted(existing, &p, attachments)
        };
        return form_page(ctx, s, StatusCode::UNPROCESSABLE_ENTITY);
    }
    if let Some(side) = p.action.strip_prefix("lookup:") {
        return lookup(state, ctx, user, existing, p.clone(), side).await;
    }
    let (actor, account) = (user.actor.clone(), user.account.clone());
    let submission = p.submission.clone();
    let submit = p.action == "submit";
    let result = with_conn(&state, move |c| {
        let now = db::now();
        let r = if submit {
            filing::submit(c, &actor, &account, existing, &submission, now).map(|(id, _)| id)
        } else {
            filing::save_draft(c, &actor, &account, existing, &submission, now)
        };
        Ok(r)
    })
    .await?;
    match result {
        Ok(id) => Ok(see_other(
            &format!("/contracts/{id}"),
            Some(if submit {
                "contract_submitted"
            } else {
                "contract_saved"
            }),
            secure,
        )),
        Err(FilingError::Invalid { errors, warnings }) => {
            let attachments = attachments_of(&state, &user.account, existing.map(|e| e.id)).await?;
            let s = FormState {
                errors,
                warnings,
                ..FormState::posted(existing, &p, attachments)
            };
            form_page(ctx, s, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(FilingError::Stale { current }) => {
            let theirs = current.input();
            let changed: Vec<&str> = ContractInput::FIELDS
                .iter()
                .filter(|f| theirs.get(f) != p.submission.input.get(f))
                .map(|f| field_label(f))
                .collect();
            let attachments = attachments_of(&state, &user.account, Some(current.id)).await?;
            let conflict = format!(
                "此合同在您打开后已被修改（当前版本 {}，状态：{}）。下表保留了您填写的内容；与当前保存的内容不同的字段：{}。请核对后重新保存。",
                current.version,
                current.status.label(),
                if changed.is_empty() {
                    "无".to_owned()
                } else {
                    changed.join("、")
                }
            );
            // The form posts again at the current version, with the clerk's values.
            let s = FormState {
                id: Some(current.id),
                version: current.version,
                conflict: Some(conflict),
                ..FormState::posted(existing, &p, attachments)
            };
            form_page(ctx, s, StatusCode::CONFLICT)
        }
        Err(e) => Err(e.into()),
    }
}

/// The form's own directory lookup (works without JavaScript): fills one party's details from
/// the directory by its typed code, or its name, and shows the form again. Nothing is saved.
async fn lookup(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    existing: Option<Existing>,
    p: Posted,
    side: &str,
) -> Result<HttpResponse, AppError> {
    let side = if side == "buyer" { "buyer" } else { "seller" };
    let mut input = p.submission.input.clone();
    let typed_code = input
        .get(&format!("{side}_uscc"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let typed_name = input
        .get(&format!("{side}_name"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let authority = user.account.authority_code.clone().unwrap_or_default();
    let query = if typed_code.is_empty() {
        typed_name.clone()
    } else {
        typed_code.clone()
    };
    let found = crate::web::lookup::find_parties(&state, authority, &query).await?;
    let exact = found.iter().find(|f| {
        (!typed_code.is_empty() && f.uscc == typed_code.to_uppercase()) || f.name == typed_name
    });
    let party_label = if side == "seller" { "卖方" } else { "买方" };
    let message = match (exact, found.len()) {
        (Some(f), _) => {
            for (suffix, value) in [
                ("name", &f.name),
                ("country_code", &f.country_code),
                ("admin_code", &f.admin_code),
                ("uscc", &f.uscc),
                ("nature_code", &f.nature_code),
                ("address", &f.address),
                ("zipcode", &f.zipcode),
                ("representative", &f.representative),
                ("contact", &f.contact),
                ("phone", &f.phone),
            ] {
                input.set(&format!("{side}_{suffix}"), value.clone());
            }
            format!(
                "已从当事人名录填入{party_label}信息（{} 于 {} 更新）。如有变化可直接修改，提交后名录随之更新。",
                f.updated_by, f.updated
            )
        }
        (None, 0) => format!("当事人名录中没有与所填{party_label}代码或名称相符的记录。"),
        (None, n) => format!(
            "名录中有 {n} 个相近的当事人：{}。请填写完整的统一社会信用代码后再查找。",
            found
                .iter()
                .map(|f| format!("{}（{}）", f.name, f.uscc))
                .collect::<Vec<_>>()
                .join("、")
        ),
    };
    let attachments = attachments_of(&state, &user.account, existing.map(|e| e.id)).await?;
    let s = FormState {
        lookup_message: Some(message),
        input,
        ..FormState::posted(existing, &p, attachments)
    };
    form_page(ctx, s, StatusCode::OK)
}

pub async fn edit(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let row = scoped_contract(&state, &user.account, id.into_inner()).await?;
    if !row.status.is_editable() {
        return Ok(see_other(
            &format!("/contracts/{}", row.id),
            None,
            state.settings.secure_cookies,
        ));
    }
    let attachments = attachments_of(&state, &user.account, Some(row.id)).await?;
    form_page(ctx, FormState::stored(&row, attachments), StatusCode::OK)
}

#[derive(Deserialize)]
pub struct SubmitForm {
    version: i32,
}

pub async fn submit(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<SubmitForm>,
) -> Result<HttpResponse, AppError> {
    let existing = Existing {
        id: id.into_inner(),
        version: form.version,
    };
    let (actor, account) = (user.actor.clone(), user.account.clone());
    let result = with_conn(&state, move |c| {
        Ok(filing::submit_saved(
            c,
            &actor,
            &account,
            existing,
            db::now(),
        ))
    })
    .await?;
    let secure = state.settings.secure_cookies;
    match result {
        Ok(_) => Ok(see_other(
            &format!("/contracts/{}", existing.id),
            Some("contract_submitted"),
            secure,
        )),
        Err(FilingError::Invalid { errors, warnings }) => {
            // Show the saved form with every problem next to its field.
            let row = scoped_contract(&state, &user.account, existing.id).await?;
            let attachments = attachments_of(&state, &user.account, Some(row.id)).await?;
            let s = FormState {
                errors,
                warnings,
                ..FormState::stored(&row, attachments)
            };
            form_page(ctx, s, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(FilingError::Stale { .. }) => Ok(see_other(
            &format!("/contracts/{}", existing.id),
            Some("contract_stale"),
            secure,
        )),
        Err(e) => Err(e.into()),
    }
}
