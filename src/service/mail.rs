//! The operator's view of the outbox, like `mailq` (R-MAIL-7): status, list, show, and retry /
//! hold / release / cancel of one mail. Each is one IMMEDIATE transaction with its audit row.
//!
//! Permission: `ViewMail` for every one of them. SPEC §1 lets counter staff "see mail status",
//! and a clerk re-sending a failed registration mail while the customer waits at the counter
//! (R-MAIL-5, 「認証キーが届かない」) is the expected use; the domain has no separate
//! "manage mail" permission and this module may not add one. Recipients and bodies are
//! personal data: shown in clear only to those who may view accounts (`ViewAccount`), masked
//! otherwise (an admin sees the queue, not the addresses).

use chrono::{DateTime, Utc};

use crate::clock::{from_db, to_db};
use crate::domain::ids::AccountId;
use crate::domain::mask::mask_email;
use crate::domain::refusal::Refusal;
use crate::domain::staff::{Permission, Roles};
use crate::storage::Store;
use crate::storage::outbox::{self, MailRow, MailState};

use super::{Audit, Ctx, Result, ServiceError, audit, audit_read, require};

/// How many rows `list` returns at most.
pub const LIST_LIMIT: u32 = 500;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QueueStatus {
    /// Every state, zero included, in `MailState::ALL` order.
    pub counts: Vec<(MailState, i64)>,
    /// Seconds since the oldest mail still waiting (queued or sending) was queued.
    pub oldest_waiting_age_seconds: Option<i64>,
}

/// One line of the queue as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MailLine {
    pub id: i64,
    pub state: MailState,
    pub template: String,
    /// Masked unless the staff member may view accounts.
    pub to: String,
    pub subject: String,
    pub account_id: Option<AccountId>,
    pub age_seconds: i64,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub last_reply: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub key_expires_at: Option<String>,
    pub message_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MailDetail {
    #[serde(flatten)]
    pub line: MailLine,
    /// `None` once scrubbed (a sent key mail, R-KEY-2) or when the viewer may not see it.
    pub body: Option<String>,
    pub body_scrubbed: bool,
}

fn age(created: &str, now: DateTime<Utc>) -> i64 {
    from_db(created).map_or(0, |c| (now - c).num_seconds().max(0))
}

fn line(r: MailRow, clear: bool, now: DateTime<Utc>) -> MailLine {
    let waiting = matches!(r.state, MailState::Queued | MailState::Sending);
    MailLine {
        id: r.id,
        state: r.state,
        age_seconds: age(&r.created_at, now),
        to: if clear {
            r.to_addr
        } else {
            mask_email(&r.to_addr)
        },
        template: r.template,
        subject: r.subject,
        account_id: r.account_id,
        attempts: r.attempts,
        next_attempt_at: waiting.then_some(r.next_attempt_at),
        last_reply: r
            .last_reply
            .map(|s| crate::domain::text::sanitize(&s, false)),
        created_at: r.created_at,
        sent_at: r.sent_at,
        key_expires_at: r.key_expires_at,
        message_id: r.message_id,
    }
}

fn sees_clear(roles: &Roles) -> bool {
    roles.may(Permission::ViewAccount)
}

/// Counts by state and the age of the oldest waiting mail.
///
/// # Errors
/// `Denied`.
pub fn status(store: &mut Store, ctx: &Ctx) -> Result<QueueStatus> {
    let tx = store.conn().unchecked_transaction()?;
    let roles = require(&tx, ctx, Permission::ViewMail)?;
    let found = outbox::counts(&tx)?;
    let counts = MailState::ALL
        .into_iter()
        .map(|s| {
            (
                s,
                found.iter().find(|(f, _)| *f == s).map_or(0, |(_, n)| *n),
            )
        })
        .collect();
    let oldest = outbox::oldest_waiting(&tx)?.map(|c| age(&c, ctx.now));
    tx.commit()?;
    audit_read(
        store,
        ctx,
        Some(&roles),
        Audit {
            action: "mail.status",
            subject: None,
            purpose: None,
            outcome: "ok",
            detail: None,
        },
    )?;
    Ok(QueueStatus {
        counts,
        oldest_waiting_age_seconds: oldest,
    })
}

/// The queue, one state (by next attempt) or all (newest first), at most [`LIST_LIMIT`] rows.
///
/// # Errors
/// `Denied`.
pub fn list(store: &mut Store, ctx: &Ctx, state: Option<MailState>) -> Result<Vec<MailLine>> {
    let tx = store.conn().unchecked_transaction()?;
    let roles = require(&tx, ctx, Permission::ViewMail)?;
    let clear = sees_clear(&roles);
    let rows = outbox::list(&tx, state, LIST_LIMIT)?;
    tx.commit()?;
    audit_read(
        store,
        ctx,
        Some(&roles),
        Audit {
            action: "mail.list",
            subject: None,
            purpose: None,
            outcome: "ok",
            detail: Some(format!(
                "state={} rows={} recipients={}",
                state.map_or("all", MailState::code),
                rows.len(),
                if clear { "clear" } else { "masked" }
            )),
        },
    )?;
    Ok(rows.into_iter().map(|r| line(r, clear, ctx.now)).collect())
}

/// The counts and one state's lines again, for a screen that already showed them and follows
/// the queue live (issue 15 item 3). The opening read ([`status`] and [`list`]) was audited;
/// following the same view as the worker sends is no new disclosure, so no audit row is
/// written here: a screen left open would otherwise write one per tick.
///
/// # Errors
/// `Denied` (the permission is checked on every read) and storage failures.
pub fn follow(
    store: &Store,
    ctx: &Ctx,
    state: Option<MailState>,
) -> Result<(QueueStatus, Vec<MailLine>)> {
    let tx = store.conn().unchecked_transaction()?;
    let roles = require(&tx, ctx, Permission::ViewMail)?;
    let clear = sees_clear(&roles);
    let found = outbox::counts(&tx)?;
    let counts = MailState::ALL
        .into_iter()
        .map(|s| {
            (
                s,
                found.iter().find(|(f, _)| *f == s).map_or(0, |(_, n)| *n),
            )
        })
        .collect();
    let oldest = outbox::oldest_waiting(&tx)?.map(|c| age(&c, ctx.now));
    let rows = outbox::list(&tx, state, LIST_LIMIT)?;
    tx.commit()?;
    Ok((
        QueueStatus {
            counts,
            oldest_waiting_age_seconds: oldest,
        },
        rows.into_iter().map(|r| line(r, clear, ctx.now)).collect(),
    ))
}

/// One mail, with its body while it is stored and the viewer may see it.
///
/// # Errors
/// `NotFound`, `Denied`.
pub fn show(store: &mut Store, ctx: &Ctx, id: i64) -> Result<MailDetail> {
    let tx = store.conn().unchecked_transaction()?;
    let roles = require(&tx, ctx, Permission::ViewMail)?;
    let clear = sees_clear(&roles);
    let row = outbox::by_id(&tx, id)?.ok_or(ServiceError::NotFound)?;
    let scrubbed = !row.has_body;
    // R-KEY-2: no screen or command shows a key: the body is shown with the key masked.
    let body = if clear && !scrubbed {
        outbox::body(&tx, id)?.map(|b| crate::domain::authkey::mask_keys(&b))
    } else {
        None
    };
    tx.commit()?;
    audit_read(
        store,
        ctx,
        Some(&roles),
        Audit {
            action: "mail.show",
            subject: Some(format!("mail:{id}")),
            purpose: None,
            outcome: "ok",
            detail: Some(format!(
                "to={} body_shown={}",
                mask_email(&row.to_addr),
                body.is_some()
            )),
        },
    )?;
    Ok(MailDetail {
        line: line(row, clear, ctx.now),
        body,
        body_scrubbed: scrubbed,
    })
}

/// An operator action on one mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MailAction {
    /// failed or held → queued, due now. Not for a key mail whose key has expired (re-issue).
    Retry,
    /// queued or failed → held (the worker leaves it alone).
    Hold,
    /// held → queued, due now.
    Release,
    /// queued, held or failed → cancelled (a key mail's body is scrubbed).
    Cancel,
}

impl MailAction {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            MailAction::Retry => "retry",
            MailAction::Hold => "hold",
            MailAction::Release => "release",
            MailAction::Cancel => "cancel",
        }
    }

    fn transition(self) -> (&'static [MailState], MailState, bool) {
        use MailState as S;
        match self {
            MailAction::Retry => (&[S::Failed, S::Held], S::Queued, true),
            MailAction::Hold => (&[S::Queued, S::Failed], S::Held, false),
            MailAction::Release => (&[S::Held], S::Queued, true),
            MailAction::Cancel => (&[S::Queued, S::Held, S::Failed], S::Cancelled, false),
        }
    }
}

/// Applies `action` to mail `id` and returns it as it is now. Two operators at once: exactly
/// one applies, the other gets `Refused` with the state the first left.
///
/// # Errors
/// `NotFound`; `Refused(Refusal::Mail(current state))` when the action does not apply
/// (`KeyExpired` for a retry of a key mail past its key, `MailWithoutBody` when its body is
/// gone); `Denied`.
pub fn act(store: &mut Store, ctx: &Ctx, id: i64, action: MailAction) -> Result<MailLine> {
    outbox::secure_delete_on(store.conn())?;
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ViewMail)?;
    let row = outbox::by_id(&tx, id)?.ok_or(ServiceError::NotFound)?;
    let (from, to, due_now) = action.transition();
    let key_dead = row
        .key_expires_at
        .as_deref()
        .and_then(from_db)
        .is_some_and(|k| k <= ctx.now);
    // The audit row names the refusal by code: the mail state, `key_expired` or `no_body`.
    let refusal = if !from.contains(&row.state) {
        Some((Refusal::Mail(row.state), row.state.code()))
    } else if matches!(action, MailAction::Retry | MailAction::Release) && key_dead {
        // R-MAIL-6: useless after the key expired; the clerk re-issues the key instead.
        Some((Refusal::KeyExpired, "key_expired"))
    } else if matches!(action, MailAction::Retry | MailAction::Release) && !row.has_body {
        Some((Refusal::MailWithoutBody, "no_body"))
    } else {
        None
    };
    let note = format!("{} by {}", action.code(), ctx.staff_name);
    let applied =
        refusal.is_none() && outbox::set_state(&tx, id, from, to, due_now, &note, ctx.now)?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: &format!("mail.{}", action.code()),
            subject: Some(format!("mail:{id}")),
            purpose: None,
            outcome: if applied { "ok" } else { "refused" },
            detail: Some(format!(
                "from={} to={} at={}{}",
                row.state.code(),
                if applied { to.code() } else { row.state.code() },
                to_db(ctx.now),
                refusal
                    .as_ref()
                    .map_or(String::new(), |(_, r)| format!(" reason={r}"))
            )),
        },
    )?;
    let after = outbox::by_id(&tx, id)?.ok_or(ServiceError::NotFound)?;
    tx.commit()?;
    if applied && action == MailAction::Cancel && after.key_expires_at.is_some() {
        outbox::checkpoint_truncate(store.conn())?; // R-KEY-2
    }
    if applied {
        use crate::mail::log::{self, Level};
        let level = match action {
            MailAction::Hold => Level::Warn,
            MailAction::Retry | MailAction::Release | MailAction::Cancel => Level::Info,
        };
        log::state_change(
            level,
            &log::Change {
                id,
                template: &after.template,
                from: Some(row.state),
                to,
                attempt: after.attempts,
                next_attempt: due_now.then_some(ctx.now),
                reply: None,
                why: &format!("{} by staff {}", action.code(), ctx.staff_id),
            },
        );
    }
    if !applied {
        return Err(refusal
            .map_or(Refusal::Mail(after.state), |(r, _)| r)
            .into());
    }
    Ok(line(after, sees_clear(&roles), ctx.now))
}

/// R-MAIL-7 retry now.
///
/// # Errors
/// As [`act`].
pub fn retry(store: &mut Store, ctx: &Ctx, id: i64) -> Result<MailLine> {
    act(store, ctx, id, MailAction::Retry)
}

/// R-MAIL-7 hold.
///
/// # Errors
/// As [`act`].
pub fn hold(store: &mut Store, ctx: &Ctx, id: i64) -> Result<MailLine> {
    act(store, ctx, id, MailAction::Hold)
}

/// R-MAIL-7 release.
///
/// # Errors
/// As [`act`].
pub fn release(store: &mut Store, ctx: &Ctx, id: i64) -> Result<MailLine> {
    act(store, ctx, id, MailAction::Release)
}

/// R-MAIL-7 cancel.
///
/// # Errors
/// As [`act`].
pub fn cancel(store: &mut Store, ctx: &Ctx, id: i64) -> Result<MailLine> {
    act(store, ctx, id, MailAction::Cancel)
}
