//! Queue pages at "L" scale (R-REV-6): 100,000 establishments and 500,000 job offers, rows
//! written directly through SQL in the setup (seconds, nothing cached outside a temp dir),
//! then the first page (50 lines) of every queue, sorted three ways, with and without a `/`
//! filter. Prints p50 / p99 per case from its own timing loop, then runs the divan benches.
//! Run: `cargo bench --bench queues` (release). Goal: p99 < 2 ms. Under the test runner a
//! small smoke size runs instead.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use madoguchi::clock;
use madoguchi::service::{self, Ctx, queue};
use madoguchi::storage::Store;
use madoguchi::storage::review::{Queue, Sort};

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
    let mut store = Store::open(&dir.path().join("bench.db")).expect("open");
    let admin = service::setup::init(
        &mut store,
        &service::setup::InitInput {
            office_code: "13010",
            office_name: "飯田橋",
            admin_name: "admin",
            admin_display_name: "管理 太郎",
            admin_password: "kanri-sha-2026-pass",
            terminal: "bench",
            now,
        },
    )
    .expect("init");
    let t0 = Instant::now();
    madoguchi::storage::review::bench_fill(&mut store, n_est, n_jobs, now).expect("fill");
    eprintln!(
        "setup: {n_est} establishments, {n_jobs} jobs in {:.1}s",
        t0.elapsed().as_secs_f64()
    );
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
    B.get_or_init(|| Mutex::new(build()))
}

fn page(q: Queue, s: Sort, filter: &str) -> usize {
    let b = bench().lock().expect("lock");
    queue::list(&b.store, &b.ctx, q, s, filter, 50)
        .expect("list")
        .len()
}

const SORTS: [Sort; 3] = [Sort::Deadline, Sort::Received, Sort::Name];

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

fn percentiles() {
    let iters = if scale().0 >= 100_000 { 300 } else { 5 };
    println!(
        "{:<12} {:<9} {:<8} {:>9} {:>9}  rows",
        "queue", "sort", "filter", "p50 ms", "p99 ms"
    );
    for q in Queue::ALL {
        for s in SORTS {
            for f in ["", "商事"] {
                let mut ts = Vec::with_capacity(iters);
                let mut rows = 0;
                let budget = Instant::now();
                for _ in 0..iters {
                    // Slow cases stop after ~1.5 s of samples (their p99 is then the max).
                    if ts.len() >= 5 && budget.elapsed().as_secs_f64() > 1.5 {
                        break;
                    }
                    let t = Instant::now();
                    rows = page(q, s, f);
                    ts.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                ts.sort_by(f64::total_cmp);
                let p = |x: f64| ts[((ts.len() as f64 - 1.0) * x) as usize];
                println!(
                    "{:<12} {:<9} {:<8} {:>9.3} {:>9.3}  {rows}",
                    q.code(),
                    s.code(),
                    if f.is_empty() { "-" } else { f },
                    p(0.5),
                    p(0.99)
                );
            }
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    percentiles();
    // The divan benches repeat the same pages; at L scale the slow sorts would take minutes,
    // so they run only when asked (QUEUE_BENCH_DIVAN=1) or in the smoke size.
    if scale().0 < 100_000 || std::env::var_os("QUEUE_BENCH_DIVAN").is_some() {
        divan::main();
    }
}
