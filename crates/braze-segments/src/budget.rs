//! Sharing Braze's rate-limit budget: a reserve left for other integrations, a share of each
//! window paced evenly toward its reset, and what a waiting client is waiting for.
//!
//! Braze's default budget (250,000 requests an hour) is one counter for the whole workspace,
//! shared with about fifty other endpoints. Every response says what is left of it
//! (`X-RateLimit-Remaining`) and when it resets (`X-RateLimit-Reset`); every process on the same
//! key reads the same counter, so rules that follow those figures converge across processes.

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};

use crate::rate_limit::epoch_ms;
use crate::{ConfigError, Error};

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
/// let budget = RateBudget::use_all().reserve(20_000).share(0.25);
/// assert_eq!(budget.get_reserve(), 20_000);
/// assert_eq!(budget.get_share(), Some(0.25));
/// // a share out of range is a configuration error, at `ClientBuilder::build` or here:
/// assert!(RateBudget::use_all().share(1.5).validate().is_err());
/// ```
///
/// Each setting has one name: its setter, its getter (`get_` and the same name) and its `Debug`
/// field.
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
    /// until the window resets. A fraction out of range is
    /// [`ConfigError::InvalidBudget`](crate::ConfigError::InvalidBudget) at
    /// [`ClientBuilder::build`](crate::ClientBuilder::build) (or at [`validate`](Self::validate)).
    pub fn share(mut self, fraction: f64) -> Self {
        self.share = Some(fraction);
        self
    }

    /// How long a bulk job (an export) waits for a spent budget to reset before it fails
    /// (default an hour: the rest of Braze's window). Single calls keep the retry policy's
    /// `max_rate_limit_wait` and fail fast.
    pub fn bulk_max_wait(mut self, wait: Duration) -> Self {
        self.bulk_max_wait = wait;
        self
    }

    /// The reserve, in requests ([`reserve`](Self::reserve)).
    pub fn get_reserve(&self) -> u64 {
        self.reserve
    }

    /// The share of each window, if one is set ([`share`](Self::share)).
    pub fn get_share(&self) -> Option<f64> {
        self.share
    }

    /// How long bulk jobs wait for the budget ([`bulk_max_wait`](Self::bulk_max_wait)).
    pub fn get_bulk_max_wait(&self) -> Duration {
        self.bulk_max_wait
    }

    /// Checks the settings as [`ClientBuilder::build`](crate::ClientBuilder::build) does: a
    /// share must be a fraction, `0 < f ≤ 1`.
    pub fn validate(&self) -> Result<(), Error> {
        match self.share {
            Some(f) if !(f.is_finite() && f > 0.0 && f <= 1.0) => Err(Error::Config(ConfigError::InvalidBudget {
                reason: format!("the share {f} is not a fraction: give 0 < f ≤ 1, e.g. 0.25"),
            })),
            _ => Ok(()),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn shares_must_be_a_fraction() {
        for bad in [0.0, -0.5, 1.01, f64::NAN, f64::INFINITY] {
            match RateBudget::use_all().share(bad).validate() {
                Err(Error::Config(ConfigError::InvalidBudget { reason })) => {
                    assert!(reason.contains("0 < f ≤ 1"), "{reason}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        for good in [0.01, 0.25, 1.0] {
            let budget = RateBudget::use_all().share(good);
            assert!(budget.validate().is_ok(), "{good}");
            assert_eq!(budget.get_share(), Some(good));
        }
        assert!(RateBudget::use_all().validate().is_ok());
        // the client's build says so with the other configuration errors, before any request
        let built = crate::Client::builder()
            .api_key("k")
            .endpoint("http://127.0.0.1:9")
            .budget(RateBudget::use_all().reserve(10).share(2.0))
            .build();
        match built {
            Err(Error::Config(ConfigError::InvalidBudget { reason })) => {
                assert_eq!(reason, "the share 2 is not a fraction: give 0 < f ≤ 1, e.g. 0.25")
            }
            other => panic!("{:?}", other.map(|_| "a client")),
        }
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

    #[test]
    fn setters_are_read_back_by_the_getters() {
        let default = RateBudget::default();
        assert_eq!(
            (default.get_reserve(), default.get_share(), default.get_bulk_max_wait()),
            (0, None, DEFAULT_BULK_MAX_WAIT)
        );
        let set = RateBudget::use_all().reserve(25).bulk_max_wait(Duration::from_secs(90));
        assert_eq!(
            (set.get_reserve(), set.get_bulk_max_wait()),
            (25, Duration::from_secs(90))
        );
    }

    #[test]
    fn every_reason_is_said_and_kept() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        for (reason, text) in [
            (WaitReason::Spent, "the window is spent"),
            (WaitReason::Reserve, "the reserve is reached"),
            (WaitReason::Share, "this client's share of the window is used up"),
        ] {
            assert_eq!(reason.to_string(), text);
            let board = WaitBoard::default();
            board.set(now + Duration::from_secs(5), reason);
            assert_eq!(board.get(now).map(|wait| wait.reason), Some(reason));
        }
    }
}
