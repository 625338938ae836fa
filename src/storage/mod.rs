//! The one concrete store over SQLite. Every SQL statement of the program lives below this
//! folder, one file or folder per table family, with bound parameters only (the load-test
//! rows of `gen::bench_fill` are the one exception: no program path writes them).
//! The larger families are folders: `review/` (facts, history, dashboard, sweep) and `queue/`
//! (the work queues and their search index).

pub mod accounts;
pub mod audit;
pub mod closures;
pub mod establishments;
pub mod ids;
pub mod imports;
pub mod keys;
pub mod lookup;
pub mod maintenance;
pub mod migrate;
pub mod outbox;
pub mod payload;
pub mod queue;
pub mod review;
pub mod settings;
pub mod staff;
pub mod submissions;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database {path} is at schema version {found}, newer than this program ({supported})")]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("stored value is damaged: {0}")]
    Corrupt(String),
    /// R-AUD-2: a guard trigger of the audit log is missing or altered. Nothing may run on such
    /// a database but `madoguchi audit verify`.
    #[error("audit log guard triggers missing or altered: {}", .0.join(", "))]
    AuditGuard(Vec<&'static str>),
}

pub type Result<T> = std::result::Result<T, StorageError>;

/// How long a writer waits for another process's transaction before giving up. Transactions
/// are short (milliseconds), so this is only reached when something is badly stuck.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the store's connections on this thread wait for the write lock from now on (zero:
/// not at all). Every connection [`Store`] opens tries again every millisecond (`try_again`). SQLite's own busy timeout sleeps longer and longer between tries (up
/// to 100 ms), so a clerk who started waiting behind a sweep or an import slept through the
/// short gaps between their transactions and could wait for all of them; with tries a
/// millisecond apart, background work that pauses [`BACKGROUND_GAP`] after each transaction
/// lets every waiting clerk in (issue 16 item 2).
///
/// # Errors
/// On SQLite failure.
pub fn set_lock_wait(wait: Duration) {
    WAIT_MS.with(|w| w.set(i32::try_from(wait.as_millis()).unwrap_or(i32::MAX)));
}

thread_local! {
    /// The limit of [`try_again`] for connections used on this thread (the handler is a plain
    /// function: it cannot hold it). [`set_lock_wait`] sets it right before the wait it is for.
    static WAIT_MS: std::cell::Cell<i32> = const { std::cell::Cell::new(10_000) };
}

/// The busy handler of every connection the store opens: `tries` so far, about a
/// millisecond each, up to [`set_lock_wait`]'s limit.
fn try_again(tries: i32) -> bool {
    if tries >= WAIT_MS.with(std::cell::Cell::get) {
        return false;
    }
    std::thread::sleep(Duration::from_millis(1));
    true
}

/// How long background work (the sweep, the search index's upkeep, the import) leaves the
/// write lock free after each of its transactions, so that clerks waiting for it get it first.
pub const BACKGROUND_GAP: Duration = Duration::from_millis(3);

/// Called by background work after each of its transactions: copies what it wrote from the
/// WAL into the database file (a passive checkpoint: writers go on meanwhile), then leaves the
/// lock free for [`BACKGROUND_GAP`]. Without the checkpoint here, the automatic one fell to
/// whichever commit crossed [`WAL_AUTOCHECKPOINT_PAGES`], often a clerk's, who then waited
/// for megabytes of the sweep's pages to be copied (0.3 s at L scale).
pub fn pause_for_others(conn: &rusqlite::Connection) {
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        // Not fatal: the next one, or the automatic one, copies them.
        tracing::debug!("background checkpoint: {e}");
    }
    give_way();
}

/// Leaves the write lock free for [`BACKGROUND_GAP`] (the import, whose own checkpointer
/// thread copies its pages, calls this instead of [`pause_for_others`]).
pub fn give_way() {
    std::thread::sleep(BACKGROUND_GAP);
}

/// How long a read's own audit row (a sign-in, a view) waits for the write lock before it is
/// kept for later: the read goes on meanwhile (R-AUD-1 rows of reads, issue 17 item 11).
pub const AUDIT_SOON: Duration = Duration::from_millis(200);

/// How long the audit rows kept for later wait at the end of a command.
pub const AUDIT_LATER: Duration = Duration::from_mins(5);

/// `PRAGMA cache_size` of every connection: negative is KiB, here 32 MiB (see
/// [`Store::tune_io`]).
pub const CACHE_SIZE_KIB: i64 = -32_768;
/// `PRAGMA mmap_size` of every connection, bytes: 256 MiB.
pub const MMAP_SIZE: i64 = 256 * 1024 * 1024;
/// `PRAGMA wal_autocheckpoint`, pages.
pub const WAL_AUTOCHECKPOINT_PAGES: i64 = 1000;
/// `PRAGMA journal_size_limit`, bytes: the WAL file is cut back to this after a reset. The
/// bound of issue 16 item 3 (64 MB).
pub const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// The per-install secret beside the database file (R-KEY-2).
    secret: crate::secret::InstallSecret,
    /// Audit rows of reads that could not have the write lock at once ([`Store::audit_soon`]):
    /// written before the next write of this store, by [`Store::flush_audit`], or on drop.
    deferred_audit: Vec<audit::AuditEntry>,
}

impl Drop for Store {
    fn drop(&mut self) {
        if self.deferred_audit.is_empty() {
            return;
        }
        match self.flush_audit(BUSY_TIMEOUT) {
            Ok(true) => {}
            other => {
                // R-AUD-1: not lost without a trace; the log file keeps every field.
                tracing::error!(
                    result = ?other.map_err(|e| e.to_string()),
                    entries = ?self.deferred_audit,
                    "audit rows of reads could not be written"
                );
            }
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating when missing) the database at `path`, owner-only (0600), WAL mode,
    /// schema upgraded to the current version.
    ///
    /// # Errors
    /// The file cannot be created or opened, or its schema is newer than this program.
    pub fn open(path: &Path) -> Result<Store> {
        let store = Store::open_unguarded(path)?;
        store.check_audit_guards()?;
        Ok(store)
    }

    /// R-AUD-2: the guard triggers of the audit log are checked at every start; a missing or
    /// altered one is a loud error in the log and a refusal to go on.
    fn check_audit_guards(&self) -> Result<()> {
        let missing = audit::missing_triggers(&self.conn)?;
        if missing.is_empty() {
            return Ok(());
        }
        tracing::error!(
            triggers = ?missing,
            "R-AUD-2: audit log guard triggers missing or altered: refusing to start; run `madoguchi audit verify`"
        );
        Err(StorageError::AuditGuard(missing))
    }

    /// As [`Store::open`] without the check of the audit log's guard triggers: for `madoguchi
    /// audit verify` only, which reports them itself.
    ///
    /// # Errors
    /// As [`Store::open`].
    pub fn open_unguarded(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags)?;
        restrict_permissions(path)?;
        let secret = crate::secret::InstallSecret::load_or_create(path).map_err(|source| {
            StorageError::Io {
                path: crate::secret::InstallSecret::path_for(path),
                source,
            }
        })?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            secret,
            deferred_audit: Vec::new(),
        };
        store.configure()?;
        audit::install(
            &mut store.conn,
            &store.secret,
            Some(audit::head_path_for(path)),
        )?;
        migrate::upgrade(&mut store.conn, path)?;
        // The -wal and -shm files hold the same data: owner-only too.
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", path.display()));
            if side.exists() {
                restrict_permissions(&side)?;
            }
        }
        Ok(store)
    }

    /// Opens an existing database only; used where creating one by accident would hide a typo.
    ///
    /// # Errors
    /// The file is missing, or as [`Store::open`].
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StorageError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no database (run `madoguchi init`)",
                ),
            });
        }
        Store::open(path)
    }

    /// A private in-memory database, for tests.
    ///
    /// # Errors
    /// Only on SQLite failure.
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: None,
            secret: crate::secret::InstallSecret::ephemeral(),
            deferred_audit: Vec::new(),
        };
        store.configure()?;
        audit::install(&mut store.conn, &store.secret, None)?;
        migrate::upgrade(&mut store.conn, Path::new(":memory:"))?;
        Ok(store)
    }

    fn configure(&mut self) -> Result<()> {
        set_lock_wait(BUSY_TIMEOUT);
        self.conn.busy_handler(Some(try_again))?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit is on disk (the WAL synced) before the caller goes on, so an audit
        // row of a look at personal data is durable before the data is on screen, and a
        // clerk's confirmed action survives a power cut (issue 16 item 9). In WAL mode it costs
        // one fsync per commit (`benches/scale/` prints the machine's).
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted and overwritten content (scrubbed mail bodies, purged personal data) is
        // zeroed, not left in free pages (R-KEY-2, R-DL-3).
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        self.tune_io()?;
        // The queue pages alone prepare about a hundred distinct statements (storage::queue).
        self.conn.set_prepared_statement_cache_capacity(256);
        // Plans never depend on bound values: otherwise every statement with a `LIKE :param`
        // on an indexed column is prepared again at each run with new bindings (the LIKE
        // optimisation looks at the pattern), a third of a filtered queue page's time.
        self.conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        Ok(())
    }

    /// Page cache, memory map and WAL bounds (issue 16 items 3 and 7), each connection:
    /// - `cache_size` 32 MiB (SQLite's default is 2 MiB): at L scale the hot pages of the
    ///   queue, lookup and submission indexes are some tens of MiB, and with 2 MiB a sweep or
    ///   a filtered page read the same interior pages again and again (120-152 s of system
    ///   time in `pread` per sweep). It is a cap, not an allocation: a CLI command that reads
    ///   a few pages uses a few pages.
    /// - `mmap_size` 256 MiB: reads of the database file are memory reads from the kernel's
    ///   page cache instead of one `pread` system call per page; the map is shared by every
    ///   process on the host (not 256 MiB each) and covers the L database's hot part. Pages
    ///   still in the WAL are read as before.
    /// - `wal_autocheckpoint` 1000 pages (~4 MiB, SQLite's default, said here so that it stays
    ///   on: only the import's writer turns it off, and its own checkpointer copies after each
    ///   commit): a commit that leaves a larger WAL checkpoints passively.
    /// - `journal_size_limit` 64 MiB: when the WAL is reset (after a complete checkpoint) the
    ///   file is cut back to that size, so a burst (a large import while readers held old
    ///   snapshots) does not leave a WAL of its largest size on disk for good.
    fn tune_io(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "cache_size", CACHE_SIZE_KIB)?;
        self.conn.pragma_update(None, "mmap_size", MMAP_SIZE)?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)?;
        self.conn
            .pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)?;
        Ok(())
    }

    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Read access for queries that need no transaction.
    #[must_use]
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// `BEGIN IMMEDIATE`: takes the write lock at the start, so a use case that reads and then
    /// writes never fails half-way with `SQLITE_BUSY` (`busy_timeout` waits for the lock instead).
    ///
    /// # Errors
    /// The lock could not be had within the busy timeout.
    pub fn immediate(&mut self) -> Result<Transaction<'_>> {
        // Rows of earlier reads first, so the log keeps their order.
        if !self.deferred_audit.is_empty() {
            self.flush_audit(BUSY_TIMEOUT)?;
        }
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// The audit row of a read (a sign-in, a view): written at once when the write lock is free
    /// within [`AUDIT_SOON`], else kept and written before this store's next write, by
    /// [`Store::flush_audit`] or on drop. So a read never fails because another process holds
    /// the write lock for long (a big import); its row only comes a little later.
    ///
    /// # Errors
    /// A storage failure other than a busy database.
    pub fn audit_soon(&mut self, e: audit::AuditEntry) -> Result<()> {
        self.deferred_audit.push(e);
        self.flush_audit(AUDIT_SOON).map(|_| ())
    }

    /// Writes the audit rows kept by [`Store::audit_soon`], waiting up to `wait` for the write
    /// lock. `Ok(false)` when the lock could not be had: they stay kept.
    ///
    /// # Errors
    /// A storage failure other than a busy database.
    pub fn flush_audit(&mut self, wait: Duration) -> Result<bool> {
        if self.deferred_audit.is_empty() {
            return Ok(true);
        }
        set_lock_wait(wait);
        let written = (|| -> Result<()> {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            for e in &self.deferred_audit {
                audit::append(&tx, e)?;
            }
            tx.commit()?;
            Ok(())
        })();
        set_lock_wait(BUSY_TIMEOUT);
        match written {
            Ok(()) => {
                self.deferred_audit.clear();
                Ok(true)
            }
            Err(StorageError::Sqlite(e)) if is_busy(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// How many audit rows of reads wait for the write lock.
    #[must_use]
    pub fn audit_waiting(&self) -> usize {
        self.deferred_audit.len()
    }

    /// The head file of the audit chain beside the database (R-AUD-2); `None` in memory.
    #[must_use]
    pub fn audit_head_path(&self) -> Option<PathBuf> {
        self.path.as_deref().map(audit::head_path_for)
    }

    /// The install secret keys are hashed under (R-KEY-2).
    #[must_use]
    pub fn secret(&self) -> &crate::secret::InstallSecret {
        &self.secret
    }

    /// SQLite's `data_version`: changes when another connection commits. Screens poll it to
    /// refresh on their own.
    ///
    /// # Errors
    /// Only on SQLite failure.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let io = |source| StorageError::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    set_mode(dir, 0o700).map_err(io)
}

fn restrict_permissions(path: &Path) -> Result<()> {
    set_mode(path, 0o600).map_err(|source| StorageError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// True when the database was locked by another connection past the busy timeout.
#[must_use]
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Whether SQLite could not write because the disk is full or the file may not grow (quota,
/// `RLIMIT_FSIZE`): nothing of the transaction was kept, and it works again once there is room.
#[must_use]
pub fn is_disk_full(e: &StorageError) -> bool {
    match e {
        StorageError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => matches!(
            f.code,
            rusqlite::ErrorCode::DiskFull | rusqlite::ErrorCode::SystemIoFailure
        ),
        StorageError::Io { source, .. } => matches!(
            source.raw_os_error(),
            Some(28 | 27 | 122) // ENOSPC, EFBIG, EDQUOT
        ),
        _ => false,
    }
}

/// True when the error is a UNIQUE constraint failure (e.g. R-REG-2's live-email index).
#[must_use]
pub fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}
