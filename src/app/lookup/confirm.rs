//! The lookup's actions behind a confirm step: the identity check read from its form, the
//! question each action asks (reveal, ID mail, ID change, approve or reject a change), and
//! running the confirmed one with its audit row. Apart from the search and the record (`mod.rs`)
//! because these are the steps that change or disclose something.

use crate::app::form::{Field, Form};
use crate::app::{App, Pending, Tone};
use crate::domain::lookup::IdentityCheck;
use crate::i18n::labels::document_named;
use crate::i18n::ui::Msg;
use crate::service::FieldIssue;
use crate::service::lookup::{self, ChangeOutcome};

use super::{Lookup, Mode, purpose_for, refused, screen, set_issues};

fn identity_from(form: &Form) -> Result<IdentityCheck, FieldIssue> {
    let doc = form
        .get("document")
        .map(Field::choice_code)
        .unwrap_or_default();
    IdentityCheck::new(document_named(&doc), &form.value("note"))
        .map_err(|(f, c)| FieldIssue::error(f, c))
}

pub(super) fn ask_reveal(app: &mut App) {
    let Some(l) = screen(app) else { return };
    let Some(id) = l.account_id() else { return };
    let check = match identity_from(&l.identity) {
        Ok(c) => c,
        Err(i) => return set_issues(app, vec![i]),
    };
    let lines = vec![
        format!(
            "{}: {}",
            app.t(Msg::LkDocument),
            crate::i18n::labels::with_paren(
                app.lang,
                crate::i18n::labels::document_label(app.lang, check.document),
                &check.note
            )
        ),
        format!("{}: {}", app.t(Msg::LkPurpose), purpose_for(app, id)),
        app.t(Msg::LkConfirmAudited).to_string(),
    ];
    let title = app.t(Msg::LkConfirmReveal).to_string();
    app.confirm(title, lines, Pending::LookupReveal(id));
}

pub(super) fn ask_mail(app: &mut App) {
    let Some(l) = screen(app) else { return };
    let Some(d) = &l.detail else { return };
    let Some(id) = d.hit.account_id else { return };
    let to = d.hit.email_masked.clone().unwrap_or_default();
    let lines = vec![
        format!("{}: {to}", app.t(Msg::ColTo)),
        app.t(Msg::LkConfirmMailEffect).to_string(),
        app.t(Msg::LkConfirmAudited).to_string(),
    ];
    let title = app.t(Msg::LkConfirmMail).to_string();
    app.confirm(title, lines, Pending::LookupMailId(id));
}

pub(super) fn ask_change(app: &mut App) {
    let Some(l) = screen(app) else { return };
    let Some(d) = &l.detail else { return };
    let Some(id) = d.hit.account_id else { return };
    let old = d.hit.email_masked.clone().unwrap_or_default();
    let new = l.change.value("new_email").trim().to_string();
    let again = l.change.value("new_email_confirm").trim().to_string();
    let mut issues = Vec::new();
    if new.is_empty() {
        issues.push(FieldIssue::error("new_email", "required"));
    } else if new != again {
        issues.push(FieldIssue::error("new_email_confirm", "email_mismatch"));
    }
    if let Err(i) = identity_from(&l.change) {
        issues.push(i);
    }
    if !issues.is_empty() {
        return set_issues(app, issues);
    }
    let mut lines = vec![
        format!("{old} → {}", crate::domain::text::sanitize(&new, false)),
        app.t(Msg::LkConfirmChangeKey).to_string(),
        app.t(Msg::LkConfirmChangeBoth).to_string(),
        app.t(Msg::LkConfirmChangeOldKey).to_string(),
    ];
    if app.cfg.id_change.needs_supervisor {
        lines.push(app.t(Msg::LkConfirmChangeApproval).to_string());
    }
    lines.push(app.t(Msg::LkConfirmAudited).to_string());
    let title = app.t(Msg::LkConfirmChange).to_string();
    app.confirm(title, lines, Pending::LookupChange(id));
}

/// R-ID-4: a supervisor decides the change waiting on this record (the service refuses the
/// requester and staff without the permission).
pub(super) fn ask_decide(app: &mut App, approve: bool) {
    let Some(l) = screen(app) else { return };
    let Some(request) = l.detail.as_ref().and_then(|d| d.pending_change) else {
        return;
    };
    let title = app
        .t(if approve {
            Msg::LkConfirmApprove
        } else {
            Msg::LkConfirmReject
        })
        .to_string();
    let lines = vec![
        format!("#{request}"),
        app.t(Msg::LkConfirmAudited).to_string(),
    ];
    app.confirm(title, lines, Pending::LookupDecide(request, approve));
}

/// Runs a confirmed lookup action.
pub fn run_pending(app: &mut App, p: &Pending) {
    let Some(ctx) = app.ctx() else { return };
    let cfg = app.cfg.clone();
    match *p {
        Pending::LookupReveal(id) => {
            let Some(check) = screen(app).and_then(|l| identity_from(&l.identity).ok()) else {
                return;
            };
            let purpose = purpose_for(app, id);
            match lookup::reveal(&mut app.store, &ctx, &purpose, id, &check) {
                Ok(email) => {
                    if let Some(l) = screen(app) {
                        l.revealed = Some(crate::domain::text::sanitize(&email, false));
                        l.identity.set_value("note", "");
                        l.mode = Mode::Detail;
                    }
                }
                Err(e) => refused(app, &e),
            }
        }
        Pending::LookupMailId(id) => {
            let purpose = purpose_for(app, id);
            match lookup::mail_id(&mut app.store, &cfg, &ctx, &purpose, id) {
                Ok(m) => {
                    let text = format!("{} ({})", app.t(Msg::LkMailed), m.to);
                    if let Some(l) = screen(app) {
                        l.done = Some(text.clone());
                    }
                    app.flash(Tone::Success, text);
                    app.mail_was_queued();
                }
                Err(e) => app.flash_error(&e),
            }
        }
        Pending::LookupChange(id) => {
            let Some(l) = screen(app) else { return };
            let new = l.change.value("new_email").trim().to_string();
            let Ok(check) = identity_from(&l.change) else {
                return;
            };
            let purpose = purpose_for(app, id);
            match lookup::change_email(&mut app.store, &cfg, &ctx, &purpose, id, &new, &check) {
                Ok(out) => {
                    let text = match &out {
                        ChangeOutcome::Changed {
                            new_email_masked, ..
                        } => format!("{} {new_email_masked}", app.t(Msg::LkChanged)),
                        ChangeOutcome::Pending { request_id, .. } => {
                            format!("{} #{request_id}", app.t(Msg::LkChangePending))
                        }
                    };
                    if let Some(l) = screen(app) {
                        l.done = Some(text.clone());
                        l.change = Lookup::new().change;
                        // The old ID shown before is not the login any more.
                        l.revealed = None;
                        l.mode = Mode::Detail;
                        // The record shows the new address (masked) without another view row.
                        if let (
                            ChangeOutcome::Changed {
                                new_email_masked, ..
                            },
                            Some(d),
                        ) = (&out, l.detail.as_mut())
                        {
                            d.hit.email_masked = Some(new_email_masked.clone());
                        }
                    }
                    app.flash(Tone::Success, text);
                    app.mail_was_queued();
                }
                Err(e) => refused(app, &e),
            }
        }
        Pending::LookupDecide(request, approve) => {
            match lookup::decide_change(&mut app.store, &cfg, &ctx, request, approve) {
                Ok(out) => {
                    let new_masked = match out {
                        Some(ChangeOutcome::Changed {
                            new_email_masked, ..
                        }) => Some(new_email_masked),
                        _ => None,
                    };
                    let text = match &new_masked {
                        Some(m) => format!("{} {m}", app.t(Msg::LkChanged)),
                        None => app.t(Msg::LkRejected).to_string(),
                    };
                    if let Some(l) = screen(app) {
                        l.done = Some(text.clone());
                        l.revealed = None;
                        if let Some(d) = l.detail.as_mut() {
                            d.pending_change = None;
                            if new_masked.is_some() {
                                d.hit.email_masked = new_masked;
                            }
                        }
                    }
                    app.flash(Tone::Success, text);
                    app.mail_was_queued();
                }
                Err(e) => app.flash_error(&e),
            }
        }
        _ => {}
    }
}
