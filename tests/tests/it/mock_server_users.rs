//! The stand-in's users export over real HTTP (plain reqwest, never the SDK): the export's
//! lifecycle, its storage host on another origin, the archive it serves.

use crate::mock_users;

use std::collections::HashSet;
use std::io::Read as _;
use std::time::Duration;

use braze_segments_mock_server::{MockConfig, ServedArchive};
use mock_users::{members, users, StandIn, CANCEL, EXPORT};
use serde_json::json;

/// Ready as soon as the URL was asked `polls` times, whatever the clock.
fn after_polls(polls: u32) -> MockConfig {
    MockConfig {
        users_export_ready_after: Duration::ZERO,
        users_export_ready_after_polls: polls,
        ..MockConfig::default()
    }
}

/// Never ready while a test runs.
fn never_ready() -> MockConfig {
    MockConfig {
        users_export_ready_after: Duration::from_secs(3600),
        ..MockConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_is_served_on_another_origin_after_its_polls() {
    let s = StandIn::start(after_polls(2)).await;
    let segment = s.segment(0);
    s.braze.set_users_in_segment(&segment, 12_345);
    let started = s
        .export(&segment, &["external_id", "braze_id", "email", "no_such_field"])
        .await;
    assert_eq!(started["message"], "success");
    let prefix = started["object_prefix"].as_str().unwrap();
    let url = started["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/exports/{prefix}.zip?X-Amz-Date=", s.braze.storage_url())));
    assert!(url.contains("&X-Amz-Expires=14400&X-Amz-Signature="), "{url}");
    assert_ne!(s.braze.storage_url(), s.braze.url(), "another origin");
    for _ in 0..2 {
        let early = s.get(url).await;
        assert_eq!((early.status, early.s3_code()), (404, "NoSuchKey".to_owned()));
    }
    let head = mock_users::answer(s.http.head(url)).await;
    assert_eq!(
        (head.status, head.body.len()),
        (200, 0),
        "HEAD: as GET, without the body"
    );
    let ready = s.get(url).await;
    assert_eq!((ready.status, ready.content_type.as_str()), (200, "application/zip"));
    assert_eq!(ready.headers["content-length"], ready.body.len().to_string().as_str());
    assert_eq!(head.headers["content-length"], ready.headers["content-length"]);
    let members = members(&ready.body);
    let names: Vec<&str> = members.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, [0, 1, 2].map(|n| format!("{prefix}/{n}.txt")));
    let sizes: Vec<usize> = members.iter().map(|(_, users)| users.len()).collect();
    assert_eq!(sizes, [5000, 5000, 2345]);
    let mut braze_ids = HashSet::new();
    let mut external_ids = HashSet::new();
    for user in members.iter().flat_map(|(_, users)| users) {
        assert!(
            user.keys()
                .all(|k| ["external_id", "braze_id", "email"].contains(&k.as_str())),
            "{user:?}"
        );
        assert!(braze_ids.insert(user["braze_id"].as_str().unwrap().to_owned()));
        if let Some(id) = user.get("external_id") {
            assert!(external_ids.insert(id.as_str().unwrap().to_owned()), "{id}");
        }
    }
    assert!(external_ids.len() < 12_345, "some users have no external_id");
    // Ready stays ready; the same bytes again.
    assert_eq!(s.get(url).await.body, ready.body);
    assert_eq!(s.braze.storage_requests().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polls_alone_do_not_make_it_ready_before_its_time() {
    let s = StandIn::start(never_ready()).await;
    let url = s.export_url(&s.segment(0), &["email"]).await;
    for _ in 0..5 {
        assert_eq!(s.get(&url).await.s3_code(), "NoSuchKey");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_export_per_segment_until_ready_or_cancelled() {
    let s = StandIn::start(never_ready()).await;
    let (first, second) = (s.segment(0), s.segment(1));
    let url = s.export_url(&first, &["email"]).await;
    let again = s
        .post(EXPORT, &json!({"segment_id": first, "fields_to_export": ["email"]}))
        .await;
    // As other clients recorded Braze's answer: a 429, although no rate limit is spent.
    assert_eq!(again.status, 429);
    assert_eq!(
        again.json()["message"],
        "An export is already in progress for this segment. Wait for it to complete before trying again."
    );
    s.export(&second, &["email"]).await;
    let cancelled = s.post(CANCEL, &json!({"segment_id": first})).await;
    assert_eq!(
        (cancelled.status, cancelled.json()),
        (200, json!({"message": "success"}))
    );
    for _ in 0..3 {
        assert_eq!(s.get(&url).await.s3_code(), "NoSuchKey", "cancelled: 404 forever");
    }
    let nothing = s.post(CANCEL, &json!({"segment_id": first})).await;
    assert_eq!(
        (nothing.status, nothing.json()["message"].as_str()),
        (400, Some("No export in progress for this segment."))
    );
    let new_url = s.export_url(&first, &["email"]).await;
    assert_ne!(new_url, url);
    // A ready export frees its segment as well.
    let s = StandIn::start(after_polls(0)).await;
    s.export(&first, &["email"]).await;
    s.export(&first, &["email"]).await;
    let late = s.post(CANCEL, &json!({"segment_id": first})).await;
    assert_eq!(late.status, 400, "nothing runs once ready: {}", late.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_a_hundred_exports_run_at_once() {
    let s = StandIn::start(MockConfig {
        segments: 101,
        ..never_ready()
    })
    .await;
    for n in 0..100 {
        s.export(&s.segment(n), &["email"]).await;
    }
    let body = json!({"segment_id": s.segment(100), "fields_to_export": ["email"]});
    let refused = s.post(EXPORT, &body).await;
    assert_eq!(refused.status, 400);
    assert!(refused.json()["message"]
        .as_str()
        .unwrap()
        .starts_with("100 segment exports"));
    s.post(CANCEL, &json!({"segment_id": s.segment(7)})).await;
    assert_eq!(s.post(EXPORT, &body).await.status, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_or_tampered_url_is_refused() {
    let s = StandIn::start(MockConfig {
        users_export_expiry: Duration::ZERO,
        ..after_polls(0)
    })
    .await;
    let url = s.export_url(&s.segment(0), &["email"]).await;
    let expired = s.get(&url).await;
    assert_eq!((expired.status, expired.s3_code()), (403, "AccessDenied".to_owned()));
    assert!(
        expired.text().contains("<Message>Request has expired</Message>"),
        "{}",
        expired.text()
    );
    let s = StandIn::start(after_polls(0)).await;
    let url = s.export_url(&s.segment(0), &["email"]).await;
    let signature = url.rsplit_once('=').unwrap().1;
    let flipped = if signature.starts_with('0') { "1" } else { "0" };
    for bad in [
        format!("{}{flipped}{}", &url[..url.len() - 64], &signature[1..]),
        url[..url.len() - 1].to_owned(),
        url.replace("X-Amz-Expires=14400", "X-Amz-Expires=99999"),
        url.split_once("&X-Amz-Signature").unwrap().0.to_owned(),
        url.split_once('?').unwrap().0.to_owned(),
    ] {
        let refused = s.get(&bad).await;
        assert_eq!(
            (refused.status, refused.s3_code()),
            (403, "SignatureDoesNotMatch".to_owned()),
            "{bad}"
        );
    }
    let unknown = s.get(&url.replace("/exports/", "/exports/x")).await;
    assert_eq!((unknown.status, unknown.s3_code()), (403, "AccessDenied".to_owned()));
    assert_eq!(s.get(&url).await.status, 200, "the URL as issued");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_storage_host_refuses_a_second_auth_and_records_every_request() {
    let s = StandIn::start(after_polls(0)).await;
    let url = s.export_url(&s.segment(0), &["email"]).await;
    let with_key = mock_users::answer(s.http.get(&url).bearer_auth("the-api-key")).await;
    assert_eq!(
        (with_key.status, with_key.s3_code()),
        (400, "InvalidArgument".to_owned())
    );
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let request = s.http.request(method.parse().unwrap(), &url);
        let refused = mock_users::answer(request).await;
        assert_eq!(
            (refused.status, refused.s3_code()),
            (405, "MethodNotAllowed".to_owned())
        );
        assert_eq!(refused.headers["allow"], "GET, HEAD");
    }
    assert_eq!(s.get(&url).await.status, 200);
    let seen = s.braze.storage_requests();
    let methods: Vec<&str> = seen.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "POST", "PUT", "DELETE", "PATCH", "GET"]);
    assert_eq!(seen[0].header("Authorization"), Some("Bearer the-api-key"));
    assert_eq!(seen[5].header("authorization"), None);
    let path_and_query = url.strip_prefix(s.braze.storage_url()).unwrap();
    assert!(seen.iter().all(|r| r.target == path_and_query), "{seen:?}");
    assert!(seen[5].headers.iter().any(|(name, _)| name == "host"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_its_own_bucket_no_url_is_answered() {
    let s = StandIn::start(MockConfig {
        own_bucket: true,
        ..after_polls(0)
    })
    .await;
    let body = json!({"segment_id": s.segment(0), "fields_to_export": ["email"], "output_format": "gzip"});
    let started = s.post(EXPORT, &body).await;
    assert_eq!(started.status, 201, "{}", started.text());
    let started = started.json();
    assert!(started["object_prefix"].is_string());
    assert!(started.get("url").is_none(), "{started}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_or_chosen_bytes_can_be_served_instead() {
    let s = StandIn::start(after_polls(0)).await;
    let zip_url = s.export_url(&s.segment(0), &["external_id", "braze_id"]).await;
    s.braze.serve_archive(ServedArchive::Gzip);
    let gz_url = s.export_url(&s.segment(1), &["external_id", "braze_id"]).await;
    assert!(gz_url.contains(".gz?"), "{gz_url}");
    s.braze
        .serve_archive(ServedArchive::Bytes(b"PK\x03\x04 not really".to_vec()));
    let bytes_url = s.export_url(&s.segment(2), &["email"]).await;
    let zipped = s.get(&zip_url).await;
    assert_eq!(
        zipped.content_type, "application/zip",
        "started before: kept its archive"
    );
    assert!(!members(&zipped.body).is_empty());
    let gz = s.get(&gz_url).await;
    assert_eq!((gz.status, gz.content_type.as_str()), (200, "application/gzip"));
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(&gz.body[..])
        .read_to_end(&mut text)
        .unwrap();
    let gz_users = users(&text);
    assert!(gz_users.len() >= 200, "{}", gz_users.len());
    assert!(gz_users.iter().all(|u| u.contains_key("braze_id")));
    let chosen = s.get(&bytes_url).await;
    assert_eq!(
        (chosen.status, chosen.body.as_slice()),
        (200, &b"PK\x03\x04 not really"[..])
    );
}
