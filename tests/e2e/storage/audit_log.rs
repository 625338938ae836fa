//! The database file and the audit log: owner-only files, refused updates, tampering found
//! (R-AUD-1/2), synced commits (R-ID-3).

use std::path::Path;

use madoguchi::service::accounts;
use madoguchi::service::audit;
use madoguchi::service::auth;
use madoguchi::storage::{self, Store};

use super::{employer, env, t0, wal};

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
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
