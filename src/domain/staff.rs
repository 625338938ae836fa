//! Staff roles and what each may do (SPEC §1), and the sign-in lockout rule (R-AUTH-2).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::coded::coded_enum;

coded_enum! {
    /// A staff role (SPEC §1).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
    #[serde(rename_all = "lowercase")]
    pub enum Role {
        Counter = "counter",
        Supervisor = "supervisor",
        Admin = "admin",
        Auditor = "auditor",
    }
}

/// A person may hold several roles (SPEC §1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles(Vec<Role>);

impl Roles {
    #[must_use]
    pub fn new(mut roles: Vec<Role>) -> Roles {
        roles.sort();
        roles.dedup();
        Roles(roles)
    }

    /// Parses the stored comma list; unknown names are dropped.
    #[must_use]
    pub fn parse_list(s: &str) -> Roles {
        Roles::new(s.split(',').filter_map(|r| Role::parse(r.trim())).collect())
    }

    #[must_use]
    pub fn to_list(&self) -> String {
        self.0
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    #[must_use]
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    #[must_use]
    pub fn may(&self, p: Permission) -> bool {
        self.0.iter().any(|r| role_may(*r, p))
    }
}

/// Everything a staff member can be allowed to do. Checked in the service layer, shown in the
/// TUI menu: one table, so the two never disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    RegisterAccount,
    ReissueKey,
    ViewAccount,
    ActivateAccount,
    ManageStaff,
    ViewMail,
    ViewAudit,
    /// R-REV-6 queues (read-only for auditors).
    ViewQueues,
    /// Open a submission's detail (personal data): counter and supervisor.
    ViewSubmission,
    /// Claim, check, return, comment, record a visit (R-REV-1).
    Review,
    /// 本登録 and 不受理: supervisor only (R-REV-1, SPEC §1).
    Approve,
    /// Supervisor dashboard (supervisor, auditor).
    ViewDashboard,
    /// R-ID-1: search customers and open their record (masked).
    Lookup,
    /// R-ID-2: reveal a login ID after the identity check, or mail it to the customer.
    RevealId,
    /// R-ID-4: change a login ID at the counter.
    ChangeId,
    /// R-ID-4: approve another staff member's ID change (`[id_change] needs_supervisor`).
    ApproveIdChange,
}

#[must_use]
fn role_may(role: Role, p: Permission) -> bool {
    use Permission as P;
    match role {
        Role::Counter => matches!(
            p,
            P::RegisterAccount
                | P::ReissueKey
                | P::ViewAccount
                | P::ActivateAccount
                | P::ViewMail
                | P::ViewQueues
                | P::ViewSubmission
                | P::Review
                // SPEC §1: counter staff do ID lookups (R-ID-1..4); approving a change is a
                // supervisor's.
                | P::Lookup
                | P::RevealId
                | P::ChangeId
        ),
        Role::Supervisor => !matches!(p, P::ManageStaff),
        // R-… SPEC §1: admin manages staff, settings and calendar; approving needs supervisor.
        Role::Admin => matches!(p, P::ManageStaff | P::ViewMail | P::ActivateAccount),
        // Read-only: the audit log, no personal data.
        Role::Auditor => matches!(p, P::ViewAudit | P::ViewQueues | P::ViewDashboard),
    }
}

/// R-AUTH-2: five wrong passwords in a row lock the account for 30 minutes.
pub const MAX_FAILED_SIGNINS: i64 = 5;
pub const LOCK_MINUTES: i64 = 30;

/// Sign-in bookkeeping of one staff row, as the rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockState {
    pub failed_count: i64,
    pub locked_until: Option<DateTime<Utc>>,
}

impl LockState {
    #[must_use]
    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|t| now < t)
    }

    /// After a wrong password. Failures during a lock do not count (R-AUTH-2).
    #[must_use]
    pub fn after_failure(&self, now: DateTime<Utc>) -> LockState {
        if self.is_locked(now) {
            return self.clone();
        }
        // A lock that has run out starts a fresh count.
        let base = if self.locked_until.is_some() {
            0
        } else {
            self.failed_count
        };
        let failed = base + 1;
        if failed >= MAX_FAILED_SIGNINS {
            LockState {
                failed_count: 0,
                locked_until: Some(now + Duration::minutes(LOCK_MINUTES)),
            }
        } else {
            LockState {
                failed_count: failed,
                locked_until: None,
            }
        }
    }

    /// A success resets the count (R-AUTH-2).
    #[must_use]
    pub fn after_success() -> LockState {
        LockState {
            failed_count: 0,
            locked_until: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0)
            .single()
            .expect("valid time")
    }

    #[test]
    fn r_auth_2_fifth_failure_locks_for_thirty_minutes() {
        let mut s = LockState {
            failed_count: 0,
            locked_until: None,
        };
        for _ in 0..4 {
            s = s.after_failure(t0());
            assert!(!s.is_locked(t0()));
        }
        s = s.after_failure(t0());
        assert!(s.is_locked(t0()));
        assert!(s.is_locked(t0() + Duration::minutes(29)));
        assert!(!s.is_locked(t0() + Duration::minutes(30)));
    }

    #[test]
    fn r_auth_2_failures_during_lock_do_not_count() {
        let locked = LockState {
            failed_count: 0,
            locked_until: Some(t0() + Duration::minutes(10)),
        };
        assert_eq!(locked.after_failure(t0()), locked);
    }

    #[test]
    fn r_auth_2_count_restarts_after_lock_ends() {
        let expired = LockState {
            failed_count: 0,
            locked_until: Some(t0()),
        };
        let s = expired.after_failure(t0() + Duration::minutes(1));
        assert_eq!(
            s,
            LockState {
                failed_count: 1,
                locked_until: None
            }
        );
    }

    #[test]
    fn spec_1_roles_may() {
        let counter = Roles::new(vec![Role::Counter]);
        assert!(counter.may(Permission::RegisterAccount));
        assert!(!counter.may(Permission::ManageStaff));
        let auditor = Roles::new(vec![Role::Auditor]);
        assert!(auditor.may(Permission::ViewAudit));
        assert!(!auditor.may(Permission::ViewAccount));
        let admin = Roles::new(vec![Role::Admin]);
        assert!(admin.may(Permission::ManageStaff));
        assert!(!admin.may(Permission::RegisterAccount));
        assert_eq!(
            Roles::parse_list("admin,counter,bogus").to_list(),
            "counter,admin"
        );
    }
}
