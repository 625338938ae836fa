//! R-ID-4: changing a customer's login ID (email) at the counter, its approval by a
//! supervisor when `[id_change] needs_supervisor` is set, and the list of changes waiting.

use std::collections::BTreeMap;

use crate::clock::fmt_jst;
use crate::config::Config;
use crate::domain::email::{Email, EmailError};
use crate::domain::ids::{AccountId, StaffId};
use crate::domain::lookup::IdentityCheck;
use crate::domain::mask::mask_email;
use crate::domain::refusal::Refusal;
use crate::domain::staff::Permission;
use crate::mail::template::Template;
use crate::service::{
    Audit, Ctx, FieldIssue, QueuedMail, Result, ServiceError, audit, queue_mail, require,
};
use crate::storage::accounts::AccountRow;
use crate::storage::keys::KeyPurpose;
use crate::storage::lookup::{self as q};
use crate::storage::{self, Store, is_unique_violation};

use super::{checked_purpose, invalid, live_account};

/// What an ID change did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ChangeOutcome {
    /// Changed: the new address got a key, both addresses a notice.
    Changed {
        account_id: AccountId,
        new_email_masked: String,
        key_expires_at: chrono::DateTime<chrono::Utc>,
        replaced_keys: usize,
        cancelled_mails: usize,
    },
    /// Waiting for a supervisor (`[id_change] needs_supervisor`).
    Pending {
        request_id: i64,
        account_id: AccountId,
    },
}

fn parse_new_email(input: &str) -> Result<Email> {
    Email::parse(input).map_err(|e| match e {
        EmailError::FullWidth { converted } => ServiceError::Invalid(vec![
            FieldIssue::error("new_email", "email_fullwidth").with(converted),
        ]),
        other => invalid("new_email", other.code()),
    })
}

/// R-REG-2 for the new address: not the same, not held by another live account.
fn check_new_email(conn: &rusqlite::Connection, acc: &AccountRow, new: &Email) -> Result<()> {
    if new.key() == crate::domain::email::key_of_stored(&acc.email) {
        return Err(invalid("new_email", "email_same"));
    }
    if let Some(h) = storage::accounts::live_by_email_key(conn, &new.key())?
        && h.id != acc.id
    {
        return Err(ServiceError::EmailInUse {
            account_id: h.id,
            kind: h.kind,
        });
    }
    Ok(())
}

/// R-ID-4: changes the login email after the identity check. With `[id_change]
/// needs_supervisor` the change waits for a supervisor (another staff member) instead. One
/// audit row either way.
///
/// # Errors
/// `Invalid` (address, purpose), `EmailInUse` (R-REG-2), `NotFound`, `Refused` (account not
/// live, a change already pending), `Denied`.
pub fn change_email(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    purpose: &str,
    account_id: AccountId,
    new_email: &str,
    id_check: &IdentityCheck,
) -> Result<ChangeOutcome> {
    let purpose = checked_purpose(purpose)?;
    let new = parse_new_email(new_email)?;
    if cfg.id_change.needs_supervisor {
        let tx = store.immediate()?;
        let roles = require(&tx, ctx, Permission::ChangeId)?;
        let acc = live_account(&tx, account_id)?;
        if !acc.state.is_live() {
            return Err(Refusal::Account(acc.state).into());
        }
        check_new_email(&tx, &acc, &new)?;
        let request_id = q::insert_request(
            &tx,
            &q::NewChangeRequest {
                account_id,
                new_email: new.as_str(),
                new_email_key: &new.key(),
                document: id_check.document.code(),
                note: &id_check.note,
                purpose: &purpose,
                requested_by: ctx.staff_id,
            },
            ctx.now,
        )
        .map_err(|e| match &e {
            storage::StorageError::Sqlite(s) if is_unique_violation(s) => {
                ServiceError::Refused(Refusal::ChangePending)
            }
            _ => e.into(),
        })?;
        audit(
            &tx,
            ctx,
            Some(&roles),
            Audit {
                action: "account.change_email_request",
                subject: Some(format!("account:{account_id}")),
                purpose: Some(purpose),
                outcome: "pending",
                detail: Some(format!(
                    "request={request_id} old={} new={} document={} note={}",
                    mask_email(&acc.email),
                    mask_email(new.as_str()),
                    id_check.document.code(),
                    id_check.note
                )),
            },
        )?;
        tx.commit()?;
        return Ok(ChangeOutcome::Pending {
            request_id,
            account_id,
        });
    }
    apply_change(
        store,
        cfg,
        ctx,
        Permission::ChangeId,
        &purpose,
        account_id,
        &new,
        &format!(
            "document={} note={}",
            id_check.document.code(),
            id_check.note
        ),
        None,
    )
}

/// Applies the change: new address, old keys dead and their unsent mail cancelled, a fresh
/// `email_change` key for the new address, a notice to each address, one audit row.
#[allow(clippy::too_many_arguments)]
fn apply_change(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    permission: Permission,
    purpose: &str,
    account_id: AccountId,
    new: &Email,
    evidence: &str,
    request: Option<(i64, StaffId)>,
) -> Result<ChangeOutcome> {
    let key = crate::domain::authkey::generate(&mut rand::rng());
    let key_hash = store.secret().key_hash(&key);
    let expires = crate::domain::authkey::expires_at(ctx.now);
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, permission)?;
    if let Some((request_id, requested_by)) = request {
        // R-ID-4 four eyes: the approver is not the requester.
        if requested_by == ctx.staff_id {
            return Err(ServiceError::Denied);
        }
        if !q::decide_request(&tx, request_id, true, ctx.staff_id, ctx.now)? {
            return Err(Refusal::ChangeDecided.into());
        }
    }
    let acc = live_account(&tx, account_id)?;
    if !acc.state.is_live() {
        return Err(Refusal::Account(acc.state).into());
    }
    check_new_email(&tx, &acc, new)?;
    q::set_email(&tx, account_id, new.as_str(), &new.key(), ctx.now).map_err(|e| match &e {
        storage::StorageError::Sqlite(s) if is_unique_violation(s) => ServiceError::EmailInUse {
            account_id: AccountId(0),
            kind: acc.kind,
        },
        _ => e.into(),
    })?;
    let mut replaced = Vec::new();
    for p in [KeyPurpose::Registration, KeyPurpose::EmailChange] {
        replaced.extend(storage::keys::replace_live(&tx, account_id, p)?);
    }
    let mut cancelled = 0;
    for k in &replaced {
        let moved = storage::outbox::cancel_unsent_for_key(
            &tx,
            *k,
            &crate::domain::mail::DeliveryNote::IdChanged.stored(None),
            ctx.now,
        )?;
        cancelled += moved.len();
        crate::service::accounts::log_cancelled(
            &moved,
            "cancelled: its key was replaced (ID change)",
        );
    }
    let key_id = storage::keys::insert(
        &tx,
        account_id,
        KeyPurpose::EmailChange,
        &key_hash,
        ctx.now,
        expires,
        Some(ctx.staff_id),
    )?;
    queue_mail(
        &tx,
        cfg,
        ctx,
        &QueuedMail {
            template: Template::EmailChangedNew,
            to: new.as_str(),
            account_id: Some(account_id),
            vars: BTreeMap::from([
                ("login_id", new.as_str().to_string()),
                ("auth_key", crate::domain::authkey::format_for_mail(&key)),
                ("key_expires_jst", fmt_jst(expires)),
            ]),
            auth_key: Some((key_id, expires)),
        },
    )?;
    queue_mail(
        &tx,
        cfg,
        ctx,
        &QueuedMail {
            template: Template::EmailChangedOld,
            to: &acc.email,
            account_id: Some(account_id),
            vars: BTreeMap::from([
                ("changed_at_jst", fmt_jst(ctx.now)),
                ("new_login_id_masked", mask_email(new.as_str())),
            ]),
            auth_key: None,
        },
    )?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "account.change_email",
            subject: Some(format!("account:{account_id}")),
            purpose: Some(purpose.to_string()),
            outcome: "ok",
            detail: Some(format!(
                "old={} new={} {evidence} replaced_keys={} cancelled_mails={cancelled}{}",
                mask_email(&acc.email),
                mask_email(new.as_str()),
                replaced.len(),
                request.map_or_else(String::new, |(id, by)| format!(
                    " request={id} requested_by={by}"
                ))
            )),
        },
    )?;
    tx.commit()?;
    Ok(ChangeOutcome::Changed {
        account_id,
        new_email_masked: mask_email(new.as_str()),
        key_expires_at: expires,
        replaced_keys: replaced.len(),
        cancelled_mails: cancelled,
    })
}

/// ID changes waiting for a supervisor (new addresses masked).
///
/// # Errors
/// `Denied` unless the staff member may approve.
pub fn pending_changes(store: &Store, ctx: &Ctx) -> Result<Vec<q::ChangeRequest>> {
    require(store.conn(), ctx, Permission::ApproveIdChange)?;
    Ok(q::pending_requests(store.conn())?
        .into_iter()
        .map(|mut r| {
            r.new_email = mask_email(&r.new_email);
            r
        })
        .collect())
}

/// R-ID-4: a supervisor other than the requester approves (the change applies now) or rejects.
///
/// # Errors
/// `NotFound`, `Denied` (not a supervisor, or the requester), `Refused` (decided already, the
/// account changed), `EmailInUse`.
pub fn decide_change(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    request_id: i64,
    approve: bool,
) -> Result<Option<ChangeOutcome>> {
    let r = q::request_by_id(store.conn(), request_id)?.ok_or(ServiceError::NotFound)?;
    if approve {
        let new = parse_new_email(&r.new_email)?;
        return apply_change(
            store,
            cfg,
            ctx,
            Permission::ApproveIdChange,
            &r.purpose,
            r.account_id,
            &new,
            &format!("document={} note={}", r.document, r.note),
            Some((r.id, r.requested_by)),
        )
        .map(Some);
    }
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ApproveIdChange)?;
    if !q::decide_request(&tx, request_id, false, ctx.staff_id, ctx.now)? {
        return Err(Refusal::ChangeDecided.into());
    }
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "account.change_email_reject",
            subject: Some(format!("account:{}", r.account_id)),
            purpose: Some(r.purpose.clone()),
            outcome: "rejected",
            detail: Some(format!("request={request_id}")),
        },
    )?;
    tx.commit()?;
    Ok(None)
}
