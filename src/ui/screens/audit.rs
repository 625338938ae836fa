//! The newest audit rows and whether the chain verifies (R-AUD-2).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Row, Table, TableState};

use crate::app::App;
use crate::app::audit::AuditView;
use crate::clock;
use crate::domain::text::sanitize;
use crate::i18n::ui::Msg;
use crate::ui::{theme, widgets};

pub fn draw(frame: &mut Frame<'_>, app: &App, a: &AuditView, area: Rect) {
    let b = widgets::block(app, app.t(Msg::AuditTitle));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [status, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let status_line = match &a.verify {
        Some(r) if r.first_bad.is_none() => Span::styled(
            format!("{} ({} {})", app.t(Msg::ChainOk), r.rows, app.t(Msg::Rows)),
            theme::success(),
        ),
        Some(r) => Span::styled(
            format!(
                "{} #{}: {}",
                app.t(Msg::ChainBroken),
                r.first_bad.as_ref().map_or(0, |b| b.0),
                r.first_bad.as_ref().map_or("", |b| b.1.as_str())
            ),
            theme::error(),
        ),
        None => Span::raw(""),
    };
    frame.render_widget(Paragraph::new(status_line), status);
    let rows: Vec<Row<'_>> = a
        .rows
        .iter()
        .map(|r| {
            let e = &r.entry;
            Row::new(vec![
                clock::from_db(&e.at_utc)
                    .map(clock::fmt_jst)
                    .unwrap_or_default(),
                sanitize(e.staff_name.as_deref().unwrap_or("-"), false),
                e.action.clone(),
                sanitize(e.subject.as_deref().unwrap_or(""), false),
                e.outcome.clone(),
                sanitize(e.terminal.as_str(), false),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Length(10),
            Constraint::Length(20),
            Constraint::Length(14),
            Constraint::Length(10),
            Constraint::Min(6),
        ],
    )
    .header(
        Row::new(vec![
            app.t(Msg::ColTime),
            app.t(Msg::ColStaff),
            app.t(Msg::ColAction),
            app.t(Msg::ColSubject),
            app.t(Msg::ColOutcome),
            app.t(Msg::ColTerminal),
        ])
        .style(theme::title()),
    )
    .row_highlight_style(theme::focused());
    let mut state = TableState::default().with_selected(Some(a.cursor));
    frame.render_stateful_widget(table, table_area, &mut state);
    let _ = widgets::width("");
}
