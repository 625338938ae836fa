//! Staff sign-in (R-AUTH-1, R-AUTH-2, R-AUTH-4) and password change.

use chrono::{DateTime, Utc};

use crate::clock::to_db;
use crate::domain::password;
use crate::domain::staff::{LockState, Roles};
use crate::secret;
use crate::storage::audit::AuditEntry;
use crate::storage::{self, Store};

use super::{Ctx, FieldIssue, Result, ServiceError};

/// A signed-in staff member.
#[derive(Debug, Clone)]
pub struct Session {
    pub ctx: Ctx,
    pub display_name: String,
    pub roles: Roles,
    /// R-AUTH-4: the first sign-in after an admin reset must change the password first.
    pub must_change_password: bool,
}

/// Why a sign-in failed. The person typing is told only 「IDまたはパスワードが違います」
/// whatever the reason (R-AUTH-2); the reason goes to the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFailure {
    UnknownName,
    WrongPassword,
    Locked,
    Disabled,
}

impl SignInFailure {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            SignInFailure::UnknownName => "unknown_name",
            SignInFailure::WrongPassword => "wrong_password",
            SignInFailure::Locked => "locked",
            SignInFailure::Disabled => "disabled",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("sign-in refused ({})", .0.code())]
    Refused(SignInFailure),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<storage::StorageError> for SignInError {
    fn from(e: storage::StorageError) -> Self {
        SignInError::Service(e.into())
    }
}

impl From<rusqlite::Error> for SignInError {
    fn from(e: rusqlite::Error) -> Self {
        SignInError::Service(e.into())
    }
}

/// A hash to verify against when the name is unknown, so that an unknown name takes as long as
/// a wrong password and timing does not tell which staff names exist (R-AUTH-2). It is a
/// constant made with today's parameters (`secret::M_COST`, `T_COST`, `P_COST`; a unit test
/// holds them equal), not hashed at run time: a hash made once per process would make the first
/// unknown name of every CLI process pay for one more argon2 run than a wrong password does.
/// No password verifies against it that anyone knows.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$KJkb/6Wa6Ojfpl1/XHa3nQ$bEpWvESq5Qi5xBji1fzR9ssVB7I0EZ+S6wm4hyWYFhs";

/// # Errors
/// `Refused` for any failed sign-in (see [`SignInFailure`]), or a storage failure.
pub fn sign_in(
    store: &mut Store,
    name: &str,
    pw: &str,
    terminal: &str,
    now: DateTime<Utc>,
) -> std::result::Result<Session, SignInError> {
    let row = storage::staff::by_name(store.conn(), name)?;
    // argon2 runs before the write lock is taken: other terminals never wait for it.
    let ok = if let Some(r) = &row {
        secret::verify(pw, &r.password_hash)
    } else {
        // Same work as a real check; the answer is always "no".
        let _ = secret::verify(pw, DUMMY_HASH);
        false
    };
    let rehash = match &row {
        // A failed re-hash keeps the old hash, which still verifies: logged, and tried again
        // at the next sign-in.
        Some(r) if ok && secret::needs_rehash(&r.password_hash) => secret::hash(pw)
            .map_err(|e| tracing::warn!(staff_id = r.id.get(), "password re-hash failed: {e}"))
            .ok(),
        _ => None,
    };
    // A success that changes nothing in the staff row (no failures to reset, no re-hash) needs
    // no write lock: its audit row is written as soon as the lock is free, and the command goes
    // on meanwhile — a read must not fail because another process writes for long.
    if let Some(r) = &row
        && ok
        && rehash.is_none()
        && !r.disabled
        && r.lock == LockState::after_success()
    {
        store.audit_soon(AuditEntry {
            at_utc: to_db(now),
            staff_id: Some(r.id),
            staff_name: Some(r.name.clone()),
            staff_roles: Some(r.roles.to_list()),
            terminal: terminal.to_string(),
            action: "signin".into(),
            subject: Some(format!("staff:{}", r.name)),
            outcome: "ok".into(),
            ..AuditEntry::default()
        })?;
        return Ok(Session {
            ctx: Ctx {
                staff_id: r.id,
                staff_name: r.name.clone(),
                terminal: terminal.to_string(),
                now,
            },
            display_name: r.display_name.clone(),
            roles: r.roles.clone(),
            must_change_password: r.must_change_password,
        });
    }
    let tx = store.immediate()?;
    // Re-read inside the transaction: concurrent failures must all count.
    let row = storage::staff::by_name(&tx, name)?;
    let mut entry = AuditEntry {
        at_utc: to_db(now),
        terminal: terminal.to_string(),
        action: "signin".into(),
        // People type their password into the ID field now and then: only something shaped like
        // a staff ID is recorded (R-AUD-1: never a password in the log).
        subject: Some(match super::staff::name_issue(name) {
            None => format!("staff:{name}"),
            Some(_) => "staff:?".to_string(),
        }),
        ..AuditEntry::default()
    };
    let outcome: std::result::Result<storage::staff::StaffRow, SignInFailure> = match row {
        None => Err(SignInFailure::UnknownName),
        Some(r) => {
            entry.staff_id = Some(r.id);
            entry.staff_name = Some(r.name.clone());
            entry.staff_roles = Some(r.roles.to_list());
            if r.disabled {
                Err(SignInFailure::Disabled)
            } else if r.lock.is_locked(now) {
                // Failures during the lock do not count (R-AUTH-2).
                Err(SignInFailure::Locked)
            } else if !ok {
                let next = r.lock.after_failure(now);
                storage::staff::set_lock(&tx, r.id, &next, now)?;
                if next.is_locked(now) {
                    entry.detail = Some(format!(
                        "locked until {}",
                        next.locked_until.map(to_db).unwrap_or_default()
                    ));
                }
                Err(SignInFailure::WrongPassword)
            } else {
                storage::staff::set_lock(&tx, r.id, &LockState::after_success(), now)?;
                if let Some(h) = &rehash {
                    storage::staff::set_password(&tx, r.id, h, r.must_change_password, now)?;
                    entry.detail = Some("password re-hashed with current parameters".into());
                }
                Ok(r)
            }
        }
    };
    entry.outcome = match &outcome {
        Ok(_) => "ok".into(),
        Err(f) => f.code().into(),
    };
    storage::audit::append(&tx, &entry)?;
    tx.commit()?;
    if let Err(f) = &outcome {
        // Where an operator looks first (issue 19 item 6): the same subject as the audit row
        // (never what was typed when it looks like a password), the terminal and why.
        tracing::warn!(
            subject = entry.subject.as_deref().unwrap_or(""),
            terminal,
            reason = f.code(),
            detail = entry.detail.as_deref().unwrap_or(""),
            "sign-in refused"
        );
    }
    let r = outcome.map_err(SignInError::Refused)?;
    Ok(Session {
        ctx: Ctx {
            staff_id: r.id,
            staff_name: r.name,
            terminal: terminal.to_string(),
            now,
        },
        display_name: r.display_name,
        roles: r.roles,
        must_change_password: r.must_change_password,
    })
}

/// The staff member changes their own password (R-AUTH-1, R-AUTH-4).
///
/// # Errors
/// `Invalid` with the field issue (wrong current password, policy), or a storage failure.
pub fn change_password(
    store: &mut Store,
    ctx: &Ctx,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<()> {
    let me = storage::staff::by_id(store.conn(), ctx.staff_id)?.ok_or(ServiceError::Denied)?;
    if me.disabled {
        return Err(ServiceError::Denied);
    }
    let mut issues = Vec::new();
    if !secret::verify(current, &me.password_hash) {
        issues.push(FieldIssue::error("current", "password_wrong"));
    }
    if new != confirm {
        issues.push(FieldIssue::error("confirm", "password_mismatch"));
    } else if let Err(e) = password::check_policy(new, &me.name) {
        issues.push(FieldIssue::error("new", e.code()));
    } else if new == current {
        issues.push(FieldIssue::error("new", "password_unchanged"));
    }
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }
    let hash = secret::hash(new).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let tx = store.immediate()?;
    storage::staff::set_password(&tx, me.id, &hash, false, ctx.now)?;
    super::audit(
        &tx,
        ctx,
        Some(&me.roles),
        super::Audit {
            action: "staff.change_password",
            subject: Some(format!("staff:{}", me.name)),
            purpose: None,
            outcome: "ok",
            detail: None,
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// Re-checks a signed-in session: for the idle-lock unlock (R-AUTH-3) the password is asked
/// again; a disabled account cannot unlock.
///
/// # Errors
/// `Denied` when disabled or the password is wrong.
pub fn unlock(store: &mut Store, ctx: &Ctx, pw: &str) -> Result<()> {
    let me = storage::staff::by_id(store.conn(), ctx.staff_id)?.ok_or(ServiceError::Denied)?;
    let ok = !me.disabled && !me.lock.is_locked(ctx.now) && secret::verify(pw, &me.password_hash);
    let tx = store.immediate()?;
    if !ok && !me.disabled && !me.lock.is_locked(ctx.now) {
        let me2 = storage::staff::by_id(&tx, ctx.staff_id)?.ok_or(ServiceError::Denied)?;
        storage::staff::set_lock(&tx, me.id, &me2.lock.after_failure(ctx.now), ctx.now)?;
    } else if ok {
        storage::staff::set_lock(&tx, me.id, &LockState::after_success(), ctx.now)?;
    }
    super::audit(
        &tx,
        ctx,
        Some(&me.roles),
        super::Audit {
            action: "session.unlock",
            subject: Some(format!("staff:{}", me.name)),
            purpose: None,
            outcome: if ok { "ok" } else { "refused" },
            detail: None,
        },
    )?;
    tx.commit()?;
    if ok {
        Ok(())
    } else {
        Err(ServiceError::Denied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_auth_2_the_dummy_hash_is_a_constant_of_todays_parameters() {
        // Same cost as a real staff hash: same algorithm and parameters, nothing to re-hash.
        assert!(!secret::needs_rehash(DUMMY_HASH), "{DUMMY_HASH}");
        assert!(DUMMY_HASH.starts_with(&format!(
            "$argon2id$v=19$m={},t={},p={}$",
            secret::M_COST,
            secret::T_COST,
            secret::P_COST
        )));
        assert!(!secret::verify("", DUMMY_HASH));
    }
}
