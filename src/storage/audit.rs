//! The audit log (R-AUD-1, R-AUD-2): append-only (triggers in schema.sql refuse UPDATE and
//! DELETE) and hash-chained: each row's hash covers its content and the previous row's hash.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::Result;

/// The chain starts from this value.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
}

/// sha256 over the previous hash and every field, each length-prefixed so that no two
/// different rows can serialise alike.
#[must_use]
pub fn row_hash(id: i64, e: &AuditEntry, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    let mut field = |s: Option<&str>| match s {
        None => h.update(b"N"),
        Some(v) => {
            h.update(b"S");
            h.update((v.len() as u64).to_be_bytes());
            h.update(v.as_bytes());
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
    hex::encode(h.finalize())
}

/// Appends one row. Call inside the use case's IMMEDIATE transaction: the write lock it holds
/// is what keeps the chain linear when several processes write.
///
/// # Errors
/// On SQLite failure.
pub fn append(conn: &Connection, e: &AuditEntry) -> Result<i64> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let hash = row_hash(id, e, &prev);
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at_utc, staff_id, staff_name, staff_roles, terminal, action, subject,
                                purpose, outcome, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
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
    })
}

const COLS: &str = "id, at_utc, staff_id, staff_name, staff_roles, terminal, action, subject, purpose, outcome, \
                    detail, prev_hash, hash";

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

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    pub rows: i64,
    /// The newest row's id and hash. Write it down somewhere else (a paper log, another
    /// machine): rows cut off the end of the chain can only be noticed against such a copy.
    pub head: Option<(i64, String)>,
    /// The first row whose hash or link does not match, with what is wrong.
    pub first_bad: Option<(i64, String)>,
}

/// Walks the whole chain (R-AUD-2).
///
/// # Errors
/// On SQLite failure.
pub fn verify(conn: &Connection) -> Result<VerifyReport> {
    let sql = format!("SELECT {COLS} FROM audit_log ORDER BY id");
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut prev: Option<(i64, String)> = None;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let row = from_row(r)?;
        n += 1;
        let problem = match &prev {
            Some((pid, _)) if row.id != pid + 1 => Some(format!("row {} missing", pid + 1)),
            Some((_, ph)) if *ph != row.prev_hash => {
                Some("link to previous row broken".to_string())
            }
            // No retention trimming exists yet, so the chain must start at row 1 from genesis:
            // deleting the oldest rows is caught here.
            None if row.id != 1 => Some(format!("rows before {} missing", row.id)),
            None if row.prev_hash != GENESIS => Some("first row does not start the chain".into()),
            _ if row_hash(row.id, &row.entry, &row.prev_hash) != row.hash => {
                Some("content does not match its hash".into())
            }
            _ => None,
        };
        if let Some(p) = problem {
            return Ok(VerifyReport {
                rows: n,
                head: None,
                first_bad: Some((row.id, p)),
            });
        }
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
