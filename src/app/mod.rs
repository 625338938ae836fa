//! Application state and what every key does to it. No terminal here: `tui/` feeds key events
//! and ticks in, `ui/` draws `&App`. Use cases are called through `service/`, so the TUI and
//! the CLI share every rule.
//!
//! This file holds the `App` (its state, the screens' stack, sign-in and sign-out); `input.rs`
//! what a key or a paste does, `background.rs` what the clock and the background threads do;
//! each screen's own state and keys are in its file (`register.rs`, `review.rs`, …).

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

mod background;
mod input;

use std::time::Instant;

use crate::clock;
use crate::config::Config;
use crate::domain::ids::{AccountId, SubmissionId};
use crate::domain::staff::Permission;
use crate::i18n::ui::Msg;
use crate::i18n::{Lang, cli as msgs};
use crate::service::auth::Session;
use crate::service::queue_counts::Counter;
use crate::service::{Ctx, ServiceError};
use crate::storage::Store;

use form::Form;
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
    Reissue(AccountId),
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
    Review(SubmissionId, review::ReviewKey, Option<i64>),
    LookupReveal(AccountId),
    LookupMailId(AccountId),
    LookupChange(AccountId),
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
}
