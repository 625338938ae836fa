//! Reading a queue off its own indexes: the named values a statement binds ([`Binds`]), rows
//! with their sort key ([`Hit`]), and the walks that read the first rows of a queue's span in
//! its order, merged over its arms (unfiltered, or checked with the LIKE).

use rusqlite::types::Value;
use rusqlite::{Connection, Row, Statement};

use super::plan::{Narrow, Span, arms, has_null_deadlines, queue_span, walk_sql};
use super::{QueueArgs, QueueRow, bad};
use crate::domain::queue::{Queue, Sort};
use crate::domain::submission::{SubmissionKind, SubmissionState};
use crate::storage::Result;

/// Named values; each statement takes the ones it names.
#[derive(Debug, Clone, Default)]
pub(super) struct Binds(Vec<(&'static str, Value)>);

impl Binds {
    pub(super) fn set(&mut self, name: &'static str, v: Value) {
        if let Some(slot) = self.0.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = v;
        } else {
            self.0.push((name, v));
        }
    }

    pub(super) fn base(a: &QueueArgs, upto: i64) -> Binds {
        let mut b = Binds::default();
        b.set(":me", Value::Integer(a.me.get()));
        b.set(":today", Value::Text(a.today.clone()));
        b.set(":soon", Value::Text(a.soon.clone()));
        b.set(":upto", Value::Integer(upto));
        if let Some((plain, key)) = &a.filter {
            b.set(":pat", Value::Text(like_pattern(plain)));
            b.set(":kpat", Value::Text(like_pattern(key)));
        }
        b
    }

    pub(super) fn apply(&self, stmt: &mut Statement<'_>) -> Result<()> {
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
pub(super) struct Hit {
    pub(super) key: Option<String>,
    pub(super) row: QueueRow,
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

pub(super) fn hits(conn: &Connection, sql: &str, b: &Binds) -> Result<Vec<Hit>> {
    let mut stmt = conn.prepare_cached(sql)?;
    b.apply(&mut stmt)?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(hit(r)?);
    }
    Ok(out)
}

pub(super) fn order(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    (&a.key, a.row.id).cmp(&(&b.key, b.row.id))
}

/// The first `need` rows of a span of the queue, merged over its arms.
pub(super) fn walk(
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
            span = span.before(last.key.as_deref(), last.row.id.get());
        }
    }
    Ok(out)
}

/// The first `need` rows of the queue in its order, walked (unfiltered, or by the LIKE).
pub(super) fn walk_queue(
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
