//! Shared by the end-to-end tests: an office with staff on a real database file, and the real
//! binary in a pseudo-terminal read back through a VT100 emulator.
#![allow(dead_code)]

pub mod logs;
pub mod office;
pub mod pty;
pub mod race;
pub mod review;
pub mod screen;
pub mod smtp;
pub mod sshd;
pub mod tools;

use std::path::Path;

use madoguchi::domain::staff::Role;
use madoguchi::service::Ctx;
use madoguchi::storage::Store;

/// The time every end-to-end test runs at (`MADOGUCHI_NOW`): a Tuesday, 10:30 JST.
pub const NOW: &str = "2026-11-24T01:30:00Z";
pub const ADMIN_PW: &str = "kanri-sha-2026-pass";
pub const CLERK_PW: &str = "madoguchi-tanaka-pw";
pub const SUPERVISOR_PW: &str = "shounin-suzuki-pw";

/// Office 13010 飯田橋 with `admin`, the counter clerk `tanaka` (田中 花子) and, when asked, the
/// supervisor `suzuki` (鈴木 一郎), passwords set (no forced change), a training database at
/// [`NOW`]. Returns the store and the admin's context.
pub fn office(path: &Path, with_supervisor: bool) -> (Store, Ctx) {
    office_builder(with_supervisor).build_at(path).into_parts()
}

/// [`office`]'s set-up, for tests that add staff of their own after it.
pub fn office_builder(with_supervisor: bool) -> office::OfficeBuilder {
    let b = office::Office::builder().training().staff(
        "tanaka",
        "田中 花子",
        &[Role::Counter],
        CLERK_PW,
    );
    if with_supervisor {
        b.staff("suzuki", "鈴木 一郎", &[Role::Supervisor], SUPERVISOR_PW)
    } else {
        b
    }
}
