//! The delivery states of a queued mail (R-MAIL-1..7): shared vocabulary of `storage::outbox`
//! (which stores the code), `service::mail` (which moves between them) and `i18n` (which names
//! them).

/// Where one outbox mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MailState {
    Queued,
    Sending,
    Sent,
    Failed,
    Held,
    Cancelled,
    Expired,
}

impl MailState {
    pub const ALL: [MailState; 7] = [
        MailState::Queued,
        MailState::Sending,
        MailState::Sent,
        MailState::Failed,
        MailState::Held,
        MailState::Cancelled,
        MailState::Expired,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            MailState::Queued => "queued",
            MailState::Sending => "sending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
            MailState::Held => "held",
            MailState::Cancelled => "cancelled",
            MailState::Expired => "expired",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<MailState> {
        MailState::ALL.into_iter().find(|m| m.code() == s)
    }
}
