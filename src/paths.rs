//! Where the database and the configuration live. Flag first, then environment, then the
//! platform directories (`directories`: e.g. `~/.local/share/madoguchi/madoguchi.db` and
//! `~/.config/madoguchi/madoguchi.toml` on Linux).

use std::ffi::OsString;
use std::path::PathBuf;

use directories::ProjectDirs;

pub const DB_ENV: &str = "MADOGUCHI_DB";
pub const CONFIG_ENV: &str = "MADOGUCHI_CONFIG";
pub const DB_FILE: &str = "madoguchi.db";
pub const CONFIG_FILE: &str = "madoguchi.toml";
pub const LOG_FILE: &str = "madoguchi.log";

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("jp", "hellowork", "madoguchi")
}

fn non_empty(v: Option<OsString>) -> Option<PathBuf> {
    v.filter(|s| !s.is_empty()).map(PathBuf::from)
}

/// `--db`, else `MADOGUCHI_DB`, else the platform data dir.
///
/// # Errors
/// No flag, no variable and no home directory to derive a data dir from.
pub fn resolve_db(flag: Option<PathBuf>, env: Option<OsString>) -> anyhow::Result<PathBuf> {
    if let Some(p) = flag.or_else(|| non_empty(env)) {
        return Ok(p);
    }
    project_dirs()
        .map(|d| d.data_dir().join(DB_FILE))
        .ok_or_else(|| anyhow::anyhow!("no home directory: give --db or {DB_ENV}"))
}

/// `--config`, else `MADOGUCHI_CONFIG`, else the platform config dir. `None` when there is no
/// home directory either: the defaults apply.
#[must_use]
pub fn resolve_config(flag: Option<PathBuf>, env: Option<OsString>) -> Option<PathBuf> {
    flag.or_else(|| non_empty(env))
        .or_else(|| project_dirs().map(|d| d.config_dir().join(CONFIG_FILE)))
}

/// The log file sits beside the database (the data dir by default), never on the terminal.
#[must_use]
pub fn log_file_for(db: &std::path::Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from(LOG_FILE), |p| p.join(LOG_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_beats_default() {
        let got = resolve_db(Some("/a/x.db".into()), Some("/b/y.db".into())).expect("path");
        assert_eq!(got, PathBuf::from("/a/x.db"));
        let got = resolve_db(None, Some("/b/y.db".into())).expect("path");
        assert_eq!(got, PathBuf::from("/b/y.db"));
        if let Ok(p) = resolve_db(None, Some(OsString::new())) {
            assert!(p.ends_with("madoguchi.db"), "{}", p.display());
        }
        assert_eq!(
            resolve_config(Some("/c.toml".into()), None),
            Some(PathBuf::from("/c.toml"))
        );
        assert_eq!(
            log_file_for(std::path::Path::new("/d/m.db")),
            PathBuf::from("/d/madoguchi.log")
        );
        assert_eq!(
            log_file_for(std::path::Path::new("m.db")),
            PathBuf::from("madoguchi.log")
        );
    }
}
