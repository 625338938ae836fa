//! A filtered page (the `/` filter, R-REV-6): the search index answers first, then the rows
//! are read by id, or each part of the queue in rowid order, or (when the index cannot help)
//! walked with the LIKE; the module docs of `storage::queue` say which when.

use std::collections::HashSet;
use std::fmt::Write as _;

use rusqlite::Connection;
use rusqlite::types::Value;

use super::index::{self, Table};
use super::matches::{self, Text};
use super::plan::{MINE_CAPPED_SQL, Narrow, direct_sql, key_range, ordered_sql, parts, sort_table};
use super::rowid;
use super::walk::{Binds, Hit, hits, order, walk_queue};
use super::{QueueArgs, Tuning};
use crate::domain::queue::{Queue, Sort};
use crate::storage::Result;

#[allow(clippy::too_many_arguments)]
pub(super) fn filtered(
    conn: &Connection,
    q: Queue,
    sort: Sort,
    a: &QueueArgs,
    plain: &str,
    key: &str,
    t: &Tuning,
    need: usize,
) -> Result<Vec<Hit>> {
    let backlog = index::backlog(conn, t.backlog_max)?;
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
    let text = matches::either(
        matches::contains(conn, plain, t.max_grams)?,
        matches::contains(conn, key, t.max_grams)?,
    );
    let (m, most) = match text {
        Text::Anything => return like_walk(&b),
        Text::Nothing => (matches::NO_ROW.to_string(), 0),
        Text::Expr(e, most) => (e, most),
    };
    b.set(":m", Value::Text(m.clone()));
    // Few matches (the common case of a name or number) cost one index query, then as many
    // rows. Skipped when the trigram counts already say there are many.
    let likely_few = usize::try_from(most).unwrap_or(usize::MAX) <= 4 * t.direct_max;
    let few = if m == matches::NO_ROW {
        Some(Vec::new())
    } else if likely_few {
        Some(matches::rowids_in(
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
    let stale = index::stale_ids(conn)?;
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
        picked.extend(matches::first_rowids(
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
    let kept = hits
        .iter()
        .filter(|h| ids.contains(&h.row.id.get()))
        .count();
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
    let rowids = matches::rowids_in(conn, Table::Deadline, m, &ranges, cap)?;
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
                    Some(name) => index::rank(conn, name)?,
                    None => None,
                },
            };
            if let Some(k) = key {
                hi = hi.min(rowid::bound(p, k, last.row.id.get()));
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
