//! `madoguchi account ...`: counter registration (R-REG-1..6), the account screen's data,
//! re-issue (R-KEY-3) and activation (R-KEY-4, R-KEY-6).

use crate::cli::out::outln;
use chrono::{DateTime, Utc};
use std::fmt::Write as _;

use super::{CliCtx, code, safe};
use crate::clock::{fmt_jst, fmt_jst_hm, from_db, jst_date};
use crate::domain::account::AccountKind;
use crate::domain::authkey::ActivationOutcome;
use crate::domain::staff::Permission;
use crate::i18n::cli::{CliMsg, Label, account_state_label, label, mail_state_label, msg};
use crate::service::accounts::{self, AccountStatus, AccountView, RegisterInput};
use crate::service::cli_support;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    /// 求人者
    Employer,
    /// 求職者
    Seeker,
}

#[derive(Debug, clap::Args)]
pub struct RegisterArgs {
    #[arg(long, value_enum)]
    pub kind: KindArg,
    #[arg(long)]
    pub email: String,
    /// The address typed a second time (R-REG-1); defaults to --email
    #[arg(long)]
    pub email_confirm: Option<String>,
    /// Employer: 事業所番号 when known (4-6-1 digits)
    #[arg(long, default_value = "")]
    pub establishment_number: String,
    /// Seeker: date of birth (1990-04-05, 1990/4/5, 平成2年4月5日, H2.4.5…)
    #[arg(long, default_value = "")]
    pub birth_date: String,
    /// Seeker: 氏名 (kanji)
    #[arg(long, default_value = "")]
    pub name: String,
    /// Seeker: 氏名（カナ）
    #[arg(long, default_value = "")]
    pub kana: String,
    /// Seeker: 求職番号 (5-8 digits)
    #[arg(long, default_value = "")]
    pub seeker_number: String,
    /// Register even though there are warnings (e.g. a free-mail domain, R-REG-3)
    #[arg(long)]
    pub accept_warnings: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum AccountCmd {
    /// Register an account email at the counter: issues an auth key and queues its mail
    Register(RegisterArgs),
    /// State, auth key and every mail of the account (R-REG-6, R-MAIL-5)
    Show {
        email: String,
        /// Why the record is viewed (R-ID-5); goes into the audit log
        #[arg(long, default_value = "問合せ対応")]
        purpose: String,
    },
    /// Re-issue the auth key; the previous key and its unsent mail die (R-KEY-3, R-MAIL-6)
    ReissueKey { email: String },
    /// Record an activation; reads the auth key from stdin (R-KEY-4, R-KEY-6)
    Activate { email: String },
    /// Change the login email after the identity check (R-ID-4): the new address gets a key,
    /// both addresses a notice
    ChangeEmail {
        old: String,
        new: String,
        /// 運転免許証, マイナンバーカード, 健康保険証, 在留カード, 社員証＋名刺, その他
        #[arg(long)]
        document: String,
        #[arg(long)]
        note: String,
        #[arg(long, default_value = "ID照会")]
        purpose: String,
    },
    /// ID changes waiting for a supervisor's approval
    PendingChanges,
    /// Approve another staff member's ID change (supervisor)
    ApproveChange { request_id: i64 },
    /// Reject an ID change waiting for approval (supervisor)
    RejectChange { request_id: i64 },
    /// Live accounts the schema 15 upgrade found with addresses differing only in letter case
    /// (R-REG-2): kept, not merged, for a supervisor to settle
    CaseConflicts,
}

/// # Errors
/// Sign-in failure, refusals of the use cases (see `cli::report`).
pub fn run(cmd: &AccountCmd, ctx: &CliCtx) -> anyhow::Result<i32> {
    match cmd {
        AccountCmd::Register(a) => register(a, ctx),
        AccountCmd::Show { email, purpose } => show(ctx, email, purpose),
        AccountCmd::ReissueKey { email } => reissue(ctx, email),
        AccountCmd::Activate { email } => activate(ctx, email),
        AccountCmd::ChangeEmail {
            old,
            new,
            document,
            note,
            purpose,
        } => super::lookup::change_email(ctx, old, new, document, note, purpose),
        AccountCmd::PendingChanges => super::lookup::decide(ctx, None),
        AccountCmd::ApproveChange { request_id } => {
            super::lookup::decide(ctx, Some((*request_id, true)))
        }
        AccountCmd::RejectChange { request_id } => {
            super::lookup::decide(ctx, Some((*request_id, false)))
        }
        AccountCmd::CaseConflicts => case_conflicts(ctx),
    }
}

/// R-REG-2: the upgrade's case conflicts, masked; one line per account, the holder first.
fn case_conflicts(ctx: &CliCtx) -> anyhow::Result<i32> {
    let s = ctx.session()?;
    let me = s.ctx.at(ctx.now());
    let list = accounts::email_case_conflicts(&ctx.store(), &me)?;
    if ctx.json {
        ctx.print_json(&list)?;
        return Ok(code::OK);
    }
    outln!(
        "{}",
        msg(
            ctx.lang,
            &CliMsg::EmailCaseConflicts {
                accounts: list.len()
            }
        )
    )?;
    for c in list {
        let role = if c.account_id == c.holder_id {
            label(ctx.lang, Label::CaseHolder).to_string()
        } else {
            msg(
                ctx.lang,
                &CliMsg::CaseKeptApart {
                    holder: c.holder_id,
                },
            )
        };
        outln!(
            "account:{}\t{}\t{}\t{}",
            c.account_id,
            safe(&c.email),
            account_state_label(ctx.lang, c.state),
            role
        )?;
    }
    Ok(code::OK)
}

/// The form as typed; `--email-confirm` defaults to `--email`.
#[must_use]
pub fn register_input(a: &RegisterArgs) -> RegisterInput {
    RegisterInput {
        kind: Some(match a.kind {
            KindArg::Employer => AccountKind::Employer,
            KindArg::Seeker => AccountKind::Seeker,
        }),
        email: a.email.clone(),
        email_confirm: a.email_confirm.clone().unwrap_or_else(|| a.email.clone()),
        establishment_number: a.establishment_number.clone(),
        birth_date: a.birth_date.clone(),
        name: a.name.clone(),
        name_kana: a.kana.clone(),
        seeker_number: a.seeker_number.clone(),
        accept_warnings: a.accept_warnings,
    }
}

fn register(a: &RegisterArgs, ctx: &CliCtx) -> anyhow::Result<i32> {
    let s = ctx.session()?;
    let r = accounts::register(
        &mut ctx.store(),
        &ctx.config,
        &s.ctx.at(ctx.now()),
        &register_input(a),
    )?;
    if ctx.json {
        let mut v = serde_json::to_value(&r)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("ok".into(), true.into());
        }
        ctx.print_json(&v)?;
    } else {
        outln!(
            "{}",
            msg(
                ctx.lang,
                &CliMsg::Registered {
                    id: r.account_id,
                    kind: r.kind
                }
            )
        )?;
        outln!("{}: {}", label(ctx.lang, Label::Email), safe(&r.email))?;
        outln!("{}", msg(ctx.lang, &CliMsg::AwaitingRequest))?;
        outln!(
            "{}",
            msg(
                ctx.lang,
                &CliMsg::QueuedMail {
                    subject: &r.mail.subject,
                    id: r.mail.outbox_id
                }
            )
        )?;
    }
    Ok(code::OK)
}

fn jst_text(db: &str) -> String {
    from_db(db).map_or_else(|| safe(db), fmt_jst)
}

/// R-REG-6: the state at a glance ([`AccountView::status`] in words).
fn state_line(ctx: &CliCtx, v: &AccountView, now: DateTime<Utc>) -> String {
    let lang = ctx.lang;
    let at = |t: &Option<String>| t.as_deref().map(jst_text);
    match v.status() {
        AccountStatus::AwaitingRequest => msg(lang, &CliMsg::AwaitingRequest),
        AccountStatus::KeyLive { until } => {
            let until = if jst_date(until) == jst_date(now) {
                fmt_jst_hm(until)
            } else {
                fmt_jst(until)
            };
            msg(lang, &CliMsg::KeyPending { until: &until })
        }
        AccountStatus::KeyExpired { at } => msg(lang, &CliMsg::KeyExpired { at: &fmt_jst(at) }),
        AccountStatus::KeyLocked => msg(lang, &CliMsg::KeyLocked),
        AccountStatus::Provisional {
            completed,
            deadline,
        } => msg(
            lang,
            &CliMsg::ActivatedOn {
                at: &at(&completed).unwrap_or_default(),
                deadline: deadline.as_deref(),
            },
        ),
        AccountStatus::Open { since: t }
        | AccountStatus::Invalid { at: t }
        | AccountStatus::Withdrawn { at: t } => {
            let l = account_state_label(lang, v.account.state);
            at(&t).map_or_else(|| l.to_string(), |t| format!("{l} {t}"))
        }
    }
}

fn show(ctx: &CliCtx, email: &str, purpose: &str) -> anyhow::Result<i32> {
    let s = ctx.session()?;
    let now = ctx.now();
    let v = accounts::show(&mut ctx.store(), &s.ctx.at(now), email, purpose)?;
    let state = state_line(ctx, &v, now);
    if ctx.json {
        let mut j = serde_json::to_value(&v)?;
        if let Some(o) = j.as_object_mut() {
            o.insert(
                "key_expired".into(),
                matches!(v.status(), AccountStatus::KeyExpired { .. }).into(),
            );
            o.insert("status".into(), serde_json::to_value(v.status())?);
            o.insert("state_text".into(), state.into());
        }
        ctx.print_json(&j)?;
        return Ok(code::OK);
    }
    let lang = ctx.lang;
    let a = &v.account;
    let l = |x| label(lang, x);
    outln!(
        "{}",
        msg(
            lang,
            &CliMsg::AccountHeading {
                id: a.id,
                kind: a.kind
            }
        )
    )?;
    outln!("{}: {}", l(Label::Email), safe(&a.email))?;
    outln!("{}: {}", l(Label::State), state)?;
    outln!(
        "{}: {}",
        l(Label::Origin),
        crate::i18n::cli::origin_label(lang, a.origin)
    )?;
    let fields = [
        ("establishment_number", &a.establishment_number),
        ("seeker_number", &a.seeker_number),
        ("name", &a.name),
        ("name_kana", &a.name_kana),
        ("birth_date", &a.birth_date),
    ];
    for (f, val) in fields {
        if let Some(x) = val {
            outln!(
                "{}: {}",
                crate::i18n::fields::field_label(lang, crate::i18n::fields::FieldSet::Form, f),
                safe(x)
            )?;
        }
    }
    outln!("{}:", l(Label::Mails))?;
    if v.mails.is_empty() {
        outln!("  {}", l(Label::NoMails))?;
    }
    for m in &v.mails {
        let mut line = format!(
            "  #{} {} [{}] {}",
            m.id,
            jst_text(&m.created_at),
            mail_state_label(lang, m.state),
            safe(&m.subject)
        );
        if let Some(r) = &m.last_reply {
            let _ = write!(
                line,
                " — {}",
                safe(&crate::i18n::delivery::explain(lang, r))
            );
        }
        outln!("{line}")?;
    }
    Ok(code::OK)
}

fn reissue(ctx: &CliCtx, email: &str) -> anyhow::Result<i32> {
    let s = ctx.session()?;
    let sctx = s.ctx.at(ctx.now());
    let id = cli_support::live_account_id(&ctx.store(), &sctx, Permission::ReissueKey, email)?;
    let r = accounts::reissue_key(&mut ctx.store(), &ctx.config, &sctx, id)?;
    let expires = fmt_jst(r.key_expires_at);
    if ctx.json {
        let mut v = serde_json::to_value(&r)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("ok".into(), true.into());
            o.insert("key_expires_jst".into(), expires.into());
        }
        ctx.print_json(&v)?;
    } else {
        outln!(
            "{}",
            msg(
                ctx.lang,
                &CliMsg::Reissued {
                    cancelled: r.cancelled_mails
                }
            )
        )?;
        outln!("{}", msg(ctx.lang, &CliMsg::KeyValidUntil { at: &expires }))?;
        outln!(
            "{}",
            msg(
                ctx.lang,
                &CliMsg::QueuedMail {
                    subject: &r.mail.subject,
                    id: r.mail.outbox_id
                }
            )
        )?;
    }
    Ok(code::OK)
}

fn activate(ctx: &CliCtx, email: &str) -> anyhow::Result<i32> {
    let s = ctx.session()?;
    let key = super::prompt::auth_key(ctx.lang)?;
    let (outcome, r) = accounts::activate(&mut ctx.store(), &s.ctx.at(ctx.now()), email, &key)?;
    if ctx.json {
        ctx.print_json(&r)?;
    } else {
        outln!(
            "{}",
            msg(
                ctx.lang,
                &CliMsg::Activation {
                    outcome: &r.outcome,
                    tries_left: r.tries_left,
                    deadline: r.provisional_deadline.as_deref(),
                }
            )
        )?;
    }
    Ok(if outcome == ActivationOutcome::Activated {
        code::OK
    } else {
        code::REFUSED
    })
}
