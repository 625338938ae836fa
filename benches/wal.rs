//! WAL size during an import while clerks read (issue 16 item 3): a `gen` stream of
//! `WAL_BENCH_EVENTS` events (100,000; one establishment per ten events, as `benches/import.rs`)
//! imported into a fresh database while `WAL_BENCH_READERS` (8) processes of the real binary
//! loop `madoguchi queue counts` and `madoguchi lookup --establishment-number`. A watcher
//! samples the `-wal` file's size every 10 ms. Prints the largest and final WAL size, the
//! import's time and CPU time, and how many reader commands ran (and failed);
//! `WAL_BENCH_TIGHT=N` adds N in-process readers looping the same reads without sign-in. Goal: the WAL
//! under 64 MB. Run: `cargo bench --bench wal` (release; builds the binary too). Under the
//! test runner a small smoke size runs instead.

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use madoguchi::clock;
use madoguchi::config::Config;
use madoguchi::r#gen::{GenOptions, generate, prepare_accounts};
use madoguchi::service::import;
use madoguchi::storage::Store;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn reader(db: &std::path::Path, i: u64, stop: &AtomicBool, ok: &AtomicU64, failed: &AtomicU64) {
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let number = format!("1301-{:06}-{}", 100 + (i * 7919 + n) % 9000, n % 10);
        let args: Vec<&str> = if n.is_multiple_of(2) {
            vec!["queue", "counts"]
        } else {
            vec!["lookup", "--establishment-number", &number]
        };
        let child: std::io::Result<Child> = Command::new(BIN)
            .arg("--db")
            .arg(db)
            .args(["--as", "admin"])
            .args(&args)
            .env("MADOGUCHI_PASSWORD", common::ADMIN_PW)
            .env("MADOGUCHI_CONFIG", db.with_extension("toml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match child.and_then(std::process::Child::wait_with_output) {
            Ok(o) if o.status.success() => ok.fetch_add(1, Ordering::Relaxed),
            _ => failed.fetch_add(1, Ordering::Relaxed),
        };
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let events = env_or("WAL_BENCH_EVENTS", if full { 100_000 } else { 2_000 });
    let readers = env_or("WAL_BENCH_READERS", if full { 8 } else { 2 });
    let start = clock::parse_rfc3339("2026-04-06T00:30:00Z").expect("time");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("wal.db");
    let mut store = Store::open(&db).expect("open");
    let admin = common::office(&mut store, start);
    madoguchi::storage::staff::set_roles(
        store.conn(),
        admin,
        &madoguchi::domain::staff::Roles::parse_list("admin,supervisor"),
        start,
    )
    .expect("roles");
    let opts = GenOptions {
        establishments: events / 10,
        jobs: events - events / 10 - 11,
        accounts: 10,
        seed: 7,
        start,
    };
    let keys = prepare_accounts(&mut store, admin, &opts).expect("prepare");
    let path = dir.path().join("events.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let n = generate(&opts, &keys, &mut f).expect("gen");
    drop(f);

    let stop = Arc::new(AtomicBool::new(false));
    let (ok, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let wal = madoguchi::storage::maintenance::side_files(&db)[0].clone();
    let largest = Arc::new(AtomicU64::new(0));
    let watch = {
        let (stop, largest, wal) = (stop.clone(), largest.clone(), wal.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                largest.fetch_max(
                    std::fs::metadata(&wal).map_or(0, |m| m.len()),
                    Ordering::Relaxed,
                );
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        })
    };
    let procs: Vec<_> = (0..readers)
        .map(|i| {
            let (stop, ok, failed, db) = (stop.clone(), ok.clone(), failed.clone(), db.clone());
            std::thread::spawn(move || reader(&db, i, &stop, &ok, &failed))
        })
        .collect();
    // WAL_BENCH_TIGHT=N: N more readers in this process, each on its own connection looping
    // the same reads with no sign-in between (a read transaction open most of the time).
    let tight_reads = Arc::new(AtomicU64::new(0));
    let tight: Vec<_> = (0..env_or("WAL_BENCH_TIGHT", 0))
        .map(|i| {
            let (stop, reads, db) = (stop.clone(), tight_reads.clone(), db.clone());
            std::thread::spawn(move || {
                let s = Store::open(&db).expect("reader");
                let a = madoguchi::storage::queue::QueueArgs {
                    me: admin,
                    today: "2026-04-07".into(),
                    soon: "2026-04-10".into(),
                    filter: None,
                    limit: 50,
                    offset: 0,
                };
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    for q in madoguchi::domain::queue::Queue::ALL {
                        madoguchi::storage::queue::queue_count(s.conn(), q, &a).expect("count");
                    }
                    let number = format!("1301-{:06}-{}", 100 + (i * 7919 + n) % 9000, n % 10);
                    madoguchi::storage::lookup::establishments_by(
                        s.conn(),
                        madoguchi::storage::lookup::ExactKey::EstablishmentNumber,
                        &number,
                        10,
                    )
                    .expect("lookup");
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    // The readers are running before the import starts.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut inputs = vec![common::file_input(&path)];
    let (u0, s0) = common::cpu_seconds();
    let t = Instant::now();
    let s = import::import_events(
        &mut store,
        &Config::default(),
        None,
        start + chrono::Duration::days(1),
        &mut inputs,
        |_| {},
    )
    .expect("import");
    let secs = t.elapsed().as_secs_f64();
    let (u1, s1) = common::cpu_seconds();
    stop.store(true, Ordering::Relaxed);
    for p in procs.into_iter().chain(tight) {
        let _ = p.join();
    }
    let _ = watch.join();
    let mib = |b: u64| b as f64 / 1_048_576.0;
    let now = std::fs::metadata(&wal).map_or(0, |m| m.len());
    println!(
        "import of {n} events ({} applied, {} rejected) in {secs:.2} s with {readers} reader \
         processes; import CPU user {:.2} s + system {:.2} s (this process)",
        s.applied,
        s.rejected,
        u1 - u0,
        s1 - s0
    );
    println!(
        "WAL largest {:.1} MiB, after the import {:.1} MiB (goal < 64 MB); reader commands: {} ok, {} failed; \
         in-process reads: {}",
        mib(largest.load(Ordering::Relaxed)),
        mib(now),
        ok.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        tight_reads.load(Ordering::Relaxed)
    );
}
