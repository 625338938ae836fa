//! Small look-ups the command line needs on top of the use cases.

use crate::domain::email;
use crate::domain::ids::AccountId;
use crate::domain::staff::Permission;
use crate::storage::{self, Store};

use super::{Ctx, Result, ServiceError, require};

/// The live account holding `email` (typed as the clerk typed it), for commands that act on an
/// account by its address (`account reissue-key`). Checked against the permission first, so
/// that someone who may not re-issue cannot probe which addresses exist.
///
/// # Errors
/// `Denied`, `NotFound`.
pub fn live_account_id(store: &Store, ctx: &Ctx, p: Permission, email: &str) -> Result<AccountId> {
    require(store.conn(), ctx, p)?;
    let key = email::key_of_input(email).ok_or(ServiceError::NotFound)?;
    storage::accounts::live_by_email_key(store.conn(), &key)?
        .map(|a| a.id)
        .ok_or(ServiceError::NotFound)
}
