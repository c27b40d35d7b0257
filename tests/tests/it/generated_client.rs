//! The generated client against a real HTTP server (httpmock, through the generated typed helpers):
//! every field parses, auth is sent, query values arrive intact, error bodies surface.

use braze_segments::SeriesRange;
use braze_segments_api::types;
use braze_segments_httpmock::MockServerExt;
use braze_segments_tests::{client, full_details_json, KEY, SEGMENT_ID};
use httpmock::MockServer;

fn details(value: serde_json::Value) -> types::SegmentDetails {
    serde_json::from_value(value).unwrap()
}

fn braze_error(message: &str) -> types::BrazeError {
    serde_json::from_value(serde_json::json!({"message": message})).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_parse_every_field_and_send_the_bearer_key() {
    let server = MockServer::start_async().await;
    let mock = server.get_segment_details(|when, then| {
        let when = when.segment_id(&SEGMENT_ID.parse().unwrap());
        when.into_inner()
            .header("authorization", format!("Bearer {KEY}"))
            .header("accept", "application/json")
            .header_missing("api-version");
        then.ok(&details(full_details_json()));
    });
    let response = client(&server)
        .api()
        .get_segment_details()
        .segment_id(SEGMENT_ID)
        .send()
        .await
        .unwrap();
    mock.assert();
    let d = response.into_inner();
    assert_eq!(d.message, "success");
    assert_eq!(d.name.as_deref(), Some("Lapsed Users - 7 days"));
    assert_eq!(d.description.as_deref(), Some("Last used app more than 7 days ago"));
    assert_eq!(d.text_description.as_deref(), Some("People we are losing"));
    assert_eq!(d.tags, Some(vec![Some("retention".to_owned())]));
    assert_eq!(d.teams, Some(vec![Some("Growth".to_owned())]));
    // Timestamps stay text in the generated type (Braze's "ISO 8601" is loose); the SDK reads them.
    assert_eq!(d.created_at.as_deref(), Some("2024-07-25T13:50:47Z"));
    assert_eq!(d.updated_at.as_deref(), Some("2024-07-26T08:00:00Z"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_reads_the_same_fields_tolerating_nulls_absences_and_unknowns() {
    let server = MockServer::start_async().await;
    server.get_segment_details(|when, then| {
        when.segment_id(&"sparse".parse().unwrap());
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(r#"{"tags":["a",null,"b"],"name":null,"teams":null,"brand_new_field":[1,2],"message":"success"}"#);
    });
    server.get_segment_details(|when, then| {
        when.segment_id(&SEGMENT_ID.parse().unwrap());
        then.ok(&details(full_details_json()));
    });
    let sdk = client(&server);
    let sparse = sdk.segment_details("sparse").await.unwrap();
    assert_eq!(sparse.tags, ["a", "b"]);
    assert!(sparse.teams.is_empty());
    assert_eq!(sparse.name, None);
    assert_eq!(sparse.created_at, None);
    assert_eq!(sparse.extra["brand_new_field"], serde_json::json!([1, 2]));

    let full = sdk.segment_details(SEGMENT_ID).await.unwrap();
    assert_eq!(full.tags, ["retention"]);
    assert_eq!(full.teams, ["Growth"]);
    assert_eq!(full.text_description.as_deref(), Some("People we are losing"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_and_data_series_parse_every_field() {
    let server = MockServer::start_async().await;
    let list = server.get_segments_list(|when, then| {
        when.page(1).sort_direction(types::SortDirection::Desc);
        then.ok(&serde_json::from_value(serde_json::json!({
            "segments": [
                {"id": "6d68ea15-26c4-4109-835a-65b81773a5e2", "name": "Lapsed Users - 7 days",
                 "analytics_tracking_enabled": true, "tags": []},
                {"id": "0f2a3e4c-5b6d-4e7f-8a9b-0c1d2e3f4a5b", "name": "VIP, Europe",
                 "analytics_tracking_enabled": false, "tags": ["vip", null]}
            ],
            "message": "success"
        }))
        .unwrap());
    });
    let series = server.get_segment_data_series(|when, then| {
        when.segment_id(&SEGMENT_ID.parse().unwrap())
            .length(std::num::NonZeroU8::new(3).unwrap())
            // Sent as RFC 3339 with the offset it was given.
            .ending_at("2024-07-25T23:59:59-05:00");
        then.ok(&serde_json::from_value(serde_json::json!({
            "message": "success",
            "data": [{"time": "2024-07-23", "size": 11873}, {"time": "2024-07-24", "size": 12004},
                     {"time": "2024-07-25", "size": 12130}]
        }))
        .unwrap());
    });
    let sdk = client(&server);
    let page = sdk
        .segments_page_with_meta(1, braze_segments::SortDirection::Desc)
        .await
        .unwrap();
    list.assert();
    assert_eq!((page.status, page.attempts), (200, 1));
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.value[1].id, "0f2a3e4c-5b6d-4e7f-8a9b-0c1d2e3f4a5b");
    assert_eq!(page.value[1].name.as_deref(), Some("VIP, Europe"));
    assert_eq!(page.value[1].analytics_tracking_enabled, Some(false));
    assert_eq!(page.value[1].tags, ["vip"]);
    assert_eq!(page.value[0].analytics_tracking_enabled, Some(true));

    let ending_at = chrono::DateTime::parse_from_rfc3339("2024-07-25T23:59:59-05:00").unwrap();
    let series_response = sdk
        .segment_data_series_with_meta(SEGMENT_ID, SeriesRange::last_days(3).ending_at(ending_at))
        .await
        .unwrap();
    series.assert();
    assert_eq!((series_response.status, series_response.attempts), (200, 1));
    // The plain calls give the same values.
    assert_eq!(
        sdk.segments_page(1, braze_segments::SortDirection::Desc).await.unwrap(),
        page.value
    );
    let points = sdk
        .segment_data_series(SEGMENT_ID, SeriesRange::last_days(3).ending_at(ending_at))
        .await
        .unwrap();
    assert_eq!(points, series_response.value);
    assert_eq!(points.len(), 3);
    assert_eq!((points[0].time.raw(), points[0].size), ("2024-07-23", 11873));
    assert_eq!((points[2].time.raw(), points[2].size), ("2024-07-25", 12130));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awkward_segment_ids_arrive_intact() {
    let server = MockServer::start_async().await;
    let sdk = client(&server);
    for id in [
        "a&b=c",
        "plus+sign",
        "with space",
        "hash#tag",
        "slash/ed",
        "ünïcødé-セグメント",
        "%41 literal",
        "?q=1",
    ] {
        // httpmock matches the decoded query value, so a hit proves the server saw `id` exactly.
        let mut mock = server.get_segment_details(|when, then| {
            when.segment_id(&id.parse().unwrap());
            then.ok(&details(serde_json::json!({"message": "success", "name": id})));
        });
        let got = sdk.segment_details(id).await.unwrap();
        assert_eq!(got.name.as_deref(), Some(id));
        mock.assert();
        mock.delete();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_error_statuses_surface_with_status_and_message() {
    let server = MockServer::start_async().await;
    let cases: [(u16, &str); 6] = [
        (400, "segment_id must be a string of the Segment api identifier"),
        (401, "Invalid API key: non-existent"),
        (403, "Access Denied"),
        (404, "Not Found"),
        (429, "API rate limit exceeded"),
        (500, "Internal Server Error"),
    ];
    for (status, message) in cases {
        let id = format!("status-{status}");
        server.get_segment_details(|when, then| {
            when.segment_id(&id.parse().unwrap());
            let body = braze_error(message);
            match status {
                400 => then.bad_request(&body),
                401 => then.unauthorized(&body),
                403 => then.forbidden(&body),
                404 => then.not_found(&body),
                429 => then.too_many_requests(&body),
                _ => then.server_error(status, &body),
            };
        });
        // The generated client: a typed ErrorResponse with status and body.
        let raw = client(&server)
            .api()
            .get_segment_details()
            .segment_id(id.as_str())
            .send()
            .await;
        match raw {
            Err(braze_segments_api::Error::ErrorResponse(value)) => {
                assert_eq!(value.status().as_u16(), status);
                assert_eq!(value.into_inner().message, message);
            }
            other => panic!("{status}: expected ErrorResponse, got {other:?}"),
        }
        // The SDK (no retries here): the status and Braze's message.
        let sdk = braze_segments_tests::builder(&server)
            .retry(braze_segments::RetryPolicy::none())
            .build()
            .unwrap();
        let err = sdk.segment_details(&id).await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{err}");
        assert!(err.to_string().contains(message), "{status}: {err}");
    }
}
