//! The CLI when things fail: a mail server down (R-MAIL-3), hostile input in errors and a full disk
//! (SPEC §5).

use std::process::{Command, Stdio};

use super::{ADMIN_PW, CLERK_PW, Out, ready};

#[test]
fn r_mail_3_sync_with_the_server_down_or_silent_exits_2_and_says_why_in_japanese() {
    let r = ready();
    let o = r.clerk(&[
        "account",
        "register",
        "--kind",
        "employer",
        "--email",
        "info@iidabashi-shoji.co.jp",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let config = |port: u16| {
        std::fs::write(
            r.dir.path().join("none.toml"),
            format!(
                "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\ntimeout_seconds = 1\n"
            ),
        )
        .expect("config");
    };
    let last_reply = || -> String {
        rusqlite::Connection::open(r.db())
            .expect("open")
            .query_row(
                "SELECT last_reply FROM outbox ORDER BY id LIMIT 1",
                [],
                |x| x.get(0),
            )
            .expect("reply")
    };
    // Nobody listens: refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    config(port);
    let o = r.run(None, &["mail", "sync"]);
    assert_eq!(o.code, 2, "{} {}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("1通も送信できませんでした"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("メールサーバーに接続できません"),
        "{}",
        o.stderr
    );
    // The outbox keeps the reply as it came; it is said in the reader's language.
    let said = madoguchi::i18n::delivery::explain(madoguchi::i18n::Lang::Ja, &last_reply());
    assert!(said.starts_with("メールサーバーに接続できません"), "{said}");
    // A server that takes the connection and never answers: lettre's timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    config(silent.local_addr().expect("addr").port());
    // An hour on: the deferred mail is due again.
    let o: Out = r
        .cmd(None, &["mail", "sync"])
        .env("MADOGUCHI_NOW", "2026-04-01T02:00:00Z")
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 2, "{} {}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("応答なし（タイムアウト）"),
        "{}",
        o.stderr
    );
    let said = madoguchi::i18n::delivery::explain(madoguchi::i18n::Lang::Ja, &last_reply());
    assert!(said.starts_with("応答なし（タイムアウト）"), "{said}");
    drop(silent);
}

/// SPEC §5 / issue 17 item 9: text from outside — here what was typed on the command line —
/// never reaches the terminal as a control sequence, in clap's messages and in ours; importing
/// a folder says so in Japanese instead of blaming the database.
#[test]
fn spec_5_cli_errors_never_echo_control_sequences_and_name_the_real_reason() {
    let r = ready();
    let hostile = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}";
    let cases: Vec<Vec<String>> = vec![
        vec![
            "audit".into(),
            "list".into(),
            "--limit".into(),
            hostile.into(),
        ],
        vec!["queue".into(), hostile.into()],
        vec!["import".into(), format!("/nonexistent/{hostile}.jsonl")],
        vec![
            "--as".into(),
            "admin".into(),
            "audit".into(),
            "report".into(),
            "--date".into(),
            hostile.into(),
        ],
    ];
    for args in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = r.run(Some(ADMIN_PW), &args);
        assert_ne!(o.code, 0, "{args:?}");
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(
                !o.stderr.contains(bad) && !o.stdout.contains(bad),
                "{args:?}: {:?}",
                o.stderr
            );
        }
    }
    let o = r.run(None, &["import", "/nonexistent/events.jsonl"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("というファイルはありません"),
        "{}",
        o.stderr
    );
    let o = r.run(None, &["import", r.dir.path().to_str().expect("utf-8")]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("フォルダです"), "{}", o.stderr);
    assert!(!o.stderr.contains("データベース"), "{}", o.stderr);
}

/// Issue 17 (faults of the disk): with the file size limit reached (`ulimit -f`, the writes
/// fail with EFBIG as on a full disk), a registration is refused with a clear Japanese error,
/// nothing of it is kept, and once there is room again the same command works.
#[test]
fn spec_5_a_full_disk_refuses_a_registration_keeps_nothing_and_recovers() {
    let r = ready();
    let args = [
        "--as",
        "tanaka",
        "account",
        "register",
        "--kind",
        "employer",
        "--email",
        "disk@iidabashi-shoji.co.jp",
    ];
    let plain = r.cmd(Some(CLERK_PW), &args);
    let mut limited = Command::new("sh");
    // SIGXFSZ ignored (and so for the program exec'd): a write past the limit fails with EFBIG.
    limited
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; exec \"$@\"")
        .arg("sh")
        .arg(plain.get_program())
        .args(plain.get_args())
        .stdin(Stdio::null());
    for (k, v) in plain.get_envs() {
        match v {
            Some(v) => limited.env(k, v),
            None => limited.env_remove(k),
        };
    }
    let o: Out = limited.output().expect("run").into();
    assert_ne!(o.code, 0, "{}", o.stdout);
    assert!(
        o.stderr
            .contains("ディスクに空きがないため保存できませんでした"),
        "{}",
        o.stderr
    );
    let conn = rusqlite::Connection::open(r.db()).expect("open");
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM accounts WHERE email LIKE 'disk@%'",
            [],
            |x| x.get(0),
        )
        .expect("count");
    assert_eq!(n, 0, "nothing half-written");
    drop(conn);
    let o = r.clerk(&args[2..]);
    assert_eq!(o.code, 0, "works again with room: {}", o.stderr);
    let o = r.run(None, &["audit", "verify"]);
    assert_eq!(o.code, 0, "{} {}", o.stdout, o.stderr);
}
