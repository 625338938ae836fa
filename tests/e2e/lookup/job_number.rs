//! Looking up by job number (R-ID-1): the offer's establishment and accounts, and the query plans.

use madoguchi::domain::account::AccountKind;
use madoguchi::domain::ids::{AccountId, StaffId, SubmissionId};
use madoguchi::service::ServiceError;
use madoguchi::service::lookup::{self, SearchKey};
use madoguchi::storage::accounts::NewAccount;
use madoguchi::storage::{self, Store};

use super::{env, find, rows_written, t0};

/// A job offer of `account` at `establishment`, registered under `job_number`.
fn registered_job(
    store: &Store,
    account: AccountId,
    establishment: i64,
    job_number: &str,
) -> SubmissionId {
    let id = storage::submissions::insert(
        store.conn(),
        &storage::submissions::NewSubmission {
            external_id: &format!("sub-{job_number}"),
            kind: madoguchi::domain::submission::SubmissionKind::Job,
            account_id: account,
            establishment_id: Some(establishment),
            display_name: "一般事務",
            deadline: None,
            has_warnings: false,
            flags: storage::submissions::JobFlags::default(),
            visit_reasons: &[],
        },
        t0(),
    )
    .expect("insert")
    .expect("new");
    assert!(
        storage::submissions::set_registered(store.conn(), id, Some(job_number), t0())
            .expect("register")
    );
    id
}

fn establishment_id(store: &Store, number: &str) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT id FROM establishments WHERE establishment_number = ?1",
            [number],
            |r| r.get(0),
        )
        .expect("establishment")
}

/// Issue 16 item 10: a 求人番号 in any form a clerk types finds the offer's establishment and
/// every account of it (masked), with the one audit row of a search.
#[test]
fn r_id_1_job_number_finds_the_offers_establishment_and_its_accounts() {
    let mut e = env();
    let est = establishment_id(&e.store, "1301-123456-7");
    // An additional account of the same establishment, and the clerk's job offer.
    let extra = {
        let a = madoguchi::domain::email::Email::parse("jinji@example.co.jp").expect("email");
        storage::accounts::insert(
            e.store.conn(),
            &NewAccount {
                kind: AccountKind::Employer,
                email: a.as_str(),
                email_key: &a.key(),
                establishment_number: Some("1301-123456-7"),
                seeker_number: None,
                name: None,
                name_kana: None,
                birth_date: None,
                registered_by: Some(StaffId(1)),
                origin: madoguchi::domain::account::AccountOrigin::Counter,
            },
            t0(),
        )
        .expect("account")
    };
    registered_job(&e.store, extra, est, "13010-00000123");
    for typed in [
        "13010-00000123",
        "1301000000123",
        "１３０１０－０００００１２３",
        "13010ー00000123",
    ] {
        let hits = find(&mut e, &SearchKey::JobNumber(typed.into()));
        let ids: Vec<Option<AccountId>> = hits.iter().map(|h| h.account_id).collect();
        assert_eq!(ids, [Some(e.employer), Some(extra)], "{typed}");
        for h in &hits {
            assert_eq!(h.establishment_id, Some(est), "{typed}");
            assert_eq!(h.name, "株式会社ハローワーク飯田橋");
            assert!(h.email_masked.as_deref().unwrap_or("").contains('*'));
        }
    }
    // The audit row: the number normalised, who was listed.
    let clerk = e.clerk.clone();
    let (r, rows) = rows_written(&mut e, |e| {
        lookup::search(
            &mut e.store,
            &clerk,
            "ID照会",
            &SearchKey::JobNumber("13010-00000123".into()),
        )
    });
    assert_eq!(r.expect("search").hits.len(), 2);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].entry.action, "lookup.search");
    assert_eq!(rows[0].entry.purpose.as_deref(), Some("ID照会"));
    let detail = rows[0].entry.detail.clone().unwrap_or_default();
    assert!(
        detail.contains("by=job_number q=13010-00000123 hits=2"),
        "{detail}"
    );
    assert!(
        detail.contains(&format!("account:{}", e.employer)),
        "{detail}"
    );
    // An unknown number finds nothing (and says so in the log); a malformed one is refused
    // before anything is looked up or logged.
    let (r, rows) = rows_written(&mut e, |e| {
        lookup::search(
            &mut e.store,
            &clerk,
            "ID照会",
            &SearchKey::JobNumber("13010-99999999".into()),
        )
    });
    assert!(r.expect("search").hits.is_empty());
    assert_eq!(rows[0].entry.outcome, "not_found");
    let (r, rows) = rows_written(&mut e, |e| {
        lookup::search(
            &mut e.store,
            &clerk,
            "ID照会",
            &SearchKey::JobNumber("1301".into()),
        )
    });
    assert!(matches!(r, Err(ServiceError::Invalid(_))), "{r:?}");
    assert!(rows.is_empty());
}

/// Issue 16 item 10: the 求人番号 lookup reads the job-number index and primary keys only.
#[test]
fn r_id_1_job_number_lookup_plans_use_indexes() {
    let e = env();
    for q in [
        storage::lookup::sql_establishment_of_job(),
        storage::lookup::SQL_ACCOUNT_OF_JOB.to_string(),
    ] {
        let plan = storage::queue::explain(e.store.conn(), &q).expect("plan");
        assert!(
            !plan.iter().any(|s| s.starts_with("SCAN")),
            "{q}\n{plan:#?}"
        );
        assert!(
            plan.iter()
                .any(|s| s.contains("USING INDEX submissions_job_number")),
            "{q}\n{plan:#?}"
        );
    }
}
