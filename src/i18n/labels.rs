//! The names of the domain's coded states and kinds, Japanese and English: a submission's
//! state, kind and events, a deadline's urgency, an identity document, a visit reason, a
//! checklist item, a closed day. The screens and the command line name them here, so English
//! mode shows no Japanese label, and domain/ and storage/ keep codes, not words.

use super::Lang;
use crate::domain::calendar::ClosedReason;
use crate::domain::deadline::Urgency;
use crate::domain::lookup::Document;
use crate::domain::review::CheckItem;
use crate::domain::submission::{SubmissionEvent, SubmissionKind, SubmissionState};
use crate::domain::visit::VisitReason;

use super::pick;

/// 「仮登録」「確認済」「本登録」…
#[must_use]
pub fn submission_state_label(lang: Lang, s: SubmissionState) -> &'static str {
    use SubmissionState as S;
    match s {
        S::Received => pick(lang, "仮登録", "received"),
        S::Checked => pick(lang, "確認済", "checked"),
        S::Registered => pick(lang, "本登録", "registered"),
        S::Returned => pick(lang, "差戻し", "returned"),
        S::Rejected => pick(lang, "不受理", "rejected"),
        S::Expired => pick(lang, "期限切れ", "expired"),
        S::Purged => pick(lang, "消去済", "purged"),
        S::Withdrawn => pick(lang, "取下げ", "withdrawn"),
    }
}

/// 「事業所情報」「求人情報」.
#[must_use]
pub fn submission_kind_label(lang: Lang, k: SubmissionKind) -> &'static str {
    match k {
        SubmissionKind::Establishment => pick(lang, "事業所情報", "Establishment"),
        SubmissionKind::Job => pick(lang, "求人情報", "Job offer"),
    }
}

/// The kind in a queue's narrow column: 「事業所」「求人」.
#[must_use]
pub fn submission_kind_short(lang: Lang, k: SubmissionKind) -> &'static str {
    match k {
        SubmissionKind::Establishment => pick(lang, "事業所", "Est."),
        SubmissionKind::Job => pick(lang, "求人", "Job"),
    }
}

/// 「確認」「本登録」「差戻し」…
#[must_use]
pub fn submission_event_label(lang: Lang, e: SubmissionEvent) -> &'static str {
    use SubmissionEvent as E;
    match e {
        E::Check => pick(lang, "確認", "check"),
        E::Approve => pick(lang, "本登録", "approve"),
        E::Return => pick(lang, "差戻し", "return"),
        E::Reject => pick(lang, "不受理", "reject"),
        E::Resubmit => pick(lang, "再提出", "resubmit"),
        E::DeadlinePassed => pick(lang, "期限切れ", "deadline passed"),
        E::Purge => pick(lang, "消去", "purge"),
        E::Withdraw => pick(lang, "取下げ", "withdraw"),
    }
}

/// 「期限超過」「期限間近」「通常」.
#[must_use]
pub fn urgency_label(lang: Lang, u: Urgency) -> &'static str {
    match u {
        Urgency::Overdue => pick(lang, "期限超過", "overdue"),
        Urgency::Soon => pick(lang, "期限間近", "due soon"),
        Urgency::Normal => pick(lang, "通常", "normal"),
    }
}

/// The identity document of a reveal or an ID change (R-ID-2, R-ID-4).
#[must_use]
pub fn document_label(lang: Lang, d: Document) -> &'static str {
    match lang {
        // The Japanese names are also what `document_named` accepts.
        Lang::Ja => match d {
            Document::DriversLicence => "運転免許証",
            Document::MyNumberCard => "マイナンバーカード",
            Document::HealthInsurance => "健康保険証",
            Document::ResidenceCard => "在留カード",
            Document::StaffIdAndCard => "社員証＋名刺",
            Document::Other => "その他",
        },
        Lang::En => match d {
            Document::DriversLicence => "driver's licence",
            Document::MyNumberCard => "My Number card",
            Document::HealthInsurance => "health insurance card",
            Document::ResidenceCard => "residence card",
            Document::StaffIdAndCard => "staff ID and business card",
            Document::Other => "other",
        },
    }
}

/// The document a clerk typed or picked, by its code or its Japanese name (R-ID-2): what
/// `domain::lookup::IdentityCheck::new` is given.
#[must_use]
pub fn document_named(s: &str) -> Option<Document> {
    let s = s.trim();
    Document::ALL
        .into_iter()
        .find(|d| d.code() == s || document_label(Lang::Ja, *d) == s)
}

/// R-VISIT-1: the Japanese words of a reason a visit is needed, as the Internet Service's
/// notice says them (what the import stores beside the code, `storage::submissions`); a staff
/// member's reason in brackets.
#[must_use]
pub fn visit_reason_ja(r: &VisitReason) -> String {
    match r {
        VisitReason::StaffFlagged(reason) if reason.trim().is_empty() => {
            STAFF_FLAGGED_JA.to_string()
        }
        VisitReason::StaffFlagged(reason) => format!("{STAFF_FLAGGED_JA}（{reason}）"),
        fixed => visit_reason_fixed(Lang::Ja, fixed.code())
            .unwrap_or_default()
            .to_string(),
    }
}

/// その他、ハローワークが必要と認める: the staff's reason, in brackets after it.
const STAFF_FLAGGED_JA: &str = "ハローワークが必要と認める";

/// The label of a visit reason named by its code alone, or None for the staff's own reason
/// (stored as text) and unknown codes.
#[must_use]
pub fn visit_reason_fixed(lang: Lang, code: &str) -> Option<&'static str> {
    Some(match code {
        "first_mypage_offer" => pick(
            lang,
            "初めてマイページを通じて求人を申し込む",
            "first job offer through My Page",
        ),
        "first_disability_only" => pick(
            lang,
            "2020年1月以降、初めての障害者専用求人",
            "first offer for persons with disabilities only since January 2020",
        ),
        "first_trial" => pick(
            lang,
            "2020年1月以降、初めてのトライアル雇用求人",
            "first trial-employment offer since January 2020",
        ),
        "first_disability_short_trial" => pick(
            lang,
            "2020年1月以降、初めての障害者（短時間）トライアル雇用求人",
            "first disability (short-time) trial-employment offer since January 2020",
        ),
        "no_offer_in_past_year" => pick(
            lang,
            "過去1年間に求人の申込みがない",
            "no job offer in the past year",
        ),
        "dispatch_or_contract" => pick(lang, "派遣・請負求人", "dispatch or contract work"),
        "self_registered_establishment" => pick(
            lang,
            "オンラインで仮登録した事業所情報（来所して本登録）",
            "establishment registered online (registered at the office on a visit)",
        ),
        _ => return None,
    })
}

/// A stored visit reason (code and the label stored with it) in `lang`: a coded reason by its
/// code; the staff's reason keeps their text (in English, after "required by Hello Work").
#[must_use]
pub fn visit_reason(lang: Lang, code: &str, stored: &str) -> String {
    if let Some(l) = visit_reason_fixed(lang, code) {
        return l.to_string();
    }
    match lang {
        Lang::Ja => stored.to_string(),
        Lang::En => match stored.strip_prefix(STAFF_FLAGGED_JA) {
            Some("") => "required by Hello Work".to_string(),
            Some(rest) => {
                let reason = rest
                    .strip_prefix('（')
                    .and_then(|r| r.strip_suffix('）'))
                    .unwrap_or(rest);
                format!("required by Hello Work ({reason})")
            }
            None => stored.to_string(),
        },
    }
}

/// R-REV-1: the words of an item of the check's checklist.
#[must_use]
pub fn check_item_label(lang: Lang, item: CheckItem) -> &'static str {
    match item {
        CheckItem::Identity => pick(
            lang,
            "事業所の実在・所在地を確認した",
            "the establishment exists at its address",
        ),
        CheckItem::Conditions => pick(
            lang,
            "労働条件（賃金・時間・休日）が明示されている",
            "the working conditions (wage, hours, holidays) are stated",
        ),
        CheckItem::Lawful => pick(
            lang,
            "法令違反・雇用関係でない内容がない",
            "nothing unlawful, nothing that is not employment",
        ),
        CheckItem::Findings => pick(
            lang,
            "入力チェックの警告を確認した",
            "the validation warnings were looked at",
        ),
        CheckItem::Contact => pick(
            lang,
            "連絡先（電話・担当者）を確認した",
            "the contact (phone, person) was checked",
        ),
    }
}

/// R-REV-1: the item of the check's checklist a stored code names; an unknown code is shown
/// as it is.
#[must_use]
pub fn checklist_label(lang: Lang, code: &str) -> &str {
    CheckItem::parse(code).map_or(code, |i| check_item_label(lang, i))
}

/// Why the office is closed on a day: 「土日」「祝日（海の日）」「年末年始」「閉庁（…）」.
#[must_use]
pub fn closed_reason_label(lang: Lang, r: &ClosedReason) -> String {
    match (lang, r) {
        (Lang::Ja, ClosedReason::Weekend) => "土日".to_string(),
        (Lang::Ja, ClosedReason::Holiday(name)) => format!("祝日（{name}）"),
        (Lang::Ja, ClosedReason::YearEnd) => "年末年始".to_string(),
        (Lang::Ja, ClosedReason::Office(reason)) => format!("閉庁（{reason}）"),
        (Lang::En, ClosedReason::Weekend) => "weekend".to_string(),
        (Lang::En, ClosedReason::Holiday(name)) => format!("holiday ({name})"),
        (Lang::En, ClosedReason::YearEnd) => "year-end closure".to_string(),
        (Lang::En, ClosedReason::Office(reason)) => format!("office closed ({reason})"),
    }
}

/// `1989年1月8日`: how the messages write a day.
#[must_use]
pub fn date_ja(d: chrono::NaiveDate) -> String {
    use chrono::Datelike as _;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `fiscal_year` in the Japanese era as staff read it: 2025 → 「令和7年度」.
#[must_use]
pub fn fiscal_year_ja(fiscal_year: i32) -> String {
    if fiscal_year >= 2019 {
        format!("令和{}年度", fiscal_year - 2018)
    } else {
        format!("{fiscal_year}年度")
    }
}

/// `inner` between the marks of the language: `ja` or `en` as (before, after).
fn around(
    lang: Lang,
    ja: (&'static str, &'static str),
    en: (&'static str, &'static str),
    inner: impl std::fmt::Display,
) -> String {
    let (before, after) = match lang {
        Lang::Ja => ja,
        Lang::En => en,
    };
    format!("{before}{inner}{after}")
}

/// `items` joined by the language's separator.
fn joined<S: AsRef<str>>(lang: Lang, ja: &'static str, en: &'static str, items: &[S]) -> String {
    let parts: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    parts.join(pick(lang, ja, en))
}

/// Brackets around a note: 「（note）」, or "(note)" in English.
#[must_use]
pub fn paren(lang: Lang, inner: impl std::fmt::Display) -> String {
    around(lang, ("（", "）"), ("(", ")"), inner)
}

/// A thing with its note: 「head（note）」, or "head (note)" in English.
#[must_use]
pub fn with_paren(
    lang: Lang,
    head: impl std::fmt::Display,
    inner: impl std::fmt::Display,
) -> String {
    format!("{head}{}{}", pick(lang, "", " "), paren(lang, inner))
}

/// Names in a row: 「A・B」, or "A, B" in English.
#[must_use]
pub fn join_list<S: AsRef<str>>(lang: Lang, items: &[S]) -> String {
    joined(lang, "・", ", ", items)
}

/// People named in a row: 「A、B」, or "A, B" in English.
#[must_use]
pub fn join_names<S: AsRef<str>>(lang: Lang, items: &[S]) -> String {
    joined(lang, "、", ", ", items)
}

/// An item of a list on its own line: 「  ・item」, or "  - item" in English.
#[must_use]
pub fn bullet(lang: Lang, item: impl std::fmt::Display) -> String {
    around(lang, ("  ・", ""), ("  - ", ""), item)
}

/// A section's heading inside a text: 「［heading］」, or "[heading]" in English.
#[must_use]
pub fn section(lang: Lang, heading: impl std::fmt::Display) -> String {
    around(lang, ("［", "］"), ("[", "]"), heading)
}

/// A heading inside a text: 「【heading】」, or "[heading]" in English.
#[must_use]
pub fn heading(lang: Lang, text: impl std::fmt::Display) -> String {
    around(lang, ("【", "】"), ("[", "]"), text)
}

/// A span of numbers or keys: 「1〜9」, or "1-9" in English.
#[must_use]
pub fn span(lang: Lang, from: impl std::fmt::Display, to: impl std::fmt::Display) -> String {
    format!("{from}{}{to}", pick(lang, "〜", "-"))
}

/// An open start of a span of days: 「2026-12-01〜」, or "from 2026-12-01" in English.
#[must_use]
pub fn since(lang: Lang, day: impl std::fmt::Display) -> String {
    around(lang, ("", "〜"), ("from ", ""), day)
}

/// An open end of a span of days: 「〜2026-12-31」, or "until 2026-12-31" in English.
#[must_use]
pub fn until(lang: Lang, day: impl std::fmt::Display) -> String {
    around(lang, ("〜", ""), ("until ", ""), day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_around_words_follow_the_language() {
        let (ja, en) = (Lang::Ja, Lang::En);
        assert_eq!(with_paren(ja, "田中", "tanaka"), "田中（tanaka）");
        assert_eq!(with_paren(en, "Tanaka", "tanaka"), "Tanaka (tanaka)");
        assert_eq!(join_list(ja, &["窓口", "監査"]), "窓口・監査");
        assert_eq!(join_names(en, &["a", "b"]), "a, b");
        assert_eq!(bullet(ja, "x"), "  ・x");
        assert_eq!(heading(ja, "メール"), "【メール】");
        assert_eq!(section(en, "Wages"), "[Wages]");
        assert_eq!(span(ja, 1, 9), "1〜9");
        assert_eq!(since(en, "2026-12-01"), "from 2026-12-01");
        assert_eq!(until(ja, "2026-12-31"), "〜2026-12-31");
    }

    #[test]
    fn dates_and_fiscal_years_as_staff_read_them() {
        let d = chrono::NaiveDate::from_ymd_opt(1989, 1, 8).expect("date");
        assert_eq!(date_ja(d), "1989年1月8日");
        assert_eq!(fiscal_year_ja(2025), "令和7年度");
        assert_eq!(fiscal_year_ja(2018), "2018年度");
    }

    #[test]
    fn every_label_has_both_languages_and_english_is_ascii() {
        for s in SubmissionState::ALL {
            assert!(!submission_state_label(Lang::Ja, s).is_ascii(), "{s:?}");
            assert!(submission_state_label(Lang::En, s).is_ascii(), "{s:?}");
        }
        for e in SubmissionEvent::ALL {
            assert!(!submission_event_label(Lang::Ja, e).is_ascii(), "{e:?}");
            assert!(submission_event_label(Lang::En, e).is_ascii(), "{e:?}");
        }
        for k in [SubmissionKind::Establishment, SubmissionKind::Job] {
            assert!(submission_kind_label(Lang::En, k).is_ascii());
            assert!(submission_kind_short(Lang::En, k).is_ascii());
        }
        for u in [Urgency::Overdue, Urgency::Soon, Urgency::Normal] {
            assert!(urgency_label(Lang::En, u).is_ascii());
        }
        for d in Document::ALL {
            assert!(document_label(Lang::En, d).is_ascii(), "{d:?}");
            assert_eq!(document_named(document_label(Lang::Ja, d)), Some(d));
            assert_eq!(document_named(&format!(" {} ", d.code())), Some(d));
        }
    }

    #[test]
    fn the_japanese_labels_the_screens_show() {
        assert_eq!(
            submission_state_label(Lang::Ja, SubmissionState::Returned),
            "差戻し"
        );
        assert_eq!(
            submission_kind_label(Lang::Ja, SubmissionKind::Job),
            "求人情報"
        );
        assert_eq!(
            submission_kind_short(Lang::Ja, SubmissionKind::Establishment),
            "事業所"
        );
        assert_eq!(urgency_label(Lang::Ja, Urgency::Soon), "期限間近");
        assert_eq!(
            closed_reason_label(Lang::Ja, &ClosedReason::Holiday("海の日".into())),
            "祝日（海の日）"
        );
        assert_eq!(
            closed_reason_label(Lang::En, &ClosedReason::Office("inspection".into())),
            "office closed (inspection)"
        );
    }

    /// A stored code names its label (every reason but the staff's, whose reason is text).
    #[test]
    fn r_visit_1_fixed_reasons_are_named_by_their_code_alone() {
        for r in [
            VisitReason::FirstMyPageOffer,
            VisitReason::FirstDisabilityOnly,
            VisitReason::FirstTrial,
            VisitReason::FirstDisabilityShortTrial,
            VisitReason::NoOfferInPastYear,
            VisitReason::DispatchOrContract,
            VisitReason::SelfRegisteredEstablishment,
        ] {
            assert!(crate::domain::visit::is_fixed_code(r.code()), "{r:?}");
            let label =
                visit_reason_fixed(Lang::Ja, r.code()).unwrap_or_else(|| panic!("{}", r.code()));
            assert_eq!(visit_reason_ja(&r), label);
            assert!(!label.is_empty());
            assert!(visit_reason_fixed(Lang::En, r.code()).is_some_and(str::is_ascii));
        }
        assert_eq!(visit_reason_fixed(Lang::Ja, "staff_flagged"), None);
        assert_eq!(visit_reason_fixed(Lang::Ja, "unknown"), None);
        assert!(
            visit_reason_fixed(Lang::Ja, "self_registered_establishment")
                .is_some_and(|l| l.contains("来所して本登録"))
        );
        assert_eq!(
            visit_reason_ja(&VisitReason::StaffFlagged("代表者に確認".into())),
            "ハローワークが必要と認める（代表者に確認）"
        );
        assert_eq!(
            visit_reason_ja(&VisitReason::StaffFlagged(String::new())),
            "ハローワークが必要と認める"
        );
        // English names them by code; the staff's reason keeps its text.
        assert_eq!(
            visit_reason(
                Lang::En,
                "no_offer_in_past_year",
                "過去1年間に求人の申込みがない"
            ),
            "no job offer in the past year"
        );
        assert_eq!(
            visit_reason(
                Lang::En,
                "staff_flagged",
                "ハローワークが必要と認める（代表者に確認）"
            ),
            "required by Hello Work (代表者に確認)"
        );
    }
}
