//! Queue pages at "L" scale (R-REV-6): 100,000 establishments and 500,000 job offers, rows
//! written directly through SQL in the setup (seconds, nothing cached outside a temp dir),
//! then the first page (50 lines) of every queue, sorted three ways, without a filter and with
//! `/` filters that match many, some, few or no rows, of one, two and more characters (see
//! `FILTERS`), and the queue counts. Prints p50 / p99 per case from its own timing loop, then
//! runs the divan benches. Run: `cargo bench --bench queues` (release); `QUEUE_BENCH_FILTERS=a,b`
//! limits the filter cases by label; `QUEUE_BENCH_DB=path` keeps the database there and
//! reuses it (delete it after a schema change). Goal: p99 < 2 ms. Under the test runner a small smoke size
//! runs instead. `QUEUE_BENCH_ONLY=counts` runs only the counts (issue 16 item 6): the kept
//! tallies (schema v17) against the count on the submissions (the old code, `count_sql`) in
//! the same run, with the process's CPU time beside the wall time (the machine is shared).

mod common;

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use madoguchi::clock;
use madoguchi::domain::queue::{Queue, Sort};
use madoguchi::service::{Ctx, queue};
use madoguchi::storage::Store;

struct Bench {
    _dir: tempfile::TempDir,
    store: Store,
    ctx: Ctx,
}

fn scale() -> (usize, usize) {
    let full = std::env::args().any(|a| a == "--bench");
    if full {
        (100_000, 500_000)
    } else {
        (200, 1_000)
    }
}

fn build() -> Bench {
    let (n_est, n_jobs) = scale();
    let now = clock::parse_rfc3339("2026-11-24T01:30:00Z").expect("time");
    let dir = tempfile::tempdir().expect("tempdir");
    // QUEUE_BENCH_DB=path keeps the database there and reuses it on the next run (the setup
    // takes about 20 s at L scale).
    let kept = std::env::var_os("QUEUE_BENCH_DB").map(std::path::PathBuf::from);
    if let Some(p) = kept.as_ref().filter(|p| p.exists()) {
        let store = Store::open(p).expect("open kept");
        let admin = store
            .conn()
            .query_row("SELECT min(id) FROM staff", [], |r| r.get(0))
            .expect("admin");
        return bench_of(dir, store, admin, now);
    }
    let path = kept.unwrap_or_else(|| dir.path().join("bench.db"));
    let mut store = Store::open(&path).expect("open");
    let admin = common::office(&mut store, now);
    let t0 = Instant::now();
    madoguchi::r#gen::bench_fill(&mut store, n_est, n_jobs, now).expect("fill");
    eprintln!(
        "setup: {n_est} establishments, {n_jobs} jobs in {:.1}s",
        t0.elapsed().as_secs_f64()
    );
    bench_of(dir, store, admin, now)
}

fn bench_of(
    dir: tempfile::TempDir,
    store: Store,
    admin: madoguchi::domain::ids::StaffId,
    now: chrono::DateTime<chrono::Utc>,
) -> Bench {
    let ctx = Ctx {
        staff_id: admin,
        staff_name: "admin".into(),
        terminal: "bench".into(),
        now,
    };
    // Queues need a reviewer: give admin the supervisor role for the bench.
    madoguchi::storage::staff::set_roles(
        store.conn(),
        admin,
        &madoguchi::domain::staff::Roles::parse_list("admin,supervisor"),
        now,
    )
    .expect("roles");
    Bench {
        _dir: dir,
        store,
        ctx,
    }
}

fn bench() -> &'static Mutex<Bench> {
    static B: OnceLock<Mutex<Bench>> = OnceLock::new();
    B.get_or_init(|| {
        let b = build();
        // QUEUE_BENCH_PRAGMAS=old: SQLite's defaults as before issue 16 item 7 (2 MiB page
        // cache, no memory map), for the before/after figures in one build.
        if std::env::var("QUEUE_BENCH_PRAGMAS").as_deref() == Ok("old") {
            b.store
                .conn()
                .execute_batch("PRAGMA cache_size = -2000; PRAGMA mmap_size = 0;")
                .expect("pragmas");
        }
        let c = b.store.conn();
        let get = |p: &str| -> i64 {
            c.query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
                .unwrap_or(-1)
        };
        eprintln!(
            "cache_size {} mmap_size {}",
            get("cache_size"),
            get("mmap_size")
        );
        Mutex::new(b)
    })
}

fn page(q: Queue, s: Sort, filter: &str) -> usize {
    let b = bench().lock().expect("lock");
    queue::list(&b.store, &b.ctx, q, s, filter, 50)
        .expect("list")
        .len()
}

const SORTS: [Sort; 3] = [Sort::Deadline, Sort::Received, Sort::Name];

/// `/` filter cases: (label, text). What they match in `bench_fill`'s L data: establishment
/// names are 株式会社 + one of five words + the number (若葉商事 every tenth), job titles one of
/// four words + the job's number, external ids `B` + a number.
const FILTERS: [(&str, &str); 11] = [
    ("none", ""),
    // Many: every tenth establishment and its job offers.
    ("many-2", "商事"),
    ("many-4", "若葉商事"),
    // Every establishment (1 character).
    ("all-1", "株"),
    // Some: 1,112 establishments (若葉商事1…) and their offers, about 1 % of the queue.
    ("some-5", "若葉商事1"),
    // Few: one establishment and its offers; job titles; external ids.
    ("few-name", "若葉商事1234"),
    ("few-title", "倉庫内作業12345"),
    ("few-ext", "b42424"),
    // No match, of one, two and more characters.
    ("zero-1", "鰻"),
    ("zero-2", "鰻丼"),
    ("zero-4", "該当なし"),
];

fn filter_cases() -> Vec<(&'static str, &'static str)> {
    let only = std::env::var("QUEUE_BENCH_FILTERS").unwrap_or_default();
    FILTERS
        .into_iter()
        .filter(|(label, _)| only.is_empty() || only.split(',').any(|o| o == *label))
        .collect()
}

#[divan::bench(args = Queue::ALL)]
fn first_page_by_deadline(q: Queue) -> usize {
    page(q, Sort::Deadline, "")
}

#[divan::bench(args = Queue::ALL)]
fn first_page_by_name(q: Queue) -> usize {
    page(q, Sort::Name, "")
}

#[divan::bench(args = Queue::ALL)]
fn first_page_filtered(q: Queue) -> usize {
    page(q, Sort::Deadline, "商事")
}

#[divan::bench]
fn counts() -> usize {
    let b = bench().lock().expect("lock");
    queue::counts(&b.store, &b.ctx).expect("counts").len()
}

/// p50 and p99 (ms) of `iters` runs of `f`; slow cases stop after ~1.5 s of samples (their
/// p99 is then the max). Also returns the last result.
fn sample(iters: usize, mut f: impl FnMut() -> usize) -> (f64, f64, usize) {
    let mut ts = Vec::with_capacity(iters);
    let mut out = 0;
    let budget = Instant::now();
    for _ in 0..iters {
        if ts.len() >= 5 && budget.elapsed().as_secs_f64() > 1.5 {
            break;
        }
        let t = Instant::now();
        out = f();
        ts.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ts.sort_by(f64::total_cmp);
    let p = |x: f64| ts[((ts.len() as f64 - 1.0) * x) as usize];
    (p(0.5), p(0.99), out)
}

fn percentiles() {
    let iters = if scale().0 >= 100_000 { 200 } else { 5 };
    println!(
        "{:<12} {:<9} {:<10} {:>9} {:>9} {:>5}  text",
        "queue", "sort", "filter", "p50 ms", "p99 ms", "rows"
    );
    let cases = filter_cases();
    let mut worst = (0.0_f64, String::new());
    for q in Queue::ALL {
        for s in SORTS {
            for (label, f) in &cases {
                let (p50, p99, rows) = sample(iters, || page(q, s, f));
                let text = if f.is_empty() { "-" } else { f };
                println!(
                    "{:<12} {:<9} {:<10} {p50:>9.3} {p99:>9.3} {rows:>5}  {text}",
                    q.code(),
                    s.code(),
                    label,
                );
                if p99 > worst.0 {
                    worst = (p99, format!("{} {} {label}", q.code(), s.code()));
                }
            }
        }
    }
    let (p50, p99, n) = sample(iters, || {
        let b = bench().lock().expect("lock");
        let c = queue::counts(&b.store, &b.ctx).expect("counts");
        usize::try_from(c.iter().map(|(_, n)| n).sum::<i64>()).unwrap_or(0)
    });
    println!(
        "{:<12} {:<9} {:<10} {p50:>9.3} {p99:>9.3} {n:>5}  (sum of all counts)",
        "counts", "-", "-"
    );
    println!("worst page p99: {:.3} ms ({})", worst.0, worst.1);
}

/// User + system CPU seconds of this process so far (from /proc; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name in parentheses: utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

/// Counts read from the tallies against the count on the submissions (the old code), each
/// `iters` times: p50, p99, the sum of counts (equal) and CPU time per call.
fn counts_only() {
    let iters = if scale().0 >= 100_000 { 500 } else { 5 };
    let args = {
        let b = bench().lock().expect("lock");
        queue::args(b.store.conn(), &b.ctx, "", 50).expect("args")
    };
    println!(
        "{:<26} {:>9} {:>9} {:>10} {:>12}",
        "counts (7 queues)", "p50 ms", "p99 ms", "sum", "cpu ms/call"
    );
    for (label, counted) in [("kept tallies (v17)", false), ("counted (old code)", true)] {
        let mut calls = 0;
        let cpu0 = cpu_seconds();
        let (p50, p99, n) = sample(iters, || {
            calls += 1;
            let b = bench().lock().expect("lock");
            let c = b.store.conn();
            Queue::ALL
                .into_iter()
                .map(|q| {
                    if counted {
                        madoguchi::storage::queue::queue_count_counted(c, q, &args)
                    } else {
                        madoguchi::storage::queue::queue_count(c, q, &args)
                    }
                    .expect("count")
                })
                .sum::<i64>()
                .try_into()
                .unwrap_or(0)
        });
        let cpu = (cpu_seconds() - cpu0) * 1000.0 / f64::from(calls.max(1));
        println!("{label:<26} {p50:>9.3} {p99:>9.3} {n:>10} {cpu:>12.3}");
    }
    // The service as a TUI calls it (permission check, today's dates, the seven counts).
    let (p50, p99, n) = sample(iters, || {
        let b = bench().lock().expect("lock");
        let c = queue::counts(&b.store, &b.ctx).expect("counts");
        usize::try_from(c.iter().map(|(_, n)| n).sum::<i64>()).unwrap_or(0)
    });
    println!(
        "{:<26} {p50:>9.3} {p99:>9.3} {n:>10}",
        "service::queue::counts"
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if std::env::var("QUEUE_BENCH_ONLY").as_deref() == Ok("counts") {
        counts_only();
        return;
    }
    percentiles();
    // The divan benches repeat the same pages; at L scale the slow sorts would take minutes,
    // so they run only when asked (QUEUE_BENCH_DIVAN=1) or in the smoke size.
    if scale().0 < 100_000 || std::env::var_os("QUEUE_BENCH_DIVAN").is_some() {
        divan::main();
    }
}
