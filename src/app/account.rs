//! The account screen (R-REG-6, R-MAIL-5): search by email, the state at a glance, every mail
//! sent to the account, and re-issue of the auth key (R-KEY-3) after a confirm step.

use super::form::{Field, Form};
use super::keymap::Action;
use super::{App, Pending, Screen, Tone, register};
use crate::clock;
use crate::domain::mask::mask_email;
use crate::i18n::ui::Msg;
use crate::service::accounts::{self, AccountView};
use crate::service::{Ctx, ServiceError};
use crate::storage::Store;

/// Purpose recorded with each view until the purpose prompt (R-ID-5) arrives with the lookup
/// screen.
pub const COUNTER_PURPOSE: &str = "窓口対応";

#[derive(Debug)]
pub struct Account {
    pub search: Form,
    pub view: Option<AccountView>,
    /// Whether the search field has the keyboard.
    pub editing: bool,
    pub mail_cursor: usize,
    /// The account's provisional submissions (id, kind, state, name, deadline); digits open them.
    pub submissions: Vec<Submission>,
}

pub type Submission = (
    i64,
    crate::domain::submission::SubmissionKind,
    crate::domain::submission::SubmissionState,
    String,
    Option<String>,
);

/// How many submissions the account screen lists (opened with the digit keys).
pub const SUBMISSIONS_SHOWN: usize = 5;

impl Account {
    #[must_use]
    pub fn new() -> Account {
        Account {
            search: Form::new(vec![
                Field::text("email", Msg::FieldEmail).with_hint(Msg::HintSearchEmail),
            ]),
            view: None,
            editing: true,
            mail_cursor: 0,
            submissions: Vec::new(),
        }
    }

    /// Opened straight after a registration: the clerk just saw the account, no search needed
    /// (the registration itself is the audit row).
    #[must_use]
    pub fn opened(store: &Store, ctx: &Ctx, account_id: i64) -> Account {
        let mut a = Account::new();
        if let Ok(v) = accounts::refresh(store, ctx, account_id) {
            a.search.set_value("email", &v.account.email);
            a.submissions =
                crate::service::review::for_account(store, v.account.id).unwrap_or_default();
            a.view = Some(v);
            a.editing = false;
        }
        a
    }

    #[must_use]
    pub fn searching(&self) -> bool {
        self.editing
    }

    pub fn reload(&mut self, store: &Store, ctx: &Ctx) {
        if let Some(v) = &self.view
            && let Ok(fresh) = accounts::refresh(store, ctx, v.account.id)
        {
            self.mail_cursor = self.mail_cursor.min(fresh.mails.len().saturating_sub(1));
            self.submissions =
                crate::service::review::for_account(store, fresh.account.id).unwrap_or_default();
            self.view = Some(fresh);
        }
    }

    /// R-MAIL-5: a registration mail that failed, or has waited too long, while the customer
    /// is still at the counter.
    #[must_use]
    pub fn mail_alert(&self, now: chrono::DateTime<chrono::Utc>) -> Option<Msg> {
        use crate::storage::outbox::MailState;
        let v = self.view.as_ref()?;
        let newest = v.mails.first()?;
        match newest.state {
            MailState::Failed => Some(Msg::AlertMailFailed),
            MailState::Expired => Some(Msg::AlertMailExpired),
            MailState::Queued | MailState::Sending => {
                let queued = clock::from_db(&newest.created_at)?;
                (now - queued > chrono::Duration::minutes(5)).then_some(Msg::AlertMailStuck)
            }
            _ => None,
        }
    }
}

impl Default for Account {
    fn default() -> Self {
        Account::new()
    }
}

pub fn act(app: &mut App, action: Action) {
    let Screen::Account(a) = &mut app.screen else {
        return;
    };
    if a.editing {
        match action {
            Action::Select | Action::Submit => search(app),
            Action::NextField if a.view.is_some() => a.editing = false,
            Action::Back => app.pop(),
            _ => {}
        }
        return;
    }
    match action {
        Action::Search => {
            a.editing = true;
            a.search.set_value("email", "");
        }
        Action::Up => a.mail_cursor = a.mail_cursor.saturating_sub(1),
        Action::Down => {
            let n = a.view.as_ref().map_or(0, |v| v.mails.len());
            a.mail_cursor = (a.mail_cursor + 1).min(n.saturating_sub(1));
        }
        Action::Refresh => {
            let Some(ctx) = app.ctx() else { return };
            if let Screen::Account(a) = &mut app.screen {
                a.reload(&app.store, &ctx);
            }
            app.refresh_mail_counts();
        }
        Action::NewItem => app.screen = Screen::Register(register::Register::new()),
        Action::Reissue => ask_reissue(app),
        // Issue 3's read-only view of a submission, reached from its account.
        Action::Menu(n) => {
            if let Some(id) = a
                .submissions
                .get(usize::from(n).saturating_sub(1))
                .map(|s| s.0)
            {
                // R-ID-5: the visitor's purpose, when the lookup asked it, else review.
                let suggested = app
                    .visit
                    .purpose
                    .clone()
                    .unwrap_or_else(|| super::review::REVIEW_PURPOSE.to_string());
                super::review::open_detail(app, id, &suggested);
            }
        }
        Action::Back => app.pop(),
        _ => {}
    }
}

fn search(app: &mut App) {
    let Screen::Account(a) = &app.screen else {
        return;
    };
    let email = a.search.value("email");
    if email.trim().is_empty() {
        return;
    }
    let Some(ctx) = app.ctx() else { return };
    // R-ID-5: the purpose the current visitor gave at the lookup, if any.
    let purpose = app
        .visit
        .purpose
        .clone()
        .unwrap_or_else(|| COUNTER_PURPOSE.to_string());
    match accounts::show(&mut app.store, &ctx, &email, &purpose) {
        Ok(v) => {
            if let Screen::Account(a) = &mut app.screen {
                a.submissions = crate::service::review::for_account(&app.store, v.account.id)
                    .unwrap_or_default();
                a.view = Some(v);
                a.editing = false;
                a.mail_cursor = 0;
            }
        }
        Err(ServiceError::NotFound) => {
            if let Screen::Account(a) = &mut app.screen {
                a.view = None;
            }
            let text = app.t(Msg::AccountNotFound).to_string();
            app.flash(Tone::Warning, text);
        }
        Err(e) => app.flash_error(&e),
    }
}

fn ask_reissue(app: &mut App) {
    let Screen::Account(a) = &app.screen else {
        return;
    };
    let Some(v) = &a.view else { return };
    if v.account.state != crate::domain::account::AccountState::KeyPending {
        let text = app.t(Msg::ReissueNotPending).to_string();
        app.flash(Tone::Warning, text);
        return;
    }
    let id = v.account.id;
    let lines = vec![
        format!(
            "{} {}",
            app.t(Msg::ConfirmReissueTo),
            mask_email(&v.account.email)
        ),
        app.t(Msg::ConfirmReissueEffect).to_string(),
    ];
    let title = app.t(Msg::ConfirmReissue).to_string();
    app.confirm(title, lines, Pending::Reissue(id));
}

pub fn reissue(app: &mut App, account_id: i64) {
    let Some(ctx) = app.ctx() else { return };
    let cfg = app.cfg.clone();
    match accounts::reissue_key(&mut app.store, &cfg, &ctx, account_id) {
        Ok(r) => {
            if let Screen::Account(a) = &mut app.screen {
                a.reload(&app.store, &ctx);
            }
            let text = format!(
                "{} {}",
                app.t(Msg::Reissued),
                clock::fmt_jst_hm(r.key_expires_at)
            );
            app.flash(Tone::Success, text);
            app.mail_was_queued();
        }
        Err(e) => app.flash_error(&e),
    }
}
