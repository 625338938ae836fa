//! Queue counts and the supervisor dashboard off the UI thread (R-REV-6). At L scale counting
//! every queue takes tens of milliseconds, and the screens that show them read again whenever
//! another session changes the data: on a busy office's screen the keys would wait that long,
//! again and again. A [`Counter`] reads on its own thread with its own connection and hands
//! back the latest answers.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use super::queue::{self, Dashboard};
use super::{Ctx, Result, ServiceError};
use crate::domain::ids::StaffId;
use crate::domain::queue::Queue;
use crate::storage::Store;

/// What a screen asks for, as `Ctx` sees it.
#[derive(Debug, Clone)]
pub enum Ask {
    Counts(Ctx),
    Dashboard(Ctx),
}

/// An answer, for the member of staff who asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Every queue's count, in `Queue::ALL` order.
    Counts {
        staff_id: StaffId,
        counts: Vec<(Queue, i64)>,
    },
    Dashboard {
        staff_id: StaffId,
        dashboard: Box<Dashboard>,
    },
}

/// The reading thread. Dropping it stops the thread (after a read in progress).
#[derive(Debug)]
pub struct Counter {
    ask: Option<Sender<Ask>>,
    answers: Receiver<Result<Answer>>,
    join: Option<JoinHandle<()>>,
}

impl Counter {
    /// Starts the thread; it opens the database at `db_path` at once, ready for the first
    /// request.
    #[must_use]
    pub fn spawn(db_path: &Path) -> Counter {
        Counter::spawn_with_wake(db_path, || {})
    }

    /// [`Counter::spawn`], calling `wake` after each answer (an event loop asleep until its
    /// next key or tick then looks at once).
    #[must_use]
    pub fn spawn_with_wake(db_path: &Path, wake: impl Fn() + Send + 'static) -> Counter {
        let (ask, asks) = mpsc::channel::<Ask>();
        let (tell, answers) = mpsc::channel();
        let db_path = db_path.to_path_buf();
        let join = std::thread::Builder::new()
            .name("queue-counts".into())
            .spawn(move || run(&db_path, &asks, &tell, &wake))
            .map_err(|e| tracing::error!("queue counts thread: {e}"))
            .ok();
        Counter {
            ask: Some(ask),
            answers,
            join,
        }
    }

    /// Asks. Never blocks; requests of one kind made while a read runs are answered once,
    /// with the latest.
    pub fn request(&self, ask: Ask) {
        if let Some(tx) = &self.ask {
            // Fails only when the thread has ended (logged by `spawn` or `drop`).
            let _ = tx.send(ask);
        }
    }

    /// The answers that arrived since the last call, oldest first.
    #[must_use]
    pub fn answers(&self) -> Vec<Result<Answer>> {
        self.answers.try_iter().collect()
    }

    /// Waits up to `timeout` for the next answer.
    #[must_use]
    pub fn wait(&self, timeout: std::time::Duration) -> Option<Result<Answer>> {
        self.answers.recv_timeout(timeout).ok()
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop.
        self.ask.take();
        if let Some(j) = self.join.take()
            && j.join().is_err()
        {
            tracing::error!("queue counts thread panicked");
        }
    }
}

fn answer(store: &Store, ask: &Ask) -> Result<Answer> {
    Ok(match ask {
        Ask::Counts(ctx) => Answer::Counts {
            staff_id: ctx.staff_id,
            counts: queue::counts(store, ctx)?,
        },
        Ask::Dashboard(ctx) => Answer::Dashboard {
            staff_id: ctx.staff_id,
            dashboard: Box::new(queue::dashboard(store, ctx)?),
        },
    })
}

fn run(db_path: &Path, asks: &Receiver<Ask>, tell: &Sender<Result<Answer>>, wake: &dyn Fn()) {
    // A failure here is met again below, at the first request, and answered as an error
    // (the screen logs it).
    let mut store: Option<Store> = Store::open(db_path).ok();
    while let Ok(first) = asks.recv() {
        // Several requests in a row need one read of each kind, with the latest.
        let (mut counts, mut dashboard) = (None, None);
        for ask in std::iter::once(first).chain(asks.try_iter()) {
            match ask {
                Ask::Counts(_) => counts = Some(ask),
                Ask::Dashboard(_) => dashboard = Some(ask),
            }
        }
        if store.is_none() {
            match Store::open(db_path) {
                Ok(s) => store = Some(s),
                Err(e) => {
                    if tell.send(Err(ServiceError::from(e))).is_err() {
                        return;
                    }
                    wake();
                    continue;
                }
            }
        }
        let Some(s) = store.as_ref() else { continue };
        for ask in counts.iter().chain(dashboard.iter()) {
            if tell.send(answer(s, ask)).is_err() {
                return; // nobody listens any more
            }
        }
        wake();
    }
}
