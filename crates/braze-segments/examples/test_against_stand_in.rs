//! Testing your own code against the stand-in Braze server
//! (`braze_segments_mock_server::MockBraze`): a real HTTP server on loopback, with a generated
//! dataset you can read, Braze's rate-limit headers, and faults you can turn on.
//!
//! ```sh
//! cargo run -p braze-segments --example test_against_stand_in    # runs the code once
//! cargo test -p braze-segments --example test_against_stand_in   # runs its tests
//! ```
//!
//! In your own crate, add `braze-segments-mock-server` (and `tokio`) to `[dev-dependencies]`
//! and put tests like the ones below beside your code.

use braze_segments::{Client, Error};
use braze_segments_mock_server::{MockBraze, MockConfig};
use futures::TryStreamExt as _;

/// "Your code": the names of the segments that carry `tag`, oldest first. It takes a
/// `Client`, so tests hand it one pointed at the stand-in and production one from the
/// environment.
pub async fn names_tagged(client: &Client, tag: &str) -> Result<Vec<String>, Error> {
    client
        .segments()
        .try_filter(|segment| std::future::ready(segment.tags.iter().any(|t| t == tag)))
        .map_ok(|segment| segment.name.unwrap_or_default())
        .try_collect()
        .await
}

/// A client for `braze`: its key, its loopback URL (plain http:// is accepted for loopback
/// hosts only).
pub fn client_for(braze: &MockBraze) -> Result<Client, Error> {
    Client::builder().api_key(braze.api_key()).endpoint(braze.url()).build()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let braze = MockBraze::start(MockConfig::default()).await?;
    let names = names_tagged(&client_for(&braze)?, "retention").await?;
    println!(
        "{} segments tagged retention, the first: {:?}",
        names.len(),
        names.first()
    );
    braze.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use braze_segments::RetryPolicy;
    use braze_segments_mock_server::{Endpoint, Fault, FaultConfig, Script};

    /// What the stand-in's dataset says the answer is: the expected value of the test comes
    /// from the server's data, not from the code under test.
    fn expected(braze: &MockBraze, tag: &str) -> Vec<String> {
        braze
            .segments()
            .into_iter()
            .filter(|s| s.tags.iter().flatten().any(|t| t == tag))
            .map(|s| s.name)
            .collect()
    }

    #[tokio::test]
    async fn finds_every_tagged_segment_across_pages() {
        // More segments than one page of /segments/list, so paging is exercised.
        let config = MockConfig {
            segments: 250,
            ..MockConfig::default()
        };
        let braze = MockBraze::start(config).await.unwrap();
        let want = expected(&braze, "retention");
        assert!(!want.is_empty());

        let got = names_tagged(&client_for(&braze).unwrap(), "retention").await.unwrap();
        assert_eq!(got, want);
        braze.shutdown().await;
    }

    #[tokio::test]
    async fn still_right_when_half_the_answers_are_faults() {
        let config = MockConfig {
            segments: 1_000, // ten pages of /segments/list
            faults: FaultConfig {
                rate: 0.5,
                kinds: vec![Fault::ServerError, Fault::Unavailable, Fault::DropConnection],
                ..FaultConfig::default()
            },
            ..MockConfig::default()
        };
        let braze = MockBraze::start(config).await.unwrap();
        // The default policy retries 5xx and dropped connections; more attempts make a run
        // of faults on one call (seeded, so the same each run) harmless; short backoffs keep
        // the test quick.
        let client = Client::builder()
            .api_key(braze.api_key())
            .endpoint(braze.url())
            .retry(
                RetryPolicy::default()
                    .max_attempts(8)
                    .backoff(Duration::from_millis(1), Duration::from_millis(20)),
            )
            .build()
            .unwrap();
        let got = names_tagged(&client, "retention").await.unwrap();
        assert_eq!(got, expected(&braze, "retention"));
        assert!(braze.counters().total_faults() > 0, "the stand-in injected faults");
        braze.shutdown().await;
    }

    #[tokio::test]
    async fn a_listing_that_fails_past_the_retries_is_an_error_and_the_next_one_works() {
        let braze = MockBraze::start(MockConfig::default()).await.unwrap();
        // Five 503s on the listing, scripted: more than the default policy's four attempts.
        braze.script(Script::fault(Fault::Unavailable).on(Endpoint::List).times(5));
        let client = Client::builder()
            .api_key(braze.api_key())
            .endpoint(braze.url())
            .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
            .build()
            .unwrap();
        let err = names_tagged(&client, "retention").await.unwrap_err();
        assert_eq!(err.status(), Some(503), "{err}");
        // One 503 left: the next run rides it out.
        let got = names_tagged(&client, "retention").await.unwrap();
        assert_eq!(got, expected(&braze, "retention"));
        braze.shutdown().await;
    }

    #[tokio::test]
    async fn a_wrong_key_is_an_unauthorized_error() {
        let braze = MockBraze::start(MockConfig::default()).await.unwrap();
        let client = Client::builder()
            .api_key("not-the-key")
            .endpoint(braze.url())
            .build()
            .unwrap();
        let err = names_tagged(&client, "retention").await.unwrap_err();
        assert!(err.is_unauthorized(), "{err:?}");
        braze.shutdown().await;
    }
}
