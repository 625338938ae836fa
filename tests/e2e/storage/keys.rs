//! Account keys: in clear only in the queued mail (R-KEY-2), refusals told apart (R-KEY-6), reissue
//! (R-MAIL-6).

use chrono::Duration;
use madoguchi::domain::authkey::{self, ActivationOutcome};
use madoguchi::service::accounts;
use madoguchi::storage::outbox::MailState;
use madoguchi::storage::{self, Store};

use super::{ADMIN_PW, CLERK_PW, Env, employer, env, t0, wal};

/// R-KEY-0: the customer asks for パスワード登録 online at t0 (no birth date: employers).
fn request(e: &mut Env, email: &str) -> accounts::KeyRequested {
    accounts::request_key(&mut e.store, &e.cfg, t0(), email, None).expect("key request")
}

/// The key as the customer reads it off the queued mail.
fn key_in_mail(store: &Store, outbox_id: i64) -> String {
    let body = storage::outbox::body(store.conn(), outbox_id)
        .expect("body")
        .expect("unsent mail keeps its body");
    let line = body
        .lines()
        .find(|l| l.contains("認証キー："))
        .expect("key line");
    line.split_once('：')
        .expect("colon")
        .1
        .split_whitespace()
        .next()
        .expect("key")
        .to_string()
}

fn occurrences(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| &hay[i..i + needle.len()] == needle)
        .collect()
}

#[test]
fn r_key_2_auth_key_in_clear_only_inside_the_queued_mail_body() {
    let mut e = env();
    let r = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("key@example.co.jp"),
    )
    .expect("reg");
    let q = request(&mut e, &r.email);
    let shown = key_in_mail(&e.store, q.mail.outbox_id);
    let body = storage::outbox::body(e.store.conn(), q.mail.outbox_id)
        .expect("body")
        .expect("body");
    let at = body.find(&shown).expect("key in body");
    let before = &body.as_bytes()[at.saturating_sub(24)..at];
    let after = &body.as_bytes()[at + shown.len()..(at + shown.len() + 8).min(body.len())];

    let mut bytes = std::fs::read(&e.path).expect("db");
    if wal(&e.path).exists() {
        bytes.extend(std::fs::read(wal(&e.path)).expect("wal"));
    }
    let raw = authkey::normalize_input(&shown);
    let mut needles = vec![shown.clone()];
    if raw != shown {
        needles.push(raw.clone());
    }
    let mut seen = 0;
    for n in &needles {
        for i in occurrences(&bytes, n.as_bytes()) {
            seen += 1;
            let ctx_before = &bytes[i.saturating_sub(before.len())..i];
            let ctx_after = &bytes[i + n.len()..(i + n.len() + after.len()).min(bytes.len())];
            assert!(
                ctx_before == before && ctx_after == after,
                "auth key {n} found outside the mail body at byte {i}"
            );
        }
    }
    assert!(seen >= 1, "the queued body holds the key");

    // Keys are HMACs under the install secret, which is not in the database file; staff
    // passwords argon2id PHC strings; passwords never in clear.
    let conn = e.store.conn();
    let column = |sql: &str| -> Vec<String> {
        conn.prepare(sql)
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let keys = column("SELECT key_hash FROM auth_keys");
    assert_eq!(keys.len(), 1);
    for h in &keys {
        assert!(h.starts_with("hmac-sha256$"), "{h}");
        assert_eq!(
            h,
            &e.store.secret().key_hash(&raw),
            "HMAC of the key itself"
        );
    }
    let secret = std::fs::read_to_string(madoguchi::secret::InstallSecret::path_for(&e.path))
        .expect("install secret beside the database");
    assert!(
        occurrences(&bytes, secret.trim().as_bytes()).is_empty(),
        "the secret is not in the database"
    );
    let passwords = column("SELECT password_hash FROM staff");
    assert!(passwords.len() >= 2);
    for h in passwords {
        assert!(h.starts_with("$argon2id$v=19$m="), "{h}");
    }
    for pw in [ADMIN_PW, CLERK_PW] {
        assert!(
            occurrences(&bytes, pw.as_bytes()).is_empty(),
            "{pw} in clear"
        );
    }
}

#[test]
fn r_key_6_wrong_expired_used_and_locked_are_told_apart() {
    let mut e = env();
    let c = e.clerk.clone();
    // Wrong, then right, then used.
    let r =
        accounts::register(&mut e.store, &e.cfg, &c, &employer("one@example.co.jp")).expect("r");
    let q = request(&mut e, &r.email);
    let key = key_in_mail(&e.store, q.mail.outbox_id);
    let at = |m: i64| c.at(t0() + Duration::minutes(m));
    let (o, a) = accounts::activate(&mut e.store, &at(1), &r.email, "ZZZZ-ZZZZ-ZZZZ").expect("a");
    assert_eq!(o, ActivationOutcome::Wrong { tries_left: 9 });
    assert_eq!(a.tries_left, Some(9));
    let (o, a) = accounts::activate(&mut e.store, &at(2), &r.email, &key).expect("a");
    assert_eq!(o, ActivationOutcome::Activated);
    // R-REG-4: a counter-opened account is open at once, with no deadline.
    assert_eq!(a.provisional_deadline, None);
    let (o, _) = accounts::activate(&mut e.store, &at(3), &r.email, &key).expect("a");
    assert_eq!(o, ActivationOutcome::Used);

    // Expired: 50 minutes from issue (R-KEY-1).
    let r =
        accounts::register(&mut e.store, &e.cfg, &c, &employer("two@example.co.jp")).expect("r");
    let q = request(&mut e, &r.email);
    let key = key_in_mail(&e.store, q.mail.outbox_id);
    let (o, _) = accounts::activate(&mut e.store, &at(51), &r.email, &key).expect("a");
    assert_eq!(o, ActivationOutcome::Expired);

    // Locked after 10 wrong tries; then even the right key is refused.
    let r =
        accounts::register(&mut e.store, &e.cfg, &c, &employer("three@example.co.jp")).expect("r");
    let q = request(&mut e, &r.email);
    let key = key_in_mail(&e.store, q.mail.outbox_id);
    let mut last = None;
    for i in 0..10 {
        let (o, _) =
            accounts::activate(&mut e.store, &at(i + 1), &r.email, "ZZZZ-ZZZZ-ZZZZ").expect("a");
        last = Some(o);
    }
    assert_eq!(last, Some(ActivationOutcome::Locked));
    let (o, _) = accounts::activate(&mut e.store, &at(20), &r.email, &key).expect("a");
    assert_eq!(o, ActivationOutcome::Locked);
}

#[test]
fn r_mail_6_reissue_cancels_the_old_mail_and_the_old_key_is_replaced() {
    let mut e = env();
    let c = e.clerk.clone();
    let r = accounts::register(&mut e.store, &e.cfg, &c, &employer("re@example.co.jp")).expect("r");
    let first = request(&mut e, &r.email);
    let old_key = key_in_mail(&e.store, first.mail.outbox_id);
    let later = c.at(t0() + Duration::minutes(5));
    let re = accounts::reissue_key(&mut e.store, &e.cfg, &later, r.account_id).expect("reissue");
    assert_eq!(re.cancelled_mails, 1);
    let mails = storage::outbox::for_account(e.store.conn(), r.account_id).expect("mails");
    let old = mails
        .iter()
        .find(|m| m.id == first.mail.outbox_id)
        .expect("old");
    assert_eq!(old.state, MailState::Cancelled);
    assert!(!old.has_body, "a cancelled key mail loses its body");
    let new = mails
        .iter()
        .find(|m| m.id == re.mail.outbox_id)
        .expect("new");
    assert_eq!(new.state, MailState::Queued);
    let new_key = key_in_mail(&e.store, re.mail.outbox_id);

    let at = c.at(t0() + Duration::minutes(6));
    let (o, _) = accounts::activate(&mut e.store, &at, &r.email, &old_key).expect("a");
    assert_eq!(o, ActivationOutcome::Replaced);
    let (o, _) = accounts::activate(&mut e.store, &at, &r.email, &new_key).expect("a");
    assert_eq!(o, ActivationOutcome::Activated);
}
