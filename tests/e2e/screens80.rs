//! Issue 15 item 5: every screen and dialog a clerk, supervisor and admin reach, drawn at 80×24
//! with the longest real values (long Japanese names, 100-character addresses, every error
//! message), and nothing that matters cut: each dialog keeps its answer line, each error
//! message and note is there in full when wrapped, the header keeps 送信エラー.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use madoguchi::domain::staff::Role;
use madoguchi::service;

use crate::common;

use common::screen::screen_text;

const PW: &str = "madoguchi-long-name-pw";
/// The longest display name the staff form takes, in kanji.
const LONG_NAME: &str = "勅使河原 左衛門三郎太郎兵衛";

fn t0() -> DateTime<Utc> {
    clock::parse_rfc3339(common::NOW).expect("time")
}

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
}

/// The office with the usual staff and three more under long Japanese names.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::office_builder(true)
        .staff("teshigawara", LONG_NAME, &[Role::Counter], PW)
        .staff("teshigawara.s", LONG_NAME, &[Role::Supervisor], PW)
        .staff("teshigawara.a", LONG_NAME, &[Role::Admin], PW)
        .build_at(&dir.path().join("m.db"))
        .store;
    let app = App::with_clock(
        store,
        Config::default(),
        "pts/1".into(),
        None,
        Clock::Fixed(t0()),
    )
    .expect("app");
    Fixture { _dir: dir, app }
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

fn sign_in(app: &mut App, name: &str) {
    type_text(app, name);
    press(app, KeyCode::Tab);
    type_text(app, PW);
    press(app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Home(_)), "{:?}", app.screen);
}

/// The rows without borders and spaces.
fn rows(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_whitespace() && !"│┌┐└┘─".contains(*c))
                .collect()
        })
        .collect()
}

/// The pieces `want` is shown in, row by row (see [`shown_whole`]); empty when not whole.
fn pieces(text: &str, want: &str) -> Vec<String> {
    let want: Vec<char> = want.chars().filter(|c| !c.is_whitespace()).collect();
    let rows = rows(text);
    let piece_len = |row: &str, from: usize| {
        (1..=want.len() - from)
            .rev()
            .find(|k| row.contains(&want[from..from + k].iter().collect::<String>()))
            .unwrap_or(0)
    };
    for start in 0..rows.len() {
        let mut done = 0;
        let mut out = Vec::new();
        for row in &rows[start..] {
            let k = piece_len(row, done);
            if k == 0 || (done == 0 && k < want.len().min(4)) {
                break;
            }
            out.push(want[done..done + k].iter().collect());
            done += k;
            if done == want.len() {
                return out;
            }
        }
    }
    Vec::new()
}

/// Whether `want` is on screen in full, on one row or wrapped over consecutive rows (each row
/// holding the next piece of it).
fn shown_whole(text: &str, want: &str) -> bool {
    let want: Vec<char> = want.chars().filter(|c| !c.is_whitespace()).collect();
    let rows = rows(text);
    let piece_len = |row: &str, from: usize| {
        (1..=want.len() - from)
            .rev()
            .find(|k| row.contains(&want[from..from + k].iter().collect::<String>()))
            .unwrap_or(0)
    };
    for start in 0..rows.len() {
        let mut done = 0;
        for row in &rows[start..] {
            let k = piece_len(row, done);
            if k == 0 || (done == 0 && k < want.len().min(4)) {
                break;
            }
            done += k;
            if done == want.len() {
                return true;
            }
        }
    }
    false
}

fn assert_whole(what: &str, text: &str, want: &str) {
    assert!(
        shown_whole(text, want),
        "{what}: 「{want}」 not shown whole at 80×24:\n{text}"
    );
}

fn screen(app: &App) -> String {
    screen_text(app, 80, 24)
}

fn issue_text(field: &'static str, code: &'static str, param: Option<&str>) -> String {
    let mut i = service::FieldIssue::error(field, code);
    i.param = param.map(str::to_string);
    madoguchi::i18n::cli::issue_message(madoguchi::i18n::Lang::Ja, &i)
}

/// Sets an issue on a field of the form on screen and redraws: every message the rules can
/// give is shown whole under its field.
fn with_issue(app: &mut App, field: &'static str, text: String, warning: bool) -> String {
    let sev = if warning {
        service::Severity::Warning
    } else {
        service::Severity::Error
    };
    let mut i = service::FieldIssue::error(field, "x");
    i.severity = sev;
    let form = match &mut app.screen {
        Screen::Register(r) => &mut r.form,
        Screen::ChangePassword(c) => &mut c.form,
        Screen::StaffAdd(s) => &mut s.form,
        other => panic!("no form: {other:?}"),
    };
    form.set_issues(vec![(i, text)]);
    screen(app)
}

#[test]
fn every_form_message_is_shown_whole_at_80x24() {
    let mut f = fixture();
    sign_in(&mut f.app, "teshigawara");
    press(&mut f.app, KeyCode::Char('1'));
    assert!(matches!(f.app.screen, Screen::Register(_)));
    // Employer: the establishment number's example, the full-width and free-mail warnings.
    let long_fw = format!("{}＠example.co.jp", "ｙａｍａｄａ".repeat(14));
    let cases_employer: Vec<(&'static str, String, bool)> = vec![
        (
            "establishment_number",
            issue_text("establishment_number", "format", None),
            false,
        ),
        (
            "establishment_number",
            issue_text("establishment_number", "check_digit", None),
            false,
        ),
        (
            "establishment_number",
            issue_text(
                "establishment_number",
                "establishment_unknown",
                Some("1301-999999-9"),
            ),
            true,
        ),
        (
            "email",
            issue_text("email", "full_width", Some(&long_fw.to_lowercase())),
            true,
        ),
        ("email", issue_text("email", "local_part_dots", None), false),
        ("email", issue_text("email", "local_part", None), false),
        (
            "email",
            issue_text("email", "email_free_mail", Some("gmail.com")),
            true,
        ),
    ];
    for (field, text, warning) in &cases_employer {
        let s = with_issue(&mut f.app, field, text.clone(), *warning);
        assert_whole(field, &s, text);
    }
    // Seeker: 生年月日 and 求職番号 examples, kana.
    if let Screen::Register(r) = &mut f.app.screen {
        r.form.focus = 0;
    }
    press(&mut f.app, KeyCode::Right);
    let cases_seeker: Vec<(&'static str, String)> = vec![
        ("birth_date", issue_text("birth_date", "date_format", None)),
        (
            "birth_date",
            issue_text("birth_date", "birth_date_range", None),
        ),
        ("seeker_number", issue_text("seeker_number", "format", None)),
        ("name_kana", issue_text("name_kana", "not_kana", None)),
    ];
    for (field, text) in &cases_seeker {
        let s = with_issue(&mut f.app, field, text.clone(), false);
        assert_whole(field, &s, text);
    }
    // Every hint of the focused field, too.
    for id in [
        "email",
        "email_confirm",
        "birth_date",
        "name",
        "name_kana",
        "seeker_number",
    ] {
        if let Screen::Register(r) = &mut f.app.screen {
            r.form.clear_issues();
            r.form.focus_id(id);
            let hint = r.form.focused().and_then(|x| x.hint).expect("hint");
            let text = screen(&f.app);
            assert_whole(id, &text, hint.text(madoguchi::i18n::Lang::Ja));
        }
    }
}

#[test]
fn the_common_password_message_is_shown_whole() {
    let mut f = fixture();
    sign_in(&mut f.app, "teshigawara");
    // The change-password screen is the last menu item.
    let items = madoguchi::app::home::items(&f.app).len();
    let digit = char::from_digit(u32::try_from(items).expect("n"), 10).expect("digit");
    press(&mut f.app, KeyCode::Char(digit));
    assert!(
        matches!(f.app.screen, Screen::ChangePassword(_)),
        "{:?}",
        f.app.screen
    );
    type_text(&mut f.app, PW);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "password1234");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "password1234");
    ctrl(&mut f.app, 's');
    let text = screen(&f.app);
    assert_whole("common", &text, &issue_text("new", "common", None));
    for code in ["too_short", "same_as_name", "password_mismatch"] {
        let t = issue_text("new", code, None);
        let s = with_issue(&mut f.app, "new", t.clone(), false);
        assert_whole(code, &s, &t);
    }
}

/// The full-width address warning: a 100-character address, the dialog wraps it and keeps
/// 「Y はい N いいえ」.
#[test]
fn the_full_width_address_dialog_keeps_its_answer_line() {
    let mut f = fixture();
    sign_in(&mut f.app, "teshigawara");
    press(&mut f.app, KeyCode::Char('1'));
    // 64 characters before the ＠ (the most an address may have), 100 in all.
    let local: String = "ｓａｉｙｏｕ．ｔａｎｔｏｕ．"
        .repeat(5)
        .chars()
        .take(63)
        .chain(std::iter::once('ａ'))
        .collect();
    let addr =
        format!("{local}＠ｙａｍａｄａ－ｋｅｎｓｅｔｓｕ－ｋｏｇｙｏ．ｅｘａｍｐｌｅ．ｃｏ．ｊｐ");
    assert_eq!(addr.chars().count(), 100);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, &addr);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, &addr);
    ctrl(&mut f.app, 's');
    let text = screen(&f.app);
    assert!(
        matches!(f.app.overlay, Some(madoguchi::app::Overlay::Confirm { .. })),
        "the warnings are confirmed: {text}"
    );
    assert!(
        text.contains("Y  はい") && text.contains("N  いいえ"),
        "{text}"
    );
    if let Some(madoguchi::app::Overlay::Confirm { title, lines, .. }) = &f.app.overlay {
        assert_whole("title", &text, title);
        for l in lines {
            assert_whole("line", &text, l);
        }
    }
    // The address (as converted to half-width) breaks at its dots, hyphens or before the @,
    // never inside a name.
    let half: String = addr
        .chars()
        .map(|c| match c {
            '＠' => '@',
            '．' => '.',
            '－' => '-',
            c => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        })
        .collect();
    let shown = pieces(&text, &half);
    assert!(shown.len() > 1, "wrapped: {text}");
    for w in shown.windows(2) {
        assert!(
            w[0].ends_with(['.', '-']) || w[1].starts_with('@'),
            "the address breaks mid-name between {:?} and {:?}:\n{text}",
            w[0],
            w[1]
        );
    }
}

#[test]
fn menus_notes_lock_dialogs_and_header_are_whole_at_80x24() {
    let mut f = fixture();
    sign_in(&mut f.app, "teshigawara.s");
    // Every menu description of the supervisor's menu.
    let text = screen(&f.app);
    for item in madoguchi::app::home::items(&f.app) {
        assert_whole(
            "menu",
            &text,
            item.description().text(madoguchi::i18n::Lang::Ja),
        );
    }
    // The header keeps the mail state with a long name: 送信エラー is never cut.
    f.app.mail.failed = 12;
    f.app.mail.last_error = Some("connection refused".into());
    let text = screen(&f.app);
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains("送信エラー"), "{header}");
    assert!(header.contains("失敗 12"), "{header}");
    f.app.mail = madoguchi::app::MailCounts::default();

    // The calendar's read-only note.
    let pos = madoguchi::app::home::items(&f.app)
        .iter()
        .position(|i| matches!(i, madoguchi::app::home::MenuItem::Calendar));
    if let Some(p) = pos {
        let digit = char::from_digit(u32::try_from(p + 1).expect("n"), 10).expect("d");
        press(&mut f.app, KeyCode::Char(digit));
        assert!(
            matches!(f.app.screen, Screen::Calendar(_)),
            "{:?}",
            f.app.screen
        );
        let text = screen(&f.app);
        assert_whole(
            "calendar",
            &text,
            madoguchi::i18n::ui::Msg::CalendarReadOnly.text(madoguchi::i18n::Lang::Ja),
        );
        press(&mut f.app, KeyCode::Esc);
    }

    // The idle lock's box.
    let later = std::time::Instant::now() + std::time::Duration::from_hours(1);
    f.app.on_tick(later);
    let text = screen(&f.app);
    for m in [
        madoguchi::i18n::ui::Msg::LockedIntro,
        madoguchi::i18n::ui::Msg::LockedTitle,
    ] {
        assert_whole("lock", &text, m.text(madoguchi::i18n::Lang::Ja));
    }
    type_text(&mut f.app, PW);
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.lock.is_none());

    // Every dialog keeps its answer line: the quit question, the sign-out question.
    for (key, what) in [
        (KeyCode::Char('q'), "quit"),
        (KeyCode::Char('o'), "sign out"),
    ] {
        press(&mut f.app, key);
        let text = screen(&f.app);
        assert!(
            text.contains("Y  はい") && text.contains("N  いいえ"),
            "{what}: {text}"
        );
        press(&mut f.app, KeyCode::Char('n'));
    }
}

#[test]
fn the_staff_disable_dialog_title_is_whole() {
    let mut f = fixture();
    sign_in(&mut f.app, "teshigawara.a");
    press(&mut f.app, KeyCode::Char('1'));
    assert!(
        matches!(f.app.screen, Screen::Staff(_)),
        "{:?}",
        f.app.screen
    );
    // Down to a long-named member, then d.
    let Screen::Staff(s) = &f.app.screen else {
        unreachable!()
    };
    let at = s
        .rows
        .iter()
        .position(|r| r.name == "teshigawara")
        .expect("row");
    for _ in 0..at {
        press(&mut f.app, KeyCode::Down);
    }
    press(&mut f.app, KeyCode::Char('d'));
    let text = screen(&f.app);
    let Some(madoguchi::app::Overlay::Confirm { title, lines, .. }) = &f.app.overlay else {
        panic!("no dialog: {text}")
    };
    assert_whole("title", &text, title);
    for l in lines {
        assert_whole("line", &text, l);
    }
    assert!(
        text.contains("Y  はい") && text.contains("N  いいえ"),
        "{text}"
    );
}

#[test]
fn a_dialog_taller_than_the_screen_keeps_its_answer_line() {
    let mut f = fixture();
    sign_in(&mut f.app, "teshigawara");
    let lines: Vec<String> = (0..40)
        .map(|i| format!("{i}行目: {}", "長い説明の文章です。".repeat(3)))
        .collect();
    f.app.confirm(
        "とても長い確認の題名です。最後まで読めるようにしてください（折り返しても構いません）",
        lines,
        madoguchi::app::Pending::SignOut,
    );
    let text = screen(&f.app);
    assert!(
        text.contains("Y  はい") && text.contains("N  いいえ"),
        "{text}"
    );
    assert!(text.contains('…'), "the cut is marked: {text}");
    assert_whole(
        "title",
        &text,
        "とても長い確認の題名です。最後まで読めるようにしてください（折り返しても構いません）",
    );
}

/// The mail queue says the delivery worker's error whole at 80 columns.
#[test]
fn the_mail_queue_says_the_workers_error_whole() {
    let mut f = fixture();
    sign_in(&mut f.app, "teshigawara.a");
    let pos = madoguchi::app::home::items(&f.app)
        .iter()
        .position(|i| matches!(i, madoguchi::app::home::MenuItem::Mail))
        .expect("mail menu");
    let digit = char::from_digit(u32::try_from(pos + 1).expect("n"), 10).expect("d");
    press(&mut f.app, KeyCode::Char(digit));
    assert!(
        matches!(f.app.screen, Screen::MailQueue(_)),
        "{:?}",
        f.app.screen
    );
    // A long address is cut with a mark, never silently (it would read as another address).
    madoguchi::storage::outbox::insert(
        f.app.store.conn(),
        &madoguchi::storage::outbox::NewMail {
            message_id: "<long@test>",
            account_id: None,
            template: "guidance",
            to_addr: "saiyou.tantou.soumubu.jinjika@yamada-kensetsu-kogyo.example.co.jp",
            subject: "【ハローワーク】メールアドレス登録のお知らせ",
            body: "本文",
            auth_key_id: None,
            key_expires_at: None,
        },
        t0(),
    )
    .expect("mail");
    press(&mut f.app, KeyCode::Char('g'));
    let text = screen(&f.app);
    // (An admin sees the address masked.)
    assert!(
        text.lines()
            .any(|l| l.contains("sa****") && l.contains('…')),
        "{text}"
    );
    let err =
        "SMTPサーバーに接続できません（mail.hellowork.example.go.jp:587、接続が拒否されました）";
    f.app.mail.last_error = Some(err.into());
    let text = screen(&f.app);
    assert_whole("worker error", &text, err);
}
