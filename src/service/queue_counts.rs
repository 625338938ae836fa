//! Queue counts off the UI thread (R-REV-6). At L scale counting every queue takes tens of
//! milliseconds; the queue screen asks again whenever another session changes the data, so on
//! a busy office's screen the keys would wait that long, again and again. A [`Counter`] counts
//! on its own thread with its own connection and hands back the latest answer.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use super::{Ctx, Result, ServiceError, queue};
use crate::storage::Store;
use crate::storage::review::Queue;

/// The counts of every queue for one member of staff, in `Queue::ALL` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    pub staff_id: i64,
    pub counts: Vec<(Queue, i64)>,
}

/// The counting thread. Dropping it stops the thread (after a count in progress).
#[derive(Debug)]
pub struct Counter {
    ask: Option<Sender<Ctx>>,
    answers: Receiver<Result<Counts>>,
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
        let (ask, asks) = mpsc::channel::<Ctx>();
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

    /// Asks for the counts as `ctx` sees them. Never blocks; requests made while a count runs
    /// are answered once, with the latest.
    pub fn request(&self, ctx: &Ctx) {
        if let Some(ask) = &self.ask {
            let _ = ask.send(ctx.clone());
        }
    }

    /// The latest answer that arrived since the last call, if any.
    pub fn latest(&self) -> Option<Result<Counts>> {
        self.answers.try_iter().last()
    }

    /// Waits up to `timeout` for the next answer (tests, and a first screen that would
    /// rather show its counts at once).
    pub fn wait(&self, timeout: std::time::Duration) -> Option<Result<Counts>> {
        self.answers.recv_timeout(timeout).ok()
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop.
        self.ask.take();
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

fn run(db_path: &Path, asks: &Receiver<Ctx>, tell: &Sender<Result<Counts>>, wake: &dyn Fn()) {
    let mut store: Option<Store> = Store::open(db_path).ok();
    while let Ok(first) = asks.recv() {
        // Several requests in a row need one count, with the latest (its staff and time).
        let ctx = asks.try_iter().last().unwrap_or(first);
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
        let answer = queue::counts(s, &ctx).map(|counts| Counts {
            staff_id: ctx.staff_id,
            counts,
        });
        if tell.send(answer).is_err() {
            return; // nobody listens any more
        }
        wake();
    }
}
