//! What every command gets: the opened store, the configuration, the language, the output
//! form, the terminal identity, and the sign-in of the staff member named by `--as`.

use crate::cli::out::outln;
use std::cell::{RefCell, RefMut};
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::prompt;
use super::{Exit, code};
use crate::config::Config;
use crate::i18n::Lang;
use crate::i18n::cli::{CliMsg, Label, label, msg};
use crate::service::auth::{self, Session, SignInError};
use crate::storage::Store;

pub struct CliCtx {
    pub db_path: PathBuf,
    pub config: Config,
    pub lang: Lang,
    /// `--json`: data goes to stdout as one JSON document.
    pub json: bool,
    /// tty and SSH client, for the audit log (R-AUD-1).
    pub terminal: String,
    /// `--as` / `MADOGUCHI_AS`: the staff member acting.
    pub as_name: Option<String>,
    store: RefCell<Store>,
}

/// Everything but the store, decided before it is opened.
#[derive(Debug, Clone)]
pub struct Settings {
    pub db_path: PathBuf,
    pub config: Config,
    pub lang: Lang,
    pub json: bool,
    pub terminal: String,
    pub as_name: Option<String>,
    /// The configuration file named or found (it may not exist: then the defaults apply).
    pub config_path: Option<PathBuf>,
}

impl CliCtx {
    /// Opens the database: `create` only for `init` (elsewhere a missing file is a typo, not a
    /// wish for an empty database).
    ///
    /// # Errors
    /// No database (exit 4) or one that cannot be opened.
    pub fn open(s: Settings, create: bool) -> anyhow::Result<CliCtx> {
        CliCtx::open_with(s, create, true)
    }

    /// As [`CliCtx::open`]; `guarded: false` skips the start check of the audit log's guard
    /// triggers (R-AUD-2), for `audit verify`, which reports them itself.
    ///
    /// # Errors
    /// As [`CliCtx::open`]; a missing guard trigger (exit 5).
    pub fn open_with(s: Settings, create: bool, guarded: bool) -> anyhow::Result<CliCtx> {
        if !create && !s.db_path.exists() {
            let path = s.db_path.display().to_string();
            return Err(Exit::new(
                code::NOT_FOUND,
                msg(s.lang, &CliMsg::NoDatabase { path: &path }),
            )
            .into());
        }
        let opened = if guarded {
            Store::open(&s.db_path)
        } else {
            Store::open_unguarded(&s.db_path)
        };
        let store = match opened {
            Ok(st) => st,
            Err(crate::storage::StorageError::AuditGuard(names)) => {
                let names = names.join(", ");
                return Err(Exit::new(
                    code::TAMPERED,
                    msg(s.lang, &CliMsg::AuditGuard { names: &names }),
                )
                .into());
            }
            Err(e) => return Err(e.into()),
        };
        Ok(CliCtx {
            db_path: s.db_path,
            config: s.config,
            lang: s.lang,
            json: s.json,
            terminal: s.terminal,
            as_name: s.as_name,
            store: RefCell::new(store),
        })
    }

    /// The one store of this invocation. Commands run one at a time, so the borrow never
    /// overlaps another.
    pub fn store(&self) -> RefMut<'_, Store> {
        self.store.borrow_mut()
    }

    /// The current time (`MADOGUCHI_NOW` honoured).
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        crate::clock::now()
    }

    /// Signs in the `--as` staff member (password from `MADOGUCHI_PASSWORD` or a no-echo
    /// prompt). R-AUTH-4: refused while a password change is pending.
    ///
    /// # Errors
    /// No `--as` (exit 2), a failed sign-in (exit 4, the one message R-AUTH-2 allows), a
    /// pending password change (exit 3).
    pub fn session(&self) -> anyhow::Result<Session> {
        let (s, _) = self.authenticate()?;
        if s.must_change_password {
            return Err(Exit::new(
                code::REFUSED,
                msg(
                    self.lang,
                    &CliMsg::MustChangePassword {
                        name: &s.ctx.staff_name,
                    },
                ),
            )
            .into());
        }
        Ok(s)
    }

    /// Signs in without the R-AUTH-4 check, returning the password typed (for `passwd`).
    ///
    /// # Errors
    /// As [`CliCtx::session`].
    pub fn authenticate(&self) -> anyhow::Result<(Session, String)> {
        let Some(name) = self.as_name.as_deref().filter(|n| !n.is_empty()) else {
            return Err(Exit::new(code::USAGE, label(self.lang, Label::NeedAs)).into());
        };
        let pw = prompt::password(self.lang, Label::PasswordPrompt)?;
        let r = auth::sign_in(&mut self.store(), name, &pw, &self.terminal, self.now());
        match r {
            Ok(s) => {
                tracing::info!(staff = %s.ctx.staff_name, "signed in");
                Ok((s, pw))
            }
            Err(SignInError::Refused(why)) => {
                tracing::warn!(reason = why.code(), "sign-in refused");
                Err(Exit::new(code::DENIED, label(self.lang, Label::SignInFailed)).into())
            }
            Err(SignInError::Service(e)) => Err(e.into()),
        }
    }

    /// Prints a value as JSON on stdout, C1 controls and bidi overrides escaped (SPEC §5).
    ///
    /// # Errors
    /// Only if the value cannot be serialised.
    pub fn print_json<T: serde::Serialize + ?Sized>(&self, v: &T) -> anyhow::Result<()> {
        outln!(
            "{}",
            crate::domain::text::json_safe(&serde_json::to_string_pretty(v)?)
        )?;
        Ok(())
    }
}
