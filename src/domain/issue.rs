//! One problem with one typed field, as data: what a form or a use case found wrong with the
//! input (`field`, a stable `code`, a value to show). Below `i18n/`, which puts it into words,
//! and `service/`, whose `ServiceError::Invalid` carries a list of them.

/// 赤 (must be fixed) or 橙 (may be accepted after the clerk confirms): the one severity, of
/// form issues and of stored findings alike.
pub use super::validate::Severity;

/// `"error"` or `"warning"` in the command line's JSON.
impl serde::Serialize for Severity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// One problem with one field; `code` is stable and mapped to words by `i18n`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldIssue {
    pub field: &'static str,
    pub severity: Severity,
    pub code: &'static str,
    /// A value the message shows (a converted address, a count, …).
    pub param: Option<String>,
}

impl FieldIssue {
    #[must_use]
    pub fn error(field: &'static str, code: &'static str) -> FieldIssue {
        FieldIssue {
            field,
            severity: Severity::Error,
            code,
            param: None,
        }
    }

    #[must_use]
    pub fn warning(field: &'static str, code: &'static str) -> FieldIssue {
        FieldIssue {
            field,
            severity: Severity::Warning,
            code,
            param: None,
        }
    }

    #[must_use]
    pub fn with(mut self, param: impl Into<String>) -> FieldIssue {
        self.param = Some(param.into());
        self
    }

    /// SPEC §5 at entry, for a free-text field typed by staff: a control character or a bidi
    /// override is refused with the character named (`control_char`, `U+001B`), and the text
    /// (trimmed) is capped at `max` characters (`too_long`). `None` when it may be stored.
    #[must_use]
    pub fn of_text(
        field: &'static str,
        text: &str,
        multiline: bool,
        max: usize,
    ) -> Option<FieldIssue> {
        use super::text::{char_code, forbidden_char};
        if let Some(c) = forbidden_char(text, multiline) {
            return Some(FieldIssue::error(field, "control_char").with(char_code(c)));
        }
        (text.trim().chars().count() > max)
            .then(|| FieldIssue::error(field, "too_long").with(max.to_string()))
    }
}
