//! The `accounts` table (customers: employers and job seekers).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Result, StorageError};
use crate::clock::to_db;
use crate::domain::account::{AccountKind, AccountOrigin, AccountState};
use crate::domain::ids::{AccountId, StaffId};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountRow {
    pub id: AccountId,
    pub kind: AccountKind,
    pub email: String,
    pub state: AccountState,
    pub establishment_number: Option<String>,
    pub seeker_number: Option<String>,
    pub name: Option<String>,
    pub name_kana: Option<String>,
    pub birth_date: Option<String>,
    pub created_at: String,
    pub activated_at: Option<String>,
    pub provisional_deadline: Option<String>,
    pub opened_at: Option<String>,
    pub invalid_at: Option<String>,
    pub withdrawn_at: Option<String>,
    pub origin: AccountOrigin,
}

/// The columns `from_row` reads, as a macro so that constant statements can `concat!` them.
macro_rules! cols {
    () => {
        "id, kind, email, state, establishment_number, seeker_number, name, name_kana, birth_date, \
         created_at, activated_at, provisional_deadline, opened_at, invalid_at, withdrawn_at, origin"
    };
}
const COLS: &str = cols!();

fn from_row(r: &Row<'_>) -> rusqlite::Result<AccountRow> {
    let kind: String = r.get(1)?;
    let state: String = r.get(3)?;
    let bad = |what: &str, v: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("{what} {v}").into(),
        )
    };
    Ok(AccountRow {
        id: r.get(0)?,
        kind: AccountKind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
        email: r.get(2)?,
        state: AccountState::parse(&state).ok_or_else(|| bad("state", &state))?,
        establishment_number: r.get(4)?,
        seeker_number: r.get(5)?,
        name: r.get(6)?,
        name_kana: r.get(7)?,
        birth_date: r.get(8)?,
        created_at: r.get(9)?,
        activated_at: r.get(10)?,
        provisional_deadline: r.get(11)?,
        opened_at: r.get(12)?,
        invalid_at: r.get(13)?,
        withdrawn_at: r.get(14)?,
        origin: {
            let o: String = r.get(15)?;
            AccountOrigin::parse(&o).ok_or_else(|| bad("origin", &o))?
        },
    })
}

pub struct NewAccount<'a> {
    pub kind: AccountKind,
    pub email: &'a str,
    pub email_key: &'a str,
    pub establishment_number: Option<&'a str>,
    pub seeker_number: Option<&'a str>,
    pub name: Option<&'a str>,
    pub name_kana: Option<&'a str>,
    pub birth_date: Option<&'a str>,
    /// The clerk, for a counter-opened account; `None` for a self-registered one.
    pub registered_by: Option<StaffId>,
    pub origin: AccountOrigin,
}

/// Inserts a key-pending account. A live account with the same email key makes this fail with
/// a UNIQUE violation (see `is_unique_violation`).
///
/// # Errors
/// On SQLite failure.
pub fn insert(conn: &Connection, a: &NewAccount<'_>, now: DateTime<Utc>) -> Result<AccountId> {
    let now = to_db(now);
    conn.prepare_cached(
        "INSERT INTO accounts (kind, email, email_key, state, establishment_number, seeker_number, name,
                               name_kana, birth_date, registered_by, created_at, updated_at, origin)
         VALUES (?1, ?2, ?3, 'key_pending', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
    )?
    .execute(params![
        a.kind.code(),
        a.email,
        a.email_key,
        a.establishment_number,
        a.seeker_number,
        a.name,
        a.name_kana,
        a.birth_date,
        a.registered_by,
        now,
        a.origin.code()
    ])?;
    Ok(AccountId(conn.last_insert_rowid()))
}

/// The live account holding this email key, if any (R-REG-2): the one with the key itself,
/// else one the version 15 upgrade kept apart under it (so that the address stays taken while
/// any of them is live).
///
/// # Errors
/// On SQLite failure.
pub fn live_by_email_key(conn: &Connection, email_key: &str) -> Result<Option<AccountRow>> {
    // Two statements, not one with OR and ORDER BY: that form built a temporary B-tree on every
    // call, and the import asks once per activation (issue 16).
    if let Some(row) = conn
        .prepare_cached(SQL_LIVE_BY_EMAIL_KEY)?
        .query_row([email_key], from_row)
        .optional()?
    {
        return Ok(Some(row));
    }
    let kept_apart = conn
        .prepare_cached(SQL_LIVE_KEPT_APART)?
        .query_map([email_key], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(kept_apart.into_iter().min_by_key(|a| a.id))
}

/// The live account with exactly this email key (the unique partial index, R-REG-2).
pub const SQL_LIVE_BY_EMAIL_KEY: &str = concat!(
    "SELECT ",
    cols!(),
    " FROM accounts WHERE email_key = ?1 AND state IN ('key_pending', 'activated', 'opened')"
);

/// The live accounts that the version 15 upgrade kept apart under this email key.
pub const SQL_LIVE_KEPT_APART: &str = concat!(
    "SELECT ",
    cols!(),
    " FROM accounts WHERE email_key > ?1 || '#' AND email_key < ?1 || '$'",
    " AND state IN ('key_pending', 'activated', 'opened')"
);

/// The `WHERE` condition on `email_key` = ?1 that also takes the accounts kept apart by the
/// version 15 upgrade (`<key>#<id>`, see `assets/sql/015_email_case.sql`): a lookup by address
/// finds them too. Both ranges use the index on `email_key`.
pub(crate) const EMAIL_KEY_OR_KEPT_APART: &str =
    "(email_key = ?1 OR (email_key > ?1 || '#' AND email_key < ?1 || '$'))";

/// Every account ever registered with this email key, newest first (with the accounts the
/// version 15 upgrade kept apart under it).
///
/// # Errors
/// On SQLite failure.
pub fn all_by_email_key(conn: &Connection, email_key: &str) -> Result<Vec<AccountRow>> {
    let sql =
        format!("SELECT {COLS} FROM accounts WHERE {EMAIL_KEY_OR_KEPT_APART} ORDER BY id DESC");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([email_key], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// An account that the version 15 upgrade found sharing its address, in another letter case,
/// with another live account (R-REG-2 as corrected): both were kept, for staff to settle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EmailCaseConflict {
    pub account_id: AccountId,
    /// As stored (as typed).
    pub email: String,
    /// The account holding the lower-cased address as its key (the oldest of them); the others
    /// have `<address>#<id>`, found by lookups by address all the same.
    pub holder_id: AccountId,
    /// The account's state now.
    pub state: AccountState,
    pub found_at: String,
}

/// Every account of the upgrade's case conflicts, grouped by shared address, holder first.
///
/// # Errors
/// On SQLite failure.
pub fn email_case_conflicts(conn: &Connection) -> Result<Vec<EmailCaseConflict>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.account_id, a.email, c.holder_id, a.state, c.found_at
           FROM email_case_conflicts c JOIN accounts a ON a.id = c.account_id
          WHERE a.email <> ''
          ORDER BY c.holder_id, c.account_id <> c.holder_id, c.account_id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let state: String = r.get(3)?;
            Ok(EmailCaseConflict {
                account_id: r.get(0)?,
                email: r.get(1)?,
                holder_id: r.get(2)?,
                state: AccountState::parse(&state).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        3,
                        rusqlite::types::Type::Text,
                        format!("state {state}").into(),
                    )
                })?,
                found_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// # Errors
/// On SQLite failure.
pub fn by_id(conn: &Connection, id: AccountId) -> Result<Option<AccountRow>> {
    let sql = format!("SELECT {COLS} FROM accounts WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], from_row)
        .optional()?)
}

/// Number of live accounts already registered for an establishment (R-REG-5).
///
/// # Errors
/// On SQLite failure.
pub fn live_count_for_establishment(conn: &Connection, number: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM accounts WHERE establishment_number = ?1
               AND state IN ('key_pending', 'activated', 'opened')",
        )?
        .query_row([number], |r| r.get(0))?)
}

/// R-KEY-4: the customer set a password with the key at `now` (アカウント登録完了日時). The
/// account enters `state` (its origin's, `AccountOrigin::state_on_activation`); an open one
/// is open from now, a provisional one gets `deadline` (R-DL-1 (a)).
///
/// # Errors
/// On SQLite failure, or when the account is not key-pending any more.
pub fn mark_activated(
    conn: &Connection,
    id: AccountId,
    now: DateTime<Utc>,
    state: AccountState,
    deadline: Option<&str>,
) -> Result<()> {
    let n = conn
        .prepare_cached(
            "UPDATE accounts SET state = ?3, activated_at = ?2, provisional_deadline = ?4, updated_at = ?2,
                    opened_at = CASE WHEN ?3 = 'opened' THEN ?2 ELSE opened_at END
              WHERE id = ?1 AND state = 'key_pending'",
        )?
        .execute(params![id, to_db(now), state.code(), deadline])?;
    if n == 1 {
        Ok(())
    } else {
        Err(StorageError::Corrupt(format!(
            "account {id} is not key-pending"
        )))
    }
}

/// # Errors
/// On SQLite failure.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?)
}
