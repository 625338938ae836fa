//! One transaction of the import: the chunks it takes, each line applied and counted, the
//! batch's audit row, and the careful rewrite (a savepoint per line) after a constraint.

use super::{
    AuditEntry, BatchDone, Body, Chunk, Connection, Ctx, DateTime, Duration, FUTURE_SLACK_MINUTES,
    ImportSummary, Line, LineStatements, Outcome, Permission, RAW_MAX, REJECTS_LISTED, Ready,
    Receiver, Reject, RejectLine, Result, Run, ServiceError, StorageError, Store, Utc, Written,
    activate, interchange, may_submit, password_requested, preverify, reasons, reject, require,
    sanitize, self_register, storage, submit_establishment, submit_job, to_db,
};

pub(super) fn is_constraint(e: &ServiceError) -> bool {
    matches!(e, ServiceError::Storage(StorageError::Sqlite(rusqlite::Error::SqliteFailure(f, _)))
        if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

/// Whether the batch being written goes on with the chunk after its first `have`: one already
/// in `batch`, or one the reader has ready in `more` while the batch is within its time
/// budget. A batch never waits for the reader: it commits instead, and the next one starts
/// when the next chunk comes.
pub(super) fn next_chunk(
    batch: &mut Vec<Chunk>,
    have: usize,
    more: Option<&Receiver<Chunk>>,
    within_budget: bool,
) -> bool {
    if have < batch.len() {
        return true;
    }
    if !within_budget {
        return false;
    }
    match more.map(Receiver::try_recv) {
        Some(Ok(c)) => {
            batch.push(c);
            true
        }
        _ => false,
    }
}

/// Writes the batch that starts with `batch`'s chunk, taking more chunks from `more` while
/// they are ready and the transaction is within [`TX_BUDGET`] (they end up in `batch`).
pub(super) fn run_batch(
    store: &mut Store,
    ctx: Option<&Ctx>,
    run: &mut Run<'_>,
    names: &[String],
    batch: &mut Vec<Chunk>,
    more: &Receiver<Chunk>,
    summary: &mut ImportSummary,
) -> Result<Option<Chunk>> {
    let listed = REJECTS_LISTED.saturating_sub(summary.rejects.len());
    let done = match write_batch(store, ctx, run, names, batch, Some(more), false, listed)? {
        Written::Committed(done) => done,
        Written::Refused => {
            // A constraint refused a line after it had written something (not expected: every
            // rule is checked before a line's first write). The batch was rolled back; write
            // the same chunks again with one savepoint per line, so that line alone is undone.
            tracing::warn!("import: a constraint refused a line; batch written line by line");
            match write_batch(store, ctx, run, names, batch, None, true, listed)? {
                Written::Committed(done) => done,
                Written::Refused => {
                    return Err(ServiceError::Internal("import batch refused twice".into()));
                }
            }
        }
    };
    summary.applied += done.applied;
    summary.duplicate += done.duplicate;
    summary.rejected += done.rejected;
    summary.rejects.extend(done.rejects);
    summary.batches += 1;
    summary.longest_batch = summary.longest_batch.max(done.held);
    run.calendar_warnings += done.calendar_warnings;
    Ok(done.rest)
}

/// One transaction for the batch: the chunks in `batch`, then those ready in `more` while the
/// transaction is within its budget (`more` is `None` when `batch` holds them all). Lines
/// are applied straight in the transaction: a line is refused before it writes anything, so
/// a refused line leaves nothing behind. Only a constraint failure half-way could leave part
/// of a line: then (`careful == false`) the whole transaction is dropped and
/// [`Written::Refused`] returned, and the caller writes the batch again with `careful`, one
/// savepoint per line.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_batch(
    store: &mut Store,
    ctx: Option<&Ctx>,
    run: &mut Run<'_>,
    names: &[String],
    batch: &mut Vec<Chunk>,
    more: Option<&Receiver<Chunk>>,
    careful: bool,
    listed: usize,
) -> Result<Written> {
    run.search_rows.clear();
    let warnings_before = run.calendar_warnings;
    let secret = store.secret().clone();
    let tx = store.immediate()?;
    let started = std::time::Instant::now();
    let version = run.revalidate(&tx)?;
    let roles = match ctx {
        Some(c) => Some(require(&tx, c, Permission::ActivateAccount)?),
        None => None,
    };
    let mut done = BatchDone::default();
    let mut st = storage::imports::LineStatements::prepare(&tx)?;
    let mut next = 0;
    while next_chunk(batch, next, more, run.within_budget(started.elapsed())) {
        let chunk = &mut batch[next];
        next += 1;
        if chunk.matched.is_none() {
            // No second connection (an in-memory database): the keys are checked here.
            chunk.matched = Some(preverify(&tx, &secret, &chunk.lines)?);
        }
        let chunk = &*chunk;
        let matched = chunk.matched.as_ref();
        // Where the time budget ran out inside this chunk (checked per line: a chunk of
        // withdrawals, each changing every pending item of an account, took 0.3 s).
        let mut cut = None;
        for (i, l) in chunk.lines.iter().enumerate() {
            let file = &names[l.file];
            let outcome = match &l.ready {
                Err(e) => Outcome::Rejected {
                    reason: e.code.to_string(),
                    detail: e.detail.clone(),
                    keep: false,
                },
                Ok(ev) if careful => {
                    // A savepoint by name: the held statements keep the transaction borrowed.
                    tx.execute_batch("SAVEPOINT import_line")?;
                    let out = match apply(
                        &tx,
                        &mut st,
                        run,
                        ev,
                        matched.and_then(|m| m.get(&i)).copied(),
                        file,
                        l.line,
                    ) {
                        Err(e) if is_constraint(&e) => reject(reasons::CONFLICT, e.to_string()),
                        other => other?,
                    };
                    if matches!(out, Outcome::Rejected { keep: false, .. }) {
                        tx.execute_batch("ROLLBACK TO import_line; RELEASE import_line")?;
                        // This line's counts only: each kept line's were written before.
                        st.forget_tally();
                        run.clear();
                        // Only this line's: the others' were written when they were kept.
                        run.search_rows.clear();
                    } else {
                        st.flush_tally()?;
                        tx.execute_batch("RELEASE import_line")?;
                        // Written at once, so that a later line's rollback cannot take them along.
                        storage::establishments::insert_search_rows(&tx, &run.search_rows)?;
                        run.search_rows.clear();
                    }
                    out
                }
                Ok(ev) => match apply(
                    &tx,
                    &mut st,
                    run,
                    ev,
                    matched.and_then(|m| m.get(&i)).copied(),
                    file,
                    l.line,
                ) {
                    Err(e) if is_constraint(&e) => {
                        run.calendar_warnings = warnings_before;
                        return Ok(Written::Refused);
                    }
                    other => other?,
                },
            };
            count(&tx, &mut done, l, file, outcome, run.now, listed)?;
            if more.is_some() && i + 1 < chunk.lines.len() && !run.within_budget(started.elapsed())
            {
                cut = Some(i + 1);
                break;
            }
        }
        if let Some(at) = cut {
            done.rest = Some(batch[next - 1].split_off(at));
            break;
        }
    }
    let lines_done = started.elapsed();
    st.flush_tally()?;
    drop(st);
    storage::establishments::insert_search_rows(&tx, &run.search_rows)?;
    run.search_rows.clear();
    let lines = || batch.iter().flat_map(|c| &c.lines);
    let files: Vec<String> = {
        let mut f: Vec<usize> = lines().map(|l| l.file).collect();
        f.dedup();
        f.into_iter().map(|i| sanitize(&names[i], false)).collect()
    };
    let first = lines().next().map_or(0, |l| l.line);
    let last = lines().last().map_or(0, |l| l.line);
    let (applied, duplicate, rejected) = (done.applied, done.duplicate, done.rejected);
    storage::audit::append(
        &tx,
        &AuditEntry {
            at_utc: to_db(run.now),
            staff_id: ctx.map(|c| c.staff_id),
            staff_name: Some(ctx.map_or_else(|| "system".to_string(), |c| c.staff_name.clone())),
            staff_roles: roles.as_ref().map(crate::domain::staff::Roles::to_list),
            terminal: ctx.map_or_else(|| "import".to_string(), |c| c.terminal.clone()),
            action: "import.batch".into(),
            subject: Some(format!("files:{}", files.join(","))),
            purpose: None,
            outcome: if rejected == 0 { "ok" } else { "partial" }.into(),
            detail: Some(format!(
                "lines={first}-{last} applied={applied} duplicate={duplicate} rejected={rejected}"
            )),
        },
    )?;
    tx.commit()?;
    done.held = started.elapsed();
    run.took_tail(done.held.saturating_sub(lines_done));
    run.valid_for = Some(version);
    done.calendar_warnings = run.calendar_warnings - warnings_before;
    run.calendar_warnings = warnings_before;
    Ok(Written::Committed(done))
}

/// Counts a line's outcome in `done`; a refused line goes to `import_rejects`, and to the
/// summary's list while it has fewer than `listed`.
pub(super) fn count(
    conn: &Connection,
    done: &mut BatchDone,
    l: &Line,
    file: &str,
    outcome: Outcome,
    now: DateTime<Utc>,
    listed: usize,
) -> Result<()> {
    match outcome {
        Outcome::Applied => done.applied += 1,
        Outcome::Duplicate => done.duplicate += 1,
        Outcome::Rejected { reason, detail, .. } => {
            done.rejected += 1;
            let event_id = match &l.ready {
                Ok(ev) => Some(ev.event_id.clone()),
                Err(e) => e.event_id.clone(),
            };
            let r = Reject {
                file: file.to_string(),
                line: l.line,
                event_id: event_id.clone(),
                reason,
                detail,
                raw: interchange::truncate_raw(&l.bytes, RAW_MAX),
            };
            storage::imports::insert_reject(conn, &r, now)?;
            if done.rejects.len() < listed {
                done.rejects.push(RejectLine {
                    file: r.file,
                    line: r.line,
                    event_id,
                    reason: r.reason,
                    detail: r.detail,
                });
            }
        }
    }
    Ok(())
}

/// Applies one event: its id is recorded first (an id already there is a duplicate) and
/// forgotten again when the line is refused without effects.
pub(super) fn apply(
    conn: &Connection,
    st: &mut LineStatements<'_>,
    run: &mut Run<'_>,
    ev: &Ready,
    matched_key: Option<i64>,
    file: &str,
    line: u64,
) -> Result<Outcome> {
    if !st.claim(&ev.event_id, &run.now_db, file, line)? {
        return Ok(Outcome::Duplicate);
    }
    let out = judge_and_write(conn, st, run, ev, matched_key)?;
    if matches!(out, Outcome::Rejected { keep: false, .. }) {
        storage::imports::unclaim(conn, &ev.event_id)?;
    }
    Ok(out)
}

/// What an event does, every rule checked before its first write.
pub(super) fn judge_and_write(
    conn: &Connection,
    st: &mut LineStatements<'_>,
    run: &mut Run<'_>,
    ev: &Ready,
    matched_key: Option<i64>,
) -> Result<Outcome> {
    if ev.occurred_at > run.now + Duration::minutes(FUTURE_SLACK_MINUTES) {
        return Ok(reject(
            reasons::FUTURE_TIME,
            format!(
                "occurred_at {} is after {}",
                to_db(ev.occurred_at),
                to_db(run.now)
            ),
        ));
    }
    let key = ev.email_key.as_deref();
    if let Body::SelfRegistered { email, key: new } = &ev.body {
        let out = self_register(conn, run, key, email, new)?;
        run.forget(key);
        return Ok(out);
    }
    let Some(acc) = run.account(conn, key)? else {
        return Ok(reject(
            reasons::UNKNOWN_ACCOUNT,
            "no live account with this email",
        ));
    };
    match &ev.body {
        Body::SelfRegistered { .. } => Ok(reject(reasons::CONFLICT, "handled above")),
        Body::PasswordRequested {
            birth_date,
            key: new,
        } => password_requested(conn, run, &acc, *birth_date, new),
        Body::Activated { .. } => {
            let out = activate(conn, run, &acc, ev.occurred_at, matched_key)?;
            run.forget(key);
            Ok(out)
        }
        Body::Withdrawn => {
            // The count triggers take the withdrawn items from counts the batch may hold.
            st.flush_tally()?;
            storage::imports::withdraw_account(conn, acc.id, ev.occurred_at)?;
            storage::submissions::withdraw_pending(conn, acc.id, ev.occurred_at)?;
            run.forget(key);
            Ok(Outcome::Applied)
        }
        Body::Establishment {
            submission_id,
            data,
        } => {
            if let Some(o) = may_submit(&acc) {
                return Ok(o);
            }
            match data {
                Ok(c) => submit_establishment(conn, st, run, &acc, ev, submission_id, c),
                Err(detail) => Ok(reject(reasons::VALIDATION, detail.clone())),
            }
        }
        Body::Job {
            submission_id,
            resubmit,
            data,
        } => {
            if let Some(o) = may_submit(&acc) {
                return Ok(o);
            }
            match data {
                Ok(c) => submit_job(conn, st, run, &acc, ev, submission_id, c, *resubmit),
                Err(detail) => Ok(reject(reasons::VALIDATION, detail.clone())),
            }
        }
    }
}
