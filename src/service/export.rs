//! R-IO-3: registered establishments and job offers since a date, as JSON Lines for the
//! national system (format in `docs/interchange.md`). One audit row per export.

use std::io::Write;

use chrono::{NaiveDate, NaiveTime, TimeZone};

use crate::clock::{jst, to_db};
use crate::domain::staff::Permission;
use crate::domain::text::json_safe;
use crate::storage::audit::AuditEntry;
use crate::storage::{self, StorageError, Store};

use super::{Ctx, Result, ServiceError, require};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ExportSummary {
    pub establishments: u64,
    pub jobs: u64,
}

#[derive(serde::Serialize)]
struct EstablishmentLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    registered_at: &'a str,
    establishment: &'a crate::domain::establishment::Establishment,
}

fn io(e: &std::io::Error) -> StorageError {
    StorageError::Corrupt(format!("export write: {e}"))
}

/// Writes every establishment, then every job offer, registered on or after `since` (a Japan
/// date). `ctx` needs the account-view permission; `None` is the system.
///
/// # Errors
/// `Denied`; on SQLite failure or when the writer fails.
pub fn export_registered(
    store: &mut Store,
    ctx: Option<&Ctx>,
    now: chrono::DateTime<chrono::Utc>,
    since: NaiveDate,
    out: &mut dyn Write,
) -> Result<ExportSummary> {
    let roles = match ctx {
        Some(c) => Some(require(store.conn(), c, Permission::ViewAccount)?),
        None => None,
    };
    let from = jst()
        .from_local_datetime(&since.and_time(NaiveTime::MIN))
        .single()
        .map(|t| to_db(t.with_timezone(&chrono::Utc)))
        .ok_or_else(|| ServiceError::Internal(format!("date {since}")))?;
    let mut s = ExportSummary::default();
    storage::establishments::for_each_registered_since(store.conn(), &from, |r| {
        let line = serde_json::to_string(&EstablishmentLine {
            kind: "establishment.registered",
            registered_at: &r.registered_at,
            establishment: &r.establishment,
        })
        .map_err(|e| storage::submissions::corrupt("establishment", &e))?;
        // SPEC §5: the file may be shown on a terminal; the escapes keep the data as it is.
        writeln!(out, "{}", json_safe(&line)).map_err(|e| io(&e))?;
        s.establishments += 1;
        Ok(())
    })?;
    storage::submissions::for_each_registered_job_since(store.conn(), &from, |j| {
        // The payload is JSON this program wrote; check it before embedding it as it is.
        serde_json::from_str::<serde::de::IgnoredAny>(&j.payload)
            .map_err(|e| storage::submissions::corrupt("job payload", &e))?;
        let head = serde_json::json!({
            "type": "job.registered",
            "registered_at": j.registered_at,
            "job_number": j.job_number,
            "establishment_number": j.establishment_number,
        })
        .to_string();
        let head = head.strip_suffix('}').unwrap_or(&head);
        writeln!(out, "{head},\"job\":{}}}", json_safe(&j.payload)).map_err(|e| io(&e))?;
        s.jobs += 1;
        Ok(())
    })?;
    out.flush().map_err(|e| io(&e))?;
    let tx = store.immediate()?;
    storage::audit::append(
        &tx,
        &AuditEntry {
            at_utc: to_db(now),
            staff_id: ctx.map(|c| c.staff_id),
            staff_name: Some(ctx.map_or_else(|| "system".to_string(), |c| c.staff_name.clone())),
            staff_roles: roles.as_ref().map(crate::domain::staff::Roles::to_list),
            terminal: ctx.map_or_else(|| "export".to_string(), |c| c.terminal.clone()),
            action: "export.registered".into(),
            subject: Some(format!("since:{since}")),
            purpose: None,
            outcome: "ok".into(),
            detail: Some(format!(
                "establishments={} jobs={}",
                s.establishments, s.jobs
            )),
        },
    )?;
    tx.commit()?;
    Ok(s)
}
