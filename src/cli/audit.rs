//! `madoguchi audit ...` (R-AUD-2).

use super::{CliCtx, code, safe};
use crate::cli::out::outln;
use crate::clock::{fmt_jst, from_db};
use crate::i18n::cli::{CliMsg, Label, label, msg};
use crate::service::audit;

#[derive(Debug, clap::Subcommand)]
pub enum AuditCmd {
    /// Check the hash chain; exit 5 and the first bad row when it is broken
    Verify,
    /// The newest rows (supervisor, auditor), filtered
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Staff sign-in name
        #[arg(long)]
        staff: Option<String>,
        /// An action (lookup.reveal) or a prefix ending in "." (lookup.)
        #[arg(long)]
        action: Option<String>,
        /// The customer or object as logged (account:12)
        #[arg(long)]
        subject: Option<String>,
        /// First JST day (2026-12-01, 2026/12/1, R8.12.1…)
        #[arg(long, value_parser = super::date_arg)]
        since: Option<chrono::NaiveDate>,
        /// Last JST day (inclusive)
        #[arg(long, value_parser = super::date_arg)]
        until: Option<chrono::NaiveDate>,
    },
    /// Write the rows of JST days SINCE..=UNTIL as CSV to stdout (the export is logged)
    Export {
        #[arg(long, value_parser = super::date_arg)]
        since: chrono::NaiveDate,
        #[arg(long, value_parser = super::date_arg)]
        until: Option<chrono::NaiveDate>,
    },
    /// After a restore from a replica: record the audit log's head anew (admin), when the chain
    /// is whole but its head file is missing or ahead of this database
    Anchor,
    /// Remove the rows older than [audit] `retention_days` (admin); the chain still verifies
    /// from the signed cut point
    Trim {
        /// Days to keep instead of the configured `retention_days`
        #[arg(long)]
        days: Option<u32>,
    },
    /// R-AUD-3: lookups per staff per day, lookups not followed by business, after-hours access
    Report {
        /// One JST day (default: today)
        #[arg(long, conflicts_with_all = ["since", "until"], value_parser = super::date_arg)]
        date: Option<chrono::NaiveDate>,
        #[arg(long, value_parser = super::date_arg)]
        since: Option<chrono::NaiveDate>,
        #[arg(long, value_parser = super::date_arg)]
        until: Option<chrono::NaiveDate>,
    },
}

/// # Errors
/// Storage failure; for `list` sign-in failure or `Denied`.
pub fn run(cmd: &AuditCmd, ctx: &CliCtx) -> anyhow::Result<i32> {
    match cmd {
        AuditCmd::Verify => {
            let r = audit::verify(&ctx.store())?;
            let status = if r.first_bad.is_some() {
                code::TAMPERED
            } else {
                code::OK
            };
            if ctx.json {
                ctx.print_json(&serde_json::json!({
                    "ok": r.first_bad.is_none(), "rows": r.rows,
                    "head": r.head.as_ref().map(|(id, hash)| serde_json::json!({"id": id, "hash": hash})),
                    "first_bad": r.first_bad.as_ref().map(|(id, why)| serde_json::json!({"id": id, "reason": why})),
                }))?;
            }
            match &r.first_bad {
                None if !ctx.json => {
                    outln!("{}", msg(ctx.lang, &CliMsg::AuditOk { rows: r.rows }))?;
                    // Kept elsewhere, the head lets a later check notice rows cut off the end.
                    if let Some((id, hash)) = &r.head {
                        outln!("head: #{id} {hash}")?;
                    }
                }
                None => {}
                Some((id, why)) => {
                    tracing::error!(row = id, "audit chain broken: {why}");
                    eprintln!(
                        "{}",
                        msg(
                            ctx.lang,
                            &CliMsg::AuditBroken {
                                id: *id,
                                reason: why
                            }
                        )
                    );
                }
            }
            Ok(status)
        }
        AuditCmd::Export { since, until } => {
            let s = ctx.session()?;
            let until = until.unwrap_or_else(|| crate::clock::jst_date(ctx.now()));
            let mut out = crate::cli::out::Stdout;
            let n = audit::export_csv(
                &mut ctx.store(),
                &s.ctx.at(ctx.now()),
                *since,
                until,
                &mut out,
            )?;
            eprintln!(
                "{n} {}",
                crate::i18n::cli::lookup_word(ctx.lang, "exported")
            );
            Ok(code::OK)
        }
        AuditCmd::Report { date, since, until } => report(ctx, *date, *since, *until),
        AuditCmd::Anchor => {
            let s = ctx.session()?;
            let a = audit::anchor(&mut ctx.store(), &s.ctx.at(ctx.now()))?;
            if ctx.json {
                ctx.print_json(&a)?;
            } else {
                outln!(
                    "{}",
                    msg(
                        ctx.lang,
                        &CliMsg::AuditAnchored {
                            head: a.head,
                            recorded: a.recorded
                        }
                    )
                )?;
            }
            Ok(code::OK)
        }
        AuditCmd::Trim { days } => {
            let s = ctx.session()?;
            let days = days.unwrap_or(ctx.config.audit.retention_days);
            if days == 0 {
                return Err(super::Exit::new(
                    code::USAGE,
                    crate::i18n::cli::label(ctx.lang, Label::AuditNoRetention),
                )
                .into());
            }
            let t = audit::trim(&mut ctx.store(), &s.ctx.at(ctx.now()), days)?;
            if ctx.json {
                ctx.print_json(&t)?;
            } else {
                outln!(
                    "{}",
                    msg(
                        ctx.lang,
                        &CliMsg::AuditTrimmed {
                            removed: t.removed,
                            first_kept: t.first_kept
                        }
                    )
                )?;
            }
            Ok(code::OK)
        }
        AuditCmd::List {
            limit,
            staff,
            action,
            subject,
            since,
            until,
        } => {
            let s = ctx.session()?;
            let filter = audit::Filter {
                staff: staff.clone(),
                action: action.clone(),
                subject: subject.clone(),
                since: *since,
                until: *until,
            };
            let rows = audit::list(
                &ctx.store(),
                &s.ctx.at(ctx.now()),
                &filter,
                (*limit).clamp(1, 10_000),
            )?;
            if ctx.json {
                ctx.print_json(&rows)?;
                return Ok(code::OK);
            }
            outln!("{}", label(ctx.lang, Label::AuditHeader))?;
            for r in rows {
                let e = &r.entry;
                let at = from_db(&e.at_utc).map_or_else(|| e.at_utc.clone(), fmt_jst);
                let opt = |v: &Option<String>| v.as_deref().map_or_else(|| "-".to_string(), safe);
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    at,
                    opt(&e.staff_name),
                    safe(&e.terminal),
                    safe(&e.action),
                    opt(&e.subject),
                    opt(&e.purpose),
                    safe(&e.outcome)
                )?;
            }
            Ok(code::OK)
        }
    }
}

fn report(
    ctx: &CliCtx,
    date: Option<chrono::NaiveDate>,
    since: Option<chrono::NaiveDate>,
    until: Option<chrono::NaiveDate>,
) -> anyhow::Result<i32> {
    use crate::i18n::cli::lookup_word as w;
    let s = ctx.session()?;
    let today = crate::clock::jst_date(ctx.now());
    let (from, to) = match (date, since, until) {
        (Some(d), _, _) => (d, d),
        (None, Some(a), b) => (a, b.unwrap_or(today)),
        (None, None, Some(b)) => (b, b),
        (None, None, None) => (today, today),
    };
    let r = audit::report(&ctx.store(), &ctx.config, &s.ctx.at(ctx.now()), from, to)?;
    if ctx.json {
        ctx.print_json(&r)?;
        return Ok(code::OK);
    }
    let lang = ctx.lang;
    outln!("== {} ({from} .. {to})", w(lang, "report_per_day"))?;
    for d in &r.per_staff_day {
        outln!("{}\t{}\t{}", d.date, safe(&d.staff), d.lookups)?;
    }
    for (title, lines) in [
        ("report_unfollowed", &r.unfollowed),
        ("report_after_hours", &r.after_hours),
    ] {
        outln!("== {} ({})", w(lang, title), lines.len())?;
        if lines.is_empty() {
            outln!("{}", w(lang, "none"))?;
        }
        for l in lines {
            let at = from_db(&l.at_utc).map_or_else(|| l.at_utc.clone(), fmt_jst);
            let opt = |v: &Option<String>| v.as_deref().map_or_else(|| "-".to_string(), safe);
            outln!(
                "#{}\t{at}\t{}\t{}\t{}\t{}",
                l.id,
                safe(&l.staff),
                safe(&l.action),
                opt(&l.subject),
                opt(&l.purpose)
            )?;
        }
    }
    Ok(code::OK)
}
