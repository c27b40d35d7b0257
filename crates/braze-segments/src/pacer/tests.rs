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
