//! The account screen (R-REG-6, R-MAIL-5): search by email, the state at a glance, every mail
//! sent to the account, and re-issue of the auth key (R-KEY-3) after a confirm step. R-ID-5: a
//! customer's account is shown only after the purpose prompt (`purpose.rs`), once per customer
//! per session.

use super::form::{Field, Form};
use super::keymap::Action;
use super::purpose::{Ask, Target};
use super::{App, Pending, Screen, Tone, register};
use crate::clock;
use crate::domain::ids::{AccountId, SubmissionId};
use crate::domain::lookup::{PURPOSES, REGISTER_PURPOSE};
use crate::i18n::ui::Msg;
use crate::service::accounts::{self, AccountView};
use crate::service::{Ctx, ServiceError};
use crate::storage::Store;

/// The purpose preselected when the account screen asks (R-ID-5): a clerk looking up an account
/// by email is most often answering the customer's question (the key did not arrive, is the
/// account open…), so Enter takes 問合せ対応.
pub const ACCOUNT_PURPOSE: &str = PURPOSES[2];

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
    SubmissionId,
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
    /// (the registration itself is the audit row). See [`open_registered`].
    #[must_use]
    pub fn opened(store: &Store, ctx: &Ctx, account_id: AccountId) -> Account {
        let mut a = Account::new();
        match accounts::refresh(store, ctx, account_id) {
            Ok(v) => {
                a.search.set_value("email", &v.account.email);
                a.submissions = submissions_of(store, v.account.id);
                a.view = Some(v);
                a.editing = false;
            }
            // The screen opens empty, for a search by hand.
            Err(e) => tracing::warn!(
                account_id = account_id.get(),
                "account screen: account not read: {e}"
            ),
        }
        a
    }

    #[must_use]
    pub fn searching(&self) -> bool {
        self.editing
    }

    pub fn reload(&mut self, store: &Store, ctx: &Ctx) {
        let Some(v) = &self.view else { return };
        match accounts::refresh(store, ctx, v.account.id) {
            Ok(fresh) => {
                self.mail_cursor = self.mail_cursor.min(fresh.mails.len().saturating_sub(1));
                self.submissions = submissions_of(store, fresh.account.id);
                self.view = Some(fresh);
            }
            // What is shown stays; the next change reloads it.
            Err(e) => tracing::warn!(
                account_id = v.account.id.get(),
                "account screen: not reloaded: {e}"
            ),
        }
    }

    /// R-MAIL-5: a registration mail that failed, or has waited too long, while the customer
    /// is still at the counter.
    #[must_use]
    pub fn mail_alert(&self, now: chrono::DateTime<chrono::Utc>) -> Option<Msg> {
        use crate::domain::mail::MailState;
        let v = self.view.as_ref()?;
        let newest = v.mails.first()?;
        match newest.state {
            MailState::Failed => Some(Msg::AlertMailFailed),
            // Only while the customer still waits for a key: once it was used, an old key
            // mail that expired unsent is history, not something to act on.
            MailState::Expired => (v.account.state
                == crate::domain::account::AccountState::KeyPending)
                .then_some(Msg::AlertMailExpired),
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
                // R-ID-5: the account on screen was shown with its customer's purpose (asked,
                // reused or the registration's), which the detail reuses without asking.
                super::review::open_detail(app, id, ACCOUNT_PURPOSE);
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
    // R-ID-5: a customer who already gave a purpose this session (here, at the lookup, on a
    // submission, or just registered) is shown with it. Anyone else is asked first: a customer
    // not seen yet, and an email without an account too, so the prompt tells nothing.
    let known = match accounts::find(&app.store, &ctx, &email) {
        Ok(id) => id.and_then(|id| app.visit.per_customer.get(&id).cloned()),
        Err(e) => return app.flash_error(&e),
    };
    if let Some(p) = known {
        show_with_purpose(app, &email, &p);
    } else {
        // Another customer: whoever was on screen goes now, so that a prompt left with
        // Esc never leaves them shown under the newly typed address.
        if let Screen::Account(a) = &mut app.screen {
            a.view = None;
            a.submissions.clear();
            a.mail_cursor = 0;
        }
        app.push(Screen::Purpose(Box::new(Ask::new(
            Target::Account { email },
            ACCOUNT_PURPOSE,
        ))));
    }
}

/// Shows the account for `email`: one audit row `account.view` with the purpose (R-ID-5), which
/// is remembered for the customer.
pub fn show_with_purpose(app: &mut App, email: &str, purpose: &str) {
    let Some(ctx) = app.ctx() else { return };
    match accounts::show(&mut app.store, &ctx, email, purpose) {
        Ok(v) => {
            app.visit
                .per_customer
                .insert(v.account.id, purpose.to_string());
            if let Screen::Account(a) = &mut app.screen {
                a.submissions = submissions_of(&app.store, v.account.id);
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

/// Register result → Enter: the account just registered, without the purpose prompt. R-ID-5:
/// the purpose is evidently the registration itself, 窓口登録, which the `account.register`
/// audit row already carries; that row stands for this view (the clerk sees what was just
/// registered; a separate `account.view` row would count in R-AUD-3 as a lookup not followed by
/// business). It is remembered for the customer, so later views of them this session (here, at
/// the lookup, their submissions) are not asked.
pub fn open_registered(app: &mut App, account_id: AccountId) {
    let Some(ctx) = app.ctx() else { return };
    app.visit
        .per_customer
        .entry(account_id)
        .or_insert_with(|| REGISTER_PURPOSE.to_string());
    let acc = Account::opened(&app.store, &ctx, account_id);
    app.screen = Screen::Account(Box::new(acc));
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
        // The address the clerk is looking at, whole: they check it with the customer.
        format!(
            "{} {}",
            app.t(Msg::ConfirmReissueTo),
            crate::domain::text::sanitize(&v.account.email, false)
        ),
        app.t(Msg::ConfirmReissueEffect).to_string(),
    ];
    let title = app.t(Msg::ConfirmReissue).to_string();
    app.confirm(title, lines, Pending::Reissue(id));
}

pub fn reissue(app: &mut App, account_id: AccountId) {
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

/// The account's submissions for its screen; none (and a log line) when they cannot be read.
fn submissions_of(store: &Store, account_id: AccountId) -> Vec<Submission> {
    crate::service::review::for_account(store, account_id).unwrap_or_else(|e| {
        tracing::warn!(
            account_id = account_id.get(),
            "account screen: submissions not read: {e}"
        );
        Vec::new()
    })
}
