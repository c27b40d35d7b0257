//! The users export end to end over loopback HTTP: the SDK starts an export on the stand-in,
//! waits for its link on the stand-in's storage host (another origin), downloads the archive to
//! a temporary file and reads the users; expiry, one export per segment, cancel, links the SDK
//! refuses, and the key never reaching the storage host.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use braze_segments::{
    ArchiveError, ArchiveLimits, Client, DownloadError, DownloadOptions, DownloadProgress, Error, UserRecord,
    UsersExport, UsersExportJob,
};
use braze_segments_mock_server::{Endpoint, MockBraze, MockConfig, ServedArchive};
use futures::StreamExt as _;

const FIELDS: [&str; 4] = ["external_id", "email", "first_name", "custom_attributes"];

fn config() -> MockConfig {
    MockConfig {
        segments: 5,
        rate_limit: None,
        users_export_ready_after: Duration::ZERO,
        ..MockConfig::default()
    }
}

async fn stand_in(config: MockConfig) -> (MockBraze, Client) {
    let braze = MockBraze::start(config).await.unwrap();
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(braze_segments_tests::fast_policy())
        .build()
        .unwrap();
    (braze, client)
}

/// Polls every few milliseconds, for at most `wait`.
fn quick(wait: Duration) -> DownloadOptions {
    DownloadOptions::default()
        .poll_interval(Duration::from_millis(5), Duration::from_millis(20))
        .max_wait(wait)
        .request_timeout(Duration::from_secs(10))
}

async fn read_all(
    client: &Client,
    job: &UsersExportJob,
    limits: ArchiveLimits,
) -> (Vec<UserRecord>, Vec<ArchiveError>) {
    let archive = client
        .download_users_export(job, &quick(Duration::from_secs(20)), |_| {})
        .await
        .unwrap();
    let mut users = archive.users(limits);
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    while let Some(item) = users.next().await {
        match item {
            Ok(user) => ok.push(user),
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

#[tokio::test]
async fn the_users_of_a_segment_arrive_typed_after_the_link_is_ready() {
    let (braze, client) = stand_in(MockConfig {
        users_export_ready_after_polls: 3,
        ..config()
    })
    .await;
    let segment = braze.segments()[0].id.clone();
    braze.set_users_in_segment(&segment, 12_345);

    let job = client
        .start_users_export(&UsersExport::new(&segment, FIELDS))
        .await
        .unwrap();
    assert!(job.object_prefix().is_some());
    let link = job
        .download_url()
        .expect("a link: the stand-in has no bucket of the workspace's");
    assert!(!link.starts_with(braze.url()), "the link is on another origin: {link}");

    let polls = Arc::new(Mutex::new(Vec::new()));
    let seen = polls.clone();
    let archive = client
        .download_users_export(&job, &quick(Duration::from_secs(20)), move |p| {
            if let DownloadProgress::Waiting { polls, .. } = p {
                seen.lock().unwrap().push(polls);
            }
        })
        .await
        .unwrap();
    // Not ready for the first three polls: three waits were reported, the fourth poll got it.
    assert_eq!(*polls.lock().unwrap(), [1, 2, 3]);
    assert!(!archive.is_empty());

    let mut users = archive.users(ArchiveLimits::default());
    let (mut count, mut with_external_id) = (0u64, 0u64);
    while let Some(user) = users.next().await {
        let user = user.unwrap();
        count += 1;
        with_external_id += u64::from(user.external_id.is_some());
        for field in user.extra.keys() {
            assert!(
                FIELDS.contains(&field.as_str()),
                "only asked fields are exported, not {field}"
            );
        }
        assert!(user.last_name.is_none() && user.dob.is_none(), "not asked: {user:?}");
    }
    assert_eq!(count, 12_345);
    // Most users have an external id (the stand-in leaves some with a braze_id only).
    assert!(with_external_id > count / 2, "{with_external_id}");

    // The storage host saw every poll and download, and never the key.
    let requests = braze.storage_requests();
    assert_eq!(requests.len(), 4, "{requests:?}");
    for request in &requests {
        assert_eq!(request.header("authorization"), None, "{request:?}");
        let all = format!("{request:?}");
        assert!(!all.contains(braze.api_key()), "{all}");
    }
    assert_eq!(braze.counters().requests(Endpoint::UsersExportSegment), 1);
}

#[tokio::test]
async fn gzip_archives_are_read_too() {
    let (braze, client) = stand_in(MockConfig {
        served_archive: ServedArchive::Gzip,
        users_per_segment: Some(7_001),
        ..config()
    })
    .await;
    let segment = braze.segments()[1].id.clone();
    let job = client
        .start_users_export(&UsersExport::new(&segment, FIELDS))
        .await
        .unwrap();
    let (users, errors) = read_all(&client, &job, ArchiveLimits::default()).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(users.len(), 7_001);
}

#[tokio::test]
async fn one_export_per_segment_runs_at_a_time_and_cancel_ends_it() {
    let (braze, client) = stand_in(MockConfig {
        users_export_ready_after: Duration::from_secs(3600),
        ..config()
    })
    .await;
    let segment = braze.segments()[0].id.clone();
    let export = UsersExport::new(&segment, ["external_id"]);
    let first = client.start_users_export(&export).await.unwrap();

    // A 429 (the window's reset an hour away: not waited for), with Braze's message.
    match client.start_users_export(&export).await {
        Err(Error::RateLimited {
            message: Some(message), ..
        }) => assert!(message.contains("already in progress"), "{message}"),
        other => panic!("a second export of the same segment is refused, got {other:?}"),
    }
    // Another segment is not affected.
    let other = braze.segments()[1].id.clone();
    client
        .start_users_export(&UsersExport::new(&other, ["email"]))
        .await
        .unwrap();

    client.cancel_users_export(&segment).await.unwrap();
    // The cancelled export's link never becomes ready: the download gives up after its wait.
    match client
        .download_users_export(&first, &quick(Duration::from_millis(300)), |_| {})
        .await
    {
        Err(DownloadError::NotReady { polls, .. }) => assert!(polls >= 2, "{polls}"),
        other => panic!("expected NotReady, got {other:?}"),
    }
    // Cancelling twice: nothing runs any more.
    assert!(matches!(
        client.cancel_users_export(&segment).await,
        Err(Error::Api { status: 400, .. })
    ));
    // And the segment can be exported again.
    client.start_users_export(&export).await.unwrap();
}

#[tokio::test]
async fn an_expired_link_is_a_typed_error() {
    let (braze, client) = stand_in(MockConfig {
        users_export_ready_after: Duration::from_secs(3600),
        users_export_expiry: Duration::from_secs(1),
        ..config()
    })
    .await;
    let segment = braze.segments()[0].id.clone();
    let job = client
        .start_users_export(&UsersExport::new(&segment, ["external_id"]))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    match client
        .download_users_export(&job, &quick(Duration::from_secs(30)), |_| {})
        .await
    {
        Err(e @ DownloadError::Expired { .. }) => assert!(e.to_string().contains("start a new export"), "{e}"),
        other => panic!("expected Expired, got {other:?}"),
    }
    // It stopped when the link expired, not at the end of the 30-second wait.
    assert!(started.elapsed() < Duration::from_secs(25));
}

#[tokio::test]
async fn an_export_to_the_workspace_s_own_bucket_has_nothing_to_download() {
    let (braze, client) = stand_in(MockConfig {
        own_bucket: true,
        ..config()
    })
    .await;
    let segment = braze.segments()[0].id.clone();
    let job = client
        .start_users_export(&UsersExport::new(&segment, ["external_id"]))
        .await
        .unwrap();
    assert!(job.goes_to_own_bucket());
    assert!(matches!(
        client
            .download_users_export(&job, &quick(Duration::from_secs(1)), |_| {})
            .await,
        Err(DownloadError::OwnBucket)
    ));
    assert!(braze.storage_requests().is_empty());
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let (braze, client) = stand_in(config()).await;
    let empty: [&str; 0] = [];
    for export in [
        UsersExport::new("", ["email"]),
        UsersExport::new("seg", empty),
        UsersExport::new("seg", ["email", "  "]),
        UsersExport::new("seg", ["email"]).callback_endpoint("http://example.com/hook"),
    ] {
        assert!(
            matches!(
                client.start_users_export(&export).await,
                Err(Error::InvalidInput { .. })
            ),
            "{export:?}"
        );
    }
    assert!(matches!(
        client.cancel_users_export(" ").await,
        Err(Error::InvalidInput { .. })
    ));
    assert_eq!(braze.counters().requests(Endpoint::UsersExportSegment), 0);
    assert_eq!(braze.counters().requests(Endpoint::ExportSegmentCancel), 0);
}

#[tokio::test]
async fn a_plain_http_link_is_refused_for_an_https_endpoint() {
    let client = Client::builder()
        .api_key("k")
        .endpoint("https://rest.iad-01.braze.com")
        .build()
        .unwrap();
    for (link, reason) in [
        ("http://bucket.example.com/p.zip?X-Amz-Signature=s3cr3t", "plain http"),
        ("ftp://bucket.example.com/p.zip", "not an http(s) URL"),
        ("not a link", "not a URL"),
    ] {
        let job = UsersExportJob::from_parts("seg", None, Some(link.to_owned()));
        match client
            .download_users_export(&job, &DownloadOptions::default(), |_| {})
            .await
        {
            Err(e @ DownloadError::UnsafeLink { .. }) => {
                let text = e.to_string();
                assert!(text.contains(reason), "{text}");
                assert!(!text.contains("s3cr3t"), "the signature is never shown: {text}");
            }
            other => panic!("{link}: expected UnsafeLink, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_start_answer_that_does_not_decode_never_shows_the_link_s_signature() {
    let server = httpmock::MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST).path("/users/export/segment");
            then.status(201).header("content-type", "application/json").body(
                r#"{"message":"success","object_prefix":5,"url":"https://b.s3.amazonaws.com/p.zip?X-Amz-Signature=SECRETSIG"}"#,
            );
        })
        .await;
    let client = braze_segments_tests::client(&server);
    match client.start_users_export(&UsersExport::new("seg", ["email"])).await {
        Err(e @ Error::Decode { .. }) => {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("SECRETSIG"), "{shown}");
            assert!(shown.contains("https://b.s3.amazonaws.com/p.zip?…"), "{shown}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
