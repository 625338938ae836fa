//! Whole-database operations: the online backup (SQLite's backup API), integrity and
//! foreign-key checks, the triggers present, the WAL's size.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use super::Result;

/// Copies the database behind `src` into a new file at `dest` with SQLite's online backup API,
/// in one step: one read transaction, so the copy is the state of one commit, and in WAL mode
/// writers go on meanwhile (a copy in small steps restarts on every commit of another
/// connection and never ends while clerks work). The copy is left in rollback-journal mode:
/// one self-contained file.
///
/// # Errors
/// The file cannot be written, or SQLite fails.
pub fn online_backup(src: &Connection, dest: &Path) -> Result<()> {
    let mut dst = Connection::open(dest)?;
    {
        let b = Backup::new(src, &mut dst)?;
        loop {
            match b.step(-1)? {
                StepResult::Done => break,
                // Busy / locked (another process has the destination?) or more to do.
                _ => std::thread::sleep(std::time::Duration::from_millis(20)),
            }
        }
    }
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

/// `PRAGMA integrity_check`: empty when it says `ok`, else its first lines.
///
/// # Errors
/// On SQLite failure.
pub fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check(20)")?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().filter(|r| r != "ok").collect())
}

/// How many rows `PRAGMA foreign_key_check` reports.
///
/// # Errors
/// On SQLite failure.
pub fn foreign_key_violations(conn: &Connection) -> Result<usize> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let n = stmt.query_map([], |_| Ok(()))?.count();
    Ok(n)
}

/// The names of the triggers in the database, sorted.
///
/// # Errors
/// On SQLite failure.
pub fn trigger_names(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Rows of `accounts` (the figure backup and restore report).
///
/// # Errors
/// On SQLite failure.
pub fn account_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?)
}

/// The `-wal`, `-shm` and `-journal` files of the database at `db`.
#[must_use]
pub fn side_files(db: &Path) -> [PathBuf; 3] {
    ["-wal", "-shm", "-journal"].map(|s| PathBuf::from(format!("{}{s}", db.display())))
}

/// Files that belong with the database at `db` and must travel with it: `STEM.EXT` beside it
/// (the install secret `STEM.secret`, an audit head file, …), but not the database, its
/// journal files, logs, configuration or temporary files. Sorted.
///
/// # Errors
/// The folder cannot be read.
pub fn companions(db: &Path) -> std::io::Result<Vec<PathBuf>> {
    let dir = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let (Some(stem), Some(name)) = (
        db.file_stem().and_then(|s| s.to_str()),
        db.file_name().and_then(|s| s.to_str()),
    ) else {
        return Ok(Vec::new());
    };
    let prefix = format!("{stem}.");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let Some(n) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Some(ext) = n.strip_prefix(&prefix) else {
            continue;
        };
        let own = n == name || n.starts_with(&format!("{name}-"));
        let skipped = ["log", "toml", "tmp", "db"]
            .iter()
            .any(|s| ext == *s || ext.starts_with(&format!("{s}.")) || ext.ends_with(".tmp"));
        if !own && !skipped && !ext.is_empty() {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Where the companion `file` of the database `from` goes for the database `to`
/// (`a/madoguchi.secret` → `b/copy.secret` for `b/copy.db`).
#[must_use]
pub fn companion_for(from: &Path, file: &Path, to: &Path) -> Option<PathBuf> {
    let stem = from.file_stem()?.to_str()?;
    let ext = file
        .file_name()?
        .to_str()?
        .strip_prefix(&format!("{stem}."))?;
    let to_stem = to.file_stem()?.to_str()?;
    Some(to.with_file_name(format!("{to_stem}.{ext}")))
}

/// Size of the database's `-wal` file in bytes (0 when there is none).
#[must_use]
pub fn wal_bytes(db: &Path) -> u64 {
    std::fs::metadata(format!("{}-wal", db.display())).map_or(0, |m| m.len())
}
