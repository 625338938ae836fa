//! Messages for validation findings (SPEC §5): they name the field and the rule.
//!
//! `「賃金（下限）: 上限より大きい値です」`. Parameters come from the rule (limits, ranges) or,
//! for `kana`, from the data; callers still pass the message through the terminal sanitiser.

use super::Lang;
pub use super::fields::{FieldSet, field_label};
use crate::domain::job::JobSection;
use crate::domain::validate::{Finding, Severity, rules};

/// The heading of a job offer's section in the detail: 「1. 求人区分等」, or the bare label for
/// the unnumbered work location / employment type section.
#[must_use]
pub fn job_section_heading(lang: Lang, section: JobSection) -> String {
    let label = match lang {
        Lang::Ja => section.label(),
        Lang::En => match section {
            JobSection::Category => "Job category, publication",
            JobSection::Establishment => "Establishment",
            JobSection::Work => "Job content",
            JobSection::PlaceAndType => "Work location, employment type",
            JobSection::Wage => "Wage, allowances",
            JobSection::Hours => "Working hours",
            JobSection::Insurance => "Insurance, pension, retirement",
            JobSection::Pr => "Job PR",
            JobSection::Selection => "Selection",
        },
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
    rule_text(lang, f.rule, f.param.as_deref()).unwrap_or_else(|| {
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
/// shown by its code: 「電話番号: phone_mobile」.
#[must_use]
pub fn stored_finding_message(lang: Lang, field: &str, rule: &str, param: Option<&str>) -> String {
    let text = rule_text(lang, rule, param).unwrap_or_else(|| rule.to_string());
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

/// The rule's text, or None for a rule code not in `rules`.
fn rule_text(lang: Lang, rule: &str, param: Option<&str>) -> Option<String> {
    let p = param.unwrap_or("");
    let range = p.split_once('-');
    let ja = lang == Lang::Ja;
    Some(match rule {
        rules::REQUIRED => pick(ja, "入力してください", "is required"),
        rules::FORMAT => match p {
            "4-6-1" => pick(
                ja,
                "4桁-6桁-1桁の数字で入力してください",
                "must be 4-6-1 digits",
            ),
            "3-4" => pick(ja, "3桁-4桁の数字で入力してください", "must be 3-4 digits"),
            "10-11" => pick(
                ja,
                "10桁または11桁の数字で入力してください",
                "must have 10 or 11 digits",
            ),
            "13" => pick(ja, "13桁の数字で入力してください", "must be 13 digits"),
            _ => pick(ja, "数字で入力してください", "must be digits"),
        },
        rules::CHECK_DIGIT => pick(
            ja,
            "チェックデジットが正しくありません",
            "has a wrong check digit",
        ),
        rules::KANA => {
            if ja {
                format!("全角カタカナで入力してください（「{p}」は使えません）")
            } else {
                format!("must be full-width katakana (\"{p}\" is not allowed)")
            }
        }
        rules::CONTROL_CHAR => {
            if ja {
                format!("制御文字や文字の向きを変える記号（{p}）は使えません")
            } else {
                format!("must not contain control or bidirectional-override characters ({p})")
            }
        }
        rules::TOO_MANY => {
            if ja {
                format!("{p}件以内にしてください")
            } else {
                format!("must have at most {p} entries")
            }
        }
        rules::TOO_LONG => {
            if ja {
                format!("{p}文字以内で入力してください")
            } else {
                format!("must be at most {p} characters")
            }
        }
        rules::OUT_OF_RANGE => {
            let (lo, hi) = range.unwrap_or((p, p));
            if ja {
                format!("{lo}～{hi}の範囲で入力してください")
            } else {
                format!("must be between {lo} and {hi}")
            }
        }
        rules::NOT_POSITIVE => pick(ja, "1円以上で入力してください", "must be at least 1 yen"),
        rules::WAGE_MIN_GT_MAX => pick(ja, "上限より大きい値です", "is above the maximum"),
        rules::WAGE_UNUSUAL => {
            let (lo, hi) = range.unwrap_or((p, p));
            if ja {
                format!(
                    "通常の範囲（{}円～{}円）を外れています。確認してください",
                    yen(lo),
                    yen(hi)
                )
            } else {
                format!(
                    "is outside the usual range ({} to {} yen); please confirm",
                    yen(lo),
                    yen(hi)
                )
            }
        }
        rules::BONUS_MIN_GT_MAX => pick(ja, "上限より大きい値です", "is above the maximum"),
        rules::NOT_A_NUMBER => pick(ja, "数値で入力してください", "must be a number"),
        rules::DECIMALS => {
            if ja {
                format!("小数点以下{p}桁までで入力してください")
            } else {
                format!("must have at most {p} decimals")
            }
        }
        rules::BONUS_WITHOUT_FLAG => pick(
            ja,
            "賞与「なし」ですが月数・金額が入力されています",
            "is \"none\" but months or amounts are given",
        ),
        rules::INSURANCE_NONE => pick(
            ja,
            "1つ以上選択してください",
            "needs at least one selection",
        ),
        rules::OTHER_TEXT_REQUIRED => pick(
            ja,
            "「その他」を選んだときは内容を入力してください",
            "is required when \"other\" is selected",
        ),
        rules::OTHER_TEXT_UNUSED => pick(
            ja,
            "「その他」が選ばれていないため使われません",
            "is ignored because \"other\" is not selected",
        ),
        rules::SAME_START_END => pick(ja, "始業と同じ時刻です", "is the same as the start time"),
        rules::PR_TOO_MANY_LINES => {
            if ja {
                format!("1行30文字で{p}行を超えます")
            } else {
                format!("needs more than {p} lines of 30 characters")
            }
        }
        rules::PR_NEAR_LIMIT => {
            if ja {
                format!("上限（{p}文字）に近づいています")
            } else {
                format!("is close to its limit of {p} characters")
            }
        }
        rules::PART_TIME_MISMATCH => pick(
            ja,
            "雇用形態（パートかどうか）と一致しません",
            "does not match the employment type (part-time or not)",
        ),
        rules::DISPATCH_MISMATCH => pick(
            ja,
            "雇用形態が派遣ですが「派遣・請負」が選ばれていません",
            "is not set although the employment type is dispatch",
        ),
        rules::DISABILITY_TRIAL_MISMATCH => pick(
            ja,
            "求人区分が「障害者」ではありません",
            "requires the category \"disabled\"",
        ),
        rules::MIN_WAGE => {
            let mut it = p.split('|');
            let (pref, amount) = (it.next().unwrap_or(""), yen(it.next().unwrap_or("")));
            if ja {
                format!(
                    "{pref}の最低賃金（時間額{amount}円）を下回っています。最低賃金法に違反する求人は受理できません"
                )
            } else {
                format!(
                    "is below the minimum wage of {pref} ({amount} yen per hour); an offer that breaks the Minimum Wage Act cannot be accepted"
                )
            }
        }
        rules::MIN_WAGE_CONVERTED => {
            let mut it = p.split('|');
            let pref = it.next().unwrap_or("");
            let amount = yen(it.next().unwrap_or(""));
            let per_hour = yen(it.next().unwrap_or(""));
            if ja {
                format!(
                    "就業時間で割ると時間額約{per_hour}円で、{pref}の最低賃金（{amount}円）を下回ります。労働時間と賃金を確認してください"
                )
            } else {
                format!(
                    "comes to about {per_hour} yen per hour over the stated working hours, below the minimum wage of {pref} ({amount} yen); check hours and wage"
                )
            }
        }
        rules::MIN_WAGE_UNKNOWN if p.is_empty() => pick(
            ja,
            "就業場所の都道府県が分からないため最低賃金を確認できません。就業場所と安定所コードを確認してください",
            "the minimum wage cannot be checked: the work location's prefecture is not known (check the work location and the office code)",
        ),
        rules::MIN_WAGE_UNKNOWN => {
            if ja {
                format!(
                    "この日の{p}の最低賃金が最低賃金表にありません。最新の最低賃金を確認してください"
                )
            } else {
                format!(
                    "the minimum wage table has no amount for {p} on this day; check the current minimum wage"
                )
            }
        }
        rules::MIN_WAGE_TABLE_OLD => {
            let year: i32 = p.parse().unwrap_or(0);
            if ja {
                format!(
                    "最低賃金表は{}（{year}年度）までで、新しい年度の最低賃金が入っていません。最新の最低賃金を確認し、表を更新してください",
                    crate::domain::minwage::fiscal_year_ja(year)
                )
            } else {
                format!(
                    "the minimum wage table ends with fiscal year {year} and lacks the newer amounts; check the current minimum wage and update the table"
                )
            }
        }
        _ => return None,
    })
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

fn pick(ja: bool, ja_text: &str, en_text: &str) -> String {
    if ja { ja_text } else { en_text }.to_string()
}

/// `2000000` → `2,000,000`; anything else unchanged.
fn yen(digits: &str) -> String {
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return digits.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::establishment::Establishment;
    use crate::domain::job::{self, JobOffer};
    use crate::domain::minwage::MinimumWageTable;
    use crate::domain::validate::{JobCheck, validate_establishment, validate_job};

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
        assert_eq!(yen("1200000"), "1,200,000");
        assert_eq!(yen("900"), "900");
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
