//! The `outbox` table (R-MAIL-1): mail written in the same transaction as its cause.
//! Delivery (claiming, leases, retries) lives in `mail/`, which calls the functions here.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, params};

use super::Result;
use crate::clock::to_db;
use crate::domain::ids::AccountId;

/// Where a mail stands; the vocabulary lives in `domain::mail`.
pub use crate::domain::mail::MailState;

pub struct NewMail<'a> {
    pub message_id: &'a str,
    pub account_id: Option<AccountId>,
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
    pub account_id: Option<AccountId>,
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
pub fn for_account(conn: &Connection, account_id: AccountId) -> Result<Vec<MailRow>> {
    let sql = format!(
        "SELECT {COLS} FROM outbox WHERE account_id = ?1 ORDER BY created_at DESC, id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([account_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// R-MAIL-6: a re-issue cancels the unsent mail of the replaced keys. Returns the rows it
/// cancelled (their callers log them, `mail::log::moved`).
///
/// # Errors
/// On SQLite failure.
pub fn cancel_unsent_for_key(
    conn: &Connection,
    auth_key_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Moved>> {
    let moved = unsent_where(conn, "auth_key_id = ?1", auth_key_id, 0)?;
    conn.prepare_cached(
        "UPDATE outbox SET state = 'cancelled', body = NULL, last_reply = ?2, updated_at = ?3, lease_owner = NULL,
                lease_until = NULL
         WHERE auth_key_id = ?1 AND state IN ('queued', 'held', 'failed')",
    )?
    .execute(params![auth_key_id, reason, to_db(now)])?;
    Ok(moved)
}

/// A row a bulk statement moved: enough to log the move (`mail::log`), nothing personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub id: i64,
    pub template: String,
    pub from: MailState,
    pub attempts: i64,
}

impl Moved {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Moved> {
        let state: String = r.get(2)?;
        Ok(Moved {
            id: r.get(0)?,
            template: r.get(1)?,
            // An unknown state is not one any statement here moves from; named as queued.
            from: MailState::parse(&state).unwrap_or(MailState::Queued),
            attempts: r.get(3)?,
        })
    }
}

/// The unsent rows (queued, held, failed) matching `cond` on `?1`, except row `?2`: what a
/// cancel is about to move, read in its transaction before it moves them.
///
/// # Errors
/// On SQLite failure.
pub fn unsent_where(conn: &Connection, cond: &str, value: i64, except: i64) -> Result<Vec<Moved>> {
    let sql = format!(
        "SELECT id, template, state, attempts FROM outbox
         WHERE {cond} AND id <> ?2 AND state IN ('queued', 'held', 'failed') ORDER BY id"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params![value, except], Moved::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
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

// ---- delivery (R-MAIL-2, R-MAIL-3, R-MAIL-6) -------------------------------------------------
// Every statement below filters on `state` first, so it runs on the `outbox_due (state,
// next_attempt_at)` index (checked by `tests::delivery_queries_use_the_index`).

/// A row claimed for sending, with what the transport needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub message_id: String,
    pub template: String,
    pub to_addr: String,
    pub subject: String,
    /// `None` only for a damaged row (a scrubbed body is never queued).
    pub body: Option<String>,
    pub key_expires_at: Option<String>,
    pub attempts: i64,
    pub created_at: String,
}

/// R-MAIL-6: key mails whose key has expired are neither sent nor retried; the body (the key's
/// only plaintext) goes with them (R-KEY-2). Covers rows in flight whose lease ran out.
/// Returns the rows expired, as they were before (the caller logs each move).
///
/// # Errors
/// On SQLite failure.
pub fn expire_key_mails(conn: &Connection, note: &str, now: DateTime<Utc>) -> Result<Vec<Moved>> {
    const DUE: &str =
        "state IN ('queued', 'held', 'failed', 'sending') AND key_expires_at IS NOT NULL
               AND key_expires_at <= ?1 AND (state <> 'sending' OR lease_until <= ?1)";
    let now = to_db(now);
    // Read, then moved, in the caller's IMMEDIATE transaction: the same rows.
    let moved = conn
        .prepare_cached(&format!(
            "SELECT id, template, state, attempts FROM outbox WHERE {DUE} ORDER BY id"
        ))?
        .query_map([&now], Moved::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if moved.is_empty() {
        return Ok(moved);
    }
    conn.prepare_cached(&format!(
        "UPDATE outbox SET state = 'expired', body = NULL, lease_owner = NULL, lease_until = NULL,
                last_reply = coalesce(last_reply || ' / ', '') || ?2, updated_at = ?1
         WHERE {DUE}"
    ))?
    .execute(params![&now, note])?;
    Ok(moved)
}

/// R-MAIL-2: a row left in `sending` past its lease (its worker crashed or hung) is due again:
/// at-least-once, the same Message-ID. Returns the rows taken back (the caller logs each).
///
/// # Errors
/// On SQLite failure.
pub fn requeue_expired_leases(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Moved>> {
    let now = to_db(now);
    let rows = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'queued', lease_owner = NULL, lease_until = NULL, next_attempt_at = ?1,
                    updated_at = ?1
             WHERE state = 'sending' AND lease_until <= ?1
             RETURNING id, template, 'sending', attempts",
        )?
        .query_map([now], Moved::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// R-MAIL-2: claims up to `limit` due rows for `owner` until `lease_until`. Call inside an
/// IMMEDIATE transaction: the write lock makes the claim atomic between processes.
///
/// # Errors
/// On SQLite failure.
pub fn claim_due(
    conn: &Connection,
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Claimed>> {
    let now = to_db(now);
    let mut stmt = conn.prepare_cached(
        "UPDATE outbox SET state = 'sending', lease_owner = ?1, lease_until = ?2, attempts = attempts + 1,
                updated_at = ?3
         WHERE id IN (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?3
                      ORDER BY next_attempt_at LIMIT ?4)
         RETURNING id, message_id, template, to_addr, subject, body, key_expires_at, attempts, created_at,
                   next_attempt_at",
    )?;
    let mut rows = stmt
        .query_map(params![owner, to_db(lease_until), now, limit], |r| {
            Ok((
                Claimed {
                    id: r.get(0)?,
                    message_id: r.get(1)?,
                    template: r.get(2)?,
                    to_addr: r.get(3)?,
                    subject: r.get(4)?,
                    body: r.get(5)?,
                    key_expires_at: r.get(6)?,
                    attempts: r.get(7)?,
                    created_at: r.get(8)?,
                },
                r.get::<_, String>(9)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // RETURNING gives no order: send the longest-waiting first.
    rows.sort_by(|a, b| (&a.1, a.0.id).cmp(&(&b.1, b.0.id)));
    Ok(rows.into_iter().map(|(c, _)| c).collect())
}

/// Sent: the server's reply kept; a key mail's body scrubbed (R-KEY-2). False when the row was
/// no longer ours (lease lost), which the caller logs.
///
/// # Errors
/// On SQLite failure.
pub fn mark_sent(
    conn: &Connection,
    id: i64,
    owner: &str,
    reply: &str,
    scrub_body: bool,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE outbox SET state = 'sent', sent_at = ?4, updated_at = ?4, last_reply = ?3,
                    lease_owner = NULL, lease_until = NULL,
                    body = CASE WHEN ?5 THEN NULL ELSE body END
             WHERE id = ?1 AND state = 'sending' AND lease_owner = ?2",
        )?
        .execute(params![id, owner, reply, to_db(now), scrub_body])?
        == 1)
}

/// R-MAIL-3 temporary failure: queued again for `next_at`, with `reply` as given (the worker
/// puts it into words first).
///
/// # Errors
/// On SQLite failure.
pub fn mark_deferred(
    conn: &Connection,
    id: i64,
    owner: &str,
    reply: &str,
    next_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE outbox SET state = 'queued', next_attempt_at = ?4, updated_at = ?5, last_reply = ?3,
                    lease_owner = NULL, lease_until = NULL
             WHERE id = ?1 AND state = 'sending' AND lease_owner = ?2",
        )?
        .execute(params![id, owner, reply, to_db(next_at), to_db(now)])?
        == 1)
}

/// A claimed row the worker did not try (the server was down, or the pass ran out of lease
/// time): queued again for `next_at`, and the attempt the claim counted is given back.
///
/// # Errors
/// On SQLite failure.
pub fn release_untried(
    conn: &Connection,
    id: i64,
    owner: &str,
    next_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE outbox SET state = 'queued', next_attempt_at = ?3, updated_at = ?4,
                    attempts = max(attempts - 1, 0), lease_owner = NULL, lease_until = NULL
             WHERE id = ?1 AND state = 'sending' AND lease_owner = ?2",
        )?
        .execute(params![id, owner, to_db(next_at), to_db(now)])?
        == 1)
}

/// R-MAIL-3 permanent failure (5xx) or retries given up: failed, with the reply, until an
/// operator retries it by hand. `reply` is recorded as given.
///
/// # Errors
/// On SQLite failure.
pub fn mark_failed(
    conn: &Connection,
    id: i64,
    owner: &str,
    reply: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE outbox SET state = 'failed', updated_at = ?4, last_reply = ?3, lease_owner = NULL,
                    lease_until = NULL
             WHERE id = ?1 AND state = 'sending' AND lease_owner = ?2",
        )?
        .execute(params![id, owner, reply, to_db(now)])?
        == 1)
}

/// R-KEY-2: a scrubbed body must not survive in free space of the page it lived in. Per
/// connection; the worker and the operator actions turn it on before they scrub.
///
/// # Errors
/// On SQLite failure.
pub fn secure_delete_on(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "secure_delete", "ON")?;
    Ok(())
}

/// R-KEY-2: after a scrub, copies the WAL into the database file and truncates it, so the old
/// page images (with the key) do not stay in the `-wal` file.
///
/// A TRUNCATE checkpoint waits for every reader of an older snapshot while it holds the write
/// lock, so under the connection's busy timeout it would stall every other writer for up to
/// ten seconds whenever a reader does not let go — which a replicator does by design
/// (Litestream keeps a read transaction open, docs/deploy.md §5), and clerks then got
/// "database is locked". So each try waits for nothing (busy timeout 0: it gives the write
/// lock back at once when a reader is in the way) and the tries repeat, a few milliseconds
/// apart, for up to [`TRUNCATE_PATIENCE`]; when none succeeds the frames are copied and
/// overwritten by later checkpoints (the replicator's own, or the next one here). True when
/// the WAL was truncated.
///
/// # Errors
/// On SQLite failure other than busy.
pub fn checkpoint_truncate(conn: &Connection) -> Result<bool> {
    checkpoint_reset(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
}

/// As [`checkpoint_truncate`], but the `-wal` file keeps its size: the next commits overwrite
/// blocks the file already has instead of growing an emptied file again (the import's writer
/// between its batches: 4–8% faster imports than truncating; `journal_size_limit` still caps
/// the file at [`super::JOURNAL_SIZE_LIMIT`] whenever the WAL starts over). Not for a scrub:
/// the old page images stay in the file until overwritten. True when the WAL was reset.
///
/// # Errors
/// On SQLite failure other than busy.
pub fn checkpoint_restart(conn: &Connection) -> Result<bool> {
    checkpoint_reset(conn, "PRAGMA wal_checkpoint(RESTART)")
}

/// A passive checkpoint, then `reset` (a RESTART or TRUNCATE checkpoint) tried without waiting
/// for readers, for up to [`TRUNCATE_PATIENCE`] (see [`checkpoint_truncate`]).
fn checkpoint_reset(conn: &Connection, reset: &str) -> Result<bool> {
    // First the frames copied without the write lock (a passive checkpoint lets writers go
    // on): the truncating one, which holds the lock while it copies, then has little left.
    // After a sweep's compaction the WAL held tens of megabytes, and a clerk waited 0.4 s.
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    let started = std::time::Instant::now();
    super::set_lock_wait(std::time::Duration::ZERO);
    let done = loop {
        let r = conn.query_row(reset, [], |r| r.get::<_, i64>(0));
        let busy = match r {
            Ok(b) => b != 0,
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                true
            }
            Err(e) => {
                super::set_lock_wait(super::BUSY_TIMEOUT);
                return Err(e.into());
            }
        };
        if !busy {
            break true;
        }
        if started.elapsed() >= TRUNCATE_PATIENCE {
            break false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    super::set_lock_wait(super::BUSY_TIMEOUT);
    if !done {
        tracing::info!(
            "checkpoint: a reader holds the WAL; it starts over after a later checkpoint"
        );
    }
    Ok(done)
}

/// How long [`checkpoint_truncate`] keeps trying (never holding the write lock while it waits).
pub const TRUNCATE_PATIENCE: std::time::Duration = std::time::Duration::from_millis(500);

// ---- operator view and actions (R-MAIL-7) ----------------------------------------------------

/// One mail by id.
///
/// # Errors
/// On SQLite failure.
pub fn by_id(conn: &Connection, id: i64) -> Result<Option<MailRow>> {
    use rusqlite::OptionalExtension;
    let sql = format!("SELECT {COLS} FROM outbox WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], from_row)
        .optional()?)
}

/// The queue like `mailq`: one state by next attempt (on `outbox_due`), or every state newest
/// first (on the primary key).
///
/// # Errors
/// On SQLite failure.
pub fn list(conn: &Connection, state: Option<MailState>, limit: u32) -> Result<Vec<MailRow>> {
    let rows = if let Some(s) = state {
        let sql = format!(
            "SELECT {COLS} FROM outbox WHERE state = ?1 ORDER BY next_attempt_at, id LIMIT ?2"
        );
        conn.prepare_cached(&sql)?
            .query_map(params![s.code(), limit], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    } else {
        let sql = format!("SELECT {COLS} FROM outbox ORDER BY id DESC LIMIT ?1");
        conn.prepare_cached(&sql)?
            .query_map([limit], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    Ok(rows)
}

/// When the oldest mail still waiting (queued or sending) was queued.
///
/// # Errors
/// On SQLite failure.
pub fn oldest_waiting(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT min(created_at) FROM outbox WHERE state IN ('queued', 'sending')")?
        .query_row([], |r| r.get(0))?)
}

/// Moves one row from one of `from` to `to` (an operator action). `due_now` also makes it due
/// at once; a key mail's body is scrubbed when it is cancelled. False when the row was not in
/// one of `from` (someone else acted first, or a worker holds it).
///
/// # Errors
/// On SQLite failure.
pub fn set_state(
    conn: &Connection,
    id: i64,
    from: &[MailState],
    to: MailState,
    due_now: bool,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let from: Vec<&str> = from.iter().map(|s| s.code()).collect();
    let from = from.join(",");
    Ok(conn
        .prepare_cached(
            "UPDATE outbox SET state = ?3, updated_at = ?4, lease_owner = NULL, lease_until = NULL,
                    next_attempt_at = CASE WHEN ?5 THEN ?4 ELSE next_attempt_at END,
                    last_reply = CASE WHEN ?6 = '' THEN last_reply ELSE ?6 END,
                    body = CASE WHEN ?3 = 'cancelled' AND key_expires_at IS NOT NULL THEN NULL ELSE body END
             WHERE id = ?1 AND instr(',' || ?2 || ',', ',' || state || ',') > 0",
        )?
        .execute(params![id, from, to.code(), to_db(now), due_now, note])?
        == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Store;

    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("plan");
        let n = stmt.parameter_count();
        let params: Vec<String> = (0..n).map(|_| "x".to_string()).collect();
        stmt.query_map(rusqlite::params_from_iter(params), |r| {
            r.get::<_, String>(3)
        })
        .expect("rows")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("plan rows")
        .join(" | ")
    }

    #[test]
    fn delivery_queries_use_the_index() {
        let store = Store::open_in_memory().expect("store");
        let c = store.conn();
        for sql in [
            "SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT 5",
            "UPDATE outbox SET state = 'queued' WHERE state = 'sending' AND lease_until <= ?1",
            "UPDATE outbox SET state = 'expired' WHERE state IN ('queued', 'held', 'failed', 'sending') AND key_expires_at <= ?1",
            "SELECT min(created_at) FROM outbox WHERE state IN ('queued', 'sending')",
            "SELECT id FROM outbox WHERE state = ?1 ORDER BY next_attempt_at, id LIMIT 5",
        ] {
            let p = plan(c, sql);
            assert!(p.contains("outbox_due"), "{sql}: {p}");
        }
    }
}
