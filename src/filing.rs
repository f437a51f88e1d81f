//! The clerk's side of a contract's life: save a draft, edit it, submit it for review, and
//! resubmit a returned one. Every write is one transaction with its audit entry; concurrent
//! edits are detected by the version column, never silently overwritten.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::audit::{Actor, Entry};
use crate::db::contracts::{ContractRow, ContractWrite};
use crate::db::parties::{PartyDetails, PartyRow};
use crate::db::users::Account;
use crate::db::{self, DbConn};
use crate::domain::attachment::{AttachmentKind, Upload};
use crate::domain::contract::{Contract, ContractInput, Party, PartyId};
use crate::domain::field_errors::FieldErrors;
use crate::domain::office_code::OfficeCode;
use crate::domain::role::Role;
use crate::domain::rules::{self, Checked, RuleContext, Warning};
use crate::domain::status::Status;
use crate::domain::{dates, money::Money, text};
use crate::review;

#[derive(Debug, thiserror::Error)]
pub enum FilingError {
    #[error("填写有误")]
    Invalid {
        errors: FieldErrors,
        warnings: Vec<Warning>,
    },
    /// Someone saved the contract since it was opened.
    #[error("合同已被他人修改")]
    Stale { current: Box<ContractRow> },
    #[error("合同不存在")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What the clerk sends: the fields, the confirmed checklist and new attachments.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    pub input: ContractInput,
    pub checklist_confirmed: bool,
    pub uploads: Vec<Upload>,
}

/// The contract being edited and the version it was read at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Existing {
    pub id: i64,
    pub version: i32,
}

/// A clerk's office, as the rules need it.
pub(crate) fn office_of(clerk: &Account) -> Result<(OfficeCode, String), FilingError> {
    if clerk.role != Role::Clerk {
        return Err(FilingError::Forbidden("只有登记员可以登记合同"));
    }
    let office = clerk
        .office_code
        .as_deref()
        .and_then(|c| OfficeCode::parse(c).ok());
    match (office, clerk.authority_code.clone()) {
        (Some(o), Some(a)) => Ok((o, a)),
        _ => Err(FilingError::Forbidden("账号未绑定登记机构")),
    }
}

/// The contract `id` of the clerk's office, if it may still be edited.
fn editable(conn: &mut DbConn, clerk: &Account, id: i64) -> Result<ContractRow, FilingError> {
    let row =
        db::contracts::find_in_scope(conn, &clerk.scope(), id)?.ok_or(FilingError::NotFound)?;
    if !row.status.is_editable() {
        return Err(FilingError::Forbidden(
            "已提交、已登记或不予登记的合同不能修改",
        ));
    }
    Ok(row)
}

/// Saves what was typed as a draft, valid or not. Returns the contract id.
pub fn save_draft(
    conn: &mut DbConn,
    actor: &Actor,
    clerk: &Account,
    existing: Option<Existing>,
    s: &Submission,
    now: NaiveDateTime,
) -> Result<i64, FilingError> {
    let (office, authority) = office_of(clerk)?;
    // A draft keeps what was typed, valid or not, but never text that hides what it says
    // (control and invisible format characters) nor more than a field's limit.
    let errors = rules::check_text(&s.input);
    if !errors.is_empty() {
        return Err(FilingError::Invalid {
            errors,
            warnings: Vec::new(),
        });
    }
    let json = serde_json::to_string(&s.input)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    db::write_transaction(conn, |c| {
        let (version, keep_status) = match existing {
            Some(e) => {
                let row = editable(c, clerk, e.id)?;
                (e.version, row.status)
            }
            None => (0, Status::Draft),
        };
        let mut write = draft_write(
            &s.input,
            office.as_str(),
            &authority,
            keep_status,
            version + 1,
            now,
        );
        write.draft_input = Some(json.clone());
        write.checklist_confirmed = s.checklist_confirmed;
        let id = store(c, existing, &write, clerk.id, now)?;
        add_uploads(c, id, &s.uploads, clerk.id, now)?;
        db::audit::record(
            c,
            actor,
            Entry {
                action: "contract.save",
                object_type: "contract",
                object_id: id.to_string(),
                authority_code: Some(authority.clone()),
                summary: format!("保存草稿“{}”", s.input.project_name.trim()),
            },
            now,
        )?;
        Ok(id)
    })
}

/// Checks every rule and submits the contract for review. Returns the id and the warnings.
pub fn submit(
    conn: &mut DbConn,
    actor: &Actor,
    clerk: &Account,
    existing: Option<Existing>,
    s: &Submission,
    now: NaiveDateTime,
) -> Result<(i64, Vec<Warning>), FilingError> {
    let (office, authority) = office_of(clerk)?;
    let today = dates::today_cst(now.and_utc());
    let ctx = RuleContext::filing(office.clone(), today);
    // The rules are pure: run before the write transaction, so the write lock covers only
    // what needs the database.
    let checked = rules::check(&s.input, &ctx);
    db::write_transaction(conn, |c| {
        let previous = match existing {
            Some(e) => Some(editable(c, clerk, e.id)?),
            None => None,
        };
        let has_text = s
            .uploads
            .iter()
            .any(|u| u.kind == AttachmentKind::ContractText)
            || match &previous {
                Some(p) => db::attachments::list_for(c, p.id)?
                    .iter()
                    .any(|a| a.kind == AttachmentKind::ContractText.as_str()),
                None => false,
            };
        let (mut errors, warnings, contract) =
            problems_of(checked, s.checklist_confirmed, has_text);
        if let Some(contract) = &contract
            && let Some(other) =
                db::contracts::duplicate_of(c, &contract.duplicate_key(), existing.map(|e| e.id))?
        {
            errors.add(
                "project_name",
                format!("重复登记：与合同 #{other} 的卖方、买方、签订日期和项目名称相同"),
            );
        }
        let contract = match contract {
            Some(contract) if errors.is_empty() => contract,
            _ => {
                return Err(FilingError::Invalid {
                    errors,
                    warnings: warnings.clone(),
                });
            }
        };
        let seller_id = remember_party(c, actor, &contract.seller, &authority, now)?;
        let buyer_id = remember_party(c, actor, &contract.buyer, &authority, now)?;
        let version = existing.map(|e| e.version).unwrap_or(0) + 1;
        let mut write = filed_write(
            &contract,
            office.as_str(),
            &authority,
            Status::Submitted,
            version,
            now,
        );
        write.seller_party_id = Some(seller_id);
        write.buyer_party_id = Some(buyer_id);
        write.checklist_confirmed = true;
        write.submitted_at = Some(now);
        // The review clock starts again with each submission (domain.md §1.4).
        let rules = db::review_rules::of_authority(c, &authority)?;
        write.review_due_on = Some(review::due_on(&rules, &write, now));
        let id = store(c, existing, &write, clerk.id, now)?;
        add_uploads(c, id, &s.uploads, clerk.id, now)?;
        let resubmitted = previous
            .as_ref()
            .is_some_and(|p| p.status == Status::Returned);
        db::audit::record(
            c,
            actor,
            Entry {
                action: if resubmitted {
                    "contract.resubmit"
                } else {
                    "contract.submit"
                },
                object_type: "contract",
                object_id: id.to_string(),
                authority_code: Some(authority.clone()),
                summary: format!(
                    "提交审核“{}”，{}，成交额 {} 元",
                    contract.project_name,
                    crate::catalog::category::leaf(&contract.category_code)
                        .map(|l| l.full_label())
                        .unwrap_or_default(),
                    contract.total.yuan_grouped()
                ),
            },
            now,
        )?;
        Ok((id, warnings.clone()))
    })
}

/// What submitting would find, short of the duplicate guard (which needs the database): the
/// rules' errors and warnings, the unconfirmed checklist and a missing contract text; and the
/// contract when the rules accept it. The contract page lists the same for a draft, so a draft
/// that shows nothing missing submits.
pub fn submission_problems(
    input: &ContractInput,
    ctx: &RuleContext,
    checklist_confirmed: bool,
    has_contract_text: bool,
) -> (FieldErrors, Vec<Warning>, Option<Contract>) {
    problems_of(
        rules::check(input, ctx),
        checklist_confirmed,
        has_contract_text,
    )
}

/// [`submission_problems`] from the rules' verdict.
fn problems_of(
    checked: Result<Checked, (FieldErrors, Vec<Warning>)>,
    checklist_confirmed: bool,
    has_contract_text: bool,
) -> (FieldErrors, Vec<Warning>, Option<Contract>) {
    let (mut errors, warnings, contract) = match checked {
        Ok(c) => (FieldErrors::new(), c.warnings, Some(c.contract)),
        Err((e, w)) => (e, w, None),
    };
    if !checklist_confirmed {
        errors.add("checklist_confirmed", "请逐项核对认定要点后勾选确认");
    }
    if !has_contract_text {
        errors.add("attachments", "请上传合同文本（PDF、JPEG 或 PNG）");
    }
    (errors, warnings, contract)
}

/// Submits a saved draft or a returned contract as it stands (the button on its page).
pub fn submit_saved(
    conn: &mut DbConn,
    actor: &Actor,
    clerk: &Account,
    existing: Existing,
    now: NaiveDateTime,
) -> Result<(i64, Vec<Warning>), FilingError> {
    let row = editable(conn, clerk, existing.id)?;
    let submission = Submission {
        input: row.input(),
        checklist_confirmed: row.checklist_confirmed,
        uploads: Vec::new(),
    };
    submit(conn, actor, clerk, Some(existing), &submission, now)
}

/// Inserts, or updates at the version it was read at.
fn store(
    c: &mut DbConn,
    existing: Option<Existing>,
    write: &ContractWrite,
    clerk_id: i64,
    now: NaiveDateTime,
) -> Result<i64, FilingError> {
    match existing {
        None => Ok(db::contracts::insert(c, write, Some(clerk_id), now)?),
        Some(e) => {
            if db::contracts::update_if_version(c, e.id, e.version, write)? {
                Ok(e.id)
            } else {
                let current = db::contracts::find(c, e.id)?.ok_or(FilingError::NotFound)?;
                Err(FilingError::Stale {
                    current: Box::new(current),
                })
            }
        }
    }
}

/// Stores files among the contract's attachments; returns their ids.
pub(crate) fn add_uploads(
    c: &mut DbConn,
    contract_id: i64,
    uploads: &[Upload],
    by: i64,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(uploads.len());
    for u in uploads {
        let sha: String = Sha256::digest(&u.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        ids.push(db::attachments::insert(
            c,
            &db::attachments::NewAttachment {
                contract_id,
                kind: u.kind.as_str(),
                filename: &u.filename,
                content_type: u.file_type.mime(),
                size_bytes: u.bytes.len() as i64,
                sha256: &sha,
                data: &u.bytes,
                uploaded_at: now,
                uploaded_by: Some(by),
            },
        )?);
    }
    Ok(ids)
}

/// Keeps the party in the directory (new, or its details updated with who and when) and
/// returns its id. The contract keeps its own copy, so directory edits never change it.
pub(crate) fn remember_party(
    c: &mut DbConn,
    actor: &Actor,
    party: &Party,
    authority: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<i64> {
    let key = party.directory_key();
    let details = party_details(party);
    match db::parties::find_by_key(c, &key)? {
        None => db::parties::insert(
            c,
            &key,
            party_kind(party),
            &details,
            authority,
            &actor.name,
            now,
        ),
        Some(existing) => {
            let before = &existing.details;
            if *before != details {
                db::parties::update(c, existing.id, &details, &actor.name, now)?;
                db::audit::record(
                    c,
                    actor,
                    Entry {
                        action: "party.update",
                        object_type: "party",
                        object_id: masked_key(&key),
                        authority_code: Some(authority.to_owned()),
                        summary: party_change_summary(before, &details),
                    },
                    now,
                )?;
            }
            Ok(existing.id)
        }
    }
}

/// The directory details a filing records for a party.
pub(crate) fn party_details(party: &Party) -> PartyDetails {
    PartyDetails {
        name: party.name.clone(),
        name_norm: text::normalise_name(&party.name),
        country_code: party.country_code.clone(),
        admin_code: party
            .admin_code
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default(),
        id_code: party.id_str().unwrap_or_default().to_owned(),
        nature_code: party.nature_code.clone(),
        address: party.address.clone(),
        zipcode: party.zipcode.clone(),
        representative: party.representative.clone(),
        contact: party.contact.clone(),
        phone: party.phone.clone(),
    }
}

/// The directory kind of a party: organisation (USCC), person (ID number) or foreign.
pub(crate) fn party_kind(party: &Party) -> &'static str {
    match party.id {
        PartyId::Uscc(_) => "organisation",
        PartyId::IdNumber(_) => "person",
        PartyId::None => "foreign",
    }
}

/// ID numbers never appear in the audit log in full.
fn masked_key(key: &str) -> String {
    match key.strip_prefix("id:") {
        Some(id) => format!("id:{}", mask_id(id)),
        None => key.to_owned(),
    }
}

/// Most directory entries one lookup returns.
pub const MAX_PARTY_MATCHES: usize = 20;

/// Directory entries of `authority` for a typed USCC, ID number or name. Natural persons are
/// found only by their full ID number, so the lookup never discloses a person's ID.
pub fn find_parties(
    conn: &mut DbConn,
    authority: &str,
    typed: &str,
) -> diesel::QueryResult<Vec<PartyRow>> {
    let q = text::compact(typed).to_uppercase();
    if q.chars().count() < 2 {
        return Ok(Vec::new());
    }
    let name = text::normalise_name(&q);
    let rows = db::parties::search(conn, authority, &name, MAX_PARTY_MATCHES as i64)?;
    Ok(rows
        .into_iter()
        .filter(|p| p.kind != "person" || p.id_code == q)
        .collect())
}

/// A party's identifier as a viewer with `role` sees it: a natural person's ID number in
/// full only to the office and the province that handle the contract (个人信息保护法);
/// national staff see it masked.
pub fn id_as_seen_by(role: Role, is_person: bool, id: &str) -> String {
    if is_person && role == Role::Ministry {
        mask_id(id)
    } else {
        id.to_owned()
    }
}

/// `1101**********1234`: the first and last four characters of an ID number.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

fn party_change_summary(before: &PartyDetails, after: &PartyDetails) -> String {
    let pairs = [
        ("名称", &before.name, &after.name),
        ("行政区划", &before.admin_code, &after.admin_code),
        ("性质", &before.nature_code, &after.nature_code),
        ("地址", &before.address, &after.address),
        ("邮编", &before.zipcode, &after.zipcode),
        ("法定代表人", &before.representative, &after.representative),
        ("联系人", &before.contact, &after.contact),
        ("电话", &before.phone, &after.phone),
    ];
    let changes: Vec<String> = pairs
        .iter()
        .filter(|(_, b, a)| b != a)
        .map(|(l, b, a)| format!("{l}：{b} → {a}"))
        .collect();
    format!("更新名录：{}", changes.join("；"))
}

/// The columns of a filed contract.
pub(crate) fn filed_write(
    k: &Contract,
    office: &str,
    authority: &str,
    status: Status,
    version: i32,
    now: NaiveDateTime,
) -> ContractWrite {
    let input = k.to_input();
    let mut w = draft_write(&input, office, authority, status, version, now);
    w.draft_input = None;
    w.signed_on = Some(k.signed_on);
    w.valid_from = Some(k.valid_from);
    w.valid_to = Some(k.valid_to);
    w.total_fen = Some(k.total.fen());
    w.technical_fen = Some(k.technical.fen());
    w.expected_investment_fen = k.expected_investment.map(Money::fen);
    w.expected_output_fen = k.expected_output.map(Money::fen);
    w.is_related = k.is_related;
    w.duplicate_key = Some(k.duplicate_key());
    w
}

/// The columns of a draft: the text as typed, and whatever already parses for the list.
fn draft_write(
    i: &ContractInput,
    office: &str,
    authority: &str,
    status: Status,
    version: i32,
    now: NaiveDateTime,
) -> ContractWrite {
    let money = |s: &str| Money::parse_yuan(s).ok().map(Money::fen).filter(|f| *f > 0);
    let date = |s: &str| dates::parse_date_unbounded(s).ok();
    let t = |s: &str| text::normalise(s);
    ContractWrite {
        office_code: office.to_owned(),
        authority_code: authority.to_owned(),
        status,
        version,
        registration_number: None,
        registered_on: None,
        review_note: None,
        draft_input: None,
        checklist_confirmed: false,
        project_name: t(&i.project_name),
        project_name_norm: text::normalise_name(&i.project_name),
        signed_on: date(&i.signed_on),
        valid_from: date(&i.valid_from),
        valid_to: date(&i.valid_to),
        category_code: t(&i.category_code),
        ip_code: t(&i.ip_code),
        tech_field_code: t(&i.tech_field_code),
        objective_code: t(&i.objective_code),
        plan_code: t(&i.plan_code),
        plan_name: t(&i.plan_name),
        payment_code: t(&i.payment_code),
        non_technical_note: t(&i.non_technical_note),
        third_party_name: t(&i.third_party_name),
        is_related: i.is_related.trim() == "1",
        total_fen: money(&i.total_amount_yuan),
        technical_fen: Money::parse_yuan(&i.technical_amount_yuan)
            .ok()
            .map(Money::fen),
        expected_investment_fen: Money::parse_yuan(&i.expected_investment_yuan)
            .ok()
            .map(Money::fen),
        expected_output_fen: Money::parse_yuan(&i.expected_output_yuan)
            .ok()
            .map(Money::fen),
        seller_uscc_override: t(&i.seller_uscc_override),
        buyer_uscc_override: t(&i.buyer_uscc_override),
        seller_party_id: None,
        buyer_party_id: None,
        seller_name: t(&i.seller_name),
        seller_country_code: t(&i.seller_country_code),
        seller_admin_code: t(&i.seller_admin_code),
        seller_uscc: t(&i.seller_uscc).to_uppercase(),
        seller_nature_code: t(&i.seller_nature_code),
        seller_address: t(&i.seller_address),
        seller_zipcode: t(&i.seller_zipcode),
        seller_representative: t(&i.seller_representative),
        seller_contact: t(&i.seller_contact),
        seller_phone: t(&i.seller_phone),
        seller_name_norm: text::normalise_name(&i.seller_name),
        buyer_name: t(&i.buyer_name),
        buyer_country_code: t(&i.buyer_country_code),
        buyer_admin_code: t(&i.buyer_admin_code),
        buyer_uscc: t(&i.buyer_uscc).to_uppercase(),
        buyer_nature_code: t(&i.buyer_nature_code),
        buyer_address: t(&i.buyer_address),
        buyer_zipcode: t(&i.buyer_zipcode),
        buyer_representative: t(&i.buyer_representative),
        buyer_contact: t(&i.buyer_contact),
        buyer_phone: t(&i.buyer_phone),
        buyer_name_norm: text::normalise_name(&i.buyer_name),
        duplicate_key: None,
        updated_at: now,
        submitted_at: None,
        review_due_on: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_masked_to_four_and_four() {
        assert_eq!(mask_id("11010519491231002X"), "1101**********002X");
        assert_eq!(masked_key("id:11010519491231002X"), "id:1101**********002X");
        assert_eq!(
            masked_key("uscc:911101081000112339"),
            "uscc:911101081000112339"
        );
        assert_eq!(mask_id("1234"), "****");
        let id = "11010519491231002X";
        assert_eq!(
            id_as_seen_by(Role::Ministry, true, id),
            "1101**********002X"
        );
        assert_eq!(id_as_seen_by(Role::ProvinceAdmin, true, id), id);
        assert_eq!(id_as_seen_by(Role::Clerk, true, id), id);
        assert_eq!(
            id_as_seen_by(Role::Ministry, false, "91350100M000100Y43"),
            "91350100M000100Y43"
        );
    }
}
