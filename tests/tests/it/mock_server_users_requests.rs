//! The stand-in's users export endpoints over real HTTP (plain reqwest, never the SDK): what
//! they refuse and how, the key, faults and budget as on every endpoint, methods, the users.

use crate::mock_users;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use braze_segments_api::types;
use braze_segments_mock_server::{Endpoint, Fault, FaultConfig, MockConfig, RateLimitConfig};
use mock_users::{members, StandIn, CANCEL, EXPORT};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_get_400_with_braze_s_message() {
    let s = StandIn::start(MockConfig::default()).await;
    let known = s.segment(0);
    let archived = s.segment(1);
    assert!(s.braze.archive_segment(&archived));
    let fields = json!(["email"]);
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "The request body is not valid JSON"),
        ("".into(), "The request body is not valid JSON"),
        ("[1]".into(), "The request body must be a JSON object"),
        ("{}".into(), "segment_id must be a string"),
        (
            json!({"segment_id": "", "fields_to_export": fields}).to_string(),
            "segment_id must be",
        ),
        (
            json!({"segment_id": 5, "fields_to_export": fields}).to_string(),
            "segment_id must be",
        ),
        (
            json!({"segment_id": "nope", "fields_to_export": fields}).to_string(),
            "segment_id must be",
        ),
        (
            json!({"segment_id": archived, "fields_to_export": fields}).to_string(),
            "segment_id must be",
        ),
        (
            json!({"segment_id": known}).to_string(),
            "fields_to_export must be a non-empty array",
        ),
        (
            json!({"segment_id": known, "fields_to_export": []}).to_string(),
            "fields_to_export must be a non-empty",
        ),
        (
            json!({"segment_id": known, "fields_to_export": "email"}).to_string(),
            "fields_to_export must be",
        ),
        (
            json!({"segment_id": known, "fields_to_export": [1]}).to_string(),
            "fields_to_export must be",
        ),
        (
            json!({"segment_id": known, "fields_to_export": [" "]}).to_string(),
            "blank field name",
        ),
        (
            json!({"segment_id": known, "fields_to_export": fields, "callback_endpoint": "http://x.example/cb"})
                .to_string(),
            "https",
        ),
        (
            json!({"segment_id": known, "fields_to_export": fields, "callback_endpoint": "nope"}).to_string(),
            "https",
        ),
        (
            json!({"segment_id": known, "fields_to_export": fields, "callback_endpoint": 5}).to_string(),
            "https",
        ),
        (
            json!({"segment_id": known, "fields_to_export": fields, "output_format": "zip"}).to_string(),
            "own storage bucket",
        ),
        (
            json!({"segment_id": known, "fields_to_export": fields, "output_format": "rar"}).to_string(),
            "zip or gzip",
        ),
        (
            json!({"segment_id": known, "fields_to_export": fields, "extra": 1}).to_string(),
            "Invalid request body",
        ),
        (
            format!(
                r#"{{"segment_id":"{known}","fields_to_export":["{}"]}}"#,
                "x".repeat(70_000)
            ),
            "larger than 65536",
        ),
    ];
    for (body, expected) in cases {
        let answer = s.post_raw(EXPORT, body.clone()).await;
        assert_eq!(
            (answer.status, answer.content_type.as_str()),
            (400, "application/json"),
            "{body:.80}"
        );
        let error: types::BrazeError = serde_json::from_slice(&answer.body).unwrap();
        assert!(error.message.contains(expected), "{body:.80}: {}", error.message);
    }
    for (body, expected) in [
        (json!({}), "segment_id must be"),
        (json!({"segment_id": "nope"}), "segment_id must be"),
        (json!({"segment_id": known, "x": 1}), "Invalid request body"),
        (json!({"segment_id": known}), "No export in progress"),
    ] {
        let answer = s.post(CANCEL, &body).await;
        assert_eq!(answer.status, 400, "{body}");
        assert!(
            answer.json()["message"].as_str().unwrap().contains(expected),
            "{}",
            answer.text()
        );
    }
    // A valid start after all that: nothing above started one.
    s.export(&known, &["email"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_faults_and_budget_apply_as_on_every_endpoint() {
    let s = StandIn::start(MockConfig {
        rate_limit: Some(RateLimitConfig {
            limit: 2,
            window: Duration::from_secs(3600),
            ..RateLimitConfig::default()
        }),
        ..MockConfig::default()
    })
    .await;
    let body = json!({"segment_id": s.segment(0), "fields_to_export": ["email"]}).to_string();
    for path in [EXPORT, CANCEL] {
        let request = s.http.post(format!("{}{path}", s.braze.url())).body(body.clone());
        let refused = mock_users::answer(request).await;
        assert_eq!(refused.status, 401, "{path}");
    }
    assert_eq!(s.braze.counters().unauthorized(), 2);
    let started = s.post_raw(EXPORT, body.clone()).await;
    assert_eq!(started.status, 201, "{}", started.text());
    assert_eq!(started.headers["x-ratelimit-remaining"], "1");
    let cancel = json!({"segment_id": s.segment(0)});
    assert_eq!(s.post(CANCEL, &cancel).await.status, 200);
    let spent = s.post_raw(EXPORT, body.clone()).await;
    assert_eq!(
        (spent.status, spent.json()["message"].as_str()),
        (429, Some("API rate limit exceeded"))
    );
    assert_eq!(s.braze.counters().requests(Endpoint::UsersExportSegment), 3);
    assert_eq!(s.braze.counters().requests(Endpoint::ExportSegmentCancel), 2);
    assert_eq!(s.braze.counters().requests_for_segment(&s.segment(0)), 2, "bodies read");

    let s = StandIn::start(MockConfig {
        faults: FaultConfig {
            rate: 1.0,
            kinds: vec![Fault::ServerError],
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    })
    .await;
    for path in [EXPORT, CANCEL] {
        let failed = s.post_raw(path, body.clone()).await;
        assert_eq!(
            (failed.status, failed.json()["message"].as_str()),
            (500, Some("Internal Server Error"))
        );
    }
    assert_eq!(
        s.braze
            .counters()
            .faults_at(Endpoint::UsersExportSegment, Fault::ServerError),
        1
    );
    assert_eq!(
        s.braze
            .counters()
            .faults_at(Endpoint::ExportSegmentCancel, Fault::ServerError),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_path_answers_its_own_methods() {
    let s = StandIn::start(MockConfig::default()).await;
    for (path, wrong, allow) in [
        (EXPORT, "GET", "POST"),
        (CANCEL, "PUT", "POST"),
        (EXPORT, "HEAD", "POST"),
        ("/segments/list", "POST", "GET, HEAD"),
    ] {
        let request = s
            .http
            .request(wrong.parse().unwrap(), format!("{}{path}", s.braze.url()));
        let refused = mock_users::answer(request.bearer_auth(s.braze.api_key())).await;
        assert_eq!(refused.status, 405, "{wrong} {path}");
        assert_eq!(refused.headers["allow"], allow, "{wrong} {path}");
    }
    let listed = mock_users::answer(
        s.http
            .get(format!("{}/segments/list", s.braze.url()))
            .bearer_auth(s.braze.api_key()),
    )
    .await;
    assert_eq!(listed.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_awkward_as_braze_s_may_be_and_the_same_for_a_seed() {
    let every = [
        "external_id",
        "braze_id",
        "user_aliases",
        "first_name",
        "last_name",
        "email",
        "phone",
        "dob",
        "country",
        "home_city",
        "language",
        "time_zone",
        "gender",
        "last_coordinates",
        "total_revenue",
        "random_bucket",
        "push_subscribe",
        "email_subscribe",
        "created_at",
        "attributed_source",
        "custom_attributes",
        "custom_events",
        "purchases",
        "devices",
        "apps",
    ];
    let config = || MockConfig {
        users_per_segment: Some(3_000),
        users_export_ready_after: Duration::ZERO,
        ..MockConfig::default()
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let s = StandIn::start(config()).await;
        let url = s.export_url(&s.segment(0), &every).await;
        let archive = s.get(&url).await;
        let users: Vec<_> = members(&archive.body).into_iter().flat_map(|(_, u)| u).collect();
        runs.push(users);
    }
    assert_eq!(runs[0], runs[1], "the same seed, the same users");
    let users = &runs[0];
    assert_eq!(users.len(), 3_000);
    let text: Vec<String> = users.iter().map(|u| Value::Object(u.clone()).to_string()).collect();
    let any = |f: &dyn Fn(&serde_json::Map<String, Value>, &str) -> bool| users.iter().zip(&text).any(|(u, t)| f(u, t));
    assert!(any(&|u, _| u.get("first_name").is_some_and(Value::is_null)), "a null");
    assert!(
        any(&|u, _| !u.contains_key("external_id") && u.contains_key("braze_id")),
        "no external_id"
    );
    assert!(any(&|u, _| !u.contains_key("email")), "a missing field");
    for needle in [
        "=HYPERLINK(",
        "\"+1\"",
        "\"-2\"",
        "\"@x\"",
        "🎉",
        "مريم",
        "\\n",
        "\\\"",
        "\\\\",
        "+0000\"",
        "\"\"",
    ] {
        assert!(any(&|_, t| t.contains(needle)), "{needle}");
    }
    assert!(
        any(&|u, _| u
            .get("custom_attributes")
            .is_some_and(|c| c["address"]["geo"].is_object())),
        "nested custom attributes"
    );
    assert!(
        any(&|u, _| u.get("custom_events").is_some_and(|e| e[0]["count"].is_u64())),
        "custom events"
    );
    assert!(
        any(&|u, _| u.get("user_aliases").is_some_and(|a| a[0]["alias_label"] == "crm_id")),
        "aliases"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_users_are_served_and_read() {
    let s = StandIn::start(MockConfig {
        users_export_ready_after: Duration::ZERO,
        ..MockConfig::default()
    })
    .await;
    let segment = s.segment(3);
    s.braze.set_users_in_segment(&segment, 100_000);
    let url = s.export_url(&segment, &["external_id", "braze_id", "first_name"]).await;
    let started = Instant::now();
    let archive = s.get(&url).await;
    eprintln!(
        "100,000 users: {} bytes served in {:?}",
        archive.body.len(),
        started.elapsed()
    );
    let members = members(&archive.body);
    assert_eq!(members.len(), 20);
    let mut braze_ids = HashSet::new();
    for (_, users) in &members {
        assert_eq!(users.len(), 5_000);
        for user in users {
            assert!(braze_ids.insert(user["braze_id"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(braze_ids.len(), 100_000);
}
