//! End-to-end: the real binary in a pseudo-terminal, read back through a VT100 emulator.
//! A clerk signs in, registers an employer account, sees the result panel and quits; the
//! terminal is restored (main screen, cursor shown). Dropping the terminal (an SSH link going
//! away) ends the process instead of leaving it spinning.

mod common;

use std::time::{Duration, Instant};

use common::CLERK_PW;
use common::pty::Term;
use madoguchi::storage::Store;

fn prepare(path: &std::path::Path) {
    common::office(path, false);
}

#[test]
fn clerk_registers_an_employer_and_quits_with_the_terminal_restored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    prepare(&db);
    let mut t = Term::start(&db);
    t.wait_for("サインイン");
    assert!(
        t.parser.lock().expect("p").screen().alternate_screen(),
        "TUI uses the alternate screen"
    );
    t.send("tanaka");
    t.send("\t");
    t.send(CLERK_PW);
    t.send("\r");
    t.wait_for("窓口登録");
    t.send("1");
    t.wait_for("アカウント種別");
    t.send("\t");
    t.send("saiyou@yamada-kensetsu.co.jp");
    t.send("\t");
    t.send("saiyou@yamada-kensetsu.co.jp");
    t.send("\t");
    t.send("1301-999999-9");
    t.send("\r");
    // Not registered here: an orange warning, confirmed with Y.
    // The dialog wraps by display width: the words may run over two rows.
    t.wait_for("されていません");
    t.send("y");
    t.wait_for("登録しました");
    t.wait_for("お客様のパスワード登録待ち");
    t.wait_for("メールアドレス登録のお知らせ");
    t.send("\x1b");
    t.wait_for("メニュー");
    t.send("q");
    t.wait_for("終了しますか");
    t.send("y");
    assert!(t.wait_exit(), "quit ends the process");
    std::thread::sleep(Duration::from_millis(200));
    let p = t.parser.lock().expect("p");
    assert!(!p.screen().alternate_screen(), "back on the main screen");
    assert!(!p.screen().hide_cursor(), "cursor shown again");
    drop(p);
    // The registration is really in the database, with its audit row.
    let store = Store::open(&db).expect("reopen");
    assert_eq!(
        madoguchi::storage::accounts::count(store.conn()).expect("count"),
        1
    );
    assert!(
        madoguchi::service::audit::verify(&store)
            .expect("verify")
            .first_bad
            .is_none()
    );
}

#[test]
fn hang_up_ends_the_process_and_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    prepare(&db);
    let mut t = Term::start(&db);
    t.wait_for("サインイン");
    // Hang up, as the kernel does for the session when sshd closes the link.
    let pid = t.child.process_id().expect("pid");
    let status = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let until = Instant::now() + Duration::from_secs(10);
    let mut exited = false;
    while Instant::now() < until {
        if let Ok(Some(_)) = t.child.try_wait() {
            exited = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if !exited {
        let _ = t.child.kill();
    }
    assert!(
        exited,
        "the process must exit when its terminal goes away, not spin"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !t.parser.lock().expect("p").screen().alternate_screen(),
        "terminal restored on hang-up"
    );
    drop(t.master.take());
}
