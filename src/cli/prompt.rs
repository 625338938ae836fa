//! Secrets typed by the person at the terminal: never echoed, never logged. For scripts and
//! tests `MADOGUCHI_PASSWORD` (and `MADOGUCHI_NEW_PASSWORD` for `passwd`) stand in.

use std::io::{BufRead, IsTerminal};

use super::{Exit, code};
use crate::i18n::Lang;
use crate::i18n::cli::{Label, label};

pub const PASSWORD_ENV: &str = "MADOGUCHI_PASSWORD";
pub const NEW_PASSWORD_ENV: &str = "MADOGUCHI_NEW_PASSWORD";

fn ask(lang: Lang, l: Label) -> anyhow::Result<String> {
    Ok(rpassword::prompt_password(label(lang, l))?)
}

/// The acting staff member's password.
///
/// # Errors
/// No variable and no terminal to prompt on.
pub fn password(lang: Lang, l: Label) -> anyhow::Result<String> {
    match std::env::var(PASSWORD_ENV) {
        Ok(p) => Ok(p),
        Err(_) => ask(lang, l),
    }
}

/// A new password, typed twice (or taken from `env`).
///
/// # Errors
/// The two entries differ (exit 3), or no terminal.
pub fn new_password(lang: Lang, env: &str, first: Label, again: Label) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(env) {
        return Ok(p);
    }
    let a = ask(lang, first)?;
    let b = ask(lang, again)?;
    if a != b {
        return Err(Exit::new(code::REFUSED, label(lang, Label::PasswordsDiffer)).into());
    }
    Ok(a)
}

/// An auth key: the first line of stdin (prompted without echo on a terminal).
///
/// # Errors
/// stdin cannot be read.
pub fn auth_key(lang: Lang) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        return ask(lang, Label::AuthKeyPrompt);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}
