//! Counter registration of account email (R-REG-1..6), auth keys (R-KEY-1..6) and the account
//! screen's data.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::clock::{fmt_jst, jst_date, to_db};
use crate::config::Config;
use crate::domain::account::{
    AccountKind, AccountOrigin, AccountState, KeyRequestSubject, MAX_ADDITIONAL_ACCOUNTS,
};
use crate::domain::authkey::{self, ActivationOutcome, KeyState};
use crate::domain::email::{self, Email, EmailError};
use crate::domain::mask::mask_email;
use crate::domain::refusal::Refusal;
use crate::domain::staff::Permission;
use crate::domain::{deadline, kana, numbers};
use crate::mail::template::Template;
use crate::secret::InstallSecret;
use crate::storage::accounts::{AccountRow, NewAccount};
use crate::storage::keys::{KeyPurpose, KeyRow};
use crate::storage::outbox::MailRow;
use crate::storage::{self, Store, is_unique_violation};

use super::{
    Audit, Ctx, FieldIssue, QueuedInfo, QueuedMail, Result, ServiceError, audit, queue_mail,
    require,
};

/// What the clerk typed, kept as typed so that a refused form loses nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterInput {
    pub kind: Option<AccountKind>,
    pub email: String,
    pub email_confirm: String,
    /// Employer, optional.
    pub establishment_number: String,
    /// Seeker: `YYYY-MM-DD` (full-width digits and other separators accepted).
    pub birth_date: String,
    pub name: String,
    pub name_kana: String,
    pub seeker_number: String,
    /// The clerk has seen the warnings (orange) and accepts the input as it is.
    pub accept_warnings: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Valid {
    kind: AccountKind,
    email: Email,
    establishment_number: Option<String>,
    birth_date: Option<String>,
    name: Option<String>,
    name_kana: Option<String>,
    seeker_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Registered {
    pub account_id: i64,
    pub kind: AccountKind,
    pub email: String,
    /// 「メールアドレス登録のお知らせ」 (no key: the customer asks for it online, R-KEY-0).
    pub mail: QueuedInfo,
}

/// Parses an email entry; full-width input becomes a warning with its half-width form (R-REG-2).
fn email_field(field: &'static str, input: &str, issues: &mut Vec<FieldIssue>) -> Option<Email> {
    match Email::parse(input) {
        Ok(e) => Some(e),
        Err(EmailError::FullWidth { converted }) => {
            issues.push(FieldIssue::warning(field, "email_fullwidth").with(converted.clone()));
            Email::parse(&converted).ok()
        }
        Err(e) => {
            let issue = FieldIssue::error(field, e.code());
            issues.push(match e {
                EmailError::TooLong { len } => issue.with(len.to_string()),
                _ => issue,
            });
            None
        }
    }
}

/// 生年月日 as the clerk types it: the one date parser (`1990-04-05`, `1990/4/5`, `1990年4月5日`,
/// `平成2年4月5日`, `H2.4.5`, full-width), then before today and within 120 years.
fn parse_birth_date(input: &str, today: NaiveDate) -> std::result::Result<NaiveDate, &'static str> {
    let d = crate::domain::date::parse(input).map_err(crate::domain::date::DateError::code)?;
    if d >= today || today.year() - d.year() > 120 {
        return Err("birth_date_range");
    }
    Ok(d)
}

/// SPEC §5 at entry: every field as typed holds no control character or bidi override, and is
/// within its cap (`None`: the field's own rule caps it). A field refused here is named with
/// this one issue only.
fn entry_issues(i: &RegisterInput) -> Vec<FieldIssue> {
    use crate::domain::text::{char_code, forbidden_char};
    let fields: [(&'static str, &str, Option<usize>); 7] = [
        ("email", &i.email, None),
        ("email_confirm", &i.email_confirm, None),
        (
            "establishment_number",
            &i.establishment_number,
            Some(NUMBER_TEXT_MAX),
        ),
        ("birth_date", &i.birth_date, Some(NUMBER_TEXT_MAX)),
        ("name", &i.name, None),
        ("name_kana", &i.name_kana, Some(NAME_KANA_MAX)),
        ("seeker_number", &i.seeker_number, Some(NUMBER_TEXT_MAX)),
    ];
    let mut out = Vec::new();
    for (field, raw, max) in fields {
        if let Some(c) = forbidden_char(raw, false) {
            out.push(FieldIssue::error(field, "control_char").with(char_code(c)));
        } else if let Some(max) = max
            && raw.trim().chars().count() > max
        {
            out.push(FieldIssue::error(field, "too_long").with(max.to_string()));
        }
    }
    out
}

/// Dates and numbers as typed: room for full-width digits and separators, far past any valid one.
const NUMBER_TEXT_MAX: usize = 20;
/// A seeker's name in kana.
const NAME_KANA_MAX: usize = 60;

fn validate(i: &RegisterInput, cfg: &Config, today: NaiveDate) -> (Option<Valid>, Vec<FieldIssue>) {
    let refused = entry_issues(i);
    let (valid, mut issues) = validate_fields(i, cfg, today);
    if refused.is_empty() {
        return (valid, issues);
    }
    issues.retain(|x| !refused.iter().any(|r| r.field == x.field));
    let mut all = refused;
    all.extend(issues);
    (None, all)
}

/// Every issue the counter form's fields have as typed (SPEC §5, R-REG-1..3), without the
/// database: what [`register`] says before it looks for the address. The fuzz benchmark feeds
/// it hostile input.
#[must_use]
pub fn form_issues(i: &RegisterInput, cfg: &Config, today: NaiveDate) -> Vec<FieldIssue> {
    validate(i, cfg, today).1
}

fn validate_fields(
    i: &RegisterInput,
    cfg: &Config,
    today: NaiveDate,
) -> (Option<Valid>, Vec<FieldIssue>) {
    let mut issues = Vec::new();
    let Some(kind) = i.kind else {
        return (None, vec![FieldIssue::error("kind", "required")]);
    };
    let email = email_field("email", &i.email, &mut issues);
    let mut confirm_issues = Vec::new();
    let confirm = email_field("email_confirm", &i.email_confirm, &mut confirm_issues);
    if let (Some(a), Some(b)) = (&email, &confirm) {
        if a.key() != b.key() {
            issues.push(FieldIssue::error("email_confirm", "email_mismatch"));
        }
    } else if email.is_some() {
        issues.push(FieldIssue::error(
            "email_confirm",
            if i.email_confirm.trim().is_empty() {
                "required"
            } else {
                "email_mismatch"
            },
        ));
    }
    // R-REG-3: company address recommended for employers.
    if let (Some(e), AccountKind::Employer) = (&email, kind)
        && email::is_free_mail(e, &cfg.mail.free_mail_domains)
    {
        issues.push(FieldIssue::warning("email", "email_free_mail").with(e.domain().to_string()));
    }
    let mut v = Valid {
        kind,
        email: email
            .clone()
            .unwrap_or_else(|| Email::parse("x@x.invalid").unwrap_or_else(|_| unreachable_email())),
        establishment_number: None,
        birth_date: None,
        name: None,
        name_kana: None,
        seeker_number: None,
    };
    match kind {
        AccountKind::Employer => {
            if !i.establishment_number.trim().is_empty() {
                match numbers::establishment_number(&i.establishment_number) {
                    Ok(n) => v.establishment_number = Some(n),
                    Err(e) => issues.push(FieldIssue::error("establishment_number", e.code())),
                }
            }
        }
        AccountKind::Seeker => {
            match parse_birth_date(&i.birth_date, today) {
                Ok(d) => v.birth_date = Some(d.format("%Y-%m-%d").to_string()),
                Err(code) => issues.push(FieldIssue::error("birth_date", code)),
            }
            let name = i.name.trim();
            if name.is_empty() {
                issues.push(FieldIssue::error("name", "required"));
            } else if name.chars().count() > 30 {
                issues.push(FieldIssue::error("name", "too_long").with("30"));
            } else {
                v.name = Some(crate::domain::text::sanitize(name, false));
            }
            match kana::normalize_kana(&i.name_kana) {
                Ok(k) => v.name_kana = Some(k),
                Err(e) => {
                    let issue = FieldIssue::error("name_kana", e.code());
                    issues.push(match e {
                        kana::KanaError::NotKana(c) if c.is_control() => {
                            issue.with(format!("U+{:04X}", u32::from(c)))
                        }
                        kana::KanaError::NotKana(c) => issue.with(c.to_string()),
                        kana::KanaError::Empty => issue,
                    });
                }
            }
            match numbers::five_eight_number(&i.seeker_number) {
                Ok(n) => v.seeker_number = Some(n),
                Err(e) => issues.push(FieldIssue::error("seeker_number", e.code())),
            }
        }
    }
    let ok = email.is_some() && !issues.iter().any(|x| x.severity == super::Severity::Error);
    (ok.then_some(v), issues)
}

#[cold]
fn unreachable_email() -> Email {
    // Only a placeholder for the invalid path; `validate` never returns it.
    Email::parse("a@b.c").unwrap_or_else(|_| unreachable_email())
}

/// R-REG-1..5: registers an account email at the counter. The account is counter-opened and
/// waits for the customer, who asks for the key online (R-KEY-0); the mail queued here,
/// 「メールアドレス登録のお知らせ」, tells them how and carries no key (R-REG-4).
///
/// # Errors
/// `Invalid` with every field issue (warnings only when not accepted), `EmailInUse` (R-REG-2),
/// `Denied`.
pub fn register(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    input: &RegisterInput,
) -> Result<Registered> {
    let (valid, mut issues) = validate(input, cfg, jst_date(ctx.now));
    // An establishment number nobody registered here is most often a typo: said, and
    // accepted once the clerk confirms (the establishment may be another office's).
    if let Some(n) = valid
        .as_ref()
        .and_then(|v| v.establishment_number.as_deref())
        && storage::establishments::id_by_number(store.conn(), n)?.is_none()
    {
        issues.push(FieldIssue::warning("establishment_number", "establishment_unknown").with(n));
    }
    let blocking = issues.iter().any(|x| x.severity == super::Severity::Error)
        || (!issues.is_empty() && !input.accept_warnings);
    let Some(v) = valid.filter(|_| !blocking) else {
        return Err(ServiceError::Invalid(issues));
    };
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::RegisterAccount)?;
    let email_key = v.email.key();
    if let Some(holder) = storage::accounts::live_by_email_key(&tx, &email_key)? {
        return Err(ServiceError::EmailInUse {
            account_id: holder.id,
            kind: holder.kind,
        });
    }
    if let Some(n) = &v.establishment_number
        && storage::accounts::live_count_for_establishment(&tx, n)? > MAX_ADDITIONAL_ACCOUNTS
    {
        return Err(ServiceError::Invalid(vec![
            FieldIssue::error("establishment_number", "establishment_accounts_full")
                .with((MAX_ADDITIONAL_ACCOUNTS + 1).to_string()),
        ]));
    }
    let account_id = insert_account(
        &tx,
        &NewAccount {
            kind: v.kind,
            email: v.email.as_str(),
            email_key: &email_key,
            establishment_number: v.establishment_number.as_deref(),
            seeker_number: v.seeker_number.as_deref(),
            name: v.name.as_deref(),
            name_kana: v.name_kana.as_deref(),
            birth_date: v.birth_date.as_deref(),
            registered_by: Some(ctx.staff_id),
            origin: AccountOrigin::Counter,
        },
        ctx.now,
    )?;
    let template = match v.kind {
        AccountKind::Employer => Template::CounterRegisteredEmployer,
        AccountKind::Seeker => Template::CounterRegisteredSeeker,
    };
    let mut vars = BTreeMap::new();
    if let Some(n) = &v.name {
        vars.insert("name", n.clone());
    }
    let mail = queue_mail(
        &tx,
        cfg,
        ctx,
        QueuedMail {
            template,
            to: v.email.as_str(),
            account_id: Some(account_id),
            vars,
            auth_key: None,
        },
    )?;
    let warnings: Vec<&str> = issues.iter().map(|x| x.code).collect();
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "account.register",
            subject: Some(format!("account:{account_id}")),
            // R-ID-5: the account screen opened after it is covered by this row.
            purpose: Some(crate::domain::lookup::REGISTER_PURPOSE.to_string()),
            outcome: "ok",
            detail: Some(format!(
                "kind={} origin=counter email={} warnings_accepted=[{}]",
                v.kind.code(),
                mask_email(v.email.as_str()),
                warnings.join(",")
            )),
        },
    )?;
    tx.commit()?;
    Ok(Registered {
        account_id,
        kind: v.kind,
        email: v.email.as_str().to_string(),
        mail,
    })
}

/// Inserts a key-pending account; a live account that took the address meanwhile (a race past
/// the check before) is named all the same (R-REG-2).
pub(super) fn insert_account(
    conn: &rusqlite::Connection,
    a: &NewAccount<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    storage::accounts::insert(conn, a, now).map_err(|e| match &e {
        storage::StorageError::Sqlite(s) if is_unique_violation(s) => {
            match storage::accounts::live_by_email_key(conn, a.email_key) {
                Ok(Some(h)) => ServiceError::EmailInUse {
                    account_id: h.id,
                    kind: h.kind,
                },
                _ => ServiceError::EmailInUse {
                    account_id: 0,
                    kind: a.kind,
                },
            }
        }
        _ => e.into(),
    })
}

/// A fresh auth key, its stored hash (HMAC under the install secret, R-KEY-2) and its expiry
/// (R-KEY-1).
#[must_use]
pub fn new_key(secret: &InstallSecret, now: DateTime<Utc>) -> NewKey {
    let key = authkey::generate(&mut rand::rng());
    let hash = secret.key_hash(&key);
    NewKey {
        key,
        hash,
        expires: authkey::expires_at(now),
    }
}

/// A key made ready before the write lock (see [`new_key`]): on the import's parsing threads.
#[derive(Clone)]
pub struct NewKey {
    pub key: String,
    pub hash: String,
    pub expires: DateTime<Utc>,
}

impl std::fmt::Debug for NewKey {
    // Never the key or its hash in a log line or a panic message (R-KEY-2).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey")
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// What issuing a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IssuedKey {
    pub key_id: i64,
    pub mail: QueuedInfo,
    /// Earlier keys of the account that died with it.
    pub replaced: usize,
    /// Unsent mails of those keys, cancelled (R-MAIL-6).
    pub cancelled_mails: usize,
}

/// Issues a registration key to an account and queues the mail that carries it, inside the
/// caller's transaction: the previous live key dies and its unsent mail is cancelled
/// (R-KEY-3, R-MAIL-6). Used by the counter's re-issue and by the interchange's key requests
/// (R-KEY-0), so the three cannot drift apart.
pub(super) fn issue_key(
    conn: &rusqlite::Connection,
    cfg: &Config,
    ctx: &Ctx,
    account: (i64, &str),
    template: Template,
    key: &NewKey,
) -> Result<IssuedKey> {
    let (account_id, email) = account;
    let old = storage::keys::replace_live(conn, account_id, KeyPurpose::Registration)?;
    let mut cancelled_mails = 0;
    for k in &old {
        cancelled_mails +=
            storage::outbox::cancel_unsent_for_key(conn, *k, "認証キー再発行により取消", ctx.now)?;
    }
    let issued_by = (ctx.staff_id != 0).then_some(ctx.staff_id);
    let key_id = storage::keys::insert(
        conn,
        account_id,
        KeyPurpose::Registration,
        &key.hash,
        ctx.now,
        key.expires,
        issued_by,
    )?;
    let mail = queue_mail(
        conn,
        cfg,
        ctx,
        QueuedMail {
            template,
            to: email,
            account_id: Some(account_id),
            vars: key_vars(&key.key, key.expires),
            auth_key: Some((key_id, key.expires)),
        },
    )?;
    Ok(IssuedKey {
        key_id,
        mail,
        replaced: old.len(),
        cancelled_mails,
    })
}

fn key_vars<'a>(key: &str, expires: DateTime<Utc>) -> BTreeMap<&'a str, String> {
    BTreeMap::from([
        ("auth_key", authkey::format_for_mail(key)),
        ("key_expires_jst", fmt_jst(expires)),
    ])
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reissued {
    pub account_id: i64,
    pub key_expires_at: DateTime<Utc>,
    pub mail: QueuedInfo,
    /// Unsent mails of the old key that were cancelled (R-MAIL-6).
    pub cancelled_mails: usize,
}

/// R-KEY-3: a new key, for a customer whose key mail never arrived or expired; the previous
/// key of the same purpose dies and its unsent mail is cancelled (R-MAIL-6).
///
/// # Errors
/// `NotFound`, `Refused` when the account is past key entry, `Denied`.
pub fn reissue_key(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    account_id: i64,
) -> Result<Reissued> {
    let key = new_key(store.secret(), ctx.now);
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ReissueKey)?;
    let acc = storage::accounts::by_id(&tx, account_id)?.ok_or(ServiceError::NotFound)?;
    if acc.state != AccountState::KeyPending {
        return Err(Refusal::Account(acc.state).into());
    }
    let issued = issue_key(
        &tx,
        cfg,
        ctx,
        (account_id, &acc.email),
        Template::KeyReissued,
        &key,
    )?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "account.reissue_key",
            subject: Some(format!("account:{account_id}")),
            purpose: None,
            outcome: "ok",
            detail: Some(format!(
                "replaced={} cancelled_mails={}",
                issued.replaced, issued.cancelled_mails
            )),
        },
    )?;
    tx.commit()?;
    if issued.cancelled_mails > 0 {
        // The cancelled mails carried the old key: push their old page images out of the WAL
        // too (R-KEY-2). Best effort: a busy reader only delays it to the next checkpoint.
        if let Err(e) = storage::outbox::checkpoint_truncate(store.conn()) {
            tracing::warn!("checkpoint after re-issue: {e}");
        }
    }
    Ok(Reissued {
        account_id,
        key_expires_at: key.expires,
        mail: issued.mail,
        cancelled_mails: issued.cancelled_mails,
    })
}

/// The facts a key request is judged on (R-KEY-0).
#[must_use]
pub fn key_request_subject(acc: &AccountRow) -> KeyRequestSubject {
    KeyRequestSubject {
        origin: acc.origin,
        state: acc.state,
        kind: acc.kind,
        birth_date: acc
            .birth_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
    }
}

/// What a granted key request did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyRequested {
    pub account_id: i64,
    pub key_expires_at: DateTime<Utc>,
    pub mail: QueuedInfo,
}

/// R-KEY-0 as one use case: the customer of a counter-opened account asked online for
/// パスワード登録 at `now` (the interchange's `password.requested`, which the import applies
/// with the same rule and the same [`issue_key`]). For tools and tests that hold no file.
///
/// # Errors
/// `NotFound` for an unknown address; `Refused(KeyRequest)` with the refusal.
pub fn request_key(
    store: &mut Store,
    cfg: &Config,
    now: DateTime<Utc>,
    email_input: &str,
    birth_date: Option<NaiveDate>,
) -> Result<KeyRequested> {
    let key_key = email::key_of_input(email_input).ok_or(ServiceError::NotFound)?;
    let key = new_key(store.secret(), now);
    let tx = store.immediate()?;
    let acc = storage::accounts::live_by_email_key(&tx, &key_key)?.ok_or(ServiceError::NotFound)?;
    crate::domain::account::judge_key_request(key_request_subject(&acc), birth_date)
        .map_err(Refusal::KeyRequest)?;
    let ctx = Ctx {
        staff_id: 0,
        staff_name: "internet-service".into(),
        terminal: "interchange".into(),
        now,
    };
    let issued = issue_key(
        &tx,
        cfg,
        &ctx,
        (acc.id, &acc.email),
        Template::PasswordRequested,
        &key,
    )?;
    storage::audit::append(
        &tx,
        &storage::audit::AuditEntry {
            at_utc: to_db(now),
            staff_id: None,
            staff_name: Some(ctx.staff_name.clone()),
            staff_roles: None,
            terminal: ctx.terminal.clone(),
            action: "account.key_requested".into(),
            subject: Some(format!("account:{}", acc.id)),
            purpose: None,
            outcome: "ok".into(),
            detail: Some(format!("replaced={}", issued.replaced)),
        },
    )?;
    tx.commit()?;
    Ok(KeyRequested {
        account_id: acc.id,
        key_expires_at: key.expires,
        mail: issued.mail,
    })
}

/// How many of the newest keys an activation attempt is compared with.
const KEYS_COMPARED: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Activation {
    pub account_id: i64,
    pub outcome: String,
    pub tries_left: Option<i64>,
    pub provisional_deadline: Option<String>,
}

/// Provisional deadline of a self-registered account: completion date + 14 days (R-DL-1 (a)),
/// moved back to the previous open day when the office is closed, office closures included
/// (R-DL-2). A counter-opened account has none.
fn provisional_deadline(
    conn: &rusqlite::Connection,
    origin: AccountOrigin,
    completed: DateTime<Utc>,
) -> Result<Option<String>> {
    if !origin.has_provisional_period() {
        return Ok(None);
    }
    let cal = super::calendar::effective(conn)?;
    Ok(Some(
        deadline::deadline(jst_date(completed), &cal)
            .date
            .format("%Y-%m-%d")
            .to_string(),
    ))
}

/// R-KEY-4, R-KEY-6: the customer set a password with the key. Records the completion time;
/// tells wrong, expired, used, replaced and locked keys apart.
///
/// # Errors
/// `NotFound` when no live account has this email; `Denied`.
pub fn activate(
    store: &mut Store,
    ctx: &Ctx,
    email_input: &str,
    key_input: &str,
) -> Result<(ActivationOutcome, Activation)> {
    let email_key = email::key_of_input(email_input).ok_or(ServiceError::NotFound)?;
    let typed = authkey::normalize_input(key_input);
    let acc = storage::accounts::live_by_email_key(store.conn(), &email_key)?
        .ok_or(ServiceError::NotFound)?;
    let keys = storage::keys::for_account(store.conn(), acc.id, KeyPurpose::Registration)?;
    // Compared outside the write lock (an argon2 hash of an older version costs ~20 ms).
    let matched: Option<i64> = keys
        .iter()
        .take(KEYS_COMPARED)
        .find(|k| store.secret().verify_key(&typed, &k.key_hash))
        .map(|k| k.id);

    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ActivateAccount)?;
    let keys = storage::keys::for_account(&tx, acc.id, KeyPurpose::Registration)?;
    let live = keys.iter().find(|k| k.state == KeyState::Live);
    let outcome = match (
        matched.and_then(|id| keys.iter().find(|k| k.id == id)),
        live,
    ) {
        (Some(k), _) => authkey::judge(k.state, k.expires_at, k.wrong_tries, true, ctx.now),
        (None, Some(k)) => authkey::judge(k.state, k.expires_at, k.wrong_tries, false, ctx.now),
        (None, None) => keys
            .first()
            .map_or(ActivationOutcome::NoKey, |k| match k.state {
                KeyState::Used => ActivationOutcome::Used,
                KeyState::Locked => ActivationOutcome::Locked,
                KeyState::Replaced | KeyState::Live => ActivationOutcome::NoKey,
            }),
    };
    let mut result = Activation {
        account_id: acc.id,
        outcome: outcome.code().into(),
        tries_left: None,
        provisional_deadline: None,
    };
    match outcome {
        ActivationOutcome::Activated => {
            let k: &KeyRow = matched
                .and_then(|id| keys.iter().find(|k| k.id == id))
                .ok_or(ServiceError::NotFound)?;
            storage::keys::set_state(&tx, k.id, KeyState::Used, k.wrong_tries, ctx.now)?;
            let deadline = provisional_deadline(&tx, acc.origin, ctx.now)?;
            let state = acc.origin.state_on_activation();
            storage::accounts::mark_activated(&tx, acc.id, ctx.now, state, deadline.as_deref())?;
            result.provisional_deadline = deadline;
        }
        ActivationOutcome::Wrong { tries_left } => {
            if let Some(k) = live {
                storage::keys::set_state(&tx, k.id, KeyState::Live, k.wrong_tries + 1, ctx.now)?;
            }
            result.tries_left = Some(tries_left);
        }
        ActivationOutcome::Locked => {
            if let Some(k) = live {
                storage::keys::set_state(&tx, k.id, KeyState::Locked, k.wrong_tries + 1, ctx.now)?;
            }
        }
        _ => {}
    }
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "account.activate",
            subject: Some(format!("account:{}", acc.id)),
            purpose: None,
            outcome: outcome.code(),
            detail: None,
        },
    )?;
    tx.commit()?;
    Ok((outcome, result))
}

/// The key as the account screen shows it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyInfo {
    pub state: &'static str,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub expired: bool,
    pub wrong_tries: i64,
}

/// The account screen's data (R-REG-6, R-MAIL-5).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountView {
    pub account: AccountRow,
    pub key: Option<KeyInfo>,
    pub mails: Vec<MailRow>,
}

/// The account's state at a glance (R-REG-6): one decision that the screen and the CLI both
/// put into words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AccountStatus {
    /// Waiting for the customer's パスワード登録 online: no key asked for yet (R-KEY-0).
    AwaitingRequest,
    /// A key was mailed and is still good until `until`.
    KeyLive {
        until: DateTime<Utc>,
    },
    /// The newest key ran out at `at` unused: the customer asks again online, or the counter
    /// re-issues (R-KEY-3).
    KeyExpired {
        at: DateTime<Utc>,
    },
    /// The newest key died after 10 wrong tries (R-KEY-1).
    KeyLocked,
    /// Self-registered, password set (アカウント登録完了): provisional until `deadline`.
    Provisional {
        completed: Option<String>,
        deadline: Option<String>,
    },
    /// My Page open since `since` (RFC 3339).
    Open {
        since: Option<String>,
    },
    Invalid {
        at: Option<String>,
    },
    /// 退会.
    Withdrawn {
        at: Option<String>,
    },
}

impl AccountView {
    /// R-REG-6: what the account is waiting for, or what it is.
    #[must_use]
    pub fn status(&self) -> AccountStatus {
        let a = &self.account;
        match a.state {
            AccountState::KeyPending => match &self.key {
                Some(k) if k.state == "live" && k.expired => {
                    AccountStatus::KeyExpired { at: k.expires_at }
                }
                Some(k) if k.state == "live" => AccountStatus::KeyLive {
                    until: k.expires_at,
                },
                Some(k) if k.state == "locked" => AccountStatus::KeyLocked,
                _ => AccountStatus::AwaitingRequest,
            },
            AccountState::Activated => AccountStatus::Provisional {
                completed: a.activated_at.clone(),
                deadline: a.provisional_deadline.clone(),
            },
            AccountState::Opened => AccountStatus::Open {
                since: a.opened_at.clone(),
            },
            AccountState::Invalid => AccountStatus::Invalid {
                at: a.invalid_at.clone(),
            },
            AccountState::Withdrawn => AccountStatus::Withdrawn {
                at: a.withdrawn_at.clone(),
            },
        }
    }
}

/// Finds the account for an email (the live one, else the newest) and records the view
/// (R-AUD-1, R-ID-5: with its purpose).
///
/// # Errors
/// `NotFound`, `Denied`.
pub fn show(store: &mut Store, ctx: &Ctx, email_input: &str, purpose: &str) -> Result<AccountView> {
    let key = email::key_of_input(email_input).ok_or(ServiceError::NotFound)?;
    // A read: one snapshot, no write lock. Its audit row (R-AUD-1) is written as soon as the
    // lock is free (`Store::audit_soon`), so a view never fails because another process writes.
    let (roles, acc, view) = {
        let tx = store.conn().unchecked_transaction()?;
        let roles = require(&tx, ctx, Permission::ViewAccount)?;
        let acc = pick(&tx, &key)?;
        let view = match &acc {
            Some(a) => Some(load_view(&tx, a.clone(), ctx.now)?),
            None => None,
        };
        tx.commit()?;
        (roles, acc, view)
    };
    super::audit_read(
        store,
        ctx,
        Some(&roles),
        Audit {
            action: "account.view",
            subject: Some(acc.as_ref().map_or_else(
                || format!("email:{}", mask_email(&key)),
                |a| format!("account:{}", a.id),
            )),
            purpose: Some(purpose.to_string()),
            outcome: if acc.is_some() { "ok" } else { "not_found" },
            detail: None,
        },
    )?;
    view.ok_or(ServiceError::NotFound)
}

/// The id of the account [`show`] would open for an email, without an audit row and without
/// showing anything: the account screen uses it only to tell whether this customer already
/// gave a purpose this session (R-ID-5). A customer not seen yet and an email without an
/// account are both asked the purpose, so the answer reveals nothing unaudited.
///
/// # Errors
/// `Denied`, storage failures.
pub fn find(store: &Store, ctx: &Ctx, email_input: &str) -> Result<Option<i64>> {
    require(store.conn(), ctx, Permission::ViewAccount)?;
    let Some(key) = email::key_of_input(email_input) else {
        return Ok(None);
    };
    Ok(pick(store.conn(), &key)?.map(|a| a.id))
}

/// R-REG-2 as corrected: the accounts the version 15 upgrade kept apart because their addresses
/// differ only in letter case (`storage::accounts::email_case_conflicts`), addresses masked
/// (R-ID-2: the account screen shows them, audited). For supervisors.
///
/// # Errors
/// `Denied`.
pub fn email_case_conflicts(
    store: &Store,
    ctx: &Ctx,
) -> Result<Vec<storage::accounts::EmailCaseConflict>> {
    require(store.conn(), ctx, Permission::ApproveIdChange)?;
    Ok(storage::accounts::email_case_conflicts(store.conn())?
        .into_iter()
        .map(|mut c| {
            c.email = mask_email(&c.email);
            c
        })
        .collect())
}

/// The live account for an email key, else the newest.
fn pick(conn: &rusqlite::Connection, key: &str) -> Result<Option<AccountRow>> {
    // The holder of the address first: live accounts the version 15 upgrade kept apart under
    // it (R-REG-2) come with it below, but the address is the holder's.
    if let Some(holder) = storage::accounts::live_by_email_key(conn, key)? {
        return Ok(Some(holder));
    }
    let found = storage::accounts::all_by_email_key(conn, key)?;
    Ok(found
        .iter()
        .find(|a| a.state.is_live())
        .or_else(|| found.first())
        .cloned())
}

/// The same data by id, for a refresh of a screen already open (no new audit row: the view
/// was recorded when it was opened).
///
/// # Errors
/// `NotFound`, `Denied`.
pub fn refresh(store: &Store, ctx: &Ctx, account_id: i64) -> Result<AccountView> {
    require(store.conn(), ctx, Permission::ViewAccount)?;
    let acc = storage::accounts::by_id(store.conn(), account_id)?.ok_or(ServiceError::NotFound)?;
    load_view(store.conn(), acc, ctx.now)
}

fn load_view(
    conn: &rusqlite::Connection,
    acc: AccountRow,
    now: DateTime<Utc>,
) -> Result<AccountView> {
    let key = storage::keys::for_account(conn, acc.id, KeyPurpose::Registration)?
        .into_iter()
        .next()
        .map(|k| KeyInfo {
            state: k.state.code(),
            issued_at: k.issued_at,
            expires_at: k.expires_at,
            expired: now >= k.expires_at,
            wrong_tries: k.wrong_tries,
        });
    let mails = storage::outbox::for_account(conn, acc.id)?;
    Ok(AccountView {
        account: acc,
        key,
        mails,
    })
}

/// For tests and tools: the RFC 3339 form used in rows.
#[must_use]
pub fn db_time(t: DateTime<Utc>) -> String {
    to_db(t)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod hostile_text {
    use super::*;
    use crate::i18n::Lang;

    fn seeker() -> RegisterInput {
        RegisterInput {
            kind: Some(AccountKind::Seeker),
            email: "yamada.taro@example.jp".into(),
            email_confirm: "yamada.taro@example.jp".into(),
            birth_date: "1990-04-05".into(),
            name: "山田 太郎".into(),
            name_kana: "ヤマダ タロウ".into(),
            seeker_number: "13010-12345678".into(),
            ..RegisterInput::default()
        }
    }

    type Edit = fn(&mut RegisterInput, String);
    const FIELDS: [(&str, Edit); 6] = [
        ("email", |i, v| i.email = v),
        ("email_confirm", |i, v| i.email_confirm = v),
        ("birth_date", |i, v| i.birth_date = v),
        ("name", |i, v| i.name = v),
        ("name_kana", |i, v| i.name_kana = v),
        ("seeker_number", |i, v| i.seeker_number = v),
    ];

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    #[test]
    fn spec_5_counter_form_refuses_control_and_bidi_characters_naming_the_field() {
        let cfg = Config::default();
        assert!(
            validate(&seeker(), &cfg, today()).0.is_some(),
            "the sample is valid"
        );
        for (field, set) in FIELDS {
            for c in [
                '\u{0}', '\u{1B}', '\u{7F}', '\u{9B}', '\u{202E}', '\u{2067}',
            ] {
                let mut i = seeker();
                let mut v = match field {
                    "name" => i.name.clone(),
                    "name_kana" => i.name_kana.clone(),
                    "email" | "email_confirm" => i.email.clone(),
                    "birth_date" => i.birth_date.clone(),
                    _ => i.seeker_number.clone(),
                };
                let at = v.char_indices().nth(2).map_or(v.len(), |(i, _)| i);
                v.insert(at, c);
                set(&mut i, v);
                let (ok, issues) = validate(&i, &cfg, today());
                assert!(ok.is_none(), "{field} {c:?}");
                let mine: Vec<&FieldIssue> = issues.iter().filter(|x| x.field == field).collect();
                assert_eq!(mine.len(), 1, "{field} {c:?}: {issues:?}");
                assert_eq!(mine[0].code, "control_char");
                let code = crate::domain::text::char_code(c);
                assert_eq!(mine[0].param.as_deref(), Some(code.as_str()));
            }
        }
        // In Japanese, the field named.
        let mut i = seeker();
        i.name = "山田\u{1B}[2J太郎".into();
        let (_, issues) = validate(&i, &cfg, today());
        assert_eq!(
            crate::i18n::cli::issue_message(Lang::Ja, &issues[0]),
            "氏名: 制御文字や文字の向きを変える記号（U+001B）は使えません"
        );
    }

    #[test]
    fn spec_5_counter_form_fields_are_capped() {
        let cfg = Config::default();
        for (field, set) in FIELDS {
            let mut i = seeker();
            set(&mut i, "１".repeat(10_000));
            let (ok, issues) = validate(&i, &cfg, today());
            assert!(ok.is_none(), "{field}");
            assert!(
                issues
                    .iter()
                    .any(|x| x.field == field && x.severity == super::super::Severity::Error),
                "{field}: {issues:?}"
            );
        }
    }
}
