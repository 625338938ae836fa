//! R-REV-6 `/` filter through the search index: every page equals the plain LIKE walk
//! (`reference_page`) on a generated office — LIKE metacharacters, ASCII case, full-width and
//! half-width text, 1-, 2- and 3+-character filters, rows indexed, not yet indexed (imported
//! since the last catch-up) and changed since indexed — with the thresholds lowered so that
//! every path of the page (read by id, part by part in the order's table, "due soon" by its
//! matches' rowids, LIKE walk) runs.

#![allow(clippy::unwrap_used)]

use crate::common;

use madoguchi::domain::ids::StaffId;
use madoguchi::domain::kana::search_key;
use madoguchi::domain::text::sanitize;
use madoguchi::storage::Store;

use madoguchi::domain::queue::{Queue, Sort};
use madoguchi::storage::queue::{self, QueueArgs, Tuning, queue_page_tuned, reference_page};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::params;

const NAMES: &[&str] = &[
    "株式会社若葉商事",
    "ABC Trading",
    "abc trading",
    "ＡＢＣ商会",
    "100%果汁工房",
    "under_score",
    "back\\slash",
    "ﾊﾝｶｸ ｶﾌﾞｼｷ",
    "カブシキガイシャ",
    "MiXeD CaSe",
    "a",
    "",
    "鰻の寝床",
    "\"quoted\"",
    "Ab",
];
const TITLES: &[&str] = &[
    "一般事務",
    "倉庫内作業",
    "介護職員（夜勤）",
    "法人営業 ABC",
    "100% remote",
    "x_y",
    "c:\\path",
    "ａｂｃ",
    "A",
    "",
    "%",
    "商事の事務",
    // Every trigram of 若葉商事, not the text: the index lists it, the LIKE drops it.
    "若葉商店・葉商事",
];
const STATES: &[&str] = &[
    "received",
    "received",
    "received",
    "checked",
    "returned",
    "registered",
    "rejected",
];

/// The staff ids: 1 is "me" (the admin made by init), 2 somebody else.
fn office(seed: u64, establishments: i64, subs: i64) -> Store {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    let now = "2026-11-24T01:30:00Z";
    for (id, name) in [(1, "me"), (2, "other")] {
        c.execute(
            "INSERT INTO staff (id, name, display_name, roles, password_hash, created_at, updated_at)
             VALUES (?1, ?2, ?2, 'counter', 'x', ?3, ?3)",
            params![id, name, now],
        )
        .unwrap();
    }
    let mut rng = StdRng::seed_from_u64(seed);
    for e in 1..=establishments {
        let name = NAMES[rng.random_range(0..NAMES.len())];
        let kana = NAMES[rng.random_range(0..NAMES.len())];
        let deadline = if rng.random_bool(0.1) {
            None
        } else {
            Some(format!("2026-11-{:02}", rng.random_range(15..30)))
        };
        c.execute(
            "INSERT INTO accounts (id, kind, email, email_key, state, created_at, provisional_deadline, updated_at)
             VALUES (?1, 'employer', 'e' || ?1, 'e' || ?1, 'activated', ?2, ?3, ?2)",
            params![e, now, deadline],
        )
        .unwrap();
        let number = rng
            .random_bool(0.3)
            .then(|| format!("1301-{:06}-{}", rng.random_range(0..999_999), e % 10));
        c.execute(
            "INSERT INTO establishments (id, establishment_number, name, name_kana, name_key, kana_key,
                representative_title, representative_name, postal_code, postal_digits, address, phone,
                phone_digits, account_id, state, created_at, updated_at)
             VALUES (?1, ?2, ?3 || ' ' || ?1, ?4, ?5, ?6, '', '', '', '', '', '', '', ?1, 'provisional', ?7, ?7)",
            params![
                e,
                number,
                name,
                kana,
                search_key(&format!("{name} {e}")),
                search_key(kana),
                now
            ],
        )
        .unwrap();
    }
    // Establishments written by SQL get their search rows as storage::establishments::insert
    // would have written them (there is no insert trigger).
    c.execute(
        "INSERT INTO establishments_fts (establishments_fts) VALUES ('rebuild')",
        [],
    )
    .unwrap();
    for s in 1..=subs {
        add_submission(c, &mut rng, s, establishments);
    }
    store
}

fn add_submission(c: &rusqlite::Connection, rng: &mut StdRng, s: i64, establishments: i64) {
    let e = rng.random_range(1..=establishments);
    let deadline: Option<String> = c
        .query_row(
            "SELECT provisional_deadline FROM accounts WHERE id = ?1",
            [e],
            |r| r.get(0),
        )
        .unwrap();
    let kind = if rng.random_bool(0.2) {
        "establishment"
    } else {
        "job"
    };
    let title = if kind == "job" {
        format!("{}{}", TITLES[rng.random_range(0..TITLES.len())], s % 13)
    } else {
        c.query_row("SELECT name FROM establishments WHERE id = ?1", [e], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let state = STATES[rng.random_range(0..STATES.len())];
    let assigned = match rng.random_range(0..4) {
        0 => Some(1),
        1 => Some(2),
        _ => None,
    };
    let job_number = (state == "registered" || rng.random_bool(0.05))
        .then(|| format!("13010-{:08}", rng.random_range(0..99_999_999)));
    let received = format!(
        "2026-11-{:02}T{:02}:{:02}:00Z",
        rng.random_range(1..24),
        rng.random_range(0..24),
        rng.random_range(0..60)
    );
    c.execute(
        "INSERT INTO submissions (id, external_id, kind, account_id, establishment_id, state, display_name,
            deadline, received_at, current_version, assigned_staff, job_number, visit_needed, visit_date, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?11, ?12, ?8)",
        params![
            s,
            format!("Ext-{s}_{}", s % 7),
            kind,
            e,
            state,
            title,
            deadline,
            received,
            assigned,
            job_number,
            rng.random_bool(0.3),
            rng.random_bool(0.2).then_some("2026-11-20"),
        ],
    )
    .unwrap();
}

fn args(filter: &str, limit: u32) -> QueueArgs {
    let plain = sanitize(filter.trim(), false);
    QueueArgs {
        me: StaffId(1),
        today: "2026-11-24".into(),
        soon: "2026-11-27".into(),
        filter: (!plain.is_empty()).then(|| {
            let key = search_key(&plain);
            (plain, key)
        }),
        limit,
        offset: 0,
    }
}

fn tunings() -> Vec<Tuning> {
    vec![
        Tuning::default(),
        // Everything through the index in order: nothing read by id, no small "mine".
        Tuning {
            direct_max: 3,
            backlog_max: 1000,
            max_grams: 256,
            mine_walk_max: 0,
            within_max: 0,
            dense_percent: 1000,
        },
        Tuning {
            direct_max: 0,
            backlog_max: 1000,
            max_grams: 2,
            mine_walk_max: 0,
            within_max: 100_000,
            dense_percent: 1000,
        },
        // "Due soon" in received or name order: its matches through the order's rowids, or
        // (every text dense) the LIKE walk.
        Tuning {
            direct_max: 0,
            backlog_max: 1000,
            max_grams: 256,
            mine_walk_max: 0,
            within_max: 100_000,
            dense_percent: 1000,
        },
        Tuning {
            direct_max: 0,
            backlog_max: 1000,
            dense_percent: 0,
            ..Tuning::default()
        },
        // Any backlog: the LIKE walk.
        Tuning {
            backlog_max: 0,
            ..Tuning::default()
        },
    ]
}

fn same_pages(store: &Store, filter: &str) {
    for q in Queue::ALL {
        for sort in Sort::ALL {
            for limit in [3, 500] {
                let a = args(filter, limit);
                let want = reference_page(store.conn(), q, sort, &a).unwrap();
                for t in tunings() {
                    let got = queue_page_tuned(store.conn(), q, sort, &a, &t).unwrap();
                    let ids = |v: &[madoguchi::storage::queue::QueueRow]| {
                        v.iter().map(|r| r.id).collect::<Vec<_>>()
                    };
                    assert_eq!(
                        ids(&got),
                        ids(&want),
                        "filter {filter:?} queue {} sort {} limit {limit} {t:?}",
                        q.code(),
                        sort.code()
                    );
                    assert_eq!(got, want);
                }
            }
        }
    }
}

/// 1-, 2- and 3+-character texts; LIKE's metacharacters; ASCII case; full-width, half-width
/// and kana (the key side); numbers; spaces; FTS5 syntax characters; no match.
const FILTERS: &[&str] = &[
    "a",
    "A",
    "ab",
    "ABC",
    "ａｂｃ",
    "%",
    "_",
    "\\",
    "100%",
    "x_y",
    "r_s",
    "c:\\",
    "商",
    "商事",
    "若葉商事",
    "ｶﾌﾞ",
    "カブ",
    "ガ",
    "ハンカク",
    "1301",
    "-0",
    "EXT-1",
    "xt-12_",
    "13010-",
    "鰻",
    "鰻丼",
    "存在しない",
    "\"",
    "\"q",
    "mixed case",
    " a b ",
    "12",
    "事務1",
];

#[test]
fn r_rev_6_filtered_pages_equal_the_like_walk_indexed_tail_and_stale() {
    let mut store = office(7, 40, 400);
    // Half indexed; the rest is the tail.
    {
        let tx = store.immediate().unwrap();
        queue::catch_up(&tx, 200).unwrap();
        tx.commit().unwrap();
    }
    // Indexed rows change afterwards (stale): renamed, moved, claimed, visited, re-dated, due
    // soon and moved to the end of the name and received orders; an establishment renamed and
    // numbered.
    let c = store.conn();
    c.execute_batch(
        "UPDATE submissions SET display_name = 'renamed abc%' WHERE id IN (3, 10, 150);
         UPDATE submissions SET state = 'checked' WHERE id IN (4, 11, 151);
         UPDATE submissions SET state = 'registered', job_number = '99999-' || id WHERE id IN (5, 12);
         UPDATE submissions SET assigned_staff = 1 WHERE id IN (6, 13, 152);
         UPDATE submissions SET assigned_staff = NULL WHERE id IN (7, 14);
         UPDATE submissions SET visit_needed = 1, visit_date = NULL WHERE id IN (8, 15);
         UPDATE submissions SET deadline = NULL WHERE id IN (9, 16);
         UPDATE submissions SET deadline = '2026-11-25' WHERE id IN (17, 18);
         UPDATE submissions SET received_at = '2026-11-30T00:00:00Z'
          WHERE id IN (SELECT id FROM submissions WHERE id <= 200 AND deadline BETWEEN '2026-11-24' AND '2026-11-27'
                       AND state IN ('received', 'checked', 'returned') ORDER BY received_at LIMIT 3);
         UPDATE submissions SET display_name = '龠' || display_name
          WHERE id IN (SELECT id FROM submissions WHERE id <= 200 AND deadline BETWEEN '2026-11-24' AND '2026-11-27'
                       AND state IN ('received', 'checked', 'returned') ORDER BY display_name LIMIT 3);
         UPDATE establishments SET name = 'Renamed 商事', name_key = 'renamed商事', establishment_number = '9999-000001-1' WHERE id = 2;",
    )
    .unwrap();
    let stale = queue::backlog(store.conn(), 10_000).unwrap();
    assert!(stale.stale > 0 && stale.tail > 0, "{stale:?}");
    for f in FILTERS {
        same_pages(&store, f);
    }
    // Caught up: nothing left over, same pages.
    {
        let tx = store.immediate().unwrap();
        while queue::catch_up(&tx, 50).unwrap().more {}
        tx.commit().unwrap();
    }
    assert_eq!(queue::backlog(store.conn(), 10).unwrap().rows(), 0);
    for f in FILTERS.iter().step_by(3) {
        same_pages(&store, f);
    }
}

#[test]
fn r_rev_6_a_large_backlog_still_gives_the_like_walk() {
    let store = office(11, 10, 120);
    // Nothing indexed: with the default thresholds the page walks with the LIKE.
    for f in ["商事", "a", "ext-1", "鰻"] {
        same_pages(&store, f);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn r_rev_6_any_filter_equals_the_like_walk(
        f in proptest::string::string_regex("[aAbB1%_\\\\ 商事ａﾊﾞバ\"-]{1,4}").unwrap()
    ) {
        static STORE: std::sync::OnceLock<std::sync::Mutex<Store>> = std::sync::OnceLock::new();
        let store = STORE.get_or_init(|| {
            let mut s = office(3, 20, 200);
            let tx = s.immediate().unwrap();
            queue::catch_up(&tx, 150).unwrap();
            tx.commit().unwrap();
            s.conn()
                .execute_batch("UPDATE submissions SET display_name = 'a%b_c\\d商事' WHERE id IN (1, 2, 3)")
                .unwrap();
            std::sync::Mutex::new(s)
        });
        let store = store.lock().unwrap();
        same_pages(&store, &f);
    }
}

#[test]
fn r_rev_6_the_index_catches_up_in_passes_and_follows_changes() {
    let store = office(5, 30, 700);
    let before = queue::backlog(store.conn(), 10_000).unwrap();
    assert_eq!((before.upto, before.tail), (0, 700));
    // Passes of SEARCH_CATCH_UP_ROWS until done (here one).
    let n = madoguchi::service::queue::maintain_search(&store).unwrap();
    assert!(n > 0 && n < 700, "{n} pending rows indexed");
    let after = queue::backlog(store.conn(), 10_000).unwrap();
    assert_eq!((after.upto, after.tail, after.stale), (700, 0, 0));
    // A change to an indexed row (state, name, deadline, claimed or not, visit due or not;
    // the establishment) is listed, read directly until the next catch-up, then indexed again.
    let id = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    let claim =
        id("SELECT min(id) FROM submissions WHERE assigned_staff IS NULL AND state = 'received'");
    let hand_over =
        id("SELECT min(id) FROM submissions WHERE assigned_staff = 1 AND state = 'received'");
    let visited = id(
        "SELECT min(id) FROM submissions WHERE visit_needed = 1 AND visit_date IS NULL AND state = 'received'",
    );
    store
        .conn()
        .execute_batch(&format!(
            "UPDATE submissions SET display_name = 'ZZ新しい名前' WHERE id = 10;
             UPDATE submissions SET assigned_staff = 2 WHERE id = {claim};
             UPDATE submissions SET assigned_staff = 2 WHERE id = {hand_over};
             UPDATE submissions SET visit_date = '2026-11-20' WHERE id = {visited};
             UPDATE establishments SET name = 'ZZ改名' WHERE id = 3;"
        ))
        .unwrap();
    let stale = queue::backlog(store.conn(), 10_000).unwrap().stale;
    // A hand-over from one clerk to another does not change what is indexed.
    let want: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM submissions WHERE id IN (10, ?1, ?2) OR establishment_id = 3",
            [claim, visited],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(i64::try_from(stale).unwrap(), want);
    same_pages(&store, "zz");
    madoguchi::service::queue::maintain_search(&store).unwrap();
    assert_eq!(queue::backlog(store.conn(), 10).unwrap().rows(), 0);
    same_pages(&store, "zz");
    // The upkeep also merged the index's segments: nothing is left to merge.
    assert_eq!(
        queue::try_merge_step(store.conn(), 1000).unwrap(),
        Some(false)
    );
    for t in [
        "queue_search_deadline",
        "queue_search_received",
        "queue_search_name",
    ] {
        store
            .conn()
            .execute(
                &format!("INSERT INTO {t} ({t}, rank) VALUES ('integrity-check', 0)"),
                [],
            )
            .unwrap();
    }
}

#[test]
fn r_rev_6_names_without_a_rank_are_read_directly_until_renumbered() {
    let store = office(13, 20, 300);
    // Ranks spread over 50 values cannot hold this office's names: none gets a rank, so no row
    // is in the name order table and every one is read directly.
    {
        let tx = store.conn().unchecked_transaction().unwrap();
        let done = queue::catch_up_spread(&tx, 10_000, 50).unwrap();
        assert!(!done.renumbered);
        tx.commit().unwrap();
    }
    let b = queue::backlog(store.conn(), 10_000).unwrap();
    assert_eq!((b.tail, b.stale), (0, 0));
    assert!(b.unranked > queue::RENUMBER_ROWS, "{b:?}");
    for f in ["a", "商事", "事務1", "ext-1"] {
        same_pages(&store, f);
    }
    // The next catch-up ranks every name afresh and writes the name order table again.
    let done = {
        let tx = store.conn().unchecked_transaction().unwrap();
        let done = queue::catch_up(&tx, 10_000).unwrap();
        tx.commit().unwrap();
        done
    };
    assert!(done.renumbered);
    assert_eq!(queue::backlog(store.conn(), 10).unwrap().rows(), 0);
    for f in ["a", "商事", "事務1", "ext-1"] {
        same_pages(&store, f);
    }
    // A name seen later takes a rank between its neighbours'.
    store
        .conn()
        .execute(
            "UPDATE submissions SET display_name = 'ab 新しい' WHERE id = (SELECT min(id) FROM submissions WHERE state = 'received')",
            [],
        )
        .unwrap();
    {
        let tx = store.conn().unchecked_transaction().unwrap();
        let done = queue::catch_up(&tx, 10_000).unwrap();
        assert!(!done.renumbered);
        tx.commit().unwrap();
    }
    assert!(queue::rank(store.conn(), "ab 新しい").unwrap().is_some());
    assert_eq!(queue::backlog(store.conn(), 10).unwrap().rows(), 0);
    same_pages(&store, "ab");
    // Three catch-ups left several segments: merged a step at a time until nothing is left
    // to merge, the pages stay the same.
    let mut steps = 0;
    while queue::try_merge_step(store.conn(), 2).unwrap() == Some(true) {
        steps += 1;
        assert!(steps < 10_000, "merging never ends");
    }
    assert!(steps > 1, "{steps}");
    for f in ["a", "商事", "ab"] {
        same_pages(&store, f);
    }
}

/// Rows the import writes (times in the program's own form, ids from 1) are all placed in each
/// of the three orders: nothing "weird" sends the pages to the LIKE walk, and the pages of an
/// imported office equal the LIKE walk.
#[test]
fn r_rev_6_imported_rows_are_indexed_in_every_order() {
    use madoguchi::r#gen::{GenOptions, generate, prepare_accounts};
    use madoguchi::service::import;
    let dir = tempfile::tempdir().unwrap();
    let (mut store, admin) = common::office(&dir.path().join("q.db"), false);
    let start = madoguchi::clock::parse_rfc3339("2026-11-20T00:30:00Z").unwrap();
    let o = GenOptions {
        establishments: 8,
        jobs: 150,
        accounts: 3,
        seed: 5,
        start,
    };
    let keys = prepare_accounts(&mut store, admin.staff_id, &o).unwrap();
    let mut events = Vec::new();
    generate(&o, &keys, &mut events).unwrap();
    let size = events.len() as u64;
    let mut inputs = vec![import::Input {
        name: "g.jsonl".into(),
        size: Some(size),
        reader: Box::new(std::io::Cursor::new(events)),
    }];
    let s = import::import_events(
        &mut store,
        &madoguchi::config::Config::default(),
        None,
        start + chrono::Duration::days(1),
        &mut inputs,
        |_| {},
    )
    .unwrap();
    assert_eq!(s.rejected, 0, "{:?}", s.rejects);
    madoguchi::service::queue::maintain_search(&store).unwrap();
    let b = queue::backlog(store.conn(), 10_000).unwrap();
    assert!(!b.weird, "{b:?}");
    assert_eq!(b.rows(), 0, "{b:?}");
    let pending: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM submissions WHERE state IN ('received', 'checked', 'returned')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(pending > 100, "{pending}");
    for t in [
        "queue_search_deadline",
        "queue_search_received",
        "queue_search_name",
    ] {
        let n: i64 = store
            .conn()
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, pending, "{t}");
    }
    for f in ["株式会社", "事務", "a"] {
        same_pages(&store, f);
    }
}
