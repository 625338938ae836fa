//! The rowids of the search index's three tables (see the migration, schema v7): 4 bits of
//! part, 31 of key, 28 of submission id. A queue is a union of parts (state × claimed × visit
//! due); within a part a table lists rows in its page order.

pub const ID_BITS: u32 = 28;
pub const ID_MASK: i64 = (1 << ID_BITS) - 1;
/// Keys are below this.
pub const KEY_END: i64 = (1 << 31) - 1;
pub const PART_SHIFT: u32 = 59;

/// The part of a row: state × claimed × visit due (None: not a pending state).
#[must_use]
pub fn part(state: &str, claimed: bool, visit: bool) -> Option<i64> {
    let s = match state {
        "received" => 0,
        "checked" => 1,
        "returned" => 2,
        _ => return None,
    };
    Some(s * 4 + i64::from(claimed) * 2 + i64::from(visit))
}

/// A row's rowid (None: key or id out of range, a "weird" row).
#[must_use]
pub fn at(part: i64, key: i64, id: i64) -> Option<i64> {
    ((0..KEY_END).contains(&key) && (0..=ID_MASK).contains(&id)).then(|| bound(part, key, id))
}

/// The rowid where (part, key, id) would be: with `key` up to `KEY_END`, a range bound.
#[must_use]
pub fn bound(part: i64, key: i64, id: i64) -> i64 {
    (part << PART_SHIFT) | (key.clamp(0, KEY_END) << ID_BITS) | id.clamp(0, ID_MASK)
}

/// 1 + YYYYMMDD of a `YYYY-MM-DD` text (None: not one), in the text's order.
#[must_use]
pub fn deadline(d: &str) -> Option<i64> {
    let b = d.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let digits: String = d.chars().filter(char::is_ascii_digit).collect();
    digits.parse::<i64>().ok().map(|v| v + 1)
}

/// The deadline order's key: 0 without a deadline (NULL sorts first).
#[must_use]
pub fn deadline_key(d: Option<&str>) -> Option<i64> {
    d.map_or(Some(0), deadline)
}

/// Seconds since 2000-01-01T00:00:00Z of a `YYYY-MM-DDTHH:MM:SSZ` text (None: another
/// text, or out of range). On such texts the order of the seconds is the order of the text.
#[must_use]
pub fn received_key(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    let shape = b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    let at = chrono::NaiveDateTime::parse_from_str(&t[..19], "%Y-%m-%dT%H:%M:%S").ok()?;
    let base = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)?.and_hms_opt(0, 0, 0)?;
    let secs = (at - base).num_seconds();
    (0..KEY_END).contains(&secs).then_some(secs)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn r_rev_6_rowids_keep_the_page_order_within_a_part() {
        // Received: the order of the seconds is the order of the text.
        let a = super::received_key("2026-11-23T09:00:00Z").unwrap();
        let b = super::received_key("2026-11-23T09:00:01Z").unwrap();
        assert!(a < b);
        assert_eq!(super::received_key("2000-01-01T00:00:00Z"), Some(0));
        for weird in [
            "2026-11-23T09:00:00",
            "2026-11-23 09:00:00Z",
            "1999-12-31T23:59:59Z",
            "2026-13-01T00:00:00Z",
        ] {
            assert_eq!(super::received_key(weird), None, "{weird}");
        }
        // Deadline: none first, then in date order.
        let none = super::deadline_key(None).unwrap();
        let d1 = super::deadline_key(Some("2026-11-30")).unwrap();
        let d2 = super::deadline_key(Some("2026-12-01")).unwrap();
        assert!(none < d1 && d1 < d2);
        assert_eq!(super::deadline_key(Some("11/30")), None);
        // (key, id) order within a part; parts apart; a bound sits between rows.
        let p = super::part("checked", true, false).unwrap();
        let r1 = super::at(p, d1, 9).unwrap();
        let r2 = super::at(p, d1, 10).unwrap();
        let r3 = super::at(p, d2, 1).unwrap();
        assert!(r1 < r2 && r2 < r3);
        assert!(super::bound(p, d1, 10) > r1 && super::bound(p, d1, 10) <= r2);
        let next = super::part("checked", true, true).unwrap();
        assert!(super::bound(p, super::KEY_END, 0) <= super::bound(next, 0, 0));
        assert_eq!(super::at(p, d1, super::ID_MASK + 1), None);
        assert_eq!(super::part("registered", false, false), None);
        // Every part of every state fits below the top bit.
        let top = super::part("returned", true, true).unwrap();
        assert!(super::bound(top, super::KEY_END, super::ID_MASK) > 0);
    }
}
