//! `madoguchi queue …`, `madoguchi review …`, `madoguchi visit record …`, `madoguchi sweep`
//! (SPEC §2.3, R-REV-1..6, R-VISIT-1, R-DL-3). The same service functions as the TUI.

use crate::cli::out::outln;
use crate::domain::ids::SubmissionId;
use chrono::NaiveDate;

use super::{CliCtx, code, safe};
use crate::domain::queue::{Queue, Sort};
use crate::service::review::{self, Outcome};
use crate::service::{queue, sweep};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum QueueArg {
    Unassigned,
    Mine,
    Overdue,
    DueSoon,
    Checked,
    Returned,
    Visit,
}

impl From<QueueArg> for Queue {
    fn from(q: QueueArg) -> Queue {
        match q {
            QueueArg::Unassigned => Queue::Unassigned,
            QueueArg::Mine => Queue::Mine,
            QueueArg::Overdue => Queue::Overdue,
            QueueArg::DueSoon => Queue::DueSoon,
            QueueArg::Checked => Queue::Checked,
            QueueArg::Returned => Queue::Returned,
            QueueArg::Visit => Queue::Visit,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SortArg {
    Deadline,
    Received,
    Name,
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Deadline => Sort::Deadline,
            SortArg::Received => Sort::Received,
            SortArg::Name => Sort::Name,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum QueueCmd {
    /// One work list, sorted by deadline by default (R-REV-6)
    List {
        #[arg(long, value_enum, default_value = "unassigned")]
        queue: QueueArg,
        #[arg(long, value_enum, default_value = "deadline")]
        sort: SortArg,
        /// Name, kana or number contains TEXT
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// How many items each list holds
    Counts,
    /// Supervisor dashboard
    Dashboard,
}

#[derive(Debug, clap::Subcommand)]
pub enum ReviewCmd {
    /// 確認 with the checklist ticked (all items; see `--tick help`)
    Check {
        id: SubmissionId,
        /// Checklist codes, comma separated: identity,conditions,lawful,findings,contact
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "identity,conditions,lawful,findings,contact"
        )]
        tick: Vec<String>,
        /// The item's version as `review show` (更新番号) or `queue list --json` gave it
        /// (R-REV-5): refused when the item changed since
        #[arg(long, value_name = "N")]
        seen: i64,
    },
    /// 本登録 (supervisor; not the checker); several IDs are done one by one
    Approve {
        #[arg(required = true)]
        ids: Vec<SubmissionId>,
        /// Each item's version (更新番号, R-REV-5) from `review show`, in the order of the IDs,
        /// comma separated: an item changed since is refused
        #[arg(long, value_name = "N,..", value_delimiter = ',', required = true)]
        seen: Vec<i64>,
    },
    /// 差戻し with a listed reason (number or text) and free text; several IDs one by one
    Return {
        #[arg(required = true)]
        ids: Vec<SubmissionId>,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value = "")]
        text: String,
        /// Each item's version (更新番号, R-REV-5) from `review show`, in the order of the IDs,
        /// comma separated: an item changed since is refused
        #[arg(long, value_name = "N,..", value_delimiter = ',', required = true)]
        seen: Vec<i64>,
    },
    /// 不受理 (supervisor) with a listed reason and free text
    Reject {
        id: SubmissionId,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value = "")]
        text: String,
        /// The item's version as `review show` (更新番号) or `queue list --json` gave it
        /// (R-REV-5): refused when the item changed since
        #[arg(long, value_name = "N")]
        seen: i64,
    },
    /// 担当する
    Claim {
        id: SubmissionId,
        /// The item's version as `review show` (更新番号) or `queue list --json` gave it
        /// (R-REV-5): refused when the item changed since
        #[arg(long, value_name = "N")]
        seen: i64,
    },
    /// 担当を外す
    Release {
        id: SubmissionId,
        /// The item's version as `review show` (更新番号) or `queue list --json` gave it
        /// (R-REV-5): refused when the item changed since
        #[arg(long, value_name = "N")]
        seen: i64,
    },
    /// Hand the item to a colleague
    Handover {
        id: SubmissionId,
        #[arg(long)]
        to: String,
        /// The item's version as `review show` (更新番号) or `queue list --json` gave it
        /// (R-REV-5): refused when the item changed since
        #[arg(long, value_name = "N")]
        seen: i64,
    },
    /// Add a comment
    Comment {
        id: SubmissionId,
        text: String,
        /// The item's version as `review show` (更新番号) or `queue list --json` gave it
        /// (R-REV-5): refused when the item changed since
        #[arg(long, value_name = "N")]
        seen: i64,
    },
    /// Set (or clear without --date) the follow-up date
    FollowUp {
        id: SubmissionId,
        #[arg(long, value_parser = super::date_arg)]
        date: Option<NaiveDate>,
        /// The item's version as `review show` (更新番号) or `queue list --json` gave it
        /// (R-REV-5): refused when the item changed since
        #[arg(long, value_name = "N")]
        seen: i64,
    },
    /// The item in full (audited with its purpose)
    Show {
        id: SubmissionId,
        #[arg(long, default_value = "本登録審査")]
        purpose: String,
    },
    /// The configured reasons for return and reject
    Reasons,
}

#[derive(Debug, clap::Subcommand)]
pub enum VisitCmd {
    /// Record the counter visit (R-VISIT-1); today unless --date
    Record {
        id: SubmissionId,
        #[arg(long, value_parser = super::date_arg)]
        date: Option<NaiveDate>,
        /// The item's version as `review show` (更新番号) or `queue list --json` gave it
        /// (R-REV-5): refused when the item changed since
        #[arg(long, value_name = "N")]
        seen: i64,
    },
    /// Staff flag: the item needs a visit
    Flag {
        id: SubmissionId,
        note: String,
        /// The item's version as `review show` (更新番号) or `queue list --json` gave it
        /// (R-REV-5): refused when the item changed since
        #[arg(long, value_name = "N")]
        seen: i64,
    },
}

/// # Errors
/// Sign-in, `Denied`, storage failures.
pub fn run_queue(cmd: &QueueCmd, ctx: &CliCtx) -> anyhow::Result<i32> {
    let s = ctx.session()?;
    let actor = s.ctx.at(ctx.now());
    let store = ctx.store();
    match cmd {
        QueueCmd::List {
            queue: q,
            sort,
            filter,
            limit,
        } => {
            let lines = queue::list(
                &store,
                &actor,
                (*q).into(),
                (*sort).into(),
                filter.as_deref().unwrap_or(""),
                *limit,
            )?;
            if ctx.json {
                ctx.print_json(&lines)?;
            } else {
                for l in &lines {
                    let r = &l.row;
                    outln!(
                        "{:>6}  {:<13} {:<6} {:<10} {:>4}  {}  {}",
                        r.id,
                        crate::i18n::labels::submission_kind_label(ctx.lang, r.kind),
                        crate::i18n::labels::submission_state_label(ctx.lang, r.state),
                        r.deadline.as_deref().unwrap_or("-"),
                        l.days_left.map_or("-".into(), |d| d.to_string()),
                        safe(&r.display_name),
                        safe(r.establishment_name.as_deref().unwrap_or("")),
                    )?;
                }
            }
        }
        QueueCmd::Counts => {
            let c = queue::counts(&store, &actor)?;
            if ctx.json {
                let m: serde_json::Map<String, serde_json::Value> = c
                    .iter()
                    .map(|(q, n)| (q.code().to_string(), (*n).into()))
                    .collect();
                ctx.print_json(&m)?;
            } else {
                for (q, n) in c {
                    outln!("{:<12} {n}", q.code())?;
                }
            }
        }
        QueueCmd::Dashboard => {
            let d = queue::dashboard(&store, &actor)?;
            if ctx.json {
                ctx.print_json(&d)?;
            } else {
                for (q, n) in &d.counts {
                    outln!("{:<12} {n}", q.code())?;
                }
                for (who, a, n) in &d.throughput {
                    outln!("{} {} {n}", safe(who), safe(a))?;
                }
            }
        }
    }
    Ok(code::OK)
}

fn print_outcome(ctx: &CliCtx, o: &Outcome) -> anyhow::Result<()> {
    if ctx.json {
        return ctx.print_json(o);
    }
    outln!(
        "#{} {} -> {}",
        o.id,
        o.action,
        crate::i18n::labels::submission_state_label(ctx.lang, o.state)
    )?;
    for r in &o.registered {
        outln!(
            "  #{} {} {}",
            r.id,
            crate::i18n::labels::submission_kind_label(ctx.lang, r.kind),
            r.number
        )?;
    }
    for (id, why) in &o.skipped {
        outln!("  #{id} skipped: {why}")?;
    }
    for m in &o.mails {
        outln!("  mail: {}", safe(m))?;
    }
    Ok(())
}

/// # Errors
/// Sign-in, refusals (exit 3/4), storage failures.
pub fn run_review(cmd: &ReviewCmd, ctx: &CliCtx) -> anyhow::Result<i32> {
    if let ReviewCmd::Reasons = cmd {
        if ctx.json {
            ctx.print_json(&serde_json::json!({
                "return": ctx.config.review.return_reasons,
                "reject": ctx.config.review.reject_reasons,
            }))?;
        } else {
            for (i, r) in ctx.config.review.return_reasons.iter().enumerate() {
                outln!("return {}: {}", i + 1, safe(r))?;
            }
            for (i, r) in ctx.config.review.reject_reasons.iter().enumerate() {
                outln!("reject {}: {}", i + 1, safe(r))?;
            }
        }
        return Ok(code::OK);
    }
    let s = ctx.session()?;
    let a = s.ctx.at(ctx.now());
    let cfg = &ctx.config;
    let mut store = ctx.store();
    // Several items: each its own transaction; a refusal is reported and the rest go on.
    let batch: Option<(&Vec<SubmissionId>, &Vec<i64>, bool)> = match cmd {
        ReviewCmd::Approve { ids, seen } => Some((ids, seen, true)),
        ReviewCmd::Return { ids, seen, .. } => Some((ids, seen, false)),
        _ => None,
    };
    if let Some((ids, seen, approve)) = batch {
        // R-REV-5: one version per item, as `review show` gave it.
        if seen.len() != ids.len() {
            return Err(crate::service::ServiceError::Invalid(vec![
                crate::service::FieldIssue::error("seen", "seen_count").with(ids.len().to_string()),
            ])
            .into());
        }
        let mut refused = 0;
        for (id, seen) in ids.iter().zip(seen) {
            let a = s.ctx.at(ctx.now());
            let seen = Some(*seen);
            let r = match cmd {
                ReviewCmd::Return { reason, text, .. } => {
                    review::return_item(&mut store, cfg, &a, *id, reason, text, seen)
                }
                _ if approve => review::approve(&mut store, cfg, &a, *id, seen),
                _ => continue,
            };
            match r {
                Ok(o) => print_outcome(ctx, &o)?,
                Err(
                    e @ (crate::service::ServiceError::Refused(_)
                    | crate::service::ServiceError::NotFound),
                ) => {
                    refused += 1;
                    eprintln!(
                        "#{id}: {}",
                        super::safe(&crate::i18n::cli::error_message(ctx.lang, &e))
                    );
                }
                Err(e) => return Err(e.into()),
            }
        }
        return Ok(if refused == 0 {
            code::OK
        } else {
            code::REFUSED
        });
    }
    let o = match cmd {
        ReviewCmd::Check { id, tick, seen } => {
            review::check(&mut store, &a, *id, tick, Some(*seen))?
        }
        ReviewCmd::Approve { .. } | ReviewCmd::Return { .. } => return Ok(code::OK),
        ReviewCmd::Reject {
            id,
            reason,
            text,
            seen,
        } => review::reject(&mut store, cfg, &a, *id, reason, text, Some(*seen))?,
        ReviewCmd::Claim { id, seen } => review::claim(&mut store, &a, *id, Some(*seen))?,
        ReviewCmd::Release { id, seen } => review::release(&mut store, &a, *id, Some(*seen))?,
        ReviewCmd::Handover { id, to, seen } => {
            review::hand_over(&mut store, &a, *id, to, Some(*seen))?
        }
        ReviewCmd::Comment { id, text, seen } => {
            review::comment(&mut store, &a, *id, text, Some(*seen))?
        }
        ReviewCmd::FollowUp { id, date, seen } => {
            review::follow_up(&mut store, &a, *id, *date, Some(*seen))?
        }
        ReviewCmd::Show { id, purpose } => {
            let d = review::detail(&mut store, &a, *id, purpose, ctx.lang)?;
            if ctx.json {
                ctx.print_json(&d)?;
            } else {
                outln!(
                    "#{} {} {} {}",
                    d.id,
                    crate::i18n::labels::submission_kind_label(ctx.lang, d.kind),
                    crate::i18n::labels::submission_state_label(ctx.lang, d.state),
                    safe(&d.display_name)
                )?;
                let t = |m: crate::i18n::ui::Msg| m.text(ctx.lang);
                // SPEC §9: words and Japan time only, never a debug form.
                // R-REV-5: what every action on the item carries (`--seen`).
                outln!("{}: {}", t(crate::i18n::ui::Msg::LabelItemRev), d.rev)?;
                let deadline = d.deadline.as_deref().unwrap_or("-");
                let deadline = d.days_left.map_or(deadline.to_string(), |n| {
                    crate::i18n::labels::with_paren(
                        ctx.lang,
                        deadline,
                        format!("{} {n}", t(crate::i18n::ui::Msg::LabelOpenDaysLeft)),
                    )
                });
                outln!("{}: {deadline}", t(crate::i18n::ui::Msg::LabelItemDeadline),)?;
                for r in &d.visit_reasons {
                    let r = crate::i18n::labels::visit_reason(ctx.lang, &r.code, &r.label);
                    outln!(
                        "{}: {}",
                        t(crate::i18n::ui::Msg::LabelVisitReason),
                        safe(&r)
                    )?;
                }
                for (k, v) in &d.fields {
                    outln!("  {k}: {}", safe(v))?;
                }
                for h in &d.history {
                    let at =
                        crate::clock::from_db(&h.at).map_or(h.at.clone(), crate::clock::fmt_jst);
                    let what = crate::i18n::ui::history_action(&h.action)
                        .map_or_else(|| safe(&h.action), |m| t(m).to_string());
                    outln!(
                        "  {at} {} {what}",
                        safe(
                            h.staff_name
                                .as_deref()
                                .unwrap_or(t(crate::i18n::ui::Msg::LabelSystem))
                        )
                    )?;
                }
            }
            return Ok(code::OK);
        }
        ReviewCmd::Reasons => return Ok(code::OK),
    };
    print_outcome(ctx, &o)?;
    Ok(code::OK)
}

/// # Errors
/// Sign-in, refusals, storage failures.
pub fn run_visit(cmd: &VisitCmd, ctx: &CliCtx) -> anyhow::Result<i32> {
    let s = ctx.session()?;
    let a = s.ctx.at(ctx.now());
    let mut store = ctx.store();
    let o = match cmd {
        VisitCmd::Record { id, date, seen } => {
            let d = date.unwrap_or_else(|| crate::clock::jst_date(a.now));
            review::record_visit(&mut store, &a, *id, d, Some(*seen))?
        }
        VisitCmd::Flag { id, note, seen } => {
            review::flag_visit(&mut store, &a, *id, note, Some(*seen))?
        }
    };
    print_outcome(ctx, &o)?;
    Ok(code::OK)
}

/// `madoguchi sweep`: runs as the system (no sign-in), like `mail sync`.
///
/// # Errors
/// Storage failures.
pub fn run_sweep(ctx: &CliCtx) -> anyhow::Result<i32> {
    let now = ctx.now();
    let r = sweep::run(&mut ctx.store(), &ctx.config, now)?;
    // Also brings the queue filter's search index up to date (cron-friendly).
    let indexed = crate::service::queue::maintain_search(&ctx.store())?;
    tracing::info!(items = indexed, "search index caught up");
    crate::storage::settings::set(
        ctx.store().conn(),
        sweep::LAST_RUN_KEY,
        &crate::clock::to_db(now),
    )?;
    // R-AUD-2 retention, when configured: from a signed cut point.
    let t = crate::service::audit::trim_scheduled(
        &mut ctx.store(),
        ctx.config.audit.retention_days,
        now,
    )?;
    if t.removed > 0 {
        eprintln!(
            "{}",
            crate::i18n::cli::msg(
                ctx.lang,
                &crate::i18n::cli::CliMsg::AuditTrimmed {
                    removed: t.removed,
                    first_kept: t.first_kept
                }
            )
        );
    }
    if ctx.json {
        ctx.print_json(&r)?;
    } else {
        outln!(
            "invalidated {} / expired {} / purged submissions {} establishments {} accounts {} / reminders {} / cancelled mails {}",
            r.invalidated_accounts,
            r.expired_submissions,
            r.purged_submissions,
            r.purged_establishments,
            r.purged_accounts,
            r.reminders,
            r.cancelled_mails
        )?;
    }
    Ok(code::OK)
}
