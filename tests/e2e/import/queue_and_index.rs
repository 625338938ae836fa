//! Imported rows in the dashboard categories, the queue counts (R-REV-6) and the search index
//! (R-ID-1).

use madoguchi::r#gen::{GenOptions, prepare_accounts};
use madoguchi::storage;

use super::{fixture, opts, run, stream, t};

/// The establishments' search rows are written together at the end of each batch (not one by
/// one): every imported establishment is found by the name search, the FTS index agrees with
/// its content table, also when an establishment is resubmitted (its search row replaced by
/// the update trigger) in the batch that added it.
#[test]
fn r_id_1_imported_establishments_are_in_the_search_index() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 2, 8, 20);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let text = String::from_utf8(stream(&o, &keys)).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // A resubmission of the first establishment under a new name, right after it.
    let first = lines
        .iter()
        .position(|l| l.contains("\"establishment.submitted\""))
        .expect("an establishment");
    let mut v: serde_json::Value = serde_json::from_str(&lines[first]).expect("json");
    v["event_id"] = "resubmit-1".into();
    v["establishment"]["name"] = "株式会社改名テスト".into();
    lines.insert(first + 1, v.to_string());
    let s = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("e.jsonl", (lines.join("\n") + "\n").into_bytes())],
    );
    assert_eq!(s.rejected, 0, "{:?}", s.rejects);
    let conn = fx.store.conn();
    conn.execute(
        "INSERT INTO establishments_fts (establishments_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the search index matches the establishments");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect("count") };
    assert_eq!(count("SELECT count(*) FROM establishments"), 8);
    assert_eq!(count("SELECT count(*) FROM establishments_fts"), 8);
    let found = |q: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM establishments_fts WHERE establishments_fts MATCH ?1",
            [q],
            |r| r.get(0),
        )
        .expect("match")
    };
    assert_eq!(found("\"改名テスト\""), 1);
}

/// Schema v9: an offer's category sits on its row for the supervisor dashboard, set by the
/// import and changed by a resubmission that changes it; the dashboard's count from the state
/// index equals the count from the current versions' JSON.
#[test]
fn dashboard_categories_follow_submissions_and_resubmissions() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 3, 6, 120);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = String::from_utf8(stream(&o, &keys)).expect("utf8");
    // Every resubmission moves a general offer to the student category.
    let s: String = s
        .lines()
        .map(|l| {
            if l.contains("\"job.resubmitted\"") {
                l.replace(
                    "\"category\":{\"kind\":\"general\"",
                    "\"category\":{\"kind\":\"student\"",
                )
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("c.jsonl", s.into_bytes())],
    );
    assert_eq!(r.rejected, 0, "{:?}", r.rejects);
    let q = |sql: &str| -> i64 {
        fx.store
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect("query")
    };
    assert!(
        q(
            "SELECT count(*) FROM submissions WHERE job_category = 'student' AND current_version > 1"
        ) > 0
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM submissions WHERE kind = 'establishment' AND job_category IS NOT NULL"
        ),
        0
    );
    // (category column, pending, the current version's category as stored in its payload).
    let rows: Vec<(Option<String>, bool, Option<String>)> = fx
        .store
        .conn()
        .prepare(
            "SELECT s.job_category, s.state IN ('received', 'checked', 'returned'), v.payload \
             FROM submissions s JOIN submission_versions v \
               ON v.submission_id = s.id AND v.version = s.current_version \
             WHERE s.kind = 'job'",
        )
        .expect("prepare")
        .query_map([], |r| {
            let json = storage::payload::decode(r.get_ref(2)?).expect("stored form");
            let v: serde_json::Value = serde_json::from_str(&json).expect("json");
            let kind = v["category"]["kind"].as_str().map(str::to_string);
            Ok((r.get(0)?, r.get(1)?, kind))
        })
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let mismatched = rows
        .iter()
        .filter(|(col, _, kind)| col.as_deref() != Some(kind.as_deref().unwrap_or("")))
        .count();
    assert_eq!(mismatched, 0);
    let mut want: Vec<(String, i64)> = Vec::new();
    for (_, pending, kind) in &rows {
        let k = kind.clone().unwrap_or_else(|| "?".into());
        match want.iter_mut().find(|(c, _)| *c == k) {
            Some(w) if *pending => w.1 += 1,
            None if *pending => want.push((k, 1)),
            _ => {}
        }
    }
    let order = |c: &str| {
        ["general", "student", "disabled", "?"]
            .iter()
            .position(|x| *x == c)
    };
    want.sort_by_key(|(c, _)| order(c));
    assert!(want.len() >= 2, "{want:?}");
    assert_eq!(
        storage::review::pending_jobs_by_category(fx.store.conn()).expect("dashboard"),
        want
    );
    // One pass over the state index, nothing sorted.
    let plan = storage::queue::explain(
        fx.store.conn(),
        &storage::review::pending_jobs_by_category_sql(),
    )
    .expect("plan");
    assert!(
        plan.iter()
            .all(|l| l.contains("COVERING INDEX submissions_state_deadline")),
        "{plan:?}"
    );
}

/// Schema v19: imported submissions are counted by the import itself (no trigger on INSERT).
/// After an import of new establishments, offers, activations (deadlines, visits) and a second
/// import of changes and withdrawals, every queue's kept count equals the count of the rows.
#[test]
fn r_rev_6_imported_submissions_are_in_the_queue_counts() {
    use madoguchi::domain::queue::Queue;
    use storage::queue::{QueueArgs, queue_count, queue_count_counted};
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 40, 60, 400);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("a.jsonl", stream(&o, &keys))],
    );
    assert_eq!(r.rejected, 0, "{:?}", r.rejects.first());
    let o2 = GenOptions {
        seed: 43,
        start: t("2026-04-08T00:30:00Z"),
        ..opts("2026-04-08T00:30:00Z", 10, 20, 200)
    };
    let keys2 = prepare_accounts(&mut fx.store, fx.admin, &o2).expect("prepare");
    run(
        &mut fx.store,
        t("2026-04-09T00:00:00Z"),
        vec![("b.jsonl", stream(&o2, &keys2))],
    );
    let c = fx.store.conn();
    let pending: i64 = c
        .query_row(
            "SELECT count(*) FROM submissions WHERE state IN ('received', 'checked', 'returned')",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert!(pending > 500, "{pending}");
    for (today, soon) in [("2026-04-09", "2026-04-14"), ("2026-04-30", "2026-05-07")] {
        let a = QueueArgs {
            me: fx.admin,
            today: today.into(),
            soon: soon.into(),
            filter: None,
            limit: 50,
            offset: 0,
        };
        for q in Queue::ALL {
            let kept = queue_count(c, q, &a).expect("kept");
            let counted = queue_count_counted(c, q, &a).expect("counted");
            assert_eq!(kept, counted, "{q:?} on {today}");
        }
    }
}
