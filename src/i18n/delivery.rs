//! The outbox's stored replies (`outbox.last_reply`: the SMTP server's reply, lettre's error
//! text, the spool path, an operator's action, the program's own `note:` codes) in the reader's
//! language for the screens and the CLI: what it means first, the raw text beside it for the
//! expert (R-MAIL-3, R-MAIL-7, SPEC §9); and the words for a mail transport that cannot be set up.

use super::Lang;
use super::labels::with_paren;
use crate::domain::mail::DeliveryNote;

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

/// What kept the mail transport from being set up.
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
    }
}

/// The words for the program's own note on a mail (`DeliveryNote`).
#[must_use]
pub fn note_label(lang: Lang, note: DeliveryNote) -> &'static str {
    let (ja, en) = match note {
        DeliveryNote::KeyExpired => ("認証キーの有効期限切れ", "expired: the auth key ran out"),
        DeliveryNote::AccountPurged => (
            "アカウントの消去により取消",
            "cancelled: the account was purged",
        ),
        DeliveryNote::KeyReissued => (
            "認証キー再発行により取消",
            "cancelled: a new auth key was issued",
        ),
        DeliveryNote::IdChanged => ("ID変更により取消", "cancelled: the login ID was changed"),
        DeliveryNote::BodyGone => ("本文がありません（消去済み）", "no body (already erased)"),
        DeliveryNote::GaveUp => (
            "再送期限を過ぎたため中止",
            "given up: past the retry deadline",
        ),
        DeliveryNote::Unbuildable => ("メールを組み立てられません", "cannot build the mail"),
    };
    super::pick(lang, ja, en)
}

/// `宛先不明（550 5.1.1 user unknown）`: the meaning, then the raw reply; an operator's note
/// as `再送（tanaka）`. Text that is not recognised is shown as it is.
#[must_use]
pub fn explain(lang: Lang, raw: &str) -> String {
    let raw = raw.trim();
    if raw.is_empty() {
        return String::new();
    }
    // Recorded in Japanese by earlier versions (the program's notes, explained replies).
    if !raw.starts_with(|c: char| c.is_ascii()) {
        return raw.to_string();
    }
    if let Some((note, detail)) = DeliveryNote::read(raw) {
        let words = note_label(lang, note);
        return match (note, detail) {
            (_, "") => words.to_string(),
            // The last reply of a mail given up: explained in turn.
            (DeliveryNote::GaveUp, d) => with_paren(lang, explain(lang, d), words),
            (_, d) => format!("{words}: {d}"),
        };
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
        return with_paren(lang, act, who);
    }
    if class == ReplyClass::Spooled {
        let path = raw.get("spooled ".len()..).unwrap_or("");
        return with_paren(lang, label(lang, class).unwrap_or_default(), path);
    }
    match label(lang, class) {
        Some(l) => with_paren(lang, l, raw),
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
        let given_up = DeliveryNote::GaveUp.stored(Some("transient error (451): try later"));
        assert_eq!(
            explain(Lang::Ja, &given_up),
            "一時的な障害（自動で再送）（transient error (451): try later）（再送期限を過ぎたため中止）"
        );
        // Recorded explained (issue 17 item 10): shown as it is, not explained twice.
        let once = explain(Lang::Ja, "Resource temporarily unavailable (os error 11)");
        assert_eq!(explain(Lang::Ja, &once), once);
        assert_eq!(explain(Lang::En, &once), once);
        assert!(explain(Lang::En, "permanent error (550): x").starts_with("unknown recipient"));
    }

    /// Issue 19: what the outbox stores is told in the reader's language: an English screen
    /// shows no Japanese for any reply or note the program writes.
    #[test]
    fn r_mail_3_stored_replies_and_notes_read_in_english_without_japanese() {
        let japanese = |s: &str| !s.is_ascii();
        let mut raws: Vec<String> = DeliveryNote::ALL
            .iter()
            .map(|n| n.stored(Some("permanent error (550): user unknown")))
            .collect();
        raws.extend(DeliveryNote::ALL.iter().map(|n| n.stored(None)));
        raws.extend(
            [
                "spooled /srv/spool/a.eml",
                "retry by tanaka",
                "250 2.0.0 Ok",
                "Resource temporarily unavailable (os error 11)",
            ]
            .map(String::from),
        );
        for raw in &raws {
            let en = explain(Lang::En, raw);
            assert!(!japanese(&en), "{raw} -> {en}");
            assert_ne!(&en, raw, "{raw} is explained");
            assert!(japanese(&explain(Lang::Ja, raw)), "{raw}");
        }
        assert_eq!(
            explain(Lang::En, "spooled /srv/spool/a.eml"),
            "written to the spool folder (/srv/spool/a.eml)"
        );
        assert_eq!(
            explain(Lang::En, &DeliveryNote::KeyExpired.stored(None)),
            "expired: the auth key ran out"
        );
    }
}
