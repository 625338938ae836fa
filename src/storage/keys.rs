//! The `auth_keys` table: keyed hashes only (HMAC under the install secret; argon2id from older
//! versions until they expire, R-KEY-2).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, params};

use super::Result;
use crate::clock::{from_db, to_db};
use crate::domain::authkey::KeyState;
use crate::domain::ids::{AccountId, StaffId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPurpose {
    Registration,
    EmailChange,
}

impl KeyPurpose {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            KeyPurpose::Registration => "registration",
            KeyPurpose::EmailChange => "email_change",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub id: i64,
    pub account_id: AccountId,
    pub key_hash: String,
    pub state: KeyState,
    pub wrong_tries: i64,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<String>,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<KeyRow> {
    let conv = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            what.to_string().into(),
        )
    };
    let state: String = r.get(3)?;
    let issued: String = r.get(5)?;
    let expires: String = r.get(6)?;
    Ok(KeyRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        key_hash: r.get(2)?,
        state: KeyState::parse(&state).ok_or_else(|| conv(3, "key state"))?,
        wrong_tries: r.get(4)?,
        issued_at: from_db(&issued).ok_or_else(|| conv(5, "issued_at"))?,
        expires_at: from_db(&expires).ok_or_else(|| conv(6, "expires_at"))?,
        used_at: r.get(7)?,
    })
}

/// # Errors
/// On SQLite failure.
pub fn insert(
    conn: &Connection,
    account_id: AccountId,
    purpose: KeyPurpose,
    key_hash: &str,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    issued_by: Option<StaffId>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO auth_keys (account_id, purpose, key_hash, state, issued_at, expires_at, issued_by)
         VALUES (?1, ?2, ?3, 'live', ?4, ?5, ?6)",
    )?
    .execute(params![account_id, purpose.code(), key_hash, to_db(issued_at), to_db(expires_at), issued_by])?;
    Ok(conn.last_insert_rowid())
}

/// Every key of this purpose for the account, newest first.
///
/// # Errors
/// On SQLite failure.
pub fn for_account(
    conn: &Connection,
    account_id: AccountId,
    purpose: KeyPurpose,
) -> Result<Vec<KeyRow>> {
    let mut rows = conn
        .prepare_cached(SQL_FOR_ACCOUNT)?
        .query_map(params![account_id, purpose.code()], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Sorted here: `ORDER BY id` cannot follow the index (state sits between), and the sort
    // built a temporary B-tree per call, once per activation in an import (issue 16).
    rows.sort_unstable_by_key(|k| std::cmp::Reverse(k.id));
    Ok(rows)
}

/// Every key of an account for one purpose, in index order.
pub const SQL_FOR_ACCOUNT: &str =
    "SELECT id, account_id, key_hash, state, wrong_tries, issued_at, expires_at, used_at
     FROM auth_keys WHERE account_id = ?1 AND purpose = ?2";

/// R-KEY-3: every live key of this purpose becomes `replaced`; returns their ids.
///
/// # Errors
/// On SQLite failure.
pub fn replace_live(
    conn: &Connection,
    account_id: AccountId,
    purpose: KeyPurpose,
) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "UPDATE auth_keys SET state = 'replaced' WHERE account_id = ?1 AND purpose = ?2 AND state = 'live'
         RETURNING id",
    )?;
    let ids = stmt
        .query_map(params![account_id, purpose.code()], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// # Errors
/// On SQLite failure.
pub fn set_state(
    conn: &Connection,
    id: i64,
    state: KeyState,
    wrong_tries: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let used_at = (state == KeyState::Used).then(|| to_db(now));
    // Cached: the import runs it for every activation (preparing was 40% of its cost).
    conn.prepare_cached(
        "UPDATE auth_keys SET state = ?2, wrong_tries = ?3, used_at = coalesce(?4, used_at) WHERE id = ?1",
    )?
    .execute(params![id, state.code(), wrong_tries, used_at])?;
    Ok(())
}
