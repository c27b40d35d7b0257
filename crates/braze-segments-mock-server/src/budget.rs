//! The rate-limit budget: one per stand-in (Braze's is per workspace), spent only by
//! authenticated requests, so its state is one window and one count whatever arrives.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::RateLimitConfig;

/// What a request saw of the budget.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spent {
    /// Whether the request may go on (false: answer 429).
    pub(crate) allowed: bool,
    pub(crate) limit: u64,
    pub(crate) remaining: u64,
    /// When the window ends, in seconds since the epoch.
    pub(crate) reset: u64,
}

pub(crate) struct Budget {
    config: RateLimitConfig,
    /// (window start, requests spent in it).
    used: Mutex<(u64, u64)>,
}

impl Budget {
    pub(crate) fn new(config: RateLimitConfig) -> Budget {
        Budget {
            config,
            used: Mutex::new((0, 0)),
        }
    }

    /// Spends one request of the current window, if any is left.
    pub(crate) fn spend(&self) -> Spent {
        let window = self.config.window.as_secs().max(1);
        let now = epoch_secs();
        let start = now - now % window;
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if used.0 != start {
            *used = (start, 0);
        }
        let allowed = used.1 < self.config.limit;
        if allowed {
            used.1 += 1;
        }
        Spent {
            allowed,
            limit: self.config.limit,
            remaining: self.config.limit.saturating_sub(used.1),
            reset: start.saturating_add(window),
        }
    }
}

/// Seconds since the epoch (0 for a clock set before it).
pub(crate) fn epoch_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
