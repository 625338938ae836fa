//! Field validation of establishment and job offer submissions (SPEC §5).
//!
//! Validation runs on the normalised value ([`normalize_establishment`], [`normalize_job`]):
//! - number fields (事業所番号, 法人番号, postal code, phone, occupation code): NFKC (full-width
//!   digits become ASCII), every hyphen-like character becomes `-`, spaces are dropped; a value of
//!   the right shape is re-formatted canonically (`1301-999999-9`, `100-0000`);
//! - kana names: the one kana rule of every kana field ([`super::kana::convert`]: half-width
//!   kana and hiragana become full-width katakana, hyphen-likes 「ー」, middle-dot look-alikes
//!   「・」, spaces one full-width space);
//! - free text: half-width katakana become full-width, control characters (and so terminal
//!   escape sequences) are removed, surrounding spaces trimmed; the PR message and the note keep
//!   their line breaks (CRLF → LF). Other characters are kept as typed (no NFKC: 「（株）」 stays).
//!
//! Length limits count characters (`char`s) after normalisation, as the Internet Service does.
//!
//! One file per part: `field` (normalising and checking one value), `establishment`, `job`
//! (one check per section of the offer form), `wage` (section 4: wage and bonus) and
//! `minimum_wage` (最低賃金法); their rules are documented there.

mod establishment;
mod field;
#[cfg(test)]
mod hostile_text;
mod job;
mod minimum_wage;
mod wage;

pub use establishment::{check_establishment, normalize_establishment, validate_establishment};
pub use job::{check_job, normalize_job, pr_layout_lines, validate_job};
pub use wage::usual_wage_range;

use chrono::NaiveDate;

use super::coded::coded_enum;
use super::minwage::MinimumWageTable;

coded_enum! {
    /// Error (赤, must fix) or warning (橙, confirm to accept).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Severity {
        Error = "error",
        Warning = "warning",
    }
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable field path, e.g. `wage.min` (the same paths as `fields()` and diffs).
    pub field: &'static str,
    pub severity: Severity,
    /// Stable rule code, e.g. `wage_min_gt_max`; see [`rules`].
    pub rule: &'static str,
    /// Rule parameter for the message (a limit, a range `low-high`, an offending character).
    pub param: Option<String>,
}

impl Finding {
    fn error(field: &'static str, rule: &'static str, param: Option<String>) -> Self {
        Self {
            field,
            severity: Severity::Error,
            rule,
            param,
        }
    }

    fn warning(field: &'static str, rule: &'static str, param: Option<String>) -> Self {
        Self {
            field,
            severity: Severity::Warning,
            rule,
            param,
        }
    }
}

/// Stable rule codes.
pub mod rules {
    /// A required field is empty.
    pub const REQUIRED: &str = "required";
    /// A control character or a bidirectional override (param: `U+XXXX`), SPEC §5.
    pub const CONTROL_CHAR: &str = "control_char";
    /// More items than the list takes (param: the most).
    pub const TOO_MANY: &str = "too_many";
    /// Wrong shape; param: the expected shape (`4-6-1`, `3-4`, `10-11`, `13`, `digits`).
    pub const FORMAT: &str = "format";
    /// 法人番号 check digit is wrong.
    pub const CHECK_DIGIT: &str = "check_digit";
    /// Not full-width katakana; param: the first offending character.
    pub const KANA: &str = "kana";
    /// Too many characters; param: the limit.
    pub const TOO_LONG: &str = "too_long";
    /// Number outside its range; param: `low-high`.
    pub const OUT_OF_RANGE: &str = "out_of_range";
    /// An amount must be more than 0 yen.
    pub const NOT_POSITIVE: &str = "not_positive";
    /// 賃金 lower bound above the upper bound.
    pub const WAGE_MIN_GT_MAX: &str = "wage_min_gt_max";
    /// Warning: wage outside the usual range for its kind; param: `low-high`.
    pub const WAGE_UNUSUAL: &str = "wage_unusual";
    /// 賞与金額 lower bound above the upper bound.
    pub const BONUS_MIN_GT_MAX: &str = "bonus_min_gt_max";
    /// 賞与月数 is not a number.
    pub const NOT_A_NUMBER: &str = "not_a_number";
    /// 賞与月数 has too many decimals; param: the limit (2).
    pub const DECIMALS: &str = "decimals";
    /// Warning: bonus details given although 賞与 is なし.
    pub const BONUS_WITHOUT_FLAG: &str = "bonus_without_flag";
    /// No 加入保険等 chosen.
    pub const INSURANCE_NONE: &str = "insurance_none";
    /// その他 chosen but its text is empty.
    pub const OTHER_TEXT_REQUIRED: &str = "other_text_required";
    /// Warning: その他 text given but その他 not chosen.
    pub const OTHER_TEXT_UNUSED: &str = "other_text_unused";
    /// 始業 and 終業 are the same time.
    pub const SAME_START_END: &str = "same_start_end";
    /// PR message needs more than 20 lines of 30 characters; param: 20.
    pub const PR_TOO_MANY_LINES: &str = "pr_too_many_lines";
    /// Warning: PR message at 90 % or more of its 600 characters; param: 600.
    pub const PR_NEAR_LIMIT: &str = "pr_near_limit";
    /// Warning: パート flag and 雇用形態 disagree.
    pub const PART_TIME_MISMATCH: &str = "part_time_mismatch";
    /// Warning: a dispatch 雇用形態 without the 派遣・請負 flag.
    pub const DISPATCH_MISMATCH: &str = "dispatch_mismatch";
    /// Warning: 障害者トライアル flag on an offer whose 求人区分 is not 障害者.
    pub const DISABILITY_TRIAL_MISMATCH: &str = "disability_trial_mismatch";
    /// 時給 below the regional minimum wage; param: `prefecture|yen` (「東京|1226」).
    pub const MIN_WAGE: &str = "min_wage";
    /// Warning: 日給 or 月給 below the minimum wage once divided by the stated hours; param:
    /// `prefecture|yen|per hour` (「東京|1226|1180」, the wage per hour rounded down).
    pub const MIN_WAGE_CONVERTED: &str = "min_wage_converted";
    /// Warning: the table has no minimum wage for the day and place; param: the prefecture's
    /// name, none when the prefecture is not known.
    pub const MIN_WAGE_UNKNOWN: &str = "min_wage_unknown";
    /// Warning: the day is past the table's newest fiscal year; param: that year (`2025`).
    pub const MIN_WAGE_TABLE_OLD: &str = "min_wage_table_old";
}

/// What a job offer's check needs beyond the offer (SPEC §5 minimum wage): the day of the check
/// and the minimum wage table, passed in so that the rules stay pure.
#[derive(Debug, Clone, Copy)]
pub struct JobCheck<'a> {
    /// The day the wage must be legal on (Japan date; for an import, the event's time).
    pub date: NaiveDate,
    pub minimum_wage: &'a MinimumWageTable,
    /// The office's prefecture (office code's first two digits), for a work location whose
    /// prefecture is not known.
    pub office_prefecture: Option<u8>,
}

/// Limits (SPEC §5).
pub const TITLE_MAX: usize = 28;
pub const WAGE_OTHER_MAX: usize = 40;
pub const INSURANCE_OTHER_MAX: usize = 6;
pub const PR_MAX: usize = 600;
pub const PR_LINES: usize = 20;
pub const PR_LINE_WIDTH: usize = 30;
/// PR warning threshold: 90 % of [`PR_MAX`].
pub const PR_WARN_AT: usize = PR_MAX * 9 / 10;
pub const HIRES_RANGE: (i64, i64) = (1, 999);
pub const ANNUAL_HOLIDAYS_RANGE: (i64, i64) = (0, 366);
pub const PAID_LEAVE_RANGE: (i64, i64) = (0, 40);
pub const BONUS_MONTHS_DECIMALS: usize = 2;
/// Every other text field has its cap too (SPEC §5), in characters.
pub const ESTABLISHMENT_NAME_MAX: usize = 100;
pub const KANA_NAME_MAX: usize = 100;
pub const REPRESENTATIVE_TITLE_MAX: usize = 30;
pub const REPRESENTATIVE_NAME_MAX: usize = 40;
pub const ADDRESS_MAX: usize = 120;
/// Numbers as typed (establishment, corporate, postal, phone, occupation code, bonus months):
/// room for full-width digits and hyphens, far past any valid one.
pub const NUMBER_TEXT_MAX: usize = 20;
pub const LICENCE_MAX: usize = 40;
pub const LICENCES_MAX: usize = 10;
pub const NOTE_MAX: usize = 600;
/// An establishment named by its submission id: as long as an interchange id.
pub const LINK_MAX: usize = super::interchange::ID_MAX;

/// Whether any finding is an error (the submission cannot be approved as it is).
#[must_use]
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Findings from `from` on about a field already refused at entry are left out: the clerk is
/// told the one thing to fix.
fn drop_refused(out: &mut Vec<Finding>, from: usize, refused: &[&str]) {
    let mut i = 0;
    out.retain(|f| {
        i += 1;
        i <= from || !refused.contains(&f.field)
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(super) mod fixtures {
    use super::*;
    use crate::domain::establishment::{self, Establishment};
    use crate::domain::job::{self, JobOffer};

    pub(super) fn table() -> &'static MinimumWageTable {
        static TABLE: std::sync::OnceLock<MinimumWageTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| MinimumWageTable::bundled().unwrap())
    }

    pub(super) fn on(date: &str, office_prefecture: Option<u8>) -> JobCheck<'static> {
        JobCheck {
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            minimum_wage: table(),
            office_prefecture,
        }
    }

    /// A day when the bundled table is current, at an office in Tokyo.
    pub(super) fn spring() -> JobCheck<'static> {
        on("2026-04-01", Some(13))
    }

    pub(super) fn rules_of(findings: &[Finding]) -> Vec<(&'static str, &'static str)> {
        findings.iter().map(|f| (f.field, f.rule)).collect()
    }

    pub(super) fn job_with(edit: impl FnOnce(&mut JobOffer)) -> Vec<Finding> {
        let mut j = job::sample();
        edit(&mut j);
        validate_job(&j, &spring())
    }

    pub(super) fn est_with(edit: impl FnOnce(&mut Establishment)) -> Vec<Finding> {
        let mut e = establishment::sample();
        edit(&mut e);
        validate_establishment(&e)
    }

    #[test]
    fn spec_5_samples_are_valid() {
        assert_eq!(validate_establishment(&establishment::sample()), vec![]);
        assert_eq!(validate_job(&job::sample(), &spring()), vec![]);
    }
}
