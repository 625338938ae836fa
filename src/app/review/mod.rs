//! Review screens (SPEC §2.3): the work queues (R-REV-6), the submission detail with its
//! actions behind confirm steps (R-REV-1..5, R-VISIT-1), and the supervisor dashboard.
//! `reload` keeps the cursor on the same item when another session changes the data.
//!
//! `queues.rs` is the queue screen, `detail.rs` the detail and its actions, `dialog.rs` the
//! detail's dialogs (reasons, colleague picker, checklist); this file the dashboard.

mod detail;
mod dialog;
mod queues;

pub use detail::{DetailView, ReviewKey, act_detail, open_detail, open_with_purpose, run_pending};
pub use dialog::{Checklist, Dialog, Picker};
pub use queues::{PAGE, QueueView, REVIEW_PURPOSE, act_queue, open_queues};

use super::keymap::Action;
use super::{App, Screen};
use crate::service::Ctx;
use crate::service::queue::{self, Dashboard};
use crate::service::queue_counts::{Ask, Counter};
use crate::storage::Store;

#[derive(Debug, Default)]
pub struct DashboardView {
    pub data: Option<Dashboard>,
}

impl DashboardView {
    /// Re-reads the dashboard; with a `counter` it is only asked for and arrives later
    /// ([`App::on_counts`]), the last one staying on screen meanwhile.
    pub fn reload(&mut self, store: &Store, ctx: &Ctx, counter: Option<&Counter>) {
        match counter {
            Some(c) => c.request(Ask::Dashboard(ctx.clone())),
            None => {
                if let Ok(d) = queue::dashboard(store, ctx) {
                    self.data = Some(d);
                }
            }
        }
    }
}

/// Opens the dashboard (menu).
pub fn open_dashboard(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    let mut d = DashboardView::default();
    d.reload(&app.store, &ctx, app.counter.as_ref());
    app.push(Screen::Dashboard(d));
}

pub fn act_dashboard(app: &mut App, action: Action) {
    match action {
        Action::Refresh => {
            let Some(ctx) = app.ctx() else { return };
            if let Screen::Dashboard(d) = &mut app.screen {
                d.reload(&app.store, &ctx, app.counter.as_ref());
            }
        }
        Action::Back => app.pop(),
        _ => {}
    }
}
