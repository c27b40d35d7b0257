//! The stand-in server conforms to the spec: everything it sends decodes through the generated
//! client; pagination, auth and rate limits behave as Braze's do.

use std::time::Duration;

use braze_segments::{Client, Error, RetryPolicy, SortDirection};
use braze_segments_api::types;
use braze_segments_mock_server::{Endpoint, Fault, FaultConfig, MockBraze, MockConfig, RateLimitConfig, PAGE_SIZE};

async fn start(config: MockConfig) -> (MockBraze, Client) {
    let braze = MockBraze::start(config).await.unwrap();
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(braze_segments_tests::fast_policy())
        .build()
        .unwrap();
    (braze, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_success_body_decodes_through_the_generated_client() {
    let (braze, client) = start(MockConfig {
        segments: 120,
        ..MockConfig::default()
    })
    .await;
    let api = client.api();
    let list = api.get_segments_list().page(1u32).send().await.unwrap().into_inner();
    assert_eq!(list.message, "success");
    assert_eq!(list.segments.as_ref().unwrap().len(), 20);
    for segment in braze.segments() {
        let d = api
            .get_segment_details()
            .segment_id(segment.id.as_str())
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(d.name.as_deref(), Some(segment.name.as_str()));
        assert_eq!(d.tags.as_ref(), Some(&segment.tags));
        let created_at = d
            .created_at
            .as_deref()
            .map(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap());
        assert_eq!(created_at, Some(segment.created_at.fixed_offset()));
        assert!(d.extra.is_empty(), "nothing outside the spec");
    }
    let series = api
        .get_segment_data_series()
        .segment_id(braze.segments()[0].id.as_str())
        .length(std::num::NonZeroU8::new(100).unwrap())
        // Braze's own example's form (an offset without its leading zero), a day the segment
        // existed 100 days before (a series holds no day before the segment's creation).
        .ending_at("2019-06-27T23:59:59-5:00")
        .send()
        .await
        .unwrap()
        .into_inner();
    let data = series.data.unwrap();
    assert_eq!(data.len(), 100);
    assert_eq!(data.last().unwrap().time.as_deref(), Some("2019-06-27"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_body_decodes_as_a_braze_error() {
    let (braze, client) = start(MockConfig {
        segments: 3,
        ..MockConfig::default()
    })
    .await;
    let api = client.api();
    let unknown = api
        .get_segment_details()
        .segment_id("no-such-segment")
        .send()
        .await
        .unwrap_err();
    match unknown {
        braze_segments_api::Error::ErrorResponse(e) => {
            assert_eq!(e.status().as_u16(), 400);
            assert!(e.into_inner().message.contains("segment_id"));
        }
        other => panic!("{other:?}"),
    }
    let id = braze.segments()[0].id.clone();
    let too_long = api
        .get_segment_data_series()
        .segment_id(id.as_str())
        .length(std::num::NonZeroU8::new(101).unwrap())
        .send()
        .await
        .unwrap_err();
    match too_long {
        braze_segments_api::Error::ErrorResponse(e) => assert_eq!(e.status().as_u16(), 400),
        other => panic!("{other:?}"),
    }
    // The generated type cannot hold a length of 0: ask over raw HTTP.
    let raw = reqwest::Client::new()
        .get(format!("{}/segments/data_series?segment_id={id}&length=0", braze.url()))
        .bearer_auth(braze.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let body: types::BrazeError = raw.json().await.unwrap();
    assert!(body.message.contains("length"));
}

async fn list_all(client: &Client, sort: SortDirection) -> Vec<String> {
    let mut ids = Vec::new();
    for page in 0.. {
        let got = client.segments_page(page, sort).await.unwrap();
        let n = got.len();
        ids.extend(got.into_iter().map(|s| s.id));
        if n < PAGE_SIZE {
            break;
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_over_0_100_101_and_250_segments() {
    for (count, pages) in [(0usize, 1u64), (100, 2), (101, 2), (250, 3)] {
        let (braze, client) = start(MockConfig {
            segments: count,
            ..MockConfig::default()
        })
        .await;
        let ids = list_all(&client, SortDirection::Asc).await;
        let expected: Vec<String> = braze.segments().iter().map(|s| s.id.clone()).collect();
        assert_eq!(ids, expected, "{count} segments, oldest first");
        assert_eq!(
            braze.counters().requests(Endpoint::List),
            pages,
            "{count} segments take {pages} page(s)"
        );
        let mut newest_first = list_all(&client, SortDirection::Desc).await;
        newest_first.reverse();
        assert_eq!(newest_first, expected, "{count} segments, newest first");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_gets_401_with_empty_rate_limit_headers() {
    let braze = MockBraze::start(MockConfig::default()).await.unwrap();
    let wrong = Client::builder()
        .api_key("not-the-key")
        .endpoint(braze.url())
        .build()
        .unwrap();
    let err = wrong.segment_details(&braze.segments()[0].id).await.unwrap_err();
    assert!(err.is_unauthorized(), "{err:?}");
    assert_eq!(err.to_string(), "Braze answered 401: Invalid API key: non-existent");
    assert!(err.rate_limit().unwrap().is_empty(), "empty headers read as no figures");
    assert_eq!(braze.counters().unauthorized(), 1);

    let raw = reqwest::get(format!("{}/segments/details?segment_id=x", braze.url()))
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 401);
    assert_eq!(raw.headers()["x-ratelimit-remaining"], "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_counts_down_and_answers_429_when_spent() {
    let config = MockConfig {
        rate_limit: Some(RateLimitConfig {
            limit: 5,
            window: Duration::from_secs(3600),
            ..RateLimitConfig::default()
        }),
        ..MockConfig::default()
    };
    // The hourly window turns at the top of the hour: start well clear of it, so the budget
    // this test spends is all in one window.
    let into_hour = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 3600;
    if into_hour > 3590 {
        tokio::time::sleep(Duration::from_secs(3601 - into_hour)).await;
    }
    let (braze, _) = start(config).await;
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let id = braze.segments()[0].id.clone();
    for expected in (0..5u64).rev() {
        let response = client.segment_details_with_meta(&id).await.unwrap();
        assert_eq!(response.rate_limit.remaining, Some(expected));
        assert_eq!(response.rate_limit.limit, Some(5));
    }
    // Remaining hit 0 with the reset up to an hour away: the SDK does not even ask.
    let err = client.segment_details(&id).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(braze.counters().requests(Endpoint::Details), 5);
    // Asked anyway (raw HTTP), the stand-in answers 429.
    let raw = reqwest::Client::new()
        .get(format!("{}/segments/details?segment_id={id}", braze.url()))
        .bearer_auth(braze.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 429);
    assert_eq!(raw.headers()["x-ratelimit-remaining"], "0");
    assert_eq!(braze.counters().rate_limited(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_transient_faults_of_every_kind_are_retried_through() {
    let config = MockConfig {
        segments: 40,
        rate_limit: None,
        faults: FaultConfig {
            rate: 0.3,
            delay: Duration::from_millis(5),
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    };
    let (braze, _) = start(config).await;
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(braze_segments_tests::fast_policy().max_attempts(10))
        .build()
        .unwrap();
    // All at once: each fault draw depends on the request, not on the order.
    let calls = braze.segments().into_iter().map(|segment| {
        let client = &client;
        async move {
            let details = client.segment_details(&segment.id).await.unwrap();
            assert_eq!(details.name.as_deref(), Some(segment.name.as_str()));
        }
    });
    futures::future::join_all(calls).await;
    let counters = braze.counters();
    assert!(counters.total_faults() > 0);
    for kind in Fault::TRANSIENT {
        assert!(
            counters.faults(kind) > 0,
            "{kind:?} was never injected in {} requests",
            counters.total()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_injected_fault_reaches_the_generated_client_as_braze_would_send_it() {
    for kind in Fault::ALL {
        let config = MockConfig {
            segments: 1,
            faults: FaultConfig {
                rate: 1.0,
                kinds: vec![kind],
                delay: Duration::from_millis(1),
                ..FaultConfig::default()
            },
            ..MockConfig::default()
        };
        let (braze, client) = start(config).await;
        let result = client
            .api()
            .get_segment_details()
            .segment_id(braze.segments()[0].id.as_str())
            .send()
            .await;
        use braze_segments_api::Error as E;
        match (kind, result) {
            (Fault::ServerError, Err(E::ErrorResponse(e))) => {
                assert_eq!(e.status().as_u16(), 500);
                assert_eq!(e.into_inner().message, "Internal Server Error");
            }
            (Fault::RateLimited | Fault::Burst, Err(E::ErrorResponse(e))) => {
                assert_eq!(e.status().as_u16(), 429);
                assert!(!e.headers()["x-ratelimit-reset"].is_empty());
            }
            (Fault::Forbidden, Err(E::ErrorResponse(e))) => {
                assert_eq!(e.status().as_u16(), 403);
                assert_eq!(e.into_inner().message, "Access Denied");
            }
            // A proxy's HTML and an empty 503 are not Braze's JSON: the generated client says so.
            (
                Fault::BadGatewayHtml | Fault::GatewayTimeoutHtml | Fault::Unavailable,
                Err(E::InvalidResponsePayload(body, _)),
            ) => {
                assert!(kind == Fault::Unavailable || body.starts_with(b"<html>"));
            }
            // The spec describes the 202: the generated client reads it as the endpoint's body.
            (Fault::Queued, Ok(queued)) => {
                assert_eq!(queued.status().as_u16(), 202);
                assert_eq!(queued.into_inner().message, "queued");
            }
            (Fault::DropConnection, Err(E::CommunicationError(_))) => {}
            (Fault::Delay | Fault::Unordered, Ok(details)) => assert_eq!(details.into_inner().message, "success"),
            (kind, other) => panic!("{kind:?}: {other:?}"),
        }
        assert_eq!(braze.counters().faults(kind), 1);
        assert_eq!(braze.counters().faults_at(Endpoint::Details, kind), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_but_valid_requests_get_sensible_answers() {
    let braze = MockBraze::start(MockConfig {
        segments: 5,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let get = |query: &str| {
        http.get(format!("{}/segments/list?{query}", braze.url()))
            .bearer_auth(braze.api_key())
            .send()
    };
    // A page number past any dataset (even past u64) is an empty last page, as the spec allows.
    for page in ["5", "18446744073709551616", "11273141935639678089691136000"] {
        let response = get(&format!("page={page}")).await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "page {page}");
        let list: types::SegmentList = response.json().await.unwrap();
        assert_eq!(list.segments.unwrap().len(), 0);
    }
    assert_eq!(get("page=-1").await.unwrap().status().as_u16(), 400);
    assert_eq!(get("sort_direction=sideways").await.unwrap().status().as_u16(), 400);
    // Methods the spec does not list (HEAD is answered as GET): 405 with Allow.
    for method in [reqwest::Method::POST, reqwest::Method::DELETE, reqwest::Method::TRACE] {
        let response = http
            .request(method.clone(), format!("{}/segments/details", braze.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "GET, HEAD");
    }
    // The example id works as written in the spec.
    let details = http
        .get(format!(
            "{}/segments/details?segment_id={}",
            braze.url(),
            braze_segments_mock_server::EXAMPLE_ID
        ))
        .bearer_auth(braze.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(details.status().as_u16(), 200);
    let details: types::SegmentDetails = details.json().await.unwrap();
    assert_eq!(details.name.as_deref(), Some("Lapsed Users - 7 days"));
}
