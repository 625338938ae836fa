//! What a new submission adds to the queue counts (`queue_tally`, schema v18-v20). Changes and
//! deletions are counted by triggers; inserts by the inserting code, since any trigger on
//! INSERT makes SQLite journal every page the insert touches (schema v19). A bulk writer (the
//! import) sums its inserts' counts in memory and writes each count once ([`PendingTally`]).

use rusqlite::{Statement, params};

use super::NewSubmission;
use crate::domain::ids::StaffId;
use crate::domain::submission::SubmissionState;
use crate::storage::Result;

/// Adds one to a queue count (`queue_tally`, schema v18), creating it at one.
pub const SQL_TALLY_ADD: &str = "INSERT INTO queue_tally (kind, k, n) VALUES (?1, ?2, 1) \
     ON CONFLICT (kind, k) DO UPDATE SET n = n + 1";

/// Adds `?3` to a queue count, creating it at `?3`.
pub const SQL_TALLY_ADD_N: &str = "INSERT INTO queue_tally (kind, k, n) VALUES (?1, ?2, ?3) \
     ON CONFLICT (kind, k) DO UPDATE SET n = n + excluded.n";

/// What a new submission row counts towards in the queue counts.
pub struct Tallied<'a> {
    /// A pending state (received, checked, returned); other states count nowhere.
    pub state: &'a str,
    pub assigned_staff: Option<StaffId>,
    pub deadline: Option<&'a str>,
    /// A counter visit is due (needed, not yet made).
    pub visit_due: bool,
}

impl<'a> Tallied<'a> {
    /// A row as [`super::SQL_INSERT`] stores it: received, nobody's.
    #[must_use]
    pub fn new(s: &NewSubmission<'a>) -> Tallied<'a> {
        Tallied {
            state: SubmissionState::Received.code(),
            assigned_staff: None,
            deadline: s.deadline,
            visit_due: !s.visit_reasons.is_empty(),
        }
    }

    /// Each count (kind, key) the row adds one to; none for a state that is not pending.
    fn counts<E>(
        &self,
        mut add: impl FnMut(&'static str, &str) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        if !matches!(self.state, "received" | "checked" | "returned") {
            return Ok(());
        }
        add("state", self.state)?;
        let staff = self
            .assigned_staff
            .map_or_else(String::new, |s| s.to_string());
        add("staff", &staff)?;
        if self.state == "received" && self.assigned_staff.is_none() {
            // 未担当 (schema v20).
            add("unclaimed", "")?;
        }
        if let Some(d) = self.deadline {
            add("deadline", d)?;
        }
        if self.visit_due {
            add("visit", "")?;
        }
        Ok(())
    }
}

/// Counts a newly inserted submission in `queue_tally`, in the inserting transaction (schema
/// v19: the counterpart of the update and delete triggers, done by the code that inserts, as a
/// trigger on INSERT made every insert write a statement journal). `stmt` is prepared from
/// [`SQL_TALLY_ADD`]. Every insert into `submissions` must call this or [`PendingTally::add`].
///
/// # Errors
/// On SQLite failure.
pub fn tally_inserted(stmt: &mut Statement<'_>, t: &Tallied<'_>) -> Result<()> {
    t.counts(|kind, k| {
        stmt.execute(params![kind, k])?;
        Ok(())
    })
}

/// Counts of inserted rows not written to `queue_tally` yet: an import adds 4-5 counts per
/// row, and writing each at once was a fifth of its writer's work (callgrind, 20,000 events).
/// [`Self::flush`] must run before anything in the same transaction changes or deletes a
/// submission (the triggers then find the counts they take one from) and before the commit;
/// dropping it unflushed loses its counts, as a rollback must.
#[derive(Default)]
pub struct PendingTally {
    /// (kind, key, n): a transaction holds a handful of distinct counts (a state, nobody's,
    /// a few deadline dates), so a list searched from the end beats hashing every key.
    counts: Vec<(&'static str, String, i64)>,
}

impl PendingTally {
    /// Adds a new row's counts.
    pub fn add(&mut self, t: &Tallied<'_>) {
        let counts = &mut self.counts;
        let Ok(()) = t.counts(|kind, k| {
            match counts
                .iter_mut()
                .rev()
                .find(|(kd, key, _)| *kd == kind && key == k)
            {
                Some((_, _, n)) => *n += 1,
                None => counts.push((kind, k.to_string(), 1)),
            }
            Ok::<(), std::convert::Infallible>(())
        });
    }

    /// Writes the summed counts through `stmt` (prepared from [`SQL_TALLY_ADD_N`]).
    ///
    /// # Errors
    /// On SQLite failure; the counts are then dropped with the transaction that fails.
    pub fn flush(&mut self, stmt: &mut Statement<'_>) -> Result<()> {
        for (kind, k, n) in self.counts.drain(..) {
            stmt.execute(params![kind, k, n])?;
        }
        Ok(())
    }

    /// Forgets the counts (their rows were rolled back).
    pub fn clear(&mut self) {
        self.counts.clear();
    }
}
