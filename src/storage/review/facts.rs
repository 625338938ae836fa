//! What a review action is decided on ([`Facts`], read inside its transaction) and the
//! changes it makes to the submission row: state moves guarded by the expected state and the
//! item's version (R-REV-5), checker, assignee, follow-up, counter visit, and registration
//! with its number serial (R-REV-3); with the establishment and account facts approval needs.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{kind_of, state_of};
use crate::clock::to_db;
use crate::domain::ids::{AccountId, StaffId, SubmissionId};
use crate::domain::submission::{SubmissionKind, SubmissionState};
use crate::storage::Result;

/// What a review action is decided on, read inside its transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub id: SubmissionId,
    pub kind: SubmissionKind,
    pub state: SubmissionState,
    pub account_id: AccountId,
    pub establishment_id: Option<i64>,
    pub display_name: String,
    pub deadline: Option<String>,
    pub current_version: i64,
    pub assigned_staff: Option<StaffId>,
    pub checked_by: Option<StaffId>,
    pub entered_by: Option<StaffId>,
    pub visit_needed: bool,
    pub visit_date: Option<String>,
    pub last_actor: Option<StaffId>,
    pub job_number: Option<String>,
    /// The item's version (R-REV-5): one more at every change.
    pub rev: i64,
}

const FACTS: &str = "SELECT id, kind, state, account_id, establishment_id, display_name, deadline, \
     current_version, assigned_staff, checked_by, entered_by, visit_needed, visit_date, last_actor, job_number, \
     rev FROM submissions WHERE id = ?1";

/// # Errors
/// On SQLite failure.
pub fn facts(conn: &Connection, id: SubmissionId) -> Result<Option<Facts>> {
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
    id: SubmissionId,
    from: SubmissionState,
    to: SubmissionState,
    actor: Option<StaffId>,
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
pub fn bump_rev(conn: &Connection, id: SubmissionId, seen: i64) -> Result<bool> {
    let n = conn
        .prepare_cached("UPDATE submissions SET rev = rev + 1 WHERE id = ?1 AND rev = ?2")?
        .execute(params![id, seen])?;
    Ok(n == 1)
}

/// The item's version now (R-REV-5), `None` when there is no such item.
///
/// # Errors
/// On SQLite failure.
pub fn rev(conn: &Connection, id: SubmissionId) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT rev FROM submissions WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Records who checked and when (R-REV-1).
///
/// # Errors
/// On SQLite failure.
pub fn set_checked_by(
    conn: &Connection,
    id: SubmissionId,
    staff: StaffId,
    now: DateTime<Utc>,
) -> Result<()> {
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
    id: SubmissionId,
    job_number: Option<&str>,
    actor: StaffId,
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
    id: SubmissionId,
    staff: Option<StaffId>,
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
    id: SubmissionId,
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
    id: SubmissionId,
    date: &str,
    staff: StaffId,
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
pub fn set_visit_flag(
    conn: &Connection,
    id: SubmissionId,
    note: &str,
    now: DateTime<Utc>,
) -> Result<()> {
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
pub fn set_entered_by(conn: &Connection, id: SubmissionId, staff: StaffId) -> Result<()> {
    conn.prepare_cached("UPDATE submissions SET entered_by = ?2 WHERE id = ?1")?
        .execute(params![id, staff])?;
    Ok(())
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
pub fn checked_jobs_of(conn: &Connection, establishment_id: i64) -> Result<Vec<SubmissionId>> {
    let mut stmt = conn.prepare_cached(SQL_CHECKED_JOBS_OF)?;
    let rows = stmt
        .query_map([establishment_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<SubmissionId>>>()?;
    Ok(rows)
}

/// The establishment submission (id, state) that carries `establishment_id`, if any.
///
/// # Errors
/// On SQLite failure.
pub fn establishment_submission(
    conn: &Connection,
    establishment_id: i64,
) -> Result<Option<(SubmissionId, SubmissionState)>> {
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
pub fn open_account(conn: &Connection, account_id: AccountId, now: DateTime<Utc>) -> Result<bool> {
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
pub fn visit_flag(conn: &Connection, id: SubmissionId) -> Result<Option<String>> {
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
pub fn account_email(conn: &Connection, account_id: AccountId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT email FROM accounts WHERE id = ?1 AND email <> ''")?
        .query_row([account_id], |r| r.get(0))
        .optional()?)
}
