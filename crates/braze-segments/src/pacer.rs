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
            if let Ok(length) = reset.duration_since(known) {
                if length > Duration::from_secs(1) && length <= MAX_LENGTH {
                    self.length = Some(length);
                }
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
        if at > instant {
            Slot::At(at)
        } else {
            Slot::Go
        }
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
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn figures(limit: u64, reset: SystemTime) -> RateLimit {
        let secs = reset.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        RateLimit {
            limit: Some(limit),
            remaining: Some(limit),
            reset_at: chrono::DateTime::from_timestamp(secs, 0),
        }
    }

    #[test]
    fn the_length_is_learned_from_two_windows_in_turn_within_bounds() {
        let t = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let learned = |gap: Duration| {
            let mut s = PaceState::default();
            s.adopt(t, 100, 1);
            s.adopt(t + gap, 100, 1);
            s.length
        };
        let two_hours = Duration::from_secs(7200);
        assert_eq!(learned(two_hours), Some(two_hours));
        assert_eq!(learned(MAX_LENGTH), Some(MAX_LENGTH));
        // A second or less is one window named twice; more than a day is no window.
        assert_eq!(learned(Duration::from_secs(1)), None);
        assert_eq!(learned(MAX_LENGTH + Duration::from_secs(1)), None);
    }

    #[test]
    fn windows_roll_forward_by_the_learned_length_however_many_passed() {
        let t = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let i = Instant::now();
        let pacer = Pacer::new(1.0);
        let ten = Duration::from_secs(10);
        // Windows ending at t and t+10: a length of 10 s.
        assert_eq!(pacer.slot(t - ten / 2, i), Slot::Go);
        pacer.finished(&figures(1, t), Some(t), t - ten / 2);
        assert_eq!(pacer.slot(t + ten / 2, i), Slot::Go);
        pacer.finished(&figures(1, t + ten), Some(t + ten), t + ten / 2);
        // No answer for two and a half windows: the current one ends at t+40, not before now.
        let now = t + ten + Duration::from_secs(25);
        assert_eq!(pacer.slot(now, i), Slot::Go);
        assert_eq!(pacer.slot(now, i), Slot::Spent(t + Duration::from_secs(40)));
    }

    #[test]
    fn another_window_is_believed_when_two_answers_in_a_row_name_it() {
        let t = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let i = Instant::now();
        let pacer = Pacer::new(0.5);
        let reset = t + Duration::from_secs(10);
        assert_eq!(pacer.slot(t, i), Slot::Go);
        pacer.finished(&figures(2, reset), Some(reset), t);
        // Half of 2 is 1, used: spent until the window's reset.
        assert_eq!(pacer.slot(t, i), Slot::Spent(reset));
        // One answer naming a window ten minutes later (a glitch) while this one runs: not
        // believed; nor is one naming yet another.
        let glitch = t + Duration::from_secs(600);
        pacer.finished(&figures(2, glitch), Some(glitch), t);
        assert_eq!(pacer.slot(t, i), Slot::Spent(reset));
        let other = t + Duration::from_secs(1200);
        pacer.finished(&figures(2, other), Some(other), t);
        assert_eq!(pacer.slot(t, i), Slot::Spent(reset));
        // A second answer in a row naming the same one: believed (a correction).
        pacer.finished(&figures(2, other), Some(other), t);
        assert_eq!(pacer.slot(t, i), Slot::Spent(other));
    }

    #[test]
    fn a_reset_at_or_before_its_date_counts_in_the_window_that_runs() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t0 = Instant::now();
        let pacer = Pacer::new(0.5);
        // No window known: the probe's answer names a Reset 30 s before its Date (its window
        // end is then `now`): a window that ends within the next second, one request used.
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        let past = now - Duration::from_secs(30);
        pacer.finished(&figures(4, past), Some(now), now);
        // Half of 4 is 2, one used: one more, then spent until that second is over.
        assert_ne!(pacer.slot(now, t0), Slot::Spent(now + Duration::from_secs(1)));
        assert_eq!(pacer.slot(now, t0), Slot::Spent(now + Duration::from_secs(1)));
        // A window known: another such answer counts in it, no fresh share.
        pacer.finished(&figures(4, past), Some(now), now);
        assert_eq!(pacer.slot(now, t0), Slot::Spent(now + Duration::from_secs(1)));
    }

    #[test]
    fn a_share_is_paced_evenly_until_the_reset_then_waits_for_it() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t0 = Instant::now();
        let pacer = Pacer::new(0.25);
        // Unknown window: one probe; the others ask again while it is out.
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        assert_eq!(pacer.slot(now, t0), Slot::Later(t0 + PROBE_POLL));
        // Its answer: 40 a window, 10 s left. A quarter is 10, one used: 9 left, 10/9 s apart.
        let reset = now + Duration::from_secs(10);
        pacer.finished(&figures(40, reset), Some(reset), now);
        let slots: Vec<Slot> = (0..9).map(|_| pacer.slot(now, t0)).collect();
        let gap = Duration::from_secs(10) / 9;
        assert_eq!(slots[0], Slot::Go);
        assert_eq!(slots[1], Slot::At(t0 + gap));
        assert_eq!(slots[8], Slot::At(t0 + gap * 8));
        // All reserved: the share is spent until the reset, in flight or not.
        assert_eq!(pacer.slot(now, t0), Slot::Spent(reset));
        for _ in 0..9 {
            pacer.finished(&figures(40, reset), Some(reset), now);
        }
        assert_eq!(pacer.slot(now, t0), Slot::Spent(reset));
        // Past the reset, the next window is probed for.
        let later = reset + Duration::from_millis(1);
        assert_eq!(pacer.slot(later, t0), Slot::Go);
    }

    #[test]
    fn requests_in_flight_at_the_reset_count_against_the_next_window() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t0 = Instant::now();
        let pacer = Pacer::new(1.0);
        let reset = now + Duration::from_secs(1);
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        pacer.finished(&figures(3, reset), Some(reset), now);
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        assert!(matches!(pacer.slot(now, t0), Slot::At(_)));
        // Both still out when the window turns; Braze counts them in the next one.
        let after = reset + Duration::from_millis(10);
        let next_reset = reset + Duration::from_secs(1);
        assert_eq!(pacer.slot(after, t0), Slot::Later(t0 + PROBE_POLL));
        pacer.finished(&figures(3, next_reset), Some(next_reset), after);
        pacer.finished(&figures(3, next_reset), Some(next_reset), after);
        // Two of the next window's three are spent: one slot left.
        assert!(matches!(pacer.slot(after, t0), Slot::Go | Slot::At(_)));
        assert_eq!(pacer.slot(after, t0), Slot::Spent(next_reset));
    }

    #[test]
    fn an_abandoned_slot_frees_the_probe_and_late_answers_of_old_windows_are_ignored() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t0 = Instant::now();
        let pacer = Pacer::new(0.5);
        {
            assert_eq!(pacer.slot(now, t0), Slot::Go);
            let _dropped = Reserved::new(&pacer);
        }
        assert_eq!(pacer.slot(now, t0), Slot::Go, "the probe is free again");
        let past = now - Duration::from_secs(1);
        pacer.finished(&figures(4, past), Some(past), now);
        assert_eq!(
            pacer.slot(now, t0),
            Slot::Go,
            "an answer from an old window taught nothing"
        );
    }

    /// The slots `pacer` gives at `now` until it says the share is spent, and that reset.
    fn spent_at(pacer: &Pacer, now: SystemTime, t0: Instant) -> Option<SystemTime> {
        (0..100).find_map(|_| match pacer.slot(now, t0) {
            Slot::Spent(reset) => Some(reset),
            _ => None,
        })
    }

    #[test]
    fn a_window_named_by_one_answer_is_a_glitch_and_by_two_in_a_row_the_window() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t0 = Instant::now();
        for other in [now + Duration::from_secs(600), now + Duration::from_secs(5)] {
            let pacer = Pacer::new(1.0);
            assert_eq!(pacer.slot(now, t0), Slot::Go);
            let known = now + Duration::from_secs(20);
            pacer.finished(&figures(4, known), Some(known), now);
            // One answer naming another window (600 s late, or earlier) is not believed.
            pacer.finished(&figures(4, other), Some(other), now);
            pacer.finished(&figures(4, known), Some(known), now);
            assert_eq!(spent_at(&pacer, now, t0), Some(known), "{other:?}");
            // Two in a row are: the pacer moves to that window, both counted in it.
            let pacer = Pacer::new(1.0);
            assert_eq!(pacer.slot(now, t0), Slot::Go);
            pacer.finished(&figures(4, known), Some(known), now);
            pacer.finished(&figures(4, other), Some(other), now);
            pacer.finished(&figures(4, other), Some(other), now);
            let slots = (0..4)
                .take_while(|_| !matches!(pacer.slot(now, t0), Slot::Spent(_)))
                .count();
            assert_eq!(slots, 2, "two of its four spent: {other:?}");
            assert_eq!(pacer.slot(now, t0), Slot::Spent(other));
        }
    }

    #[test]
    fn an_answer_of_the_next_window_once_the_current_is_over_moves_to_it_at_once() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t0 = Instant::now();
        let pacer = Pacer::new(1.0);
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        let (first, next) = (now + Duration::from_secs(10), now + Duration::from_secs(20));
        pacer.finished(&figures(4, first), Some(first), now);
        let later = first + Duration::from_millis(5);
        pacer.finished(&figures(4, next), Some(next), later);
        assert_eq!(spent_at(&pacer, later, t0), Some(next));
    }

    #[test]
    fn when_the_headers_vanish_the_windows_follow_the_last_two_known() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t0 = Instant::now();
        let pacer = Pacer::new(0.5);
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        // Two windows in turn, ten seconds each, of a limit of 4: two a window for this client.
        let (first, second) = (now + Duration::from_secs(10), now + Duration::from_secs(20));
        pacer.finished(&figures(4, first), Some(first), now);
        let in_second = first + Duration::from_secs(1);
        assert_eq!(pacer.slot(in_second, t0), Slot::Go);
        pacer.finished(&figures(4, second), Some(second), in_second);
        // Then no more headers: the answers still count, and the share still ends.
        assert!(matches!(pacer.slot(in_second, t0), Slot::Go | Slot::At(_)));
        pacer.finished(&RateLimit::default(), None, in_second);
        assert_eq!(pacer.slot(in_second, t0), Slot::Spent(second));
        // The next windows follow: ten seconds on, the same share.
        let in_third = second + Duration::from_secs(1);
        assert!(matches!(pacer.slot(in_third, t0), Slot::Go | Slot::At(_)));
        assert!(matches!(pacer.slot(in_third, t0), Slot::Go | Slot::At(_)));
        assert_eq!(pacer.slot(in_third, t0), Slot::Spent(second + Duration::from_secs(10)));
        // Three windows on, still paced (in flight counted, never unbounded).
        let much_later = second + Duration::from_secs(35);
        let slots = (0..10)
            .take_while(|_| !matches!(pacer.slot(much_later, t0), Slot::Spent(_)))
            .count();
        assert!(slots <= 2, "{slots} slots");
    }

    #[test]
    fn a_pacer_that_never_saw_headers_paces_to_brazes_default_budget() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t0 = Instant::now();
        let pacer = Pacer::new(0.001);
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        pacer.finished(&RateLimit::default(), None, now);
        // A thousandth of 250,000 an hour: 250, one already spent, spread over the hour.
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        match pacer.slot(now, t0) {
            Slot::At(at) => assert!(at.duration_since(t0) > Duration::from_secs(10), "{at:?}"),
            other => panic!("paced, got {other:?}"),
        }
    }

    #[test]
    fn a_finished_slot_teaches_the_pacer_its_window() {
        let (now, t0) = (SystemTime::now(), Instant::now());
        let pacer = Pacer::new(1.0);
        assert_eq!(pacer.slot(now, t0), Slot::Go);
        let reset = now + Duration::from_secs(3600);
        Reserved::new(&pacer).finish(&figures(1, reset), || Some(reset));
        assert_eq!(
            pacer.slot(now, t0),
            Slot::Spent(reset),
            "its one request of the window is used"
        );
    }
}
