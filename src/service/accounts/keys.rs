//! Auth keys (R-KEY-1..6): a new key, its re-issue at the counter, the customer's request
//! for one (password.requested), and the activation that uses it, with the provisional
//! deadline it starts (R-DL-1).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::{fmt_jst, jst_date, to_db};
use crate::config::Config;
use crate::domain::account::{AccountOrigin, AccountState, KeyRequestSubject};
use crate::domain::authkey::{self, ActivationOutcome, KeyState};
use crate::domain::deadline;
use crate::domain::email::{self};
use crate::domain::ids::{AccountId, StaffId};
use crate::domain::refusal::Refusal;
use crate::domain::staff::Permission;
use crate::mail::template::Template;
use crate::secret::InstallSecret;
use crate::service::{Audit, Ctx, QueuedInfo, Result, ServiceError, audit, require};
use crate::storage::accounts::AccountRow;
use crate::storage::keys::{KeyPurpose, KeyRow};
use crate::storage::{self, Store};

use super::issue_key;

/// A fresh auth key, its stored hash (HMAC under the install secret, R-KEY-2) and its expiry
/// (R-KEY-1).
#[must_use]
pub fn new_key(secret: &InstallSecret, now: DateTime<Utc>) -> NewKey {
    let key = authkey::generate(&mut rand::rng());
    let hash = secret.key_hash(&key);
    NewKey {
        key,
        hash,
        expires: authkey::expires_at(now),
    }
}

/// A key made ready before the write lock (see [`new_key`]): on the import's parsing threads.
#[derive(Clone)]
pub struct NewKey {
    pub key: String,
    pub hash: String,
    pub expires: DateTime<Utc>,
}

impl std::fmt::Debug for NewKey {
    // Never the key or its hash in a log line or a panic message (R-KEY-2).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey")
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

pub(super) fn key_vars<'a>(key: &str, expires: DateTime<Utc>) -> BTreeMap<&'a str, String> {
    BTreeMap::from([
        ("auth_key", authkey::format_for_mail(key)),
        ("key_expires_jst", fmt_jst(expires)),
    ])
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reissued {
    pub account_id: AccountId,
    pub key_expires_at: DateTime<Utc>,
    pub mail: QueuedInfo,
    /// Unsent mails of the old key that were cancelled (R-MAIL-6).
    pub cancelled_mails: usize,
}

/// R-KEY-3: a new key, for a customer whose key mail never arrived or expired; the previous
/// key of the same purpose dies and its unsent mail is cancelled (R-MAIL-6).
///
/// # Errors
/// `NotFound`, `Refused` when the account is past key entry, `Denied`.
pub fn reissue_key(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    account_id: AccountId,
) -> Result<Reissued> {
    let key = new_key(store.secret(), ctx.now);
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ReissueKey)?;
    let acc = storage::accounts::by_id(&tx, account_id)?.ok_or(ServiceError::NotFound)?;
    if acc.state != AccountState::KeyPending {
        return Err(Refusal::Account(acc.state).into());
    }
    let issued = issue_key(
        &tx,
        cfg,
        ctx,
        (account_id, &acc.email),
        Template::KeyReissued,
        &key,
    )?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "account.reissue_key",
            subject: Some(format!("account:{account_id}")),
            purpose: None,
            outcome: "ok",
            detail: Some(format!(
                "replaced={} cancelled_mails={}",
                issued.replaced, issued.cancelled_mails
            )),
        },
    )?;
    tx.commit()?;
    if issued.cancelled_mails > 0 {
        // The cancelled mails carried the old key: push their old page images out of the WAL
        // too (R-KEY-2). Best effort: a busy reader only delays it to the next checkpoint.
        if let Err(e) = storage::outbox::checkpoint_truncate(store.conn()) {
            tracing::warn!("checkpoint after re-issue: {e}");
        }
    }
    Ok(Reissued {
        account_id,
        key_expires_at: key.expires,
        mail: issued.mail,
        cancelled_mails: issued.cancelled_mails,
    })
}

/// The facts a key request is judged on (R-KEY-0).
#[must_use]
pub fn key_request_subject(acc: &AccountRow) -> KeyRequestSubject {
    KeyRequestSubject {
        origin: acc.origin,
        state: acc.state,
        kind: acc.kind,
        birth_date: acc
            .birth_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
    }
}

/// What a granted key request did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyRequested {
    pub account_id: AccountId,
    pub key_expires_at: DateTime<Utc>,
    pub mail: QueuedInfo,
}

/// R-KEY-0 as one use case: the customer of a counter-opened account asked online for
/// パスワード登録 at `now` (the interchange's `password.requested`, which the import applies
/// with the same rule and the same [`issue_key`]). For tools and tests that hold no file.
///
/// # Errors
/// `NotFound` for an unknown address; `Refused(KeyRequest)` with the refusal.
pub fn request_key(
    store: &mut Store,
    cfg: &Config,
    now: DateTime<Utc>,
    email_input: &str,
    birth_date: Option<NaiveDate>,
) -> Result<KeyRequested> {
    let key_key = email::key_of_input(email_input).ok_or(ServiceError::NotFound)?;
    let key = new_key(store.secret(), now);
    let tx = store.immediate()?;
    let acc = storage::accounts::live_by_email_key(&tx, &key_key)?.ok_or(ServiceError::NotFound)?;
    crate::domain::account::judge_key_request(key_request_subject(&acc), birth_date)
        .map_err(Refusal::KeyRequest)?;
    let ctx = Ctx {
        staff_id: StaffId(0),
        staff_name: "internet-service".into(),
        terminal: "interchange".into(),
        now,
    };
    let issued = issue_key(
        &tx,
        cfg,
        &ctx,
        (acc.id, &acc.email),
        Template::PasswordRequested,
        &key,
    )?;
    storage::audit::append(
        &tx,
        &storage::audit::AuditEntry {
            at_utc: to_db(now),
            staff_id: None,
            staff_name: Some(ctx.staff_name.clone()),
            staff_roles: None,
            terminal: ctx.terminal.clone(),
            action: "account.key_requested".into(),
            subject: Some(format!("account:{}", acc.id)),
            purpose: None,
            outcome: "ok".into(),
            detail: Some(format!("replaced={}", issued.replaced)),
        },
    )?;
    tx.commit()?;
    Ok(KeyRequested {
        account_id: acc.id,
        key_expires_at: key.expires,
        mail: issued.mail,
    })
}

/// How many of the newest keys an activation attempt is compared with.
const KEYS_COMPARED: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Activation {
    pub account_id: AccountId,
    pub outcome: String,
    pub tries_left: Option<i64>,
    pub provisional_deadline: Option<String>,
}

/// Provisional deadline of a self-registered account: completion date + 14 days (R-DL-1 (a)),
/// moved back to the previous open day when the office is closed, office closures included
/// (R-DL-2). A counter-opened account has none.
fn provisional_deadline(
    conn: &rusqlite::Connection,
    origin: AccountOrigin,
    completed: DateTime<Utc>,
) -> Result<Option<String>> {
    if !origin.has_provisional_period() {
        return Ok(None);
    }
    let cal = crate::service::calendar::effective(conn)?;
    Ok(Some(
        deadline::deadline(jst_date(completed), &cal)
            .date
            .format("%Y-%m-%d")
            .to_string(),
    ))
}

/// R-KEY-4, R-KEY-6: the customer set a password with the key. Records the completion time;
/// tells wrong, expired, used, replaced and locked keys apart.
///
/// # Errors
/// `NotFound` when no live account has this email; `Denied`.
pub fn activate(
    store: &mut Store,
    ctx: &Ctx,
    email_input: &str,
    key_input: &str,
) -> Result<(ActivationOutcome, Activation)> {
    let email_key = email::key_of_input(email_input).ok_or(ServiceError::NotFound)?;
    let typed = authkey::normalize_input(key_input);
    let acc = storage::accounts::live_by_email_key(store.conn(), &email_key)?
        .ok_or(ServiceError::NotFound)?;
    let keys = storage::keys::for_account(store.conn(), acc.id, KeyPurpose::Registration)?;
    // Compared outside the write lock (an argon2 hash of an older version costs ~20 ms).
    let matched: Option<i64> = keys
        .iter()
        .take(KEYS_COMPARED)
        .find(|k| store.secret().verify_key(&typed, &k.key_hash))
        .map(|k| k.id);

    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ActivateAccount)?;
    let keys = storage::keys::for_account(&tx, acc.id, KeyPurpose::Registration)?;
    let live = keys.iter().find(|k| k.state == KeyState::Live);
    let outcome = match (
        matched.and_then(|id| keys.iter().find(|k| k.id == id)),
        live,
    ) {
        (Some(k), _) => authkey::judge(k.state, k.expires_at, k.wrong_tries, true, ctx.now),
        (None, Some(k)) => authkey::judge(k.state, k.expires_at, k.wrong_tries, false, ctx.now),
        (None, None) => keys
            .first()
            .map_or(ActivationOutcome::NoKey, |k| match k.state {
                KeyState::Used => ActivationOutcome::Used,
                KeyState::Locked => ActivationOutcome::Locked,
                KeyState::Replaced | KeyState::Live => ActivationOutcome::NoKey,
            }),
    };
    let mut result = Activation {
        account_id: acc.id,
        outcome: outcome.code().into(),
        tries_left: None,
        provisional_deadline: None,
    };
    match outcome {
        ActivationOutcome::Activated => {
            let k: &KeyRow = matched
                .and_then(|id| keys.iter().find(|k| k.id == id))
                .ok_or(ServiceError::NotFound)?;
            storage::keys::set_state(&tx, k.id, KeyState::Used, k.wrong_tries, ctx.now)?;
            let deadline = provisional_deadline(&tx, acc.origin, ctx.now)?;
            let state = acc.origin.state_on_activation();
            storage::accounts::mark_activated(&tx, acc.id, ctx.now, state, deadline.as_deref())?;
            result.provisional_deadline = deadline;
        }
        ActivationOutcome::Wrong { tries_left } => {
            if let Some(k) = live {
                storage::keys::set_state(&tx, k.id, KeyState::Live, k.wrong_tries + 1, ctx.now)?;
            }
            result.tries_left = Some(tries_left);
        }
        ActivationOutcome::Locked => {
            if let Some(k) = live {
                storage::keys::set_state(&tx, k.id, KeyState::Locked, k.wrong_tries + 1, ctx.now)?;
            }
        }
        _ => {}
    }
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "account.activate",
            subject: Some(format!("account:{}", acc.id)),
            purpose: None,
            outcome: outcome.code(),
            detail: None,
        },
    )?;
    tx.commit()?;
    Ok((outcome, result))
}
