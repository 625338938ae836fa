//! Keeping the search index up to date: the catch-up that indexes new and changed rows in bulk
//! (names ranked so that the name order's table keeps the page order), and the merging of
//! each table's segments a step at a time. Both run in the background (the TUI's thread,
//! `mail sync --watch`, `sweep`), in a write transaction of their own when the lock is free.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use rusqlite::{Connection, OptionalExtension, params};

use super::index::{PENDING, Table, UNRANKED_IDS, capped_count, rank, text_sql};
use super::rowid;
use crate::storage::Result;

/// What one catch-up did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CatchUp {
    /// Rows written into the index (new and re-indexed).
    pub indexed: usize,
    /// Stale rows taken out and re-read.
    pub refreshed: usize,
    /// The names were ranked afresh (and the name order table written again).
    pub renumbered: bool,
    /// More tail is left (the call stopped at `max_rows`).
    pub more: bool,
}

/// Name ranks are spread over `[0, RANK_SPAN)`.
pub const RANK_SPAN: i64 = rowid::KEY_END;
/// More unranked rows than this, or more unranked names than `RENUMBER_NAMES`: the next
/// catch-up ranks every name afresh (below the filter's backlog limit, so that a page that
/// finds a large backlog and asks for a catch-up gets it cleared).
pub const RENUMBER_ROWS: usize = 100;
#[allow(clippy::cast_possible_wrap)]
const RENUMBER_ROWS_I: i64 = RENUMBER_ROWS as i64;
pub const RENUMBER_NAMES: usize = 1_000;
#[allow(clippy::cast_possible_wrap)]
const RENUMBER_NAMES_I: i64 = RENUMBER_NAMES as i64;

/// What a row is indexed under (its values when indexed).
#[derive(Debug, Clone)]
pub(super) struct Indexed {
    id: i64,
    state: String,
    claimed: bool,
    visit: bool,
    deadline: Option<String>,
    received: String,
    pub(super) name: String,
}

/// Where an indexed row sits in each table (None: not in it), and whether it is weird (left
/// out of a table for a key or id out of range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    at: [Option<i64>; 3],
    weird: bool,
}

fn place(r: &Indexed, rank: Option<i64>) -> Option<Place> {
    let part = rowid::part(&r.state, r.claimed, r.visit)?;
    let deadline = rowid::deadline_key(r.deadline.as_deref());
    let received = rowid::received_key(&r.received);
    let at = |key: Option<i64>| key.and_then(|k| rowid::at(part, k, r.id));
    let p = Place {
        at: [at(deadline), at(received), at(rank)],
        weird: false,
    };
    // A missing rank is no weirdness (those rows are read directly); anything else left out is.
    let weird = p.at[0].is_none() || p.at[1].is_none() || (rank.is_some() && p.at[2].is_none());
    Some(Place { weird, ..p })
}

pub(super) fn indexed(r: &rusqlite::Row<'_>, from: usize) -> rusqlite::Result<Indexed> {
    Ok(Indexed {
        id: r.get(from)?,
        state: r.get(from + 1)?,
        claimed: r.get(from + 2)?,
        visit: r.get(from + 3)?,
        deadline: r.get(from + 4)?,
        received: r.get(from + 5)?,
        name: r.get(from + 6)?,
    })
}

/// The columns [`indexed`] reads, of `submissions s`.
const INDEXED_COLS: &str = "s.id, s.state, s.assigned_staff IS NOT NULL, \
     coalesce(s.visit_needed = 1 AND s.visit_date IS NULL, 0), s.deadline, s.received_at, s.display_name";

/// Ranks spread evenly over the open interval `(lo, hi)`: `k` of them, or None when there is
/// no room for `k`.
fn spread(lo: i64, hi: i64, k: usize) -> Option<Vec<i64>> {
    let k128 = i128::try_from(k).ok()?;
    let (lo, hi) = (i128::from(lo), i128::from(hi));
    if hi - lo - 1 < k128 {
        return None;
    }
    (1..=k128)
        .map(|i| i64::try_from(lo + (hi - lo) * i / (k128 + 1)).ok())
        .collect()
}

/// Gives the names not seen before a rank between their neighbours' (NULL where there is no
/// room: their rows are then read directly until the next renumbering).
fn rank_new_names(conn: &Connection, names: &mut Vec<String>, span: i64) -> Result<()> {
    names.sort_unstable();
    names.dedup();
    let mut fresh = Vec::new();
    for n in names.drain(..) {
        let known: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM queue_search_names WHERE name = ?1)")?
            .query_row([&n], |r| r.get(0))?;
        if !known {
            fresh.push(n);
        }
    }
    let mut prev = conn.prepare_cached(
        "SELECT rank FROM queue_search_names WHERE name < ?1 AND rank IS NOT NULL ORDER BY name DESC LIMIT 1",
    )?;
    let mut next = conn.prepare_cached(
        "SELECT rank FROM queue_search_names WHERE name > ?1 AND rank IS NOT NULL ORDER BY name LIMIT 1",
    )?;
    let mut add =
        conn.prepare_cached("INSERT INTO queue_search_names (name, rank) VALUES (?1, ?2)")?;
    // Runs of fresh names that fall between the same two ranked names share that gap.
    let mut i = 0;
    while i < fresh.len() {
        let lo: i64 = prev
            .query_row([&fresh[i]], |r| r.get(0))
            .optional()?
            .unwrap_or(-1);
        let hi: i64 = next
            .query_row([&fresh[i]], |r| r.get(0))
            .optional()?
            .unwrap_or(span);
        let mut j = i + 1;
        while j < fresh.len() {
            let h: i64 = next
                .query_row([&fresh[j]], |r| r.get(0))
                .optional()?
                .unwrap_or(span);
            if h != hi {
                break;
            }
            j += 1;
        }
        let ranks = spread(lo, hi, j - i);
        for (k, name) in fresh[i..j].iter().enumerate() {
            add.execute(params![name, ranks.as_ref().map(|r| r[k])])?;
        }
        i = j;
    }
    Ok(())
}

/// Ranks every name of a pending row with an id up to `last` afresh, spread over the span,
/// and writes `queue_search_name` again with the indexed rows (up to `upto`, less `skip`:
/// the stale rows, indexed again by the caller).
fn renumber(conn: &Connection, upto: i64, last: i64, skip: &HashSet<i64>, span: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO queue_search_name (queue_search_name) VALUES ('delete-all')",
        [],
    )?;
    conn.execute("DELETE FROM queue_search_names", [])?;
    let names: Vec<String> = conn
        .prepare_cached(&format!(
            "SELECT DISTINCT display_name FROM submissions INDEXED BY submissions_state_name \
             WHERE state IN {PENDING} AND id <= ?1 ORDER BY display_name"
        ))?
        .query_map([last], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let ranks = spread(-1, span, names.len()).unwrap_or_default();
    {
        let mut add =
            conn.prepare_cached("INSERT INTO queue_search_names (name, rank) VALUES (?1, ?2)")?;
        for (k, name) in names.iter().enumerate() {
            add.execute(params![name, ranks.get(k)])?;
        }
    }
    let mut rows: Vec<(i64, String)> = Vec::new();
    {
        let mut sel = conn.prepare_cached(&format!(
            "SELECT n.rank, {}, {INDEXED_COLS} FROM submissions s \
             LEFT JOIN establishments e ON e.id = s.establishment_id \
             JOIN queue_search_names n ON n.name = s.display_name \
             WHERE s.state IN {PENDING} AND s.id <= ?1",
            text_sql()
        ))?;
        let mut it = sel.query([upto])?;
        while let Some(r) = it.next()? {
            let row = indexed(r, 2)?;
            if skip.contains(&row.id) {
                continue;
            }
            if let Some(at) = place(&row, r.get(0)?).and_then(|p| p.at[2]) {
                rows.push((at, r.get(1)?));
            }
        }
    }
    insert_sorted(conn, Table::Name, rows)
}

fn insert_sorted(conn: &Connection, t: Table, mut rows: Vec<(i64, String)>) -> Result<()> {
    rows.sort_unstable_by_key(|(id, _)| *id);
    let mut ins = conn.prepare_cached(&format!(
        "INSERT INTO {} (rowid, t) VALUES (?1, ?2)",
        t.name()
    ))?;
    for (id, text) in &rows {
        ins.execute(params![id, text])?;
    }
    Ok(())
}

/// Takes a row out of the three tables at the places it was indexed under. Returns the entries
/// removed and the change to the weird count (-1 when the row was counted weird).
pub(super) fn take_out(conn: &Connection, old: &Indexed) -> Result<(usize, i64)> {
    let Some(p) = place(old, rank(conn, &old.name)?) else {
        return Ok((0, 0));
    };
    let mut gone = 0;
    for (t, at) in Table::ALL.iter().zip(p.at) {
        if let Some(at) = at {
            gone += conn
                .prepare_cached(&format!("DELETE FROM {} WHERE rowid = ?1", t.name()))?
                .execute([at])?;
        }
    }
    // Counted weird when indexed (a pending row is in at least one table, or was all weird).
    let weird = p.weird && (gone > 0 || p.at.iter().all(Option::is_none));
    Ok((gone, -i64::from(weird)))
}

/// Brings the index up to date: takes the stale rows out, then indexes them again (if still
/// pending) with up to `max_rows` of the tail, each table in its rowid order (FTS5 writes
/// ascending rowids without flushing between). Run inside the caller's write transaction.
///
/// # Errors
/// On SQLite failure.
pub fn catch_up(conn: &Connection, max_rows: usize) -> Result<CatchUp> {
    catch_up_spread(conn, max_rows, RANK_SPAN)
}

/// [`catch_up`] with name ranks spread over `[0, span)` (tests use a small span to run out of
/// room).
///
/// # Errors
/// On SQLite failure.
pub fn catch_up_spread(conn: &Connection, max_rows: usize, span: i64) -> Result<CatchUp> {
    let span = span.clamp(1, RANK_SPAN);
    let mut out = CatchUp::default();
    let upto: i64 = conn
        .prepare_cached("SELECT upto FROM queue_search_state WHERE id = 1")?
        .query_row([], |r| r.get(0))?;
    let mut weird = 0_i64;
    let stale: Vec<Indexed> = conn
        .prepare_cached(
            "SELECT submission_id, old_state, old_claimed, old_visit, old_deadline, old_received, old_name \
             FROM queue_search_stale",
        )?
        .query_map([], |r| indexed(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    for old in &stale {
        weird += take_out(conn, old)?.1;
    }
    out.refreshed = stale.len();
    let limit = i64::try_from(max_rows).unwrap_or(i64::MAX);
    let last: i64 = conn
        .prepare_cached(
            "SELECT max(id) FROM (SELECT id FROM submissions WHERE id > ?1 ORDER BY id LIMIT ?2)",
        )?
        .query_row(params![upto, limit], |r| r.get::<_, Option<i64>>(0))?
        .unwrap_or(upto);
    let unranked_rows = capped_count(conn, UNRANKED_IDS, upto, RENUMBER_ROWS_I + 1)?;
    let unranked_names = capped_count(
        conn,
        "SELECT 1 FROM queue_search_names INDEXED BY queue_search_names_unranked WHERE rank IS NULL",
        upto,
        RENUMBER_NAMES_I + 1,
    )?;
    if unranked_rows > RENUMBER_ROWS || unranked_names > RENUMBER_NAMES {
        let skip: HashSet<i64> = stale.iter().map(|s| s.id).collect();
        renumber(conn, upto, last, &skip, span)?;
        out.renumbered = true;
    }
    // The rows to index: the stale ones still pending, and the tail.
    let mut rows: Vec<(Indexed, String)> = Vec::new();
    {
        // Two rowid lookups (stale ids are at most `upto`, the tail above it), never a walk of
        // every pending row by state (`+`: the state is only checked).
        let one = |cond: &str| {
            format!(
                "SELECT {}, {INDEXED_COLS} FROM submissions s \
                 LEFT JOIN establishments e ON e.id = s.establishment_id \
                 WHERE {cond} AND +s.state IN {PENDING}",
                text_sql()
            )
        };
        let mut sel = conn.prepare_cached(&format!(
            "{} UNION ALL {}",
            one("s.id IN (SELECT submission_id FROM queue_search_stale)"),
            one("s.id > ?1 AND s.id <= ?2")
        ))?;
        let mut it = sel.query(params![upto, last])?;
        while let Some(r) = it.next()? {
            rows.push((indexed(r, 1)?, r.get(0)?));
        }
    }
    let mut names: Vec<String> = rows.iter().map(|(r, _)| r.name.clone()).collect();
    rank_new_names(conn, &mut names, span)?;
    let mut grams = Grams::default();
    let mut by_table: [Vec<(i64, String)>; 3] = Default::default();
    for (r, text) in rows {
        let Some(p) = place(&r, rank(conn, &r.name)?) else {
            continue;
        };
        add_grams(&text, &mut grams);
        if p.weird {
            weird += 1;
        }
        for (k, at) in p.at.into_iter().enumerate() {
            if let Some(at) = at {
                by_table[k].push((at, text.clone()));
            }
        }
        out.indexed += 1;
    }
    for (t, rows) in Table::ALL.into_iter().zip(by_table) {
        insert_sorted(conn, t, rows)?;
    }
    conn.prepare_cached("DELETE FROM queue_search_stale")?
        .execute([])?;
    conn.prepare_cached(
        "UPDATE queue_search_state SET upto = ?1, weird = weird + ?2 WHERE id = 1",
    )?
    .execute(params![last, weird])?;
    out.more = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM submissions WHERE id > ?1)")?
        .query_row([last], |r| r.get(0))?;
    let mut add = conn.prepare_cached(
        "INSERT INTO queue_search_grams (gram, n) VALUES (?1, ?2) \
         ON CONFLICT (gram) DO UPDATE SET n = n + excluded.n",
    )?;
    for (g, n) in &grams {
        add.execute(params![g.iter().collect::<String>(), n])?;
    }
    Ok(out)
}

/// [`catch_up`] in its own write transaction if the write lock is free now (another process
/// importing holds it for long): `None` when it was not.
///
/// # Errors
/// On SQLite failure other than the lock being taken.
pub fn try_catch_up(conn: &Connection, max_rows: usize) -> Result<Option<CatchUp>> {
    if_lock_free(conn, |tx| catch_up(tx, max_rows))
}

/// `f` in its own write transaction, committed, if the write lock is free now (another
/// process importing holds it for long): `None` when it was not.
fn if_lock_free<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T>,
) -> Result<Option<T>> {
    crate::storage::set_lock_wait(std::time::Duration::ZERO);
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate);
    crate::storage::set_lock_wait(crate::storage::BUSY_TIMEOUT);
    let tx = match tx {
        Ok(tx) => tx,
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let done = f(&tx)?;
    tx.commit()?;
    Ok(Some(done))
}

/// Merges each table's segments a step at a time (FTS5 `merge` with a budget of about
/// `pages` leaf pages): a filtered page reads every part of a queue, seeking each asked
/// trigram in every segment, so a catch-up's many small segments cost time at every page
/// until merged. Returns whether any work was done (none left when false). Run inside the
/// caller's write transaction.
///
/// # Errors
/// On SQLite failure.
pub fn merge_step(conn: &Connection, pages: i64) -> Result<bool> {
    let mut worked = false;
    for t in Table::ALL {
        let before = conn.total_changes();
        conn.prepare_cached(&format!(
            "INSERT INTO {0} ({0}, rank) VALUES ('merge', ?1)",
            t.name()
        ))?
        // Negative: toward a single segment (a positive budget only merges levels that hold
        // `usermerge` segments or more).
        .execute([-pages.max(1)])?;
        // FTS5's own test: fewer than two changes means nothing was left to merge.
        worked |= conn.total_changes() - before >= 2;
    }
    Ok(worked)
}

/// [`merge_step`] in its own write transaction if the write lock is free now: `None` when it
/// was not.
///
/// # Errors
/// On SQLite failure other than the lock being taken.
pub fn try_merge_step(conn: &Connection, pages: i64) -> Result<Option<bool>> {
    if_lock_free(conn, |tx| merge_step(tx, pages))
}

/// FxHash (rustc's): the catch-up hashes every trigram of every row it indexes; SipHash
/// was a fifth of its time.
#[derive(Default)]
pub(super) struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u32(u32::from(*b));
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

pub(super) type Grams = HashMap<[char; 3], i64, BuildHasherDefault<Fx>>;

/// Counts the trigrams FTS5's trigram tokenizer makes of `text` (it skips U+0000).
pub(super) fn add_grams(text: &str, grams: &mut Grams) {
    let mut w = ['\0'; 3];
    let mut n = 0;
    for c in text.chars().filter(|c| *c != '\0') {
        w = [w[1], w[2], c];
        n += 1;
        if n >= 3 {
            *grams.entry(w).or_insert(0) += 1;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn r_rev_6_name_ranks_fit_between_neighbours_or_not_at_all() {
        assert_eq!(spread(0, 10, 3), Some(vec![2, 5, 7]));
        assert_eq!(spread(-1, 3, 3), Some(vec![0, 1, 2]));
        assert_eq!(spread(-1, 3, 4), None);
        assert_eq!(spread(5, 6, 1), None);
    }

    #[test]
    fn grams_are_the_tokenizer_windows() {
        let mut g = Grams::default();
        add_grams("ab\0cdabc", &mut g);
        add_grams("xabc", &mut g);
        let mut v: Vec<(String, i64)> = g
            .into_iter()
            .map(|(k, n)| (k.iter().collect(), n))
            .collect();
        v.sort();
        let want = [("abc", 3), ("bcd", 1), ("cda", 1), ("dab", 1), ("xab", 1)];
        assert_eq!(v, want.map(|(k, n)| (k.to_string(), n)));
    }
}
