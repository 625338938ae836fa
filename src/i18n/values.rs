//! The words of a submission's field values (SPEC §2.3): the job offer form's coded choices
//! (求人区分, 公開範囲, 雇用形態, 賃金形態, 労働時間の種類, 加入保険等), a check box, the
//! establishment an offer belongs to, lists. Japanese as on the Internet Service's form, and
//! English. `domain::field_value::FieldValue` is the data; every match here is exhaustive, so a
//! value without words in a language does not compile.

use super::Lang;
use crate::domain::field_value::{Coded, FieldValue};
use crate::domain::job::{
    EmploymentType, EstablishmentLink, InsuranceKind, JobCategoryKind, PublicationScope, WageKind,
    WorkingTimeKind,
};

use super::pick;

/// 求人区分: 「一般」「学生」「障害者」.
#[must_use]
pub fn category_label(lang: Lang, k: JobCategoryKind) -> &'static str {
    match k {
        JobCategoryKind::General => pick(lang, "一般", "general"),
        JobCategoryKind::Student => pick(lang, "学生", "student"),
        JobCategoryKind::Disabled => pick(lang, "障害者", "persons with disabilities"),
    }
}

/// 公開範囲, as the form words the four choices.
#[must_use]
pub fn scope_label(lang: Lang, s: PublicationScope) -> &'static str {
    match s {
        PublicationScope::WithName => pick(
            lang,
            "事業所名等を含む求人情報を公開する",
            "publish the offer with the establishment's name",
        ),
        PublicationScope::HelloWorkSeekersOnly => pick(
            lang,
            "ハローワークの求職者に限定し、事業所名等を含む求人情報を公開する",
            "publish the offer with the establishment's name to Hello Work's job seekers only",
        ),
        PublicationScope::WithoutName => pick(
            lang,
            "事業所名等を含まない求人情報を公開する",
            "publish the offer without the establishment's name",
        ),
        PublicationScope::NotPublished => {
            pick(lang, "求人情報を公開しない", "do not publish the offer")
        }
    }
}

/// 雇用形態: 「正社員」「パート労働者」…
#[must_use]
pub fn employment_label(lang: Lang, t: EmploymentType) -> &'static str {
    use EmploymentType as E;
    match t {
        E::Regular => pick(lang, "正社員", "regular employee"),
        E::NonRegular => pick(lang, "正社員以外", "non-regular employee"),
        E::FixedTermDispatch => pick(lang, "有期雇用派遣労働者", "dispatched worker, fixed term"),
        E::IndefiniteDispatch => pick(
            lang,
            "無期雇用派遣労働者",
            "dispatched worker, indefinite term",
        ),
        E::PartTime => pick(lang, "パート労働者", "part-time worker"),
        E::FixedTermDispatchPartTime => pick(
            lang,
            "有期雇用派遣パート",
            "dispatched part-time worker, fixed term",
        ),
        E::IndefiniteDispatchPartTime => pick(
            lang,
            "無期雇用派遣パート",
            "dispatched part-time worker, indefinite term",
        ),
    }
}

/// 賃金形態: 「月給」「日給」「時給」「年俸制」「その他」.
#[must_use]
pub fn wage_label(lang: Lang, k: WageKind) -> &'static str {
    match k {
        WageKind::Monthly => pick(lang, "月給", "monthly"),
        WageKind::Daily => pick(lang, "日給", "daily"),
        WageKind::Hourly => pick(lang, "時給", "hourly"),
        WageKind::Annual => pick(lang, "年俸制", "annual salary"),
        WageKind::Other => pick(lang, "その他", "other"),
    }
}

/// 交替制（シフト制）・フレックスタイム制・裁量労働制・変形労働時間制, or none.
#[must_use]
pub fn working_time_label(lang: Lang, k: WorkingTimeKind) -> &'static str {
    use WorkingTimeKind as W;
    match k {
        W::Normal => pick(lang, "なし（通常）", "none (regular hours)"),
        W::Shift => pick(lang, "交替制（シフト制）", "shift work"),
        W::Flex => pick(lang, "フレックスタイム制", "flextime"),
        W::Discretionary => pick(lang, "裁量労働制", "discretionary work"),
        W::Variable => pick(lang, "変形労働時間制", "variable working hours"),
    }
}

/// 加入保険等: 「雇用保険」「労災保険」…
#[must_use]
pub fn insurance_label(lang: Lang, k: InsuranceKind) -> &'static str {
    use InsuranceKind as I;
    match k {
        I::Employment => pick(lang, "雇用保険", "employment insurance"),
        I::WorkersCompensation => pick(lang, "労災保険", "workers' accident compensation"),
        I::PublicServiceCompensation => {
            pick(lang, "公務災害補償", "public service accident compensation")
        }
        I::Health => pick(lang, "健康保険", "health insurance"),
        I::Pension => pick(lang, "厚生年金", "employees' pension"),
        I::Zaikei => pick(lang, "財形", "asset-building savings"),
        I::Other => pick(lang, "その他", "other"),
    }
}

/// The words of one coded choice.
#[must_use]
pub fn coded_label(lang: Lang, c: Coded) -> &'static str {
    match c {
        Coded::Category(k) => category_label(lang, k),
        Coded::Employment(t) => employment_label(lang, t),
        Coded::Wage(k) => wage_label(lang, k),
        Coded::WorkingTime(k) => working_time_label(lang, k),
        Coded::Insurance(k) => insurance_label(lang, k),
    }
}

/// A check box or yes/no: 「あり」/「なし」.
#[must_use]
pub fn flag(lang: Lang, b: bool) -> &'static str {
    if b {
        pick(lang, "あり", "yes")
    } else {
        pick(lang, "なし", "no")
    }
}

/// The establishment an offer belongs to: 「事業所番号 1301-999999-9」 / 「事業所仮登録 …」.
#[must_use]
pub fn establishment_link(lang: Lang, link: &EstablishmentLink) -> String {
    match (lang, link) {
        (Lang::Ja, EstablishmentLink::EstablishmentNumber(n)) => format!("事業所番号 {n}"),
        (Lang::Ja, EstablishmentLink::SubmissionId(id)) => format!("事業所仮登録 {id}"),
        (Lang::En, EstablishmentLink::EstablishmentNumber(n)) => {
            format!("establishment number {n}")
        }
        (Lang::En, EstablishmentLink::SubmissionId(id)) => {
            format!("provisional establishment {id}")
        }
    }
}

/// A field's value in words; a value not given is empty. Text as entered stays as it is.
#[must_use]
pub fn value(lang: Lang, v: &FieldValue) -> String {
    match v {
        FieldValue::Text(s) => s.clone(),
        FieldValue::List(items) => items.join(pick(lang, "、", ", ")),
        FieldValue::Flag(b) => b.map(|b| flag(lang, b)).unwrap_or_default().to_string(),
        FieldValue::Coded(c) => c
            .map(|c| coded_label(lang, c))
            .unwrap_or_default()
            .to_string(),
        FieldValue::CodedList(cs) => cs
            .iter()
            .map(|c| coded_label(lang, *c))
            .collect::<Vec<_>>()
            .join(pick(lang, "・", ", ")),
        FieldValue::Scope(s) => s
            .map(|s| format!("{}. {}", s.number(), scope_label(lang, s)))
            .unwrap_or_default(),
        FieldValue::Establishment(link) => link
            .as_ref()
            .map(|l| establishment_link(lang, l))
            .unwrap_or_default(),
        FieldValue::SameAsEstablishment => pick(
            lang,
            "（事業所所在地と同じ）",
            "(the establishment's address)",
        )
        .to_string(),
    }
}

/// The fields of `JobOffer::fields` / `Establishment::fields` in words: (path, value).
#[must_use]
pub fn values(lang: Lang, fields: &[(&'static str, FieldValue)]) -> Vec<(&'static str, String)> {
    fields.iter().map(|(k, v)| (*k, value(lang, v))).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::job::JobSection;
    use crate::domain::review::CHECKLIST;

    fn japanese(s: &str) -> bool {
        s.chars().any(|c| {
            matches!(c, '\u{3000}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{ff01}'..='\u{ff9f}')
        })
    }

    /// Every coded value of the job offer form, as `FieldValue`s.
    fn every_coded() -> Vec<Coded> {
        let mut all: Vec<Coded> = Vec::new();
        all.extend(JobCategoryKind::ALL.iter().copied().map(Coded::Category));
        all.extend(EmploymentType::ALL.iter().copied().map(Coded::Employment));
        all.extend(WageKind::ALL.iter().copied().map(Coded::Wage));
        all.extend(WorkingTimeKind::ALL.iter().copied().map(Coded::WorkingTime));
        all.extend(InsuranceKind::ALL.iter().copied().map(Coded::Insurance));
        all
    }

    #[test]
    fn i18n_every_coded_value_has_english_words_without_japanese() {
        let mut words: Vec<String> = every_coded()
            .into_iter()
            .map(|c| coded_label(Lang::En, c).to_string())
            .collect();
        words.extend(
            PublicationScope::ALL
                .iter()
                .map(|s| scope_label(Lang::En, *s).to_string()),
        );
        words.extend(
            JobSection::ALL
                .iter()
                .map(|s| super::super::findings::job_section_heading(Lang::En, *s)),
        );
        words.extend(
            CHECKLIST.map(|i| super::super::labels::check_item_label(Lang::En, i).to_string()),
        );
        words.extend([true, false].map(|b| flag(Lang::En, b).to_string()));
        words.extend(
            [
                FieldValue::SameAsEstablishment,
                FieldValue::Establishment(Some(EstablishmentLink::SubmissionId("e-1".into()))),
                FieldValue::Establishment(Some(EstablishmentLink::EstablishmentNumber(
                    "1301-999999-9".into(),
                ))),
                FieldValue::CodedList(every_coded()),
            ]
            .iter()
            .map(|v| value(Lang::En, v)),
        );
        for w in &words {
            assert!(!w.trim().is_empty(), "{words:?}");
            assert!(!japanese(w), "{w}");
        }
        // And Japanese has words for all of them too, each its own.
        for c in every_coded() {
            assert!(japanese(coded_label(Lang::Ja, c)), "{c:?}");
        }
    }

    #[test]
    fn i18n_job_offer_values_in_japanese_as_on_the_form() {
        let j = crate::domain::job::sample();
        let ja = values(Lang::Ja, &j.fields());
        let get = |k: &str| ja.iter().find(|(p, _)| *p == k).unwrap().1.clone();
        assert_eq!(get("wage.kind"), "月給");
        assert_eq!(
            get("publication_scope"),
            "1. 事業所名等を含む求人情報を公開する"
        );
        assert_eq!(get("category.part_time"), "なし");
        assert_eq!(
            value(Lang::Ja, &FieldValue::SameAsEstablishment),
            "（事業所所在地と同じ）"
        );
        assert_eq!(
            value(
                Lang::Ja,
                &FieldValue::Establishment(Some(EstablishmentLink::EstablishmentNumber(
                    "1301-999999-9".into()
                )))
            ),
            "事業所番号 1301-999999-9"
        );
        assert_eq!(value(Lang::Ja, &FieldValue::Flag(None)), "");
        assert_eq!(
            value(
                Lang::Ja,
                &FieldValue::CodedList(vec![
                    Coded::Insurance(InsuranceKind::Employment),
                    Coded::Insurance(InsuranceKind::Zaikei)
                ])
            ),
            "雇用保険・財形"
        );
        assert_eq!(
            value(Lang::Ja, &FieldValue::List(vec!["a".into(), "b".into()])),
            "a、b"
        );
        let en = values(Lang::En, &j.fields());
        for (k, v) in &en {
            let is_text = matches!(
                j.fields().iter().find(|(p, _)| p == k).unwrap().1,
                FieldValue::Text(_) | FieldValue::List(_)
            );
            assert!(is_text || !japanese(v), "{k}: {v}");
        }
    }
}
