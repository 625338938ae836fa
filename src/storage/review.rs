//! Review bookkeeping (SPEC §2.3): state changes guarded by the expected state (R-REV-5),
//! history, comments, check lists, number serials (R-REV-3), the work queues (R-REV-6), the
//! dashboard, and the deadline sweep's reads and purges (R-DL-3, R-MAIL-6).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, named_params, params};

use super::Result;
use crate::clock::to_db;
use crate::domain::job::JobCategoryKind;
use crate::domain::submission::{SubmissionKind, SubmissionState};

fn bad(what: &str, v: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("{what} {v}").into(),
    )
}

fn state_of(s: &str) -> rusqlite::Result<SubmissionState> {
    SubmissionState::parse(s).ok_or_else(|| bad("state", s))
}

fn kind_of(s: &str) -> rusqlite::Result<SubmissionKind> {
    SubmissionKind::parse(s).ok_or_else(|| bad("kind", s))
}

/// What a review action is decided on, read inside its transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub id: i64,
    pub kind: SubmissionKind,
    pub state: SubmissionState,
    pub account_id: i64,
    pub establishment_id: Option<i64>,
    pub display_name: String,
    pub deadline: Option<String>,
    pub current_version: i64,
    pub assigned_staff: Option<i64>,
    pub checked_by: Option<i64>,
    pub entered_by: Option<i64>,
    pub visit_needed: bool,
    pub visit_date: Option<String>,
    pub last_actor: Option<i64>,
    pub job_number: Option<String>,
    /// The item's version (R-REV-5): one more at every change.
    pub rev: i64,
}

const FACTS: &str = "SELECT id, kind, state, account_id, establishment_id, display_name, deadline, \
     current_version, assigned_staff, checked_by, entered_by, visit_needed, visit_date, last_actor, job_number, \
     rev FROM submissions WHERE id = ?1";

/// # Errors
/// On SQLite failure.
pub fn facts(conn: &Connection, id: i64) -> Result<Option<Facts>> {
    Ok(conn
        .prepare_cached(FACTS)?
        .query_row([id], |r| {
            Ok(Facts {
                id: r.get(0)?,
                kind: kind_of(&r.get::<_, String>(1)?)?,
                state: state_of(&r.get::<_, String>(2)?)?,
                account_id: r.get(3)?,
                establishment_id: r.get(4)?,
                display_name: r.get(5)?,
                deadline: r.get(6)?,
                current_version: r.get(7)?,
                assigned_staff: r.get(8)?,
                checked_by: r.get(9)?,
                entered_by: r.get(10)?,
                visit_needed: r.get(11)?,
                visit_date: r.get(12)?,
                last_actor: r.get(13)?,
                job_number: r.get(14)?,
                rev: r.get(15)?,
            })
        })
        .optional()?)
}

/// Moves the state from `from` to `to` only if it still is `from` (R-REV-5). Returns whether
/// it moved.
///
/// # Errors
/// On SQLite failure.
pub fn move_state(
    conn: &Connection,
    id: i64,
    from: SubmissionState,
    to: SubmissionState,
    actor: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE submissions SET state = ?3, last_actor = ?4, updated_at = ?5, rev = rev + 1
             WHERE id = ?1 AND state = ?2",
        )?
        .execute(params![id, from.code(), to.code(), actor, to_db(now)])?;
    Ok(n == 1)
}

/// R-REV-5: the item moves on to its next version, only if it still is at `seen` (one more
/// guard besides the transaction's own re-read). Returns whether it moved.
///
/// # Errors
/// On SQLite failure.
pub fn bump_rev(conn: &Connection, id: i64, seen: i64) -> Result<bool> {
    let n = conn
        .prepare_cached("UPDATE submissions SET rev = rev + 1 WHERE id = ?1 AND rev = ?2")?
        .execute(params![id, seen])?;
    Ok(n == 1)
}

/// The item's version now (R-REV-5), `None` when there is no such item.
///
/// # Errors
/// On SQLite failure.
pub fn rev(conn: &Connection, id: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT rev FROM submissions WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The last change recorded in an item's history, of any kind (who acted first, R-REV-5).
///
/// # Errors
/// On SQLite failure.
pub fn last_change(conn: &Connection, submission_id: i64) -> Result<Option<HistoryRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT h.id, h.at, h.staff_id, s.display_name, h.action, h.from_state, h.to_state, h.detail
             FROM submission_history h LEFT JOIN staff s ON s.id = h.staff_id
             WHERE h.submission_id = ?1 ORDER BY h.id DESC LIMIT 1",
        )?
        .query_row([submission_id], |r| {
            Ok(HistoryRow {
                id: r.get(0)?,
                at: r.get(1)?,
                staff_id: r.get(2)?,
                staff_name: r.get(3)?,
                action: r.get(4)?,
                from_state: r.get(5)?,
                to_state: r.get(6)?,
                detail: r.get(7)?,
            })
        })
        .optional()?)
}

/// Records who checked and when (R-REV-1).
///
/// # Errors
/// On SQLite failure.
pub fn set_checked_by(conn: &Connection, id: i64, staff: i64, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE submissions SET checked_by = ?2, checked_at = ?3, rev = rev + 1 WHERE id = ?1",
    )?
    .execute(params![id, staff, to_db(now)])?;
    Ok(())
}

/// R-REV-3: registration with its job number (jobs) and time.
///
/// # Errors
/// On SQLite failure (a job number taken: UNIQUE violation).
pub fn set_registered(
    conn: &Connection,
    id: i64,
    job_number: Option<&str>,
    actor: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE submissions SET state = 'registered', job_number = ?2, registered_at = ?3,
                    updated_at = ?3, last_actor = ?4, rev = rev + 1
             WHERE id = ?1 AND state = 'checked'",
        )?
        .execute(params![id, job_number, to_db(now), actor])?;
    Ok(n == 1)
}

/// 担当: `Some` claims or hands over, `None` releases.
///
/// # Errors
/// On SQLite failure.
pub fn set_assigned(
    conn: &Connection,
    id: i64,
    staff: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE submissions SET assigned_staff = ?2, updated_at = ?3, rev = rev + 1 WHERE id = ?1",
    )?
    .execute(params![id, staff, to_db(now)])?;
    Ok(())
}

/// # Errors
/// On SQLite failure.
pub fn set_follow_up(
    conn: &Connection,
    id: i64,
    date: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE submissions SET follow_up_date = ?2, updated_at = ?3, rev = rev + 1 WHERE id = ?1",
    )?
    .execute(params![id, date, to_db(now)])?;
    Ok(())
}

/// R-VISIT-1: the counter visit (date, who).
///
/// # Errors
/// On SQLite failure.
pub fn set_visit(
    conn: &Connection,
    id: i64,
    date: &str,
    staff: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE submissions SET visit_date = ?2, visit_by = ?3, updated_at = ?4, rev = rev + 1
         WHERE id = ?1",
    )?
    .execute(params![id, date, staff, to_db(now)])?;
    Ok(())
}

/// R-VISIT-1 "staff flagged it".
///
/// # Errors
/// On SQLite failure.
pub fn set_visit_flag(conn: &Connection, id: i64, note: &str, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE submissions SET visit_flag = ?2, visit_needed = 1, updated_at = ?3, rev = rev + 1
         WHERE id = ?1",
    )?
    .execute(params![id, note, to_db(now)])?;
    Ok(())
}

/// Test and fixture helper: the staff member who entered the item at the counter.
///
/// # Errors
/// On SQLite failure.
pub fn set_entered_by(conn: &Connection, id: i64, staff: i64) -> Result<()> {
    conn.prepare_cached("UPDATE submissions SET entered_by = ?2 WHERE id = ?1")?
        .execute(params![id, staff])?;
    Ok(())
}

/// One history line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryRow {
    pub id: i64,
    pub at: String,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub detail: Option<String>,
}

/// A history line to write.
pub struct NewHistory<'a> {
    pub submission_id: i64,
    pub staff_id: Option<i64>,
    pub action: &'a str,
    pub from_state: Option<SubmissionState>,
    pub to_state: Option<SubmissionState>,
    pub detail: Option<&'a str>,
}

/// # Errors
/// On SQLite failure.
pub fn add_history(conn: &Connection, h: &NewHistory<'_>, now: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO submission_history (submission_id, at, staff_id, action, from_state, to_state, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        h.submission_id,
        to_db(now),
        h.staff_id,
        h.action,
        h.from_state.map(SubmissionState::code),
        h.to_state.map(SubmissionState::code),
        h.detail
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Every history line of an item, oldest first, with the staff member's display name.
///
/// # Errors
/// On SQLite failure.
pub fn history(conn: &Connection, submission_id: i64) -> Result<Vec<HistoryRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.at, h.staff_id, s.display_name, h.action, h.from_state, h.to_state, h.detail
         FROM submission_history h LEFT JOIN staff s ON s.id = h.staff_id
         WHERE h.submission_id = ?1 ORDER BY h.id",
    )?;
    let rows = stmt
        .query_map([submission_id], |r| {
            Ok(HistoryRow {
                id: r.get(0)?,
                at: r.get(1)?,
                staff_id: r.get(2)?,
                staff_name: r.get(3)?,
                action: r.get(4)?,
                from_state: r.get(5)?,
                to_state: r.get(6)?,
                detail: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The last state change of an item (who acted first, R-REV-5).
///
/// # Errors
/// On SQLite failure.
pub fn last_state_change(conn: &Connection, submission_id: i64) -> Result<Option<HistoryRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT h.id, h.at, h.staff_id, s.display_name, h.action, h.from_state, h.to_state, h.detail
             FROM submission_history h LEFT JOIN staff s ON s.id = h.staff_id
             WHERE h.submission_id = ?1 AND h.to_state IS NOT NULL ORDER BY h.id DESC LIMIT 1",
        )?
        .query_row([submission_id], |r| {
            Ok(HistoryRow {
                id: r.get(0)?,
                at: r.get(1)?,
                staff_id: r.get(2)?,
                staff_name: r.get(3)?,
                action: r.get(4)?,
                from_state: r.get(5)?,
                to_state: r.get(6)?,
                detail: r.get(7)?,
            })
        })
        .optional()?)
}

/// One comment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommentRow {
    pub id: i64,
    pub at: String,
    pub staff_name: String,
    pub body: Option<String>,
}

/// # Errors
/// On SQLite failure.
pub fn add_comment(
    conn: &Connection,
    submission_id: i64,
    staff: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO submission_comments (submission_id, at, staff_id, body) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![submission_id, to_db(now), staff, body])?;
    Ok(conn.last_insert_rowid())
}

/// # Errors
/// On SQLite failure.
pub fn comments(conn: &Connection, submission_id: i64) -> Result<Vec<CommentRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.at, coalesce(s.display_name, ''), c.body FROM submission_comments c
         LEFT JOIN staff s ON s.id = c.staff_id WHERE c.submission_id = ?1 ORDER BY c.id",
    )?;
    let rows = stmt
        .query_map([submission_id], |r| {
            Ok(CommentRow {
                id: r.get(0)?,
                at: r.get(1)?,
                staff_name: r.get(2)?,
                body: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The checklist ticked when checking (JSON array of codes).
///
/// # Errors
/// On SQLite failure.
pub fn save_check(
    conn: &Connection,
    submission_id: i64,
    version: i64,
    staff: i64,
    items_json: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO submission_checks (submission_id, version, staff_id, at, items) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (submission_id, version) DO UPDATE SET staff_id = ?3, at = ?4, items = ?5",
    )?
    .execute(params![submission_id, version, staff, to_db(now), items_json])?;
    Ok(())
}

/// The ticked checklist of the current version, if checked.
///
/// # Errors
/// On SQLite failure.
pub fn check_items(conn: &Connection, submission_id: i64, version: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT items FROM submission_checks WHERE submission_id = ?1 AND version = ?2",
        )?
        .query_row(params![submission_id, version], |r| r.get(0))
        .optional()?)
}

/// R-REV-3: the next serial of a counter, inside the caller's transaction (unique because
/// the write lock is held until commit).
///
/// # Errors
/// On SQLite failure.
pub fn next_serial(conn: &Connection, name: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO number_counters (name, value) VALUES (?1, 1)
             ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
        )?
        .query_row([name], |r| r.get(0))?)
}

/// Searches of the `submissions_establishment` index (every submission since schema v19),
/// as [`SQL_ESTABLISHMENT_SUBMISSION`] is.
pub const SQL_CHECKED_JOBS_OF: &str = "SELECT id FROM submissions \
     WHERE establishment_id = ?1 AND kind = 'job' AND state = 'checked' ORDER BY id";
pub const SQL_ESTABLISHMENT_SUBMISSION: &str = "SELECT id, state FROM submissions \
     WHERE establishment_id = ?1 AND kind = 'establishment' ORDER BY id DESC LIMIT 1";

/// Checked job offers of an establishment waiting for it (approved together, R-REV-4).
///
/// # Errors
/// On SQLite failure.
pub fn checked_jobs_of(conn: &Connection, establishment_id: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(SQL_CHECKED_JOBS_OF)?;
    let rows = stmt
        .query_map([establishment_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(rows)
}

/// The establishment submission (id, state) that carries `establishment_id`, if any.
///
/// # Errors
/// On SQLite failure.
pub fn establishment_submission(
    conn: &Connection,
    establishment_id: i64,
) -> Result<Option<(i64, SubmissionState)>> {
    Ok(conn
        .prepare_cached(SQL_ESTABLISHMENT_SUBMISSION)?
        .query_row([establishment_id], |r| {
            Ok((r.get(0)?, state_of(&r.get::<_, String>(1)?)?))
        })
        .optional()?)
}

/// The establishment's registration facts: (number, state, name).
///
/// # Errors
/// On SQLite failure.
pub fn establishment_brief(
    conn: &Connection,
    id: i64,
) -> Result<Option<(Option<String>, String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT establishment_number, state, name FROM establishments WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// R-REV-3: the employer's My Page counts as opened once its establishment is registered.
///
/// # Errors
/// On SQLite failure.
pub fn open_account(conn: &Connection, account_id: i64, now: DateTime<Utc>) -> Result<bool> {
    let now = to_db(now);
    let n = conn
        .prepare_cached(
            "UPDATE accounts SET state = 'opened', opened_at = coalesce(opened_at, ?2), updated_at = ?2
             WHERE id = ?1 AND state = 'activated'",
        )?
        .execute(params![account_id, now])?;
    Ok(n == 1)
}

/// Whether a job number is in use.
///
/// # Errors
/// On SQLite failure.
pub fn job_number_taken(conn: &Connection, number: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM submissions WHERE job_number = ?1")?
        .query_row([number], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The staff note that asked for a visit, if any.
///
/// # Errors
/// On SQLite failure.
pub fn visit_flag(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT visit_flag FROM submissions WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// The account's email (for mail) while it has one.
///
/// # Errors
/// On SQLite failure.
pub fn account_email(conn: &Connection, account_id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT email FROM accounts WHERE id = ?1 AND email <> ''")?
        .query_row([account_id], |r| r.get(0))
        .optional()?)
}

// ---------------------------------------------------------------------------------------
// Queues (R-REV-6): storage::queues

pub use super::queues::{
    FILTER, Queue, QueueArgs, QueueRow, Sort, Tuning, all_sql, count_sql, explain, queue_count,
    queue_count_counted, queue_page, queue_page_tuned, reference_page, tally_sql,
};

// ---------------------------------------------------------------------------------------
// Dashboard

/// Today's decisive actions per staff member (display name, action, count).
///
/// # Errors
/// On SQLite failure.
pub fn throughput_since(conn: &Connection, since: &str) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(s.display_name, '-'), h.action, count(*) FROM submission_history h
         LEFT JOIN staff s ON s.id = h.staff_id
         WHERE h.at >= ?1 AND h.to_state IS NOT NULL AND h.staff_id IS NOT NULL
         GROUP BY h.staff_id, h.action ORDER BY 1, 2",
    )?;
    let rows = stmt
        .query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The pending item with the earliest deadline: (id, name, deadline).
///
/// # Errors
/// On SQLite failure.
pub fn oldest_pending(conn: &Connection) -> Result<Option<(i64, String, Option<String>)>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, display_name, deadline FROM (
               SELECT * FROM (SELECT id, display_name, deadline FROM submissions WHERE state = 'received'
                              ORDER BY deadline, id LIMIT 1)
               UNION ALL SELECT * FROM (SELECT id, display_name, deadline FROM submissions
                              WHERE state = 'checked' ORDER BY deadline, id LIMIT 1)
               UNION ALL SELECT * FROM (SELECT id, display_name, deadline FROM submissions
                              WHERE state = 'returned' ORDER BY deadline, id LIMIT 1))
             ORDER BY deadline, id LIMIT 1",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// The SQL of [`pending_jobs_by_category`]: one pass over the pending rows of the state index,
/// which holds the category (schema v9), summing each category (no sort).
#[must_use]
pub fn pending_jobs_by_category_sql() -> String {
    let sums: Vec<String> = JobCategoryKind::ALL
        .iter()
        .map(|k| format!("coalesce(sum(job_category = '{}'), 0)", k.code()))
        .collect();
    format!(
        "SELECT {}, count(*) FROM submissions INDEXED BY submissions_state_deadline \
         WHERE state IN ('received', 'checked', 'returned') AND job_category IS NOT NULL",
        sums.join(", ")
    )
}

/// Pending job offers by category code (一般・学生・障害者), in that order, then `?` for those
/// that name none; categories with none pending are left out.
///
/// # Errors
/// On SQLite failure.
pub fn pending_jobs_by_category(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(&pending_jobs_by_category_sql())?;
    let n = JobCategoryKind::ALL.len();
    let sums: Vec<i64> = stmt.query_row([], |r| (0..=n).map(|i| r.get(i)).collect())?;
    let known: i64 = sums[..n].iter().sum();
    let mut out: Vec<(String, i64)> = JobCategoryKind::ALL
        .iter()
        .zip(&sums)
        .map(|(k, c)| (k.code().to_string(), *c))
        .collect();
    out.push(("?".into(), sums[n] - known));
    out.retain(|(_, c)| *c > 0);
    Ok(out)
}

/// Staff members locked out now (R-AUTH-2): display names.
///
/// # Errors
/// On SQLite failure.
pub fn locked_staff(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT display_name FROM staff WHERE locked_until IS NOT NULL AND locked_until > ?1 ORDER BY name",
    )?;
    let rows = stmt
        .query_map([to_db(now)], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

/// An account's submissions, in id order; this and the two below read `submissions_account`
/// (account alone, schema v13), whose entries come in id order: no sort.
pub const SQL_FOR_ACCOUNT: &str = "SELECT id, kind, state, display_name, deadline FROM submissions WHERE account_id = ?1 ORDER BY id";
pub const SQL_PENDING_NAMES: &str = "SELECT display_name FROM submissions WHERE account_id = ?1 \
     AND state IN ('received', 'checked', 'returned') ORDER BY id";
pub const SQL_PURGEABLE_OF_ACCOUNT: &str = "SELECT id, kind, state, establishment_id, deadline, received_at \
     FROM submissions WHERE account_id = ?1 AND state <> 'registered' AND purged_at IS NULL ORDER BY id";

/// The account's submissions for the account screen: (id, kind, state, name, deadline).
///
/// # Errors
/// On SQLite failure.
#[allow(clippy::type_complexity)]
pub fn for_account(
    conn: &Connection,
    account_id: i64,
) -> Result<Vec<(i64, SubmissionKind, SubmissionState, String, Option<String>)>> {
    let mut stmt = conn.prepare_cached(SQL_FOR_ACCOUNT)?;
    let rows = stmt
        .query_map([account_id], |r| {
            Ok((
                r.get(0)?,
                kind_of(&r.get::<_, String>(1)?)?,
                state_of(&r.get::<_, String>(2)?)?,
                r.get(3)?,
                r.get(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------------
// Sweep (R-DL-3)

/// Activated accounts whose deadline is before `today` (not opened): to invalidate.
///
/// # Errors
/// On SQLite failure.
pub fn accounts_past_deadline(conn: &Connection, today: &str, limit: u32) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM accounts WHERE state = 'activated' AND provisional_deadline IS NOT NULL
           AND provisional_deadline < ?1 ORDER BY provisional_deadline, id LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![today, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(rows)
}

/// Pending submissions whose deadline is before `today` (of any account).
///
/// # Errors
/// On SQLite failure.
pub fn submissions_past_deadline(conn: &Connection, today: &str, limit: u32) -> Result<Vec<i64>> {
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
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(rows)
}

/// A pending submission as the sweep's per-offer step needs it (R-DL-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferBrief {
    pub state: SubmissionState,
    pub deadline: Option<String>,
    pub account_id: i64,
    /// The account's state code.
    pub account_state: String,
}

/// # Errors
/// On SQLite failure.
pub fn offer_deadline_brief(conn: &Connection, id: i64) -> Result<Option<OfferBrief>> {
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
) -> Result<Vec<(i64, String)>> {
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
    account_id: i64,
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
) -> Result<Vec<(i64, String)>> {
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
    account_id: i64,
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

/// Names of an account's pending submissions (for the reminder's `item`).
///
/// # Errors
/// On SQLite failure.
pub fn pending_names(conn: &Connection, account_id: i64) -> Result<Vec<String>> {
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
pub fn withdrawn_before(conn: &Connection, before: &str, limit: u32) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM accounts WHERE state = 'withdrawn' AND purged_at IS NULL AND withdrawn_at < ?1
         ORDER BY withdrawn_at, id LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![before, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(rows)
}

/// An account as the sweep needs it: (state, email, deadline, purged).
///
/// # Errors
/// On SQLite failure.
#[allow(clippy::type_complexity)]
pub fn account_brief(
    conn: &Connection,
    id: i64,
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
pub fn invalidate_account(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool> {
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
    account_id: i64,
) -> Result<
    Vec<(
        i64,
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
pub fn purge_submission(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
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
pub fn purge_account(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool> {
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
/// every other body of the account's mail is erased (it may name the establishment).
///
/// # Errors
/// On SQLite failure.
pub fn cancel_account_mail(
    conn: &Connection,
    account_id: i64,
    keep: Option<i64>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let now = to_db(now);
    let keep = keep.unwrap_or(0);
    let n = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'cancelled', body = NULL, last_reply = 'アカウントの消去により取消',
                    lease_owner = NULL, lease_until = NULL, updated_at = ?3
             WHERE account_id = ?1 AND id <> ?2 AND state IN ('queued', 'held', 'failed')",
        )?
        .execute(params![account_id, keep, now])?;
    conn.prepare_cached(
        "UPDATE outbox SET body = NULL WHERE account_id = ?1 AND id <> ?2 AND body IS NOT NULL
           AND state NOT IN ('sending')",
    )?
    .execute(params![account_id, keep])?;
    Ok(n)
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
    let mut worked = super::queue_search::merge_step(conn, pages)?;
    let before = conn.total_changes();
    conn.prepare_cached(
        "INSERT INTO establishments_fts (establishments_fts, rank) VALUES ('merge', ?1)",
    )?
    .execute([-pages.max(1)])?;
    // As in queue_search::merge_step: fewer than two changes, nothing was left to merge.
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
    Ok(est + super::queue_search::data_rows(conn)?)
}

/// A tombstone row (R-DL-3).
pub struct Tombstone<'a> {
    pub what: &'a str,
    pub subject_id: i64,
    pub account_id: Option<i64>,
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

/// Audit: named params helper kept here so every SQL stays under `storage/`.
///
/// # Errors
/// On SQLite failure.
pub fn count_decisive_audit(conn: &Connection, subject: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM audit_log WHERE subject = :s AND outcome = 'ok'
               AND action IN ('review.approve', 'review.return', 'review.reject')",
        )?
        .query_row(named_params! {":s": subject}, |r| r.get(0))?)
}

/// Benchmark and load-test data: `establishments` establishments (each with an opened
/// account and its establishment submission) and `jobs` job submissions spread over them, in
/// every state, deadlines ±30 days around `now`. One transaction, set-based SQL.
///
/// # Errors
/// On SQLite failure.
pub fn bench_fill(
    store: &mut super::Store,
    establishments: usize,
    jobs: usize,
    now: DateTime<Utc>,
) -> Result<()> {
    let today = crate::clock::jst_date(now).to_string();
    let ts = to_db(now);
    let tx = store.immediate()?;
    let ne = i64::try_from(establishments).unwrap_or(0);
    let nj = i64::try_from(jobs).unwrap_or(0);
    tx.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO accounts (id, kind, email, email_key, state, created_at, activated_at,
                               provisional_deadline, updated_at)
         SELECT 1000000 + i, 'employer', 'b' || i || '@example.jp', 'b' || i || '@example.jp', 'activated',
                ?2, ?2, date(?3, ((i * 7919) % 61 - 30) || ' days'), ?2 FROM n",
        params![ne, ts, today],
    )?;
    tx.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO establishments (id, name, name_kana, name_key, kana_key, representative_title,
                representative_name, postal_code, postal_digits, address, phone, phone_digits, account_id,
                state, created_at, updated_at)
         SELECT 1000000 + i,
                '株式会社' || CASE i % 10 WHEN 0 THEN '若葉商事' WHEN 1 THEN '青空運輸' WHEN 2 THEN 'みどり介護'
                    WHEN 3 THEN '飯田橋食品' ELSE 'サンプル工業' END || i,
                'カブシキガイシャ' || i, 'kabushiki' || i, 'カブシキガイシャ' || i, '代表取締役', '代表 太郎',
                '102-0072', '1020072', '東京都千代田区飯田橋', '03-0000-0000', '0300000000', 1000000 + i,
                'provisional', ?2, ?2 FROM n",
        params![ne, ts],
    )?;
    // Establishments written by SQL get their search rows the way a restore would.
    tx.execute(
        "INSERT INTO establishments_fts (establishments_fts) VALUES ('rebuild')",
        [],
    )?;
    let state = "CASE WHEN k % 20 < 14 THEN 'received' WHEN k % 20 < 16 THEN 'checked' \
                 WHEN k % 20 = 16 THEN 'returned' WHEN k % 20 < 19 THEN 'registered' ELSE 'rejected' END";
    tx.execute(
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
                  m(k, e, kind, name) AS (
                    SELECT i, i, 'establishment', (SELECT name FROM establishments WHERE id = 1000000 + i) FROM n
                    UNION ALL
                    SELECT ?1 + j, 1 + (j % ?1), 'job',
                           CASE j % 4 WHEN 0 THEN '一般事務' WHEN 1 THEN '倉庫内作業' WHEN 2 THEN '介護職員'
                           ELSE '法人営業' END || j
                    FROM (WITH RECURSIVE q(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM q WHERE j < ?2) SELECT j FROM q))
             INSERT INTO submissions (external_id, kind, account_id, establishment_id, state, display_name,
                    deadline, received_at, current_version, assigned_staff, visit_needed, job_category,
                    updated_at)
             SELECT 'B' || k, kind, 1000000 + e, 1000000 + e, {state}, name,
                    date(?3, (((e * 7919) % 61) - 30) || ' days'),
                    strftime('%Y-%m-%dT%H:%M:%SZ', '2026-10-01', (k % 50000) || ' minutes'), 1,
                    CASE WHEN k % 10 = 0 THEN 1 END, k % 5 = 0,
                    CASE WHEN kind = 'job' THEN CASE k % 10 WHEN 3 THEN 'student' WHEN 7 THEN 'disabled'
                                                ELSE 'general' END END, ?4
             FROM m"
        ),
        params![ne, nj, today, ts],
    )?;
    // Stored by SQL: the queue counts are rebuilt from the rows.
    super::queues::recount_tally(&tx)?;
    tx.execute(
        "INSERT INTO submission_versions (submission_id, version, payload, findings, received_at, event_id)
         SELECT id, 1, '{\"category\":{\"kind\":\"general\"}}', '[]', received_at, 'bench-' || id FROM submissions
         WHERE external_id LIKE 'B%'",
        [],
    )?;
    tx.commit()?;
    // The queue filter's search index, as the background catch-up would leave it.
    loop {
        let tx = store.immediate()?;
        let done = super::queue_search::catch_up(&tx, 200_000)?;
        tx.commit()?;
        if !done.more {
            break;
        }
    }
    // Merged, as the background upkeep leaves it.
    loop {
        let tx = store.immediate()?;
        let worked = super::queue_search::merge_step(&tx, 10_000)?;
        tx.commit()?;
        if !worked {
            break;
        }
    }
    // No ANALYZE, as in the program (which never runs it): the queue statements name their
    // index, and with SQLite's STAT4 statistics present a statement that bounds an indexed
    // column by a parameter is planned again at every run (~0.3 ms each at this scale).
    Ok(())
}
