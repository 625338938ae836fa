//! The work queues (R-REV-6): which submissions each queue holds, their first page in one of
//! three orders, with or without the `/` filter, and their counts.
//!
//! Without a filter a page is read straight off an index in the queue's order: one index range
//! per arm ([`plan::arms`]: the three pending states for most queues, merged in order here),
//! each stopping at the page size, each later arm bounded by the last row kept so far.
//!
//! With a filter (`LIKE '%text%'` over the seven columns of [`FILTER`]; those semantics are
//! [`reference_page`]'s) the search index (`index`, `upkeep`) answers first. It has one
//! table per order, whose rowid is (part, sort key, id), the part being state × claimed ×
//! counter visit due; a queue is a union of parts, "overdue" and "due soon" by deadline a key
//! range of each:
//! - few matches (the trigram counts say ≤ `Tuning::direct_max`, and the index agrees) are
//!   read by id, checked and sorted;
//! - otherwise each part is read in rowid order — the page order — each row checked with the
//!   LIKE and the queue's condition until the page is full, each later part only up to the
//!   last row kept so far, and merged: as many rows as the page needs when most match, all of
//!   the few when few do, none when none do, however large the queue;
//! - "due soon" in received or name order (a few days of deadlines: most matches are not in
//!   the queue) takes its matches from the deadline order's table, where they are a key range
//!   of each part; few are read by id, more (≤ `Tuning::within_max`) pick the first rows of
//!   the order's table by rowid alone, then read those by id; a text in most rows
//!   (`Tuning::dense_percent`) walks with the LIKE, as the walk then stops early;
//! - a small "mine" (≤ `Tuning::mine_walk_max` rows), a text the index cannot narrow down,
//!   dates that are not YYYY-MM-DD texts, a large backlog or rows the index cannot order
//!   ("weird") walk the queue's own index with the LIKE.
//!
//! Rows the search index does not hold yet, or holds with old values (the backlog), are always
//! read directly with the index's answer.
//!
//! The files: `page` (the API: pages, keyset paging, counts), `plan` (the SQL: conditions,
//! arms, spans, every statement), `walk` (binding values, reading rows, walks over a queue's
//! own indexes), `filtered` (the filtered page), and the search index: `index` (its tables,
//! indexed text and backlog), `rowid` (where a row sits in each table), `upkeep` (catch-up
//! and merging, run in the background), `purge` (taking purged rows out, R-DL-3) and
//! `matches` (the FTS5 query pieces a filter asks). The queues and orders themselves are
//! `domain::queue`.

mod filtered;
mod index;
mod matches;
mod page;
mod plan;
mod purge;
mod rowid;
mod upkeep;
mod walk;

pub use index::{Backlog, backlog, data_rows, rank};
pub use page::{
    queue_count, queue_count_counted, queue_page, queue_page_after, queue_page_tuned,
    recount_tally, reference_page, sort_key,
};
pub use plan::{FILTER, all_sql, count_sql, explain, tally_sql};
pub use purge::{Purging, before_purge, forget, forget_name_sql};
pub use upkeep::{
    CatchUp, RANK_SPAN, RENUMBER_NAMES, RENUMBER_ROWS, catch_up, catch_up_spread, merge_step,
    try_catch_up, try_merge_step,
};

use crate::domain::ids::{StaffId, SubmissionId};
use crate::domain::submission::{SubmissionKind, SubmissionState};

fn bad(what: &str, v: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("{what} {v}").into(),
    )
}

/// The values a queue query binds.
#[derive(Debug, Clone)]
pub struct QueueArgs {
    pub me: StaffId,
    pub today: String,
    /// Last day of "due within 3 open days".
    pub soon: String,
    /// `/` filter: plain text (name, numbers) and its kana search key.
    pub filter: Option<(String, String)>,
    pub limit: u32,
    pub offset: u32,
}

/// One queue line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QueueRow {
    pub id: SubmissionId,
    pub kind: SubmissionKind,
    pub state: SubmissionState,
    pub display_name: String,
    pub deadline: Option<String>,
    pub received_at: String,
    pub assigned_staff: Option<StaffId>,
    pub assigned_name: Option<String>,
    pub establishment_name: Option<String>,
    pub establishment_number: Option<String>,
    pub job_number: Option<String>,
    pub external_id: String,
    pub visit_needed: bool,
    pub visit_date: Option<String>,
    pub follow_up_date: Option<String>,
    /// The item's version (R-REV-5): a claim from the queue carries it.
    pub rev: i64,
    /// 確認者 and 確認日時 (RFC 3339 UTC) of the last check, if any (issue 15 item 14).
    pub checked_name: Option<String>,
    pub checked_at: Option<String>,
}

/// Thresholds of the filtered page (see the module docs); tests lower them to reach every path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// At most this many candidates (index matches plus backlog) are read by id.
    pub direct_max: usize,
    /// More backlog than this: the page walks with the LIKE alone (the service catches the
    /// index up first when it can).
    pub backlog_max: usize,
    /// A 1–2-character text that begins more trigrams than this is not looked up.
    pub max_grams: usize,
    /// A "mine" of at most this many rows is walked with the LIKE on its own index.
    pub mine_walk_max: usize,
    /// "Due soon" in received or name order: with at most this many matches due soon, the
    /// order's table is read (its rowids only) for those.
    pub within_max: usize,
    /// "Due soon" in received or name order: a text the trigram counts say is in at least
    /// this percentage of the indexed rows walks with the LIKE (most rows match, so the walk
    /// stops early).
    pub dense_percent: i64,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            direct_max: 300,
            backlog_max: 150,
            max_grams: 256,
            mine_walk_max: 1_000,
            within_max: 5_000,
            dense_percent: 50,
        }
    }
}
