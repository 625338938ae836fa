//! Fuzzing every parser that takes outside input (issue 17, "go further"): interchange lines and
//! the whole import line path (parse, field rules, payload; and the same lines imported into a
//! database), the configuration file, every form field's rule (counter registration, the
//! establishment and job-offer fields, the staff admin fields, closure reasons, the ID-change
//! and identity-check fields, review texts, lookup keys), typed dates, e-mail addresses, kana,
//! numbers, auth keys, the SMTP replies the outbox stores, the command line, the calendar and
//! minimum-wage tables an office updates, the SSH identity, mail templates filled with
//! outside text, and the terminal sanitiser.
//!
//! Inputs are built from pieces that reach the parsers' edges (JSON fragments, full-width and
//! half-width forms, era names, control characters, bidi overrides, very long runs); structured
//! targets mutate valid samples (the example interchange file and a `gen` stream) field by field
//! and byte by byte. Every target runs on its own thread for `FUZZ_SECONDS` of wall time (600 in
//! a benchmark run, so a full run takes about ten minutes; 1 as the smoke test the test runner
//! runs), and any panic is a failure.
//!
//! Run: `FUZZ_SECONDS=600 cargo bench --bench fuzz`.
#![allow(clippy::unwrap_used)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use madoguchi::domain::mask;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

/// Pieces that inputs are made of: the characters parsers treat specially.
const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "\\",
    "\\u0000",
    "\\u001b[2J",
    "\\ud800",
    "\u{1b}",
    "\u{1b}[31m",
    "\u{1b}]0;title\u{7}",
    "\u{9b}2J",
    "\u{85}",
    "\u{0}",
    "\u{7}",
    "\u{8}",
    "\u{7f}",
    "\u{202a}",
    "\u{202e}",
    "\u{2066}",
    "\u{2069}",
    "\u{200b}",
    "\u{feff}",
    "\u{2028}",
    "\u{3099}",
    "\u{ff9e}",
    "\r",
    "\n",
    "\r\n",
    "\t",
    " ",
    "　",
    "-",
    "ー",
    "－",
    "‐",
    "―",
    "・",
    "･",
    "ﾞ",
    "ﾟ",
    "ｶ",
    "ガ",
    "が",
    "ア",
    "ゔ",
    "漢",
    "𠮷",
    "1",
    "１",
    "0",
    "9",
    "９",
    "/",
    "年",
    "月",
    "日",
    "H",
    "R",
    "S",
    "T",
    "M",
    "平成",
    "令和",
    "昭和",
    "元",
    ".",
    "@",
    "＠",
    "..",
    "a",
    "Z",
    "é",
    "😀",
    "null",
    "true",
    "12345678901234567890",
    "-1",
    "1e400",
    "\"event_id\":\"x\"",
    "\"occurred_at\":\"2026-04-01T10:00:00+09:00\"",
    "\"type\":\"job.submitted\"",
    "\"type\":\"password.requested\"",
    "\"type\":\"account.self_registered\"",
    "\"email\":\"a@b.co\"",
    "\"job\":{",
    "\"establishment\":{",
    "\"wage\":{\"kind\":\"hourly\",\"min\":",
    "\"birth_date\":\"",
    "[office]",
    "[smtp]",
    "[mail]",
    "[review]",
    "code = ",
    "name = \"",
    "host = \"",
    "port = 99999",
    "=",
    "#",
    "permanent error (",
    "transient error (",
    "550",
    "452",
    "5.7.1",
    "(os error 11)",
    "spooled ",
    "publickey ",
    "ssh-ed25519 ",
    "AAAAC3NzaC1lZDI1NTE5AAAA",
    "ssh:",
    "192.0.2.1 5555 22",
    "--",
    "--as",
    "--json",
    "--db",
    "date,name",
];

/// A random text made of [`PIECES`], now and then very long.
fn input(rng: &mut StdRng) -> String {
    let n = match rng.random_range(0..10) {
        0 => rng.random_range(200..4000),
        _ => rng.random_range(0..40),
    };
    (0..n)
        .map(|_| PIECES[rng.random_range(0..PIECES.len())])
        .collect()
}

/// A value near one of `good`: as it is, with pieces put in or cut out, or any random text.
fn near(rng: &mut StdRng, good: &[&str]) -> String {
    if good.is_empty() || rng.random_range(0..4) == 0 {
        return input(rng);
    }
    let mut s: Vec<char> = good[rng.random_range(0..good.len())].chars().collect();
    for _ in 0..rng.random_range(0..4) {
        let at = rng.random_range(0..=s.len());
        match rng.random_range(0..3) {
            0 => {
                let p: Vec<char> = PIECES[rng.random_range(0..PIECES.len())].chars().collect();
                s.splice(at..at, p);
            }
            1 if at < s.len() => {
                let end = rng.random_range(at..=s.len());
                s.drain(at..end);
            }
            _ => {
                let c = s.get(at).copied().unwrap_or('x');
                s.splice(at..at, std::iter::repeat_n(c, rng.random_range(1..200)));
            }
        }
    }
    s.into_iter().collect()
}

/// Fields of one form input, joined by U+001E (no piece holds it).
const SEP: char = '\u{1e}';

fn fields(s: &str) -> Vec<&str> {
    s.split(SEP).collect()
}

fn join(v: &[String]) -> Vec<u8> {
    v.join(&SEP.to_string()).into_bytes()
}

// --- interchange events -------------------------------------------------------------------

/// Valid event lines: the example file and a `gen` stream (set up in `main`).
static TEMPLATES: OnceLock<Vec<Value>> = OnceLock::new();
/// A database the `gen` stream's accounts live in, copied afresh by the import target.
static TEMPLATE_DB: OnceLock<PathBuf> = OnceLock::new();

fn templates() -> &'static [Value] {
    TEMPLATES.get().map_or(&[], Vec::as_slice)
}

/// A random JSON value of any type, strings made of pieces.
fn random_value(rng: &mut StdRng) -> Value {
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
fn pointers(v: &Value, at: &str, out: &mut Vec<String>) {
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
fn event_line(rng: &mut StdRng) -> Vec<u8> {
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
fn minimum_wage() -> &'static madoguchi::domain::minwage::MinimumWageTable {
    static T: OnceLock<madoguchi::domain::minwage::MinimumWageTable> = OnceLock::new();
    T.get_or_init(|| madoguchi::domain::minwage::MinimumWageTable::bundled().unwrap())
}

/// The part of the import that needs no database, as `service::import` prepares a line on its
/// parsing threads: parse, the address, the key, the field rules, the payload as stored, and
/// every finding and reject worded for staff.
fn import_line(b: &[u8]) {
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
fn event_batch(rng: &mut StdRng) -> Vec<u8> {
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
fn import_into_db(b: &[u8]) {
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

// --- forms ----------------------------------------------------------------------------------

const EMAILS: &[&str] = &[
    "saiyou@yamada-kensetsu.co.jp",
    "Taro.Yamada@Example.CO.JP",
    "taro..yamada@docomo.ne.jp",
    "hanako.@ezweb.ne.jp",
    "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
    "a@b",
];
const DATES: &[&str] = &[
    "1990-04-05",
    "1990/4/5",
    "平成2年4月5日",
    "H2.4.5",
    "１９９０年４月５日",
    "令和元年5月1日",
    "S64.1.7",
];
const NUMBERS: &[&str] = &[
    "1301-999999-9",
    "13010-12345678",
    "９２３４５６７８９０１２３",
    "100-0005",
    "03-1234-5678",
    "090‐1234‐5678",
];
const NAMES: &[&str] = &[
    "山田 太郎",
    "株式会社　さくら商事",
    "ﾔﾏﾀﾞ ﾀﾛｳ",
    "やまだ たろう",
    "ヤマダ・タロー",
];

/// The counter registration form (R-REG-1..3, SPEC §5), employer and job seeker, every issue
/// worded in both languages.
fn gen_register(rng: &mut StdRng) -> Vec<u8> {
    let e = near(rng, EMAILS);
    let confirm = if rng.random() {
        e.clone()
    } else {
        near(rng, EMAILS)
    };
    join(&[
        rng.random_range(0..3).to_string(),
        e,
        confirm,
        near(rng, NUMBERS),
        near(rng, DATES),
        near(rng, NAMES),
        near(rng, NAMES),
        near(rng, NUMBERS),
    ])
}

fn register_form(b: &[u8]) {
    use madoguchi::domain::account::AccountKind;
    use madoguchi::service::accounts::{RegisterInput, form_issues};
    let s = std::str::from_utf8(b).unwrap();
    let f = fields(s);
    let input = RegisterInput {
        kind: match f[0] {
            "0" => Some(AccountKind::Employer),
            "1" => Some(AccountKind::Seeker),
            _ => None,
        },
        email: f[1].into(),
        email_confirm: f[2].into(),
        establishment_number: f[3].into(),
        birth_date: f[4].into(),
        name: f[5].into(),
        name_kana: f[6].into(),
        seeker_number: f[7].into(),
        accept_warnings: false,
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let issues = form_issues(&input, &madoguchi::config::Config::default(), today);
    words(&issues);
}

/// Every issue worded in both languages, and no control character in the words.
fn words(issues: &[madoguchi::service::FieldIssue]) {
    for lang in [madoguchi::i18n::Lang::Ja, madoguchi::i18n::Lang::En] {
        for i in issues {
            let m = madoguchi::i18n::cli::issue_message(lang, i);
            assert!(
                !m.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "a message echoes a control character: {m:?}"
            );
        }
    }
}

/// The establishment form's fields (SPEC §5), from a mutated sample or typed text in every
/// field.
fn gen_establishment(rng: &mut StdRng) -> Vec<u8> {
    if rng.random() {
        let t = templates();
        let est: Vec<&Value> = t
            .iter()
            .filter_map(|v| v.get("establishment"))
            .filter(|v| v.is_object())
            .collect();
        if !est.is_empty() {
            let mut v = est[rng.random_range(0..est.len())].clone();
            let keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            for _ in 0..rng.random_range(1..4) {
                let k = &keys[rng.random_range(0..keys.len())];
                v[k] = if rng.random_range(0..3) == 0 {
                    random_value(rng)
                } else {
                    Value::from(near(rng, &[v[k].as_str().unwrap_or("")]))
                };
            }
            return serde_json::to_vec(&v).unwrap();
        }
    }
    let mut v = Vec::new();
    for good in [
        NUMBERS, NUMBERS, NAMES, NAMES, NAMES, NAMES, NUMBERS, NAMES, NUMBERS,
    ] {
        v.push(near(rng, good));
    }
    let mut b = join(&v);
    b.insert(0, b'|');
    b
}

fn establishment_form(b: &[u8]) {
    use madoguchi::domain::establishment::Establishment;
    let e: Establishment = if let Some(rest) = b.strip_prefix(b"|") {
        let s = std::str::from_utf8(rest).unwrap();
        let f = fields(s);
        let opt = |x: &str| (!x.is_empty()).then(|| x.to_string());
        Establishment {
            establishment_number: opt(f[0]),
            corporate_number: opt(f[1]),
            name: f[2].into(),
            name_kana: f[3].into(),
            representative_title: f[4].into(),
            representative_name: f[5].into(),
            postal_code: f[6].into(),
            address: f[7].into(),
            phone: f[8].into(),
            dispatch_licence: s.len().is_multiple_of(2),
            employment_insurance: s.len().is_multiple_of(3),
        }
    } else {
        match serde_json::from_slice(b) {
            Ok(e) => e,
            Err(_) => return,
        }
    };
    let (n, found) = madoguchi::domain::validate::check_establishment(&e);
    let _ = n.fields();
    let _ = madoguchi::domain::establishment::diff(&e, &n);
    for f in &found {
        let _ = madoguchi::i18n::findings::finding_message(madoguchi::i18n::Lang::Ja, f);
    }
}

/// The job-offer form's fields (SPEC §5, minimum wage): a mutated sample offer.
fn gen_job(rng: &mut StdRng) -> Vec<u8> {
    let t = templates();
    let jobs: Vec<&Value> = t
        .iter()
        .filter_map(|v| v.get("job"))
        .filter(|v| v.is_object())
        .collect();
    if jobs.is_empty() {
        return input(rng).into_bytes();
    }
    let mut v = jobs[rng.random_range(0..jobs.len())].clone();
    for _ in 0..rng.random_range(1..6) {
        let mut ps = Vec::new();
        pointers(&v, "", &mut ps);
        let p = ps[rng.random_range(1..ps.len())].clone();
        let node = v.pointer_mut(&p).unwrap();
        *node = match node {
            Value::String(s) => Value::from(near(rng, &[s.as_str()])),
            Value::Number(_) if rng.random() => Value::from(rng.random_range(-1000i64..3_000_000)),
            _ => random_value(rng),
        };
    }
    serde_json::to_vec(&v).unwrap()
}

fn job_form(b: &[u8]) {
    use madoguchi::domain::job::JobOffer;
    use madoguchi::domain::validate;
    let Ok(j) = serde_json::from_slice::<JobOffer>(b) else {
        return;
    };
    for (date, pref) in [((2026, 4, 1), Some(13)), ((2019, 10, 1), None)] {
        let on = validate::JobCheck {
            date: chrono::NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
            minimum_wage: minimum_wage(),
            office_prefecture: pref,
        };
        let (n, found) = validate::check_job(&j, &on);
        let _ = n.fields();
        let _ = madoguchi::domain::job::diff(&j, &n);
        let _ = validate::pr_layout_lines(&j.pr_message);
        for f in &found {
            let _ = madoguchi::i18n::findings::rule_message(madoguchi::i18n::Lang::Ja, f);
        }
    }
}

/// The admin's fields: staff ID, display name, password, roles; the office settings of
/// `init`; a closure reason and date.
fn gen_admin(rng: &mut StdRng) -> Vec<u8> {
    join(&[
        near(rng, &["tanaka", "suzuki.ichiro", "a", "admin_2"]),
        near(rng, &["田中 花子", "管理 太郎"]),
        near(rng, &["madoguchi-tanaka-pw", "password1234", "短い"]),
        near(
            rng,
            &["counter", "supervisor,admin", "auditor,counter,admin"],
        ),
        near(rng, &["ハローワーク飯田橋", "13010"]),
        near(rng, &["庁舎点検", "臨時閉庁（停電）"]),
        near(rng, DATES),
    ])
}

fn admin_form(b: &[u8]) {
    use madoguchi::service::{FieldIssue, calendar, setup, staff};
    let s = std::str::from_utf8(b).unwrap();
    let f = fields(s);
    let mut issues: Vec<FieldIssue> = Vec::new();
    if let Some(code) = staff::name_issue(f[0]) {
        issues.push(FieldIssue::error("staff_name", code));
    }
    issues.extend(staff::display_name_issue(f[1]));
    if let Err(e) = madoguchi::domain::password::check_policy(f[2], f[0]) {
        issues.push(FieldIssue::error("password", e.code()));
    }
    let roles = madoguchi::domain::staff::Roles::parse_list(f[3]);
    let _ = roles.to_list();
    issues.extend(setup::office_name_issue(f[4]));
    issues.extend(calendar::reason_issue(f[5]));
    if let Err(code) = madoguchi::domain::calendar::parse_typed_date(f[6]) {
        issues.push(FieldIssue::error("date", code));
    }
    words(&issues);
}

/// The lookup screens (R-ID-1, R-ID-2, R-ID-4, R-ID-5): search keys, purpose, identity check,
/// the new address of an ID change; and the review texts (R-REV-2).
fn gen_counter(rng: &mut StdRng) -> Vec<u8> {
    join(&[
        rng.random_range(0..10).to_string(),
        near(rng, &[NUMBERS, NAMES, EMAILS].concat()),
        near(rng, DATES),
        near(rng, &["ID照会", "問合せ対応"]),
        near(rng, &["driver_licence", "my_number", "other", "運転免許証"]),
        near(rng, &["免許証 末尾1234 氏名・生年月日一致"]),
        near(rng, EMAILS),
        near(rng, &["2", "２", "入力内容に誤りがあります"]),
        near(
            rng,
            &["賃金の記載を確認してください。\n再提出をお願いします。"],
        ),
    ])
}

fn counter_form(b: &[u8]) {
    use madoguchi::service::lookup::{SearchKey, check_key};
    use madoguchi::service::{ServiceError, review};
    let s = std::str::from_utf8(b).unwrap();
    let f = fields(s);
    let q = f[1].to_string();
    let key = match f[0] {
        "0" => SearchKey::EstablishmentNumber(q),
        "1" => SearchKey::CorporateNumber(q),
        "2" => SearchKey::Name(q),
        "3" => SearchKey::Kana(q),
        "4" => SearchKey::Phone(q),
        "5" => SearchKey::Postal(q),
        "6" => SearchKey::SeekerNumber(q),
        "7" => SearchKey::JobNumber(q),
        "8" => SearchKey::SeekerKana {
            kana: q,
            birth_date: f[2].into(),
        },
        _ => SearchKey::Email(q),
    };
    let mut issues = Vec::new();
    if let Err(ServiceError::Invalid(v)) = check_key(&key) {
        issues.extend(v);
    }
    let _ = madoguchi::domain::lookup::purpose(f[3]);
    let _ = madoguchi::domain::lookup::IdentityCheck::new(
        madoguchi::i18n::labels::document_named(f[4]),
        f[5],
    );
    let _ = madoguchi::domain::email::parse_confirmed(f[6], f[6]);
    let reasons = madoguchi::config::Config::default().review.return_reasons;
    if let Err(ServiceError::Invalid(v)) = review::pick_reason(&reasons, f[7]) {
        issues.extend(v);
    }
    if let Err(ServiceError::Invalid(v)) = review::clean_text(f[8]) {
        issues.extend(v);
    }
    words(&issues);
}

// --- other outside text ---------------------------------------------------------------------

const CONFIG: &str = "[office]\ncode = \"13010\"\nname = \"飯田橋\"\nphone = \"03-1234-5678\"\nopen = \"08:30\"\n[mail]\nfrom = \"iidabashi@example.go.jp\"\nfooter = \"一行目\\n二行目\"\n[smtp]\nhost = \"mail.example.go.jp\"\nport = 587\nusername = \"u\"\npassword_env = \"P\"\n[review]\nreturn_reasons = [\"a\", \"b\"]\n[session]\nidle_lock_minutes = 15\n";

fn gen_config(rng: &mut StdRng) -> Vec<u8> {
    if rng.random() {
        near(rng, &[CONFIG]).into_bytes()
    } else {
        input(rng).into_bytes()
    }
}

/// The command line: clap's parse of typed arguments, its messages shown as `main` shows them.
fn gen_args(rng: &mut StdRng) -> Vec<u8> {
    let words = [
        "account",
        "show",
        "register",
        "mail",
        "list",
        "queue",
        "audit",
        "export",
        "--since",
        "--until",
        "calendar",
        "add",
        "lookup",
        "--phone",
        "review",
        "return",
        "--seen",
        "--json",
        "--lang",
        "ja",
        "en",
        "staff",
        "import",
        "-",
        "--as",
        "--db",
        "--help",
        "2026-04-01",
    ];
    let v: Vec<String> = (0..rng.random_range(0..8))
        .map(|_| {
            if rng.random() {
                words[rng.random_range(0..words.len())].to_string()
            } else {
                near(rng, &words)
            }
        })
        .collect();
    join(&v)
}

fn command_line(b: &[u8]) {
    use clap::Parser;
    let s = std::str::from_utf8(b).unwrap();
    let args = std::iter::once("madoguchi").chain(fields(s).into_iter().filter(|a| !a.is_empty()));
    if let Err(e) = madoguchi::cli::Cli::try_parse_from(args) {
        let shown = madoguchi::domain::text::sanitize(&e.render().to_string(), true);
        assert!(!shown.contains('\u{1b}'), "{shown:?}");
    }
}

const CAL: &str = "date,name\n2026-01-01,元日\n2026-01-12,成人の日\n";
const WAGE: &str = include_str!("../assets/minimum-wage-jp.csv");

fn gen_tables(rng: &mut StdRng) -> Vec<u8> {
    let head: String = WAGE.lines().take(6).collect::<Vec<_>>().join("\n");
    join(&[
        near(rng, &[CAL]),
        near(rng, &[head.as_str()]),
        near(rng, &["東京都千代田区", "大阪府"]),
    ])
}

fn tables(b: &[u8]) {
    use madoguchi::domain::calendar::Calendar;
    use madoguchi::domain::minwage::MinimumWageTable;
    let s = std::str::from_utf8(b).unwrap();
    let f = fields(s);
    if let Ok(mut c) = Calendar::from_csv(f[0]) {
        let _ = c.extend_from_csv(f[1]);
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let _ = c.previous_open_day(d);
    }
    if let Ok(t) = MinimumWageTable::from_csv(f[1]) {
        let _ = t.prefecture_of_address(f[2]);
        let _ = t.in_force(13, chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
    }
    let mut bundled = MinimumWageTable::bundled().unwrap();
    let _ = bundled.extend_from_csv(f[1]);
    let _ = bundled.prefecture_of_address(f[2]);
}

fn gen_ssh(rng: &mut StdRng) -> Vec<u8> {
    join(&[
        near(rng, &["/dev/pts/3", "pts/0"]),
        near(rng, &["192.0.2.10 50022 22", "2001:db8::1 1 22"]),
        near(
            rng,
            &[
                "publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
            ],
        ),
    ])
}

fn ssh_identity(b: &[u8]) {
    let s = std::str::from_utf8(b).unwrap();
    let f = fields(s);
    let id = madoguchi::terminal_id::compose(Some(f[0]), Some(f[1]));
    let _ = madoguchi::terminal_id::key_fingerprint(f[2]);
    let _ = id;
}

/// Every mail template filled with outside text (names, addresses, reasons), and the masks.
fn mail_text(b: &[u8]) {
    use madoguchi::mail::template::{Footer, Template, TemplateError, render};
    let s = std::str::from_utf8(b).unwrap();
    let footer = Footer {
        office_name: s.chars().take(40).collect(),
        sender_address: "iidabashi@example.go.jp".into(),
        phone: String::new(),
        hours: s.into(),
        extra: s.into(),
    };
    for t in Template::ALL {
        let mut vars: BTreeMap<&str, String> = BTreeMap::new();
        for _ in 0..40 {
            match render(t, &vars, &footer) {
                Err(TemplateError::Missing { name, .. }) => {
                    let name: &'static str = Box::leak(name.into_boxed_str());
                    vars.insert(name, s.to_string());
                }
                _ => break,
            }
        }
    }
    let _ = mask::mask_email(s);
    let _ = mask::mask_name(s);
    let _ = mask::mask_digits(s, 4);
    let _ = mask::mask_phone(s);
}

fn text(rng: &mut StdRng) -> Vec<u8> {
    input(rng).into_bytes()
}

struct Target {
    name: &'static str,
    make: fn(&mut StdRng) -> Vec<u8>,
    run: fn(&[u8]),
}

fn str_of(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap()
}

fn targets() -> Vec<Target> {
    use madoguchi::domain::{authkey, date, email, interchange, kana, numbers};
    let t = |name, make, run| Target { name, make, run };
    vec![
        t("interchange line", event_line, |b| {
            let _ = interchange::parse_line(b);
        }),
        t("import line (no database)", event_line, import_line),
        t("import into a database", event_batch, import_into_db),
        t("configuration", gen_config, |b| {
            let _ = madoguchi::config::Config::parse(str_of(b), Path::new("fuzz.toml"));
        }),
        t("counter registration form", gen_register, register_form),
        t(
            "establishment fields",
            gen_establishment,
            establishment_form,
        ),
        t("job-offer fields", gen_job, job_form),
        t("staff and office admin fields", gen_admin, admin_form),
        t(
            "lookup, ID change and review texts",
            gen_counter,
            counter_form,
        ),
        t("command line", gen_args, command_line),
        t("typed date", text, |b| {
            let s = str_of(b);
            let _ = date::parse(s);
            let _ = date::parse_optional(s);
            let _ = madoguchi::cli::date_arg(s);
        }),
        t("e-mail", text, |b| {
            let s = str_of(b);
            let _ = email::Email::parse(s);
            let _ = email::Email::parse_converting(s);
            let _ = email::lookup_key(s);
            let _ = email::key_of_input(s);
            let _ = email::key_of_stored(s);
        }),
        t("kana", text, |b| {
            let s = str_of(b);
            let _ = kana::normalize_kana(s);
            let _ = kana::search_key(s);
            let _ = kana::kana_search_key(s);
        }),
        t("numbers", text, |b| {
            let s = str_of(b);
            let _ = numbers::establishment_number(s);
            let _ = numbers::corporate_number(s);
            let _ = numbers::five_eight_number(s);
            let _ = numbers::postal_code(s);
            let _ = numbers::phone(s);
        }),
        t("auth key", text, |b| {
            let s = str_of(b);
            let n = authkey::normalize_input(s);
            let _ = authkey::is_well_formed(&n);
            let _ = authkey::mask_keys(s);
        }),
        t("SMTP reply", text, |b| {
            let s = str_of(b);
            let _ = madoguchi::i18n::delivery::classify(s);
            for lang in [madoguchi::i18n::Lang::Ja, madoguchi::i18n::Lang::En] {
                let out = madoguchi::i18n::delivery::explain(lang, s);
                let _ = madoguchi::domain::text::sanitize(&out, false);
            }
        }),
        t("calendar and minimum-wage tables", gen_tables, tables),
        t("SSH identity", gen_ssh, ssh_identity),
        t("mail templates and masks", text, mail_text),
        t("terminal text", text, |b| {
            use madoguchi::domain::text::{
                display_width, pad_to_width, sanitize, truncate_to_width,
            };
            let s = str_of(b);
            for keep in [false, true] {
                let out = sanitize(s, keep);
                assert!(
                    !out.chars().any(|c| (c.is_control() && !(keep && c == '\n'))
                        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                    "a control or bidi character survived: {out:?}"
                );
                let t = truncate_to_width(&out, 17);
                assert!(display_width(&t) <= 17);
                let _ = pad_to_width(&out, 9);
            }
        }),
    ]
}

/// The template database and event lines: an office, 20 key-pending accounts, and a `gen`
/// stream of their activations, establishments, offers and withdrawals.
fn prepare() -> tempfile::TempDir {
    use madoguchi::r#gen::{GenOptions, generate, prepare_accounts};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let start = madoguchi::clock::parse_rfc3339("2026-04-06T00:30:00Z").unwrap();
    let mut templates: Vec<Value> = include_str!("../assets/examples/events.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    {
        let mut store = madoguchi::storage::Store::open(&path).unwrap();
        let admin = madoguchi::service::setup::init(
            &mut store,
            &madoguchi::service::setup::InitInput {
                office_code: "13010",
                office_name: "飯田橋",
                admin_name: "admin",
                admin_display_name: "管理 太郎",
                admin_password: "kanri-sha-2026-pass",
                terminal: "fuzz",
                now: start,
            },
        )
        .unwrap();
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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // nextest lists the binary's tests: one smoke test (none among the ignored ones).
    if args.iter().any(|a| a == "--list") {
        if !args.iter().any(|a| a == "--ignored") {
            println!("fuzz_smoke: test");
        }
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let secs: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 600 } else { 1 });
    let _template = prepare();
    // A panic is counted, not printed a million times.
    std::panic::set_hook(Box::new(|_| {}));
    let started = Instant::now();
    let threads: Vec<_> = targets()
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            std::thread::spawn(move || {
                let mut rng = StdRng::seed_from_u64(0x6d61_646f ^ (i as u64) << 32);
                let (start, mut runs, mut panics, mut first) =
                    (Instant::now(), 0u64, 0u64, Vec::new());
                while start.elapsed() < Duration::from_secs(secs) {
                    let b = (t.make)(&mut rng);
                    if std::panic::catch_unwind(|| (t.run)(&b)).is_err() {
                        panics += 1;
                        if first.len() < 3 {
                            first.push(String::from_utf8_lossy(&b).into_owned());
                        }
                    }
                    runs += 1;
                }
                (t.name, runs, start.elapsed(), panics, first)
            })
        })
        .collect();
    let mut failed = 0;
    for th in threads {
        let (name, runs, took, panics, first) = th.join().unwrap();
        println!(
            "fuzz {name}: {runs} inputs in {:.0} s, {panics} panics",
            took.as_secs_f64()
        );
        for p in &first {
            println!(
                "  panicked on {:?}",
                p.chars().take(600).collect::<String>()
            );
        }
        failed += panics;
    }
    println!(
        "fuzz: every target on its own thread for {secs} s; {:.0} s of wall time in all",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(failed, 0, "parsers panicked");
}
