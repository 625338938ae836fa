//! Issue 16's report: every item measured at "L" scale in one run, each beside a reference
//! measured in the same run (the old code or index, SQLite's defaults, the bare SQL, the
//! machine's fsync), printed as a table with the ratio.
//!
//! The L database (100,000 establishments with their accounts, 450,000 job offers in every
//! state) is built by `gen::bench_fill` and the build time printed; `SCALE_BENCH_DB=PATH` keeps
//! it for the next run (delete it after a schema change). Each item works on a copy.
//! Run: `cargo bench --bench scale` (release, about 10 minutes on 2 cores). Under the test
//! runner a small smoke size runs instead. `SCALE_SWEEP_ACCOUNTS` (1,000) accounts expire in
//! the sweep; `SCALE_BENCH_ONLY=sweep|import|reads` runs one group; `SCALE_IMPORT_EVENTS` (100,000) events are imported.
//! The figures that need several runs for a stable median have their own benches (import,
//! queues, lookup, sweep, wal); this one shows each item's before and after side by side.

#[path = "../common/mod.rs"]
mod common;

mod import_items;
mod l_database;
mod measure;
mod read_items;
mod report;
mod sweep_items;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use madoguchi::clock;

/// The run: its size, the L database's copy kept as the template, and the report's rows.
struct Scale {
    full: bool,
    dir: tempfile::TempDir,
    template: PathBuf,
    filled: DateTime<Utc>,
    rows: Vec<report::Row>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let filled = clock::parse_rfc3339("2026-11-24T01:30:00Z").expect("time");
    let dir = tempfile::tempdir().expect("tempdir");
    let template =
        std::env::var_os("SCALE_BENCH_DB").map_or_else(|| dir.path().join("l.db"), PathBuf::from);
    if !template.exists() {
        l_database::build(&template, full, filled);
    }
    let mut s = Scale {
        full,
        dir,
        template,
        filled,
        rows: Vec::new(),
    };
    // SCALE_BENCH_ONLY=sweep|import|reads runs one group.
    let only = std::env::var("SCALE_BENCH_ONLY").unwrap_or_default();
    let runs = |group: &str| only.is_empty() || only == group;
    if runs("sweep") {
        sweep_items::sweep_items(&mut s);
    }
    if runs("import") {
        import_items::import_items(&mut s);
    }
    if runs("reads") {
        read_items::read_items(&mut s);
    }
    report::print(&s.rows);
}
