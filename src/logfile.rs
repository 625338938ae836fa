//! `madoguchi.log` with a size cap (issue 18): when a write would take the file past
//! [`MAX_BYTES`], it becomes `madoguchi.log.1` (the older ones move up to `.KEEP`, the oldest
//! is dropped) and a new file is started, owner-only. The services run for months, so the cap
//! is checked on every write, not only at start. Several processes share the file: one that
//! finds the file already rotated by another only reopens it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The largest a log file grows to.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;
/// Rotated files kept (`.1` … `.KEEP`): at most (KEEP + 1) × `MAX_BYTES` on disk.
pub const KEEP: usize = 3;

/// The `n`-th rotated file of `log` (0: the log itself).
#[must_use]
pub fn rotated(log: &Path, n: usize) -> PathBuf {
    if n == 0 {
        log.to_path_buf()
    } else {
        PathBuf::from(format!("{}.{n}", log.display()))
    }
}

struct State {
    file: File,
    written: u64,
    inode: u64,
}

/// A log file that rotates itself at a size (a `tracing_subscriber` writer).
pub struct CappedLog {
    path: PathBuf,
    cap: u64,
    state: Mutex<Option<State>>,
}

fn open(path: &Path) -> std::io::Result<State> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let m = file.metadata()?;
    Ok(State {
        file,
        written: m.len(),
        inode: m.ino(),
    })
}

impl CappedLog {
    /// Opens (creating, 0600) the log at `path`, rotating at `cap` bytes.
    ///
    /// # Errors
    /// The file cannot be opened.
    pub fn open(path: &Path, cap: u64) -> std::io::Result<CappedLog> {
        let state = open(path)?;
        Ok(CappedLog {
            path: path.to_path_buf(),
            cap,
            state: Mutex::new(Some(state)),
        })
    }

    fn rotate(&self, st: &mut Option<State>) -> std::io::Result<()> {
        let on_disk = std::fs::metadata(&self.path).ok();
        let ours = st.as_ref().map(|s| s.inode);
        // Another process rotated already: write to the new file unless it is full too.
        let already = on_disk
            .as_ref()
            .is_some_and(|m| Some(m.ino()) != ours && m.len() < self.cap);
        if !already {
            for n in (1..KEEP).rev() {
                let from = rotated(&self.path, n);
                if from.exists() {
                    std::fs::rename(&from, rotated(&self.path, n + 1))?;
                }
            }
            if self.path.exists() {
                std::fs::rename(&self.path, rotated(&self.path, 1))?;
            }
        }
        *st = Some(open(&self.path)?);
        Ok(())
    }
}

impl Write for &CappedLog {
    /// A line that cannot be written (full disk) is dropped: a log must never spill onto the
    /// terminal (the tracing writer would print its error to stderr, over the TUI).
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Dropped on failure: nothing better can be done with a log line on a full disk.
        let _ = self.write_line(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CappedLog {
    fn write_line(&self, buf: &[u8]) -> std::io::Result<usize> {
        let mut guard = self
            .state
            .lock()
            .map_err(|_| std::io::Error::other("log lock poisoned"))?;
        let full = guard
            .as_ref()
            .is_none_or(|s| s.written > 0 && s.written + buf.len() as u64 > self.cap);
        if full {
            self.rotate(&mut guard)?;
        }
        let Some(s) = guard.as_mut() else {
            return Err(std::io::Error::other("log not open"));
        };
        s.file.write_all(buf)?;
        s.written += buf.len() as u64;
        Ok(buf.len())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CappedLog {
    type Writer = &'a CappedLog;

    fn make_writer(&'a self) -> Self::Writer {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_rotates_at_its_cap_and_keeps_three_old_files() {
        use std::os::unix::fs::PermissionsExt as _;
        let d = tempfile::tempdir().expect("tmp");
        let path = d.path().join("madoguchi.log");
        let log = CappedLog::open(&path, 100).expect("open");
        for i in 0..40 {
            // One write per event, as tracing's formatter does.
            let event = format!("line {i:02} of the log, 30 bytes\n");
            (&log).write_all(event.as_bytes()).expect("write");
        }
        let size = std::fs::metadata(&path).expect("log").len();
        assert!(size <= 100, "{size}");
        for n in 1..=KEEP {
            let m = std::fs::metadata(rotated(&path, n)).expect("rotated");
            assert!(m.len() <= 100);
            assert_eq!(m.permissions().mode() & 0o777, 0o600);
        }
        assert!(!rotated(&path, KEEP + 1).exists(), "the oldest is dropped");
        let newest = std::fs::read_to_string(&path).expect("read");
        assert!(newest.contains("line 39"), "{newest}");
    }
}
