//! The submission detail's own actions (SPEC §2.3, R-REV-5/6, R-ID-5): a comment, the hand-over
//! to a colleague, the follow-up date, the findings as messages, and the purpose asked once per
//! customer. Keys go into the real App on a real database file; the database is checked, and
//! the screens are snapshots of their text (`TestBackend`, 80×24).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::review::Dialog;
use madoguchi::app::{App, Screen};
use madoguchi::clock::Clock;
use madoguchi::config::Config;
use madoguchi::domain::ids::{StaffId, SubmissionId};
use madoguchi::domain::staff::Role;
use madoguchi::service::{self, Ctx};
use madoguchi::storage;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common;

use common::screen::screen_text;
use common::{CLERK_PW, SUPERVISOR_PW};

/// A real rule with a parameter (error), a kana rule (warning), and a rule this version does
/// not know (its code is shown).
const FINDINGS: &str = r#"[
    {"field":"phone","severity":"error","rule":"format","param":"10-11"},
    {"field":"name_kana","severity":"warning","rule":"kana","param":"・"},
    {"field":"phone","severity":"warning","rule":"phone_mobile"}
]"#;

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
    admin: Ctx,
    /// Two establishments of one employer (deadline order a, b), then another employer's (c).
    a: SubmissionId,
    b: SubmissionId,
    c: SubmissionId,
}

fn id_of(app: &App, name: &str) -> StaffId {
    storage::staff::by_name(app.store.conn(), name)
        .expect("q")
        .expect("row")
        .id
}

/// Office with 田中 花子 (counter), 鈴木 一郎 (supervisor), 山田 太郎 (counter), 佐藤 恵
/// (auditor: may not review) and 木村 次郎 (disabled); signed in as `who`, on the queues.
fn fixture(who: &str) -> Fixture {
    let now = madoguchi::clock::parse_rfc3339(common::NOW).expect("time");
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, admin) = common::office_builder(true)
        .staff_without_password("yamada", "山田 太郎", &[Role::Counter])
        .staff_without_password("sato", "佐藤 恵", &[Role::Auditor])
        .staff_without_password("kimura", "木村 次郎", &[Role::Counter])
        .build_at(&dir.path().join("m.db"))
        .into_parts();
    service::staff::disable(&mut store, &admin, "kimura").expect("disable");
    let clerk = admin.staff_id;
    let acc = common::review::account(&mut store, 0, "2026-12-08", clerk);
    let a = common::review::establishment(&mut store, acc, 0, "2026-12-08", FINDINGS);
    let b = common::review::establishment(&mut store, acc, 1, "2026-12-09", "[]");
    let c = common::review::submission(&mut store, 2, "2026-12-10", clerk, "[]");
    let mut app = App::with_clock(
        store,
        Config::default(),
        "pts/3".into(),
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
        _dir: dir,
        app,
        admin,
        a,
        b,
        c,
    }
}

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

fn text(app: &App) -> String {
    screen_text(app, 80, 24)
}

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(name, text(app));
}

/// Opens the `n`th line of the unassigned queue (deadline order: a, b, c).
fn open_line(f: &mut Fixture, n: usize) {
    press(&mut f.app, KeyCode::Char('1'));
    for _ in 0..n {
        press(&mut f.app, KeyCode::Char('j'));
    }
    press(&mut f.app, KeyCode::Enter);
}

/// Opens the line and takes the suggested purpose (本登録審査) if it is asked.
fn open(f: &mut Fixture, n: usize) {
    open_line(f, n);
    if matches!(f.app.screen, Screen::Purpose(_)) {
        press(&mut f.app, KeyCode::Enter);
    }
    assert!(
        matches!(f.app.screen, Screen::Detail(_)),
        "{:?}",
        f.app.flash
    );
}

fn flash(app: &App) -> String {
    app.flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

fn dialog(app: &App) -> Option<&Dialog> {
    match &app.screen {
        Screen::Detail(d) => d.dialog.as_ref(),
        _ => None,
    }
}

fn detail(app: &App, id: SubmissionId) -> storage::submissions::SubmissionRow {
    storage::submissions::by_id(app.store.conn(), id)
        .expect("q")
        .expect("row")
}

fn views(app: &App) -> Vec<(Option<String>, Option<String>)> {
    let mut rows = storage::audit::recent(app.store.conn(), 1000).expect("audit");
    rows.reverse();
    rows.into_iter()
        .filter(|r| r.entry.action == "submission.view")
        .map(|r| (r.entry.subject, r.entry.purpose))
        .collect()
}

#[test]
fn comment_is_saved_and_shown_and_an_empty_one_is_refused_with_the_text_kept() {
    let mut f = fixture("tanaka");
    open(&mut f, 0);
    press(&mut f.app, KeyCode::Char('m'));
    assert!(matches!(dialog(&f.app), Some(Dialog::Comment(_))));
    snap("detail_comment_dialog", &f.app);

    // Only spaces: refused in Japanese, the dialog and what was typed stay.
    type_text(&mut f.app, "  ");
    press(&mut f.app, KeyCode::Enter);
    let Some(Dialog::Comment(form)) = dialog(&f.app) else {
        panic!("the dialog closed: {:?}", f.app.flash);
    };
    assert_eq!(form.value("comment"), "  ");
    assert!(text(&f.app).contains("コメント: 入力してください"));
    snap("detail_comment_empty", &f.app);
    assert!(
        storage::review::comments(f.app.store.conn(), f.a)
            .expect("q")
            .is_empty()
    );

    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "代表者に電話で確認済み。来週再提出");
    press(&mut f.app, KeyCode::Enter);
    assert!(dialog(&f.app).is_none(), "{:?}", f.app.flash);
    assert_eq!(flash(&f.app), "コメントを保存しました。");
    let stored = storage::review::comments(f.app.store.conn(), f.a).expect("q");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].body.as_deref(),
        Some("代表者に電話で確認済み。来週再提出")
    );
    assert_eq!(stored[0].staff_name, "田中 花子");
    let t = text(&f.app);
    assert!(
        t.contains("2026-11-24 10:30 田中 花子: 代表者に電話で確認済み。来週再提出"),
        "{t}"
    );
    snap("detail_comment_saved", &f.app);
}

#[test]
fn hand_over_picker_lists_colleagues_who_may_review_and_confirms_before_it_hands_over() {
    let mut f = fixture("suzuki");
    open(&mut f, 0);
    press(&mut f.app, KeyCode::Char('h'));
    let Some(Dialog::HandOver(p)) = dialog(&f.app) else {
        panic!("no picker: {:?}", f.app.flash);
    };
    // Not the auditor, not the disabled clerk, not the admin; the signer is marked.
    let names: Vec<&str> = p.colleagues.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["suzuki", "tanaka", "yamada"]);
    let t = text(&f.app);
    assert!(t.contains("鈴木 一郎（自分）"), "{t}");
    assert!(!t.contains("佐藤") && !t.contains("木村"), "{t}");
    snap("detail_handover_picker", &f.app);

    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('j'));
    press(&mut f.app, KeyCode::Char('k'));
    press(&mut f.app, KeyCode::Char('j'));
    press(&mut f.app, KeyCode::Enter);
    let t = text(&f.app);
    assert!(t.contains("この案件を引き継ぎますか"), "{t}");
    assert!(t.contains("担当: - → 山田 太郎（yamada）"), "{t}");
    snap("detail_handover_confirm", &f.app);
    // No: back to the picker, nothing changed.
    press(&mut f.app, KeyCode::Char('n'));
    assert!(matches!(dialog(&f.app), Some(Dialog::HandOver(_))));
    assert_eq!(detail(&f.app, f.a).assigned_staff, None);

    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('y'));
    assert_eq!(
        detail(&f.app, f.a).assigned_staff,
        Some(id_of(&f.app, "yamada"))
    );
    assert!(dialog(&f.app).is_none());
    assert_eq!(
        flash(&f.app),
        format!("#{} 山田 太郎さんに引き継ぎました。", f.a)
    );
    let t = text(&f.app);
    assert!(t.contains("担当: 山田 太郎"), "{t}");
    // The one holding it now is not offered again.
    press(&mut f.app, KeyCode::Char('h'));
    let Some(Dialog::HandOver(p)) = dialog(&f.app) else {
        panic!("no picker");
    };
    assert!(p.colleagues.iter().all(|c| c.name != "yamada"));
    press(&mut f.app, KeyCode::Esc);
    assert!(dialog(&f.app).is_none());
    // The history says who handed it to whom, in words.
    for _ in 0..40 {
        press(&mut f.app, KeyCode::Char('j'));
    }
    let t = text(&f.app);
    assert!(t.contains("鈴木 一郎 引継ぎ（→ 山田 太郎）"), "{t}");
    // Scrolling stops at the end, so one step up shows one more line at the top at once.
    press(&mut f.app, KeyCode::Char('k'));
    let up = text(&f.app);
    assert_ne!(up, t);
    assert_eq!(up.lines().nth(3), t.lines().nth(2));
}

#[test]
fn hand_over_refusals_and_someone_acting_first_are_told_in_japanese() {
    let mut f = fixture("tanaka");
    let boss = Ctx {
        staff_id: id_of(&f.app, "suzuki"),
        staff_name: "suzuki".into(),
        terminal: "test".into(),
        now: madoguchi::clock::now(),
    };
    // Taken by the supervisor while the clerk reads it: a counter clerk may not hand it on.
    open(&mut f, 0);
    service::review::claim(&mut f.app.store, &boss, f.a, None).expect("claim");
    press(&mut f.app, KeyCode::Char('g'));
    press(&mut f.app, KeyCode::Char('h'));
    press(&mut f.app, KeyCode::Char('j')); // tanaka (自分), yamada
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('y'));
    assert_eq!(flash(&f.app), "担当者ではありません");
    assert_eq!(detail(&f.app, f.a).assigned_staff, Some(boss.staff_id));
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Esc);

    // The colleague is disabled between the list and the confirm (the queue now: b, c).
    open(&mut f, 0);
    press(&mut f.app, KeyCode::Char('h'));
    press(&mut f.app, KeyCode::Char('j'));
    press(&mut f.app, KeyCode::Char('j')); // tanaka, suzuki, yamada
    press(&mut f.app, KeyCode::Enter);
    let admin = f.admin.clone();
    service::staff::disable(&mut f.app.store, &admin, "yamada").expect("disable");
    press(&mut f.app, KeyCode::Char('y'));
    assert_eq!(flash(&f.app), "引き継ぎ先の職員は審査できません");
    assert_eq!(detail(&f.app, f.b).assigned_staff, None);
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Esc);

    // R-REV-5: the supervisor rejects it while the clerk chooses.
    open(&mut f, 1);
    press(&mut f.app, KeyCode::Char('h'));
    service::review::reject(
        &mut f.app.store,
        &Config::default(),
        &boss,
        f.c,
        "1",
        "",
        None,
    )
    .expect("reject");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('y'));
    let t = text(&f.app);
    assert!(t.contains("鈴木 一郎さんが先に処理しました"), "{t}");
    assert!(t.contains("不受理"), "{t}");
    assert_eq!(detail(&f.app, f.c).assigned_staff, None);
}

#[test]
fn follow_up_date_takes_full_width_digits_and_slashes_refuses_a_bad_date_and_clears() {
    let mut f = fixture("tanaka");
    open(&mut f, 0);
    assert!(text(&f.app).contains("フォロー日: -"));
    press(&mut f.app, KeyCode::Char('f'));
    type_text(&mut f.app, "２０２６／１２／１");
    press(&mut f.app, KeyCode::Enter);
    assert!(dialog(&f.app).is_none(), "{:?}", f.app.flash);
    assert_eq!(flash(&f.app), "フォロー日を設定しました: 2026-12-01");
    assert_eq!(
        detail(&f.app, f.a).follow_up_date.as_deref(),
        Some("2026-12-01")
    );
    assert!(text(&f.app).contains("フォロー日: 2026-12-01"));

    // The date set is there to change; a date that does not exist is refused, input kept.
    press(&mut f.app, KeyCode::Char('f'));
    let Some(Dialog::FollowUp(form)) = dialog(&f.app) else {
        panic!("no dialog");
    };
    assert_eq!(form.value("follow_up"), "2026-12-01");
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2026-13-01");
    press(&mut f.app, KeyCode::Enter);
    let Some(Dialog::FollowUp(form)) = dialog(&f.app) else {
        panic!("the dialog closed");
    };
    assert_eq!(form.value("follow_up"), "2026-13-01");
    let t = text(&f.app);
    assert!(
        t.contains("フォロー日: その日はありません（月と日を確かめてください）"),
        "{t}"
    );
    snap("detail_follow_up_error", &f.app);
    assert_eq!(
        detail(&f.app, f.a).follow_up_date.as_deref(),
        Some("2026-12-01")
    );

    // Empty clears it.
    ctrl(&mut f.app, 'u');
    press(&mut f.app, KeyCode::Enter);
    assert!(dialog(&f.app).is_none(), "{:?}", f.app.flash);
    assert_eq!(flash(&f.app), "フォロー日を解除しました。");
    assert_eq!(detail(&f.app, f.a).follow_up_date, None);
    assert!(text(&f.app).contains("フォロー日: -"));
    for _ in 0..40 {
        press(&mut f.app, KeyCode::Char('j'));
    }
    let t = text(&f.app);
    assert!(t.contains("田中 花子 フォロー日（2026-12-01）"), "{t}");
    assert!(t.contains("田中 花子 フォロー日（解除）"), "{t}");

    // 和暦 too (issue 15 item 8): the one date parser.
    press(&mut f.app, KeyCode::Char('f'));
    type_text(&mut f.app, "R8.12.10");
    press(&mut f.app, KeyCode::Enter);
    assert!(dialog(&f.app).is_none(), "{:?}", f.app.flash);
    assert_eq!(
        detail(&f.app, f.a).follow_up_date.as_deref(),
        Some("2026-12-10")
    );
}

#[test]
fn findings_read_as_japanese_messages_in_their_severity_colour() {
    let mut f = fixture("tanaka");
    open(&mut f, 0);
    let t = text(&f.app);
    let error = "[エラー] 電話番号: 10桁または11桁の数字で入力してください";
    // 79 columns: the closing bracket goes to the next row, never over the border.
    let warning = "[警告] 事業所名（カナ）: 全角カタカナで入力してください（「・」は使えません";
    assert!(t.contains(error), "{t}");
    assert!(t.contains(&format!("{warning} │\n│    ）")), "{t}");
    for row in t.lines().skip(2).take(19) {
        assert!(row.ends_with('│'), "{row}");
    }
    assert!(t.contains("[警告] 電話番号: phone_mobile"), "{t}");
    snap("detail_findings", &f.app);

    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    term.draw(|fr| madoguchi::ui::draw(fr, &f.app))
        .expect("draw");
    let buf = term.backend().buffer();
    let colour_of = |needle: &str| {
        let y = t
            .lines()
            .position(|l| l.contains(needle))
            .expect("line shown");
        // Column 3 is inside the message ("│  [" puts "[" at 3).
        buf[(3, u16::try_from(y).expect("row"))].fg
    };
    assert_eq!(
        colour_of(error),
        madoguchi::ui::theme::error().fg.expect("red")
    );
    assert_eq!(
        colour_of(warning),
        madoguchi::ui::theme::warning().fg.expect("orange")
    );
}

#[test]
fn purpose_is_asked_once_per_customer_and_goes_into_the_audit_row_of_the_view() {
    let mut f = fixture("suzuki");
    open_line(&mut f, 0);
    let Screen::Purpose(ask) = &f.app.screen else {
        panic!("no purpose prompt: {:?}", f.app.flash);
    };
    // Preselected for a supervisor clearing the queue.
    let chosen = ask.form.get("purpose").expect("field").choice_code();
    assert_eq!(chosen, "本登録審査");
    assert!(
        views(&f.app).is_empty(),
        "nothing is viewed before the purpose"
    );
    snap("detail_purpose_prompt", &f.app);

    // 問合せ対応 instead.
    press(&mut f.app, KeyCode::Right);
    press(&mut f.app, KeyCode::Enter);
    assert!(
        matches!(f.app.screen, Screen::Detail(_)),
        "{:?}",
        f.app.flash
    );
    let a = format!("submission:{}", f.a);
    assert_eq!(
        views(&f.app),
        [(Some(a.clone()), Some("問合せ対応".into()))]
    );

    // The same customer's other submission: not asked again, the same purpose recorded.
    press(&mut f.app, KeyCode::Esc);
    assert!(matches!(f.app.screen, Screen::Queue(_)));
    open_line(&mut f, 1);
    assert!(
        matches!(f.app.screen, Screen::Detail(_)),
        "{:?}",
        f.app.flash
    );
    let b = format!("submission:{}", f.b);
    assert_eq!(
        views(&f.app).last(),
        Some(&(Some(b), Some("問合せ対応".into())))
    );

    // Another customer: asked; Esc goes back without a view.
    press(&mut f.app, KeyCode::Esc);
    open_line(&mut f, 2);
    assert!(matches!(f.app.screen, Screen::Purpose(_)));
    press(&mut f.app, KeyCode::Esc);
    assert!(matches!(f.app.screen, Screen::Queue(_)));
    assert_eq!(views(&f.app).len(), 2);

    // その他 needs its text: empty is refused on the field, then the text is recorded.
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Left);
    press(&mut f.app, KeyCode::Left); // 本登録審査 → ID照会 → その他
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    assert!(matches!(f.app.screen, Screen::Purpose(_)));
    assert!(text(&f.app).contains("その他の目的: 入力してください"));
    type_text(&mut f.app, "苦情の事実確認");
    press(&mut f.app, KeyCode::Enter);
    assert!(
        matches!(f.app.screen, Screen::Detail(_)),
        "{:?}",
        f.app.flash
    );
    let c = format!("submission:{}", f.c);
    assert_eq!(
        views(&f.app).last(),
        Some(&(Some(c), Some("苦情の事実確認".into())))
    );
    // Back from the detail returns to the queue, not to the prompt.
    press(&mut f.app, KeyCode::Esc);
    assert!(matches!(f.app.screen, Screen::Queue(_)));
}

#[test]
fn return_reason_form_moves_with_tab_and_enter_to_the_free_text_and_confirms() {
    let mut f = fixture("tanaka");
    open(&mut f, 2);
    press(&mut f.app, KeyCode::Char('r'));
    type_text(&mut f.app, "2");
    // Enter on the reason goes to the free text (it did nothing before).
    press(&mut f.app, KeyCode::Enter);
    let Some(Dialog::Reason(false, form)) = dialog(&f.app) else {
        panic!("no reason form");
    };
    assert_eq!(form.focused().map(|x| x.id), Some("text"));
    type_text(&mut f.app, "賃金の記載を確認");
    press(&mut f.app, KeyCode::BackTab);
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Enter);
    let t = text(&f.app);
    assert!(t.contains("差戻しますか"), "{t}");
    assert!(t.contains("補足: 賃金の記載を確認"), "{t}");
    press(&mut f.app, KeyCode::Char('y'));
    assert_eq!(
        detail(&f.app, f.c).state,
        madoguchi::domain::submission::SubmissionState::Returned
    );
}
