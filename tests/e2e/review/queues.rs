//! The review queues (R-REV-6): counts, sort, filter, claims, the index of every query and the
//! counting thread.

use madoguchi::config::Config;
use madoguchi::domain::ids::{StaffId, SubmissionId};
use madoguchi::domain::queue::{Queue, Sort};
use madoguchi::service::queue_counts::{Answer, Ask, Counter};
use madoguchi::service::{Ctx, ServiceError, queue, review};
use madoguchi::storage::Store;

use super::{employer, t, ticks, world};

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
