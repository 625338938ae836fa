//! Continuous replication with Litestream (issue 18, docs/deploy.md §5): the file-replica
//! configuration of docs/deploy.md, 8 clerk processes registering accounts (the real binary),
//! a sweep running, the product's own TRUNCATE checkpoint tried meanwhile; then the primary
//! is killed with SIGKILL (Litestream and every writer in flight), the replica restored with
//! `litestream restore`, and every registration committed before the last second found, the
//! audit chain verifying. Prints the recovery point, the restore time and the WAL sizes seen.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::CLERK_PW;
use common::tools::litestream;
use madoguchi::storage::Store;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");
const WRITERS: usize = 8;
/// How long the clerks write before the primary dies.
const RUN: Duration = Duration::from_secs(6);

/// The file-replica example of docs/deploy.md with the test's paths.
fn documented_config(db: &Path, replica: &Path) -> String {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deploy.md"))
        .expect("docs/deploy.md");
    let start = doc.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let block = &doc[start..start + doc[start..].find("```").expect("end")];
    assert!(block.contains("type: file"), "{block}");
    block
        .replace("/srv/madoguchi/madoguchi.db", &db.display().to_string())
        .replace("/mnt/replica/madoguchi", &replica.display().to_string())
}

struct Commit {
    email: String,
    started: Instant,
    ended: Instant,
}

fn command(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db")
        .arg(db)
        .args(args)
        .env("MADOGUCHI_CONFIG", db.with_extension("toml"))
        .env("MADOGUCHI_PASSWORD", CLERK_PW)
        .env_remove("MADOGUCHI_NOW")
        .env_remove("MADOGUCHI_AS")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Runs processes made by `make` one after another until `stop`, registering each child in
/// `live` (so that the killer finds it); `on_ok` gets (i, started, ended) for each success.
fn looping(
    stop: &Arc<AtomicBool>,
    live: &Arc<Mutex<Vec<u32>>>,
    make: impl Fn(usize) -> Command + Send + 'static,
    on_ok: impl Fn(usize, Instant, Instant) + Send + 'static,
) -> std::thread::JoinHandle<()> {
    let (stop, live) = (Arc::clone(stop), Arc::clone(live));
    std::thread::spawn(move || {
        let mut i = 0;
        loop {
            let started = Instant::now();
            let mut child: Child = {
                let mut l = live.lock().expect("lock");
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let c = make(i).spawn().expect("spawn");
                l.push(c.id());
                c
            };
            let status = child.wait().expect("wait");
            live.lock().expect("lock").retain(|p| *p != child.id());
            if status.success() {
                on_ok(i, started, Instant::now());
            } else if !stop.load(Ordering::SeqCst) {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                panic!("a writer failed ({status}): {err}");
            }
            i += 1;
        }
    })
}

fn kill9(pid: u32) {
    if let Some(p) = rustix::process::Pid::from_raw(i32::try_from(pid).unwrap_or(0)) {
        let _ = rustix::process::kill_process(p, rustix::process::Signal::KILL);
    }
}

fn wal_size(db: &Path) -> u64 {
    std::fs::metadata(format!("{}-wal", db.display())).map_or(0, |m| m.len())
}

#[test]
fn litestream_replica_survives_sigkill_of_the_primary_with_every_registration_up_to_the_last_second()
 {
    let ls = litestream();
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let db = dir.join("primary/madoguchi.db");
    drop(common::office(&db, false));
    let replica = dir.join("replica");
    let config = dir.join("litestream.yml");
    std::fs::write(&config, documented_config(&db, &replica)).expect("config");
    let mut litestream = Command::new(&ls)
        .args(["replicate", "-config"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("litestream.log")).expect("log"))
        .spawn()
        .expect("litestream replicate");
    // Its first snapshot.
    let until = Instant::now() + Duration::from_secs(20);
    while !replica.exists() {
        assert!(Instant::now() < until, "litestream wrote no replica");
        std::thread::sleep(Duration::from_millis(50));
    }

    let stop = Arc::new(AtomicBool::new(false));
    let live = Arc::new(Mutex::new(Vec::new()));
    let commits: Arc<Mutex<Vec<Commit>>> = Arc::new(Mutex::new(Vec::new()));
    let mut threads = Vec::new();
    for w in 0..WRITERS {
        let db2 = db.clone();
        let c = Arc::clone(&commits);
        threads.push(looping(
            &stop,
            &live,
            move |i| {
                let email = format!("kyujin{w}n{i}@yamada-kensetsu.co.jp");
                let mut c = command(
                    &db2,
                    &[
                        "--as", "tanaka", "account", "register", "--kind", "employer",
                    ],
                );
                c.args(["--email", &email, "--accept-warnings"]);
                c
            },
            move |i, started, ended| {
                c.lock().expect("lock").push(Commit {
                    email: format!("kyujin{w}n{i}@yamada-kensetsu.co.jp"),
                    started,
                    ended,
                });
            },
        ));
    }
    let sweeps = Arc::new(Mutex::new(0usize));
    {
        let (db2, s) = (db.clone(), Arc::clone(&sweeps));
        threads.push(looping(
            &stop,
            &live,
            move |_| command(&db2, &["sweep"]),
            move |_, _, _| *s.lock().expect("lock") += 1,
        ));
    }
    // The WAL while everything runs, and the product's TRUNCATE checkpoint meanwhile.
    let started = Instant::now();
    let (mut wal_max, mut checkpoints) = (0u64, Vec::new());
    let probe = Store::open(&db).expect("probe");
    while started.elapsed() < RUN {
        for _ in 0..10 {
            wal_max = wal_max.max(wal_size(&db));
            std::thread::sleep(Duration::from_millis(100));
        }
        let (before, t) = (wal_size(&db), Instant::now());
        madoguchi::storage::outbox::checkpoint_truncate(probe.conn()).expect("checkpoint");
        checkpoints.push((before, wal_size(&db), t.elapsed()));
    }
    drop(probe);

    // The server dies: Litestream and every writer in flight, SIGKILL at once.
    let killed_at = {
        let l = live.lock().expect("lock");
        stop.store(true, Ordering::SeqCst);
        kill9(litestream.id());
        for p in l.iter() {
            kill9(*p);
        }
        Instant::now()
    };
    let _ = litestream.wait();
    for t in threads {
        t.join().expect("thread");
    }
    let commits = commits.lock().expect("lock");
    assert!(
        commits.len() > 20,
        "the clerks registered: {}",
        commits.len()
    );

    // Restore from the replica alone, on "another machine"; the secret comes from its backup.
    let restored = dir.join("restored/madoguchi.db");
    std::fs::create_dir_all(restored.parent().expect("dir")).expect("mkdir");
    let t = Instant::now();
    let out = Command::new(&ls)
        .args(["restore", "-config"])
        .arg(&config)
        .arg("-o")
        .arg(&restored)
        .arg(&db)
        .output()
        .expect("litestream restore");
    let restore_time = t.elapsed();
    assert!(
        out.status.success(),
        "litestream restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::copy(
        db.with_extension("secret"),
        restored.with_extension("secret"),
    )
    .expect("secret");
    let mut store = Store::open_existing(&restored).expect("open restored");
    // The replica has no head file (it stayed with the dead server): the chain is whole but
    // unanchored until an admin records its head anew, which is itself logged (R-AUD-2).
    let unanchored = madoguchi::service::audit::verify(&store).expect("verify");
    assert_eq!(
        unanchored.first_bad.as_ref().map(|b| b.1.as_str()),
        Some("head_file_missing")
    );
    let admin: madoguchi::domain::ids::StaffId = store
        .conn()
        .query_row("SELECT id FROM staff WHERE name = 'admin'", [], |r| {
            r.get(0)
        })
        .expect("admin");
    let admin = madoguchi::service::Ctx {
        staff_id: admin,
        staff_name: "admin".into(),
        terminal: "restore".into(),
        now: madoguchi::clock::wall_clock(),
    };
    madoguchi::service::audit::anchor(&mut store, &admin).expect("anchor");
    let present = |email: &str| {
        store
            .conn()
            .query_row(
                "SELECT count(*) FROM accounts WHERE email = ?1",
                [email],
                |r| r.get::<_, i64>(0),
            )
            .expect("q")
            == 1
    };
    let missing: Vec<&Commit> = commits.iter().filter(|c| !present(&c.email)).collect();
    // The recovery point: from the start of the oldest lost registration's process to the kill.
    let lost_window = missing
        .iter()
        .map(|c| killed_at.saturating_duration_since(c.started))
        .max()
        .unwrap_or_default();
    let v = madoguchi::service::audit::verify(&store).expect("verify");
    let size = std::fs::metadata(&restored).map_or(0, |m| m.len());
    eprintln!(
        "litestream: {} registrations by {WRITERS} clerk processes and {} sweeps in {:.1} s; \
         lost at SIGKILL: {} (recovery point ≤ {:.2} s); restore of {:.1} MiB in {:.2} s; \
         WAL max {:.1} MiB; product TRUNCATE checkpoints (WAL before → after, time): {:?}",
        commits.len(),
        sweeps.lock().expect("lock"),
        RUN.as_secs_f64(),
        missing.len(),
        lost_window.as_secs_f64(),
        size as f64 / 1_048_576.0,
        restore_time.as_secs_f64(),
        wal_max as f64 / 1_048_576.0,
        checkpoints
            .iter()
            .map(|(b, a, d)| format!("{}K→{}K {}ms", b / 1024, a / 1024, d.as_millis()))
            .collect::<Vec<_>>()
    );
    for c in &missing {
        let before_kill = killed_at.saturating_duration_since(c.ended);
        assert!(
            before_kill < Duration::from_secs(2),
            "{} committed {:.2} s before the kill is missing from the replica",
            c.email,
            before_kill.as_secs_f64()
        );
    }
    assert!(
        v.first_bad.is_none(),
        "audit chain of the restore: {:?}",
        v.first_bad
    );
    assert!(
        madoguchi::storage::maintenance::integrity_problems(store.conn())
            .expect("check")
            .is_empty()
    );
    // Litestream keeps a read transaction open, so the product's TRUNCATE checkpoint rarely
    // completes while it runs; it must then give up quickly without stalling the clerks (who
    // got "database is locked" when it waited the whole busy timeout holding the write lock:
    // every writer above succeeded), and Litestream's own checkpoints keep the WAL small.
    let patience = madoguchi::storage::outbox::TRUNCATE_PATIENCE;
    for (_, _, took) in &checkpoints {
        assert!(*took < patience + Duration::from_millis(500), "{took:?}");
    }
    assert!(wal_max < 64 * 1024 * 1024, "WAL grew to {wal_max} bytes");
}
