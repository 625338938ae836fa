//! The export (R-IO-3) and the query plans of import and export.

use madoguchi::r#gen::prepare_accounts;
use madoguchi::service;
use madoguchi::storage;

use super::{fixture, opts, run, stream, t};

/// Every query the import and export run uses an index, never a full scan of a big table.
#[test]
fn storage_import_export_queries_use_indexes() {
    let fx = fixture();
    let queries = [
        storage::establishments::SQL_BY_NUMBER,
        storage::establishments::SQL_REGISTERED_SINCE,
        storage::submissions::SQL_BY_EXTERNAL,
        storage::submissions::SQL_HISTORY,
        storage::submissions::SQL_WITHDRAW_PENDING,
        storage::submissions::SQL_JOBS_REGISTERED_SINCE,
        storage::submissions::SQL_SET_VISIT_REASONS,
        storage::submissions::SQL_VISIT_REASONS,
        storage::submissions::SQL_SET_CATEGORY,
        storage::submissions::SQL_NEW_VERSION,
        storage::submissions::SQL_SET_STATE,
        storage::submissions::SQL_SET_NAME,
        storage::submissions::SQL_SET_VISIT_NEEDED,
        // The import's summed queue counts, once per count and transaction (issue 16).
        storage::submissions::SQL_TALLY_ADD_N,
        storage::imports::SQL_IS_IMPORTED,
        storage::imports::SQL_UNCLAIM,
        storage::imports::SQL_WITHDRAW_ACCOUNT,
        storage::imports::SQL_RECENT_REJECTS,
        storage::closures::SQL_RANGE,
    ];
    for q in queries {
        let mut stmt = fx
            .store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {q}"))
            .expect("prepare");
        // Unbound parameters are NULL: the plan is what matters.
        let mut rows = stmt.raw_query();
        let mut plan: Vec<String> = Vec::new();
        while let Some(r) = rows.next().expect("row") {
            plan.push(r.get::<_, String>(3).expect("detail"));
        }
        for step in &plan {
            assert!(!step.starts_with("SCAN"), "{q}\n{plan:#?}");
        }
    }
    // The look-ups the import makes once per activation neither scan nor sort (a temporary
    // B-tree per call halved the import's rate, issue 16).
    for q in [
        storage::accounts::SQL_LIVE_BY_EMAIL_KEY,
        storage::accounts::SQL_LIVE_KEPT_APART,
        storage::keys::SQL_FOR_ACCOUNT,
    ] {
        let plan = storage::queue::explain(fx.store.conn(), q).expect("plan");
        assert!(
            plan.iter()
                .all(|s| s.starts_with("SEARCH") && !s.contains("TEMP B-TREE")),
            "{q}\n{plan:#?}"
        );
    }
    // The establishment look-ups search the establishment index (every submission since
    // schema v19; partial from v10 to v18).
    for q in [
        storage::submissions::SQL_HISTORY,
        storage::review::SQL_CHECKED_JOBS_OF,
        storage::review::SQL_ESTABLISHMENT_SUBMISSION,
    ] {
        let plan = storage::queue::explain(fx.store.conn(), q).expect("plan");
        assert!(
            plan.iter()
                .any(|s| s.starts_with("SEARCH submissions USING")
                    && s.contains("submissions_establishment")),
            "{q}\n{plan:#?}"
        );
    }
}

#[test]
fn r_io_3_export_registered_since() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 2, 3);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("x.jsonl", stream(&o, &keys))],
    );
    assert_eq!(r.rejected, 0);
    let now = t("2026-04-08T01:00:00Z");
    {
        let tx = fx.store.immediate().expect("tx");
        assert!(storage::establishments::set_registered(&tx, 1, "1301-000001-1", now).expect("e"));
        let sub = storage::submissions::by_external_id(&tx, "job-42-0000000")
            .expect("q")
            .expect("job");
        assert!(
            storage::submissions::set_registered(&tx, sub.id, Some("13010-00000001"), now)
                .expect("j")
        );
        tx.commit().expect("commit");
    }
    let mut out = Vec::new();
    let s = service::export::export_registered(
        &mut fx.store,
        None,
        now,
        chrono::NaiveDate::from_ymd_opt(2026, 4, 8).expect("d"),
        &mut out,
    )
    .expect("export");
    assert_eq!((s.establishments, s.jobs), (1, 1));
    let text = String::from_utf8(out).expect("utf8");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines[0]["type"], "establishment.registered");
    assert_eq!(
        lines[0]["establishment"]["establishment_number"],
        "1301-000001-1"
    );
    assert_eq!(lines[1]["type"], "job.registered");
    assert_eq!(lines[1]["job_number"], "13010-00000001");
    assert!(lines[1]["job"]["title"].is_string());
    let none = service::export::export_registered(
        &mut fx.store,
        None,
        now,
        chrono::NaiveDate::from_ymd_opt(2026, 4, 9).expect("d"),
        &mut Vec::new(),
    )
    .expect("export");
    assert_eq!((none.establishments, none.jobs), (0, 0));
}
