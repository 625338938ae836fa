//! The SQL of the queue pages and counts: which rows each queue holds ([`condition`]), the
//! index ranges ("arms") and stretches ("spans") a page walks in its order, the parts of the
//! search index a queue is made of, and every statement's text ([`all_sql`], which the EXPLAIN
//! tests read, and [`explain`]).

use std::fmt::Write as _;

use rusqlite::Connection;
use rusqlite::types::Value;

use super::QueueArgs;
use super::index::{self, Table};
use super::rowid;
use super::walk::Binds;
use crate::domain::queue::{Queue, Sort};
use crate::storage::Result;

/// Which submissions the queue holds (the definition every page and count applies).
pub(super) fn condition(q: Queue) -> &'static str {
    match q {
        // Nobody has claimed it and it still needs a check (issue 15 item 14): a checked
        // item waits for approval (確認済), a returned one for the employer (差戻し).
        Queue::Unassigned => "s.assigned_staff IS NULL AND s.state = 'received'",
        Queue::Mine => "s.assigned_staff = :me AND s.state IN ('received', 'checked', 'returned')",
        Queue::Overdue => "s.state IN ('received', 'checked', 'returned') AND s.deadline < :today",
        Queue::DueSoon => {
            "s.state IN ('received', 'checked', 'returned') AND s.deadline >= :today AND s.deadline <= :soon"
        }
        Queue::Checked => "s.state = 'checked'",
        Queue::Returned => "s.state = 'returned'",
        Queue::Visit => {
            // Spelled as the partial index `submissions_visit` spells it (schema v5).
            "s.visit_needed = 1 AND s.visit_date IS NULL \
             AND (s.state = 'received' OR s.state = 'checked' OR s.state = 'returned')"
        }
    }
}

/// The condition less what the walk's arm and span already say: the state (an arm fixes
/// one of the queue's) and, in deadline order, the deadline range (the span is it). Said
/// twice, the planner reads the three states' ranges, or the wrong end of the deadline
/// range, and loses the order.
pub(super) fn rest(q: Queue, sort: Sort) -> &'static str {
    match q {
        Queue::Overdue | Queue::DueSoon if sort == Sort::Deadline => "1",
        Queue::Unassigned => "s.assigned_staff IS NULL",
        Queue::Mine => "s.assigned_staff = :me",
        Queue::Overdue => "s.deadline < :today",
        Queue::DueSoon => "s.deadline >= :today AND s.deadline <= :soon",
        Queue::Checked | Queue::Returned => "1",
        Queue::Visit => "s.visit_needed = 1 AND s.visit_date IS NULL",
    }
}

/// The sort column (the order is this, then `s.id`).
pub(super) fn sort_col(sort: Sort) -> &'static str {
    match sort {
        Sort::Deadline => "s.deadline",
        Sort::Received => "s.received_at",
        Sort::Name => "s.display_name",
    }
}

/// The `/` filter: the plain text in any of five columns, its kana key in either key column.
pub const FILTER: &str = "(s.display_name LIKE :pat ESCAPE '\\' OR e.name LIKE :pat ESCAPE '\\' \
     OR e.kana_key LIKE :kpat ESCAPE '\\' OR e.name_key LIKE :kpat ESCAPE '\\' \
     OR e.establishment_number LIKE :pat ESCAPE '\\' OR s.job_number LIKE :pat ESCAPE '\\' \
     OR s.external_id LIKE :pat ESCAPE '\\')";

pub(super) const COLS: &str = "s.id, s.kind, s.state, s.display_name, s.deadline, s.received_at, s.assigned_staff, \
     st.display_name, e.name, e.establishment_number, s.job_number, s.external_id, s.visit_needed, \
     s.visit_date, s.follow_up_date, s.rev, sc.display_name, s.checked_at";
pub(super) const JOINS: &str = "LEFT JOIN establishments e ON e.id = s.establishment_id \
     LEFT JOIN staff st ON st.id = s.assigned_staff LEFT JOIN staff sc ON sc.id = s.checked_by";
/// The ids the search index may miss or hold wrongly ([`super::Backlog`]).
fn backlog_ids() -> String {
    format!(
        "SELECT id FROM submissions WHERE id > :upto \
         UNION ALL SELECT submission_id FROM queue_search_stale UNION ALL {}",
        index::UNRANKED_IDS
    )
}

// ---------------------------------------------------------------------------------------
// Arms, keys and bounds

/// One index range that holds part of a queue in the order of one sort.
#[derive(Debug, Clone, Copy)]
pub(super) struct Arm {
    index: &'static str,
    /// Narrows the index to this arm (`:state` is bound to `state`).
    cond: &'static str,
    pub(super) state: Option<&'static str>,
}

const STATES: [&str; 3] = ["received", "checked", "returned"];

/// The index ranges of a queue in the order of `sort`, largest first (the first one bounds the
/// others early). The planner, left to itself, would read the three pending states off
/// `(state, deadline)` and sort the whole queue.
pub(super) fn arms(q: Queue, sort: Sort) -> Vec<Arm> {
    let state_ix = match sort {
        Sort::Deadline => "submissions_state_deadline",
        Sort::Received => "submissions_state_received",
        Sort::Name => "submissions_state_name",
    };
    let state_arm = |s: &'static str| Arm {
        index: state_ix,
        cond: "s.state = :state",
        state: Some(s),
    };
    match (q, sort) {
        (Queue::Mine, _) => vec![Arm {
            index: match sort {
                Sort::Deadline => "submissions_mine",
                Sort::Received => "submissions_mine_received",
                Sort::Name => "submissions_mine_name",
            },
            cond: "s.assigned_staff = :me AND s.assigned_staff IS NOT NULL \
                   AND s.state IN ('received', 'checked', 'returned')",
            state: None,
        }],
        (Queue::Visit, Sort::Deadline) => vec![Arm {
            index: "submissions_visit",
            cond: "s.visit_needed = 1 AND s.visit_date IS NULL \
                   AND (s.state = 'received' OR s.state = 'checked' OR s.state = 'returned')",
            state: None,
        }],
        (Queue::Unassigned, _) => vec![state_arm("received")],
        (Queue::Checked, _) => vec![state_arm("checked")],
        (Queue::Returned, _) => vec![state_arm("returned")],
        _ => STATES.into_iter().map(state_arm).collect(),
    }
}

/// A sort key bound: a text, or above every text (a BLOB sorts after all TEXT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum K {
    Text(String),
    Top,
}

impl K {
    fn value(&self) -> Value {
        match self {
            K::Text(s) => Value::Text(s.clone()),
            K::Top => Value::Blob(Vec::new()),
        }
    }

    fn min(a: (K, i64), b: (K, i64)) -> (K, i64) {
        let lt = match (&a.0, &b.0) {
            (K::Top, K::Top) => a.1 < b.1,
            (K::Top, K::Text(_)) => false,
            (K::Text(_), K::Top) => true,
            (K::Text(x), K::Text(y)) => (x.as_str(), a.1) < (y.as_str(), b.1),
        };
        if lt { a } else { b }
    }
}

/// A stretch of a queue in its order: the rows whose (key, id) is in `[lo, hi)`, or (deadline
/// order only) the rows without a deadline, which come first, with `id` in `[lo_id, hi_id)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Span {
    Null { lo_id: i64, hi_id: i64 },
    Range { lo: (K, i64), hi: (K, i64) },
}

impl Span {
    fn all() -> Span {
        Span::Range {
            lo: (K::Text(String::new()), i64::MIN),
            hi: (K::Top, i64::MIN),
        }
    }

    pub(super) fn null() -> Span {
        Span::Null {
            lo_id: i64::MIN,
            hi_id: i64::MAX,
        }
    }

    /// Only the part before (key, id).
    pub(super) fn before(&self, key: Option<&str>, id: i64) -> Span {
        match (self, key) {
            (Span::Null { lo_id, hi_id }, _) => Span::Null {
                lo_id: *lo_id,
                hi_id: (*hi_id).min(id),
            },
            (Span::Range { lo, hi }, Some(k)) => Span::Range {
                lo: lo.clone(),
                hi: K::min(hi.clone(), (K::Text(k.to_string()), id)),
            },
            // A row without a key cannot lie inside a range.
            (Span::Range { .. }, None) => self.clone(),
        }
    }

    pub(super) fn bind(&self, b: &mut Binds) {
        match self {
            Span::Null { lo_id, hi_id } => {
                b.set(":lid", Value::Integer(*lo_id));
                b.set(":uid", Value::Integer(*hi_id));
            }
            Span::Range { lo, hi } => {
                b.set(":lk", lo.0.value());
                b.set(":lid", Value::Integer(lo.1));
                b.set(":uk", hi.0.value());
                b.set(":uid", Value::Integer(hi.1));
            }
        }
    }
}

/// `Span::Null` or `Span::Range` as a condition on index columns (an index range).
fn span_sql(sort: Sort, null: bool) -> String {
    let k = sort_col(sort);
    if null {
        "s.deadline IS NULL AND s.id >= :lid AND s.id < :uid".to_string()
    } else {
        format!("({k}, s.id) >= (:lk, :lid) AND ({k}, s.id) < (:uk, :uid)")
    }
}

/// The queue's own stretch of the deadline order (due soon / overdue are deadline ranges).
pub(super) fn queue_span(q: Queue, sort: Sort, a: &QueueArgs) -> Span {
    match (q, sort) {
        (Queue::Overdue, Sort::Deadline) => Span::Range {
            lo: (K::Text(String::new()), i64::MIN),
            hi: (K::Text(a.today.clone()), i64::MIN),
        },
        (Queue::DueSoon, Sort::Deadline) => Span::Range {
            lo: (K::Text(a.today.clone()), i64::MIN),
            hi: (K::Text(format!("{}\0", a.soon)), i64::MIN),
        },
        _ => Span::all(),
    }
}

/// Whether the queue can hold rows without a deadline.
pub(super) fn has_null_deadlines(q: Queue) -> bool {
    !matches!(q, Queue::Overdue | Queue::DueSoon)
}

/// How a walk narrows the rows beyond the queue and the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Narrow {
    /// Unfiltered.
    No,
    /// The LIKE.
    Like,
}

/// One arm's rows of a span, in order.
pub(super) fn walk_sql(q: Queue, sort: Sort, arm: &Arm, null: bool, narrow: Narrow) -> String {
    let k = sort_col(sort);
    let mut sql = format!(
        "SELECT {COLS}, {k} FROM submissions s INDEXED BY {} {JOINS} WHERE {} AND {} AND {}",
        arm.index,
        arm.cond,
        rest(q, sort),
        span_sql(sort, null)
    );
    if narrow != Narrow::No {
        let _ = write!(sql, " AND {FILTER}");
    }
    let _ = write!(sql, " ORDER BY {k}, s.id LIMIT :n");
    sql
}

/// The candidates: the ids the search index gave (`:ids`, a JSON array) and the backlog.
fn candidates_sql() -> String {
    format!(
        "SELECT value FROM json_each(:ids) UNION ALL {}",
        backlog_ids()
    )
}

/// Candidates read by id (the index's answer and the backlog), checked and sorted.
pub(super) fn direct_sql(q: Queue, sort: Sort) -> String {
    let k = sort_col(sort);
    format!(
        "SELECT {COLS}, {k} FROM submissions s NOT INDEXED {JOINS} \
         WHERE s.id IN ({}) AND {} AND {FILTER} ORDER BY {k}, s.id LIMIT :n",
        candidates_sql(),
        condition(q)
    )
}

/// The index's answer in one part's rowid range ([`super::rowid`]), in rowid
/// order — the page order — checked, read lazily. Rows changed since indexed sit at their old
/// place; they come with the backlog instead.
pub(super) fn ordered_sql(q: Queue, sort: Sort) -> String {
    let t = sort_table(sort).name();
    let k = sort_col(sort);
    let m = rowid::ID_MASK;
    format!(
        "SELECT {COLS}, {k} FROM {t} f \
         JOIN submissions s ON s.id = (f.rowid & {m}) {JOINS} \
         WHERE f.{t} MATCH :m AND f.rowid >= :lo AND f.rowid < :hi \
         AND s.id NOT IN (SELECT submission_id FROM queue_search_stale) \
         AND {} AND {FILTER} ORDER BY f.rowid LIMIT :n",
        condition(q)
    )
}

/// The search table that lists rows in the order of a sort.
pub(super) fn sort_table(sort: Sort) -> Table {
    match sort {
        Sort::Deadline => Table::Deadline,
        Sort::Received => Table::Received,
        Sort::Name => Table::Name,
    }
}

/// The parts ([`super::rowid::part`]) that hold a queue's rows.
pub(super) fn parts(q: Queue) -> Vec<i64> {
    let states: &[&str] = match q {
        Queue::Unassigned => &["received"],
        Queue::Checked => &["checked"],
        Queue::Returned => &["returned"],
        _ => &STATES,
    };
    let claimed: &[bool] = match q {
        Queue::Unassigned => &[false],
        Queue::Mine => &[true],
        _ => &[false, true],
    };
    let visit: &[bool] = match q {
        Queue::Visit => &[true],
        _ => &[false, true],
    };
    let mut out = Vec::new();
    for s in states {
        for c in claimed {
            for v in visit {
                out.extend(rowid::part(s, *c, *v));
            }
        }
    }
    out
}

/// The keys `[lo, hi)` of a queue in the order of a sort: the deadline range of "overdue" and
/// "due soon" in deadline order, else all. None when the dates are not YYYY-MM-DD texts.
pub(super) fn key_range(q: Queue, sort: Sort, a: &QueueArgs) -> Option<(i64, i64)> {
    Some(match (q, sort) {
        // Not NULL (key 0) and before today.
        (Queue::Overdue, Sort::Deadline) => (1, rowid::deadline(&a.today)?),
        (Queue::DueSoon, Sort::Deadline) => {
            (rowid::deadline(&a.today)?, rowid::deadline(&a.soon)? + 1)
        }
        _ => (0, rowid::KEY_END),
    })
}

/// The SQL of a queue count.
#[must_use]
pub fn count_sql(q: Queue) -> String {
    // Index-only counts, off the narrowest index that decides the queue (the planner would
    // take any (state, …) index, and for "unassigned" and "visit" read every pending row).
    let ix = match q {
        Queue::Mine => "submissions_assigned",
        Queue::Visit => "submissions_visit",
        _ => "submissions_state_deadline",
    };
    format!(
        "SELECT count(*) FROM submissions s INDEXED BY {ix} WHERE {}",
        condition(q)
    )
}

/// Every statement the queues prepare, labelled, for the EXPLAIN test.
#[must_use]
pub fn all_sql() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for q in Queue::ALL {
        out.push((format!("{} count", q.code()), count_sql(q)));
        out.push((format!("{} tally", q.code()), tally_sql(q).to_string()));
        if q == Queue::Mine {
            out.push(("mine capped count".into(), MINE_CAPPED_SQL.into()));
        }
        for sort in Sort::ALL {
            let l = format!("{} {}", q.code(), sort.code());
            for arm in arms(q, sort) {
                let a = arm.index;
                for narrow in [Narrow::No, Narrow::Like] {
                    out.push((
                        format!("{l} walk {a} {narrow:?}"),
                        walk_sql(q, sort, &arm, false, narrow),
                    ));
                    if sort == Sort::Deadline {
                        out.push((
                            format!("{l} walk-null {a} {narrow:?}"),
                            walk_sql(q, sort, &arm, true, narrow),
                        ));
                    }
                }
            }
            out.push((format!("{l} direct"), direct_sql(q, sort)));
        }
        for sort in Sort::ALL {
            out.push((
                format!("{} ordered {}", q.code(), sort.code()),
                ordered_sql(q, sort),
            ));
        }
    }
    out
}

pub(super) const MINE_CAPPED_SQL: &str = "SELECT count(*) FROM (SELECT 1 FROM submissions s INDEXED BY submissions_mine \
     WHERE s.assigned_staff = :me AND s.assigned_staff IS NOT NULL \
     AND s.state IN ('received', 'checked', 'returned') LIMIT :cap)";

/// The SQL of a queue count read from the tallies kept with every change (schema v18 to v20,
/// `assets/sql/018_queue_tally.sql`): a primary-key lookup, or for "overdue" and "due soon" a
/// primary-key range over the pending rows' distinct deadlines (they depend on today).
/// Always equal to [`count_sql`]'s count (the consistency test compares them).
#[must_use]
pub fn tally_sql(q: Queue) -> &'static str {
    match q {
        // Schema v20: received and unclaimed.
        Queue::Unassigned => {
            "SELECT coalesce(sum(n), 0) FROM queue_tally WHERE kind = 'unclaimed' AND k = ''"
        }
        Queue::Mine => {
            "SELECT coalesce(sum(n), 0) FROM queue_tally WHERE kind = 'staff' AND k = CAST(:me AS TEXT)"
        }
        Queue::Overdue => {
            "SELECT coalesce(sum(n), 0) FROM queue_tally WHERE kind = 'deadline' AND k < :today"
        }
        Queue::DueSoon => {
            "SELECT coalesce(sum(n), 0) FROM queue_tally \
             WHERE kind = 'deadline' AND k >= :today AND k <= :soon"
        }
        Queue::Checked => {
            "SELECT coalesce(sum(n), 0) FROM queue_tally WHERE kind = 'state' AND k = 'checked'"
        }
        Queue::Returned => {
            "SELECT coalesce(sum(n), 0) FROM queue_tally WHERE kind = 'state' AND k = 'returned'"
        }
        Queue::Visit => {
            "SELECT coalesce(sum(n), 0) FROM queue_tally WHERE kind = 'visit' AND k = ''"
        }
    }
}

/// `EXPLAIN QUERY PLAN` detail lines of a statement with every named parameter NULL.
///
/// # Errors
/// On SQLite failure.
pub fn explain(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let n = stmt.parameter_count();
    for i in 1..=n {
        stmt.raw_bind_parameter(i, rusqlite::types::Null)?;
    }
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(r.get::<_, String>(3)?);
    }
    Ok(out)
}
