//! What the gate establishes for each request and handlers read: the identity, the client's
//! address and the CSRF token (request extensions), and the cookies the application sets.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};

use crate::auth::session::ActiveSession;

pub const SESSION_COOKIE: &str = "techreg_session";
pub const ANON_CSRF_COOKIE: &str = "techreg_csrf";
pub const NOTICE_COOKIE: &str = "techreg_notice";

/// The signed-in account and its session (absent for anonymous requests).
#[derive(Clone)]
pub struct Identity(pub ActiveSession);

/// The client's address as trusted for audit and throttling.
#[derive(Clone)]
pub struct ClientIp(pub Option<String>);

/// The token every form of this response must carry.
#[derive(Clone)]
pub struct CsrfToken(pub String);

/// Builds a cookie with the flags every cookie of the application carries.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

/// A cookie that deletes `name` in the browser.
pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut c = cookie(name, String::new(), secure);
    c.set_max_age(CookieDuration::ZERO);
    c
}

/// The client's address: the peer's, or — only when the peer is a trusted proxy — the nearest
/// untrusted hop of `X-Forwarded-For`.
pub fn client_ip(req: &HttpRequest, trusted: &[IpAddr]) -> Option<String> {
    let peer = req.peer_addr()?.ip();
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let hops: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return Some(ip.to_string()),
            Err(_) => break,
        }
    }
    Some(peer.to_string())
}

/// The value of the first field named `name`.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[::core::prelude::v1::test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let req = TestRequest::default()
            .peer_addr("10.0.0.5:4000".parse().unwrap())
            .insert_header(("X-Forwarded-For", "203.0.113.9, 10.0.0.5"))
            .to_http_request();
        assert_eq!(client_ip(&req, &[proxy]).as_deref(), Some("203.0.113.9"));
        assert_eq!(client_ip(&req, &[]).as_deref(), Some("10.0.0.5"));
        let spoof = TestRequest::default()
            .peer_addr("198.51.100.7:4000".parse().unwrap())
            .insert_header(("X-Forwarded-For", "1.2.3.4"))
            .to_http_request();
        assert_eq!(client_ip(&spoof, &[proxy]).as_deref(), Some("198.51.100.7"));
    }
}
