//! SPEC §5 on the admin's forms (issue 17): the staff display name, the office name and the
//! first admin's name at `init`, a closure reason, the identity-check note and purpose of an ID
//! change, and the office settings in the configuration file refuse control characters and
//! bidi overrides at entry and are capped, with the field and the rule named in Japanese; the
//! form keeps what was typed. In the service, in the CLI and in the TUI.

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::{self, Ctx, FieldIssue, ServiceError, calendar, setup, staff};
use madoguchi::storage::{self, Store};

use crate::common;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

fn t0() -> DateTime<Utc> {
    clock::parse_rfc3339(common::NOW).expect("time")
}

fn issues(r: service::Result<impl std::fmt::Debug>) -> Vec<(String, String, Option<String>)> {
    match r {
        Err(ServiceError::Invalid(v)) => v
            .into_iter()
            .map(|i: FieldIssue| (i.field.to_string(), i.code.to_string(), i.param))
            .collect(),
        other => panic!("not refused as invalid: {other:?}"),
    }
}

fn one(field: &str, code: &str, param: &str) -> Vec<(String, String, Option<String>)> {
    vec![(field.into(), code.into(), Some(param.into()))]
}

#[test]
fn spec_5_staff_display_name_refuses_control_and_bidi_characters_and_is_capped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, admin) = common::office(&dir.path().join("m.db"), false);
    let roles = Roles::new(vec![Role::Counter]);
    for (display, code) in [
        ("田中\u{202e}花子", "U+202E"),
        ("田中\u{2066}花子\u{2069}", "U+2066"),
        ("\u{1b}[2J田中", "U+001B"),
        ("田中\u{9b}31m", "U+009B"),
        ("田中\u{0}", "U+0000"),
        ("田中\t花子", "U+0009"),
    ] {
        let r = staff::add(&mut store, &admin, "sato", display, &roles);
        assert_eq!(
            issues(r),
            one("display_name", "control_char", code),
            "{display:?}"
        );
    }
    let r = staff::add(&mut store, &admin, "sato", &"佐".repeat(31), &roles);
    assert_eq!(issues(r), one("display_name", "too_long", "30"));
    assert!(
        storage::staff::by_name(store.conn(), "sato")
            .expect("q")
            .is_none(),
        "nothing stored"
    );
    staff::add(&mut store, &admin, "sato", &"佐".repeat(30), &roles).expect("30 fit");
}

#[test]
fn spec_5_office_name_and_first_admin_name_refused_at_init() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("m.db")).expect("open");
    let input = |office_name, admin_display_name| setup::InitInput {
        office_code: "13010",
        office_name,
        admin_name: "admin",
        admin_display_name,
        admin_password: common::ADMIN_PW,
        terminal: "test",
        now: t0(),
    };
    let r = setup::init(&mut store, &input("飯田橋\u{1b}]0;x\u{7}", "管理 太郎"));
    assert_eq!(issues(r), one("office_name", "control_char", "U+001B"));
    let long = "安".repeat(41);
    let r = setup::init(&mut store, &input(&long, "管理\u{202d}太郎"));
    assert_eq!(
        issues(r),
        vec![
            ("office_name".into(), "too_long".into(), Some("40".into())),
            (
                "display_name".into(),
                "control_char".into(),
                Some("U+202D".into())
            ),
        ]
    );
    assert!(
        setup::needs_first_admin(&store).expect("q"),
        "no admin made"
    );
    setup::init(&mut store, &input("飯田橋", "管理 太郎")).expect("init");
}

#[test]
fn spec_5_closure_reason_is_refused_not_stored_cleaned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, admin) = common::office(&dir.path().join("m.db"), false);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let r = calendar::add_closure(&mut store, &admin, day, "庁舎点検\u{7}");
    assert_eq!(issues(r), one("reason", "control_char", "U+0007"));
    let r = calendar::add_closure(&mut store, &admin, day, "庁舎\u{2067}点検");
    assert_eq!(issues(r), one("reason", "control_char", "U+2067"));
    let r = calendar::add_closure(&mut store, &admin, day, &"点".repeat(41));
    assert_eq!(issues(r), one("reason", "too_long", "40"));
    let r = calendar::add_closure(&mut store, &admin, day, "  ");
    assert_eq!(
        issues(r),
        vec![("reason".to_string(), "required".to_string(), None)]
    );
    assert!(
        calendar::list(&store, 2026)
            .expect("list")
            .closures
            .is_empty()
    );
    calendar::add_closure(&mut store, &admin, day, " 庁舎点検 ").expect("add");
    assert_eq!(
        calendar::list(&store, 2026).expect("list").closures,
        vec![(day, "庁舎点検".to_string())]
    );
}

// --- the command line -----------------------------------------------------------------------

struct Cli {
    dir: tempfile::TempDir,
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Cli {
    fn new() -> Cli {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut store, admin) = common::office(&dir.path().join("m.db"), false);
        // A counter-opened account whose ID a clerk may change.
        let reg = service::accounts::RegisterInput {
            kind: Some(madoguchi::domain::account::AccountKind::Employer),
            email: "saiyou@yamada-kensetsu.co.jp".into(),
            email_confirm: "saiyou@yamada-kensetsu.co.jp".into(),
            ..Default::default()
        };
        let tanaka = Ctx {
            staff_id: storage::staff::by_name(store.conn(), "tanaka")
                .expect("q")
                .expect("row")
                .id,
            staff_name: "tanaka".into(),
            ..admin
        };
        service::accounts::register(&mut store, &Config::default(), &tanaka, &reg)
            .expect("register");
        Cli { dir }
    }

    fn run(&self, who: &str, pw: &str, args: &[&str], config: Option<&str>) -> Out {
        let cfg = self.dir.path().join("c.toml");
        std::fs::write(&cfg, config.unwrap_or("")).expect("config");
        let o = Command::new(BIN)
            .arg("--db")
            .arg(self.dir.path().join("m.db"))
            .args(["--as", who])
            .args(args)
            .env("MADOGUCHI_NOW", common::NOW)
            .env("MADOGUCHI_PASSWORD", pw)
            .env("MADOGUCHI_CONFIG", &cfg)
            .env_remove("MADOGUCHI_DB")
            .env_remove("MADOGUCHI_AS")
            .stdin(Stdio::null())
            .output()
            .expect("run");
        let out = Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        };
        // Tabs are the listings' own column separators.
        for s in [&out.stdout, &out.stderr] {
            assert!(
                !s.chars()
                    .any(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || is_bidi(c)),
                "{args:?}: a control or bidi character reached the terminal: {s:?}"
            );
        }
        out
    }

    fn admin(&self, args: &[&str]) -> Out {
        self.run("admin", common::ADMIN_PW, args, None)
    }
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

const REFUSED: &str = "制御文字や文字の向きを変える記号";

#[test]
fn spec_5_cli_staff_add_refuses_a_hostile_display_name_in_japanese() {
    let c = Cli::new();
    let o = c.admin(&[
        "staff",
        "add",
        "sato",
        "--role",
        "counter",
        "--display-name",
        "佐藤\u{1b}[2J\u{202e}花子",
    ]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr
            .contains(&format!("表示名: {REFUSED}（U+001B）は使えません")),
        "{}",
        o.stderr
    );
    let long = "佐".repeat(31);
    let o = c.admin(&[
        "staff",
        "add",
        "sato",
        "--role",
        "counter",
        "--display-name",
        &long,
    ]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("表示名: 30文字以内で入力してください"),
        "{}",
        o.stderr
    );
    assert!(!c.admin(&["staff", "list"]).stdout.contains("sato"));
}

#[test]
fn spec_5_cli_init_refuses_a_hostile_office_name_in_japanese() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = Command::new(BIN)
        .arg("--db")
        .arg(dir.path().join("m.db"))
        .args([
            "init",
            "--office-code",
            "13010",
            "--office-name",
            "飯田橋\u{9d}0;x\u{9c}",
            "--admin",
            "admin",
        ])
        .env("MADOGUCHI_PASSWORD", common::ADMIN_PW)
        .env("MADOGUCHI_CONFIG", dir.path().join("none.toml"))
        .env_remove("MADOGUCHI_NOW")
        .stdin(Stdio::null())
        .output()
        .expect("init");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains(&format!("安定所名: {REFUSED}（U+009D）は使えません")),
        "{err}"
    );
    assert!(!err.contains('\u{9d}'), "{err:?}");
}

#[test]
fn spec_5_cli_calendar_add_refuses_a_hostile_reason_in_japanese() {
    let c = Cli::new();
    let o = c.admin(&["calendar", "add", "2026-12-01", "庁舎点検\u{202e}"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr
            .contains(&format!("理由: {REFUSED}（U+202E）は使えません")),
        "{}",
        o.stderr
    );
    let o = c.admin(&["calendar", "add", "2026-12-01", &"点".repeat(41)]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("理由: 40文字以内で入力してください"),
        "{}",
        o.stderr
    );
    let o = c.admin(&["calendar", "list", "2026"]);
    assert!(!o.stdout.contains("庁舎点検"), "{}", o.stdout);
}

#[test]
fn spec_5_cli_id_change_refuses_a_hostile_note_and_purpose_in_japanese() {
    let c = Cli::new();
    let change = |note: &str, purpose: &str| {
        c.run(
            "tanaka",
            common::CLERK_PW,
            &[
                "account",
                "change-email",
                "saiyou@yamada-kensetsu.co.jp",
                "jinji@yamada-kensetsu.co.jp",
                "--document",
                "運転免許証",
                "--note",
                note,
                "--purpose",
                purpose,
            ],
            None,
        )
    };
    let o = change("免許証\u{1b}[8m末尾1234", "ID照会");
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!("確認内容メモ: {REFUSED}")),
        "{}",
        o.stderr
    );
    let o = change("免許証 末尾1234", "ID\u{2066}照会");
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!("目的: {REFUSED}")),
        "{}",
        o.stderr
    );
    let o = change(&"確".repeat(101), "ID照会");
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(o.stderr.contains("確認内容メモ"), "{}", o.stderr);
    let o = change("免許証 末尾1234 氏名・生年月日一致", "ID照会");
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn spec_5_cli_office_settings_with_control_characters_are_refused_naming_the_key() {
    let c = Cli::new();
    let o = c.run(
        "admin",
        common::ADMIN_PW,
        &["staff", "list"],
        Some("[office]\nname = \"飯田橋\\u001b]0;pwned\\u0007\"\n"),
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains(&format!("office.name に{REFUSED}（U+001B）は使えません")),
        "{}",
        o.stderr
    );
}

// --- the TUI --------------------------------------------------------------------------------

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn ctrl(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn admin_app(dir: &Path) -> App {
    let (store, _) = common::office(&dir.join("m.db"), false);
    let mut app = App::with_clock(
        store,
        Config::default(),
        "pts/1".into(),
        None,
        Clock::Fixed(t0()),
    )
    .expect("app");
    type_text(&mut app, "admin");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, common::ADMIN_PW);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Home(_)), "{:?}", app.flash);
    app
}

fn text(app: &App) -> String {
    common::screen::screen_text(app, 100, 30)
}

#[test]
fn spec_5_tui_staff_add_refuses_a_bidi_display_name_and_keeps_what_was_typed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = admin_app(dir.path());
    press(&mut app, KeyCode::Char('1'));
    assert!(matches!(app.screen, Screen::Staff(_)), "{:?}", app.screen);
    press(&mut app, KeyCode::Char('a'));
    assert!(
        matches!(app.screen, Screen::StaffAdd(_)),
        "{:?}",
        app.screen
    );
    type_text(&mut app, "sato");
    press(&mut app, KeyCode::Tab);
    let typed = "佐藤\u{202e}花子";
    type_text(&mut app, typed);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    ctrl(&mut app, 's');
    let Screen::StaffAdd(add) = &app.screen else {
        panic!("the form closed: {:?}", app.screen);
    };
    assert_eq!(add.form.value("display_name"), typed, "the form keeps it");
    let t = text(&app);
    assert!(
        t.contains(&format!("{REFUSED}（U+202E）は使えません")),
        "{t}"
    );
    assert!(!t.chars().any(is_bidi), "{t:?}");
    assert!(
        storage::staff::by_name(app.store.conn(), "sato")
            .expect("q")
            .is_none()
    );
}

#[test]
fn spec_5_tui_closure_reason_with_a_control_character_is_refused_and_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = admin_app(dir.path());
    press(&mut app, KeyCode::Char('3'));
    assert!(
        matches!(app.screen, Screen::Calendar(_)),
        "{:?}",
        app.screen
    );
    press(&mut app, KeyCode::Char('a'));
    assert!(matches!(app.screen, Screen::CalendarAdd(_)));
    type_text(&mut app, "2026-12-01");
    press(&mut app, KeyCode::Tab);
    let typed = "庁舎\u{2066}点検";
    type_text(&mut app, typed);
    ctrl(&mut app, 's');
    let Screen::CalendarAdd(add) = &app.screen else {
        panic!("the form closed: {:?}", app.screen);
    };
    assert_eq!(add.form.value("reason"), typed);
    let t = text(&app);
    assert!(
        t.contains(&format!("{REFUSED}（U+2066）は使えません")),
        "{t}"
    );
    // The focus is on the red field: too long next.
    ctrl(&mut app, 'u');
    type_text(&mut app, &"点".repeat(41));
    ctrl(&mut app, 's');
    assert!(matches!(app.screen, Screen::CalendarAdd(_)));
    let t = text(&app);
    assert!(t.contains("40文字以内で入力してください"), "{t}");
    assert!(
        service::calendar::list(&app.store, 2026)
            .expect("list")
            .closures
            .is_empty()
    );
}
