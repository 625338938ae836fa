//! Notification mail: templates here; delivery (transport, worker) in the files beside.

pub mod template;
