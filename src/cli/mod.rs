//! The command line (clap derive). Every command calls the same `service/` functions as the
//! TUI; with no subcommand the TUI starts. Words come from `i18n::cli`.

pub mod account;
pub mod audit;
pub mod context;
pub mod demo;
pub mod import_watch;
pub mod init;
pub mod lookup;
pub mod mail;
pub mod ops;
pub mod out;
pub mod prompt;
pub mod review;
pub mod staff;
pub mod submissions;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub use context::{CliCtx, Settings};

use crate::config::Config;
use crate::i18n::Lang;
use crate::i18n::cli::{Label, error_message, issue_message, label, severity_label};
use crate::service::{ServiceError, Severity};

/// Exit statuses (documented in README.md).
pub mod code {
    /// Done.
    pub const OK: i32 = 0;
    /// Something failed (database, file, terminal); details in the log file.
    pub const ERROR: i32 = 1;
    /// Bad command line or configuration file (clap uses 2 as well).
    pub const USAGE: i32 = 2;
    /// Refused by a rule: invalid input, unaccepted warnings, email in use, state changed,
    /// a key that did not activate, a password change pending.
    pub const REFUSED: i32 = 3;
    /// Not found, not permitted, or the sign-in failed.
    pub const DENIED: i32 = 4;
    pub const NOT_FOUND: i32 = 4;
    /// `audit verify`: the hash chain is broken; any command: the audit log's guard triggers
    /// are missing (R-AUD-2).
    pub const TAMPERED: i32 = 5;
}

/// An error that already carries its message and exit status.
#[derive(Debug)]
pub struct Exit {
    pub code: i32,
    pub message: String,
}

impl Exit {
    #[must_use]
    pub fn new(code: i32, message: impl Into<String>) -> Exit {
        Exit {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Ja,
    En,
}

/// `--version`: the program's version and the database schema version it writes.
pub static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::i18n::ops::ops_msg(
        Lang::Ja,
        &crate::i18n::ops::OpsMsg::Version {
            version: env!("CARGO_PKG_VERSION"),
            schema: crate::storage::migrate::current_version(),
        },
    )
    .trim_start_matches("madoguchi ")
    .to_string()
});

/// 窓口 (madoguchi): Hello Work counter and back-office terminal application.
#[derive(Debug, Parser)]
#[command(name = "madoguchi", version = VERSION.as_str())]
pub struct Cli {
    /// Database file [env: `MADOGUCHI_DB`] (default: the data dir's madoguchi.db)
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Configuration file [env: `MADOGUCHI_CONFIG`] (default: the config dir's madoguchi.toml)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Language of messages (default: config ui.language, else ja)
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// Staff member acting; the password comes from `MADOGUCHI_PASSWORD` or a prompt
    #[arg(long = "as", global = true, value_name = "NAME", env = "MADOGUCHI_AS")]
    pub as_name: Option<String>,
    /// Print data as JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database: office identity and the first admin
    Init(init::InitArgs),
    /// Change your own password (required after an admin reset, R-AUTH-4)
    Passwd,
    /// Staff accounts (admin)
    Staff {
        #[command(subcommand)]
        cmd: staff::StaffCmd,
    },
    /// Customer accounts: register at the counter, show, re-issue the auth key, activate
    Account {
        #[command(subcommand)]
        cmd: account::AccountCmd,
    },
    /// The audit log
    Audit {
        #[command(subcommand)]
        cmd: audit::AuditCmd,
    },
    /// Notification mail
    Mail {
        #[command(subcommand)]
        cmd: mail::MailCmd,
    },
    /// Import interchange events (JSON Lines) from the Internet Service; "-" reads stdin
    Import(submissions::ImportArgs),
    /// Export registered establishments and job offers as JSON Lines (R-IO-3)
    Export(submissions::ExportArgs),
    /// Write a valid event stream of any size (creates its accounts in the database)
    Gen(submissions::GenArgs),
    /// Office closures of the closed-day calendar (R-DL-2)
    Calendar {
        #[command(subcommand)]
        cmd: submissions::CalendarCmd,
    },
    /// A throw-away database with sample staff and accounts, then the TUI
    Demo(demo::DemoArgs),
    /// Review work lists (R-REV-6)
    Queue {
        #[command(subcommand)]
        cmd: review::QueueCmd,
    },
    /// Review actions: check, approve, return, reject, claim, release, handover, comment
    Review {
        #[command(subcommand)]
        cmd: review::ReviewCmd,
    },
    /// Counter visits (R-VISIT-1)
    Visit {
        #[command(subcommand)]
        cmd: review::VisitCmd,
    },
    /// The deadline sweep (R-DL-3): expire, purge, remind
    Sweep,
    /// Forgotten-ID lookup: search customers (masked), reveal after the identity check, mail the ID
    Lookup(Box<lookup::LookupArgs>),
    /// Online backup while clerks work (SQLite backup API), checked; the install secret goes beside it
    Backup(ops::BackupArgs),
    /// Restore a checked backup to --db, which must not exist (never over a live database)
    Restore(ops::RestoreArgs),
    /// Check the installation: database, triggers, audit chain, file modes, config, SMTP, spool,
    /// WAL, unsent mail, calendar and minimum wage tables (exit 0 ok, 1 warning, 2 error)
    Doctor,
    /// Print a shell completion script (bash, zsh, fish)
    Completions(ops::CompletionsArgs),
    /// Print the manual page (roff) generated from these definitions
    Man,
}

/// Resolves paths, configuration and language before anything else runs.
///
/// # Errors
/// A configuration file that cannot be read or parsed (exit 2).
pub fn settings(cli: &Cli) -> anyhow::Result<Settings> {
    let db_path = match &cli.command {
        Some(Command::Demo(_)) => demo::db_path(cli.db.clone()),
        _ => crate::paths::resolve_db(cli.db.clone(), std::env::var_os(crate::paths::DB_ENV))?,
    };
    let config_path = crate::paths::resolve_config(
        cli.config.clone(),
        std::env::var_os(crate::paths::CONFIG_ENV),
    );
    let config = match &config_path {
        Some(p) => Config::load(p).map_err(|e| Exit::new(code::USAGE, e.to_string()))?,
        None => Config::default(),
    };
    let lang = match cli.lang {
        Some(LangArg::Ja) => Lang::Ja,
        Some(LangArg::En) => Lang::En,
        None => config.ui.language.into(),
    };
    Ok(Settings {
        db_path,
        config,
        lang,
        json: cli.json,
        terminal: crate::terminal_id::current(),
        as_name: cli.as_name.clone(),
        config_path,
    })
}

/// Runs the command and returns the exit status; every failure is reported here, once.
#[must_use]
pub fn run(cli: Cli, s: Settings) -> i32 {
    let (lang, json) = (s.lang, s.json);
    match dispatch(cli, s) {
        Ok(c) => c,
        // The reader of stdout went away (`| head`): what it read was what it wanted.
        Err(e) if out::closed() => {
            tracing::info!("stdout closed by its reader: {e:#}");
            code::OK
        }
        Err(e) => report(lang, json, &e),
    }
}

fn dispatch(cli: Cli, s: Settings) -> anyhow::Result<i32> {
    let Some(command) = cli.command else {
        return tui_checked(s);
    };
    let create = matches!(command, Command::Init(_));
    match &command {
        Command::Demo(args) => return demo::run(args, s),
        Command::Restore(a) => return ops::run_restore(a, &s),
        Command::Completions(a) => return ops::run_completions(a),
        Command::Man => return ops::run_man(),
        _ => {}
    }
    let config_path = s.config_path.clone();
    // Opening the store makes the database owner-only again: doctor looks before.
    let modes = matches!(command, Command::Doctor)
        .then(|| crate::service::doctor::file_modes(&s.db_path, &s.config));
    // SPEC §6: `init` honours MADOGUCHI_NOW only when it makes a training database.
    if let Command::Init(a) = &command
        && now_overridden()
        && !a.training
    {
        return Err(now_refused(&s));
    }
    // R-AUD-2: every command but `audit verify` refuses a database whose audit log guards are gone.
    // `doctor` opens it too, to report what is wrong.
    let guarded = !matches!(
        command,
        Command::Audit {
            cmd: audit::AuditCmd::Verify
        } | Command::Doctor
    );
    let ctx = CliCtx::open_with(s.clone(), create, guarded)?;
    if now_overridden() && !create && !crate::storage::settings::is_training(ctx.store().conn())? {
        return Err(now_refused(&s));
    }
    let result = match command {
        Command::Init(a) => init::run(&a, &ctx),
        Command::Passwd => init::passwd(&ctx),
        Command::Staff { cmd } => staff::run(&cmd, &ctx),
        Command::Account { cmd } => account::run(&cmd, &ctx),
        Command::Audit { cmd } => audit::run(&cmd, &ctx),
        Command::Mail { cmd } => mail::run(&cmd, &ctx),
        Command::Import(mut a) => {
            // Without --as the import runs as the system (the Internet Service's feed).
            let acting = signed_in_if_named(&ctx)?;
            a.json = ctx.json;
            submissions::run_import(&a, &mut ctx.store(), &ctx.config, acting.as_ref(), ctx.lang)
        }
        Command::Export(a) => {
            let acting = ctx.session()?.ctx.at(ctx.now());
            submissions::run_export(&a, &mut ctx.store(), &ctx.config, Some(&acting), ctx.lang)
        }
        Command::Gen(a) => {
            let acting = ctx.session()?.ctx.at(ctx.now());
            submissions::run_gen(&a, &mut ctx.store(), &ctx.config, Some(&acting), ctx.lang)
        }
        Command::Calendar { cmd } => {
            let acting = match cmd {
                submissions::CalendarCmd::List { .. } => None,
                _ => Some(ctx.session()?.ctx.at(ctx.now())),
            };
            submissions::run_calendar(
                &cmd,
                &mut ctx.store(),
                &ctx.config,
                acting.as_ref(),
                ctx.lang,
            )
        }
        Command::Demo(_) => Ok(code::OK),
        Command::Queue { cmd } => review::run_queue(&cmd, &ctx),
        Command::Review { cmd } => review::run_review(&cmd, &ctx),
        Command::Visit { cmd } => review::run_visit(&cmd, &ctx),
        Command::Sweep => review::run_sweep(&ctx),
        Command::Lookup(a) => lookup::run(&a, &ctx),
        Command::Backup(a) => ops::run_backup(&a, &ctx),
        Command::Doctor => ops::run_doctor(&ctx, config_path.as_deref(), modes),
        Command::Restore(_) | Command::Completions(_) | Command::Man => Ok(code::OK),
    };
    // The audit rows of reads that waited for the write lock (a sign-in, a view): the output
    // is out already; the rows are written once the other process lets go.
    let flushed = ctx.store().flush_audit(crate::storage::AUDIT_LATER);
    match flushed {
        Ok(true) => result,
        other => {
            tracing::error!(
                "audit rows of this command not written: {:?}",
                other.map_err(|e| e.to_string())
            );
            result?;
            Err(Exit::new(code::ERROR, label(ctx.lang, Label::AuditNotWritten)).into())
        }
    }
}

/// Whether `MADOGUCHI_NOW` is set at all (a value that does not parse counts: it is still an
/// attempt to move the clock).
fn now_overridden() -> bool {
    std::env::var_os(crate::clock::NOW_ENV).is_some_and(|v| !v.is_empty())
}

/// SPEC §6: `MADOGUCHI_NOW` on a live database is refused, never silently honoured: a faked
/// clock would forge audit times.
fn now_refused(s: &Settings) -> anyhow::Error {
    let path = s.db_path.display().to_string();
    tracing::error!(db = %path, "MADOGUCHI_NOW refused on a live database");
    Exit::new(
        code::USAGE,
        crate::i18n::cli::msg(
            s.lang,
            &crate::i18n::cli::CliMsg::NowRefused { path: &path },
        ),
    )
    .into()
}

/// The TUI with `MADOGUCHI_NOW` set starts only on an existing training database.
fn tui_checked(s: Settings) -> anyhow::Result<i32> {
    if now_overridden() {
        let training = s.db_path.exists()
            && crate::storage::Store::open(&s.db_path)
                .ok()
                .map(|st| crate::storage::settings::is_training(st.conn()))
                .transpose()?
                .unwrap_or(false);
        if !training {
            return Err(now_refused(&s));
        }
    }
    tui(s, None)
}

/// The `--as` staff member when one is named, else nobody (the system).
fn signed_in_if_named(ctx: &CliCtx) -> anyhow::Result<Option<crate::service::Ctx>> {
    match ctx.as_name {
        Some(_) => Ok(Some(ctx.session()?.ctx.at(ctx.now()))),
        None => Ok(None),
    }
}

/// Starts the TUI on the database.
///
/// # Errors
/// The terminal or the database could not be set up.
pub fn tui(s: Settings, banner: Option<String>) -> anyhow::Result<i32> {
    let lang = s.lang;
    crate::tui::run(crate::tui::TuiOptions {
        db_path: s.db_path,
        config: s.config,
        terminal: s.terminal,
        banner,
    })
    .map_err(|e| {
        tracing::error!("tui: {e:#}");
        // R-AUD-2: the guard check at start refuses in the same words as the CLI.
        if let Some(crate::storage::StorageError::AuditGuard(names)) = e
            .chain()
            .find_map(|c| c.downcast_ref::<crate::storage::StorageError>())
        {
            let names = names.join(", ");
            return Exit::new(
                code::TAMPERED,
                crate::i18n::cli::msg(
                    lang,
                    &crate::i18n::cli::CliMsg::AuditGuard { names: &names },
                ),
            );
        }
        Exit::new(
            code::ERROR,
            format!("{}: {e}", label(lang, Label::TuiFailed)),
        )
    })?;
    Ok(code::OK)
}

/// Exit status for a refused use case.
#[must_use]
pub fn service_code(e: &ServiceError) -> i32 {
    match e {
        ServiceError::Invalid(_) | ServiceError::EmailInUse { .. } | ServiceError::Refused(_) => {
            code::REFUSED
        }
        ServiceError::Denied | ServiceError::NotFound => code::DENIED,
        ServiceError::Storage(_) | ServiceError::Internal(_) => code::ERROR,
    }
}

fn service_error_kind(e: &ServiceError) -> &'static str {
    match e {
        ServiceError::Invalid(_) => "invalid",
        ServiceError::EmailInUse { .. } => "email_in_use",
        ServiceError::Refused(_) => "state",
        ServiceError::Denied => "denied",
        ServiceError::NotFound => "not_found",
        ServiceError::Storage(_) | ServiceError::Internal(_) => "internal",
    }
}

/// Prints the one short message (stderr; with `--json` also a JSON document on stdout) and
/// logs the detail.
fn report(lang: Lang, json: bool, e: &anyhow::Error) -> i32 {
    let (status, kind, message, issues) = if let Some(x) = e.downcast_ref::<Exit>() {
        tracing::warn!(code = x.code, "refused: {}", x.message);
        (x.code, "refused", x.message.clone(), Vec::new())
    } else if let Some(se) = e.downcast_ref::<ServiceError>() {
        tracing::warn!("service: {se}");
        let status = service_code(se);
        let issues = match se {
            ServiceError::Invalid(v) => v.clone(),
            _ => Vec::new(),
        };
        let message = if let ServiceError::Invalid(v) = se {
            invalid_text(lang, v)
        } else {
            error_message(lang, se)
        };
        (status, service_error_kind(se), message, issues)
    } else if let Some(se) = e
        .chain()
        .find_map(|c| c.downcast_ref::<crate::storage::StorageError>())
        .filter(|se| crate::storage::is_disk_full(se))
    {
        // A full disk is said as such wherever it struck (a sign-in's audit row, a use case).
        tracing::error!("disk full: {se}");
        (
            code::ERROR,
            "disk_full",
            label(lang, Label::DiskFull).to_string(),
            Vec::new(),
        )
    } else if let Some(te) = e.downcast_ref::<crate::mail::transport::TransportError>() {
        // The configuration is wrong, not the program: said in the operator's language.
        tracing::error!("mail transport: {te}");
        (code::ERROR, "config", te.describe(lang), Vec::new())
    } else {
        tracing::error!("{e:#}");
        let message = format!("{}: {e}", label(lang, Label::InternalError));
        (code::ERROR, "error", message, Vec::new())
    };
    if json {
        let issues: Vec<serde_json::Value> = issues
            .iter()
            .map(|i| {
                serde_json::json!({
                    "field": i.field, "severity": i.severity, "code": i.code,
                    "param": i.param, "message": issue_message(lang, i),
                })
            })
            .collect();
        let doc = serde_json::json!({
            "ok": false, "error": kind, "exit_code": status, "message": message, "issues": issues,
        });
        // A reader that is gone cannot be told more; stderr still is.
        let _ = out::outln!("{doc}");
    }
    // Issue 17 item 9: whatever the message carries (a typed path, a value from outside), no
    // control sequence reaches the terminal.
    eprintln!("{}", crate::domain::text::sanitize(&message, true));
    status
}

/// Every field issue, errors and warnings told apart (SPEC §5), with the hint to accept
/// warnings when they are all that is left.
#[must_use]
pub fn invalid_text(lang: Lang, issues: &[crate::service::FieldIssue]) -> String {
    let mut out = vec![label(lang, Label::InvalidHeader).to_string()];
    for i in issues {
        out.push(format!(
            "  [{}] {}",
            severity_label(lang, i.severity),
            issue_message(lang, i)
        ));
    }
    if issues.iter().any(|i| i.severity == Severity::Warning) {
        out.push(label(lang, Label::AcceptWarningsHint).to_string());
    }
    out.join("\n")
}

/// Text that came from the database or from outside is shown without control characters.
/// Every date argument (`--since`, `--until`, `--date`, `calendar add DATE`…) is read by the one
/// date parser (`2026-12-01`, `2026/12/1`, `2026年12月1日`, `R8.12.1`, `令和8年12月1日`, full-width).
/// The refusal is worded in Japanese, the default language (clap reads `--lang` in the same
/// pass).
///
/// # Errors
/// The message of the date's issue.
pub fn date_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    crate::domain::date::parse(s).map_err(|e| {
        let issue = crate::service::FieldIssue::error("date", e.code());
        issue_message(Lang::Ja, &issue)
    })
}

#[must_use]
pub fn safe(s: &str) -> String {
    crate::domain::text::sanitize(s, false)
}
