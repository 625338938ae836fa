//! The real binary, as a clerk or a script runs it.
//!
//! Shared here: a ready office database and the runner of the binary; the parts hold the
//! tests by what they check.

mod audit_log;
mod failures;
mod import_and_demo;
mod now;
mod register;
mod register_refusals;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

const NOW: &str = "2026-04-01T01:00:00Z"; // 10:00 in Japan

const ADMIN_PW: &str = "root-of-trust-phrase";

const CLERK_PW: &str = "clerk-secret-passphrase";

struct Run {
    dir: tempfile::TempDir,
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Out {
    fn from(o: Output) -> Out {
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    fn db(&self) -> PathBuf {
        self.dir.path().join("madoguchi.db")
    }

    fn cmd(&self, password: Option<&str>, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--db")
            .arg(self.db())
            .args(args)
            .env("MADOGUCHI_NOW", NOW)
            .env("MADOGUCHI_CONFIG", self.dir.path().join("none.toml"))
            .env_remove("MADOGUCHI_DB")
            .env_remove("MADOGUCHI_AS")
            .env_remove("MADOGUCHI_PASSWORD")
            .env_remove("MADOGUCHI_NEW_PASSWORD")
            .stdin(Stdio::null());
        if let Some(p) = password {
            c.env("MADOGUCHI_PASSWORD", p);
        }
        c
    }

    fn run(&self, password: Option<&str>, args: &[&str]) -> Out {
        self.cmd(password, args).output().expect("run").into()
    }

    fn with_stdin(&self, password: Option<&str>, args: &[&str], input: &str) -> Out {
        let mut child = self
            .cmd(password, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
        child.wait_with_output().expect("wait").into()
    }

    /// The Internet Service's events, imported as the system (no `--as`).
    fn import(&self, name: &str, lines: &str) -> Out {
        let f = self.dir.path().join(name);
        std::fs::write(&f, lines).expect("events");
        self.run(None, &["import", f.to_str().expect("utf-8 path")])
    }

    fn clerk(&self, args: &[&str]) -> Out {
        let mut a = vec!["--as", "tanaka"];
        a.extend_from_slice(args);
        self.run(Some(CLERK_PW), &a)
    }
}

/// init, a counter clerk `tanaka` who has changed the temporary password.
fn ready() -> Run {
    let r = Run {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let o = r.run(
        Some(ADMIN_PW),
        &[
            "init",
            "--office-code",
            "13010",
            "--office-name",
            "飯田橋",
            "--admin",
            "admin",
            // SPEC §6: these tests run at MADOGUCHI_NOW, so on a training database.
            "--training",
        ],
    );
    assert_eq!(o.code, 0, "init: {}", o.stderr);
    assert!(o.stdout.contains("初期化しました"), "{}", o.stdout);
    let o = r.run(
        Some(ADMIN_PW),
        &[
            "--as",
            "admin",
            "staff",
            "add",
            "tanaka",
            "--role",
            "counter",
            "--display-name",
            "田中 花子",
            "--json",
        ],
    );
    assert_eq!(o.code, 0, "staff add: {}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let temp = v["temporary_password"].as_str().expect("temp").to_string();
    // R-AUTH-4: nothing but the password change before that.
    let o = r.run(
        Some(&temp),
        &["--as", "tanaka", "account", "show", "nobody@example.co.jp"],
    );
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(o.stderr.contains("passwd"), "{}", o.stderr);
    let o = r
        .cmd(Some(&temp), &["--as", "tanaka", "passwd"])
        .env("MADOGUCHI_NEW_PASSWORD", CLERK_PW)
        .output()
        .expect("passwd");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    r
}

fn audit_rows(db: &Path) -> Vec<(i64, String, String)> {
    let c = rusqlite::Connection::open(db).expect("open");
    let mut s = c
        .prepare("SELECT id, at_utc, action FROM audit_log ORDER BY id")
        .expect("prepare");
    s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}
