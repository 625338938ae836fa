//! Staff management by admins (SPEC §1, R-AUTH-2 unlock, R-AUTH-4 reset).

use crate::domain::ids::StaffId;
use crate::domain::refusal::Refusal;
use crate::domain::staff::{LockState, Permission, Roles};
use crate::secret;
use crate::storage::{self, Store};

use super::{Audit, Ctx, FieldIssue, Result, ServiceError, audit, require};

/// A sign-in name: 2–32 characters of `a-z 0-9 . _ -`, starting with a letter.
#[must_use]
pub fn name_issue(name: &str) -> Option<&'static str> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    let first_ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if name.is_empty() {
        Some("required")
    } else if !(2..=32).contains(&name.len()) || !ok_chars || !first_ok {
        Some("staff_name_format")
    } else {
        None
    }
}

/// Longest display name, in characters (a full name with a title fits).
pub const DISPLAY_NAME_MAX: usize = 30;

/// SPEC §5 at entry: a display name holds no control character or bidi override and is at
/// most [`DISPLAY_NAME_MAX`] characters. It is shown on every screen that names who acted.
#[must_use]
pub fn display_name_issue(display_name: &str) -> Option<FieldIssue> {
    FieldIssue::of_text("display_name", display_name, false, DISPLAY_NAME_MAX)
}

/// A temporary password for a new or reset account: 16 characters, readable aloud.
#[must_use]
pub fn temporary_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StaffSummary {
    pub id: StaffId,
    pub name: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub disabled: bool,
    pub locked: bool,
    pub must_change_password: bool,
}

/// # Errors
/// `Denied` unless admin.
pub fn list(store: &Store, ctx: &Ctx) -> Result<Vec<StaffSummary>> {
    require(store.conn(), ctx, Permission::ManageStaff)?;
    Ok(storage::staff::list(store.conn())?
        .into_iter()
        .map(|r| StaffSummary {
            id: r.id,
            locked: r.lock.is_locked(ctx.now),
            name: r.name,
            display_name: r.display_name,
            roles: r.roles.iter().map(|x| x.code().to_string()).collect(),
            disabled: r.disabled,
            must_change_password: r.must_change_password,
        })
        .collect())
}

/// Adds a staff member with a temporary password that must be changed at first sign-in
/// (R-AUTH-4). Returns the temporary password, shown once to the admin.
///
/// # Errors
/// `Denied` unless admin; `Invalid` for a bad or taken name or no role.
pub fn add(
    store: &mut Store,
    ctx: &Ctx,
    name: &str,
    display_name: &str,
    roles: &Roles,
) -> Result<String> {
    let mut issues = Vec::new();
    if let Some(code) = name_issue(name) {
        issues.push(FieldIssue::error("staff_name", code));
    }
    issues.extend(display_name_issue(display_name));
    if roles.iter().next().is_none() {
        issues.push(FieldIssue::error("roles", "required"));
    }
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }
    let temp = temporary_password();
    let hash = secret::hash(&temp).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let tx = store.immediate()?;
    let my_roles = require(&tx, ctx, Permission::ManageStaff)?;
    if storage::staff::by_name(&tx, name)?.is_some() {
        return Err(ServiceError::Invalid(vec![FieldIssue::error(
            "staff_name",
            "staff_name_taken",
        )]));
    }
    let display = if display_name.trim().is_empty() {
        name
    } else {
        display_name.trim()
    };
    storage::staff::insert(
        &tx,
        &storage::staff::NewStaff {
            name,
            display_name: display,
            roles,
            password_hash: &hash,
            must_change_password: true,
        },
        ctx.now,
    )?;
    audit(
        &tx,
        ctx,
        Some(&my_roles),
        Audit {
            action: "staff.add",
            subject: Some(format!("staff:{name}")),
            purpose: None,
            outcome: "ok",
            detail: Some(format!("roles {}", roles.to_list())),
        },
    )?;
    tx.commit()?;
    Ok(temp)
}

enum Change {
    Disable,
    Enable,
    Unlock,
    Reset(String),
    Roles(Roles),
}

fn change(store: &mut Store, ctx: &Ctx, name: &str, c: &Change) -> Result<()> {
    let tx = store.immediate()?;
    let my_roles = require(&tx, ctx, Permission::ManageStaff)?;
    let target = storage::staff::by_name(&tx, name)?.ok_or(ServiceError::NotFound)?;
    let (action, detail) = match c {
        Change::Disable => {
            if target.id == ctx.staff_id {
                return Err(Refusal::CannotDisableSelf.into());
            }
            storage::staff::set_disabled(&tx, target.id, true, ctx.now)?;
            ("staff.disable", None)
        }
        Change::Enable => {
            storage::staff::set_disabled(&tx, target.id, false, ctx.now)?;
            ("staff.enable", None)
        }
        Change::Unlock => {
            storage::staff::set_lock(&tx, target.id, &LockState::after_success(), ctx.now)?;
            ("staff.unlock", None)
        }
        Change::Reset(hash) => {
            storage::staff::set_password(&tx, target.id, hash, true, ctx.now)?;
            storage::staff::set_lock(&tx, target.id, &LockState::after_success(), ctx.now)?;
            ("staff.reset_password", None)
        }
        Change::Roles(r) => {
            if r.iter().next().is_none() {
                return Err(ServiceError::Invalid(vec![FieldIssue::error(
                    "roles", "required",
                )]));
            }
            storage::staff::set_roles(&tx, target.id, r, ctx.now)?;
            (
                "staff.set_roles",
                Some(format!("{} -> {}", target.roles.to_list(), r.to_list())),
            )
        }
    };
    audit(
        &tx,
        ctx,
        Some(&my_roles),
        Audit {
            action,
            subject: Some(format!("staff:{name}")),
            purpose: None,
            outcome: "ok",
            detail,
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// R-AUTH-3: a disabled account cannot act any more, even in an open session.
///
/// # Errors
/// `Denied` unless admin; `NotFound`; refusing to disable oneself.
pub fn disable(store: &mut Store, ctx: &Ctx, name: &str) -> Result<()> {
    change(store, ctx, name, &Change::Disable)
}

/// # Errors
/// `Denied` unless admin; `NotFound`.
pub fn enable(store: &mut Store, ctx: &Ctx, name: &str) -> Result<()> {
    change(store, ctx, name, &Change::Enable)
}

/// R-AUTH-2: an admin can unlock, which is logged.
///
/// # Errors
/// `Denied` unless admin; `NotFound`.
pub fn unlock(store: &mut Store, ctx: &Ctx, name: &str) -> Result<()> {
    change(store, ctx, name, &Change::Unlock)
}

/// # Errors
/// `Denied` unless admin; `NotFound`.
pub fn set_roles(store: &mut Store, ctx: &Ctx, name: &str, roles: Roles) -> Result<()> {
    change(store, ctx, name, &Change::Roles(roles))
}

/// R-AUTH-4: a new temporary password that must be changed at the next sign-in.
///
/// # Errors
/// `Denied` unless admin; `NotFound`.
pub fn reset_password(store: &mut Store, ctx: &Ctx, name: &str) -> Result<String> {
    let temp = temporary_password();
    let hash = secret::hash(&temp).map_err(|e| ServiceError::Internal(e.to_string()))?;
    change(store, ctx, name, &Change::Reset(hash))?;
    Ok(temp)
}
