//! Screen tests: the real App on a real database file, drawn on ratatui's `TestBackend`, at
//! 80×24 and 120×40, with Japanese names. Snapshots live in tests/e2e/snapshots/.

use crossterm::event::KeyCode;
use madoguchi::app::{App, Screen};
use madoguchi::domain::ids::StaffId;
use madoguchi::service::{self, Ctx};
use madoguchi::storage::Store;

use crate::common;
use crate::screens_support::{
    account_views, add_supervisor, ctrl, fixture, help_rows_at, open_calendar_as_admin,
    open_register, press, registered, render, screen_text, search_account, shown_account, sign_in,
    t0, type_text,
};

use common::{ADMIN_PW, CLERK_PW};

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_80x24"), render(app, 80, 24).backend());
    insta::assert_snapshot!(format!("{name}_120x40"), render(app, 120, 40).backend());
}

#[test]
fn sign_in_screen() {
    let f = fixture();
    snap("signin", &f.app);
}

#[test]
fn r_auth_2_wrong_password_says_only_id_or_password_wrong() {
    let mut f = fixture();
    sign_in(&mut f.app, "tanaka", "not-the-password");
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("IDまたはパスワードが違います"), "{text}");
    assert!(matches!(f.app.screen, Screen::SignIn(_)));
    snap("signin_failed", &f.app);
    let mut g = fixture();
    sign_in(&mut g.app, "nobody", "whatever-password");
    assert!(
        screen_text(&g.app, 80, 24).contains("IDまたはパスワードが違います"),
        "unknown ID: same message"
    );
}

#[test]
fn home_for_counter_clerk() {
    let mut f = fixture();
    sign_in(&mut f.app, "tanaka", CLERK_PW);
    assert!(matches!(f.app.screen, Screen::Home(_)), "{:?}", f.app.flash);
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("田中 花子"), "{text}");
    assert!(text.contains("窓口登録"));
    assert!(
        !text.contains("職員管理"),
        "a counter clerk does not manage staff"
    );
    snap("home_counter", &f.app);
}

#[test]
fn r_reg_2_registration_errors_keep_what_was_typed() {
    let mut f = fixture();
    open_register(&mut f);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "tanaka@@example.co.jp");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "tanaka@example.co.jp");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "1301-99999");
    ctrl(&mut f.app, 's');
    let text = screen_text(&f.app, 80, 24);
    assert!(
        text.contains("tanaka@@example.co.jp"),
        "typed value kept: {text}"
    );
    assert!(text.contains("1301-99999"));
    let Screen::Register(r) = &f.app.screen else {
        panic!("still on the form")
    };
    assert!(r.result.is_none());
    assert!(r.form.has_errors());
    snap("register_errors", &f.app);
}

#[test]
fn r_reg_4_registration_shows_result_panel_without_a_key_and_the_guidance_mail() {
    let mut f = fixture();
    open_register(&mut f);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "saiyou@yamada-kensetsu.co.jp");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "saiyou@yamada-kensetsu.co.jp");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "１３０１－９９９９９９－９");
    press(&mut f.app, KeyCode::Enter);
    // Not registered in this database: said, and confirmed (issue 15 item 14).
    let text = screen_text(&f.app, 80, 24);
    // The dialog wraps by display width, so the words may run over two rows.
    assert!(text.contains("されていません"), "{text}");
    assert!(text.contains("Y  はい"), "{text}");
    press(&mut f.app, KeyCode::Char('y'));
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("登録しました"), "{text}");
    // R-REG-4: no key at the counter; the customer asks for it online (R-KEY-0).
    assert!(text.contains("お客様のパスワード登録待ち"), "{text}");
    assert!(!text.contains("認証キー有効期限"), "{text}");
    assert!(text.contains("メールアドレス登録のお知らせ"), "{text}");
    snap("register_result", &f.app);
    // Enter opens the account screen with the queued mail.
    press(&mut f.app, KeyCode::Enter);
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("お客様のパスワード登録待ち"), "{text}");
    assert!(text.contains("窓口でメールアドレス登録"), "R-REG-6: {text}");
    assert!(text.contains("送信待ち"), "{text}");
    snap("account_after_register", &f.app);
}

#[test]
fn r_reg_3_free_mail_warning_is_confirmed_then_registered() {
    let mut f = fixture();
    open_register(&mut f);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "yamada.hanako@gmail.com");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "yamada.hanako@gmail.com");
    ctrl(&mut f.app, 's');
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("このまま登録しますか"), "{text}");
    snap("register_warning_confirm", &f.app);
    press(&mut f.app, KeyCode::Char('y'));
    let Screen::Register(r) = &f.app.screen else {
        panic!("register")
    };
    assert!(r.result.is_some(), "accepted warning registers");
}

#[test]
fn seeker_form_with_japanese_name() {
    let mut f = fixture();
    open_register(&mut f);
    press(&mut f.app, KeyCode::Right);
    for s in [
        "suzuki.ichiro@example.jp",
        "suzuki.ichiro@example.jp",
        "1980-05-05",
        "鈴木 一郎",
        "すずき いちろう",
        "13010-1234567",
    ] {
        press(&mut f.app, KeyCode::Tab);
        type_text(&mut f.app, s);
    }
    ctrl(&mut f.app, 's');
    let text = screen_text(&f.app, 80, 24);
    // 12 digits: the job-seeker number is refused, the kana is accepted after conversion.
    assert!(text.contains("鈴木 一郎"), "{text}");
    snap("register_seeker_error", &f.app);
}

#[test]
fn account_screen_not_found_and_found() {
    let mut f = fixture();
    sign_in(&mut f.app, "tanaka", CLERK_PW);
    press(&mut f.app, KeyCode::Char('2'));
    type_text(&mut f.app, "nobody@example.jp");
    press(&mut f.app, KeyCode::Enter);
    // R-ID-5: an email without an account is asked the purpose too (the prompt tells nothing).
    assert!(matches!(f.app.screen, Screen::Purpose(_)));
    press(&mut f.app, KeyCode::Enter);
    assert!(screen_text(&f.app, 80, 24).contains("アカウントはありません"));
    snap("account_not_found", &f.app);
    assert_eq!(
        account_views(&f.app),
        [(
            Some("email:no****@ex*****.jp".into()),
            Some("問合せ対応".into()),
            "not_found".into()
        )]
    );
}

#[test]
fn r_id_5_account_screen_asks_the_purpose_once_per_customer_and_audits_it() {
    let mut f = fixture();
    let a = registered(&mut f, "saiyou@yamada-kensetsu.co.jp");
    let b = registered(&mut f, "jinji@midori-kaigo.co.jp");
    sign_in(&mut f.app, "tanaka", CLERK_PW);
    press(&mut f.app, KeyCode::Char('2'));
    type_text(&mut f.app, "saiyou@yamada-kensetsu.co.jp");
    press(&mut f.app, KeyCode::Enter);
    let Screen::Purpose(ask) = &f.app.screen else {
        panic!("no purpose prompt: {:?}", f.app.screen);
    };
    // Preselected: a clerk at the account screen most likely answers the customer's question.
    assert_eq!(
        ask.form.get("purpose").expect("field").choice_code(),
        "問合せ対応"
    );
    let text = screen_text(&f.app, 80, 24);
    assert!(
        !text.contains("パスワード登録待ち"),
        "nothing shown yet: {text}"
    );
    assert!(account_views(&f.app).is_empty(), "nothing viewed yet");
    insta::assert_snapshot!(
        "account_purpose_prompt_80x24",
        render(&f.app, 80, 24).backend()
    );

    // ID照会 (two to the left), one Enter: the account, audited with it.
    press(&mut f.app, KeyCode::Left);
    press(&mut f.app, KeyCode::Left);
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(shown_account(&f.app), Some(a), "{:?}", f.app.flash);
    assert!(screen_text(&f.app, 80, 24).contains("パスワード登録待ち"));
    let seen_a = (
        Some(format!("account:{a}")),
        Some("ID照会".into()),
        "ok".to_string(),
    );
    assert_eq!(account_views(&f.app), std::slice::from_ref(&seen_a));

    // The same customer again: not asked, the same purpose recorded.
    search_account(&mut f.app, "saiyou@Yamada-Kensetsu.CO.JP");
    assert!(matches!(f.app.screen, Screen::Account(_)), "asked again");
    assert_eq!(account_views(&f.app), [seen_a.clone(), seen_a.clone()]);

    // Another customer: asked; Esc goes back without showing or logging anything.
    search_account(&mut f.app, "jinji@midori-kaigo.co.jp");
    assert!(matches!(f.app.screen, Screen::Purpose(_)));
    press(&mut f.app, KeyCode::Esc);
    assert!(matches!(f.app.screen, Screen::Account(_)));
    assert_ne!(shown_account(&f.app), Some(b));
    // Nor the previous customer under the newly typed address.
    assert_eq!(shown_account(&f.app), None);
    let text = screen_text(&f.app, 80, 24);
    assert!(
        !text.contains("saiyou@"),
        "previous customer still shown: {text}"
    );
    assert_eq!(account_views(&f.app).len(), 2);
    // Asked again after Esc; Enter takes 問合せ対応.
    press(&mut f.app, KeyCode::Enter);
    assert!(matches!(f.app.screen, Screen::Purpose(_)));
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(shown_account(&f.app), Some(b), "{:?}", f.app.flash);
    assert_eq!(
        account_views(&f.app).last(),
        Some(&(
            Some(format!("account:{b}")),
            Some("問合せ対応".into()),
            "ok".to_string()
        ))
    );
    // The first customer still keeps theirs.
    search_account(&mut f.app, "saiyou@yamada-kensetsu.co.jp");
    assert_eq!(account_views(&f.app).last(), Some(&seen_a));
}

#[test]
fn r_id_5_account_screen_after_a_registration_is_not_asked_and_keeps_its_purpose() {
    let mut f = fixture();
    open_register(&mut f);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "saiyou@yamada-kensetsu.co.jp");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "saiyou@yamada-kensetsu.co.jp");
    ctrl(&mut f.app, 's');
    press(&mut f.app, KeyCode::Enter);
    // Straight to the account: the registration is the purpose, and its audit row says so.
    let Some(id) = shown_account(&f.app) else {
        panic!("not on the account: {:?}", f.app.screen);
    };
    let rows = madoguchi::storage::audit::recent(f.app.store.conn(), 1000).expect("audit");
    let reg = rows
        .iter()
        .find(|r| r.entry.action == "account.register")
        .expect("register row");
    assert_eq!(reg.entry.subject, Some(format!("account:{id}")));
    assert_eq!(reg.entry.purpose.as_deref(), Some("窓口登録"));
    assert!(account_views(&f.app).is_empty());
    // Looked up again this session: not asked, recorded with the registration's purpose.
    search_account(&mut f.app, "saiyou@yamada-kensetsu.co.jp");
    assert!(matches!(f.app.screen, Screen::Account(_)), "asked");
    assert_eq!(
        account_views(&f.app),
        [(
            Some(format!("account:{id}")),
            Some("窓口登録".into()),
            "ok".to_string()
        )]
    );
}

#[test]
fn too_small_asks_to_enlarge() {
    let f = fixture();
    let text = screen_text(&f.app, 60, 20);
    assert!(text.contains("画面を広げてください"), "{text}");
}

#[test]
fn help_overlay_lists_every_key_of_the_screen() {
    let mut f = fixture();
    open_register(&mut f);
    press(&mut f.app, KeyCode::F(1));
    let text = screen_text(&f.app, 120, 40);
    for k in ["^S", "Esc", "F12", "Tab"] {
        assert!(text.contains(k), "{k} missing: {text}");
    }
    snap("help_register", &f.app);
}

#[test]
fn r_auth_3_idle_lock_keeps_the_half_filled_form() {
    let mut f = fixture();
    open_register(&mut f);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "half@filled.example.jp");
    let later = std::time::Instant::now() + std::time::Duration::from_secs(15 * 60 + 1);
    assert!(f.app.on_tick(later));
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("画面ロック中"), "{text}");
    assert!(
        !text.contains("half@filled"),
        "personal data hidden while locked"
    );
    snap("locked", &f.app);
    type_text(&mut f.app, "wrong-password!!");
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.lock.is_some());
    type_text(&mut f.app, CLERK_PW);
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.lock.is_none());
    assert!(
        screen_text(&f.app, 80, 24).contains("half@filled.example.jp"),
        "form survived the lock"
    );
}

#[test]
fn r_auth_3_disabled_staff_is_signed_out_of_an_open_session() {
    let mut f = fixture();
    sign_in(&mut f.app, "tanaka", CLERK_PW);
    let dir = f.dir.path().join("m.db");
    let mut other = Store::open(&dir).expect("second connection");
    let ctx = Ctx {
        staff_id: StaffId(1),
        staff_name: "admin".into(),
        terminal: "t2".into(),
        now: t0(),
    };
    service::staff::disable(&mut other, &ctx, "tanaka").expect("disable");
    f.app.on_tick(std::time::Instant::now());
    assert!(matches!(f.app.screen, Screen::SignIn(_)));
    assert!(screen_text(&f.app, 80, 24).contains("無効化されました"));
}

#[test]
fn admin_sees_staff_screen() {
    let mut f = fixture();
    sign_in(&mut f.app, "admin", ADMIN_PW);
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("職員管理"), "{text}");
    press(&mut f.app, KeyCode::Char('1'));
    assert!(matches!(f.app.screen, Screen::Staff(_)));
    snap("staff_list", &f.app);
}

#[test]
fn r_mail_7_mail_queue_shows_counts_and_acts_after_confirm() {
    let mut f = fixture();
    open_register(&mut f);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "saiyou@yamada-kensetsu.co.jp");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "saiyou@yamada-kensetsu.co.jp");
    ctrl(&mut f.app, 's');
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('5'));
    assert!(
        matches!(f.app.screen, Screen::MailQueue(_)),
        "{:?}",
        f.app.screen
    );
    let text = screen_text(&f.app, 100, 30);
    assert!(text.contains("送信待ち 1"), "{text}");
    assert!(text.contains("saiyou@yamada-kensetsu"), "{text}");
    snap("mail_queue", &f.app);
    press(&mut f.app, KeyCode::Char('h'));
    assert!(screen_text(&f.app, 100, 30).contains("保留にしますか"));
    press(&mut f.app, KeyCode::Char('y'));
    let text = screen_text(&f.app, 100, 30);
    assert!(text.contains("保留 1"), "{text}");
}

#[test]
fn r_dl_2_calendar_lists_holidays_year_end_and_warns_without_official_data() {
    let mut f = fixture();
    open_calendar_as_admin(&mut f);
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("2026年"), "{text}");
    assert!(text.contains("元日"), "{text}");
    assert!(text.contains("年末年始"), "{text}");
    assert!(text.contains("閉庁日追加"), "admin hint: {text}");
    assert!(!text.contains("公式データがありません"), "{text}");
    snap("calendar_admin", &f.app);
    press(&mut f.app, KeyCode::Char('n'));
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("2027年"), "{text}");
    assert!(text.contains("公式データがありません"), "{text}");
    snap("calendar_no_official_data", &f.app);
    press(&mut f.app, KeyCode::Char('p'));
    assert!(screen_text(&f.app, 80, 24).contains("2026年"));
}

#[test]
fn r_dl_2_admin_adds_and_removes_an_office_closure() {
    let mut f = fixture();
    open_calendar_as_admin(&mut f);
    press(&mut f.app, KeyCode::Char('a'));
    assert!(matches!(f.app.screen, Screen::CalendarAdd(_)));
    // Bad date, no reason: both fields red, what was typed stays.
    type_text(&mut f.app, "2026-13-01");
    ctrl(&mut f.app, 's');
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("2026-13-01"), "{text}");
    assert!(text.contains("その日はありません"), "{text}");
    assert!(text.contains("入力してください"), "{text}");
    snap("calendar_add_errors", &f.app);
    // The focus went to the first red field (the date): fix both and submit.
    ctrl(&mut f.app, 'u');
    // 和暦 and full-width are read too (issue 15 item 8): 令和8年 is 2026.
    type_text(&mut f.app, "令和８年１２月１日");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "庁舎点検");
    ctrl(&mut f.app, 's');
    assert!(
        matches!(f.app.screen, Screen::Calendar(_)),
        "{:?}",
        f.app.flash
    );
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("閉庁日を追加しました"), "{text}");
    assert!(text.contains("庁舎点検"), "{text}");
    // The same date again: a field error, not a crash.
    press(&mut f.app, KeyCode::Char('a'));
    type_text(&mut f.app, "2026-12-01");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "重複");
    ctrl(&mut f.app, 's');
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("すでに閉庁日"), "{text}");
    press(&mut f.app, KeyCode::Esc);
    // The cursor is on the new closure: remove after the confirm step.
    press(&mut f.app, KeyCode::Char('d'));
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("この閉庁日を削除しますか"), "{text}");
    snap("calendar_remove_confirm", &f.app);
    press(&mut f.app, KeyCode::Char('y'));
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("閉庁日を削除しました"), "{text}");
    assert!(!text.contains("庁舎点検"), "{text}");
    // A holiday cannot be removed.
    press(&mut f.app, KeyCode::Up);
    press(&mut f.app, KeyCode::Char('d'));
    assert!(f.app.overlay.is_none());
    assert!(screen_text(&f.app, 80, 24).contains("削除できるのは庁舎閉庁日だけです"));
    let audit = madoguchi::storage::audit::recent(f.app.store.conn(), 5).expect("audit");
    let actions: Vec<&str> = audit.iter().map(|a| a.entry.action.as_str()).collect();
    assert!(actions.contains(&"calendar.add"), "{actions:?}");
    assert!(actions.contains(&"calendar.remove"), "{actions:?}");
}

#[test]
fn r_dl_2_supervisor_sees_the_calendar_read_only() {
    let mut f = fixture();
    add_supervisor(&mut f);
    sign_in(&mut f.app, "suzuki", CLERK_PW);
    let n = madoguchi::app::home::items(&f.app)
        .iter()
        .position(|i| *i == madoguchi::app::home::MenuItem::Calendar)
        .expect("calendar in the supervisor's menu");
    for _ in 0..n {
        press(&mut f.app, KeyCode::Down);
    }
    press(&mut f.app, KeyCode::Enter);
    assert!(
        matches!(f.app.screen, Screen::Calendar(_)),
        "{:?}",
        f.app.screen
    );
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("閲覧のみ"), "{text}");
    assert!(!text.contains("閉庁日追加"), "{text}");
    snap("calendar_readonly", &f.app);
    press(&mut f.app, KeyCode::Char('a'));
    assert!(matches!(f.app.screen, Screen::Calendar(_)));
    press(&mut f.app, KeyCode::Char('d'));
    assert!(f.app.overlay.is_none());
}

#[test]
fn counter_clerk_has_no_calendar() {
    let mut f = fixture();
    sign_in(&mut f.app, "tanaka", CLERK_PW);
    assert!(!screen_text(&f.app, 80, 24).contains("閉庁日カレンダー"));
}

/// Issue 15 item 11: at 80×24 the help says that it scrolls, stops at its last page (so ↑
/// answers at once), wraps by display width without starting a row with 「。」「、」, and lists
/// the editing keys only on a screen with a field to type in.
#[test]
fn help_at_80x24_marks_that_it_scrolls_wraps_by_width_and_lists_only_the_screens_keys() {
    let mut f = fixture();
    f.app.viewport = Some((80, 24));
    open_register(&mut f);
    press(&mut f.app, KeyCode::F(1));
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("↓ 続きあり（j/k, PgDn）"), "{text}");
    snap("help_register_top", &f.app);
    for _ in 0..20 {
        press(&mut f.app, KeyCode::PageDown);
    }
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("↑ 上に続きあり"), "{text}");
    assert!(
        text.contains("入力欄の操作"),
        "a form lists the editing keys: {text}"
    );
    // One ↑ after the end moves at once: the scroll stopped at the last page.
    press(&mut f.app, KeyCode::Up);
    assert!(
        screen_text(&f.app, 80, 24).contains("↓ 続きあり"),
        "scroll ran past the end"
    );
    for row in help_rows_at(&f.app) {
        let inside = row.trim_start_matches(['│', ' ']);
        assert!(
            !inside.starts_with(['。', '、', '）', '」']),
            "a row starts with punctuation: {row}"
        );
    }
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Esc);

    // The menu has no field: no editing keys, and its keys only.
    assert!(
        matches!(f.app.screen, Screen::Home(_)),
        "{:?}",
        f.app.screen
    );
    press(&mut f.app, KeyCode::Char('?'));
    let mut all = String::new();
    for _ in 0..5 {
        all.push_str(&screen_text(&f.app, 80, 24));
        press(&mut f.app, KeyCode::PageDown);
    }
    assert!(!all.contains("入力欄の操作"), "{all}");
    assert!(!all.contains("^S"), "no form keys on the menu: {all}");
    snap("help_home", &f.app);
}
