//! Authentication: password hashing and policy, session tokens, sign-in with throttling, and
//! server-side session checks. No HTTP here: `web` calls these inside blocking tasks.

pub mod login;
pub mod password;
pub mod session;
pub mod token;
