//! Load-test data for the benchmarks and the large tests: [`bench_fill`] writes establishments,
//! accounts and job offers in every state straight into the tables with set-based SQL (no
//! program path writes rows this way, so this is the one SQL outside `storage/`), then leaves
//! the queue counts and the search index as the program's background work would.

use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::clock::to_db;
use crate::storage::{self, Result, Store};

/// Benchmark and load-test data: `establishments` establishments (each with an opened
/// account and its establishment submission) and `jobs` job submissions spread over them, in
/// every state, deadlines ±30 days around `now`. One transaction, set-based SQL.
///
/// # Errors
/// On SQLite failure.
pub fn bench_fill(
    store: &mut Store,
    establishments: usize,
    jobs: usize,
    now: DateTime<Utc>,
) -> Result<()> {
    let today = crate::clock::jst_date(now).to_string();
    let ts = to_db(now);
    let tx = store.immediate()?;
    let ne = i64::try_from(establishments).unwrap_or(0);
    let nj = i64::try_from(jobs).unwrap_or(0);
    tx.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO accounts (id, kind, email, email_key, state, created_at, activated_at,
                               provisional_deadline, updated_at)
         SELECT 1000000 + i, 'employer', 'b' || i || '@example.jp', 'b' || i || '@example.jp', 'activated',
                ?2, ?2, date(?3, ((i * 7919) % 61 - 30) || ' days'), ?2 FROM n",
        params![ne, ts, today],
    )?;
    tx.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO establishments (id, name, name_kana, name_key, kana_key, representative_title,
                representative_name, postal_code, postal_digits, address, phone, phone_digits, account_id,
                state, created_at, updated_at)
         SELECT 1000000 + i,
                '株式会社' || CASE i % 10 WHEN 0 THEN '若葉商事' WHEN 1 THEN '青空運輸' WHEN 2 THEN 'みどり介護'
                    WHEN 3 THEN '飯田橋食品' ELSE 'サンプル工業' END || i,
                'カブシキガイシャ' || i, 'kabushiki' || i, 'カブシキガイシャ' || i, '代表取締役', '代表 太郎',
                '102-0072', '1020072', '東京都千代田区飯田橋', '03-0000-0000', '0300000000', 1000000 + i,
                'provisional', ?2, ?2 FROM n",
        params![ne, ts],
    )?;
    // Establishments written by SQL get their search rows the way a restore would.
    tx.execute(
        "INSERT INTO establishments_fts (establishments_fts) VALUES ('rebuild')",
        [],
    )?;
    let state = "CASE WHEN k % 20 < 14 THEN 'received' WHEN k % 20 < 16 THEN 'checked' \
                 WHEN k % 20 = 16 THEN 'returned' WHEN k % 20 < 19 THEN 'registered' ELSE 'rejected' END";
    tx.execute(
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
                  m(k, e, kind, name) AS (
                    SELECT i, i, 'establishment', (SELECT name FROM establishments WHERE id = 1000000 + i) FROM n
                    UNION ALL
                    SELECT ?1 + j, 1 + (j % ?1), 'job',
                           CASE j % 4 WHEN 0 THEN '一般事務' WHEN 1 THEN '倉庫内作業' WHEN 2 THEN '介護職員'
                           ELSE '法人営業' END || j
                    FROM (WITH RECURSIVE q(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM q WHERE j < ?2) SELECT j FROM q))
             INSERT INTO submissions (external_id, kind, account_id, establishment_id, state, display_name,
                    deadline, received_at, current_version, assigned_staff, visit_needed, job_category,
                    updated_at)
             SELECT 'B' || k, kind, 1000000 + e, 1000000 + e, {state}, name,
                    date(?3, (((e * 7919) % 61) - 30) || ' days'),
                    strftime('%Y-%m-%dT%H:%M:%SZ', '2026-10-01', (k % 50000) || ' minutes'), 1,
                    CASE WHEN k % 10 = 0 THEN 1 END, k % 5 = 0,
                    CASE WHEN kind = 'job' THEN CASE k % 10 WHEN 3 THEN 'student' WHEN 7 THEN 'disabled'
                                                ELSE 'general' END END, ?4
             FROM m"
        ),
        params![ne, nj, today, ts],
    )?;
    // Stored by SQL: the queue counts are rebuilt from the rows.
    storage::queue::recount_tally(&tx)?;
    tx.execute(
        "INSERT INTO submission_versions (submission_id, version, payload, findings, received_at, event_id)
         SELECT id, 1, '{\"category\":{\"kind\":\"general\"}}', '[]', received_at, 'bench-' || id FROM submissions
         WHERE external_id LIKE 'B%'",
        [],
    )?;
    tx.commit()?;
    // The queue filter's search index, as the background catch-up would leave it.
    loop {
        let tx = store.immediate()?;
        let done = storage::queue::catch_up(&tx, 200_000)?;
        tx.commit()?;
        if !done.more {
            break;
        }
    }
    // Merged, as the background upkeep leaves it.
    loop {
        let tx = store.immediate()?;
        let worked = storage::queue::merge_step(&tx, 10_000)?;
        tx.commit()?;
        if !worked {
            break;
        }
    }
    // No ANALYZE, as in the program (which never runs it): the queue statements name their
    // index, and with SQLite's STAT4 statistics present a statement that bounds an indexed
    // column by a parameter is planned again at every run (~0.3 ms each at this scale).
    Ok(())
}
