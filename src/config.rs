//! Typed configuration (TOML) from the platform config dir, `--config` or `MADOGUCHI_CONFIG`.
//! A missing file means defaults; a bad file is an error that names the line.

use std::path::{Path, PathBuf};

use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::domain::minwage::MinimumWageTable;

use crate::domain::email::default_free_mail_domains;

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub office: Office,
    pub session: Session,
    pub mail: Mail,
    pub smtp: Smtp,
    pub ui: Ui,
    pub review: Review,
    pub id_change: IdChange,
    pub data: Data,
    pub audit: Audit,
    /// The minimum wage table: the bundled one extended by `data.minimum_wage_file`, read once
    /// when the configuration is read ([`Config::parse`]); `None` for the bundled one.
    #[serde(skip)]
    minimum_wage: Option<Arc<MinimumWageTable>>,
}

/// `[audit]`: R-AUD-2 retention.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Audit {
    /// Rows older than this many days are removed by `madoguchi audit trim` (from a signed cut
    /// point, so the rest still verifies); 0 keeps every row.
    pub retention_days: u32,
}

/// `[data]`: office updates of the bundled data, read at start without a rebuild.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Data {
    /// SPEC §5: a CSV in the format of `assets/minimum-wage-jp.csv` whose amounts add to or
    /// replace the bundled ones (each October's new fiscal year). Relative to the config file.
    pub minimum_wage_file: String,
}

/// The bundled minimum wage table, parsed once.
fn bundled_minimum_wage() -> &'static MinimumWageTable {
    static TABLE: OnceLock<MinimumWageTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        MinimumWageTable::bundled().unwrap_or_else(|e| {
            tracing::error!("bundled minimum wage table: {e}");
            MinimumWageTable::default()
        })
    })
}

/// R-ID-4: whether an ID change at the counter waits for a supervisor's approval.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct IdChange {
    pub needs_supervisor: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Office {
    /// 5-digit office code; when empty the one stored by `madoguchi init` is used.
    pub code: String,
    pub name: String,
    pub phone: String,
    pub hours: String,
    /// R-AUD-3: office hours (JST, "HH:MM"); access outside them is reported as after-hours.
    pub open: String,
    pub close: String,
}

impl Office {
    /// Opening and closing time; the defaults 08:30–17:15 when unset.
    #[must_use]
    pub fn hours_range(&self) -> (chrono::NaiveTime, chrono::NaiveTime) {
        let t = |s: &str, d: (u32, u32)| {
            chrono::NaiveTime::parse_from_str(s, "%H:%M").unwrap_or_else(|_| {
                chrono::NaiveTime::from_hms_opt(d.0, d.1, 0).unwrap_or(chrono::NaiveTime::MIN)
            })
        };
        (t(&self.open, (8, 30)), t(&self.close, (17, 15)))
    }
}

/// `[review]`: R-REV-2 reasons offered for 差戻し and 不受理, and the sweep interval (R-DL-3).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Review {
    pub return_reasons: Vec<String>,
    pub reject_reasons: Vec<String>,
    /// The TUI and `mail sync --watch` run the deadline sweep at most this often.
    pub sweep_interval_minutes: u32,
}

impl Default for Review {
    fn default() -> Self {
        let v = |xs: &[&str]| xs.iter().map(|s| (*s).to_string()).collect();
        Review {
            return_reasons: v(&[
                "入力内容に誤りがあります",
                "労働条件の記載が不足しています",
                "仕事内容が具体的ではありません",
                "賃金・就業時間の記載を確認してください",
                "事業所情報と求人情報が一致しません",
                "その他",
            ]),
            reject_reasons: v(&[
                "法令に違反する内容が含まれています",
                "雇用関係ではありません（業務委託・請負等）",
                "必要な労働条件が明示されていません",
                "求人の実態が確認できません",
                "その他",
            ]),
            sweep_interval_minutes: 10,
        }
    }
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
    /// R-MAIL-1: where `.eml` files go when no `[smtp] host` is set. Empty: `spool/` beside the
    /// database.
    pub spool_dir: String,
    /// Whether this process (a TUI) runs the background sync worker.
    pub worker: bool,
    /// Seconds between background passes (a poke runs one at once).
    pub poll_seconds: u64,
    /// Rows claimed per pass.
    pub batch_size: u32,
    /// R-MAIL-2: a claimed row is another worker's again after this many seconds (crash mid-send).
    pub lease_seconds: u64,
    /// Overall deadline of one send, whatever lettre's own timeouts do.
    pub send_deadline_seconds: u64,
    /// R-MAIL-3: first retry after a temporary failure; doubles per attempt up to `retry_max_seconds`.
    pub retry_first_seconds: u64,
    pub retry_max_seconds: u64,
    /// R-MAIL-3: a mail still failing temporarily this long after it was queued is given up (failed).
    pub give_up_hours: u64,
}

impl Default for Mail {
    fn default() -> Self {
        Mail {
            from: "madoguchi@localhost".into(),
            reply_to: String::new(),
            footer: String::new(),
            free_mail_domains: default_free_mail_domains(),
            spool_dir: String::new(),
            worker: true,
            poll_seconds: 5,
            batch_size: 50,
            lease_seconds: 300,
            send_deadline_seconds: 60,
            retry_first_seconds: 60,
            retry_max_seconds: 3600,
            give_up_hours: 120,
        }
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain text; only sensible towards a relay on the same host.
    None,
    /// STARTTLS required (port 587 style).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465 style).
    Tls,
}

/// `[smtp]`: with an empty `host`, mail goes to the spool folder instead (R-MAIL-1). The password
/// never sits in this file: `password_file` (first line) or `password_env` (a variable name).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    /// Default: 25 for `none`, 587 for `starttls`, 465 for `tls`.
    pub port: Option<u16>,
    pub security: Security,
    pub username: String,
    pub password_file: String,
    pub password_env: String,
    /// lettre's own (connect / per-command) timeout.
    pub timeout_seconds: u64,
    /// An extra PEM CA to trust (private CA, tests).
    pub ca_file: String,
    /// EHLO name; default: this host's name.
    pub hello_name: String,
}

impl Default for Smtp {
    fn default() -> Self {
        Smtp {
            host: String::new(),
            port: None,
            security: Security::Starttls,
            username: String::new(),
            password_file: String::new(),
            password_env: String::new(),
            timeout_seconds: 30,
            ca_file: String::new(),
            hello_name: String::new(),
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
        if cfg.review.return_reasons.is_empty() || cfg.review.reject_reasons.is_empty() {
            return Err(invalid(
                "review.return_reasons と review.reject_reasons には理由を1つ以上書いてください",
            ));
        }
        for (k, v) in [
            ("office.open", &cfg.office.open),
            ("office.close", &cfg.office.close),
        ] {
            if !v.is_empty() && chrono::NaiveTime::parse_from_str(v, "%H:%M").is_err() {
                return Err(invalid(&format!("{k} は \"08:30\" の形の時刻です")));
            }
        }
        cfg.check_mail().map_err(|m| invalid(&m))?;
        cfg.check_texts().map_err(|m| invalid(&m))?;
        let mut cfg = cfg;
        if !cfg.data.minimum_wage_file.is_empty() {
            let file = path
                .parent()
                .unwrap_or_else(|| Path::new("."))
                .join(&cfg.data.minimum_wage_file);
            let text = std::fs::read_to_string(&file).map_err(|e| {
                invalid(&format!(
                    "data.minimum_wage_file {} を読めません: {e}",
                    file.display()
                ))
            })?;
            let mut table = bundled_minimum_wage().clone();
            table
                .extend_from_csv(&text)
                .map_err(|e| invalid(&format!("data.minimum_wage_file {}: {e}", file.display())))?;
            cfg.minimum_wage = Some(Arc::new(table));
        }
        Ok(cfg)
    }

    /// SPEC §5 for the office's own settings: the texts shown in the header, in every mail's
    /// footer and in the reason lists hold no control character or bidi override (only the
    /// footer may break lines) and each has a cap.
    fn check_texts(&self) -> Result<(), String> {
        use crate::domain::text::{char_code, forbidden_char};
        let mut texts: Vec<(String, &str, bool, usize)> = vec![
            ("office.name".into(), &self.office.name, false, 40),
            ("office.phone".into(), &self.office.phone, false, 30),
            ("office.hours".into(), &self.office.hours, false, 60),
            ("mail.footer".into(), &self.mail.footer, true, 600),
        ];
        for (list, reasons) in [
            ("review.return_reasons", &self.review.return_reasons),
            ("review.reject_reasons", &self.review.reject_reasons),
        ] {
            for (i, r) in reasons.iter().enumerate() {
                texts.push((format!("{list} の {} 番目", i + 1), r, false, 60));
            }
        }
        for (key, text, multiline, max) in texts {
            if let Some(c) = forbidden_char(text, multiline) {
                return Err(format!(
                    "{key} に制御文字や文字の向きを変える記号（{}）は使えません",
                    char_code(c)
                ));
            }
            if text.chars().count() > max {
                return Err(format!("{key} は {max} 文字以内です"));
            }
        }
        Ok(())
    }

    /// SPEC §5: the regional minimum wages in use (bundled, or as the office updated them).
    #[must_use]
    pub fn minimum_wage(&self) -> &MinimumWageTable {
        self.minimum_wage
            .as_deref()
            .unwrap_or_else(|| bundled_minimum_wage())
    }

    fn check_mail(&self) -> Result<(), String> {
        let m = &self.mail;
        if m.batch_size == 0 || m.poll_seconds == 0 || m.send_deadline_seconds == 0 {
            return Err(
                "mail.batch_size, mail.poll_seconds, mail.send_deadline_seconds は 1 以上です"
                    .into(),
            );
        }
        // A worker stops starting sends at half the lease, so a send that starts must finish
        // (deadline) before the lease ends: otherwise two workers could send the same row.
        if m.lease_seconds < 2 * m.send_deadline_seconds + 1 {
            return Err(
                "mail.lease_seconds は mail.send_deadline_seconds の 2 倍より長くしてください"
                    .into(),
            );
        }
        if m.retry_first_seconds == 0 || m.retry_max_seconds < m.retry_first_seconds {
            return Err("mail.retry_first_seconds は 1 以上、retry_max_seconds 以下です".into());
        }
        let s = &self.smtp;
        if !s.username.is_empty() && s.password_file.is_empty() && s.password_env.is_empty() {
            return Err("smtp.username には smtp.password_file か smtp.password_env が必要です（パスワードを設定ファイルに書かないでください）".into());
        }
        Ok(())
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
    fn spec_5_office_settings_refuse_control_and_bidi_characters_and_are_capped() {
        for (text, said) in [
            (
                "[office]\nname = \"飯田橋\\u001b]0;x\\u0007\"\n",
                "office.name",
            ),
            ("[office]\nphone = \"03\\u202e1234\"\n", "office.phone"),
            ("[office]\nhours = \"8:30\\u0085\"\n", "office.hours"),
            ("[mail]\nfooter = \"a\\nb\\u0000\"\n", "mail.footer"),
            (
                "[review]\nreturn_reasons = [\"ok\", \"x\\u2066y\"]\n",
                "review.return_reasons の 2 番目",
            ),
        ] {
            let err = Config::parse(text, Path::new("c.toml")).expect_err(text);
            let m = err.to_string();
            assert!(m.contains(said) && m.contains("制御文字"), "{m}");
        }
        let long = format!("[office]\nname = \"{}\"\n", "安".repeat(41));
        let m = Config::parse(&long, Path::new("c.toml"))
            .expect_err("long")
            .to_string();
        assert!(m.contains("office.name は 40 文字以内です"), "{m}");
        // A footer keeps its line breaks.
        let ok = "[mail]\nfooter = \"一行目\\n二行目\"\n";
        assert!(Config::parse(ok, Path::new("c.toml")).is_ok());
    }

    #[test]
    fn full_file_parses() {
        let text = "[office]\ncode = \"13010\"\nname = \"飯田橋\"\n[session]\nidle_lock_minutes = 5\n[mail]\nfrom = \"iidabashi@example.go.jp\"\n[ui]\nlanguage = \"en\"\n";
        let cfg = Config::parse(text, Path::new("c.toml")).expect("ok");
        assert_eq!(cfg.office.name, "飯田橋");
        assert_eq!(cfg.ui.language, Language::En);
        assert_eq!(cfg.session.idle_lock_minutes, 5);
    }

    #[test]
    fn smtp_section_parses_and_never_takes_a_password() {
        let text = "[smtp]\nhost = \"mail.example.go.jp\"\nsecurity = \"tls\"\nusername = \"u\"\npassword_env = \"MADOGUCHI_SMTP_PASSWORD\"\n";
        let cfg = Config::parse(text, Path::new("c.toml")).expect("ok");
        assert_eq!(cfg.smtp.security, Security::Tls);
        assert_eq!(cfg.smtp.host, "mail.example.go.jp");
        assert!(Config::parse("[smtp]\npassword = \"x\"\n", Path::new("c.toml")).is_err());
        assert!(Config::parse("[smtp]\nusername = \"u\"\n", Path::new("c.toml")).is_err());
        assert!(
            Config::parse(
                "[mail]\nlease_seconds = 10\nsend_deadline_seconds = 10\n",
                Path::new("c.toml")
            )
            .is_err()
        );
    }
}
