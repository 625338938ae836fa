//! The queue at L scale (issue 15): every queue pages to its end by keyset (the same rows in
//! the same order as the reference query), the screen turns pages through more rows than it
//! holds and says where it is (「201–217 / 1,234」), and a `j` or a PgDn writes only what
//! changed to the terminal (bytes counted through the real crossterm backend).

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use madoguchi::domain::ids::SubmissionId;
use madoguchi::domain::queue::{Queue, Sort};
use madoguchi::service::queue::{self, Resume};
use madoguchi::storage::Store;
use madoguchi::storage::queue::reference_page;
use madoguchi::tui::lean::Lean;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use crate::common;

/// 300 establishments and 1,500 job offers (about 1,300 pending), some without a deadline, many
/// sharing one (the id breaks the tie).
fn office() -> (tempfile::TempDir, Store, madoguchi::service::Ctx) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let (mut store, _) = common::office(&path, true);
    let now = clock::parse_rfc3339(common::NOW).unwrap();
    madoguchi::r#gen::bench_fill(&mut store, 300, 1_500, now).unwrap();
    store
        .conn()
        .execute(
            "UPDATE submissions SET deadline = NULL WHERE id % 37 = 0",
            [],
        )
        .unwrap();
    let boss = madoguchi::storage::staff::by_name(store.conn(), "suzuki")
        .unwrap()
        .unwrap();
    let ctx = madoguchi::service::Ctx {
        staff_id: boss.id,
        staff_name: "suzuki".into(),
        terminal: "test".into(),
        now,
    };
    (dir, store, ctx)
}

fn ids(lines: &[queue::QueueLine]) -> Vec<SubmissionId> {
    lines.iter().map(|l| l.row.id).collect()
}

#[test]
fn issue15_l_scale_keyset_pages_walk_every_queue_to_its_end_in_order() {
    let (_dir, store, ctx) = office();
    for q in Queue::ALL {
        for sort in Sort::ALL {
            for filter in ["", "若葉"] {
                let mut got = Vec::new();
                let mut from = Resume::Start;
                let mut pages = 0;
                loop {
                    let (lines, next) =
                        queue::list_from(&store, &ctx, q, sort, filter, 50, &from).unwrap();
                    got.extend(ids(&lines));
                    pages += 1;
                    assert!(pages < 100, "{q:?} {sort:?} never ends");
                    match next {
                        Some(n) => from = n,
                        None => break,
                    }
                }
                let a = queue::args(store.conn(), &ctx, filter, 100_000).unwrap();
                let want: Vec<SubmissionId> = reference_page(store.conn(), q, sort, &a)
                    .unwrap()
                    .iter()
                    .map(|r| r.id)
                    .collect();
                assert_eq!(got, want, "{q:?} {sort:?} {filter:?}");
            }
        }
    }
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The supervisor's queue screen on the unassigned queue (counts counted in the UI thread).
fn queue_screen(store: Store) -> App {
    let now = clock::parse_rfc3339(common::NOW).unwrap();
    let mut app = App::with_clock(
        store,
        Config::default(),
        "pts/1".into(),
        None,
        Clock::Fixed(now),
    )
    .unwrap();
    app.viewport = Some((80, 24));
    type_text(&mut app, "suzuki");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, common::SUPERVISOR_PW);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Home(_)), "{:?}", app.flash);
    madoguchi::app::review::open_queues(&mut app);
    assert!(matches!(app.screen, Screen::Queue(_)), "{:?}", app.flash);
    app
}

/// The bytes a terminal is sent, counted.
#[derive(Clone, Default)]
struct Count(Arc<Mutex<usize>>);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.0.lock().unwrap() += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Count {
    fn take(&self) -> usize {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn counted_terminal() -> (Terminal<Lean<Count>>, Count) {
    let count = Count::default();
    let t = Terminal::with_options(
        Lean::new(count.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        },
    )
    .unwrap();
    (t, count)
}

fn screen(app: &App) -> String {
    common::screen::screen_text(app, 80, 24)
}

#[test]
fn issue15_l_scale_pgdn_pages_past_the_rows_held_to_the_queue_end_and_says_where() {
    let (_dir, store, ctx) = office();
    let total = queue::counts(&store, &ctx)
        .unwrap()
        .iter()
        .find(|c| c.0 == Queue::Unassigned)
        .unwrap()
        .1;
    assert!(total > 600, "{total}");
    let want = queue::list(&store, &ctx, Queue::Unassigned, Sort::Deadline, "", 100_000).unwrap();
    let mut app = queue_screen(store);
    let t = screen(&app);
    // 15 rows at 80×24 under the header, the tabs, the order, the column heads and the keys.
    assert!(t.contains(&format!("1–15 / {}", group(total))), "{t}");
    let mut seen = 0;
    for _ in 0..200 {
        press(&mut app, KeyCode::PageDown);
        let _ = screen(&app);
        let Screen::Queue(q) = &app.screen else {
            panic!()
        };
        seen = q.position();
    }
    let Screen::Queue(q) = &app.screen else {
        panic!()
    };
    assert_eq!(seen + 1, want.len(), "the last row is reached");
    assert_eq!(q.selected().unwrap().row.id, want.last().unwrap().row.id);
    let t = screen(&app);
    assert!(t.contains(&format!("/ {}", group(total))), "{t}");
    // And back to the first by PgUp, through the chunks let go of on the way down.
    for _ in 0..200 {
        press(&mut app, KeyCode::PageUp);
        let _ = screen(&app);
    }
    let Screen::Queue(q) = &app.screen else {
        panic!()
    };
    assert_eq!(q.position(), 0);
    assert_eq!(q.selected().unwrap().row.id, want[0].row.id);
    // j through a chunk boundary, k back: the same rows as the list, one by one.
    for (i, line) in want.iter().enumerate().take(450) {
        let Screen::Queue(q) = &app.screen else {
            panic!()
        };
        assert_eq!(q.selected().unwrap().row.id, line.row.id, "row {i}");
        press(&mut app, KeyCode::Char('j'));
        let _ = screen(&app);
    }
}

#[test]
fn issue15_l_scale_filtered_list_says_many_until_its_end_is_read() {
    let (_dir, store, ctx) = office();
    let want = queue::list(
        &store,
        &ctx,
        Queue::Unassigned,
        Sort::Deadline,
        "株式会社",
        100_000,
    )
    .unwrap()
    .len();
    assert!(want > 250, "{want}");
    let mut app = queue_screen(store);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "株式会社");
    press(&mut app, KeyCode::Enter);
    let t = screen(&app);
    assert!(t.contains("1–15 / 多数"), "{t}");
    for _ in 0..100 {
        press(&mut app, KeyCode::PageDown);
    }
    let t = screen(&app);
    assert!(
        t.contains(&format!("/ {}", group(i64::try_from(want).unwrap()))),
        "{t}"
    );
}

#[test]
fn issue15_l_scale_a_j_repaints_two_rows_and_a_pgdn_one_page() {
    let (_dir, store, _ctx) = office();
    let mut app = queue_screen(store);
    let (mut term, count) = counted_terminal();
    term.draw(|f| madoguchi::ui::draw(f, &app)).unwrap();
    let first = count.take();
    let mut js = Vec::new();
    for _ in 0..40 {
        press(&mut app, KeyCode::Char('j'));
        term.draw(|f| madoguchi::ui::draw(f, &app)).unwrap();
        js.push(count.take());
    }
    let mut ks = Vec::new();
    for _ in 0..10 {
        press(&mut app, KeyCode::Char('k'));
        term.draw(|f| madoguchi::ui::draw(f, &app)).unwrap();
        ks.push(count.take());
    }
    let mut pgdn = Vec::new();
    for _ in 0..30 {
        press(&mut app, KeyCode::PageDown);
        term.draw(|f| madoguchi::ui::draw(f, &app)).unwrap();
        pgdn.push(count.take());
    }
    let mean = |v: &[usize]| v.iter().sum::<usize>() / v.len();
    // A j inside the view: the row left and the row entered. Once a page, the page turns.
    let inside: Vec<usize> = js.iter().copied().filter(|b| *b < 1_000).collect();
    assert!(inside.len() >= 35, "{js:?}");
    assert!(inside.iter().all(|b| *b < 400), "{js:?}");
    assert!(mean(&js) < 400, "{js:?}");
    assert!(ks.iter().all(|b| *b < 400), "{ks:?}");
    assert!(pgdn.iter().all(|b| *b < 3_000), "{pgdn:?}");
    assert!(first > 3_000, "the first frame draws everything: {first}");
}

fn group(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
