//! Counter registration: the form, then the result panel.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::register::Register;
use crate::domain::account::AccountKind;
use crate::i18n::ui::Msg;
use crate::ui::{theme, widgets};

pub fn draw(frame: &mut Frame<'_>, app: &App, r: &Register, area: Rect) {
    let b = widgets::block(app, app.t(Msg::RegisterTitle));
    let inner = b.inner(area).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(b, area);
    if let Some(done) = &r.result {
        let kind = match done.kind {
            AccountKind::Employer => app.t(Msg::KindEmployer),
            AccountKind::Seeker => app.t(Msg::KindSeeker),
        };
        let row = |label: Msg, value: String| {
            Line::from(vec![
                Span::styled(widgets::fit(app.t(label), 22), theme::title()),
                Span::raw(value),
            ])
        };
        let lines = vec![
            Line::from(Span::styled(
                app.t(Msg::RegisteredHeadline),
                theme::success(),
            )),
            Line::from(""),
            row(Msg::FieldKind, kind.to_string()),
            row(Msg::FieldEmail, done.email.clone()),
            row(Msg::LabelAccountId, done.account_id.to_string()),
            row(Msg::AccountState, app.t(Msg::RegisteredWaiting).to_string()),
            row(Msg::LabelMailQueued, done.mail.subject.clone()),
            Line::from(""),
            Line::from(Span::styled(app.t(Msg::RegisteredNote), theme::dim())),
        ];
        frame.render_widget(
            Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
            inner,
        );
        return;
    }
    let [intro, _, form] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(app.t(Msg::RegisterIntro)).style(theme::dim()),
        intro,
    );
    widgets::form(frame, app, &r.form, form, 26);
}
