//! Number fields (SPEC §5): 事業所番号, 法人番号, 求人番号/求職番号, postal code, phone.
//!
//! Every validator first runs [`normalize_digits`] (full-width digits become ASCII, hyphen-like
//! characters and spaces disappear), then requires an exact count of ASCII digits, and returns the
//! canonical form. Any other character left after normalisation (a letter, a dot, …) is refused
//! with [`NumberError::Format`]; blank input gives [`NumberError::Empty`].

use unicode_normalization::UnicodeNormalization;

/// Why a number field was refused. The list is stable; the UI maps [`NumberError::code`] to text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Nothing but whitespace was typed.
    #[error("empty")]
    Empty,
    /// Not the required digit count, or a character other than a digit, hyphen or space.
    #[error("format")]
    Format,
    /// 法人番号 whose check digit (the first digit) does not match the other twelve.
    #[error("check digit")]
    CheckDigit,
}

impl NumberError {
    /// Stable `snake_case` code for messages and logs.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            NumberError::Empty => "empty",
            NumberError::Format => "format",
            NumberError::CheckDigit => "check_digit",
        }
    }
}

/// Hyphen-like characters people type between digit groups (SPEC §5: "any hyphen-like
/// character"): ASCII hyphen-minus, U+2010 ‐, U+2011 ‑, U+2012 ‒, U+2013 –, U+2014 —, U+2015 ―,
/// U+2212 −, U+30FC ー (katakana long-vowel mark, a frequent IME slip), U+FF70 ｰ and U+FF0D －.
#[must_use]
pub fn is_hyphen_like(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '\u{2212}'
            | '\u{30FC}'
            | '\u{FF70}'
            | '\u{FF0D}'
            | '\u{2043}'
            | '\u{FE63}'
            | '\u{02D7}'
    )
}

/// NFKC (full-width digits become ASCII), then drops hyphen-like characters and spaces (ASCII
/// space and U+3000). Every other character is kept so that the validators can refuse it.
#[must_use]
pub fn normalize_digits(input: &str) -> String {
    input
        .nfkc()
        .filter(|&c| !is_hyphen_like(c) && c != ' ' && c != '\u{3000}')
        .collect()
}

/// True when nothing but whitespace (ASCII or U+3000) was typed.
fn is_blank(input: &str) -> bool {
    input.trim().is_empty()
}

/// Normalises and requires exactly `len` ASCII digits.
fn digits_exact(input: &str, len: usize) -> Result<String, NumberError> {
    if is_blank(input) {
        return Err(NumberError::Empty);
    }
    let d = normalize_digits(input);
    if d.len() == len && d.bytes().all(|b| b.is_ascii_digit()) {
        Ok(d)
    } else {
        Err(NumberError::Format)
    }
}

/// Digits of a number written in groups (`4-6-1`, `5-8`, `3-4`): hyphens are optional, but
/// when present they must separate exactly those groups, since a hyphen in the wrong place
/// usually means a digit was dropped or doubled.
fn grouped_digits(input: &str, shape: &[usize]) -> Result<String, NumberError> {
    if is_blank(input) {
        return Err(NumberError::Empty);
    }
    let nfkc: String = input.nfkc().collect();
    let groups: Vec<&str> = nfkc
        .split(|c: char| is_hyphen_like(c) || c.is_whitespace())
        .filter(|g| !g.is_empty())
        .collect();
    if groups
        .iter()
        .any(|g| !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(NumberError::Format);
    }
    let total: usize = shape.iter().sum();
    let fits = if groups.len() == 1 {
        groups[0].len() == total
    } else {
        groups.iter().map(|g| g.len()).eq(shape.iter().copied())
    };
    if fits {
        Ok(groups.concat())
    } else {
        Err(NumberError::Format)
    }
}

/// 事業所番号 4-6-1, returned as `1301-999999-9`. Plain 11 digits are accepted too.
///
/// # Errors
/// `Empty` for blank input, `Format` when it is not 11 digits.
pub fn establishment_number(input: &str) -> Result<String, NumberError> {
    let d = grouped_digits(input, &[4, 6, 1])?;
    Ok(format!("{}-{}-{}", &d[..4], &d[4..10], &d[10..]))
}

/// Check digit of a 法人番号 from its last twelve digits (the 12 ASCII digits after the check
/// digit): 9 − (Σ Pn×Qn mod 9), Pn the n-th digit counted from the last (n = 1..12), Qn = 1 for
/// odd n and 2 for even n. Returns `None` unless `twelve` is exactly 12 ASCII digits.
///
/// Note: a weight of 1 or 2 modulo 9 cannot see a single 0↔9 substitution in the twelve digits;
/// that is a property of the published algorithm, not of this code.
#[must_use]
pub fn corporate_check_digit(twelve: &str) -> Option<u8> {
    if twelve.len() != 12 || !twelve.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = twelve
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let p = u32::from(b - b'0');
            // i = 0 is n = 1 (odd): weight 1; i = 1 is n = 2 (even): weight 2.
            if i % 2 == 0 { p } else { p * 2 }
        })
        .sum();
    // sum % 9 < 9, so the result is 1..=9 and fits a u8.
    u8::try_from(9 - sum % 9).ok()
}

/// 法人番号: 13 digits whose first digit is the check digit (SPEC §5). Returned as 13 digits.
///
/// # Errors
/// `Empty` for blank input, `Format` when it is not 13 digits, `CheckDigit` when the first digit
/// does not match the other twelve.
pub fn corporate_number(input: &str) -> Result<String, NumberError> {
    let d = digits_exact(input, 13)?;
    let expected = corporate_check_digit(&d[1..]).ok_or(NumberError::Format)?;
    let given = d.as_bytes()[0] - b'0';
    if given == expected {
        Ok(d)
    } else {
        Err(NumberError::CheckDigit)
    }
}

/// 求職番号 / 求人番号 5-8, returned as `13010-12345678`.
///
/// # Errors
/// `Empty` for blank input, `Format` when it is not 13 digits.
pub fn five_eight_number(input: &str) -> Result<String, NumberError> {
    let d = grouped_digits(input, &[5, 8])?;
    Ok(format!("{}-{}", &d[..5], &d[5..]))
}

/// Postal code 3-4, returned as `102-0072`. A leading `〒` is accepted and dropped.
///
/// # Errors
/// `Empty` for blank input, `Format` when it is not 7 digits.
pub fn postal_code(input: &str) -> Result<String, NumberError> {
    let trimmed = input.trim();
    let without_mark = trimmed.strip_prefix('〒').unwrap_or(trimmed);
    if is_blank(input) {
        return Err(NumberError::Empty);
    }
    let d = grouped_digits(without_mark, &[3, 4]).map_err(|_| NumberError::Format)?;
    Ok(format!("{}-{}", &d[..3], &d[3..]))
}

/// Phone number: 10 or 11 digits, returned as digits only (no guessing where the area code
/// ends). Parentheses as in `03(1234)5678` are accepted and dropped, like hyphens.
///
/// # Errors
/// `Empty` for blank input, `Format` when it is not 10 or 11 digits.
pub fn phone(input: &str) -> Result<String, NumberError> {
    if is_blank(input) {
        return Err(NumberError::Empty);
    }
    let d: String = normalize_digits(input)
        .chars()
        .filter(|&c| c != '(' && c != ')')
        .collect();
    if (d.len() == 10 || d.len() == 11) && d.bytes().all(|b| b.is_ascii_digit()) {
        Ok(d)
    } else {
        Err(NumberError::Format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spec_5_normalize_digits_full_width_and_every_hyphen_like() {
        assert_eq!(
            normalize_digits("１３０１－９９９９９９－９"),
            "13019999999"
        );
        for h in ['-', '‐', '‑', '‒', '–', '—', '―', '−', 'ー', 'ｰ', '－'] {
            assert_eq!(
                normalize_digits(&format!("12{h}34")),
                "1234",
                "hyphen {h:?}"
            );
        }
        assert_eq!(normalize_digits(" 12\u{3000}34 "), "1234");
        // Letters stay so that the validators refuse them.
        assert_eq!(normalize_digits("12a4"), "12a4");
        assert_eq!(normalize_digits("１２ａ"), "12a");
    }

    #[test]
    fn spec_5_establishment_number_formats() {
        let want = Ok("1301-999999-9".to_string());
        assert_eq!(establishment_number("1301-999999-9"), want);
        assert_eq!(establishment_number("13019999999"), want);
        assert_eq!(establishment_number("１３０１－９９９９９９－９"), want);
        assert_eq!(establishment_number(" 1301 999999 9 "), want);
        assert_eq!(establishment_number("1301ー999999ー9"), want);
    }

    #[test]
    fn spec_5_establishment_number_refusals() {
        assert_eq!(establishment_number(""), Err(NumberError::Empty));
        assert_eq!(establishment_number(" \u{3000} "), Err(NumberError::Empty));
        assert_eq!(
            establishment_number("1301-999999"),
            Err(NumberError::Format)
        );
        assert_eq!(
            establishment_number("1301-999999-99"),
            Err(NumberError::Format)
        );
        assert_eq!(
            establishment_number("1301-99999A-9"),
            Err(NumberError::Format)
        );
        assert_eq!(
            establishment_number("1301.999999.9"),
            Err(NumberError::Format)
        );
        assert_eq!(establishment_number("---"), Err(NumberError::Format));
    }

    /// The published rule, written out digit by digit, independent of the implementation.
    #[test]
    fn spec_5_corporate_number_hand_computed_examples() {
        // 国税庁 7000012050002: twelve digits 0 0 0 0 1 2 0 5 0 0 0 2.
        // From the last digit: P1=2 P2=0 P3=0 P4=0 P5=5 P6=0 P7=2 P8=1 P9..P12=0.
        // Σ = 2×1 + 5×1 + 2×1 + 1×2 = 11; 11 mod 9 = 2; 9 − 2 = 7.
        assert_eq!(2 + 5 + 2 + 2, 11);
        assert_eq!(corporate_check_digit("000012050002"), Some(7));
        assert_eq!(
            corporate_number("7000012050002"),
            Ok("7000012050002".to_string())
        );

        // 5010001008846: twelve digits 0 1 0 0 0 1 0 0 8 8 4 6.
        // P1=6 P2=4 P3=8 P4=8 P5=0 P6=0 P7=1 P8=0 P9=0 P10=0 P11=1 P12=0.
        // Σ = 6 + 4×2 + 8 + 8×2 + 1 + 1 = 40; 40 mod 9 = 4; 9 − 4 = 5.
        assert_eq!(6 + 8 + 8 + 16 + 1 + 1, 40);
        assert_eq!(
            corporate_number("5010001008846"),
            Ok("5010001008846".to_string())
        );

        // トヨタ自動車 1180301018771: twelve digits 1 8 0 3 0 1 0 1 8 7 7 1.
        // P1=1 P2=7 P3=7 P4=8 P5=1 P6=0 P7=1 P8=0 P9=3 P10=0 P11=8 P12=1.
        // Σ = 1 + 14 + 7 + 16 + 1 + 0 + 1 + 0 + 3 + 0 + 8 + 2 = 53; 53 mod 9 = 8; 9 − 8 = 1.
        assert_eq!(1 + 14 + 7 + 16 + 1 + 1 + 3 + 8 + 2, 53);
        assert_eq!(
            corporate_number("1180301018771"),
            Ok("1180301018771".to_string())
        );

        // Σ ≡ 0 (mod 9) gives check digit 9: twelve zeros.
        assert_eq!(corporate_check_digit("000000000000"), Some(9));
        assert_eq!(
            corporate_number("9000000000000"),
            Ok("9000000000000".to_string())
        );
    }

    #[test]
    fn spec_5_corporate_number_accepts_full_width_and_hyphens() {
        assert_eq!(
            corporate_number("７０００－０１２０５－０００２"),
            Ok("7000012050002".to_string())
        );
        assert_eq!(
            corporate_number("7 0000 1205 0002"),
            Ok("7000012050002".to_string())
        );
    }

    #[test]
    fn spec_5_corporate_number_refusals() {
        assert_eq!(corporate_number(""), Err(NumberError::Empty));
        assert_eq!(
            corporate_number("8000012050002"),
            Err(NumberError::CheckDigit)
        );
        assert_eq!(
            corporate_number("0000012050002"),
            Err(NumberError::CheckDigit)
        );
        assert_eq!(corporate_number("700001205000"), Err(NumberError::Format));
        assert_eq!(corporate_number("70000120500021"), Err(NumberError::Format));
        assert_eq!(corporate_number("7000O12050002"), Err(NumberError::Format));
    }

    /// Every change of one digit is refused, except a 0↔9 swap among the twelve payload digits:
    /// weights 1 and 2 modulo 9 cannot see a difference of 9 (a limit of the published rule).
    #[test]
    fn spec_5_corporate_number_single_digit_changes_are_detected() {
        for valid in [
            "7000012050002",
            "5010001008846",
            "1180301018771",
            "9000000000000",
        ] {
            assert!(corporate_number(valid).is_ok());
            for pos in 0..13 {
                for new in b'0'..=b'9' {
                    let mut bytes = valid.as_bytes().to_vec();
                    let old = bytes[pos];
                    if old == new {
                        continue;
                    }
                    bytes[pos] = new;
                    let changed = String::from_utf8(bytes).expect("ascii");
                    let blind_spot = pos > 0 && matches!((old, new), (b'0', b'9') | (b'9', b'0'));
                    if blind_spot {
                        assert!(corporate_number(&changed).is_ok(), "{changed}");
                    } else {
                        assert_eq!(
                            corporate_number(&changed),
                            Err(NumberError::CheckDigit),
                            "{changed}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn spec_5_five_eight_number() {
        let want = Ok("13010-12345678".to_string());
        assert_eq!(five_eight_number("13010-12345678"), want);
        assert_eq!(five_eight_number("1301012345678"), want);
        assert_eq!(five_eight_number("１３０１０‐１２３４５６７８"), want);
        assert_eq!(five_eight_number(""), Err(NumberError::Empty));
        assert_eq!(five_eight_number("13010-1234567"), Err(NumberError::Format));
        assert_eq!(
            five_eight_number("13010-123456789"),
            Err(NumberError::Format)
        );
        assert_eq!(
            five_eight_number("1301x-12345678"),
            Err(NumberError::Format)
        );
    }

    #[test]
    fn spec_5_postal_code() {
        let want = Ok("102-0072".to_string());
        assert_eq!(postal_code("102-0072"), want);
        assert_eq!(postal_code("1020072"), want);
        assert_eq!(postal_code("１０２－００７２"), want);
        assert_eq!(postal_code("〒102-0072"), want);
        assert_eq!(postal_code(""), Err(NumberError::Empty));
        assert_eq!(postal_code("〒"), Err(NumberError::Format));
        assert_eq!(postal_code("102-007"), Err(NumberError::Format));
        assert_eq!(postal_code("102-00722"), Err(NumberError::Format));
    }

    #[test]
    fn spec_5_phone_ten_or_eleven_digits() {
        assert_eq!(phone("03-1234-5678"), Ok("0312345678".to_string()));
        assert_eq!(phone("090-1234-5678"), Ok("09012345678".to_string()));
        assert_eq!(
            phone("０９０－１２３４－５６７８"),
            Ok("09012345678".to_string())
        );
        assert_eq!(phone("03(1234)5678"), Ok("0312345678".to_string()));
        assert_eq!(phone(""), Err(NumberError::Empty));
        assert_eq!(phone("03-1234-567"), Err(NumberError::Format));
        assert_eq!(phone("090-1234-56789"), Err(NumberError::Format));
        assert_eq!(phone("03-1234-567a"), Err(NumberError::Format));
        assert_eq!(phone("+81-3-1234-5678"), Err(NumberError::Format));
    }

    #[test]
    fn spec_5_error_codes_are_stable() {
        assert_eq!(NumberError::Empty.code(), "empty");
        assert_eq!(NumberError::Format.code(), "format");
        assert_eq!(NumberError::CheckDigit.code(), "check_digit");
    }

    proptest! {
        #[test]
        fn spec_5_validators_never_panic(s in ".*") {
            let _ = normalize_digits(&s);
            let _ = establishment_number(&s);
            let _ = corporate_number(&s);
            let _ = five_eight_number(&s);
            let _ = postal_code(&s);
            let _ = phone(&s);
        }

        #[test]
        fn spec_5_corporate_number_ok_exactly_for_computed_check_digit(
            twelve in "[0-9]{12}", check in 0u8..10,
        ) {
            let expected = corporate_check_digit(&twelve).expect("twelve digits");
            let r = corporate_number(&format!("{check}{twelve}"));
            prop_assert_eq!(r.is_ok(), check == expected);
        }

        #[test]
        fn spec_5_ok_output_is_canonical(d in "[0-9]{11}") {
            let once = establishment_number(&d).expect("11 digits");
            prop_assert_eq!(establishment_number(&once), Ok(once.clone()));
        }
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;

    #[test]
    fn spec_5_hyphens_must_separate_the_right_groups() {
        assert_eq!(
            establishment_number("13019999999").as_deref(),
            Ok("1301-999999-9")
        );
        assert_eq!(
            establishment_number("１３０１ー９９９９９９ー９").as_deref(),
            Ok("1301-999999-9")
        );
        assert_eq!(
            establishment_number("130-1999999-9"),
            Err(NumberError::Format)
        );
        assert_eq!(
            five_eight_number("1301-012345678"),
            Err(NumberError::Format)
        );
        assert_eq!(
            five_eight_number("13010 12345678").as_deref(),
            Ok("13010-12345678")
        );
        assert_eq!(postal_code("1020-072"), Err(NumberError::Format));
        assert_eq!(postal_code("〒102-0072").as_deref(), Ok("102-0072"));
    }
}
