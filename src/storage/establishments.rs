//! The `establishments` table (事業所). Rows are added only through [`insert`], which also
//! writes the search row (`establishments_fts`; there is no insert trigger, see schema v5).
//! Search-key columns are filled here from the display
//! values, so every writer keeps them in step (R-ID-1).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::Result;
use crate::clock::to_db;
use crate::domain::establishment::Establishment;
use crate::domain::ids::AccountId;
use crate::domain::kana::{kana_search_key, search_key};

/// Looks an establishment up by 事業所番号.
pub const SQL_BY_NUMBER: &str = "SELECT id FROM establishments WHERE establishment_number = ?1";
/// Registered establishments since a time, for the export (R-IO-3).
pub const SQL_REGISTERED_SINCE: &str = "SELECT id, establishment_number, corporate_number, name, name_kana, \
     representative_title, representative_name, postal_code, address, phone, dispatch_licence, \
     employment_insurance, registered_at FROM establishments \
     WHERE state = 'registered' AND registered_at >= ?1 ORDER BY registered_at, id";
const SQL_INSERT: &str = "INSERT INTO establishments (establishment_number, corporate_number, name, name_kana, \
     name_key, kana_key, representative_title, representative_name, postal_code, postal_digits, address, phone, \
     phone_digits, dispatch_licence, employment_insurance, account_id, state, created_at, updated_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 'provisional', ?17, ?17)";
/// The search row of a new establishment (the update and delete triggers keep it after).
const SQL_INSERT_FTS: &str =
    "INSERT INTO establishments_fts (rowid, name_key, kana_key) VALUES (?1, ?2, ?3)";
const SQL_UPDATE: &str = "UPDATE establishments SET corporate_number = ?2, name = ?3, name_kana = ?4, name_key = ?5, \
     kana_key = ?6, representative_title = ?7, representative_name = ?8, postal_code = ?9, postal_digits = ?10, \
     address = ?11, phone = ?12, phone_digits = ?13, dispatch_licence = ?14, employment_insurance = ?15, \
     updated_at = ?16 WHERE id = ?1 AND state = 'provisional'";

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// # Errors
/// On SQLite failure.
pub fn id_by_number(conn: &Connection, number: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(SQL_BY_NUMBER)?
        .query_row([number], |r| r.get(0))
        .optional()?)
}

/// A new provisional establishment from a (normalised) submission.
///
/// # Errors
/// On SQLite failure (a 事業所番号 already taken is a UNIQUE violation).
pub fn insert(
    conn: &Connection,
    e: &Establishment,
    account_id: AccountId,
    now: DateTime<Utc>,
) -> Result<i64> {
    let (id, search) = insert_without_search(conn, e, account_id, now)?;
    insert_search_rows(conn, std::slice::from_ref(&search))?;
    Ok(id)
}

/// The search row of an establishment written by [`insert_without_search`], still to be
/// written by [`insert_search_rows`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRow {
    pub id: i64,
    pub name_key: String,
    pub kana_key: String,
}

/// [`insert`] without the search row, which the caller writes later in the same transaction
/// with [`insert_search_rows`] (before anything reads `establishments_fts` or updates the
/// establishment's name: its update trigger removes the old search row).
///
/// Why (the bulk import): once an FTS5 table is written in a transaction, every later
/// statement of the transaction that opens a statement savepoint makes FTS5 write its pending
/// terms out as a new tiny segment (to be merged again later). Written together at the end of
/// a batch, a batch's search rows make one segment.
///
/// # Errors
/// On SQLite failure (a 事業所番号 already taken is a UNIQUE violation).
pub fn insert_without_search(
    conn: &Connection,
    e: &Establishment,
    account_id: AccountId,
    now: DateTime<Utc>,
) -> Result<(i64, SearchRow)> {
    let (name_key, kana_key) = (search_key(&e.name), kana_search_key(&e.name_kana));
    conn.prepare_cached(SQL_INSERT)?.execute(params![
        e.establishment_number,
        e.corporate_number,
        e.name,
        e.name_kana,
        name_key,
        kana_key,
        e.representative_title,
        e.representative_name,
        e.postal_code,
        digits(&e.postal_code),
        e.address,
        e.phone,
        digits(&e.phone),
        e.dispatch_licence,
        e.employment_insurance,
        account_id,
        to_db(now),
    ])?;
    let id = conn.last_insert_rowid();
    Ok((
        id,
        SearchRow {
            id,
            name_key,
            kana_key,
        },
    ))
}

/// Writes the search rows of establishments added by [`insert_without_search`].
///
/// # Errors
/// On SQLite failure.
pub fn insert_search_rows(conn: &Connection, rows: &[SearchRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(SQL_INSERT_FTS)?;
    for r in rows {
        stmt.execute(params![r.id, r.name_key, r.kana_key])?;
    }
    Ok(())
}

/// Replaces the data of a provisional establishment (a resubmission); a registered one keeps
/// its data until the change is approved. Returns whether a row changed.
///
/// # Errors
/// On SQLite failure.
pub fn update_provisional(
    conn: &Connection,
    id: i64,
    e: &Establishment,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn.prepare_cached(SQL_UPDATE)?.execute(params![
        id,
        e.corporate_number,
        e.name,
        e.name_kana,
        search_key(&e.name),
        kana_search_key(&e.name_kana),
        e.representative_title,
        e.representative_name,
        e.postal_code,
        digits(&e.postal_code),
        e.address,
        e.phone,
        digits(&e.phone),
        e.dispatch_licence,
        e.employment_insurance,
        to_db(now),
    ])?;
    Ok(n == 1)
}

/// Whether the My Page was opened at the counter (R-VISIT-1 exception).
///
/// # Errors
/// On SQLite failure.
pub fn opened_at_counter(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT opened_at_counter FROM establishments WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false))
}

/// R-REV-3: registration assigns the number and opens the My Page. Used by the review use case
/// (and tests); returns whether the row was provisional.
///
/// # Errors
/// On SQLite failure (number taken: UNIQUE violation).
pub fn set_registered(
    conn: &Connection,
    id: i64,
    number: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let now = to_db(now);
    let n = conn.execute(
        "UPDATE establishments SET establishment_number = ?2, state = 'registered', registered_at = ?3,
                opened_at = coalesce(opened_at, ?3), updated_at = ?3
         WHERE id = ?1 AND state = 'provisional'",
        params![id, number, now],
    )?;
    Ok(n == 1)
}

/// An establishment as exported (R-IO-3).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegisteredEstablishment {
    #[serde(skip)]
    pub id: i64,
    pub establishment: Establishment,
    pub registered_at: String,
}

fn registered_from_row(r: &Row<'_>) -> rusqlite::Result<RegisteredEstablishment> {
    Ok(RegisteredEstablishment {
        id: r.get(0)?,
        establishment: Establishment {
            establishment_number: r.get(1)?,
            corporate_number: r.get(2)?,
            name: r.get(3)?,
            name_kana: r.get(4)?,
            representative_title: r.get(5)?,
            representative_name: r.get(6)?,
            postal_code: r.get(7)?,
            address: r.get(8)?,
            phone: r.get(9)?,
            dispatch_licence: r.get(10)?,
            employment_insurance: r.get(11)?,
        },
        registered_at: r.get(12)?,
    })
}

/// Calls `f` for each establishment registered at or after `since` (RFC 3339 UTC text), in
/// registration order, without loading them all.
///
/// # Errors
/// On SQLite failure, or what `f` returns.
pub fn for_each_registered_since(
    conn: &Connection,
    since: &str,
    mut f: impl FnMut(RegisteredEstablishment) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(SQL_REGISTERED_SINCE)?;
    let mut rows = stmt.query([since])?;
    while let Some(r) = rows.next()? {
        f(registered_from_row(r)?)?;
    }
    Ok(())
}

/// The establishment row's display data, for the submission screen.
///
/// # Errors
/// On SQLite failure.
pub fn number_and_state(conn: &Connection, id: i64) -> Result<Option<(Option<String>, String)>> {
    Ok(conn
        .prepare_cached("SELECT establishment_number, state FROM establishments WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}
