//! The export with each segment's size history (`ExportOptions::series`), against the stand-in.

use std::collections::HashSet;

use braze_segments::{Client, Error, ExportOptions, SeriesRange};
use braze_segments_mock_server::{Endpoint, Fault, MockBraze, MockConfig, Script};
use futures::StreamExt as _;

async fn start(segments: usize) -> (MockBraze, Client) {
    let config = MockConfig {
        segments,
        rate_limit: None,
        ..MockConfig::default()
    };
    crate::export::start(config, braze_segments_tests::fast_policy()).await
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_series_braze_refuses_with_a_400_leaves_the_record_whole_without_one() {
    // A listing that does not say whether tracking is on; Braze refuses one segment's series.
    let server = httpmock::MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/segments/list");
        then.status(200).json_body(serde_json::json!({"message": "success",
            "segments": [{"id": "seg-1", "name": "a"}, {"id": "seg-2", "name": "b"}, {"id": "seg-3", "name": "c"}]}));
    });
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "name": "x"}));
    });
    let series = |id: &'static str, status: u16, body: serde_json::Value| {
        server.mock(move |when, then| {
            when.path("/segments/data_series").query_param("segment_id", id);
            then.status(status).json_body(body);
        });
    };
    series(
        "seg-1",
        200,
        serde_json::json!({"message": "success", "data": [{"time": "2024-07-25", "size": 5}]}),
    );
    series(
        "seg-2",
        400,
        serde_json::json!({"message": "analytics tracking is not enabled for this segment"}),
    );
    series("seg-3", 500, serde_json::json!({"message": "internal error"}));
    let client = Client::builder()
        .api_key("k")
        .endpoint(server.base_url())
        .retry(braze_segments::RetryPolicy::none())
        .build()
        .unwrap();
    let mut export = client.export_segments(ExportOptions::default().series(SeriesRange::last_days(3)));
    let (mut records, mut failed) = (Vec::new(), Vec::new());
    while let Some(item) = export.next().await {
        match item {
            Ok(record) => records.push((record.summary.id.clone(), record.series.map(|s| s.len()))),
            Err(e) => failed.push(e.segment.unwrap().id),
        }
    }
    records.sort();
    assert_eq!(records, [("seg-1".to_owned(), Some(1)), ("seg-2".to_owned(), None)]);
    assert_eq!(export.untracked(), ["seg-2"]);
    // Any other failure of the series fails the record: a resume fetches it again.
    assert_eq!(failed, ["seg-3"]);
}
