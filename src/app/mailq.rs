//! The mail queue, like `mailq` (R-MAIL-7): counts by state, each mail's age, next attempt
//! and last reply, and retry / hold / release / cancel after a confirm step.
//!
//! Listing recipients is a view of personal data: opening the screen is audited (`mail.status`,
//! `mail.list`). From then on the screen follows the queue live (issue 15 item 3): another
//! session's or the delivery worker's change, `g`, `f` and the minute's turn re-read it
//! without an audit row each.

use super::keymap::Action;
use super::{App, Pending, Screen, Tone};
use crate::domain::mail::MailState;
use crate::i18n::ui::Msg;
use crate::service::mail::{self as mail_service, MailAction, MailLine, QueueStatus};
use crate::service::{Ctx, ServiceError};
use crate::storage::Store;

/// The filter cycle of `f`: everything, then the states an operator acts on.
const FILTERS: [Option<MailState>; 5] = [
    None,
    Some(MailState::Failed),
    Some(MailState::Queued),
    Some(MailState::Held),
    Some(MailState::Expired),
];

#[derive(Debug, Default)]
pub struct MailQueue {
    pub status: Option<QueueStatus>,
    pub lines: Vec<MailLine>,
    pub filter: usize,
    pub cursor: usize,
}

impl MailQueue {
    /// # Errors
    /// `Denied` and storage failures.
    pub fn reload(&mut self, store: &mut Store, ctx: &Ctx) -> Result<(), ServiceError> {
        let keep = self.selected().map(|l| l.id);
        self.status = Some(mail_service::status(store, ctx)?);
        self.lines = mail_service::list(store, ctx, self.state_filter())?;
        self.cursor = keep
            .and_then(|id| self.lines.iter().position(|l| l.id == id))
            .unwrap_or(self.cursor)
            .min(self.lines.len().saturating_sub(1));
        Ok(())
    }

    /// Re-reads the queue as it is now, keeping the cursor on the same mail. Not audited: the
    /// opening read was.
    ///
    /// # Errors
    /// `Denied` and storage failures.
    pub fn follow(&mut self, store: &Store, ctx: &Ctx) -> Result<(), ServiceError> {
        let keep = self.selected().map(|l| l.id);
        let (status, lines) = mail_service::follow(store, ctx, self.state_filter())?;
        self.status = Some(status);
        self.lines = lines;
        self.cursor = keep
            .and_then(|id| self.lines.iter().position(|l| l.id == id))
            .unwrap_or(self.cursor)
            .min(self.lines.len().saturating_sub(1));
        Ok(())
    }

    #[must_use]
    pub fn state_filter(&self) -> Option<MailState> {
        FILTERS.get(self.filter).copied().flatten()
    }

    #[must_use]
    pub fn selected(&self) -> Option<&MailLine> {
        self.lines.get(self.cursor)
    }
}

/// Opens the queue screen (reads it once).
pub fn open(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    let mut q = MailQueue::default();
    match q.reload(&mut app.store, &ctx) {
        Ok(()) => app.push(Screen::MailQueue(q)),
        Err(e) => app.flash_error(&e),
    }
}

fn reload(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    if let Screen::MailQueue(q) = &mut app.screen
        && let Err(e) = q.follow(&app.store, &ctx)
    {
        app.flash_error(&e);
    }
    app.refresh_mail_counts();
}

pub fn act(app: &mut App, action: Action) {
    let Screen::MailQueue(q) = &mut app.screen else {
        return;
    };
    let last = q.lines.len().saturating_sub(1);
    match action {
        Action::Up => q.cursor = q.cursor.saturating_sub(1),
        Action::Down => q.cursor = (q.cursor + 1).min(last),
        Action::PageUp => q.cursor = q.cursor.saturating_sub(10),
        Action::PageDown => q.cursor = (q.cursor + 10).min(last),
        Action::Filter => {
            q.filter = (q.filter + 1) % FILTERS.len();
            q.cursor = 0;
            reload(app);
        }
        Action::Refresh => reload(app),
        Action::MailRetry => ask(app, MailAction::Retry),
        Action::MailHold => ask(app, MailAction::Hold),
        Action::MailRelease => ask(app, MailAction::Release),
        Action::MailCancel => ask(app, MailAction::Cancel),
        Action::Back => app.pop(),
        _ => {}
    }
}

fn action_msgs(a: MailAction) -> (Msg, Msg) {
    match a {
        MailAction::Retry => (Msg::ConfirmMailRetry, Msg::MailRetryEffect),
        MailAction::Hold => (Msg::ConfirmMailHold, Msg::MailHoldEffect),
        MailAction::Release => (Msg::ConfirmMailRelease, Msg::MailReleaseEffect),
        MailAction::Cancel => (Msg::ConfirmMailCancel, Msg::MailCancelEffect),
    }
}

fn ask(app: &mut App, a: MailAction) {
    let Screen::MailQueue(q) = &app.screen else {
        return;
    };
    let Some(line) = q.selected() else { return };
    let (title, effect) = action_msgs(a);
    let lines = vec![
        format!(
            "#{}  {}",
            line.id,
            crate::domain::text::sanitize(&line.subject, false)
        ),
        format!("{} {}", app.t(Msg::ConfirmReissueTo), line.to),
        app.t(effect).to_string(),
    ];
    let id = line.id;
    let title = app.t(title).to_string();
    app.confirm(title, lines, Pending::Mail(id, a));
}

pub fn run_pending(app: &mut App, id: i64, a: MailAction) {
    let Some(ctx) = app.ctx() else { return };
    match mail_service::act(&mut app.store, &ctx, id, a) {
        Ok(_) => {
            let text = app.t(Msg::Done).to_string();
            app.flash(Tone::Success, text);
            if matches!(a, MailAction::Retry | MailAction::Release) {
                app.mail_was_queued();
            }
        }
        Err(e) => app.flash_error(&e),
    }
    reload(app);
}
