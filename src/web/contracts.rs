//! Contract pages: the list, the category forms (new and edit), the contract page, submission
//! and attachment downloads. Handlers stay thin: the rules live in `domain::rules`, the
//! lifecycle in `filing`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::contract_form::{self, SectionView};
use super::form_data::FormData;
use super::page::{Ctx, CurrentUser, format_cst, html, page_link, render, see_other};
use super::review::ReviewView;
use super::{AppError, AppState, with_conn};
use crate::catalog::{category, checklist, refusal};
use crate::db::attachments::AttachmentInfo;
use crate::db::contracts::{ContractFilter, ContractRow, Cursor, Sort};
use crate::db::users::Account;
use crate::db::{self};
use crate::domain::attachment::{self, AttachmentKind};
use crate::domain::contract::{ContractInput, field_label, spec};
use crate::domain::field_errors::FieldErrors;
use crate::domain::fields::{Kind, Section};
use crate::domain::money::Money;
use crate::domain::office_code::OfficeCode;
use crate::domain::role::Role;
use crate::domain::rules::{self, RuleContext, Warning};
use crate::domain::status::Status;
use crate::domain::{dates, text};
use crate::filing::{self, Existing, FilingError, Submission};

// ---------------------------------------------------------------------------------------------
// List

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    /// An office code within the scope (province and national staff).
    #[serde(default)]
    office: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// 元
    #[serde(default)]
    min: String,
    #[serde(default)]
    max: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after: String,
}

struct ListRow {
    row: ContractRow,
    category_label: String,
    status_label: &'static str,
    total_wan: String,
    signed: String,
}

#[derive(Template)]
#[template(path = "contracts/index.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    rows: Vec<ListRow>,
    statuses: Vec<(&'static str, &'static str)>,
    categories: Vec<(&'static str, String)>,
    filter_errors: Vec<&'static str>,
    next_link: Option<String>,
    first_link: Option<String>,
    can_file: bool,
}

fn parse_cursor(s: &str) -> Option<Cursor> {
    let mut parts = s.split(':');
    match (parts.next()?, parts.next(), parts.next()) {
        ("id", Some(id), None) => id.parse().ok().map(Cursor::Id),
        ("signed", Some(d), Some(id)) => Some(Cursor::Signed(
            NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?,
            id.parse().ok()?,
        )),
        ("amount", Some(a), Some(id)) => Some(Cursor::Amount(a.parse().ok()?, id.parse().ok()?)),
        _ => None,
    }
}

fn cursor_text(c: &Cursor) -> String {
    match c {
        Cursor::Id(id) => format!("id:{id}"),
        Cursor::Signed(d, id) => format!("signed:{}:{id}", d.format("%Y-%m-%d")),
        Cursor::Amount(a, id) => format!("amount:{a}:{id}"),
    }
}

const PER_PAGE: i64 = 50;

pub async fn index(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = q.into_inner();
    let mut filter_errors = Vec::new();
    let day = |s: &str, errors: &mut Vec<&'static str>| {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let parsed = dates::parse_date_unbounded(s).ok();
        if parsed.is_none() {
            errors.push("日期格式应为 YYYY-MM-DD");
        }
        parsed
    };
    let amount = |s: &str, errors: &mut Vec<&'static str>| {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let parsed = Money::parse_yuan(s).ok().map(Money::fen);
        if parsed.is_none() {
            errors.push("金额应为以元为单位的数字");
        }
        parsed
    };
    let filter = ContractFilter {
        status: Status::parse(query.status.trim()),
        office: Some(text::compact(&query.office)).filter(|o| !o.is_empty()),
        category: Some(query.category.trim().to_owned())
            .filter(|c| category::is_leaf(c) || category::category(c).is_some()),
        signed_from: day(&query.from, &mut filter_errors),
        signed_to: day(&query.to, &mut filter_errors),
        min_total_fen: amount(&query.min, &mut filter_errors),
        max_total_fen: amount(&query.max, &mut filter_errors),
        text: Some(text::normalise_name(&query.q)).filter(|t| !t.is_empty()),
    };
    filter_errors.dedup();
    let sort = Sort::parse(&query.sort);
    let after = parse_cursor(&query.after);
    let scope = user.account.scope();
    let (rows, next) = with_conn(&state, move |c| {
        Ok(db::contracts::list(
            c,
            &scope,
            &filter,
            sort,
            after.as_ref(),
            PER_PAGE,
        )?)
    })
    .await?;
    let filters = [
        ("status", query.status.as_str()),
        ("office", query.office.as_str()),
        ("category", query.category.as_str()),
        ("from", query.from.as_str()),
        ("to", query.to.as_str()),
        ("min", query.min.as_str()),
        ("max", query.max.as_str()),
        ("q", query.q.as_str()),
        ("sort", sort.as_str()),
    ];
    let link =
        |after: Option<String>| page_link("/contracts", &filters, after.map(|a| ("after", a)));
    let next_link = next.as_ref().map(|c| link(Some(cursor_text(c))));
    let first_link = (!query.after.is_empty()).then(|| link(None));
    let rows = rows.into_iter().map(list_row).collect();
    let statuses = Status::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    let categories = category_choices();
    let can_file = user.account.role == Role::Clerk;
    html(&ListPage {
        ctx,
        query,
        rows,
        statuses,
        categories,
        filter_errors,
        next_link,
        first_link,
        can_file,
    })
}

/// The category filter's choices: each category with all its leaves, then every leaf.
pub(super) fn category_choices() -> Vec<(&'static str, String)> {
    let mut categories: Vec<(&'static str, String)> = category::CATEGORIES
        .iter()
        .map(|c| (c.code, format!("{}（全部）", c.label)))
        .collect();
    categories.extend(category::leaves().map(|l| (l.code, l.full_label())));
    categories
}

fn list_row(row: ContractRow) -> ListRow {
    ListRow {
        category_label: category::leaf(&row.category_code)
            .map(|l| l.full_label())
            .unwrap_or_else(|| "—".to_owned()),
        status_label: row.status.label(),
        total_wan: row
            .total_fen
            .map(|f| Money::from_fen(f).wan_yuan(2))
            .unwrap_or_else(|| "—".to_owned()),
        signed: row
            .signed_on
            .map(dates::format_date)
            .unwrap_or_else(|| "—".to_owned()),
        row,
    }
}

// ---------------------------------------------------------------------------------------------
// Form

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
    error_list: Vec<(String, &'static str, String)>,
    warnings: Vec<Warning>,
    conflict: Option<String>,
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
            filing::input_of(row),
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
    let error_list = s
        .errors
        .iter()
        .map(|(f, m)| (f.to_owned(), label_of(f), m.to_owned()))
        .collect();
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
    };
    render(&page, status)
}

fn label_of(field: &str) -> &'static str {
    match field {
        "checklist_confirmed" => "认定要点核对",
        "attachments" => "附件",
        f => match field_label(f) {
            "" => "表单",
            l => l,
        },
    }
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
    let checklist_confirmed = data.get("checklist_confirmed").is_some();
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
                Err(e) => upload_errors.push(e),
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
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let data = FormData::read(&req, payload).await?;
    save_or_submit(state, ctx, user, None, posted(data)).await
}

pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    // Out of scope is 404 before anything about the contract is read, whatever was posted.
    let row = scoped_contract(&state, &user.account, id.into_inner()).await?;
    if !row.status.is_editable() {
        return Err(AppError::Refused(
            "已提交、已登记或不予登记的合同不能修改".into(),
        ));
    }
    let data = FormData::read(&req, payload).await?;
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
            let theirs = filing::input_of(&current);
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
        Err(FilingError::NotFound) => Err(AppError::NotFound),
        Err(FilingError::Forbidden(m)) => Err(AppError::Refused(m.into())),
        Err(FilingError::Db(e)) => Err(e.into()),
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
    let found = super::lookup::find_parties(&state, authority, &query).await?;
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

/// The attachments of contract `id` (none for a new one). The contract is looked up in the
/// account's scope first, in the same task: out of scope is 404, never another office's list.
async fn attachments_of(
    state: &AppState,
    account: &Account,
    id: Option<i64>,
) -> Result<Vec<AttachmentInfo>, AppError> {
    let Some(id) = id else {
        return Ok(Vec::new());
    };
    let scope = account.scope();
    with_conn(state, move |c| {
        let row = db::contracts::find_in_scope(c, &scope, id)?.ok_or(AppError::NotFound)?;
        Ok(db::attachments::list_for(c, row.id)?)
    })
    .await
}

pub(super) async fn scoped_contract(
    state: &AppState,
    account: &Account,
    id: i64,
) -> Result<ContractRow, AppError> {
    let scope = account.scope();
    with_conn(state, move |c| {
        db::contracts::find_in_scope(c, &scope, id)?.ok_or(AppError::NotFound)
    })
    .await
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
        Err(FilingError::NotFound) => Err(AppError::NotFound),
        Err(FilingError::Forbidden(m)) => Err(AppError::Refused(m.into())),
        Err(FilingError::Db(e)) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The contract page

#[derive(Template)]
#[template(path = "contracts/show.html")]
struct ShowPage {
    ctx: Ctx,
    row: ContractRow,
    status_label: &'static str,
    category_label: String,
    fields: Vec<(&'static str, String)>,
    seller: Vec<(&'static str, String)>,
    buyer: Vec<(&'static str, String)>,
    attachments: Vec<AttachmentInfo>,
    problems: Vec<(&'static str, String)>,
    warnings: Vec<(&'static str, String)>,
    can_edit: bool,
    submitted: String,
    reviews: Vec<ReviewView>,
    /// The decision forms, for a province administrator while the contract waits for review.
    can_review: bool,
    panel: ReviewPanel,
    refusal_reasons: &'static [refusal::RefusalReason],
}

/// The state of the decision forms: what the reviewer typed into the form they posted, its
/// errors, and the message when the contract was decided by someone else meanwhile.
#[derive(Debug, Clone, Default)]
pub(super) struct ReviewPanel {
    /// `approve`, `return` or `refuse`: the form the values and errors belong to.
    pub decision: Option<&'static str>,
    pub reason: String,
    pub refusal_code: String,
    pub errors: FieldErrors,
    pub conflict: Option<String>,
}

impl ReviewPanel {
    /// The reason typed into form `decision` (empty in the other forms).
    fn reason_for(&self, decision: &str) -> &str {
        if self.decision == Some(decision) {
            &self.reason
        } else {
            ""
        }
    }

    /// The error of `field` in form `decision`.
    fn error_for(&self, decision: &str, field: &str) -> Option<&str> {
        if self.decision == Some(decision) {
            self.errors.first(field)
        } else {
            None
        }
    }
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let row = scoped_contract(&state, &user.account, id.into_inner()).await?;
    show_page(
        &state,
        ctx,
        &user,
        row,
        ReviewPanel::default(),
        StatusCode::OK,
    )
    .await
}

/// The contract page, with the decision forms in the state `panel` gives.
pub(super) async fn show_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    row: ContractRow,
    panel: ReviewPanel,
    http_status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let contract_id = row.id;
    let (attachments, reviews) = with_conn(state, move |c| {
        Ok((
            db::attachments::list_for(c, contract_id)?,
            db::reviews::for_contract(c, contract_id)?,
        ))
    })
    .await?;
    let input = filing::input_of(&row);
    // Re-check an open contract as it stands: a draft lists what is still missing, a submitted
    // one shows its warnings to the clerk and the reviewer. Decided contracts passed the rules
    // when they were filed, and nothing is left to weigh their warnings for.
    let (mut problems, mut warnings) = (Vec::new(), Vec::new());
    let open = row.status.is_editable() || row.status.awaits_review();
    if open && let Ok(office) = OfficeCode::parse(&row.office_code) {
        let today = dates::today_cst(chrono::Utc::now());
        match rules::check(&input, &RuleContext::filing(office, today)) {
            Ok(checked) => warnings = checked.warnings,
            Err((e, w)) => {
                problems = e.iter().map(|(f, m)| (label_of(f), m.to_owned())).collect();
                warnings = w;
            }
        }
    }
    if !row.status.is_editable() {
        problems.clear();
    }
    let warnings = warnings
        .into_iter()
        .map(|(f, m)| (label_of(&f), m))
        .collect();
    let shown = rules::fields_for_category(&row.category_code);
    let value = |f: &str| display_value(f, input.get(f).unwrap_or_default());
    let general = |section: Section| -> Vec<(&'static str, String)> {
        section
            .fields()
            .iter()
            .filter(|n| shown.contains(n))
            .map(|n| (field_label(n), value(n)))
            .collect()
    };
    // A natural person's ID number is shown in full only to the office and the province that
    // handle the contract (个人信息保护法); national staff see it masked.
    let sees_ids = user.account.role != Role::Ministry;
    // Inside a party's card the labels drop 卖方 / 买方; an empty override reason is left out.
    let party = |section: Section| -> Vec<(&'static str, String)> {
        let side = section.party().unwrap_or_default();
        let person = input.get(&format!("{side}_nature_code"))
            == Some(crate::catalog::nature::NATURAL_PERSON);
        section
            .fields()
            .iter()
            .filter_map(|f| spec(f))
            .filter(|s| !(s.key.ends_with("_uscc_override") && input.get(s.key) == Some("")))
            .map(|s| {
                let v = if s.key.ends_with("_uscc") && person && !sees_ids {
                    filing::mask_id(input.get(s.key).unwrap_or_default())
                } else {
                    value(s.key)
                };
                (s.short_label, v)
            })
            .collect()
    };
    let can_edit = user.account.role == Role::Clerk && row.status.is_editable();
    let can_review = user.account.role == Role::ProvinceAdmin && row.status.awaits_review();
    let page = ShowPage {
        ctx,
        status_label: row.status.label(),
        category_label: category::leaf(&row.category_code)
            .map(|l| l.full_label())
            .unwrap_or_else(|| "—".into()),
        fields: [Section::Basics, Section::Amounts]
            .into_iter()
            .flat_map(general)
            .collect(),
        seller: party(Section::Seller),
        buyer: party(Section::Buyer),
        attachments,
        problems,
        warnings,
        can_edit,
        submitted: row.submitted_at.map(format_cst).unwrap_or_default(),
        reviews: reviews.into_iter().map(ReviewView::of).collect(),
        can_review,
        panel,
        refusal_reasons: refusal::ALL,
        row,
    };
    render(&page, http_status)
}

/// A stored value as a person reads it: codes with their labels, amounts grouped with 万元.
fn display_value(field: &str, value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        return "—".to_owned();
    }
    match spec(field).map(|s| s.kind) {
        Some(Kind::Code(Some(list))) => match list.label(v) {
            Some(label) => format!("{v} {label}"),
            None => v.to_owned(),
        },
        Some(Kind::Flag) => if v == "1" { "是" } else { "否" }.to_owned(),
        Some(Kind::Money) => match Money::parse_yuan(v) {
            Ok(m) => format!("{} 元（{} 万元）", m.yuan_grouped(), m.wan_yuan(2)),
            Err(_) => v.to_owned(),
        },
        _ => v.to_owned(),
    }
}

pub async fn attachment(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (contract_id, attachment_id) = path.into_inner();
    let row = scoped_contract(&state, &user.account, contract_id).await?;
    let (info, bytes) = with_conn(&state, move |c| {
        db::attachments::load(c, row.id, attachment_id)?.ok_or(AppError::NotFound)
    })
    .await?;
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        percent_encode(&info.display_name())
    );
    Ok(HttpResponse::Ok()
        .content_type(info.content_type)
        .insert_header(("Content-Disposition", disposition))
        .body(bytes))
}

/// RFC 5987 encoding of a file name for `Content-Disposition`.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
