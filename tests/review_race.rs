//! R-REV-5: two staff acting on the same item at once: exactly one action applies, for every
//! pair of the eleven review actions, even when the second would still be legal from the new
//! state (a return and a reject racing never both apply). In-process: two `Store` connections
//! on one file, two threads released together, many rounds per pair. Then the real binary:
//! two processes per round.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Barrier;

use madoguchi::config::Config;
use madoguchi::domain::review::CHECKLIST;
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::{self, Ctx, ServiceError, review};
use madoguchi::storage::{self, Store};

/// Rounds per pair of actions, in-process.
const ROUNDS: usize = 200;
const YAMADA_PW: &str = "shounin-yamada-pw-2026";
const DEADLINE: &str = "2099-12-28";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Claim,
    Release,
    HandOver,
    Check,
    Return,
    Reject,
    Approve,
    Visit,
    Comment,
    FollowUp,
    Flag,
}

const ALL: [Act; 11] = [
    Act::Claim,
    Act::Release,
    Act::HandOver,
    Act::Check,
    Act::Return,
    Act::Reject,
    Act::Approve,
    Act::Visit,
    Act::Comment,
    Act::FollowUp,
    Act::Flag,
];

fn ticks() -> Vec<String> {
    CHECKLIST.iter().map(|(c, _)| (*c).to_string()).collect()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    madoguchi::clock::parse_rfc3339(common::NOW).unwrap()
}

fn ctx_of(store: &Store, name: &str) -> Ctx {
    Ctx {
        staff_id: storage::staff::by_name(store.conn(), name)
            .unwrap()
            .unwrap()
            .id,
        staff_name: name.into(),
        terminal: "test".into(),
        now: now(),
    }
}

/// Office 13010: tanaka (counter), suzuki and yamada (supervisors: either may take any action).
fn office(db: &Path) -> Store {
    let (mut store, admin) = common::office(db, true);
    service::staff::add(
        &mut store,
        &admin,
        "yamada",
        "山田 次郎",
        &Roles::new(vec![Role::Supervisor, Role::Counter]),
    )
    .unwrap();
    let id = storage::staff::by_name(store.conn(), "yamada")
        .unwrap()
        .unwrap()
        .id;
    let hash = madoguchi::secret::hash(YAMADA_PW).unwrap();
    storage::staff::set_password(store.conn(), id, &hash, false, now()).unwrap();
    store
}

fn act(
    store: &mut Store,
    cfg: &Config,
    who: &Ctx,
    a: Act,
    id: i64,
    seen: i64,
) -> service::Result<()> {
    let seen = Some(seen);
    let day = madoguchi::clock::jst_date(who.now);
    match a {
        Act::Claim => review::claim(store, who, id, seen),
        Act::Release => review::release(store, who, id, seen),
        Act::HandOver => review::hand_over(store, who, id, "tanaka", seen),
        Act::Check => review::check(store, who, id, &ticks(), seen),
        Act::Return => review::return_item(store, cfg, who, id, "1", "", seen),
        Act::Reject => review::reject(store, cfg, who, id, "1", "", seen),
        Act::Approve => review::approve(store, cfg, who, id, seen),
        Act::Visit => review::record_visit(store, who, id, day, seen),
        Act::Comment => review::comment(store, who, id, "電話で確認しました", seen),
        Act::FollowUp => review::follow_up(store, who, id, Some(day), seen),
        Act::Flag => review::flag_visit(store, who, id, "代表者に確認", seen),
    }
    .map(|_| ())
}

/// A new item where both actions can apply as far as may be: checked by tanaka (received when
/// one of them is the check), held by tanaka when one of them releases or hands over.
fn item(store: &mut Store, n: usize, pair: (Act, Act), tanaka: &Ctx) -> i64 {
    let id = common::review::submission(store, n, DEADLINE, tanaka.staff_id, "[]");
    let has = |a: Act| pair.0 == a || pair.1 == a;
    if !has(Act::Check) {
        review::check(store, tanaka, id, &ticks(), None).unwrap();
    }
    if has(Act::Release) || has(Act::HandOver) {
        review::claim(store, tanaka, id, None).unwrap();
    }
    id
}

fn history_len(store: &Store, id: i64) -> usize {
    storage::review::history(store.conn(), id).unwrap().len()
}

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
    for (i, x) in ALL.iter().enumerate() {
        for y in &ALL[i..] {
            for round in 0..ROUNDS {
                n += 1;
                let id = item(&mut setup, n, (*x, *y), &tanaka);
                let seen = storage::review::rev(setup.conn(), id).unwrap().unwrap();
                let before = history_len(&setup, id);
                let state_before = storage::review::facts(setup.conn(), id)
                    .unwrap()
                    .unwrap()
                    .state;
                // Who goes first alternates; both wait at the barrier.
                let (first, second) = if round % 2 == 0 { (*x, *y) } else { (*y, *x) };
                let gate = Barrier::new(2);
                let (ra, rb) = std::thread::scope(|s| {
                    let ha = s.spawn(|| {
                        gate.wait();
                        act(&mut a_store, &cfg, &yamada, first, id, seen)
                    });
                    let hb = s.spawn(|| {
                        gate.wait();
                        act(&mut b_store, &cfg, &suzuki, second, id, seen)
                    });
                    (ha.join().unwrap(), hb.join().unwrap())
                });
                rounds += 1;
                for r in [&ra, &rb] {
                    if let Err(e) = r {
                        assert!(
                            matches!(e, ServiceError::State(_)),
                            "{first:?} / {second:?}: refused otherwise than by state: {e:?}"
                        );
                    }
                }
                let applied = usize::from(ra.is_ok()) + usize::from(rb.is_ok());
                let written = history_len(&setup, id) - before;
                if applied != 1 || written != 1 {
                    doubles.push(format!(
                        "{first:?} (yamada) / {second:?} (suzuki) from {state_before:?}: {ra:?} {rb:?}, {written} history rows"
                    ));
                }
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

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

/// The command line of an action on `id` at version `seen`, as staff type it.
fn cli_args(a: Act, id: i64, seen: i64) -> Vec<String> {
    let id = id.to_string();
    let mut v: Vec<&str> = match a {
        Act::Claim => vec!["review", "claim", &id],
        Act::Release => vec!["review", "release", &id],
        Act::HandOver => vec!["review", "handover", &id, "--to", "tanaka"],
        Act::Check => vec!["review", "check", &id],
        Act::Return => vec!["review", "return", &id, "--reason", "1"],
        Act::Reject => vec!["review", "reject", &id, "--reason", "1"],
        Act::Approve => vec!["review", "approve", &id],
        Act::Visit => vec!["visit", "record", &id],
        Act::Comment => vec!["review", "comment", &id, "電話で確認しました"],
        Act::FollowUp => vec!["review", "follow-up", &id, "--date", "2026-12-20"],
        Act::Flag => vec!["visit", "flag", &id, "代表者に確認"],
    };
    let seen = seen.to_string();
    v.extend(["--seen", &seen]);
    v.into_iter().map(String::from).collect()
}

fn spawn(dir: &Path, who: &str, args: &[String]) -> std::process::Child {
    let pw = if who == "suzuki" {
        common::SUPERVISOR_PW
    } else {
        YAMADA_PW
    };
    Command::new(BIN)
        .arg("--db")
        .arg(dir.join("m.db"))
        .args(["--as", who])
        .args(args)
        .env("MADOGUCHI_PASSWORD", pw)
        .env("MADOGUCHI_CONFIG", dir.join("none.toml"))
        .env_remove("MADOGUCHI_NOW")
        .env_remove("MADOGUCHI_AS")
        .env_remove("MADOGUCHI_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The real binary: two processes per round, every pair of actions twice (each side first
/// once), and the reported pair (return by one, reject by the other) 20 times.
#[test]
fn r_rev_5_every_pair_of_actions_racing_in_two_processes_exactly_one_applies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut setup = office(&db);
    let tanaka = ctx_of(&setup, "tanaka");
    let mut pairs: Vec<(Act, Act)> = Vec::new();
    for (i, x) in ALL.iter().enumerate() {
        for y in &ALL[i..] {
            pairs.extend([(*x, *y), (*y, *x)]);
        }
    }
    pairs.extend(std::iter::repeat_n((Act::Return, Act::Reject), 20));
    let mut doubles = Vec::new();
    for (n, (x, y)) in pairs.iter().enumerate() {
        let id = item(&mut setup, 100_000 + n, (*x, *y), &tanaka);
        let seen = storage::review::rev(setup.conn(), id).unwrap().unwrap();
        let before = history_len(&setup, id);
        let a = spawn(dir.path(), "yamada", &cli_args(*x, id, seen));
        let b = spawn(dir.path(), "suzuki", &cli_args(*y, id, seen));
        let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        let applied = outs.iter().filter(|o| o.status.success()).count();
        for o in outs.iter().filter(|o| !o.status.success()) {
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                !err.contains("locked") && !err.contains("busy"),
                "{x:?}/{y:?}: a lock error reached the user: {err}"
            );
            assert_eq!(o.status.code(), Some(3), "{x:?}/{y:?}: {err}");
        }
        let written = history_len(&setup, id) - before;
        if applied != 1 || written != 1 {
            doubles.push(format!(
                "{x:?} (yamada) / {y:?} (suzuki): {applied} applied, {written} history rows: {}",
                outs.iter()
                    .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
    }
    eprintln!(
        "R-REV-5 processes: {} racing rounds, {} not exactly one",
        pairs.len(),
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
