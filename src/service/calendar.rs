//! Office closures (R-DL-2): admins add and remove the office's own closed days; the effective
//! calendar is the bundled national holidays and year-end closure plus these.

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use crate::domain::calendar::{Calendar, Closure};
use crate::domain::refusal::Refusal;
use crate::domain::staff::Permission;
use crate::storage::{self, Store};

use super::{Audit, Ctx, FieldIssue, Result, ServiceError, audit, require};

/// Longest closure reason, in characters.
pub const REASON_MAX: usize = 40;

/// SPEC §5 at entry: a closure reason is required, holds no control character or bidi
/// override (refused, not stored cleaned) and is at most [`REASON_MAX`] characters.
#[must_use]
pub fn reason_issue(reason: &str) -> Option<FieldIssue> {
    if reason.trim().is_empty() {
        return Some(FieldIssue::error("reason", "required"));
    }
    FieldIssue::of_text("reason", reason, false, REASON_MAX)
}

/// The calendar deadlines are computed with: bundled holidays + office closures.
///
/// # Errors
/// On SQLite failure.
pub fn effective(conn: &Connection) -> Result<Calendar> {
    let closures = storage::closures::all(conn)?;
    Ok(super::calendar().clone().with_closures(closures))
}

/// What adding a closure did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClosureAdded {
    pub date: NaiveDate,
    /// The year has no official holiday data: deadlines there may still move (R-DL-2).
    pub no_official_data: bool,
}

/// Adds an office closure. Admin only; one audit row.
///
/// # Errors
/// `Denied`, `Invalid` (empty or long reason), `Refused` when the date already is a closure.
pub fn add_closure(
    store: &mut Store,
    ctx: &Ctx,
    date: NaiveDate,
    reason: &str,
) -> Result<ClosureAdded> {
    if let Some(issue) = reason_issue(reason) {
        return Err(ServiceError::Invalid(vec![issue]));
    }
    let reason = reason.trim().to_string();
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ManageStaff)?;
    if !storage::closures::add(&tx, date, &reason, Some(ctx.staff_id), ctx.now)? {
        return Err(Refusal::AlreadyClosed(date).into());
    }
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "calendar.add",
            subject: Some(format!("closure:{date}")),
            purpose: None,
            outcome: "ok",
            detail: Some(reason),
        },
    )?;
    tx.commit()?;
    Ok(ClosureAdded {
        date,
        no_official_data: !super::calendar().has_official_data(date.year()),
    })
}

/// Removes an office closure. Admin only; one audit row. Returns the reason it had.
///
/// # Errors
/// `Denied`, `NotFound`.
pub fn remove_closure(store: &mut Store, ctx: &Ctx, date: NaiveDate) -> Result<String> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ManageStaff)?;
    let reason = storage::closures::remove(&tx, date)?.ok_or(ServiceError::NotFound)?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "calendar.remove",
            subject: Some(format!("closure:{date}")),
            purpose: None,
            outcome: "ok",
            detail: Some(reason.clone()),
        },
    )?;
    tx.commit()?;
    Ok(reason)
}

/// A year's closed days as staff see them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct YearView {
    pub year: i32,
    pub official_data: bool,
    /// Office closures (date, reason).
    pub closures: Vec<(NaiveDate, String)>,
    /// National holidays from the bundled list (date, name).
    pub holidays: Vec<(NaiveDate, String)>,
}

/// The office closures and holidays of a year (not personal data: no permission needed).
///
/// # Errors
/// `Invalid` for a year outside the date range; on SQLite failure.
pub fn list(store: &Store, year: i32) -> Result<YearView> {
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(ServiceError::Invalid(vec![FieldIssue::error(
            "year", "format",
        )]));
    };
    let closures = storage::closures::between(store.conn(), from, to)?
        .into_iter()
        .map(|Closure { date, reason }| (date, reason))
        .collect();
    let cal = super::calendar();
    let holidays = from
        .iter_days()
        .take_while(|d| *d <= to)
        .filter_map(|d| cal.holiday(d).map(|h| (d, h.name.clone())))
        .collect();
    Ok(YearView {
        year,
        official_data: cal.has_official_data(year),
        closures,
        holidays,
    })
}
