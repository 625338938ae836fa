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

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use crate::clock::{fmt_jst, from_db, jst_date};
use crate::config::Config;
use crate::domain::deadline::{DaysLeft, Urgency, days_left, urgency};
use crate::domain::refusal::Refusal;
use crate::domain::review::{self, ApprovalFacts, ReviewAction, ReviewRefusal};
use crate::domain::staff::{Permission, Role};
use crate::domain::submission::{SubmissionKind, SubmissionState, transition};
use crate::domain::text::sanitize;
use crate::mail::template::Template;
use crate::storage::review::{self as rs, Facts, NewHistory};
use crate::storage::{self, Store};

use super::{Audit, Ctx, FieldIssue, QueuedMail, Result, ServiceError, audit, queue_mail, require};

/// Longest free text of a reason or comment, in characters.
pub const TEXT_MAX: usize = 400;

/// What an action did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    pub id: i64,
    pub action: &'static str,
    pub state: SubmissionState,
    /// Mails queued (subject).
    pub mails: Vec<String>,
    /// Items approved with it (R-REV-4 establishment + jobs), with their numbers.
    pub registered: Vec<Registered>,
    /// Checked jobs of the establishment left for later, with the reason code.
    pub skipped: Vec<(i64, &'static str)>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Registered {
    pub id: i64,
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

fn load(conn: &Connection, id: i64) -> Result<Facts> {
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

fn subject(id: i64) -> String {
    format!("submission:{id}")
}

fn history(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
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
    id: i64,
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
pub fn claim(store: &mut Store, ctx: &Ctx, id: i64, seen: Option<i64>) -> Result<Outcome> {
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

fn simple(id: i64, action: &'static str, state: SubmissionState) -> Outcome {
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
pub fn release(store: &mut Store, ctx: &Ctx, id: i64, seen: Option<i64>) -> Result<Outcome> {
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
    id: i64,
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
    id: i64,
    ticks: &[String],
    seen: Option<i64>,
) -> Result<Outcome> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Review)?;
    let f = load(&tx, id)?;
    // The state first: when someone acted first, that is what the clerk is told (R-REV-5).
    guard(&tx, &f, ReviewAction::Check, seen)?;
    let mut missing = Vec::new();
    for (code, _) in review::CHECKLIST {
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
    id: i64,
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
    id: i64,
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
    id: i64,
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
    id: i64,
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
    pub id: i64,
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
    pub id: i64,
    pub account_id: i64,
    pub kind: SubmissionKind,
    pub display_name: String,
}

/// # Errors
/// `Denied`, `NotFound`, storage failures.
pub fn brief(store: &Store, ctx: &Ctx, id: i64) -> Result<Brief> {
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

/// A reason picked from the configured list: 1-based number (full-width 「２」 too) or the
/// exact text.
///
/// # Errors
/// `Invalid` when it is neither.
pub fn pick_reason(list: &[String], input: &str) -> Result<String> {
    let t = input.trim();
    let number = crate::domain::numbers::normalize_digits(t);
    if let Ok(n) = number.parse::<usize>()
        && let Some(r) = n.checked_sub(1).and_then(|i| list.get(i))
    {
        return Ok(r.clone());
    }
    list.iter()
        .find(|r| r.as_str() == t)
        .cloned()
        .ok_or_else(|| ServiceError::Invalid(vec![FieldIssue::error("reason", "not_in_list")]))
}

fn employer_mail(
    conn: &Connection,
    cfg: &Config,
    ctx: &Ctx,
    account_id: i64,
    template: Template,
    vars: BTreeMap<&str, String>,
) -> Result<Option<String>> {
    let Some(email) = rs::account_email(conn, account_id)? else {
        return Ok(None);
    };
    let q = queue_mail(
        conn,
        cfg,
        ctx,
        QueuedMail {
            template,
            to: &email,
            account_id: Some(account_id),
            vars,
            auth_key: None,
        },
    )?;
    Ok(Some(q.subject))
}

fn item_label(f: &Facts) -> String {
    format!(
        "{}「{}」",
        // The mail is in Japanese (its templates are).
        crate::i18n::labels::submission_kind_label(crate::i18n::Lang::Ja, f.kind),
        sanitize(&f.display_name, false)
    )
}

/// 差戻し (R-REV-2): a listed reason plus free text; the employer is mailed.
///
/// # Errors
/// `Denied`, `NotFound`, `Invalid` (reason not listed, long text), `Refused`.
pub fn return_item(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    id: i64,
    reason: &str,
    text: &str,
    seen: Option<i64>,
) -> Result<Outcome> {
    let reason = pick_reason(&cfg.review.return_reasons, reason)?;
    let text = clean_text(text)?;
    decide(
        store,
        cfg,
        ctx,
        id,
        ReviewAction::Return,
        Permission::Review,
        &reason,
        &text,
        seen,
    )
}

/// 不受理 (R-REV-2, supervisor): a listed reason plus free text; the employer is mailed.
///
/// # Errors
/// `Denied`, `NotFound`, `Invalid`, `Refused`.
pub fn reject(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    id: i64,
    reason: &str,
    text: &str,
    seen: Option<i64>,
) -> Result<Outcome> {
    let reason = pick_reason(&cfg.review.reject_reasons, reason)?;
    let text = clean_text(text)?;
    decide(
        store,
        cfg,
        ctx,
        id,
        ReviewAction::Reject,
        Permission::Approve,
        &reason,
        &text,
        seen,
    )
}

#[allow(clippy::too_many_arguments)]
fn decide(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    id: i64,
    action: ReviewAction,
    perm: Permission,
    reason: &str,
    text: &str,
    seen: Option<i64>,
) -> Result<Outcome> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, perm)?;
    let f = load(&tx, id)?;
    guard(&tx, &f, action, seen)?;
    let event = action
        .event()
        .ok_or(ServiceError::Internal("no event".into()))?;
    let to = transition(f.state, event)
        .map_err(|_| Refusal::Review(ReviewRefusal::State(action, f.state)))?;
    if !rs::move_state(&tx, id, f.state, to, Some(ctx.staff_id), ctx.now)? {
        return Err(acted_first(&tx, &f)?);
    }
    let detail = if text.is_empty() {
        reason.to_string()
    } else {
        format!("{reason} / {text}")
    };
    history(
        &tx,
        ctx,
        id,
        action.code(),
        Some((f.state, to)),
        Some(&detail),
    )?;
    let mut vars = BTreeMap::new();
    vars.insert("item", item_label(&f));
    vars.insert("reason", reason.to_string());
    vars.insert(
        "comment",
        if text.is_empty() {
            String::new()
        } else {
            format!("  補足： {text}\n")
        },
    );
    let template = if action == ReviewAction::Return {
        vars.insert("deadline", f.deadline.clone().unwrap_or_default());
        Template::Returned
    } else {
        Template::Rejected
    };
    let mail = employer_mail(&tx, cfg, ctx, f.account_id, template, vars)?;
    audit_ok(
        &tx,
        ctx,
        &roles,
        &format!("review.{}", action.code()),
        id,
        Some(reason.to_string()),
    )?;
    tx.commit()?;
    let mut o = simple(id, action.code(), to);
    o.mails = mail.into_iter().collect();
    Ok(o)
}

fn facts_for(f: &Facts, approver: i64, est_ok: bool) -> ApprovalFacts {
    ApprovalFacts {
        kind: f.kind,
        state: f.state,
        approver,
        checked_by: f.checked_by,
        entered_by: f.entered_by,
        visit_needed: f.visit_needed,
        visit_recorded: f.visit_date.is_some(),
        establishment_registered_or_in_action: est_ok,
    }
}

fn assign_number(
    conn: &Connection,
    counter: &str,
    make: impl Fn(u32) -> Option<String>,
    taken: impl Fn(&Connection, &str) -> Result<bool>,
) -> Result<String> {
    for _ in 0..1000 {
        let serial = rs::next_serial(conn, counter)?;
        let n = u32::try_from(serial)
            .ok()
            .and_then(&make)
            .ok_or_else(|| ServiceError::Internal(format!("number range of {counter} used up")))?;
        if !taken(conn, &n)? {
            return Ok(n);
        }
    }
    Err(ServiceError::Internal(format!(
        "no free number in {counter}"
    )))
}

fn register_one(conn: &Connection, ctx: &Ctx, f: &Facts, office_code: &str) -> Result<Registered> {
    match f.kind {
        SubmissionKind::Establishment => {
            let est = f.establishment_id.ok_or_else(|| {
                ServiceError::Internal("establishment submission without row".into())
            })?;
            let (existing, _, _) =
                rs::establishment_brief(conn, est)?.ok_or(ServiceError::NotFound)?;
            let number = match existing {
                Some(n) => n,
                None => assign_number(
                    conn,
                    &format!("establishment:{office_code}"),
                    |s| review::establishment_number(office_code, s),
                    |c, n| Ok(storage::establishments::id_by_number(c, n)?.is_some()),
                )?,
            };
            storage::establishments::set_registered(conn, est, &number, ctx.now)?;
            if !rs::set_registered(conn, f.id, None, ctx.staff_id, ctx.now)? {
                return Err(acted_first(conn, f)?);
            }
            Ok(Registered {
                id: f.id,
                kind: f.kind,
                number,
            })
        }
        SubmissionKind::Job => {
            let number = assign_number(
                conn,
                &format!("job:{office_code}"),
                |s| review::job_number(office_code, s),
                |c, n| Ok(rs::job_number_taken(c, n)?),
            )?;
            if !rs::set_registered(conn, f.id, Some(&number), ctx.staff_id, ctx.now)? {
                return Err(acted_first(conn, f)?);
            }
            Ok(Registered {
                id: f.id,
                kind: f.kind,
                number,
            })
        }
    }
}

/// 本登録 (R-REV-1, R-REV-3, R-REV-4, R-VISIT-1; supervisor). An establishment is approved
/// together with its checked job offers that pass the rules; a job whose establishment is
/// provisional is approved together with the establishment when that one is checked and
/// passes. Assigns the numbers, opens the employer's My Page, mails 「本登録完了のお知らせ」.
///
/// # Errors
/// `Denied` (not a supervisor), `NotFound`, `Refused` (four-eyes, visit, establishment, state).
pub fn approve(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    id: i64,
    seen: Option<i64>,
) -> Result<Outcome> {
    let tx = store.immediate()?;
    // The supervisor's permission (R-REV-1): a clerk is `Denied` here, as for any permission.
    let roles = require(&tx, ctx, Permission::Approve)?;
    let f = load(&tx, id)?;
    guard(&tx, &f, ReviewAction::Approve, seen)?;
    let (office_code, _) = super::office(&tx, cfg);
    review::office_prefix(&office_code)
        .ok_or_else(|| ServiceError::Internal("office code is not 5 digits".into()))?;

    // Which items this action approves, establishment first (R-REV-4).
    let mut items: Vec<Facts> = Vec::new();
    let mut skipped = Vec::new();
    match f.kind {
        SubmissionKind::Establishment => {
            review::may_approve(&facts_for(&f, ctx.staff_id, true)).map_err(refusal)?;
            items.push(f.clone());
            if let Some(est) = f.establishment_id {
                for jid in rs::checked_jobs_of(&tx, est)? {
                    let j = load(&tx, jid)?;
                    match review::may_approve(&facts_for(&j, ctx.staff_id, true)) {
                        Ok(()) => items.push(j),
                        Err(r) => skipped.push((jid, r.code())),
                    }
                }
            }
        }
        SubmissionKind::Job => {
            let est = f.establishment_id;
            let est_state = match est {
                Some(e) => rs::establishment_brief(&tx, e)?.map(|b| b.1),
                None => None,
            };
            let registered = est_state.as_deref() == Some("registered");
            if !registered {
                // Approve the establishment in the same action when it can be.
                let Some(e) = est else {
                    return Err(refusal(ReviewRefusal::EstablishmentNotRegistered));
                };
                let Some((esid, _)) = rs::establishment_submission(&tx, e)? else {
                    return Err(refusal(ReviewRefusal::EstablishmentNotRegistered));
                };
                let ef = load(&tx, esid)?;
                review::may_approve(&facts_for(&ef, ctx.staff_id, true))
                    .map_err(|_| refusal(ReviewRefusal::EstablishmentNotRegistered))?;
                review::may_approve(&facts_for(&f, ctx.staff_id, true)).map_err(refusal)?;
                items.push(ef);
            } else {
                review::may_approve(&facts_for(&f, ctx.staff_id, true)).map_err(refusal)?;
            }
            items.push(f.clone());
        }
    }

    let mut registered = Vec::new();
    for it in &items {
        let r = register_one(&tx, ctx, it, &office_code)?;
        history(
            &tx,
            ctx,
            it.id,
            "approve",
            Some((it.state, SubmissionState::Registered)),
            Some(&r.number),
        )?;
        audit_ok(
            &tx,
            ctx,
            &roles,
            "review.approve",
            it.id,
            Some(r.number.clone()),
        )?;
        registered.push(r);
    }
    // R-REV-3: the employer's My Page counts as opened once its establishment is registered;
    // the mail says so only that once (SPEC §9: later approvals say 本登録, not 開設 again).
    let opened = rs::open_account(&tx, f.account_id, ctx.now)?;

    let (est_name, est_number) = match f.establishment_id {
        Some(e) => rs::establishment_brief(&tx, e)?
            .map(|(n, _, name)| (name, n.unwrap_or_default()))
            .unwrap_or_default(),
        None => Default::default(),
    };
    let lines: String = items
        .iter()
        .zip(&registered)
        .filter(|(it, _)| it.kind == SubmissionKind::Job)
        .map(|(it, r)| {
            format!(
                "  求人番号： {}（{}）\n",
                r.number,
                sanitize(&it.display_name, false)
            )
        })
        .collect();
    let mut vars = BTreeMap::new();
    vars.insert("establishment_name", sanitize(&est_name, false));
    vars.insert("establishment_number", est_number);
    vars.insert("registered_items", lines);
    vars.insert(
        "opened_line",
        if opened {
            "求人者マイページが開設されました。".to_string()
        } else {
            String::new()
        },
    );
    let mail = employer_mail(
        &tx,
        cfg,
        ctx,
        f.account_id,
        Template::RegistrationCompleted,
        vars,
    )?;
    tx.commit()?;
    Ok(Outcome {
        id,
        action: "approve",
        state: SubmissionState::Registered,
        mails: mail.into_iter().collect(),
        registered,
        skipped,
    })
}

// ---------------------------------------------------------------------------------------
// Detail view

/// A stored validation finding (red error / orange warning).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredFinding {
    pub field: String,
    pub severity: String,
    pub rule: String,
    #[serde(default)]
    pub param: Option<String>,
}

/// A stored visit reason (R-VISIT-1): its code, which `i18n::labels::visit_reason` names in
/// the reader's language, and the label stored with it (the staff's own reason is only there).
/// The command line's JSON shows the stored label, as before codes were kept beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitReasonLine {
    pub code: String,
    pub label: String,
}

impl serde::Serialize for VisitReasonLine {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.label)
    }
}

/// Everything the detail screen shows. Text from outside is sanitised here.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Detail {
    pub id: i64,
    pub external_id: String,
    pub kind: SubmissionKind,
    pub state: SubmissionState,
    pub display_name: String,
    pub account_id: i64,
    pub deadline: Option<String>,
    pub days_left: Option<i64>,
    pub urgency: Option<&'static str>,
    /// The pending deadline falls in a year without official holiday data: it may still move
    /// when the year's holidays are published (R-DL-2).
    pub deadline_unofficial: bool,
    pub received_at: String,
    pub assigned: Option<String>,
    pub assigned_staff: Option<i64>,
    pub follow_up_date: Option<String>,
    pub job_number: Option<String>,
    pub establishment_number: Option<String>,
    pub establishment_state: Option<String>,
    pub checked_by: Option<String>,
    /// 確認日時 in Japan time, when checked.
    pub checked_at: Option<String>,
    pub visit_needed: bool,
    pub visit_date: Option<String>,
    pub visit_reasons: Vec<VisitReasonLine>,
    pub visit_flag: Option<String>,
    pub checklist: Vec<String>,
    /// (field label path, value) of the current version, all sections.
    pub fields: Vec<(String, String)>,
    pub findings: Vec<StoredFinding>,
    /// Changes from the previous version: (field, old, new).
    pub diff: Vec<(String, String, String)>,
    pub versions: i64,
    /// The item's version (R-REV-5): every action on this item carries it.
    pub rev: i64,
    pub history: Vec<rs::HistoryRow>,
    pub comments: Vec<rs::CommentRow>,
    pub allowed: Vec<&'static str>,
}

fn flatten(kind: SubmissionKind, payload: &str) -> Option<Vec<(&'static str, String)>> {
    if payload.is_empty() {
        return None;
    }
    match kind {
        SubmissionKind::Job => serde_json::from_str::<crate::domain::job::JobOffer>(payload)
            .ok()
            .map(|j| j.fields()),
        SubmissionKind::Establishment => {
            serde_json::from_str::<crate::domain::establishment::Establishment>(payload)
                .ok()
                .map(|e| e.fields())
        }
    }
}

fn diff_of(kind: SubmissionKind, old: &str, new: &str) -> Vec<(String, String, String)> {
    let changes = match kind {
        SubmissionKind::Job => {
            match (
                serde_json::from_str::<crate::domain::job::JobOffer>(old),
                serde_json::from_str::<crate::domain::job::JobOffer>(new),
            ) {
                (Ok(a), Ok(b)) => crate::domain::job::diff(&a, &b),
                _ => Vec::new(),
            }
        }
        SubmissionKind::Establishment => {
            match (
                serde_json::from_str::<crate::domain::establishment::Establishment>(old),
                serde_json::from_str::<crate::domain::establishment::Establishment>(new),
            ) {
                (Ok(a), Ok(b)) => crate::domain::establishment::diff(&a, &b),
                _ => Vec::new(),
            }
        }
    };
    changes
        .into_iter()
        .map(|c| {
            (
                c.field.to_string(),
                sanitize(&c.old, false),
                sanitize(&c.new, false),
            )
        })
        .collect()
}

/// Opens a submission (R-ID-5: with a purpose; one audit row `submission.view`).
///
/// # Errors
/// `Denied`, `NotFound`, storage failures.
pub fn detail(store: &mut Store, ctx: &Ctx, id: i64, purpose: &str) -> Result<Detail> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ViewSubmission)?;
    let d = read_detail(&tx, ctx, id)?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "submission.view",
            subject: Some(subject(id)),
            purpose: Some(sanitize(purpose, false)),
            outcome: "ok",
            detail: None,
        },
    )?;
    tx.commit()?;
    Ok(d)
}

/// The same reading without an audit row: the screen's refresh after a change elsewhere
/// (the view was audited when opened).
///
/// # Errors
/// `Denied`, `NotFound`, storage failures.
pub fn reread(store: &Store, ctx: &Ctx, id: i64) -> Result<Detail> {
    let conn = store.conn();
    require(conn, ctx, Permission::ViewSubmission)?;
    read_detail(conn, ctx, id)
}

fn read_detail(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Detail> {
    let row = storage::submissions::by_id(conn, id)?.ok_or(ServiceError::NotFound)?;
    let f = load(conn, id)?;
    let versions = storage::submissions::versions(conn, id)?;
    let current = versions.iter().find(|v| v.version == row.current_version);
    let fields = current
        .and_then(|v| flatten(row.kind, &v.payload))
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.to_string(), sanitize(&v, true)))
        .collect();
    let findings: Vec<StoredFinding> = current
        .and_then(|v| serde_json::from_str(&v.findings).ok())
        .unwrap_or_default();
    let diff = match versions.len() {
        n if n >= 2 => diff_of(row.kind, &versions[n - 2].payload, &versions[n - 1].payload),
        _ => Vec::new(),
    };
    let cal = super::calendar::effective(conn)?;
    let today = jst_date(ctx.now);
    let pending_deadline = row
        .deadline
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter(|_| row.state.is_pending());
    let dl = pending_deadline.map(|d| days_left(d, today, &cal));
    let staff_name = |sid: Option<i64>| -> Result<Option<String>> {
        Ok(match sid {
            Some(s) => storage::staff::by_id(conn, s)?.map(|r| r.display_name),
            None => None,
        })
    };
    let (est_number, est_state) = match row.establishment_id {
        Some(e) => rs::establishment_brief(conn, e)?
            .map(|(n, s, _)| (n, Some(s)))
            .unwrap_or_default(),
        None => (None, None),
    };
    let checklist = rs::check_items(conn, id, row.current_version)?
        .and_then(|j| serde_json::from_str::<Vec<String>>(&j).ok())
        .unwrap_or_default();
    let visit_flag: Option<String> = rs::visit_flag(conn, id)?;
    Ok(Detail {
        id,
        external_id: sanitize(&row.external_id, false),
        kind: row.kind,
        state: row.state,
        display_name: sanitize(&row.display_name, false),
        account_id: row.account_id,
        deadline: row.deadline.clone(),
        days_left: dl.map(|d: DaysLeft| d.open_days),
        urgency: dl.map(urgency).map(Urgency::code),
        deadline_unofficial: pending_deadline.is_some_and(|d| !cal.has_official_data(d.year())),
        received_at: from_db(&row.received_at).map_or(row.received_at.clone(), fmt_jst),
        assigned: staff_name(row.assigned_staff)?,
        assigned_staff: row.assigned_staff,
        follow_up_date: row.follow_up_date.clone(),
        job_number: row.job_number.clone(),
        establishment_number: est_number,
        establishment_state: est_state,
        checked_by: staff_name(f.checked_by)?,
        checked_at: storage::submissions::checked_at(conn, id)?
            .map(|at| from_db(&at).map_or(at, fmt_jst)),
        visit_needed: f.visit_needed,
        visit_date: f.visit_date.clone(),
        visit_reasons: storage::submissions::visit_reasons(conn, id)?
            .into_iter()
            .map(|(code, l)| VisitReasonLine {
                code,
                label: sanitize(&l, false),
            })
            .collect(),
        visit_flag: visit_flag.map(|v| sanitize(&v, false)),
        checklist,
        fields,
        findings,
        diff,
        versions: i64::try_from(versions.len()).unwrap_or(0),
        rev: f.rev,
        history: rs::history(conn, id)?
            .into_iter()
            .map(|mut h| {
                // A hand-over names the colleague by sign-in name (the audit's identifier);
                // the screen shows the name staff know them by.
                if h.action == "handover"
                    && let Some(to) = h.detail.as_deref().and_then(|d| d.strip_prefix("to:"))
                    && let Ok(Some(s)) = storage::staff::by_name(conn, to)
                {
                    h.detail = Some(format!("to:{}", s.display_name));
                }
                h.detail = h.detail.map(|d| sanitize(&d, false));
                h
            })
            .collect(),
        comments: rs::comments(conn, id)?
            .into_iter()
            .map(|mut c| {
                c.body = c.body.map(|b| sanitize(&b, true));
                c
            })
            .collect(),
        allowed: review::allowed_actions(row.state)
            .into_iter()
            .map(ReviewAction::code)
            .collect(),
    })
}

/// Submissions of an account for the account screen: (id, kind, state, name, deadline).
///
/// # Errors
/// Storage failures.
#[allow(clippy::type_complexity)]
pub fn for_account(
    store: &Store,
    account_id: i64,
) -> Result<Vec<(i64, SubmissionKind, SubmissionState, String, Option<String>)>> {
    Ok(rs::for_account(store.conn(), account_id)?
        .into_iter()
        .map(|(a, b, c, d, e)| (a, b, c, sanitize(&d, false), e))
        .collect())
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
