//! What an import refuses line by line and keeps as rejects (R-IO-2, R-KEY-6, SPEC §5).

use madoguchi::r#gen::prepare_accounts;
use madoguchi::storage::{self, Store};

use super::{fixture, opts, run, stream, t};

#[test]
fn r_io_2_one_bad_line_among_a_thousand() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 100, 898);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = String::from_utf8(stream(&o, &keys)).expect("utf8");
    let mut lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 999);
    lines.insert(500, "{\"event_id\": \"broken\", oops");
    let body = lines.join("\n") + "\n";
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("b.jsonl", body.into_bytes())],
    );
    assert_eq!((r.applied, r.rejected), (999, 1), "{:?}", r.rejects);
    assert_eq!(r.rejects[0].line, 501);
    assert_eq!(r.rejects[0].file, "b.jsonl");
    assert_eq!(r.rejects[0].reason, "bad_json");
    assert_eq!(
        storage::imports::reject_count(fx.store.conn()).expect("n"),
        1
    );
}

#[test]
fn r_io_2_truncated_last_line_is_a_reject() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 2, 2);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let mut s = stream(&o, &keys);
    s.truncate(s.len() - 40);
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("c.jsonl", s)],
    );
    assert_eq!((r.applied, r.rejected), (4, 1), "{:?}", r.rejects);
    assert_eq!(r.rejects[0].reason, "truncated");
    assert_eq!(r.rejects[0].line, 5);
}

#[test]
fn r_key_6_wrong_key_is_a_reject_with_the_outcome_and_unknowns_are_kept() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 0, 0);
    prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let email = "gen42.00000@sakura-shoji.co.jp";
    let lines = format!(
        "{}\n{}\n{}\n",
        format_args!(
            r#"{{"event_id":"w1","occurred_at":"2026-04-06T09:35:00+09:00","type":"account.activated","email":"{email}","auth_key":"AAAA-AAAA-AAAA"}}"#
        ),
        r#"{"event_id":"w2","occurred_at":"2026-04-06T09:35:00+09:00","type":"account.withdrawn","email":"nobody@example.co.jp"}"#,
        format_args!(
            r#"{{"event_id":"w3","occurred_at":"2026-04-06T09:36:00+09:00","type":"job.submitted","email":"{email}","submission_id":"j","job":{{}}}}"#
        ),
    );
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("k.jsonl", lines.into_bytes())],
    );
    let reasons: Vec<&str> = r.rejects.iter().map(|x| x.reason.as_str()).collect();
    assert_eq!(reasons, ["key_wrong", "unknown_account", "account_state"]);
    assert_eq!(r.rejects[0].detail, "tries_left=9");
}

/// SPEC §5: escape sequences in outside text never reach storage: the line is refused, the
/// field and the character named.
#[test]
fn spec_5_escape_sequences_in_names_are_refused_at_import() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 1, 0);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = String::from_utf8(stream(&o, &keys)).expect("utf8");
    let s = s.replacen("株式会社", "株式会社\\u001b]0;pwned\\u0007\\u001b[2J", 1);
    let r = run(
        &mut fx.store,
        t("2026-04-07T00:00:00Z"),
        vec![("s.jsonl", s.into_bytes())],
    );
    assert_eq!(r.rejected, 1, "{:?}", r.rejects);
    assert_eq!(r.rejects[0].reason, "validation");
    assert!(
        r.rejects[0].detail.contains(":control_char=U+001B"),
        "{:?}",
        r.rejects
    );
    let stored: i64 = fx
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM submissions WHERE display_name LIKE '%pwned%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(stored, 0);
}

/// R-IO-2: a second `job.submitted` with a submission id already in use (a new event id) is a
/// reject that leaves nothing behind, and its event id stays free.
#[test]
fn r_io_2_job_submitted_twice_under_one_submission_id_is_a_reject() {
    let mut fx = fixture();
    let o = opts("2026-04-06T00:30:00Z", 1, 1, 3);
    let keys = prepare_accounts(&mut fx.store, fx.admin, &o).expect("prepare");
    let s = stream(&o, &keys);
    let now = t("2026-04-07T00:00:00Z");
    let first = run(&mut fx.store, now, vec![("a.jsonl", s.clone())]);
    assert_eq!(first.rejected, 0, "{:?}", first.rejects);
    let job_line = String::from_utf8(s)
        .expect("utf8")
        .lines()
        .find(|l| l.contains("\"job.submitted\""))
        .expect("a job line")
        .to_string();
    let mut ev: serde_json::Value = serde_json::from_str(&job_line).expect("json");
    ev["event_id"] = serde_json::Value::from("again-0001");
    let count = |store: &Store, sql: &str| -> i64 {
        store
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect("count")
    };
    let versions = count(&fx.store, "SELECT count(*) FROM submission_versions");
    let again = run(
        &mut fx.store,
        now,
        vec![("b.jsonl", format!("{ev}\n").into_bytes())],
    );
    assert_eq!((again.applied, again.rejected), (0, 1));
    assert_eq!(again.rejects[0].reason, "duplicate_submission");
    assert_eq!(again.rejects[0].line, 1);
    assert_eq!(
        count(&fx.store, "SELECT count(*) FROM submission_versions"),
        versions
    );
    assert_eq!(
        count(
            &fx.store,
            "SELECT count(*) FROM imported_events WHERE event_id = 'again-0001'"
        ),
        0
    );
}
