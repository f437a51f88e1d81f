//! argon2id password hashes (OWASP parameters) and the password policy.

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("argon2 parameters are valid constants");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("密码哈希计算失败：{0}")]
pub struct HashError(String);

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) with a fresh salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Checks a password against a stored PHC string; the parameters come from the string.
pub fn verify(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A hash of a random password, verified against when the account does not exist so that
/// unknown and known usernames take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut seed = [0u8; 16];
    let _ = getrandom::fill(&mut seed);
    let random: String = seed.iter().map(|b| format!("{b:02x}")).collect();
    hash(&random).unwrap_or_default()
});

/// Spends the same work as [`verify`] and always fails.
pub fn verify_dummy(password: &str) -> bool {
    let _ = verify(password, &DUMMY_HASH);
    false
}

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Why a new password is refused (its message is the zh sentence the form shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("密码至少 {MIN_LENGTH} 个字符")]
    TooShort,
    #[error("密码不能超过 {MAX_LENGTH} 个字符")]
    TooLong,
    #[error("密码过于常见或简单，请换一个不易猜到的密码")]
    Guessable,
    #[error("密码不能包含用户名")]
    ContainsUsername,
}

/// Checks a new password against the policy.
pub fn check_policy(password: &str, username: &str) -> Result<(), PolicyError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PolicyError::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PolicyError::TooLong);
    }
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) || is_trivial(&lower) {
        return Err(PolicyError::Guessable);
    }
    let user = username.trim().to_lowercase();
    if !user.is_empty() && lower.contains(&user) {
        return Err(PolicyError::ContainsUsername);
    }
    Ok(())
}

/// One repeated character, or a run of consecutive characters (`12345678`, `abcdefgh`, `87654321`).
fn is_trivial(p: &str) -> bool {
    let chars: Vec<char> = p.chars().collect();
    let first = chars[0];
    if chars.iter().all(|&c| c == first) {
        return true;
    }
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| w[1] as i64 - w[0] as i64)
        .collect();
    steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterz", &h));
        assert!(!verify("x", "not a hash"));
        assert!(!verify_dummy("anything"));
    }

    #[test]
    fn policy_rejects_short_common_trivial_and_username_passwords() {
        assert!(check_policy("short1!", "u").is_err());
        assert!(check_policy("password", "u").is_err());
        assert!(check_policy("PASSWORD", "u").is_err());
        assert!(check_policy("woaini1314", "u").is_err());
        assert!(check_policy("12345678", "u").is_err());
        assert!(check_policy("87654321", "u").is_err());
        assert!(check_policy("aaaaaaaaaa", "u").is_err());
        assert!(check_policy("zhangsan-2026x", "ZhangSan").is_err());
        assert!(check_policy(&"长".repeat(129), "u").is_err());
        assert!(check_policy("登记-Rain-47-桥", "zhangsan").is_ok());
        assert!(check_policy("tX9#kq2Lm", "zhangsan").is_ok());
    }

    #[test]
    fn the_bundled_list_is_loaded() {
        assert!(COMMON.len() > 200, "{}", COMMON.len());
        assert!(COMMON.iter().all(|p| *p == p.to_lowercase()));
    }
}
