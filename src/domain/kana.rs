//! Kana names: full-width katakana, long-vowel mark and spaces (SPEC §5).
//!
//! Hiragana and half-width kana are converted (NFKC joins ﾞ/ﾟ with the preceding kana); runs of
//! spaces become one full-width space U+3000; the result is trimmed.

use unicode_normalization::UnicodeNormalization;

/// Why a kana name was refused. The list is stable; the UI maps [`KanaError::code`] to text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KanaError {
    /// Nothing but whitespace was typed.
    #[error("empty")]
    Empty,
    /// The first character (after conversion) that is not katakana, `ー` or a space.
    #[error("not kana: {0}")]
    NotKana(char),
}

impl KanaError {
    /// Stable `snake_case` code for messages and logs.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            KanaError::Empty => "empty",
            KanaError::NotKana(_) => "not_kana",
        }
    }
}

/// Hiragana ぁ..ゖ (U+3041..=U+3096) to the katakana 0x60 code points further; others unchanged.
fn hiragana_to_katakana(c: char) -> char {
    if ('\u{3041}'..='\u{3096}').contains(&c) {
        char::from_u32(u32::from(c) + 0x60).unwrap_or(c)
    } else {
        c
    }
}

/// Characters allowed in a normalised kana name: katakana ァ..ヺ (U+30A1..=U+30FA), the
/// long-vowel mark ー (U+30FC) and the full-width space U+3000. The middle dot ・ is not allowed.
#[must_use]
pub fn is_allowed_kana(c: char) -> bool {
    ('\u{30A1}'..='\u{30FA}').contains(&c) || c == '\u{30FC}' || c == '\u{3000}'
}

/// Converts hiragana and half-width kana to full-width katakana, collapses spaces to one U+3000,
/// trims, and checks the result.
///
/// # Errors
/// `Empty` for blank input; `NotKana(c)` with the first character not allowed (as converted).
pub fn normalize_kana(input: &str) -> Result<String, KanaError> {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfkc().map(hiragana_to_katakana) {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push('\u{3000}');
        }
        pending_space = false;
        out.push(c);
    }
    if out.is_empty() {
        return Err(KanaError::Empty);
    }
    match out.chars().find(|&c| !is_allowed_kana(c)) {
        Some(c) => Err(KanaError::NotKana(c)),
        None => Ok(out),
    }
}

/// Key for partial kana search (R-ID-1): NFKC, hiragana to katakana, every space removed, ASCII
/// lower-cased. Apply it to both the stored value and the query.
#[must_use]
pub fn search_key(s: &str) -> String {
    s.nfkc()
        .map(hiragana_to_katakana)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> String {
        normalize_kana(s).expect("valid kana")
    }

    #[test]
    fn spec_5_kana_katakana_kept() {
        assert_eq!(ok("ヤマダ　タロウ"), "ヤマダ　タロウ");
        assert_eq!(ok("ヴァージニア"), "ヴァージニア");
        assert_eq!(ok("ヵヶヮ"), "ヵヶヮ");
    }

    #[test]
    fn spec_5_kana_hiragana_converted() {
        assert_eq!(ok("やまだ　たろう"), "ヤマダ　タロウ");
        assert_eq!(ok("ぁゖ"), "ァヶ");
        assert_eq!(ok("こーひー"), "コーヒー");
    }

    #[test]
    fn spec_5_kana_half_width_converted_and_voicing_marks_joined() {
        assert_eq!(ok("ﾔﾏﾀﾞ ﾀﾛｳ"), "ヤマダ　タロウ");
        assert_eq!(ok("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"), "パピプペポ");
        assert_eq!(ok("ｺｰﾋｰ"), "コーヒー");
        assert_eq!(ok("ｳﾞｨ"), "ヴィ");
    }

    #[test]
    fn spec_5_kana_spaces_collapsed_to_one_full_width_and_trimmed() {
        assert_eq!(ok("  ヤマダ   タロウ  "), "ヤマダ　タロウ");
        assert_eq!(
            ok("\u{3000}ヤマダ\u{3000}\u{3000}タロウ\u{3000}"),
            "ヤマダ　タロウ"
        );
        assert_eq!(ok("ヤマダ \u{3000} タロウ"), "ヤマダ　タロウ");
        assert_eq!(ok("ヤマダ\tタロウ"), "ヤマダ　タロウ");
    }

    #[test]
    fn spec_5_kana_empty() {
        assert_eq!(normalize_kana(""), Err(KanaError::Empty));
        assert_eq!(normalize_kana(" \u{3000} "), Err(KanaError::Empty));
    }

    #[test]
    fn spec_5_kana_refuses_other_characters() {
        assert_eq!(normalize_kana("山田"), Err(KanaError::NotKana('山')));
        assert_eq!(
            normalize_kana("ヤマダ・タロウ"),
            Err(KanaError::NotKana('・'))
        );
        assert_eq!(normalize_kana("Yamada"), Err(KanaError::NotKana('Y')));
        assert_eq!(normalize_kana("ヤマダ1"), Err(KanaError::NotKana('1')));
        assert_eq!(normalize_kana("カ-ド"), Err(KanaError::NotKana('-')));
        assert_eq!(normalize_kana("ヽヾ"), Err(KanaError::NotKana('ヽ')));
        // A half-width voicing mark that cannot join stays a combining mark.
        assert_eq!(normalize_kana("ｱﾞ"), Err(KanaError::NotKana('\u{3099}')));
        // Full-width letters are reported as NFKC made them.
        assert_eq!(normalize_kana("ａ"), Err(KanaError::NotKana('a')));
    }

    #[test]
    fn spec_5_kana_error_codes_are_stable() {
        assert_eq!(KanaError::Empty.code(), "empty");
        assert_eq!(KanaError::NotKana('x').code(), "not_kana");
    }

    #[test]
    fn r_id_1_search_key_matches_across_forms() {
        let stored = search_key("ヤマダ　タロウ");
        assert_eq!(stored, "ヤマダタロウ");
        assert_eq!(search_key("やまだ たろう"), stored);
        assert_eq!(search_key("ﾔﾏﾀﾞ ﾀﾛｳ"), stored);
        assert_eq!(search_key("ＡＢＣ　Def"), "abcdef");
        assert_eq!(search_key("株式会社　ＡＢＣ"), "株式会社abc");
        assert!(search_key("カブシキガイシャ ヤマダ").contains(&search_key("やまだ")));
    }

    proptest! {
        #[test]
        fn spec_5_kana_never_panics_and_ok_output_is_allowed(s in ".*") {
            let _ = search_key(&s);
            if let Ok(k) = normalize_kana(&s) {
                prop_assert!(!k.is_empty());
                prop_assert!(k.chars().all(is_allowed_kana));
                let ideographic_space = '\u{3000}';
                let trimmed = !k.starts_with(ideographic_space) && !k.ends_with(ideographic_space);
                prop_assert!(trimmed, "not trimmed: {:?}", k);
                let collapsed = !k.contains(&ideographic_space.to_string().repeat(2));
                prop_assert!(collapsed, "spaces not collapsed: {:?}", k);
                prop_assert_eq!(normalize_kana(&k), Ok(k.clone()));
            }
        }

        #[test]
        fn spec_5_kana_all_hiragana_becomes_katakana(s in "[\u{3041}-\u{3096} ]{1,20}") {
            if let Ok(k) = normalize_kana(&s) {
                prop_assert!(k.chars().all(is_allowed_kana));
            } else {
                prop_assert!(s.trim().is_empty());
            }
        }
    }
}
