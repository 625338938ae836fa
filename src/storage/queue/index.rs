//! The work queues' search index (R-REV-6 `/` filter): FTS5 trigram tables with one row per
//! pending submission, filled in bulk after the fact (see `assets/sql/006_queue_search.sql`
//! for why not by triggers; `007_queue_order.sql` for the tables of today). This file holds
//! its tables, the text it keeps of a row and the rows it does not hold correctly yet
//! ([`Backlog`]); `upkeep` fills it, `matches` asks it.
//!
//! The filter is `LIKE '%text%'` over seven columns (`storage::queue`): the submission's name,
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
//! that is (part, sort key, id) (see [`super::rowid`] and `assets/sql/007_queue_order.sql`): a
//! queue is a union of parts, and within a part the index lists rows in the page order.
//!
//! Rows with an id above `queue_search_state.upto` (imported since the last catch-up) and rows
//! listed in `queue_search_stale` (changed since they were indexed) are not, or not correctly,

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension};

use crate::storage::Result;

/// Follows every indexed value (twice), so that its last characters start trigrams too.
pub const SENTINEL: char = '\u{E000}';
const SS: &str = "char(57344, 57344)";
pub(super) const PENDING: &str = "('received', 'checked', 'returned')";

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
pub(super) fn text_sql() -> String {
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

pub(super) fn capped_count(conn: &Connection, sql: &str, upto: i64, cap: i64) -> Result<usize> {
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
