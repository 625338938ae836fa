//! The forgotten-ID lookup screen (SPEC §2.4): search by any key (R-ID-1), results masked
//! (R-ID-2), the purpose asked once per customer (R-ID-5), reveal after the identity check, the
//! ID notice mail, and the ID change (R-ID-4) — each behind a confirm step that says what will
//! happen. Every search, view, reveal, mail and change is one audit row (service/lookup.rs).
//! This file holds the screen's state, the search and the record; `confirm.rs` the confirmed
//! actions.

use std::collections::BTreeMap;

use super::form::{Field, Form};
use super::keymap::Action;
use super::{App, Screen, Tone};
use crate::domain::ids::AccountId;
use crate::i18n::ui::Msg;
use crate::service::lookup::{self, CustomerView, SearchKey, SearchResult};
use crate::service::{FieldIssue, ServiceError};

mod confirm;
pub use confirm::run_pending;
use confirm::{ask_change, ask_decide, ask_mail, ask_reveal};

/// What the customer at the counter is here for (R-ID-5): asked once per visitor, remembered
/// per customer for the rest of the session.
#[derive(Debug, Default, Clone)]
pub struct Visit {
    pub purpose: Option<String>,
    /// Given at ID照会 or the account screen; covers both.
    pub per_customer: BTreeMap<AccountId, String>,
    /// Given when opening a customer's submission (本登録審査…). Kept apart: a purpose given
    /// to look up a forgotten ID does not cover reading their job offers (issue 15 item 12).
    pub per_customer_review: BTreeMap<AccountId, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Search,
    Purpose,
    Results,
    Detail,
    Identity,
    Change,
}

#[derive(Debug)]
pub struct Lookup {
    pub mode: Mode,
    pub search: Form,
    pub purpose: Form,
    pub identity: Form,
    pub change: Form,
    pub result: Option<SearchResult>,
    pub cursor: usize,
    pub detail: Option<CustomerView>,
    /// The login ID shown after the identity check (cleared when the record is left).
    pub revealed: Option<String>,
    /// What the last action did, shown on the detail panel.
    pub done: Option<String>,
}

/// Search key kinds in the form's choice, with their labels.
pub const KINDS: [(&str, Msg); 10] = [
    ("establishment_number", Msg::FieldEstablishmentNumber),
    ("corporate_number", Msg::LkCorporateNumber),
    ("name", Msg::LkEstablishmentName),
    ("kana", Msg::LkEstablishmentKana),
    ("phone", Msg::LkPhone),
    ("postal", Msg::LkPostal),
    ("seeker_number", Msg::FieldSeekerNumber),
    ("seeker_kana", Msg::LkSeekerKana),
    ("email", Msg::FieldEmail),
    ("job_number", Msg::LkJobNumber),
];

fn document_options() -> Vec<(&'static str, Msg)> {
    vec![
        ("drivers_licence", Msg::LkDocLicence),
        ("my_number_card", Msg::LkDocMyNumber),
        ("health_insurance", Msg::LkDocInsurance),
        ("residence_card", Msg::LkDocResidence),
        ("staff_id_and_card", Msg::LkDocStaffCard),
        ("other", Msg::LkDocOther),
    ]
}

impl Lookup {
    #[must_use]
    pub fn new() -> Lookup {
        Lookup {
            mode: Mode::Search,
            search: Form::new(vec![
                Field::choice("kind", Msg::LkSearchBy, KINDS.to_vec())
                    .with_hint(Msg::LkSearchByHint),
                Field::text("query", Msg::LkQuery).with_hint(Msg::LkQueryHint),
                Field::text("birth_date", Msg::FieldBirthDate).with_hint(Msg::LkBirthHint),
            ]),
            purpose: super::purpose::form(None),
            identity: Form::new(vec![
                Field::choice("document", Msg::LkDocument, document_options()),
                Field::text("note", Msg::LkNote).with_hint(Msg::LkNoteHint),
            ]),
            change: Form::new(vec![
                Field::text("new_email", Msg::LkNewEmail),
                Field::text("new_email_confirm", Msg::LkNewEmailConfirm),
                Field::choice("document", Msg::LkDocument, document_options()),
                Field::text("note", Msg::LkNote).with_hint(Msg::LkNoteHint),
            ]),
            result: None,
            cursor: 0,
            detail: None,
            revealed: None,
            done: None,
        }
    }

    /// The form that has the keyboard, if any.
    pub fn form_mut(&mut self) -> Option<&mut Form> {
        match self.mode {
            Mode::Search => Some(&mut self.search),
            Mode::Purpose => Some(&mut self.purpose),
            Mode::Identity => Some(&mut self.identity),
            Mode::Change => Some(&mut self.change),
            Mode::Results | Mode::Detail => None,
        }
    }

    #[must_use]
    pub fn form(&self) -> Option<&Form> {
        match self.mode {
            Mode::Search => Some(&self.search),
            Mode::Purpose => Some(&self.purpose),
            Mode::Identity => Some(&self.identity),
            Mode::Change => Some(&self.change),
            Mode::Results | Mode::Detail => None,
        }
    }

    fn key(&self) -> SearchKey {
        let q = self.search.value("query");
        match self
            .search
            .get("kind")
            .map(Field::choice_code)
            .unwrap_or_default()
            .as_str()
        {
            "establishment_number" => SearchKey::EstablishmentNumber(q),
            "corporate_number" => SearchKey::CorporateNumber(q),
            "kana" => SearchKey::Kana(q),
            "phone" => SearchKey::Phone(q),
            "postal" => SearchKey::Postal(q),
            "seeker_number" => SearchKey::SeekerNumber(q),
            "seeker_kana" => SearchKey::SeekerKana {
                kana: q,
                birth_date: self.search.value("birth_date"),
            },
            "email" => SearchKey::Email(q),
            "job_number" => SearchKey::JobNumber(q),
            _ => SearchKey::Name(q),
        }
    }

    fn account_id(&self) -> Option<AccountId> {
        self.detail.as_ref().and_then(|d| d.hit.account_id)
    }
}

impl Default for Lookup {
    fn default() -> Self {
        Lookup::new()
    }
}

fn screen(app: &mut App) -> Option<&mut Lookup> {
    match &mut app.screen {
        Screen::Lookup(l) => Some(l),
        _ => None,
    }
}

pub fn act(app: &mut App, action: Action) {
    let Some(l) = screen(app) else { return };
    // Enter on the search text searches, unless a birth date is still to come.
    let quick = l.mode == Mode::Search
        && l.search.focused().is_some_and(|f| f.id == "query")
        && l.search.get("kind").map(Field::choice_code).as_deref() != Some("seeker_kana");
    // Enter on a purpose other than その他 needs no text: go on.
    let quick_purpose = l.mode == Mode::Purpose && super::purpose::quick(&l.purpose);
    if (quick || quick_purpose) && action == Action::Select {
        return submit_form(app);
    }
    if let Some(form) = l.form_mut() {
        match action {
            Action::NextField => form.next(),
            Action::PrevField => form.prev(),
            Action::Select if !form.on_last() => form.next(),
            Action::Select | Action::Submit => submit_form(app),
            Action::Back => back(app),
            _ => {}
        }
        return;
    }
    match (l.mode, action) {
        (Mode::Results, Action::Up) => l.cursor = l.cursor.saturating_sub(1),
        (Mode::Results, Action::Down) => {
            let n = l.result.as_ref().map_or(0, |r| r.hits.len());
            l.cursor = (l.cursor + 1).min(n.saturating_sub(1));
        }
        (Mode::Results, Action::Select) => open_selected(app),
        (Mode::Results, Action::Search) => l.mode = Mode::Search,
        (_, Action::NewItem) => new_visitor(app),
        (Mode::Detail, Action::Reveal) => {
            l.identity.clear_issues();
            l.mode = Mode::Identity;
        }
        (Mode::Detail, Action::ChangeId) => {
            l.change.clear_issues();
            l.mode = Mode::Change;
        }
        (Mode::Detail, Action::MailId) => ask_mail(app),
        (Mode::Detail, Action::Approve) => ask_decide(app, true),
        (Mode::Detail, Action::Reject) => ask_decide(app, false),
        (_, Action::Back) => back(app),
        _ => {}
    }
}

fn back(app: &mut App) {
    let Some(l) = screen(app) else { return };
    l.mode = match l.mode {
        Mode::Search | Mode::Results => {
            app.pop();
            return;
        }
        Mode::Purpose => Mode::Search,
        Mode::Detail => {
            l.revealed = None;
            l.done = None;
            if l.result.is_some() {
                Mode::Results
            } else {
                Mode::Search
            }
        }
        Mode::Identity | Mode::Change => Mode::Detail,
    };
}

/// `n`: the next visitor. The purpose is asked again and what was shown is cleared; the
/// search method stays as chosen (the next visitor is often asked the same way).
fn new_visitor(app: &mut App) {
    app.visit.purpose = None;
    if let Some(l) = screen(app) {
        let kind = l
            .search
            .get("kind")
            .map(Field::choice_code)
            .unwrap_or_default();
        *l = Lookup::new();
        if let Some(f) = l.search.get_mut("kind") {
            f.set_choice(&kind);
        }
        l.search.focus_id("query");
    }
}

fn submit_form(app: &mut App) {
    let Some(l) = screen(app) else { return };
    match l.mode {
        Mode::Search => {
            // The term first: a typo is told at once, not after the purpose question.
            if let Err(e) = lookup::check_key(&l.key()) {
                search_refused(app, e);
                return;
            }
            if app.visit.purpose.is_none() {
                if let Some(l) = screen(app) {
                    l.purpose.focus = 0;
                    l.mode = Mode::Purpose;
                }
                return;
            }
            run_search(app);
        }
        Mode::Purpose => match super::purpose::value(&l.purpose) {
            Ok(p) => {
                app.visit.purpose = Some(p);
                run_search(app);
            }
            Err(issue) => set_issues(app, vec![issue]),
        },
        Mode::Identity => ask_reveal(app),
        Mode::Change => ask_change(app),
        Mode::Results | Mode::Detail => {}
    }
}

fn set_issues(app: &mut App, issues: Vec<FieldIssue>) {
    let texts = app.issue_texts(issues);
    let mut loose = Vec::new();
    if let Some(form) = screen(app).and_then(Lookup::form_mut) {
        loose = form.set_issues(texts);
    }
    if !loose.is_empty() {
        app.flash(Tone::Error, loose.join(" / "));
    }
}

fn refused(app: &mut App, e: &ServiceError) {
    match e {
        ServiceError::Invalid(v) => set_issues(app, v.clone()),
        other => app.flash_error(other),
    }
}

fn run_search(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    let purpose = app.visit.purpose.clone().unwrap_or_default();
    let Some(l) = screen(app) else { return };
    let key = l.key();
    let r = lookup::search(&mut app.store, &ctx, &purpose, &key);
    match r {
        Ok(r) => {
            let empty = r.hits.is_empty();
            if let Some(l) = screen(app) {
                l.result = Some(r);
                l.cursor = 0;
                l.mode = if empty { Mode::Search } else { Mode::Results };
            }
            if empty {
                let text = app.t(Msg::LkNoHits).to_string();
                app.flash(Tone::Warning, text);
            }
        }
        Err(e) => search_refused(app, e),
    }
}

/// A bad query goes back to the search form with the issue on its field, focused there.
fn search_refused(app: &mut App, e: ServiceError) {
    let ServiceError::Invalid(v) = e else {
        app.flash_error(&e);
        return;
    };
    let v: Vec<FieldIssue> = v
        .into_iter()
        .map(|mut i| {
            if i.field != "birth_date" {
                i.field = "query";
            }
            i
        })
        .collect();
    let wrong = v.first().map(|i| i.field);
    if let Some(l) = screen(app) {
        l.mode = Mode::Search;
        if let Some(f) = wrong {
            l.search.focus_id(f);
        }
    }
    set_issues(app, v);
}

fn open_selected(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    let Some(l) = screen(app) else { return };
    let Some(hit) = l.result.as_ref().and_then(|r| r.hits.get(l.cursor)) else {
        return;
    };
    let hit = hit.clone();
    let Some(id) = hit.account_id else {
        let text = app.t(Msg::LkNoAccount).to_string();
        app.flash(Tone::Warning, text);
        return;
    };
    // R-ID-5: the purpose given for this customer earlier in the session, else the visit's.
    let purpose = app
        .visit
        .per_customer
        .get(&id)
        .cloned()
        .or_else(|| app.visit.purpose.clone())
        .unwrap_or_default();
    match lookup::view(&mut app.store, &ctx, &purpose, id) {
        Ok(mut v) => {
            app.visit.per_customer.insert(id, purpose);
            // The line chosen (an account may hold several establishments), as listed.
            v.hit = hit;
            if let Some(l) = screen(app) {
                l.detail = Some(v);
                l.revealed = None;
                l.done = None;
                l.mode = Mode::Detail;
            }
        }
        Err(e) => app.flash_error(&e),
    }
}

fn purpose_for(app: &App, id: AccountId) -> String {
    app.visit
        .per_customer
        .get(&id)
        .cloned()
        .or_else(|| app.visit.purpose.clone())
        .unwrap_or_default()
}
