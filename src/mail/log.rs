//! The operator's log of mail delivery (issue 19 item 6): one `tracing` event for every state
//! change of an outbox row, wherever it happens (the worker, an operator's action, a re-issue,
//! the sweep, a new mail). The event names the row (outbox id, template), the move (from → to),
//! the attempt, the next attempt and the server's reply code and class; never the recipient,
//! the body or a key: the reply is logged with every address and key in it masked.
//!
//! Levels: INFO for a mail queued, handed to the server or sent (and for deliberate moves:
//! an operator's retry, release or cancel); WARN for a temporary failure, a mail held, a lease
//! taken back; ERROR for a permanent failure, a give-up and a key mail expired unsent.

use chrono::{DateTime, Utc};

use crate::domain::mail::MailState;
use crate::i18n::delivery::{self, ReplyClass};

/// How loud a state change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// One state change of one outbox row.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub id: i64,
    pub template: &'a str,
    /// `None` for a mail just queued (logged as `new`).
    pub from: Option<MailState>,
    pub to: MailState,
    /// Attempts counted on the row (the one just made, for an outcome).
    pub attempt: i64,
    /// When the worker tries next, for a row (re)queued.
    pub next_attempt: Option<DateTime<Utc>>,
    /// The server's reply or the transport's error, raw; masked here before it is logged.
    pub reply: Option<&'a str>,
    /// What happened, in a few English words ("sent", "temporary failure", "retry by staff").
    pub why: &'a str,
}

/// The longest reply text a log line carries.
const REPLY_MAX: usize = 240;

/// Emits the event for `c` at `level`.
pub fn state_change(level: Level, c: &Change<'_>) {
    let reply = c.reply.map(safe_reply);
    let code = c.reply.and_then(reply_code);
    let enhanced = c.reply.and_then(enhanced_code);
    let class = c.reply.map(|r| class_name(delivery::classify(r)));
    let next = c.next_attempt.map(crate::clock::to_db);
    let from = c.from.map_or("new", MailState::code);
    macro_rules! emit {
        ($mac:ident) => {
            tracing::$mac!(
                outbox_id = c.id,
                template = c.template,
                from = from,
                to = c.to.code(),
                attempt = c.attempt,
                next_attempt = next.as_deref(),
                reply_code = code,
                reply_status = enhanced.as_deref(),
                reply_class = class,
                reply = reply.as_deref(),
                "mail {} -> {}: {}",
                from,
                c.to.code(),
                c.why
            )
        };
    }
    match level {
        Level::Info => emit!(info),
        Level::Warn => emit!(warn),
        Level::Error => emit!(error),
    }
}

/// The basic SMTP reply code in a reply: lettre's `permanent error (550): …`, or a plain
/// reply's leading `250 2.0.0 Ok`.
#[must_use]
pub fn reply_code(raw: &str) -> Option<u16> {
    let digits = |s: &str| {
        s.get(..3)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u16>().ok())
    };
    raw.find('(')
        .and_then(|i| digits(&raw[i + 1..]))
        .or_else(|| digits(raw.trim_start()))
        .filter(|c| (200..600).contains(c))
}

/// The enhanced status code (RFC 3463, `5.1.1`) in a reply, when it has one.
#[must_use]
pub fn enhanced_code(raw: &str) -> Option<String> {
    raw.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .find(|w| {
            let parts: Vec<&str> = w.split('.').collect();
            parts.len() == 3
                && matches!(parts[0], "2" | "4" | "5")
                && parts[1..]
                    .iter()
                    .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(str::to_string)
}

/// The reply class in one English word, for filtering the log.
#[must_use]
pub fn class_name(c: ReplyClass) -> &'static str {
    match c {
        ReplyClass::Spooled => "spooled",
        ReplyClass::Accepted => "accepted",
        ReplyClass::UnknownRecipient => "unknown_recipient",
        ReplyClass::MailboxFull => "mailbox_full",
        ReplyClass::Refused => "refused",
        ReplyClass::Temporary => "temporary",
        ReplyClass::Timeout => "timeout",
        ReplyClass::Unreachable => "unreachable",
        ReplyClass::Operator => "operator",
        ReplyClass::Other => "other",
    }
}

/// A reply as it may go into the log: a server echoes the recipient (`550 5.1.1
/// <tanaka@example.co.jp>: Recipient address rejected`), so every word with an `@` is masked
/// (`ta****@ex*****.co.jp`), every key is masked, control characters go and the text is cut
/// at [`REPLY_MAX`] characters.
#[must_use]
pub fn safe_reply(raw: &str) -> String {
    let raw = crate::domain::authkey::mask_keys(raw);
    let mut out = String::with_capacity(raw.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('@') {
            out.push_str(&crate::domain::mask::mask_email(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in raw.chars() {
        if c.is_whitespace() || "<>,;:\"'()[]{}".contains(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    let clean = crate::domain::text::sanitize(&out, false);
    clean.chars().take(REPLY_MAX).collect()
}

/// Logs a row a bulk statement moved to `to` (`storage::outbox::Moved`), due again at
/// `next` when it was queued again.
pub fn moved(
    m: &crate::storage::outbox::Moved,
    to: MailState,
    level: Level,
    next: Option<DateTime<Utc>>,
    why: &str,
) {
    state_change(
        level,
        &Change {
            id: m.id,
            template: &m.template,
            from: Some(m.from),
            to,
            attempt: m.attempts,
            next_attempt: next,
            reply: None,
            why,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_mail_3_reply_codes_and_class_are_read_from_lettre_and_plain_replies() {
        let lettre =
            "permanent error (550): 5.1.1 <user0@example.co.jp>: Recipient address rejected";
        assert_eq!(reply_code(lettre), Some(550));
        assert_eq!(enhanced_code(lettre).as_deref(), Some("5.1.1"));
        assert_eq!(reply_code("250 2.0.0 Ok: queued"), Some(250));
        assert_eq!(
            enhanced_code("250 2.0.0 Ok: queued").as_deref(),
            Some("2.0.0")
        );
        assert_eq!(reply_code("Connection refused (os error 111)"), None);
        assert_eq!(enhanced_code("version 1.4.6"), None);
        assert_eq!(class_name(delivery::classify(lettre)), "unknown_recipient");
    }

    #[test]
    fn r_key_2_a_logged_reply_has_no_address_and_no_key_in_clear() {
        let raw = "permanent error (550): 5.1.1 <tanaka@example.co.jp>: rejected, key ABCD-EFGH-JKMN\x1b[31m";
        let s = safe_reply(raw);
        assert!(!s.contains("tanaka@"), "{s}");
        assert!(s.contains("ta****@ex*****.co.jp"), "{s}");
        assert!(!s.contains("ABCD"), "{s}");
        assert!(!s.contains('\x1b'), "{s}");
        assert!(s.starts_with("permanent error (550): 5.1.1 <"), "{s}");
        assert!(safe_reply(&"x".repeat(1000)).chars().count() <= REPLY_MAX);
    }
}
