//! The review commands of the real binary (SPEC §2.3): `queue list --json`, `review claim`,
//! `review check`, `review reject`, `visit record`; each checked in the database afterwards,
//! and each with a refusal: its Japanese message and its exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use madoguchi::domain::ids::{StaffId, SubmissionId};
use madoguchi::domain::review::CHECKLIST;
use madoguchi::domain::submission::SubmissionState;
use madoguchi::storage::{self, Store};

use crate::common;

use common::{CLERK_PW, SUPERVISOR_PW};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");
/// `code::REFUSED` (a rule says no) and `code::DENIED` / `NOT_FOUND`.
const REFUSED: i32 = 3;
const DENIED: i32 = 4;

struct Office {
    dir: tempfile::TempDir,
    /// Tue 2026-11-24: overdue (11-20), due in 2 open days (11-26), in time (12-10).
    overdue: SubmissionId,
    soon: SubmissionId,
    later: SubmissionId,
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Office {
    fn db(&self) -> PathBuf {
        self.dir.path().join("m.db")
    }

    /// The binary as `who` (tanaka the counter clerk, suzuki the supervisor).
    fn run(&self, who: &str, args: &[&str]) -> Out {
        // R-REV-5: an action carries the versions of its items, as the clerk read them
        // (`review show`) just before.
        let mut args: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
        let acts = matches!(args.first().map(String::as_str), Some("review" | "visit"))
            && !matches!(args.get(1).map(String::as_str), Some("show" | "reasons"));
        if acts && !args.iter().any(|a| a == "--seen") {
            let store = self.store();
            let seen: Vec<String> = args[2..]
                .iter()
                .take_while(|a| !a.starts_with("--"))
                .filter_map(|a| a.parse::<SubmissionId>().ok())
                .map(|id| {
                    storage::review::rev(store.conn(), id)
                        .expect("rev")
                        .unwrap_or(0)
                        .to_string()
                })
                .collect();
            args.push("--seen".into());
            args.push(seen.join(","));
        }
        let pw = if who == "suzuki" {
            SUPERVISOR_PW
        } else {
            CLERK_PW
        };
        let o = Command::new(BIN)
            .arg("--db")
            .arg(self.db())
            .args(["--as", who])
            .args(&args)
            .env("MADOGUCHI_NOW", common::NOW)
            .env("MADOGUCHI_CONFIG", self.dir.path().join("none.toml"))
            .env("MADOGUCHI_PASSWORD", pw)
            .env_remove("MADOGUCHI_DB")
            .env_remove("MADOGUCHI_AS")
            .env_remove("MADOGUCHI_NEW_PASSWORD")
            .stdin(Stdio::null())
            .output()
            .expect("run");
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    fn ok(&self, who: &str, args: &[&str]) -> String {
        let o = self.run(who, args);
        assert_eq!(o.code, 0, "{args:?}: {}{}", o.stdout, o.stderr);
        o.stdout
    }

    fn store(&self) -> Store {
        Store::open(&self.db()).expect("open")
    }

    fn facts(&self, id: SubmissionId) -> storage::review::Facts {
        storage::review::facts(self.store().conn(), id)
            .expect("q")
            .expect("row")
    }

    fn staff_id(&self, name: &str) -> StaffId {
        storage::staff::by_name(self.store().conn(), name)
            .expect("q")
            .expect("row")
            .id
    }
}

/// Office 13010 with tanaka and suzuki, three provisional establishments of three customers.
fn office() -> Office {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, admin) = common::office(&dir.path().join("m.db"), true);
    let clerk = admin.staff_id;
    let overdue = common::review::submission(&mut store, 0, "2026-11-20", clerk, "[]");
    let soon = common::review::submission(&mut store, 1, "2026-11-26", clerk, "[]");
    let later = common::review::submission(&mut store, 2, "2026-12-10", clerk, "[]");
    drop(store);
    Office {
        dir,
        overdue,
        soon,
        later,
    }
}

fn queue(o: &Office, who: &str, q: &str) -> Vec<serde_json::Value> {
    let out = o.ok(who, &["queue", "list", "--queue", q, "--json"]);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn ids(lines: &[serde_json::Value]) -> Vec<SubmissionId> {
    lines
        .iter()
        .map(|l| SubmissionId(l["id"].as_i64().expect("id")))
        .collect()
}

fn check_items(db: &Path, id: SubmissionId) -> Option<Vec<String>> {
    let store = Store::open(db).expect("open");
    let version = storage::submissions::by_id(store.conn(), id)
        .expect("q")
        .expect("row")
        .current_version;
    storage::review::check_items(store.conn(), id, version)
        .expect("q")
        .map(|j| serde_json::from_str(&j).expect("json"))
}

#[test]
fn r_rev_6_cli_queue_list_unassigned_json_by_deadline_with_days_left() {
    let o = office();
    let lines = queue(&o, "tanaka", "unassigned");
    assert_eq!(ids(&lines), [o.overdue, o.soon, o.later], "deadline order");
    let first = &lines[0];
    assert_eq!(first["display_name"], "株式会社若葉不動産");
    assert_eq!(first["deadline"], "2026-11-20");
    assert_eq!(first["days_left"], -1);
    assert_eq!(first["urgency"], "overdue");
    assert_eq!(first["state"], "received");
    assert_eq!(first["kind"], "establishment");
    assert_eq!(first["external_id"], "E-0");
    assert!(first["assigned_staff"].is_null());
    assert_eq!(lines[1]["days_left"], 2);
    assert_eq!(lines[1]["urgency"], "soon");
    assert_eq!(queue(&o, "tanaka", "overdue").len(), 1);

    // An unknown queue is a usage error (exit 2), not an empty list.
    let bad = o.run("tanaka", &["queue", "list", "--queue", "nobody", "--json"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn r_rev_6_cli_review_claim_assigns_and_moves_the_item_to_mine() {
    let o = office();
    let out = o.ok("tanaka", &["review", "claim", &o.soon.to_string()]);
    assert!(out.contains(&format!("#{}", o.soon)), "{out}");
    assert_eq!(o.facts(o.soon).assigned_staff, Some(o.staff_id("tanaka")));
    assert_eq!(
        ids(&queue(&o, "tanaka", "unassigned")),
        [o.overdue, o.later]
    );
    let mine = queue(&o, "tanaka", "mine");
    assert_eq!(ids(&mine), [o.soon]);
    assert_eq!(mine[0]["assigned_name"], "田中 花子");

    // Refused: an item that does not exist (exit 4, Japanese message), nothing changed.
    let r = o.run("tanaka", &["review", "claim", "999"]);
    assert_eq!(r.code, DENIED, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("該当するものが見つかりません"),
        "{}",
        r.stderr
    );
    assert_eq!(queue(&o, "tanaka", "mine").len(), 1);
}

#[test]
fn r_rev_1_cli_review_check_needs_every_item_ticked() {
    let o = office();
    let id = o.overdue.to_string();
    // Two items ticked: refused (exit 3) with the field in Japanese; nothing recorded.
    let r = o.run(
        "tanaka",
        &["review", "check", &id, "--tick", "identity,conditions"],
    );
    assert_eq!(r.code, REFUSED, "{}{}", r.stdout, r.stderr);
    // The items not ticked, by name.
    for named in [
        "確認項目: 「法令違反・雇用関係でない内容がない」にチェックがありません",
        "確認項目: 「入力チェックの警告を確認した」にチェックがありません",
        "確認項目: 「連絡先（電話・担当者）を確認した」にチェックがありません",
    ] {
        assert!(r.stderr.contains(named), "{}", r.stderr);
    }
    assert!(!r.stderr.contains("「事業所の実在"), "{}", r.stderr);
    assert_eq!(o.facts(o.overdue).state, SubmissionState::Received);
    assert_eq!(o.facts(o.overdue).checked_by, None);
    assert_eq!(check_items(&o.db(), o.overdue), None);

    // Every item (the default): checked, by tanaka, the ticks stored.
    let out = o.ok("tanaka", &["review", "check", &id]);
    assert!(out.contains("確認済"), "{out}");
    let f = o.facts(o.overdue);
    assert_eq!(f.state, SubmissionState::Checked);
    assert_eq!(f.checked_by, Some(o.staff_id("tanaka")));
    let codes: Vec<String> = CHECKLIST.iter().map(|c| c.code().to_string()).collect();
    assert_eq!(check_items(&o.db(), o.overdue), Some(codes));
    assert_eq!(ids(&queue(&o, "tanaka", "checked")), [o.overdue]);

    // Checked already: a second check is told who did it and the state (R-REV-5).
    let again = o.run("tanaka", &["review", "check", &id]);
    assert_eq!(again.code, REFUSED, "{}", again.stderr);
    assert!(
        again
            .stderr
            .contains("田中 花子さんが先に処理しました（現在の状態: 確認済）"),
        "{}",
        again.stderr
    );
}

#[test]
fn r_rev_1_cli_the_checker_cannot_approve_four_eyes() {
    let o = office();
    let id = o.later.to_string();
    o.ok("suzuki", &["review", "check", &id]);
    let r = o.run("suzuki", &["review", "approve", &id]);
    assert_eq!(r.code, REFUSED, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("確認した職員は本登録できません（二者確認）"),
        "{}",
        r.stderr
    );
    let f = o.facts(o.later);
    assert_eq!(f.state, SubmissionState::Checked);
    // A counter clerk may not approve at all (supervisor only).
    let r = o.run("tanaka", &["review", "approve", &id]);
    assert_eq!(r.code, DENIED, "{}", r.stdout);
    assert!(r.stderr.contains("権限がありません"), "{}", r.stderr);
    assert_eq!(o.facts(o.later).state, SubmissionState::Checked);
}

#[test]
fn r_rev_2_cli_review_reject_with_a_listed_reason_mails_the_employer() {
    let o = office();
    let id = o.soon.to_string();
    let mails_before = storage::outbox::counts(o.store().conn())
        .expect("counts")
        .iter()
        .map(|c| c.1)
        .sum::<i64>();
    // A counter clerk may not reject (supervisor only): exit 4, in Japanese.
    let r = o.run("tanaka", &["review", "reject", &id, "--reason", "2"]);
    assert_eq!(r.code, DENIED, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("権限がありません"), "{}", r.stderr);
    // A reason not in the list: refused, nothing changed.
    let r = o.run("suzuki", &["review", "reject", &id, "--reason", "99"]);
    assert_eq!(r.code, REFUSED, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("理由: 入力内容が正しくありません"),
        "{}",
        r.stderr
    );
    assert_eq!(o.facts(o.soon).state, SubmissionState::Received);

    let out = o.ok(
        "suzuki",
        &[
            "review",
            "reject",
            &id,
            "--reason",
            "2",
            "--text",
            "業務委託契約のため",
        ],
    );
    assert!(out.contains("不受理"), "{out}");
    assert_eq!(o.facts(o.soon).state, SubmissionState::Rejected);
    let store = o.store();
    let history = storage::review::history(store.conn(), o.soon).expect("history");
    let reject = history
        .iter()
        .find(|h| h.action == "reject")
        .expect("a reject row");
    let detail = reject.detail.clone().unwrap_or_default();
    assert!(
        detail.contains("雇用関係ではありません（業務委託・請負等）"),
        "{detail}"
    );
    let mails_after = storage::outbox::counts(store.conn())
        .expect("counts")
        .iter()
        .map(|c| c.1)
        .sum::<i64>();
    assert_eq!(mails_after, mails_before + 1, "the employer is mailed");
}

#[test]
fn r_visit_1_cli_visit_record_stores_today_in_japan() {
    let o = office();
    let id = o.overdue.to_string();
    let out = o.ok("tanaka", &["visit", "record", &id]);
    assert!(out.contains(&format!("#{}", o.overdue)), "{out}");
    assert_eq!(
        o.facts(o.overdue).visit_date.as_deref(),
        Some("2026-11-24"),
        "MADOGUCHI_NOW 10:30 JST"
    );
    o.ok("tanaka", &["visit", "record", &id, "--date", "2026-11-20"]);
    assert_eq!(o.facts(o.overdue).visit_date.as_deref(), Some("2026-11-20"));
    // Refused: an item that does not exist (exit 4, Japanese message).
    let r = o.run("tanaka", &["visit", "record", "999"]);
    assert_eq!(r.code, DENIED, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("該当するものが見つかりません"),
        "{}",
        r.stderr
    );
}

/// Issue 19 item 2: `review show` in English names an establishment's check boxes in English,
/// and in Japanese as before.
#[test]
fn i18n_cli_review_show_in_english_has_no_japanese_flags() {
    let o = office();
    let id = o.soon.to_string();
    let en = o.ok("tanaka", &["--lang", "en", "review", "show", &id]);
    assert!(en.contains("  dispatch_licence: no\n"), "{en}");
    assert!(en.contains("  employment_insurance: yes\n"), "{en}");
    assert!(!en.contains("あり") && !en.contains("なし"), "{en}");
    let ja = o.ok("tanaka", &["review", "show", &id]);
    assert!(ja.contains("  dispatch_licence: なし\n"), "{ja}");
    assert!(ja.contains("  employment_insurance: あり\n"), "{ja}");
}
