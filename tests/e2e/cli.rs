//! The real binary, as a clerk or a script runs it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");
const NOW: &str = "2026-04-01T01:00:00Z"; // 10:00 in Japan
const ADMIN_PW: &str = "root-of-trust-phrase";
const CLERK_PW: &str = "clerk-secret-passphrase";

struct Run {
    dir: tempfile::TempDir,
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Out {
    fn from(o: Output) -> Out {
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    fn db(&self) -> PathBuf {
        self.dir.path().join("madoguchi.db")
    }

    fn cmd(&self, password: Option<&str>, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--db")
            .arg(self.db())
            .args(args)
            .env("MADOGUCHI_NOW", NOW)
            .env("MADOGUCHI_CONFIG", self.dir.path().join("none.toml"))
            .env_remove("MADOGUCHI_DB")
            .env_remove("MADOGUCHI_AS")
            .env_remove("MADOGUCHI_PASSWORD")
            .env_remove("MADOGUCHI_NEW_PASSWORD")
            .stdin(Stdio::null());
        if let Some(p) = password {
            c.env("MADOGUCHI_PASSWORD", p);
        }
        c
    }

    fn run(&self, password: Option<&str>, args: &[&str]) -> Out {
        self.cmd(password, args).output().expect("run").into()
    }

    fn with_stdin(&self, password: Option<&str>, args: &[&str], input: &str) -> Out {
        let mut child = self
            .cmd(password, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
        child.wait_with_output().expect("wait").into()
    }

    /// The Internet Service's events, imported as the system (no `--as`).
    fn import(&self, name: &str, lines: &str) -> Out {
        let f = self.dir.path().join(name);
        std::fs::write(&f, lines).expect("events");
        self.run(None, &["import", f.to_str().expect("utf-8 path")])
    }

    fn clerk(&self, args: &[&str]) -> Out {
        let mut a = vec!["--as", "tanaka"];
        a.extend_from_slice(args);
        self.run(Some(CLERK_PW), &a)
    }
}

/// init, a counter clerk `tanaka` who has changed the temporary password.
fn ready() -> Run {
    let r = Run {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let o = r.run(
        Some(ADMIN_PW),
        &[
            "init",
            "--office-code",
            "13010",
            "--office-name",
            "飯田橋",
            "--admin",
            "admin",
            // SPEC §6: these tests run at MADOGUCHI_NOW, so on a training database.
            "--training",
        ],
    );
    assert_eq!(o.code, 0, "init: {}", o.stderr);
    assert!(o.stdout.contains("初期化しました"), "{}", o.stdout);
    let o = r.run(
        Some(ADMIN_PW),
        &[
            "--as",
            "admin",
            "staff",
            "add",
            "tanaka",
            "--role",
            "counter",
            "--display-name",
            "田中 花子",
            "--json",
        ],
    );
    assert_eq!(o.code, 0, "staff add: {}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let temp = v["temporary_password"].as_str().expect("temp").to_string();
    // R-AUTH-4: nothing but the password change before that.
    let o = r.run(
        Some(&temp),
        &["--as", "tanaka", "account", "show", "nobody@example.co.jp"],
    );
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(o.stderr.contains("passwd"), "{}", o.stderr);
    let o = r
        .cmd(Some(&temp), &["--as", "tanaka", "passwd"])
        .env("MADOGUCHI_NEW_PASSWORD", CLERK_PW)
        .output()
        .expect("passwd");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    r
}

fn newest_key(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open");
    let body: String = conn
        .query_row(
            "SELECT body FROM outbox WHERE body IS NOT NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("body");
    let line = body
        .lines()
        .find(|l| l.contains("認証キー："))
        .expect("key line");
    line.split_once('：')
        .expect("colon")
        .1
        .split_whitespace()
        .next()
        .expect("key")
        .to_string()
}

#[test]
fn cli_register_show_reissue_activate_and_verify() {
    let r = ready();
    let o = r.clerk(&[
        "account",
        "register",
        "--kind",
        "employer",
        "--email",
        "info@iidabashi-shoji.co.jp",
        "--establishment-number",
        "1301-999999-9",
        "--accept-warnings",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("登録しました: 求人者アカウント #1"),
        "{}",
        o.stdout
    );
    // R-REG-4: no key at the counter, only the guidance mail.
    assert!(
        o.stdout.contains("お客様のパスワード登録待ち"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("メールアドレス登録のお知らせ"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("認証キーの有効期限"), "{}", o.stdout);

    let o = r.clerk(&["account", "show", "info@iidabashi-shoji.co.jp"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("お客様のパスワード登録待ち"),
        "R-REG-6: {}",
        o.stdout
    );
    assert!(
        o.stdout.contains("窓口でメールアドレス登録"),
        "R-REG-6: {}",
        o.stdout
    );
    assert!(o.stdout.contains("[送信待ち]"), "R-MAIL-5: {}", o.stdout);

    // R-KEY-0: the customer asks online; the key mail goes out then.
    let o = r.import(
        "pw.jsonl",
        "{\"event_id\":\"pw-1\",\"occurred_at\":\"2026-04-01T09:55:00+09:00\",\"type\":\"password.requested\",\"email\":\"info@iidabashi-shoji.co.jp\"}\n",
    );
    assert_eq!(o.code, 0, "{} {}", o.stdout, o.stderr);
    let o = r.clerk(&["account", "show", "info@iidabashi-shoji.co.jp"]);
    assert!(
        o.stdout.contains("認証キー発行済（10:50 まで有効）"),
        "R-REG-6: {}",
        o.stdout
    );
    assert!(
        o.stdout.contains("パスワード登録申込受付通知"),
        "{}",
        o.stdout
    );

    let o = r.clerk(&["account", "reissue-key", "info@iidabashi-shoji.co.jp"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("認証キーを再発行しました"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("1 通を取消"), "R-MAIL-6: {}", o.stdout);
    let o = r.clerk(&["account", "show", "info@iidabashi-shoji.co.jp"]);
    assert!(o.stdout.contains("[取消]"), "{}", o.stdout);

    let key = newest_key(&r.db());
    // R-KEY-2: `mail show` shows the queued key mail with the key masked, JSON too.
    let mail_id: i64 = rusqlite::Connection::open(r.db())
        .expect("open")
        .query_row(
            "SELECT id FROM outbox WHERE body IS NOT NULL ORDER BY id DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .expect("mail id");
    for json in [false, true] {
        let id = mail_id.to_string();
        let mut args = vec!["mail", "show", id.as_str()];
        if json {
            args.insert(0, "--json");
        }
        let o = r.clerk(&args);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(o.stdout.contains("****-****-****"), "{}", o.stdout);
        assert!(
            !o.stdout.contains(&key),
            "R-KEY-2: the key is shown: {}",
            o.stdout
        );
        assert!(!o.stdout.contains(&key.replace('-', "")), "{}", o.stdout);
    }
    let o = r.with_stdin(
        Some(CLERK_PW),
        &[
            "--as",
            "tanaka",
            "account",
            "activate",
            "info@iidabashi-shoji.co.jp",
        ],
        "ZZZZ-ZZZZ-ZZZZ\n",
    );
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stdout.contains("認証キーが違います（あと 9 回）"),
        "{}",
        o.stdout
    );
    let o = r.with_stdin(
        Some(CLERK_PW),
        &[
            "--as",
            "tanaka",
            "account",
            "activate",
            "info@iidabashi-shoji.co.jp",
        ],
        &format!("{key}\n"),
    );
    assert_eq!(o.code, 0, "{} {}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("アカウント登録完了。マイページが開設されました"),
        "{}",
        o.stdout
    );
    let o = r.with_stdin(
        Some(CLERK_PW),
        &[
            "--as",
            "tanaka",
            "account",
            "activate",
            "info@iidabashi-shoji.co.jp",
        ],
        &format!("{key}\n"),
    );
    assert_eq!(o.code, 3);
    assert!(o.stdout.contains("使用済み"), "R-KEY-6: {}", o.stdout);

    let o = r.run(None, &["audit", "verify"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("正常"), "{}", o.stdout);

    let conn = rusqlite::Connection::open(r.db()).expect("open");
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = 'ok2' WHERE id = 4;",
    )
    .expect("tamper");
    let o = r.run(None, &["audit", "verify"]);
    assert_eq!(o.code, 5, "R-AUD-2: {}", o.stdout);
    assert!(
        o.stderr.contains("#4"),
        "names the first bad row: {}",
        o.stderr
    );
}

/// Issue 17 item 6 (R-KEY-2): a counter clerk's `mail show` of a queued key mail shows the
/// mail with its key masked, in text and in JSON; the key stays only in the queued body.
#[test]
fn r_key_2_mail_show_masks_a_queued_key_for_a_counter_clerk() {
    let r = ready();
    let o = r.clerk(&[
        "account",
        "register",
        "--kind",
        "employer",
        "--email",
        "key@iidabashi-shoji.co.jp",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = r.import(
        "pw.jsonl",
        "{\"event_id\":\"pw-k\",\"occurred_at\":\"2026-04-01T09:55:00+09:00\",\"type\":\"password.requested\",\"email\":\"key@iidabashi-shoji.co.jp\"}\n",
    );
    assert_eq!(o.code, 0, "{} {}", o.stdout, o.stderr);
    let key = newest_key(&r.db());
    let id: i64 = rusqlite::Connection::open(r.db())
        .expect("open")
        .query_row(
            "SELECT id FROM outbox WHERE body IS NOT NULL ORDER BY id DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .expect("mail id");
    let id = id.to_string();
    for args in [
        vec!["mail", "show", id.as_str()],
        vec!["--json", "mail", "show", id.as_str()],
        vec!["mail", "list"],
        vec!["account", "show", "key@iidabashi-shoji.co.jp"],
    ] {
        let o = r.clerk(&args);
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
        for shown in [&o.stdout, &o.stderr] {
            assert!(!shown.contains(&key), "{args:?} shows the key: {shown}");
            assert!(!shown.contains(&key.replace('-', "")), "{args:?}: {shown}");
        }
    }
    let o = r.clerk(&["mail", "show", &id]);
    assert!(o.stdout.contains("****-****-****"), "{}", o.stdout);
}

#[test]
fn cli_register_json_is_parseable() {
    let r = ready();
    let o = r.clerk(&[
        "account",
        "register",
        "--kind",
        "seeker",
        "--email",
        "yamada.taro@example.ne.jp",
        "--birth-date",
        "1990-04-01",
        "--name",
        "山田 太郎",
        "--kana",
        "ヤマダ タロウ",
        "--seeker-number",
        "13010-12345678",
        "--json",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["account_id"], 1);
    assert_eq!(v["kind"], "seeker");
    assert!(v.get("key_expires_jst").is_none(), "R-REG-4: no key yet");
    assert_eq!(
        v["mail"]["subject"],
        "【ハローワーク】メールアドレス登録のお知らせ"
    );

    let o = r.clerk(&["account", "show", "yamada.taro@example.ne.jp", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["account"]["state"], "key_pending");
    assert_eq!(v["account"]["origin"], "counter");
    assert_eq!(v["status"]["status"], "awaiting_request");
    assert_eq!(v["key_expired"], false);
    assert_eq!(v["mails"][0]["state"], "queued");
}

#[test]
fn r_reg_1_validation_failure_exits_3_with_every_issue_in_japanese() {
    let r = ready();
    let o = r.clerk(&[
        "account",
        "register",
        "--kind",
        "employer",
        "--email",
        "a@example.co.jp",
        "--email-confirm",
        "b@example.co.jp",
    ]);
    assert_eq!(o.code, 3);
    assert!(
        o.stderr
            .contains("[エラー] メールアドレス（確認）: 1回目の入力と一致しません"),
        "{}",
        o.stderr
    );
    let o = r.clerk(&[
        "account",
        "register",
        "--kind",
        "seeker",
        "--email",
        "s@example.co.jp",
        "--json",
    ]);
    assert_eq!(o.code, 3);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let fields: Vec<&str> = v["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter_map(|i| i["field"].as_str())
        .collect();
    for f in ["birth_date", "name", "name_kana", "seeker_number"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
}

#[test]
fn r_reg_3_free_mail_warning_refused_unless_accepted() {
    let r = ready();
    let args = [
        "account",
        "register",
        "--kind",
        "employer",
        "--email",
        "shop@gmail.com",
    ];
    let o = r.clerk(&args);
    assert_eq!(o.code, 3);
    assert!(
        o.stderr.contains("[警告] メールアドレス: フリーメール"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("--accept-warnings"), "{}", o.stderr);
    let mut accepted = args.to_vec();
    accepted.push("--accept-warnings");
    let o = r.clerk(&accepted);
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn r_reg_2_duplicate_names_the_holder_and_exits_3() {
    let r = ready();
    let args = [
        "account",
        "register",
        "--kind",
        "employer",
        "--email",
        "dup@example.co.jp",
    ];
    assert_eq!(r.clerk(&args).code, 0);
    let o = r.clerk(&[
        "account",
        "register",
        "--kind",
        "employer",
        "--email",
        "dup@EXAMPLE.co.jp",
    ]);
    assert_eq!(o.code, 3);
    assert!(
        o.stderr
            .contains("既に使われています（求人者アカウント #1 が使用中）"),
        "{}",
        o.stderr
    );
}

#[test]
fn r_reg_2_fullwidth_email_gets_the_half_width_hint() {
    let r = ready();
    let o = r.clerk(&[
        "account",
        "register",
        "--kind",
        "employer",
        "--email",
        "ｔａｒｏ@example.co.jp",
    ]);
    assert_eq!(o.code, 3, "{}", o.stdout);
    assert!(
        o.stderr
            .contains("全角文字が含まれています。半角に変換した「taro@example.co.jp」"),
        "{}",
        o.stderr
    );
}

#[test]
fn cli_lang_en_gives_english() {
    let r = ready();
    let o = r.clerk(&[
        "--lang",
        "en",
        "account",
        "register",
        "--kind",
        "employer",
        "--email",
        "a@example.co.jp",
        "--email-confirm",
        "b@example.co.jp",
    ]);
    assert_eq!(o.code, 3);
    assert!(
        o.stderr
            .contains("Email (again): does not match the first entry"),
        "{}",
        o.stderr
    );
    let o = r.run(
        Some("not-the-password"),
        &["--lang", "en", "--as", "tanaka", "staff", "list"],
    );
    assert_eq!(o.code, 4);
    assert!(
        o.stderr.contains("ID or password is wrong"),
        "R-AUTH-2: {}",
        o.stderr
    );
}

#[test]
fn spec_6_invalid_now_is_reported_once() {
    let r = ready();
    let o = r
        .cmd(None, &["audit", "verify"])
        .env("MADOGUCHI_NOW", "yesterday")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("MADOGUCHI_NOW").count(), 1, "{err}");
    assert_eq!(o.status.code(), Some(0));
}

const LIVE_INIT: [&str; 7] = [
    "init",
    "--office-code",
    "13010",
    "--office-name",
    "飯田橋",
    "--admin",
    "admin",
];

fn audit_rows(db: &Path) -> Vec<(i64, String, String)> {
    let c = rusqlite::Connection::open(db).expect("open");
    let mut s = c
        .prepare("SELECT id, at_utc, action FROM audit_log ORDER BY id")
        .expect("prepare");
    s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn spec_6_now_is_refused_on_a_live_database() {
    let r = Run {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    // `init` of a live database at a faked time: refused before anything is made.
    let o = r.run(Some(ADMIN_PW), &LIVE_INIT);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("研修用データベース"), "{}", o.stderr);
    assert!(!r.db().exists(), "no database made");
    // A live database, made at the real time…
    let o = r
        .cmd(Some(ADMIN_PW), &LIVE_INIT)
        .env_remove("MADOGUCHI_NOW")
        .output()
        .expect("init");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let before = audit_rows(&r.db());
    // …refuses every command and the TUI at a faked time, even one that does not parse.
    for now in [NOW, "yesterday"] {
        for args in [
            &["--as", "admin", "staff", "list"][..],
            &["audit", "verify"],
            &[],
        ] {
            let o = r
                .cmd(Some(ADMIN_PW), args)
                .env("MADOGUCHI_NOW", now)
                .output()
                .expect("run");
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.contains("MADOGUCHI_NOW") && err.contains("本番のデータベース"),
                "{err}"
            );
        }
    }
    assert_eq!(
        audit_rows(&r.db()),
        before,
        "nothing written at a faked time"
    );
}

#[test]
fn spec_6_now_is_honoured_on_a_training_database() {
    let r = ready();
    let rows = audit_rows(&r.db());
    let training = rows
        .iter()
        .find(|(_, _, a)| a == "settings.training")
        .expect("the mark is audited");
    assert_eq!(training.1, NOW);
    assert!(
        rows.iter()
            .all(|(_, at, a)| at == NOW || a == "audit.chain_keyed"),
        "{rows:?}"
    );
    // `demo` makes a training database too.
    let d = Run {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let o = d.run(None, &["demo", "--no-tui"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = d.run(Some("demo-kanri-pass"), &["--as", "admin", "staff", "list"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        audit_rows(&d.db()).last().map(|r| r.1.clone()),
        Some(NOW.to_string())
    );
}

/// Issue 17 item 11 (R-AUD-1, R-AUTH-2): a read and its sign-in do not wait for, nor fail
/// because of, another process that holds the write lock for long; their audit rows follow
/// once the lock is free.
#[test]
fn r_aud_1_a_read_and_its_sign_in_do_not_fail_while_another_process_writes() {
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
    for (args, shown, action) in [
        (
            &["account", "show", "info@iidabashi-shoji.co.jp"][..],
            "info@iidabashi-shoji.co.jp",
            "account.view",
        ),
        (&["mail", "status"][..], "queued", "mail.status"),
        (&["mail", "list"][..], "queued", "mail.list"),
    ] {
        read_while_another_process_writes(&r, args, shown, action);
    }
}

fn read_while_another_process_writes(r: &Run, args: &[&str], shown: &str, action: &str) {
    use std::io::Read as _;
    let rows_before = audit_rows(&r.db()).len();
    // Another process holds the write lock (a long import).
    let writer = rusqlite::Connection::open(r.db()).expect("writer");
    writer
        .execute_batch(
            "BEGIN IMMEDIATE; INSERT OR REPLACE INTO settings (key, value) VALUES ('long', 'write');",
        )
        .expect("hold the write lock");
    let started = std::time::Instant::now();
    let mut full = vec!["--as", "tanaka"];
    full.extend_from_slice(args);
    let mut child = r
        .cmd(Some(CLERK_PW), &full)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            let _ = tx.send(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    });
    // Shown while the lock is still held (before, the command waited for it and failed after
    // the 10 s busy timeout, showing nothing).
    let mut out = String::new();
    while !out.contains(shown) {
        match rx.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(chunk) => out.push_str(&chunk),
            Err(e) => panic!(
                "{args:?} not shown while another process writes ({e}, {:?}): {out}",
                started.elapsed()
            ),
        }
    }
    assert!(
        child.try_wait().expect("wait").is_none(),
        "still waiting to write its audit rows"
    );
    writer.execute_batch("COMMIT").expect("release");
    let status = child.wait().expect("wait");
    reader.join().expect("reader");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    assert_eq!(status.code(), Some(0), "{args:?}: {err}");
    // Both rows were written once the writer let go, in order, and the chain verifies.
    let rows = audit_rows(&r.db());
    let new: Vec<&str> = rows[rows_before..].iter().map(|x| x.2.as_str()).collect();
    assert_eq!(new, vec!["signin", action]);
    let o = r.run(None, &["audit", "verify"]);
    assert_eq!(o.code, 0, "{} {}", o.stdout, o.stderr);
}

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
    assert!(
        last_reply().starts_with("メールサーバーに接続できません"),
        "{}",
        last_reply()
    );
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
    let reply = last_reply();
    assert!(reply.starts_with("応答なし（タイムアウト）"), "{reply}");
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

/// R-AUD-2 through the binary: `audit verify` notices rows cut off the end (exit 5, in
/// Japanese); with a guard trigger dropped every other command refuses to start (exit 5) and
/// `audit verify` still reports it; `audit trim` needs a retention.
#[test]
fn r_aud_2_verify_and_start_catch_a_cut_log_and_missing_triggers() {
    let r = ready();
    let o = r.run(None, &["audit", "verify"]);
    assert_eq!(o.code, 0, "{} {}", o.stdout, o.stderr);
    assert!(r.db().with_extension("audit-head").exists());
    let o = r.run(Some(ADMIN_PW), &["--as", "admin", "audit", "trim"]);
    assert_eq!(o.code, 2, "no retention configured: {}", o.stderr);
    assert!(o.stderr.contains("保存期間"), "{}", o.stderr);
    let c = rusqlite::Connection::open(r.db()).expect("attacker");
    c.execute_batch(
        "DROP TRIGGER audit_log_no_delete;
         DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log);",
    )
    .expect("cut the newest row");
    let o = r.clerk(&["account", "show", "nobody@example.co.jp"]);
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(o.stderr.contains("起動しません"), "{}", o.stderr);
    let o = r.run(None, &["audit", "verify"]);
    assert_eq!(o.code, 5, "{} {}", o.stdout, o.stderr);
    assert!(o.stderr.contains("末尾が削られています"), "{}", o.stderr);
    let o = r.run(None, &["--json", "audit", "verify"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["ok"], false);
    assert_eq!(v["first_bad"]["reason"], "rows_cut_off");
}

#[test]
fn cli_demo_builds_a_database_without_the_tui() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = Run { dir };
    let o = r.run(None, &["demo", "--no-tui"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("demo-kanri-pass"), "{}", o.stdout);
    assert!(o.stdout.contains("田中 花子"), "{}", o.stdout);
    // Demo staff are not forced to change their password.
    let o = r.run(Some("demo-kanri-pass"), &["--as", "admin", "staff", "list"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stdout.contains("要パスワード変更"), "{}", o.stdout);
    let o = r.run(
        Some("demo-hanako-pass"),
        &[
            "--as",
            "tanaka",
            "account",
            "show",
            "recruit@kagurazaka-kogyo.co.jp",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("期限切れ"), "{}", o.stdout);
    let o = r.run(
        Some("demo-hanako-pass"),
        &[
            "--as",
            "tanaka",
            "account",
            "show",
            "jinji@korakuen-foods.co.jp",
        ],
    );
    assert!(o.stdout.contains("マイページ開設済"), "{}", o.stdout);
    // Never on top of an existing file.
    let o = r.run(None, &["demo", "--no-tui"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
}

/// `gen`'s stream with every job offer paid `yen` an hour (the work location left to the
/// office, 13010: Tokyo).
fn stream_paying_hourly(r: &Run, yen: i64) -> PathBuf {
    // A seed of its own: each stream creates its own accounts.
    let seed = yen.to_string();
    let o = r.run(
        Some(ADMIN_PW),
        &[
            "--as",
            "admin",
            "gen",
            "--establishments",
            "1",
            "--jobs",
            "2",
            "--accounts",
            "1",
            "--seed",
            &seed,
        ],
    );
    assert_eq!(o.code, 0, "gen: {}", o.stderr);
    let mut out = String::new();
    for line in o.stdout.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).expect("event");
        if v["type"] == "job.submitted" {
            v["job"]["wage"] = serde_json::json!({"kind": "hourly", "min": yen, "max": null});
            v["job"]["work_location"] = serde_json::Value::Null;
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    let path = r.dir.path().join(format!("hourly-{yen}.jsonl"));
    std::fs::write(&path, out).expect("write");
    path
}

fn import_json(r: &Run, file: &Path) -> (i32, serde_json::Value, String) {
    let o = r.run(None, &["--json", "import", file.to_str().expect("path")]);
    let v = serde_json::from_str(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o.code, v, o.stderr)
}

#[test]
fn r_val_min_wage_office_table_update_applies_without_a_rebuild() {
    // The bundled table: Tokyo 1,226 yen on 2026-04-01, so 1,250 is legal and 1,225 is not.
    let r = ready();
    let (code, v, err) = import_json(&r, &stream_paying_hourly(&r, 1250));
    assert_eq!(code, 0, "{v} {err}");
    let (code, v, err) = import_json(&r, &stream_paying_hourly(&r, 1225));
    assert_eq!(code, 3, "{v} {err}");
    assert_eq!(v["rejected"], 2, "{v}");
    assert_eq!(v["rejects"][0]["reason"], "validation", "{v}");
    assert!(
        v["rejects"][0]["detail"]
            .as_str()
            .expect("detail")
            .contains("wage.min:min_wage"),
        "{v}"
    );

    // An office adds the next year's amounts (here in force from March): 1,250 is now too low.
    let r = ready();
    std::fs::write(
        r.dir.path().join("mw.csv"),
        "pref_code,prefecture,fy2026_yen_per_hour,fy2026_effective\n13,東京,1300,2026-03-01\n",
    )
    .expect("csv");
    std::fs::write(
        r.dir.path().join("none.toml"),
        "[data]\nminimum_wage_file = \"mw.csv\"\n",
    )
    .expect("config");
    let (code, v, err) = import_json(&r, &stream_paying_hourly(&r, 1250));
    assert_eq!(code, 3, "{v} {err}");
    assert_eq!(v["rejected"], 2, "{v}");
    assert!(
        v["rejects"][1]["detail"]
            .as_str()
            .expect("detail")
            .contains("wage.min:min_wage"),
        "{v}"
    );
    let (code, v, err) = import_json(&r, &stream_paying_hourly(&r, 1300));
    assert_eq!(code, 0, "{v} {err}");

    // A malformed office file stops the program at start, naming the file and the line.
    std::fs::write(
        r.dir.path().join("mw.csv"),
        "pref_code,fy2026_yen_per_hour\n13,千円\n",
    )
    .expect("csv");
    let o = r.clerk(&["account", "show", "nobody@example.co.jp"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("mw.csv"), "{}", o.stderr);
    assert!(o.stderr.contains("line 2"), "{}", o.stderr);
}

#[test]
fn r_reg_2_case_conflicts_listed_for_a_supervisor_masked() {
    let r = ready();
    let o = r.run(
        Some(ADMIN_PW),
        &[
            "--as",
            "admin",
            "staff",
            "add",
            "suzuki",
            "--role",
            "supervisor",
            "--json",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let temp = v["temporary_password"].as_str().expect("temp").to_string();
    let boss_pw = "shounin-kakunin-pass-2026";
    let o = r
        .cmd(Some(&temp), &["--as", "suzuki", "passwd"])
        .env("MADOGUCHI_NEW_PASSWORD", boss_pw)
        .output()
        .expect("passwd");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let boss = |args: &[&str]| {
        let mut a = vec!["--as", "suzuki"];
        a.extend_from_slice(args);
        r.run(Some(boss_pw), &a)
    };
    let o = boss(&["account", "case-conflicts"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("ありません"), "{}", o.stdout);

    // Two live accounts as the schema 15 upgrade leaves them.
    {
        let conn = rusqlite::Connection::open(r.db()).expect("db");
        conn.execute_batch(
            "INSERT INTO accounts (id, kind, email, email_key, state, created_at, updated_at) VALUES
             (41, 'employer', 'Taro@gmail.com', 'taro@gmail.com', 'opened', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
             (42, 'seeker', 'taro@gmail.com', 'taro@gmail.com#42', 'key_pending', '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z');
             INSERT INTO email_case_conflicts (account_id, holder_id, found_at) VALUES
             (41, 41, '2026-03-01T00:00:00Z'), (42, 41, '2026-03-01T00:00:00Z');",
        )
        .expect("rows");
    }
    let o = boss(&["account", "case-conflicts"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("2件"), "{}", o.stdout);
    let lines: Vec<&str> = o.stdout.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{}", o.stdout);
    assert!(
        lines[0].starts_with("account:41\t") && lines[0].ends_with("保持"),
        "{}",
        o.stdout
    );
    assert!(
        lines[1].starts_with("account:42\t") && lines[1].contains("account:41"),
        "{}",
        o.stdout
    );
    assert!(
        !o.stdout.contains("taro@gmail.com") && !o.stdout.contains("Taro@"),
        "{}",
        o.stdout
    );
    // Counter staff may not list them.
    let o = r.clerk(&["account", "case-conflicts"]);
    assert_eq!(o.code, 4, "{}", o.stderr);
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

/// Issue 16 item 5: `import` leaves the queue filter's search index current: nothing is left
/// for the first filtered list to catch up.
#[test]
fn r_rev_6_import_leaves_the_search_index_current() {
    let r = ready();
    let (code, v, err) = import_json(&r, &stream_paying_hourly(&r, 1250));
    assert_eq!(code, 0, "{v} {err}");
    let store = madoguchi::storage::Store::open(&r.db()).expect("open");
    let backlog = madoguchi::storage::queue::backlog(store.conn(), 10).expect("backlog");
    assert_eq!(backlog.rows(), 0, "rows left for the first filtered list");
}
