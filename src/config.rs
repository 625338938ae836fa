//! Typed configuration (TOML) from the platform config dir, `--config` or `MADOGUCHI_CONFIG`.
//! A missing file means defaults; a bad file is an error that names the line.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::email::default_free_mail_domains;

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub office: Office,
    pub session: Session,
    pub mail: Mail,
    pub ui: Ui,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Office {
    /// 5-digit office code; when empty the one stored by `madoguchi init` is used.
    pub code: String,
    pub name: String,
    pub phone: String,
    pub hours: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Session {
    /// R-AUTH-3: the screen locks after this many idle minutes.
    pub idle_lock_minutes: u32,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            idle_lock_minutes: 15,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Mail {
    pub from: String,
    pub reply_to: String,
    /// Extra lines at the end of every mail, after the office name, phone and hours.
    pub footer: String,
    /// R-REG-3: free-mail domains that get a warning on employer accounts.
    pub free_mail_domains: Vec<String>,
}

impl Default for Mail {
    fn default() -> Self {
        Mail {
            from: "madoguchi@localhost".into(),
            reply_to: String::new(),
            footer: String::new(),
            free_mail_domains: default_free_mail_domains(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Ja,
    En,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Ui {
    pub language: Language,
    /// Draw borders with ASCII for terminals that show box-drawing glyphs double-width.
    pub ascii_borders: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("設定ファイル {path} を読めません: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("設定ファイル {path} の {line} 行目が正しくありません: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("設定ファイル {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Config {
    /// Loads `path`; a missing file gives the defaults.
    ///
    /// # Errors
    /// An unreadable file, bad TOML (with its line), or a value that breaks a rule.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Config::parse(&text, path)
    }

    /// # Errors
    /// Bad TOML (with its line) or a value that breaks a rule.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| {
                text[..s.start.min(text.len())].lines().count().max(1)
            });
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                message: e.message().to_string(),
            }
        })?;
        let invalid = |message: &str| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: message.into(),
        };
        let code = &cfg.office.code;
        let code_ok =
            code.is_empty() || (code.len() == 5 && code.chars().all(|c| c.is_ascii_digit()));
        if !code_ok {
            return Err(invalid("office.code は 5 桁の数字です"));
        }
        if cfg.session.idle_lock_minutes == 0 || cfg.session.idle_lock_minutes > 240 {
            return Err(invalid("session.idle_lock_minutes は 1〜240 分です"));
        }
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults() {
        let cfg = Config::load(Path::new("/nonexistent/madoguchi.toml")).expect("defaults");
        assert_eq!(cfg, Config::default());
        assert_eq!(cfg.session.idle_lock_minutes, 15);
    }

    #[test]
    fn bad_file_names_the_line() {
        let text = "[office]\ncode = \"13010\"\nname = 飯田橋\n";
        let err = Config::parse(text, Path::new("c.toml")).expect_err("bad toml");
        match err {
            ConfigError::Parse { line, .. } => assert_eq!(line, 3),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn office_code_must_be_five_digits() {
        let err =
            Config::parse("[office]\ncode = \"1301\"\n", Path::new("c.toml")).expect_err("bad");
        assert!(err.to_string().contains("office.code"));
    }

    #[test]
    fn full_file_parses() {
        let text = "[office]\ncode = \"13010\"\nname = \"飯田橋\"\n[session]\nidle_lock_minutes = 5\n[mail]\nfrom = \"iidabashi@example.go.jp\"\n[ui]\nlanguage = \"en\"\n";
        let cfg = Config::parse(text, Path::new("c.toml")).expect("ok");
        assert_eq!(cfg.office.name, "飯田橋");
        assert_eq!(cfg.ui.language, Language::En);
        assert_eq!(cfg.session.idle_lock_minutes, 5);
    }
}
