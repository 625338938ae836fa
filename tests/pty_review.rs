//! End-to-end review with two terminals (R-REV-1, R-REV-5, R-REV-6): a clerk checks a
//! provisional establishment in one terminal; a supervisor approves it in a second; the first
//! terminal's queue counts change by themselves (it polls `PRAGMA data_version`).

mod common;

use common::pty::Term;
use common::{CLERK_PW, NOW, SUPERVISOR_PW};
use madoguchi::config::Config;
use madoguchi::r#gen::{GenOptions, generate, prepare_accounts};
use madoguchi::service::import::{Input, import_events};

fn prepare(path: &std::path::Path) {
    let now = madoguchi::clock::parse_rfc3339(NOW).expect("time");
    let (mut store, admin) = common::office(path, true);
    // One activated employer with one provisional establishment, through the import path.
    let opts = GenOptions {
        establishments: 1,
        jobs: 0,
        accounts: 1,
        seed: 7,
        start: now - chrono::Duration::hours(2),
    };
    let accounts = prepare_accounts(&mut store, admin.staff_id, &opts).expect("accounts");
    let mut events = Vec::new();
    generate(&opts, &accounts, &mut events).expect("gen");
    let mut inputs = [Input {
        name: "gen".into(),
        reader: Box::new(std::io::Cursor::new(events)),
        size: None,
    }];
    let summary = import_events(
        &mut store,
        &Config::default(),
        None,
        now,
        &mut inputs,
        |_| {},
    )
    .expect("import");
    assert_eq!(summary.rejected, 0, "{:?}", summary.rejects);
}

fn sign_in(t: &mut Term, name: &str, pw: &str) {
    t.wait_for("職員ID");
    t.send(name);
    t.send("\t");
    t.send(pw);
    t.send("\r");
    t.wait_for("審査一覧");
}

#[test]
fn clerk_checks_supervisor_approves_and_the_clerks_queue_updates_by_itself() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    prepare(&db);

    let mut clerk = Term::start(&db);
    sign_in(&mut clerk, "tanaka", CLERK_PW);
    clerk.send("4"); // counter menu: 1 register, 2 account, 3 ID lookup, 4 queues
    clerk.wait_for("未担当 1");
    clerk.send("\r");
    // R-ID-5: the customer's first record this session asks why; Enter takes 本登録審査.
    clerk.wait_for("照会の目的");
    clerk.send("\r");
    clerk.wait_for("[仮登録]");
    clerk.send("c");
    // R-REV-1: the checklist starts unticked; `a` ticks every item, Enter records the check.
    clerk.wait_for("確認（チェックリスト）");
    clerk.send("a");
    clerk.send("\r");
    clerk.wait_for("[確認済]");
    clerk.send("\x1b");
    clerk.wait_for("確認済・承認待ち 1");

    let mut supervisor = Term::start(&db);
    sign_in(&mut supervisor, "suzuki", SUPERVISOR_PW);
    supervisor.send("4");
    supervisor.wait_for("確認済・承認待ち 1");
    supervisor.send("5");
    supervisor.send("\r");
    supervisor.wait_for("照会の目的");
    supervisor.send("\r");
    supervisor.wait_for("[確認済]");
    // R-VISIT-1: a self-registered account's establishment is registered at the office.
    supervisor.wait_for("来所して本登録");
    supervisor.send("v");
    supervisor.wait_for("本日の窓口来所を記録しますか");
    supervisor.send("y");
    supervisor.wait_for("来所記録: 2026-11-24");
    supervisor.send("a");
    supervisor.wait_for("本登録しますか");
    supervisor.send("y");
    supervisor.wait_for("[本登録]");

    // No key pressed in the clerk's terminal: its counts follow the supervisor's approval.
    clerk.wait_for("確認済・承認待ち 0");
    for t in [&mut clerk, &mut supervisor] {
        t.send("\x11"); // Ctrl-Q
        t.wait_for("終了しますか");
        t.send("y");
        assert!(t.wait_exit());
    }
}
