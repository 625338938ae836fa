//! The operator's log (issue 19 item 6): the background jobs say what they did and why they
//! failed, and the mail they move is logged by id, never by address. In-process, through a
//! `tracing` subscriber like the program's writing into a buffer (`common::logs`).

use crate::common;

use chrono::Duration;
use madoguchi::config::Config;
use madoguchi::domain::ids::AccountId;
use madoguchi::service::{self, maintenance, sweep};
use madoguchi::storage::outbox::{self, NewMail};
use madoguchi::storage::{self, Store};

fn now() -> chrono::DateTime<chrono::Utc> {
    madoguchi::clock::parse_rfc3339(common::NOW).expect("time")
}

fn read_only(store: &Store, on: bool) {
    store
        .conn()
        .pragma_update(None, "query_only", if on { "ON" } else { "OFF" })
        .expect("query_only");
}

/// An office with one self-registered employer whose provisional deadline has passed, and
/// one mail still queued to it.
fn office_past_deadline(dir: &std::path::Path) -> (Store, AccountId, i64) {
    let (mut store, _admin) = common::office(&dir.join("madoguchi.db"), false);
    let clerk = storage::staff::by_name(store.conn(), "tanaka")
        .expect("q")
        .expect("tanaka")
        .id;
    let acc = common::review::account(&mut store, 1, "2026-11-20", clerk);
    let mail = outbox::insert(
        store.conn(),
        &NewMail {
            message_id: "<oplog.1@example.go.jp>",
            account_id: Some(acc),
            template: "id_notice",
            to_addr: "jigyosho1@example.co.jp",
            subject: "【ハローワーク】登録ID（メールアドレス）のお知らせ",
            body: "登録ID： jigyosho1@example.co.jp\n",
            auth_key_id: None,
            key_expires_at: None,
        },
        now(),
    )
    .expect("mail");
    (store, acc, mail)
}

#[test]
fn r_dl_3_a_sweep_logs_why_it_failed_and_then_its_counts_and_the_mail_it_moved() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut store, _acc, mail) = office_past_deadline(dir.path());
    let cfg = Config::default();
    let log = common::logs::capture(|buf| {
        // A database that refuses writes (SQLITE_READONLY): the sweep stops and says why.
        read_only(&store, true);
        assert!(sweep::run(&mut store, &cfg, now()).is_err());
        let failed = buf.take();
        let line = failed
            .lines()
            .find(|l| l.contains("sweep failed"))
            .unwrap_or_else(|| panic!("no failure line in:\n{failed}"));
        assert!(line.contains(" ERROR "), "{line}");
        assert!(line.contains("readonly"), "{line}");
        read_only(&store, false);
        let r = sweep::run(&mut store, &cfg, now()).expect("sweep");
        assert_eq!(r.invalidated_accounts, 1, "{r:?}");
        buf.text()
    });
    let done = log
        .lines()
        .find(|l| l.contains("sweep done"))
        .unwrap_or_else(|| panic!("no sweep line in:\n{log}"));
    assert!(done.contains(" INFO "), "{done}");
    assert!(done.contains("invalidated_accounts=1"), "{done}");
    assert!(done.contains("invalidation_mails=1"), "{done}");
    assert!(done.contains("cancelled_mails=1"), "{done}");
    // The mail queued before is cancelled, the notice is queued: each logged by id.
    let cancelled = log
        .lines()
        .find(|l| l.contains(&format!("outbox_id={mail} ")) && l.contains("cancelled"))
        .unwrap_or_else(|| panic!("no cancel line in:\n{log}"));
    assert!(cancelled.contains("queued -> cancelled"), "{cancelled}");
    assert!(
        log.lines()
            .any(|l| l.contains("mail new -> queued") && l.contains("template=")),
        "{log}"
    );
    assert!(!log.contains("jigyosho1@"), "{log}");
    assert!(!log.contains("登録ID"), "{log}");
}

#[test]
fn r_dl_3_a_background_tick_on_a_read_only_database_logs_the_failure() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut store, _acc, _mail) = office_past_deadline(dir.path());
    let cfg = Config::default();
    read_only(&store, true);
    let log = common::logs::capture(|buf| {
        let tick = maintenance::tick(&mut store, &cfg, now(), maintenance::sweep_every(&cfg));
        assert!(tick.sweep.is_none(), "{tick:?}");
        buf.text()
    });
    let line = log
        .lines()
        .find(|l| l.contains(" ERROR ") && l.contains("sweep"))
        .unwrap_or_else(|| panic!("no error line in:\n{log}"));
    assert!(line.contains("readonly"), "{line}");
}

#[test]
fn r_aud_2_the_scheduled_retention_cut_is_logged_with_its_counts() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut store, _acc, _mail) = office_past_deadline(dir.path());
    let later = now() + Duration::days(3);
    let log = common::logs::capture(|buf| {
        let t = service::audit::trim_scheduled(&mut store, 1, later).expect("trim");
        assert!(t.removed > 0, "{t:?}");
        buf.text()
    });
    let line = log
        .lines()
        .find(|l| l.contains("audit retention cut done"))
        .unwrap_or_else(|| panic!("no retention line in:\n{log}"));
    assert!(line.contains("retention_days=1"), "{line}");
    assert!(line.contains("removed="), "{line}");
}
