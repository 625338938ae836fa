//! Reading the audit log (R-AUD-2 verify).

use crate::domain::staff::Permission;
use crate::storage::Store;
use crate::storage::audit::{self, AuditRow, VerifyReport};

use super::{Ctx, Result, require};

/// Walks the hash chain. Needs no sign-in from the CLI's point of view: it reveals nothing.
///
/// # Errors
/// On SQLite failure.
pub fn verify(store: &Store) -> Result<VerifyReport> {
    Ok(audit::verify(store.conn())?)
}

/// # Errors
/// `Denied` unless the staff member may read the log (supervisor, auditor).
pub fn recent(store: &Store, ctx: &Ctx, limit: i64) -> Result<Vec<AuditRow>> {
    require(store.conn(), ctx, Permission::ViewAudit)?;
    Ok(audit::recent(store.conn(), limit)?)
}
