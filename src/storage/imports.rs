//! Interchange bookkeeping (R-IO-2): `imported_events` (an event id is applied once) and
//! `import_rejects` (a bad line is kept with its file, line and reason). Also the account
//! changes an event causes that `storage::accounts` has no statement for.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Statement, params};

use super::Result;
use crate::clock::to_db;
use crate::domain::ids::{AccountId, SubmissionId};

pub const SQL_IS_IMPORTED: &str = "SELECT 1 FROM imported_events WHERE event_id = ?1";
const SQL_CLAIM: &str = "INSERT INTO imported_events (event_id, applied_at, file, line) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT (event_id) DO NOTHING";
pub const SQL_UNCLAIM: &str = "DELETE FROM imported_events WHERE event_id = ?1";
const SQL_REJECT: &str = "INSERT INTO import_rejects (file, line, event_id, reason, detail, raw, at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
pub const SQL_WITHDRAW_ACCOUNT: &str = "UPDATE accounts SET state = 'withdrawn', withdrawn_at = ?2, updated_at = ?2 \
     WHERE id = ?1 AND state IN ('key_pending', 'activated', 'opened')";
pub const SQL_RECENT_REJECTS: &str = "SELECT id, file, line, event_id, reason, detail, raw, at FROM import_rejects \
     WHERE at >= ?1 ORDER BY at DESC, id DESC LIMIT ?2";

/// # Errors
/// On SQLite failure.
pub fn is_imported(conn: &Connection, event_id: &str) -> Result<bool> {
    Ok(conn.prepare_cached(SQL_IS_IMPORTED)?.exists([event_id])?)
}

/// Records the event id unless it is there already: one statement for "is it new?" and
/// "remember it". Returns false for an id already imported (a duplicate).
///
/// # Errors
/// On SQLite failure.
pub fn claim(
    conn: &Connection,
    event_id: &str,
    now: DateTime<Utc>,
    file: &str,
    line: u64,
) -> Result<bool> {
    claim_with(
        &mut *conn.prepare_cached(SQL_CLAIM)?,
        event_id,
        &to_db(now),
        file,
        line,
    )
}

/// `applied_at` as [`to_db`] writes it.
fn claim_with(
    stmt: &mut Statement<'_>,
    event_id: &str,
    applied_at: &str,
    file: &str,
    line: u64,
) -> Result<bool> {
    Ok(stmt.execute(params![
        event_id,
        applied_at,
        file,
        i64::try_from(line).unwrap_or(i64::MAX)
    ])? == 1)
}

/// The statements the import runs for nearly every line, prepared once for a batch's
/// transaction: `Connection::prepare_cached` hashes and copies a statement's text at every
/// use, about a twentieth of the import writer's work (callgrind, 20,000 events).
pub struct LineStatements<'c> {
    claim: Statement<'c>,
    insert_submission: Statement<'c>,
    insert_version: Statement<'c>,
    tally: Statement<'c>,
    /// The inserted rows' queue counts, written by [`Self::flush_tally`].
    pending: super::submissions::PendingTally,
}

impl<'c> LineStatements<'c> {
    /// # Errors
    /// On SQLite failure.
    pub fn prepare(conn: &'c Connection) -> Result<LineStatements<'c>> {
        Ok(LineStatements {
            claim: conn.prepare(SQL_CLAIM)?,
            insert_submission: conn.prepare(super::submissions::SQL_INSERT)?,
            insert_version: conn.prepare(super::submissions::SQL_INSERT_VERSION)?,
            tally: conn.prepare(super::submissions::SQL_TALLY_ADD_N)?,
            pending: super::submissions::PendingTally::default(),
        })
    }

    /// [`claim`], with the import's time as [`to_db`] writes it (the same for every line).
    ///
    /// # Errors
    /// On SQLite failure.
    pub fn claim(
        &mut self,
        event_id: &str,
        applied_at: &str,
        file: &str,
        line: u64,
    ) -> Result<bool> {
        claim_with(&mut self.claim, event_id, applied_at, file, line)
    }

    /// [`super::submissions::insert`], its queue counts kept for [`Self::flush_tally`].
    ///
    /// # Errors
    /// On SQLite failure.
    pub fn insert_submission(
        &mut self,
        s: &super::submissions::NewSubmission<'_>,
        received_at: DateTime<Utc>,
    ) -> Result<Option<SubmissionId>> {
        let id = super::submissions::insert_with(&mut self.insert_submission, s, received_at)?;
        if id.is_some() {
            self.pending.add(&super::submissions::Tallied::new(s));
        }
        Ok(id)
    }

    /// Writes the queue counts of the rows inserted so far. Must run before the transaction
    /// changes or deletes a submission (the count triggers take one from the counts it
    /// finds) and before it commits.
    ///
    /// # Errors
    /// On SQLite failure.
    pub fn flush_tally(&mut self) -> Result<()> {
        self.pending.flush(&mut self.tally)
    }

    /// Forgets the counts of rows a rollback took back.
    pub fn forget_tally(&mut self) {
        self.pending.clear();
    }

    /// [`super::submissions::insert_version`].
    ///
    /// # Errors
    /// On SQLite failure.
    pub fn insert_version(&mut self, v: &super::submissions::NewVersion<'_>) -> Result<()> {
        super::submissions::insert_version_with(&mut self.insert_version, v)
    }
}

/// Forgets a claimed event id (its line was refused and left nothing behind).
///
/// # Errors
/// On SQLite failure.
pub fn unclaim(conn: &Connection, event_id: &str) -> Result<()> {
    conn.prepare_cached(SQL_UNCLAIM)?.execute([event_id])?;
    Ok(())
}

/// One rejected line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    pub event_id: Option<String>,
    pub reason: String,
    pub detail: String,
    /// The line as given, at most [`RAW_MAX`] bytes.
    pub raw: String,
}

/// Bytes of a rejected line that are kept.
pub const RAW_MAX: usize = 2000;

/// # Errors
/// On SQLite failure.
pub fn insert_reject(conn: &Connection, r: &Reject, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(SQL_REJECT)?.execute(params![
        r.file,
        i64::try_from(r.line).unwrap_or(i64::MAX),
        r.event_id,
        r.reason,
        r.detail,
        r.raw,
        to_db(now)
    ])?;
    Ok(())
}

/// Rejects recorded at or after `since`, newest first.
///
/// # Errors
/// On SQLite failure.
pub fn recent_rejects(conn: &Connection, since: DateTime<Utc>, limit: i64) -> Result<Vec<Reject>> {
    let mut stmt = conn.prepare_cached(SQL_RECENT_REJECTS)?;
    let rows = stmt
        .query_map(params![to_db(since), limit], |r| {
            Ok(Reject {
                file: r.get(1)?,
                line: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                event_id: r.get(3)?,
                reason: r.get(4)?,
                detail: r.get(5)?,
                raw: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// `account.withdrawn`: the account leaves the live states. Returns whether it was live.
///
/// # Errors
/// On SQLite failure.
pub fn withdraw_account(
    conn: &Connection,
    account_id: AccountId,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(SQL_WITHDRAW_ACCOUNT)?
        .execute(params![account_id, to_db(now)])?
        == 1)
}

/// # Errors
/// On SQLite failure.
pub fn reject_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM import_rejects", [], |r| r.get(0))?)
}

/// Settings for a large import on this connection: temporary data in memory. Its page cache
/// stays the store's (32 MiB, `storage::CACHE_SIZE_KIB`): 64 MiB gained nothing measurable and
/// counted against the import's memory bound (issue 16 item 8).
///
/// # Errors
/// On SQLite failure.
pub fn tune_for_bulk(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// The connection's settings that an import changes, for [`bulk_end`], and what it counts
/// meanwhile.
#[derive(Debug, Clone)]
pub struct BulkSettings {
    autocheckpoint_pages: i64,
    foreign_keys: bool,
    wal_bytes: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl BulkSettings {
    /// Bytes of WAL frames after the connection's last commit, as SQLite's WAL hook reports
    /// them: what the WAL holds (it falls to one transaction's frames when the WAL has started
    /// over), unlike the `-wal` file's size, which a restart leaves as it was.
    #[must_use]
    pub fn wal_bytes(&self) -> u64 {
        self.wal_bytes.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Settings for an import's batches, on its writing connection only:
/// - it checkpoints once at the end instead of every ~4 MiB of WAL (the automatic checkpoint
///   would copy the same hot index pages to the database file again after every batch); a
///   WAL hook counts the WAL's frames instead ([`BulkSettings::wal_bytes`]);
/// - SQLite does not look up each row's parents again: the import has found every account,
///   establishment and submission it refers to in the same transaction before writing a row
///   (or wrote it itself), and those look-ups were a twenty-fifth of its writer's work
///   (callgrind, 20,000 events). The schema's keys hold for every other writer, and the
///   tests check the imported rows with `PRAGMA foreign_key_check`.
///
/// # Errors
/// On SQLite failure.
pub fn bulk_begin(store: &mut super::Store) -> Result<BulkSettings> {
    let conn = &mut store.conn;
    let autocheckpoint_pages: i64 =
        conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))?;
    let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let page_size = u64::try_from(page_size).unwrap_or(4096);
    // Turning the automatic checkpoint off removes SQLite's own WAL hook: this one takes its
    // place until `bulk_end` turns it on again.
    conn.query_row("PRAGMA wal_autocheckpoint = 0", [], |_| Ok(()))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let wal_bytes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counted = std::sync::Arc::clone(&wal_bytes);
    conn.wal_hook(Some(
        move |_: &mut rusqlite::hooks::Wal, frames: std::ffi::c_int| {
            let frames = u64::try_from(frames).unwrap_or(0);
            counted.store(frames * page_size, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        },
    ))?;
    Ok(BulkSettings {
        autocheckpoint_pages,
        foreign_keys,
        wal_bytes,
    })
}

/// Restores the settings and copies the import's pages to the database file (see
/// [`checkpoint`]).
///
/// # Errors
/// On SQLite failure.
pub fn bulk_end(store: &mut super::Store, settings: &BulkSettings) -> Result<()> {
    let conn = &mut store.conn;
    conn.wal_hook(None::<fn(&mut rusqlite::hooks::Wal, std::ffi::c_int) -> rusqlite::Result<()>>)?;
    conn.pragma_update(None, "foreign_keys", settings.foreign_keys)?;
    conn.query_row(
        &format!(
            "PRAGMA wal_autocheckpoint = {}",
            settings.autocheckpoint_pages.max(0)
        ),
        [],
        |_| Ok(()),
    )?;
    checkpoint(conn)
}

/// Copies committed pages from the WAL to the database file, after syncing the WAL. Passive:
/// it never waits for, nor disturbs, other sessions (a write transaction goes on meanwhile);
/// what a reader still needs is copied by a later checkpoint.
///
/// # Errors
/// On SQLite failure.
pub fn checkpoint(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    Ok(())
}
