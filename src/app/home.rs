//! Home: the jobs the signed-in role may do.

use super::keymap::Action;
use super::{App, Pending, Screen, audit, calendar, register, signin, staff};
use crate::domain::staff::Permission;
use crate::i18n::ui::Msg;

#[derive(Debug, Default)]
pub struct Home {
    pub selected: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    Register,
    Account,
    Staff,
    Audit,
    Mail,
    Calendar,
    ChangePassword,
}

impl MenuItem {
    #[must_use]
    pub fn label(self) -> Msg {
        match self {
            MenuItem::Register => Msg::MenuRegister,
            MenuItem::Account => Msg::MenuAccount,
            MenuItem::Staff => Msg::MenuStaff,
            MenuItem::Audit => Msg::MenuAudit,
            MenuItem::Mail => Msg::MenuMail,
            MenuItem::Calendar => Msg::MenuCalendar,
            MenuItem::ChangePassword => Msg::MenuChangePassword,
        }
    }

    #[must_use]
    pub fn description(self) -> Msg {
        match self {
            MenuItem::Register => Msg::MenuRegisterDesc,
            MenuItem::Account => Msg::MenuAccountDesc,
            MenuItem::Staff => Msg::MenuStaffDesc,
            MenuItem::Audit => Msg::MenuAuditDesc,
            MenuItem::Mail => Msg::MenuMailDesc,
            MenuItem::Calendar => Msg::MenuCalendarDesc,
            MenuItem::ChangePassword => Msg::MenuChangePasswordDesc,
        }
    }
}

/// The menu for the signed-in roles, in a fixed order (numbers stay put for a given role).
#[must_use]
pub fn items(app: &App) -> Vec<MenuItem> {
    let mut v = Vec::new();
    if app.may(Permission::RegisterAccount) {
        v.push(MenuItem::Register);
    }
    if app.may(Permission::ViewAccount) {
        v.push(MenuItem::Account);
    }
    if app.may(Permission::ManageStaff) {
        v.push(MenuItem::Staff);
    }
    if app.may(Permission::ViewMail) {
        v.push(MenuItem::Mail);
    }
    if app.may(Permission::ViewAudit) {
        v.push(MenuItem::Audit);
    }
    if calendar::may_view(app) {
        v.push(MenuItem::Calendar);
    }
    v.push(MenuItem::ChangePassword);
    v
}

pub fn act(app: &mut App, action: Action) {
    let items = items(app);
    let Screen::Home(h) = &mut app.screen else {
        return;
    };
    match action {
        Action::Up => {
            h.selected = h
                .selected
                .checked_sub(1)
                .unwrap_or(items.len().saturating_sub(1))
        }
        Action::Down => h.selected = (h.selected + 1) % items.len().max(1),
        Action::Select => {
            if let Some(item) = items.get(h.selected).copied() {
                open(app, item);
            }
        }
        Action::Menu(n) => {
            if let Some(item) = items.get(usize::from(n).saturating_sub(1)).copied() {
                h.selected = usize::from(n) - 1;
                open(app, item);
            }
        }
        Action::SignOut => {
            let title = app.t(Msg::ConfirmSignOut).to_string();
            app.confirm(title, Vec::new(), Pending::SignOut);
        }
        Action::Back => {}
        _ => {}
    }
}

pub fn open(app: &mut App, item: MenuItem) {
    let screen = match item {
        MenuItem::Register => Screen::Register(register::Register::new()),
        MenuItem::Account => Screen::Account(Box::default()),
        MenuItem::Staff => {
            let Some(ctx) = app.ctx() else { return };
            let mut s = staff::StaffList::default();
            s.reload(&app.store, &ctx);
            Screen::Staff(s)
        }
        MenuItem::Audit => {
            let Some(ctx) = app.ctx() else { return };
            let mut a = audit::AuditView::default();
            a.reload(&app.store, &ctx);
            a.verify_now(&app.store);
            Screen::Audit(a)
        }
        MenuItem::Mail => {
            super::mailq::open(app);
            return;
        }
        MenuItem::Calendar => {
            calendar::open(app);
            return;
        }
        MenuItem::ChangePassword => Screen::ChangePassword(signin::ChangePassword::new(false)),
    };
    app.push(screen);
}
