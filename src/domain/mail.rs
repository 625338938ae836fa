//! The delivery states of a queued mail (R-MAIL-1..7): shared vocabulary of `storage::outbox`
//! (which stores the code), `service::mail` (which moves between them) and `i18n` (which names
//! them).

use super::coded::coded_enum;

coded_enum! {
    /// Where one outbox mail stands.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
    #[serde(rename_all = "lowercase")]
    pub enum MailState {
        Queued = "queued",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
        Held = "held",
        Cancelled = "cancelled",
        Expired = "expired",
    }
}
