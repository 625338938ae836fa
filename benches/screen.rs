//! The queue screen at "L" scale over SSH (issue 15): 100,000 establishments and 500,000 job
//! offers written by `bench_fill` (about 20 s; `SCREEN_BENCH_DB=path` keeps the database and
//! reuses it), then the supervisor's 未担当 queue driven through the App at 80×24 as the TUI
//! does (key → App → one frame), the frames written through the TUI's own backend
//! (`tui::lean`) into a byte counter. Prints bytes written per `j`/`k`, per PgDn/PgUp (mean,
//! p99, max) and the keystroke→frame time (p50, p99, max). Goals: < 400 B per j/k, < 3 KB per
//! PgDn, p99 < 5 ms. Run: `cargo bench --bench screen` (release). Under the test runner a small
//! smoke size runs instead.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::{self, Ctx};
use madoguchi::storage::Store;
use madoguchi::tui::lean::Lean;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const PW: &str = "shounin-suzuki-pw";

fn scale() -> (usize, usize) {
    if std::env::args().any(|a| a == "--bench") {
        (100_000, 500_000)
    } else {
        (200, 1_000)
    }
}

/// The database: kept at `SCREEN_BENCH_DB` when set (and reused when there).
fn build(dir: &tempfile::TempDir) -> Store {
    let (n_est, n_jobs) = scale();
    let now = clock::parse_rfc3339("2026-11-24T01:30:00Z").expect("time");
    let kept = std::env::var_os("SCREEN_BENCH_DB").map(std::path::PathBuf::from);
    if let Some(p) = kept.as_ref().filter(|p| p.exists()) {
        return Store::open(p).expect("open kept");
    }
    let path = kept.unwrap_or_else(|| dir.path().join("bench.db"));
    let mut store = Store::open(&path).expect("open");
    let admin = common::office(&mut store, now);
    let admin = Ctx {
        staff_id: admin,
        staff_name: "admin".into(),
        terminal: "bench".into(),
        now,
    };
    service::staff::add(
        &mut store,
        &admin,
        "suzuki",
        "鈴木 一郎",
        &Roles::new(vec![Role::Supervisor]),
    )
    .expect("add");
    let id = madoguchi::storage::staff::by_name(store.conn(), "suzuki")
        .expect("q")
        .expect("row")
        .id;
    let hash = madoguchi::secret::hash(PW).expect("hash");
    madoguchi::storage::staff::set_password(store.conn(), id, &hash, false, now).expect("pw");
    let t0 = Instant::now();
    madoguchi::r#gen::bench_fill(&mut store, n_est, n_jobs, now).expect("fill");
    eprintln!(
        "setup: {n_est} establishments, {n_jobs} jobs in {:.1}s",
        t0.elapsed().as_secs_f64()
    );
    store
}

/// The bytes a terminal is sent, counted.
#[derive(Clone, Default)]
struct Count(Arc<Mutex<usize>>);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.0.lock().expect("lock") += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Count {
    fn take(&self) -> usize {
        std::mem::take(&mut *self.0.lock().expect("lock"))
    }
}

fn key(app: &mut App, code: KeyCode) -> bool {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE))
}

struct Run {
    app: App,
    term: Terminal<Lean<Count>>,
    count: Count,
}

impl Run {
    /// One keystroke as the TUI loop handles it: the key, then one frame. (bytes, time)
    fn step(&mut self, code: KeyCode) -> (usize, Duration) {
        let t = Instant::now();
        key(&mut self.app, code);
        self.term
            .draw(|f| madoguchi::ui::draw(f, &self.app))
            .expect("draw");
        (self.count.take(), t.elapsed())
    }

    fn steps(&mut self, code: KeyCode, n: usize) -> Vec<(usize, Duration)> {
        (0..n).map(|_| self.step(code)).collect()
    }
}

fn pct<T: Copy + Ord>(v: &[T], p: usize) -> T {
    let mut s = v.to_vec();
    s.sort_unstable();
    s[(s.len() * p / 100).min(s.len() - 1)]
}

fn report(label: &str, v: &[(usize, Duration)]) {
    let bytes: Vec<usize> = v.iter().map(|x| x.0).collect();
    let mean = bytes.iter().sum::<usize>() / bytes.len().max(1);
    println!(
        "{label:<6} n={:<5} bytes mean {mean:>5}  p99 {:>5}  max {:>5}",
        v.len(),
        pct(&bytes, 99),
        bytes.iter().max().copied().unwrap_or(0)
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        // The test runner asks for a list: nothing to list (this is not a libtest harness).
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build(&dir);
    let now = clock::parse_rfc3339("2026-11-24T01:30:00Z").expect("time");
    let mut app = App::with_clock(
        store,
        Config::default(),
        "pts/1".into(),
        None,
        Clock::Fixed(now),
    )
    .expect("app");
    app.viewport = Some((80, 24));
    for c in "suzuki".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Tab);
    for c in PW.chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Home(_)), "{:?}", app.flash);
    let t = Instant::now();
    madoguchi::app::review::open_queues(&mut app);
    let open = t.elapsed();
    assert!(matches!(app.screen, Screen::Queue(_)), "{:?}", app.flash);
    let count = Count::default();
    let term = Terminal::with_options(
        Lean::new(count.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        },
    )
    .expect("terminal");
    let mut run = Run { app, term, count };
    run.term
        .draw(|f| madoguchi::ui::draw(f, &run.app))
        .expect("draw");
    let first = run.count.take();
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { 2_000 } else { 100 };
    let mut all = Vec::new();
    let j = run.steps(KeyCode::Char('j'), n);
    let k = run.steps(KeyCode::Char('k'), n / 4);
    let pgdn = run.steps(KeyCode::PageDown, n);
    let pgup = run.steps(KeyCode::PageUp, n / 4);
    let (position, total) = match &run.app.screen {
        Screen::Queue(q) => (q.position(), q.count(q.queue)),
        _ => (0, 0),
    };
    println!("queue screen 80x24, unassigned: opened in {open:.1?}, first frame {first} bytes");
    report("j", &j);
    report("k", &k);
    report("PgDn", &pgdn);
    report("PgUp", &pgup);
    for v in [&j, &k, &pgdn, &pgup] {
        all.extend(v.iter().map(|x| x.1));
    }
    println!(
        "keystroke->frame n={} p50 {:.2?} p99 {:.2?} max {:.2?} (cursor at row {} of {total})",
        all.len(),
        pct(&all, 50),
        pct(&all, 99),
        all.iter().max().copied().unwrap_or_default(),
        position + 1,
    );
}
