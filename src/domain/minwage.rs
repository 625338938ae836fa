//! Regional minimum wages (地域別最低賃金, 最低賃金法) by prefecture and fiscal year (SPEC §5).
//!
//! The table comes from `assets/minimum-wage-jp.csv` (see `../shared/data/README.md`): one line
//! per prefecture in JIS order, `pref_code,prefecture`, then for each fiscal year `N` a column
//! `fyN_yen_per_hour` and optionally `fyN_effective` (YYYY-MM-DD). An office adds each October's
//! new amounts without a rebuild (config `data.minimum_wage_file`, [`MinimumWageTable::extend_from_csv`]):
//! a file in the same format, e.g. `pref_code,prefecture,fy2026_yen_per_hour,fy2026_effective`,
//! whose cells add or replace the bundled ones (an empty cell leaves the bundled value alone).
//!
//! The amount in force on a date is the one whose year started last on or before it:
//! - a year with an effective date starts on that date (each prefecture's own);
//! - a year without one (the bundled FY2024 amounts) is taken to be in force from April 1 of
//!   the next calendar year at the latest (every revision takes effect within its fiscal year,
//!   October to March), so for the months in between the table has no amount: the check warns
//!   instead of judging against an amount that may not have been in force yet.
//!
//! The table is out of date ([`MinimumWageTable::is_past_newest_year`]) from October 1 after
//! its newest fiscal year's end, i.e. from `(newest + 1)-10-01`: the next year's amounts start
//! taking effect that month. The newest amounts are still a floor then (minimum wages have only
//! ever risen), so the check goes on against them and also warns.
//!
//! Pure: the caller passes the table and the date.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

/// The bundled table.
const BUNDLED_CSV: &str = include_str!("../../assets/minimum-wage-jp.csv");

/// One fiscal year's amount for a prefecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    /// Yen per hour.
    pub yen: i64,
    /// The day it took effect, when known.
    pub effective: Option<NaiveDate>,
}

impl Amount {
    /// The first day this amount is known to be in force (see the module docs).
    fn start(&self, fiscal_year: i32) -> Option<NaiveDate> {
        self.effective
            .or_else(|| NaiveDate::from_ymd_opt(fiscal_year + 1, 4, 1))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Prefecture {
    name: String,
    years: BTreeMap<i32, Amount>,
}

/// The amount in force for a prefecture on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce {
    /// JIS prefecture code, 1–47.
    pub prefecture: u8,
    /// Short name as in the table: 「東京」「北海道」.
    pub name: String,
    pub fiscal_year: i32,
    /// Yen per hour.
    pub yen: i64,
}

/// A malformed minimum wage CSV. `line` is 1-based, counting the header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MinWageError {
    #[error("minimum wage table line {line}: {reason}")]
    Line { line: usize, reason: String },
}

/// Regional minimum wages by prefecture code (1–47) and fiscal year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinimumWageTable {
    prefectures: BTreeMap<u8, Prefecture>,
}

/// What one column of the CSV holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Code,
    Name,
    Yen(i32),
    Effective(i32),
}

fn parse_header(line: &str) -> Result<Vec<Column>, String> {
    let cols = line
        .split(',')
        .map(|h| {
            let h = h.trim();
            let year = |rest: &str| rest.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
            match h {
                "pref_code" => Ok(Column::Code),
                "prefecture" => Ok(Column::Name),
                _ => {
                    let fy = h.strip_prefix("fy");
                    if let Some(y) = fy.and_then(|r| r.strip_suffix("_yen_per_hour")).and_then(year)
                    {
                        Ok(Column::Yen(y))
                    } else if let Some(y) = fy.and_then(|r| r.strip_suffix("_effective")).and_then(year)
                    {
                        Ok(Column::Effective(y))
                    } else {
                        Err(format!(
                            "unknown column {h:?} (want pref_code, prefecture, fyYYYY_yen_per_hour, fyYYYY_effective)"
                        ))
                    }
                }
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !cols.contains(&Column::Code) {
        return Err("no pref_code column".into());
    }
    for c in &cols {
        if let Column::Effective(y) = c
            && !cols.contains(&Column::Yen(*y))
        {
            return Err(format!("fy{y}_effective without fy{y}_yen_per_hour"));
        }
    }
    Ok(cols)
}

/// Rows of a CSV: (code, name, [(year, yen, effective)]).
type Row = (u8, String, Vec<(i32, i64, Option<NaiveDate>)>);

fn parse_csv(text: &str) -> Result<Vec<Row>, MinWageError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut header: Option<Vec<Column>> = None;
    let mut rows = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let err = |reason: String| MinWageError::Line { line, reason };
        let Some(cols) = &header else {
            header = Some(parse_header(l).map_err(err)?);
            continue;
        };
        let cells: Vec<&str> = l.split(',').map(str::trim).collect();
        if cells.len() != cols.len() {
            return Err(err(format!(
                "{} cells, the header has {}",
                cells.len(),
                cols.len()
            )));
        }
        let mut code = None;
        let mut name = String::new();
        let mut yen: BTreeMap<i32, i64> = BTreeMap::new();
        let mut effective: BTreeMap<i32, NaiveDate> = BTreeMap::new();
        for (col, cell) in cols.iter().zip(&cells) {
            match col {
                Column::Code => {
                    code = Some(
                        cell.parse::<u8>()
                            .ok()
                            .filter(|c| (1..=47).contains(c) && cell.len() == 2)
                            .ok_or_else(|| err(format!("bad pref_code {cell:?} (want 01-47)")))?,
                    );
                }
                Column::Name => name = (*cell).to_string(),
                Column::Yen(_) | Column::Effective(_) if cell.is_empty() => {}
                Column::Yen(y) => {
                    let v = cell
                        .parse::<i64>()
                        .ok()
                        .filter(|v| (1..=100_000).contains(v))
                        .ok_or_else(|| err(format!("bad amount {cell:?} (want yen per hour)")))?;
                    yen.insert(*y, v);
                }
                Column::Effective(y) => {
                    let d = NaiveDate::parse_from_str(cell, "%Y-%m-%d")
                        .map_err(|_| err(format!("bad date {cell:?} (want YYYY-MM-DD)")))?;
                    effective.insert(*y, d);
                }
            }
        }
        let Some(code) = code else {
            return Err(err("no pref_code".into()));
        };
        if let Some(y) = effective.keys().find(|y| !yen.contains_key(y)) {
            return Err(err(format!("fy{y}_effective without an amount")));
        }
        let years = yen
            .into_iter()
            .map(|(y, v)| (y, v, effective.get(&y).copied()))
            .collect();
        rows.push((code, name, years));
    }
    Ok(rows)
}

impl MinimumWageTable {
    /// Parses a table (see the module docs).
    ///
    /// # Errors
    /// The first malformed line, by number.
    pub fn from_csv(text: &str) -> Result<Self, MinWageError> {
        let mut t = Self::default();
        t.extend_from_csv(text)?;
        Ok(t)
    }

    /// The bundled table.
    ///
    /// # Errors
    /// Only if the bundled asset is malformed (a test guards against that).
    pub fn bundled() -> Result<Self, MinWageError> {
        Self::from_csv(BUNDLED_CSV)
    }

    /// Adds or replaces amounts from an office's CSV in the same format (a prefecture's name is
    /// replaced when given). On error nothing is changed.
    ///
    /// # Errors
    /// The first malformed line, by number.
    pub fn extend_from_csv(&mut self, text: &str) -> Result<(), MinWageError> {
        for (code, name, years) in parse_csv(text)? {
            let p = self.prefectures.entry(code).or_default();
            if !name.is_empty() {
                p.name = name;
            }
            for (y, yen, effective) in years {
                p.years.insert(y, Amount { yen, effective });
            }
        }
        Ok(())
    }

    /// The table's short name of a prefecture (「東京」), if it has the prefecture.
    #[must_use]
    pub fn prefecture_name(&self, code: u8) -> Option<&str> {
        self.prefectures.get(&code).map(|p| p.name.as_str())
    }

    /// The prefecture an address starts with (「東京都千代田区…」 → 13), by the table's names
    /// followed by 都・道・府・県 (北海道 as it is).
    #[must_use]
    pub fn prefecture_of_address(&self, address: &str) -> Option<u8> {
        let a = address.trim_start();
        self.prefectures.iter().find_map(|(code, p)| {
            if p.name.is_empty() {
                return None;
            }
            let rest = a.strip_prefix(p.name.as_str())?;
            let whole = p.name.ends_with(['都', '道', '府', '県'])
                || rest.starts_with(['都', '道', '府', '県']);
            whole.then_some(*code)
        })
    }

    /// The amount in force in a prefecture on `date`; `None` when the table has none for it.
    #[must_use]
    pub fn in_force(&self, prefecture: u8, date: NaiveDate) -> Option<InForce> {
        let p = self.prefectures.get(&prefecture)?;
        p.years
            .iter()
            .filter_map(|(y, a)| a.start(*y).map(|s| (s, *y, a.yen)))
            .filter(|(start, _, _)| *start <= date)
            .max()
            .map(|(_, fiscal_year, yen)| InForce {
                prefecture,
                name: p.name.clone(),
                fiscal_year,
                yen,
            })
    }

    /// The newest fiscal year the table has an amount for.
    #[must_use]
    pub fn newest_fiscal_year(&self) -> Option<i32> {
        self.prefectures
            .values()
            .filter_map(|p| p.years.keys().next_back().copied())
            .max()
    }

    /// Whether `date` is past the table's newest fiscal year: on or after October 1 of the year
    /// after it (see the module docs). An empty table is always out of date.
    #[must_use]
    pub fn is_past_newest_year(&self, date: NaiveDate) -> bool {
        self.newest_fiscal_year()
            .and_then(|y| NaiveDate::from_ymd_opt(y + 1, 10, 1))
            .is_none_or(|from| date >= from)
    }
}

/// The prefecture of a Hello Work office code: its first two digits (「13010」 → 13).
#[must_use]
pub fn prefecture_of_office_code(code: &str) -> Option<u8> {
    let two = code.trim().get(..2)?;
    two.parse::<u8>()
        .ok()
        .filter(|c| (1..=47).contains(c) && two.chars().all(|c| c.is_ascii_digit()))
}

/// The year of a date's fiscal year (April to March).
#[must_use]
pub fn fiscal_year_of(date: NaiveDate) -> i32 {
    if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn yen(t: &MinimumWageTable, pref: u8, date: &str) -> Option<i64> {
        t.in_force(pref, d(date)).map(|f| f.yen)
    }

    #[test]
    fn r_val_min_wage_bundled_table_has_47_prefectures_and_both_years() {
        let t = MinimumWageTable::bundled().unwrap();
        assert_eq!(t.prefectures.len(), 47);
        assert_eq!(t.newest_fiscal_year(), Some(2025));
        assert_eq!(t.prefecture_name(13), Some("東京"));
        assert_eq!(t.prefecture_name(1), Some("北海道"));
        for p in t.prefectures.values() {
            assert_eq!(p.years.len(), 2, "{}", p.name);
            assert!(p.years[&2025].yen > p.years[&2024].yen, "{}", p.name);
            assert!(p.years[&2025].effective.is_some(), "{}", p.name);
        }
    }

    #[test]
    fn r_val_min_wage_amount_changes_on_each_prefectures_own_date() {
        let t = MinimumWageTable::bundled().unwrap();
        // Tokyo 1163 → 1226 from 2025-10-03.
        assert_eq!(yen(&t, 13, "2025-10-02"), Some(1163));
        assert_eq!(yen(&t, 13, "2025-10-03"), Some(1226));
        // Akita (05) 951 → 1031 from 2026-03-31.
        assert_eq!(yen(&t, 5, "2026-03-30"), Some(951));
        assert_eq!(yen(&t, 5, "2026-03-31"), Some(1031));
        // Kumamoto (43) 952 → 1034 from 2026-01-01.
        assert_eq!(yen(&t, 43, "2025-12-31"), Some(952));
        assert_eq!(yen(&t, 43, "2026-01-01"), Some(1034));
        // Later dates keep the newest amount.
        assert_eq!(yen(&t, 13, "2027-06-01"), Some(1226));
        let f = t.in_force(13, d("2026-12-07")).unwrap();
        assert_eq!((f.fiscal_year, f.name.as_str()), (2025, "東京"));
    }

    #[test]
    fn r_val_min_wage_no_amount_before_the_table_is_surely_in_force() {
        let t = MinimumWageTable::bundled().unwrap();
        // FY2024 has no effective date: in force from 2025-04-01 at the latest.
        assert_eq!(yen(&t, 13, "2025-03-31"), None);
        assert_eq!(yen(&t, 13, "2025-04-01"), Some(1163));
        assert_eq!(yen(&t, 48, "2025-06-01"), None);
        assert_eq!(yen(&t, 0, "2025-06-01"), None);
    }

    #[test]
    fn r_val_min_wage_table_out_of_date_from_october_after_its_newest_year() {
        let t = MinimumWageTable::bundled().unwrap();
        assert!(!t.is_past_newest_year(d("2026-09-30")));
        assert!(t.is_past_newest_year(d("2026-10-01")));
        assert!(t.is_past_newest_year(d("2026-12-07")));
        assert!(MinimumWageTable::default().is_past_newest_year(d("2025-01-01")));
    }

    #[test]
    fn r_val_min_wage_office_adds_a_new_year_without_a_rebuild() {
        let mut t = MinimumWageTable::bundled().unwrap();
        t.extend_from_csv(
            "\u{feff}pref_code,prefecture,fy2026_yen_per_hour,fy2026_effective\n\
             # 令和8年度\n\
             13,東京,1300,2026-10-01\n\
             27,大阪,,\n",
        )
        .unwrap();
        assert_eq!(t.newest_fiscal_year(), Some(2026));
        assert!(!t.is_past_newest_year(d("2026-12-07")));
        assert_eq!(yen(&t, 13, "2026-09-30"), Some(1226));
        assert_eq!(yen(&t, 13, "2026-10-01"), Some(1300));
        // An empty cell leaves the bundled amounts as they are.
        assert_eq!(yen(&t, 27, "2026-12-07"), Some(1177));
        // A correction replaces a bundled amount.
        t.extend_from_csv("pref_code,fy2025_yen_per_hour,fy2025_effective\n13,1227,2025-10-02\n")
            .unwrap();
        assert_eq!(yen(&t, 13, "2025-10-01"), Some(1163));
        assert_eq!(yen(&t, 13, "2025-10-02"), Some(1227));
        assert_eq!(t.prefecture_name(13), Some("東京"));
    }

    #[test]
    fn r_val_min_wage_malformed_office_file_names_the_line_and_changes_nothing() {
        let mut t = MinimumWageTable::bundled().unwrap();
        let before = t.clone();
        for (text, line) in [
            ("pref_code,fy2026_yen\n13,1300\n", 1),
            ("pref_code,fy2026_yen_per_hour\n13,abc\n", 2),
            ("pref_code,fy2026_yen_per_hour\n48,1300\n", 2),
            (
                "pref_code,fy2026_yen_per_hour,fy2026_effective\n13,1300,2026/10/01\n",
                2,
            ),
            ("pref_code,fy2026_yen_per_hour\n13,1300,1\n", 2),
            (
                "pref_code,fy2026_yen_per_hour,fy2026_effective\n13,,2026-10-01\n",
                2,
            ),
            ("prefecture,fy2026_yen_per_hour\n東京,1300\n", 1),
        ] {
            match t.extend_from_csv(text) {
                Err(MinWageError::Line { line: l, .. }) => assert_eq!(l, line, "{text}"),
                Ok(()) => panic!("accepted {text:?}"),
            }
            assert_eq!(t, before, "{text}");
        }
    }

    #[test]
    fn r_val_min_wage_prefecture_of_address_and_office_code() {
        let t = MinimumWageTable::bundled().unwrap();
        assert_eq!(t.prefecture_of_address("東京都千代田区千代田1-1"), Some(13));
        assert_eq!(t.prefecture_of_address("京都府京都市"), Some(26));
        assert_eq!(t.prefecture_of_address("北海道札幌市"), Some(1));
        assert_eq!(t.prefecture_of_address("大阪府大阪市"), Some(27));
        assert_eq!(t.prefecture_of_address("神奈川県横浜市"), Some(14));
        assert_eq!(t.prefecture_of_address("鹿児島県鹿児島市"), Some(46));
        assert_eq!(t.prefecture_of_address("千代田区千代田1-1"), None);
        assert_eq!(t.prefecture_of_address("東京駅前"), None);
        assert_eq!(prefecture_of_office_code("13010"), Some(13));
        assert_eq!(prefecture_of_office_code("01010"), Some(1));
        assert_eq!(prefecture_of_office_code("48010"), None);
        assert_eq!(prefecture_of_office_code(""), None);
        assert_eq!(prefecture_of_office_code("1"), None);
        assert_eq!(fiscal_year_of(d("2026-03-31")), 2025);
        assert_eq!(fiscal_year_of(d("2026-04-01")), 2026);
    }
}
