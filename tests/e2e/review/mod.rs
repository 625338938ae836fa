//! Review and approval (SPEC §2.3): services on a real file, EXPLAIN of every queue query
//! (R-REV-6), 8 racing processes (R-REV-5), and the deadline sweep (R-DL-3, R-MAIL-6).
//!
//! Shared here: the office's staff and employers with submissions; the parts hold the tests by
//! what they check.

#![allow(clippy::unwrap_used)]

mod approval;
mod deadline_sweep;
mod queues;
mod race;

use chrono::{DateTime, Utc};
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::establishment::Establishment;
use madoguchi::domain::ids::{AccountId, SubmissionId};
use madoguchi::domain::review::CHECKLIST;
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::domain::submission::SubmissionKind;
use madoguchi::service::{Ctx, auth, setup, staff};
use madoguchi::storage::submissions::{JobFlags, NewSubmission};
use madoguchi::storage::{self, Store};

const PW: &str = "review-test-passphrase";

fn t(s: &str) -> DateTime<Utc> {
    madoguchi::clock::parse_rfc3339(s).unwrap()
}

struct World {
    admin: Ctx,
    clerk: Ctx,
    boss: Ctx,
    boss2: Ctx,
}

fn person(store: &mut Store, admin: &Ctx, name: &str, roles: Vec<Role>, now: DateTime<Utc>) -> Ctx {
    let temp = staff::add(store, admin, name, name, &Roles::new(roles)).unwrap();
    let s = auth::sign_in(store, name, &temp, "t", now).unwrap();
    auth::change_password(store, &s.ctx, &temp, PW, PW).unwrap();
    auth::sign_in(store, name, PW, "t", now).unwrap().ctx
}

fn world(store: &mut Store, now: DateTime<Utc>) -> World {
    setup::init(
        store,
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
    let admin = auth::sign_in(store, "admin", "root-of-trust-phrase", "t", now)
        .unwrap()
        .ctx;
    let clerk = person(store, &admin, "tanaka", vec![Role::Counter], now);
    let boss = person(store, &admin, "suzuki", vec![Role::Supervisor], now);
    let boss2 = person(
        store,
        &admin,
        "yamada",
        vec![Role::Supervisor, Role::Counter],
        now,
    );
    World {
        admin,
        clerk,
        boss,
        boss2,
    }
}

fn est(n: usize) -> Establishment {
    Establishment {
        establishment_number: None,
        corporate_number: None,
        name: format!("株式会社ヒミツ商事{n}"),
        name_kana: format!("カブシキガイシャヒミツショウジ{n}"),
        representative_title: "代表取締役".into(),
        representative_name: format!("秘密太郎{n}"),
        postal_code: "102-0072".into(),
        address: format!("東京都千代田区飯田橋秘密町{n}丁目"),
        phone: "03-3812-8609".into(),
        dispatch_licence: false,
        employment_insurance: true,
    }
}

/// An activated employer account with one provisional establishment submission and `jobs`
/// job submissions. Returns (account, establishment submission, job submissions).
fn employer(
    store: &mut Store,
    _w: &World,
    n: usize,
    deadline: &str,
    jobs: usize,
    now: DateTime<Utc>,
) -> (AccountId, SubmissionId, Vec<SubmissionId>) {
    let tx = store.immediate().unwrap();
    let email = format!("himitsu{n}@example.co.jp");
    let acc = storage::accounts::insert(
        &tx,
        &storage::accounts::NewAccount {
            kind: AccountKind::Employer,
            email: &email,
            email_key: &email,
            establishment_number: None,
            seeker_number: None,
            name: None,
            name_kana: None,
            birth_date: None,
            registered_by: None,
            origin: madoguchi::domain::account::AccountOrigin::SelfRegistered,
        },
        now,
    )
    .unwrap();
    storage::accounts::mark_activated(
        &tx,
        acc,
        now,
        madoguchi::domain::account::AccountState::Activated,
        Some(deadline),
    )
    .unwrap();
    let e = est(n);
    let eid = storage::establishments::insert(&tx, &e, acc, now).unwrap();
    let payload = serde_json::to_string(&e).unwrap();
    let mk = |kind, ext: String, name: &str| {
        let id = storage::submissions::insert(
            &tx,
            &NewSubmission {
                external_id: &ext,
                kind,
                account_id: acc,
                establishment_id: Some(eid),
                display_name: name,
                deadline: Some(deadline),
                has_warnings: false,
                flags: JobFlags::default(),
                visit_reasons: &[],
            },
            now,
        )
        .unwrap()
        .expect("a new submission id");
        storage::submissions::insert_version(&tx, id, 1, &payload, "[]", now, &format!("ev-{ext}"))
            .unwrap();
        id
    };
    let es = mk(SubmissionKind::Establishment, format!("E{n}"), &e.name);
    let js = (0..jobs)
        .map(|j| {
            mk(
                SubmissionKind::Job,
                format!("J{n}-{j}"),
                &format!("秘密の事務職{n}-{j}"),
            )
        })
        .collect();
    tx.commit().unwrap();
    (acc, es, js)
}

fn ticks() -> Vec<String> {
    CHECKLIST.iter().map(|c| c.code().to_string()).collect()
}
