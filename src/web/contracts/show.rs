//! The contract page, owned here for every role: the clerk's view, the reviewer's panel and
//! the review history.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::scoped_contract;
use crate::catalog::{category, refusal};
use crate::db::attachments::AttachmentInfo;
use crate::db::contracts::ContractRow;
use crate::db::{self};
use crate::domain::amendment;
use crate::domain::attachment::{self, AttachmentKind};
use crate::domain::contract::{field_label, spec};
use crate::domain::dates;
use crate::domain::field_errors::FieldErrors;
use crate::domain::fields::{Kind, Section};
use crate::domain::money::Money;
use crate::domain::office_code::OfficeCode;
use crate::domain::regnum::grouped_text;
use crate::domain::review_rule;
use crate::domain::role::Role;
use crate::domain::rules::{self, RuleContext};
use crate::domain::status::{Decision, Status, Step};
use crate::filing::{self};
use crate::web::contract_form::{self, SummaryItem, label_of};
use crate::web::page::{Ctx, CurrentUser, format_cst, render};
use crate::web::{AppError, AppState, with_conn};

#[derive(Template)]
#[template(path = "contracts/show.html")]
struct ShowPage {
    ctx: Ctx,
    row: ContractRow,
    status_label: &'static str,
    category_label: String,
    /// The registering office by name, with its code.
    office: String,
    /// The registration number grouped `YYYY PPCC NN SSSSSS`.
    number: Option<String>,
    fields: Vec<(&'static str, String)>,
    seller: Vec<(&'static str, String)>,
    buyer: Vec<(&'static str, String)>,
    attachments: Vec<AttachmentView>,
    problems: Vec<SummaryItem>,
    warnings: Vec<(&'static str, String)>,
    can_edit: bool,
    /// A registered contract links to its certificate.
    has_certificate: bool,
    submitted: String,
    reviews: Vec<ReviewView>,
    /// The decision forms, for a province administrator while the contract waits for review.
    can_review: bool,
    /// Where a waiting contract stands in its review.
    step: Option<StepView>,
    /// Applications for a change or cancellation, oldest first.
    amendments: Vec<AmendmentLine>,
    /// The office's clerk may apply for a change or cancellation.
    can_amend: bool,
    panel: ReviewPanel,
    refusal_reasons: &'static [refusal::RefusalReason],
}

/// An attachment as the page lists it.
struct AttachmentView {
    id: i64,
    kind_label: &'static str,
    name: String,
    size: String,
    /// The first 12 hex digits of the SHA-256, enough to compare with a copy by eye.
    short_hash: String,
    sha256: String,
}

impl AttachmentView {
    fn of(a: AttachmentInfo) -> Self {
        AttachmentView {
            id: a.id,
            kind_label: AttachmentKind::parse(&a.kind).map_or("附件", AttachmentKind::label),
            name: a.display_name(),
            size: attachment::human_size(a.size_bytes),
            short_hash: a.sha256.chars().take(12).collect(),
            sha256: a.sha256,
        }
    }
}

/// The state of the decision forms: what the reviewer typed into the form they posted, its
/// errors, and the message when the contract was decided by someone else meanwhile.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReviewPanel {
    /// `approve`, `return` or `refuse`: the form the values and errors belong to.
    pub decision: Option<&'static str>,
    pub reason: String,
    pub refusal_code: String,
    pub errors: FieldErrors,
    pub conflict: Option<String>,
}

impl ReviewPanel {
    /// The reason typed into form `decision` (empty in the other forms).
    pub(crate) fn reason_for(&self, decision: &str) -> &str {
        if self.decision == Some(decision) {
            &self.reason
        } else {
            ""
        }
    }

    /// The error of `field` in form `decision`.
    pub(crate) fn error_for(&self, decision: &str, field: &str) -> Option<&str> {
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
pub(crate) async fn show_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    row: ContractRow,
    panel: ReviewPanel,
    http_status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let contract_id = row.id;
    let office_code = row.office_code.clone();
    let (authority, first_approved_by) = (row.authority_code.clone(), row.first_approved_by);
    let (attachments, reviews, office, rules, first_approver, amendments) =
        with_conn(state, move |c| {
            let first_approver = match first_approved_by {
                Some(uid) => db::users::find(c, uid)?.map(|a| a.display_name),
                None => None,
            };
            Ok((
                db::attachments::list_for(c, contract_id)?,
                db::reviews::for_contract(c, contract_id)?,
                db::offices::find(c, &office_code)?,
                db::review_rules::of_authority(c, &authority)?,
                first_approver,
                db::amendments::for_contract(c, contract_id)?,
            ))
        })
        .await?;
    let input = row.input();
    // Re-check an open contract as it stands: a draft lists what is still missing, a submitted
    // one shows its warnings to the clerk and the reviewer. Decided contracts passed the rules
    // when they were filed, and nothing is left to weigh their warnings for.
    // A draft lists exactly what submitting would refuse (rules, checklist, contract text).
    let (mut problems, mut warnings) = (Vec::new(), Vec::new());
    let open = row.status.is_editable() || row.status.awaits_review();
    if open && let Ok(office) = OfficeCode::parse(&row.office_code) {
        let today = dates::today_cst(chrono::Utc::now());
        let has_text = attachments
            .iter()
            .any(|a| a.kind == AttachmentKind::ContractText.as_str());
        let (errors, found, _) = filing::submission_problems(
            &input,
            &RuleContext::filing(office, today),
            row.checklist_confirmed,
            has_text,
        );
        warnings = found;
        if row.status.is_editable() {
            problems = contract_form::error_summary(&errors);
        }
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
    let role = user.account.role;
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
                let v = if s.key.ends_with("_uscc") {
                    let id = filing::id_as_seen_by(role, person, input.get(s.key).unwrap_or(""));
                    display_value(s.key, &id)
                } else {
                    value(s.key)
                };
                (s.short_label, v)
            })
            .collect()
    };
    let can_edit = user.account.role == Role::Clerk && row.status.is_editable();
    let can_review = user.account.role == Role::ProvinceAdmin && row.status.awaits_review();
    let open_amendment = amendments
        .iter()
        .any(|a| a.status == amendment::State::Submitted.as_str());
    let can_amend =
        user.account.role == Role::Clerk && row.status == Status::Registered && !open_amendment;
    let amendments = amendments
        .into_iter()
        .map(|a| AmendmentLine {
            id: a.id,
            kind: amendment::Kind::parse(&a.kind).map_or("—", amendment::Kind::label),
            state: amendment::State::parse(&a.status).map_or("—", amendment::State::label),
            filed: format_cst(a.filed_at),
            fields: crate::amendment::changes_of(&a)
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join("、"),
            filed_by: a.filed_by_name,
            reason: a.reason,
        })
        .collect();
    let step = row.status.awaits_review().then(|| {
        let today = dates::today_cst(chrono::Utc::now());
        let rule = review_rule::in_force(&rules, today);
        let step = Step::of(row.first_approved_by);
        StepView {
            label: step.label(),
            first_approver: first_approver.clone(),
            mine: row.first_approved_by == Some(user.account.id),
            two_step: step == Step::First
                && rule.needs_second_review(Money::from_fen(row.technical_fen.unwrap_or(0))),
            threshold_wan: rule.second_review_from.wan_yuan(0),
            due: row
                .review_due_on
                .map(dates::format_date)
                .unwrap_or_default(),
            overdue: row.review_due_on.is_some_and(|d| d < today),
        }
    });
    let page = ShowPage {
        ctx,
        status_label: row.status.label(),
        category_label: category::leaf(&row.category_code)
            .map(|l| l.full_label())
            .unwrap_or_else(|| "—".into()),
        office: match office {
            Some(o) => format!("{}（{}）", o.name, o.code),
            None => row.office_code.clone(),
        },
        number: row.registration_number.as_deref().map(grouped_text),
        fields: [Section::Basics, Section::Amounts]
            .into_iter()
            .flat_map(general)
            .collect(),
        seller: party(Section::Seller),
        buyer: party(Section::Buyer),
        attachments: attachments.into_iter().map(AttachmentView::of).collect(),
        problems,
        warnings,
        can_edit,
        has_certificate: row.status.certificate_line(false).is_some()
            && row.registration_number.is_some(),
        submitted: row.submitted_at.map(format_cst).unwrap_or_default(),
        reviews: reviews.into_iter().map(ReviewView::of).collect(),
        can_review,
        step,
        amendments,
        can_amend,
        panel,
        refusal_reasons: refusal::ALL,
        row,
    };
    render(&page, http_status)
}

/// A stored value as a person reads it: codes with their labels, amounts grouped with 万元.
pub(crate) fn display_value(field: &str, value: &str) -> String {
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

/// A decision of the review history, as the contract page shows it.
/// One application for a change or cancellation, as the contract page lists it.
pub struct AmendmentLine {
    pub id: i64,
    pub kind: &'static str,
    pub state: &'static str,
    pub filed: String,
    pub filed_by: String,
    pub reason: String,
    /// The changed fields' labels, 、-separated.
    pub fields: String,
}

/// A waiting contract's review step, as the contract page shows it.
pub struct StepView {
    /// 初审 or 复审.
    pub label: &'static str,
    /// Who gave the first approval (at 复审).
    pub first_approver: Option<String>,
    /// The viewer gave that first approval: the final one must come from someone else.
    pub mine: bool,
    /// At 初审: an approval only passes the first step (the amount reaches the threshold).
    pub two_step: bool,
    /// The threshold in force today, in 万元.
    pub threshold_wan: String,
    pub due: String,
    pub overdue: bool,
}

pub struct ReviewView {
    pub at: String,
    pub reviewer: String,
    pub decision: &'static str,
    /// `approve`, `return` or `refuse` (the tag's colour).
    pub kind: String,
    pub ground: &'static str,
    pub reason: String,
    pub registration_number: Option<String>,
}

impl ReviewView {
    pub fn of(r: crate::db::reviews::ReviewRow) -> ReviewView {
        ReviewView {
            at: format_cst(r.decided_at),
            decision: match Decision::parse(&r.decision) {
                Some(Decision::Approve) if r.stage == crate::review::STAGE_FIRST => "初审通过",
                Some(d) => d.label(),
                None => "—",
            },
            ground: crate::catalog::refusal::get(&r.refusal_code)
                .map(|g| g.label)
                .unwrap_or(""),
            kind: r.decision,
            reviewer: r.reviewer,
            reason: r.reason,
            registration_number: r.registration_number.as_deref().map(grouped_text),
        }
    }
}
