//! What an import applies: rows in the file once, their keys and checks, compressed payloads,
//! the deadlines it sets (R-IO-1, R-IO-2, R-DL-2) and the generator it reads.

use madoguchi::domain::ids::SubmissionId;
use madoguchi::r#gen::{GenAccount, GenOptions, prepare_accounts};
use madoguchi::service::{self, Ctx};
use madoguchi::storage;

use super::{fixture, opts, run, stream, t};

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
    let text = include_str!("../../../assets/examples/events.jsonl");
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
