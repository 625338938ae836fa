//! R-ID-5: why a customer's record is looked at, asked the first time the customer's record is
//! opened in the session and written to the audit row of the view. One form for every screen
//! that asks (the ID lookup, the account screen, the submission detail); `App::visit` remembers
//! the answers per customer (account id), so an answer on one screen covers the others.

use super::form::{Field, Form};
use super::keymap::Action;
use super::{App, Screen, Tone};
use crate::domain::lookup::PURPOSES;
use crate::i18n::ui::Msg;
use crate::service::FieldIssue;

/// The choice (ID照会, 本登録審査, 問合せ対応, その他) and the text for その他. `suggested` is
/// selected; a purpose not in the list is put in その他's text.
#[must_use]
pub fn form(suggested: Option<&str>) -> Form {
    let mut f = Form::new(vec![
        Field::choice(
            "purpose",
            Msg::LkPurpose,
            vec![
                (PURPOSES[0], Msg::LkPurposeId),
                (PURPOSES[1], Msg::LkPurposeReview),
                (PURPOSES[2], Msg::LkPurposeInquiry),
                (PURPOSES[3], Msg::LkPurposeOther),
            ],
        )
        .with_hint(Msg::HintPurpose),
        Field::text("other", Msg::LkPurposeOtherText),
    ]);
    if let Some(s) = suggested.map(str::trim).filter(|s| !s.is_empty()) {
        let listed = PURPOSES[..3].contains(&s);
        if let Some(field) = f.get_mut("purpose") {
            field.set_choice(if listed { s } else { PURPOSES[3] });
        }
        if !listed {
            f.set_value("other", s);
        }
    }
    f
}

/// Enter on a listed purpose (not その他) needs no text: it goes on at once.
#[must_use]
pub fn quick(form: &Form) -> bool {
    form.focused().is_some_and(|f| f.id == "purpose") && code(form) != PURPOSES[3]
}

fn code(form: &Form) -> String {
    form.get("purpose")
        .map(Field::choice_code)
        .unwrap_or_default()
}

/// The purpose as recorded.
///
/// # Errors
/// The issue on the その他 text (`required`, `too_long`).
pub fn value(form: &Form) -> Result<String, FieldIssue> {
    let code = code(form);
    let text = if code == PURPOSES[3] {
        form.value("other")
    } else {
        code
    };
    crate::domain::lookup::purpose(&text).map_err(|c| FieldIssue::error("other", c))
}

/// What is opened once the purpose is given.
#[derive(Debug)]
pub enum Target {
    /// A submission, opened in the detail (from the queues or the account screen).
    Submission(crate::service::review::Brief),
    /// The account for the email typed on the account screen, shown there. The email is as
    /// typed: whether it has an account is not known to the prompt (R-ID-5, `accounts::find`).
    Account { email: String },
}

/// A customer's record waiting for its purpose before it is opened (the customer's first
/// record this session).
#[derive(Debug)]
pub struct Ask {
    pub form: Form,
    pub target: Target,
}

impl Ask {
    #[must_use]
    pub fn new(target: Target, suggested: &str) -> Ask {
        Ask {
            form: form(Some(suggested)),
            target,
        }
    }
}

pub fn act(app: &mut App, action: Action) {
    let Screen::Purpose(ask) = &mut app.screen else {
        return;
    };
    let submit = match action {
        Action::Select if quick(&ask.form) || ask.form.on_last() => true,
        Action::Submit => true,
        Action::Select | Action::NextField => {
            ask.form.next();
            false
        }
        Action::PrevField => {
            ask.form.prev();
            false
        }
        Action::Back => {
            app.pop();
            return;
        }
        _ => false,
    };
    if !submit {
        return;
    }
    match value(&ask.form) {
        Ok(p) => match &ask.target {
            Target::Submission(b) => {
                let (id, account) = (b.id, b.account_id);
                super::review::open_with_purpose(app, id, account, &p);
            }
            Target::Account { email } => {
                let email = email.clone();
                // Back to the account screen (the email still typed), which shows the view.
                app.pop();
                super::account::show_with_purpose(app, &email, &p);
            }
        },
        Err(issue) => {
            let texts = app.issue_texts(vec![issue]);
            let mut loose = Vec::new();
            if let Screen::Purpose(ask) = &mut app.screen {
                loose = ask.form.set_issues(texts);
            }
            if !loose.is_empty() {
                app.flash(Tone::Error, loose.join(" / "));
            }
        }
    }
}
