//! The program of the consumer workspace `.ci/consumer.sh` builds outside this repository: it
//! depends on `braze-segments` (as a path, then as a git dependency) and on
//! `braze-segments-mock-server`, starts the stand-in, and fetches one segment through the SDK.

use braze_segments::Client;
use braze_segments_mock_server::{MockBraze, MockConfig, EXAMPLE_ID};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let braze = MockBraze::start(MockConfig::default()).await?;
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .build()?;
    let segment = client.segment_details(EXAMPLE_ID).await?;
    println!("consumer fetched {EXAMPLE_ID}: {}", segment.name.unwrap_or_default());
    braze.shutdown().await;
    Ok(())
}
