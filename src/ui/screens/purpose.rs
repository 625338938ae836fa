//! R-ID-5: the purpose prompt, the same on every screen that asks it (the ID lookup, and the
//! account or a submission of a customer not yet seen this session).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::form::Form;
use crate::app::purpose::{Ask, Target};
use crate::domain::text::sanitize;
use crate::i18n::ui::Msg;
use crate::ui::{theme, widgets};

/// The question, why it is asked, and the purpose form.
pub fn prompt(frame: &mut Frame<'_>, app: &App, form: &Form, area: Rect) {
    let [ask, f] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(app.t(Msg::LkPurposeTitle), theme::title()),
            Line::raw(app.t(Msg::LkPurposeAsk)),
        ])
        .wrap(Wrap { trim: true }),
        ask,
    );
    widgets::form(frame, app, form, f, 16);
}

/// Before a customer's record is opened: what is opened (the submission, or the email typed on
/// the account screen), then the prompt.
pub fn draw(frame: &mut Frame<'_>, app: &App, a: &Ask, area: Rect) {
    // The account's line and margin as on the account screen, so nothing moves when it opens.
    let (title, margin, what) = match &a.target {
        Target::Submission(s) => (
            Msg::DetailTitle,
            0,
            Line::from(vec![
                Span::styled(format!("#{} ", s.id), theme::title()),
                Span::raw(format!(
                    "{}  {}",
                    crate::i18n::labels::submission_kind_label(app.lang, s.kind),
                    s.display_name
                )),
            ]),
        ),
        Target::Account { email } => (
            Msg::AccountTitle,
            1,
            Line::from(vec![
                Span::styled(
                    widgets::fit(&format!("  {}", app.t(Msg::FieldEmail)), 20),
                    theme::dim(),
                ),
                Span::raw(sanitize(email, false)),
            ]),
        ),
    };
    let b = widgets::block(app, app.t(title));
    let inner = b.inner(area).inner(Margin::new(margin, 0));
    frame.render_widget(b, area);
    let [item, _, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(what), item);
    prompt(frame, app, &a.form, body);
}
