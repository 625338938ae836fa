//! `madoguchi init` and `madoguchi passwd`.

use super::prompt::{self, NEW_PASSWORD_ENV, PASSWORD_ENV};
use super::{CliCtx, code};
use crate::cli::out::outln;
use crate::i18n::cli::{CliMsg, Label, label, msg};
use crate::service::{auth, setup};

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// 5-digit office code (安定所コード), e.g. 13010
    #[arg(long)]
    pub office_code: String,
    /// Office name, e.g. 飯田橋
    #[arg(long)]
    pub office_name: String,
    /// Sign-in ID of the first admin
    #[arg(long, value_name = "NAME")]
    pub admin: String,
    /// The admin's name as shown on screens
    #[arg(long, default_value = "")]
    pub display_name: String,
    /// A training database: `MADOGUCHI_NOW` may replace the clock (SPEC §6); never for live use
    #[arg(long)]
    pub training: bool,
}

/// The first admin's password: typed twice, or `MADOGUCHI_PASSWORD`.
///
/// # Errors
/// Invalid input, a database that already has staff, a storage failure.
pub fn run(a: &InitArgs, ctx: &CliCtx) -> anyhow::Result<i32> {
    let pw = prompt::new_password(
        ctx.lang,
        PASSWORD_ENV,
        Label::PasswordPrompt,
        Label::PasswordAgainPrompt,
    )?;
    let id = setup::init(
        &mut ctx.store(),
        &setup::InitInput {
            office_code: a.office_code.trim(),
            office_name: &a.office_name,
            admin_name: a.admin.trim(),
            admin_display_name: &a.display_name,
            admin_password: &pw,
            terminal: &ctx.terminal,
            now: ctx.now(),
        },
    )?;
    if a.training {
        setup::mark_training(&mut ctx.store(), &ctx.terminal, ctx.now())?;
    }
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "ok": true, "admin_id": id, "training": a.training, "admin": a.admin.trim(),
            "office_code": a.office_code.trim(), "office_name": a.office_name.trim(),
            "db": ctx.db_path,
        }))?;
    } else {
        outln!(
            "{}",
            msg(
                ctx.lang,
                &CliMsg::Initialised {
                    code: a.office_code.trim(),
                    name: a.office_name.trim(),
                    admin: a.admin.trim(),
                }
            )
        )?;
    }
    Ok(code::OK)
}

/// R-AUTH-4: the acting staff member sets a new password (current one from the sign-in).
///
/// # Errors
/// Sign-in failure, a new password that breaks the policy, a storage failure.
pub fn passwd(ctx: &CliCtx) -> anyhow::Result<i32> {
    let (session, current) = ctx.authenticate()?;
    let new = prompt::new_password(
        ctx.lang,
        NEW_PASSWORD_ENV,
        Label::NewPasswordPrompt,
        Label::NewPasswordAgainPrompt,
    )?;
    auth::change_password(
        &mut ctx.store(),
        &session.ctx.at(ctx.now()),
        &current,
        &new,
        &new,
    )?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({"ok": true}))?;
    } else {
        outln!("{}", label(ctx.lang, Label::PasswordChanged))?;
    }
    Ok(code::OK)
}
