//! Loses nothing when Braze misbehaves: 10,000 calls through 30% injected faults of every kind.

use std::time::Duration;

use braze_segments::Client;
use braze_segments_mock_server::{Endpoint, Fault, FaultConfig, MockBraze, MockConfig};
use futures::StreamExt as _;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_through_30_percent_faults_each_return_the_right_segment() {
    let braze = MockBraze::start(MockConfig {
        segments: 2_500,
        rate_limit: None,
        faults: FaultConfig {
            rate: 0.3,
            delay: Duration::from_millis(5),
            seed: 2024,
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    })
    .await
    .unwrap();
    // At 30% faults, 4 attempts would lose 0.3^4 ≈ 0.8% of calls; 12 leave ~5e-7.
    let policy = braze_segments_tests::fast_policy().max_attempts(12);
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(policy.clone())
        .build()
        .unwrap();

    let segments = braze.segments();
    let calls = 10_000usize;
    let results: Vec<(
        usize,
        Result<braze_segments::Response<braze_segments::SegmentDetails>, braze_segments::Error>,
    )> = futures::stream::iter(0..calls)
        .map(|i| {
            let client = client.clone();
            let id = segments[i % segments.len()].id.clone();
            async move { (i, client.segment_details_with_meta(&id).await) }
        })
        .buffer_unordered(256)
        .collect()
        .await;

    assert_eq!(results.len(), calls);
    let mut attempts_total = 0u64;
    let mut seen = vec![false; calls];
    for (i, result) in &results {
        let response = result.as_ref().unwrap_or_else(|e| panic!("call {i} failed: {e}"));
        let expected = &segments[i % segments.len()];
        assert_eq!(
            response.value.name.as_deref(),
            Some(expected.name.as_str()),
            "call {i} got another segment"
        );
        assert!(
            (1..=policy.get_max_attempts()).contains(&response.attempts),
            "call {i}: {} attempts",
            response.attempts
        );
        assert!(!seen[*i], "call {i} answered twice");
        seen[*i] = true;
        attempts_total += u64::from(response.attempts);
    }
    let counters = braze.counters();
    assert_eq!(
        counters.requests(Endpoint::Details),
        attempts_total,
        "every attempt reached the server once"
    );
    let faults = counters.total_faults();
    let failing_faults = faults - counters.faults(Fault::Delay); // a delay still answers
    assert_eq!(
        attempts_total,
        calls as u64 + failing_faults,
        "every failure cost exactly one retry, every success ended its call"
    );
    assert!(
        (0.25..0.35).contains(&(faults as f64 / attempts_total as f64)),
        "{faults} faults in {attempts_total}"
    );
    for kind in Fault::TRANSIENT {
        assert!(counters.faults(kind) > 100, "{kind:?}: {}", counters.faults(kind));
    }
}
