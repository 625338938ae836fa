//! The one place that reads the time. `MADOGUCHI_NOW` (RFC 3339) overrides it for training and
//! tests (SPEC §6). All dates shown to people are Japan time (UTC+9, no daylight saving).

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};

pub const NOW_ENV: &str = "MADOGUCHI_NOW";

/// Japan Standard Time (`domain::calendar::jst`, the one definition).
#[must_use]
pub fn jst() -> FixedOffset {
    crate::domain::calendar::jst()
}

/// The current time of this process, honouring `MADOGUCHI_NOW`.
///
/// A `MADOGUCHI_NOW` that does not parse is ignored (the real clock is used) rather than
/// stopping a counter; `main` reports it once at start. Code that can be driven in-process by
/// tests reads a [`Clock`] value instead (the TUI's `App` holds one), so that no test changes
/// the time of another.
#[must_use]
#[allow(clippy::disallowed_methods)] // the one place that reads the system clock
pub fn now() -> DateTime<Utc> {
    override_from_env().unwrap_or_else(Utc::now)
}

/// The system clock itself, never `MADOGUCHI_NOW`: for what records when something really
/// happened on this machine (an upgrade, a mail's Date header in tests).
#[must_use]
#[allow(clippy::disallowed_methods)] // the one place that reads the system clock
pub fn wall_clock() -> DateTime<Utc> {
    Utc::now()
}

/// Where a component reads the time: the process clock ([`now`]: `MADOGUCHI_NOW` or the real
/// time) or a fixed instant (screen tests, training). A value, not process-global state: each
/// `App` carries its own, so tests running side by side in one process never share a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    #[default]
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    #[must_use]
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::System => now(),
            Clock::Fixed(t) => t,
        }
    }
}

/// The override, when set and valid.
#[must_use]
pub fn override_from_env() -> Option<DateTime<Utc>> {
    let v = std::env::var(NOW_ENV).ok()?;
    parse_rfc3339(&v)
}

#[must_use]
pub fn parse_rfc3339(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Storage form: RFC 3339 UTC with seconds, `2026-11-23T05:00:00Z`.
#[must_use]
pub fn to_db(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[must_use]
pub fn from_db(s: &str) -> Option<DateTime<Utc>> {
    parse_rfc3339(s)
}

#[must_use]
pub fn to_jst(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&jst())
}

/// Today's date in Japan.
#[must_use]
pub fn jst_date(t: DateTime<Utc>) -> NaiveDate {
    to_jst(t).date_naive()
}

/// `2026-11-23 14:00` in Japan time.
#[must_use]
pub fn fmt_jst(t: DateTime<Utc>) -> String {
    to_jst(t).format("%Y-%m-%d %H:%M").to_string()
}

/// `14:00` in Japan time.
#[must_use]
pub fn fmt_jst_hm(t: DateTime<Utc>) -> String {
    to_jst(t).format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_6_japan_time_is_utc_plus_nine() {
        let t = parse_rfc3339("2026-12-31T15:30:00Z").expect("valid");
        assert_eq!(fmt_jst(t), "2027-01-01 00:30");
        assert_eq!(
            jst_date(t),
            NaiveDate::from_ymd_opt(2027, 1, 1).expect("date")
        );
        assert_eq!(to_db(t), "2026-12-31T15:30:00Z");
        assert_eq!(from_db(&to_db(t)), Some(t));
    }

    #[test]
    fn a_fixed_clock_is_its_own_time() {
        let t = parse_rfc3339("2026-12-07T01:30:00Z").expect("valid");
        assert_eq!(Clock::Fixed(t).now(), t);
        assert_eq!(Clock::default(), Clock::System);
    }
}
