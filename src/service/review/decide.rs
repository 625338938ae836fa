//! The deciding review actions: 差戻し (return), 不受理 (reject) and 本登録 (approve), with the
//! numbers an approval assigns and the employer mails they queue. Apart from the everyday
//! actions in `mod.rs` because they end an item's review and carry the most rules (R-REV-1..4,
//! R-VISIT-1).

use std::collections::BTreeMap;

use rusqlite::Connection;

use crate::config::Config;
use crate::domain::ids::{AccountId, StaffId, SubmissionId};
use crate::domain::refusal::Refusal;
use crate::domain::review::{self, ApprovalFacts, ReviewAction, ReviewRefusal};
use crate::domain::staff::Permission;
use crate::domain::submission::{SubmissionKind, SubmissionState, transition};
use crate::domain::text::sanitize;
use crate::mail::template::Template;
use crate::service::{Ctx, FieldIssue, QueuedMail, Result, ServiceError, queue_mail, require};
use crate::storage::review::{self as rs, Facts};
use crate::storage::{self, Store};

use super::{
    Outcome, Registered, acted_first, audit_ok, clean_text, guard, history, load, refusal, simple,
};

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
    account_id: AccountId,
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
        &QueuedMail {
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
    // The mail is in Japanese (its templates are).
    crate::i18n::mail_words::item(
        crate::i18n::labels::submission_kind_label(crate::i18n::Lang::Ja, f.kind),
        &sanitize(&f.display_name, false),
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
    id: SubmissionId,
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
    id: SubmissionId,
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
    id: SubmissionId,
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
            crate::i18n::mail_words::comment_line(text)
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

fn facts_for(f: &Facts, approver: StaffId, est_ok: bool) -> ApprovalFacts {
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
    id: SubmissionId,
    seen: Option<i64>,
) -> Result<Outcome> {
    let tx = store.immediate()?;
    // The supervisor's permission (R-REV-1): a clerk is `Denied` here, as for any permission.
    let roles = require(&tx, ctx, Permission::Approve)?;
    let f = load(&tx, id)?;
    guard(&tx, &f, ReviewAction::Approve, seen)?;
    let (office_code, _) = crate::service::office(&tx, cfg);
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
            if registered {
                review::may_approve(&facts_for(&f, ctx.staff_id, true)).map_err(refusal)?;
            } else {
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
            crate::i18n::mail_words::job_number_line(&r.number, &sanitize(&it.display_name, false))
        })
        .collect::<Vec<_>>()
        .concat();
    let mut vars = BTreeMap::new();
    vars.insert("establishment_name", sanitize(&est_name, false));
    vars.insert("establishment_number", est_number);
    vars.insert("registered_items", lines);
    vars.insert(
        "opened_line",
        if opened {
            crate::i18n::mail_words::MY_PAGE_OPENED.to_string()
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
