//! Auth keys (認証キー): R-KEY-1 (50 minutes, single use, 10 wrong tries), R-KEY-3, R-KEY-6.
//!
//! A key is [`KEY_LEN`] characters from [`ALPHABET`] (no 0/O, 1/I/L). The mail shows it in groups
//! of four (`ABCD-EFGH-JKMN`, [`format_for_mail`]); [`normalize_input`] turns whatever a customer
//! or clerk types back into the plain key. [`judge`] decides an activation attempt; [`after_attempt`]
//! says what to store afterwards. Neither reads the clock: callers pass `now`.

use chrono::{DateTime, Duration, Utc};
use unicode_normalization::UnicodeNormalization;

use crate::domain::coded::coded_enum;
use crate::domain::numbers::is_hyphen_like;

/// R-KEY-1: a key is valid this many minutes from issue.
pub const VALIDITY_MINUTES: i64 = 50;
/// R-KEY-1: the key is locked by this wrong try (the 10th wrong try locks it).
pub const MAX_WRONG_TRIES: i64 = 10;

/// Characters a customer can read off a mail without confusing 0/O or 1/I/l.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const KEY_LEN: usize = 12;
/// Characters per group in [`format_for_mail`].
pub const GROUP_LEN: usize = 4;

/// A fresh key from the given random source.
pub fn generate<R: rand::Rng + ?Sized>(rng: &mut R) -> String {
    (0..KEY_LEN)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// Normalises what a customer or clerk typed: NFKC (full-width letters and digits become ASCII),
/// whitespace and hyphen-like characters dropped, ASCII letters upper-cased. Other characters are
/// kept (upper-cased if ASCII), so that a mistyped key stays wrong instead of being "repaired".
/// Inverts [`format_for_mail`].
#[must_use]
pub fn normalize_input(input: &str) -> String {
    input
        .nfkc()
        .filter(|&c| !c.is_whitespace() && !is_hyphen_like(c))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// True when `key` (already normalised) has the length and alphabet of a generated key.
/// Useful to tell a typo apart before spending a wrong try on it.
#[must_use]
pub fn is_well_formed(key: &str) -> bool {
    key.len() == KEY_LEN && key.bytes().all(|b| ALPHABET.contains(&b))
}

/// The key as printed in the notification mail: groups of four joined by hyphens,
/// `ABCDEFGHJKMN` → `ABCD-EFGH-JKMN`. A last shorter group is kept as it is.
#[must_use]
pub fn format_for_mail(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    chars
        .chunks(GROUP_LEN)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// What a key becomes wherever a person could read it (R-KEY-2).
pub const MASKED: &str = "****-****-****";

/// R-KEY-2: `text` with every auth key in it masked ([`MASKED`]): no screen or command shows a
/// key. A key is recognised by its form alone: a run of ASCII letters, digits and hyphens that
/// is a key as the mail prints it (`ABCD-EFGH-JKMN`) or as typed without hyphens. A word that
/// merely looks like one is masked too: better one word too many than one key shown.
#[must_use]
pub fn mask_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let plain: String = run.chars().filter(|&c| c != '-').collect();
        let grouped = run.trim_matches('-');
        let is_key =
            is_well_formed(&plain) && (grouped == plain || grouped == format_for_mail(&plain));
        if is_key {
            let lead = run.len() - run.trim_start_matches('-').len();
            let trail = run.len() - run.trim_end_matches('-').len();
            out.push_str(&"-".repeat(lead));
            out.push_str(MASKED);
            out.push_str(&"-".repeat(trail));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// R-KEY-1: end of validity; the key is expired from this instant on (`now >= expires_at`).
#[must_use]
pub fn expires_at(issued_at: DateTime<Utc>) -> DateTime<Utc> {
    issued_at + Duration::minutes(VALIDITY_MINUTES)
}

coded_enum! {
    /// Stored state of one key row; its code is stored and logged.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum KeyState {
        Live = "live",
        /// Activation succeeded with it (single use).
        Used = "used",
        /// A re-issue replaced it (R-KEY-3).
        Replaced = "replaced",
        /// The 10th wrong try locked it (R-KEY-1).
        Locked = "locked",
    }
}

/// What an activation attempt tells (R-KEY-6: wrong, expired, used and replaced differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationOutcome {
    Activated,
    /// Wrong key; `tries_left` more wrong tries are allowed before the key locks (1..=9).
    Wrong {
        tries_left: i64,
    },
    Expired,
    Used,
    Replaced,
    Locked,
    /// No key row for the account/purpose (decided by the caller, never by [`judge`]).
    NoKey,
}

impl ActivationOutcome {
    /// Stable `snake_case` code for messages, the interchange result and logs.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            ActivationOutcome::Activated => "activated",
            ActivationOutcome::Wrong { .. } => "wrong",
            ActivationOutcome::Expired => "expired",
            ActivationOutcome::Used => "used",
            ActivationOutcome::Replaced => "replaced",
            ActivationOutcome::Locked => "locked",
            ActivationOutcome::NoKey => "no_key",
        }
    }
}

/// Decides one activation attempt against one stored key (R-KEY-1, R-KEY-3, R-KEY-6).
///
/// `wrong_tries` is the stored count of earlier wrong tries; `matches` whether the typed key
/// verified against the stored hash. In order:
/// 1. a `Used`, `Replaced` or `Locked` key gives that outcome, whatever was typed;
/// 2. a live key is `Expired` when `now >= expires_at`;
/// 3. `wrong_tries >= MAX_WRONG_TRIES` gives `Locked` (a count the state did not catch up with);
/// 4. a matching key gives `Activated`;
/// 5. otherwise this is wrong try number `wrong_tries + 1`: the 10th wrong try gives `Locked`,
///    earlier ones `Wrong { tries_left }` with `tries_left = 10 − (wrong_tries + 1)`, so the first
///    wrong try says 9 left and the ninth says 1 left.
///
/// Use [`after_attempt`] for what to store.
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
        return ActivationOutcome::Expired;
    }
    let wrong_tries = wrong_tries.max(0);
    if wrong_tries >= MAX_WRONG_TRIES {
        return ActivationOutcome::Locked;
    }
    if matches {
        return ActivationOutcome::Activated;
    }
    let tries = wrong_tries + 1;
    if tries >= MAX_WRONG_TRIES {
        ActivationOutcome::Locked
    } else {
        ActivationOutcome::Wrong {
            tries_left: MAX_WRONG_TRIES - tries,
        }
    }
}

/// What to store after [`judge`] returned `outcome` for a key in `state` with `wrong_tries`:
/// the new state and wrong-try count. `Activated` uses the key up; `Wrong` counts one try; a
/// `Locked` that came from this (10th) wrong try counts it and locks; every other outcome
/// (expired, already used/replaced/locked) changes nothing — expiry is not stored.
#[must_use]
pub fn after_attempt(
    state: KeyState,
    wrong_tries: i64,
    outcome: ActivationOutcome,
) -> (KeyState, i64) {
    match outcome {
        ActivationOutcome::Activated => (KeyState::Used, wrong_tries),
        ActivationOutcome::Wrong { .. } => (state, wrong_tries + 1),
        ActivationOutcome::Locked if state == KeyState::Live => {
            let tries = if wrong_tries < MAX_WRONG_TRIES {
                wrong_tries + 1
            } else {
                wrong_tries
            };
            (KeyState::Locked, tries)
        }
        _ => (state, wrong_tries),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_key_2_keys_are_masked_in_any_text() {
        let body = "認証キー： ABCD-EFGH-JKMN\n有効期限 10:50\nkey ABCDEFGHJKMN, id 13010-12345678";
        let m = mask_keys(body);
        assert_eq!(
            m,
            "認証キー： ****-****-****\n有効期限 10:50\nkey ****-****-****, id 13010-12345678"
        );
        // Not keys: lower case, wrong length, letters a key never has, a mail address.
        for keep in [
            "abcd-efgh-jkmn",
            "ABCD-EFGH-JKM",
            "ABCD-EFGH-JKMO",
            "taro@example.jp",
            "2026-12-07",
        ] {
            assert_eq!(mask_keys(keep), keep);
        }
    }
    use chrono::TimeZone;
    use proptest::prelude::*;
    use rand::SeedableRng;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0)
            .single()
            .expect("valid time")
    }

    fn exp() -> DateTime<Utc> {
        expires_at(t0())
    }

    #[test]
    fn r_key_1_generate_uses_alphabet_and_length() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let a = generate(&mut rng);
        let b = generate(&mut rng);
        assert_eq!(a.len(), KEY_LEN);
        assert!(is_well_formed(&a));
        assert_ne!(a, b);
        assert!(!ALPHABET.iter().any(|c| b"01OIL".contains(c)));
    }

    #[test]
    fn r_key_1_valid_fifty_minutes() {
        assert_eq!(exp(), t0() + Duration::minutes(50));
        let live = |now| judge(KeyState::Live, exp(), 0, true, now);
        assert_eq!(live(t0()), ActivationOutcome::Activated);
        assert_eq!(
            live(exp() - Duration::seconds(1)),
            ActivationOutcome::Activated
        );
        assert_eq!(live(exp()), ActivationOutcome::Expired);
        assert_eq!(
            live(exp() + Duration::minutes(1)),
            ActivationOutcome::Expired
        );
    }

    #[test]
    fn r_key_6_expired_even_when_wrong() {
        assert_eq!(
            judge(KeyState::Live, exp(), 3, false, exp()),
            ActivationOutcome::Expired
        );
    }

    #[test]
    fn r_key_6_stored_states_tell_apart() {
        for matches in [true, false] {
            for now in [t0(), exp()] {
                assert_eq!(
                    judge(KeyState::Used, exp(), 0, matches, now),
                    ActivationOutcome::Used
                );
                assert_eq!(
                    judge(KeyState::Replaced, exp(), 0, matches, now),
                    ActivationOutcome::Replaced
                );
                assert_eq!(
                    judge(KeyState::Locked, exp(), 10, matches, now),
                    ActivationOutcome::Locked
                );
            }
        }
    }

    #[test]
    fn r_key_1_tenth_wrong_try_locks() {
        let mut state = KeyState::Live;
        let mut tries = 0;
        for n in 1..=9 {
            let o = judge(state, exp(), tries, false, t0());
            assert_eq!(o, ActivationOutcome::Wrong { tries_left: 10 - n });
            (state, tries) = after_attempt(state, tries, o);
            assert_eq!((state, tries), (KeyState::Live, n));
        }
        let o = judge(state, exp(), tries, false, t0());
        assert_eq!(o, ActivationOutcome::Locked);
        (state, tries) = after_attempt(state, tries, o);
        assert_eq!((state, tries), (KeyState::Locked, 10));
        // Even the right key does not help any more.
        assert_eq!(
            judge(state, exp(), tries, true, t0()),
            ActivationOutcome::Locked
        );
    }

    #[test]
    fn r_key_1_right_key_after_nine_wrong_tries_still_activates() {
        assert_eq!(
            judge(KeyState::Live, exp(), 9, true, t0()),
            ActivationOutcome::Activated
        );
    }

    #[test]
    fn r_key_1_count_at_limit_locks_even_if_state_is_live() {
        assert_eq!(
            judge(KeyState::Live, exp(), 10, true, t0()),
            ActivationOutcome::Locked
        );
        assert_eq!(
            after_attempt(KeyState::Live, 10, ActivationOutcome::Locked),
            (KeyState::Locked, 10)
        );
    }

    #[test]
    fn r_key_1_single_use() {
        let o = judge(KeyState::Live, exp(), 2, true, t0());
        assert_eq!(o, ActivationOutcome::Activated);
        let (state, tries) = after_attempt(KeyState::Live, 2, o);
        assert_eq!((state, tries), (KeyState::Used, 2));
        assert_eq!(
            judge(state, exp(), tries, true, t0()),
            ActivationOutcome::Used
        );
    }

    #[test]
    fn r_key_3_replaced_key_is_told() {
        let o = judge(KeyState::Replaced, exp(), 0, true, t0());
        assert_eq!(o, ActivationOutcome::Replaced);
        assert_eq!(
            after_attempt(KeyState::Replaced, 0, o),
            (KeyState::Replaced, 0)
        );
    }

    #[test]
    fn r_key_6_nothing_stored_for_expired_or_final_states() {
        assert_eq!(
            after_attempt(KeyState::Live, 4, ActivationOutcome::Expired),
            (KeyState::Live, 4)
        );
        assert_eq!(
            after_attempt(KeyState::Used, 0, ActivationOutcome::Used),
            (KeyState::Used, 0)
        );
        assert_eq!(
            after_attempt(KeyState::Locked, 10, ActivationOutcome::Locked),
            (KeyState::Locked, 10)
        );
    }

    #[test]
    fn r_key_1_format_for_mail_groups_of_four() {
        assert_eq!(format_for_mail("ABCDEFGHJKMN"), "ABCD-EFGH-JKMN");
        assert_eq!(format_for_mail("ABCDEF"), "ABCD-EF");
        assert_eq!(format_for_mail(""), "");
    }

    #[test]
    fn r_key_1_normalize_input_accepts_what_people_type() {
        assert_eq!(normalize_input("ABCD-EFGH-JKMN"), "ABCDEFGHJKMN");
        assert_eq!(normalize_input(" abcd efgh jkmn "), "ABCDEFGHJKMN");
        assert_eq!(
            normalize_input("ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ"),
            "ABCDEFGHJKMN"
        );
        assert_eq!(
            normalize_input("ａｂｃｄ\u{3000}ｅｆｇｈ‐ｊｋｍｎ"),
            "ABCDEFGHJKMN"
        );
        assert_eq!(normalize_input("ABCD―EFGH−JKMN"), "ABCDEFGHJKMN");
        // Other characters are kept, so the key stays wrong rather than being repaired.
        assert_eq!(normalize_input("ABCD.EFGH"), "ABCD.EFGH");
        assert!(!is_well_formed(&normalize_input("ABCD.EFGH.JKMN")));
        assert!(is_well_formed(&normalize_input("abcd-efgh-jkmn")));
        // 0, O, 1, I, L never appear in a key.
        assert!(!is_well_formed("ABCDEFGHJKM0"));
    }

    #[test]
    fn r_key_6_codes_are_stable() {
        for s in KeyState::ALL {
            assert_eq!(KeyState::parse(s.code()), Some(s));
        }
        assert_eq!(ActivationOutcome::Wrong { tries_left: 3 }.code(), "wrong");
        assert_eq!(ActivationOutcome::NoKey.code(), "no_key");
        assert_eq!(ActivationOutcome::Expired.code(), "expired");
    }

    fn any_state() -> impl Strategy<Value = KeyState> {
        prop::sample::select(KeyState::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn r_key_1_normalize_input_never_panics(s in ".*") {
            let n = normalize_input(&s);
            prop_assert!(!n.chars().any(char::is_whitespace));
        }

        #[test]
        fn r_key_1_normalize_input_inverts_format_for_mail(seed in any::<u64>()) {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let key = generate(&mut rng);
            prop_assert!(is_well_formed(&key));
            prop_assert_eq!(normalize_input(&format_for_mail(&key)), key.clone());
            prop_assert_eq!(normalize_input(&format_for_mail(&key).to_lowercase()), key);
        }

        #[test]
        fn r_key_6_judge_total_and_consistent(
            state in any_state(), tries in -2i64..15, matches in any::<bool>(), offset in -100i64..100,
        ) {
            let now = exp() + Duration::minutes(offset);
            let o = judge(state, exp(), tries, matches, now);
            prop_assert_ne!(o, ActivationOutcome::NoKey);
            if o == ActivationOutcome::Activated {
                prop_assert!(state == KeyState::Live && matches && now < exp() && tries < MAX_WRONG_TRIES);
            }
            if let ActivationOutcome::Wrong { tries_left } = o {
                prop_assert!((1..MAX_WRONG_TRIES).contains(&tries_left));
            }
            let (_, t2) = after_attempt(state, tries, o);
            prop_assert!(t2 >= tries);
        }
    }
}
