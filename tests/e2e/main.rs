//! The in-process end-to-end tests as one test binary (issue 19 item 5): one link step instead
//! of one per file. Each module was a file of its own under `tests/`; test names are unchanged,
//! only their paths gained the module (`cargo test r_rev_6` still finds them).
//!
//! Only tests that share no process state belong here: plain `cargo test` runs all of them as
//! threads of one process. Tests that drive pseudo-terminals, sshd, SMTP servers, racing
//! processes or timings stay binaries of their own (`tests/*.rs`).

#[path = "../common/mod.rs"]
mod common;

mod admin_text;
mod audit_chain;
mod cli;
mod cli_lookup;
mod cli_output;
mod cli_review;
mod detail_english;
mod detail_sections;
mod detail_sections_support;
mod doctor;
mod halfwidth_kana;
mod hostile_output;
mod import;
mod lifecycle;
mod lookup;
mod migrations;
mod oplog;
mod queue_filter;
mod queue_paging;
mod queue_tally;
mod review;
mod review_checklist;
mod review_detail;
mod review_screens;
mod screens;
mod screens80;
mod screens_english;
mod screens_input;
mod screens_lookup;
mod screens_lookup_support;
mod screens_roles;
mod screens_support;
mod storage;
mod sweep;
mod wal;
