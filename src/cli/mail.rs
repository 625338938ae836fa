//! `madoguchi mail …` (R-MAIL-1, R-MAIL-7): delivery passes (`sync`, `sync --watch`, which
//! also runs the background upkeep of `service::maintenance`) and the operator's queue actions
//! (list, show, retry, hold, release, cancel). `sync` needs no signed-in staff member (its
//! audit rows name the system actor `mail-sync`); the operator actions do.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context as _;

use super::CliCtx;
use crate::config::Config;
use crate::domain::mail::MailState;
use crate::i18n::Lang;
use crate::i18n::cli::Label;
use crate::mail::transport::Transport;
use crate::mail::worker::{self, PassReport};
use crate::service::mail::{self as svc, MailAction, MailLine};
use crate::service::{Ctx, ServiceError};
use crate::storage::Store;

/// `println!` through the terminal boundary (`cli::out::line`, SPEC §5): no control sequence
/// from data reaches the terminal; a stdout whose reader left is noted there and ends the
/// command quietly.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = crate::cli::out::line(format_args!($($arg)*));
    }};
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum MailCmd {
    /// Send due mail once (or keep watching with --watch until SIGTERM / Ctrl-C).
    Sync {
        /// Keep running: a pass every `mail.poll_seconds`.
        #[arg(long)]
        watch: bool,
        /// Write .eml files to DIR instead of sending (overrides [smtp] and `mail.spool_dir`).
        #[arg(long, value_name = "DIR")]
        spool: Option<PathBuf>,
    },
    /// Counts by state and the age of the oldest waiting mail.
    Status,
    /// The queue, like mailq.
    List {
        /// queued, sending, sent, failed, held, cancelled or expired.
        #[arg(long)]
        state: Option<String>,
    },
    /// One mail.
    Show { id: i64 },
    /// Queue a failed or held mail again, due now.
    Retry { id: i64 },
    /// Keep a queued or failed mail from being sent.
    Hold { id: i64 },
    /// Queue a held mail again, due now.
    Release { id: i64 },
    /// Cancel a mail that has not been sent.
    Cancel { id: i64 },
}

/// `mail sync` runs without a sign-in (it is the delivery service); every operator action
/// signs in the `--as` staff member first.
///
/// # Errors
/// Sign-in failure, storage failure.
pub fn run(cmd: &MailCmd, ctx: &CliCtx) -> anyhow::Result<i32> {
    let session = match cmd {
        MailCmd::Sync { .. } => None,
        _ => Some(ctx.session()?),
    };
    let acting = session.as_ref().map(|s| s.ctx.at(ctx.now()));
    let mut store = ctx.store();
    run_cmd(
        cmd,
        &mut store,
        &ctx.config,
        acting.as_ref(),
        ctx.json,
        ctx.lang == Lang::En,
    )
}

/// Exit status: 0 done; 1 refused (state, not found, denied); 2 a one-shot sync saw failures,
/// or had mail due and could deliver none of it (server down: the reason is said in Japanese
/// on stderr and the mail stays queued).
///
/// # Errors
/// The database or the transport configuration fails.
pub fn run_cmd(
    cmd: &MailCmd,
    store: &mut Store,
    cfg: &Config,
    ctx: Option<&Ctx>,
    json: bool,
    lang_en: bool,
) -> anyhow::Result<i32> {
    let out = Out { json, en: lang_en };
    match cmd {
        MailCmd::Sync { watch, spool } => sync(store, cfg, *watch, spool.as_deref(), out),
        other => {
            let ctx = ctx.context(out.t(Label::MailNeedsSignIn))?;
            let ctx = ctx.at(crate::clock::now());
            operator(other, store, &ctx, out)
        }
    }
}

#[derive(Clone, Copy)]
struct Out {
    json: bool,
    en: bool,
}

impl Out {
    fn t(self, l: Label) -> &'static str {
        crate::i18n::cli::label(self.lang(), l)
    }

    fn lang(self) -> crate::i18n::Lang {
        if self.en {
            crate::i18n::Lang::En
        } else {
            crate::i18n::Lang::Ja
        }
    }

    // A method like `t`, so that every output goes through `out` (JSON has no language).
    #[allow(clippy::unused_self)]
    fn json<T: serde::Serialize>(self, v: &T) -> anyhow::Result<()> {
        say!(
            "{}",
            crate::domain::text::json_safe(&serde_json::to_string(v)?)
        );
        Ok(())
    }
}

fn sync(
    store: &mut Store,
    cfg: &Config,
    watch: bool,
    spool: Option<&Path>,
    out: Out,
) -> anyhow::Result<i32> {
    let default_spool = store
        .path()
        .map_or_else(|| PathBuf::from("spool"), worker::default_spool_dir);
    let transport = Transport::from_config(cfg, spool, &default_spool)?;
    let worker_id = worker::new_worker_id("cli");
    if !watch {
        let r = worker::run_once(store, &transport, cfg, &worker_id, crate::clock::now())?;
        print_report(&r, transport.describe(), out)?;
        let waiting = r.deferred + r.untried;
        if r.sent == 0 && waiting > 0 {
            let lang = out.lang();
            let why = r.last_error.as_deref().map_or_else(
                || out.t(Label::MailUnknownReason).to_string(),
                |e| crate::i18n::delivery::explain(lang, e),
            );
            let text = crate::i18n::cli::mail_nothing_delivered(lang, waiting, &why);
            tracing::error!("mail sync: nothing delivered: {why}");
            eprintln!("{}", crate::domain::text::sanitize(&text, false));
            return Ok(2);
        }
        return Ok(if r.failed > 0 { 2 } else { 0 });
    }
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    let interval = Duration::from_secs(cfg.mail.poll_seconds.max(1));
    let sweep_every = crate::service::maintenance::sweep_every(cfg);
    let mut backoff = Duration::ZERO;
    tracing::info!(
        worker = %worker_id,
        via = transport.describe(),
        poll_seconds = cfg.mail.poll_seconds,
        "mail sync watch started"
    );
    while !stop.load(Ordering::Relaxed) {
        // R-DL-3: the deadline sweep, at most once per interval across all processes; the
        // search index follows imports (R-REV-6). What failed is logged there.
        crate::service::maintenance::tick(store, cfg, crate::clock::now(), sweep_every);
        let mut full = false;
        match worker::run_once(store, &transport, cfg, &worker_id, crate::clock::now()) {
            Ok(r) => {
                backoff = Duration::ZERO;
                if r.did_anything() {
                    print_report(&r, transport.describe(), out)?;
                }
                // A full batch means more is due: go on at once.
                full = r.claimed >= cfg.mail.batch_size as usize;
            }
            Err(e) => {
                // A service does not exit on a passing fault (a locked database, a full
                // disk): it says so, waits longer each time (up to the poll interval's
                // ten-fold) and goes on. Mail stays queued meanwhile.
                backoff = (backoff * 2).clamp(Duration::from_secs(1), interval * 10);
                tracing::error!("mail sync pass: {e}; next try in {backoff:?}");
                eprintln!(
                    "{}: {}",
                    out.t(Label::MailPassFailed),
                    crate::domain::text::sanitize(&e.to_string(), false)
                );
            }
        }
        if !full {
            wait_for_work(store, &stop, interval.max(backoff));
        }
    }
    tracing::info!(worker = %worker_id, "mail sync watch stopped");
    Ok(0)
}

/// Sleeps up to `limit`, waking early when another process commits to the database (an
/// import that queued a key mail, a clerk's registration): the customer is waiting for that
/// mail (R-KEY-0), so it must not wait for the next poll.
fn wait_for_work(store: &Store, stop: &AtomicBool, limit: Duration) {
    const TICK: Duration = Duration::from_millis(50);
    // Only a wake-up hint: a failing read just sleeps the whole `limit`, and the next pass
    // meets (and logs) the fault itself.
    let seen = store.data_version().ok();
    let mut slept = Duration::ZERO;
    while slept < limit && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(TICK);
        slept += TICK;
        if seen.is_some() && store.data_version().ok() != seen {
            return;
        }
    }
}

fn print_report(r: &PassReport, via: &str, out: Out) -> anyhow::Result<()> {
    if out.json {
        return out.json(r);
    }
    say!(
        "{}",
        crate::i18n::cli::mail_pass_report(
            out.lang(),
            [r.sent, r.deferred, r.failed, r.expired],
            via
        )
    );
    if let Some(e) = &r.last_error {
        say!(
            "{}: {}",
            out.t(Label::MailLastError),
            crate::domain::text::sanitize(&crate::i18n::delivery::explain(out.lang(), e), false)
        );
    }
    Ok(())
}

fn operator(cmd: &MailCmd, store: &mut Store, ctx: &Ctx, out: Out) -> anyhow::Result<i32> {
    let result = match cmd {
        MailCmd::Sync { .. } => return Ok(0),
        MailCmd::Status => svc::status(store, ctx).map(|s| {
            if out.json {
                return out.json(&s);
            }
            for (state, n) in &s.counts {
                say!("{:<10} {n:>6}", state.code());
            }
            if let Some(a) = s.oldest_waiting_age_seconds {
                say!("{}: {}", out.t(Label::MailOldestWaiting), fmt_age(a));
            }
            Ok(())
        }),
        MailCmd::List { state } => {
            let state = match state.as_deref().map(|s| (s, MailState::parse(s))) {
                None => None,
                Some((_, Some(s))) => Some(s),
                Some((s, None)) => {
                    eprintln!(
                        "{}: {}",
                        out.t(Label::MailUnknownState),
                        crate::domain::text::sanitize(s, false)
                    );
                    return Ok(1);
                }
            };
            svc::list(store, ctx, state).map(|rows| {
                if out.json {
                    return out.json(&rows);
                }
                for r in &rows {
                    print_line(r, out.lang());
                }
                Ok(())
            })
        }
        MailCmd::Show { id } => svc::show(store, ctx, *id).map(|d| {
            if out.json {
                return out.json(&d);
            }
            print_line(&d.line, out.lang());
            say!(
                "Message-ID: {}",
                crate::domain::text::sanitize(&d.line.message_id, false)
            );
            say!(
                "Subject: {}",
                crate::domain::text::sanitize(&d.line.subject, false)
            );
            match &d.body {
                Some(b) => say!("\n{}", crate::domain::text::sanitize(b, true)),
                None if d.body_scrubbed => {
                    say!("{}", out.t(Label::MailBodyScrubbed));
                }
                None => say!("{}", out.t(Label::MailBodyNotShown)),
            }
            Ok(())
        }),
        MailCmd::Retry { id } => act(store, ctx, *id, MailAction::Retry, out),
        MailCmd::Hold { id } => act(store, ctx, *id, MailAction::Hold, out),
        MailCmd::Release { id } => act(store, ctx, *id, MailAction::Release, out),
        MailCmd::Cancel { id } => act(store, ctx, *id, MailAction::Cancel, out),
    };
    match result {
        Ok(printed) => printed.map(|()| 0),
        Err(e) => refused(&e, out),
    }
}

fn act(
    store: &mut Store,
    ctx: &Ctx,
    id: i64,
    action: MailAction,
    out: Out,
) -> Result<anyhow::Result<()>, ServiceError> {
    svc::act(store, ctx, id, action).map(|l| {
        if out.json {
            return out.json(&l);
        }
        print_line(&l, out.lang());
        Ok(())
    })
}

fn refused(e: &ServiceError, out: Out) -> anyhow::Result<i32> {
    let msg = match e {
        // The one wording of a missing permission, as every other command.
        ServiceError::Denied => crate::i18n::cli::error_message(out.lang(), e),
        ServiceError::NotFound => out.t(Label::MailNotFound).to_string(),
        ServiceError::Refused(r) => crate::i18n::refusal::refusal_text(out.lang(), r),
        other => return Err(anyhow::anyhow!("{other}")),
    };
    if out.json {
        say!("{}", serde_json::json!({ "error": msg }));
    } else {
        eprintln!("{}", crate::domain::text::sanitize(&msg, false));
    }
    Ok(1)
}

fn fmt_age(s: i64) -> String {
    if s >= 86_400 {
        format!("{}d{}h", s / 86_400, s % 86_400 / 3600)
    } else if s >= 3600 {
        format!("{}h{}m", s / 3600, s % 3600 / 60)
    } else {
        format!("{}m{}s", s / 60, s % 60)
    }
}

fn print_line(l: &MailLine, lang: crate::i18n::Lang) {
    let clean = |s: &str| crate::domain::text::sanitize(s, false);
    say!(
        "{:>6} {:<9} {:>7} try={} next={} {} {} | {}",
        l.id,
        l.state.code(),
        fmt_age(l.age_seconds),
        l.attempts,
        l.next_attempt_at.as_deref().unwrap_or("-"),
        clean(&l.to),
        clean(&l.subject),
        clean(&crate::i18n::delivery::explain(
            lang,
            l.last_reply.as_deref().unwrap_or("")
        )),
    );
}
