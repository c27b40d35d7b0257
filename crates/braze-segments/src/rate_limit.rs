//! Braze's rate-limit headers, the shared "budget spent" gate, and the latest figures seen.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, HeaderValue};

use crate::headers::Seen;

/// The rate-limit figures of one response (`X-RateLimit-Limit`, `-Remaining`, `-Reset`).
///
/// Header names are matched case-insensitively (HTTP/2 sends them lowercase); an empty or
/// unparsable value (Braze sends empty ones on some 401s) is `None`, never an error. A response's
/// figures, read by the SDK: more may be added, so it is made by [`from_headers`](Self::from_headers)
/// or `Default`, not by a struct literal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset_at: Option<DateTime<Utc>>,
}

impl RateLimit {
    /// Reads the three headers from `headers`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Seen::scan(headers).rate_limit()
    }

    /// The figures of the three headers' values (the first of each name), as found.
    pub(crate) fn from_values(
        limit: Option<&HeaderValue>,
        remaining: Option<&HeaderValue>,
        reset: Option<&HeaderValue>,
    ) -> Self {
        Self {
            limit: number(limit),
            remaining: number(remaining),
            reset_at: number(reset)
                .and_then(|secs| i64::try_from(secs).ok())
                .and_then(|secs| DateTime::from_timestamp(secs, 0)),
        }
    }

    /// True when no header carried a usable value.
    pub fn is_empty(&self) -> bool {
        self.limit.is_none() && self.remaining.is_none() && self.reset_at.is_none()
    }

    /// How long from `now` until the window resets (zero if it already has); `None` without a
    /// reset time, or when the reset is more than a day away: Braze's windows are an hour long,
    /// so such a value is garbled, and honouring it would stall the client for good.
    pub fn reset_after(&self, now: SystemTime) -> Option<Duration> {
        let reset = system_time(self.reset_at?)?;
        let wait = reset.duration_since(now).unwrap_or(Duration::ZERO);
        (wait <= MAX_PLAUSIBLE_RESET).then_some(wait)
    }
}

/// What Braze's whole-second headers leave unknown, and every wait for a reset adds:
/// `X-RateLimit-Reset` may name the second before the window really ends (truncated), and the
/// server's clock was up to a second past its `Date`. So a window has surely ended
/// `Reset − Date + 1 s` after the response: a Reset at or before Date means "within the next
/// second".
pub(crate) const WHOLE_SECOND: Duration = Duration::from_secs(1);

/// The most jitter added to a wait for a reset.
const RESET_JITTER: Duration = Duration::from_secs(1);

/// What the timing rules add to a wait for a reset (the whole second and the most jitter):
/// never held against a bulk job's patience, so that the default an hour still covers a wait
/// for a whole hourly window.
pub(crate) const RESET_SLACK: Duration = WHOLE_SECOND.saturating_add(RESET_JITTER);

/// `wait` with jitter drawn uniformly from `0..=` a quarter of it, at most a second: clients
/// (and processes) that wait for the same reset do not all come back at its first instant.
pub(crate) fn with_jitter(wait: Duration) -> Duration {
    let most = (wait / 4).min(RESET_JITTER);
    let nanos = u64::try_from(most.as_nanos()).unwrap_or(u64::MAX);
    wait.saturating_add(Duration::from_nanos(fastrand::u64(0..=nanos)))
}

/// The furthest reset honoured (see [`RateLimit::reset_after`]).
const MAX_PLAUSIBLE_RESET: Duration = Duration::from_secs(24 * 3600);

/// A header's value as a whole number; `None` when absent, empty or not a number. Values with a
/// fractional part (`"1721919600.0"`) are truncated.
fn number(value: Option<&HeaderValue>) -> Option<u64> {
    let value = value?;
    if let Some(n) = digits(value) {
        return Some(n);
    }
    let text = value.to_str().ok()?.trim();
    if text.is_empty() {
        return None;
    }
    text.parse::<u64>().ok().or_else(|| {
        let value = text.parse::<f64>().ok()?;
        (value.is_finite() && value >= 0.0 && value < u64::MAX as f64).then_some(value as u64)
    })
}

/// [`retry_after_value`] of a header map (the tests' form).
#[cfg(test)]
pub(crate) fn retry_after(headers: &HeaderMap, now: impl FnOnce() -> SystemTime) -> Option<Duration> {
    retry_after_value(headers.get(reqwest::header::RETRY_AFTER), now)
}

/// A header value of ASCII digits alone (19 at most, so that it fits), spaces and tabs around
/// it: the shape Braze sends, read in one pass, without str's Unicode-aware trim and parse (a
/// header value holds no other whitespace). `None` for any other shape.
pub(crate) fn digits(value: &HeaderValue) -> Option<u64> {
    crate::time::ascii_digits(value.as_bytes().trim_ascii())
}

/// `Retry-After` (the header's value) as a delay: delta-seconds, or an HTTP date relative to
/// `now` (read only when the header holds a date).
pub(crate) fn retry_after_value(value: Option<&HeaderValue>, now: impl FnOnce() -> SystemTime) -> Option<Duration> {
    let text = value?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = http_date(text)?;
    Some(at.duration_since(now()).unwrap_or(Duration::ZERO))
}

/// A header map's `Date` ([`server_date_value`]) against the local clock.
#[cfg(any(test, feature = "users"))]
pub(crate) fn server_date(headers: &HeaderMap) -> Option<SystemTime> {
    server_date_near(headers, SystemTime::now())
}

/// A header map's `Date` ([`server_date_value`]) against the local clock's `now`.
#[cfg(any(test, feature = "users"))]
fn server_date_near(headers: &HeaderMap, now: SystemTime) -> Option<SystemTime> {
    server_date_value(headers.get(reqwest::header::DATE), now)
}

/// The response's `Date` (the header's value): the server's clock when it answered. Turning
/// `X-RateLimit-Reset` (an instant on Braze's clock) into a wait against this rather than the
/// local clock makes the wait right however far the two clocks disagree, in either direction.
///
/// A `Date` more than a day from the local clock's `now` is not believed (`None`): one clock is
/// badly wrong, and waits measured from a garbled `Date` would be near zero or never end; the
/// local clock then stands in for it.
pub(crate) fn server_date_value(value: Option<&HeaderValue>, now: SystemTime) -> Option<SystemTime> {
    let date = http_date(value?.to_str().ok()?.trim())?;
    let off = date
        .duration_since(now)
        .or_else(|_| now.duration_since(date))
        .unwrap_or_default();
    (off <= MAX_PLAUSIBLE_RESET).then_some(date)
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`); `None` when unreadable or outside what this
/// platform's clock can hold.
fn http_date(text: &str) -> Option<SystemTime> {
    system_time(DateTime::parse_from_rfc2822(text).ok()?.with_timezone(&Utc))
}

/// `at` as a `SystemTime`, without panicking where the platform's range is smaller than
/// chrono's (Windows' is; dates before 1970 are refused too: no Braze time is).
pub(crate) fn system_time(at: DateTime<Utc>) -> Option<SystemTime> {
    let secs = u64::try_from(at.timestamp()).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// Shared by every clone of a client: set when a response says the budget is spent
/// (`Remaining: 0`), so that later calls wait for the reset instead of running into 429s.
/// Lock-free: an open gate costs one atomic load.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    /// Epoch milliseconds until which calls wait; 0 when open.
    blocked_until_ms: AtomicU64,
}

impl Gate {
    /// Records a response's figures: when no more than `reserve` remains (nothing, by
    /// default), closes the gate for `reset_wait` (the time to the reset, on the server's clock)
    /// from the local `now`.
    pub(crate) fn observe(
        &self,
        rate_limit: &RateLimit,
        reserve: u64,
        reset_wait: impl FnOnce() -> Option<Duration>,
        now: impl FnOnce() -> SystemTime,
    ) {
        if rate_limit.remaining.is_none_or(|left| left > reserve) {
            return;
        }
        let Some(until) = reset_wait().and_then(|wait| now().checked_add(wait)) else {
            return;
        };
        self.blocked_until_ms.fetch_max(epoch_ms(until), Ordering::Relaxed);
    }

    /// How long a call starting now must wait; zero when the gate is open. The clock is read
    /// only when the gate is closed.
    pub(crate) fn wait(&self, now: impl FnOnce() -> SystemTime) -> Duration {
        let until = self.blocked_until_ms.load(Ordering::Relaxed);
        if until == 0 {
            return Duration::ZERO;
        }
        let now = epoch_ms(now());
        if until > now {
            return Duration::from_millis(until - now);
        }
        // Reopen, unless another response closed it again meanwhile.
        let _ = self
            .blocked_until_ms
            .compare_exchange(until, 0, Ordering::Relaxed, Ordering::Relaxed);
        Duration::ZERO
    }
}

/// Milliseconds since the epoch (0 before it), for instants kept in atomics.
pub(crate) fn epoch_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The latest figures any clone of a client saw, lock-free (each figure is updated atomically;
/// the three together are "the latest", not a snapshot of one response).
#[derive(Debug)]
pub(crate) struct LastSeen {
    seen: AtomicBool,
    limit: AtomicU64,
    remaining: AtomicU64,
    reset: AtomicI64,
}

const NONE_U64: u64 = u64::MAX;
const NONE_I64: i64 = i64::MIN;

impl Default for LastSeen {
    fn default() -> Self {
        Self {
            seen: AtomicBool::new(false),
            limit: AtomicU64::new(NONE_U64),
            remaining: AtomicU64::new(NONE_U64),
            reset: AtomicI64::new(NONE_I64),
        }
    }
}

impl LastSeen {
    pub(crate) fn store(&self, rl: &RateLimit) {
        self.limit.store(rl.limit.unwrap_or(NONE_U64), Ordering::Relaxed);
        self.remaining
            .store(rl.remaining.unwrap_or(NONE_U64), Ordering::Relaxed);
        self.reset
            .store(rl.reset_at.map_or(NONE_I64, |t| t.timestamp()), Ordering::Relaxed);
        self.seen.store(true, Ordering::Release);
    }

    pub(crate) fn load(&self) -> Option<RateLimit> {
        if !self.seen.load(Ordering::Acquire) {
            return None;
        }
        let some = |v: u64| (v != NONE_U64).then_some(v);
        let reset = self.reset.load(Ordering::Relaxed);
        Some(RateLimit {
            limit: some(self.limit.load(Ordering::Relaxed)),
            remaining: some(self.remaining.load(Ordering::Relaxed)),
            reset_at: (reset != NONE_I64)
                .then(|| DateTime::from_timestamp(reset, 0))
                .flatten(),
        })
    }
}

#[cfg(test)]
mod tests;
