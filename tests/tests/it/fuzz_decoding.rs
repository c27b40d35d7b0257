//! Property tests: arbitrary bytes and arbitrary JSON, served over a real loopback connection
//! with assorted statuses, never make the SDK panic; each becomes a value or a typed error that
//! fits the status.

use std::time::Duration;

use braze_segments::{Client, Error, RetryPolicy};
use braze_segments_tests::raw::{RawReply, RawServer};
use proptest::prelude::*;
use serde_json::Value;

struct Harness {
    runtime: tokio::runtime::Runtime,
    server: RawServer,
    client: Client,
}

impl Harness {
    fn new() -> Harness {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(RawServer::start(RawReply::Close));
        let client = Client::builder()
            .api_key(braze_segments_tests::KEY)
            .endpoint(server.url())
            .max_body_bytes(16 * 1024)
            .timeout(Duration::from_secs(5))
            // One attempt: the property is about decoding, not waiting.
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        Harness {
            runtime,
            server,
            client,
        }
    }

    fn call(&self, status: u16, body: &[u8]) -> Result<braze_segments::SegmentDetails, Error> {
        self.server.set(RawServer::response(
            status,
            &[("content-type", "application/json")],
            body,
        ));
        self.runtime.block_on(self.client.segment_details("fuzz"))
    }
}

fn check(status: u16, result: &Result<braze_segments::SegmentDetails, Error>) -> Result<(), TestCaseError> {
    match result {
        Ok(details) => {
            prop_assert_eq!(status, 200);
            prop_assert!(details.message.trim().eq_ignore_ascii_case("success"));
        }
        Err(Error::Decode { status: got, .. }) => prop_assert_eq!(*got, 200),
        Err(Error::Api { status: got, .. }) => prop_assert_eq!(*got, status),
        Err(Error::RateLimited { .. }) => prop_assert_eq!(status, 429),
        Err(Error::BodyTooLarge { .. }) => {}
        Err(other) => prop_assert!(false, "unexpected error for status {}: {:?}", status, other),
    }
    Ok(())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,20}".prop_map(Value::String),
        Just(Value::String("success".into())),
        Just(Value::String("2024-07-25T13:50:47Z".into())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("message".to_owned()),
                    Just("name".to_owned()),
                    Just("tags".to_owned()),
                    Just("teams".to_owned()),
                    Just("created_at".to_owned()),
                    Just("errors".to_owned()),
                    "[a-z_]{1,12}",
                ],
                inner,
                0..8,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop::sample::select(vec![200u16, 200, 200, 400, 401, 403, 404, 429, 500, 502, 503])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(status in status(), body in prop::collection::vec(any::<u8>(), 0..2048)) {
        let harness = HARNESS.with(|h| h.clone());
        let result = harness.call(status, &body);
        check(status, &result)?;
    }

    #[test]
    fn arbitrary_json_never_panics(status in status(), value in json_value(), with_message in any::<bool>()) {
        let value = match (value, with_message) {
            (Value::Object(mut map), true) => {
                map.insert("message".into(), Value::String("success".into()));
                Value::Object(map)
            }
            (value, _) => value,
        };
        let harness = HARNESS.with(|h| h.clone());
        let result = harness.call(status, &serde_json::to_vec(&value).unwrap());
        check(status, &result)?;
    }
}

/// Timestamps as Braze may write them, and text that is not one at all.
fn timestamp_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{4}-[0-1][0-9]-[0-3][0-9]",
        "[0-9]{4}-[0-1][0-9]-[0-3][0-9][T t][0-2][0-9]:[0-5][0-9](:[0-6][0-9](\\.[0-9]{1,9})?)?(Z|z|[+-][0-2]?[0-9](:?[0-5][0-9])?)?",
        ".{0,30}",
        Just(String::new()),
    ]
}

/// A string array as Braze may send it: names and `null`s.
fn strings_with_nulls() -> impl Strategy<Value = Value> {
    prop::collection::vec(prop_oneof![Just(Value::Null), ".{0,10}".prop_map(Value::String)], 0..6)
        .prop_map(Value::Array)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// One odd field never loses the record: any timestamp text and nulls in any array still
    /// give the segment, with the timestamps' raw text kept.
    #[test]
    fn odd_timestamps_and_nulls_in_arrays_keep_the_record(
        created in timestamp_text(),
        updated in timestamp_text(),
        tags in strings_with_nulls(),
        teams in strings_with_nulls(),
    ) {
        let body = serde_json::json!({
            "message": "success", "name": "kept", "created_at": created, "updated_at": updated,
            "tags": tags, "teams": teams,
        });
        let harness = HARNESS.with(|h| h.clone());
        let details = harness.call(200, &serde_json::to_vec(&body).unwrap());
        prop_assert!(details.is_ok(), "{:?}", details);
        let details = details.unwrap();
        prop_assert_eq!(details.name.as_deref(), Some("kept"));
        prop_assert_eq!(details.created_at.as_ref().map(|t| t.raw()), Some(created.as_str()));
        prop_assert_eq!(details.updated_at.as_ref().map(|t| t.raw()), Some(updated.as_str()));
        let non_null = |v: &Value| v.as_array().unwrap().iter().filter(|i| !i.is_null()).count();
        prop_assert_eq!(details.tags.len(), non_null(&tags));
        prop_assert_eq!(details.teams.len(), non_null(&teams));
    }
}

thread_local! {
    static HARNESS: std::rc::Rc<Harness> = std::rc::Rc::new(Harness::new());
}
