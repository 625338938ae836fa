//! R-ID-1 search: what a clerk may search by, the query normalised (kana, width, spacing,
//! legal forms), the hits from establishments and accounts, ranked exact, prefix, contained.
//! Apart from the record and the change because it reads many rows and changes none.

use crate::domain::account::{AccountKind, AccountState};
use crate::domain::ids::AccountId;
use crate::domain::kana::{kana_search_key, search_key};
use crate::domain::mask::{mask_digits, mask_email, mask_name, mask_phone};
use crate::domain::numbers;
use crate::domain::staff::Permission;
use crate::service::{Audit, Ctx, Result, audit, require};
use crate::storage::accounts::AccountRow;
use crate::storage::lookup::{self as q, EstablishmentHit, ExactKey, NameKey};
use crate::storage::{self, Store};

use super::{checked_purpose, invalid};

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
    pub account_id: Option<AccountId>,
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

pub(super) fn account_hit(conn: &rusqlite::Connection, a: &AccountRow, rank: u8) -> Result<Hit> {
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

fn hits_for_accounts(conn: &rusqlite::Connection, ids: &[AccountId], rank: u8) -> Result<Vec<Hit>> {
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
    ids: Vec<AccountId>,
    est: Option<&EstablishmentHit>,
) -> Result<()> {
    let extra: Vec<AccountId> = ids
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
            h.account_id.map_or(i64::MAX, AccountId::get),
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
