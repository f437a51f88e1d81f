//! The HTTP layer: the app factory, the route table with the roles each route allows, and thin
//! handlers that extract, call a service or query inside a blocking task, and render.

pub mod admin;
pub mod amendments;
pub mod audit;
pub mod auth;
pub mod contract_form;
pub mod contracts;
pub mod error;
pub mod form_data;
pub mod gate;
pub mod home;
pub mod imports;
pub mod income;
pub mod institutions;
pub mod lookup;
pub mod page;
pub mod registration_list;
pub mod request;
pub mod review;
pub mod review_rules;
pub mod verify;
pub mod year_close;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::{App, Resource, middleware, web};
use tracing_actix_web::TracingLogger;

use crate::config::Settings;
use crate::db::{DbConn, DbPool};
use crate::domain::role::Role;
pub use error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
}

/// Runs database work on the blocking pool with a pooled connection.
pub async fn with_conn<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allow {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Only these roles.
    Roles(&'static [Role]),
}

impl Allow {
    pub fn permits(self, role: Option<Role>) -> bool {
        match self {
            Allow::Public => true,
            Allow::SignedIn => role.is_some(),
            Allow::Roles(roles) => role.is_some_and(|r| roles.contains(&r)),
        }
    }
}

/// One row of the route table.
#[derive(Debug, Clone, Copy)]
pub struct RouteAccess {
    pub method: &'static str,
    pub path: &'static str,
    pub allow: Allow,
}

const ADMINS: &[Role] = &[Role::Sysadmin, Role::ProvinceAdmin];
const AUDITORS: &[Role] = &[Role::ProvinceAdmin, Role::Ministry];
const MINISTRY: &[Role] = &[Role::Ministry];
const SYSADMINS: &[Role] = &[Role::Sysadmin];
const CLERKS: &[Role] = &[Role::Clerk];
const REVIEWERS: &[Role] = &[Role::ProvinceAdmin];
const CONTRACT_READERS: &[Role] = &[Role::Clerk, Role::ProvinceAdmin, Role::Ministry];
const INSTITUTION_READERS: &[Role] = &[Role::Ministry, Role::ProvinceAdmin];

/// Declares every route once: the table the gate checks and the actix routing are both made
/// from it, so a route cannot exist without declaring who may use it.
macro_rules! routes {
    ($($method:ident $path:literal => $handler:path, $allow:expr;)*) => {
        /// Every route with the roles it allows.
        pub const ROUTES: &[RouteAccess] = &[
            $(RouteAccess { method: stringify!($method), path: $path, allow: $allow },)*
        ];

        fn configure(cfg: &mut web::ServiceConfig) {
            // Routes sharing a path must share one actix resource, or the first would answer 405.
            let mut resources: Vec<(&'static str, Option<Resource>)> = Vec::new();
            $(
                let route = web::method(Method::$method).to($handler);
                match resources.iter_mut().find(|(p, _)| *p == $path) {
                    Some((_, slot)) => *slot = slot.take().map(|r| r.route(route)),
                    None => resources.push(($path, Some(web::resource($path).route(route)))),
                }
            )*
            for (_, resource) in resources {
                if let Some(r) = resource {
                    cfg.service(r);
                }
            }
        }
    };
}

routes! {
    GET "/login" => auth::login_page, Allow::Public;
    POST "/login" => auth::login_submit, Allow::Public;
    POST "/logout" => auth::logout, Allow::SignedIn;
    GET "/" => home::home, Allow::SignedIn;
    GET "/account/password" => auth::password_page, Allow::SignedIn;
    POST "/account/password" => auth::password_submit, Allow::SignedIn;
    GET "/admin/offices" => admin::offices, Allow::Roles(ADMINS);
    GET "/admin/offices/new" => admin::office_new, Allow::Roles(ADMINS);
    POST "/admin/offices" => admin::office_create, Allow::Roles(ADMINS);
    GET "/admin/offices/{code}" => admin::office_edit, Allow::Roles(ADMINS);
    POST "/admin/offices/{code}" => admin::office_update, Allow::Roles(ADMINS);
    GET "/admin/users" => admin::users, Allow::Roles(ADMINS);
    GET "/admin/users/new" => admin::user_new, Allow::Roles(ADMINS);
    POST "/admin/users" => admin::user_create, Allow::Roles(ADMINS);
    GET "/admin/users/{id}" => admin::user_show, Allow::Roles(ADMINS);
    POST "/admin/users/{id}/disable" => admin::user_disable, Allow::Roles(ADMINS);
    POST "/admin/users/{id}/enable" => admin::user_enable, Allow::Roles(ADMINS);
    POST "/admin/users/{id}/password" => admin::user_password, Allow::Roles(ADMINS);
    GET "/admin/review-rules" => review_rules::index, Allow::Roles(SYSADMINS);
    POST "/admin/review-rules" => review_rules::create, Allow::Roles(SYSADMINS);
    GET "/audit" => audit::index, Allow::Roles(AUDITORS);
    // Before any `/stats/{year}` route, so that no year pattern takes this path.
    GET "/stats/institutions" => institutions::search, Allow::Roles(INSTITUTION_READERS);
    GET "/contracts" => contracts::index, Allow::Roles(CONTRACT_READERS);
    GET "/contracts/new" => contracts::new, Allow::Roles(CLERKS);
    // Before `/contracts/{id}`, which would take these paths as an id.
    GET "/contracts/export.csv" => contracts::export_csv, Allow::Roles(CONTRACT_READERS);
    GET "/contracts/export.xlsx" => contracts::export_xlsx, Allow::Roles(CONTRACT_READERS);
    POST "/contracts" => contracts::create, Allow::Roles(CLERKS);
    GET "/contracts/{id}" => contracts::show, Allow::Roles(CONTRACT_READERS);
    GET "/contracts/{id}/edit" => contracts::edit, Allow::Roles(CLERKS);
    POST "/contracts/{id}" => contracts::update, Allow::Roles(CLERKS);
    POST "/contracts/{id}/submit" => contracts::submit, Allow::Roles(CLERKS);
    GET "/contracts/{id}/attachments/{attachment}" => contracts::attachment, Allow::Roles(CONTRACT_READERS);
    GET "/contracts/{id}/certificate" => contracts::certificate, Allow::Roles(CONTRACT_READERS);
    GET "/contracts/{id}/certificate.pdf" => contracts::certificate_pdf, Allow::Roles(CONTRACT_READERS);
    GET "/contracts/{id}/income" => income::index, Allow::Roles(CONTRACT_READERS);
    POST "/contracts/{id}/income" => income::create, Allow::Roles(CLERKS);
    GET "/contracts/{id}/income/sheet" => income::printable, Allow::Roles(CONTRACT_READERS);
    GET "/contracts/{id}/amendments/new" => amendments::new, Allow::Roles(CLERKS);
    POST "/contracts/{id}/amendments" => amendments::create, Allow::Roles(CLERKS);
    GET "/amendments/{id}" => amendments::show, Allow::Roles(CONTRACT_READERS);
    POST "/amendments/{id}/{decision}" => amendments::decide, Allow::Roles(REVIEWERS);
    GET "/registration-list" => registration_list::page, Allow::Roles(CONTRACT_READERS);
    GET "/registration-list.csv" => registration_list::csv, Allow::Roles(CONTRACT_READERS);
    GET "/registration-list.xlsx" => registration_list::xlsx, Allow::Roles(CONTRACT_READERS);
    GET "/review" => review::queue, Allow::Roles(REVIEWERS);
    POST "/review/{id}/{decision}" => review::decide, Allow::Roles(REVIEWERS);
    GET "/codes/{list}" => lookup::codes, Allow::SignedIn;
    GET "/parties/lookup" => lookup::parties, Allow::Roles(CLERKS);
    GET "/imports/contracts" => imports::show, Allow::Roles(&[Role::Clerk, Role::Ministry]);
    POST "/imports/contracts" => imports::upload, Allow::Roles(&[Role::Clerk, Role::Ministry]);
    GET "/imports/contracts/template.xlsx" => imports::template, Allow::Roles(&[Role::Clerk, Role::Ministry]);
    GET "/imports/reports/{id}.txt" => imports::report_text, Allow::Roles(&[Role::Clerk, Role::Ministry]);
    GET "/stats/close" => year_close::years, Allow::Roles(MINISTRY);
    GET "/stats/{year}/close" => year_close::show, Allow::Roles(MINISTRY);
    POST "/stats/{year}/close" => year_close::close, Allow::Roles(MINISTRY);
    POST "/stats/{year}/reopen" => year_close::reopen, Allow::Roles(MINISTRY);
    GET "/verify" => verify::form, Allow::Public;
    GET "/verify/{code}" => verify::show, Allow::Public;
    GET "/healthz" => home::healthz, Allow::Public;
    GET "/readyz" => home::readyz, Allow::Public;
    GET "/static/{file}" => home::static_file, Allow::Public;
}

/// The largest body of a POST from a signed-in account to a form route.
pub const FORM_BODY_LIMIT: usize = 1 << 20;
/// The largest body of a POST to a route that takes files: a contract text and evidence files
/// of up to 10 MB each, or a contracts file of up to 20 MB.
pub const UPLOAD_BODY_LIMIT: usize = 40 << 20;
/// The largest body read without a session: the sign-in form, or a form whose session ended
/// (kept for the sign-in page). Anything larger is refused before it is read.
pub const ANONYMOUS_BODY_LIMIT: usize = 64 << 10;
/// The routes that take files.
const UPLOAD_ROUTES: &[&str] = &[
    "/contracts",
    "/contracts/{id}",
    "/contracts/{id}/income",
    "/imports/contracts",
];

/// Whether route `pattern` takes files (multipart forms).
pub fn takes_files(pattern: &str) -> bool {
    UPLOAD_ROUTES.contains(&pattern)
}

/// The largest body the gate reads for a POST to route `pattern`.
pub fn body_limit(pattern: &str, signed_in: bool) -> usize {
    if !signed_in {
        ANONYMOUS_BODY_LIMIT
    } else if takes_files(pattern) {
        UPLOAD_BODY_LIMIT
    } else {
        FORM_BODY_LIMIT
    }
}

/// The access rule of a matched route pattern and method.
pub fn access_for(method: &Method, pattern: &str) -> Option<Allow> {
    ROUTES
        .iter()
        .find(|r| r.path == pattern && r.method == method.as_str())
        .map(|r| r.allow)
}

/// A place inside the application to send the browser to after sign-in (`next`) or to post a
/// kept form to again (`resume_to`): a path of a route that answers `method`, with an optional
/// query. Only printable ASCII is accepted (the application's own addresses are percent-encoded),
/// so no control character, space or backslash can make a browser read it as another site's
/// address (`/\t/evil.example` is `//evil.example` to a browser), and the value is always a valid
/// `Location` header. Anything else is `None`: the caller goes home.
pub fn local_target(target: &str, method: &Method) -> Option<String> {
    let bytes = target.as_bytes();
    let printable = |b: &u8| (0x21..=0x7e).contains(b) && *b != b'\\';
    if bytes.first() != Some(&b'/') || !bytes.iter().all(printable) {
        return None;
    }
    if bytes.get(1).is_some_and(|b| *b == b'/') {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let routed = ROUTES.iter().any(|r| {
        r.method == method.as_str()
            && r.allow != Allow::Public
            && actix_web::dev::ResourceDef::new(r.path).is_match(path)
    });
    routed.then(|| target.to_owned())
}

/// Builds the application; `serve` and the tests use the same factory.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let secure = state.settings.secure_cookies;
    App::new()
        .app_data(web::Data::new(state))
        // The gate has already bounded every POST body (`body_limit`); these are the same limits.
        .app_data(web::FormConfig::default().limit(FORM_BODY_LIMIT))
        .app_data(web::PayloadConfig::new(UPLOAD_BODY_LIMIT))
        .configure(configure)
        .default_service(web::to(home::not_found))
        .wrap(middleware::from_fn(gate::gate))
        .wrap(middleware::ErrorHandlers::new().default_handler(error::plain_errors_as_pages))
        .wrap(security_headers(secure))
        .wrap(middleware::Compress::default())
        .wrap(TracingLogger::<gate::RequestSpan>::new())
}

fn security_headers(secure: bool) -> middleware::DefaultHeaders {
    let headers = middleware::DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"));
    if secure {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}
