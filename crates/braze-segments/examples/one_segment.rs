//! One segment's details, printed as JSON.
//!
//! ```sh
//! # Against your Braze workspace: a REST API key with `segments.details`, and your instance
//! # (`US-03`, `EU-01`, …) or its URL.
//! BRAZE_API_KEY=… BRAZE_REST_ENDPOINT=US-03 cargo run -p braze-segments --example one_segment -- SEGMENT_ID
//!
//! # Against the stand-in Braze server, started inside this process (no account needed); without
//! # an id it shows the stand-in's first segment.
//! cargo run -p braze-segments --example one_segment -- --demo [SEGMENT_ID]
//! ```

use std::process::ExitCode;

use braze_segments::{Client, Error};
use braze_segments_mock_server::{MockBraze, MockConfig};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let demo = args.iter().any(|a| a == "--demo");
    let id = args.iter().find(|a| !a.starts_with("--")).cloned();

    let stand_in = if demo {
        match MockBraze::start(MockConfig::default()).await {
            Ok(braze) => Some(braze),
            Err(e) => {
                eprintln!("error: cannot start the stand-in: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let client = match &stand_in {
        // Plain http:// is accepted for loopback hosts only.
        Some(braze) => Client::builder().api_key(braze.api_key()).endpoint(braze.url()).build(),
        // BRAZE_API_KEY and BRAZE_REST_ENDPOINT.
        None => Client::from_env(),
    };
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let first_of_stand_in = stand_in
        .as_ref()
        .and_then(|b| b.segments().first().map(|s| s.id.clone()));
    let Some(id) = id.or(first_of_stand_in) else {
        eprintln!("usage: one_segment [--demo] SEGMENT_ID");
        return ExitCode::from(2);
    };

    let code = show(&client, &id).await;
    if let Some(braze) = stand_in {
        braze.shutdown().await;
    }
    code
}

async fn show(client: &Client, id: &str) -> ExitCode {
    match client.segment_details_with_meta(id).await {
        Ok(response) => {
            match serde_json::to_string_pretty(&response.value) {
                Ok(json) => println!("{json}"),
                Err(e) => eprintln!("error: cannot print the segment: {e}"),
            }
            if let (Some(remaining), Some(limit)) = (response.rate_limit.remaining, response.rate_limit.limit) {
                eprintln!("rate limit: {remaining} of {limit} remaining");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("{}", hint(&e));
            ExitCode::FAILURE
        }
    }
}

/// What to try next, from the error's kind (never from its text).
fn hint(e: &Error) -> &'static str {
    if e.is_unauthorized() || e.is_forbidden() {
        "check BRAZE_API_KEY (segments.details permission) and that BRAZE_REST_ENDPOINT is the key's instance"
    } else if e.status() == Some(400) || e.is_not_found() {
        "check the segment id (Braze answers 400 for an id it does not know)"
    } else if e.is_retryable() {
        "a transient failure: the call was retried; try again later"
    } else {
        "see the error above"
    }
}
