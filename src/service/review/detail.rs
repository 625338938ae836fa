//! The detail view of one submission (SPEC §2.3): the fields of its newest version, what
//! changed since the last one, its findings, visit reasons, checklist, history and comments, and
//! an account's submissions. Reads only (and the R-ID-5 audit of a look), apart from the actions.
//! The fields and changes come in the reader's language: the offer's and the establishment's
//! values are data (`domain::field_value`), put into words by `i18n::values`.

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use crate::clock::{fmt_jst, from_db, jst_date};
use crate::domain::deadline::{DaysLeft, Urgency, days_left, urgency};
use crate::domain::establishment::Establishment;
use crate::domain::ids::{AccountId, StaffId, SubmissionId};
use crate::domain::job::JobOffer;
use crate::domain::review::{self, ReviewAction};
use crate::domain::staff::Permission;
use crate::domain::submission::{SubmissionKind, SubmissionState};
use crate::domain::text::sanitize;
use crate::i18n::Lang;
use crate::i18n::values::{value, values};
use crate::service::{Audit, Ctx, Result, ServiceError, audit, require};
use crate::storage::review::{self as rs};
use crate::storage::{self, Store};

use super::{load, subject};

/// A stored validation finding (red error / orange warning).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredFinding {
    pub field: String,
    pub severity: String,
    pub rule: String,
    #[serde(default)]
    pub param: Option<String>,
}

/// A stored visit reason (R-VISIT-1): its code, which `i18n::labels::visit_reason` names in
/// the reader's language, and the label stored with it (the staff's own reason is only there).
/// The command line's JSON shows the stored label, as before codes were kept beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitReasonLine {
    pub code: String,
    pub label: String,
}

impl serde::Serialize for VisitReasonLine {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.label)
    }
}

/// Everything the detail screen shows. Text from outside is sanitised here.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Detail {
    pub id: SubmissionId,
    pub external_id: String,
    pub kind: SubmissionKind,
    pub state: SubmissionState,
    pub display_name: String,
    pub account_id: AccountId,
    pub deadline: Option<String>,
    pub days_left: Option<i64>,
    pub urgency: Option<&'static str>,
    /// The pending deadline falls in a year without official holiday data: it may still move
    /// when the year's holidays are published (R-DL-2).
    pub deadline_unofficial: bool,
    pub received_at: String,
    pub assigned: Option<String>,
    pub assigned_staff: Option<StaffId>,
    pub follow_up_date: Option<String>,
    pub job_number: Option<String>,
    pub establishment_number: Option<String>,
    pub establishment_state: Option<String>,
    pub checked_by: Option<String>,
    /// 確認日時 in Japan time, when checked.
    pub checked_at: Option<String>,
    pub visit_needed: bool,
    pub visit_date: Option<String>,
    pub visit_reasons: Vec<VisitReasonLine>,
    pub visit_flag: Option<String>,
    pub checklist: Vec<String>,
    /// (field path, value in the reader's words) of the current version, all sections.
    pub fields: Vec<(String, String)>,
    pub findings: Vec<StoredFinding>,
    /// Changes from the previous version: (field, old, new), in the reader's words.
    pub diff: Vec<(String, String, String)>,
    pub versions: i64,
    /// The item's version (R-REV-5): every action on this item carries it.
    pub rev: i64,
    pub history: Vec<rs::HistoryRow>,
    pub comments: Vec<rs::CommentRow>,
    pub allowed: Vec<&'static str>,
}

/// The current version's fields in the reader's words (`i18n::values`); `None` when there is
/// no payload or it does not parse.
fn flatten(lang: Lang, kind: SubmissionKind, payload: &str) -> Option<Vec<(&'static str, String)>> {
    if payload.is_empty() {
        return None;
    }
    let fields = match kind {
        SubmissionKind::Job => serde_json::from_str::<JobOffer>(payload).ok()?.fields(),
        SubmissionKind::Establishment => serde_json::from_str::<Establishment>(payload)
            .ok()?
            .fields(),
    };
    Some(values(lang, &fields))
}

/// What changed from `old` to `new`: the values compared as data, shown in the reader's words.
fn diff_of(
    lang: Lang,
    kind: SubmissionKind,
    old: &str,
    new: &str,
) -> Vec<(String, String, String)> {
    let changes = match kind {
        SubmissionKind::Job => {
            match (
                serde_json::from_str::<JobOffer>(old),
                serde_json::from_str::<JobOffer>(new),
            ) {
                (Ok(a), Ok(b)) => crate::domain::job::diff(&a, &b),
                _ => Vec::new(),
            }
        }
        SubmissionKind::Establishment => {
            match (
                serde_json::from_str::<Establishment>(old),
                serde_json::from_str::<Establishment>(new),
            ) {
                (Ok(a), Ok(b)) => crate::domain::establishment::diff(&a, &b),
                _ => Vec::new(),
            }
        }
    };
    changes
        .into_iter()
        .map(|c| {
            (
                c.field.to_string(),
                sanitize(&value(lang, &c.old), false),
                sanitize(&value(lang, &c.new), false),
            )
        })
        .collect()
}

/// A submission's R-VISIT-1 reasons as (code, words), sorted: a fixed reason's words are
/// `i18n::labels`' (in Japanese, as the notice to the employer says them), a staff member's
/// reason is stored with its own.
///
/// # Errors
/// On SQLite failure, or a stored code no reason has.
pub fn visit_reasons(conn: &Connection, id: SubmissionId) -> Result<Vec<(String, String)>> {
    let mut reasons = storage::submissions::stored_visit_reasons(conn, id)?
        .into_iter()
        .map(|(code, label)| match label {
            Some(l) => Ok((code, l)),
            None => crate::i18n::labels::visit_reason_fixed(Lang::Ja, &code)
                .map(|l| (code.clone(), l.to_string()))
                .ok_or_else(|| {
                    ServiceError::Storage(storage::StorageError::Corrupt(format!(
                        "visit_reasons: unknown code {code}"
                    )))
                }),
        })
        .collect::<Result<Vec<_>>>()?;
    reasons.sort();
    Ok(reasons)
}

/// Opens a submission (R-ID-5: with a purpose; one audit row `submission.view`). The fields
/// and the changes are in the reader's language `lang`.
///
/// # Errors
/// `Denied`, `NotFound`, storage failures.
pub fn detail(
    store: &mut Store,
    ctx: &Ctx,
    id: SubmissionId,
    purpose: &str,
    lang: Lang,
) -> Result<Detail> {
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ViewSubmission)?;
    let d = read_detail(&tx, ctx, id, lang)?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "submission.view",
            subject: Some(subject(id)),
            purpose: Some(sanitize(purpose, false)),
            outcome: "ok",
            detail: None,
        },
    )?;
    tx.commit()?;
    Ok(d)
}

/// The same reading without an audit row: the screen's refresh after a change elsewhere
/// (the view was audited when opened).
///
/// # Errors
/// `Denied`, `NotFound`, storage failures.
pub fn reread(store: &Store, ctx: &Ctx, id: SubmissionId, lang: Lang) -> Result<Detail> {
    let conn = store.conn();
    require(conn, ctx, Permission::ViewSubmission)?;
    read_detail(conn, ctx, id, lang)
}

fn read_detail(conn: &Connection, ctx: &Ctx, id: SubmissionId, lang: Lang) -> Result<Detail> {
    let row = storage::submissions::by_id(conn, id)?.ok_or(ServiceError::NotFound)?;
    let f = load(conn, id)?;
    let versions = storage::submissions::versions(conn, id)?;
    let current = versions.iter().find(|v| v.version == row.current_version);
    let fields = current
        .and_then(|v| flatten(lang, row.kind, &v.payload))
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.to_string(), sanitize(&v, true)))
        .collect();
    let findings: Vec<StoredFinding> = current
        .and_then(|v| serde_json::from_str(&v.findings).ok())
        .unwrap_or_default();
    let diff = match versions.len() {
        n if n >= 2 => diff_of(
            lang,
            row.kind,
            &versions[n - 2].payload,
            &versions[n - 1].payload,
        ),
        _ => Vec::new(),
    };
    let cal = crate::service::calendar::effective(conn)?;
    let today = jst_date(ctx.now);
    let pending_deadline = row
        .deadline
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter(|_| row.state.is_pending());
    let dl = pending_deadline.map(|d| days_left(d, today, &cal));
    let staff_name = |sid: Option<StaffId>| -> Result<Option<String>> {
        Ok(match sid {
            Some(s) => storage::staff::by_id(conn, s)?.map(|r| r.display_name),
            None => None,
        })
    };
    let (est_number, est_state) = match row.establishment_id {
        Some(e) => rs::establishment_brief(conn, e)?
            .map(|(n, s, _)| (n, Some(s)))
            .unwrap_or_default(),
        None => (None, None),
    };
    let checklist = rs::check_items(conn, id, row.current_version)?
        .and_then(|j| serde_json::from_str::<Vec<String>>(&j).ok())
        .unwrap_or_default();
    let visit_flag: Option<String> = rs::visit_flag(conn, id)?;
    Ok(Detail {
        id,
        external_id: sanitize(&row.external_id, false),
        kind: row.kind,
        state: row.state,
        display_name: sanitize(&row.display_name, false),
        account_id: row.account_id,
        deadline: row.deadline.clone(),
        days_left: dl.map(|d: DaysLeft| d.open_days),
        urgency: dl.map(urgency).map(Urgency::code),
        deadline_unofficial: pending_deadline.is_some_and(|d| !cal.has_official_data(d.year())),
        received_at: from_db(&row.received_at).map_or(row.received_at.clone(), fmt_jst),
        assigned: staff_name(row.assigned_staff)?,
        assigned_staff: row.assigned_staff,
        follow_up_date: row.follow_up_date.clone(),
        job_number: row.job_number.clone(),
        establishment_number: est_number,
        establishment_state: est_state,
        checked_by: staff_name(f.checked_by)?,
        checked_at: storage::submissions::checked_at(conn, id)?
            .map(|at| from_db(&at).map_or(at, fmt_jst)),
        visit_needed: f.visit_needed,
        visit_date: f.visit_date.clone(),
        visit_reasons: visit_reasons(conn, id)?
            .into_iter()
            .map(|(code, l)| VisitReasonLine {
                code,
                label: sanitize(&l, false),
            })
            .collect(),
        visit_flag: visit_flag.map(|v| sanitize(&v, false)),
        checklist,
        fields,
        findings,
        diff,
        versions: i64::try_from(versions.len()).unwrap_or(0),
        rev: f.rev,
        history: rs::history(conn, id)?
            .into_iter()
            .map(|mut h| {
                // A hand-over names the colleague by sign-in name (the audit's identifier);
                // the screen shows the name staff know them by.
                if h.action == "handover"
                    && let Some(to) = h.detail.as_deref().and_then(|d| d.strip_prefix("to:"))
                    && let Ok(Some(s)) = storage::staff::by_name(conn, to)
                {
                    h.detail = Some(format!("to:{}", s.display_name));
                }
                h.detail = h.detail.map(|d| sanitize(&d, false));
                h
            })
            .collect(),
        comments: rs::comments(conn, id)?
            .into_iter()
            .map(|mut c| {
                c.body = c.body.map(|b| sanitize(&b, true));
                c
            })
            .collect(),
        allowed: review::allowed_actions(row.state)
            .into_iter()
            .map(ReviewAction::code)
            .collect(),
    })
}

/// Submissions of an account for the account screen: (id, kind, state, name, deadline).
///
/// # Errors
/// Storage failures.
#[allow(clippy::type_complexity)]
pub fn for_account(
    store: &Store,
    account_id: AccountId,
) -> Result<
    Vec<(
        SubmissionId,
        SubmissionKind,
        SubmissionState,
        String,
        Option<String>,
    )>,
> {
    Ok(rs::for_account(store.conn(), account_id)?
        .into_iter()
        .map(|(a, b, c, d, e)| (a, b, c, sanitize(&d, false), e))
        .collect())
}
