//! 窓口登録 (R-REG-1..6): the registration form's input, its validation (every field issue at
//! once, warnings the clerk confirms) and the registration itself with its first mail. Apart
//! from the keys because a form's rules and a key's life change for different reasons.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::clock::jst_date;
use crate::config::Config;
use crate::domain::account::{AccountKind, AccountOrigin, MAX_ADDITIONAL_ACCOUNTS};
use crate::domain::email::{self, Email, EmailError};
use crate::domain::ids::AccountId;
use crate::domain::mask::mask_email;
use crate::domain::staff::Permission;
use crate::domain::{kana, numbers};
use crate::mail::template::Template;
use crate::service::{
    Audit, Ctx, FieldIssue, QueuedInfo, QueuedMail, Result, ServiceError, audit, queue_mail,
    require,
};
use crate::storage::accounts::NewAccount;
use crate::storage::{self, Store};

use super::insert_account;

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
    pub account_id: AccountId,
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
    let ok = email.is_some()
        && !issues
            .iter()
            .any(|x| x.severity == crate::service::Severity::Error);
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
    let blocking = issues
        .iter()
        .any(|x| x.severity == crate::service::Severity::Error)
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
        &QueuedMail {
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
                    .any(|x| x.field == field && x.severity == crate::service::Severity::Error),
                "{field}: {issues:?}"
            );
        }
    }
}
