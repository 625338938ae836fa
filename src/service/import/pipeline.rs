//! The import's threads: the reader hands chunks of prepared lines to the writer, which
//! writes them in short transactions; a checkpointer copies committed pages behind it. Keys
//! are checked against an older snapshot before the writer needs them ([`preverify`]).

use super::{
    Body, CHUNK_LINES, CHUNKS_AHEAD, Checking, Chunk, Config, Connection, Ctx, DateTime, HashMap,
    ImportSummary, Input, InstallSecret, KEYS_COMPARED, KeyPurpose, Line, MAX_LINE_BYTES, Progress,
    RawLine, Ready, Result, Run, ServiceError, Store, Utc, jst_date, prefecture_of_office_code,
    prepare_batch, read_bounded, run_batch, sanitize, storage,
};

/// Least time between two checkpoints of the import's checkpointer thread.
pub(super) const CHECKPOINT_SPACING: std::time::Duration = std::time::Duration::from_millis(250);

/// Entries the writer's caches hold at most before they are forgotten (at the start of a
/// transaction), so that the import's memory stays bounded whatever the input's size (issue 16
/// item 8): about 20 MB; the next lines look their rows up again.
pub(super) const CACHED_MAX: usize = 50_000;

/// WAL content above which the import's writer has the WAL start over between batches (issue 16
/// item 3): its own checkpointer copies pages while the writer goes on, so the WAL is never
/// fully copied when the next batch starts and would otherwise grow by every batch (153 MiB
/// for 100,000 events with 8 readers). Below [`crate::storage::JOURNAL_SIZE_LIMIT`] so that
/// with one more batch the file stays under it.
pub const WAL_CUT_BYTES: u64 = 24 * 1024 * 1024;

/// Between batches: a WAL above [`WAL_CUT_BYTES`] is checkpointed and starts over from its
/// beginning, the file keeping its size (`storage::outbox::checkpoint_restart`: writing over
/// the file's blocks is cheaper than growing a truncated file again). A reader of an older
/// snapshot in the way is never waited for while the write lock is held (a replicator's read
/// transaction stays open by design); the tries stop after `TRUNCATE_PATIENCE`, and the next
/// batch tries again.
pub(super) fn cut_wal(store: &Store, wal: &storage::imports::BulkSettings) -> Result<()> {
    if store.path().is_some() && wal.wal_bytes() > WAL_CUT_BYTES {
        storage::outbox::checkpoint_restart(store.conn())?;
    }
    Ok(())
}

/// Imports every input in order. `ctx` is the acting staff member (needs the activation
/// permission), or `None` for the system (a scheduled import); `now` is the import time.
///
/// The calling thread reads the inputs and prepares each batch (parsing and validation,
/// spread over the cores); a second thread writes the batches to the database in order,
/// one transaction each, while the next batch is prepared.
///
/// # Errors
/// Only when the database fails or an input cannot be read; every bad line is a reject.
pub fn import_events(
    store: &mut Store,
    cfg: &Config,
    ctx: Option<&Ctx>,
    now: DateTime<Utc>,
    inputs: &mut [Input<'_>],
    mut progress: impl FnMut(&Progress),
) -> Result<ImportSummary> {
    storage::imports::tune_for_bulk(store.conn())?;
    let cal = crate::service::calendar::effective(store.conn())?;
    // SPEC §5 minimum wage: the table read at start, the office's prefecture for offers whose
    // work location has none.
    let secret = store.secret().clone();
    let chk = Checking {
        minimum_wage: cfg.minimum_wage(),
        office_prefecture: prefecture_of_office_code(&crate::service::office(store.conn(), cfg).0),
        now,
        secret: &secret,
    };
    if chk.minimum_wage.is_past_newest_year(jst_date(now)) {
        tracing::warn!(
            newest_fiscal_year = chk.minimum_wage.newest_fiscal_year(),
            "minimum wage table is out of date: add the new fiscal year (data.minimum_wage_file)"
        );
    }
    if chk.office_prefecture.is_none() {
        tracing::warn!(
            "no office code: offers without a work location's prefecture are not checked against the minimum wage"
        );
    }
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let total_bytes = inputs
        .iter()
        .map(|i| i.size)
        .try_fold(0u64, |acc, s| s.map(|s| acc + s));
    let mut prog = Progress {
        lines: 0,
        bytes: 0,
        total_bytes,
    };
    // Batches are parsed on every core, by threads that give way to the writer (see
    // `PARSER_NICE`): the parsers use what the writer leaves.
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    // Up to a batch of chunks waits while one batch is written: the reader stays at most
    // about two batches ahead of the database.
    let (to_writer, from_reader) = std::sync::mpsc::sync_channel::<Chunk>(CHUNKS_AHEAD);
    // The reader's own connection, for the key checks that it does while the writer
    // writes; an in-memory database has no second connection, and its writer does them.
    let lookout = store.path().map(Store::open_existing).transpose()?;
    // Written batches are freed on a thread of their own: some 100 allocations per line
    // (the parsed offer, its strings and JSON) are not the writer's work.
    let (to_free, written_batches) = std::sync::mpsc::channel::<Vec<Chunk>>();
    // The import's pages are copied to the database file by a connection of its own after
    // each commit, while the writer goes on with the next batch: the writer's closing
    // checkpoint is then left with about one batch (in memory, there is nothing to copy).
    let checkpointer = store.path().map(Store::open_existing).transpose()?;
    let (to_checkpoint, commits) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        let names = &names;
        let cal = &cal;
        s.spawn(move || written_batches.into_iter().for_each(drop));
        let checkpoints = s.spawn(move || -> Result<()> {
            let Some(c) = checkpointer else {
                return Ok(());
            };
            while commits.recv().is_ok() {
                // Commits that came meanwhile are covered by this one checkpoint.
                while commits.try_recv().is_ok() {}
                storage::imports::checkpoint(c.conn())?;
                // At most a few a second: with a commit every 40 ms, copying the hot index
                // pages after each one tripled the import's system time.
                std::thread::sleep(CHECKPOINT_SPACING);
            }
            Ok(())
        });
        let writer = s.spawn(move || -> Result<ImportSummary> {
            let mut run = Run::new(now, cal, cfg);
            let mut summary = ImportSummary::default();
            let settings = storage::imports::bulk_begin(store)?;
            let mut written: Result<()> = Ok(());
            // Lines of a chunk that the previous transaction left when its time ran out.
            let mut carry: Option<Chunk> = None;
            while let Some(first) = carry.take().or_else(|| from_reader.recv().ok()) {
                let mut batch = vec![first];
                written = run_batch(
                    store,
                    ctx,
                    &mut run,
                    names,
                    &mut batch,
                    &from_reader,
                    &mut summary,
                )
                .map(|rest| carry = rest);
                if written.is_err() {
                    break;
                }
                // Closed channels (not expected) only mean that the batch is freed here, and
                // that the closing checkpoint copies more.
                let _ = to_checkpoint.send(());
                let _ = to_free.send(batch);
                // Clerks waiting for the write lock get it before the next batch.
                storage::give_way();
                // Not fatal: the closing checkpoint copies what is left.
                if let Err(e) = cut_wal(store, &settings) {
                    tracing::warn!("import: WAL checkpoint between batches: {e}");
                }
            }
            drop(to_checkpoint);
            let checkpointed = checkpoints
                .join()
                .map_err(|_| ServiceError::Internal("import checkpointer panicked".into()));
            // Always: the connection gets its own settings back.
            let ended = storage::imports::bulk_end(store, &settings);
            written?;
            checkpointed??;
            ended?;
            // The restarts between batches leave the `-wal` file at its largest (up to
            // `JOURNAL_SIZE_LIMIT`): at the end it is emptied, when no reader is in the way.
            if store.path().is_some()
                && let Err(e) = storage::outbox::checkpoint_truncate(store.conn())
            {
                tracing::warn!("import: closing WAL truncation: {e}");
            }
            Ok(summary)
        });
        let read = (|| -> Result<()> {
            let mut chunk: Vec<RawLine> = Vec::with_capacity(CHUNK_LINES);
            let mut buf = Vec::new();
            for (fi, input) in inputs.iter_mut().enumerate() {
                let mut line_no = 0u64;
                while let Some((complete, oversize, n)) =
                    read_bounded(input.reader.as_mut(), &mut buf, MAX_LINE_BYTES).map_err(|e| {
                        ServiceError::Internal(format!("{}: {e}", sanitize(&input.name, false)))
                    })?
                {
                    line_no += 1;
                    prog.bytes += n;
                    prog.lines += 1;
                    if !oversize && buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    chunk.push(RawLine {
                        file: fi,
                        line: line_no,
                        bytes: std::mem::take(&mut buf),
                        complete,
                        oversize,
                    });
                    if chunk.len() >= CHUNK_LINES {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_LINES));
                        let ready =
                            Chunk::new(prepare_batch(full, workers, chk)?, lookout.as_ref())?;
                        if to_writer.send(ready).is_err() {
                            // The writer stopped on an error; it is reported below.
                            return Ok(());
                        }
                        progress(&prog);
                    }
                }
            }
            if !chunk.is_empty() {
                // A send error means the writer failed: reported below.
                let ready = Chunk::new(prepare_batch(chunk, workers, chk)?, lookout.as_ref())?;
                let _ = to_writer.send(ready);
            }
            Ok(())
        })();
        drop(to_writer);
        let written = writer
            .join()
            .map_err(|_| ServiceError::Internal("import writer panicked".into()))?;
        // The writer's error first: it is why the reader may have stopped.
        let summary = written?;
        read?;
        progress(&prog);
        Ok(summary)
    })
}

/// (line index, typed key, (key id, stored hash) of the newest keys).
pub(super) type KeyWork = (usize, String, Vec<(i64, String)>);

/// Keys checked outside the write lock: for each activation line, the id of the key it matches.
/// The writer re-reads the keys in its transaction and judges them as they are then, so a
/// match found on an older snapshot (a key re-issued meanwhile) is only a hint.
pub(super) fn preverify(
    conn: &Connection,
    secret: &InstallSecret,
    lines: &[Line],
) -> Result<HashMap<usize, i64>> {
    let mut work: Vec<KeyWork> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Ok(Ready {
            body: Body::Activated { typed_key },
            email_key: Some(key),
            ..
        }) = &l.ready
            && let Some(acc) = storage::accounts::live_by_email_key(conn, key)?
        {
            let keys = storage::keys::for_account(conn, acc.id, KeyPurpose::Registration)?;
            let hashes = keys
                .into_iter()
                .take(KEYS_COMPARED)
                .map(|k| (k.id, k.key_hash))
                .collect();
            work.push((i, typed_key.clone(), hashes));
        }
    }
    let check = |w: &[KeyWork]| -> Vec<(usize, i64)> {
        w.iter()
            .filter_map(|(i, typed, hashes)| {
                hashes
                    .iter()
                    .find(|(_, h)| secret.verify_key(typed, h))
                    .map(|(id, _)| (*i, *id))
            })
            .collect()
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if work.len() < 2 || threads < 2 {
        return Ok(check(&work).into_iter().collect());
    }
    let chunk = work.len().div_ceil(threads);
    let found = std::thread::scope(|s| {
        let handles: Vec<_> = work.chunks(chunk).map(|c| s.spawn(|| check(c))).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect::<Vec<_>>()
    });
    Ok(found.into_iter().collect())
}
