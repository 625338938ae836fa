//! The work queues' search index (R-REV-6 `/` filter): FTS5 trigram tables with one row per
//! pending submission, filled in bulk after the fact (see `assets/sql/006_queue_search.sql`
//! for why not by triggers; `007_queue_order.sql` for the tables of today), and the pieces of FTS5 query the queue pages ask it.
//!
//! The filter is `LIKE '%text%'` over seven columns (storage::queues): the submission's name,
//! external id and job number, its establishment's name and number (the plain text), and the
//! establishment's two search keys (the kana key of the text). SQLite's LIKE folds ASCII case
//! only, so the index holds `lower(value)` (ASCII only, the same folding) with a
//! case-sensitive tokenizer: a value contains the text exactly when the index row holds every
//! trigram of the lower-cased text. Each value is followed by two sentinel characters, so that
//! every character of a value starts a trigram: a 1- or 2-character text is found as "any
//! trigram that begins with it" (looked up in `queue_search_grams`). The index answers with a
//! superset (trigrams in any order, across values, plain and key text alike); the queue query
//! then applies the LIKE itself, so results are exactly those of the LIKE.
//!
//! There are three tables, one per queue order, each listing every pending row under a rowid
//! that is (part, sort key, id) (see [`rowid`] and `assets/sql/007_queue_order.sql`): a
//! queue is a union of parts, and within a part the index lists rows in the page order.
//!
//! Rows with an id above `queue_search_state.upto` (imported since the last catch-up) and rows
//! listed in `queue_search_stale` (changed since they were indexed) are not, or not correctly,
//! in the index; the queue queries read them directly ([`Backlog`]).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;

/// Follows every indexed value (twice), so that its last characters start trigrams too.
pub const SENTINEL: char = '\u{E000}';
const SS: &str = "char(57344, 57344)";
const PENDING: &str = "('received', 'checked', 'returned')";

/// The rowids of the three tables (see the migration, schema v7): 4 bits of part, 31 of key,
/// 28 of submission id.
pub mod rowid {
    pub const ID_BITS: u32 = 28;
    pub const ID_MASK: i64 = (1 << ID_BITS) - 1;
    /// Keys are below this.
    pub const KEY_END: i64 = (1 << 31) - 1;
    pub const PART_SHIFT: u32 = 59;

    /// The part of a row: state × claimed × visit due (None: not a pending state).
    #[must_use]
    pub fn part(state: &str, claimed: bool, visit: bool) -> Option<i64> {
        let s = match state {
            "received" => 0,
            "checked" => 1,
            "returned" => 2,
            _ => return None,
        };
        Some(s * 4 + i64::from(claimed) * 2 + i64::from(visit))
    }

    /// A row's rowid (None: key or id out of range, a "weird" row).
    #[must_use]
    pub fn at(part: i64, key: i64, id: i64) -> Option<i64> {
        ((0..KEY_END).contains(&key) && (0..=ID_MASK).contains(&id)).then(|| bound(part, key, id))
    }

    /// The rowid where (part, key, id) would be: with `key` up to `KEY_END`, a range bound.
    #[must_use]
    pub fn bound(part: i64, key: i64, id: i64) -> i64 {
        (part << PART_SHIFT) | (key.clamp(0, KEY_END) << ID_BITS) | id.clamp(0, ID_MASK)
    }

    /// 1 + YYYYMMDD of a `YYYY-MM-DD` text (None: not one), in the text's order.
    #[must_use]
    pub fn deadline(d: &str) -> Option<i64> {
        let b = d.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return None;
        }
        let digits: String = d.chars().filter(char::is_ascii_digit).collect();
        digits.parse::<i64>().ok().map(|v| v + 1)
    }

    /// The deadline order's key: 0 without a deadline (NULL sorts first).
    #[must_use]
    pub fn deadline_key(d: Option<&str>) -> Option<i64> {
        d.map_or(Some(0), deadline)
    }

    /// Seconds since 2000-01-01T00:00:00Z of a `YYYY-MM-DDTHH:MM:SSZ` text (None: another
    /// text, or out of range). On such texts the order of the seconds is the order of the text.
    #[must_use]
    pub fn received_key(t: &str) -> Option<i64> {
        let b = t.as_bytes();
        let shape = b.len() == 20
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape {
            return None;
        }
        let at = chrono::NaiveDateTime::parse_from_str(&t[..19], "%Y-%m-%dT%H:%M:%S").ok()?;
        let base = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)?.and_hms_opt(0, 0, 0)?;
        let secs = (at - base).num_seconds();
        (0..KEY_END).contains(&secs).then_some(secs)
    }
}

/// The FTS5 tables: every pending row, in deadline, received and name order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Deadline,
    Received,
    Name,
}

impl Table {
    pub const ALL: [Table; 3] = [Table::Deadline, Table::Received, Table::Name];

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Table::Deadline => "queue_search_deadline",
            Table::Received => "queue_search_received",
            Table::Name => "queue_search_name",
        }
    }
}

/// The indexed text of the submissions `s` (joined to `establishments e`): every compared value
/// lower-cased and followed by two sentinels; a value equal to one before it is left out (an
/// establishment's own submission is named after it; a search key is often the name).
fn text_sql() -> String {
    let lc = |x: &str| format!("coalesce(lower({x}) || {SS}, '')");
    format!(
        "{} || {} || {} || CASE WHEN lower(e.name) IS lower(s.display_name) THEN '' ELSE {} END || {} || \
         CASE WHEN lower(e.name_key) IS lower(e.name) THEN '' ELSE {} END || {}",
        lc("s.display_name"),
        lc("s.external_id"),
        lc("s.job_number"),
        lc("e.name"),
        lc("e.establishment_number"),
        lc("e.name_key"),
        lc("e.kana_key"),
    )
}

/// Rows the index does not hold correctly yet: read directly by the queue queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    /// Submissions with a larger id are not indexed.
    pub upto: i64,
    /// How many submissions are above `upto` (counted up to the cap asked for).
    pub tail: usize,
    /// How many indexed submissions changed since (counted up to the cap asked for).
    pub stale: usize,
    /// How many indexed pending submissions are not in the name order table, their name
    /// having no rank (counted up to the cap asked for).
    pub unranked: usize,
    /// Some indexed row's deadline or received time is not in the form the program writes, or
    /// its id is too large for the ordered tables: the index order is not the page order.
    pub weird: bool,
}

impl Backlog {
    #[must_use]
    pub fn rows(&self) -> usize {
        self.tail + self.stale + self.unranked
    }
}

/// The indexed pending submissions whose name has no rank (so they are not in
/// `queue_search_name`); `:upto` is bound by the caller.
/// (CROSS JOIN: the few unranked names first, never the other way round.)
pub const UNRANKED_IDS: &str = "SELECT s.id FROM queue_search_names n INDEXED BY queue_search_names_unranked \
     CROSS JOIN submissions s INDEXED BY submissions_state_name \
     WHERE n.rank IS NULL AND s.state IN ('received', 'checked', 'returned') \
       AND s.display_name = n.name AND s.id <= :upto";

fn capped_count(conn: &Connection, sql: &str, upto: i64, cap: i64) -> Result<usize> {
    let mut stmt = conn.prepare_cached(&format!("SELECT count(*) FROM ({sql} LIMIT :cap)"))?;
    if let Some(i) = stmt.parameter_index(":upto")? {
        stmt.raw_bind_parameter(i, upto)?;
    }
    if let Some(i) = stmt.parameter_index(":cap")? {
        stmt.raw_bind_parameter(i, cap)?;
    }
    let mut rows = stmt.raw_query();
    let n: i64 = match rows.next()? {
        Some(r) => r.get(0)?,
        None => 0,
    };
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The backlog, each part counted up to `cap` (+1, so that "more than cap" shows).
///
/// # Errors
/// On SQLite failure.
pub fn backlog(conn: &Connection, cap: usize) -> Result<Backlog> {
    let (upto, weird): (i64, i64) = conn
        .prepare_cached("SELECT upto, weird FROM queue_search_state WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, 0));
    let cap = i64::try_from(cap).unwrap_or(i64::MAX - 1) + 1;
    Ok(Backlog {
        weird: weird > 0,
        upto,
        tail: capped_count(
            conn,
            "SELECT 1 FROM submissions WHERE id > :upto ORDER BY id",
            upto,
            cap,
        )?,
        stale: capped_count(conn, "SELECT 1 FROM queue_search_stale", upto, cap)?,
        unranked: capped_count(conn, UNRANKED_IDS, upto, cap)?,
    })
}

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
struct Indexed {
    id: i64,
    state: String,
    claimed: bool,
    visit: bool,
    deadline: Option<String>,
    received: String,
    name: String,
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

fn indexed(r: &rusqlite::Row<'_>, from: usize) -> rusqlite::Result<Indexed> {
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

/// The rank of a display name in `queue_search_names` (None: not ranked).
///
/// # Errors
/// On SQLite failure.
pub fn rank(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT rank FROM queue_search_names WHERE name = ?1")?
        .query_row([name], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten())
}

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
fn take_out(conn: &Connection, old: &Indexed) -> Result<(usize, i64)> {
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
    super::set_lock_wait(std::time::Duration::ZERO);
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate);
    super::set_lock_wait(super::BUSY_TIMEOUT);
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

/// The rows of the three tables' FTS5 data (about their leaf pages): bounds a loop of
/// [`merge_step`]s.
///
/// # Errors
/// On SQLite failure.
pub fn data_rows(conn: &Connection) -> Result<i64> {
    let mut n = 0;
    for t in Table::ALL {
        n += conn
            .prepare_cached(&format!("SELECT count(*) FROM {}_data", t.name()))?
            .query_row([], |r| r.get::<_, i64>(0))?;
    }
    Ok(n)
}

/// FxHash (rustc's): the catch-up hashes every trigram of every row it indexes; SipHash
/// was a fifth of its time.
#[derive(Default)]
struct Fx(u64);

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

type Grams = HashMap<[char; 3], i64, BuildHasherDefault<Fx>>;

/// Counts the trigrams FTS5's trigram tokenizer makes of `text` (it skips U+0000).
fn add_grams(text: &str, grams: &mut Grams) {
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

/// At most this many trigrams of a filter are asked for (the rarest).
const MAX_TERMS: usize = 3;

/// A text's part of an FTS5 query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// No indexed row can contain it.
    Nothing,
    /// The index cannot narrow it down (empty, or a 1–2-character text that begins too many
    /// trigrams): every row may match.
    Anything,
    /// An FTS5 expression that every row containing the text matches, and about how many rows
    /// it matches (from the trigram counts, taken as independent).
    Expr(String, i64),
}

/// FTS5 string literal (nothing inside is query syntax).
#[must_use]
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The smallest string greater than every string that starts with `s` (None: no such bound).
#[must_use]
pub fn prefix_end(s: &str) -> Option<String> {
    let mut cs: Vec<char> = s.chars().collect();
    while let Some(last) = cs.pop() {
        let mut n = u32::from(last) + 1;
        if (0xD800..0xE000).contains(&n) {
            n = 0xE000;
        }
        if let Some(c) = char::from_u32(n) {
            cs.push(c);
            return Some(cs.into_iter().collect());
        }
    }
    None
}

/// The index expression for "some indexed value contains `text`" (case folded like LIKE),
/// asking `queue_search_grams` for 1–2-character texts (at most `max_grams` trigrams).
///
/// # Errors
/// On SQLite failure.
pub fn contains(conn: &Connection, text: &str, max_grams: usize) -> Result<Text> {
    let lower: Vec<char> = text
        .chars()
        .filter(|c| *c != '\0')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if lower.is_empty() {
        return Ok(Text::Anything);
    }
    if lower.len() >= 3 {
        let mut seen = HashSet::new();
        let mut freq = conn.prepare_cached("SELECT n FROM queue_search_grams WHERE gram = ?1")?;
        let mut terms: Vec<(i64, String)> = Vec::new();
        for g in lower.windows(3).map(|w| w.iter().collect::<String>()) {
            if !seen.insert(g.clone()) {
                continue;
            }
            match freq.query_row([&g], |r| r.get::<_, i64>(0)).optional()? {
                // Never indexed: no indexed row holds the text.
                None => return Ok(Text::Nothing),
                Some(n) => terms.push((n, g)),
            }
        }
        terms.sort();
        // Rows with all of the asked trigrams, were they independent: a guess, not a bound.
        let rows: i64 = conn
            .prepare_cached("SELECT max(upto, 1) FROM queue_search_state WHERE id = 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(1);
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
        let most = terms
            .iter()
            .take(MAX_TERMS)
            .enumerate()
            .fold(0.0_f64, |acc, (i, (n, _))| {
                if i == 0 {
                    *n as f64
                } else {
                    acc * (*n as f64 / rows as f64).min(1.0)
                }
            }) as i64;
        let terms: Vec<String> = terms
            .iter()
            .take(MAX_TERMS)
            .map(|(_, g)| quote(g))
            .collect();
        return Ok(Text::Expr(format!("({})", terms.join(" AND ")), most));
    }
    let prefix: String = lower.iter().collect();
    let end = prefix_end(&prefix);
    let cap = i64::try_from(max_grams).unwrap_or(i64::MAX - 1) + 1;
    let grams: Vec<(String, i64)> = match &end {
        Some(end) => conn
            .prepare_cached(
                "SELECT gram, n FROM queue_search_grams WHERE gram >= ?1 AND gram < ?2 ORDER BY gram LIMIT ?3",
            )?
            .query_map(params![prefix, end, cap], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?,
        None => conn
            .prepare_cached(
                "SELECT gram, n FROM queue_search_grams WHERE gram >= ?1 ORDER BY gram LIMIT ?2",
            )?
            .query_map(params![prefix, cap], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?,
    };
    if grams.len() > max_grams {
        return Ok(Text::Anything);
    }
    if grams.is_empty() {
        return Ok(Text::Nothing);
    }
    let most = grams.iter().map(|(_, n)| n).sum();
    let terms: Vec<String> = grams.iter().map(|(g, _)| quote(g)).collect();
    Ok(Text::Expr(format!("({})", terms.join(" OR ")), most))
}

/// `a OR b` of two text parts.
#[must_use]
pub fn either(a: Text, b: Text) -> Text {
    match (a, b) {
        (Text::Anything, _) | (_, Text::Anything) => Text::Anything,
        (Text::Nothing, x) | (x, Text::Nothing) => x,
        (Text::Expr(a, n), Text::Expr(b, _)) if a == b => Text::Expr(a, n),
        (Text::Expr(a, n), Text::Expr(b, m)) => Text::Expr(format!("{a} OR {b}"), n + m),
    }
}

/// The first `want` rowids of `table` in `[lo, hi)` that match `expr` and whose submission id
/// `keep` accepts, in rowid order. Only the index is read (no row), and it stops there.
///
/// # Errors
/// On SQLite failure.
pub fn first_rowids(
    conn: &Connection,
    table: Table,
    expr: &str,
    (lo, hi): (i64, i64),
    want: usize,
    keep: impl Fn(i64) -> bool,
) -> Result<Vec<i64>> {
    let t = table.name();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT rowid FROM {t} WHERE {t} MATCH ?1 AND rowid >= ?2 AND rowid < ?3"
    ))?;
    let mut rows = stmt.query(params![expr, lo, hi])?;
    let mut out = Vec::new();
    while out.len() < want {
        let Some(r) = rows.next()? else { break };
        let rowid: i64 = r.get(0)?;
        if keep(rowid & rowid::ID_MASK) {
            out.push(rowid);
        }
    }
    Ok(out)
}

/// The submissions changed since they were indexed (their index entries sit at old places).
///
/// # Errors
/// On SQLite failure.
pub fn stale_ids(conn: &Connection) -> Result<HashSet<i64>> {
    let mut stmt = conn.prepare_cached("SELECT submission_id FROM queue_search_stale")?;
    let out = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

/// The rowids of `table` in several rowid ranges that match `expr`, at most `cap` + 1 in all.
///
/// # Errors
/// On SQLite failure.
pub fn rowids_in(
    conn: &Connection,
    table: Table,
    expr: &str,
    ranges: &[(i64, i64)],
    cap: usize,
) -> Result<Vec<i64>> {
    let t = table.name();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT rowid FROM {t} WHERE {t} MATCH ?1 AND rowid >= ?2 AND rowid < ?3 LIMIT ?4"
    ))?;
    let mut out = Vec::new();
    for (lo, hi) in ranges {
        if out.len() > cap {
            break;
        }
        let left = i64::try_from(cap - out.len()).unwrap_or(i64::MAX - 1) + 1;
        let rows = stmt.query_map(params![expr, lo, hi, left], |r| r.get(0))?;
        for r in rows {
            out.push(r?);
        }
    }
    Ok(out)
}

/// An expression that matches no row in practice (three of a private-use character the index
/// does not use). Were a value to hold them, its row would only be checked with the LIKE.
pub const NO_ROW: &str = "\"\u{E001}\u{E001}\u{E001}\"";

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_steps_the_last_character() {
        assert_eq!(prefix_end("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_end("商").as_deref(), Some("啇"));
        assert_eq!(prefix_end("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
    }

    #[test]
    fn r_rev_6_rowids_keep_the_page_order_within_a_part() {
        // Received: the order of the seconds is the order of the text.
        let a = rowid::received_key("2026-11-23T09:00:00Z").unwrap();
        let b = rowid::received_key("2026-11-23T09:00:01Z").unwrap();
        assert!(a < b);
        assert_eq!(rowid::received_key("2000-01-01T00:00:00Z"), Some(0));
        for weird in [
            "2026-11-23T09:00:00",
            "2026-11-23 09:00:00Z",
            "1999-12-31T23:59:59Z",
            "2026-13-01T00:00:00Z",
        ] {
            assert_eq!(rowid::received_key(weird), None, "{weird}");
        }
        // Deadline: none first, then in date order.
        let none = rowid::deadline_key(None).unwrap();
        let d1 = rowid::deadline_key(Some("2026-11-30")).unwrap();
        let d2 = rowid::deadline_key(Some("2026-12-01")).unwrap();
        assert!(none < d1 && d1 < d2);
        assert_eq!(rowid::deadline_key(Some("11/30")), None);
        // (key, id) order within a part; parts apart; a bound sits between rows.
        let p = rowid::part("checked", true, false).unwrap();
        let r1 = rowid::at(p, d1, 9).unwrap();
        let r2 = rowid::at(p, d1, 10).unwrap();
        let r3 = rowid::at(p, d2, 1).unwrap();
        assert!(r1 < r2 && r2 < r3);
        assert!(rowid::bound(p, d1, 10) > r1 && rowid::bound(p, d1, 10) <= r2);
        let next = rowid::part("checked", true, true).unwrap();
        assert!(rowid::bound(p, rowid::KEY_END, 0) <= rowid::bound(next, 0, 0));
        assert_eq!(rowid::at(p, d1, rowid::ID_MASK + 1), None);
        assert_eq!(rowid::part("registered", false, false), None);
        // Every part of every state fits below the top bit.
        let top = rowid::part("returned", true, true).unwrap();
        assert!(rowid::bound(top, rowid::KEY_END, rowid::ID_MASK) > 0);
    }

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
