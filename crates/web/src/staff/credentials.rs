//! Passwords (Argon2id) and second factors (TOTP, RFC 6238, with one-use recovery codes).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use bluedot_store::accounts::{random_token, token_hash};
use std::sync::LazyLock;
use totp_rs::{Algorithm, Secret, TOTP};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const RECOVERY_CODES: usize = 8;

/// Argon2id with the crate's defaults (19 MiB, 2 passes), as OWASP recommends.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 hashing of an in-memory password does not fail")
        .to_string()
}

/// Checks a password; with no stored hash it still does the work of one check, so timing
/// does not tell whether an account exists.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash_password("no account has this password"));
    let hash = stored.unwrap_or(DUMMY.as_str());
    let ok = PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    ok && stored.is_some()
}

/// What is wrong with a new password, as a message id, or `None` if it will do.
pub fn password_problem(password: &str, again: &str, username: &str) -> Option<&'static str> {
    if password != again {
        Some("staff-password-mismatch")
    } else if password.chars().count() < MIN_PASSWORD_CHARS {
        Some("staff-password-short")
    } else if password.to_lowercase().contains(&username.to_lowercase()) {
        Some("staff-password-username")
    } else {
        None
    }
}

/// A new second-factor secret, base32 as authenticator apps take it.
pub fn new_totp_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded returns the encoded form"),
    }
}

fn totp(secret_base32: &str, username: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("bluedot".to_owned()),
        username.to_owned(),
    )
    .ok()
}

/// The `otpauth://` address an authenticator app can import.
pub fn totp_url(secret_base32: &str, username: &str) -> Option<String> {
    totp(secret_base32, username).map(|t| t.get_url())
}

const TOTP_STEP_SECONDS: u64 = 30;

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Checks a six-digit code, allowing one step of clock drift either way. Returns the time step
/// the code belongs to, which the caller claims so that the code cannot be used twice.
pub fn check_totp(secret_base32: &str, username: &str, code: &str) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 {
        return None;
    }
    let totp = totp(secret_base32, username)?;
    let now_step = unix_now() / TOTP_STEP_SECONDS;
    (now_step.saturating_sub(1)..=now_step + 1)
        .find(|step| same_secret(&totp.generate(step * TOTP_STEP_SECONDS), &code))
        .and_then(|step| i64::try_from(step).ok())
}

/// The code an authenticator shows `steps_ahead` steps from now, for tests and for the command
/// line's self-check.
pub fn totp_code(secret_base32: &str, username: &str, steps_ahead: i64) -> Option<String> {
    let at = unix_now().checked_add_signed(steps_ahead * TOTP_STEP_SECONDS as i64)?;
    totp(secret_base32, username).map(|t| t.generate(at))
}

/// The current code.
pub fn current_totp(secret_base32: &str, username: &str) -> Option<String> {
    totp_code(secret_base32, username, 0)
}

/// Fresh recovery codes: what to show once, and the hashes to keep.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let t: String = random_token()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(10)
                .collect::<String>()
                .to_lowercase();
            format!("{}-{}", &t[..5], &t[5..])
        })
        .collect();
    let hashes = codes.iter().map(|c| recovery_hash(c)).collect();
    (codes, hashes)
}

pub fn recovery_hash(code: &str) -> String {
    token_hash(&code.trim().to_lowercase())
}

/// Compares secrets in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("correct horse batterY", Some(&hash)));
        assert!(!verify_password("no account has this password", None));
        assert_eq!(
            password_problem("a", "b", "u"),
            Some("staff-password-mismatch")
        );
        assert_eq!(
            password_problem("short", "short", "u"),
            Some("staff-password-short")
        );
        assert_eq!(
            password_problem("ana.pop-2026-xyz", "ana.pop-2026-xyz", "ana.pop"),
            Some("staff-password-username")
        );
        assert_eq!(
            password_problem(
                "a long enough passphrase",
                "a long enough passphrase",
                "ana"
            ),
            None
        );
    }

    #[test]
    fn totp_codes_check() {
        let secret = new_totp_secret();
        let code = current_totp(&secret, "ana").unwrap();
        let step = check_totp(&secret, "ana", &code).expect("current code");
        assert_eq!(
            check_totp(&secret, "ana", &format!("{} {}", &code[..3], &code[3..])),
            Some(step)
        );
        // One step of drift either way, not two.
        let next = totp_code(&secret, "ana", 1).unwrap();
        assert_eq!(check_totp(&secret, "ana", &next), Some(step + 1));
        let later = totp_code(&secret, "ana", 3).unwrap();
        assert!(later == code || check_totp(&secret, "ana", &later).is_none());
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert!(wrong == next || check_totp(&secret, "ana", &wrong).is_none());
        assert_eq!(check_totp(&secret, "ana", "12345"), None);
        assert!(
            totp_url(&secret, "ana")
                .unwrap()
                .starts_with("otpauth://totp/bluedot:ana?")
        );
    }

    #[test]
    fn recovery_codes_are_distinct_and_hashed() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(recovery_hash(&codes[0].to_uppercase()), hashes[0]);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
    }
}
