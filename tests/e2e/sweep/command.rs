//! The real `madoguchi sweep` across a deadline, a holiday and New Year, and the withdrawn
//! accounts' 31 days (R-DL-3).

use crate::common;

use std::path::Path;

use madoguchi::config::Config;
use madoguchi::service::sweep;
use madoguchi::storage::{self, Store};

use super::{
    account_state, build_search_index, clerk, contains, employer, file_bytes, mails, n, sweep_cmd,
    t,
};

/// `madoguchi --json sweep` at `now` (`MADOGUCHI_NOW`), as cron runs it: its report.
fn sweep_cli(db: &Path, now: &str) -> serde_json::Value {
    let out = sweep_cmd(db, now).output().expect("run");
    assert!(
        out.status.success(),
        "{now}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json report")
}

/// R-DL-3 / R-REV-6 through the real binary: `madoguchi sweep` with `MADOGUCHI_NOW` moved day by
/// day across a deadline just before the year-end closure (12/29–1/3), one right after New
/// Year, and one behind a holiday (2026-02-11): the reminder goes once, 3 open days before; the
/// account expires the day after its deadline (closed days too), not on it; the report says
/// so, and the database shows it (state, mails, tombstones, no personal data).
#[test]
fn r_dl_3_sweep_command_across_a_deadline_a_holiday_and_new_year() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("madoguchi.db");
    let (mut store, _admin) = common::office(&db, true);
    let start = t("2025-12-01T01:00:00Z");
    let clerk = clerk(&store);
    // Fri 12-26 (the last open day before the closure), Mon 1-5 (the first after it), Thu
    // 2-12 (Wed 2-11 is a holiday).
    let (year_end, _) = employer(
        &mut store,
        clerk,
        1,
        "株式会社年末商会",
        "年末事務",
        "2025-12-26",
        1,
        start,
    );
    let (new_year, _) = employer(
        &mut store,
        clerk,
        2,
        "株式会社新春商会",
        "新春事務",
        "2026-01-05",
        1,
        start,
    );
    let (holiday, _) = employer(
        &mut store,
        clerk,
        3,
        "株式会社祝日商会",
        "祝日事務",
        "2026-02-12",
        1,
        start,
    );
    drop(store);
    // (JST date at 10:00, reminders, invalidated accounts) of each run.
    let steps: [(&str, i64, i64); 13] = [
        ("2025-12-22T01:00:00Z", 0, 0),
        ("2025-12-23T01:00:00Z", 1, 0), // 12-26 − 3 open days
        ("2025-12-24T01:00:00Z", 1, 0), // 1-5 − 3 open days, across the closure
        ("2025-12-25T01:00:00Z", 0, 0), // once only
        ("2025-12-26T14:59:59Z", 0, 0), // 23:59:59 JST on the deadline: still valid
        ("2025-12-26T15:00:00Z", 0, 1), // 12-27 00:00 JST (a Saturday)
        ("2026-01-02T01:00:00Z", 0, 0), // closed, nothing due
        ("2026-01-05T01:00:00Z", 0, 0), // on the deadline
        ("2026-01-06T01:00:00Z", 0, 1),
        ("2026-02-05T01:00:00Z", 0, 0),
        ("2026-02-06T01:00:00Z", 1, 0), // 2-12 − 3 open days: 2-10, 2-9, 2-6 (2-11 closed)
        ("2026-02-12T01:00:00Z", 0, 0),
        ("2026-02-13T01:00:00Z", 0, 1),
    ];
    for (now, reminders, invalidated) in steps {
        let r = sweep_cli(&db, now);
        assert_eq!(n(&r, "reminders"), reminders, "{now}: {r}");
        assert_eq!(n(&r, "invalidated_accounts"), invalidated, "{now}: {r}");
        assert_eq!(n(&r, "invalidation_mails"), invalidated, "{now}: {r}");
        assert_eq!(n(&r, "purged_accounts"), invalidated, "{now}: {r}");
        assert_eq!(n(&r, "purged_establishments"), invalidated, "{now}: {r}");
        // The establishment and its one job.
        assert_eq!(n(&r, "purged_submissions"), 2 * invalidated, "{now}: {r}");
        assert_eq!(n(&r, "expired_submissions"), 2 * invalidated, "{now}: {r}");
        if now == "2025-12-26T15:00:00Z" {
            // The reminder was still queued (no delivery in this test): cancelled (R-MAIL-6).
            assert_eq!(n(&r, "cancelled_mails"), 1, "{r}");
        }
        // Run again at the same time: nothing more (idempotent).
        let again = sweep_cli(&db, now);
        for k in [
            "reminders",
            "invalidated_accounts",
            "purged_submissions",
            "cancelled_mails",
        ] {
            assert_eq!(n(&again, k), 0, "{now} again: {again}");
        }
    }
    let store = Store::open(&db).expect("open");
    for acc in [year_end, new_year, holiday] {
        assert_eq!(account_state(&store, acc), "invalid");
        assert_eq!(mails(&store, acc, "provisional_reminder"), 1, "{acc}");
        assert_eq!(mails(&store, acc, "invalidated"), 1, "{acc}");
        let inv = storage::outbox::for_account(store.conn(), acc).expect("outbox");
        let inv = inv
            .iter()
            .find(|m| m.template == "invalidated")
            .expect("notice");
        assert!(inv.subject.contains("期限切れにより"), "{}", inv.subject);
        assert_eq!(inv.state.code(), "queued", "the notice itself goes out");
    }
    let tombs = storage::review::tombstones(store.conn()).expect("tombstones");
    assert_eq!(tombs.iter().filter(|t| t.0 == "account").count(), 3);
    assert_eq!(tombs.iter().filter(|t| t.0 == "establishment").count(), 3);
    assert_eq!(tombs.iter().filter(|t| t.0 == "submission").count(), 6);
    assert!(
        madoguchi::service::audit::verify(&store)
            .expect("verify")
            .first_bad
            .is_none()
    );
    drop(store);
    let bytes = file_bytes(&db);
    for s in [
        "年末商会",
        "新春商会",
        "祝日商会",
        "年末事務",
        "新春事務",
        "祝日事務",
        "期限花子",
        "期限町",
    ] {
        assert!(!contains(&bytes, s), "{s} still in the file");
    }
}

/// R-DL-3: a withdrawn account keeps its data for 31 days: the sweep on day 30 leaves it, the
/// one on day 31 purges it (tombstone kept, no mail), once.
#[test]
fn r_dl_3_withdrawn_accounts_are_purged_after_31_days_not_30() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("madoguchi.db");
    let (mut store, _admin) = common::office(&db, true);
    let now = t(common::NOW);
    let clerk = clerk(&store);
    let cfg = Config::default();
    let (acc, ids) = employer(
        &mut store,
        clerk,
        5,
        "株式会社退会商事",
        "退会事務",
        "2027-03-31",
        1,
        now,
    );
    let withdrawn = t("2026-11-24T01:30:00Z");
    store
        .conn()
        .execute(
            storage::imports::SQL_WITHDRAW_ACCOUNT,
            rusqlite::params![acc, madoguchi::clock::to_db(withdrawn)],
        )
        .expect("withdraw");
    build_search_index(&store);
    let day = |d: i64| withdrawn + chrono::Duration::days(d);
    for d in [1, 29, 30] {
        let r = sweep::run(&mut store, &cfg, day(d)).expect("sweep");
        assert_eq!(r.purged_accounts, 0, "day {d}: {r:?}");
    }
    // A second before 31 days have passed it is kept; a second after, purged.
    let r = sweep::run(&mut store, &cfg, day(31) - chrono::Duration::seconds(1)).expect("sweep");
    assert_eq!(r.purged_accounts, 0, "{r:?}");
    assert!(
        !storage::accounts::by_id(store.conn(), acc)
            .expect("q")
            .expect("row")
            .email
            .is_empty()
    );
    let r = sweep::run(&mut store, &cfg, day(31) + chrono::Duration::seconds(1)).expect("sweep");
    assert_eq!(r.purged_accounts, 1, "{r:?}");
    assert_eq!(r.purged_submissions, 2, "{r:?}");
    assert_eq!(r.invalidated_accounts, 0, "withdrawn, not invalid");
    assert_eq!(
        r.invalidation_mails, 0,
        "no 期限切れ notice to a withdrawn account"
    );
    let r = sweep::run(&mut store, &cfg, day(32)).expect("sweep");
    assert!(r.is_empty(), "once: {r:?}");
    assert_eq!(account_state(&store, acc), "withdrawn");
    let tombs = storage::review::tombstones(store.conn()).expect("tombstones");
    assert!(
        tombs
            .iter()
            .any(|t| t.0 == "account" && t.1 == acc.0 && t.3 == "withdrawn_31_days")
    );
    for id in &ids {
        assert_eq!(
            tombs
                .iter()
                .filter(|t| t.0 == "submission" && t.1 == id.0)
                .count(),
            1
        );
    }
    storage::outbox::checkpoint_truncate(store.conn()).expect("checkpoint");
    drop(store);
    let bytes = file_bytes(&db);
    for s in ["退会商事", "退会事務", "kigen5@example.co.jp", "期限花子5"] {
        assert!(!contains(&bytes, s), "{s} still in the file");
    }
}
