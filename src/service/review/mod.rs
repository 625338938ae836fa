//! Review use cases (SPEC §2.3): claim, release, hand over, check, record a visit, return,
//! reject, approve, comment, follow-up date, and the detail view. Each is one IMMEDIATE
//! transaction that re-reads the item, re-checks the rule and the state, writes the change,
//! a history row, an audit row and, where the employer is told, an outbox row.
//!
//! R-REV-5: every action carries the item's version its user saw (`seen`, the `rev` of
//! [`Detail`] or of a queue line): when anything changed the item since (another action of any
//! kind, a resubmission, the sweep), the action is refused with
//! `Refusal::ActedFirst { by, now }`, which `i18n::refusal` turns into
//! 「〇〇さんが先に処理しました」, even when it would still be legal from the new state (a return
//! and a reject racing never both apply). The check is made on the row read inside the action's
//! IMMEDIATE transaction, and the version moves on with a compare-and-set in it. `None` is for
//! callers that act on what they just read themselves (demo data, fixtures): the CLI and the
//! TUI always pass the version.
//!
//! `decide.rs` holds return, reject and approve; `detail.rs` the detail view; this file the
//! everyday actions and the guard, history and audit rows they all write.

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::domain::ids::{AccountId, StaffId, SubmissionId};
use crate::domain::refusal::Refusal;
use crate::domain::review::{self, ReviewAction, ReviewRefusal};
use crate::domain::staff::{Permission, Role};
use crate::domain::submission::{SubmissionKind, SubmissionState, transition};
use crate::domain::text::sanitize;
use crate::storage::review::{self as rs, Facts, NewHistory};
use crate::storage::{self, Store};

use super::{Audit, Ctx, FieldIssue, Result, ServiceError, audit, require};

mod decide;
mod detail;
pub use decide::{approve, pick_reason, reject, return_item};
pub use detail::{
    Detail, StoredFinding, VisitReasonLine, detail, for_account, reread, visit_reasons,
};

/// Longest free text of a reason or comment, in characters.
pub const TEXT_MAX: usize = 400;

/// What an action did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    pub id: SubmissionId,
    pub action: &'static str,
    pub state: SubmissionState,
    /// Mails queued (subject).
    pub mails: Vec<String>,
    /// Items approved with it (R-REV-4 establishment + jobs), with their numbers.
    pub registered: Vec<Registered>,
    /// Checked jobs of the establishment left for later, with the reason code.
    pub skipped: Vec<(SubmissionId, &'static str)>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Registered {
    pub id: SubmissionId,
    pub kind: SubmissionKind,
    pub number: String,
}

fn refusal(r: ReviewRefusal) -> ServiceError {
    Refusal::Review(r).into()
}

/// R-REV-5: who changed the state last (or, `any`, made the last change of any kind), and the
/// state now.
fn acted_first_by(conn: &Connection, f: &Facts, any: bool) -> Result<ServiceError> {
    let last = if any {
        rs::last_change(conn, f.id)?
    } else {
        rs::last_state_change(conn, f.id)?
    };
    Ok(Refusal::ActedFirst {
        by: last
            .and_then(|h| h.staff_name)
            .map(|who| sanitize(&who, false)),
        now: f.state,
    }
    .into())
}

fn acted_first(conn: &Connection, f: &Facts) -> Result<ServiceError> {
    acted_first_by(conn, f, false)
}

fn load(conn: &Connection, id: SubmissionId) -> Result<Facts> {
    rs::facts(conn, id)?.ok_or(ServiceError::NotFound)
}

/// R-REV-5: the item is still at the version its user saw, and that version moves on now (in
/// the caller's transaction: it applies only if the action commits).
fn take_version(conn: &Connection, f: &Facts, seen: Option<i64>) -> Result<()> {
    if seen.is_some_and(|v| v != f.rev) || !rs::bump_rev(conn, f.id, f.rev)? {
        return Err(acted_first_by(conn, f, true)?);
    }
    Ok(())
}

/// The item as its user saw it must still be so (its version, R-REV-5); and the action must
/// apply now. When another person changed it, the refusal says who.
fn guard(conn: &Connection, f: &Facts, action: ReviewAction, seen: Option<i64>) -> Result<()> {
    if seen.is_some_and(|v| v != f.rev) {
        return Err(acted_first_by(conn, f, true)?);
    }
    if !review::allows(f.state, action) {
        if rs::last_state_change(conn, f.id)?.is_some() {
            return Err(acted_first(conn, f)?);
        }
        return Err(Refusal::Review(ReviewRefusal::State(action, f.state)).into());
    }
    take_version(conn, f, seen)
}

fn subject(id: SubmissionId) -> String {
    format!("submission:{id}")
}

fn history(
    conn: &Connection,
    ctx: &Ctx,
    id: SubmissionId,
    action: &str,
    states: Option<(SubmissionState, SubmissionState)>,
    detail: Option<&str>,
) -> Result<()> {
    rs::add_history(
        conn,
        &NewHistory {
            submission_id: id,
            staff_id: Some(ctx.staff_id),
            action,
            from_state: states.map(|s| s.0),
            to_state: states.map(|s| s.1),
            detail,
        },
        ctx.now,
    )?;
    Ok(())
}

fn audit_ok(
    conn: &Connection,
    ctx: &Ctx,
    roles: &crate::domain::staff::Roles,
    action: &str,
    id: SubmissionId,
    detail: Option<String>,
) -> Result<()> {
    audit(
        conn,
        ctx,
        Some(roles),
        Audit {
            action,
            subject: Some(subject(id)),
            purpose: None,
            outcome: "ok",
            detail,
        },
    )?;
    Ok(())
}

/// A comment or a return/reject free text as typed (SPEC §5): control characters and bidi
/// overrides refused (line breaks kept), at most [`TEXT_MAX`] characters; the trimmed text.
///
/// # Errors
/// `Invalid` on `comment`.
pub fn clean_text(s: &str) -> Result<String> {
    // SPEC §5: refused at entry, not stored cleaned.
    if let Some(c) = crate::domain::text::forbidden_char(s, true) {
        return Err(ServiceError::Invalid(vec![
            FieldIssue::error("comment", "control_char").with(crate::domain::text::char_code(c)),
        ]));
    }
    let t = sanitize(s.trim(), true);
    if t.chars().count() > TEXT_MAX {
        return Err(ServiceError::Invalid(vec![
            FieldIssue::error("comment", "too_long").with(TEXT_MAX.to_string()),
        ]));
    }
    Ok(t)
}

/// 担当する (R-REV-6). Refused when a colleague holds it (use hand over).
///
/// # Errors
/// `Denied`, `NotFound`, `Refused` (not pending, or someone else claimed it first).
pub fn claim(store: &mut Store, ctx: &Ctx, id: SubmissionId, seen: Option<i64>) -> Result<Outcome> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Review)?;
    let f = load(&tx, id)?;
    guard(&tx, &f, ReviewAction::Claim, seen)?;
    if let Some(other) = f.assigned_staff.filter(|s| *s != ctx.staff_id) {
        let name = storage::staff::by_id(&tx, other)?
            .map(|s| s.display_name)
            .unwrap_or_default();
        return Err(Refusal::ActedFirst {
            by: Some(sanitize(&name, false)),
            now: f.state,
        }
        .into());
    }
    rs::set_assigned(&tx, id, Some(ctx.staff_id), ctx.now)?;
    history(&tx, ctx, id, "claim", None, None)?;
    audit_ok(&tx, ctx, &roles, "review.claim", id, None)?;
    tx.commit()?;
    Ok(simple(id, "claim", f.state))
}

fn simple(id: SubmissionId, action: &'static str, state: SubmissionState) -> Outcome {
    Outcome {
        id,
        action,
        state,
        mails: Vec::new(),
        registered: Vec::new(),
        skipped: Vec::new(),
    }
}

/// 担当を外す: only the holder (or a supervisor) releases.
///
/// # Errors
/// `Denied`, `NotFound`, `Refused`.
pub fn release(
    store: &mut Store,
    ctx: &Ctx,
    id: SubmissionId,
    seen: Option<i64>,
) -> Result<Outcome> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Review)?;
    let f = load(&tx, id)?;
    guard(&tx, &f, ReviewAction::Release, seen)?;
    if f.assigned_staff != Some(ctx.staff_id) && !roles.has(Role::Supervisor) {
        return Err(Refusal::NotAssignedToYou.into());
    }
    rs::set_assigned(&tx, id, None, ctx.now)?;
    history(&tx, ctx, id, "release", None, None)?;
    audit_ok(&tx, ctx, &roles, "review.release", id, None)?;
    tx.commit()?;
    Ok(simple(id, "release", f.state))
}

/// 引き継ぎ: hands the item to a colleague who may review (by sign-in name).
///
/// # Errors
/// `Denied`, `NotFound` (item or colleague), `Refused`.
pub fn hand_over(
    store: &mut Store,
    ctx: &Ctx,
    id: SubmissionId,
    to_name: &str,
    seen: Option<i64>,
) -> Result<Outcome> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Review)?;
    let f = load(&tx, id)?;
    guard(&tx, &f, ReviewAction::HandOver, seen)?;
    let to = storage::staff::by_name(&tx, to_name.trim())?.ok_or(ServiceError::NotFound)?;
    if to.disabled || !to.roles.may(Permission::Review) {
        return Err(Refusal::ColleagueCannotReview.into());
    }
    if f.assigned_staff.is_some_and(|s| s != ctx.staff_id) && !roles.has(Role::Supervisor) {
        return Err(Refusal::NotAssignedToYou.into());
    }
    rs::set_assigned(&tx, id, Some(to.id), ctx.now)?;
    let detail = format!("to:{}", to.name);
    history(&tx, ctx, id, "handover", None, Some(&detail))?;
    audit_ok(&tx, ctx, &roles, "review.handover", id, Some(detail))?;
    tx.commit()?;
    Ok(simple(id, "handover", f.state))
}

/// 確認 with the ticked checklist (codes of `domain::review::CHECKLIST`; all must be ticked).
///
/// # Errors
/// `Denied`, `NotFound`, `Invalid` (unknown or missing ticks), `Refused`.
pub fn check(
    store: &mut Store,
    ctx: &Ctx,
    id: SubmissionId,
    ticks: &[String],
    seen: Option<i64>,
) -> Result<Outcome> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Review)?;
    let f = load(&tx, id)?;
    // The state first: when someone acted first, that is what the clerk is told (R-REV-5).
    guard(&tx, &f, ReviewAction::Check, seen)?;
    let mut missing = Vec::new();
    for code in review::CHECKLIST.map(review::CheckItem::code) {
        if !ticks.iter().any(|t| t == code) {
            missing.push(FieldIssue::error("checklist", "required").with(code));
        }
    }
    if ticks.iter().any(|t| !review::is_checklist_item(t)) || !missing.is_empty() {
        missing.push(FieldIssue::error("checklist", "required"));
        missing.truncate(review::CHECKLIST.len());
        return Err(ServiceError::Invalid(missing));
    }
    let to = transition(f.state, crate::domain::submission::SubmissionEvent::Check)
        .map_err(|_| Refusal::Review(ReviewRefusal::State(ReviewAction::Check, f.state)))?;
    if !rs::move_state(&tx, id, f.state, to, Some(ctx.staff_id), ctx.now)? {
        return Err(acted_first(&tx, &f)?);
    }
    rs::set_checked_by(&tx, id, ctx.staff_id, ctx.now)?;
    let items = serde_json::to_string(ticks).unwrap_or_else(|_| "[]".into());
    rs::save_check(&tx, id, f.current_version, ctx.staff_id, &items, ctx.now)?;
    history(&tx, ctx, id, "check", Some((f.state, to)), Some(&items))?;
    audit_ok(&tx, ctx, &roles, "review.check", id, None)?;
    tx.commit()?;
    Ok(simple(id, "check", to))
}

/// R-VISIT-1: records the counter visit (date, who).
///
/// # Errors
/// `Denied`, `NotFound`, `Refused`.
pub fn record_visit(
    store: &mut Store,
    ctx: &Ctx,
    id: SubmissionId,
    date: NaiveDate,
    seen: Option<i64>,
) -> Result<Outcome> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Review)?;
    let f = load(&tx, id)?;
    guard(&tx, &f, ReviewAction::RecordVisit, seen)?;
    let d = date.to_string();
    rs::set_visit(&tx, id, &d, ctx.staff_id, ctx.now)?;
    history(&tx, ctx, id, "visit", None, Some(&d))?;
    audit_ok(&tx, ctx, &roles, "review.visit", id, Some(d))?;
    tx.commit()?;
    Ok(simple(id, "visit", f.state))
}

/// R-VISIT-1 "staff flagged it": the item needs a visit.
///
/// # Errors
/// `Denied`, `NotFound`, `Refused`.
pub fn flag_visit(
    store: &mut Store,
    ctx: &Ctx,
    id: SubmissionId,
    note: &str,
    seen: Option<i64>,
) -> Result<Outcome> {
    let note = clean_text(note)?;
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Review)?;
    let f = load(&tx, id)?;
    guard(&tx, &f, ReviewAction::RecordVisit, seen)?;
    rs::set_visit_flag(&tx, id, &note, ctx.now)?;
    history(&tx, ctx, id, "visit_flag", None, Some(&note))?;
    audit_ok(&tx, ctx, &roles, "review.visit_flag", id, None)?;
    tx.commit()?;
    Ok(simple(id, "visit_flag", f.state))
}

/// A comment on the item.
///
/// # Errors
/// `Denied`, `NotFound`, `Invalid` (empty, long), `Refused`.
pub fn comment(
    store: &mut Store,
    ctx: &Ctx,
    id: SubmissionId,
    text: &str,
    seen: Option<i64>,
) -> Result<Outcome> {
    let text = clean_text(text)?;
    if text.is_empty() {
        return Err(ServiceError::Invalid(vec![FieldIssue::error(
            "comment", "required",
        )]));
    }
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Review)?;
    let f = load(&tx, id)?;
    // Any state takes a comment; the version still must be the one seen (R-REV-5).
    take_version(&tx, &f, seen)?;
    rs::add_comment(&tx, id, ctx.staff_id, &text, ctx.now)?;
    history(&tx, ctx, id, "comment", None, None)?;
    audit_ok(&tx, ctx, &roles, "review.comment", id, None)?;
    tx.commit()?;
    Ok(simple(id, "comment", f.state))
}

/// フォロー日 (None clears it).
///
/// # Errors
/// `Denied`, `NotFound`, `Refused`.
pub fn follow_up(
    store: &mut Store,
    ctx: &Ctx,
    id: SubmissionId,
    date: Option<NaiveDate>,
    seen: Option<i64>,
) -> Result<Outcome> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Review)?;
    let f = load(&tx, id)?;
    guard(&tx, &f, ReviewAction::FollowUp, seen)?;
    let d = date.map(|d| d.to_string());
    rs::set_follow_up(&tx, id, d.as_deref(), ctx.now)?;
    history(&tx, ctx, id, "follow_up", None, d.as_deref())?;
    audit_ok(&tx, ctx, &roles, "review.follow_up", id, d)?;
    tx.commit()?;
    Ok(simple(id, "follow_up", f.state))
}

/// A colleague an item can be handed to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Colleague {
    pub id: StaffId,
    /// The sign-in name `hand_over` takes.
    pub name: String,
    pub display_name: String,
}

/// Who may take an item over: staff who are not disabled and may review, by sign-in name.
///
/// # Errors
/// `Denied` without the review permission; storage failures.
pub fn colleagues(store: &Store, ctx: &Ctx) -> Result<Vec<Colleague>> {
    let conn = store.conn();
    require(conn, ctx, Permission::Review)?;
    Ok(storage::staff::list(conn)?
        .into_iter()
        .filter(|s| !s.disabled && s.roles.may(Permission::Review))
        .map(|s| Colleague {
            id: s.id,
            display_name: sanitize(&s.display_name, false),
            name: s.name,
        })
        .collect())
}

/// What a queue line says about an item, and whose record it is: enough to ask for the
/// purpose before the item is opened (R-ID-5). Not audited: the queues show the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief {
    pub id: SubmissionId,
    pub account_id: AccountId,
    pub kind: SubmissionKind,
    pub display_name: String,
}

/// # Errors
/// `Denied`, `NotFound`, storage failures.
pub fn brief(store: &Store, ctx: &Ctx, id: SubmissionId) -> Result<Brief> {
    let conn = store.conn();
    require(conn, ctx, Permission::ViewSubmission)?;
    let row = storage::submissions::by_id(conn, id)?.ok_or(ServiceError::NotFound)?;
    Ok(Brief {
        id,
        account_id: row.account_id,
        kind: row.kind,
        display_name: sanitize(&row.display_name, false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_5_comments_and_reason_texts_refuse_control_and_bidi_characters() {
        for c in [
            '\u{0}', '\u{1B}', '\t', '\u{7F}', '\u{85}', '\u{202E}', '\u{2066}',
        ] {
            let e = clean_text(&format!("電話で{c}確認")).expect_err("refused");
            let ServiceError::Invalid(v) = e else {
                panic!("{c:?}")
            };
            assert_eq!(
                (v[0].field, v[0].code),
                ("comment", "control_char"),
                "{c:?}"
            );
        }
        assert_eq!(
            clean_text("一行目\n二行目").expect("taken"),
            "一行目\n二行目"
        );
    }

    #[test]
    fn r_rev_2_a_reason_is_picked_by_number_full_width_too_or_by_text() {
        let list = vec!["記載不備".to_string(), "添付漏れ".to_string()];
        for typed in ["2", "２", " ２ ", "添付漏れ"] {
            assert_eq!(
                pick_reason(&list, typed).ok().as_deref(),
                Some("添付漏れ"),
                "{typed}"
            );
        }
        for typed in ["3", "０", "", "添付"] {
            assert!(pick_reason(&list, typed).is_err(), "{typed}");
        }
    }
}
