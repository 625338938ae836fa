//! R-IO-1, R-IO-2, R-DL-1/2 through the import, on real database files.
//!
//! Shared here: the fixture (a real office database), generator options and the import run;
//! the parts hold the tests by what they check.

mod apply;
mod export;
mod queue_and_index;
mod rejects;
mod upgrades;
mod visit_reasons;

use std::io::Cursor;

use chrono::{DateTime, Utc};
use madoguchi::clock;
use madoguchi::config::Config;
use madoguchi::domain::ids::StaffId;
use madoguchi::r#gen::{GenAccount, GenOptions, generate};
use madoguchi::service::import;
use madoguchi::storage::Store;

use crate::common;

fn t(s: &str) -> DateTime<Utc> {
    clock::parse_rfc3339(s).expect("time")
}

struct Fx {
    _dir: tempfile::TempDir,
    store: Store,
    admin: StaffId,
}

fn fixture() -> Fx {
    let dir = tempfile::tempdir().expect("tempdir");
    let office = common::office::Office::builder()
        .now("2026-01-05T00:00:00Z")
        .build_at(&dir.path().join("m.db"));
    let (store, admin) = (office.store, office.admin.staff_id);
    Fx {
        _dir: dir,
        store,
        admin,
    }
}

fn opts(start: &str, accounts: u64, establishments: u64, jobs: u64) -> GenOptions {
    GenOptions {
        establishments,
        jobs,
        accounts,
        seed: 42,
        start: t(start),
    }
}

fn stream(o: &GenOptions, keys: &[GenAccount]) -> Vec<u8> {
    let mut out = Vec::new();
    generate(o, keys, &mut out).expect("gen");
    out
}

fn run(
    store: &mut Store,
    now: DateTime<Utc>,
    files: Vec<(&str, Vec<u8>)>,
) -> import::ImportSummary {
    let mut inputs: Vec<import::Input<'_>> = files
        .into_iter()
        .map(|(n, b)| import::Input {
            name: n.to_string(),
            size: Some(b.len() as u64),
            reader: Box::new(Cursor::new(b)),
        })
        .collect();
    import::import_events(store, &Config::default(), None, now, &mut inputs, |_| {})
        .expect("import")
}

/// A database at schema `version` (its files as they were), without foreign key checks (the
/// rows the migration tests write need no accounts).
fn database_at_version(path: &std::path::Path, version: i64) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(include_str!("../../../schema.sql"))
        .expect("v1");
    let upgrades = [
        include_str!("../../../assets/sql/002_submissions.sql"),
        include_str!("../../../assets/sql/003_review.sql"),
        include_str!("../../../assets/sql/004_lookup.sql"),
        include_str!("../../../assets/sql/005_import_writes.sql"),
        include_str!("../../../assets/sql/006_queue_search.sql"),
        include_str!("../../../assets/sql/007_queue_order.sql"),
        include_str!("../../../assets/sql/008_import_speed.sql"),
        include_str!("../../../assets/sql/009_job_category.sql"),
        include_str!("../../../assets/sql/010_import_writes_less.sql"),
        include_str!("../../../assets/sql/011_payload_any.sql"),
        include_str!("../../../assets/sql/012_stale_name_index.sql"),
        include_str!("../../../assets/sql/013_account_index.sql"),
    ];
    for sql in &upgrades[..usize::try_from(version - 1).expect("version")] {
        conn.execute_batch(sql).expect("upgrade");
    }
    conn.pragma_update(None, "user_version", version)
        .expect("version");
    conn.pragma_update(None, "foreign_keys", "OFF")
        .expect("pragma");
    conn
}
