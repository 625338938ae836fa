//! The `office_closures` table: days the office itself is closed (R-DL-2).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

use super::Result;
use crate::clock::to_db;
use crate::domain::calendar::Closure;
use crate::domain::ids::StaffId;

pub const SQL_ALL: &str = "SELECT date, reason FROM office_closures ORDER BY date";
pub const SQL_RANGE: &str =
    "SELECT date, reason FROM office_closures WHERE date >= ?1 AND date <= ?2 ORDER BY date";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Closure> {
    let d: String = r.get(0)?;
    let date = NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })?;
    Ok(Closure {
        date,
        reason: r.get(1)?,
    })
}

/// Every closure, in date order (the calendar needs them all; there are a few per year).
///
/// # Errors
/// On SQLite failure.
pub fn all(conn: &Connection) -> Result<Vec<Closure>> {
    let mut stmt = conn.prepare_cached(SQL_ALL)?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Closures between two dates, inclusive.
///
/// # Errors
/// On SQLite failure.
pub fn between(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<Closure>> {
    let mut stmt = conn.prepare_cached(SQL_RANGE)?;
    let rows = stmt
        .query_map(params![from.to_string(), to.to_string()], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Adds a closure; returns false when the date already has one (nothing changed).
///
/// # Errors
/// On SQLite failure.
pub fn add(
    conn: &Connection,
    date: NaiveDate,
    reason: &str,
    created_by: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(conn.execute(
        "INSERT INTO office_closures (date, reason, created_by, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (date) DO NOTHING",
        params![date.to_string(), reason, created_by, to_db(now)],
    )? == 1)
}

/// Removes a closure; returns its reason when there was one.
///
/// # Errors
/// On SQLite failure.
pub fn remove(conn: &Connection, date: NaiveDate) -> Result<Option<String>> {
    let mut stmt =
        conn.prepare_cached("DELETE FROM office_closures WHERE date = ?1 RETURNING reason")?;
    let mut rows = stmt.query([date.to_string()])?;
    Ok(match rows.next()? {
        Some(r) => Some(r.get(0)?),
        None => None,
    })
}
