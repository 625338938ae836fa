//! The audit viewer: rows (filtered), whether the chain verifies (R-AUD-2), the filter and
//! export forms and the R-AUD-3 report.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Row, Table, TableState};

use crate::app::App;
use crate::app::audit::{AuditView, Mode};
use crate::clock;
use crate::domain::text::sanitize;
use crate::i18n::ui::Msg;
use crate::ui::{theme, widgets};

pub fn draw(frame: &mut Frame<'_>, app: &App, a: &AuditView, area: Rect) {
    let title = match a.mode {
        Mode::List => app.t(Msg::AuditTitle),
        Mode::Filter => app.t(Msg::AuFilterTitle),
        Mode::Export => app.t(Msg::AuExportTitle),
        Mode::Report => app.t(Msg::AuReportTitle),
    };
    let b = widgets::block(app, title);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    match a.mode {
        Mode::Filter => return widgets::form(frame, app, &a.filter_form, inner, 14),
        Mode::Export => return widgets::form(frame, app, &a.export_form, inner, 16),
        Mode::Report => return draw_report(frame, app, a, inner),
        Mode::List => {}
    }
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
                r.first_bad.as_ref().map_or_else(String::new, |b| {
                    crate::i18n::cli::audit_reason(app.lang, &b.1)
                })
            ),
            theme::error(),
        ),
        None => Span::raw(""),
    };
    let mut spans = vec![status_line];
    if a.filter != crate::service::audit::Filter::default() {
        let f = &a.filter;
        let parts: Vec<String> = [
            f.staff.clone(),
            f.subject.clone(),
            f.action.clone(),
            f.since.map(|d| format!("{d}〜")),
            f.until.map(|d| format!("〜{d}")),
        ]
        .into_iter()
        .flatten()
        .map(|s| sanitize(&s, false))
        .collect();
        spans.push(Span::styled(
            format!("  [{}: {}]", app.t(Msg::AuFiltered), parts.join(" ")),
            theme::warning(),
        ));
    }
    frame.render_widget(Paragraph::new(ratatui::text::Line::from(spans)), status);
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
                sanitize(e.purpose.as_deref().unwrap_or(""), false),
                e.outcome.clone(),
                sanitize(e.terminal.as_str(), false),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(18),
            Constraint::Length(12),
            Constraint::Length(8),
            Constraint::Length(6),
            Constraint::Min(4),
        ],
    )
    .header(
        Row::new(vec![
            app.t(Msg::ColTime),
            app.t(Msg::ColStaff),
            app.t(Msg::ColAction),
            app.t(Msg::ColSubject),
            app.t(Msg::ColPurpose),
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

fn draw_report(frame: &mut Frame<'_>, app: &App, a: &AuditView, area: Rect) {
    use ratatui::text::Line;
    let Some(r) = &a.report else { return };
    let mut lines = vec![Line::styled(
        format!(
            "{} ({} .. {})",
            app.t(Msg::AuReportPerDay),
            r.since,
            r.until
        ),
        theme::title(),
    )];
    if r.per_staff_day.is_empty() {
        lines.push(Line::raw(app.t(Msg::AuNone)));
    }
    for d in &r.per_staff_day {
        lines.push(Line::raw(format!(
            "  {}  {:<12} {}",
            d.date,
            sanitize(&d.staff, false),
            d.lookups
        )));
    }
    for (title, list) in [
        (Msg::AuReportUnfollowed, &r.unfollowed),
        (Msg::AuReportAfterHours, &r.after_hours),
    ] {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("{} ({})", app.t(title), list.len()),
            theme::title(),
        ));
        if list.is_empty() {
            lines.push(Line::raw(app.t(Msg::AuNone)));
        }
        for l in list {
            lines.push(Line::raw(format!(
                "  #{} {} {} {} {} {}",
                l.id,
                clock::from_db(&l.at_utc)
                    .map(clock::fmt_jst)
                    .unwrap_or_default(),
                sanitize(&l.staff, false),
                l.action,
                sanitize(l.subject.as_deref().unwrap_or("-"), false),
                sanitize(l.purpose.as_deref().unwrap_or(""), false),
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines).scroll((a.scroll, 0)), area);
}
