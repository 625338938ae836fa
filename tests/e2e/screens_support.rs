//! The office and the drivers of the screen tests in `screens` and `screens_input`: the real
//! App on a real database file with an admin and the counter clerk 田中 花子, keys pressed,
//! screens drawn on ratatui's `TestBackend`, accounts registered and audit rows read back.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use madoguchi::domain::ids::AccountId;
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::{self, Ctx};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common;

use common::{ADMIN_PW, CLERK_PW};

pub(crate) fn t0() -> DateTime<Utc> {
    clock::parse_rfc3339(common::NOW).expect("time")
}

pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) app: App,
}

/// A database with the office, an admin and a counter clerk 田中 花子 (password set, not forced).
pub(crate) fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _admin) = common::office(&dir.path().join("m.db"), false);
    let app = App::with_clock(
        store,
        Config::default(),
        "pts/1".into(),
        None,
        Clock::Fixed(t0()),
    )
    .expect("app");
    Fixture { dir, app }
}

pub(crate) fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub(crate) fn ctrl(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

pub(crate) fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub(crate) fn sign_in(app: &mut App, name: &str, pw: &str) {
    type_text(app, name);
    press(app, KeyCode::Tab);
    type_text(app, pw);
    press(app, KeyCode::Enter);
}

pub(crate) fn render(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| madoguchi::ui::draw(f, app)).expect("draw");
    t
}

pub(crate) fn screen_text(app: &App, w: u16, h: u16) -> String {
    common::screen::buffer_text(&render(app, w, h))
}

pub(crate) fn open_register(f: &mut Fixture) {
    sign_in(&mut f.app, "tanaka", CLERK_PW);
    press(&mut f.app, KeyCode::Char('1'));
    assert!(matches!(f.app.screen, Screen::Register(_)));
}

/// Registers an employer account as the clerk (no screen involved); its id.
pub(crate) fn registered(f: &mut Fixture, email: &str) -> AccountId {
    let id = madoguchi::storage::staff::by_name(f.app.store.conn(), "tanaka")
        .expect("q")
        .expect("row")
        .id;
    let ctx = Ctx {
        staff_id: id,
        staff_name: "tanaka".into(),
        terminal: "test".into(),
        now: t0(),
    };
    let input = service::accounts::RegisterInput {
        kind: Some(madoguchi::domain::account::AccountKind::Employer),
        email: email.into(),
        email_confirm: email.into(),
        accept_warnings: true,
        ..Default::default()
    };
    service::accounts::register(&mut f.app.store, &Config::default(), &ctx, &input)
        .expect("register")
        .account_id
}

/// (subject, purpose, outcome) of every `account.view` audit row, oldest first.
pub(crate) fn account_views(app: &App) -> Vec<(Option<String>, Option<String>, String)> {
    let mut rows = madoguchi::storage::audit::recent(app.store.conn(), 1000).expect("audit");
    rows.reverse();
    rows.into_iter()
        .filter(|r| r.entry.action == "account.view")
        .map(|r| (r.entry.subject, r.entry.purpose, r.entry.outcome))
        .collect()
}

/// The account on the account screen, if one is shown.
pub(crate) fn shown_account(app: &App) -> Option<AccountId> {
    match &app.screen {
        Screen::Account(a) => a.view.as_ref().map(|v| v.account.id),
        _ => None,
    }
}

pub(crate) fn search_account(app: &mut App, email: &str) {
    press(app, KeyCode::Char('/'));
    type_text(app, email);
    press(app, KeyCode::Enter);
}

/// A supervisor 鈴木 一郎 with a set password.
pub(crate) fn add_supervisor(f: &mut Fixture) {
    let admin = madoguchi::storage::staff::by_name(f.app.store.conn(), "admin")
        .expect("q")
        .expect("row")
        .id;
    let ctx = Ctx {
        staff_id: admin,
        staff_name: "admin".into(),
        terminal: "test".into(),
        now: t0(),
    };
    service::staff::add(
        &mut f.app.store,
        &ctx,
        "suzuki",
        "鈴木 一郎",
        &Roles::new(vec![Role::Supervisor]),
    )
    .expect("add");
    let hash = madoguchi::secret::hash(CLERK_PW).expect("hash");
    let id = madoguchi::storage::staff::by_name(f.app.store.conn(), "suzuki")
        .expect("q")
        .expect("row")
        .id;
    madoguchi::storage::staff::set_password(f.app.store.conn(), id, &hash, false, t0())
        .expect("pw");
}

pub(crate) fn open_calendar_as_admin(f: &mut Fixture) {
    sign_in(&mut f.app, "admin", ADMIN_PW);
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("閉庁日カレンダー"), "{text}");
    // Admin menu: 職員管理, メール送信状況, 閉庁日カレンダー, …
    press(&mut f.app, KeyCode::Char('3'));
    assert!(
        matches!(f.app.screen, Screen::Calendar(_)),
        "{:?}",
        f.app.screen
    );
}

pub(crate) fn audit_count(app: &App, action: &str) -> i64 {
    app.store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = ?1",
            [action],
            |r| r.get(0),
        )
        .expect("count")
}

pub(crate) fn help_rows_at(app: &App) -> Vec<String> {
    screen_text(app, 80, 24)
        .lines()
        .map(str::to_string)
        .collect()
}
