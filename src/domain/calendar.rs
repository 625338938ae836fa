//! Closed-day calendar of a Hello Work office (R-DL-2).
//!
//! An office is closed on Saturdays, Sundays, national holidays (国民の祝日・休日), during the
//! year-end closure 12/29–1/3 and on days the office itself configures (庁舎点検 and the like).
//!
//! The national holidays come from `assets/holidays-jp.csv` (`date,name,source`, see
//! `../shared/data/README.md`). An office can extend or override that list without a rebuild
//! ([`Calendar::extend_from_csv`]); rows for a date already known replace the earlier row.
//!
//! Official data: the Cabinet Office publishes each year's holidays in advance. Rows whose source
//! starts with `cabinet-office` are official; the bundled `holiday-jp-2.5.1-projection` rows are
//! official up to 2026 (the Cabinet Office announced 2026 and it matches), and projections after
//! that. [`Calendar::has_official_data`] lets callers warn when a date falls in a year without
//! official data.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

/// Japan Standard Time, UTC+9 without daylight saving: the one definition (dates shown to
/// people and every deadline are in it).
///
/// # Panics
/// Never: UTC+9 is a valid offset.
#[must_use]
pub fn jst() -> chrono::FixedOffset {
    const JST_SECONDS: i32 = 9 * 3600;
    chrono::FixedOffset::east_opt(JST_SECONDS).expect("UTC+9 is a valid offset")
}

/// The bundled holiday list.
const BUNDLED_CSV: &str = include_str!("../../assets/holidays-jp.csv");

/// Source prefix of rows that are official by definition.
const OFFICIAL_PREFIX: &str = "cabinet-office";
/// Source prefix of the bundled projection rows, official up to [`PROJECTION_OFFICIAL_UNTIL`].
const PROJECTION_PREFIX: &str = "holiday-jp-";
/// Last year for which the projection agrees with a Cabinet Office announcement.
const PROJECTION_OFFICIAL_UNTIL: i32 = 2026;

/// A national holiday row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub name: String,
    pub source: String,
}

/// An office-configured closure (R-DL-2 "office-configured closures").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    pub date: NaiveDate,
    pub reason: String,
}

/// Why the office is closed on a date. When several apply, the most specific wins:
/// holiday, then year-end closure, then office closure, then weekend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClosedReason {
    Weekend,
    Holiday(String),
    YearEnd,
    Office(String),
}

/// A malformed holiday CSV. `line` is 1-based, counting the header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("holiday calendar line {line}: {reason}")]
    Line { line: usize, reason: String },
}

/// The closed-day calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Shared: every queue page takes the bundled calendar plus the office's closures, and
    /// copying the holidays each time was a tenth of a filtered page's time.
    holidays: std::sync::Arc<BTreeMap<NaiveDate, Holiday>>,
    closures: BTreeMap<NaiveDate, String>,
}

impl Calendar {
    /// Parses `date,name,source` rows. A header line (`date,…`), blank lines and lines starting
    /// with `#` are skipped; a leading BOM is ignored. A name may contain commas (the source is
    /// the last field).
    ///
    /// # Errors
    /// The first malformed line, by number.
    pub fn from_csv(text: &str) -> Result<Self, CalendarError> {
        let mut cal = Self::default();
        cal.extend_from_csv(text)?;
        Ok(cal)
    }

    /// The bundled national holiday list.
    ///
    /// # Errors
    /// Only if the bundled asset is malformed (a test guards against that).
    pub fn bundled() -> Result<Self, CalendarError> {
        Self::from_csv(BUNDLED_CSV)
    }

    /// Adds office-configured closures (a later closure on the same date replaces the reason).
    #[must_use]
    pub fn with_closures(mut self, closures: Vec<Closure>) -> Self {
        for c in closures {
            self.closures.insert(c.date, c.reason);
        }
        self
    }

    /// Adds or replaces holiday rows from an office-provided CSV in the same format. On error
    /// nothing is changed.
    ///
    /// # Errors
    /// The first malformed line, by number.
    pub fn extend_from_csv(&mut self, text: &str) -> Result<(), CalendarError> {
        let rows = parse_csv(text)?;
        let holidays = std::sync::Arc::make_mut(&mut self.holidays);
        for (date, holiday) in rows {
            holidays.insert(date, holiday);
        }
        Ok(())
    }

    /// The holiday row for a date, if any.
    #[must_use]
    pub fn holiday(&self, date: NaiveDate) -> Option<&Holiday> {
        self.holidays.get(&date)
    }

    /// Office closures, in date order.
    pub fn closures(&self) -> impl Iterator<Item = Closure> + '_ {
        self.closures.iter().map(|(d, r)| Closure {
            date: *d,
            reason: r.clone(),
        })
    }

    /// Why the office is closed on `date`, or `None` when it is open.
    #[must_use]
    pub fn closed_reason(&self, date: NaiveDate) -> Option<ClosedReason> {
        if let Some(h) = self.holidays.get(&date) {
            return Some(ClosedReason::Holiday(h.name.clone()));
        }
        if is_year_end(date) {
            return Some(ClosedReason::YearEnd);
        }
        if let Some(reason) = self.closures.get(&date) {
            return Some(ClosedReason::Office(reason.clone()));
        }
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            return Some(ClosedReason::Weekend);
        }
        None
    }

    /// Whether the office is open on `date`.
    #[must_use]
    pub fn is_open(&self, date: NaiveDate) -> bool {
        self.closed_reason(date).is_none()
    }

    /// Whether the calendar holds official holiday data for `year` (see the module docs).
    /// A year without any row is not official.
    #[must_use]
    pub fn has_official_data(&self, year: i32) -> bool {
        let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return false;
        };
        self.holidays
            .range(from..=to)
            .any(|(_, h)| is_official_source(&h.source, year))
    }

    /// The last open day strictly before `date`; `None` only at the edge of the date range.
    #[must_use]
    pub fn previous_open_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut d = date.pred_opt()?;
        while !self.is_open(d) {
            d = d.pred_opt()?;
        }
        Some(d)
    }

    /// The first open day strictly after `date`; `None` only at the edge of the date range.
    #[must_use]
    pub fn next_open_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut d = date.succ_opt()?;
        while !self.is_open(d) {
            d = d.succ_opt()?;
        }
        Some(d)
    }

    /// `date` itself when open, else the previous open day (the R-DL-2 move).
    #[must_use]
    pub fn open_on_or_before(&self, date: NaiveDate) -> Option<NaiveDate> {
        if self.is_open(date) {
            Some(date)
        } else {
            self.previous_open_day(date)
        }
    }

    /// Moves `n` open days from `date`: forwards for `n > 0`, backwards for `n < 0`; `date`
    /// itself for `n == 0` (even when closed). `None` only at the edge of the date range.
    #[must_use]
    pub fn add_open_days(&self, date: NaiveDate, n: i64) -> Option<NaiveDate> {
        let mut d = date;
        for _ in 0..n.unsigned_abs() {
            d = if n > 0 {
                self.next_open_day(d)?
            } else {
                self.previous_open_day(d)?
            };
        }
        Some(d)
    }

    /// Open days in `(a, b]` when `a <= b`; the negated count of open days in `(b, a]` when
    /// `a > b`. So `open_days_between(today, deadline)` is 0 when the deadline is today and 1
    /// when it is the next open day.
    #[must_use]
    pub fn open_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        let (from, to, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let count = from
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_open(*d))
            .count();
        sign * i64::try_from(count).unwrap_or(i64::MAX)
    }
}

/// Year-end closure 12/29–1/3.
fn is_year_end(date: NaiveDate) -> bool {
    matches!((date.month(), date.day()), (12, 29..=31) | (1, 1..=3))
}

fn is_official_source(source: &str, year: i32) -> bool {
    source.starts_with(OFFICIAL_PREFIX)
        || (source.starts_with(PROJECTION_PREFIX) && year <= PROJECTION_OFFICIAL_UNTIL)
}

fn parse_csv(text: &str) -> Result<Vec<(NaiveDate, Holiday)>, CalendarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') || (idx == 0 && l.starts_with("date,")) {
            continue;
        }
        let err = |reason: &str| CalendarError::Line {
            line,
            reason: reason.to_string(),
        };
        let (date_s, rest) = l
            .split_once(',')
            .ok_or_else(|| err("expected date,name,source"))?;
        let (name, source) = rest
            .rsplit_once(',')
            .ok_or_else(|| err("expected date,name,source"))?;
        let date = NaiveDate::parse_from_str(date_s.trim(), "%Y-%m-%d")
            .map_err(|_| err(&format!("bad date {:?} (want YYYY-MM-DD)", date_s.trim())))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(err("empty holiday name"));
        }
        let source = source.trim();
        if source.is_empty() {
            return Err(err("empty source"));
        }
        rows.push((
            date,
            Holiday {
                name: name.to_string(),
                source: source.to_string(),
            },
        ));
    }
    Ok(rows)
}

/// Years a typed date may fall in (and the calendar screen moves between).
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

/// A date as staff type it ([`super::date::parse`]: `2026-05-01`, `2026/5/1`, `2026年5月1日`,
/// `R8.5.1`, full-width digits…) within [`FIRST_YEAR`]..=[`LAST_YEAR`], or the issue code
/// (`required`, `date_format`, `date_no_such_day`, `date_outside_…`, `date_year_range`).
///
/// # Errors
/// The issue code.
pub fn parse_typed_date(input: &str) -> Result<NaiveDate, &'static str> {
    let d = super::date::parse(input).map_err(super::date::DateError::code)?;
    if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err("date_year_range")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::bundled().unwrap()
    }

    #[test]
    fn r_dl_2_bundled_calendar_parses_all_rows() {
        let c = cal();
        assert_eq!(c.holidays.len(), 1032 + 444);
        assert_eq!(c.holiday(d(2025, 7, 21)).unwrap().name, "海の日");
    }

    #[test]
    fn r_dl_2_weekend_holiday_year_end_and_office_are_closed() {
        let c = cal().with_closures(vec![Closure {
            date: d(2025, 6, 13),
            reason: "庁舎点検".into(),
        }]);
        assert_eq!(c.closed_reason(d(2025, 6, 14)), Some(ClosedReason::Weekend));
        assert_eq!(c.closed_reason(d(2025, 6, 15)), Some(ClosedReason::Weekend));
        assert_eq!(
            c.closed_reason(d(2025, 7, 21)),
            Some(ClosedReason::Holiday("海の日".into()))
        );
        assert_eq!(
            c.closed_reason(d(2025, 12, 29)),
            Some(ClosedReason::YearEnd)
        );
        assert_eq!(c.closed_reason(d(2026, 1, 2)), Some(ClosedReason::YearEnd));
        assert_eq!(c.closed_reason(d(2026, 1, 3)), Some(ClosedReason::YearEnd));
        assert_eq!(
            c.closed_reason(d(2026, 1, 1)),
            Some(ClosedReason::Holiday("元日".into()))
        );
        assert_eq!(
            c.closed_reason(d(2025, 6, 13)),
            Some(ClosedReason::Office("庁舎点検".into()))
        );
        assert!(c.is_open(d(2025, 6, 12)));
        assert!(c.is_open(d(2025, 12, 26)));
        assert!(c.is_open(d(2026, 1, 5)));
    }

    #[test]
    fn r_dl_2_official_data_by_year() {
        let c = cal();
        assert!(c.has_official_data(1955));
        assert!(c.has_official_data(2025));
        assert!(c.has_official_data(2026));
        assert!(!c.has_official_data(2027));
        assert!(!c.has_official_data(2050));
        assert!(!c.has_official_data(2051));
        assert!(!c.has_official_data(1954));
    }

    #[test]
    fn r_dl_2_office_can_extend_and_override_without_rebuild() {
        let mut c = cal();
        c.extend_from_csv(
            "date,name,source\n2027-01-01,元日,cabinet-office-2026-02-01\n2025-07-21,海の日（改）,office\n",
        )
        .unwrap();
        assert!(c.has_official_data(2027));
        assert_eq!(c.holiday(d(2025, 7, 21)).unwrap().name, "海の日（改）");
        // A bad line changes nothing.
        let before = c.clone();
        let e = c
            .extend_from_csv("2028-01-01,元日,cabinet-office\nnonsense\n")
            .unwrap_err();
        assert_eq!(
            e,
            CalendarError::Line {
                line: 2,
                reason: "expected date,name,source".into()
            }
        );
        assert_eq!(c, before);
    }

    #[test]
    fn r_dl_2_csv_errors_name_the_line() {
        let e = Calendar::from_csv("date,name,source\n2025-01-01,元日,x\n2025-13-01,x,y\n")
            .unwrap_err();
        assert!(e.to_string().contains("line 3"), "{e}");
        assert!(Calendar::from_csv("2025-01-01,,x").is_err());
        assert!(Calendar::from_csv("2025-01-01,元日,").is_err());
        // BOM, comments, blank lines and commas in names are fine.
        let c =
            Calendar::from_csv("\u{feff}date,name,source\n\n# office\n2025-01-01,元日, 祝日,src\n")
                .unwrap();
        assert_eq!(c.holiday(d(2025, 1, 1)).unwrap().name, "元日, 祝日");
    }

    #[test]
    fn r_dl_2_previous_next_and_add_open_days() {
        let c = cal();
        // 2025-07-21 is a Monday holiday: previous open day of Tue 7/22 is Fri 7/18.
        assert_eq!(c.previous_open_day(d(2025, 7, 22)), Some(d(2025, 7, 18)));
        assert_eq!(c.next_open_day(d(2025, 7, 18)), Some(d(2025, 7, 22)));
        assert_eq!(c.open_on_or_before(d(2025, 7, 22)), Some(d(2025, 7, 22)));
        assert_eq!(c.open_on_or_before(d(2025, 7, 21)), Some(d(2025, 7, 18)));
        assert_eq!(c.add_open_days(d(2025, 7, 22), -3), Some(d(2025, 7, 16)));
        assert_eq!(c.add_open_days(d(2025, 7, 16), 3), Some(d(2025, 7, 22)));
        assert_eq!(c.add_open_days(d(2025, 7, 21), 0), Some(d(2025, 7, 21)));
        assert_eq!(c.previous_open_day(NaiveDate::MIN), None);
    }

    #[test]
    fn r_dl_2_open_days_between_counts_half_open_interval() {
        let c = cal();
        let fri = d(2025, 7, 18);
        let tue = d(2025, 7, 22);
        assert_eq!(c.open_days_between(fri, tue), 1);
        assert_eq!(c.open_days_between(tue, fri), -1);
        assert_eq!(c.open_days_between(fri, fri), 0);
        assert_eq!(c.open_days_between(d(2025, 7, 14), d(2025, 7, 25)), 8);
    }

    #[test]
    fn r_dl_2_closure_dates_as_typed() {
        let d = NaiveDate::from_ymd_opt(2026, 5, 1);
        assert_eq!(parse_typed_date("2026-05-01").ok(), d);
        assert_eq!(parse_typed_date("2026/5/1").ok(), d);
        assert_eq!(parse_typed_date("２０２６－０５－０１").ok(), d);
        assert_eq!(parse_typed_date("20260501").ok(), d);
        assert_eq!(parse_typed_date("２０２６／５／１").ok(), d);
        assert_eq!(parse_typed_date(""), Err("required"));
        assert_eq!(parse_typed_date("2026-02-30"), Err("date_no_such_day"));
        assert_eq!(parse_typed_date("2026年5月1日").ok(), d);
        assert_eq!(parse_typed_date("5月1日"), Err("date_format"));
        assert_eq!(parse_typed_date("2026/12/1庁舎点検"), Err("date_format"));
        assert_eq!(parse_typed_date("1899-01-01"), Err("date_year_range"));
        assert_eq!(parse_typed_date("R8.5.1").ok(), d);
        assert_eq!(parse_typed_date("令和8年5月1日").ok(), d);
    }
}
