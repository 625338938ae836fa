//! The ID lookup screen: the search form, masked results, the purpose prompt, one customer's
//! record, the identity check and the ID change form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};

use crate::app::App;
use crate::app::lookup::{Lookup, Mode};
use crate::domain::account::{AccountKind, AccountState};
use crate::domain::ids::AccountId;
use crate::i18n::ui::Msg;
use crate::service::lookup::Hit;
use crate::ui::{theme, widgets};

fn kind(app: &App, k: AccountKind) -> &'static str {
    match k {
        AccountKind::Employer => app.t(Msg::KindEmployer),
        AccountKind::Seeker => app.t(Msg::KindSeeker),
    }
}

fn short_state(app: &App, s: Option<AccountState>) -> &'static str {
    match s {
        None => "-",
        Some(AccountState::KeyPending) => app.t(Msg::LkShortKeyPending),
        Some(AccountState::Activated) => app.t(Msg::LkShortActivated),
        Some(AccountState::Opened) => app.t(Msg::StateOpened),
        Some(AccountState::Invalid) => app.t(Msg::StateInvalid),
        Some(AccountState::Withdrawn) => app.t(Msg::StateWithdrawn),
    }
}

fn state(app: &App, s: Option<AccountState>) -> &'static str {
    match s {
        None => "-",
        Some(AccountState::KeyPending) => app.t(Msg::StateWaiting),
        Some(AccountState::Activated) => app.t(Msg::StateActivated),
        Some(AccountState::Opened) => app.t(Msg::StateOpened),
        Some(AccountState::Invalid) => app.t(Msg::StateInvalid),
        Some(AccountState::Withdrawn) => app.t(Msg::StateWithdrawn),
    }
}

fn number(h: &Hit) -> String {
    match h.kind {
        AccountKind::Seeker => h.seeker_number.clone(),
        AccountKind::Employer => h.establishment_number.clone(),
    }
    .unwrap_or_else(|| "-".into())
}

pub fn draw(frame: &mut Frame<'_>, app: &App, l: &Lookup, area: Rect) {
    let b = widgets::block(app, app.t(Msg::LkTitle));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let purpose = app.visit.purpose.as_deref().unwrap_or("-");
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{}: ", app.t(Msg::LkCurrentPurpose)), theme::dim()),
            Span::raw(purpose.to_string()),
        ])),
        top,
    );
    match l.mode {
        Mode::Search => widgets::form(frame, app, &l.search, body, 16),
        Mode::Purpose => super::purpose::prompt(frame, app, &l.purpose, body),
        Mode::Results => draw_results(frame, app, l, body),
        Mode::Detail => draw_detail(frame, app, l, body),
        Mode::Identity => {
            let [d, f] = Layout::vertical([Constraint::Length(7), Constraint::Min(1)]).areas(body);
            draw_detail(frame, app, l, d);
            let [t, f] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(f);
            frame.render_widget(
                Paragraph::new(Line::styled(app.t(Msg::LkIdentityTitle), theme::title())),
                t,
            );
            widgets::form(frame, app, &l.identity, f, 16);
        }
        Mode::Change => {
            let [d, f] = Layout::vertical([Constraint::Length(5), Constraint::Min(1)]).areas(body);
            draw_detail(frame, app, l, d);
            let [t, f] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(f);
            frame.render_widget(
                Paragraph::new(Line::styled(app.t(Msg::LkChangeTitle), theme::title())),
                t,
            );
            widgets::form(frame, app, &l.change, f, 30);
        }
    }
}

fn draw_results(frame: &mut Frame<'_>, app: &App, l: &Lookup, area: Rect) {
    let Some(r) = &l.result else { return };
    let [table_area, foot] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let wide = area.width >= 100;
    let rows: Vec<Row<'_>> = r
        .hits
        .iter()
        .map(|h| {
            let style = if h.state.is_some_and(AccountState::is_live) {
                ratatui::style::Style::new()
            } else {
                theme::dim()
            };
            let mut cells = vec![
                kind(app, h.kind).to_string(),
                number(h),
                h.email_masked.clone().unwrap_or_else(|| "-".into()),
                short_state(app, h.state).to_string(),
                h.name.clone(),
            ];
            if wide {
                cells.push(h.phone_masked.clone().unwrap_or_default());
            }
            Row::new(cells).style(style)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(6),
        Constraint::Length(13),
        Constraint::Length(if wide { 30 } else { 24 }),
        Constraint::Length(8),
        Constraint::Min(10),
    ];
    let mut header = vec![
        app.t(Msg::LkColKind),
        app.t(Msg::LkColNumber),
        app.t(Msg::LkColEmail),
        app.t(Msg::ColState),
        app.t(Msg::LkColName),
    ];
    if wide {
        widths.push(Constraint::Length(13));
        header.push(app.t(Msg::LkColPhone));
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme::title()))
        .row_highlight_style(theme::focused());
    let mut st = TableState::default().with_selected(Some(l.cursor));
    frame.render_stateful_widget(table, table_area, &mut st);
    let text = if r.truncated {
        Span::styled(app.t(Msg::LkTruncated), theme::warning())
    } else {
        Span::styled(
            format!("{} {}", r.hits.len(), app.t(Msg::Rows)),
            theme::dim(),
        )
    };
    frame.render_widget(Paragraph::new(text), foot);
}

fn draw_detail(frame: &mut Frame<'_>, app: &App, l: &Lookup, area: Rect) {
    let Some(d) = &l.detail else { return };
    let h = &d.hit;
    let label = |m: Msg| Span::styled(format!("{}: ", app.t(m)), theme::dim());
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                format!("#{} ", h.account_id.map_or(0, AccountId::get)),
                theme::title(),
            ),
            Span::raw(format!("{}  {}", kind(app, h.kind), h.name)),
        ]),
        Line::raw(h.name_kana.clone()),
        Line::from(vec![
            label(Msg::LkColNumber),
            Span::raw(number(h)),
            Span::raw("  "),
            label(Msg::ColState),
            Span::raw(state(app, h.state)),
        ]),
    ];
    match &l.revealed {
        Some(email) => lines.push(Line::from(vec![
            label(Msg::LkRevealed),
            Span::styled(email.clone(), theme::success()),
        ])),
        None => lines.push(Line::from(vec![
            label(Msg::LkMasked),
            Span::raw(h.email_masked.clone().unwrap_or_default()),
        ])),
    }
    if d.pending_change.is_some() {
        lines.push(Line::styled(app.t(Msg::LkPendingChange), theme::warning()));
    }
    if let Some(done) = &l.done {
        lines.push(Line::styled(done.clone(), theme::success()));
    }
    if l.mode == Mode::Detail {
        lines.push(Line::raw(""));
        lines.push(Line::styled(app.t(Msg::LkPasswordNote), theme::warning()));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}
