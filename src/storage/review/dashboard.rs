//! The dashboard's reads (today's decisions per staff member, the oldest pending item,
//! pending job offers by category, locked-out staff) and an account's submissions for the
//! account screen.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::{kind_of, state_of};
use crate::clock::to_db;
use crate::domain::ids::{AccountId, SubmissionId};
use crate::domain::job::JobCategoryKind;
use crate::domain::submission::{SubmissionKind, SubmissionState};
use crate::storage::Result;

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

/// An account's submissions, in id order; this and the sweep's [`super::SQL_PENDING_NAMES`] and
/// [`super::SQL_PURGEABLE_OF_ACCOUNT`] read `submissions_account`
/// (account alone, schema v13), whose entries come in id order: no sort.
pub const SQL_FOR_ACCOUNT: &str = "SELECT id, kind, state, display_name, deadline FROM submissions WHERE account_id = ?1 ORDER BY id";

/// The account's submissions for the account screen: (id, kind, state, name, deadline).
///
/// # Errors
/// On SQLite failure.
#[allow(clippy::type_complexity)]
pub fn for_account(
    conn: &Connection,
    account_id: AccountId,
) -> Result<
    Vec<(
        SubmissionId,
        SubmissionKind,
        SubmissionState,
        String,
        Option<String>,
    )>,
> {
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
