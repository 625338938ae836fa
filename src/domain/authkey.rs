//! Auth keys (認証キー): R-KEY-1 (50 minutes, single use, 10 wrong tries), R-KEY-3, R-KEY-6.
// STUB: the domain helper replaces this with the complete rules and tests.

use chrono::{DateTime, Duration, Utc};

pub const VALIDITY_MINUTES: i64 = 50;
pub const MAX_WRONG_TRIES: i64 = 10;

/// Characters a customer can read off a mail without confusing 0/O or 1/I/l.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const KEY_LEN: usize = 12;

/// A fresh key from the given random source.
pub fn generate<R: rand::Rng + ?Sized>(rng: &mut R) -> String {
    (0..KEY_LEN)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// Normalises what a customer or clerk typed (case, spaces, hyphens, full-width).
#[must_use]
pub fn normalize_input(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[must_use]
pub fn expires_at(issued_at: DateTime<Utc>) -> DateTime<Utc> {
    issued_at + Duration::minutes(VALIDITY_MINUTES)
}

/// Stored state of one key row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Live,
    Used,
    Replaced,
    Locked,
}

/// What an activation attempt tells (R-KEY-6: wrong, expired, used and replaced differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationOutcome {
    Activated,
    Wrong { tries_left: i64 },
    Expired,
    Used,
    Replaced,
    Locked,
    NoKey,
}

/// STUB of the pure decision (the domain helper provides the tested one).
#[must_use]
pub fn judge(
    state: KeyState,
    expires_at: DateTime<Utc>,
    wrong_tries: i64,
    matches: bool,
    now: DateTime<Utc>,
) -> ActivationOutcome {
    match state {
        KeyState::Used => return ActivationOutcome::Used,
        KeyState::Replaced => return ActivationOutcome::Replaced,
        KeyState::Locked => return ActivationOutcome::Locked,
        KeyState::Live => {}
    }
    if now >= expires_at {
        ActivationOutcome::Expired
    } else if wrong_tries >= MAX_WRONG_TRIES {
        ActivationOutcome::Locked
    } else if matches {
        ActivationOutcome::Activated
    } else if wrong_tries + 1 >= MAX_WRONG_TRIES {
        ActivationOutcome::Locked
    } else {
        ActivationOutcome::Wrong {
            tries_left: MAX_WRONG_TRIES - wrong_tries - 1,
        }
    }
}

/// STUB: groups of four for the mail.
#[must_use]
pub fn format_for_mail(key: &str) -> String {
    key.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}
