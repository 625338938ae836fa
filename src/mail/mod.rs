//! Notification mail (R-MAIL-1..7): templates, transport (SMTP via lettre, or a spool folder),
//! the sync worker (lease, backoff, deadline per send; never on the UI thread). The `mail`
//! subcommands are `cli::mail`.

pub mod log;
pub mod template;
pub mod transport;
pub mod worker;
