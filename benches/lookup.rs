//! Forgotten-ID lookup at "L" scale (R-ID-1): 100,000 establishments, each with its primary
//! employer account, written straight through `storage` into a fresh database file (FTS kept by
//! the triggers, as in production).
//!
//! Reports, before divan's own figures:
//! - exact lookups (email, establishment number, corporate number) through `storage::lookup`:
//!   p50 / p99 over 5,000 random keys each, and the mean of the same SQL run by the `sqlite3`
//!   shell on the same file (one script of 5,000 statements, minus the shell's start-up);
//!   goals p99 < 1 ms and mean within 1.5× the shell's;
//! - the whole `service::lookup::search` (its audit row and commit included) for the exact keys
//!   and for kana partial search (FTS5 trigram, 3+ characters, and the 2-character index
//!   ranges); goal p99 < 20 ms for kana.
//!
//! Run: `cargo bench --bench lookup` (release). Under the test runner a 2,000-row smoke run.

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use madoguchi::clock;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::establishment::Establishment;
use madoguchi::domain::numbers::corporate_check_digit;
use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::lookup::{self, SearchKey};
use madoguchi::service::{self, Ctx};
use madoguchi::storage::accounts::NewAccount;
use madoguchi::storage::lookup::{self as q, ExactKey};
use madoguchi::storage::{self, Store};

const STEMS: [(&str, &str); 24] = [
    ("朝日", "アサヒ"),
    ("青葉", "アオバ"),
    ("桜", "サクラ"),
    ("若葉", "ワカバ"),
    ("東海", "トウカイ"),
    ("北斗", "ホクト"),
    ("光", "ヒカリ"),
    ("大和", "ヤマト"),
    ("富士", "フジ"),
    ("飯田橋", "イイダバシ"),
    ("後楽", "コウラク"),
    ("みどり", "ミドリ"),
    ("日の出", "ヒノデ"),
    ("中央", "チュウオウ"),
    ("白山", "ハクサン"),
    ("春日", "カスガ"),
    ("本郷", "ホンゴウ"),
    ("林", "ハヤシ"),
    ("松本", "マツモト"),
    ("高橋", "タカハシ"),
    ("山田", "ヤマダ"),
    ("鈴木", "スズキ"),
    ("佐藤", "サトウ"),
    ("小石川", "コイシカワ"),
];
const TRADES: [(&str, &str); 12] = [
    ("商事", "ショウジ"),
    ("建設", "ケンセツ"),
    ("食品", "ショクヒン"),
    ("物流", "ブツリュウ"),
    ("工業", "コウギョウ"),
    ("不動産", "フドウサン"),
    ("製作所", "セイサクショ"),
    ("システムズ", "システムズ"),
    ("介護サービス", "カイゴサービス"),
    ("運輸", "ウンユ"),
    ("印刷", "インサツ"),
    ("電機", "デンキ"),
];

struct Bench {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    ctx: Ctx,
    n: u64,
}

type Exact<'a> = (
    &'a str,
    Box<dyn Fn(u64) -> String>,
    Box<dyn Fn(&str) -> String>,
);
/// A search key for the i-th row.
type KeyOf = Box<dyn Fn(u64) -> SearchKey>;

fn email(i: u64) -> String {
    format!("jinji{i:06}@company{:04}.co.jp", i % 9973)
}

fn est_number(i: u64) -> String {
    format!("1301-{:06}-{}", i, i % 10)
}

fn corp_number(i: u64) -> String {
    let twelve = format!("{:012}", 100_000_000_000 + i * 7);
    let c = corporate_check_digit(&twelve).unwrap_or(9);
    format!("{c}{twelve}")
}

/// A fixed pseudo-random sequence (no dependency on rand's algorithms across versions).
fn lcg(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

fn setup(n: u64) -> Bench {
    let now = clock::parse_rfc3339("2026-11-24T01:30:00Z").expect("time");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lookup.db");
    let mut store = Store::open(&path).expect("open");
    let admin = common::office(&mut store, now);
    let admin_ctx = Ctx {
        staff_id: admin,
        staff_name: "admin".into(),
        terminal: "bench".into(),
        now,
    };
    service::staff::add(
        &mut store,
        &admin_ctx,
        "tanaka",
        "田中 花子",
        &Roles::new(vec![Role::Counter]),
    )
    .expect("staff");
    let clerk = storage::staff::by_name(store.conn(), "tanaka")
        .expect("q")
        .expect("row");
    storage::staff::set_password(store.conn(), clerk.id, &clerk.password_hash, false, now)
        .expect("pw");
    let t = Instant::now();
    {
        let tx = store.immediate().expect("tx");
        for i in 0..n {
            let e = email(i);
            let acc = storage::accounts::insert(
                &tx,
                &NewAccount {
                    kind: AccountKind::Employer,
                    email: &e,
                    email_key: &e,
                    establishment_number: Some(&est_number(i)),
                    seeker_number: None,
                    name: None,
                    name_kana: None,
                    birth_date: None,
                    registered_by: Some(admin),
                    origin: madoguchi::domain::account::AccountOrigin::Counter,
                },
                now,
            )
            .expect("account");
            let (s, sk) = STEMS[(i % 24) as usize];
            let (tr, tk) = TRADES[((i / 24) % 12) as usize];
            let (form, form_kana) = if i % 3 == 0 {
                ("", "")
            } else {
                ("株式会社", "カブシキガイシャ")
            };
            storage::establishments::insert(
                &tx,
                &Establishment {
                    establishment_number: Some(est_number(i)),
                    corporate_number: Some(corp_number(i)),
                    name: format!("{form}{s}{tr}{}", i / 288),
                    name_kana: format!("{form_kana}{sk}{tk}"),
                    representative_title: "代表取締役".into(),
                    representative_name: "飯田 一郎".into(),
                    postal_code: format!("{:03}-{:04}", 100 + i % 800, i % 10_000),
                    address: "東京都文京区後楽1-9-20".into(),
                    phone: format!("03{i:08}"),
                    dispatch_licence: false,
                    employment_insurance: true,
                },
                acc,
                now,
            )
            .expect("establishment");
        }
        tx.commit().expect("commit");
    }
    store
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .expect("checkpoint");
    eprintln!(
        "setup: {n} accounts + {n} establishments (FTS by trigger) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Bench {
        _dir: dir,
        path,
        store,
        ctx: Ctx {
            staff_id: clerk.id,
            staff_name: "tanaka".into(),
            terminal: "bench".into(),
            now,
        },
        n,
    }
}

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    let at = |p: f64| v[((v.len() as f64 * p) as usize).min(v.len() - 1)];
    let mean = v.iter().sum::<Duration>() / u32::try_from(v.len()).unwrap_or(1);
    (at(0.50), at(0.99), mean)
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// Mean per statement of `sql_for(key)` over `keys` run by the sqlite3 shell on `db`, minus
/// the shell's start-up and the file's open (the same script with zero statements).
fn shell_mean(db: &Path, keys: &[String], sql_for: impl Fn(&str) -> String) -> Option<Duration> {
    let run = |script: &str| -> Option<Duration> {
        let file = db.with_extension("sql");
        std::fs::write(&file, script).ok()?;
        let t = Instant::now();
        let out = Command::new("sqlite3")
            .arg("-readonly")
            .arg(db)
            .arg(format!(".read {}", file.display()))
            .output()
            .ok()?;
        let d = t.elapsed();
        out.status.success().then_some(d)
    };
    // Warm the page cache first, as the program's own loop is warm.
    let head = "SELECT count(*) FROM establishments;\n".to_string();
    run(&head)?;
    let base = (0..5).filter_map(|_| run(&head)).min()?;
    let mut script = head;
    for k in keys {
        script.push_str(&sql_for(k));
        script.push('\n');
    }
    let full = (0..3).filter_map(|_| run(&script)).min()?;
    Some(full.saturating_sub(base) / u32::try_from(keys.len()).unwrap_or(1))
}

fn report(b: &mut Bench, samples: usize) {
    let mut seed = 42;
    let pick = |seed: &mut u64| lcg(seed) % b.n;
    let conn = b.store.conn();
    let line = |what: &str, times: Vec<Duration>, shell: Option<Duration>| {
        let (p50, p99, mean) = percentiles(times);
        let shell_txt = shell.map_or_else(
            || "sqlite3 shell: n/a".to_string(),
            |s| {
                format!(
                    "sqlite3 shell mean {} (ratio {:.2}×)",
                    us(s),
                    mean.as_secs_f64() / s.as_secs_f64().max(1e-9)
                )
            },
        );
        println!(
            "{what:<34} p50 {:>9}  p99 {:>9}  mean {:>9}  {shell_txt}",
            us(p50),
            us(p99),
            us(mean)
        );
    };
    let exact: Vec<Exact<'_>> = vec![
        (
            "email",
            Box::new(email),
            Box::new(|k| {
                format!(
                    "SELECT id FROM accounts WHERE email_key = '{k}' ORDER BY id DESC LIMIT 50;"
                )
            }),
        ),
        (
            "establishment number",
            Box::new(est_number),
            Box::new(|k| {
                q::sql_establishments_by("establishment_number")
                    .replace("?1", &format!("'{k}'"))
                    .replace("?2", "200")
                    + ";"
            }),
        ),
        (
            "corporate number",
            Box::new(corp_number),
            Box::new(|k| {
                q::sql_establishments_by("corporate_number")
                    .replace("?1", &format!("'{k}'"))
                    .replace("?2", "200")
                    + ";"
            }),
        ),
    ];
    for (what, key_of, sql_for) in &exact {
        let keys: Vec<String> = (0..samples).map(|_| key_of(pick(&mut seed))).collect();
        let mut times = Vec::with_capacity(samples);
        for k in &keys {
            let t = Instant::now();
            let n = match *what {
                "email" => q::account_ids_by_email_key(conn, k).expect("q").len(),
                "establishment number" => {
                    q::establishments_by(conn, ExactKey::EstablishmentNumber, k, 200)
                        .expect("q")
                        .len()
                }
                _ => q::establishments_by(conn, ExactKey::CorporateNumber, k, 200)
                    .expect("q")
                    .len(),
            };
            times.push(t.elapsed());
            assert_eq!(n, 1, "{what} {k}");
        }
        let shell = shell_mean(&b.path, &keys, sql_for);
        line(&format!("storage exact: {what}"), times, shell);
    }
    // The whole use case: search + audit row + commit.
    let searches: Vec<(&str, KeyOf)> = vec![
        ("search email", Box::new(|i| SearchKey::Email(email(i)))),
        (
            "search establishment number",
            Box::new(|i| SearchKey::EstablishmentNumber(est_number(i))),
        ),
        (
            "search corporate number",
            Box::new(|i| SearchKey::CorporateNumber(corp_number(i))),
        ),
        (
            "search kana partial (3+, FTS)",
            Box::new(|i| {
                let (_, sk) = STEMS[(i % 24) as usize];
                let (_, tk) = TRADES[((i / 24) % 12) as usize];
                // The middle of the name: only the trigram index finds it.
                let s: String = format!("{sk}{tk}").chars().skip(1).take(4).collect();
                SearchKey::Kana(s)
            }),
        ),
        (
            "search kana 2 chars (ranges)",
            Box::new(|i| {
                let (_, sk) = STEMS[(i % 24) as usize];
                SearchKey::Kana(sk.chars().take(2).collect())
            }),
        ),
    ];
    // Issue 16 item 9: the machine's own floor for a durable write (4 KiB written and
    // fdatasync'ed to a file beside the database), in the same run, for the searches' audit rows.
    let floor = fsync_floor(&b.path);
    let (f50, f99, _) = percentiles(floor.clone());
    println!(
        "{:<34} p50 {:>9}  p99 {:>9}",
        "fsync floor (4 KiB + fdatasync)",
        us(f50),
        us(f99)
    );
    for (what, key_of) in &searches {
        let mut times = Vec::with_capacity(samples / 5);
        for _ in 0..samples / 5 {
            let k = key_of(pick(&mut seed));
            let t = Instant::now();
            let r = lookup::search(&mut b.store, &b.ctx, "ID照会", &k).expect("search");
            times.push(t.elapsed());
            assert!(!r.hits.is_empty(), "{what} {k:?}");
        }
        let max = times.iter().max().copied().unwrap_or_default();
        let (_, p99, _) = percentiles(times.clone());
        line(what, times, None);
        println!(
            "{:<34} max {:>9}; p99 {:+.1} µs against the fsync floor's p99",
            "",
            us(max),
            (p99.as_secs_f64() - f99.as_secs_f64()) * 1e6
        );
    }
}

/// 200 writes of 4 KiB, each followed by `fdatasync`, to a scratch file beside `db`.
fn fsync_floor(db: &Path) -> Vec<Duration> {
    use std::io::Write as _;
    let path = db.with_extension("fsync");
    let mut f = std::fs::File::create(&path).expect("scratch");
    let page = [0u8; 4096];
    let times = (0..200)
        .map(|_| {
            let t = Instant::now();
            f.write_all(&page).expect("write");
            f.sync_data().expect("fdatasync");
            t.elapsed()
        })
        .collect();
    drop(f);
    let _ = std::fs::remove_file(&path);
    times
}

static BENCH: OnceLock<Mutex<Bench>> = OnceLock::new();

fn bench() -> std::sync::MutexGuard<'static, Bench> {
    BENCH
        .get()
        .expect("set up in main")
        .lock()
        .expect("bench lock")
}

#[divan::bench]
fn exact_email(bencher: divan::Bencher<'_, '_>) {
    let b = bench();
    let mut seed = 1;
    bencher.bench_local(|| {
        let k = email(lcg(&mut seed) % b.n);
        black_box(q::account_ids_by_email_key(b.store.conn(), &k).expect("q"))
    });
}

#[divan::bench]
fn exact_establishment_number(bencher: divan::Bencher<'_, '_>) {
    let b = bench();
    let mut seed = 2;
    bencher.bench_local(|| {
        let k = est_number(lcg(&mut seed) % b.n);
        black_box(
            q::establishments_by(b.store.conn(), ExactKey::EstablishmentNumber, &k, 200)
                .expect("q"),
        )
    });
}

#[divan::bench]
fn exact_corporate_number(bencher: divan::Bencher<'_, '_>) {
    let b = bench();
    let mut seed = 3;
    bencher.bench_local(|| {
        let k = corp_number(lcg(&mut seed) % b.n);
        black_box(
            q::establishments_by(b.store.conn(), ExactKey::CorporateNumber, &k, 200).expect("q"),
        )
    });
}

#[divan::bench(sample_count = 50)]
fn search_kana_partial_with_audit(bencher: divan::Bencher<'_, '_>) {
    let mut b = bench();
    let ctx = b.ctx.clone();
    bencher.bench_local(|| {
        black_box(
            lookup::search(
                &mut b.store,
                &ctx,
                "ID照会",
                &SearchKey::Kana("ﾔﾏﾄｼｮｳ".into()),
            )
            .expect("search"),
        )
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        // The test runner asks for a list: nothing to list.
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let n = std::env::var("LOOKUP_BENCH_ESTABLISHMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 100_000 } else { 2_000 });
    let mut b = setup(n);
    report(&mut b, if full { 5_000 } else { 200 });
    if !full {
        return;
    }
    if BENCH.set(Mutex::new(b)).is_err() {
        return;
    }
    divan::main();
}
