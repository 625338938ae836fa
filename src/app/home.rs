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
    Queue,
    Dashboard,
    Calendar,
    ChangePassword,
    Lookup,
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
            MenuItem::Queue => Msg::MenuQueue,
            MenuItem::Dashboard => Msg::MenuDashboard,
            MenuItem::Calendar => Msg::MenuCalendar,
            MenuItem::ChangePassword => Msg::MenuChangePassword,
            MenuItem::Lookup => Msg::MenuLookup,
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
            MenuItem::Queue => Msg::MenuQueueDesc,
            MenuItem::Dashboard => Msg::MenuDashboardDesc,
            MenuItem::Calendar => Msg::MenuCalendarDesc,
            MenuItem::ChangePassword => Msg::MenuChangePasswordDesc,
            MenuItem::Lookup => Msg::MenuLookupDesc,
        }
    }
}

/// The menu for the signed-in roles, in a fixed order (numbers stay put for a given role).
#[must_use]
pub fn items(app: &App) -> Vec<MenuItem> {
    // Counter work first, then supervision, then administration; a role's numbers never move.
    let table = [
        (MenuItem::Register, Permission::RegisterAccount),
        (MenuItem::Account, Permission::ViewAccount),
        (MenuItem::Lookup, Permission::Lookup),
        (MenuItem::Queue, Permission::ViewQueues),
        (MenuItem::Dashboard, Permission::ViewDashboard),
        (MenuItem::Staff, Permission::ManageStaff),
        (MenuItem::Mail, Permission::ViewMail),
        (MenuItem::Audit, Permission::ViewAudit),
    ];
    let mut v: Vec<MenuItem> = table
        .into_iter()
        .filter(|(_, p)| app.may(*p))
        .map(|(m, _)| m)
        .collect();
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
                .unwrap_or(items.len().saturating_sub(1));
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
            let mut a = audit::AuditView::new();
            a.reload(&app.store, &ctx);
            a.verify_now(&app.store);
            Screen::Audit(a)
        }
        MenuItem::Mail => {
            super::mailq::open(app);
            return;
        }
        MenuItem::Queue => {
            super::review::open_queues(app);
            return;
        }
        MenuItem::Dashboard => {
            super::review::open_dashboard(app);
            return;
        }
        MenuItem::Calendar => {
            calendar::open(app);
            return;
        }
        MenuItem::ChangePassword => Screen::ChangePassword(signin::ChangePassword::new(false)),
        MenuItem::Lookup => Screen::Lookup(Box::default()),
    };
    app.push(screen);
}
