//! The audit log from the CLI: reads beside another writing process (R-AUD-1), a cut log caught
//! (R-AUD-2).

use std::process::Stdio;

use super::{ADMIN_PW, CLERK_PW, Run, audit_rows, ready};

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
