//! R-ID-5: the purpose prompt, the same on every screen that asks it (the ID lookup, and a
//! submission of a customer not yet seen this session).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::form::Form;
use crate::app::purpose::Ask;
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

/// Before a submission is opened: which item, then the prompt.
pub fn draw(frame: &mut Frame<'_>, app: &App, a: &Ask, area: Rect) {
    let b = widgets::block(app, app.t(Msg::DetailTitle));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let s = &a.submission;
    let [item, _, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("#{} ", s.id), theme::title()),
            Span::raw(format!("{}  {}", s.kind.label_ja(), s.display_name)),
        ])),
        item,
    );
    prompt(frame, app, &a.form, body);
}
