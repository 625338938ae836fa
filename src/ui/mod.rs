//! Draws `&App` into a frame, nothing else: no state changes, no I/O.

pub mod checklist;
pub mod screens;
pub mod theme;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::app::{App, MIN_HEIGHT, MIN_WIDTH, Overlay, Screen};
use crate::i18n::ui::Msg;

pub fn draw(frame: &mut Frame<'_>, app: &App) {
    draw_screen(frame, app);
    widgets::settle_sound_marks(frame.buffer_mut());
}

fn draw_screen(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(frame, app, area);
        return;
    }
    let [header, body, flash, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    widgets::header(frame, app, header);
    if app.lock.is_some() {
        // Personal data stays hidden while locked; the screen's state is kept underneath.
        screens::signin::draw_locked(frame, app, body);
    } else {
        match &app.screen {
            Screen::SignIn(s) => screens::signin::draw_sign_in(frame, app, s, body),
            Screen::FirstRun(s) => screens::signin::draw_first_run(frame, app, s, body),
            Screen::ChangePassword(s) => screens::signin::draw_change_password(frame, app, s, body),
            Screen::Home(h) => screens::home::draw(frame, app, h, body),
            Screen::Register(r) => screens::register::draw(frame, app, r, body),
            Screen::Account(a) => screens::account::draw(frame, app, a, body),
            Screen::Staff(s) => screens::staff::draw_list(frame, app, s, body),
            Screen::StaffAdd(s) => screens::staff::draw_add(frame, app, s, body),
            Screen::Audit(a) => screens::audit::draw(frame, app, a, body),
            Screen::MailQueue(q) => screens::mailq::draw(frame, app, q, body),
            Screen::Queue(q) => screens::review::draw_queue(frame, app, q, body),
            Screen::Detail(d) => screens::review::draw_detail(frame, app, d, body),
            Screen::Purpose(a) => screens::purpose::draw(frame, app, a, body),
            Screen::Dashboard(d) => screens::review::draw_dashboard(frame, app, d, body),
            Screen::Lookup(l) => screens::lookup::draw(frame, app, l, body),
            Screen::Calendar(c) => screens::calendar::draw_list(frame, app, c, body),
            Screen::CalendarAdd(c) => screens::calendar::draw_add(frame, app, c, body),
        }
        match &app.overlay {
            Some(Overlay::Help { scroll }) => widgets::help(frame, app, *scroll, body),
            Some(Overlay::Confirm { title, lines, .. }) => {
                widgets::confirm(frame, app, title, lines, body);
            }
            Some(Overlay::Notice { title, lines }) => {
                widgets::notice(frame, app, title, lines, body);
            }
            None => {}
        }
    }
    widgets::flash(frame, app, flash);
    widgets::hint_bar(frame, app, hints);
}

fn draw_too_small(frame: &mut Frame<'_>, app: &App, area: Rect) {
    frame.render_widget(Clear, area);
    let mut lines = vec![
        Line::from(app.t(Msg::TooSmall)),
        Line::from(format!(
            "{}×{} → {MIN_WIDTH}×{MIN_HEIGHT}",
            area.width, area.height
        )),
    ];
    // Keys do nothing here but quit: say so, and show the quit question when it is open.
    lines.push(Line::from(if app.asking_quit() {
        app.t(Msg::TooSmallQuitAsk)
    } else {
        app.t(Msg::TooSmallKeys)
    }));
    let n = u16::try_from(lines.len()).unwrap_or(3);
    let y = area.height.saturating_sub(n) / 2;
    let r = Rect {
        y: area.y + y,
        height: area.height.saturating_sub(y).min(n),
        ..area
    };
    frame.render_widget(Paragraph::new(lines).centered(), r);
}
