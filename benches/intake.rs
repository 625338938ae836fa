//! Continuous intake (R-KEY-0): the time from the Internet Service's rename of a
//! `*.jsonl.tmp` into the watched folder to the key mail in the spool folder, with the real
//! binary running `import --watch` and `mail sync --watch` as an office runs them. Goal: p99
//! under 2 s. One `account.self_registered` event per file, one file at a time, so that every
//! figure is one customer's wait.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");
const FILES: usize = 60;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` / nextest only smoke-run the target.
    if std::env::args().any(|a| a == "--bench") {
        measure();
    }
    divan::main();
}

struct Service(Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db")
        .arg(dir.join("madoguchi.db"))
        .args(args)
        .env("MADOGUCHI_CONFIG", dir.join("none.toml"))
        .env("MADOGUCHI_PASSWORD", "root-of-trust-phrase")
        .env_remove("MADOGUCHI_NOW")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    c
}

fn emls(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| {
        d.filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .count()
    })
}

fn measure() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let init = [
        "init",
        "--office-code",
        "13010",
        "--office-name",
        "飯田橋",
        "--admin",
        "admin",
    ];
    assert!(cmd(dir, &init).status().unwrap().success());
    let drop_dir = dir.join("in");
    let spool = dir.join("spool");
    std::fs::create_dir_all(&drop_dir).unwrap();
    let _watch = Service(
        cmd(dir, &["import", "--watch", drop_dir.to_str().unwrap()])
            .spawn()
            .unwrap(),
    );
    let _mail = Service(
        cmd(
            dir,
            &[
                "mail",
                "sync",
                "--watch",
                "--spool",
                spool.to_str().unwrap(),
            ],
        )
        .spawn()
        .unwrap(),
    );
    // Both services up (their first pass done) before the clock starts.
    std::thread::sleep(Duration::from_secs(1));
    let mut waits = Vec::with_capacity(FILES);
    for i in 0..FILES {
        let line = serde_json::json!({
            "event_id": format!("bench-{i}"),
            "occurred_at": madoguchi::clock::wall_clock().to_rfc3339(),
            "type": "account.self_registered",
            "email": format!("saiyou{i}@intake-bench.co.jp"),
            "kind": "employer",
        });
        let part = drop_dir.join(format!("{i:04}.jsonl.tmp"));
        std::fs::write(&part, format!("{line}\n")).unwrap();
        let start = Instant::now();
        std::fs::rename(&part, drop_dir.join(format!("{i:04}.jsonl"))).unwrap();
        while emls(&spool) < i + 1 {
            assert!(start.elapsed() < Duration::from_secs(30), "no key mail");
            std::thread::sleep(Duration::from_millis(2));
        }
        waits.push(start.elapsed());
    }
    waits.sort();
    let at = |q: f64| {
        let i = ((waits.len() as f64 - 1.0) * q).round() as usize;
        waits[i].as_secs_f64() * 1000.0
    };
    println!(
        "intake, rename → key mail in the spool, {FILES} files: p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms (goal p99 < 2000 ms)",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}
