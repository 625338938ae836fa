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
    include_str!("../../assets/sql/015_email_case.sql"),
    include_str!("../../assets/sql/016_audit_keyed.sql"),
    include_str!("../../assets/sql/017_item_version.sql"),
    include_str!("../../assets/sql/018_queue_tally.sql"),
    include_str!("../../assets/sql/019_tally_inserts.sql"),
    include_str!("../../assets/sql/020_unclaimed_tally.sql"),
];

/// Steps of an upgrade that SQL cannot do, run in the same transaction right after the SQL of
/// the version they name (the version reached).
const RUST_STEPS: &[(i64, RustStep)] = &[
    (14, offer_deadlines_v14),
    (15, email_keys_v15),
    (16, audit_keyed_v16),
];

/// One step of [`RUST_STEPS`].
type RustStep = fn(&rusqlite::Transaction<'_>) -> Result<()>;

/// Version 16 (R-AUD-2 as corrected): when the log already has rows (plain SHA-256, kept and
/// still verified as such), the first keyed row is appended: `audit.chain_keyed`, sealed under
/// the install secret by the connection's seal function and linking to the plain head, which
/// anchors the plain rows before it. Its detail says whether the plain chain was intact.
fn audit_keyed_v16(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    use super::audit::{self, AuditEntry};
    let rows: i64 = tx.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
    if rows == 0 {
        return Ok(());
    }
    // The plain rows alone: nothing keyed exists yet, so any secret walks them the same.
    let plain = audit::walk(tx, &crate::secret::InstallSecret::ephemeral())?;
    let state = match &plain.first_bad {
        None => "intact".to_string(),
        Some((id, why)) => {
            tracing::error!(
                row = id,
                "R-AUD-2 upgrade: the plain audit chain was already broken: {why}"
            );
            format!("broken at #{id} ({why})")
        }
    };
    audit::append(
        tx,
        &AuditEntry {
            at_utc: crate::clock::to_db(crate::clock::wall_clock()),
            staff_name: Some("system".into()),
            terminal: "upgrade".into(),
            action: "audit.chain_keyed".into(),
            outcome: "ok".into(),
            detail: Some(format!("plain rows={rows} chain {state}; keyed from here")),
            ..AuditEntry::default()
        },
    )?;
    Ok(())
}

/// Version 15 (R-REG-2 as corrected): every account's `email_key` becomes
/// `domain::email::key_of_stored` of its address (the whole address lower-cased). Live accounts
/// that would then share a key are kept apart and reported (see `015_email_case.sql`): the
/// oldest keeps the shared key, each newer one gets `<key>#<id>`; all of them are recorded in
/// `email_case_conflicts` and logged.
fn email_keys_v15(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    use std::collections::HashMap;

    use crate::domain::account::AccountState;
    use crate::domain::email::key_of_stored;
    // (id, email, state), oldest first; purged rows (`purged:<id>`, no address) stay as they are.
    let rows: Vec<(i64, String, String)> = tx
        .prepare(
            "SELECT id, email, state FROM accounts
              WHERE email_key NOT LIKE 'purged:%' AND email <> ''
              ORDER BY created_at, id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // Out of the way first, so that no intermediate state breaks the unique index.
    tx.execute(
        "UPDATE accounts SET email_key = 'v15:' || id
          WHERE email_key NOT LIKE 'purged:%' AND email <> ''",
        [],
    )?;
    let mut holder: HashMap<String, i64> = HashMap::new();
    // (account, holder of the shared key)
    let mut conflicts: Vec<(i64, i64)> = Vec::new();
    let mut set = tx.prepare("UPDATE accounts SET email_key = ?2 WHERE id = ?1")?;
    for (id, email, state) in rows {
        let shared = key_of_stored(&email);
        let live = AccountState::parse(&state).is_some_and(AccountState::is_live);
        let key = if !live {
            shared.clone()
        } else if let Some(&first) = holder.get(&shared) {
            let own = format!("{shared}#{id}");
            if !conflicts.iter().any(|c| c.0 == first) {
                conflicts.push((first, first));
            }
            conflicts.push((id, first));
            own
        } else {
            holder.insert(shared.clone(), id);
            shared.clone()
        };
        set.execute(rusqlite::params![id, key])?;
    }
    let mut record = tx.prepare(
        "INSERT INTO email_case_conflicts (account_id, holder_id, found_at)
         VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    )?;
    for (id, first) in &conflicts {
        record.execute(rusqlite::params![id, first])?;
        // No address in the log (R-AUD-1): the ids lead to it.
        tracing::warn!(
            account_id = id,
            holder_id = first,
            "R-REG-2 upgrade: live accounts whose addresses differ only in letter case are kept \
             apart; see `madoguchi account case-conflicts`"
        );
    }
    Ok(())
}

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
    // Up to date (every start but the first after an upgrade): no write lock taken, so opening
    // never waits for another process's long write.
    if found == supported {
        return Ok(());
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
