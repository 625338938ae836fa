//! R-IO-1, R-IO-2, R-DL-1/2 through the import, on real database files.

use std::io::Cursor;

use chrono::{DateTime, Utc};
use madoguchi::clock;
use madoguchi::config::Config;
use madoguchi::domain::ids::{AccountId, StaffId, SubmissionId};
use madoguchi::r#gen::{GenAccount, GenOptions, generate, prepare_accounts};
use madoguchi::service::{self, Ctx, import};
use madoguchi::storage::{self, Store};

use crate::common;

fn t(s: &str) -> DateTime<Utc> {
    clock::parse_rfc3339(s).expect("time")
}

struct Fx {
    _dir: tempfile::TempDir,
    store: Store,
    admin: StaffId,
}

fn fixture() -> Fx {
    let dir = tempfile::tempdir().expect("tempdir");
    let office = common::office::Office::builder()
        .now("2026-01-05T00:00:00Z")
        .build_at(&dir.path().join("m.db"));
    let (store, admin) = (office.store, office.admin.staff_id);
    Fx {
        _dir: dir,
        store,
        admin,
    }
}

fn opts(start: &str, accounts: u64, establishments: u64, jobs: u64) -> GenOptions {
    GenOptions {
        establishments,
        jobs,
        accounts,
        seed: 42,
        start: t(start),
    }
}

fn stream(o: &GenOptions, keys: &[GenAccount]) -> Vec<u8> {
    let mut out = Vec::new();
    generate(o, keys, &mut out).expect("gen");
    out
}

fn run(
    store: &mut Store,
    now: DateTime<Utc>,
    files: Vec<(&str, Vec<u8>)>,
) -> import::ImportSummary {
    let mut inputs: Vec<import::Input<'_>> = files
        .into_iter()
        .map(|(n, b)| import::Input {
            name: n.to_string(),
            size: Some(b.len() as u64),
            reader: Box::new(Cursor::new(b)),
        })
        .collect();
    import::import_events(store, &Config::default(), None, now, &mut inputs, |_| {})
        .expect("import")
}

#[test]
fn r_io_2_same_file_twice_applies_once() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 2, 5, 20);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = stream(&o, &keys);
    let now = t("2026-04-07T00:00:00Z");
    let first = run(&mut fx.store, now, vec![("a.jsonl", s.clone())]);
    assert_eq!(
        (first.rejected, first.duplicate),
        (0, 0),
        "{:?}",
        first.rejects
    );
    assert_eq!(first.applied, 27);
    let second = run(&mut fx.store, now, vec![("a.jsonl", s)]);
    assert_eq!(
        (second.applied, second.duplicate, second.rejected),
        (0, 27, 0)
    );
    let subs = storage::submissions::count(fx.store.conn()).expect("count");
    assert!(subs >= 5 + 18, "{subs}");
    // One audit row per batch, not per line.
    let audit = storage::audit::recent(fx.store.conn(), 10).expect("audit");
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.entry.action == "import.batch")
            .count(),
        2
    );
}

/// The import's pages are copied to the database file by the time it returns (several
/// batches, each checkpointed while the next one is written), not left in the WAL alone.
#[test]
fn r_io_2_imported_rows_are_in_the_database_file() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 2, 600, 5400);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let r = run(
        &mut fx.store,
        t("2026-04-08T00:00:00Z"),
        vec![("a.jsonl", stream(&o, &keys))],
    );
    assert_eq!(r.rejected, 0, "{:?}", r.rejects);
    assert!(r.batches > 1, "{}", r.batches);
    let path = fx.store.path().expect("file").to_path_buf();
    // `immutable`: the file as it is, without the WAL.
    let file = rusqlite::Connection::open_with_flags(
        format!("file:{}?immutable=1", path.display()),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
    )
    .expect("open file");
    let in_file: i64 = file
        .query_row("SELECT count(*) FROM submission_versions", [], |r| r.get(0))
        .expect("count");
    assert_eq!(in_file, 6000);
}

/// The import's writer leaves SQLite's own parent look-ups out (`bulk_begin`): every row it
/// writes must still have its account, establishment and submission, and the connection gets
/// the foreign-key checks back afterwards.
#[test]
fn r_io_2_imported_rows_keep_their_foreign_keys_and_the_checks_come_back() {
    let mut fx = fixture();
    // Ten accounts: one of them is withdrawn at the end of the stream.
    let o = opts("2026-04-06T00:30:00Z", 10, 300, 2700);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let mut s = String::from_utf8(stream(&o, &keys)).expect("utf8");
    // A job offer of a live account for an establishment nobody submitted: refused, not
    // written with a dangling establishment.
    let offer = s
        .lines()
        .find(|l| l.contains("\"job.submitted\"") && l.contains("\"submission_id\":\"est-"))
        .expect("an offer")
        .replace("\"event_id\":\"", "\"event_id\":\"dangling-")
        .replace(
            "\"submission_id\":\"job-",
            "\"submission_id\":\"dangling-job-",
        )
        .replace(
            "\"submission_id\":\"est-",
            "\"submission_id\":\"nobody-est-",
        );
    s.push_str(&offer);
    s.push('\n');
    let s = s.into_bytes();
    let r = run(
        &mut fx.store,
        t("2026-04-08T00:00:00Z"),
        vec![("fk.jsonl", s)],
    );
    assert!(r.applied > 3000 && r.rejected == 1, "{r:?}");
    assert_eq!(r.rejects[0].reason, "unknown_establishment");
    let conn = fx.store.conn();
    let on: bool = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("pragma");
    assert!(on);
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("check");
    assert_eq!(dangling, 0);
    let withdrawn: i64 = conn
        .query_row(
            "SELECT count(*) FROM submissions WHERE state = 'withdrawn'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert!(withdrawn > 0);
}

#[test]
fn r_io_2_one_bad_line_among_a_thousand() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 100, 898);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = String::from_utf8(stream(&o, &keys)).expect("utf8");
    let mut lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 999);
    lines.insert(500, "{\"event_id\": \"broken\", oops");
    let body = lines.join("\n") + "\n";
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("b.jsonl", body.into_bytes())],
    );
    assert_eq!((r.applied, r.rejected), (999, 1), "{:?}", r.rejects);
    assert_eq!(r.rejects[0].line, 501);
    assert_eq!(r.rejects[0].file, "b.jsonl");
    assert_eq!(r.rejects[0].reason, "bad_json");
    assert_eq!(
        storage::imports::reject_count(fx.store.conn()).expect("n"),
        1
    );
}

#[test]
fn r_io_2_truncated_last_line_is_a_reject() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 2, 2);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let mut s = stream(&o, &keys);
    s.truncate(s.len() - 40);
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("c.jsonl", s)],
    );
    assert_eq!((r.applied, r.rejected), (4, 1), "{:?}", r.rejects);
    assert_eq!(r.rejects[0].reason, "truncated");
    assert_eq!(r.rejects[0].line, 5);
}

#[test]
fn r_key_6_wrong_key_is_a_reject_with_the_outcome_and_unknowns_are_kept() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 0, 0);
    prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let email = "gen42.00000@sakura-shoji.co.jp";
    let lines = format!(
        "{}\n{}\n{}\n",
        format_args!(
            r#"{{"event_id":"w1","occurred_at":"2026-04-06T09:35:00+09:00","type":"account.activated","email":"{email}","auth_key":"AAAA-AAAA-AAAA"}}"#
        ),
        r#"{"event_id":"w2","occurred_at":"2026-04-06T09:35:00+09:00","type":"account.withdrawn","email":"nobody@example.co.jp"}"#,
        format_args!(
            r#"{{"event_id":"w3","occurred_at":"2026-04-06T09:36:00+09:00","type":"job.submitted","email":"{email}","submission_id":"j","job":{{}}}}"#
        ),
    );
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("k.jsonl", lines.into_bytes())],
    );
    let reasons: Vec<&str> = r.rejects.iter().map(|x| x.reason.as_str()).collect();
    assert_eq!(reasons, ["key_wrong", "unknown_account", "account_state"]);
    assert_eq!(r.rejects[0].detail, "tries_left=9");
}

/// R-DL-1 / R-DL-2 through the import: the activation's Japan date + 14 days, moved back.
#[test]
fn r_dl_2_deadlines_through_import() {
    let cases = [
        // completion (UTC, = JST morning), expected deadline
        ("2025-06-01T00:30:00Z", "2025-06-13"), // raw Sunday 6/15 → Friday
        ("2025-07-07T00:30:00Z", "2025-07-18"), // raw 海の日 Monday 7/21 → Friday
        ("2025-12-17T00:30:00Z", "2025-12-26"), // raw 12/31 year-end → Friday 12/26
        ("2025-04-22T00:30:00Z", "2025-05-02"), // raw 5/6 Golden Week → Friday 5/2
        ("2026-03-17T00:30:00Z", "2026-03-31"), // seed check
    ];
    for (i, (start, want)) in cases.into_iter().enumerate() {
        let mut fx = fixture();
        let mut o = opts(start, 1, 1, 1);
        o.seed = 100 + i as u64;
        let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
        let s = stream(&o, &keys);
        let now = t(start) + chrono::Duration::days(1);
        let r = run(&mut fx.store, now, vec![("d.jsonl", s)]);
        assert_eq!(r.rejected, 0, "{start}: {:?}", r.rejects);
        let acc = storage::accounts::all_by_email_key(fx.store.conn(), &keys[0].email)
            .expect("q")
            .remove(0);
        assert_eq!(acc.provisional_deadline.as_deref(), Some(want), "{start}");
        let sub = storage::submissions::by_id(fx.store.conn(), SubmissionId(1))
            .expect("q")
            .expect("row");
        assert_eq!(sub.deadline.as_deref(), Some(want), "submission carries it");
    }
}

#[test]
fn r_dl_2_office_closure_moves_the_deadline_and_is_admin_only() {
    let mut fx = fixture();
    let ctx = Ctx {
        staff_id: fx.admin,
        staff_name: "admin".into(),
        terminal: "test".into(),
        now: t("2025-05-01T00:00:00Z"),
    };
    let added = service::calendar::add_closure(
        &mut fx.store,
        &ctx,
        chrono::NaiveDate::from_ymd_opt(2025, 6, 13).expect("d"),
        "庁舎点検",
    )
    .expect("add");
    assert!(!added.no_official_data);
    let o = opts("2025-06-01T00:30:00Z", 1, 0, 0);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let r = run(
        &mut fx.store,
        t("2025-06-02T00:00:00Z"),
        vec![("e.jsonl", stream(&o, &keys))],
    );
    assert_eq!(r.applied, 1);
    let acc = storage::accounts::all_by_email_key(fx.store.conn(), &keys[0].email)
        .expect("q")
        .remove(0);
    assert_eq!(acc.provisional_deadline.as_deref(), Some("2025-06-12"));
    let view = service::calendar::list(&fx.store, 2025).expect("list");
    assert_eq!(view.closures.len(), 1);
    assert!(view.holidays.len() > 10);
    service::calendar::remove_closure(
        &mut fx.store,
        &ctx,
        chrono::NaiveDate::from_ymd_opt(2025, 6, 13).expect("d"),
    )
    .expect("remove");
}

/// Every query the import and export run uses an index, never a full scan of a big table.
#[test]
fn storage_import_export_queries_use_indexes() {
    let fx = fixture();
    let queries = [
        storage::establishments::SQL_BY_NUMBER,
        storage::establishments::SQL_REGISTERED_SINCE,
        storage::submissions::SQL_BY_EXTERNAL,
        storage::submissions::SQL_HISTORY,
        storage::submissions::SQL_WITHDRAW_PENDING,
        storage::submissions::SQL_JOBS_REGISTERED_SINCE,
        storage::submissions::SQL_SET_VISIT_REASONS,
        storage::submissions::SQL_VISIT_REASONS,
        storage::submissions::SQL_SET_CATEGORY,
        storage::submissions::SQL_NEW_VERSION,
        storage::submissions::SQL_SET_STATE,
        storage::submissions::SQL_SET_NAME,
        storage::submissions::SQL_SET_VISIT_NEEDED,
        // The import's summed queue counts, once per count and transaction (issue 16).
        storage::submissions::SQL_TALLY_ADD_N,
        storage::imports::SQL_IS_IMPORTED,
        storage::imports::SQL_UNCLAIM,
        storage::imports::SQL_WITHDRAW_ACCOUNT,
        storage::imports::SQL_RECENT_REJECTS,
        storage::closures::SQL_RANGE,
    ];
    for q in queries {
        let mut stmt = fx
            .store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {q}"))
            .expect("prepare");
        // Unbound parameters are NULL: the plan is what matters.
        let mut rows = stmt.raw_query();
        let mut plan: Vec<String> = Vec::new();
        while let Some(r) = rows.next().expect("row") {
            plan.push(r.get::<_, String>(3).expect("detail"));
        }
        for step in &plan {
            assert!(!step.starts_with("SCAN"), "{q}\n{plan:#?}");
        }
    }
    // The look-ups the import makes once per activation neither scan nor sort (a temporary
    // B-tree per call halved the import's rate, issue 16).
    for q in [
        storage::accounts::SQL_LIVE_BY_EMAIL_KEY,
        storage::accounts::SQL_LIVE_KEPT_APART,
        storage::keys::SQL_FOR_ACCOUNT,
    ] {
        let plan = storage::queue::explain(fx.store.conn(), q).expect("plan");
        assert!(
            plan.iter()
                .all(|s| s.starts_with("SEARCH") && !s.contains("TEMP B-TREE")),
            "{q}\n{plan:#?}"
        );
    }
    // The establishment look-ups search the establishment index (every submission since
    // schema v19; partial from v10 to v18).
    for q in [
        storage::submissions::SQL_HISTORY,
        storage::review::SQL_CHECKED_JOBS_OF,
        storage::review::SQL_ESTABLISHMENT_SUBMISSION,
    ] {
        let plan = storage::queue::explain(fx.store.conn(), q).expect("plan");
        assert!(
            plan.iter()
                .any(|s| s.starts_with("SEARCH submissions USING")
                    && s.contains("submissions_establishment")),
            "{q}\n{plan:#?}"
        );
    }
}

#[test]
fn r_io_3_export_registered_since() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 2, 3);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("x.jsonl", stream(&o, &keys))],
    );
    assert_eq!(r.rejected, 0);
    let now = t("2026-04-08T01:00:00Z");
    {
        let tx = fx.store.immediate().expect("tx");
        assert!(storage::establishments::set_registered(&tx, 1, "1301-000001-1", now).expect("e"));
        let sub = storage::submissions::by_external_id(&tx, "job-42-0000000")
            .expect("q")
            .expect("job");
        assert!(
            storage::submissions::set_registered(&tx, sub.id, Some("13010-00000001"), now)
                .expect("j")
        );
        tx.commit().expect("commit");
    }
    let mut out = Vec::new();
    let s = service::export::export_registered(
        &mut fx.store,
        None,
        now,
        chrono::NaiveDate::from_ymd_opt(2026, 4, 8).expect("d"),
        &mut out,
    )
    .expect("export");
    assert_eq!((s.establishments, s.jobs), (1, 1));
    let text = String::from_utf8(out).expect("utf8");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines[0]["type"], "establishment.registered");
    assert_eq!(
        lines[0]["establishment"]["establishment_number"],
        "1301-000001-1"
    );
    assert_eq!(lines[1]["type"], "job.registered");
    assert_eq!(lines[1]["job_number"], "13010-00000001");
    assert!(lines[1]["job"]["title"].is_string());
    let none = service::export::export_registered(
        &mut fx.store,
        None,
        now,
        chrono::NaiveDate::from_ymd_opt(2026, 4, 9).expect("d"),
        &mut Vec::new(),
    )
    .expect("export");
    assert_eq!((none.establishments, none.jobs), (0, 0));
}

#[test]
fn gen_is_deterministic() {
    let o = opts("2026-04-06T00:30:00Z", 0, 0, 0);
    let keys = vec![GenAccount {
        email: "a@example.co.jp".into(),
        key: "ABCDEFGHJKMN".into(),
    }];
    let o = GenOptions {
        establishments: 3,
        jobs: 10,
        ..o
    };
    assert_eq!(stream(&o, &keys), stream(&o, &keys));
}

#[test]
fn r_io_1_example_file_parses() {
    let text = include_str!("../../assets/examples/events.jsonl");
    let types: Vec<&str> = text
        .lines()
        .map(|l| {
            madoguchi::domain::interchange::parse_line(l.as_bytes())
                .expect("example line")
                .body
                .event_type()
                .code()
        })
        .collect();
    assert_eq!(
        types,
        [
            "account.self_registered",
            "account.activated",
            "establishment.submitted",
            "job.submitted",
            "job.resubmitted",
            "account.withdrawn",
            "password.requested"
        ]
    );
}

/// SPEC §5: escape sequences in outside text never reach storage: the line is refused, the
/// field and the character named.
#[test]
fn spec_5_escape_sequences_in_names_are_refused_at_import() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 1, 0);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = String::from_utf8(stream(&o, &keys)).expect("utf8");
    let s = s.replacen("株式会社", "株式会社\\u001b]0;pwned\\u0007\\u001b[2J", 1);
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("s.jsonl", s.into_bytes())],
    );
    assert_eq!(r.rejected, 1, "{:?}", r.rejects);
    assert_eq!(r.rejects[0].reason, "validation");
    assert!(
        r.rejects[0].detail.contains(":control_char=U+001B"),
        "{:?}",
        r.rejects
    );
    let stored: i64 = fx
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM submissions WHERE display_name LIKE '%pwned%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(stored, 0);
}

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

/// R-IO-2: a second `job.submitted` with a submission id already in use (a new event id) is a
/// reject that leaves nothing behind, and its event id stays free.
#[test]
fn r_io_2_job_submitted_twice_under_one_submission_id_is_a_reject() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 1, 3);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = stream(&o, &keys);
    let now = t("2026-04-07T00:00:00Z");
    let first = run(&mut fx.store, now, vec![("a.jsonl", s.clone())]);
    assert_eq!(first.rejected, 0, "{:?}", first.rejects);
    let job_line = String::from_utf8(s)
        .expect("utf8")
        .lines()
        .find(|l| l.contains("\"job.submitted\""))
        .expect("a job line")
        .to_string();
    let mut ev: serde_json::Value = serde_json::from_str(&job_line).expect("json");
    ev["event_id"] = serde_json::Value::from("again-0001");
    let count = |store: &Store, sql: &str| -> i64 {
        store
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect("count")
    };
    let versions = count(&fx.store, "SELECT count(*) FROM submission_versions");
    let again = run(
        &mut fx.store,
        now,
        vec![("b.jsonl", format!("{ev}\n").into_bytes())],
    );
    assert_eq!((again.applied, again.rejected), (0, 1));
    assert_eq!(again.rejects[0].reason, "duplicate_submission");
    assert_eq!(again.rejects[0].line, 1);
    assert_eq!(
        count(&fx.store, "SELECT count(*) FROM submission_versions"),
        versions
    );
    assert_eq!(
        count(
            &fx.store,
            "SELECT count(*) FROM imported_events WHERE event_id = 'again-0001'"
        ),
        0
    );
}

/// The establishments' search rows are written together at the end of each batch (not one by
/// one): every imported establishment is found by the name search, the FTS index agrees with
/// its content table, also when an establishment is resubmitted (its search row replaced by
/// the update trigger) in the batch that added it.
#[test]
fn r_id_1_imported_establishments_are_in_the_search_index() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 2, 8, 20);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let text = String::from_utf8(stream(&o, &keys)).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // A resubmission of the first establishment under a new name, right after it.
    let first = lines
        .iter()
        .position(|l| l.contains("\"establishment.submitted\""))
        .expect("an establishment");
    let mut v: serde_json::Value = serde_json::from_str(&lines[first]).expect("json");
    v["event_id"] = "resubmit-1".into();
    v["establishment"]["name"] = "株式会社改名テスト".into();
    lines.insert(first + 1, v.to_string());
    let s = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("e.jsonl", (lines.join("\n") + "\n").into_bytes())],
    );
    assert_eq!(s.rejected, 0, "{:?}", s.rejects);
    let conn = fx.store.conn();
    conn.execute(
        "INSERT INTO establishments_fts (establishments_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the search index matches the establishments");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect("count") };
    assert_eq!(count("SELECT count(*) FROM establishments"), 8);
    assert_eq!(count("SELECT count(*) FROM establishments_fts"), 8);
    let found = |q: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM establishments_fts WHERE establishments_fts MATCH ?1",
            [q],
            |r| r.get(0),
        )
        .expect("match")
    };
    assert_eq!(found("\"改名テスト\""), 1);
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

/// A database at schema `version` (its files as they were), without foreign key checks (the
/// rows the migration tests write need no accounts).
fn database_at_version(path: &std::path::Path, version: i64) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(include_str!("../../schema.sql"))
        .expect("v1");
    let upgrades = [
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
    ];
    for sql in &upgrades[..usize::try_from(version - 1).expect("version")] {
        conn.execute_batch(sql).expect("upgrade");
    }
    conn.pragma_update(None, "user_version", version)
        .expect("version");
    conn.pragma_update(None, "foreign_keys", "OFF")
        .expect("pragma");
    conn
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

/// Schema v9: an offer's category sits on its row for the supervisor dashboard, set by the
/// import and changed by a resubmission that changes it; the dashboard's count from the state
/// index equals the count from the current versions' JSON.
#[test]
fn dashboard_categories_follow_submissions_and_resubmissions() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 3, 6, 120);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = String::from_utf8(stream(&o, &keys)).expect("utf8");
    // Every resubmission moves a general offer to the student category.
    let s: String = s
        .lines()
        .map(|l| {
            if l.contains("\"job.resubmitted\"") {
                l.replace(
                    "\"category\":{\"kind\":\"general\"",
                    "\"category\":{\"kind\":\"student\"",
                )
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("c.jsonl", s.into_bytes())],
    );
    assert_eq!(r.rejected, 0, "{:?}", r.rejects);
    let q = |sql: &str| -> i64 {
        fx.store
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect("query")
    };
    assert!(
        q(
            "SELECT count(*) FROM submissions WHERE job_category = 'student' AND current_version > 1"
        ) > 0
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM submissions WHERE kind = 'establishment' AND job_category IS NOT NULL"
        ),
        0
    );
    // (category column, pending, the current version's category as stored in its payload).
    let rows: Vec<(Option<String>, bool, Option<String>)> = fx
        .store
        .conn()
        .prepare(
            "SELECT s.job_category, s.state IN ('received', 'checked', 'returned'), v.payload \
             FROM submissions s JOIN submission_versions v \
               ON v.submission_id = s.id AND v.version = s.current_version \
             WHERE s.kind = 'job'",
        )
        .expect("prepare")
        .query_map([], |r| {
            let json = storage::payload::decode(r.get_ref(2)?).expect("stored form");
            let v: serde_json::Value = serde_json::from_str(&json).expect("json");
            let kind = v["category"]["kind"].as_str().map(str::to_string);
            Ok((r.get(0)?, r.get(1)?, kind))
        })
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let mismatched = rows
        .iter()
        .filter(|(col, _, kind)| col.as_deref() != Some(kind.as_deref().unwrap_or("")))
        .count();
    assert_eq!(mismatched, 0);
    let mut want: Vec<(String, i64)> = Vec::new();
    for (_, pending, kind) in &rows {
        let k = kind.clone().unwrap_or_else(|| "?".into());
        match want.iter_mut().find(|(c, _)| *c == k) {
            Some(w) if *pending => w.1 += 1,
            None if *pending => want.push((k, 1)),
            _ => {}
        }
    }
    let order = |c: &str| {
        ["general", "student", "disabled", "?"]
            .iter()
            .position(|x| *x == c)
    };
    want.sort_by_key(|(c, _)| order(c));
    assert!(want.len() >= 2, "{want:?}");
    assert_eq!(
        storage::review::pending_jobs_by_category(fx.store.conn()).expect("dashboard"),
        want
    );
    // One pass over the state index, nothing sorted.
    let plan = storage::queue::explain(
        fx.store.conn(),
        &storage::review::pending_jobs_by_category_sql(),
    )
    .expect("plan");
    assert!(
        plan.iter()
            .all(|l| l.contains("COVERING INDEX submissions_state_deadline")),
        "{plan:?}"
    );
}

/// The import stores each version's payload compressed (`storage::payload`), and every
/// reader gets the JSON back: the versions of the detail and the export's job offers.
#[test]
fn r_io_1_imported_payloads_are_stored_compressed_and_read_back_as_json() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 3, 10);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = stream(&o, &keys);
    let sum = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("a.jsonl", s)],
    );
    assert_eq!(sum.rejected, 0, "{:?}", sum.rejects);
    let conn = fx.store.conn();
    let (blobs, total, stored): (i64, i64, i64) = conn
        .query_row(
            "SELECT sum(typeof(payload) = 'blob'), count(*), sum(length(payload)) \
             FROM submission_versions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("versions");
    assert!(total > 10);
    assert_eq!(blobs, total);
    let mut read_back = 0usize;
    let ids: Vec<SubmissionId> = conn
        .prepare("SELECT id FROM submissions ORDER BY id")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("ids");
    for id in ids {
        for v in storage::submissions::versions(conn, id).expect("versions") {
            let parsed: serde_json::Value = serde_json::from_str(&v.payload).expect("json");
            assert!(parsed.is_object());
            read_back += v.payload.len();
        }
    }
    // Stored in well under half the bytes of the JSON it gives back.
    assert!(
        usize::try_from(stored).expect("size") * 2 < read_back,
        "{stored} stored for {read_back}"
    );
}

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

/// Schema v19: imported submissions are counted by the import itself (no trigger on INSERT).
/// After an import of new establishments, offers, activations (deadlines, visits) and a second
/// import of changes and withdrawals, every queue's kept count equals the count of the rows.
#[test]
fn r_rev_6_imported_submissions_are_in_the_queue_counts() {
    use madoguchi::domain::queue::Queue;
    use storage::queue::{QueueArgs, queue_count, queue_count_counted};
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 40, 60, 400);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("a.jsonl", stream(&o, &keys))],
    );
    assert_eq!(r.rejected, 0, "{:?}", r.rejects.first());
    let o2 = GenOptions {
        seed: 43,
        start: t("2026-04-08T00:30:00Z"),
        ..opts("2026-04-08T00:30:00Z", 10, 20, 200)
    };
    let keys2 = prepare_accounts(&mut fx.store, fx.admin, &o2).expect("prepare");
    run(
        &mut fx.store,
        t("2026-04-09T00:00:00Z"),
        vec![("b.jsonl", stream(&o2, &keys2))],
    );
    let c = fx.store.conn();
    let pending: i64 = c
        .query_row(
            "SELECT count(*) FROM submissions WHERE state IN ('received', 'checked', 'returned')",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert!(pending > 500, "{pending}");
    for (today, soon) in [("2026-04-09", "2026-04-14"), ("2026-04-30", "2026-05-07")] {
        let a = QueueArgs {
            me: fx.admin,
            today: today.into(),
            soon: soon.into(),
            filter: None,
            limit: 50,
            offset: 0,
        };
        for q in Queue::ALL {
            let kept = queue_count(c, q, &a).expect("kept");
            let counted = queue_count_counted(c, q, &a).expect("counted");
            assert_eq!(kept, counted, "{q:?} on {today}");
        }
    }
}
