//! The one parser for a date that a person types (issue 15 items 1 and 8): 生年月日 at the
//! counter and in ID照会, the audit log's period and export, the フォロー日, the closed-day
//! calendar, and every date argument of the command line. Pure: no clock, no I/O.
//!
//! Read, after NFKC (full-width digits, letters, `／`, `．`, `－` and the ideographic space
//! become ASCII) and with every hyphen-like character as `-`:
//! - the Western calendar: `2026-12-01`, `2026/12/1`, `2026.12.1`, `2026年12月1日`, `20261201`;
//! - 和暦, by name or initial (either case): `平成2年4月5日`, `H2.4.5`, `h2/4/5`, `R7.12.1`,
//!   `令和元年5月1日` (元 = 1), `S64.1.7`, and six digits after an initial (`H020405`).
//!
//! The eras are data ([`ERAS`]); a date outside its era is refused (`平成31年5月1日` is 令和元年,
//! `S64.1.8` is 平成元年). 明治 starts on 1868-10-23 (明治元年9月8日 in the old calendar, the
//! day of the change of era as the Gregorian calendar counts it; 明治元年 itself is 1868). Japan
//! kept the lunisolar calendar until 明治5年12月2日 (1872-12-31): a 明治1–5 date is read as if
//! it were Gregorian, which no counter date is near.

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

use super::numbers::is_hyphen_like;

/// One era of the Japanese calendar: its name, its Latin initial and its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Era {
    pub name: &'static str,
    pub initial: char,
    /// The first day (Gregorian): year, month, day.
    pub start: (i32, u32, u32),
    /// The issue code of a date outside this era (the message names its range).
    pub outside_code: &'static str,
}

/// The eras this parser reads, oldest first; each ends the day before the next starts.
pub const ERAS: [Era; 5] = [
    Era {
        name: "明治",
        initial: 'M',
        start: (1868, 10, 23),
        outside_code: "date_outside_meiji",
    },
    Era {
        name: "大正",
        initial: 'T',
        start: (1912, 7, 30),
        outside_code: "date_outside_taisho",
    },
    Era {
        name: "昭和",
        initial: 'S',
        start: (1926, 12, 25),
        outside_code: "date_outside_showa",
    },
    Era {
        name: "平成",
        initial: 'H',
        start: (1989, 1, 8),
        outside_code: "date_outside_heisei",
    },
    Era {
        name: "令和",
        initial: 'R',
        start: (2019, 5, 1),
        outside_code: "date_outside_reiwa",
    },
];

impl Era {
    /// The first day.
    #[must_use]
    pub fn first_day(&self) -> NaiveDate {
        let (y, m, d) = self.start;
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    /// The last day: the day before the next era starts (`None` for the current era).
    #[must_use]
    pub fn last_day(&self) -> Option<NaiveDate> {
        let i = ERAS.iter().position(|e| e == self)?;
        ERAS.get(i + 1).and_then(|next| next.first_day().pred_opt())
    }

    #[must_use]
    pub fn contains(&self, d: NaiveDate) -> bool {
        d >= self.first_day() && self.last_day().is_none_or(|last| d <= last)
    }

    /// The Western year of this era's year `n` (元年 = 1).
    #[must_use]
    pub fn western_year(&self, n: u32) -> Option<i32> {
        let n = i32::try_from(n).ok()?;
        (n >= 1).then(|| self.start.0 + n - 1)
    }
}

/// The era whose refusal code this is (for the message that names its range).
#[must_use]
pub fn era_by_outside_code(code: &str) -> Option<&'static Era> {
    ERAS.iter().find(|e| e.outside_code == code)
}

/// The era `d` falls in, with its year: `(平成, 2)` for 1990-04-05.
#[must_use]
pub fn era_of(d: NaiveDate) -> Option<(&'static Era, i32)> {
    ERAS.iter()
        .find(|e| e.contains(d))
        .map(|e| (e, d.year() - e.start.0 + 1))
}

/// Why a typed date was refused; [`DateError::code`] is the issue code of `i18n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Nothing typed.
    Empty,
    /// Not a date in any of the forms above.
    Format,
    /// The form is right but there is no such day (`2026-02-30`, `2026-13-01`).
    NoSuchDay,
    /// The day is not in the era named (`平成31年5月1日`).
    OutsideEra(&'static Era),
}

impl DateError {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            DateError::Empty => "required",
            DateError::Format => "date_format",
            DateError::NoSuchDay => "date_no_such_day",
            DateError::OutsideEra(e) => e.outside_code,
        }
    }
}

/// NFKC, hyphen-likes as `-`, the ideographic space as a space, trimmed.
fn normalise(input: &str) -> String {
    input
        .nfkc()
        .map(|c| if is_hyphen_like(c) { '-' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The era named at the start of `s` (`平成`, `H`, `h`) and the rest.
fn strip_era(s: &str) -> (Option<&'static Era>, &str) {
    for e in &ERAS {
        if let Some(rest) = s.strip_prefix(e.name) {
            return (Some(e), rest);
        }
        let mut chars = s.chars();
        if chars
            .next()
            .is_some_and(|c| c.to_ascii_uppercase() == e.initial)
        {
            return (Some(e), chars.as_str());
        }
    }
    (None, s)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Num(&'a str),
    /// 元 (the first year of an era).
    Gan,
    Sep(char),
}

fn tokens(s: &str) -> Option<Vec<Token<'_>>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            out.push(Token::Num(&rest[..end]));
            rest = &rest[end..];
            continue;
        }
        match c {
            ' ' => {}
            '元' => out.push(Token::Gan),
            '-' | '/' | '.' | '年' | '月' | '日' => out.push(Token::Sep(c)),
            _ => return None,
        }
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

/// A date as a person types it; see the module doc for the forms.
///
/// # Errors
/// [`DateError`]: empty, not a date, no such day, or outside the era named.
pub fn parse(input: &str) -> Result<NaiveDate, DateError> {
    let s = normalise(input);
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    let (era, rest) = strip_era(&s);
    let toks = tokens(rest).ok_or(DateError::Format)?;
    let num = |t: &Token<'_>| -> Option<u32> {
        match t {
            Token::Num(n) if n.len() <= 4 => n.parse().ok(),
            Token::Gan if era.is_some() => Some(1),
            _ => None,
        }
    };
    let (year_tok, y, m, d) = match toks.as_slice() {
        // 20261201, H020405
        [Token::Num(all)] => match (era, all.len()) {
            (None, 8) => (
                Token::Num(&all[..4]),
                all[..4].parse().ok(),
                all[4..6].parse().ok(),
                all[6..].parse().ok(),
            ),
            (Some(_), 6) => (
                Token::Num(&all[..2]),
                all[..2].parse().ok(),
                all[2..4].parse().ok(),
                all[4..].parse().ok(),
            ),
            _ => return Err(DateError::Format),
        },
        [y, Token::Sep(a), m, Token::Sep(b), d, tail @ ..] => {
            let dashes = |c: &char| matches!(c, '-' | '/' | '.');
            let ok = match (a, b, tail) {
                (a, b, []) if dashes(a) && dashes(b) => true,
                ('年', '月', [] | [Token::Sep('日')]) => true,
                _ => false,
            };
            if !ok {
                return Err(DateError::Format);
            }
            (*y, num(y), num(m), num(d))
        }
        _ => return Err(DateError::Format),
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(DateError::Format);
    };
    match era {
        None => {
            // A Western year has four digits: `26/12/1` could be 2026 or 平成26年.
            if !matches!(year_tok, Token::Num(n) if n.len() == 4) {
                return Err(DateError::Format);
            }
            let y = i32::try_from(y).map_err(|_| DateError::Format)?;
            NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::NoSuchDay)
        }
        Some(e) => {
            if matches!(year_tok, Token::Num(n) if n.len() > 2) {
                return Err(DateError::Format);
            }
            let y = e.western_year(y).ok_or(DateError::OutsideEra(e))?;
            let date = NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::NoSuchDay)?;
            if e.contains(date) {
                Ok(date)
            } else {
                Err(DateError::OutsideEra(e))
            }
        }
    }
}

/// [`parse`] for a field that may be left empty (`None`).
///
/// # Errors
/// As [`parse`], except for an empty field.
pub fn parse_optional(input: &str) -> Result<Option<NaiveDate>, DateError> {
    match parse(input) {
        Ok(d) => Ok(Some(d)),
        Err(DateError::Empty) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn era(name: &str) -> &'static Era {
        ERAS.iter().find(|e| e.name == name).unwrap()
    }

    #[test]
    fn issue_15_western_forms() {
        for s in [
            "2026-12-01",
            "2026/12/1",
            "2026.12.1",
            "2026年12月1日",
            "2026年12月1",
            "20261201",
            " 2026 / 12 / 01 ",
        ] {
            assert_eq!(parse(s), Ok(d(2026, 12, 1)), "{s}");
        }
        assert_eq!(parse("1990/4/5"), Ok(d(1990, 4, 5)));
        assert_eq!(parse("1990年4月5日"), Ok(d(1990, 4, 5)));
    }

    #[test]
    fn issue_15_full_width_digits_and_separators() {
        for s in [
            "２０２６－１２－０１",
            "２０２６／１２／１",
            "２０２６．１２．１",
            "２０２６年１２月１日",
            "２０２６ー１２ー０１",
            "2026−12−01",
            "\u{3000}２０２６１２０１\u{3000}",
        ] {
            assert_eq!(parse(s), Ok(d(2026, 12, 1)), "{s}");
        }
        assert_eq!(parse("Ｈ２．４．５"), Ok(d(1990, 4, 5)));
        assert_eq!(parse("平成２年４月５日"), Ok(d(1990, 4, 5)));
        assert_eq!(parse("ｒ７．１２．１"), Ok(d(2025, 12, 1)));
    }

    #[test]
    fn issue_15_wareki_by_name_and_initial() {
        assert_eq!(parse("H2.4.5"), Ok(d(1990, 4, 5)));
        assert_eq!(parse("h2/4/5"), Ok(d(1990, 4, 5)));
        assert_eq!(parse("H 2.4.5"), Ok(d(1990, 4, 5)));
        assert_eq!(parse("H020405"), Ok(d(1990, 4, 5)));
        assert_eq!(parse("平成2年4月5日"), Ok(d(1990, 4, 5)));
        assert_eq!(parse("平成2.4.5"), Ok(d(1990, 4, 5)));
        assert_eq!(parse("R7.12.1"), Ok(d(2025, 12, 1)));
        assert_eq!(parse("令和7年12月1日"), Ok(d(2025, 12, 1)));
        assert_eq!(parse("令和元年5月1日"), Ok(d(2019, 5, 1)));
        assert_eq!(parse("R元.5.1"), Ok(d(2019, 5, 1)));
        assert_eq!(parse("S64.1.7"), Ok(d(1989, 1, 7)));
        assert_eq!(parse("昭和50年10月10日"), Ok(d(1975, 10, 10)));
        assert_eq!(parse("大正15年12月24日"), Ok(d(1926, 12, 24)));
        assert_eq!(parse("T1.7.30"), Ok(d(1912, 7, 30)));
        assert_eq!(parse("明治45年7月29日"), Ok(d(1912, 7, 29)));
        assert_eq!(parse("M6.1.1"), Ok(d(1873, 1, 1)));
    }

    /// Each era's first and last day, and the day after its end, named by this era and the next.
    #[test]
    fn issue_15_every_era_boundary() {
        let cases = [
            // (last day of the era, as typed in it; first day of the next, as typed in it)
            (
                "明治45年7月29日",
                d(1912, 7, 29),
                "大正元年7月30日",
                d(1912, 7, 30),
            ),
            (
                "大正15年12月24日",
                d(1926, 12, 24),
                "昭和元年12月25日",
                d(1926, 12, 25),
            ),
            (
                "昭和64年1月7日",
                d(1989, 1, 7),
                "平成元年1月8日",
                d(1989, 1, 8),
            ),
            (
                "平成31年4月30日",
                d(2019, 4, 30),
                "令和元年5月1日",
                d(2019, 5, 1),
            ),
        ];
        for (last_s, last, first_s, first) in cases {
            assert_eq!(parse(last_s), Ok(last), "{last_s}");
            assert_eq!(parse(first_s), Ok(first), "{first_s}");
        }
        // One day past: refused, naming the era typed.
        for (s, e) in [
            ("明治45年7月30日", "明治"),
            ("大正元年7月29日", "大正"),
            ("大正15年12月25日", "大正"),
            ("昭和元年12月24日", "昭和"),
            ("S64.1.8", "昭和"),
            ("平成元年1月7日", "平成"),
            ("平成31年5月1日", "平成"),
            ("H31.5.1", "平成"),
            ("令和元年4月30日", "令和"),
            ("明治元年10月22日", "明治"),
            ("平成0年1月1日", "平成"),
        ] {
            assert_eq!(parse(s), Err(DateError::OutsideEra(era(e))), "{s}");
        }
        assert_eq!(parse("明治元年10月23日"), Ok(d(1868, 10, 23)));
        assert_eq!(era("平成").last_day(), Some(d(2019, 4, 30)));
        assert_eq!(era("令和").last_day(), None);
        assert_eq!(
            era_of(d(1990, 4, 5)).map(|(e, y)| (e.name, y)),
            Some(("平成", 2))
        );
        assert_eq!(
            era_of(d(2019, 5, 1)).map(|(e, y)| (e.name, y)),
            Some(("令和", 1))
        );
    }

    #[test]
    fn issue_15_what_is_refused() {
        assert_eq!(parse(""), Err(DateError::Empty));
        assert_eq!(parse(" \u{3000}"), Err(DateError::Empty));
        assert_eq!(parse_optional(""), Ok(None));
        assert_eq!(parse_optional("2026-12-01"), Ok(Some(d(2026, 12, 1))));
        for s in [
            "26/12/1",
            "12/1",
            "5月1日",
            "2026/12/1庁舎点検",
            "2026-12",
            "2026/12/1/1",
            "2026年12/1",
            "2026/12月1日",
            "2026-12-01日",
            "元年5月1日",
            "X7.12.1",
            "H123.1.1",
            "2026121",
            "H2045",
            "tomorrow",
        ] {
            assert_eq!(parse(s), Err(DateError::Format), "{s}");
        }
        assert_eq!(parse("2026-02-30"), Err(DateError::NoSuchDay));
        assert_eq!(parse("2026-13-01"), Err(DateError::NoSuchDay));
        assert_eq!(parse("R7.2.29"), Err(DateError::NoSuchDay));
        assert_eq!(parse("2028-02-29"), Ok(d(2028, 2, 29)));
        assert_eq!(
            DateError::OutsideEra(era("平成")).code(),
            "date_outside_heisei"
        );
        assert_eq!(
            era_by_outside_code("date_outside_heisei").map(|e| e.name),
            Some("平成")
        );
    }

    #[test]
    fn eras_follow_each_other_without_gap() {
        for w in ERAS.windows(2) {
            assert_eq!(
                w[0].last_day().and_then(|d| d.succ_opt()),
                Some(w[1].first_day())
            );
        }
    }
}
