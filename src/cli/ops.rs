//! Operations commands (issue 18): `backup`, `restore`, `doctor`, `completions`, `man`.

use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory as _, ValueEnum};

use super::out::outln;
use super::{CliCtx, Exit, Settings, code};
use crate::i18n::Lang;
use crate::i18n::ops::{
    Level, OpsMsg, advice_label, doctor_summary, finding_text, finding_topic, level_label, ops_msg,
};
use crate::service::backup::{self, BackupError};
use crate::service::doctor;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new backup file (never an existing one); the install secret goes beside it
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file (its install secret beside it); restored to --db, which must not exist
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: Shell,
}

fn refused(lang: Lang, e: &BackupError) -> anyhow::Error {
    let shown = |p: &Path| p.display().to_string();
    let (status, text) = match e {
        BackupError::Exists(p) => (
            code::REFUSED,
            ops_msg(lang, &OpsMsg::BackupExists { path: &shown(p) }),
        ),
        BackupError::NoBackup(p) => (
            code::NOT_FOUND,
            ops_msg(lang, &OpsMsg::RestoreNoBackup { path: &shown(p) }),
        ),
        BackupError::NoSecret(p) => (
            code::REFUSED,
            ops_msg(lang, &OpsMsg::RestoreNoSecret { path: &shown(p) }),
        ),
        BackupError::Check(what, detail) => (
            code::ERROR,
            ops_msg(
                lang,
                &OpsMsg::CheckFailed {
                    what,
                    detail: &crate::cli::safe(detail),
                },
            ),
        ),
        BackupError::Storage(_) | BackupError::Io { .. } => {
            return anyhow::anyhow!("{e}");
        }
    };
    Exit::new(status, text).into()
}

/// `backup PATH`.
///
/// # Errors
/// Refusals (exit 3) and failed checks (exit 1).
pub fn run_backup(a: &BackupArgs, ctx: &CliCtx) -> anyhow::Result<i32> {
    let made = backup::backup(&ctx.store(), &a.path).map_err(|e| match &e {
        BackupError::Exists(p) if p != &a.path => Exit::new(
            code::REFUSED,
            ops_msg(
                ctx.lang,
                &OpsMsg::CompanionExists {
                    path: &p.display().to_string(),
                },
            ),
        )
        .into(),
        _ => refused(ctx.lang, &e),
    })?;
    let r = &made.report;
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "ok": true, "path": a.path, "accounts": r.accounts, "audit_rows": r.audit_rows,
            "head": r.head, "seconds": made.seconds,
            "companions": made.companions.iter().map(|(_, t)| t).collect::<Vec<_>>(),
        }))?;
        return Ok(code::OK);
    }
    outln!(
        "{}",
        ops_msg(
            ctx.lang,
            &OpsMsg::BackupDone {
                path: &a.path.display().to_string(),
                accounts: r.accounts,
                audit_rows: r.audit_rows,
                head: &r.head,
                seconds: made.seconds,
            }
        )
    )?;
    for (from, to) in &made.companions {
        outln!(
            "{}",
            ops_msg(
                ctx.lang,
                &OpsMsg::CompanionCopied {
                    from: &from.display().to_string(),
                    to: &to.display().to_string(),
                }
            )
        )?;
    }
    eprintln!("{}", ops_msg(ctx.lang, &OpsMsg::BackupWarning));
    Ok(code::OK)
}

/// `restore PATH` into the `--db` database, which must not exist. Runs without opening it.
///
/// # Errors
/// Refusals (exit 3), a missing backup (exit 4), failed checks (exit 1).
pub fn run_restore(a: &RestoreArgs, s: &Settings) -> anyhow::Result<i32> {
    let target = &s.db_path;
    let r = backup::restore(&a.path, target).map_err(|e| match &e {
        BackupError::Exists(p) => Exit::new(
            code::REFUSED,
            ops_msg(
                s.lang,
                &OpsMsg::RestoreTargetExists {
                    path: &p.display().to_string(),
                },
            ),
        )
        .into(),
        _ => refused(s.lang, &e),
    })?;
    if s.json {
        outln!(
            "{}",
            serde_json::json!({"ok": true, "from": a.path, "to": target,
                "accounts": r.accounts, "audit_rows": r.audit_rows, "head": r.head})
        )?;
        return Ok(code::OK);
    }
    outln!(
        "{}",
        ops_msg(
            s.lang,
            &OpsMsg::RestoreDone {
                from: &a.path.display().to_string(),
                to: &target.display().to_string(),
                accounts: r.accounts,
                audit_rows: r.audit_rows,
            }
        )
    )?;
    Ok(code::OK)
}

/// `doctor`: exit 0 when every line is 正常, 1 when the worst is 注意, 2 when one is 異常.
///
/// # Errors
/// The database cannot be read at all.
pub fn run_doctor(
    ctx: &CliCtx,
    config_path: Option<&Path>,
    modes_before_open: Option<doctor::Line>,
) -> anyhow::Result<i32> {
    let lines = doctor::run(
        &ctx.store(),
        &doctor::Inputs {
            config: &ctx.config,
            config_path,
            now: ctx.now(),
            modes_before_open,
        },
    )?;
    let worst = doctor::worst(&lines);
    let lang = ctx.lang;
    if ctx.json {
        let rows: Vec<_> = lines
            .iter()
            .map(|l| {
                let (text, advice) = finding_text(lang, &l.finding);
                serde_json::json!({"level": l.level, "check": finding_topic(lang, &l.finding),
                    "text": text, "advice": advice})
            })
            .collect();
        ctx.print_json(&serde_json::json!({"worst": worst, "checks": rows}))?;
    } else {
        for l in &lines {
            let (text, advice) = finding_text(lang, &l.finding);
            outln!(
                "[{}] {}: {}",
                level_label(lang, l.level),
                finding_topic(lang, &l.finding),
                text
            )?;
            if !advice.is_empty() {
                outln!("       {}: {}", advice_label(lang), advice)?;
            }
        }
        outln!("{}", doctor_summary(lang, worst))?;
    }
    Ok(match worst {
        Level::Ok => 0,
        Level::Warn => 1,
        Level::Bad => 2,
    })
}

/// `completions SHELL`: the completion script, from the clap definitions, on stdout.
///
/// # Errors
/// Only when stdout fails.
pub fn run_completions(a: &CompletionsArgs) -> anyhow::Result<i32> {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    let shell = match a.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, &mut cmd, "madoguchi", &mut buf);
    write_out(&buf)
}

/// `man`: the manual page (roff), from the clap definitions, on stdout.
///
/// # Errors
/// Only when stdout fails.
pub fn run_man() -> anyhow::Result<i32> {
    let cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    write_out(&buf)
}

fn write_out(buf: &[u8]) -> anyhow::Result<i32> {
    let text = String::from_utf8_lossy(buf);
    let text = text.strip_suffix('\n').unwrap_or(&text);
    outln!("{text}")?;
    Ok(code::OK)
}
