//! What the SDK keeps of each response, over real loopback HTTP: every rate-limit figure of the
//! latest response, and the body cap's edge (a body of exactly the cap is read, one byte more is
//! refused).

use braze_segments::{Client, Error};
use braze_segments_tests::raw::{RawReply, RawServer};
use braze_segments_tests::{client, fast_policy, KEY, SEGMENT_ID};
use httpmock::MockServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_rate_limit_holds_every_figure_of_the_latest_response() {
    let server = MockServer::start_async().await;
    // 2100-01-01T00:00:00Z: with figures left, a reset that far off closes nothing.
    let reset = 4_102_444_800;
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .header("x-ratelimit-limit", "250000")
            .header("x-ratelimit-remaining", "249873")
            .header("x-ratelimit-reset", reset.to_string())
            .body(r#"{"message":"success"}"#);
    });
    let sdk = client(&server);
    assert_eq!(sdk.last_rate_limit(), None, "nothing seen before the first response");
    sdk.segment_details(SEGMENT_ID).await.unwrap();
    let seen = sdk.last_rate_limit().expect("the response's figures");
    assert_eq!(
        (seen.limit, seen.remaining, seen.reset_at.map(|at| at.timestamp())),
        (Some(250_000), Some(249_873), Some(reset))
    );
}

/// A details body of exactly `len` bytes.
fn details_of_len(len: usize) -> Vec<u8> {
    let (head, tail) = (r#"{"message":"success","name":""#, r#""}"#);
    let mut body = head.as_bytes().to_vec();
    body.resize(len - tail.len(), b'n');
    body.extend_from_slice(tail.as_bytes());
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_of_exactly_the_cap_is_read_and_one_byte_more_is_refused() {
    const LIMIT: usize = 4096;
    let server = RawServer::start(RawReply::Close).await;
    let sdk = Client::builder()
        .api_key(KEY)
        .endpoint(server.url())
        .max_body_bytes(LIMIT)
        .retry(fast_policy())
        .build()
        .unwrap();
    let json = [("content-type", "application/json")];
    server.set(RawServer::response(200, &json, &details_of_len(LIMIT)));
    let details = sdk.segment_details(SEGMENT_ID).await.unwrap();
    assert_eq!(details.name.map(|name| name.len()), Some(LIMIT - 31));
    server.set(RawServer::response(200, &json, &details_of_len(LIMIT + 1)));
    let err = sdk.segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == LIMIT),
        "{err:?}"
    );
}
