//! R-DL-3 in the search index: a purge takes its rows out at once, with the names and
//! trigram counts nothing else uses ([`before_purge`], then [`forget`] after the purge).

use rusqlite::{Connection, OptionalExtension};

use super::index::{PENDING, SENTINEL, Table, text_sql};
use super::matches::quote;
use super::upkeep::{Grams, add_grams, indexed, take_out};
use crate::storage::Result;

/// What submissions about to be purged are indexed under, read before the purge overwrites it
/// (see [`before_purge`] and [`forget`]).
#[derive(Debug, Clone, Default)]
pub struct Purging {
    ids: Vec<i64>,
    names: Vec<String>,
    texts: Vec<String>,
}

/// The indexed text of a name alone (as [`text_sql`] writes a value).
fn name_text(name: &str) -> String {
    format!("{}{SENTINEL}{SENTINEL}", name.to_ascii_lowercase())
}

/// R-DL-3, first half: reads the names and indexed text of the submissions `ids` (their values
/// now, and the name a stale row still remembers) before a purge overwrites them. Run inside
/// the purge's transaction, then [`forget`] after the purge.
///
/// # Errors
/// On SQLite failure.
pub fn before_purge(conn: &Connection, ids: &[i64]) -> Result<Purging> {
    let mut out = Purging {
        ids: ids.to_vec(),
        ..Purging::default()
    };
    let mut now = conn.prepare_cached(&format!(
        "SELECT {}, s.display_name FROM submissions s \
         LEFT JOIN establishments e ON e.id = s.establishment_id WHERE s.id = ?1",
        text_sql()
    ))?;
    let mut stale =
        conn.prepare_cached("SELECT old_name FROM queue_search_stale WHERE submission_id = ?1")?;
    for id in ids {
        if let Some((text, name)) = now
            .query_row([id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?
        {
            out.texts.push(text);
            out.names.push(name);
        }
        if let Some(name) = stale
            .query_row([id], |r| r.get::<_, String>(0))
            .optional()?
        {
            out.texts.push(name_text(&name));
            out.names.push(name);
        }
    }
    Ok(out)
}

/// R-DL-3, second half, after the purge in the same transaction: takes the purged submissions
/// still in the index out now (their stale rows go, and with them the names they kept), then
/// drops their names from `queue_search_names` and their trigrams from `queue_search_grams`
/// where no other row needs them (a name used by no pending row and no stale row; a trigram
/// in no indexed row). The FTS5 segments keep the deleted entries until merged: merge them
/// ([`merge_step`] until it has nothing left) to get the text out of the file. Returns the
/// index entries taken out.
///
/// # Errors
/// On SQLite failure.
pub fn forget(conn: &Connection, p: Purging) -> Result<usize> {
    let Purging {
        ids,
        mut names,
        mut texts,
    } = p;
    let (mut gone, mut weird) = (0, 0);
    for id in &ids {
        let old = conn
            .prepare_cached(
                "SELECT submission_id, old_state, old_claimed, old_visit, old_deadline, old_received, old_name \
                 FROM queue_search_stale WHERE submission_id = ?1",
            )?
            .query_row([id], |r| indexed(r, 0))
            .optional()?;
        let Some(old) = old else { continue };
        let (n, w) = take_out(conn, &old)?;
        gone += n;
        weird += w;
        conn.prepare_cached("DELETE FROM queue_search_stale WHERE submission_id = ?1")?
            .execute([id])?;
        texts.push(name_text(&old.name));
        names.push(old.name);
    }
    if weird != 0 {
        conn.prepare_cached("UPDATE queue_search_state SET weird = weird + ?1 WHERE id = 1")?
            .execute([weird])?;
    }
    names.sort_unstable();
    names.dedup();
    let mut drop_name = conn.prepare_cached(&forget_name_sql())?;
    for n in &names {
        drop_name.execute([n])?;
    }
    let mut grams = Grams::default();
    for t in &texts {
        add_grams(t, &mut grams);
    }
    let mut known = conn.prepare_cached("SELECT 1 FROM queue_search_grams WHERE gram = ?1")?;
    let mut drop_gram = conn.prepare_cached("DELETE FROM queue_search_grams WHERE gram = ?1")?;
    for g in grams.keys() {
        let g: String = g.iter().collect();
        if known.exists([&g])? && !indexed_anywhere(conn, &g)? {
            drop_gram.execute([&g])?;
        }
    }
    Ok(gone)
}

/// Drops the name `?1` from the ranked names when no pending row and no stale row uses it
/// (every part reads an index: a test checks its plan).
#[must_use]
pub fn forget_name_sql() -> String {
    format!(
        "DELETE FROM queue_search_names WHERE name = ?1 \
           AND NOT EXISTS (SELECT 1 FROM submissions INDEXED BY submissions_state_name \
                            WHERE state IN {PENDING} AND display_name = ?1) \
           AND NOT EXISTS (SELECT 1 FROM queue_search_stale WHERE old_name = ?1)"
    )
}

/// Whether some row of the three tables (deleted rows left out) holds the trigram `gram`.
fn indexed_anywhere(conn: &Connection, gram: &str) -> Result<bool> {
    for t in Table::ALL {
        let hit: bool = conn
            .prepare_cached(&format!(
                "SELECT EXISTS (SELECT 1 FROM {0} WHERE {0} MATCH ?1)",
                t.name()
            ))?
            .query_row([quote(gram)], |r| r.get(0))?;
        if hit {
            return Ok(true);
        }
    }
    Ok(false)
}
