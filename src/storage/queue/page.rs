//! The queue API the service calls: one page of a queue (filtered or not), keyset paging
//! after a row, the filter's brute-force meaning ([`reference_page`]) and the counts, kept
//! ([`queue_count`]) or counted ([`queue_count_counted`]).

use rusqlite::Connection;
use rusqlite::types::Value;

use super::filtered::filtered;
use super::plan::{
    COLS, FILTER, JOINS, K, Narrow, Span, condition, count_sql, has_null_deadlines, queue_span,
    sort_col, tally_sql,
};
use super::walk::{Binds, Hit, hits, walk, walk_queue};
use super::{QueueArgs, QueueRow, Tuning};
use crate::domain::queue::{Queue, Sort};
use crate::storage::Result;

/// One page of a queue (default thresholds).
///
/// # Errors
/// On SQLite failure.
pub fn queue_page(conn: &Connection, q: Queue, sort: Sort, a: &QueueArgs) -> Result<Vec<QueueRow>> {
    queue_page_tuned(conn, q, sort, a, &Tuning::default())
}

/// One page of a queue.
///
/// # Errors
/// On SQLite failure.
pub fn queue_page_tuned(
    conn: &Connection,
    q: Queue,
    sort: Sort,
    a: &QueueArgs,
    t: &Tuning,
) -> Result<Vec<QueueRow>> {
    let need = usize::try_from(a.limit.saturating_add(a.offset)).unwrap_or(usize::MAX);
    if need == 0 {
        return Ok(Vec::new());
    }
    let hits = match &a.filter {
        None => walk_queue(conn, q, sort, a, &Binds::base(a, 0), Narrow::No, need)?,
        Some((plain, key)) => filtered(conn, q, sort, a, plain, key, t, need)?,
    };
    Ok(hits
        .into_iter()
        .skip(usize::try_from(a.offset).unwrap_or(usize::MAX))
        .map(|h| h.row)
        .collect())
}

/// The sort key of a row in the order of `sort` (NULL for a row without a deadline): with its
/// id, where [`queue_page_after`] goes on. Read from the stored row, before any sanitising.
#[must_use]
pub fn sort_key(sort: Sort, r: &QueueRow) -> Option<String> {
    match sort {
        Sort::Deadline => r.deadline.clone(),
        Sort::Received => Some(r.received_at.clone()),
        Sort::Name => Some(r.display_name.clone()),
    }
}

/// The `a.limit` rows of an unfiltered queue that follow the row `after` (its [`sort_key`] and
/// id), or the first ones: keyset paging (issue 15, the queue at L scale), so the millionth
/// row costs what the first does. The same walks as [`queue_page`], each arm's index range
/// starting past the row. A filtered queue pages by `a.offset` through [`queue_page`] instead
/// (the filter's answers are read through the search index, not an order's index).
///
/// # Errors
/// On SQLite failure.
pub fn queue_page_after(
    conn: &Connection,
    q: Queue,
    sort: Sort,
    a: &QueueArgs,
    after: Option<(Option<&str>, i64)>,
) -> Result<Vec<QueueRow>> {
    if a.filter.is_some() {
        return queue_page(conn, q, sort, a);
    }
    let need = usize::try_from(a.limit).unwrap_or(usize::MAX);
    if need == 0 {
        return Ok(Vec::new());
    }
    let b = Binds::base(a, 0);
    let nulls_first = sort == Sort::Deadline && has_null_deadlines(q);
    let rest = |from: Option<(&str, i64)>, need: usize| -> Result<Vec<Hit>> {
        let span = match (queue_span(q, sort, a), from) {
            (Span::Range { hi, .. }, Some((k, id))) => Span::Range {
                lo: (K::Text(k.to_string()), id.saturating_add(1)),
                hi,
            },
            (span, _) => span,
        };
        walk(conn, q, sort, &b, &span, Narrow::No, need)
    };
    let hits = match after {
        None => walk_queue(conn, q, sort, a, &b, Narrow::No, need)?,
        // Still among the rows without a deadline (they come first), then the rest.
        Some((None, id)) if nulls_first => {
            let null = Span::Null {
                lo_id: id.saturating_add(1),
                hi_id: i64::MAX,
            };
            let mut out = walk(conn, q, sort, &b, &null, Narrow::No, need)?;
            if out.len() < need {
                out.extend(rest(None, need - out.len())?);
            }
            out
        }
        Some((Some(k), id)) => rest(Some((k, id)), need)?,
        // Only a deadline can be NULL: nothing follows a row that cannot be in this order.
        Some((None, _)) => Vec::new(),
    };
    Ok(hits.into_iter().map(|h| h.row).collect())
}

/// The filter's meaning, by brute force: every row of the queue checked with the LIKE and
/// sorted (slow; the tests compare every page against it).
///
/// # Errors
/// On SQLite failure.
pub fn reference_page(
    conn: &Connection,
    q: Queue,
    sort: Sort,
    a: &QueueArgs,
) -> Result<Vec<QueueRow>> {
    let k = sort_col(sort);
    let sql = format!(
        "SELECT {COLS}, {k} FROM submissions s {JOINS} WHERE {} AND (:pat IS NULL OR {FILTER}) \
         ORDER BY {k}, s.id LIMIT :n OFFSET :off",
        condition(q)
    );
    let mut b = Binds::base(a, 0);
    if a.filter.is_none() {
        b.set(":pat", Value::Null);
        b.set(":kpat", Value::Null);
    }
    b.set(":n", Value::Integer(i64::from(a.limit)));
    b.set(":off", Value::Integer(i64::from(a.offset)));
    Ok(hits(conn, &sql, &b)?.into_iter().map(|h| h.row).collect())
}

/// Rebuilds the queue counts from the rows (what the version 18 upgrade did): after rows were
/// stored by SQL in bulk, which [`super::submissions::tally_inserted`] did not see.
///
/// # Errors
/// On SQLite failure.
pub fn recount_tally(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM queue_tally;
         INSERT INTO queue_tally (kind, k, n)
         SELECT 'state', state, count(*) FROM submissions
          WHERE state IN ('received', 'checked', 'returned') GROUP BY state;
         INSERT INTO queue_tally (kind, k, n)
         SELECT 'staff', coalesce(CAST(assigned_staff AS TEXT), ''), count(*) FROM submissions
          WHERE state IN ('received', 'checked', 'returned') GROUP BY 2;
         INSERT INTO queue_tally (kind, k, n)
         SELECT 'deadline', deadline, count(*) FROM submissions
          WHERE state IN ('received', 'checked', 'returned') AND deadline IS NOT NULL
          GROUP BY deadline;
         INSERT INTO queue_tally (kind, k, n)
         SELECT 'visit', '', count(*) FROM submissions
          WHERE visit_needed = 1 AND visit_date IS NULL
            AND state IN ('received', 'checked', 'returned')
         HAVING count(*) > 0;
         INSERT INTO queue_tally (kind, k, n)
         SELECT 'unclaimed', '', count(*) FROM submissions
          WHERE state = 'received' AND assigned_staff IS NULL
         HAVING count(*) > 0;",
    )?;
    Ok(())
}

/// How many items a queue holds, from the kept tallies ([`tally_sql`]): microseconds however
/// large the office.
///
/// # Errors
/// On SQLite failure.
pub fn queue_count(conn: &Connection, q: Queue, a: &QueueArgs) -> Result<i64> {
    count_with(conn, tally_sql(q), a)
}

/// How many items a queue holds, counted on the submissions themselves ([`count_sql`]: the
/// definition; O(rows in the queue)). For the consistency test and the benchmark.
///
/// # Errors
/// On SQLite failure.
pub fn queue_count_counted(conn: &Connection, q: Queue, a: &QueueArgs) -> Result<i64> {
    count_with(conn, &count_sql(q), a)
}

fn count_with(conn: &Connection, sql: &str, a: &QueueArgs) -> Result<i64> {
    let mut stmt = conn.prepare_cached(sql)?;
    Binds::base(a, 0).apply(&mut stmt)?;
    let mut rows = stmt.raw_query();
    match rows.next()? {
        Some(r) => Ok(r.get(0)?),
        None => Ok(0),
    }
}
