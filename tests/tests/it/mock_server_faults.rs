//! The stand-in's faults look as Braze's (or its proxy's) do, over real HTTP: status, body,
//! content type and rate-limit headers; a seed gives the same faults to the same requests
//! whatever order they arrive in; a data series may come shorter or out of order.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use braze_segments::{Client, Error, RetryPolicy};
use braze_segments_api::types;
use braze_segments_mock_server::{Endpoint, Fault, FaultConfig, MockBraze, MockConfig, RateLimitConfig, EXAMPLE_ID};
use futures::StreamExt as _;

const LIMIT: u64 = 1000;

fn with_faults(kinds: Vec<Fault>, rate: f64, seed: u64) -> MockConfig {
    MockConfig {
        segments: 30,
        rate_limit: Some(RateLimitConfig {
            limit: LIMIT,
            window: Duration::from_secs(3600),
            ..RateLimitConfig::default()
        }),
        faults: FaultConfig {
            rate,
            kinds,
            seed,
            delay: Duration::from_millis(1),
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    }
}

/// A GET with the key, on `http` (one client a test: making one per request costs more than
/// the request).
async fn get(http: &reqwest::Client, braze: &MockBraze, path_and_query: &str) -> reqwest::Result<reqwest::Response> {
    http.get(format!("{}{path_and_query}", braze.url()))
        .bearer_auth(braze.api_key())
        .send()
        .await
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

fn rate_headers(response: &reqwest::Response) -> [Option<&str>; 3] {
    ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"].map(|name| header(response, name))
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// The end of the hour around `secs`.
fn hour_end(secs: u64) -> u64 {
    secs - secs % 3600 + 3600
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_answers_as_braze_or_its_proxy_would() {
    let details = format!("/segments/details?segment_id={EXAMPLE_ID}");
    let http = reqwest::Client::new();
    for kind in Fault::ALL {
        let braze = MockBraze::start(with_faults(vec![kind], 1.0, 7)).await.unwrap();
        let before = now_secs();
        let result = get(&http, &braze, &details).await;
        let after = now_secs();
        if kind == Fault::DropConnection {
            assert!(result.is_err(), "a dropped connection answers nothing: {result:?}");
            continue;
        }
        let response = result.unwrap();
        let status = response.status().as_u16();
        let content_type = header(&response, "content-type").map(str::to_owned);
        let [limit, remaining, reset] = rate_headers(&response).map(|h| h.map(str::to_owned));
        let reset: Option<u64> = reset.as_deref().and_then(|r| r.parse().ok());
        let body = response.text().await.unwrap();
        let braze_error = || serde_json::from_str::<types::BrazeError>(&body).unwrap().message;
        // Braze's own answers carry its budget's figures (a fault spends none of it).
        let braze_headers = |limit: &Option<String>, remaining: &Option<String>| {
            assert_eq!(limit.as_deref(), Some("1000"), "{kind:?}");
            assert_eq!(remaining.as_deref(), Some("1000"), "{kind:?}: nothing spent");
            assert!(
                (hour_end(before)..=hour_end(after)).contains(&reset.unwrap()),
                "{kind:?}"
            );
        };
        match kind {
            Fault::ServerError => {
                assert_eq!((status, braze_error().as_str()), (500, "Internal Server Error"));
                braze_headers(&limit, &remaining);
            }
            Fault::Unavailable => {
                assert_eq!((status, body.as_str()), (503, ""));
                assert_eq!(content_type.as_deref(), Some("text/plain"));
                braze_headers(&limit, &remaining);
            }
            Fault::BadGatewayHtml | Fault::GatewayTimeoutHtml => {
                assert_eq!(status, if kind == Fault::BadGatewayHtml { 502 } else { 504 });
                assert_eq!(content_type.as_deref(), Some("text/html"));
                assert!(body.starts_with("<html>"), "{body}");
                assert_eq!((limit, remaining, reset), (None, None, None), "a proxy sends no budget");
            }
            Fault::RateLimited => {
                assert_eq!((status, braze_error().as_str()), (429, "API rate limit exceeded"));
                assert_eq!((limit.as_deref(), remaining.as_deref()), (Some("1000"), Some("0")));
                assert!(
                    (hour_end(before)..=hour_end(after)).contains(&reset.unwrap()),
                    "reset at the end of the configured window"
                );
            }
            Fault::Burst => {
                assert_eq!(status, 429);
                assert_eq!(limit.as_deref(), Some("1000"));
                assert!(remaining.unwrap().parse::<u64>().unwrap() > 0);
                assert!((before + 1..=after + 1).contains(&reset.unwrap()), "a second away");
            }
            Fault::Forbidden => {
                assert_eq!((status, braze_error().as_str()), (403, "Access Denied"));
                assert_eq!(
                    (limit.as_deref(), remaining.as_deref(), reset),
                    (Some(""), Some(""), None),
                    "empty, as on the 401"
                );
            }
            Fault::Queued => {
                assert_eq!((status, braze_error().as_str()), (202, "queued"));
                braze_headers(&limit, &remaining);
            }
            Fault::Delay | Fault::Unordered => {
                assert_eq!(status, 200);
                assert_eq!(remaining.as_deref(), Some("999"), "a normal answer spends the budget");
            }
            Fault::DropConnection => unreachable!(),
        }
        assert_eq!(braze.counters().faults_at(Endpoint::Details, kind), 1, "{kind:?}");
        let spent: u64 = braze.budget_windows().iter().map(|w| w.spent).sum();
        assert_eq!(
            spent,
            u64::from(matches!(kind, Fault::Delay | Fault::Unordered)),
            "{kind:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_injected_429_of_a_spent_budget_ends_the_call_and_a_burst_is_waited_out() {
    // The SDK waits up to a minute for a reset: start clear of the top of the hour, so the
    // reset is far.
    let into_hour = now_secs() % 3600;
    if into_hour > 3500 {
        tokio::time::sleep(Duration::from_secs(3601 - into_hour)).await;
    }
    let braze = MockBraze::start(with_faults(vec![Fault::RateLimited], 1.0, 7))
        .await
        .unwrap();
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    // Remaining 0 with the reset up to an hour away: no retry can succeed, as on Braze.
    let err = client.segment_details(EXAMPLE_ID).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(braze.counters().requests(Endpoint::Details), 1, "not retried");

    // A burst 429 (one in two requests here) resets within a second: retried through.
    let braze = MockBraze::start(with_faults(vec![Fault::Burst], 0.5, 7)).await.unwrap();
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(RetryPolicy::default().max_attempts(10))
        .build()
        .unwrap();
    for segment in braze.segments().iter().take(6) {
        client.segment_details(&segment.id).await.unwrap();
    }
    assert!(braze.counters().faults(Fault::Burst) > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_and_method_not_allowed_carry_brazes_headers() {
    let braze = MockBraze::start(with_faults(Fault::ALL.to_vec(), 1.0, 7))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    for (method, path, status) in [
        (reqwest::Method::GET, "/segments/nope", 404),
        (reqwest::Method::GET, "/", 404),
        (reqwest::Method::POST, "/segments/list", 405),
        (reqwest::Method::DELETE, "/segments/data_series", 405),
    ] {
        // Without a key as with it: routing comes first, as on Braze.
        for key in [None, Some(braze.api_key())] {
            let mut request = http.request(method.clone(), format!("{}{path}", braze.url()));
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status().as_u16(), status, "{method} {path}");
            let [limit, remaining, reset] = rate_headers(&response);
            assert_eq!((limit, remaining), (Some("1000"), Some("1000")), "{method} {path}");
            assert!(reset.unwrap().parse::<u64>().unwrap() > now_secs());
            if status == 405 {
                assert_eq!(header(&response, "allow"), Some("GET, HEAD"));
            }
            let body: types::BrazeError = response.json().await.unwrap();
            assert!(!body.message.is_empty());
        }
    }
    assert_eq!(
        braze.counters().total_faults(),
        0,
        "no fault on a path the stand-in does not serve"
    );
}

/// Every request of `requests`, in the given order, `concurrency` at a time: the status each
/// got, by request (in the order answers came).
async fn statuses(
    http: &reqwest::Client,
    braze: &MockBraze,
    requests: &[String],
    concurrency: usize,
) -> BTreeMap<String, Vec<u16>> {
    let answers: Vec<(String, u16)> = futures::stream::iter(requests.iter().cloned())
        .map(|path| async move {
            let status = get(http, braze, &path).await.unwrap().status().as_u16();
            (path, status)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let mut by_request: BTreeMap<String, Vec<u16>> = BTreeMap::new();
    for (path, status) in answers {
        by_request.entry(path).or_default().push(status);
    }
    for statuses in by_request.values_mut() {
        statuses.sort_unstable();
    }
    by_request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_faults_to_the_same_requests_whatever_their_order() {
    let kinds: Vec<Fault> = Fault::ALL
        .into_iter()
        .filter(|k| !matches!(k, Fault::DropConnection | Fault::Delay))
        .collect();
    let ids: Vec<String> = MockBraze::start(with_faults(Vec::new(), 0.0, 0))
        .await
        .unwrap()
        .segments()
        .into_iter()
        .map(|s| s.id)
        .collect();
    // Each request three times: the n-th sending of a request draws its own fault.
    let mut requests = Vec::new();
    for round in 0..3 {
        for (i, id) in ids.iter().enumerate() {
            requests.push(format!("/segments/details?segment_id={id}"));
            requests.push(format!("/segments/data_series?segment_id={id}&length={}", 1 + i));
            if round == 0 && i < 10 {
                requests.push(format!("/segments/list?page={i}"));
            }
        }
    }
    let run = |order: Vec<String>, concurrency: usize, seed: u64| {
        let kinds = kinds.clone();
        async move {
            let braze = MockBraze::start(with_faults(kinds, 0.5, seed)).await.unwrap();
            statuses(&reqwest::Client::new(), &braze, &order, concurrency).await
        }
    };
    let forward = run(requests.clone(), 1, 11).await;
    let backward = run(requests.iter().rev().cloned().collect(), 1, 11).await;
    let interleaved: Vec<String> = requests
        .iter()
        .step_by(2)
        .chain(requests.iter().skip(1).step_by(2))
        .cloned()
        .collect();
    let concurrent = run(interleaved, 16, 11).await;
    assert_eq!(forward, backward, "reversed order");
    assert_eq!(forward, concurrent, "16 at a time, interleaved");
    let all: Vec<u16> = forward.values().flatten().copied().collect();
    assert!(all.contains(&200) && all.iter().any(|s| *s != 200), "{all:?}");
    let other_seed = run(requests.clone(), 1, 12).await;
    assert_ne!(forward, other_seed, "another seed, other faults");
}

async fn series(braze: &MockBraze, id: &str, length: u8, ending_at: &str) -> Vec<(String, i64)> {
    let response = get(
        &reqwest::Client::new(),
        braze,
        &format!("/segments/data_series?segment_id={id}&length={length}&ending_at={ending_at}"),
    )
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let series: types::SegmentDataSeries = response.json().await.unwrap();
    series
        .data
        .unwrap()
        .into_iter()
        .map(|p| (p.time.unwrap(), p.size.unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_series_holds_no_day_before_the_segment_was_created() {
    let braze = MockBraze::start(MockConfig::default()).await.unwrap();
    // A tracked one (the others have no history).
    let segment = braze
        .segments()
        .into_iter()
        .filter(|s| s.analytics_tracking_enabled)
        .nth(3)
        .unwrap();
    let born = segment.created_at.date_naive();
    let day = |offset: i64| (born + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string();
    // Ending two days after its creation, a 10-day window holds 3 days.
    let got = series(&braze, &segment.id, 10, &day(2)).await;
    let days: Vec<&str> = got.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(days, [day(0), day(1), day(2)]);
    // Ending before it: no point at all, still a 200.
    assert!(series(&braze, &segment.id, 100, &day(-1)).await.is_empty());
    // A segment created now has today only.
    let new = braze.create_segment("Fresh");
    let today = chrono::Utc::now().date_naive();
    let got = series(&braze, &new, 100, &today.format("%Y-%m-%d").to_string()).await;
    assert_eq!(got.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unordered_series_holds_the_same_points_in_another_order() {
    let ordered = MockBraze::start(MockConfig::default()).await.unwrap();
    let unordered = MockBraze::start(MockConfig {
        faults: FaultConfig {
            rate: 1.0,
            kinds: vec![Fault::Unordered],
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let expected = series(&ordered, EXAMPLE_ID, 100, "2024-07-25").await;
    assert!(expected.windows(2).all(|w| w[0].0 < w[1].0), "oldest first by default");
    let got = series(&unordered, EXAMPLE_ID, 100, "2024-07-25").await;
    assert_ne!(got, expected, "another order");
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "the same points");
    assert_eq!(unordered.counters().faults(Fault::Unordered), 1);
}
