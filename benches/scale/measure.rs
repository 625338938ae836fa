//! Sizes from the environment, and timings turned into the report's figures.

use std::time::{Duration, Instant};

pub(crate) fn env_num(name: &str, full: u64, smoke: u64, is_full: bool) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if is_full { full } else { smoke })
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `q` quantile (0..=1) of `v`, in ms.
pub(crate) fn quantile(v: &mut [Duration], q: f64) -> f64 {
    v.sort();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((v.len().max(1) as f64 - 1.0) * q).round() as usize;
    v.get(i).copied().map_or(0.0, ms)
}

/// `n` timings of `f`.
pub(crate) fn times(n: usize, mut f: impl FnMut()) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}
