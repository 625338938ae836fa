//! Counter registration of an account email (R-REG-1..5): the form, its warnings, the result.

use super::form::{Field, Form};
use super::keymap::Action;
use super::{App, Pending, Screen, Tone, account};
use crate::domain::account::AccountKind;
use crate::i18n::cli as msgs;
use crate::i18n::ui::Msg;
use crate::service::accounts::{self, RegisterInput, Registered};
use crate::service::{ServiceError, Severity};

#[derive(Debug)]
pub struct Register {
    pub form: Form,
    pub result: Option<Registered>,
    /// Fields of the other kind, kept while hidden so switching back restores them.
    stash: Vec<Field>,
}

/// Every field the form can show; values survive a change of kind.
const EMPLOYER: &[&str] = &["kind", "email", "email_confirm", "establishment_number"];
const SEEKER: &[&str] = &[
    "kind",
    "email",
    "email_confirm",
    "birth_date",
    "name",
    "name_kana",
    "seeker_number",
];

fn field(id: &'static str) -> Field {
    match id {
        "kind" => Field::choice(
            "kind",
            Msg::FieldKind,
            vec![("employer", Msg::KindEmployer), ("seeker", Msg::KindSeeker)],
        )
        .with_hint(Msg::HintKind),
        "email" => Field::text("email", Msg::FieldEmail).with_hint(Msg::HintEmail),
        "email_confirm" => {
            Field::text("email_confirm", Msg::FieldEmailConfirm).with_hint(Msg::HintEmailConfirm)
        }
        "establishment_number" => {
            Field::text("establishment_number", Msg::FieldEstablishmentNumber)
                .with_hint(Msg::HintEstablishmentNumber)
        }
        "birth_date" => {
            Field::text("birth_date", Msg::FieldBirthDate).with_hint(Msg::HintBirthDate)
        }
        "name" => Field::text("name", Msg::FieldName).with_hint(Msg::HintName),
        "name_kana" => Field::text("name_kana", Msg::FieldNameKana).with_hint(Msg::HintNameKana),
        _ => Field::text("seeker_number", Msg::FieldSeekerNumber).with_hint(Msg::HintSeekerNumber),
    }
}

impl Register {
    #[must_use]
    pub fn new() -> Register {
        Register {
            form: Form::new(EMPLOYER.iter().map(|id| field(id)).collect()),
            result: None,
            stash: Vec::new(),
        }
    }

    #[must_use]
    pub fn kind(&self) -> AccountKind {
        self.form
            .get("kind")
            .and_then(|f| AccountKind::parse(&f.choice_code()))
            .unwrap_or(AccountKind::Employer)
    }

    /// The kind changed: show that kind's fields, keeping every value typed so far.
    pub fn rebuild_for_kind(&mut self) {
        let kind = self.kind();
        let ids = if kind == AccountKind::Employer {
            EMPLOYER
        } else {
            SEEKER
        };
        let old = std::mem::take(&mut self.form.fields);
        let focus_id = old.get(self.form.focus).map(|f| f.id);
        self.form.fields = ids
            .iter()
            .map(|id| {
                old.iter()
                    .find(|f| f.id == *id)
                    .cloned()
                    .unwrap_or_else(|| field(id))
            })
            .collect();
        self.form.focus = focus_id
            .and_then(|id| self.form.fields.iter().position(|f| f.id == id))
            .unwrap_or(0);
        // Values of hidden fields are kept aside in `stash` so that switching back restores them.
        for f in old {
            if !ids.contains(&f.id) {
                self.stash_field(f);
            }
        }
        for id in ids {
            if let Some(f) = self.unstash_field(id)
                && let Some(slot) = self.form.get_mut(id)
            {
                slot.input = f.input;
            }
        }
    }

    fn stash_field(&mut self, f: Field) {
        self.stash.retain(|x| x.id != f.id);
        self.stash.push(f);
    }

    fn unstash_field(&mut self, id: &str) -> Option<Field> {
        let i = self.stash.iter().position(|f| f.id == id)?;
        Some(self.stash.remove(i))
    }

    fn input(&self, accept_warnings: bool) -> RegisterInput {
        let v = |id| self.form.value(id);
        RegisterInput {
            kind: Some(self.kind()),
            email: v("email"),
            email_confirm: v("email_confirm"),
            establishment_number: v("establishment_number"),
            birth_date: v("birth_date"),
            name: v("name"),
            name_kana: v("name_kana"),
            seeker_number: v("seeker_number"),
            accept_warnings,
        }
    }
}

impl Default for Register {
    fn default() -> Self {
        Register::new()
    }
}

pub fn act(app: &mut App, action: Action) {
    let Screen::Register(r) = &mut app.screen else {
        return;
    };
    if let Some(done) = r.result.clone() {
        match action {
            // R-ID-5: not asked; the purpose is the registration (see `open_registered`).
            Action::Select => account::open_registered(app, done.account_id),
            Action::NewItem => *r = Register::new(),
            Action::Back => app.pop(),
            _ => {}
        }
        return;
    }
    match action {
        Action::NextField => r.form.next(),
        Action::PrevField => r.form.prev(),
        Action::Select if !r.form.on_last() => r.form.next(),
        Action::Select | Action::Submit => submit(app, false),
        Action::Back => app.pop(),
        _ => {}
    }
}

/// Sends the form to the use case. Warnings (orange) come back first and are confirmed with a
/// second step; errors (red) stay on their fields with everything typed kept.
pub fn submit(app: &mut App, accept_warnings: bool) {
    let Screen::Register(r) = &app.screen else {
        return;
    };
    let input = r.input(accept_warnings);
    let Some(ctx) = app.ctx() else { return };
    let cfg = app.cfg.clone();
    let lang = app.lang;
    match accounts::register(&mut app.store, &cfg, &ctx, &input) {
        Ok(done) => {
            if let Screen::Register(r) = &mut app.screen {
                r.form.clear_issues();
                r.result = Some(done);
            }
            let text = app.t(Msg::Registered).to_string();
            app.flash(Tone::Success, text);
            app.mail_was_queued();
        }
        Err(ServiceError::Invalid(issues)) => {
            let only_warnings = issues.iter().all(|i| i.severity == Severity::Warning);
            let texts = app.issue_texts(issues);
            let lines: Vec<String> = texts.iter().map(|(_, t)| t.clone()).collect();
            if let Screen::Register(r) = &mut app.screen {
                let loose = r.form.set_issues(texts);
                if let Some(l) = loose.into_iter().next() {
                    app.flash(Tone::Error, l);
                    return;
                }
            }
            if only_warnings {
                let title = app.t(Msg::ConfirmWarnings).to_string();
                app.confirm(title, lines, Pending::RegisterAcceptingWarnings);
            } else {
                let text = app.t(Msg::FixRedFields).to_string();
                app.flash(Tone::Error, text);
            }
        }
        Err(ServiceError::EmailInUse { account_id, kind }) => {
            let text = msgs::error_message(lang, &ServiceError::EmailInUse { account_id, kind });
            if let Screen::Register(r) = &mut app.screen {
                r.form.set_issues(vec![(
                    crate::service::FieldIssue::error("email", "email_in_use"),
                    text.clone(),
                )]);
            }
            app.flash(Tone::Error, text);
        }
        Err(e) => app.flash_error(&e),
    }
}
