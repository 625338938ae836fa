//! The import's unit tests (R-IO-2 transactions and chunks, R-VISIT-1 history, R-REV-6 counts).
use super::prepare::{PARSER_NICE, yield_to_the_writer};
use super::write::write_batch;
use super::*;
use crate::domain::ids::StaffId;
use crate::r#gen::{GenOptions, generate, prepare_accounts};

fn t(s: &str) -> DateTime<Utc> {
    crate::clock::parse_rfc3339(s).unwrap()
}

/// The lines, prepared, as one batch of one chunk (keys checked by the writer).
fn whole_batch(raw: Vec<RawLine>) -> Vec<Chunk> {
    in_chunks(raw, usize::MAX).0
}

fn committed(w: Result<Written>) -> BatchDone {
    match w.unwrap() {
        Written::Committed(done) => done,
        Written::Refused => panic!("refused"),
    }
}

/// The office and its admin (the id).
fn office(store: &mut Store) -> StaffId {
    crate::service::setup::init(
        store,
        &crate::service::setup::InitInput {
            office_code: "13010",
            office_name: "飯田橋",
            admin_name: "admin",
            admin_display_name: "管理 太郎",
            admin_password: "kanri-sha-2026-pass",
            terminal: "test",
            now: t("2026-01-05T00:00:00Z"),
        },
    )
    .unwrap()
}

/// The office in `store` with one account, and a `gen` stream (seed 9) of its lines.
fn office_stream(store: &mut Store, establishments: u64, jobs: u64) -> Vec<String> {
    let admin = office(store);
    let o = GenOptions {
        establishments,
        jobs,
        accounts: 1,
        seed: 9,
        start: t("2026-04-06T00:30:00Z"),
    };
    let keys = prepare_accounts(store, admin, &o).unwrap();
    let mut out = Vec::new();
    generate(&o, &keys, &mut out).unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// A database with the stream's accounts, and the stream with a few bad lines in it.
fn fixture() -> (Store, Vec<RawLine>) {
    let mut store = Store::open_in_memory().unwrap();
    let mut lines = office_stream(&mut store, 5, 30);
    lines.insert(3, "{\"event_id\": \"broken\"".into());
    // A duplicate inside the batch and a job for an unknown establishment.
    lines.insert(10, lines[8].clone());
    let job = lines
        .iter()
        .find(|l| l.contains("\"job.submitted\""))
        .unwrap()
        .replace("gen-9-", "x-gen-9-")
        .replace("job-9-", "x-job-9-")
        .replace("\"submission_id\":\"est-9-", "\"submission_id\":\"nope-");
    lines.push(job);
    let raw = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| RawLine {
            file: 0,
            line: i as u64 + 1,
            bytes: l.into_bytes(),
            complete: true,
            oversize: false,
        })
        .collect();
    (store, raw)
}

fn raw_lines(lines: &[String], first_line: u64) -> Vec<RawLine> {
    lines
        .iter()
        .zip(first_line..)
        .map(|(l, n)| RawLine {
            file: 0,
            line: n,
            bytes: l.clone().into_bytes(),
            complete: true,
            oversize: false,
        })
        .collect()
}

/// The writer's caches outlive a batch only while no other session writes: an offer
/// registered by a counter session between two batches counts in the next batch's
/// R-VISIT-1 history.
#[test]
fn r_visit_1_history_cached_across_batches_sees_other_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let mut store = Store::open(&path).unwrap();
    let mut lines = office_stream(&mut store, 2, 6);
    lines.retain(|l| !l.contains("account.withdrawn"));
    let job = lines
        .iter()
        .find(|l| l.contains("\"job.submitted\""))
        .unwrap();
    let job_sid = serde_json::from_str::<serde_json::Value>(job).unwrap()["submission_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Another offer of the same establishment, sent in a second batch.
    let again = job
        .replace("gen-9-", "y-gen-9-")
        .replace("job-9-", "y-job-9-");
    let now = t("2026-04-07T00:00:00Z");
    let cal = crate::service::calendar::effective(store.conn()).unwrap();
    let cfg = crate::config::Config::default();
    let mut run = Run::new(now, &cal, &cfg);
    let names = vec!["f.jsonl".to_string()];
    let write = |store: &mut Store, run: &mut Run<'_>, raw: Vec<RawLine>| {
        let mut batch = whole_batch(raw);
        let done = committed(write_batch(
            store, None, run, &names, &mut batch, None, false, 10,
        ));
        assert_eq!(done.rejected, 0, "{:?}", done.rejects);
    };
    write(&mut store, &mut run, raw_lines(&lines, 1));
    let first = storage::submissions::by_external_id(store.conn(), &job_sid)
        .unwrap()
        .unwrap();
    let codes = |store: &Store, sid: &str| -> Vec<String> {
        let id = storage::submissions::by_external_id(store.conn(), sid)
            .unwrap()
            .unwrap()
            .id;
        crate::service::review::visit_reasons(store.conn(), id)
            .unwrap()
            .into_iter()
            .map(|(code, _)| code)
            .collect()
    };
    assert!(codes(&store, &job_sid).contains(&"first_mypage_offer".to_string()));
    assert!(run.histories.contains_key(&first.establishment_id.unwrap()));
    // A counter session registers the first offer between the batches.
    {
        let mut other = Store::open(&path).unwrap();
        let tx = other.immediate().unwrap();
        assert!(storage::submissions::set_registered(&tx, first.id, None, now).unwrap());
        tx.commit().unwrap();
    }
    write(&mut store, &mut run, raw_lines(&[again], 100));
    let second = job_sid.replace("job-9-", "y-job-9-");
    assert!(
        !codes(&store, &second).contains(&"first_mypage_offer".to_string()),
        "{:?}",
        codes(&store, &second)
    );
}

/// Parsing threads give way to the writer; the thread that starts them (the TUI's or the
/// command's main thread) keeps its priority.
#[cfg(target_os = "linux")]
#[test]
fn parsing_threads_yield_to_the_writer_and_leave_the_caller_as_it_was() {
    let before = rustix::process::getpriority_process(None).unwrap();
    let inside = std::thread::spawn(|| {
        yield_to_the_writer();
        rustix::process::getpriority_process(None).unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(inside, (before + PARSER_NICE).min(19));
    assert_eq!(rustix::process::getpriority_process(None).unwrap(), before);
}

/// The prepared lines in chunks of `size`, the first one in the returned batch and the
/// others waiting in the channel.
fn in_chunks(raw: Vec<RawLine>, size: usize) -> (Vec<Chunk>, Receiver<Chunk>) {
    let table = MinimumWageTable::bundled().unwrap();
    let secret = InstallSecret::ephemeral();
    let chk = Checking {
        minimum_wage: &table,
        office_prefecture: Some(13),
        now: t("2026-04-07T00:00:00Z"),
        secret: &secret,
    };
    let mut lines = prepare_batch(raw, 2, chk).unwrap().into_iter().peekable();
    let (tx, rx) = std::sync::mpsc::channel();
    while lines.peek().is_some() {
        let part: Vec<Line> = lines.by_ref().take(size).collect();
        tx.send(Chunk {
            lines: part,
            matched: None,
        })
        .unwrap();
    }
    (vec![rx.recv().unwrap()], rx)
}

/// A batch that reaches the writer in chunks is written as one transaction with the same
/// outcome as the whole batch at once (activation keys checked as each chunk comes).
#[test]
fn r_io_2_a_batch_in_chunks_matches_the_whole_batch() {
    let now = t("2026-04-07T00:00:00Z");
    let mut results = Vec::new();
    for size in [usize::MAX, 7, 1] {
        let (mut store, raw) = fixture();
        let cal = crate::service::calendar::effective(store.conn()).unwrap();
        let cfg = crate::config::Config::default();
        let mut run = Run::new(now, &cal, &cfg);
        // However slow the machine: one transaction for this test.
        run.budget = std::time::Duration::MAX;
        let names = vec!["f.jsonl".to_string()];
        let (mut batch, more) = in_chunks(raw, size);
        let done = committed(write_batch(
            &mut store,
            None,
            &mut run,
            &names,
            &mut batch,
            Some(&more),
            false,
            100,
        ));
        assert!(
            more.try_recv().is_err(),
            "every chunk in the one transaction"
        );
        let audit = storage::audit::recent(store.conn(), 1).unwrap();
        results.push((
            done.applied,
            done.rejected,
            done.rejects.iter().map(|r| r.line).collect::<Vec<_>>(),
            storage::submissions::count(store.conn()).unwrap(),
            audit[0].entry.detail.clone(),
        ));
    }
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0], results[2]);
    assert_eq!(results[0].0, 36);
    assert!(
        results[0].4.as_deref().unwrap().starts_with("lines=1-"),
        "{:?}",
        results[0].4
    );
}

/// Issue 16 item 2: with no time budget at all, every line is its own transaction (chunks
/// split wherever the budget runs out, their matched keys moved along), and the outcome is
/// that of one transaction for everything.
#[test]
fn r_io_2_a_transaction_per_line_matches_the_whole_batch() {
    let now = t("2026-04-07T00:00:00Z");
    let cfg = crate::config::Config::default();
    let names = vec!["f.jsonl".to_string()];
    let mut results = Vec::new();
    for budget in [std::time::Duration::MAX, std::time::Duration::ZERO] {
        let (mut store, raw) = fixture();
        let cal = crate::service::calendar::effective(store.conn()).unwrap();
        let mut run = Run::new(now, &cal, &cfg);
        run.budget = budget;
        let (mut batch, more) = in_chunks(raw, 7);
        let (mut applied, mut rejected, mut transactions) = (0, 0, 0);
        loop {
            let done = committed(write_batch(
                &mut store,
                None,
                &mut run,
                &names,
                &mut batch,
                Some(&more),
                false,
                100,
            ));
            applied += done.applied;
            rejected += done.rejected;
            transactions += 1;
            batch = match done.rest.map_or_else(|| more.try_recv().ok(), Some) {
                Some(c) => vec![c],
                None => break,
            };
        }
        results.push((
            applied,
            rejected,
            storage::submissions::count(store.conn()).unwrap(),
            // Activations went through: their keys matched, wherever the chunk was split.
            store
                .conn()
                .query_row(
                    "SELECT count(*) FROM accounts WHERE state <> 'key_pending'",
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap(),
            transactions,
        ));
    }
    assert_eq!(results[0].4, 1);
    assert!(results[1].4 > 30, "{:?}", results[1]);
    let outcome = |r: &(u64, u64, i64, i64, i32)| (r.0, r.1, r.2, r.3);
    assert_eq!(outcome(&results[0]), outcome(&results[1]));
    assert_eq!(results[0].0, 36);
    assert!(results[0].3 > 0, "{:?}", results[0]);
}

/// Issue 16 item 2: a batch commits when its time budget is spent, and never waits for
/// the reader while it holds the write lock: with no budget it writes one chunk and leaves
/// the ready ones for the next transaction; with chunks still being parsed (the channel
/// open and empty) it commits what it has at once.
#[test]
fn r_io_2_a_batch_commits_within_its_budget_and_never_waits_for_the_reader() {
    let now = t("2026-04-07T00:00:00Z");
    let (mut store, raw) = fixture();
    let cal = crate::service::calendar::effective(store.conn()).unwrap();
    let cfg = crate::config::Config::default();
    let mut run = Run::new(now, &cal, &cfg);
    let names = vec!["f.jsonl".to_string()];
    let (mut batch, more) = in_chunks(raw, 10);
    run.budget = std::time::Duration::ZERO;
    let first = committed(write_batch(
        &mut store,
        None,
        &mut run,
        &names,
        &mut batch,
        Some(&more),
        false,
        100,
    ));
    assert_eq!(batch.len(), 1, "one chunk, then the budget was spent");
    // Checked per line: one line written, the chunk's other nine left for the next one.
    assert_eq!(first.applied + first.rejected + first.duplicate, 1);
    assert_eq!(batch[0].lines.len(), 1);
    let rest = first.rest.expect("the rest of the chunk");
    assert_eq!(rest.lines.len(), 9);
    assert_eq!(rest.lines[0].line, batch[0].lines[0].line + 1);
    // The reader still parsing: the channel is open and nothing is ready.
    let (_reader, waiting) = std::sync::mpsc::sync_channel::<Chunk>(1);
    run.budget = std::time::Duration::MAX;
    let mut next = vec![more.recv().unwrap()];
    let started = std::time::Instant::now();
    committed(write_batch(
        &mut store,
        None,
        &mut run,
        &names,
        &mut next,
        Some(&waiting),
        false,
        100,
    ));
    assert_eq!(next.len(), 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let batches: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'import.batch'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(batches, 2, "two transactions, each with its audit row");
}

/// The line-by-line fallback (one savepoint per line) gives what the fast path gives.
#[test]
fn r_io_2_careful_batch_matches_fast_batch() {
    let now = t("2026-04-07T00:00:00Z");
    let mut results = Vec::new();
    for careful in [false, true] {
        let (mut store, raw) = fixture();
        let mut batch = whole_batch(raw);
        let cal = crate::service::calendar::effective(store.conn()).unwrap();
        let cfg = crate::config::Config::default();
        let mut run = Run::new(now, &cal, &cfg);
        let names = vec!["f.jsonl".to_string()];
        let done = committed(write_batch(
            &mut store, None, &mut run, &names, &mut batch, None, careful, 100,
        ));
        let reasons: Vec<(u64, String)> = done
            .rejects
            .iter()
            .map(|r| (r.line, r.reason.clone()))
            .collect();
        results.push((
            done.applied,
            done.duplicate,
            done.rejected,
            reasons,
            storage::submissions::count(store.conn()).unwrap(),
            storage::imports::reject_count(store.conn()).unwrap(),
        ));
    }
    assert_eq!(results[0], results[1]);
    let (applied, duplicate, rejected, reasons, _, rejects) = &results[0];
    assert_eq!((*duplicate, *rejected, *rejects), (1, 2, 2), "{reasons:?}");
    assert_eq!(*applied, 36);
    assert_eq!(reasons[0], (4, "bad_json".to_string()));
    assert_eq!(reasons[1].1, "unknown_establishment");
}

type Counts = Vec<(String, String, i64)>;

/// The queue counts as kept, and as counted afresh from the rows.
fn kept_and_fresh_counts(store: &mut Store) -> (Counts, Counts) {
    let read = |conn: &Connection| -> Counts {
        conn.prepare("SELECT kind, k, n FROM queue_tally WHERE n != 0 ORDER BY kind, k")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let kept = read(store.conn());
    let tx = store.immediate().unwrap();
    storage::queue::recount_tally(&tx).unwrap();
    let fresh = read(&tx);
    drop(tx);
    (kept, fresh)
}

/// R-REV-6 (issue 16): the import sums its inserts' queue counts and writes them once per
/// transaction; resubmissions and withdrawals in the same transaction (whose triggers take
/// from those counts) and lines rolled back in a careful batch leave the counts equal to
/// a fresh count.
#[test]
fn r_rev_6_queue_counts_after_an_import_equal_a_fresh_count() {
    let now = t("2026-04-07T00:00:00Z");
    for careful in [false, true] {
        let mut store = Store::open_in_memory().unwrap();
        let admin = office(&mut store);
        let o = GenOptions {
            establishments: 20,
            jobs: 160,
            accounts: 20,
            seed: 11,
            start: t("2026-04-06T00:30:00Z"),
        };
        let keys = prepare_accounts(&mut store, admin, &o).unwrap();
        let mut out = Vec::new();
        generate(&o, &keys, &mut out).unwrap();
        let mut lines: Vec<String> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        assert!(lines.iter().any(|l| l.contains("\"account.withdrawn\"")));
        assert!(lines.iter().any(|l| l.contains("\"job.resubmitted\"")));
        // A line refused after its claim (a job for an unknown establishment): rolled back
        // in a careful batch.
        let job = lines
            .iter()
            .find(|l| l.contains("\"job.submitted\""))
            .unwrap()
            .replace("gen-11-", "x-gen-11-")
            .replace("job-11-", "x-job-11-")
            .replace("\"submission_id\":\"est-11-", "\"submission_id\":\"nope-");
        lines.insert(lines.len() / 2, job);
        let mut batch = whole_batch(raw_lines(&lines, 1));
        let cal = crate::service::calendar::effective(store.conn()).unwrap();
        let cfg = crate::config::Config::default();
        let mut run = Run::new(now, &cal, &cfg);
        run.budget = std::time::Duration::MAX;
        let names = vec!["f.jsonl".to_string()];
        let done = committed(write_batch(
            &mut store, None, &mut run, &names, &mut batch, None, careful, 100,
        ));
        assert_eq!(done.rejected, 1, "{:?}", done.rejects);
        assert!(done.applied > 150);
        let (kept, fresh) = kept_and_fresh_counts(&mut store);
        assert!(kept.iter().any(|(kind, _, n)| kind == "visit" && *n > 0));
        assert_eq!(kept, fresh, "careful: {careful}");
    }
}

/// Issue 16 item 2: a transaction stops taking lines early enough for its end (counts,
/// search rows, audit row, commit) to fit in the budget, by what the last ends took: a slow
/// commit is learnt at once and forgotten slowly.
#[test]
fn r_io_2_lines_stop_early_enough_for_the_commit_to_fit() {
    let cal = Calendar::default();
    let cfg = crate::config::Config::default();
    let mut run = Run::new(t("2026-04-07T00:00:00Z"), &cal, &cfg);
    let ms = std::time::Duration::from_millis;
    assert_eq!(run.budget, TX_BUDGET);
    assert!(run.within_budget(ms(25)));
    run.took_tail(ms(20));
    assert!(
        !run.within_budget(ms(30)),
        "30 ms of lines + a 20 ms commit > 40 ms"
    );
    assert!(run.within_budget(ms(15)));
    // Shorter ends after it lower the estimate step by step.
    for _ in 0..20 {
        run.took_tail(ms(2));
    }
    assert!(run.within_budget(ms(30)));
    assert!(run.tail >= ms(2));
}

/// Issue 16 item 3: between batches the writer has the WAL start over once it holds more than
/// `WAL_CUT_BYTES`, judged by the frames SQLite reports after each commit (the file keeps its
/// size after a restart, so its size says nothing); the file is overwritten, not regrown.
#[test]
fn r_wal_the_writer_restarts_the_wal_by_what_it_holds_and_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let mut store = Store::open(&path).unwrap();
    office(&mut store);
    let autocheckpoint: i64 = store
        .conn()
        .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
        .unwrap();
    store
        .conn()
        .execute_batch("CREATE TABLE scratch (x BLOB)")
        .unwrap();
    let settings = storage::imports::bulk_begin(&mut store).unwrap();
    let wal_file = || {
        std::fs::metadata(path.with_extension("sqlite-wal"))
            .unwrap()
            .len()
    };
    let commit_rows = |store: &mut Store, n: usize| {
        let tx = store.immediate().unwrap();
        for _ in 0..n {
            tx.execute("INSERT INTO scratch VALUES (randomblob(3000))", [])
                .unwrap();
        }
        tx.commit().unwrap();
    };
    while settings.wal_bytes() <= WAL_CUT_BYTES {
        // Below the cut the writer leaves the WAL as it is: the next commit adds to it.
        let held = settings.wal_bytes();
        pipeline::cut_wal(&store, &settings).unwrap();
        commit_rows(&mut store, 500);
        assert!(settings.wal_bytes() > held, "{held}");
    }
    let grown = wal_file();
    assert!(grown > WAL_CUT_BYTES, "{grown}");
    pipeline::cut_wal(&store, &settings).unwrap();
    commit_rows(&mut store, 1);
    let after = settings.wal_bytes();
    assert!(after < 64 * 1024, "the WAL started over: {after} bytes");
    assert_eq!(wal_file(), grown, "the file keeps its blocks");
    // The file is still larger than the cut, but what it holds is not: no restart again.
    pipeline::cut_wal(&store, &settings).unwrap();
    commit_rows(&mut store, 1);
    assert!(settings.wal_bytes() > after, "{after}");
    storage::imports::bulk_end(&mut store, &settings).unwrap();
    let restored: i64 = store
        .conn()
        .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
        .unwrap();
    assert_eq!(restored, autocheckpoint);
}

/// Issue 16 item 3: an import leaves no WAL behind when nobody reads: the restarts between
/// batches keep the file's blocks, and the end of the import empties it.
#[test]
fn r_wal_an_import_ends_with_an_empty_wal_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let mut store = Store::open(&path).unwrap();
    let lines = office_stream(&mut store, 3, 40);
    let text = lines.join("\n") + "\n";
    let mut inputs = vec![Input {
        name: "f.jsonl".into(),
        reader: Box::new(text.as_bytes()),
        size: None,
    }];
    let cfg = crate::config::Config::default();
    let s = import_events(
        &mut store,
        &cfg,
        None,
        t("2026-04-07T00:00:00Z"),
        &mut inputs,
        |_| {},
    )
    .unwrap();
    assert_eq!(s.rejected, 0, "{:?}", s.rejects.first());
    assert!(s.applied > 40);
    let wal = std::fs::metadata(path.with_extension("sqlite-wal"))
        .unwrap()
        .len();
    assert_eq!(wal, 0);
}
