//! Setup shared by the benches: the office every bench starts from, and the process's CPU time
//! (the machine is shared, so CPU time is printed beside wall time).
#![allow(dead_code)] // each bench uses part of it

use chrono::{DateTime, Utc};
use madoguchi::domain::ids::StaffId;
use madoguchi::service;
use madoguchi::storage::Store;

/// The first admin's password in every bench database.
pub const ADMIN_PW: &str = "kanri-sha-2026-pass";

/// `init` of the office 13010 飯田橋 with its admin `admin` (管理 太郎) at `now`; the admin's id.
pub fn office(store: &mut Store, now: DateTime<Utc>) -> StaffId {
    service::setup::init(
        store,
        &service::setup::InitInput {
            office_code: "13010",
            office_name: "飯田橋",
            admin_name: "admin",
            admin_display_name: "管理 太郎",
            admin_password: ADMIN_PW,
            terminal: "bench",
            now,
        },
    )
    .expect("init")
}

/// The import's input for a generated file, read as `madoguchi import` reads it.
pub fn file_input(path: &std::path::Path) -> madoguchi::service::import::Input<'static> {
    let file = std::fs::File::open(path).expect("open");
    let size = file.metadata().ok().map(|m| m.len());
    madoguchi::service::import::Input {
        name: "events.jsonl".into(),
        reader: Box::new(std::io::BufReader::with_capacity(1 << 16, file)),
        size,
    }
}

/// CPU seconds (user, system) this process used so far, from `/proc/self/stat` (Linux; zero
/// elsewhere).
pub fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here; clock ticks.
    let tick = 100.0;
    (
        f.get(11).copied().unwrap_or(0.0) / tick,
        f.get(12).copied().unwrap_or(0.0) / tick,
    )
}

/// A clerk's short write every 5 ms on its own connection to `db`, until `stop` is set or
/// `n` writes succeeded: each write's wait (lock included) and how many failed (a clerk
/// seeing "database is locked").
pub fn clerk_writes(
    db: &std::path::Path,
    stop: Option<&std::sync::atomic::AtomicBool>,
    n: usize,
) -> (Vec<std::time::Duration>, u32) {
    let mut store = Store::open_existing(db).expect("clerk's connection");
    let (mut waits, mut failures) = (Vec::new(), 0u32);
    while waits.len() < n && !stop.is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed)) {
        let t = std::time::Instant::now();
        let ok = store.immediate().and_then(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('bench.clerk', '1')
                 ON CONFLICT (key) DO UPDATE SET value = value + 1",
                [],
            )?;
            tx.commit()?;
            Ok(())
        });
        match ok {
            Ok(()) => waits.push(t.elapsed()),
            Err(_) => failures += 1,
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    (waits, failures)
}
