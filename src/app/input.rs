//! Keys and pastes in: which form gets typed text, which table resolves a key, what each
//! action does on the screen, in a dialog or on the lock screen, and what a confirmed question
//! runs. Apart from `mod.rs` (the App's state and its screens' stack) because this is the
//! one path every keystroke takes.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::InputRequest;

use crate::i18n::ui::Msg;
use crate::service::ServiceError;

use super::form::{Edit, Form};
use super::keymap::Action;
use super::{
    App, Overlay, Pending, Screen, Tone, account, audit, calendar, form, home, keymap, lookup,
    mailq, purpose, register, review, signin, staff,
};

impl App {
    /// How far the help can scroll at the terminal's size (no further than its last page, so
    /// ↑ answers at once after the end). Unbounded when the size is not known.
    fn help_scroll_max(&self) -> u16 {
        self.viewport.map_or(u16::MAX, |size| {
            crate::ui::widgets::help_max_scroll(self, size)
        })
    }

    /// The form whose focused field gets typed characters, if any.
    fn active_form(&mut self) -> Option<&mut Form> {
        if let Some(f) = self.lock.as_mut() {
            return Some(f);
        }
        if self.overlay.is_some() {
            return None;
        }
        match &mut self.screen {
            Screen::SignIn(s) => Some(&mut s.form),
            Screen::FirstRun(s) => Some(&mut s.form),
            Screen::ChangePassword(s) => Some(&mut s.form),
            Screen::Register(r) if r.result.is_none() => Some(&mut r.form),
            Screen::Account(a) if a.searching() => Some(&mut a.search),
            Screen::StaffAdd(s) => Some(&mut s.form),
            Screen::Queue(q) => q.filter_form.as_mut(),
            Screen::Detail(d) => d.form_mut(),
            Screen::Purpose(p) => Some(&mut p.form),
            Screen::Lookup(l) => l.form_mut(),
            Screen::Audit(a) => a.form_mut(),
            Screen::CalendarAdd(c) => Some(&mut c.form),
            _ => None,
        }
    }

    /// Pasted text goes into the focused field as if typed, on one line; a retype field
    /// (`…_confirm`: the address typed twice, R-REG-1) refuses it, since pasting the first entry
    /// into the second defeats the check.
    pub fn on_paste(&mut self, text: &str) -> bool {
        self.last_activity = Instant::now();
        if self.too_small() {
            return false;
        }
        let refuse = self
            .active_form()
            .and_then(|f| f.focused())
            .is_some_and(|f| f.id.ends_with("_confirm"));
        if refuse {
            let msg = self.t(Msg::PasteRefusedInConfirm).to_string();
            self.flash(Tone::Warning, msg);
            return true;
        }
        let Some(form) = self.active_form() else {
            return false;
        };
        // A copied line usually ends with its line break: that is not part of the value.
        let one = text
            .trim_end_matches(['\r', '\n'])
            .replace(['\r', '\n'], " ");
        let line = crate::domain::text::sanitize(&one, false);
        for c in line.chars() {
            form.edit(form::Edit::Input(tui_input::InputRequest::InsertChar(c)));
        }
        true
    }

    /// Handles one key press. Returns whether anything changed (and so must be redrawn).
    pub fn on_key(&mut self, ev: KeyEvent) -> bool {
        self.last_activity = Instant::now();
        if self.too_small() {
            // Nothing the clerk cannot see may happen: only quitting (and answering its
            // question, which the small screen shows) goes through.
            return match keymap::resolve(self.bindings(), &ev) {
                Some(Action::Quit) if !self.asking_quit() => {
                    self.ask_quit();
                    true
                }
                Some(a @ (Action::Yes | Action::No | Action::Back)) if self.asking_quit() => {
                    self.act(a);
                    true
                }
                _ => false,
            };
        }
        if let Some(action) = keymap::resolve(self.bindings(), &ev) {
            if self.overlay.is_none() && self.lock.is_none() && !self.may_act(action) {
                // Not offered to these roles: nothing happens but a word on why.
                let text = self.t(Msg::NotForYourRoles).to_string();
                self.flash(Tone::Warning, text);
                return true;
            }
            self.flash_clear_on_action(action);
            self.act(action);
            return true;
        }
        // Not a command: editing keys for the focused field.
        if let Some(edit) = edit_request(&ev)
            && let Some(form) = self.active_form()
        {
            let r = form.edit(edit);
            if r == form::EditResult::ChoiceChanged
                && let Screen::Register(reg) = &mut self.screen
            {
                reg.rebuild_for_kind();
            }
            return r != form::EditResult::Ignored;
        }
        false
    }

    fn flash_clear_on_action(&mut self, action: Action) {
        if !matches!(action, Action::Help) {
            self.flash = None;
        }
    }

    fn act(&mut self, action: Action) {
        if self.lock.is_some() {
            self.act_locked(action);
            return;
        }
        if let Some(ov) = self.overlay.clone() {
            self.act_overlay(&ov, action);
            return;
        }
        match action {
            Action::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Action::Quit => self.ask_quit(),
            Action::Lock if self.session.is_some() => {
                self.lock_now();
                self.locked_by_hand = true;
            }
            Action::Cancel => self.go_home(),
            _ => self.act_screen(action),
        }
    }

    fn act_screen(&mut self, action: Action) {
        match &self.screen {
            Screen::SignIn(_) | Screen::FirstRun(_) | Screen::ChangePassword(_) => {
                signin::act(self, action);
            }
            Screen::Home(_) => home::act(self, action),
            Screen::Register(_) => register::act(self, action),
            Screen::Account(_) => account::act(self, action),
            Screen::Staff(_) | Screen::StaffAdd(_) => staff::act(self, action),
            Screen::Audit(_) => audit::act(self, action),
            Screen::MailQueue(_) => mailq::act(self, action),
            Screen::Queue(_) => review::act_queue(self, action),
            Screen::Detail(_) => review::act_detail(self, action),
            Screen::Purpose(_) => purpose::act(self, action),
            Screen::Dashboard(_) => review::act_dashboard(self, action),
            Screen::Lookup(_) => lookup::act(self, action),
            Screen::Calendar(_) | Screen::CalendarAdd(_) => calendar::act(self, action),
        }
    }

    fn act_overlay(&mut self, ov: &Overlay, action: Action) {
        match (ov, action) {
            (Overlay::Help { scroll }, Action::Up) => {
                self.overlay = Some(Overlay::Help {
                    scroll: scroll.saturating_sub(1),
                });
            }
            (Overlay::Help { scroll }, Action::Down) => {
                self.overlay = Some(Overlay::Help {
                    scroll: scroll.saturating_add(1).min(self.help_scroll_max()),
                });
            }
            (Overlay::Help { scroll }, Action::PageUp) => {
                self.overlay = Some(Overlay::Help {
                    scroll: scroll.saturating_sub(10),
                });
            }
            (Overlay::Help { scroll }, Action::PageDown) => {
                self.overlay = Some(Overlay::Help {
                    scroll: scroll.saturating_add(10).min(self.help_scroll_max()),
                });
            }
            (Overlay::Confirm { pending, .. }, Action::Yes) => {
                let p = pending.clone();
                self.overlay = None;
                self.run_pending(p);
            }
            (_, Action::No | Action::Back) => self.overlay = None,
            _ => {}
        }
    }

    fn run_pending(&mut self, p: Pending) {
        match p {
            Pending::Quit => self.quit = true,
            Pending::SignOut => self.sign_out(None),
            Pending::RegisterAcceptingWarnings => register::submit(self, true),
            Pending::Reissue(id) => account::reissue(self, id),
            Pending::Mail(id, a) => mailq::run_pending(self, id, a),
            Pending::Review(id, k, seen) => review::run_pending(self, id, &k, seen),
            Pending::CalendarRemove(date) => calendar::run_pending(self, date),
            Pending::StaffDisable { .. } | Pending::StaffUnlock(_) | Pending::StaffReset(_) => {
                staff::run_pending(self, &p);
            }
            Pending::LookupReveal(_)
            | Pending::LookupMailId(_)
            | Pending::LookupChange(_)
            | Pending::LookupDecide(..) => lookup::run_pending(self, &p),
            Pending::AuditExport(job) => audit::run_export(self, &job),
        }
    }

    pub fn confirm(&mut self, title: impl Into<String>, lines: Vec<String>, pending: Pending) {
        self.overlay = Some(Overlay::Confirm {
            title: title.into(),
            lines,
            pending,
        });
    }

    /// Quitting always asks first, at sign-in too: under an SSH forced command a stray Esc
    /// would otherwise end the connection (issue 15 item 13).
    fn ask_quit(&mut self) {
        let title = self
            .t(if self.session.is_some() {
                Msg::ConfirmQuit
            } else {
                Msg::ConfirmQuitSignedOut
            })
            .to_string();
        self.confirm(title, Vec::new(), Pending::Quit);
    }

    pub(super) fn lock_now(&mut self) {
        self.locked_by_hand = false;
        self.lock = Some(Form::new(vec![form::Field::password(
            "password",
            Msg::FieldPassword,
        )]));
    }

    fn act_locked(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Submit => {
                let pw = self
                    .lock
                    .as_ref()
                    .map(|f| f.value("password"))
                    .unwrap_or_default();
                let Some(ctx) = self.ctx() else { return };
                match crate::service::auth::unlock(&mut self.store, &ctx, &pw) {
                    Ok(()) => {
                        self.lock = None;
                        self.flash = None;
                    }
                    Err(ServiceError::Denied) => {
                        if let Some(f) = self.lock.as_mut() {
                            f.set_value("password", "");
                        }
                        let text = self.t(Msg::UnlockFailed).to_string();
                        self.flash(Tone::Error, text);
                        // A disabled account cannot come back (R-AUTH-3).
                        if self.staff_disabled() {
                            let why = self.t(Msg::SignedOutDisabled).to_string();
                            self.sign_out(Some(why));
                        }
                    }
                    Err(e) => self.flash_error(&e),
                }
            }
            _ => {}
        }
    }

    pub(super) fn staff_disabled(&self) -> bool {
        self.session.as_ref().is_some_and(|s| {
            crate::storage::staff::by_id(self.store.conn(), s.ctx.staff_id)
                .ok()
                .flatten()
                .is_none_or(|r| r.disabled)
        })
    }
}

/// Keys that edit the focused field (never commands).
fn edit_request(ev: &KeyEvent) -> Option<Edit> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let alt = ev.modifiers.contains(KeyModifiers::ALT);
    Some(match ev.code {
        KeyCode::Char(' ') if !ctrl && !alt => Edit::Toggle,
        KeyCode::Char('a') if ctrl => Edit::Input(InputRequest::GoToStart),
        KeyCode::Char('e') if ctrl => Edit::Input(InputRequest::GoToEnd),
        KeyCode::Char('u') if ctrl => Edit::Input(InputRequest::DeleteLine),
        KeyCode::Char('k') if ctrl => Edit::Input(InputRequest::DeleteTillEnd),
        KeyCode::Char('w') if ctrl => Edit::Input(InputRequest::DeletePrevWord),
        KeyCode::Char('h') if ctrl => Edit::Input(InputRequest::DeletePrevChar),
        KeyCode::Char(c) if !ctrl && !alt && !c.is_control() => {
            Edit::Input(InputRequest::InsertChar(c))
        }
        KeyCode::Backspace => Edit::Input(InputRequest::DeletePrevChar),
        KeyCode::Delete => Edit::Input(InputRequest::DeleteNextChar),
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Input(InputRequest::GoToStart),
        KeyCode::End => Edit::Input(InputRequest::GoToEnd),
        _ => return None,
    })
}
