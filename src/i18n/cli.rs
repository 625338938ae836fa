//! STUB: replaced at merge by the complete messages for service errors and field issues.

use super::Lang;
use crate::service::{FieldIssue, ServiceError};

#[must_use]
pub fn field_label(_lang: Lang, field: &str) -> &'static str {
    match field {
        "email" => "メールアドレス",
        _ => "項目",
    }
}

#[must_use]
pub fn issue_message(lang: Lang, i: &FieldIssue) -> String {
    format!("{}: {}", field_label(lang, i.field), i.code)
}

#[must_use]
pub fn error_message(_lang: Lang, e: &ServiceError) -> String {
    e.to_string()
}
