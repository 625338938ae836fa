//! Staff password policy (R-AUTH-1): 12..=128 characters, no composition rules, not on the
//! bundled common-password list.
// STUB: the domain helper replaces this with the complete rules and tests.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("common")]
    Common,
    #[error("same as name")]
    SameAsName,
}

/// # Errors
/// The rule the password breaks.
pub fn check_policy(password: &str, staff_name: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < 12 {
        return Err(PasswordError::TooShort);
    }
    if n > 128 {
        return Err(PasswordError::TooLong);
    }
    if password.eq_ignore_ascii_case(staff_name) {
        return Err(PasswordError::SameAsName);
    }
    Ok(())
}

impl PasswordError {
    /// STUB: stable code for messages.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid"
    }
}
