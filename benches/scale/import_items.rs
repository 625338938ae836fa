//! Items 2, 4 and 8: the import of a `gen` stream against bare SQL, the key hash against
//! argon2, and the real binary's memory.

use std::path::Path;
use std::time::{Duration, Instant};

use madoguchi::clock;
use madoguchi::config::Config;
use madoguchi::service::import;
use madoguchi::storage::Store;

use crate::measure::{env_num, ms};
use crate::{Scale, common};

/// Items 2, 4 and 8: a `gen` stream with one activation per establishment into a fresh office,
/// against the same rows written by bare statements, and the key hash against argon2; the
/// real binary's peak memory importing it.
pub(crate) fn import_items(s: &mut Scale) {
    let events = env_num("SCALE_IMPORT_EVENTS", 100_000, 2_000, s.full);
    // Two days back: the real binary (item 8) judges the events by the real clock.
    let start = clock::now() - chrono::Duration::days(2);
    let template = s.dir.path().join("office.db");
    let mut store = Store::open(&template).expect("open");
    let admin = common::office(&mut store, start);
    let establishments = events / 10;
    let opts = madoguchi::r#gen::GenOptions {
        establishments,
        jobs: events - 2 * establishments - establishments / 10,
        accounts: establishments,
        seed: 7,
        start,
    };
    let keys = madoguchi::r#gen::prepare_accounts(&mut store, admin, &opts).expect("prepare");
    let file = s.dir.path().join("events.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&file).expect("create"));
    let n = madoguchi::r#gen::generate(&opts, &keys, &mut f).expect("gen");
    drop(f);
    drop(store);
    let dir = s.dir.path().to_path_buf();
    let copy = |name: &str| {
        let db = dir.join(name);
        std::fs::copy(&template, &db).expect("copy");
        std::fs::copy(
            madoguchi::secret::InstallSecret::path_for(&template),
            madoguchi::secret::InstallSecret::path_for(&db),
        )
        .expect("copy the install secret");
        db
    };
    let db = copy("import.db");
    let mut store = Store::open(&db).expect("open copy");
    let t = Instant::now();
    let summary = import::import_events(
        &mut store,
        &Config::default(),
        None,
        start + chrono::Duration::days(1),
        &mut [common::file_input(&file)],
        |_| {},
    )
    .expect("import");
    let took = t.elapsed().as_secs_f64();
    assert_eq!(summary.rejected, 0, "{:?}", summary.rejects.first());
    drop(store);
    let floor = bare_sql_replay(&copy("floor.db"), &db);
    #[allow(clippy::cast_precision_loss)]
    let rate = |secs: f64| n as f64 / secs;
    s.row_higher(
        "4",
        format!("import of {n} events (1 activation/establishment)"),
        (rate(took), rate(floor)),
        "/s",
        "the same rows by bare prepared statements",
    );
    s.row_higher(
        "4",
        "import, events per second",
        (rate(took), 50_000.0),
        "/s",
        "goal 50,000/s",
    );
    s.row(
        "2",
        format!(
            "longest import transaction ({} transactions)",
            summary.batches
        ),
        (ms(summary.longest_batch), 50.0),
        "ms",
        "goal 50 ms",
    );
    // The key hash: HMAC-SHA-256 under the install secret against argon2id (until v16).
    let secret = madoguchi::secret::InstallSecret::ephemeral();
    let key = "MWR762BEWDP2";
    let t = Instant::now();
    for _ in 0..1000 {
        std::hint::black_box(secret.key_hash(std::hint::black_box(key)));
    }
    let hmac = t.elapsed() / 1000;
    let t = Instant::now();
    for _ in 0..5 {
        std::hint::black_box(madoguchi::secret::hash(key).expect("argon2"));
    }
    let argon = t.elapsed() / 5;
    s.row(
        "4",
        "activation key hash, per key",
        (ms(hmac), ms(argon)),
        "ms",
        "argon2id as keys were hashed before",
    );
    // Item 8: the real binary, its peak resident memory read from /proc while it runs.
    let db = copy("memory.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&file)
        .env("MADOGUCHI_CONFIG", s.dir.path().join("none.toml"))
        .env_remove("MADOGUCHI_AS")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("madoguchi import");
    let status = format!("/proc/{}/status", child.id());
    // VmHWM counts the database pages the process maps (mmap_size), which the kernel may
    // drop at will; RssAnon is the memory the import itself holds.
    let (mut peak_kb, mut anon_kb) = (0u64, 0u64);
    let field = |text: &str, name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    while child.try_wait().expect("wait").is_none() {
        if let Ok(text) = std::fs::read_to_string(&status) {
            peak_kb = peak_kb.max(field(&text, "VmHWM:"));
            anon_kb = anon_kb.max(field(&text, "RssAnon:"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    #[allow(clippy::cast_precision_loss)]
    let input_mb = std::fs::metadata(&file).map_or(0, |m| m.len()) as f64 / 1_048_576.0;
    #[allow(clippy::cast_precision_loss)]
    let (peak, anon) = (peak_kb as f64 / 1024.0, anon_kb as f64 / 1024.0);
    s.row(
        "8",
        format!("`madoguchi import` memory, {input_mb:.0} MB input"),
        (anon, 100.0),
        "MB",
        "goal 100 MB (441 MB before)",
    );
    s.row(
        "8",
        "  the same with the mapped database pages (VmHWM)",
        (peak, 100.0),
        "MB",
        "mmap_size 256 MiB: file pages the kernel may drop",
    );
}

/// Seconds SQLite takes to write what the import wrote into `imported` to `fresh` (a copy of
/// the database before the import): every new row by a prepared INSERT, every changed account
/// and key by an UPDATE, the establishments' search rows, in transactions of about 40 ms as
/// the import's. No parsing, checking or queue counts: a floor, not a target.
fn bare_sql_replay(fresh: &Path, imported: &Path) -> f64 {
    use rusqlite::types::Value;
    let conn = rusqlite::Connection::open(fresh).expect("open");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;",
    )
    .expect("pragmas");
    conn.execute("ATTACH ?1 AS src", [imported.to_string_lossy()])
        .expect("attach");
    // (table, the new rows' condition, the statement that writes one)
    let tables: [(&str, String); 6] = [
        (
            "establishments",
            "rowid > (SELECT coalesce(max(rowid), 0) FROM main.establishments)".into(),
        ),
        (
            "submissions",
            "rowid > (SELECT coalesce(max(rowid), 0) FROM main.submissions)".into(),
        ),
        ("submission_versions", "1".into()),
        ("imported_events", "1".into()),
        (
            "outbox",
            "rowid > (SELECT coalesce(max(rowid), 0) FROM main.outbox)".into(),
        ),
        (
            "audit_log",
            "rowid > (SELECT coalesce(max(rowid), 0) FROM main.audit_log)".into(),
        ),
    ];
    let mut work: Vec<(String, Vec<Vec<Value>>)> = Vec::new();
    for (table, cond) in &tables {
        let rows = read_rows(&conn, &format!("SELECT * FROM src.{table} WHERE {cond}"));
        let cols = conn
            .prepare(&format!("SELECT * FROM src.{table}"))
            .expect("columns")
            .column_count();
        let marks = vec!["?"; cols].join(", ");
        work.push((format!("INSERT INTO main.{table} VALUES ({marks})"), rows));
    }
    for (sql, read) in [
        (
            "UPDATE main.accounts SET state = ?2, activated_at = ?3, provisional_deadline = ?4, \
             updated_at = ?5 WHERE id = ?1",
            "SELECT a.id, a.state, a.activated_at, a.provisional_deadline, a.updated_at \
             FROM src.accounts a JOIN main.accounts m ON m.id = a.id WHERE m.state IS NOT a.state",
        ),
        (
            "UPDATE main.auth_keys SET state = ?2, used_at = ?3 WHERE id = ?1",
            "SELECT k.id, k.state, k.used_at FROM src.auth_keys k JOIN main.auth_keys m \
             ON m.id = k.id WHERE m.state IS NOT k.state",
        ),
        (
            "INSERT INTO main.establishments_fts (rowid, name_key, kana_key) VALUES (?1, ?2, ?3)",
            "SELECT id, name_key, kana_key FROM src.establishments \
             WHERE id > (SELECT coalesce(max(id), 0) FROM main.establishments)",
        ),
    ] {
        work.push((sql.to_string(), read_rows(&conn, read)));
    }
    // The search rows go with their establishments: written after them here.
    let fts = work.pop().expect("fts");
    work.insert(1, fts);
    let t = Instant::now();
    conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
    let mut tx_start = Instant::now();
    for (sql, rows) in &work {
        let mut stmt = conn.prepare(sql).expect("prepare");
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row.iter()))
                .expect("write");
            if tx_start.elapsed() > import::TX_BUDGET {
                conn.execute_batch("COMMIT; BEGIN IMMEDIATE")
                    .expect("commit");
                tx_start = Instant::now();
            }
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");
    t.elapsed().as_secs_f64()
}

/// Every row `sql` returns, each as its column values.
fn read_rows(conn: &rusqlite::Connection, sql: &str) -> Vec<Vec<rusqlite::types::Value>> {
    let mut stmt = conn.prepare(sql).expect("read");
    let cols = stmt.column_count();
    stmt.query_map([], |r| (0..cols).map(|i| r.get(i)).collect())
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}
