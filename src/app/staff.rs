//! Staff management for admins: list, add, disable/enable, unlock (R-AUTH-2), reset password
//! (R-AUTH-4). Every change asks first.

use super::form::{Field, Form};
use super::keymap::Action;
use super::{App, Overlay, Pending, Screen, Tone};
use crate::domain::staff::{Role, Roles};
use crate::i18n::ui::Msg;
use crate::service::staff::{self, StaffSummary};
use crate::service::{Ctx, ServiceError};
use crate::storage::Store;

#[derive(Debug, Default)]
pub struct StaffList {
    pub rows: Vec<StaffSummary>,
    pub cursor: usize,
}

impl StaffList {
    pub fn reload(&mut self, store: &Store, ctx: &Ctx) {
        let keep = self.rows.get(self.cursor).map(|r| r.id);
        match staff::list(store, ctx) {
            Ok(rows) => {
                self.rows = rows;
                self.cursor = keep
                    .and_then(|id| self.rows.iter().position(|r| r.id == id))
                    .unwrap_or(self.cursor)
                    .min(self.rows.len().saturating_sub(1));
            }
            // The rows shown stay.
            Err(e) => tracing::warn!("staff screen: rows not read: {e}"),
        }
    }

    #[must_use]
    pub fn selected(&self) -> Option<&StaffSummary> {
        self.rows.get(self.cursor)
    }
}

#[derive(Debug)]
pub struct StaffAdd {
    pub form: Form,
}

impl StaffAdd {
    #[must_use]
    pub fn new() -> StaffAdd {
        StaffAdd {
            form: Form::new(vec![
                Field::text("staff_name", Msg::FieldStaffName).with_hint(Msg::HintStaffName),
                Field::text("display_name", Msg::FieldDisplayName),
                Field::flags(
                    "roles",
                    Msg::FieldRoles,
                    vec![
                        ("counter", Msg::RoleCounter),
                        ("supervisor", Msg::RoleSupervisor),
                        ("admin", Msg::RoleAdmin),
                        ("auditor", Msg::RoleAuditor),
                    ],
                )
                .with_hint(Msg::HintRoles),
            ]),
        }
    }
}

impl Default for StaffAdd {
    fn default() -> Self {
        StaffAdd::new()
    }
}

pub fn act(app: &mut App, action: Action) {
    match &mut app.screen {
        Screen::Staff(list) => match action {
            Action::Up => list.cursor = list.cursor.saturating_sub(1),
            Action::Down => list.cursor = (list.cursor + 1).min(list.rows.len().saturating_sub(1)),
            Action::NewItem => app.push(Screen::StaffAdd(StaffAdd::new())),
            Action::ToggleDisable => {
                if let Some(r) = list.selected() {
                    let (name, disable) = (r.name.clone(), !r.disabled);
                    // Whom it is about, by sign-in ID and name (ids differ by one letter).
                    let who = crate::i18n::labels::with_paren(app.lang, &r.name, &r.display_name);
                    let title = app
                        .t(if disable {
                            Msg::ConfirmDisable
                        } else {
                            Msg::ConfirmEnable
                        })
                        .to_string();
                    app.confirm(title, vec![who], Pending::StaffDisable { name, disable });
                }
            }
            Action::UnlockStaff => {
                if let Some(r) = list.selected() {
                    let name = r.name.clone();
                    let who = crate::i18n::labels::with_paren(app.lang, &r.name, &r.display_name);
                    let title = app.t(Msg::ConfirmUnlock).to_string();
                    app.confirm(title, vec![who], Pending::StaffUnlock(name));
                }
            }
            Action::ResetPassword => {
                if let Some(r) = list.selected() {
                    let name = r.name.clone();
                    let who = crate::i18n::labels::with_paren(app.lang, &r.name, &r.display_name);
                    let title = app.t(Msg::ConfirmReset).to_string();
                    let lines = vec![who, app.t(Msg::ConfirmResetEffect).to_string()];
                    app.confirm(title, lines, Pending::StaffReset(name));
                }
            }
            Action::Back => app.pop(),
            _ => {}
        },
        Screen::StaffAdd(add) => match action {
            Action::NextField => add.form.next(),
            Action::PrevField => add.form.prev(),
            Action::Select if !add.form.on_last() => add.form.next(),
            Action::Select | Action::Submit => submit_add(app),
            Action::Back => app.pop(),
            _ => {}
        },
        _ => {}
    }
}

fn submit_add(app: &mut App) {
    let Screen::StaffAdd(add) = &app.screen else {
        return;
    };
    let name = add.form.value("staff_name").trim().to_string();
    let display = add.form.value("display_name");
    let roles = Roles::parse_list(
        &add.form
            .get("roles")
            .map(super::form::Field::choice_code)
            .unwrap_or_default(),
    );
    let Some(ctx) = app.ctx() else { return };
    match staff::add(&mut app.store, &ctx, &name, &display, &roles) {
        Ok(temp) => {
            app.pop();
            let title = app.t(Msg::StaffAdded).to_string();
            let lines = vec![
                format!("{}: {name}", app.t(Msg::FieldStaffName)),
                format!("{}: {temp}", app.t(Msg::TemporaryPassword)),
                app.t(Msg::TemporaryPasswordNote).to_string(),
            ];
            app.overlay = Some(Overlay::Notice { title, lines });
        }
        Err(ServiceError::Invalid(issues)) => {
            let texts = app.issue_texts(issues);
            if let Screen::StaffAdd(add) = &mut app.screen {
                add.form.set_issues(texts);
            }
            let text = app.t(Msg::FixRedFields).to_string();
            app.flash(Tone::Error, text);
        }
        Err(e) => app.flash_error(&e),
    }
}

pub fn run_pending(app: &mut App, p: &Pending) {
    let Some(ctx) = app.ctx() else { return };
    let result = match p {
        Pending::StaffDisable {
            name,
            disable: true,
        } => staff::disable(&mut app.store, &ctx, name).map(|()| None),
        Pending::StaffDisable {
            name,
            disable: false,
        } => staff::enable(&mut app.store, &ctx, name).map(|()| None),
        Pending::StaffUnlock(name) => staff::unlock(&mut app.store, &ctx, name).map(|()| None),
        Pending::StaffReset(name) => staff::reset_password(&mut app.store, &ctx, name).map(Some),
        _ => return,
    };
    match result {
        Ok(temp) => {
            if let Screen::Staff(list) = &mut app.screen {
                list.reload(&app.store, &ctx);
            }
            if let (Some(temp), Pending::StaffReset(name)) = (temp, &p) {
                let title = app.t(Msg::PasswordReset).to_string();
                let lines = vec![
                    format!("{}: {name}", app.t(Msg::FieldStaffName)),
                    format!("{}: {temp}", app.t(Msg::TemporaryPassword)),
                    app.t(Msg::TemporaryPasswordNote).to_string(),
                ];
                app.overlay = Some(Overlay::Notice { title, lines });
            } else {
                let text = app.t(Msg::Done).to_string();
                app.flash(Tone::Success, text);
            }
        }
        Err(e) => app.flash_error(&e),
    }
}

/// Role names for the list, in the user's language.
#[must_use]
pub fn role_label(r: Role) -> Msg {
    match r {
        Role::Counter => Msg::RoleCounter,
        Role::Supervisor => Msg::RoleSupervisor,
        Role::Admin => Msg::RoleAdmin,
        Role::Auditor => Msg::RoleAuditor,
    }
}
