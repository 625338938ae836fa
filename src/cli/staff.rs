//! `madoguchi staff ...` (admin; the service enforces it).

use super::{CliCtx, code, safe};
use crate::cli::out::outln;
use crate::domain::staff::{Role, Roles};
use crate::i18n::cli::{CliMsg, Label, label, msg, role_label};
use crate::service::staff;

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("{s}: counter | supervisor | admin | auditor"))
}

#[derive(Debug, clap::Subcommand)]
pub enum StaffCmd {
    /// Add a staff member; prints the temporary password once
    Add {
        /// Sign-in ID (a-z 0-9 . _ -)
        name: String,
        /// counter | supervisor | admin | auditor (repeat or comma list)
        #[arg(long = "role", required = true, value_delimiter = ',', value_parser = parse_role)]
        roles: Vec<Role>,
        #[arg(long, default_value = "")]
        display_name: String,
    },
    /// List staff members
    List,
    /// Disable a staff member: they cannot act any more, even in an open session (R-AUTH-3)
    Disable { name: String },
    /// Enable a disabled staff member
    Enable { name: String },
    /// Lift a sign-in lock (R-AUTH-2); logged
    Unlock { name: String },
    /// New temporary password; must be changed at the next sign-in (R-AUTH-4)
    ResetPassword { name: String },
}

/// # Errors
/// Sign-in failure, `Denied` unless admin, `NotFound`, invalid input.
pub fn run(cmd: &StaffCmd, ctx: &CliCtx) -> anyhow::Result<i32> {
    let session = ctx.session()?;
    let sctx = session.ctx.at(ctx.now());
    let lang = ctx.lang;
    let done = |json: serde_json::Value, text: String| -> anyhow::Result<i32> {
        if ctx.json {
            ctx.print_json(&json)?;
        } else {
            outln!("{text}")?;
        }
        Ok(code::OK)
    };
    match cmd {
        StaffCmd::Add {
            name,
            roles,
            display_name,
        } => {
            let pw = staff::add(
                &mut ctx.store(),
                &sctx,
                name,
                display_name,
                &Roles::new(roles.clone()),
            )?;
            done(
                serde_json::json!({"ok": true, "name": name, "temporary_password": pw}),
                msg(
                    lang,
                    &CliMsg::StaffAdded {
                        name,
                        password: &pw,
                    },
                ),
            )
        }
        StaffCmd::List => {
            let list = staff::list(&ctx.store(), &sctx)?;
            if ctx.json {
                ctx.print_json(&list)?;
                return Ok(code::OK);
            }
            outln!("{}", label(lang, Label::StaffHeader))?;
            for s in &list {
                let roles: Vec<&str> = Roles::parse_list(&s.roles.join(","))
                    .iter()
                    .map(|r| role_label(lang, r))
                    .collect();
                let mut status = vec![if s.disabled {
                    label(lang, Label::Disabled)
                } else {
                    label(lang, Label::Active)
                }];
                if s.locked {
                    status.push(label(lang, Label::Locked));
                }
                if s.must_change_password {
                    status.push(label(lang, Label::MustChange));
                }
                outln!(
                    "{}\t{}\t{}\t{}",
                    safe(&s.name),
                    safe(&s.display_name),
                    crate::i18n::labels::join_list(lang, &roles),
                    crate::i18n::labels::join_list(lang, &status)
                )?;
            }
            Ok(code::OK)
        }
        StaffCmd::Disable { name } => {
            staff::disable(&mut ctx.store(), &sctx, name)?;
            done(
                serde_json::json!({"ok": true}),
                msg(lang, &CliMsg::StaffDisabled { name }),
            )
        }
        StaffCmd::Enable { name } => {
            staff::enable(&mut ctx.store(), &sctx, name)?;
            done(
                serde_json::json!({"ok": true}),
                msg(lang, &CliMsg::StaffEnabled { name }),
            )
        }
        StaffCmd::Unlock { name } => {
            staff::unlock(&mut ctx.store(), &sctx, name)?;
            done(
                serde_json::json!({"ok": true}),
                msg(lang, &CliMsg::StaffUnlocked { name }),
            )
        }
        StaffCmd::ResetPassword { name } => {
            let pw = staff::reset_password(&mut ctx.store(), &sctx, name)?;
            done(
                serde_json::json!({"ok": true, "name": name, "temporary_password": pw}),
                msg(
                    lang,
                    &CliMsg::PasswordReset {
                        name,
                        password: &pw,
                    },
                ),
            )
        }
    }
}
