//! Review and approval rules (SPEC §2.3): which actions each state allows, four-eyes
//! (R-REV-1), the establishment-first rule (R-REV-4), the visit
//! rule (R-VISIT-1) and how establishment and job numbers are made (R-REV-3), and the items
//! of the check's checklist (codes; `i18n::labels` words them).
//!
//! Pure: the service loads the facts inside its transaction and asks here.

use super::coded::coded_enum;
use super::submission::{SubmissionEvent, SubmissionKind, SubmissionState, transition};
use crate::domain::ids::StaffId;

impl serde::Serialize for SubmissionState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

coded_enum! {
    /// Everything staff can do to a queue item, in key order; the code is in history rows and
    /// the audit log (`review.<code>`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum ReviewAction {
        /// 担当する
        Claim = "claim",
        /// 担当を外す
        Release = "release",
        /// 引き継ぐ (to a colleague)
        HandOver = "handover",
        /// 確認
        Check = "check",
        /// 差戻し
        Return = "return",
        /// 不受理
        Reject = "reject",
        /// 本登録
        Approve = "approve",
        /// 窓口来所の記録 (R-VISIT-1)
        RecordVisit = "visit",
        /// コメント
        Comment = "comment",
        /// フォロー日
        FollowUp = "follow_up",
    }
}

impl ReviewAction {
    /// The state-machine event behind the action, when it changes the state.
    #[must_use]
    pub fn event(self) -> Option<SubmissionEvent> {
        match self {
            Self::Check => Some(SubmissionEvent::Check),
            Self::Return => Some(SubmissionEvent::Return),
            Self::Reject => Some(SubmissionEvent::Reject),
            Self::Approve => Some(SubmissionEvent::Approve),
            _ => None,
        }
    }

    /// A decisive action ends the review (R-REV-5 counts exactly one per item).
    #[must_use]
    pub fn is_decisive(self) -> bool {
        matches!(self, Self::Approve | Self::Return | Self::Reject)
    }
}

/// Whether `action` applies in `state`: state changes follow `submission::transition`; the
/// bookkeeping actions (claim, comment, visit, …) need a pending item.
#[must_use]
pub fn allows(state: SubmissionState, action: ReviewAction) -> bool {
    match action.event() {
        Some(e) => transition(state, e).is_ok(),
        None => state.is_pending(),
    }
}

/// The actions a state allows, in key order.
#[must_use]
pub fn allowed_actions(state: SubmissionState) -> Vec<ReviewAction> {
    ReviewAction::ALL
        .into_iter()
        .filter(|a| allows(state, *a))
        .collect()
}

/// Why an approval (or another action) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewRefusal {
    #[error("cannot {} when {}", .0.code(), .1.code())]
    State(ReviewAction, SubmissionState),
    /// R-REV-1: the approver checked it.
    #[error("four-eyes: the approver checked this item")]
    ApproverChecked,
    /// R-REV-1: the approver entered it.
    #[error("four-eyes: the approver entered this item")]
    ApproverEntered,
    /// R-VISIT-1: visit reasons and no visit recorded.
    #[error("a counter visit must be recorded first")]
    VisitRequired,
    /// R-REV-4: the establishment is neither registered nor approved in the same action.
    #[error("the establishment is not registered")]
    EstablishmentNotRegistered,
}

impl ReviewRefusal {
    /// Stable code (CLI JSON, i18n).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::State(..) => "state",
            Self::ApproverChecked => "four_eyes_checker",
            Self::ApproverEntered => "four_eyes_enterer",
            Self::VisitRequired => "visit_required",
            Self::EstablishmentNotRegistered => "establishment_not_registered",
        }
    }
}

/// R-REV-1 four-eyes, the one place: the approver is neither the checker nor the person who
/// entered the item. Holding the supervisor role changes nothing.
///
/// # Errors
/// [`ReviewRefusal::ApproverChecked`] or [`ReviewRefusal::ApproverEntered`].
pub fn four_eyes(
    approver: StaffId,
    checked_by: Option<StaffId>,
    entered_by: Option<StaffId>,
) -> Result<(), ReviewRefusal> {
    if checked_by == Some(approver) {
        return Err(ReviewRefusal::ApproverChecked);
    }
    if entered_by == Some(approver) {
        return Err(ReviewRefusal::ApproverEntered);
    }
    Ok(())
}

/// The facts one approval is decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovalFacts {
    pub kind: SubmissionKind,
    pub state: SubmissionState,
    pub approver: StaffId,
    pub checked_by: Option<StaffId>,
    pub entered_by: Option<StaffId>,
    /// R-VISIT-1: reasons exist (or staff flagged it).
    pub visit_needed: bool,
    pub visit_recorded: bool,
    /// R-REV-4 (jobs): the establishment is registered already, or approved in this action.
    pub establishment_registered_or_in_action: bool,
}

/// R-REV-1, R-REV-4, R-VISIT-1 and the state machine, in that order of telling.
///
/// # Errors
/// The first rule that refuses.
pub fn may_approve(f: &ApprovalFacts) -> Result<(), ReviewRefusal> {
    if !allows(f.state, ReviewAction::Approve) {
        return Err(ReviewRefusal::State(ReviewAction::Approve, f.state));
    }
    four_eyes(f.approver, f.checked_by, f.entered_by)?;
    if f.visit_needed && !f.visit_recorded {
        return Err(ReviewRefusal::VisitRequired);
    }
    if f.kind == SubmissionKind::Job && !f.establishment_registered_or_in_action {
        return Err(ReviewRefusal::EstablishmentNotRegistered);
    }
    Ok(())
}

/// Office prefix of establishment numbers: the first 4 digits of the 5-digit office code.
#[must_use]
pub fn office_prefix(office_code: &str) -> Option<&str> {
    (office_code.len() == 5 && office_code.bytes().all(|b| b.is_ascii_digit()))
        .then(|| &office_code[..4])
}

/// Last digit of an establishment number, over its first 10 digits (prefix + serial).
///
/// Rule (madoguchi's own; the national rule is not public): modulus 11 with weights
/// 2, 3, 4, 5, 6, 7, 2, 3, 4, 5 from the rightmost digit; check = 11 − (Σ mod 11), where
/// 10 and 11 give 0. Catches every single-digit error and most adjacent swaps.
#[must_use]
pub fn establishment_check_digit(ten: &str) -> Option<u8> {
    const W: [u32; 6] = [2, 3, 4, 5, 6, 7];
    if ten.len() != 10 || !ten.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = ten
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * W[i % 6])
        .sum();
    let c = 11 - sum % 11;
    Some(if c >= 10 {
        0
    } else {
        u8::try_from(c).unwrap_or(0)
    })
}

/// R-REV-3: `1301-000123-X`. `None` when the office code is not 5 digits or the serial does
/// not fit 6 digits.
#[must_use]
pub fn establishment_number(office_code: &str, serial: u32) -> Option<String> {
    let prefix = office_prefix(office_code)?;
    if serial == 0 || serial > 999_999 {
        return None;
    }
    let ten = format!("{prefix}{serial:06}");
    let check = establishment_check_digit(&ten)?;
    Some(format!("{prefix}-{serial:06}-{check}"))
}

/// R-REV-3: `13010-00000123`. `None` when the office code is not 5 digits or the serial does
/// not fit 8 digits.
#[must_use]
pub fn job_number(office_code: &str, serial: u32) -> Option<String> {
    office_prefix(office_code)?;
    if serial == 0 || serial > 99_999_999 {
        return None;
    }
    Some(format!("{office_code}-{serial:08}"))
}

coded_enum! {
    /// One item of the checklist a clerk ticks when checking (確認); the code is stored with
    /// the check and typed as `--tick` on the command line. Its words are in `i18n::labels`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum CheckItem {
        /// The establishment exists at its address.
        Identity = "identity",
        /// The working conditions (wage, hours, holidays) are stated.
        Conditions = "conditions",
        /// Nothing unlawful, nothing that is not employment.
        Lawful = "lawful",
        /// The validation warnings were looked at.
        Findings = "findings",
        /// The contact (phone, person) was checked.
        Contact = "contact",
    }
}

/// The checklist a clerk ticks when checking (確認), in the order shown.
pub const CHECKLIST: [CheckItem; 5] = CheckItem::ALL;

/// Whether `code` is a checklist item.
#[must_use]
pub fn is_checklist_item(code: &str) -> bool {
    CheckItem::parse(code).is_some()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use SubmissionState as S;

    fn facts() -> ApprovalFacts {
        ApprovalFacts {
            kind: SubmissionKind::Job,
            state: S::Checked,
            approver: StaffId(2),
            checked_by: Some(StaffId(1)),
            entered_by: None,
            visit_needed: false,
            visit_recorded: false,
            establishment_registered_or_in_action: true,
        }
    }

    #[test]
    fn r_rev_1_checklist_codes_round_trip() {
        for item in CHECKLIST {
            assert_eq!(CheckItem::parse(item.code()), Some(item));
            assert!(is_checklist_item(item.code()));
        }
        assert!(!is_checklist_item("nothing"));
    }

    #[test]
    fn r_rev_1_actions_per_state_follow_the_state_machine() {
        use ReviewAction as A;
        assert_eq!(
            allowed_actions(S::Received),
            vec![
                A::Claim,
                A::Release,
                A::HandOver,
                A::Check,
                A::Return,
                A::Reject,
                A::RecordVisit,
                A::Comment,
                A::FollowUp
            ]
        );
        assert!(allows(S::Checked, A::Approve));
        assert!(!allows(S::Checked, A::Check));
        assert!(allows(S::Returned, A::Reject));
        assert!(!allows(S::Returned, A::Return));
        assert!(!allows(S::Returned, A::Approve));
        for s in [
            S::Registered,
            S::Rejected,
            S::Expired,
            S::Purged,
            S::Withdrawn,
        ] {
            assert!(allowed_actions(s).is_empty(), "{s}");
        }
    }

    #[test]
    fn r_rev_1_every_state_event_pair_agrees_with_transition() {
        for s in S::ALL {
            for a in ReviewAction::ALL {
                if let Some(e) = a.event() {
                    assert_eq!(allows(s, a), transition(s, e).is_ok(), "{s} {}", a.code());
                }
            }
        }
    }

    #[test]
    fn r_rev_1_four_eyes_checker_cannot_approve_even_as_supervisor() {
        let f = ApprovalFacts {
            checked_by: Some(StaffId(2)),
            ..facts()
        };
        assert_eq!(may_approve(&f), Err(ReviewRefusal::ApproverChecked));
        assert_eq!(
            four_eyes(StaffId(2), Some(StaffId(2)), None),
            Err(ReviewRefusal::ApproverChecked)
        );
    }

    #[test]
    fn r_rev_1_four_eyes_enterer_cannot_approve() {
        let f = ApprovalFacts {
            entered_by: Some(StaffId(2)),
            ..facts()
        };
        assert_eq!(may_approve(&f), Err(ReviewRefusal::ApproverEntered));
        assert_eq!(
            four_eyes(StaffId(2), Some(StaffId(1)), Some(StaffId(3))),
            Ok(())
        );
    }

    #[test]
    fn r_rev_1_approve_needs_supervisor_and_a_check() {
        // Approval is the supervisor's permission (a role that lacks it is refused before
        // the facts are looked at, as any other missing permission).
        use crate::domain::staff::{Permission, Role, Roles};
        assert!(Roles::new(vec![Role::Supervisor]).may(Permission::Approve));
        for r in [Role::Counter, Role::Admin, Role::Auditor] {
            assert!(!Roles::new(vec![r]).may(Permission::Approve), "{r:?}");
        }
        let f = ApprovalFacts {
            state: S::Received,
            ..facts()
        };
        assert_eq!(
            may_approve(&f),
            Err(ReviewRefusal::State(ReviewAction::Approve, S::Received))
        );
        assert_eq!(may_approve(&facts()), Ok(()));
    }

    #[test]
    fn r_visit_1_approval_refused_until_visit_recorded() {
        let f = ApprovalFacts {
            visit_needed: true,
            ..facts()
        };
        assert_eq!(may_approve(&f), Err(ReviewRefusal::VisitRequired));
        let f = ApprovalFacts {
            visit_needed: true,
            visit_recorded: true,
            ..facts()
        };
        assert_eq!(may_approve(&f), Ok(()));
    }

    #[test]
    fn r_rev_4_job_needs_registered_establishment() {
        let f = ApprovalFacts {
            establishment_registered_or_in_action: false,
            ..facts()
        };
        assert_eq!(
            may_approve(&f),
            Err(ReviewRefusal::EstablishmentNotRegistered)
        );
        let f = ApprovalFacts {
            kind: SubmissionKind::Establishment,
            establishment_registered_or_in_action: false,
            ..facts()
        };
        assert_eq!(may_approve(&f), Ok(()));
    }

    #[test]
    fn r_rev_3_number_formats() {
        let n = establishment_number("13010", 123).unwrap();
        assert!(n.starts_with("1301-000123-"), "{n}");
        assert_eq!(crate::domain::numbers::establishment_number(&n).unwrap(), n);
        assert_eq!(job_number("13010", 123).unwrap(), "13010-00000123");
        assert_eq!(
            crate::domain::numbers::five_eight_number("13010-00000123").unwrap(),
            "13010-00000123"
        );
        assert_eq!(establishment_number("1301", 1), None);
        assert_eq!(establishment_number("13010", 1_000_000), None);
        assert_eq!(job_number("13010", 100_000_000), None);
        assert_eq!(job_number("abcde", 1), None);
    }

    #[test]
    fn r_rev_3_check_digit_catches_single_digit_errors() {
        let base = "1301000123";
        let c = establishment_check_digit(base).unwrap();
        for i in 0..10 {
            for d in b'0'..=b'9' {
                let mut s = base.as_bytes().to_vec();
                if s[i] == d {
                    continue;
                }
                s[i] = d;
                let other = String::from_utf8(s).unwrap();
                let oc = establishment_check_digit(&other).unwrap();
                // Mod 11 maps 10 and 11 to 0, so only a change landing on that pair can hide.
                if oc == c {
                    assert!(c == 0, "{other}");
                }
            }
        }
    }
}
