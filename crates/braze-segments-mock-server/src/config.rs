//! How the stand-in behaves: its dataset, key, budget, faults, timeouts and users exports.

use std::net::SocketAddr;
use std::time::Duration;

use crate::{Endpoint, Script, ServedArchive, DEFAULT_API_KEY};

/// How the stand-in behaves.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Where to listen (default `127.0.0.1:0`, a free port).
    pub addr: SocketAddr,
    /// How many segments the dataset holds (default 250, at most [`crate::MAX_SEGMENTS`]).
    pub segments: usize,
    /// The dataset's seed (default 42).
    pub seed: u64,
    /// The only key accepted (default [`DEFAULT_API_KEY`]); it must not be empty.
    pub api_key: String,
    /// The per-key budget (default Braze's: 250,000 an hour); `None` for no limit and no
    /// rate-limit headers (but on an injected 429, which names Braze's default hourly budget).
    pub rate_limit: Option<RateLimitConfig>,
    /// Faults to inject at random (default none); [`crate::MockBraze::set_faults`] changes them
    /// while the stand-in serves.
    pub faults: FaultConfig,
    /// Scripted faults, tried before the random ones (default none; see [`Script`]);
    /// [`crate::MockBraze::script`] adds more while the stand-in serves.
    pub scripts: Vec<Script>,
    /// How long a connection may take to send a request's headers, counted from when the
    /// server starts waiting for them (so it also closes a keep-alive connection left idle that
    /// long between requests). A client that trickles its headers is dropped after it. Default 5 s.
    pub header_read_timeout: Duration,
    /// How long a write to a connection may make no progress before the connection is closed:
    /// a client that stops reading what it is sent (on either origin) is dropped after it. The
    /// timer restarts whenever the client takes some bytes, so it bounds a stall, not a
    /// download: a slow reader still gets a large archive. Default 10 s; must not be zero.
    pub write_timeout: Duration,
    /// How many connections may be served at once, both origins together (`None`, the default:
    /// derived at start). Past it a new connection is refused rather than made to wait: its
    /// request head is read (briefly, and bounded in size), answered a `503` with `Retry-After`
    /// and `Connection: close`, and the connection closed (one that sends nothing is closed
    /// unanswered), so an HTTP client sees a clean `503` and the stand-in never runs out of file
    /// descriptors while others hold connections.
    ///
    /// The derived cap: at start the process's soft descriptor limit (`RLIMIT_NOFILE`) is raised
    /// towards its hard limit where allowed (to at most 65,536), and the cap is that limit less
    /// a reserve of 128 descriptors (for the listeners, files and refusals under way; half the
    /// limit when it is under 256), at least 1 and at most 16,384; 1,024 where the limit cannot
    /// be read. A descriptor limit of 1,024 thus gives 896; 256 (macOS's soft default, when it
    /// cannot be raised) gives 128. An explicit `Some(n)` is honoured as given (the limit is
    /// still raised); `Some(0)` is refused.
    pub max_connections: Option<usize>,
    /// Where the storage host of users exports listens (default `None`: the IP of `addr`, a
    /// free port), another origin than Braze's.
    pub storage_addr: Option<SocketAddr>,
    /// Whether the workspace has its own storage bucket (default false): a started users export
    /// then answers no `url`, nothing is served, and `output_format` is accepted.
    pub own_bucket: bool,
    /// How long a users export takes to be ready, from its start (default 2 s).
    pub users_export_ready_after: Duration,
    /// How many requests for an export's URL the storage host answers 404 before it can be
    /// ready (default 0); an export is ready once this and [`Self::users_export_ready_after`]
    /// both hold.
    pub users_export_ready_after_polls: u32,
    /// How long an export's URL is valid, from the export's start (default 4 h, as
    /// `X-Amz-Expires=14400`).
    pub users_export_expiry: Duration,
    /// How many users every segment holds (default `None`: 200 to 3,000, drawn from the seed
    /// and the segment's id); at most [`crate::MAX_USERS_PER_SEGMENT`].
    /// [`crate::MockBraze::set_users_in_segment`] sets it for one segment.
    pub users_per_segment: Option<u64>,
    /// What the URLs of exports serve once ready (default [`ServedArchive::Zip`]).
    pub served_archive: ServedArchive,
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
            scripts: Vec::new(),
            header_read_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(10),
            max_connections: None,
            storage_addr: None,
            own_bucket: false,
            users_export_ready_after: Duration::from_secs(2),
            users_export_ready_after_polls: 0,
            users_export_expiry: Duration::from_secs(4 * 3600),
            users_per_segment: None,
            served_archive: ServedArchive::Zip,
        }
    }
}

/// A budget of `limit` requests per fixed `window` (windows start at multiples of the window
/// since the epoch, as Braze's hourly ones start at the top of the hour).
///
/// Windows are kept to the millisecond, so a window below a second is exact (`100/500ms` lets
/// 100 requests through in each half second). `X-RateLimit-Reset` holds whole epoch seconds,
/// as Braze's does: it names the window's end rounded up to the next whole second, so a client
/// that waits until then never comes back inside the window that refused it (two windows within
/// one second name the same reset).
///
/// The other settings make the headers as awkward as real ones can be, for testing how clients
/// live with them: windows that do not start on a whole second, a Reset truncated rather than
/// rounded up, headers that vanish, a Reset that glitches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Requests per window.
    pub limit: u64,
    /// The window's length (kept to the millisecond; a window under a millisecond counts as one).
    pub window: Duration,
    /// Where windows start: this far past each multiple of `window` since the epoch (default
    /// zero). With `500ms`, one-second windows run from x.5 s to (x+1).5 s.
    pub offset: Duration,
    /// How `X-RateLimit-Reset` names the window's end in whole seconds (default: rounded up).
    pub reset_rounding: ResetRounding,
    /// From this many answers on, no answer carries the rate-limit headers (the budget still
    /// counts and refuses): a proxy that strips them. Default: never.
    pub hide_headers_after: Option<u64>,
    /// A Reset that glitches: every `every`-th answer names a Reset `shift_secs` off. Default:
    /// none.
    pub reset_glitch: Option<ResetGlitch>,
}

/// How the stand-in rounds a window's end to the whole seconds of `X-RateLimit-Reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResetRounding {
    /// Up: a client that waits until the Reset never comes back inside the window (the default).
    #[default]
    Up,
    /// Down (truncated): the Reset may name a second before the window really ends.
    Down,
}

/// A Reset that glitches now and then (see [`RateLimitConfig::reset_glitch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetGlitch {
    /// Every how many answers one glitches (the `every`-th, `2 × every`-th, …); at least 1.
    pub every: u64,
    /// How far off its Reset is, in seconds (negative: earlier).
    pub shift_secs: i64,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            limit: 250_000,
            window: Duration::from_secs(3600),
            offset: Duration::ZERO,
            reset_rounding: ResetRounding::Up,
            hide_headers_after: None,
            reset_glitch: None,
        }
    }
}

/// A kind of injected fault. Faults are drawn only for requests that carry the key (a request
/// without it gets 401, never a fault), and spend none of the budget.
///
/// Faults Braze itself would send (every kind but the proxy's 502 and 504) carry Braze's
/// rate-limit headers when the stand-in keeps a budget: the current window's figures, or those
/// the kind names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// 500 with Braze's JSON error body `{"message":"Internal Server Error"}`.
    ServerError,
    /// 502 with an HTML body and no rate-limit headers, as a proxy in front of Braze sends.
    BadGatewayHtml,
    /// 503 with an empty body (`Content-Type: text/plain`): Braze out of capacity.
    Unavailable,
    /// 504 with an HTML body and no rate-limit headers: the proxy gave up waiting for Braze.
    GatewayTimeoutHtml,
    /// 429 as Braze sends it when the budget is spent: `X-RateLimit-Remaining: 0` and
    /// `X-RateLimit-Reset` at the end of the current window (of the configured budget, or of
    /// Braze's default hour when the stand-in keeps none). A client can only wait for the reset.
    RateLimited,
    /// 429 of a short burst limit: `X-RateLimit-Remaining` above zero and a reset one second
    /// away, so a client that waits a second gets through. Braze documents no such limit; it
    /// stands for throttling a client should ride out.
    Burst,
    /// 403 `{"message":"Access Denied"}`: the key lacks the endpoint's permission. Its
    /// rate-limit headers are empty, as on Braze's 401 (both come from the key check).
    Forbidden,
    /// 202 `{"message":"queued"}`, as Braze answered during maintenance.
    Queued,
    /// The connection is closed without a response.
    DropConnection,
    /// The normal answer, after [`FaultConfig::delay`].
    Delay,
    /// The normal answer; a data series' points come in a shuffled order (Braze promises
    /// none). Other endpoints answer as usual.
    Unordered,
}

impl Fault {
    /// Every kind.
    pub const ALL: [Fault; 11] = [
        Fault::ServerError,
        Fault::BadGatewayHtml,
        Fault::Unavailable,
        Fault::GatewayTimeoutHtml,
        Fault::RateLimited,
        Fault::Burst,
        Fault::Forbidden,
        Fault::Queued,
        Fault::DropConnection,
        Fault::Delay,
        Fault::Unordered,
    ];

    /// The kinds a client rides out by retrying or waiting briefly (5xx, a burst 429, a dropped
    /// connection, a delay): [`FaultConfig`]'s default. The others end a call however often it
    /// is retried (403, 202, a spent budget) or change no outcome ([`Fault::Unordered`]).
    pub const TRANSIENT: [Fault; 7] = [
        Fault::ServerError,
        Fault::BadGatewayHtml,
        Fault::Unavailable,
        Fault::GatewayTimeoutHtml,
        Fault::Burst,
        Fault::DropConnection,
        Fault::Delay,
    ];

    /// What the kind sends, in a line (the CLI's `--fault-kinds` help).
    pub fn description(self) -> &'static str {
        match self {
            Fault::ServerError => "Braze's 500 with its JSON error body",
            Fault::BadGatewayHtml => "a proxy's 502 with an HTML body (no rate-limit headers)",
            Fault::Unavailable => "Braze's 503 with an empty body",
            Fault::GatewayTimeoutHtml => "a proxy's 504 with an HTML body (no rate-limit headers)",
            Fault::RateLimited => "Braze's 429 of a spent budget: Remaining 0, reset at the end of the window",
            Fault::Burst => "a burst 429: Remaining above 0, reset within a second",
            Fault::Forbidden => "Braze's 403 \"Access Denied\" (the key lacks the permission)",
            Fault::Queued => "Braze's 202 \"queued\" (maintenance)",
            Fault::DropConnection => "the connection is closed without an answer",
            Fault::Delay => "the normal answer, late",
            Fault::Unordered => "the normal answer; a data series' points in a shuffled order",
        }
    }

    /// The kind named `name` on the command line.
    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The kind's name on the command line (`--fault-kinds`).
    pub fn name(self) -> &'static str {
        match self {
            Fault::ServerError => "server-error",
            Fault::BadGatewayHtml => "bad-gateway",
            Fault::Unavailable => "unavailable",
            Fault::GatewayTimeoutHtml => "gateway-timeout",
            Fault::RateLimited => "rate-limited",
            Fault::Burst => "burst",
            Fault::Forbidden => "forbidden",
            Fault::Queued => "queued",
            Fault::DropConnection => "drop",
            Fault::Delay => "delay",
            Fault::Unordered => "unordered",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Which faults to inject, how often, from which seed.
///
/// Draws are reproducible whatever the order requests arrive in: a request's fault follows from
/// the seed, the request's method, path and query (as sent) and how many times that exact
/// request was seen before with the key. So the same seed gives the same faults to the same
/// requests, and a retried request draws anew. The stand-in remembers up to 1,048,576
/// distinct requests; past that it forgets them all and counts afresh.
#[derive(Debug, Clone)]
pub struct FaultConfig {
    /// The fraction of requests answered with a fault, 0.0 to 1.0.
    pub rate: f64,
    /// The kinds drawn from, uniformly (default [`Fault::TRANSIENT`]).
    pub kinds: Vec<Fault>,
    /// The seed of the draws.
    pub seed: u64,
    /// How long a [`Fault::Delay`] holds the answer.
    pub delay: Duration,
    /// Only requests of these endpoints meet faults; empty (the default): every endpoint.
    pub endpoints: Vec<Endpoint>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            rate: 0.0,
            kinds: Fault::TRANSIENT.to_vec(),
            seed: 7,
            delay: Duration::from_millis(200),
            endpoints: Vec::new(),
        }
    }
}
