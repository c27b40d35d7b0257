//! Building answers: Braze's JSON bodies and rate-limit headers.

use braze_segments_api::types;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};

use crate::budget::Spent;

/// An answer of the stand-in.
pub(crate) type Reply = Response<Full<Bytes>>;

/// Returned by the service to make hyper close the connection without a response.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("injected fault: connection dropped")
    }
}

impl std::error::Error for DropConnection {}

/// `status` with Braze's error body `{"message": …}`.
pub(crate) fn error(status: StatusCode, message: &str) -> Reply {
    json(
        status,
        &types::BrazeError {
            message: message.to_owned(),
            errors: None,
            extra: Default::default(),
        },
    )
}

/// `status` with `body` as JSON.
pub(crate) fn json(status: StatusCode, body: &impl serde::Serialize) -> Reply {
    // The generated types hold only strings, numbers, booleans and string-keyed maps: they
    // always serialize. Should one ever not, the answer is a 500 rather than a panic.
    let (status, bytes) = match serde_json::to_vec(body) {
        Ok(bytes) => (status, bytes),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            br#"{"message":"Internal Server Error"}"#.to_vec(),
        ),
    };
    let mut reply = Response::new(Full::new(Bytes::from(bytes)));
    *reply.status_mut() = status;
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    reply
}

/// `status` with `body` as `content_type` (a proxy's HTML page, an empty text body).
pub(crate) fn text(status: StatusCode, content_type: &'static str, body: &'static [u8]) -> Reply {
    let mut reply = Response::new(Full::new(Bytes::from_static(body)));
    *reply.status_mut() = status;
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    reply
}

/// Sets Braze's three rate-limit headers to the budget's figures (none without a budget, or when
/// the budget hides them).
pub(crate) fn set_budget_headers(reply: &mut Reply, spent: Option<Spent>) {
    if let Some(spent) = spent.filter(|s| !s.hidden) {
        set_rate_headers(reply, Some(spent.limit), Some(spent.remaining), Some(spent.reset));
    }
}

/// Sets Braze's three rate-limit headers (empty values are allowed, as on a 401).
pub(crate) fn set_rate_headers(reply: &mut Reply, limit: Option<u64>, remaining: Option<u64>, reset: Option<u64>) {
    let headers = reply.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", limit),
        ("x-ratelimit-remaining", remaining),
        ("x-ratelimit-reset", reset),
    ] {
        let value = match value {
            Some(n) => HeaderValue::from(n),
            None => HeaderValue::from_static(""),
        };
        headers.insert(name, value);
    }
}
