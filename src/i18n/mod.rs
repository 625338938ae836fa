//! Every word the user reads, Japanese first, English on request (`--lang en`, `ui.language`).

pub mod cli;

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl From<crate::config::Language> for Lang {
    fn from(l: crate::config::Language) -> Self {
        match l {
            crate::config::Language::Ja => Lang::Ja,
            crate::config::Language::En => Lang::En,
        }
    }
}
