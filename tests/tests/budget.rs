//! Sharing Braze's budget, against the stand-in's fixed-window budget (real headers, shared by
//! every connection on the key): bulk jobs wait for a spent window, single calls fail fast.

use std::collections::HashSet;
use std::time::Duration;

use braze_segments::{Client, Error, ExportOptions, RateBudget, RetryPolicy};
use braze_segments_mock_server::{MockBraze, MockConfig, RateLimitConfig};
use futures::StreamExt as _;

async fn stand_in(segments: usize, limit: u64, window_secs: u64) -> MockBraze {
    MockBraze::start(MockConfig {
        segments,
        rate_limit: Some(RateLimitConfig {
            limit,
            window: Duration::from_secs(window_secs),
        }),
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

/// A client whose single calls will not wait even a second for the budget (as with Braze's
/// hourly window, where the reset is always past the 60 s default).
fn impatient(braze: &MockBraze, budget: RateBudget) -> Client {
    Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(RetryPolicy {
            max_rate_limit_wait: Duration::from_millis(100),
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .budget(budget)
        .build()
        .unwrap()
}

async fn export_ids(client: &Client, concurrency: usize) -> Vec<String> {
    let mut export = client.export_segments(ExportOptions::default().concurrency(concurrency));
    let mut ids = Vec::new();
    while let Some(record) = export.next().await {
        ids.push(record.expect("every segment exported").summary.id);
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_against_a_spent_budget_waits_for_the_reset_and_single_calls_fail_fast() {
    // 40 requests a 1-second window; the export needs 60 details and a list page.
    let braze = stand_in(60, 40, 1).await;
    let client = impatient(&braze, RateBudget::use_all());
    let ids = export_ids(&client, 4).await;
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!((ids.len(), unique.len()), (60, 60), "every segment exactly once");
    assert!(braze.counters().total() > 40, "the export spanned more than one window");

    // Spend the window with single calls: once the gate closes, they fail fast.
    let id = braze.segments()[0].id.clone();
    let mut failed = None;
    for _ in 0..100 {
        if let Err(e) = client.segment_details(&id).await {
            failed = Some(e);
            break;
        }
    }
    let err = failed.expect("a single call fails once the window is spent");
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
}
