//! Shared by the mail tests and the mail benchmark: a real SMTP server process
//! (`smtp_server.py`, aiosmtpd) and helpers to fill the outbox.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use madoguchi::config::{Config, Security};
use madoguchi::storage::Store;
use madoguchi::storage::outbox::{self, NewMail};

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    pub message_id: String,
    pub subject: String,
    pub from: String,
    pub reply_to: String,
    pub to: String,
    pub date: String,
    pub content_type: String,
    pub charset: Option<String>,
    pub cte: String,
    pub body: String,
    pub envelope_to: Vec<String>,
    pub tls: bool,
}

pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub out: tempfile::TempDir,
    pub tls_dir: Option<tempfile::TempDir>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/common/smtp_server.py")
}

/// The aiosmtpd release the mail tests install when the machine's `python3` lacks it.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";

/// Where `smtp_server.py` finds aiosmtpd: `None` when the machine's `python3` already has it,
/// else a folder for `PYTHONPATH` under cargo's target tmp dir, filled once by
/// [`super::tools::pip_target`] (a fresh machine has Python 3 with pip, not aiosmtpd).
fn python_path() -> Option<PathBuf> {
    static PATH: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let has = |path: Option<&Path>| {
            let mut c = Command::new("python3");
            c.args(["-c", "import aiosmtpd.smtp"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if let Some(p) = path {
                c.env("PYTHONPATH", p);
            }
            c.status().is_ok_and(|s| s.success())
        };
        if has(None) {
            return None;
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-aiosmtpd");
        super::tools::pip_target(AIOSMTPD, &dir, || has(Some(&dir)));
        Some(dir)
    })
    .clone()
}

impl SmtpServer {
    /// `mode`: accept, tempfail, reject, stall; `extra`: more arguments (`--count 2`).
    pub fn start(mode: &str, extra: &[&str]) -> SmtpServer {
        Self::start_opts(mode, extra, false, 0)
    }

    pub fn start_tls() -> SmtpServer {
        Self::start_opts("accept", &[], true, 0)
    }

    pub fn start_opts(mode: &str, extra: &[&str], tls: bool, port: u16) -> SmtpServer {
        let out = tempfile::tempdir().unwrap();
        let tls_dir = tls.then(|| tempfile::tempdir().unwrap());
        let port_file = out.path().join("port");
        let mut cmd = Command::new("python3");
        if let Some(p) = python_path() {
            cmd.env("PYTHONPATH", p);
        }
        cmd.arg(script())
            .arg("--dir")
            .arg(out.path())
            .arg("--port-file")
            .arg(&port_file)
            .args(["--mode", mode, "--port", &port.to_string()])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if let Some(d) = &tls_dir {
            cmd.arg("--tls-dir").arg(d.path());
        }
        let mut child = cmd.spawn().expect("python3");
        let start = Instant::now();
        let port = loop {
            if let Ok(s) = std::fs::read_to_string(&port_file) {
                break s.trim().parse().unwrap();
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("smtp_server.py exited: {status}");
            }
            assert!(start.elapsed() < Duration::from_secs(20), "server start");
            std::thread::sleep(Duration::from_millis(20));
        };
        SmtpServer {
            child,
            port,
            out,
            tls_dir,
        }
    }

    pub fn ca_file(&self) -> PathBuf {
        self.tls_dir.as_ref().unwrap().path().join("ca.pem")
    }

    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.out.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && !p.file_name().unwrap().to_string_lossy().starts_with('.')
            })
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }

    pub fn received_count(&self) -> usize {
        std::fs::read_dir(self.out.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.ends_with(".json") && !n.starts_with('.')
            })
            .count()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A config for tests: plain SMTP to the loopback port, short deadlines.
pub fn smtp_config(port: u16) -> Config {
    let mut cfg = Config::default();
    cfg.smtp.host = "127.0.0.1".into();
    cfg.smtp.port = Some(port);
    cfg.smtp.security = Security::None;
    cfg.smtp.timeout_seconds = 30;
    cfg.mail.from = "iidabashi@example.go.jp".into();
    cfg.mail.reply_to = "madoguchi-info@example.go.jp".into();
    cfg.mail.send_deadline_seconds = 2;
    cfg.mail.lease_seconds = 10;
    cfg.mail.batch_size = 50;
    cfg
}

pub fn t(s: &str) -> DateTime<Utc> {
    madoguchi::clock::parse_rfc3339(s).unwrap()
}

/// Queues `n` plain mails (no key) and returns their Message-IDs.
pub fn queue(store: &mut Store, n: usize, now: DateTime<Utc>) -> Vec<String> {
    let tx = store.immediate().unwrap();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let mid = format!("<{i:06}.{}.test@example.go.jp>", now.timestamp());
        outbox::insert(
            &tx,
            &NewMail {
                message_id: &mid,
                account_id: None,
                template: "id_notice",
                to_addr: &format!("user{i}@example.co.jp"),
                subject: "【ハローワーク】登録ID（メールアドレス）のお知らせ",
                body: &format!("登録ID： user{i}@example.co.jp\nハローワーク飯田橋\n"),
                auth_key_id: None,
                key_expires_at: None,
            },
            now,
        )
        .unwrap();
        ids.push(mid);
    }
    tx.commit().unwrap();
    ids
}

pub fn state_of(store: &Store, id: i64) -> outbox::MailRow {
    outbox::by_id(store.conn(), id).unwrap().unwrap()
}

/// The trickling server (`common/trickle_server.py`): one byte every `interval` seconds,
/// never a whole reply.
pub struct TrickleServer {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl TrickleServer {
    pub fn start(interval: f32) -> TrickleServer {
        let dir = tempfile::tempdir().unwrap();
        let port_file = dir.path().join("port");
        let mut child = Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/common/trickle_server.py"))
            .arg("--port-file")
            .arg(&port_file)
            .args(["--interval", &interval.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let port = loop {
            if let Ok(s) = std::fs::read_to_string(&port_file) {
                break s.trim().parse().unwrap();
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("trickle_server.py exited: {status}");
            }
            assert!(start.elapsed() < Duration::from_secs(20), "server start");
            std::thread::sleep(Duration::from_millis(20));
        };
        TrickleServer {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for TrickleServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Threads of this process whose name says mail (`mail-send`, `mail-relay`).
pub fn mail_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(Result::ok)
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm")).is_ok_and(|c| c.starts_with("mail-"))
        })
        .count()
}

/// Sockets open in this process.
pub fn sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(Result::ok)
        .filter(|f| {
            std::fs::read_link(f.path()).is_ok_and(|l| l.to_string_lossy().starts_with("socket:"))
        })
        .count()
}
