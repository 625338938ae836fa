//! R-REV-5: two staff acting on the same item at once: exactly one action applies, for every
//! pair of the eleven review actions, even when the second would still be legal from the new
//! state (a return and a reject racing never both apply). In-process: two `Store` connections
//! on one file, two threads released together, rounds per pair. Then the real binary: two
//! processes per round. `cargo bench --bench race` runs 1,000 rounds of every pair.

#![allow(clippy::unwrap_used)]

mod common;

use madoguchi::config::Config;
use madoguchi::service::review;
use madoguchi::storage::{self, Store};

use common::race::{
    Act, DEADLINE, cli_args, ctx_of, item, now, office, pairs, race_processes, race_threads, spawn,
    ticks,
};

/// Rounds per pair of actions, in-process (the benchmark runs 1,000).
const ROUNDS: usize = 20;

#[test]
fn r_rev_5_every_pair_of_actions_racing_in_process_exactly_one_applies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut setup = office(&db);
    let cfg = Config::default();
    let tanaka = ctx_of(&setup, "tanaka");
    let yamada = ctx_of(&setup, "yamada");
    let suzuki = ctx_of(&setup, "suzuki");
    let mut a_store = Store::open(&db).unwrap();
    let mut b_store = Store::open(&db).unwrap();
    let mut n = 0;
    let (mut rounds, mut doubles) = (0usize, Vec::new());
    for (x, y) in pairs() {
        for round in 0..ROUNDS {
            n += 1;
            let id = item(&mut setup, n, (x, y), &tanaka);
            // Who goes first alternates; both wait at the barrier.
            let (first, second) = if round % 2 == 0 { (x, y) } else { (y, x) };
            let r = race_threads(
                &setup,
                (&mut a_store, &mut b_store),
                &cfg,
                (&yamada, &suzuki),
                first,
                second,
                id,
            );
            rounds += 1;
            if !r.exactly_one() {
                doubles.push(r.detail);
            }
        }
    }
    eprintln!(
        "R-REV-5 in-process: {rounds} racing rounds, {} not exactly one",
        doubles.len()
    );
    assert_eq!(rounds, 66 * ROUNDS);
    assert!(
        doubles.is_empty(),
        "{} rounds: {:#?}",
        doubles.len(),
        &doubles[..doubles.len().min(10)]
    );
}

/// The real binary: two processes per round, every pair of actions twice (each side first
/// once), and the reported pair (return by one, reject by the other) 20 times.
#[test]
fn r_rev_5_every_pair_of_actions_racing_in_two_processes_exactly_one_applies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut setup = office(&db);
    let tanaka = ctx_of(&setup, "tanaka");
    let mut both: Vec<(Act, Act)> = pairs()
        .into_iter()
        .flat_map(|(x, y)| [(x, y), (y, x)])
        .collect();
    both.extend(std::iter::repeat_n((Act::Return, Act::Reject), 20));
    let mut doubles = Vec::new();
    for (n, (x, y)) in both.iter().enumerate() {
        let id = item(&mut setup, 100_000 + n, (*x, *y), &tanaka);
        let r = race_processes(dir.path(), &setup, *x, *y, id);
        if !r.exactly_one() {
            doubles.push(r.detail);
        }
    }
    eprintln!(
        "R-REV-5 processes: {} racing rounds, {} not exactly one",
        both.len(),
        doubles.len()
    );
    assert!(doubles.is_empty(), "{doubles:#?}");
}

/// The refusal tells who acted first and the state now, and `review show` gives the version
/// to act on (更新番号).
#[test]
fn r_rev_5_cli_refuses_a_stale_version_saying_who_acted_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut setup = office(&db);
    let cfg = Config::default();
    let tanaka = ctx_of(&setup, "tanaka");
    let suzuki = ctx_of(&setup, "suzuki");
    let id = item(&mut setup, 1, (Act::Return, Act::Reject), &tanaka);
    let show = spawn(
        dir.path(),
        "yamada",
        &["review".into(), "show".into(), id.to_string()],
    )
    .wait_with_output()
    .unwrap();
    let text = String::from_utf8_lossy(&show.stdout);
    let seen: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("更新番号: "))
        .unwrap_or_else(|| panic!("no 更新番号 in {text}"))
        .trim()
        .parse()
        .unwrap();
    // Meanwhile suzuki returns it; yamada's reject, still legal from 差戻し, is refused.
    review::return_item(&mut setup, &cfg, &suzuki, id, "1", "", Some(seen)).unwrap();
    let out = spawn(dir.path(), "yamada", &cli_args(Act::Reject, id, seen))
        .wait_with_output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("鈴木 一郎さんが先に処理しました"), "{err}");
    assert!(err.contains("差戻し"), "{err}");
    let f = storage::review::facts(setup.conn(), id).unwrap().unwrap();
    assert_eq!(
        f.state,
        madoguchi::domain::submission::SubmissionState::Returned
    );
    // A batch gives one version per item.
    let out = spawn(
        dir.path(),
        "yamada",
        &["review", "approve", "1", "2", "--seen", "0"].map(String::from),
    )
    .wait_with_output()
    .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("更新番号"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// R-REV-5 "any change since": the employer's resubmission (a new version, the state still
/// 受付) between the clerk's look and the check refuses the check, which would still be legal;
/// the system is named, as no staff member acted.
#[test]
fn r_rev_5_a_resubmission_since_the_look_refuses_the_action() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut store = office(&db);
    let tanaka = ctx_of(&store, "tanaka");
    let id = common::review::submission(&mut store, 1, DEADLINE, tanaka.staff_id, "[]");
    let seen = storage::review::rev(store.conn(), id).unwrap().unwrap();
    storage::submissions::set_new_version(
        store.conn(),
        id,
        &storage::submissions::NewVersionRow {
            version: 2,
            state: None,
            display_name: None,
            has_warnings: false,
            flags: storage::submissions::JobFlags::default(),
            category_changed: false,
            visit_reasons: None,
        },
        now(),
    )
    .unwrap();
    let e = review::check(&mut store, &tanaka, id, &ticks(), Some(seen)).unwrap_err();
    let text = madoguchi::i18n::cli::error_message(madoguchi::i18n::Lang::Ja, &e);
    assert!(text.contains("システムが先に更新しました"), "{text}");
    // Looked at again: the check applies.
    let again = storage::review::rev(store.conn(), id).unwrap().unwrap();
    assert_ne!(again, seen);
    review::check(&mut store, &tanaka, id, &ticks(), Some(again)).unwrap();
}
