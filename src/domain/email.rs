//! Account email rules (R-REG-2, R-REG-3).
// STUB: the domain helper replaces this with the complete rules and tests.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("empty")]
    Empty,
    #[error("too long: {len}")]
    TooLong { len: usize },
    /// Full-width input; `converted` is the half-width form the clerk may accept.
    #[error("full-width")]
    FullWidth { converted: String },
    #[error("non-ascii")]
    NonAscii,
    #[error("at sign")]
    AtSign,
    #[error("domain")]
    Domain,
    #[error("local part")]
    LocalPart,
    #[error("mismatch")]
    Mismatch,
}

/// A validated email address: trimmed, domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Validates per R-REG-2.
    ///
    /// # Errors
    /// The first rule the input breaks.
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::AtSign)?;
        if !domain.contains('.') {
            return Err(EmailError::Domain);
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    #[must_use]
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Both entries must be the same address (R-REG-1: typed twice).
///
/// # Errors
/// The rule the first entry breaks, or `Mismatch`.
pub fn parse_confirmed(first: &str, second: &str) -> Result<Email, EmailError> {
    let e = Email::parse(first)?;
    if first.trim() != second.trim() {
        return Err(EmailError::Mismatch);
    }
    Ok(e)
}

/// R-REG-3: a free-mail domain on an employer account is a warning.
#[must_use]
pub fn is_free_mail(email: &Email, free_domains: &[String]) -> bool {
    free_domains
        .iter()
        .any(|d| d.eq_ignore_ascii_case(email.domain()))
}

/// STUB list; the domain helper provides the full one.
#[must_use]
pub fn default_free_mail_domains() -> Vec<String> {
    ["gmail.com", "yahoo.co.jp"]
        .iter()
        .map(|s| (*s).to_string())
        .collect()
}

impl Email {
    /// Comparison key for uniqueness (R-REG-2): local part as typed, domain lower-cased.
    #[must_use]
    pub fn key(&self) -> String {
        self.0.clone()
    }
}

impl EmailError {
    /// STUB: stable code for messages.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid"
    }
}
