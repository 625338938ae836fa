//! Visit reasons of imported submissions: the flag, the rows that hold them and their upgrade
//! (R-VISIT-1).

use madoguchi::domain::ids::{AccountId, SubmissionId};
use madoguchi::r#gen::prepare_accounts;
use madoguchi::storage::{self, Store};

use super::{Fx, database_at_version, fixture, opts, run, stream, t};

/// R-VISIT-1: the visit flag a queue reads (`visit_needed`) agrees with the stored reasons
/// after new offers and resubmissions alike (the import sets it with the row, the reason
/// rows' triggers keep it right afterwards).
#[test]
fn r_visit_1_imported_visit_flag_matches_the_reasons() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 3, 6, 120);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("v.jsonl", stream(&o, &keys))],
    );
    assert_eq!(s.rejected, 0, "{:?}", s.rejects);
    let q = |sql: &str| -> i64 {
        fx.store
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect("query")
    };
    let with_reasons = q("SELECT count(*) FROM submissions WHERE visit_reasons IS NOT NULL");
    let resubmitted =
        q("SELECT count(*) FROM submissions WHERE kind = 'job' AND current_version > 1");
    assert!(
        with_reasons > 0 && resubmitted > 0,
        "{with_reasons} {resubmitted}"
    );
    let mismatched = q(
        "SELECT count(*) FROM submissions s WHERE s.visit_flag IS NULL AND s.visit_needed <> \
         (s.visit_reasons IS NOT NULL)",
    );
    assert_eq!(mismatched, 0);
}

/// An employer account written straight into the store (no key, no mail).
fn employer_account(fx: &Fx, email: &str) -> AccountId {
    storage::accounts::insert(
        fx.store.conn(),
        &storage::accounts::NewAccount {
            kind: madoguchi::domain::account::AccountKind::Employer,
            email,
            email_key: email,
            establishment_number: None,
            seeker_number: None,
            name: None,
            name_kana: None,
            birth_date: None,
            registered_by: Some(fx.admin),
            origin: madoguchi::domain::account::AccountOrigin::Counter,
        },
        t("2026-04-06T00:00:00Z"),
    )
    .expect("account")
}

/// R-VISIT-1 reasons live on the submission row (schema v8): written with the row, replaced
/// by `set_visit_reasons`, read back in code order, and the visit flag follows them.
#[test]
fn storage_visit_reasons_on_the_row() {
    let fx = fixture();
    let conn = fx.store.conn();
    let acc = employer_account(&fx, "v@example.co.jp");
    let reasons = [
        (
            "no_offer_in_past_year",
            "過去1年間に求人の申込みがない".to_string(),
        ),
        (
            "first_mypage_offer",
            "初めてマイページを通じて求人を申し込む".to_string(),
        ),
    ];
    let id = storage::submissions::insert(
        conn,
        &storage::submissions::NewSubmission {
            external_id: "job-v-1",
            kind: madoguchi::domain::submission::SubmissionKind::Job,
            account_id: acc,
            establishment_id: None,
            display_name: "介護職員",
            deadline: Some("2026-05-01"),
            has_warnings: false,
            flags: storage::submissions::JobFlags::default(),
            visit_reasons: &reasons,
        },
        t("2026-04-06T01:00:00Z"),
    )
    .expect("insert")
    .expect("new id");
    let needed = || -> bool {
        conn.query_row(
            "SELECT visit_needed FROM submissions WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("flag")
    };
    let read = || madoguchi::service::review::visit_reasons(conn, id).expect("reasons");
    let column = || -> Option<String> {
        conn.query_row(
            "SELECT visit_reasons FROM submissions WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("column")
    };
    assert_eq!(
        read(),
        vec![
            (reasons[1].0.to_string(), reasons[1].1.clone()),
            (reasons[0].0.to_string(), reasons[0].1.clone()),
        ]
    );
    // Reasons with their own label are stored by code alone.
    assert_eq!(
        column().as_deref(),
        Some(r#"["no_offer_in_past_year","first_mypage_offer"]"#)
    );
    // Rows written before (code and label pairs) read the same.
    conn.execute(
        "UPDATE submissions SET visit_reasons = ?2 WHERE id = ?1",
        rusqlite::params![
            id,
            r#"[["no_offer_in_past_year","過去1年間に求人の申込みがない"],["first_mypage_offer","初めてマイページを通じて求人を申し込む"]]"#
        ],
    )
    .expect("old form");
    assert_eq!(
        read(),
        vec![
            (reasons[1].0.to_string(), reasons[1].1.clone()),
            (reasons[0].0.to_string(), reasons[0].1.clone()),
        ]
    );
    assert!(needed());
    let staff = [(
        "staff_flagged",
        "ハローワークが必要と認める（\"引用\"\tと\n改行）".to_string(),
    )];
    storage::submissions::set_visit_reasons(conn, id, &staff).expect("set");
    assert_eq!(read(), vec![(staff[0].0.to_string(), staff[0].1.clone())]);
    // A staff member's reason is text: kept with its label.
    assert!(column().is_some_and(|c| c.starts_with(r#"[["staff_flagged","#)));
    assert!(needed());
    storage::submissions::set_visit_reasons(conn, id, &[]).expect("clear");
    assert!(read().is_empty());
    assert!(!needed());
    let stored: Option<String> = conn
        .query_row(
            "SELECT visit_reasons FROM submissions WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("column");
    assert_eq!(stored, None);
    assert_eq!(
        madoguchi::service::review::visit_reasons(conn, SubmissionId(id.0 + 99)).expect("none"),
        vec![]
    );
}

/// A job offer's new version with its visit reasons (`set_new_version`, one row update, as the
/// import writes a resubmission) leaves the row as a new version followed by
/// `set_visit_reasons` does: reasons, visit flag and the version's columns.
#[test]
fn storage_new_version_with_visit_reasons_matches_set_visit_reasons() {
    use storage::submissions::{JobFlags, NewSubmission, NewVersionRow};
    let fx = fixture();
    let conn = fx.store.conn();
    let acc = employer_account(&fx, "w@example.co.jp");
    let first = [(
        "first_mypage_offer",
        "初めてマイページを通じて求人を申し込む".to_string(),
    )];
    let later = [
        ("dispatch_or_contract", "派遣・請負".to_string()),
        ("first_trial", "初めてトライアル雇用".to_string()),
    ];
    let new_job = |sid: &str| -> SubmissionId {
        storage::submissions::insert(
            conn,
            &NewSubmission {
                external_id: sid,
                kind: madoguchi::domain::submission::SubmissionKind::Job,
                account_id: acc,
                establishment_id: None,
                display_name: "介護職員",
                deadline: Some("2026-05-01"),
                has_warnings: false,
                flags: JobFlags::default(),
                visit_reasons: &first,
            },
            t("2026-04-06T01:00:00Z"),
        )
        .expect("insert")
        .expect("new id")
    };
    let row =
        |id: SubmissionId| -> (i64, bool, bool, bool, Option<String>, String) {
            conn.query_row(
            "SELECT current_version, has_warnings, trial, visit_needed, visit_reasons, updated_at \
             FROM submissions WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .expect("row")
        };
    let (one, two) = (new_job("job-w-1"), new_job("job-w-2"));
    for (version, reasons) in [(2, &later[..]), (3, &[][..]), (4, &first[..])] {
        let v = |visit_reasons| NewVersionRow {
            version,
            state: None,
            display_name: None,
            has_warnings: true,
            flags: JobFlags {
                trial: true,
                ..JobFlags::default()
            },
            category_changed: false,
            visit_reasons,
        };
        let at = t("2026-04-06T02:00:00Z") + chrono::Duration::minutes(version);
        storage::submissions::set_new_version(conn, one, &v(Some(reasons)), at).expect("one");
        storage::submissions::set_new_version(conn, two, &v(None), at).expect("two");
        storage::submissions::set_visit_reasons(conn, two, reasons).expect("reasons");
        assert_eq!(row(one), row(two), "version {version}");
        assert_eq!(row(one).3, !reasons.is_empty());
        assert_eq!(
            madoguchi::service::review::visit_reasons(conn, one).expect("one"),
            madoguchi::service::review::visit_reasons(conn, two).expect("two")
        );
    }
}

/// Schema v8 moves the reasons of a v7 database (one `submission_visit_reasons` row each) onto
/// their submission rows and drops the table.
#[test]
fn storage_v8_moves_the_visit_reasons_onto_the_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v7.db");
    {
        let conn = database_at_version(&path, 7);
        conn.execute_batch(
            "INSERT INTO submissions (id, external_id, kind, account_id, state, display_name, \
                 received_at, current_version, visit_needed, updated_at) VALUES \
             (1, 'j1', 'job', 1, 'received', 'a', '2026-04-06T00:00:00Z', 1, 1, '2026-04-06T00:00:00Z'), \
             (2, 'j2', 'job', 1, 'received', 'b', '2026-04-06T00:00:00Z', 1, 0, '2026-04-06T00:00:00Z'); \
             INSERT INTO submission_visit_reasons (submission_id, code, label) VALUES \
             (1, 'no_offer_in_past_year', '過去1年'), (1, 'first_mypage_offer', '初めて');",
        )
        .expect("v7 rows");
    }
    let store = Store::open(&path).expect("upgrade to the current version");
    let conn = store.conn();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert!(v >= 8);
    assert_eq!(
        madoguchi::service::review::visit_reasons(conn, SubmissionId(1)).expect("reasons"),
        vec![
            ("first_mypage_offer".to_string(), "初めて".to_string()),
            ("no_offer_in_past_year".to_string(), "過去1年".to_string()),
        ]
    );
    assert!(
        madoguchi::service::review::visit_reasons(conn, SubmissionId(2))
            .expect("none")
            .is_empty()
    );
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'submission_visit_reasons'",
            [],
            |r| r.get(0),
        )
        .expect("schema");
    assert_eq!(tables, 0);
}
