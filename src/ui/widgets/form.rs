//! A form drawn: label column, values with the cursor, each field's issue under it (red error,
//! orange warning) and the height it needs. Apart because it is the largest widget and the only
//! one that reads `app::form`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_segmentation::UnicodeSegmentation;

use crate::app::App;
use crate::app::form::{FieldKind, Form};
use crate::service::Severity;
use crate::ui::theme;

use super::{ERROR_MARK, WARNING_MARK, drawable, fit, width, width_of, wrap_words};

/// Draws a form: label, input, and under it the field's issue (red/orange) or hint (grey).
/// Puts the terminal cursor on the focused text field, so an IME window follows it.
pub fn form(frame: &mut Frame<'_>, app: &App, form: &Form, area: Rect, label_width: u16) {
    let note_w = usize::from(area.width.saturating_sub(label_width).max(10));
    let notes: Vec<Vec<Line<'static>>> = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| field_note(app, f, i == form.focus, note_w))
        .collect();
    let heights: Vec<u16> = notes
        .iter()
        .map(|n| 1 + u16::try_from(n.len().max(1)).unwrap_or(u16::MAX))
        .collect();
    // When the notes make the form taller than its box, it scrolls so the focused field and
    // its whole note are in view.
    let mut top = 0;
    while top < form.focus
        && heights[top..=form.focus.min(heights.len().saturating_sub(1))]
            .iter()
            .map(|h| u32::from(*h))
            .sum::<u32>()
            > u32::from(area.height)
    {
        top += 1;
    }
    let mut y = area.y;
    for (i, f) in form.fields.iter().enumerate().skip(top) {
        if y >= area.bottom() {
            break;
        }
        let row = &Rect {
            y,
            height: heights[i].min(area.bottom() - y),
            ..area
        };
        y = y.saturating_add(heights[i]);
        let focused = i == form.focus;
        let [label_area, input_area] =
            Layout::horizontal([Constraint::Length(label_width), Constraint::Min(10)])
                .areas(Rect { height: 1, ..*row });
        let marker = if focused { "> " } else { "  " };
        let label = fit(
            &format!("{marker}{}", app.t(f.label)),
            usize::from(label_width),
        );
        let label_style = if focused {
            theme::title()
        } else {
            Style::new()
        };
        frame.render_widget(Paragraph::new(Span::styled(label, label_style)), label_area);
        let input_w = usize::from(input_area.width.saturating_sub(1));
        match &f.kind {
            FieldKind::Text | FieldKind::Password => {
                let shown = if f.kind == FieldKind::Password {
                    "*".repeat(f.input.value().chars().count())
                } else {
                    f.input.value().to_string()
                };
                let visual_cursor = if f.kind == FieldKind::Password {
                    f.input.cursor()
                } else {
                    f.input.visual_cursor()
                };
                // Columns, by grapheme and display width (tui-input's own measure): the
                // terminal cursor, which the IME follows, goes right after the text.
                let (visible, scroll) = skip_columns(
                    &shown,
                    visual_cursor.saturating_sub(input_w.saturating_sub(1)),
                );
                let style = if focused {
                    theme::input().add_modifier(Modifier::BOLD)
                } else {
                    theme::input()
                };
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        drawable(&fit(&visible, input_w)).into_owned(),
                        style,
                    )),
                    input_area,
                );
                if focused && app.overlay.is_none() {
                    let x = input_area.x
                        + u16::try_from(visual_cursor.saturating_sub(scroll)).unwrap_or(0);
                    frame.set_cursor_position((
                        x.min(input_area.right().saturating_sub(1)),
                        input_area.y,
                    ));
                }
            }
            FieldKind::Choice { options, selected } => {
                // When the options do not fit, a window around the selected one, with ‹ › marks.
                let w = |j: usize| width(app.t(options[j].1)) + 3;
                let avail = usize::from(input_area.width).saturating_sub(4);
                let (mut lo, mut hi) = (*selected, *selected + 1);
                let mut used = w(*selected);
                while lo > 0 || hi < options.len() {
                    if hi < options.len() && used + w(hi) <= avail {
                        used += w(hi);
                        hi += 1;
                    } else if lo > 0 && used + w(lo - 1) <= avail {
                        lo -= 1;
                        used += w(lo);
                    } else {
                        break;
                    }
                }
                let mut spans = Vec::new();
                if lo > 0 {
                    spans.push(Span::styled("‹ ", theme::dim()));
                }
                for (j, (_, m)) in options.iter().enumerate().take(hi).skip(lo) {
                    let style = if j == *selected {
                        theme::focused()
                    } else {
                        theme::dim()
                    };
                    spans.push(Span::styled(format!(" {} ", app.t(*m)), style));
                    spans.push(Span::raw(" "));
                }
                if hi < options.len() {
                    spans.push(Span::styled("›", theme::dim()));
                }
                frame.render_widget(Paragraph::new(Line::from(spans)), input_area);
            }
            FieldKind::Flags {
                options,
                on,
                cursor,
            } => {
                let mut spans = Vec::new();
                for (j, ((_, m), on)) in options.iter().zip(on).enumerate() {
                    let mark = if *on { "[x]" } else { "[ ]" };
                    let style = if focused && j == *cursor {
                        theme::focused()
                    } else {
                        Style::new()
                    };
                    spans.push(Span::styled(format!("{mark}{}", app.t(*m)), style));
                    spans.push(Span::raw(" "));
                }
                frame.render_widget(Paragraph::new(Line::from(spans)), input_area);
            }
        }
        let note_area = Rect {
            x: input_area.x,
            y: row.y + 1,
            width: input_area.width,
            height: row.height.saturating_sub(1),
        };
        if row.height < 2 {
            continue;
        }
        frame.render_widget(Paragraph::new(notes[i].clone()), note_area);
    }
}

/// The note under a field, wrapped to `width` by display width (issue 15 item 5: a long rule
/// or example is shown whole on as many rows as it takes): its first issue with a mark as well
/// as the colour (errors and warnings read apart on a monochrome terminal or to a colour-blind
/// clerk), else the focused field's hint.
fn field_note(
    app: &App,
    f: &crate::app::form::Field,
    focused: bool,
    width: usize,
) -> Vec<Line<'static>> {
    let line = match f.issues.first() {
        Some((Severity::Error, t)) => {
            Line::from(Span::styled(format!("{ERROR_MARK}{t}"), theme::error()))
        }
        Some((Severity::Warning, t)) => {
            Line::from(Span::styled(format!("{WARNING_MARK}{t}"), theme::warning()))
        }
        None => match (focused, f.hint) {
            (true, Some(h)) => Line::from(Span::styled(app.t(h).to_string(), theme::dim())),
            _ => return Vec::new(),
        },
    };
    wrap_words(&line, width, 0)
}

/// The rows `form` takes at `width` columns with its notes wrapped (for a box sized to it).
#[must_use]
pub fn form_height(app: &App, form: &Form, width: u16, label_width: u16) -> u16 {
    let note_w = usize::from(width.saturating_sub(label_width).max(10));
    form.fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            1 + u16::try_from(field_note(app, f, i == form.focus, note_w).len().max(1))
                .unwrap_or(u16::MAX)
        })
        .fold(0u16, u16::saturating_add)
}

/// Drops the first `cols` display columns (for a field scrolled to its cursor).
/// `s` less its first `cols` columns, whole graphemes only (a wide one on the edge goes
/// too), and how many columns went.
fn skip_columns(s: &str, cols: usize) -> (String, usize) {
    let mut used = 0;
    let rest = s
        .graphemes(true)
        .skip_while(|g| {
            if used >= cols {
                return false;
            }
            used += width_of(g);
            true
        })
        .collect();
    (rest, used)
}
