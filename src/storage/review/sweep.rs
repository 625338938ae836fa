//! The deadline sweep's side of the store (R-DL-3, R-MAIL-6): what is past its deadline or
//! due for a reminder, invalidation, the purge of personal data with its [`Tombstone`]s, the
//! cancelling of the account's mail, and the compaction of the search indexes after a purge.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::state_of;
use crate::clock::to_db;
use crate::domain::ids::{AccountId, SubmissionId};
use crate::domain::submission::SubmissionState;
use crate::storage::Result;

/// Activated accounts whose deadline is before `today` (not opened): to invalidate.
///
/// # Errors
/// On SQLite failure.
pub fn accounts_past_deadline(
    conn: &Connection,
    today: &str,
    limit: u32,
) -> Result<Vec<AccountId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM accounts WHERE state = 'activated' AND provisional_deadline IS NOT NULL
           AND provisional_deadline < ?1 ORDER BY provisional_deadline, id LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![today, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<AccountId>>>()?;
    Ok(rows)
}

/// Pending submissions whose deadline is before `today` (of any account).
///
/// # Errors
/// On SQLite failure.
pub fn submissions_past_deadline(
    conn: &Connection,
    today: &str,
    limit: u32,
) -> Result<Vec<SubmissionId>> {
    // Per state off (state, deadline, id), merged: one range each, no sort of every overdue row.
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM (
           SELECT * FROM (SELECT id, deadline FROM submissions WHERE state = 'received' AND deadline < ?1
                          ORDER BY deadline, id LIMIT ?2)
           UNION ALL SELECT * FROM (SELECT id, deadline FROM submissions WHERE state = 'checked' AND deadline < ?1
                          ORDER BY deadline, id LIMIT ?2)
           UNION ALL SELECT * FROM (SELECT id, deadline FROM submissions WHERE state = 'returned' AND deadline < ?1
                          ORDER BY deadline, id LIMIT ?2))
         ORDER BY deadline, id LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![today, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<SubmissionId>>>()?;
    Ok(rows)
}

/// A pending submission as the sweep's per-offer step needs it (R-DL-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferBrief {
    pub state: SubmissionState,
    pub deadline: Option<String>,
    pub account_id: AccountId,
    /// The account's state code.
    pub account_state: String,
}

/// # Errors
/// On SQLite failure.
pub fn offer_deadline_brief(conn: &Connection, id: SubmissionId) -> Result<Option<OfferBrief>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.state, s.deadline, s.account_id, a.state
               FROM submissions s JOIN accounts a ON a.id = s.account_id WHERE s.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(OfferBrief {
                state: state_of(&r.get::<_, String>(0)?)?,
                deadline: r.get(1)?,
                account_id: r.get(2)?,
                account_state: r.get(3)?,
            })
        })
        .optional()?)
}

/// Pending items of open accounts with their own deadline in `[today, until]` (R-DL-1 (b))
/// and no reminder yet for that account and deadline: (account id, deadline), once each.
///
/// # Errors
/// On SQLite failure.
pub fn offer_reminder_candidates(
    conn: &Connection,
    today: &str,
    until: &str,
) -> Result<Vec<(AccountId, String)>> {
    let mut stmt = conn.prepare_cached(SQL_OFFER_REMINDER_CANDIDATES)?;
    let rows = stmt
        .query_map(params![today, until], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Per state off (state, deadline, id): three index ranges, then the account by its key.
pub const SQL_OFFER_REMINDER_CANDIDATES: &str = "SELECT DISTINCT s.account_id, s.deadline
       FROM submissions s JOIN accounts a ON a.id = s.account_id
      WHERE s.state IN ('received', 'checked', 'returned')
        AND s.deadline >= ?1 AND s.deadline <= ?2 AND a.state = 'opened'
        AND NOT EXISTS (SELECT 1 FROM deadline_reminders r
                         WHERE r.account_id = s.account_id AND r.deadline = s.deadline)
      ORDER BY s.deadline, s.account_id";

/// Names of an account's pending items due on `deadline` (an open account's reminder).
///
/// # Errors
/// On SQLite failure.
pub fn pending_names_due(
    conn: &Connection,
    account_id: AccountId,
    deadline: &str,
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT display_name FROM submissions WHERE account_id = ?1 AND deadline = ?2
            AND state IN ('received', 'checked', 'returned') ORDER BY id",
    )?;
    let rows = stmt
        .query_map(params![account_id, deadline], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

/// Activated accounts with a deadline in `[today, until]` and no reminder for it yet:
/// (account id, deadline).
///
/// # Errors
/// On SQLite failure.
pub fn reminder_candidates(
    conn: &Connection,
    today: &str,
    until: &str,
) -> Result<Vec<(AccountId, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.provisional_deadline FROM accounts a
         WHERE a.state = 'activated' AND a.provisional_deadline IS NOT NULL
           AND a.provisional_deadline >= ?1 AND a.provisional_deadline <= ?2
           AND NOT EXISTS (SELECT 1 FROM deadline_reminders r
                           WHERE r.account_id = a.id AND r.deadline = a.provisional_deadline)
         ORDER BY a.provisional_deadline, a.id",
    )?;
    let rows = stmt
        .query_map(params![today, until], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Records the reminder; false when another process recorded it first.
///
/// # Errors
/// On SQLite failure.
pub fn record_reminder(
    conn: &Connection,
    account_id: AccountId,
    deadline: &str,
    outbox_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO deadline_reminders (account_id, deadline, sent_at, outbox_id) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![account_id, deadline, to_db(now), outbox_id])?;
    Ok(n == 1)
}

/// An account's pending submissions' names and its purgeable submissions: as
/// [`super::SQL_FOR_ACCOUNT`], off `submissions_account` (account alone, schema v13), in id
/// order, no sort.
pub const SQL_PENDING_NAMES: &str = "SELECT display_name FROM submissions WHERE account_id = ?1 \
     AND state IN ('received', 'checked', 'returned') ORDER BY id";
pub const SQL_PURGEABLE_OF_ACCOUNT: &str = "SELECT id, kind, state, establishment_id, deadline, received_at \
     FROM submissions WHERE account_id = ?1 AND state <> 'registered' AND purged_at IS NULL ORDER BY id";

/// Names of an account's pending submissions (for the reminder's `item`).
///
/// # Errors
/// On SQLite failure.
pub fn pending_names(conn: &Connection, account_id: AccountId) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(SQL_PENDING_NAMES)?;
    let rows = stmt
        .query_map([account_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

/// Withdrawn accounts not yet purged whose withdrawal is before `before` (RFC 3339 UTC).
///
/// # Errors
/// On SQLite failure.
pub fn withdrawn_before(conn: &Connection, before: &str, limit: u32) -> Result<Vec<AccountId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM accounts WHERE state = 'withdrawn' AND purged_at IS NULL AND withdrawn_at < ?1
         ORDER BY withdrawn_at, id LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![before, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<AccountId>>>()?;
    Ok(rows)
}

/// An account as the sweep needs it: (state, email, deadline, purged).
///
/// # Errors
/// On SQLite failure.
#[allow(clippy::type_complexity)]
pub fn account_brief(
    conn: &Connection,
    id: AccountId,
) -> Result<Option<(String, String, Option<String>, bool)>> {
    Ok(conn
        .prepare_cached(
            "SELECT state, email, provisional_deadline, purged_at IS NOT NULL FROM accounts WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?)
}

/// R-DL-3: the account becomes invalid (only from activated).
///
/// # Errors
/// On SQLite failure.
pub fn invalidate_account(conn: &Connection, id: AccountId, now: DateTime<Utc>) -> Result<bool> {
    let now = to_db(now);
    let n = conn
        .prepare_cached(
            "UPDATE accounts SET state = 'invalid', invalid_at = ?2, updated_at = ?2
             WHERE id = ?1 AND state = 'activated'",
        )?
        .execute(params![id, now])?;
    Ok(n == 1)
}

/// Submissions of an account that hold personal data and are not registered:
/// (id, kind, state, establishment id, deadline, received at).
///
/// # Errors
/// On SQLite failure.
#[allow(clippy::type_complexity)]
pub fn purgeable_of_account(
    conn: &Connection,
    account_id: AccountId,
) -> Result<
    Vec<(
        SubmissionId,
        String,
        SubmissionState,
        Option<i64>,
        Option<String>,
        String,
    )>,
> {
    let mut stmt = conn.prepare_cached(SQL_PURGEABLE_OF_ACCOUNT)?;
    let rows = stmt
        .query_map([account_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                state_of(&r.get::<_, String>(2)?)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Overwrites a submission's personal data with NULL / empty (R-DL-3): versions' payloads,
/// the display name, comments, staff visit note.
///
/// # Errors
/// On SQLite failure.
pub fn purge_submission(conn: &Connection, id: SubmissionId, now: DateTime<Utc>) -> Result<()> {
    let now = to_db(now);
    conn.prepare_cached("UPDATE submission_versions SET payload = NULL WHERE submission_id = ?1")?
        .execute([id])?;
    conn.prepare_cached("UPDATE submission_comments SET body = NULL WHERE submission_id = ?1")?
        .execute([id])?;
    conn.prepare_cached(
        "UPDATE submissions SET display_name = '', visit_flag = CASE WHEN visit_flag IS NULL THEN NULL ELSE '' END,
                purged_at = ?2, updated_at = ?2, rev = rev + 1 WHERE id = ?1",
    )?
    .execute(params![id, now])?;
    Ok(())
}

/// Overwrites a provisional establishment's personal data (R-DL-3); registered ones stay.
/// Returns whether it was provisional.
///
/// # Errors
/// On SQLite failure.
pub fn purge_establishment(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE establishments SET corporate_number = NULL, name = '', name_kana = '', name_key = '',
                    kana_key = '', representative_title = '', representative_name = '', postal_code = '',
                    postal_digits = '', address = '', phone = '', phone_digits = '', state = 'purged',
                    updated_at = ?2
             WHERE id = ?1 AND state = 'provisional'",
        )?
        .execute(params![id, to_db(now)])?;
    Ok(n == 1)
}

/// Overwrites an account's personal data; the row stays as the tombstone's anchor.
///
/// # Errors
/// On SQLite failure.
pub fn purge_account(conn: &Connection, id: AccountId, now: DateTime<Utc>) -> Result<bool> {
    let now = to_db(now);
    let n = conn
        .prepare_cached(
            "UPDATE accounts SET email = '', email_key = 'purged:' || id, name = NULL, name_kana = NULL,
                    birth_date = NULL, seeker_number = NULL, purged_at = ?2, updated_at = ?2
             WHERE id = ?1 AND purged_at IS NULL AND state IN ('invalid', 'withdrawn')",
        )?
        .execute(params![id, now])?;
    Ok(n == 1)
}

/// R-MAIL-6: the account's unsent mail is cancelled, except `keep` (the invalidation notice);
/// every other body of the account's mail is erased (it may name the establishment). `note` is
/// what the cancelled mails' `last_reply` says (the caller's words).
///
/// # Errors
/// On SQLite failure.
pub fn cancel_account_mail(
    conn: &Connection,
    account_id: AccountId,
    keep: Option<i64>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Vec<crate::storage::outbox::Moved>> {
    let now = to_db(now);
    let keep = keep.unwrap_or(0);
    let moved =
        crate::storage::outbox::unsent_where(conn, "account_id = ?1", account_id.get(), keep)?;
    conn.prepare_cached(
        "UPDATE outbox SET state = 'cancelled', body = NULL, last_reply = ?4,
                    lease_owner = NULL, lease_until = NULL, updated_at = ?3
             WHERE account_id = ?1 AND id <> ?2 AND state IN ('queued', 'held', 'failed')",
    )?
    .execute(params![account_id, keep, now, note])?;
    conn.prepare_cached(
        "UPDATE outbox SET body = NULL WHERE account_id = ?1 AND id <> ?2 AND body IS NOT NULL
           AND state NOT IN ('sending')",
    )?
    .execute(params![account_id, keep])?;
    Ok(moved)
}

/// R-DL-3: one step of merging the segments of the search indexes that hold names (the queue
/// filter's three tables and the lookup's `establishments_fts`), about `pages` leaf pages
/// each, toward a single segment. FTS5 only marks a deleted row (contentless-delete
/// tombstones, or delete markers) until the segments holding it are merged; the merge drops
/// it, and with `secure_delete` the pages it leaves are zeroed. Returns whether any work was
/// done (none left when false). Run inside the caller's write transaction.
///
/// # Errors
/// On SQLite failure.
pub fn compact_search_step(conn: &Connection, pages: i64) -> Result<bool> {
    let mut worked = crate::storage::queue::merge_step(conn, pages)?;
    let before = conn.total_changes();
    conn.prepare_cached(
        "INSERT INTO establishments_fts (establishments_fts, rank) VALUES ('merge', ?1)",
    )?
    .execute([-pages.max(1)])?;
    // As in queue::merge_step: fewer than two changes, nothing was left to merge.
    worked |= conn.total_changes() - before >= 2;
    Ok(worked)
}

/// The rows of the search indexes' FTS5 data (about their leaf pages): bounds a loop of
/// [`compact_search_step`]s.
///
/// # Errors
/// On SQLite failure.
pub fn search_index_rows(conn: &Connection) -> Result<i64> {
    let est: i64 = conn
        .prepare_cached("SELECT count(*) FROM establishments_fts_data")?
        .query_row([], |r| r.get(0))?;
    Ok(est + crate::storage::queue::data_rows(conn)?)
}

/// A tombstone row (R-DL-3).
pub struct Tombstone<'a> {
    pub what: &'a str,
    pub subject_id: i64,
    pub account_id: Option<AccountId>,
    pub establishment_id: Option<i64>,
    pub kind: Option<&'a str>,
    pub state_before: &'a str,
    pub deadline: Option<&'a str>,
    pub received_at: Option<&'a str>,
    pub reason: &'a str,
    pub purged_by: &'a str,
}

/// # Errors
/// On SQLite failure.
pub fn add_tombstone(conn: &Connection, t: &Tombstone<'_>, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO purge_tombstones (what, subject_id, account_id, establishment_id, kind, state_before,
                deadline, received_at, reason, purged_at, purged_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        t.what,
        t.subject_id,
        t.account_id,
        t.establishment_id,
        t.kind,
        t.state_before,
        t.deadline,
        t.received_at,
        t.reason,
        to_db(now),
        t.purged_by
    ])?;
    Ok(())
}

/// Tombstones of one subject: (what, state before, reason, purged at, by).
///
/// # Errors
/// On SQLite failure.
#[allow(clippy::type_complexity)]
pub fn tombstones(conn: &Connection) -> Result<Vec<(String, i64, String, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT what, subject_id, state_before, reason, purged_at FROM purge_tombstones ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
