//! Issue 15, how it is checked: a snapshot at 80×24 of every screen and dialog that the other
//! snapshot files (screens, screens80, review_*, detail_*, `screens_lookup`) did not yet draw, in
//! the roles that see it, with long Japanese staff names: the menus of the supervisor, the
//! admin and the auditor, the first start, the password change, the staff form and its three
//! confirmations (disable, unlock, reset), the quit and sign-out questions, the ID lookup's
//! search form, the audit log's filter and export forms, the queue and the dashboard as the
//! auditor sees them, and the too-small screen.
//!
//! Screen variants (src/app/mod.rs `Screen`) and where each is drawn: `SignIn`, Home, Register,
//! Account, Staff, Calendar(+Add), `MailQueue`, Queue, Detail, Purpose, Dashboard (screens.rs,
//! `review_screens.rs`, `detail_sections.rs`, `review_detail.rs`, `review_checklist.rs`), Lookup and
//! Audit (`screens_lookup.rs`), `FirstRun`, `ChangePassword`, `StaffAdd` (here).

#![allow(clippy::unwrap_used)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::home::MenuItem;
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use madoguchi::domain::staff::Role;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common;

const PW: &str = "madoguchi-long-name-pw";
/// The longest display name the staff form takes, in kanji.
const LONG_NAME: &str = "勅使河原 左衛門三郎太郎兵衛";

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
}

/// The office with one staff member of each role under a long Japanese name, signed in as
/// `who` (teshigawara.c counter, .s supervisor, .a admin, .k auditor).
fn signed_in(who: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let office = common::office_builder(true)
        .staff("teshigawara.c", LONG_NAME, &[Role::Counter], PW)
        .staff("teshigawara.s", LONG_NAME, &[Role::Supervisor], PW)
        .staff("teshigawara.a", LONG_NAME, &[Role::Admin], PW)
        .staff("teshigawara.k", LONG_NAME, &[Role::Auditor], PW)
        .build_at(&dir.path().join("m.db"));
    let (now, admin) = (office.now, office.admin);
    let mut store = office.store;
    let cfg = Config::default();
    common::review::submission(&mut store, 0, "2026-11-20", admin.staff_id, "[]");
    common::review::submission(&mut store, 1, "2026-11-26", admin.staff_id, "[]");
    let mut app = App::with_clock(store, cfg, "pts/1".into(), None, Clock::Fixed(now)).unwrap();
    app.viewport = Some((80, 24));
    type_text(&mut app, who);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, PW);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Home(_)), "{:?}", app.flash);
    Fixture { _dir: dir, app }
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn render(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| madoguchi::ui::draw(f, app)).unwrap();
    t
}

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_80x24"), render(app, 80, 24).backend());
}

fn text(app: &App) -> String {
    common::screen::screen_text(app, 80, 24)
}

#[test]
fn issue15_menus_of_every_role_at_80x24() {
    for (who, role) in [
        ("teshigawara.s", "supervisor"),
        ("teshigawara.a", "admin"),
        ("teshigawara.k", "auditor"),
    ] {
        let f = signed_in(who);
        assert!(text(&f.app).contains(LONG_NAME), "{}", text(&f.app));
        snap(&format!("home_{role}"), &f.app);
    }
}

#[test]
fn issue15_quit_and_sign_out_questions() {
    let mut f = signed_in("teshigawara.c");
    press(&mut f.app, KeyCode::Char('q'));
    assert!(text(&f.app).contains("終了しますか"));
    snap("quit_confirm_counter", &f.app);
    press(&mut f.app, KeyCode::Char('n'));
    assert!(!text(&f.app).contains("終了しますか"));
}

#[test]
fn issue15_first_start_and_password_change() {
    // A database nobody has set up yet: the first start asks for the office and its admin.
    let dir = tempfile::tempdir().unwrap();
    let store = madoguchi::storage::Store::open(&dir.path().join("new.db")).unwrap();
    let now = clock::parse_rfc3339(common::NOW).unwrap();
    let app = App::with_clock(
        store,
        Config::default(),
        "pts/1".into(),
        None,
        Clock::Fixed(now),
    )
    .unwrap();
    assert!(matches!(app.screen, Screen::FirstRun(_)));
    snap("first_run", &app);
    for (who, role) in [("teshigawara.c", "counter"), ("teshigawara.k", "auditor")] {
        let mut f = signed_in(who);
        madoguchi::app::home::open(&mut f.app, MenuItem::ChangePassword);
        assert!(matches!(f.app.screen, Screen::ChangePassword(_)));
        snap(&format!("change_password_{role}"), &f.app);
    }
}

#[test]
fn issue15_staff_form_and_its_confirmations_for_the_admin() {
    let mut f = signed_in("teshigawara.a");
    madoguchi::app::home::open(&mut f.app, MenuItem::Staff);
    assert!(matches!(f.app.screen, Screen::Staff(_)));
    // The cursor on a long-named colleague (the list is by sign-in name).
    for _ in 0..3 {
        press(&mut f.app, KeyCode::Char('j'));
    }
    // A name cut to its column says so (「勅使河原 左衛門…」 is not someone else).
    assert!(
        text(&f.app).contains("勅使河原 左衛門…"),
        "{}",
        text(&f.app)
    );
    for (key, name) in [('d', "disable"), ('u', "unlock"), ('p', "reset")] {
        press(&mut f.app, KeyCode::Char(key));
        let t = text(&f.app);
        // Whom it is about: the sign-in ID and the whole name.
        assert!(t.contains(&format!("teshigawara.a（{LONG_NAME}）")), "{t}");
        snap(&format!("staff_{name}_confirm"), &f.app);
        press(&mut f.app, KeyCode::Char('n'));
    }
    press(&mut f.app, KeyCode::Char('a'));
    assert!(matches!(f.app.screen, Screen::StaffAdd(_)));
    type_text(&mut f.app, "teshigawara.new");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, LONG_NAME);
    snap("staff_add", &f.app);
}

#[test]
fn issue15_lookup_search_form_for_clerk_and_supervisor() {
    for (who, role) in [
        ("teshigawara.c", "counter"),
        ("teshigawara.s", "supervisor"),
    ] {
        let mut f = signed_in(who);
        madoguchi::app::home::open(&mut f.app, MenuItem::Lookup);
        assert!(matches!(f.app.screen, Screen::Lookup(_)));
        snap(&format!("lookup_search_{role}"), &f.app);
    }
}

#[test]
fn issue15_audit_filter_and_export_forms_for_auditor_and_supervisor() {
    for (who, role) in [
        ("teshigawara.k", "auditor"),
        ("teshigawara.s", "supervisor"),
    ] {
        let mut f = signed_in(who);
        madoguchi::app::home::open(&mut f.app, MenuItem::Audit);
        assert!(
            matches!(f.app.screen, Screen::Audit(_)),
            "{:?}",
            f.app.flash
        );
        press(&mut f.app, KeyCode::Char('f'));
        snap(&format!("audit_filter_{role}"), &f.app);
        press(&mut f.app, KeyCode::Esc);
        press(&mut f.app, KeyCode::Char('x'));
        snap(&format!("audit_export_{role}"), &f.app);
    }
}

#[test]
fn issue15_queue_and_dashboard_as_the_auditor_sees_them() {
    let mut f = signed_in("teshigawara.k");
    madoguchi::app::home::open(&mut f.app, MenuItem::Queue);
    assert!(
        matches!(f.app.screen, Screen::Queue(_)),
        "{:?}",
        f.app.flash
    );
    // No claim and no opening offered to an auditor.
    let t = text(&f.app);
    assert!(!t.contains("t 担当する"), "{t}");
    snap("queue_auditor", &f.app);
    press(&mut f.app, KeyCode::Esc);
    madoguchi::app::home::open(&mut f.app, MenuItem::Dashboard);
    snap("dashboard_auditor", &f.app);
}

#[test]
fn issue15_too_small_screen_says_so() {
    let f = signed_in("teshigawara.c");
    let t = render(&f.app, 60, 20);
    insta::assert_snapshot!("too_small_60x20", t.backend());
}
