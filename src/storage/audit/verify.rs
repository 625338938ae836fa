//! Checking and trimming the chain (R-AUD-2): the signed cut point, retention trims from it,
//! the append-only triggers present, and the walk that recomputes every link. Apart from
//! appending and reading (`mod.rs`) because it reads the whole log and only `audit verify`,
//! the start-up check and `audit trim` need it.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::secret::InstallSecret;
use crate::storage::Result;

use super::{
    COLS, GENESIS, TRIGGERS, cut_signature, from_row, keyed_hash, recorded_head, row_hash,
};

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
        let recorded = recorded_head(path).map_err(|source| crate::storage::StorageError::Io {
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
pub(in crate::storage) fn walk(conn: &Connection, secret: &InstallSecret) -> Result<VerifyReport> {
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
