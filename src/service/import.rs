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

use crate::domain::email::Email;
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

/// How long one transaction of the import may hold the write lock before it commits (issue
/// 16 item 2): a clerk's action waits at most about this long behind it. The writer commits
/// when the budget is spent, and also whenever the next chunk is not parsed yet: it never
/// holds the lock while waiting for the reader.
pub const TX_BUDGET: std::time::Duration = std::time::Duration::from_millis(40);
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

/// Reads one line of at most `max` bytes into `buf` (the rest of a longer line is skipped).
/// Returns `None` at the end of input, else (complete, oversize, bytes consumed).
fn read_bounded(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<(bool, bool, u64)>> {
    buf.clear();
    let mut consumed = 0u64;
    let mut oversize = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((consumed > 0).then_some((false, oversize, consumed)));
        }
        let (chunk, done) = match avail.iter().position(|b| *b == b'\n') {
            Some(i) => (&avail[..i], Some(i + 1)),
            None => (avail, None),
        };
        let room = max.saturating_sub(buf.len());
        if chunk.len() > room {
            oversize = true;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = done.unwrap_or(avail.len());
        r.consume(used);
        consumed += used as u64;
        if done.is_some() {
            return Ok(Some((true, oversize, consumed)));
        }
    }
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
struct Line {
    file: usize,
    line: u64,
    /// The line as read, for the reject's `raw` column.
    bytes: Vec<u8>,
    ready: std::result::Result<Ready, ParseError>,
}

fn checked<T: serde::Serialize>(value: T, findings: &[Finding]) -> Result<Validated<T>> {
    if validate::has_errors(findings) {
        return Ok(Err(errors_detail(findings)));
    }
    let json = serde_json::to_string(&value).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let payload =
        storage::payload::encode(&json).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(Ok(Box::new(Checked {
        value,
        payload,
        findings: findings_json(findings),
        has_warnings: !findings.is_empty(),
    })))
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

fn ready_event(ev: Event, chk: Checking<'_>) -> Result<Ready> {
    let email_key = email_key(ev.body.email());
    let body = match ev.body {
        EventBody::AccountSelfRegistered { email } => Body::SelfRegistered {
            email: Email::parse(&email).map_err(|e| e.code()),
            key: new_key(chk.secret, chk.now),
        },
        EventBody::PasswordRequested { birth_date, .. } => Body::PasswordRequested {
            birth_date,
            key: new_key(chk.secret, chk.now),
        },
        EventBody::AccountActivated { auth_key, .. } => Body::Activated {
            typed_key: authkey::normalize_input(&auth_key),
        },
        EventBody::AccountWithdrawn { .. } => Body::Withdrawn,
        EventBody::EstablishmentSubmitted {
            submission_id,
            establishment,
            ..
        } => {
            let (n, findings) = validate::check_establishment(&establishment);
            Body::Establishment {
                submission_id,
                data: checked(n, &findings)?,
            }
        }
        EventBody::JobSubmitted {
            submission_id, job, ..
        } => {
            let (n, findings) = validate::check_job(&job, &chk.on(ev.occurred_at));
            Body::Job {
                submission_id,
                resubmit: false,
                data: checked(n, &findings)?,
            }
        }
        EventBody::JobResubmitted {
            submission_id, job, ..
        } => {
            let (n, findings) = validate::check_job(&job, &chk.on(ev.occurred_at));
            Body::Job {
                submission_id,
                resubmit: true,
                data: checked(n, &findings)?,
            }
        }
    };
    Ok(Ready {
        event_id: ev.event_id,
        occurred_at: ev.occurred_at,
        email_key,
        body,
    })
}

fn prepare(raw: RawLine, chk: Checking<'_>) -> Result<Line> {
    let parsed = if raw.oversize {
        Err(ParseError {
            code: reasons::TOO_LONG,
            detail: format!("longer than {MAX_LINE_BYTES} bytes"),
            event_id: None,
        })
    } else {
        interchange::parse_line(&raw.bytes).map_err(|mut e| {
            if !raw.complete {
                e.detail = format!("last line cut off: {}", e.detail);
                e.code = reasons::TRUNCATED;
            }
            e
        })
    };
    let ready = match parsed {
        Ok(ev) => Ok(ready_event(ev, chk)?),
        Err(e) => Err(e),
    };
    Ok(Line {
        file: raw.file,
        line: raw.line,
        bytes: raw.bytes,
        ready,
    })
}

/// Prepares a batch in input order, split over `workers` threads.
fn prepare_batch(raw: Vec<RawLine>, workers: usize, chk: Checking<'_>) -> Result<Vec<Line>> {
    if workers < 2 || raw.len() < 2 * workers {
        return raw.into_iter().map(|r| prepare(r, chk)).collect();
    }
    let size = raw.len().div_ceil(workers);
    let mut chunks: Vec<Vec<RawLine>> = Vec::with_capacity(workers);
    let mut rest = raw.into_iter();
    loop {
        let c: Vec<RawLine> = rest.by_ref().take(size).collect();
        if c.is_empty() {
            break;
        }
        chunks.push(c);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| {
                s.spawn(move || {
                    yield_to_the_writer();
                    c.into_iter()
                        .map(|r| prepare(r, chk))
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(size * workers);
        for h in handles {
            let part = h
                .join()
                .map_err(|_| ServiceError::Internal("import worker panicked".into()))??;
            out.extend(part);
        }
        Ok(out)
    })
}

/// Nice value of the parsing threads: the writer is the slowest stage, so when it and the
/// parsers want the same core the scheduler gives it the writer (a parser at nice 10 gets
/// about a tenth), while a core the writer leaves idle goes to the parsers in full.
const PARSER_NICE: i32 = 10;

/// Lowers the calling thread's priority: on Linux a nice value is per thread (elsewhere it
/// would be the whole process's, so nothing is done there). Raising it back would need
/// privileges, so only threads that end with their batch call this.
fn yield_to_the_writer() {
    // Not lowered: the batch is parsed all the same, only with the writer's priority.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(None, PARSER_NICE);
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
    links: HashMap<(i64, String), i64>,
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
        }
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

/// Least time between two checkpoints of the import's checkpointer thread.
const CHECKPOINT_SPACING: std::time::Duration = std::time::Duration::from_millis(250);

/// Entries the writer's caches hold at most before they are forgotten (at the start of a
/// transaction), so that the import's memory stays bounded whatever the input's size (issue 16
/// item 8): about 20 MB; the next lines look their rows up again.
const CACHED_MAX: usize = 50_000;

/// WAL size above which the import's writer truncates the WAL between batches (issue 16
/// item 3): its own checkpointer copies pages while the writer goes on, so the WAL is never
/// fully copied when the next batch starts and would otherwise grow by every batch (153 MiB
/// for 100,000 events with 8 readers). Below [`crate::storage::JOURNAL_SIZE_LIMIT`] so that
/// with one more batch the file stays under it.
pub const WAL_CUT_BYTES: u64 = 24 * 1024 * 1024;

/// Between batches: a WAL above [`WAL_CUT_BYTES`] is checkpointed and truncated. It gives up
/// at once when a reader of an older snapshot is in the way (a replicator's read is never
/// waited for: `storage::outbox::checkpoint_truncate`); the next batch tries again.
fn cut_wal(store: &Store) -> Result<()> {
    let Some(path) = store.path() else {
        return Ok(());
    };
    let wal = storage::maintenance::side_files(path)[0].clone();
    if std::fs::metadata(&wal).map_or(0, |m| m.len()) > WAL_CUT_BYTES {
        storage::outbox::checkpoint_truncate(store.conn())?;
    }
    Ok(())
}

/// Imports every input in order. `ctx` is the acting staff member (needs the activation
/// permission), or `None` for the system (a scheduled import); `now` is the import time.
///
/// The calling thread reads the inputs and prepares each batch (parsing and validation,
/// spread over the cores); a second thread writes the batches to the database in order,
/// one transaction each, while the next batch is prepared.
///
/// # Errors
/// Only when the database fails or an input cannot be read; every bad line is a reject.
pub fn import_events(
    store: &mut Store,
    cfg: &Config,
    ctx: Option<&Ctx>,
    now: DateTime<Utc>,
    inputs: &mut [Input<'_>],
    mut progress: impl FnMut(&Progress),
) -> Result<ImportSummary> {
    storage::imports::tune_for_bulk(store.conn())?;
    let cal = super::calendar::effective(store.conn())?;
    // SPEC §5 minimum wage: the table read at start, the office's prefecture for offers whose
    // work location has none.
    let secret = store.secret().clone();
    let chk = Checking {
        minimum_wage: cfg.minimum_wage(),
        office_prefecture: prefecture_of_office_code(&super::office(store.conn(), cfg).0),
        now,
        secret: &secret,
    };
    if chk.minimum_wage.is_past_newest_year(jst_date(now)) {
        tracing::warn!(
            newest_fiscal_year = chk.minimum_wage.newest_fiscal_year(),
            "minimum wage table is out of date: add the new fiscal year (data.minimum_wage_file)"
        );
    }
    if chk.office_prefecture.is_none() {
        tracing::warn!(
            "no office code: offers without a work location's prefecture are not checked against the minimum wage"
        );
    }
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let total_bytes = inputs
        .iter()
        .map(|i| i.size)
        .try_fold(0u64, |acc, s| s.map(|s| acc + s));
    let mut prog = Progress {
        lines: 0,
        bytes: 0,
        total_bytes,
    };
    // Batches are parsed on every core, by threads that give way to the writer (see
    // `PARSER_NICE`): the parsers use what the writer leaves.
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    // Up to a batch of chunks waits while one batch is written: the reader stays at most
    // about two batches ahead of the database.
    let (to_writer, from_reader) = std::sync::mpsc::sync_channel::<Chunk>(CHUNKS_AHEAD);
    // The reader's own connection, for the key checks that it does while the writer
    // writes; an in-memory database has no second connection, and its writer does them.
    let lookout = store.path().map(Store::open_existing).transpose()?;
    // Written batches are freed on a thread of their own: some 100 allocations per line
    // (the parsed offer, its strings and JSON) are not the writer's work.
    let (to_free, written_batches) = std::sync::mpsc::channel::<Vec<Chunk>>();
    // The import's pages are copied to the database file by a connection of its own after
    // each commit, while the writer goes on with the next batch: the writer's closing
    // checkpoint is then left with about one batch (in memory, there is nothing to copy).
    let checkpointer = store.path().map(Store::open_existing).transpose()?;
    let (to_checkpoint, commits) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        let names = &names;
        let cal = &cal;
        s.spawn(move || written_batches.into_iter().for_each(drop));
        let checkpoints = s.spawn(move || -> Result<()> {
            let Some(c) = checkpointer else {
                return Ok(());
            };
            while commits.recv().is_ok() {
                // Commits that came meanwhile are covered by this one checkpoint.
                while commits.try_recv().is_ok() {}
                storage::imports::checkpoint(c.conn())?;
                // At most a few a second: with a commit every 40 ms, copying the hot index
                // pages after each one tripled the import's system time.
                std::thread::sleep(CHECKPOINT_SPACING);
            }
            Ok(())
        });
        let writer = s.spawn(move || -> Result<ImportSummary> {
            let mut run = Run::new(now, cal, cfg);
            let mut summary = ImportSummary::default();
            let settings = storage::imports::bulk_begin(store.conn())?;
            let mut written: Result<()> = Ok(());
            // Lines of a chunk that the previous transaction left when its time ran out.
            let mut carry: Option<Chunk> = None;
            while let Some(first) = carry.take().or_else(|| from_reader.recv().ok()) {
                let mut batch = vec![first];
                written = run_batch(
                    store,
                    ctx,
                    &mut run,
                    names,
                    &mut batch,
                    &from_reader,
                    &mut summary,
                )
                .map(|rest| carry = rest);
                if written.is_err() {
                    break;
                }
                // Closed channels (not expected) only mean that the batch is freed here, and
                // that the closing checkpoint copies more.
                let _ = to_checkpoint.send(());
                let _ = to_free.send(batch);
                // Clerks waiting for the write lock get it before the next batch.
                storage::give_way();
                // Not fatal: the closing checkpoint copies what is left.
                if let Err(e) = cut_wal(store) {
                    tracing::warn!("import: WAL checkpoint between batches: {e}");
                }
            }
            drop(to_checkpoint);
            let checkpointed = checkpoints
                .join()
                .map_err(|_| ServiceError::Internal("import checkpointer panicked".into()));
            // Always: the connection gets its own settings back.
            let ended = storage::imports::bulk_end(store.conn(), settings);
            written?;
            checkpointed??;
            ended?;
            Ok(summary)
        });
        let read = (|| -> Result<()> {
            let mut chunk: Vec<RawLine> = Vec::with_capacity(CHUNK_LINES);
            let mut buf = Vec::new();
            for (fi, input) in inputs.iter_mut().enumerate() {
                let mut line_no = 0u64;
                while let Some((complete, oversize, n)) =
                    read_bounded(input.reader.as_mut(), &mut buf, MAX_LINE_BYTES).map_err(|e| {
                        ServiceError::Internal(format!("{}: {e}", sanitize(&input.name, false)))
                    })?
                {
                    line_no += 1;
                    prog.bytes += n;
                    prog.lines += 1;
                    if !oversize && buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    chunk.push(RawLine {
                        file: fi,
                        line: line_no,
                        bytes: std::mem::take(&mut buf),
                        complete,
                        oversize,
                    });
                    if chunk.len() >= CHUNK_LINES {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_LINES));
                        let ready =
                            Chunk::new(prepare_batch(full, workers, chk)?, lookout.as_ref())?;
                        if to_writer.send(ready).is_err() {
                            // The writer stopped on an error; it is reported below.
                            return Ok(());
                        }
                        progress(&prog);
                    }
                }
            }
            if !chunk.is_empty() {
                // A send error means the writer failed: reported below.
                let ready = Chunk::new(prepare_batch(chunk, workers, chk)?, lookout.as_ref())?;
                let _ = to_writer.send(ready);
            }
            Ok(())
        })();
        drop(to_writer);
        let written = writer
            .join()
            .map_err(|_| ServiceError::Internal("import writer panicked".into()))?;
        // The writer's error first: it is why the reader may have stopped.
        let summary = written?;
        read?;
        progress(&prog);
        Ok(summary)
    })
}

/// (line index, typed key, (key id, stored hash) of the newest keys).
type KeyWork = (usize, String, Vec<(i64, String)>);

/// Keys checked outside the write lock: for each activation line, the id of the key it matches.
/// The writer re-reads the keys in its transaction and judges them as they are then, so a
/// match found on an older snapshot (a key re-issued meanwhile) is only a hint.
fn preverify(
    conn: &Connection,
    secret: &InstallSecret,
    lines: &[Line],
) -> Result<HashMap<usize, i64>> {
    let mut work: Vec<KeyWork> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Ok(Ready {
            body: Body::Activated { typed_key },
            email_key: Some(key),
            ..
        }) = &l.ready
            && let Some(acc) = storage::accounts::live_by_email_key(conn, key)?
        {
            let keys = storage::keys::for_account(conn, acc.id, KeyPurpose::Registration)?;
            let hashes = keys
                .into_iter()
                .take(KEYS_COMPARED)
                .map(|k| (k.id, k.key_hash))
                .collect();
            work.push((i, typed_key.clone(), hashes));
        }
    }
    let check = |w: &[KeyWork]| -> Vec<(usize, i64)> {
        w.iter()
            .filter_map(|(i, typed, hashes)| {
                hashes
                    .iter()
                    .find(|(_, h)| secret.verify_key(typed, h))
                    .map(|(id, _)| (*i, *id))
            })
            .collect()
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if work.len() < 2 || threads < 2 {
        return Ok(check(&work).into_iter().collect());
    }
    let chunk = work.len().div_ceil(threads);
    let found = std::thread::scope(|s| {
        let handles: Vec<_> = work.chunks(chunk).map(|c| s.spawn(|| check(c))).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect::<Vec<_>>()
    });
    Ok(found.into_iter().collect())
}

/// What a committed batch did.
#[derive(Default)]
struct BatchDone {
    applied: u64,
    duplicate: u64,
    rejected: u64,
    rejects: Vec<RejectLine>,
    calendar_warnings: u64,
    /// The lines of the last chunk left unwritten when the time budget ran out inside it:
    /// the next transaction starts with them.
    rest: Option<Chunk>,
}

fn is_constraint(e: &ServiceError) -> bool {
    matches!(e, ServiceError::Storage(StorageError::Sqlite(rusqlite::Error::SqliteFailure(f, _)))
        if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

/// How a batch's transaction ended.
enum Written {
    Committed(BatchDone),
    /// A constraint refused a line half-way: rolled back, to be written again with care.
    Refused,
}

/// Whether the batch being written goes on with the chunk after its first `have`: one already
/// in `batch`, or one the reader has ready in `more` while the batch is within its time
/// budget. A batch never waits for the reader: it commits instead, and the next one starts
/// when the next chunk comes.
fn next_chunk(
    batch: &mut Vec<Chunk>,
    have: usize,
    more: Option<&Receiver<Chunk>>,
    within_budget: bool,
) -> bool {
    if have < batch.len() {
        return true;
    }
    if !within_budget {
        return false;
    }
    match more.map(Receiver::try_recv) {
        Some(Ok(c)) => {
            batch.push(c);
            true
        }
        _ => false,
    }
}

/// Writes the batch that starts with `batch`'s chunk, taking more chunks from `more` while
/// they are ready and the transaction is within [`TX_BUDGET`] (they end up in `batch`).
fn run_batch(
    store: &mut Store,
    ctx: Option<&Ctx>,
    run: &mut Run<'_>,
    names: &[String],
    batch: &mut Vec<Chunk>,
    more: &Receiver<Chunk>,
    summary: &mut ImportSummary,
) -> Result<Option<Chunk>> {
    let listed = REJECTS_LISTED.saturating_sub(summary.rejects.len());
    let started = std::time::Instant::now();
    let done = match write_batch(store, ctx, run, names, batch, Some(more), false, listed)? {
        Written::Committed(done) => done,
        Written::Refused => {
            // A constraint refused a line after it had written something (not expected: every
            // rule is checked before a line's first write). The batch was rolled back; write
            // the same chunks again with one savepoint per line, so that line alone is undone.
            tracing::warn!("import: a constraint refused a line; batch written line by line");
            match write_batch(store, ctx, run, names, batch, None, true, listed)? {
                Written::Committed(done) => done,
                _ => return Err(ServiceError::Internal("import batch refused twice".into())),
            }
        }
    };
    summary.applied += done.applied;
    summary.duplicate += done.duplicate;
    summary.rejected += done.rejected;
    summary.rejects.extend(done.rejects);
    summary.batches += 1;
    summary.longest_batch = summary.longest_batch.max(started.elapsed());
    run.calendar_warnings += done.calendar_warnings;
    Ok(done.rest)
}

/// One transaction for the batch: the chunks in `batch`, then those ready in `more` while the
/// transaction is within its budget (`more` is `None` when `batch` holds them all). Lines
/// are applied straight in the transaction: a line is refused before it writes anything, so
/// a refused line leaves nothing behind. Only a constraint failure half-way could leave part
/// of a line: then (`careful == false`) the whole transaction is dropped and
/// [`Written::Refused`] returned, and the caller writes the batch again with `careful`, one
/// savepoint per line.
#[allow(clippy::too_many_arguments)]
fn write_batch(
    store: &mut Store,
    ctx: Option<&Ctx>,
    run: &mut Run<'_>,
    names: &[String],
    batch: &mut Vec<Chunk>,
    more: Option<&Receiver<Chunk>>,
    careful: bool,
    listed: usize,
) -> Result<Written> {
    run.search_rows.clear();
    let warnings_before = run.calendar_warnings;
    let secret = store.secret().clone();
    let tx = store.immediate()?;
    let version = run.revalidate(&tx)?;
    let roles = match ctx {
        Some(c) => Some(require(&tx, c, Permission::ActivateAccount)?),
        None => None,
    };
    let mut done = BatchDone::default();
    let mut st = storage::imports::LineStatements::prepare(&tx)?;
    let started = std::time::Instant::now();
    let mut next = 0;
    while next_chunk(batch, next, more, started.elapsed() < run.budget) {
        let chunk = &mut batch[next];
        next += 1;
        if chunk.matched.is_none() {
            // No second connection (an in-memory database): the keys are checked here.
            chunk.matched = Some(preverify(&tx, &secret, &chunk.lines)?);
        }
        let chunk = &*chunk;
        let matched = chunk.matched.as_ref();
        // Where the time budget ran out inside this chunk (checked per line: a chunk of
        // withdrawals, each changing every pending item of an account, took 0.3 s).
        let mut cut = None;
        for (i, l) in chunk.lines.iter().enumerate() {
            let file = &names[l.file];
            let outcome = match &l.ready {
                Err(e) => Outcome::Rejected {
                    reason: e.code.to_string(),
                    detail: e.detail.clone(),
                    keep: false,
                },
                Ok(ev) if careful => {
                    // A savepoint by name: the held statements keep the transaction borrowed.
                    tx.execute_batch("SAVEPOINT import_line")?;
                    let out = match apply(
                        &tx,
                        &mut st,
                        run,
                        ev,
                        matched.and_then(|m| m.get(&i)).copied(),
                        file,
                        l.line,
                    ) {
                        Err(e) if is_constraint(&e) => reject(reasons::CONFLICT, e.to_string()),
                        other => other?,
                    };
                    if matches!(out, Outcome::Rejected { keep: false, .. }) {
                        tx.execute_batch("ROLLBACK TO import_line; RELEASE import_line")?;
                        // This line's counts only: each kept line's were written before.
                        st.forget_tally();
                        run.clear();
                        // Only this line's: the others' were written when they were kept.
                        run.search_rows.clear();
                    } else {
                        st.flush_tally()?;
                        tx.execute_batch("RELEASE import_line")?;
                        // Written at once, so that a later line's rollback cannot take them along.
                        storage::establishments::insert_search_rows(&tx, &run.search_rows)?;
                        run.search_rows.clear();
                    }
                    out
                }
                Ok(ev) => match apply(
                    &tx,
                    &mut st,
                    run,
                    ev,
                    matched.and_then(|m| m.get(&i)).copied(),
                    file,
                    l.line,
                ) {
                    Err(e) if is_constraint(&e) => {
                        run.calendar_warnings = warnings_before;
                        return Ok(Written::Refused);
                    }
                    other => other?,
                },
            };
            count(&tx, &mut done, l, file, outcome, run.now, listed)?;
            if more.is_some() && i + 1 < chunk.lines.len() && started.elapsed() >= run.budget {
                cut = Some(i + 1);
                break;
            }
        }
        if let Some(at) = cut {
            done.rest = Some(batch[next - 1].split_off(at));
            break;
        }
    }
    st.flush_tally()?;
    drop(st);
    storage::establishments::insert_search_rows(&tx, &run.search_rows)?;
    run.search_rows.clear();
    let lines = || batch.iter().flat_map(|c| &c.lines);
    let files: Vec<String> = {
        let mut f: Vec<usize> = lines().map(|l| l.file).collect();
        f.dedup();
        f.into_iter().map(|i| sanitize(&names[i], false)).collect()
    };
    let first = lines().next().map_or(0, |l| l.line);
    let last = lines().last().map_or(0, |l| l.line);
    let (applied, duplicate, rejected) = (done.applied, done.duplicate, done.rejected);
    storage::audit::append(
        &tx,
        &AuditEntry {
            at_utc: to_db(run.now),
            staff_id: ctx.map(|c| c.staff_id),
            staff_name: Some(ctx.map_or_else(|| "system".to_string(), |c| c.staff_name.clone())),
            staff_roles: roles.as_ref().map(crate::domain::staff::Roles::to_list),
            terminal: ctx.map_or_else(|| "import".to_string(), |c| c.terminal.clone()),
            action: "import.batch".into(),
            subject: Some(format!("files:{}", files.join(","))),
            purpose: None,
            outcome: if rejected == 0 { "ok" } else { "partial" }.into(),
            detail: Some(format!(
                "lines={first}-{last} applied={applied} duplicate={duplicate} rejected={rejected}"
            )),
        },
    )?;
    tx.commit()?;
    run.valid_for = Some(version);
    done.calendar_warnings = run.calendar_warnings - warnings_before;
    run.calendar_warnings = warnings_before;
    Ok(Written::Committed(done))
}

/// Counts a line's outcome in `done`; a refused line goes to `import_rejects`, and to the
/// summary's list while it has fewer than `listed`.
fn count(
    conn: &Connection,
    done: &mut BatchDone,
    l: &Line,
    file: &str,
    outcome: Outcome,
    now: DateTime<Utc>,
    listed: usize,
) -> Result<()> {
    match outcome {
        Outcome::Applied => done.applied += 1,
        Outcome::Duplicate => done.duplicate += 1,
        Outcome::Rejected { reason, detail, .. } => {
            done.rejected += 1;
            let event_id = match &l.ready {
                Ok(ev) => Some(ev.event_id.clone()),
                Err(e) => e.event_id.clone(),
            };
            let r = Reject {
                file: file.to_string(),
                line: l.line,
                event_id: event_id.clone(),
                reason,
                detail,
                raw: interchange::truncate_raw(&l.bytes, RAW_MAX),
            };
            storage::imports::insert_reject(conn, &r, now)?;
            if done.rejects.len() < listed {
                done.rejects.push(RejectLine {
                    file: r.file,
                    line: r.line,
                    event_id,
                    reason: r.reason,
                    detail: r.detail,
                });
            }
        }
    }
    Ok(())
}

/// Applies one event: its id is recorded first (an id already there is a duplicate) and
/// forgotten again when the line is refused without effects.
fn apply(
    conn: &Connection,
    st: &mut LineStatements<'_>,
    run: &mut Run<'_>,
    ev: &Ready,
    matched_key: Option<i64>,
    file: &str,
    line: u64,
) -> Result<Outcome> {
    if !st.claim(&ev.event_id, &run.now_db, file, line)? {
        return Ok(Outcome::Duplicate);
    }
    let out = judge_and_write(conn, st, run, ev, matched_key)?;
    if matches!(out, Outcome::Rejected { keep: false, .. }) {
        storage::imports::unclaim(conn, &ev.event_id)?;
    }
    Ok(out)
}

/// What an event does, every rule checked before its first write.
fn judge_and_write(
    conn: &Connection,
    st: &mut LineStatements<'_>,
    run: &mut Run<'_>,
    ev: &Ready,
    matched_key: Option<i64>,
) -> Result<Outcome> {
    if ev.occurred_at > run.now + Duration::minutes(FUTURE_SLACK_MINUTES) {
        return Ok(reject(
            reasons::FUTURE_TIME,
            format!(
                "occurred_at {} is after {}",
                to_db(ev.occurred_at),
                to_db(run.now)
            ),
        ));
    }
    let key = ev.email_key.as_deref();
    if let Body::SelfRegistered { email, key: new } = &ev.body {
        let out = self_register(conn, run, key, email, new)?;
        run.forget(key);
        return Ok(out);
    }
    let Some(acc) = run.account(conn, key)? else {
        return Ok(reject(
            reasons::UNKNOWN_ACCOUNT,
            "no live account with this email",
        ));
    };
    match &ev.body {
        Body::SelfRegistered { .. } => Ok(reject(reasons::CONFLICT, "handled above")),
        Body::PasswordRequested {
            birth_date,
            key: new,
        } => password_requested(conn, run, &acc, *birth_date, new),
        Body::Activated { .. } => {
            let out = activate(conn, run, &acc, ev.occurred_at, matched_key)?;
            run.forget(key);
            Ok(out)
        }
        Body::Withdrawn => {
            // The count triggers take the withdrawn items from counts the batch may hold.
            st.flush_tally()?;
            storage::imports::withdraw_account(conn, acc.id, ev.occurred_at)?;
            storage::submissions::withdraw_pending(conn, acc.id, ev.occurred_at)?;
            run.forget(key);
            Ok(Outcome::Applied)
        }
        Body::Establishment {
            submission_id,
            data,
        } => {
            if let Some(o) = may_submit(&acc) {
                return Ok(o);
            }
            match data {
                Ok(c) => submit_establishment(conn, st, run, &acc, ev, submission_id, c),
                Err(detail) => Ok(reject(reasons::VALIDATION, detail.clone())),
            }
        }
        Body::Job {
            submission_id,
            resubmit,
            data,
        } => {
            if let Some(o) = may_submit(&acc) {
                return Ok(o);
            }
            match data {
                Ok(c) => submit_job(conn, st, run, &acc, ev, submission_id, c, *resubmit),
                Err(detail) => Ok(reject(reasons::VALIDATION, detail.clone())),
            }
        }
    }
}

/// The import's own context for the mails it queues: the system, at the import's time (a key
/// the customer asked for is issued by nobody at the office).
fn system_ctx(run: &Run<'_>) -> Ctx {
    Ctx {
        staff_id: 0,
        staff_name: "import".into(),
        terminal: "import".into(),
        now: run.now,
    }
}

/// R-REG-4, R-KEY-0 (seed 000): an employer registered online. A new self-registered account
/// and its key; the same address registering again before its key was used starts over with
/// a new key (seed 004 「はじめからやり直してください」). Any other live account refuses it.
fn self_register(
    conn: &Connection,
    run: &mut Run<'_>,
    key: Option<&str>,
    email: &std::result::Result<Email, &'static str>,
    new: &NewKey,
) -> Result<Outcome> {
    let email = match email {
        Ok(e) => e,
        Err(code) => return Ok(reject(reasons::VALIDATION, format!("email:{code}"))),
    };
    let ctx = system_ctx(run);
    let account_id = match run.account(conn, key)? {
        Some(acc)
            if acc.origin == AccountOrigin::SelfRegistered
                && acc.state == AccountState::KeyPending =>
        {
            acc.id
        }
        Some(_) => {
            return Ok(reject(
                reasons::EMAIL_IN_USE,
                "a live account holds this address",
            ));
        }
        None => accounts::insert_account(
            conn,
            &NewAccount {
                kind: AccountKind::Employer,
                email: email.as_str(),
                email_key: &email.key(),
                establishment_number: None,
                seeker_number: None,
                name: None,
                name_kana: None,
                birth_date: None,
                registered_by: None,
                origin: AccountOrigin::SelfRegistered,
            },
            run.now,
        )?,
    };
    accounts::issue_key(
        conn,
        run.cfg,
        &ctx,
        (account_id, email.as_str()),
        Template::SelfRegistered,
        new,
    )?;
    Ok(Outcome::Applied)
}

/// R-KEY-0 (seeds 001 ②–④, 002): the customer of a counter-opened account asked for パスワード
/// 登録 (judged by `domain::account::judge_key_request`). The previous key dies and its unsent
/// mail is cancelled, as with a re-issue.
fn password_requested(
    conn: &Connection,
    run: &Run<'_>,
    acc: &AccountRow,
    birth_date: Option<chrono::NaiveDate>,
    new: &NewKey,
) -> Result<Outcome> {
    if let Err(refusal) = account::judge_key_request(accounts::key_request_subject(acc), birth_date)
    {
        return Ok(reject(refusal.code(), format!("{refusal:?}")));
    }
    accounts::issue_key(
        conn,
        run.cfg,
        &system_ctx(run),
        (acc.id, &acc.email),
        Template::PasswordRequested,
        new,
    )?;
    Ok(Outcome::Applied)
}

fn may_submit(acc: &AccountRow) -> Option<Outcome> {
    if acc.kind != AccountKind::Employer {
        return Some(reject(reasons::ACCOUNT_STATE, "not an employer account"));
    }
    if !matches!(acc.state, AccountState::Activated | AccountState::Opened) {
        return Some(reject(
            reasons::ACCOUNT_STATE,
            format!("account is {}", acc.state.code()),
        ));
    }
    None
}

/// The same rule as `service::accounts::activate` (R-KEY-1, R-KEY-4, R-KEY-6), judged at the
/// time the customer entered the key.
fn activate(
    conn: &Connection,
    run: &mut Run<'_>,
    acc: &AccountRow,
    at: DateTime<Utc>,
    matched: Option<i64>,
) -> Result<Outcome> {
    let keys = storage::keys::for_account(conn, acc.id, KeyPurpose::Registration)?;
    let matched_key = matched.and_then(|id| keys.iter().find(|k| k.id == id));
    let live = keys.iter().find(|k| k.state == KeyState::Live);
    let outcome = match (matched_key, live) {
        (Some(k), _) => authkey::judge(k.state, k.expires_at, k.wrong_tries, true, at),
        (None, Some(k)) => authkey::judge(k.state, k.expires_at, k.wrong_tries, false, at),
        (None, None) => keys
            .first()
            .map_or(ActivationOutcome::NoKey, |k| match k.state {
                KeyState::Used => ActivationOutcome::Used,
                KeyState::Locked => ActivationOutcome::Locked,
                KeyState::Replaced | KeyState::Live => ActivationOutcome::NoKey,
            }),
    };
    let refused = |detail: String| Outcome::Rejected {
        reason: format!("{}{}", reasons::KEY_PREFIX, outcome.code()),
        detail,
        keep: true,
    };
    match outcome {
        ActivationOutcome::Activated => {
            let Some(k) = matched_key else {
                return Ok(reject(reasons::CONFLICT, "matched key vanished"));
            };
            if acc.state != AccountState::KeyPending {
                return Ok(refused(format!("account is {}", acc.state.code())));
            }
            storage::keys::set_state(conn, k.id, KeyState::Used, k.wrong_tries, at)?;
            let dl = acc
                .origin
                .has_provisional_period()
                .then(|| deadline::deadline(jst_date(at), run.cal));
            if dl.is_some_and(|d| d.calendar_warning) {
                run.calendar_warnings += 1;
            }
            let dl = dl.map(|d| d.date.format("%Y-%m-%d").to_string());
            let state = acc.origin.state_on_activation();
            storage::accounts::mark_activated(conn, acc.id, at, state, dl.as_deref())?;
            Ok(Outcome::Applied)
        }
        ActivationOutcome::Wrong { tries_left } => {
            if let Some(k) = live {
                storage::keys::set_state(conn, k.id, KeyState::Live, k.wrong_tries + 1, at)?;
            }
            Ok(refused(format!("tries_left={tries_left}")))
        }
        ActivationOutcome::Locked => {
            if let Some(k) = live {
                storage::keys::set_state(conn, k.id, KeyState::Locked, k.wrong_tries + 1, at)?;
            }
            Ok(refused("key locked".into()))
        }
        other => Ok(refused(other.code().to_string())),
    }
}

#[derive(serde::Serialize)]
struct FindingJson<'a> {
    field: &'a str,
    severity: &'a str,
    rule: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    param: Option<&'a str>,
}

/// The findings as stored in `submission_versions.findings`.
#[must_use]
pub fn findings_json(findings: &[Finding]) -> String {
    let v: Vec<FindingJson<'_>> = findings
        .iter()
        .map(|f| FindingJson {
            field: f.field,
            severity: f.severity.code(),
            rule: f.rule,
            param: f.param.as_deref(),
        })
        .collect();
    serde_json::to_string(&v).unwrap_or_else(|_| "[]".into())
}

fn errors_detail(findings: &[Finding]) -> String {
    findings
        .iter()
        .filter(|f| f.severity == validate::Severity::Error)
        .map(|f| match &f.param {
            Some(p) => format!("{}:{}={p}", f.field, f.rule),
            None => format!("{}:{}", f.field, f.rule),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Which state a new version leaves the submission in: received stays received (the employer
/// corrected it before review), returned goes back to received (resubmit); others refuse.
/// What a resubmission stores as its new version.
struct NewVersion<'a> {
    payload: &'a [u8],
    findings: &'a str,
    at: DateTime<Utc>,
    event_id: &'a str,
    /// The version's name for the queues (establishment name or job title).
    display_name: &'a str,
    has_warnings: bool,
    flags: JobFlags,
}

impl<'a> NewVersion<'a> {
    /// The version an event brings: its checked payload, named `display_name` in the queues.
    fn of<T>(c: &'a Checked<T>, ev: &'a Ready, display_name: &'a str, flags: JobFlags) -> Self {
        NewVersion {
            payload: &c.payload,
            findings: &c.findings,
            at: ev.occurred_at,
            event_id: &ev.event_id,
            display_name,
            has_warnings: c.has_warnings,
            flags,
        }
    }

    /// Its row as version `version` of submission `submission_id`.
    fn row(&self, submission_id: i64, version: i64) -> storage::submissions::NewVersion<'a> {
        storage::submissions::NewVersion {
            submission_id,
            version,
            payload: self.payload,
            findings: self.findings,
            received_at: self.at,
            event_id: self.event_id,
        }
    }
}

/// A resubmission of an establishment or a job (every version is kept): the next version, if
/// the submission's state takes one. Returns the refusal otherwise.
fn add_version(
    conn: &Connection,
    st: &mut LineStatements<'_>,
    head: &SubmissionHead,
    v: &NewVersion<'_>,
    visit_reasons: Option<&[(&str, String)]>,
) -> Result<Option<Outcome>> {
    let (display_name, flags) = (v.display_name, v.flags);
    let Some(state) = next_state_for_new_version(head) else {
        return Ok(Some(reject(
            reasons::SUBMISSION_STATE,
            format!("submission is {}", head.state.code()),
        )));
    };
    let version = head.current_version + 1;
    st.insert_version(&v.row(head.id, version))?;
    // The row update below may change what the item counts towards (its triggers take one
    // from the counts the batch's inserts hold).
    st.flush_tally()?;
    storage::submissions::set_new_version(
        conn,
        head.id,
        &NewVersionRow {
            version,
            state: (state != head.state).then_some(state),
            display_name: (display_name != head.display_name).then_some(display_name),
            has_warnings: v.has_warnings,
            flags,
            category_changed: flags.category != head.job_category.as_deref(),
            visit_reasons,
        },
        v.at,
    )?;
    Ok(None)
}

fn next_state_for_new_version(head: &SubmissionHead) -> Option<SubmissionState> {
    match head.state {
        SubmissionState::Received => Some(SubmissionState::Received),
        s => submission::transition(s, SubmissionEvent::Resubmit).ok(),
    }
}

fn submit_establishment(
    conn: &Connection,
    st: &mut LineStatements<'_>,
    run: &mut Run<'_>,
    acc: &AccountRow,
    ev: &Ready,
    submission_id: &str,
    c: &Checked<Establishment>,
) -> Result<Outcome> {
    let (n, has_warnings) = (&c.value, c.has_warnings);
    let at = ev.occurred_at;
    match storage::submissions::by_external_id(conn, submission_id)? {
        None => {
            let est_id = match n
                .establishment_number
                .as_deref()
                .map(|num| storage::establishments::id_by_number(conn, num))
                .transpose()?
                .flatten()
            {
                Some(id) => id,
                None => {
                    let (id, search) =
                        storage::establishments::insert_without_search(conn, n, acc.id, at)?;
                    run.search_rows.push(search);
                    id
                }
            };
            // What `resolve_establishment` would find for this account's offers that name it.
            run.links
                .insert((acc.id, submission_id.to_string()), est_id);
            // R-VISIT-1: a self-registered account's provisional establishment is registered
            // at the office, within the account's deadline (R-DL-1 (a)).
            let reasons: Vec<(&str, String)> =
                visit::establishment_visit_reasons(in_provisional_period(acc))
                    .iter()
                    .map(|r| (r.code(), r.label_ja()))
                    .collect();
            let deadline = submission_deadline(run, acc, !reasons.is_empty(), at);
            // Looked up just above in this transaction: the id is free.
            let id = st
                .insert_submission(
                    &NewSubmission {
                        external_id: submission_id,
                        kind: SubmissionKind::Establishment,
                        account_id: acc.id,
                        establishment_id: Some(est_id),
                        display_name: &n.name,
                        deadline: deadline.as_deref(),
                        has_warnings,
                        flags: JobFlags::default(),
                        visit_reasons: &reasons,
                    },
                    at,
                )?
                .ok_or_else(|| ServiceError::Internal("submission id taken".into()))?;
            st.insert_version(&NewVersion::of(c, ev, &n.name, JobFlags::default()).row(id, 1))?;
        }
        Some(head) => {
            if head.kind != SubmissionKind::Establishment || head.account_id != acc.id {
                return Ok(reject(
                    reasons::DUPLICATE_SUBMISSION,
                    "submission id in use by another submission",
                ));
            }
            let version = NewVersion::of(c, ev, &n.name, JobFlags::default());
            if let Some(refused) = add_version(conn, st, &head, &version, None)? {
                return Ok(refused);
            }
            if let Some(est) = head.establishment_id {
                // The update trigger replaces the search row: the pending ones first.
                storage::establishments::insert_search_rows(conn, &run.search_rows)?;
                run.search_rows.clear();
                storage::establishments::update_provisional(conn, est, n, at)?;
            }
        }
    }
    Ok(Outcome::Applied)
}

/// A self-registered account whose establishment is not registered yet (R-DL-1 (a)).
fn in_provisional_period(acc: &AccountRow) -> bool {
    acc.state == AccountState::Activated
}

/// R-DL-1: the deadline a new submission of `acc` gets (see `deadline::for_submission`).
fn submission_deadline(
    run: &mut Run<'_>,
    acc: &AccountRow,
    needs_visit: bool,
    at: DateTime<Utc>,
) -> Option<String> {
    let provisional = in_provisional_period(acc)
        .then(|| {
            acc.provisional_deadline
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        })
        .flatten();
    let d = deadline::for_submission(provisional, needs_visit, jst_date(at), run.cal)?;
    if d.calendar_warning {
        run.calendar_warnings += 1;
    }
    Some(d.date.format("%Y-%m-%d").to_string())
}

fn job_flags(j: &JobOffer) -> JobFlags {
    JobFlags {
        disabled_only: j.category.kind == Some(JobCategoryKind::Disabled),
        trial: j.category.trial_employment,
        disability_short_trial: j.category.disability_short_time_trial,
        category: Some(j.category.kind.map_or("", JobCategoryKind::code)),
    }
}

fn resolve_establishment(
    conn: &Connection,
    run: &mut Run<'_>,
    acc: &AccountRow,
    link: Option<&EstablishmentLink>,
) -> Result<Option<i64>> {
    Ok(match link {
        Some(EstablishmentLink::EstablishmentNumber(num)) => {
            storage::establishments::id_by_number(conn, num)?
        }
        Some(EstablishmentLink::SubmissionId(sid)) => {
            let key = (acc.id, sid.clone());
            if let Some(id) = run.links.get(&key) {
                return Ok(Some(*id));
            }
            let found = storage::submissions::by_external_id(conn, sid)?
                .filter(|h| h.kind == SubmissionKind::Establishment && h.account_id == acc.id)
                .and_then(|h| h.establishment_id);
            // Only what was found: an establishment submitted later in the batch must be seen.
            if let Some(id) = found {
                run.links.insert(key, id);
            }
            found
        }
        None => None,
    })
}

/// R-VISIT-1 reasons for a job offer, from the establishment's registered offers other than
/// `exclude` (the offer itself when it is registered; `None` otherwise: an offer that is not
/// registered is not counted anyway, and its establishment's history is cached).
#[allow(clippy::too_many_arguments)]
fn visit_reasons_for(
    conn: &Connection,
    run: &mut Run<'_>,
    acc: &AccountRow,
    establishment_id: i64,
    exclude: Option<i64>,
    job: &JobOffer,
    at: DateTime<Utc>,
) -> Result<Vec<(&'static str, String)>> {
    let h = match exclude {
        Some(id) => storage::submissions::history(conn, establishment_id, id, VISIT_SINCE)?,
        None => match run.histories.get(&establishment_id) {
            Some(h) => h.clone(),
            None => {
                let h = storage::submissions::history(conn, establishment_id, 0, VISIT_SINCE)?;
                run.histories.insert(establishment_id, h.clone());
                h
            }
        },
    };
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    let history = visit::EstablishmentHistory {
        prior_mypage_offers: count(h.registered_jobs),
        // 「窓口でマイページ開設手続きを行った場合を除く」: the account submitting the offer.
        mypage_opened_at_counter: h.opened_at_counter || acc.origin == AccountOrigin::Counter,
        prior_disability_only_since_2020: count(h.disabled_only_since),
        prior_trial_since_2020: count(h.trial_since),
        prior_disability_short_trial_since_2020: count(h.disability_short_trial_since),
        last_offer_date: h
            .last_received_at
            .as_deref()
            .and_then(from_db)
            .map(jst_date),
        staff_flagged: None,
    };
    Ok(visit::visit_reasons(job, &history, jst_date(at))
        .iter()
        .map(|r| (r.code(), r.label_ja()))
        .collect())
}

#[allow(clippy::too_many_arguments)]
fn submit_job(
    conn: &Connection,
    st: &mut LineStatements<'_>,
    run: &mut Run<'_>,
    acc: &AccountRow,
    ev: &Ready,
    submission_id: &str,
    c: &Checked<JobOffer>,
    resubmit: bool,
) -> Result<Outcome> {
    let (n, has_warnings) = (&c.value, c.has_warnings);
    let at = ev.occurred_at;
    let flags = job_flags(n);
    if resubmit {
        let head = storage::submissions::by_external_id(conn, submission_id)?;
        let Some(head) = head.filter(|h| h.kind == SubmissionKind::Job && h.account_id == acc.id)
        else {
            return Ok(reject(
                reasons::UNKNOWN_SUBMISSION,
                submission_id.to_string(),
            ));
        };
        let version = NewVersion::of(c, ev, &n.title, flags);
        // Judged before the version is written (they do not depend on it), so that they are
        // stored by the same row update.
        let reasons = match head.establishment_id {
            Some(est) => {
                let exclude = (head.state == SubmissionState::Registered).then_some(head.id);
                Some(visit_reasons_for(conn, run, acc, est, exclude, n, at)?)
            }
            None => None,
        };
        let refused = add_version(conn, st, &head, &version, reasons.as_deref())?;
        return Ok(refused.unwrap_or(Outcome::Applied));
    }
    let Some(est) = resolve_establishment(conn, run, acc, n.establishment.as_ref())? else {
        return Ok(reject(
            reasons::UNKNOWN_ESTABLISHMENT,
            n.establishment
                .as_ref()
                .map(EstablishmentLink::display_ja)
                .unwrap_or_default(),
        ));
    };
    let reasons = visit_reasons_for(conn, run, acc, est, None, n, at)?;
    let deadline = submission_deadline(run, acc, !reasons.is_empty(), at);
    let Some(id) = st.insert_submission(
        &NewSubmission {
            external_id: submission_id,
            kind: SubmissionKind::Job,
            account_id: acc.id,
            establishment_id: Some(est),
            display_name: &n.title,
            deadline: deadline.as_deref(),
            has_warnings,
            flags,
            visit_reasons: &reasons,
        },
        at,
    )?
    else {
        // Nothing written yet: the refusal leaves the line without effects.
        return Ok(reject(
            reasons::DUPLICATE_SUBMISSION,
            submission_id.to_string(),
        ));
    };
    st.insert_version(&NewVersion::of(c, ev, &n.title, flags).row(id, 1))?;
    Ok(Outcome::Applied)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::r#gen::{GenOptions, generate, prepare_accounts};

    fn t(s: &str) -> DateTime<Utc> {
        crate::clock::parse_rfc3339(s).unwrap()
    }

    /// The lines, prepared, as one batch of one chunk (keys checked by the writer).
    fn whole_batch(raw: Vec<RawLine>) -> Vec<Chunk> {
        in_chunks(raw, usize::MAX).0
    }

    fn committed(w: Result<Written>) -> BatchDone {
        match w.unwrap() {
            Written::Committed(done) => done,
            Written::Refused => panic!("refused"),
        }
    }

    /// The office and its admin (the id).
    fn office(store: &mut Store) -> i64 {
        super::super::setup::init(
            store,
            &super::super::setup::InitInput {
                office_code: "13010",
                office_name: "飯田橋",
                admin_name: "admin",
                admin_display_name: "管理 太郎",
                admin_password: "kanri-sha-2026-pass",
                terminal: "test",
                now: t("2026-01-05T00:00:00Z"),
            },
        )
        .unwrap()
    }

    /// The office in `store` with one account, and a `gen` stream (seed 9) of its lines.
    fn office_stream(store: &mut Store, establishments: u64, jobs: u64) -> Vec<String> {
        let admin = office(store);
        let o = GenOptions {
            establishments,
            jobs,
            accounts: 1,
            seed: 9,
            start: t("2026-04-06T00:30:00Z"),
        };
        let keys = prepare_accounts(store, admin, &o).unwrap();
        let mut out = Vec::new();
        generate(&o, &keys, &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// A database with the stream's accounts, and the stream with a few bad lines in it.
    fn fixture() -> (Store, Vec<RawLine>) {
        let mut store = Store::open_in_memory().unwrap();
        let mut lines = office_stream(&mut store, 5, 30);
        lines.insert(3, "{\"event_id\": \"broken\"".into());
        // A duplicate inside the batch and a job for an unknown establishment.
        lines.insert(10, lines[8].clone());
        let job = lines
            .iter()
            .find(|l| l.contains("\"job.submitted\""))
            .unwrap()
            .replace("gen-9-", "x-gen-9-")
            .replace("job-9-", "x-job-9-")
            .replace("\"submission_id\":\"est-9-", "\"submission_id\":\"nope-");
        lines.push(job);
        let raw = lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| RawLine {
                file: 0,
                line: i as u64 + 1,
                bytes: l.into_bytes(),
                complete: true,
                oversize: false,
            })
            .collect();
        (store, raw)
    }

    fn raw_lines(lines: &[String], first_line: u64) -> Vec<RawLine> {
        lines
            .iter()
            .zip(first_line..)
            .map(|(l, n)| RawLine {
                file: 0,
                line: n,
                bytes: l.clone().into_bytes(),
                complete: true,
                oversize: false,
            })
            .collect()
    }

    /// The writer's caches outlive a batch only while no other session writes: an offer
    /// registered by a counter session between two batches counts in the next batch's
    /// R-VISIT-1 history.
    #[test]
    fn r_visit_1_history_cached_across_batches_sees_other_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let mut store = Store::open(&path).unwrap();
        let mut lines = office_stream(&mut store, 2, 6);
        lines.retain(|l| !l.contains("account.withdrawn"));
        let job = lines
            .iter()
            .find(|l| l.contains("\"job.submitted\""))
            .unwrap();
        let job_sid = serde_json::from_str::<serde_json::Value>(job).unwrap()["submission_id"]
            .as_str()
            .unwrap()
            .to_string();
        // Another offer of the same establishment, sent in a second batch.
        let again = job
            .replace("gen-9-", "y-gen-9-")
            .replace("job-9-", "y-job-9-");
        let now = t("2026-04-07T00:00:00Z");
        let cal = super::super::calendar::effective(store.conn()).unwrap();
        let cfg = crate::config::Config::default();
        let mut run = Run::new(now, &cal, &cfg);
        let names = vec!["f.jsonl".to_string()];
        let write = |store: &mut Store, run: &mut Run<'_>, raw: Vec<RawLine>| {
            let mut batch = whole_batch(raw);
            let done = committed(write_batch(
                store, None, run, &names, &mut batch, None, false, 10,
            ));
            assert_eq!(done.rejected, 0, "{:?}", done.rejects);
        };
        write(&mut store, &mut run, raw_lines(&lines, 1));
        let first = storage::submissions::by_external_id(store.conn(), &job_sid)
            .unwrap()
            .unwrap();
        let codes = |store: &Store, sid: &str| -> Vec<String> {
            let id = storage::submissions::by_external_id(store.conn(), sid)
                .unwrap()
                .unwrap()
                .id;
            storage::submissions::visit_reasons(store.conn(), id)
                .unwrap()
                .into_iter()
                .map(|(code, _)| code)
                .collect()
        };
        assert!(codes(&store, &job_sid).contains(&"first_mypage_offer".to_string()));
        assert!(run.histories.contains_key(&first.establishment_id.unwrap()));
        // A counter session registers the first offer between the batches.
        {
            let mut other = Store::open(&path).unwrap();
            let tx = other.immediate().unwrap();
            assert!(storage::submissions::set_registered(&tx, first.id, None, now).unwrap());
            tx.commit().unwrap();
        }
        write(&mut store, &mut run, raw_lines(&[again], 100));
        let second = job_sid.replace("job-9-", "y-job-9-");
        assert!(
            !codes(&store, &second).contains(&"first_mypage_offer".to_string()),
            "{:?}",
            codes(&store, &second)
        );
    }

    /// Parsing threads give way to the writer; the thread that starts them (the TUI's or the
    /// command's main thread) keeps its priority.
    #[cfg(target_os = "linux")]
    #[test]
    fn parsing_threads_yield_to_the_writer_and_leave_the_caller_as_it_was() {
        let before = rustix::process::getpriority_process(None).unwrap();
        let inside = std::thread::spawn(|| {
            yield_to_the_writer();
            rustix::process::getpriority_process(None).unwrap()
        })
        .join()
        .unwrap();
        assert_eq!(inside, (before + PARSER_NICE).min(19));
        assert_eq!(rustix::process::getpriority_process(None).unwrap(), before);
    }

    /// The prepared lines in chunks of `size`, the first one in the returned batch and the
    /// others waiting in the channel.
    fn in_chunks(raw: Vec<RawLine>, size: usize) -> (Vec<Chunk>, Receiver<Chunk>) {
        let table = MinimumWageTable::bundled().unwrap();
        let secret = InstallSecret::ephemeral();
        let chk = Checking {
            minimum_wage: &table,
            office_prefecture: Some(13),
            now: t("2026-04-07T00:00:00Z"),
            secret: &secret,
        };
        let mut lines = prepare_batch(raw, 2, chk).unwrap().into_iter().peekable();
        let (tx, rx) = std::sync::mpsc::channel();
        while lines.peek().is_some() {
            let part: Vec<Line> = lines.by_ref().take(size).collect();
            tx.send(Chunk {
                lines: part,
                matched: None,
            })
            .unwrap();
        }
        (vec![rx.recv().unwrap()], rx)
    }

    /// A batch that reaches the writer in chunks is written as one transaction with the same
    /// outcome as the whole batch at once (activation keys checked as each chunk comes).
    #[test]
    fn r_io_2_a_batch_in_chunks_matches_the_whole_batch() {
        let now = t("2026-04-07T00:00:00Z");
        let mut results = Vec::new();
        for size in [usize::MAX, 7, 1] {
            let (mut store, raw) = fixture();
            let cal = super::super::calendar::effective(store.conn()).unwrap();
            let cfg = crate::config::Config::default();
            let mut run = Run::new(now, &cal, &cfg);
            // However slow the machine: one transaction for this test.
            run.budget = std::time::Duration::MAX;
            let names = vec!["f.jsonl".to_string()];
            let (mut batch, more) = in_chunks(raw, size);
            let done = committed(write_batch(
                &mut store,
                None,
                &mut run,
                &names,
                &mut batch,
                Some(&more),
                false,
                100,
            ));
            assert!(
                more.try_recv().is_err(),
                "every chunk in the one transaction"
            );
            let audit = storage::audit::recent(store.conn(), 1).unwrap();
            results.push((
                done.applied,
                done.rejected,
                done.rejects.iter().map(|r| r.line).collect::<Vec<_>>(),
                storage::submissions::count(store.conn()).unwrap(),
                audit[0].entry.detail.clone(),
            ));
        }
        assert_eq!(results[0], results[1]);
        assert_eq!(results[0], results[2]);
        assert_eq!(results[0].0, 36);
        assert!(
            results[0].4.as_deref().unwrap().starts_with("lines=1-"),
            "{:?}",
            results[0].4
        );
    }

    /// Issue 16 item 2: with no time budget at all, every line is its own transaction (chunks
    /// split wherever the budget runs out, their matched keys moved along), and the outcome is
    /// that of one transaction for everything.
    #[test]
    fn r_io_2_a_transaction_per_line_matches_the_whole_batch() {
        let now = t("2026-04-07T00:00:00Z");
        let cfg = crate::config::Config::default();
        let names = vec!["f.jsonl".to_string()];
        let mut results = Vec::new();
        for budget in [std::time::Duration::MAX, std::time::Duration::ZERO] {
            let (mut store, raw) = fixture();
            let cal = super::super::calendar::effective(store.conn()).unwrap();
            let mut run = Run::new(now, &cal, &cfg);
            run.budget = budget;
            let (mut batch, more) = in_chunks(raw, 7);
            let (mut applied, mut rejected, mut transactions) = (0, 0, 0);
            loop {
                let done = committed(write_batch(
                    &mut store,
                    None,
                    &mut run,
                    &names,
                    &mut batch,
                    Some(&more),
                    false,
                    100,
                ));
                applied += done.applied;
                rejected += done.rejected;
                transactions += 1;
                batch = match done.rest.map_or_else(|| more.try_recv().ok(), Some) {
                    Some(c) => vec![c],
                    None => break,
                };
            }
            results.push((
                applied,
                rejected,
                storage::submissions::count(store.conn()).unwrap(),
                // Activations went through: their keys matched, wherever the chunk was split.
                store
                    .conn()
                    .query_row(
                        "SELECT count(*) FROM accounts WHERE state <> 'key_pending'",
                        [],
                        |r| r.get::<_, i64>(0),
                    )
                    .unwrap(),
                transactions,
            ));
        }
        assert_eq!(results[0].4, 1);
        assert!(results[1].4 > 30, "{:?}", results[1]);
        let outcome = |r: &(u64, u64, i64, i64, i32)| (r.0, r.1, r.2, r.3);
        assert_eq!(outcome(&results[0]), outcome(&results[1]));
        assert_eq!(results[0].0, 36);
        assert!(results[0].3 > 0, "{:?}", results[0]);
    }

    /// Issue 16 item 2: a batch commits when its time budget is spent, and never waits for
    /// the reader while it holds the write lock: with no budget it writes one chunk and leaves
    /// the ready ones for the next transaction; with chunks still being parsed (the channel
    /// open and empty) it commits what it has at once.
    #[test]
    fn r_io_2_a_batch_commits_within_its_budget_and_never_waits_for_the_reader() {
        let now = t("2026-04-07T00:00:00Z");
        let (mut store, raw) = fixture();
        let cal = super::super::calendar::effective(store.conn()).unwrap();
        let cfg = crate::config::Config::default();
        let mut run = Run::new(now, &cal, &cfg);
        let names = vec!["f.jsonl".to_string()];
        let (mut batch, more) = in_chunks(raw, 10);
        run.budget = std::time::Duration::ZERO;
        let first = committed(write_batch(
            &mut store,
            None,
            &mut run,
            &names,
            &mut batch,
            Some(&more),
            false,
            100,
        ));
        assert_eq!(batch.len(), 1, "one chunk, then the budget was spent");
        // Checked per line: one line written, the chunk's other nine left for the next one.
        assert_eq!(first.applied + first.rejected + first.duplicate, 1);
        assert_eq!(batch[0].lines.len(), 1);
        let rest = first.rest.expect("the rest of the chunk");
        assert_eq!(rest.lines.len(), 9);
        assert_eq!(rest.lines[0].line, batch[0].lines[0].line + 1);
        // The reader still parsing: the channel is open and nothing is ready.
        let (_reader, waiting) = std::sync::mpsc::sync_channel::<Chunk>(1);
        run.budget = std::time::Duration::MAX;
        let mut next = vec![more.recv().unwrap()];
        let started = std::time::Instant::now();
        committed(write_batch(
            &mut store,
            None,
            &mut run,
            &names,
            &mut next,
            Some(&waiting),
            false,
            100,
        ));
        assert_eq!(next.len(), 1);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let batches: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'import.batch'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(batches, 2, "two transactions, each with its audit row");
    }

    /// The line-by-line fallback (one savepoint per line) gives what the fast path gives.
    #[test]
    fn r_io_2_careful_batch_matches_fast_batch() {
        let now = t("2026-04-07T00:00:00Z");
        let mut results = Vec::new();
        for careful in [false, true] {
            let (mut store, raw) = fixture();
            let mut batch = whole_batch(raw);
            let cal = super::super::calendar::effective(store.conn()).unwrap();
            let cfg = crate::config::Config::default();
            let mut run = Run::new(now, &cal, &cfg);
            let names = vec!["f.jsonl".to_string()];
            let done = committed(write_batch(
                &mut store, None, &mut run, &names, &mut batch, None, careful, 100,
            ));
            let reasons: Vec<(u64, String)> = done
                .rejects
                .iter()
                .map(|r| (r.line, r.reason.clone()))
                .collect();
            results.push((
                done.applied,
                done.duplicate,
                done.rejected,
                reasons,
                storage::submissions::count(store.conn()).unwrap(),
                storage::imports::reject_count(store.conn()).unwrap(),
            ));
        }
        assert_eq!(results[0], results[1]);
        let (applied, duplicate, rejected, reasons, _, rejects) = &results[0];
        assert_eq!((*duplicate, *rejected, *rejects), (1, 2, 2), "{reasons:?}");
        assert_eq!(*applied, 36);
        assert_eq!(reasons[0], (4, "bad_json".to_string()));
        assert_eq!(reasons[1].1, "unknown_establishment");
    }

    type Counts = Vec<(String, String, i64)>;

    /// The queue counts as kept, and as counted afresh from the rows.
    fn kept_and_fresh_counts(store: &mut Store) -> (Counts, Counts) {
        let read = |conn: &Connection| -> Counts {
            conn.prepare("SELECT kind, k, n FROM queue_tally WHERE n != 0 ORDER BY kind, k")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let kept = read(store.conn());
        let tx = store.immediate().unwrap();
        storage::queue::recount_tally(&tx).unwrap();
        let fresh = read(&tx);
        drop(tx);
        (kept, fresh)
    }

    /// R-REV-6 (issue 16): the import sums its inserts' queue counts and writes them once per
    /// transaction; resubmissions and withdrawals in the same transaction (whose triggers take
    /// from those counts) and lines rolled back in a careful batch leave the counts equal to
    /// a fresh count.
    #[test]
    fn r_rev_6_queue_counts_after_an_import_equal_a_fresh_count() {
        let now = t("2026-04-07T00:00:00Z");
        for careful in [false, true] {
            let mut store = Store::open_in_memory().unwrap();
            let admin = office(&mut store);
            let o = GenOptions {
                establishments: 20,
                jobs: 160,
                accounts: 20,
                seed: 11,
                start: t("2026-04-06T00:30:00Z"),
            };
            let keys = prepare_accounts(&mut store, admin, &o).unwrap();
            let mut out = Vec::new();
            generate(&o, &keys, &mut out).unwrap();
            let mut lines: Vec<String> = String::from_utf8(out)
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect();
            assert!(lines.iter().any(|l| l.contains("\"account.withdrawn\"")));
            assert!(lines.iter().any(|l| l.contains("\"job.resubmitted\"")));
            // A line refused after its claim (a job for an unknown establishment): rolled back
            // in a careful batch.
            let job = lines
                .iter()
                .find(|l| l.contains("\"job.submitted\""))
                .unwrap()
                .replace("gen-11-", "x-gen-11-")
                .replace("job-11-", "x-job-11-")
                .replace("\"submission_id\":\"est-11-", "\"submission_id\":\"nope-");
            lines.insert(lines.len() / 2, job);
            let mut batch = whole_batch(raw_lines(&lines, 1));
            let cal = super::super::calendar::effective(store.conn()).unwrap();
            let cfg = crate::config::Config::default();
            let mut run = Run::new(now, &cal, &cfg);
            run.budget = std::time::Duration::MAX;
            let names = vec!["f.jsonl".to_string()];
            let done = committed(write_batch(
                &mut store, None, &mut run, &names, &mut batch, None, careful, 100,
            ));
            assert_eq!(done.rejected, 1, "{:?}", done.rejects);
            assert!(done.applied > 150);
            let (kept, fresh) = kept_and_fresh_counts(&mut store);
            assert!(kept.iter().any(|(kind, _, n)| kind == "visit" && *n > 0));
            assert_eq!(kept, fresh, "careful: {careful}");
        }
    }
}
