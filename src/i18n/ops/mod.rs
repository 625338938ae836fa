//! Words of the operations commands: `backup`, `restore`, `doctor`, `--version`. Every text
//! is one arm of an exhaustive match, so a message without both languages does not compile.

use super::Lang;

mod doctor;
pub use doctor::{
    Finding, Level, advice_label, doctor_summary, finding_text, finding_topic, level_label,
};

/// Messages of `backup` and `restore`.
#[derive(Debug, Clone)]
pub enum OpsMsg<'a> {
    /// The destination of a backup already exists.
    BackupExists { path: &'a str },
    /// A file that belongs with the destination (its secret, …) already exists.
    CompanionExists { path: &'a str },
    /// The copy is written and checked.
    BackupDone {
        path: &'a str,
        accounts: i64,
        audit_rows: i64,
        head: &'a str,
        seconds: f64,
    },
    /// A file that goes with the database was copied beside the backup.
    CompanionCopied { from: &'a str, to: &'a str },
    /// What a backup holds and how to keep it.
    BackupWarning,
    /// A check of the copy failed; the copy is removed.
    CheckFailed { what: &'a str, detail: &'a str },
    /// `restore` into a database that exists.
    RestoreTargetExists { path: &'a str },
    /// `restore` from a backup without its install secret.
    RestoreNoSecret { path: &'a str },
    /// `restore` from a file that is not there.
    RestoreNoBackup { path: &'a str },
    /// Restored and checked.
    RestoreDone {
        from: &'a str,
        to: &'a str,
        accounts: i64,
        audit_rows: i64,
    },
    /// `--version`.
    Version { version: &'a str, schema: i64 },
}

/// Fills an operations message.
#[must_use]
pub fn ops_msg(lang: Lang, m: &OpsMsg<'_>) -> String {
    let ja = lang == Lang::Ja;
    match *m {
        OpsMsg::BackupExists { path } => {
            if ja {
                format!(
                    "{path} は既にあります。バックアップは既存のファイルを上書きしません。別の名前を指定してください"
                )
            } else {
                format!(
                    "{path} already exists; a backup never overwrites a file. Give another name"
                )
            }
        }
        OpsMsg::CompanionExists { path } => {
            if ja {
                format!(
                    "{path} が既にあります。データベースに付属するファイルは上書きしません。別の場所を指定してください"
                )
            } else {
                format!(
                    "{path} already exists; files that go with a database are never overwritten. Give another place"
                )
            }
        }
        OpsMsg::BackupDone {
            path,
            accounts,
            audit_rows,
            head,
            seconds,
        } => {
            if ja {
                format!(
                    "バックアップを作成し、検査しました: {path}（{seconds:.1}秒）\n  整合性: ok、外部キー: ok、監査ログの連鎖: 検証済（{audit_rows}行、最新 {head}）、アカウント {accounts}件"
                )
            } else {
                format!(
                    "Backup written and checked: {path} ({seconds:.1} s)\n  integrity: ok, foreign keys: ok, audit chain: verified ({audit_rows} rows, head {head}), {accounts} accounts"
                )
            }
        }
        OpsMsg::CompanionCopied { from, to } => {
            if ja {
                format!("  付属ファイル {from} を {to} にコピーしました")
            } else {
                format!("  copied {from} to {to}")
            }
        }
        OpsMsg::BackupWarning => pick(
            ja,
            "注意: バックアップには個人情報（メールアドレス、氏名、生年月日）と、まだ送られていない認証キーのメール本文が含まれます。\
             データベースと同じ扱い（所有者のみ読める場所、暗号化した媒体）で保管し、保存期間を過ぎたら消去してください。\
             インストール秘密鍵（.secret）はバックアップの隣にコピーしました。これがないと認証キーを照合できず、監査ログの連鎖も検証できません。\
             秘密鍵とデータベースの両方を持つ人は、認証キーを試すことも監査ログを書き換えることもできます。別々の媒体に分けて保管することもできます（復元時に両方が必要です）",
            "Note: a backup holds personal data (addresses, names, birth dates) and the bodies of auth-key mails not sent yet. \
             Keep it like the database (owner-only, encrypted media) and delete it when its retention ends. \
             The install secret (.secret) was copied beside the backup: without it no auth key can be checked and the audit chain cannot be verified. \
             Whoever holds both the secret and the database can test keys and rewrite the audit log; you may keep them on separate media (a restore needs both)",
        ),
        OpsMsg::CheckFailed { what, detail } => {
            if ja {
                format!("検査に失敗しました（{what}）: {detail}")
            } else {
                format!("Check failed ({what}): {detail}")
            }
        }
        OpsMsg::RestoreTargetExists { path } => {
            if ja {
                format!(
                    "{path} は既にあります。使用中かもしれないデータベースは上書きしません。サービスと端末を止め、既存のファイルを別の名前に移してから復元してください"
                )
            } else {
                format!(
                    "{path} exists; a database that may be in use is never overwritten. Stop the services and sessions, move the files aside, then restore"
                )
            }
        }
        OpsMsg::RestoreNoSecret { path } => {
            if ja {
                format!(
                    "バックアップの隣にインストール秘密鍵 {path} がありません。認証キーの照合と監査ログの検証に必要です。バックアップと一緒に保管した .secret を置いてから復元してください"
                )
            } else {
                format!(
                    "No install secret {path} beside the backup: keys and the audit chain need it. Put the .secret kept with the backup there, then restore"
                )
            }
        }
        OpsMsg::RestoreNoBackup { path } => {
            if ja {
                format!("バックアップ {path} がありません")
            } else {
                format!("No backup at {path}")
            }
        }
        OpsMsg::RestoreDone {
            from,
            to,
            accounts,
            audit_rows,
        } => {
            if ja {
                format!(
                    "{from} を検査して {to} に復元しました（アカウント {accounts}件、監査ログ {audit_rows}行、連鎖は検証済）。サービスを起動できます"
                )
            } else {
                format!(
                    "Checked {from} and restored it to {to} ({accounts} accounts, {audit_rows} audit rows, chain verified). The services may start"
                )
            }
        }
        OpsMsg::Version { version, schema } => {
            if ja {
                format!("madoguchi {version}（データベーススキーマ v{schema}）")
            } else {
                format!("madoguchi {version} (database schema v{schema})")
            }
        }
    }
}

fn pick(ja: bool, j: &str, e: &str) -> String {
    if ja { j.to_string() } else { e.to_string() }
}
