//! Mails per second from the outbox to a local aiosmtpd, one worker pass over `N` queued mails
//! (claim, send over one kept connection, record each outcome), next to Python's `smtplib`
//! sending the same kind of messages over one connection to the same server. Then (issue 17
//! item 4) an hour of `mail sync --watch` against a server that trickles its replies, scaled
//! down: the passes of an hour (one every 6 s), each abandoning its send at a short deadline;
//! the mail threads and sockets left afterwards; and the same on the real service, a
//! `mail sync --watch` process, its threads and descriptors read from /proc (`MAIL_BENCH=watch`
//! runs only that).
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use madoguchi::mail::transport::Transport;
use madoguchi::mail::worker::run_once;
use madoguchi::storage::Store;

const N: usize = 300;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` / nextest only list or smoke-run the target.
    if std::env::args().any(|a| a == "--bench") {
        // MAIL_BENCH=watch: only the `mail sync --watch` process against the trickling server.
        if std::env::var("MAIL_BENCH").as_deref() == Ok("watch") {
            watch_process();
            return;
        }
        compare();
        watch_process();
    }
    divan::main();
}

/// Threads and open descriptors of process `pid` (`/proc/PID/task`, `/proc/PID/fd`).
fn tasks_and_fds(pid: u32) -> (usize, usize) {
    let count = |d: &str| std::fs::read_dir(format!("/proc/{pid}/{d}")).map_or(0, Iterator::count);
    (count("task"), count("fd"))
}

/// Issue 17 item 4 on the real service: `madoguchi mail sync --watch` (a process of its own,
/// real clock, live database) against a server that trickles a byte every 0.05 s, for
/// `MAIL_WATCH_SECONDS` (default 300). Each pass abandons its send at the 1 s deadline and the
/// mail is due again a second later: a pass every 1.5 s or so, four times the rate of the
/// scaled hour above (a pass every 6 s). Threads and descriptors of the process at the start,
/// at the most, and at the end.
fn watch_process() {
    let secs: u64 = std::env::var("MAIL_WATCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let server = common::smtp::TrickleServer::start(0.05);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let mut store = Store::open(&db).unwrap();
    common::smtp::queue(&mut store, 1, madoguchi::clock::now());
    let cfg = dir.path().join("madoguchi.toml");
    std::fs::write(
        &cfg,
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\ntimeout_seconds = 30\n\n\
             [mail]\nfrom = \"iidabashi@example.go.jp\"\npoll_seconds = 1\nsend_deadline_seconds = 1\n\
             lease_seconds = 10\nretry_first_seconds = 1\nretry_max_seconds = 1\n",
            server.port
        ),
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .arg("--db")
        .arg(&db)
        .arg("--config")
        .arg(&cfg)
        .args(["mail", "sync", "--watch"])
        .env_remove("MADOGUCHI_NOW")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    std::thread::sleep(std::time::Duration::from_secs(5));
    let first = tasks_and_fds(pid);
    let mut most = first;
    let t0 = Instant::now();
    while t0.elapsed() < std::time::Duration::from_secs(secs) {
        std::thread::sleep(std::time::Duration::from_millis(500));
        let here = tasks_and_fds(pid);
        most = (most.0.max(here.0), most.1.max(here.1));
    }
    let last = tasks_and_fds(pid);
    let attempts: i64 = store
        .conn()
        .query_row("SELECT attempts FROM outbox LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let alive = child.try_wait().unwrap().is_none();
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let status = child.wait().unwrap();
    println!(
        "mail sync --watch against a trickling server, {} s, {attempts} abandoned sends (an hour \
         at one pass every 6 s makes 600): threads {} -> at most {} -> {}, open fds {} -> at \
         most {} -> {}; running throughout: {alive}; SIGTERM: {status}",
        secs + 5,
        first.0,
        most.0,
        last.0,
        first.1,
        most.1,
        last.1
    );
}

fn compare() {
    let server = common::smtp::SmtpServer::start("accept", &[]);
    let py = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/smtplib_send.py"
        ))
        .args([server.port.to_string(), N.to_string()])
        .output()
        .unwrap();
    let py_rate = String::from_utf8_lossy(&py.stdout).trim().to_string();
    let ours = pass_rate(server.port);
    println!(
        "mail to local aiosmtpd, {N} mails: madoguchi worker {ours:.1} mails/s; python smtplib {py_rate} mails/s"
    );
    drop(server);
    trickle_hour();
}

/// 600 passes (an hour at one pass every 6 s) against a trickling server, each send abandoned
/// after 0.1 s: threads and sockets of the process before, at the most, and after.
fn trickle_hour() {
    const PASSES: i64 = 600;
    let server = common::smtp::TrickleServer::start(0.05);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let mut cfg = common::smtp::smtp_config(server.port);
    cfg.mail.retry_first_seconds = 1;
    cfg.mail.retry_max_seconds = 1;
    let tr = Transport::from_config(&cfg, None, dir.path())
        .unwrap()
        .with_deadline(std::time::Duration::from_millis(100));
    let start = madoguchi::clock::now();
    common::smtp::queue(&mut store, 1, start);
    let before = (common::smtp::mail_threads(), common::smtp::sockets());
    let mut most = before;
    let t0 = Instant::now();
    for pass in 0..PASSES {
        let now = start + chrono::Duration::seconds(6 * pass);
        run_once(&mut store, &tr, &cfg, "bench", now).unwrap();
        let here = (common::smtp::mail_threads(), common::smtp::sockets());
        most = (most.0.max(here.0), most.1.max(here.1));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let after = (common::smtp::mail_threads(), common::smtp::sockets());
    println!(
        "trickling server, {PASSES} passes (an hour of --watch) in {:.0} s: mail threads {} -> at most {} -> {}, sockets {} -> at most {} -> {}",
        t0.elapsed().as_secs_f64(),
        before.0,
        most.0,
        after.0,
        before.1,
        most.1,
        after.1
    );
}

fn setup(
    port: u16,
) -> (
    tempfile::TempDir,
    Store,
    Transport,
    madoguchi::config::Config,
) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("b.db")).unwrap();
    let mut cfg = common::smtp::smtp_config(port);
    cfg.mail.batch_size = u32::try_from(N).unwrap();
    cfg.mail.lease_seconds = 600;
    common::smtp::queue(&mut store, N, madoguchi::clock::now());
    let tr = Transport::from_config(&cfg, None, dir.path()).unwrap();
    (dir, store, tr, cfg)
}

fn pass_rate(port: u16) -> f64 {
    let (_d, mut store, tr, cfg) = setup(port);
    let start = Instant::now();
    let r = run_once(&mut store, &tr, &cfg, "bench", madoguchi::clock::now()).unwrap();
    assert_eq!(r.sent, N);
    #[allow(clippy::cast_precision_loss)]
    let rate = N as f64 / start.elapsed().as_secs_f64();
    rate
}

/// One pass of `N` mails (divan reports the time per pass; mails/s = N / time).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn worker_pass(b: divan::Bencher) {
    let server = common::smtp::SmtpServer::start("accept", &[]);
    b.with_inputs(|| setup(server.port))
        .bench_local_values(|(_d, mut store, tr, cfg)| {
            run_once(&mut store, &tr, &cfg, "bench", madoguchi::clock::now()).unwrap()
        });
}
