//! Four sweeps at once on one database act once per account (R-DL-3).

use crate::common;

use std::process::Stdio;

use madoguchi::storage::{self, Store};

use super::{account_state, build_search_index, clerk, employer, mails, n, sweep_cmd, t};

/// R-DL-3 "safe with several processes": four `madoguchi sweep` started at once on one database
/// with a few hundred expired accounts. Each account is invalidated once, each employer gets
/// exactly one 期限切れ notice, each purged item one tombstone, and the audit chain verifies.
#[test]
fn r_dl_3_four_sweeps_at_once_act_once_per_account() {
    const ACCOUNTS: usize = 300;
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("madoguchi.db");
    let (mut store, _admin) = common::office(&db, true);
    let start = t("2026-11-02T01:00:00Z");
    let clerk = clerk(&store);
    let mut accounts = Vec::new();
    for i in 0..ACCOUNTS {
        let (acc, _) = employer(
            &mut store,
            clerk,
            100 + i,
            &format!("株式会社並行商事{i}"),
            "並行事務",
            "2026-11-20",
            1,
            start,
        );
        accounts.push(acc);
    }
    build_search_index(&store);
    drop(store);
    // Fri 2026-11-27: a week after the deadline.
    let now = "2026-11-27T01:00:00Z";
    let children: Vec<_> = (0..4)
        .map(|_| {
            sweep_cmd(&db, now)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut total = serde_json::Map::new();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        for (k, v) in r.as_object().expect("object") {
            let sum = total
                .get(k)
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(0)
                + v.as_i64().expect("count");
            total.insert(k.clone(), sum.into());
        }
    }
    let total = serde_json::Value::Object(total);
    // Between them, the four did each thing once.
    let a = i64::try_from(ACCOUNTS).expect("n");
    assert_eq!(n(&total, "invalidated_accounts"), a, "{total}");
    assert_eq!(n(&total, "invalidation_mails"), a, "{total}");
    assert_eq!(n(&total, "purged_accounts"), a, "{total}");
    assert_eq!(n(&total, "purged_establishments"), a, "{total}");
    assert_eq!(n(&total, "purged_submissions"), 2 * a, "{total}");
    let store = Store::open(&db).expect("open");
    for &acc in &accounts {
        assert_eq!(account_state(&store, acc), "invalid");
        assert_eq!(mails(&store, acc, "invalidated"), 1, "account {acc}");
    }
    let count = |sql: &str| -> i64 {
        store
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect("count")
    };
    assert_eq!(
        count("SELECT count(*) FROM outbox WHERE template = 'invalidated'"),
        a
    );
    let tombs = storage::review::tombstones(store.conn()).expect("tombstones");
    for what in ["account", "establishment", "submission"] {
        let mut ids: Vec<i64> = tombs.iter().filter(|t| t.0 == what).map(|t| t.1).collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(all, ids.len(), "one tombstone per purged {what}");
        let want = if what == "submission" {
            2 * ACCOUNTS
        } else {
            ACCOUNTS
        };
        assert_eq!(all, want, "{what}");
    }
    // One audit row per expiry, and the chain verifies after four writers.
    assert_eq!(
        count("SELECT count(*) FROM audit_log WHERE action = 'sweep.expire'"),
        a
    );
    assert_eq!(
        count("SELECT count(DISTINCT subject) FROM audit_log WHERE action = 'sweep.expire'"),
        a,
        "each account expired once"
    );
    let v = madoguchi::service::audit::verify(&store).expect("verify");
    assert!(v.first_bad.is_none(), "{:?}", v.first_bad);
    assert!(v.rows > a);
    // The queue filter's index holds none of them any more.
    assert_eq!(
        count("SELECT count(*) FROM queue_search_names WHERE name LIKE '%並行%'"),
        0
    );
    assert_eq!(count("SELECT count(*) FROM queue_search_stale"), 0);
}
