use super::*;
use reqwest::header::{HeaderName, HeaderValue};

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

#[test]
fn parses_braze_headers_in_any_case() {
    for (limit, remaining, reset) in [
        ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"),
        ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"),
    ] {
        let rl = RateLimit::from_headers(&headers(&[
            (limit, "250000"),
            (remaining, "249873"),
            (reset, "1721919600"),
        ]));
        assert_eq!(rl.limit, Some(250_000));
        assert_eq!(rl.remaining, Some(249_873));
        assert_eq!(rl.reset_at.unwrap().to_rfc3339(), "2024-07-25T15:00:00+00:00");
    }
}

#[test]
fn tolerates_empty_and_garbage_values() {
    let cases: &[&[(&str, &str)]] = &[
        &[
            ("x-ratelimit-limit", ""),
            ("x-ratelimit-remaining", ""),
            ("x-ratelimit-reset", ""),
        ],
        &[
            ("x-ratelimit-limit", "lots"),
            ("x-ratelimit-remaining", "-1"),
            ("x-ratelimit-reset", "soon"),
        ],
        &[
            ("x-ratelimit-limit", "1e400"),
            ("x-ratelimit-remaining", "NaN"),
            ("x-ratelimit-reset", "99999999999999999999"),
        ],
        &[],
    ];
    for case in cases {
        assert!(RateLimit::from_headers(&headers(case)).is_empty(), "{case:?}");
    }
    let rl = RateLimit::from_headers(&headers(&[
        ("x-ratelimit-remaining", " 7 "),
        ("x-ratelimit-reset", "1721919600.0"),
    ]));
    assert_eq!(rl.remaining, Some(7));
    assert!(rl.reset_at.is_some());
}

#[test]
fn retry_after_takes_seconds_or_a_date() {
    let now = UNIX_EPOCH + Duration::from_secs(1_721_919_600);
    assert_eq!(
        retry_after(&headers(&[("retry-after", "3")]), || now),
        Some(Duration::from_secs(3))
    );
    assert_eq!(
        retry_after(&headers(&[("retry-after", "Thu, 25 Jul 2024 15:00:05 GMT")]), || now),
        Some(Duration::from_secs(5))
    );
    assert_eq!(retry_after(&headers(&[("retry-after", "later")]), || now), None);
}

#[test]
fn the_gate_closes_on_zero_remaining_until_the_reset() {
    let gate = Gate::default();
    let now = UNIX_EPOCH + Duration::from_secs(1_000);
    let reset = DateTime::from_timestamp(1_010, 0);
    let rl = RateLimit {
        limit: Some(10),
        remaining: Some(3),
        reset_at: reset,
    };
    gate.observe(&rl, 0, || rl.reset_after(now), || now);
    assert_eq!(gate.wait(|| now), Duration::ZERO);
    let rl = RateLimit {
        limit: Some(10),
        remaining: Some(0),
        reset_at: reset,
    };
    gate.observe(&rl, 0, || rl.reset_after(now), || now);
    assert_eq!(gate.wait(|| now), Duration::from_secs(10));
    assert_eq!(gate.wait(|| now + Duration::from_secs(4)), Duration::from_secs(6));
    assert_eq!(gate.wait(|| now + Duration::from_secs(10)), Duration::ZERO);
    let rl = RateLimit {
        limit: None,
        remaining: Some(0),
        reset_at: None,
    };
    gate.observe(&rl, 0, || rl.reset_after(now), || now);
    assert_eq!(gate.wait(|| now), Duration::ZERO, "no reset time: nothing to wait for");
}

#[test]
fn jitter_stretches_a_wait_by_at_most_a_quarter_and_a_second() {
    for _ in 0..200 {
        let short = with_jitter(Duration::from_millis(400));
        assert!(
            (Duration::from_millis(400)..=Duration::from_millis(500)).contains(&short),
            "{short:?}"
        );
        let long = with_jitter(Duration::from_secs(8));
        assert!(
            (Duration::from_secs(8)..=Duration::from_secs(9)).contains(&long),
            "{long:?}"
        );
    }
    assert_eq!(with_jitter(Duration::ZERO), Duration::ZERO);
}

#[test]
fn a_date_near_the_local_clock_is_read() {
    let now = chrono::Utc::now();
    let date = now.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let read = server_date(&headers(&[("date", &date)])).expect("a Date of now");
    let local = SystemTime::now();
    let off = local.duration_since(read).unwrap_or_else(|e| e.duration());
    assert!(off <= Duration::from_secs(2), "{off:?}");
}

#[test]
fn the_wait_is_taken_on_the_server_clock_and_applied_on_ours() {
    // Braze's clock an hour behind ours: its reset, 10 s ahead of its Date, is 10 s from now.
    let local = UNIX_EPOCH + Duration::from_secs(1_721_923_200);
    let server = local - Duration::from_secs(3600);
    let h = headers(&[
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset", "1721919610"),
        ("date", "Thu, 25 Jul 2024 15:00:00 GMT"),
    ]);
    assert_eq!(server_date_near(&h, local), Some(server));
    // A Date more than a day from the local clock is not believed.
    assert_eq!(server_date_near(&h, local + Duration::from_secs(2 * 86_400)), None);
    let rl = RateLimit::from_headers(&h);
    assert_eq!(
        rl.reset_after(local),
        Some(Duration::ZERO),
        "on our clock it looks past"
    );
    let gate = Gate::default();
    gate.observe(
        &rl,
        0,
        || rl.reset_after(server_date_near(&h, local).unwrap()),
        || local,
    );
    assert_eq!(gate.wait(|| local), Duration::from_secs(10));
    // ... and an hour ahead: on our clock the reset looks an hour and 10 s away.
    let server = local + Duration::from_secs(3600);
    let h = headers(&[("date", "Thu, 25 Jul 2024 17:00:00 GMT")]);
    assert_eq!(server_date_near(&h, local), Some(server));
    let rl = RateLimit {
        reset_at: DateTime::from_timestamp(1_721_926_810, 0),
        ..rl
    };
    assert_eq!(rl.reset_after(server), Some(Duration::from_secs(10)));
    for garbage in [
        "",
        "yesterday",
        "Thu, 25 Jul 2024 25:00:00 GMT",
        "Mon, 01 Jan 1900 00:00:00 GMT",
    ] {
        assert_eq!(server_date(&headers(&[("date", garbage)])), None, "{garbage}");
    }
}

#[test]
fn extreme_times_never_panic() {
    for secs in [i64::MIN, -1, 0, 1, i64::MAX / 1000, 253_402_300_799, 8_210_266_876_799] {
        if let Some(at) = DateTime::from_timestamp(secs, 0) {
            let _ = system_time(at);
            let rl = RateLimit {
                reset_at: Some(at),
                ..RateLimit::default()
            };
            for now in [UNIX_EPOCH, SystemTime::now()] {
                let _ = rl.reset_after(now);
            }
        }
    }
    let gate = Gate::default();
    let rl = RateLimit {
        remaining: Some(0),
        ..RateLimit::default()
    };
    gate.observe(&rl, 0, || Some(Duration::MAX), SystemTime::now);
    assert_eq!(
        gate.wait(SystemTime::now),
        Duration::ZERO,
        "an impossible reset is ignored"
    );
}

#[test]
fn empty_only_when_all_three_are_missing() {
    assert!(RateLimit::default().is_empty());
    let reset = DateTime::from_timestamp(1_721_919_600, 0);
    for one in [
        RateLimit {
            limit: Some(1),
            ..RateLimit::default()
        },
        RateLimit {
            remaining: Some(0),
            ..RateLimit::default()
        },
        RateLimit {
            reset_at: reset,
            ..RateLimit::default()
        },
    ] {
        assert!(!one.is_empty(), "{one:?}");
    }
}

#[test]
fn resets_up_to_a_day_away_are_honoured() {
    let now = UNIX_EPOCH + Duration::from_secs(1_721_919_600);
    let in_secs = |secs: i64| RateLimit {
        reset_at: DateTime::from_timestamp(1_721_919_600 + secs, 0),
        ..RateLimit::default()
    };
    assert_eq!(in_secs(-5).reset_after(now), Some(Duration::ZERO));
    assert_eq!(in_secs(2 * 3600).reset_after(now), Some(Duration::from_secs(7200)));
    assert_eq!(in_secs(24 * 3600).reset_after(now), Some(Duration::from_secs(86_400)));
    assert_eq!(
        in_secs(24 * 3600 + 1).reset_after(now),
        None,
        "garbled: a day and a second away"
    );
}

#[test]
fn numbers_past_u64_are_refused_not_saturated() {
    // 2^64 parses only as a float, and that float is exactly `u64::MAX as f64`.
    let rl = RateLimit::from_headers(&headers(&[
        ("x-ratelimit-limit", "18446744073709551616"),
        ("x-ratelimit-remaining", "1.8e19"),
    ]));
    assert_eq!(rl.limit, None);
    assert_eq!(rl.remaining, Some(18_000_000_000_000_000_000));
}

#[test]
fn last_seen_gives_back_every_figure_stored() {
    let seen = LastSeen::default();
    assert_eq!(seen.load(), None, "nothing seen yet");
    let full = RateLimit {
        limit: Some(250_000),
        remaining: Some(0),
        reset_at: DateTime::from_timestamp(1_721_919_600, 0),
    };
    seen.store(&full);
    assert_eq!(seen.load(), Some(full));
    seen.store(&RateLimit::default());
    assert_eq!(
        seen.load(),
        Some(RateLimit::default()),
        "missing figures come back missing"
    );
}
