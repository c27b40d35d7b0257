//! Injected faults, drawn from a seed, for authenticated requests only.

use std::sync::Mutex;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::budget::epoch_secs;
use crate::reply::{self, DropConnection, Reply};
use crate::{Fault, FaultConfig};

pub(crate) struct Faults {
    config: FaultConfig,
    rng: Mutex<ChaCha8Rng>,
}

/// What an injected fault makes of a request.
pub(crate) enum Outcome {
    /// Answer this instead.
    Answer(Reply),
    /// Close the connection without an answer.
    Drop(DropConnection),
    /// Answer as usual (after a delay already waited).
    GoOn,
}

impl Faults {
    pub(crate) fn new(config: FaultConfig) -> Faults {
        Faults {
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(config.seed)),
            config,
        }
    }

    /// Draws whether this request meets a fault, and which.
    pub(crate) fn draw(&self) -> Option<Fault> {
        let faults = &self.config;
        if faults.rate <= 0.0 || faults.kinds.is_empty() {
            return None;
        }
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        if rng.random::<f64>() >= faults.rate {
            return None;
        }
        Some(faults.kinds[rng.random_range(0..faults.kinds.len())])
    }

    /// Carries `fault` out; `limit` is the budget's figure for an injected 429.
    pub(crate) async fn inject(&self, fault: Fault, limit: u64) -> Outcome {
        match fault {
            Fault::ServerError => {
                Outcome::Answer(reply::error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"))
            }
            Fault::BadGatewayHtml => {
                let mut answer = Response::new(Full::new(Bytes::from_static(
                    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
                )));
                *answer.status_mut() = StatusCode::BAD_GATEWAY;
                answer
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
                Outcome::Answer(answer)
            }
            Fault::Unavailable => {
                let mut answer = Response::new(Full::new(Bytes::new()));
                *answer.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                Outcome::Answer(answer)
            }
            Fault::RateLimited => {
                let mut answer = reply::error(StatusCode::TOO_MANY_REQUESTS, "API rate limit exceeded");
                let reset = epoch_secs().saturating_add(1);
                reply::set_rate_headers(&mut answer, Some(limit), Some(1), Some(reset));
                Outcome::Answer(answer)
            }
            Fault::DropConnection => Outcome::Drop(DropConnection),
            Fault::Delay => {
                tokio::time::sleep(self.config.delay).await;
                Outcome::GoOn
            }
        }
    }
}
