//! Interchange events: lines mutated from valid templates (the example file and a `gen`
//! stream), the import's line path without a database, and batches imported into one.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::Value;

use crate::common;
use crate::pieces::{PIECES, input, near};

/// Valid event lines: the example file and a `gen` stream (set up in `main`).
static TEMPLATES: OnceLock<Vec<Value>> = OnceLock::new();
/// A database the `gen` stream's accounts live in, copied afresh by the import target.
static TEMPLATE_DB: OnceLock<PathBuf> = OnceLock::new();

pub(crate) fn templates() -> &'static [Value] {
    TEMPLATES.get().map_or(&[], Vec::as_slice)
}

/// A random JSON value of any type, strings made of pieces.
pub(crate) fn random_value(rng: &mut StdRng) -> Value {
    match rng.random_range(0..10) {
        0 => Value::Null,
        1 => Value::Bool(rng.random()),
        2 => {
            let n: [i64; 8] = [0, -1, 1, 366, 999, i64::MAX, i64::MIN, 1_000_000_000];
            Value::from(n[rng.random_range(0..n.len())])
        }
        3 => Value::from([0.5, 1e308, -0.0, 2.555][rng.random_range(0..4)]),
        4 => Value::Array(
            (0..rng.random_range(0..4))
                .map(|_| Value::from(input(rng)))
                .collect(),
        ),
        5 => Value::Object(serde_json::Map::new()),
        _ => Value::from(input(rng)),
    }
}

/// Every JSON pointer of `v`.
pub(crate) fn pointers(v: &Value, at: &str, out: &mut Vec<String>) {
    out.push(at.to_string());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                pointers(x, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

const KEYS: &[&str] = &[
    "event_id",
    "occurred_at",
    "type",
    "email",
    "kind",
    "auth_key",
    "birth_date",
    "submission_id",
    "reason",
    "extra",
];

/// One event line: a template with some values changed, removed or added, then now and then
/// cut, spliced or made invalid UTF-8.
pub(crate) fn event_line(rng: &mut StdRng) -> Vec<u8> {
    let t = templates();
    if t.is_empty() || rng.random_range(0..20) == 0 {
        return input(rng).into_bytes();
    }
    let mut v = t[rng.random_range(0..t.len())].clone();
    for _ in 0..rng.random_range(0..5) {
        let mut ps = Vec::new();
        pointers(&v, "", &mut ps);
        let p = &ps[rng.random_range(0..ps.len())];
        let Some(node) = v.pointer_mut(p) else {
            continue;
        };
        match (rng.random_range(0..6), node) {
            (0, Value::Object(m)) if !m.is_empty() => {
                let k = m.keys().nth(rng.random_range(0..m.len())).unwrap().clone();
                m.remove(&k);
            }
            (1, Value::Object(m)) => {
                m.insert(
                    KEYS[rng.random_range(0..KEYS.len())].into(),
                    random_value(rng),
                );
            }
            (2, Value::String(s)) => *s = near(rng, &[s.as_str()]),
            (_, node) if !p.is_empty() => *node = random_value(rng),
            _ => {}
        }
    }
    let mut b = serde_json::to_vec(&v).unwrap();
    match rng.random_range(0..12) {
        0 => b.truncate(rng.random_range(0..=b.len())),
        1 => {
            let at = rng.random_range(0..=b.len());
            let p = PIECES[rng.random_range(0..PIECES.len())].as_bytes();
            b.splice(at..at, p.iter().copied());
        }
        2 => {
            let at = rng.random_range(0..=b.len());
            b.splice(at..at, [0xff, 0xc3, 0x28]);
        }
        3 => b.extend(std::iter::repeat_n(b' ', rng.random_range(0..70_000))),
        _ => {}
    }
    b
}

/// The bundled minimum wage table, read once.
pub(crate) fn minimum_wage() -> &'static madoguchi::domain::minwage::MinimumWageTable {
    static T: OnceLock<madoguchi::domain::minwage::MinimumWageTable> = OnceLock::new();
    T.get_or_init(|| madoguchi::domain::minwage::MinimumWageTable::bundled().unwrap())
}

/// The part of the import that needs no database, as `service::import` prepares a line on its
/// parsing threads: parse, the address, the key, the field rules, the payload as stored, and
/// every finding and reject worded for staff.
pub(crate) fn import_line(b: &[u8]) {
    use madoguchi::domain::interchange::{EventBody, parse_line};
    use madoguchi::domain::{authkey, email, validate};
    use madoguchi::i18n::{Lang, cli, findings};
    let ev = match parse_line(b) {
        Ok(ev) => ev,
        Err(e) => {
            for lang in [Lang::Ja, Lang::En] {
                let _ = cli::reject_reason(lang, e.code);
            }
            let _ = madoguchi::domain::interchange::truncate_raw(b, 200);
            return;
        }
    };
    let _ = email::lookup_key(ev.body.email());
    let _ = ev.to_json_line();
    let on = validate::JobCheck {
        date: madoguchi::clock::to_jst(ev.occurred_at).date_naive(),
        minimum_wage: minimum_wage(),
        office_prefecture: Some(13),
    };
    let (json, found) = match &ev.body {
        EventBody::AccountSelfRegistered { email } => {
            let _ = email::Email::parse(email);
            return;
        }
        EventBody::AccountActivated { auth_key, .. } => {
            let _ = authkey::normalize_input(auth_key);
            return;
        }
        EventBody::EstablishmentSubmitted { establishment, .. } => {
            let (n, f) = validate::check_establishment(establishment);
            (serde_json::to_string(&n).unwrap(), f)
        }
        EventBody::JobSubmitted { job, .. } | EventBody::JobResubmitted { job, .. } => {
            let (n, f) = validate::check_job(job, &on);
            (serde_json::to_string(&n).unwrap(), f)
        }
        _ => return,
    };
    let stored = madoguchi::storage::payload::encode(&json).unwrap();
    let back =
        madoguchi::storage::payload::decode(rusqlite::types::ValueRef::Blob(&stored)).unwrap();
    assert_eq!(back, json, "the payload reads back as written");
    let fj = madoguchi::service::import::findings_json(&found);
    for lang in [Lang::Ja, Lang::En] {
        for f in &found {
            let _ = findings::finding_message(lang, f);
        }
        let _ = findings::validation_detail(lang, &fj);
    }
}

/// One batch of event lines.
pub(crate) fn event_batch(rng: &mut StdRng) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.random_range(1..40) {
        out.extend(event_line(rng));
        out.push(b'\n');
    }
    out
}

struct ImportDb {
    _dir: tempfile::TempDir,
    store: madoguchi::storage::Store,
    made: Instant,
}

thread_local! {
    static IMPORT_DB: RefCell<Option<ImportDb>> = const { RefCell::new(None) };
}

/// A copy of the template database (its accounts, their keys, the install secret).
fn fresh_import_db() -> ImportDb {
    let dir = tempfile::tempdir().unwrap();
    let from = TEMPLATE_DB.get().unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let store = madoguchi::storage::Store::open(&dir.path().join("t.db")).unwrap();
    ImportDb {
        _dir: dir,
        store,
        made: Instant::now(),
    }
}

/// A batch imported into a real database, the rejects worded for staff. The database is made
/// afresh every minute, so it does not fill the disk.
pub(crate) fn import_into_db(b: &[u8]) {
    use madoguchi::service::import;
    IMPORT_DB.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell
            .as_ref()
            .is_none_or(|d| d.made.elapsed() > Duration::from_mins(1))
        {
            *cell = Some(fresh_import_db());
        }
        let db = cell.as_mut().unwrap();
        let mut inputs = vec![import::Input {
            name: "fuzz.jsonl".into(),
            size: Some(b.len() as u64),
            reader: Box::new(std::io::Cursor::new(b.to_vec())),
        }];
        let now = madoguchi::clock::parse_rfc3339("2026-04-07T00:00:00Z").unwrap();
        let cfg = madoguchi::config::Config::default();
        let s = import::import_events(&mut db.store, &cfg, None, now, &mut inputs, |_| {})
            .expect("an import fails only when the database does");
        for r in &s.rejects {
            let _ = madoguchi::i18n::cli::reject_reason(madoguchi::i18n::Lang::Ja, &r.reason);
            let shown = madoguchi::domain::text::sanitize(&r.detail, false);
            assert!(!shown.chars().any(char::is_control), "{shown:?}");
        }
    });
}

/// The template database and event lines: an office, 20 key-pending accounts, and a `gen`
/// stream of their activations, establishments, offers and withdrawals.
pub(crate) fn prepare() -> tempfile::TempDir {
    use madoguchi::r#gen::{GenOptions, generate, prepare_accounts};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let start = madoguchi::clock::parse_rfc3339("2026-04-06T00:30:00Z").unwrap();
    let mut templates: Vec<Value> = include_str!("../../assets/examples/events.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    {
        let mut store = madoguchi::storage::Store::open(&path).unwrap();
        let admin = common::office(&mut store, start);
        let o = GenOptions {
            establishments: 30,
            jobs: 120,
            accounts: 20,
            seed: 7,
            start,
        };
        let keys = prepare_accounts(&mut store, admin, &o).unwrap();
        let mut out = Vec::new();
        generate(&o, &keys, &mut out).unwrap();
        templates.extend(
            out.split(|&b| b == b'\n')
                .filter_map(|l| serde_json::from_slice::<Value>(l).ok()),
        );
    }
    TEMPLATES.set(templates).unwrap();
    TEMPLATE_DB.set(dir.path().to_path_buf()).unwrap();
    dir
}
