//! madoguchi (窓口): the terminal application Hello Work staff use at the counter and in the
//! back office. See README.md for the architecture picture.
#![forbid(unsafe_code)]

pub mod domain;
pub mod i18n;
