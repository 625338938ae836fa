//! Provisional-registration deadline (R-DL-1, R-DL-2), days left and the reminder (R-REV-6).
//!
//! Pure: `today` is an argument, computed by the caller in Japan time (SPEC §6).

use chrono::{Datelike, Days, NaiveDate};

use super::calendar::Calendar;
use super::coded::coded_enum;

/// R-DL-1: days from the account registration completion date to the deadline.
pub const DEADLINE_DAYS: u64 = 14;
/// R-REV-6: the reminder mail goes this many open days before the deadline.
pub const REMINDER_OPEN_DAYS: i64 = 3;
/// Items with at most this many open days left are [`Urgency::Soon`].
pub const SOON_OPEN_DAYS: i64 = 2;

/// A computed deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The last day on which full registration may happen.
    pub date: NaiveDate,
    /// The raw deadline (completion + 14 days) when it fell on a closed day and was moved back.
    pub moved_from: Option<NaiveDate>,
    /// The calendar has no official holiday data for the year of the raw or moved deadline, so
    /// the date may be wrong: show a warning.
    pub calendar_warning: bool,
}

/// R-DL-1 / R-DL-2: completion date + 14 days; when the office is closed that day, the previous
/// open day.
#[must_use]
pub fn deadline(completion_date: NaiveDate, cal: &Calendar) -> Deadline {
    // Saturates at the end of chrono's range; irrelevant for real dates.
    let raw = completion_date
        .checked_add_days(Days::new(DEADLINE_DAYS))
        .unwrap_or(completion_date);
    let date = cal.open_on_or_before(raw).unwrap_or(raw);
    let moved_from = (date != raw).then_some(raw);
    let calendar_warning =
        !cal.has_official_data(raw.year()) || !cal.has_official_data(date.year());
    Deadline {
        date,
        moved_from,
        calendar_warning,
    }
}

/// R-DL-1: the deadline a new submission carries. While its account is in the provisional
/// period of a self-registered account (`provisional`: that account's deadline) the
/// account's deadline (a); from an open My Page, an item that needs a counter visit gets its
/// own, its submission date + 14 days moved back over closed days (b); anything else has none.
#[must_use]
pub fn for_submission(
    provisional: Option<NaiveDate>,
    needs_visit: bool,
    submitted: NaiveDate,
    cal: &Calendar,
) -> Option<Deadline> {
    match provisional {
        Some(date) => Some(Deadline {
            date,
            moved_from: None,
            calendar_warning: false,
        }),
        None if needs_visit => Some(deadline(submitted, cal)),
        None => None,
    }
}

/// How much time is left until a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaysLeft {
    /// Calendar days from `today` to the deadline (negative when overdue).
    pub calendar_days: i64,
    /// Open days in `(today, deadline]` (0 on the deadline itself); negated open days in
    /// `(deadline, today]` when overdue.
    pub open_days: i64,
    /// `today` is after the deadline.
    pub overdue: bool,
}

/// R-DL-3 / R-REV-6: days left for queue display.
#[must_use]
pub fn days_left(deadline: NaiveDate, today: NaiveDate, cal: &Calendar) -> DaysLeft {
    DaysLeft {
        calendar_days: (deadline - today).num_days(),
        open_days: cal.open_days_between(today, deadline),
        overdue: today > deadline,
    }
}

/// R-REV-6: the day the reminder mail goes out, 3 open days before the deadline.
#[must_use]
pub fn reminder_date(deadline: NaiveDate, cal: &Calendar) -> NaiveDate {
    cal.add_open_days(deadline, -REMINDER_OPEN_DAYS)
        .unwrap_or(deadline)
}

coded_enum! {
    /// Queue flag for an item.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Urgency {
        Overdue = "overdue",
        /// At most [`SOON_OPEN_DAYS`] open days left.
        Soon = "soon",
        Normal = "normal",
    }
}

/// Urgency of an item from its [`DaysLeft`].
#[must_use]
pub fn urgency(days_left: DaysLeft) -> Urgency {
    if days_left.overdue {
        Urgency::Overdue
    } else if days_left.open_days <= SOON_OPEN_DAYS {
        Urgency::Soon
    } else {
        Urgency::Normal
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::calendar::Closure;
    use chrono::Weekday;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::bundled().unwrap()
    }

    #[test]
    fn r_dl_1_b_an_offer_from_an_open_my_page_that_needs_a_visit_gets_its_own_deadline() {
        // Issue 14: an offer submitted on 2027-03-08 must not carry a 2026 deadline.
        // Raw 2027-03-22 is the substitute holiday for 春分の日 (Sunday 3/21) → Friday 3/19.
        let own = for_submission(None, true, d(2027, 3, 8), &cal()).unwrap();
        assert_eq!(own.date, d(2027, 3, 19));
        assert_eq!(own.moved_from, Some(d(2027, 3, 22)));
        assert_eq!(for_submission(None, false, d(2027, 3, 8), &cal()), None);
        // In the provisional period of a self-registered account: the account's deadline.
        let acc = for_submission(Some(d(2027, 3, 19)), true, d(2027, 3, 8), &cal()).unwrap();
        assert_eq!(acc.date, d(2027, 3, 19));
    }

    #[test]
    fn r_dl_2_deadline_crossing_new_year_moves_before_the_year_end_closure() {
        // Raw 2026-12-30 (closed 12/29–1/3) → Monday 2026-12-28.
        let dl = deadline(d(2026, 12, 16), &cal());
        assert_eq!(dl.date, d(2026, 12, 28));
        assert_eq!(dl.moved_from, Some(d(2026, 12, 30)));
        // Raw 2027-01-03, the last closed day of the year end → the same Monday.
        assert_eq!(deadline(d(2026, 12, 20), &cal()).date, d(2026, 12, 28));
        // Raw 2027-01-04, the first open day: stays.
        assert_eq!(deadline(d(2026, 12, 21), &cal()).date, d(2027, 1, 4));
    }

    #[test]
    fn r_dl_2_deadline_on_a_golden_week_substitute_holiday_moves_to_the_friday_before() {
        // Raw 2026-05-06 (振替休日), back over 5/5, 5/4, 5/3 (Sun), 5/2 (Sat) → Fri 5/1.
        let dl = deadline(d(2026, 4, 22), &cal());
        assert_eq!(dl.date, d(2026, 5, 1));
        assert_eq!(dl.date.weekday(), Weekday::Fri);
        assert_eq!(dl.moved_from, Some(d(2026, 5, 6)));
        // Raw 2026-04-29 (昭和の日, a Wednesday) → Tuesday 4/28.
        assert_eq!(deadline(d(2026, 4, 15), &cal()).date, d(2026, 4, 28));
    }

    #[test]
    fn r_dl_2_deadline_on_an_office_closure_moves_back_over_it_and_the_weekend() {
        let closed = cal().with_closures(vec![Closure {
            date: d(2026, 6, 15),
            reason: "庁舎点検".into(),
        }]);
        // Raw Monday 2026-06-15 is closed by the office → Friday 6/12.
        let dl = deadline(d(2026, 6, 1), &closed);
        assert_eq!(dl.date, d(2026, 6, 12));
        assert_eq!(deadline(d(2026, 6, 1), &cal()).date, d(2026, 6, 15));
        // The same rule for an offer's own deadline (R-DL-1 b).
        assert_eq!(
            for_submission(None, true, d(2026, 6, 1), &closed).map(|x| x.date),
            Some(d(2026, 6, 12))
        );
    }

    #[test]
    fn r_dl_1_seed_check_2022_01_31_gives_monday_2022_02_14() {
        let dl = deadline(d(2022, 1, 31), &cal());
        assert_eq!(dl.date, d(2022, 2, 14));
        assert_eq!(dl.date.weekday(), Weekday::Mon);
        assert_eq!(dl.moved_from, None);
        assert!(!dl.calendar_warning);
    }

    #[test]
    fn r_dl_1_seed_check_2026_03_17_gives_tuesday_2026_03_31() {
        let dl = deadline(d(2026, 3, 17), &cal());
        assert_eq!(dl.date, d(2026, 3, 31));
        assert_eq!(dl.date.weekday(), Weekday::Tue);
        assert_eq!(dl.moved_from, None);
        assert!(!dl.calendar_warning, "2026 is announced officially");
    }

    #[test]
    fn r_dl_2_sunday_moves_to_friday() {
        let dl = deadline(d(2025, 6, 1), &cal());
        assert_eq!(dl.moved_from, Some(d(2025, 6, 15)));
        assert_eq!(d(2025, 6, 15).weekday(), Weekday::Sun);
        assert_eq!(dl.date, d(2025, 6, 13));
        assert_eq!(dl.date.weekday(), Weekday::Fri);
    }

    #[test]
    fn r_dl_2_happy_monday_holiday_moves_to_friday() {
        // 2025-07-21 海の日 (third Monday of July).
        let dl = deadline(d(2025, 7, 7), &cal());
        assert_eq!(dl.moved_from, Some(d(2025, 7, 21)));
        assert_eq!(dl.date, d(2025, 7, 18));
        assert_eq!(dl.date.weekday(), Weekday::Fri);
    }

    #[test]
    fn r_dl_2_new_year_moves_to_last_open_day_of_december() {
        // Raw 2025-12-31 (Wed): 12/29–12/31 year-end, 12/27–28 weekend → Fri 2025-12-26.
        let dl = deadline(d(2025, 12, 17), &cal());
        assert_eq!(dl.moved_from, Some(d(2025, 12, 31)));
        assert_eq!(dl.date, d(2025, 12, 26));
        assert_eq!(dl.date.weekday(), Weekday::Fri);
        assert!(!dl.calendar_warning);
    }

    #[test]
    fn r_dl_2_new_year_across_years_warns_for_projected_year() {
        // Raw 2027-01-03 (Sun): 1/1–1/3 and 12/29–31 closed → Mon 2026-12-28. 2027 is only a
        // projection, so the calendar warning is on.
        let dl = deadline(d(2026, 12, 20), &cal());
        assert_eq!(dl.moved_from, Some(d(2027, 1, 3)));
        assert_eq!(dl.date, d(2026, 12, 28));
        assert_eq!(dl.date.weekday(), Weekday::Mon);
        assert!(dl.calendar_warning);
    }

    #[test]
    fn r_dl_2_golden_week_moves_to_friday_before() {
        // Raw 2025-05-06 (振替休日), 5/5, 5/4, 5/3 closed → Fri 2025-05-02.
        let dl = deadline(d(2025, 4, 22), &cal());
        assert_eq!(dl.moved_from, Some(d(2025, 5, 6)));
        assert_eq!(dl.date, d(2025, 5, 2));
        assert_eq!(dl.date.weekday(), Weekday::Fri);
    }

    #[test]
    fn r_dl_2_office_closure_moves_back() {
        let c = cal().with_closures(vec![Closure {
            date: d(2025, 6, 13),
            reason: "庁舎点検".into(),
        }]);
        let dl = deadline(d(2025, 6, 1), &c);
        assert_eq!(dl.date, d(2025, 6, 12));
        assert_eq!(dl.moved_from, Some(d(2025, 6, 15)));
        let dl = deadline(d(2025, 5, 30), &c);
        assert_eq!(dl.date, d(2025, 6, 12));
        assert_eq!(dl.moved_from, Some(d(2025, 6, 13)));
    }

    #[test]
    fn r_dl_2_projected_year_warns() {
        let dl = deadline(d(2030, 3, 1), &cal());
        assert!(dl.calendar_warning);
        let empty = Calendar::default();
        assert!(deadline(d(2025, 3, 1), &empty).calendar_warning);
    }

    #[test]
    fn r_dl_3_days_left_and_urgency() {
        let c = cal();
        let dl = d(2025, 7, 22); // Tue, after the 7/21 holiday
        let left = days_left(dl, d(2025, 7, 18), &c);
        assert_eq!(
            left,
            DaysLeft {
                calendar_days: 4,
                open_days: 1,
                overdue: false
            }
        );
        assert_eq!(urgency(left), Urgency::Soon);
        let left = days_left(dl, dl, &c);
        assert_eq!(
            (left.calendar_days, left.open_days, left.overdue),
            (0, 0, false)
        );
        assert_eq!(urgency(left), Urgency::Soon);
        let left = days_left(dl, d(2025, 7, 15), &c);
        assert_eq!(left.open_days, 4);
        assert_eq!(urgency(left), Urgency::Normal);
        let left = days_left(dl, d(2025, 7, 16), &c);
        assert_eq!(left.open_days, 3);
        assert_eq!(urgency(left), Urgency::Normal);
        let left = days_left(dl, d(2025, 7, 17), &c);
        assert_eq!(left.open_days, 2);
        assert_eq!(urgency(left), Urgency::Soon);
        let left = days_left(dl, d(2025, 7, 23), &c);
        assert_eq!(
            (left.calendar_days, left.open_days, left.overdue),
            (-1, -1, true)
        );
        assert_eq!(urgency(left), Urgency::Overdue);
        assert_eq!(Urgency::Overdue.code(), "overdue");
    }

    #[test]
    fn r_rev_6_reminder_three_open_days_before() {
        let c = cal();
        assert_eq!(reminder_date(d(2025, 7, 22), &c), d(2025, 7, 16));
        // Golden week: deadline Fri 2025-05-02 → reminder Tue 2025-04-29 is a holiday,
        // so 5/1, 4/30, 4/28.
        assert_eq!(reminder_date(d(2025, 5, 2), &c), d(2025, 4, 28));
        // The seed deadline 2026-03-31 (Tue) → 3/26 (Thu); 3/20 is 春分の日 but not in range.
        assert_eq!(reminder_date(d(2026, 3, 31), &c), d(2026, 3, 26));
    }

    proptest! {
        #[test]
        fn r_dl_2_deadline_is_open_and_never_later_than_raw(
            days in 0i64..(366 * 60),
        ) {
            let c = cal();
            let completion = d(1995, 1, 1) + chrono::Duration::days(days);
            let dl = deadline(completion, &c);
            let raw = completion + chrono::Duration::days(14);
            prop_assert!(c.is_open(dl.date));
            prop_assert!(dl.date <= raw);
            prop_assert!(dl.date > completion);
            prop_assert_eq!(dl.moved_from.is_some(), dl.date != raw);
        }
    }
}
