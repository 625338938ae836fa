//! Sign-in (R-AUTH-1, R-AUTH-2), first run (create the first admin) and password change
//! (R-AUTH-4).

use super::form::{Field, Form};
use super::keymap::Action;
use super::{App, Screen, Tone};
use crate::i18n::ui::Msg;
use crate::service::auth::{self, SignInError};
use crate::service::{ServiceError, setup};

#[derive(Debug)]
pub struct SignIn {
    pub form: Form,
}

impl SignIn {
    #[must_use]
    pub fn new() -> SignIn {
        SignIn {
            form: Form::new(vec![
                Field::text("staff_name", Msg::FieldStaffName),
                Field::password("password", Msg::FieldPassword),
            ]),
        }
    }
}

impl Default for SignIn {
    fn default() -> Self {
        SignIn::new()
    }
}

#[derive(Debug)]
pub struct FirstRun {
    pub form: Form,
}

impl FirstRun {
    #[must_use]
    pub fn new() -> FirstRun {
        FirstRun {
            form: Form::new(vec![
                Field::text("office_code", Msg::FieldOfficeCode).with_hint(Msg::HintOfficeCode),
                Field::text("office_name", Msg::FieldOfficeName),
                Field::text("staff_name", Msg::FieldStaffName).with_hint(Msg::HintStaffName),
                Field::text("display_name", Msg::FieldDisplayName),
                Field::password("password", Msg::FieldNewPassword).with_hint(Msg::HintPassword),
                Field::password("confirm", Msg::FieldConfirmPassword),
            ]),
        }
    }
}

impl Default for FirstRun {
    fn default() -> Self {
        FirstRun::new()
    }
}

#[derive(Debug)]
pub struct ChangePassword {
    pub form: Form,
    /// R-AUTH-4: after an admin reset; there is no way around it but signing out.
    pub forced: bool,
}

impl ChangePassword {
    #[must_use]
    pub fn new(forced: bool) -> ChangePassword {
        ChangePassword {
            form: Form::new(vec![
                Field::password("current", Msg::FieldCurrentPassword),
                Field::password("new", Msg::FieldNewPassword).with_hint(Msg::HintPassword),
                Field::password("confirm", Msg::FieldConfirmPassword),
            ]),
            forced,
        }
    }
}

fn form_of(app: &mut App) -> Option<&mut Form> {
    match &mut app.screen {
        Screen::SignIn(s) => Some(&mut s.form),
        Screen::FirstRun(s) => Some(&mut s.form),
        Screen::ChangePassword(s) => Some(&mut s.form),
        _ => None,
    }
}

pub fn act(app: &mut App, action: Action) {
    match action {
        Action::NextField => {
            if let Some(f) = form_of(app) {
                f.next();
            }
        }
        Action::PrevField => {
            if let Some(f) = form_of(app) {
                f.prev();
            }
        }
        Action::Select => {
            let last = form_of(app).is_some_and(|f| f.on_last());
            if last {
                submit(app);
            } else if let Some(f) = form_of(app) {
                f.next();
            }
        }
        Action::Submit => submit(app),
        Action::Back => {
            if let Screen::ChangePassword(c) = &app.screen {
                if c.forced {
                    let why = app.t(Msg::SignedOut).to_string();
                    app.sign_out(Some(why));
                } else {
                    app.pop();
                }
            }
        }
        _ => {}
    }
}

fn submit(app: &mut App) {
    match &app.screen {
        Screen::SignIn(_) => submit_sign_in(app),
        Screen::FirstRun(_) => submit_first_run(app),
        Screen::ChangePassword(_) => submit_change(app),
        _ => {}
    }
}

fn submit_sign_in(app: &mut App) {
    let Screen::SignIn(s) = &mut app.screen else {
        return;
    };
    let name = s.form.value("staff_name").trim().to_string();
    let pw = s.form.value("password");
    s.form.set_value("password", "");
    let terminal = app.terminal_id.clone();
    let now = app.now();
    match auth::sign_in(&mut app.store, &name, &pw, &terminal, now) {
        Ok(session) => app.signed_in(session),
        Err(SignInError::Refused(_)) => {
            // R-AUTH-2: one message whatever the reason.
            if let Screen::SignIn(s) = &mut app.screen {
                s.form.focus_id("password");
            }
            let text = app.t(Msg::SignInFailed).to_string();
            app.flash(Tone::Error, text);
        }
        Err(SignInError::Service(e)) => app.flash_error(&e),
    }
}

fn show_issues(app: &mut App, e: ServiceError) {
    match e {
        ServiceError::Invalid(issues) => {
            let texts = app.issue_texts(issues);
            if let Some(f) = form_of(app) {
                let loose = f.set_issues(texts);
                if let Some(first) = loose.into_iter().next() {
                    app.flash(Tone::Error, first);
                    return;
                }
            }
            let m = if matches!(app.screen, Screen::ChangePassword(_)) {
                Msg::FixRedPasswords
            } else {
                Msg::FixRedFields
            };
            let text = app.t(m).to_string();
            app.flash(Tone::Error, text);
        }
        other => app.flash_error(&other),
    }
}

fn submit_first_run(app: &mut App) {
    let Screen::FirstRun(s) = &app.screen else {
        return;
    };
    let v = |id| s.form.value(id);
    let (code, office, name, display, pw, confirm) = (
        v("office_code"),
        v("office_name"),
        v("staff_name"),
        v("display_name"),
        v("password"),
        v("confirm"),
    );
    if pw != confirm {
        let issue = crate::service::FieldIssue::error("confirm", "password_mismatch");
        show_issues(app, ServiceError::Invalid(vec![issue]));
        return;
    }
    let now = app.now();
    let terminal = app.terminal_id.clone();
    let input = setup::InitInput {
        office_code: code.trim(),
        office_name: office.trim(),
        admin_name: name.trim(),
        admin_display_name: display.trim(),
        admin_password: &pw,
        terminal: &terminal,
        now,
    };
    match setup::init(&mut app.store, &input) {
        Ok(_) => {
            let (c, n) = crate::service::office(app.store.conn(), &app.cfg);
            app.office_code = c;
            app.office_name = n;
            match auth::sign_in(&mut app.store, name.trim(), &pw, &terminal, now) {
                Ok(session) => {
                    app.signed_in(session);
                    let text = app.t(Msg::FirstRunDone).to_string();
                    app.flash(Tone::Success, text);
                }
                Err(_) => app.screen = Screen::SignIn(SignIn::new()),
            }
        }
        Err(e) => show_issues(app, e),
    }
}

fn submit_change(app: &mut App) {
    let Screen::ChangePassword(s) = &app.screen else {
        return;
    };
    let (cur, new, confirm) = (
        s.form.value("current"),
        s.form.value("new"),
        s.form.value("confirm"),
    );
    let Some(ctx) = app.ctx() else { return };
    match auth::change_password(&mut app.store, &ctx, &cur, &new, &confirm) {
        Ok(()) => {
            if let Some(sess) = app.session.as_mut() {
                sess.must_change_password = false;
            }
            app.go_home();
            let text = app.t(Msg::PasswordChanged).to_string();
            app.flash(Tone::Success, text);
        }
        Err(e) => {
            // Passwords are never kept after a refusal; the current one stays only when it
            // was right, so the clerk retypes just the new pair.
            let current_wrong =
                matches!(&e, ServiceError::Invalid(v) if v.iter().any(|i| i.field == "current"));
            if let Screen::ChangePassword(s) = &mut app.screen {
                let clear: &[&str] = if current_wrong {
                    &["current", "new", "confirm"]
                } else {
                    &["new", "confirm"]
                };
                for id in clear {
                    s.form.set_value(id, "");
                }
            }
            show_issues(app, e);
        }
    }
}
