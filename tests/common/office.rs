//! One builder for the office the tests start from: office 13010 飯田橋 with its first admin
//! (`admin`, 管理 太郎, [`ADMIN_PW`](super::ADMIN_PW)), then the staff each test asks for, in
//! the order asked (their ids and audit rows follow that order).
//!
//! ```ignore
//! let office = Office::builder()
//!     .training()
//!     .staff("tanaka", "田中 花子", &[Role::Counter], CLERK_PW)
//!     .build_at(&dir.path().join("m.db"));
//! let clerk = office.ctx("tanaka");
//! ```

use std::path::Path;

use chrono::{DateTime, Utc};
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::{self, Ctx};
use madoguchi::storage::{self, Store};

/// The database after [`OfficeBuilder::build_at`], and the admin's context.
pub struct Office {
    pub store: Store,
    pub admin: Ctx,
    pub now: DateTime<Utc>,
}

struct Member {
    name: String,
    display: String,
    roles: Vec<Role>,
    /// Set directly (not forced to change); `None` leaves the temporary one `staff::add` made.
    password: Option<String>,
}

pub struct OfficeBuilder {
    now: DateTime<Utc>,
    training: bool,
    staff: Vec<Member>,
}

impl Office {
    /// At [`NOW`](super::NOW), not a training database, no staff but the admin.
    #[must_use]
    pub fn builder() -> OfficeBuilder {
        OfficeBuilder {
            now: madoguchi::clock::parse_rfc3339(super::NOW).expect("time"),
            training: false,
            staff: Vec::new(),
        }
    }

    /// The context of staff member `name`, on terminal `test`, at the office's time.
    #[must_use]
    pub fn ctx(&self, name: &str) -> Ctx {
        Ctx {
            staff_id: storage::staff::by_name(self.store.conn(), name)
                .expect("q")
                .expect("row")
                .id,
            staff_name: name.into(),
            terminal: "test".into(),
            now: self.now,
        }
    }

    /// The store and the admin's context.
    #[must_use]
    pub fn into_parts(self) -> (Store, Ctx) {
        (self.store, self.admin)
    }
}

impl OfficeBuilder {
    /// The time of the set-up (RFC 3339).
    #[must_use]
    pub fn now(mut self, rfc3339: &str) -> Self {
        self.now = madoguchi::clock::parse_rfc3339(rfc3339).expect("time");
        self
    }

    /// A training database (SPEC §6: the binary runs at `MADOGUCHI_NOW` only on one).
    #[must_use]
    pub fn training(mut self) -> Self {
        self.training = true;
        self
    }

    /// A staff member with `roles` and password `pw` set (no forced change).
    #[must_use]
    pub fn staff(mut self, name: &str, display: &str, roles: &[Role], pw: &str) -> Self {
        self.staff.push(Member {
            name: name.into(),
            display: display.into(),
            roles: roles.to_vec(),
            password: Some(pw.into()),
        });
        self
    }

    /// A staff member added but never given a password of their own.
    #[must_use]
    pub fn staff_without_password(mut self, name: &str, display: &str, roles: &[Role]) -> Self {
        self.staff.push(Member {
            name: name.into(),
            display: display.into(),
            roles: roles.to_vec(),
            password: None,
        });
        self
    }

    /// The office in a new database file at `path`.
    #[must_use]
    pub fn build_at(self, path: &Path) -> Office {
        let now = self.now;
        let mut store = Store::open(path).expect("open");
        let admin = service::setup::init(
            &mut store,
            &service::setup::InitInput {
                office_code: "13010",
                office_name: "飯田橋",
                admin_name: "admin",
                admin_display_name: "管理 太郎",
                admin_password: super::ADMIN_PW,
                terminal: "test",
                now,
            },
        )
        .expect("init");
        if self.training {
            service::setup::mark_training(&mut store, "test", now).expect("training");
        }
        let admin = Ctx {
            staff_id: admin,
            staff_name: "admin".into(),
            terminal: "test".into(),
            now,
        };
        for m in self.staff {
            service::staff::add(
                &mut store,
                &admin,
                &m.name,
                &m.display,
                &Roles::new(m.roles),
            )
            .expect("add");
            if let Some(pw) = m.password {
                let id = storage::staff::by_name(store.conn(), &m.name)
                    .expect("q")
                    .expect("row")
                    .id;
                let hash = madoguchi::secret::hash(&pw).expect("hash");
                storage::staff::set_password(store.conn(), id, &hash, false, now).expect("pw");
            }
        }
        Office { store, admin, now }
    }
}
