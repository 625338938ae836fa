//! The `outbox` table (R-MAIL-1): mail written in the same transaction as its cause.
//! Delivery (claiming, leases, retries) lives in `mail/`, which calls the functions here.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, params};

use super::Result;
use crate::clock::to_db;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MailState {
    Queued,
    Sending,
    Sent,
    Failed,
    Held,
    Cancelled,
    Expired,
}

impl MailState {
    pub const ALL: [MailState; 7] = [
        MailState::Queued,
        MailState::Sending,
        MailState::Sent,
        MailState::Failed,
        MailState::Held,
        MailState::Cancelled,
        MailState::Expired,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            MailState::Queued => "queued",
            MailState::Sending => "sending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
            MailState::Held => "held",
            MailState::Cancelled => "cancelled",
            MailState::Expired => "expired",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<MailState> {
        MailState::ALL.into_iter().find(|m| m.code() == s)
    }
}

pub struct NewMail<'a> {
    pub message_id: &'a str,
    pub account_id: Option<i64>,
    pub template: &'a str,
    pub to_addr: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub auth_key_id: Option<i64>,
    pub key_expires_at: Option<DateTime<Utc>>,
}

/// # Errors
/// On SQLite failure.
pub fn insert(conn: &Connection, m: &NewMail<'_>, now: DateTime<Utc>) -> Result<i64> {
    let now = to_db(now);
    conn.prepare_cached(
        "INSERT INTO outbox (message_id, account_id, template, to_addr, subject, body, auth_key_id, key_expires_at,
                             state, next_attempt_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', ?9, ?9, ?9)",
    )?
    .execute(params![
        m.message_id,
        m.account_id,
        m.template,
        m.to_addr,
        m.subject,
        m.body,
        m.auth_key_id,
        m.key_expires_at.map(to_db),
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MailRow {
    pub id: i64,
    pub message_id: String,
    pub account_id: Option<i64>,
    pub template: String,
    pub to_addr: String,
    pub subject: String,
    pub has_body: bool,
    pub auth_key_id: Option<i64>,
    pub key_expires_at: Option<String>,
    pub state: MailState,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_reply: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

pub const COLS: &str = "id, message_id, account_id, template, to_addr, subject, body IS NOT NULL, auth_key_id, \
                        key_expires_at, state, attempts, next_attempt_at, last_reply, created_at, sent_at";

/// Reads one row selected with [`COLS`].
///
/// # Errors
/// A state the program does not know.
pub fn from_row(r: &Row<'_>) -> rusqlite::Result<MailRow> {
    let state: String = r.get(9)?;
    Ok(MailRow {
        id: r.get(0)?,
        message_id: r.get(1)?,
        account_id: r.get(2)?,
        template: r.get(3)?,
        to_addr: r.get(4)?,
        subject: r.get(5)?,
        has_body: r.get(6)?,
        auth_key_id: r.get(7)?,
        key_expires_at: r.get(8)?,
        state: MailState::parse(&state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                9,
                rusqlite::types::Type::Text,
                format!("mail state {state}").into(),
            )
        })?,
        attempts: r.get(10)?,
        next_attempt_at: r.get(11)?,
        last_reply: r.get(12)?,
        created_at: r.get(13)?,
        sent_at: r.get(14)?,
    })
}

/// Every mail to an account, newest first (R-MAIL-5).
///
/// # Errors
/// On SQLite failure.
pub fn for_account(conn: &Connection, account_id: i64) -> Result<Vec<MailRow>> {
    let sql = format!(
        "SELECT {COLS} FROM outbox WHERE account_id = ?1 ORDER BY created_at DESC, id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([account_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// R-MAIL-6: a re-issue cancels the unsent mail of the replaced keys. Returns how many.
///
/// # Errors
/// On SQLite failure.
pub fn cancel_unsent_for_key(
    conn: &Connection,
    auth_key_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE outbox SET state = 'cancelled', body = NULL, last_reply = ?2, updated_at = ?3, lease_owner = NULL,
                    lease_until = NULL
             WHERE auth_key_id = ?1 AND state IN ('queued', 'held', 'failed')",
        )?
        .execute(params![auth_key_id, reason, to_db(now)])?)
}

/// Counts by state, for the header and `mail status`.
///
/// # Errors
/// On SQLite failure.
pub fn counts(conn: &Connection) -> Result<Vec<(MailState, i64)>> {
    let mut stmt = conn.prepare_cached("SELECT state, count(*) FROM outbox GROUP BY state")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, n)| MailState::parse(&s).map(|m| (m, n)))
        .collect())
}

/// The rendered body, while it is still stored (it is scrubbed once a key mail is sent).
///
/// # Errors
/// On SQLite failure.
pub fn body(conn: &Connection, id: i64) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT body FROM outbox WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}
