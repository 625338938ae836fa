//! (a) Every screen drawn on a `TestBackend`, walked by keys: no cell holds a control character.

use std::collections::BTreeSet;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::Clock;
use madoguchi::config::Config;
use madoguchi::storage::{self, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common;

use super::{EMPLOYER, SEEKER, ctx, office, t0, unsafe_char};

// --- (a) every screen -----------------------------------------------------------------------

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn screen_name(s: &Screen) -> &'static str {
    match s {
        Screen::SignIn(_) => "SignIn",
        Screen::FirstRun(_) => "FirstRun",
        Screen::ChangePassword(_) => "ChangePassword",
        Screen::Home(_) => "Home",
        Screen::Register(_) => "Register",
        Screen::Account(_) => "Account",
        Screen::Staff(_) => "Staff",
        Screen::StaffAdd(_) => "StaffAdd",
        Screen::Audit(_) => "Audit",
        Screen::MailQueue(_) => "MailQueue",
        Screen::Queue(_) => "Queue",
        Screen::Detail(_) => "Detail",
        Screen::Purpose(_) => "Purpose",
        Screen::Dashboard(_) => "Dashboard",
        Screen::Lookup(_) => "Lookup",
        Screen::Calendar(_) => "Calendar",
        Screen::CalendarAdd(_) => "CalendarAdd",
    }
}

struct Drawn {
    seen: BTreeSet<&'static str>,
    frames: usize,
}

impl Drawn {
    /// Draws at 80×24 and 120×40: no cell may hold a control or bidi character.
    fn check(&mut self, app: &App, what: &str) {
        self.seen.insert(screen_name(&app.screen));
        for (w, h) in [(80, 24), (120, 40)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            t.draw(|f| madoguchi::ui::draw(f, app)).expect("draw");
            for (i, cell) in t.backend().buffer().content().iter().enumerate() {
                let bad: Vec<char> = cell.symbol().chars().filter(|c| unsafe_char(*c)).collect();
                assert!(
                    bad.is_empty(),
                    "{what} on {} at {w}×{h}: cell {i} holds {bad:?}\n{}",
                    screen_name(&app.screen),
                    common::screen::buffer_text(&t)
                );
            }
            self.frames += 1;
        }
    }
}

fn app_as(db: &Path, name: &str, pw: &str) -> App {
    let mut app = App::with_clock(
        Store::open(db).expect("open"),
        Config::default(),
        "pts/1".into(),
        None,
        Clock::Fixed(t0()),
    )
    .expect("app");
    type_text(&mut app, name);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, pw);
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.screen, Screen::Home(_)),
        "{name}: {:?}",
        app.flash
    );
    app
}

/// Keys a clerk presses everywhere, minus the ones that leave (quit, sign out, lock) and the
/// yes of a confirm step.
const WALK: &[KeyCode] = &[
    KeyCode::Enter,
    KeyCode::Enter,
    KeyCode::Down,
    KeyCode::Down,
    KeyCode::Up,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::PageDown,
    KeyCode::PageUp,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::Esc,
    KeyCode::Char('n'),
    KeyCode::Char('p'),
    KeyCode::Char('h'),
    KeyCode::Char('a'),
    KeyCode::Char('/'),
    KeyCode::Char('?'),
    KeyCode::Char('1'),
    KeyCode::Char('2'),
    KeyCode::Char('3'),
    KeyCode::Char('4'),
    KeyCode::Char('5'),
    KeyCode::Char('6'),
    KeyCode::Char('7'),
    KeyCode::Char('8'),
    KeyCode::Char(' '),
    KeyCode::F(1),
];

/// Every menu item of the signed-in role, each followed by a random walk of keys.
fn walk_every_menu(app: &mut App, drawn: &mut Drawn, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    for item in madoguchi::app::home::items(app) {
        while !matches!(app.screen, Screen::Home(_)) {
            press(app, KeyCode::Esc);
            app.overlay = None;
        }
        madoguchi::app::home::open(app, item);
        drawn.check(app, &format!("{item:?}"));
        for step in 0..60 {
            let k = WALK[rng.random_range(0..WALK.len())];
            press(app, k);
            drawn.check(app, &format!("{item:?} step {step} after {k:?}"));
            if matches!(app.screen, Screen::SignIn(_)) {
                return;
            }
        }
    }
}

#[test]
fn spec_5_hostile_rows_never_reach_the_terminal_on_any_screen() {
    let o = office();
    let db = o.dir.path().join("m.db");
    let mut drawn = Drawn {
        seen: BTreeSet::new(),
        frames: 0,
    };

    // The counter: the account screen of both customers, a lookup and its record.
    let mut app = app_as(&db, "tanaka", common::CLERK_PW);
    drawn.check(&app, "home");
    for email in [EMPLOYER, SEEKER] {
        madoguchi::app::home::open(&mut app, madoguchi::app::home::MenuItem::Account);
        type_text(&mut app, email);
        press(&mut app, KeyCode::Enter);
        drawn.check(&app, "account purpose");
        press(&mut app, KeyCode::Enter);
        drawn.check(&app, email);
        assert!(
            matches!(&app.screen, Screen::Account(a) if a.view.is_some()),
            "{email}: {:?}",
            app.flash
        );
        for _ in 0..6 {
            press(&mut app, KeyCode::Down);
            press(&mut app, KeyCode::Enter);
            drawn.check(&app, email);
            press(&mut app, KeyCode::Esc);
        }
        while !matches!(app.screen, Screen::Home(_)) {
            press(&mut app, KeyCode::Esc);
        }
    }
    // ID照会 by 事業所名 (two methods to the right of 事業所番号), each record opened.
    madoguchi::app::home::open(&mut app, madoguchi::app::home::MenuItem::Lookup);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "株式会社");
    press(&mut app, KeyCode::Enter);
    drawn.check(&app, "lookup purpose");
    press(&mut app, KeyCode::Enter);
    drawn.check(&app, "lookup results");
    for _ in 0..4 {
        press(&mut app, KeyCode::Enter);
        drawn.check(&app, "lookup record");
        for k in [KeyCode::Char('r'), KeyCode::Char('c'), KeyCode::Char('m')] {
            press(&mut app, k);
            drawn.check(&app, "lookup record form");
            press(&mut app, KeyCode::Esc);
        }
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Down);
    }
    walk_every_menu(&mut app, &mut drawn, 1);

    // The supervisor: the queues, every item's detail page by page, the mail queue, the audit
    // log, the dashboard, the ID change waiting.
    let mut app = app_as(&db, "suzuki", common::SUPERVISOR_PW);
    madoguchi::app::home::open(&mut app, madoguchi::app::home::MenuItem::Queue);
    drawn.check(&app, "queue");
    for _ in 0..8 {
        press(&mut app, KeyCode::Tab);
        drawn.check(&app, "queue tab");
    }
    for i in 0..o.items.len() {
        for _ in 0..i {
            press(&mut app, KeyCode::Down);
        }
        press(&mut app, KeyCode::Enter);
        drawn.check(&app, "queue open");
        press(&mut app, KeyCode::Enter);
        for _ in 0..6 {
            drawn.check(&app, "detail");
            press(&mut app, KeyCode::PageDown);
        }
        while !matches!(app.screen, Screen::Queue(_) | Screen::Home(_)) {
            press(&mut app, KeyCode::Esc);
        }
    }
    walk_every_menu(&mut app, &mut drawn, 2);

    // The admin: staff, calendar, mail queue, audit log; the auditor.
    let mut app = app_as(&db, "admin", common::ADMIN_PW);
    walk_every_menu(&mut app, &mut drawn, 3);
    let db_store = Store::open(&db).expect("open");
    let sato = ctx(&db_store, "sato");
    let hash = madoguchi::secret::hash(common::CLERK_PW).expect("hash");
    storage::staff::set_password(db_store.conn(), sato.staff_id, &hash, false, t0()).expect("pw");
    let mut app = app_as(&db, "sato", common::CLERK_PW);
    walk_every_menu(&mut app, &mut drawn, 4);

    for s in [
        "Home",
        "Register",
        "Account",
        "Staff",
        "StaffAdd",
        "Audit",
        "MailQueue",
        "Queue",
        "Detail",
        "Purpose",
        "Dashboard",
        "Lookup",
        "Calendar",
        "CalendarAdd",
        "ChangePassword",
    ] {
        assert!(drawn.seen.contains(s), "{s} never drawn: {:?}", drawn.seen);
    }
    eprintln!(
        "{} frames of {} screens without a control or bidi character",
        drawn.frames,
        drawn.seen.len()
    );
    let _ = &o.mails;
}
