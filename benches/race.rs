//! R-REV-5 (issue 17 item 1): 1,000 racing rounds of every pair of the eleven review actions,
//! with the number of rounds where not exactly one action applied ("double decisions") per
//! pair. In-process, two threads with a connection each drive the service layer as the TUI
//! does; then the real binary, two CLI processes per round (`RACE_CLI_ROUNDS` per pair, each
//! side first in turn; every process pays a sign-in, so these rounds cost about 100 times more).
//! One database holds every item.
//!
//! Run: `cargo bench --bench race` (`RACE_ROUNDS`, default 1000; `RACE_CLI_ROUNDS`, default
//! 100: 6,600 rounds of two processes take about ten minutes on two cores; `RACE_PAIRS=a,b,…`
//! only the pairs of those actions, e.g. the decisions `Check,Return,Reject,Approve`).
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use madoguchi::config::Config;
use madoguchi::storage::Store;

use common::race::{ctx_of, item, office, pairs, race_processes, race_threads};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        // The test runner asks for a list: nothing to list (a benchmark only).
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let rounds = env_or("RACE_ROUNDS", 1000);
    let cli_rounds = env_or("RACE_CLI_ROUNDS", 100);
    // `RACE_PAIRS=Check,Return,Reject,Approve`: only the pairs of these actions (both sides).
    let only = std::env::var("RACE_PAIRS").unwrap_or_default();
    let chosen = |(x, y): &(_, _)| {
        only.is_empty()
            || [format!("{x:?}"), format!("{y:?}")]
                .iter()
                .all(|a| only.split(',').any(|o| o == a))
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut setup = office(&db);
    let cfg = Config::default();
    let tanaka = ctx_of(&setup, "tanaka");
    let yamada = ctx_of(&setup, "yamada");
    let suzuki = ctx_of(&setup, "suzuki");
    let mut a_store = Store::open(&db).unwrap();
    let mut b_store = Store::open(&db).unwrap();
    let mut n = 0;
    let (mut all, mut all_doubles) = (0, 0);
    let t0 = Instant::now();
    println!("R-REV-5 threads (service layer, as the TUI calls it), {rounds} rounds per pair:");
    for (x, y) in pairs().into_iter().filter(chosen) {
        let (start, mut doubles) = (Instant::now(), Vec::new());
        for round in 0..rounds {
            n += 1;
            let id = item(&mut setup, n, (x, y), &tanaka);
            let (first, second) = if round % 2 == 0 { (x, y) } else { (y, x) };
            let r = race_threads(
                &setup,
                (&mut a_store, &mut b_store),
                &cfg,
                (&yamada, &suzuki),
                first,
                second,
                id,
            );
            if !r.exactly_one() {
                doubles.push(r.detail);
            }
        }
        println!(
            "  {x:?} / {y:?}: {rounds} rounds, {} double decisions ({:.1} s)",
            doubles.len(),
            start.elapsed().as_secs_f64()
        );
        for d in doubles.iter().take(3) {
            println!("    {d}");
        }
        all += rounds;
        all_doubles += doubles.len();
    }
    println!(
        "R-REV-5 threads: {all} rounds, {all_doubles} double decisions, {:.0} s",
        t0.elapsed().as_secs_f64()
    );
    let t0 = Instant::now();
    let (mut cli_all, mut cli_doubles) = (0, 0);
    println!("R-REV-5 CLI processes, {cli_rounds} rounds per pair:");
    for (x, y) in pairs().into_iter().filter(chosen) {
        let (start, mut doubles) = (Instant::now(), Vec::new());
        for round in 0..cli_rounds {
            n += 1;
            let id = item(&mut setup, n, (x, y), &tanaka);
            let (first, second) = if round % 2 == 0 { (x, y) } else { (y, x) };
            let r = race_processes(dir.path(), &setup, first, second, id);
            if !r.exactly_one() {
                doubles.push(r.detail);
            }
        }
        println!(
            "  {x:?} / {y:?}: {cli_rounds} rounds, {} double decisions ({:.1} s)",
            doubles.len(),
            start.elapsed().as_secs_f64()
        );
        for d in doubles.iter().take(3) {
            println!("    {d}");
        }
        cli_all += cli_rounds;
        cli_doubles += doubles.len();
    }
    println!(
        "R-REV-5 CLI processes: {cli_all} rounds, {cli_doubles} double decisions, {:.0} s",
        t0.elapsed().as_secs_f64()
    );
    assert_eq!(all_doubles + cli_doubles, 0, "double decisions");
}
