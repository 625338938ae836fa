//! The deadline sweep after review (R-DL-3, R-MAIL-6): purge, tombstone, one reminder, at most once
//! per interval.

use std::path::Path;

use madoguchi::config::Config;
use madoguchi::service::sweep;
use madoguchi::storage::{self, Store};

use super::{employer, t, world};

fn file_bytes(db: &Path) -> Vec<u8> {
    let mut all = std::fs::read(db).unwrap();
    for s in ["-wal", "-shm"] {
        if let Ok(b) = std::fs::read(format!("{}{s}", db.display())) {
            all.extend(b);
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// R-DL-3 across a deadline that fell on a holiday, and New Year; R-MAIL-6; the reminder once.
#[test]
fn r_dl_3_sweep_purges_personal_data_keeps_tombstone_and_reminds_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("madoguchi.db");
    let cfg = Config::default();
    let start = t("2025-12-10T01:00:00Z");
    let mut store = Store::open(&db).unwrap();
    let w = world(&mut store, start);
    // Deadline moved back from 2025-12-29 (closed) to Fri 2025-12-26; one on 2026-01-05
    // (after New Year); one on the day before a holiday: 2026-02-10 (2-11 is a holiday).
    let (acc1, _, _) = employer(&mut store, &w, 1, "2025-12-26", 1, start);
    let (acc2, _, _) = employer(&mut store, &w, 2, "2026-01-05", 0, start);
    let (acc3, _, _) = employer(&mut store, &w, 3, "2026-02-10", 0, start);
    // Reminder: 3 open days before 2025-12-26 is 2025-12-23.
    let r = sweep::run(&mut store, &cfg, t("2025-12-22T01:00:00Z")).unwrap();
    assert_eq!(r.reminders, 0);
    let r = sweep::run(&mut store, &cfg, t("2025-12-23T01:00:00Z")).unwrap();
    assert_eq!(r.reminders, 1);
    // 3 open days before 2026-01-05 across the year-end closure is 2025-12-24: account 2 only.
    let r = sweep::run(&mut store, &cfg, t("2025-12-24T01:00:00Z")).unwrap();
    assert_eq!(r.reminders, 1);
    let r = sweep::run(&mut store, &cfg, t("2025-12-25T01:00:00Z")).unwrap();
    assert_eq!(r.reminders, 0, "once only");
    // On the deadline day nothing expires; the day after, account 1 does.
    let r = sweep::run(&mut store, &cfg, t("2025-12-26T14:00:00Z")).unwrap(); // 23:00 JST
    assert_eq!(r.invalidated_accounts, 0);
    let r = sweep::run(&mut store, &cfg, t("2025-12-26T15:00:00Z")).unwrap(); // 12-27 00:00 JST
    assert_eq!(r.invalidated_accounts, 1);
    assert_eq!(r.purged_submissions, 2);
    assert_eq!(r.purged_establishments, 1);
    assert!(
        r.cancelled_mails >= 1,
        "the queued reminder is cancelled (R-MAIL-6)"
    );
    // Idempotent.
    assert!(
        sweep::run(&mut store, &cfg, t("2025-12-27T01:00:00Z"))
            .unwrap()
            .invalidated_accounts
            == 0
    );
    // Across New Year: account 2's reminder went before the closure, expiry after 2026-01-05.
    let r = sweep::run(&mut store, &cfg, t("2026-01-05T01:00:00Z")).unwrap();
    assert_eq!(r.invalidated_accounts, 0);
    let r = sweep::run(&mut store, &cfg, t("2026-01-06T01:00:00Z")).unwrap();
    assert_eq!(r.invalidated_accounts, 1);
    let r = sweep::run(&mut store, &cfg, t("2026-02-11T01:00:00Z")).unwrap();
    assert_eq!(r.invalidated_accounts, 1);
    let a1 = storage::accounts::by_id(store.conn(), acc1)
        .unwrap()
        .unwrap();
    assert_eq!(a1.state.code(), "invalid");
    assert_eq!(a1.email, "");
    for acc in [acc2, acc3] {
        assert_eq!(
            storage::accounts::by_id(store.conn(), acc)
                .unwrap()
                .unwrap()
                .state
                .code(),
            "invalid"
        );
    }
    // The invalidation notice keeps the address in its outbox row only.
    let mails = storage::outbox::for_account(store.conn(), acc1).unwrap();
    let inv = mails.iter().find(|m| m.template == "invalidated").unwrap();
    assert_eq!(inv.to_addr, "himitsu1@example.co.jp");
    assert!(
        mails
            .iter()
            .filter(|m| m.template != "invalidated")
            .all(|m| m.state.code() == "cancelled")
    );
    let tombs = storage::review::tombstones(store.conn()).unwrap();
    assert!(tombs.iter().any(|t| t.0 == "account" && t.1 == acc1.0));
    assert!(tombs.iter().any(|t| t.0 == "establishment"));
    // Personal data gone from the file, -wal included, after a checkpoint.
    storage::outbox::checkpoint_truncate(store.conn()).unwrap();
    drop(store);
    let bytes = file_bytes(&db);
    for n in 1..=3 {
        for secret in [
            format!("株式会社ヒミツ商事{n}"),
            format!("秘密太郎{n}"),
            format!("飯田橋秘密町{n}丁目"),
            format!("カブシキガイシャヒミツショウジ{n}"),
        ] {
            assert!(!contains(&bytes, &secret), "{secret} still in the file");
        }
    }
    assert!(!contains(&bytes, "秘密の事務職1-0"));
}

#[test]
fn r_dl_3_maybe_run_at_most_once_per_interval() {
    let mut store = Store::open_in_memory().unwrap();
    let now = t("2026-03-02T01:00:00Z");
    let _w = world(&mut store, now);
    let cfg = Config::default();
    let i = std::time::Duration::from_mins(10);
    assert!(sweep::maybe_run(&mut store, &cfg, now, i).is_some());
    assert!(sweep::maybe_run(&mut store, &cfg, now + chrono::Duration::minutes(5), i).is_none());
    assert!(sweep::maybe_run(&mut store, &cfg, now + chrono::Duration::minutes(11), i).is_some());
}
