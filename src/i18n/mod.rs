//! Every user-facing string, Japanese first, with a complete English catalogue.

pub mod audit;
pub mod cli;
pub mod delivery;
pub mod fields;
pub mod findings;
pub mod labels;
pub mod ops;
pub mod refusal;
mod rules;
pub mod ui;

use crate::config::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl From<Language> for Lang {
    fn from(l: Language) -> Self {
        match l {
            Language::Ja => Lang::Ja,
            Language::En => Lang::En,
        }
    }
}
