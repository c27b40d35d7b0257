//! The client: configuration, and the one retry loop every call goes through.

use std::cell::Cell;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use braze_segments_api::types as api;
use progenitor_client::ResponseValue;
use rand::Rng as _;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::error::snippet;
use crate::rate_limit::{Gate, LastSeen, Limiter, RateLimit, RequestQuota};
use crate::retry::{decide, Decision, GiveUp, Outcome, RetryPolicy};
use crate::transport::{is_length_limit, AttemptMeta, Origin, Transport, ATTEMPT};
use crate::{DataPoint, Error, ErrorDetail, Instance, Response, SegmentDetails, SegmentSummary, SortDirection};

/// The environment variable holding the REST API key.
pub const ENV_API_KEY: &str = "BRAZE_API_KEY";
/// The environment variable holding the REST endpoint: a URL or an instance name (`US-03`).
pub const ENV_REST_ENDPOINT: &str = "BRAZE_REST_ENDPOINT";

/// The default cap on a response body: 10 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const SNIPPET_BYTES: usize = 200;
const MAX_PATH_CHARS: usize = 200;
const MAX_SEGMENT_ID_BYTES: usize = 1024;

/// A client of Braze's segment endpoints. Cheap to clone: clones share the connection pool, the
/// rate-limit state and the quota.
///
/// Build one with [`Client::builder`] or [`Client::from_env`].
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

struct Shared {
    api: braze_segments_api::Client,
    endpoint: String,
    retry: RetryPolicy,
    body_limit: usize,
    attempt_timeout: Option<Duration>,
    gate: Gate,
    limiter: Option<Limiter>,
    last_rate_limit: LastSeen,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.shared.endpoint)
            .field("api_key", &"***")
            .field("retry", &self.shared.retry)
            .field("max_body_bytes", &self.shared.body_limit)
            .field("quota", &self.shared.limiter.is_some())
            .finish()
    }
}

/// Configures a [`Client`]. Nothing is checked until [`build`](Self::build).
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    endpoint: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    quota: Option<RequestQuota>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    max_body_bytes: Option<usize>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("endpoint", &self.endpoint)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("quota", &self.quota)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.as_ref().map(|_| "custom"))
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

impl ClientBuilder {
    /// The REST API key (needs the `segments.*` permissions of the calls you make).
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The instance the workspace lives on; sets the endpoint to its REST URL.
    pub fn instance(mut self, instance: Instance) -> Self {
        self.endpoint = Some(instance.rest_url().to_owned());
        self
    }

    /// The REST endpoint URL. Must be `https://`, except on a loopback host (`127.0.0.1`,
    /// `[::1]`, `localhost`), for tests and the stand-in server.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The time limit of one attempt, body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The time limit for connecting (default 10 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How calls are retried (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// A client-side quota on requests, shared by every clone of the client.
    pub fn rate_limit(mut self, quota: RequestQuota) -> Self {
        self.quota = Some(quota);
        self
    }

    /// The `User-Agent` sent (default `braze-segments-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Use this `reqwest::Client` (its pool, proxy and TLS settings). Its redirect policy is
    /// its own: reqwest's default drops `Authorization` when a redirect leaves the host.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The largest response body read (default 10 MiB); past it, [`Error::BodyTooLarge`].
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = Some(bytes);
        self
    }

    /// Fills the key and endpoint from `BRAZE_API_KEY` and `BRAZE_REST_ENDPOINT`.
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read through `lookup` (for embedding
    /// and tests).
    pub fn from_lookup(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let read = |name: &str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| Error::Config(format!("{name} is not set (or empty)")))
        };
        let key = read(ENV_API_KEY)?;
        let endpoint = read(ENV_REST_ENDPOINT)?;
        self.api_key = Some(SecretString::from(key.trim().to_owned()));
        self.endpoint = Some(endpoint_from_env_value(endpoint.trim())?);
        Ok(self)
    }

    /// Checks the configuration and builds the client. No request is made.
    pub fn build(self) -> Result<Client, Error> {
        let key = self
            .api_key
            .ok_or_else(|| Error::Config("no API key: call .api_key(…) or set BRAZE_API_KEY".into()))?;
        let endpoint = self.endpoint.ok_or_else(|| {
            Error::Config("no endpoint: call .instance(…) or .endpoint(…), or set BRAZE_REST_ENDPOINT".into())
        })?;
        let url = check_endpoint(&endpoint)?;
        let base = url.as_str().trim_end_matches('/').to_owned();

        let authorization = bearer(&key)?;
        let user_agent_text = self
            .user_agent
            .unwrap_or_else(|| concat!("braze-segments-rust/", env!("CARGO_PKG_VERSION")).to_owned());
        let user_agent = HeaderValue::from_str(&user_agent_text)
            .map_err(|_| Error::Config("the user agent holds characters not allowed in a header".into()))?;

        let http = match self.http_client {
            Some(client) => client,
            None => {
                let origin = Origin::of(&url);
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .https_only(url.scheme() == "https")
                    // Follow redirects only within the configured origin: the key never leaves it.
                    .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                        if attempt.previous().len() >= 5 {
                            attempt.error("more than 5 redirects")
                        } else if origin.matches(attempt.url()) {
                            attempt.follow()
                        } else {
                            attempt.stop()
                        }
                    }))
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let body_limit = self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES);
        let attempt_timeout = Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT));
        let transport = Transport {
            authorization,
            user_agent,
            origin: Origin::of(&url),
            body_limit,
            attempt_timeout,
        };
        let api = braze_segments_api::Client::new_with_client(
            &base,
            http,
            braze_segments_api::Inner::with_exec(Arc::new(transport)),
        );
        Ok(Client {
            shared: Arc::new(Shared {
                api,
                endpoint: base,
                retry: self.retry.unwrap_or_default(),
                body_limit,
                attempt_timeout,
                gate: Gate::default(),
                limiter: self.quota.map(|q| Limiter::direct(q.quota)),
                last_rate_limit: LastSeen::default(),
            }),
        })
    }
}

fn bearer(key: &SecretString) -> Result<HeaderValue, Error> {
    let key = key.expose_secret().trim();
    if key.is_empty() {
        return Err(Error::Config("the API key is empty".into()));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {key}"))
        .map_err(|_| Error::Config("the API key holds characters not allowed in a header (it is not shown)".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

fn endpoint_from_env_value(value: &str) -> Result<String, Error> {
    if value.contains("://") {
        return Ok(value.to_owned());
    }
    value.parse::<Instance>().map(|i| i.rest_url().to_owned()).map_err(|_| {
        let hint = if value.contains('.') { format!("; did you mean https://{value}?") } else { String::new() };
        Error::Config(format!(
            "{ENV_REST_ENDPOINT}={value:?} is neither a URL nor a Braze instance (US-01…US-08, US-10, EU-01, EU-02, AU-01, ID-01, JP-01, KR-01){hint}"
        ))
    })
}

/// Parses and checks an endpoint: https, or http on loopback; no credentials, query or fragment.
fn check_endpoint(endpoint: &str) -> Result<url::Url, Error> {
    let url = url::Url::parse(endpoint.trim())
        .map_err(|e| Error::Config(format!("endpoint {:?} is not a URL: {e}", endpoint.trim())))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "the endpoint must not carry credentials: pass the key with .api_key(…)".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "endpoint {url} must not have a query or fragment"
        )));
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => return Err(Error::Config(format!("endpoint {url} has no host"))),
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(Error::Config(format!(
            "refusing plain http:// to {url}: the API key would travel unencrypted; use https:// (http is allowed only for loopback hosts)"
        ))),
        other => Err(Error::Config(format!("endpoint scheme {other:?} is not supported: use https://"))),
    }
}

/// A successful body's `message`, which must say `"success"`.
trait BrazeBody {
    fn message(&self) -> &str;
}

impl BrazeBody for api::SegmentDetails {
    fn message(&self) -> &str {
        &self.message
    }
}

impl BrazeBody for api::SegmentList {
    fn message(&self) -> &str {
        &self.message
    }
}

impl BrazeBody for api::SegmentDataSeries {
    fn message(&self) -> &str {
        &self.message
    }
}

type ApiResult<T> = Result<ResponseValue<T>, progenitor_client::Error<api::BrazeError>>;

impl Client {
    /// A builder with every default.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `BRAZE_API_KEY` and `BRAZE_REST_ENDPOINT` (a URL or an
    /// instance name such as `US-03`), with every other setting at its default.
    pub fn from_env() -> Result<Client, Error> {
        Client::builder().from_env()?.build()
    }

    /// The endpoint calls go to (no trailing slash).
    pub fn endpoint(&self) -> &str {
        &self.shared.endpoint
    }

    /// The generated low-level client, for operations this crate does not wrap. Its requests
    /// still carry the key and the body cap, but bypass retries and rate limiting.
    pub fn api(&self) -> &braze_segments_api::Client {
        &self.shared.api
    }

    /// The rate-limit figures of the latest response any clone of this client received.
    pub fn last_rate_limit(&self) -> Option<RateLimit> {
        self.shared.last_rate_limit.load()
    }

    /// `GET /segments/details`: the details of one segment.
    pub async fn segment_details(&self, segment_id: &str) -> Result<SegmentDetails, Error> {
        self.segment_details_with_meta(segment_id)
            .await
            .map(Response::into_inner)
    }

    /// [`segment_details`](Self::segment_details) with the response's status, rate-limit figures
    /// and attempt count.
    pub async fn segment_details_with_meta(&self, segment_id: &str) -> Result<Response<SegmentDetails>, Error> {
        let segment_id = check_segment_id(segment_id)?;
        let response = self
            .run("get_segment_details", Some(segment_id), |api| {
                api.get_segment_details().segment_id(segment_id).send()
            })
            .await?;
        Ok(response.map(SegmentDetails::from))
    }

    /// `GET /segments/list`: one page (from 0) of up to 100 segments. Listed segments without an
    /// id are left out. See [`segments`](Self::segments) for all pages as a stream.
    pub async fn segments_page(&self, page: u32, sort: SortDirection) -> Result<Response<Vec<SegmentSummary>>, Error> {
        self.list_page_with_meta(page, sort)
            .await
            .map(|r| r.map(|(segments, _)| segments))
    }

    /// One page, and how many segments Braze listed on it (before those without an id were left
    /// out): the count that says whether another page follows.
    pub(crate) async fn list_page(
        &self,
        page: u32,
        sort: SortDirection,
    ) -> Result<(Vec<SegmentSummary>, usize), Error> {
        self.list_page_with_meta(page, sort).await.map(Response::into_inner)
    }

    async fn list_page_with_meta(
        &self,
        page: u32,
        sort: SortDirection,
    ) -> Result<Response<(Vec<SegmentSummary>, usize)>, Error> {
        let response = self
            .run("get_segments_list", None, |api| {
                api.get_segments_list()
                    .page(page)
                    .sort_direction(api::SortDirection::from(sort))
                    .send()
            })
            .await?;
        Ok(response.map(|list| {
            let raw = list.segments.unwrap_or_default();
            let count = raw.len();
            (raw.into_iter().filter_map(SegmentSummary::from_api).collect(), count)
        }))
    }

    /// `GET /segments/data_series`: the segment's size for each of `length_days` days (1 to
    /// 100) ending at `ending_at` (Braze's default: now). Points without a time or size are
    /// left out.
    pub async fn segment_data_series(
        &self,
        segment_id: &str,
        length_days: u32,
        ending_at: Option<&str>,
    ) -> Result<Vec<DataPoint>, Error> {
        let segment_id = check_segment_id(segment_id)?;
        let length = u8::try_from(length_days)
            .ok()
            .filter(|n| (1..=100).contains(n))
            .and_then(std::num::NonZeroU8::new)
            .ok_or_else(|| Error::invalid("length_days", format!("{length_days} is outside 1..=100")))?;
        if let Some(at) = ending_at {
            if at.trim().is_empty() {
                return Err(Error::invalid("ending_at", "is empty"));
            }
        }
        let response = self
            .run("get_segment_data_series", Some(segment_id), |api| {
                let mut request = api.get_segment_data_series().segment_id(segment_id).length(length);
                if let Some(at) = ending_at {
                    request = request.ending_at(at);
                }
                request.send()
            })
            .await?;
        Ok(response
            .value
            .data
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| {
                Some(DataPoint {
                    time: p.time?,
                    size: p.size?,
                })
            })
            .collect())
    }

    /// Every call goes through here: gate and quota, one attempt through the generated client,
    /// then [`decide`] whether and when to retry. One tracing span per call.
    async fn run<'a, T, F, Fut>(
        &'a self,
        operation: &'static str,
        segment_id: Option<&str>,
        send: F,
    ) -> Result<Response<T>, Error>
    where
        T: DeserializeOwned + BrazeBody,
        F: Fn(&'a braze_segments_api::Client) -> Fut,
        Fut: Future<Output = ApiResult<T>>,
    {
        let span = tracing::info_span!(
            "braze.call",
            operation,
            segment_id,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
            ratelimit_remaining = tracing::field::Empty,
        );
        let shared = &*self.shared;
        let policy = &shared.retry;
        let handle = span.clone();
        async move {
            let span = handle;
            let started = Instant::now();
            let mut attempts = 0u32;
            let result = loop {
                if let Err(e) = self.wait_for_budget(started, attempts).await {
                    break Err(e);
                }
                attempts += 1;
                if !span.is_disabled() {
                    span.record("attempt", attempts);
                }
                // One timer per attempt: the attempt's own limit, or what is left of the deadline.
                let left = policy.deadline.map(|d| d.saturating_sub(started.elapsed()));
                if left.is_some_and(|l| l.is_zero()) {
                    break Err(Error::Timeout {
                        elapsed: started.elapsed(),
                        attempts: attempts - 1,
                    });
                }
                let timeout = match (shared.attempt_timeout, left) {
                    (Some(a), Some(l)) => Some(a.min(l)),
                    (a, l) => a.or(l),
                };
                let slot = Cell::new(AttemptMeta {
                    timeout,
                    ..AttemptMeta::default()
                });
                let mut attempt = std::pin::pin!(ATTEMPT.scope(slot, send(&shared.api)));
                let outcome = attempt.as_mut().await;
                let meta = attempt.as_mut().take_value().map(Cell::into_inner).unwrap_or_default();
                self.observe(&meta.rate_limit);

                let (error, retry_outcome) = match outcome {
                    Ok(value) => {
                        let status = value.status().as_u16();
                        let message = value.message();
                        if message.trim().eq_ignore_ascii_case("success") {
                            break Ok(Response {
                                value: value.into_inner(),
                                status,
                                rate_limit: meta.rate_limit,
                                attempts,
                            });
                        }
                        let error = Error::Api {
                            status,
                            message: message.to_owned(),
                            errors: Vec::new(),
                            rate_limit: meta.rate_limit,
                        };
                        (error, Outcome::Permanent)
                    }
                    Err(e) => self.classify::<T>(e, &meta, started, attempts).await,
                };
                tracing::debug!(attempt = attempts, error = %error, "attempt failed");
                match decide(policy, &retry_outcome, attempts, started.elapsed()) {
                    Decision::RetryAfter(wait) => sleep_within(wait, policy.deadline, started).await,
                    Decision::RetryJittered { ceiling } => {
                        let wait = rand::rng().random_range(Duration::ZERO..=ceiling);
                        sleep_within(wait, policy.deadline, started).await;
                    }
                    Decision::GiveUp(reason) => break Err(finish(error, reason, &meta, started, attempts)),
                }
            };
            span.record("elapsed_ms", started.elapsed().as_millis() as u64);
            match &result {
                Ok(response) => {
                    span.record("status", response.status);
                    if let Some(remaining) = response.rate_limit.remaining {
                        span.record("ratelimit_remaining", remaining);
                    }
                    tracing::debug!(attempts, "call succeeded");
                }
                Err(error) => {
                    if let Some(status) = error.status() {
                        span.record("status", status);
                    }
                    tracing::warn!(attempts, error = %error, "call failed");
                }
            }
            result
        }
        .instrument(span)
        .await
    }

    /// Waits while the shared gate is closed (a response said nothing remains) and for the
    /// client-side quota. Fails at once when the gate would hold past the policy's patience.
    async fn wait_for_budget(&self, started: Instant, attempts: u32) -> Result<(), Error> {
        let shared = &*self.shared;
        let policy = &shared.retry;
        let wait = shared.gate.wait(SystemTime::now);
        if !wait.is_zero() {
            let past_deadline = policy
                .deadline
                .is_some_and(|d| started.elapsed().saturating_add(wait) >= d);
            if wait > policy.max_rate_limit_wait || past_deadline {
                let rate_limit = self.last_rate_limit().unwrap_or_default();
                return Err(Error::RateLimited {
                    reset_at: rate_limit.reset_at,
                    wait: Some(wait),
                    rate_limit,
                    message: Some("the rate-limit window is spent (X-RateLimit-Remaining: 0)".into()),
                });
            }
            tracing::info!(
                wait_ms = wait.as_millis() as u64,
                "rate-limit window spent; waiting for its reset"
            );
            tokio::time::sleep(wait).await;
        }
        if let Some(limiter) = &shared.limiter {
            // The quota's wait counts against the deadline like any other.
            match policy.deadline.map(|d| d.saturating_sub(started.elapsed())) {
                Some(left) => {
                    if tokio::time::timeout(left, limiter.until_ready()).await.is_err() {
                        return Err(Error::Timeout {
                            elapsed: started.elapsed(),
                            attempts,
                        });
                    }
                }
                None => limiter.until_ready().await,
            }
        }
        Ok(())
    }

    fn observe(&self, rate_limit: &RateLimit) {
        if rate_limit.is_empty() {
            return;
        }
        self.shared.gate.observe(rate_limit, SystemTime::now());
        self.shared.last_rate_limit.store(rate_limit);
    }

    /// Turns the generated client's error into the SDK's, and says how the retry loop should
    /// see it.
    async fn classify<T: DeserializeOwned>(
        &self,
        error: progenitor_client::Error<api::BrazeError>,
        meta: &AttemptMeta,
        started: Instant,
        attempts: u32,
    ) -> (Error, Outcome) {
        use progenitor_client::Error as E;
        let status = meta.status.unwrap_or(0);
        let status_outcome = |status: u16| Outcome::Status {
            status,
            server_wait: meta
                .retry_after
                .or_else(|| meta.rate_limit.reset_after(SystemTime::now())),
        };
        let limit = self.shared.body_limit;
        let too_large = |status: u16| (Error::BodyTooLarge { status, limit }, Outcome::Permanent);
        match error {
            E::ErrorResponse(value) => {
                let status = value.status().as_u16();
                let body = value.into_inner();
                let error = Error::Api {
                    status,
                    message: body.message,
                    errors: body
                        .errors
                        .unwrap_or_default()
                        .into_iter()
                        .map(ErrorDetail::from)
                        .collect(),
                    rate_limit: meta.rate_limit,
                };
                (error, status_outcome(status))
            }
            E::InvalidResponsePayload(..) if meta.body_over_limit => too_large(status),
            E::InvalidResponsePayload(bytes, json_error) => {
                if (200..300).contains(&status) {
                    (decode_error::<T>(status, &bytes, json_error), Outcome::Permanent)
                } else {
                    // An error status whose body is not Braze's JSON (a proxy's HTML page, nothing).
                    let error = Error::Api {
                        status,
                        message: body_message(&bytes),
                        errors: Vec::new(),
                        rate_limit: meta.rate_limit,
                    };
                    (error, status_outcome(status))
                }
            }
            E::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let body = response.bytes().await;
                if meta.body_over_limit || body.as_ref().err().is_some_and(|e| is_length_limit(e)) {
                    return too_large(status);
                }
                let body = body.unwrap_or_default();
                let message = match (status, location) {
                    (300..=399, Some(location)) => {
                        format!("redirect to {location} not followed (it leaves the configured endpoint)")
                    }
                    _ => serde_json::from_slice::<api::BrazeError>(&body)
                        .map(|b| b.message)
                        .unwrap_or_else(|_| body_message(&body)),
                };
                let error = Error::Api {
                    status,
                    message,
                    errors: Vec::new(),
                    rate_limit: meta.rate_limit,
                };
                (error, status_outcome(status))
            }
            E::ResponseBodyError(e) => {
                if meta.body_over_limit || is_length_limit(&e) {
                    too_large(status)
                } else {
                    (transport_error(e, started, attempts), Outcome::Transport)
                }
            }
            E::CommunicationError(e) => {
                let permanent = e.is_builder() || e.is_redirect();
                let error = transport_error(e, started, attempts);
                (
                    error,
                    if permanent {
                        Outcome::Permanent
                    } else {
                        Outcome::Transport
                    },
                )
            }
            E::InvalidRequest(reason) => (Error::invalid("request", reason), Outcome::Permanent),
            other => (
                Error::Transport {
                    message: other.to_string(),
                    source: other.to_string().into(),
                },
                Outcome::Permanent,
            ),
        }
    }
}

/// The final error of a call that gave up.
fn finish(error: Error, reason: GiveUp, meta: &AttemptMeta, started: Instant, attempts: u32) -> Error {
    match (error, reason) {
        (
            Error::Api {
                status: 429,
                message,
                rate_limit,
                ..
            },
            reason,
        ) => {
            let wait = match reason {
                GiveUp::RateLimitTooFar { wait } => Some(wait),
                _ => meta.retry_after.or_else(|| rate_limit.reset_after(SystemTime::now())),
            };
            Error::RateLimited {
                reset_at: rate_limit.reset_at,
                wait,
                rate_limit,
                message: Some(message).filter(|m| !m.is_empty()),
            }
        }
        (Error::Transport { .. }, GiveUp::Deadline) => Error::Timeout {
            elapsed: started.elapsed(),
            attempts,
        },
        (error, _) => error,
    }
}

fn transport_error(e: reqwest::Error, started: Instant, attempts: u32) -> Error {
    if e.is_timeout() {
        return Error::Timeout {
            elapsed: started.elapsed(),
            attempts,
        };
    }
    let message = if e.is_connect() {
        "cannot connect".to_owned()
    } else if e.is_body() || e.is_decode() {
        "the connection failed while reading the response body".to_owned()
    } else if e.is_redirect() {
        "redirect refused".to_owned()
    } else {
        "the request failed".to_owned()
    };
    // reqwest's message names the URL, which never holds the key (it travels in a header).
    Error::Transport {
        message: format!("{message}: {e}"),
        source: Box::new(e),
    }
}

/// Re-decodes a body that failed, to name the JSON path that failed.
fn decode_error<T: DeserializeOwned>(status: u16, bytes: &[u8], fallback: serde_json::Error) -> Error {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (cut(e.path().to_string(), MAX_PATH_CHARS), e.into_inner().to_string()),
        Ok(_) => (".".to_owned(), fallback.to_string()),
    };
    Error::Decode {
        status,
        path,
        message,
        snippet: snippet(bytes, SNIPPET_BYTES),
    }
}

/// `text`, cut to `max` characters (a path into deeply nested JSON can be very long).
fn cut(mut text: String, max: usize) -> String {
    if let Some((at, _)) = text.char_indices().nth(max) {
        text.truncate(at);
        text.push('…');
    }
    text
}

/// A readable message for an error body that is not Braze's JSON.
fn body_message(body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        "(empty body)".to_owned()
    } else {
        format!("(not Braze's JSON) {}", snippet(body, SNIPPET_BYTES))
    }
}

fn check_segment_id(segment_id: &str) -> Result<&str, Error> {
    if segment_id.trim().is_empty() {
        return Err(Error::invalid("segment_id", "is empty"));
    }
    if segment_id.len() > MAX_SEGMENT_ID_BYTES {
        return Err(Error::invalid(
            "segment_id",
            format!("is longer than {MAX_SEGMENT_ID_BYTES} bytes"),
        ));
    }
    Ok(segment_id)
}

/// Sleeps `wait`, but not past the deadline (the next attempt then times out at once).
async fn sleep_within(wait: Duration, deadline: Option<Duration>, started: Instant) {
    let wait = match deadline {
        Some(d) => wait.min(d.saturating_sub(started.elapsed())),
        None => wait,
    };
    tokio::time::sleep(wait).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_https_unless_loopback() {
        for ok in [
            "https://rest.iad-03.braze.com",
            "https://rest.iad-03.braze.com/",
            "https://proxy.example.com/braze",
            "http://127.0.0.1:4010",
            "http://127.8.9.10",
            "http://[::1]:8080",
            "http://localhost:3000",
        ] {
            assert!(check_endpoint(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("http://rest.iad-03.braze.com", "refusing plain http://"),
            ("http://10.0.0.1", "refusing plain http://"),
            ("http://localhost.evil.com", "refusing plain http://"),
            ("ftp://rest.iad-03.braze.com", "not supported"),
            ("https://user:pw@rest.iad-03.braze.com", "credentials"),
            ("https://rest.iad-03.braze.com?api_key=x", "query"),
            ("rest.iad-03.braze.com", "not a URL"),
        ] {
            let err = check_endpoint(bad).unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
            assert!(!err.contains("pw"), "{err}");
        }
    }

    #[test]
    fn env_endpoints_take_urls_or_instance_names() {
        assert_eq!(
            endpoint_from_env_value("US-03").unwrap(),
            "https://rest.iad-03.braze.com"
        );
        assert_eq!(
            endpoint_from_env_value("eu-01").unwrap(),
            "https://rest.fra-01.braze.eu"
        );
        assert_eq!(
            endpoint_from_env_value("http://127.0.0.1:1").unwrap(),
            "http://127.0.0.1:1"
        );
        let err = endpoint_from_env_value("mars-01").unwrap_err().to_string();
        assert!(err.contains("BRAZE_REST_ENDPOINT"), "{err}");
        let err = endpoint_from_env_value("rest.iad-01.braze.com")
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean https://rest.iad-01.braze.com?"), "{err}");
    }

    #[test]
    fn segment_ids_are_checked() {
        assert!(check_segment_id("abc").is_ok());
        for bad in ["", " ", "\t\n"] {
            assert!(matches!(
                check_segment_id(bad),
                Err(Error::InvalidInput {
                    field: "segment_id",
                    ..
                })
            ));
        }
        assert!(check_segment_id(&"x".repeat(1025)).is_err());
    }
}
