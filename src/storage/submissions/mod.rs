//! The `submissions` and `submission_versions` tables (SPEC §2.3); an offer's R-VISIT-1
//! reasons are a column of its row (schema v8).
//! A resubmission adds a version; nothing received is overwritten.

use chrono::{DateTime, Utc};
use rusqlite::types::FromSqlError;
use rusqlite::{Connection, OptionalExtension, Row, Statement, params};

use super::{Result, StorageError};
use crate::clock::to_db;
use crate::domain::ids::{AccountId, StaffId, SubmissionId};
use crate::domain::submission::{SubmissionKind, SubmissionState};

mod tally;
pub use tally::{PendingTally, SQL_TALLY_ADD, SQL_TALLY_ADD_N, Tallied, tally_inserted};

pub const SQL_BY_EXTERNAL: &str = "SELECT id, kind, account_id, establishment_id, state, current_version, \
     display_name, job_category FROM submissions WHERE external_id = ?1";
pub const SQL_INSERT: &str = "INSERT INTO submissions (external_id, kind, account_id, establishment_id, state, \
     display_name, deadline, received_at, current_version, has_warnings, disabled_only, trial, \
     disability_short_trial, visit_needed, visit_reasons, job_category, updated_at) \
     VALUES (?1, ?2, ?3, ?4, 'received', ?5, ?6, ?7, 1, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?7) \
     ON CONFLICT (external_id) DO NOTHING";
/// A new version touches only columns no queue index holds (a job offer's visit reasons too,
/// when `?8`); state, name and category (which indexes hold) are written by their own
/// statements, and only when they change: SQLite rewrites every index on a column named in
/// SET, changed or not.
pub const SQL_NEW_VERSION: &str = "UPDATE submissions SET current_version = ?2, rev = rev + 1, has_warnings = ?3, \
     disabled_only = ?4, trial = ?5, disability_short_trial = ?6, updated_at = ?7, \
     visit_reasons = CASE WHEN ?8 THEN ?9 ELSE visit_reasons END WHERE id = ?1";
pub const SQL_SET_STATE: &str = "UPDATE submissions SET state = ?2, rev = rev + 1 WHERE id = ?1";
pub const SQL_SET_NAME: &str = "UPDATE submissions SET display_name = ?2 WHERE id = ?1";
pub const SQL_SET_CATEGORY: &str = "UPDATE submissions SET job_category = ?2 WHERE id = ?1";
pub const SQL_INSERT_VERSION: &str = "INSERT INTO submission_versions (submission_id, version, payload, findings, \
     received_at, event_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
/// No index holds the reasons: writing them touches only the row.
pub const SQL_SET_VISIT_REASONS: &str = "UPDATE submissions SET visit_reasons = ?2 WHERE id = ?1";
pub const SQL_VISIT_REASONS: &str = "SELECT visit_reasons FROM submissions WHERE id = ?1";
/// Written only when it changes (a queue index holds the flag).
pub const SQL_SET_VISIT_NEEDED: &str = "UPDATE submissions SET visit_needed = (visit_flag IS NOT NULL OR ?2) \
     WHERE id = ?1 AND visit_needed <> (visit_flag IS NOT NULL OR ?2)";
/// R-VISIT-1 history of an establishment: its registered job offers other than this one, and
/// whether its My Page was opened at the counter (one statement for the import's hot path).
pub const SQL_HISTORY: &str = "SELECT count(*), \
     coalesce(sum(disabled_only AND received_at >= ?3), 0), \
     coalesce(sum(trial AND received_at >= ?3), 0), \
     coalesce(sum(disability_short_trial AND received_at >= ?3), 0), \
     max(received_at), \
     coalesce((SELECT opened_at_counter FROM establishments WHERE id = ?1), 0) \
     FROM submissions WHERE establishment_id = ?1 AND kind = 'job' AND state = 'registered' AND id <> ?2";
pub const SQL_WITHDRAW_PENDING: &str = "UPDATE submissions SET state = 'withdrawn', rev = rev + 1, updated_at = ?2 \
     WHERE account_id = ?1 AND state IN ('received', 'checked', 'returned')";
/// Registered job offers since a time with their current version, for the export (R-IO-3).
pub const SQL_JOBS_REGISTERED_SINCE: &str = "SELECT s.id, s.job_number, s.registered_at, e.establishment_number, \
     v.payload FROM submissions s \
     JOIN submission_versions v ON v.submission_id = s.id AND v.version = s.current_version \
     LEFT JOIN establishments e ON e.id = s.establishment_id \
     WHERE s.kind = 'job' AND s.state = 'registered' AND s.registered_at >= ?1 \
     ORDER BY s.registered_at, s.id";

/// What the import needs to know about an existing submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionHead {
    pub id: SubmissionId,
    pub kind: SubmissionKind,
    pub account_id: AccountId,
    pub establishment_id: Option<i64>,
    pub state: SubmissionState,
    pub current_version: i64,
    pub display_name: String,
    /// A job offer's category code (schema v9).
    pub job_category: Option<String>,
}

fn bad(what: &str, v: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("{what} {v}").into(),
    )
}

fn kind_of(s: &str) -> rusqlite::Result<SubmissionKind> {
    SubmissionKind::parse(s).ok_or_else(|| bad("kind", s))
}

fn state_of(s: &str) -> rusqlite::Result<SubmissionState> {
    SubmissionState::parse(s).ok_or_else(|| bad("state", s))
}

/// # Errors
/// On SQLite failure.
pub fn by_external_id(conn: &Connection, external_id: &str) -> Result<Option<SubmissionHead>> {
    Ok(conn
        .prepare_cached(SQL_BY_EXTERNAL)?
        .query_row([external_id], |r| {
            Ok(SubmissionHead {
                id: r.get(0)?,
                kind: kind_of(&r.get::<_, String>(1)?)?,
                account_id: r.get(2)?,
                establishment_id: r.get(3)?,
                state: state_of(&r.get::<_, String>(4)?)?,
                current_version: r.get(5)?,
                display_name: r.get(6)?,
                job_category: r.get(7)?,
            })
        })
        .optional()?)
}

/// R-VISIT-1 flags of a job offer, kept on the row so that the history is one indexed query,
/// and its category code (求人区分; `""` when none is given, `None` for an establishment) for
/// the dashboard (schema v9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobFlags {
    pub disabled_only: bool,
    pub trial: bool,
    pub disability_short_trial: bool,
    pub category: Option<&'static str>,
}

pub struct NewSubmission<'a> {
    pub external_id: &'a str,
    pub kind: SubmissionKind,
    pub account_id: AccountId,
    pub establishment_id: Option<i64>,
    pub display_name: &'a str,
    pub deadline: Option<&'a str>,
    pub has_warnings: bool,
    pub flags: JobFlags,
    /// R-VISIT-1 reasons (code, Japanese label), stored with the row; `visit_needed` is set
    /// when there are any.
    pub visit_reasons: &'a [(&'static str, String)],
}

/// A new submission in state `received`, version 1, with its visit reasons (the version row
/// is written separately). `None` when the external id is taken: the unique index answers
/// "is it new?" in the same probe that stores it.
///
/// # Errors
/// On SQLite failure.
pub fn insert(
    conn: &Connection,
    s: &NewSubmission<'_>,
    received_at: DateTime<Utc>,
) -> Result<Option<SubmissionId>> {
    let id = insert_with(&mut *conn.prepare_cached(SQL_INSERT)?, s, received_at)?;
    if id.is_some() {
        tally_inserted(&mut *conn.prepare_cached(SQL_TALLY_ADD)?, &Tallied::new(s))?;
    }
    Ok(id)
}

/// [`insert`] through a statement the caller holds (prepared from [`SQL_INSERT`]; the import
/// prepares it once per batch), without the queue counts: the caller adds them with
/// [`tally_inserted`].
///
/// # Errors
/// On SQLite failure.
pub(super) fn insert_with(
    stmt: &mut Statement<'_>,
    s: &NewSubmission<'_>,
    received_at: DateTime<Utc>,
) -> Result<Option<SubmissionId>> {
    match stmt.insert(params![
        s.external_id,
        s.kind.code(),
        s.account_id,
        s.establishment_id,
        s.display_name,
        s.deadline,
        to_db(received_at),
        s.has_warnings,
        s.flags.disabled_only,
        s.flags.trial,
        s.flags.disability_short_trial,
        !s.visit_reasons.is_empty(),
        visit_reasons_json(s.visit_reasons),
        s.flags.category,
    ]) {
        Ok(id) => Ok(Some(SubmissionId(id))),
        // ON CONFLICT DO NOTHING: the external id is taken.
        Err(rusqlite::Error::StatementChangedRows(0)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// What a resubmission changes on the submission row.
pub struct NewVersionRow<'a> {
    pub version: i64,
    /// `Some` when the state changes (returned → received).
    pub state: Option<SubmissionState>,
    /// `Some` when the display name changes.
    pub display_name: Option<&'a str>,
    pub has_warnings: bool,
    pub flags: JobFlags,
    /// Whether the category differs from the current version's (an index holds it).
    pub category_changed: bool,
    /// `Some` for a job offer: its R-VISIT-1 reasons for the new version, written as
    /// [`set_visit_reasons`] does (in the same statement as the version).
    pub visit_reasons: Option<&'a [(&'a str, String)]>,
}

/// Moves a submission to a new current version (a resubmission).
///
/// # Errors
/// On SQLite failure.
pub fn set_new_version(
    conn: &Connection,
    id: SubmissionId,
    v: &NewVersionRow<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = to_db(now);
    let (flags, version) = (&v.flags, v.version);
    conn.prepare_cached(SQL_NEW_VERSION)?.execute(params![
        id,
        version,
        v.has_warnings,
        flags.disabled_only,
        flags.trial,
        flags.disability_short_trial,
        now,
        v.visit_reasons.is_some(),
        v.visit_reasons.and_then(visit_reasons_json),
    ])?;
    if let Some(state) = v.state {
        conn.prepare_cached(SQL_SET_STATE)?
            .execute(params![id, state.code()])?;
    }
    if let Some(name) = v.display_name {
        conn.prepare_cached(SQL_SET_NAME)?
            .execute(params![id, name])?;
    }
    if v.category_changed {
        conn.prepare_cached(SQL_SET_CATEGORY)?
            .execute(params![id, v.flags.category])?;
    }
    if let Some(reasons) = v.visit_reasons {
        conn.prepare_cached(SQL_SET_VISIT_NEEDED)?
            .execute(params![id, !reasons.is_empty()])?;
    }
    Ok(())
}

/// # Errors
/// On SQLite failure.
pub fn insert_version(
    conn: &Connection,
    submission_id: SubmissionId,
    version: i64,
    payload: &str,
    findings: &str,
    received_at: DateTime<Utc>,
    event_id: &str,
) -> Result<()> {
    let stored =
        super::payload::encode(payload).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    insert_version_with(
        &mut *conn.prepare_cached(SQL_INSERT_VERSION)?,
        &NewVersion {
            submission_id,
            version,
            payload: &stored,
            findings,
            received_at,
            event_id,
        },
    )
}

/// A version row as [`insert_version`] writes it.
pub struct NewVersion<'a> {
    pub submission_id: SubmissionId,
    pub version: i64,
    /// The payload's stored form ([`super::payload::encode`]).
    pub payload: &'a [u8],
    pub findings: &'a str,
    pub received_at: DateTime<Utc>,
    pub event_id: &'a str,
}

/// [`insert_version`] through a statement the caller holds (prepared from
/// [`SQL_INSERT_VERSION`]).
///
/// # Errors
/// On SQLite failure.
pub fn insert_version_with(stmt: &mut Statement<'_>, v: &NewVersion<'_>) -> Result<()> {
    stmt.execute(params![
        v.submission_id,
        v.version,
        v.payload,
        v.findings,
        to_db(v.received_at),
        v.event_id
    ])?;
    Ok(())
}

/// Replaces the visit reasons of a submission (code, Japanese label) and keeps its
/// `visit_needed` flag (reasons or a staff request) in step.
///
/// # Errors
/// On SQLite failure.
pub fn set_visit_reasons(
    conn: &Connection,
    id: SubmissionId,
    reasons: &[(&str, String)],
) -> Result<()> {
    conn.prepare_cached(SQL_SET_VISIT_REASONS)?
        .execute(params![id, visit_reasons_json(reasons)])?;
    conn.prepare_cached(SQL_SET_VISIT_NEEDED)?
        .execute(params![id, !reasons.is_empty()])?;
    Ok(())
}

/// [`StoredReason`] as read (JSON strings may hold escapes, so they are owned).
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum StoredReasonOwned {
    Code(String),
    Labelled(String, String),
}

/// One reason in the `visit_reasons` column: its code alone for a reason whose words are the
/// code's own (`domain::visit::is_fixed_code`, every reason the import finds), else [code,
/// label] (a staff member's reason, and rows written before codes were stored alone).
#[derive(serde::Serialize)]
#[serde(untagged)]
enum StoredReason<'a> {
    Code(&'a str),
    Labelled(&'a str, &'a str),
}

/// The `visit_reasons` column: a JSON array of [`StoredReason`]s, NULL when there are none.
fn visit_reasons_json(reasons: &[(&str, String)]) -> Option<String> {
    if reasons.is_empty() {
        return None;
    }
    let stored: Vec<StoredReason<'_>> = reasons
        .iter()
        .map(|(c, l)| {
            if crate::domain::visit::is_fixed_code(c) {
                StoredReason::Code(c)
            } else {
                StoredReason::Labelled(c, l)
            }
        })
        .collect();
    // Strings only: serialising cannot fail.
    serde_json::to_string(&stored).ok()
}

/// Raw history counts; the service turns them into `domain::visit::EstablishmentHistory`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryCounts {
    pub registered_jobs: i64,
    pub disabled_only_since: i64,
    pub trial_since: i64,
    pub disability_short_trial_since: i64,
    pub last_received_at: Option<String>,
    /// The establishment's My Page was opened at the counter (R-VISIT-1 exception).
    pub opened_at_counter: bool,
}

/// `since` is the RFC 3339 UTC start of the "since 2020-01" window.
///
/// # Errors
/// On SQLite failure.
pub fn history(
    conn: &Connection,
    establishment_id: i64,
    exclude_id: SubmissionId,
    since: &str,
) -> Result<HistoryCounts> {
    Ok(conn.prepare_cached(SQL_HISTORY)?.query_row(
        params![establishment_id, exclude_id, since],
        |r| {
            Ok(HistoryCounts {
                registered_jobs: r.get(0)?,
                disabled_only_since: r.get(1)?,
                trial_since: r.get(2)?,
                disability_short_trial_since: r.get(3)?,
                last_received_at: r.get(4)?,
                opened_at_counter: r.get(5)?,
            })
        },
    )?)
}

/// The employer withdrew: every pending submission of the account becomes withdrawn.
///
/// # Errors
/// On SQLite failure.
pub fn withdraw_pending(
    conn: &Connection,
    account_id: AccountId,
    now: DateTime<Utc>,
) -> Result<usize> {
    Ok(conn
        .prepare_cached(SQL_WITHDRAW_PENDING)?
        .execute(params![account_id, to_db(now)])?)
}

/// R-REV-3: approval (used by the review use case and tests). Returns whether the submission
/// was checked or received.
///
/// # Errors
/// On SQLite failure (job number taken: UNIQUE violation).
pub fn set_registered(
    conn: &Connection,
    id: SubmissionId,
    job_number: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let now = to_db(now);
    let n = conn.execute(
        "UPDATE submissions SET state = 'registered', job_number = ?2, registered_at = ?3, updated_at = ?3,
                rev = rev + 1
         WHERE id = ?1 AND state IN ('received', 'checked')",
        params![id, job_number, now],
    )?;
    Ok(n == 1)
}

/// A registered job offer as exported (R-IO-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredJob {
    pub id: SubmissionId,
    pub job_number: Option<String>,
    pub registered_at: String,
    pub establishment_number: Option<String>,
    pub payload: String,
}

/// # Errors
/// On SQLite failure, or what `f` returns.
pub fn for_each_registered_job_since(
    conn: &Connection,
    since: &str,
    mut f: impl FnMut(RegisteredJob) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(SQL_JOBS_REGISTERED_SINCE)?;
    let mut rows = stmt.query([since])?;
    while let Some(r) = rows.next()? {
        f(RegisteredJob {
            id: r.get(0)?,
            job_number: r.get(1)?,
            registered_at: r.get(2)?,
            establishment_number: r.get(3)?,
            payload: stored_payload(r, 4)?,
        })?;
    }
    Ok(())
}

/// A whole submission row, for the detail screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionRow {
    pub id: SubmissionId,
    pub external_id: String,
    pub kind: SubmissionKind,
    pub account_id: AccountId,
    pub establishment_id: Option<i64>,
    pub state: SubmissionState,
    pub display_name: String,
    pub deadline: Option<String>,
    pub received_at: String,
    pub current_version: i64,
    pub assigned_staff: Option<StaffId>,
    pub follow_up_date: Option<String>,
    pub job_number: Option<String>,
    pub registered_at: Option<String>,
}

fn row_from(r: &Row<'_>) -> rusqlite::Result<SubmissionRow> {
    Ok(SubmissionRow {
        id: r.get(0)?,
        external_id: r.get(1)?,
        kind: kind_of(&r.get::<_, String>(2)?)?,
        account_id: r.get(3)?,
        establishment_id: r.get(4)?,
        state: state_of(&r.get::<_, String>(5)?)?,
        display_name: r.get(6)?,
        deadline: r.get(7)?,
        received_at: r.get(8)?,
        current_version: r.get(9)?,
        assigned_staff: r.get(10)?,
        follow_up_date: r.get(11)?,
        job_number: r.get(12)?,
        registered_at: r.get(13)?,
    })
}

/// # Errors
/// On SQLite failure.
pub fn by_id(conn: &Connection, id: SubmissionId) -> Result<Option<SubmissionRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, external_id, kind, account_id, establishment_id, state, display_name, deadline,
                    received_at, current_version, assigned_staff, follow_up_date, job_number, registered_at
             FROM submissions WHERE id = ?1",
        )?
        .query_row([id], row_from)
        .optional()?)
}

/// One stored version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    pub version: i64,
    /// Empty once purged (R-DL-3).
    pub payload: String,
    pub findings: String,
    pub received_at: String,
    pub event_id: String,
}

/// Every version of a submission, oldest first.
///
/// # Errors
/// On SQLite failure.
pub fn versions(conn: &Connection, submission_id: SubmissionId) -> Result<Vec<VersionRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT version, payload, findings, received_at, event_id FROM submission_versions
         WHERE submission_id = ?1 ORDER BY version",
    )?;
    let rows = stmt
        .query_map([submission_id], |r| {
            Ok(VersionRow {
                version: r.get(0)?,
                payload: stored_payload(r, 1)?,
                findings: r.get(2)?,
                received_at: r.get(3)?,
                event_id: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// When the item was last checked (確認日時, RFC 3339 UTC), if it was (issue 15 item 14).
///
/// # Errors
/// On SQLite failure.
pub fn checked_at(conn: &Connection, submission_id: SubmissionId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT checked_at FROM submissions WHERE id = ?1")?
        .query_row([submission_id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// A submission's R-VISIT-1 reasons as stored, by code: the label only where the row holds
/// one (a staff member's reason, older rows); the words of the others are `i18n::labels`'.
///
/// # Errors
/// On SQLite failure, or a column that does not parse.
pub fn stored_visit_reasons(
    conn: &Connection,
    submission_id: SubmissionId,
) -> Result<Vec<(String, Option<String>)>> {
    let stored: Option<String> = conn
        .prepare_cached(SQL_VISIT_REASONS)?
        .query_row([submission_id], |r| r.get(0))
        .optional()?
        .flatten();
    let Some(text) = stored else {
        return Ok(Vec::new());
    };
    let stored: Vec<StoredReasonOwned> =
        serde_json::from_str(&text).map_err(|e| corrupt("visit_reasons", &e))?;
    Ok(stored
        .into_iter()
        .map(|r| match r {
            StoredReasonOwned::Code(c) => (c, None),
            StoredReasonOwned::Labelled(c, l) => (c, Some(l)),
        })
        .collect())
}

/// # Errors
/// On SQLite failure.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM submissions", [], |r| r.get(0))?)
}

/// Column `i` of `r`: a version's payload as JSON, whatever its stored form (`""` once purged).
fn stored_payload(r: &Row<'_>, i: usize) -> rusqlite::Result<String> {
    super::payload::decode(r.get_ref(i)?).map_err(|e| match e {
        FromSqlError::InvalidType => {
            rusqlite::Error::InvalidColumnType(i, "payload".into(), r.get_ref_unwrap(i).data_type())
        }
        other => rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Blob,
            Box::new(other),
        ),
    })
}

/// A stored JSON column that does not parse.
#[must_use]
pub fn corrupt(what: &str, e: &serde_json::Error) -> StorageError {
    StorageError::Corrupt(format!("{what}: {e}"))
}
