//! Eight processes racing on one queue (R-REV-5).

use std::process::{Command, Stdio};

use madoguchi::domain::ids::SubmissionId;
use madoguchi::domain::submission::SubmissionState;
use madoguchi::service::review;
use madoguchi::storage::{self, Store};

use super::{PW, employer, ticks, world};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

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
