//! Every error variant of the SDK, reached through a real HTTP exchange (or refused before one).

use std::time::Duration;

use braze_segments::{Client, ConfigError, Error, RetryPolicy, SeriesRange};
use braze_segments_httpmock::MockServerExt;
use braze_segments_tests::{builder, client, KEY, SEGMENT_ID};
use httpmock::MockServer;

fn no_retry(server: &MockServer) -> Client {
    builder(server).retry(RetryPolicy::none()).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let sdk = client(&server);
    for bad in ["", "   ", "\t"] {
        let err = sdk.segment_details(bad).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    field: "segment_id",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    for days in [0, 101, 1000] {
        let err = sdk
            .segment_data_series(SEGMENT_ID, SeriesRange::last_days(days))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    field: "length_days",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    assert_eq!(any.calls(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_carry_status_message_details_and_rate_limit() {
    let server = MockServer::start_async().await;
    server.get_segment_details(|when, then| {
        when.segment_id(&"unknown".parse().unwrap());
        then.into_inner()
            .status(400)
            .header("content-type", "application/json")
            .header("X-RateLimit-Limit", "250000")
            .header("X-RateLimit-Remaining", "249000")
            .header("X-RateLimit-Reset", "1721919600")
            .body(r#"{"message":"segment_id must be a string of the Segment api identifier","errors":["bad id",{"field":"segment_id"}]}"#);
    });
    let err = no_retry(&server).segment_details("unknown").await.unwrap_err();
    match &err {
        Error::Api {
            status,
            message,
            errors,
            rate_limit,
            ..
        } => {
            assert_eq!(*status, 400);
            assert_eq!(message, "segment_id must be a string of the Segment api identifier");
            assert_eq!(errors.len(), 2);
            assert_eq!(errors[0].to_string(), "bad id");
            assert_eq!(errors[1].to_string(), r#"{"field":"segment_id"}"#);
            assert_eq!(rate_limit.remaining, Some(249_000));
            assert_eq!(rate_limit.limit, Some(250_000));
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(!err.is_not_found());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_with_empty_rate_limit_headers_is_unauthorized() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(401)
            .header("content-type", "application/json")
            .header("X-RateLimit-Limit", "")
            .header("X-RateLimit-Remaining", "")
            .header("X-RateLimit-Reset", "")
            .body(r#"{"message":"Invalid API key: non-existent"}"#);
    });
    let err = client(&server).segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(err.is_unauthorized(), "{err:?}");
    assert!(err.rate_limit().unwrap().is_empty());
    assert_eq!(err.to_string(), "Braze answered 401: Invalid API key: non-existent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_json_error_bodies_keep_status_and_a_snippet() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.query_param("segment_id", "html");
        then.status(502)
            .header("content-type", "text/html")
            .body("<html><body>502 Bad Gateway</body></html>");
    });
    server.mock(|when, then| {
        when.query_param("segment_id", "empty");
        then.status(503);
    });
    server.mock(|when, then| {
        when.query_param("segment_id", "teapot");
        then.status(418).body("short and stout");
    });
    let sdk = no_retry(&server);
    let err = sdk.segment_details("html").await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 502, .. }), "{err:?}");
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
    let err = sdk.segment_details("empty").await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 503, .. }), "{err:?}");
    assert!(err.to_string().contains("(empty body)"), "{err}");
    let err = sdk.segment_details("teapot").await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 418, .. }), "{err:?}");
    assert!(err.to_string().contains("short and stout"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decode_errors_name_the_json_path() {
    let server = MockServer::start_async().await;
    for (id, body, path) in [
        ("wrong-type", r#"{"message":"success","tags":["ok",42]}"#, "tags[1]"),
        (
            "date-not-text",
            r#"{"message":"success","created_at":1721915447}"#,
            "created_at",
        ),
        ("no-message", r#"{"name":"x"}"#, "."),
        ("truncated", r#"{"message":"succ"#, "message"),
        ("html", "<html>oops</html>", "."),
    ] {
        server.mock(|when, then| {
            when.query_param("segment_id", id);
            then.status(200).header("content-type", "application/json").body(body);
        });
        let err = client(&server).segment_details(id).await.unwrap_err();
        match &err {
            Error::Decode {
                status,
                path: got,
                snippet,
                ..
            } => {
                assert_eq!(*status, 200);
                assert_eq!(got, path, "{id}: {err}");
                assert!(body.starts_with(snippet.as_str()), "{snippet}");
            }
            other => panic!("{id}: expected Decode, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_other_than_success_is_an_error() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"message":"queued"}"#);
    });
    let err = client(&server).segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 200, message, .. } if message == "queued"),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_past_the_cap_are_refused() {
    let server = MockServer::start_async().await;
    let big = format!(r#"{{"message":"success","name":"{}"}}"#, "x".repeat(64 * 1024));
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .header("content-type", "application/json")
            .body(big.clone());
    });
    let capped = builder(&server).max_body_bytes(16 * 1024).build().unwrap();
    let err = capped.segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                status: 200,
                limit: 16384,
                ..
            }
        ),
        "{err:?}"
    );
    // The same body under the default cap is fine.
    let details = client(&server).segment_details(SEGMENT_ID).await.unwrap();
    assert_eq!(details.name.unwrap().len(), 64 * 1024);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_are_typed() {
    let server = MockServer::start_async().await;
    let slow = server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .delay(Duration::from_millis(1500))
            .body(r#"{"message":"success"}"#);
    });
    let sdk = builder(&server)
        .timeout(Duration::from_millis(100))
        .retry(braze_segments_tests::fast_policy().max_attempts(2))
        .build()
        .unwrap();
    let err = sdk.segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 2, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(slow.calls(), 2, "a timed-out attempt is retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_failures_are_transport_errors_with_a_source() {
    let sdk = Client::builder()
        .api_key(KEY)
        .endpoint(braze_segments_tests::unused_loopback_url())
        .retry(braze_segments_tests::fast_policy())
        .build()
        .unwrap();
    let err = sdk.segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some(), "the cause is kept");
    assert!(err.to_string().contains("cannot connect"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_errors_come_before_any_request() {
    let err = Client::builder()
        .api_key(KEY)
        .endpoint("http://rest.iad-01.braze.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::InvalidEndpoint { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("refusing plain http://"), "{err}");
    let err = Client::builder()
        .endpoint("https://rest.iad-01.braze.com")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no API key"), "{err}");
    assert!(matches!(err, Error::Config(ConfigError::MissingApiKey)), "{err:?}");
    let err = Client::builder().api_key(KEY).build().unwrap_err();
    assert!(err.to_string().contains("no endpoint"), "{err}");
    assert!(matches!(err, Error::Config(ConfigError::MissingEndpoint)), "{err:?}");
    let err = Client::builder()
        .api_key("bad\nkey")
        .instance(braze_segments::Instance::Us01)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("not allowed in a header"), "{err}");
    assert!(
        matches!(err, Error::Config(ConfigError::InvalidApiKey { .. })),
        "{err:?}"
    );
}

#[test]
fn from_env_names_each_missing_variable() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    };
    // The variable is named in the text, and typed for code that acts on it.
    let missing = |err: &Error| match err {
        Error::Config(config) => config.missing_variable(),
        _ => None,
    };
    let err = Client::builder()
        .from_lookup(env(&[("BRAZE_REST_ENDPOINT", "US-03")]))
        .unwrap_err();
    assert!(err.to_string().contains("BRAZE_API_KEY"), "{err}");
    assert_eq!(missing(&err), Some(braze_segments::ENV_API_KEY));
    let err = Client::builder()
        .from_lookup(env(&[("BRAZE_API_KEY", KEY)]))
        .unwrap_err();
    assert!(err.to_string().contains("BRAZE_REST_ENDPOINT"), "{err}");
    assert_eq!(missing(&err), Some(braze_segments::ENV_REST_ENDPOINT));
    let err = Client::builder()
        .from_lookup(env(&[("BRAZE_API_KEY", " "), ("BRAZE_REST_ENDPOINT", "US-03")]))
        .unwrap_err();
    assert!(
        err.to_string().contains("BRAZE_API_KEY"),
        "empty counts as missing: {err}"
    );
    assert_eq!(missing(&err), Some(braze_segments::ENV_API_KEY));
    let err = Client::builder()
        .from_lookup(env(&[("BRAZE_API_KEY", KEY), ("BRAZE_REST_ENDPOINT", "US-09")]))
        .unwrap_err();
    assert!(err.to_string().contains("neither a URL nor a Braze instance"), "{err}");
    assert!(
        matches!(err, Error::Config(ConfigError::InvalidEndpoint { .. })),
        "{err:?}"
    );
    let sdk = Client::builder()
        .from_lookup(env(&[("BRAZE_API_KEY", KEY), ("BRAZE_REST_ENDPOINT", "eu-02")]))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(sdk.endpoint(), "https://rest.fra-02.braze.eu");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_or_archived_segment_is_told_apart_from_other_400s() {
    // The stand-in answers an unknown id, and one archived, as Braze does: a 400 about the id.
    let braze = braze_segments_mock_server::MockBraze::start(braze_segments_mock_server::MockConfig {
        segments: 3,
        ..Default::default()
    })
    .await
    .unwrap();
    let sdk = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .build()
        .unwrap();
    let archived = braze.segments()[1].id.clone();
    assert!(braze.archive_segment(&archived));
    for id in ["no-such-segment", archived.as_str()] {
        let err = sdk.segment_details(id).await.unwrap_err();
        assert!(err.is_unknown_segment(), "{id}: {err:?}");
        assert_eq!(err.status(), Some(400));
    }
    let known = braze.segments()[0].id.clone();
    assert!(sdk.segment_details(&known).await.is_ok());
    braze.shutdown().await;

    // Another 400 (not about the segment), a 403, and a refusal before any request are not.
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(400)
            .header("content-type", "application/json")
            .body(r#"{"message":"Invalid request"}"#);
    });
    let err = no_retry(&server).segment_details(SEGMENT_ID).await.unwrap_err();
    assert!(!err.is_unknown_segment(), "{err:?}");
    assert!(!no_retry(&server)
        .segment_details(" ")
        .await
        .unwrap_err()
        .is_unknown_segment());
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(404)
            .header("content-type", "application/json")
            .body(r#"{"message":"Not Found"}"#);
    });
    assert!(no_retry(&server)
        .segment_details(SEGMENT_ID)
        .await
        .unwrap_err()
        .is_unknown_segment());
}
