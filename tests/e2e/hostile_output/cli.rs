//! (b) Every CLI command that prints data: no control character but the line break and no bidi
//! override.

use std::path::Path;
use std::process::{Command, Stdio};

use madoguchi::storage::{self, Store};

use crate::common;

use super::{BIN, EMPLOYER, SEEKER, ctx, office, t0, unsafe_char};

// --- (b) every CLI output -------------------------------------------------------------------

struct Ran {
    args: Vec<String>,
    code: i32,
    stdout: String,
    stderr: String,
}

/// Who runs a command: sign-in name and password, or the system.
type Who = Option<(&'static str, &'static str)>;

fn run(dir: &Path, who: Who, args: &[&str]) -> Ran {
    let mut c = Command::new(BIN);
    c.arg("--db")
        .arg(dir.join("m.db"))
        .args(args)
        .env("MADOGUCHI_NOW", common::NOW)
        .env("MADOGUCHI_CONFIG", dir.join("none.toml"))
        .env_remove("MADOGUCHI_DB")
        .env_remove("MADOGUCHI_AS")
        .stdin(Stdio::null());
    if let Some((name, pw)) = who {
        c.args(["--as", name]).env("MADOGUCHI_PASSWORD", pw);
    }
    let o = c.output().expect("run");
    Ran {
        args: args.iter().map(|s| (*s).to_string()).collect(),
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// No control character but `\n` (and `\r` before it in CSV; tabs only as column separators:
/// every line of a tab-separated listing has as many as its header), no bidi override.
fn assert_clean(r: &Ran, csv: bool) {
    for (what, s) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        for (n, line) in s.split('\n').enumerate() {
            let line = if csv {
                line.strip_suffix('\r').unwrap_or(line)
            } else {
                line
            };
            let bad: Vec<char> = line
                .chars()
                .filter(|&c| unsafe_char(c) && c != '\t')
                .collect();
            assert!(
                bad.is_empty(),
                "{:?} {what} line {n}: {bad:?} in {line:?}",
                r.args
            );
        }
        // A tab from the data would add a column: each block's rows have their header's count.
        let mut header: Option<usize> = None;
        for line in s.lines() {
            let tabs = line.matches('\t').count();
            match header {
                _ if tabs == 0 => header = None,
                None => header = Some(tabs),
                Some(h) => assert_eq!(tabs, h, "{:?} {what}: a tab from data in {line:?}", r.args),
            }
        }
    }
}

#[test]
fn spec_5_hostile_rows_never_reach_the_terminal_in_any_cli_output() {
    let o = office();
    let dir = o.dir.path();
    let sup = Some(("suzuki", common::SUPERVISOR_PW));
    let clerk = Some(("tanaka", common::CLERK_PW));
    let admin = Some(("admin", common::ADMIN_PW));
    let auditor_pw = madoguchi::secret::hash(common::CLERK_PW).expect("hash");
    {
        let s = Store::open(&dir.join("m.db")).expect("open");
        let id = ctx(&s, "sato").staff_id;
        storage::staff::set_password(s.conn(), id, &auditor_pw, false, t0()).expect("pw");
    }
    let auditor = Some(("sato", common::CLERK_PW));
    let since = "2026-01-01";
    let until = "2026-12-31";
    let mut runs: Vec<(Who, Vec<String>)> = Vec::new();
    let mut add = |who, args: &[&str]| runs.push((who, args.iter().map(|s| (*s).into()).collect()));
    for json in [false, true] {
        let j: &[&str] = if json { &["--json"] } else { &[] };
        let with =
            |a: &[&'static str]| -> Vec<&'static str> { j.iter().chain(a).copied().collect() };
        add(clerk, &with(&["account", "show", EMPLOYER]));
        add(clerk, &with(&["account", "show", SEEKER]));
        add(
            clerk,
            &with(&["lookup", "--name", "株式会社", "--purpose", "ID照会"]),
        );
        add(
            clerk,
            &with(&["lookup", "--kana", "カブシキ", "--purpose", "ID照会"]),
        );
        add(
            clerk,
            &with(&["lookup", "--email", EMPLOYER, "--purpose", "ID照会"]),
        );
        add(
            clerk,
            &with(&[
                "lookup",
                "--seeker-number",
                "13010-12345678",
                "--purpose",
                "ID照会",
            ]),
        );
        add(
            clerk,
            &with(&[
                "lookup",
                "--kana-name",
                "ヤマダ タロウ",
                "--birth-date",
                "1990-04-05",
                "--purpose",
                "ID照会",
            ]),
        );
        for q in [
            "unassigned",
            "mine",
            "overdue",
            "due-soon",
            "returned",
            "checked",
            "visit",
        ] {
            add(sup, &with(&["queue", "list", "--queue", q]));
        }
        add(sup, &with(&["queue", "list", "--filter", "株式会社"]));
        add(sup, &with(&["queue", "counts"]));
        add(sup, &with(&["queue", "dashboard"]));
        add(sup, &with(&["review", "reasons"]));
        add(sup, &with(&["mail", "list"]));
        add(sup, &with(&["mail", "list", "--state", "failed"]));
        add(sup, &with(&["mail", "status"]));
        add(sup, &with(&["audit", "list", "--limit", "500"]));
        add(
            sup,
            &with(&["audit", "report", "--since", since, "--until", until]),
        );
        add(auditor, &with(&["audit", "list", "--limit", "500"]));
        add(sup, &with(&["account", "pending-changes"]));
        add(sup, &with(&["account", "case-conflicts"]));
        add(sup, &with(&["calendar", "list", "2026"]));
        add(admin, &with(&["staff", "list"]));
        add(admin, &with(&["doctor"]));
        add(admin, &with(&["audit", "verify"]));
    }
    add(sup, &["export", "--since", since]);
    add(sup, &["account", "show", "nobody\u{1b}[2J@example.co.jp"]);
    let mut ran: Vec<Ran> = runs
        .iter()
        .map(|(who, args)| {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            run(dir, *who, &a)
        })
        .collect();
    for id in &o.items {
        for json in [false, true] {
            let id = id.to_string();
            let mut a = vec!["review", "show", id.as_str()];
            if json {
                a.insert(0, "--json");
            }
            ran.push(run(dir, sup, &a));
        }
    }
    for id in &o.mails {
        for json in [false, true] {
            let id = id.to_string();
            let mut a = vec!["mail", "show", id.as_str()];
            if json {
                a.insert(0, "--json");
            }
            ran.push(run(dir, sup, &a));
        }
    }
    for r in &ran {
        assert_clean(r, false);
        assert!(!r.stderr.contains("panicked"), "{:?}: {}", r.args, r.stderr);
    }
    // The audit export is CSV: CR LF line ends.
    let r = run(
        dir,
        sup,
        &["audit", "export", "--since", since, "--until", until],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\r\n"));
    assert_clean(&r, true);
    // The data is shown, its control strings are not.
    let show = ran
        .iter()
        .find(|r| r.args == ["account", "show", EMPLOYER])
        .expect("account show");
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains("反転"), "{}", show.stdout);
    let failed = ran
        .iter()
        .filter(|r| r.args.first().map(String::as_str) == Some("mail"))
        .any(|r| r.stdout.contains("550 5.7.1"));
    assert!(failed, "the server's reply is shown");
    eprintln!(
        "{} CLI outputs without a control or bidi character",
        ran.len() + 1
    );
}
