//! Purged names leave no trace in the search indexes; the purge's and an establishment change's
//! queries (R-DL-3).

use crate::common;

use madoguchi::config::Config;
use madoguchi::service::{queue, sweep};
use madoguchi::storage::{self, Store};

use super::{build_search_index, clerk, contains, employer, file_bytes, t};

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
