//! The registration certificate (登记证明) of a registered contract as a printable page and as
//! a PDF (`domain.md` §1.6): what the parties take away, for the contract's office, its
//! authority and the ministry. What it states is `crate::certificate`'s.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::scoped_contract;
use crate::certificate::{CONCLUSION, Certificate, Issued, PARTY_LINES, Row, TITLE};
use crate::db;
use crate::domain::status::Decision;
use crate::export::certificate_pdf;
use crate::web::page::{CurrentUser, render};
use crate::web::{AppError, AppState, with_conn};

#[derive(Template)]
#[template(path = "contracts/certificate.html")]
struct CertificatePage {
    cert: Certificate,
}

/// `GET /contracts/{id}/certificate`: the certificate of a registered contract; any other
/// contract has none (404), as a contract outside the viewer's scope.
pub async fn certificate(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let cert = load(&req, &state, &user, id.into_inner()).await?;
    render(&CertificatePage { cert }, StatusCode::OK)
}

/// `GET /contracts/{id}/certificate.pdf`: the same certificate as one A4 page of PDF.
pub async fn certificate_pdf(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let cert = load(&req, &state, &user, id.into_inner()).await?;
    let file_name = format!("certificate-{}.pdf", cert.number.replace(' ', ""));
    let pdf = web::block(move || certificate_pdf::write(&cert)).await??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(pdf))
}

/// The certificate of contract `id` as the viewer may see it, with its verification code
/// (given now if this is its first printing).
async fn load(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<Certificate, AppError> {
    let row = scoped_contract(state, &user.account, id).await?;
    if row.status.certificate_line(false).is_none() || row.registration_number.is_none() {
        return Err(AppError::NotFound);
    }
    let (contract_id, office_code, created_by) = (row.id, row.office_code.clone(), row.created_by);
    let now = db::now();
    let verify_url = {
        let info = req.connection_info();
        format!("{}://{}/verify", info.scheme(), info.host())
    };
    let issued = with_conn(state, move |c| {
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
        Ok(Issued {
            office_name: db::offices::find(c, &office_code)?.map(|o| o.name),
            clerk,
            approvers,
            verification_code: db::certificates::issue(c, contract_id, now)?,
            verify_url,
        })
    })
    .await?;
    Certificate::of(&row, issued).ok_or(AppError::NotFound)
}
