//! SPEC §5 (issue 17): no byte from data reaches the terminal as a control sequence, on any
//! screen and in any CLI output. An office with every kind of data (accounts of both kinds,
//! imported establishments and offers, a registered one, comments, returns, mails sent, failed
//! and held, an ID change waiting, a closure, an import reject, audit rows) has ESC, CSI, OSC,
//! NUL, C1 controls, DEL, CR, tabs and bidi overrides written straight into every displayed
//! text column, as rows from an older version or another tool would hold them (entry refuses
//! them now). Then (a) every screen is drawn on a `TestBackend` and no cell may hold such a
//! character, and (b) every CLI command that prints data runs and its stdout and stderr may
//! hold no control character but the line break (CR LF in the CSV export, tabs only as the
//! listings' column separators) and no bidi override.
//!
//! Shared here: the hostile text and the office holding it; `screens` holds (a), `cli` holds (b).

mod cli;
mod screens;

use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use madoguchi::clock;
use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::ids::SubmissionId;
use madoguchi::domain::review::CHECKLIST;
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::r#gen::{GenOptions, generate, prepare_accounts};
use madoguchi::service::accounts::RegisterInput;
use madoguchi::service::{self, Ctx, import, review};
use madoguchi::storage::{self, Store};
use serde_json::Value;

use crate::common;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

/// Every kind of control string and invisible reordering a hostile row may hold.
const H: &str = "\u{1b}[31m赤\u{1b}]0;pwned\u{7}\u{1b}]52;c;ZXZpbA==\u{1b}\\\u{9b}2J\u{9d}8;;x\u{9c}\
                 \u{0}\u{85}\u{90}q\u{202e}反転\u{202a}\u{2066}\u{2069}\u{200f}\u{7f}\u{8}\r\n\t改行\u{1b}";

fn t0() -> DateTime<Utc> {
    clock::parse_rfc3339(common::NOW).expect("time")
}

fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

fn ctx(store: &Store, name: &str) -> Ctx {
    Ctx {
        staff_id: storage::staff::by_name(store.conn(), name)
            .expect("q")
            .expect("row")
            .id,
        staff_name: name.into(),
        terminal: "test".into(),
        now: t0(),
    }
}

const EMPLOYER: &str = "saiyou@yamada-kensetsu.co.jp";

const SEEKER: &str = "yamada.taro@example.ne.jp";

struct Office {
    dir: tempfile::TempDir,
    /// A submission of each kind, the registered establishment among them.
    items: Vec<SubmissionId>,
    mails: Vec<i64>,
}

/// Free-text keys of the stored establishment and offer payloads.
const PAYLOAD_TEXT: &[&str] = &[
    "name",
    "name_kana",
    "representative_title",
    "representative_name",
    "postal_code",
    "address",
    "phone",
    "corporate_number",
    "establishment_number",
    "title",
    "occupation_code",
    "other_text",
    "pr_message",
    "note_to_hello_work",
    "submission_id",
];

fn poison(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match x {
                    Value::String(s) if PAYLOAD_TEXT.contains(&k.as_str()) => s.push_str(H),
                    Value::Array(a) if k == "licences" => a.push(Value::from(H)),
                    _ => poison(x),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(poison),
        _ => {}
    }
}

/// The office, filled through the product, then poisoned behind its back.
fn office() -> Office {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    let (mut store, admin) = common::office(&db, true);
    service::staff::add(
        &mut store,
        &admin,
        "sato",
        "佐藤 三郎",
        &Roles::new(vec![Role::Auditor]),
    )
    .expect("auditor");
    let cfg = Config::default();
    let tanaka = ctx(&store, "tanaka");
    let suzuki = ctx(&store, "suzuki");
    // Counter registrations of both kinds.
    let reg = |kind, email: &str| RegisterInput {
        kind: Some(kind),
        email: email.into(),
        email_confirm: email.into(),
        birth_date: "1990-04-05".into(),
        name: "山田 太郎".into(),
        name_kana: "ヤマダ タロウ".into(),
        seeker_number: "13010-12345678".into(),
        ..RegisterInput::default()
    };
    service::accounts::register(
        &mut store,
        &cfg,
        &tanaka,
        &reg(AccountKind::Employer, EMPLOYER),
    )
    .expect("employer");
    service::accounts::register(&mut store, &cfg, &tanaka, &reg(AccountKind::Seeker, SEEKER))
        .expect("seeker");
    // Imported submissions of self-registered employers, and one reject.
    let o = GenOptions {
        establishments: 3,
        jobs: 4,
        accounts: 2,
        seed: 17,
        start: t0() - Duration::hours(2),
    };
    let keys = prepare_accounts(&mut store, admin.staff_id, &o).expect("accounts");
    let mut stream = Vec::new();
    generate(&o, &keys, &mut stream).expect("gen");
    stream.extend_from_slice(b"{\"event_id\": \"bad\", \"type\": \"job.submitted\"\n");
    let mut inputs = vec![import::Input {
        name: "events.jsonl".into(),
        size: None,
        reader: Box::new(std::io::Cursor::new(stream)),
    }];
    let s =
        import::import_events(&mut store, &cfg, None, t0(), &mut inputs, |_| {}).expect("import");
    assert_eq!(s.rejected, 1, "{:?}", s.rejects);
    let ids = |store: &Store, kind: &str| -> Vec<SubmissionId> {
        let mut st = store
            .conn()
            .prepare("SELECT id FROM submissions WHERE kind = ?1 ORDER BY id")
            .expect("q");
        st.query_map([kind], |r| r.get(0))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("ids")
    };
    let ests = ids(&store, "establishment");
    let jobs = ids(&store, "job");
    assert!(ests.len() >= 3 && jobs.len() >= 3, "{ests:?} {jobs:?}");
    // One establishment registered (checked, visited, approved), one returned, comments.
    let ticks: Vec<String> = CHECKLIST.iter().map(|c| c.code().to_string()).collect();
    let day = clock::jst_date(t0());
    review::check(&mut store, &tanaka, ests[0], &ticks, None).expect("check");
    review::record_visit(&mut store, &tanaka, ests[0], day, None).expect("visit");
    review::approve(&mut store, &cfg, &suzuki, ests[0], None).expect("approve");
    review::return_item(
        &mut store,
        &cfg,
        &tanaka,
        ests[1],
        "1",
        "賃金を確認してください",
        None,
    )
    .expect("return");
    review::comment(&mut store, &tanaka, jobs[0], "電話で確認しました", None).expect("comment");
    review::flag_visit(&mut store, &tanaka, jobs[1], "代表者に確認", None).expect("flag");
    review::claim(&mut store, &tanaka, jobs[2], None).expect("claim");
    // An ID change waiting for a supervisor; a closure.
    let mut four_eyes = Config::default();
    four_eyes.id_change.needs_supervisor = true;
    let employer = service::lookup::live_account_id(&store, EMPLOYER).expect("account");
    let check = madoguchi::domain::lookup::IdentityCheck::new(
        Some(madoguchi::domain::lookup::Document::DriversLicence),
        "末尾1234 一致",
    )
    .expect("check");
    service::lookup::change_email(
        &mut store,
        &four_eyes,
        &tanaka,
        "ID照会",
        employer,
        "jinji@yamada-kensetsu.co.jp",
        &check,
    )
    .expect("change");
    service::calendar::add_closure(
        &mut store,
        &admin,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("day"),
        "庁舎点検",
    )
    .expect("closure");
    drop(store);
    // Mail: every queued mail sent to the spool, then states and replies written as a server
    // that returned hostile text would leave them.
    let o = Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .args(["mail", "sync"])
        .env("MADOGUCHI_NOW", common::NOW)
        .env("MADOGUCHI_CONFIG", dir.path().join("none.toml"))
        .output()
        .expect("sync");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mut store = Store::open(&db).expect("open");
    let conn = store.conn();
    let mails: Vec<i64> = conn
        .prepare("SELECT id FROM outbox ORDER BY id")
        .expect("q")
        .query_map([], |r| r.get(0))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("mails");
    assert!(mails.len() >= 4, "{mails:?}");
    let n = |sql: &str| {
        conn.execute(sql, rusqlite::params![H])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    n("UPDATE staff SET display_name = display_name || ?1");
    n(
        "UPDATE accounts SET email = email || ?1, name = name || ?1, name_kana = name_kana || ?1, \
       establishment_number = establishment_number || ?1, seeker_number = seeker_number || ?1",
    );
    n(
        "UPDATE outbox SET to_addr = to_addr || ?1, subject = subject || ?1, \
       body = COALESCE(body, '') || ?1, last_reply = '550 5.7.1 ' || ?1",
    );
    conn.execute(
        "UPDATE outbox SET state = 'failed' WHERE id = ?1",
        [mails[0]],
    )
    .expect("failed");
    conn.execute("UPDATE outbox SET state = 'held' WHERE id = ?1", [mails[1]])
        .expect("held");
    n(
        "UPDATE establishments SET name = name || ?1, name_kana = name_kana || ?1, \
       representative_title = representative_title || ?1, \
       representative_name = representative_name || ?1, address = address || ?1, \
       phone = phone || ?1, postal_code = postal_code || ?1, \
       corporate_number = corporate_number || ?1, \
       establishment_number = establishment_number || ?1",
    );
    n(
        "UPDATE submissions SET display_name = display_name || ?1, external_id = external_id || ?1, \
       job_number = CASE WHEN job_number IS NULL THEN NULL ELSE job_number || ?1 END",
    );
    n(
        "UPDATE import_rejects SET file = file || ?1, event_id = event_id || ?1, \
       detail = detail || ?1, raw = raw || ?1",
    );
    n("UPDATE office_closures SET reason = reason || ?1");
    n("UPDATE submission_history SET detail = COALESCE(detail, '') || ?1");
    n("UPDATE submission_comments SET body = body || ?1");
    n(
        "UPDATE id_change_requests SET new_email = new_email || ?1, note = note || ?1, \
       purpose = purpose || ?1",
    );
    n("UPDATE settings SET value = value || ?1 WHERE key = 'office_name'");
    // The stored forms: every free-text field.
    let versions: Vec<(i64, i64, String)> = conn
        .prepare("SELECT submission_id, version, payload FROM submission_versions")
        .expect("q")
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                storage::payload::decode(r.get_ref(2)?).expect("payload"),
            ))
        })
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("versions");
    for (id, version, payload) in versions {
        let mut v: Value = serde_json::from_str(&payload).expect("json");
        poison(&mut v);
        conn.execute(
            "UPDATE submission_versions SET payload = ?1 WHERE submission_id = ?2 AND version = ?3",
            rusqlite::params![
                storage::payload::encode(&v.to_string()).expect("encode"),
                id,
                version
            ],
        )
        .expect("payload");
    }
    // Audit rows (append-only: appended, through the chain, as another tool would).
    let tx = store.immediate().expect("tx");
    for action in ["lookup.view", "account.view", "review.return", H] {
        storage::audit::append(
            &tx,
            &storage::audit::AuditEntry {
                at_utc: clock::to_db(t0()),
                staff_id: Some(tanaka.staff_id),
                staff_name: Some(format!("tanaka{H}")),
                staff_roles: Some(format!("counter{H}")),
                terminal: format!("pts/1 ssh:{H}"),
                action: action.into(),
                subject: Some(format!("account:{employer}{H}")),
                purpose: Some(format!("ID照会{H}")),
                outcome: format!("ok{H}"),
                detail: Some(format!("詳細{H}")),
            },
        )
        .expect("audit");
    }
    tx.commit().expect("commit");
    let mut items = ests;
    items.extend(jobs);
    Office { dir, items, mails }
}
