//! What the audit log's stored codes mean, for the audit screen (issue 15 item 4): each action
//! and outcome in Japanese and English, in one table. The stored code stays beside it in the
//! row's detail for the expert. A code not in the table (a future action, an old database) is
//! shown as stored.

use super::Lang;
use crate::domain::lookup::{PURPOSES as PURPOSES_OFFERED, REGISTER_PURPOSE};

/// Every audited action: stored code, Japanese, English.
pub const ACTIONS: &[(&str, &str, &str)] = &[
    ("signin", "サインイン", "Sign-in"),
    ("session.unlock", "画面ロック解除", "Unlock screen"),
    ("init", "初期設定", "Initial setup"),
    ("settings.training", "研修モード設定", "Training mode"),
    ("staff.add", "職員追加", "Add staff"),
    ("staff.change_password", "パスワード変更", "Change password"),
    ("staff.disable", "職員無効化", "Disable staff"),
    ("staff.enable", "職員有効化", "Enable staff"),
    ("staff.reset_password", "パスワード再設定", "Reset password"),
    ("staff.set_roles", "役割変更", "Change roles"),
    ("staff.unlock", "職員ロック解除", "Unlock staff"),
    ("account.register", "アカウント登録", "Register account"),
    ("account.view", "アカウント照会", "View account"),
    ("account.activate", "アカウント有効化", "Activate account"),
    ("account.reissue_key", "認証キー再発行", "Re-issue key"),
    ("account.key_requested", "認証キー請求", "Key requested"),
    (
        "account.change_email_request",
        "メール変更申請",
        "Email change request",
    ),
    ("account.change_email", "メール変更", "Change email"),
    (
        "account.change_email_reject",
        "メール変更却下",
        "Email change rejected",
    ),
    ("account.withdrawn", "退会", "Withdrawn"),
    ("submission.view", "仮登録の閲覧", "View submission"),
    ("review.claim", "審査：担当", "Review: claim"),
    ("review.release", "審査：担当解除", "Review: release"),
    ("review.handover", "審査：引継ぎ", "Review: hand over"),
    ("review.check", "審査：確認", "Review: check"),
    ("review.return", "審査：差戻し", "Review: return"),
    ("review.reject", "審査：不受理", "Review: reject"),
    ("review.approve", "審査：本登録", "Review: approve"),
    ("approve", "審査：本登録", "Review: approve"),
    ("review.visit", "審査：来所記録", "Review: visit"),
    ("review.visit_flag", "審査：来所要", "Review: visit needed"),
    ("review.comment", "審査：コメント", "Review: comment"),
    ("review.follow_up", "審査：要対応", "Review: follow-up"),
    ("lookup.search", "ID照会：検索", "Lookup: search"),
    ("lookup.view", "ID照会：閲覧", "Lookup: view"),
    ("lookup.reveal", "ID照会：表示", "Lookup: reveal"),
    ("lookup.mail_id", "ID照会：ID通知メール", "Lookup: mail ID"),
    ("mail.status", "メール状況の閲覧", "Mail status"),
    ("mail.list", "メール一覧の閲覧", "Mail list"),
    ("mail.show", "メールの閲覧", "Show mail"),
    ("mail.retry", "メール再送", "Retry mail"),
    ("mail.hold", "メール保留", "Hold mail"),
    ("mail.release", "メール保留解除", "Release mail"),
    ("mail.cancel", "メール取消", "Cancel mail"),
    ("mail.sync", "メール同期", "Mail sync"),
    ("calendar.add", "閉庁日追加", "Add closure"),
    ("calendar.remove", "閉庁日削除", "Remove closure"),
    ("audit.export", "監査ログ出力", "Audit export"),
    ("audit.trim", "監査ログ整理", "Audit trim"),
    (
        "audit.chain_keyed",
        "監査チェーン鍵付け",
        "Audit chain keyed",
    ),
    ("import.batch", "取込み", "Import"),
    ("export.registered", "登録データ出力", "Export registered"),
    ("gen.prepare_accounts", "試験データ作成", "Test data"),
    ("sweep.expire", "期限切れ処理", "Expiry sweep"),
    ("sweep.expire_offer", "求人の期限切れ", "Offer expired"),
    ("sweep.purge_withdrawn", "退会データ削除", "Purge withdrawn"),
    ("sweep.reminder", "督促メール", "Reminder"),
    ("madoguchi.doctor", "点検", "Doctor"),
];

/// Every stored outcome: code, Japanese, English.
pub const OUTCOMES: &[(&str, &str, &str)] = &[
    ("ok", "成功", "ok"),
    ("refused", "拒否", "refused"),
    ("rejected", "却下", "rejected"),
    ("partial", "一部", "partial"),
    ("pending", "保留中", "pending"),
    ("not_found", "該当なし", "not found"),
    ("unknown_name", "ID不明", "unknown name"),
    ("wrong_password", "PW誤り", "wrong password"),
    ("locked", "ロック中", "locked"),
    ("disabled", "無効", "disabled"),
];

fn look(
    table: &[(&str, &'static str, &'static str)],
    lang: Lang,
    code: &str,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, ja, en)| if lang == Lang::Ja { *ja } else { *en })
}

/// The action's name, or the stored code when the table does not know it.
#[must_use]
pub fn action(lang: Lang, code: &str) -> String {
    look(ACTIONS, lang, code).map_or_else(|| code.to_string(), str::to_string)
}

/// The outcome's name, or the stored code when the table does not know it.
#[must_use]
pub fn outcome(lang: Lang, code: &str) -> String {
    look(OUTCOMES, lang, code).map_or_else(|| code.to_string(), str::to_string)
}

/// The purposes the program offers or records itself (R-ID-5, R-REG-1): stored as chosen, in
/// Japanese; named in the reader's language. Free text typed for その他 is shown as typed.
const PURPOSES: &[(&str, &str, &str)] = &[
    (PURPOSES_OFFERED[0], PURPOSES_OFFERED[0], "ID lookup"),
    (
        PURPOSES_OFFERED[1],
        PURPOSES_OFFERED[1],
        "Registration review",
    ),
    (PURPOSES_OFFERED[2], PURPOSES_OFFERED[2], "Inquiry"),
    (PURPOSES_OFFERED[3], PURPOSES_OFFERED[3], "Other"),
    (REGISTER_PURPOSE, REGISTER_PURPOSE, "Counter registration"),
];

/// The purpose of a look, in the reader's language when it is one the program offers.
#[must_use]
pub fn purpose(lang: Lang, stored: &str) -> String {
    look(PURPOSES, lang, stored).map_or_else(|| stored.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_id_5_offered_purposes_read_in_english_and_typed_ones_as_typed() {
        assert_eq!(purpose(Lang::En, "問合せ対応"), "Inquiry");
        assert_eq!(purpose(Lang::En, "窓口登録"), "Counter registration");
        assert_eq!(purpose(Lang::Ja, "問合せ対応"), "問合せ対応");
        assert_eq!(purpose(Lang::En, "電話での確認"), "電話での確認");
        for p in PURPOSES_OFFERED {
            assert!(purpose(Lang::En, p).is_ascii(), "{p}");
        }
    }

    #[test]
    fn every_code_is_named_once_and_unknown_codes_show_as_stored() {
        for table in [ACTIONS, OUTCOMES] {
            let mut codes: Vec<&str> = table.iter().map(|r| r.0).collect();
            codes.sort_unstable();
            let n = codes.len();
            codes.dedup();
            assert_eq!(codes.len(), n, "a code twice");
        }
        assert_eq!(action(Lang::Ja, "review.check"), "審査：確認");
        assert_eq!(outcome(Lang::Ja, "ok"), "成功");
        assert_eq!(action(Lang::Ja, "future.thing"), "future.thing");
    }
}
