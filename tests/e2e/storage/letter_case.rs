//! Addresses in another letter case and old carrier addresses (R-REG-2), also across the v15
//! upgrade.

use std::path::Path;

use madoguchi::domain::account::AccountKind;
use madoguchi::domain::ids::AccountId;
use madoguchi::domain::staff::Role;
use madoguchi::service::ServiceError;
use madoguchi::service::accounts::{self, RegisterInput};
use madoguchi::storage::{self, Store};

use super::{CLERK_PW, add_staff, employer, env, seeker};

#[test]
fn r_reg_2_address_in_another_letter_case_is_refused_naming_the_holder() {
    let mut e = env();
    let first = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &RegisterInput {
            accept_warnings: true, // free mail (R-REG-3)
            ..employer("Taro@gmail.com")
        },
    )
    .expect("first");
    assert_eq!(first.email, "Taro@gmail.com", "stored as typed");
    for again in ["taro@gmail.com", "TARO@GMAIL.COM", "tArO@Gmail.com"] {
        let err = accounts::register(
            &mut e.store,
            &e.cfg,
            &e.clerk,
            &RegisterInput {
                accept_warnings: true,
                ..employer(again)
            },
        )
        .expect_err("same address");
        match err {
            ServiceError::EmailInUse { account_id, kind } => {
                assert_eq!(account_id, first.account_id, "{again}");
                assert_eq!(kind, AccountKind::Employer);
            }
            other => panic!("{again}: expected EmailInUse, got {other:?}"),
        }
    }
    // A job seeker cannot take it either.
    let err = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &seeker("TARO@gmail.com", "ヤマダ　タロウ", "13010-12345678"),
    )
    .expect_err("same address");
    assert!(
        matches!(err, ServiceError::EmailInUse { account_id, .. } if account_id == first.account_id)
    );
}

#[test]
fn r_reg_2_lookup_by_another_letter_case_finds_the_account() {
    let mut e = env();
    let r = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("Hanako.Sato@Example.co.jp"),
    )
    .expect("reg");
    for typed in [
        "hanako.sato@example.co.jp",
        "HANAKO.SATO@EXAMPLE.CO.JP",
        "ｈａｎａｋｏ．ｓａｔｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ",
    ] {
        assert_eq!(
            accounts::find(&e.store, &e.clerk, typed).expect("find"),
            Some(r.account_id),
            "{typed}"
        );
        let hits = madoguchi::service::lookup::search(
            &mut e.store,
            &e.clerk,
            "ID照会",
            &madoguchi::service::lookup::SearchKey::Email(typed.into()),
        )
        .expect("search")
        .hits;
        assert_eq!(
            hits.iter().map(|h| h.account_id).collect::<Vec<_>>(),
            vec![Some(r.account_id)],
            "{typed}"
        );
    }
    let view = accounts::show(
        &mut e.store,
        &e.clerk,
        "hanako.sato@example.co.jp",
        "問合せ対応",
    )
    .expect("show");
    assert_eq!(view.account.id, r.account_id);
    assert_eq!(view.account.email, "Hanako.Sato@example.co.jp");
}

#[test]
fn r_reg_2_old_carrier_addresses_refused_with_their_reason() {
    let mut e = env();
    for bad in [
        "taro..yamada@docomo.ne.jp",
        "hanako.@ezweb.ne.jp",
        ".taro@softbank.ne.jp",
    ] {
        let err =
            accounts::register(&mut e.store, &e.cfg, &e.clerk, &employer(bad)).expect_err(bad);
        match err {
            ServiceError::Invalid(issues) => assert!(
                issues
                    .iter()
                    .any(|i| i.field == "email" && i.code == "local_part_dots"),
                "{bad}: {issues:?}"
            ),
            other => panic!("{bad}: expected Invalid, got {other:?}"),
        }
    }
}

/// A database at schema version 14 as the upgrade found it (schema.sql and 002–014).
fn database_at_v14(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(include_str!("../../../schema.sql"))
        .expect("v1");
    for sql in [
        include_str!("../../../assets/sql/002_submissions.sql"),
        include_str!("../../../assets/sql/003_review.sql"),
        include_str!("../../../assets/sql/004_lookup.sql"),
        include_str!("../../../assets/sql/005_import_writes.sql"),
        include_str!("../../../assets/sql/006_queue_search.sql"),
        include_str!("../../../assets/sql/007_queue_order.sql"),
        include_str!("../../../assets/sql/008_import_speed.sql"),
        include_str!("../../../assets/sql/009_job_category.sql"),
        include_str!("../../../assets/sql/010_import_writes_less.sql"),
        include_str!("../../../assets/sql/011_payload_any.sql"),
        include_str!("../../../assets/sql/012_stale_name_index.sql"),
        include_str!("../../../assets/sql/013_account_index.sql"),
        include_str!("../../../assets/sql/014_account_origin.sql"),
    ] {
        conn.execute_batch(sql).expect("upgrade");
    }
    conn.pragma_update(None, "user_version", 14)
        .expect("version");
    conn
}

#[test]
fn r_reg_2_v15_upgrade_keeps_and_reports_live_accounts_differing_only_in_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v14.db");
    {
        let conn = database_at_v14(&path);
        // Under the old key (local part as typed) these were three different addresses.
        conn.execute_batch(
            "INSERT INTO accounts (id, kind, email, email_key, state, created_at, updated_at) VALUES
             (1, 'employer', 'taro@gmail.com', 'taro@gmail.com', 'key_pending', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z'),
             (2, 'employer', 'Taro@gmail.com', 'Taro@gmail.com', 'opened', '2026-01-10T00:00:00Z', '2026-01-10T00:00:00Z'),
             (3, 'seeker', 'TARO@gmail.com', 'TARO@gmail.com', 'activated', '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z'),
             (4, 'employer', 'TaRo@gmail.com', 'TaRo@gmail.com', 'withdrawn', '2025-12-01T00:00:00Z', '2025-12-01T00:00:00Z'),
             (5, 'employer', 'Hanako@Example.jp', 'Hanako@example.jp', 'opened', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
             (6, 'employer', '', 'purged:6', 'withdrawn', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
        )
        .expect("v14 rows");
    }
    let store = Store::open(&path).expect("upgrade");
    let conn = store.conn();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert!(v >= 15);
    let key = |id: i64| -> String {
        conn.query_row("SELECT email_key FROM accounts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("key")
    };
    // The oldest live account holds the lower-cased address; the newer live ones are kept,
    // under keys of their own; other rows simply take the new key.
    assert_eq!(key(2), "taro@gmail.com");
    assert_eq!(key(3), "taro@gmail.com#3");
    assert_eq!(key(1), "taro@gmail.com#1");
    assert_eq!(key(4), "taro@gmail.com");
    assert_eq!(key(5), "hanako@example.jp");
    assert_eq!(key(6), "purged:6");
    // Nothing merged: every address is still there as typed, states unchanged.
    let emails: Vec<(i64, String, String)> = conn
        .prepare("SELECT id, email, state FROM accounts ORDER BY id")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        emails[0],
        (1, "taro@gmail.com".into(), "key_pending".into())
    );
    assert_eq!(emails[2], (3, "TARO@gmail.com".into(), "activated".into()));
    // Reported: the holder first, then the others.
    let conflicts = storage::accounts::email_case_conflicts(conn).expect("conflicts");
    let listed: Vec<(i64, i64, &str)> = conflicts
        .iter()
        .map(|c| (c.account_id.0, c.holder_id.0, c.email.as_str()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (2, 2, "Taro@gmail.com"),
            (1, 2, "taro@gmail.com"),
            (3, 2, "TARO@gmail.com")
        ]
    );
    // The holder answers "who holds this address"; a lookup by address finds all of them.
    let holder = storage::accounts::live_by_email_key(conn, "taro@gmail.com")
        .expect("q")
        .expect("holder");
    assert_eq!(holder.id, AccountId(2));
    let all: Vec<i64> = storage::accounts::all_by_email_key(conn, "taro@gmail.com")
        .expect("q")
        .iter()
        .map(|a| a.id.0)
        .collect();
    assert_eq!(all, vec![4, 3, 2, 1]);
}

#[test]
fn r_reg_2_case_conflicts_are_listed_masked_for_supervisors_only() {
    let mut e = env();
    let a = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("taro.yamada@example.co.jp"),
    )
    .expect("a");
    // As the version 15 upgrade leaves them: a second live account kept apart under key#id.
    e.store
        .conn()
        .execute_batch(&format!(
            "INSERT INTO accounts (id, kind, email, email_key, state, created_at, updated_at) VALUES
             (900, 'employer', 'Taro.Yamada@example.co.jp', 'taro.yamada@example.co.jp#900',
              'key_pending', '2026-04-01T02:00:00Z', '2026-04-01T02:00:00Z');
             INSERT INTO email_case_conflicts (account_id, holder_id, found_at) VALUES
             ({id}, {id}, '2026-04-01T03:00:00Z'), (900, {id}, '2026-04-01T03:00:00Z');",
            id = a.account_id
        ))
        .expect("rows");
    assert!(matches!(
        accounts::email_case_conflicts(&e.store, &e.clerk),
        Err(ServiceError::Denied)
    ));
    let admin = e.admin.clone();
    let boss = add_staff(&mut e.store, &admin, "suzuki", Role::Supervisor, CLERK_PW);
    let list = accounts::email_case_conflicts(&e.store, &boss).expect("list");
    let seen: Vec<(AccountId, AccountId)> =
        list.iter().map(|c| (c.account_id, c.holder_id)).collect();
    assert_eq!(
        seen,
        vec![(a.account_id, a.account_id), (AccountId(900), a.account_id)]
    );
    for c in &list {
        assert!(c.email.contains('*'), "masked: {}", c.email);
        assert!(!c.email.contains("yamada"), "masked: {}", c.email);
    }
    // Both answer a lookup by the address, in any case; the holder answers "who holds it".
    assert_eq!(
        accounts::find(&e.store, &e.clerk, "TARO.YAMADA@example.co.jp").expect("find"),
        Some(a.account_id)
    );
    let hits = madoguchi::service::lookup::search(
        &mut e.store,
        &e.clerk,
        "ID照会",
        &madoguchi::service::lookup::SearchKey::Email("taro.yamada@EXAMPLE.co.jp".into()),
    )
    .expect("search")
    .hits;
    let mut ids: Vec<Option<AccountId>> = hits.iter().map(|h| h.account_id).collect();
    ids.sort();
    assert_eq!(ids, vec![Some(a.account_id), Some(AccountId(900))]);
    // While any of them is live the address stays taken, in any letter case.
    e.store
        .conn()
        .execute(
            "UPDATE accounts SET state = 'withdrawn' WHERE id = ?1",
            [a.account_id],
        )
        .expect("withdraw the holder");
    let err = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("TARO.yamada@example.co.jp"),
    )
    .expect_err("still taken");
    assert!(
        matches!(
            err,
            ServiceError::EmailInUse {
                account_id: AccountId(900),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn r_reg_2_an_old_carrier_account_registered_before_the_rule_is_still_found() {
    let mut e = env();
    e.store
        .conn()
        .execute_batch(
            "INSERT INTO accounts (id, kind, email, email_key, state, created_at, updated_at) VALUES
             (700, 'seeker', 'Taro..Yamada@docomo.ne.jp', 'taro..yamada@docomo.ne.jp', 'opened',
              '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z');",
        )
        .expect("row");
    assert_eq!(
        accounts::find(&e.store, &e.clerk, "taro..yamada@docomo.ne.jp").expect("find"),
        Some(AccountId(700))
    );
    let hits = madoguchi::service::lookup::search(
        &mut e.store,
        &e.clerk,
        "ID照会",
        &madoguchi::service::lookup::SearchKey::Email("TARO..YAMADA@docomo.ne.jp".into()),
    )
    .expect("search")
    .hits;
    assert_eq!(hits.len(), 1);
    // A new registration of it is refused for its dots.
    let err = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("jiro..yamada@docomo.ne.jp"),
    )
    .expect_err("dots");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
}
