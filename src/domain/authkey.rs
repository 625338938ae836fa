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
