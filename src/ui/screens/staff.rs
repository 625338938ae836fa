//! Staff management (admins).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Row, Table, TableState};

use crate::app::App;
use crate::app::staff::{StaffAdd, StaffList, role_label};
use crate::domain::staff::Role;
use crate::i18n::ui::Msg;
use crate::ui::{theme, widgets};

pub fn draw_list(frame: &mut Frame<'_>, app: &App, s: &StaffList, area: Rect) {
    let b = widgets::block(app, app.t(Msg::StaffTitle));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let rows: Vec<Row<'_>> = s
        .rows
        .iter()
        .map(|r| {
            let roles: Vec<&str> = r
                .roles
                .iter()
                .filter_map(|x| Role::parse(x))
                .map(|x| app.t(role_label(x)))
                .collect();
            let mut state = Vec::new();
            if r.disabled {
                state.push(app.t(Msg::StaffDisabled));
            }
            if r.locked {
                state.push(app.t(Msg::StaffLocked));
            }
            if r.must_change_password {
                state.push(app.t(Msg::StaffMustChange));
            }
            let style = if r.disabled {
                theme::dim()
            } else if r.locked {
                theme::warning()
            } else {
                ratatui::style::Style::new()
            };
            // A cut id or name reads as another person's: cut with "…".
            Row::new(vec![
                widgets::ellipsize(&r.name, 14),
                widgets::ellipsize(&r.display_name, 16),
                crate::i18n::labels::join_list(app.lang, &roles),
                state.join(" "),
            ])
            .style(style)
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(14),
            Constraint::Length(16),
            Constraint::Length(22),
            Constraint::Min(10),
        ],
    )
    .header(
        Row::new(vec![
            app.t(Msg::FieldStaffName),
            app.t(Msg::FieldDisplayName),
            app.t(Msg::FieldRoles),
            app.t(Msg::ColState),
        ])
        .style(theme::title()),
    )
    .row_highlight_style(theme::focused());
    let mut state = TableState::default().with_selected(Some(s.cursor));
    frame.render_stateful_widget(table, inner, &mut state);
}

pub fn draw_add(frame: &mut Frame<'_>, app: &App, s: &StaffAdd, area: Rect) {
    let b = widgets::block(app, app.t(Msg::StaffAddTitle));
    let inner = b.inner(area).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(b, area);
    let [intro, _, form] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(app.t(Msg::StaffAddIntro)).style(theme::dim()),
        intro,
    );
    widgets::form(frame, app, &s.form, form, 20);
}
