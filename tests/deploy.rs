//! docs/deploy.md, tested (issue 18): a private sshd on 127.0.0.1 (own config, host key,
//! client key and port, all in a temp dir) with the `Match` block of docs/deploy.md. A staff
//! key lands in the TUI, asking for a command still gets the TUI and never a shell, a port
//! forward is refused, and the key's fingerprint reaches the audit row of the sign-in.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::CLERK_PW;
use common::pty::Term;
use common::tools::{free_port, openssh};
use portable_pty::CommandBuilder;

/// The `Match` block of docs/deploy.md's sshd configuration, for `user`, with the test's
/// binary and files in place of the documented paths.
fn documented_match_block(user: &str, bin: &Path, db: &Path, config: &Path) -> String {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deploy.md"))
        .expect("docs/deploy.md");
    let start = doc
        .find("```sshd\n")
        .expect("an sshd block in docs/deploy.md")
        + "```sshd\n".len();
    let block = &doc[start..start + doc[start..].find("```").expect("end of block")];
    assert!(block.contains("ForceCommand") && block.contains("ExposeAuthInfo yes"));
    block
        .replace("Match User madoguchi", &format!("Match User {user}"))
        .replace("/usr/local/bin/madoguchi", &bin.display().to_string())
        .replace("/srv/madoguchi/madoguchi.db", &db.display().to_string())
        .replace(
            "/etc/madoguchi/madoguchi.toml",
            &config.display().to_string(),
        )
}

struct Sshd {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn keygen(keygen: &Path, file: &Path) {
    let ok = Command::new(keygen)
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "tanaka@counter",
            "-f",
        ])
        .arg(file)
        .stdin(Stdio::null())
        .status()
        .expect("ssh-keygen");
    assert!(ok.success());
}

fn user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn start_sshd(dir: &Path, db: &Path) -> Sshd {
    let (sshd, _, kg) = openssh();
    // Privilege separation needs this folder (a fresh container has none).
    if !Path::new("/run/sshd").exists() {
        let _ = std::fs::create_dir_all("/run/sshd");
    }
    keygen(&kg, &dir.join("host_key"));
    keygen(&kg, &dir.join("staff_key"));
    let public = std::fs::read_to_string(dir.join("staff_key.pub")).expect("pub");
    // As docs/deploy.md: restricted again per key.
    std::fs::write(
        dir.join("authorized_keys"),
        format!("restrict,pty {public}"),
    )
    .expect("keys");
    let port = free_port();
    let config = dir.join("sshd_config");
    let text = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nPidFile {d}/sshd.pid\n\
         AuthorizedKeysFile {d}/authorized_keys\nStrictModes no\nUsePAM no\nPermitRootLogin prohibit-password\n\
         PubkeyAuthentication yes\nLogLevel VERBOSE\n\n{}",
        documented_match_block(
            &user(),
            Path::new(env!("CARGO_BIN_EXE_madoguchi")),
            db,
            &dir.join("madoguchi.toml")
        ),
        d = dir.display()
    );
    std::fs::write(&config, text).expect("config");
    let check = Command::new(&sshd)
        .arg("-t")
        .arg("-f")
        .arg(&config)
        .output()
        .expect("sshd -t");
    assert!(
        check.status.success(),
        "sshd -t: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let child = Command::new(&sshd)
        .args(["-D", "-e", "-f"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("sshd.log")).expect("log"))
        .spawn()
        .expect("sshd");
    let until = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "sshd did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Sshd {
        child,
        port,
        dir: dir.to_path_buf(),
    }
}

impl Sshd {
    fn ssh_args(&self) -> Vec<String> {
        let d = self.dir.display();
        vec![
            "-F".into(),
            "/dev/null".into(),
            "-i".into(),
            format!("{d}/staff_key"),
            "-p".into(),
            self.port.to_string(),
            "-o".into(),
            "StrictHostKeyChecking=no".into(),
            "-o".into(),
            format!("UserKnownHostsFile={d}/known_hosts"),
            "-o".into(),
            "IdentitiesOnly=yes".into(),
            "-o".into(),
            "BatchMode=yes".into(),
            "-o".into(),
            "LogLevel=ERROR".into(),
            format!("{}@127.0.0.1", user()),
        ]
    }

    fn term(&self, extra: &[&str]) -> Term {
        let (_, ssh, _) = openssh();
        let mut cmd = CommandBuilder::new(ssh);
        cmd.arg("-tt");
        for a in self.ssh_args() {
            cmd.arg(a);
        }
        for a in extra {
            cmd.arg(a);
        }
        cmd.env("TERM", "xterm-256color");
        Term::spawn(cmd)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }
}

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
