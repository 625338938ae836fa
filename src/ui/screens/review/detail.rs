//! The submission detail drawn (SPEC §2.3): its lines (state, deadline, visit reasons,
//! findings, checklist, comments, the sections of the offer, the changes, history) and the
//! dialogs over it (reason input, colleague picker). Apart from the queue and the dashboard
//! because it is the longest screen and shares nothing with them but the heading style.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Borders, Clear, Paragraph, Row, Table, TableState};

use crate::app::App;
use crate::app::form::Form;
use crate::app::review::{DetailView, Dialog, Picker};
use crate::domain::job::JobSection;
use crate::domain::submission::{SubmissionKind, SubmissionState};
use crate::domain::text::sanitize;
use crate::domain::validate::Severity;
use crate::i18n::findings::{
    FieldSet, field_label, job_section_heading, severity_label, stored_finding_message,
};
use crate::i18n::ui::Msg;
use crate::service::review::Detail;
use crate::ui::{theme, widgets};

use super::heading;

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
                crate::i18n::labels::paren(app.lang, app.t(Msg::Myself))
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
        ("handover", Some(d)) => {
            crate::i18n::labels::paren(app.lang, format!("→ {}", d.trim_start_matches("to:")))
        }
        ("follow_up", None) => {
            crate::i18n::labels::paren(app.lang, app.t(Msg::HistFollowUpCleared))
        }
        ("follow_up" | "visit" | "return" | "reject" | "approve" | "visit_flag", Some(d)) => {
            crate::i18n::labels::paren(app.lang, d)
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
        l.push(heading(app.lang, app.t(Msg::LabelVisitReasons)));
        for r in &d.visit_reasons {
            let r = crate::i18n::labels::visit_reason(app.lang, &r.code, &r.label);
            l.push(Line::from(Span::styled(
                crate::i18n::labels::bullet(app.lang, r),
                theme::warning(),
            )));
        }
        if let Some(f) = &d.visit_flag {
            l.push(Line::from(Span::styled(
                crate::i18n::labels::bullet(app.lang, f),
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
        l.push(heading(app.lang, app.t(Msg::LabelFindings)));
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
        l.push(heading(app.lang, app.t(Msg::LabelChecklist)));
        for item in crate::domain::review::CHECKLIST {
            let label = crate::i18n::labels::check_item_label(app.lang, item);
            let mark = if d.checklist.iter().any(|c| c == item.code()) {
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
        l.push(heading(app.lang, app.t(Msg::LabelComments)));
        for c in &d.comments {
            let at = crate::clock::from_db(&c.at).map_or(c.at.clone(), crate::clock::fmt_jst);
            l.push(Line::from(format!(
                "  {at} {}: {}",
                c.staff_name,
                c.body.as_deref().unwrap_or("")
            )));
        }
    }
    l.push(heading(
        app.lang,
        crate::i18n::labels::submission_kind_label(app.lang, d.kind),
    ));
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
                        format!(
                            " {}",
                            crate::i18n::labels::section(
                                app.lang,
                                job_section_heading(app.lang, s)
                            )
                        ),
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
        l.push(heading(
            app.lang,
            &format!("{} (v{})", app.t(Msg::LabelDiff), d.versions),
        ));
        for (f, old, new) in &d.diff {
            l.push(Line::from(format!(
                "  {}: {old} → {new}",
                field_label(app.lang, FieldSet::Submission, f)
            )));
        }
    }
    l.push(heading(app.lang, app.t(Msg::LabelHistory)));
    for h in &d.history {
        l.push(Line::from(history_line(app, h)));
    }
    l
}
