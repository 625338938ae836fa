//! Text from outside (imports, mail replies, typed input) made safe for the terminal (SPEC §5),
//! and display-width helpers for laying Japanese text out in terminal columns.
//!
//! [`sanitize`] guarantees that its output contains no C0 or C1 control character and no DEL,
//! except `\n` when line breaks are kept: nothing it returns can move the cursor, change colours,
//! set the window title or talk to the terminal.

use std::fmt::Write as _;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

const ESC: char = '\u{1B}';
const BEL: char = '\u{07}';
/// 8-bit String Terminator.
const ST8: char = '\u{9C}';
const REPLACEMENT: char = '\u{FFFD}';

/// Invisible characters that reorder or hide text: bidi embeddings/overrides U+202A..=U+202E,
/// isolates U+2066..=U+2069, the marks LRM/RLM/ALM, zero-width space/joiners U+200B..=U+200D and
/// the BOM / zero-width no-break space U+FEFF. They are removed.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200B}'..='\u{200D}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{FEFF}'
    )
}

/// SPEC §5: the first character that no text field takes at entry (keyboard forms and imports
/// alike), if any: every C0 control (a multi-line field keeps its line breaks, LF and the CR of
/// CR LF; a tab is refused too), DEL, every C1 control, and the bidirectional embeddings,
/// overrides and isolates U+202A..=U+202E, U+2066..=U+2069 with the marks LRM, RLM and ALM.
/// Such text is refused with the field named, never stored cleaned.
#[must_use]
pub fn forbidden_char(s: &str, multiline: bool) -> Option<char> {
    s.chars().find(|&c| match c {
        '\n' | '\r' => !multiline,
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => true,
        c => c.is_control(),
    })
}

/// How an error names a character it refuses: `U+001B`.
#[must_use]
pub fn char_code(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// What kind of control string an introducer opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StringKind {
    /// OSC: ends with BEL or ST.
    Osc,
    /// DCS, SOS, PM, APC: end with ST only.
    Other,
}

/// Index just past the final byte of a CSI whose parameters start at `i`, or `None` when the
/// sequence is not complete (ends early or meets a character that cannot be part of it).
fn csi_end(chars: &[char], mut i: usize) -> Option<usize> {
    // Parameter bytes 0x30..=0x3F and intermediate bytes 0x20..=0x2F.
    while i < chars.len() && ('\u{20}'..='\u{3F}').contains(&chars[i]) {
        i += 1;
    }
    match chars.get(i) {
        Some(c) if ('\u{40}'..='\u{7E}').contains(c) => Some(i + 1),
        _ => None,
    }
}

/// Index just past the terminator of a control string whose body starts at `i`, or `None` when
/// no terminator comes before the end or before another control character.
fn string_end(chars: &[char], mut i: usize, kind: StringKind) -> Option<usize> {
    while i < chars.len() {
        let c = chars[i];
        if c == ST8 || (c == BEL && kind == StringKind::Osc) {
            return Some(i + 1);
        }
        if c == ESC {
            return (chars.get(i + 1) == Some(&'\\')).then_some(i + 2);
        }
        if c.is_control() {
            return None;
        }
        i += 1;
    }
    None
}

/// Index just past an escape sequence starting with ESC at `i`, or `None` when it is not a
/// complete sequence.
fn escape_end(chars: &[char], i: usize) -> Option<usize> {
    let next = *chars.get(i + 1)?;
    match next {
        '[' => csi_end(chars, i + 2),
        ']' => string_end(chars, i + 2, StringKind::Osc),
        'P' | 'X' | '^' | '_' => string_end(chars, i + 2, StringKind::Other),
        // nF sequences such as ESC ( B: intermediates 0x20..=0x2F then a final 0x30..=0x7E.
        '\u{20}'..='\u{2F}' => {
            let mut j = i + 1;
            while j < chars.len() && ('\u{20}'..='\u{2F}').contains(&chars[j]) {
                j += 1;
            }
            match chars.get(j) {
                Some(c) if ('\u{30}'..='\u{7E}').contains(c) => Some(j + 1),
                _ => None,
            }
        }
        // Two-character sequences: ESC 7, ESC c, ESC M, …
        '\u{30}'..='\u{7E}' => Some(i + 2),
        _ => None,
    }
}

/// Index just past a sequence opened by an 8-bit C1 introducer at `i`, or `None` when the
/// character does not open one or the sequence is not complete.
fn c1_sequence_end(chars: &[char], i: usize) -> Option<usize> {
    match chars[i] {
        '\u{9B}' => csi_end(chars, i + 1),
        '\u{9D}' => string_end(chars, i + 1, StringKind::Osc),
        '\u{90}' | '\u{98}' | '\u{9E}' | '\u{9F}' => string_end(chars, i + 1, StringKind::Other),
        _ => None,
    }
}

/// Makes outside text safe to write to the terminal (SPEC §5):
/// - complete escape sequences are removed: CSI (`ESC [` … final byte), OSC (`ESC ]` … BEL/ST),
///   DCS/SOS/PM/APC (`ESC P|X|^|_` … ST), nF and two-character `ESC x` sequences, and their 8-bit
///   C1 forms (U+009B CSI, U+009D OSC, U+0090 DCS, …);
/// - an incomplete sequence loses only its introducer, which becomes U+FFFD; the rest is text;
/// - every other C0/C1 control and DEL becomes U+FFFD;
/// - a tab becomes one space;
/// - CR LF, CR, LF, U+2028 and U+2029 become `\n` when `keep_newlines`, else one space;
/// - bidi overrides/isolates/marks and zero-width characters are removed.
#[must_use]
pub fn sanitize(input: &str, keep_newlines: bool) -> String {
    let chars: Vec<char> = input.chars().collect();
    let newline = if keep_newlines { '\n' } else { ' ' };
    let mut out = String::with_capacity(input.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ESC | '\u{80}'..='\u{9F}' => {
                let end = if c == ESC {
                    escape_end(&chars, i)
                } else {
                    c1_sequence_end(&chars, i)
                };
                if let Some(end) = end {
                    // A complete sequence: dropped as a whole.
                    i = end;
                } else {
                    // Not a sequence: only the introducer goes, the rest is read as text.
                    out.push(REPLACEMENT);
                    i += 1;
                }
            }
            '\r' => {
                out.push(newline);
                i += if chars.get(i + 1) == Some(&'\n') {
                    2
                } else {
                    1
                };
            }
            '\n' | '\u{2028}' | '\u{2029}' => {
                out.push(newline);
                i += 1;
            }
            '\t' => {
                out.push(' ');
                i += 1;
            }
            _ if c.is_control() => {
                out.push(REPLACEMENT);
                i += 1;
            }
            _ if is_invisible_format(c) => i += 1,
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// A command's output line made safe at the terminal boundary (SPEC §5): [`sanitize`] keeping
/// line breaks and the tabs that separate a listing's columns. Every value from data is
/// already cleaned where it is formatted (a tab in it became a space); this catches the one
/// that was not. Idempotent, like [`sanitize`].
#[must_use]
pub fn terminal_line(line: &str) -> String {
    if !line
        .chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || is_invisible_format(c))
    {
        return line.to_string();
    }
    line.split('\t')
        .map(|part| sanitize(part, true))
        .collect::<Vec<_>>()
        .join("\t")
}

/// JSON text made safe for the terminal without changing what it says (SPEC §5): every control
/// character but the line break, DEL, the C1 controls and the invisible characters [`sanitize`]
/// removes (bidi overrides, isolates, marks, zero-width characters) are written as `\uXXXX`
/// escapes. `serde_json` escapes C0 controls inside strings but writes C1 controls and bidi
/// overrides as they are; the JSON reads back to the same value. For JSON this program wrote
/// (outside strings it holds no such character).
#[must_use]
pub fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if (c.is_control() && c != '\n') || is_invisible_format(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Terminal columns a grapheme takes (CJK and full-width forms 2, most others 1, marks 0).
fn grapheme_width(g: &str) -> usize {
    UnicodeWidthStr::width(g)
}

/// Terminal columns `s` takes, measured like [`truncate_to_width`] and [`pad_to_width`] do.
#[must_use]
pub fn display_width(s: &str) -> usize {
    s.graphemes(true).map(grapheme_width).sum()
}

/// The longest prefix of `s` that fits in `width` columns. A grapheme is never split; when a
/// double-width character would overflow the last column, a space fills that column instead, so
/// a truncated result is exactly `width` columns. A string that fits is returned unchanged.
#[must_use]
pub fn truncate_to_width(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = grapheme_width(g);
        if used + w > width {
            out.extend(std::iter::repeat_n(' ', width - used));
            return out;
        }
        out.push_str(g);
        used += w;
    }
    out
}

/// `s` laid out in exactly `width` columns: truncated like [`truncate_to_width`], then padded
/// with spaces on the right.
#[must_use]
pub fn pad_to_width(s: &str, width: usize) -> String {
    let mut out = truncate_to_width(s, width);
    let used = display_width(&out);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn clean(s: &str) -> String {
        sanitize(s, false)
    }

    #[test]
    fn spec_5_plain_japanese_text_unchanged() {
        assert_eq!(
            clean("山田太郎様、ご応募ありがとうございます。"),
            "山田太郎様、ご応募ありがとうございます。"
        );
        assert_eq!(clean("ﾊﾛｰﾜｰｸ ＡＢＣ 123"), "ﾊﾛｰﾜｰｸ ＡＢＣ 123");
    }

    #[test]
    fn spec_5_csi_sequences_are_stripped() {
        assert_eq!(clean("\u{1b}[31m赤\u{1b}[0m"), "赤");
        assert_eq!(clean("a\u{1b}[2J\u{1b}[Hb"), "ab");
        assert_eq!(clean("x\u{1b}[?1049hy"), "xy");
        assert_eq!(clean("x\u{1b}[38;5;196mY"), "xY");
        assert_eq!(clean("x\u{1b}[1 qy"), "xy");
    }

    #[test]
    fn spec_5_osc_and_string_sequences_are_stripped() {
        // Window title, terminated by BEL and by ST.
        assert_eq!(clean("a\u{1b}]0;pwned\u{07}b"), "ab");
        assert_eq!(clean("a\u{1b}]0;pwned\u{1b}\\b"), "ab");
        // OSC 8 hyperlink around text.
        assert_eq!(
            clean("\u{1b}]8;;http://evil/\u{1b}\\リンク\u{1b}]8;;\u{1b}\\"),
            "リンク"
        );
        // OSC 52 clipboard write.
        assert_eq!(clean("\u{1b}]52;c;ZXZpbA==\u{07}ok"), "ok");
        assert_eq!(clean("a\u{1b}Pq#0;2;0;0;0\u{1b}\\b"), "ab");
        assert_eq!(clean("a\u{1b}_apc\u{1b}\\b"), "ab");
        assert_eq!(clean("a\u{1b}^pm\u{1b}\\b"), "ab");
        assert_eq!(clean("a\u{1b}Xsos\u{1b}\\b"), "ab");
        // BEL does not end a DCS.
        assert_eq!(clean("a\u{1b}Pdata\u{07}b"), "a\u{FFFD}Pdata\u{FFFD}b");
    }

    #[test]
    fn spec_5_short_escape_sequences_are_stripped() {
        assert_eq!(clean("a\u{1b}cb"), "ab");
        assert_eq!(clean("a\u{1b}7b\u{1b}8c"), "abc");
        assert_eq!(clean("a\u{1b}(Bb"), "ab");
        assert_eq!(clean("a\u{1b}#8b"), "ab");
    }

    #[test]
    fn spec_5_c1_forms_are_stripped() {
        assert_eq!(clean("a\u{9b}31mb"), "ab");
        assert_eq!(clean("a\u{9d}0;title\u{9c}b"), "ab");
        assert_eq!(clean("a\u{9d}0;title\u{07}b"), "ab");
        assert_eq!(clean("a\u{90}dcs\u{9c}b"), "ab");
        assert_eq!(clean("a\u{85}b"), "a\u{FFFD}b");
        assert_eq!(clean("a\u{9c}b"), "a\u{FFFD}b");
    }

    #[test]
    fn spec_5_incomplete_sequences_lose_their_introducer() {
        assert_eq!(clean("a\u{1b}"), "a\u{FFFD}");
        assert_eq!(clean("a\u{1b}[31"), "a\u{FFFD}[31");
        assert_eq!(clean("a\u{1b}]0;title"), "a\u{FFFD}]0;title");
        assert_eq!(clean("a\u{1b}[3\u{1b}[0mb"), "a\u{FFFD}[3b");
        assert_eq!(clean("a\u{1b}é"), "a\u{FFFD}é");
        assert_eq!(clean("a\u{9b}"), "a\u{FFFD}");
    }

    #[test]
    fn spec_5_other_controls_replaced() {
        assert_eq!(
            clean("a\u{0}b\u{7}c\u{8}d\u{7f}e"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e"
        );
        assert_eq!(clean("a\tb"), "a b");
    }

    #[test]
    fn spec_5_line_breaks() {
        assert_eq!(
            sanitize("一行目\r\n二行目\r三行目\n四", false),
            "一行目 二行目 三行目 四"
        );
        assert_eq!(
            sanitize("一行目\r\n二行目\r三行目\n四", true),
            "一行目\n二行目\n三行目\n四"
        );
        assert_eq!(sanitize("a\r\n\r\nb", true), "a\n\nb");
        assert_eq!(sanitize("a\u{2028}b", true), "a\nb");
        assert_eq!(sanitize("a\u{2029}b", false), "a b");
    }

    #[test]
    fn spec_5_bidi_and_zero_width_removed() {
        assert_eq!(clean("abc\u{202E}fdp.exe"), "abcfdp.exe");
        assert_eq!(clean("a\u{2066}b\u{2069}c"), "abc");
        assert_eq!(clean("ta\u{200B}ro\u{200D}\u{FEFF}"), "taro");
        assert_eq!(clean("a\u{200F}b"), "ab");
    }

    #[test]
    fn spec_5_terminal_lines_keep_tabs_and_line_breaks_only() {
        assert_eq!(terminal_line("a\tb\n"), "a\tb\n");
        assert_eq!(
            terminal_line("名前\u{1b}[31m赤\t\u{202e}x\u{9b}2J\ty\r\n"),
            "名前赤\tx\ty\n"
        );
        assert_eq!(terminal_line("\u{1b}]0;t\u{7}ok"), "ok");
    }

    #[test]
    fn spec_5_json_output_escapes_c1_controls_and_bidi_overrides_and_reads_back() {
        let value = serde_json::json!({ "name": "a\u{1b}[31m\u{9b}2J\u{85}\u{7f}\u{202e}b\u{2066}c\u{feff}" });
        let text = serde_json::to_string_pretty(&value).expect("json");
        assert!(
            text.contains('\u{202e}') && text.contains('\u{9b}'),
            "serde_json keeps them"
        );
        let safe = json_safe(&text);
        assert!(
            !safe
                .chars()
                .any(|c| (c.is_control() && c != '\n') || is_invisible_format(c)),
            "{safe:?}"
        );
        assert!(
            safe.contains("\\u009b") && safe.contains("\\u202e"),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn spec_5_width_of_japanese_text() {
        assert_eq!(display_width("山田太郎"), 8);
        assert_eq!(display_width("ﾔﾏﾀﾞ"), 4);
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("ガ"), 2);
        assert_eq!(display_width("カ\u{3099}"), 2);
    }

    #[test]
    fn spec_5_truncate_never_splits_double_width() {
        assert_eq!(truncate_to_width("山田太郎", 8), "山田太郎");
        assert_eq!(truncate_to_width("山田太郎", 20), "山田太郎");
        assert_eq!(truncate_to_width("山田太郎", 4), "山田");
        assert_eq!(truncate_to_width("山田太郎", 5), "山田 ");
        assert_eq!(truncate_to_width("山田太郎", 1), " ");
        assert_eq!(truncate_to_width("山田太郎", 0), "");
        assert_eq!(truncate_to_width("aあb", 2), "a ");
        assert_eq!(truncate_to_width("abcdef", 3), "abc");
        // A combining mark stays with its base.
        assert_eq!(truncate_to_width("カ\u{3099}キ", 2), "カ\u{3099}");
        assert_eq!(truncate_to_width("カ\u{3099}キ", 1), " ");
    }

    #[test]
    fn spec_5_truncate_pads_where_a_three_column_grapheme_does_not_fit() {
        // 一 followed by the half-width voiced mark is one grapheme; found by the property test.
        let t = truncate_to_width(" AA｡一一\u{ff9e}", 8);
        assert_eq!(display_width(&t), 8);
        assert!(
            " AA｡一一\u{ff9e}".starts_with(t.trim_end_matches(' ')),
            "{t:?}"
        );
    }

    #[test]
    fn spec_5_pad_to_width_is_exact() {
        assert_eq!(pad_to_width("山田", 6), "山田  ");
        assert_eq!(pad_to_width("山田太郎", 5), "山田 ");
        assert_eq!(pad_to_width("", 3), "   ");
        assert_eq!(pad_to_width("abc", 3), "abc");
        assert_eq!(display_width(&pad_to_width("ハローワーク渋谷", 11)), 11);
    }

    proptest! {
        #[test]
        fn spec_5_sanitize_output_has_no_controls(s in ".*", keep in any::<bool>()) {
            let out = sanitize(&s, keep);
            for c in out.chars() {
                prop_assert!(!c.is_control() || (keep && c == '\n'), "control {:?} in {:?}", c, out);
                prop_assert!(!is_invisible_format(c));
            }
            // Sanitising is idempotent.
            prop_assert_eq!(sanitize(&out, keep), out.clone());
        }

        #[test]
        fn spec_5_sanitize_with_escape_heavy_input(
            s in proptest::collection::vec(
                prop_oneof![
                    Just("\u{1b}".to_string()), Just("[".to_string()), Just("]".to_string()),
                    Just("\u{07}".to_string()), Just("\\".to_string()), Just("\u{9b}".to_string()),
                    Just("\u{9c}".to_string()), Just("\u{9d}".to_string()), Just("P".to_string()),
                    Just("31m".to_string()), Just("\r\n".to_string()), Just("あ".to_string()),
                ],
                0..40,
            ).prop_map(|v| v.concat()),
            keep in any::<bool>(),
        ) {
            let out = sanitize(&s, keep);
            prop_assert!(!out.chars().any(|c| c.is_control() && !(keep && c == '\n')));
        }

        #[test]
        fn spec_5_truncate_and_pad_never_panic(s in ".*", width in 0usize..40) {
            let _ = truncate_to_width(&s, width);
            let _ = pad_to_width(&s, width);
        }

        #[test]
        fn spec_5_truncate_and_pad_fit(
            s in "[ -~\u{3000}-\u{30FF}\u{4E00}-\u{9FFF}\u{FF01}-\u{FF9F}\u{0300}-\u{036F}]{0,30}",
            width in 0usize..40,
        ) {
            let t = truncate_to_width(&s, width);
            prop_assert!(display_width(&t) <= width);
            // A grapheme that does not fit is replaced by padding, which may be more than one
            // column (a wide character with a combining half-width sound mark is 3 wide).
            let is_prefix = s.starts_with(t.trim_end_matches(' '));
            prop_assert!(is_prefix, "{:?} is not a prefix of {:?}", t, s);
            if display_width(&s) > width {
                prop_assert_eq!(display_width(&t), width);
            } else {
                prop_assert_eq!(&t, &s);
            }
            let p = pad_to_width(&s, width);
            prop_assert_eq!(display_width(&p), width);
        }
    }
}
