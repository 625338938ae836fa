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
