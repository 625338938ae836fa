//! Storage and service rules on a real database file (tempfile), as the program runs them.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::authkey::{self, ActivationOutcome};
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::accounts::{self, RegisterInput};
use madoguchi::service::auth::{self, SignInError, SignInFailure};
use madoguchi::service::{Ctx, ServiceError, audit, setup, staff};
use madoguchi::storage::outbox::MailState;
use madoguchi::storage::{self, Store};

const ADMIN_PW: &str = "root-of-trust-phrase";
const CLERK_PW: &str = "clerk-secret-passphrase";

fn t0() -> DateTime<Utc> {
    madoguchi::clock::parse_rfc3339("2026-04-01T01:00:00Z").expect("time")
}

struct Env {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    cfg: Config,
    admin: Ctx,
    clerk: Ctx,
}

fn add_staff(store: &mut Store, admin: &Ctx, name: &str, role: Role, pw: &str) -> Ctx {
    let temp = staff::add(store, admin, name, name, &Roles::new(vec![role])).expect("add");
    let s = auth::sign_in(store, name, &temp, "test", t0()).expect("sign in");
    auth::change_password(store, &s.ctx, &temp, pw, pw).expect("change");
    auth::sign_in(store, name, pw, "test", t0())
        .expect("sign in")
        .ctx
}

fn env() -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("madoguchi.db");
    let mut store = Store::open(&path).expect("open");
    setup::init(
        &mut store,
        &setup::InitInput {
            office_code: "13010",
            office_name: "飯田橋",
            admin_name: "admin",
            admin_display_name: "管理 太郎",
            admin_password: ADMIN_PW,
            terminal: "test",
            now: t0(),
        },
    )
    .expect("init");
    let admin = auth::sign_in(&mut store, "admin", ADMIN_PW, "test", t0())
        .expect("admin")
        .ctx;
    let clerk = add_staff(&mut store, &admin, "tanaka", Role::Counter, CLERK_PW);
    Env {
        _dir: dir,
        path,
        store,
        cfg: Config::default(),
        admin,
        clerk,
    }
}

fn employer(email: &str) -> RegisterInput {
    RegisterInput {
        kind: Some(AccountKind::Employer),
        email: email.into(),
        email_confirm: email.into(),
        ..RegisterInput::default()
    }
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

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

fn wal(p: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", p.display()))
}

#[test]
fn r_aud_1_database_and_wal_are_owner_only_and_schema_versioned() {
    let mut e = env();
    accounts::register(&mut e.store, &e.cfg, &e.clerk, &employer("a@example.co.jp")).expect("reg");
    assert_eq!(mode(&e.path), 0o600, "database file");
    assert!(
        wal(&e.path).exists(),
        "WAL mode keeps a -wal file while open"
    );
    assert_eq!(mode(&wal(&e.path)), 0o600, "-wal file");
    let v: i64 = e
        .store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(v, storage::migrate::current_version());
    assert!(v >= 1);
}

#[test]
fn r_aud_2_audit_log_refuses_update_and_delete() {
    let e = env();
    let other = rusqlite::Connection::open(&e.path).expect("second connection");
    let upd = other.execute("UPDATE audit_log SET outcome = 'forged' WHERE id = 1", []);
    assert!(
        upd.as_ref()
            .is_err_and(|x| x.to_string().contains("append-only")),
        "{upd:?}"
    );
    let del = other.execute("DELETE FROM audit_log WHERE id = 1", []);
    assert!(
        del.as_ref()
            .is_err_and(|x| x.to_string().contains("append-only")),
        "{del:?}"
    );
    assert!(audit::verify(&e.store).expect("verify").first_bad.is_none());
}

#[test]
fn r_aud_2_verify_detects_a_row_altered_behind_the_programs_back() {
    let e = env();
    let ok = audit::verify(&e.store).expect("verify");
    assert!(ok.first_bad.is_none(), "{ok:?}");
    assert!(ok.rows >= 4);
    // An attacker with the file drops the trigger first.
    let attacker = rusqlite::Connection::open(&e.path).expect("open");
    attacker
        .execute_batch(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET staff_name = 'someone-else' WHERE id = 3;",
        )
        .expect("tamper");
    let bad = audit::verify(&e.store).expect("verify");
    assert_eq!(bad.first_bad.as_ref().map(|b| b.0), Some(3), "{bad:?}");
}

#[test]
fn r_aud_2_verify_detects_a_deleted_row() {
    let e = env();
    let attacker = rusqlite::Connection::open(&e.path).expect("open");
    attacker
        .execute_batch(
            "DROP TRIGGER audit_log_no_delete;
             DELETE FROM audit_log WHERE id = 2;",
        )
        .expect("tamper");
    let bad = audit::verify(&e.store).expect("verify");
    let (id, why) = bad.first_bad.expect("broken chain");
    assert_eq!(id, 3, "{why}");
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
    let shown = key_in_mail(&e.store, r.mail.outbox_id);
    let body = storage::outbox::body(e.store.conn(), r.mail.outbox_id)
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

    // Keys and staff passwords are argon2id PHC strings; passwords never in clear.
    let conn = e.store.conn();
    let hashes: Vec<String> = conn
        .prepare("SELECT key_hash FROM auth_keys UNION ALL SELECT password_hash FROM staff")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(hashes.len() >= 3);
    for h in hashes {
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
fn r_reg_2_duplicate_email_refused_naming_the_holder_also_with_other_case_domain() {
    let mut e = env();
    let first = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("taro@example.co.jp"),
    )
    .expect("first");
    for again in ["taro@example.co.jp", "taro@EXAMPLE.Co.JP"] {
        let err = accounts::register(&mut e.store, &e.cfg, &e.clerk, &employer(again))
            .expect_err("duplicate");
        match err {
            ServiceError::EmailInUse { account_id, kind } => {
                assert_eq!(account_id, first.account_id);
                assert_eq!(kind, AccountKind::Employer);
            }
            other => panic!("{again}: expected EmailInUse, got {other:?}"),
        }
    }
}

#[test]
fn r_reg_2_email_of_101_characters_refused_100_accepted() {
    let mut e = env();
    // Labels and local part stay within their own limits: only the total length is at stake.
    let address = |len: usize| {
        let labels = len - "taro@".len() - ".example.jp".len() - 1;
        format!(
            "taro@{}.{}.example.jp",
            "d".repeat(labels / 2),
            "e".repeat(labels - labels / 2)
        )
    };
    let ok = address(100);
    assert_eq!(ok.len(), 100);
    accounts::register(&mut e.store, &e.cfg, &e.clerk, &employer(&ok)).expect("100 chars");
    let long = address(101);
    assert_eq!(long.len(), 101);
    let err = accounts::register(&mut e.store, &e.cfg, &e.clerk, &employer(&long))
        .expect_err("101 chars");
    match err {
        ServiceError::Invalid(issues) => assert!(
            issues
                .iter()
                .any(|i| i.field == "email" && i.code == "too_long"),
            "{issues:?}"
        ),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn r_reg_5_twelfth_live_account_of_one_establishment_refused() {
    let mut e = env();
    for i in 0..11 {
        let mut input = employer(&format!("staff{i}@example.co.jp"));
        input.establishment_number = "1301-999999-9".into();
        accounts::register(&mut e.store, &e.cfg, &e.clerk, &input)
            .unwrap_or_else(|x| panic!("account {} of 11: {x:?}", i + 1));
    }
    let mut input = employer("staff11@example.co.jp");
    input.establishment_number = "1301-999999-9".into();
    match accounts::register(&mut e.store, &e.cfg, &e.clerk, &input) {
        Err(ServiceError::Invalid(issues)) => {
            assert!(
                issues.iter().any(|i| i.field == "establishment_number"
                    && i.code == "establishment_accounts_full"),
                "{issues:?}"
            )
        }
        other => panic!("expected the 12th to be refused, got {other:?}"),
    }
}

#[test]
fn r_key_6_wrong_expired_used_and_locked_are_told_apart() {
    let mut e = env();
    let c = e.clerk.clone();
    // Wrong, then right, then used.
    let r =
        accounts::register(&mut e.store, &e.cfg, &c, &employer("one@example.co.jp")).expect("r");
    let key = key_in_mail(&e.store, r.mail.outbox_id);
    let at = |m: i64| c.at(t0() + Duration::minutes(m));
    let (o, a) = accounts::activate(&mut e.store, &at(1), &r.email, "ZZZZ-ZZZZ-ZZZZ").expect("a");
    assert_eq!(o, ActivationOutcome::Wrong { tries_left: 9 });
    assert_eq!(a.tries_left, Some(9));
    let (o, a) = accounts::activate(&mut e.store, &at(2), &r.email, &key).expect("a");
    assert_eq!(o, ActivationOutcome::Activated);
    // Registered at the counter: the My Page opens at once, no provisional deadline (R-REG-4,
    // schema v14).
    assert_eq!(a.provisional_deadline, None);
    let (o, _) = accounts::activate(&mut e.store, &at(3), &r.email, &key).expect("a");
    assert_eq!(o, ActivationOutcome::Used);

    // Expired: 50 minutes from issue (R-KEY-1).
    let r =
        accounts::register(&mut e.store, &e.cfg, &c, &employer("two@example.co.jp")).expect("r");
    let key = key_in_mail(&e.store, r.mail.outbox_id);
    let (o, _) = accounts::activate(&mut e.store, &at(51), &r.email, &key).expect("a");
    assert_eq!(o, ActivationOutcome::Expired);

    // Locked after 10 wrong tries; then even the right key is refused.
    let r =
        accounts::register(&mut e.store, &e.cfg, &c, &employer("three@example.co.jp")).expect("r");
    let key = key_in_mail(&e.store, r.mail.outbox_id);
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
    let old_key = key_in_mail(&e.store, r.mail.outbox_id);
    let later = c.at(t0() + Duration::minutes(5));
    let re = accounts::reissue_key(&mut e.store, &e.cfg, &later, r.account_id).expect("reissue");
    assert_eq!(re.cancelled_mails, 1);
    let mails = storage::outbox::for_account(e.store.conn(), r.account_id).expect("mails");
    let old = mails
        .iter()
        .find(|m| m.id == r.mail.outbox_id)
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

#[test]
fn r_auth_2_five_failures_lock_and_an_admin_unlock_is_logged() {
    let mut e = env();
    for _ in 0..5 {
        let r = auth::sign_in(&mut e.store, "tanaka", "wrong-password-x", "t", t0());
        assert!(matches!(
            r,
            Err(SignInError::Refused(SignInFailure::WrongPassword))
        ));
    }
    let r = auth::sign_in(&mut e.store, "tanaka", CLERK_PW, "t", t0());
    assert!(
        matches!(r, Err(SignInError::Refused(SignInFailure::Locked))),
        "locked even with the right password"
    );
    staff::unlock(&mut e.store, &e.admin, "tanaka").expect("unlock");
    let rows = madoguchi::storage::audit::recent(e.store.conn(), 5).expect("audit");
    assert!(
        rows.iter().any(|r| r.entry.action == "staff.unlock"
            && r.entry.subject.as_deref() == Some("staff:tanaka")
            && r.entry.staff_name.as_deref() == Some("admin")),
        "{rows:?}"
    );
    auth::sign_in(&mut e.store, "tanaka", CLERK_PW, "t", t0()).expect("unlocked");
}

#[test]
fn r_auth_3_disabled_staff_cannot_act_in_an_already_open_session() {
    let mut e = env();
    let open = e.clerk.clone();
    staff::disable(&mut e.store, &e.admin, "tanaka").expect("disable");
    let r = accounts::register(&mut e.store, &e.cfg, &open, &employer("x@example.co.jp"));
    assert!(matches!(r, Err(ServiceError::Denied)), "{r:?}");
    let r = auth::sign_in(&mut e.store, "tanaka", CLERK_PW, "t", t0());
    assert!(matches!(
        r,
        Err(SignInError::Refused(SignInFailure::Disabled))
    ));
}

#[test]
fn spec_1_auditor_cannot_register() {
    let mut e = env();
    let auditor = add_staff(
        &mut e.store,
        &e.admin,
        "sato",
        Role::Auditor,
        "auditor-secret-pass",
    );
    let r = accounts::register(&mut e.store, &e.cfg, &auditor, &employer("y@example.co.jp"));
    assert!(matches!(r, Err(ServiceError::Denied)), "{r:?}");
    assert!(
        audit::recent(&e.store, &auditor, 5).is_ok(),
        "auditors read the log"
    );
}

#[test]
fn r_auth_4_after_an_admin_reset_the_password_must_be_changed() {
    let mut e = env();
    let temp = staff::reset_password(&mut e.store, &e.admin, "tanaka").expect("reset");
    assert!(auth::sign_in(&mut e.store, "tanaka", CLERK_PW, "t", t0()).is_err());
    let s = auth::sign_in(&mut e.store, "tanaka", &temp, "t", t0()).expect("temp works");
    assert!(s.must_change_password);
    auth::change_password(
        &mut e.store,
        &s.ctx,
        &temp,
        "brand-new-passphrase",
        "brand-new-passphrase",
    )
    .expect("change");
    let s = auth::sign_in(&mut e.store, "tanaka", "brand-new-passphrase", "t", t0()).expect("new");
    assert!(!s.must_change_password);
}

#[test]
fn r_aud_2_verify_detects_the_oldest_rows_deleted_and_reports_the_head() {
    let e = env();
    let ok = audit::verify(&e.store).expect("verify");
    let (head_id, head_hash) = ok.head.clone().expect("head");
    assert_eq!(head_id, ok.rows);
    assert_eq!(head_hash.len(), 64);
    let attacker = rusqlite::Connection::open(&e.path).expect("open");
    attacker
        .execute_batch(
            "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id IN (1, 2);",
        )
        .expect("tamper");
    let bad = audit::verify(&e.store).expect("verify");
    assert_eq!(bad.first_bad.map(|b| b.0), Some(3));
}

#[test]
fn r_aud_1_a_password_typed_as_the_id_never_reaches_the_log() {
    let mut e = env();
    let typo = "My Secret Pass 2026!";
    assert!(auth::sign_in(&mut e.store, typo, "x", "t", t0()).is_err());
    let rows = storage::audit::recent(e.store.conn(), 1).expect("rows");
    assert_eq!(rows[0].entry.subject.as_deref(), Some("staff:?"));
    assert!(!format!("{:?}", rows[0]).contains("Secret"));
}

#[test]
fn r_auth_4_nothing_but_the_password_change_until_it_is_done() {
    let mut e = env();
    let temp = staff::reset_password(&mut e.store, &e.admin, "tanaka").expect("reset");
    let s = auth::sign_in(&mut e.store, "tanaka", &temp, "t", t0()).expect("temp works");
    let err = accounts::register(&mut e.store, &e.cfg, &s.ctx, &employer("a@example.co.jp"))
        .expect_err("refused");
    assert!(matches!(err, ServiceError::Denied), "{err:?}");
}

/// Schema v13: `submissions_account` holds the account alone, so every per-account query
/// (account screen, reminder names, withdrawal, purge) reads it in id order without a sort,
/// and a state change leaves its entry where it is.
#[test]
fn storage_v13_account_queries_read_the_account_index_without_sorting() {
    let e = env();
    let conn = e.store.conn();
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_index_info('submissions_account')")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("cols");
    assert_eq!(cols, ["account_id"]);
    for q in [
        storage::review::SQL_FOR_ACCOUNT,
        storage::review::SQL_PENDING_NAMES,
        storage::review::SQL_PURGEABLE_OF_ACCOUNT,
        storage::submissions::SQL_WITHDRAW_PENDING,
    ] {
        let plan = storage::queues::explain(conn, q).expect("plan");
        assert!(
            plan.iter()
                .any(|s| s.contains("USING INDEX submissions_account")),
            "{q}\n{plan:#?}"
        );
        assert!(
            !plan.iter().any(|s| s.contains("TEMP B-TREE")),
            "{q}\n{plan:#?}"
        );
    }
}
