//! `madoguchi mail ...`: a placeholder until mail delivery lands.

use super::{CliCtx, code};
use crate::i18n::cli::{Label, label};

#[derive(Debug, clap::Subcommand)]
pub enum MailCmd {
    /// One delivery pass over the outbox
    Sync,
}

/// # Errors
/// None yet.
pub fn run(cmd: &MailCmd, ctx: &CliCtx) -> anyhow::Result<i32> {
    match cmd {
        MailCmd::Sync => {
            println!("{}", label(ctx.lang, Label::MailNotYet));
            Ok(code::ERROR)
        }
    }
}
