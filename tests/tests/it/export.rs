//! The segment list as a stream, and the whole export, against the stand-in server.

use std::collections::HashSet;
use std::time::Duration;

use braze_segments::{Client, Error, ExportOptions, RetryPolicy, SeriesRange, SortDirection};
use braze_segments_httpmock::MockServerExt;
use braze_segments_mock_server::{Endpoint, Fault, FaultConfig, MockBraze, MockConfig};
use futures::StreamExt as _;

/// The stand-in with `config`, and a client of it with `policy`.
pub(crate) async fn start(config: MockConfig, policy: RetryPolicy) -> (MockBraze, Client) {
    let braze = MockBraze::start(config).await.unwrap();
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(policy)
        .build()
        .unwrap();
    (braze, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_stream_pages_over_0_99_100_101_and_250_segments() {
    for (count, pages) in [(0usize, 1u64), (99, 1), (100, 2), (101, 2), (250, 3)] {
        let config = MockConfig {
            segments: count,
            ..MockConfig::default()
        };
        let (braze, client) = start(config, braze_segments_tests::fast_policy()).await;
        let ids: Vec<String> = client.segments().map(|s| s.unwrap().id).collect().await;
        let expected: Vec<String> = braze.segments().iter().map(|s| s.id.clone()).collect();
        assert_eq!(ids, expected, "{count} segments");
        assert_eq!(
            braze.counters().requests(Endpoint::List),
            pages,
            "{count} segments take {pages} page(s)"
        );

        let newest: Vec<String> = client
            .segments_sorted(SortDirection::Desc)
            .map(|s| s.unwrap().id)
            .collect()
            .await;
        assert_eq!(newest, expected.into_iter().rev().collect::<Vec<_>>());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_stream_is_lazy() {
    let (braze, client) = start(
        MockConfig {
            segments: 250,
            ..MockConfig::default()
        },
        RetryPolicy::default(),
    )
    .await;
    let first: Vec<_> = client.segments().take(100).collect().await;
    assert_eq!(first.len(), 100);
    assert_eq!(
        braze.counters().requests(Endpoint::List),
        1,
        "the second page is not fetched before it is read"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_error_ends_the_stream_with_that_error() {
    let server = httpmock::MockServer::start_async().await;
    let full_page: Vec<serde_json::Value> = (0..100)
        .map(|i| serde_json::json!({"id": format!("seg-{i}"), "name": "n"}))
        .collect();
    server.get_segments_list(|when, then| {
        when.page(0);
        then.ok(&serde_json::from_value(serde_json::json!({"message": "success", "segments": full_page})).unwrap());
    });
    server.get_segments_list(|when, then| {
        when.page(1);
        then.forbidden(&serde_json::from_value(serde_json::json!({"message": "Access Denied"})).unwrap());
    });
    let client = braze_segments_tests::client(&server);
    let items: Vec<_> = client.segments().collect().await;
    assert_eq!(items.len(), 101);
    assert!(items[..100].iter().all(Result::is_ok));
    assert!(
        matches!(&items[100], Err(Error::Api { status: 403, .. })),
        "{:?}",
        items[100]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_repeating_the_same_page_does_not_loop_forever() {
    let server = httpmock::MockServer::start_async().await;
    let full_page: Vec<serde_json::Value> = (0..100)
        .map(|i| serde_json::json!({"id": format!("seg-{i}")}))
        .collect();
    server.mock(|when, then| {
        when.path("/segments/list");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "segments": full_page}));
    });
    let client = braze_segments_tests::client(&server);
    let items: Vec<_> = client.segments().collect().await;
    assert_eq!(items.len(), 101);
    let err = items[100].as_ref().unwrap_err();
    assert!(err.to_string().contains("pagination is not advancing"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exporting_1000_segments_through_20_percent_faults_loses_and_duplicates_nothing() {
    let config = MockConfig {
        segments: 1000,
        rate_limit: None,
        faults: FaultConfig {
            rate: 0.2,
            delay: Duration::from_millis(20),
            seed: 11,
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    };
    let policy = braze_segments_tests::fast_policy().max_attempts(8);
    let (braze, client) = start(config, policy).await;
    let records: Vec<_> = client
        .export_segments(ExportOptions::default().concurrency(64))
        .collect()
        .await;
    let mut seen = HashSet::new();
    for record in &records {
        let record = record.as_ref().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            seen.insert(record.summary.id.clone()),
            "duplicate {}",
            record.summary.id
        );
    }
    assert_eq!(seen.len(), 1000);
    for segment in braze.segments() {
        let record = records.iter().flatten().find(|r| r.summary.id == segment.id).unwrap();
        assert_eq!(record.details.name.as_deref(), Some(segment.name.as_str()));
        assert_eq!(
            record.details.description.as_deref(),
            Some(segment.description.as_str())
        );
        assert_eq!(
            record.details.tags,
            segment.tags.iter().flatten().cloned().collect::<Vec<_>>()
        );
        assert_eq!(record.details.teams, segment.teams);
        assert_eq!(
            record.details.created_at.as_ref().and_then(|t| t.at()),
            Some(segment.created_at)
        );
    }
    let counters = braze.counters();
    for kind in Fault::TRANSIENT {
        assert!(counters.faults(kind) > 0, "{kind:?} was injected");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failing_segment_is_reported_and_the_rest_export() {
    let server = httpmock::MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/segments/list");
        then.status(200).json_body(serde_json::json!({
            "message": "success",
            "segments": [{"id": "good-1"}, {"id": "broken"}, {"id": "good-2"}]
        }));
    });
    server.mock(|when, then| {
        when.path("/segments/details").query_param("segment_id", "broken");
        then.status(500).body("{}");
    });
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "name": "fine"}));
    });
    let client = braze_segments_tests::client(&server);
    let stream = client.export_segments(ExportOptions::default().skip(["good-2".to_owned()]));
    let items: Vec<_> = stream.collect().await;
    let ok: HashSet<_> = items.iter().flatten().map(|r| r.summary.id.as_str()).collect();
    assert_eq!(ok, HashSet::from(["good-1"]), "good-2 was skipped as already exported");
    let failed: Vec<_> = items.iter().filter_map(|i| i.as_ref().err()).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].segment.as_ref().unwrap().id, "broken");
    assert!(
        failed[0].to_string().starts_with("segment broken: Braze answered 500"),
        "{}",
        failed[0]
    );
    assert!(
        !failed[0].is_gone() && !failed[0].is_undetermined(),
        "a 500 is a failure: neither gone nor undetermined"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_series_length_bounds() {
    let (braze, client) = start(
        MockConfig {
            segments: 1,
            ..MockConfig::default()
        },
        RetryPolicy::none(),
    )
    .await;
    let id = braze.segments()[0].id.clone();
    for days in [1, 100] {
        let end = chrono::DateTime::parse_from_rfc3339("2024-07-25T00:00:00Z").unwrap();
        let points = client
            .segment_data_series(&id, SeriesRange::last_days(days).ending_at(end))
            .await
            .unwrap();
        assert_eq!(points.len(), days as usize);
        assert_eq!(points.last().unwrap().time.raw(), "2024-07-25");
    }
    for days in [0, 101] {
        let err = client
            .segment_data_series(&id, SeriesRange::last_days(days))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    field: "length_days",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    assert_eq!(
        braze.counters().requests(Endpoint::DataSeries),
        2,
        "out-of-range lengths sent nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_counts_what_it_listed_skipped_and_passed() {
    let (braze, client) = start(
        MockConfig {
            segments: 150,
            rate_limit: None,
            ..MockConfig::default()
        },
        RetryPolicy::default(),
    )
    .await;
    let skip: Vec<String> = braze.segments().into_iter().take(20).map(|s| s.id).collect();
    let mut stream = client.export_segments(ExportOptions::default().skip(skip.clone()).concurrency(1));
    let mut written = HashSet::new();
    while let Some(record) = stream.next().await {
        assert!(written.insert(record.unwrap().summary.id));
    }
    assert_eq!(written.len(), 130);
    assert!(skip.iter().all(|id| !written.contains(id)), "a skipped id was fetched");
    assert_eq!(
        (stream.listed(), stream.skipped(), stream.relisted(), stream.gone()),
        (150, 20, 0, 0)
    );
    assert_eq!(stream.passes(), 2, "one re-listing proves an unchanged list complete");
    assert!(stream.listing_verified());
    assert_eq!(
        format!("{stream:?}"),
        "ExportStream { listed: 150, skipped: 20, unselected: 0, relisted: 0, gone: 0, undetermined: 0, without_id: 0, passes: 2, in_flight: 0 }"
    );
    assert_eq!(
        braze.counters().requests(Endpoint::Details),
        130,
        "one details call a segment"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_failure_ends_the_export_once_and_a_segment_held_as_unknown_is_undetermined_not_gone() {
    let server = httpmock::MockServer::start_async().await;
    let full_page: Vec<serde_json::Value> = (0..100)
        .map(|i| serde_json::json!({"id": format!("seg-{i}")}))
        .collect();
    let page_0 = server.mock(|when, then| {
        when.path("/segments/list").query_param("page", "0");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "segments": full_page}));
    });
    let page_1 = server.mock(|when, then| {
        when.path("/segments/list").query_param("page", "1");
        then.status(403)
            .json_body(serde_json::json!({"message": "Access Denied"}));
    });
    server.mock(|when, then| {
        when.path("/segments/details").query_param("segment_id", "seg-5");
        then.status(404)
            .json_body(serde_json::json!({"message": "unknown segment"}));
    });
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "name": "fine"}));
    });
    let client = braze_segments_tests::client(&server);
    let mut stream = client.export_segments(ExportOptions::default());
    let (mut written, mut errors) = (0, Vec::new());
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => written += 1,
            Err(e) => errors.push(e),
        }
    }
    assert_eq!(written, 99);
    let listing: Vec<_> = errors.iter().filter(|e| e.segment.is_none()).collect();
    assert_eq!(listing.len(), 1, "one listing failure ends the listing: {errors:?}");
    assert!(
        matches!(listing[0].error, Error::Api { status: 403, .. }),
        "{}",
        listing[0]
    );
    let held: Vec<_> = errors.iter().filter(|e| e.segment.is_some()).collect();
    assert_eq!(held.len(), 1, "{errors:?}");
    assert_eq!(held[0].segment.as_ref().unwrap().id, "seg-5");
    assert!(!held[0].is_gone(), "no listing after its 404 could show it gone");
    assert!(held[0].is_undetermined(), "nor show it still listed");
    assert_eq!(stream.undetermined(), 1);
    assert_eq!((stream.passes(), stream.gone()), (1, 0));
    assert!(!stream.listing_verified());
    page_0.assert_calls_async(1).await;
    page_1.assert_calls_async(1).await;
}

/// A Braze that lists `count` segments on one page and never answers a details call.
async fn details_never_answered(count: usize) -> Client {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let segments: Vec<_> = (0..count)
        .map(|i| serde_json::json!({"id": format!("seg-{i}")}))
        .collect();
    let body = serde_json::json!({"message": "success", "segments": segments}).to_string();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                if head.starts_with(b"GET /segments/list") {
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                } else {
                    // Held open and unanswered until the client leaves.
                    while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
                }
            });
        }
    });
    Client::builder()
        .api_key(braze_segments_tests::KEY)
        .endpoint(url)
        .retry(braze_segments_tests::fast_policy())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_details_calls_are_in_flight_than_the_concurrency_allows() {
    for concurrency in [1, 3] {
        let client = details_never_answered(10).await;
        let mut stream = client.export_segments(ExportOptions::default().concurrency(concurrency));
        // The page of 10 arrives in one poll, which starts as many details calls as allowed;
        // none of them ever finishes, so the first count seen is the count for good.
        let in_flight = loop {
            if let std::task::Poll::Ready(item) = futures::poll!(stream.next()) {
                panic!("no details call can finish: {item:?}");
            }
            let debug = format!("{stream:?}");
            let count: usize = debug
                .split("in_flight: ")
                .nth(1)
                .and_then(|rest| rest.trim_end_matches(" }").parse().ok())
                .unwrap_or_else(|| panic!("{debug}"));
            if count > 0 {
                break count;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        assert_eq!(in_flight, concurrency);
        assert_eq!(stream.listed(), concurrency as u64, "listing waits for room");
    }
}
