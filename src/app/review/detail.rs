//! The submission detail and its actions (R-REV-1..5, R-VISIT-1): opening it with a purpose
//! (R-ID-5), the keys, the confirm step of each action and running it with the version the
//! clerk saw; the dialogs themselves are `dialog.rs`.

use std::cell::Cell;
use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::app::form::{Field, Form};
use crate::app::keymap::Action;
use crate::app::{App, Overlay, Pending, Screen, Tone, purpose};
use crate::domain::ids::{AccountId, SubmissionId};
use crate::domain::refusal::Refusal;
use crate::i18n::Lang;
use crate::i18n::ui::Msg;
use crate::service::review::{self, Detail};
use crate::service::{Ctx, ServiceError};
use crate::storage::Store;

use super::dialog::{Checklist, Dialog};
use super::dialog::{
    act_checklist, act_input, act_picker, ask_colleague, checklist_missing, dialog_form,
};

#[derive(Debug)]
pub struct DetailView {
    pub detail: Detail,
    pub scroll: u16,
    /// The furthest scroll the last drawing could show (the end of the text at the bottom),
    /// left by the drawing like ratatui's own list offsets, so Down stops there instead of
    /// scrolling on into nothing (and Up then seeming dead).
    pub scroll_end: Cell<u16>,
    /// Some while an action asks for its input; the detail stays drawn underneath.
    pub dialog: Option<Dialog>,
}

impl DetailView {
    #[must_use]
    pub fn new(detail: Detail) -> DetailView {
        DetailView {
            detail,
            scroll: 0,
            scroll_end: Cell::new(u16::MAX),
            dialog: None,
        }
    }

    pub fn reload(&mut self, store: &Store, ctx: &Ctx, lang: Lang) {
        if let Ok(d) = review::reread(store, ctx, self.detail.id, lang) {
            self.detail = d;
        }
    }

    /// The dialog's form, when it has one (its keys are the form keys).
    #[must_use]
    pub fn form(&self) -> Option<&Form> {
        match &self.dialog {
            Some(Dialog::Reason(_, f) | Dialog::Comment(f) | Dialog::FollowUp(f)) => Some(f),
            _ => None,
        }
    }

    pub fn form_mut(&mut self) -> Option<&mut Form> {
        match &mut self.dialog {
            Some(Dialog::Reason(_, f) | Dialog::Comment(f) | Dialog::FollowUp(f)) => Some(f),
            _ => None,
        }
    }

    #[must_use]
    pub fn picking(&self) -> bool {
        matches!(self.dialog, Some(Dialog::HandOver(_)))
    }

    /// The check's checklist is open.
    #[must_use]
    pub fn checking(&self) -> bool {
        matches!(self.dialog, Some(Dialog::Check(_)))
    }
}

/// Opens a submission's detail. R-ID-5: the first record of a customer (account) this session
/// asks for the purpose first, with `suggested` selected; later ones reuse the answer.
pub fn open_detail(app: &mut App, id: SubmissionId, suggested: &str) {
    let Some(ctx) = app.ctx() else { return };
    let brief = match review::brief(&app.store, &ctx, id) {
        Ok(b) => b,
        Err(e) => return app.flash_error(&e),
    };
    if let Some(p) = app
        .visit
        .per_customer_review
        .get(&brief.account_id)
        .cloned()
    {
        if let Some(v) = view(app, id, &p) {
            app.push(Screen::Detail(v));
        }
        return;
    }
    app.push(Screen::Purpose(Box::new(purpose::Ask::new(
        purpose::Target::Submission(brief),
        suggested,
    ))));
}

/// The purpose was given: the view is audited with it, remembered for the customer, and the
/// detail takes the prompt's place (Back returns to where the item was chosen).
pub fn open_with_purpose(app: &mut App, id: SubmissionId, account_id: AccountId, purpose: &str) {
    if let Some(v) = view(app, id, purpose) {
        app.visit
            .per_customer_review
            .insert(account_id, purpose.to_string());
        app.screen = Screen::Detail(v);
    }
}

/// One audit row `submission.view` with the purpose (R-ID-5).
fn view(app: &mut App, id: SubmissionId, purpose: &str) -> Option<Box<DetailView>> {
    let ctx = app.ctx()?;
    match review::detail(&mut app.store, &ctx, id, purpose, app.lang) {
        Ok(detail) => Some(Box::new(DetailView::new(detail))),
        Err(e) => {
            app.flash_error(&e);
            None
        }
    }
}

/// A review action waiting for its confirm step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewKey {
    Claim,
    Release,
    /// The codes of the ticked checklist items.
    Check(Vec<String>),
    Approve,
    Visit,
    /// Reason text as typed (number or text), free text.
    Return(String, String),
    Reject(String, String),
    /// The comment as typed.
    Comment(String),
    /// The colleague's sign-in name and display name.
    HandOver(String, String),
    /// None clears the date.
    FollowUp(Option<NaiveDate>),
}

pub fn act_detail(app: &mut App, action: Action) {
    let reasons_return = app.cfg.review.return_reasons.clone();
    let reasons_reject = app.cfg.review.reject_reasons.clone();
    let Screen::Detail(d) = &mut app.screen else {
        return;
    };
    match &mut d.dialog {
        Some(Dialog::Comment(_) | Dialog::FollowUp(_)) => return act_input(app, action),
        Some(Dialog::HandOver(_)) => return act_picker(app, action),
        Some(Dialog::Check(_)) => return act_checklist(app, action),
        _ => {}
    }
    // The reason form's own moves: Tab/↓/Enter to the free text, Enter there asks to confirm.
    if let Some(Dialog::Reason(_, form)) = &mut d.dialog {
        match action {
            Action::NextField => return form.next(),
            Action::PrevField => return form.prev(),
            Action::Select if !form.on_last() => return form.next(),
            _ => {}
        }
    }
    if let Some(Dialog::Reason(reject, form)) = &d.dialog {
        match action {
            Action::Submit | Action::Select => {
                let (reject, reason, text) = (*reject, form.value("reason"), form.value("text"));
                let list = if reject {
                    &reasons_reject
                } else {
                    &reasons_return
                };
                let picked = review::pick_reason(list, &reason);
                let id = d.detail.id;
                let seen = d.detail.rev;
                match picked {
                    Ok(r) => {
                        let (title, effect, key) = if reject {
                            (
                                Msg::ConfirmReject,
                                Msg::RejectEffect,
                                ReviewKey::Reject(reason, text.clone()),
                            )
                        } else {
                            (
                                Msg::ConfirmReturn,
                                Msg::ReturnEffect,
                                ReviewKey::Return(reason, text.clone()),
                            )
                        };
                        let mut lines = vec![
                            format!("#{id} {}", d.detail.display_name),
                            format!("{}: {r}", app.t(Msg::ConfirmReason)),
                        ];
                        if !text.is_empty() {
                            lines.push(format!(
                                "{}: {}",
                                app.t(Msg::ConfirmNote),
                                crate::domain::text::sanitize(&text, false)
                            ));
                        }
                        lines.push(app.t(effect).to_string());
                        let title = app.t(title).to_string();
                        app.confirm(title, lines, Pending::Review(id, key, Some(seen)));
                    }
                    Err(e) => app.flash_error(&e),
                }
            }
            Action::Back => d.dialog = None,
            _ => {}
        }
        return;
    }
    let id = d.detail.id;
    let seen = d.detail.rev;
    let name = d.detail.display_name.clone();
    match action {
        Action::Up => d.scroll = d.scroll.saturating_sub(1),
        Action::Down => d.scroll = d.scroll.saturating_add(1).min(d.scroll_end.get()),
        Action::PageUp => d.scroll = d.scroll.saturating_sub(10),
        Action::PageDown => d.scroll = d.scroll.saturating_add(10).min(d.scroll_end.get()),
        Action::Refresh => {
            let Some(ctx) = app.ctx() else { return };
            if let Screen::Detail(d) = &mut app.screen {
                d.reload(&app.store, &ctx, app.lang);
            }
        }
        Action::ReviewReturn | Action::ReviewReject => {
            let reject = action == Action::ReviewReject;
            let form = Form::new(vec![
                Field::text("reason", Msg::FieldReason).with_hint(Msg::HintReason),
                Field::text("text", Msg::FieldReasonText),
            ]);
            d.dialog = Some(Dialog::Reason(reject, form));
        }
        Action::ReviewComment => {
            d.dialog = Some(Dialog::Comment(Form::new(vec![
                Field::text("comment", Msg::FieldComment).with_hint(Msg::HintComment),
            ])));
        }
        Action::ReviewFollowUp => {
            let mut f = Form::new(vec![
                Field::text("follow_up", Msg::FieldFollowUp).with_hint(Msg::HintFollowUp),
            ]);
            // The date set now, to change or to clear with ^U.
            f.set_value(
                "follow_up",
                d.detail.follow_up_date.as_deref().unwrap_or(""),
            );
            d.dialog = Some(Dialog::FollowUp(f));
        }
        Action::ReviewHandOver => ask_colleague(app),
        // The checklist, nothing ticked: the clerk ticks what was checked (R-REV-1).
        Action::ReviewCheck => d.dialog = Some(Dialog::Check(Checklist::new())),
        Action::ReviewApprove => {
            let lines = vec![
                format!("#{id} {name}"),
                app.t(Msg::ApproveEffect).to_string(),
            ];
            let title = app.t(Msg::ConfirmApprove).to_string();
            app.confirm(
                title,
                lines,
                Pending::Review(id, ReviewKey::Approve, Some(seen)),
            );
        }
        Action::ReviewVisit => {
            let title = app.t(Msg::ConfirmVisit).to_string();
            app.confirm(
                title,
                vec![format!("#{id} {name}")],
                Pending::Review(id, ReviewKey::Visit, Some(seen)),
            );
        }
        Action::ReviewClaim => {
            let title = app.t(Msg::ConfirmClaim).to_string();
            app.confirm(
                title,
                vec![format!("#{id} {name}")],
                Pending::Review(id, ReviewKey::Claim, Some(seen)),
            );
        }
        Action::ReviewRelease => {
            let title = app.t(Msg::ConfirmRelease).to_string();
            app.confirm(
                title,
                vec![format!("#{id} {name}")],
                Pending::Review(id, ReviewKey::Release, Some(seen)),
            );
        }
        Action::Back => app.pop(),
        _ => {}
    }
}

/// Runs a confirmed review action; someone acting first is shown as a notice (R-REV-5).
pub fn run_pending(app: &mut App, id: SubmissionId, key: &ReviewKey, seen: Option<i64>) {
    let Some(ctx) = app.ctx() else { return };
    let cfg = app.cfg.clone();
    let store = &mut app.store;
    let r = match key {
        ReviewKey::Claim => review::claim(store, &ctx, id, seen),
        ReviewKey::Release => review::release(store, &ctx, id, seen),
        ReviewKey::Check(ticks) => review::check(store, &ctx, id, ticks, seen),
        ReviewKey::Approve => review::approve(store, &cfg, &ctx, id, seen),
        ReviewKey::Visit => {
            review::record_visit(store, &ctx, id, crate::clock::jst_date(ctx.now), seen)
        }
        ReviewKey::Return(r, t) => review::return_item(store, &cfg, &ctx, id, r, t, seen),
        ReviewKey::Reject(r, t) => review::reject(store, &cfg, &ctx, id, r, t, seen),
        ReviewKey::Comment(t) => review::comment(store, &ctx, id, t, seen),
        ReviewKey::HandOver(name, _) => review::hand_over(store, &ctx, id, name, seen),
        ReviewKey::FollowUp(date) => review::follow_up(store, &ctx, id, *date, seen),
    };
    match r {
        Ok(o) => {
            if let Screen::Detail(d) = &mut app.screen {
                d.dialog = None;
            }
            let mut text = match key {
                ReviewKey::Comment(_) => app.t(Msg::CommentSaved).to_string(),
                ReviewKey::HandOver(_, who) => {
                    format!("#{} {who}{}", o.id, app.t(Msg::HandedOver))
                }
                ReviewKey::FollowUp(Some(d)) => format!("{}: {d}", app.t(Msg::FollowUpSet)),
                ReviewKey::FollowUp(None) => app.t(Msg::FollowUpCleared).to_string(),
                // Say what happened, not only that it did (issue 15 item 7).
                ReviewKey::Claim => format!("#{} {}", o.id, app.t(Msg::ResultClaimed)),
                ReviewKey::Release => format!("#{} {}", o.id, app.t(Msg::ResultReleased)),
                ReviewKey::Check(_) => format!("#{} {}", o.id, app.t(Msg::ResultChecked)),
                ReviewKey::Approve => format!("#{} {}", o.id, app.t(Msg::ResultApproved)),
                ReviewKey::Visit => format!("#{} {}", o.id, app.t(Msg::ResultVisit)),
                ReviewKey::Return(..) => format!("#{} {}", o.id, app.t(Msg::ResultReturned)),
                ReviewKey::Reject(..) => format!("#{} {}", o.id, app.t(Msg::ResultRejected)),
            };
            if !o.mails.is_empty() {
                text.push_str(app.t(Msg::ResultMailQueued));
            }
            if !o.skipped.is_empty() {
                let _ = write!(
                    text,
                    "{}{}",
                    app.t(Msg::ResultSkipped),
                    o.skipped
                        .iter()
                        .map(|(id, _)| format!("#{id}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                );
            }
            for reg in &o.registered {
                let _ = write!(text, "  {}", reg.number);
            }
            app.flash(Tone::Success, text);
            if !o.mails.is_empty() {
                app.mail_was_queued();
            }
        }
        Err(ServiceError::Refused(Refusal::ActedFirst { by, now })) => {
            // The item moved on: its checklist no longer applies.
            if let (Screen::Detail(d), ReviewKey::Check(_)) = (&mut app.screen, &key) {
                d.dialog = None;
            }
            app.overlay = Some(Overlay::Notice {
                title: app.t(Msg::ActedFirstTitle).to_string(),
                // Who first, then the new state, on its own line (fits 80 columns).
                lines: crate::i18n::refusal::acted_first_lines(app.lang, by.as_deref(), now).into(),
            });
        }
        // Unticked items: named in the checklist, the ticks kept.
        Err(ServiceError::Invalid(v))
            if matches!(key, ReviewKey::Check(_)) && checklist_missing(app, &v) => {}
        // A refused input stays in its dialog, with the reason under the field.
        Err(ServiceError::Invalid(v)) if dialog_form(app).is_some() => {
            let texts = app.issue_texts(v);
            let loose = dialog_form(app).map(|f| f.set_issues(texts));
            if let Some(loose) = loose.filter(|l| !l.is_empty()) {
                app.flash(Tone::Error, loose.join(" / "));
            }
        }
        Err(e) => app.flash_error(&e),
    }
    app.reload_screen();
}
