//! Messages of the command line, and the rule/error words the TUI reuses (`issue_message`,
//! `error_message`; field names are `i18n::fields`, refusals `i18n::refusal`). Japanese is the
//! default (SPEC §5: errors name the field and the rule, in Japanese).

use super::Lang;
pub use super::fields::{FieldSet, field_label};
/// 「エラー」 or 「警告」: one table, with the stored findings' words.
pub use super::findings::severity_label;
use super::rules::rule_text;
use crate::domain::account::{AccountKind, AccountOrigin, AccountState};
use crate::domain::issue::FieldIssue;
use crate::domain::mail::MailState;
use crate::domain::refusal::Failure;
use crate::domain::staff::Role;

fn pick(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

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
                (Lang::Ja, 0) => format!(
                    "メールアドレス: 既に使われています（他の端末で同時に{k}アカウントとして登録されました）"
                ),
                (Lang::En, 0) => {
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

/// Fixed words of the command line's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    SignInFailed,
    NeedAs,
    PasswordPrompt,
    PasswordAgainPrompt,
    NewPasswordPrompt,
    NewPasswordAgainPrompt,
    PasswordsDiffer,
    PasswordChanged,
    AuthKeyPrompt,
    InvalidHeader,
    AcceptWarningsHint,
    WarningsAccepted,
    Kind,
    Email,
    State,
    /// R-REG-4: counter-opened or self-registered.
    Origin,
    KeyExpires,
    Mails,
    NoMails,
    Subject,
    StaffHeader,
    Active,
    Disabled,
    Locked,
    MustChange,
    AuditHeader,
    /// R-AUD-1: a read's audit row could not be written (the write lock stayed taken).
    AuditNotWritten,
    /// R-AUD-2: `audit trim` without a retention.
    AuditNoRetention,
    MailNotYet,
    TuiFailed,
    /// The disk is full (or the file may not grow): nothing was saved.
    DiskFull,
    InternalError,
    DemoRefusesExisting,
    DemoStaffHeader,
    /// `mail …` operator actions without `--as`.
    MailNeedsSignIn,
    /// A delivery failure without a reason.
    MailUnknownReason,
    /// `mail sync --watch`: a pass failed, the service goes on.
    MailPassFailed,
    MailLastError,
    MailOldestWaiting,
    /// `mail list --state` with a state that does not exist.
    MailUnknownState,
    MailBodyScrubbed,
    MailBodyNotShown,
    MailNotFound,
}

#[must_use]
pub fn label(lang: Lang, l: Label) -> &'static str {
    use Label as L;
    match l {
        L::SignInFailed => pick(
            lang,
            "IDまたはパスワードが違います",
            "ID or password is wrong",
        ),
        L::NeedAs => pick(
            lang,
            "操作する職員を --as 職員ID で指定してください",
            "Name the staff member acting with --as NAME",
        ),
        L::PasswordPrompt => pick(lang, "パスワード: ", "Password: "),
        L::PasswordAgainPrompt => pick(lang, "パスワード（確認）: ", "Password (again): "),
        L::NewPasswordPrompt => pick(lang, "新しいパスワード: ", "New password: "),
        L::NewPasswordAgainPrompt => {
            pick(lang, "新しいパスワード（確認）: ", "New password (again): ")
        }
        L::PasswordsDiffer => pick(lang, "パスワードが一致しません", "The passwords differ"),
        L::PasswordChanged => pick(lang, "パスワードを変更しました", "Password changed"),
        L::AuthKeyPrompt => pick(lang, "認証キー: ", "Auth key: "),
        L::InvalidHeader => pick(lang, "入力内容に問題があります:", "The input has problems:"),
        L::AcceptWarningsHint => pick(
            lang,
            "警告を確認のうえこのまま登録する場合は --accept-warnings を付けてください",
            "To register as it is after checking the warnings, add --accept-warnings",
        ),
        L::WarningsAccepted => pick(
            lang,
            "（警告を確認のうえ登録しました）",
            "(registered with the warnings accepted)",
        ),
        L::Kind => pick(lang, "種別", "Type"),
        L::Email => pick(lang, "メールアドレス", "Email"),
        L::State => pick(lang, "状態", "State"),
        L::Origin => pick(lang, "開設方法", "Opened by"),
        L::KeyExpires => pick(lang, "認証キー有効期限", "Auth key expires"),
        L::Mails => pick(lang, "送信メール", "Mail"),
        L::NoMails => pick(lang, "（メールはありません）", "(no mail)"),
        L::Subject => pick(lang, "件名", "Subject"),
        L::StaffHeader => pick(
            lang,
            "職員ID\t表示名\t役割\t状態",
            "ID\tName\tRoles\tStatus",
        ),
        L::Active => pick(lang, "有効", "active"),
        L::Disabled => pick(lang, "無効", "disabled"),
        L::Locked => pick(lang, "ロック中", "locked"),
        L::MustChange => pick(lang, "要パスワード変更", "must change password"),
        L::AuditNotWritten => pick(
            lang,
            "監査ログに記録できませんでした（ほかの処理がデータベースを使い続けています）。記録の内容はログファイルに残しました。システム管理者に連絡してください",
            "The audit rows could not be written (another process kept the database busy). They are in the log file; call the system administrator",
        ),
        L::AuditNoRetention => pick(
            lang,
            "保存期間が設定されていません（設定ファイルの [audit] retention_days、または --days）",
            "No retention set ([audit] retention_days in the configuration, or --days)",
        ),
        L::AuditHeader => pick(
            lang,
            "#\t日時（日本時間）\t職員\t端末\t操作\t対象\t目的\t結果",
            "#\tTime (JST)\tStaff\tTerminal\tAction\tSubject\tPurpose\tOutcome",
        ),
        L::MailNotYet => pick(
            lang,
            "メール送信はまだ実装されていません",
            "Mail delivery is not built yet",
        ),
        L::TuiFailed => pick(
            lang,
            "画面（TUI）を開けませんでした",
            "The terminal screen (TUI) could not be opened",
        ),
        L::DiskFull => pick(
            lang,
            "ディスクに空きがないため保存できませんでした。何も保存されていません（入力内容はそのままです）。空きができたらもう一度実行してください（管理者: ディスク容量を確認）",
            "Nothing was saved: the disk is full (what was typed is kept). Try again once there is room (administrator: check the disk space)",
        ),
        L::InternalError => pick(
            lang,
            "処理に失敗しました（詳細はログファイル）",
            "The command failed (details in the log file)",
        ),
        L::DemoRefusesExisting => pick(
            lang,
            "デモは新しいデータベースにだけ作れます。既にあるファイルは使いません",
            "The demo only creates a new database; it never uses an existing file",
        ),
        L::DemoStaffHeader => pick(
            lang,
            "デモ用の職員（職員ID / パスワード / 氏名・役割）:",
            "Demo staff (ID / password / name, role):",
        ),
        L::MailNeedsSignIn => pick(
            lang,
            "このコマンドにはサインインが必要です",
            "this command needs a signed-in staff member",
        ),
        L::MailUnknownReason => pick(lang, "不明", "unknown"),
        L::MailPassFailed => pick(
            lang,
            "送信処理に失敗しました。再試行します",
            "mail pass failed; retrying",
        ),
        L::MailLastError => pick(lang, "最後のエラー", "last error"),
        L::MailOldestWaiting => pick(lang, "最古の待ち", "oldest waiting"),
        L::MailUnknownState => pick(lang, "不明な状態", "unknown state"),
        L::MailBodyScrubbed => pick(lang, "（本文は消去済み）", "(body scrubbed)"),
        L::MailBodyNotShown => pick(lang, "（本文は表示できません）", "(body not shown)"),
        L::MailNotFound => pick(lang, "そのメールはありません", "no such mail"),
    }
}

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
        id: i64,
        kind: AccountKind,
    },
    Registered {
        id: i64,
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
    /// SPEC §6: MADOGUCHI_NOW on a live database.
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
mod tests {

    use super::*;

    #[test]
    fn r_reg_2_fullwidth_hint_names_field_and_converted_form() {
        let i = FieldIssue::warning("email", "email_fullwidth").with("taro@example.jp");
        assert_eq!(
            issue_message(Lang::Ja, &i),
            "メールアドレス: 全角文字が含まれています。半角に変換した「taro@example.jp」でよければ確認してください"
        );
        assert!(issue_message(Lang::En, &i).starts_with("Email: "));
    }

    #[test]
    fn r_reg_2_old_carrier_address_told_why_and_what_to_do() {
        for typed in [
            "taro..yamada@docomo.ne.jp",
            "hanako.@ezweb.ne.jp",
            ".taro@au.com",
        ] {
            let e = crate::domain::email::Email::parse(typed).expect_err(typed);
            let i = FieldIssue::error("email", e.code());
            let ja = issue_message(Lang::Ja, &i);
            assert!(ja.starts_with("メールアドレス: "), "{ja}");
            assert!(ja.contains("メールが届きません"), "{ja}");
            assert!(ja.contains("別のメールアドレス"), "{ja}");
            assert!(!ja.contains("正しくありません"), "{ja}");
            let en = issue_message(Lang::En, &i);
            assert!(en.contains("cannot be delivered"), "{en}");
        }
    }

    #[test]
    fn r_reg_2_email_in_use_names_the_holder() {
        let e = Failure::EmailInUse {
            account_id: 7,
            kind: AccountKind::Employer,
        };
        assert!(error_message(Lang::Ja, e).contains("求人者アカウント #7"));
    }

    #[test]
    fn issue_15_a_date_outside_its_era_names_the_eras_days() {
        let i = FieldIssue::error("birth_date", "date_outside_heisei");
        assert_eq!(
            issue_message(Lang::Ja, &i),
            "生年月日: 平成は1989年1月8日〜2019年4月30日です。元号と年を確かめてください"
        );
        let i = FieldIssue::error("since", "date_outside_reiwa");
        assert_eq!(
            issue_message(Lang::Ja, &i),
            "開始日: 令和は2019年5月1日からです。元号と年を確かめてください"
        );
        let i = FieldIssue::error("birth_date", "date_format");
        assert!(issue_message(Lang::Ja, &i).contains("平成2年4月5日"));
        assert!(issue_message(Lang::En, &i).starts_with("Date of birth: is not a date"));
    }

    #[test]
    fn every_listed_code_has_its_own_words() {
        let codes = [
            "required",
            "email_mismatch",
            "email_fullwidth",
            "email_free_mail",
            "establishment_unknown",
            "establishment_accounts_full",
            "staff_name_format",
            "staff_name_taken",
            "password_wrong",
            "password_mismatch",
            "password_unchanged",
            "date_format",
            "date_no_such_day",
            "date_before_since",
            "date_year_range",
            "date_outside_meiji",
            "date_outside_taisho",
            "date_outside_showa",
            "date_outside_heisei",
            "date_outside_reiwa",
            "birth_date_range",
            "too_long",
            "office_code_format",
            "non_ascii",
            "at_sign",
            "local_part",
            "local_part_dots",
            "domain",
            "format",
            "check_digit",
            "not_kana",
            "too_short",
            "common",
            "same_as_name",
        ];
        assert_eq!(rule_text(Lang::Ja, Some("x"), "no-such-code", None), None);
        for c in codes {
            assert!(
                rule_text(Lang::Ja, Some("email"), c, Some("9")).is_some(),
                "{c}"
            );
            assert!(
                rule_text(Lang::En, Some("email"), c, Some("9")).is_some(),
                "{c}"
            );
        }
    }
}
