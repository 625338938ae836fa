//! Kana names: full-width katakana, long-vowel mark ー, middle dot ・ and spaces (SPEC §5).
//!
//! One rule for every kana field (the seeker's 氏名カナ at counter registration, an
//! establishment's 事業所名カナ from the interchange, kana typed into a lookup): [`convert`]
//! turns hiragana and half-width kana into full-width katakana (NFKC joins ﾞ/ﾟ with the
//! preceding kana), every hyphen-like character (`-`, `‐`, `−`, `－`, `ｰ`, …) into ー, a
//! middle-dot look-alike (`·`, `･`, `•`, `‧`) into ・, and runs of spaces into one full-width
//! space U+3000; the result is trimmed. [`normalize_kana`] then checks what is left.

use unicode_normalization::UnicodeNormalization;

use super::numbers;

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

/// The katakana middle dot ・ (U+30FB).
pub const MIDDLE_DOT: char = '\u{30FB}';
/// The katakana long-vowel mark ー (U+30FC).
pub const LONG_VOWEL: char = '\u{30FC}';

/// Characters allowed in a normalised kana name: katakana ァ..ヺ (U+30A1..=U+30FA), the
/// middle dot ・ (U+30FB), the long-vowel mark ー (U+30FC) and the full-width space U+3000.
#[must_use]
pub fn is_allowed_kana(c: char) -> bool {
    ('\u{30A1}'..='\u{30FC}').contains(&c) || c == '\u{3000}'
}

/// Middle-dot look-alikes typed for ・: U+00B7 ·, U+2022 •, U+2027 ‧, U+2219 ∙ (U+FF65 ･ is
/// made ・ by NFKC).
fn is_middle_dot_like(c: char) -> bool {
    matches!(c, '\u{00B7}' | '\u{2022}' | '\u{2027}' | '\u{2219}')
}

/// The conversion every kana field gets (see the module docs); never fails. Characters it
/// cannot convert are kept, for [`normalize_kana`] (or validation) to name.
#[must_use]
pub fn convert(input: &str) -> String {
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
        out.push(if numbers::is_hyphen_like(c) {
            LONG_VOWEL
        } else if is_middle_dot_like(c) {
            MIDDLE_DOT
        } else {
            c
        });
    }
    // Katakana can compose with a mark that the hiragana it came from could not (わ゙ → ヷ).
    out.nfc().collect()
}

/// The first character of a converted kana name that is not allowed.
#[must_use]
pub fn first_not_allowed(converted: &str) -> Option<char> {
    converted.chars().find(|&c| !is_allowed_kana(c))
}

/// [`convert`], then the check: only katakana, ー, ・ and single full-width spaces are left.
///
/// # Errors
/// `Empty` for blank input; `NotKana(c)` with the first character not allowed (as converted).
pub fn normalize_kana(input: &str) -> Result<String, KanaError> {
    let out = convert(input);
    if out.is_empty() {
        return Err(KanaError::Empty);
    }
    match first_not_allowed(&out) {
        Some(c) => Err(KanaError::NotKana(c)),
        None => Ok(out),
    }
}

/// Key of a kana name for partial search (R-ID-1): [`convert`], then without spaces and ・, so
/// that 「ジョンスミス」「じょん・すみす」「ｼﾞｮﾝ ｽﾐｽ」 all find 「ジョン・スミス」. Apply it to both the
/// stored kana and the kana typed into a lookup.
#[must_use]
pub fn kana_search_key(s: &str) -> String {
    search_key(&convert(s).replace(MIDDLE_DOT, ""))
}

/// Key for partial search of a name or kana (R-ID-1): NFKC, hiragana to katakana, every space
/// removed, ASCII lower-cased. Apply it to both the stored value and the query.
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
        assert_eq!(normalize_kana("Yamada"), Err(KanaError::NotKana('Y')));
        assert_eq!(normalize_kana("ヤマダ1"), Err(KanaError::NotKana('1')));
        assert_eq!(normalize_kana("ヤマダ。"), Err(KanaError::NotKana('。')));
        assert_eq!(normalize_kana("ヽヾ"), Err(KanaError::NotKana('ヽ')));
        // A half-width voicing mark that cannot join stays a combining mark.
        assert_eq!(normalize_kana("ｱﾞ"), Err(KanaError::NotKana('\u{3099}')));
        // Full-width letters are reported as NFKC made them.
        assert_eq!(normalize_kana("ａ"), Err(KanaError::NotKana('a')));
    }

    #[test]
    fn spec_5_kana_middle_dot_is_kept() {
        assert_eq!(ok("ジョン・スミス"), "ジョン・スミス");
        // Half-width ･ and the look-alikes people type become ・.
        assert_eq!(ok("ｼﾞｮﾝ･ｽﾐｽ"), "ジョン・スミス");
        assert_eq!(ok("じょん·すみす"), "ジョン・スミス");
        assert_eq!(ok("ジョン•スミス"), "ジョン・スミス");
    }

    #[test]
    fn spec_5_kana_hyphen_likes_become_the_long_vowel_mark() {
        for typed in [
            "カ-ド",
            "カ－ド",
            "カ‐ド",
            "カ−ド",
            "カ—ド",
            "カ―ド",
            "カｰド",
            "ｶ-ﾄﾞ",
            "か-ど",
        ] {
            assert_eq!(ok(typed), "カード", "{typed}");
        }
    }

    #[test]
    fn spec_5_kana_voiced_half_width_and_hiragana() {
        assert_eq!(ok("ｶﾞｷﾞｸﾞ"), "ガギグ");
        assert_eq!(ok("がぎぐ"), "ガギグ");
        assert_eq!(ok("ガギグ"), "ガギグ");
    }

    #[test]
    fn r_id_1_kana_search_key_ignores_dot_spaces_and_forms() {
        let stored = kana_search_key("ジョン・スミス");
        assert_eq!(stored, "ジョンスミス");
        for q in [
            "ジョンスミス",
            "じょん・すみす",
            "ｼﾞｮﾝ ｽﾐｽ",
            "ジョン　スミス",
        ] {
            assert_eq!(kana_search_key(q), stored, "{q}");
        }
        assert_eq!(kana_search_key("カ-ド"), kana_search_key("カード"));
        // Stored kana without ・ or hyphens keeps the key it always had.
        assert_eq!(
            kana_search_key("カブシキガイシャ　ヤマダ"),
            search_key("カブシキガイシャ　ヤマダ")
        );
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
