//! Schema upgrades (v9, v10, v11, v14) of a database holding imported rows.

use madoguchi::domain::ids::{AccountId, SubmissionId};
use madoguchi::storage::{self, Store};

use super::{database_at_version, t};

/// Schema v11: versions written before (JSON text) are read as they are after the upgrade,
/// and new versions beside them are stored compressed.
#[test]
fn storage_v11_keeps_text_payloads_readable_beside_compressed_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v10.db");
    let old = r#"{"category":{"kind":"general"},"title":"看護師"}"#;
    {
        let conn = database_at_version(&path, 10);
        conn.execute_batch(
            "INSERT INTO staff (id, name, display_name, roles, password_hash, created_at, updated_at) \
                 VALUES (1, 'a', 'a', 'admin', 'x', '2026-04-06T00:00:00Z', '2026-04-06T00:00:00Z'); \
             INSERT INTO accounts (id, kind, email, email_key, state, created_at, updated_at) \
                 VALUES (1, 'employer', 'a@example.jp', 'a@example.jp', 'activated', \
                         '2026-04-06T00:00:00Z', '2026-04-06T00:00:00Z'); \
             INSERT INTO submissions (id, external_id, kind, account_id, state, display_name, \
                 received_at, current_version, updated_at) VALUES \
             (1, 'j1', 'job', 1, 'received', '看護師', '2026-04-06T00:00:00Z', 1, '2026-04-06T00:00:00Z');",
        )
        .expect("v10 parents");
        conn.execute(
            "INSERT INTO submission_versions (submission_id, version, payload, findings, \
                 received_at, event_id) VALUES (1, 1, ?1, '[]', '2026-04-06T00:00:00Z', 'x1')",
            [old],
        )
        .expect("v10 row");
    }
    let store = Store::open(&path).expect("upgrade to the current version");
    let conn = store.conn();
    storage::submissions::insert_version(
        conn,
        SubmissionId(1),
        2,
        r#"{"category":{"kind":"student"},"title":"看護助手"}"#,
        "[]",
        t("2026-04-08T00:00:00Z"),
        "x2",
    )
    .expect("new version");
    let kinds: Vec<String> = conn
        .prepare("SELECT typeof(payload) FROM submission_versions ORDER BY version")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("types");
    assert_eq!(kinds, ["text", "blob"]);
    let v = storage::submissions::versions(conn, SubmissionId(1)).expect("versions");
    assert_eq!(v[0].payload, old);
    assert_eq!(
        v[1].payload,
        r#"{"category":{"kind":"student"},"title":"看護助手"}"#
    );
}

/// Schema v10 drops the unused generated column (computed for every inserted row) and keeps
/// the rows as they were.
#[test]
fn storage_v10_drops_the_generated_search_rowid_and_keeps_the_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v9.db");
    {
        let conn = database_at_version(&path, 9);
        conn.execute_batch(
            "INSERT INTO submissions (id, external_id, kind, account_id, state, display_name, \
                 deadline, received_at, current_version, updated_at) VALUES \
             (7, 'j7', 'job', 1, 'received', '看護師', '2026-04-20', '2026-04-06T00:00:00Z', 1, \
              '2026-04-06T00:00:00Z');",
        )
        .expect("v9 row");
        let generated: i64 = conn
            .query_row(
                "SELECT search_rowid FROM submissions WHERE id = 7",
                [],
                |r| r.get(0),
            )
            .expect("v9 has the column");
        assert_ne!(generated, 0);
    }
    let store = Store::open(&path).expect("upgrade to the current version");
    let columns: Vec<String> = store
        .conn()
        .prepare("SELECT name FROM pragma_table_xinfo('submissions')")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("columns");
    assert!(!columns.iter().any(|c| c == "search_rowid"), "{columns:?}");
    let row: (String, String, Option<String>, bool) = store
        .conn()
        .query_row(
            "SELECT external_id, display_name, deadline, visit_needed FROM submissions WHERE id = 7",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("row kept");
    assert_eq!((row.0.as_str(), row.1.as_str()), ("j7", "看護師"));
    // v14: the account was opened at the counter; its pending offer keeps a deadline only
    // when it needs a visit, its own (R-DL-1 (b)).
    assert_eq!(row.2.is_some(), row.3, "{row:?}");
}

/// Schema v14 (R-REG-4, issue 14): accounts registered at the counter become counter-opened;
/// the activated ones open at once with no deadline; unexpired keys stay valid; nothing is
/// purged; a pending offer keeps a deadline only when it needs a visit, its own (R-DL-1 (b)).
#[test]
fn storage_v14_counter_accounts_open_keep_their_keys_and_offers_get_their_own_deadlines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v13.db");
    {
        let conn = database_at_version(&path, 13);
        conn.execute_batch(
            "INSERT INTO accounts (id, kind, email, email_key, state, created_at, activated_at,
                                   provisional_deadline, updated_at) VALUES
               (1, 'employer', 'a@example.co.jp', 'a@example.co.jp', 'activated',
                '2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z', '2026-12-15', '2026-12-01T01:00:00Z'),
               (2, 'employer', 'b@example.co.jp', 'b@example.co.jp', 'key_pending',
                '2026-12-07T00:00:00Z', NULL, NULL, '2026-12-07T00:00:00Z');
             INSERT INTO auth_keys (account_id, purpose, key_hash, state, issued_at, expires_at)
               VALUES (2, 'registration', '$argon2id$x', 'live', '2026-12-07T00:00:00Z',
                       '2026-12-07T00:50:00Z');
             INSERT INTO submissions (id, external_id, kind, account_id, state, display_name,
                                      deadline, received_at, current_version, updated_at,
                                      visit_needed) VALUES
               (1, 'e1', 'establishment', 1, 'received', '株式会社さくら', '2026-12-15',
                '2026-12-01T02:00:00Z', 1, '2026-12-01T02:00:00Z', 0),
               (2, 'j1', 'job', 1, 'received', '介護職員', '2026-12-15',
                '2026-12-16T01:00:00Z', 1, '2026-12-16T01:00:00Z', 1),
               (3, 'j2', 'job', 1, 'checked', '一般事務', '2026-12-15',
                '2026-12-02T01:00:00Z', 1, '2026-12-02T01:00:00Z', 0);",
        )
        .expect("v13 rows");
    }
    let mut store = Store::open(&path).expect("upgrade to the current version");
    let acc = |s: &Store, id: i64| {
        storage::accounts::by_id(s.conn(), AccountId(id))
            .expect("read")
            .expect("account")
    };
    let a = acc(&store, 1);
    assert_eq!(a.origin, madoguchi::domain::account::AccountOrigin::Counter);
    assert_eq!(a.state, madoguchi::domain::account::AccountState::Opened);
    assert_eq!(a.opened_at.as_deref(), Some("2026-12-01T01:00:00Z"));
    assert_eq!(a.provisional_deadline, None);
    let b = acc(&store, 2);
    assert_eq!(
        b.state,
        madoguchi::domain::account::AccountState::KeyPending
    );
    let keys = storage::keys::for_account(
        store.conn(),
        AccountId(2),
        storage::keys::KeyPurpose::Registration,
    )
    .expect("ok");
    assert_eq!(keys[0].state, madoguchi::domain::authkey::KeyState::Live);
    let deadline = |id: i64| -> Option<String> {
        store
            .conn()
            .query_row(
                "SELECT deadline FROM submissions WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .expect("ok")
    };
    assert_eq!(deadline(1), None, "an open My Page's establishment");
    // Received 2026-12-16 JST + 14 = 12-30, in the year-end closure → Monday 12-28.
    assert_eq!(deadline(2).as_deref(), Some("2026-12-28"));
    assert_eq!(deadline(3), None, "no visit, no deadline");
    // The sweep long after the old deadline leaves the account and its offers alone.
    let r = madoguchi::service::sweep::run(
        &mut store,
        &madoguchi::config::Config::default(),
        t("2026-12-20T00:00:00Z"),
    )
    .expect("sweep");
    assert_eq!(r.invalidated_accounts, 0);
    assert_eq!(r.purged_accounts + r.purged_submissions, 0);
    assert_eq!(
        acc(&store, 1).state,
        madoguchi::domain::account::AccountState::Opened
    );
}

/// Schema v9 fills the category of the offers already there from their current versions.
#[test]
fn storage_v9_fills_the_category_from_the_current_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v8.db");
    {
        let conn = database_at_version(&path, 8);
        conn.execute_batch(
            "INSERT INTO submissions (id, external_id, kind, account_id, state, display_name, \
                 received_at, current_version, updated_at) VALUES \
             (1, 'j1', 'job', 1, 'received', 'a', '2026-04-06T00:00:00Z', 2, '2026-04-06T00:00:00Z'), \
             (2, 'j2', 'job', 1, 'received', 'b', '2026-04-06T00:00:00Z', 1, '2026-04-06T00:00:00Z'), \
             (3, 'e3', 'establishment', 1, 'received', 'c', '2026-04-06T00:00:00Z', 1, '2026-04-06T00:00:00Z'); \
             INSERT INTO submission_versions (submission_id, version, payload, findings, received_at, event_id) VALUES \
             (1, 1, '{\"category\":{\"kind\":\"general\"}}', '[]', '2026-04-06T00:00:00Z', 'x1'), \
             (1, 2, '{\"category\":{\"kind\":\"disabled\"}}', '[]', '2026-04-06T00:00:00Z', 'x2'), \
             (2, 1, '{\"category\":{}}', '[]', '2026-04-06T00:00:00Z', 'x3'), \
             (3, 1, '{\"name\":\"c\"}', '[]', '2026-04-06T00:00:00Z', 'x4');",
        )
        .expect("v8 rows");
    }
    let store = Store::open(&path).expect("upgrade to the current version");
    let cats: Vec<Option<String>> = store
        .conn()
        .prepare("SELECT job_category FROM submissions ORDER BY id")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert_eq!(cats, [Some("disabled".into()), Some(String::new()), None]);
    assert_eq!(
        storage::review::pending_jobs_by_category(store.conn()).expect("dashboard"),
        [("disabled".to_string(), 1), ("?".to_string(), 1)]
    );
}
