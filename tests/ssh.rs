//! Issue 15, how it is checked: the TUI over a real SSH connection at 80×24. A private sshd on
//! 127.0.0.1 (tests/common/sshd.rs: own config, host key, client key, the `Match` block of
//! docs/deploy.md) runs the binary as its forced command; `ssh -tt` runs in a pseudo-terminal
//! read back through a VT100 emulator. With TERM=xterm-256color and TERM=linux (each sending
//! its own F-key encoding) a clerk signs in, uses F1/F2/F3 and their letter and Ctrl
//! alternatives, registers an account at the counter and quits with the confirmation. A second
//! connection drops mid-form (the ssh client killed): the server-side process ends and nothing
//! was half-saved (no account row, no queued mail).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::CLERK_PW;
use common::pty::Term;
use common::sshd::{Sshd, start_sshd};

/// F1, F2, F3 as each terminal sends them.
struct FKeys {
    f1: &'static str,
    f2: &'static str,
    f3: &'static str,
}

const XTERM: FKeys = FKeys {
    f1: "\x1bOP",
    f2: "\x1bOQ",
    f3: "\x1bOR",
};
/// The Linux console.
const LINUX: FKeys = FKeys {
    f1: "\x1b[[A",
    f2: "\x1b[[B",
    f3: "\x1b[[C",
};

const HELP: &str = "ヘルプ（Esc で閉じる）";

fn wait(t: &Term, sshd: &Sshd, s: &str) {
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until && !t.screen().contains(s) {
        std::thread::sleep(Duration::from_millis(30));
    }
    assert!(
        t.screen().contains(s),
        "waiting for {s:?}; screen:\n{}\nsshd log:\n{}",
        t.screen(),
        sshd.log()
    );
}

fn gone(t: &Term, s: &str) {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until && t.screen().contains(s) {
        std::thread::sleep(Duration::from_millis(30));
    }
    assert!(
        !t.screen().contains(s),
        "{s:?} still shown:\n{}",
        t.screen()
    );
}

fn sign_in(t: &mut Term, sshd: &Sshd) {
    wait(t, sshd, "サインイン");
    t.send("tanaka");
    t.send("\t");
    t.send(CLERK_PW);
    t.send("\r");
    wait(t, sshd, "窓口登録");
}

fn counts(db: &Path) -> (i64, i64) {
    let store = madoguchi::storage::Store::open(db).expect("open");
    let c = |sql: &str| -> i64 {
        store
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect("count")
    };
    (
        c("SELECT count(*) FROM accounts"),
        c("SELECT count(*) FROM outbox"),
    )
}

/// madoguchi processes serving `db` (their command line names it).
fn servers(db: &Path) -> Vec<String> {
    let want = db.display().to_string();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        if cmd.contains("madoguchi") && cmd.contains(&want) && !cmd.contains("sshd") {
            out.push(format!("{}: {cmd}", e.file_name().to_string_lossy()));
        }
    }
    out
}

/// One working session at the counter in `term`, 80×24.
fn session(sshd: &Sshd, term: &str, keys: &FKeys, email: &str) {
    let mut t = sshd.term_as(term, 24, 80, &[]);
    sign_in(&mut t, sshd);
    // Help: F1, ? and ^G open it; F3, Esc and q close it.
    for (open, close) in [(keys.f1, keys.f3), ("?", "\x1b"), ("\x07", "q")] {
        t.send(open);
        wait(&t, sshd, HELP);
        t.send(close);
        gone(&t, HELP);
    }
    // 窓口登録: the form, its help by F1, back by F3, in again.
    t.send("1");
    wait(&t, sshd, "アカウント種別");
    t.send(keys.f1);
    wait(&t, sshd, HELP);
    t.send(keys.f3);
    gone(&t, HELP);
    t.send(keys.f3);
    wait(&t, sshd, "メニュー");
    t.send("1");
    wait(&t, sshd, "アカウント種別");
    t.send("\t");
    t.send(email);
    t.send("\t");
    t.send(email);
    t.send("\t");
    t.send("1301-999999-9");
    // Saved by F2 here; its Ctrl alternative ^S on the other terminal.
    t.send(if term == "linux" { "\x13" } else { keys.f2 });
    // An establishment number not registered here: a warning, confirmed with Y.
    wait(&t, sshd, "されていません");
    t.send("y");
    wait(&t, sshd, "登録しました");
    wait(&t, sshd, "メールアドレス登録のお知らせ");
    // Back to the menu by F3; quitting asks first (n stays, y quits).
    t.send(keys.f3);
    wait(&t, sshd, "メニュー");
    t.send("q");
    wait(&t, sshd, "終了しますか");
    t.send("n");
    gone(&t, "終了しますか");
    wait(&t, sshd, "メニュー");
    t.send("q");
    wait(&t, sshd, "終了しますか");
    t.send("y");
    assert!(t.wait_exit(), "quitting ends the SSH session ({term})");
}

#[test]
fn issue15_over_ssh_at_80x24_xterm_and_linux_console_then_a_dropped_link_saves_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let db = dir.join("madoguchi.db");
    drop(common::office(&db, false));
    let sshd = start_sshd(dir, &db);
    let started = Instant::now();

    session(
        &sshd,
        "xterm-256color",
        &XTERM,
        "saiyou@yamada-kensetsu.co.jp",
    );
    session(&sshd, "linux", &LINUX, "jinji@sakura-unyu.co.jp");
    let before = counts(&db);
    assert_eq!(before.0, 2, "two accounts registered");

    // The link drops with a form half filled: the ssh client dies.
    let mut t = sshd.term_as("xterm-256color", 24, 80, &[]);
    sign_in(&mut t, &sshd);
    t.send("1");
    wait(&t, &sshd, "アカウント種別");
    t.send("\t");
    t.send("hanbun@tochuu-shoji.co.jp");
    t.send("\t");
    t.send("hanbun@tochuu-shoji.co.jp");
    wait(&t, &sshd, "hanbun@tochuu-shoji.co.jp");
    assert!(!servers(&db).is_empty(), "the TUI runs on the server side");
    t.child.kill().expect("kill ssh");
    let _ = t.child.wait();
    drop(t.master.take());
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until && !servers(&db).is_empty() {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        servers(&db).is_empty(),
        "the server-side TUI outlived its connection: {:?}",
        servers(&db)
    );
    assert_eq!(counts(&db), before, "nothing half-saved");
    let store = madoguchi::storage::Store::open(&db).expect("open");
    assert!(
        madoguchi::service::audit::verify(&store)
            .expect("verify")
            .first_bad
            .is_none()
    );
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "{:?}",
        started.elapsed()
    );
}
