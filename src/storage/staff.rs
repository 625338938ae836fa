//! The `staff` table.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::Result;
use crate::clock::{from_db, to_db};
use crate::domain::ids::StaffId;
use crate::domain::staff::{LockState, Roles};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    pub id: StaffId,
    pub name: String,
    pub display_name: String,
    pub roles: Roles,
    pub password_hash: String,
    pub must_change_password: bool,
    pub lock: LockState,
    pub disabled: bool,
    pub created_at: String,
}

const COLS: &str = "id, name, display_name, roles, password_hash, must_change_password, failed_count, \
                    locked_until, disabled, created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<StaffRow> {
    let locked: Option<String> = r.get(7)?;
    Ok(StaffRow {
        id: r.get(0)?,
        name: r.get(1)?,
        display_name: r.get(2)?,
        roles: Roles::parse_list(&r.get::<_, String>(3)?),
        password_hash: r.get(4)?,
        must_change_password: r.get(5)?,
        lock: LockState {
            failed_count: r.get(6)?,
            locked_until: locked.as_deref().and_then(from_db),
        },
        disabled: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// # Errors
/// On SQLite failure.
pub fn by_name(conn: &Connection, name: &str) -> Result<Option<StaffRow>> {
    let sql = format!("SELECT {COLS} FROM staff WHERE name = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([name], from_row)
        .optional()?)
}

/// # Errors
/// On SQLite failure.
pub fn by_id(conn: &Connection, id: StaffId) -> Result<Option<StaffRow>> {
    let sql = format!("SELECT {COLS} FROM staff WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], from_row)
        .optional()?)
}

/// # Errors
/// On SQLite failure.
pub fn list(conn: &Connection) -> Result<Vec<StaffRow>> {
    let sql = format!("SELECT {COLS} FROM staff ORDER BY name");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// # Errors
/// On SQLite failure.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?)
}

pub struct NewStaff<'a> {
    pub name: &'a str,
    pub display_name: &'a str,
    pub roles: &'a Roles,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

/// # Errors
/// On SQLite failure, including a duplicate name (UNIQUE).
pub fn insert(conn: &Connection, s: &NewStaff<'_>, now: DateTime<Utc>) -> Result<StaffId> {
    let now = to_db(now);
    conn.execute(
        "INSERT INTO staff (name, display_name, roles, password_hash, must_change_password, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![s.name, s.display_name, s.roles.to_list(), s.password_hash, s.must_change_password, now],
    )?;
    Ok(StaffId(conn.last_insert_rowid()))
}

/// # Errors
/// On SQLite failure.
pub fn set_lock(
    conn: &Connection,
    id: StaffId,
    lock: &LockState,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE staff SET failed_count = ?2, locked_until = ?3, updated_at = ?4 WHERE id = ?1",
        params![
            id,
            lock.failed_count,
            lock.locked_until.map(to_db),
            to_db(now)
        ],
    )?;
    Ok(())
}

/// # Errors
/// On SQLite failure.
pub fn set_password(
    conn: &Connection,
    id: StaffId,
    hash: &str,
    must_change: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE staff SET password_hash = ?2, must_change_password = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, hash, must_change, to_db(now)],
    )?;
    Ok(())
}

/// # Errors
/// On SQLite failure.
pub fn set_disabled(
    conn: &Connection,
    id: StaffId,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE staff SET disabled = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, disabled, to_db(now)],
    )?;
    Ok(())
}

/// # Errors
/// On SQLite failure.
pub fn set_roles(conn: &Connection, id: StaffId, roles: &Roles, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE staff SET roles = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, roles.to_list(), to_db(now)],
    )?;
    Ok(())
}
