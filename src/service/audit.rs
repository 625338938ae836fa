//! Reading the audit log (R-AUD-2 verify).

use crate::domain::refusal::Refusal;
use crate::domain::staff::Permission;
use crate::storage::Store;
use crate::storage::audit::{self, AuditRow, VerifyReport};

use super::{Ctx, Result, ServiceError, require};

/// Walks the hash chain. Needs no sign-in from the CLI's point of view: it reveals nothing.
///
/// # Errors
/// On SQLite failure.
pub fn verify(store: &Store) -> Result<VerifyReport> {
    Ok(audit::verify(
        store.conn(),
        store.secret(),
        store.audit_head_path().as_deref(),
    )?)
}

/// What a re-anchoring did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Anchored {
    /// The head the head file recorded before, if any (a lost tail ends there).
    pub recorded: Option<i64>,
    /// The `audit.anchor` row, now the head.
    pub head: i64,
}

/// R-AUD-2 after a restore from a replica (Litestream copies the database, not the head file
/// beside it; a replica also lacks the last rows of a server that died): the chain is walked,
/// and only when it is whole but for its head file — missing, or recording rows that are not
/// in this database — an admin records the head anew with one `audit.anchor` row that names
/// the old recorded head. A chain broken anywhere else is refused. Admin only.
///
/// # Errors
/// `Denied`; `Refused` when the chain itself does not verify; storage failure.
pub fn anchor(store: &mut Store, ctx: &Ctx) -> Result<Anchored> {
    let v = verify(store)?;
    if let Some((_, why)) = &v.first_bad
        && !matches!(why.as_str(), "head_file_missing" | "rows_cut_off")
    {
        return Err(Refusal::AuditChainBroken(why.clone()).into());
    }
    let recorded = store
        .audit_head_path()
        .map(|p| audit::recorded_head(&p))
        .transpose()
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .flatten()
        .map(|h| h.0);
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ManageStaff)?;
    let head = audit::append(
        &tx,
        &audit::AuditEntry {
            at_utc: crate::clock::to_db(ctx.now),
            staff_id: Some(ctx.staff_id),
            staff_name: Some(ctx.staff_name.clone()),
            staff_roles: Some(roles.to_list()),
            terminal: ctx.terminal.clone(),
            action: "audit.anchor".into(),
            subject: None,
            purpose: None,
            outcome: "ok".into(),
            detail: Some(format!(
                "recorded_head={} rows={} chain_head={}",
                recorded.map_or_else(|| "-".to_string(), |r| r.to_string()),
                v.rows,
                v.head.as_ref().map_or(0, |h| h.0)
            )),
        },
    )?;
    tx.commit()?;
    Ok(Anchored { recorded, head })
}

/// What a retention run did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Trimmed {
    /// The oldest row kept (the signed cut point), when rows were removed.
    pub first_kept: Option<i64>,
    pub removed: i64,
}

/// R-AUD-2 retention: removes the rows older than `days` days, from a cut point signed under
/// the install secret, so the rest still verifies; the trim itself is one audit row. Admin only.
///
/// # Errors
/// `Denied` unless the staff member manages staff (admin); storage failure.
pub fn trim(store: &mut Store, ctx: &Ctx, days: u32) -> Result<Trimmed> {
    let roles = require(store.conn(), ctx, Permission::ManageStaff)?;
    let by = audit::AuditEntry {
        staff_id: Some(ctx.staff_id),
        staff_name: Some(ctx.staff_name.clone()),
        staff_roles: Some(roles.to_list()),
        terminal: ctx.terminal.clone(),
        ..audit::AuditEntry::default()
    };
    trim_by(store, days, ctx.now, by)
}

/// The scheduled retention run of `madoguchi sweep` (cron), as the system: nothing when
/// `days` is 0 (keep every row).
///
/// # Errors
/// Storage failure.
pub fn trim_scheduled(
    store: &mut Store,
    days: u32,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Trimmed> {
    if days == 0 {
        return Ok(Trimmed {
            first_kept: None,
            removed: 0,
        });
    }
    let by = audit::AuditEntry {
        staff_name: Some("system".into()),
        terminal: "sweep".into(),
        ..audit::AuditEntry::default()
    };
    trim_by(store, days, now, by)
}

fn trim_by(
    store: &mut Store,
    days: u32,
    now: chrono::DateTime<chrono::Utc>,
    by: audit::AuditEntry,
) -> Result<Trimmed> {
    let secret = store.secret().clone();
    let keep_since = crate::clock::to_db(now - chrono::Duration::days(i64::from(days)));
    let tx = store.immediate()?;
    let done = audit::trim(&tx, &secret, &keep_since, &crate::clock::to_db(now))?;
    let (first_kept, removed) = done.map_or((None, 0), |(f, n)| (Some(f), n));
    audit::append(
        &tx,
        &audit::AuditEntry {
            at_utc: crate::clock::to_db(now),
            action: "audit.trim".into(),
            outcome: "ok".into(),
            detail: Some(format!(
                "retention_days={days} removed={removed} first_kept={}",
                first_kept.map_or_else(|| "-".to_string(), |f| f.to_string())
            )),
            ..by
        },
    )?;
    tx.commit()?;
    tracing::info!(
        retention_days = days,
        removed,
        first_kept,
        "audit retention cut done"
    );
    Ok(Trimmed {
        first_kept,
        removed,
    })
}

/// # Errors
/// `Denied` unless the staff member may read the log (supervisor, auditor).
pub fn recent(store: &Store, ctx: &Ctx, limit: i64) -> Result<Vec<AuditRow>> {
    require(store.conn(), ctx, Permission::ViewAudit)?;
    Ok(audit::recent(store.conn(), limit)?)
}

/// What the audit viewer filters on (R-AUD-3 viewer). Dates are JST days, inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Staff sign-in name.
    pub staff: Option<String>,
    /// An action (`lookup.reveal`) or a prefix ending in `.` (`lookup.`).
    pub action: Option<String>,
    /// `account:12`, `staff:3`, … as written in the log.
    pub subject: Option<String>,
    pub since: Option<chrono::NaiveDate>,
    pub until: Option<chrono::NaiveDate>,
}

/// The UTC instant a JST day starts, as stored.
#[must_use]
pub fn jst_day_start(d: chrono::NaiveDate) -> String {
    let local = d.and_time(chrono::NaiveTime::MIN);
    crate::clock::to_db(local.and_utc() - chrono::Duration::hours(9))
}

fn to_query(store: &Store, f: &Filter, limit: i64) -> Result<Option<audit::AuditQuery>> {
    let staff_id = match f.staff.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => match crate::storage::staff::by_name(store.conn(), name)? {
            Some(s) => Some(s.id),
            // No such staff member: nothing matches.
            None => return Ok(None),
        },
        None => None,
    };
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Ok(Some(audit::AuditQuery {
        staff_id,
        action: nonempty(&f.action),
        subject: nonempty(&f.subject),
        since: f.since.map(jst_day_start),
        until: f.until.and_then(|d| d.succ_opt()).map(jst_day_start),
        limit,
    }))
}

/// Rows matching the filter, newest first.
///
/// # Errors
/// `Denied` unless the staff member may read the log.
pub fn list(store: &Store, ctx: &Ctx, f: &Filter, limit: i64) -> Result<Vec<AuditRow>> {
    require(store.conn(), ctx, Permission::ViewAudit)?;
    match to_query(store, f, limit)? {
        Some(q) => Ok(audit::query(store.conn(), &q)?),
        None => Ok(Vec::new()),
    }
}

/// One CSV field: quoted when needed; a leading `= + - @`, tab or carriage return is
/// prefixed with `'` so that a spreadsheet never runs it as a formula.
fn csv_field(s: &str) -> String {
    // SPEC §5: the export may be read on a terminal (`| less`); a field keeps its line breaks.
    let s = crate::domain::text::sanitize(s, true);
    let s = if s.len() > 1 && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.clone()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub const CSV_HEADER: &str = "id,at_utc,at_jst,staff_id,staff_name,staff_roles,terminal,action,subject,purpose,outcome,detail,prev_hash,hash";

/// The byte-order mark that starts every CSV file: without it Japanese Excel reads the file as
/// `Shift_JIS` and shows mojibake.
pub const CSV_BOM: &str = "\u{feff}";

/// Line end of the CSV files (RFC 4180, what Excel writes).
pub const CSV_EOL: &str = "\r\n";

/// Writes the rows of the JST days `since..=until` as CSV for Japanese Excel (UTF-8 with a
/// byte-order mark, CRLF line ends, a header line), oldest first; returns how many rows. The
/// export itself is one audit row, also when the output failed part way (a reader that closed,
/// a full disk): then its outcome is `partial` with the rows handed to the output, and the
/// write error is returned.
///
/// # Errors
/// `Denied` without the audit permission; storage failure; the output failed (`Internal`).
pub fn export_csv(
    store: &mut Store,
    ctx: &Ctx,
    since: chrono::NaiveDate,
    until: chrono::NaiveDate,
    out: &mut dyn std::io::Write,
) -> Result<i64> {
    let roles = require(store.conn(), ctx, Permission::ViewAudit)?;
    let (from, to) = (
        jst_day_start(since),
        jst_day_start(until.succ_opt().unwrap_or(until)),
    );
    let mut n = 0;
    let mut failed: Option<std::io::Error> = None;
    if let Err(e) = write!(out, "{CSV_BOM}{CSV_HEADER}{CSV_EOL}") {
        failed = Some(e);
    } else {
        let walk = audit::for_each_between(store.conn(), &from, &to, |r| {
            let e = &r.entry;
            let opt = |v: &Option<String>| csv_field(v.as_deref().unwrap_or(""));
            let jst = crate::clock::from_db(&e.at_utc)
                .map(crate::clock::fmt_jst)
                .unwrap_or_default();
            let line = write!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}{CSV_EOL}",
                r.id,
                csv_field(&e.at_utc),
                csv_field(&jst),
                e.staff_id.map(|i| i.to_string()).unwrap_or_default(),
                opt(&e.staff_name),
                opt(&e.staff_roles),
                csv_field(&e.terminal),
                csv_field(&e.action),
                opt(&e.subject),
                opt(&e.purpose),
                csv_field(&e.outcome),
                opt(&e.detail),
                r.prev_hash,
                r.hash
            );
            match line {
                Ok(()) => {
                    n += 1;
                    Ok(())
                }
                Err(e) => {
                    // Stops the walk; the error itself is kept below.
                    let stop = crate::storage::StorageError::Corrupt(format!("output: {e}"));
                    failed = Some(e);
                    Err(stop)
                }
            }
        });
        match walk {
            Err(e) if failed.is_none() => return Err(e.into()),
            _ => {}
        }
        if failed.is_none()
            && let Err(e) = out.flush()
        {
            failed = Some(e);
        }
    }
    let tx = store.immediate()?;
    super::audit(
        &tx,
        ctx,
        Some(&roles),
        super::Audit {
            action: "audit.export",
            subject: None,
            purpose: None,
            outcome: if failed.is_some() { "partial" } else { "ok" },
            detail: Some(format!("since={since} until={until} rows={n}")),
        },
    )?;
    tx.commit()?;
    match failed {
        Some(e) => Err(ServiceError::Internal(format!("output: {e}"))),
        None => Ok(n),
    }
}

/// One row of the report's lists.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportLine {
    pub id: i64,
    pub at_utc: String,
    pub staff: String,
    pub action: String,
    pub subject: Option<String>,
    pub purpose: Option<String>,
}

/// R-AUD-3: lookups per staff per day, lookups not followed by any transaction within
/// `domain::lookup::FOLLOW_MINUTES`, access outside office hours or on closed days.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub since: chrono::NaiveDate,
    pub until: chrono::NaiveDate,
    pub per_staff_day: Vec<crate::domain::lookup::StaffDay>,
    pub unfollowed: Vec<ReportLine>,
    pub after_hours: Vec<ReportLine>,
}

/// # Errors
/// `Denied` unless the staff member may read the log.
pub fn report(
    store: &Store,
    cfg: &crate::config::Config,
    ctx: &Ctx,
    since: chrono::NaiveDate,
    until: chrono::NaiveDate,
) -> Result<Report> {
    use crate::domain::lookup::{self as rules, LogEvent};
    require(store.conn(), ctx, Permission::ViewAudit)?;
    let from = jst_day_start(since);
    let to = jst_day_start(until.succ_opt().unwrap_or(until));
    let to_t = crate::clock::from_db(&to).unwrap_or(ctx.now);
    let tail = crate::clock::to_db(to_t + chrono::Duration::minutes(rules::FOLLOW_MINUTES));
    let mut rows = Vec::new();
    audit::for_each_between(store.conn(), &from, &tail, |r| {
        // Rows without a staff member (the system, imports) are not access by staff.
        if r.entry.staff_id.is_some() {
            rows.push(r);
        }
        Ok(())
    })?;
    let events: Vec<LogEvent> = rows
        .iter()
        .filter_map(|r| {
            Some(LogEvent {
                id: r.id,
                at: crate::clock::from_db(&r.entry.at_utc)?,
                staff: r.entry.staff_name.clone().unwrap_or_default(),
                action: r.entry.action.clone(),
                subject: r.entry.subject.clone(),
            })
        })
        .collect();
    let (open, close) = cfg.office.hours_range();
    let cal = super::calendar::effective(store.conn())?;
    let rep = rules::report(&events, |t| t < to_t, rules::Hours { open, close }, &cal);
    let line = |id: &i64| {
        rows.iter().find(|r| r.id == *id).map(|r| ReportLine {
            id: r.id,
            at_utc: r.entry.at_utc.clone(),
            staff: r.entry.staff_name.clone().unwrap_or_default(),
            action: r.entry.action.clone(),
            subject: r.entry.subject.clone(),
            purpose: r.entry.purpose.clone(),
        })
    };
    Ok(Report {
        since,
        until,
        per_staff_day: rep.per_staff_day,
        unfollowed: rep.unfollowed.iter().filter_map(line).collect(),
        after_hours: rep.after_hours.iter().filter_map(line).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_aud_3_csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("plain"), "plain");
        // A tab becomes a space (SPEC §5): nothing for a spreadsheet to run.
        assert_eq!(csv_field("\tcmd"), " cmd");
        assert_eq!(csv_field("二行\r\n目"), "\"二行\n目\"");
        // SPEC §5: no control sequence from the log reaches a terminal showing the export; a
        // formula hidden behind one is still guarded.
        assert_eq!(csv_field("\u{1b}[31m赤\u{202e}"), "赤");
        assert_eq!(csv_field("\u{1b}]0;x\u{7}=cmd()"), "'=cmd()");
    }

    #[test]
    fn jst_day_starts_at_15_utc_the_day_before() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        assert_eq!(jst_day_start(d), "2026-11-23T15:00:00Z");
    }
}
