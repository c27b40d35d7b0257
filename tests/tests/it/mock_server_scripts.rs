//! The stand-in's scripted faults and faults changed while it serves, over real HTTP: a fault
//! for one segment that outlives the retries (and a bulk run that goes on without it), "fail N
//! times then succeed", random faults kept to one endpoint, and changes mid-test.

use std::time::Duration;

use braze_segments::{Client, Error, ExportOptions, RetryPolicy};
use braze_segments_mock_server::{Endpoint, Fault, FaultConfig, MockBraze, MockConfig, Script};
use futures::StreamExt as _;

fn client(braze: &MockBraze, attempts: u32) -> Client {
    Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(
            RetryPolicy::default()
                .max_attempts(attempts)
                .backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

async fn start(config: MockConfig) -> MockBraze {
    MockBraze::start(MockConfig {
        segments: 120,
        ..config
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_that_outlives_the_retries_fails_one_segment_and_the_export_goes_on() {
    let braze = start(MockConfig::default()).await;
    let doomed = braze.segments()[7].id.clone();
    braze.script(Script::fault(Fault::ServerError).on(Endpoint::Details).segment(&doomed));
    let sdk = client(&braze, 3);
    let items: Vec<_> = sdk.export_segments(ExportOptions::default()).collect().await;
    let (records, failures): (Vec<_>, Vec<_>) = items.into_iter().partition(Result::is_ok);
    assert_eq!(records.len(), 119);
    assert_eq!(failures.len(), 1);
    let failure = failures.into_iter().next().unwrap().unwrap_err();
    assert_eq!(failure.segment.as_ref().map(|s| s.id.as_str()), Some(doomed.as_str()));
    assert!(
        matches!(failure.error, Error::Api { status: 500, .. }),
        "{:?}",
        failure.error
    );
    // Every attempt met the script, and nothing else did.
    assert_eq!(braze.counters().faults_at(Endpoint::Details, Fault::ServerError), 3);
    assert_eq!(braze.counters().total_faults(), 3);
    assert_eq!(braze.scripts().len(), 1, "a script without a count stays");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_n_times_then_succeed() {
    let braze = start(MockConfig {
        scripts: vec![Script::fault(Fault::Unavailable).on(Endpoint::List).times(2)],
        ..MockConfig::default()
    })
    .await;
    let id = braze.segments()[0].id.clone();
    let once = client(&braze, 1);
    // The details are not listed, so not scripted.
    once.segment_details(&id).await.unwrap();
    for _ in 0..2 {
        let err = once.segments_page(0, Default::default()).await.unwrap_err();
        assert!(matches!(err, Error::Api { status: 503, .. }), "{err:?}");
    }
    assert_eq!(once.segments_page(0, Default::default()).await.unwrap().len(), 100);
    assert!(braze.scripts().is_empty(), "used up");
    // With retries, the same script is ridden out in one call.
    braze.script(Script::fault(Fault::Unavailable).on(Endpoint::List).times(2));
    assert_eq!(
        client(&braze, 3)
            .segments_page(1, Default::default())
            .await
            .unwrap()
            .len(),
        20
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_change_while_the_stand_in_serves() {
    let braze = start(MockConfig {
        faults: FaultConfig {
            rate: 1.0,
            kinds: vec![Fault::ServerError],
            endpoints: vec![Endpoint::Details],
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    })
    .await;
    let id = braze.segments()[0].id.clone();
    let once = client(&braze, 1);
    // Random faults on the details only.
    assert!(once.segments_page(0, Default::default()).await.is_ok());
    assert!(matches!(
        once.segment_details(&id).await,
        Err(Error::Api { status: 500, .. })
    ));
    // The outage ends mid-test.
    braze.set_faults(FaultConfig::default());
    once.segment_details(&id).await.unwrap();
    // A script added now, then removed.
    braze.script(Script::fault(Fault::Forbidden));
    assert!(matches!(
        once.segments_page(0, Default::default()).await,
        Err(Error::Api { status: 403, .. })
    ));
    braze.clear_scripts();
    assert!(once.segments_page(0, Default::default()).await.is_ok());
    // A request without the key meets no script.
    braze.script(Script::fault(Fault::ServerError));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let status = http
        .get(format!("{}/segments/list", braze.url()))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 401);
}
