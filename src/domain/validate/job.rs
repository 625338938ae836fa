//! The job offer's rules (SPEC §5): the offer normalised, every text field checked at entry as
//! given ([`check_job_text`]), then one check per section of the offer form, in its order (the
//! findings keep it): 1 求人区分等, 2 事業所, 3 仕事内容, 4 賃金・手当 (`wage`,
//! `minimum_wage`), 5 労働時間, 6 保険・就業規則, 7 PR, 8 選考方法.
//!
//! The PR message is laid out as the printed 「求人・事業所PRシート」: lines of at most 30
//! characters, longer lines wrapping, at most 20 lines in all (so 600 characters without a line
//! break fill it exactly). An error is reported when the laid-out text needs more than 20 lines.

use super::field::{
    char_len, check_grouped, check_max_len, check_range, check_required, check_text,
    grouped_number, normalize_line, normalize_multiline, normalize_number_text, opt_nonempty,
};
use super::minimum_wage::check_minimum_wage;
use super::wage::{check_bonus, check_wage};
use super::{
    ADDRESS_MAX, ANNUAL_HOLIDAYS_RANGE, Finding, HIRES_RANGE, INSURANCE_OTHER_MAX, JobCheck,
    LICENCE_MAX, LICENCES_MAX, LINK_MAX, NOTE_MAX, NUMBER_TEXT_MAX, PAID_LEAVE_RANGE,
    PR_LINE_WIDTH, PR_LINES, PR_MAX, PR_WARN_AT, TITLE_MAX, WAGE_OTHER_MAX, drop_refused, rules,
};
use crate::domain::job::{
    EstablishmentLink, InsuranceKind, JobCategoryKind, JobOffer, WorkLocation, WorkingTimeKind,
};
use crate::domain::numbers;

/// The offer as validation sees it (see the module docs).
#[must_use]
pub fn normalize_job(j: &JobOffer) -> JobOffer {
    let mut n = j.clone();
    n.establishment = j.establishment.as_ref().map(|l| match l {
        EstablishmentLink::EstablishmentNumber(v) => EstablishmentLink::EstablishmentNumber(
            grouped_number(v, numbers::establishment_number).unwrap_or_else(|raw| raw),
        ),
        EstablishmentLink::SubmissionId(v) => EstablishmentLink::SubmissionId(normalize_line(v)),
    });
    n.title = normalize_line(&j.title);
    n.occupation_code = opt_nonempty(j.occupation_code.as_deref().map(normalize_number_text));
    n.licences = j
        .licences
        .iter()
        .map(|l| normalize_line(l))
        .filter(|l| !l.is_empty())
        .collect();
    n.work_location = j.work_location.as_ref().map(|l| WorkLocation {
        postal_code: grouped_number(&l.postal_code, numbers::postal_code).unwrap_or_else(|raw| raw),
        address: normalize_line(&l.address),
    });
    n.wage.other_text = normalize_line(&j.wage.other_text);
    n.bonus.months = opt_nonempty(j.bonus.months.as_deref().map(normalize_number_text));
    n.insurance.other_text = normalize_line(&j.insurance.other_text);
    n.pr_message = normalize_multiline(&j.pr_message);
    n.note_to_hello_work = normalize_multiline(&j.note_to_hello_work);
    n
}

/// SPEC §5 findings for a job offer (validated after normalisation).
#[must_use]
pub fn validate_job(j: &JobOffer, on: &JobCheck<'_>) -> Vec<Finding> {
    check_job(j, on).1
}

/// The normalised offer and its findings; `on` gives the day and the minimum wage table.
#[must_use]
pub fn check_job(j: &JobOffer, on: &JobCheck<'_>) -> (JobOffer, Vec<Finding>) {
    let n = normalize_job(j);
    let mut out = Vec::new();
    // SPEC §5 at entry, on the values as given: a field refused here gets no other finding.
    let refused = check_job_text(&mut out, j);
    let before = out.len();
    check_category(&mut out, &n);
    check_establishment_link(&mut out, &n);
    check_work(&mut out, &n);
    check_wage(&mut out, &n);
    check_minimum_wage(&mut out, &n, on);
    check_bonus(&mut out, &n);
    check_hours(&mut out, &n);
    check_insurance(&mut out, &n);
    check_pr(&mut out, &n);
    check_selection(&mut out, &n);
    drop_refused(&mut out, before, &refused);
    (n, out)
}

/// 1 求人区分等: the category, its trial flag, the publication scope.
fn check_category(out: &mut Vec<Finding>, n: &JobOffer) {
    if n.category.kind.is_none() {
        out.push(Finding::error("category.kind", rules::REQUIRED, None));
    }
    if n.category.disability_short_time_trial && n.category.kind != Some(JobCategoryKind::Disabled)
    {
        out.push(Finding::warning(
            "category.disability_short_time_trial",
            rules::DISABILITY_TRIAL_MISMATCH,
            None,
        ));
    }
    if n.publication_scope.is_none() {
        out.push(Finding::error("publication_scope", rules::REQUIRED, None));
    }
}

/// 2 事業所: the establishment the offer is for, by number or submission id.
fn check_establishment_link(out: &mut Vec<Finding>, n: &JobOffer) {
    match &n.establishment {
        None => out.push(Finding::error("establishment", rules::REQUIRED, None)),
        Some(EstablishmentLink::EstablishmentNumber(v)) => {
            check_grouped(out, "establishment", v, "4-6-1");
        }
        Some(EstablishmentLink::SubmissionId(v)) => {
            check_required(out, "establishment", v);
        }
    }
}

/// 3 仕事内容: title, occupation code, employment type against the category flags, work location.
fn check_work(out: &mut Vec<Finding>, n: &JobOffer) {
    if check_required(out, "title", &n.title) {
        check_max_len(out, "title", &n.title, TITLE_MAX);
    }
    if let Some(code) = &n.occupation_code
        && !code.chars().all(|c| c.is_ascii_digit() || c == '-')
    {
        out.push(Finding::error(
            "occupation_code",
            rules::FORMAT,
            Some("digits".into()),
        ));
    }
    match n.employment_type {
        None => out.push(Finding::error("employment_type", rules::REQUIRED, None)),
        Some(t) => {
            if t.is_part_time() != n.category.part_time {
                out.push(Finding::warning(
                    "category.part_time",
                    rules::PART_TIME_MISMATCH,
                    None,
                ));
            }
            if t.is_dispatch() && !n.category.dispatch_or_contract {
                out.push(Finding::warning(
                    "category.dispatch_or_contract",
                    rules::DISPATCH_MISMATCH,
                    None,
                ));
            }
        }
    }
    if let Some(loc) = &n.work_location {
        if check_required(out, "work_location.postal_code", &loc.postal_code) {
            check_grouped(out, "work_location.postal_code", &loc.postal_code, "3-4");
        }
        check_required(out, "work_location.address", &loc.address);
    }
}

/// 5 労働時間: start and end, paid leave, annual holidays.
fn check_hours(out: &mut Vec<Finding>, n: &JobOffer) {
    let h = &n.hours;
    if h.kind == WorkingTimeKind::Normal {
        if h.start.is_none() {
            out.push(Finding::error("hours.start", rules::REQUIRED, None));
        }
        if h.end.is_none() {
            out.push(Finding::error("hours.end", rules::REQUIRED, None));
        }
    }
    if let (Some(s), Some(e)) = (h.start, h.end)
        && s == e
    {
        out.push(Finding::error("hours.end", rules::SAME_START_END, None));
    }
    if let Some(v) = h.paid_leave_days {
        check_range(out, "hours.paid_leave_days", v, PAID_LEAVE_RANGE);
    }
    match h.annual_holidays {
        None => out.push(Finding::error(
            "hours.annual_holidays",
            rules::REQUIRED,
            None,
        )),
        Some(v) => check_range(out, "hours.annual_holidays", v, ANNUAL_HOLIDAYS_RANGE),
    }
}

/// 6 保険・就業規則: at least one insurance, その他 and its text.
fn check_insurance(out: &mut Vec<Finding>, n: &JobOffer) {
    let ins = &n.insurance;
    if ins.kinds.is_empty() {
        out.push(Finding::error(
            "insurance.kinds",
            rules::INSURANCE_NONE,
            None,
        ));
    }
    if ins.kinds.contains(&InsuranceKind::Other) {
        if ins.other_text.is_empty() {
            out.push(Finding::error(
                "insurance.other_text",
                rules::OTHER_TEXT_REQUIRED,
                None,
            ));
        }
    } else if !ins.other_text.is_empty() {
        out.push(Finding::warning(
            "insurance.other_text",
            rules::OTHER_TEXT_UNUSED,
            None,
        ));
    }
    check_max_len(
        out,
        "insurance.other_text",
        &ins.other_text,
        INSURANCE_OTHER_MAX,
    );
}

/// 7 PR: the message's length and its lines as laid out on the PR sheet.
fn check_pr(out: &mut Vec<Finding>, n: &JobOffer) {
    let pr_chars = char_len(&n.pr_message);
    if pr_chars > PR_MAX {
        out.push(Finding::error(
            "pr_message",
            rules::TOO_LONG,
            Some(PR_MAX.to_string()),
        ));
    } else if pr_chars >= PR_WARN_AT {
        out.push(Finding::warning(
            "pr_message",
            rules::PR_NEAR_LIMIT,
            Some(PR_MAX.to_string()),
        ));
    }
    if pr_layout_lines(&n.pr_message) > PR_LINES {
        out.push(Finding::error(
            "pr_message",
            rules::PR_TOO_MANY_LINES,
            Some(PR_LINES.to_string()),
        ));
    }
}

/// 8 選考方法: the number of hires.
fn check_selection(out: &mut Vec<Finding>, n: &JobOffer) {
    match n.hires {
        None => out.push(Finding::error("hires", rules::REQUIRED, None)),
        Some(v) => check_range(out, "hires", v, HIRES_RANGE),
    }
}

/// Lines the PR message needs when laid out 30 characters wide.
#[must_use]
pub fn pr_layout_lines(text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    text.split('\n')
        .map(|l| char_len(l).div_ceil(PR_LINE_WIDTH).max(1))
        .sum()
}

/// SPEC §5 at entry for every text field of an offer as given; the fields refused.
fn check_job_text(out: &mut Vec<Finding>, j: &JobOffer) -> Vec<&'static str> {
    let link = match &j.establishment {
        Some(EstablishmentLink::EstablishmentNumber(v) | EstablishmentLink::SubmissionId(v)) => {
            v.as_str()
        }
        None => "",
    };
    let (loc_postal, loc_address) = j
        .work_location
        .as_ref()
        .map_or(("", ""), |l| (l.postal_code.as_str(), l.address.as_str()));
    // (field, value, multi-line, cap when the field's own rule has none). その他 texts are
    // capped exactly by their own rule when その他 is chosen (on the normalised text, half-width
    // kana widened); as given, twice that always.
    let given: [(&'static str, &str, bool, Option<usize>); 10] = [
        ("establishment", link, false, Some(LINK_MAX)),
        ("title", &j.title, false, None),
        (
            "occupation_code",
            j.occupation_code.as_deref().unwrap_or(""),
            false,
            Some(NUMBER_TEXT_MAX),
        ),
        (
            "work_location.postal_code",
            loc_postal,
            false,
            Some(NUMBER_TEXT_MAX),
        ),
        (
            "work_location.address",
            loc_address,
            false,
            Some(ADDRESS_MAX),
        ),
        (
            "wage.other_text",
            &j.wage.other_text,
            false,
            Some(2 * WAGE_OTHER_MAX),
        ),
        (
            "bonus.months",
            j.bonus.months.as_deref().unwrap_or(""),
            false,
            Some(NUMBER_TEXT_MAX),
        ),
        (
            "insurance.other_text",
            &j.insurance.other_text,
            false,
            Some(2 * INSURANCE_OTHER_MAX),
        ),
        ("pr_message", &j.pr_message, true, None),
        (
            "note_to_hello_work",
            &j.note_to_hello_work,
            true,
            Some(NOTE_MAX),
        ),
    ];
    let mut refused = Vec::new();
    for (field, raw, multiline, max) in given {
        if !check_text(out, field, raw, multiline, max) {
            refused.push(field);
        }
    }
    if j.licences.len() > LICENCES_MAX {
        out.push(Finding::error(
            "licences",
            rules::TOO_MANY,
            Some(LICENCES_MAX.to_string()),
        ));
        refused.push("licences");
    } else if !j
        .licences
        .iter()
        .all(|l| check_text(out, "licences", l, false, Some(LICENCE_MAX)))
    {
        refused.push("licences");
    }
    refused
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::job;
    use crate::domain::validate::fixtures::*;
    use crate::domain::validate::{Severity, has_errors};
    use chrono::NaiveTime;
    use proptest::prelude::*;

    #[test]
    fn spec_5_required_job_fields() {
        let f = validate_job(&JobOffer::default(), &spring());
        assert_eq!(
            rules_of(&f),
            vec![
                ("category.kind", rules::REQUIRED),
                ("publication_scope", rules::REQUIRED),
                ("establishment", rules::REQUIRED),
                ("title", rules::REQUIRED),
                ("employment_type", rules::REQUIRED),
                ("wage.kind", rules::REQUIRED),
                ("wage.min", rules::REQUIRED),
                ("bonus.has_bonus", rules::REQUIRED),
                ("hours.start", rules::REQUIRED),
                ("hours.end", rules::REQUIRED),
                ("hours.annual_holidays", rules::REQUIRED),
                ("insurance.kinds", rules::INSURANCE_NONE),
                ("hires", rules::REQUIRED),
            ]
        );
    }

    #[test]
    fn spec_5_job_title_at_most_28() {
        assert!(job_with(|j| j.title = "あ".repeat(28)).is_empty());
        let f = job_with(|j| j.title = "あ".repeat(29));
        assert_eq!(rules_of(&f), vec![("title", rules::TOO_LONG)]);
        assert_eq!(f[0].param.as_deref(), Some("28"));
        let f = job_with(|j| j.title = "　".into());
        assert_eq!(rules_of(&f), vec![("title", rules::REQUIRED)]);
    }

    #[test]
    fn spec_5_hours_holidays_and_paid_leave() {
        for (v, ok) in [(0, true), (366, true), (367, false), (-1, false)] {
            let f = job_with(|j| {
                j.hours.annual_holidays = Some(v);
                j.wage.min = Some(400_000); // above the minimum wage with no holidays too
                j.wage.max = None;
            });
            assert_eq!(f.is_empty(), ok, "{v}");
            if !ok {
                assert_eq!(
                    rules_of(&f),
                    vec![("hours.annual_holidays", rules::OUT_OF_RANGE)]
                );
                assert_eq!(f[0].param.as_deref(), Some("0-366"));
            }
        }
        for (v, ok) in [(0, true), (40, true), (41, false), (-1, false)] {
            assert_eq!(
                job_with(|j| j.hours.paid_leave_days = Some(v)).is_empty(),
                ok,
                "{v}"
            );
        }
        assert!(job_with(|j| j.hours.paid_leave_days = None).is_empty());
        let f = job_with(|j| j.hours.end = j.hours.start);
        assert_eq!(rules_of(&f), vec![("hours.end", rules::SAME_START_END)]);
        // Night work crosses midnight.
        assert!(
            job_with(|j| {
                j.hours.start = NaiveTime::from_hms_opt(22, 0, 0);
                j.hours.end = NaiveTime::from_hms_opt(6, 0, 0);
            })
            .is_empty()
        );
        // Flex time needs no fixed start/end.
        assert!(
            job_with(|j| {
                j.hours.kind = WorkingTimeKind::Flex;
                j.hours.start = None;
                j.hours.end = None;
            })
            .is_empty()
        );
    }

    #[test]
    fn spec_5_insurance_at_least_one_and_other_text() {
        let f = job_with(|j| j.insurance.kinds.clear());
        assert_eq!(
            rules_of(&f),
            vec![("insurance.kinds", rules::INSURANCE_NONE)]
        );
        let f = job_with(|j| {
            j.insurance.kinds.insert(InsuranceKind::Other);
        });
        assert_eq!(
            rules_of(&f),
            vec![("insurance.other_text", rules::OTHER_TEXT_REQUIRED)]
        );
        assert!(
            job_with(|j| {
                j.insurance.kinds.insert(InsuranceKind::Other);
                j.insurance.other_text = "企業年金基金".into();
            })
            .is_empty()
        );
        let f = job_with(|j| {
            j.insurance.kinds.insert(InsuranceKind::Other);
            j.insurance.other_text = "企業年金基金等".into();
        });
        assert_eq!(
            rules_of(&f),
            vec![("insurance.other_text", rules::TOO_LONG)]
        );
    }

    #[test]
    fn spec_5_pr_message_limits() {
        // 600 characters without a break fill 20 lines of 30 exactly: a warning only.
        let f = job_with(|j| j.pr_message = "あ".repeat(600));
        assert_eq!(rules_of(&f), vec![("pr_message", rules::PR_NEAR_LIMIT)]);
        assert!(!has_errors(&f));
        let f = job_with(|j| j.pr_message = "あ".repeat(539));
        assert!(f.is_empty());
        let f = job_with(|j| j.pr_message = "あ".repeat(540));
        assert_eq!(rules_of(&f), vec![("pr_message", rules::PR_NEAR_LIMIT)]);
        let f = job_with(|j| j.pr_message = "あ".repeat(601));
        assert_eq!(
            rules_of(&f),
            vec![
                ("pr_message", rules::TOO_LONG),
                ("pr_message", rules::PR_TOO_MANY_LINES)
            ]
        );
        // 21 short lines.
        let f = job_with(|j| j.pr_message = ["短い行"; 21].join("\n"));
        assert_eq!(rules_of(&f), vec![("pr_message", rules::PR_TOO_MANY_LINES)]);
        assert!(job_with(|j| j.pr_message = ["短い行"; 20].join("\r\n")).is_empty());
        // A 31-character line takes two lines: 10 of them need 20 lines, 11 need 22.
        let line31 = "あ".repeat(31);
        assert!(job_with(|j| j.pr_message = [line31.as_str(); 10].join("\n")).is_empty());
        let f = job_with(|j| j.pr_message = [line31.as_str(); 11].join("\n"));
        assert_eq!(rules_of(&f), vec![("pr_message", rules::PR_TOO_MANY_LINES)]);
        assert_eq!(pr_layout_lines(""), 0);
        assert_eq!(pr_layout_lines("a\n\nb"), 3);
        // Trailing blank lines and CRLF are normalised away.
        let (n, _) = check_job(
            &JobOffer {
                pr_message: "一行目  \r\n二行目\r\n\r\n".into(),
                ..job::sample()
            },
            &spring(),
        );
        assert_eq!(n.pr_message, "一行目\n二行目");
    }

    #[test]
    fn spec_5_hires_1_to_999() {
        for (v, ok) in [(1, true), (999, true), (0, false), (1000, false)] {
            assert_eq!(job_with(|j| j.hires = Some(v)).is_empty(), ok, "{v}");
        }
    }

    #[test]
    fn spec_5_establishment_link_and_work_location() {
        let f = job_with(|j| {
            j.establishment = Some(job::EstablishmentLink::EstablishmentNumber("1301".into()));
        });
        assert_eq!(rules_of(&f), vec![("establishment", rules::FORMAT)]);
        assert!(
            job_with(|j| {
                j.establishment = Some(job::EstablishmentLink::SubmissionId("sub-1".into()));
            })
            .is_empty()
        );
        let f = job_with(|j| {
            j.work_location = Some(job::WorkLocation {
                postal_code: "１００－０００１".into(),
                address: String::new(),
            });
        });
        assert_eq!(
            rules_of(&f),
            vec![("work_location.address", rules::REQUIRED)]
        );
    }

    #[test]
    fn spec_5_category_consistency_warnings() {
        let f = job_with(|j| j.employment_type = Some(job::EmploymentType::PartTime));
        assert_eq!(
            rules_of(&f),
            vec![("category.part_time", rules::PART_TIME_MISMATCH)]
        );
        let f = job_with(|j| j.employment_type = Some(job::EmploymentType::FixedTermDispatch));
        assert_eq!(
            rules_of(&f),
            vec![("category.dispatch_or_contract", rules::DISPATCH_MISMATCH)]
        );
        let f = job_with(|j| j.category.disability_short_time_trial = true);
        assert_eq!(
            rules_of(&f),
            vec![(
                "category.disability_short_time_trial",
                rules::DISABILITY_TRIAL_MISMATCH
            )]
        );
        assert!(f.iter().all(|x| x.severity == Severity::Warning));
    }

    proptest! {
        #[test]
        fn spec_5_job_validation_never_panics(
            title in ".*",
            other in ".*",
            months in proptest::option::of("[0-9.０-９]{0,6}|.*"),
            min in proptest::option::of(any::<i64>()),
            max in proptest::option::of(any::<i64>()),
            holidays in proptest::option::of(any::<i64>()),
            leave in proptest::option::of(any::<i64>()),
            hires in proptest::option::of(any::<i64>()),
            pr in ".*",
            note in ".*",
        ) {
            let mut j = job::sample();
            j.title = title;
            j.wage.other_text = other.clone();
            j.insurance.other_text = other;
            j.bonus.months = months;
            j.wage.min = min;
            j.wage.max = max;
            j.bonus.amount_min = max;
            j.hours.annual_holidays = holidays;
            j.hours.paid_leave_days = leave;
            j.hires = hires;
            j.pr_message = pr;
            j.note_to_hello_work = note;
            let (n, _) = check_job(&j, &spring());
            prop_assert_eq!(normalize_job(&n), n);
        }
    }
}
