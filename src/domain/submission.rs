//! Provisional submissions (仮登録) and their review state machine (SPEC §2.3).
//!
//! ```text
//! received ──check──> checked ──approve──> registered
//!   │  ^                │
//!   │  └── resubmit ── returned <── return ──┘ (also from received)
//!   ├── reject ──> rejected
//!   ├── deadline passes ──> expired ──purge──> purged
//!   └── employer withdraws ──> withdrawn
//! ```
//!
//! The vertical line under `received` is read as "while the submission is pending", i.e. in
//! received, checked or returned: rejection (a supervisor may refuse a checked offer that breaks
//! the law, R-REV-2), expiry (R-DL-3) and withdrawal apply to all three. Approval needs a
//! check first (R-REV-1); resubmission is only possible from returned and starts a new check.
//! registered, rejected, withdrawn and purged are final; expired only moves on to purged.

use std::fmt;

use super::coded::coded_enum;

coded_enum! {
    /// State of a submission; `ALL` in diagram order.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum SubmissionState {
        Received = "received",
        Checked = "checked",
        Registered = "registered",
        Returned = "returned",
        Rejected = "rejected",
        Expired = "expired",
        Purged = "purged",
        Withdrawn = "withdrawn",
    }
}

impl SubmissionState {
    /// Still under review: received, checked or returned. Only these have a running deadline.
    #[must_use]
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Received | Self::Checked | Self::Returned)
    }

    /// No event moves the submission on.
    #[must_use]
    pub fn is_final(self) -> bool {
        SubmissionEvent::ALL
            .into_iter()
            .all(|e| transition(self, e).is_err())
    }
}

impl fmt::Display for SubmissionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

coded_enum! {
    serde;
    /// What is being submitted (serialized as its code).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum SubmissionKind {
        /// 事業所情報
        Establishment = "establishment",
        /// 求人情報
        Job = "job",
    }
}

coded_enum! {
    /// Something that happens to a submission; its code is in history rows and the audit log.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum SubmissionEvent {
        /// 確認 by counter staff.
        Check = "check",
        /// 本登録 by a supervisor (R-REV-1).
        Approve = "approve",
        /// 差戻し (R-REV-2).
        Return = "return",
        /// 不受理 (R-REV-2).
        Reject = "reject",
        /// The employer sent a corrected version (`job.resubmitted`).
        Resubmit = "resubmit",
        /// R-DL-3.
        DeadlinePassed = "deadline_passed",
        /// R-DL-3: personal data removed, tombstone kept.
        Purge = "purge",
        /// 取下げ by the employer (`account.withdrawn`).
        Withdraw = "withdraw",
    }
}

/// An event that does not apply in the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {} a submission that is {}", event.code(), state.code())]
pub struct TransitionError {
    pub state: SubmissionState,
    pub event: SubmissionEvent,
}

/// The state after `event`, per the diagram in the module docs.
///
/// # Errors
/// When the event does not apply in `state`.
pub fn transition(
    state: SubmissionState,
    event: SubmissionEvent,
) -> Result<SubmissionState, TransitionError> {
    use SubmissionEvent as E;
    use SubmissionState as S;
    let next = match (state, event) {
        (S::Received, E::Check) => S::Checked,
        (S::Checked, E::Approve) => S::Registered,
        (S::Received | S::Checked, E::Return) => S::Returned,
        (S::Returned, E::Resubmit) => S::Received,
        (S::Received | S::Checked | S::Returned, E::Reject) => S::Rejected,
        (S::Received | S::Checked | S::Returned, E::DeadlinePassed) => S::Expired,
        (S::Received | S::Checked | S::Returned, E::Withdraw) => S::Withdrawn,
        (S::Expired, E::Purge) => S::Purged,
        _ => return Err(TransitionError { state, event }),
    };
    Ok(next)
}

/// One changed field between two versions of a submission, for the reviewer's diff.
/// `field` is the same stable path the validation findings use (e.g. `wage.min`); the values
/// are what `fields()` lists (`field_value::FieldValue`), or any other comparable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange<V> {
    pub field: &'static str,
    pub old: V,
    pub new: V,
}

/// Compares two flattened field lists (same paths in the same order) and lists the changes.
/// A field one side lacks counts as the value's default (an empty text).
#[must_use]
pub fn diff_fields<V: Clone + Default + PartialEq>(
    old: &[(&'static str, V)],
    new: &[(&'static str, V)],
) -> Vec<FieldChange<V>> {
    let none = V::default();
    let mut out = Vec::new();
    for (field, new_value) in new {
        let old_value = old
            .iter()
            .find(|(f, _)| f == field)
            .map_or(&none, |(_, v)| v);
        if old_value != new_value {
            out.push(FieldChange {
                field,
                old: old_value.clone(),
                new: new_value.clone(),
            });
        }
    }
    for (field, old_value) in old {
        if !new.iter().any(|(f, _)| f == field) && *old_value != none {
            out.push(FieldChange {
                field,
                old: old_value.clone(),
                new: none.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use SubmissionEvent as E;
    use SubmissionState as S;

    /// Every allowed transition; everything else is refused.
    const ALLOWED: &[(S, E, S)] = &[
        (S::Received, E::Check, S::Checked),
        (S::Received, E::Return, S::Returned),
        (S::Received, E::Reject, S::Rejected),
        (S::Received, E::DeadlinePassed, S::Expired),
        (S::Received, E::Withdraw, S::Withdrawn),
        (S::Checked, E::Approve, S::Registered),
        (S::Checked, E::Return, S::Returned),
        (S::Checked, E::Reject, S::Rejected),
        (S::Checked, E::DeadlinePassed, S::Expired),
        (S::Checked, E::Withdraw, S::Withdrawn),
        (S::Returned, E::Resubmit, S::Received),
        (S::Returned, E::Reject, S::Rejected),
        (S::Returned, E::DeadlinePassed, S::Expired),
        (S::Returned, E::Withdraw, S::Withdrawn),
        (S::Expired, E::Purge, S::Purged),
    ];

    #[test]
    fn spec_2_3_transition_table_over_all_states_and_events() {
        let mut allowed_seen = 0;
        for state in S::ALL {
            for event in E::ALL {
                let expected = ALLOWED
                    .iter()
                    .find(|(s, e, _)| *s == state && *e == event)
                    .map(|(_, _, next)| *next);
                match (transition(state, event), expected) {
                    (Ok(next), Some(want)) => {
                        assert_eq!(next, want, "{state} + {}", event.code());
                        allowed_seen += 1;
                    }
                    (Err(err), None) => {
                        assert_eq!(err, TransitionError { state, event });
                    }
                    (got, want) => panic!("{state} + {}: got {got:?}, want {want:?}", event.code()),
                }
            }
        }
        assert_eq!(allowed_seen, ALLOWED.len());
    }

    #[test]
    fn r_rev_1_approve_only_after_check() {
        assert!(transition(S::Received, E::Approve).is_err());
        assert!(transition(S::Returned, E::Approve).is_err());
        assert_eq!(transition(S::Checked, E::Approve), Ok(S::Registered));
    }

    #[test]
    fn spec_2_3_resubmit_only_from_returned_and_restarts_review() {
        for s in S::ALL {
            assert_eq!(transition(s, E::Resubmit).is_ok(), s == S::Returned, "{s}");
        }
        assert_eq!(transition(S::Returned, E::Resubmit), Ok(S::Received));
    }

    #[test]
    fn r_dl_3_expiry_from_pending_states_and_purge_only_after_expiry() {
        for s in S::ALL {
            assert_eq!(
                transition(s, E::DeadlinePassed).is_ok(),
                s.is_pending(),
                "{s}"
            );
            assert_eq!(transition(s, E::Purge).is_ok(), s == S::Expired, "{s}");
        }
    }

    #[test]
    fn spec_2_3_final_states() {
        let finals: Vec<S> = S::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(
            finals,
            vec![S::Registered, S::Rejected, S::Purged, S::Withdrawn]
        );
        assert!(!S::Expired.is_final());
    }

    #[test]
    fn spec_2_3_codes_round_trip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.code()), Some(s));
        }
        for e in E::ALL {
            assert_eq!(E::parse(e.code()), Some(e));
        }
        for k in [SubmissionKind::Establishment, SubmissionKind::Job] {
            assert_eq!(SubmissionKind::parse(k.code()), Some(k));
        }
        assert_eq!(S::parse("Received"), None);
        assert_eq!(S::parse(""), None);
        assert_eq!(
            TransitionError {
                state: S::Registered,
                event: E::Check
            }
            .to_string(),
            "cannot check a submission that is registered"
        );
    }

    #[test]
    fn spec_2_3_diff_fields_lists_changes_in_order() {
        let old = vec![("name", "A".to_string()), ("phone", "1".to_string())];
        let new = vec![("name", "A".to_string()), ("phone", "2".to_string())];
        assert_eq!(
            diff_fields(&old, &new),
            vec![FieldChange {
                field: "phone",
                old: "1".into(),
                new: "2".into()
            }]
        );
        assert!(diff_fields(&old, &old).is_empty());
    }
}
