//! Review screens: queues (R-REV-6), submission detail (SPEC §2.3), supervisor dashboard.
//! Every text from outside was sanitised by the service; names are shown, never raw bytes.
//! The detail is drawn in `detail.rs`; this file draws the queues and the dashboard.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};

use crate::app::App;
use crate::app::review::{DashboardView, QueueView};
use crate::domain::deadline::Urgency;
use crate::domain::job::JobCategoryKind;
use crate::domain::mail::MailState;
use crate::domain::queue::{Queue, Sort};
use crate::domain::submission::SubmissionState;
use crate::domain::text::sanitize;
use crate::i18n::ui::Msg;
use crate::ui::screens::account::mail_state_label;
use crate::ui::{theme, widgets};

mod detail;
pub use detail::draw_detail;

#[must_use]
pub fn queue_label(q: Queue) -> Msg {
    match q {
        Queue::Unassigned => Msg::QueueUnassigned,
        Queue::Mine => Msg::QueueMine,
        Queue::Overdue => Msg::QueueOverdue,
        Queue::DueSoon => Msg::QueueDueSoon,
        Queue::Checked => Msg::QueueChecked,
        Queue::Returned => Msg::QueueReturned,
        Queue::Visit => Msg::QueueVisit,
    }
}

fn sort_label(s: Sort) -> Msg {
    match s {
        Sort::Deadline => Msg::SortDeadline,
        Sort::Received => Msg::SortReceived,
        Sort::Name => Msg::SortName,
    }
}

/// Overdue red, at most 2 open days orange (R-DL-3, R-REV-6).
#[must_use]
pub fn urgency_style(u: Option<Urgency>) -> Style {
    match u {
        Some(Urgency::Overdue) => theme::error(),
        Some(Urgency::Soon) => theme::warning(),
        _ => Style::new(),
    }
}

pub fn draw_queue(frame: &mut Frame<'_>, app: &App, q: &QueueView, area: Rect) {
    let b = widgets::block(app, app.t(Msg::QueueTitle));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [tabs, info, table_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    let mut lines: Vec<Line<'_>> = vec![Line::default(), Line::default()];
    for (i, x) in Queue::ALL.iter().enumerate() {
        // Until the counting thread answers, "…" rather than a count that is not one.
        let n = if q.counts.is_empty() {
            "…".to_string()
        } else {
            q.count(*x).to_string()
        };
        let text = format!("{} {} {n}  ", i + 1, app.t(queue_label(*x)));
        let style = if *x == q.queue {
            theme::focused()
        } else {
            Style::new()
        };
        lines[usize::from(i >= 4)]
            .spans
            .push(Span::styled(text, style));
    }
    frame.render_widget(Paragraph::new(lines), tabs);
    // The rows drawn: the view stays put while the cursor moves inside it (QueueView::top).
    let h = usize::from(table_area.height.saturating_sub(1)).max(1);
    q.shown.set(h);
    q.follow();
    let top = q.top.get();
    let mut inf = vec![Span::raw(format!(
        "{}: {}",
        app.t(Msg::LabelSort),
        app.t(sort_label(q.sort))
    ))];
    // The filter being typed: the terminal cursor where the next character goes (the IME
    // window follows it), by display width (issue 15 item 9).
    let mut cursor = None;
    if let Some(form) = &q.filter_form {
        let before: usize = inf.iter().map(|s| widgets::width(&s.content)).sum();
        let label = format!("   {}: ", app.t(Msg::LabelQueueFilter));
        let at = form.get("filter").map_or(0, |f| f.input.visual_cursor());
        cursor = Some(before + widgets::width(&label) + at);
        inf.push(Span::styled(label, theme::input()));
        inf.push(Span::styled(
            widgets::drawable(&form.value("filter")).into_owned(),
            theme::input(),
        ));
    } else if !q.filter.is_empty() {
        inf.push(Span::raw(format!(
            "   {}: {}",
            app.t(Msg::LabelQueueFilter),
            sanitize(&q.filter, false)
        )));
    }
    let [info_left, info_right] =
        Layout::horizontal([Constraint::Min(10), Constraint::Length(24)]).areas(info);
    frame.render_widget(Paragraph::new(Line::from(inf)), info_left);
    if let Some(x) = cursor.filter(|_| app.overlay.is_none()) {
        let x = info_left.x + u16::try_from(x).unwrap_or(u16::MAX);
        frame.set_cursor_position((x.min(info_left.right().saturating_sub(1)), info_left.y));
    }
    if q.lines.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(app.t(Msg::QueueEmpty), theme::dim())),
            table_area,
        );
        return;
    }
    frame.render_widget(
        Paragraph::new(position_text(app, q, top, h)).alignment(ratatui::layout::Alignment::Right),
        info_right,
    );
    // At 80 columns the deadline shows as MM-DD and the establishment column narrows; from
    // 100 columns 確認者 and 確認日時 have columns of their own, at 80 they take the
    // establishment's place in the 確認済 queue, where the approver looks for them (four eyes).
    let wide = table_area.width >= 100;
    let checks = wide || q.queue == Queue::Checked;
    let est_col = q.queue != Queue::Checked || wide;
    // The state column fits the longest name a listed (pending) state has in this language.
    let state_w = widgets::column_for(
        SubmissionState::ALL
            .into_iter()
            .filter(|s| s.is_pending())
            .map(|s| crate::i18n::labels::submission_state_label(app.lang, s)),
        6,
    );
    let mut widths = vec![
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(state_w),
        Constraint::Length(if wide { 10 } else { 5 }),
        Constraint::Length(4),
    ];
    let mut head = vec![
        "ID",
        app.t(Msg::ColKind),
        app.t(Msg::ColState),
        app.t(Msg::ColDeadline),
        app.t(Msg::ColDaysLeft),
        app.t(Msg::ColName),
    ];
    let est_w: u16 = if wide { 20 } else { 16 };
    let mut rest = vec![];
    if est_col {
        rest.push(Constraint::Length(est_w));
        head.push(app.t(Msg::ColEstablishment));
    }
    if checks {
        rest.extend([Constraint::Length(10), Constraint::Length(11)]);
        head.extend([app.t(Msg::ColCheckedBy), app.t(Msg::ColCheckedAt)]);
    }
    rest.push(Constraint::Length(if wide { 10 } else { 8 }));
    head.push(app.t(Msg::ColAssigned));
    // The name takes what the others leave (one column between each two), cut with "…".
    let fixed: u16 = widths
        .iter()
        .chain(rest.iter())
        .map(|c| match c {
            Constraint::Length(n) => *n + 1,
            _ => 0,
        })
        .sum();
    let name_w = usize::from(table_area.width.saturating_sub(fixed).max(14));
    widths.push(Constraint::Min(14));
    widths.extend(rest);
    let from = top.saturating_sub(q.base());
    let rows: Vec<Row<'_>> = q
        .lines
        .iter()
        .skip(from)
        .take(h)
        .map(|l| {
            let r = &l.row;
            let left = l.days_left.map_or("-".to_string(), |d| d.to_string());
            let deadline = r.deadline.clone().unwrap_or_else(|| "-".into());
            let deadline = if wide {
                deadline
            } else {
                deadline.get(5..).unwrap_or(&deadline).to_string()
            };
            let mut cells = vec![
                r.id.to_string(),
                crate::i18n::labels::submission_kind_short(app.lang, r.kind).to_string(),
                crate::i18n::labels::submission_state_label(app.lang, r.state).to_string(),
                deadline,
                left,
                widgets::ellipsize(&r.display_name, name_w),
            ];
            if est_col {
                cells.push(widgets::ellipsize(
                    r.establishment_name.as_deref().unwrap_or(""),
                    usize::from(est_w),
                ));
            }
            if checks {
                // Only a checked item's check is current (a resubmission starts over).
                let (by, at) = if r.state == SubmissionState::Checked {
                    (
                        r.checked_name.as_deref().unwrap_or(""),
                        r.checked_at
                            .as_deref()
                            .and_then(crate::clock::from_db)
                            .map(|t| crate::clock::to_jst(t).format("%m-%d %H:%M").to_string())
                            .unwrap_or_default(),
                    )
                } else {
                    ("", String::new())
                };
                cells.push(widgets::ellipsize(by, 10));
                cells.push(at);
            }
            cells.push(widgets::ellipsize(
                r.assigned_name.as_deref().unwrap_or(""),
                if wide { 10 } else { 8 },
            ));
            Row::new(cells).style(urgency_style(l.urgency))
        })
        .collect();
    let header = Row::new(head).style(theme::title());
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(theme::focused());
    let mut state = TableState::default().with_selected(Some(q.position().saturating_sub(top)));
    frame.render_stateful_widget(table, table_area, &mut state);
}

/// 「201–217 / 494,112」: the rows drawn and how many the queue holds (the kept count), or
/// for a filtered list what is known: all of it once its end is read, else 「多数」.
fn position_text(app: &App, q: &QueueView, top: usize, h: usize) -> String {
    let held_end = q.base() + q.lines.len();
    let last = (top + h).min(held_end);
    let total = if !q.filter.is_empty() {
        if q.at_end() {
            group(held_end)
        } else {
            app.t(Msg::QueueMany).to_string()
        }
    } else if q.at_end() {
        group(held_end)
    } else if q.counts.is_empty() {
        "…".to_string()
    } else {
        // The kept count, never below what is already read.
        group(usize::try_from(q.count(q.queue)).unwrap_or(0).max(held_end))
    };
    format!("{}–{} / {total}", group(top + 1), group(last))
}

/// 494112 → 「494,112」.
fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn draw_dashboard(frame: &mut Frame<'_>, app: &App, v: &DashboardView, area: Rect) {
    let b = widgets::block(app, app.t(Msg::DashboardTitle));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let Some(d) = &v.data else {
        // Until the counting thread's first answer.
        frame.render_widget(Paragraph::new(app.t(Msg::DashReading)), inner);
        return;
    };
    let mut l: Vec<Line<'_>> = Vec::new();
    let counts: Vec<Span<'_>> = d
        .counts
        .iter()
        .map(|(q, n)| Span::raw(format!("{} {n}  ", app.t(queue_label(*q)))))
        .collect();
    l.push(Line::from(counts));
    l.push(heading(app.lang, app.t(Msg::DashThroughput)));
    for (who, a, n) in &d.throughput {
        let a = crate::i18n::ui::history_action(a).map_or(a.as_str(), |m| app.t(m));
        l.push(Line::from(format!("  {who}  {a} {n}")));
    }
    l.push(heading(app.lang, app.t(Msg::DashOldest)));
    if let Some((id, name, dl)) = &d.oldest {
        l.push(Line::from(format!(
            "  #{id} {name}  {}",
            dl.as_deref().unwrap_or("-")
        )));
    }
    l.push(heading(app.lang, app.t(Msg::DashCategory)));
    l.push(Line::from(
        d.by_category
            .iter()
            .map(|(c, n)| {
                // Codes as the job offer's form names them ('?' for none given).
                let c = JobCategoryKind::parse(c).map_or(c.as_str(), |k| {
                    crate::i18n::values::category_label(app.lang, k)
                });
                format!("  {c} {n}")
            })
            .collect::<Vec<_>>()
            .concat(),
    ));
    l.push(heading(app.lang, app.t(Msg::DashMail)));
    l.push(Line::from(
        d.mail
            .iter()
            .map(|(s, n)| {
                let s = MailState::parse(s).map_or(s.as_str(), |m| app.t(mail_state_label(m)));
                format!("  {s} {n}")
            })
            .collect::<Vec<_>>()
            .concat(),
    ));
    l.push(heading(app.lang, app.t(Msg::DashLocked)));
    l.push(Line::from(format!(
        "  {}",
        crate::i18n::labels::join_names(app.lang, &d.locked_staff)
    )));
    frame.render_widget(Paragraph::new(l).wrap(Wrap { trim: false }), inner);
}

fn heading(lang: crate::i18n::Lang, text: &str) -> Line<'static> {
    Line::from(Span::styled(
        crate::i18n::labels::heading(lang, text),
        theme::title(),
    ))
}
