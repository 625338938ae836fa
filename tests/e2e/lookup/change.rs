//! ID change (R-ID-4): new address and key, both notices, the old key dead, four eyes when
//! configured.

use madoguchi::config::Config;
use madoguchi::domain::refusal::Refusal;
use madoguchi::service::ServiceError;
use madoguchi::service::lookup::{self, ChangeOutcome};
use madoguchi::storage;

use super::{env, env_with, id_check};

#[test]
fn r_id_4_change_email_new_key_both_notices_old_key_dies_and_uniqueness() {
    let mut e = env();
    let (clerk, cfg, acc) = (e.clerk.clone(), e.cfg.clone(), e.employer);
    // An earlier registration key (live) with its unsent mail.
    madoguchi::service::accounts::reissue_key(&mut e.store, &cfg, &clerk, acc).expect("reissue");
    // R-REG-2: the seeker's address is in use.
    let err = lookup::change_email(
        &mut e.store,
        &cfg,
        &clerk,
        "ID照会",
        acc,
        "taro.yamada@example.jp",
        &id_check(),
    )
    .expect_err("in use");
    assert!(matches!(err, ServiceError::EmailInUse { account_id, .. } if account_id == e.seeker));
    let err = lookup::change_email(
        &mut e.store,
        &cfg,
        &clerk,
        "ID照会",
        acc,
        "tanaka@EXAMPLE.co.jp",
        &id_check(),
    )
    .expect_err("same");
    assert!(matches!(err, ServiceError::Invalid(_)));
    let out = lookup::change_email(
        &mut e.store,
        &cfg,
        &clerk,
        "ID照会",
        acc,
        "hanako@newco.jp",
        &id_check(),
    )
    .expect("change");
    let ChangeOutcome::Changed {
        replaced_keys,
        cancelled_mails,
        ..
    } = out
    else {
        panic!("not changed: {out:?}")
    };
    assert_eq!((replaced_keys, cancelled_mails), (1, 1));
    let a = storage::accounts::by_id(e.store.conn(), acc)
        .expect("q")
        .expect("row");
    assert_eq!(a.email, "hanako@newco.jp");
    let reg =
        storage::keys::for_account(e.store.conn(), acc, storage::keys::KeyPurpose::Registration)
            .expect("keys");
    assert!(
        reg.iter()
            .all(|k| k.state != madoguchi::domain::authkey::KeyState::Live)
    );
    let ch =
        storage::keys::for_account(e.store.conn(), acc, storage::keys::KeyPurpose::EmailChange)
            .expect("keys");
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].state, madoguchi::domain::authkey::KeyState::Live);
    let mails = storage::outbox::for_account(e.store.conn(), acc).expect("mails");
    let to = |template: &str| {
        mails
            .iter()
            .filter(|m| m.template == template)
            .map(|m| m.to_addr.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(to("email_changed_new"), vec!["hanako@newco.jp"]);
    assert_eq!(to("email_changed_old"), vec!["tanaka@example.co.jp"]);
    // The old address is free again, the new one is taken.
    assert_eq!(
        lookup::live_account_id(&e.store, "hanako@newco.jp").expect("id"),
        acc
    );
    assert!(lookup::live_account_id(&e.store, "tanaka@example.co.jp").is_err());
}

#[test]
fn r_id_4_supervisor_approval_when_configured_four_eyes() {
    let mut cfg = Config::default();
    cfg.id_change.needs_supervisor = true;
    let mut e = env_with(cfg);
    let (boss, boss2, acc) = (e.boss.clone(), e.boss2.clone(), e.employer);
    let cfg = e.cfg.clone();
    let out = lookup::change_email(
        &mut e.store,
        &cfg,
        &boss,
        "ID照会",
        acc,
        "hanako@newco.jp",
        &id_check(),
    )
    .expect("request");
    let ChangeOutcome::Pending { request_id, .. } = out else {
        panic!("{out:?}")
    };
    // Nothing changed yet; a second request for the account is refused.
    assert_eq!(
        storage::accounts::by_id(e.store.conn(), acc)
            .expect("q")
            .expect("row")
            .email,
        "tanaka@example.co.jp"
    );
    assert!(matches!(
        lookup::change_email(
            &mut e.store,
            &cfg,
            &boss,
            "ID照会",
            acc,
            "x@newco.jp",
            &id_check()
        ),
        Err(ServiceError::Refused(Refusal::ChangePending))
    ));
    // The requester cannot approve; a counter clerk cannot either.
    let clerk = e.clerk.clone();
    assert!(matches!(
        lookup::decide_change(&mut e.store, &cfg, &boss, request_id, true),
        Err(ServiceError::Denied)
    ));
    assert!(matches!(
        lookup::decide_change(&mut e.store, &cfg, &clerk, request_id, true),
        Err(ServiceError::Denied)
    ));
    assert_eq!(
        lookup::pending_changes(&e.store, &boss2)
            .expect("list")
            .len(),
        1
    );
    let done =
        lookup::decide_change(&mut e.store, &cfg, &boss2, request_id, true).expect("approve");
    assert!(matches!(done, Some(ChangeOutcome::Changed { .. })));
    assert_eq!(
        storage::accounts::by_id(e.store.conn(), acc)
            .expect("q")
            .expect("row")
            .email,
        "hanako@newco.jp"
    );
    assert!(matches!(
        lookup::decide_change(&mut e.store, &cfg, &boss2, request_id, true),
        Err(ServiceError::Refused(Refusal::ChangeDecided))
    ));
}
