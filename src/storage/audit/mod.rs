//! The audit log (R-AUD-1, R-AUD-2): append-only (triggers refuse UPDATE, and DELETE of any row
//! at or after the signed cut point) and tamper-evident: each row's hash is an HMAC-SHA-256
//! under the install secret over its content and the previous row's hash, so that nobody with
//! the database file alone can rewrite the chain. Ids are never reused (AUTOINCREMENT), and the
//! newest head (id, hash) is also appended to a head file beside the database
//! (`NAME.audit-head`), so rows cut off the end are noticed.
//!
//! Rows written before version 16 keep their plain SHA-256 hashes (`keyed = 0`) and are
//! verified as such: the first keyed row (the upgrade's `audit.chain_keyed` row) links to their
//! head under the HMAC, which anchors them. After a keyed row every row must be keyed.
//!
//! This file appends and reads rows and keeps the head file; `verify.rs` checks and trims the
//! chain.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::Result;
use crate::domain::ids::StaffId;
use crate::secret::InstallSecret;

mod verify;
pub(super) use verify::walk;
pub use verify::{Cut, VerifyReport, cut, missing_triggers, trim, verify};

/// The chain starts from this value.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The SQL function that seals a row (HMAC under the connection's install secret) and notes it
/// as the head to record at commit. Registered on every connection a [`super::Store`] opens.
pub const SEAL_FN: &str = "madoguchi_audit_seal";

/// Domain separation of the keyed hashes.
const ROW_TAG: &[u8] = b"madoguchi-audit-row-v2\0";
const CUT_TAG: &[u8] = b"madoguchi-audit-cut-v2\0";

/// The guards of the log, exactly as version 16 creates them (compared at every start and by
/// `audit verify`; whitespace aside).
pub const TRIGGERS: &[(&str, &str)] = &[
    (
        "audit_log_no_update",
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END",
    ),
    (
        "audit_log_no_delete",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN old.id >= coalesce((SELECT first_id FROM audit_cut WHERE id = 1), 0)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END",
    ),
    (
        "audit_cut_no_delete",
        "CREATE TRIGGER audit_cut_no_delete BEFORE DELETE ON audit_cut
BEGIN
    SELECT RAISE(ABORT, 'audit_cut only moves forward');
END",
    ),
    (
        "audit_cut_forward_only",
        "CREATE TRIGGER audit_cut_forward_only BEFORE UPDATE ON audit_cut
WHEN new.first_id < old.first_id
BEGIN
    SELECT RAISE(ABORT, 'audit_cut only moves forward');
END",
    ),
];

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub at_utc: String,
    pub staff_id: Option<StaffId>,
    pub staff_name: Option<String>,
    pub staff_roles: Option<String>,
    pub terminal: String,
    pub action: String,
    pub subject: Option<String>,
    pub purpose: Option<String>,
    pub outcome: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
    /// HMAC under the install secret (every row since version 16) or plain SHA-256 (older).
    pub keyed: bool,
}

/// The previous hash and every field, each length-prefixed so that no two different rows can
/// serialise alike.
fn content(id: i64, e: &AuditEntry, prev_hash: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut field = |s: Option<&str>| match s {
        None => out.push(b'N'),
        Some(v) => {
            out.push(b'S');
            out.extend_from_slice(&(v.len() as u64).to_be_bytes());
            out.extend_from_slice(v.as_bytes());
        }
    };
    field(Some(prev_hash));
    field(Some(&id.to_string()));
    field(Some(&e.at_utc));
    field(e.staff_id.map(|i| i.to_string()).as_deref());
    field(e.staff_name.as_deref());
    field(e.staff_roles.as_deref());
    field(Some(&e.terminal));
    field(Some(&e.action));
    field(e.subject.as_deref());
    field(e.purpose.as_deref());
    field(Some(&e.outcome));
    field(e.detail.as_deref());
    out
}

/// The plain SHA-256 hash of rows written before version 16.
#[must_use]
pub fn row_hash(id: i64, e: &AuditEntry, prev_hash: &str) -> String {
    hex::encode(Sha256::digest(content(id, e, prev_hash)))
}

/// The keyed hash of a row (R-AUD-2): HMAC-SHA-256 under the install secret.
#[must_use]
pub fn keyed_hash(secret: &InstallSecret, id: i64, e: &AuditEntry, prev_hash: &str) -> String {
    seal_bytes(secret, &content(id, e, prev_hash))
}

fn seal_bytes(secret: &InstallSecret, content: &[u8]) -> String {
    let mut data = Vec::with_capacity(ROW_TAG.len() + content.len());
    data.extend_from_slice(ROW_TAG);
    data.extend_from_slice(content);
    hex::encode(secret.tag(&data))
}

/// The signature of a cut point: the first row kept and the hash it links to.
#[must_use]
pub fn cut_signature(secret: &InstallSecret, first_id: i64, prev_hash: &str) -> String {
    let mut data = CUT_TAG.to_vec();
    data.extend_from_slice(first_id.to_string().as_bytes());
    data.push(0);
    data.extend_from_slice(prev_hash.as_bytes());
    hex::encode(secret.tag(&data))
}

/// Where the head file of the database at `db` lives.
#[must_use]
pub fn head_path_for(db: &Path) -> PathBuf {
    db.with_extension("audit-head")
}

/// The head noted by the seal function, written to the head file when the transaction commits.
type Pending = Arc<Mutex<Option<(i64, String)>>>;

/// Registers the seal function and the commit/rollback hooks on `conn`: every row appended is
/// keyed under `secret`, and when a transaction that appended rows commits, its newest head is
/// appended to `head_file` (one `ID HASH` line, owner-only) while the write lock is still held,
/// so the lines of several processes come in id order. When the line cannot be written the
/// commit is turned into a rollback: no row goes unrecorded.
///
/// # Errors
/// On SQLite failure.
pub fn install(
    conn: &mut Connection,
    secret: &InstallSecret,
    head_file: Option<PathBuf>,
) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let pending: Pending = Arc::new(Mutex::new(None));
    let (key, noted) = (secret.clone(), Arc::clone(&pending));
    conn.create_scalar_function(SEAL_FN, 2, FunctionFlags::SQLITE_UTF8, move |ctx| {
        let id: i64 = ctx.get(0)?;
        let data: Vec<u8> = ctx.get(1)?;
        let hash = seal_bytes(&key, &data);
        if let Ok(mut p) = noted.lock() {
            *p = Some((id, hash.clone()));
        }
        Ok(hash)
    })?;
    let at_commit = Arc::clone(&pending);
    conn.commit_hook(Some(move || {
        let Some((id, hash)) = at_commit.lock().ok().and_then(|mut p| p.take()) else {
            return false;
        };
        let Some(path) = &head_file else {
            return false;
        };
        match append_head(path, id, &hash) {
            Ok(()) => false,
            Err(e) => {
                tracing::error!(path = %path.display(), "R-AUD-2: audit head file not written, change refused: {e}");
                true
            }
        }
    }))?;
    let at_rollback = pending;
    conn.rollback_hook(Some(move || {
        if let Ok(mut p) = at_rollback.lock() {
            *p = None;
        }
    }))?;
    Ok(())
}

/// The head of the audit log in the database file at `db` (read without `Store`: a copy just
/// made by a backup, before it is checked).
///
/// # Errors
/// On SQLite failure.
pub fn head_of_file(db: &Path) -> Result<Option<(i64, String)>> {
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(conn
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Starts the head file at `path` with one head (a new file only: a backup's own).
///
/// # Errors
/// The file exists or cannot be written.
pub fn start_head_file(path: &Path, id: i64, hash: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(format!("{id} {hash}\n").as_bytes())?;
    f.sync_all()
}

fn append_head(path: &Path, id: i64, hash: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)?;
    // One write of one line: O_APPEND keeps it whole.
    f.write_all(format!("{id} {hash}\n").as_bytes())
}

/// The newest head recorded in the head file; `None` when there is no file. Lines that do not
/// parse (a torn last line after a crash) are skipped.
///
/// # Errors
/// The file exists but cannot be read.
pub fn recorded_head(path: &Path) -> std::io::Result<Option<(i64, String)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(text.lines().rev().find_map(|l| {
        let (id, hash) = l.trim().split_once(' ')?;
        let id: i64 = id.parse().ok()?;
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| (id, hash.to_string()))
    }))
}

/// The id the next row gets: past every id ever used (AUTOINCREMENT's high-water mark), so a
/// row cut off the end never has its id given again.
fn next_id(conn: &Connection) -> Result<i64> {
    let seq: Option<i64> = conn
        .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let max: Option<i64> = conn
        .prepare_cached("SELECT max(id) FROM audit_log")?
        .query_row([], |r| r.get(0))?;
    Ok(seq.unwrap_or(0).max(max.unwrap_or(0)) + 1)
}

/// Appends one row. Call inside the use case's IMMEDIATE transaction: the write lock it holds
/// is what keeps the chain linear when several processes write.
///
/// # Errors
/// On SQLite failure, or on a connection without the seal function (not opened by `Store`).
pub fn append(conn: &Connection, e: &AuditEntry) -> Result<i64> {
    let last: Option<String> = conn
        .prepare_cached("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let prev = match last {
        Some(h) => h,
        None => cut(conn)?.map_or_else(|| GENESIS.to_string(), |c| c.prev_hash),
    };
    let id = next_id(conn)?;
    let hash: String = conn
        .prepare_cached(&format!("SELECT {SEAL_FN}(?1, ?2)"))?
        .query_row(params![id, content(id, e, &prev)], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at_utc, staff_id, staff_name, staff_roles, terminal, action, subject,
                                purpose, outcome, detail, prev_hash, hash, keyed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1)",
    )?
    .execute(params![
        id, e.at_utc, e.staff_id, e.staff_name, e.staff_roles, e.terminal, e.action, e.subject, e.purpose,
        e.outcome, e.detail, prev, hash
    ])?;
    Ok(id)
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        id: r.get(0)?,
        entry: AuditEntry {
            at_utc: r.get(1)?,
            staff_id: r.get(2)?,
            staff_name: r.get(3)?,
            staff_roles: r.get(4)?,
            terminal: r.get(5)?,
            action: r.get(6)?,
            subject: r.get(7)?,
            purpose: r.get(8)?,
            outcome: r.get(9)?,
            detail: r.get(10)?,
        },
        prev_hash: r.get(11)?,
        hash: r.get(12)?,
        keyed: r.get(13)?,
    })
}

const COLS: &str = "id, at_utc, staff_id, staff_name, staff_roles, terminal, action, subject, purpose, outcome, \
                    detail, prev_hash, hash, keyed";

/// The newest `limit` rows, newest first.
///
/// # Errors
/// On SQLite failure.
pub fn recent(conn: &Connection, limit: i64) -> Result<Vec<AuditRow>> {
    let sql = format!("SELECT {COLS} FROM audit_log ORDER BY id DESC LIMIT ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([limit], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// What the audit viewer filters on; every part is optional. Times are RFC 3339 UTC text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub staff_id: Option<StaffId>,
    /// An action, or a prefix of one ending in `.` (`lookup.`).
    pub action: Option<String>,
    pub subject: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: i64,
}

/// Rows matching the filter, newest first (each filter has an index: staff, action, subject,
/// time).
///
/// # Errors
/// On SQLite failure.
pub fn query(conn: &Connection, q: &AuditQuery) -> Result<Vec<AuditRow>> {
    let mut sql = format!("SELECT {COLS} FROM audit_log WHERE 1 = 1");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let mut arg = |sql: &mut String, clause: &str, v: rusqlite::types::Value| {
        args.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(id) = q.staff_id {
        arg(&mut sql, " AND staff_id = ?", id.get().into());
    }
    if let Some(a) = &q.action {
        if a.ends_with('.') {
            arg(&mut sql, " AND action >= ?", a.clone().into());
            arg(&mut sql, " AND action < ?", format!("{a}\u{10FFFF}").into());
        } else {
            arg(&mut sql, " AND action = ?", a.clone().into());
        }
    }
    if let Some(s) = &q.subject {
        arg(&mut sql, " AND subject = ?", s.clone().into());
    }
    if let Some(s) = &q.since {
        arg(&mut sql, " AND at_utc >= ?", s.clone().into());
    }
    if let Some(u) = &q.until {
        arg(&mut sql, " AND at_utc < ?", u.clone().into());
    }
    arg(&mut sql, " ORDER BY id DESC LIMIT ?", q.limit.into());
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Calls `f` for every row with `since <= at_utc < until`, oldest first, without loading them
/// all (CSV export, the R-AUD-3 report).
///
/// # Errors
/// On SQLite failure, or what `f` returns.
pub fn for_each_between(
    conn: &Connection,
    since: &str,
    until: &str,
    mut f: impl FnMut(AuditRow) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT {COLS} FROM audit_log WHERE at_utc >= ?1 AND at_utc < ?2 ORDER BY at_utc, id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![since, until])?;
    while let Some(r) = rows.next()? {
        f(from_row(r)?)?;
    }
    Ok(())
}
