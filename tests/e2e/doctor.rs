//! `madoguchi doctor` (issue 18), the real binary: one line per check with 正常/注意/異常 and
//! what to do; exit 0, 1 or 2 by the worst. Also `completions`, `man` and `--version`.

use crate::common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");
/// A June day: the bundled holiday calendar and minimum wage table are current then.
const JUNE: &str = "2026-06-01T01:00:00Z";

fn doctor(db: &Path, config: &Path, now: &str, extra: &[&str]) -> (Output, String) {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .arg("--config")
        .arg(config)
        .args(extra)
        .arg("doctor")
        .env("MADOGUCHI_NOW", now)
        .stdin(Stdio::null())
        .output()
        .expect("doctor");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    (out, text)
}

/// A one-connection-at-a-time SMTP stub on 127.0.0.1 that greets, answers EHLO with
/// STARTTLS offered and QUIT; enough for doctor's EHLO check.
fn smtp_stub() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let mut w = s.try_clone().expect("clone");
            let _ = w.write_all(b"220 stub ESMTP\r\n");
            let mut r = BufReader::new(s);
            let mut line = String::new();
            while r.read_line(&mut line).is_ok_and(|n| n > 0) {
                if line.starts_with("EHLO") {
                    let _ = w.write_all(b"250-stub\r\n250-8BITMIME\r\n250 STARTTLS\r\n");
                } else {
                    let _ = w.write_all(b"221 bye\r\n");
                    break;
                }
                line.clear();
            }
        }
    });
    port
}

fn config(dir: &Path, smtp_port: Option<u16>) -> std::path::PathBuf {
    let p = dir.join("madoguchi.toml");
    let smtp = smtp_port.map_or_else(String::new, |port| {
        format!("[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"starttls\"\n")
    });
    std::fs::write(&p, format!("[office]\nphone = \"03-0000-0000\"\n{smtp}")).expect("config");
    p
}

#[test]
fn doctor_on_a_healthy_install_is_all_normal_and_exits_0() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("madoguchi.db");
    drop(common::office(&db, false));
    let cfg = config(tmp.path(), Some(smtp_stub()));
    let (out, text) = doctor(&db, &cfg, JUNE, &[]);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for topic in [
        "データベースの整合性",
        "トリガー",
        "監査ログの連鎖",
        "ファイルの権限",
        "設定",
        "メールサーバ",
        "スプール",
        "WAL",
        "未送信メール",
        "祝日カレンダー",
        "最低賃金表",
    ] {
        assert!(
            text.contains(&format!("[正常] {topic}")),
            "{topic}:\n{text}"
        );
    }
    assert!(text.contains("EHLO"), "{text}");
    assert!(text.contains("すべて正常です"));
    // --json: the same checks, machine-readable.
    let (out, json) = doctor(&db, &cfg, JUNE, &["--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["worst"], "ok");
    assert!(v["checks"].as_array().expect("checks").len() >= 11);
}

#[test]
fn doctor_warns_on_spool_mode_and_old_tables_and_exits_1() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("madoguchi.db");
    drop(common::office(&db, false));
    let cfg = config(tmp.path(), None);
    // December 2026: the bundled holidays end with 2026, the wage table with FY2025.
    let (out, text) = doctor(&db, &cfg, "2026-12-07T01:00:00Z", &[]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("[注意] メールサーバ: スプールモード"),
        "{text}"
    );
    assert!(text.contains("[注意] 祝日カレンダー"), "{text}");
    assert!(text.contains("[注意] 最低賃金表"), "{text}");
    assert!(
        text.contains("対処: "),
        "each warning says what to do:\n{text}"
    );
    assert!(!text.contains("[異常]"), "{text}");
}

#[test]
fn doctor_finds_open_modes_missing_triggers_a_broken_chain_stuck_mail_and_exits_2() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("madoguchi.db");
    let (mut store, admin) = common::office(&db, false);
    // A mail waiting since the office's creation (2026-11-24), checked two days later.
    let now = madoguchi::clock::parse_rfc3339(common::NOW).expect("now");
    let clerk = madoguchi::service::auth::sign_in(&mut store, "tanaka", common::CLERK_PW, "t", now)
        .expect("sign in")
        .ctx;
    madoguchi::service::accounts::register(
        &mut store,
        &madoguchi::config::Config::default(),
        &clerk,
        &madoguchi::service::accounts::RegisterInput {
            kind: Some(madoguchi::domain::account::AccountKind::Employer),
            email: "saiyou@yamada-kensetsu.co.jp".into(),
            email_confirm: "saiyou@yamada-kensetsu.co.jp".into(),
            accept_warnings: true,
            ..Default::default()
        },
    )
    .expect("register");
    drop(admin);
    // Someone with the file removes a protection and edits the log.
    let trigger: String = store
        .conn()
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("an audit trigger");
    store
        .conn()
        .execute_batch(&format!(
            "DROP TRIGGER {trigger}; \
             DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;"
        ))
        .expect("drop");
    store
        .conn()
        .execute("UPDATE audit_log SET action = 'edited' WHERE id = 1", [])
        .expect("edit");
    drop(store);
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let cfg = config(tmp.path(), Some(common::tools::free_port()));
    let (out, text) = doctor(&db, &cfg, "2026-11-26T01:30:00Z", &[]);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("[異常] トリガー"), "{text}");
    assert!(text.contains("[異常] 監査ログの連鎖"), "{text}");
    assert!(text.contains("[異常] ファイルの権限"), "{text}");
    assert!(text.contains("chmod go-rwx"), "{text}");
    assert!(text.contains("[異常] メールサーバ"), "{text}");
    assert!(text.contains("[異常] 未送信メール"), "{text}");
    assert!(text.contains("異常があります（終了コード 2）"), "{text}");
    // English too.
    let (out, text) = doctor(&db, &cfg, "2026-11-26T01:30:00Z", &["--lang", "en"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text.contains("[fault] audit chain"), "{text}");
}

#[test]
fn completions_man_page_and_version_come_from_the_command_definitions() {
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .env("MADOGUCHI_CONFIG", "/nonexistent/madoguchi.toml")
            .stdin(Stdio::null())
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let bash = run(&["completions", "bash"]);
    assert!(bash.contains("complete -F _madoguchi"), "{bash}");
    for sub in ["backup", "restore", "doctor", "lookup", "review"] {
        assert!(bash.contains(sub), "{sub}");
    }
    assert!(run(&["completions", "zsh"]).starts_with("#compdef madoguchi"));
    assert!(run(&["completions", "fish"]).contains("complete -c madoguchi"));
    let man = run(&["man"]);
    assert!(man.contains(".TH madoguchi 1"), "{man}");
    assert!(man.contains("doctor") && man.contains("backup"));
    let version = run(&["--version"]);
    let schema = madoguchi::storage::migrate::current_version();
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");
    assert!(version.contains(&format!("v{schema}")), "{version}");
}
