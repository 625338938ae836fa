//! The L database (100,000 establishments with their accounts, 450,000 job offers in every
//! state; a smoke size under the test runner), built once as the template, and what every item
//! takes from it: a copy of its own, and the admin's context.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use madoguchi::domain::staff::Roles;
use madoguchi::service::Ctx;
use madoguchi::storage::Store;

use crate::{Scale, common};

/// Builds the L database at `template` (the smoke size unless `full`), filled at `filled`, and
/// prints how long it took.
pub(crate) fn build(template: &Path, full: bool, filled: DateTime<Utc>) {
    let (n_est, n_jobs) = if full {
        (100_000, 450_000)
    } else {
        (300, 1_500)
    };
    let t0 = Instant::now();
    let mut store = Store::open(template).expect("open");
    common::office(&mut store, filled);
    madoguchi::r#gen::bench_fill(&mut store, n_est, n_jobs, filled).expect("fill");
    // 求人番号 for the registered offers (item 10), as approvals assign them.
    store
        .conn()
        .execute(
            "UPDATE submissions SET job_number = printf('13010-%08d', id)
                  WHERE kind = 'job' AND state = 'registered'",
            [],
        )
        .expect("job numbers");
    drop(store);
    println!(
        "L database: {n_est} establishments, {n_jobs} job offers built in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
}

impl Scale {
    /// A copy of the L database (with its install secret) named `name`.
    pub(crate) fn copy(&self, name: &str) -> PathBuf {
        let db = self.dir.path().join(name);
        std::fs::copy(&self.template, &db).expect("copy");
        std::fs::copy(
            madoguchi::secret::InstallSecret::path_for(&self.template),
            madoguchi::secret::InstallSecret::path_for(&db),
        )
        .expect("copy the install secret");
        db
    }

    /// The admin as a supervisor and counter clerk too, at `now`.
    pub(crate) fn ctx(store: &Store, now: DateTime<Utc>) -> Ctx {
        let admin: madoguchi::domain::ids::StaffId = store
            .conn()
            .query_row("SELECT min(id) FROM staff", [], |r| r.get(0))
            .expect("admin");
        madoguchi::storage::staff::set_roles(
            store.conn(),
            admin,
            &Roles::parse_list("admin,supervisor,counter"),
            now,
        )
        .expect("roles");
        Ctx {
            staff_id: admin,
            staff_name: "admin".into(),
            terminal: "bench".into(),
            now,
        }
    }
}
