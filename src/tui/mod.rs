//! The only code that touches the terminal: set-up and guaranteed restore, the input thread,
//! and the event loop that redraws only when something changed.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::Context;
use crossterm::event::{self, Event, KeyEventKind};

pub mod lean;

use crate::app::App;
use crate::config::Config;
use crate::i18n::Lang;
use crate::i18n::cli::{CliMsg, Label, label, msg};
use crate::storage::Store;
use crate::ui;

/// What the terminal front end needs to start.
#[derive(Debug, Clone)]
pub struct TuiOptions {
    pub db_path: PathBuf,
    pub config: Config,
    /// tty and SSH client address, for the audit log.
    pub terminal: String,
    /// Shown once on the sign-in screen (the demo prints its staff there too).
    pub banner: Option<String>,
}

/// Everything the loop waits for, from every thread, on one channel.
#[derive(Debug)]
pub enum LoopEvent {
    Key(crossterm::event::KeyEvent),
    Resize(u16, u16),
    /// Text pasted (bracketed paste): one event, so a retype field can refuse it whole.
    Paste(String),
    /// The terminal went away (SSH link dropped, tty closed): quit, never spin.
    InputClosed,
    /// Another thread has something for the app (queue counts): look now, not at the tick.
    Wake,
}

/// How often time-driven state is looked at (idle lock, clock, other sessions' changes).
const TICK: Duration = Duration::from_millis(500);

/// Restores the terminal when dropped: on quit, on `?` errors and while unwinding a panic
/// (ratatui's init also installs a panic hook that restores before the message is printed).
struct TerminalGuard {
    terminal: ratatui::Terminal<lean::Lean<std::io::Stdout>>,
}

impl TerminalGuard {
    fn enter(lang: Lang) -> anyhow::Result<TerminalGuard> {
        let failed = label(lang, Label::TerminalInitFailed);
        // ratatui's init: raw mode, the alternate screen and the restoring panic hook; its
        // terminal is replaced by one that sends fewer bytes per frame (tui::lean).
        drop(ratatui::try_init().context(failed)?);
        let terminal =
            ratatui::Terminal::new(lean::Lean::new(std::io::stdout())).context(failed)?;
        // Pastes arrive as one event instead of a burst of keys (a terminal without it sends
        // keys as before).
        // Best effort: a terminal without it sends keys as before, nothing to log.
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        // Best-effort terminal restore: the process is leaving, nothing else can be done.
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
        ratatui::restore();
    }
}

fn spawn_input(tx: Sender<LoopEvent>) {
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            loop {
                let ev = match event::read() {
                    Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => LoopEvent::Key(k),
                    Ok(Event::Resize(w, h)) => LoopEvent::Resize(w, h),
                    Ok(Event::Paste(text)) => LoopEvent::Paste(text),
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::warn!("terminal input closed: {e}");
                        LoopEvent::InputClosed
                    }
                };
                let closed = matches!(ev, LoopEvent::InputClosed);
                if tx.send(ev).is_err() || closed {
                    return;
                }
            }
        })
        .map_or_else(|e| tracing::error!("input thread: {e}"), |_| ());
}

/// SIGTERM, SIGHUP and SIGINT end the loop so the guard restores the terminal.
fn stop_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        if let Err(e) = signal_hook::flag::register(sig, Arc::clone(&flag)) {
            tracing::warn!("signal {sig}: {e}");
        }
    }
    flag
}

/// Runs the TUI until the user quits.
///
/// # Errors
/// The terminal cannot be set up, or the database cannot be opened.
pub fn run(opts: TuiOptions) -> anyhow::Result<()> {
    let lang = Lang::from(opts.config.ui.language);
    let store = Store::open(&opts.db_path).with_context(|| {
        msg(
            lang,
            &CliMsg::DatabaseOpenFailed {
                path: &opts.db_path.display().to_string(),
            },
        )
    })?;
    let mut app = App::new(store, opts.config, opts.terminal, opts.banner)?;
    crate::ui::theme::init_from_env();
    let stop = stop_flag();
    let (tx, rx) = mpsc::channel();
    // Queue counts take tens of milliseconds at scale: counted on their own thread.
    let wake = tx.clone();
    app.counter = Some(crate::service::queue_counts::Counter::spawn_with_wake(
        &opts.db_path,
        move || {
            // The loop has ended (the TUI is quitting): no one to wake.
            let _ = wake.send(LoopEvent::Wake);
        },
    ));
    // Delivery runs on its own thread with its own connection: SMTP never blocks the keys.
    let (mail_tx, mail_rx) = mpsc::channel();
    // With `mail.worker = false` it only reports the queue and runs the deadline sweep.
    let worker = crate::mail::worker::spawn_background(&opts.db_path, &app.cfg, mail_tx);
    let mut guard = TerminalGuard::enter(lang)?;
    let size = guard.terminal.size()?;
    app.viewport = Some((size.width, size.height));
    spawn_input(tx);
    guard.terminal.draw(|f| ui::draw(f, &app))?;
    let mut last_tick = Instant::now();
    loop {
        let mut changed = false;
        match rx.recv_timeout(TICK) {
            Ok(first) => {
                // Handle everything already waiting (fast typing, a paste) before one redraw.
                for ev in std::iter::once(first).chain(rx.try_iter()) {
                    match ev {
                        LoopEvent::Key(k) => changed |= app.on_key(k),
                        LoopEvent::Paste(text) => changed |= app.on_paste(&text),
                        LoopEvent::Resize(w, h) => {
                            app.viewport = Some((w, h));
                            changed = true;
                        }
                        LoopEvent::InputClosed => app.quit = true,
                        LoopEvent::Wake => {}
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => app.quit = true,
        }
        for status in mail_rx.try_iter() {
            changed |= app.on_mail_status(&status);
        }
        changed |= app.on_counts();
        if std::mem::take(&mut app.mail_queued) {
            worker.poke();
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            changed |= app.on_tick(last_tick);
        }
        if stop.load(Ordering::Relaxed) {
            app.quit = true;
        }
        if app.quit {
            break;
        }
        if changed {
            guard.terminal.draw(|f| ui::draw(f, &app))?;
        }
    }
    drop(guard);
    // Restore the terminal first; then let an in-flight send finish (bounded by its deadline).
    worker.stop();
    Ok(())
}
