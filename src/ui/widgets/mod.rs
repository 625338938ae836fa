//! Pieces every screen uses: header, message line, hint bar, forms, dialogs. This file holds
//! the bars around every screen (header, message line, hint bar); `text.rs` measures and
//! wraps text, `form.rs` draws forms, `popup.rs` the boxes over the screen and the help.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::fmt::Write as _;

use super::theme;
use crate::app::keymap::{self, Binding};
use crate::app::{App, Tone, staff};
use crate::i18n::ui::Msg;

mod form;
mod popup;
mod text;
pub use form::{form, form_height};
pub use popup::{centered, clear_popup, confirm, help, help_max_scroll, help_rows, notice};
use text::width_of;
pub use text::{
    column_for, drawable, ellipsize, fit, max_scroll, pack, scrolled, settle_sound_marks, width,
    wrap_lines, wrap_words,
};

/// Marks before an error (must fix) and a warning (confirm to accept), beside their colours.
pub const ERROR_MARK: &str = "✖ ";
pub const WARNING_MARK: &str = "！";

/// A titled box in the configured border style.
#[must_use]
pub fn block<'a>(app: &App, title: &'a str) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme::border_set(app.cfg.ui.ascii_borders))
        .title(Span::styled(format!(" {title} "), theme::title()))
}

/// The top row: office, who is signed in, the clock and the mail state. When it does not fit,
/// it gives way from the least needed end: the product name, the office name, the roles, then
/// the staff member's name is shortened with …; the mail state (送信待ち, 失敗, 送信エラー) and
/// the clock are never cut (issue 15 item 5).
pub fn header(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let total = usize::from(area.width);
    let narrow = total < 110;
    // "2026-11-24 10:30" → "11-24 10:30" when space is short.
    let clock = if narrow {
        app.clock_text.get(5..).unwrap_or(&app.clock_text)
    } else {
        &app.clock_text
    };
    let mut tail = format!("{clock} JST");
    if app.session.is_some() {
        let _ = write!(tail, "  {} {}", app.t(Msg::MailWaiting), app.mail.waiting);
        if app.mail.failed > 0 {
            let _ = write!(tail, " {} {}", app.t(Msg::MailFailed), app.mail.failed);
        }
        if app.mail.last_error.is_some() {
            let _ = write!(tail, " {}", app.t(Msg::MailWorkerError));
        }
    }
    tail.push(' ');
    let (name, roles) = app.session.as_ref().map_or_else(
        || (String::new(), String::new()),
        |s| {
            let roles: Vec<&str> = s
                .roles
                .iter()
                .map(|r| app.t(staff::role_label(r)))
                .collect();
            (
                s.display_name.clone(),
                crate::i18n::labels::join_list(app.lang, &roles),
            )
        },
    );
    let office = |with_name: bool, product: bool| {
        let p = if product {
            "窓口 madoguchi"
        } else {
            "窓口"
        };
        if with_name {
            format!(" {p}  {} {}", app.office_code, app.office_name)
        } else {
            format!(" {p}  {}", app.office_code)
        }
    };
    let who = |roles_too: bool| {
        if name.is_empty() {
            String::new()
        } else if roles_too {
            format!(
                "{}  ",
                crate::i18n::labels::with_paren(app.lang, &name, &roles)
            )
        } else {
            format!("{name}  ")
        }
    };
    let candidates = [
        (office(true, !narrow), who(true)),
        (office(true, false), who(true)),
        (office(false, false), who(true)),
        (office(false, false), who(false)),
    ];
    let fits = |l: &str, r: &str| width(l) + 1 + width(r) + width(&tail) <= total;
    let line = if let Some((left, right)) = candidates.iter().find(|(l, r)| fits(l, r)) {
        let gap = total - width(left) - width(right) - width(&tail);
        format!("{left}{}{right}{tail}", " ".repeat(gap))
    } else {
        // Even so too long: the name gives way, marked with …; the tail stays whole.
        let left = office(false, false);
        let room = total.saturating_sub(width(&left) + 1 + width(&tail) + 2);
        let right = if room > 1 {
            format!("{}  ", ellipsize(&name, room))
        } else {
            String::new()
        };
        let used = width(&left) + width(&right) + width(&tail);
        if used < total {
            format!("{left}{}{right}{tail}", " ".repeat(total - used))
        } else {
            fit(&format!("{right}{tail}"), total)
        }
    };
    frame.render_widget(Paragraph::new(Span::styled(line, theme::header())), area);
}

pub fn flash(frame: &mut Frame<'_>, app: &App, area: Rect) {
    if let Some(f) = &app.flash {
        let mark = match f.tone {
            Tone::Error if !f.text.starts_with(['✖', '！']) => ERROR_MARK,
            Tone::Warning if !f.text.starts_with(['✖', '！']) => WARNING_MARK,
            _ => "",
        };
        let text = fit(&format!(" {mark}{}", f.text), usize::from(area.width));
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme::tone(f.tone))),
            area,
        );
    }
}

/// Generated from the key table in force, so it never lists a key that does nothing. When not
/// every hint fits, each hint shows only its first key, help (`?`, which lists every key) and
/// the way back (Esc) keep their places at the end, and the hints before them are cut.
pub fn hint_bar(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let hinted: Vec<&Binding> = app
        .bindings()
        .iter()
        .filter(|b| b.hint && (app.overlay.is_some() || app.may_act(b.action)))
        .collect();
    let max = usize::from(area.width);
    let full = |b: &Binding| width(&keymap::keys_label(b)) + width(app.t(b.label)) + 3;
    let compact = hinted.iter().map(|b| full(b)).sum::<usize>() > max;
    let keys = |b: &Binding| {
        if compact {
            b.keys.first().map(|k| k.label()).unwrap_or_default()
        } else {
            keymap::keys_label(b)
        }
    };
    let w = |b: &Binding| width(&keys(b)) + width(app.t(b.label)) + 3;
    let kept =
        |b: &Binding| compact && matches!(b.action, keymap::Action::Back | keymap::Action::Help);
    let tail: Vec<&Binding> = hinted.iter().copied().filter(|b| kept(b)).collect();
    let room = max.saturating_sub(tail.iter().map(|b| w(b)).sum());
    let mut shown = Vec::new();
    let mut used = 0;
    for b in hinted.iter().copied().filter(|b| !kept(b)) {
        if used + w(b) > room {
            break;
        }
        used += w(b);
        shown.push(b);
    }
    shown.extend(tail);
    let mut spans = Vec::new();
    for b in shown {
        spans.push(Span::styled(format!(" {} ", keys(b)), theme::key()));
        spans.push(Span::raw(format!("{} ", app.t(b.label))));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_opening_brackets_in_a_row_never_end_a_row() {
        let w = wrap_words(&Line::from("入力してください（「1」は使えません"), 20, 0);
        let rows = texts(&w);
        assert!(rows.iter().all(|r| !r.ends_with(['（', '「'])), "{rows:?}");
        assert_eq!(rows.concat(), "入力してください（「1」は使えません");
    }

    #[test]
    fn a_column_for_coded_words_fits_the_widest_in_cells() {
        assert_eq!(column_for(["Sent", "Cancelled"], 8), 9);
        assert_eq!(column_for(["送信待ち", "取消"], 6), 8);
        assert_eq!(column_for(["ok"], 6), 6);
    }

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn wrap_never_puts_a_double_width_character_past_the_last_column() {
        let l = vec![Line::from(vec![
            Span::raw("ab"),
            Span::styled("全角カナ", theme::error()),
        ])];
        let w = wrap_lines(l, 5);
        assert_eq!(texts(&w), ["ab全", "角カ", "ナ"]);
        assert!(w.iter().all(|l| l.width() <= 5));
        // Each piece keeps its style.
        assert_eq!(w[1].spans[0].style, theme::error());
        assert_eq!(texts(&wrap_lines(vec![Line::from("")], 5)), [""]);
        // A list item continues under its text.
        let w = wrap_lines(vec![Line::from("  ・全角カナ")], 8);
        assert_eq!(texts(&w), ["  ・全角", "    カナ"]);
    }

    #[test]
    fn wrap_words_keeps_ascii_words_whole_and_punctuation_with_its_text() {
        let w = wrap_words(&Line::from("次のページは PgDn で見ます"), 16, 0);
        assert_eq!(texts(&w), ["次のページは", "PgDn で見ます"]);
        // 「。」 never starts a row.
        let w = wrap_words(&Line::from("あいうえお。かきくけこ"), 10, 0);
        assert_eq!(texts(&w), ["あいうえ", "お。", "かきくけこ"]);
        // Prose breaks after its punctuation near the row's end, not inside a word.
        let w = wrap_words(
            &Line::from("一覧ごとの件数、本日の処理件数、最古の案件、メールの状況"),
            48,
            0,
        );
        assert_eq!(
            texts(&w),
            [
                "一覧ごとの件数、本日の処理件数、最古の案件、",
                "メールの状況"
            ]
        );
        // Continuations indented; nothing wider than the width, double-width included.
        let w = wrap_words(&Line::from("a 全角の説明がとても長い行"), 12, 2);
        assert!(w.iter().all(|l| l.width() <= 12), "{:?}", texts(&w));
        assert!(texts(&w)[1..].iter().all(|t| t.starts_with("  ")));
        let joined: String = texts(&w).concat().split_whitespace().collect();
        assert_eq!(joined, "a全角の説明がとても長い行");
        // A word longer than a row is cut where it must be; an address at its dots or '@'.
        let w = wrap_words(&Line::from("abcdefghij"), 4, 0);
        assert_eq!(texts(&w), ["abcd", "efgh", "ij"]);
        let w = wrap_words(&Line::from("「saiyou.tantou@example.co.jp」"), 18, 0);
        assert_eq!(texts(&w), ["「saiyou.tantou", "@example.co.jp」"]);
        assert_eq!(texts(&wrap_words(&Line::from(""), 5, 0)), [""]);
    }
}
