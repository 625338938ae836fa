//! Several processes (the real binary) on one database at once (SPEC §1: nothing lost or
//! applied twice; R-REG-2 under a race).

use std::path::Path;
use std::process::{Child, Command, Stdio};

use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::{auth, setup, staff};
use madoguchi::storage::Store;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");
const CLERK_PW: &str = "clerk-secret-passphrase";
const ROUNDS: usize = 3;
const RACERS: usize = 6;

fn prepare(db: &Path) {
    let now = madoguchi::clock::now();
    let mut store = Store::open(db).expect("open");
    setup::init(
        &mut store,
        &setup::InitInput {
            office_code: "13010",
            office_name: "飯田橋",
            admin_name: "admin",
            admin_display_name: "",
            admin_password: "root-of-trust-phrase",
            terminal: "test",
            now,
        },
    )
    .expect("init");
    let admin = auth::sign_in(&mut store, "admin", "root-of-trust-phrase", "t", now)
        .expect("admin")
        .ctx;
    let temp = staff::add(
        &mut store,
        &admin,
        "tanaka",
        "",
        &Roles::new(vec![Role::Counter]),
    )
    .expect("add");
    let s = auth::sign_in(&mut store, "tanaka", &temp, "t", now).expect("sign in");
    auth::change_password(&mut store, &s.ctx, &temp, CLERK_PW, CLERK_PW).expect("pw");
}

fn spawn_register(dir: &Path, email: &str) -> Child {
    Command::new(BIN)
        .arg("--db")
        .arg(dir.join("madoguchi.db"))
        .args([
            "--as", "tanaka", "account", "register", "--kind", "employer", "--email", email,
        ])
        .env("MADOGUCHI_PASSWORD", CLERK_PW)
        .env("MADOGUCHI_CONFIG", dir.join("none.toml"))
        .env_remove("MADOGUCHI_NOW")
        .env_remove("MADOGUCHI_AS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn")
}

struct Done {
    code: i32,
    stderr: String,
}

/// Spawns every process first, then waits for all: they start within milliseconds of each
/// other and contend for the write lock.
fn race(dir: &Path, emails: &[String]) -> Vec<Done> {
    let children: Vec<Child> = emails.iter().map(|e| spawn_register(dir, e)).collect();
    children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().expect("wait");
            Done {
                code: o.status.code().unwrap_or(-1),
                stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            }
        })
        .collect()
}

fn no_lock_error(d: &Done) {
    assert!(
        !d.stderr.contains("locked") && !d.stderr.contains("busy"),
        "a lock error reached the user: {}",
        d.stderr
    );
}

#[test]
fn spec_1_two_processes_registering_different_accounts_both_succeed() {
    let dir = tempfile::tempdir().expect("tempdir");
    prepare(&dir.path().join("madoguchi.db"));
    for round in 0..ROUNDS {
        let emails = vec![
            format!("a{round}@example.co.jp"),
            format!("b{round}@example.co.jp"),
        ];
        for d in race(dir.path(), &emails) {
            no_lock_error(&d);
            assert_eq!(d.code, 0, "round {round}: {}", d.stderr);
        }
    }
    let store = Store::open(&dir.path().join("madoguchi.db")).expect("open");
    assert_eq!(
        madoguchi::storage::accounts::count(store.conn()).expect("count"),
        i64::try_from(2 * ROUNDS).expect("small")
    );
    assert!(
        madoguchi::service::audit::verify(&store)
            .expect("verify")
            .first_bad
            .is_none(),
        "the audit chain stays linear under concurrent writers"
    );
}

#[test]
fn r_reg_2_same_email_from_many_processes_exactly_one_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    prepare(&dir.path().join("madoguchi.db"));
    for round in 0..ROUNDS {
        let email = format!("race{round}@example.co.jp");
        let emails = vec![email; RACERS];
        let results = race(dir.path(), &emails);
        for d in &results {
            no_lock_error(d);
        }
        let winners = results.iter().filter(|d| d.code == 0).count();
        assert_eq!(winners, 1, "round {round}: exactly one registers");
        for d in results.iter().filter(|d| d.code != 0) {
            assert_eq!(d.code, 3, "round {round}: {}", d.stderr);
            assert!(
                d.stderr.contains("既に使われています"),
                "round {round}: {}",
                d.stderr
            );
        }
    }
    let store = Store::open(&dir.path().join("madoguchi.db")).expect("open");
    assert_eq!(
        madoguchi::storage::accounts::count(store.conn()).expect("count"),
        i64::try_from(ROUNDS).expect("small")
    );
}

/// One clerk's command, waited for.
fn clerk_command(dir: &Path, args: &[&str]) -> Done {
    let o = Command::new(BIN)
        .arg("--db")
        .arg(dir.join("madoguchi.db"))
        .args(["--as", "tanaka"])
        .args(args)
        .env("MADOGUCHI_PASSWORD", CLERK_PW)
        .env("MADOGUCHI_CONFIG", dir.join("none.toml"))
        .env_remove("MADOGUCHI_NOW")
        .env_remove("MADOGUCHI_AS")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    Done {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Issue 16 items 2 and 3: while a sweep purges expired accounts and an import writes, eight
/// clerk processes register accounts and look them up; none of them sees the database locked
/// or fails, and the WAL stays bounded.
#[test]
fn spec_1_clerks_never_see_a_lock_while_a_sweep_and_an_import_run() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("madoguchi.db");
    prepare(&db);
    let now = madoguchi::clock::now();
    let mut store = Store::open(&db).expect("open");
    // Work for the sweep: accounts with deadlines within 30 days either side of today.
    madoguchi::r#gen::bench_fill(&mut store, 300, 1_500, now).expect("fill");
    let admin = madoguchi::storage::staff::by_name(store.conn(), "admin")
        .expect("q")
        .expect("admin")
        .id;
    let opts = madoguchi::r#gen::GenOptions {
        establishments: 300,
        jobs: 2_600,
        accounts: 100,
        seed: 11,
        start: now - chrono::Duration::hours(2),
    };
    let keys = madoguchi::r#gen::prepare_accounts(&mut store, admin, &opts).expect("prepare");
    let mut events = Vec::new();
    madoguchi::r#gen::generate(&opts, &keys, &mut events).expect("gen");

    let stop = Arc::new(AtomicBool::new(false));
    let wal = madoguchi::storage::maintenance::side_files(&db)[0].clone();
    let largest = Arc::new(AtomicU64::new(0));
    let watch = {
        let (stop, largest, wal) = (stop.clone(), largest.clone(), wal.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let n = std::fs::metadata(&wal).map_or(0, |m| m.len());
                largest.fetch_max(n, Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let clerks: Vec<_> = (0..8)
        .map(|c| {
            let (dir, stop) = (dir.path().to_path_buf(), stop.clone());
            std::thread::spawn(move || {
                let mut done = Vec::new();
                let mut i = 0;
                // At least three of each, and on until the background work is over.
                while i < 3 || !stop.load(Ordering::Relaxed) {
                    let email = format!("busy{c}-{i}@example.co.jp");
                    done.push(clerk_command(
                        &dir,
                        &[
                            "account", "register", "--kind", "employer", "--email", &email,
                        ],
                    ));
                    done.push(clerk_command(
                        &dir,
                        &["lookup", "--email", &email, "--purpose", "1"],
                    ));
                    i += 1;
                }
                done
            })
        })
        .collect();
    let background = std::thread::spawn({
        let db = db.clone();
        move || {
            let mut store = Store::open(&db).expect("sweep's connection");
            let cfg = madoguchi::config::Config::default();
            let rep = madoguchi::service::sweep::run(&mut store, &cfg, now).expect("sweep");
            let mut inputs = vec![madoguchi::service::import::Input {
                name: "events.jsonl".into(),
                reader: Box::new(std::io::Cursor::new(events)),
                size: None,
            }];
            let s = madoguchi::service::import::import_events(
                &mut store,
                &cfg,
                None,
                now,
                &mut inputs,
                |_| {},
            )
            .expect("import");
            (rep, s)
        }
    });
    let (rep, imported) = background.join().expect("background");
    stop.store(true, Ordering::Relaxed);
    let results: Vec<Done> = clerks
        .into_iter()
        .flat_map(|c| c.join().expect("clerk"))
        .collect();
    watch.join().expect("watch");
    assert!(rep.invalidated_accounts > 50, "{rep:?}");
    assert_eq!(imported.rejected, 0, "{:?}", imported.rejects.first());
    assert!(results.len() >= 8 * 6);
    for d in &results {
        no_lock_error(d);
        assert_eq!(d.code, 0, "{}", d.stderr);
    }
    let most = largest.load(Ordering::Relaxed);
    assert!(most < 64 << 20, "the WAL reached {most} bytes");
}
