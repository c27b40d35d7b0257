//! Clocks that disagree: `X-RateLimit-Reset` is an instant on Braze's clock, so the wait is taken
//! against the response's `Date`, not the local clock, in both directions.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use braze_segments::Error;
use braze_segments_tests::{client, first_answer_then_success, SEGMENT_ID};
use httpmock::MockServer;

fn epoch_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn http_date(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0)
        .unwrap()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn braze_an_hour_ahead_a_reset_two_seconds_off_is_waited_out() {
    let server = MockServer::start_async().await;
    // On the local clock the reset looks an hour away (past the 60 s the policy waits).
    let braze_now = epoch_now() + 3600;
    let limited = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(429)
            .header("date", http_date(braze_now))
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", (braze_now + 2).to_string())
            .body(r#"{"message":"API rate limit exceeded"}"#);
    });
    let (result, successes) = first_answer_then_success(&server, &client(&server), limited).await;
    assert!(result.is_ok(), "the wait was taken on Braze's clock: {result:?}");
    assert_eq!(successes, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn braze_an_hour_behind_a_reset_an_hour_off_is_not_retried_back_to_back() {
    let server = MockServer::start_async().await;
    // On the local clock the reset looks due now; on Braze's it is an hour away.
    let braze_now = epoch_now() - 3600;
    let limited = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(429)
            .header("date", http_date(braze_now))
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", (braze_now + 3600).to_string())
            .body(r#"{"message":"API rate limit exceeded"}"#);
    });
    let sdk = client(&server);
    let err = sdk.segment_details(SEGMENT_ID).await.unwrap_err();
    assert_eq!(limited.calls(), 1, "no retry: the window resets in an hour");
    match err {
        Error::RateLimited { wait, .. } => {
            let wait = wait.unwrap();
            assert!(wait > Duration::from_secs(3500), "{wait:?}");
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    // The shared gate holds the other calls for that hour too, without a request.
    let err = sdk.segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(limited.calls(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_without_a_remaining_figure_still_takes_its_wait_on_brazes_clock() {
    let server = MockServer::start_async().await;
    // No `X-RateLimit-Remaining`: the 429 alone says a wait follows, so its `Date` is read.
    let braze_now = epoch_now() + 3600;
    let limited = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(429)
            .header("date", http_date(braze_now))
            .header("x-ratelimit-reset", (braze_now + 2).to_string())
            .body(r#"{"message":"API rate limit exceeded"}"#);
    });
    let (result, successes) = first_answer_then_success(&server, &client(&server), limited).await;
    assert!(result.is_ok(), "the wait was taken on Braze's clock: {result:?}");
    assert_eq!(successes, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_success_that_spends_the_window_closes_the_gate_until_the_reset_on_brazes_clock() {
    let server = MockServer::start_async().await;
    // A 200 with nothing left: the next call waits for the reset, 2 s ahead on Braze's clock
    // (an hour ahead of ours), not an hour and 2 s as the local clock would have it.
    let braze_now = epoch_now() + 3600;
    let spent = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .header("date", http_date(braze_now))
            .header("x-ratelimit-limit", "10")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", (braze_now + 2).to_string())
            .body(r#"{"message":"success"}"#);
    });
    let sdk = client(&server);
    sdk.segment_details(SEGMENT_ID).await.unwrap();
    let second = sdk.segment_details(SEGMENT_ID).await;
    assert!(second.is_ok(), "the gate opened at Braze's reset: {second:?}");
    assert_eq!(spent.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_date_days_off_the_local_clock_is_not_believed_and_the_reset_is_still_waited_for() {
    let server = MockServer::start_async().await;
    // A garbled Date two days back: measured from it the reset would be two days away, which no
    // wait honours (the gate would stay open and the 429 be retried back to back). The local
    // clock stands in for it: the reset is two seconds away.
    let now = epoch_now();
    let limited = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(429)
            .header("date", http_date(now - 2 * 86_400))
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", (now + 2).to_string())
            .body(r#"{"message":"API rate limit exceeded"}"#);
    });
    let started = std::time::Instant::now();
    let (result, successes) = first_answer_then_success(&server, &client(&server), limited).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(successes, 1);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited for the reset on the local clock: {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_call_counts_every_wait_toward_its_patience() {
    let server = MockServer::start_async().await;
    // Every answer a 429 asking for a second, with the window spent until a reset two seconds
    // off: each round waits the second and then at the gate. Those waits add up to the
    // bulk wait (4 s here, and the timing rules' 2 s of slack) within a few rounds; counted one at
    // a time, as before, they never would, and the call would never end.
    let limited = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(429)
            .header("retry-after", "1")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", (epoch_now() + 2).to_string())
            .body(r#"{"message":"API rate limit exceeded"}"#);
    });
    let bulk = braze_segments_tests::builder(&server)
        .retry(braze_segments_tests::fast_policy().max_rate_limit_wait(Duration::from_secs(1)))
        .budget(braze_segments::RateBudget::use_all().bulk_max_wait(Duration::from_secs(4)))
        .build()
        .unwrap()
        .bulk();
    let started = std::time::Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(60), bulk.segment_details(SEGMENT_ID)).await;
    let err = outcome.expect("the bulk call ends").unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert!(limited.calls() >= 2, "it waited some rounds out: {}", limited.calls());
    // Its waits came to no more than the bulk wait and the slack (6 s in all); counting only
    // the 429s' waits, it waited at the gate besides, each round, for about twice as long.
    assert!(
        started.elapsed() < Duration::from_millis(7_500),
        "{:?} over {} rounds",
        started.elapsed(),
        limited.calls()
    );
}
