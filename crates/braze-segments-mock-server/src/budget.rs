//! The rate-limit budget: one per stand-in (Braze's is per workspace), spent only by
//! authenticated requests, so its state is one window and one count whatever arrives.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{RateLimitConfig, ResetRounding};

/// What a request saw of the budget: the figures of its rate-limit headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spent {
    /// Whether the request may go on (false: answer 429).
    pub(crate) allowed: bool,
    pub(crate) limit: u64,
    pub(crate) remaining: u64,
    /// When the window ends, in whole seconds since the epoch (rounded as configured, and
    /// glitched when configured).
    pub(crate) reset: u64,
    /// Whether the answer carries no rate-limit headers ([`RateLimitConfig::hide_headers_after`]).
    pub(crate) hidden: bool,
}

/// What one window of the budget saw, for tests that check how clients share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetWindow {
    /// When the window started, in milliseconds since the epoch.
    pub start_ms: u64,
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
    windows: Mutex<VecDeque<BudgetWindow>>,
    /// Answers given their figures so far (for hidden headers and glitches).
    answers: AtomicU64,
}

impl Budget {
    pub(crate) fn new(config: RateLimitConfig) -> Budget {
        Budget {
            config,
            windows: Mutex::new(VecDeque::new()),
            answers: AtomicU64::new(0),
        }
    }

    fn window_ms(&self) -> u64 {
        u64::try_from(self.config.window.as_millis()).unwrap_or(u64::MAX).max(1)
    }

    /// The current window, made when the clock has left the last one.
    fn current<'a>(
        &self,
        windows: &'a mut MutexGuard<'_, VecDeque<BudgetWindow>>,
        now_ms: u64,
    ) -> &'a mut BudgetWindow {
        let window = self.window_ms();
        let offset = u64::try_from(self.config.offset.as_millis()).unwrap_or(0) % window;
        // Windows start `offset` past each multiple of the window (the first one maybe earlier).
        let start_ms = now_ms.saturating_sub((now_ms % window + window - offset) % window);
        if windows.back().is_none_or(|w| w.start_ms != start_ms) {
            if windows.len() >= WINDOWS_KEPT {
                windows.pop_front();
            }
            windows.push_back(BudgetWindow {
                start_ms,
                spent: 0,
                refused: 0,
            });
        }
        windows.back_mut().expect("just pushed")
    }

    fn figures(&self, window: &BudgetWindow, allowed: bool) -> Spent {
        let answer = self.answers.fetch_add(1, Ordering::Relaxed) + 1;
        let end_ms = window.start_ms.saturating_add(self.window_ms());
        let mut reset = match self.config.reset_rounding {
            ResetRounding::Up => end_ms.div_ceil(1000),
            ResetRounding::Down => end_ms / 1000,
        };
        if let Some(glitch) = self.config.reset_glitch {
            if answer.is_multiple_of(glitch.every.max(1)) {
                reset = reset.saturating_add_signed(glitch.shift_secs);
            }
        }
        Spent {
            allowed,
            limit: self.config.limit,
            remaining: self.config.limit.saturating_sub(window.spent),
            reset,
            hidden: self.config.hide_headers_after.is_some_and(|after| answer > after),
        }
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<BudgetWindow>> {
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Spends one request of the current window, if any is left.
    pub(crate) fn spend(&self) -> Spent {
        self.spend_at(epoch_ms())
    }

    fn spend_at(&self, now_ms: u64) -> Spent {
        let mut windows = self.lock();
        let current = self.current(&mut windows, now_ms);
        let allowed = current.spent < self.config.limit;
        if allowed {
            current.spent += 1;
        } else {
            current.refused += 1;
        }
        let current = *current;
        self.figures(&current, allowed)
    }

    /// The current window's figures, spending nothing: for answers that do not count (a 404, a
    /// 405, an injected fault).
    pub(crate) fn peek(&self) -> Spent {
        let mut windows = self.lock();
        let current = *self.current(&mut windows, epoch_ms());
        let allowed = current.spent < self.config.limit;
        self.figures(&current, allowed)
    }

    /// The windows that saw requests, oldest first (the latest 1,024).
    pub(crate) fn windows(&self) -> Vec<BudgetWindow> {
        self.lock()
            .iter()
            .copied()
            .filter(|w| w.spent + w.refused > 0)
            .collect()
    }
}

/// Milliseconds since the epoch (0 for a clock set before it).
pub(crate) fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::ResetGlitch;

    fn budget(limit: u64, window_ms: u64) -> Budget {
        Budget::new(RateLimitConfig {
            limit,
            window: Duration::from_millis(window_ms),
            ..RateLimitConfig::default()
        })
    }

    #[test]
    fn a_window_under_a_second_is_kept_to_the_millisecond() {
        let b = budget(2, 500);
        // 10.000 s to 10.499 s is one window; 10.500 s starts the next.
        assert!(b.spend_at(10_000).allowed);
        assert!(b.spend_at(10_499).allowed);
        let refused = b.spend_at(10_499);
        assert!(!refused.allowed);
        assert_eq!((refused.remaining, refused.reset), (0, 11), "10.5 s rounds up to 11");
        let next = b.spend_at(10_500);
        assert!(next.allowed);
        assert_eq!((next.remaining, next.reset), (1, 11), "the window ends at 11.0 s");
        let starts: Vec<u64> = b.windows().iter().map(|w| w.start_ms).collect();
        assert_eq!(starts, [10_000, 10_500]);
    }

    #[test]
    fn whole_second_windows_reset_on_the_second() {
        let b = budget(5, 3_600_000);
        let spent = b.spend_at(3_600_000 * 10 + 1234);
        assert_eq!(spent.reset, 3600 * 11);
        assert_eq!(spent.remaining, 4);
    }

    #[test]
    fn windows_can_start_off_the_second_and_resets_can_be_truncated() {
        let b = Budget::new(RateLimitConfig {
            limit: 1,
            window: Duration::from_millis(1000),
            offset: Duration::from_millis(500),
            reset_rounding: ResetRounding::Down,
            ..RateLimitConfig::default()
        });
        // 10.500 s to 11.499 s is one window, ending at 11.5 s: truncated, the Reset says 11.
        let first = b.spend_at(10_700);
        assert_eq!((first.allowed, first.reset), (true, 11));
        assert!(!b.spend_at(11_499).allowed);
        assert!(b.spend_at(11_500).allowed);
        let starts: Vec<u64> = b.windows().iter().map(|w| w.start_ms).collect();
        assert_eq!(starts, [10_500, 11_500]);
        // Before the first offset: the window that started a window earlier.
        let early = Budget::new(RateLimitConfig {
            offset: Duration::from_millis(500),
            window: Duration::from_millis(1000),
            ..RateLimitConfig::default()
        });
        early.spend_at(200);
        assert_eq!(early.windows()[0].start_ms, 0);
    }

    #[test]
    fn headers_can_vanish_and_resets_glitch() {
        let b = Budget::new(RateLimitConfig {
            limit: 100,
            window: Duration::from_secs(10),
            hide_headers_after: Some(2),
            reset_glitch: Some(ResetGlitch {
                every: 3,
                shift_secs: 600,
            }),
            ..RateLimitConfig::default()
        });
        let answers: Vec<Spent> = (0..4).map(|_| b.spend_at(20_000)).collect();
        assert_eq!(
            answers.iter().map(|a| a.hidden).collect::<Vec<_>>(),
            [false, false, true, true]
        );
        assert_eq!(answers.iter().map(|a| a.reset).collect::<Vec<_>>(), [30, 30, 630, 30]);
    }
}
