//! Runtime settings of the web server, built from command-line flags and environment variables
//! by `cli`; passed around explicitly (no globals).

use std::net::IpAddr;

use crate::auth::login::ThrottlePolicy;
use crate::auth::session::SessionPolicy;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Served over HTTPS (directly or behind a TLS proxy): cookies get `Secure`, responses HSTS.
    pub secure_cookies: bool,
    /// Peers whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Vec<IpAddr>,
    pub session: SessionPolicy,
    pub throttle: ThrottlePolicy,
}
