//! A private sshd on 127.0.0.1 (own config, host key, client key and port, all in the test's
//! temp dir) with the `Match` block of docs/deploy.md, and `ssh -tt` clients in a
//! pseudo-terminal: tests/deploy.rs and tests/ssh.rs.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use portable_pty::CommandBuilder;

use super::pty::Term;
use super::tools::{free_port, openssh};

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

pub struct Sshd {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
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

pub fn user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub fn start_sshd(dir: &Path, db: &Path) -> Sshd {
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
    pub fn ssh_args(&self) -> Vec<String> {
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

    /// `ssh -tt` to the TUI in a 100×30 pseudo-terminal, TERM=xterm-256color.
    pub fn term(&self, extra: &[&str]) -> Term {
        self.term_as("xterm-256color", 30, 100, extra)
    }

    /// `ssh -tt` in a `rows`×`cols` pseudo-terminal with `term` as TERM (ssh passes it on to
    /// the server side).
    pub fn term_as(&self, term: &str, rows: u16, cols: u16, extra: &[&str]) -> Term {
        let (_, ssh, _) = openssh();
        let mut cmd = CommandBuilder::new(ssh);
        cmd.arg("-tt");
        for a in self.ssh_args() {
            cmd.arg(a);
        }
        for a in extra {
            cmd.arg(a);
        }
        cmd.env("TERM", term);
        Term::spawn_sized(cmd, rows, cols)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }
}
