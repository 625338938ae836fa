//! The minimum wage rule of a job offer (最低賃金法, SPEC §5).
//!
//! Minimum wage (最低賃金法, SPEC §5), checked on the lower bound 賃金の額（下限） against the
//! regional minimum wage in force on the day of the check ([`JobCheck`]) in the work location's
//! prefecture (its address's leading prefecture name; else the office's prefecture, the office
//! code's first two digits — an offer without a work location is worked at the establishment,
//! whose address validation does not see):
//! - 時給 below it is an error (`min_wage`);
//! - 日給 and 月給 are divided by the stated working hours and a result below it is a warning
//!   (`min_wage_converted`): one day's hours are 終業 − 始業 (over midnight when the end is
//!   earlier) less the shortest break the law requires (労働基準法第34条: 45 minutes over 6
//!   hours, 60 over 8); a month has (365 − 年間休日数) ÷ 12 working days, as the labour
//!   bureaus convert a monthly wage (1箇月平均所定労働時間). Without a start and end time (flex
//!   time and the like) or 年間休日数 there is nothing to divide by, and no finding. 年俸制 and
//!   その他 are not checked.
//! - a warning when the table has no amount for that day and place (`min_wage_unknown`), and
//!   when the day is past the table's newest fiscal year (`min_wage_table_old`; the check then
//!   uses the newest amounts, which are a floor).

use super::{Finding, JobCheck, rules};
use crate::domain::job::{JobOffer, WageKind, WorkingHours};

/// Working minutes of one day: 始業 to 終業 (over midnight when the end is earlier) less the
/// shortest break the law requires (45 minutes over 6 hours, 60 over 8).
fn daily_working_minutes(h: &WorkingHours) -> Option<i64> {
    let (start, end) = (h.start?, h.end?);
    if start == end {
        return None; // its own error (same_start_end)
    }
    let mut span = (end - start).num_minutes();
    if span <= 0 {
        span += 24 * 60;
    }
    let rest = match span {
        m if m > 8 * 60 => 60,
        m if m > 6 * 60 => 45,
        _ => 0,
    };
    Some(span - rest).filter(|m| *m > 0)
}

/// The minimum wage rules (see the module docs) on the normalised offer.
pub(super) fn check_minimum_wage(out: &mut Vec<Finding>, n: &JobOffer, on: &JobCheck<'_>) {
    let Some(kind @ (WageKind::Hourly | WageKind::Daily | WageKind::Monthly)) = n.wage.kind else {
        return;
    };
    let Some(wage) = n.wage.min.filter(|v| *v > 0) else {
        return;
    };
    let table = on.minimum_wage;
    let prefecture = n
        .work_location
        .as_ref()
        .and_then(|l| table.prefecture_of_address(&l.address))
        .or(on.office_prefecture);
    let Some(prefecture) = prefecture else {
        out.push(Finding::warning("wage.min", rules::MIN_WAGE_UNKNOWN, None));
        return;
    };
    let Some(force) = table.in_force(prefecture, on.date) else {
        let name = table
            .prefecture_name(prefecture)
            .map_or_else(|| prefecture.to_string(), str::to_string);
        out.push(Finding::warning(
            "wage.min",
            rules::MIN_WAGE_UNKNOWN,
            Some(name),
        ));
        return;
    };
    if table.is_past_newest_year(on.date)
        && let Some(newest) = table.newest_fiscal_year()
    {
        out.push(Finding::warning(
            "wage.min",
            rules::MIN_WAGE_TABLE_OLD,
            Some(newest.to_string()),
        ));
    }
    let minimum = i128::from(force.yen);
    let wage = i128::from(wage);
    // wage ÷ hours < minimum, as wage × 60 × days-divisor < minimum × minutes × days.
    let (per_hour_num, per_hour_den) = match kind {
        WageKind::Hourly => {
            if wage < minimum {
                out.push(Finding::error(
                    "wage.min",
                    rules::MIN_WAGE,
                    Some(format!("{}|{}", force.name, force.yen)),
                ));
            }
            return;
        }
        WageKind::Daily => {
            let Some(minutes) = daily_working_minutes(&n.hours) else {
                return;
            };
            (wage * 60, i128::from(minutes))
        }
        _ => {
            let (Some(minutes), Some(holidays)) =
                (daily_working_minutes(&n.hours), n.hours.annual_holidays)
            else {
                return;
            };
            let days_a_year = 365 - holidays;
            if days_a_year <= 0 {
                return;
            }
            // Per hour = wage ÷ (minutes / 60 × days_a_year / 12).
            (
                wage * 60 * 12,
                i128::from(minutes) * i128::from(days_a_year),
            )
        }
    };
    if per_hour_num < minimum * per_hour_den {
        out.push(Finding::warning(
            "wage.min",
            rules::MIN_WAGE_CONVERTED,
            Some(format!(
                "{}|{}|{}",
                force.name,
                force.yen,
                per_hour_num / per_hour_den
            )),
        ));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::job::{self, WorkingTimeKind};
    use crate::domain::validate::fixtures::*;
    use crate::domain::validate::{Finding, Severity, has_errors, validate_job};
    use chrono::{NaiveDate, NaiveTime};

    fn hourly_at(yen: i64, address: Option<&str>) -> JobOffer {
        let mut j = job::sample();
        j.wage.kind = Some(WageKind::Hourly);
        j.wage.min = Some(yen);
        j.wage.max = None;
        j.work_location = address.map(|a| job::WorkLocation {
            postal_code: "100-0001".into(),
            address: a.into(),
        });
        j
    }

    fn min_wage_findings(f: &[Finding]) -> Vec<(Severity, &'static str, Option<&str>)> {
        f.iter()
            .filter(|x| x.rule.starts_with("min_wage"))
            .map(|x| (x.severity, x.rule, x.param.as_deref()))
            .collect()
    }

    #[test]
    fn r_val_min_wage_hourly_boundary_yen_before_and_after_fy2025_in_four_prefectures() {
        // (work location, prefecture, FY2024, FY2025, FY2025 effective date) as in the csv.
        for (address, name, old, new, from) in [
            (
                "東京都千代田区九段南1-2-1",
                "東京",
                1163,
                1226,
                "2025-10-03",
            ),
            (
                "大阪府大阪市中央区大手前4-1-67",
                "大阪",
                1114,
                1177,
                "2025-10-16",
            ),
            ("秋田県秋田市山王4-1-1", "秋田", 951, 1031, "2026-03-31"),
            (
                "熊本県熊本市中央区水前寺6-18-1",
                "熊本",
                952,
                1034,
                "2026-01-01",
            ),
        ] {
            let from_date = NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
            let before = from_date.pred_opt().unwrap().to_string();
            for (date, yen) in [(before.as_str(), old), (from, new)] {
                // The office is elsewhere (Hokkaido): the work location decides.
                let check = on(date, Some(1));
                let equal = validate_job(&hourly_at(yen, Some(address)), &check);
                assert_eq!(min_wage_findings(&equal), vec![], "{name} {date} {yen}");
                let below = validate_job(&hourly_at(yen - 1, Some(address)), &check);
                let param = format!("{name}|{yen}");
                assert_eq!(
                    min_wage_findings(&below),
                    vec![(Severity::Error, rules::MIN_WAGE, Some(param.as_str()))],
                    "{name} {date} {}",
                    yen - 1
                );
                assert!(has_errors(&below));
            }
        }
    }

    #[test]
    fn r_val_min_wage_office_prefecture_when_the_location_has_none() {
        // No work location, or an address without a prefecture: the office's (13 東京).
        for address in [None, Some("千代田区九段南1-2-1")] {
            let f = validate_job(&hourly_at(1225, address), &on("2026-04-01", Some(13)));
            assert_eq!(
                min_wage_findings(&f),
                vec![(Severity::Error, rules::MIN_WAGE, Some("東京|1226"))],
                "{address:?}"
            );
            // Okinawa's office: 1,023 yen from 2025-12-01.
            let f = validate_job(&hourly_at(1023, address), &on("2026-04-01", Some(47)));
            assert_eq!(min_wage_findings(&f), vec![], "{address:?}");
            let f = validate_job(&hourly_at(1022, address), &on("2026-04-01", Some(47)));
            assert_eq!(
                min_wage_findings(&f),
                vec![(Severity::Error, rules::MIN_WAGE, Some("沖縄|1023"))]
            );
        }
        // No prefecture at all: a warning that it could not be checked.
        let f = validate_job(&hourly_at(500, None), &on("2026-04-01", None));
        assert_eq!(
            min_wage_findings(&f),
            vec![(Severity::Warning, rules::MIN_WAGE_UNKNOWN, None)]
        );
    }

    #[test]
    fn r_val_min_wage_daily_and_monthly_divided_by_the_stated_hours_warn() {
        // 08:30–17:15 less the 60-minute break: 7.75 hours; 120 holidays: 245 days a year.
        let wage = |kind, yen| {
            let mut j = job::sample();
            j.wage.kind = Some(kind);
            j.wage.min = Some(yen);
            j.wage.max = None;
            validate_job(&j, &spring())
        };
        // Daily: 1,226 × 7.75 = 9,501.5 yen.
        assert_eq!(min_wage_findings(&wage(WageKind::Daily, 9502)), vec![]);
        assert_eq!(
            min_wage_findings(&wage(WageKind::Daily, 9501)),
            vec![(
                Severity::Warning,
                rules::MIN_WAGE_CONVERTED,
                Some("東京|1226|1225")
            )]
        );
        // Monthly: 1,226 × 7.75 × 245 ÷ 12 = 193,988.96 yen.
        assert_eq!(min_wage_findings(&wage(WageKind::Monthly, 193_989)), vec![]);
        let f = wage(WageKind::Monthly, 193_988);
        assert_eq!(
            min_wage_findings(&f),
            vec![(
                Severity::Warning,
                rules::MIN_WAGE_CONVERTED,
                Some("東京|1226|1225")
            )]
        );
        assert!(!has_errors(&f), "a warning, not an error");
        // Annual salaries are not checked.
        assert_eq!(
            min_wage_findings(&wage(WageKind::Annual, 1_200_000)),
            vec![]
        );
        // Six hours need no break: 09:00–15:00 at 7,356 yen = 1,226 an hour.
        let mut j = job::sample();
        j.wage.kind = Some(WageKind::Daily);
        j.wage.min = Some(7356);
        j.hours.start = NaiveTime::from_hms_opt(9, 0, 0);
        j.hours.end = NaiveTime::from_hms_opt(15, 0, 0);
        assert_eq!(min_wage_findings(&validate_job(&j, &spring())), vec![]);
        j.wage.min = Some(7355);
        assert_eq!(min_wage_findings(&validate_job(&j, &spring())).len(), 1);
        // Without hours there is nothing to divide by.
        j.hours.kind = WorkingTimeKind::Flex;
        j.hours.start = None;
        j.hours.end = None;
        assert_eq!(min_wage_findings(&validate_job(&j, &spring())), vec![]);
    }

    #[test]
    fn r_val_min_wage_warns_when_the_table_is_old_or_has_no_amount() {
        // From 2026-10-01 the FY2025 table is out of date: still checked, and a warning.
        let f = validate_job(&hourly_at(1226, None), &on("2026-10-01", Some(13)));
        assert_eq!(
            min_wage_findings(&f),
            vec![(Severity::Warning, rules::MIN_WAGE_TABLE_OLD, Some("2025"))]
        );
        let f = validate_job(&hourly_at(1225, None), &on("2026-12-07", Some(13)));
        assert_eq!(
            min_wage_findings(&f),
            vec![
                (Severity::Warning, rules::MIN_WAGE_TABLE_OLD, Some("2025")),
                (Severity::Error, rules::MIN_WAGE, Some("東京|1226"))
            ]
        );
        assert!(
            min_wage_findings(&validate_job(
                &hourly_at(1226, None),
                &on("2026-09-30", Some(13))
            ))
            .is_empty()
        );
        // Before the table's amounts are surely in force: no amount, a warning.
        let f = validate_job(&hourly_at(900, None), &on("2025-03-31", Some(13)));
        assert_eq!(
            min_wage_findings(&f),
            vec![(Severity::Warning, rules::MIN_WAGE_UNKNOWN, Some("東京"))]
        );
    }
}
