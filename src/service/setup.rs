//! `madoguchi init`: the office identity and the first admin.

use crate::clock::to_db;
use crate::domain::ids::StaffId;
use crate::domain::password;
use crate::domain::refusal::Refusal;
use crate::domain::staff::{Role, Roles};
use crate::secret;
use crate::storage::audit::AuditEntry;
use crate::storage::{self, Store, settings};

use super::{FieldIssue, Result, ServiceError};

pub struct InitInput<'a> {
    pub office_code: &'a str,
    pub office_name: &'a str,
    pub admin_name: &'a str,
    pub admin_display_name: &'a str,
    pub admin_password: &'a str,
    pub terminal: &'a str,
    pub now: chrono::DateTime<chrono::Utc>,
}

/// Longest office name, in characters (「ハローワーク飯田橋（飯田橋公共職業安定所）」 is 22).
pub const OFFICE_NAME_MAX: usize = 40;

/// SPEC §5 at entry: the office name, shown in every header and mail footer, holds no control
/// character or bidi override and is at most [`OFFICE_NAME_MAX`] characters.
#[must_use]
pub fn office_name_issue(office_name: &str) -> Option<FieldIssue> {
    FieldIssue::of_text("office_name", office_name, false, OFFICE_NAME_MAX)
}

/// True when no staff exists yet: the TUI then offers to create the first admin.
///
/// # Errors
/// On SQLite failure.
pub fn needs_first_admin(store: &Store) -> Result<bool> {
    Ok(storage::staff::count(store.conn())? == 0)
}

/// SPEC §6: marks a database just made by `init --training` or `demo` as a training database,
/// the only kind on which `MADOGUCHI_NOW` replaces the clock; the mark is an audit row too.
/// Refused once the database holds more than the first admin (a live database stays live).
///
/// # Errors
/// `Refused` when other staff exist already; storage failure.
pub fn mark_training(
    store: &mut Store,
    terminal: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let tx = store.immediate()?;
    if storage::staff::count(&tx)? > 1 {
        return Err(Refusal::TrainingNeedsNewDatabase.into());
    }
    settings::set(&tx, settings::TRAINING, "1")?;
    storage::audit::append(
        &tx,
        &AuditEntry {
            at_utc: to_db(now),
            terminal: terminal.to_string(),
            action: "settings.training".into(),
            outcome: "ok".into(),
            detail: Some("training database: MADOGUCHI_NOW allowed".into()),
            ..AuditEntry::default()
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// Stores the office and creates the first admin. Refused once any staff exists, so it cannot
/// be used to add an admin behind the others' back.
///
/// # Errors
/// Invalid input, or the database already has staff.
pub fn init(store: &mut Store, i: &InitInput<'_>) -> Result<StaffId> {
    let mut issues = Vec::new();
    if !(i.office_code.len() == 5 && i.office_code.chars().all(|c| c.is_ascii_digit())) {
        issues.push(FieldIssue::error("office_code", "office_code_format"));
    }
    if i.office_name.trim().is_empty() {
        issues.push(FieldIssue::error("office_name", "required"));
    } else {
        issues.extend(office_name_issue(i.office_name));
    }
    if let Some(code) = super::staff::name_issue(i.admin_name) {
        issues.push(FieldIssue::error("staff_name", code));
    }
    issues.extend(super::staff::display_name_issue(i.admin_display_name));
    if let Err(e) = password::check_policy(i.admin_password, i.admin_name) {
        issues.push(FieldIssue::error("password", e.code()));
    }
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }
    let hash = secret::hash(i.admin_password).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let tx = store.immediate()?;
    if storage::staff::count(&tx)? > 0 {
        return Err(Refusal::AlreadyInitialised.into());
    }
    settings::set(&tx, "office_code", i.office_code)?;
    settings::set(&tx, "office_name", i.office_name.trim())?;
    let roles = Roles::new(vec![Role::Admin]);
    let display = if i.admin_display_name.trim().is_empty() {
        i.admin_name
    } else {
        i.admin_display_name.trim()
    };
    let id = storage::staff::insert(
        &tx,
        &storage::staff::NewStaff {
            name: i.admin_name,
            display_name: display,
            roles: &roles,
            password_hash: &hash,
            must_change_password: false,
        },
        i.now,
    )?;
    storage::audit::append(
        &tx,
        &AuditEntry {
            at_utc: to_db(i.now),
            staff_id: Some(id),
            staff_name: Some(i.admin_name.to_string()),
            staff_roles: Some(roles.to_list()),
            terminal: i.terminal.to_string(),
            action: "init".into(),
            subject: Some(format!("office:{}", i.office_code)),
            outcome: "ok".into(),
            detail: Some(format!("first admin {}", i.admin_name)),
            ..AuditEntry::default()
        },
    )?;
    tx.commit()?;
    Ok(id)
}
