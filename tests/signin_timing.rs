//! R-AUTH-2: sign-in timing does not tell which staff IDs exist. An unknown ID and a wrong
//! password cost the same argon2 work, measured in-process through the service function:
//! interleaved samples, medians compared (no bound on absolute time).

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::{auth, setup, staff};
use madoguchi::storage::Store;

const PW: &str = "timing-test-passphrase";
const SAMPLES: usize = 15;
/// Measurements of SAMPLES pairs each: a burst of load from other processes can tilt one, the
/// bug tilts every one (about 2 : 1), so one attempt within 20 % passes.
const ATTEMPTS: usize = 3;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
fn r_auth_2_unknown_id_and_wrong_password_take_the_same_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("madoguchi.db")).unwrap();
    let now = madoguchi::clock::now();
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
    .unwrap();
    let admin = auth::sign_in(&mut store, "admin", "root-of-trust-phrase", "t", now)
        .unwrap()
        .ctx;
    let temp = staff::add(
        &mut store,
        &admin,
        "tanaka",
        "",
        &Roles::new(vec![Role::Counter]),
    )
    .unwrap();
    let s = auth::sign_in(&mut store, "tanaka", &temp, "t", now).unwrap();
    auth::change_password(&mut store, &s.ctx, &temp, PW, PW).unwrap();

    // The first unknown ID of the process comes first: a dummy hash made on first use would
    // show there (and in every new CLI process).
    let time = |store: &mut Store, name: &str| {
        let t0 = Instant::now();
        let r = auth::sign_in(store, name, "not-the-password-at-all", "t", now);
        let d = t0.elapsed();
        assert!(r.is_err(), "{name}");
        d
    };
    // One of three attempts within 20 % (other processes share the machine).
    let mut attempts = Vec::new();
    for attempt in 0..ATTEMPTS {
        let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
        for i in 0..SAMPLES {
            unknown.push(time(&mut store, &format!("nobody{attempt}x{i}")));
            wrong.push(time(&mut store, "tanaka"));
            // Four wrong in a row at most: the fifth would lock the account (another path).
            if i % 3 == 2 {
                auth::sign_in(&mut store, "tanaka", PW, "t", now).unwrap();
            }
        }
        let first_unknown = unknown[0];
        let (mu, mw) = (median(unknown), median(wrong));
        let ratio = mu.as_secs_f64() / mw.as_secs_f64();
        eprintln!(
            "median unknown {mu:?}, wrong password {mw:?}, ratio {ratio:.2}, first unknown {first_unknown:?}"
        );
        attempts.push(ratio);
        if (0.8..=1.25).contains(&ratio) {
            return;
        }
    }
    panic!("medians differ by more than 20 % in every attempt: unknown / wrong = {attempts:?}");
}

/// The same through the real binary: each process is new, so a hash made once per process
/// would be paid by every unknown-ID sign-in (the reported 138 ms against 76 ms).
#[test]
fn r_auth_2_unknown_id_and_wrong_password_take_the_same_time_in_new_processes() {
    const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("madoguchi.db");
    {
        let mut store = Store::open(&db).unwrap();
        let now = madoguchi::clock::now();
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
        .unwrap();
    }
    let run = |name: &str| {
        let t0 = Instant::now();
        let out = std::process::Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .args(["--as", name, "queue", "counts"])
            .env("MADOGUCHI_PASSWORD", "not-the-password-at-all")
            .env("MADOGUCHI_CONFIG", dir.path().join("none.toml"))
            .env_remove("MADOGUCHI_NOW")
            .env_remove("MADOGUCHI_AS")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let d = t0.elapsed();
        assert!(!out.status.success(), "{name}");
        d
    };
    // Other processes share the machine: a burst of load can tilt one attempt; the bug tilts
    // every one (about 2 : 1), so one of three attempts within 20 % passes.
    let mut attempts = Vec::new();
    for attempt in 0..ATTEMPTS {
        let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
        for i in 0..SAMPLES {
            unknown.push(run(&format!("nobody{attempt}x{i}")));
            wrong.push(run("admin"));
            if i % 3 == 2 {
                // Four wrong in a row at most (the fifth locks): a right one resets the count.
                let mut store = Store::open(&db).unwrap();
                auth::sign_in(
                    &mut store,
                    "admin",
                    "root-of-trust-phrase",
                    "t",
                    madoguchi::clock::now(),
                )
                .unwrap();
            }
        }
        let (mu, mw) = (median(unknown), median(wrong));
        let ratio = mu.as_secs_f64() / mw.as_secs_f64();
        eprintln!("processes: median unknown {mu:?}, wrong password {mw:?}, ratio {ratio:.2}");
        attempts.push(ratio);
        if (0.8..=1.25).contains(&ratio) {
            return;
        }
    }
    panic!("medians differ by more than 20 % in every attempt: unknown / wrong = {attempts:?}");
}
