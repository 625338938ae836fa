//! R-REV-5 racing rounds, shared by `tests/review_race.rs` and benches/race.rs: the eleven
//! review actions, an office where two supervisors may take any of them, an item on which both
//! actions of a pair can apply as far as may be, and one round: both actions started together
//! on the version both saw, in two threads (the service layer, as the TUI calls it) or in two
//! processes of the real binary (the CLI).
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Barrier;

use madoguchi::config::Config;
use madoguchi::domain::ids::SubmissionId;
use madoguchi::domain::review::CHECKLIST;
use madoguchi::domain::staff::Role;
use madoguchi::service::{self, Ctx, ServiceError, review};
use madoguchi::storage::{self, Store};

pub const YAMADA_PW: &str = "shounin-yamada-pw-2026";
pub const DEADLINE: &str = "2099-12-28";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
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

pub const ALL: [Act; 11] = [
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

pub fn ticks() -> Vec<String> {
    CHECKLIST.iter().map(|c| c.code().to_string()).collect()
}

pub fn now() -> chrono::DateTime<chrono::Utc> {
    madoguchi::clock::parse_rfc3339(super::NOW).unwrap()
}

pub fn ctx_of(store: &Store, name: &str) -> Ctx {
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
pub fn office(db: &Path) -> Store {
    super::office_builder(true)
        .staff(
            "yamada",
            "山田 次郎",
            &[Role::Supervisor, Role::Counter],
            YAMADA_PW,
        )
        .build_at(db)
        .store
}

pub fn act(
    store: &mut Store,
    cfg: &Config,
    who: &Ctx,
    a: Act,
    id: SubmissionId,
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
pub fn item(store: &mut Store, n: usize, pair: (Act, Act), tanaka: &Ctx) -> SubmissionId {
    let id = super::review::submission(store, n, DEADLINE, tanaka.staff_id, "[]");
    let has = |a: Act| pair.0 == a || pair.1 == a;
    if !has(Act::Check) {
        review::check(store, tanaka, id, &ticks(), None).unwrap();
    }
    if has(Act::Release) || has(Act::HandOver) {
        review::claim(store, tanaka, id, None).unwrap();
    }
    id
}

pub fn history_len(store: &Store, id: SubmissionId) -> usize {
    storage::review::history(store.conn(), id).unwrap().len()
}

pub const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

/// The command line of an action on `id` at version `seen`, as staff type it.
pub fn cli_args(a: Act, id: SubmissionId, seen: i64) -> Vec<String> {
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

pub fn spawn(dir: &Path, who: &str, args: &[String]) -> std::process::Child {
    let pw = if who == "suzuki" {
        super::SUPERVISOR_PW
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

/// One round's outcome: how many actions applied and how many history rows were written.
pub struct Round {
    pub applied: usize,
    pub written: usize,
    pub detail: String,
}

impl Round {
    /// Exactly one action applied, once (R-REV-5).
    pub fn exactly_one(&self) -> bool {
        self.applied == 1 && self.written == 1
    }
}

/// Two threads, each with its own connection, released together on `id` at version `seen`:
/// yamada takes `first`, suzuki `second`. A refusal must be by state (acted first).
#[allow(clippy::too_many_arguments)]
pub fn race_threads(
    setup: &Store,
    stores: (&mut Store, &mut Store),
    cfg: &Config,
    who: (&Ctx, &Ctx),
    first: Act,
    second: Act,
    id: SubmissionId,
) -> Round {
    let seen = storage::review::rev(setup.conn(), id).unwrap().unwrap();
    let before = history_len(setup, id);
    let state_before = storage::review::facts(setup.conn(), id)
        .unwrap()
        .unwrap()
        .state;
    let gate = Barrier::new(2);
    let (a_store, b_store) = stores;
    let (ra, rb) = std::thread::scope(|s| {
        let ha = s.spawn(|| {
            gate.wait();
            act(a_store, cfg, who.0, first, id, seen)
        });
        let hb = s.spawn(|| {
            gate.wait();
            act(b_store, cfg, who.1, second, id, seen)
        });
        (ha.join().unwrap(), hb.join().unwrap())
    });
    for r in [&ra, &rb] {
        if let Err(e) = r {
            assert!(
                matches!(e, ServiceError::Refused(_)),
                "{first:?} / {second:?}: refused otherwise than by state: {e:?}"
            );
        }
    }
    let applied = usize::from(ra.is_ok()) + usize::from(rb.is_ok());
    let written = history_len(setup, id) - before;
    Round {
        applied,
        written,
        detail: format!(
            "{first:?} (yamada) / {second:?} (suzuki) from {state_before:?}: {ra:?} {rb:?}, {written} history rows"
        ),
    }
}

/// Two processes of the real binary on `id` at the version `setup` reads: yamada runs `x`,
/// suzuki `y`. A refusal must say so (exit 3), never "database is locked".
pub fn race_processes(dir: &Path, setup: &Store, x: Act, y: Act, id: SubmissionId) -> Round {
    let seen = storage::review::rev(setup.conn(), id).unwrap().unwrap();
    let before = history_len(setup, id);
    let a = spawn(dir, "yamada", &cli_args(x, id, seen));
    let b = spawn(dir, "suzuki", &cli_args(y, id, seen));
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
    let written = history_len(setup, id) - before;
    Round {
        applied,
        written,
        detail: format!(
            "{x:?} (yamada) / {y:?} (suzuki): {applied} applied, {written} history rows: {}",
            outs.iter()
                .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
                .collect::<Vec<_>>()
                .join(" | ")
        ),
    }
}

/// The 66 unordered pairs of the eleven actions (an action with itself included).
pub fn pairs() -> Vec<(Act, Act)> {
    let mut v = Vec::new();
    for (i, x) in ALL.iter().enumerate() {
        for y in &ALL[i..] {
            v.push((*x, *y));
        }
    }
    v
}
