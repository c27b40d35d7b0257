//! Pacing one client's requests to a share of each rate-limit window.
//!
//! A window is known from the responses: `X-RateLimit-Limit` and `X-RateLimit-Reset`. What this
//! client spent in it is counted from the responses that name that window (so a request sent
//! just before a reset and counted by Braze in the next window is counted there too), plus the
//! requests in flight, which are counted against whichever window is current. Each request gets
//! the next slot of an even spacing of what is left of the share over what is left of the
//! window, so the share is spread toward the reset rather than spent in a burst.
//!
//! Headers can misbehave, and pacing never stops for it:
//! - When they vanish, the windows are taken to follow the last one known: the same limit, the
//!   same length (learned from two windows in turn; an hour, Braze's, until then).
//! - A response naming another window than the current one (a glitch, or a correction of one)
//!   moves the pacer to it only once a second response in a row names it too, or once the
//!   current window is over: one glitched Reset neither freezes the pacer nor unpaces it.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use crate::RateLimit;

/// What the pacer says about the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Send now (the slot is reserved: report it with [`Pacer::finished`] or
    /// [`Pacer::abandoned`]).
    Go,
    /// Send at this instant (reserved, as `Go`).
    At(Instant),
    /// Nothing reserved: ask again at this instant (the window is being probed).
    Later(Instant),
    /// Nothing reserved: the share of this window is spent; it resets at this time.
    Spent(SystemTime),
}

/// While the window is unknown and a probe is out, others ask again this much later.
const PROBE_POLL: Duration = Duration::from_millis(20);

/// The window length assumed until two windows in turn have shown it: Braze's hour.
const ASSUMED_LENGTH: Duration = Duration::from_secs(3600);

/// The limit assumed when no response ever said one: Braze's default budget.
const ASSUMED_LIMIT: u64 = 250_000;

/// The longest window believed (a longer gap between two Resets is not one window).
const MAX_LENGTH: Duration = Duration::from_secs(24 * 3600);

/// Responses in a row that must name another window before the pacer moves to it.
const AGREEING: u32 = 2;

#[derive(Debug)]
pub(crate) struct Pacer {
    share: f64,
    state: Mutex<PaceState>,
}

#[derive(Debug, Default)]
struct PaceState {
    /// The current window's reset (local clock) and limit.
    window: Option<(SystemTime, u64)>,
    /// Responses of this client that name the current window.
    used: u64,
    /// Reserved slots whose response has not come back.
    in_flight: u64,
    /// The earliest instant of the next slot.
    next: Option<Instant>,
    /// The windows' length, learned from two in turn.
    length: Option<Duration>,
    /// The last limit a response said.
    limit: Option<u64>,
    /// The reset of the last window a response named.
    last_reset: Option<SystemTime>,
    /// Another window than the current one that responses named, and how many in a row.
    candidate: Option<(SystemTime, u64, u32)>,
}

/// Two resets within a second name the same window: the header holds whole seconds.
fn same_window(a: SystemTime, b: SystemTime) -> bool {
    gap(a, b) <= Duration::from_secs(1)
}

fn gap(a: SystemTime, b: SystemTime) -> Duration {
    a.duration_since(b).or_else(|_| b.duration_since(a)).unwrap_or_default()
}

impl PaceState {
    /// Makes `reset` the current window, `used` of it already spent by this client.
    fn adopt(&mut self, reset: SystemTime, limit: u64, used: u64) {
        if let Some(known) = self.last_reset {
            // The next window in turn: the gap between the two is the windows' length.
            if let Ok(length) = reset.duration_since(known)
                && length > Duration::from_secs(1)
                && length <= MAX_LENGTH
            {
                self.length = Some(length);
            }
        }
        self.last_reset = Some(reset);
        self.window = Some((reset, limit));
        self.limit = Some(limit);
        self.used = used;
        self.next = None;
        self.candidate = None;
    }
}

impl Pacer {
    pub(crate) fn new(share: f64) -> Self {
        Self {
            share,
            state: Mutex::new(PaceState::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, PaceState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Asks for the next slot at `now` (`instant` on the monotonic clock).
    pub(crate) fn slot(&self, now: SystemTime, instant: Instant) -> Slot {
        let mut s = self.state();
        if let Some((reset, limit)) = s.window.filter(|(reset, _)| now >= *reset) {
            // The window turned: what is in flight counts against the next one. With its length
            // known, the next follows the last (its length, its limit) until a response says
            // otherwise; without, it is probed for.
            s.window = s.length.map(|length| {
                let behind = now.duration_since(reset).unwrap_or_default();
                let turns = u32::try_from(behind.as_nanos() / length.as_nanos().max(1) + 1).unwrap_or(u32::MAX);
                (
                    reset.checked_add(length.saturating_mul(turns)).unwrap_or(now + length),
                    limit,
                )
            });
            s.used = 0;
            s.next = None;
            s.candidate = None;
        }
        let Some((reset, limit)) = s.window else {
            // Unknown window: one request at a time until a response says what it is.
            if s.in_flight > 0 {
                return Slot::Later(instant + PROBE_POLL);
            }
            s.in_flight = 1;
            return Slot::Go;
        };
        let allowed = ((limit as f64 * self.share).floor() as u64).max(1);
        let counted = s.used + s.in_flight;
        if counted >= allowed {
            return Slot::Spent(reset);
        }
        let at = s.next.map_or(instant, |next| next.max(instant));
        // What is left of the share, spread evenly over what is left of the window after `at`.
        let ahead = at.saturating_duration_since(instant);
        let left = reset
            .duration_since(now)
            .unwrap_or(Duration::ZERO)
            .saturating_sub(ahead);
        let interval = left / u32::try_from(allowed - counted).unwrap_or(u32::MAX);
        s.next = at.checked_add(interval);
        s.in_flight += 1;
        if at > instant { Slot::At(at) } else { Slot::Go }
    }

    /// A reserved slot's response came back at `now`, saying `rate_limit`; `reset` is its
    /// window's reset on the local clock.
    pub(crate) fn finished(&self, rate_limit: &RateLimit, reset: Option<SystemTime>, now: SystemTime) {
        let mut s = self.state();
        s.in_flight = s.in_flight.saturating_sub(1);
        let (limit, reset) = match (rate_limit.limit, reset) {
            (Some(limit), Some(reset)) if reset > now => (limit, reset),
            // A Reset at or before the response's Date (the window's last second, a server clock
            // behind, a glitch): the request counted in the window that runs, and a pacer that
            // knows none takes it to end within the next second, as the rules read such a Reset
            // (not as a window of Braze's hour, nor a new one with a fresh share each time a
            // response says so: the length is not learned from it).
            (limit, Some(_)) if s.window.is_none() => {
                let limit = limit.or(s.limit).unwrap_or(ASSUMED_LIMIT);
                s.window = Some((now + crate::rate_limit::WHOLE_SECOND, limit));
                s.limit = Some(limit);
                s.used = 1;
                s.next = None;
                s.candidate = None;
                return;
            }
            // No headers (or a past Reset while a window runs): the request still counted
            // against the window that runs. A pacer that knows no window then paces by the last
            // one (its limit, its length), or by Braze's default budget, rather than not at all.
            _ => {
                if s.window.is_none() {
                    let length = s.length.unwrap_or(ASSUMED_LENGTH);
                    let limit = rate_limit.limit.or(s.limit).unwrap_or(ASSUMED_LIMIT);
                    s.adopt(now + length, limit, 1);
                } else {
                    s.used += 1;
                }
                return;
            }
        };
        match s.window {
            None => s.adopt(reset, limit, 1),
            Some((known, _)) if same_window(known, reset) => {
                s.window = Some((known, limit));
                s.used += 1;
                s.candidate = None;
            }
            Some((known, _)) if now >= known => s.adopt(reset, limit, 1),
            Some(_) => {
                // Another window while the current one runs: its turn a little early, a glitch,
                // or a correction of one.
                let seen = match s.candidate {
                    Some((candidate, used, seen)) if same_window(candidate, reset) => (used + 1, seen + 1),
                    _ => (1, 1),
                };
                if seen.1 >= AGREEING {
                    s.adopt(reset, limit, seen.0);
                } else {
                    s.candidate = Some((reset, seen.0, seen.1));
                }
            }
        }
    }

    /// A reserved slot's request ended without a response (dropped, or failed to send).
    pub(crate) fn abandoned(&self) {
        let mut s = self.state();
        s.in_flight = s.in_flight.saturating_sub(1);
    }
}

/// A reserved slot: reports its end to the pacer exactly once, or, dropped, abandons it.
pub(crate) struct Reserved<'a> {
    pacer: Option<&'a Pacer>,
}

impl<'a> Reserved<'a> {
    pub(crate) fn new(pacer: &'a Pacer) -> Self {
        Self { pacer: Some(pacer) }
    }

    /// No slot (no pacer).
    pub(crate) fn none() -> Self {
        Self { pacer: None }
    }

    /// `reset` is asked only when there is a pacer (it reads the clock).
    pub(crate) fn finish(mut self, rate_limit: &RateLimit, reset: impl FnOnce() -> Option<SystemTime>) {
        if let Some(pacer) = self.pacer.take() {
            pacer.finished(rate_limit, reset(), SystemTime::now());
        }
    }
}

impl Drop for Reserved<'_> {
    fn drop(&mut self) {
        if let Some(pacer) = self.pacer.take() {
            pacer.abandoned();
        }
    }
}

#[cfg(test)]
mod tests;
