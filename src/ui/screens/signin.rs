//! Sign-in, first run, password change and the idle lock.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::form::Form;
use crate::app::signin::{ChangePassword, FirstRun, SignIn};
use crate::i18n::ui::Msg;
use crate::ui::{theme, widgets};

fn form_box(
    frame: &mut Frame<'_>,
    app: &App,
    title: &str,
    intro: &[&str],
    form: &Form,
    area: Rect,
    w: u16,
) {
    // The intro wraps by display width inside the box (issue 15 item 5).
    let inner_w = usize::from(w.min(area.width).saturating_sub(4));
    let lines: Vec<Line<'static>> = intro
        .iter()
        .flat_map(|l| widgets::wrap_words(&Line::from(*l), inner_w, 0))
        .collect();
    let fields = widgets::form_height(app, form, w.saturating_sub(4), 26);
    let intro_h = u16::try_from(lines.len()).unwrap_or(0);
    let r = widgets::centered(area, w, fields + intro_h + 4);
    let b = widgets::block(app, title);
    let inner = b.inner(r).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(b, r);
    let [intro_area, _, form_area] = Layout::vertical([
        Constraint::Length(intro_h),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(lines).style(theme::dim()), intro_area);
    widgets::form(frame, app, form, form_area, 26);
}

pub fn draw_sign_in(frame: &mut Frame<'_>, app: &App, s: &SignIn, area: Rect) {
    // The demo's sign-ins stay readable under the form until someone signs in.
    let banner: Vec<Line<'_>> = app
        .banner
        .as_deref()
        .map(|b| b.lines().map(Line::from).collect())
        .unwrap_or_default();
    let h = u16::try_from(banner.len())
        .unwrap_or(0)
        .min(area.height / 2);
    let [form_area, banner_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(h)]).areas(area);
    form_box(
        frame,
        app,
        app.t(Msg::SignInTitle),
        &[app.t(Msg::SignInIntro)],
        &s.form,
        form_area,
        64,
    );
    frame.render_widget(
        Paragraph::new(banner).style(theme::dim()),
        banner_area.inner(ratatui::layout::Margin::new(2, 0)),
    );
}

pub fn draw_first_run(frame: &mut Frame<'_>, app: &App, s: &FirstRun, area: Rect) {
    form_box(
        frame,
        app,
        app.t(Msg::FirstRunTitle),
        &[app.t(Msg::FirstRunIntro)],
        &s.form,
        area,
        76,
    );
}

pub fn draw_change_password(frame: &mut Frame<'_>, app: &App, s: &ChangePassword, area: Rect) {
    let intro = if s.forced {
        app.t(Msg::ForcedChangeIntro)
    } else {
        app.t(Msg::ChangePasswordIntro)
    };
    form_box(
        frame,
        app,
        app.t(Msg::ChangePasswordTitle),
        &[intro],
        &s.form,
        area,
        72,
    );
}

pub fn draw_locked(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(form) = &app.lock else { return };
    let who = app
        .session
        .as_ref()
        .map(|s| crate::i18n::labels::with_paren(app.lang, &s.display_name, &s.ctx.staff_name))
        .unwrap_or_default();
    form_box(
        frame,
        app,
        app.t(Msg::LockedTitle),
        &[
            app.t(if app.locked_by_hand {
                Msg::LockedByHandIntro
            } else {
                Msg::LockedIntro
            }),
            &who,
        ],
        form,
        area,
        64,
    );
}
