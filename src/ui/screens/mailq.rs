//! The mail queue (R-MAIL-7).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};

use crate::app::App;
use crate::app::mailq::MailQueue;
use crate::clock;
use crate::domain::mail::MailState;
use crate::domain::text::sanitize;
use crate::i18n::ui::Msg;
use crate::ui::screens::account::{mail_state_label, mail_style};
use crate::ui::{theme, widgets};

/// `3分`, `2時間`, `5日` (or `3m`, `2h`, `5d`).
fn age(app: &App, secs: i64) -> String {
    crate::i18n::ui::age(app.lang, secs)
}

pub fn draw(frame: &mut Frame<'_>, app: &App, q: &MailQueue, area: Rect) {
    let b = widgets::block(app, app.t(Msg::MailQueueTitle));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let mut spans = Vec::new();
    if let Some(s) = &q.status {
        for (state, n) in &s.counts {
            spans.push(Span::styled(
                format!("{} {n}", app.t(mail_state_label(*state))),
                mail_style(*state),
            ));
            spans.push(Span::raw("  "));
        }
    }
    let filter = q
        .state_filter()
        .map_or(app.t(Msg::MailFilterAll), |s| app.t(mail_state_label(s)));
    let mut second = vec![Span::raw(format!("{}: {filter}", app.t(Msg::LabelFilter)))];
    if let Some(secs) = q.status.as_ref().and_then(|s| s.oldest_waiting_age_seconds) {
        second.push(Span::raw(format!(
            "   {}: {}",
            app.t(Msg::LabelOldest),
            age(app, secs)
        )));
    }
    if let Some(e) = &app.mail.last_error {
        second.push(Span::styled(
            format!(
                "   {}: {}",
                app.t(Msg::MailWorkerError),
                crate::i18n::delivery::explain(app.lang, e)
            ),
            theme::error(),
        ));
    }
    // Both lines wrap by display width: the worker's error is said whole (issue 15 item 5).
    let top: Vec<Line<'static>> = [Line::from(spans), Line::from(second)]
        .iter()
        .flat_map(|l| widgets::wrap_words(l, usize::from(inner.width), 2))
        .collect();
    let [counts, table_area] = Layout::vertical([
        Constraint::Length(u16::try_from(top.len()).unwrap_or(2)),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(top), counts);
    // At 80 columns the next-attempt and try-count columns give way to the address and reply.
    let wide = table_area.width >= 100;
    // What is cut is marked with … (an address cut silently reads as another address).
    let to_w = q
        .lines
        .iter()
        .map(|l| widgets::width(&sanitize(&l.to, false)))
        .max()
        .unwrap_or(0)
        .clamp(4, if table_area.width >= 96 { 36 } else { 22 });
    let fixed = 4 + 8 + 6 + to_w + 18 + if wide { 6 + 4 + 7 } else { 5 };
    let subject_w = usize::from(table_area.width).saturating_sub(fixed).max(14);
    let cut = |s: String, w: usize| widgets::ellipsize(&s, w);
    let rows: Vec<Row<'_>> = q
        .lines
        .iter()
        .map(|l| {
            let next = if matches!(l.state, MailState::Queued | MailState::Sending) {
                l.next_attempt_at
                    .as_deref()
                    .and_then(clock::from_db)
                    .map(clock::fmt_jst_hm)
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let mut cells = vec![
                l.id.to_string(),
                app.t(mail_state_label(l.state)).to_string(),
                age(app, l.age_seconds),
            ];
            if wide {
                cells.push(next);
                cells.push(l.attempts.to_string());
            }
            cells.push(cut(sanitize(&l.to, false), to_w));
            cells.push(cut(
                sanitize(&l.subject, false).replace("【ハローワーク】", ""),
                subject_w,
            ));
            cells.push(cut(
                sanitize(
                    &crate::i18n::delivery::explain(
                        app.lang,
                        l.last_reply.as_deref().unwrap_or(""),
                    ),
                    false,
                ),
                18,
            ));
            Row::new(cells).style(mail_style(l.state))
        })
        .collect();
    // Every state's name whole in either language ("Cancelled" is nine cells).
    let state_w = widgets::column_for(
        MailState::ALL.iter().map(|s| app.t(mail_state_label(*s))),
        8,
    );
    let mut widths = vec![
        Constraint::Length(4),
        Constraint::Length(state_w),
        Constraint::Length(6),
    ];
    let mut header = vec!["ID", app.t(Msg::ColState), app.t(Msg::ColAge)];
    if wide {
        widths.extend([Constraint::Length(6), Constraint::Length(4)]);
        header.extend([app.t(Msg::ColNext), app.t(Msg::ColTries)]);
    }
    widths.extend([
        Constraint::Length(u16::try_from(to_w).unwrap_or(22)),
        Constraint::Min(14),
        Constraint::Length(18),
    ]);
    header.extend([
        app.t(Msg::ColTo),
        app.t(Msg::ColSubject),
        app.t(Msg::ColReply),
    ]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme::title()))
        .row_highlight_style(theme::focused());
    let mut state = TableState::default().with_selected(Some(q.cursor));
    frame.render_stateful_widget(table, table_area, &mut state);
}
