//! The pieces of FTS5 query a filtered page asks the search index: the expression for "some
//! indexed value contains this text" ([`contains`], [`either`]) and the rowids that match it
//! in a range of a table.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};

use super::index::Table;
use super::rowid;
use crate::storage::Result;

/// At most this many trigrams of a filter are asked for (the rarest).
const MAX_TERMS: usize = 3;

/// A text's part of an FTS5 query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// No indexed row can contain it.
    Nothing,
    /// The index cannot narrow it down (empty, or a 1–2-character text that begins too many
    /// trigrams): every row may match.
    Anything,
    /// An FTS5 expression that every row containing the text matches, and about how many rows
    /// it matches (from the trigram counts, taken as independent).
    Expr(String, i64),
}

/// FTS5 string literal (nothing inside is query syntax).
#[must_use]
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The smallest string greater than every string that starts with `s` (None: no such bound).
#[must_use]
pub fn prefix_end(s: &str) -> Option<String> {
    let mut cs: Vec<char> = s.chars().collect();
    while let Some(last) = cs.pop() {
        let mut n = u32::from(last) + 1;
        if (0xD800..0xE000).contains(&n) {
            n = 0xE000;
        }
        if let Some(c) = char::from_u32(n) {
            cs.push(c);
            return Some(cs.into_iter().collect());
        }
    }
    None
}

/// The index expression for "some indexed value contains `text`" (case folded like LIKE),
/// asking `queue_search_grams` for 1–2-character texts (at most `max_grams` trigrams).
///
/// # Errors
/// On SQLite failure.
pub fn contains(conn: &Connection, text: &str, max_grams: usize) -> Result<Text> {
    let lower: Vec<char> = text
        .chars()
        .filter(|c| *c != '\0')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if lower.is_empty() {
        return Ok(Text::Anything);
    }
    if lower.len() >= 3 {
        let mut seen = HashSet::new();
        let mut freq = conn.prepare_cached("SELECT n FROM queue_search_grams WHERE gram = ?1")?;
        let mut terms: Vec<(i64, String)> = Vec::new();
        for g in lower.windows(3).map(|w| w.iter().collect::<String>()) {
            if !seen.insert(g.clone()) {
                continue;
            }
            match freq.query_row([&g], |r| r.get::<_, i64>(0)).optional()? {
                // Never indexed: no indexed row holds the text.
                None => return Ok(Text::Nothing),
                Some(n) => terms.push((n, g)),
            }
        }
        terms.sort();
        // Rows with all of the asked trigrams, were they independent: a guess, not a bound.
        let rows: i64 = conn
            .prepare_cached("SELECT max(upto, 1) FROM queue_search_state WHERE id = 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(1);
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
        let most = terms
            .iter()
            .take(MAX_TERMS)
            .enumerate()
            .fold(0.0_f64, |acc, (i, (n, _))| {
                if i == 0 {
                    *n as f64
                } else {
                    acc * (*n as f64 / rows as f64).min(1.0)
                }
            }) as i64;
        let terms: Vec<String> = terms
            .iter()
            .take(MAX_TERMS)
            .map(|(_, g)| quote(g))
            .collect();
        return Ok(Text::Expr(format!("({})", terms.join(" AND ")), most));
    }
    let prefix: String = lower.iter().collect();
    let end = prefix_end(&prefix);
    let cap = i64::try_from(max_grams).unwrap_or(i64::MAX - 1) + 1;
    let grams: Vec<(String, i64)> = match &end {
        Some(end) => conn
            .prepare_cached(
                "SELECT gram, n FROM queue_search_grams WHERE gram >= ?1 AND gram < ?2 ORDER BY gram LIMIT ?3",
            )?
            .query_map(params![prefix, end, cap], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?,
        None => conn
            .prepare_cached(
                "SELECT gram, n FROM queue_search_grams WHERE gram >= ?1 ORDER BY gram LIMIT ?2",
            )?
            .query_map(params![prefix, cap], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?,
    };
    if grams.len() > max_grams {
        return Ok(Text::Anything);
    }
    if grams.is_empty() {
        return Ok(Text::Nothing);
    }
    let most = grams.iter().map(|(_, n)| n).sum();
    let terms: Vec<String> = grams.iter().map(|(g, _)| quote(g)).collect();
    Ok(Text::Expr(format!("({})", terms.join(" OR ")), most))
}

/// `a OR b` of two text parts.
#[must_use]
pub fn either(a: Text, b: Text) -> Text {
    match (a, b) {
        (Text::Anything, _) | (_, Text::Anything) => Text::Anything,
        (Text::Nothing, x) | (x, Text::Nothing) => x,
        (Text::Expr(a, n), Text::Expr(b, _)) if a == b => Text::Expr(a, n),
        (Text::Expr(a, n), Text::Expr(b, m)) => Text::Expr(format!("{a} OR {b}"), n + m),
    }
}

/// The first `want` rowids of `table` in `[lo, hi)` that match `expr` and whose submission id
/// `keep` accepts, in rowid order. Only the index is read (no row), and it stops there.
///
/// # Errors
/// On SQLite failure.
pub fn first_rowids(
    conn: &Connection,
    table: Table,
    expr: &str,
    (lo, hi): (i64, i64),
    want: usize,
    keep: impl Fn(i64) -> bool,
) -> Result<Vec<i64>> {
    let t = table.name();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT rowid FROM {t} WHERE {t} MATCH ?1 AND rowid >= ?2 AND rowid < ?3"
    ))?;
    let mut rows = stmt.query(params![expr, lo, hi])?;
    let mut out = Vec::new();
    while out.len() < want {
        let Some(r) = rows.next()? else { break };
        let rowid: i64 = r.get(0)?;
        if keep(rowid & rowid::ID_MASK) {
            out.push(rowid);
        }
    }
    Ok(out)
}

/// The rowids of `table` in several rowid ranges that match `expr`, at most `cap` + 1 in all.
///
/// # Errors
/// On SQLite failure.
pub fn rowids_in(
    conn: &Connection,
    table: Table,
    expr: &str,
    ranges: &[(i64, i64)],
    cap: usize,
) -> Result<Vec<i64>> {
    let t = table.name();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT rowid FROM {t} WHERE {t} MATCH ?1 AND rowid >= ?2 AND rowid < ?3 LIMIT ?4"
    ))?;
    let mut out = Vec::new();
    for (lo, hi) in ranges {
        if out.len() > cap {
            break;
        }
        let left = i64::try_from(cap - out.len()).unwrap_or(i64::MAX - 1) + 1;
        let rows = stmt.query_map(params![expr, lo, hi, left], |r| r.get(0))?;
        for r in rows {
            out.push(r?);
        }
    }
    Ok(out)
}

/// An expression that matches no row in practice (three of a private-use character the index
/// does not use). Were a value to hold them, its row would only be checked with the LIKE.
pub const NO_ROW: &str = "\"\u{E001}\u{E001}\u{E001}\"";

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_steps_the_last_character() {
        assert_eq!(prefix_end("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_end("商").as_deref(), Some("啇"));
        assert_eq!(prefix_end("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
    }
}
