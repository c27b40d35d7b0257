//! What the SDK does to each request and response of the generated client: the
//! [`RequestHooks`] it plugs into `braze-segments-api`. They add the key (only for the configured
//! origin), the User-Agent and the per-attempt timeout, record what the response said for the
//! retry loop, and cap the body.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use braze_segments_api::RequestHooks;
use http_body_util::Limited;
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};

use crate::headers::Seen;
use crate::rate_limit::{RateLimit, retry_after_value, server_date_value};

/// What the attempt under way saw of its response, for the retry loop (the generated client's
/// errors do not all carry the status or headers).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct AttemptMeta {
    /// Set by the retry loop: this attempt's time limit (the per-attempt timeout, or what is
    /// left of the call's deadline if that is less).
    pub(crate) timeout: Option<Duration>,
    pub(crate) status: Option<u16>,
    pub(crate) rate_limit: RateLimit,
    pub(crate) retry_after: Option<Duration>,
    /// The response's `Date`, read when a wait may follow (a 429, `Remaining: 0`) or a share
    /// is paced.
    pub(crate) server_clock: Option<SystemTime>,
    pub(crate) body_over_limit: bool,
}

impl AttemptMeta {
    /// How long after this response the window it names has surely ended: the time to the
    /// reset on the server's clock when the response said what time it was (so a skewed local
    /// clock neither shortens nor stretches the wait), and a second more, as Reset and Date are
    /// whole seconds ([`crate::rate_limit::WHOLE_SECOND`]).
    pub(crate) fn reset_wait(&self) -> Option<Duration> {
        self.rate_limit
            .reset_after(self.server_clock.unwrap_or_else(SystemTime::now))
            .map(|wait| wait.saturating_add(crate::rate_limit::WHOLE_SECOND))
    }

    /// The wait the server asked for: `Retry-After`, else the time to the reset. A
    /// `Retry-After` of zero (or a date already past) asks for nothing: the reset decides.
    pub(crate) fn server_wait(&self) -> Option<Duration> {
        self.retry_after
            .filter(|wait| !wait.is_zero())
            .or_else(|| self.reset_wait())
    }

    /// When the window this response names ends, on the local clock, for a share's pacer:
    /// `None` when it names none (or an implausible one); `now` itself when its Reset was at or
    /// before its `Date` (a server clock behind, or a glitch), so the request counts in the
    /// window that runs rather than opening a new one with a fresh share.
    pub(crate) fn window_end(&self, now: SystemTime) -> Option<SystemTime> {
        let wait = self.rate_limit.reset_after(self.server_clock.unwrap_or(now))?;
        if wait.is_zero() {
            return Some(now);
        }
        now.checked_add(wait.saturating_add(crate::rate_limit::WHOLE_SECOND))
    }
}

thread_local! {
    /// The attempt being polled on this thread, if any: set by [`poll_attempt`] around each
    /// poll of an attempt (the transport's code runs inside that poll), read and filled in by
    /// [`Transport`]. A copy in, a copy out: no task-local scope future around the attempt.
    static ATTEMPT: Cell<Option<AttemptMeta>> = const { Cell::new(None) };
}

/// Polls `attempt` once with `meta` as the attempt under way, and takes back what the transport
/// wrote into it. What was set before (nothing, unless polls nest) is put back, on a panic too.
pub(crate) fn poll_attempt<F: Future>(
    attempt: Pin<&mut F>,
    meta: &mut AttemptMeta,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    struct Restore(Option<AttemptMeta>);
    impl Drop for Restore {
        fn drop(&mut self) {
            ATTEMPT.set(self.0);
        }
    }
    let restore = Restore(ATTEMPT.replace(Some(*meta)));
    let poll = attempt.poll(cx);
    if let Some(written) = ATTEMPT.get() {
        *meta = written;
    }
    drop(restore);
    poll
}

/// The SDK's [`RequestHooks`].
pub(crate) struct Transport {
    /// `Bearer <key>`, marked sensitive.
    pub(crate) authorization: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    /// The configured endpoint's origin: the only one the key is sent to.
    pub(crate) origin: Origin,
    pub(crate) body_limit: usize,
    /// The time limit of a request made outside the retry loop (through `Client::api`).
    pub(crate) attempt_timeout: Option<Duration>,
    /// The budget's reserve: at or below it, a wait for the reset follows, so the response's
    /// `Date` is read.
    pub(crate) reserve: u64,
    /// Whether a share is paced: every response's `Date` is read then, so the pacer measures
    /// each window on Braze's clock (a local clock ahead would otherwise end windows early).
    pub(crate) paced: bool,
}

impl RequestHooks for Transport {
    fn before(&self, request: &mut reqwest::Request, _operation_id: &'static str) {
        // (progenitor's `api-version` header is left out by the generation: Braze defines none.)
        let headers = request.headers_mut();
        headers.insert(USER_AGENT, self.user_agent.clone());
        if self.origin.matches(request.url()) {
            request.headers_mut().insert(AUTHORIZATION, self.authorization.clone());
        }
        let timeout = match ATTEMPT.get() {
            Some(attempt) => attempt.timeout,
            None => self.attempt_timeout,
        };
        if timeout.is_some() {
            *request.timeout_mut() = timeout;
        }
    }

    fn after(&self, mut response: reqwest::Response, _operation_id: &'static str) -> reqwest::Response {
        let status = response.status().as_u16();
        let seen = Seen::scan(response.headers());
        let declared_len = seen.declared_len();
        let over_limit = declared_len.is_some_and(|len| len > self.body_limit as u64);
        if let Some(mut attempt) = ATTEMPT.get() {
            let rate_limit = seen.rate_limit();
            let wait_follows = status == 429
                || rate_limit.remaining.is_some_and(|left| left <= self.reserve)
                || seen.retry_after.is_some();
            let server_clock = if wait_follows || self.paced {
                server_date_value(seen.date, SystemTime::now())
            } else {
                None
            };
            attempt.status = Some(status);
            attempt.rate_limit = rate_limit;
            attempt.retry_after = retry_after_value(seen.retry_after, || server_clock.unwrap_or_else(SystemTime::now));
            attempt.server_clock = server_clock;
            attempt.body_over_limit = over_limit;
            ATTEMPT.set(Some(attempt));
            if response.status().is_success() {
                // What the retry loop needs of the headers is in its attempt state now, and the
                // generated code only copies them into its `ResponseValue`, which the loop
                // drops: a success hands it none (a failure keeps them: a redirect's
                // `Location` is read). A request made through `Client::api` keeps them all.
                drop(std::mem::take(response.headers_mut()));
            }
        }

        if declared_len.is_some() && !over_limit {
            // hyper reads no more than a declared Content-Length: the cap already holds.
            return response;
        }
        let response: http::Response<reqwest::Body> = response.into();
        let (parts, body) = response.into_parts();
        let body = if over_limit {
            // Declared too large: read none of it.
            reqwest::Body::from(Vec::new())
        } else {
            // No length that bounds the body (chunked, close-delimited, a length beside a
            // Transfer-Encoding): count the bytes as they stream.
            reqwest::Body::wrap(Limited::new(body, self.body_limit))
        };
        reqwest::Response::from(http::Response::from_parts(parts, body))
    }
}

/// The configured endpoint's origin (`scheme://host[:port]`, as the `url` crate serializes it:
/// host lowercased, default port left out), compared with a request's URL without allocating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin(String);

impl Origin {
    pub(crate) fn of(url: &url::Url) -> Self {
        Self(url.origin().ascii_serialization())
    }

    /// True when `url` is on this origin: its serialization starts with the origin's and the
    /// authority ends right there (so `http://a.com` does not match `http://a.com.evil`).
    pub(crate) fn matches(&self, url: &url::Url) -> bool {
        let url = url.as_str();
        url.starts_with(&self.0) && matches!(url.as_bytes().get(self.0.len()), None | Some(b'/' | b'?' | b'#'))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_end_for_the_pacer_is_measured_on_the_servers_clock() {
        let now = SystemTime::now();
        let server = now - Duration::from_secs(3600); // Braze's clock an hour behind ours
        let secs = |at: SystemTime| at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let meta = |reset: Option<SystemTime>| AttemptMeta {
            rate_limit: RateLimit {
                reset_at: reset.and_then(|r| chrono::DateTime::from_timestamp(secs(r), 0)),
                ..RateLimit::default()
            },
            server_clock: Some(server),
            ..AttemptMeta::default()
        };
        // 30 s after its Date: 30 s and the whole second from now, whatever our clock says.
        let end = meta(Some(server + Duration::from_secs(30))).window_end(now).unwrap();
        let wait = end.duration_since(now).unwrap();
        assert!(
            (Duration::from_secs(30)..=Duration::from_secs(31)).contains(&wait),
            "{wait:?}"
        );
        // At or before its Date: the running window, `now` itself.
        assert_eq!(meta(Some(server - Duration::from_secs(30))).window_end(now), Some(now));
        assert_eq!(meta(None).window_end(now), None);
    }

    #[test]
    fn a_zero_retry_after_leaves_the_wait_to_the_reset() {
        let now = SystemTime::now();
        let secs = now.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 + 30;
        let meta = AttemptMeta {
            retry_after: Some(Duration::ZERO),
            rate_limit: RateLimit {
                reset_at: chrono::DateTime::from_timestamp(secs, 0),
                ..RateLimit::default()
            },
            server_clock: Some(now),
            ..AttemptMeta::default()
        };
        let wait = meta.server_wait().unwrap();
        assert!(wait > Duration::from_secs(29), "{wait:?}");
        let asked = AttemptMeta {
            retry_after: Some(Duration::from_secs(5)),
            ..meta
        };
        assert_eq!(asked.server_wait(), Some(Duration::from_secs(5)));
    }

    #[test]
    fn origins_match_exactly() {
        let origin = Origin::of(&url::Url::parse("https://REST.iad-01.braze.com/").unwrap());
        let yes = [
            "https://rest.iad-01.braze.com/segments/details?x=1",
            "https://rest.iad-01.braze.com:443/a",
        ];
        let no = [
            "http://rest.iad-01.braze.com/a",
            "https://rest.iad-01.braze.com.evil.com/a",
            "https://rest.iad-01.braze.com:8443/a",
            "https://evil.com/rest.iad-01.braze.com",
            "https://user@rest.iad-01.braze.com/a",
        ];
        for u in yes {
            assert!(origin.matches(&url::Url::parse(u).unwrap()), "{u}");
        }
        for u in no {
            assert!(!origin.matches(&url::Url::parse(u).unwrap()), "{u}");
        }
        let local = Origin::of(&url::Url::parse("http://127.0.0.1:4010").unwrap());
        assert!(local.matches(&url::Url::parse("http://127.0.0.1:4010/segments/list").unwrap()));
        assert!(!local.matches(&url::Url::parse("http://127.0.0.1:40100/segments/list").unwrap()));
    }
}
