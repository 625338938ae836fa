//! `madoguchi audit ...` (R-AUD-2).

use super::{CliCtx, code, safe};
use crate::clock::{fmt_jst, from_db};
use crate::i18n::cli::{Label, Msg, label, msg};
use crate::service::audit;

#[derive(Debug, clap::Subcommand)]
pub enum AuditCmd {
    /// Check the hash chain; exit 5 and the first bad row when it is broken
    Verify,
    /// The newest rows (supervisor, auditor)
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
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
                    println!("{}", msg(ctx.lang, &Msg::AuditOk { rows: r.rows }));
                    // Kept elsewhere, the head lets a later check notice rows cut off the end.
                    if let Some((id, hash)) = &r.head {
                        println!("head: #{id} {hash}");
                    }
                }
                None => {}
                Some((id, why)) => {
                    tracing::error!(row = id, "audit chain broken: {why}");
                    eprintln!(
                        "{}",
                        msg(
                            ctx.lang,
                            &Msg::AuditBroken {
                                id: *id,
                                reason: why
                            }
                        )
                    );
                }
            }
            Ok(status)
        }
        AuditCmd::List { limit } => {
            let s = ctx.session()?;
            let rows = audit::recent(
                &ctx.store(),
                &s.ctx.at(ctx.now()),
                (*limit).clamp(1, 10_000),
            )?;
            if ctx.json {
                ctx.print_json(&rows)?;
                return Ok(code::OK);
            }
            println!("{}", label(ctx.lang, Label::AuditHeader));
            for r in rows {
                let e = &r.entry;
                let at = from_db(&e.at_utc).map_or_else(|| e.at_utc.clone(), fmt_jst);
                let opt = |v: &Option<String>| v.as_deref().map_or_else(|| "-".to_string(), safe);
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    at,
                    opt(&e.staff_name),
                    safe(&e.terminal),
                    safe(&e.action),
                    opt(&e.subject),
                    opt(&e.purpose),
                    safe(&e.outcome)
                );
            }
            Ok(code::OK)
        }
    }
}
