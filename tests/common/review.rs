//! Provisional establishment submissions written straight into the store, for the review
//! screens: an activated employer account, its establishment, one version with findings.

use madoguchi::domain::account::AccountKind;
use madoguchi::domain::establishment::Establishment;
use madoguchi::domain::ids::{AccountId, StaffId, SubmissionId};
use madoguchi::domain::submission::SubmissionKind;
use madoguchi::storage::submissions::{JobFlags, NewSubmission};
use madoguchi::storage::{self, Store};

const NAMES: [&str; 4] = [
    "株式会社若葉不動産",
    "有限会社青空運輸",
    "飯田橋食品株式会社",
    "合同会社みどり介護",
];

fn now() -> chrono::DateTime<chrono::Utc> {
    madoguchi::clock::parse_rfc3339(super::NOW).expect("time")
}

/// An activated employer account `jigyosho{n}@example.co.jp`, registered by `clerk`.
pub fn account(store: &mut Store, n: usize, deadline: &str, clerk: StaffId) -> AccountId {
    let tx = store.immediate().expect("tx");
    let acc = activated_employer(
        &tx,
        &format!("jigyosho{n}@example.co.jp"),
        clerk,
        deadline,
        now(),
    );
    tx.commit().expect("commit");
    acc
}

/// A self-registered employer account with `email` (`clerk` issued nothing: kept for the
/// callers), activated at `at` with its provisional `deadline` (R-DL-1 (a)), written in the
/// caller's transaction.
pub fn activated_employer(
    conn: &rusqlite::Connection,
    email: &str,
    clerk: StaffId,
    deadline: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> AccountId {
    let acc = storage::accounts::insert(
        conn,
        &storage::accounts::NewAccount {
            kind: AccountKind::Employer,
            email,
            email_key: email,
            establishment_number: None,
            seeker_number: None,
            name: None,
            name_kana: None,
            birth_date: None,
            registered_by: None,
            origin: madoguchi::domain::account::AccountOrigin::SelfRegistered,
        },
        at,
    )
    .expect("account");
    let _ = clerk;
    storage::accounts::mark_activated(
        conn,
        acc,
        at,
        madoguchi::domain::account::AccountState::Activated,
        Some(deadline),
    )
    .expect("activated");
    acc
}

/// A provisional establishment of `account` (name by `n`), its first version carrying
/// `findings` (the stored JSON).
pub fn establishment(
    store: &mut Store,
    account: AccountId,
    n: usize,
    deadline: &str,
    findings: &str,
) -> SubmissionId {
    let tx = store.immediate().expect("tx");
    let e = Establishment {
        establishment_number: None,
        corporate_number: None,
        name: NAMES[n % NAMES.len()].into(),
        name_kana: "ワカバフドウサン".into(),
        representative_title: "代表取締役".into(),
        representative_name: "若葉 一郎".into(),
        postal_code: "102-0072".into(),
        address: "東京都千代田区飯田橋3-4-1".into(),
        phone: "03-3812-8609".into(),
        dispatch_licence: false,
        employment_insurance: true,
    };
    let eid = storage::establishments::insert(&tx, &e, account, now()).expect("establishment");
    let id = storage::submissions::insert(
        &tx,
        &NewSubmission {
            external_id: &format!("E-{n}"),
            kind: SubmissionKind::Establishment,
            account_id: account,
            establishment_id: Some(eid),
            display_name: &e.name,
            deadline: Some(deadline),
            has_warnings: false,
            flags: JobFlags::default(),
            visit_reasons: &[],
        },
        now(),
    )
    .expect("submission")
    .expect("a new submission id");
    storage::submissions::insert_version(
        &tx,
        id,
        1,
        &serde_json::to_string(&e).expect("json"),
        findings,
        now(),
        &format!("ev-{n}"),
    )
    .expect("version");
    tx.commit().expect("commit");
    id
}

/// One account with one provisional establishment.
pub fn submission(
    store: &mut Store,
    n: usize,
    deadline: &str,
    clerk: StaffId,
    findings: &str,
) -> SubmissionId {
    let acc = account(store, n, deadline, clerk);
    establishment(store, acc, n, deadline, findings)
}
