//! The deadline sweep (R-DL-3, R-REV-6 reminder, R-MAIL-6) end to end: the search indexes
//! after a purge, the real `madoguchi sweep` across a deadline, a holiday and New Year, the
//! withdrawn accounts' 31 days, and several sweeps at once on one database.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use madoguchi::config::Config;
use madoguchi::domain::establishment::Establishment;
use madoguchi::domain::ids::{AccountId, StaffId, SubmissionId};
use madoguchi::domain::submission::SubmissionKind;
use madoguchi::service::{queue, sweep};
use madoguchi::storage::submissions::{JobFlags, NewSubmission};
use madoguchi::storage::{self, Store};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

fn t(s: &str) -> DateTime<Utc> {
    madoguchi::clock::parse_rfc3339(s).expect("time")
}

/// The counter clerk of `common::office`.
fn clerk(store: &Store) -> StaffId {
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
    clerk: StaffId,
    n: usize,
    name: &str,
    job: &str,
    deadline: &str,
    jobs: usize,
    now: DateTime<Utc>,
) -> (AccountId, Vec<SubmissionId>) {
    let tx = store.immediate().expect("tx");
    let acc = common::review::activated_employer(
        &tx,
        &format!("kigen{n}@example.co.jp"),
        clerk,
        deadline,
        now,
    );
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
        ids.push(mk(
            SubmissionKind::Job,
            format!("KJ{n}-{j}"),
            &format!("{job}{j}"),
        ));
    }
    tx.commit().expect("commit");
    (acc, ids)
}

/// The search indexes as the TUI's background leaves them: caught up and merged.
fn build_search_index(store: &Store) {
    for _ in 0..1000 {
        queue::maintain_search(store).expect("maintain");
        let b = storage::queue::backlog(store.conn(), 10).expect("backlog");
        let segments: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM queue_search_deadline_data", [], |r| {
                r.get(0)
            })
            .expect("data");
        if b.rows() == 0 && segments > 0 {
            break;
        }
    }
}

/// The database file and its `-wal`, as bytes, followed by every version payload still
/// stored, decoded (payloads are kept compressed, so their text is not in the file's bytes).
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut b = std::fs::read(db).expect("db file");
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(w) = std::fs::read(Path::new(&wal)) {
        b.extend(w);
    }
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open read-only");
    let payloads: Vec<String> = conn
        .prepare("SELECT payload FROM submission_versions")
        .expect("prepare")
        .query_map([], |r| {
            Ok(madoguchi::storage::payload::decode(r.get_ref(0)?).expect("stored form"))
        })
        .expect("payloads")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    for p in payloads {
        b.extend(p.into_bytes());
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
            madoguchi::domain::queue::Queue::Unassigned,
            madoguchi::domain::queue::Sort::Deadline,
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
        storage::queue::backlog(store.conn(), 10)
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
            tombs.iter().any(|t| t.0 == "account" && t.1 == acc.0),
            "{when}"
        );
        for id in &ids {
            assert!(
                tombs.iter().any(|t| t.0 == "submission" && t.1 == id.0),
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
            assert!(
                !contains(&bytes, &s),
                "{when}: {s} still in the file (rows: {w:?})"
            );
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

/// `madoguchi --json sweep` at `now` (`MADOGUCHI_NOW`), as cron runs it: its report.
fn sweep_cli(db: &Path, now: &str) -> serde_json::Value {
    let out = sweep_cmd(db, now).output().expect("run");
    assert!(
        out.status.success(),
        "{now}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn sweep_cmd(db: &Path, now: &str) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db")
        .arg(db)
        .args(["--json", "sweep"])
        .env("MADOGUCHI_NOW", now)
        .env(
            "MADOGUCHI_CONFIG",
            db.with_file_name("none.toml"), // missing: the defaults
        )
        .env_remove("MADOGUCHI_DB")
        .env_remove("MADOGUCHI_AS")
        .env_remove("MADOGUCHI_PASSWORD")
        .stdin(Stdio::null());
    c
}

fn n(v: &serde_json::Value, k: &str) -> i64 {
    v[k].as_i64().unwrap_or_else(|| panic!("{k} in {v}"))
}

/// Mails of a template queued to an account.
fn mails(store: &Store, acc: AccountId, template: &str) -> usize {
    storage::outbox::for_account(store.conn(), acc)
        .expect("outbox")
        .iter()
        .filter(|m| m.template == template)
        .count()
}

fn account_state(store: &Store, acc: AccountId) -> String {
    storage::accounts::by_id(store.conn(), acc)
        .expect("q")
        .expect("account")
        .state
        .code()
        .to_string()
}

/// R-DL-3 / R-REV-6 through the real binary: `madoguchi sweep` with `MADOGUCHI_NOW` moved day by
/// day across a deadline just before the year-end closure (12/29–1/3), one right after New
/// Year, and one behind a holiday (2026-02-11): the reminder goes once, 3 open days before; the
/// account expires the day after its deadline (closed days too), not on it; the report says
/// so, and the database shows it (state, mails, tombstones, no personal data).
#[test]
fn r_dl_3_sweep_command_across_a_deadline_a_holiday_and_new_year() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("madoguchi.db");
    let (mut store, _admin) = common::office(&db, true);
    let start = t("2025-12-01T01:00:00Z");
    let clerk = clerk(&store);
    // Fri 12-26 (the last open day before the closure), Mon 1-5 (the first after it), Thu
    // 2-12 (Wed 2-11 is a holiday).
    let (year_end, _) = employer(
        &mut store,
        clerk,
        1,
        "株式会社年末商会",
        "年末事務",
        "2025-12-26",
        1,
        start,
    );
    let (new_year, _) = employer(
        &mut store,
        clerk,
        2,
        "株式会社新春商会",
        "新春事務",
        "2026-01-05",
        1,
        start,
    );
    let (holiday, _) = employer(
        &mut store,
        clerk,
        3,
        "株式会社祝日商会",
        "祝日事務",
        "2026-02-12",
        1,
        start,
    );
    drop(store);
    // (JST date at 10:00, reminders, invalidated accounts) of each run.
    let steps: [(&str, i64, i64); 13] = [
        ("2025-12-22T01:00:00Z", 0, 0),
        ("2025-12-23T01:00:00Z", 1, 0), // 12-26 − 3 open days
        ("2025-12-24T01:00:00Z", 1, 0), // 1-5 − 3 open days, across the closure
        ("2025-12-25T01:00:00Z", 0, 0), // once only
        ("2025-12-26T14:59:59Z", 0, 0), // 23:59:59 JST on the deadline: still valid
        ("2025-12-26T15:00:00Z", 0, 1), // 12-27 00:00 JST (a Saturday)
        ("2026-01-02T01:00:00Z", 0, 0), // closed, nothing due
        ("2026-01-05T01:00:00Z", 0, 0), // on the deadline
        ("2026-01-06T01:00:00Z", 0, 1),
        ("2026-02-05T01:00:00Z", 0, 0),
        ("2026-02-06T01:00:00Z", 1, 0), // 2-12 − 3 open days: 2-10, 2-9, 2-6 (2-11 closed)
        ("2026-02-12T01:00:00Z", 0, 0),
        ("2026-02-13T01:00:00Z", 0, 1),
    ];
    for (now, reminders, invalidated) in steps {
        let r = sweep_cli(&db, now);
        assert_eq!(n(&r, "reminders"), reminders, "{now}: {r}");
        assert_eq!(n(&r, "invalidated_accounts"), invalidated, "{now}: {r}");
        assert_eq!(n(&r, "invalidation_mails"), invalidated, "{now}: {r}");
        assert_eq!(n(&r, "purged_accounts"), invalidated, "{now}: {r}");
        assert_eq!(n(&r, "purged_establishments"), invalidated, "{now}: {r}");
        // The establishment and its one job.
        assert_eq!(n(&r, "purged_submissions"), 2 * invalidated, "{now}: {r}");
        assert_eq!(n(&r, "expired_submissions"), 2 * invalidated, "{now}: {r}");
        if now == "2025-12-26T15:00:00Z" {
            // The reminder was still queued (no delivery in this test): cancelled (R-MAIL-6).
            assert_eq!(n(&r, "cancelled_mails"), 1, "{r}");
        }
        // Run again at the same time: nothing more (idempotent).
        let again = sweep_cli(&db, now);
        for k in [
            "reminders",
            "invalidated_accounts",
            "purged_submissions",
            "cancelled_mails",
        ] {
            assert_eq!(n(&again, k), 0, "{now} again: {again}");
        }
    }
    let store = Store::open(&db).expect("open");
    for acc in [year_end, new_year, holiday] {
        assert_eq!(account_state(&store, acc), "invalid");
        assert_eq!(mails(&store, acc, "provisional_reminder"), 1, "{acc}");
        assert_eq!(mails(&store, acc, "invalidated"), 1, "{acc}");
        let inv = storage::outbox::for_account(store.conn(), acc).expect("outbox");
        let inv = inv
            .iter()
            .find(|m| m.template == "invalidated")
            .expect("notice");
        assert!(inv.subject.contains("期限切れにより"), "{}", inv.subject);
        assert_eq!(inv.state.code(), "queued", "the notice itself goes out");
    }
    let tombs = storage::review::tombstones(store.conn()).expect("tombstones");
    assert_eq!(tombs.iter().filter(|t| t.0 == "account").count(), 3);
    assert_eq!(tombs.iter().filter(|t| t.0 == "establishment").count(), 3);
    assert_eq!(tombs.iter().filter(|t| t.0 == "submission").count(), 6);
    assert!(
        madoguchi::service::audit::verify(&store)
            .expect("verify")
            .first_bad
            .is_none()
    );
    drop(store);
    let bytes = file_bytes(&db);
    for s in [
        "年末商会",
        "新春商会",
        "祝日商会",
        "年末事務",
        "新春事務",
        "祝日事務",
        "期限花子",
        "期限町",
    ] {
        assert!(!contains(&bytes, s), "{s} still in the file");
    }
}

/// R-DL-3: a withdrawn account keeps its data for 31 days: the sweep on day 30 leaves it, the
/// one on day 31 purges it (tombstone kept, no mail), once.
#[test]
fn r_dl_3_withdrawn_accounts_are_purged_after_31_days_not_30() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("madoguchi.db");
    let (mut store, _admin) = common::office(&db, true);
    let now = t(common::NOW);
    let clerk = clerk(&store);
    let cfg = Config::default();
    let (acc, ids) = employer(
        &mut store,
        clerk,
        5,
        "株式会社退会商事",
        "退会事務",
        "2027-03-31",
        1,
        now,
    );
    let withdrawn = t("2026-11-24T01:30:00Z");
    store
        .conn()
        .execute(
            storage::imports::SQL_WITHDRAW_ACCOUNT,
            rusqlite::params![acc, madoguchi::clock::to_db(withdrawn)],
        )
        .expect("withdraw");
    build_search_index(&store);
    let day = |d: i64| withdrawn + chrono::Duration::days(d);
    for d in [1, 29, 30] {
        let r = sweep::run(&mut store, &cfg, day(d)).expect("sweep");
        assert_eq!(r.purged_accounts, 0, "day {d}: {r:?}");
    }
    // A second before 31 days have passed it is kept; a second after, purged.
    let r = sweep::run(&mut store, &cfg, day(31) - chrono::Duration::seconds(1)).expect("sweep");
    assert_eq!(r.purged_accounts, 0, "{r:?}");
    assert!(
        !storage::accounts::by_id(store.conn(), acc)
            .expect("q")
            .expect("row")
            .email
            .is_empty()
    );
    let r = sweep::run(&mut store, &cfg, day(31) + chrono::Duration::seconds(1)).expect("sweep");
    assert_eq!(r.purged_accounts, 1, "{r:?}");
    assert_eq!(r.purged_submissions, 2, "{r:?}");
    assert_eq!(r.invalidated_accounts, 0, "withdrawn, not invalid");
    assert_eq!(
        r.invalidation_mails, 0,
        "no 期限切れ notice to a withdrawn account"
    );
    let r = sweep::run(&mut store, &cfg, day(32)).expect("sweep");
    assert!(r.is_empty(), "once: {r:?}");
    assert_eq!(account_state(&store, acc), "withdrawn");
    let tombs = storage::review::tombstones(store.conn()).expect("tombstones");
    assert!(
        tombs
            .iter()
            .any(|t| t.0 == "account" && t.1 == acc.0 && t.3 == "withdrawn_31_days")
    );
    for id in &ids {
        assert_eq!(
            tombs
                .iter()
                .filter(|t| t.0 == "submission" && t.1 == id.0)
                .count(),
            1
        );
    }
    storage::outbox::checkpoint_truncate(store.conn()).expect("checkpoint");
    drop(store);
    let bytes = file_bytes(&db);
    for s in ["退会商事", "退会事務", "kigen5@example.co.jp", "期限花子5"] {
        assert!(!contains(&bytes, s), "{s} still in the file");
    }
}

/// R-DL-3 "safe with several processes": four `madoguchi sweep` started at once on one database
/// with a few hundred expired accounts. Each account is invalidated once, each employer gets
/// exactly one 期限切れ notice, each purged item one tombstone, and the audit chain verifies.
#[test]
fn r_dl_3_four_sweeps_at_once_act_once_per_account() {
    const ACCOUNTS: usize = 300;
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("madoguchi.db");
    let (mut store, _admin) = common::office(&db, true);
    let start = t("2026-11-02T01:00:00Z");
    let clerk = clerk(&store);
    let mut accounts = Vec::new();
    for i in 0..ACCOUNTS {
        let (acc, _) = employer(
            &mut store,
            clerk,
            100 + i,
            &format!("株式会社並行商事{i}"),
            "並行事務",
            "2026-11-20",
            1,
            start,
        );
        accounts.push(acc);
    }
    build_search_index(&store);
    drop(store);
    // Fri 2026-11-27: a week after the deadline.
    let now = "2026-11-27T01:00:00Z";
    let children: Vec<_> = (0..4)
        .map(|_| {
            sweep_cmd(&db, now)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut total = serde_json::Map::new();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        for (k, v) in r.as_object().expect("object") {
            let sum = total
                .get(k)
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(0)
                + v.as_i64().expect("count");
            total.insert(k.clone(), sum.into());
        }
    }
    let total = serde_json::Value::Object(total);
    // Between them, the four did each thing once.
    let a = i64::try_from(ACCOUNTS).expect("n");
    assert_eq!(n(&total, "invalidated_accounts"), a, "{total}");
    assert_eq!(n(&total, "invalidation_mails"), a, "{total}");
    assert_eq!(n(&total, "purged_accounts"), a, "{total}");
    assert_eq!(n(&total, "purged_establishments"), a, "{total}");
    assert_eq!(n(&total, "purged_submissions"), 2 * a, "{total}");
    let store = Store::open(&db).expect("open");
    for &acc in &accounts {
        assert_eq!(account_state(&store, acc), "invalid");
        assert_eq!(mails(&store, acc, "invalidated"), 1, "account {acc}");
    }
    let count = |sql: &str| -> i64 {
        store
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect("count")
    };
    assert_eq!(
        count("SELECT count(*) FROM outbox WHERE template = 'invalidated'"),
        a
    );
    let tombs = storage::review::tombstones(store.conn()).expect("tombstones");
    for what in ["account", "establishment", "submission"] {
        let mut ids: Vec<i64> = tombs.iter().filter(|t| t.0 == what).map(|t| t.1).collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(all, ids.len(), "one tombstone per purged {what}");
        let want = if what == "submission" {
            2 * ACCOUNTS
        } else {
            ACCOUNTS
        };
        assert_eq!(all, want, "{what}");
    }
    // One audit row per expiry, and the chain verifies after four writers.
    assert_eq!(
        count("SELECT count(*) FROM audit_log WHERE action = 'sweep.expire'"),
        a
    );
    assert_eq!(
        count("SELECT count(DISTINCT subject) FROM audit_log WHERE action = 'sweep.expire'"),
        a,
        "each account expired once"
    );
    let v = madoguchi::service::audit::verify(&store).expect("verify");
    assert!(v.first_bad.is_none(), "{:?}", v.first_bad);
    assert!(v.rows > a);
    // The queue filter's index holds none of them any more.
    assert_eq!(
        count("SELECT count(*) FROM queue_search_names WHERE name LIKE '%並行%'"),
        0
    );
    assert_eq!(count("SELECT count(*) FROM queue_search_stale"), 0);
}

/// R-DL-3: the purge's questions about the search index read indexes, not whole tables.
#[test]
fn r_dl_3_purge_index_queries_use_indexes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("plan.db")).expect("open");
    let plan =
        storage::queue::explain(store.conn(), &storage::queue::forget_name_sql()).expect("plan");
    assert!(plan.iter().all(|s| !s.starts_with("SCAN")), "{plan:#?}");
    assert!(
        plan.iter().any(|s| s.contains("queue_search_stale_name")),
        "{plan:#?}"
    );
}

/// Issue 16 item 1: a change of an establishment's name or number (an approval that assigns
/// its 事業所番号, every purge) marks its submissions for the search index through an index,
/// not by reading every submission, with hundreds of other establishments' job offers in the
/// table.
#[test]
fn r_dl_3_establishment_change_reads_only_its_own_submissions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, _admin) = common::office(&dir.path().join("m.db"), true);
    let c = clerk(&store);
    let now = t("2026-04-06T00:30:00Z");
    for n in 0..30 {
        employer(
            &mut store,
            c,
            n,
            &format!("株式会社期限{n}"),
            "求人",
            "2026-04-20",
            10,
            now,
        );
    }
    build_search_index(&store);
    let eid: i64 = store
        .conn()
        .query_row("SELECT max(id) FROM establishments", [], |r| r.get(0))
        .expect("establishment");
    let mut stmt = store
        .conn()
        .prepare("UPDATE establishments SET name = '株式会社改名', establishment_number = '1301-000001-1' WHERE id = ?1")
        .expect("prepare");
    assert_eq!(stmt.execute([eid]).expect("update"), 1);
    // The trigger runs in the statement's VM: its steps are counted with the update's. A pass
    // over the table's 330 submissions takes at least three steps per row (about 2,500 before
    // schema v19); through the index, about 600 for the whole update.
    let steps = stmt.get_status(rusqlite::StatementStatus::VmStep);
    assert!(
        steps < 330 * 3,
        "{steps} VM steps: the trigger read every submission"
    );
    let stale: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM queue_search_stale", [], |r| r.get(0))
        .expect("stale");
    assert_eq!(stale, 11, "its establishment submission and ten offers");
}
