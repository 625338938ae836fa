//! Entry point: owner-only files, parse the command line, log to a file, dispatch.
//! Exit statuses are listed in `cli::code` and README.md.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use madoguchi::cli::{self, Cli};
use madoguchi::i18n::cli::{CliMsg, msg};

fn main() -> ExitCode {
    // Every file this process creates (database, -wal, log, spool) is owner-only.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    // `… | head`: a stdout whose reader has gone ends the command quietly (cli::out).
    cli::out::quiet_broken_pipe_panics();
    let args = match Cli::try_parse() {
        Ok(a) => a,
        Err(e) => return clap_error(&e),
    };
    let status = match cli::settings(&args) {
        Ok(s) => {
            // Without a log file the command still runs: there is nowhere to log that to, and
            // the terminal is not the place (the TUI owns it; stderr is the command's answer).
            let _ = start_logging(&madoguchi::paths::log_file_for(&s.db_path));
            warn_bad_now(s.lang);
            tracing::info!(command = ?args.command.as_ref().map(command_name), "start");
            cli::run(args, s)
        }
        Err(e) => {
            eprintln!(
                "{}",
                madoguchi::domain::text::sanitize(&e.to_string(), true)
            );
            cli::code::USAGE
        }
    };
    ExitCode::from(u8::try_from(status).unwrap_or(1))
}

/// Issue 17 item 9: clap's own messages echo what was typed ("invalid value '…'"): shown
/// without control sequences. Help and version go out as clap writes them.
fn clap_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let status = u8::try_from(e.exit_code()).unwrap_or(2);
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
        }
        _ => eprint!(
            "{}",
            madoguchi::domain::text::sanitize(&e.render().to_string(), true)
        ),
    }
    ExitCode::from(status)
}

/// The command's name only: arguments may hold personal data.
fn command_name(c: &cli::Command) -> &'static str {
    match c {
        cli::Command::Init(_) => "init",
        cli::Command::Passwd => "passwd",
        cli::Command::Staff { .. } => "staff",
        cli::Command::Account { .. } => "account",
        cli::Command::Audit { .. } => "audit",
        cli::Command::Mail { .. } => "mail",
        cli::Command::Import(_) => "import",
        cli::Command::Export(_) => "export",
        cli::Command::Gen(_) => "gen",
        cli::Command::Calendar { .. } => "calendar",
        cli::Command::Demo(_) => "demo",
        cli::Command::Queue { .. } => "queue",
        cli::Command::Review { .. } => "review",
        cli::Command::Visit { .. } => "visit",
        cli::Command::Sweep => "sweep",
        cli::Command::Lookup(_) => "lookup",
        cli::Command::Backup(_) => "backup",
        cli::Command::Restore(_) => "restore",
        cli::Command::Doctor => "doctor",
        cli::Command::Completions(_) => "completions",
        cli::Command::Man => "man",
    }
}

/// Logs go to a file beside the database, never to the terminal (the TUI owns it).
fn start_logging(file: &std::path::Path) -> Option<()> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    std::fs::create_dir_all(dir).ok()?;
    // A size cap, checked on every write: the services run for months (issue 18).
    let appender = madoguchi::logfile::CappedLog::open(
        &dir.join(file.file_name()?),
        madoguchi::logfile::MAX_BYTES,
    )
    .ok()?;
    tracing_subscriber::fmt()
        .with_writer(appender)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .try_init()
        .ok()
}

/// SPEC §6: a `MADOGUCHI_NOW` that does not parse is ignored; say so once.
fn warn_bad_now(lang: madoguchi::i18n::Lang) {
    if let Ok(v) = std::env::var(madoguchi::clock::NOW_ENV)
        && madoguchi::clock::parse_rfc3339(&v).is_none()
    {
        let value = madoguchi::cli::safe(&v);
        tracing::warn!("MADOGUCHI_NOW ignored: {value}");
        eprintln!("{}", msg(lang, &CliMsg::NowInvalid { value: &value }));
    }
}
