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

coded_enum! {
    /// The program's own reason stored as a mail's reply (`outbox.last_reply`) when no server
    /// answered it: stored as `note:<code>` (then a space and the detail, if any), told in the
    /// reader's language by `i18n::delivery::explain`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum DeliveryNote {
        /// A key mail left unsent past its key's expiry (R-MAIL-6).
        KeyExpired = "key_expired",
        /// Cancelled by the purge of its account (R-DL-3, R-MAIL-6).
        AccountPurged = "account_purged",
        /// Cancelled because a new auth key was issued (R-KEY-3).
        KeyReissued = "key_reissued",
        /// Cancelled by a change of the account's login ID.
        IdChanged = "id_changed",
        /// Its body was already erased when its turn came.
        BodyGone = "body_gone",
        /// Given up after `mail.give_up_hours` of temporary failures (R-MAIL-3); the detail is
        /// the last reply.
        GaveUp = "gave_up",
        /// The mail could not be put together; the detail says why.
        Unbuildable = "unbuildable",
    }
}

const NOTE_PREFIX: &str = "note:";

impl DeliveryNote {
    /// What the outbox stores for this note, with the detail after it.
    #[must_use]
    pub fn stored(self, detail: Option<&str>) -> String {
        match detail {
            Some(d) => format!("{NOTE_PREFIX}{} {d}", self.code()),
            None => format!("{NOTE_PREFIX}{}", self.code()),
        }
    }

    /// A stored reply read back as a note and its detail (empty when none).
    #[must_use]
    pub fn read(raw: &str) -> Option<(Self, &str)> {
        let rest = raw.strip_prefix(NOTE_PREFIX)?;
        let (code, detail) = rest.split_once(' ').unwrap_or((rest, ""));
        Some((Self::parse(code)?, detail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_mail_3_a_note_reads_back_with_its_detail() {
        for n in DeliveryNote::ALL {
            assert_eq!(DeliveryNote::read(&n.stored(None)), Some((n, "")));
            let s = n.stored(Some("451 try (later)"));
            assert_eq!(DeliveryNote::read(&s), Some((n, "451 try (later)")));
        }
        assert_eq!(DeliveryNote::read("250 2.0.0 Ok"), None);
        assert_eq!(DeliveryNote::read("note:unknown"), None);
    }
}
