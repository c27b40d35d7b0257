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

/// What one window of the budget saw, for tests that check how clients share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetWindow {
    /// When the window started, in seconds since the epoch.
    pub start: u64,
    /// Requests it let through (so the lowest `X-RateLimit-Remaining` it sent was the limit
    /// minus this).
    pub spent: u64,
    /// Requests it refused with 429.
    pub refused: u64,
}

/// The windows kept for [`Budget::windows`]: the latest ones, so memory stays bounded.
const WINDOWS_KEPT: usize = 1024;

pub(crate) struct Budget {
    config: RateLimitConfig,
    /// The current window, then the ones before it (newest last, at most [`WINDOWS_KEPT`]).
    windows: Mutex<std::collections::VecDeque<BudgetWindow>>,
}

impl Budget {
    pub(crate) fn new(config: RateLimitConfig) -> Budget {
        Budget {
            config,
            windows: Mutex::new(std::collections::VecDeque::new()),
        }
    }

    /// Spends one request of the current window, if any is left.
    pub(crate) fn spend(&self) -> Spent {
        let window = self.config.window.as_secs().max(1);
        let now = epoch_secs();
        let start = now - now % window;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.back().is_none_or(|w| w.start != start) {
            if windows.len() >= WINDOWS_KEPT {
                windows.pop_front();
            }
            windows.push_back(BudgetWindow {
                start,
                spent: 0,
                refused: 0,
            });
        }
        let current = windows.back_mut().expect("just pushed");
        let allowed = current.spent < self.config.limit;
        if allowed {
            current.spent += 1;
        } else {
            current.refused += 1;
        }
        Spent {
            allowed,
            limit: self.config.limit,
            remaining: self.config.limit.saturating_sub(current.spent),
            reset: start.saturating_add(window),
        }
    }

    /// The windows that saw requests, oldest first (the latest 1,024).
    pub(crate) fn windows(&self) -> Vec<BudgetWindow> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.iter().copied().collect()
    }
}

/// Seconds since the epoch (0 for a clock set before it).
pub(crate) fn epoch_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
