//! Forgotten-ID lookup (SPEC §2.4): search (R-ID-1), the customer record masked (R-ID-2), reveal
//! after the identity check, the ID notice mail, and the ID change at the counter (R-ID-4).
//! Every search, view, reveal, mail and change writes exactly one audit row with the purpose
//! (R-ID-3, R-ID-5, R-AUD-1); what was searched is recorded normalised, emails masked.
//!
//! `search.rs` is the search, `change.rs` the ID change and its approval; this file the
//! customer record, the reveal and the ID notice mail.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::domain::ids::AccountId;
use crate::domain::lookup::{self, IdentityCheck};
use crate::domain::mask::{mask_digits, mask_email};
use crate::domain::refusal::Refusal;
use crate::domain::staff::Permission;
use crate::mail::template::Template;
use crate::storage::accounts::AccountRow;
use crate::storage::lookup as q;
use crate::storage::{self, Store};

use super::{
    Audit, Ctx, FieldIssue, QueuedInfo, QueuedMail, Result, ServiceError, audit, queue_mail,
    require,
};

mod change;
mod search;
pub use change::{ChangeOutcome, change_email, decide_change, pending_changes};
use search::account_hit;
pub use search::{Hit, MAX_HITS, SearchKey, SearchResult, check_key, search};

fn invalid(field: &'static str, code: &'static str) -> ServiceError {
    ServiceError::Invalid(vec![FieldIssue::error(field, code)])
}

fn checked_purpose(p: &str) -> Result<String> {
    lookup::purpose(p).map_err(|c| invalid("purpose", c))
}

/// One customer's record as the lookup shows it (masked), with the mail history's newest line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CustomerView {
    pub hit: Hit,
    pub created_at: String,
    pub activated_at: Option<String>,
    pub birth_date_masked: Option<String>,
    /// A change waiting for a supervisor, if any (its id).
    pub pending_change: Option<i64>,
}

fn live_account(conn: &rusqlite::Connection, account_id: AccountId) -> Result<AccountRow> {
    storage::accounts::by_id(conn, account_id)?.ok_or(ServiceError::NotFound)
}

/// R-ID-5: opens a customer's record (masked); one audit row `lookup.view` with the purpose.
///
/// # Errors
/// `NotFound`, `Invalid` purpose, `Denied`.
pub fn view(
    store: &mut Store,
    ctx: &Ctx,
    purpose: &str,
    account_id: AccountId,
) -> Result<CustomerView> {
    let purpose = checked_purpose(purpose)?;
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Lookup)?;
    let acc = live_account(&tx, account_id)?;
    let hit = account_hit(&tx, &acc, 0)?;
    let pending_change = q::pending_requests(&tx)?
        .into_iter()
        .find(|r| r.account_id == account_id)
        .map(|r| r.id);
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "lookup.view",
            subject: Some(format!("account:{account_id}")),
            purpose: Some(purpose),
            outcome: "ok",
            detail: Some(format!(
                "shown={} state={}",
                hit.email_masked.as_deref().unwrap_or("-"),
                acc.state.code()
            )),
        },
    )?;
    tx.commit()?;
    Ok(CustomerView {
        hit,
        created_at: acc.created_at,
        activated_at: acc.activated_at,
        birth_date_masked: acc.birth_date.as_deref().map(|d| mask_digits(d, 0)),
        pending_change,
    })
}

/// R-ID-2: the login ID in clear, after the identity check; one audit row `lookup.reveal` with
/// the purpose and the document (the email itself is not written to the log).
///
/// # Errors
/// `NotFound`, `Invalid` purpose, `Denied` (auditors, anyone without the reveal permission).
pub fn reveal(
    store: &mut Store,
    ctx: &Ctx,
    purpose: &str,
    account_id: AccountId,
    id_check: &IdentityCheck,
) -> Result<String> {
    let purpose = checked_purpose(purpose)?;
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::RevealId)?;
    let acc = live_account(&tx, account_id)?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "lookup.reveal",
            subject: Some(format!("account:{account_id}")),
            purpose: Some(purpose),
            outcome: "ok",
            detail: Some(format!(
                "document={} note={} shown=email_in_full({})",
                id_check.document.code(),
                id_check.note,
                mask_email(&acc.email)
            )),
        },
    )?;
    tx.commit()?;
    Ok(acc.email)
}

/// R-ID-2 alternative: mails 「登録ID（メールアドレス）のお知らせ」 to the registered address; the
/// clerk never sees it. One audit row `lookup.mail_id`.
///
/// # Errors
/// `NotFound`, `Refused` (the account is not live), `Denied`.
pub fn mail_id(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    purpose: &str,
    account_id: AccountId,
) -> Result<QueuedInfo> {
    let purpose = checked_purpose(purpose)?;
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::RevealId)?;
    let acc = live_account(&tx, account_id)?;
    if !acc.state.is_live() {
        return Err(Refusal::Account(acc.state).into());
    }
    let mail = queue_mail(
        &tx,
        cfg,
        ctx,
        &QueuedMail {
            template: Template::IdNotice,
            to: &acc.email,
            account_id: Some(account_id),
            vars: BTreeMap::from([("login_id", acc.email.clone())]),
            auth_key: None,
        },
    )?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "lookup.mail_id",
            subject: Some(format!("account:{account_id}")),
            purpose: Some(purpose),
            outcome: "ok",
            detail: Some(format!(
                "to={} outbox={}",
                mask_email(&acc.email),
                mail.outbox_id
            )),
        },
    )?;
    tx.commit()?;
    Ok(QueuedInfo {
        to: mask_email(&mail.to),
        ..mail
    })
}

/// The account id of the live account holding an address (for `account change-email OLD NEW`).
///
/// # Errors
/// `NotFound`.
pub fn live_account_id(store: &Store, email: &str) -> Result<AccountId> {
    let key = crate::domain::email::key_of_input(email).ok_or(ServiceError::NotFound)?;
    storage::accounts::live_by_email_key(store.conn(), &key)?
        .map(|a| a.id)
        .ok_or(ServiceError::NotFound)
}
