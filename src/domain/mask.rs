//! Masking of personal data for screens and logs (R-ID-2, R-AUD-1).
//!
//! Masks keep the length visible (one mask character per hidden character) so that a clerk can
//! compare with what the visitor says, and hide enough that the value cannot be used.

use unicode_segmentation::UnicodeSegmentation;

/// Mask character for ASCII data (emails, numbers).
pub const MASK: char = '*';
/// Mask character for Japanese names, full-width to keep the column layout.
pub const MASK_WIDE: char = '＊';

/// One part of an email: 1 character → `*`, 2 → first + `*`, more → first two + one `*` each.
fn mask_part(s: &str) -> String {
    let n = s.chars().count();
    let keep = match n {
        0 | 1 => 0,
        2 => 1,
        _ => 2,
    };
    s.chars()
        .take(keep)
        .chain(std::iter::repeat_n(MASK, n - keep))
        .collect()
}

/// R-ID-2: `tanaka@example.co.jp` → `ta****@ex*****.co.jp`. The local part and the first domain
/// label keep their first two characters (one for a 2-character part, none for 1); the other
/// domain labels are kept. Without an `@` everything is masked.
#[must_use]
pub fn mask_email(email: &str) -> String {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return MASK.to_string().repeat(email.chars().count());
    };
    let local = mask_part(local);
    match domain.split_once('.') {
        Some((first, rest)) => format!("{local}@{}.{rest}", mask_part(first)),
        None => format!("{local}@{}", mask_part(domain)),
    }
}

/// A name: first character kept, every other character `＊` (whitespace kept), per grapheme so
/// that a combining mark is never left behind: `山田太郎` → `山＊＊＊`, `山田 太郎` → `山＊ ＊＊`.
#[must_use]
pub fn mask_name(s: &str) -> String {
    let s = s.trim();
    let mut out = String::with_capacity(s.len());
    for (i, g) in s.graphemes(true).enumerate() {
        if i == 0 || g.chars().all(char::is_whitespace) {
            out.push_str(g);
        } else {
            out.push(MASK_WIDE);
        }
    }
    out
}

/// Every digit except the last `keep_last` becomes `*`; hyphens and other characters are kept:
/// `mask_digits("1301-999999-9", 4)` → `****-***999-9`.
#[must_use]
pub fn mask_digits(s: &str, keep_last: usize) -> String {
    let total = s.chars().filter(|c| c.is_numeric()).count();
    let hide = total.saturating_sub(keep_last);
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if c.is_numeric() {
                seen += 1;
                if seen <= hide { MASK } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// Phone numbers: only the last four digits shown, `090-1234-5678` → `***-****-5678`.
#[must_use]
pub fn mask_phone(s: &str) -> String {
    mask_digits(s, 4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn r_id_2_mask_email_example_from_spec() {
        assert_eq!(mask_email("tanaka@example.co.jp"), "ta****@ex*****.co.jp");
    }

    #[test]
    fn r_id_2_mask_email_short_parts() {
        assert_eq!(mask_email("t@example.jp"), "*@ex*****.jp");
        assert_eq!(mask_email("ta@example.jp"), "t*@ex*****.jp");
        assert_eq!(mask_email("tan@example.jp"), "ta*@ex*****.jp");
        assert_eq!(mask_email("taro@a.jp"), "ta**@*.jp");
        assert_eq!(mask_email("taro@ab.jp"), "ta**@a*.jp");
        assert_eq!(
            mask_email("taro@mail.example.co.jp"),
            "ta**@ma**.example.co.jp"
        );
    }

    #[test]
    fn r_id_2_mask_email_odd_input_never_shows_more() {
        assert_eq!(mask_email(""), "");
        assert_eq!(mask_email("noatsign"), "********");
        assert_eq!(mask_email("taro@localhost"), "ta**@lo*******");
        assert_eq!(mask_email("@example.jp"), "@ex*****.jp");
    }

    #[test]
    fn r_id_2_mask_name() {
        assert_eq!(mask_name("山田太郎"), "山＊＊＊");
        assert_eq!(mask_name("山田　太郎"), "山＊　＊＊");
        assert_eq!(mask_name("ヤマダ タロウ"), "ヤ＊＊ ＊＊＊");
        assert_eq!(mask_name("山"), "山");
        assert_eq!(mask_name(""), "");
        // A decomposed ガ (カ + U+3099) is one grapheme: masked as one.
        assert_eq!(mask_name("ヤカ\u{3099}ミ"), "ヤ＊＊");
    }

    #[test]
    fn r_id_2_mask_digits_and_phone() {
        assert_eq!(mask_digits("1301-999999-9", 4), "****-***999-9");
        assert_eq!(mask_digits("13010-12345678", 0), "*****-********");
        assert_eq!(mask_digits("123", 5), "123");
        assert_eq!(mask_phone("090-1234-5678"), "***-****-5678");
        assert_eq!(mask_phone("0312345678"), "******5678");
        assert_eq!(mask_phone(""), "");
    }

    proptest! {
        #[test]
        fn r_aud_1_masks_never_panic_and_keep_length(s in ".*", keep in 0usize..20) {
            let m = mask_email(&s);
            prop_assert_eq!(m.chars().count(), s.chars().count());
            let _ = mask_name(&s);
            let d = mask_digits(&s, keep);
            prop_assert_eq!(d.chars().count(), s.chars().count());
            prop_assert!(d.chars().filter(|c| c.is_numeric()).count() <= keep);
            let _ = mask_phone(&s);
        }

        #[test]
        fn r_id_2_masked_local_part_shows_at_most_two(local in "[a-z]{1,30}", domain in "[a-z]{1,10}\\.jp") {
            let m = mask_email(&format!("{local}@{domain}"));
            let (ml, _) = m.split_once('@').expect("at sign kept");
            prop_assert!(ml.chars().filter(|&c| c != MASK).count() <= 2);
            prop_assert!(ml.chars().filter(|&c| c != MASK).count() < local.len().max(2));
        }
    }
}
