//! A read-only view of the newest audit rows and the chain's state (R-AUD-2), for supervisors
//! and auditors. The full viewer with filters and the R-AUD-3 report comes with ID lookup.

use super::App;
use super::Screen;
use super::keymap::Action;
use crate::service::Ctx;
use crate::service::audit as audit_service;
use crate::storage::Store;
use crate::storage::audit::{AuditRow, VerifyReport};

const ROWS: i64 = 500;

#[derive(Debug, Default)]
pub struct AuditView {
    pub rows: Vec<AuditRow>,
    pub verify: Option<VerifyReport>,
    pub cursor: usize,
}

impl AuditView {
    /// Newest rows; cheap, so it also runs when another session writes.
    pub fn reload(&mut self, store: &Store, ctx: &Ctx) {
        if let Ok(rows) = audit_service::recent(store, ctx, ROWS) {
            self.rows = rows;
            self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
        }
    }

    /// Walks the whole chain: on open and on an explicit refresh only.
    pub fn verify_now(&mut self, store: &Store) {
        self.verify = audit_service::verify(store).ok();
    }
}

pub fn act(app: &mut App, action: Action) {
    let Screen::Audit(a) = &mut app.screen else {
        return;
    };
    let last = a.rows.len().saturating_sub(1);
    match action {
        Action::Up => a.cursor = a.cursor.saturating_sub(1),
        Action::Down => a.cursor = (a.cursor + 1).min(last),
        Action::PageUp => a.cursor = a.cursor.saturating_sub(10),
        Action::PageDown => a.cursor = (a.cursor + 10).min(last),
        Action::Refresh => {
            app.reload_screen();
            if let Screen::Audit(a) = &mut app.screen {
                a.verify_now(&app.store);
            }
        }
        Action::Back => app.pop(),
        _ => {}
    }
}
