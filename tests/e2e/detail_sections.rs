//! The read-only submission detail of a job offer (SPEC §2.3, issue 3): the eight sections of
//! the Internet Service's 求人仮登録 under their headings, the findings, the visit reasons, the
//! deadline with its open days left (R-DL-1/2), the changes from the previous version after a
//! 差戻し and a `job.resubmitted`, and outside text with escape sequences drawn safely (SPEC §5).
//! Every submission arrives through the real import (`service::import::import_events`); the
//! screens are the real App drawn on ratatui's `TestBackend`.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::Clock;
use madoguchi::config::Config;
use madoguchi::domain::authkey;
use madoguchi::domain::ids::SubmissionId;
use madoguchi::domain::interchange::{Event, EventBody};
use madoguchi::r#gen::{GenAccount, GenOptions, prepare_accounts};
use madoguchi::service::{self, Ctx, import};
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
    account: GenAccount,
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

    fn try_import(&mut self, lines: &[String]) -> import::ImportSummary {
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
    fn app(self) -> (tempfile::TempDir, App) {
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

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn terminal(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| madoguchi::ui::draw(f, app)).expect("draw");
    t
}

pub(crate) fn screen_text(app: &App, w: u16, h: u16) -> String {
    buffer_text(&terminal(app, w, h))
}

/// The detail's pages at `w`×`h`, one body height apart (`h` less the top line, the box's two
/// borders and the two key lines), scrolled with ↓ until the end stays; back at the top after.
fn page_terminals(app: &mut App, w: u16, h: u16) -> Vec<Terminal<TestBackend>> {
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

fn pages(app: &mut App, w: u16, h: u16) -> Vec<String> {
    page_terminals(app, w, h).iter().map(buffer_text).collect()
}

/// The whole detail at width `w`, on a screen tall enough to hold it.
fn full_text(app: &App, w: u16) -> String {
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
fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"))
}

const HEADINGS: [&str; 9] = [
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
fn imported_job_detail(now: &str) -> (tempfile::TempDir, App, SubmissionId) {
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

#[test]
fn spec_2_3_job_detail_shows_the_eight_sections_findings_visit_reasons_and_deadline() {
    let (_dir, mut app, _) = imported_job_detail(common::NOW);

    // 120×40: the head of the detail (deadline, visit reasons, findings) and the sections.
    let wide = pages(&mut app, 120, 40);
    let all = full_text(&app, 120);
    // R-DL-1: activated 2026-11-24 → deadline 2026-12-08, 10 open days left from 11-24.
    let dl = line_with(&wide[0], "期限: 2026-12-08");
    assert!(dl.contains("残り開庁日 10"), "{dl}");
    // R-VISIT-1: why a counter visit is needed (first offer through My Page, trial employment).
    let visit = wide[0]
        .find("【窓口来所が必要な理由】")
        .unwrap_or_else(|| panic!("{}", wide[0]));
    for reason in [
        "初めてマイページを通じて求人を申し込む",
        "2020年1月以降、初めてのトライアル雇用求人",
    ] {
        assert!(wide[0][visit..].contains(reason), "{}", wide[0]);
    }
    // SPEC §5: the unusual wage is an orange warning naming the field.
    assert!(
        line_with(&wide[0], "[警告]").contains("賃金（下限）"),
        "{}",
        wide[0]
    );
    // The 8 headings in screen order, each once, the fields under theirs.
    let at: Vec<usize> = HEADINGS
        .iter()
        .map(|h| {
            assert_eq!(all.matches(h).count(), 1, "{h}:\n{all}");
            all.find(h).unwrap_or_else(|| panic!("{h} missing:\n{all}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}\n{all}");
    let under = |heading: usize, field: &str| {
        let f = all[at[heading]..].find(field).map(|p| p + at[heading]);
        let next = at.get(heading + 1).copied().unwrap_or(usize::MAX);
        assert!(
            f.is_some_and(|p| p < next),
            "{field} is not under {}:\n{all}",
            HEADINGS[heading]
        );
    };
    under(0, "公開範囲: 1. 事業所名等を含む求人情報を公開する");
    under(0, "オンライン提供不可（民間人材ビジネス）: あり");
    under(1, "事業所: 事業所仮登録 est-1");
    under(2, "職種: 介護職員");
    under(3, "雇用形態: 正社員");
    under(3, "就業場所（住所）: 東京都新宿区神楽坂2-1");
    under(4, "賃金（下限）: 90000");
    under(4, "賞与月数: 2.50");
    under(5, "労働時間制: 交替制（シフト制）");
    under(5, "6ヶ月経過後の年次有給休暇日数: 10");
    under(6, "就業規則（フルタイム）: あり");
    under(7, "事業所からのメッセージ: 働きやすい職場です。");
    under(8, "採用人数: 2");
    under(8, "ハローワークへの連絡事項: 面接は土曜も可");
    // No official-data warning: 2026's holidays are bundled.
    assert!(!all.contains("公式データがありません"), "{all}");
    for (i, p) in wide.iter().enumerate() {
        insta::assert_snapshot!(format!("job_detail_120x40_{i}"), p);
    }

    // 80×24 (the smallest screen): the same, a page at a time.
    let small = pages(&mut app, 80, 24);
    let all = small.concat();
    for h in HEADINGS {
        assert!(all.contains(h), "{h} missing at 80×24:\n{all}");
    }
    let narrow = full_text(&app, 80);
    assert!(narrow.contains("［6. 保険・年金・定年等］"), "{narrow}");
    assert!(small[0].contains("残り開庁日 10"), "{}", small[0]);
    for (i, p) in small.iter().enumerate() {
        insta::assert_snapshot!(format!("job_detail_80x24_{i}"), p);
    }
}

/// R-DL-2: a deadline in a year without official holiday data (2027 is not bundled) says so
/// next to the deadline, as the calendar screen does for the year.
#[test]
fn r_dl_2_deadline_in_a_year_without_official_holidays_is_flagged_in_the_detail() {
    // Thursday 2026-12-24 10:30 JST: deadline 2027-01-07.
    let (_dir, app, _) = imported_job_detail("2026-12-24T01:30:00Z");
    let text = screen_text(&app, 80, 24);
    let lines: Vec<&str> = text.lines().collect();
    let dl = lines
        .iter()
        .position(|l| l.contains("期限: 2027-01-07"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        lines[dl + 1].contains("！ 期限の年の祝日は公式データがありません"),
        "{text}"
    );
    insta::assert_snapshot!("job_detail_deadline_without_official_holidays", text);
}

#[test]
fn spec_2_3_resubmitted_job_shows_the_changes_from_the_returned_version() {
    let mut fx = office(common::NOW);
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
            &job("介護職員", 220_000, 280_000),
        ),
    ];
    fx.import(&lines);
    let id = submission_id(&fx.store, "job-1");
    // The clerk returns it (差戻し, reason 1 of the list) through the service.
    let clerk = fx.staff("tanaka");
    let cfg = Config::default();
    service::review::return_item(
        &mut fx.store,
        &cfg,
        &clerk,
        id,
        "1",
        "賃金を確認してください",
        None,
    )
    .expect("return");
    let row = storage::submissions::by_id(fx.store.conn(), id)
        .expect("q")
        .expect("row");
    assert_eq!(row.state.code(), "returned");
    // The employer corrects the title and the wage: job.resubmitted, version 2.
    let again = fx.event(
        "ev-job-2",
        "job.resubmitted",
        10,
        &job("介護職員（夜勤なし）", 240_000, 300_000),
    );
    fx.import(&[again]);
    let row = storage::submissions::by_id(fx.store.conn(), id)
        .expect("q")
        .expect("row");
    assert_eq!((row.state.code(), row.current_version), ("received", 2));

    // Opened from the account screen (menu 2, search by email, purpose 問合せ対応, its digit).
    let email = fx.account.email.clone();
    let (_dir, mut app) = fx.app();
    press(&mut app, KeyCode::Char('2'));
    type_text(&mut app, &email);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Account(_)), "{:?}", app.flash);
    let listed = screen_text(&app, 80, 24);
    let Screen::Account(a) = &app.screen else {
        unreachable!()
    };
    let n = a
        .submissions
        .iter()
        .position(|s| s.0 == id)
        .unwrap_or_else(|| panic!("not listed:\n{listed}"));
    assert!(listed.contains("介護職員（夜勤なし）"), "{listed}");
    press(
        &mut app,
        KeyCode::Char(char::from(b'1' + u8::try_from(n).expect("digit"))),
    );
    // R-ID-5: reading the offers is asked for itself (the inquiry preselected).
    assert!(matches!(app.screen, Screen::Purpose(_)));
    press(&mut app, KeyCode::Enter);
    let Screen::Detail(d) = &app.screen else {
        panic!("no detail: {:?}\n{listed}", app.flash);
    };
    assert_eq!(d.detail.id, id, "{listed}");

    let all = full_text(&app, 120);
    assert!(all.contains("【前の版からの変更 (v2)】"), "{all}");
    let title = line_with(&all, "職種: 介護職員 → ");
    assert!(
        title.contains("職種: 介護職員 → 介護職員（夜勤なし）"),
        "{title}"
    );
    assert!(all.contains("賃金（下限）: 220000 → 240000"), "{all}");
    assert!(all.contains("賃金（上限）: 280000 → 300000"), "{all}");
    // Nothing else changed, so nothing else is listed.
    let diff_at = all.find("【前の版からの変更").unwrap_or(0);
    let diff = &all[diff_at
        ..all[diff_at..]
            .find("【履歴】")
            .map_or(all.len(), |p| p + diff_at)];
    assert_eq!(diff.matches(" → ").count(), 3, "{diff}");
    // The current version's fields are the new ones.
    assert!(all.contains("職種: 介護職員（夜勤なし）"), "{all}");
    let small = pages(&mut app, 80, 24);
    let last = small.last().expect("a page");
    insta::assert_snapshot!("job_detail_diff_80x24", last);
}

/// True for what must never reach the terminal: ESC, BEL, the other C0 and C1 controls, DEL,
/// and bidi overrides / isolates.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

fn assert_no_raw_controls(t: &Terminal<TestBackend>, what: &str) {
    let buf = t.backend().buffer();
    for (i, cell) in buf.content().iter().enumerate() {
        let bad: Vec<char> = cell.symbol().chars().filter(|c| unsafe_char(*c)).collect();
        assert!(bad.is_empty(), "{what}: cell {i} holds {bad:?}");
    }
}

/// SPEC §5 (issue 3, issue 17 item 8): JSON with control characters and escape sequences in
/// names is refused at import, the field named; rows that hold them all the same (written by an
/// older version or another tool) never reach the terminal raw: not in the queue, not in the
/// detail.
#[test]
fn spec_5_escape_sequences_in_imported_names_are_refused_and_never_drawn_raw() {
    let mut fx = office(common::NOW);
    let est_name = "株式会社\u{1b}[31m若葉\u{1b}]0;x\u{7}商事\u{9b}本店\u{202e}東京";
    let job_title = "介護\u{1b}[31m職員\u{202e}急募";
    let hostile = [
        fx.activation(),
        fx.event(
            "ev-est-hostile",
            "establishment.submitted",
            95,
            &establishment(est_name, "ワカバショウジ"),
        ),
        fx.event(
            "ev-job-hostile",
            "job.submitted",
            65,
            &job(job_title, 220_000, 280_000),
        ),
    ];
    // The lines are JSON text with the escapes written as JSON escapes (or raw, for C1 and
    // U+202E, which JSON need not escape).
    assert!(hostile[1].contains(r"\u001b[31m") && hostile[1].contains(r"\u001b]0;x\u0007"));
    let s = fx.try_import(&hostile);
    assert_eq!((s.applied, s.rejected), (1, 2), "{:?}", s.rejects);
    let said: Vec<String> = s
        .rejects
        .iter()
        .map(|r| madoguchi::i18n::findings::validation_detail(madoguchi::i18n::Lang::Ja, &r.detail))
        .collect();
    assert_eq!(
        said,
        [
            "事業所名: 制御文字や文字の向きを変える記号（U+001B）は使えません",
            "職種: 制御文字や文字の向きを変える記号（U+001B）は使えません",
        ],
        "{:?}",
        s.rejects
    );

    // The same offer with printable text only: taken as it is.
    let est_stored = "株式会社[31m若葉]0;x商事本店東京";
    let job_stored = "介護[31m職員急募";
    fx.import(&[
        fx.event(
            "ev-est",
            "establishment.submitted",
            90,
            &establishment(est_stored, "ワカバショウジ"),
        ),
        fx.event(
            "ev-job",
            "job.submitted",
            60,
            &job(job_stored, 220_000, 280_000),
        ),
    ]);
    let est = submission_id(&fx.store, "est-1");
    let jid = submission_id(&fx.store, "job-1");
    let stored = |id: SubmissionId| {
        storage::submissions::by_id(fx.store.conn(), id)
            .expect("q")
            .expect("row")
            .display_name
    };
    assert_eq!(stored(est), est_stored);
    assert_eq!(stored(jid), job_stored);
    let payload = |id: SubmissionId| -> Value {
        let p: String = fx
            .store
            .conn()
            .query_row(
                "SELECT payload FROM submission_versions WHERE submission_id = ?1",
                [id],
                |r| Ok(storage::payload::decode(r.get_ref(0)?)),
            )
            .expect("payload")
            .expect("stored form");
        serde_json::from_str(&p).expect("json")
    };
    assert_eq!(payload(est)["name"], est_stored);
    assert_eq!(payload(jid)["title"], job_stored);

    // The screens must not rely on that cleaning: the establishment's row is written back with
    // the name exactly as it came (as a row from an older version or another tool would be),
    // so raw ESC, BEL, the C1 CSI and the override are in the database.
    let mut p = payload(est);
    p["name"] = Value::from(est_name);
    let conn = fx.store.conn();
    conn.execute(
        "UPDATE submissions SET display_name = ?1 WHERE id = ?2",
        rusqlite::params![est_name, est],
    )
    .expect("name");
    conn.execute(
        "UPDATE submission_versions SET payload = ?1 WHERE submission_id = ?2",
        rusqlite::params![p.to_string(), est],
    )
    .expect("payload");
    conn.execute(
        "UPDATE establishments SET name = ?1 \
         WHERE id = (SELECT establishment_id FROM submissions WHERE id = ?2)",
        rusqlite::params![est_name, est],
    )
    .expect("establishment");
    assert_eq!(stored(est), est_name);
    assert_eq!(payload(est)["name"], est_name);
    // Drawn: each complete sequence removed as a whole, the lone C1 CSI a U+FFFD, the override
    // dropped (`domain::text::sanitize`).
    let est_shown = "株式会社若葉商事\u{fffd}本店東京";

    let (_dir, mut app) = fx.app();
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('1'));
    for (w, h) in [(80, 24), (120, 40)] {
        let t = terminal(&app, w, h);
        assert_no_raw_controls(&t, &format!("queue {w}×{h}"));
        let text = screen_text(&app, w, h);
        // Readable: the names are there (as much as the name column holds at 80 columns, the
        // cut marked with "…").
        assert!(text.contains("株式会社若葉商事\u{fffd}本"), "{text}");
        assert!(text.contains("介護[31m職員急募"), "{text}");
        insta::assert_snapshot!(format!("escape_queue_{w}x{h}"), text);
    }
    for id in [est, jid] {
        open_from_queue(&mut app, id);
        for (w, h) in [(80, 24), (120, 40)] {
            for (n, t) in page_terminals(&mut app, w, h).iter().enumerate() {
                assert_no_raw_controls(t, &format!("detail #{id} {w}×{h} page {n}"));
            }
        }
        let all = full_text(&app, 120);
        if id == est {
            assert!(
                line_with(&all, &format!("#{id} ")).contains(est_shown),
                "{all}"
            );
            assert!(line_with(&all, "事業所名: ").contains(est_shown), "{all}");
            insta::assert_snapshot!(
                "escape_establishment_detail_80x24",
                screen_text(&app, 80, 24)
            );
        } else {
            assert!(
                line_with(&all, &format!("#{id} ")).contains("介護[31m職員急募"),
                "{all}"
            );
            assert!(
                line_with(&all, "職種: ").contains("介護[31m職員急募"),
                "{all}"
            );
        }
        // Back to the queue for the next one.
        press(&mut app, KeyCode::Esc);
    }
}
