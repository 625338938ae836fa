//! Every user-facing string, Japanese first, with a complete English catalogue. The words are
//! keyed on `domain/` types and codes only, never on a screen, a use case or a table
//! (`domain::layers` checks the imports): the screens' table `ui.rs`, the command line `cli/`,
//! a broken input rule `rules.rs`, refusals `refusal.rs`, names of states and kinds
//! `labels.rs`, a submission's field values (the job offer form's choices) `values.rs`, stored
//! findings `findings.rs`, field names `fields.rs`, mail delivery
//! `delivery.rs`, pieces filled into the (Japanese) mails `mail_words.rs`, the audit log `audit.rs`, backup, restore and doctor `ops/`.

pub mod audit;
pub mod cli;
pub mod delivery;
pub mod fields;
pub mod findings;
pub mod labels;
pub mod mail_words;
pub mod ops;
pub mod refusal;
mod rules;
pub mod ui;
pub mod values;

use crate::config::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

/// The word of the language: every table here picks with it.
fn pick(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

impl From<Language> for Lang {
    fn from(l: Language) -> Self {
        match l {
            Language::Ja => Lang::Ja,
            Language::En => Lang::En,
        }
    }
}
