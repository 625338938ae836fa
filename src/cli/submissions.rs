//! CLI pieces for the interchange and the calendar, to be wired into `cli` by its owner:
//! `import`, `export`, `gen` and `calendar`. Each `run_*` returns the process exit status.
//!
//! Exit codes: 0 ok; 1 error (database, unreadable input, refused permission); 2 usage error
//! (bad arguments: clap's own code); 3 `import` finished but some lines were rejected.

use crate::cli::out::outln;
use std::io::{BufReader, IsTerminal, Write};
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use clap::{Args, Subcommand};

use crate::clock;
use crate::config::Config;
use crate::domain::text::sanitize;
use crate::r#gen::{GenOptions, generate, prepare_accounts};
use crate::i18n::Lang;
use crate::i18n::cli::{CliMsg, Label, label, msg};
use crate::service::{self, Ctx, import};
use crate::storage::Store;

/// Exit status when some lines were rejected.
pub const EXIT_REJECTED: i32 = 3;
/// Files bigger than this show a progress line on a terminal.
const PROGRESS_MIN_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// JSON Lines files ("-" reads standard input).
    #[arg(required_unless_present = "watch", conflicts_with = "watch")]
    pub files: Vec<PathBuf>,
    /// Keep importing the `*.jsonl` files dropped into DIR (written as `*.jsonl.tmp`, then
    /// renamed), moving each to DIR/done/ or DIR/failed/, until SIGTERM or Ctrl-C.
    #[arg(long, value_name = "DIR")]
    pub watch: Option<PathBuf>,
    /// Set from the global `--json`.
    #[arg(skip)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// First Japan date of registration to include (2026-12-01, 2026/12/1, R8.12.1…).
    #[arg(long, value_parser = crate::cli::date_arg)]
    pub since: NaiveDate,
    /// Output file (standard output when absent).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct GenArgs {
    #[arg(long, default_value_t = 10)]
    pub establishments: u64,
    #[arg(long, default_value_t = 30)]
    pub jobs: u64,
    /// Key-pending employer accounts created in the database for the stream to activate.
    #[arg(long, default_value_t = 2)]
    pub accounts: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Clone, Subcommand)]
pub enum CalendarCmd {
    /// Add an office closure (admin).
    Add {
        #[arg(value_parser = crate::cli::date_arg)]
        date: NaiveDate,
        reason: String,
    },
    /// List a year's closures and holidays.
    List { year: Option<i32> },
    /// Remove an office closure (admin).
    Remove {
        #[arg(value_parser = crate::cli::date_arg)]
        date: NaiveDate,
    },
}

/// `madoguchi import FILE…`.
///
/// # Errors
/// A file cannot be opened or the database fails (exit 1 at the caller).
pub fn run_import(
    args: &ImportArgs,
    store: &mut Store,
    cfg: &Config,
    ctx: Option<&Ctx>,
    lang: Lang,
) -> anyhow::Result<i32> {
    if let Some(dir) = &args.watch {
        return super::import_watch::run(dir, store, cfg, ctx, lang);
    }
    let stdin = std::io::stdin();
    let mut inputs = Vec::new();
    for f in &args.files {
        if f.as_os_str() == "-" {
            inputs.push(import::Input {
                name: "-".into(),
                reader: Box::new(stdin.lock()),
                size: None,
            });
        } else {
            // The real reason, in the clerk's words (a folder, a missing file, no permission),
            // the path shown without control characters.
            let cant = |e: &std::io::Error| {
                let path = crate::domain::text::sanitize(&f.display().to_string(), false);
                super::Exit::new(
                    super::code::ERROR,
                    crate::i18n::cli::file_open_error(lang, &path, e),
                )
            };
            if f.is_dir() {
                let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
                return Err(cant(&e).into());
            }
            let file = std::fs::File::open(f).map_err(|e| cant(&e))?;
            let size = file.metadata().ok().map(|m| m.len());
            inputs.push(import::Input {
                name: f.display().to_string(),
                reader: Box::new(BufReader::with_capacity(1 << 16, file)),
                size,
            });
        }
    }
    let show = std::io::stderr().is_terminal();
    let mut shown = false;
    let summary = import::import_events(store, cfg, ctx, clock::now(), &mut inputs, |p| {
        if show && p.total_bytes.is_none_or(|t| t >= PROGRESS_MIN_BYTES) {
            let pct = p
                .total_bytes
                .filter(|t| *t > 0)
                .map(|t| format!(" {:>3}%", p.bytes.saturating_mul(100) / t))
                .unwrap_or_default();
            eprint!("\r{}{pct} {} lines", label(lang, Label::Importing), p.lines);
            shown = true;
        }
    })?;
    if shown {
        eprintln!();
    }
    // The new rows into the queue filter's search index now, not at the first filtered list.
    if let Err(e) = crate::service::queue::catch_up_search_all(store) {
        tracing::warn!("import: search index catch-up: {e}");
    }
    let mut out = crate::cli::out::Stdout;
    if args.json {
        writeln!(
            out,
            "{}",
            crate::domain::text::json_safe(&serde_json::to_string(&summary)?)
        )?;
    } else {
        writeln!(
            out,
            "{} {}  {} {}  {} {}",
            label(lang, Label::Applied),
            summary.applied,
            label(lang, Label::Duplicate),
            summary.duplicate,
            label(lang, Label::Rejected),
            summary.rejected
        )?;
        for r in &summary.rejects {
            // SPEC §5: a refused field is named in words, with its rule.
            let detail = if r.reason == crate::service::import::reasons::VALIDATION {
                crate::i18n::findings::validation_detail(lang, &r.detail)
            } else {
                r.detail.clone()
            };
            writeln!(
                out,
                "{}:{} {} {}",
                sanitize(&r.file, false),
                r.line,
                crate::i18n::labels::with_paren(
                    lang,
                    crate::i18n::cli::reject_reason(lang, &r.reason),
                    &r.reason
                ),
                sanitize(&detail, false)
            )?;
        }
        if summary.rejected > summary.rejects.len() as u64 {
            let more = summary.rejected - summary.rejects.len() as u64;
            writeln!(out, "{}", msg(lang, &CliMsg::MoreRejects { more }))?;
        }
        if summary.calendar_warnings > 0 {
            writeln!(
                out,
                "{}: {}",
                label(lang, Label::NoOfficialDataDeadlines),
                summary.calendar_warnings
            )?;
        }
    }
    Ok(if summary.rejected == 0 {
        0
    } else {
        EXIT_REJECTED
    })
}

/// `madoguchi export --since DATE [--out FILE]`.
///
/// # Errors
/// The output cannot be written or the database fails.
pub fn run_export(
    args: &ExportArgs,
    store: &mut Store,
    _cfg: &Config,
    ctx: Option<&Ctx>,
    lang: Lang,
) -> anyhow::Result<i32> {
    let s = if let Some(p) = &args.out {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
        );
        service::export::export_registered(store, ctx, clock::now(), args.since, &mut f)?
    } else {
        let mut out = crate::cli::out::Stdout;
        service::export::export_registered(store, ctx, clock::now(), args.since, &mut out)?
    };
    eprintln!(
        "{} {}  {} {}",
        label(lang, Label::Establishments),
        s.establishments,
        label(lang, Label::Jobs),
        s.jobs
    );
    Ok(0)
}

/// `madoguchi gen`: creates the accounts in the database and writes the stream to stdout.
///
/// # Errors
/// Needs a signed-in staff member (`ctx`) to register the accounts; database or write failure.
pub fn run_gen(
    args: &GenArgs,
    store: &mut Store,
    _cfg: &Config,
    ctx: Option<&Ctx>,
    _lang: Lang,
) -> anyhow::Result<i32> {
    let ctx = ctx.ok_or_else(|| anyhow::anyhow!("gen needs a staff member (--as NAME)"))?;
    let opts = GenOptions {
        establishments: args.establishments,
        jobs: args.jobs,
        accounts: args.accounts,
        seed: args.seed,
        start: stream_start(clock::now(), args),
    };
    let keys = prepare_accounts(store, ctx.staff_id, &opts)?;
    let mut out = std::io::BufWriter::new(crate::cli::out::Stdout);
    generate(&opts, &keys, &mut out)?;
    out.flush()?;
    Ok(0)
}

/// The stream spans an hour of activations and then 30 ms per submission; it is placed so that
/// its last event is a minute in the past, so that an import right away accepts every line.
fn stream_start(
    now: chrono::DateTime<chrono::Utc>,
    args: &GenArgs,
) -> chrono::DateTime<chrono::Utc> {
    let events =
        i64::try_from(args.establishments.saturating_add(args.jobs)).unwrap_or(i64::MAX / 60);
    now - chrono::Duration::hours(1)
        - chrono::Duration::milliseconds(events.saturating_mul(30))
        - chrono::Duration::minutes(1)
}

/// `madoguchi calendar add|list|remove`.
///
/// # Errors
/// Database failure; refusals (not admin, duplicate date) are printed with exit 1.
pub fn run_calendar(
    cmd: &CalendarCmd,
    store: &mut Store,
    _cfg: &Config,
    ctx: Option<&Ctx>,
    lang: Lang,
) -> anyhow::Result<i32> {
    let need = || ctx.ok_or_else(|| anyhow::anyhow!("calendar changes need an admin (--as NAME)"));
    match cmd {
        CalendarCmd::Add { date, reason } => {
            let r =
                service::calendar::add_closure(store, &need()?.at(clock::now()), *date, reason)?;
            outln!("{date} {}", label(lang, Label::ClosureAdded))?;
            if r.no_official_data {
                eprintln!("{}", label(lang, Label::NoOfficialHolidayData));
            }
        }
        CalendarCmd::Remove { date } => {
            let reason =
                service::calendar::remove_closure(store, &need()?.at(clock::now()), *date)?;
            outln!(
                "{date} {} ({})",
                label(lang, Label::ClosureRemoved),
                sanitize(&reason, false)
            )?;
        }
        CalendarCmd::List { year } => {
            let year = year.unwrap_or_else(|| clock::jst_date(clock::now()).year());
            let v = service::calendar::list(store, year)?;
            if !v.official_data {
                eprintln!("{}", label(lang, Label::NoOfficialHolidayData));
            }
            for (d, name) in &v.holidays {
                outln!(
                    "{d} {} {}",
                    label(lang, Label::Holiday),
                    sanitize(name, false)
                )?;
            }
            for (d, reason) in &v.closures {
                outln!(
                    "{d} {} {}",
                    label(lang, Label::Closure),
                    sanitize(reason, false)
                )?;
            }
        }
    }
    Ok(0)
}
