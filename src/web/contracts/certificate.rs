//! The registration certificate (登记证明) of a registered contract as a printable page
//! (`domain.md` §1.6): what the parties take away, for the contract's office, its authority and
//! the ministry.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::scoped_contract;
use crate::catalog::list::CodeList;
use crate::catalog::{category, country, nature, region};
use crate::db;
use crate::domain::dates;
use crate::domain::money::Money;
use crate::domain::regnum::grouped_text;
use crate::domain::status::{Decision, Status};
use crate::domain::verification::VerificationCode;
use crate::filing;
use crate::web::page::{CurrentUser, render};
use crate::web::{AppError, AppState, with_conn};

/// One party as the certificate names it.
struct PartyLine {
    name: String,
    /// The USCC, or a person's ID number masked.
    id: String,
    region: String,
}

/// One amount in 元, with its capitals.
struct AmountLine {
    yuan: String,
    capitals: String,
}

#[derive(Template)]
#[template(path = "contracts/certificate.html")]
struct CertificatePage {
    contract_id: i64,
    number: String,
    project_name: String,
    category: String,
    seller: PartyLine,
    buyer: PartyLine,
    signed_on: String,
    validity: String,
    total: AmountLine,
    technical: AmountLine,
    office: String,
    clerk: String,
    /// Each approver's name, 、-separated; — for a contract registered before the system.
    approvers: String,
    registered_on: String,
    status_line: &'static str,
    /// Printed grouped; checked at `verify_url`.
    verification_code: String,
    verify_url: String,
}

/// `GET /contracts/{id}/certificate`: the certificate of a registered contract; any other
/// contract has none (404), as a contract outside the viewer's scope.
pub async fn certificate(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let row = scoped_contract(&state, &user.account, id.into_inner()).await?;
    let (Status::Registered, Some(number), Some(registered_on)) = (
        row.status,
        row.registration_number.clone(),
        row.registered_on,
    ) else {
        return Err(AppError::NotFound);
    };
    let (contract_id, office_code, created_by) = (row.id, row.office_code.clone(), row.created_by);
    let now = chrono::Utc::now().naive_utc();
    let (office, clerk, approvers, code) = with_conn(&state, move |c| {
        let clerk = match created_by {
            Some(uid) => db::users::find(c, uid)?.map(|a| a.display_name),
            None => None,
        };
        // Each approval of the round that registered the contract (a second review adds a
        // second), by the approver's name; a return ended any earlier round.
        let mut approvers = Vec::new();
        for review in db::reviews::for_contract(c, contract_id)? {
            if review.decision != Decision::Approve.as_str() {
                approvers.clear();
                continue;
            }
            let account = match review.reviewer_id {
                Some(uid) => db::users::find(c, uid)?,
                None => None,
            };
            approvers.push(account.map_or(review.reviewer, |a| a.display_name));
        }
        let code = db::certificates::issue(c, contract_id, now)?;
        Ok((db::offices::find(c, &office_code)?, clerk, approvers, code))
    })
    .await?;
    let input = row.input();
    let party = |side: &str| {
        let get = |f: &str| input.get(&format!("{side}_{f}")).unwrap_or_default().trim();
        let is_person = get("nature_code") == nature::NATURAL_PERSON;
        let id = if is_person {
            filing::mask_id(get("uscc"))
        } else {
            get("uscc").to_owned()
        };
        let country_code = get("country_code");
        let region = if country_code == country::CHINA {
            region::full_name(get("admin_code")).unwrap_or_else(|| get("admin_code").to_owned())
        } else {
            CodeList::Country
                .label(country_code)
                .unwrap_or_else(|| country_code.to_owned())
        };
        PartyLine {
            name: get("name").to_owned(),
            id: if id.is_empty() { "—".into() } else { id },
            region,
        }
    };
    let amount = |fen: Option<i64>| {
        let money = Money::from_fen(fen.unwrap_or(0));
        AmountLine {
            yuan: money.yuan_grouped(),
            capitals: money.capitals(),
        }
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(dates::format_date).unwrap_or_default();
    let page = CertificatePage {
        contract_id,
        number: grouped_text(&number),
        project_name: row.project_name.clone(),
        category: category::leaf(&row.category_code)
            .map(|l| l.full_label())
            .unwrap_or_else(|| row.category_code.clone()),
        seller: party("seller"),
        buyer: party("buyer"),
        signed_on: date(row.signed_on),
        validity: format!("{} 至 {}", date(row.valid_from), date(row.valid_to)),
        total: amount(row.total_fen),
        technical: amount(row.technical_fen),
        office: office.map_or_else(|| row.office_code.clone(), |o| o.name),
        clerk: clerk.unwrap_or_else(|| "—".into()),
        approvers: if approvers.is_empty() {
            "—".to_owned()
        } else {
            approvers.join("、")
        },
        registered_on: dates::format_date(registered_on),
        status_line: row.status.certificate_line().unwrap_or_default(),
        verification_code: VerificationCode::parse(&code)
            .map(|c| c.to_string())
            .unwrap_or(code),
        verify_url: {
            let info = req.connection_info();
            format!("{}://{}/verify", info.scheme(), info.host())
        },
    };
    render(&page, StatusCode::OK)
}
