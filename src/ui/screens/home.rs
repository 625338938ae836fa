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
    let mut lines = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let selected = i == h.selected;
        let style = if selected {
            theme::focused()
        } else {
            ratatui::style::Style::new()
        };
        let label = widgets::fit(&format!(" {}  {}", i + 1, app.t(item.label())), 28);
        lines.push(Line::from(vec![
            Span::styled(label, style),
            Span::styled(format!("  {}", app.t(item.description())), theme::dim()),
        ]));
        // A blank line between items while they fit; packed when a role has many jobs.
        if items.len() <= 7 {
            lines.push(Line::from(""));
        }
    }
    let [menu, foot] = Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), menu);
    frame.render_widget(
        Paragraph::new(app.t(Msg::HomeFoot)).style(theme::dim()),
        foot,
    );
}
