//! Fixed words of the command line's output (`Label`): headings, column names, short notes.
//! A table of its own: long, and read by name rather than read through.

use crate::i18n::Lang;

use super::pick;

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
    /// `import`: the counts of a file's lines.
    Applied,
    Duplicate,
    Rejected,
    /// `import`: the progress line.
    Importing,
    /// `import watch`: a file imported.
    ImportedFile,
    /// `import watch`: a file that could not be read, moved aside.
    ImportFailedMoved,
    /// `import`: how many deadlines fell in a year without official holiday data (R-DL-2).
    NoOfficialDataDeadlines,
    /// `export`: the counts written.
    Establishments,
    Jobs,
    /// `calendar add|remove|list`.
    ClosureAdded,
    ClosureRemoved,
    NoOfficialHolidayData,
    Holiday,
    Closure,
    /// `account case-conflicts` (R-REG-2): the account that keeps the address.
    CaseHolder,
    /// The TUI: the terminal could not be put into raw mode or the alternate screen.
    TerminalInitFailed,
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
        L::Applied => pick(lang, "適用", "applied"),
        L::Duplicate => pick(lang, "重複", "duplicate"),
        L::Rejected => pick(lang, "不採用", "rejected"),
        L::Importing => pick(lang, "取込中", "importing"),
        L::ImportedFile => pick(lang, "取込", "imported"),
        L::ImportFailedMoved => pick(
            lang,
            "取込失敗（failed/ に移動）",
            "failed (moved to failed/)",
        ),
        L::NoOfficialDataDeadlines => pick(
            lang,
            "祝日の公式データがない年の期限",
            "deadlines in a year without official holiday data",
        ),
        L::Establishments => pick(lang, "事業所", "establishments"),
        L::Jobs => pick(lang, "求人", "jobs"),
        L::ClosureAdded => pick(lang, "閉庁日を追加しました", "closure added"),
        L::ClosureRemoved => pick(lang, "閉庁日を削除しました", "closure removed"),
        L::NoOfficialHolidayData => pick(
            lang,
            "注意: この年の祝日は公式データがありません",
            "warning: no official holiday data for this year",
        ),
        L::Holiday => pick(lang, "祝日", "holiday"),
        L::Closure => pick(lang, "閉庁", "closure"),
        L::CaseHolder => pick(lang, "保持", "holder"),
        L::TerminalInitFailed => pick(lang, "端末を初期化できません", "cannot set up the terminal"),
    }
}
