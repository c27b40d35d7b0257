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
            ..RateLimitConfig::default()
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
        .retry(
            RetryPolicy::default()
                .backoff(Duration::from_millis(1), Duration::from_millis(5))
                .max_rate_limit_wait(Duration::from_millis(100)),
        )
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

fn with_budget(braze: &MockBraze, budget: RateBudget) -> Client {
    Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .budget(budget)
        .build()
        .unwrap()
}

fn assert_each_once(ids: &[String], braze: &MockBraze) {
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a segment written twice");
    let expected: HashSet<_> = braze.segments().into_iter().map(|s| s.id).collect();
    assert_eq!(unique, expected.iter().collect(), "every segment");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_exports_on_one_key_with_a_reserve_never_run_into_a_429() {
    const LIMIT: u64 = 60;
    const RESERVE: u64 = 15;
    // Each export has its details calls and a list page in flight at most.
    const IN_FLIGHT: u64 = 3 * (3 + 1);
    let braze = stand_in(80, LIMIT, 1).await;
    // Three clients with their own gates: three processes reading one server-side counter.
    let budget = RateBudget::use_all().reserve(RESERVE);
    let runs = (0..3).map(|_| {
        let client = with_budget(&braze, budget.clone());
        async move { export_ids(&client, 3).await }
    });
    for ids in futures::future::join_all(runs).await {
        assert_each_once(&ids, &braze);
    }
    assert_eq!(braze.counters().rate_limited(), 0, "no 429 while the budget lasted");
    let windows = braze.budget_windows();
    assert!(windows.len() >= 3, "the exports spanned several windows: {windows:?}");
    for w in &windows {
        assert!(
            w.spent <= LIMIT - RESERVE + IN_FLIGHT,
            "a window went below the reserve by more than the requests in flight: {w:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_with_a_quarter_share_spends_at_most_a_quarter_of_each_window() {
    const LIMIT: u64 = 80;
    const CONCURRENCY: usize = 4;
    let braze = stand_in(50, LIMIT, 2).await;
    let client = with_budget(&braze, RateBudget::use_all().share(0.25));
    let ids = export_ids(&client, CONCURRENCY).await;
    assert_each_once(&ids, &braze);
    let windows = braze.budget_windows();
    assert!(
        windows.len() >= 3,
        "the share spread the export over windows: {windows:?}"
    );
    for w in &windows {
        assert!(
            w.spent <= LIMIT / 4 + CONCURRENCY as u64,
            "more than a quarter of a window (plus what was in flight): {w:?}"
        );
    }
    assert_eq!(braze.counters().rate_limited(), 0);
}
