//! Forgotten-ID lookup rules (SPEC §2.4): what a search key is, the purpose of a view (R-ID-5),
//! the identity check before a reveal (R-ID-2), and the supervisor report over the audit log
//! (R-AUD-3). Pure: no I/O, no clock.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::calendar::Calendar;
use super::coded::coded_enum;

/// Purposes offered by the prompt (R-ID-5); any other text up to [`PURPOSE_MAX`] is accepted.
pub const PURPOSES: [&str; 4] = ["ID照会", "本登録審査", "問合せ対応", "その他"];
/// The purpose of a counter registration (R-REG-1): written to its audit row, and the purpose of
/// the account screen the clerk sees straight after it (R-ID-5: evidently the registration, so
/// not asked).
pub const REGISTER_PURPOSE: &str = "窓口登録";
pub const PURPOSE_MAX: usize = 40;
/// Longest identity-check note, in characters.
pub const NOTE_MAX: usize = 100;

/// A purpose as recorded: trimmed, 1..=40 characters; a control character or a bidi override is
/// refused (SPEC §5).
///
/// # Errors
/// `"required"`, `"too_long"` or `"control_char"`.
pub fn purpose(input: &str) -> Result<String, &'static str> {
    if super::text::forbidden_char(input, false).is_some() {
        return Err("control_char");
    }
    let p = super::text::sanitize(input.trim(), false);
    if p.is_empty() {
        Err("required")
    } else if p.chars().count() > PURPOSE_MAX {
        Err("too_long")
    } else {
        Ok(p)
    }
}

coded_enum! {
    /// Identity documents accepted at the counter (R-ID-2). `i18n::labels` names them and
    /// reads a typed name (`document_named`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Document {
        DriversLicence = "drivers_licence",
        MyNumberCard = "my_number_card",
        HealthInsurance = "health_insurance",
        ResidenceCard = "residence_card",
        StaffIdAndCard = "staff_id_and_card",
        Other = "other",
    }
}

/// The identity check recorded with a reveal or an ID change (R-ID-2, R-ID-4).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IdentityCheck {
    pub document: Document,
    /// What the clerk checked ("免許証 末尾1234 氏名・生年月日一致"), 1..=100 characters.
    pub note: String,
}

impl IdentityCheck {
    /// # Errors
    /// `(field, code)`: `document` unknown (`None`: what was typed names no document),
    /// `note` required or too long.
    pub fn new(
        document: Option<Document>,
        note: &str,
    ) -> Result<IdentityCheck, (&'static str, &'static str)> {
        let document = document.ok_or(("document", "unknown_document"))?;
        // SPEC §5: refused at entry, not stored cleaned.
        if super::text::forbidden_char(note, false).is_some() {
            return Err(("note", "control_char"));
        }
        let note = super::text::sanitize(note.trim(), false);
        if note.is_empty() {
            return Err(("note", "required"));
        }
        if note.chars().count() > NOTE_MAX {
            return Err(("note", "too_long"));
        }
        Ok(IdentityCheck { document, note })
    }
}

/// Audit actions that look at a customer (R-AUD-3 "lookups").
pub const LOOKUP_ACTIONS: [&str; 4] = [
    "lookup.search",
    "lookup.view",
    "lookup.reveal",
    "account.view",
];
/// Lookups of one customer that should be followed by some business with that customer.
pub const CUSTOMER_LOOKUPS: [&str; 3] = ["lookup.view", "lookup.reveal", "account.view"];
/// Audit actions that are business with a customer (R-AUD-3 "transactions").
pub const TRANSACTIONS: [&str; 7] = [
    "lookup.mail_id",
    "account.change_email",
    "account.change_email_request",
    "account.register",
    "account.reissue_key",
    "account.activate",
    "visit.record",
];
/// A lookup is "followed" when the same staff member does business with the same customer
/// within this time.
pub const FOLLOW_MINUTES: i64 = 30;

/// One audit row as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub staff: String,
    pub action: String,
    pub subject: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StaffDay {
    pub date: NaiveDate,
    pub staff: String,
    pub lookups: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Lookups per staff member per day (JST).
    pub per_staff_day: Vec<StaffDay>,
    /// Audit row ids of customer lookups not followed by a transaction.
    pub unfollowed: Vec<i64>,
    /// Audit row ids of staff actions outside office hours or on closed days.
    pub after_hours: Vec<i64>,
}

/// Office hours (JST) for the after-hours part of the report.
#[derive(Debug, Clone, Copy)]
pub struct Hours {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

use super::calendar::jst;

/// Whether `at` is outside office hours or on a closed day (weekend, holiday, office closure).
#[must_use]
pub fn after_hours(at: DateTime<Utc>, hours: Hours, cal: &Calendar) -> bool {
    let local = at.with_timezone(&jst());
    let t = local.time();
    !cal.is_open(local.date_naive()) || t < hours.open || t >= hours.close
}

/// R-AUD-3 over `events` (the period's rows, plus up to [`FOLLOW_MINUTES`] after it so that a
/// lookup near the end can be seen followed). `in_period` says which rows are counted.
#[must_use]
pub fn report(
    events: &[LogEvent],
    in_period: impl Fn(DateTime<Utc>) -> bool,
    hours: Hours,
    cal: &Calendar,
) -> Report {
    let mut per: BTreeMap<(NaiveDate, String), i64> = BTreeMap::new();
    let mut unfollowed = Vec::new();
    let mut after = Vec::new();
    let window = Duration::minutes(FOLLOW_MINUTES);
    for (i, e) in events.iter().enumerate() {
        if !in_period(e.at) {
            continue;
        }
        if after_hours(e.at, hours, cal) {
            after.push(e.id);
        }
        if !LOOKUP_ACTIONS.contains(&e.action.as_str()) {
            continue;
        }
        *per.entry((e.at.with_timezone(&jst()).date_naive(), e.staff.clone()))
            .or_default() += 1;
        let Some(subject) = &e.subject else { continue };
        if !CUSTOMER_LOOKUPS.contains(&e.action.as_str()) {
            continue;
        }
        let followed = events[i + 1..]
            .iter()
            .take_while(|x| x.at <= e.at + window)
            .any(|x| {
                x.staff == e.staff
                    && x.subject.as_ref() == Some(subject)
                    && TRANSACTIONS.contains(&x.action.as_str())
            });
        if !followed {
            unfollowed.push(e.id);
        }
    }
    Report {
        per_staff_day: per
            .into_iter()
            .map(|((date, staff), lookups)| StaffDay {
                date,
                staff,
                lookups,
            })
            .collect(),
        unfollowed,
        after_hours: after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        crate::clock::parse_rfc3339(s).expect("time")
    }

    fn ev(id: i64, at: &str, staff: &str, action: &str, subject: Option<&str>) -> LogEvent {
        LogEvent {
            id,
            at: t(at),
            staff: staff.into(),
            action: action.into(),
            subject: subject.map(Into::into),
        }
    }

    fn hours() -> Hours {
        Hours {
            open: NaiveTime::from_hms_opt(8, 30, 0).expect("t"),
            close: NaiveTime::from_hms_opt(17, 15, 0).expect("t"),
        }
    }

    #[test]
    fn r_id_2_documents_parse_by_code_and_a_note_is_required() {
        assert_eq!(Document::parse("other"), Some(Document::Other));
        assert_eq!(Document::parse("passport"), None);
        let card = Some(Document::ResidenceCard);
        assert_eq!(
            IdentityCheck::new(None, "番号末尾 12"),
            Err(("document", "unknown_document"))
        );
        assert!(IdentityCheck::new(card, "  ").is_err());
        assert!(IdentityCheck::new(card, &"x".repeat(101)).is_err());
        assert_eq!(
            IdentityCheck::new(card, "番号末尾 12").map(|c| c.document),
            Ok(Document::ResidenceCard)
        );
    }

    #[test]
    fn r_id_5_purpose_required_and_bounded() {
        assert_eq!(purpose(" ID照会 "), Ok("ID照会".into()));
        assert_eq!(purpose(""), Err("required"));
        assert_eq!(purpose(&"あ".repeat(41)), Err("too_long"));
        // SPEC §5: control characters and bidi overrides are refused, not cleaned.
        for c in ['\u{0}', '\u{1B}', '\u{85}', '\u{202E}', '\u{2066}'] {
            assert_eq!(purpose(&format!("ID{c}照会")), Err("control_char"), "{c:?}");
            assert_eq!(
                IdentityCheck::new(Some(Document::DriversLicence), &format!("末尾{c}1234")),
                Err(("note", "control_char")),
                "{c:?}"
            );
        }
    }

    #[test]
    fn r_aud_3_report_counts_unfollowed_and_after_hours() {
        let cal = Calendar::from_csv("date,name,source\n").expect("cal");
        // 2026-11-24 is a Tuesday; 01:00Z = 10:00 JST, 09:00Z = 18:00 JST.
        let events = vec![
            ev(1, "2026-11-24T01:00:00Z", "tanaka", "lookup.search", None),
            ev(
                2,
                "2026-11-24T01:01:00Z",
                "tanaka",
                "lookup.view",
                Some("account:1"),
            ),
            ev(
                3,
                "2026-11-24T01:10:00Z",
                "tanaka",
                "lookup.mail_id",
                Some("account:1"),
            ),
            ev(
                4,
                "2026-11-24T01:20:00Z",
                "tanaka",
                "lookup.reveal",
                Some("account:2"),
            ),
            // suzuki's business does not follow tanaka's lookup.
            ev(
                5,
                "2026-11-24T01:21:00Z",
                "suzuki",
                "account.change_email",
                Some("account:2"),
            ),
            ev(
                6,
                "2026-11-24T09:00:00Z",
                "suzuki",
                "lookup.view",
                Some("account:3"),
            ),
            // Too late to count as following 6.
            ev(
                7,
                "2026-11-24T09:40:00Z",
                "suzuki",
                "lookup.mail_id",
                Some("account:3"),
            ),
        ];
        let r = report(&events, |_| true, hours(), &cal);
        assert_eq!(r.unfollowed, vec![4, 6]);
        assert_eq!(r.after_hours, vec![6, 7]);
        assert_eq!(
            r.per_staff_day
                .iter()
                .map(|d| (d.staff.as_str(), d.lookups))
                .collect::<Vec<_>>(),
            vec![("suzuki", 1), ("tanaka", 3)]
        );
        // Saturday 2026-11-28 at 10:00 JST is after hours (closed day).
        assert!(after_hours(t("2026-11-28T01:00:00Z"), hours(), &cal));
        assert!(!after_hours(t("2026-11-24T00:00:00Z"), hours(), &cal));
        assert!(after_hours(t("2026-11-23T23:00:00Z"), hours(), &cal));
    }
}
