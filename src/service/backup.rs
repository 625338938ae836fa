//! `backup` and `restore` (issue 18): an online copy made while clerks work, checked before it
//! is called a backup; a restore that never overwrites a database and checks first. The files
//! that belong with the database (its install secret, an audit head file) travel with it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::storage::{StorageError, Store, maintenance};

/// What the checks of a copy found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub accounts: i64,
    pub audit_rows: i64,
    /// `id:hash-prefix` of the newest audit row, or `-`.
    pub head: String,
}

/// Why a backup or restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The destination (or a file that would go beside it) exists.
    #[error("exists: {}", .0.display())]
    Exists(PathBuf),
    /// `restore` from a file that is not there.
    #[error("no backup: {}", .0.display())]
    NoBackup(PathBuf),
    /// `restore` from a backup without its install secret.
    #[error("no install secret: {}", .0.display())]
    NoSecret(PathBuf),
    /// A check of the copy failed: (`integrity` | `foreign keys` | `audit chain`, detail).
    #[error("check {0}: {1}")]
    Check(&'static str, String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A made backup: its checks, the companions copied (from, to), how long it took.
#[derive(Debug)]
pub struct Made {
    pub report: CopyReport,
    pub companions: Vec<(PathBuf, PathBuf)>,
    pub seconds: f64,
}

/// Integrity, foreign keys and the audit chain of the database at `path`, opened as the
/// program opens it (its install secret beside it).
///
/// # Errors
/// `Check` for the first failed check.
pub fn check_copy(path: &Path) -> Result<CopyReport, BackupError> {
    let store = Store::open_existing(path)?;
    let bad = maintenance::integrity_problems(store.conn())?;
    if let Some(first) = bad.first() {
        return Err(BackupError::Check("integrity", first.clone()));
    }
    let fk = maintenance::foreign_key_violations(store.conn())?;
    if fk > 0 {
        return Err(BackupError::Check("foreign keys", format!("{fk}")));
    }
    let v = super::audit::verify(&store)
        .map_err(|e| BackupError::Check("audit chain", e.to_string()))?;
    if let Some((id, why)) = v.first_bad {
        return Err(BackupError::Check("audit chain", format!("{id}: {why}")));
    }
    let head = v.head.map_or_else(
        || "-".to_string(),
        |(id, h)| format!("{id}:{}", h.get(..12).unwrap_or(&h)),
    );
    Ok(CopyReport {
        accounts: maintenance::account_count(store.conn())?,
        audit_rows: v.rows,
        head,
    })
}

fn remove_all(db: &Path, companions: &[(PathBuf, PathBuf)]) {
    discard(db);
    for side in maintenance::side_files(db) {
        discard(&side);
    }
    for (_, to) in companions {
        discard(to);
    }
}

/// Removes a partial file; one that was never written is fine, one that stays is logged (a
/// partial copy holds personal data).
fn discard(p: &Path) {
    match std::fs::remove_file(p) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::error!(path = %p.display(), "partial file not removed: {e}"),
    }
}

/// Copies the file `from` to a new file `to` (never over one), owner-only, synced.
fn copy_new(from: &Path, to: &Path) -> Result<(), BackupError> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut src = std::fs::File::open(from).map_err(io(from))?;
    let mut dst = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => BackupError::Exists(to.to_path_buf()),
            _ => BackupError::Io {
                path: to.to_path_buf(),
                source: e,
            },
        })?;
    std::io::copy(&mut src, &mut dst).map_err(io(to))?;
    dst.sync_all().map_err(io(to))?;
    Ok(())
}

/// `backup DEST`: the live database copied with the online backup API while others write,
/// its companions (install secret, …) copied beside it, then the copy checked. Never
/// overwrites anything; a copy that fails a check is removed.
///
/// # Errors
/// `Exists` when DEST or a companion's place exists, `Check` when the copy is bad.
pub fn backup(store: &Store, dest: &Path) -> Result<Made, BackupError> {
    let started = Instant::now();
    let Some(live) = store.path() else {
        return Err(BackupError::NoBackup(dest.to_path_buf()));
    };
    let mut plan = Vec::new();
    // The live head file may already record rows committed after the copy's snapshot: the
    // copy gets a head file of its own, from its own newest row (R-AUD-2).
    let live_head = crate::storage::audit::head_path_for(live);
    for c in maintenance::companions(live).map_err(io(live))? {
        if c == live_head {
            continue;
        }
        if let Some(to) = maintenance::companion_for(live, &c, dest) {
            plan.push((c, to));
        }
    }
    let dest_head = crate::storage::audit::head_path_for(dest);
    if dest_head.exists() {
        return Err(BackupError::Exists(dest_head));
    }
    for p in std::iter::once(dest.to_path_buf())
        .chain(maintenance::side_files(dest))
        .chain(plan.iter().map(|(_, t)| t.clone()))
    {
        if p.exists() {
            return Err(BackupError::Exists(p));
        }
    }
    // Claim the name first, so that two backups to one name cannot both write it.
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(dest)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => BackupError::Exists(dest.to_path_buf()),
                _ => BackupError::Io {
                    path: dest.to_path_buf(),
                    source: e,
                },
            })?;
    }
    let result = (|| {
        maintenance::online_backup(store.conn(), dest)?;
        let mut done = Vec::new();
        for (from, to) in &plan {
            copy_new(from, to)?;
            done.push((from.clone(), to.clone()));
        }
        if let Some((id, hash)) = crate::storage::audit::head_of_file(dest)? {
            crate::storage::audit::start_head_file(&dest_head, id, &hash)
                .map_err(io(&dest_head))?;
        }
        let report = check_copy(dest)?;
        Ok::<_, BackupError>(report)
    })();
    match result {
        Ok(report) => {
            tracing::info!(dest = %dest.display(), accounts = report.accounts, "backup written");
            Ok(Made {
                report,
                companions: plan,
                seconds: started.elapsed().as_secs_f64(),
            })
        }
        Err(e) => {
            tracing::error!(dest = %dest.display(), "backup failed: {e}");
            remove_all(dest, &plan);
            discard(&dest_head);
            Err(e)
        }
    }
}

/// `restore BACKUP` into `target`: refuses when `target` (or its journal, or a companion)
/// exists, a database that may be open; checks a private copy of the backup first and only
/// then puts it in place, the database last, by names that cannot overwrite (hard links).
///
/// # Errors
/// `Exists`, `NoBackup`, `NoSecret`, `Check`.
pub fn restore(backup: &Path, target: &Path) -> Result<CopyReport, BackupError> {
    if !backup.is_file() {
        return Err(BackupError::NoBackup(backup.to_path_buf()));
    }
    let secret = crate::secret::InstallSecret::path_for(backup);
    if !secret.is_file() {
        return Err(BackupError::NoSecret(secret));
    }
    let mut plan = Vec::new();
    for c in maintenance::companions(backup).map_err(io(backup))? {
        if let Some(to) = maintenance::companion_for(backup, &c, target) {
            plan.push((c, to));
        }
    }
    let check_exists = |plan: &[(PathBuf, PathBuf)]| {
        for p in std::iter::once(target.to_path_buf())
            .chain(maintenance::side_files(target))
            .chain(plan.iter().map(|(_, t)| t.clone()))
        {
            if p.exists() {
                return Err(BackupError::Exists(p));
            }
        }
        Ok(())
    };
    check_exists(&plan)?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    // A private staging name beside the target: the backup itself is never opened for
    // writing (it may be on read-only media) and the target appears whole or not at all.
    let stem = target
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("madoguchi");
    let staging = target.with_file_name(format!(".{stem}-restore-{}.db", std::process::id()));
    let mut staged = Vec::new();
    let mut linked: Vec<PathBuf> = Vec::new();
    let result = (|| {
        copy_new(backup, &staging)?;
        for (from, _) in &plan {
            if let Some(s) = maintenance::companion_for(backup, from, &staging) {
                copy_new(from, &s)?;
                staged.push((from.clone(), s));
            }
        }
        let report = check_copy(&staging)?;
        check_exists(&plan)?;
        for (_, s) in &staged {
            if let Some(to) = maintenance::companion_for(&staging, s, target) {
                std::fs::hard_link(s, &to).map_err(|e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => BackupError::Exists(to.clone()),
                    _ => BackupError::Io {
                        path: to.clone(),
                        source: e,
                    },
                })?;
                linked.push(to);
            }
        }
        std::fs::hard_link(&staging, target).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => BackupError::Exists(target.to_path_buf()),
            _ => BackupError::Io {
                path: target.to_path_buf(),
                source: e,
            },
        })?;
        Ok::<_, BackupError>(report)
    })();
    remove_all(&staging, &staged);
    if result.is_err() {
        // Companions put in place before the database could not follow: take them back.
        for p in &linked {
            discard(p);
        }
    }
    if let Ok(r) = &result {
        tracing::info!(from = %backup.display(), to = %target.display(), accounts = r.accounts, "restored");
    }
    result
}
