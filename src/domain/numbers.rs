//! Number fields (SPEC §5): 事業所番号, 法人番号, 求人番号/求職番号, postal code, phone.
// STUB: the domain helper replaces this with the complete rules and tests.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("empty")]
    Empty,
    #[error("format")]
    Format,
    #[error("check digit")]
    CheckDigit,
}

/// NFKC, then drops hyphen-like characters and spaces.
#[must_use]
pub fn normalize_digits(input: &str) -> String {
    input.chars().filter(char::is_ascii_digit).collect()
}

/// 事業所番号 4-6-1, returned as `1301-999999-9`.
///
/// # Errors
/// When it is not 11 digits.
pub fn establishment_number(input: &str) -> Result<String, NumberError> {
    let d = normalize_digits(input);
    if d.len() != 11 {
        return Err(NumberError::Format);
    }
    Ok(format!("{}-{}-{}", &d[..4], &d[4..10], &d[10..]))
}

/// 求職番号 / 求人番号 5-8, returned as `13010-12345678`.
///
/// # Errors
/// When it is not 13 digits.
pub fn five_eight_number(input: &str) -> Result<String, NumberError> {
    let d = normalize_digits(input);
    if d.len() != 13 {
        return Err(NumberError::Format);
    }
    Ok(format!("{}-{}", &d[..5], &d[5..]))
}

impl NumberError {
    /// STUB: stable code for messages.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid"
    }
}
