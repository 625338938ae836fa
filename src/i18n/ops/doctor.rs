//! The words of `madoguchi doctor`: each finding's topic, text and advice, the levels and the
//! summary line. Apart from the backup and restore messages (`mod.rs`) because a finding is a
//! long table of its own.

use crate::i18n::Lang;

use super::pick;

/// The three levels of a `doctor` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Bad,
}

/// 正常 / 注意 / 異常.
#[must_use]
pub fn level_label(lang: Lang, l: Level) -> &'static str {
    match (lang, l) {
        (Lang::Ja, Level::Ok) => "正常",
        (Lang::Ja, Level::Warn) => "注意",
        (Lang::Ja, Level::Bad) => "異常",
        (Lang::En, Level::Ok) => "ok",
        (Lang::En, Level::Warn) => "warning",
        (Lang::En, Level::Bad) => "fault",
    }
}

/// What one `doctor` line found, with the data its text needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    IntegrityOk,
    IntegrityBad {
        first: String,
    },
    ForeignKeysBad {
        rows: usize,
    },
    TriggersOk {
        count: usize,
    },
    TriggersMissing {
        names: String,
    },
    ChainOk {
        rows: i64,
    },
    ChainBroken {
        id: i64,
        why: String,
    },
    ModesOk {
        files: usize,
    },
    ModeTooOpen {
        path: String,
        mode: u32,
    },
    NotOwner {
        path: String,
    },
    ConfigFile {
        path: String,
    },
    ConfigDefaults,
    SmtpPasswordMissing {
        source: String,
    },
    SmtpSpool {
        dir: String,
    },
    SmtpOk {
        host: String,
        port: u16,
        reply: String,
    },
    SmtpTlsOnlyConnected {
        host: String,
        port: u16,
    },
    SmtpNoStarttls {
        host: String,
        port: u16,
    },
    SmtpUnreachable {
        host: String,
        port: u16,
        error: String,
    },
    Spool {
        files: u64,
        bytes: u64,
    },
    Wal {
        bytes: u64,
    },
    MailNoneWaiting,
    MailOldest {
        minutes: i64,
    },
    CalendarOk {
        newest: i32,
    },
    CalendarEnding {
        newest: i32,
    },
    CalendarMissing {
        year: i32,
    },
    MinWageOk {
        newest: i32,
    },
    MinWageOld {
        newest: i32,
    },
    MinWageNone,
}

/// The name of the line a finding is on.
#[must_use]
pub fn finding_topic(lang: Lang, f: &Finding) -> &'static str {
    use Finding as F;
    let ja = lang == Lang::Ja;
    let (j, e) = match f {
        F::IntegrityOk | F::IntegrityBad { .. } => ("データベースの整合性", "database integrity"),
        F::ForeignKeysBad { .. } => ("外部キー", "foreign keys"),
        F::TriggersOk { .. } | F::TriggersMissing { .. } => ("トリガー", "triggers"),
        F::ChainOk { .. } | F::ChainBroken { .. } => ("監査ログの連鎖", "audit chain"),
        F::ModesOk { .. } | F::ModeTooOpen { .. } | F::NotOwner { .. } => {
            ("ファイルの権限", "file modes")
        }
        F::ConfigFile { .. } | F::ConfigDefaults | F::SmtpPasswordMissing { .. } => {
            ("設定", "configuration")
        }
        F::SmtpSpool { .. }
        | F::SmtpOk { .. }
        | F::SmtpTlsOnlyConnected { .. }
        | F::SmtpNoStarttls { .. }
        | F::SmtpUnreachable { .. } => ("メールサーバ", "mail server"),
        F::Spool { .. } => ("スプール", "spool"),
        F::Wal { .. } => ("WAL", "WAL"),
        F::MailNoneWaiting | F::MailOldest { .. } => ("未送信メール", "unsent mail"),
        F::CalendarOk { .. } | F::CalendarEnding { .. } | F::CalendarMissing { .. } => {
            ("祝日カレンダー", "holiday calendar")
        }
        F::MinWageOk { .. } | F::MinWageOld { .. } | F::MinWageNone => {
            ("最低賃金表", "minimum wage table")
        }
    };
    if ja { j } else { e }
}

fn size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let mib = bytes as f64 / (1024.0 * 1024.0);
    format!("{mib:.1} MiB")
}

/// What a finding says, and what to do about it (empty when nothing is to be done).
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn finding_text(lang: Lang, f: &Finding) -> (String, String) {
    use Finding as F;
    let ja = lang == Lang::Ja;
    let none = String::new;
    match f {
        F::IntegrityOk => (
            pick(ja, "integrity_check: ok", "integrity_check: ok"),
            none(),
        ),
        F::IntegrityBad { first } => (
            if ja {
                format!("integrity_check が異常を報告しました: {first}")
            } else {
                format!("integrity_check reports: {first}")
            },
            pick(
                ja,
                "サービスを止め、最新のバックアップ（madoguchi restore）かレプリカ（litestream restore）から復元してください",
                "Stop the services and restore the latest backup (madoguchi restore) or replica (litestream restore)",
            ),
        ),
        F::ForeignKeysBad { rows } => (
            if ja {
                format!("foreign_key_check: 参照先のない行が {rows} 行あります")
            } else {
                format!("foreign_key_check: {rows} rows point at nothing")
            },
            pick(
                ja,
                "開発元に連絡し、バックアップから復元するか判断してください",
                "Contact the maintainers; consider restoring a backup",
            ),
        ),
        F::TriggersOk { count } => (
            if ja {
                format!("{count} 個すべてあります")
            } else {
                format!("all {count} present")
            },
            none(),
        ),
        F::TriggersMissing { names } => (
            if ja {
                format!("ありません: {names}（監査ログの追記専用などの保護が働きません）")
            } else {
                format!("missing: {names} (append-only audit and other protections are off)")
            },
            pick(
                ja,
                "誰かがスキーマを変えました。監査担当に報告し、バックアップから復元してください",
                "Someone changed the schema: tell the auditors and restore a backup",
            ),
        ),
        F::ChainOk { rows } => (
            if ja {
                format!("{rows} 行を検証しました")
            } else {
                format!("{rows} rows verified")
            },
            none(),
        ),
        F::ChainBroken { id, why } => (
            if ja {
                format!("行 {id} で連鎖が切れています: {why}")
            } else {
                format!("broken at row {id}: {why}")
            },
            pick(
                ja,
                "改ざんの疑いがあります。データベースを保全（コピー）し、監査担当に報告してください",
                "Possible tampering: preserve a copy of the database and tell the auditors",
            ),
        ),
        F::ModesOk { files } => (
            if ja {
                format!("{files} 個のファイル・フォルダは所有者のみ読み書きできます")
            } else {
                format!("{files} files and folders are owner-only")
            },
            none(),
        ),
        F::ModeTooOpen { path, mode } => (
            if ja {
                format!("{path} は他の利用者も読めます（{mode:o}）")
            } else {
                format!("{path} is readable by others ({mode:o})")
            },
            format!("chmod go-rwx {path}"),
        ),
        F::NotOwner { path } => (
            if ja {
                format!("{path} の所有者がこのサービスアカウントではありません")
            } else {
                format!("{path} is not owned by this service account")
            },
            pick(
                ja,
                "chown でサービスアカウントの所有にしてください（docs/deploy.md）",
                "chown it to the service account (docs/deploy.md)",
            ),
        ),
        F::ConfigFile { path } => (
            if ja {
                format!("{path} を読み込みました")
            } else {
                format!("{path} read")
            },
            none(),
        ),
        F::ConfigDefaults => (
            pick(
                ja,
                "設定ファイルがないため既定値で動いています",
                "No configuration file: running on the defaults",
            ),
            pick(
                ja,
                "安定所の電話番号・送信元アドレスなどを設定ファイルに書いてください（README「Configuration」）",
                "Write the office's phone, sender address and so on into a configuration file (README, Configuration)",
            ),
        ),
        F::SmtpPasswordMissing { source } => (
            if ja {
                format!("SMTP パスワードが読めません: {source}")
            } else {
                format!("the SMTP password cannot be read: {source}")
            },
            pick(
                ja,
                "smtp.password_file のファイルか smtp.password_env の環境変数を用意してください",
                "Provide smtp.password_file or the smtp.password_env variable",
            ),
        ),
        F::SmtpSpool { dir } => (
            if ja {
                format!(
                    "スプールモード（smtp.host が空）: メールは {dir} に .eml として書かれ、送信されません"
                )
            } else {
                format!(
                    "spool mode (no smtp.host): mails are written to {dir} as .eml and not sent"
                )
            },
            pick(
                ja,
                "本番では [smtp] host を設定してください",
                "Set [smtp] host in production",
            ),
        ),
        F::SmtpOk { host, port, reply } => (
            if ja {
                format!("{host}:{port} が EHLO に応答しました（{reply}）")
            } else {
                format!("{host}:{port} answered EHLO ({reply})")
            },
            none(),
        ),
        F::SmtpTlsOnlyConnected { host, port } => (
            if ja {
                format!("{host}:{port} に接続できました（TLS 接続のため EHLO は確かめていません）")
            } else {
                format!("{host}:{port} accepts connections (TLS port: EHLO not tried)")
            },
            none(),
        ),
        F::SmtpNoStarttls { host, port } => (
            if ja {
                format!("{host}:{port} は STARTTLS を提供していません（smtp.security = starttls）")
            } else {
                format!("{host}:{port} does not offer STARTTLS (smtp.security = starttls)")
            },
            pick(
                ja,
                "メールサーバの設定か smtp.security / smtp.port を確かめてください",
                "Check the mail server, or smtp.security / smtp.port",
            ),
        ),
        F::SmtpUnreachable { host, port, error } => (
            if ja {
                format!("{host}:{port} に届きません: {error}")
            } else {
                format!("{host}:{port} unreachable: {error}")
            },
            pick(
                ja,
                "メールは再送待ちになります。ネットワーク・ファイアウォール・smtp.host を確かめてください",
                "Mail waits for retries: check the network, firewall and smtp.host",
            ),
        ),
        F::Spool { files, bytes } => (
            if ja {
                format!("{files} 通、{}", size(*bytes))
            } else {
                format!("{files} files, {}", size(*bytes))
            },
            if *files > 10_000 {
                pick(
                    ja,
                    "スプールのメールを取り出す仕組みが止まっていないか確かめ、処理済みのファイルを片付けてください",
                    "Check whatever picks up the spool, and clear files already handled",
                )
            } else {
                none()
            },
        ),
        F::Wal { bytes } => (
            size(*bytes),
            if *bytes > 64 * 1024 * 1024 {
                pick(
                    ja,
                    "チェックポイントが進んでいません。長時間の読み取り（止まったレプリケータなど）がないか確かめてください",
                    "Checkpoints are not keeping up: look for a long-running reader (a stuck replicator)",
                )
            } else {
                none()
            },
        ),
        F::MailNoneWaiting => (
            pick(ja, "送信待ちのメールはありません", "no mail waiting"),
            none(),
        ),
        F::MailOldest { minutes } => (
            if ja {
                format!("最も古い送信待ちは {minutes} 分前から")
            } else {
                format!("the oldest waiting mail was queued {minutes} minutes ago")
            },
            if *minutes > 60 {
                pick(
                    ja,
                    "mail sync --watch が動いているか（systemctl status madoguchi-mail）、madoguchi mail list で理由を確かめてください",
                    "Check that mail sync --watch runs (systemctl status madoguchi-mail) and why, with madoguchi mail list",
                )
            } else {
                none()
            },
        ),
        F::CalendarOk { newest } => (
            if ja {
                format!("{newest}年まで")
            } else {
                format!("up to {newest}")
            },
            none(),
        ),
        F::CalendarEnding { newest } => (
            if ja {
                format!("祝日データは {newest}年まで。来年の分がありません")
            } else {
                format!("holidays up to {newest}; next year is missing")
            },
            pick(
                ja,
                "祝日データを含む新しい版に更新してください（閉庁日は calendar add でも登録できます）",
                "Update to a version with next year's holidays (closures can also be added with calendar add)",
            ),
        ),
        F::CalendarMissing { year } => (
            if ja {
                format!("{year}年の祝日データがありません（期限が祝日を飛ばしません）")
            } else {
                format!("no holidays for {year} (deadlines do not skip them)")
            },
            pick(
                ja,
                "新しい版に更新するか、祝日を calendar add で登録してください",
                "Update, or add the holidays with calendar add",
            ),
        ),
        F::MinWageOk { newest } => (
            if ja {
                format!("{newest}年度まで")
            } else {
                format!("up to FY{newest}")
            },
            none(),
        ),
        F::MinWageOld { newest } => (
            if ja {
                format!("{newest}年度までで、今年度の額がありません")
            } else {
                format!("ends with FY{newest}; this year's amounts are missing")
            },
            pick(
                ja,
                "新しい年度の額を data.minimum_wage_file の CSV に追加してください（README「Minimum wage」）",
                "Add the new year's amounts in the data.minimum_wage_file CSV (README, Minimum wage)",
            ),
        ),
        F::MinWageNone => (
            pick(ja, "表が空です", "the table is empty"),
            pick(
                ja,
                "data.minimum_wage_file を確かめてください",
                "Check data.minimum_wage_file",
            ),
        ),
    }
}

/// The closing line of `doctor`.
#[must_use]
pub fn doctor_summary(lang: Lang, worst: Level) -> &'static str {
    match (lang, worst) {
        (Lang::Ja, Level::Ok) => "すべて正常です",
        (Lang::Ja, Level::Warn) => "注意があります（終了コード 1）",
        (Lang::Ja, Level::Bad) => "異常があります（終了コード 2）",
        (Lang::En, Level::Ok) => "all well",
        (Lang::En, Level::Warn) => "warnings (exit status 1)",
        (Lang::En, Level::Bad) => "faults (exit status 2)",
    }
}

/// The label before the advice.
#[must_use]
pub fn advice_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "対処",
        Lang::En => "to do",
    }
}
