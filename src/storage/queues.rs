//! The work queues (R-REV-6): which submissions each queue holds, their first page in one of
//! three orders, with or without the `/` filter, and their counts.
//!
//! Without a filter a page is read straight off an index in the queue's order: one index range
//! per arm ([`arms`]: the three pending states for most queues, merged in order here), each
//! stopping at the page size, each later arm bounded by the last row kept so far.
//!
//! With a filter (`LIKE '%text%'` over the seven columns of [`FILTER`]; those semantics are
//! [`reference_page`]'s) the search index (storage::queue_search) answers first. It has one
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

use std::collections::HashSet;
use std::fmt::Write as _;

use rusqlite::types::Value;
use rusqlite::{Connection, Row, Statement};

use super::Result;
use super::queue_search::{self as qs, Table, Text, rowid};
use crate::domain::submission::{SubmissionKind, SubmissionState};

fn bad(what: &str, v: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("{what} {v}").into(),
    )
}

/// The work lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    Unassigned,
    Mine,
    Overdue,
    DueSoon,
    Checked,
    Returned,
    Visit,
}

impl Queue {
    pub const ALL: [Queue; 7] = [
        Queue::Unassigned,
        Queue::Mine,
        Queue::Overdue,
        Queue::DueSoon,
        Queue::Checked,
        Queue::Returned,
        Queue::Visit,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Queue::Unassigned => "unassigned",
            Queue::Mine => "mine",
            Queue::Overdue => "overdue",
            Queue::DueSoon => "due-soon",
            Queue::Checked => "checked",
            Queue::Returned => "returned",
            Queue::Visit => "visit",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.code() == s)
    }

    /// Which submissions the queue holds (the definition every page and count applies).
    fn condition(self) -> &'static str {
        match self {
            // Nobody has claimed it and it still needs a check (issue 15 item 14): a checked
            // item waits for approval (確認済), a returned one for the employer (差戻し).
            Queue::Unassigned => "s.assigned_staff IS NULL AND s.state = 'received'",
            Queue::Mine => {
                "s.assigned_staff = :me AND s.state IN ('received', 'checked', 'returned')"
            }
            Queue::Overdue => {
                "s.state IN ('received', 'checked', 'returned') AND s.deadline < :today"
            }
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
    fn rest(self, sort: Sort) -> &'static str {
        match self {
            Queue::Overdue | Queue::DueSoon if sort == Sort::Deadline => "1",
            Queue::Unassigned => "s.assigned_staff IS NULL",
            Queue::Mine => "s.assigned_staff = :me",
            Queue::Overdue => "s.deadline < :today",
            Queue::DueSoon => "s.deadline >= :today AND s.deadline <= :soon",
            Queue::Checked | Queue::Returned => "1",
            Queue::Visit => "s.visit_needed = 1 AND s.visit_date IS NULL",
        }
    }
}

/// Queue order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Deadline,
    Received,
    Name,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Deadline, Sort::Received, Sort::Name];

    /// The sort column (the order is this, then `s.id`).
    fn key(self) -> &'static str {
        match self {
            Sort::Deadline => "s.deadline",
            Sort::Received => "s.received_at",
            Sort::Name => "s.display_name",
        }
    }

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Sort::Deadline => "deadline",
            Sort::Received => "received",
            Sort::Name => "name",
        }
    }
}

/// The values a queue query binds.
#[derive(Debug, Clone, Default)]
pub struct QueueArgs {
    pub me: i64,
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
    pub id: i64,
    pub kind: SubmissionKind,
    pub state: SubmissionState,
    pub display_name: String,
    pub deadline: Option<String>,
    pub received_at: String,
    pub assigned_staff: Option<i64>,
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

/// The `/` filter: the plain text in any of five columns, its kana key in either key column.
pub const FILTER: &str = "(s.display_name LIKE :pat ESCAPE '\\' OR e.name LIKE :pat ESCAPE '\\' \
     OR e.kana_key LIKE :kpat ESCAPE '\\' OR e.name_key LIKE :kpat ESCAPE '\\' \
     OR e.establishment_number LIKE :pat ESCAPE '\\' OR s.job_number LIKE :pat ESCAPE '\\' \
     OR s.external_id LIKE :pat ESCAPE '\\')";

const COLS: &str = "s.id, s.kind, s.state, s.display_name, s.deadline, s.received_at, s.assigned_staff, \
     st.display_name, e.name, e.establishment_number, s.job_number, s.external_id, s.visit_needed, \
     s.visit_date, s.follow_up_date, s.rev, sc.display_name, s.checked_at";
const JOINS: &str = "LEFT JOIN establishments e ON e.id = s.establishment_id \
     LEFT JOIN staff st ON st.id = s.assigned_staff LEFT JOIN staff sc ON sc.id = s.checked_by";
/// The ids the search index may miss or hold wrongly (storage::queue_search::Backlog).
fn backlog_ids() -> String {
    format!(
        "SELECT id FROM submissions WHERE id > :upto \
         UNION ALL SELECT submission_id FROM queue_search_stale UNION ALL {}",
        qs::UNRANKED_IDS
    )
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

// ---------------------------------------------------------------------------------------
// Arms, keys and bounds

/// One index range that holds part of a queue in the order of one sort.
#[derive(Debug, Clone, Copy)]
struct Arm {
    index: &'static str,
    /// Narrows the index to this arm (`:state` is bound to `state`).
    cond: &'static str,
    state: Option<&'static str>,
}

const STATES: [&str; 3] = ["received", "checked", "returned"];

/// The index ranges of a queue in the order of `sort`, largest first (the first one bounds the
/// others early). The planner, left to itself, would read the three pending states off
/// `(state, deadline)` and sort the whole queue.
fn arms(q: Queue, sort: Sort) -> Vec<Arm> {
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
enum K {
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
enum Span {
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

    fn null() -> Span {
        Span::Null {
            lo_id: i64::MIN,
            hi_id: i64::MAX,
        }
    }

    /// Only the part before (key, id).
    fn before(&self, key: Option<&str>, id: i64) -> Span {
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

    fn bind(&self, b: &mut Binds) {
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
    let k = sort.key();
    if null {
        "s.deadline IS NULL AND s.id >= :lid AND s.id < :uid".to_string()
    } else {
        format!("({k}, s.id) >= (:lk, :lid) AND ({k}, s.id) < (:uk, :uid)")
    }
}

/// The queue's own stretch of the deadline order (due soon / overdue are deadline ranges).
fn queue_span(q: Queue, sort: Sort, a: &QueueArgs) -> Span {
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
fn has_null_deadlines(q: Queue) -> bool {
    !matches!(q, Queue::Overdue | Queue::DueSoon)
}

// ---------------------------------------------------------------------------------------
// Binding

/// Named values; each statement takes the ones it names.
#[derive(Debug, Clone, Default)]
struct Binds(Vec<(&'static str, Value)>);

impl Binds {
    fn set(&mut self, name: &'static str, v: Value) {
        if let Some(slot) = self.0.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = v;
        } else {
            self.0.push((name, v));
        }
    }

    fn base(a: &QueueArgs, upto: i64) -> Binds {
        let mut b = Binds::default();
        b.set(":me", Value::Integer(a.me));
        b.set(":today", Value::Text(a.today.clone()));
        b.set(":soon", Value::Text(a.soon.clone()));
        b.set(":upto", Value::Integer(upto));
        if let Some((plain, key)) = &a.filter {
            b.set(":pat", Value::Text(like_pattern(plain)));
            b.set(":kpat", Value::Text(like_pattern(key)));
        }
        b
    }

    fn apply(&self, stmt: &mut Statement<'_>) -> Result<()> {
        stmt.clear_bindings();
        for (name, v) in &self.0 {
            if let Some(i) = stmt.parameter_index(name)? {
                stmt.raw_bind_parameter(i, v)?;
            }
        }
        Ok(())
    }
}

fn like_pattern(s: &str) -> String {
    let mut out = String::from("%");
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A queue row with its sort key.
#[derive(Debug, Clone)]
struct Hit {
    key: Option<String>,
    row: QueueRow,
}

fn hit(r: &Row<'_>) -> rusqlite::Result<Hit> {
    Ok(Hit {
        row: queue_row(r)?,
        key: r.get(18)?,
    })
}

fn queue_row(r: &Row<'_>) -> rusqlite::Result<QueueRow> {
    let kind: String = r.get(1)?;
    let state: String = r.get(2)?;
    Ok(QueueRow {
        id: r.get(0)?,
        kind: SubmissionKind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
        state: SubmissionState::parse(&state).ok_or_else(|| bad("state", &state))?,
        display_name: r.get(3)?,
        deadline: r.get(4)?,
        received_at: r.get(5)?,
        assigned_staff: r.get(6)?,
        assigned_name: r.get(7)?,
        establishment_name: r.get(8)?,
        establishment_number: r.get(9)?,
        job_number: r.get(10)?,
        external_id: r.get(11)?,
        visit_needed: r.get(12)?,
        visit_date: r.get(13)?,
        follow_up_date: r.get(14)?,
        rev: r.get(15)?,
        checked_name: r.get(16)?,
        checked_at: r.get(17)?,
    })
}

fn hits(conn: &Connection, sql: &str, b: &Binds) -> Result<Vec<Hit>> {
    let mut stmt = conn.prepare_cached(sql)?;
    b.apply(&mut stmt)?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(hit(r)?);
    }
    Ok(out)
}

fn order(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    (&a.key, a.row.id).cmp(&(&b.key, b.row.id))
}

// ---------------------------------------------------------------------------------------
// SQL of every statement (public through `all_sql` so the EXPLAIN test sees the same text)

/// How a walk narrows the rows beyond the queue and the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Narrow {
    /// Unfiltered.
    No,
    /// The LIKE.
    Like,
}

/// One arm's rows of a span, in order.
fn walk_sql(q: Queue, sort: Sort, arm: &Arm, null: bool, narrow: Narrow) -> String {
    let k = sort.key();
    let mut sql = format!(
        "SELECT {COLS}, {k} FROM submissions s INDEXED BY {} {JOINS} WHERE {} AND {} AND {}",
        arm.index,
        arm.cond,
        q.rest(sort),
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
fn direct_sql(q: Queue, sort: Sort) -> String {
    let k = sort.key();
    format!(
        "SELECT {COLS}, {k} FROM submissions s NOT INDEXED {JOINS} \
         WHERE s.id IN ({}) AND {} AND {FILTER} ORDER BY {k}, s.id LIMIT :n",
        candidates_sql(),
        q.condition()
    )
}

/// The index's answer in one part's rowid range (storage::queue_search::rowid), in rowid
/// order — the page order — checked, read lazily. Rows changed since indexed sit at their old
/// place; they come with the backlog instead.
fn ordered_sql(q: Queue, sort: Sort) -> String {
    let t = sort_table(sort).name();
    let k = sort.key();
    let m = rowid::ID_MASK;
    format!(
        "SELECT {COLS}, {k} FROM {t} f \
         JOIN submissions s ON s.id = (f.rowid & {m}) {JOINS} \
         WHERE f.{t} MATCH :m AND f.rowid >= :lo AND f.rowid < :hi \
         AND s.id NOT IN (SELECT submission_id FROM queue_search_stale) \
         AND {} AND {FILTER} ORDER BY f.rowid LIMIT :n",
        q.condition()
    )
}

/// The search table that lists rows in the order of a sort.
fn sort_table(sort: Sort) -> Table {
    match sort {
        Sort::Deadline => Table::Deadline,
        Sort::Received => Table::Received,
        Sort::Name => Table::Name,
    }
}

/// The parts (storage::queue_search::rowid::part) that hold a queue's rows.
fn parts(q: Queue) -> Vec<i64> {
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
fn key_range(q: Queue, sort: Sort, a: &QueueArgs) -> Option<(i64, i64)> {
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
        q.condition()
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

// ---------------------------------------------------------------------------------------
// Walks

/// The first `need` rows of a span of the queue, merged over its arms.
fn walk(
    conn: &Connection,
    q: Queue,
    sort: Sort,
    b: &Binds,
    span: &Span,
    narrow: Narrow,
    need: usize,
) -> Result<Vec<Hit>> {
    let null = matches!(span, Span::Null { .. });
    let mut out: Vec<Hit> = Vec::new();
    let mut span = span.clone();
    for arm in arms(q, sort) {
        let mut b = b.clone();
        if let Some(s) = arm.state {
            b.set(":state", Value::Text(s.to_string()));
        }
        b.set(
            ":n",
            Value::Integer(i64::try_from(need).unwrap_or(i64::MAX)),
        );
        span.bind(&mut b);
        let rows = hits(conn, &walk_sql(q, sort, &arm, null, narrow), &b)?;
        out.extend(rows);
        out.sort_by(order);
        out.truncate(need);
        if let Some(last) = out.last().filter(|_| out.len() == need) {
            span = span.before(last.key.as_deref(), last.row.id);
        }
    }
    Ok(out)
}

/// The first `need` rows of the queue in its order, walked (unfiltered, or by the LIKE).
fn walk_queue(
    conn: &Connection,
    q: Queue,
    sort: Sort,
    a: &QueueArgs,
    b: &Binds,
    narrow: Narrow,
    need: usize,
) -> Result<Vec<Hit>> {
    let mut out = Vec::new();
    if sort == Sort::Deadline && has_null_deadlines(q) {
        out = walk(conn, q, sort, b, &Span::null(), narrow, need)?;
    }
    if out.len() < need {
        let rest = walk(
            conn,
            q,
            sort,
            b,
            &queue_span(q, sort, a),
            narrow,
            need - out.len(),
        )?;
        out.extend(rest);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Pages

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

#[allow(clippy::too_many_arguments)]
fn filtered(
    conn: &Connection,
    q: Queue,
    sort: Sort,
    a: &QueueArgs,
    plain: &str,
    key: &str,
    t: &Tuning,
    need: usize,
) -> Result<Vec<Hit>> {
    let backlog = qs::backlog(conn, t.backlog_max)?;
    let mut b = Binds::base(a, backlog.upto);
    let like_walk = |b: &Binds| walk_queue(conn, q, sort, a, b, Narrow::Like, need);
    let Some(keys) = key_range(q, sort, a) else {
        return like_walk(&b);
    };
    if backlog.rows() > t.backlog_max || backlog.weird {
        return like_walk(&b);
    }
    // A small "mine" is walked whole at most.
    if q == Queue::Mine && small_mine(conn, &b, t.mine_walk_max)? {
        return like_walk(&b);
    }
    let text = qs::either(
        qs::contains(conn, plain, t.max_grams)?,
        qs::contains(conn, key, t.max_grams)?,
    );
    let (m, most) = match text {
        Text::Anything => return like_walk(&b),
        Text::Nothing => (qs::NO_ROW.to_string(), 0),
        Text::Expr(e, most) => (e, most),
    };
    b.set(":m", Value::Text(m.clone()));
    // Few matches (the common case of a name or number) cost one index query, then as many
    // rows. Skipped when the trigram counts already say there are many.
    let likely_few = usize::try_from(most).unwrap_or(usize::MAX) <= 4 * t.direct_max;
    let few = if m == qs::NO_ROW {
        Some(Vec::new())
    } else if likely_few {
        Some(qs::rowids_in(
            conn,
            Table::Deadline,
            &m,
            &[(0, i64::MAX)],
            t.direct_max,
        )?)
    } else {
        None
    };
    // "Due soon" in received or name order: a few days of deadlines, so most matches are not
    // in the queue, in no particular place of the page order.
    let soon = q == Queue::DueSoon && sort != Sort::Deadline;
    if soon && most.saturating_mul(100) >= backlog.upto.saturating_mul(t.dense_percent) {
        return like_walk(&b);
    }
    // Complete lists only (the index query stops one past its cap).
    let matches = match few.filter(|ids| ids.len() <= t.direct_max) {
        Some(ids) => Some(ids),
        None if soon => due_soon_matches(conn, q, a, &m, t.within_max)?,
        None => None,
    };
    match matches {
        Some(rowids) if rowids.len() + backlog.rows() <= t.direct_max => {
            let ids: Vec<i64> = rowids.iter().map(|r| r & rowid::ID_MASK).collect();
            b.set(":ids", Value::Text(json_ids(&ids)));
            return direct(conn, q, sort, &b, need);
        }
        Some(rowids) if soon => {
            if let Some(hits) = soon_page(conn, q, sort, &b, &m, &rowids, need)? {
                return Ok(hits);
            }
        }
        _ => {}
    }
    b.set(":ids", Value::Text("[]".into()));
    let read = Read {
        keys,
        backlog: backlog.rows(),
        need,
    };
    ordered(conn, q, sort, &b, &read)
}

/// "Due soon" in received or name order, given its matches (`soon`, complete: their rowids in
/// the deadline order's table, from [`due_soon_matches`]): the order's
/// table is read part by part in rowid order (the page order) for its rowids only, keeping
/// those in `soon` and not changed since indexed, each later part only up to the last kept
/// so far; the first `need` are then read by id with the backlog, checked and sorted. None
/// when the list was full and one of it fails the LIKE (trigrams all there, the text not):
/// rows past the list may then belong on the page.
fn soon_page(
    conn: &Connection,
    q: Queue,
    sort: Sort,
    b: &Binds,
    m: &str,
    soon: &[i64],
    need: usize,
) -> Result<Option<Vec<Hit>>> {
    // A row's part is the same in every table: parts with none of `soon` are not read.
    let in_parts: HashSet<i64> = soon.iter().map(|r| r >> rowid::PART_SHIFT).collect();
    let soon: HashSet<i64> = soon.iter().map(|r| r & rowid::ID_MASK).collect();
    let stale = qs::stale_ids(conn)?;
    let keep = |id: i64| soon.contains(&id) && !stale.contains(&id);
    // (key, id) without the part: the page order across parts.
    let in_order = |r: &i64| r & ((1_i64 << rowid::PART_SHIFT) - 1);
    let mut picked: Vec<i64> = Vec::new();
    for p in parts(q).into_iter().filter(|p| in_parts.contains(p)) {
        let lo = rowid::bound(p, 0, 0);
        let mut hi = rowid::bound(p, rowid::KEY_END, 0);
        if let Some(last) = picked.get(need.wrapping_sub(1)) {
            hi = hi.min((p << rowid::PART_SHIFT) | in_order(last));
        }
        if hi <= lo {
            continue;
        }
        picked.extend(qs::first_rowids(
            conn,
            sort_table(sort),
            m,
            (lo, hi),
            need,
            keep,
        )?);
        picked.sort_by_key(in_order);
        picked.truncate(need);
    }
    let ids: Vec<i64> = picked.iter().map(|r| r & rowid::ID_MASK).collect();
    let mut b = b.clone();
    b.set(":ids", Value::Text(json_ids(&ids)));
    // All of them and the backlog, to see whether any of the list fails.
    let mut hits = direct(conn, q, sort, &b, usize::MAX)?;
    let ids: HashSet<i64> = ids.into_iter().collect();
    let kept = hits.iter().filter(|h| ids.contains(&h.row.id)).count();
    if ids.len() >= need && kept < ids.len() {
        return Ok(None);
    }
    hits.truncate(need);
    Ok(Some(hits))
}

/// "Due soon" in another order than the deadline: a few days of deadlines, so few of the
/// matches. The deadline order's table lists exactly those (every part, the queue's key
/// range): their rowids there (part and id). None when more than `cap` (the list would not
/// be complete).
fn due_soon_matches(
    conn: &Connection,
    q: Queue,
    a: &QueueArgs,
    m: &str,
    cap: usize,
) -> Result<Option<Vec<i64>>> {
    let Some((lo, hi)) = key_range(q, Sort::Deadline, a) else {
        return Ok(None);
    };
    let ranges: Vec<(i64, i64)> = parts(q)
        .into_iter()
        .map(|p| (rowid::bound(p, lo, 0), rowid::bound(p, hi, 0)))
        .collect();
    let rowids = qs::rowids_in(conn, Table::Deadline, m, &ranges, cap)?;
    Ok((rowids.len() <= cap).then_some(rowids))
}

fn json_ids(ids: &[i64]) -> String {
    let mut s = String::with_capacity(ids.len() * 8 + 2);
    s.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{id}");
    }
    s.push(']');
    s
}

/// Candidates read by id (`:ids` from the index, and the backlog), checked, sorted.
fn direct(conn: &Connection, q: Queue, sort: Sort, b: &Binds, need: usize) -> Result<Vec<Hit>> {
    let mut b = b.clone();
    b.set(
        ":n",
        Value::Integer(i64::try_from(need).unwrap_or(i64::MAX)),
    );
    hits(conn, &direct_sql(q, sort), &b)
}

/// Whether the user's own queue holds at most `cap` rows.
fn small_mine(conn: &Connection, b: &Binds, cap: usize) -> Result<bool> {
    let mut stmt = conn.prepare_cached(MINE_CAPPED_SQL)?;
    let mut b = b.clone();
    b.set(
        ":cap",
        Value::Integer(i64::try_from(cap).unwrap_or(i64::MAX - 1) + 1),
    );
    b.apply(&mut stmt)?;
    let mut rows = stmt.raw_query();
    let n: i64 = match rows.next()? {
        Some(r) => r.get(0)?,
        None => 0,
    };
    Ok(usize::try_from(n).unwrap_or(usize::MAX) <= cap)
}

const MINE_CAPPED_SQL: &str = "SELECT count(*) FROM (SELECT 1 FROM submissions s INDEXED BY submissions_mine \
     WHERE s.assigned_staff = :me AND s.assigned_staff IS NOT NULL \
     AND s.state IN ('received', 'checked', 'returned') LIMIT :cap)";

/// What [`ordered`] reads: the key range of each part, how much backlog there is, and how
/// many rows the page needs.
struct Read {
    keys: (i64, i64),
    backlog: usize,
    need: usize,
}

/// The index's answer in each of the queue's parts in rowid order (each part in the page
/// order), merged, then the backlog read by id, merged.
fn ordered(conn: &Connection, q: Queue, sort: Sort, b: &Binds, r: &Read) -> Result<Vec<Hit>> {
    let (klo, khi) = r.keys;
    let (backlog, need) = (r.backlog, r.need);
    let mut b = b.clone();
    b.set(
        ":n",
        Value::Integer(i64::try_from(need).unwrap_or(i64::MAX)),
    );
    let mut out: Vec<Hit> = Vec::new();
    for p in parts(q) {
        let lo = rowid::bound(p, klo, 0);
        let mut hi = rowid::bound(p, khi, 0);
        // Once the page is full, a later part is read only up to its last row (otherwise a
        // part that holds none of the queue's rows would be read to its end).
        if let Some(last) = out.last().filter(|_| out.len() >= need) {
            let key = match sort {
                Sort::Deadline => rowid::deadline_key(last.key.as_deref()),
                Sort::Received => last.key.as_deref().and_then(rowid::received_key),
                Sort::Name => match last.key.as_deref() {
                    Some(name) => qs::rank(conn, name)?,
                    None => None,
                },
            };
            if let Some(k) = key {
                hi = hi.min(rowid::bound(p, k, last.row.id));
            }
        }
        if hi <= lo {
            continue;
        }
        b.set(":lo", Value::Integer(lo));
        b.set(":hi", Value::Integer(hi));
        out.extend(hits(conn, &ordered_sql(q, sort), &b)?);
        out.sort_by(order);
        out.truncate(need);
    }
    if backlog > 0 {
        // `:ids` is empty here: the backlog only.
        out.extend(direct(conn, q, sort, &b, need)?);
        out.sort_by(order);
        out.dedup_by_key(|h| h.row.id);
        out.truncate(need);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Reference and counts

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
    let k = sort.key();
    let sql = format!(
        "SELECT {COLS}, {k} FROM submissions s {JOINS} WHERE {} AND (:pat IS NULL OR {FILTER}) \
         ORDER BY {k}, s.id LIMIT :n OFFSET :off",
        q.condition()
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
