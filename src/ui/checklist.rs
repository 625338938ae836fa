//! The check's checklist over the submission detail (R-REV-1): what it draws is the state the
//! app keeps (`app::review::Checklist`), nothing else.

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::review::Checklist;
use crate::domain::review::CHECKLIST;
use crate::i18n::labels::check_item_label;
use crate::i18n::ui::Msg;
use crate::ui::{theme, widgets};

/// Width of the box; at 80 columns it leaves the detail's borders visible.
const W: u16 = 72;

/// The item (`#id name`), what Enter does, the items with their ticks (the cursor's reversed,
/// a missing one red), and, after a refused Enter, which items are missing.
pub fn draw(frame: &mut Frame<'_>, app: &App, item: &str, c: &Checklist, area: Rect) {
    let mut lines: Vec<Line<'_>> = vec![
        Line::from(Span::styled(item.to_string(), theme::title())),
        Line::from(Span::styled(app.t(Msg::CheckEffect), theme::dim())),
        Line::default(),
    ];
    for (i, (item, ticked)) in CHECKLIST.iter().zip(&c.ticked).enumerate() {
        let label = check_item_label(app.lang, *item);
        let mark = if *ticked { "x" } else { " " };
        let cursor = if i == c.cursor { ">" } else { " " };
        let mut style = if !*ticked && c.missing.iter().any(|m| m == item.code()) {
            theme::error()
        } else {
            ratatui::style::Style::new()
        };
        if i == c.cursor {
            style = style.patch(theme::focused());
        }
        lines.push(Line::from(vec![
            Span::raw(format!("{cursor} ")),
            Span::styled(format!("[{mark}] {label}"), style),
        ]));
    }
    if !c.missing.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            app.t(Msg::CheckMissing),
            theme::error(),
        )));
        for label in CHECKLIST
            .iter()
            .filter(|item| c.missing.iter().any(|m| m == item.code()))
            .map(|item| check_item_label(app.lang, *item))
        {
            lines.push(Line::from(Span::styled(
                crate::i18n::labels::bullet(app.lang, label),
                theme::error(),
            )));
        }
    }
    // Border and margin take 4 columns; broken here, the lines are the rows the box needs.
    let lines = widgets::wrap_lines(lines, usize::from(W.min(area.width).saturating_sub(4)));
    let h = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let r = widgets::centered(area, W, h);
    widgets::clear_popup(frame, r);
    let b = widgets::block(app, app.t(Msg::CheckTitle));
    let inner = b.inner(r);
    frame.render_widget(b, r);
    frame.render_widget(Paragraph::new(lines), inner.inner(Margin::new(1, 0)));
}
