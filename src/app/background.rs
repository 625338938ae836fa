//! What happens without a key: the clock's tick (idle lock, flash expiry, the deadline sweep and
//! index upkeep), the queue counts and mail status arriving from their threads, and reloading
//! the screen after them.

use std::time::{Duration, Instant};

use crate::domain::mail::MailState;
use crate::i18n::ui::Msg;
use crate::service::queue_counts::{Answer, Counter};

use super::{App, MailCounts, Screen};

impl App {
    /// Time passes: idle lock (R-AUTH-3), the header clock, other sessions' changes.
    /// Returns whether anything changed.
    pub fn on_tick(&mut self, now: Instant) -> bool {
        let mut changed = false;
        let idle = Duration::from_secs(u64::from(self.cfg.session.idle_lock_minutes) * 60);
        if self.session.is_some()
            && self.lock.is_none()
            && now.duration_since(self.last_activity) >= idle
        {
            self.lock_now();
            changed = true;
        }
        // Audit rows of reads that found the write lock taken (issue 17 item 11): written as
        // soon as it is free, without making the screen wait.
        if self.store.audit_waiting() > 0 {
            let _ = self.store.flush_audit(Duration::ZERO);
        }
        let c = self.clock_now();
        if c != self.clock_text {
            self.clock_text = c;
            // The mail queue's ages move with the clock.
            if matches!(self.screen, Screen::MailQueue(_)) {
                self.reload_screen();
            }
            changed = true;
        }
        if let Ok(v) = self.store.data_version()
            && v != self.data_version
        {
            self.data_version = v;
            if self.session.is_some() && self.staff_disabled() {
                let why = self.t(Msg::SignedOutDisabled).to_string();
                self.sign_out(Some(why));
            }
            self.reload_screen();
            self.refresh_mail_counts();
            changed = true;
        }
        changed
    }

    /// Queue counts or a dashboard arrived from the counting thread: they go to the screens
    /// that show them, whether on screen or waiting under a detail, when they are the
    /// signed-in staff member's. Returns whether anything changed.
    pub fn on_counts(&mut self) -> bool {
        let Some(answers) = self.counter.as_ref().map(Counter::answers) else {
            return false;
        };
        let me = self.session.as_ref().map(|s| s.ctx.staff_id);
        let mut changed = false;
        for answer in answers {
            let answer = match answer {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("queue counts: {e}");
                    continue;
                }
            };
            for screen in std::iter::once(&mut self.screen).chain(self.back.iter_mut()) {
                match (screen, &answer) {
                    (Screen::Queue(q), Answer::Counts { staff_id, counts })
                        if Some(*staff_id) == me =>
                    {
                        q.counts.clone_from(counts);
                        changed = true;
                    }
                    (
                        Screen::Dashboard(d),
                        Answer::Dashboard {
                            staff_id,
                            dashboard,
                        },
                    ) if Some(*staff_id) == me => {
                        d.data = Some((**dashboard).clone());
                        changed = true;
                    }
                    _ => {}
                }
            }
        }
        changed
    }

    /// For tests: pretend the last key was pressed at `t`.
    pub fn set_last_activity(&mut self, t: Instant) {
        self.last_activity = t;
    }

    /// Re-reads what the current screen shows, keeping its cursor (another session changed
    /// the data).
    pub fn reload_screen(&mut self) {
        let Some(ctx) = self.ctx() else { return };
        match &mut self.screen {
            Screen::Account(a) => a.reload(&self.store, &ctx),
            Screen::Staff(s) => s.reload(&self.store, &ctx),
            Screen::Audit(a) => a.reload(&self.store, &ctx),
            Screen::Queue(q) => {
                let _ = q.reload(&self.store, &ctx, self.counter.as_ref());
            }
            Screen::Detail(d) => d.reload(&self.store, &ctx, self.lang),
            Screen::Dashboard(d) => d.reload(&self.store, &ctx, self.counter.as_ref()),
            Screen::Calendar(c) => c.reload(&self.store),
            Screen::MailQueue(q) => {
                let _ = q.follow(&self.store, &ctx);
            }
            _ => {}
        }
    }

    pub fn refresh_mail_counts(&mut self) {
        if let Ok(counts) = crate::storage::outbox::counts(self.store.conn()) {
            let get = |s: MailState| counts.iter().find(|c| c.0 == s).map_or(0, |c| c.1);
            self.mail.waiting = get(MailState::Queued) + get(MailState::Sending);
            self.mail.failed = get(MailState::Failed);
        }
    }

    /// The background delivery worker reports. Returns whether the header changed.
    pub fn on_mail_status(&mut self, s: &crate::mail::worker::MailStatus) -> bool {
        let next = MailCounts {
            waiting: s.queued + s.sending,
            failed: s.failed,
            last_error: s
                .last_error
                .as_deref()
                .map(|e| crate::domain::text::sanitize(e, false)),
        };
        let changed = next != self.mail;
        self.mail = next;
        // The worker sent, deferred or failed a mail: the queue screen shows it at once.
        if changed && matches!(self.screen, Screen::MailQueue(_)) {
            self.reload_screen();
        }
        changed
    }

    /// An action queued mail: ask the worker to send it now, and show it in the header.
    pub fn mail_was_queued(&mut self) {
        self.mail_queued = true;
        self.refresh_mail_counts();
    }
}
