//! Review screens: queues (R-REV-6), submission detail (SPEC §2.3), supervisor dashboard.
//! Every text from outside was sanitised by the service; names are shown, never raw bytes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Borders, Clear, Paragraph, Row, Table, TableState, Wrap};

use crate::app::App;
use crate::app::form::Form;
use crate::app::review::{DashboardView, DetailView, Dialog, Picker, QueueView};
use crate::domain::deadline::Urgency;
use crate::domain::job::{JobCategoryKind, JobSection};
use crate::domain::mail::MailState;
use crate::domain::queue::{Queue, Sort};
use crate::domain::submission::{SubmissionKind, SubmissionState};
use crate::domain::text::sanitize;
use crate::domain::validate::Severity;
use crate::i18n::findings::{
    FieldSet, field_label, job_section_heading, severity_label, stored_finding_message,
};
use crate::i18n::ui::Msg;
use crate::service::review::Detail;
use crate::ui::screens::account::mail_state_label;
use crate::ui::{theme, widgets};

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
    let mut widths = vec![
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(6),
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

fn heading(text: &str) -> Line<'static> {
    Line::from(Span::styled(format!("【{text}】"), theme::title()))
}

pub fn draw_detail(frame: &mut Frame<'_>, app: &App, v: &DetailView, area: Rect) {
    let d = &v.detail;
    let b = widgets::block(app, app.t(Msg::DetailTitle));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    // The reasons offered, every one whole (as many rows as they need at this width).
    let choices = match &v.dialog {
        Some(Dialog::Reason(reject, _)) => {
            let list = if *reject {
                &app.cfg.review.reject_reasons
            } else {
                &app.cfg.review.return_reasons
            };
            let items: Vec<String> = list
                .iter()
                .enumerate()
                .map(|(i, r)| format!("{} {}", i + 1, sanitize(r, false)))
                .collect();
            widgets::pack(&items, usize::from(inner.width), theme::dim())
        }
        _ => Vec::new(),
    };
    let choice_rows = u16::try_from(choices.len()).unwrap_or(u16::MAX);
    // A form takes the bottom of the box, the detail stays readable above it.
    let form_rows = match &v.dialog {
        Some(Dialog::Reason(..)) => choice_rows.saturating_add(4),
        Some(Dialog::Comment(_) | Dialog::FollowUp(_)) => 3,
        _ => 0,
    };
    let [body, form_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(form_rows)]).areas(inner);
    // Scrolled past the end, the last lines stay at the bottom instead of an empty box.
    let lines = widgets::wrap_lines(detail_lines(app, d), usize::from(body.width));
    let last =
        u16::try_from(lines.len().saturating_sub(usize::from(body.height))).unwrap_or(u16::MAX);
    v.scroll_end.set(last);
    frame.render_widget(Paragraph::new(lines).scroll((v.scroll.min(last), 0)), body);
    match &v.dialog {
        Some(Dialog::Reason(_, form)) => {
            let [list, f] = Layout::vertical([Constraint::Length(choice_rows), Constraint::Min(2)])
                .areas(form_area);
            frame.render_widget(Paragraph::new(choices), list);
            widgets::form(frame, app, form, f, 16);
        }
        Some(Dialog::Comment(form)) => input_box(frame, app, Msg::CommentTitle, form, form_area),
        Some(Dialog::FollowUp(form)) => input_box(frame, app, Msg::FollowUpTitle, form, form_area),
        Some(Dialog::HandOver(p)) => picker(frame, app, p, inner),
        Some(Dialog::Check(c)) => {
            let item = format!("#{} {}", d.id, d.display_name);
            crate::ui::checklist::draw(frame, app, &item, c, area);
        }
        None => {}
    }
}

/// A one-field dialog under the detail: a titled rule, the field, its hint or error (the
/// whole width, so the longest error message fits in 80 columns).
fn input_box(frame: &mut Frame<'_>, app: &App, title: Msg, form: &Form, area: Rect) {
    frame.render_widget(Clear, area);
    let b = widgets::block(app, app.t(title)).borders(Borders::TOP);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    widgets::form(frame, app, form, inner, 13);
}

/// The colleagues to hand the item to, over the detail.
fn picker(frame: &mut Frame<'_>, app: &App, p: &Picker, area: Rect) {
    let me = app.session.as_ref().map(|s| s.ctx.staff_id);
    let rows = u16::try_from(p.colleagues.len()).unwrap_or(u16::MAX);
    let r = widgets::centered(area, 52, rows.saturating_add(4));
    widgets::clear_popup(frame, r);
    let b = widgets::block(app, app.t(Msg::HandOverTitle));
    let inner = b.inner(r);
    frame.render_widget(b, r);
    let [intro, _, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(Span::styled(app.t(Msg::HandOverIntro), theme::dim())),
        intro,
    );
    let rows: Vec<Row<'_>> = p
        .colleagues
        .iter()
        .map(|c| {
            let mine = if Some(c.id) == me {
                format!("（{}）", app.t(Msg::Myself))
            } else {
                String::new()
            };
            Row::new(vec![format!(" {}{mine}", c.display_name), c.name.clone()])
        })
        .collect();
    let table = Table::new(rows, [Constraint::Min(20), Constraint::Length(16)])
        .row_highlight_style(theme::focused());
    let mut state = TableState::default().with_selected(Some(p.cursor));
    frame.render_stateful_widget(table, list, &mut state);
}

/// One history row: when, who, what (with its date, colleague or reason), and the new state.
fn history_line(app: &App, h: &crate::storage::review::HistoryRow) -> String {
    let at = crate::clock::from_db(&h.at).map_or(h.at.clone(), crate::clock::fmt_jst);
    let what = crate::i18n::ui::history_action(&h.action).map_or(h.action.as_str(), |m| app.t(m));
    let detail = match (h.action.as_str(), h.detail.as_deref()) {
        ("handover", Some(d)) => format!("（→ {}）", d.trim_start_matches("to:")),
        ("follow_up", None) => format!("（{}）", app.t(Msg::HistFollowUpCleared)),
        ("follow_up" | "visit" | "return" | "reject" | "approve" | "visit_flag", Some(d)) => {
            format!("（{d}）")
        }
        _ => String::new(),
    };
    let to = h
        .to_state
        .as_deref()
        .and_then(crate::domain::submission::SubmissionState::parse)
        .map_or(String::new(), |s| {
            format!(
                " → {}",
                crate::i18n::labels::submission_state_label(app.lang, s)
            )
        });
    format!(
        "  {at} {} {what}{detail}{to}",
        h.staff_name.as_deref().unwrap_or(app.t(Msg::LabelSystem))
    )
}

fn detail_lines<'a>(app: &App, d: &'a Detail) -> Vec<Line<'a>> {
    let mut l: Vec<Line<'_>> = Vec::new();
    l.push(Line::from(vec![
        Span::styled(format!("#{} ", d.id), theme::title()),
        Span::raw(format!(
            "{}  {}  [{}]",
            crate::i18n::labels::submission_kind_label(app.lang, d.kind),
            d.display_name,
            crate::i18n::labels::submission_state_label(app.lang, d.state)
        )),
    ]));
    let dl_style = match d.urgency {
        Some("overdue") => theme::error(),
        Some("soon") => theme::warning(),
        _ => Style::new(),
    };
    l.push(Line::from(vec![
        Span::raw(format!("{}: ", app.t(Msg::ColDeadline))),
        Span::styled(
            format!(
                "{}  ({} {})",
                d.deadline.as_deref().unwrap_or("-"),
                app.t(Msg::LabelDaysLeft),
                d.days_left.map_or("-".into(), |x| x.to_string())
            ),
            dl_style,
        ),
        Span::raw(format!(
            "   {}: {}",
            app.t(Msg::LabelAssigned),
            d.assigned.as_deref().unwrap_or("-")
        )),
    ]));
    // Who checked it and when (issue 15 item 14): the approver's four-eyes question. A
    // returned or resubmitted item's old check is in its history only.
    let check_holds = matches!(
        d.state,
        SubmissionState::Checked | SubmissionState::Registered
    );
    if let Some(by) = d.checked_by.as_ref().filter(|_| check_holds) {
        l.push(Line::from(format!(
            "{}: {by}   {}: {}",
            app.t(Msg::LabelCheckedBy),
            app.t(Msg::LabelCheckedAt),
            d.checked_at.as_deref().unwrap_or("-")
        )));
    }
    if d.deadline_unofficial {
        l.push(Line::from(Span::styled(
            format!("  {}", app.t(Msg::DetailDeadlineNoOfficialData)),
            theme::warning(),
        )));
    }
    l.push(Line::from(format!(
        "{}: {} {}  {}   {}: {}",
        app.t(Msg::LabelNumbers),
        d.establishment_number.as_deref().unwrap_or("-"),
        d.job_number.as_deref().unwrap_or(""),
        d.external_id,
        app.t(Msg::LabelFollowUp),
        d.follow_up_date.as_deref().unwrap_or("-")
    )));
    if d.visit_needed || !d.visit_reasons.is_empty() {
        l.push(heading(app.t(Msg::LabelVisitReasons)));
        for r in &d.visit_reasons {
            let r = crate::i18n::labels::visit_reason(app.lang, &r.code, &r.label);
            l.push(Line::from(Span::styled(
                format!("  ・{r}"),
                theme::warning(),
            )));
        }
        if let Some(f) = &d.visit_flag {
            l.push(Line::from(Span::styled(
                format!("  ・{f}"),
                theme::warning(),
            )));
        }
        l.push(Line::from(format!(
            "  {}: {}",
            app.t(Msg::LabelVisitRecorded),
            d.visit_date.as_deref().unwrap_or("-")
        )));
    }
    if !d.findings.is_empty() {
        l.push(heading(app.t(Msg::LabelFindings)));
        for f in &d.findings {
            let severity = if f.severity == "error" {
                Severity::Error
            } else {
                Severity::Warning
            };
            let style = if severity == Severity::Error {
                theme::error()
            } else {
                theme::warning()
            };
            l.push(Line::from(Span::styled(
                format!(
                    "  [{}] {}",
                    severity_label(app.lang, severity),
                    stored_finding_message(app.lang, &f.field, &f.rule, f.param.as_deref())
                ),
                style,
            )));
        }
    }
    if !d.checklist.is_empty() {
        l.push(heading(app.t(Msg::LabelChecklist)));
        for (code, _) in crate::domain::review::CHECKLIST {
            let label = crate::i18n::labels::checklist_label(app.lang, code);
            let mark = if d.checklist.iter().any(|c| c == code) {
                "x"
            } else {
                " "
            };
            l.push(Line::from(format!("  [{mark}] {label}")));
        }
    }
    // Comments are the reviewers' notes to each other: above the long list of fields, so a
    // comment just added is in view.
    if !d.comments.is_empty() {
        l.push(heading(app.t(Msg::LabelComments)));
        for c in &d.comments {
            let at = crate::clock::from_db(&c.at).map_or(c.at.clone(), crate::clock::fmt_jst);
            l.push(Line::from(format!(
                "  {at} {}: {}",
                c.staff_name,
                c.body.as_deref().unwrap_or("")
            )));
        }
    }
    l.push(heading(crate::i18n::labels::submission_kind_label(
        app.lang, d.kind,
    )));
    // A job offer's fields under the headings of the Internet Service's input screens; the
    // service lists them in screen order, so a heading goes where the section changes.
    let mut section = None;
    for (k, val) in &d.fields {
        if d.kind == SubmissionKind::Job {
            let s = JobSection::of_field(k);
            if s.is_some() && s != section {
                section = s;
                if let Some(s) = s {
                    l.push(Line::from(Span::styled(
                        format!(" ［{}］", job_section_heading(app.lang, s)),
                        theme::title(),
                    )));
                }
            }
        }
        l.push(Line::from(format!(
            "  {}: {}",
            field_label(app.lang, FieldSet::Submission, k),
            val.replace('\n', " ")
        )));
    }
    if !d.diff.is_empty() {
        l.push(heading(&format!(
            "{} (v{})",
            app.t(Msg::LabelDiff),
            d.versions
        )));
        for (f, old, new) in &d.diff {
            l.push(Line::from(format!(
                "  {}: {old} → {new}",
                field_label(app.lang, FieldSet::Submission, f)
            )));
        }
    }
    l.push(heading(app.t(Msg::LabelHistory)));
    for h in &d.history {
        l.push(Line::from(history_line(app, h)));
    }
    l
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
    l.push(heading(app.t(Msg::DashThroughput)));
    for (who, a, n) in &d.throughput {
        let a = crate::i18n::ui::history_action(a).map_or(a.as_str(), |m| app.t(m));
        l.push(Line::from(format!("  {who}  {a} {n}")));
    }
    l.push(heading(app.t(Msg::DashOldest)));
    if let Some((id, name, dl)) = &d.oldest {
        l.push(Line::from(format!(
            "  #{id} {name}  {}",
            dl.as_deref().unwrap_or("-")
        )));
    }
    l.push(heading(app.t(Msg::DashCategory)));
    l.push(Line::from(
        d.by_category
            .iter()
            .map(|(c, n)| {
                // Codes as the job offer's form names them ('?' for none given).
                let c = JobCategoryKind::parse(c).map_or(c.as_str(), |k| k.label());
                format!("  {c} {n}")
            })
            .collect::<String>(),
    ));
    l.push(heading(app.t(Msg::DashMail)));
    l.push(Line::from(
        d.mail
            .iter()
            .map(|(s, n)| {
                let s = MailState::parse(s).map_or(s.as_str(), |m| app.t(mail_state_label(m)));
                format!("  {s} {n}")
            })
            .collect::<String>(),
    ));
    l.push(heading(app.t(Msg::DashLocked)));
    l.push(Line::from(format!("  {}", d.locked_staff.join("、"))));
    frame.render_widget(Paragraph::new(l).wrap(Wrap { trim: false }), inner);
}
