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

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::Result;
use crate::secret::InstallSecret;

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
    pub staff_id: Option<i64>,
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

/// The signed cut point of retention: rows before `first_id` were trimmed; `first_id` links to
/// `prev_hash`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Cut {
    pub first_id: i64,
    pub prev_hash: String,
    pub at_utc: String,
    pub signature: String,
}

/// # Errors
/// On SQLite failure.
pub fn cut(conn: &Connection) -> Result<Option<Cut>> {
    Ok(conn
        .prepare_cached(
            "SELECT first_id, prev_hash, at_utc, signature FROM audit_cut WHERE id = 1",
        )?
        .query_row([], |r| {
            Ok(Cut {
                first_id: r.get(0)?,
                prev_hash: r.get(1)?,
                at_utc: r.get(2)?,
                signature: r.get(3)?,
            })
        })
        .optional()?)
}

/// Retention (R-AUD-2): removes the rows written before `keep_since` (RFC 3339 UTC), always
/// keeping the newest row, after recording a cut point signed under the install secret, so the
/// rest of the chain still verifies. Returns the cut's first kept id and how many rows went,
/// or `None` when nothing is old enough. Call inside an IMMEDIATE transaction, and append the
/// `audit.trim` row in the same one.
///
/// # Errors
/// On SQLite failure.
pub fn trim(
    conn: &Connection,
    secret: &InstallSecret,
    keep_since: &str,
    now: &str,
) -> Result<Option<(i64, i64)>> {
    let first: Option<i64> = conn.query_row(
        "SELECT coalesce((SELECT min(id) FROM audit_log WHERE at_utc >= ?1), (SELECT max(id) FROM audit_log))",
        [keep_since],
        |r| r.get(0),
    )?;
    let Some(first) = first else {
        return Ok(None);
    };
    let oldest: i64 = conn.query_row("SELECT min(id) FROM audit_log", [], |r| r.get(0))?;
    if first <= oldest {
        return Ok(None);
    }
    let prev: String = conn.query_row(
        "SELECT prev_hash FROM audit_log WHERE id = ?1",
        [first],
        |r| r.get(0),
    )?;
    conn.execute(
        "INSERT INTO audit_cut (id, first_id, prev_hash, at_utc, signature) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET first_id = excluded.first_id, prev_hash = excluded.prev_hash,
                                        at_utc = excluded.at_utc, signature = excluded.signature",
        params![first, prev, now, cut_signature(secret, first, &prev)],
    )?;
    let removed = conn.execute("DELETE FROM audit_log WHERE id < ?1", [first])?;
    Ok(Some((first, i64::try_from(removed).unwrap_or(i64::MAX))))
}

/// The guards that are missing or not as version 16 made them (names), for the check at every
/// start and for `audit verify`.
///
/// # Errors
/// On SQLite failure.
pub fn missing_triggers(conn: &Connection) -> Result<Vec<&'static str>> {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut stmt =
        conn.prepare_cached("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1")?;
    let mut out = Vec::new();
    for (name, want) in TRIGGERS {
        let found: Option<Option<String>> = stmt.query_row([name], |r| r.get(0)).optional()?;
        if found.flatten().map(|s| squash(&s)) != Some(squash(want)) {
            out.push(*name);
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    pub rows: i64,
    /// The newest row's id and hash (also in the head file beside the database).
    pub head: Option<(i64, String)>,
    /// The first problem found: the row it concerns and a reason code (`i18n::cli::audit_reason`
    /// words it): a row whose hash or link does not match, rows missing, a head file that
    /// records another head, a missing guard trigger.
    pub first_bad: Option<(i64, String)>,
}

/// Walks the whole chain (R-AUD-2), then compares its head with the head file (`head_file`,
/// `None` for a database without a file) and checks the guard triggers.
///
/// # Errors
/// On SQLite failure, or a head file that exists but cannot be read.
pub fn verify(
    conn: &Connection,
    secret: &InstallSecret,
    head_file: Option<&Path>,
) -> Result<VerifyReport> {
    let walked = walk(conn, secret)?;
    if walked.first_bad.is_some() {
        return Ok(walked);
    }
    let (n, prev) = (walked.rows, walked.head);
    // Every program since version 16 ends the chain with a keyed row: a log rewritten as a
    // plain chain from some row on ends unkeyed.
    let head_keyed: Option<bool> = conn
        .query_row(
            "SELECT keyed FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let (Some(false), Some((id, _))) = (head_keyed, &prev) {
        return Ok(fail(n, *id, "head_not_keyed"));
    }
    if let Some(path) = head_file {
        let recorded = recorded_head(path).map_err(|source| super::StorageError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        match (&prev, recorded) {
            (None, None) => {}
            (Some((id, _)), None) => return Ok(fail(n, *id, "head_file_missing")),
            (None, Some((fid, _))) => return Ok(fail(n, fid, "rows_cut_off")),
            (Some((id, hash)), Some((fid, fhash))) => {
                if fid > *id {
                    return Ok(fail(n, fid, "rows_cut_off"));
                }
                if fid == *id && fhash != *hash {
                    return Ok(fail(n, fid, "head_differs"));
                }
                if fid < *id {
                    return Ok(fail(n, fid + 1, "rows_not_in_head_file"));
                }
            }
        }
    }
    if let Some(name) = missing_triggers(conn)?.first() {
        return Ok(fail(
            n,
            prev.as_ref().map_or(0, |p| p.0),
            &format!("trigger_missing:{name}"),
        ));
    }
    Ok(VerifyReport {
        rows: n,
        head: prev,
        first_bad: None,
    })
}

fn fail(rows: i64, id: i64, why: &str) -> VerifyReport {
    VerifyReport {
        rows,
        head: None,
        first_bad: Some((id, why.to_string())),
    }
}

/// The chain alone: every row's hash and link, from genesis or the signed cut point.
pub(super) fn walk(conn: &Connection, secret: &InstallSecret) -> Result<VerifyReport> {
    let cut = cut(conn)?;
    if let Some(c) = &cut
        && cut_signature(secret, c.first_id, &c.prev_hash) != c.signature
    {
        return Ok(fail(0, c.first_id, "cut_forged"));
    }
    let (start_id, start_prev) = cut.as_ref().map_or((1, GENESIS.to_string()), |c| {
        (c.first_id, c.prev_hash.clone())
    });
    let sql = format!("SELECT {COLS} FROM audit_log ORDER BY id");
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut prev: Option<(i64, String)> = None;
    let mut keyed_seen = false;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let row = from_row(r)?;
        n += 1;
        let problem = match &prev {
            Some((pid, _)) if row.id != pid + 1 => Some("row_missing"),
            Some((_, ph)) if *ph != row.prev_hash => Some("link_broken"),
            None if row.id != start_id => Some("rows_before_missing"),
            None if row.prev_hash != start_prev => Some("chain_start"),
            _ if keyed_seen && !row.keyed => Some("unkeyed_after_keyed"),
            _ if row.keyed
                && keyed_hash(secret, row.id, &row.entry, &row.prev_hash) != row.hash =>
            {
                Some("hash_mismatch")
            }
            _ if !row.keyed && row_hash(row.id, &row.entry, &row.prev_hash) != row.hash => {
                Some("hash_mismatch")
            }
            _ => None,
        };
        if let Some(p) = problem {
            return Ok(fail(n, row.id, p));
        }
        keyed_seen |= row.keyed;
        prev = Some((row.id, row.hash));
    }
    Ok(VerifyReport {
        rows: n,
        head: prev,
        first_bad: None,
    })
}

/// What the audit viewer filters on; every part is optional. Times are RFC 3339 UTC text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub staff_id: Option<i64>,
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
        arg(&mut sql, " AND staff_id = ?", id.into());
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
