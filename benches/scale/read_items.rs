//! Items 5, 6, 9, 10 and 11: queue counts, filtered lists, exact lookups on a copy of L.

use std::path::Path;
use std::time::{Duration, Instant};

use madoguchi::domain::queue::{Queue, Sort};
use madoguchi::service::lookup::{self, SearchKey};
use madoguchi::service::queue;
use madoguchi::storage::Store;

use crate::Scale;
use crate::measure::{ms, quantile, times};

/// Items 5, 6, 9, 10 and 11 on a copy of L: the first filtered lists after new rows arrive,
/// the queue counts, exact lookups with their audit row, 求人番号, and filters with few or no
/// matches.
pub(crate) fn read_items(s: &mut Scale) {
    let iters = if s.full { 300 } else { 20 };
    let db = s.copy("reads.db");
    let mut store = Store::open(&db).expect("open copy");
    let ctx = Scale::ctx(&store, s.filled);
    let args = queue::args(store.conn(), &ctx, "", 50).expect("args");
    // Item 6: the kept counts against counting the rows (the old code).
    let mut kept = times(iters, || {
        for q in Queue::ALL {
            madoguchi::storage::queue::queue_count(store.conn(), q, &args).expect("count");
        }
    });
    let mut counted = times(iters.min(50), || {
        for q in Queue::ALL {
            madoguchi::storage::queue::queue_count_counted(store.conn(), q, &args).expect("count");
        }
    });
    s.row(
        "6",
        "queue counts (7 queues), p99",
        (quantile(&mut kept, 0.99), quantile(&mut counted, 0.99)),
        "ms",
        "counting the submissions (the old code); goal 2 ms",
    );
    // Item 11: filters matching one establishment, a job title's number, nothing; against
    // the same first page without a filter.
    let mut unfiltered = times(iters, || {
        queue::list(&store, &ctx, Queue::Unassigned, Sort::Deadline, "", 50).expect("list");
    });
    let unfiltered = quantile(&mut unfiltered, 0.99);
    for (label, text) in [
        ("one establishment", "若葉商事1234"),
        ("a job number's digits", "法人営業4441"),
        ("nothing", "該当なし存在しない"),
    ] {
        for sort in [Sort::Deadline, Sort::Name] {
            let mut t = times(iters, || {
                queue::list(&store, &ctx, Queue::Unassigned, sort, text, 50).expect("list");
            });
            s.row(
                "11",
                format!("filter matching {label}, by {sort:?}, p99"),
                (quantile(&mut t, 0.99), unfiltered),
                "ms",
                "the unfiltered first page (goal < 20 ms)",
            );
        }
    }
    // Item 9: an exact lookup with its audit row (committed before it shows), against the
    // machine's fsync of one page.
    let emails: Vec<String> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT email FROM accounts WHERE email LIKE 'b%' ORDER BY id LIMIT 5000")
            .expect("emails");
        stmt.query_map([], |r| r.get(0))
            .expect("q")
            .collect::<rusqlite::Result<_>>()
            .expect("emails")
    };
    let mut i = 0usize;
    let mut looked = times(iters.min(emails.len()), || {
        i = (i * 7919 + 13) % emails.len();
        let r = lookup::search(
            &mut store,
            &ctx,
            "ID照会",
            &SearchKey::Email(emails[i].clone()),
        )
        .expect("search");
        assert!(!r.hits.is_empty());
    });
    let mut floor = fsync_floor(&db);
    let (p99, floor99) = (quantile(&mut looked, 0.99), quantile(&mut floor, 0.99));
    s.row(
        "9",
        "exact lookup (email) with its audit row, p99",
        (p99, floor99 + 1.0),
        "ms",
        "the machine's fsync p99 + 1 ms (the goal)",
    );
    // Item 10: 求人番号 (none had a path before), against the email lookup.
    let numbers: Vec<String> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT job_number FROM submissions WHERE job_number IS NOT NULL LIMIT 5000")
            .expect("numbers");
        stmt.query_map([], |r| r.get(0))
            .expect("q")
            .collect::<rusqlite::Result<_>>()
            .expect("numbers")
    };
    let mut by_number = times(iters.min(numbers.len()), || {
        i = (i * 7919 + 13) % numbers.len();
        let r = lookup::search(
            &mut store,
            &ctx,
            "ID照会",
            &SearchKey::JobNumber(numbers[i].clone()),
        )
        .expect("search");
        assert!(!r.hits.is_empty());
    });
    s.row(
        "10",
        "求人番号 lookup with its audit row, p99",
        (quantile(&mut by_number, 0.99), p99),
        "ms",
        "the email lookup above",
    );
    // Item 5: rows the search index has not seen yet (as an import leaves them).
    let new_rows = if s.full { 20_000 } else { 200 };
    let fill = |store: &Store, prefix: &str| {
        store
            .conn()
            .execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                 INSERT INTO submissions (external_id, kind, account_id, establishment_id, state,
                        display_name, deadline, received_at, current_version, job_category, updated_at)
                 SELECT ?2 || i, 'job', 1000001 + i % 1000, 1000001 + i % 1000, 'received',
                        '新着求人' || i, '2026-12-01', '2026-11-24T00:00:00Z', 1, 'general',
                        '2026-11-24T00:00:00Z' FROM n",
                rusqlite::params![new_rows, prefix],
            )
            .expect("new rows");
    };
    fill(&store, "N");
    // Before issue 16: the first filtered list caught the index up itself.
    let t = Instant::now();
    queue::catch_up_search_all(&store).expect("catch up");
    queue::list(
        &store,
        &ctx,
        Queue::Unassigned,
        Sort::Deadline,
        "新着求人1",
        50,
    )
    .expect("list");
    let before = t.elapsed();
    // Now: the import (or the background upkeep) catches up in short steps; the list only
    // reads.
    fill(&store, "M");
    queue::catch_up_search_all(&store).expect("catch up");
    let mut after = times(iters.min(50), || {
        queue::list(
            &store,
            &ctx,
            Queue::Unassigned,
            Sort::Deadline,
            "新着求人1",
            50,
        )
        .expect("list");
    });
    s.row(
        "5",
        format!("first filtered list after {new_rows} new rows, p99"),
        (quantile(&mut after, 0.99), ms(before)),
        "ms",
        "the list catching the index up itself (before)",
    );
    drop(store);
    let _ = std::fs::remove_file(&db);
}

/// 200 timings of writing one page and `fdatasync` beside `db`: the floor of any commit.
fn fsync_floor(db: &Path) -> Vec<Duration> {
    use std::io::Write as _;
    let path = db.with_extension("fsync");
    let mut f = std::fs::File::create(&path).expect("scratch");
    let page = [0u8; 4096];
    let t = times(200, || {
        f.write_all(&page).expect("write");
        f.sync_data().expect("fdatasync");
    });
    drop(f);
    let _ = std::fs::remove_file(&path);
    t
}
