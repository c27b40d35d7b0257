//! Injected faults, for authenticated requests only, each drawn from the seed and the request
//! itself, so the same requests meet the same faults whatever order they arrive in.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};

use hyper::StatusCode;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::budget::{epoch_ms, Budget, Spent};
use crate::reply::{self, DropConnection, Reply};
use crate::{Endpoint, Fault, FaultConfig, RateLimitConfig};

/// Distinct requests remembered before the table is cleared (about 34 MB at most).
const REMEMBERED: usize = 1 << 20;

pub(crate) struct Faults {
    /// Changed while the stand-in serves by [`crate::MockBraze::set_faults`].
    config: RwLock<FaultConfig>,
    /// How many times each request (by a hash of its method, path and query) was drawn for.
    seen: Mutex<HashMap<u64, u64>>,
    remembered: usize,
}

/// A fault drawn for a request, with the seed of anything random it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Drawn {
    pub(crate) fault: Fault,
    seed: u64,
}

/// What an injected fault makes of a request.
pub(crate) enum Outcome {
    /// Answer this instead.
    Answer(Reply),
    /// Close the connection without an answer.
    Drop(DropConnection),
    /// Answer as usual (after a delay already waited), a data series' points shuffled from
    /// this seed if given.
    GoOn { shuffle: Option<u64> },
}

impl Faults {
    pub(crate) fn new(config: FaultConfig) -> Faults {
        Faults::remembering(config, REMEMBERED)
    }

    fn remembering(config: FaultConfig, remembered: usize) -> Faults {
        Faults {
            config: RwLock::new(config),
            seen: Mutex::new(HashMap::new()),
            remembered,
        }
    }

    /// Replaces the configuration: draws from now on follow it (the requests seen are kept).
    pub(crate) fn set(&self, config: FaultConfig) {
        *self.config.write().unwrap_or_else(|e| e.into_inner()) = config;
    }

    /// A scripted fault for a request, with a seed for what it does at random (a shuffle) drawn
    /// from the request, so the same request meets the same shuffle.
    pub(crate) fn scripted(fault: Fault, method: &str, path: &str, query: &str) -> Drawn {
        Drawn {
            fault,
            seed: fnv1a(&[b"script", method.as_bytes(), path.as_bytes(), query.as_bytes()]),
        }
    }

    /// Draws whether this request meets a fault, and which: from the seed, the request, and
    /// how many times the same request was drawn for before. Requests of endpoints the
    /// configuration leaves out meet none.
    pub(crate) fn draw(&self, endpoint: Endpoint, method: &str, path: &str, query: &str) -> Option<Drawn> {
        // Read in place (no copy of the kinds per request); nothing here waits.
        let faults = self.config.read().unwrap_or_else(|e| e.into_inner());
        if faults.rate <= 0.0 || faults.kinds.is_empty() {
            return None;
        }
        if !faults.endpoints.is_empty() && !faults.endpoints.contains(&endpoint) {
            return None;
        }
        let request = fnv1a(&[method.as_bytes(), path.as_bytes(), query.as_bytes()]);
        let occurrence = {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            if seen.len() >= self.remembered && !seen.contains_key(&request) {
                seen.clear();
            }
            let n = seen.entry(request).or_insert(0);
            *n += 1;
            *n
        };
        let mut rng = ChaCha8Rng::seed_from_u64(fnv1a(&[
            &faults.seed.to_le_bytes(),
            &request.to_le_bytes(),
            &occurrence.to_le_bytes(),
        ]));
        if rng.random::<f64>() >= faults.rate {
            return None;
        }
        Some(Drawn {
            fault: faults.kinds[rng.random_range(0..faults.kinds.len())],
            seed: rng.random(),
        })
    }

    /// How many distinct requests the table holds (bounded by `remembered`).
    #[cfg(test)]
    fn remembered_now(&self) -> usize {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Carries `drawn` out; `budget` gives the rate-limit headers of Braze's own answers.
    pub(crate) async fn inject(&self, drawn: Drawn, budget: Option<&Budget>) -> Outcome {
        let figures = budget.map(Budget::peek);
        let braze = |mut answer: Reply| {
            reply::set_budget_headers(&mut answer, figures);
            Outcome::Answer(answer)
        };
        match drawn.fault {
            Fault::ServerError => braze(reply::error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")),
            Fault::BadGatewayHtml => Outcome::Answer(reply::text(
                StatusCode::BAD_GATEWAY,
                "text/html",
                b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
            )),
            Fault::Unavailable => braze(reply::text(StatusCode::SERVICE_UNAVAILABLE, "text/plain", b"")),
            Fault::GatewayTimeoutHtml => Outcome::Answer(reply::text(
                StatusCode::GATEWAY_TIMEOUT,
                "text/html",
                b"<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center></body></html>",
            )),
            Fault::RateLimited => {
                let window = figures.unwrap_or_else(|| Budget::new(RateLimitConfig::default()).peek());
                let mut answer = reply::error(StatusCode::TOO_MANY_REQUESTS, "API rate limit exceeded");
                reply::set_budget_headers(&mut answer, Some(Spent { remaining: 0, ..window }));
                Outcome::Answer(answer)
            }
            Fault::Burst => {
                let window = figures.unwrap_or_else(|| Budget::new(RateLimitConfig::default()).peek());
                let mut answer = reply::error(StatusCode::TOO_MANY_REQUESTS, "API rate limit exceeded");
                let burst = Spent {
                    remaining: window.remaining.max(1),
                    reset: epoch_ms() / 1000 + 1,
                    ..window
                };
                reply::set_budget_headers(&mut answer, Some(burst));
                Outcome::Answer(answer)
            }
            Fault::Forbidden => {
                let mut answer = reply::error(StatusCode::FORBIDDEN, "Access Denied");
                reply::set_rate_headers(&mut answer, None, None, None);
                Outcome::Answer(answer)
            }
            Fault::Queued => braze(reply::error(StatusCode::ACCEPTED, "queued")),
            Fault::DropConnection => Outcome::Drop(DropConnection),
            Fault::Delay => {
                let delay = self.config.read().unwrap_or_else(|e| e.into_inner()).delay;
                tokio::time::sleep(delay).await;
                Outcome::GoOn { shuffle: None }
            }
            Fault::Unordered => Outcome::GoOn {
                shuffle: Some(drawn.seed),
            },
        }
    }
}

/// FNV-1a over the parts, each followed by a 0xff byte (which no UTF-8 text holds), so the
/// parts' boundaries count. Fixed, unlike std's hasher, so a seed means the same in every build.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in part.iter().chain(&[0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(seed: u64) -> FaultConfig {
        FaultConfig {
            rate: 0.5,
            kinds: Fault::ALL.to_vec(),
            seed,
            ..FaultConfig::default()
        }
    }

    #[test]
    fn the_nth_draw_of_a_request_does_not_depend_on_other_requests() {
        let a = Faults::new(config(3));
        let b = Faults::new(config(3));
        let first: Vec<_> = (0..50)
            .map(|_| a.draw(Endpoint::List, "GET", "/segments/list", "page=1"))
            .collect();
        // Other requests in between change nothing for this one.
        let second: Vec<_> = (0..50)
            .map(|i| {
                b.draw(
                    Endpoint::Details,
                    "GET",
                    "/segments/details",
                    &format!("segment_id={i}"),
                );
                b.draw(Endpoint::List, "GET", "/segments/list", "page=1")
            })
            .collect();
        assert_eq!(first, second);
        assert!(first.iter().any(Option::is_some) && first.iter().any(Option::is_none));
        // Another seed, other draws.
        let c = Faults::new(config(4));
        let third: Vec<_> = (0..50)
            .map(|_| c.draw(Endpoint::List, "GET", "/segments/list", "page=1"))
            .collect();
        assert_ne!(first, third);
    }

    #[test]
    fn faults_can_be_kept_to_some_endpoints_and_changed_while_serving() {
        let faults = Faults::new(FaultConfig {
            rate: 1.0,
            endpoints: vec![Endpoint::Details],
            ..config(1)
        });
        assert!(faults.draw(Endpoint::List, "GET", "/segments/list", "").is_none());
        assert!(faults
            .draw(Endpoint::Details, "GET", "/segments/details", "segment_id=a")
            .is_some());
        faults.set(FaultConfig::default());
        assert!(faults
            .draw(Endpoint::Details, "GET", "/segments/details", "segment_id=a")
            .is_none());
    }

    #[test]
    fn the_table_of_requests_seen_stays_bounded() {
        let faults = Faults::remembering(config(1), 8);
        for i in 0..100 {
            faults.draw(
                Endpoint::Details,
                "GET",
                "/segments/details",
                &format!("segment_id={i}"),
            );
            assert!(faults.remembered_now() <= 8);
        }
    }

    #[test]
    fn parts_are_hashed_with_their_boundaries() {
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }
}
