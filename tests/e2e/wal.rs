//! Issue 16 items 3 and 7: every connection has its page cache, memory map and WAL bounds set,
//! and the WAL stays bounded during an import while readers loop on the queue counts and the
//! lookup (each read its own short transaction). The figures at L scale with 8 reader
//! processes are `benches/wal.rs`'s; this test runs a smaller import with fewer readers and
//! has no time bound.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use madoguchi::clock;
use madoguchi::config::Config;
use madoguchi::domain::queue::Queue;
use madoguchi::r#gen::{GenOptions, generate, prepare_accounts};
use madoguchi::service::import;
use madoguchi::storage::lookup::ExactKey;
use madoguchi::storage::queue::{QueueArgs, queue_count};
use madoguchi::storage::{self, Store};

use crate::common;

fn pragma(store: &Store, name: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .expect(name)
}

#[test]
fn issue_16_every_connection_has_cache_mmap_and_wal_bounds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("m.db")).expect("open");
    assert_eq!(pragma(&store, "cache_size"), storage::CACHE_SIZE_KIB);
    assert_eq!(pragma(&store, "mmap_size"), storage::MMAP_SIZE);
    assert_eq!(
        pragma(&store, "wal_autocheckpoint"),
        storage::WAL_AUTOCHECKPOINT_PAGES
    );
    assert_eq!(
        pragma(&store, "journal_size_limit"),
        storage::JOURNAL_SIZE_LIMIT
    );
}

#[test]
fn issue_16_wal_stays_bounded_during_an_import_with_readers() {
    let start = clock::parse_rfc3339("2026-04-06T00:30:00Z").expect("time");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("m.db");
    let office = common::office::Office::builder()
        .now("2026-04-06T00:30:00Z")
        .build_at(&path);
    let (mut store, admin) = (office.store, office.admin.staff_id);
    let events = 4_000;
    let opts = GenOptions {
        establishments: events / 10,
        jobs: events - events / 10 - 10 - 1,
        accounts: 10,
        seed: 7,
        start,
    };
    let keys = prepare_accounts(&mut store, admin, &opts).expect("prepare");
    let mut buf = Vec::new();
    generate(&opts, &keys, &mut buf).expect("gen");
    let size = u64::try_from(buf.len()).ok();

    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> = (0..3)
        .map(|i| {
            let (stop, reads, path) = (stop.clone(), reads.clone(), path.clone());
            std::thread::spawn(move || {
                let s = Store::open(&path).expect("reader");
                let a = QueueArgs {
                    me: admin,
                    today: "2026-04-07".into(),
                    soon: "2026-04-10".into(),
                    filter: None,
                    limit: 50,
                    offset: 0,
                };
                while !stop.load(Ordering::Relaxed) {
                    for q in Queue::ALL {
                        queue_count(s.conn(), q, &a).expect("count");
                    }
                    let n = format!("1301-{:06}-{}", 100 + i, i);
                    storage::lookup::establishments_by(
                        s.conn(),
                        ExactKey::EstablishmentNumber,
                        &n,
                        10,
                    )
                    .expect("lookup");
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let wal = madoguchi::storage::maintenance::side_files(&path)[0].clone();
    let largest = Arc::new(AtomicU64::new(0));
    let watch = {
        let (stop, largest, wal) = (stop.clone(), largest.clone(), wal.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let n = std::fs::metadata(&wal).map_or(0, |m| m.len());
                largest.fetch_max(n, Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let mut inputs = vec![import::Input {
        name: "events.jsonl".into(),
        reader: Box::new(std::io::Cursor::new(buf)),
        size,
    }];
    let s = import::import_events(
        &mut store,
        &Config::default(),
        None,
        start + chrono::Duration::days(1),
        &mut inputs,
        |_| {},
    )
    .expect("import");
    assert_eq!(s.rejected, 0, "{:?}", s.rejects.first());
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().expect("reader");
    }
    watch.join().expect("watch");
    assert!(reads.load(Ordering::Relaxed) > 0, "the readers read");
    let max = largest.load(Ordering::Relaxed);
    assert!(
        max < 64 * 1024 * 1024,
        "WAL reached {max} bytes during the import"
    );
    // After the import and its closing checkpoint the file is within the limit too.
    let now = std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert!(
        i64::try_from(now).unwrap_or(i64::MAX) <= storage::JOURNAL_SIZE_LIMIT,
        "{now}"
    );
    eprintln!("largest WAL {max} bytes, now {now}");
}
