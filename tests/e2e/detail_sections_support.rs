//! The office, the imported employer and the drivers of the detail tests in `detail_sections`
//! (and `detail_english`): events written as the Internet Service writes them, imported through
//! the real import, the TUI signed in and opened on a submission, its pages drawn.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::Clock;
use madoguchi::config::Config;
use madoguchi::domain::authkey;
use madoguchi::domain::ids::SubmissionId;
use madoguchi::domain::interchange::{Event, EventBody};
use madoguchi::r#gen::{GenAccount, GenOptions, prepare_accounts};
use madoguchi::service::{Ctx, import};
use madoguchi::storage::{self, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};

use crate::common;

use common::screen::buffer_text;

use common::CLERK_PW;

fn t(s: &str) -> DateTime<Utc> {
    madoguchi::clock::parse_rfc3339(s).expect("time")
}

/// An office (clerk 田中 花子, supervisor 鈴木 一郎) whose clock says `now`, and one employer
/// account waiting for its key (`prepare_accounts`, as the generator makes them; the key is
/// issued 131 minutes before `now` and lives 50).
pub(crate) struct Fx {
    dir: tempfile::TempDir,
    pub(crate) store: Store,
    now: DateTime<Utc>,
    pub(crate) account: GenAccount,
}

pub(crate) fn office(now: &str) -> Fx {
    let now = t(now);
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, admin) = common::office(&dir.path().join("m.db"), true);
    let opts = GenOptions {
        establishments: 0,
        jobs: 0,
        accounts: 1,
        seed: 3,
        start: now - Duration::minutes(130),
    };
    let account = prepare_accounts(&mut store, admin.staff_id, &opts)
        .expect("accounts")
        .remove(0);
    Fx {
        dir,
        store,
        now,
        account,
    }
}

impl Fx {
    /// The lines through the real import, at `now`; every line must apply.
    pub(crate) fn import(&mut self, lines: &[String]) {
        let s = self.try_import(lines);
        assert_eq!(
            (s.applied, s.rejected),
            (lines.len() as u64, 0),
            "{:?}",
            s.rejects
        );
    }

    pub(crate) fn try_import(&mut self, lines: &[String]) -> import::ImportSummary {
        let body = lines.join("\n") + "\n";
        let mut inputs = [import::Input {
            name: "events.jsonl".into(),
            size: Some(body.len() as u64),
            reader: Box::new(std::io::Cursor::new(body.into_bytes())),
        }];
        import::import_events(
            &mut self.store,
            &Config::default(),
            None,
            self.now,
            &mut inputs,
            |_| {},
        )
        .expect("import")
    }

    /// `account.activated` two hours ago (the deadline counts from today, R-DL-1).
    pub(crate) fn activation(&self) -> String {
        Event {
            event_id: "ev-activate".into(),
            occurred_at: self.now - Duration::hours(2),
            body: EventBody::AccountActivated {
                email: self.account.email.clone(),
                auth_key: authkey::format_for_mail(&self.account.key),
            },
        }
        .to_json_line()
    }

    /// One event line as the Internet Service writes it (JSON text, not our types).
    pub(crate) fn event(&self, id: &str, kind: &str, minutes_ago: i64, payload: &Value) -> String {
        let mut v = json!({
            "event_id": id,
            "occurred_at": (self.now - Duration::minutes(minutes_ago)).to_rfc3339(),
            "type": kind,
            "email": self.account.email,
        });
        if let (Some(o), Some(p)) = (v.as_object_mut(), payload.as_object()) {
            o.extend(p.clone());
        }
        v.to_string()
    }

    pub(crate) fn staff(&self, name: &str) -> Ctx {
        let id = storage::staff::by_name(self.store.conn(), name)
            .expect("q")
            .expect("row")
            .id;
        Ctx {
            staff_id: id,
            staff_name: name.into(),
            terminal: "test".into(),
            now: self.now,
        }
    }

    /// The TUI on this database, signed in as the clerk 田中 花子, on the menu.
    pub(crate) fn app(self) -> (tempfile::TempDir, App) {
        self.app_with(Config::default())
    }

    /// The same with the given configuration (English mode, say).
    pub(crate) fn app_with(self, cfg: Config) -> (tempfile::TempDir, App) {
        let mut app = App::with_clock(
            self.store,
            cfg,
            "pts/3".into(),
            None,
            Clock::Fixed(self.now),
        )
        .expect("app");
        type_text(&mut app, "tanaka");
        press(&mut app, KeyCode::Tab);
        type_text(&mut app, CLERK_PW);
        press(&mut app, KeyCode::Enter);
        (self.dir, app)
    }
}

pub(crate) fn establishment(name: &str, kana: &str) -> Value {
    json!({
        "submission_id": "est-1",
        "establishment": {
            "name": name,
            "name_kana": kana,
            "representative_title": "代表取締役",
            "representative_name": "若葉 一郎",
            "postal_code": "102-0072",
            "address": "東京都千代田区飯田橋3-4-1",
            "phone": "03-3812-8609",
            "dispatch_licence": false,
            "employment_insurance": true
        }
    })
}

/// A job offer of `est-1` filling all eight screens; the monthly wage's lower bound is below
/// the usual range (a warning, SPEC §5), so the offer carries a finding.
pub(crate) fn job(title: &str, wage_min: i64, wage_max: i64) -> Value {
    json!({
        "submission_id": "job-1",
        "job": {
            "category": {"kind": "general", "trial_employment": true},
            "publication_scope": "with_name",
            "online_opt_out": {"private_placement": true, "local_government": false},
            "establishment": {"submission_id": "est-1"},
            "title": title,
            "occupation_code": "360-01",
            "licences": ["介護福祉士"],
            "employment_type": "regular",
            "work_location": {"postal_code": "162-0825", "address": "東京都新宿区神楽坂2-1"},
            "wage": {"kind": "monthly", "min": wage_min, "max": wage_max},
            "bonus": {"has_bonus": true, "months": "2.50", "amount_min": 300_000, "amount_max": 600_000},
            "hours": {"kind": "shift", "start": "08:30", "end": "17:15",
                      "paid_leave_days": 10, "annual_holidays": 120},
            "insurance": {"kinds": ["employment", "workers_compensation", "health", "pension"]},
            "work_rules": {"full_time": true, "part_time": false},
            "pr_message": "働きやすい職場です。",
            "hires": 2,
            "note_to_hello_work": "面接は土曜も可"
        }
    })
}

pub(crate) fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub(crate) fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub(crate) fn terminal(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| madoguchi::ui::draw(f, app)).expect("draw");
    t
}

pub(crate) fn screen_text(app: &App, w: u16, h: u16) -> String {
    buffer_text(&terminal(app, w, h))
}

/// The detail's pages at `w`×`h`, one body height apart (`h` less the top line, the box's two
/// borders and the two key lines), scrolled with ↓ until the end stays; back at the top after.
pub(crate) fn page_terminals(app: &mut App, w: u16, h: u16) -> Vec<Terminal<TestBackend>> {
    let step = h - 5;
    let mut out = vec![terminal(app, w, h)];
    loop {
        for _ in 0..step {
            press(app, KeyCode::Down);
        }
        let next = terminal(app, w, h);
        if out.last().map(buffer_text) == Some(buffer_text(&next)) {
            break;
        }
        out.push(next);
        assert!(out.len() < 20, "the detail does not end");
    }
    for _ in 0..out.len() * usize::from(step) {
        press(app, KeyCode::Up);
    }
    out
}

pub(crate) fn pages(app: &mut App, w: u16, h: u16) -> Vec<String> {
    page_terminals(app, w, h).iter().map(buffer_text).collect()
}

/// The whole detail at width `w`, on a screen tall enough to hold it.
pub(crate) fn full_text(app: &App, w: u16) -> String {
    let text = screen_text(app, w, 200);
    assert!(text.contains("【履歴】"), "taller than 200 lines:\n{text}");
    text
}

/// The queue (menu 4, 未担当) with the cursor on submission `id`, then Enter and the suggested
/// purpose (本登録審査, R-ID-5).
pub(crate) fn open_from_queue(app: &mut App, id: SubmissionId) {
    press(app, KeyCode::Char('4'));
    press(app, KeyCode::Char('1'));
    for _ in 0..10 {
        if let Screen::Queue(q) = &app.screen
            && q.lines.get(q.cursor).map(|l| l.row.id) == Some(id)
        {
            break;
        }
        press(app, KeyCode::Char('j'));
    }
    press(app, KeyCode::Enter);
    if matches!(app.screen, Screen::Purpose(_)) {
        press(app, KeyCode::Enter);
    }
    assert!(matches!(app.screen, Screen::Detail(_)), "{:?}", app.flash);
}

pub(crate) fn submission_id(store: &Store, external: &str) -> SubmissionId {
    store
        .conn()
        .query_row(
            "SELECT id FROM submissions WHERE external_id = ?1",
            [external],
            |r| r.get(0),
        )
        .expect("submission")
}

/// The line of `text` that holds `needle` (for assertions on one line).
pub(crate) fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"))
}

pub(crate) const HEADINGS: [&str; 9] = [
    "［1. 求人区分等］",
    "［2. 事業所情報］",
    "［3. 仕事内容］",
    "［就業場所・雇用形態］",
    "［4. 賃金・手当］",
    "［5. 労働時間］",
    "［6. 保険・年金・定年等］",
    "［7. 求人PR情報］",
    "［8. 選考方法］",
];

/// One imported employer with its establishment and a job offer, opened from the queue.
pub(crate) fn imported_job_detail(now: &str) -> (tempfile::TempDir, App, SubmissionId) {
    let mut fx = office(now);
    let lines = [
        fx.activation(),
        fx.event(
            "ev-est",
            "establishment.submitted",
            90,
            &establishment("株式会社若葉商事", "ワカバショウジ"),
        ),
        fx.event(
            "ev-job",
            "job.submitted",
            60,
            &job("介護職員", 90_000, 280_000),
        ),
    ];
    fx.import(&lines);
    let id = submission_id(&fx.store, "job-1");
    let (dir, mut app) = fx.app();
    open_from_queue(&mut app, id);
    (dir, app, id)
}

/// True for what must never reach the terminal: ESC, BEL, the other C0 and C1 controls, DEL,
/// and bidi overrides / isolates.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

pub(crate) fn assert_no_raw_controls(t: &Terminal<TestBackend>, what: &str) {
    let buf = t.backend().buffer();
    for (i, cell) in buf.content().iter().enumerate() {
        let bad: Vec<char> = cell.symbol().chars().filter(|c| unsafe_char(*c)).collect();
        assert!(bad.is_empty(), "{what}: cell {i} holds {bad:?}");
    }
}
