//! Registering through the CLI: register, show, reissue, activate and verify, the JSON form
//! and the masked key in a queued mail (R-KEY-2).

use std::path::Path;

use super::{CLERK_PW, ready};

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
