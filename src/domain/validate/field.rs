//! One value at a time: the normalisation every field gets before its rules (numbers, phone,
//! kana, single- and multi-line free text; see `domain::validate`) and the checks the
//! establishment and job offer rules share (required, length, range, shapes, kana), including
//! the check at entry on the value as given ([`check_text`]).

use unicode_normalization::UnicodeNormalization;

use super::{Finding, rules};
use crate::domain::{kana, numbers, text};

/// NFKC, hyphen-likes to `-`, whitespace and a leading 〒 dropped.
pub(super) fn normalize_number_text(input: &str) -> String {
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
pub(super) fn grouped_number(
    input: &str,
    parse: fn(&str) -> Result<String, numbers::NumberError>,
) -> Result<String, String> {
    parse(input).map_err(|_| normalize_number_text(input))
}

/// Phone: digits and hyphens (parentheses count as hyphens); 10 or 11 digits.
pub(super) fn normalize_phone(input: &str) -> String {
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
pub(super) fn widen_halfwidth_kana(input: &str) -> String {
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
pub(super) fn normalize_line(input: &str) -> String {
    let cleaned: String = input.chars().filter(|c| !c.is_control()).collect();
    widen_halfwidth_kana(cleaned.trim())
}

/// Multi-line free text: CRLF/CR to LF, tabs to a space, other controls removed, trailing
/// spaces of each line and surrounding blank lines dropped.
pub(super) fn normalize_multiline(input: &str) -> String {
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

pub(super) fn printable(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        c.to_string()
    }
}

pub(super) fn char_len(s: &str) -> usize {
    s.chars().count()
}

pub(super) fn opt_nonempty(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.is_empty())
}

pub(super) fn check_required(out: &mut Vec<Finding>, field: &'static str, value: &str) -> bool {
    if value.is_empty() {
        out.push(Finding::error(field, rules::REQUIRED, None));
        false
    } else {
        true
    }
}

pub(super) fn check_max_len(out: &mut Vec<Finding>, field: &'static str, value: &str, max: usize) {
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
pub(super) fn check_text(
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

pub(super) fn check_range(
    out: &mut Vec<Finding>,
    field: &'static str,
    value: i64,
    (low, high): (i64, i64),
) {
    if value < low || value > high {
        out.push(Finding::error(
            field,
            rules::OUT_OF_RANGE,
            Some(format!("{low}-{high}")),
        ));
    }
}

pub(super) fn check_grouped(out: &mut Vec<Finding>, field: &'static str, value: &str, shape: &str) {
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

pub(super) fn check_kana(out: &mut Vec<Finding>, field: &'static str, value: &str) {
    if let Some(c) = kana::first_not_allowed(value) {
        out.push(Finding::error(field, rules::KANA, Some(printable(c))));
    }
}

pub(super) fn check_corporate_number(out: &mut Vec<Finding>, field: &'static str, value: &str) {
    match numbers::corporate_number(value) {
        Ok(_) => {}
        Err(numbers::NumberError::CheckDigit) => {
            out.push(Finding::error(field, rules::CHECK_DIGIT, None));
        }
        Err(_) => out.push(Finding::error(field, rules::FORMAT, Some("13".into()))),
    }
}

pub(super) fn check_phone(out: &mut Vec<Finding>, field: &'static str, value: &str) {
    let ok = value.chars().all(|c| c.is_ascii_digit() || c == '-')
        && matches!(value.chars().filter(char::is_ascii_digit).count(), 10 | 11);
    if !ok {
        out.push(Finding::error(field, rules::FORMAT, Some("10-11".into())));
    }
}
