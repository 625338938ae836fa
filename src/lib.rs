//! madoguchi (窓口): the terminal application Hello Work staff use at the counter and in the
//! back office. See README.md for the architecture picture:
//! `cli/` and `tui/` call `service/` (one transaction per use case), which uses the pure rules
//! in `domain/` and the SQLite `storage/`; mail templates and delivery live in `mail/`; every
//! word shown to people is in `i18n/`.
#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod r#gen;
pub mod i18n;
pub mod logfile;
pub mod mail;
pub mod paths;
pub mod secret;
pub mod service;
pub mod storage;
pub mod terminal_id;
pub mod tui;
pub mod ui;
