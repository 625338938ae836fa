//! Schema creation and versioned upgrades keyed on `PRAGMA user_version`.
//! Version 1 is `schema.sql`; each later version is one entry in `UPGRADES`, applied in order,
//! each in its own transaction.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::{Result, StorageError};

const SCHEMA_V1: &str = include_str!("../../schema.sql");

/// `UPGRADES[i]` takes the database from version `i + 1` to `i + 2`.
const UPGRADES: &[&str] = &[
    include_str!("../../assets/sql/002_submissions.sql"),
    include_str!("../../assets/sql/003_review.sql"),
    include_str!("../../assets/sql/004_lookup.sql"),
    include_str!("../../assets/sql/005_import_writes.sql"),
    include_str!("../../assets/sql/006_queue_search.sql"),
    include_str!("../../assets/sql/007_queue_order.sql"),
    include_str!("../../assets/sql/008_import_speed.sql"),
    include_str!("../../assets/sql/009_job_category.sql"),
    include_str!("../../assets/sql/010_import_writes_less.sql"),
    include_str!("../../assets/sql/011_payload_any.sql"),
    include_str!("../../assets/sql/012_stale_name_index.sql"),
    include_str!("../../assets/sql/013_account_index.sql"),
    include_str!("../../assets/sql/014_account_origin.sql"),
];

/// Steps of an upgrade that SQL cannot do, run in the same transaction right after the SQL of
/// the version they name (the version reached).
const RUST_STEPS: &[(i64, RustStep)] = &[(14, offer_deadlines_v14)];

/// One upgrade step in Rust, inside the upgrade's transaction.
type RustStep = fn(&rusqlite::Transaction<'_>) -> Result<()>;

/// Version 14: a pending job offer that needs a counter visit, from what is now an open My
/// Page, gets its own deadline: its submission date + 14 days, moved back over closed days
/// (R-DL-1 (b), R-DL-2).
fn offer_deadlines_v14(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    use crate::clock::{from_db, jst_date};
    use crate::domain::{calendar::Calendar, deadline};
    let cal = Calendar::bundled()
        .map_err(|e| StorageError::Corrupt(format!("bundled calendar: {e}")))?
        .with_closures(super::closures::all(tx)?);
    let pending: Vec<(i64, String)> = tx
        .prepare(
            "SELECT id, received_at FROM submissions
              WHERE kind = 'job' AND visit_needed = 1 AND state IN ('received', 'checked', 'returned')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut set = tx.prepare("UPDATE submissions SET deadline = ?2 WHERE id = ?1")?;
    for (id, received) in pending {
        let Some(at) = from_db(&received) else {
            continue;
        };
        let d = deadline::deadline(jst_date(at), &cal).date.to_string();
        set.execute(rusqlite::params![id, d])?;
    }
    Ok(())
}

#[must_use]
pub fn current_version() -> i64 {
    1 + i64::try_from(UPGRADES.len()).unwrap_or(0)
}

pub(super) fn upgrade(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let supported = current_version();
    if found > supported {
        return Err(StorageError::TooNew {
            path: path.to_path_buf(),
            found,
            supported,
        });
    }
    if found == 0 {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have created it while we waited for the lock.
        let again: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if again == 0 {
            tx.execute_batch(SCHEMA_V1)?;
            tx.pragma_update(None, "user_version", 1)?;
        }
        tx.commit()?;
    }
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let v: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let Some(sql) = usize::try_from(v - 1).ok().and_then(|i| UPGRADES.get(i)) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        for (_, step) in RUST_STEPS.iter().filter(|(to, _)| *to == v + 1) {
            step(&tx)?;
        }
        tx.pragma_update(None, "user_version", v + 1)?;
        tx.commit()?;
    }
}
