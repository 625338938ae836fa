//! Messages of the command line, and the rule/error words the TUI reuses (`issue_message`,
//! `error_message`; field names are `i18n::fields`, refusals `i18n::refusal`). Japanese is the
//! default (SPEC §5: errors name the field and the rule, in Japanese).
//!
//! `label.rs` holds the fixed words (`Label`), `msg.rs` the messages with values (`CliMsg`);
//! this file the error and issue messages and the names of states and kinds.

use super::Lang;
pub use super::fields::{FieldSet, field_label};
/// 「エラー」 or 「警告」: one table, with the stored findings' words.
pub use super::findings::severity_label;
use super::rules::rule_text;
use crate::domain::account::{AccountKind, AccountOrigin, AccountState};
use crate::domain::ids::AccountId;
use crate::domain::issue::FieldIssue;
use crate::domain::mail::MailState;
use crate::domain::refusal::Failure;
use crate::domain::staff::Role;

mod label;
mod msg;
pub use label::{Label, label};
pub use msg::{CliMsg, msg};

use super::pick;

/// One line naming the field and the rule, e.g.
/// 「メールアドレス: 全角文字が含まれています。半角に変換した「taro@example.jp」でよければ確認してください」.
#[must_use]
pub fn issue_message(lang: Lang, issue: &FieldIssue) -> String {
    // The staff forms call the sign-in ID `name`; its rules say which name they mean.
    let field = if issue.code.starts_with("staff_name") {
        "staff_name"
    } else {
        issue.field
    };
    format!(
        "{}: {}",
        field_label(lang, FieldSet::Form, field),
        rule_text(lang, Some(issue.field), issue.code, issue.param.as_deref())
            .unwrap_or_else(|| pick(lang, "入力内容が正しくありません", "is not valid").to_string())
    )
}

#[must_use]
pub fn kind_label(lang: Lang, k: AccountKind) -> &'static str {
    match k {
        AccountKind::Employer => pick(lang, "求人者", "employer"),
        AccountKind::Seeker => pick(lang, "求職者", "job seeker"),
    }
}

/// Why an interchange line was not applied (R-IO-2), in words; the stable code stays beside
/// it for the expert.
#[must_use]
pub fn reject_reason(lang: Lang, code: &str) -> &'static str {
    let (ja, en) = match code {
        "bad_utf8" => ("UTF-8 ではない行", "not UTF-8"),
        "bad_json" => ("JSON として読めない行", "not a JSON object"),
        "missing_field" => ("必須の項目がない", "a required field is missing"),
        "bad_id" => (
            "ID が長すぎるか制御文字を含む",
            "an id is too long or has control characters",
        ),
        "bad_time" => ("日時の形式が正しくない", "occurred_at is not RFC 3339"),
        "unknown_type" => ("不明なイベント種別", "unknown event type"),
        "bad_field" => ("項目の値が正しくない", "a field has a value it cannot have"),
        "too_long" => ("行が長すぎる", "line too long"),
        "truncated" => ("最後の行が途中で切れている", "the last line is cut off"),
        "future_time" => ("発生日時が未来", "occurred_at is in the future"),
        "unknown_account" => (
            "そのメールアドレスの有効なアカウントがない",
            "no live account with this address",
        ),
        "account_state" => (
            "アカウントの状態がこの操作を受け付けない",
            "the account's state does not allow it",
        ),
        "validation" => ("入力チェックでエラー", "field validation found errors"),
        "duplicate_submission" => ("同じ申込IDがすでにある", "the submission id is taken"),
        "unknown_submission" => ("再申込の元の申込がない", "no such submission to resubmit"),
        "submission_state" => (
            "申込の状態が新しい版を受け付けない",
            "the submission's state takes no new version",
        ),
        "unknown_establishment" => (
            "求人の事業所が見つからない",
            "the offer's establishment is unknown",
        ),
        "conflict" => (
            "データベースの制約で受け付けられない",
            "refused by a database constraint",
        ),
        "email_in_use" => (
            "そのメールアドレスは別の有効なアカウントが使用中",
            "the address belongs to a live account",
        ),
        "birth_date_required" => (
            "求職者の生年月日がない",
            "a job seeker's birth date is missing",
        ),
        "birth_date_mismatch" => (
            "生年月日が窓口で登録したものと違う",
            "the birth date differs from the one registered",
        ),
        "key_wrong" => ("認証キーが違う", "wrong auth key"),
        "key_expired" => ("認証キーの有効期限切れ", "auth key expired"),
        "key_used" => ("認証キーは使用済み", "auth key already used"),
        "key_replaced" => ("認証キーは再発行で無効", "auth key replaced"),
        "key_locked" => ("認証キーは10回の誤りで無効", "auth key locked"),
        "key_no_key" => ("認証キーが発行されていない", "no auth key issued"),
        _ => ("受け付けられない行", "refused"),
    };
    pick(lang, ja, en)
}

/// R-REG-4: how the account came to be.
#[must_use]
pub fn origin_label(lang: Lang, o: AccountOrigin) -> &'static str {
    match o {
        AccountOrigin::Counter => pick(
            lang,
            "窓口でメールアドレス登録",
            "registered at the counter",
        ),
        AccountOrigin::SelfRegistered => {
            pick(lang, "お客様がオンラインで仮登録", "self-registered online")
        }
    }
}

#[must_use]
pub fn account_state_label(lang: Lang, s: AccountState) -> &'static str {
    match s {
        AccountState::KeyPending => pick(lang, "パスワード登録待ち", "waiting for the customer"),
        AccountState::Activated => pick(
            lang,
            "アカウント登録完了（仮登録期間中）",
            "account registered (provisional)",
        ),
        AccountState::Opened => pick(lang, "マイページ開設済", "My Page open"),
        AccountState::Invalid => pick(lang, "無効", "invalid"),
        AccountState::Withdrawn => pick(lang, "退会", "withdrawn"),
    }
}

#[must_use]
pub fn mail_state_label(lang: Lang, s: MailState) -> &'static str {
    match s {
        MailState::Queued => pick(lang, "送信待ち", "queued"),
        MailState::Sending => pick(lang, "送信中", "sending"),
        MailState::Sent => pick(lang, "送信済", "sent"),
        MailState::Failed => pick(lang, "送信失敗", "failed"),
        MailState::Held => pick(lang, "保留", "held"),
        MailState::Cancelled => pick(lang, "取消", "cancelled"),
        MailState::Expired => pick(lang, "期限切れ（未送信）", "expired (not sent)"),
    }
}

#[must_use]
pub fn role_label(lang: Lang, r: Role) -> &'static str {
    match r {
        Role::Counter => pick(lang, "窓口職員", "counter"),
        Role::Supervisor => pick(lang, "統括・承認者", "supervisor"),
        Role::Admin => pick(lang, "システム管理者", "admin"),
        Role::Auditor => pick(lang, "監査", "auditor"),
    }
}

/// One short message for a refused use case; `Invalid` gives one line per issue. Takes a
/// `&ServiceError` (or any failure seen as a `domain::refusal::Failure`).
#[must_use]
pub fn error_message<'a>(lang: Lang, e: impl Into<Failure<'a>>) -> String {
    match e.into() {
        Failure::Denied => pick(
            lang,
            "この操作を行う権限がありません（職員アカウントが無効の場合を含みます）",
            "You are not permitted to do this (or your staff account is disabled)",
        )
        .to_string(),
        Failure::NotFound => pick(lang, "該当するものが見つかりません", "Not found").into(),
        Failure::EmailInUse { account_id, kind } => {
            let k = kind_label(lang, kind);
            match (lang, account_id) {
                (Lang::Ja, AccountId(0)) => format!(
                    "メールアドレス: 既に使われています（他の端末で同時に{k}アカウントとして登録されました）"
                ),
                (Lang::En, AccountId(0)) => {
                    format!("Email: already in use (just registered as a {k} account elsewhere)")
                }
                (Lang::Ja, id) => {
                    format!("メールアドレス: 既に使われています（{k}アカウント #{id} が使用中）")
                }
                (Lang::En, id) => format!("Email: already in use by {k} account #{id}"),
            }
        }
        Failure::Invalid(issues) => issues
            .iter()
            .map(|i| issue_message(lang, i))
            .collect::<Vec<_>>()
            .join("\n"),
        Failure::Refused(r) => super::refusal::refusal_text(lang, r),
        Failure::DiskFull => {
            label(lang, Label::DiskFull).to_string()
        }
        Failure::Failed => pick(
            lang,
            "データベースの処理に失敗しました。続く場合は管理者に連絡してください（詳細はログファイル）",
            "The database operation failed; if it persists, tell the administrator (details in the log file)",
        )
        .to_string(),
    }
}

/// R-AUD-2: what `audit verify` found, from the reason code of `storage::audit::verify`.
#[must_use]
pub fn audit_reason(lang: Lang, code: &str) -> String {
    if let Some(name) = code.strip_prefix("trigger_missing:") {
        return if lang == Lang::Ja {
            format!("保護トリガー {name} がない、または書き換えられています")
        } else {
            format!("guard trigger {name} missing or altered")
        };
    }
    let (ja, en) = match code {
        "row_missing" => ("直前の行が欠けています", "the row before it is missing"),
        "link_broken" => (
            "直前の行とのつながりが壊れています",
            "link to the previous row broken",
        ),
        "rows_before_missing" => ("これより前の行が欠けています", "rows before it are missing"),
        "chain_start" => (
            "連鎖の始まりが正しくありません",
            "the first row does not start the chain",
        ),
        "unkeyed_after_keyed" => (
            "鍵付きの行の後に鍵なしの行があります",
            "an unkeyed row after keyed ones",
        ),
        "hash_mismatch" => (
            "内容がハッシュと一致しません",
            "content does not match its hash",
        ),
        "head_not_keyed" => (
            "最新の行が鍵付きではありません（書き換えのおそれ）",
            "the newest row is not keyed (rewritten?)",
        ),
        "head_file_missing" => (
            "先頭記録ファイル（.audit-head）がありません",
            "the head file (.audit-head) is missing",
        ),
        "rows_cut_off" => (
            "先頭記録ファイルにある最新の行がデータベースにありません（末尾が削られています）",
            "rows recorded in the head file are gone (cut off the end)",
        ),
        "head_differs" => (
            "最新の行が先頭記録ファイルと一致しません",
            "the newest row differs from the head file",
        ),
        "rows_not_in_head_file" => (
            "先頭記録ファイルにない行があります",
            "rows not recorded in the head file",
        ),
        "cut_forged" => (
            "保存期間の切断点の署名が正しくありません",
            "the retention cut point's signature is wrong",
        ),
        other => return other.to_string(),
    };
    pick(lang, ja, en).to_string()
}

/// Words of the lookup and audit commands (R-ID-*, R-AUD-3), by key.
#[must_use]
pub fn lookup_word(lang: Lang, key: &str) -> &'static str {
    match key {
        "no_hits" => pick(
            lang,
            "該当するお客様は見つかりませんでした",
            "No customer found",
        ),
        "truncated" => pick(
            lang,
            "ほかにも該当があります。条件を絞ってください",
            "More matched; narrow the search",
        ),
        "password_note" => pick(
            lang,
            "パスワードはハローワークでも表示・確認できません。お客様にはログイン画面の「パスワードをお忘れの方」から再設定するようご案内ください",
            "Passwords can never be shown, not even here; the customer resets one from the login page (\"forgot password\")",
        ),
        "revealed" => pick(
            lang,
            "登録ID（本人確認済み）",
            "Login ID (identity checked)",
        ),
        "mailed" => pick(
            lang,
            "登録ID（メールアドレス）のお知らせを登録アドレスあてに送信予約しました",
            "The login-ID notice was queued to the registered address",
        ),
        "changed" => pick(
            lang,
            "IDを変更しました。新しいアドレスに認証キーを、新旧両方のアドレスに通知を送信予約しました",
            "Login ID changed: the new address gets an auth key, both addresses a notice",
        ),
        "pending" => pick(
            lang,
            "ID変更は統括の承認待ちになりました（申請番号）",
            "The ID change waits for a supervisor's approval (request no.)",
        ),
        "rejected" => pick(lang, "ID変更を却下しました", "ID change rejected"),
        "need_key" => pick(
            lang,
            "検索条件を1つ指定してください（--establishment-number, --corporate-number, --name, --kana, --phone, --postal, --seeker-number, --job-number, --kana-name と --birth-date, --email）",
            "Give one search key (--establishment-number, --corporate-number, --name, --kana, --phone, --postal, --seeker-number, --job-number, --kana-name with --birth-date, --email)",
        ),
        "need_identity" => pick(
            lang,
            "表示には本人確認（--document と --note）が必要です",
            "Revealing needs the identity check (--document and --note)",
        ),
        "exported" => pick(lang, "件を書き出しました", "rows written"),
        "report_per_day" => pick(lang, "職員別・日別の照会件数", "Lookups per staff per day"),
        "report_unfollowed" => pick(
            lang,
            "照会後30分以内に手続のない照会",
            "Lookups not followed by business within 30 minutes",
        ),
        "report_after_hours" => pick(lang, "時間外・閉庁日のアクセス", "After-hours access"),
        "none" => pick(lang, "（なし）", "(none)"),
        _ => "",
    }
}

/// What one `mail sync` pass did: sent, deferred, failed and expired mails, and the way out.
#[must_use]
pub fn mail_pass_report(
    lang: Lang,
    [sent, deferred, failed, expired]: [usize; 4],
    via: &str,
) -> String {
    match lang {
        Lang::Ja => format!(
            "送信 {sent} 件 / 再送待ち {deferred} 件 / 失敗 {failed} 件 / 期限切れ {expired} 件（{via}）"
        ),
        Lang::En => {
            format!(
                "sent {sent} / deferred {deferred} / failed {failed} / expired {expired} ({via})"
            )
        }
    }
}

/// Issue 17 item 10: one-shot `mail sync` delivered nothing of what was due.
#[must_use]
pub fn mail_nothing_delivered(lang: Lang, waiting: usize, why: &str) -> String {
    if lang == Lang::Ja {
        format!(
            "メールを1通も送信できませんでした（{waiting} 通は送信待ちのまま残り、あとで再送します）。理由: {why}"
        )
    } else {
        format!("No mail could be delivered ({waiting} stay queued for a later try). Reason: {why}")
    }
}

/// Issue 17 item 9: why an input file could not be read, in the clerk's words. `path` is
/// already sanitised.
#[must_use]
pub fn file_open_error(lang: Lang, path: &str, e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let ja = lang == Lang::Ja;
    match e.kind() {
        K::IsADirectory if ja => format!(
            "{path} はフォルダです。取り込むファイルを指定してください（フォルダに届くファイルを取り込み続けるには --watch {path}）"
        ),
        K::IsADirectory => format!(
            "{path} is a folder: name the files to import (or --watch {path} to keep importing what arrives there)"
        ),
        K::NotFound if ja => format!("{path} というファイルはありません"),
        K::NotFound => format!("No such file: {path}"),
        K::PermissionDenied if ja => format!("{path} を読む権限がありません"),
        K::PermissionDenied => format!("No permission to read {path}"),
        _ if ja => format!(
            "{path} を読めませんでした: {}",
            crate::domain::text::sanitize(&e.to_string(), false)
        ),
        _ => format!(
            "Cannot read {path}: {}",
            crate::domain::text::sanitize(&e.to_string(), false)
        ),
    }
}

#[cfg(test)]
mod tests;
