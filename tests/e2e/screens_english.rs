//! Screens in English at 80×24 (issue 19): words sized for Japanese must not be cut. The
//! account's state and auth key line read in English word order, and a value longer than its
//! row goes on under the value column; the queue's state column fits the English states.

use crossterm::event::KeyCode;
use madoguchi::app::{App, Screen};
use madoguchi::clock::Clock;
use madoguchi::config::{Config, Language};
use madoguchi::service;
use madoguchi::storage::staff;

use crate::common::{ADMIN_PW, CLERK_PW};
use crate::screens_support::{
    Fixture, fixture, press, registered, screen_text, sign_in, t0, type_text,
};

/// The office of `fixture`, its App now in English.
fn in_english(f: Fixture) -> Fixture {
    let mut cfg = Config::default();
    cfg.ui.language = Language::En;
    let Fixture { dir, app } = f;
    let app =
        App::with_clock(app.store, cfg, "pts/1".into(), None, Clock::Fixed(t0())).expect("app");
    Fixture { dir, app }
}

#[test]
fn i18n_english_account_screen_keeps_the_key_line_on_screen_at_80x24() {
    let mut f = fixture();
    let email = "saiyou.tantou@yamada-kensetsu-kogyo.example.co.jp";
    registered(&mut f, email);
    // R-KEY-0: the customer asked online for the password registration: a live key.
    service::accounts::request_key(&mut f.app.store, &Config::default(), t0(), email, None)
        .expect("key");
    let mut f = in_english(f);
    sign_in(&mut f.app, "tanaka", CLERK_PW);
    press(&mut f.app, KeyCode::Char('2'));
    type_text(&mut f.app, email);
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter); // the purpose prompt's preselected answer
    assert!(
        matches!(f.app.screen, Screen::Account(_)),
        "{:?}",
        f.app.flash
    );
    let text = screen_text(&f.app, 80, 24);
    let state = text
        .lines()
        .find(|l| l.contains("State "))
        .unwrap_or_else(|| panic!("no state row:\n{text}"));
    assert!(state.contains("(valid until "), "{state}");
    let key = text
        .lines()
        .find(|l| l.contains("Auth key"))
        .unwrap_or_else(|| panic!("no key row:\n{text}"));
    assert!(
        key.contains("wrong tries 0"),
        "the count is on the row: {key}\n{text}"
    );
    assert!(!text.contains("まで有効"), "{text}");
}

#[test]
fn i18n_english_queue_shows_each_state_whole_at_80x24() {
    let mut f = fixture();
    let clerk = staff::by_name(f.app.store.conn(), "tanaka")
        .expect("q")
        .expect("row")
        .id;
    crate::common::review::submission(&mut f.app.store, 0, "2026-12-20", clerk, "[]");
    let mut f = in_english(f);
    sign_in(&mut f.app, "tanaka", CLERK_PW);
    let pos = madoguchi::app::home::items(&f.app)
        .iter()
        .position(|i| matches!(i, madoguchi::app::home::MenuItem::Queue))
        .expect("queue menu");
    let digit = char::from_digit(u32::try_from(pos + 1).expect("n"), 10).expect("d");
    press(&mut f.app, KeyCode::Char(digit));
    assert!(
        matches!(f.app.screen, Screen::Queue(_)),
        "{:?}",
        f.app.screen
    );
    let text = screen_text(&f.app, 80, 24);
    assert!(
        text.lines().any(|l| l.contains(" received ")),
        "the state whole:\n{text}"
    );
    assert!(text.contains(" State "), "{text}");
}

#[test]
fn i18n_english_mail_queue_shows_each_state_whole_at_80x24() {
    let f = fixture();
    let mut f = in_english(f);
    let id = madoguchi::storage::outbox::insert(
        f.app.store.conn(),
        &madoguchi::storage::outbox::NewMail {
            message_id: "<c@test>",
            account_id: None,
            template: "guidance",
            to_addr: "jinji@example.co.jp",
            subject: "【ハローワーク】メールアドレス登録のお知らせ",
            body: "本文",
            auth_key_id: None,
            key_expires_at: None,
        },
        t0(),
    )
    .expect("mail");
    let admin = staff::by_name(f.app.store.conn(), "admin")
        .expect("q")
        .expect("row")
        .id;
    let ctx = service::Ctx {
        staff_id: admin,
        staff_name: "admin".into(),
        terminal: "test".into(),
        now: t0(),
    };
    service::mail::act(
        &mut f.app.store,
        &ctx,
        id,
        service::mail::MailAction::Cancel,
    )
    .expect("cancel");
    sign_in(&mut f.app, "admin", ADMIN_PW);
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
    let text = screen_text(&f.app, 80, 24);
    assert!(
        text.lines()
            .any(|l| l.contains(" Cancelled ") && l.contains("ji***@")),
        "the state whole:\n{text}"
    );
}
