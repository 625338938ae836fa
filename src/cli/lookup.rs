//! `madoguchi lookup ...` (R-ID-1..5) and `madoguchi account change-email ...` (R-ID-4).

use super::{CliCtx, code, safe};
use crate::cli::out::outln;
use crate::domain::account::AccountKind;
use crate::domain::ids::AccountId;
use crate::domain::lookup::IdentityCheck;
use crate::i18n::Lang;
use crate::i18n::cli::{account_state_label, kind_label, lookup_word};
use crate::i18n::labels::document_named;
use crate::service::lookup::{self, ChangeOutcome, Hit, SearchKey};
use crate::service::{FieldIssue, ServiceError};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LookupArgs {
    #[command(subcommand)]
    pub cmd: Option<LookupCmd>,
    /// 事業所番号 (4-6-1)
    #[arg(long)]
    pub establishment_number: Option<String>,
    /// 法人番号 (13 digits)
    #[arg(long)]
    pub corporate_number: Option<String>,
    /// Establishment name, partial (width, kana kind and spaces ignored)
    #[arg(long)]
    pub name: Option<String>,
    /// Establishment name in kana, partial
    #[arg(long)]
    pub kana: Option<String>,
    /// Phone number (10 or 11 digits)
    #[arg(long)]
    pub phone: Option<String>,
    /// Postal code (3-4 digits)
    #[arg(long)]
    pub postal: Option<String>,
    /// 求職番号 (5-8 digits)
    #[arg(long)]
    pub seeker_number: Option<String>,
    /// 求人番号 of a registered job offer (5-8 digits): its establishment and accounts
    #[arg(long)]
    pub job_number: Option<String>,
    /// Job seeker's name in kana (with --birth-date)
    #[arg(long, requires = "birth_date")]
    pub kana_name: Option<String>,
    /// Job seeker's date of birth (1990-04-05, 1990/4/5, 平成2年4月5日, H2.4.5…)
    #[arg(long)]
    pub birth_date: Option<String>,
    /// The address the visitor thinks it is (shown masked)
    #[arg(long)]
    pub email: Option<String>,
    /// Why the records are looked at (R-ID-5); goes into the audit log
    #[arg(long, default_value = "ID照会")]
    pub purpose: String,
    /// Show this account's login ID in clear after the identity check (R-ID-2)
    #[arg(long, value_name = "ACCOUNT_ID", requires_all = ["document", "note"])]
    pub reveal: Option<AccountId>,
    /// Identity document: 運転免許証, マイナンバーカード, 健康保険証, 在留カード, 社員証＋名刺, その他
    #[arg(long)]
    pub document: Option<String>,
    /// What was checked (e.g. 番号末尾1234 氏名・生年月日一致)
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum LookupCmd {
    /// Mail 「登録ID（メールアドレス）のお知らせ」 to the account's registered address
    MailId {
        account_id: AccountId,
        #[arg(long, default_value = "ID照会")]
        purpose: String,
    },
}

fn key_of(a: &LookupArgs) -> Option<SearchKey> {
    let s = |v: &Option<String>| v.clone();
    if let Some(k) = s(&a.kana_name) {
        return Some(SearchKey::SeekerKana {
            kana: k,
            birth_date: a.birth_date.clone().unwrap_or_default(),
        });
    }
    s(&a.establishment_number)
        .map(SearchKey::EstablishmentNumber)
        .or_else(|| s(&a.corporate_number).map(SearchKey::CorporateNumber))
        .or_else(|| s(&a.name).map(SearchKey::Name))
        .or_else(|| s(&a.kana).map(SearchKey::Kana))
        .or_else(|| s(&a.phone).map(SearchKey::Phone))
        .or_else(|| s(&a.postal).map(SearchKey::Postal))
        .or_else(|| s(&a.seeker_number).map(SearchKey::SeekerNumber))
        .or_else(|| s(&a.job_number).map(SearchKey::JobNumber))
        .or_else(|| s(&a.email).map(SearchKey::Email))
}

fn hit_line(lang: Lang, h: &Hit) -> String {
    let opt = |v: &Option<String>| v.as_deref().map_or_else(|| "-".to_string(), safe);
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        h.account_id.map_or_else(|| "-".into(), |i| i.to_string()),
        kind_label(lang, h.kind),
        h.state.map_or("-", |s| account_state_label(lang, s)),
        opt(&h.email_masked),
        if h.kind == AccountKind::Seeker {
            opt(&h.seeker_number)
        } else {
            opt(&h.establishment_number)
        },
        safe(&h.name),
        safe(&h.name_kana),
        opt(&h.phone_masked),
    )
}

pub(crate) fn identity(
    document: Option<&str>,
    note: Option<&str>,
) -> anyhow::Result<IdentityCheck> {
    IdentityCheck::new(document_named(document.unwrap_or("")), note.unwrap_or(""))
        .map_err(|(field, c)| ServiceError::Invalid(vec![FieldIssue::error(field, c)]).into())
}

/// # Errors
/// Sign-in failure, refusals of the use cases.
pub fn run(a: &LookupArgs, ctx: &CliCtx) -> anyhow::Result<i32> {
    let s = ctx.session()?;
    let me = s.ctx.at(ctx.now());
    if let Some(LookupCmd::MailId {
        account_id,
        purpose,
    }) = &a.cmd
    {
        let m = lookup::mail_id(&mut ctx.store(), &ctx.config, &me, purpose, *account_id)?;
        if ctx.json {
            ctx.print_json(&serde_json::json!({"ok": true, "mail": m}))?;
        } else {
            outln!(
                "{} ({} #{})",
                lookup_word(ctx.lang, "mailed"),
                safe(&m.to),
                m.outbox_id
            )?;
        }
        return Ok(code::OK);
    }
    let key = key_of(a);
    if key.is_none() && a.reveal.is_none() {
        return Err(super::Exit::new(code::USAGE, lookup_word(ctx.lang, "need_key")).into());
    }
    let mut out = serde_json::Map::new();
    if let Some(k) = key {
        let r = lookup::search(&mut ctx.store(), &me, &a.purpose, &k)?;
        if ctx.json {
            out.insert("hits".into(), serde_json::to_value(&r.hits)?);
            out.insert("truncated".into(), r.truncated.into());
        } else {
            if r.hits.is_empty() {
                outln!("{}", lookup_word(ctx.lang, "no_hits"))?;
            }
            for h in &r.hits {
                outln!("{}", hit_line(ctx.lang, h))?;
            }
            if r.truncated {
                outln!("{}", lookup_word(ctx.lang, "truncated"))?;
            }
        }
    }
    if let Some(id) = a.reveal {
        let check = identity(a.document.as_deref(), a.note.as_deref())?;
        let email = lookup::reveal(&mut ctx.store(), &me, &a.purpose, id, &check)?;
        if ctx.json {
            out.insert(
                "revealed".into(),
                serde_json::json!({"account_id": id, "email": email}),
            );
        } else {
            outln!(
                "{} #{id}: {}",
                lookup_word(ctx.lang, "revealed"),
                safe(&email)
            )?;
        }
    }
    if ctx.json {
        out.insert("ok".into(), true.into());
        out.insert(
            "password_note".into(),
            lookup_word(ctx.lang, "password_note").into(),
        );
        ctx.print_json(&serde_json::Value::Object(out))?;
    } else {
        outln!("{}", lookup_word(ctx.lang, "password_note"))?;
    }
    Ok(code::OK)
}

/// `account change-email OLD NEW --document --note [--purpose]` (R-ID-4).
///
/// # Errors
/// Sign-in failure, refusals of the use case.
pub fn change_email(
    ctx: &CliCtx,
    old: &str,
    new: &str,
    document: &str,
    note: &str,
    purpose: &str,
) -> anyhow::Result<i32> {
    let s = ctx.session()?;
    let me = s.ctx.at(ctx.now());
    let check = identity(Some(document), Some(note))?;
    let id = lookup::live_account_id(&ctx.store(), old)?;
    let out = lookup::change_email(&mut ctx.store(), &ctx.config, &me, purpose, id, new, &check)?;
    print_change(ctx, &out)
}

fn print_change(ctx: &CliCtx, out: &ChangeOutcome) -> anyhow::Result<i32> {
    if ctx.json {
        ctx.print_json(out)?;
        return Ok(code::OK);
    }
    match out {
        ChangeOutcome::Changed {
            account_id,
            new_email_masked,
            key_expires_at,
            ..
        } => {
            outln!("{}", lookup_word(ctx.lang, "changed"))?;
            outln!(
                "#{account_id} {new_email_masked} ({})",
                crate::clock::fmt_jst(*key_expires_at)
            )?;
        }
        ChangeOutcome::Pending { request_id, .. } => {
            outln!("{}: {request_id}", lookup_word(ctx.lang, "pending"))?;
        }
    }
    Ok(code::OK)
}

/// `account pending-changes`, `account approve-change ID`, `account reject-change ID`.
///
/// # Errors
/// Sign-in failure, refusals of the use case.
pub fn decide(ctx: &CliCtx, request: Option<(i64, bool)>) -> anyhow::Result<i32> {
    let s = ctx.session()?;
    let me = s.ctx.at(ctx.now());
    let Some((id, approve)) = request else {
        let list = lookup::pending_changes(&ctx.store(), &me)?;
        if ctx.json {
            ctx.print_json(&list)?;
        } else {
            for r in list {
                outln!(
                    "{}\taccount:{}\t{}\t{}\t{}\tstaff:{}",
                    r.id,
                    r.account_id,
                    safe(&r.new_email),
                    safe(&r.purpose),
                    safe(&r.requested_at),
                    r.requested_by
                )?;
            }
        }
        return Ok(code::OK);
    };
    if let Some(out) = lookup::decide_change(&mut ctx.store(), &ctx.config, &me, id, approve)? {
        print_change(ctx, &out)
    } else {
        outln!("{}", lookup_word(ctx.lang, "rejected"))?;
        Ok(code::OK)
    }
}
