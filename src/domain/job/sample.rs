//! A complete, valid job offer: the fixture the tests of the rules start from.

use super::*;

/// A complete, valid offer (test fixture).
pub(crate) fn sample() -> JobOffer {
    JobOffer {
        category: Category {
            kind: Some(JobCategoryKind::General),
            ..Category::default()
        },
        publication_scope: Some(PublicationScope::WithName),
        online_opt_out: OnlineOptOut::default(),
        establishment: Some(EstablishmentLink::EstablishmentNumber(
            "1301-999999-9".into(),
        )),
        title: "介護職員".into(),
        occupation_code: Some("360-01".into()),
        licences: vec!["介護福祉士".into()],
        employment_type: Some(EmploymentType::Regular),
        work_location: None,
        wage: Wage {
            kind: Some(WageKind::Monthly),
            other_text: String::new(),
            min: Some(220_000),
            max: Some(280_000),
        },
        bonus: Bonus {
            has_bonus: Some(true),
            months: Some("2.50".into()),
            amount_min: Some(300_000),
            amount_max: Some(600_000),
        },
        hours: WorkingHours {
            kind: WorkingTimeKind::Normal,
            start: NaiveTime::from_hms_opt(8, 30, 0),
            end: NaiveTime::from_hms_opt(17, 15, 0),
            paid_leave_days: Some(10),
            annual_holidays: Some(120),
        },
        insurance: Insurance {
            kinds: [
                InsuranceKind::Employment,
                InsuranceKind::WorkersCompensation,
                InsuranceKind::Health,
                InsuranceKind::Pension,
            ]
            .into_iter()
            .collect(),
            other_text: String::new(),
        },
        work_rules: WorkRules {
            full_time: true,
            part_time: false,
        },
        pr_message: "働きやすい職場です。".into(),
        hires: Some(2),
        note_to_hello_work: String::new(),
    }
}
