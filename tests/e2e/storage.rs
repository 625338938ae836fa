//! Storage and service rules on a real database file (tempfile), as the program runs them.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::authkey::{self, ActivationOutcome};
use madoguchi::domain::ids::AccountId;
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
        input.accept_warnings = true;
        accounts::register(&mut e.store, &e.cfg, &e.clerk, &input)
            .unwrap_or_else(|x| panic!("account {} of 11: {x:?}", i + 1));
    }
    let mut input = employer("staff11@example.co.jp");
    input.establishment_number = "1301-999999-9".into();
    input.accept_warnings = true;
    match accounts::register(&mut e.store, &e.cfg, &e.clerk, &input) {
        Err(ServiceError::Invalid(issues)) => {
            assert!(
                issues.iter().any(|i| i.field == "establishment_number"
                    && i.code == "establishment_accounts_full"),
                "{issues:?}"
            );
        }
        other => panic!("expected the 12th to be refused, got {other:?}"),
    }
}

/// Issue 15 item 14: an establishment number nobody registered here is said (orange), and
/// taken once the clerk confirms.
#[test]
fn r_reg_1_an_unknown_establishment_number_warns_until_confirmed() {
    let mut e = env();
    let mut input = employer("new@example.co.jp");
    input.establishment_number = "1301-999999-9".into();
    match accounts::register(&mut e.store, &e.cfg, &e.clerk, &input) {
        Err(ServiceError::Invalid(issues)) => assert!(
            issues.iter().any(|i| i.field == "establishment_number"
                && i.code == "establishment_unknown"
                && i.severity == madoguchi::service::Severity::Warning),
            "{issues:?}"
        ),
        other => panic!("expected the warning, got {other:?}"),
    }
    input.accept_warnings = true;
    accounts::register(&mut e.store, &e.cfg, &e.clerk, &input).expect("confirmed");
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
        let plan = storage::queue::explain(conn, q).expect("plan");
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

fn seeker(email: &str, kana: &str, number: &str) -> RegisterInput {
    RegisterInput {
        kind: Some(AccountKind::Seeker),
        email: email.into(),
        email_confirm: email.into(),
        birth_date: "1990-04-01".into(),
        name: "山田 太郎".into(),
        name_kana: kana.into(),
        seeker_number: number.into(),
        ..RegisterInput::default()
    }
}

#[test]
fn r_reg_2_address_in_another_letter_case_is_refused_naming_the_holder() {
    let mut e = env();
    let first = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &RegisterInput {
            accept_warnings: true, // free mail (R-REG-3)
            ..employer("Taro@gmail.com")
        },
    )
    .expect("first");
    assert_eq!(first.email, "Taro@gmail.com", "stored as typed");
    for again in ["taro@gmail.com", "TARO@GMAIL.COM", "tArO@Gmail.com"] {
        let err = accounts::register(
            &mut e.store,
            &e.cfg,
            &e.clerk,
            &RegisterInput {
                accept_warnings: true,
                ..employer(again)
            },
        )
        .expect_err("same address");
        match err {
            ServiceError::EmailInUse { account_id, kind } => {
                assert_eq!(account_id, first.account_id, "{again}");
                assert_eq!(kind, AccountKind::Employer);
            }
            other => panic!("{again}: expected EmailInUse, got {other:?}"),
        }
    }
    // A job seeker cannot take it either.
    let err = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &seeker("TARO@gmail.com", "ヤマダ　タロウ", "13010-12345678"),
    )
    .expect_err("same address");
    assert!(
        matches!(err, ServiceError::EmailInUse { account_id, .. } if account_id == first.account_id)
    );
}

#[test]
fn r_reg_2_lookup_by_another_letter_case_finds_the_account() {
    let mut e = env();
    let r = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("Hanako.Sato@Example.co.jp"),
    )
    .expect("reg");
    for typed in [
        "hanako.sato@example.co.jp",
        "HANAKO.SATO@EXAMPLE.CO.JP",
        "ｈａｎａｋｏ．ｓａｔｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ",
    ] {
        assert_eq!(
            accounts::find(&e.store, &e.clerk, typed).expect("find"),
            Some(r.account_id),
            "{typed}"
        );
        let hits = madoguchi::service::lookup::search(
            &mut e.store,
            &e.clerk,
            "ID照会",
            &madoguchi::service::lookup::SearchKey::Email(typed.into()),
        )
        .expect("search")
        .hits;
        assert_eq!(
            hits.iter().map(|h| h.account_id).collect::<Vec<_>>(),
            vec![Some(r.account_id)],
            "{typed}"
        );
    }
    let view = accounts::show(
        &mut e.store,
        &e.clerk,
        "hanako.sato@example.co.jp",
        "問合せ対応",
    )
    .expect("show");
    assert_eq!(view.account.id, r.account_id);
    assert_eq!(view.account.email, "Hanako.Sato@example.co.jp");
}

#[test]
fn r_reg_2_old_carrier_addresses_refused_with_their_reason() {
    let mut e = env();
    for bad in [
        "taro..yamada@docomo.ne.jp",
        "hanako.@ezweb.ne.jp",
        ".taro@softbank.ne.jp",
    ] {
        let err =
            accounts::register(&mut e.store, &e.cfg, &e.clerk, &employer(bad)).expect_err(bad);
        match err {
            ServiceError::Invalid(issues) => assert!(
                issues
                    .iter()
                    .any(|i| i.field == "email" && i.code == "local_part_dots"),
                "{bad}: {issues:?}"
            ),
            other => panic!("{bad}: expected Invalid, got {other:?}"),
        }
    }
}

#[test]
fn spec_5_seeker_kana_at_counter_registration_follows_the_one_kana_rule() {
    let mut e = env();
    let cases = [
        ("ジョン・スミス", "ジョン・スミス"),
        ("ｶﾞｷﾞｸﾞ ﾀﾛｳ", "ガギグ　タロウ"),
        ("やまだ　たろう", "ヤマダ　タロウ"),
        ("ジョン-スミス", "ジョンースミス"),
        ("ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス"),
    ];
    for (i, (typed, stored)) in cases.iter().enumerate() {
        let r = accounts::register(
            &mut e.store,
            &e.cfg,
            &e.clerk,
            &seeker(
                &format!("kana{i}@example.jp"),
                typed,
                &format!("13010-1234567{i}"),
            ),
        )
        .unwrap_or_else(|err| panic!("{typed}: {err:?}"));
        let row = storage::accounts::by_id(e.store.conn(), r.account_id)
            .expect("q")
            .expect("row");
        assert_eq!(row.name_kana.as_deref(), Some(*stored), "{typed}");
    }
    let err = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &seeker("kanji@example.jp", "山田・タロウ", "13010-22345678"),
    )
    .expect_err("kanji");
    match err {
        ServiceError::Invalid(issues) => {
            let i = issues
                .iter()
                .find(|i| i.field == "name_kana")
                .expect("kana issue");
            assert_eq!(i.code, "not_kana");
            assert_eq!(i.param.as_deref(), Some("山"));
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// A database at schema version 14 as the upgrade found it (schema.sql and 002–014).
fn database_at_v14(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(include_str!("../../schema.sql"))
        .expect("v1");
    for sql in [
        include_str!("../../assets/sql/002_submissions.sql"),
        include_str!("../../assets/sql/003_review.sql"),
        include_str!("../../assets/sql/004_lookup.sql"),
        include_str!("../../assets/sql/005_import_writes.sql"),
        include_str!("../../assets/sql/006_queue_search.sql"),
        include_str!("../../assets/sql/007_queue_order.sql"),
        include_str!("../../assets/sql/008_import_speed.sql"),
        include_str!("../../assets/sql/009_job_category.sql"),
        include_str!("../../assets/sql/010_import_writes_less.sql"),
        include_str!("../../assets/sql/011_payload_any.sql"),
        include_str!("../../assets/sql/012_stale_name_index.sql"),
        include_str!("../../assets/sql/013_account_index.sql"),
        include_str!("../../assets/sql/014_account_origin.sql"),
    ] {
        conn.execute_batch(sql).expect("upgrade");
    }
    conn.pragma_update(None, "user_version", 14)
        .expect("version");
    conn
}

#[test]
fn r_reg_2_v15_upgrade_keeps_and_reports_live_accounts_differing_only_in_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v14.db");
    {
        let conn = database_at_v14(&path);
        // Under the old key (local part as typed) these were three different addresses.
        conn.execute_batch(
            "INSERT INTO accounts (id, kind, email, email_key, state, created_at, updated_at) VALUES
             (1, 'employer', 'taro@gmail.com', 'taro@gmail.com', 'key_pending', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z'),
             (2, 'employer', 'Taro@gmail.com', 'Taro@gmail.com', 'opened', '2026-01-10T00:00:00Z', '2026-01-10T00:00:00Z'),
             (3, 'seeker', 'TARO@gmail.com', 'TARO@gmail.com', 'activated', '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z'),
             (4, 'employer', 'TaRo@gmail.com', 'TaRo@gmail.com', 'withdrawn', '2025-12-01T00:00:00Z', '2025-12-01T00:00:00Z'),
             (5, 'employer', 'Hanako@Example.jp', 'Hanako@example.jp', 'opened', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
             (6, 'employer', '', 'purged:6', 'withdrawn', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
        )
        .expect("v14 rows");
    }
    let store = Store::open(&path).expect("upgrade");
    let conn = store.conn();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert!(v >= 15);
    let key = |id: i64| -> String {
        conn.query_row("SELECT email_key FROM accounts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("key")
    };
    // The oldest live account holds the lower-cased address; the newer live ones are kept,
    // under keys of their own; other rows simply take the new key.
    assert_eq!(key(2), "taro@gmail.com");
    assert_eq!(key(3), "taro@gmail.com#3");
    assert_eq!(key(1), "taro@gmail.com#1");
    assert_eq!(key(4), "taro@gmail.com");
    assert_eq!(key(5), "hanako@example.jp");
    assert_eq!(key(6), "purged:6");
    // Nothing merged: every address is still there as typed, states unchanged.
    let emails: Vec<(i64, String, String)> = conn
        .prepare("SELECT id, email, state FROM accounts ORDER BY id")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        emails[0],
        (1, "taro@gmail.com".into(), "key_pending".into())
    );
    assert_eq!(emails[2], (3, "TARO@gmail.com".into(), "activated".into()));
    // Reported: the holder first, then the others.
    let conflicts = storage::accounts::email_case_conflicts(conn).expect("conflicts");
    let listed: Vec<(i64, i64, &str)> = conflicts
        .iter()
        .map(|c| (c.account_id.0, c.holder_id.0, c.email.as_str()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (2, 2, "Taro@gmail.com"),
            (1, 2, "taro@gmail.com"),
            (3, 2, "TARO@gmail.com")
        ]
    );
    // The holder answers "who holds this address"; a lookup by address finds all of them.
    let holder = storage::accounts::live_by_email_key(conn, "taro@gmail.com")
        .expect("q")
        .expect("holder");
    assert_eq!(holder.id, AccountId(2));
    let all: Vec<i64> = storage::accounts::all_by_email_key(conn, "taro@gmail.com")
        .expect("q")
        .iter()
        .map(|a| a.id.0)
        .collect();
    assert_eq!(all, vec![4, 3, 2, 1]);
}

#[test]
fn r_reg_2_case_conflicts_are_listed_masked_for_supervisors_only() {
    let mut e = env();
    let a = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("taro.yamada@example.co.jp"),
    )
    .expect("a");
    // As the version 15 upgrade leaves them: a second live account kept apart under key#id.
    e.store
        .conn()
        .execute_batch(&format!(
            "INSERT INTO accounts (id, kind, email, email_key, state, created_at, updated_at) VALUES
             (900, 'employer', 'Taro.Yamada@example.co.jp', 'taro.yamada@example.co.jp#900',
              'key_pending', '2026-04-01T02:00:00Z', '2026-04-01T02:00:00Z');
             INSERT INTO email_case_conflicts (account_id, holder_id, found_at) VALUES
             ({id}, {id}, '2026-04-01T03:00:00Z'), (900, {id}, '2026-04-01T03:00:00Z');",
            id = a.account_id
        ))
        .expect("rows");
    assert!(matches!(
        accounts::email_case_conflicts(&e.store, &e.clerk),
        Err(ServiceError::Denied)
    ));
    let admin = e.admin.clone();
    let boss = add_staff(&mut e.store, &admin, "suzuki", Role::Supervisor, CLERK_PW);
    let list = accounts::email_case_conflicts(&e.store, &boss).expect("list");
    let seen: Vec<(AccountId, AccountId)> =
        list.iter().map(|c| (c.account_id, c.holder_id)).collect();
    assert_eq!(
        seen,
        vec![(a.account_id, a.account_id), (AccountId(900), a.account_id)]
    );
    for c in &list {
        assert!(c.email.contains('*'), "masked: {}", c.email);
        assert!(!c.email.contains("yamada"), "masked: {}", c.email);
    }
    // Both answer a lookup by the address, in any case; the holder answers "who holds it".
    assert_eq!(
        accounts::find(&e.store, &e.clerk, "TARO.YAMADA@example.co.jp").expect("find"),
        Some(a.account_id)
    );
    let hits = madoguchi::service::lookup::search(
        &mut e.store,
        &e.clerk,
        "ID照会",
        &madoguchi::service::lookup::SearchKey::Email("taro.yamada@EXAMPLE.co.jp".into()),
    )
    .expect("search")
    .hits;
    let mut ids: Vec<Option<AccountId>> = hits.iter().map(|h| h.account_id).collect();
    ids.sort();
    assert_eq!(ids, vec![Some(a.account_id), Some(AccountId(900))]);
    // While any of them is live the address stays taken, in any letter case.
    e.store
        .conn()
        .execute(
            "UPDATE accounts SET state = 'withdrawn' WHERE id = ?1",
            [a.account_id],
        )
        .expect("withdraw the holder");
    let err = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("TARO.yamada@example.co.jp"),
    )
    .expect_err("still taken");
    assert!(
        matches!(
            err,
            ServiceError::EmailInUse {
                account_id: AccountId(900),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn r_reg_2_an_old_carrier_account_registered_before_the_rule_is_still_found() {
    let mut e = env();
    e.store
        .conn()
        .execute_batch(
            "INSERT INTO accounts (id, kind, email, email_key, state, created_at, updated_at) VALUES
             (700, 'seeker', 'Taro..Yamada@docomo.ne.jp', 'taro..yamada@docomo.ne.jp', 'opened',
              '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z');",
        )
        .expect("row");
    assert_eq!(
        accounts::find(&e.store, &e.clerk, "taro..yamada@docomo.ne.jp").expect("find"),
        Some(AccountId(700))
    );
    let hits = madoguchi::service::lookup::search(
        &mut e.store,
        &e.clerk,
        "ID照会",
        &madoguchi::service::lookup::SearchKey::Email("TARO..YAMADA@docomo.ne.jp".into()),
    )
    .expect("search")
    .hits;
    assert_eq!(hits.len(), 1);
    // A new registration of it is refused for its dots.
    let err = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("jiro..yamada@docomo.ne.jp"),
    )
    .expect_err("dots");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
}

#[test]
fn spec_5_seeker_kana_lookup_follows_the_one_kana_rule() {
    let mut e = env();
    let r = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &seeker("john@example.jp", "ジョン・スミス", "13010-12345678"),
    )
    .expect("reg");
    for typed in [
        "ジョン・スミス",
        "ジョンスミス",
        "じょん・すみす",
        "ｼﾞｮﾝ･ｽﾐｽ",
        "ジョン スミス",
        "スミス",
    ] {
        let hits = madoguchi::service::lookup::search(
            &mut e.store,
            &e.clerk,
            "ID照会",
            &madoguchi::service::lookup::SearchKey::SeekerKana {
                kana: typed.into(),
                birth_date: "1990-04-01".into(),
            },
        )
        .expect("search")
        .hits;
        assert_eq!(
            hits.iter().map(|h| h.account_id).collect::<Vec<_>>(),
            vec![Some(r.account_id)],
            "{typed}"
        );
    }
    // A typed '-' is ー in the query as in the stored kana.
    let r2 = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &seeker("card@example.jp", "カード　タロウ", "13010-22345678"),
    )
    .expect("reg");
    let hits = madoguchi::service::lookup::search(
        &mut e.store,
        &e.clerk,
        "ID照会",
        &madoguchi::service::lookup::SearchKey::SeekerKana {
            kana: "ｶ-ﾄﾞ".into(),
            birth_date: "1990-04-01".into(),
        },
    )
    .expect("search")
    .hits;
    assert_eq!(
        hits.iter().map(|h| h.account_id).collect::<Vec<_>>(),
        vec![Some(r2.account_id)]
    );
}

#[test]
fn spec_5_establishment_kana_lookup_follows_the_one_kana_rule() {
    let mut e = env();
    let acc = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("kana@example.co.jp"),
    )
    .expect("account")
    .account_id;
    // Stored as validation leaves it (the import validates before it stores).
    let (est, findings) = madoguchi::domain::validate::check_establishment(
        &madoguchi::domain::establishment::Establishment {
            name: "ジョン・スミス商会".into(),
            name_kana: "ｼﾞｮﾝ･ｽﾐｽ ｼｮｳｶｲ".into(),
            representative_title: "代表".into(),
            representative_name: "ジョン スミス".into(),
            postal_code: "112-0004".into(),
            address: "東京都文京区後楽1-9-20".into(),
            phone: "03-3812-8609".into(),
            ..Default::default()
        },
    );
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(est.name_kana, "ジョン・スミス　ショウカイ");
    let id = storage::establishments::insert(e.store.conn(), &est, acc, t0()).expect("insert");
    for typed in [
        "ジョンスミス",
        "じょん・すみす",
        "ｼﾞｮﾝ ｽﾐｽ ｼｮｳｶｲ",
        "スミス　ショウカイ",
    ] {
        let hits = madoguchi::service::lookup::search(
            &mut e.store,
            &e.clerk,
            "ID照会",
            &madoguchi::service::lookup::SearchKey::Kana(typed.into()),
        )
        .expect("search")
        .hits;
        assert_eq!(
            hits.iter().map(|h| h.establishment_id).collect::<Vec<_>>(),
            vec![Some(id)],
            "{typed}"
        );
    }
}

/// R-ID-3 / SPEC §1 (issue 16 item 9): every connection commits with `synchronous = FULL` in
/// WAL mode, so an audit row of a look at personal data is synced to disk before the data is
/// shown, and a confirmed action survives a power cut (NORMAL syncs only at checkpoints).
#[test]
fn r_id_3_commits_are_synced_before_the_caller_goes_on() {
    let e = env();
    let conn = e.store.conn();
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal_mode");
    let sync: i64 = conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .expect("synchronous");
    assert_eq!(journal, "wal");
    assert_eq!(sync, 2, "FULL (2), not NORMAL (1)");
    let other = Store::open_existing(e.store.path().expect("a file")).expect("second connection");
    let sync: i64 = other
        .conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .expect("synchronous");
    assert_eq!(sync, 2);
}
