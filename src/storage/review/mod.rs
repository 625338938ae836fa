//! Review bookkeeping (SPEC §2.3), one file per concept, every item re-exported here so that
//! callers name `storage::review::…`:
//! - `facts`: what a review action is decided on, the guarded state changes
//!   (R-REV-5), assignment, visits, number serials and registration (R-REV-3);
//! - `history`: history lines, comments, check lists, decisive audit rows;
//! - `dashboard`: the dashboard's reads and an account's submissions;
//! - `sweep`: the deadline sweep's reads, purges and tombstones (R-DL-3,
//!   R-MAIL-6) and the compaction of the search indexes.
//!
//! The work queues (R-REV-6) are `storage::queue`; the load-test data `gen::bench_fill`.

mod dashboard;
mod facts;
mod history;
mod sweep;

pub use dashboard::{
    SQL_FOR_ACCOUNT, for_account, locked_staff, oldest_pending, pending_jobs_by_category,
    pending_jobs_by_category_sql, throughput_since,
};
pub use facts::{
    Facts, SQL_CHECKED_JOBS_OF, SQL_ESTABLISHMENT_SUBMISSION, account_email, bump_rev,
    checked_jobs_of, establishment_brief, establishment_submission, facts, job_number_taken,
    move_state, next_serial, open_account, rev, set_assigned, set_checked_by, set_entered_by,
    set_follow_up, set_registered, set_visit, set_visit_flag, visit_flag,
};
pub use history::{
    CommentRow, HistoryRow, NewHistory, add_comment, add_history, check_items, comments,
    count_decisive_audit, history, last_change, last_state_change, save_check,
};
pub use sweep::{
    OfferBrief, SQL_OFFER_REMINDER_CANDIDATES, SQL_PENDING_NAMES, SQL_PURGEABLE_OF_ACCOUNT,
    Tombstone, account_brief, accounts_past_deadline, add_tombstone, cancel_account_mail,
    compact_search_step, invalidate_account, offer_deadline_brief, offer_reminder_candidates,
    pending_names, pending_names_due, purge_account, purge_establishment, purge_submission,
    purgeable_of_account, record_reminder, reminder_candidates, search_index_rows,
    submissions_past_deadline, tombstones, withdrawn_before,
};

use crate::domain::submission::{SubmissionKind, SubmissionState};

fn bad(what: &str, v: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("{what} {v}").into(),
    )
}

fn state_of(s: &str) -> rusqlite::Result<SubmissionState> {
    SubmissionState::parse(s).ok_or_else(|| bad("state", s))
}

fn kind_of(s: &str) -> rusqlite::Result<SubmissionKind> {
    SubmissionKind::parse(s).ok_or_else(|| bad("kind", s))
}
