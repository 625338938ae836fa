//! SPEC §5 (issue 17): no byte from data reaches the terminal as a control sequence, on any
//! screen and in any CLI output. An office with every kind of data (accounts of both kinds,
//! imported establishments and offers, a registered one, comments, returns, mails sent, failed
//! and held, an ID change waiting, a closure, an import reject, audit rows) has ESC, CSI, OSC,
//! NUL, C1 controls, DEL, CR, tabs and bidi overrides written straight into every displayed
//! text column, as rows from an older version or another tool would hold them (entry refuses
//! them now). Then (a) every screen is drawn on a `TestBackend` and no cell may hold such a
//! character, and (b) every CLI command that prints data runs and its stdout and stderr may
//! hold no control character but the line break (CR LF in the CSV export, tabs only as the
//! listings' column separators) and no bidi override.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::ids::SubmissionId;
use madoguchi::domain::review::CHECKLIST;
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::r#gen::{GenOptions, generate, prepare_accounts};
use madoguchi::service::accounts::RegisterInput;
use madoguchi::service::{self, Ctx, import, review};
use madoguchi::storage::{self, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;

use crate::common;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

/// Every kind of control string and invisible reordering a hostile row may hold.
const H: &str = "\u{1b}[31m赤\u{1b}]0;pwned\u{7}\u{1b}]52;c;ZXZpbA==\u{1b}\\\u{9b}2J\u{9d}8;;x\u{9c}\
                 \u{0}\u{85}\u{90}q\u{202e}反転\u{202a}\u{2066}\u{2069}\u{200f}\u{7f}\u{8}\r\n\t改行\u{1b}";

fn t0() -> DateTime<Utc> {
    clock::parse_rfc3339(common::NOW).expect("time")
}

fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

fn ctx(store: &Store, name: &str) -> Ctx {
    Ctx {
        staff_id: storage::staff::by_name(store.conn(), name)
            .expect("q")
            .expect("row")
            .id,
        staff_name: name.into(),
        terminal: "test".into(),
        now: t0(),
    }
}

const EMPLOYER: &str = "saiyou@yamada-kensetsu.co.jp";
const SEEKER: &str = "yamada.taro@example.ne.jp";

struct Office {
    dir: tempfile::TempDir,
    /// A submission of each kind, the registered establishment among them.
    items: Vec<SubmissionId>,
    mails: Vec<i64>,
}

/// Free-text keys of the stored establishment and offer payloads.
const PAYLOAD_TEXT: &[&str] = &[
    "name",
    "name_kana",
    "representative_title",
    "representative_name",
    "postal_code",
    "address",
    "phone",
    "corporate_number",
    "establishment_number",
    "title",
    "occupation_code",
    "other_text",
    "pr_message",
    "note_to_hello_work",
    "submission_id",
];

fn poison(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match x {
                    Value::String(s) if PAYLOAD_TEXT.contains(&k.as_str()) => s.push_str(H),
                    Value::Array(a) if k == "licences" => a.push(Value::from(H)),
                    _ => poison(x),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(poison),
        _ => {}
    }
}

/// The office, filled through the product, then poisoned behind its back.
fn office() -> Office {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    let (mut store, admin) = common::office(&db, true);
    service::staff::add(
        &mut store,
        &admin,
        "sato",
        "佐藤 三郎",
        &Roles::new(vec![Role::Auditor]),
    )
    .expect("auditor");
    let cfg = Config::default();
    let tanaka = ctx(&store, "tanaka");
    let suzuki = ctx(&store, "suzuki");
    // Counter registrations of both kinds.
    let reg = |kind, email: &str| RegisterInput {
        kind: Some(kind),
        email: email.into(),
        email_confirm: email.into(),
        birth_date: "1990-04-05".into(),
        name: "山田 太郎".into(),
        name_kana: "ヤマダ タロウ".into(),
        seeker_number: "13010-12345678".into(),
        ..RegisterInput::default()
    };
    service::accounts::register(
        &mut store,
        &cfg,
        &tanaka,
        &reg(AccountKind::Employer, EMPLOYER),
    )
    .expect("employer");
    service::accounts::register(&mut store, &cfg, &tanaka, &reg(AccountKind::Seeker, SEEKER))
        .expect("seeker");
    // Imported submissions of self-registered employers, and one reject.
    let o = GenOptions {
        establishments: 3,
        jobs: 4,
        accounts: 2,
        seed: 17,
        start: t0() - Duration::hours(2),
    };
    let keys = prepare_accounts(&mut store, admin.staff_id, &o).expect("accounts");
    let mut stream = Vec::new();
    generate(&o, &keys, &mut stream).expect("gen");
    stream.extend_from_slice(b"{\"event_id\": \"bad\", \"type\": \"job.submitted\"\n");
    let mut inputs = vec![import::Input {
        name: "events.jsonl".into(),
        size: None,
        reader: Box::new(std::io::Cursor::new(stream)),
    }];
    let s =
        import::import_events(&mut store, &cfg, None, t0(), &mut inputs, |_| {}).expect("import");
    assert_eq!(s.rejected, 1, "{:?}", s.rejects);
    let ids = |store: &Store, kind: &str| -> Vec<SubmissionId> {
        let mut st = store
            .conn()
            .prepare("SELECT id FROM submissions WHERE kind = ?1 ORDER BY id")
            .expect("q");
        st.query_map([kind], |r| r.get(0))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("ids")
    };
    let ests = ids(&store, "establishment");
    let jobs = ids(&store, "job");
    assert!(ests.len() >= 3 && jobs.len() >= 3, "{ests:?} {jobs:?}");
    // One establishment registered (checked, visited, approved), one returned, comments.
    let ticks: Vec<String> = CHECKLIST.iter().map(|c| c.code().to_string()).collect();
    let day = clock::jst_date(t0());
    review::check(&mut store, &tanaka, ests[0], &ticks, None).expect("check");
    review::record_visit(&mut store, &tanaka, ests[0], day, None).expect("visit");
    review::approve(&mut store, &cfg, &suzuki, ests[0], None).expect("approve");
    review::return_item(
        &mut store,
        &cfg,
        &tanaka,
        ests[1],
        "1",
        "賃金を確認してください",
        None,
    )
    .expect("return");
    review::comment(&mut store, &tanaka, jobs[0], "電話で確認しました", None).expect("comment");
    review::flag_visit(&mut store, &tanaka, jobs[1], "代表者に確認", None).expect("flag");
    review::claim(&mut store, &tanaka, jobs[2], None).expect("claim");
    // An ID change waiting for a supervisor; a closure.
    let mut four_eyes = Config::default();
    four_eyes.id_change.needs_supervisor = true;
    let employer = service::lookup::live_account_id(&store, EMPLOYER).expect("account");
    let check = madoguchi::domain::lookup::IdentityCheck::new(
        Some(madoguchi::domain::lookup::Document::DriversLicence),
        "末尾1234 一致",
    )
    .expect("check");
    service::lookup::change_email(
        &mut store,
        &four_eyes,
        &tanaka,
        "ID照会",
        employer,
        "jinji@yamada-kensetsu.co.jp",
        &check,
    )
    .expect("change");
    service::calendar::add_closure(
        &mut store,
        &admin,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("day"),
        "庁舎点検",
    )
    .expect("closure");
    drop(store);
    // Mail: every queued mail sent to the spool, then states and replies written as a server
    // that returned hostile text would leave them.
    let o = Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .args(["mail", "sync"])
        .env("MADOGUCHI_NOW", common::NOW)
        .env("MADOGUCHI_CONFIG", dir.path().join("none.toml"))
        .output()
        .expect("sync");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mut store = Store::open(&db).expect("open");
    let conn = store.conn();
    let mails: Vec<i64> = conn
        .prepare("SELECT id FROM outbox ORDER BY id")
        .expect("q")
        .query_map([], |r| r.get(0))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("mails");
    assert!(mails.len() >= 4, "{mails:?}");
    let n = |sql: &str| {
        conn.execute(sql, rusqlite::params![H])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    n("UPDATE staff SET display_name = display_name || ?1");
    n(
        "UPDATE accounts SET email = email || ?1, name = name || ?1, name_kana = name_kana || ?1, \
       establishment_number = establishment_number || ?1, seeker_number = seeker_number || ?1",
    );
    n(
        "UPDATE outbox SET to_addr = to_addr || ?1, subject = subject || ?1, \
       body = COALESCE(body, '') || ?1, last_reply = '550 5.7.1 ' || ?1",
    );
    conn.execute(
        "UPDATE outbox SET state = 'failed' WHERE id = ?1",
        [mails[0]],
    )
    .expect("failed");
    conn.execute("UPDATE outbox SET state = 'held' WHERE id = ?1", [mails[1]])
        .expect("held");
    n(
        "UPDATE establishments SET name = name || ?1, name_kana = name_kana || ?1, \
       representative_title = representative_title || ?1, \
       representative_name = representative_name || ?1, address = address || ?1, \
       phone = phone || ?1, postal_code = postal_code || ?1, \
       corporate_number = corporate_number || ?1, \
       establishment_number = establishment_number || ?1",
    );
    n(
        "UPDATE submissions SET display_name = display_name || ?1, external_id = external_id || ?1, \
       job_number = CASE WHEN job_number IS NULL THEN NULL ELSE job_number || ?1 END",
    );
    n(
        "UPDATE import_rejects SET file = file || ?1, event_id = event_id || ?1, \
       detail = detail || ?1, raw = raw || ?1",
    );
    n("UPDATE office_closures SET reason = reason || ?1");
    n("UPDATE submission_history SET detail = COALESCE(detail, '') || ?1");
    n("UPDATE submission_comments SET body = body || ?1");
    n(
        "UPDATE id_change_requests SET new_email = new_email || ?1, note = note || ?1, \
       purpose = purpose || ?1",
    );
    n("UPDATE settings SET value = value || ?1 WHERE key = 'office_name'");
    // The stored forms: every free-text field.
    let versions: Vec<(i64, i64, String)> = conn
        .prepare("SELECT submission_id, version, payload FROM submission_versions")
        .expect("q")
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                storage::payload::decode(r.get_ref(2)?).expect("payload"),
            ))
        })
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("versions");
    for (id, version, payload) in versions {
        let mut v: Value = serde_json::from_str(&payload).expect("json");
        poison(&mut v);
        conn.execute(
            "UPDATE submission_versions SET payload = ?1 WHERE submission_id = ?2 AND version = ?3",
            rusqlite::params![
                storage::payload::encode(&v.to_string()).expect("encode"),
                id,
                version
            ],
        )
        .expect("payload");
    }
    // Audit rows (append-only: appended, through the chain, as another tool would).
    let tx = store.immediate().expect("tx");
    for action in ["lookup.view", "account.view", "review.return", H] {
        storage::audit::append(
            &tx,
            &storage::audit::AuditEntry {
                at_utc: clock::to_db(t0()),
                staff_id: Some(tanaka.staff_id),
                staff_name: Some(format!("tanaka{H}")),
                staff_roles: Some(format!("counter{H}")),
                terminal: format!("pts/1 ssh:{H}"),
                action: action.into(),
                subject: Some(format!("account:{employer}{H}")),
                purpose: Some(format!("ID照会{H}")),
                outcome: format!("ok{H}"),
                detail: Some(format!("詳細{H}")),
            },
        )
        .expect("audit");
    }
    tx.commit().expect("commit");
    let mut items = ests;
    items.extend(jobs);
    Office { dir, items, mails }
}

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

// --- (b) every CLI output -------------------------------------------------------------------

struct Ran {
    args: Vec<String>,
    code: i32,
    stdout: String,
    stderr: String,
}

/// Who runs a command: sign-in name and password, or the system.
type Who = Option<(&'static str, &'static str)>;

fn run(dir: &Path, who: Who, args: &[&str]) -> Ran {
    let mut c = Command::new(BIN);
    c.arg("--db")
        .arg(dir.join("m.db"))
        .args(args)
        .env("MADOGUCHI_NOW", common::NOW)
        .env("MADOGUCHI_CONFIG", dir.join("none.toml"))
        .env_remove("MADOGUCHI_DB")
        .env_remove("MADOGUCHI_AS")
        .stdin(Stdio::null());
    if let Some((name, pw)) = who {
        c.args(["--as", name]).env("MADOGUCHI_PASSWORD", pw);
    }
    let o = c.output().expect("run");
    Ran {
        args: args.iter().map(|s| (*s).to_string()).collect(),
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// No control character but `\n` (and `\r` before it in CSV; tabs only as column separators:
/// every line of a tab-separated listing has as many as its header), no bidi override.
fn assert_clean(r: &Ran, csv: bool) {
    for (what, s) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        for (n, line) in s.split('\n').enumerate() {
            let line = if csv {
                line.strip_suffix('\r').unwrap_or(line)
            } else {
                line
            };
            let bad: Vec<char> = line
                .chars()
                .filter(|&c| unsafe_char(c) && c != '\t')
                .collect();
            assert!(
                bad.is_empty(),
                "{:?} {what} line {n}: {bad:?} in {line:?}",
                r.args
            );
        }
        // A tab from the data would add a column: each block's rows have their header's count.
        let mut header: Option<usize> = None;
        for line in s.lines() {
            let tabs = line.matches('\t').count();
            match header {
                _ if tabs == 0 => header = None,
                None => header = Some(tabs),
                Some(h) => assert_eq!(tabs, h, "{:?} {what}: a tab from data in {line:?}", r.args),
            }
        }
    }
}

#[test]
fn spec_5_hostile_rows_never_reach_the_terminal_in_any_cli_output() {
    let o = office();
    let dir = o.dir.path();
    let sup = Some(("suzuki", common::SUPERVISOR_PW));
    let clerk = Some(("tanaka", common::CLERK_PW));
    let admin = Some(("admin", common::ADMIN_PW));
    let auditor_pw = madoguchi::secret::hash(common::CLERK_PW).expect("hash");
    {
        let s = Store::open(&dir.join("m.db")).expect("open");
        let id = ctx(&s, "sato").staff_id;
        storage::staff::set_password(s.conn(), id, &auditor_pw, false, t0()).expect("pw");
    }
    let auditor = Some(("sato", common::CLERK_PW));
    let since = "2026-01-01";
    let until = "2026-12-31";
    let mut runs: Vec<(Who, Vec<String>)> = Vec::new();
    let mut add = |who, args: &[&str]| runs.push((who, args.iter().map(|s| (*s).into()).collect()));
    for json in [false, true] {
        let j: &[&str] = if json { &["--json"] } else { &[] };
        let with =
            |a: &[&'static str]| -> Vec<&'static str> { j.iter().chain(a).copied().collect() };
        add(clerk, &with(&["account", "show", EMPLOYER]));
        add(clerk, &with(&["account", "show", SEEKER]));
        add(
            clerk,
            &with(&["lookup", "--name", "株式会社", "--purpose", "ID照会"]),
        );
        add(
            clerk,
            &with(&["lookup", "--kana", "カブシキ", "--purpose", "ID照会"]),
        );
        add(
            clerk,
            &with(&["lookup", "--email", EMPLOYER, "--purpose", "ID照会"]),
        );
        add(
            clerk,
            &with(&[
                "lookup",
                "--seeker-number",
                "13010-12345678",
                "--purpose",
                "ID照会",
            ]),
        );
        add(
            clerk,
            &with(&[
                "lookup",
                "--kana-name",
                "ヤマダ タロウ",
                "--birth-date",
                "1990-04-05",
                "--purpose",
                "ID照会",
            ]),
        );
        for q in [
            "unassigned",
            "mine",
            "overdue",
            "due-soon",
            "returned",
            "checked",
            "visit",
        ] {
            add(sup, &with(&["queue", "list", "--queue", q]));
        }
        add(sup, &with(&["queue", "list", "--filter", "株式会社"]));
        add(sup, &with(&["queue", "counts"]));
        add(sup, &with(&["queue", "dashboard"]));
        add(sup, &with(&["review", "reasons"]));
        add(sup, &with(&["mail", "list"]));
        add(sup, &with(&["mail", "list", "--state", "failed"]));
        add(sup, &with(&["mail", "status"]));
        add(sup, &with(&["audit", "list", "--limit", "500"]));
        add(
            sup,
            &with(&["audit", "report", "--since", since, "--until", until]),
        );
        add(auditor, &with(&["audit", "list", "--limit", "500"]));
        add(sup, &with(&["account", "pending-changes"]));
        add(sup, &with(&["account", "case-conflicts"]));
        add(sup, &with(&["calendar", "list", "2026"]));
        add(admin, &with(&["staff", "list"]));
        add(admin, &with(&["doctor"]));
        add(admin, &with(&["audit", "verify"]));
    }
    add(sup, &["export", "--since", since]);
    add(sup, &["account", "show", "nobody\u{1b}[2J@example.co.jp"]);
    let mut ran: Vec<Ran> = runs
        .iter()
        .map(|(who, args)| {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            run(dir, *who, &a)
        })
        .collect();
    for id in &o.items {
        for json in [false, true] {
            let id = id.to_string();
            let mut a = vec!["review", "show", id.as_str()];
            if json {
                a.insert(0, "--json");
            }
            ran.push(run(dir, sup, &a));
        }
    }
    for id in &o.mails {
        for json in [false, true] {
            let id = id.to_string();
            let mut a = vec!["mail", "show", id.as_str()];
            if json {
                a.insert(0, "--json");
            }
            ran.push(run(dir, sup, &a));
        }
    }
    for r in &ran {
        assert_clean(r, false);
        assert!(!r.stderr.contains("panicked"), "{:?}: {}", r.args, r.stderr);
    }
    // The audit export is CSV: CR LF line ends.
    let r = run(
        dir,
        sup,
        &["audit", "export", "--since", since, "--until", until],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\r\n"));
    assert_clean(&r, true);
    // The data is shown, its control strings are not.
    let show = ran
        .iter()
        .find(|r| r.args == ["account", "show", EMPLOYER])
        .expect("account show");
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains("反転"), "{}", show.stdout);
    let failed = ran
        .iter()
        .filter(|r| r.args.first().map(String::as_str) == Some("mail"))
        .any(|r| r.stdout.contains("550 5.7.1"));
    assert!(failed, "the server's reply is shown");
    eprintln!(
        "{} CLI outputs without a control or bidi character",
        ran.len() + 1
    );
}
