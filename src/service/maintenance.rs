//! Background upkeep, in one place: what every long-running process (the TUI's background
//! thread, `mail sync --watch`) does between its own work. The deadline sweep (R-DL-3, at most
//! once per interval across all processes) and the queue filter's search index (R-REV-6). A
//! failure is logged and the next tick tries again: background work never stops the process.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::sweep::{self, SweepReport};
use crate::config::Config;
use crate::storage::Store;

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tick {
    /// The sweep, when it was due and ran.
    pub sweep: Option<SweepReport>,
    /// Items the search index caught up with; `None` when its upkeep failed (logged).
    pub indexed: Option<usize>,
}

/// How often the deadline sweep runs (the configured minutes, at least one).
#[must_use]
pub fn sweep_every(cfg: &Config) -> Duration {
    Duration::from_secs(u64::from(cfg.review.sweep_interval_minutes.max(1)) * 60)
}

/// Runs the sweep when it is due (any process may have run it: the last run is kept in the
/// database) and one step of search-index upkeep. Failures are logged with `tracing`, never
/// returned: the caller's own work goes on.
pub fn tick(store: &mut Store, cfg: &Config, now: DateTime<Utc>, sweep_every: Duration) -> Tick {
    // `maybe_run` logs its own failures (the schedule and the run).
    let sweep = sweep::maybe_run(store, cfg, now, sweep_every);
    let indexed = match super::queue::maintain_search(store) {
        Ok(n) => {
            if n > 0 {
                tracing::info!(items = n, "search index caught up");
            }
            Some(n)
        }
        Err(e) => {
            tracing::warn!("search index upkeep: {e}");
            None
        }
    };
    Tick { sweep, indexed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_dl_3_a_tick_sweeps_once_per_interval_and_keeps_the_index() {
        let mut store = Store::open_in_memory().expect("store");
        let cfg = Config::default();
        let every = sweep_every(&cfg);
        assert_eq!(every, Duration::from_mins(10));
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-02T01:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let first = tick(&mut store, &cfg, now, every);
        assert!(first.sweep.is_some(), "{first:?}");
        assert_eq!(first.indexed, Some(0));
        let soon = tick(&mut store, &cfg, now + chrono::Duration::minutes(5), every);
        assert!(soon.sweep.is_none(), "{soon:?}");
        let later = tick(&mut store, &cfg, now + chrono::Duration::minutes(11), every);
        assert!(later.sweep.is_some(), "{later:?}");
    }
}
