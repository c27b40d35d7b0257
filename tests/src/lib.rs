//! Helpers shared by the end-to-end tests.

use std::time::Duration;

use braze_segments::{Client, ClientBuilder, RetryPolicy};
use httpmock::MockServer;

/// The key every test uses; tests assert it never shows up where it must not.
pub const KEY: &str = "test-key-SECRET-5f1c2d";

/// A segment id as Braze makes them.
pub const SEGMENT_ID: &str = "6d68ea15-26c4-4109-835a-65b81773a5e2";

/// The default policy with millisecond backoff, so retry tests do not sleep for long.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// A builder pointed at `server` with [`KEY`] and [`fast_policy`].
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .endpoint(server.base_url())
        .retry(fast_policy())
}

/// A client pointed at `server` with [`KEY`] and [`fast_policy`].
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("valid test configuration")
}

/// A loopback URL nothing listens on (a port that was just free), for connection failures.
pub fn unused_loopback_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

/// The full documented details body.
pub fn full_details_json() -> serde_json::Value {
    serde_json::json!({
        "message": "success",
        "created_at": "2024-07-25T13:50:47Z",
        "updated_at": "2024-07-26T08:00:00Z",
        "name": "Lapsed Users - 7 days",
        "description": "Last used app more than 7 days ago",
        "text_description": "People we are losing",
        "tags": ["retention"],
        "teams": ["Growth"]
    })
}

/// Calls `segment_details(SEGMENT_ID)` on a clone of `sdk` in the background; once `first`
/// (the failing answer under test) has been served, replaces it with a plain success. Returns
/// the call's result and how often the success was served.
pub async fn first_answer_then_success(
    server: &MockServer,
    sdk: &Client,
    first: httpmock::Mock<'_>,
) -> (Result<braze_segments::SegmentDetails, braze_segments::Error>, usize) {
    let call = tokio::spawn({
        let sdk = sdk.clone();
        async move { sdk.segment_details(SEGMENT_ID).await }
    });
    while first.calls_async().await == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.delete_async().await;
    let ok = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200).body(r#"{"message":"success"}"#);
    });
    let result = call.await.expect("the call's task");
    (result, ok.calls())
}

pub mod raw;
