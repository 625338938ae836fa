//! The office and the drivers of the lookup screen tests in `screens_lookup`: a clerk, an
//! auditor and a supervisor with one employer account and its establishment, keys pressed on
//! the real App, the lookup searched, the audit rows read back.

use crate::common;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::establishment::Establishment;
use madoguchi::domain::staff::Role;
use madoguchi::storage;
use madoguchi::storage::accounts::NewAccount;

const PW: &str = "madoguchi-screen-pw";

pub(crate) fn t0() -> DateTime<Utc> {
    clock::parse_rfc3339("2026-11-24T01:30:00Z").expect("time")
}

pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) app: App,
}

pub(crate) fn fixture(cfg: Config) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let office = common::office::Office::builder()
        .now("2026-11-24T01:30:00Z")
        .staff("tanaka", "田中 花子", &[Role::Counter], PW)
        .staff("sato", "佐藤 恵", &[Role::Auditor], PW)
        .staff("suzuki", "鈴木 一郎", &[Role::Supervisor], PW)
        .build_at(&dir.path().join("m.db"));
    let (admin, store) = (office.admin.staff_id, office.store);
    let acc = storage::accounts::insert(
        store.conn(),
        &NewAccount {
            kind: AccountKind::Employer,
            email: "tanaka@example.co.jp",
            email_key: "tanaka@example.co.jp",
            establishment_number: None,
            seeker_number: None,
            name: None,
            name_kana: None,
            birth_date: None,
            registered_by: Some(admin),
            origin: madoguchi::domain::account::AccountOrigin::Counter,
        },
        t0(),
    )
    .expect("account");
    storage::establishments::insert(
        store.conn(),
        &Establishment {
            establishment_number: Some("1301-123456-7".into()),
            corporate_number: Some("7000012050002".into()),
            name: "株式会社ハローワーク飯田橋".into(),
            name_kana: "カブシキガイシャ　ハローワークイイダバシ".into(),
            representative_title: "代表取締役".into(),
            representative_name: "飯田 一郎".into(),
            postal_code: "112-8577".into(),
            address: "東京都文京区後楽1-9-20".into(),
            phone: "03-3812-8609".into(),
            dispatch_licence: false,
            employment_insurance: true,
        },
        acc,
        t0(),
    )
    .expect("establishment");
    let app = App::with_clock(store, cfg, "pts/1".into(), None, Clock::Fixed(t0())).expect("app");
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

pub(crate) fn sign_in(app: &mut App, name: &str) {
    type_text(app, name);
    press(app, KeyCode::Tab);
    type_text(app, PW);
    press(app, KeyCode::Enter);
}

pub(crate) fn audit_actions(app: &App) -> Vec<(String, Option<String>, String)> {
    let mut rows = storage::audit::recent(app.store.conn(), 1000).expect("rows");
    rows.reverse();
    rows.into_iter()
        .filter(|r| r.entry.action.starts_with("lookup.") || r.entry.action.starts_with("account."))
        .map(|r| (r.entry.action, r.entry.purpose, r.entry.terminal))
        .collect()
}

/// Signed in as the clerk, on the lookup screen, searched the name ハローワーク (purpose ID照会).
pub(crate) fn searched(cfg: Config) -> Fixture {
    let mut f = fixture(cfg);
    sign_in(&mut f.app, "tanaka");
    // Counter menu: 窓口登録, アカウント照会, ID照会, 審査キュー, メール送信状況, パスワード変更.
    press(&mut f.app, KeyCode::Char('3'));
    assert!(matches!(f.app.screen, Screen::Lookup(_)));
    // Search by 事業所名: two to the right from 事業所番号.
    press(&mut f.app, KeyCode::Right);
    press(&mut f.app, KeyCode::Right);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "ﾊﾛｰﾜｰｸ");
    press(&mut f.app, KeyCode::Enter);
    f
}

/// Menu 2, the email, Enter.
pub(crate) fn account_screen(app: &mut App) {
    press(app, KeyCode::Char('2'));
    type_text(app, "tanaka@example.co.jp");
    press(app, KeyCode::Enter);
}

pub(crate) fn audit_view(app: &App) -> &madoguchi::app::audit::AuditView {
    match &app.screen {
        Screen::Audit(a) => a,
        other => panic!("not the audit viewer: {other:?}"),
    }
}
