//! What a registration through the CLI refuses or warns about, and how it says so (R-REG-1/2/3,
//! `--lang en`).

use super::{ADMIN_PW, ready};

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
