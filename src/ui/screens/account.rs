//! The account screen: the state at a glance (R-REG-6) and every mail to the account (R-MAIL-5).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};

use crate::app::App;
use crate::app::account::Account;
use crate::clock;
use crate::domain::account::{AccountKind, AccountOrigin};
use crate::domain::mail::MailState;
use crate::domain::text::sanitize;
use crate::i18n::ui::Msg;
use crate::service::accounts::{AccountStatus, AccountView};
use crate::ui::{theme, widgets};

/// 「認証キー発行済（14:50まで有効）」 and its colour: [`AccountView::status`] in words.
#[must_use]
pub fn state_line(app: &App, v: &AccountView) -> (String, Style) {
    let when = |s: &Option<String>| {
        s.as_deref()
            .and_then(clock::from_db)
            .map(clock::fmt_jst)
            .unwrap_or_default()
    };
    match v.status() {
        AccountStatus::AwaitingRequest => {
            (app.t(Msg::StateAwaitingRequest).to_string(), Style::new())
        }
        AccountStatus::KeyLive { until } => (
            crate::i18n::labels::with_paren(
                app.lang,
                app.t(Msg::StateKeyPending),
                crate::i18n::ui::valid_until(app.lang, clock::fmt_jst_hm(until)),
            ),
            Style::new(),
        ),
        AccountStatus::KeyExpired { .. } => {
            (app.t(Msg::StateKeyExpired).to_string(), theme::warning())
        }
        AccountStatus::KeyLocked => (app.t(Msg::StateKeyLocked).to_string(), theme::warning()),
        AccountStatus::Provisional { completed, .. } => (
            format!("{} {}", app.t(Msg::StateActivated), when(&completed)),
            theme::success(),
        ),
        AccountStatus::Open { since } => (
            format!("{} {}", app.t(Msg::StateOpened), when(&since)),
            theme::success(),
        ),
        AccountStatus::Invalid { at } => (
            format!("{} {}", app.t(Msg::StateInvalid), when(&at)),
            theme::error(),
        ),
        AccountStatus::Withdrawn { at } => (
            format!("{} {}", app.t(Msg::StateWithdrawn), when(&at)),
            theme::dim(),
        ),
    }
}

#[must_use]
pub fn mail_state_label(s: MailState) -> Msg {
    match s {
        MailState::Queued => Msg::MailQueued,
        MailState::Sending => Msg::MailSending,
        MailState::Sent => Msg::MailSent,
        MailState::Failed => Msg::MailStateFailed,
        MailState::Held => Msg::MailHeld,
        MailState::Cancelled => Msg::MailCancelled,
        MailState::Expired => Msg::MailExpired,
    }
}

#[must_use]
pub fn mail_style(s: MailState) -> Style {
    match s {
        MailState::Failed => theme::error(),
        MailState::Expired | MailState::Held => theme::warning(),
        MailState::Sent => theme::success(),
        MailState::Cancelled => theme::dim(),
        MailState::Queued | MailState::Sending => Style::new(),
    }
}

pub fn draw(frame: &mut Frame<'_>, app: &App, a: &Account, area: Rect) {
    let b = widgets::block(app, app.t(Msg::AccountTitle));
    let inner = b.inner(area).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(b, area);
    let search_h = if a.editing {
        widgets::form_height(app, &a.search, inner.width, 20)
    } else {
        2
    };
    let [search, details] =
        Layout::vertical([Constraint::Length(search_h), Constraint::Min(1)]).areas(inner);
    if a.editing {
        widgets::form(frame, app, &a.search, search, 20);
    } else {
        let line = Line::from(vec![
            Span::styled(
                widgets::fit(&format!("  {}", app.t(Msg::FieldEmail)), 20),
                theme::dim(),
            ),
            Span::raw(a.search.value("email")),
        ]);
        frame.render_widget(Paragraph::new(line), search);
    }
    let Some(v) = &a.view else {
        frame.render_widget(
            Paragraph::new(app.t(Msg::AccountEmpty)).style(theme::dim()),
            details,
        );
        return;
    };
    let (state, style) = state_line(app, v);
    let row = |label: Msg, value: String, style: Style| {
        Line::from(vec![
            Span::styled(widgets::fit(app.t(label), 20), theme::title()),
            Span::styled(value, style),
        ])
    };
    let date = |s: &Option<String>| s.as_deref().and_then(clock::from_db).map(clock::fmt_jst);
    let mut lines = vec![
        row(Msg::AccountState, state, style),
        row(
            Msg::FieldKind,
            format!(
                "{}   ID {}",
                app.t(if v.account.kind == AccountKind::Employer {
                    Msg::KindEmployer
                } else {
                    Msg::KindSeeker
                }),
                v.account.id
            ),
            Style::new(),
        ),
        row(
            Msg::LabelOrigin,
            app.t(match v.account.origin {
                AccountOrigin::Counter => Msg::OriginCounter,
                AccountOrigin::SelfRegistered => Msg::OriginSelf,
            })
            .to_string(),
            Style::new(),
        ),
    ];
    if let Some(k) = &v.key {
        lines.push(row(
            Msg::LabelKey,
            format!(
                "{} {}  {} {}  {} {}",
                app.t(Msg::Issued),
                clock::fmt_jst(k.issued_at),
                app.t(Msg::ExpiresAt),
                clock::fmt_jst_hm(k.expires_at),
                app.t(Msg::WrongTries),
                k.wrong_tries
            ),
            Style::new(),
        ));
    }
    match v.account.kind {
        AccountKind::Employer => {
            let n = v
                .account
                .establishment_number
                .clone()
                .unwrap_or_else(|| app.t(Msg::NotGiven).to_string());
            lines.push(row(Msg::FieldEstablishmentNumber, n, Style::new()));
        }
        AccountKind::Seeker => {
            let name = crate::i18n::labels::with_paren(
                app.lang,
                sanitize(v.account.name.as_deref().unwrap_or(""), false),
                sanitize(v.account.name_kana.as_deref().unwrap_or(""), false),
            );
            lines.push(row(Msg::FieldName, name, Style::new()));
            lines.push(row(
                Msg::FieldSeekerNumber,
                v.account.seeker_number.clone().unwrap_or_default(),
                Style::new(),
            ));
        }
    }
    if let Some(d) = date(&v.account.activated_at) {
        lines.push(row(Msg::LabelActivated, d, Style::new()));
    }
    if let Some(d) = &v.account.provisional_deadline {
        lines.push(row(Msg::LabelDeadline, d.clone(), Style::new()));
    }
    if let Some(d) = date(&v.account.opened_at) {
        lines.push(row(Msg::LabelOpenedAt, d, Style::new()));
    }
    lines.push(row(
        Msg::LabelRegisteredAt,
        date(&Some(v.account.created_at.clone())).unwrap_or_default(),
        Style::new(),
    ));
    // Provisional submissions, numbered for the digit keys that open them.
    for (i, (id, kind, state, name, deadline)) in a
        .submissions
        .iter()
        .take(crate::app::account::SUBMISSIONS_SHOWN)
        .enumerate()
    {
        let head = if i == 0 {
            app.t(Msg::LabelSubmissions)
        } else {
            ""
        };
        lines.push(Line::from(vec![
            Span::styled(widgets::fit(head, 20), theme::title()),
            Span::raw(format!(
                "{} #{id} {} {} [{}] {}",
                i + 1,
                crate::i18n::labels::submission_kind_label(app.lang, *kind),
                widgets::fit(name, 24),
                crate::i18n::labels::submission_state_label(app.lang, *state),
                deadline.as_deref().unwrap_or("")
            )),
        ]));
    }
    if let Some(alert) = a.mail_alert(app.now()) {
        lines.push(Line::from(Span::styled(app.t(alert), theme::error())));
    }
    // A value longer than the row goes on under the value column, not off the screen (an
    // English key line at 80 columns).
    let lines: Vec<Line<'static>> = lines
        .iter()
        .flat_map(|l| widgets::wrap_words(l, usize::from(details.width), 20))
        .collect();
    let h = u16::try_from(lines.len()).unwrap_or(10);
    let [top, _, mails] = Layout::vertical([
        Constraint::Length(h),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(details);
    frame.render_widget(Paragraph::new(lines), top);
    let rows: Vec<Row<'_>> = v
        .mails
        .iter()
        .map(|m| {
            let when = clock::from_db(m.sent_at.as_deref().unwrap_or(&m.created_at))
                .map(clock::fmt_jst)
                .unwrap_or_default();
            Row::new(vec![
                when,
                sanitize(&m.subject, false),
                app.t(mail_state_label(m.state)).to_string(),
                sanitize(
                    &crate::i18n::delivery::explain(
                        app.lang,
                        m.last_reply.as_deref().unwrap_or(""),
                    ),
                    false,
                ),
            ])
            .style(mail_style(m.state))
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Min(20),
            Constraint::Length(10),
            Constraint::Length(16),
        ],
    )
    .header(
        Row::new(vec![
            app.t(Msg::ColTime),
            app.t(Msg::ColSubject),
            app.t(Msg::ColState),
            app.t(Msg::ColReply),
        ])
        .style(theme::title()),
    )
    .row_highlight_style(theme::focused());
    let mut state = TableState::default().with_selected(Some(a.mail_cursor));
    frame.render_stateful_widget(table, mails, &mut state);
}
