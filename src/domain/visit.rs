//! R-VISIT-1: when a counter visit (窓口での本登録手続き) is required before approval.
//!
//! Every reason that applies is returned, so the clerk can tell the employer all of them.
//! The history counts are the caller's (database) job: offers of the establishment since
//! 2020-01 (when the My Page service started), in any state that reached registration.

use chrono::{Months, NaiveDate};

use super::job::{JobCategoryKind, JobOffer};

/// What the database knows about the establishment's earlier offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EstablishmentHistory {
    /// Job offers made through My Page before this one.
    pub prior_mypage_offers: u32,
    /// The My Page was opened at the counter (then the first My Page offer needs no visit).
    pub mypage_opened_at_counter: bool,
    /// 障害者専用求人 since 2020-01.
    pub prior_disability_only_since_2020: u32,
    /// トライアル雇用求人 since 2020-01.
    pub prior_trial_since_2020: u32,
    /// 障害者（短時間）トライアル雇用求人 since 2020-01.
    pub prior_disability_short_trial_since_2020: u32,
    /// Date of the establishment's last job offer (any channel), if any.
    pub last_offer_date: Option<NaiveDate>,
    /// A staff member asked for a visit, with the reason they gave.
    pub staff_flagged: Option<String>,
}

/// Why a visit is required.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VisitReason {
    /// 初めてマイページを通じて求人を申し込む（窓口でマイページを開設した場合を除く）.
    FirstMyPageOffer,
    /// 2020年1月以降、初めて障害者専用求人を申し込む.
    FirstDisabilityOnly,
    /// 2020年1月以降、初めてトライアル雇用求人を申し込む.
    FirstTrial,
    /// 2020年1月以降、初めて障害者（短時間）トライアル雇用求人を申し込む.
    FirstDisabilityShortTrial,
    /// 過去1年間に求人を申し込んでいない.
    NoOfferInPastYear,
    /// 派遣・請負求人.
    DispatchOrContract,
    /// The provisional establishment of a self-registered account, even alone: the employer
    /// comes to the office for 本登録 (seed 004 「ハローワークに出向いて本登録」, seed 000).
    SelfRegisteredEstablishment,
    /// その他、ハローワークが必要と認める（職員の指定）, with the staff member's reason.
    StaffFlagged(String),
}

impl VisitReason {
    /// Stable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::FirstMyPageOffer => "first_mypage_offer",
            Self::FirstDisabilityOnly => "first_disability_only",
            Self::FirstTrial => "first_trial",
            Self::FirstDisabilityShortTrial => "first_disability_short_trial",
            Self::NoOfferInPastYear => "no_offer_in_past_year",
            Self::DispatchOrContract => "dispatch_or_contract",
            Self::SelfRegisteredEstablishment => "self_registered_establishment",
            Self::StaffFlagged(_) => "staff_flagged",
        }
    }
}

/// Whether `code` is a reason that carries nothing but its code (every reason but the
/// staff's), so that a stored code is enough to show it (its words are `i18n::labels`').
#[must_use]
pub fn is_fixed_code(code: &str) -> bool {
    matches!(
        code,
        "first_mypage_offer"
            | "first_disability_only"
            | "first_trial"
            | "first_disability_short_trial"
            | "no_offer_in_past_year"
            | "dispatch_or_contract"
            | "self_registered_establishment"
    )
}

/// R-VISIT-1 for an establishment submission: the provisional establishment of a
/// self-registered account, still in its provisional period, needs a visit even without a job
/// offer (seed 000: 「事業所情報の登録のみを希望する場合は、②は省略可」, the visit is not).
/// Changes from an open My Page need none.
#[must_use]
pub fn establishment_visit_reasons(provisional_self_registered: bool) -> Vec<VisitReason> {
    if provisional_self_registered {
        vec![VisitReason::SelfRegisteredEstablishment]
    } else {
        Vec::new()
    }
}

/// Every R-VISIT-1 reason that applies to `job` (empty: no visit needed).
///
/// "In the past year": an offer on or after the same date one year ago counts
/// (`today` 2025-03-01 → an offer on 2024-03-01 is recent, 2024-02-29 is not).
#[must_use]
pub fn visit_reasons(
    job: &JobOffer,
    history: &EstablishmentHistory,
    today: NaiveDate,
) -> Vec<VisitReason> {
    let mut out = Vec::new();
    if history.prior_mypage_offers == 0 && !history.mypage_opened_at_counter {
        out.push(VisitReason::FirstMyPageOffer);
    }
    if job.category.kind == Some(JobCategoryKind::Disabled)
        && history.prior_disability_only_since_2020 == 0
    {
        out.push(VisitReason::FirstDisabilityOnly);
    }
    if job.category.trial_employment && history.prior_trial_since_2020 == 0 {
        out.push(VisitReason::FirstTrial);
    }
    if job.category.disability_short_time_trial
        && history.prior_disability_short_trial_since_2020 == 0
    {
        out.push(VisitReason::FirstDisabilityShortTrial);
    }
    let year_ago = today
        .checked_sub_months(Months::new(12))
        .unwrap_or(NaiveDate::MIN);
    if history.last_offer_date.is_none_or(|d| d < year_ago) {
        out.push(VisitReason::NoOfferInPastYear);
    }
    if job.is_dispatch_or_contract() {
        out.push(VisitReason::DispatchOrContract);
    }
    if let Some(reason) = &history.staff_flagged {
        out.push(VisitReason::StaffFlagged(reason.clone()));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::job::{self, EmploymentType};
    use VisitReason as V;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const TODAY: (i32, u32, u32) = (2025, 3, 1);

    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    /// An establishment with a recent ordinary offer through My Page: no reason applies.
    fn regular() -> EstablishmentHistory {
        EstablishmentHistory {
            prior_mypage_offers: 3,
            mypage_opened_at_counter: false,
            prior_disability_only_since_2020: 1,
            prior_trial_since_2020: 1,
            prior_disability_short_trial_since_2020: 1,
            last_offer_date: Some(d(2024, 11, 1)),
            staff_flagged: None,
        }
    }

    #[test]
    fn r_visit_1_a_self_registered_accounts_establishment_needs_a_visit_even_alone() {
        assert_eq!(
            establishment_visit_reasons(true),
            vec![V::SelfRegisteredEstablishment]
        );
        assert!(establishment_visit_reasons(false).is_empty());
        assert!(is_fixed_code("self_registered_establishment"));
        assert!(!is_fixed_code("staff_flagged"));
        for r in [V::FirstMyPageOffer, V::FirstTrial, V::DispatchOrContract] {
            assert!(is_fixed_code(r.code()), "{r:?}");
        }
    }

    #[test]
    fn r_visit_1_table_of_single_reasons() {
        type Edit = fn(&mut JobOffer, &mut EstablishmentHistory);
        let table: Vec<(&str, Edit, Vec<V>)> = vec![
            ("nothing applies", |_, _| {}, vec![]),
            (
                "first My Page offer",
                |_, h| h.prior_mypage_offers = 0,
                vec![V::FirstMyPageOffer],
            ),
            (
                "first My Page offer, opened at the counter",
                |_, h| {
                    h.prior_mypage_offers = 0;
                    h.mypage_opened_at_counter = true;
                },
                vec![],
            ),
            (
                "first disability-only offer",
                |j, h| {
                    j.category.kind = Some(JobCategoryKind::Disabled);
                    h.prior_disability_only_since_2020 = 0;
                },
                vec![V::FirstDisabilityOnly],
            ),
            (
                "disability-only offer, not the first",
                |j, _| j.category.kind = Some(JobCategoryKind::Disabled),
                vec![],
            ),
            (
                "no earlier disability-only offer but this one is general",
                |_, h| h.prior_disability_only_since_2020 = 0,
                vec![],
            ),
            (
                "first trial offer",
                |j, h| {
                    j.category.trial_employment = true;
                    h.prior_trial_since_2020 = 0;
                },
                vec![V::FirstTrial],
            ),
            (
                "first disability short-time trial offer",
                |j, h| {
                    j.category.kind = Some(JobCategoryKind::Disabled);
                    j.category.disability_short_time_trial = true;
                    h.prior_disability_short_trial_since_2020 = 0;
                },
                vec![V::FirstDisabilityShortTrial],
            ),
            (
                "last offer more than a year ago",
                |_, h| h.last_offer_date = Some(d(2024, 2, 29)),
                vec![V::NoOfferInPastYear],
            ),
            (
                "last offer exactly a year ago",
                |_, h| h.last_offer_date = Some(d(2024, 3, 1)),
                vec![],
            ),
            (
                "never an offer",
                |_, h| h.last_offer_date = None,
                vec![V::NoOfferInPastYear],
            ),
            (
                "dispatch flag",
                |j, _| j.category.dispatch_or_contract = true,
                vec![V::DispatchOrContract],
            ),
            (
                "dispatch employment type",
                |j, _| j.employment_type = Some(EmploymentType::IndefiniteDispatch),
                vec![V::DispatchOrContract],
            ),
            (
                "staff flagged",
                |_, h| h.staff_flagged = Some("前回求人で苦情".into()),
                vec![V::StaffFlagged("前回求人で苦情".into())],
            ),
        ];
        for (name, edit, want) in table {
            let mut j = job::sample();
            let mut h = regular();
            edit(&mut j, &mut h);
            assert_eq!(visit_reasons(&j, &h, today()), want, "{name}");
        }
    }

    #[test]
    fn r_visit_1_every_reason_that_applies_is_returned() {
        let mut j = job::sample();
        j.category.kind = Some(JobCategoryKind::Disabled);
        j.category.trial_employment = true;
        j.category.disability_short_time_trial = true;
        j.category.dispatch_or_contract = true;
        let h = EstablishmentHistory {
            staff_flagged: Some(String::new()),
            ..EstablishmentHistory::default()
        };
        let got = visit_reasons(&j, &h, today());
        assert_eq!(
            got,
            vec![
                V::FirstMyPageOffer,
                V::FirstDisabilityOnly,
                V::FirstTrial,
                V::FirstDisabilityShortTrial,
                V::NoOfferInPastYear,
                V::DispatchOrContract,
                V::StaffFlagged(String::new()),
            ]
        );
        let codes: Vec<&str> = got.iter().map(VisitReason::code).collect();
        assert_eq!(
            codes,
            vec![
                "first_mypage_offer",
                "first_disability_only",
                "first_trial",
                "first_disability_short_trial",
                "no_offer_in_past_year",
                "dispatch_or_contract",
                "staff_flagged"
            ]
        );
    }

    #[test]
    fn r_visit_1_new_establishment_typical_combination() {
        // A brand-new establishment's first offer via My Page: first offer and no offer in
        // the past year.
        let got = visit_reasons(&job::sample(), &EstablishmentHistory::default(), today());
        assert_eq!(got, vec![V::FirstMyPageOffer, V::NoOfferInPastYear]);
    }
}
