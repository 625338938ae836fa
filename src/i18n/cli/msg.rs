//! The command line's messages with values in them (`CliMsg`) and their words: results of
//! the commands, counts, what happened to each item. Apart from the fixed words (`label.rs`)
//! because each one formats its values.

use crate::domain::account::AccountKind;
use crate::domain::ids::AccountId;
use crate::i18n::Lang;

use super::{audit_reason, kind_label, pick};

/// Messages with values in them.
#[derive(Debug, Clone)]
pub enum CliMsg<'a> {
    MustChangePassword {
        name: &'a str,
    },
    NoDatabase {
        path: &'a str,
    },
    Initialised {
        code: &'a str,
        name: &'a str,
        admin: &'a str,
    },
    StaffAdded {
        name: &'a str,
        password: &'a str,
    },
    StaffDisabled {
        name: &'a str,
    },
    StaffEnabled {
        name: &'a str,
    },
    StaffUnlocked {
        name: &'a str,
    },
    PasswordReset {
        name: &'a str,
        password: &'a str,
    },
    AccountHeading {
        id: AccountId,
        kind: AccountKind,
    },
    Registered {
        id: AccountId,
        kind: AccountKind,
    },
    QueuedMail {
        subject: &'a str,
        id: i64,
    },
    KeyValidUntil {
        at: &'a str,
    },
    Reissued {
        cancelled: usize,
    },
    KeyPending {
        until: &'a str,
    },
    /// R-KEY-0: no key yet; the customer asks for it online.
    AwaitingRequest,
    KeyLocked,
    KeyExpired {
        at: &'a str,
    },
    ActivatedOn {
        at: &'a str,
        deadline: Option<&'a str>,
    },
    Activation {
        outcome: &'a str,
        tries_left: Option<i64>,
        deadline: Option<&'a str>,
    },
    AuditOk {
        rows: i64,
    },
    AuditBroken {
        id: i64,
        reason: &'a str,
    },
    NowInvalid {
        value: &'a str,
    },
    /// SPEC §6: `MADOGUCHI_NOW` on a live database.
    NowRefused {
        path: &'a str,
    },
    /// R-AUD-2: the guard triggers of the audit log are missing or altered (at start).
    AuditGuard {
        names: &'a str,
    },
    /// R-AUD-2 retention.
    AuditAnchored {
        head: i64,
        recorded: Option<i64>,
    },
    AuditTrimmed {
        removed: i64,
        first_kept: Option<i64>,
    },
    DemoCreated {
        path: &'a str,
    },
    /// R-REG-2: the version 15 upgrade found live accounts whose addresses differ only in case.
    EmailCaseConflicts {
        accounts: usize,
    },
    /// R-REG-2: an account whose address another account keeps.
    CaseKeptApart {
        holder: AccountId,
    },
    /// `import`: rejected lines beyond those printed.
    MoreRejects {
        more: u64,
    },
    /// The TUI: the database file cannot be opened.
    DatabaseOpenFailed {
        path: &'a str,
    },
}

/// Fills a message.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn msg(lang: Lang, m: &CliMsg<'_>) -> String {
    let ja = lang == Lang::Ja;
    match *m {
        CliMsg::MustChangePassword { name } => {
            if ja {
                format!(
                    "初回サインインのためパスワードの変更が必要です: madoguchi --as {name} passwd"
                )
            } else {
                format!("You must change your password first: madoguchi --as {name} passwd")
            }
        }
        CliMsg::NoDatabase { path } => {
            if ja {
                format!("データベース {path} がありません。先に madoguchi init を実行してください")
            } else {
                format!("No database at {path}; run `madoguchi init` first")
            }
        }
        CliMsg::Initialised { code, name, admin } => {
            if ja {
                format!("初期化しました: 安定所 {code} {name}、システム管理者 {admin}")
            } else {
                format!("Initialised: office {code} {name}, admin {admin}")
            }
        }
        CliMsg::StaffAdded { name, password } => {
            if ja {
                format!(
                    "職員 {name} を追加しました。\n仮パスワード（この一度だけ表示します）: {password}\n初回サインイン時に変更が必要です。"
                )
            } else {
                format!(
                    "Staff {name} added.\nTemporary password (shown this once): {password}\nIt must be changed at the first sign-in."
                )
            }
        }
        CliMsg::StaffDisabled { name } => {
            if ja {
                format!("職員 {name} を無効にしました")
            } else {
                format!("Staff {name} disabled")
            }
        }
        CliMsg::StaffEnabled { name } => {
            if ja {
                format!("職員 {name} を有効にしました")
            } else {
                format!("Staff {name} enabled")
            }
        }
        CliMsg::StaffUnlocked { name } => {
            if ja {
                format!("職員 {name} のロックを解除しました")
            } else {
                format!("Staff {name} unlocked")
            }
        }
        CliMsg::PasswordReset { name, password } => {
            if ja {
                format!(
                    "職員 {name} のパスワードをリセットしました。\n仮パスワード（この一度だけ表示します）: {password}\n次回サインイン時に変更が必要です。"
                )
            } else {
                format!(
                    "Password of {name} reset.\nTemporary password (shown this once): {password}\nIt must be changed at the next sign-in."
                )
            }
        }
        CliMsg::Registered { id, kind } => {
            let k = kind_label(lang, kind);
            if ja {
                format!("登録しました: {k}アカウント #{id}")
            } else {
                format!("Registered: {k} account #{id}")
            }
        }
        CliMsg::AccountHeading { id, kind } => {
            let k = kind_label(lang, kind);
            if ja {
                format!("アカウント #{id}（{k}）")
            } else {
                format!("Account #{id} ({k})")
            }
        }
        CliMsg::QueuedMail { subject, id } => {
            if ja {
                format!("送信待ちメール: {subject}（#{id}）")
            } else {
                format!("Mail queued: {subject} (#{id})")
            }
        }
        CliMsg::KeyValidUntil { at } => {
            if ja {
                format!("認証キーの有効期限: {at}（日本時間）")
            } else {
                format!("Auth key valid until: {at} (JST)")
            }
        }
        CliMsg::Reissued { cancelled } => {
            if ja {
                format!(
                    "認証キーを再発行しました。前のキーは無効です（未送信メール {cancelled} 通を取消）"
                )
            } else {
                format!(
                    "Auth key re-issued; the previous key is void ({cancelled} unsent mail(s) cancelled)"
                )
            }
        }
        CliMsg::KeyPending { until } => {
            if ja {
                format!("認証キー発行済（{until} まで有効）")
            } else {
                format!("auth key mailed (valid until {until})")
            }
        }
        CliMsg::AwaitingRequest => pick(
            lang,
            "お客様のパスワード登録待ち: インターネットサービスの「パスワード登録」から申し込むと、認証キーがメールで届きます（50分間有効）",
            "waiting for the customer: applying for password registration online mails the auth key (valid 50 minutes)",
        )
        .to_string(),
        CliMsg::KeyLocked => pick(
            lang,
            "認証キー無効（10回誤り）。お客様の再申込か、窓口の再発行で新しいキーになります",
            "auth key locked after 10 wrong tries; the customer asks again, or re-issue it",
        )
        .to_string(),
        CliMsg::KeyExpired { at } => {
            if ja {
                format!(
                    "認証キー期限切れ（{at} に失効）。お客様の再申込か、窓口の再発行で新しいキーになります"
                )
            } else {
                format!("auth key expired (at {at}); the customer asks again, or re-issue it")
            }
        }
        CliMsg::ActivatedOn { at, deadline } => match (ja, deadline) {
            (true, Some(d)) => format!("アカウント登録完了 {at}（仮登録期限 {d}）"),
            (true, None) => format!("アカウント登録完了 {at}"),
            (false, Some(d)) => format!("account registered {at} (provisional deadline {d})"),
            (false, None) => format!("account registered {at}"),
        },
        CliMsg::Activation {
            outcome,
            tries_left,
            deadline,
        } => activation_text(lang, outcome, tries_left, deadline),
        CliMsg::AuditOk { rows } => {
            if ja {
                format!("監査ログの連鎖は正常です（{rows} 行）")
            } else {
                format!("The audit log chain is intact ({rows} rows)")
            }
        }
        CliMsg::AuditBroken { id, reason } => {
            if ja {
                format!(
                    "監査ログが改ざんされています: 行 #{id}（{}）",
                    audit_reason(lang, reason)
                )
            } else {
                format!(
                    "The audit log has been tampered with: row #{id} ({})",
                    audit_reason(lang, reason)
                )
            }
        }
        CliMsg::NowRefused { path } => {
            if ja {
                format!(
                    "MADOGUCHI_NOW（時刻の差し替え）は研修用データベースでしか使えません。本番のデータベース {path} では監査ログの時刻を偽ることになるため、実行しません。MADOGUCHI_NOW を外すか、`madoguchi demo` または `madoguchi init --training` で作った研修用データベースを使ってください"
                )
            } else {
                format!(
                    "MADOGUCHI_NOW (a replaced clock) is allowed only on a training database. On the live database {path} it would forge audit times: refused. Unset MADOGUCHI_NOW, or use a training database made by `madoguchi demo` or `madoguchi init --training`"
                )
            }
        }
        CliMsg::AuditGuard { names } => {
            if ja {
                format!(
                    "監査ログを守るトリガー（{names}）がありません、または書き換えられています。改ざんのおそれがあるため起動しません。`madoguchi audit verify` で確かめ、システム管理者に連絡してください"
                )
            } else {
                format!(
                    "The audit log's guard triggers ({names}) are missing or altered. Possible tampering: refusing to start. Run `madoguchi audit verify` and call the system administrator"
                )
            }
        }
        CliMsg::AuditAnchored { head, recorded } => {
            let before = recorded.map_or_else(|| "-".to_string(), |r| format!("#{r}"));
            if ja {
                format!(
                    "監査ログの先頭を記録し直しました（行 #{head}。以前の記録: {before}）。この操作も監査ログに残ります"
                )
            } else {
                format!("Audit log head recorded anew (row #{head}; previously recorded: {before}); the act is logged")
            }
        }
        CliMsg::AuditTrimmed {
            removed,
            first_kept,
        } => match (ja, first_kept) {
            (true, Some(f)) => format!(
                "保存期間を過ぎた監査ログ {removed} 行を削除しました（署名付きの切断点: 行 #{f} から保持）"
            ),
            (true, None) => "保存期間を過ぎた監査ログはありません".to_string(),
            (false, Some(f)) => format!(
                "Removed {removed} audit rows past retention (signed cut point: kept from row #{f})"
            ),
            (false, None) => "No audit rows past retention".to_string(),
        },
        CliMsg::NowInvalid { value } => {
            if ja {
                format!(
                    "注意: MADOGUCHI_NOW「{value}」は RFC 3339 の日時ではないため無視し、実際の時刻を使います"
                )
            } else {
                format!("Note: MADOGUCHI_NOW \"{value}\" is not RFC 3339; using the real clock")
            }
        }
        CliMsg::DemoCreated { path } => {
            if ja {
                format!("デモ用データベースを作りました: {path}")
            } else {
                format!("Demo database created: {path}")
            }
        }
        CliMsg::EmailCaseConflicts { accounts: 0 } => pick(
            lang,
            "大文字・小文字だけが違うメールアドレスの有効なアカウントはありません",
            "No live accounts whose addresses differ only in letter case",
        )
        .to_string(),
        CliMsg::EmailCaseConflicts { accounts } => {
            if ja {
                format!(
                    "大文字・小文字だけが違うメールアドレスの有効なアカウントが{accounts}件あります（統合していません）。同じ人かどうかを確かめ、不要なアカウントを退会にしてください。「保持」のアカウントがそのアドレスでの照会・重複確認に使われます"
                )
            } else {
                format!(
                    "{accounts} live accounts have addresses that differ only in letter case (not merged). Check whether they are the same customer and withdraw the ones not needed; the \"holder\" answers for the address"
                )
            }
        }
        CliMsg::CaseKeptApart { holder } => {
            if ja {
                format!("別扱い（保持: account:{holder}）")
            } else {
                format!("kept apart (holder: account:{holder})")
            }
        }
        CliMsg::MoreRejects { more } => {
            if ja {
                format!("… ほか {more} 行（すべて import_rejects に記録）")
            } else {
                format!("… {more} more (all in import_rejects)")
            }
        }
        CliMsg::DatabaseOpenFailed { path } => {
            if ja {
                format!("データベース {path} を開けません")
            } else {
                format!("cannot open the database {path}")
            }
        }
    }
}

/// R-KEY-6: wrong, expired, used, replaced and locked keys are told apart.
fn activation_text(
    lang: Lang,
    outcome: &str,
    tries_left: Option<i64>,
    deadline: Option<&str>,
) -> String {
    let ja = lang == Lang::Ja;
    match outcome {
        "activated" => match (ja, deadline) {
            (true, Some(d)) => format!("アカウント登録完了（仮登録の期限 {d}）"),
            (true, None) => "アカウント登録完了。マイページが開設されました".into(),
            (false, Some(d)) => format!("Account registered (provisional deadline {d})"),
            (false, None) => "Account registered; the My Page is open".into(),
        },
        "wrong" => {
            let n = tries_left.unwrap_or(0);
            if ja {
                format!("認証キーが違います（あと {n} 回）")
            } else {
                format!("Wrong auth key ({n} tries left)")
            }
        }
        "expired" => pick(
            lang,
            "認証キーの有効期限が切れています。再発行してください",
            "The auth key has expired; re-issue it",
        )
        .into(),
        "used" => pick(
            lang,
            "この認証キーは使用済みです",
            "This auth key has already been used",
        )
        .into(),
        "replaced" => pick(
            lang,
            "この認証キーは再発行により無効になっています。新しいキーを使ってください",
            "This auth key was replaced by a re-issue; use the new one",
        )
        .into(),
        "locked" => pick(
            lang,
            "10回間違えたため認証キーは無効です。再発行してください",
            "The auth key is void after 10 wrong tries; re-issue it",
        )
        .into(),
        _ => pick(
            lang,
            "有効な認証キーがありません",
            "There is no valid auth key",
        )
        .into(),
    }
}
