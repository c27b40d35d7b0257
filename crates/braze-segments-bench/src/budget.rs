//! Budget use: an export with a share `f` of a stand-in budget of `limit` requests a `window`
//! should spend close to `f × limit` a window — all it is allowed, and never more.

use std::time::Duration;

use braze_segments::{Client, ExportOptions, RateBudget};
use braze_segments_mock_server::{MockBraze, MockConfig, RateLimitConfig};
use futures::StreamExt as _;

pub struct BudgetResult {
    pub share: f64,
    pub limit: u64,
    pub window_s: u64,
    /// Requests the export spent in each window it spanned whole.
    pub full_windows: Vec<u64>,
    /// The least and most of those, over `f × limit`.
    pub min_ratio: f64,
    pub max_ratio: f64,
}

/// Runs an export long enough to span `windows` whole windows, then reads the stand-in's
/// record of each window.
pub fn budget_use(server_rt: &tokio::runtime::Runtime, client_rt: &tokio::runtime::Runtime) -> BudgetResult {
    const SHARE: f64 = 0.25;
    const LIMIT: u64 = 2_000;
    const WINDOW_S: u64 = 5;
    const WINDOWS: u64 = 4;
    let allowed = (LIMIT as f64 * SHARE) as u64;
    // Enough segments for the whole windows, plus the partial first and last.
    let segments = (allowed * (WINDOWS + 2)) as usize;
    let braze = server_rt
        .block_on(MockBraze::start(MockConfig {
            segments,
            rate_limit: Some(RateLimitConfig {
                limit: LIMIT,
                window: Duration::from_secs(WINDOW_S),
                ..RateLimitConfig::default()
            }),
            ..MockConfig::default()
        }))
        .unwrap();
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .budget(RateBudget::use_all().share(SHARE))
        .build()
        .unwrap();
    let exported = client_rt.block_on(async {
        let mut export = client.export_segments(ExportOptions::default().concurrency(16));
        let mut n = 0usize;
        while let Some(record) = export.next().await {
            record.expect("every segment exported");
            n += 1;
        }
        n
    });
    assert_eq!(exported, segments, "every segment exported");
    let windows = braze.budget_windows();
    server_rt.block_on(braze.shutdown());
    // The first and last windows are partial (the export starts and ends inside them).
    let full_windows: Vec<u64> = windows
        .iter()
        .skip(1)
        .take(windows.len().saturating_sub(2))
        .map(|w| w.spent)
        .collect();
    let ratio = |spent: u64| spent as f64 / allowed as f64;
    BudgetResult {
        share: SHARE,
        limit: LIMIT,
        window_s: WINDOW_S,
        min_ratio: full_windows.iter().copied().map(ratio).fold(f64::INFINITY, f64::min),
        max_ratio: full_windows.iter().copied().map(ratio).fold(0.0, f64::max),
        full_windows,
    }
}

/// One line for the terminal.
pub fn describe(b: &BudgetResult) -> String {
    format!(
        "budget use, share {} of {} a {} s window: {:?} requests in the whole windows ({:.1}%–{:.1}% of the share)",
        b.share,
        b.limit,
        b.window_s,
        b.full_windows,
        b.min_ratio * 100.0,
        b.max_ratio * 100.0
    )
}
