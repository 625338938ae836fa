//! Establishment data (事業所情報) as it arrives in `establishment.submitted` (R-IO-1).
//!
//! Every field has a default, so a payload missing a field still parses and the missing field
//! is reported by validation (`domain::validate`), field by field (SPEC §5). Unknown fields are
//! ignored, so the Internet Service can add fields without breaking the import. `fields()`
//! lists the values as data (`field_value::FieldValue`); `i18n::values` gives their words.

use serde::{Deserialize, Serialize};

use super::field_value::FieldValue;
use super::submission::{FieldChange, diff_fields};

/// 事業所情報.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Establishment {
    /// 事業所番号 (4-6-1). `None` for a new establishment: approval assigns one (R-REV-3).
    pub establishment_number: Option<String>,
    /// 法人番号 (13 digits). `None` for sole proprietors.
    pub corporate_number: Option<String>,
    /// 事業所名.
    pub name: String,
    /// 事業所名（カナ）.
    pub name_kana: String,
    /// 代表者 役職.
    pub representative_title: String,
    /// 代表者名.
    pub representative_name: String,
    /// 郵便番号 (3-4).
    pub postal_code: String,
    /// 所在地.
    pub address: String,
    /// 電話番号.
    pub phone: String,
    /// 労働者派遣事業の許可あり.
    pub dispatch_licence: bool,
    /// 雇用保険適用事業所.
    pub employment_insurance: bool,
}

impl Establishment {
    /// The fields as (stable path, value) pairs, in screen order. The paths are those
    /// validation findings use; `i18n::values` puts the values into words.
    #[must_use]
    pub fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        let text = |s: &str| FieldValue::Text(s.to_string());
        let opt = |s: &Option<String>| FieldValue::Text(s.clone().unwrap_or_default());
        vec![
            ("establishment_number", opt(&self.establishment_number)),
            ("corporate_number", opt(&self.corporate_number)),
            ("name", text(&self.name)),
            ("name_kana", text(&self.name_kana)),
            ("representative_title", text(&self.representative_title)),
            ("representative_name", text(&self.representative_name)),
            ("postal_code", text(&self.postal_code)),
            ("address", text(&self.address)),
            ("phone", text(&self.phone)),
            (
                "dispatch_licence",
                FieldValue::Flag(Some(self.dispatch_licence)),
            ),
            (
                "employment_insurance",
                FieldValue::Flag(Some(self.employment_insurance)),
            ),
        ]
    }
}

/// What changed between two versions, for the reviewer.
#[must_use]
pub fn diff(old: &Establishment, new: &Establishment) -> Vec<FieldChange<FieldValue>> {
    diff_fields(&old.fields(), &new.fields())
}

/// The establishment shown in the seed's 「事業所情報確認」 screen (test fixture).
#[cfg(test)]
pub(crate) fn sample() -> Establishment {
    Establishment {
        establishment_number: Some("1301-999999-9".into()),
        // The seed shows 1234567890123, whose check digit is wrong; 9 is right.
        corporate_number: Some("9234567890123".into()),
        name: "株式会社　ハローワークケア".into(),
        name_kana: "カブシキガイシャ　ハローワークケア".into(),
        representative_title: "代表取締役".into(),
        representative_name: "春風　吹".into(),
        postal_code: "100-0000".into(),
        address: "東京都千代田区○○○1-X-X".into(),
        phone: "03-1234-5678".into(),
        dispatch_licence: false,
        employment_insurance: true,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn r_io_1_establishment_json_round_trip_and_unknown_fields_ignored() {
        let e = sample();
        let json = serde_json::to_string(&e).unwrap();
        let back: Establishment = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        let v: Establishment =
            serde_json::from_str(r#"{"name":"株式会社X","future_field":1}"#).unwrap();
        assert_eq!(v.name, "株式会社X");
        assert_eq!(v.establishment_number, None);
        assert!(v.phone.is_empty());
    }

    #[test]
    fn spec_2_3_establishment_diff_lists_changed_fields() {
        let old = sample();
        let mut new = sample();
        new.phone = "03-9999-0000".into();
        new.dispatch_licence = true;
        new.establishment_number = None;
        assert_eq!(
            diff(&old, &new),
            vec![
                FieldChange {
                    field: "establishment_number",
                    old: FieldValue::Text("1301-999999-9".into()),
                    new: FieldValue::Text(String::new())
                },
                FieldChange {
                    field: "phone",
                    old: FieldValue::Text("03-1234-5678".into()),
                    new: FieldValue::Text("03-9999-0000".into())
                },
                FieldChange {
                    field: "dispatch_licence",
                    old: FieldValue::Flag(Some(false)),
                    new: FieldValue::Flag(Some(true))
                },
            ]
        );
        assert!(diff(&old, &old).is_empty());
    }
}
