//! Sharing Braze's rate-limit budget: a reserve left for other integrations, a share of each
//! window paced evenly toward its reset, and what a waiting client is waiting for.
//!
//! Braze's default budget (250,000 requests an hour) is one counter for the whole workspace,
//! shared with about fifty other endpoints. Every response says what is left of it
//! (`X-RateLimit-Remaining`) and when it resets (`X-RateLimit-Reset`); every process on the same
//! key reads the same counter, so rules that follow those figures converge across processes.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};

use crate::{Error, RateLimit};

/// How much of Braze's shared budget a client may spend, and how long bulk jobs wait for it.
///
/// The default, [`RateBudget::use_all`], uses whatever the window has left, as every Braze client
/// does: calls wait only once a response says `Remaining: 0`. A [`reserve`](Self::reserve) keeps
/// requests for the workspace's other integrations; a [`share`](Self::share) spends at most a
/// fraction of each window, spread evenly toward its reset rather than in a burst.
///
/// ```
/// use braze_segments::RateBudget;
///
/// // Leave 20,000 requests of each window to others, and spend at most a quarter of it.
/// let budget = RateBudget::use_all().reserve(20_000).share(0.25).unwrap();
/// assert_eq!(budget.reserve_requests(), 20_000);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RateBudget {
    reserve: u64,
    share: Option<f64>,
    bulk_max_wait: Duration,
}

/// The longest a bulk job waits for the budget by default: Braze's window is an hour.
pub const DEFAULT_BULK_MAX_WAIT: Duration = Duration::from_secs(3600);

impl Default for RateBudget {
    fn default() -> Self {
        Self::use_all()
    }
}

impl RateBudget {
    /// Use what the window has left (the default): no reserve, no share.
    pub fn use_all() -> Self {
        Self {
            reserve: 0,
            share: None,
            bulk_max_wait: DEFAULT_BULK_MAX_WAIT,
        }
    }

    /// Once a response says `X-RateLimit-Remaining` is at or below `requests`, every clone of
    /// the client waits for `X-RateLimit-Reset` instead of spending what is left. Requests
    /// already in flight are the only overshoot.
    pub fn reserve(mut self, requests: u64) -> Self {
        self.reserve = requests;
        self
    }

    /// Spend at most `fraction` (0 < f ≤ 1) of each window's `X-RateLimit-Limit`, paced evenly
    /// until the window resets.
    pub fn share(mut self, fraction: f64) -> Result<Self, Error> {
        if !(fraction.is_finite() && fraction > 0.0 && fraction <= 1.0) {
            return Err(Error::invalid("share", format!("{fraction} is not in (0, 1]")));
        }
        self.share = Some(fraction);
        Ok(self)
    }

    /// How long a bulk job (an export) waits for a spent budget to reset before it fails
    /// (default an hour: the rest of Braze's window). Single calls keep the retry policy's
    /// `max_rate_limit_wait` and fail fast.
    pub fn bulk_max_wait(mut self, wait: Duration) -> Self {
        self.bulk_max_wait = wait;
        self
    }

    /// The reserve, in requests.
    pub fn reserve_requests(&self) -> u64 {
        self.reserve
    }

    /// The share of each window, if one is set.
    pub fn share_fraction(&self) -> Option<f64> {
        self.share
    }

    /// How long bulk jobs wait for the budget.
    pub fn bulk_wait(&self) -> Duration {
        self.bulk_max_wait
    }
}

/// Why calls are waiting for the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// A response said nothing remains (`X-RateLimit-Remaining: 0`).
    Spent,
    /// What remains is at or below the configured reserve.
    Reserve,
    /// This client spent its share of the window.
    Share,
}

impl std::fmt::Display for WaitReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WaitReason::Spent => "the window is spent",
            WaitReason::Reserve => "the reserve is reached",
            WaitReason::Share => "this client's share of the window is used up",
        })
    }
}

/// What the client is waiting for, as [`Client::budget_wait`](crate::Client::budget_wait) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BudgetWait {
    /// Until when (the window's reset).
    pub until: DateTime<Utc>,
    /// Why.
    pub reason: WaitReason,
}

/// Shared by every clone: the longest wait under way, for progress displays.
#[derive(Debug, Default)]
pub(crate) struct WaitBoard {
    until_ms: AtomicU64,
    reason: AtomicU8,
}

impl WaitBoard {
    pub(crate) fn set(&self, until: SystemTime, reason: WaitReason) {
        let ms = epoch_ms(until);
        self.reason.store(reason as u8, Ordering::Relaxed);
        self.until_ms.fetch_max(ms, Ordering::Relaxed);
    }

    pub(crate) fn get(&self, now: SystemTime) -> Option<BudgetWait> {
        let until = self.until_ms.load(Ordering::Relaxed);
        if until == 0 || until <= epoch_ms(now) {
            return None;
        }
        let reason = match self.reason.load(Ordering::Relaxed) {
            1 => WaitReason::Reserve,
            2 => WaitReason::Share,
            _ => WaitReason::Spent,
        };
        Some(BudgetWait {
            until: DateTime::from_timestamp_millis(i64::try_from(until).ok()?)?,
            reason,
        })
    }
}

/// What the pacer says about the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Send now.
    Go,
    /// Send at this instant (pacing).
    At(Instant),
    /// The share of this window is used up: wait for its reset.
    Spent(SystemTime),
}

/// Paces one client's requests to a share of each window. A window is known from the latest
/// response's `Limit` and `Reset`; this client's requests in it are counted; each request gets
/// the next slot of an even spacing over what is left of the window.
#[derive(Debug)]
pub(crate) struct Pacer {
    share: f64,
    state: Mutex<PaceState>,
}

#[derive(Debug, Default)]
struct PaceState {
    /// The window's reset (local clock) and limit, from the latest response that had both.
    window: Option<(SystemTime, u64)>,
    /// Requests this client started in that window (or since the last one turned).
    used: u64,
    /// The earliest instant of the next request.
    next: Option<Instant>,
    /// When the one request probing an unknown window was sent.
    probe_sent: Option<Instant>,
}

/// While no window is known, one request at a time probes for one, this far apart at least.
const PROBE_SPACING: Duration = Duration::from_millis(100);

impl Pacer {
    pub(crate) fn new(share: f64) -> Self {
        Self {
            share,
            state: Mutex::new(PaceState::default()),
        }
    }

    /// Takes the next slot.
    pub(crate) fn slot(&self, now: SystemTime, instant: Instant) -> Slot {
        let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((reset, _)) = s.window {
            if now >= reset {
                // The window turned: count afresh; the next response tells the new one.
                s.window = None;
                s.used = 0;
                s.next = None;
            }
        }
        let Some((reset, limit)) = s.window else {
            // No window known: one probe at a time.
            if let Some(sent) = s.probe_sent {
                let next = sent + PROBE_SPACING;
                if next > instant {
                    s.probe_sent = Some(next);
                    s.used += 1;
                    return Slot::At(next);
                }
            }
            s.probe_sent = Some(instant);
            s.used += 1;
            return Slot::Go;
        };
        let allowed = ((limit as f64 * self.share).floor() as u64).max(1);
        if s.used >= allowed {
            return Slot::Spent(reset);
        }
        let at = s.next.map_or(instant, |next| next.max(instant));
        // Spread what is left of the share evenly over what is left of the window after `at`.
        let ahead = at.saturating_duration_since(instant);
        let left = reset.duration_since(now).unwrap_or(Duration::ZERO).saturating_sub(ahead);
        let interval = left / u32::try_from(allowed - s.used).unwrap_or(u32::MAX);
        s.next = at.checked_add(interval);
        s.used += 1;
        if at > instant {
            Slot::At(at)
        } else {
            Slot::Go
        }
    }

    /// Learns the window from a response: `reset` is its reset on the local clock.
    pub(crate) fn observe(&self, rate_limit: &RateLimit, reset: Option<SystemTime>) {
        let (Some(limit), Some(reset)) = (rate_limit.limit, reset) else {
            return;
        };
        let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        s.probe_sent = None;
        match s.window {
            // The same window (resets within a second: the header has whole seconds).
            Some((known, _)) if reset <= known + Duration::from_secs(1) && known <= reset + Duration::from_secs(1) => {
                s.window = Some((known, limit));
            }
            _ => {
                s.window = Some((reset, limit));
                s.next = None;
            }
        }
    }
}

fn epoch_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_must_be_a_fraction() {
        for bad in [0.0, -0.5, 1.01, f64::NAN, f64::INFINITY] {
            assert!(RateBudget::use_all().share(bad).is_err(), "{bad}");
        }
        for good in [0.01, 0.25, 1.0] {
            assert_eq!(RateBudget::use_all().share(good).unwrap().share_fraction(), Some(good));
        }
    }

    fn window(limit: u64, reset: SystemTime) -> RateLimit {
        RateLimit {
            limit: Some(limit),
            remaining: Some(limit),
            reset_at: None,
        }
        .with_reset(reset)
    }

    impl RateLimit {
        fn with_reset(mut self, reset: SystemTime) -> Self {
            let secs = reset.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
            self.reset_at = DateTime::from_timestamp(secs, 0);
            self
        }
    }

    #[test]
    fn a_share_is_paced_evenly_until_the_reset_then_waits_for_it() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t0 = Instant::now();
        let pacer = Pacer::new(0.25);
        // Unknown window: one probe, then the next waits its spacing.
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        assert_eq!(pacer.slot(now, t0), Slot::At(t0 + PROBE_SPACING));
        // The window: 40 requests, 10 s left; a quarter is 10, of which 2 are spent (the probe,
        // and the spaced one): 8 left over 10 s, 1.25 s apart.
        let reset = now + Duration::from_secs(10);
        pacer.observe(&window(40, reset), Some(reset));
        let mut slots = Vec::new();
        for _ in 0..8 {
            slots.push(pacer.slot(now, t0));
        }
        assert_eq!(slots[0], Slot::Go);
        assert_eq!(slots[1], Slot::At(t0 + Duration::from_millis(1250)));
        assert_eq!(slots[7], Slot::At(t0 + Duration::from_millis(1250) * 7));
        // The share is spent: wait for the reset.
        assert_eq!(pacer.slot(now, t0), Slot::Spent(reset));
        // Past the reset, a new window is probed for.
        let later = reset + Duration::from_millis(1);
        assert_eq!(pacer.slot(later, t0 + Duration::from_secs(10)), Slot::Go);
    }

    #[test]
    fn the_same_window_seen_again_keeps_the_count() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t0 = Instant::now();
        let pacer = Pacer::new(1.0);
        let reset = now + Duration::from_secs(2);
        pacer.observe(&window(2, reset), Some(reset));
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        pacer.observe(&window(2, reset), Some(reset + Duration::from_millis(400)));
        assert!(matches!(pacer.slot(now, t0), Slot::At(_)));
        assert_eq!(pacer.slot(now, t0), Slot::Spent(reset));
    }

    #[test]
    fn the_wait_board_says_until_when_and_why() {
        let board = WaitBoard::default();
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(board.get(now), None);
        board.set(now + Duration::from_secs(5), WaitReason::Reserve);
        let wait = board.get(now).unwrap();
        assert_eq!(wait.reason, WaitReason::Reserve);
        assert_eq!(wait.until.timestamp(), 1_005);
        assert_eq!(
            board.get(now + Duration::from_secs(5)),
            None,
            "over once the time has come"
        );
    }
}
