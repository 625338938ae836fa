//! The establishment's rules (SPEC §5): its values normalised, checked at entry as given, then
//! the numbers (事業所番号 4-6-1, 法人番号 with its check digit), kana name, postal code and
//! phone, and the required fields.

use super::field::{
    check_corporate_number, check_grouped, check_kana, check_phone, check_required, check_text,
    grouped_number, normalize_line, normalize_number_text, normalize_phone, opt_nonempty,
};
use super::{
    ADDRESS_MAX, ESTABLISHMENT_NAME_MAX, Finding, KANA_NAME_MAX, NUMBER_TEXT_MAX,
    REPRESENTATIVE_NAME_MAX, REPRESENTATIVE_TITLE_MAX, drop_refused,
};
use crate::domain::establishment::Establishment;
use crate::domain::{kana, numbers};

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::establishment;
    use crate::domain::validate::fixtures::*;
    use crate::domain::validate::{has_errors, rules};
    use proptest::prelude::*;

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
    }
}
