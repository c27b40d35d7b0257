//! The export with each segment's size history (`ExportOptions::series`), against the stand-in.

use std::collections::HashSet;

use braze_segments::{Client, Error, ExportOptions, SeriesRange};
use braze_segments_mock_server::{Endpoint, Fault, MockBraze, MockConfig, Script};
use futures::StreamExt as _;

async fn start(segments: usize) -> (MockBraze, Client) {
    let braze = MockBraze::start(MockConfig {
        segments,
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(braze_segments_tests::fast_policy())
        .build()
        .unwrap();
    (braze, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_series_range_braze_would_refuse_ends_the_export_before_any_request() {
    let (braze, client) = start(3).await;
    for days in [0, 101] {
        let items: Vec<_> = client
            .export_segments(ExportOptions::default().series(SeriesRange::last_days(days)))
            .collect()
            .await;
        assert_eq!(items.len(), 1, "{items:?}");
        let error = items.into_iter().next().unwrap().unwrap_err();
        assert!(error.segment.is_none());
        assert!(
            matches!(
                error.error,
                Error::InvalidInput {
                    field: "length_days",
                    ..
                }
            ),
            "{error:?}"
        );
        assert_eq!(error.to_string(), error.error.to_string(), "not a listing failure");
    }
    assert_eq!(braze.counters().total(), 0, "no request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_comes_with_its_series_or_not_at_all_and_untracked_segments_are_named() {
    let (braze, client) = start(30).await;
    let segments = braze.segments();
    let tracked: Vec<&str> = segments
        .iter()
        .filter(|s| s.analytics_tracking_enabled)
        .map(|s| s.id.as_str())
        .collect();
    assert!(tracked.len() > 2 && tracked.len() < segments.len(), "both kinds");
    // One tracked segment's series fails every attempt: its details alone are never yielded.
    let broken = tracked[1].to_owned();
    braze.script(
        Script::fault(Fault::ServerError)
            .on(Endpoint::DataSeries)
            .segment(&broken),
    );

    let end = chrono::DateTime::parse_from_rfc3339("2024-07-25T12:00:00Z").unwrap();
    let mut export = client.export_segments(ExportOptions::default().series(SeriesRange::last_days(4).ending_at(end)));
    let (mut records, mut failed) = (Vec::new(), Vec::new());
    while let Some(item) = export.next().await {
        match item {
            Ok(record) => records.push(record),
            Err(e) => failed.push(e),
        }
    }
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].segment.as_ref().unwrap().id, broken);
    assert!(!failed[0].is_gone() && !failed[0].is_undetermined());
    assert_eq!(records.len(), segments.len() - 1);
    let mut untracked = HashSet::new();
    for record in &records {
        let id = record.summary.id.as_str();
        assert_ne!(id, broken);
        match &record.series {
            Some(points) => {
                assert!(tracked.contains(&id));
                let days: Vec<String> = points.iter().map(|p| p.time.raw().to_owned()).collect();
                assert_eq!(days, ["2024-07-22", "2024-07-23", "2024-07-24", "2024-07-25"]);
            }
            None => {
                assert!(!tracked.contains(&id), "{id} is tracked but has no series");
                untracked.insert(id.to_owned());
            }
        }
    }
    assert_eq!(export.untracked().iter().cloned().collect::<HashSet<_>>(), untracked);
    assert_eq!(export.details_calls(), segments.len() as u64);
    assert_eq!(export.series_calls(), tracked.len() as u64);
    let an_untracked = untracked.iter().next().unwrap().clone();
    assert_eq!(
        braze.counters().requests_for_segment(&an_untracked),
        1,
        "an untracked segment's details only"
    );
    // Asked anyway, the stand-in refuses it as Braze is reported to: no history.
    let refused = client
        .segment_data_series(&an_untracked, SeriesRange::last_days(4))
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
    assert!(
        refused.to_string().contains("analytics tracking is not enabled"),
        "{refused}"
    );
    assert!(!refused.is_unknown_segment(), "not an unknown segment: {refused}");
}
