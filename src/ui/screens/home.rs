//! Home: the menu of jobs the role may do.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::home::{Home, items};
use crate::i18n::ui::Msg;
use crate::ui::{theme, widgets};

pub fn draw(frame: &mut Frame<'_>, app: &App, h: &Home, area: Rect) {
    let b = widgets::block(app, app.t(Msg::HomeTitle));
    let inner = b.inner(area).inner(ratatui::layout::Margin::new(2, 1));
    frame.render_widget(b, area);
    let items = items(app);
    let [menu, foot] = Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(inner);
    // The label column as wide as the longest label; a description that does not fit beside
    // it continues on the next row under itself (issue 15 item 5), never cut.
    let labels: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(i, item)| format!(" {}  {}", i + 1, app.t(item.label())))
        .collect();
    let label_w = labels.iter().map(|l| widgets::width(l)).max().unwrap_or(0) + 1;
    let build = |spaced: bool| {
        let mut lines = Vec::new();
        for (i, (item, label)) in items.iter().zip(&labels).enumerate() {
            let style = if i == h.selected {
                theme::focused()
            } else {
                ratatui::style::Style::new()
            };
            let line = Line::from(vec![
                Span::styled(widgets::fit(label, label_w), style),
                Span::styled(format!("  {}", app.t(item.description())), theme::dim()),
            ]);
            lines.extend(widgets::wrap_words(
                &line,
                usize::from(menu.width),
                label_w + 2,
            ));
            if spaced {
                lines.push(Line::from(""));
            }
        }
        lines
    };
    // A blank line between items while they fit; packed when a role has many jobs.
    let mut lines = build(true);
    if lines.len() > usize::from(menu.height) {
        lines = build(false);
    }
    frame.render_widget(Paragraph::new(lines), menu);
    frame.render_widget(
        Paragraph::new(app.t(Msg::HomeFoot)).style(theme::dim()),
        foot,
    );
}
