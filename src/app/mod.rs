//! Application state and what every key does to it. No terminal here: `tui/` feeds key events
//! and ticks in, `ui/` draws `&App`. Use cases are called through `service/`, so the TUI and
//! the CLI share every rule.

pub mod account;
pub mod audit;
pub mod calendar;
pub mod form;
pub mod home;
pub mod keymap;
pub mod lookup;
pub mod mailq;
pub mod purpose;
pub mod register;
pub mod review;
pub mod signin;
pub mod staff;

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::InputRequest;

use crate::clock;
use crate::config::Config;
use crate::domain::mail::MailState;
use crate::domain::staff::Permission;
use crate::i18n::ui::Msg;
use crate::i18n::{Lang, cli as msgs};
use crate::service::auth::Session;
use crate::service::queue_counts::{Answer, Counter};
use crate::service::{Ctx, ServiceError};
use crate::storage::Store;

use form::{Edit, Form};
use keymap::{Action, Binding};

/// Below this the screen asks to be made larger.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

#[derive(Debug)]
pub enum Screen {
    SignIn(signin::SignIn),
    FirstRun(signin::FirstRun),
    ChangePassword(signin::ChangePassword),
    Home(home::Home),
    Register(register::Register),
    /// Boxed: it holds the whole account view.
    Account(Box<account::Account>),
    Staff(staff::StaffList),
    StaffAdd(staff::StaffAdd),
    Audit(audit::AuditView),
    MailQueue(mailq::MailQueue),
    Queue(review::QueueView),
    Detail(Box<review::DetailView>),
    /// R-ID-5: the purpose asked before a customer's first record of the session is opened.
    Purpose(Box<purpose::Ask>),
    Dashboard(review::DashboardView),
    /// Boxed: it holds results and four forms.
    Lookup(Box<lookup::Lookup>),
    Calendar(calendar::CalendarView),
    CalendarAdd(calendar::CalendarAdd),
}

impl Screen {
    /// The help page for this screen (its words are `i18n::ui`'s).
    #[must_use]
    pub fn help(&self) -> Msg {
        match self {
            Screen::SignIn(_) => Msg::HelpSignIn,
            Screen::FirstRun(_) => Msg::HelpFirstRun,
            Screen::ChangePassword(_) => Msg::HelpChangePassword,
            Screen::Home(_) => Msg::HelpHome,
            Screen::Register(_) => Msg::HelpRegister,
            Screen::Account(_) => Msg::HelpAccount,
            Screen::Staff(_) | Screen::StaffAdd(_) => Msg::HelpStaff,
            Screen::Audit(_) => Msg::HelpAudit,
            Screen::MailQueue(_) => Msg::HelpMailQueue,
            Screen::Queue(_) => Msg::HelpQueue,
            Screen::Detail(_) => Msg::HelpDetail,
            Screen::Purpose(_) => Msg::HelpPurpose,
            Screen::Dashboard(_) => Msg::HelpDashboard,
            Screen::Lookup(_) => Msg::HelpLookup,
            Screen::Calendar(_) | Screen::CalendarAdd(_) => Msg::HelpCalendar,
        }
    }
}

/// Something to do once the user says yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    RegisterAcceptingWarnings,
    Reissue(i64),
    StaffDisable {
        name: String,
        disable: bool,
    },
    StaffUnlock(String),
    StaffReset(String),
    SignOut,
    Quit,
    Mail(i64, crate::service::mail::MailAction),
    /// The item, the action, and the item's version its user saw (R-REV-5).
    Review(i64, review::ReviewKey, Option<i64>),
    LookupReveal(i64),
    LookupMailId(i64),
    LookupChange(i64),
    LookupDecide(i64, bool),
    AuditExport(audit::ExportJob),
    CalendarRemove(chrono::NaiveDate),
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Confirm {
        title: String,
        lines: Vec<String>,
        pending: Pending,
    },
    Notice {
        title: String,
        lines: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Warning,
    Error,
}

/// The one-line message above the hint bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub tone: Tone,
    pub text: String,
}

/// Outbox counts for the header (R-MAIL-5/7 at a glance).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailCounts {
    pub waiting: i64,
    pub failed: i64,
    /// The background worker's last failure (server down, refused…), if any.
    pub last_error: Option<String>,
}

pub struct App {
    pub store: Store,
    pub cfg: Config,
    pub lang: Lang,
    pub terminal_id: String,
    pub office_code: String,
    pub office_name: String,
    pub session: Option<Session>,
    pub screen: Screen,
    /// Screens to go back to (F3/Esc).
    pub back: Vec<Screen>,
    pub overlay: Option<Overlay>,
    /// The terminal's size as the event loop last saw it (`None`: not known, as in tests that
    /// draw at a size of their own). Below 80×24 nothing is drawn but a request to enlarge.
    pub viewport: Option<(u16, u16)>,
    /// R-AUTH-3: the idle lock sits over everything and keeps it as it was.
    pub lock: Option<Form>,
    /// The lock was asked for (^L), not the idle timer: the lock screen says which.
    pub locked_by_hand: bool,
    pub flash: Option<Flash>,
    pub mail: MailCounts,
    /// Set when an action queued mail: the event loop wakes the delivery worker.
    pub mail_queued: bool,
    pub banner: Option<String>,
    pub quit: bool,
    /// The JST minute shown in the header; a tick redraws only when it changes.
    pub clock_text: String,
    /// R-ID-5: the purpose of the current visitor and of each customer seen this session.
    pub visit: lookup::Visit,
    /// Counts the queues off this thread (the TUI sets it; without it they are counted here).
    pub counter: Option<Counter>,
    /// Where this App reads the time (tests fix it per App; the TUI uses the process clock).
    pub clock: clock::Clock,
    last_activity: Instant,
    data_version: i64,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("screen", &self.screen)
            .finish_non_exhaustive()
    }
}

impl App {
    /// An App on the process clock ([`clock::now`]).
    ///
    /// # Errors
    /// On SQLite failure while reading the first state.
    pub fn new(
        store: Store,
        cfg: Config,
        terminal_id: String,
        banner: Option<String>,
    ) -> Result<App, ServiceError> {
        App::with_clock(store, cfg, terminal_id, banner, clock::Clock::System)
    }

    /// An App that reads the time from `clock` (screen tests fix it; nothing else is shared).
    ///
    /// # Errors
    /// On SQLite failure while reading the first state.
    pub fn with_clock(
        store: Store,
        cfg: Config,
        terminal_id: String,
        banner: Option<String>,
        clock: clock::Clock,
    ) -> Result<App, ServiceError> {
        let lang = Lang::from(cfg.ui.language);
        let first_run = crate::service::setup::needs_first_admin(&store)?;
        let (office_code, office_name) = crate::service::office(store.conn(), &cfg);
        let data_version = store.data_version()?;
        let screen = if first_run {
            Screen::FirstRun(signin::FirstRun::new())
        } else {
            Screen::SignIn(signin::SignIn::new())
        };
        let mut app = App {
            store,
            cfg,
            lang,
            terminal_id,
            office_code,
            office_name,
            session: None,
            screen,
            back: Vec::new(),
            overlay: None,
            lock: None,
            flash: None,
            mail: MailCounts::default(),
            mail_queued: false,
            banner,
            quit: false,
            clock_text: String::new(),
            visit: lookup::Visit::default(),
            last_activity: Instant::now(),
            viewport: None,
            locked_by_hand: false,
            counter: None,
            clock,
            data_version,
        };
        app.clock_text = app.clock_now();
        app.refresh_mail_counts();
        Ok(app)
    }

    #[must_use]
    pub fn t(&self, m: Msg) -> &'static str {
        m.text(self.lang)
    }

    fn clock_now(&self) -> String {
        clock::fmt_jst(self.now())
    }

    /// The current time as this App reads it.
    #[must_use]
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The acting staff member, at the current time.
    #[must_use]
    pub fn ctx(&self) -> Option<Ctx> {
        let now = self.now();
        self.session.as_ref().map(|s| s.ctx.at(now))
    }

    #[must_use]
    pub fn may(&self, p: Permission) -> bool {
        self.session.as_ref().is_some_and(|s| s.roles.may(p))
    }

    /// The permission an action needs on the current screen, if any beyond the screen's own:
    /// what the signed-in roles may not do is neither offered (hint bar, help) nor done
    /// (issue 15 item 6: a clerk was offered 本登録, confirmed it, and was told 権限がありません).
    #[must_use]
    pub fn action_needs(&self, action: Action) -> Option<Permission> {
        match (action, &self.screen) {
            (Action::ReviewApprove | Action::ReviewReject, _) => Some(Permission::Approve),
            (
                Action::ReviewCheck
                | Action::ReviewReturn
                | Action::ReviewClaim
                | Action::ReviewRelease
                | Action::ReviewVisit
                | Action::ReviewComment
                | Action::ReviewHandOver
                | Action::ReviewFollowUp,
                _,
            ) => Some(Permission::Review),
            (Action::Select, Screen::Queue(_)) => Some(Permission::ViewSubmission),
            (Action::Approve | Action::Reject, Screen::Lookup(_)) => {
                Some(Permission::ApproveIdChange)
            }
            _ => None,
        }
    }

    /// Whether the signed-in roles may do `action` here (no session: the sign-in screens).
    #[must_use]
    pub fn may_act(&self, action: Action) -> bool {
        self.session.is_none() || self.action_needs(action).is_none_or(|p| self.may(p))
    }

    pub fn flash(&mut self, tone: Tone, text: impl Into<String>) {
        self.flash = Some(Flash {
            tone,
            text: text.into(),
        });
    }

    /// One short message for a refused use case; the detail goes to the log.
    pub fn flash_error(&mut self, e: &ServiceError) {
        tracing::warn!(error = %e, "action refused");
        let text = msgs::error_message(self.lang, e);
        self.flash(Tone::Error, text);
    }

    /// Each issue with its message in the user's language, for `Form::set_issues`.
    #[must_use]
    pub fn issue_texts(
        &self,
        issues: Vec<crate::service::FieldIssue>,
    ) -> Vec<(crate::service::FieldIssue, String)> {
        issues
            .into_iter()
            .map(|i| {
                let t = msgs::issue_message(self.lang, &i);
                (i, t)
            })
            .collect()
    }

    /// The key table in force: the hint bar and the help overlay are drawn from it.
    #[must_use]
    pub fn bindings(&self) -> &'static [Binding] {
        if self.lock.is_some() {
            return keymap::LOCKED;
        }
        match &self.overlay {
            Some(Overlay::Help { .. }) => keymap::HELP,
            Some(Overlay::Confirm { .. }) => keymap::CONFIRM,
            Some(Overlay::Notice { .. }) => keymap::NOTICE,
            None => self.screen_bindings(),
        }
    }

    /// The current screen's own key table (what the help overlay lists).
    #[must_use]
    pub fn screen_bindings(&self) -> &'static [Binding] {
        match &self.screen {
            Screen::SignIn(_) | Screen::FirstRun(_) => keymap::SIGNIN,
            Screen::ChangePassword(_) | Screen::StaffAdd(_) | Screen::CalendarAdd(_) => {
                keymap::FORM
            }
            Screen::Home(_) => keymap::HOME,
            Screen::Register(r) if r.result.is_some() => keymap::RESULT,
            Screen::Register(_) => keymap::FORM,
            Screen::Account(a) if a.searching() => keymap::FORM,
            Screen::Account(_) => keymap::ACCOUNT,
            Screen::Staff(_) => keymap::STAFF,
            Screen::Audit(a) if a.editing() => keymap::FORM,
            Screen::Audit(a) if a.mode == audit::Mode::Report => keymap::AUDIT_REPORT,
            Screen::Audit(a) if a.mode == audit::Mode::Row => keymap::AUDIT_ROW,
            Screen::Audit(_) => keymap::AUDIT,
            Screen::MailQueue(_) => keymap::MAILQ,
            Screen::Queue(q) if q.filter_form.is_some() => keymap::FORM,
            Screen::Queue(_) => keymap::QUEUE,
            Screen::Detail(d) if d.form().is_some() => keymap::FORM,
            Screen::Detail(d) if d.picking() => keymap::PICKER,
            Screen::Detail(d) if d.checking() => keymap::CHECKLIST,
            Screen::Detail(_) => keymap::DETAIL,
            Screen::Purpose(_) => keymap::FORM,
            Screen::Dashboard(_) => keymap::STAFF_READONLY,
            Screen::Lookup(l) if l.form().is_some() => keymap::FORM,
            Screen::Lookup(l) if l.mode == lookup::Mode::Detail => keymap::LOOKUP_DETAIL,
            Screen::Lookup(_) => keymap::LOOKUP_RESULTS,
            Screen::Calendar(c) if c.editable => keymap::CALENDAR,
            Screen::Calendar(_) => keymap::CALENDAR_READONLY,
        }
    }

    /// Whether the screen underneath has a field to type in (the help then lists the editing
    /// keys; elsewhere they would only mislead).
    #[must_use]
    pub fn has_input(&self) -> bool {
        match &self.screen {
            Screen::SignIn(_)
            | Screen::FirstRun(_)
            | Screen::ChangePassword(_)
            | Screen::StaffAdd(_)
            | Screen::Purpose(_)
            | Screen::CalendarAdd(_) => true,
            Screen::Register(r) => r.result.is_none(),
            Screen::Account(a) => a.searching(),
            Screen::Queue(q) => q.filter_form.is_some(),
            Screen::Detail(d) => d.form().is_some(),
            Screen::Lookup(l) => l.form().is_some(),
            Screen::Audit(a) => a.editing(),
            _ => false,
        }
    }

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

    /// Whether the terminal is too small to show anything but a request to enlarge it.
    #[must_use]
    pub fn too_small(&self) -> bool {
        self.viewport
            .is_some_and(|(w, h)| w < MIN_WIDTH || h < MIN_HEIGHT)
    }

    /// Whether the quit question is open (the one dialog a too-small screen still shows).
    #[must_use]
    pub fn asking_quit(&self) -> bool {
        matches!(
            &self.overlay,
            Some(Overlay::Confirm {
                pending: Pending::Quit,
                ..
            })
        )
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
                signin::act(self, action)
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
                })
            }
            (Overlay::Help { scroll }, Action::Down) => {
                self.overlay = Some(Overlay::Help {
                    scroll: scroll.saturating_add(1).min(self.help_scroll_max()),
                })
            }
            (Overlay::Help { scroll }, Action::PageUp) => {
                self.overlay = Some(Overlay::Help {
                    scroll: scroll.saturating_sub(10),
                })
            }
            (Overlay::Help { scroll }, Action::PageDown) => {
                self.overlay = Some(Overlay::Help {
                    scroll: scroll.saturating_add(10).min(self.help_scroll_max()),
                })
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
            Pending::Review(id, k, seen) => review::run_pending(self, id, k, seen),
            Pending::CalendarRemove(date) => calendar::run_pending(self, date),
            Pending::StaffDisable { .. } | Pending::StaffUnlock(_) | Pending::StaffReset(_) => {
                staff::run_pending(self, p)
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

    /// Opens a screen, remembering the current one for Back.
    pub fn push(&mut self, s: Screen) {
        let old = std::mem::replace(&mut self.screen, s);
        self.back.push(old);
    }

    /// Back one screen (home is the bottom once signed in).
    pub fn pop(&mut self) {
        match self.back.pop() {
            Some(s) => self.screen = s,
            None if self.session.is_some() => self.screen = Screen::Home(home::Home::default()),
            None => {}
        }
        self.reload_screen();
    }

    pub fn go_home(&mut self) {
        if self.session.is_some() {
            self.back.clear();
            self.screen = Screen::Home(home::Home::default());
        }
    }

    pub fn signed_in(&mut self, s: Session) {
        let forced = s.must_change_password;
        self.session = Some(s);
        self.back.clear();
        self.screen = if forced {
            Screen::ChangePassword(signin::ChangePassword::new(true))
        } else {
            Screen::Home(home::Home::default())
        };
        self.banner = None;
        self.refresh_mail_counts();
    }

    pub fn sign_out(&mut self, why: Option<String>) {
        self.session = None;
        self.visit = lookup::Visit::default();
        self.back.clear();
        self.overlay = None;
        self.lock = None;
        self.screen = Screen::SignIn(signin::SignIn::new());
        if let Some(w) = why {
            self.flash(Tone::Warning, w);
        }
    }

    fn lock_now(&mut self) {
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

    fn staff_disabled(&self) -> bool {
        self.session.as_ref().is_some_and(|s| {
            crate::storage::staff::by_id(self.store.conn(), s.ctx.staff_id)
                .ok()
                .flatten()
                .is_none_or(|r| r.disabled)
        })
    }

    /// Time passes: idle lock (R-AUTH-3), the header clock, other sessions' changes.
    /// Returns whether anything changed.
    pub fn on_tick(&mut self, now: Instant) -> bool {
        let mut changed = false;
        let idle = Duration::from_secs(u64::from(self.cfg.session.idle_lock_minutes) * 60);
        if self.session.is_some()
            && self.lock.is_none()
            && now.duration_since(self.last_activity) >= idle
        {
            self.lock_now();
            changed = true;
        }
        // Audit rows of reads that found the write lock taken (issue 17 item 11): written as
        // soon as it is free, without making the screen wait.
        if self.store.audit_waiting() > 0 {
            let _ = self.store.flush_audit(Duration::ZERO);
        }
        let c = self.clock_now();
        if c != self.clock_text {
            self.clock_text = c;
            // The mail queue's ages move with the clock.
            if matches!(self.screen, Screen::MailQueue(_)) {
                self.reload_screen();
            }
            changed = true;
        }
        if let Ok(v) = self.store.data_version()
            && v != self.data_version
        {
            self.data_version = v;
            if self.session.is_some() && self.staff_disabled() {
                let why = self.t(Msg::SignedOutDisabled).to_string();
                self.sign_out(Some(why));
            }
            self.reload_screen();
            self.refresh_mail_counts();
            changed = true;
        }
        changed
    }

    /// Queue counts or a dashboard arrived from the counting thread: they go to the screens
    /// that show them, whether on screen or waiting under a detail, when they are the
    /// signed-in staff member's. Returns whether anything changed.
    pub fn on_counts(&mut self) -> bool {
        let Some(answers) = self.counter.as_ref().map(Counter::answers) else {
            return false;
        };
        let me = self.session.as_ref().map(|s| s.ctx.staff_id);
        let mut changed = false;
        for answer in answers {
            let answer = match answer {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("queue counts: {e}");
                    continue;
                }
            };
            for screen in std::iter::once(&mut self.screen).chain(self.back.iter_mut()) {
                match (screen, &answer) {
                    (Screen::Queue(q), Answer::Counts { staff_id, counts })
                        if Some(*staff_id) == me =>
                    {
                        q.counts.clone_from(counts);
                        changed = true;
                    }
                    (
                        Screen::Dashboard(d),
                        Answer::Dashboard {
                            staff_id,
                            dashboard,
                        },
                    ) if Some(*staff_id) == me => {
                        d.data = Some((**dashboard).clone());
                        changed = true;
                    }
                    _ => {}
                }
            }
        }
        changed
    }

    /// For tests: pretend the last key was pressed at `t`.
    pub fn set_last_activity(&mut self, t: Instant) {
        self.last_activity = t;
    }

    /// Re-reads what the current screen shows, keeping its cursor (another session changed
    /// the data).
    pub fn reload_screen(&mut self) {
        let Some(ctx) = self.ctx() else { return };
        match &mut self.screen {
            Screen::Account(a) => a.reload(&self.store, &ctx),
            Screen::Staff(s) => s.reload(&self.store, &ctx),
            Screen::Audit(a) => a.reload(&self.store, &ctx),
            Screen::Queue(q) => {
                let _ = q.reload(&self.store, &ctx, self.counter.as_ref());
            }
            Screen::Detail(d) => d.reload(&self.store, &ctx),
            Screen::Dashboard(d) => d.reload(&self.store, &ctx, self.counter.as_ref()),
            Screen::Calendar(c) => c.reload(&self.store),
            Screen::MailQueue(q) => {
                let _ = q.follow(&self.store, &ctx);
            }
            _ => {}
        }
    }

    pub fn refresh_mail_counts(&mut self) {
        if let Ok(counts) = crate::storage::outbox::counts(self.store.conn()) {
            let get = |s: MailState| counts.iter().find(|c| c.0 == s).map_or(0, |c| c.1);
            self.mail.waiting = get(MailState::Queued) + get(MailState::Sending);
            self.mail.failed = get(MailState::Failed);
        }
    }

    /// The background delivery worker reports. Returns whether the header changed.
    pub fn on_mail_status(&mut self, s: &crate::mail::worker::MailStatus) -> bool {
        let next = MailCounts {
            waiting: s.queued + s.sending,
            failed: s.failed,
            last_error: s
                .last_error
                .as_deref()
                .map(|e| crate::domain::text::sanitize(e, false)),
        };
        let changed = next != self.mail;
        self.mail = next;
        // The worker sent, deferred or failed a mail: the queue screen shows it at once.
        if changed && matches!(self.screen, Screen::MailQueue(_)) {
            self.reload_screen();
        }
        changed
    }

    /// An action queued mail: ask the worker to send it now, and show it in the header.
    pub fn mail_was_queued(&mut self) {
        self.mail_queued = true;
        self.refresh_mail_counts();
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
