//! madoguchi (窓口): the terminal application Hello Work staff use at the counter and in the
//! back office. See README.md for the architecture picture.
#![forbid(unsafe_code)]

pub mod app;
pub mod cli_submissions;
pub mod clock;
pub mod config;
pub mod domain;
pub mod r#gen;
pub mod i18n;
pub mod mail;
pub mod secret;
pub mod service;
pub mod storage;
pub mod tui;
pub mod ui;
