//! `madoguchi mail ...`: delivery passes and the operator's queue actions (R-MAIL-1, R-MAIL-7).
//! The commands themselves live in `mail::cli`; this wires them to the CLI's context.

pub use crate::mail::cli::MailCmd;

use super::CliCtx;
use crate::i18n::Lang;

/// `mail sync` runs without a sign-in (it is the delivery service); every operator action
/// signs in the `--as` staff member first.
///
/// # Errors
/// Sign-in failure, storage failure.
pub fn run(cmd: &MailCmd, ctx: &CliCtx) -> anyhow::Result<i32> {
    let session = match cmd {
        MailCmd::Sync { .. } => None,
        _ => Some(ctx.session()?),
    };
    let acting = session.as_ref().map(|s| s.ctx.at(ctx.now()));
    let mut store = ctx.store();
    crate::mail::cli::run_cmd(
        cmd,
        &mut store,
        &ctx.config,
        acting.as_ref(),
        ctx.json,
        ctx.lang == Lang::En,
    )
}
