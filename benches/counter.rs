//! Counter performance: a staff sign-in (argon2id verify plus the audit row) and one account
//! registration (key hash, rows, audit, outbox) on a temp-file database.

use std::sync::atomic::{AtomicUsize, Ordering};

use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::accounts::{self, RegisterInput};
use madoguchi::service::{Ctx, auth, setup, staff};
use madoguchi::storage::Store;

const ADMIN_PW: &str = "root-of-trust-phrase";
const CLERK_PW: &str = "clerk-secret-passphrase";

fn main() {
    divan::main();
}

fn ready() -> (tempfile::TempDir, Store, Ctx) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("bench.db")).expect("open");
    let now = madoguchi::clock::now();
    setup::init(
        &mut store,
        &setup::InitInput {
            office_code: "13010",
            office_name: "飯田橋",
            admin_name: "admin",
            admin_display_name: "",
            admin_password: ADMIN_PW,
            terminal: "bench",
            now,
        },
    )
    .expect("init");
    let admin = auth::sign_in(&mut store, "admin", ADMIN_PW, "bench", now)
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
    let s = auth::sign_in(&mut store, "tanaka", &temp, "bench", now).expect("temp");
    auth::change_password(&mut store, &s.ctx, &temp, CLERK_PW, CLERK_PW).expect("pw");
    let clerk = auth::sign_in(&mut store, "tanaka", CLERK_PW, "bench", now)
        .expect("clerk")
        .ctx;
    (dir, store, clerk)
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn sign_in(bencher: divan::Bencher) {
    let (_dir, mut store, _) = ready();
    let now = madoguchi::clock::now();
    bencher.bench_local(|| {
        auth::sign_in(&mut store, "tanaka", CLERK_PW, "bench", now).expect("sign in")
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn register_one_account(bencher: divan::Bencher) {
    let (_dir, mut store, clerk) = ready();
    let cfg = Config::default();
    let n = AtomicUsize::new(0);
    bencher.bench_local(|| {
        let i = n.fetch_add(1, Ordering::Relaxed);
        let email = format!("bench{i}@example.co.jp");
        let input = RegisterInput {
            kind: Some(AccountKind::Employer),
            email: email.clone(),
            email_confirm: email,
            ..RegisterInput::default()
        };
        accounts::register(&mut store, &cfg, &clerk, &input).expect("register")
    });
}
