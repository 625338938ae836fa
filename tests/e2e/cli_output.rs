//! The real binary's output as scripts read it (issue 15 item 15): piped into a reader that
//! stops early (`| head`, `| grep -q`) every command ends quietly, status 0, with no panic or
//! backtrace on stderr; the audit CSV opens in Japanese Excel (UTF-8 with BOM, CRLF).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

/// The office of `common::office` (admin, tanaka the counter clerk, suzuki the supervisor) and
/// a seeker account the lookup finds.
fn office() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    let (store, admin) = common::office(&db, true);
    madoguchi::storage::accounts::insert(
        store.conn(),
        &madoguchi::storage::accounts::NewAccount {
            kind: madoguchi::domain::account::AccountKind::Seeker,
            email: "taro.yamada@example.jp",
            email_key: "taro.yamada@example.jp",
            establishment_number: None,
            seeker_number: Some("13010-00012345"),
            name: Some("山田 太郎"),
            name_kana: Some("ヤマダ　タロウ"),
            birth_date: Some("1990-04-05"),
            registered_by: Some(admin.staff_id),
            origin: madoguchi::domain::account::AccountOrigin::Counter,
        },
        admin.now,
    )
    .expect("account");
    (dir, db)
}

fn password(who: &str) -> &'static str {
    match who {
        "admin" => common::ADMIN_PW,
        "suzuki" => common::SUPERVISOR_PW,
        _ => common::CLERK_PW,
    }
}

fn cmd(db: &Path, who: Option<&str>, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db")
        .arg(db)
        .args(args)
        .env("MADOGUCHI_NOW", common::NOW)
        .env("MADOGUCHI_CONFIG", db.with_extension("toml"))
        .env_remove("MADOGUCHI_DB")
        .env_remove("MADOGUCHI_AS")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null());
    match who {
        Some(w) => {
            c.args(["--as", w]).env("MADOGUCHI_PASSWORD", password(w));
        }
        None => {
            c.env_remove("MADOGUCHI_PASSWORD");
        }
    }
    c
}

/// Runs with stdout's reader already gone (closed before the command writes a byte, so its
/// first write fails, whatever the pipe's buffer): the status and stderr.
fn with_reader_gone(db: &Path, who: Option<&str>, args: &[&str]) -> (i32, String) {
    let mut child = cmd(db, who, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn assert_quiet(what: &str, status: i32, stderr: &str) {
    for bad in [
        "panicked",
        "Broken pipe",
        "backtrace",
        "failed printing",
        "os error",
    ] {
        assert!(
            !stderr.contains(bad),
            "{what}: {bad:?} on stderr:\n{stderr}"
        );
    }
    assert_eq!(status, 0, "{what}: stderr:\n{stderr}");
}

/// Every kind of command output: plain lines, tables, JSON, the CSV stream, the generator's
/// buffered stream, and the `mail` commands (a `println!` outside `cli/`, caught by the hook).
#[test]
fn issue_15_every_command_piped_into_a_reader_that_left_ends_quietly() {
    let (_dir, db) = office();
    let cases: &[(Option<&str>, &[&str])] = &[
        (
            Some("suzuki"),
            &["audit", "report", "--since", "2026-11-01"],
        ),
        (Some("suzuki"), &["audit", "list"]),
        (Some("suzuki"), &["--json", "audit", "list"]),
        (Some("suzuki"), &["audit", "verify"]),
        (
            Some("tanaka"),
            &[
                "lookup",
                "--kana-name",
                "ヤマダタロウ",
                "--birth-date",
                "1990-04-05",
            ],
        ),
        (
            Some("tanaka"),
            &["lookup", "--seeker-number", "13010-00012345"],
        ),
        (Some("tanaka"), &["queue", "counts"]),
        (Some("admin"), &["staff", "list"]),
        (None, &["calendar", "list", "2026"]),
        (Some("tanaka"), &["mail", "status"]),
        (Some("suzuki"), &["review", "reasons"]),
    ];
    for (who, args) in cases {
        let what = args.join(" ");
        // The command does print something when someone reads.
        let o = cmd(&db, *who, args).output().expect("run");
        assert_eq!(o.status.code(), Some(0), "{what}: {o:?}");
        assert!(!o.stdout.is_empty(), "{what} printed nothing");
        let (status, stderr) = with_reader_gone(&db, *who, args);
        assert_quiet(&what, status, &stderr);
    }
}

/// `audit export | head`: quiet, and the export is in the audit log all the same, marked
/// `partial` with the rows that were written (R-AUD-1: no export goes unlogged).
#[test]
fn r_aud_1_an_export_cut_short_by_its_reader_is_logged_as_partial() {
    let (_dir, db) = office();
    let args = ["audit", "export", "--since", "2026-11-01"];
    let (status, stderr) = with_reader_gone(&db, Some("suzuki"), &args);
    assert_quiet("audit export", status, &stderr);
    let o = cmd(
        &db,
        Some("suzuki"),
        &["--json", "audit", "list", "--action", "audit.export"],
    )
    .output()
    .expect("run");
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let outcomes: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["outcome"].as_str())
        .collect();
    assert_eq!(outcomes, ["partial"], "{rows:#}");
}

/// A real `| head -n 1` on a stream far longer than the pipe's buffer (the generator's JSON
/// Lines): the writer is blocked on the full pipe when `head` exits.
#[test]
fn issue_15_gen_piped_into_head_ends_quietly() {
    let (_dir, db) = office();
    let mut writer = cmd(
        &db,
        Some("admin"),
        &[
            "gen",
            "--establishments",
            "400",
            "--jobs",
            "400",
            "--accounts",
            "2",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn gen");
    let head = Command::new("head")
        .args(["-n", "1"])
        .stdin(writer.stdout.take().expect("stdout"))
        .output()
        .expect("head");
    let mut stderr = String::new();
    writer
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read");
    let status = writer.wait().expect("wait").code().unwrap_or(-1);
    assert_eq!(String::from_utf8_lossy(&head.stdout).lines().count(), 1);
    assert_quiet("gen | head -n 1", status, &stderr);
}

/// The audit CSV for Japanese Excel: a byte-order mark, CRLF line ends, text in
/// UTF-8, written by the real binary.
#[test]
fn r_aud_1_audit_csv_has_a_bom_and_crlf_line_ends() {
    let (_dir, db) = office();
    let o = cmd(
        &db,
        Some("suzuki"),
        &["audit", "export", "--since", "2026-11-01"],
    )
    .output()
    .expect("run");
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let bytes = o.stdout;
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = String::from_utf8(bytes).expect("utf8");
    let body = text.trim_start_matches('\u{feff}');
    assert!(body.starts_with("id,at_utc,at_jst,"), "{body}");
    assert!(body.ends_with("\r\n"));
    assert_eq!(
        body.matches('\n').count(),
        body.matches("\r\n").count(),
        "every line ends CRLF"
    );
    assert!(body.lines().count() > 2, "{body}");
}

/// Issue 15 item 8: every date argument is read by the one date parser (和暦, slashes,
/// full-width), and a refused one is explained in Japanese (exit 2, clap's usage status).
#[test]
fn issue_15_cli_date_arguments_read_what_a_clerk_types() {
    let (_dir, db) = office();
    let run = |who: Option<&str>, args: &[&str]| cmd(&db, who, args).output().expect("run");
    let o = run(
        Some("suzuki"),
        &[
            "audit",
            "report",
            "--since",
            "R8.11.1",
            "--until",
            "２０２６／１１／３０",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("2026-11-01 .. 2026-11-30"));
    let o = run(
        Some("admin"),
        &["calendar", "add", "令和8年12月28日", "庁舎点検"],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = run(None, &["calendar", "list", "2026"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("2026-12-28"), "{out}");
    assert!(out.contains("庁舎点検"), "{out}");
    for (typed, words) in [
        ("2026-13-01", "その日はありません"),
        ("平成31年5月1日", "平成は1989年1月8日〜2019年4月30日"),
        ("12/1", "日付として読めません"),
    ] {
        let o = run(Some("suzuki"), &["audit", "list", "--since", typed]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{typed}: {err}");
        assert!(err.contains(words), "{typed}: {err}");
    }
}
