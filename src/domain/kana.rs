//! Kana names: full-width katakana, long-vowel mark and spaces (SPEC §5).
// STUB: the domain helper replaces this with the complete rules and tests.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KanaError {
    #[error("empty")]
    Empty,
    #[error("not kana: {0}")]
    NotKana(char),
}

/// Converts hiragana and half-width kana to full-width katakana and checks the result.
///
/// # Errors
/// Empty input or a character that is not kana.
pub fn normalize_kana(input: &str) -> Result<String, KanaError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(KanaError::Empty);
    }
    Ok(s.to_string())
}

impl KanaError {
    /// STUB: stable code for messages.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid"
    }
}
