//! The review queues' audit gaps (SPEC §2.3): the check's checklist really ticked by the clerk
//! (R-REV-1), the reject reason form and its confirm (R-REV-2), the queue following another
//! session's change with the cursor on the same item (R-REV-6), and the days-left colours
//! (R-DL-3). Keys go into the real App on a real database file (`TestBackend`, 80×24).

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::review::{Checklist, Dialog};
use madoguchi::app::{App, Screen};
use madoguchi::clock::Clock;
use madoguchi::config::Config;
use madoguchi::domain::ids::SubmissionId;
use madoguchi::domain::review::CHECKLIST;
use madoguchi::domain::submission::SubmissionState;
use madoguchi::i18n::Lang;
use madoguchi::i18n::labels::check_item_label;
use madoguchi::service::{self, Ctx};
use madoguchi::storage::{self, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::common;

use common::screen::cells;
use common::{CLERK_PW, SUPERVISOR_PW};

struct Fixture {
    dir: tempfile::TempDir,
    app: App,
    /// Tue 2026-11-24: overdue (11-20), due in 2 open days (11-26), in time (12-10); three
    /// customers, in deadline order.
    overdue: SubmissionId,
    soon: SubmissionId,
    later: SubmissionId,
}

impl Fixture {
    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("m.db")
    }
}

/// Signed in as `who` (tanaka the counter clerk or suzuki the supervisor), on the queues.
fn fixture(who: &str) -> Fixture {
    let now = madoguchi::clock::parse_rfc3339(common::NOW).expect("time");
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, admin) = common::office(&dir.path().join("m.db"), true);
    let clerk = admin.staff_id;
    let overdue = common::review::submission(&mut store, 0, "2026-11-20", clerk, "[]");
    let soon = common::review::submission(&mut store, 1, "2026-11-26", clerk, "[]");
    let later = common::review::submission(&mut store, 2, "2026-12-10", clerk, "[]");
    let mut app = App::with_clock(
        store,
        Config::default(),
        "pts/4".into(),
        None,
        Clock::Fixed(now),
    )
    .expect("app");
    type_text(&mut app, who);
    press(&mut app, KeyCode::Tab);
    type_text(
        &mut app,
        if who == "suzuki" {
            SUPERVISOR_PW
        } else {
            CLERK_PW
        },
    );
    press(&mut app, KeyCode::Enter);
    // Counter and supervisor menus: 1 register, 2 account, 3 ID lookup, 4 queues.
    press(&mut app, KeyCode::Char('4'));
    assert!(matches!(app.screen, Screen::Queue(_)), "{:?}", app.flash);
    Fixture {
        dir,
        app,
        overdue,
        soon,
        later,
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

fn render(app: &App) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| madoguchi::ui::draw(f, app)).expect("draw");
    t.backend().buffer().clone()
}

fn text(app: &App) -> String {
    cells(&render(app))
        .iter()
        .map(|r| r.iter().map(|c| c.1.as_str()).collect::<String>() + "\n")
        .collect()
}

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(name, text(app));
}

/// Opens the `n`th line of the unassigned queue and takes the suggested purpose (本登録審査).
fn open(f: &mut Fixture, n: usize) {
    press(&mut f.app, KeyCode::Char('1'));
    for _ in 0..n {
        press(&mut f.app, KeyCode::Char('j'));
    }
    press(&mut f.app, KeyCode::Enter);
    if matches!(f.app.screen, Screen::Purpose(_)) {
        press(&mut f.app, KeyCode::Enter);
    }
    assert!(
        matches!(f.app.screen, Screen::Detail(_)),
        "{:?}",
        f.app.flash
    );
}

fn checklist(app: &App) -> Option<&Checklist> {
    match &app.screen {
        Screen::Detail(d) => match &d.dialog {
            Some(Dialog::Check(c)) => Some(c),
            _ => None,
        },
        _ => None,
    }
}

fn row(app: &App, id: SubmissionId) -> storage::submissions::SubmissionRow {
    storage::submissions::by_id(app.store.conn(), id)
        .expect("q")
        .expect("row")
}

fn check_items(app: &App, id: SubmissionId) -> Option<Vec<String>> {
    let version = row(app, id).current_version;
    storage::review::check_items(app.store.conn(), id, version)
        .expect("q")
        .map(|j| serde_json::from_str(&j).expect("json"))
}

#[test]
fn r_rev_1_checklist_is_ticked_by_the_clerk_missing_items_are_named_and_the_ticks_kept() {
    let mut f = fixture("tanaka");
    open(&mut f, 0);
    press(&mut f.app, KeyCode::Char('c'));
    let c = checklist(&f.app).expect("the checklist opens on c");
    assert_eq!(c.ticked, [false; CHECKLIST.len()], "nothing ticked yet");
    assert_eq!(c.cursor, 0);
    let t = text(&f.app);
    for label in CHECKLIST.map(|i| check_item_label(Lang::Ja, i)) {
        assert!(t.contains(&format!("[ ] {label}")), "{t}");
    }
    snap("checklist_unticked", &f.app);
    // `?` lists the checklist's own keys; closing the help leaves the checklist as it was.
    press(&mut f.app, KeyCode::Char('?'));
    let t = text(&f.app);
    assert!(t.contains("すべてチェック"), "{t}");
    press(&mut f.app, KeyCode::Esc);
    assert_eq!(checklist(&f.app).map(|c| c.cursor), Some(0));

    // Space ticks the first; ↓ and j move; x ticks the third; ↑ and k move back.
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('j'));
    press(&mut f.app, KeyCode::Char('x'));
    press(&mut f.app, KeyCode::Up);
    let c = checklist(&f.app).expect("open");
    assert_eq!(c.ticked, [true, false, true, false, false]);
    assert_eq!(c.cursor, 1);
    press(&mut f.app, KeyCode::Char('k'));
    assert_eq!(checklist(&f.app).expect("open").cursor, 0);
    // Moving stops at the ends.
    press(&mut f.app, KeyCode::Up);
    assert_eq!(checklist(&f.app).expect("open").cursor, 0);
    snap("checklist_partly_ticked", &f.app);

    // Enter with items missing: nothing recorded, the missing ones named in Japanese, the
    // ticks kept.
    press(&mut f.app, KeyCode::Enter);
    let c = checklist(&f.app).expect("the checklist stays open");
    assert_eq!(c.ticked, [true, false, true, false, false], "ticks kept");
    assert_eq!(c.missing, ["conditions", "findings", "contact"]);
    assert_eq!(row(&f.app, f.overdue).state, SubmissionState::Received);
    assert_eq!(check_items(&f.app, f.overdue), None);
    let t = text(&f.app);
    assert!(t.contains("チェックのない項目があります"), "{t}");
    for named in [
        "・労働条件（賃金・時間・休日）が明示されている",
        "・入力チェックの警告を確認した",
        "・連絡先（電話・担当者）を確認した",
    ] {
        assert!(t.contains(named), "{t}");
    }
    assert!(!t.contains("・事業所の実在・所在地を確認した"), "{t}");
    assert!(!t.contains("・法令違反"), "{t}");
    // The missing items are red in the list, the ticked ones are not.
    let buf = render(&f.app);
    let fg_of = |label: &str| {
        let r = cells(&buf);
        let y = r
            .iter()
            .position(|row| {
                let line: String = row.iter().map(|c| c.1.as_str()).collect();
                line.contains(&format!("] {label}"))
            })
            .expect("item shown");
        let x = r[y].iter().find(|c| c.1 == "[").expect("mark").0;
        buf[(x, u16::try_from(y).expect("row"))].fg
    };
    let red = madoguchi::ui::theme::error().fg.expect("red");
    assert_eq!(fg_of(check_item_label(Lang::Ja, CHECKLIST[1])), red);
    assert_eq!(fg_of(check_item_label(Lang::Ja, CHECKLIST[4])), red);
    assert_ne!(fg_of(check_item_label(Lang::Ja, CHECKLIST[0])), red);
    assert_ne!(fg_of(check_item_label(Lang::Ja, CHECKLIST[2])), red);
    snap("checklist_missing", &f.app);

    // Space on a ticked item unticks it, and again ticks it.
    press(&mut f.app, KeyCode::Char(' '));
    assert!(!checklist(&f.app).expect("open").ticked[0]);
    press(&mut f.app, KeyCode::Char(' '));
    assert!(checklist(&f.app).expect("open").ticked[0]);

    // `a` ticks every item; Enter records the check with exactly the ticked codes.
    press(&mut f.app, KeyCode::Char('a'));
    assert_eq!(
        checklist(&f.app).expect("open").ticked,
        [true; CHECKLIST.len()]
    );
    press(&mut f.app, KeyCode::Enter);
    assert!(checklist(&f.app).is_none(), "{:?}", f.app.flash);
    assert_eq!(row(&f.app, f.overdue).state, SubmissionState::Checked);
    let codes: Vec<String> = CHECKLIST.iter().map(|c| c.code().to_string()).collect();
    assert_eq!(check_items(&f.app, f.overdue), Some(codes));
    assert!(text(&f.app).contains("[確認済]"));
}

#[test]
fn r_rev_1_checklist_esc_cancels_and_nothing_is_recorded() {
    let mut f = fixture("tanaka");
    open(&mut f, 1);
    press(&mut f.app, KeyCode::Char('c'));
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Esc);
    assert!(checklist(&f.app).is_none());
    assert!(
        matches!(f.app.screen, Screen::Detail(_)),
        "Esc stays on the detail"
    );
    assert_eq!(row(&f.app, f.soon).state, SubmissionState::Received);
    assert_eq!(check_items(&f.app, f.soon), None);
    // Opened again, it starts unticked.
    press(&mut f.app, KeyCode::Char('c'));
    assert_eq!(
        checklist(&f.app).expect("open").ticked,
        [false; CHECKLIST.len()]
    );
}

#[test]
fn r_rev_2_reject_reason_form_and_its_confirm() {
    let mut f = fixture("suzuki");
    open(&mut f, 2);
    press(&mut f.app, KeyCode::Char('x'));
    let t = text(&f.app);
    // Every listed reason is offered by number, whole, at 80 columns.
    for (i, r) in Config::default().review.reject_reasons.iter().enumerate() {
        assert!(t.contains(&format!("{} {r}", i + 1)), "{t}");
    }
    snap("reject_reason_form", &f.app);

    type_text(&mut f.app, "2");
    press(&mut f.app, KeyCode::Enter); // to the free text
    type_text(&mut f.app, "業務委託契約のため");
    press(&mut f.app, KeyCode::Enter);
    let t = text(&f.app);
    assert!(
        t.contains("理由: 雇用関係ではありません（業務委託・請負等）"),
        "{t}"
    );
    assert!(t.contains("補足: 業務委託契約のため"), "{t}");
    snap("reject_confirm", &f.app);
    assert_eq!(row(&f.app, f.later).state, SubmissionState::Received);

    press(&mut f.app, KeyCode::Char('y'));
    assert_eq!(row(&f.app, f.later).state, SubmissionState::Rejected);
}

#[test]
fn r_rev_2_every_return_reason_is_shown_whole_at_80x24() {
    let mut f = fixture("tanaka");
    open(&mut f, 2);
    press(&mut f.app, KeyCode::Char('r'));
    let t = text(&f.app);
    for (i, r) in Config::default().review.return_reasons.iter().enumerate() {
        assert!(t.contains(&format!("{} {r}", i + 1)), "{t}");
    }
}

#[test]
fn r_rev_6_queue_refreshes_by_itself_and_the_cursor_stays_on_the_same_item() {
    let mut f = fixture("tanaka");
    press(&mut f.app, KeyCode::Char('j')); // the second line: the one due soon
    let selected = |app: &App| match &app.screen {
        Screen::Queue(q) => (q.cursor, q.selected().map(|l| l.row.id)),
        _ => panic!("not on the queue"),
    };
    assert_eq!(selected(&f.app), (1, Some(f.soon)));

    // Another session (its own connection to the file) claims the first line's item.
    let mut other = Store::open(&f.db()).expect("open");
    let boss_id = storage::staff::by_name(other.conn(), "suzuki")
        .expect("q")
        .expect("row")
        .id;
    let boss = Ctx {
        staff_id: boss_id,
        staff_name: "suzuki".into(),
        terminal: "pts/9".into(),
        now: madoguchi::clock::parse_rfc3339(common::NOW).expect("time"),
    };
    service::review::claim(&mut other, &boss, f.overdue, None).expect("claim");

    // No key pressed: the next tick sees the change and re-reads the queue.
    assert!(f.app.on_tick(Instant::now()));
    // The same item, now on the first line (by row number it would be the later item).
    assert_eq!(selected(&f.app), (0, Some(f.soon)));
    let t = text(&f.app);
    assert!(t.contains("未担当 2"), "{t}");
    assert!(!t.contains("株式会社若葉不動産"), "{t}");
}

#[test]
fn r_dl_3_days_left_is_red_when_overdue_and_orange_within_two_open_days() {
    let f = fixture("tanaka");
    let buf = render(&f.app);
    let rows = cells(&buf);
    let find = |needle: &str| {
        rows.iter()
            .position(|r| {
                r.iter()
                    .map(|c| c.1.as_str())
                    .collect::<String>()
                    .contains(needle)
            })
            .unwrap_or_else(|| panic!("{needle} not shown"))
    };
    // The days-left column: where the header says 残り.
    let header = find("残り");
    let col = rows[header]
        .iter()
        .find(|c| c.1 == "残")
        .map(|c| c.0)
        .expect("column");
    let cell = |name: &str| {
        let y = u16::try_from(find(name)).expect("row");
        buf[(col, y)].clone()
    };
    let overdue = cell("株式会社若葉不動産");
    let soon = cell("有限会社青空運輸");
    let later = cell("飯田橋食品株式会社");
    assert_eq!(overdue.symbol(), "-", "-1 open days");
    assert_eq!(soon.symbol(), "2");
    assert_eq!(later.symbol(), "1", "12 open days");
    assert_eq!(overdue.fg, madoguchi::ui::theme::error().fg.expect("red"));
    assert_eq!(soon.fg, madoguchi::ui::theme::warning().fg.expect("orange"));
    assert_eq!(
        madoguchi::ui::screens::review::urgency_style(None).fg,
        None,
        "in time: the terminal's colour"
    );
    assert_ne!(later.fg, overdue.fg);
    assert_ne!(later.fg, soon.fg);
}
