//! Shared by the end-to-end tests: an office with staff on a real database file, and the real
//! binary in a pseudo-terminal read back through a VT100 emulator.
#![allow(dead_code)]

pub mod pty;
pub mod race;
pub mod review;
pub mod screen;
pub mod smtp;
pub mod sshd;
pub mod tools;

use std::path::Path;

use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::{self, Ctx};
use madoguchi::storage::Store;

/// The time every end-to-end test runs at (`MADOGUCHI_NOW`): a Tuesday, 10:30 JST.
pub const NOW: &str = "2026-11-24T01:30:00Z";
pub const ADMIN_PW: &str = "kanri-sha-2026-pass";
pub const CLERK_PW: &str = "madoguchi-tanaka-pw";
pub const SUPERVISOR_PW: &str = "shounin-suzuki-pw";

/// Office 13010 飯田橋 with `admin`, the counter clerk `tanaka` (田中 花子) and, when asked, the
/// supervisor `suzuki` (鈴木 一郎), passwords set (no forced change). Returns the store and the
/// admin's context.
pub fn office(path: &Path, with_supervisor: bool) -> (Store, Ctx) {
    let now = madoguchi::clock::parse_rfc3339(NOW).expect("time");
    let mut store = Store::open(path).expect("open");
    let admin = service::setup::init(
        &mut store,
        &service::setup::InitInput {
            office_code: "13010",
            office_name: "飯田橋",
            admin_name: "admin",
            admin_display_name: "管理 太郎",
            admin_password: ADMIN_PW,
            terminal: "test",
            now,
        },
    )
    .expect("init");
    // SPEC §6: the binary runs at MADOGUCHI_NOW, which only a training database allows.
    service::setup::mark_training(&mut store, "test", now).expect("training");
    let ctx = Ctx {
        staff_id: admin,
        staff_name: "admin".into(),
        terminal: "test".into(),
        now,
    };
    let mut people = vec![("tanaka", "田中 花子", Role::Counter, CLERK_PW)];
    if with_supervisor {
        people.push(("suzuki", "鈴木 一郎", Role::Supervisor, SUPERVISOR_PW));
    }
    for (name, display, role, pw) in people {
        service::staff::add(&mut store, &ctx, name, display, &Roles::new(vec![role])).expect("add");
        let id = madoguchi::storage::staff::by_name(store.conn(), name)
            .expect("q")
            .expect("row")
            .id;
        let hash = madoguchi::secret::hash(pw).expect("hash");
        madoguchi::storage::staff::set_password(store.conn(), id, &hash, false, now).expect("pw");
    }
    (store, ctx)
}
