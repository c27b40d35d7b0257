//! How the generated client's requests are executed: the [`Exec`] the SDK plugs into
//! `braze-segments-api`. It adds the key (only for the configured origin), the User-Agent and the
//! per-attempt timeout, records what the response said for the retry loop, and caps the body.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use braze_segments_api::{Exec, ExecFuture};
use http_body_util::Limited;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH, USER_AGENT};

use crate::rate_limit::{retry_after, RateLimit};

/// What the attempt under way saw of its response, for the retry loop (the generated client's
/// errors do not all carry the status or headers).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct AttemptMeta {
    pub(crate) status: Option<u16>,
    pub(crate) rate_limit: RateLimit,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body_over_limit: bool,
}

pub(crate) type SharedMeta = Arc<Mutex<AttemptMeta>>;

tokio::task_local! {
    /// Set by the retry loop around each attempt; read by [`Transport`].
    pub(crate) static ATTEMPT: SharedMeta;
}

/// The SDK's [`Exec`].
pub(crate) struct Transport {
    /// `Bearer <key>`, marked sensitive.
    pub(crate) authorization: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    /// The configured endpoint's origin: the only one the key is sent to.
    pub(crate) origin: url::Origin,
    pub(crate) body_limit: usize,
    pub(crate) attempt_timeout: Option<Duration>,
}

impl Exec for Transport {
    fn exec<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: reqwest::Request,
        _operation_id: &'static str,
    ) -> ExecFuture<'a> {
        Box::pin(async move {
            let headers = request.headers_mut();
            // progenitor sends the spec's `info.version` as `api-version`; Braze defines no such
            // header, so it is not sent.
            headers.remove("api-version");
            headers.insert(USER_AGENT, self.user_agent.clone());
            if request.url().origin() == self.origin {
                request.headers_mut().insert(AUTHORIZATION, self.authorization.clone());
            }
            if self.attempt_timeout.is_some() {
                *request.timeout_mut() = self.attempt_timeout;
            }

            let response = client.execute(request).await?;

            let status = response.status().as_u16();
            let headers = response.headers();
            let declared_len = headers
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            let over_limit = declared_len.is_some_and(|len| len > self.body_limit as u64);
            let meta = AttemptMeta {
                status: Some(status),
                rate_limit: RateLimit::from_headers(headers),
                retry_after: retry_after(headers, SystemTime::now()),
                body_over_limit: over_limit,
            };
            let _ = ATTEMPT.try_with(|slot| {
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = meta;
            });

            let response: http::Response<reqwest::Body> = response.into();
            let (parts, body) = response.into_parts();
            let body = if over_limit {
                // Declared too large: read none of it.
                reqwest::Body::from(Vec::new())
            } else {
                reqwest::Body::wrap(Limited::new(body, self.body_limit))
            };
            Ok(reqwest::Response::from(http::Response::from_parts(parts, body)))
        })
    }
}

/// True when `error`'s cause chain holds http-body-util's length-limit error.
pub(crate) fn is_length_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}
