//! Storage and service rules on a real database file (tempfile), as the program runs them.
//!
//! Shared here: an office on a fresh file, staff and registration inputs; the parts hold the
//! tests by what they check.

mod audit_log;
mod kana;
mod keys;
mod letter_case;
mod registration;
mod staff_auth;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::accounts::RegisterInput;
use madoguchi::service::auth;
use madoguchi::service::{Ctx, setup, staff};
use madoguchi::storage::Store;

const ADMIN_PW: &str = "root-of-trust-phrase";

const CLERK_PW: &str = "clerk-secret-passphrase";

fn t0() -> DateTime<Utc> {
    madoguchi::clock::parse_rfc3339("2026-04-01T01:00:00Z").expect("time")
}

struct Env {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    cfg: Config,
    admin: Ctx,
    clerk: Ctx,
}

fn add_staff(store: &mut Store, admin: &Ctx, name: &str, role: Role, pw: &str) -> Ctx {
    let temp = staff::add(store, admin, name, name, &Roles::new(vec![role])).expect("add");
    let s = auth::sign_in(store, name, &temp, "test", t0()).expect("sign in");
    auth::change_password(store, &s.ctx, &temp, pw, pw).expect("change");
    auth::sign_in(store, name, pw, "test", t0())
        .expect("sign in")
        .ctx
}

fn env() -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("madoguchi.db");
    let mut store = Store::open(&path).expect("open");
    setup::init(
        &mut store,
        &setup::InitInput {
            office_code: "13010",
            office_name: "飯田橋",
            admin_name: "admin",
            admin_display_name: "管理 太郎",
            admin_password: ADMIN_PW,
            terminal: "test",
            now: t0(),
        },
    )
    .expect("init");
    let admin = auth::sign_in(&mut store, "admin", ADMIN_PW, "test", t0())
        .expect("admin")
        .ctx;
    let clerk = add_staff(&mut store, &admin, "tanaka", Role::Counter, CLERK_PW);
    Env {
        _dir: dir,
        path,
        store,
        cfg: Config::default(),
        admin,
        clerk,
    }
}

fn employer(email: &str) -> RegisterInput {
    RegisterInput {
        kind: Some(AccountKind::Employer),
        email: email.into(),
        email_confirm: email.into(),
        ..RegisterInput::default()
    }
}

fn wal(p: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", p.display()))
}

fn seeker(email: &str, kana: &str, number: &str) -> RegisterInput {
    RegisterInput {
        kind: Some(AccountKind::Seeker),
        email: email.into(),
        email_confirm: email.into(),
        birth_date: "1990-04-01".into(),
        name: "山田 太郎".into(),
        name_kana: kana.into(),
        seeker_number: number.into(),
        ..RegisterInput::default()
    }
}
