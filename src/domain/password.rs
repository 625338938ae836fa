//! Staff password policy (R-AUTH-1): 12..=128 characters, no composition rules, not on the
//! bundled common-password list.
//!
//! Beyond the list, a password made of one repeated character is refused as common, and one
//! equal to the staff name or containing it (names of at least 4 characters) as `SameAsName`.
//! Comparisons are case-insensitive and NFKC-normalised (full-width `ＰＡＳＳ…` is the same).

use std::collections::HashSet;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

/// R-AUTH-1: shortest accepted password, in characters.
pub const MIN_CHARS: usize = 12;
/// R-AUTH-1: longest accepted password, in characters.
pub const MAX_CHARS: usize = 128;
/// Names (or name parts) shorter than this are not searched for inside the password.
pub const MIN_NAME_CHARS: usize = 4;

/// The bundled list, one lower-case password per line.
const COMMON_LIST: &str = include_str!("../../assets/common-passwords.txt");

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    COMMON_LIST
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Why a password was refused. The list is stable; the UI maps [`PasswordError::code`] to text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("too short")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("too long")]
    TooLong,
    /// On the bundled common-password list, or one character repeated.
    #[error("common")]
    Common,
    /// Equal to the staff name, or contains it.
    #[error("same as name")]
    SameAsName,
}

impl PasswordError {
    /// Stable `snake_case` code for messages and logs.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            PasswordError::TooShort => "too_short",
            PasswordError::TooLong => "too_long",
            PasswordError::Common => "common",
            PasswordError::SameAsName => "same_as_name",
        }
    }
}

/// NFKC and lower case, the form every comparison uses.
fn fold(s: &str) -> String {
    s.nfkc().collect::<String>().to_lowercase()
}

/// True when `password` is on the bundled list (case-insensitive, NFKC).
#[must_use]
pub fn is_common(password: &str) -> bool {
    COMMON.contains(fold(password).as_str())
}

/// Number of entries in the bundled list (for a diagnostics screen).
#[must_use]
pub fn common_list_len() -> usize {
    COMMON.len()
}

fn is_one_repeated_char(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|first| chars.all(|c| c == first))
}

/// The forms of the staff name searched for in the password: the whole name, the name without
/// spaces, and each space-separated part; only those of at least [`MIN_NAME_CHARS`] characters.
fn name_forms(staff_name: &str) -> Vec<String> {
    let name = fold(staff_name.trim());
    let mut forms = vec![name.clone(), name.split_whitespace().collect::<String>()];
    forms.extend(name.split_whitespace().map(String::from));
    forms.retain(|f| f.chars().count() >= MIN_NAME_CHARS);
    forms.sort();
    forms.dedup();
    forms
}

/// Checks R-AUTH-1 in this order: length, common list / repeated character, staff name.
///
/// # Errors
/// The rule the password breaks.
pub fn check_policy(password: &str, staff_name: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if n > MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    let folded = fold(password);
    if COMMON.contains(folded.as_str()) || is_one_repeated_char(&folded) {
        return Err(PasswordError::Common);
    }
    let name = fold(staff_name.trim());
    if !name.is_empty() && folded == name {
        return Err(PasswordError::SameAsName);
    }
    if name_forms(staff_name)
        .iter()
        .any(|f| folded.contains(f.as_str()))
    {
        return Err(PasswordError::SameAsName);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GOOD: &str = "correct koala battery";

    #[test]
    fn r_auth_1_length_counts_characters_not_bytes() {
        assert_eq!(check_policy("", "Yamada"), Err(PasswordError::TooShort));
        assert_eq!(
            check_policy("k7#mQ2!vX9z", "Yamada"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(check_policy("k7#mQ2!vX9zR", "Yamada"), Ok(()));
        // 11 kanji are 33 bytes but 11 characters.
        assert_eq!(
            check_policy("春夏秋冬東西南北上下左", "Yamada"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(check_policy("春夏秋冬東西南北上下左右", "Yamada"), Ok(()));
    }

    #[test]
    fn r_auth_1_accepts_128_refuses_129() {
        let base: String = "abcdefghijklmnopqrstuvwxyz0123456789"
            .chars()
            .cycle()
            .take(128)
            .collect();
        assert_eq!(check_policy(&base, "Yamada"), Ok(()));
        let long = format!("{base}x");
        assert_eq!(check_policy(&long, "Yamada"), Err(PasswordError::TooLong));
        let kanji: String = "春夏秋冬".chars().cycle().take(128).collect();
        assert_eq!(check_policy(&kanji, "Yamada"), Ok(()));
    }

    #[test]
    fn r_auth_1_no_composition_rules() {
        assert_eq!(check_policy(GOOD, "Yamada"), Ok(()));
        assert_eq!(check_policy("onlylowercaseletters", "Yamada"), Ok(()));
        assert_eq!(
            check_policy("にほんごのぱすわーど", "Yamada"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(check_policy("にほんごのながいぱすわーど", "Yamada"), Ok(()));
    }

    #[test]
    fn r_auth_1_common_list_refused_case_insensitively() {
        for p in [
            "password1234",
            "123456789012",
            "qwertyuiop123",
            "iloveyou1234",
            "passw0rd1234",
            "hellowork123",
            "password0000",
            "PassWord1234",
            "ＰＡＳＳＷＯＲＤ１２３４",
        ] {
            assert_eq!(
                check_policy(p, "Yamada Taro"),
                Err(PasswordError::Common),
                "{p}"
            );
        }
    }

    #[test]
    fn r_auth_1_bundled_list_is_usable() {
        assert!(common_list_len() >= 300);
        assert!(
            COMMON
                .iter()
                .filter(|p| p.chars().count() >= MIN_CHARS)
                .count()
                >= 300
        );
        for line in COMMON_LIST.lines() {
            assert_eq!(line, line.trim(), "no stray spaces");
            assert_eq!(line, fold(line), "lower-case NFKC: {line}");
        }
        assert!(is_common("password"));
        assert!(!is_common(GOOD));
    }

    #[test]
    fn r_auth_1_one_repeated_character_is_common() {
        assert_eq!(
            check_policy("zzzzzzzzzzzzzz", "Yamada"),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_policy("ああああああああああああ", "Yamada"),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_policy("zzzzzzzzzzzzzZ", "Yamada"),
            Err(PasswordError::Common)
        );
        assert_eq!(check_policy("zzzzzzzzzzzzzy", "Yamada"), Ok(()));
    }

    #[test]
    fn r_auth_1_same_as_or_containing_name() {
        assert_eq!(
            check_policy("yamadataro12", "yamadataro12"),
            Err(PasswordError::SameAsName)
        );
        assert_eq!(
            check_policy("MyNameIsYamada!", "Yamada"),
            Err(PasswordError::SameAsName)
        );
        assert_eq!(
            check_policy("taro.yamada.2026", "Yamada Taro"),
            Err(PasswordError::SameAsName)
        );
        assert_eq!(
            check_policy("yamadataro-desu", "Yamada Taro"),
            Err(PasswordError::SameAsName)
        );
        assert_eq!(
            check_policy("山田太郎のパスワード", "山田太郎"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            check_policy("山田太郎のひみつのパスワード", "山田　太郎"),
            Err(PasswordError::SameAsName)
        );
        // Names (and parts) shorter than 4 characters are not searched for.
        assert_eq!(check_policy("harvest moon rising", "Ito"), Ok(()));
        assert_eq!(check_policy("山田の長い長いひみつの言葉", "山田"), Ok(()));
        assert_eq!(check_policy(GOOD, ""), Ok(()));
    }

    #[test]
    fn r_auth_1_error_codes_are_stable() {
        assert_eq!(PasswordError::TooShort.code(), "too_short");
        assert_eq!(PasswordError::TooLong.code(), "too_long");
        assert_eq!(PasswordError::Common.code(), "common");
        assert_eq!(PasswordError::SameAsName.code(), "same_as_name");
    }

    proptest! {
        #[test]
        fn r_auth_1_never_panics(p in ".*", name in ".*") {
            let r = check_policy(&p, &name);
            let n = p.chars().count();
            if n < MIN_CHARS {
                prop_assert_eq!(r, Err(PasswordError::TooShort));
            } else if n > MAX_CHARS {
                prop_assert_eq!(r, Err(PasswordError::TooLong));
            }
        }
    }
}
