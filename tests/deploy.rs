//! docs/deploy.md, tested (issue 18): a private sshd on 127.0.0.1 (own config, host key,
//! client key and port, all in a temp dir) with the `Match` block of docs/deploy.md. A staff
//! key lands in the TUI, asking for a command still gets the TUI and never a shell, a port
//! forward is refused, and the key's fingerprint reaches the audit row of the sign-in.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::CLERK_PW;
use common::pty::Term;
use common::sshd::start_sshd;
use common::tools::openssh;

fn fingerprint(dir: &Path) -> String {
    let (_, _, kg) = openssh();
    let out = Command::new(kg)
        .arg("-lf")
        .arg(dir.join("staff_key.pub"))
        .output()
        .expect("ssh-keygen -lf");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .expect("fingerprint")
        .to_string()
}

#[test]
fn deploy_staff_key_lands_in_the_tui_gets_no_shell_and_its_fingerprint_is_audited() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let db = dir.join("madoguchi.db");
    drop(common::office(&db, false));
    let sshd = start_sshd(dir, &db);

    // 1. The staff key lands in the TUI; the clerk signs in and quits.
    let mut t = sshd.term(&[]);
    let wait = |t: &Term, s: &str| {
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until && !t.screen().contains(s) {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            t.screen().contains(s),
            "waiting for {s:?}; screen:\n{}\nsshd log:\n{}",
            t.screen(),
            sshd.log()
        );
    };
    wait(&t, "サインイン");
    t.send("tanaka");
    t.send("\t");
    t.send(CLERK_PW);
    t.send("\r");
    wait(&t, "窓口登録");
    t.send("q");
    wait(&t, "終了しますか");
    t.send("y");
    assert!(t.wait_exit(), "quitting the TUI ends the SSH session");

    // 2. Asking for a command gets the TUI again, never a shell.
    let mut t = sshd.term(&["sh", "-c", "'id; echo SHELL-REACHED'"]);
    wait(&t, "サインイン");
    assert!(!t.screen().contains("uid="), "{}", t.screen());
    assert!(!t.screen().contains("SHELL-REACHED"));
    let _ = t.child.kill();

    // 3. No forwarding: a stdio forward (ssh -W) is refused.
    let (_, ssh, _) = openssh();
    let out = Command::new(&ssh)
        .args(sshd.ssh_args())
        .args(["-W", &format!("127.0.0.1:{}", sshd.port)])
        .stdin(Stdio::piped())
        .output()
        .expect("ssh -W");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "ssh -W must fail: {err}");
    assert!(
        err.contains("prohibited") || err.contains("forwarding failed"),
        "{err}"
    );

    // 4. The sign-in's audit row names the key and the client address.
    let fp = fingerprint(dir);
    let store = madoguchi::storage::Store::open(&db).expect("open");
    let terminal: String = store
        .conn()
        .query_row(
            "SELECT terminal FROM audit_log WHERE action = 'signin' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("sign-in row");
    assert!(terminal.contains("ssh:127.0.0.1"), "{terminal}");
    assert!(
        terminal.contains(&format!("key:{fp}")),
        "{terminal} vs {fp}"
    );
    assert!(terminal.starts_with("pts/"), "{terminal}");
    let v = madoguchi::service::audit::verify(&store).expect("verify");
    assert!(v.first_bad.is_none(), "{:?}", v.first_bad);
}
