//! Items 1, 2, 3 and 7: the sweep on copies of L, a clerk's writes beside it, the WAL's size.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use madoguchi::clock;
use madoguchi::config::Config;
use madoguchi::service::sweep;
use madoguchi::storage::Store;

use crate::measure::{env_num, ms, quantile};
use crate::{Scale, common};

/// What one sweep run measured.
struct SweepRun {
    took: Duration,
    /// The clerk's waits during the sweep and on the idle database before it, when a clerk ran.
    clerk: Option<(Vec<Duration>, Vec<Duration>)>,
    wal_max: u64,
}

/// Items 1, 2, 3 and 7: the sweep expiring accounts, with the v19 index and with the v18
/// partial one; a clerk's writes during it; the WAL's largest size; SQLite's default caches.
pub(crate) fn sweep_items(s: &mut Scale) {
    // The goal's sweep (1,000 accounts) with a clerk beside it; then the cost of one more
    // account (the sweep ends with a merge of the search indexes that does not depend on
    // how many expired) with each index, from two sizes.
    let goal = env_num("SCALE_SWEEP_ACCOUNTS", 1_000, 20, s.full);
    let new = sweep_run(s, "sweep-v20.db", goal, None, true);
    let few = (goal / 10).max(2);
    let new_few = sweep_run(s, "sweep-v20-few.db", few, None, false);
    let defaults = sweep_run(
        s,
        "sweep-defaults.db",
        few,
        Some("PRAGMA cache_size = -2000; PRAGMA mmap_size = 0;"),
        false,
    );
    // What made the sweep slow: each establishment change (a purge's scrubbing, an
    // approval's number) fires a trigger that finds the establishment's submissions. The
    // establishment index of versions 10-18 was partial and could not serve it.
    let changes = if s.full { 200 } else { 20 };
    let v20 = establishment_changes(s, None, changes);
    let v18 = establishment_changes(
        s,
        Some(
            "DROP INDEX submissions_establishment;
             CREATE INDEX submissions_establishment ON submissions (establishment_id, kind, state)
                 WHERE kind = 'establishment' OR state = 'checked' OR state = 'registered';",
        ),
        changes,
    );
    s.row(
        "1",
        "one establishment change (its queue-search trigger)",
        (ms(v20), ms(v18)),
        "ms",
        "the v18 partial establishment index, same data",
    );
    s.row(
        "1",
        format!("sweep expiring {goal} accounts"),
        (new.took.as_secs_f64(), 60.0),
        "s",
        "goal 60 s",
    );
    if let Some((mut during, mut idle)) = new.clerk {
        s.row(
            "2",
            format!(
                "clerk's write during the sweep, p99 ({} writes)",
                during.len()
            ),
            (quantile(&mut during, 0.99), quantile(&mut idle, 0.99)),
            "ms",
            "the same write, idle database (goal < 100 ms)",
        );
        s.row(
            "2",
            "clerk's write during the sweep, max",
            (quantile(&mut during, 1.0), 100.0),
            "ms",
            "goal 100 ms; no 'locked' (asserted)",
        );
    }
    #[allow(clippy::cast_precision_loss)]
    let wal = new.wal_max as f64 / 1_048_576.0;
    s.row(
        "3",
        "largest WAL during the sweep and the clerk",
        (wal, 64.0),
        "MB",
        "goal 64 MB",
    );
    s.row(
        "7",
        format!("sweep expiring {few} accounts"),
        (new_few.took.as_secs_f64(), defaults.took.as_secs_f64()),
        "s",
        "SQLite's 2 MiB cache, no mmap",
    );
}

/// The mean time of renaming one establishment on a copy of L (after `change`), over `n`.
fn establishment_changes(s: &Scale, change: Option<&str>, n: i64) -> Duration {
    let db = s.copy("changes.db");
    let mut store = Store::open(&db).expect("open copy");
    if let Some(sql) = change {
        store.conn().execute_batch(sql).expect("change");
    }
    let tx = store.immediate().expect("tx");
    let t = Instant::now();
    for id in 0..n {
        tx.execute(
            "UPDATE establishments SET name = name || '・' WHERE id = 1000001 + ?1 * 37",
            [id],
        )
        .expect("rename");
    }
    let took = t.elapsed();
    drop(tx);
    drop(store);
    let _ = std::fs::remove_file(&db);
    took / u32::try_from(n).expect("n")
}

/// One sweep on a copy of L in which `accounts` accounts expire; `change` runs first (the
/// old index or pragmas); `clerk`: a clerk writes beside it.
fn sweep_run(s: &Scale, name: &str, accounts: u64, change: Option<&str>, clerk: bool) -> SweepRun {
    let now = s.filled - chrono::Duration::days(60);
    let yesterday = (clock::jst_date(now) - chrono::Duration::days(1)).to_string();
    let db = s.copy(name);
    let mut store = Store::open(&db).expect("open copy");
    let tx = store.immediate().expect("tx");
    tx.execute(
        "UPDATE accounts SET provisional_deadline = ?1
          WHERE id IN (SELECT id FROM accounts WHERE state = 'activated' ORDER BY id LIMIT ?2)",
        rusqlite::params![yesterday, i64::try_from(accounts).expect("n")],
    )
    .expect("deadlines");
    tx.execute(
        "UPDATE submissions SET deadline = ?1
          WHERE account_id IN (SELECT id FROM accounts WHERE provisional_deadline = ?1)",
        [&yesterday],
    )
    .expect("their submissions");
    tx.commit().expect("commit");
    if let Some(sql) = change {
        store.conn().execute_batch(sql).expect("change");
    }
    let idle = if clerk {
        common::clerk_writes(&db, None, 200).0
    } else {
        Vec::new()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let wal_max = Arc::new(AtomicU64::new(0));
    let watcher = wal_watcher(&db, &stop, &wal_max);
    let clerk = clerk.then(|| {
        let (db, stop) = (db.clone(), Arc::clone(&stop));
        std::thread::spawn(move || common::clerk_writes(&db, Some(&stop), usize::MAX))
    });
    let t = Instant::now();
    let rep = sweep::run(&mut store, &Config::default(), now).expect("sweep");
    let took = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    watcher.join().expect("watcher");
    assert!(rep.invalidated_accounts as u64 >= accounts, "{rep:?}");
    let clerk = clerk.map(|c| {
        let (during, failures) = c.join().expect("clerk");
        assert_eq!(failures, 0, "a clerk saw the database locked");
        (during, idle)
    });
    drop(store);
    let _ = std::fs::remove_file(&db);
    SweepRun {
        took,
        clerk,
        wal_max: wal_max.load(Ordering::Relaxed),
    }
}

/// Samples the size of `db`'s WAL every 20 ms into `max` until `stop`.
fn wal_watcher(
    db: &Path,
    stop: &Arc<AtomicBool>,
    max: &Arc<AtomicU64>,
) -> std::thread::JoinHandle<()> {
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let (stop, max) = (Arc::clone(stop), Arc::clone(max));
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let len = std::fs::metadata(&wal).map_or(0, |m| m.len());
            max.fetch_max(len, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(20));
        }
    })
}
