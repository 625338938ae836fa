//! R-MAIL-2: a worker killed (SIGKILL) mid-batch loses nothing. The worker runs in a child
//! process: this test binary re-executed with `MADOGUCHI_CRASH_CHILD` set (the real
//! `madoguchi mail sync --watch` is wired in later, in `src/cli/`).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Duration as D;
use common::smtp::{SmtpServer, queue, smtp_config};
use madoguchi::mail::transport::Transport;
use madoguchi::mail::worker::{self, run_once};
use madoguchi::storage::Store;

const CHILD: &str = "MADOGUCHI_CRASH_CHILD";
const N: usize = 500;

/// In the child: the `mail sync --watch` loop, for ever (until killed).
#[test]
fn crash_child_worker_loop() {
    let Ok(spec) = std::env::var(CHILD) else {
        return; // a normal run: nothing to do
    };
    let (db, port) = spec.split_once('|').unwrap();
    let mut cfg = smtp_config(port.parse().unwrap());
    cfg.mail.batch_size = 50;
    let mut store = Store::open(std::path::Path::new(db)).unwrap();
    let tr = Transport::from_config(&cfg, None, std::path::Path::new("/nonexistent")).unwrap();
    loop {
        run_once(&mut store, &tr, &cfg, "child", madoguchi::clock::now()).unwrap();
    }
}

#[test]
fn r_mail_2_kill_9_mid_batch_loses_nothing() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let server = SmtpServer::start("accept", &[]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let now = madoguchi::clock::now();
    let ids = {
        let mut s = Store::open(&db).unwrap();
        queue(&mut s, N, now)
    };
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child_worker_loop", "--nocapture"])
        .env(CHILD, format!("{}|{}", db.display(), server.port))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it in the middle of the run, after a batch or two but well before the end.
    let start = Instant::now();
    while server.received_count() < 120 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "child sent nothing"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = server.received_count();
    assert!(at_kill < N, "the child finished before it was killed");
    let mut store = Store::open(&db).unwrap();
    let sending = worker::status(&store).unwrap().sending;
    assert!(sending > 0, "killed mid-batch: rows are still leased");
    // A new worker, after the lease: everything goes out.
    let cfg = smtp_config(server.port);
    let tr = Transport::from_config(&cfg, None, std::path::Path::new("/nonexistent")).unwrap();
    let later = now + D::seconds(i64::try_from(cfg.mail.lease_seconds).unwrap() + 60);
    let mut lease_recovered = 0;
    loop {
        let r = run_once(&mut store, &tr, &cfg, "restart", later).unwrap();
        lease_recovered += r.lease_recovered;
        if r.claimed == 0 {
            break;
        }
    }
    assert_eq!(lease_recovered, usize::try_from(sending).unwrap());
    let got = server.received();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for m in &got {
        *seen.entry(m.message_id.as_str()).or_default() += 1;
    }
    for id in &ids {
        assert!(seen.contains_key(id.as_str()), "lost {id}");
    }
    assert_eq!(seen.len(), N, "only our mails");
    // Duplicates: at most the one in flight when the child died (sent, not yet recorded), and
    // it carries the same Message-ID (that is how it is counted here).
    let dups: usize = seen.values().map(|n| n - 1).sum();
    assert!(dups <= 1, "{dups} duplicates (received {at_kill} at kill)");
    let st = worker::status(&store).unwrap();
    assert_eq!((st.queued, st.sending, st.failed), (0, 0, 0));
}
