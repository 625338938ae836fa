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
        Mode::Row => app.t(Msg::AuRowTitle),
    };
    let b = widgets::block(app, title);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    match a.mode {
        Mode::Filter => return widgets::form(frame, app, &a.filter_form, inner, 14),
        Mode::Export => return widgets::form(frame, app, &a.export_form, inner, 16),
        Mode::Report => return draw_report(frame, app, a, inner),
        Mode::Row => return draw_row(frame, app, a, inner),
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
            f.since.map(|d| crate::i18n::labels::since(app.lang, d)),
            f.until.map(|d| crate::i18n::labels::until(app.lang, d)),
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
    draw_table(frame, app, a, table_area);
}

/// One audit row as the table shows it.
struct Cells {
    time: String,
    staff: String,
    action: String,
    subject: String,
    purpose: String,
    outcome: String,
    terminal: String,
}

/// The rows at any width: actions and outcomes in words; the id column as wide as its
/// longest id, so `submission:19` is never shown as `submission:1`; the free text (purpose,
/// terminal) gives way and is marked with … where cut. Enter opens a row in full.
fn draw_table(frame: &mut Frame<'_>, app: &App, a: &AuditView, area: Rect) {
    let total = usize::from(area.width);
    let wide = total >= 110;
    let time = |at: &str| {
        let t = clock::from_db(at).map(clock::fmt_jst).unwrap_or_default();
        if wide {
            t
        } else {
            // "2026-11-24 10:30" → "11-24 10:30" (the year is in the row's detail).
            t.get(5..).map(str::to_string).unwrap_or(t)
        }
    };
    let cells: Vec<Cells> = a
        .rows
        .iter()
        .map(|r| {
            let e = &r.entry;
            Cells {
                time: time(&e.at_utc),
                staff: sanitize(e.staff_name.as_deref().unwrap_or("-"), false),
                action: crate::i18n::audit::action(app.lang, &e.action),
                subject: sanitize(e.subject.as_deref().unwrap_or(""), false),
                purpose: sanitize(
                    &crate::i18n::audit::purpose(app.lang, e.purpose.as_deref().unwrap_or("")),
                    false,
                ),
                outcome: crate::i18n::audit::outcome(app.lang, &e.outcome),
                terminal: sanitize(e.terminal.as_str(), false),
            }
        })
        .collect();
    let widest = |h: Msg, f: &dyn Fn(&Cells) -> &str, cap: usize| {
        cells
            .iter()
            .map(|c| widgets::width(f(c)))
            .chain(std::iter::once(widgets::width(app.t(h))))
            .max()
            .unwrap_or(0)
            .min(cap)
    };
    let w_time = if wide { 16 } else { 11 };
    let w_staff = widest(Msg::ColStaff, &|c| c.staff.as_str(), 10);
    let w_action = widest(Msg::ColAction, &|c| c.action.as_str(), 18);
    let w_subject = widest(Msg::ColSubject, &|c| c.subject.as_str(), 32);
    let w_outcome = widest(Msg::ColOutcome, &|c| c.outcome.as_str(), 8);
    let w_terminal = if wide {
        widest(Msg::ColTerminal, &|c| c.terminal.as_str(), 16)
    } else {
        0
    };
    let gaps = if wide { 6 } else { 5 };
    let w_purpose = total
        .saturating_sub(w_time + w_staff + w_action + w_subject + w_outcome + w_terminal + gaps)
        .max(4);
    let mut widths = vec![w_time, w_staff, w_action, w_subject, w_purpose, w_outcome];
    let mut header = vec![
        app.t(Msg::ColTime),
        app.t(Msg::ColStaff),
        app.t(Msg::ColAction),
        app.t(Msg::ColSubject),
        app.t(Msg::ColPurpose),
        app.t(Msg::ColOutcome),
    ];
    if wide {
        widths.push(w_terminal);
        header.push(app.t(Msg::ColTerminal));
    }
    let rows: Vec<Row<'_>> = cells
        .iter()
        .map(|c| {
            let mut v = vec![
                widgets::ellipsize(&c.time, w_time),
                widgets::ellipsize(&c.staff, w_staff),
                widgets::ellipsize(&c.action, w_action),
                widgets::ellipsize(&c.subject, w_subject),
                widgets::ellipsize(&c.purpose, w_purpose),
                widgets::ellipsize(&c.outcome, w_outcome),
            ];
            if wide {
                v.push(widgets::ellipsize(&c.terminal, w_terminal));
            }
            Row::new(v)
        })
        .collect();
    let constraints: Vec<Constraint> = widths
        .iter()
        .map(|w| Constraint::Length(u16::try_from(*w).unwrap_or(u16::MAX)))
        .collect();
    let header: Vec<String> = header
        .iter()
        .zip(&widths)
        .map(|(h, w)| widgets::ellipsize(h, *w))
        .collect();
    let table = Table::new(rows, constraints)
        .header(Row::new(header).style(theme::title()))
        .row_highlight_style(theme::focused());
    let mut state = TableState::default().with_selected(Some(a.cursor));
    frame.render_stateful_widget(table, area, &mut state);
}

/// One row in full: every field, wrapped, nothing cut (issue 15 item 4).
fn draw_row(frame: &mut Frame<'_>, app: &App, a: &AuditView, area: Rect) {
    use ratatui::text::Line;
    let Some(r) = a.selected() else { return };
    let e = &r.entry;
    let at = clock::from_db(&e.at_utc);
    let field = |label: Msg, value: String| {
        Line::from(vec![
            Span::styled(format!("{}: ", app.t(label)), theme::title()),
            Span::raw(value),
        ])
    };
    let opt = |v: Option<&str>| sanitize(v.unwrap_or("-"), false);
    let mut lines = vec![
        field(Msg::AuRowNumber, format!("#{}", r.id)),
        field(
            Msg::AuRowTimeJst,
            at.map(|t| clock::to_jst(t).format("%Y-%m-%d %H:%M:%S JST").to_string())
                .unwrap_or_default(),
        ),
        field(Msg::AuRowTimeUtc, sanitize(&e.at_utc, false)),
        field(
            Msg::ColStaff,
            match (e.staff_name.as_deref(), e.staff_id) {
                (Some(n), Some(id)) => format!("{} (#{id})", sanitize(n, false)),
                (n, _) => opt(n),
            },
        ),
        field(
            Msg::AuRowRoles,
            e.staff_roles.as_deref().map_or_else(
                || "-".to_string(),
                |list| {
                    let named: Vec<&str> = crate::domain::staff::Roles::parse_list(list)
                        .iter()
                        .map(|r| app.t(crate::app::staff::role_label(r)))
                        .collect();
                    format!(
                        "{} ({})",
                        crate::i18n::labels::join_list(app.lang, &named),
                        sanitize(list, false)
                    )
                },
            ),
        ),
        field(Msg::ColTerminal, sanitize(&e.terminal, false)),
        field(
            Msg::ColAction,
            crate::i18n::audit::action(app.lang, &e.action),
        ),
        field(Msg::AuRowCode, sanitize(&e.action, false)),
        field(Msg::ColSubject, opt(e.subject.as_deref())),
        field(
            Msg::ColPurpose,
            opt(e
                .purpose
                .as_deref()
                .map(|p| crate::i18n::audit::purpose(app.lang, p))
                .as_deref()),
        ),
        field(
            Msg::ColOutcome,
            format!(
                "{} ({})",
                crate::i18n::audit::outcome(app.lang, &e.outcome),
                sanitize(&e.outcome, false)
            ),
        ),
        field(Msg::AuRowDetail, String::new()),
    ];
    for l in opt(e.detail.as_deref()).lines() {
        lines.push(Line::raw(format!("  {l}")));
    }
    let rows = lines
        .iter()
        .flat_map(|l| widgets::wrap_words(l, usize::from(area.width), 2))
        .collect();
    widgets::scrolled(frame, app, rows, area, a.scroll);
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
                crate::i18n::audit::action(app.lang, &l.action),
                sanitize(l.subject.as_deref().unwrap_or("-"), false),
                sanitize(
                    &crate::i18n::audit::purpose(app.lang, l.purpose.as_deref().unwrap_or("")),
                    false
                ),
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines).scroll((a.scroll, 0)), area);
}
