//! The account screen's data (R-ID-5): an account found by its address, its keys and mails,
//! and its status, with the look audited. Reads only.

use chrono::{DateTime, Utc};

use crate::clock::to_db;
use crate::domain::account::AccountState;
use crate::domain::email::{self};
use crate::domain::ids::AccountId;
use crate::domain::mask::mask_email;
use crate::domain::staff::Permission;
use crate::service::{Audit, Ctx, Result, ServiceError, require};
use crate::storage::accounts::AccountRow;
use crate::storage::keys::KeyPurpose;
use crate::storage::outbox::MailRow;
use crate::storage::{self, Store};

/// The key as the account screen shows it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyInfo {
    pub state: &'static str,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub expired: bool,
    pub wrong_tries: i64,
}

/// The account screen's data (R-REG-6, R-MAIL-5).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountView {
    pub account: AccountRow,
    pub key: Option<KeyInfo>,
    pub mails: Vec<MailRow>,
}

/// The account's state at a glance (R-REG-6): one decision that the screen and the CLI both
/// put into words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AccountStatus {
    /// Waiting for the customer's パスワード登録 online: no key asked for yet (R-KEY-0).
    AwaitingRequest,
    /// A key was mailed and is still good until `until`.
    KeyLive {
        until: DateTime<Utc>,
    },
    /// The newest key ran out at `at` unused: the customer asks again online, or the counter
    /// re-issues (R-KEY-3).
    KeyExpired {
        at: DateTime<Utc>,
    },
    /// The newest key died after 10 wrong tries (R-KEY-1).
    KeyLocked,
    /// Self-registered, password set (アカウント登録完了): provisional until `deadline`.
    Provisional {
        completed: Option<String>,
        deadline: Option<String>,
    },
    /// My Page open since `since` (RFC 3339).
    Open {
        since: Option<String>,
    },
    Invalid {
        at: Option<String>,
    },
    /// 退会.
    Withdrawn {
        at: Option<String>,
    },
}

impl AccountView {
    /// R-REG-6: what the account is waiting for, or what it is.
    #[must_use]
    pub fn status(&self) -> AccountStatus {
        let a = &self.account;
        match a.state {
            AccountState::KeyPending => match &self.key {
                Some(k) if k.state == "live" && k.expired => {
                    AccountStatus::KeyExpired { at: k.expires_at }
                }
                Some(k) if k.state == "live" => AccountStatus::KeyLive {
                    until: k.expires_at,
                },
                Some(k) if k.state == "locked" => AccountStatus::KeyLocked,
                _ => AccountStatus::AwaitingRequest,
            },
            AccountState::Activated => AccountStatus::Provisional {
                completed: a.activated_at.clone(),
                deadline: a.provisional_deadline.clone(),
            },
            AccountState::Opened => AccountStatus::Open {
                since: a.opened_at.clone(),
            },
            AccountState::Invalid => AccountStatus::Invalid {
                at: a.invalid_at.clone(),
            },
            AccountState::Withdrawn => AccountStatus::Withdrawn {
                at: a.withdrawn_at.clone(),
            },
        }
    }
}

/// Finds the account for an email (the live one, else the newest) and records the view
/// (R-AUD-1, R-ID-5: with its purpose).
///
/// # Errors
/// `NotFound`, `Denied`.
pub fn show(store: &mut Store, ctx: &Ctx, email_input: &str, purpose: &str) -> Result<AccountView> {
    let key = email::key_of_input(email_input).ok_or(ServiceError::NotFound)?;
    // A read: one snapshot, no write lock. Its audit row (R-AUD-1) is written as soon as the
    // lock is free (`Store::audit_soon`), so a view never fails because another process writes.
    let (roles, acc, view) = {
        let tx = store.conn().unchecked_transaction()?;
        let roles = require(&tx, ctx, Permission::ViewAccount)?;
        let acc = pick(&tx, &key)?;
        let view = match &acc {
            Some(a) => Some(load_view(&tx, a.clone(), ctx.now)?),
            None => None,
        };
        tx.commit()?;
        (roles, acc, view)
    };
    crate::service::audit_read(
        store,
        ctx,
        Some(&roles),
        Audit {
            action: "account.view",
            subject: Some(acc.as_ref().map_or_else(
                || format!("email:{}", mask_email(&key)),
                |a| format!("account:{}", a.id),
            )),
            purpose: Some(purpose.to_string()),
            outcome: if acc.is_some() { "ok" } else { "not_found" },
            detail: None,
        },
    )?;
    view.ok_or(ServiceError::NotFound)
}

/// The id of the account [`show`] would open for an email, without an audit row and without
/// showing anything: the account screen uses it only to tell whether this customer already
/// gave a purpose this session (R-ID-5). A customer not seen yet and an email without an
/// account are both asked the purpose, so the answer reveals nothing unaudited.
///
/// # Errors
/// `Denied`, storage failures.
pub fn find(store: &Store, ctx: &Ctx, email_input: &str) -> Result<Option<AccountId>> {
    require(store.conn(), ctx, Permission::ViewAccount)?;
    let Some(key) = email::key_of_input(email_input) else {
        return Ok(None);
    };
    Ok(pick(store.conn(), &key)?.map(|a| a.id))
}

/// R-REG-2 as corrected: the accounts the version 15 upgrade kept apart because their addresses
/// differ only in letter case (`storage::accounts::email_case_conflicts`), addresses masked
/// (R-ID-2: the account screen shows them, audited). For supervisors.
///
/// # Errors
/// `Denied`.
pub fn email_case_conflicts(
    store: &Store,
    ctx: &Ctx,
) -> Result<Vec<storage::accounts::EmailCaseConflict>> {
    require(store.conn(), ctx, Permission::ApproveIdChange)?;
    Ok(storage::accounts::email_case_conflicts(store.conn())?
        .into_iter()
        .map(|mut c| {
            c.email = mask_email(&c.email);
            c
        })
        .collect())
}

/// The live account for an email key, else the newest.
fn pick(conn: &rusqlite::Connection, key: &str) -> Result<Option<AccountRow>> {
    // The holder of the address first: live accounts the version 15 upgrade kept apart under
    // it (R-REG-2) come with it below, but the address is the holder's.
    if let Some(holder) = storage::accounts::live_by_email_key(conn, key)? {
        return Ok(Some(holder));
    }
    let found = storage::accounts::all_by_email_key(conn, key)?;
    Ok(found
        .iter()
        .find(|a| a.state.is_live())
        .or_else(|| found.first())
        .cloned())
}

/// The same data by id, for a refresh of a screen already open (no new audit row: the view
/// was recorded when it was opened).
///
/// # Errors
/// `NotFound`, `Denied`.
pub fn refresh(store: &Store, ctx: &Ctx, account_id: AccountId) -> Result<AccountView> {
    require(store.conn(), ctx, Permission::ViewAccount)?;
    let acc = storage::accounts::by_id(store.conn(), account_id)?.ok_or(ServiceError::NotFound)?;
    load_view(store.conn(), acc, ctx.now)
}

fn load_view(
    conn: &rusqlite::Connection,
    acc: AccountRow,
    now: DateTime<Utc>,
) -> Result<AccountView> {
    let key = storage::keys::for_account(conn, acc.id, KeyPurpose::Registration)?
        .into_iter()
        .next()
        .map(|k| KeyInfo {
            state: k.state.code(),
            issued_at: k.issued_at,
            expires_at: k.expires_at,
            expired: now >= k.expires_at,
            wrong_tries: k.wrong_tries,
        });
    let mails = storage::outbox::for_account(conn, acc.id)?;
    Ok(AccountView {
        account: acc,
        key,
        mails,
    })
}

/// For tests and tools: the RFC 3339 form used in rows.
#[must_use]
pub fn db_time(t: DateTime<Utc>) -> String {
    to_db(t)
}
