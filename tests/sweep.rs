//! The deadline sweep (R-DL-3, R-REV-6 reminder, R-MAIL-6) end to end: the search indexes
//! after a purge, the real `madoguchi sweep` across a deadline, a holiday and New Year, the
//! withdrawn accounts' 31 days, and several sweeps at once on one database.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::establishment::Establishment;
use madoguchi::domain::submission::SubmissionKind;
use madoguchi::service::{queue, sweep};
use madoguchi::storage::submissions::{JobFlags, NewSubmission};
use madoguchi::storage::{self, Store};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

fn t(s: &str) -> DateTime<Utc> {
    madoguchi::clock::parse_rfc3339(s).expect("time")
}

/// The counter clerk of `common::office`.
fn clerk(store: &Store) -> i64 {
    storage::staff::by_name(store.conn(), "tanaka")
        .expect("q")
        .expect("tanaka")
        .id
}

/// An activated employer account `kigen{n}@example.co.jp` with one provisional establishment
/// called `name` (its kana and representative unique by `n`), its establishment submission and
/// `jobs` job submissions titled `{job}{j}`. Returns (account, submission ids).
#[allow(clippy::too_many_arguments)]
fn employer(
    store: &mut Store,
    clerk: i64,
    n: usize,
    name: &str,
    job: &str,
    deadline: &str,
    jobs: usize,
    now: DateTime<Utc>,
) -> (i64, Vec<i64>) {
    let tx = store.immediate().expect("tx");
    let email = format!("kigen{n}@example.co.jp");
    let acc = storage::accounts::insert(
        &tx,
        &storage::accounts::NewAccount {
            kind: AccountKind::Employer,
            email: &email,
            email_key: &email,
            establishment_number: None,
            seeker_number: None,
            name: None,
            name_kana: None,
            birth_date: None,
            registered_by: clerk,
        },
        now,
    )
    .expect("account");
    storage::accounts::mark_activated(&tx, acc, now, Some(deadline)).expect("activated");
    let e = Establishment {
        establishment_number: None,
        corporate_number: None,
        name: name.into(),
        name_kana: format!("キゲンギレショウジ{n}"),
        representative_title: "代表取締役".into(),
        representative_name: format!("期限花子{n}"),
        postal_code: "102-0072".into(),
        address: format!("東京都千代田区飯田橋期限町{n}丁目"),
        phone: "03-3812-8609".into(),
        dispatch_licence: false,
        employment_insurance: true,
    };
    let eid = storage::establishments::insert(&tx, &e, acc, now).expect("establishment");
    let payload = serde_json::to_string(&e).expect("json");
    let mk = |kind, ext: String, title: &str| {
        let id = storage::submissions::insert(
            &tx,
            &NewSubmission {
                external_id: &ext,
                kind,
                account_id: acc,
                establishment_id: Some(eid),
                display_name: title,
                deadline: Some(deadline),
                has_warnings: false,
                flags: JobFlags::default(),
                visit_reasons: &[],
            },
            now,
        )
        .expect("submission")
        .expect("a new submission id");
        storage::submissions::insert_version(&tx, id, 1, &payload, "[]", now, &format!("ev-{ext}"))
            .expect("version");
        id
    };
    let mut ids = vec![mk(SubmissionKind::Establishment, format!("KE{n}"), name)];
    for j in 0..jobs {
        ids.push(mk(SubmissionKind::Job, format!("KJ{n}-{j}"), &format!("{job}{j}")));
    }
    tx.commit().expect("commit");
    (acc, ids)
}

/// The search indexes as the TUI's background leaves them: caught up and merged.
fn build_search_index(store: &Store) {
    for _ in 0..1000 {
        queue::maintain_search(store).expect("maintain");
        let b = storage::queue_search::backlog(store.conn(), 10).expect("backlog");
        let segments: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM queue_search_deadline_data",
                [],
                |r| r.get(0),
            )
            .expect("data");
        if b.rows() == 0 && segments > 0 {
            break;
        }
    }
}

/// The database file and its `-wal`, as bytes.
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut b = std::fs::read(db).expect("db file");
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(w) = std::fs::read(Path::new(&wal)) {
        b.extend(w);
    }
    b
}

/// The tables and columns whose values hold `needle` (bytes), for the failure messages.
fn where_is(conn: &rusqlite::Connection, needle: &str) -> Vec<String> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
        .expect("schema")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let mut out = Vec::new();
    for t in tables {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .expect("info")
            .query_map([], |r| r.get(0))
            .expect("cols")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        for c in cols {
            let n: i64 = conn
                .query_row(
                    &format!(
                        "SELECT count(*) FROM \"{t}\" WHERE instr(CAST(\"{c}\" AS BLOB), CAST(?1 AS BLOB)) > 0"
                    ),
                    [needle],
                    |r| r.get(0),
                )
                .expect("instr");
            if n > 0 {
                out.push(format!("{t}.{c}"));
            }
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    hay.windows(n.len()).any(|w| w == n)
}

/// Names only the purged items had: in full, and two characters of a trigram (an FTS5 term
/// is stored after the prefix it shares with the term before, so a term's last two
/// characters are in the file whenever the term is).
const RARE: &str = "龘靐齉鱻";
const RARE_JOB: &str = "鬱蠶爨";

fn secrets() -> Vec<String> {
    let mut v = vec![
        format!("株式会社{RARE}"),
        format!("{RARE_JOB}係"),
        RARE.to_string(),
        RARE_JOB.to_string(),
    ];
    for w in [RARE, RARE_JOB] {
        let cs: Vec<char> = w.chars().collect();
        for p in cs.windows(2) {
            v.push(p.iter().collect());
        }
    }
    v
}

/// R-DL-3: a purge leaves nothing of the names in the queue filter's search index (its names
/// and stale tables, trigram counts and FTS5 segments) nor in the lookup index, file and WAL
/// alike; the tombstones remain.
#[test]
fn r_dl_3_purged_names_leave_no_trace_in_the_search_index() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("madoguchi.db");
    let (mut store, _admin) = common::office(&db, true);
    let now = t(common::NOW);
    let clerk = clerk(&store);
    let cfg = Config::default();
    // Others that stay (their deadline is later), so that the index is not empty afterwards.
    for n in 1..=3 {
        employer(
            &mut store,
            clerk,
            n,
            &format!("株式会社残留商事{n}"),
            "一般事務",
            "2027-03-31",
            2,
            now,
        );
    }
    let (acc, ids) = employer(
        &mut store,
        clerk,
        9,
        &format!("株式会社{RARE}"),
        &format!("{RARE_JOB}係"),
        "2026-11-30",
        2,
        now,
    );
    build_search_index(&store);
    // The filter finds it before.
    let found = |store: &Store| -> usize {
        let ctx = madoguchi::service::Ctx {
            staff_id: storage::staff::by_name(store.conn(), "suzuki")
                .expect("q")
                .expect("suzuki")
                .id,
            staff_name: "suzuki".into(),
            terminal: "test".into(),
            now,
        };
        queue::list(
            store,
            &ctx,
            storage::review::Queue::Unassigned,
            storage::review::Sort::Deadline,
            RARE,
            50,
        )
        .expect("list")
        .len()
    };
    assert_eq!(found(&store), 3, "the establishment and its two jobs");
    // A filter typed before the deadline leaves a stale row (a claim) on one of them.
    storage::review::set_assigned(store.conn(), ids[1], Some(clerk), now).expect("claim");
    assert_eq!(
        storage::queue_search::backlog(store.conn(), 10)
            .expect("backlog")
            .stale,
        1
    );
    // Tuesday 2026-12-01 00:00 JST: the deadline (Mon 11-30) has passed.
    let r = sweep::run(&mut store, &cfg, t("2026-11-30T15:00:00Z")).expect("sweep");
    assert_eq!(r.invalidated_accounts, 1);
    assert_eq!(r.purged_submissions, 3);
    assert_eq!(r.purged_establishments, 1);
    let check = |store: Store, when: &str| {
        storage::outbox::checkpoint_truncate(store.conn()).expect("checkpoint");
        let tombs = storage::review::tombstones(store.conn()).expect("tombstones");
        assert!(
            tombs.iter().any(|t| t.0 == "account" && t.1 == acc),
            "{when}"
        );
        for id in &ids {
            assert!(
                tombs.iter().any(|t| t.0 == "submission" && t.1 == *id),
                "{when}"
            );
        }
        let places: Vec<(String, Vec<String>)> = secrets()
            .into_iter()
            .map(|s| {
                let w = where_is(store.conn(), &s);
                (s, w)
            })
            .collect();
        drop(store);
        let bytes = file_bytes(&db);
        for (s, w) in places {
            assert!(!contains(&bytes, &s), "{when}: {s} still in the file (rows: {w:?})");
        }
        // The names that stay are still there (the check can see names).
        assert!(contains(&bytes, "残留商事"), "{when}");
        Store::open(&db).expect("reopen")
    };
    let store = check(store, "after the sweep");
    // The background upkeep afterwards brings nothing back.
    build_search_index(&store);
    let store = check(store, "after the upkeep");
    assert_eq!(found(&store), 0);
}
