//! Configuration: [`ClientBuilder`], the environment variables, and the defaults.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::budget::{RateBudget, WaitBoard};
use crate::client::{Client, Shared};
use crate::endpoint::{ENV_REST_ENDPOINT, check_endpoint, endpoint_from_env_value};
use crate::pacer::Pacer;
#[cfg(feature = "quota")]
use crate::quota::{Limiter, RequestQuota};
use crate::rate_limit::{Gate, LastSeen};
use crate::retry::RetryPolicy;
use crate::transport::{Origin, Transport};
use crate::{ConfigError, Error, Instance};

/// The environment variable holding the REST API key.
pub const ENV_API_KEY: &str = "BRAZE_API_KEY";

/// The default cap on a response body: 10 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

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
    #[cfg(feature = "quota")]
    quota: Option<RequestQuota>,
    budget: Option<RateBudget>,
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
            .field("budget", &self.budget)
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

    /// A client-side quota on requests, shared by every clone of the client (the `quota`
    /// feature).
    #[cfg(feature = "quota")]
    pub fn rate_limit(mut self, quota: RequestQuota) -> Self {
        self.quota = Some(quota);
        self
    }

    /// How much of Braze's shared budget to spend: a reserve, a share of each window, how long
    /// bulk jobs wait (default [`RateBudget::use_all`]).
    pub fn budget(mut self, budget: RateBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The `User-Agent` sent (default `braze-segments-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Use this `reqwest::Client` (its pool, proxy and TLS settings). Its redirect policy is
    /// its own: reqwest's default drops `Authorization` when a redirect leaves the host. Its
    /// proxy settings are its own too: with a plain `http://` loopback endpoint, build it with
    /// `.no_proxy()`, or a proxy from the environment sees the key in clear (the client this
    /// builder makes does that for you).
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
        let read = |name: &'static str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or(Error::Config(ConfigError::MissingVariable { name }))
        };
        let key = read(ENV_API_KEY)?;
        let endpoint = read(ENV_REST_ENDPOINT)?;
        self.api_key = Some(SecretString::from(key.trim().to_owned()));
        self.endpoint = Some(endpoint_from_env_value(endpoint.trim())?);
        Ok(self)
    }

    /// Checks the configuration and builds the client. No request is made.
    pub fn build(self) -> Result<Client, Error> {
        let key = self.api_key.ok_or(Error::Config(ConfigError::MissingApiKey))?;
        let endpoint = self.endpoint.ok_or(Error::Config(ConfigError::MissingEndpoint))?;
        let url = check_endpoint(&endpoint)?;
        let base = url.as_str().trim_end_matches('/').to_owned();

        let authorization = bearer(&key)?;
        let user_agent_text = self
            .user_agent
            .unwrap_or_else(|| concat!("braze-segments-rust/", env!("CARGO_PKG_VERSION")).to_owned());
        let user_agent =
            HeaderValue::from_str(&user_agent_text).map_err(|_| Error::Config(ConfigError::InvalidUserAgent))?;

        let http = match self.http_client {
            Some(client) => client,
            None => {
                let origin = Origin::of(&url);
                crate::tls::before_building_http_client();
                let mut http = reqwest::Client::builder();
                if url.scheme() == "http" {
                    // Plain http (loopback only) never goes through a proxy: the request, key
                    // included, would reach the proxy in clear. https through a proxy (CONNECT,
                    // from HTTPS_PROXY/ALL_PROXY) stays: the proxy sees only the encrypted tunnel.
                    http = http.no_proxy();
                }
                http.connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
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
                    .map_err(|e| Error::Config(ConfigError::HttpClient { reason: e.to_string() }))?
            }
        };
        let retry = self.retry.unwrap_or_default();
        let budget = self.budget.unwrap_or_default();
        budget.validate()?;
        let body_limit = self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES);
        let attempt_timeout = Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT));
        let transport = Arc::new(Transport {
            authorization,
            user_agent,
            origin: Origin::of(&url),
            body_limit,
            attempt_timeout,
            reserve: budget.get_reserve(),
            paced: budget.get_share().is_some(),
        });
        let api = braze_segments_api::Client::new_with_client(
            &base,
            http,
            braze_segments_api::Inner::with_hooks(transport.clone()),
        );
        Ok(Client {
            bulk: false,
            shared: Arc::new(Shared {
                api,
                endpoint: base,
                transport,
                bulk_retry: RetryPolicy {
                    max_rate_limit_wait: budget.get_bulk_max_wait().max(retry.max_rate_limit_wait),
                    ..retry.clone()
                },
                retry,
                pacer: budget.get_share().map(Pacer::new),
                budget,
                waits: WaitBoard::default(),
                gate: Gate::default(),
                #[cfg(feature = "quota")]
                limiter: self.quota.map(|q| Limiter::direct(q.quota)),
                last_rate_limit: LastSeen::default(),
            }),
        })
    }
}

fn bearer(key: &SecretString) -> Result<HeaderValue, Error> {
    let key = key.expose_secret().trim();
    if key.is_empty() {
        return Err(ConfigError::api_key("the API key is empty"));
    }
    // (Instance names are short: a real key is never copied into a parse.)
    if key.contains("://") || (key.len() <= 8 && key.parse::<Instance>().is_ok()) {
        return Err(ConfigError::api_key(format!(
            "the API key looks like an endpoint, not a key (it is not shown): are {ENV_API_KEY} and {ENV_REST_ENDPOINT} swapped?"
        )));
    }
    // The header's text is wiped once copied into the header value (which reqwest keeps,
    // marked sensitive, for the client's lifetime).
    let text = secrecy::zeroize::Zeroizing::new(format!("Bearer {key}"));
    let mut value = HeaderValue::from_str(&text)
        .map_err(|_| ConfigError::api_key("the API key holds characters not allowed in a header (it is not shown)"))?;
    value.set_sensitive(true);
    Ok(value)
}
