//! Use cases. Each public function is one IMMEDIATE transaction that re-checks who is acting,
//! re-checks the state, writes its rows, its audit row (R-AUD-1) and, where a customer must be
//! told, its outbox row (R-MAIL-1) — all or nothing. The CLI and the TUI call the same functions.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod calendar;
pub mod cli_support;
pub mod doctor;
pub mod export;
pub mod import;
pub mod lookup;
pub mod mail;
pub mod maintenance;
pub mod queue;
pub mod queue_counts;
pub mod review;
pub mod setup;
pub mod staff;
pub mod sweep;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::clock::to_db;
use crate::config::Config;
use crate::domain::ids::{AccountId, StaffId};
use crate::domain::refusal::Refusal;
use crate::domain::staff::{Permission, Roles};
use crate::mail::template::{self, Footer, Template};
use crate::storage::audit::AuditEntry;
use crate::storage::{self, StorageError, outbox, settings};

/// Who acts, from where, and when. Built once per sign-in / CLI invocation; `now` is refreshed
/// per action by the caller.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub staff_id: StaffId,
    pub staff_name: String,
    pub terminal: String,
    pub now: DateTime<Utc>,
}

impl Ctx {
    #[must_use]
    pub fn at(&self, now: DateTime<Utc>) -> Ctx {
        Ctx {
            now,
            ..self.clone()
        }
    }
}

/// What a use case can refuse. The UI turns each into one short message (`i18n`), the log gets
/// the detail.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The acting staff member may not do this, or is disabled (R-AUTH-3).
    #[error("not permitted")]
    Denied,
    #[error("not found")]
    NotFound,
    /// R-REG-2: the address belongs to a live account.
    #[error("email in use by account {account_id}")]
    EmailInUse {
        account_id: AccountId,
        kind: crate::domain::account::AccountKind,
    },
    /// Field errors (red) or unconfirmed warnings (orange): the form keeps what was typed.
    #[error("input has {} problem(s)", .0.len())]
    Invalid(Vec<FieldIssue>),
    /// The item, account, mail or database is not in a state that allows this, or a rule says
    /// no: typed, put into words by `i18n::refusal`.
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<rusqlite::Error> for ServiceError {
    fn from(e: rusqlite::Error) -> Self {
        ServiceError::Storage(StorageError::Sqlite(e))
    }
}

/// The failure as its words need it (`i18n::cli::error_message`), below this layer.
impl<'a> From<&'a ServiceError> for crate::domain::refusal::Failure<'a> {
    fn from(e: &'a ServiceError) -> Self {
        use crate::domain::refusal::Failure;
        match e {
            ServiceError::Denied => Failure::Denied,
            ServiceError::NotFound => Failure::NotFound,
            ServiceError::EmailInUse { account_id, kind } => Failure::EmailInUse {
                account_id: *account_id,
                kind: *kind,
            },
            ServiceError::Invalid(issues) => Failure::Invalid(issues),
            ServiceError::Refused(r) => Failure::Refused(r),
            ServiceError::Storage(s) if storage::is_disk_full(s) => Failure::DiskFull,
            ServiceError::Storage(_) | ServiceError::Internal(_) => Failure::Failed,
        }
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;

/// 赤 (must be fixed) or 橙 (may be accepted after the clerk confirms): the one severity, of
/// form issues and of stored findings alike.
pub use crate::domain::issue::Severity;

/// One problem with one field (`domain::issue`, so that `i18n` can name it).
pub use crate::domain::issue::FieldIssue;

/// Loads the acting staff member inside the transaction and checks the permission, so a staff
/// member disabled by an admin cannot act even in a session that was already open (R-AUTH-3).
pub(crate) fn require(conn: &Connection, ctx: &Ctx, p: Permission) -> Result<Roles> {
    let me = storage::staff::by_id(conn, ctx.staff_id)?.ok_or(ServiceError::Denied)?;
    // R-AUTH-4: nothing but the password change until the reset password is replaced.
    if me.disabled || me.must_change_password || !me.roles.may(p) {
        return Err(ServiceError::Denied);
    }
    Ok(me.roles)
}

/// One audit row for an action by `ctx`.
pub(crate) struct Audit<'a> {
    pub action: &'a str,
    pub subject: Option<String>,
    pub purpose: Option<String>,
    pub outcome: &'a str,
    pub detail: Option<String>,
}

pub(crate) fn audit(
    conn: &Connection,
    ctx: &Ctx,
    roles: Option<&Roles>,
    a: Audit<'_>,
) -> Result<i64> {
    Ok(storage::audit::append(
        conn,
        &AuditEntry {
            at_utc: to_db(ctx.now),
            staff_id: Some(ctx.staff_id),
            staff_name: Some(ctx.staff_name.clone()),
            staff_roles: roles.map(Roles::to_list),
            terminal: ctx.terminal.clone(),
            action: a.action.to_string(),
            subject: a.subject,
            purpose: a.purpose,
            outcome: a.outcome.to_string(),
            detail: a.detail,
        },
    )?)
}

/// The audit row of a read (a view, a list): the data was read without the write lock, and
/// the row is written as soon as the lock is free ([`storage::Store::audit_soon`]), so a read
/// never fails because another process holds the lock for long (issue 17 item 11).
pub(crate) fn audit_read(
    store: &mut storage::Store,
    ctx: &Ctx,
    roles: Option<&Roles>,
    a: Audit<'_>,
) -> Result<()> {
    store.audit_soon(AuditEntry {
        at_utc: to_db(ctx.now),
        staff_id: Some(ctx.staff_id),
        staff_name: Some(ctx.staff_name.clone()),
        staff_roles: roles.map(Roles::to_list),
        terminal: ctx.terminal.clone(),
        action: a.action.to_string(),
        subject: a.subject,
        purpose: a.purpose,
        outcome: a.outcome.to_string(),
        detail: a.detail,
    })?;
    Ok(())
}

/// The closed-day calendar (R-DL-2): the bundled national holidays and the year-end closure.
/// Office-specific closures are added by the calendar commands.
#[must_use]
pub fn calendar() -> &'static crate::domain::calendar::Calendar {
    static CAL: std::sync::OnceLock<crate::domain::calendar::Calendar> = std::sync::OnceLock::new();
    CAL.get_or_init(|| {
        crate::domain::calendar::Calendar::bundled().unwrap_or_else(|e| {
            tracing::error!("bundled holiday calendar: {e}");
            crate::domain::calendar::Calendar::from_csv("date,name,source\n").unwrap_or_default()
        })
    })
}

/// Office identity: config first, else what `init` stored.
#[must_use]
pub fn office(conn: &Connection, cfg: &Config) -> (String, String) {
    let get = |k: &str| match settings::get(conn, k) {
        Ok(v) => v.unwrap_or_default(),
        // The mail goes out with an empty office line rather than not at all.
        Err(e) => {
            tracing::error!(setting = k, "office identity not read: {e}");
            String::new()
        }
    };
    let code = if cfg.office.code.is_empty() {
        get("office_code")
    } else {
        cfg.office.code.clone()
    };
    let name = if cfg.office.name.is_empty() {
        get("office_name")
    } else {
        cfg.office.name.clone()
    };
    (code, name)
}

/// A mail to queue with the change that causes it.
pub(crate) struct QueuedMail<'a> {
    pub template: Template,
    pub to: &'a str,
    pub account_id: Option<AccountId>,
    pub vars: BTreeMap<&'a str, String>,
    pub auth_key: Option<(i64, DateTime<Utc>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QueuedInfo {
    pub outbox_id: i64,
    pub subject: String,
    pub to: String,
}

pub(crate) fn queue_mail(
    conn: &Connection,
    cfg: &Config,
    ctx: &Ctx,
    m: &QueuedMail<'_>,
) -> Result<QueuedInfo> {
    let (code, name) = office(conn, cfg);
    let footer = Footer {
        office_name: name,
        sender_address: cfg.mail.from.clone(),
        phone: cfg.office.phone.clone(),
        hours: cfg.office.hours.clone(),
        extra: cfg.mail.footer.clone(),
    };
    let r = template::render(m.template, &m.vars, &footer)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let message_id = new_message_id(&code, &cfg.mail.from);
    let id = outbox::insert(
        conn,
        &outbox::NewMail {
            message_id: &message_id,
            account_id: m.account_id,
            template: m.template.code(),
            to_addr: m.to,
            subject: &r.subject,
            body: &r.body,
            auth_key_id: m.auth_key.map(|k| k.0),
            key_expires_at: m.auth_key.map(|k| k.1),
        },
        ctx.now,
    )?;
    // Logged as the row is written: the caller's transaction commits it (a rollback is logged
    // as the caller's error).
    crate::mail::log::state_change(
        crate::mail::log::Level::Info,
        &crate::mail::log::Change {
            id,
            template: m.template.code(),
            from: None,
            to: outbox::MailState::Queued,
            attempt: 0,
            next_attempt: Some(ctx.now),
            reply: None,
            why: "queued",
        },
    );
    Ok(QueuedInfo {
        outbox_id: id,
        subject: r.subject,
        to: m.to.to_string(),
    })
}

/// A Message-ID fixed when the mail is queued, so every retry carries the same one (R-MAIL-2).
fn new_message_id(office_code: &str, from: &str) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let a: u64 = rng.random();
    let b: u64 = rng.random();
    let domain = from
        .rsplit_once('@')
        .map_or("madoguchi.invalid", |(_, d)| d);
    format!("<{a:016x}{b:016x}.{office_code}@{domain}>")
}
