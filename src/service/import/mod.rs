//! R-IO-1, R-IO-2: the interchange import. Lines are read in batches; each batch is one
//! IMMEDIATE transaction with one audit row (`import.batch`). A bad line is recorded in
//! `import_rejects` while the others apply: every rule is checked before a line's first write,
//! so a refused line leaves nothing behind; should a constraint still refuse a line half-way,
//! the batch is rolled back and written again with one savepoint per line. An event id
//! already in `imported_events` is counted as a duplicate.
//!
//! Speed (the `import` bench): the calling thread reads, parses, validates and serialises
//! batch N+1 (split over the cores) while a second thread writes batch N; a third copies each
//! committed batch from the WAL to the database file (the writer's own automatic checkpoints
//! are off meanwhile).
//!
//! Activation keys are checked before the batch takes the write lock (in parallel
//! when there are several), like `service::accounts::activate`; the outcome is then judged
//! inside the transaction on the fresh key rows with `domain::authkey::judge`.
//!
//! Times: the event's `occurred_at` is when the customer acted, so activations are judged at
//! that time and the provisional deadline counts from its Japan date (R-DL-1). An event more
//! than [`FUTURE_SLACK_MINUTES`] after `now` is refused.
//!
//! Files: this one holds the types the stages hand each other (a line, its prepared event,
//! a chunk, the writer's run with its caches); `prepare` reads and prepares lines,
//! `pipeline` runs the threads (`import_events`), `write` is one transaction, and
//! `account_events` / `submission_events` are what each kind of event does.

use crate::domain::email::Email;
use crate::domain::ids::AccountId;
use std::collections::HashMap;
use std::io::BufRead;
use std::rc::Rc;
use std::sync::mpsc::Receiver;

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use crate::clock::{from_db, jst_date, to_db};
use crate::config::Config;
use crate::domain::account::{self, AccountKind, AccountOrigin, AccountState};
use crate::domain::authkey::{self, ActivationOutcome, KeyState};
use crate::domain::calendar::Calendar;
use crate::domain::establishment::Establishment;
use crate::domain::interchange::{self, Event, EventBody, ParseError};
use crate::domain::job::{EstablishmentLink, JobCategoryKind, JobOffer};
use crate::domain::minwage::{MinimumWageTable, prefecture_of_office_code};
use crate::domain::staff::Permission;
use crate::domain::submission::{self, SubmissionEvent, SubmissionKind, SubmissionState};
use crate::domain::text::sanitize;
use crate::domain::validate::{self, Finding};
use crate::domain::{deadline, visit};
use crate::mail::template::Template;
use crate::secret::InstallSecret;
use crate::storage::accounts::{AccountRow, NewAccount};
use crate::storage::audit::AuditEntry;
use crate::storage::imports::{LineStatements, RAW_MAX, Reject};
use crate::storage::keys::KeyPurpose;
use crate::storage::submissions::{JobFlags, NewSubmission, NewVersionRow, SubmissionHead};
use crate::storage::{self, StorageError, Store};

use super::accounts::{self, NewKey, new_key};
use super::{Ctx, Result, ServiceError, require};

mod account_events;
mod pipeline;
mod prepare;
mod submission_events;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
mod write;

use self::account_events::{activate, may_submit, password_requested, self_register};
use self::pipeline::{CACHED_MAX, preverify};
pub use self::pipeline::{WAL_CUT_BYTES, import_events};
pub use self::prepare::findings_json;
use self::prepare::{prepare_batch, read_bounded};
use self::submission_events::{submit_establishment, submit_job};
use self::write::run_batch;

/// How long one transaction of the import may hold the write lock, its commit included (issue
/// 16 item 2: at most 50 ms): a clerk's action waits at most about this long behind it. The
/// writer stops taking lines when what it has spent plus what its last commits took
/// ([`Run::tail`]) reaches the budget, and also whenever the next chunk is not parsed yet: it
/// never holds the lock while waiting for the reader.
pub const TX_BUDGET: std::time::Duration = std::time::Duration::from_millis(40);
/// What the end of a transaction (its queue counts, search rows, audit row and commit) is
/// expected to take before one has been measured.
const FIRST_TAIL: std::time::Duration = std::time::Duration::from_millis(10);
/// Lines parsed together and handed to the writer as one message: writing one takes a fraction
/// of [`TX_BUDGET`] (about 10 ms at 20 µs per line).
pub const CHUNK_LINES: usize = 500;
/// Parsed chunks waiting for the writer: enough to keep it busy while the reader parses, few
/// enough that the import's memory stays bounded whatever the input's size.
const CHUNKS_AHEAD: usize = 8;
/// Longest line read; longer ones are rejected (`too_long`) without being held in memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Rejects listed in the summary (all of them are in `import_rejects`).
pub const REJECTS_LISTED: usize = 1000;
/// Clock skew tolerated between the Internet Service and the office.
pub const FUTURE_SLACK_MINUTES: i64 = 10;
/// How many of the newest keys an activation is compared with (as `service::accounts`).
const KEYS_COMPARED: usize = 5;
/// Start of the R-VISIT-1 "since 2020-01" window: 2020-01-01 00:00 JST in UTC.
const VISIT_SINCE: &str = "2019-12-31T15:00:00Z";

/// Reject reason codes beyond the parser's (`domain::interchange::reasons`).
pub mod reasons {
    pub const TOO_LONG: &str = "too_long";
    /// The last line of a file has no line break and does not parse: cut off.
    pub const TRUNCATED: &str = "truncated";
    pub const FUTURE_TIME: &str = "future_time";
    /// No live account with this email.
    pub const UNKNOWN_ACCOUNT: &str = "unknown_account";
    /// The account may not submit (not activated yet, or a job seeker).
    pub const ACCOUNT_STATE: &str = "account_state";
    /// Field validation found errors (SPEC §5); detail lists `field:rule` (`field:rule=param`
    /// when the rule has a parameter), comma separated.
    pub const VALIDATION: &str = "validation";
    /// `job.submitted` for a submission id that exists.
    pub const DUPLICATE_SUBMISSION: &str = "duplicate_submission";
    /// A resubmission for an unknown submission id (or another account's, or another kind).
    pub const UNKNOWN_SUBMISSION: &str = "unknown_submission";
    /// The submission is not in a state that takes a new version.
    pub const SUBMISSION_STATE: &str = "submission_state";
    /// The offer's establishment is neither a known 事業所番号 nor this account's submission.
    pub const UNKNOWN_ESTABLISHMENT: &str = "unknown_establishment";
    /// A constraint of the database refused the line.
    pub const CONFLICT: &str = "conflict";
    /// Activation refused: `key_` + the R-KEY-6 outcome (`key_wrong`, `key_expired`, …).
    pub const KEY_PREFIX: &str = "key_";
    /// `account.self_registered` for an address a live account holds (R-REG-2).
    pub const EMAIL_IN_USE: &str = "email_in_use";
    // `password.requested` refusals are `domain::account::KeyRequestRefusal::code`.
}

/// One input: a name for messages and rejects ("-" for stdin), the reader and, when known, its
/// size in bytes (for the progress bar).
pub struct Input<'a> {
    pub name: String,
    pub reader: Box<dyn BufRead + 'a>,
    pub size: Option<u64>,
}

/// Reported after every batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub lines: u64,
    pub bytes: u64,
    pub total_bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RejectLine {
    pub file: String,
    pub line: u64,
    pub event_id: Option<String>,
    pub reason: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub applied: u64,
    pub duplicate: u64,
    pub rejected: u64,
    /// The first [`REJECTS_LISTED`] rejects, in input order.
    pub rejects: Vec<RejectLine>,
    /// Activations whose deadline falls in a year without official holiday data (R-DL-2).
    pub calendar_warnings: u64,
    pub batches: u64,
    /// The longest that one of its transactions held the write lock (issue 16 item 2).
    #[serde(skip)]
    pub longest_batch: std::time::Duration,
}

/// One line as read.
struct RawLine {
    file: usize,
    line: u64,
    bytes: Vec<u8>,
    /// Ended with a line break (only the last line of a file may not).
    complete: bool,
    oversize: bool,
}

/// What one line did.
enum Outcome {
    Applied,
    Duplicate,
    /// Refused; `keep` when the line's effects stay (a wrong key counts as a try).
    Rejected {
        reason: String,
        detail: String,
        keep: bool,
    },
}

fn reject(reason: &str, detail: impl Into<String>) -> Outcome {
    Outcome::Rejected {
        reason: reason.to_string(),
        detail: detail.into(),
        keep: false,
    }
}

/// A submission as it will be stored: the normalised value, its JSON and its findings.
struct Checked<T> {
    value: T,
    /// The normalised JSON in its stored form (`storage::payload`), compressed here on the
    /// parsing threads rather than by the writer.
    payload: Vec<u8>,
    findings: String,
    has_warnings: bool,
}

/// `Err`: field validation found errors; the reject's detail (`field:rule,…`).
type Validated<T> = std::result::Result<Box<Checked<T>>, String>;

/// An event's payload, validated and serialised before the writer sees it.
enum Body {
    /// `account.self_registered`: the address as an [`Email`] (or why it is none) and the key
    /// to issue, made here because its hash takes tens of milliseconds (R-KEY-0).
    SelfRegistered {
        email: std::result::Result<Email, &'static str>,
        key: NewKey,
    },
    /// `password.requested`, with the key to issue should the account take it (R-KEY-0).
    PasswordRequested {
        birth_date: Option<chrono::NaiveDate>,
        key: NewKey,
    },
    /// The typed key, normalised (`authkey::normalize_input`).
    Activated {
        typed_key: String,
    },
    Withdrawn,
    Establishment {
        submission_id: String,
        data: Validated<Establishment>,
    },
    Job {
        submission_id: String,
        resubmit: bool,
        data: Validated<JobOffer>,
    },
}

/// A parsed event made ready for the writer.
struct Ready {
    event_id: String,
    occurred_at: DateTime<Utc>,
    /// The account's email key (`Email::key`); `None` when the email is not an address.
    email_key: Option<String>,
    body: Body,
}

/// One line as the writer gets it. Everything that needs no database (UTF-8, JSON, the
/// envelope, field normalisation and validation, the payload's JSON) is done by
/// [`prepare_batch`] on other threads while the writer applies the previous batch.
#[allow(clippy::struct_field_names)] // `line` is the line's number in its file, as rejects name it
struct Line {
    file: usize,
    line: u64,
    /// The line as read, for the reject's `raw` column.
    bytes: Vec<u8>,
    ready: std::result::Result<Ready, ParseError>,
}

/// What the parsing threads need beyond the line: for an offer (SPEC §5 minimum wage) the table
/// and the office's prefecture, the day being each event's own (its Japan date); for a key
/// request, the time and the secret its key is hashed under.
#[derive(Debug, Clone, Copy)]
struct Checking<'a> {
    minimum_wage: &'a MinimumWageTable,
    office_prefecture: Option<u8>,
    /// The import's time: keys issued by it live 50 minutes from then (R-KEY-1).
    now: DateTime<Utc>,
    /// Keys are hashed under it on the parsing threads (R-KEY-2).
    secret: &'a InstallSecret,
}

impl Checking<'_> {
    fn on(&self, occurred_at: DateTime<Utc>) -> validate::JobCheck<'_> {
        validate::JobCheck {
            date: jst_date(occurred_at),
            minimum_wage: self.minimum_wage,
            office_prefecture: self.office_prefecture,
        }
    }
}

/// Prepared lines on their way to the writer: a batch is one or more chunks.
struct Chunk {
    lines: Vec<Line>,
    /// The activation lines' matching keys (by index in `lines`), when the reader could look
    /// them up.
    matched: Option<HashMap<usize, i64>>,
}

impl Chunk {
    fn new(lines: Vec<Line>, lookout: Option<&Store>) -> Result<Chunk> {
        let matched = lookout
            .map(|s| preverify(s.conn(), s.secret(), &lines))
            .transpose()?;
        Ok(Chunk { lines, matched })
    }

    /// The lines from `at` on, as a chunk of their own (the matched keys' indexes moved).
    fn split_off(&mut self, at: usize) -> Chunk {
        let lines = self.lines.split_off(at);
        let matched = self.matched.as_mut().map(|m| {
            let (rest, kept): (HashMap<usize, i64>, HashMap<usize, i64>) =
                m.drain().partition(|(i, _)| *i >= at);
            *m = kept;
            rest.into_iter().map(|(i, k)| (i - at, k)).collect()
        });
        Chunk { lines, matched }
    }
}

/// Per-import state of the writer.
struct Run<'c> {
    now: DateTime<Utc>,
    /// For the key mails the import queues (sender, office footer).
    cfg: &'c Config,
    /// `now` as stored (every line's `applied_at`).
    now_db: String,
    cal: &'c Calendar,
    /// email key → live account. This and the caches below hold while nothing but the import
    /// writes: each batch's transaction keeps other sessions out, and a batch starts by
    /// comparing the database's `data_version` with [`Run::valid_for`].
    accounts: HashMap<String, Option<Rc<AccountRow>>>,
    /// (account, establishment submission id) → its establishment, when found.
    links: HashMap<(AccountId, String), i64>,
    /// Establishment → its R-VISIT-1 history, as a new offer of it sees it (a new offer is
    /// not registered, and nothing the import writes is either: it stays right all import).
    histories: HashMap<i64, storage::submissions::HistoryCounts>,
    /// The `data_version` under which the caches above were filled (it changes when another
    /// connection commits, not with the import's own commits); `None`: nothing known, as
    /// after a rollback.
    valid_for: Option<i64>,
    /// Search rows of the establishments the batch added, written together before it commits
    /// (see `storage::establishments::insert_without_search`).
    search_rows: Vec<storage::establishments::SearchRow>,
    /// Activations of the batch being written whose deadline year has no official holiday data.
    calendar_warnings: u64,
    /// [`TX_BUDGET`] (tests lengthen it to see one transaction).
    budget: std::time::Duration,
    /// What the end of a transaction took lately (after its last line: counts, search rows,
    /// audit row, commit): the longest of the last few, decaying, so that lines stop early
    /// enough for the commit to fit in the budget.
    tail: std::time::Duration,
}

impl<'c> Run<'c> {
    /// An import's state before its first batch: nothing cached.
    fn new(now: DateTime<Utc>, cal: &'c Calendar, cfg: &'c Config) -> Run<'c> {
        Run {
            now,
            cfg,
            now_db: to_db(now),
            cal,
            accounts: HashMap::new(),
            links: HashMap::new(),
            histories: HashMap::new(),
            valid_for: None,
            search_rows: Vec::new(),
            calendar_warnings: 0,
            budget: TX_BUDGET,
            tail: FIRST_TAIL,
        }
    }

    /// Whether a transaction that has held the lock for `held` may take another line.
    fn within_budget(&self, held: std::time::Duration) -> bool {
        held.saturating_add(self.tail) < self.budget
    }

    /// Learns what a transaction's end took: the estimate follows a longer one at once and
    /// a shorter one slowly.
    fn took_tail(&mut self, tail: std::time::Duration) {
        self.tail = tail.max(self.tail * 7 / 8);
    }
}

/// The account's comparison key (R-REG-2): the one key function, `domain::email`'s.
fn email_key(input: &str) -> Option<String> {
    crate::domain::email::key_of_input(input)
}

impl Run<'_> {
    /// Shared, not copied: nearly every line asks, and the row holds a dozen strings.
    fn account(&mut self, conn: &Connection, key: Option<&str>) -> Result<Option<Rc<AccountRow>>> {
        let Some(key) = key else {
            return Ok(None);
        };
        if let Some(a) = self.accounts.get(key) {
            return Ok(a.clone());
        }
        let a = storage::accounts::live_by_email_key(conn, key)?.map(Rc::new);
        self.accounts.insert(key.to_string(), a.clone());
        Ok(a)
    }

    fn forget(&mut self, key: Option<&str>) {
        if let Some(key) = key {
            self.accounts.remove(key);
        }
    }

    /// Forgets everything cached (a line rolled back; another session wrote).
    fn clear(&mut self) {
        self.accounts.clear();
        self.links.clear();
        self.histories.clear();
    }

    /// At the start of a batch's transaction: keeps the caches when no other connection has
    /// committed since they were filled, forgets them otherwise. Returns the `data_version`
    /// to set in [`Run::valid_for`] once the batch commits (until then it stays `None`, so
    /// that a batch rolled back leaves nothing it cached behind).
    fn revalidate(&mut self, conn: &Connection) -> Result<i64> {
        let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if self.valid_for.take() != Some(version) || self.cached() > CACHED_MAX {
            self.clear();
        }
        Ok(version)
    }

    /// Entries in the caches: they grow with the accounts and establishments the input names.
    fn cached(&self) -> usize {
        self.accounts.len() + self.links.len() + self.histories.len()
    }
}

/// What a committed batch did.
#[derive(Default)]
struct BatchDone {
    applied: u64,
    duplicate: u64,
    rejected: u64,
    rejects: Vec<RejectLine>,
    calendar_warnings: u64,
    /// How long the transaction held the write lock, from its BEGIN to its COMMIT.
    held: std::time::Duration,
    /// The lines of the last chunk left unwritten when the time budget ran out inside it:
    /// the next transaction starts with them.
    rest: Option<Chunk>,
}

/// How a batch's transaction ended.
enum Written {
    Committed(BatchDone),
    /// A constraint refused a line half-way: rolled back, to be written again with care.
    Refused,
}
