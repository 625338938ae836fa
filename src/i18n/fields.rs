//! Field names as the clerk knows them, in one table: the fields of the staff's forms (the
//! `field` of a `service::FieldIssue`) and the fields of a submitted establishment or job offer
//! (the paths of `domain::validate`'s findings).

use super::Lang;

/// Which fields a name is one of: the two sets share a few names with another meaning
/// (`name` is 氏名 on a registration form, 事業所名 in a submitted establishment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldSet {
    /// The staff's forms and the command line's options.
    Form,
    /// A submitted establishment or job offer (finding paths such as `wage.min`).
    Submission,
}

/// The field's label. An unknown form field is 「入力」 ("Input"); an unknown submission path
/// is shown as it is.
#[must_use]
pub fn field_label(lang: Lang, set: FieldSet, field: &str) -> &str {
    let (ja, en) = match (set, field) {
        (_, "email") => ("メールアドレス", "Email"),
        (_, "email_confirm") => ("メールアドレス（確認）", "Email (again)"),
        (_, "establishment_number") => ("事業所番号", "Establishment number"),
        (_, "corporate_number") => ("法人番号", "Corporate number"),
        (_, "birth_date") => ("生年月日", "Date of birth"),
        (FieldSet::Form, "name") => ("氏名", "Name"),
        (FieldSet::Form, "name_kana") => ("氏名（カナ）", "Name (katakana)"),
        (_, "seeker_number") => ("求職番号", "Job-seeker number"),
        (_, "kind") => ("種別", "Account type"),
        (_, "office_code") => ("安定所コード", "Office code"),
        (_, "office_name") => ("安定所名", "Office name"),
        (_, "staff_name") => ("職員ID", "Staff ID"),
        (_, "display_name") => ("表示名", "Display name"),
        (_, "roles") => ("役割", "Roles"),
        (_, "password") => ("パスワード", "Password"),
        (_, "current") => ("現在のパスワード", "Current password"),
        (_, "new") => ("新しいパスワード", "New password"),
        (_, "confirm") => ("新しいパスワード（確認）", "New password (again)"),
        (_, "auth_key") => ("認証キー", "Auth key"),
        (_, "purpose") => ("目的", "Purpose"),
        (_, "query") => ("検索語", "Search text"),
        (_, "new_email") => ("新しいメールアドレス", "New email"),
        (_, "new_email_confirm") => ("新しいメールアドレス（確認）", "New email (again)"),
        (_, "document") => ("本人確認書類", "Identity document"),
        (_, "note") => ("確認内容メモ", "Check note"),
        (_, "path") => ("保存先ファイル", "File path"),
        (_, "other") => ("その他の目的", "Other purpose"),
        (_, "since") => ("開始日", "From"),
        (_, "until") => ("終了日", "Until"),
        (_, "date") => ("日付", "Date"),
        (_, "reason") => ("理由", "Reason"),
        (_, "comment") => ("コメント", "Comment"),
        (_, "follow_up") => ("フォロー日", "Follow-up date"),
        (_, "checklist") => ("確認項目", "Checklist"),
        (_, "seen") => ("更新番号（--seen）", "Version (--seen)"),
        (FieldSet::Submission, "name") => ("事業所名", "Establishment name"),
        (FieldSet::Submission, "name_kana") => ("事業所名（カナ）", "Establishment name (kana)"),
        (_, "representative_title") => ("代表者役職", "Representative's title"),
        (_, "representative_name") => ("代表者名", "Representative's name"),
        (_, "postal_code") => ("郵便番号", "Postal code"),
        (_, "address") => ("所在地", "Address"),
        (_, "phone") => ("電話番号", "Phone"),
        (_, "dispatch_licence") => ("労働者派遣事業の許可", "Dispatch licence"),
        (_, "employment_insurance") => ("雇用保険適用", "Employment insurance"),
        (_, "category.kind") => ("求人区分", "Job category"),
        (_, "category.part_time") => ("求人区分（パート）", "Job category (part-time)"),
        (_, "category.trial_employment") => ("トライアル雇用求人", "Trial employment"),
        (_, "category.dispatch_or_contract") => ("派遣・請負", "Dispatch or contracting"),
        (_, "category.disability_short_time_trial") => (
            "障害者（短時間）トライアル雇用求人",
            "Disability short-time trial employment",
        ),
        (_, "publication_scope") => ("公開範囲", "Publication scope"),
        (_, "online_opt_out.private_placement") => (
            "オンライン提供不可（民間人材ビジネス）",
            "No online provision (private placement)",
        ),
        (_, "online_opt_out.local_government") => (
            "オンライン提供不可（地方自治体）",
            "No online provision (local government)",
        ),
        (_, "establishment") => ("事業所", "Establishment"),
        (_, "title") => ("職種", "Job title"),
        (_, "occupation_code") => ("職業分類", "Occupation code"),
        (_, "licences") => ("必要な免許・資格", "Required licences"),
        (_, "employment_type") => ("雇用形態", "Employment type"),
        (_, "work_location.postal_code") => ("就業場所（郵便番号）", "Work location (postal code)"),
        (_, "work_location.address") => ("就業場所（住所）", "Work location (address)"),
        (_, "wage.kind") => ("賃金形態", "Wage type"),
        (_, "wage.other_text") => ("賃金形態（その他の内容）", "Wage type (other)"),
        (_, "wage.min") => ("賃金（下限）", "Wage (minimum)"),
        (_, "wage.max") => ("賃金（上限）", "Wage (maximum)"),
        (_, "bonus.has_bonus") => ("賞与", "Bonus"),
        (_, "bonus.months") => ("賞与月数", "Bonus months"),
        (_, "bonus.amount_min") => ("賞与金額（下限）", "Bonus amount (minimum)"),
        (_, "bonus.amount_max") => ("賞与金額（上限）", "Bonus amount (maximum)"),
        (_, "hours.kind") => ("労働時間制", "Working-time system"),
        (_, "hours.start") => ("就業時間（始業）", "Working hours (start)"),
        (_, "hours.end") => ("就業時間（終業）", "Working hours (end)"),
        (_, "hours.paid_leave_days") => {
            ("6ヶ月経過後の年次有給休暇日数", "Paid leave after 6 months")
        }
        (_, "hours.annual_holidays") => ("年間休日数", "Annual holidays"),
        (_, "insurance.kinds") => ("加入保険等", "Insurance"),
        (_, "insurance.other_text") => ("その他の加入保険等", "Insurance (other)"),
        (_, "work_rules.full_time") => ("就業規則（フルタイム）", "Work rules (full-time)"),
        (_, "work_rules.part_time") => ("就業規則（パートタイム）", "Work rules (part-time)"),
        (_, "pr_message") => ("事業所からのメッセージ", "Message from the establishment"),
        (_, "hires") => ("採用人数", "Number of hires"),
        (_, "note_to_hello_work") => ("ハローワークへの連絡事項", "Note to Hello Work"),
        (FieldSet::Form, _) => ("入力", "Input"),
        (FieldSet::Submission, _) => return field,
    };
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_name_means_what_its_set_says() {
        assert_eq!(field_label(Lang::Ja, FieldSet::Form, "name"), "氏名");
        assert_eq!(
            field_label(Lang::Ja, FieldSet::Submission, "name"),
            "事業所名"
        );
        assert_eq!(
            field_label(Lang::En, FieldSet::Submission, "name_kana"),
            "Establishment name (kana)"
        );
        assert_eq!(
            field_label(Lang::Ja, FieldSet::Form, "corporate_number"),
            field_label(Lang::Ja, FieldSet::Submission, "corporate_number")
        );
    }

    #[test]
    fn unknown_fields() {
        assert_eq!(field_label(Lang::Ja, FieldSet::Form, "no_such"), "入力");
        assert_eq!(field_label(Lang::En, FieldSet::Form, "no_such"), "Input");
        assert_eq!(
            field_label(Lang::Ja, FieldSet::Submission, "no.such.field"),
            "no.such.field"
        );
    }
}
