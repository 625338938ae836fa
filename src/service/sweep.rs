//! The deadline sweep (R-DL-3, R-REV-6, R-MAIL-6): once a provisional deadline has passed the
//! account becomes invalid, its pending submissions expire and every piece of its personal data
//! is overwritten (NULL or empty), leaving a tombstone (ids, dates, state, who/when); its unsent
//! mail is cancelled, after the 「期限切れにより無効」 notice was queued to the address (which then
//! lives on only in that outbox row). The reminder goes once, 3 open days before the deadline.
//! Withdrawn accounts are purged 31 days after withdrawal.
//!
//! Idempotent and safe with several processes: one IMMEDIATE transaction per account, each
//! re-reading the account's state and doing nothing when another process got there first.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Connection;

use crate::clock::{from_db, jst_date, to_db};
use crate::config::Config;
use crate::domain::deadline::{days_left, reminder_date};
use crate::domain::ids::{AccountId, StaffId, SubmissionId};
use crate::domain::submission::{SubmissionEvent, SubmissionState, transition};
use crate::mail::template::Template;
use crate::storage::audit::AuditEntry;
use crate::storage::review::{self as rs, NewHistory, Tombstone};
use crate::storage::{self, Store, settings};

use super::{Ctx, QueuedMail, Result, queue_mail};

/// Withdrawn accounts keep their data this long (days).
pub const WITHDRAWN_KEEP_DAYS: i64 = 31;
/// Accounts handled per pass and step; the next pass continues.
const BATCH: u32 = 500;
/// The `settings` key of the last automatic run.
pub const LAST_RUN_KEY: &str = "sweep_last_run";

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SweepReport {
    pub invalidated_accounts: usize,
    pub expired_submissions: usize,
    pub purged_submissions: usize,
    pub purged_establishments: usize,
    pub purged_accounts: usize,
    pub cancelled_mails: usize,
    pub reminders: usize,
    pub invalidation_mails: usize,
}

impl SweepReport {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == SweepReport::default()
    }
}

fn system_ctx(now: DateTime<Utc>) -> Ctx {
    Ctx {
        staff_id: StaffId(0),
        staff_name: "sweep".into(),
        terminal: "sweep".into(),
        now,
    }
}

fn system_audit(
    conn: &Connection,
    now: DateTime<Utc>,
    action: &str,
    subject: String,
    detail: String,
) -> Result<()> {
    storage::audit::append(
        conn,
        &AuditEntry {
            at_utc: to_db(now),
            staff_id: None,
            staff_name: Some("sweep".into()),
            staff_roles: None,
            terminal: "sweep".into(),
            action: action.into(),
            subject: Some(subject),
            purpose: None,
            outcome: "ok".into(),
            detail: Some(detail),
        },
    )?;
    Ok(())
}

/// Runs every step once. `now` is the current time (the JST date decides the deadlines).
/// Every run is logged: its counts when done, the error when it stopped.
///
/// # Errors
/// Storage failures (what was committed before stays; the next run continues).
pub fn run(store: &mut Store, cfg: &Config, now: DateTime<Utc>) -> Result<SweepReport> {
    let started = std::time::Instant::now();
    let mut rep = SweepReport::default();
    let result = run_steps(store, cfg, now, &mut rep);
    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match &result {
        Ok(()) => tracing::info!(
            invalidated_accounts = rep.invalidated_accounts,
            expired_submissions = rep.expired_submissions,
            purged_submissions = rep.purged_submissions,
            purged_establishments = rep.purged_establishments,
            purged_accounts = rep.purged_accounts,
            cancelled_mails = rep.cancelled_mails,
            reminders = rep.reminders,
            invalidation_mails = rep.invalidation_mails,
            ms,
            "sweep done"
        ),
        // What was done before the failure is committed; the next run goes on from there.
        Err(e) => tracing::error!(
            invalidated_accounts = rep.invalidated_accounts,
            expired_submissions = rep.expired_submissions,
            purged_accounts = rep.purged_accounts,
            cancelled_mails = rep.cancelled_mails,
            reminders = rep.reminders,
            ms,
            "sweep failed: {e}"
        ),
    }
    result.map(|()| rep)
}

fn run_steps(
    store: &mut Store,
    cfg: &Config,
    now: DateTime<Utc>,
    rep: &mut SweepReport,
) -> Result<()> {
    let today = jst_date(now);
    let today_s = today.to_string();
    // 1. Deadlines passed (R-DL-3).
    drain(
        store,
        |c| rs::accounts_past_deadline(c, &today_s, BATCH),
        |s, id| expire_account(s, cfg, now, &today_s, id, rep),
    )?;
    // 1b. Offers from an open My Page past their own deadline (R-DL-3): only the offer
    // expires; the account stays open.
    drain(
        store,
        |c| rs::submissions_past_deadline(c, &today_s, BATCH),
        |s, id| expire_offer(s, now, &today_s, id, rep),
    )?;
    // 2. Reminders 3 open days before (R-REV-6), once per account and deadline: a
    // self-registered account's provisional deadline, an open account's offers' own.
    let cal = super::calendar::effective(store.conn())?;
    let until = (today + Duration::days(30)).to_string();
    let accounts = rs::reminder_candidates(store.conn(), &today_s, &until)?;
    let offers = rs::offer_reminder_candidates(store.conn(), &today_s, &until)?;
    let due = accounts
        .into_iter()
        .map(|c| (c, Due::Account))
        .chain(offers.into_iter().map(|c| (c, Due::Offers)));
    for ((account, deadline), due) in due {
        let Ok(d) = NaiveDate::parse_from_str(&deadline, "%Y-%m-%d") else {
            tracing::warn!(
                account = account.get(),
                "sweep: reminder skipped, the deadline is not a date"
            );
            continue;
        };
        if reminder_date(d, &cal) > today {
            continue;
        }
        let left = days_left(d, today, &cal).open_days;
        if remind(store, cfg, now, (account, &deadline, due), left)? {
            rep.reminders += 1;
        }
    }
    // 3. Withdrawn accounts after 31 days.
    let before = to_db(now - Duration::days(WITHDRAWN_KEEP_DAYS));
    drain(
        store,
        |c| rs::withdrawn_before(c, &before, BATCH),
        |s, id| purge_withdrawn(s, now, id, rep),
    )?;
    if rep.purged_submissions + rep.purged_establishments + rep.purged_accounts > 0 {
        compact(store)?;
    }
    Ok(())
}

/// Runs `one` on the ids `due` lists, a batch at a time, until none are left or a batch
/// changed nothing (the ids left are another step's, or another process got there first).
fn drain<Id>(
    store: &mut Store,
    due: impl Fn(&Connection) -> crate::storage::Result<Vec<Id>>,
    mut one: impl FnMut(&mut Store, Id) -> Result<bool>,
) -> Result<()> {
    loop {
        let ids = due(store.conn())?;
        if ids.is_empty() {
            return Ok(());
        }
        let mut progressed = false;
        for id in ids {
            progressed |= one(store, id)?;
            // One account per transaction, with a gap for the clerks between (issue 16).
            storage::pause_for_others(store.conn());
        }
        if !progressed {
            return Ok(());
        }
    }
}

/// A withdrawn account's data, 31 days on (seed 001: 退会手続き完了後31日経過後に…消去).
fn purge_withdrawn(
    store: &mut Store,
    now: DateTime<Utc>,
    id: AccountId,
    rep: &mut SweepReport,
) -> Result<bool> {
    let tx = store.immediate()?;
    let Some((state, _, _, purged)) = rs::account_brief(&tx, id)? else {
        return Ok(false);
    };
    if state != "withdrawn" || purged {
        return Ok(false);
    }
    purge_account_data(&tx, now, id, "withdrawn_31_days", None, rep)?;
    system_audit(
        &tx,
        now,
        "sweep.purge_withdrawn",
        format!("account:{id}"),
        "R-DL-3".into(),
    )?;
    tx.commit()?;
    Ok(true)
}

/// Leaf pages merged per search index and step of [`compact`]: a write transaction of about
/// 40-60 ms at L scale (1,000 pages took 0.3 s, and clerks waited for it).
const COMPACT_PAGES: i64 = crate::service::queue::SEARCH_MERGE_PAGES;

/// After a purge: the search indexes' segments merged until nothing is left to merge, so that
/// the deleted entries (names, trigrams) are out of the file, then the WAL copied into the file
/// and truncated (its old page images hold them too; as after a key scrub, R-KEY-2). One write
/// transaction per step, so that clerks' actions get the lock in between; at most about twice
/// the indexes' size in steps (others adding rows meanwhile cannot keep it going forever).
/// Cost: the whole index is rewritten once (FTS5 merges whole segments). Measured
/// (`benches/sweep.rs`, release) at L scale, 550,000 submissions: about 6 s in steps of
/// 40-60 ms. Only a sweep that purged something pays it.
fn compact(store: &mut Store) -> Result<()> {
    let rows = rs::search_index_rows(store.conn())?;
    let steps = 2 * rows / COMPACT_PAGES + 16;
    for _ in 0..steps {
        let tx = store.immediate()?;
        let worked = rs::compact_search_step(&tx, COMPACT_PAGES)?;
        tx.commit()?;
        storage::pause_for_others(store.conn());
        if !worked {
            break;
        }
    }
    storage::outbox::checkpoint_truncate(store.conn())?;
    Ok(())
}

fn expire_account(
    store: &mut Store,
    cfg: &Config,
    now: DateTime<Utc>,
    today: &str,
    id: AccountId,
    rep: &mut SweepReport,
) -> Result<bool> {
    let tx = store.immediate()?;
    // Re-check inside the lock: another process may have done it.
    let Some((state, email, deadline, _)) = rs::account_brief(&tx, id)? else {
        return Ok(false);
    };
    let Some(deadline) = deadline.filter(|d| d.as_str() < today) else {
        return Ok(false);
    };
    if state != "activated" || !rs::invalidate_account(&tx, id, now)? {
        return Ok(false);
    }
    rep.invalidated_accounts += 1;
    // The notice first, while the address is still known (R-DL-3); it keeps the address.
    let keep = if email.is_empty() {
        None
    } else {
        let mut vars = BTreeMap::new();
        vars.insert("deadline", deadline.clone());
        let q = queue_mail(
            &tx,
            cfg,
            &system_ctx(now),
            &QueuedMail {
                template: Template::Invalidated,
                to: &email,
                account_id: Some(id),
                vars,
                auth_key: None,
            },
        )?;
        rep.invalidation_mails += 1;
        Some(q.outbox_id)
    };
    purge_account_data(&tx, now, id, "deadline_passed", keep, rep)?;
    system_audit(
        &tx,
        now,
        "sweep.expire",
        format!("account:{id}"),
        format!("deadline {deadline}"),
    )?;
    tx.commit()?;
    Ok(true)
}

/// Expires pending submissions, purges every non-registered submission, the provisional
/// establishments and the account itself, each with a tombstone; cancels the unsent mail.
fn purge_account_data(
    conn: &Connection,
    now: DateTime<Utc>,
    account_id: AccountId,
    reason: &str,
    keep_mail: Option<i64>,
    rep: &mut SweepReport,
) -> Result<()> {
    let mut establishments = Vec::new();
    let items = rs::purgeable_of_account(conn, account_id)?;
    // What the queue filter's search index holds of them, read before it is overwritten.
    let ids: Vec<i64> = items.iter().map(|i| i.0.get()).collect();
    let search = storage::queue::before_purge(conn, &ids)?;
    for (sid, kind, state, est, deadline, received) in items {
        let mut before = state;
        if let Ok(expired) = transition(state, SubmissionEvent::DeadlinePassed) {
            rs::move_state(conn, sid, state, expired, None, now)?;
            history(conn, now, sid, "deadline_passed", state, expired)?;
            rep.expired_submissions += 1;
            before = expired;
        }
        if let Ok(purged) = transition(before, SubmissionEvent::Purge) {
            rs::move_state(conn, sid, before, purged, None, now)?;
            history(conn, now, sid, "purge", before, purged)?;
        }
        rs::purge_submission(conn, sid, now)?;
        rs::add_tombstone(
            conn,
            &Tombstone {
                what: "submission",
                subject_id: sid.get(),
                account_id: Some(account_id),
                establishment_id: est,
                kind: Some(&kind),
                state_before: state.code(),
                deadline: deadline.as_deref(),
                received_at: Some(&received),
                reason,
                purged_by: "sweep",
            },
            now,
        )?;
        rep.purged_submissions += 1;
        if let Some(e) = est
            && !establishments.contains(&e)
        {
            establishments.push(e);
        }
    }
    for e in establishments {
        if rs::purge_establishment(conn, e, now)? {
            rs::add_tombstone(
                conn,
                &Tombstone {
                    what: "establishment",
                    subject_id: e,
                    account_id: Some(account_id),
                    establishment_id: Some(e),
                    kind: None,
                    state_before: "provisional",
                    deadline: None,
                    received_at: None,
                    reason,
                    purged_by: "sweep",
                },
                now,
            )?;
            rep.purged_establishments += 1;
        }
    }
    // Out of the search index now, names and trigrams too (the segments: see `compact`).
    storage::queue::forget(conn, search)?;
    let brief = rs::account_brief(conn, account_id)?;
    if rs::purge_account(conn, account_id, now)? {
        rs::add_tombstone(
            conn,
            &Tombstone {
                what: "account",
                subject_id: account_id.get(),
                account_id: Some(account_id),
                establishment_id: None,
                kind: None,
                state_before: brief.as_ref().map_or("", |b| b.0.as_str()),
                deadline: brief.as_ref().and_then(|b| b.2.as_deref()),
                received_at: None,
                reason,
                purged_by: "sweep",
            },
            now,
        )?;
        rep.purged_accounts += 1;
    }
    // A note's code, told in the reader's language by `i18n::delivery::explain`.
    let note = crate::domain::mail::DeliveryNote::AccountPurged.stored(None);
    let cancelled = rs::cancel_account_mail(conn, account_id, keep_mail, &note, now)?;
    for m in &cancelled {
        crate::mail::log::moved(
            m,
            crate::storage::outbox::MailState::Cancelled,
            crate::mail::log::Level::Info,
            None,
            "cancelled: the account's data was erased",
        );
    }
    rep.cancelled_mails += cancelled.len();
    Ok(())
}

/// R-DL-3: a pending item of an open My Page past its own deadline expires alone; its data
/// stays (the account is open, and the employer may submit it again). Items of an account
/// still in its provisional period are the account step's.
fn expire_offer(
    store: &mut Store,
    now: DateTime<Utc>,
    today: &str,
    id: SubmissionId,
    rep: &mut SweepReport,
) -> Result<bool> {
    let tx = store.immediate()?;
    let Some(rs::OfferBrief {
        state,
        deadline,
        account_id: account,
        account_state,
    }) = rs::offer_deadline_brief(&tx, id)?
    else {
        return Ok(false);
    };
    let Some(deadline) = deadline.filter(|d| d.as_str() < today) else {
        return Ok(false);
    };
    if account_state == "activated" {
        return Ok(false);
    }
    let Ok(expired) = transition(state, SubmissionEvent::DeadlinePassed) else {
        return Ok(false);
    };
    if !rs::move_state(&tx, id, state, expired, None, now)? {
        return Ok(false);
    }
    history(&tx, now, id, "deadline_passed", state, expired)?;
    system_audit(
        &tx,
        now,
        "sweep.expire_offer",
        format!("submission:{id}"),
        format!("account:{account} deadline {deadline}"),
    )?;
    tx.commit()?;
    rep.expired_submissions += 1;
    Ok(true)
}

fn history(
    conn: &Connection,
    now: DateTime<Utc>,
    id: SubmissionId,
    action: &str,
    from: SubmissionState,
    to: SubmissionState,
) -> Result<()> {
    rs::add_history(
        conn,
        &NewHistory {
            submission_id: id,
            staff_id: None,
            action,
            from_state: Some(from),
            to_state: Some(to),
            detail: None,
        },
        now,
    )?;
    Ok(())
}

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    /// A self-registered account's provisional deadline (R-DL-1 (a)): everything pending.
    Account,
    /// An open account's items with their own deadline (R-DL-1 (b)): those items.
    Offers,
}

fn remind(
    store: &mut Store,
    cfg: &Config,
    now: DateTime<Utc>,
    (account, deadline, due): (AccountId, &str, Due),
    left: i64,
) -> Result<bool> {
    let tx = store.immediate()?;
    let Some((state, email, account_deadline, _)) = rs::account_brief(&tx, account)? else {
        return Ok(false);
    };
    let still_due = match due {
        Due::Account => state == "activated" && account_deadline.as_deref() == Some(deadline),
        Due::Offers => state == "opened",
    };
    if !still_due || email.is_empty() {
        return Ok(false);
    }
    let names = match due {
        Due::Account => rs::pending_names(&tx, account)?,
        Due::Offers => rs::pending_names_due(&tx, account, deadline)?,
    };
    if due == Due::Offers && names.is_empty() {
        return Ok(false);
    }
    // Claim the reminder first: a second process's insert does nothing.
    if !rs::record_reminder(&tx, account, deadline, None, now)? {
        return Ok(false);
    }
    let item = if names.is_empty() {
        crate::i18n::mail_words::WHOLE_REGISTRATION.to_string()
    } else {
        let clean: Vec<String> = names
            .iter()
            .map(|n| crate::domain::text::sanitize(n, false))
            .collect();
        crate::i18n::mail_words::names(&clean)
    };
    let mut vars = BTreeMap::new();
    vars.insert("deadline", deadline.to_string());
    vars.insert("days_left", left.to_string());
    vars.insert("item", item);
    queue_mail(
        &tx,
        cfg,
        &system_ctx(now),
        &QueuedMail {
            template: Template::ProvisionalReminder,
            to: &email,
            account_id: Some(account),
            vars,
            auth_key: None,
        },
    )?;
    system_audit(
        &tx,
        now,
        "sweep.reminder",
        format!("account:{account}"),
        format!("deadline {deadline}"),
    )?;
    tx.commit()?;
    Ok(true)
}

/// Runs the sweep when the last run (any process, stored in `settings`) is at least
/// `interval` ago; for the TUI's background and `mail sync --watch`. Errors are logged.
#[must_use]
pub fn maybe_run(
    store: &mut Store,
    cfg: &Config,
    now: DateTime<Utc>,
    interval: std::time::Duration,
) -> Option<SweepReport> {
    let due = (|| -> Result<bool> {
        let tx = store.immediate()?;
        let last = settings::get(&tx, LAST_RUN_KEY)?.and_then(|s| from_db(&s));
        let interval = Duration::from_std(interval).unwrap_or(Duration::minutes(10));
        if last.is_some_and(|l| now < l + interval && now >= l) {
            return Ok(false);
        }
        settings::set(&tx, LAST_RUN_KEY, &to_db(now))?;
        tx.commit()?;
        Ok(true)
    })();
    match due {
        // `run` logs the run: its counts, or what stopped it.
        Ok(true) => run(store, cfg, now).ok(),
        Ok(false) => None,
        Err(e) => {
            tracing::error!("sweep schedule: {e}");
            None
        }
    }
}
