//! A stateful stand-in for Braze's segment export endpoints, over real HTTP on loopback.
//!
//! It serves a deterministic dataset made from a seed, checks the bearer key as Braze does,
//! keeps a real per-key rate-limit budget with Braze's headers, injects faults from a seed
//! (500, 502 with HTML, 503, 429, a dropped connection, a delay), and counts requests per
//! endpoint and per segment for tests. Every body it sends is built from the generated types of
//! `braze-segments-api`, so it is valid against `openapi/braze-segments.yaml`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use braze_segments_mock_server::{MockBraze, MockConfig};
//! let braze = MockBraze::start(MockConfig { segments: 250, ..MockConfig::default() }).await?;
//! println!("{} with key {}", braze.url(), braze.api_key());
//! let first = &braze.segments()[0].id;
//! # let _ = first;
//! braze.shutdown().await;
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use braze_segments_api::types;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::net::TcpListener;
use tokio::sync::watch;

mod dataset;
mod store;

pub use dataset::{generate, Segment, EXAMPLE_ID};
pub use store::Dataset;

/// Segments a page of `/segments/list`, as Braze pages them.
pub const PAGE_SIZE: usize = 100;

/// The key the stand-in accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "demo-key-not-secret";

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

    fn index(self) -> usize {
        Fault::ALL.iter().position(|f| *f == self).expect("listed")
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

/// An endpoint of the stand-in, for its counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `GET /segments/list`.
    List,
    /// `GET /segments/details`.
    Details,
    /// `GET /segments/data_series`.
    DataSeries,
    /// Anything else (answered 404).
    Other,
}

/// Request counters, updated as requests arrive (before faults, auth and rate limits).
#[derive(Debug, Default)]
pub struct Counters {
    endpoints: [AtomicU64; 4],
    faults: [AtomicU64; 6],
    unauthorized: AtomicU64,
    rate_limited: AtomicU64,
    per_segment: Mutex<HashMap<String, u64>>,
}

impl Counters {
    /// Requests received for `endpoint`.
    pub fn requests(&self, endpoint: Endpoint) -> u64 {
        self.endpoints[endpoint as usize].load(Ordering::Relaxed)
    }

    /// Requests received in all.
    pub fn total(&self) -> u64 {
        self.endpoints.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    /// Requests naming `segment_id` (details and data series).
    pub fn requests_for_segment(&self, segment_id: &str) -> u64 {
        self.per_segment
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(segment_id)
            .copied()
            .unwrap_or(0)
    }

    /// Faults of `kind` injected.
    pub fn faults(&self, kind: Fault) -> u64 {
        self.faults[kind.index()].load(Ordering::Relaxed)
    }

    /// Faults injected in all.
    pub fn total_faults(&self) -> u64 {
        self.faults.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    /// Requests refused with 401.
    pub fn unauthorized(&self) -> u64 {
        self.unauthorized.load(Ordering::Relaxed)
    }

    /// Requests refused with 429 because the budget was spent (injected 429s not included).
    pub fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }
}

struct State {
    config: MockConfig,
    dataset: Dataset,
    counters: Arc<Counters>,
    fault_rng: Mutex<ChaCha8Rng>,
    budget: Mutex<(u64, u64)>, // (window start, used)
}

/// A running stand-in. Dropping it stops the server.
pub struct MockBraze {
    url: String,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for MockBraze {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockBraze")
            .field("url", &self.url)
            .field("segments", &self.state.dataset.read().segments.len())
            .finish()
    }
}

impl MockBraze {
    /// Binds `config.addr`, makes the dataset and starts serving in the background.
    pub async fn start(config: MockConfig) -> std::io::Result<MockBraze> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let dataset = Dataset::new(config.segments, config.seed);
        let state = Arc::new(State {
            fault_rng: Mutex::new(ChaCha8Rng::seed_from_u64(config.faults.seed)),
            config,
            dataset,
            counters: Arc::new(Counters::default()),
            budget: Mutex::new((0, 0)),
        });
        let (shutdown, signal) = watch::channel(false);
        let task = tokio::spawn(serve(listener, state.clone(), signal));
        Ok(MockBraze {
            url: format!("http://{addr}"),
            state,
            shutdown,
            task: Some(task),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:4010`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The key it accepts.
    pub fn api_key(&self) -> &str {
        &self.state.config.api_key
    }

    /// A snapshot of the segments now listed (not archived), oldest first: the order of
    /// `/segments/list` by default.
    pub fn segments(&self) -> Vec<Segment> {
        self.state.dataset.segments()
    }

    /// A handle on the segments that can change them while the stand-in serves (see
    /// [`Dataset`]).
    pub fn dataset(&self) -> Dataset {
        self.state.dataset.clone()
    }

    /// Adds a segment created now; returns its id (see [`Dataset::create_segment`]).
    pub fn create_segment(&self, name: &str) -> String {
        self.state.dataset.create_segment(name)
    }

    /// Archives a segment; returns whether it was listed (see [`Dataset::archive_segment`]).
    pub fn archive_segment(&self, id: &str) -> bool {
        self.state.dataset.archive_segment(id)
    }

    /// Runs `action` once, when list page `page` (from 0) is first served, just before it is
    /// read: e.g. `braze.before_list_page(1, move |d| { d.archive_segment(&id); })` (see
    /// [`Dataset::before_list_page`]).
    pub fn before_list_page(&self, page: u32, action: impl FnOnce(&Dataset) + Send + 'static) {
        self.state.dataset.before_list_page(page, action)
    }

    /// The request counters.
    pub fn counters(&self) -> &Counters {
        &self.state.counters
    }

    /// Stops accepting, closes connections, waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockBraze {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn serve(listener: TcpListener, state: Arc<State>, mut signal: watch::Receiver<bool>) {
    loop {
        let (stream, _) = tokio::select! {
            _ = signal.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let mut signal = signal.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { handle(&state, req).await }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = signal.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
}

/// Returned by the service to make hyper close the connection without a response.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("injected fault: connection dropped")
    }
}

impl std::error::Error for DropConnection {}

type Reply = Response<Full<Bytes>>;

async fn handle(state: &State, req: Request<Incoming>) -> Result<Reply, DropConnection> {
    let known = matches!(
        req.uri().path(),
        "/segments/list" | "/segments/details" | "/segments/data_series"
    );
    let endpoint = match (req.method() == hyper::Method::GET, req.uri().path()) {
        (true, "/segments/list") => Endpoint::List,
        (true, "/segments/details") => Endpoint::Details,
        (true, "/segments/data_series") => Endpoint::DataSeries,
        _ => Endpoint::Other,
    };
    if known && endpoint == Endpoint::Other {
        state.counters.endpoints[Endpoint::Other as usize].fetch_add(1, Ordering::Relaxed);
        let mut reply = json(StatusCode::METHOD_NOT_ALLOWED, &error_body("Method Not Allowed"));
        reply
            .headers_mut()
            .insert(hyper::header::ALLOW, HeaderValue::from_static("GET"));
        return Ok(reply);
    }
    let counters = &state.counters;
    counters.endpoints[endpoint as usize].fetch_add(1, Ordering::Relaxed);
    let query: HashMap<String, String> = url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    // Only ids the dataset holds or held get a counter, so no request grows the map.
    if let Some(id) = query.get("segment_id").filter(|id| state.dataset.read().is_known(id)) {
        *counters
            .per_segment
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(id.clone())
            .or_insert(0) += 1;
    }

    if let Some(fault) = draw_fault(state) {
        counters.faults[fault.index()].fetch_add(1, Ordering::Relaxed);
        match fault {
            Fault::ServerError => {
                return Ok(json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &error_body("Internal Server Error"),
                ))
            }
            Fault::BadGatewayHtml => {
                let mut reply = Response::new(Full::new(Bytes::from_static(
                    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
                )));
                *reply.status_mut() = StatusCode::BAD_GATEWAY;
                reply
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
                return Ok(reply);
            }
            Fault::Unavailable => {
                let mut reply = Response::new(Full::new(Bytes::new()));
                *reply.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                return Ok(reply);
            }
            Fault::RateLimited => {
                let mut reply = json(StatusCode::TOO_MANY_REQUESTS, &error_body("API rate limit exceeded"));
                let reset = epoch_secs(SystemTime::now()) + 1;
                let limit = state.config.rate_limit.map_or(250_000, |r| r.limit);
                set_rate_headers(&mut reply, &limit.to_string(), "1", &reset.to_string());
                return Ok(reply);
            }
            Fault::DropConnection => return Err(DropConnection),
            Fault::Delay => tokio::time::sleep(state.config.faults.delay).await,
        }
    }

    let expected = format!("Bearer {}", state.config.api_key);
    let authorized = req
        .headers()
        .get(AUTHORIZATION)
        .is_some_and(|v| v.as_bytes() == expected.as_bytes());
    if !authorized && endpoint != Endpoint::Other {
        counters.unauthorized.fetch_add(1, Ordering::Relaxed);
        let mut reply = json(StatusCode::UNAUTHORIZED, &error_body("Invalid API key: non-existent"));
        // Braze sends the three headers with empty values on a 401.
        set_rate_headers(&mut reply, "", "", "");
        return Ok(reply);
    }

    let budget = match state.config.rate_limit {
        Some(config) if endpoint != Endpoint::Other => Some(spend(state, config)),
        _ => None,
    };
    let mut reply = match budget {
        Some(Budget { allowed: false, .. }) => {
            counters.rate_limited.fetch_add(1, Ordering::Relaxed);
            json(StatusCode::TOO_MANY_REQUESTS, &error_body("API rate limit exceeded"))
        }
        _ => match endpoint {
            Endpoint::List => list(state, &query),
            Endpoint::Details => details(state, &query),
            Endpoint::DataSeries => data_series(state, &query),
            Endpoint::Other => json(StatusCode::NOT_FOUND, &error_body("Not Found")),
        },
    };
    if let Some(b) = budget {
        set_rate_headers(
            &mut reply,
            &b.limit.to_string(),
            &b.remaining.to_string(),
            &b.reset.to_string(),
        );
    }
    Ok(reply)
}

fn draw_fault(state: &State) -> Option<Fault> {
    let faults = &state.config.faults;
    if faults.rate <= 0.0 || faults.kinds.is_empty() {
        return None;
    }
    let mut rng = state.fault_rng.lock().unwrap_or_else(|e| e.into_inner());
    if rng.random::<f64>() >= faults.rate {
        return None;
    }
    Some(faults.kinds[rng.random_range(0..faults.kinds.len())])
}

#[derive(Debug, Clone, Copy)]
struct Budget {
    allowed: bool,
    limit: u64,
    remaining: u64,
    reset: u64,
}

fn spend(state: &State, config: RateLimitConfig) -> Budget {
    let window = config.window.as_secs().max(1);
    let now = epoch_secs(SystemTime::now());
    let start = now - now % window;
    let mut budget = state.budget.lock().unwrap_or_else(|e| e.into_inner());
    if budget.0 != start {
        *budget = (start, 0);
    }
    let allowed = budget.1 < config.limit;
    if allowed {
        budget.1 += 1;
    }
    Budget {
        allowed,
        limit: config.limit,
        remaining: config.limit - budget.1,
        reset: start + window,
    }
}

fn list(state: &State, query: &HashMap<String, String>) -> Reply {
    let page = match query.get("page").map(String::as_str) {
        None => 0,
        // A page number past any dataset is simply an empty page.
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse::<usize>().unwrap_or(usize::MAX),
        Some(_) => {
            return json(
                StatusCode::BAD_REQUEST,
                &error_body("page must be a non-negative integer"),
            )
        }
    };
    let descending = match query.get("sort_direction").map(String::as_str) {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => {
            return json(
                StatusCode::BAD_REQUEST,
                &error_body("sort_direction must be asc or desc"),
            )
        }
    };
    state.dataset.run_page_actions(u64::try_from(page).unwrap_or(u64::MAX));
    let live = state.dataset.read();
    let total = live.segments.len();
    let indices: Vec<usize> = (page.saturating_mul(PAGE_SIZE)
        ..total.min(page.saturating_mul(PAGE_SIZE).saturating_add(PAGE_SIZE)))
        .map(|i| if descending { total - 1 - i } else { i })
        .collect();
    let segments = indices
        .into_iter()
        .map(|i| {
            let s = &live.segments[i];
            types::SegmentSummary {
                id: Some(s.id.clone()),
                name: Some(s.name.clone()),
                analytics_tracking_enabled: Some(s.analytics_tracking_enabled),
                tags: Some(s.tags.clone()),
                extra: Default::default(),
            }
        })
        .collect();
    json(
        StatusCode::OK,
        &types::SegmentList {
            message: "success".into(),
            segments: Some(segments),
            extra: Default::default(),
        },
    )
}

fn unknown_segment() -> Reply {
    json(
        StatusCode::BAD_REQUEST,
        &error_body("segment_id must be a string of the Segment api identifier"),
    )
}

fn details(state: &State, query: &HashMap<String, String>) -> Reply {
    let live = state.dataset.read();
    let Some(segment) = query.get("segment_id").and_then(|id| live.get(id)) else {
        return unknown_segment();
    };
    json(
        StatusCode::OK,
        &types::SegmentDetails {
            message: "success".into(),
            created_at: Some(segment.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            updated_at: Some(segment.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            name: Some(segment.name.clone()),
            description: Some(segment.description.clone()),
            text_description: segment.text_description.clone(),
            tags: Some(segment.tags.clone()),
            teams: Some(segment.teams.iter().cloned().map(Some).collect()),
            extra: Default::default(),
        },
    )
}

fn data_series(state: &State, query: &HashMap<String, String>) -> Reply {
    let live = state.dataset.read();
    let Some(segment) = query.get("segment_id").and_then(|id| live.get(id)) else {
        return unknown_segment();
    };
    let length = match query.get("length").map(|l| l.parse::<i64>()) {
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        _ => {
            return json(
                StatusCode::BAD_REQUEST,
                &error_body("length must be an integer from 1 to 100"),
            )
        }
    };
    let end = match query.get("ending_at") {
        None => Utc::now().date_naive(),
        Some(text) => match parse_loose_date(text) {
            Some(date) => date,
            None => {
                return json(
                    StatusCode::BAD_REQUEST,
                    &error_body("ending_at must be an ISO 8601 date"),
                )
            }
        },
    };
    let data = (0..length)
        .rev()
        .map(|back| {
            let day = end - chrono::Duration::days(back);
            types::DataPoint {
                time: Some(day.format("%Y-%m-%d").to_string()),
                size: Some(segment.size_on(day)),
                extra: Default::default(),
            }
        })
        .collect();
    json(
        StatusCode::OK,
        &types::SegmentDataSeries {
            message: "success".into(),
            data: Some(data),
            extra: Default::default(),
        },
    )
}

/// Reads ISO 8601 as Braze's examples write it, strict or not: `2024-07-25`, RFC 3339, or an
/// offset without its leading zero (`2018-06-27T23:59:59-5:00`).
pub fn parse_loose_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.date_naive());
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date);
    }
    // Pad a one-digit offset hour: `-5:00` → `-05:00`.
    let (head, offset) = text.split_at(text.rfind(['+', '-'])?);
    let padded = match offset.split_once(':') {
        Some((hour, minute)) if hour.len() == 2 => format!("{head}{}0{}:{minute}", &hour[..1], &hour[1..]),
        _ => return None,
    };
    DateTime::parse_from_rfc3339(&padded).ok().map(|at| at.date_naive())
}

fn error_body(message: &str) -> types::BrazeError {
    types::BrazeError {
        message: message.to_owned(),
        errors: None,
        extra: Default::default(),
    }
}

fn json(status: StatusCode, body: &impl serde::Serialize) -> Reply {
    let bytes = serde_json::to_vec(body).expect("the generated types serialize");
    let mut reply = Response::new(Full::new(Bytes::from(bytes)));
    *reply.status_mut() = status;
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    reply
}

fn set_rate_headers(reply: &mut Reply, limit: &str, remaining: &str, reset: &str) {
    let headers = reply.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", limit),
        ("x-ratelimit-remaining", remaining),
        ("x-ratelimit-reset", reset),
    ] {
        headers.insert(name, HeaderValue::from_str(value).expect("digits or empty"));
    }
}

fn epoch_secs(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_dates_parse() {
        let d = |s| parse_loose_date(s).map(|d| d.to_string());
        assert_eq!(d("2024-07-25").as_deref(), Some("2024-07-25"));
        assert_eq!(d("2024-07-25T23:59:59Z").as_deref(), Some("2024-07-25"));
        assert_eq!(d("2018-06-27T23:59:59-5:00").as_deref(), Some("2018-06-27"));
        assert_eq!(d("2018-06-27T23:59:59+05:30").as_deref(), Some("2018-06-27"));
        assert_eq!(d("yesterday"), None);
        assert_eq!(d("-"), None);
    }
}
