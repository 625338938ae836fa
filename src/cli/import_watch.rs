//! `madoguchi import --watch DIR` (R-KEY-0, R-IO-2): continuous intake. A customer waits at
//! their screen for the key mail, so events cannot wait for a nightly file: the Internet
//! Service writes `NAME.jsonl.tmp` into DIR and renames it to `NAME.jsonl` when complete. Each
//! `*.jsonl` is imported with the same rules as `madoguchi import`, then moved to `DIR/done/`
//! (its bad lines, if any, are in `import_rejects` as always) or, when it could not be
//! imported at all, to `DIR/failed/` with a `.error.txt` beside it saying why. A database that
//! is busy is not a failure: the file stays and is tried again. SIGTERM or Ctrl-C stops the
//! watch between files.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::config::Config;
use crate::domain::text::sanitize;
use crate::i18n::Lang;
use crate::i18n::cli::{Label, label};
use crate::service::{Ctx, ServiceError, import};
use crate::storage::{StorageError, Store};

/// How often DIR is looked at: a file renamed into it is picked up within this.
pub const POLL: Duration = Duration::from_millis(200);
/// How long a file stays put after a busy database before it is tried again.
const BUSY_RETRY: Duration = Duration::from_secs(2);

/// What became of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    Done(import::ImportSummary),
    Failed(String),
    /// The database was busy: the file stays for the next look.
    Later,
}

/// The files to import now, oldest name first (the Service names them in order).
///
/// # Errors
/// DIR cannot be read.
pub fn ready_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    Ok(files)
}

fn transient(e: &ServiceError) -> bool {
    matches!(
        e,
        ServiceError::Storage(StorageError::Sqlite(rusqlite::Error::SqliteFailure(f, _)))
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Imports one file and files it away.
///
/// # Errors
/// The file cannot be moved (DIR's subfolders are not writable).
pub fn import_one(
    path: &Path,
    dir: &Path,
    store: &mut Store,
    cfg: &Config,
    ctx: Option<&Ctx>,
) -> anyhow::Result<Filed> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let outcome = match std::fs::File::open(path) {
        Err(e) => Err(format!("{e}")),
        Ok(file) => {
            let size = file.metadata().ok().map(|m| m.len());
            let mut inputs = vec![import::Input {
                name: name.clone(),
                reader: Box::new(std::io::BufReader::with_capacity(1 << 16, file)),
                size,
            }];
            match import::import_events(store, cfg, ctx, crate::clock::now(), &mut inputs, |_| {}) {
                Ok(s) => {
                    // The new rows into the queue filter's search index before anyone asks.
                    if let Err(e) = crate::service::queue::catch_up_search_all(store) {
                        tracing::warn!("import: search index catch-up: {e}");
                    }
                    Ok(s)
                }
                Err(e) if transient(&e) => return Ok(Filed::Later),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    let (sub, filed) = match outcome {
        Ok(s) => ("done", Filed::Done(s)),
        Err(why) => ("failed", Filed::Failed(why)),
    };
    let target = free_name(&dir.join(sub), &name);
    std::fs::rename(path, &target)?;
    if let Filed::Failed(why) = &filed {
        let mut note = target.clone().into_os_string();
        note.push(".error.txt");
        std::fs::write(note, format!("{}\n", sanitize(why, false)))?;
    }
    Ok(filed)
}

/// `dir/name`, or `dir/name.N` when a file of that name was filed before (a name the Service
/// used twice keeps both).
fn free_name(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    // Ends at the first free name: a directory holds finitely many files.
    #[allow(clippy::maybe_infinite_iter)]
    (1..)
        .map(|n| dir.join(format!("{name}.{n}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Watches DIR until SIGTERM / Ctrl-C. Exit status 0 when stopped by a signal.
///
/// # Errors
/// DIR or its subfolders cannot be made or read (a bad configuration stops the service).
pub fn run(
    dir: &Path,
    store: &mut Store,
    cfg: &Config,
    ctx: Option<&Ctx>,
    lang: Lang,
) -> anyhow::Result<i32> {
    for sub in ["done", "failed"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    tracing::info!(dir = %dir.display(), "import watch started");
    while !stop.load(Ordering::Relaxed) {
        let mut busy = false;
        for path in ready_files(dir)? {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            match import_one(&path, dir, store, cfg, ctx) {
                Ok(Filed::Done(s)) => {
                    tracing::info!(
                        file = %path.display(),
                        applied = s.applied,
                        duplicate = s.duplicate,
                        rejected = s.rejected,
                        "imported"
                    );
                    println!(
                        "{} {}: {} {}  {} {}  {} {}",
                        label(lang, Label::ImportedFile),
                        sanitize(&path.display().to_string(), false),
                        label(lang, Label::Applied),
                        s.applied,
                        label(lang, Label::Duplicate),
                        s.duplicate,
                        label(lang, Label::Rejected),
                        s.rejected
                    );
                }
                Ok(Filed::Failed(why)) => {
                    tracing::error!(file = %path.display(), "import failed: {why}");
                    println!(
                        "{} {}: {}",
                        label(lang, Label::ImportFailedMoved),
                        sanitize(&path.display().to_string(), false),
                        sanitize(&why, false)
                    );
                }
                Ok(Filed::Later) => {
                    tracing::warn!(file = %path.display(), "database busy; trying again");
                    busy = true;
                    break;
                }
                Err(e) => {
                    // The file could not be moved: stop rather than import it again and
                    // again (the ids would only be duplicates, but the log would fill up).
                    tracing::error!(file = %path.display(), "cannot file away: {e}");
                    return Err(e);
                }
            }
        }
        let pause = if busy { BUSY_RETRY } else { POLL };
        let mut slept = Duration::ZERO;
        while slept < pause && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
            slept += Duration::from_millis(50);
        }
    }
    tracing::info!("import watch stopped");
    Ok(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn r_key_0_only_complete_jsonl_files_are_picked_up_in_name_order() {
        let d = tempfile::tempdir().unwrap();
        for n in ["b.jsonl", "a.jsonl", "c.jsonl.tmp", "notes.txt"] {
            std::fs::write(d.path().join(n), "").unwrap();
        }
        std::fs::create_dir(d.path().join("done")).unwrap();
        let names: Vec<String> = ready_files(d.path())
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.jsonl", "b.jsonl"]);
    }

    #[test]
    fn a_name_filed_twice_keeps_both() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(free_name(d.path(), "x.jsonl"), d.path().join("x.jsonl"));
        std::fs::write(d.path().join("x.jsonl"), "").unwrap();
        assert_eq!(free_name(d.path(), "x.jsonl"), d.path().join("x.jsonl.1"));
    }
}
