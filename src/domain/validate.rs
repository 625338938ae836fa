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
//! The PR message is laid out as the printed 「求人・事業所PRシート」: lines of at most 30
//! characters, longer lines wrapping, at most 20 lines in all (so 600 characters without a line
//! break fill it exactly). An error is reported when the laid-out text needs more than 20 lines.
//!
//! Usual wage ranges (a wage outside is a warning, not an error; `WageKind::Other` is not
//! checked), in yen:
//!
//! | 賃金形態 | low | high |
//! |---|---|---|
//! | 月給 | 100,000 | 2,000,000 |
//! | 日給 | 5,000 | 100,000 |
//! | 時給 | 900 | 10,000 |
//! | 年俸制 | 1,200,000 | 30,000,000 |
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

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use super::establishment::Establishment;
use super::job::{
    EstablishmentLink, InsuranceKind, JobCategoryKind, JobOffer, WageKind, WorkLocation,
};
use super::minwage::MinimumWageTable;
use super::{kana, numbers, text};

/// Error (赤, must fix) or warning (橙, confirm to accept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// Stable code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
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

/// Usual range of a wage kind, in yen; `None` for その他.
#[must_use]
pub fn usual_wage_range(kind: WageKind) -> Option<(i64, i64)> {
    match kind {
        WageKind::Monthly => Some((100_000, 2_000_000)),
        WageKind::Daily => Some((5_000, 100_000)),
        WageKind::Hourly => Some((900, 10_000)),
        WageKind::Annual => Some((1_200_000, 30_000_000)),
        WageKind::Other => None,
    }
}

/// Whether any finding is an error (the submission cannot be approved as it is).
#[must_use]
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

// ---------------------------------------------------------------------------------------------
// Normalisation helpers

/// NFKC, hyphen-likes to `-`, whitespace and a leading 〒 dropped.
fn normalize_number_text(input: &str) -> String {
    input
        .nfkc()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '〒')
        .map(|c| if numbers::is_hyphen_like(c) { '-' } else { c })
        .collect::<String>()
        .nfc()
        .collect()
}

/// The canonical form of a grouped number, or the normalised text when it does not fit (so
/// that the finding shows what was received).
fn grouped_number(
    input: &str,
    parse: fn(&str) -> Result<String, numbers::NumberError>,
) -> Result<String, String> {
    parse(input).map_err(|_| normalize_number_text(input))
}

/// Phone: digits and hyphens (parentheses count as hyphens); 10 or 11 digits.
fn normalize_phone(input: &str) -> String {
    let n: String = normalize_number_text(input)
        .chars()
        .map(|c| if c == '(' || c == ')' { '-' } else { c })
        .collect();
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Half-width katakana runs to full-width (NFKC on those runs only, composing dakuten).
fn widen_halfwidth_kana(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut run = String::new();
    for c in input.chars() {
        if ('\u{FF61}'..='\u{FF9F}').contains(&c) {
            run.push(c);
        } else {
            if !run.is_empty() {
                out.extend(run.nfkc());
                run.clear();
            }
            out.push(c);
        }
    }
    out.extend(run.nfkc());
    out
}

/// Single-line free text: half-width kana widened, controls removed, trimmed.
fn normalize_line(input: &str) -> String {
    let cleaned: String = input.chars().filter(|c| !c.is_control()).collect();
    widen_halfwidth_kana(cleaned.trim())
}

/// Multi-line free text: CRLF/CR to LF, tabs to a space, other controls removed, trailing
/// spaces of each line and surrounding blank lines dropped.
fn normalize_multiline(input: &str) -> String {
    let unified = input.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned: String = unified
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let cleaned = widen_halfwidth_kana(&cleaned);
    let lines: Vec<&str> = cleaned.lines().map(str::trim_end).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

fn printable(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        c.to_string()
    }
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

fn opt_nonempty(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Field checks (on normalised values)

fn check_required(out: &mut Vec<Finding>, field: &'static str, value: &str) -> bool {
    if value.is_empty() {
        out.push(Finding::error(field, rules::REQUIRED, None));
        false
    } else {
        true
    }
}

fn check_max_len(out: &mut Vec<Finding>, field: &'static str, value: &str, max: usize) {
    if char_len(value) > max {
        out.push(Finding::error(
            field,
            rules::TOO_LONG,
            Some(max.to_string()),
        ));
    }
}

/// SPEC §5 at entry: the value as given holds no control character or bidi override
/// ([`text::forbidden_char`]) and is at most `max` characters (`None`: the field's own rule caps
/// it). Returns whether it passed, so that the field's other rules are not told twice.
fn check_text(
    out: &mut Vec<Finding>,
    field: &'static str,
    raw: &str,
    multiline: bool,
    max: Option<usize>,
) -> bool {
    if let Some(c) = text::forbidden_char(raw, multiline) {
        out.push(Finding::error(
            field,
            rules::CONTROL_CHAR,
            Some(text::char_code(c)),
        ));
        return false;
    }
    if let Some(max) = max
        && char_len(raw.trim()) > max
    {
        out.push(Finding::error(
            field,
            rules::TOO_LONG,
            Some(max.to_string()),
        ));
        return false;
    }
    true
}

fn check_range(out: &mut Vec<Finding>, field: &'static str, value: i64, (low, high): (i64, i64)) {
    if value < low || value > high {
        out.push(Finding::error(
            field,
            rules::OUT_OF_RANGE,
            Some(format!("{low}-{high}")),
        ));
    }
}

fn check_grouped(out: &mut Vec<Finding>, field: &'static str, value: &str, shape: &str) {
    let parse = if shape == "3-4" {
        numbers::postal_code
    } else {
        numbers::establishment_number
    };
    if parse(value).is_err() {
        out.push(Finding::error(
            field,
            rules::FORMAT,
            Some(shape.to_string()),
        ));
    }
}

fn check_kana(out: &mut Vec<Finding>, field: &'static str, value: &str) {
    if let Some(c) = kana::first_not_allowed(value) {
        out.push(Finding::error(field, rules::KANA, Some(printable(c))));
    }
}

fn check_corporate_number(out: &mut Vec<Finding>, field: &'static str, value: &str) {
    match numbers::corporate_number(value) {
        Ok(_) => {}
        Err(numbers::NumberError::CheckDigit) => {
            out.push(Finding::error(field, rules::CHECK_DIGIT, None))
        }
        Err(_) => out.push(Finding::error(field, rules::FORMAT, Some("13".into()))),
    }
}

fn check_phone(out: &mut Vec<Finding>, field: &'static str, value: &str) {
    let ok = value.chars().all(|c| c.is_ascii_digit() || c == '-')
        && matches!(value.chars().filter(char::is_ascii_digit).count(), 10 | 11);
    if !ok {
        out.push(Finding::error(field, rules::FORMAT, Some("10-11".into())));
    }
}

// ---------------------------------------------------------------------------------------------
// Establishment

/// The establishment as validation sees it (see the module docs).
#[must_use]
pub fn normalize_establishment(e: &Establishment) -> Establishment {
    Establishment {
        establishment_number: opt_nonempty(
            e.establishment_number.as_deref().map(|v| {
                grouped_number(v, numbers::establishment_number).unwrap_or_else(|raw| raw)
            }),
        ),
        corporate_number: opt_nonempty(
            e.corporate_number
                .as_deref()
                .map(|v| normalize_number_text(v).replace('-', "")),
        ),
        name: normalize_line(&e.name),
        name_kana: kana::convert(&e.name_kana),
        representative_title: normalize_line(&e.representative_title),
        representative_name: normalize_line(&e.representative_name),
        postal_code: grouped_number(&e.postal_code, numbers::postal_code).unwrap_or_else(|raw| raw),
        address: normalize_line(&e.address),
        phone: normalize_phone(&e.phone),
        dispatch_licence: e.dispatch_licence,
        employment_insurance: e.employment_insurance,
    }
}

/// SPEC §5 findings for an establishment (validated after normalisation).
#[must_use]
pub fn validate_establishment(e: &Establishment) -> Vec<Finding> {
    check_establishment(e).1
}

/// The normalised establishment and its findings.
#[must_use]
pub fn check_establishment(e: &Establishment) -> (Establishment, Vec<Finding>) {
    let n = normalize_establishment(e);
    let mut out = Vec::new();
    // SPEC §5 at entry, on the values as given: a field refused here gets no other finding.
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let given = [
        (
            "establishment_number",
            opt(&e.establishment_number),
            NUMBER_TEXT_MAX,
        ),
        (
            "corporate_number",
            opt(&e.corporate_number),
            NUMBER_TEXT_MAX,
        ),
        ("name", e.name.clone(), ESTABLISHMENT_NAME_MAX),
        ("name_kana", e.name_kana.clone(), KANA_NAME_MAX),
        (
            "representative_title",
            e.representative_title.clone(),
            REPRESENTATIVE_TITLE_MAX,
        ),
        (
            "representative_name",
            e.representative_name.clone(),
            REPRESENTATIVE_NAME_MAX,
        ),
        ("postal_code", e.postal_code.clone(), NUMBER_TEXT_MAX),
        ("address", e.address.clone(), ADDRESS_MAX),
        ("phone", e.phone.clone(), NUMBER_TEXT_MAX),
    ];
    let mut refused: Vec<&str> = Vec::new();
    for (field, raw, max) in &given {
        if !check_text(&mut out, field, raw, false, Some(*max)) {
            refused.push(field);
        }
    }
    let before = out.len();
    if let Some(v) = &n.establishment_number {
        check_grouped(&mut out, "establishment_number", v, "4-6-1");
    }
    if let Some(v) = &n.corporate_number {
        check_corporate_number(&mut out, "corporate_number", v);
    }
    check_required(&mut out, "name", &n.name);
    if check_required(&mut out, "name_kana", &n.name_kana) {
        check_kana(&mut out, "name_kana", &n.name_kana);
    }
    check_required(&mut out, "representative_name", &n.representative_name);
    if check_required(&mut out, "postal_code", &n.postal_code) {
        check_grouped(&mut out, "postal_code", &n.postal_code, "3-4");
    }
    check_required(&mut out, "address", &n.address);
    if check_required(&mut out, "phone", &n.phone) {
        check_phone(&mut out, "phone", &n.phone);
    }
    drop_refused(&mut out, before, &refused);
    (n, out)
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

// ---------------------------------------------------------------------------------------------
// Job offer

/// The offer as validation sees it (see the module docs).
#[must_use]
pub fn normalize_job(j: &JobOffer) -> JobOffer {
    let mut n = j.clone();
    n.establishment = j.establishment.as_ref().map(|l| match l {
        EstablishmentLink::EstablishmentNumber(v) => EstablishmentLink::EstablishmentNumber(
            grouped_number(v, numbers::establishment_number).unwrap_or_else(|raw| raw),
        ),
        EstablishmentLink::SubmissionId(v) => EstablishmentLink::SubmissionId(normalize_line(v)),
    });
    n.title = normalize_line(&j.title);
    n.occupation_code = opt_nonempty(j.occupation_code.as_deref().map(normalize_number_text));
    n.licences = j
        .licences
        .iter()
        .map(|l| normalize_line(l))
        .filter(|l| !l.is_empty())
        .collect();
    n.work_location = j.work_location.as_ref().map(|l| WorkLocation {
        postal_code: grouped_number(&l.postal_code, numbers::postal_code).unwrap_or_else(|raw| raw),
        address: normalize_line(&l.address),
    });
    n.wage.other_text = normalize_line(&j.wage.other_text);
    n.bonus.months = opt_nonempty(j.bonus.months.as_deref().map(normalize_number_text));
    n.insurance.other_text = normalize_line(&j.insurance.other_text);
    n.pr_message = normalize_multiline(&j.pr_message);
    n.note_to_hello_work = normalize_multiline(&j.note_to_hello_work);
    n
}

/// SPEC §5 findings for a job offer (validated after normalisation).
#[must_use]
pub fn validate_job(j: &JobOffer, on: &JobCheck<'_>) -> Vec<Finding> {
    check_job(j, on).1
}

/// Working minutes of one day: 始業 to 終業 (over midnight when the end is earlier) less the
/// shortest break the law requires (45 minutes over 6 hours, 60 over 8).
fn daily_working_minutes(h: &super::job::WorkingHours) -> Option<i64> {
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
fn check_minimum_wage(out: &mut Vec<Finding>, n: &JobOffer, on: &JobCheck<'_>) {
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

/// Lines the PR message needs when laid out 30 characters wide.
#[must_use]
pub fn pr_layout_lines(text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    text.split('\n')
        .map(|l| char_len(l).div_ceil(PR_LINE_WIDTH).max(1))
        .sum()
}

/// Whether `s` is a non-negative decimal with at most `max` decimals; `None` if not a number.
fn decimals_ok(s: &str, max: usize) -> Option<bool> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (s.contains('.') && frac.is_empty()) {
        return None;
    }
    Some(frac.len() <= max)
}

/// The normalised offer and its findings; `on` gives the day and the minimum wage table.
#[must_use]
#[allow(clippy::too_many_lines)] // one flat list of SPEC §5 rules reads best
pub fn check_job(j: &JobOffer, on: &JobCheck<'_>) -> (JobOffer, Vec<Finding>) {
    let n = normalize_job(j);
    let mut out = Vec::new();
    // SPEC §5 at entry, on the values as given: a field refused here gets no other finding.
    let refused = check_job_text(&mut out, j);
    let before = out.len();

    // 1 求人区分等
    if n.category.kind.is_none() {
        out.push(Finding::error("category.kind", rules::REQUIRED, None));
    }
    if n.category.disability_short_time_trial && n.category.kind != Some(JobCategoryKind::Disabled)
    {
        out.push(Finding::warning(
            "category.disability_short_time_trial",
            rules::DISABILITY_TRIAL_MISMATCH,
            None,
        ));
    }
    if n.publication_scope.is_none() {
        out.push(Finding::error("publication_scope", rules::REQUIRED, None));
    }

    // 2 事業所
    match &n.establishment {
        None => out.push(Finding::error("establishment", rules::REQUIRED, None)),
        Some(EstablishmentLink::EstablishmentNumber(v)) => {
            check_grouped(&mut out, "establishment", v, "4-6-1");
        }
        Some(EstablishmentLink::SubmissionId(v)) => {
            check_required(&mut out, "establishment", v);
        }
    }

    // 3 仕事内容
    if check_required(&mut out, "title", &n.title) {
        check_max_len(&mut out, "title", &n.title, TITLE_MAX);
    }
    if let Some(code) = &n.occupation_code
        && !code.chars().all(|c| c.is_ascii_digit() || c == '-')
    {
        out.push(Finding::error(
            "occupation_code",
            rules::FORMAT,
            Some("digits".into()),
        ));
    }
    match n.employment_type {
        None => out.push(Finding::error("employment_type", rules::REQUIRED, None)),
        Some(t) => {
            if t.is_part_time() != n.category.part_time {
                out.push(Finding::warning(
                    "category.part_time",
                    rules::PART_TIME_MISMATCH,
                    None,
                ));
            }
            if t.is_dispatch() && !n.category.dispatch_or_contract {
                out.push(Finding::warning(
                    "category.dispatch_or_contract",
                    rules::DISPATCH_MISMATCH,
                    None,
                ));
            }
        }
    }
    if let Some(loc) = &n.work_location {
        if check_required(&mut out, "work_location.postal_code", &loc.postal_code) {
            check_grouped(
                &mut out,
                "work_location.postal_code",
                &loc.postal_code,
                "3-4",
            );
        }
        check_required(&mut out, "work_location.address", &loc.address);
    }

    // 4 賃金・手当
    match n.wage.kind {
        None => out.push(Finding::error("wage.kind", rules::REQUIRED, None)),
        Some(WageKind::Other) => {
            if check_required(&mut out, "wage.other_text", &n.wage.other_text) {
                check_max_len(
                    &mut out,
                    "wage.other_text",
                    &n.wage.other_text,
                    WAGE_OTHER_MAX,
                );
            }
        }
        Some(_) => {
            if !n.wage.other_text.is_empty() {
                out.push(Finding::warning(
                    "wage.other_text",
                    rules::OTHER_TEXT_UNUSED,
                    None,
                ));
            }
        }
    }
    match n.wage.min {
        None => out.push(Finding::error("wage.min", rules::REQUIRED, None)),
        Some(v) if v <= 0 => out.push(Finding::error("wage.min", rules::NOT_POSITIVE, None)),
        Some(_) => {}
    }
    if let Some(v) = n.wage.max
        && v <= 0
    {
        out.push(Finding::error("wage.max", rules::NOT_POSITIVE, None));
    }
    if let (Some(lo), Some(hi)) = (n.wage.min, n.wage.max)
        && lo > hi
    {
        out.push(Finding::error("wage.min", rules::WAGE_MIN_GT_MAX, None));
    }
    if let Some((low, high)) = n.wage.kind.and_then(usual_wage_range) {
        let param = Some(format!("{low}-{high}"));
        for (field, value) in [("wage.min", n.wage.min), ("wage.max", n.wage.max)] {
            if let Some(v) = value
                && v > 0
                && (v < low || v > high)
            {
                out.push(Finding::warning(field, rules::WAGE_UNUSUAL, param.clone()));
            }
        }
    }
    check_minimum_wage(&mut out, &n, on);
    let b = &n.bonus;
    if b.has_bonus.is_none() {
        // 賞与の有無 is 必須 (seed 004): a payload that does not say is not read as なし.
        out.push(Finding::error("bonus.has_bonus", rules::REQUIRED, None));
    }
    if let Some(m) = &b.months {
        match decimals_ok(m, BONUS_MONTHS_DECIMALS) {
            None => out.push(Finding::error("bonus.months", rules::NOT_A_NUMBER, None)),
            Some(false) => out.push(Finding::error(
                "bonus.months",
                rules::DECIMALS,
                Some(BONUS_MONTHS_DECIMALS.to_string()),
            )),
            Some(true) => {}
        }
    }
    for (field, value) in [
        ("bonus.amount_min", b.amount_min),
        ("bonus.amount_max", b.amount_max),
    ] {
        if let Some(v) = value
            && v <= 0
        {
            out.push(Finding::error(field, rules::NOT_POSITIVE, None));
        }
    }
    if let (Some(lo), Some(hi)) = (b.amount_min, b.amount_max)
        && lo > hi
    {
        out.push(Finding::error(
            "bonus.amount_min",
            rules::BONUS_MIN_GT_MAX,
            None,
        ));
    }
    if b.has_bonus == Some(false)
        && (b.months.is_some() || b.amount_min.is_some() || b.amount_max.is_some())
    {
        out.push(Finding::warning(
            "bonus.has_bonus",
            rules::BONUS_WITHOUT_FLAG,
            None,
        ));
    }

    // 5 労働時間
    let h = &n.hours;
    if h.kind == super::job::WorkingTimeKind::Normal {
        if h.start.is_none() {
            out.push(Finding::error("hours.start", rules::REQUIRED, None));
        }
        if h.end.is_none() {
            out.push(Finding::error("hours.end", rules::REQUIRED, None));
        }
    }
    if let (Some(s), Some(e)) = (h.start, h.end)
        && s == e
    {
        out.push(Finding::error("hours.end", rules::SAME_START_END, None));
    }
    if let Some(v) = h.paid_leave_days {
        check_range(&mut out, "hours.paid_leave_days", v, PAID_LEAVE_RANGE);
    }
    match h.annual_holidays {
        None => out.push(Finding::error(
            "hours.annual_holidays",
            rules::REQUIRED,
            None,
        )),
        Some(v) => check_range(&mut out, "hours.annual_holidays", v, ANNUAL_HOLIDAYS_RANGE),
    }

    // 6 保険・就業規則
    let ins = &n.insurance;
    if ins.kinds.is_empty() {
        out.push(Finding::error(
            "insurance.kinds",
            rules::INSURANCE_NONE,
            None,
        ));
    }
    if ins.kinds.contains(&InsuranceKind::Other) {
        if ins.other_text.is_empty() {
            out.push(Finding::error(
                "insurance.other_text",
                rules::OTHER_TEXT_REQUIRED,
                None,
            ));
        }
    } else if !ins.other_text.is_empty() {
        out.push(Finding::warning(
            "insurance.other_text",
            rules::OTHER_TEXT_UNUSED,
            None,
        ));
    }
    check_max_len(
        &mut out,
        "insurance.other_text",
        &ins.other_text,
        INSURANCE_OTHER_MAX,
    );

    // 7 PR
    let pr_chars = char_len(&n.pr_message);
    if pr_chars > PR_MAX {
        out.push(Finding::error(
            "pr_message",
            rules::TOO_LONG,
            Some(PR_MAX.to_string()),
        ));
    } else if pr_chars >= PR_WARN_AT {
        out.push(Finding::warning(
            "pr_message",
            rules::PR_NEAR_LIMIT,
            Some(PR_MAX.to_string()),
        ));
    }
    if pr_layout_lines(&n.pr_message) > PR_LINES {
        out.push(Finding::error(
            "pr_message",
            rules::PR_TOO_MANY_LINES,
            Some(PR_LINES.to_string()),
        ));
    }

    // 8 選考方法
    match n.hires {
        None => out.push(Finding::error("hires", rules::REQUIRED, None)),
        Some(v) => check_range(&mut out, "hires", v, HIRES_RANGE),
    }

    drop_refused(&mut out, before, &refused);
    (n, out)
}

/// SPEC §5 at entry for every text field of an offer as given; the fields refused.
fn check_job_text(out: &mut Vec<Finding>, j: &JobOffer) -> Vec<&'static str> {
    let link = match &j.establishment {
        Some(EstablishmentLink::EstablishmentNumber(v) | EstablishmentLink::SubmissionId(v)) => {
            v.as_str()
        }
        None => "",
    };
    let (loc_postal, loc_address) = j
        .work_location
        .as_ref()
        .map_or(("", ""), |l| (l.postal_code.as_str(), l.address.as_str()));
    // (field, value, multi-line, cap when the field's own rule has none). その他 texts are
    // capped exactly by their own rule when その他 is chosen (on the normalised text, half-width
    // kana widened); as given, twice that always.
    let given: [(&'static str, &str, bool, Option<usize>); 10] = [
        ("establishment", link, false, Some(LINK_MAX)),
        ("title", &j.title, false, None),
        (
            "occupation_code",
            j.occupation_code.as_deref().unwrap_or(""),
            false,
            Some(NUMBER_TEXT_MAX),
        ),
        (
            "work_location.postal_code",
            loc_postal,
            false,
            Some(NUMBER_TEXT_MAX),
        ),
        (
            "work_location.address",
            loc_address,
            false,
            Some(ADDRESS_MAX),
        ),
        (
            "wage.other_text",
            &j.wage.other_text,
            false,
            Some(2 * WAGE_OTHER_MAX),
        ),
        (
            "bonus.months",
            j.bonus.months.as_deref().unwrap_or(""),
            false,
            Some(NUMBER_TEXT_MAX),
        ),
        (
            "insurance.other_text",
            &j.insurance.other_text,
            false,
            Some(2 * INSURANCE_OTHER_MAX),
        ),
        ("pr_message", &j.pr_message, true, None),
        (
            "note_to_hello_work",
            &j.note_to_hello_work,
            true,
            Some(NOTE_MAX),
        ),
    ];
    let mut refused = Vec::new();
    for (field, raw, multiline, max) in given {
        if !check_text(out, field, raw, multiline, max) {
            refused.push(field);
        }
    }
    if j.licences.len() > LICENCES_MAX {
        out.push(Finding::error(
            "licences",
            rules::TOO_MANY,
            Some(LICENCES_MAX.to_string()),
        ));
        refused.push("licences");
    } else if !j
        .licences
        .iter()
        .all(|l| check_text(out, "licences", l, false, Some(LICENCE_MAX)))
    {
        refused.push("licences");
    }
    refused
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::establishment;
    use crate::domain::job::{self, InsuranceKind, WorkingTimeKind};
    use crate::domain::minwage::MinimumWageTable;
    use chrono::NaiveTime;
    use proptest::prelude::*;

    fn table() -> &'static MinimumWageTable {
        static TABLE: std::sync::OnceLock<MinimumWageTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| MinimumWageTable::bundled().unwrap())
    }

    fn on(date: &str, office_prefecture: Option<u8>) -> JobCheck<'static> {
        JobCheck {
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            minimum_wage: table(),
            office_prefecture,
        }
    }

    /// A day when the bundled table is current, at an office in Tokyo.
    fn spring() -> JobCheck<'static> {
        on("2026-04-01", Some(13))
    }

    fn rules_of(findings: &[Finding]) -> Vec<(&'static str, &'static str)> {
        findings.iter().map(|f| (f.field, f.rule)).collect()
    }

    fn job_with(edit: impl FnOnce(&mut JobOffer)) -> Vec<Finding> {
        let mut j = job::sample();
        edit(&mut j);
        validate_job(&j, &spring())
    }

    fn est_with(edit: impl FnOnce(&mut Establishment)) -> Vec<Finding> {
        let mut e = establishment::sample();
        edit(&mut e);
        validate_establishment(&e)
    }

    #[test]
    fn spec_5_samples_are_valid() {
        assert_eq!(validate_establishment(&establishment::sample()), vec![]);
        assert_eq!(validate_job(&job::sample(), &spring()), vec![]);
    }

    #[test]
    fn spec_5_corporate_check_digit() {
        // 国税庁 7000012050002 (published example).
        assert_eq!(numbers::corporate_check_digit("000012050002"), Some(7));
        assert!(est_with(|e| e.corporate_number = Some("7000012050002".into())).is_empty());
        // The seed's 1234567890123 fails the check digit.
        let f = est_with(|e| e.corporate_number = Some("1234567890123".into()));
        assert_eq!(rules_of(&f), vec![("corporate_number", rules::CHECK_DIGIT)]);
        let f = est_with(|e| e.corporate_number = Some("12345".into()));
        assert_eq!(rules_of(&f), vec![("corporate_number", rules::FORMAT)]);
        // Full-width digits and spaces are normalised.
        let e = establishment::Establishment {
            corporate_number: Some("７ ０００ ０１２ ０５０ ００２".into()),
            ..establishment::sample()
        };
        let (n, f) = check_establishment(&e);
        assert_eq!(n.corporate_number.as_deref(), Some("7000012050002"));
        assert!(f.is_empty());
    }

    #[test]
    fn spec_5_establishment_number_4_6_1() {
        for ok in [
            "1301-999999-9",
            "13019999999",
            "１３０１－９９９９９９－９",
            "1301ー999999ー9",
        ] {
            let e = Establishment {
                establishment_number: Some(ok.into()),
                ..establishment::sample()
            };
            let (n, f) = check_establishment(&e);
            assert!(f.is_empty(), "{ok}: {f:?}");
            assert_eq!(n.establishment_number.as_deref(), Some("1301-999999-9"));
        }
        for bad in [
            "130-1999999-9",
            "1301-99999-9",
            "1301999999",
            "1301-999999-9X",
        ] {
            let f = est_with(|e| e.establishment_number = Some(bad.into()));
            assert_eq!(
                rules_of(&f),
                vec![("establishment_number", rules::FORMAT)],
                "{bad}"
            );
            assert_eq!(f[0].param.as_deref(), Some("4-6-1"));
        }
        // New establishments have none; an empty string counts as none.
        assert!(est_with(|e| e.establishment_number = None).is_empty());
        assert!(est_with(|e| e.establishment_number = Some(" ".into())).is_empty());
    }

    #[test]
    fn spec_5_postal_code_and_phone() {
        let e = Establishment {
            postal_code: "〒１００　０００１".into(),
            phone: "０３（１２３４）５６７８".into(),
            ..establishment::sample()
        };
        let (n, f) = check_establishment(&e);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(n.postal_code, "100-0001");
        assert_eq!(n.phone, "03-1234-5678");
        assert!(est_with(|e| e.phone = "090-1234-5678".into()).is_empty());
        assert!(est_with(|e| e.phone = "0312345678".into()).is_empty());
        let f = est_with(|e| e.phone = "03-1234-567".into());
        assert_eq!(rules_of(&f), vec![("phone", rules::FORMAT)]);
        let f = est_with(|e| e.phone = "03-1234-5678 内線3".into());
        assert_eq!(rules_of(&f), vec![("phone", rules::FORMAT)]);
        let f = est_with(|e| e.postal_code = "1000-000".into());
        assert_eq!(rules_of(&f), vec![("postal_code", rules::FORMAT)]);
        let f = est_with(|e| e.postal_code = String::new());
        assert_eq!(rules_of(&f), vec![("postal_code", rules::REQUIRED)]);
    }

    #[test]
    fn spec_5_kana_names_are_converted_and_checked() {
        let e = Establishment {
            name_kana: "ｶﾌﾞｼｷｶﾞｲｼｬ　はろーわーくけあ".into(),
            ..establishment::sample()
        };
        let (n, f) = check_establishment(&e);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(n.name_kana, "カブシキガイシャ\u{3000}ハローワークケア");
        let e = Establishment {
            name_kana: "  ハロ-ワ-ク   ケア ".into(),
            ..establishment::sample()
        };
        assert_eq!(
            normalize_establishment(&e).name_kana,
            "ハローワーク\u{3000}ケア"
        );
        let f = est_with(|e| e.name_kana = "株式会社ケア".into());
        assert_eq!(rules_of(&f), vec![("name_kana", rules::KANA)]);
        assert_eq!(f[0].param.as_deref(), Some("株"));
        let f = est_with(|e| e.name_kana = "ケア\u{1b}[31m".into());
        assert_eq!(f[0].param.as_deref(), Some("U+001B"));
    }

    #[test]
    fn spec_5_establishment_kana_follows_the_one_kana_rule() {
        for (typed, stored) in [
            ("ジョン・スミス", "ジョン・スミス"),
            ("ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス"),
            ("ｶﾞｷﾞｸﾞ", "ガギグ"),
            ("がぎぐ", "ガギグ"),
            ("ハロ-ワ-ク", "ハローワーク"),
            ("ハロ－ワ‐ク", "ハローワーク"),
        ] {
            let e = Establishment {
                name_kana: typed.into(),
                ..establishment::sample()
            };
            let (n, f) = check_establishment(&e);
            assert!(f.is_empty(), "{typed}: {f:?}");
            assert_eq!(n.name_kana, stored, "{typed}");
            // The same rule as the seeker's kana at the counter.
            assert_eq!(
                crate::domain::kana::normalize_kana(typed).as_deref(),
                Ok(stored)
            );
        }
    }

    #[test]
    fn spec_5_required_establishment_fields() {
        let f = validate_establishment(&Establishment::default());
        assert_eq!(
            rules_of(&f),
            vec![
                ("name", rules::REQUIRED),
                ("name_kana", rules::REQUIRED),
                ("representative_name", rules::REQUIRED),
                ("postal_code", rules::REQUIRED),
                ("address", rules::REQUIRED),
                ("phone", rules::REQUIRED),
            ]
        );
        assert!(has_errors(&f));
    }

    #[test]
    fn spec_5_free_text_is_cleaned_not_rewritten() {
        let e = Establishment {
            name: " ｶﾌﾞｼｷ（株）ＡＢＣ\u{1b}[2J ".into(),
            ..establishment::sample()
        };
        assert_eq!(normalize_establishment(&e).name, "カブシキ（株）ＡＢＣ[2J");
    }

    #[test]
    fn spec_5_required_job_fields() {
        let f = validate_job(&JobOffer::default(), &spring());
        assert_eq!(
            rules_of(&f),
            vec![
                ("category.kind", rules::REQUIRED),
                ("publication_scope", rules::REQUIRED),
                ("establishment", rules::REQUIRED),
                ("title", rules::REQUIRED),
                ("employment_type", rules::REQUIRED),
                ("wage.kind", rules::REQUIRED),
                ("wage.min", rules::REQUIRED),
                ("bonus.has_bonus", rules::REQUIRED),
                ("hours.start", rules::REQUIRED),
                ("hours.end", rules::REQUIRED),
                ("hours.annual_holidays", rules::REQUIRED),
                ("insurance.kinds", rules::INSURANCE_NONE),
                ("hires", rules::REQUIRED),
            ]
        );
    }

    #[test]
    fn spec_5_job_title_at_most_28() {
        assert!(job_with(|j| j.title = "あ".repeat(28)).is_empty());
        let f = job_with(|j| j.title = "あ".repeat(29));
        assert_eq!(rules_of(&f), vec![("title", rules::TOO_LONG)]);
        assert_eq!(f[0].param.as_deref(), Some("28"));
        let f = job_with(|j| j.title = "　".into());
        assert_eq!(rules_of(&f), vec![("title", rules::REQUIRED)]);
    }

    #[test]
    fn spec_5_wage_rules() {
        let f = job_with(|j| {
            j.wage.min = Some(300_000);
            j.wage.max = Some(250_000);
        });
        assert_eq!(rules_of(&f), vec![("wage.min", rules::WAGE_MIN_GT_MAX)]);
        assert_eq!(f[0].severity, Severity::Error);
        assert!(job_with(|j| j.wage.max = None).is_empty());
        assert!(job_with(|j| j.wage.max = Some(220_000)).is_empty());
        let f = job_with(|j| j.wage.min = Some(0));
        assert_eq!(rules_of(&f), vec![("wage.min", rules::NOT_POSITIVE)]);
        let f = job_with(|j| j.wage.kind = Some(WageKind::Other));
        assert_eq!(rules_of(&f), vec![("wage.other_text", rules::REQUIRED)]);
        assert!(
            job_with(|j| {
                j.wage.kind = Some(WageKind::Other);
                j.wage.other_text = "出来高".into();
            })
            .is_empty()
        );
        let f = job_with(|j| {
            j.wage.kind = Some(WageKind::Other);
            j.wage.other_text = "あ".repeat(41);
        });
        assert_eq!(rules_of(&f), vec![("wage.other_text", rules::TOO_LONG)]);
        let f = job_with(|j| j.wage.other_text = "x".into());
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn spec_5_wage_far_from_usual_range_is_a_warning() {
        let f = job_with(|j| {
            j.wage.min = Some(90_000);
            j.wage.max = Some(2_500_000);
        });
        // 90,000 yen a month is also below the minimum wage once divided by the hours.
        assert_eq!(
            rules_of(&f),
            vec![
                ("wage.min", rules::WAGE_UNUSUAL),
                ("wage.max", rules::WAGE_UNUSUAL),
                ("wage.min", rules::MIN_WAGE_CONVERTED)
            ]
        );
        assert!(!has_errors(&f));
        assert_eq!(f[0].param.as_deref(), Some("100000-2000000"));
        let hourly = |min| {
            job_with(move |j| {
                j.wage.kind = Some(WageKind::Hourly);
                j.wage.min = Some(min);
                j.wage.max = None;
            })
        };
        assert!(hourly(1_300).is_empty());
        assert_eq!(
            rules_of(&hourly(800)),
            vec![
                ("wage.min", rules::WAGE_UNUSUAL),
                ("wage.min", rules::MIN_WAGE)
            ]
        );
        assert_eq!(
            rules_of(&hourly(12_000)),
            vec![("wage.min", rules::WAGE_UNUSUAL)]
        );
        let f = job_with(|j| {
            j.wage.kind = Some(WageKind::Other);
            j.wage.other_text = "歩合".into();
            j.wage.min = Some(1);
            j.wage.max = Some(99_999_999);
        });
        assert!(f.is_empty(), "その他 has no usual range: {f:?}");
    }

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

    #[test]
    fn spec_5_bonus_presence_is_required() {
        let f = job_with(|j| j.bonus.has_bonus = None);
        assert_eq!(rules_of(&f), vec![("bonus.has_bonus", rules::REQUIRED)]);
        assert!(has_errors(&f));
        // As it arrives: a payload without 賞与の有無 is an error, false and true are not.
        let mut json = serde_json::to_value(job::sample()).unwrap();
        json["bonus"] = serde_json::json!({"months": null});
        let j: JobOffer = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(
            rules_of(&validate_job(&j, &spring())),
            vec![("bonus.has_bonus", rules::REQUIRED)]
        );
        json["bonus"] = serde_json::json!({"has_bonus": false});
        let j: JobOffer = serde_json::from_value(json).unwrap();
        assert!(validate_job(&j, &spring()).is_empty());
    }

    #[test]
    fn spec_5_bonus_months_at_most_two_decimals() {
        for ok in ["2", "2.5", "2.55", "０.５", "0"] {
            assert!(
                job_with(|j| j.bonus.months = Some(ok.into())).is_empty(),
                "{ok}"
            );
        }
        let f = job_with(|j| j.bonus.months = Some("2.555".into()));
        assert_eq!(rules_of(&f), vec![("bonus.months", rules::DECIMALS)]);
        for bad in ["二", "2.", ".5", "-1", "1e2", "2,5"] {
            let f = job_with(|j| j.bonus.months = Some(bad.into()));
            assert_eq!(
                rules_of(&f),
                vec![("bonus.months", rules::NOT_A_NUMBER)],
                "{bad}"
            );
        }
        let f = job_with(|j| {
            j.bonus.amount_min = Some(700_000);
        });
        assert_eq!(
            rules_of(&f),
            vec![("bonus.amount_min", rules::BONUS_MIN_GT_MAX)]
        );
        let f = job_with(|j| j.bonus.has_bonus = Some(false));
        assert_eq!(
            rules_of(&f),
            vec![("bonus.has_bonus", rules::BONUS_WITHOUT_FLAG)]
        );
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn spec_5_hours_holidays_and_paid_leave() {
        for (v, ok) in [(0, true), (366, true), (367, false), (-1, false)] {
            let f = job_with(|j| {
                j.hours.annual_holidays = Some(v);
                j.wage.min = Some(400_000); // above the minimum wage with no holidays too
                j.wage.max = None;
            });
            assert_eq!(f.is_empty(), ok, "{v}");
            if !ok {
                assert_eq!(
                    rules_of(&f),
                    vec![("hours.annual_holidays", rules::OUT_OF_RANGE)]
                );
                assert_eq!(f[0].param.as_deref(), Some("0-366"));
            }
        }
        for (v, ok) in [(0, true), (40, true), (41, false), (-1, false)] {
            assert_eq!(
                job_with(|j| j.hours.paid_leave_days = Some(v)).is_empty(),
                ok,
                "{v}"
            );
        }
        assert!(job_with(|j| j.hours.paid_leave_days = None).is_empty());
        let f = job_with(|j| j.hours.end = j.hours.start);
        assert_eq!(rules_of(&f), vec![("hours.end", rules::SAME_START_END)]);
        // Night work crosses midnight.
        assert!(
            job_with(|j| {
                j.hours.start = NaiveTime::from_hms_opt(22, 0, 0);
                j.hours.end = NaiveTime::from_hms_opt(6, 0, 0);
            })
            .is_empty()
        );
        // Flex time needs no fixed start/end.
        assert!(
            job_with(|j| {
                j.hours.kind = WorkingTimeKind::Flex;
                j.hours.start = None;
                j.hours.end = None;
            })
            .is_empty()
        );
    }

    #[test]
    fn spec_5_insurance_at_least_one_and_other_text() {
        let f = job_with(|j| j.insurance.kinds.clear());
        assert_eq!(
            rules_of(&f),
            vec![("insurance.kinds", rules::INSURANCE_NONE)]
        );
        let f = job_with(|j| {
            j.insurance.kinds.insert(InsuranceKind::Other);
        });
        assert_eq!(
            rules_of(&f),
            vec![("insurance.other_text", rules::OTHER_TEXT_REQUIRED)]
        );
        assert!(
            job_with(|j| {
                j.insurance.kinds.insert(InsuranceKind::Other);
                j.insurance.other_text = "企業年金基金".into();
            })
            .is_empty()
        );
        let f = job_with(|j| {
            j.insurance.kinds.insert(InsuranceKind::Other);
            j.insurance.other_text = "企業年金基金等".into();
        });
        assert_eq!(
            rules_of(&f),
            vec![("insurance.other_text", rules::TOO_LONG)]
        );
    }

    #[test]
    fn spec_5_pr_message_limits() {
        // 600 characters without a break fill 20 lines of 30 exactly: a warning only.
        let f = job_with(|j| j.pr_message = "あ".repeat(600));
        assert_eq!(rules_of(&f), vec![("pr_message", rules::PR_NEAR_LIMIT)]);
        assert!(!has_errors(&f));
        let f = job_with(|j| j.pr_message = "あ".repeat(539));
        assert!(f.is_empty());
        let f = job_with(|j| j.pr_message = "あ".repeat(540));
        assert_eq!(rules_of(&f), vec![("pr_message", rules::PR_NEAR_LIMIT)]);
        let f = job_with(|j| j.pr_message = "あ".repeat(601));
        assert_eq!(
            rules_of(&f),
            vec![
                ("pr_message", rules::TOO_LONG),
                ("pr_message", rules::PR_TOO_MANY_LINES)
            ]
        );
        // 21 short lines.
        let f = job_with(|j| j.pr_message = ["短い行"; 21].join("\n"));
        assert_eq!(rules_of(&f), vec![("pr_message", rules::PR_TOO_MANY_LINES)]);
        assert!(job_with(|j| j.pr_message = ["短い行"; 20].join("\r\n")).is_empty());
        // A 31-character line takes two lines: 10 of them need 20 lines, 11 need 22.
        let line31 = "あ".repeat(31);
        assert!(job_with(|j| j.pr_message = [line31.as_str(); 10].join("\n")).is_empty());
        let f = job_with(|j| j.pr_message = [line31.as_str(); 11].join("\n"));
        assert_eq!(rules_of(&f), vec![("pr_message", rules::PR_TOO_MANY_LINES)]);
        assert_eq!(pr_layout_lines(""), 0);
        assert_eq!(pr_layout_lines("a\n\nb"), 3);
        // Trailing blank lines and CRLF are normalised away.
        let (n, _) = check_job(
            &JobOffer {
                pr_message: "一行目  \r\n二行目\r\n\r\n".into(),
                ..job::sample()
            },
            &spring(),
        );
        assert_eq!(n.pr_message, "一行目\n二行目");
    }

    #[test]
    fn spec_5_hires_1_to_999() {
        for (v, ok) in [(1, true), (999, true), (0, false), (1000, false)] {
            assert_eq!(job_with(|j| j.hires = Some(v)).is_empty(), ok, "{v}");
        }
    }

    #[test]
    fn spec_5_establishment_link_and_work_location() {
        let f = job_with(|j| {
            j.establishment = Some(job::EstablishmentLink::EstablishmentNumber("1301".into()));
        });
        assert_eq!(rules_of(&f), vec![("establishment", rules::FORMAT)]);
        assert!(
            job_with(|j| {
                j.establishment = Some(job::EstablishmentLink::SubmissionId("sub-1".into()));
            })
            .is_empty()
        );
        let f = job_with(|j| {
            j.work_location = Some(job::WorkLocation {
                postal_code: "１００－０００１".into(),
                address: String::new(),
            });
        });
        assert_eq!(
            rules_of(&f),
            vec![("work_location.address", rules::REQUIRED)]
        );
    }

    #[test]
    fn spec_5_category_consistency_warnings() {
        let f = job_with(|j| j.employment_type = Some(job::EmploymentType::PartTime));
        assert_eq!(
            rules_of(&f),
            vec![("category.part_time", rules::PART_TIME_MISMATCH)]
        );
        let f = job_with(|j| j.employment_type = Some(job::EmploymentType::FixedTermDispatch));
        assert_eq!(
            rules_of(&f),
            vec![("category.dispatch_or_contract", rules::DISPATCH_MISMATCH)]
        );
        let f = job_with(|j| j.category.disability_short_time_trial = true);
        assert_eq!(
            rules_of(&f),
            vec![(
                "category.disability_short_time_trial",
                rules::DISABILITY_TRIAL_MISMATCH
            )]
        );
        assert!(f.iter().all(|x| x.severity == Severity::Warning));
    }

    proptest! {
        #[test]
        fn spec_5_establishment_validation_never_panics(
            num in proptest::option::of(".*"),
            corp in proptest::option::of("[0-9０-９ー\\-]{0,16}"),
            name in ".*",
            kana in ".*",
            postal in ".*",
            phone in "[0-9０-９()（）\\- ]{0,16}|.*",
        ) {
            let e = Establishment {
                establishment_number: num,
                corporate_number: corp,
                name,
                name_kana: kana,
                postal_code: postal,
                phone,
                ..Establishment::default()
            };
            let (n, _) = check_establishment(&e);
            // Normalisation is idempotent.
            prop_assert_eq!(normalize_establishment(&n), n);
        }

        #[test]
        fn spec_5_job_validation_never_panics(
            title in ".*",
            other in ".*",
            months in proptest::option::of("[0-9.０-９]{0,6}|.*"),
            min in proptest::option::of(any::<i64>()),
            max in proptest::option::of(any::<i64>()),
            holidays in proptest::option::of(any::<i64>()),
            leave in proptest::option::of(any::<i64>()),
            hires in proptest::option::of(any::<i64>()),
            pr in ".*",
            note in ".*",
        ) {
            let mut j = job::sample();
            j.title = title;
            j.wage.other_text = other.clone();
            j.insurance.other_text = other;
            j.bonus.months = months;
            j.wage.min = min;
            j.wage.max = max;
            j.bonus.amount_min = max;
            j.hours.annual_holidays = holidays;
            j.hours.paid_leave_days = leave;
            j.hires = hires;
            j.pr_message = pr;
            j.note_to_hello_work = note;
            let (n, _) = check_job(&j, &spring());
            prop_assert_eq!(normalize_job(&n), n);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod hostile_text {
    use super::*;
    use crate::domain::establishment;
    use crate::domain::job::{self, WorkLocation};
    use crate::domain::minwage::MinimumWageTable;

    /// Control characters (C0, DEL, C1) and bidi overrides, embeddings and isolates.
    const HOSTILE: [char; 12] = [
        '\u{0}', '\u{1B}', '\u{7}', '\t', '\u{7F}', '\u{85}', '\u{9B}', '\u{202A}', '\u{202E}',
        '\u{2066}', '\u{2069}', '\u{200F}',
    ];

    fn on() -> JobCheck<'static> {
        static T: std::sync::OnceLock<MinimumWageTable> = std::sync::OnceLock::new();
        JobCheck {
            date: NaiveDate::from_ymd_opt(2026, 4, 6).unwrap(),
            minimum_wage: T.get_or_init(|| MinimumWageTable::bundled().unwrap()),
            office_prefecture: Some(13),
        }
    }

    fn refused(findings: &[Finding], field: &str, c: char) -> bool {
        let code = text::char_code(c);
        findings.iter().any(|f| {
            f.field == field
                && f.rule == rules::CONTROL_CHAR
                && f.severity == Severity::Error
                && f.param.as_deref() == Some(code.as_str())
        })
    }

    type EstEdit = fn(&mut Establishment, String);
    const EST_FIELDS: [(&str, EstEdit); 9] = [
        ("establishment_number", |e, v| {
            e.establishment_number = Some(v)
        }),
        ("corporate_number", |e, v| e.corporate_number = Some(v)),
        ("name", |e, v| e.name = v),
        ("name_kana", |e, v| e.name_kana = v),
        ("representative_title", |e, v| e.representative_title = v),
        ("representative_name", |e, v| e.representative_name = v),
        ("postal_code", |e, v| e.postal_code = v),
        ("address", |e, v| e.address = v),
        ("phone", |e, v| e.phone = v),
    ];

    type JobEdit = fn(&mut JobOffer, String);
    const JOB_FIELDS: [(&str, JobEdit); 11] = [
        ("establishment", |j, v| {
            j.establishment = Some(job::EstablishmentLink::SubmissionId(v));
        }),
        ("title", |j, v| j.title = v),
        ("occupation_code", |j, v| j.occupation_code = Some(v)),
        ("licences", |j, v| j.licences = vec![v]),
        ("work_location.postal_code", |j, v| {
            j.work_location = Some(WorkLocation {
                postal_code: v,
                address: "東京都千代田区".into(),
            });
        }),
        ("work_location.address", |j, v| {
            j.work_location = Some(WorkLocation {
                postal_code: "102-0072".into(),
                address: v,
            });
        }),
        ("wage.other_text", |j, v| j.wage.other_text = v),
        ("bonus.months", |j, v| j.bonus.months = Some(v)),
        ("insurance.other_text", |j, v| j.insurance.other_text = v),
        ("pr_message", |j, v| j.pr_message = v),
        ("note_to_hello_work", |j, v| j.note_to_hello_work = v),
    ];

    #[test]
    fn spec_5_every_establishment_field_refuses_control_and_bidi_characters() {
        for (field, set) in EST_FIELDS {
            for c in HOSTILE {
                let mut e = establishment::sample();
                set(&mut e, format!("12{c}34"));
                let f = validate_establishment(&e);
                assert!(refused(&f, field, c), "{field} {c:?}: {f:?}");
                // Told once: no second finding about the same field.
                assert_eq!(
                    f.iter().filter(|x| x.field == field).count(),
                    1,
                    "{field}: {f:?}"
                );
            }
        }
    }

    #[test]
    fn spec_5_every_job_field_refuses_control_and_bidi_characters() {
        for (field, set) in JOB_FIELDS {
            for c in HOSTILE {
                let mut j = job::sample();
                set(&mut j, format!("12{c}34"));
                let f = validate_job(&j, &on());
                assert!(refused(&f, field, c), "{field} {c:?}: {f:?}");
            }
        }
    }

    #[test]
    fn spec_5_multi_line_fields_keep_line_breaks_only() {
        for field in ["pr_message", "note_to_hello_work"] {
            let set = JOB_FIELDS.iter().find(|(f, _)| *f == field).unwrap().1;
            let mut j = job::sample();
            set(&mut j, "一行目\n二行目\r\n三行目".into());
            let f = validate_job(&j, &on());
            assert!(
                !f.iter().any(|x| x.rule == rules::CONTROL_CHAR),
                "{field}: {f:?}"
            );
        }
        let mut e = establishment::sample();
        e.address = "東京都\n千代田区".into();
        assert!(refused(&validate_establishment(&e), "address", '\n'));
    }

    #[test]
    fn spec_5_every_text_field_is_capped() {
        let long = "あ".repeat(10_000);
        for (field, set) in EST_FIELDS {
            let mut e = establishment::sample();
            set(&mut e, long.clone());
            let f = validate_establishment(&e);
            assert!(
                f.iter().any(|x| x.field == field
                    && x.rule == rules::TOO_LONG
                    && x.severity == Severity::Error),
                "{field}: {f:?}"
            );
        }
        for (field, set) in JOB_FIELDS {
            let mut j = job::sample();
            set(&mut j, long.clone());
            let f = validate_job(&j, &on());
            assert!(
                f.iter()
                    .any(|x| x.field == field && x.severity == Severity::Error),
                "{field}: {f:?}"
            );
        }
        // At the cap: taken.
        let mut e = establishment::sample();
        e.name = "あ".repeat(ESTABLISHMENT_NAME_MAX);
        assert!(!validate_establishment(&e).iter().any(|x| x.field == "name"));
        e.name.push('あ');
        assert!(
            validate_establishment(&e)
                .iter()
                .any(|x| x.field == "name" && x.rule == rules::TOO_LONG)
        );
        // A list has a cap on its length too.
        let mut j = job::sample();
        j.licences = vec!["普通自動車免許".into(); LICENCES_MAX + 1];
        assert!(
            validate_job(&j, &on())
                .iter()
                .any(|x| x.field == "licences" && x.rule == rules::TOO_MANY)
        );
    }
}
