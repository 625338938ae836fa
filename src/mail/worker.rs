//! The sync worker (R-MAIL-1..3, R-MAIL-6). One pass: in one IMMEDIATE transaction expire key
//! mails past their key, take back rows whose lease ran out (a worker crashed mid-send), claim
//! due rows with a lease; then send each outside any transaction and record its outcome in a
//! short transaction of its own. Several workers (TUIs, `mail sync`) share one database: the
//! claim is atomic, so no row is sent by two at once; a crash resends after the lease
//! (at-least-once, same Message-ID).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::log::Level;
use super::template::Template;
use super::transport::{Outcome, Outgoing, Transport};
use crate::clock::{from_db, to_db};
use crate::config::Config;
use crate::domain::mail::DeliveryNote;
use crate::storage::audit::AuditEntry;
use crate::storage::outbox::{self, Claimed, MailState};
use crate::storage::{self, StorageError, Store};

/// The actor name of the worker's audit rows.
pub const SYSTEM_ACTOR: &str = "mail-sync";

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PassReport {
    pub claimed: usize,
    pub sent: usize,
    /// Temporary failures, queued again with backoff.
    pub deferred: usize,
    /// Permanent failures and retries given up.
    pub failed: usize,
    /// Key mails past their key's expiry (R-MAIL-6).
    pub expired: usize,
    /// Rows taken back from a worker whose lease ran out.
    pub lease_recovered: usize,
    /// Claimed but not tried (server down, or the pass ran out of lease time): queued again.
    pub untried: usize,
    /// The last failure's reply, for the status line.
    pub last_error: Option<String>,
}

impl PassReport {
    #[must_use]
    pub fn did_anything(&self) -> bool {
        self.claimed + self.expired + self.lease_recovered > 0
    }
}

/// R-MAIL-3: Postfix-like backoff after the `failures`-th temporary failure: `first`, doubling,
/// capped at `max`.
#[must_use]
pub fn backoff(failures: i64, first: Duration, max: Duration) -> Duration {
    let shift = u32::try_from(failures.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    first.saturating_mul(1 << shift).min(max)
}

fn secs(s: u64) -> chrono::Duration {
    chrono::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1000))
}

fn chrono_of(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// A worker id unique to this process and call: `pid:random`.
#[must_use]
pub fn new_worker_id(kind: &str) -> String {
    use rand::Rng;
    let r: u32 = rand::rng().random();
    format!("{kind}:{}:{r:08x}", std::process::id())
}

/// Whether a sent mail's body must go (R-KEY-2): it carried an auth key.
fn carries_key(c: &Claimed) -> bool {
    c.key_expires_at.is_some() || Template::from_code(&c.template).is_none_or(Template::carries_key)
}

/// Logs one move of a claimed row (`mail::log`).
fn log_change(
    level: Level,
    c: &Claimed,
    (from, to): (MailState, MailState),
    next: Option<DateTime<Utc>>,
    reply: Option<&str>,
    why: &str,
) {
    super::log::state_change(
        level,
        &super::log::Change {
            id: c.id,
            template: &c.template,
            from: Some(from),
            to,
            attempt: c.attempts,
            next_attempt: next,
            reply,
            why,
        },
    );
}

/// One pass. `now` is the caller's clock (`crate::clock::now()`, which honours
/// `MADOGUCHI_NOW`), so tests can move time.
///
/// # Errors
/// Only database failures; a failing server is a result, not an error.
pub fn run_once(
    store: &mut Store,
    transport: &Transport,
    cfg: &Config,
    worker_id: &str,
    now: DateTime<Utc>,
) -> Result<PassReport, StorageError> {
    let m = &cfg.mail;
    let lease = secs(m.lease_seconds);
    let mut report = PassReport::default();
    outbox::secure_delete_on(store.conn())?;
    let mut scrubbed = 0;
    let (expired, recovered, claimed) = {
        let tx = store.immediate()?;
        let note = DeliveryNote::KeyExpired.stored(None);
        let expired = outbox::expire_key_mails(&tx, &note, now)?;
        let recovered = outbox::requeue_expired_leases(&tx, now)?;
        let rows = outbox::claim_due(&tx, worker_id, now, now + lease, m.batch_size)?;
        tx.commit()?;
        (expired, recovered, rows)
    };
    // Logged once committed: the log says what the database holds.
    for e in &expired {
        crate::mail::log::moved(
            e,
            MailState::Expired,
            Level::Error,
            None,
            "expired unsent: the auth key ran out",
        );
    }
    for r in &recovered {
        crate::mail::log::moved(
            r,
            MailState::Queued,
            Level::Warn,
            Some(now),
            "lease ran out (a worker stopped mid-send): queued again",
        );
    }
    report.expired = expired.len();
    report.lease_recovered = recovered.len();
    scrubbed += report.expired;
    report.claimed = claimed.len();
    for c in &claimed {
        log_change(
            Level::Info,
            c,
            (MailState::Queued, MailState::Sending),
            None,
            None,
            &format!("claimed by {worker_id}"),
        );
    }
    let started = Instant::now();
    // No send may start after half the lease: a send then ends (deadline) before the lease does,
    // and no other worker can take the row while it is in flight. `Config` checks the margin.
    let send_window = Duration::from_secs(m.lease_seconds / 2);
    let first = Duration::from_secs(m.retry_first_seconds);
    let max = Duration::from_secs(m.retry_max_seconds);
    let mut server_down = false;
    for c in &claimed {
        let t = now + chrono_of(started.elapsed());
        if server_down || started.elapsed() >= send_window {
            let next = if server_down { t + chrono_of(first) } else { t };
            let tx = store.immediate()?;
            let recorded = outbox::release_untried(&tx, c.id, worker_id, next, t)?;
            tx.commit()?;
            report.untried += 1;
            if recorded {
                let (level, why) = if server_down {
                    (Level::Warn, "not tried: the server is down")
                } else {
                    (Level::Info, "not tried: the pass ran out of lease time")
                };
                // The claim's attempt was given back.
                let back = Claimed {
                    attempts: (c.attempts - 1).max(0),
                    ..c.clone()
                };
                log_change(
                    level,
                    &back,
                    (MailState::Sending, MailState::Queued),
                    Some(next),
                    None,
                    why,
                );
            }
            continue;
        }
        let outcome = match &c.body {
            Some(body) => transport.send(&Outgoing {
                message_id: &c.message_id,
                to: &c.to_addr,
                subject: &c.subject,
                body,
                date: t,
            }),
            None => Outcome::Permanent(DeliveryNote::BodyGone.stored(None)),
        };
        let t = now + chrono_of(started.elapsed());
        let tx = store.immediate()?;
        // What to log once the outcome is committed: level, new state, next attempt, reply, why.
        let (recorded, level, to, next, reply, why) = match &outcome {
            Outcome::Sent(reply) => {
                report.sent += 1;
                scrubbed += usize::from(carries_key(c));
                let done = outbox::mark_sent(&tx, c.id, worker_id, reply, carries_key(c), t)?;
                (
                    done,
                    Level::Info,
                    MailState::Sent,
                    None,
                    reply.as_str(),
                    "sent",
                )
            }
            Outcome::Permanent(reply) => {
                report.failed += 1;
                report.last_error = Some(reply.clone());
                let done = outbox::mark_failed(&tx, c.id, worker_id, reply, t)?;
                let (reply, why) = if c.body.is_none() {
                    ("", "permanent failure: the body is gone")
                } else {
                    (reply.as_str(), "permanent failure")
                };
                (done, Level::Error, MailState::Failed, None, reply, why)
            }
            Outcome::Temporary { reply, connection } => {
                report.last_error = Some(reply.clone());
                server_down |= *connection;
                let queued = from_db(&c.created_at).unwrap_or(now);
                if t - queued >= secs(m.give_up_hours.saturating_mul(3600)) {
                    report.failed += 1;
                    let stored = DeliveryNote::GaveUp.stored(Some(reply));
                    let done = outbox::mark_failed(&tx, c.id, worker_id, &stored, t)?;
                    let why = "gave up: temporary failures past mail.give_up_hours";
                    (
                        done,
                        Level::Error,
                        MailState::Failed,
                        None,
                        reply.as_str(),
                        why,
                    )
                } else {
                    report.deferred += 1;
                    let next = t + chrono_of(backoff(c.attempts, first, max));
                    let done = outbox::mark_deferred(&tx, c.id, worker_id, reply, next, t)?;
                    let why = "temporary failure: retried later";
                    (
                        done,
                        Level::Warn,
                        MailState::Queued,
                        Some(next),
                        reply.as_str(),
                        why,
                    )
                }
            }
        };
        tx.commit()?;
        if recorded {
            let reply = Some(reply).filter(|r| !r.is_empty());
            log_change(level, c, (MailState::Sending, to), next, reply, why);
        } else {
            tracing::warn!(
                outbox_id = c.id,
                "mail outcome not recorded: the lease was no longer ours"
            );
        }
    }
    if scrubbed > 0 {
        outbox::checkpoint_truncate(store.conn())?;
    }
    if report.did_anything() {
        tracing::info!(
            worker = worker_id,
            claimed = report.claimed,
            sent = report.sent,
            deferred = report.deferred,
            failed = report.failed,
            expired = report.expired,
            lease_recovered = report.lease_recovered,
            untried = report.untried,
            via = transport.describe(),
            "mail pass done"
        );
        let tx = store.immediate()?;
        storage::audit::append(
            &tx,
            &AuditEntry {
                at_utc: to_db(now),
                staff_id: None,
                staff_name: Some(SYSTEM_ACTOR.into()),
                staff_roles: None,
                terminal: worker_id.to_string(),
                action: "mail.sync".into(),
                subject: None,
                purpose: None,
                outcome: "ok".into(),
                detail: Some(format!(
                    "sent={} deferred={} failed={} expired={} lease_recovered={} untried={} via={}",
                    report.sent,
                    report.deferred,
                    report.failed,
                    report.expired,
                    report.lease_recovered,
                    report.untried,
                    transport.describe()
                )),
            },
        )?;
        tx.commit()?;
    }
    Ok(report)
}

/// The default spool folder: `spool/` beside the database.
#[must_use]
pub fn default_spool_dir(db_path: &Path) -> PathBuf {
    db_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
        .join("spool")
}

/// What the TUI's header shows about mail.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MailStatus {
    pub queued: i64,
    pub sending: i64,
    pub failed: i64,
    /// The last failure seen by this process's worker (or why it cannot run).
    pub last_error: Option<String>,
}

/// Counts for the status line.
///
/// # Errors
/// On SQLite failure.
pub fn status(store: &Store) -> Result<MailStatus, StorageError> {
    let mut s = MailStatus::default();
    for (state, n) in outbox::counts(store.conn())? {
        match state {
            MailState::Queued => s.queued = n,
            MailState::Sending => s.sending = n,
            MailState::Failed => s.failed = n,
            _ => {}
        }
    }
    Ok(s)
}

enum Cmd {
    Poke,
    Stop,
}

/// The TUI's background worker. Dropping it asks the thread to stop without waiting (a send in
/// flight finishes by its deadline; its lease covers a process exit); [`BackgroundHandle::stop`]
/// also waits.
#[derive(Debug)]
pub struct BackgroundHandle {
    tx: mpsc::Sender<Cmd>,
    join: Option<JoinHandle<()>>,
}

impl BackgroundHandle {
    /// Runs a pass now (after a change queued a mail). Never blocks.
    pub fn poke(&self) {
        // Fails only when the thread has ended, which it logged.
        let _ = self.tx.send(Cmd::Poke);
    }

    /// Stops the thread and waits for it (at most one send deadline).
    pub fn stop(mut self) {
        // A thread already gone has nothing to stop; `join` says how it ended.
        let _ = self.tx.send(Cmd::Stop);
        if let Some(j) = self.join.take()
            && j.join().is_err()
        {
            tracing::error!("mail worker thread panicked");
        }
    }
}

impl Drop for BackgroundHandle {
    fn drop(&mut self) {
        // As in `poke`: a thread already gone needs no stop.
        let _ = self.tx.send(Cmd::Stop);
    }
}

/// Starts the background worker for a TUI: its own thread and its own `Store` on `db_path`; a
/// pass every `mail.poll_seconds` and at once on [`BackgroundHandle::poke`]; each changed
/// [`MailStatus`] is posted to `status_tx`. With `mail.worker = false` it only posts the counts
/// (another process sends).
#[must_use]
pub fn spawn_background(
    db_path: &Path,
    cfg: &Config,
    status_tx: mpsc::Sender<MailStatus>,
) -> BackgroundHandle {
    let (tx, rx) = mpsc::channel();
    let db_path = db_path.to_path_buf();
    let cfg = cfg.clone();
    let join = std::thread::Builder::new()
        .name("mail-worker".into())
        .spawn(move || background_loop(&db_path, &cfg, &rx, &status_tx))
        .map_err(|e| tracing::error!("mail worker thread: {e}"))
        .ok();
    BackgroundHandle { tx, join }
}

/// The background loop's failures, logged when they start or change (not once per poll while
/// the same fault lasts) and when they end.
#[derive(Default)]
struct Repeats {
    last: Option<String>,
    /// Faults noted so far, logged or not.
    seen: u64,
}

impl Repeats {
    /// Logs `what: error` unless it is the one logged last; returns the error for the status.
    fn note(&mut self, what: &str, error: String) -> String {
        self.seen += 1;
        let line = format!("{what}: {error}");
        if self.last.as_deref() != Some(line.as_str()) {
            tracing::error!("mail worker (background): {line}");
            self.last = Some(line);
        }
        error
    }

    /// A pass without a fault: the next fault is logged again.
    fn clear(&mut self) {
        if self.last.take().is_some() {
            tracing::info!("mail worker (background): working again");
        }
    }
}

fn background_loop(
    db_path: &Path,
    cfg: &Config,
    rx: &mpsc::Receiver<Cmd>,
    status_tx: &mpsc::Sender<MailStatus>,
) {
    let worker_id = new_worker_id("tui");
    let interval = Duration::from_secs(cfg.mail.poll_seconds.max(1));
    let sweep_every = crate::service::maintenance::sweep_every(cfg);
    let mut store: Option<Store> = None;
    let mut transport: Option<Transport> = None;
    let mut last_error: Option<String> = None;
    let mut last_posted: Option<MailStatus> = None;
    let mut logged = Repeats::default();
    tracing::info!(worker = %worker_id, sends = cfg.mail.worker, "mail worker started");
    loop {
        let faults_before = logged.seen;
        if store.is_none() {
            match Store::open(db_path) {
                Ok(s) => store = Some(s),
                Err(e) => last_error = Some(logged.note("open the database", e.to_string())),
            }
        }
        if cfg.mail.worker && transport.is_none() {
            match Transport::from_config(cfg, None, &default_spool_dir(db_path)) {
                Ok(t) => transport = Some(t),
                Err(e) => {
                    let said = e.describe(cfg.ui.language.into());
                    last_error = Some(logged.note("mail transport", said));
                }
            }
        }
        let mut current = MailStatus {
            last_error: last_error.clone(),
            ..MailStatus::default()
        };
        if let Some(s) = store.as_mut() {
            // R-DL-3: the deadline sweep also runs from every TUI's background, at most once
            // per interval across all processes; the search index follows imports (R-REV-6).
            // What failed is logged there; the TUI goes on.
            crate::service::maintenance::tick(s, cfg, crate::clock::now(), sweep_every);
            if let Some(t) = &transport {
                match run_once(s, t, cfg, &worker_id, crate::clock::now()) {
                    Ok(r) => {
                        if r.sent > 0 {
                            last_error = None;
                        }
                        if r.last_error.is_some() {
                            last_error = r.last_error;
                        }
                    }
                    Err(e) => last_error = Some(logged.note("mail pass", e.to_string())),
                }
            }
            match status(s) {
                Ok(st) => current = st,
                Err(e) => last_error = Some(logged.note("mail status", e.to_string())),
            }
            current.last_error.clone_from(&last_error);
            if logged.seen == faults_before {
                logged.clear();
            }
        }
        if last_posted.as_ref() != Some(&current) {
            if status_tx.send(current.clone()).is_err() {
                tracing::info!(worker = %worker_id, "mail worker stopped: the screen is gone");
                return; // nobody listens any more
            }
            last_posted = Some(current);
        }
        match rx.recv_timeout(interval) {
            Ok(Cmd::Poke) | Err(mpsc::RecvTimeoutError::Timeout) => {
                // Several pokes in a row need one pass.
                while let Ok(cmd) = rx.try_recv() {
                    if matches!(cmd, Cmd::Stop) {
                        tracing::info!(worker = %worker_id, "mail worker stopped");
                        return;
                    }
                }
            }
            Ok(Cmd::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                tracing::info!(worker = %worker_id, "mail worker stopped");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_mail_3_backoff_doubles_from_a_minute_to_an_hour() {
        let f = Duration::from_mins(1);
        let m = Duration::from_hours(1);
        let got: Vec<u64> = (1..=8).map(|n| backoff(n, f, m).as_secs()).collect();
        assert_eq!(got, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(1000, f, m).as_secs(), 3600);
    }
}
