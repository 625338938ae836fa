//! Account email rules (R-REG-2, R-REG-3).
//!
//! R-REG-2: half-width ASCII only, at most 100 characters, exactly one `@`, a local part of RFC 5322
//! `atext` characters and single dots, a domain of at least two labels (letters, digits, inner
//! hyphens) whose last label is not all digits. Surrounding whitespace (U+3000 included) is
//! trimmed. Full-width input is refused with the half-width form the clerk may confirm.
//! A local part with a dot at its start or end, or two dots in a row (old Japanese carrier
//! addresses such as `taro..yamada@docomo.ne.jp`, `hanako.@ezweb.ne.jp`), breaks the mail
//! standard and cannot be delivered: it gets a reason of its own, [`EmailError::LocalPartDots`].
//!
//! Identity (R-REG-2 as corrected): the address is stored as typed (the domain lower-cased), but
//! uniqueness and every lookup compare the whole address case-insensitively, through the one
//! key function [`Email::key`] (`Taro@Gmail.com` and `taro@gmail.com` are one address, as every
//! mail provider treats them). [`key_of_input`] and [`key_of_stored`] are the only other ways
//! to get a key, and both go through it.

use unicode_normalization::UnicodeNormalization;

/// R-REG-2: longest accepted address, in characters.
pub const MAX_LEN: usize = 100;
/// RFC 5321 §4.5.3.1.1: longest local part.
pub const MAX_LOCAL_LEN: usize = 64;
/// RFC 1035: longest domain label.
pub const MAX_LABEL_LEN: usize = 63;

/// Why an email was refused. The variant list is stable; the UI maps [`EmailError::code`] to
/// Japanese/English messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing but whitespace was typed.
    #[error("empty")]
    Empty,
    /// More than [`MAX_LEN`] characters (after trimming).
    #[error("too long: {len}")]
    TooLong { len: usize },
    /// Full-width input; `converted` is the valid half-width (NFKC) form the clerk may accept.
    #[error("full-width")]
    FullWidth { converted: String },
    /// A character outside half-width ASCII (and not a full-width form with a valid conversion).
    #[error("non-ascii")]
    NonAscii,
    /// No `@`, or more than one.
    #[error("at sign")]
    AtSign,
    /// The part after `@` is not a valid domain.
    #[error("domain")]
    Domain,
    /// The part before `@` is empty, too long, or has a character not allowed.
    #[error("local part")]
    LocalPart,
    /// The part before `@` starts or ends with a dot, or has two dots in a row: an old carrier
    /// address that breaks the mail standard and cannot be delivered.
    #[error("local part dots")]
    LocalPartDots,
    /// The two typed entries do not denote the same address (R-REG-1).
    #[error("mismatch")]
    Mismatch,
}

impl EmailError {
    /// Stable `snake_case` code for messages and logs.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            EmailError::Empty => "empty",
            EmailError::TooLong { .. } => "too_long",
            EmailError::FullWidth { .. } => "full_width",
            EmailError::NonAscii => "non_ascii",
            EmailError::AtSign => "at_sign",
            EmailError::Domain => "domain",
            EmailError::LocalPart => "local_part",
            EmailError::LocalPartDots => "local_part_dots",
            EmailError::Mismatch => "mismatch",
        }
    }
}

/// A validated email address: trimmed, local part as typed, domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Validates per R-REG-2.
    ///
    /// # Errors
    /// The first rule the input breaks, in this order: `Empty`, `FullWidth`/`NonAscii`,
    /// `TooLong`, `AtSign`, `LocalPart`, `Domain`.
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if !s.is_ascii() {
            return Err(full_width_or_non_ascii(s));
        }
        parse_ascii(s)
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `@`, as typed.
    #[must_use]
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(l, _)| l)
    }

    /// The part after `@`, lower-cased.
    #[must_use]
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// Comparison key for uniqueness and every lookup (R-REG-2): the whole address lower-cased.
    /// Two entries denote the same address exactly when their keys are equal.
    #[must_use]
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// Parses what a clerk or the interchange typed, taking the half-width form of a
    /// full-width entry (as lookups and imports do: the form's confirm step is for the clerk).
    ///
    /// # Errors
    /// As [`Email::parse`], except that `FullWidth` is converted.
    pub fn parse_converting(input: &str) -> Result<Email, EmailError> {
        Email::parse(input).or_else(|e| match e {
            EmailError::FullWidth { converted } => Email::parse(&converted),
            other => Err(other),
        })
    }
}

/// The comparison key of an address typed to find an account (a full-width entry converted).
/// An old carrier address with misplaced dots is refused for a new account, but accounts
/// registered before that rule still have one: it is looked up like any other address.
///
/// # Errors
/// The rule the entry breaks, when it does not read as an address at all.
pub fn lookup_key(input: &str) -> Result<String, EmailError> {
    match Email::parse_converting(input) {
        Ok(e) => Ok(e.key()),
        Err(EmailError::LocalPartDots) => Ok(input.trim().to_ascii_lowercase()),
        Err(e) => Err(e),
    }
}

/// [`lookup_key`], if the entry reads as an address.
#[must_use]
pub fn key_of_input(input: &str) -> Option<String> {
    lookup_key(input).ok()
}

/// The comparison key of an address as stored. A stored address always parses; should an old
/// row not (rules have tightened since, e.g. [`EmailError::LocalPartDots`]), its whole text
/// lower-cased, which is what [`Email::key`] would give.
#[must_use]
pub fn key_of_stored(stored: &str) -> String {
    Email::parse(stored).map_or_else(|_| stored.trim().to_ascii_lowercase(), |e| e.key())
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Full-width forms block U+FF01..=U+FF5E (＠, ．, ａ, １, …): the characters an IME in
/// full-width mode produces in place of printable ASCII.
fn is_full_width_ascii(c: char) -> bool {
    ('\u{FF01}'..='\u{FF5E}').contains(&c)
}

/// Input with non-ASCII characters: `FullWidth` when every such character is a full-width form
/// and the NFKC result is a valid address, otherwise `NonAscii`.
fn full_width_or_non_ascii(s: &str) -> EmailError {
    if s.chars().all(|c| c.is_ascii() || is_full_width_ascii(c)) {
        let converted: String = s.nfkc().collect();
        if converted.is_ascii()
            && let Ok(e) = parse_ascii(converted.trim())
        {
            return EmailError::FullWidth { converted: e.0 };
        }
    }
    EmailError::NonAscii
}

/// Rules after trimming, for input known to be ASCII.
fn parse_ascii(s: &str) -> Result<Email, EmailError> {
    let len = s.chars().count();
    if len > MAX_LEN {
        return Err(EmailError::TooLong { len });
    }
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(EmailError::AtSign);
    };
    check_local(local)?;
    check_domain(domain)?;
    Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
}

/// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

/// Dot-atom local part: atext runs separated by single dots. Only atext and dots, but a dot
/// misplaced, is [`EmailError::LocalPartDots`].
fn check_local(local: &str) -> Result<(), EmailError> {
    if local.is_empty()
        || local.len() > MAX_LOCAL_LEN
        || !local.chars().all(|c| c == '.' || is_atext(c))
    {
        return Err(EmailError::LocalPart);
    }
    if local.split('.').any(str::is_empty) {
        return Err(EmailError::LocalPartDots);
    }
    Ok(())
}

/// At least two labels of letters, digits and inner hyphens; last label not all digits.
fn check_domain(domain: &str) -> Result<(), EmailError> {
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= MAX_LABEL_LEN
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let tld_ok = labels
        .last()
        .is_some_and(|t| !t.chars().all(|c| c.is_ascii_digit()));
    if labels.len() >= 2 && labels.iter().all(|l| label_ok(l)) && tld_ok {
        Ok(())
    } else {
        Err(EmailError::Domain)
    }
}

/// The address an entry denotes: the parsed key, or the key of the offered full-width
/// conversion. `None` when the entry is not an address.
fn denoted_key(entry: &str) -> Option<String> {
    match Email::parse(entry) {
        Ok(e) => Some(e.key()),
        Err(EmailError::FullWidth { converted }) => Some(converted.to_ascii_lowercase()),
        Err(_) => None,
    }
}

/// Both entries must denote the same address (R-REG-1: typed twice). Entries are compared by
/// their keys (R-REG-2: the whole address, case-insensitively); the first entry is the one kept.
///
/// When both denote the same address but the first is full-width, the result is the first
/// entry's `FullWidth { converted }`, so the clerk confirms the conversion once.
///
/// # Errors
/// The rule the first entry breaks (other than `FullWidth`), else `Mismatch` when the second
/// entry denotes no address or another one, else `FullWidth` of the first.
pub fn parse_confirmed(first: &str, second: &str) -> Result<Email, EmailError> {
    let first_result = Email::parse(first);
    let first_key = match &first_result {
        Ok(e) => e.key(),
        Err(EmailError::FullWidth { converted }) => converted.to_ascii_lowercase(),
        Err(e) => return Err(e.clone()),
    };
    if denoted_key(second).as_deref() != Some(first_key.as_str()) {
        return Err(EmailError::Mismatch);
    }
    first_result
}

/// R-REG-3: a free-mail domain on an employer account is a warning. Case-insensitive exact
/// domain match (a subdomain of a listed domain does not match); list entries are trimmed.
#[must_use]
pub fn is_free_mail(email: &Email, free_domains: &[String]) -> bool {
    free_domains
        .iter()
        .any(|d| d.trim().eq_ignore_ascii_case(email.domain()))
}

/// R-REG-3: the default list of free-mail and mobile-carrier domains (configurable elsewhere).
#[must_use]
pub fn default_free_mail_domains() -> Vec<String> {
    [
        "gmail.com",
        "yahoo.co.jp",
        "ymail.ne.jp",
        "outlook.jp",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.jp",
        "icloud.com",
        "me.com",
        "live.jp",
        "aol.com",
        "gmx.com",
        "yandex.com",
        "protonmail.com",
        "proton.me",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "excite.co.jp",
        "goo.jp",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

#[cfg(test)]
mod tests;
