//! Review and approval (SPEC §2.3): services on a real file, EXPLAIN of every queue query
//! (R-REV-6), 8 racing processes (R-REV-5), and the deadline sweep (R-DL-3, R-MAIL-6).

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::establishment::Establishment;
use madoguchi::domain::ids::{AccountId, StaffId, SubmissionId};
use madoguchi::domain::queue::{Queue, Sort};
use madoguchi::domain::refusal::Refusal;
use madoguchi::domain::review::{CHECKLIST, ReviewRefusal};
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::domain::submission::{SubmissionKind, SubmissionState};
use madoguchi::i18n::Lang;
use madoguchi::service::queue_counts::{Answer, Ask, Counter};
use madoguchi::service::{Ctx, ServiceError, auth, queue, review, setup, staff, sweep};
use madoguchi::storage::submissions::{JobFlags, NewSubmission};
use madoguchi::storage::{self, Store};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");
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

#[test]
fn r_rev_1_four_eyes_and_approval_of_establishment_with_jobs() {
    let now = t("2026-03-02T01:00:00Z");
    let mut store = Store::open_in_memory().unwrap();
    let w = world(&mut store, now);
    let cfg = Config::default();
    let (acc, es, js) = employer(&mut store, &w, 1, "2026-03-16", 2, now);
    // A supervisor who checks cannot approve what they checked (R-REV-1).
    review::check(&mut store, &w.boss, es, &ticks(), None).unwrap();
    let e = review::approve(&mut store, &cfg, &w.boss, es, None).unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Refused(Refusal::Review(ReviewRefusal::ApproverChecked))
        ),
        "{e:?}"
    );
    // A counter clerk may not approve at all; an admin neither.
    assert!(matches!(
        review::approve(&mut store, &cfg, &w.clerk, es, None),
        Err(ServiceError::Denied)
    ));
    assert!(matches!(
        review::approve(&mut store, &cfg, &w.admin, es, None),
        Err(ServiceError::Denied)
    ));
    // R-REV-4: a job without its establishment registered (and that one not approvable here).
    review::check(&mut store, &w.clerk, js[0], &ticks(), None).unwrap();
    let e = review::approve(&mut store, &cfg, &w.boss, js[0], None).unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Refused(Refusal::Review(ReviewRefusal::EstablishmentNotRegistered))
        ),
        "{e:?}"
    );
    // Incomplete checklist refused.
    assert!(matches!(
        review::check(&mut store, &w.clerk, js[1], &ticks()[..2], None),
        Err(ServiceError::Invalid(_))
    ));
    // Another supervisor approves the establishment with its checked job: one action.
    let o = review::approve(&mut store, &cfg, &w.boss2, es, None).unwrap();
    assert_eq!(o.registered.len(), 2);
    assert!(o.registered[0].number.starts_with("1301-000001-"));
    assert_eq!(o.registered[1].number, "13010-00000001");
    assert_eq!(
        o.mails,
        vec!["【ハローワーク】本登録完了のお知らせ".to_string()]
    );
    let a = storage::accounts::by_id(store.conn(), acc)
        .unwrap()
        .unwrap();
    assert_eq!(a.state.code(), "opened");
    assert!(a.opened_at.is_some());
    // The second attempt is told who acted first (R-REV-5).
    let e = review::approve(&mut store, &cfg, &w.boss, js[0], None).unwrap_err();
    let msg = madoguchi::i18n::cli::error_message(madoguchi::i18n::Lang::Ja, &e);
    assert_eq!(msg, "yamadaさんが先に処理しました（現在の状態: 本登録）");
    // The job left unchecked is approved later on its own.
    review::check(&mut store, &w.clerk, js[1], &ticks(), None).unwrap();
    let o = review::approve(&mut store, &cfg, &w.boss, js[1], None).unwrap();
    assert_eq!(o.registered[0].number, "13010-00000002");
    // History and detail.
    let d = review::detail(&mut store, &w.clerk, js[1], "本登録審査", Lang::Ja).unwrap();
    assert_eq!(d.state, SubmissionState::Registered);
    assert_eq!(
        d.history
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>(),
        vec!["check", "approve"]
    );
}

/// R-REV-4: approving a job offer whose establishment is checked but not registered registers
/// both in the one action, the establishment first; four-eyes (R-REV-1) holds for both.
#[test]
fn r_rev_4_approving_a_job_registers_its_checked_establishment_in_the_same_action() {
    let now = t("2026-03-02T01:00:00Z");
    let mut store = Store::open_in_memory().unwrap();
    let w = world(&mut store, now);
    let cfg = Config::default();
    let (acc, es, js) = employer(&mut store, &w, 1, "2026-03-16", 1, now);
    review::check(&mut store, &w.clerk, es, &ticks(), None).unwrap();
    // The supervisor who checked the job may not approve it, nor, through it, its establishment.
    review::check(&mut store, &w.boss2, js[0], &ticks(), None).unwrap();
    let e = review::approve(&mut store, &cfg, &w.boss2, js[0], None).unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Refused(Refusal::Review(ReviewRefusal::ApproverChecked))
        ),
        "{e:?}"
    );
    let state = |store: &Store, id: SubmissionId| {
        storage::submissions::by_id(store.conn(), id)
            .unwrap()
            .unwrap()
            .state
    };
    assert_eq!(
        state(&store, es),
        SubmissionState::Checked,
        "nothing half done"
    );
    // Another supervisor approves the job: its establishment is registered with it.
    let o = review::approve(&mut store, &cfg, &w.boss, js[0], None).unwrap();
    let numbers: Vec<&str> = o.registered.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(numbers.len(), 2, "{numbers:?}");
    assert!(numbers[0].starts_with("1301-000001-"), "{numbers:?}");
    assert_eq!(numbers[1], "13010-00000001");
    assert_eq!(state(&store, es), SubmissionState::Registered);
    assert_eq!(state(&store, js[0]), SubmissionState::Registered);
    let a = storage::accounts::by_id(store.conn(), acc)
        .unwrap()
        .unwrap();
    assert_eq!(a.state.code(), "opened");
    let approvals = storage::audit::recent(store.conn(), 50)
        .unwrap()
        .iter()
        .filter(|a| a.entry.action == "review.approve")
        .count();
    assert_eq!(approvals, 2, "one audit row per registered item");
}

#[test]
fn r_visit_1_approval_waits_for_the_recorded_visit() {
    let now = t("2026-03-02T01:00:00Z");
    let mut store = Store::open_in_memory().unwrap();
    let w = world(&mut store, now);
    let cfg = Config::default();
    let (_, es, _) = employer(&mut store, &w, 1, "2026-03-16", 0, now);
    review::flag_visit(
        &mut store,
        &w.clerk,
        es,
        "代表者に確認したいことがある",
        None,
    )
    .unwrap();
    let counts = queue::counts(&store, &w.clerk.at(now)).unwrap();
    assert_eq!(counts.iter().find(|c| c.0 == Queue::Visit).unwrap().1, 1);
    review::check(&mut store, &w.clerk, es, &ticks(), None).unwrap();
    let e = review::approve(&mut store, &cfg, &w.boss, es, None).unwrap_err();
    assert!(matches!(
        e,
        ServiceError::Refused(Refusal::Review(ReviewRefusal::VisitRequired))
    ));
    review::record_visit(&mut store, &w.clerk, es, now.date_naive(), None).unwrap();
    review::approve(&mut store, &cfg, &w.boss, es, None).unwrap();
}

#[test]
fn r_rev_6_queues_counts_sort_filter_and_claims() {
    let now = t("2026-03-10T01:00:00Z"); // Tue
    let mut store = Store::open_in_memory().unwrap();
    let w = world(&mut store, now);
    let cfg = Config::default();
    let (_, a, _) = employer(&mut store, &w, 1, "2026-03-09", 0, now); // overdue
    let (_, b, _) = employer(&mut store, &w, 2, "2026-03-12", 0, now); // soon
    let (_, c, _) = employer(&mut store, &w, 3, "2026-03-30", 0, now);
    let ctx = w.clerk.at(now);
    let ids = |store: &Store, q, s, f: &str| -> Vec<SubmissionId> {
        queue::list(store, &ctx, q, s, f, 50)
            .unwrap()
            .iter()
            .map(|l| l.row.id)
            .collect()
    };
    assert_eq!(
        ids(&store, Queue::Unassigned, Sort::Deadline, ""),
        vec![a, b, c]
    );
    assert_eq!(ids(&store, Queue::Overdue, Sort::Deadline, ""), vec![a]);
    assert_eq!(ids(&store, Queue::DueSoon, Sort::Deadline, ""), vec![b]);
    assert_eq!(ids(&store, Queue::Unassigned, Sort::Name, "商事2"), vec![b]);
    assert_eq!(
        ids(&store, Queue::Unassigned, Sort::Name, "ヒミツショウジ3"),
        vec![c]
    );
    assert_eq!(
        ids(&store, Queue::Unassigned, Sort::Name, "ひみつしょうじ3"),
        vec![c]
    );
    let l = queue::list(&store, &ctx, Queue::Unassigned, Sort::Deadline, "", 50).unwrap();
    assert_eq!(l[0].days_left, Some(-1));
    review::claim(&mut store, &w.clerk, b, None).unwrap();
    assert!(review::claim(&mut store, &w.boss2, b, None).is_err());
    assert_eq!(ids(&store, Queue::Mine, Sort::Deadline, ""), vec![b]);
    review::hand_over(&mut store, &w.clerk, b, "yamada", None).unwrap();
    assert!(ids(&store, Queue::Mine, Sort::Deadline, "").is_empty());
    review::check(&mut store, &w.clerk, c, &ticks(), None).unwrap();
    assert_eq!(ids(&store, Queue::Checked, Sort::Deadline, ""), vec![c]);
    review::return_item(
        &mut store,
        &cfg,
        &w.clerk,
        c,
        "1",
        "賃金を確認してください",
        None,
    )
    .unwrap();
    assert_eq!(ids(&store, Queue::Returned, Sort::Deadline, ""), vec![c]);
    assert!(matches!(
        review::return_item(&mut store, &cfg, &w.clerk, a, "理由にない文", "", None),
        Err(ServiceError::Invalid(_))
    ));
    // A counter clerk may not reject (supervisor).
    assert!(matches!(
        review::reject(&mut store, &cfg, &w.clerk, a, "1", "", None),
        Err(ServiceError::Denied)
    ));
    review::reject(&mut store, &cfg, &w.boss, a, "1", "", None).unwrap();
}

/// Issue 15 item 14: 未担当 holds what nobody has claimed and still needs a check. An item
/// checked without a claim waits for approval in 確認済, a returned one for the employer in
/// 差戻し; neither shows as unassigned work, and the kept count (schema v19) agrees.
#[test]
fn issue15_item14_unassigned_lists_neither_checked_nor_returned_items() {
    let now = t("2026-03-10T01:00:00Z"); // Tue
    let mut store = Store::open_in_memory().unwrap();
    let w = world(&mut store, now);
    let cfg = Config::default();
    let (_, a, _) = employer(&mut store, &w, 1, "2026-03-20", 0, now);
    let (_, b, _) = employer(&mut store, &w, 2, "2026-03-23", 0, now);
    let (_, c, _) = employer(&mut store, &w, 3, "2026-03-24", 0, now);
    let ctx = w.clerk.at(now);
    let ids = |store: &Store, q| -> Vec<SubmissionId> {
        queue::list(store, &ctx, q, Sort::Deadline, "", 50)
            .unwrap()
            .iter()
            .map(|l| l.row.id)
            .collect()
    };
    let count = |store: &Store, q| -> i64 {
        queue::counts(store, &ctx)
            .unwrap()
            .iter()
            .find(|c| c.0 == q)
            .unwrap()
            .1
    };
    // Checked without being claimed first, and returned without a claim.
    review::check(&mut store, &w.clerk, a, &ticks(), None).unwrap();
    review::return_item(&mut store, &cfg, &w.clerk, b, "1", "", None).unwrap();
    assert_eq!(ids(&store, Queue::Unassigned), vec![c]);
    assert_eq!(count(&store, Queue::Unassigned), 1);
    assert_eq!(ids(&store, Queue::Checked), vec![a]);
    assert_eq!(ids(&store, Queue::Returned), vec![b]);
    // The filtered page (search index) says the same.
    let filtered = queue::list(&store, &ctx, Queue::Unassigned, Sort::Name, "株式会社", 50)
        .unwrap()
        .iter()
        .map(|l| l.row.id)
        .collect::<Vec<_>>();
    assert!(
        !filtered.contains(&a) && !filtered.contains(&b),
        "{filtered:?}"
    );
    // A claim takes it out; a release brings it back.
    review::claim(&mut store, &w.clerk, c, None).unwrap();
    assert!(ids(&store, Queue::Unassigned).is_empty());
    assert_eq!(count(&store, Queue::Unassigned), 0);
    review::release(&mut store, &w.clerk, c, None).unwrap();
    assert_eq!(count(&store, Queue::Unassigned), 1);
}

/// Every statement the queues prepare (pages with and without the filter, the search index's
/// candidate reads, bucket seeks, counts) reads an index range: no table scan of submissions or
/// establishments, no full index scan, and a sort only over candidates read by id (at most
/// `Tuning::direct_max` of them), never over a queue.
#[test]
fn r_rev_6_every_queue_query_uses_an_index() {
    let store = Store::open_in_memory().unwrap();
    let sqls = madoguchi::storage::queue::all_sql();
    assert!(sqls.len() > 100, "{}", sqls.len());
    for (label, sql) in sqls {
        let plan = madoguchi::storage::queue::explain(store.conn(), &sql).unwrap();
        let show = || format!("{label}\n{sql}\n{plan:#?}");
        for line in &plan {
            let scan = line.starts_with("SCAN ")
                && !line.contains("VIRTUAL TABLE")
                && !line.starts_with("SCAN (subquery")
                && !line.starts_with("SCAN CONSTANT ROW")
                && !line.starts_with("SCAN queue_search_stale");
            // Counting a queue that is a partial index is reading that index whole.
            let whole_partial = (label == "visit count" && line.contains("INDEX submissions_visit"))
                // The names without a rank (a short list, renumbered away past a hundred rows).
                || line.starts_with("SCAN n USING INDEX queue_search_names_unranked");
            assert!(!scan || whole_partial, "{line}: {}", show());
            if line.contains("TEMP B-TREE") {
                // Only the candidates read by id are sorted.
                assert!(label.ends_with(" direct"), "{line}: {}", show());
            }
        }
        if label.ends_with(" direct") {
            assert!(
                plan.iter()
                    .any(|l| l.starts_with("SEARCH s USING INTEGER PRIMARY KEY (rowid=?)")),
                "{}",
                show()
            );
            // Driven by the search index's ids.
            assert!(
                plan.iter()
                    .any(|l| l.contains("SCAN json_each VIRTUAL TABLE")),
                "{}",
                show()
            );
        }
        if label.ends_with(" stream") || label.contains(" ordered ") {
            assert!(
                plan.first()
                    .is_some_and(|l| l.starts_with("SCAN f VIRTUAL TABLE")),
                "{}",
                show()
            );
        }
        if label.contains(" walk ") || label.contains(" seek ") {
            let ix = label.split(' ').nth(3).unwrap_or_default();
            assert!(
                plan.iter()
                    .any(|l| l.starts_with("SEARCH s USING") && l.contains(ix) && l.contains('(')),
                "{}",
                show()
            );
        }
    }
}

/// 8 processes (the real binary) race to approve or return the same 200 checked items.
#[test]
fn r_rev_5_eight_processes_race_on_200_items() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("madoguchi.db");
    let now = madoguchi::clock::now();
    let ids: Vec<SubmissionId> = {
        let mut store = Store::open(&db).unwrap();
        let w = world(&mut store, now);
        let mut ids = Vec::new();
        for n in 0..20 {
            let (_, es, js) = employer(&mut store, &w, n, "2099-12-28", 10, now);
            // Establishments registered already: the race is on the jobs.
            let tx = store.immediate().unwrap();
            storage::establishments::set_registered(
                &tx,
                storage::review::facts(&tx, es)
                    .unwrap()
                    .unwrap()
                    .establishment_id
                    .unwrap(),
                &format!("9999-{n:06}-0"),
                now,
            )
            .unwrap();
            tx.commit().unwrap();
            for j in js {
                review::check(&mut store, &w.clerk.at(now), j, &ticks(), None).unwrap();
                ids.push(j);
            }
        }
        ids
    };
    assert_eq!(ids.len(), 200);
    // R-REV-5: every process acts on the versions it read before the race.
    let revs: std::collections::HashMap<SubmissionId, i64> = {
        let store = Store::open(&db).unwrap();
        ids.iter()
            .map(|id| {
                (
                    *id,
                    storage::review::rev(store.conn(), *id).unwrap().unwrap(),
                )
            })
            .collect()
    };
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut order = ids.clone();
            if i % 2 == 1 {
                order.reverse();
            }
            order.rotate_left(i * 25);
            let (who, verb) = match i % 4 {
                0 => ("suzuki", "approve"),
                1 => ("yamada", "approve"),
                2 => ("tanaka", "return"),
                _ => ("yamada", "return"),
            };
            let mut c = Command::new(BIN);
            c.arg("--db").arg(&db).args(["--as", who, "review", verb]);
            c.args(order.iter().map(SubmissionId::to_string));
            let seen: Vec<String> = order.iter().map(|id| revs[id].to_string()).collect();
            c.args(["--seen", &seen.join(",")]);
            if verb == "return" {
                c.args(["--reason", "1"]);
            }
            c.env("MADOGUCHI_PASSWORD", PW)
                .env("MADOGUCHI_CONFIG", dir.path().join("none.toml"))
                .env_remove("MADOGUCHI_NOW")
                .env_remove("MADOGUCHI_AS")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        let code = o.status.code().unwrap_or(-1);
        assert!(
            code == 0 || code == 3,
            "{code}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let store = Store::open(&db).unwrap();
    let mut numbers = std::collections::HashSet::new();
    for id in &ids {
        let row = storage::submissions::by_id(store.conn(), *id)
            .unwrap()
            .unwrap();
        assert!(
            matches!(
                row.state,
                SubmissionState::Registered | SubmissionState::Returned
            ),
            "#{id} {:?}",
            row.state
        );
        assert_eq!(
            storage::review::count_decisive_audit(store.conn(), &format!("submission:{id}"))
                .unwrap(),
            1,
            "#{id}"
        );
        if let Some(n) = row.job_number {
            assert!(numbers.insert(n), "duplicate number");
        }
    }
    assert!(
        madoguchi::service::audit::verify(&store)
            .unwrap()
            .first_bad
            .is_none()
    );
}

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

/// R-VISIT-1: the visit queue's flag follows the reasons a resubmission brings, and a staff
/// request for a visit outlives reasons that went away.
#[test]
fn r_visit_1_flag_follows_the_reasons_and_the_staff_request() {
    let now = t("2026-03-02T01:00:00Z");
    let mut store = Store::open_in_memory().unwrap();
    let w = world(&mut store, now);
    let (_, _, js) = employer(&mut store, &w, 1, "2026-03-16", 2, now);
    let needed = |store: &Store, id: SubmissionId| -> bool {
        store
            .conn()
            .query_row(
                "SELECT visit_needed FROM submissions WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    };
    let reason = [("first_mypage_offer", "初めて".to_string())];
    for &id in &js {
        assert!(!needed(&store, id));
        storage::submissions::set_visit_reasons(store.conn(), id, &reason).unwrap();
        assert!(needed(&store, id));
    }
    review::flag_visit(&mut store, &w.clerk, js[1], "代表者に確認", None).unwrap();
    for &id in &js {
        storage::submissions::set_visit_reasons(store.conn(), id, &[]).unwrap();
    }
    assert!(!needed(&store, js[0]), "no reason left");
    assert!(needed(&store, js[1]), "the staff request stays");
}

/// The counting thread (the TUI's queue screen and dashboard) answers what `queue::counts` and
/// `queue::dashboard` would, for the staff member who asked; somebody who may not see queues
/// is refused there too.
#[test]
fn r_rev_6_the_counting_thread_answers_what_counts_would() {
    let now = t("2026-03-10T01:00:00Z");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let mut store = Store::open(&db).unwrap();
    let w = world(&mut store, now);
    for (n, deadline) in [(1, "2026-03-09"), (2, "2026-03-12"), (3, "2026-03-30")] {
        employer(&mut store, &w, n, deadline, 0, now);
    }
    let counter = Counter::spawn(&db);
    let boss = w.boss.at(now);
    let wait = || {
        counter
            .wait(std::time::Duration::from_secs(10))
            .unwrap()
            .unwrap()
    };
    counter.request(Ask::Counts(boss.clone()));
    let want = queue::counts(&store, &boss).unwrap();
    assert!(want.contains(&(Queue::Unassigned, 3)), "{want:?}");
    assert!(want.contains(&(Queue::Overdue, 1)), "{want:?}");
    assert_eq!(
        wait(),
        Answer::Counts {
            staff_id: boss.staff_id,
            counts: want
        }
    );
    counter.request(Ask::Dashboard(boss.clone()));
    assert_eq!(
        wait(),
        Answer::Dashboard {
            staff_id: boss.staff_id,
            dashboard: Box::new(queue::dashboard(&store, &boss).unwrap())
        }
    );
    // Somebody who is not staff.
    let nobody = Ctx {
        staff_id: StaffId(9_999),
        ..boss.clone()
    };
    counter.request(Ask::Counts(nobody));
    assert!(matches!(
        counter.wait(std::time::Duration::from_secs(10)),
        Some(Err(ServiceError::Denied))
    ));
}
