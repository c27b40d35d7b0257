//! How the stand-in behaves: its dataset, key, budget, faults and timeouts.

use std::net::SocketAddr;
use std::time::Duration;

use crate::DEFAULT_API_KEY;

/// How the stand-in behaves.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Where to listen (default `127.0.0.1:0`, a free port).
    pub addr: SocketAddr,
    /// How many segments the dataset holds (default 250).
    pub segments: usize,
    /// The dataset's seed (default 42).
    pub seed: u64,
    /// The only key accepted (default [`DEFAULT_API_KEY`]).
    pub api_key: String,
    /// The per-key budget (default Braze's: 250,000 an hour); `None` for no limit and no
    /// rate-limit headers.
    pub rate_limit: Option<RateLimitConfig>,
    /// Faults to inject (default none).
    pub faults: FaultConfig,
    /// How long a connection may take to send a request's headers, counted from when the
    /// server starts waiting for them (so it also closes a keep-alive connection left idle that
    /// long). A client that trickles its headers is dropped after it. Default 5 s.
    pub header_read_timeout: Duration,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            segments: 250,
            seed: 42,
            api_key: DEFAULT_API_KEY.to_owned(),
            rate_limit: Some(RateLimitConfig::default()),
            faults: FaultConfig::default(),
            header_read_timeout: Duration::from_secs(5),
        }
    }
}

/// A budget of `limit` requests per fixed `window` (windows start at multiples of the window
/// since the epoch, as Braze's hourly ones start at the top of the hour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Requests per window.
    pub limit: u64,
    /// The window's length (whole seconds; at least one).
    pub window: Duration,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            limit: 250_000,
            window: Duration::from_secs(3600),
        }
    }
}

/// A kind of injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// 500 with Braze's JSON error body.
    ServerError,
    /// 502 with an HTML body, as a proxy sends.
    BadGatewayHtml,
    /// 503 with an empty body.
    Unavailable,
    /// 429 whose window resets at the next whole second (`X-RateLimit-Remaining` stays above
    /// zero: a burst limit, not a spent budget, so it delays one call rather than every caller).
    RateLimited,
    /// The connection is closed without a response.
    DropConnection,
    /// The normal answer, after [`FaultConfig::delay`].
    Delay,
}

impl Fault {
    /// Every kind.
    pub const ALL: [Fault; 6] = [
        Fault::ServerError,
        Fault::BadGatewayHtml,
        Fault::Unavailable,
        Fault::RateLimited,
        Fault::DropConnection,
        Fault::Delay,
    ];

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Which faults to inject, how often, from which seed.
#[derive(Debug, Clone)]
pub struct FaultConfig {
    /// The fraction of requests answered with a fault, 0.0 to 1.0.
    pub rate: f64,
    /// The kinds drawn from, uniformly.
    pub kinds: Vec<Fault>,
    /// The seed of the draws.
    pub seed: u64,
    /// How long a [`Fault::Delay`] holds the answer.
    pub delay: Duration,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            rate: 0.0,
            kinds: Fault::ALL.to_vec(),
            seed: 7,
            delay: Duration::from_millis(200),
        }
    }
}
