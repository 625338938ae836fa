//! The deadline sweep (R-DL-3, R-REV-6 reminder, R-MAIL-6) end to end: the search indexes after a
//! purge, the real `madoguchi sweep` across a deadline, a holiday and New Year, the withdrawn
//! accounts' 31 days, and several sweeps at once on one database.
//!
//! Shared here: employers with submissions and the clerk; the parts hold the tests by what they
//! check.

mod command;
mod concurrent;
mod search_index;

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use madoguchi::domain::establishment::Establishment;
use madoguchi::domain::ids::{AccountId, StaffId, SubmissionId};
use madoguchi::domain::submission::SubmissionKind;
use madoguchi::service::queue;
use madoguchi::storage::submissions::{JobFlags, NewSubmission};
use madoguchi::storage::{self, Store};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

fn t(s: &str) -> DateTime<Utc> {
    madoguchi::clock::parse_rfc3339(s).expect("time")
}

/// The counter clerk of `common::office`.
fn clerk(store: &Store) -> StaffId {
    storage::staff::by_name(store.conn(), "tanaka")
        .expect("q")
        .expect("tanaka")
        .id
}

/// An activated employer account `kigen{n}@example.co.jp` with one provisional establishment
/// called `name` (its kana and representative unique by `n`), its establishment submission and
/// `jobs` job submissions titled `{job}{j}`. Returns (account, submission ids).
#[allow(clippy::too_many_arguments)]
fn employer(
    store: &mut Store,
    clerk: StaffId,
    n: usize,
    name: &str,
    job: &str,
    deadline: &str,
    jobs: usize,
    now: DateTime<Utc>,
) -> (AccountId, Vec<SubmissionId>) {
    let tx = store.immediate().expect("tx");
    let acc = common::review::activated_employer(
        &tx,
        &format!("kigen{n}@example.co.jp"),
        clerk,
        deadline,
        now,
    );
    let e = Establishment {
        establishment_number: None,
        corporate_number: None,
        name: name.into(),
        name_kana: format!("キゲンギレショウジ{n}"),
        representative_title: "代表取締役".into(),
        representative_name: format!("期限花子{n}"),
        postal_code: "102-0072".into(),
        address: format!("東京都千代田区飯田橋期限町{n}丁目"),
        phone: "03-3812-8609".into(),
        dispatch_licence: false,
        employment_insurance: true,
    };
    let eid = storage::establishments::insert(&tx, &e, acc, now).expect("establishment");
    let payload = serde_json::to_string(&e).expect("json");
    let mk = |kind, ext: String, title: &str| {
        let id = storage::submissions::insert(
            &tx,
            &NewSubmission {
                external_id: &ext,
                kind,
                account_id: acc,
                establishment_id: Some(eid),
                display_name: title,
                deadline: Some(deadline),
                has_warnings: false,
                flags: JobFlags::default(),
                visit_reasons: &[],
            },
            now,
        )
        .expect("submission")
        .expect("a new submission id");
        storage::submissions::insert_version(&tx, id, 1, &payload, "[]", now, &format!("ev-{ext}"))
            .expect("version");
        id
    };
    let mut ids = vec![mk(SubmissionKind::Establishment, format!("KE{n}"), name)];
    for j in 0..jobs {
        ids.push(mk(
            SubmissionKind::Job,
            format!("KJ{n}-{j}"),
            &format!("{job}{j}"),
        ));
    }
    tx.commit().expect("commit");
    (acc, ids)
}

/// The search indexes as the TUI's background leaves them: caught up and merged.
fn build_search_index(store: &Store) {
    for _ in 0..1000 {
        queue::maintain_search(store).expect("maintain");
        let b = storage::queue::backlog(store.conn(), 10).expect("backlog");
        let segments: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM queue_search_deadline_data", [], |r| {
                r.get(0)
            })
            .expect("data");
        if b.rows() == 0 && segments > 0 {
            break;
        }
    }
}

/// The database file and its `-wal`, as bytes, followed by every version payload still
/// stored, decoded (payloads are kept compressed, so their text is not in the file's bytes).
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut b = std::fs::read(db).expect("db file");
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(w) = std::fs::read(Path::new(&wal)) {
        b.extend(w);
    }
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open read-only");
    let payloads: Vec<String> = conn
        .prepare("SELECT payload FROM submission_versions")
        .expect("prepare")
        .query_map([], |r| {
            Ok(madoguchi::storage::payload::decode(r.get_ref(0)?).expect("stored form"))
        })
        .expect("payloads")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    for p in payloads {
        b.extend(p.into_bytes());
    }
    b
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    hay.windows(n.len()).any(|w| w == n)
}

fn sweep_cmd(db: &Path, now: &str) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db")
        .arg(db)
        .args(["--json", "sweep"])
        .env("MADOGUCHI_NOW", now)
        .env(
            "MADOGUCHI_CONFIG",
            db.with_file_name("none.toml"), // missing: the defaults
        )
        .env_remove("MADOGUCHI_DB")
        .env_remove("MADOGUCHI_AS")
        .env_remove("MADOGUCHI_PASSWORD")
        .stdin(Stdio::null());
    c
}

fn n(v: &serde_json::Value, k: &str) -> i64 {
    v[k].as_i64().unwrap_or_else(|| panic!("{k} in {v}"))
}

/// Mails of a template queued to an account.
fn mails(store: &Store, acc: AccountId, template: &str) -> usize {
    storage::outbox::for_account(store.conn(), acc)
        .expect("outbox")
        .iter()
        .filter(|m| m.template == template)
        .count()
}

fn account_state(store: &Store, acc: AccountId) -> String {
    storage::accounts::by_id(store.conn(), acc)
        .expect("q")
        .expect("account")
        .state
        .code()
        .to_string()
}
