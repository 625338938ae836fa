//! Import throughput: a `gen` stream of 100,000 events (10,000 establishments, one activation
//! each, ~79,000 job events, 1,000 withdrawals) into a fresh database file. Prints events/s, then the time
//! the queue filter's search index takes to catch up with the new rows (done later, not by the
//! import).
//! Each of `IMPORT_BENCH_RUNS` runs (5) imports into a fresh copy of the same database; the
//! median is the reading.
//! Run: `cargo bench --bench import` (release). Goal: ≥ 50,000 events/s on 2 cores.

mod common;

use std::time::Instant;

use madoguchi::clock;
use madoguchi::config::Config;
use madoguchi::r#gen::{GenOptions, generate, prepare_accounts};
use madoguchi::service::import;
use madoguchi::storage::Store;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        // The test runner asks for a list: nothing to list (this is not a libtest harness).
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a small smoke version.
    let full = args.iter().any(|a| a == "--bench");
    let events: u64 = std::env::var("IMPORT_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 100_000 } else { 2_000 });
    let start = clock::parse_rfc3339("2026-04-06T00:30:00Z").expect("time");
    let dir = tempfile::tempdir().expect("tempdir");
    let template = dir.path().join("bench.db");
    let mut store = Store::open(&template).expect("open");
    let admin = common::office(&mut store, start);
    let establishments = events / 10;
    // `IMPORT_BENCH_ACCOUNTS`: activations in the stream; by default one per establishment,
    // the real mix (issue 16 item 4: `gen --accounts` equal to `--establishments`).
    let accounts: u64 = std::env::var("IMPORT_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(establishments);
    let opts = GenOptions {
        establishments,
        jobs: events - establishments - accounts - accounts / 10,
        accounts,
        seed: 7,
        start,
    };
    let keys = prepare_accounts(&mut store, admin, &opts).expect("prepare");
    let path = dir.path().join("events.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let n = generate(&opts, &keys, &mut f).expect("gen");
    drop(f);
    let size = std::fs::metadata(&path).expect("meta").len();
    // Closed: the file holds the accounts, and each run imports into a copy of it (a fresh
    // database with the same accounts and keys).
    drop(store);
    // One import is one reading: on a shared host the same run varies by a tenth or more, so
    // the bench takes several and reports their median.
    let runs: usize = std::env::var("IMPORT_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 5 } else { 1 })
        .max(1);
    let mut rates = Vec::with_capacity(runs);
    let mut store = None;
    for run in 1..=runs {
        let db = dir.path().join(format!("run-{run}.db"));
        std::fs::copy(&template, &db).expect("copy");
        // The keys are hashed under the template's install secret: the copy needs it too.
        std::fs::copy(
            madoguchi::secret::InstallSecret::path_for(&template),
            madoguchi::secret::InstallSecret::path_for(&db),
        )
        .expect("copy the install secret");
        let mut s_run = Store::open(&db).expect("open copy");
        // IMPORT_BENCH_NO_TALLY=1: without the queue count triggers of schema v17 (issue 16
        // item 6), for their cost in the same build.
        if std::env::var_os("IMPORT_BENCH_NO_TALLY").is_some() {
            s_run
                .conn()
                .execute_batch(
                    "DROP TRIGGER queue_tally_deleted;
                     DROP TRIGGER queue_tally_changed_old; DROP TRIGGER queue_tally_changed_new;
                     DROP TRIGGER queue_tally_unclaimed_deleted;
                     DROP TRIGGER queue_tally_unclaimed_changed;",
                )
                .expect("drop the tally triggers");
        }
        let mut inputs = vec![common::file_input(&path)];
        let (u0, s0) = common::cpu_seconds();
        let t = Instant::now();
        let s = import::import_events(
            &mut s_run,
            &Config::default(),
            None,
            start + chrono::Duration::days(1),
            &mut inputs,
            |_| {},
        )
        .expect("import");
        let secs = t.elapsed().as_secs_f64();
        let (u1, s1) = common::cpu_seconds();
        assert_eq!(s.rejected, 0, "{:?}", s.rejects.first());
        assert_eq!(s.applied, n);
        #[allow(clippy::cast_precision_loss)]
        let rate = n as f64 / secs;
        rates.push(rate);
        println!(
            "import run {run}/{runs}: {n} events ({:.1} MiB) in {secs:.2} s = {rate:.0} events/s \
             ({} transactions, longest {:.1} ms); CPU user {:.2} s + system {:.2} s",
            size as f64 / 1_048_576.0,
            s.batches,
            s.longest_batch.as_secs_f64() * 1000.0,
            u1 - u0,
            s1 - s0
        );
        // The previous run's file goes; the last one stays for the catch-up below.
        if let Some(previous) = store.replace(s_run) {
            let file = previous.path().expect("a file").to_path_buf();
            drop(previous);
            std::fs::remove_file(file).expect("remove");
        }
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "import: median {:.0} events/s over {runs} runs (slowest {:.0}, fastest {:.0})",
        rates[runs / 2],
        rates[0],
        rates[runs - 1]
    );
    let mut store = store.expect("a run");
    let (u1, s1) = common::cpu_seconds();
    // Not part of the import: the queue filter's search index takes the new rows afterwards
    // (the TUI's background thread, `mail sync --watch`, `sweep`), in bulk.
    let t = Instant::now();
    let mut rows = 0;
    loop {
        let tx = store.immediate().expect("tx");
        let done = madoguchi::storage::queue::catch_up(&tx, 20_000).expect("catch up");
        tx.commit().expect("commit");
        rows += done.indexed;
        if !done.more {
            break;
        }
    }
    let (u2, s2) = common::cpu_seconds();
    println!(
        "queue search index catch-up afterwards: {rows} rows in {:.2} s; CPU user {:.2} s + system {:.2} s",
        t.elapsed().as_secs_f64(),
        u2 - u1,
        s2 - s1
    );
}
