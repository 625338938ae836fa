//! R-AUD-2: the audit log is a keyed chain (HMAC under the install secret), ids are never
//! reused, the head is also kept in a head file beside the database, the guard triggers are
//! checked at every start and by `verify`, and retention trims from a signed cut point. One
//! test per tampering.

use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::{Ctx, audit, auth, setup, staff};
use madoguchi::storage::{self, StorageError, Store};

const ADMIN_PW: &str = "root-of-trust-phrase";

fn t0() -> DateTime<Utc> {
    madoguchi::clock::parse_rfc3339("2026-04-01T01:00:00Z").expect("time")
}

struct Env {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    admin: Ctx,
}

/// A database with a handful of audit rows: init, sign-ins, staff added.
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
    for name in ["tanaka", "suzuki", "sato"] {
        staff::add(
            &mut store,
            &admin,
            name,
            name,
            &Roles::new(vec![Role::Counter]),
        )
        .expect("add");
    }
    Env {
        _dir: dir,
        path,
        store,
        admin,
    }
}

fn verify(store: &Store) -> storage::audit::VerifyReport {
    audit::verify(store).expect("verify")
}

fn attacker(e: &Env) -> rusqlite::Connection {
    rusqlite::Connection::open(&e.path).expect("attacker's connection")
}

fn max_id(e: &Env) -> i64 {
    e.store
        .conn()
        .query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0))
        .expect("max")
}

#[test]
fn r_aud_2_rows_are_keyed_under_the_install_secret_and_the_head_file_follows() {
    let e = env();
    let ok = verify(&e.store);
    assert!(ok.first_bad.is_none(), "{ok:?}");
    let (id, hash) = ok.head.clone().expect("head");
    assert_eq!(id, max_id(&e));
    // Not the plain SHA-256 of the row: the hash needs the secret.
    let rows = storage::audit::recent(e.store.conn(), 100).expect("rows");
    for r in &rows {
        assert!(r.keyed, "every new row is keyed: {r:?}");
        assert_ne!(
            r.hash,
            storage::audit::row_hash(r.id, &r.entry, &r.prev_hash)
        );
        assert_eq!(
            r.hash,
            storage::audit::keyed_hash(e.store.secret(), r.id, &r.entry, &r.prev_hash)
        );
    }
    let head_file = storage::audit::head_path_for(&e.path);
    assert_eq!(
        storage::audit::recorded_head(&head_file).expect("read"),
        Some((id, hash))
    );
    let mode = std::fs::metadata(&head_file)
        .expect("file")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "the head file is owner-only");
    // Another install's secret does not verify this chain.
    let other = storage::audit::verify(
        e.store.conn(),
        &madoguchi::secret::InstallSecret::ephemeral(),
        None,
    )
    .expect("verify");
    assert!(other.first_bad.is_some());
}

#[test]
fn r_aud_2_deleting_the_newest_rows_is_detected() {
    let e = env();
    let head = max_id(&e);
    attacker(&e)
        .execute_batch(&format!(
            "DROP TRIGGER audit_log_no_delete;
             DELETE FROM audit_log WHERE id >= {};
             {}",
            head - 1,
            storage::audit::TRIGGERS[1].1
        ))
        .expect("cut the end, put the guard back");
    // The chain that is left is whole: only the head file tells.
    let bad = verify(&e.store);
    let (id, why) = bad.first_bad.expect("detected");
    assert_eq!(why, "rows_cut_off");
    assert_eq!(id, head);
}

#[test]
fn r_aud_2_a_row_edited_and_every_hash_recomputed_as_plain_sha256_is_detected() {
    let e = env();
    let target = 3;
    let conn = attacker(&e);
    conn.execute_batch("DROP TRIGGER audit_log_no_update;")
        .expect("drop");
    // Rewrite row 3 and re-hash it and every later row as the old plain chain did: no secret
    // needed for that.
    let rows: Vec<storage::audit::AuditRow> = {
        let mut all = storage::audit::recent(e.store.conn(), 1000).expect("rows");
        all.reverse();
        all
    };
    let mut prev = rows
        .iter()
        .find(|r| r.id == target - 1)
        .expect("row before")
        .hash
        .clone();
    for r in rows.iter().filter(|r| r.id >= target) {
        let mut entry = r.entry.clone();
        if r.id == target {
            entry.staff_name = Some("someone-else".into());
        }
        let hash = storage::audit::row_hash(r.id, &entry, &prev);
        conn.execute(
            "UPDATE audit_log SET staff_name = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
            rusqlite::params![r.id, entry.staff_name, prev, hash],
        )
        .expect("rewrite");
        prev = hash;
    }
    conn.execute_batch(storage::audit::TRIGGERS[0].1)
        .expect("guard back");
    let bad = verify(&e.store);
    assert_eq!(
        bad.first_bad,
        Some((target, "hash_mismatch".to_string())),
        "{bad:?}"
    );
    // Marking them unkeyed as well does not help.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET keyed = 0 WHERE id >= 3;",
    )
    .expect("unkey");
    conn.execute_batch(storage::audit::TRIGGERS[0].1)
        .expect("guard back");
    let bad = verify(&e.store);
    assert!(bad.first_bad.is_some(), "{bad:?}");
}

#[test]
fn r_aud_2_dropped_triggers_are_detected_at_start_and_by_verify() {
    let e = env();
    attacker(&e)
        .execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .expect("drop");
    // The chain is whole, the guards are gone: verify says so…
    let bad = verify(&e.store);
    let (_, why) = bad.first_bad.expect("detected");
    assert_eq!(why, "trigger_missing:audit_log_no_update");
    // …and the next start refuses.
    match Store::open(&e.path) {
        Err(StorageError::AuditGuard(names)) => {
            assert_eq!(names, vec!["audit_log_no_update", "audit_log_no_delete"]);
        }
        other => panic!("start not refused: {other:?}"),
    }
    // A guard replaced by a harmless one counts as missing too.
    attacker(&e)
        .execute_batch(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN 0 BEGIN SELECT 1; END;",
        )
        .expect("fake guard");
    assert!(matches!(
        Store::open(&e.path),
        Err(StorageError::AuditGuard(_))
    ));
    // `audit verify` can still open it.
    let s = Store::open_unguarded(&e.path).expect("open for verify");
    assert!(verify(&s).first_bad.is_some());
}

#[test]
fn r_aud_2_rows_cut_and_an_id_reused_are_detected() {
    let mut e = env();
    let head = max_id(&e);
    let conn = attacker(&e);
    // Cut the newest row and put a forged one with the same id in its place, hashed plainly.
    let mut rows = storage::audit::recent(e.store.conn(), 2).expect("rows");
    let (last, before) = (rows.remove(0), rows.remove(0));
    let mut forged = last.entry.clone();
    forged.action = "staff.add".into();
    forged.subject = Some("staff:nobody".into());
    conn.execute_batch("DROP TRIGGER audit_log_no_delete;")
        .expect("drop");
    conn.execute("DELETE FROM audit_log WHERE id = ?1", [head])
        .expect("cut");
    conn.execute(
        "INSERT INTO audit_log (id, at_utc, terminal, action, subject, outcome, prev_hash, hash, keyed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)",
        rusqlite::params![
            head,
            forged.at_utc,
            forged.terminal,
            forged.action,
            forged.subject,
            forged.outcome,
            before.hash,
            storage::audit::row_hash(head, &forged, &before.hash)
        ],
    )
    .expect("reuse the id");
    conn.execute_batch(storage::audit::TRIGGERS[1].1)
        .expect("guard back");
    let bad = verify(&e.store);
    assert_eq!(
        bad.first_bad.map(|b| b.0),
        Some(head),
        "the reused id is caught"
    );

    // The program itself never gives an id again: cut the end and append.
    conn.execute_batch("DROP TRIGGER audit_log_no_delete;")
        .expect("drop");
    conn.execute("DELETE FROM audit_log WHERE id = ?1", [head])
        .expect("cut");
    conn.execute_batch(storage::audit::TRIGGERS[1].1)
        .expect("guard back");
    staff::add(
        &mut e.store,
        &e.admin,
        "kato",
        "kato",
        &Roles::new(vec![Role::Counter]),
    )
    .expect("add");
    let newest = max_id(&e);
    assert_eq!(newest, head + 1, "id {head} is not reused");
    let bad = verify(&e.store);
    assert_eq!(
        bad.first_bad,
        Some((newest, "row_missing".to_string())),
        "{bad:?}"
    );
}

#[test]
fn r_aud_2_retention_trims_from_a_signed_cut_point_and_the_rest_verifies() {
    let mut e = env();
    let before = verify(&e.store);
    assert!(before.first_bad.is_none());
    // Everything is older than a day 400 days on.
    let later = e.admin.at(t0() + chrono::Duration::days(400));
    let t = audit::trim(&mut e.store, &later, 365).expect("trim");
    let first = t.first_kept.expect("rows removed");
    assert_eq!(t.removed, first - 1);
    let after = verify(&e.store);
    assert!(after.first_bad.is_none(), "{after:?}");
    assert_eq!(after.rows, before.rows - t.removed + 1, "plus the trim row");
    // The trigger still refuses every kept row.
    let conn = attacker(&e);
    let del = conn.execute("DELETE FROM audit_log WHERE id = ?1", [first]);
    assert!(del.is_err_and(|x| x.to_string().contains("append-only")));
    // Moving the cut forward without the secret is caught; moving it back is refused.
    conn.execute_batch("DROP TRIGGER audit_log_no_delete;")
        .expect("drop");
    conn.execute("DELETE FROM audit_log WHERE id = ?1", [first])
        .expect("cut");
    conn.execute_batch(storage::audit::TRIGGERS[1].1)
        .expect("guard back");
    let next_prev: String = conn
        .query_row(
            "SELECT prev_hash FROM audit_log WHERE id = ?1",
            [first + 1],
            |r| r.get(0),
        )
        .expect("prev");
    conn.execute(
        "UPDATE audit_cut SET first_id = ?1, prev_hash = ?2",
        rusqlite::params![first + 1, next_prev],
    )
    .expect("move the cut");
    let bad = verify(&e.store);
    assert_eq!(bad.first_bad, Some((first + 1, "cut_forged".to_string())));
    let back = conn.execute("UPDATE audit_cut SET first_id = 1", []);
    assert!(back.is_err(), "the cut only moves forward");
}

#[test]
fn r_aud_2_an_upgraded_log_keeps_its_plain_rows_verifiable_and_anchored_by_the_first_keyed_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.db");
    {
        // A version 15 database with a plain SHA-256 chain of three rows.
        let conn = rusqlite::Connection::open(&path).expect("open");
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
            include_str!("../../assets/sql/015_email_case.sql"),
        ] {
            conn.execute_batch(sql).expect("upgrade");
        }
        conn.pragma_update(None, "user_version", 15)
            .expect("version");
        let mut prev = storage::audit::GENESIS.to_string();
        for id in 1..=3 {
            let e = storage::audit::AuditEntry {
                at_utc: "2026-04-01T01:00:00Z".into(),
                terminal: "old".into(),
                action: format!("old.{id}"),
                outcome: "ok".into(),
                ..Default::default()
            };
            let hash = storage::audit::row_hash(id, &e, &prev);
            conn.execute(
                "INSERT INTO audit_log (id, at_utc, terminal, action, outcome, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![id, e.at_utc, e.terminal, e.action, e.outcome, prev, hash],
            )
            .expect("old row");
            prev = hash;
        }
    }
    let store = Store::open(&path).expect("upgrade to 16");
    let ok = verify(&store);
    assert!(ok.first_bad.is_none(), "{ok:?}");
    assert_eq!(ok.rows, 4);
    let rows = storage::audit::recent(store.conn(), 10).expect("rows");
    assert_eq!(rows[0].entry.action, "audit.chain_keyed");
    assert!(rows[0].keyed && rows.iter().skip(1).all(|r| !r.keyed));
    assert!(
        rows[0]
            .entry
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("intact")),
        "{:?}",
        rows[0].entry.detail
    );
    // A plain row rewritten with its plain hash recomputed breaks the keyed row's link.
    let conn = rusqlite::Connection::open(&path).expect("attacker");
    conn.execute_batch("DROP TRIGGER audit_log_no_update;")
        .expect("drop");
    let mut prev = storage::audit::GENESIS.to_string();
    for r in rows.iter().rev().filter(|r| !r.keyed) {
        let mut e = r.entry.clone();
        if r.id == 2 {
            e.outcome = "refused".into();
        }
        let hash = storage::audit::row_hash(r.id, &e, &prev);
        conn.execute(
            "UPDATE audit_log SET outcome = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
            rusqlite::params![r.id, e.outcome, prev, hash],
        )
        .expect("rewrite");
        prev = hash;
    }
    conn.execute_batch(storage::audit::TRIGGERS[0].1)
        .expect("guard back");
    let bad = verify(&store);
    assert_eq!(
        bad.first_bad,
        Some((4, "link_broken".to_string())),
        "{bad:?}"
    );
}

#[test]
fn r_aud_2_the_scheduled_retention_run_trims_as_the_system_only_when_configured() {
    let mut e = env();
    let later = t0() + chrono::Duration::days(400);
    let none = audit::trim_scheduled(&mut e.store, 0, later).expect("keep all");
    assert_eq!((none.first_kept, none.removed), (None, 0));
    let t = audit::trim_scheduled(&mut e.store, 365, later).expect("trim");
    assert!(t.removed > 0, "{t:?}");
    let newest = storage::audit::recent(e.store.conn(), 1).expect("rows");
    assert_eq!(newest[0].entry.action, "audit.trim");
    assert_eq!(newest[0].entry.staff_name.as_deref(), Some("system"));
    assert!(verify(&e.store).first_bad.is_none());
    // Trimming again removes nothing more and still verifies.
    let again = audit::trim_scheduled(&mut e.store, 365, later).expect("again");
    assert!(again.removed <= 1, "{again:?}");
    assert!(verify(&e.store).first_bad.is_none());
}

/// After a restore from a replica the head file is missing: an admin re-anchors the head with
/// one logged row, and the chain verifies again; a chain broken elsewhere is not re-anchored.
#[test]
fn r_aud_2_an_admin_re_anchors_a_restored_log_whose_head_file_is_missing() {
    let e = env();
    let (path, mut store, admin) = (e.path, e.store, e.admin);
    let head = madoguchi::storage::audit::head_path_for(&path);
    std::fs::remove_file(&head).expect("head file");
    let v = audit::verify(&store).expect("verify");
    assert_eq!(
        v.first_bad.map(|b| b.1),
        Some("head_file_missing".to_string())
    );
    let a = audit::anchor(&mut store, &admin).expect("anchor");
    assert_eq!(a.recorded, None);
    let v = audit::verify(&store).expect("verify");
    assert_eq!(v.first_bad, None);
    assert_eq!(v.head.map(|h| h.0), Some(a.head));
    let action: String = store
        .conn()
        .query_row(
            "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("row");
    assert_eq!(action, "audit.anchor");
    // A row rewritten in place: the chain itself is broken, and no anchor covers that.
    store
        .conn()
        .execute_batch(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET outcome = 'forged' WHERE id = 2;",
        )
        .expect("tamper");
    assert!(audit::anchor(&mut store, &admin).is_err());
}
