//! What happened to an item: history lines (with who acted first, R-REV-5), comments, the
//! check list ticked when checking (R-REV-1), and the decisive rows of the audit log.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, named_params, params};

use crate::clock::to_db;
use crate::domain::ids::{StaffId, SubmissionId};
use crate::domain::submission::SubmissionState;
use crate::storage::Result;

/// The last change recorded in an item's history, of any kind (who acted first, R-REV-5).
///
/// # Errors
/// On SQLite failure.
pub fn last_change(conn: &Connection, submission_id: SubmissionId) -> Result<Option<HistoryRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT h.id, h.at, h.staff_id, s.display_name, h.action, h.from_state, h.to_state, h.detail
             FROM submission_history h LEFT JOIN staff s ON s.id = h.staff_id
             WHERE h.submission_id = ?1 ORDER BY h.id DESC LIMIT 1",
        )?
        .query_row([submission_id], history_row)
        .optional()?)
}

/// A [`HistoryRow`] from the columns every history query selects, in this order:
/// `h.id, h.at, h.staff_id, s.display_name, h.action, h.from_state, h.to_state, h.detail`.
fn history_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HistoryRow> {
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
}

/// One history line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryRow {
    pub id: i64,
    pub at: String,
    pub staff_id: Option<StaffId>,
    pub staff_name: Option<String>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub detail: Option<String>,
}

/// A history line to write.
pub struct NewHistory<'a> {
    pub submission_id: SubmissionId,
    pub staff_id: Option<StaffId>,
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
pub fn history(conn: &Connection, submission_id: SubmissionId) -> Result<Vec<HistoryRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.at, h.staff_id, s.display_name, h.action, h.from_state, h.to_state, h.detail
         FROM submission_history h LEFT JOIN staff s ON s.id = h.staff_id
         WHERE h.submission_id = ?1 ORDER BY h.id",
    )?;
    let rows = stmt
        .query_map([submission_id], history_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The last state change of an item (who acted first, R-REV-5).
///
/// # Errors
/// On SQLite failure.
pub fn last_state_change(
    conn: &Connection,
    submission_id: SubmissionId,
) -> Result<Option<HistoryRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT h.id, h.at, h.staff_id, s.display_name, h.action, h.from_state, h.to_state, h.detail
             FROM submission_history h LEFT JOIN staff s ON s.id = h.staff_id
             WHERE h.submission_id = ?1 AND h.to_state IS NOT NULL ORDER BY h.id DESC LIMIT 1",
        )?
        .query_row([submission_id], history_row)
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
    submission_id: SubmissionId,
    staff: StaffId,
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
pub fn comments(conn: &Connection, submission_id: SubmissionId) -> Result<Vec<CommentRow>> {
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
    submission_id: SubmissionId,
    version: i64,
    staff: StaffId,
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
pub fn check_items(
    conn: &Connection,
    submission_id: SubmissionId,
    version: i64,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT items FROM submission_checks WHERE submission_id = ?1 AND version = ?2",
        )?
        .query_row(params![submission_id, version], |r| r.get(0))
        .optional()?)
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
