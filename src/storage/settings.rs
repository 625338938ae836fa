//! Office settings stored in the database (`madoguchi init`).

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;

/// SPEC §6: the key that marks a training database (`madoguchi demo`, `init --training`), the
/// only kind on which `MADOGUCHI_NOW` replaces the clock.
pub const TRAINING: &str = "training";

/// Whether the database was made for training (SPEC §6).
///
/// # Errors
/// On SQLite failure.
pub fn is_training(conn: &Connection) -> Result<bool> {
    Ok(get(conn, TRAINING)?.as_deref() == Some("1"))
}

/// # Errors
/// On SQLite failure.
pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// # Errors
/// On SQLite failure.
pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
