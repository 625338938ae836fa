//! Why a use case refused to act, as data: the one enum every `service/` refusal is built
//! from (`ServiceError::Refused`). The screens and the command line put it into words in one
//! place, `i18n::refusal`; nothing parses a refusal back from text.

use chrono::NaiveDate;

use super::account::{AccountState, KeyRequestRefusal};
use super::mail::MailState;
use super::review::ReviewRefusal;
use super::submission::SubmissionState;
use crate::domain::ids::AccountId;

/// A refusal of a use case: the item, account, mail or database is not in a state that allows
/// the action, or a rule says no. (A role that may not act is [`Failure::Denied`], never a
/// refusal: one way to say it, with one wording.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// R-REV-5: someone changed the item since its user saw it. `by` is the display name of the
    /// staff member who did; `None` when no staff member did (the employer's resubmission, the
    /// sweep). `now` is the item's state now.
    #[error("{} acted first (now {})", by.as_deref().unwrap_or("the system"), now.code())]
    ActedFirst {
        by: Option<String>,
        now: SubmissionState,
    },
    /// A review rule (R-REV-1 four-eyes, R-REV-4, R-VISIT-1, the state machine).
    #[error(transparent)]
    Review(ReviewRefusal),
    /// R-REV-6: only the holder (or a supervisor) may release or hand over the item.
    #[error("not assigned to the acting staff member")]
    NotAssignedToYou,
    /// The colleague an item is handed to may not review (disabled, or no review role).
    #[error("the colleague cannot review")]
    ColleagueCannotReview,
    /// The account is not in a state that allows the action (reveal, change, re-issue).
    #[error("the account is {}", .0.code())]
    Account(AccountState),
    /// R-KEY-0: a password-registration request that issues no key.
    #[error("key request refused: {}", .0.code())]
    KeyRequest(KeyRequestRefusal),
    /// R-ID-4: an ID change for the account already waits for approval.
    #[error("an ID change is already pending")]
    ChangePending,
    /// R-ID-4: the ID change request was approved or rejected already.
    #[error("the ID change request is already decided")]
    ChangeDecided,
    /// R-MAIL-7: the mail action does not apply to a mail in this state.
    #[error("the mail is {}", .0.code())]
    Mail(MailState),
    /// R-MAIL-6: a key mail past its key is not sent again; the key is re-issued instead.
    #[error("the auth key of the mail has expired")]
    KeyExpired,
    /// The mail's body was erased (sent or expired), so it cannot be sent again.
    #[error("the mail has no body any more")]
    MailWithoutBody,
    /// R-AUD-2: the audit chain is broken elsewhere than at its head file (`why` is the code of
    /// the first bad link).
    #[error("audit chain: {0}")]
    AuditChainBroken(String),
    /// The date is a closed day already.
    #[error("{0} is already closed")]
    AlreadyClosed(NaiveDate),
    /// An admin cannot disable their own staff account.
    #[error("cannot disable yourself")]
    CannotDisableSelf,
    /// `init` on a database that has staff.
    #[error("already initialised")]
    AlreadyInitialised,
    /// A database in use (more staff than the first admin) cannot become a training one.
    #[error("a database in use cannot become a training one")]
    TrainingNeedsNewDatabase,
}

/// Why a use case failed, as its words need it: the service's error seen from below, so that
/// `i18n` can put it into words without knowing `service/` (which turns its `ServiceError`
/// into this). Nothing here is stored or parsed.
#[derive(Debug, Clone, Copy)]
pub enum Failure<'a> {
    /// The acting staff member's roles do not allow the action, or the staff account is
    /// disabled (R-AUTH-3): the one way to say "your role may not do this".
    Denied,
    NotFound,
    /// R-REG-2: the address belongs to a live account (`account_id` 0: one registered at the
    /// same moment elsewhere).
    EmailInUse {
        account_id: AccountId,
        kind: super::account::AccountKind,
    },
    /// Field errors and unconfirmed warnings.
    Invalid(&'a [super::issue::FieldIssue]),
    /// A rule or a state said no.
    Refused(&'a Refusal),
    /// The disk is full.
    DiskFull,
    /// The database or something inside failed (details go to the log).
    Failed,
}
