//! The inbound interchange (R-IO-1): one JSON object per line. See `docs/interchange.md` for
//! every field. Parsing is pure and total: any byte string gives an [`Event`] or a
//! [`ParseError`] with a stable reason code, never a panic.
//!
//! Envelope: `event_id` (string, 1–128 characters, no control characters), `occurred_at`
//! (RFC 3339 with offset), `type`, then the payload fields of the type at the same level:
//!
//! | type | fields |
//! |---|---|
//! | `account.self_registered` | `email`, `kind` (`"employer"`) |
//! | `password.requested` | `email`, `birth_date` (`YYYY-MM-DD`; required for a job seeker) |
//! | `account.activated` | `email`, `auth_key` |
//! | `establishment.submitted` | `email`, `submission_id`, `establishment` (object) |
//! | `job.submitted` | `email`, `submission_id`, `job` (object) |
//! | `job.resubmitted` | `email`, `submission_id`, `job` (object) |
//! | `account.withdrawn` | `email`, `reason` (optional) |
//!
//! Unknown fields are ignored, so the Internet Service can add some without breaking imports.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::coded::coded_enum;
use super::establishment::Establishment;
use super::job::JobOffer;

/// The only account kind that registers itself online (seed 000; job seekers register at
/// the counter).
pub const SELF_REGISTERING_KIND: &str = "employer";

/// Longest accepted `event_id` / `submission_id`, in characters.
pub const ID_MAX: usize = 128;
/// Longest `email` of an event (RFC 5321 path limit), `auth_key`, and withdrawal `reason`.
pub const EMAIL_MAX: usize = 254;
pub const AUTH_KEY_MAX: usize = 64;
pub const REASON_MAX: usize = 400;

coded_enum! {
    /// The event types; the code is the wire name.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum EventType {
        AccountSelfRegistered = "account.self_registered",
        PasswordRequested = "password.requested",
        AccountActivated = "account.activated",
        EstablishmentSubmitted = "establishment.submitted",
        JobSubmitted = "job.submitted",
        JobResubmitted = "job.resubmitted",
        AccountWithdrawn = "account.withdrawn",
    }
}

/// One parsed event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub event_id: String,
    pub occurred_at: DateTime<Utc>,
    pub body: EventBody,
}

/// The payload of an event, by type.
#[derive(Debug, Clone, PartialEq)]
pub enum EventBody {
    /// R-KEY-0, seed 000: an employer registered an account online; a key goes out with
    /// 「アカウント仮登録完了通知」.
    AccountSelfRegistered {
        email: String,
    },
    /// R-KEY-0, seeds 001 ②–④ and 002: the customer of a counter-opened account asked for
    /// パスワード登録; a key goes out with 「パスワード登録申込受付通知」. A job seeker gives the
    /// birth date registered at the counter.
    PasswordRequested {
        email: String,
        birth_date: Option<chrono::NaiveDate>,
    },
    AccountActivated {
        email: String,
        auth_key: String,
    },
    EstablishmentSubmitted {
        email: String,
        submission_id: String,
        establishment: Box<Establishment>,
    },
    JobSubmitted {
        email: String,
        submission_id: String,
        job: Box<JobOffer>,
    },
    JobResubmitted {
        email: String,
        submission_id: String,
        job: Box<JobOffer>,
    },
    AccountWithdrawn {
        email: String,
        reason: Option<String>,
    },
}

impl EventBody {
    #[must_use]
    pub fn event_type(&self) -> EventType {
        match self {
            Self::AccountSelfRegistered { .. } => EventType::AccountSelfRegistered,
            Self::PasswordRequested { .. } => EventType::PasswordRequested,
            Self::AccountActivated { .. } => EventType::AccountActivated,
            Self::EstablishmentSubmitted { .. } => EventType::EstablishmentSubmitted,
            Self::JobSubmitted { .. } => EventType::JobSubmitted,
            Self::JobResubmitted { .. } => EventType::JobResubmitted,
            Self::AccountWithdrawn { .. } => EventType::AccountWithdrawn,
        }
    }

    /// Every event is about one account, named by its email.
    #[must_use]
    pub fn email(&self) -> &str {
        match self {
            Self::AccountSelfRegistered { email }
            | Self::PasswordRequested { email, .. }
            | Self::AccountActivated { email, .. }
            | Self::EstablishmentSubmitted { email, .. }
            | Self::JobSubmitted { email, .. }
            | Self::JobResubmitted { email, .. }
            | Self::AccountWithdrawn { email, .. } => email,
        }
    }
}

/// Why a line is not an event. `code` is stable (stored in `import_rejects.reason`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct ParseError {
    pub code: &'static str,
    pub detail: String,
    /// The line's event id when it could be read, so the reject can name it.
    pub event_id: Option<String>,
}

/// Reason codes of [`ParseError`].
pub mod reasons {
    /// Not UTF-8.
    pub const BAD_UTF8: &str = "bad_utf8";
    /// Not a JSON object, or a field of the wrong JSON type.
    pub const BAD_JSON: &str = "bad_json";
    /// A required envelope or payload field is missing or empty; detail: the field.
    pub const MISSING_FIELD: &str = "missing_field";
    /// `event_id` or `submission_id` too long or with control characters.
    pub const BAD_ID: &str = "bad_id";
    /// `occurred_at` is not RFC 3339.
    pub const BAD_TIME: &str = "bad_time";
    /// `type` is not one of the seven.
    pub const UNKNOWN_TYPE: &str = "unknown_type";
    /// A field has a value it cannot have (`birth_date` not `YYYY-MM-DD`, an account `kind`
    /// that cannot register itself); detail: the field.
    pub const BAD_FIELD: &str = "bad_field";
}

/// The wire form, shared by the parser and the writer (`gen`). Every field is optional here
/// so that a missing one is reported by name.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Wire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submission_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub establishment: Option<Establishment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<JobOffer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `password.requested`: `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// `account.self_registered`: the account's kind (only `"employer"`).
    #[serde(rename = "kind", skip_serializing_if = "Option::is_none")]
    pub account_kind: Option<String>,
}

/// Only the id, read when the full parse failed, so the reject still names the event.
#[derive(Deserialize)]
struct IdOnly {
    event_id: Option<String>,
}

impl Event {
    /// The wire form of this event.
    #[must_use]
    pub fn to_wire(&self) -> Wire {
        let mut w = Wire {
            event_id: Some(self.event_id.clone()),
            occurred_at: Some(
                self.occurred_at
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            ),
            kind: Some(self.body.event_type().code().to_string()),
            email: Some(self.body.email().to_string()),
            ..Wire::default()
        };
        match &self.body {
            EventBody::AccountSelfRegistered { .. } => {
                w.account_kind = Some(SELF_REGISTERING_KIND.to_string());
            }
            EventBody::PasswordRequested { birth_date, .. } => {
                w.birth_date = birth_date.map(|d| d.format("%Y-%m-%d").to_string());
            }
            EventBody::AccountActivated { auth_key, .. } => w.auth_key = Some(auth_key.clone()),
            EventBody::EstablishmentSubmitted {
                submission_id,
                establishment,
                ..
            } => {
                w.submission_id = Some(submission_id.clone());
                w.establishment = Some((**establishment).clone());
            }
            EventBody::JobSubmitted {
                submission_id, job, ..
            }
            | EventBody::JobResubmitted {
                submission_id, job, ..
            } => {
                w.submission_id = Some(submission_id.clone());
                w.job = Some((**job).clone());
            }
            EventBody::AccountWithdrawn { reason, .. } => w.reason.clone_from(reason),
        }
        w
    }

    /// One JSON line, without the newline.
    #[must_use]
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(&self.to_wire()).unwrap_or_default()
    }
}

fn err(code: &'static str, detail: impl Into<String>, event_id: Option<&str>) -> ParseError {
    ParseError {
        code,
        detail: detail.into(),
        event_id: event_id.map(str::to_string),
    }
}

fn check_id(field: &str, v: &str, event_id: Option<&str>) -> Result<(), ParseError> {
    if v.trim().is_empty() {
        return Err(err(reasons::MISSING_FIELD, field, event_id));
    }
    if v.chars().count() > ID_MAX || super::text::forbidden_char(v, false).is_some() {
        return Err(err(
            reasons::BAD_ID,
            format!("{field}: at most {ID_MAX} characters, no control characters"),
            event_id,
        ));
    }
    Ok(())
}

/// A text field of the envelope: no control character or bidi override, at most `max`
/// characters (SPEC §5).
fn check_text(field: &str, v: &str, max: usize, event_id: Option<&str>) -> Result<(), ParseError> {
    if let Some(c) = super::text::forbidden_char(v, false) {
        return Err(err(
            reasons::BAD_FIELD,
            format!(
                "{field}: control or bidirectional-override character {}",
                super::text::char_code(c)
            ),
            event_id,
        ));
    }
    if v.chars().count() > max {
        return Err(err(
            reasons::BAD_FIELD,
            format!("{field}: at most {max} characters"),
            event_id,
        ));
    }
    Ok(())
}

fn required(v: Option<String>, field: &str, event_id: &str) -> Result<String, ParseError> {
    match v {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(err(reasons::MISSING_FIELD, field, Some(event_id))),
    }
}

/// Parses one line (without its line break; a trailing `\r` and a leading BOM are ignored).
///
/// # Errors
/// A [`ParseError`] with a reason from [`reasons`].
pub fn parse_line(line: &[u8]) -> Result<Event, ParseError> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
    let text =
        std::str::from_utf8(line).map_err(|e| err(reasons::BAD_UTF8, e.to_string(), None))?;
    let wire: Wire = serde_json::from_str(text).map_err(|e| {
        let id = serde_json::from_str::<IdOnly>(text)
            .ok()
            .and_then(|i| i.event_id)
            .filter(|id| check_id("event_id", id, None).is_ok());
        err(reasons::BAD_JSON, e.to_string(), id.as_deref())
    })?;
    let Some(event_id) = wire.event_id else {
        return Err(err(reasons::MISSING_FIELD, "event_id", None));
    };
    check_id("event_id", &event_id, None)?;
    let id = Some(event_id.as_str());
    let occurred_at = wire
        .occurred_at
        .ok_or_else(|| err(reasons::MISSING_FIELD, "occurred_at", id))
        .and_then(|t| {
            DateTime::parse_from_rfc3339(t.trim())
                .map(|d| d.with_timezone(&Utc))
                .map_err(|e| err(reasons::BAD_TIME, format!("occurred_at: {e}"), id))
        })?;
    let kind = wire
        .kind
        .ok_or_else(|| err(reasons::MISSING_FIELD, "type", id))?;
    // Exactly one of the seven: `"job.submitted "` is not `job.submitted`.
    let Some(ty) = EventType::parse(&kind) else {
        return Err(err(
            reasons::UNKNOWN_TYPE,
            kind.chars().take(64).collect::<String>(),
            id,
        ));
    };
    // SPEC §5: the envelope's text fields refuse control characters and bidi overrides, and
    // have caps (the payload objects are checked field by field by `validate`).
    for (field, v, max) in [
        ("email", wire.email.as_deref(), EMAIL_MAX),
        ("auth_key", wire.auth_key.as_deref(), AUTH_KEY_MAX),
        ("reason", wire.reason.as_deref(), REASON_MAX),
        ("kind", wire.account_kind.as_deref(), ID_MAX),
        ("birth_date", wire.birth_date.as_deref(), ID_MAX),
    ] {
        check_text(field, v.unwrap_or(""), max, id)?;
    }
    let email = required(wire.email, "email", &event_id)?;
    let submission_id = |w: Option<String>| -> Result<String, ParseError> {
        let s = required(w, "submission_id", &event_id)?;
        check_id("submission_id", &s, id)?;
        Ok(s)
    };
    let body = match ty {
        EventType::AccountSelfRegistered => {
            let kind = required(wire.account_kind, "kind", &event_id)?;
            if kind.trim() != SELF_REGISTERING_KIND {
                return Err(err(
                    reasons::BAD_FIELD,
                    "kind: only employer accounts register themselves online",
                    id,
                ));
            }
            EventBody::AccountSelfRegistered { email }
        }
        EventType::PasswordRequested => EventBody::PasswordRequested {
            email,
            birth_date: match wire.birth_date.filter(|d| !d.trim().is_empty()) {
                None => None,
                Some(d) => Some(
                    chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                        .map_err(|_| err(reasons::BAD_FIELD, "birth_date: YYYY-MM-DD", id))?,
                ),
            },
        },
        EventType::AccountActivated => EventBody::AccountActivated {
            email,
            auth_key: required(wire.auth_key, "auth_key", &event_id)?,
        },
        EventType::EstablishmentSubmitted => EventBody::EstablishmentSubmitted {
            email,
            submission_id: submission_id(wire.submission_id)?,
            establishment: Box::new(
                wire.establishment
                    .ok_or_else(|| err(reasons::MISSING_FIELD, "establishment", id))?,
            ),
        },
        EventType::JobSubmitted | EventType::JobResubmitted => {
            let submission_id = submission_id(wire.submission_id)?;
            let job = Box::new(
                wire.job
                    .ok_or_else(|| err(reasons::MISSING_FIELD, "job", id))?,
            );
            if ty == EventType::JobSubmitted {
                EventBody::JobSubmitted {
                    email,
                    submission_id,
                    job,
                }
            } else {
                EventBody::JobResubmitted {
                    email,
                    submission_id,
                    job,
                }
            }
        }
        EventType::AccountWithdrawn => EventBody::AccountWithdrawn {
            email,
            reason: wire.reason.filter(|r| !r.trim().is_empty()),
        },
    };
    Ok(Event {
        event_id,
        occurred_at,
        body,
    })
}

/// The first `max` bytes of a line as text (invalid UTF-8 replaced, cut at a character
/// boundary), for the rejects table.
#[must_use]
pub fn truncate_raw(line: &[u8], max: usize) -> String {
    let s = String::from_utf8_lossy(line);
    if s.len() <= max {
        return s.into_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

#[cfg(test)]
mod tests;
