//! Work queues (R-REV-6) and the supervisor dashboard. Reading only: no transaction, the
//! acting staff member is re-checked on every call (R-AUTH-3). Queue lines show names and
//! numbers, not personal data, so listing is not audited; opening an item is.

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;

use crate::clock::{jst_date, to_db};
use crate::domain::deadline::{REMINDER_OPEN_DAYS, Urgency, days_left, urgency};
use crate::domain::kana::search_key;
use crate::domain::queue::{Queue, Sort};
use crate::domain::staff::Permission;
use crate::domain::text::sanitize;
use crate::storage::queue::{QueueArgs, QueueRow};
use crate::storage::review as rs;
use crate::storage::{self, Store};

use super::{Ctx, Result, require};

/// One line of a queue with its days left.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QueueLine {
    #[serde(flatten)]
    pub row: QueueRow,
    /// Open days left (negative when overdue); None without a deadline.
    pub days_left: Option<i64>,
    pub urgency: Option<Urgency>,
}

impl serde::Serialize for Urgency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The bound values of every queue query for `ctx` now.
///
/// # Errors
/// Storage failures (the office calendar).
pub fn args(conn: &Connection, ctx: &Ctx, filter: &str, limit: u32) -> Result<QueueArgs> {
    let cal = super::calendar::effective(conn)?;
    let today = jst_date(ctx.now);
    let soon = cal
        .add_open_days(today, REMINDER_OPEN_DAYS)
        .unwrap_or(today + Duration::days(REMINDER_OPEN_DAYS));
    let f = sanitize(filter.trim(), false);
    Ok(QueueArgs {
        me: ctx.staff_id,
        today: today.to_string(),
        soon: soon.to_string(),
        filter: (!f.is_empty()).then(|| {
            let key = search_key(&f);
            (f, key)
        }),
        limit,
        offset: 0,
    })
}

/// Where a stretch of a queue starts (issue 15, the queue at L scale): at the start, after a
/// row (its sort key and id: keyset paging, unfiltered), or after so many rows (filtered).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Resume {
    #[default]
    Start,
    After(Option<String>, i64),
    Offset(u32),
}

/// The first `limit` lines of a queue.
///
/// # Errors
/// `Denied`, storage failures.
pub fn list(
    store: &Store,
    ctx: &Ctx,
    q: Queue,
    sort: Sort,
    filter: &str,
    limit: u32,
) -> Result<Vec<QueueLine>> {
    Ok(list_from(store, ctx, q, sort, filter, limit, &Resume::Start)?.0)
}

/// `limit` lines of a queue from `from`, and where the next lines start (None at the end).
///
/// # Errors
/// `Denied`, storage failures.
pub fn list_from(
    store: &Store,
    ctx: &Ctx,
    q: Queue,
    sort: Sort,
    filter: &str,
    limit: u32,
    from: &Resume,
) -> Result<(Vec<QueueLine>, Option<Resume>)> {
    let conn = store.conn();
    require(conn, ctx, Permission::ViewQueues)?;
    let mut a = args(conn, ctx, filter, limit)?;
    if a.filter.is_some() {
        // The filter reads the search index; rows it does not hold yet are read one by one, so
        // a large backlog (an import since the last catch-up) is indexed first when the write
        // lock is free. Otherwise the page is still right, only slower.
        let t = storage::queue::Tuning::default();
        if storage::queue::backlog(conn, t.backlog_max)?.rows() > t.backlog_max {
            // One step only, and no pause: this may be the screen's own thread; the background
            // upkeep (`maintain_search`) takes the rest in steps with gaps for the clerks.
            storage::queue::try_catch_up(conn, SEARCH_CATCH_UP_ROWS)?;
        }
    }
    let cal = super::calendar::effective(conn)?;
    let today = jst_date(ctx.now);
    let rows = match (from, a.filter.is_some()) {
        (Resume::Offset(n), true) => {
            a.offset = *n;
            storage::queue::queue_page(conn, q, sort, &a)?
        }
        (Resume::After(k, id), false) => {
            storage::queue::queue_page_after(conn, q, sort, &a, Some((k.as_deref(), *id)))?
        }
        // A resume point of another kind (the filter changed meanwhile): from the start.
        _ => storage::queue::queue_page(conn, q, sort, &a)?,
    };
    let full = u32::try_from(rows.len()).unwrap_or(u32::MAX) >= limit && limit > 0;
    let next = match rows.last().filter(|_| full) {
        None => None,
        Some(_) if a.filter.is_some() => {
            let done = match from {
                Resume::Offset(n) => *n,
                _ => 0,
            };
            Some(Resume::Offset(done.saturating_add(limit)))
        }
        Some(last) => Some(Resume::After(
            storage::queue::sort_key(sort, last),
            last.id.get(),
        )),
    };
    let lines = rows
        .into_iter()
        .map(|mut row| {
            row.display_name = sanitize(&row.display_name, false);
            row.establishment_name = row.establishment_name.map(|n| sanitize(&n, false));
            let dl = row
                .deadline
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map(|d| days_left(d, today, &cal));
            QueueLine {
                row,
                days_left: dl.map(|d| d.open_days),
                urgency: dl.map(urgency),
            }
        })
        .collect();
    Ok((lines, next))
}

/// Rows the queue filter's search index takes in one catch-up: one write transaction of about
/// 40 ms (three tables each, about 20 µs a row), so that clerks' actions never wait long for
/// the lock (issue 16 item 2); the next pass continues.
pub const SEARCH_CATCH_UP_ROWS: usize = 2_000;

/// Brings the queue filter's search index up to date (`storage::queue`) if the write lock
/// is free now, in a few steps with a pause for the clerks after each: background work only
/// (the TUI's background thread, `mail sync --watch`, `sweep`, after an import). Returns the
/// rows indexed. Not a staff action: no audit.
///
/// # Errors
/// Storage failures other than the lock being taken.
pub fn catch_up_search(store: &Store) -> Result<usize> {
    let mut total = 0;
    // A few passes at most, so that a caller never holds on for long.
    for _ in 0..4 {
        match storage::queue::try_catch_up(store.conn(), SEARCH_CATCH_UP_ROWS)? {
            Some(done) => {
                total += done.indexed;
                if !done.more {
                    break;
                }
                storage::pause_for_others(store.conn());
            }
            None => break,
        }
    }
    Ok(total)
}

/// The queue filter's search index caught up with everything there is, in short
/// transactions with a pause between (each of [`SEARCH_CATCH_UP_ROWS`]): what an import does
/// once it has written, so that the first filtered list after it finds the index current
/// (issue 16 item 5: lists that caught up themselves took 0.35-1.3 s). Stops early when
/// another session holds the write lock; the background upkeep does the rest.
///
/// # Errors
/// Storage failures other than the lock being taken.
pub fn catch_up_search_all(store: &Store) -> Result<usize> {
    let mut total = 0;
    loop {
        let n = catch_up_search(store)?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
        storage::pause_for_others(store.conn());
    }
}

/// Leaf pages of the search index merged per table in one maintenance step: a write
/// transaction of 40-60 ms at L scale (`benches/sweep.rs`; 1,000 pages took 0.3 s).
pub const SEARCH_MERGE_PAGES: i64 = 200;

/// The background upkeep of the queue filter's search index: [`catch_up_search`], then one
/// step of merging its segments (`storage::queue::merge_step`). The TUI's background
/// thread, `mail sync --watch` and `sweep` call it. Returns the rows indexed.
///
/// # Errors
/// Storage failures other than the lock being taken.
pub fn maintain_search(store: &Store) -> Result<usize> {
    let n = catch_up_search(store)?;
    storage::queue::try_merge_step(store.conn(), SEARCH_MERGE_PAGES)?;
    Ok(n)
}

/// Counts of every queue, in `Queue::ALL` order.
///
/// # Errors
/// `Denied`, storage failures.
pub fn counts(store: &Store, ctx: &Ctx) -> Result<Vec<(Queue, i64)>> {
    let conn = store.conn();
    require(conn, ctx, Permission::ViewQueues)?;
    let a = args(conn, ctx, "", 0)?;
    Queue::ALL
        .into_iter()
        .map(|q| Ok((q, storage::queue::queue_count(conn, q, &a)?)))
        .collect()
}

/// The supervisor dashboard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Dashboard {
    pub counts: Vec<(Queue, i64)>,
    /// Today's state changes per staff member: (name, action, count).
    pub throughput: Vec<(String, String, i64)>,
    /// The pending item with the earliest deadline: (id, name, deadline).
    pub oldest: Option<(i64, String, Option<String>)>,
    /// Pending job offers by category (一般・学生・障害者).
    pub by_category: Vec<(String, i64)>,
    /// Outbox counts by state.
    pub mail: Vec<(String, i64)>,
    pub mail_oldest_waiting: Option<String>,
    pub locked_staff: Vec<String>,
}

/// # Errors
/// `Denied`, storage failures.
pub fn dashboard(store: &Store, ctx: &Ctx) -> Result<Dashboard> {
    let conn = store.conn();
    require(conn, ctx, Permission::ViewDashboard)?;
    let a = args(conn, ctx, "", 0)?;
    let counts = Queue::ALL
        .into_iter()
        .map(|q| Ok((q, storage::queue::queue_count(conn, q, &a)?)))
        .collect::<Result<Vec<_>>>()?;
    // Today from 00:00 JST.
    let midnight = jst_date(ctx.now)
        .and_hms_opt(0, 0, 0)
        .map(|t| t - Duration::hours(9))
        .map(|t| to_db(t.and_utc()))
        .unwrap_or_default();
    Ok(Dashboard {
        counts,
        throughput: rs::throughput_since(conn, &midnight)?
            .into_iter()
            .map(|(n, a, c)| (sanitize(&n, false), a, c))
            .collect(),
        oldest: rs::oldest_pending(conn)?.map(|(i, n, d)| (i, sanitize(&n, false), d)),
        by_category: rs::pending_jobs_by_category(conn)?,
        mail: storage::outbox::counts(conn)?
            .into_iter()
            .map(|(s, n)| (s.code().to_string(), n))
            .collect(),
        mail_oldest_waiting: storage::outbox::oldest_waiting(conn)?,
        locked_staff: rs::locked_staff(conn, ctx.now)?
            .into_iter()
            .map(|n| sanitize(&n, false))
            .collect(),
    })
}
