//! Queries of the forgotten-ID lookup (R-ID-1) and the ID change requests (R-ID-4). Every query
//! is index-backed: exact keys on their indexes, names of 3+ characters through the FTS5
//! trigram index, shorter ones as a prefix range on the key columns.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::Result;
use crate::clock::to_db;
use crate::domain::ids::{AccountId, StaffId};

/// One establishment with its primary account (if any), as the lookup lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstablishmentHit {
    pub id: i64,
    pub establishment_number: Option<String>,
    pub corporate_number: Option<String>,
    pub name: String,
    pub name_kana: String,
    pub name_key: String,
    pub kana_key: String,
    pub phone: String,
    pub postal_code: String,
    pub account_id: Option<AccountId>,
    pub state: String,
}

const EST_COLS: &str = "e.id, e.establishment_number, e.corporate_number, e.name, e.name_kana, e.name_key, \
     e.kana_key, e.phone, e.postal_code, e.account_id, e.state";

fn est_row(r: &Row<'_>) -> rusqlite::Result<EstablishmentHit> {
    Ok(EstablishmentHit {
        id: r.get(0)?,
        establishment_number: r.get(1)?,
        corporate_number: r.get(2)?,
        name: r.get(3)?,
        name_kana: r.get(4)?,
        name_key: r.get(5)?,
        kana_key: r.get(6)?,
        phone: r.get(7)?,
        postal_code: r.get(8)?,
        account_id: r.get(9)?,
        state: r.get(10)?,
    })
}

fn est_query(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<EstablishmentHit>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(p, est_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Which exact-key column to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExactKey {
    EstablishmentNumber,
    CorporateNumber,
    PhoneDigits,
    PostalDigits,
}

/// Establishments whose key column equals `value` (each column has its own index).
///
/// # Errors
/// On SQLite failure.
pub fn establishments_by(
    conn: &Connection,
    key: ExactKey,
    value: &str,
    limit: i64,
) -> Result<Vec<EstablishmentHit>> {
    let col = match key {
        ExactKey::EstablishmentNumber => "establishment_number",
        ExactKey::CorporateNumber => "corporate_number",
        ExactKey::PhoneDigits => "phone_digits",
        ExactKey::PostalDigits => "postal_digits",
    };
    est_query(conn, &sql_establishments_by(col), params![value, limit])
}

/// The exact-key query's text (`?1` value, `?2` limit); public so that the benchmark runs the
/// very same SQL in the `sqlite3` shell.
#[must_use]
pub fn sql_establishments_by(col: &str) -> String {
    format!(
        "SELECT {EST_COLS} FROM establishments e WHERE e.{col} = ?1 AND e.state != 'purged' ORDER BY e.id LIMIT ?2"
    )
}

/// The establishment a registered job offer (求人番号, `13010-12345678`) belongs to, through the
/// `submissions_job_number` index and the establishment's primary key (`?1` the number).
#[must_use]
pub fn sql_establishment_of_job() -> String {
    format!(
        "SELECT {EST_COLS} FROM submissions s JOIN establishments e ON e.id = s.establishment_id \
         WHERE s.job_number = ?1 AND e.state != 'purged'"
    )
}

/// The account that submitted the job offer with this 求人番号 (`?1` the number).
pub const SQL_ACCOUNT_OF_JOB: &str = "SELECT account_id FROM submissions WHERE job_number = ?1";

/// The establishment of the job offer registered under `job_number` (none when unknown).
///
/// # Errors
/// On SQLite failure.
pub fn establishments_of_job(conn: &Connection, job_number: &str) -> Result<Vec<EstablishmentHit>> {
    est_query(conn, &sql_establishment_of_job(), [job_number])
}

/// The account that submitted the job offer registered under `job_number`.
///
/// # Errors
/// On SQLite failure.
pub fn account_of_job(conn: &Connection, job_number: &str) -> Result<Option<AccountId>> {
    Ok(conn
        .prepare_cached(SQL_ACCOUNT_OF_JOB)?
        .query_row([job_number], |r| r.get(0))
        .optional()?)
}

/// Which name column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKey {
    Name,
    Kana,
}

/// Prefix search on a key column as an index range (`key >= q AND key < q || U+10FFFF`), for
/// queries too short for the trigram index.
///
/// # Errors
/// On SQLite failure.
pub fn establishments_by_prefix(
    conn: &Connection,
    key: NameKey,
    prefix: &str,
    limit: i64,
) -> Result<Vec<EstablishmentHit>> {
    let col = match key {
        NameKey::Name => "name_key",
        NameKey::Kana => "kana_key",
    };
    let upper = format!("{prefix}\u{10FFFF}");
    let sql = format!(
        "SELECT {EST_COLS} FROM establishments e WHERE e.{col} >= ?1 AND e.{col} < ?2 \
         AND e.state != 'purged' ORDER BY e.{col}, e.id LIMIT ?3"
    );
    est_query(conn, &sql, params![prefix, upper, limit])
}

/// Substring search through the trigram index (`needle` of 3+ characters, already a search key).
/// The needle is passed as one quoted FTS string, so no FTS syntax in it is interpreted.
///
/// # Errors
/// On SQLite failure.
pub fn establishments_containing(
    conn: &Connection,
    key: NameKey,
    needle: &str,
    limit: i64,
) -> Result<Vec<EstablishmentHit>> {
    let col = match key {
        NameKey::Name => "name_key",
        NameKey::Kana => "kana_key",
    };
    let quoted = format!("{col} : \"{}\"", needle.replace('"', "\"\""));
    let sql = format!(
        "SELECT {EST_COLS} FROM establishments_fts f JOIN establishments e ON e.id = f.rowid \
         WHERE establishments_fts MATCH ?1 AND e.state != 'purged' LIMIT ?2"
    );
    est_query(conn, &sql, params![quoted, limit])
}

/// Live-or-not accounts of an employer registered with this establishment number (additional
/// accounts, or accounts registered at the counter before the establishment arrived).
///
/// # Errors
/// On SQLite failure.
pub fn account_ids_for_establishment_number(
    conn: &Connection,
    number: &str,
) -> Result<Vec<AccountId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM accounts WHERE establishment_number = ?1 ORDER BY id LIMIT 50",
    )?;
    let ids = stmt
        .query_map([number], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<AccountId>>>()?;
    Ok(ids)
}

/// Job-seeker accounts by 求職番号.
///
/// # Errors
/// On SQLite failure.
pub fn seeker_ids_by_number(conn: &Connection, number: &str) -> Result<Vec<AccountId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM accounts WHERE seeker_number = ?1 AND kind = 'seeker' ORDER BY id DESC LIMIT 50",
    )?;
    let ids = stmt
        .query_map([number], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<AccountId>>>()?;
    Ok(ids)
}

/// Job-seeker accounts born on `birth_date`, with their kana (compared by the caller).
///
/// # Errors
/// On SQLite failure.
pub fn seekers_born_on(conn: &Connection, birth_date: &str) -> Result<Vec<(AccountId, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, coalesce(name_kana, '') FROM accounts WHERE birth_date = ?1 AND kind = 'seeker'
         ORDER BY id DESC LIMIT 500",
    )?;
    let rows = stmt
        .query_map([birth_date], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every account ever registered with this email key (live first, then newest).
///
/// # Errors
/// On SQLite failure.
pub fn account_ids_by_email_key(conn: &Connection, email_key: &str) -> Result<Vec<AccountId>> {
    let sql = format!(
        "SELECT id FROM accounts WHERE {} ORDER BY id DESC LIMIT 50",
        super::accounts::EMAIL_KEY_OR_KEPT_APART
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let ids = stmt
        .query_map([email_key], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<AccountId>>>()?;
    Ok(ids)
}

/// The establishment an account is the primary account of, if any.
///
/// # Errors
/// On SQLite failure.
pub fn establishment_of_account(
    conn: &Connection,
    account_id: AccountId,
) -> Result<Option<EstablishmentHit>> {
    let sql = format!(
        "SELECT {EST_COLS} FROM establishments e WHERE e.account_id = ?1 ORDER BY e.id DESC LIMIT 1"
    );
    Ok(est_query(conn, &sql, [account_id])?.into_iter().next())
}

/// R-ID-4: the login ID changes. The live-email UNIQUE index refuses an address in use.
///
/// # Errors
/// On SQLite failure (UNIQUE violation when the address is taken).
pub fn set_email(
    conn: &Connection,
    account_id: AccountId,
    email: &str,
    email_key: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn.execute(
        "UPDATE accounts SET email = ?2, email_key = ?3, updated_at = ?4 WHERE id = ?1",
        params![account_id, email, email_key, to_db(now)],
    )?;
    Ok(n == 1)
}

/// An ID change waiting for (or decided by) a supervisor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChangeRequest {
    pub id: i64,
    pub account_id: AccountId,
    pub new_email: String,
    pub document: String,
    pub note: String,
    pub purpose: String,
    pub state: String,
    pub requested_by: StaffId,
    pub requested_at: String,
}

pub struct NewChangeRequest<'a> {
    pub account_id: AccountId,
    pub new_email: &'a str,
    pub new_email_key: &'a str,
    pub document: &'a str,
    pub note: &'a str,
    pub purpose: &'a str,
    pub requested_by: StaffId,
}

/// # Errors
/// On SQLite failure (UNIQUE violation: a change is already pending for the account).
pub fn insert_request(
    conn: &Connection,
    r: &NewChangeRequest<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO id_change_requests (account_id, new_email, new_email_key, document, note, purpose, state,
                                         requested_by, requested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8)",
    )?
    .execute(params![
        r.account_id,
        r.new_email,
        r.new_email_key,
        r.document,
        r.note,
        r.purpose,
        r.requested_by,
        to_db(now)
    ])?;
    Ok(conn.last_insert_rowid())
}

const REQ_COLS: &str =
    "id, account_id, new_email, document, note, purpose, state, requested_by, requested_at";

fn req_row(r: &Row<'_>) -> rusqlite::Result<ChangeRequest> {
    Ok(ChangeRequest {
        id: r.get(0)?,
        account_id: r.get(1)?,
        new_email: r.get(2)?,
        document: r.get(3)?,
        note: r.get(4)?,
        purpose: r.get(5)?,
        state: r.get(6)?,
        requested_by: r.get(7)?,
        requested_at: r.get(8)?,
    })
}

/// # Errors
/// On SQLite failure.
pub fn request_by_id(conn: &Connection, id: i64) -> Result<Option<ChangeRequest>> {
    let sql = format!("SELECT {REQ_COLS} FROM id_change_requests WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], req_row)
        .optional()?)
}

/// Pending requests, oldest first.
///
/// # Errors
/// On SQLite failure.
pub fn pending_requests(conn: &Connection) -> Result<Vec<ChangeRequest>> {
    let sql = format!(
        "SELECT {REQ_COLS} FROM id_change_requests WHERE state = 'pending' ORDER BY requested_at, id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([], req_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Decides a pending request; returns whether it was still pending.
///
/// # Errors
/// On SQLite failure.
pub fn decide_request(
    conn: &Connection,
    id: i64,
    approved: bool,
    by: StaffId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn.execute(
        "UPDATE id_change_requests SET state = ?2, decided_by = ?3, decided_at = ?4
         WHERE id = ?1 AND state = 'pending'",
        params![
            id,
            if approved { "approved" } else { "rejected" },
            by,
            to_db(now)
        ],
    )?;
    Ok(n == 1)
}
