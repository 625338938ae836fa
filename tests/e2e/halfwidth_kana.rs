//! Issue 15 item 9: half-width kana with ﾞ/ﾟ (`ｶﾞｷﾞｸﾞ`) in input fields. A kana and its mark
//! are one grapheme two columns wide; the drawn cells, the terminal cursor (where the IME
//! window opens) and ←/→/Backspace go by grapheme and display width. Mixed with full-width
//! kana (`ガ`: one char, two columns) and ASCII, counting chars or graphemes instead of columns
//! puts the cursor in the wrong column, which these tests catch.
//!
//! The defect was ratatui-core 0.1's own width of such a grapheme (three columns: it adds one
//! for the mark that unicode-width 0.2.3 already counts): each `ｶﾞ` took three cells, the
//! third never written, the cursor left of the text. Fields now draw the grapheme as its NFKC
//! form (`ガ`, two columns for ratatui and terminals alike; the value is unchanged).

#![allow(clippy::unwrap_used)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use ratatui::Terminal;
use ratatui::backend::{Backend, TestBackend};
use ratatui::layout::Position;

use crate::common;

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn signed_in(dir: &tempfile::TempDir, user: &str, pw: &str) -> App {
    let (store, _) = common::office(&dir.path().join("m.db"), true);
    let now = clock::parse_rfc3339(common::NOW).unwrap();
    let mut app = App::with_clock(
        store,
        Config::default(),
        "pts/1".into(),
        None,
        Clock::Fixed(now),
    )
    .unwrap();
    app.viewport = Some((80, 24));
    type_text(&mut app, user);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, pw);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Home(_)), "{:?}", app.flash);
    app
}

/// The counter registration form for a job seeker, the focus on 氏名（カナ）.
fn kana_field(dir: &tempfile::TempDir) -> App {
    let mut app = signed_in(dir, "tanaka", common::CLERK_PW);
    press(&mut app, KeyCode::Char('1'));
    assert!(
        matches!(app.screen, Screen::Register(_)),
        "{:?}",
        app.screen
    );
    // Kind: → to 求職者; then email, retype, birth date, name, name kana.
    press(&mut app, KeyCode::Right);
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    let Screen::Register(r) = &app.screen else {
        panic!()
    };
    assert_eq!(r.form.fields[r.form.focus].id, "name_kana");
    app
}

/// Draws at 80×24: (terminal, cursor position the frame set).
fn draw(app: &App) -> (Terminal<TestBackend>, Position) {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| madoguchi::ui::draw(f, app)).unwrap();
    let at = t.backend_mut().get_cursor_position().unwrap();
    (t, at)
}

/// The column where `first` (a grapheme) is drawn on row `y`.
fn column_of(t: &Terminal<TestBackend>, y: u16, first: &str) -> u16 {
    let buf = t.backend().buffer();
    (0..80)
        .find(|x| buf[(*x, y)].symbol() == first)
        .unwrap_or_else(|| panic!("{first} not on row {y}: {buf:?}"))
}

fn cell(t: &Terminal<TestBackend>, x: u16, y: u16) -> String {
    t.backend().buffer()[(x, y)].symbol().to_string()
}

#[test]
fn issue15_item9_halfwidth_kana_with_marks_one_grapheme_two_columns_cursor_after_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = kana_field(&dir);
    type_text(&mut app, "ｶﾞｷﾞｸﾞ");
    let (t, at) = draw(&app);
    let x0 = column_of(&t, at.y, "ガ");
    // Each kana with its mark in one cell, two columns wide (the next cell is covered).
    assert_eq!(cell(&t, x0 + 2, at.y), "ギ");
    assert_eq!(cell(&t, x0 + 4, at.y), "グ");
    assert_eq!(cell(&t, x0 + 6, at.y), " ");
    // The cursor right after the text: six columns (three graphemes, six chars).
    assert_eq!(at.x, x0 + 6, "cursor column");
    // ← steps over a whole ｸﾞ (two columns), not into it.
    press(&mut app, KeyCode::Left);
    let (_, at) = draw(&app);
    assert_eq!(at.x, x0 + 4);
    press(&mut app, KeyCode::Left);
    let (_, at) = draw(&app);
    assert_eq!(at.x, x0 + 2);
    // Typing there inserts before ｷﾞ, whole.
    type_text(&mut app, "ﾊﾟ");
    let (t, at) = draw(&app);
    assert_eq!(cell(&t, x0 + 2, at.y), "パ");
    assert_eq!(cell(&t, x0 + 4, at.y), "ギ");
    assert_eq!(at.x, x0 + 4);
    // Backspace takes the kana and its mark together.
    press(&mut app, KeyCode::Backspace);
    let (t, at) = draw(&app);
    assert_eq!(cell(&t, x0 + 2, at.y), "ギ");
    assert_eq!(at.x, x0 + 2);
    // The value is what was typed.
    let Screen::Register(r) = &app.screen else {
        panic!()
    };
    assert_eq!(r.form.value("name_kana"), "ｶﾞｷﾞｸﾞ");
}

#[test]
fn issue15_item9_mixed_full_and_halfwidth_kana_cursor_by_display_width() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = kana_field(&dir);
    // ヤマダ (3 chars, 6 columns), space, ｶﾞｸﾞﾁ (5 chars, 3 graphemes, 5 columns), Jr
    // (2): 11 chars, 9 graphemes, 14 columns.
    type_text(&mut app, "ヤマダ ｶﾞｸﾞﾁJr");
    let (t, at) = draw(&app);
    let x0 = column_of(&t, at.y, "ヤ");
    assert_eq!(cell(&t, x0 + 7, at.y), "ガ");
    assert_eq!(cell(&t, x0 + 9, at.y), "グ");
    assert_eq!(cell(&t, x0 + 11, at.y), "ﾁ");
    assert_eq!(cell(&t, x0 + 12, at.y), "J");
    assert_eq!(at.x, x0 + 14, "cursor after 14 columns");
    // Home-ward by three graphemes (r, J, ﾁ): three columns back, then ｸﾞ: two more.
    for _ in 0..4 {
        press(&mut app, KeyCode::Left);
    }
    let (_, at) = draw(&app);
    assert_eq!(at.x, x0 + 9);
}

#[test]
fn issue15_item9_a_long_halfwidth_kana_value_scrolls_by_whole_graphemes() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = kana_field(&dir);
    // 50 × ｶﾞ: 100 columns, more than the field shows.
    let long = "ｶﾞ".repeat(50);
    type_text(&mut app, &long);
    let (t, at) = draw(&app);
    let buf = t.backend().buffer();
    // Left of the cursor, whole kana with their marks only: no lone ﾞ, no half ｶ.
    let row: Vec<String> = (0..at.x)
        .map(|x| buf[(x, at.y)].symbol().to_string())
        .collect();
    assert!(row.iter().all(|s| !s.contains('ﾞ') && s != "ｶ"), "{row:?}");
    let kana = row.iter().filter(|s| *s == "ガ").count();
    assert!(kana > 10, "{row:?}");
    // The cursor is right after the last one drawn, inside the screen.
    assert!(at.x < 80);
    assert_eq!(cell(&t, at.x - 2, at.y), "ガ");
    assert_eq!(cell(&t, at.x, at.y), " ");
}

#[test]
fn issue15_item9_the_queue_filter_puts_the_cursor_after_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = signed_in(&dir, "suzuki", common::SUPERVISOR_PW);
    madoguchi::app::review::open_queues(&mut app);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ｶﾞｸﾞ商事");
    let (t, at) = draw(&app);
    let x0 = column_of(&t, at.y, "ガ");
    assert_eq!(cell(&t, x0 + 2, at.y), "グ");
    assert_eq!(cell(&t, x0 + 4, at.y), "商");
    // 2 + 2 + 4 columns.
    assert_eq!(at.x, x0 + 8);
    press(&mut app, KeyCode::Left);
    let (_, at) = draw(&app);
    assert_eq!(at.x, x0 + 6);
}

/// Text drawn outside the fields (a name from an import in half-width kana): ratatui lays the
/// grapheme out three columns wide; the third is written blank instead of left to whatever an
/// earlier frame had there, and the glyph is the two-column NFKC form.
#[test]
fn issue15_item9_other_text_with_halfwidth_marks_leaves_no_stale_column() {
    use ratatui::widgets::Paragraph;
    let mut t = Terminal::new(TestBackend::new(20, 1)).unwrap();
    t.draw(|f| f.render_widget(Paragraph::new("XXXXXXXXXXXXXXXXXXXX"), f.area()))
        .unwrap();
    t.draw(|f| {
        f.render_widget(Paragraph::new("ｶﾞｷﾞ|"), f.area());
        madoguchi::ui::widgets::settle_sound_marks(f.buffer_mut());
    })
    .unwrap();
    let row: Vec<String> = (0..8).map(|x| cell(&t, x, 0)).collect();
    assert_eq!(row[0], "ガ");
    assert_eq!(row[2], " ");
    assert_eq!(row[3], "ギ");
    assert_eq!(row[5], " ");
    assert_eq!(row[6], "|");
}
