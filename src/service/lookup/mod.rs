//! Forgotten-ID lookup (SPEC §2.4): search (R-ID-1), the customer record masked (R-ID-2), reveal
//! after the identity check, the ID notice mail, and the ID change at the counter (R-ID-4).
//! Every search, view, reveal, mail and change writes exactly one audit row with the purpose
//! (R-ID-3, R-ID-5, R-AUD-1); what was searched is recorded normalised, emails masked.

use std::collections::BTreeMap;

use crate::clock::fmt_jst;
use crate::config::Config;
use crate::domain::account::{AccountKind, AccountState};
use crate::domain::email::{Email, EmailError};
use crate::domain::kana::{kana_search_key, search_key};
use crate::domain::lookup::{self, IdentityCheck};
use crate::domain::mask::{mask_digits, mask_email, mask_name, mask_phone};
use crate::domain::numbers;
use crate::domain::refusal::Refusal;
use crate::domain::staff::Permission;
use crate::mail::template::Template;
use crate::storage::accounts::AccountRow;
use crate::storage::keys::KeyPurpose;
use crate::storage::lookup::{self as q, EstablishmentHit, ExactKey, NameKey};
use crate::storage::{self, Store, is_unique_violation};

use super::{
    Audit, Ctx, FieldIssue, QueuedInfo, QueuedMail, Result, ServiceError, audit, queue_mail,
    require,
};

/// Most hits shown; more means "refine the search".
pub const MAX_HITS: usize = 50;
/// Candidates read from each index before ranking.
const CANDIDATES: i64 = 200;

/// What the clerk searches by (R-ID-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKey {
    EstablishmentNumber(String),
    CorporateNumber(String),
    Name(String),
    Kana(String),
    Phone(String),
    Postal(String),
    SeekerNumber(String),
    /// 求人番号 of a registered job offer: its establishment and account(s).
    JobNumber(String),
    SeekerKana {
        kana: String,
        birth_date: String,
    },
    /// The address the visitor thinks it is (shown masked all the same).
    Email(String),
}

impl SearchKey {
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            SearchKey::EstablishmentNumber(_) => "establishment_number",
            SearchKey::CorporateNumber(_) => "corporate_number",
            SearchKey::Name(_) => "name",
            SearchKey::Kana(_) => "kana",
            SearchKey::Phone(_) => "phone",
            SearchKey::Postal(_) => "postal",
            SearchKey::SeekerNumber(_) => "seeker_number",
            SearchKey::JobNumber(_) => "job_number",
            SearchKey::SeekerKana { .. } => "seeker_kana",
            SearchKey::Email(_) => "email",
        }
    }
}

/// One result line: a customer account (with its establishment for employers), masked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hit {
    pub account_id: Option<i64>,
    pub kind: AccountKind,
    /// `None` when the establishment has no account yet.
    pub state: Option<AccountState>,
    pub email_masked: Option<String>,
    pub establishment_id: Option<i64>,
    pub establishment_number: Option<String>,
    pub corporate_number: Option<String>,
    /// Establishment name, or the seeker's name masked.
    pub name: String,
    pub name_kana: String,
    pub phone_masked: Option<String>,
    pub postal_code: Option<String>,
    pub seeker_number: Option<String>,
    /// 0 exact, 1 prefix, 2 contained.
    pub rank: u8,
}

impl Hit {
    /// The audit subject of the customer: `account:N`, else `establishment:N`.
    #[must_use]
    pub fn subject(&self) -> String {
        match (self.account_id, self.establishment_id) {
            (Some(a), _) => format!("account:{a}"),
            (None, Some(e)) => format!("establishment:{e}"),
            (None, None) => "-".into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SearchResult {
    pub hits: Vec<Hit>,
    /// More matched than are shown: the clerk should refine.
    pub truncated: bool,
}

fn invalid(field: &'static str, code: &'static str) -> ServiceError {
    ServiceError::Invalid(vec![FieldIssue::error(field, code)])
}

fn checked_purpose(p: &str) -> Result<String> {
    lookup::purpose(p).map_err(|c| invalid("purpose", c))
}

/// The query as normalised for the search and for the audit row (emails masked).
#[derive(Debug)]
enum Normal {
    Exact(ExactKey, String),
    Name(NameKey, String),
    SeekerNumber(String),
    JobNumber(String),
    SeekerKana(String, String),
    Email(String),
}

/// Whether a search term reads as its method needs (R-ID-1), before anything is looked up or
/// logged: the screen checks it before it asks the purpose.
///
/// # Errors
/// `Invalid` with the issue on `query` or `birth_date`.
pub fn check_key(key: &SearchKey) -> Result<()> {
    normalise(key).map(|_| ())
}

fn normalise(key: &SearchKey) -> Result<Normal> {
    let digits = |s: &str| -> String {
        numbers::normalize_digits(s)
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    };
    Ok(match key {
        SearchKey::EstablishmentNumber(s) => Normal::Exact(
            ExactKey::EstablishmentNumber,
            numbers::establishment_number(s).map_err(|e| invalid("query", e.code()))?,
        ),
        SearchKey::CorporateNumber(s) => {
            let d = digits(s);
            if d.len() != 13 {
                return Err(invalid("query", "format"));
            }
            Normal::Exact(ExactKey::CorporateNumber, d)
        }
        SearchKey::Phone(s) => {
            let d = digits(s);
            if !(10..=11).contains(&d.len()) {
                return Err(invalid("query", "format"));
            }
            Normal::Exact(ExactKey::PhoneDigits, d)
        }
        SearchKey::Postal(s) => {
            let t = s.trim();
            let d = digits(t.strip_prefix('〒').unwrap_or(t));
            if d.len() != 7 {
                return Err(invalid("query", "format"));
            }
            Normal::Exact(ExactKey::PostalDigits, d)
        }
        SearchKey::Name(s) | SearchKey::Kana(s) => {
            // Kana follows the one kana rule (SPEC §5), as the stored kana key does.
            let k = if matches!(key, SearchKey::Kana(_)) {
                kana_search_key(s)
            } else {
                search_key(s)
            };
            if k.is_empty() {
                return Err(invalid("query", "required"));
            }
            if k.chars().count() > 60 {
                return Err(invalid("query", "too_long"));
            }
            let which = if matches!(key, SearchKey::Name(_)) {
                NameKey::Name
            } else {
                NameKey::Kana
            };
            Normal::Name(which, k)
        }
        SearchKey::SeekerNumber(s) => Normal::SeekerNumber(
            numbers::five_eight_number(s).map_err(|e| invalid("query", e.code()))?,
        ),
        SearchKey::JobNumber(s) => Normal::JobNumber(
            numbers::five_eight_number(s).map_err(|e| invalid("query", e.code()))?,
        ),
        SearchKey::SeekerKana { kana, birth_date } => {
            let k = kana_search_key(kana);
            if k.is_empty() {
                return Err(invalid("query", "required"));
            }
            // The one date parser: 1990-04-05, 1990/4/5, 平成2年4月5日, H2.4.5, full-width.
            let date = crate::domain::date::parse(birth_date)
                .map_err(|e| invalid("birth_date", e.code()))?;
            Normal::SeekerKana(k, date.format("%Y-%m-%d").to_string())
        }
        SearchKey::Email(s) => {
            let key =
                crate::domain::email::lookup_key(s).map_err(|e| invalid("query", e.code()))?;
            Normal::Email(key)
        }
    })
}

/// What goes into the audit row's detail for the query: normalised, an email masked.
fn query_for_log(n: &Normal) -> String {
    match n {
        Normal::Exact(_, v) | Normal::SeekerNumber(v) | Normal::JobNumber(v) => v.clone(),
        Normal::Name(_, v) => v.clone(),
        Normal::SeekerKana(k, d) => format!("{k} {d}"),
        Normal::Email(e) => mask_email(e),
    }
}

/// Legal forms that open many names, in kanji and kana (for 1-2 character searches).
const LEGAL_FORMS: [&str; 10] = [
    "株式会社",
    "有限会社",
    "合同会社",
    "一般社団法人",
    "社会福祉法人",
    "カブシキガイシャ",
    "ユウゲンガイシャ",
    "ゴウドウガイシャ",
    "イッパンシャダンホウジン",
    "シャカイフクシホウジン",
];

fn rank_of(key: &str, needle: &str) -> u8 {
    if key == needle {
        0
    } else if key.starts_with(needle) {
        1
    } else {
        2
    }
}

fn employer_hit(e: &EstablishmentHit, acc: Option<&AccountRow>, rank: u8) -> Hit {
    Hit {
        account_id: acc.map(|a| a.id),
        kind: AccountKind::Employer,
        state: acc.map(|a| a.state),
        email_masked: acc.map(|a| mask_email(&a.email)),
        establishment_id: Some(e.id),
        establishment_number: e.establishment_number.clone(),
        corporate_number: e.corporate_number.clone(),
        name: crate::domain::text::sanitize(&e.name, false),
        name_kana: crate::domain::text::sanitize(&e.name_kana, false),
        phone_masked: Some(mask_phone(&e.phone)),
        postal_code: Some(e.postal_code.clone()),
        seeker_number: None,
        rank,
    }
}

fn account_hit(conn: &rusqlite::Connection, a: &AccountRow, rank: u8) -> Result<Hit> {
    if a.kind == AccountKind::Employer
        && let Some(e) = q::establishment_of_account(conn, a.id)?
    {
        return Ok(employer_hit(&e, Some(a), rank));
    }
    Ok(Hit {
        account_id: Some(a.id),
        kind: a.kind,
        state: Some(a.state),
        email_masked: Some(mask_email(&a.email)),
        establishment_id: None,
        establishment_number: a.establishment_number.clone(),
        corporate_number: None,
        name: a.name.as_deref().map(mask_name).unwrap_or_default(),
        name_kana: a.name_kana.clone().unwrap_or_default(),
        phone_masked: None,
        postal_code: None,
        seeker_number: a.seeker_number.as_deref().map(|s| mask_digits(s, 4)),
        rank,
    })
}

fn hits_for_accounts(conn: &rusqlite::Connection, ids: &[i64], rank: u8) -> Result<Vec<Hit>> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(a) = storage::accounts::by_id(conn, *id)? {
            out.push(account_hit(conn, &a, rank)?);
        }
    }
    Ok(out)
}

fn hits_for_establishments(
    conn: &rusqlite::Connection,
    ests: &[EstablishmentHit],
    rank: impl Fn(&EstablishmentHit) -> u8,
) -> Result<Vec<Hit>> {
    let mut out = Vec::with_capacity(ests.len());
    for e in ests {
        let acc = match e.account_id {
            Some(id) => storage::accounts::by_id(conn, id)?,
            None => None,
        };
        out.push(employer_hit(e, acc.as_ref(), rank(e)));
    }
    Ok(out)
}

/// Adds the accounts `ids` not listed yet; an additional account shows the establishment it
/// belongs to.
fn add_accounts(
    conn: &rusqlite::Connection,
    hits: &mut Vec<Hit>,
    ids: Vec<i64>,
    est: Option<&EstablishmentHit>,
) -> Result<()> {
    let extra: Vec<i64> = ids
        .into_iter()
        .filter(|id| !hits.iter().any(|h| h.account_id == Some(*id)))
        .collect();
    for mut h in hits_for_accounts(conn, &extra, 0)? {
        if h.establishment_id.is_none()
            && let Some(e) = est
        {
            let base = employer_hit(e, None, 0);
            h.establishment_id = base.establishment_id;
            h.name = base.name;
            h.name_kana = base.name_kana;
            h.phone_masked = base.phone_masked;
            h.postal_code = base.postal_code;
            h.corporate_number = base.corporate_number;
        }
        hits.push(h);
    }
    Ok(())
}

/// The search itself, no audit (the caller writes the one row).
fn run_search(conn: &rusqlite::Connection, n: &Normal) -> Result<Vec<Hit>> {
    match n {
        Normal::Exact(k, v) => {
            let ests = q::establishments_by(conn, *k, v, CANDIDATES)?;
            let mut hits = hits_for_establishments(conn, &ests, |_| 0)?;
            if *k == ExactKey::EstablishmentNumber {
                // Additional accounts, or accounts registered before the establishment arrived.
                let ids = q::account_ids_for_establishment_number(conn, v)?;
                add_accounts(conn, &mut hits, ids, ests.first())?;
            }
            Ok(hits)
        }
        Normal::JobNumber(v) => {
            // The offer's establishment with its primary account, then its other accounts
            // and the account that submitted the offer (if it is neither).
            let ests = q::establishments_of_job(conn, v)?;
            let mut hits = hits_for_establishments(conn, &ests, |_| 0)?;
            let mut ids = match ests.first().and_then(|e| e.establishment_number.as_deref()) {
                Some(n) => q::account_ids_for_establishment_number(conn, n)?,
                None => Vec::new(),
            };
            if let Some(a) = q::account_of_job(conn, v)?
                && !ids.contains(&a)
            {
                ids.push(a);
            }
            add_accounts(conn, &mut hits, ids, ests.first())?;
            Ok(hits)
        }
        Normal::Name(which, needle) => {
            let key_of = |e: &EstablishmentHit| match which {
                NameKey::Name => e.name_key.clone(),
                NameKey::Kana => e.kana_key.clone(),
            };
            // Exact and prefix matches from the B-tree first: they always make the list.
            let mut ests = q::establishments_by_prefix(conn, *which, needle, CANDIDATES)?;
            if needle.chars().count() < 3 {
                // Too short for trigrams: also the name right after a legal form
                // (株式会社光… for 光工), each one more index range.
                for form in LEGAL_FORMS {
                    let p = format!("{}{needle}", search_key(form));
                    let room = i64::try_from(MAX_HITS + 1).unwrap_or(CANDIDATES);
                    for e in q::establishments_by_prefix(conn, *which, &p, room)? {
                        if !ests.iter().any(|x| x.id == e.id) {
                            ests.push(e);
                        }
                    }
                }
            }
            if needle.chars().count() >= 3 {
                for e in q::establishments_containing(conn, *which, needle, CANDIDATES)? {
                    if !ests.iter().any(|x| x.id == e.id) {
                        ests.push(e);
                    }
                }
            }
            // Rank on the keys first, then read accounts only for what can be shown.
            ests.sort_by_cached_key(|e| (rank_of(&key_of(e), needle), e.id));
            ests.truncate(MAX_HITS + 1);
            hits_for_establishments(conn, &ests, |e| rank_of(&key_of(e), needle))
        }
        Normal::SeekerNumber(v) => {
            let ids = q::seeker_ids_by_number(conn, v)?;
            hits_for_accounts(conn, &ids, 0)
        }
        Normal::SeekerKana(k, date) => {
            let mut hits = Vec::new();
            for (id, kana) in q::seekers_born_on(conn, date)? {
                let key = kana_search_key(&kana);
                if key.contains(k.as_str())
                    && let Some(a) = storage::accounts::by_id(conn, id)?
                {
                    hits.push(account_hit(conn, &a, rank_of(&key, k))?);
                }
            }
            Ok(hits)
        }
        Normal::Email(key) => {
            let ids = q::account_ids_by_email_key(conn, key)?;
            hits_for_accounts(conn, &ids, 0)
        }
    }
}

/// Live accounts first, then by rank, then by id.
fn order(hits: &mut [Hit]) {
    hits.sort_by_key(|h| {
        (
            h.rank,
            !h.state.is_some_and(AccountState::is_live),
            h.account_id.is_none(),
            h.establishment_id.unwrap_or(i64::MAX),
            h.account_id.unwrap_or(i64::MAX),
        )
    });
}

/// R-ID-1: searches customers; results masked (R-ID-2); one audit row with the purpose, the
/// query (normalised, an email masked) and which customers were listed (R-ID-3).
///
/// # Errors
/// `Invalid` (the query or purpose), `Denied`.
pub fn search(
    store: &mut Store,
    ctx: &Ctx,
    purpose: &str,
    key: &SearchKey,
) -> Result<SearchResult> {
    let purpose = checked_purpose(purpose)?;
    let n = normalise(key)?;
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Lookup)?;
    let mut hits = run_search(&tx, &n)?;
    order(&mut hits);
    let truncated = hits.len() > MAX_HITS;
    hits.truncate(MAX_HITS);
    let listed: Vec<String> = hits.iter().map(Hit::subject).collect();
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "lookup.search",
            subject: (hits.len() == 1).then(|| hits[0].subject()),
            purpose: Some(purpose),
            outcome: if hits.is_empty() { "not_found" } else { "ok" },
            detail: Some(format!(
                "by={} q={} hits={}{} shown=[{}]",
                key.code(),
                query_for_log(&n),
                hits.len(),
                if truncated { "+" } else { "" },
                listed.join(",")
            )),
        },
    )?;
    tx.commit()?;
    Ok(SearchResult { hits, truncated })
}

/// One customer's record as the lookup shows it (masked), with the mail history's newest line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CustomerView {
    pub hit: Hit,
    pub created_at: String,
    pub activated_at: Option<String>,
    pub birth_date_masked: Option<String>,
    /// A change waiting for a supervisor, if any (its id).
    pub pending_change: Option<i64>,
}

fn live_account(conn: &rusqlite::Connection, account_id: i64) -> Result<AccountRow> {
    storage::accounts::by_id(conn, account_id)?.ok_or(ServiceError::NotFound)
}

/// R-ID-5: opens a customer's record (masked); one audit row `lookup.view` with the purpose.
///
/// # Errors
/// `NotFound`, `Invalid` purpose, `Denied`.
pub fn view(store: &mut Store, ctx: &Ctx, purpose: &str, account_id: i64) -> Result<CustomerView> {
    let purpose = checked_purpose(purpose)?;
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::Lookup)?;
    let acc = live_account(&tx, account_id)?;
    let hit = account_hit(&tx, &acc, 0)?;
    let pending_change = q::pending_requests(&tx)?
        .into_iter()
        .find(|r| r.account_id == account_id)
        .map(|r| r.id);
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "lookup.view",
            subject: Some(format!("account:{account_id}")),
            purpose: Some(purpose),
            outcome: "ok",
            detail: Some(format!(
                "shown={} state={}",
                hit.email_masked.as_deref().unwrap_or("-"),
                acc.state.code()
            )),
        },
    )?;
    tx.commit()?;
    Ok(CustomerView {
        hit,
        created_at: acc.created_at,
        activated_at: acc.activated_at,
        birth_date_masked: acc.birth_date.as_deref().map(|d| mask_digits(d, 0)),
        pending_change,
    })
}

/// R-ID-2: the login ID in clear, after the identity check; one audit row `lookup.reveal` with
/// the purpose and the document (the email itself is not written to the log).
///
/// # Errors
/// `NotFound`, `Invalid` purpose, `Denied` (auditors, anyone without the reveal permission).
pub fn reveal(
    store: &mut Store,
    ctx: &Ctx,
    purpose: &str,
    account_id: i64,
    id_check: &IdentityCheck,
) -> Result<String> {
    let purpose = checked_purpose(purpose)?;
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::RevealId)?;
    let acc = live_account(&tx, account_id)?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "lookup.reveal",
            subject: Some(format!("account:{account_id}")),
            purpose: Some(purpose),
            outcome: "ok",
            detail: Some(format!(
                "document={} note={} shown=email_in_full({})",
                id_check.document.code(),
                id_check.note,
                mask_email(&acc.email)
            )),
        },
    )?;
    tx.commit()?;
    Ok(acc.email)
}

/// R-ID-2 alternative: mails 「登録ID（メールアドレス）のお知らせ」 to the registered address; the
/// clerk never sees it. One audit row `lookup.mail_id`.
///
/// # Errors
/// `NotFound`, `Refused` (the account is not live), `Denied`.
pub fn mail_id(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    purpose: &str,
    account_id: i64,
) -> Result<QueuedInfo> {
    let purpose = checked_purpose(purpose)?;
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::RevealId)?;
    let acc = live_account(&tx, account_id)?;
    if !acc.state.is_live() {
        return Err(Refusal::Account(acc.state).into());
    }
    let mail = queue_mail(
        &tx,
        cfg,
        ctx,
        QueuedMail {
            template: Template::IdNotice,
            to: &acc.email,
            account_id: Some(account_id),
            vars: BTreeMap::from([("login_id", acc.email.clone())]),
            auth_key: None,
        },
    )?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "lookup.mail_id",
            subject: Some(format!("account:{account_id}")),
            purpose: Some(purpose),
            outcome: "ok",
            detail: Some(format!(
                "to={} outbox={}",
                mask_email(&acc.email),
                mail.outbox_id
            )),
        },
    )?;
    tx.commit()?;
    Ok(QueuedInfo {
        to: mask_email(&mail.to),
        ..mail
    })
}

/// What an ID change did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ChangeOutcome {
    /// Changed: the new address got a key, both addresses a notice.
    Changed {
        account_id: i64,
        new_email_masked: String,
        key_expires_at: chrono::DateTime<chrono::Utc>,
        replaced_keys: usize,
        cancelled_mails: usize,
    },
    /// Waiting for a supervisor (`[id_change] needs_supervisor`).
    Pending { request_id: i64, account_id: i64 },
}

fn parse_new_email(input: &str) -> Result<Email> {
    Email::parse(input).map_err(|e| match e {
        EmailError::FullWidth { converted } => ServiceError::Invalid(vec![
            FieldIssue::error("new_email", "email_fullwidth").with(converted),
        ]),
        other => invalid("new_email", other.code()),
    })
}

/// R-REG-2 for the new address: not the same, not held by another live account.
fn check_new_email(conn: &rusqlite::Connection, acc: &AccountRow, new: &Email) -> Result<()> {
    if new.key() == crate::domain::email::key_of_stored(&acc.email) {
        return Err(invalid("new_email", "email_same"));
    }
    if let Some(h) = storage::accounts::live_by_email_key(conn, &new.key())?
        && h.id != acc.id
    {
        return Err(ServiceError::EmailInUse {
            account_id: h.id,
            kind: h.kind,
        });
    }
    Ok(())
}

/// R-ID-4: changes the login email after the identity check. With `[id_change]
/// needs_supervisor` the change waits for a supervisor (another staff member) instead. One
/// audit row either way.
///
/// # Errors
/// `Invalid` (address, purpose), `EmailInUse` (R-REG-2), `NotFound`, `Refused` (account not
/// live, a change already pending), `Denied`.
pub fn change_email(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    purpose: &str,
    account_id: i64,
    new_email: &str,
    id_check: &IdentityCheck,
) -> Result<ChangeOutcome> {
    let purpose = checked_purpose(purpose)?;
    let new = parse_new_email(new_email)?;
    if cfg.id_change.needs_supervisor {
        let tx = store.immediate()?;
        let roles = require(&tx, ctx, Permission::ChangeId)?;
        let acc = live_account(&tx, account_id)?;
        if !acc.state.is_live() {
            return Err(Refusal::Account(acc.state).into());
        }
        check_new_email(&tx, &acc, &new)?;
        let request_id = q::insert_request(
            &tx,
            &q::NewChangeRequest {
                account_id,
                new_email: new.as_str(),
                new_email_key: &new.key(),
                document: id_check.document.code(),
                note: &id_check.note,
                purpose: &purpose,
                requested_by: ctx.staff_id,
            },
            ctx.now,
        )
        .map_err(|e| match &e {
            storage::StorageError::Sqlite(s) if is_unique_violation(s) => {
                ServiceError::Refused(Refusal::ChangePending)
            }
            _ => e.into(),
        })?;
        audit(
            &tx,
            ctx,
            Some(&roles),
            Audit {
                action: "account.change_email_request",
                subject: Some(format!("account:{account_id}")),
                purpose: Some(purpose),
                outcome: "pending",
                detail: Some(format!(
                    "request={request_id} old={} new={} document={} note={}",
                    mask_email(&acc.email),
                    mask_email(new.as_str()),
                    id_check.document.code(),
                    id_check.note
                )),
            },
        )?;
        tx.commit()?;
        return Ok(ChangeOutcome::Pending {
            request_id,
            account_id,
        });
    }
    apply_change(
        store,
        cfg,
        ctx,
        Permission::ChangeId,
        &purpose,
        account_id,
        &new,
        &format!(
            "document={} note={}",
            id_check.document.code(),
            id_check.note
        ),
        None,
    )
}

/// Applies the change: new address, old keys dead and their unsent mail cancelled, a fresh
/// `email_change` key for the new address, a notice to each address, one audit row.
#[allow(clippy::too_many_arguments)]
fn apply_change(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    permission: Permission,
    purpose: &str,
    account_id: i64,
    new: &Email,
    evidence: &str,
    request: Option<(i64, i64)>,
) -> Result<ChangeOutcome> {
    let key = crate::domain::authkey::generate(&mut rand::rng());
    let key_hash = store.secret().key_hash(&key);
    let expires = crate::domain::authkey::expires_at(ctx.now);
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, permission)?;
    if let Some((request_id, requested_by)) = request {
        // R-ID-4 four eyes: the approver is not the requester.
        if requested_by == ctx.staff_id {
            return Err(ServiceError::Denied);
        }
        if !q::decide_request(&tx, request_id, true, ctx.staff_id, ctx.now)? {
            return Err(Refusal::ChangeDecided.into());
        }
    }
    let acc = live_account(&tx, account_id)?;
    if !acc.state.is_live() {
        return Err(Refusal::Account(acc.state).into());
    }
    check_new_email(&tx, &acc, new)?;
    q::set_email(&tx, account_id, new.as_str(), &new.key(), ctx.now).map_err(|e| match &e {
        storage::StorageError::Sqlite(s) if is_unique_violation(s) => ServiceError::EmailInUse {
            account_id: 0,
            kind: acc.kind,
        },
        _ => e.into(),
    })?;
    let mut replaced = Vec::new();
    for p in [KeyPurpose::Registration, KeyPurpose::EmailChange] {
        replaced.extend(storage::keys::replace_live(&tx, account_id, p)?);
    }
    let mut cancelled = 0;
    for k in &replaced {
        cancelled += storage::outbox::cancel_unsent_for_key(&tx, *k, "ID変更により取消", ctx.now)?;
    }
    let key_id = storage::keys::insert(
        &tx,
        account_id,
        KeyPurpose::EmailChange,
        &key_hash,
        ctx.now,
        expires,
        Some(ctx.staff_id),
    )?;
    queue_mail(
        &tx,
        cfg,
        ctx,
        QueuedMail {
            template: Template::EmailChangedNew,
            to: new.as_str(),
            account_id: Some(account_id),
            vars: BTreeMap::from([
                ("login_id", new.as_str().to_string()),
                ("auth_key", crate::domain::authkey::format_for_mail(&key)),
                ("key_expires_jst", fmt_jst(expires)),
            ]),
            auth_key: Some((key_id, expires)),
        },
    )?;
    queue_mail(
        &tx,
        cfg,
        ctx,
        QueuedMail {
            template: Template::EmailChangedOld,
            to: &acc.email,
            account_id: Some(account_id),
            vars: BTreeMap::from([
                ("changed_at_jst", fmt_jst(ctx.now)),
                ("new_login_id_masked", mask_email(new.as_str())),
            ]),
            auth_key: None,
        },
    )?;
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "account.change_email",
            subject: Some(format!("account:{account_id}")),
            purpose: Some(purpose.to_string()),
            outcome: "ok",
            detail: Some(format!(
                "old={} new={} {evidence} replaced_keys={} cancelled_mails={cancelled}{}",
                mask_email(&acc.email),
                mask_email(new.as_str()),
                replaced.len(),
                request.map_or_else(String::new, |(id, by)| format!(
                    " request={id} requested_by={by}"
                ))
            )),
        },
    )?;
    tx.commit()?;
    Ok(ChangeOutcome::Changed {
        account_id,
        new_email_masked: mask_email(new.as_str()),
        key_expires_at: expires,
        replaced_keys: replaced.len(),
        cancelled_mails: cancelled,
    })
}

/// ID changes waiting for a supervisor (new addresses masked).
///
/// # Errors
/// `Denied` unless the staff member may approve.
pub fn pending_changes(store: &Store, ctx: &Ctx) -> Result<Vec<q::ChangeRequest>> {
    require(store.conn(), ctx, Permission::ApproveIdChange)?;
    Ok(q::pending_requests(store.conn())?
        .into_iter()
        .map(|mut r| {
            r.new_email = mask_email(&r.new_email);
            r
        })
        .collect())
}

/// R-ID-4: a supervisor other than the requester approves (the change applies now) or rejects.
///
/// # Errors
/// `NotFound`, `Denied` (not a supervisor, or the requester), `Refused` (decided already, the
/// account changed), `EmailInUse`.
pub fn decide_change(
    store: &mut Store,
    cfg: &Config,
    ctx: &Ctx,
    request_id: i64,
    approve: bool,
) -> Result<Option<ChangeOutcome>> {
    let r = q::request_by_id(store.conn(), request_id)?.ok_or(ServiceError::NotFound)?;
    if approve {
        let new = parse_new_email(&r.new_email)?;
        return apply_change(
            store,
            cfg,
            ctx,
            Permission::ApproveIdChange,
            &r.purpose,
            r.account_id,
            &new,
            &format!("document={} note={}", r.document, r.note),
            Some((r.id, r.requested_by)),
        )
        .map(Some);
    }
    let tx = store.immediate()?;
    let roles = require(&tx, ctx, Permission::ApproveIdChange)?;
    if !q::decide_request(&tx, request_id, false, ctx.staff_id, ctx.now)? {
        return Err(Refusal::ChangeDecided.into());
    }
    audit(
        &tx,
        ctx,
        Some(&roles),
        Audit {
            action: "account.change_email_reject",
            subject: Some(format!("account:{}", r.account_id)),
            purpose: Some(r.purpose.clone()),
            outcome: "rejected",
            detail: Some(format!("request={request_id}")),
        },
    )?;
    tx.commit()?;
    Ok(None)
}

/// The account id of the live account holding an address (for `account change-email OLD NEW`).
///
/// # Errors
/// `NotFound`.
pub fn live_account_id(store: &Store, email: &str) -> Result<i64> {
    let key = crate::domain::email::key_of_input(email).ok_or(ServiceError::NotFound)?;
    storage::accounts::live_by_email_key(store.conn(), &key)?
        .map(|a| a.id)
        .ok_or(ServiceError::NotFound)
}
