//! The closed-day calendar (R-DL-2): a year's holidays, year-end closure and office closures.

use chrono::{Datelike, Weekday};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};

use crate::app::App;
use crate::app::calendar::{CalendarAdd, CalendarView, DayKind};
use crate::domain::text::sanitize;
use crate::i18n::ui::Msg;
use crate::ui::{theme, widgets};

fn weekday(app: &App, w: Weekday) -> &'static str {
    crate::i18n::ui::weekday_short(app.lang, w)
}

pub fn draw_list(frame: &mut Frame<'_>, app: &App, v: &CalendarView, area: Rect) {
    let title = format!(
        "{}  {}",
        app.t(Msg::CalendarTitle),
        crate::i18n::ui::year(app.lang, v.year)
    );
    let b = widgets::block(app, &title);
    let inner = b.inner(area).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(b, area);
    // Both notes wrap by display width (issue 15 item 5): the read-only note is never cut.
    let wrap = |text: &str, style| {
        widgets::wrap_words(
            &Line::from(Span::styled(text.to_string(), style)),
            usize::from(inner.width),
            0,
        )
    };
    let warn_lines = if v.official_data {
        Vec::new()
    } else {
        wrap(app.t(Msg::CalendarNoOfficialData), theme::warning())
    };
    let mut note_text = app.t(Msg::CalendarWeekends).to_string();
    if !v.editable {
        note_text = format!("{note_text}  {}", app.t(Msg::CalendarReadOnly));
    }
    let note_lines = wrap(&note_text, theme::dim());
    let height = |l: &Vec<Line<'static>>| u16::try_from(l.len()).unwrap_or(1);
    let [warn, note, table_area] = Layout::vertical([
        Constraint::Length(height(&warn_lines)),
        Constraint::Length(height(&note_lines)),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(warn_lines), warn);
    frame.render_widget(Paragraph::new(note_lines), note);
    if v.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(app.t(Msg::CalendarEmpty)).style(theme::dim()),
            table_area,
        );
        return;
    }
    let rows: Vec<Row<'_>> = v
        .rows
        .iter()
        .map(|r| {
            let (kind, text, style) = match r.kind {
                DayKind::Holiday => (
                    app.t(Msg::DayHoliday),
                    sanitize(&r.text, false),
                    Style::new(),
                ),
                DayKind::YearEnd => (
                    app.t(Msg::DayYearEnd),
                    app.t(Msg::YearEndText).to_string(),
                    theme::dim(),
                ),
                DayKind::Office => (
                    app.t(Msg::DayOffice),
                    sanitize(&r.text, false),
                    theme::warning(),
                ),
            };
            Row::new(vec![
                r.date.format("%Y-%m-%d").to_string(),
                weekday(app, r.date.weekday()).to_string(),
                kind.to_string(),
                text,
            ])
            .style(style)
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(11),
            Constraint::Length(4),
            Constraint::Length(10),
            Constraint::Min(10),
        ],
    )
    .header(
        Row::new(vec![
            app.t(Msg::ColDate),
            app.t(Msg::ColWeekday),
            app.t(Msg::ColKind),
            app.t(Msg::ColNameReason),
        ])
        .style(theme::title()),
    )
    .row_highlight_style(theme::focused());
    let mut state = TableState::default().with_selected(Some(v.cursor));
    frame.render_stateful_widget(table, table_area, &mut state);
}

pub fn draw_add(frame: &mut Frame<'_>, app: &App, s: &CalendarAdd, area: Rect) {
    let b = widgets::block(app, app.t(Msg::CalendarAddTitle));
    let inner = b.inner(area).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(b, area);
    let [intro, _, form] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(app.t(Msg::CalendarAddIntro)).style(theme::dim()),
        intro,
    );
    widgets::form(frame, app, &s.form, form, 12);
}
