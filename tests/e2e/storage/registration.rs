//! Registration rules on the file: duplicates, address length, accounts per establishment,
//! unknown establishments (R-REG-1/2/5) and the account index (v13).

use madoguchi::domain::account::AccountKind;
use madoguchi::service::ServiceError;
use madoguchi::service::accounts;
use madoguchi::storage;

use super::{employer, env};

#[test]
fn r_reg_2_duplicate_email_refused_naming_the_holder_also_with_other_case_domain() {
    let mut e = env();
    let first = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("taro@example.co.jp"),
    )
    .expect("first");
    for again in ["taro@example.co.jp", "taro@EXAMPLE.Co.JP"] {
        let err = accounts::register(&mut e.store, &e.cfg, &e.clerk, &employer(again))
            .expect_err("duplicate");
        match err {
            ServiceError::EmailInUse { account_id, kind } => {
                assert_eq!(account_id, first.account_id);
                assert_eq!(kind, AccountKind::Employer);
            }
            other => panic!("{again}: expected EmailInUse, got {other:?}"),
        }
    }
}

#[test]
fn r_reg_2_email_of_101_characters_refused_100_accepted() {
    let mut e = env();
    // Labels and local part stay within their own limits: only the total length is at stake.
    let address = |len: usize| {
        let labels = len - "taro@".len() - ".example.jp".len() - 1;
        format!(
            "taro@{}.{}.example.jp",
            "d".repeat(labels / 2),
            "e".repeat(labels - labels / 2)
        )
    };
    let ok = address(100);
    assert_eq!(ok.len(), 100);
    accounts::register(&mut e.store, &e.cfg, &e.clerk, &employer(&ok)).expect("100 chars");
    let long = address(101);
    assert_eq!(long.len(), 101);
    let err = accounts::register(&mut e.store, &e.cfg, &e.clerk, &employer(&long))
        .expect_err("101 chars");
    match err {
        ServiceError::Invalid(issues) => assert!(
            issues
                .iter()
                .any(|i| i.field == "email" && i.code == "too_long"),
            "{issues:?}"
        ),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn r_reg_5_twelfth_live_account_of_one_establishment_refused() {
    let mut e = env();
    for i in 0..11 {
        let mut input = employer(&format!("staff{i}@example.co.jp"));
        input.establishment_number = "1301-999999-9".into();
        input.accept_warnings = true;
        accounts::register(&mut e.store, &e.cfg, &e.clerk, &input)
            .unwrap_or_else(|x| panic!("account {} of 11: {x:?}", i + 1));
    }
    let mut input = employer("staff11@example.co.jp");
    input.establishment_number = "1301-999999-9".into();
    input.accept_warnings = true;
    match accounts::register(&mut e.store, &e.cfg, &e.clerk, &input) {
        Err(ServiceError::Invalid(issues)) => {
            assert!(
                issues.iter().any(|i| i.field == "establishment_number"
                    && i.code == "establishment_accounts_full"),
                "{issues:?}"
            );
        }
        other => panic!("expected the 12th to be refused, got {other:?}"),
    }
}

/// Issue 15 item 14: an establishment number nobody registered here is said (orange), and
/// taken once the clerk confirms.
#[test]
fn r_reg_1_an_unknown_establishment_number_warns_until_confirmed() {
    let mut e = env();
    let mut input = employer("new@example.co.jp");
    input.establishment_number = "1301-999999-9".into();
    match accounts::register(&mut e.store, &e.cfg, &e.clerk, &input) {
        Err(ServiceError::Invalid(issues)) => assert!(
            issues.iter().any(|i| i.field == "establishment_number"
                && i.code == "establishment_unknown"
                && i.severity == madoguchi::service::Severity::Warning),
            "{issues:?}"
        ),
        other => panic!("expected the warning, got {other:?}"),
    }
    input.accept_warnings = true;
    accounts::register(&mut e.store, &e.cfg, &e.clerk, &input).expect("confirmed");
}

/// Schema v13: `submissions_account` holds the account alone, so every per-account query
/// (account screen, reminder names, withdrawal, purge) reads it in id order without a sort,
/// and a state change leaves its entry where it is.
#[test]
fn storage_v13_account_queries_read_the_account_index_without_sorting() {
    let e = env();
    let conn = e.store.conn();
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_index_info('submissions_account')")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("cols");
    assert_eq!(cols, ["account_id"]);
    for q in [
        storage::review::SQL_FOR_ACCOUNT,
        storage::review::SQL_PENDING_NAMES,
        storage::review::SQL_PURGEABLE_OF_ACCOUNT,
        storage::submissions::SQL_WITHDRAW_PENDING,
    ] {
        let plan = storage::queue::explain(conn, q).expect("plan");
        assert!(
            plan.iter()
                .any(|s| s.contains("USING INDEX submissions_account")),
            "{q}\n{plan:#?}"
        );
        assert!(
            !plan.iter().any(|s| s.contains("TEMP B-TREE")),
            "{q}\n{plan:#?}"
        );
    }
}
