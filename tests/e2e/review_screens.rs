//! Review screens (SPEC §2.3, R-REV-5/6, R-VISIT-1): every queue, the detail view with visit
//! reasons, the confirm dialogs, and the "someone acted first" notice. `TestBackend` + insta.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use madoguchi::domain::ids::{StaffId, SubmissionId};
use madoguchi::domain::staff::Role;
use madoguchi::service::{self, Ctx};
use madoguchi::storage::{self, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common;

const PW: &str = "review-screens-passphrase";

fn t0() -> DateTime<Utc> {
    clock::parse_rfc3339("2026-11-24T01:30:00Z").unwrap()
}

struct Fixture {
    dir: tempfile::TempDir,
    app: App,
    boss: Ctx,
    items: Vec<SubmissionId>,
}

const PHONE_WARNING: &str = r#"[{"field":"phone","severity":"warning","rule":"phone_mobile"}]"#;

fn submission(store: &mut Store, n: usize, deadline: &str, clerk: StaffId) -> SubmissionId {
    common::review::submission(store, n, deadline, clerk, PHONE_WARNING)
}

fn fixture() -> Fixture {
    fixture_as("tanaka")
}

/// The office, signed in as `user` (tanaka the counter clerk, suzuki the supervisor).
fn fixture_as(user: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let office = common::office::Office::builder()
        .now("2026-11-24T01:30:00Z")
        .staff("tanaka", "田中 花子", &[Role::Counter], PW)
        .staff("suzuki", "鈴木 一郎", &[Role::Supervisor], PW)
        .build_at(&dir.path().join("m.db"));
    let (clerk, boss) = (office.ctx("tanaka"), office.ctx("suzuki"));
    let mut store = office.store;
    // Tue 2026-11-24: overdue, due soon, normal; then checked, returned, visit, mine.
    let items = vec![
        submission(&mut store, 0, "2026-11-20", clerk.staff_id),
        submission(&mut store, 1, "2026-11-26", clerk.staff_id),
        submission(&mut store, 2, "2026-12-08", clerk.staff_id),
        submission(&mut store, 3, "2026-12-09", clerk.staff_id),
    ];
    let cfg = Config::default();
    let ticks: Vec<String> = madoguchi::domain::review::CHECKLIST
        .iter()
        .map(|c| c.code().to_string())
        .collect();
    service::review::check(&mut store, &clerk, items[2], &ticks, None).unwrap();
    service::review::return_item(&mut store, &cfg, &clerk, items[3], "2", "", None).unwrap();
    service::review::claim(&mut store, &clerk, items[1], None).unwrap();
    storage::submissions::set_visit_reasons(
        store.conn(),
        items[0],
        &[("first_mypage", "マイページからの初めての求人".to_string())],
    )
    .unwrap();
    let app = App::with_clock(store, cfg, "pts/1".into(), None, Clock::Fixed(t0())).unwrap();
    let mut f = Fixture {
        dir,
        app,
        boss,
        items,
    };
    type_text(&mut f.app, user);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, PW);
    press(&mut f.app, KeyCode::Enter);
    assert!(matches!(f.app.screen, Screen::Home(_)));
    f
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

fn text(app: &App) -> String {
    common::screen::buffer_text(&render(app, 100, 30))
}

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_80x24"), render(app, 80, 24).backend());
    insta::assert_snapshot!(format!("{name}_120x40"), render(app, 120, 40).backend());
}

fn open_queues(f: &mut Fixture) {
    // Counter menu: 1 register, 2 account, 3 ID lookup, 4 queues.
    press(&mut f.app, KeyCode::Char('4'));
    assert!(
        matches!(f.app.screen, Screen::Queue(_)),
        "{:?}",
        f.app.flash
    );
}

#[test]
fn r_rev_6_each_queue_with_counts_and_days_left() {
    let mut f = fixture();
    open_queues(&mut f);
    let names = [
        "unassigned",
        "mine",
        "overdue",
        "due_soon",
        "checked",
        "returned",
        "visit",
    ];
    for (i, n) in names.iter().enumerate() {
        press(
            &mut f.app,
            KeyCode::Char(char::from(b'1' + u8::try_from(i).unwrap())),
        );
        snap(&format!("queue_{n}"), &f.app);
    }
    press(&mut f.app, KeyCode::Char('1'));
    let t = text(&f.app);
    // Received and unclaimed only: the checked and the returned item are in their own queues
    // (issue 15 item 14).
    assert!(t.contains("未担当 1"), "{t}");
    assert!(t.contains("期限超過 1"), "{t}");
    // `/` filter by name (the returned item, among the overdue one).
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "みどり");
    press(&mut f.app, KeyCode::Enter);
    let t = text(&f.app);
    assert!(!t.contains("若葉不動産"), "{t}");
    press(&mut f.app, KeyCode::Char('6'));
    let t = text(&f.app);
    assert!(t.contains("合同会社みどり介護"), "{t}");
}

#[test]
fn detail_with_visit_reasons_and_confirm_dialogs() {
    // A supervisor: every action of the detail is hers to confirm (a clerk is offered no 本登録).
    let mut f = fixture_as("suzuki");
    open_queues(&mut f);
    press(&mut f.app, KeyCode::Char('3')); // overdue: the one with a visit reason
    press(&mut f.app, KeyCode::Enter);
    // R-ID-5: the customer's first record this session asks the purpose; Enter takes 本登録審査.
    assert!(matches!(f.app.screen, Screen::Purpose(_)));
    press(&mut f.app, KeyCode::Enter);
    assert!(
        matches!(f.app.screen, Screen::Detail(_)),
        "{:?}",
        f.app.flash
    );
    let t = text(&f.app);
    assert!(t.contains("マイページからの初めての求人"), "{t}");
    snap("detail_visit", &f.app);
    press(&mut f.app, KeyCode::Char('c'));
    snap("confirm_check", &f.app);
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('a'));
    snap("confirm_approve", &f.app);
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('r'));
    snap("return_reason_form", &f.app);
}

#[test]
fn r_rev_5_someone_acted_first_is_told_who_and_the_new_state() {
    let mut f = fixture();
    open_queues(&mut f);
    press(&mut f.app, KeyCode::Char('2')); // mine: the claimed one
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter); // purpose: 本登録審査
    assert!(matches!(f.app.screen, Screen::Detail(_)));
    // A supervisor rejects it from another terminal before the clerk confirms the check.
    let boss = f.boss.clone();
    let id = f.items[1];
    service::review::reject(
        &mut f.app.store,
        &Config::default(),
        &boss,
        id,
        "1",
        "",
        None,
    )
    .unwrap();
    press(&mut f.app, KeyCode::Char('c'));
    press(&mut f.app, KeyCode::Char('y'));
    let t = text(&f.app);
    assert!(t.contains("鈴木 一郎さんが先に処理しました"), "{t}");
    assert!(t.contains("不受理"), "{t}");
    snap("acted_first", &f.app);
}

/// R-REV-5: the screen carries the version it displayed; a change of any kind since (here a
/// colleague's comment, the state unchanged) refuses the check that would still be legal.
#[test]
fn r_rev_5_the_screen_acts_on_the_version_it_displayed() {
    let mut f = fixture();
    open_queues(&mut f);
    press(&mut f.app, KeyCode::Char('2')); // mine: the claimed one
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter); // purpose: 本登録審査
    assert!(matches!(f.app.screen, Screen::Detail(_)));
    let boss = f.boss.clone();
    let id = f.items[1];
    service::review::comment(&mut f.app.store, &boss, id, "先に見ました", None).unwrap();
    press(&mut f.app, KeyCode::Char('c'));
    press(&mut f.app, KeyCode::Char('y'));
    let t = text(&f.app);
    assert!(t.contains("鈴木 一郎さんが先に処理しました"), "{t}");
    let facts = storage::review::facts(f.app.store.conn(), id)
        .unwrap()
        .unwrap();
    assert_eq!(
        facts.state,
        madoguchi::domain::submission::SubmissionState::Received,
        "the check did not apply"
    );
}

#[test]
fn submission_detail_is_reachable_from_the_account_screen() {
    let mut f = fixture();
    // Counter menu: 1 register, 2 account.
    press(&mut f.app, KeyCode::Char('2'));
    type_text(&mut f.app, "jigyosho1@example.co.jp");
    press(&mut f.app, KeyCode::Enter);
    // R-ID-5: the account is the customer's first record: the purpose first (問合せ対応).
    assert!(matches!(f.app.screen, Screen::Purpose(_)));
    press(&mut f.app, KeyCode::Enter);
    let t = text(&f.app);
    assert!(t.contains("仮登録"), "{t}");
    // Its submission: reading the customer's offers is another purpose than the inquiry,
    // so it is asked (issue 15 item 12), with the inquiry preselected; Enter goes on.
    press(&mut f.app, KeyCode::Char('1'));
    assert!(matches!(f.app.screen, Screen::Purpose(_)), "{t}");
    press(&mut f.app, KeyCode::Enter);
    assert!(
        matches!(f.app.screen, Screen::Detail(_)),
        "{:?} {t}",
        f.app.flash
    );
    let mut rows = storage::audit::recent(f.app.store.conn(), 1000).unwrap();
    rows.reverse();
    let views: Vec<(String, Option<String>)> = rows
        .into_iter()
        .filter(|r| r.entry.action.ends_with(".view"))
        .map(|r| (r.entry.action, r.entry.purpose))
        .collect();
    let inquiry = Some("問合せ対応".to_string());
    assert_eq!(
        views,
        [
            ("account.view".to_string(), inquiry.clone()),
            ("submission.view".to_string(), inquiry)
        ]
    );
    press(&mut f.app, KeyCode::Esc);
    assert!(matches!(f.app.screen, Screen::Account(_)));
}

/// Waits for the counting thread's answer to reach the app (bounded; the count is tiny here).
fn counts_arrive(app: &mut App) {
    let start = std::time::Instant::now();
    while !app.on_counts() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "no counts"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn r_rev_6_counts_come_from_their_own_thread_and_follow_other_sessions() {
    let mut f = fixture();
    let db = f.dir.path().join("m.db");
    f.app.counter = Some(service::queue_counts::Counter::spawn(&db));
    open_queues(&mut f);
    // Asked for, not counted on the UI thread: "…" until the answer, the lines at once.
    let t = text(&f.app);
    assert!(t.contains("未担当 …"), "{t}");
    assert!(t.contains("若葉不動産"), "{t}");
    counts_arrive(&mut f.app);
    let t = text(&f.app);
    assert!(t.contains("未担当 1") && t.contains("期限超過 1"), "{t}");
    // Another session claims an item: the tick sees the change, asks again, the counts follow
    // while the last ones stay on screen meanwhile.
    let mut other = Store::open(&db).unwrap();
    service::review::claim(&mut other, &f.boss, f.items[0], None).unwrap();
    assert!(f.app.on_tick(std::time::Instant::now()));
    assert!(text(&f.app).contains("未担当 1"));
    counts_arrive(&mut f.app);
    let t = text(&f.app);
    assert!(t.contains("未担当 0"), "{t}");
}

#[test]
fn supervisor_dashboard_comes_from_the_counting_thread() {
    let mut f = fixture_as("suzuki");
    let db = f.dir.path().join("m.db");
    f.app.counter = Some(service::queue_counts::Counter::spawn(&db));
    madoguchi::app::home::open(&mut f.app, madoguchi::app::home::MenuItem::Dashboard);
    assert!(matches!(f.app.screen, Screen::Dashboard(_)));
    let t = text(&f.app);
    assert!(t.contains("集計中…"), "{t}");
    counts_arrive(&mut f.app);
    let t = text(&f.app);
    assert!(!t.contains("集計中…"), "{t}");
    assert!(t.contains("未担当 1") && t.contains("期限超過 1"), "{t}");
    assert!(t.contains("審査中の求人（区分別）"), "{t}");
    snap("dashboard", &f.app);
}

/// Issue 15 item 7: a result says what happened (a claim does not read as a finished review).
#[test]
fn a_claim_says_the_item_is_yours_not_done() {
    let mut f = fixture();
    open_queues(&mut f);
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    assert!(matches!(f.app.screen, Screen::Detail(_)));
    press(&mut f.app, KeyCode::Char('t'));
    press(&mut f.app, KeyCode::Char('y'));
    let t = text(&f.app);
    assert!(t.contains("を担当しました"), "{t}");
    assert!(!t.contains("完了しました"), "{t}");
}

/// Issue 15 item 6: a counter clerk is not offered 本登録 or 不受理 (hint bar and help), and
/// the key does nothing but say why; an auditor is not offered opening an item or a claim.
#[test]
fn keys_are_offered_only_to_the_roles_that_may_use_them() {
    let mut f = fixture();
    open_queues(&mut f);
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    assert!(matches!(f.app.screen, Screen::Detail(_)));
    let t = text(&f.app);
    assert!(!t.contains("a 本登録"), "{t}");
    assert!(!f.app.may_act(madoguchi::app::keymap::Action::ReviewApprove));
    press(&mut f.app, KeyCode::Char('a'));
    assert!(f.app.overlay.is_none(), "no confirm dialog for a clerk");
    assert!(text(&f.app).contains("あなたの役割ではできません"));
    // The help's key rows: a key, then its label.
    let rows: Vec<String> = madoguchi::ui::widgets::help_rows(&f.app, 76)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    let key_row = |key: &str, label: &str| {
        rows.iter().any(|r| {
            r.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(' ') && rest.trim() == label)
        })
    };
    assert!(key_row("c", "確認"), "{rows:?}");
    assert!(!key_row("a", "本登録"), "{rows:?}");
    assert!(!key_row("x", "不受理"), "{rows:?}");
}

/// Issue 15 item 14: who checked an item and when, in the 確認済 queue at 80 columns (where the
/// establishment column was) and in the item's header, for the approver's four-eyes question.
#[test]
fn issue15_item14_checked_by_and_at_in_the_queue_and_the_item_header() {
    let mut f = fixture_as("suzuki");
    open_queues(&mut f);
    press(&mut f.app, KeyCode::Char('5'));
    let t = common::screen::screen_text(&f.app, 80, 24);
    assert!(t.contains("確認者") && t.contains("確認日時"), "{t}");
    assert!(t.contains("田中 花子  11-24 10:30"), "{t}");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter); // purpose: 本登録審査
    assert!(matches!(f.app.screen, Screen::Detail(_)));
    let t = common::screen::screen_text(&f.app, 80, 24);
    assert!(
        t.contains("確認者: 田中 花子   確認日時: 2026-11-24 10:30"),
        "{t}"
    );
    // An item not checked shows no check.
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('1'));
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    let t = common::screen::screen_text(&f.app, 80, 24);
    assert!(!t.contains("確認者"), "{t}");
}
