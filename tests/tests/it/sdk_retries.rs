//! Retries and rate limits against a real HTTP server: exact attempt counts, waits for the
//! window's reset, the deadline.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use braze_segments::{Error, RequestQuota};
use braze_segments_tests::{builder, client, fast_policy, SEGMENT_ID};
use httpmock::MockServer;

fn epoch_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retryable_statuses_are_tried_exactly_max_attempts_times() {
    let server = MockServer::start_async().await;
    let sdk = client(&server);
    for status in [429u16, 500, 502, 503, 504] {
        let id = format!("s{status}");
        let mut mock = server.mock(|when, then| {
            when.query_param("segment_id", id.as_str());
            then.status(status)
                .header("content-type", "application/json")
                .body(r#"{"message":"try later"}"#);
        });
        let err = sdk.segment_details(&id).await.unwrap_err();
        assert_eq!(mock.calls(), 4, "{status} is retried up to 4 attempts in all");
        assert_eq!(err.status(), Some(status));
        if status == 429 {
            assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
        }
        mock.delete();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_statuses_are_never_retried() {
    let server = MockServer::start_async().await;
    let sdk = client(&server);
    for status in [400u16, 401, 403, 404, 405, 409, 422, 501] {
        let id = format!("s{status}");
        let mut mock = server.mock(|when, then| {
            when.query_param("segment_id", id.as_str());
            then.status(status)
                .header("content-type", "application/json")
                .body(r#"{"message":"no"}"#);
        });
        let err = sdk.segment_details(&id).await.unwrap_err();
        assert_eq!(mock.calls(), 1, "{status} is not retried");
        assert_eq!(err.status(), Some(status));
        mock.delete();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_that_succeeds_returns_the_value_and_counts_attempts() {
    let server = MockServer::start_async().await;
    let failing = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(503).body("busy");
    });
    let sdk = builder(&server)
        .retry(fast_policy().backoff(Duration::from_millis(300), Duration::from_millis(300)))
        .build()
        .unwrap();
    let call = tokio::spawn(async move { sdk.segment_details_with_meta(SEGMENT_ID).await });
    while failing.calls_async().await == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    failing.delete_async().await;
    let ok = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .header("x-ratelimit-remaining", "41")
            .body(r#"{"message":"success","name":"n"}"#);
    });
    let response = call.await.unwrap().unwrap();
    assert_eq!(response.value.name.as_deref(), Some("n"));
    assert!(response.attempts >= 2);
    assert_eq!(response.rate_limit.remaining, Some(41));
    assert_eq!(ok.calls(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_whose_reset_is_close_is_waited_out_then_succeeds() {
    let server = MockServer::start_async().await;
    // Epoch seconds are whole: a reset 2 s ahead is between 1 and 2 s away.
    let reset = epoch_now() + 2;
    let limited = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(429)
            .header("X-RateLimit-Limit", "250000")
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", reset.to_string())
            .body(r#"{"message":"API rate limit exceeded"}"#);
    });
    let sdk = client(&server);
    let started = Instant::now();
    let call = tokio::spawn({
        let sdk = sdk.clone();
        async move { sdk.segment_details(SEGMENT_ID).await }
    });
    while limited.calls_async().await == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    limited.delete_async().await;
    let ok = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .header("x-ratelimit-remaining", "249999")
            .body(r#"{"message":"success"}"#);
    });
    call.await.unwrap().unwrap();
    assert_eq!(ok.calls(), 1);
    assert!(
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() >= reset,
        "the retry waited for the reset ({:?} elapsed)",
        started.elapsed()
    );
    assert_eq!(
        sdk.last_rate_limit().unwrap().remaining,
        Some(249_999),
        "the clone's response updated the shared figures"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_past_the_maximum_wait_returns_rate_limited_at_once() {
    let server = MockServer::start_async().await;
    let reset = epoch_now() + 3600;
    let limited = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(429)
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", reset.to_string())
            .body(r#"{"message":"API rate limit exceeded"}"#);
    });
    let sdk = client(&server);
    let err = sdk.segment_details(SEGMENT_ID).await.unwrap_err();
    assert_eq!(limited.calls(), 1, "no retry when the reset is an hour away");
    match &err {
        Error::RateLimited {
            reset_at,
            wait,
            message,
            ..
        } => {
            assert_eq!(reset_at.unwrap().timestamp() as u64, reset);
            assert!(wait.unwrap() > Duration::from_secs(3500));
            assert_eq!(message.as_deref(), Some("API rate limit exceeded"));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    // The spent window is shared: the next call (from a clone) does not even ask.
    let err = sdk.clone().segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(limited.calls(), 1, "the gate answered without a request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remaining_zero_makes_every_clone_wait_for_the_reset() {
    let server = MockServer::start_async().await;
    let reset = epoch_now() + 2;
    let last = server.mock(|when, then| {
        when.query_param("segment_id", "last");
        then.status(200)
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", reset.to_string())
            .body(r#"{"message":"success"}"#);
    });
    let next = server.mock(|when, then| {
        when.query_param("segment_id", "next");
        then.status(200).body(r#"{"message":"success"}"#);
    });
    let sdk = client(&server);
    sdk.segment_details("last").await.unwrap();
    assert_eq!(sdk.last_rate_limit().unwrap().remaining, Some(0));
    let clone = sdk.clone();
    clone.segment_details("next").await.unwrap();
    assert_eq!((last.calls(), next.calls()), (1, 1));
    assert!(
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() >= reset,
        "the clone's call was held until the window reset"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_bounds_the_whole_call() {
    let server = MockServer::start_async().await;
    let failing = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(500).delay(Duration::from_millis(300)).body("{}");
    });
    let sdk = builder(&server)
        .retry(
            fast_policy()
                .max_attempts(50)
                .deadline(Some(Duration::from_millis(700))),
        )
        .build()
        .unwrap();
    let err = sdk.segment_details(SEGMENT_ID).await.unwrap_err();
    let hits = failing.calls();
    assert!(
        (2..=3).contains(&hits),
        "700 ms allow 2 or 3 attempts of 300 ms, not 50 (got {hits})"
    );
    assert!(
        matches!(err, Error::Timeout { .. } | Error::Api { status: 500, .. }),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_side_quota_spaces_requests() {
    let server = MockServer::start_async().await;
    let ok = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200).body(r#"{"message":"success"}"#);
    });
    // 2 a second, bursts of 2: the 3rd..5th calls need 1.5 s of refill.
    let sdk = builder(&server)
        .rate_limit(RequestQuota::per_second(2).unwrap())
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..5 {
        sdk.segment_details(SEGMENT_ID).await.unwrap();
    }
    assert_eq!(ok.calls(), 5);
    assert!(
        started.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quota_wait_past_the_deadline_times_out_without_a_request() {
    let server = MockServer::start_async().await;
    let ok = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200).body(r#"{"message":"success"}"#);
    });
    let sdk = builder(&server)
        .rate_limit(RequestQuota::per_hour(1).unwrap())
        .retry(fast_policy().deadline(Some(Duration::from_millis(300))))
        .build()
        .unwrap();
    sdk.segment_details(SEGMENT_ID).await.unwrap();
    let err = sdk.segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(ok.calls(), 1, "the second call never got a token");
}
