//! Counter registration of account email (R-REG-1..6), auth keys (R-KEY-1..6) and the account
//! screen's data: `register.rs` (the form and the registration), `keys.rs` (re-issue, request,
//! activation), `view.rs` (the account screen). This file keeps what a registration and a key
//! share, and `service::import` uses too: inserting an account and issuing a key.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::ids::{AccountId, StaffId};
use crate::mail::template::Template;
use crate::storage::accounts::NewAccount;
use crate::storage::keys::KeyPurpose;
use crate::storage::{self, is_unique_violation};

use super::{Ctx, QueuedInfo, QueuedMail, Result, ServiceError, queue_mail};

mod keys;
mod register;
mod view;
use keys::key_vars;
pub use keys::{
    Activation, KeyRequested, NewKey, Reissued, activate, key_request_subject, new_key,
    reissue_key, request_key,
};
pub use register::{RegisterInput, Registered, form_issues, register};
pub use view::{
    AccountStatus, AccountView, KeyInfo, db_time, email_case_conflicts, find, refresh, show,
};

/// Inserts a key-pending account; a live account that took the address meanwhile (a race past
/// the check before) is named all the same (R-REG-2).
pub(super) fn insert_account(
    conn: &rusqlite::Connection,
    a: &NewAccount<'_>,
    now: DateTime<Utc>,
) -> Result<AccountId> {
    storage::accounts::insert(conn, a, now).map_err(|e| match &e {
        storage::StorageError::Sqlite(s) if is_unique_violation(s) => {
            match storage::accounts::live_by_email_key(conn, a.email_key) {
                Ok(Some(h)) => ServiceError::EmailInUse {
                    account_id: h.id,
                    kind: h.kind,
                },
                _ => ServiceError::EmailInUse {
                    account_id: AccountId(0),
                    kind: a.kind,
                },
            }
        }
        _ => e.into(),
    })
}

/// What issuing a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IssuedKey {
    pub key_id: i64,
    pub mail: QueuedInfo,
    /// Earlier keys of the account that died with it.
    pub replaced: usize,
    /// Unsent mails of those keys, cancelled (R-MAIL-6).
    pub cancelled_mails: usize,
}

/// Issues a registration key to an account and queues the mail that carries it, inside the
/// caller's transaction: the previous live key dies and its unsent mail is cancelled
/// (R-KEY-3, R-MAIL-6). Used by the counter's re-issue and by the interchange's key requests
/// (R-KEY-0), so the three cannot drift apart.
pub(super) fn issue_key(
    conn: &rusqlite::Connection,
    cfg: &Config,
    ctx: &Ctx,
    account: (AccountId, &str),
    template: Template,
    key: &NewKey,
) -> Result<IssuedKey> {
    let (account_id, email) = account;
    let old = storage::keys::replace_live(conn, account_id, KeyPurpose::Registration)?;
    let mut cancelled_mails = 0;
    for k in &old {
        let moved = storage::outbox::cancel_unsent_for_key(
            conn,
            *k,
            &crate::domain::mail::DeliveryNote::KeyReissued.stored(None),
            ctx.now,
        )?;
        cancelled_mails += moved.len();
        log_cancelled(&moved, "cancelled: its key was replaced");
    }
    let issued_by = (ctx.staff_id != StaffId(0)).then_some(ctx.staff_id);
    let key_id = storage::keys::insert(
        conn,
        account_id,
        KeyPurpose::Registration,
        &key.hash,
        ctx.now,
        key.expires,
        issued_by,
    )?;
    let mail = queue_mail(
        conn,
        cfg,
        ctx,
        &QueuedMail {
            template,
            to: email,
            account_id: Some(account_id),
            vars: key_vars(&key.key, key.expires),
            auth_key: Some((key_id, key.expires)),
        },
    )?;
    Ok(IssuedKey {
        key_id,
        mail,
        replaced: old.len(),
        cancelled_mails,
    })
}

/// Logs the unsent mail a replaced key took with it (R-MAIL-6).
pub(super) fn log_cancelled(moved: &[storage::outbox::Moved], why: &str) {
    for m in moved {
        crate::mail::log::moved(
            m,
            crate::domain::mail::MailState::Cancelled,
            crate::mail::log::Level::Info,
            None,
            why,
        );
    }
}
