//! Section 4 賃金・手当 of the job offer (SPEC §5): the wage's kind and amounts, and the
//! bonus. The minimum wage has its own file (`minimum_wage`).
//!
//! Usual wage ranges (a wage outside is a warning, not an error; `WageKind::Other` is not
//! checked), in yen:
//!
//! | 賃金形態 | low | high |
//! |---|---|---|
//! | 月給 | 100,000 | 2,000,000 |
//! | 日給 | 5,000 | 100,000 |
//! | 時給 | 900 | 10,000 |
//! | 年俸制 | 1,200,000 | 30,000,000 |

use super::WAGE_OTHER_MAX;
use super::field::{check_max_len, check_required};
use super::{BONUS_MONTHS_DECIMALS, Finding, rules};
use crate::domain::job::{JobOffer, WageKind};

/// Usual range of a wage kind, in yen; `None` for その他.
#[must_use]
pub fn usual_wage_range(kind: WageKind) -> Option<(i64, i64)> {
    match kind {
        WageKind::Monthly => Some((100_000, 2_000_000)),
        WageKind::Daily => Some((5_000, 100_000)),
        WageKind::Hourly => Some((900, 10_000)),
        WageKind::Annual => Some((1_200_000, 30_000_000)),
        WageKind::Other => None,
    }
}

/// 4 賃金・手当, the wage: its kind (その他 and its text), amounts, and the usual range.
pub(super) fn check_wage(out: &mut Vec<Finding>, n: &JobOffer) {
    match n.wage.kind {
        None => out.push(Finding::error("wage.kind", rules::REQUIRED, None)),
        Some(WageKind::Other) => {
            if check_required(out, "wage.other_text", &n.wage.other_text) {
                check_max_len(out, "wage.other_text", &n.wage.other_text, WAGE_OTHER_MAX);
            }
        }
        Some(_) => {
            if !n.wage.other_text.is_empty() {
                out.push(Finding::warning(
                    "wage.other_text",
                    rules::OTHER_TEXT_UNUSED,
                    None,
                ));
            }
        }
    }
    match n.wage.min {
        None => out.push(Finding::error("wage.min", rules::REQUIRED, None)),
        Some(v) if v <= 0 => out.push(Finding::error("wage.min", rules::NOT_POSITIVE, None)),
        Some(_) => {}
    }
    if let Some(v) = n.wage.max
        && v <= 0
    {
        out.push(Finding::error("wage.max", rules::NOT_POSITIVE, None));
    }
    if let (Some(lo), Some(hi)) = (n.wage.min, n.wage.max)
        && lo > hi
    {
        out.push(Finding::error("wage.min", rules::WAGE_MIN_GT_MAX, None));
    }
    if let Some((low, high)) = n.wage.kind.and_then(usual_wage_range) {
        let param = Some(format!("{low}-{high}"));
        for (field, value) in [("wage.min", n.wage.min), ("wage.max", n.wage.max)] {
            if let Some(v) = value
                && v > 0
                && (v < low || v > high)
            {
                out.push(Finding::warning(field, rules::WAGE_UNUSUAL, param.clone()));
            }
        }
    }
}

/// 4 賃金・手当, the bonus: whether there is one (必須), months, amounts.
pub(super) fn check_bonus(out: &mut Vec<Finding>, n: &JobOffer) {
    let b = &n.bonus;
    if b.has_bonus.is_none() {
        // 賞与の有無 is 必須 (seed 004): a payload that does not say is not read as なし.
        out.push(Finding::error("bonus.has_bonus", rules::REQUIRED, None));
    }
    if let Some(m) = &b.months {
        match decimals_ok(m, BONUS_MONTHS_DECIMALS) {
            None => out.push(Finding::error("bonus.months", rules::NOT_A_NUMBER, None)),
            Some(false) => out.push(Finding::error(
                "bonus.months",
                rules::DECIMALS,
                Some(BONUS_MONTHS_DECIMALS.to_string()),
            )),
            Some(true) => {}
        }
    }
    for (field, value) in [
        ("bonus.amount_min", b.amount_min),
        ("bonus.amount_max", b.amount_max),
    ] {
        if let Some(v) = value
            && v <= 0
        {
            out.push(Finding::error(field, rules::NOT_POSITIVE, None));
        }
    }
    if let (Some(lo), Some(hi)) = (b.amount_min, b.amount_max)
        && lo > hi
    {
        out.push(Finding::error(
            "bonus.amount_min",
            rules::BONUS_MIN_GT_MAX,
            None,
        ));
    }
    if b.has_bonus == Some(false)
        && (b.months.is_some() || b.amount_min.is_some() || b.amount_max.is_some())
    {
        out.push(Finding::warning(
            "bonus.has_bonus",
            rules::BONUS_WITHOUT_FLAG,
            None,
        ));
    }
}

/// Whether `s` is a non-negative decimal with at most `max` decimals; `None` if not a number.
fn decimals_ok(s: &str, max: usize) -> Option<bool> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (s.contains('.') && frac.is_empty()) {
        return None;
    }
    Some(frac.len() <= max)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::job;
    use crate::domain::validate::fixtures::*;
    use crate::domain::validate::{Severity, has_errors, validate_job};

    #[test]
    fn spec_5_wage_rules() {
        let f = job_with(|j| {
            j.wage.min = Some(300_000);
            j.wage.max = Some(250_000);
        });
        assert_eq!(rules_of(&f), vec![("wage.min", rules::WAGE_MIN_GT_MAX)]);
        assert_eq!(f[0].severity, Severity::Error);
        assert!(job_with(|j| j.wage.max = None).is_empty());
        assert!(job_with(|j| j.wage.max = Some(220_000)).is_empty());
        let f = job_with(|j| j.wage.min = Some(0));
        assert_eq!(rules_of(&f), vec![("wage.min", rules::NOT_POSITIVE)]);
        let f = job_with(|j| j.wage.kind = Some(WageKind::Other));
        assert_eq!(rules_of(&f), vec![("wage.other_text", rules::REQUIRED)]);
        assert!(
            job_with(|j| {
                j.wage.kind = Some(WageKind::Other);
                j.wage.other_text = "出来高".into();
            })
            .is_empty()
        );
        let f = job_with(|j| {
            j.wage.kind = Some(WageKind::Other);
            j.wage.other_text = "あ".repeat(41);
        });
        assert_eq!(rules_of(&f), vec![("wage.other_text", rules::TOO_LONG)]);
        let f = job_with(|j| j.wage.other_text = "x".into());
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn spec_5_wage_far_from_usual_range_is_a_warning() {
        let f = job_with(|j| {
            j.wage.min = Some(90_000);
            j.wage.max = Some(2_500_000);
        });
        // 90,000 yen a month is also below the minimum wage once divided by the hours.
        assert_eq!(
            rules_of(&f),
            vec![
                ("wage.min", rules::WAGE_UNUSUAL),
                ("wage.max", rules::WAGE_UNUSUAL),
                ("wage.min", rules::MIN_WAGE_CONVERTED)
            ]
        );
        assert!(!has_errors(&f));
        assert_eq!(f[0].param.as_deref(), Some("100000-2000000"));
        let hourly = |min| {
            job_with(move |j| {
                j.wage.kind = Some(WageKind::Hourly);
                j.wage.min = Some(min);
                j.wage.max = None;
            })
        };
        assert!(hourly(1_300).is_empty());
        assert_eq!(
            rules_of(&hourly(800)),
            vec![
                ("wage.min", rules::WAGE_UNUSUAL),
                ("wage.min", rules::MIN_WAGE)
            ]
        );
        assert_eq!(
            rules_of(&hourly(12_000)),
            vec![("wage.min", rules::WAGE_UNUSUAL)]
        );
        let f = job_with(|j| {
            j.wage.kind = Some(WageKind::Other);
            j.wage.other_text = "歩合".into();
            j.wage.min = Some(1);
            j.wage.max = Some(99_999_999);
        });
        assert!(f.is_empty(), "その他 has no usual range: {f:?}");
    }

    #[test]
    fn spec_5_bonus_presence_is_required() {
        let f = job_with(|j| j.bonus.has_bonus = None);
        assert_eq!(rules_of(&f), vec![("bonus.has_bonus", rules::REQUIRED)]);
        assert!(has_errors(&f));
        // As it arrives: a payload without 賞与の有無 is an error, false and true are not.
        let mut json = serde_json::to_value(job::sample()).unwrap();
        json["bonus"] = serde_json::json!({"months": null});
        let j: JobOffer = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(
            rules_of(&validate_job(&j, &spring())),
            vec![("bonus.has_bonus", rules::REQUIRED)]
        );
        json["bonus"] = serde_json::json!({"has_bonus": false});
        let j: JobOffer = serde_json::from_value(json).unwrap();
        assert!(validate_job(&j, &spring()).is_empty());
    }

    #[test]
    fn spec_5_bonus_months_at_most_two_decimals() {
        for ok in ["2", "2.5", "2.55", "０.５", "0"] {
            assert!(
                job_with(|j| j.bonus.months = Some(ok.into())).is_empty(),
                "{ok}"
            );
        }
        let f = job_with(|j| j.bonus.months = Some("2.555".into()));
        assert_eq!(rules_of(&f), vec![("bonus.months", rules::DECIMALS)]);
        for bad in ["二", "2.", ".5", "-1", "1e2", "2,5"] {
            let f = job_with(|j| j.bonus.months = Some(bad.into()));
            assert_eq!(
                rules_of(&f),
                vec![("bonus.months", rules::NOT_A_NUMBER)],
                "{bad}"
            );
        }
        let f = job_with(|j| {
            j.bonus.amount_min = Some(700_000);
        });
        assert_eq!(
            rules_of(&f),
            vec![("bonus.amount_min", rules::BONUS_MIN_GT_MAX)]
        );
        let f = job_with(|j| j.bonus.has_bonus = Some(false));
        assert_eq!(
            rules_of(&f),
            vec![("bonus.has_bonus", rules::BONUS_WITHOUT_FLAG)]
        );
        assert_eq!(f[0].severity, Severity::Warning);
    }
}
