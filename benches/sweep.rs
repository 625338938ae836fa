//! The sweep at L scale while a clerk writes (issue 16 items 1 and 2): `bench_fill` builds
//! 100,000 establishments and 450,000 job offers (their accounts still in their provisional
//! period), `SWEEP_BENCH_ACCOUNTS` (1,000) of those accounts are put past their deadline, and
//! one sweep runs: it invalidates them, expires and purges their submissions, purges their
//! establishments, compacts the search indexes and truncates the WAL. Meanwhile a "clerk"
//! thread on its own connection writes one small transaction every 5 ms, as a counter action
//! would; its waits for the write lock are the figure that matters: how long a clerk waits
//! behind the sweep's longest transaction.
//! Prints the build time, the sweep's time and report, and the clerk's waits (p50, p99, max)
//! and failures ("database is locked"). Goals: the sweep under 60 s, no wait over 100 ms,
//! no failure.
//! Run: `cargo bench --bench sweep` (release); `SWEEP_BENCH_V18=1` puts back the partial
//! establishment index of versions 10-18, for the figure before (use few accounts). `SWEEP_BENCH_DB=PATH` keeps the built database
//! at PATH for the next run (each run sweeps a copy). Under the test runner a small smoke size
//! runs instead.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use madoguchi::clock;
use madoguchi::config::Config;
use madoguchi::service::sweep;
use madoguchi::storage::Store;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let (n_est, n_jobs) = if full {
        (100_000, 450_000)
    } else {
        (300, 1_500)
    };
    let expiring: i64 = std::env::var("SWEEP_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 1_000 } else { 30 });
    // The data's deadlines lie within 30 days either side of `filled`; the sweep runs 60 days
    // earlier, when none has passed but those this bench moves.
    let filled = clock::parse_rfc3339("2026-11-24T01:30:00Z").expect("time");
    let now = filled - chrono::Duration::days(60);
    let yesterday = (clock::jst_date(now) - chrono::Duration::days(1)).to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let template = std::env::var_os("SWEEP_BENCH_DB")
        .map_or_else(|| dir.path().join("template.db"), std::path::PathBuf::from);
    if !template.exists() {
        let t0 = Instant::now();
        let mut store = Store::open(&template).expect("open");
        common::office(&mut store, filled);
        madoguchi::r#gen::bench_fill(&mut store, n_est, n_jobs, filled).expect("fill");
        drop(store);
        println!(
            "setup: {n_est} establishments, {n_jobs} job offers in {:.1} s",
            t0.elapsed().as_secs_f64()
        );
    }
    let db = dir.path().join("sweep.db");
    std::fs::copy(&template, &db).expect("copy");
    std::fs::copy(
        madoguchi::secret::InstallSecret::path_for(&template),
        madoguchi::secret::InstallSecret::path_for(&db),
    )
    .expect("copy the install secret");
    let mut store = Store::open(&db).expect("open copy");
    {
        let tx = store.immediate().expect("tx");
        tx.execute(
            "UPDATE accounts SET provisional_deadline = ?1
              WHERE id IN (SELECT id FROM accounts WHERE state = 'activated' ORDER BY id LIMIT ?2)",
            rusqlite::params![yesterday, expiring],
        )
        .expect("deadlines");
        tx.execute(
            "UPDATE submissions SET deadline = ?1
              WHERE account_id IN (SELECT id FROM accounts WHERE provisional_deadline = ?1)",
            [&yesterday],
        )
        .expect("their submissions");
        tx.commit().expect("commit");
    }

    // SWEEP_BENCH_V18=1: the establishment index as versions 10 to 18 had it (partial), for
    // the figure before schema v19.
    if std::env::var_os("SWEEP_BENCH_V18").is_some() {
        store
            .conn()
            .execute_batch(
                "DROP INDEX submissions_establishment;
                 CREATE INDEX submissions_establishment ON submissions (establishment_id, kind, state)
                     WHERE kind = 'establishment' OR state = 'checked' OR state = 'registered';",
            )
            .expect("v18 index");
    }
    // The clerk: one short write every 5 ms, on a connection of its own.
    let stop = Arc::new(AtomicBool::new(false));
    let clerk = {
        let stop = Arc::clone(&stop);
        let db = db.clone();
        std::thread::spawn(move || common::clerk_writes(&db, Some(&stop), usize::MAX))
    };
    let t = Instant::now();
    let rep = sweep::run(&mut store, &Config::default(), now).expect("sweep");
    let secs = t.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let (mut waits, failures) = clerk.join().expect("clerk");
    waits.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pick = |q: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let i = ((waits.len() as f64 - 1.0) * q).round() as usize;
        waits.get(i).copied().map_or(0.0, ms)
    };
    println!(
        "sweep: {secs:.1} s; {} accounts invalidated, {} submissions purged, {} establishments purged",
        rep.invalidated_accounts, rep.purged_submissions, rep.purged_establishments
    );
    println!(
        "clerk's writes during the sweep: {} ok, {failures} failed; wait p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        waits.len(),
        pick(0.5),
        pick(0.99),
        pick(1.0)
    );
    assert_eq!(failures, 0, "a clerk saw the database locked");
    assert!(
        i64::try_from(rep.invalidated_accounts).expect("n") >= expiring,
        "{rep:?}"
    );
}
