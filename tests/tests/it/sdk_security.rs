//! The key stays secret: never printed, never sent anywhere but the configured origin.

use braze_segments::{Client, Error, RetryPolicy};
use braze_segments_tests::{builder, client, KEY, SEGMENT_ID};
use httpmock::MockServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_never_appears_in_debug_display_or_errors() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(401).body(r#"{"message":"Invalid API key: non-existent"}"#);
    });
    let b = builder(&server);
    assert!(!format!("{b:?}").contains(KEY), "{b:?}");
    let sdk = b.build().unwrap();
    assert!(!format!("{sdk:?}").contains(KEY));
    assert!(format!("{sdk:?}").contains("***"));
    assert!(!format!("{:?}", sdk.api()).contains(KEY), "{:?}", sdk.api());

    let mut errors: Vec<Error> = vec![sdk.segment_details(SEGMENT_ID).await.unwrap_err()];
    errors.push(sdk.segment_details("").await.unwrap_err());
    errors.push(
        Client::builder()
            .api_key(KEY)
            .endpoint("http://example.com")
            .build()
            .unwrap_err(),
    );
    errors.push(
        Client::builder()
            .api_key(format!("{KEY}\nX-Evil: 1"))
            .instance(braze_segments::Instance::Us01)
            .build()
            .unwrap_err(),
    );
    let unreachable = Client::builder()
        .api_key(KEY)
        .endpoint(braze_segments_tests::unused_loopback_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    errors.push(unreachable.segment_details(SEGMENT_ID).await.unwrap_err());
    for err in &errors {
        let mut texts = vec![err.to_string(), format!("{err:?}")];
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            texts.push(s.to_string());
            texts.push(format!("{s:?}"));
            source = s.source();
        }
        for text in texts {
            assert!(!text.contains(KEY), "the key leaked: {text}");
        }
    }
}

#[test]
fn a_key_with_a_newline_is_refused_without_echoing_it() {
    let err = Client::builder()
        .api_key(format!("{KEY}\nX-Evil: 1"))
        .instance(braze_segments::Instance::Us01)
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains(KEY), "{err}");
    assert!(!format!("{err:?}").contains(KEY), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_a_remote_host_is_refused_before_any_request() {
    for endpoint in [
        "http://rest.iad-01.braze.com",
        "http://192.0.2.1:8080",
        "http://[2001:db8::1]",
    ] {
        let err = Client::builder().api_key(KEY).endpoint(endpoint).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{endpoint}: {err:?}");
        assert!(err.to_string().contains("http is allowed only for loopback"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_host_does_not_carry_the_key() {
    let braze = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    // `localhost` and `127.0.0.1` are different hosts (and the ports differ too).
    let target = format!(
        "http://localhost:{}/segments/details?segment_id={SEGMENT_ID}",
        elsewhere.port()
    );
    braze.mock(|when, then| {
        when.path("/segments/details");
        then.status(307).header("location", target.as_str());
    });
    let with_key = elsewhere.mock(|when, then| {
        when.header_exists("authorization");
        then.status(200).body(r#"{"message":"success","name":"stolen"}"#);
    });
    let without_key = elsewhere.mock(|when, then| {
        when.header_missing("authorization");
        then.status(200).body(r#"{"message":"success","name":"elsewhere"}"#);
    });

    // The SDK's own HTTP client does not follow a redirect off the configured origin.
    let err = client(&braze).segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 307, message, .. } if message.contains("not followed")),
        "{err:?}"
    );
    assert_eq!(with_key.calls() + without_key.calls(), 0);

    // A caller's own reqwest client follows it, and the key is still left behind.
    let custom = builder(&braze).http_client(reqwest::Client::new()).build().unwrap();
    let followed = custom.segment_details(SEGMENT_ID).await.unwrap();
    assert_eq!(followed.name.as_deref(), Some("elsewhere"));
    assert_eq!(with_key.calls(), 0, "the key went to another host");
    assert_eq!(without_key.calls(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_origin_redirects_keep_working() {
    let braze = MockServer::start_async().await;
    braze.mock(|when, then| {
        when.path("/old/segments/details");
        then.status(308)
            .header("location", format!("/segments/details?segment_id={SEGMENT_ID}"));
    });
    let moved = braze.mock(|when, then| {
        when.path("/segments/details")
            .header("authorization", format!("Bearer {KEY}"));
        then.status(200).body(r#"{"message":"success","name":"moved"}"#);
    });
    let sdk = Client::builder()
        .api_key(KEY)
        .endpoint(braze.url("/old"))
        .build()
        .unwrap();
    assert_eq!(
        sdk.segment_details(SEGMENT_ID).await.unwrap().name.as_deref(),
        Some("moved")
    );
    assert_eq!(moved.calls(), 1);
}
