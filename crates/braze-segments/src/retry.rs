//! When to retry: a policy and the pure function [`decide`] that applies it.
//!
//! Only [`RetryPolicy`] is public: it is the contract, and its documentation says what it does.
//! [`decide`] and its types ([`Outcome`], [`Decision`], [`GiveUp`]) are how it is done, kept
//! internal so that they can change (a new kind of failure, another wait) without breaking
//! users; their behaviour is pinned by the decision table in this module's tests.

use std::time::Duration;

use crate::Error;

/// How calls are retried.
///
/// The default: up to 4 attempts; exponential backoff with full jitter (base 200 ms, cap 10 s)
/// on 429, 500, 502, 503, 504, connection errors and timeouts; a 429 waits for
/// `X-RateLimit-Reset` (or `Retry-After`) when that is at most
/// [`max_rate_limit_wait`](Self::max_rate_limit_wait) (60 s) away, and fails at once with
/// [`Error::RateLimited`](crate::Error::RateLimited) otherwise; every call gives up after its
/// [`deadline`](Self::deadline) (2 minutes) in all.
///
/// Each setting has one name: its setter (which returns the policy, for a chain), its getter
/// (`get_` and the same name, as smithy-rs names a builder's) and its `Debug` field:
///
/// ```
/// use std::time::Duration;
/// use braze_segments::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(3)
///     .backoff(Duration::from_millis(100), Duration::from_secs(2))
///     .deadline(Some(Duration::from_secs(30)));
/// assert_eq!(policy.get_max_attempts(), 3);
/// assert_eq!(policy.backoff_ceiling(2), Duration::from_millis(200));
/// assert!(policy.retries_status(503) && !policy.retries_status(404));
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
#[must_use]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub(crate) max_attempts: u32,
    /// The first backoff ceiling; doubles with each retry.
    pub(crate) base_delay: Duration,
    /// The largest backoff ceiling.
    pub(crate) max_delay: Duration,
    /// The longest a call waits for a rate-limit window to reset.
    pub(crate) max_rate_limit_wait: Duration,
    /// The most a call may take, attempts and waits included; `None` for no limit.
    pub(crate) deadline: Option<Duration>,
    /// HTTP statuses that are retried.
    pub(crate) retry_statuses: Vec<u16>,
    /// Whether connection errors, dropped connections and timeouts are retried.
    pub(crate) retry_transport_errors: bool,
}

/// The statuses the default policy retries: a rate limit and the server errors worth another
/// try. One list: [`Error::is_retryable`](crate::Error::is_retryable) reads it too.
pub(crate) const DEFAULT_RETRY_STATUSES: [u16; 5] = [429, 500, 502, 503, 504];

// Beside the list it reads, so that errors need not know the retry policy.
impl Error {
    /// True when the same call might succeed later: 429, 500, 502, 503, 504, timeouts and
    /// transport errors (not [`Error::Tls`]).
    ///
    /// This is the default retry policy's answer; [`RetryPolicy::retries`](crate::RetryPolicy::retries)
    /// gives a configured policy's.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status, .. } => DEFAULT_RETRY_STATUSES.contains(status),
            Error::RateLimited { .. } | Error::Timeout { .. } | Error::Transport { .. } => true,
            _ => false,
        }
    }
}

// The setters' names: `backoff` is one setting of two values.
impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("backoff", &(self.base_delay, self.max_delay))
            .field("max_rate_limit_wait", &self.max_rate_limit_wait)
            .field("deadline", &self.deadline)
            .field("retry_statuses", &self.retry_statuses)
            .field("retry_transport_errors", &self.retry_transport_errors)
            .finish()
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_rate_limit_wait: Duration::from_secs(60),
            deadline: Some(Duration::from_secs(120)),
            retry_statuses: DEFAULT_RETRY_STATUSES.to_vec(),
            retry_transport_errors: true,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries (rate-limit waits still apply through the gate).
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts in all, the first included (default 4); 1 turns retries off, and 0 counts as 1.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The exponential backoff: the ceiling before the first retry is `base` (default 200 ms),
    /// doubling with each retry up to `max` (default 10 s); full jitter draws each wait
    /// uniformly from `0..=ceiling`.
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }

    /// The longest a call waits for a rate-limit window to reset (default 60 s) before it
    /// returns [`Error::RateLimited`](crate::Error::RateLimited) instead.
    pub fn max_rate_limit_wait(mut self, wait: Duration) -> Self {
        self.max_rate_limit_wait = wait;
        self
    }

    /// The most a call may take, attempts and waits included (default 2 minutes); `None` for
    /// no limit.
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The HTTP statuses that are retried (default 429, 500, 502, 503, 504).
    pub fn retry_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.retry_statuses = statuses.into_iter().collect();
        self
    }

    /// Whether connection errors, dropped connections and timeouts are retried (default yes).
    pub fn retry_transport_errors(mut self, retry: bool) -> Self {
        self.retry_transport_errors = retry;
        self
    }

    /// Attempts in all, the first included ([`max_attempts`](Self::max_attempts)).
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff as `(base, max)`: the ceiling before the first retry and the largest
    /// ([`backoff`](Self::backoff)).
    pub fn get_backoff(&self) -> (Duration, Duration) {
        (self.base_delay, self.max_delay)
    }

    /// The longest a call waits for a rate-limit window to reset
    /// ([`max_rate_limit_wait`](Self::max_rate_limit_wait)).
    pub fn get_max_rate_limit_wait(&self) -> Duration {
        self.max_rate_limit_wait
    }

    /// The most a call may take; `None` for no limit ([`deadline`](Self::deadline)).
    pub fn get_deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The HTTP statuses that are retried ([`retry_statuses`](Self::retry_statuses)).
    pub fn get_retry_statuses(&self) -> &[u16] {
        &self.retry_statuses
    }

    /// Whether connection errors, dropped connections and timeouts are retried
    /// ([`retry_transport_errors`](Self::retry_transport_errors)).
    pub fn get_retry_transport_errors(&self) -> bool {
        self.retry_transport_errors
    }

    /// True when a response with `status` is retried.
    pub fn retries_status(&self, status: u16) -> bool {
        self.retry_statuses.contains(&status)
    }

    /// True when connection errors, dropped connections and timeouts are retried.
    pub fn retries_transport_errors(&self) -> bool {
        self.retry_transport_errors
    }

    /// True when this policy retries a call that failed with `error` (what
    /// [`Error::is_retryable`](crate::Error::is_retryable) says for the default policy).
    pub fn retries(&self, error: &Error) -> bool {
        match error {
            Error::Api { status, .. } => self.retries_status(*status),
            Error::RateLimited { .. } => self.retries_status(429),
            Error::Timeout { .. } | Error::Transport { .. } => self.retry_transport_errors,
            _ => false,
        }
    }

    /// The backoff ceiling before retry number `retry` (1 for the first retry):
    /// `min(max_delay, base_delay × 2^(retry-1))`. Full jitter draws the wait uniformly from
    /// `0..=ceiling`.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// What one attempt came to, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A response with this status (2xx never reaches [`decide`]).
    Status {
        /// The HTTP status.
        status: u16,
        /// How long the server asked to wait: `Retry-After`, else `X-RateLimit-Reset` − the
        /// response's `Date` (only consulted for 429; zero backs off as if unknown).
        server_wait: Option<Duration>,
    },
    /// The connection failed, was dropped, or the attempt timed out.
    Transport,
    /// Anything else (a body past the cap, an undecodable success): never retried.
    Permanent,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait exactly this long (the server said when), then retry.
    RetryAfter(Duration),
    /// Wait a uniformly random time in `0..=ceiling` (full jitter), then retry.
    RetryJittered {
        /// The backoff ceiling.
        ceiling: Duration,
    },
    /// Stop and return the error.
    GiveUp(GiveUp),
}

/// Why [`decide`] gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUp {
    /// The outcome is not retryable under the policy.
    NotRetryable,
    /// `max_attempts` are used up.
    AttemptsExhausted,
    /// Waiting would pass the deadline.
    Deadline,
    /// The rate-limit window resets later than `max_rate_limit_wait`.
    RateLimitTooFar {
        /// How long the server asked to wait.
        wait: Duration,
    },
}

/// The retry decision: after `attempts` attempts taking `elapsed` in all, ending in `outcome`,
/// retry after what, or give up? Pure: no clock, no randomness, no I/O.
pub fn decide(policy: &RetryPolicy, outcome: &Outcome, attempts: u32, elapsed: Duration) -> Decision {
    let (retryable, server_wait) = match *outcome {
        Outcome::Status { status, server_wait } => (
            policy.retries_status(status),
            // A wait of zero (`Retry-After: 0`; a reset is always waited a whole second past)
            // says nothing about when to come back: back off like any retryable failure.
            if status == 429 {
                server_wait.filter(|w| !w.is_zero())
            } else {
                None
            },
        ),
        Outcome::Transport => (policy.retry_transport_errors, None),
        Outcome::Permanent => (false, None),
    };
    if !retryable {
        return Decision::GiveUp(GiveUp::NotRetryable);
    }
    if let Some(wait) = server_wait
        && wait > policy.max_rate_limit_wait
    {
        return Decision::GiveUp(GiveUp::RateLimitTooFar { wait });
    }
    if attempts >= policy.max_attempts {
        return Decision::GiveUp(GiveUp::AttemptsExhausted);
    }
    let (decision, least_wait) = match server_wait {
        Some(wait) => (Decision::RetryAfter(wait), wait),
        None => (
            Decision::RetryJittered {
                ceiling: policy.backoff_ceiling(attempts),
            },
            Duration::ZERO,
        ),
    };
    if policy
        .deadline
        .is_some_and(|deadline| elapsed.saturating_add(least_wait) >= deadline)
    {
        return Decision::GiveUp(GiveUp::Deadline);
    }
    decision
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn status(status: u16) -> Outcome {
        Outcome::Status {
            status,
            server_wait: None,
        }
    }

    fn too_many(wait: u64) -> Outcome {
        Outcome::Status {
            status: 429,
            server_wait: Some(Duration::from_secs(wait)),
        }
    }

    #[test]
    fn the_decision_table() {
        let p = RetryPolicy::default();
        let rows: Vec<(Outcome, u32, Duration, Decision)> = vec![
            // retryable statuses back off, doubling from 200 ms
            (status(500), 1, MS(0), Decision::RetryJittered { ceiling: MS(200) }),
            (status(502), 2, MS(0), Decision::RetryJittered { ceiling: MS(400) }),
            (status(503), 3, MS(0), Decision::RetryJittered { ceiling: MS(800) }),
            (status(504), 1, MS(0), Decision::RetryJittered { ceiling: MS(200) }),
            (status(429), 1, MS(0), Decision::RetryJittered { ceiling: MS(200) }),
            (
                Outcome::Transport,
                1,
                MS(0),
                Decision::RetryJittered { ceiling: MS(200) },
            ),
            // ... until the attempts run out
            (status(500), 4, MS(0), Decision::GiveUp(GiveUp::AttemptsExhausted)),
            (
                Outcome::Transport,
                4,
                MS(0),
                Decision::GiveUp(GiveUp::AttemptsExhausted),
            ),
            // never retried
            (status(400), 1, MS(0), Decision::GiveUp(GiveUp::NotRetryable)),
            (status(401), 1, MS(0), Decision::GiveUp(GiveUp::NotRetryable)),
            (status(403), 1, MS(0), Decision::GiveUp(GiveUp::NotRetryable)),
            (status(404), 1, MS(0), Decision::GiveUp(GiveUp::NotRetryable)),
            (status(501), 1, MS(0), Decision::GiveUp(GiveUp::NotRetryable)),
            (status(302), 1, MS(0), Decision::GiveUp(GiveUp::NotRetryable)),
            (Outcome::Permanent, 1, MS(0), Decision::GiveUp(GiveUp::NotRetryable)),
            // a 429 waits for the server's reset when it is close enough
            (too_many(1), 1, MS(0), Decision::RetryAfter(Duration::from_secs(1))),
            (too_many(60), 1, MS(0), Decision::RetryAfter(Duration::from_secs(60))),
            (
                too_many(61),
                1,
                MS(0),
                Decision::GiveUp(GiveUp::RateLimitTooFar {
                    wait: Duration::from_secs(61),
                }),
            ),
            (
                too_many(3600),
                4,
                MS(0),
                Decision::GiveUp(GiveUp::RateLimitTooFar {
                    wait: Duration::from_secs(3600),
                }),
            ),
            // a wait of zero backs off instead of retrying back to back
            (too_many(0), 1, MS(0), Decision::RetryJittered { ceiling: MS(200) }),
            (too_many(0), 3, MS(0), Decision::RetryJittered { ceiling: MS(800) }),
            // server waits only count for 429
            (
                Outcome::Status {
                    status: 503,
                    server_wait: Some(Duration::from_secs(5)),
                },
                1,
                MS(0),
                Decision::RetryJittered { ceiling: MS(200) },
            ),
            // the deadline (120 s)
            (
                status(500),
                1,
                Duration::from_secs(119),
                Decision::RetryJittered { ceiling: MS(200) },
            ),
            (
                status(500),
                1,
                Duration::from_secs(120),
                Decision::GiveUp(GiveUp::Deadline),
            ),
            (
                too_many(30),
                1,
                Duration::from_secs(100),
                Decision::GiveUp(GiveUp::Deadline),
            ),
        ];
        for (outcome, attempts, elapsed, expected) in rows {
            assert_eq!(
                decide(&p, &outcome, attempts, elapsed),
                expected,
                "{outcome:?} after {attempts} attempts, {elapsed:?}"
            );
        }
    }

    #[test]
    fn the_ceiling_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_ceiling(1), MS(200));
        assert_eq!(p.backoff_ceiling(6), MS(6400));
        assert_eq!(p.backoff_ceiling(7), Duration::from_secs(10));
        assert_eq!(p.backoff_ceiling(40), Duration::from_secs(10), "no overflow");
    }

    #[test]
    fn policies_are_configurable() {
        let none = RetryPolicy::none();
        assert_eq!(
            decide(&none, &status(503), 1, MS(0)),
            Decision::GiveUp(GiveUp::AttemptsExhausted)
        );
        let no_transport = RetryPolicy::default().retry_transport_errors(false);
        assert_eq!(
            decide(&no_transport, &Outcome::Transport, 1, MS(0)),
            Decision::GiveUp(GiveUp::NotRetryable)
        );
        let patient = RetryPolicy::default()
            .max_rate_limit_wait(Duration::from_secs(3600))
            .deadline(None);
        assert_eq!(
            decide(&patient, &too_many(3000), 1, MS(0)),
            Decision::RetryAfter(Duration::from_secs(3000))
        );
        assert_eq!(
            (patient.get_max_rate_limit_wait(), patient.get_deadline()),
            (Duration::from_secs(3600), None)
        );
        let custom = RetryPolicy::default()
            .max_attempts(0)
            .backoff(MS(50), MS(70))
            .retry_statuses([503]);
        assert_eq!(custom.get_max_attempts(), 1, "0 attempts counts as 1");
        assert_eq!(custom.get_backoff(), (MS(50), MS(70)));
        assert_eq!(custom.backoff_ceiling(2), MS(70));
        assert_eq!(custom.get_retry_statuses(), [503]);
        assert!(custom.get_retry_transport_errors());
        assert_eq!(
            decide(&custom, &status(500), 1, MS(0)),
            Decision::GiveUp(GiveUp::NotRetryable)
        );
        assert_eq!(
            decide(&custom.max_attempts(3), &status(503), 1, MS(0)),
            Decision::RetryJittered { ceiling: MS(50) }
        );
    }

    #[test]
    fn debug_names_each_setting_as_its_setter_does() {
        assert_eq!(
            format!("{:?}", RetryPolicy::default()),
            "RetryPolicy { max_attempts: 4, backoff: (200ms, 10s), max_rate_limit_wait: 60s, \
             deadline: Some(120s), retry_statuses: [429, 500, 502, 503, 504], retry_transport_errors: true }"
        );
    }

    #[test]
    fn getters_read_back_the_defaults_and_what_was_set() {
        let default = RetryPolicy::default();
        assert_eq!(default.get_max_attempts(), 4);
        assert_eq!(default.get_deadline(), Some(Duration::from_secs(120)));
        assert!(default.get_retry_transport_errors());
        let set = RetryPolicy::default()
            .max_attempts(3)
            .deadline(Some(Duration::from_secs(30)))
            .retry_transport_errors(false);
        assert_eq!(set.get_max_attempts(), 3);
        assert_eq!(set.get_deadline(), Some(Duration::from_secs(30)));
        assert!(!set.get_retry_transport_errors());
    }

    #[test]
    fn a_policy_says_which_errors_it_retries_and_the_default_agrees_with_is_retryable() {
        let api = |status: u16| crate::Error::Api {
            status,
            message: String::new(),
            errors: Vec::new(),
            rate_limit: crate::RateLimit::default(),
        };
        let timeout = crate::Error::Timeout {
            elapsed: Duration::ZERO,
            attempts: 1,
        };
        let errors = [api(400), api(429), api(500), api(501), api(503), timeout];
        let default = RetryPolicy::default();
        for e in &errors {
            assert_eq!(default.retries(e), e.is_retryable(), "{e:?}");
        }
        let only_503 = RetryPolicy::default()
            .retry_statuses([503])
            .retry_transport_errors(false);
        let retried: Vec<bool> = errors.iter().map(|e| only_503.retries(e)).collect();
        assert_eq!(retried, [false, false, false, false, true, false]);
    }
}
