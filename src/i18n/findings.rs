//! Messages for validation findings (SPEC §5): they name the field and the rule.
//!
//! `「賃金（下限）: 上限より大きい値です」`. Parameters come from the rule (limits, ranges) or,
//! for `kana`, from the data; callers still pass the message through the terminal sanitiser.

use super::Lang;
pub use super::fields::{FieldSet, field_label};
use super::rules::rule_text;
use crate::domain::job::JobSection;
use crate::domain::validate::{Finding, Severity};

/// The heading of a job offer's section in the detail: 「1. 求人区分等」, or the bare label for
/// the unnumbered work location / employment type section.
#[must_use]
pub fn job_section_heading(lang: Lang, section: JobSection) -> String {
    let (ja, en) = match section {
        JobSection::Category => ("求人区分等", "Job category, publication"),
        JobSection::Establishment => ("事業所情報", "Establishment"),
        JobSection::Work => ("仕事内容", "Job content"),
        JobSection::PlaceAndType => ("就業場所・雇用形態", "Work location, employment type"),
        JobSection::Wage => ("賃金・手当", "Wage, allowances"),
        JobSection::Hours => ("労働時間", "Working hours"),
        JobSection::Insurance => ("保険・年金・定年等", "Insurance, pension, retirement"),
        JobSection::Pr => ("求人PR情報", "Job PR"),
        JobSection::Selection => ("選考方法", "Selection"),
    };
    let label = match lang {
        Lang::Ja => ja,
        Lang::En => en,
    };
    match section.number() {
        Some(n) => format!("{n}. {label}"),
        None => label.to_string(),
    }
}

/// Label of a severity: 「エラー」「警告」.
#[must_use]
pub fn severity_label(lang: Lang, severity: Severity) -> &'static str {
    match (lang, severity) {
        (Lang::Ja, Severity::Error) => "エラー",
        (Lang::Ja, Severity::Warning) => "警告",
        (Lang::En, Severity::Error) => "error",
        (Lang::En, Severity::Warning) => "warning",
    }
}

/// What the rule says, without the field.
#[must_use]
pub fn rule_message(lang: Lang, f: &Finding) -> String {
    rule_text(lang, None, f.rule, f.param.as_deref()).unwrap_or_else(|| {
        let other = f.rule;
        if lang == Lang::Ja {
            format!("入力内容を確認してください（{other}）")
        } else {
            format!("please check ({other})")
        }
    })
}

/// A finding as stored with a submission version (field, rule and parameter as text), as
/// 「電話番号: 10桁または11桁の数字で入力してください」. A rule this version does not know is
/// shown by its code: 「電話番号: `phone_mobile`」.
#[must_use]
pub fn stored_finding_message(lang: Lang, field: &str, rule: &str, param: Option<&str>) -> String {
    let text = rule_text(lang, None, rule, param).unwrap_or_else(|| rule.to_string());
    format!("{}: {text}", field_label(lang, FieldSet::Submission, field))
}

/// The detail of a `validation` reject (`field:rule=param,…`) in words, one finding a line:
/// 「事業所名: 制御文字や文字の向きを変える記号（U+001B）は使えません」.
#[must_use]
pub fn validation_detail(lang: Lang, detail: &str) -> String {
    detail
        .split(',')
        .filter(|d| !d.is_empty())
        .map(|d| {
            let (field, rest) = d.split_once(':').unwrap_or((d, ""));
            let (rule, param) = match rest.split_once('=') {
                Some((r, p)) => (r, Some(p)),
                None => (rest, None),
            };
            stored_finding_message(lang, field, rule, param)
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The full message: 「賃金（下限）: 上限より大きい値です」.
#[must_use]
pub fn finding_message(lang: Lang, f: &Finding) -> String {
    format!(
        "{}: {}",
        field_label(lang, FieldSet::Submission, f.field),
        rule_message(lang, f)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::establishment::Establishment;
    use crate::domain::job::{self, JobOffer};
    use crate::domain::minwage::MinimumWageTable;
    use crate::domain::validate::{JobCheck, rules, validate_establishment, validate_job};

    fn finding(field: &'static str, rule: &'static str, param: Option<&str>) -> Finding {
        Finding {
            field,
            severity: Severity::Error,
            rule,
            param: param.map(str::to_string),
        }
    }

    #[test]
    fn spec_5_messages_name_field_and_rule() {
        assert_eq!(
            finding_message(Lang::Ja, &finding("wage.min", rules::WAGE_MIN_GT_MAX, None)),
            "賃金（下限）: 上限より大きい値です"
        );
        assert_eq!(
            finding_message(Lang::En, &finding("wage.min", rules::WAGE_MIN_GT_MAX, None)),
            "Wage (minimum): is above the maximum"
        );
        assert_eq!(
            finding_message(Lang::Ja, &finding("title", rules::TOO_LONG, Some("28"))),
            "職種: 28文字以内で入力してください"
        );
        assert_eq!(
            finding_message(
                Lang::Ja,
                &finding("wage.min", rules::WAGE_UNUSUAL, Some("100000-2000000"))
            ),
            "賃金（下限）: 通常の範囲（100,000円～2,000,000円）を外れています。確認してください"
        );
        assert_eq!(
            finding_message(
                Lang::Ja,
                &finding("hours.annual_holidays", rules::OUT_OF_RANGE, Some("0-366"))
            ),
            "年間休日数: 0～366の範囲で入力してください"
        );
        assert_eq!(
            finding_message(
                Lang::Ja,
                &finding("establishment_number", rules::FORMAT, Some("4-6-1"))
            ),
            "事業所番号: 4桁-6桁-1桁の数字で入力してください"
        );
        assert_eq!(
            field_label(Lang::Ja, FieldSet::Submission, "no.such.field"),
            "no.such.field"
        );
        assert_eq!(severity_label(Lang::Ja, Severity::Warning), "警告");
    }

    #[test]
    fn r_val_min_wage_messages_say_how_much_and_where() {
        let f = |rule, p: &str| Finding {
            field: "wage.min",
            severity: Severity::Error,
            rule,
            param: Some(p.to_string()),
        };
        assert_eq!(
            finding_message(Lang::Ja, &f(rules::MIN_WAGE, "東京|1226")),
            "賃金（下限）: 東京の最低賃金（時間額1,226円）を下回っています。最低賃金法に違反する求人は受理できません"
        );
        let m = finding_message(Lang::Ja, &f(rules::MIN_WAGE_CONVERTED, "大阪|1177|1100"));
        assert!(m.contains("時間額約1,100円"), "{m}");
        assert!(m.contains("大阪の最低賃金（1,177円）"), "{m}");
        let m = finding_message(Lang::Ja, &f(rules::MIN_WAGE_TABLE_OLD, "2025"));
        assert!(m.contains("令和7年度（2025年度）まで"), "{m}");
        let m = finding_message(Lang::En, &f(rules::MIN_WAGE, "東京|1226"));
        assert!(m.contains("1,226 yen per hour"), "{m}");
    }

    #[test]
    fn spec_2_3_job_section_headings_as_on_the_form() {
        assert_eq!(
            job_section_heading(Lang::Ja, JobSection::Category),
            "1. 求人区分等"
        );
        assert_eq!(
            job_section_heading(Lang::Ja, JobSection::Selection),
            "8. 選考方法"
        );
        assert_eq!(
            job_section_heading(Lang::Ja, JobSection::PlaceAndType),
            "就業場所・雇用形態"
        );
        assert_eq!(
            job_section_heading(Lang::En, JobSection::Wage),
            "4. Wage, allowances"
        );
    }

    #[test]
    fn stored_findings_read_as_their_message_and_unknown_rules_as_their_code() {
        assert_eq!(
            stored_finding_message(Lang::Ja, "phone", "format", Some("10-11")),
            "電話番号: 10桁または11桁の数字で入力してください"
        );
        assert_eq!(
            stored_finding_message(Lang::Ja, "wage.min", "wage_min_gt_max", None),
            "賃金（下限）: 上限より大きい値です"
        );
        assert_eq!(
            stored_finding_message(Lang::Ja, "phone", "phone_mobile", None),
            "電話番号: phone_mobile"
        );
        assert_eq!(stored_finding_message(Lang::En, "x.y", "z", None), "x.y: z");
    }

    #[test]
    fn spec_5_every_finding_of_empty_payloads_has_a_specific_message() {
        let table = MinimumWageTable::bundled().expect("table");
        let on = |date: &str, office_prefecture| JobCheck {
            date: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date"),
            minimum_wage: &table,
            office_prefecture,
        };
        let now = on("2026-04-01", Some(13));
        let mut all = validate_job(&JobOffer::default(), &now);
        all.extend(validate_establishment(&Establishment::default()));
        let mut j = job::sample();
        j.title = "x".repeat(40);
        j.pr_message = "あ".repeat(700);
        j.bonus.months = Some("1.234".into());
        j.bonus.has_bonus = None;
        all.extend(validate_job(&j, &now));
        // Minimum wage: each of its findings.
        let mut low = job::sample();
        low.wage.min = Some(150_000);
        low.wage.max = None;
        all.extend(validate_job(&low, &on("2026-12-07", Some(13))));
        all.extend(validate_job(&low, &on("2026-04-01", None)));
        all.extend(validate_job(&low, &on("2024-04-01", Some(13))));
        low.wage.kind = Some(crate::domain::job::WageKind::Hourly);
        low.wage.min = Some(1000);
        all.extend(validate_job(&low, &now));
        for rule in [
            rules::MIN_WAGE,
            rules::MIN_WAGE_CONVERTED,
            rules::MIN_WAGE_UNKNOWN,
            rules::MIN_WAGE_TABLE_OLD,
        ] {
            assert!(all.iter().any(|f| f.rule == rule), "{rule}");
        }
        for f in &all {
            for lang in [Lang::Ja, Lang::En] {
                let m = finding_message(lang, f);
                assert!(!m.starts_with(f.field), "{m}");
                assert!(!m.contains("please check ("), "{m}");
                assert!(!m.contains("確認してください（"), "{m}");
            }
        }
    }
}
