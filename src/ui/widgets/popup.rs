//! Boxes over the screen: centring and clearing a popup, the confirm and notice dialogs, and
//! the help page with its scrolling.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::App;
use crate::app::keymap::{self};
use crate::i18n::ui::Msg;
use crate::ui::theme;

use super::{block, ellipsize, fit, max_scroll, scrolled, width, wrap_words};

/// A centred rectangle of at most `w`×`h` inside `area`.
#[must_use]
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Clears `r` for a popup. A double-width character starting just left of `r` would hide the
/// popup's left border under its second half (the terminal draws it whole, and ratatui skips
/// the covered cell): it is blanked, as half a character cannot be shown.
pub fn clear_popup(frame: &mut Frame<'_>, r: Rect) {
    frame.render_widget(Clear, r);
    if r.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in r.top()..r.bottom() {
        let cell = &mut buf[(r.x - 1, y)];
        if width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// A dialog: wide enough for its title (up to the screen), its lines wrapped by display width,
/// and the answer line always shown last (issue 15 item 5): when the lines do not fit the
/// screen, they are cut and the cut marked with …, never the answer.
fn dialog(
    frame: &mut Frame<'_>,
    app: &App,
    title: &str,
    lines: &[Line<'_>],
    answer: &Line<'_>,
    area: Rect,
) {
    const MIN_W: usize = 64;
    let max_w = usize::from(area.width.saturating_sub(2)).max(20);
    // The title sits in the border between "┌ " and " ┐".
    let w = (width(title) + 6).max(MIN_W).min(max_w);
    let inner_w = w - 4;
    let title_fits = width(title) + 6 <= w;
    let mut rows: Vec<Line<'static>> = Vec::new();
    if !title_fits {
        // Too long for the border even at full width: said whole inside.
        rows.extend(wrap_words(
            &Line::from(Span::styled(title.to_string(), theme::title())),
            inner_w,
            0,
        ));
    }
    for l in lines {
        rows.extend(wrap_words(l, inner_w, 2));
    }
    let mut tail = vec![Line::from("")];
    tail.extend(wrap_words(answer, inner_w, 0));
    let room = usize::from(area.height.saturating_sub(4)).saturating_sub(tail.len());
    if rows.len() > room {
        rows.truncate(room.max(1));
        if let Some(last) = rows.last_mut() {
            let text = format!("{}…", last.to_string().trim_end());
            *last = Line::from(ellipsize(&text, inner_w));
        }
    }
    rows.extend(tail);
    let h = u16::try_from(rows.len())
        .unwrap_or(u16::MAX)
        .saturating_add(4);
    let r = centered(area, u16::try_from(w).unwrap_or(u16::MAX), h);
    clear_popup(frame, r);
    let shown = if title_fits {
        title.to_string()
    } else {
        ellipsize(title, w.saturating_sub(6))
    };
    let b = block(app, &shown);
    let inner = b.inner(r);
    frame.render_widget(b, r);
    frame.render_widget(
        Paragraph::new(rows),
        inner.inner(ratatui::layout::Margin::new(1, 1)),
    );
}

pub fn confirm(frame: &mut Frame<'_>, app: &App, title: &str, lines: &[String], area: Rect) {
    let ls: Vec<Line<'_>> = lines.iter().map(|l| Line::from(l.as_str())).collect();
    let answer = Line::from(vec![
        Span::styled(" Y ", theme::key()),
        Span::raw(format!(" {}   ", app.t(Msg::KeyYes))),
        Span::styled(" N ", theme::key()),
        Span::raw(format!(" {}", app.t(Msg::KeyNo))),
    ]);
    dialog(frame, app, title, &ls, &answer, area);
}

pub fn notice(frame: &mut Frame<'_>, app: &App, title: &str, lines: &[String], area: Rect) {
    let ls: Vec<Line<'_>> = lines.iter().map(|l| Line::from(l.as_str())).collect();
    let answer = Line::from(vec![
        Span::styled(" Enter ", theme::key()),
        Span::raw(format!(" {}", app.t(Msg::KeyClose))),
    ]);
    dialog(frame, app, title, &ls, &answer, area);
}

/// The help box: as tall as the body, 76 columns (inside its border, 74).
fn help_inner(area: Rect) -> Rect {
    block_inner(centered(area, 76, area.height))
}

fn block_inner(r: Rect) -> Rect {
    r.inner(ratatui::layout::Margin::new(1, 1))
}

/// The help's rows at `width`: the screen's own keys (a key column, the label wrapped under
/// itself), the screen's help text, and the editing keys only where there is a field to type
/// in (issue 15 item 11).
#[must_use]
pub fn help_rows(app: &App, cols: usize) -> Vec<Line<'static>> {
    const KEYS: usize = 22;
    let mut rows = Vec::new();
    // The menu's number keys are one row, as many as the signed-in roles' menu has.
    let menu = crate::app::home::items(app).len();
    let mut menu_done = false;
    for b in app
        .screen_bindings()
        .iter()
        .filter(|b| app.may_act(b.action))
    {
        let keys = if let keymap::Action::Menu(_) = b.action {
            if menu_done {
                continue;
            }
            menu_done = true;
            if menu > 1 {
                crate::i18n::labels::span(app.lang, 1, menu)
            } else {
                "1".to_string()
            }
        } else {
            let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
            keys.join(" / ")
        };
        let label = if let keymap::Action::Menu(_) = b.action {
            app.t(Msg::KeyMenuItem)
        } else {
            app.t(b.label)
        };
        let line = if width(&keys) < KEYS {
            Line::from(vec![
                Span::styled(fit(&keys, KEYS), theme::title()),
                Span::raw(label.to_string()),
            ])
        } else {
            Line::from(vec![
                Span::styled(keys, theme::title()),
                Span::raw(format!("  {label}")),
            ])
        };
        rows.extend(wrap_words(&line, cols, KEYS));
    }
    let prose = |text: &str, rows: &mut Vec<Line<'static>>| {
        rows.push(Line::from(""));
        for l in text.lines() {
            rows.extend(wrap_words(&Line::from(l.to_string()), cols, 2));
        }
    };
    prose(app.t(app.screen.help()), &mut rows);
    if app.has_input() {
        prose(app.t(Msg::HelpEditing), &mut rows);
    }
    rows
}

/// How far the help scrolls at a terminal of `size` (columns, rows).
#[must_use]
pub fn help_max_scroll(app: &App, (w, h): (u16, u16)) -> u16 {
    // The body is the terminal less the header, message and hint rows.
    let body = Rect::new(0, 1, w, h.saturating_sub(3));
    let inner = help_inner(body);
    max_scroll(
        help_rows(app, usize::from(inner.width)).len(),
        usize::from(inner.height),
    )
}

/// F1 / ? : every key of the screen underneath, then the screen's help text, wrapped by
/// display width, with a mark when it scrolls.
pub fn help(frame: &mut Frame<'_>, app: &App, scroll: u16, area: Rect) {
    let r = centered(area, 76, area.height);
    clear_popup(frame, r);
    let b = block(app, app.t(Msg::HelpTitle));
    frame.render_widget(b, r);
    let inner = help_inner(area);
    let rows = help_rows(app, usize::from(inner.width));
    scrolled(frame, app, rows, inner, scroll);
}
