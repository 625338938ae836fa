//! The only code that touches the terminal.
// STUB: replaced by the real event loop.

use std::path::PathBuf;

use crate::config::Config;

/// What the terminal front end needs to start.
#[derive(Debug, Clone)]
pub struct TuiOptions {
    pub db_path: PathBuf,
    pub config: Config,
    /// tty and SSH client address, for the audit log.
    pub terminal: String,
    /// Shown once on the sign-in screen (the demo prints its staff there too).
    pub banner: Option<String>,
}

/// Runs the TUI until the user quits.
///
/// # Errors
/// The terminal cannot be set up, or the database cannot be opened.
pub fn run(opts: TuiOptions) -> anyhow::Result<()> {
    let _ = opts;
    anyhow::bail!("TUI not built yet")
}
