//! The outbox's stored replies (`outbox.last_reply`: the SMTP server's reply, lettre's error
//! text, the spool path, an operator's action) in Japanese for the screens and the CLI: what
//! it means first, the raw text beside it for the expert (R-MAIL-3, R-MAIL-7, SPEC §9).

use super::Lang;

/// What a stored reply means, by SMTP reply class and the transport's own failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyClass {
    /// Written as an `.eml` file to the spool folder (no SMTP server configured).
    Spooled,
    /// 2xx: the server took the mail.
    Accepted,
    /// 550, 551, 553: no such mailbox, or not accepted for it.
    UnknownRecipient,
    /// 552: the mailbox is full.
    MailboxFull,
    /// 554 and other 5xx: refused.
    Refused,
    /// 4xx: a temporary failure at the server; retried with backoff.
    Temporary,
    /// No answer in time.
    Timeout,
    /// The server could not be reached.
    Unreachable,
    /// An operator acted on the mail (`retry by tanaka`).
    Operator,
    /// Already in Japanese (the program's own notes) or not recognised.
    Other,
}

fn code_in(raw: &str) -> Option<u16> {
    // lettre: "permanent error (550): …", "transient error (451): …"; a plain reply starts
    // with its code ("250 2.0.0 Ok").
    let digits = |s: &str| s.get(..3).and_then(|d| d.parse::<u16>().ok());
    raw.find('(')
        .and_then(|i| digits(&raw[i + 1..]))
        .or_else(|| digits(raw))
        .filter(|c| (200..600).contains(c))
}

/// The class of a stored reply.
#[must_use]
pub fn classify(raw: &str) -> ReplyClass {
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("spooled ") {
        return ReplyClass::Spooled;
    }
    if lower.starts_with("retry by ")
        || lower.starts_with("hold by ")
        || lower.starts_with("release by ")
        || lower.starts_with("cancel by ")
    {
        return ReplyClass::Operator;
    }
    // EAGAIN (os error 11) is how a socket read timeout reads; not "os error 111".
    if lower.contains("timed out") || lower.contains("timeout") || lower.contains("(os error 11)") {
        return ReplyClass::Timeout;
    }
    if lower.contains("connection refused")
        || lower.contains("no route to host")
        || lower.contains("network is unreachable")
        || lower.contains("failed to lookup")
    {
        return ReplyClass::Unreachable;
    }
    match code_in(raw) {
        Some(200..=299) => ReplyClass::Accepted,
        Some(550 | 551 | 553) => ReplyClass::UnknownRecipient,
        Some(552) => ReplyClass::MailboxFull,
        Some(500..=599) => ReplyClass::Refused,
        Some(400..=499) => ReplyClass::Temporary,
        _ => ReplyClass::Other,
    }
}

fn label(lang: Lang, class: ReplyClass) -> Option<&'static str> {
    let (ja, en) = match class {
        ReplyClass::Spooled => ("スプールに保存", "written to the spool folder"),
        ReplyClass::Accepted => ("サーバーが受付", "accepted by the server"),
        ReplyClass::UnknownRecipient => ("宛先不明", "unknown recipient"),
        ReplyClass::MailboxFull => ("容量超過", "mailbox full"),
        ReplyClass::Refused => ("受信拒否", "refused"),
        ReplyClass::Temporary => ("一時的な障害（自動で再送）", "temporary failure (retried)"),
        ReplyClass::Timeout => ("応答なし（タイムアウト）", "no answer (timeout)"),
        ReplyClass::Unreachable => (
            "メールサーバーに接続できません",
            "cannot reach the mail server",
        ),
        ReplyClass::Operator => ("職員の操作", "staff action"),
        ReplyClass::Other => return None,
    };
    Some(match lang {
        Lang::Ja => ja,
        Lang::En => en,
    })
}

/// What kept the mail transport from being set up, or a mail from being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupProblem {
    /// `mail.from` or `mail.reply_to` is not an address.
    Address,
    /// The SMTP password file or variable cannot be read.
    Password,
    /// `smtp.ca_file` cannot be read or is not a certificate.
    CaFile,
    /// The TLS settings were refused.
    Tls,
    /// The spool folder cannot be made.
    Spool,
    /// A mail could not be put together (stored as its reply, R-MAIL-3).
    Build,
}

/// The words for a [`SetupProblem`]; the detail from the system follows them.
#[must_use]
pub fn setup_problem(lang: Lang, p: SetupProblem) -> &'static str {
    match (lang, p) {
        (Lang::Ja, SetupProblem::Address) => {
            "mail.from / mail.reply_to のアドレスが正しくありません"
        }
        (Lang::En, SetupProblem::Address) => "mail.from / mail.reply_to is not a valid address",
        (Lang::Ja, SetupProblem::Password) => "SMTP のパスワードを読めません",
        (Lang::En, SetupProblem::Password) => "cannot read the SMTP password",
        (Lang::Ja, SetupProblem::CaFile) => "smtp.ca_file を読めません",
        (Lang::En, SetupProblem::CaFile) => "cannot read smtp.ca_file",
        (Lang::Ja, SetupProblem::Tls) => "SMTP の TLS 設定",
        (Lang::En, SetupProblem::Tls) => "SMTP TLS settings",
        (Lang::Ja, SetupProblem::Spool) => "スプールフォルダを作れません",
        (Lang::En, SetupProblem::Spool) => "cannot make the spool folder",
        (Lang::Ja, SetupProblem::Build) => "メールを組み立てられません",
        (Lang::En, SetupProblem::Build) => "cannot build the mail",
    }
}

/// The note a mail cancelled because a new auth key was issued keeps as its reply (R-KEY-3).
#[must_use]
pub fn key_reissue_cancel_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "認証キー再発行により取消",
        Lang::En => "cancelled: a new auth key was issued",
    }
}

/// The note a mail cancelled by a change of the account's login ID keeps as its reply.
#[must_use]
pub fn id_change_cancel_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "ID変更により取消",
        Lang::En => "cancelled: the login ID was changed",
    }
}

/// The reply of a mail whose body was already erased when its turn came.
#[must_use]
pub fn body_gone_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "本文がありません（消去済み）",
        Lang::En => "no body (already erased)",
    }
}

/// The last temporary reply of a mail given up after `mail.give_up_hours` (R-MAIL-3).
#[must_use]
pub fn gave_up_note(lang: Lang, reply: &str) -> String {
    match lang {
        Lang::Ja => format!("{reply}（再送期限を過ぎたため中止）"),
        Lang::En => format!("{reply} (given up: past the retry deadline)"),
    }
}

/// The note a key mail left unsent past its key's expiry keeps as its reply (R-MAIL-6).
#[must_use]
pub fn key_expired_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "認証キーの有効期限切れ",
        Lang::En => "expired: the auth key ran out",
    }
}

/// The note a mail cancelled by the purge of its account (R-DL-3, R-MAIL-6) keeps as its reply.
#[must_use]
pub fn purge_cancel_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "アカウントの消去により取消",
        Lang::En => "cancelled: the account was purged",
    }
}

/// `宛先不明（550 5.1.1 user unknown）`: the meaning, then the raw reply; an operator's note
/// as `再送（tanaka）`. Text that is not recognised is shown as it is.
#[must_use]
pub fn explain(lang: Lang, raw: &str) -> String {
    let raw = raw.trim();
    if raw.is_empty() {
        return String::new();
    }
    // Already in our words: the program's own notes, and replies explained when they were
    // recorded (issue 17 item 10: the mail worker records them explained).
    if !raw.starts_with(|c: char| c.is_ascii()) {
        return raw.to_string();
    }
    let class = classify(raw);
    if class == ReplyClass::Operator {
        let (action, who) = raw.split_once(" by ").unwrap_or((raw, ""));
        let act = match (lang, action) {
            (Lang::Ja, "retry") => "再送",
            (Lang::Ja, "hold") => "保留",
            (Lang::Ja, "release") => "保留解除",
            (Lang::Ja, "cancel") => "取消",
            (_, a) => a,
        };
        return format!("{act}（{who}）");
    }
    if class == ReplyClass::Spooled {
        let path = raw.get("spooled ".len()..).unwrap_or("");
        return format!("{}（{path}）", label(lang, class).unwrap_or_default());
    }
    match label(lang, class) {
        Some(l) => format!("{l}（{raw}）"),
        None => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_mail_3_each_reply_class_is_told_in_japanese_with_the_raw_reply_beside_it() {
        let cases = [
            (
                "permanent error (550): 5.1.1 <x@example.jp>: user unknown",
                "宛先不明（permanent error (550): 5.1.1 <x@example.jp>: user unknown）",
            ),
            (
                "permanent error (552): mailbox full",
                "容量超過（permanent error (552): mailbox full）",
            ),
            (
                "permanent error (554): rejected",
                "受信拒否（permanent error (554): rejected）",
            ),
            (
                "transient error (451): try later",
                "一時的な障害（自動で再送）（transient error (451): try later）",
            ),
            (
                "Resource temporarily unavailable (os error 11)",
                "応答なし（タイムアウト）（Resource temporarily unavailable (os error 11)）",
            ),
            (
                "network error: Connection refused (os error 111)",
                "メールサーバーに接続できません（network error: Connection refused (os error 111)）",
            ),
            (
                "250 2.0.0 Ok: queued as 1234",
                "サーバーが受付（250 2.0.0 Ok: queued as 1234）",
            ),
            (
                "spooled /srv/spool/a.eml",
                "スプールに保存（/srv/spool/a.eml）",
            ),
            ("retry by tanaka", "再送（tanaka）"),
            (
                "本文がありません（消去済み）",
                "本文がありません（消去済み）",
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(explain(Lang::Ja, raw), want, "{raw}");
        }
        assert_eq!(explain(Lang::Ja, ""), "");
        // Recorded explained (issue 17 item 10): shown as it is, not explained twice.
        let once = explain(Lang::Ja, "Resource temporarily unavailable (os error 11)");
        assert_eq!(explain(Lang::Ja, &once), once);
        assert_eq!(explain(Lang::En, &once), once);
        assert!(explain(Lang::En, "permanent error (550): x").starts_with("unknown recipient"));
    }
}
